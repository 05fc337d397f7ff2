/* xref — report: the table of formats, and helpers every renderer shares.
 * Renderers decide nothing; they show the records match and extract made. */
#include "report/report-private.h"

#include <string.h>

typedef void (*RenderFunc) (const XrefReport *report, GString *out);

/* The one place where format names meet renderers. */
static const struct {
  XrefFormat format;
  const char *name;
  RenderFunc render;
} formats[] = {
  { XREF_FORMAT_TABLE, "table", xref_render_table },
  { XREF_FORMAT_JSON, "json", xref_render_json },
  { XREF_FORMAT_MARKDOWN, "markdown", xref_render_markdown },
  { XREF_FORMAT_MARKDOWN, "md", xref_render_markdown },
  { XREF_FORMAT_CSV, "csv", xref_render_csv },
  { XREF_FORMAT_HTML, "html", xref_render_html },
};

gboolean
xref_format_parse (const char *name, XrefFormat *out)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (name, formats[i].name) == 0)
      {
        if (out != NULL)
          *out = formats[i].format;
        return TRUE;
      }
  return FALSE;
}

gboolean
xref_render (const XrefReport *report, XrefFormat format, GString *out, GError **error)
{
  g_return_val_if_fail (report != NULL && out != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].format == format)
      {
        formats[i].render (report, out);
        return TRUE;
      }
  g_set_error (error, XREF_ERROR, XREF_ERROR_USAGE, "unknown report format %d", (int) format);
  return FALSE;
}

const char *
xref_report_span (const XrefDocument *doc, gsize start, gsize end, gsize *len)
{
  *len = 0;
  if (doc == NULL || doc->text == NULL)
    return NULL;
  /* Clamp: a record with a span past the text must not read out of
   * bounds, whatever stage made it. */
  end = MIN (end, doc->len);
  start = MIN (start, end);
  if (start == end)
    return NULL;
  *len = end - start;
  return doc->text + start;
}

/* The id up to its first '_' ("000_4d8c….txt" → "000"), else the id. */
static char *
short_label (const char *id)
{
  const char *us = strchr (id, '_');

  if (us == NULL || us == id)
    return g_strdup (id);
  return g_strndup (id, (gsize) (us - id));
}

GHashTable *
xref_report_labels (const XrefReport *report)
{
  GHashTable *labels = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autoptr (GHashTable) uses = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) shorts = g_ptr_array_new_with_free_func (g_free);
  guint n = report->documents != NULL ? report->documents->len : 0;

  /* How many documents each string would name, as a short label or as a
   * whole id... */
  for (guint i = 0; i < n; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      const char *id = doc->id != NULL ? doc->id : "?";
      char *s = short_label (id);

      g_ptr_array_add (shorts, s);
      g_hash_table_insert (uses, s, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (uses, s)) + 1));
      if (strcmp (s, id) != 0)
        g_hash_table_insert (uses, (gpointer) id,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (uses, id)) + 1));
    }
  /* ...and a short label is kept only when it names one document alone. */
  for (guint i = 0; i < n; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      const char *s = g_ptr_array_index (shorts, i);
      gboolean unique = GPOINTER_TO_UINT (g_hash_table_lookup (uses, s)) == 1;

      g_hash_table_insert (labels, (gpointer) doc, g_strdup (unique ? s : (doc->id != NULL ? doc->id : "?")));
    }
  return labels;
}

const char *
xref_report_label (GHashTable *labels, const XrefDocument *doc)
{
  const char *l = labels != NULL ? g_hash_table_lookup (labels, doc) : NULL;

  if (l != NULL)
    return l;
  return doc != NULL && doc->id != NULL ? doc->id : "?";
}

guint
xref_report_n_claims (const XrefReport *report)
{
  guint n = 0;

  if (report->documents == NULL)
    return 0;
  for (guint i = 0; i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      if (doc->claims != NULL)
        n += doc->claims->len;
    }
  return n;
}

void
xref_report_count_verdicts (const XrefReport *report, guint counts[3])
{
  counts[XREF_VERDICT_AGREE] = counts[XREF_VERDICT_DIFFER] = counts[XREF_VERDICT_OMIT] = 0;
  if (report->rows == NULL)
    return;
  for (guint i = 0; i < report->rows->len; i++)
    {
      const XrefRow *row = g_ptr_array_index (report->rows, i);
      if ((guint) row->verdict < 3)
        counts[row->verdict]++;
    }
}

const XrefSource *
xref_report_source (const XrefRow *row, const XrefDocument *doc, guint index)
{
  guint n = row->sources != NULL ? row->sources->len : 0;

  /* Sources come one per document in corpus order, so index hits at
   * once; the scan only guards against a row that breaks the rule. */
  if (index < n && g_array_index (row->sources, XrefSource, index).doc == doc)
    return &g_array_index (row->sources, XrefSource, index);
  for (guint k = 0; k < n; k++)
    if (g_array_index (row->sources, XrefSource, k).doc == doc)
      return &g_array_index (row->sources, XrefSource, k);
  return NULL;
}

char *
xref_report_row_topic (const XrefRow *row)
{
  g_autoptr (GString) actions = NULL;

  if (row->actions == NULL || row->actions->len < 2)
    return xref_report_topic (row->actor, row->action, row->object);
  actions = g_string_new (NULL);
  for (guint i = 0; i < row->actions->len; i++)
    g_string_append_printf (actions, "%s%s", i > 0 ? "+" : "", (const char *) g_ptr_array_index (row->actions, i));
  return xref_report_topic (row->actor, actions->str, row->object);
}

char *
xref_report_verdict (const XrefRow *row)
{
  if (row->qualifier != NULL)
    return g_strdup_printf ("%s (%s)", xref_verdict_name (row->verdict), row->qualifier);
  return g_strdup (xref_verdict_name (row->verdict));
}

char *
xref_report_topic (const char *actor, const char *action, const char *object)
{
  if (object != NULL)
    return g_strdup_printf ("%s · %s · %s", actor != NULL ? actor : "?", action != NULL ? action : "?", object);
  return g_strdup_printf ("%s · %s", actor != NULL ? actor : "?", action != NULL ? action : "?");
}
