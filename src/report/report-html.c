/* xref — report: one self-contained HTML page for the browser.
 *
 * No outside resource.  The Content-Security-Policy allows the inline
 * style sheet and exactly one script, xref's own, by its SHA-256 hash
 * (CSP Level 2, "hash-source"): a script that came from article text could
 * not run even if escaping failed.  Every string from the corpus or the
 * rules goes through xref_escape_html; the script reads the page through
 * textContent and never writes markup.
 *
 * The page: the documents, the discrepancy table (sortable by any column,
 * filterable by words and by verdict; each value with its evidence
 * sentence, the actor, action, object and value marked), then a view per
 * document listing what it states and what it leaves out. */
#include "report/report-private.h"

#include <string.h>

#define PUT XREF_REPORT_PUT

#define STYLE \
  "body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}\n" \
  "table{border-collapse:collapse;margin:1em 0}\n" \
  "th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}\n" \
  "th{background:#f3f3f3}\n" \
  "#rows th{cursor:pointer;user-select:none}\n" \
  "#rows th[aria-sort=ascending]::after{content:\" \\25B2\"}\n" \
  "#rows th[aria-sort=descending]::after{content:\" \\25BC\"}\n" \
  "tr.differ td.verdict{background:#f9d6d5;font-weight:bold}\n" \
  "tr.omit td.verdict{background:#fdf0c8}\n" \
  "tr.agree td.verdict{background:#d9f0d6}\n" \
  ".omits{color:#888;font-style:italic}\n" \
  ".value{font-weight:600}\n" \
  ".note,.where,.who{color:#666;font-size:85%}\n" \
  ".ev{margin:.3em 0 0;padding-left:.5em;border-left:3px solid #ddd;font-size:90%}\n" \
  "mark{border-radius:2px;padding:0 1px}\n" \
  "mark.actor{background:#d6e4fb}mark.action{background:#fbe3c2}\n" \
  "mark.object{background:#e2d6fb}mark.value{background:#c9efc4;font-weight:600}\n" \
  ".voice{margin-top:.4em;padding-top:.3em;border-top:1px dashed #ccc}\n" \
  ".controls{display:flex;gap:1em;align-items:center;flex-wrap:wrap}\n" \
  "tr[hidden]{display:none}\n"

/* The one script of the page.  It sorts the table when a column header is
 * clicked (by the cell's data-key when it has one, numbers as numbers) and
 * shows only the rows whose verdict is ticked and whose text holds the
 * filter words; a link ending "#q=words" opens the page so filtered.  When
 * done it marks <html data-ready="1"> (the browser test looks for it). */
static const char script[] =
  "(function(){'use strict';\n"
  "var t=document.getElementById('rows');if(!t){return;}\n"
  "var tb=t.tBodies[0],rows=Array.prototype.slice.call(tb.rows);\n"
  "var f=document.getElementById('filter'),boxes=document.querySelectorAll('input.show');\n"
  "var shown=document.getElementById('shown');\n"
  "function apply(){var q=f.value.toLowerCase().split(/\\s+/).filter(Boolean),on={},n=0,i;\n"
  "for(i=0;i<boxes.length;i++){on[boxes[i].value]=boxes[i].checked;}\n"
  "rows.forEach(function(r){var s=r.textContent.toLowerCase();\n"
  "var ok=on[r.getAttribute('data-verdict')]&&q.every(function(w){return s.indexOf(w)>=0;});\n"
  "r.hidden=!ok;if(ok){n++;}});\n"
  "shown.textContent=n+' of '+rows.length+' rows';}\n"
  "function key(r,c){var x=r.cells[c];return x.hasAttribute('data-key')?x.getAttribute('data-key'):x.textContent;}\n"
  "function sortBy(th,c){var dir=th.getAttribute('aria-sort')==='ascending'?-1:1,k;\n"
  "var ths=th.parentNode.cells;for(k=0;k<ths.length;k++){ths[k].removeAttribute('aria-sort');}\n"
  "th.setAttribute('aria-sort',dir>0?'ascending':'descending');\n"
  "rows.sort(function(a,b){var x=key(a,c),y=key(b,c),nx=parseFloat(x),ny=parseFloat(y);\n"
  "if(!isNaN(nx)&&!isNaN(ny)&&nx!==ny){return (nx-ny)*dir;}return x.localeCompare(y)*dir;});\n"
  "rows.forEach(function(r){tb.appendChild(r);});}\n"
  "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,c){th.tabIndex=0;\n"
  "th.addEventListener('click',function(){sortBy(th,c);});\n"
  "th.addEventListener('keydown',function(e){if(e.key==='Enter'){sortBy(th,c);}});});\n"
  "f.addEventListener('input',apply);\n"
  "Array.prototype.forEach.call(boxes,function(b){b.addEventListener('change',apply);});\n"
  "var h=/^#q=(.*)$/.exec(location.hash);if(h){try{f.value=decodeURIComponent(h[1]);}catch(e){}}\n"
  "apply();document.documentElement.setAttribute('data-ready','1');})();\n";

