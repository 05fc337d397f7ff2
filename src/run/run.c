/* xref — the pipeline over a corpus: rules, then every document through
 * ingest → text → temporal → extract, then match. */
#include "xref/run.h"

#include <string.h>

XrefRun *
xref_run_new (void)
{
  XrefRun *run = g_new0 (XrefRun, 1);
  run->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  return run;
}

void
xref_run_free (XrefRun *run)
{
  if (run == NULL)
    return;
  /* Rows borrow claims and documents; documents borrow the rules. */
  g_clear_pointer (&run->rows, g_ptr_array_unref);
  g_clear_pointer (&run->documents, g_ptr_array_unref);
  g_clear_pointer (&run->rules, xref_rules_free);
  g_free (run);
}

char **
xref_run_rule_dirs (const char *const *paths, const char *const *extra, gboolean no_defaults, GError **error)
{
  GPtrArray *dirs = g_ptr_array_new ();

  if (!no_defaults)
    {
      char *def = xref_rules_default_dir ();
      if (def == NULL)
        {
          g_ptr_array_free (dirs, TRUE);
          g_set_error (error, XREF_ERROR, XREF_ERROR_RULES,
                       "no default rules folder found (set XREF_RULES, or pass --rules DIR with --no-default-rules)");
          return NULL;
        }
      g_ptr_array_add (dirs, def);
    }

  /* A corpus may carry its own rules in <root>/.xref/rules. */
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *local = g_build_filename (paths[i], ".xref", "rules", NULL);
      if (g_file_test (paths[i], G_FILE_TEST_IS_DIR) && g_file_test (local, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (dirs, g_steal_pointer (&local));
    }

  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (dirs, g_strdup (extra[i]));

  g_ptr_array_add (dirs, NULL);
  return (char **) g_ptr_array_free (dirs, FALSE);
}

gboolean
xref_run_load_rules (XrefRun *run, const char *const *dirs, GError **error)
{
  guint n = dirs != NULL ? g_strv_length ((char **) dirs) : 0;

  run->rules = xref_rules_load (dirs, n, error);
  return run->rules != NULL;
}

gboolean
xref_run_extract (XrefRun *run, const char *const *paths, guint n_paths, GError **error)
{
  g_autoptr (XrefCorpus) corpus = NULL;

  g_return_val_if_fail (run->rules != NULL, FALSE);

  corpus = xref_corpus_open (paths, n_paths, error);
  if (corpus == NULL)
    return FALSE;

  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *file = g_ptr_array_index (corpus->files, i);
      const XrefMeta *meta = g_hash_table_lookup (corpus->manifest, file->id);
      g_autoptr (GError) local = NULL;
      XrefDocument *doc;

      doc = xref_ingest_file (file, meta, run->rules, &local);
      if (doc == NULL)
        {
          xref_warn (file->path, "%s", local->message);
          run->n_skipped++;
          continue;
        }
      xref_text_segment (doc, run->rules);
      if (doc->sentences->len == 0)
        {
          /* Empty, white space only, or nothing but boilerplate: not an
           * article, so not a source that "omits" every row. */
          xref_warn (file->path, "no article text (empty, blank or only boilerplate); skipped");
          xref_document_free (doc);
          run->n_skipped++;
          continue;
        }
      xref_temporal_tag (doc, run->rules);
      g_ptr_array_add (run->documents, doc);
    }

  /* Dates that only the corpus as a whole can settle (a year-less
   * "December 28"), before claims take their dates from the timexes. */
  xref_temporal_resolve_corpus (run->documents, run->rules);

  for (guint i = 0; i < run->documents->len; i++)
    xref_extract_claims (g_ptr_array_index (run->documents, i), run->rules);
  return TRUE;
}

void
xref_run_match (XrefRun *run)
{
  g_clear_pointer (&run->rows, g_ptr_array_unref);
  run->rows = xref_match (run->documents, run->rules);
}

gboolean
xref_verdicts_parse (const char *list, guint *out, GError **error)
{
  g_auto (GStrv) names = g_strsplit (list, ",", -1);
  guint set = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      gboolean found = FALSE;

      if (*name == '\0')
        continue;
      for (int v = XREF_VERDICT_AGREE; v <= XREF_VERDICT_OMIT; v++)
        if (strcmp (name, xref_verdict_name ((XrefVerdict) v)) == 0)
          {
            set |= 1u << v;
            found = TRUE;
          }
      if (!found)
        {
          g_set_error (error, XREF_ERROR, XREF_ERROR_USAGE,
                       "unknown verdict '%s' (expected agree, differ or omit)", name);
          return FALSE;
        }
    }
  if (set == 0)
    {
      g_set_error (error, XREF_ERROR, XREF_ERROR_USAGE, "empty verdict list '%s'", list);
      return FALSE;
    }
  *out = set;
  return TRUE;
}

void
xref_run_filter (XrefRun *run, guint verdicts)
{
  if (run->rows == NULL)
    return;
  for (guint i = run->rows->len; i > 0; i--)
    {
      const XrefRow *row = g_ptr_array_index (run->rows, i - 1);
      if (!(verdicts & (1u << row->verdict)))
        g_ptr_array_remove_index (run->rows, i - 1);
    }
}

guint
xref_run_n_claims (const XrefRun *run)
{
  guint n = 0;
  for (guint i = 0; i < run->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (run->documents, i);
      n += doc->claims->len;
    }
  return n;
}
