/* xref — report: the terminal table (the default format), for an editor.
 *
 * One block per row: a header line (id, verdict, slot, rule), the topic,
 * the note, then one line per source with the value and its quoted
 * evidence, wrapped to the width with a hanging indent.  Every string that
 * comes from an article, a rule or a file name goes through
 * xref_escape_terminal, and columns are measured with xref_display_width. */
#include "report/report-private.h"

#include <string.h>

#define DEFAULT_WIDTH 100
#define MIN_WIDTH 40
/* A value wider than this does not widen the value column of its row. */
#define MAX_VALUE_COL 28
/* Labels are cut to a quarter of the width, but never below this. */
#define MIN_LABEL 8
/* Below this many columns left for the quote, it hangs under the value. */
#define MIN_QUOTE_COLS 20

/* ECMA-48 SGR sequences. */
#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"

typedef struct {
  GString *out;
  guint width;
  guint col;              /* display column of the cursor */
  gboolean color;
  GHashTable *cuts;       /* document → Cut: its label as put_cut shows it */
  GString *esc;           /* scratch of wrap and put_raw (escaped text) */
  GString *quote;         /* scratch of wrap_quote */
} Term;

/* A label escaped and cut as put_cut writes it, and its width: each
 * document's label is shown once per row that lists it (every row up to
 * 256 documents), so it is made once. */
typedef struct {
  char *text;
  gsize len;
  guint width;
} Cut;

static void
cut_free (gpointer p)
{
  Cut *c = p;

  g_free (c->text);
  g_free (c);
}

/* Appends text known to be safe (our own words, or already escaped). */
static void
put (Term *t, const char *s)
{
  gsize len = strlen (s);

  xref_report_put (t->out, s, len);
  t->col += xref_display_width (s, (gssize) len);
}

/* Appends raw text (article, rule, file name) escaped for the terminal. */
static void
put_raw (Term *t, const char *s, gssize len)
{
  GString *e = t->esc;

  g_string_truncate (e, 0);
  xref_escape_terminal (e, s, len);
  g_string_append_len (t->out, e->str, (gssize) e->len);
  t->col += xref_display_width (e->str, (gssize) e->len);
}

/* Raw text escaped, cut to at most max columns with "…". */
static GString *
cut_text (const char *s, guint max)
{
  GString *e = g_string_new (NULL);

  xref_escape_terminal (e, s, -1);
  if (xref_display_width (e->str, (gssize) e->len) > max)
    {
      const char *p = e->str;
      guint w = 0;

      while (*p != '\0')
        {
          const char *next = g_utf8_next_char (p);
          guint cw = xref_display_width (p, next - p);
          if (w + cw + 1 > max)
            break;
          w += cw;
          p = next;
        }
      g_string_truncate (e, (gsize) (p - e->str));
      g_string_append (e, "…");
    }
  return e;
}

/* Appends raw text escaped, cut to at most max columns with "…". */
static void
put_cut (Term *t, const char *s, guint max)
{
  g_autoptr (GString) e = cut_text (s, max);

  put (t, e->str);
}

/* put_cut of doc's label (max is the same for a whole report), made
 * once per document. */
static void
put_label (Term *t, GHashTable *labels, const XrefDocument *doc, guint max)
{
  Cut *c = g_hash_table_lookup (t->cuts, doc);

  if (c == NULL)
    {
      GString *e = cut_text (xref_report_label (labels, doc), max);

      c = g_new (Cut, 1);
      c->width = xref_display_width (e->str, (gssize) e->len);
      c->len = e->len;
      c->text = g_string_free (e, FALSE);
      g_hash_table_insert (t->cuts, (gpointer) doc, c);
    }
  xref_report_put (t->out, c->text, c->len);
  t->col += c->width;
}

static void
sgr (Term *t, const char *seq)
{
  if (t->color)
    g_string_append (t->out, seq);
}

static void
newline (Term *t)
{
  g_string_append_c (t->out, '\n');
  t->col = 0;
}

static void
pad_to (Term *t, guint col)
{
  if (t->col < col)
    {
      xref_report_repeat (t->out, " ", 1, col - t->col);
      t->col = col;
    }
}

/* Appends raw text word by word from the cursor, breaking lines before
 * t->width; continuation lines start at column indent.  A word wider than
 * a whole line is cut between characters. */