static void
esc (GString *out, const char *s)
{
  xref_escape_html (out, s, -1);
}

static void
head (GString *out, const char *title, gboolean with_script)
{
  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
  if (with_script)
    {
      /* CSP hash-source: base64 of the SHA-256 of the script's text */
      GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize len = sizeof digest;
      g_autofree char *b64 = NULL;

      g_checksum_update (sum, (const guchar *) script, (gssize) strlen (script));
      g_checksum_get_digest (sum, digest, &len);
      g_checksum_free (sum);
      b64 = g_base64_encode (digest, len);
      g_string_append_printf (out, "; script-src 'sha256-%s'", b64);
    }
  PUT (out, "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  esc (out, title);
  g_string_append (out, "</title>\n<style>\n" STYLE "</style>\n</head>\n<body>\n");
}

/* <q>…</q>: the text of doc's span, when there is one. */
static void
quote (GString *out, const XrefDocument *doc, gsize start, gsize end)
{
  gsize len;
  const char *s = xref_report_span (doc, start, end, &len);

  if (s == NULL)
    return;
  PUT (out, "<q>");
  xref_escape_html (out, s, (gssize) len);
  PUT (out, "</q>");
}

static void
date_text (GString *out, const XrefDocument *doc)
{
  const char *iso = xref_date_to_iso (&doc->date);

  if (iso == NULL)
    {
      PUT (out, "none");
      return;
    }
  esc (out, iso);
  if (doc->date_basis != XREF_DATE_BASIS_NONE)
    g_string_append_printf (out, " (%s)", xref_date_basis_name (doc->date_basis));
}

/* An id for an HTML id attribute: the label's letters and digits, else
 * the document's index. */
static char *
doc_anchor (GHashTable *labels, const XrefDocument *doc, guint index)
{
  const char *label = xref_report_label (labels, doc);
  GString *s = g_string_new ("doc-");

  for (const char *p = label; p != NULL && *p; p++)
    if (g_ascii_isalnum (*p) || *p == '-' || *p == '_')
      g_string_append_c (s, *p);
  if (s->len == 4)
    g_string_append_printf (s, "%u", index);
  return g_string_free (s, FALSE);
}

static void
documents (GString *out, const XrefReport *report, GHashTable *labels)
{
  g_string_append (out, "<h2>Documents</h2>\n<table>\n<thead><tr><th>doc</th><th>file</th><th>outlet</th>"
                        "<th>date</th><th>title</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      g_autofree char *anchor = doc_anchor (labels, doc, i);

      g_string_append_printf (out, "<tr><td><a href=\"#%s\">", anchor);
      esc (out, xref_report_label (labels, doc));
      PUT (out, "</a></td><td>");
      esc (out, doc->id);
      PUT (out, "</td><td>");
      esc (out, doc->outlet);
      PUT (out, "</td><td>");
      date_text (out, doc);
      PUT (out, "</td><td>");
      esc (out, doc->title);
      PUT (out, "</td></tr>\n");
    }
  PUT (out, "</tbody>\n</table>\n");
}

/* A span to mark inside an evidence sentence. */
typedef struct {
  gsize start, end;
  const char *klass;
  guint order;             /* on equal spans the lower wins */
} Mark;

static gint
cmp_marks (gconstpointer a, gconstpointer b)
{
  const Mark *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The claim's sentence with its actor, action, object and the source's
 * value marked (<mark class="actor">…); spans outside the sentence or
 * overlapping an earlier one are left unmarked. */
static void
evidence (GString *out, const XrefSource *s)
{
  const XrefClaim *c = s->claim;
  const XrefDocument *doc = s->doc;
  Mark marks[4];
  guint n = 0;
  gsize pos, end;

  if (c == NULL || doc == NULL || doc->text == NULL)
    return;
  end = MIN (c->end, doc->len);
  pos = MIN (c->start, end);
  if (pos == end)
    return;
  if (s->end > s->start)
    marks[n++] = (Mark) { s->start, s->end, "value", 3 };
  if (c->actor.end > c->actor.start)
    marks[n++] = (Mark) { c->actor.start, c->actor.end, "actor", 0 };
  if (c->action.end > c->action.start)
    marks[n++] = (Mark) { c->action.start, c->action.end, "action", 1 };
  if (c->object.end > c->object.start)
    marks[n++] = (Mark) { c->object.start, c->object.end, "object", 2 };
  qsort (marks, n, sizeof (Mark), cmp_marks);

  PUT (out, "<blockquote class=\"ev\">");
  for (guint i = 0; i < n; i++)
    {
      const Mark *m = &marks[i];
      if (m->start < pos || m->end > end)
        continue;
      /* both ends must fall on UTF-8 character boundaries of the text */
      if ((doc->text[m->start] & 0xC0) == 0x80 || (m->end < doc->len && (doc->text[m->end] & 0xC0) == 0x80))
        continue;
      xref_escape_html (out, doc->text + pos, (gssize) (m->start - pos));
      PUT (out, "<mark class=\"");
      g_string_append (out, m->klass);
      PUT (out, "\">");
      xref_escape_html (out, doc->text + m->start, (gssize) (m->end - m->start));
      PUT (out, "</mark>");
      pos = m->end;
    }
  xref_escape_html (out, doc->text + pos, (gssize) (end - pos));
  PUT (out, "</blockquote>");
}

/* The value a source states, who says it and when, and the evidence. */
static void
statement (GString *out, const XrefSource *s)
{
  if (s->value != NULL)
    {
      PUT (out, "<span class=\"value\">");
      esc (out, s->value);
      PUT (out, "</span>");
    }
  if (s->speaker != NULL || s->date != NULL)
    {
      PUT (out, " <span class=\"who\">");
      if (s->speaker != NULL)
        {
          PUT (out, "— ");
          esc (out, s->speaker);
        }
      if (s->date != NULL)
        {
          g_string_append (out, s->speaker != NULL ? ", " : "");
          esc (out, s->date);
        }
      PUT (out, "</span>");
    }
  if (s->claim != NULL && s->claim->end > s->claim->start)
    evidence (out, s);
  else if (s->end > s->start)
    {
      PUT (out, "<br>");
      quote (out, s->doc, s->start, s->end);
    }
  PUT (out, "<br><span class=\"where\">");
  if (s->claim != NULL && s->claim->id != NULL)
    {
      esc (out, s->claim->id);
      PUT (out, ", ");
    }
  PUT (out, "bytes ");
  xref_report_append_uint (out, s->start);
  PUT (out, "–");
  xref_report_append_uint (out, s->end);
  PUT (out, "</span>");
}

/* What a stating source says, then the values other speakers give in the
 * same document. */
static void
statement_voices (GString *out, const XrefRow *row, const XrefSource *s)
{
  statement (out, s);
  for (guint k = 0; row->voices != NULL && k < row->voices->len; k++)
    {
      const XrefSource *v = &g_array_index (row->voices, XrefSource, k);
      if (v->doc != s->doc)
        continue;
      PUT (out, "<div class=\"voice\">also ");
      statement (out, v);
      PUT (out, "</div>");
    }
}

static void
source_cell (GString *out, const XrefRow *row, const XrefSource *s)
{
  if (s == NULL)
    {
      PUT (out, "<td></td>");
      return;
    }
  if (!s->states)
    {
      PUT (out, "<td class=\"omits\">omits</td>");
      return;
    }
  PUT (out, "<td>");
  statement_voices (out, row, s);
  PUT (out, "</td>");
}

/* Past XREF_MATCH_DENSE_MAX documents: one cell listing the row's sources
 * (the documents that report its topic, in corpus order) instead of a
 * column per document, which would grow with rows × documents. */
static void
sources_cell (GString *out, const XrefRow *row, GHashTable *labels)
{
  PUT (out, "<td class=\"sources\">");
  for (guint k = 0; row->sources != NULL && k < row->sources->len; k++)
    {
      const XrefSource *s = &g_array_index (row->sources, XrefSource, k);

      if (s->states)
        PUT (out, "<div class=\"source\"><b>");
      else
        PUT (out, "<div class=\"source omits\"><b>");
      esc (out, xref_report_label (labels, s->doc));
      PUT (out, "</b>: ");
      if (s->states)
        statement_voices (out, row, s);
      else
        PUT (out, "omits");
      PUT (out, "</div>");
    }
  PUT (out, "</td>");
}

static guint
verdict_key (XrefVerdict v)
{
  return v == XREF_VERDICT_DIFFER ? 0 : v == XREF_VERDICT_OMIT ? 1 : 2;
}

/* What the parts of the page read, shared by the threads that render
 * them (xref_report_render_parts). */
typedef struct {
  const XrefReport *report;
  GHashTable *labels;
  GHashTable *index;       /* rows: xref_report_doc_index */
  XrefReportByDoc by;      /* per_document: each document's rows */
  GString **heads;         /* per_document: each row's cells before the source */
} PageData;

/* Rows [from, to) of the discrepancy table. */
static void
rows_part (GString *out, guint from, guint to, gpointer data)
{
  const PageData *pd = data;
  const XrefReport *report = pd->report;
  GHashTable *index = pd->index;
  guint n_docs = report->documents != NULL ? report->documents->len : 0;

  for (guint i = from; i < to; i++)
    {
      const XrefRow *row = g_ptr_array_index (report->rows, i);
      g_autofree char *topic = xref_report_row_topic (row);
      g_autofree char *verdict = xref_report_verdict (row);
      const char *v = xref_verdict_name (row->verdict);

      PUT (out, "<tr id=\"row-");
      xref_report_append_uint (out, i + 1);
      PUT (out, "\" class=\"");
      g_string_append (out, v);
      PUT (out, "\" data-verdict=\"");
      g_string_append (out, v);
      PUT (out, "\"><td data-key=\"");
      xref_report_append_uint (out, i + 1);
      PUT (out, "\">");
      esc (out, row->id);
      PUT (out, "</td><td class=\"verdict\" data-key=\"");
      xref_report_append_uint (out, verdict_key (row->verdict));
      PUT (out, "\">");
      esc (out, verdict);
      PUT (out, "</td><td>");
      esc (out, row->slot);
      PUT (out, "</td><td>");
      esc (out, topic);
      PUT (out, "</td>");

      if (n_docs > XREF_MATCH_DENSE_MAX)
        sources_cell (out, row, pd->labels);
      /* One cell per document column, matched by document (a cursor
       * beside the columns: report-private.h), the empty cells between
       * two sources written at once. */
      else
        {
          XrefReportColumns cols;
          const XrefSource *src;
          guint gap, d;

          xref_report_columns_init (&cols, report, index, row);
          while (xref_report_columns_next (&cols, &gap, &d, &src))
            {
              xref_report_repeat (out, "<td></td>", 9, gap);
              source_cell (out, row, src);
            }
          xref_report_repeat (out, "<td></td>", 9, gap);
        }
      PUT (out, "<td>");
      esc (out, row->rule);
      if (row->note != NULL)
        {
          PUT (out, "<br><span class=\"note\">");
          esc (out, row->note);
          PUT (out, "</span>");
        }
      PUT (out, "</td></tr>\n");
    }
}

static void
rows (GString *out, const XrefReport *report, GHashTable *labels)
{
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  static const char *const verdicts[] = { "differ", "omit", "agree" };
  g_autoptr (GHashTable) index = xref_report_doc_index (report);
  PageData pd = { 0 };

  PUT (out, "<h2>Discrepancies</h2>\n");
  if (report->rows->len == 0)
    {
      PUT (out, "<p>No rows.</p>\n");
      return;
    }
  g_string_append (out, "<div class=\"controls\"><label>Filter <input id=\"filter\" type=\"search\" "
                        "placeholder=\"words, a slot, an entity…\"></label>");
  for (guint i = 0; i < G_N_ELEMENTS (verdicts); i++)
    g_string_append_printf (out, "<label><input type=\"checkbox\" class=\"show\" value=\"%s\" checked> %s</label>",
                            verdicts[i], verdicts[i]);
  PUT (out, "<span id=\"shown\"></span></div>\n");
  PUT (out, "<table id=\"rows\">\n<thead><tr><th>id</th><th>verdict</th><th>slot</th><th>topic</th>");
  if (n_docs > XREF_MATCH_DENSE_MAX)
    PUT (out, "<th>sources</th>");
  for (guint i = 0; n_docs <= XREF_MATCH_DENSE_MAX && i < n_docs; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      PUT (out, "<th title=\"");
      esc (out, doc->id);
      PUT (out, "\">");
      esc (out, xref_report_label (labels, doc));
      PUT (out, "</th>");
    }
  PUT (out, "<th>rule</th></tr></thead>\n<tbody>\n");

  /* parts of 16 rows: a few hundred KB (a row has a cell per document) */
  pd.report = report;
  pd.index = index;
  pd.labels = labels;
  xref_report_render_row_parts (report, 16, rows_part, &pd, out);
  PUT (out, "</tbody>\n</table>\n");
}

/* The cells of a row before its source in a document's section: the same
 * in every document that states it, so made once per row. */
static GString *
row_head (const XrefRow *row, guint i)
{
  g_autofree char *topic = xref_report_row_topic (row);
  g_autofree char *verdict = xref_report_verdict (row);
  GString *h = g_string_new (NULL);

  PUT (h, "<tr class=\"");
  g_string_append (h, xref_verdict_name (row->verdict));
  PUT (h, "\"><td><a href=\"#row-");
  xref_report_append_uint (h, i + 1);
  PUT (h, "\">");
  esc (h, row->id);
  PUT (h, "</a></td><td class=\"verdict\">");
  esc (h, verdict);
  PUT (h, "</td><td>");
  esc (h, row->slot);
  PUT (h, "</td><td>");
  esc (h, topic);
  PUT (h, "</td>");
  return h;
}

/* The sections of documents [from, to). */
static void
per_document_part (GString *out, guint from, guint to, gpointer data)
{
  const PageData *pd = data;
  const XrefReport *report = pd->report;
  const XrefReportByDoc *by = &pd->by;

  for (guint d = from; d < to; d++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, d);
      g_autofree char *anchor = doc_anchor (pd->labels, doc, d);
      guint n_states = 0, n_omits = 0;

      g_string_append_printf (out, "<section id=\"%s\">\n<h3>", anchor);
      esc (out, xref_report_label (pd->labels, doc));
      PUT (out, " · ");
      esc (out, doc->id);
      if (doc->outlet != NULL)
        {
          PUT (out, " · ");
          esc (out, doc->outlet);
        }
      PUT (out, " · ");
      date_text (out, doc);
      g_string_append (out, "</h3>\n<table>\n<thead><tr><th>row</th><th>verdict</th><th>slot</th><th>topic</th>"
                            "<th>states</th></tr></thead>\n<tbody>\n");
      for (guint e = by->first[d]; e < by->first[d + 1]; e++)
        {
          guint i = by->entries[e].row;
          const GString *h = pd->heads[i];
          const XrefSource *s = by->entries[e].src;

          if (!s->states)
            {
              n_omits++;
              continue;
            }
          n_states++;
          xref_report_put (out, h->str, h->len);
          source_cell (out, g_ptr_array_index (report->rows, i), s);
          PUT (out, "</tr>\n");
        }
      PUT (out, "</tbody>\n</table>\n");
      if (n_states == 0)
        PUT (out, "<p class=\"omits\">States no row.</p>\n");
      if (n_omits > 0)
        {
          gboolean first = TRUE;
          g_string_append_printf (out, "<p>Leaves out %u row%s: ", n_omits, n_omits == 1 ? "" : "s");
          for (guint e = by->first[d]; e < by->first[d + 1]; e++)
            {
              guint i = by->entries[e].row;
              const XrefRow *row = g_ptr_array_index (report->rows, i);
              const XrefSource *s = by->entries[e].src;
              if (s->states)
                continue;
              if (!first)
                PUT (out, ", ");
              PUT (out, "<a href=\"#row-");
              xref_report_append_uint (out, i + 1);
              PUT (out, "\">");
              esc (out, row->id);
              PUT (out, "</a> (");
              esc (out, row->slot);
              PUT (out, ")");
              first = FALSE;
            }
          PUT (out, "</p>\n");
        }
      PUT (out, "</section>\n");
    }
}

/* One section per document: the rows it states (value and evidence) and
 * the rows it leaves out, in ranking order.  Each document's rows come
 * from one pass over the rows (XrefReportByDoc), not from asking every row
 * for every document; the sections are rendered in parts on several
 * threads. */
static void
per_document (GString *out, const XrefReport *report, GHashTable *labels)
{
  PageData pd = { report, labels, NULL, { 0 }, NULL };
  guint n_rows = report->rows->len;
  guint n_docs = report->documents != NULL ? report->documents->len : 0;

  xref_report_by_doc_init (&pd.by, report);
  pd.heads = g_new0 (GString *, MAX (n_rows, 1));
  for (guint i = 0; i < n_rows; i++)
    pd.heads[i] = row_head (g_ptr_array_index (report->rows, i), i);
  PUT (out, "<h2>By document</h2>\n");
  /* parts of 8 documents: tens to hundreds of KB */
  xref_report_render_parts (report, n_docs, 8, per_document_part, &pd, out);
  xref_report_by_doc_clear (&pd.by);
  for (guint i = 0; i < n_rows; i++)
    g_string_free (pd.heads[i], TRUE);
  g_free (pd.heads);
}

static void
arg_cell (GString *out, const XrefDocument *doc, const XrefArg *a)
{
  PUT (out, "<td>");
  if (a->id != NULL)
    {
      PUT (out, "<span class=\"value\">");
      esc (out, a->id);
      PUT (out, "</span>");
      if (a->end > a->start)
        {
          PUT (out, "<br>");
          quote (out, doc, a->start, a->end);
        }
    }
  PUT (out, "</td>");
}

/* `xref extract`: one table of claims per document. */
static void
claims (GString *out, const XrefReport *report)
{
  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      guint n = doc->claims != NULL ? doc->claims->len : 0;

      PUT (out, "<h2>");
      esc (out, doc->id);
      PUT (out, "</h2>\n");
      if (n == 0)
        {
          PUT (out, "<p>No claims.</p>\n");
          continue;
        }
      g_string_append (out, "<table>\n<thead><tr><th>claim</th><th>actor</th><th>action</th><th>object</th>"
                            "<th>date</th><th>polarity</th><th>modality</th><th>speaker</th><th>slots</th>"
                            "<th>sentence</th></tr></thead>\n<tbody>\n");
      for (guint j = 0; j < n; j++)
        {
          const XrefClaim *c = g_ptr_array_index (doc->claims, j);

          PUT (out, "<tr><td>");
          esc (out, c->id);
          PUT (out, "</td>");
          arg_cell (out, doc, &c->actor);
          arg_cell (out, doc, &c->action);
          arg_cell (out, doc, &c->object);
          arg_cell (out, doc, &c->date);
          g_string_append_printf (out, "<td>%s</td><td>%s</td>", xref_polarity_name (c->polarity),
                                  xref_modality_name (c->modality));
          arg_cell (out, doc, &c->speaker);
          PUT (out, "<td>");
          for (guint k = 0; c->slots != NULL && k < c->slots->len; k++)
            {
              const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, k);
              if (k > 0)
                PUT (out, "<br>");
              esc (out, v->slot);
              PUT (out, ": <span class=\"value\">");
              esc (out, v->value);
              PUT (out, "</span> ");
              quote (out, doc, v->start, v->end);
            }
          PUT (out, "</td><td>");
          quote (out, doc, c->start, c->end);
          PUT (out, "</td></tr>\n");
          xref_report_maybe_flush (report, out);
        }
      PUT (out, "</tbody>\n</table>\n");
    }
}

void
xref_render_html (const XrefReport *report, GString *out)
{
  g_autoptr (GHashTable) labels = xref_report_labels (report);
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  guint n_claims = xref_report_n_claims (report);
  gboolean extract = report->extract || report->rows == NULL;

  head (out, extract ? "xref extract" : "xref report", !extract && report->rows->len > 0);
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
      if (report->rows->len > 0)
        {
          per_document (out, report, labels);
          PUT (out, "<script>");
          g_string_append (out, script);
          PUT (out, "</script>\n");
        }
    }
  PUT (out, "</body>\n</html>\n");
}
