/* xref — report: GitHub-flavoured Markdown.
 *
 * A summary line, a table of the documents, then the discrepancy table
 * (GFM "tables" extension): one line per row, one cell per document of the
 * corpus.  Past XREF_MATCH_DENSE_MAX documents a row has one "sources"
 * cell instead, listing only the documents that report its topic (as the
 * JSON report does): a column per document would make the table grow with
 * rows × documents.  Every cell goes through xref_escape_markdown: a pipe
 * or a line break in an article cannot break the table. */
#include "report/report-private.h"

static void
cell (GString *out, const char *s)
{
  g_string_append (out, " ");
  xref_escape_markdown (out, s, -1);
  g_string_append (out, " |");
}

/* value “text of the span” */
static void
value_text (GString *out, const XrefDocument *doc, const char *value, gsize start, gsize end)
{
  gsize len;
  const char *text = xref_report_span (doc, start, end, &len);

  if (value != NULL)
    xref_escape_markdown (out, value, -1);
  if (text != NULL)
    {
      g_string_append (out, value != NULL ? " “" : "“");
      xref_escape_markdown (out, text, (gssize) len);
      g_string_append (out, "”");
    }
}

static void
cell_value (GString *out, const XrefDocument *doc, const char *value, gsize start, gsize end)
{
  g_string_append_c (out, ' ');
  value_text (out, doc, value, start, end);
  g_string_append (out, " |");
}

static void
rule_line (GString *out, guint n)
{
  g_string_append_c (out, '|');
  for (guint i = 0; i < n; i++)
    g_string_append (out, "---|");
  g_string_append_c (out, '\n');
}

static void
date_text (GString *s, const XrefDocument *doc)
{
  const char *iso = xref_date_to_iso (&doc->date);

  if (iso == NULL)
    {
      g_string_append (s, "none");
      return;
    }
  g_string_append (s, iso);
  if (doc->date_basis != XREF_DATE_BASIS_NONE)
    g_string_append_printf (s, " (%s)", xref_date_basis_name (doc->date_basis));
}

static void
documents (GString *out, const XrefReport *report, GHashTable *labels)
{
  g_string_append (out, "| doc | file | outlet | date | title |\n");
  rule_line (out, 5);
  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      g_autoptr (GString) date = g_string_new (NULL);

      date_text (date, doc);
      g_string_append_c (out, '|');
      cell (out, xref_report_label (labels, doc));
      cell (out, doc->id);
      cell (out, doc->outlet);
      cell (out, date->str);
      cell (out, doc->title);
      g_string_append_c (out, '\n');
    }
}

/* What the rows of the table read, shared by the threads that render
 * them (xref_report_render_parts). */
typedef struct {
  const XrefReport *report;
  GHashTable *index;       /* xref_report_doc_index */
  GHashTable *labels;      /* xref_report_labels */
} RowsData;

/* What src says in doc, without the cell's bars: its value, then the
 * other speakers' values in this document ("third-country “a third
 * country”; also politico: us “…”"), or *omits*. */
static void
source_text (GString *out, const XrefRow *row, const XrefDocument *doc, const XrefSource *src)
{
  if (!src->states)
    {
      g_string_append (out, "*omits*");
      return;
    }
  value_text (out, doc, src->value, src->start, src->end);
  for (guint v = 0; row->voices != NULL && v < row->voices->len; v++)
    {
      const XrefSource *o = &g_array_index (row->voices, XrefSource, v);
      if (o->doc != doc)
        continue;
      g_string_append (out, "; also ");
      if (o->speaker != NULL)
        {
          xref_escape_markdown (out, o->speaker, -1);
          g_string_append (out, ": ");
        }
      value_text (out, doc, o->value, o->start, o->end);
    }
}

/* Past XREF_MATCH_DENSE_MAX documents: one cell listing the row's sources
 * (the documents that report its topic, in corpus order), each as
 * "**label**: what it says", separated by line breaks. */
static void
sources_cell (GString *out, const XrefRow *row, GHashTable *labels)
{
  g_string_append_c (out, ' ');
  for (guint k = 0; row->sources != NULL && k < row->sources->len; k++)
    {
      const XrefSource *src = &g_array_index (row->sources, XrefSource, k);
      if (k > 0)
        g_string_append (out, "<br>");
      g_string_append (out, "**");
      xref_escape_markdown (out, xref_report_label (labels, src->doc), -1);
      g_string_append (out, "**: ");
      source_text (out, row, src->doc, src);
    }
  g_string_append (out, " |");
}