static void
wrap (Term *t, const char *s, gssize len, guint indent)
{
  GString *e = t->esc;
  const char *p, *end;
  gboolean need_space = FALSE;

  if (indent + MIN_WIDTH / 2 > t->width)
    indent = t->width / 2;
  g_string_truncate (e, 0);
  xref_escape_terminal (e, s, len);
  p = e->str;
  end = e->str + e->len;
  while (p < end)
    {
      const char *w;
      guint ww, sp;

      while (p < end && *p == ' ')
        p++;
      if (p >= end)
        break;
      w = p;
      while (p < end && *p != ' ')
        p++;
      ww = xref_display_width (w, p - w);
      sp = need_space ? 1 : 0;

      if (t->col + sp + ww > t->width && t->col > indent)
        {
          newline (t);
          pad_to (t, indent);
        }
      else if (sp)
        put (t, " ");

      if (t->col + ww <= t->width)
        {
          g_string_append_len (t->out, w, p - w);
          t->col += ww;
        }
      else
        for (const char *c = w; c < p; c = g_utf8_next_char (c))
          {
            gsize n = (gsize) (g_utf8_next_char (c) - c);
            guint cw = xref_display_width (c, (gssize) n);
            if (t->col + cw > t->width && t->col > indent)
              {
                newline (t);
                pad_to (t, indent);
              }
            g_string_append_len (t->out, c, (gssize) n);
            t->col += cw;
          }
      need_space = TRUE;
    }
}

/* “text of the span”, wrapped. */
static void
wrap_quote (Term *t, const XrefDocument *doc, gsize start, gsize end, guint indent)
{
  gsize len;
  const char *s = xref_report_span (doc, start, end, &len);
  GString *q = t->quote;

  if (s == NULL)
    return;
  g_string_assign (q, "“");
  g_string_append_len (q, s, (gssize) len);
  g_string_append (q, "”");
  wrap (t, q->str, (gssize) q->len, indent);
}

static guint
raw_width (const char *s)
{
  g_autoptr (GString) e = NULL;
  const char *p = s;

  /* printable ASCII (nearly every value): one column a byte, as it is */
  if (s == NULL)
    return 0;
  while (*p >= 0x20 && *p < 0x7F)
    p++;
  if (*p == '\0')
    return (guint) (p - s);
  e = g_string_new (NULL);

  xref_escape_terminal (e, s, -1);
  return xref_display_width (e->str, (gssize) e->len);
}

static const char *
verdict_sgr (XrefVerdict v)
{
  switch (v)
    {
    case XREF_VERDICT_DIFFER: return "\033[1;31m";
    case XREF_VERDICT_OMIT: return "\033[33m";
    case XREF_VERDICT_AGREE: return "\033[32m";
    default: return SGR_BOLD;
    }
}

/* "2022-12-21 (metadata)", "XXXX-12-28 (inferred)" or "no date". */
static void
doc_date (GString *s, const XrefDocument *doc)
{
  const char *iso = xref_date_to_iso (&doc->date);

  if (iso == NULL)
    {
      g_string_append (s, "no date");
      return;
    }
  g_string_append (s, iso);
  if (doc->date_basis != XREF_DATE_BASIS_NONE)
    g_string_append_printf (s, " (%s)", xref_date_basis_name (doc->date_basis));
}

/* "outlet · date" of a document, raw (wrap escapes it). */
static void
doc_line (GString *s, const XrefDocument *doc)
{
  g_string_append (s, doc->outlet != NULL ? doc->outlet : "unknown outlet");
  g_string_append (s, " · ");
  doc_date (s, doc);
}

/* The width of the label column: the widest label, but at most a
 * quarter of the line (longer labels are cut; the legend shows the id). */
static guint
label_width (const XrefReport *report, GHashTable *labels, guint width)
{
  guint w = 0;

  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    w = MAX (w, raw_width (xref_report_label (labels, g_ptr_array_index (report->documents, i))));
  return MIN (w, MAX (MIN_LABEL, width / 4));
}

/* The legend: label, whole id, outlet, date, title. */
static void
documents (Term *t, const XrefReport *report, GHashTable *labels, guint lw)
{
  put (t, "documents");
  newline (t);
  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      const char *label = xref_report_label (labels, doc);
      g_autoptr (GString) rest = g_string_new (NULL);

      put (t, "  ");
      put_cut (t, label, lw);
      pad_to (t, 2 + lw + 2);
      if (g_strcmp0 (label, doc->id) != 0 || raw_width (label) > lw)
        g_string_append_printf (rest, "%s · ", doc->id);
      doc_line (rest, doc);
      if (doc->title != NULL)
        g_string_append_printf (rest, " · “%s”", doc->title);
      wrap (t, rest->str, (gssize) rest->len, 2 + lw + 2);
      newline (t);
    }
}

