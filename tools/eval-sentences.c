/* eval-sentences — sentence boundary precision, recall and F1 of xref on
 * ECB+ documents (a development measure, not a test).
 *
 *   eval-sentences [-v] DOCS_DIR
 *
 * DOCS_DIR holds <topic>/<doc>.txt files with one gold sentence per line.
 * The lines of each document are joined with one space into running text,
 * which goes through xref's ingest and text stages as an article would
 * (default rules from XREF_RULES).  A boundary is the byte offset where a
 * sentence ends; the end of the document is not counted, since every
 * segmenter gets it right.  A gold boundary is found when xref ends a
 * sentence at exactly that offset.  -v prints every miss and every
 * spurious split with some context. */
#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "xref/text.h"

static gboolean verbose;

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every *.txt below dir, sorted. */
static void
list_docs (const char *dir, GPtrArray *out)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        list_docs (path, out);
      else if (g_str_has_suffix (name, ".txt"))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static void
show (const char *what, const char *id, const char *text, gsize len, gsize at)
{
  gsize s = at > 60 ? at - 60 : 0, e = MIN (len, at + 60);
  g_autofree char *before = g_strndup (text + s, at - s);
  g_autofree char *after = g_strndup (text + at, e - at);
  printf ("%s %s: …%s ‖ %s…\n", what, id, before, after);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func (g_free);
  const char *rules_dir = g_getenv ("XREF_RULES");
  const char *dirs[1];
  XrefRules *rules;
  guint64 tp = 0, n_gold = 0, n_found = 0;
  guint n_docs = 0;
  int argi = 1;

  setlocale (LC_ALL, "");
  if (argi < argc && strcmp (argv[argi], "-v") == 0)
    {
      verbose = TRUE;
      argi++;
    }
  if (argi + 1 != argc)
    {
      fprintf (stderr, "usage: eval-sentences [-v] DOCS_DIR\n");
      return 2;
    }
  dirs[0] = rules_dir != NULL ? rules_dir : "rules";
  rules = xref_rules_load (dirs, 1, &error);
  if (rules == NULL)
    {
      fprintf (stderr, "eval-sentences: %s\n", error->message);
      return 2;
    }
  list_docs (argv[argi], docs);
  g_ptr_array_sort (docs, cmp_str);
  if (docs->len == 0)
    {
      fprintf (stderr, "eval-sentences: no .txt documents under '%s'\n", argv[argi]);
      xref_rules_free (rules);
      return 2;
    }

  for (guint i = 0; i < docs->len; i++)
    {
      const char *path = g_ptr_array_index (docs, i);
      g_autofree char *raw = NULL;
      g_autofree char *id = g_path_get_basename (path);
      g_auto (GStrv) lines = NULL;
      g_autoptr (GString) text = g_string_new (NULL);
      g_autoptr (GArray) gold = g_array_new (FALSE, FALSE, sizeof (gsize));
      g_autoptr (GHashTable) gold_set = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_autoptr (GHashTable) got_set = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_autoptr (XrefDocument) doc = NULL;
      g_autoptr (GError) e2 = NULL;

      if (!g_file_get_contents (path, &raw, NULL, &e2))
        {
          fprintf (stderr, "eval-sentences: %s\n", e2->message);
          continue;
        }
      lines = g_strsplit (raw, "\n", -1);
      for (guint k = 0; lines[k] != NULL; k++)
        {
          char *l = g_strstrip (lines[k]);
          gsize end;
          if (*l == '\0')
            continue;
          if (text->len > 0)
            g_string_append_c (text, ' ');
          g_string_append (text, l);
          end = text->len;
          g_array_append_val (gold, end);
        }
      if (gold->len == 0)
        continue;
      n_docs++;
      /* the end of the document is not a boundary */
      for (guint k = 0; k + 1 < gold->len; k++)
        g_hash_table_add (gold_set, GSIZE_TO_POINTER (g_array_index (gold, gsize, k)));

      doc = xref_ingest_bytes (id, text->str, text->len, NULL, rules, &e2);
      if (doc == NULL)
        {
          fprintf (stderr, "eval-sentences: %s: %s\n", path, e2->message);
          n_gold += g_hash_table_size (gold_set);
          continue;
        }
      xref_text_segment (doc, rules);
      for (guint k = 0; k < doc->sentences->len; k++)
        {
          const XrefSentence *s = &g_array_index (doc->sentences, XrefSentence, k);
          if (s->end < text->len)
            g_hash_table_add (got_set, GSIZE_TO_POINTER (s->end));
        }

      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, got_set);
      while (g_hash_table_iter_next (&it, &key, NULL))
        {
          if (g_hash_table_contains (gold_set, key))
            tp++;
          else if (verbose)
            show ("split", path, text->str, text->len, GPOINTER_TO_SIZE (key));
        }
      if (verbose)
        for (guint k = 0; k + 1 < gold->len; k++)
          {
            gsize at = g_array_index (gold, gsize, k);
            if (!g_hash_table_contains (got_set, GSIZE_TO_POINTER (at)))
              { g_autofree char *what = g_strdup_printf ("miss%u", k); show (what, path, text->str, text->len, at); }
          }
      n_gold += g_hash_table_size (gold_set);
      n_found += g_hash_table_size (got_set);
    }

  double p = n_found > 0 ? (double) tp / (double) n_found : 0.0;
  double r = n_gold > 0 ? (double) tp / (double) n_gold : 0.0;
  double f = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  printf ("documents: %u  gold boundaries: %" G_GUINT64_FORMAT "  xref boundaries: %" G_GUINT64_FORMAT
          "  correct: %" G_GUINT64_FORMAT "\n",
          n_docs, n_gold, n_found, tp);
  printf ("precision %.4f  recall %.4f  F1 %.4f\n", p, r, f);
  xref_rules_free (rules);
  return 0;
}