/* Rows [from, to) of the table. */
static void
rows_part (GString *out, guint from, guint to, gpointer data)
{
  const RowsData *rd = data;
  const XrefReport *report = rd->report;
  GHashTable *index = rd->index;
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  XrefReportColumns cols;
  const XrefSource *src;
  guint gap, d;

  for (guint i = from; i < to; i++)
    {
      const XrefRow *row = g_ptr_array_index (report->rows, i);
      g_autofree char *topic = xref_report_row_topic (row);
      g_autofree char *verdict = xref_report_verdict (row);

      g_string_append_c (out, '|');
      cell (out, row->id);
      if (row->verdict == XREF_VERDICT_DIFFER)
        {
          g_string_append (out, " **");
          xref_escape_markdown (out, verdict, -1);
          g_string_append (out, "** |");
        }
      else
        cell (out, verdict);
      cell (out, row->slot);
      cell (out, topic);
      if (n_docs > XREF_MATCH_DENSE_MAX)
        {
          sources_cell (out, row, rd->labels);
          cell (out, row->rule);
          cell (out, row->note);
          g_string_append_c (out, '\n');
          continue;
        }

      /* One cell per document column, matched by document (a cursor
       * beside the columns: report-private.h), the empty cells between
       * two sources written at once. */
      xref_report_columns_init (&cols, report, index, row);
      while (xref_report_columns_next (&cols, &gap, &d, &src))
        {
          xref_report_repeat (out, "  |", 3, gap);
          g_string_append_c (out, ' ');
          source_text (out, row, g_ptr_array_index (report->documents, d), src);
          g_string_append (out, " |");
        }
      xref_report_repeat (out, "  |", 3, gap);
      cell (out, row->rule);
      cell (out, row->note);
      g_string_append_c (out, '\n');
    }
}

static void
rows (GString *out, const XrefReport *report, GHashTable *labels)
{
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  g_autoptr (GHashTable) index = xref_report_doc_index (report);
  RowsData rd = { report, index, labels };

  if (n_docs > XREF_MATCH_DENSE_MAX)
    {
      g_string_append (out, "| id | verdict | slot | topic | sources | rule | note |\n");
      rule_line (out, 7);
    }
  else
    {
      g_string_append (out, "| id | verdict | slot | topic |");
      for (guint i = 0; i < n_docs; i++)
        cell (out, xref_report_label (labels, g_ptr_array_index (report->documents, i)));
      g_string_append (out, " rule | note |\n");
      rule_line (out, 6 + n_docs);
    }

  /* parts of 32 rows: tens to hundreds of KB each (a row has a cell per
   * document, or lists its sources) */
  xref_report_render_row_parts (report, 32, rows_part, &rd, out);
}

/* `xref extract`: one table of claims per document. */
static void
claims (GString *out, const XrefReport *report)
{
  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      guint n = doc->claims != NULL ? doc->claims->len : 0;

      g_string_append (out, "\n## ");
      xref_escape_markdown (out, doc->id, -1);
      g_string_append (out, "\n\n");
      if (n == 0)
        {
          g_string_append (out, "No claims.\n");
          continue;
        }
      g_string_append (out, "| claim | actor | action | object | date | polarity | modality | speaker | slots | "
                            "sentence |\n");
      rule_line (out, 10);
      for (guint j = 0; j < n; j++)
        {
          const XrefClaim *c = g_ptr_array_index (doc->claims, j);
          g_autoptr (GString) slots = g_string_new (NULL);

          for (guint k = 0; c->slots != NULL && k < c->slots->len; k++)
            {
              const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, k);
              g_string_append_printf (slots, "%s%s=%s", k > 0 ? "; " : "", v->slot != NULL ? v->slot : "?",
                                      v->value != NULL ? v->value : "");
            }
          g_string_append_c (out, '|');
          cell (out, c->id);
          cell_value (out, doc, c->actor.id, c->actor.start, c->actor.end);
          cell_value (out, doc, c->action.id, c->action.start, c->action.end);
          if (c->object.id != NULL)
            cell_value (out, doc, c->object.id, c->object.start, c->object.end);
          else
            g_string_append (out, "  |");
          cell (out, c->date.id);
          cell (out, xref_polarity_name (c->polarity));
          cell (out, xref_modality_name (c->modality));
          cell (out, c->speaker.id);
          cell (out, slots->str);
          cell_value (out, doc, NULL, c->start, c->end);
          g_string_append_c (out, '\n');
          xref_report_maybe_flush (report, out);
        }
    }
}

void
xref_render_markdown (const XrefReport *report, GString *out)
{
  g_autoptr (GHashTable) labels = xref_report_labels (report);
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  guint n_claims = xref_report_n_claims (report);

  if (report->extract || report->rows == NULL)
    {
      g_string_append_printf (out, "# xref extract\n\n%u document%s · %u claim%s\n", n_docs,
                              n_docs == 1 ? "" : "s", n_claims, n_claims == 1 ? "" : "s");
      claims (out, report);
      return;
    }

  guint counts[3];
  xref_report_count_verdicts (report, counts);
  g_string_append_printf (out, "# xref report\n\n%u row%s (%u differ, %u omit, %u agree) · %u document%s · %u claim%s\n\n",
                          report->rows->len, report->rows->len == 1 ? "" : "s", counts[XREF_VERDICT_DIFFER],
                          counts[XREF_VERDICT_OMIT], counts[XREF_VERDICT_AGREE], n_docs, n_docs == 1 ? "" : "s",
                          n_claims, n_claims == 1 ? "" : "s");
  documents (out, report, labels);
  g_string_append_c (out, '\n');
  if (report->rows->len == 0)
    g_string_append (out, "No rows.\n");
  else
    rows (out, report, labels);
}