/* "states  value  “quote”  — speaker" from the current column. */
static void
source_line (Term *t, const XrefSource *s, const char *status, guint c0, guint qcol)
{
  put (t, status);
  pad_to (t, c0);
  if (s->value != NULL)
    wrap (t, s->value, -1, c0);
  if (s->end > s->start)
    {
      if (t->col + 2 <= qcol)
        pad_to (t, qcol);
      else
        put (t, " ");
      wrap_quote (t, s->doc, s->start, s->end, qcol);
    }
  if (s->speaker != NULL)
    {
      g_autofree char *who = g_strdup_printf ("— %s", s->speaker);
      put (t, " ");
      wrap (t, who, -1, qcol);
    }
  newline (t);
}

static void
row_block (Term *t, const XrefRow *row, GHashTable *labels, guint lw, guint idw)
{
  g_autofree char *topic = xref_report_row_topic (row);
  g_autofree char *verdict = g_ascii_strup (xref_verdict_name (row->verdict), -1);
  guint n = row->sources != NULL ? row->sources->len : 0;
  guint c0 = 4 + lw + 2 + 6 + 2;    /* where values start */
  guint vcol = 0, qcol;

  /* r3  DIFFER  location  (rule exclusive-location) */
  put_raw (t, row->id != NULL ? row->id : "?", -1);
  pad_to (t, idw + 2);
  sgr (t, verdict_sgr (row->verdict));
  put (t, verdict);
  sgr (t, SGR_RESET);
  if (row->qualifier != NULL)
    {
      /* "DIFFER  superseded · location": the qualifier before the slot */
      pad_to (t, idw + 2 + 6 + 2);
      put (t, row->qualifier);
      put (t, " ·");
      put (t, " ");
    }
  else
    pad_to (t, idw + 2 + 6 + 2);
  wrap (t, row->slot != NULL ? row->slot : "?", -1, idw + 2 + 6 + 2);
  if (row->rule != NULL)
    {
      g_autofree char *rule = g_strdup_printf ("(rule %s)", row->rule);
      if (t->col + 2 + raw_width (rule) > t->width)
        {
          newline (t);
          pad_to (t, idw + 2 + 6 + 2);
        }
      else
        put (t, "  ");
      wrap (t, rule, -1, idw + 2 + 6 + 2);
    }
  newline (t);

  put (t, "    ");
  wrap (t, topic, -1, 4);
  newline (t);
  if (row->note != NULL)
    {
      put (t, "    note: ");
      wrap (t, row->note, -1, 10);
      newline (t);
    }

  for (guint i = 0; i < n; i++)
    {
      const XrefSource *s = &g_array_index (row->sources, XrefSource, i);
      if (s->states && s->value != NULL)
        vcol = MAX (vcol, MIN (raw_width (s->value), MAX_VALUE_COL));
    }
  for (guint i = 0; row->voices != NULL && i < row->voices->len; i++)
    vcol = MAX (vcol, MIN (raw_width (g_array_index (row->voices, XrefSource, i).value), MAX_VALUE_COL));
  qcol = c0 + vcol + 2;
  if (qcol + MIN_QUOTE_COLS > t->width)
    qcol = c0;

  for (guint i = 0; i < n; i++)
    {
      const XrefSource *s = &g_array_index (row->sources, XrefSource, i);

      put (t, "    ");
      put_label (t, labels, s->doc, lw);
      pad_to (t, 4 + lw + 2);
      if (!s->states)
        {
          put (t, "omits");
          newline (t);
          continue;
        }
      source_line (t, s, "states", c0, qcol);
      /* the values other speakers give in the same document */
      for (guint k = 0; row->voices != NULL && k < row->voices->len; k++)
        {
          const XrefSource *o = &g_array_index (row->voices, XrefSource, k);
          if (o->doc != s->doc)
            continue;
          pad_to (t, 4 + lw + 2);
          source_line (t, o, "also", c0, qcol);
        }
    }
}

static void
arg_line (Term *t, const char *name, const XrefDocument *doc, const XrefArg *arg, guint indent)
{
  if (arg->id == NULL)
    return;
  pad_to (t, indent);
  put_raw (t, name, -1);
  put (t, ": ");
  wrap (t, arg->id, -1, indent + 4);
  if (arg->end > arg->start)
    {
      put (t, " ");
      wrap_quote (t, doc, arg->start, arg->end, indent + 4);
    }
  newline (t);
}

