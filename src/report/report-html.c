/* xref — report: one self-contained HTML page for the browser.
 *
 * No script, no outside resource: a Content-Security-Policy allows only the
 * inline style sheet.  Every string goes through xref_escape_html. */
#include "report/report-private.h"

#define HEAD \
  "<!DOCTYPE html>\n" \
  "<html lang=\"en\">\n" \
  "<head>\n" \
  "<meta charset=\"utf-8\">\n" \
  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n" \
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" \
  "<title>%s</title>\n" \
  "<style>\n" \
  "body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}\n" \
  "table{border-collapse:collapse;margin:1em 0}\n" \
  "th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}\n" \
  "th{background:#f3f3f3}\n" \
  "tr.differ td.verdict{background:#f9d6d5;font-weight:bold}\n" \
  "tr.omit td.verdict{background:#fdf0c8}\n" \
  "tr.agree td.verdict{background:#d9f0d6}\n" \
  ".omits{color:#888;font-style:italic}\n" \
  ".value{font-weight:600}\n" \
  ".note,.where{color:#666;font-size:85%%}\n" \
  "</style>\n" \
  "</head>\n" \
  "<body>\n"

static void
esc (GString *out, const char *s)
{
  xref_escape_html (out, s, -1);
}

/* <td><q>…</q></td> body: the text of doc's span, when there is one. */
static void
quote (GString *out, const XrefDocument *doc, gsize start, gsize end)
{
  gsize len;
  const char *s = xref_report_span (doc, start, end, &len);

  if (s == NULL)
    return;
  g_string_append (out, "<q>");
  xref_escape_html (out, s, (gssize) len);
  g_string_append (out, "</q>");
}

static void
date_text (GString *out, const XrefDocument *doc)
{
  const char *iso = xref_date_to_iso (&doc->date);

  if (iso == NULL)
    {
      g_string_append (out, "none");
      return;
    }
  esc (out, iso);
  if (doc->date_basis != XREF_DATE_BASIS_NONE)
    g_string_append_printf (out, " (%s)", xref_date_basis_name (doc->date_basis));
}