/* `xref extract`: each document's claims. */
static void
claims (Term *t, const XrefReport *report)
{
  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      guint n = doc->claims != NULL ? doc->claims->len : 0;
      g_autoptr (GString) head = g_string_new (NULL);

      newline (t);
      g_string_append_printf (head, "%s · ", doc->id != NULL ? doc->id : "?");
      doc_line (head, doc);
      g_string_append_printf (head, " · %u claim%s", n, n == 1 ? "" : "s");
      wrap (t, head->str, (gssize) head->len, 2);
      newline (t);

      for (guint j = 0; j < n; j++)
        {
          const XrefClaim *c = g_ptr_array_index (doc->claims, j);
          g_autofree char *topic = xref_report_topic (c->actor.id, c->action.id, c->object.id);
          const char *id = c->id != NULL ? c->id : "?";
          const char *hash = strrchr (id, '#');

          /* "<doc id>#<n>" under its document's heading: "#n" is enough. */
          put (t, "  ");
          if (hash != NULL && doc->id != NULL && strncmp (id, doc->id, (gsize) (hash - id)) == 0
              && strlen (doc->id) == (gsize) (hash - id))
            put_raw (t, hash, -1);
          else
            put_raw (t, id, -1);
          put (t, "  ");
          wrap (t, topic, -1, 6);
          put (t, "  ");
          put (t, xref_polarity_name (c->polarity));
          put (t, " · ");
          put (t, xref_modality_name (c->modality));
          newline (t);

          arg_line (t, "date", doc, &c->date, 6);
          arg_line (t, "speaker", doc, &c->speaker, 6);
          arg_line (t, "source", doc, &c->source, 6);
          for (guint k = 0; c->slots != NULL && k < c->slots->len; k++)
            {
              const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, k);
              XrefArg a = { v->value != NULL ? v->value : "", v->start, v->end };
              arg_line (t, v->slot != NULL ? v->slot : "?", doc, &a, 6);
            }
          pad_to (t, 6);
          wrap_quote (t, doc, c->start, c->end, 7);
          newline (t);
          xref_report_maybe_flush (report, t->out);
        }
    }
}

/* What the row blocks read, shared by the threads that render them
 * (xref_report_render_parts). */
typedef struct {
  const XrefReport *report;
  GHashTable *labels;
  guint width;
  gboolean color;
  guint lw, idw;
} RowsData;

/* The blocks of rows [from, to), each after an empty line, with a Term of
 * their own (its caches and scratch are not shared between threads). */
static void
rows_part (GString *out, guint from, guint to, gpointer data)
{
  const RowsData *rd = data;
  g_autoptr (GHashTable) cuts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, cut_free);
  g_autoptr (GString) esc = g_string_new (NULL);
  g_autoptr (GString) quote = g_string_new (NULL);
  Term t = { out, rd->width, 0, rd->color, cuts, esc, quote };

  for (guint i = from; i < to; i++)
    {
      newline (&t);
      row_block (&t, g_ptr_array_index (rd->report->rows, i), rd->labels, rd->lw, rd->idw);
    }
}

void
xref_render_table (const XrefReport *report, GString *out)
{
  g_autoptr (GHashTable) labels = xref_report_labels (report);
  g_autoptr (GHashTable) cuts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, cut_free);
  g_autoptr (GString) esc = g_string_new (NULL);
  g_autoptr (GString) quote = g_string_new (NULL);
  Term t = { out, report->width != 0 ? report->width : DEFAULT_WIDTH, 0, report->color, cuts, esc, quote };
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  guint n_claims = xref_report_n_claims (report);
  guint lw;
  g_autofree char *title = NULL;

  t.width = MAX (t.width, MIN_WIDTH);
  lw = label_width (report, labels, t.width);

  if (report->extract || report->rows == NULL)
    {
      title = g_strdup_printf ("xref extract: %u document%s · %u claim%s", n_docs, n_docs == 1 ? "" : "s",
                               n_claims, n_claims == 1 ? "" : "s");
      wrap (&t, title, -1, 2);
      newline (&t);
      claims (&t, report);
      return;
    }

  guint counts[3];
  guint n_rows = report->rows->len, idw = 0;

  xref_report_count_verdicts (report, counts);
  title = g_strdup_printf ("xref: %u row%s (%u differ, %u omit, %u agree) · %u document%s · %u claim%s", n_rows,
                           n_rows == 1 ? "" : "s", counts[XREF_VERDICT_DIFFER], counts[XREF_VERDICT_OMIT],
                           counts[XREF_VERDICT_AGREE], n_docs, n_docs == 1 ? "" : "s", n_claims,
                           n_claims == 1 ? "" : "s");
  wrap (&t, title, -1, 2);
  newline (&t);
  newline (&t);
  documents (&t, report, labels, lw);

  for (guint i = 0; i < n_rows; i++)
    {
      const XrefRow *row = g_ptr_array_index (report->rows, i);
      idw = MAX (idw, raw_width (row->id != NULL ? row->id : "?"));
    }
  {
    RowsData rd = { report, labels, t.width, t.color, lw, idw };

    /* parts of up to 32 rows, rendered on several threads */
    xref_report_render_row_parts (report, 32, rows_part, &rd, out);
  }
  if (n_rows == 0)
    {
      newline (&t);
      put (&t, "no rows");
      newline (&t);
    }
}