static void
documents (GString *out, const XrefReport *report, GHashTable *labels)
{
  g_string_append (out, "<h2>Documents</h2>\n<table>\n<thead><tr><th>doc</th><th>file</th><th>outlet</th>"
                        "<th>date</th><th>title</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);

      g_string_append (out, "<tr><td>");
      esc (out, xref_report_label (labels, doc));
      g_string_append (out, "</td><td>");
      esc (out, doc->id);
      g_string_append (out, "</td><td>");
      esc (out, doc->outlet);
      g_string_append (out, "</td><td>");
      date_text (out, doc);
      g_string_append (out, "</td><td>");
      esc (out, doc->title);
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</tbody>\n</table>\n");
}

static void
source_cell (GString *out, const XrefSource *s)
{
  if (s == NULL)
    {
      g_string_append (out, "<td></td>");
      return;
    }
  if (!s->states)
    {
      g_string_append (out, "<td class=\"omits\">omits</td>");
      return;
    }
  g_string_append (out, "<td>");
  if (s->value != NULL)
    {
      g_string_append (out, "<span class=\"value\">");
      esc (out, s->value);
      g_string_append (out, "</span>");
    }
  if (s->end > s->start)
    {
      g_string_append (out, "<br>");
      quote (out, s->doc, s->start, s->end);
    }
  g_string_append (out, "<br><span class=\"where\">");
  if (s->claim != NULL && s->claim->id != NULL)
    {
      esc (out, s->claim->id);
      g_string_append (out, ", ");
    }
  g_string_append_printf (out, "bytes %" G_GSIZE_FORMAT "–%" G_GSIZE_FORMAT "</span></td>", s->start, s->end);
}

static void
rows (GString *out, const XrefReport *report, GHashTable *labels)
{
  guint n_docs = report->documents != NULL ? report->documents->len : 0;

  g_string_append (out, "<h2>Discrepancies</h2>\n");
  if (report->rows->len == 0)
    {
      g_string_append (out, "<p>No rows.</p>\n");
      return;
    }
  g_string_append (out, "<table>\n<thead><tr><th>id</th><th>verdict</th><th>slot</th><th>topic</th>");
  for (guint i = 0; i < n_docs; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      g_string_append (out, "<th title=\"");
      esc (out, doc->id);
      g_string_append (out, "\">");
      esc (out, xref_report_label (labels, doc));
      g_string_append (out, "</th>");
    }
  g_string_append (out, "<th>rule</th></tr></thead>\n<tbody>\n");

  for (guint i = 0; i < report->rows->len; i++)
    {
      const XrefRow *row = g_ptr_array_index (report->rows, i);
      g_autofree char *topic = xref_report_topic (row->actor, row->action, row->object);
      const char *verdict = xref_verdict_name (row->verdict);

      g_string_append_printf (out, "<tr class=\"%s\"><td>", verdict);
      esc (out, row->id);
      g_string_append_printf (out, "</td><td class=\"verdict\">%s</td><td>", verdict);
      esc (out, row->slot);
      g_string_append (out, "</td><td>");
      esc (out, topic);
      g_string_append (out, "</td>");

      /* One cell per document column, matched by document. */
      for (guint d = 0; d < n_docs; d++)
        {
          const XrefDocument *doc = g_ptr_array_index (report->documents, d);
          source_cell (out, xref_report_source (row, doc, d));
        }
      g_string_append (out, "<td>");
      esc (out, row->rule);
      if (row->note != NULL)
        {
          g_string_append (out, "<br><span class=\"note\">");
          esc (out, row->note);
          g_string_append (out, "</span>");
        }
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</tbody>\n</table>\n");
}

static void
arg_cell (GString *out, const XrefDocument *doc, const XrefArg *a)
{
  g_string_append (out, "<td>");
  if (a->id != NULL)
    {
      g_string_append (out, "<span class=\"value\">");
      esc (out, a->id);
      g_string_append (out, "</span>");
      if (a->end > a->start)
        {
          g_string_append (out, "<br>");
          quote (out, doc, a->start, a->end);
        }
    }
  g_string_append (out, "</td>");
}

/* `xref extract`: one table of claims per document. */
static void
claims (GString *out, const XrefReport *report)
{
  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      guint n = doc->claims != NULL ? doc->claims->len : 0;

      g_string_append (out, "<h2>");
      esc (out, doc->id);
      g_string_append (out, "</h2>\n");
      if (n == 0)
        {
          g_string_append (out, "<p>No claims.</p>\n");
          continue;
        }
      g_string_append (out, "<table>\n<thead><tr><th>claim</th><th>actor</th><th>action</th><th>object</th>"
                            "<th>date</th><th>polarity</th><th>modality</th><th>speaker</th><th>slots</th>"
                            "<th>sentence</th></tr></thead>\n<tbody>\n");
      for (guint j = 0; j < n; j++)
        {
          const XrefClaim *c = g_ptr_array_index (doc->claims, j);

          g_string_append (out, "<tr><td>");
          esc (out, c->id);
          g_string_append (out, "</td>");
          arg_cell (out, doc, &c->actor);
          arg_cell (out, doc, &c->action);
          arg_cell (out, doc, &c->object);
          arg_cell (out, doc, &c->date);
          g_string_append_printf (out, "<td>%s</td><td>%s</td>", xref_polarity_name (c->polarity),
                                  xref_modality_name (c->modality));
          arg_cell (out, doc, &c->speaker);
          g_string_append (out, "<td>");
          for (guint k = 0; c->slots != NULL && k < c->slots->len; k++)
            {
              const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, k);
              if (k > 0)
                g_string_append (out, "<br>");
              esc (out, v->slot);
              g_string_append (out, ": <span class=\"value\">");
              esc (out, v->value);
              g_string_append (out, "</span> ");
              quote (out, doc, v->start, v->end);
            }
          g_string_append (out, "</td><td>");
          quote (out, doc, c->start, c->end);
          g_string_append (out, "</td></tr>\n");
        }
      g_string_append (out, "</tbody>\n</table>\n");
    }
}

void
xref_render_html (const XrefReport *report, GString *out)
{
  g_autoptr (GHashTable) labels = xref_report_labels (report);
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  guint n_claims = xref_report_n_claims (report);
  gboolean extract = report->extract || report->rows == NULL;

  g_string_append_printf (out, HEAD, extract ? "xref extract" : "xref report");
  if (extract)
    {
      g_string_append_printf (out, "<h1>xref extract</h1>\n<p>%u document%s · %u claim%s</p>\n", n_docs,
                              n_docs == 1 ? "" : "s", n_claims, n_claims == 1 ? "" : "s");
      claims (out, report);
    }
  else
    {
      guint counts[3];
      xref_report_count_verdicts (report, counts);
      g_string_append_printf (out, "<h1>xref report</h1>\n<p>%u row%s (%u differ, %u omit, %u agree) · %u document%s"
                                   " · %u claim%s</p>\n",
                              report->rows->len, report->rows->len == 1 ? "" : "s", counts[XREF_VERDICT_DIFFER],
                              counts[XREF_VERDICT_OMIT], counts[XREF_VERDICT_AGREE], n_docs, n_docs == 1 ? "" : "s",
                              n_claims, n_claims == 1 ? "" : "s");
      documents (out, report, labels);
      rows (out, report, labels);
    }
  g_string_append (out, "</body>\n</html>\n");
}
