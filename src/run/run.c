/* xref — the pipeline over a corpus: rules, then every document through
 * ingest → text → temporal → extract, then match. */
#include "xref/run.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

XrefRun *
xref_run_new (void)
{
  XrefRun *run = g_new0 (XrefRun, 1);
  run->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  run->progress = FALSE;
  run->n_shards = 1;
  run->read_ahead = XREF_READ_AHEAD_AUTO;
  run->undated = g_hash_table_new (g_direct_hash, g_direct_equal);
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
  g_clear_pointer (&run->manifest, g_hash_table_unref);
  g_clear_pointer (&run->undated, g_hash_table_unref);
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

/* ---- the document pool ----------------------------------------------------
 *
 * Documents are independent until the corpus year pass: each one goes
 * through ingest → text → temporal on its own.  Workers take the next file
 * index from an atomic counter and put the document in that index's slot,
 * so the merge is in corpus order whatever thread did the work.
 *
 * The corpus year pass (xref_temporal_resolve_corpus) changes only
 * documents whose date has no year, so a document with a year is extracted
 * (and slimmed) by its worker at once: its text, tokens and claims never
 * wait for the rest of the corpus.  The documents without a year are
 * extracted after the pass, again in parallel.  A document's claims depend
 * only on it and the rules, so the output is byte-identical to one thread.
 */

typedef struct {
  XrefDocument *doc;       /* NULL when skipped */
  char *skip;              /* why it was skipped (warned at the merge) */
  gboolean extracted;
  guint64 n_words;
} Slot;

typedef struct {
  XrefRun *run;
  const XrefCorpus *corpus;
  Slot *slots;
  guint n;
  gint next;               /* atomic: the next index to take */
  XrefReadAhead *ahead;    /* first round: the read-ahead thread, or NULL */
  gboolean late;           /* second round: extract documents without a year */
  GPtrArray *late_docs;    /* second round: the documents to extract */

  /* progress */
  gint done;               /* atomic: documents finished */
  gint64 done_bytes;       /* under progress_lock */
  gint64 total_bytes;      /* under progress_lock, once total_known */
  gboolean total_known;    /* under progress_lock */
  GThread *sizes;          /* summing total_bytes (sizes_thread), or NULL */
  gint sizes_stop;         /* atomic */
  gint64 t0;
  gint64 last_print;
  gboolean printed;
  GMutex progress_lock;

  /* when the first and the last worker ran out of documents (under
   * progress_lock), for run->tail_ms */
  gint64 first_idle;
  gint64 last_idle;
} Pool;

static guint64
count_words (const XrefDocument *doc)
{
  guint64 n = 0;

  for (guint i = 0; doc->tokens != NULL && i < doc->tokens->len; i++)
    {
      XrefTokenKind k = g_array_index (doc->tokens, XrefToken, i).kind;
      n += k == XREF_TOKEN_WORD || k == XREF_TOKEN_NUMBER;
    }
  return n;
}

/* What the discrepancy report does not read: once the claims are out, the
 * text (the evidence spans point into it), the claims and the time
 * expressions (match dates a statement by them) stay.  Tokens are most of
 * a document's memory (about ten times its text). */
static void
slim (XrefDocument *doc)
{
  g_clear_pointer (&doc->tokens, g_array_unref);
  g_clear_pointer (&doc->sentences, g_array_unref);
  g_clear_pointer (&doc->regions, g_array_unref);
  g_clear_pointer (&doc->headings, g_array_unref);
}

static void
extract_one (Pool *pool, Slot *slot)
{
  xref_extract_claims (slot->doc, pool->run->rules);
  slot->extracted = TRUE;
  /* (a pass over all the tokens, about 1% of the run: only when asked) */
  if (pool->run->count_words)
    slot->n_words = count_words (slot->doc);
  if (pool->run->slim)
    slim (slot->doc);
}

/* A progress line on stderr: documents done, MB/s, ETA; only on a terminal
 * (run->progress) and only once the run has taken a second, at most five
 * times a second.  Called by whichever worker finishes a document, under a
 * lock held for the arithmetic and, now and then, one fprintf. */
static void
progress (Pool *pool, gsize bytes)
{
  gint64 now;

  if (!pool->run->progress)
    return;
  g_mutex_lock (&pool->progress_lock);
  pool->done_bytes += (gint64) bytes;
  now = g_get_monotonic_time ();
  if (now - pool->t0 >= G_USEC_PER_SEC && now - pool->last_print >= G_USEC_PER_SEC / 5)
    {
      double secs = (double) (now - pool->t0) / G_USEC_PER_SEC;
      double rate = (double) pool->done_bytes / secs;
      guint done = (guint) g_atomic_int_get (&pool->done);
      /* by the bytes left once they are summed, by the files left before */
      double eta = pool->total_known ? (rate > 0 ? (double) (pool->total_bytes - pool->done_bytes) / rate : 0)
                   : done > 0 ? secs * (double) (pool->n - MIN (done, pool->n)) / done : 0;

      fprintf (stderr, "\rxref: %u/%u documents, %.1f MB/s, ETA %.0f s\033[K", done, pool->n, rate / 1e6,
               eta > 0 ? eta : 0);
      fflush (stderr);
      pool->last_print = now;
      pool->printed = TRUE;
    }
  g_mutex_unlock (&pool->progress_lock);
}

/* Whether file i of the corpus is another shard's (`--shard K/N`). */
static inline gboolean
other_shard (const XrefRun *run, guint i)
{
  return run->n_shards > 1 && i % run->n_shards != run->shard;
}

/* The bytes of the run's files, for the progress line's ETA, summed on a
 * thread of its own: a stat per file before the first document would hold
 * the run back where the inodes are not cached (0.26 s for the 24,000
 * files of the 100 MB bench corpus; seconds for a million).  Until it is
 * done, the ETA counts files. */
static gpointer
sizes_thread (gpointer data)
{
  Pool *pool = data;
  const XrefRun *run = pool->run;
  gint64 total = 0;

  for (guint i = 0; i < pool->n; i++)
    {
      const XrefCorpusFile *file = g_ptr_array_index (pool->corpus->files, i);
      struct stat st;

      if (g_atomic_int_get (&pool->sizes_stop))
        return NULL;
      if (other_shard (run, i))
        continue;
      if ((file->root_fd != NULL ? fstatat (*file->root_fd, file->name, &st, 0) : stat (file->path, &st)) == 0)
        total += st.st_size;
    }
  g_mutex_lock (&pool->progress_lock);
  pool->total_bytes = total;
  pool->total_known = TRUE;
  g_mutex_unlock (&pool->progress_lock);
  return NULL;
}

static void
work_one (Pool *pool, guint i)
{
  const XrefCorpusFile *file = g_ptr_array_index (pool->corpus->files, i);
  const XrefMeta *meta = g_hash_table_lookup (pool->corpus->manifest, file->id);
  const XrefRules *rules = pool->run->rules;
  Slot *slot = &pool->slots[i];
  g_autoptr (GError) local = NULL;
  XrefDocument *doc;

  if (other_shard (pool->run, i))
    return;   /* another shard's file: neither a document nor a skip */
  doc = xref_ingest_file (file, meta, rules, &local);
  if (doc == NULL)
    {
      slot->skip = g_strdup (local->message);
      return;
    }
  xref_text_segment (doc, rules);
  if (doc->sentences->len == 0)
    {
      /* Empty, white space only, or nothing but boilerplate: not an
       * article, so not a source that "omits" every row. */
      slot->skip = g_strdup ("no article text (empty, blank or only boilerplate); skipped");
      xref_document_free (doc);
      return;
    }
  xref_temporal_tag (doc, rules);
  slot->doc = doc;
  /* Only a document without a year can be changed by the corpus pass. */
  if (doc->date.year > 0)
    extract_one (pool, slot);
}

static gpointer
worker (gpointer data)
{
  Pool *pool = data;

  for (;;)
    {
      guint i = (guint) g_atomic_int_add (&pool->next, 1);
      gsize bytes = 0;

      if (!pool->late)
        {
          if (i >= pool->n)
            break;
          xref_read_ahead_taken (pool->ahead, i);
          work_one (pool, i);
          if (pool->slots[i].doc != NULL)
            bytes = pool->slots[i].doc->len;
        }
      else
        {
          Slot *slot;

          if (i >= pool->late_docs->len)
            break;
          slot = g_ptr_array_index (pool->late_docs, i);
          extract_one (pool, slot);
          continue;   /* counted in the first round */
        }
      g_atomic_int_inc (&pool->done);
      progress (pool, bytes);
    }
  g_mutex_lock (&pool->progress_lock);
  pool->last_idle = g_get_monotonic_time ();
  if (pool->first_idle == 0)
    pool->first_idle = pool->last_idle;
  g_mutex_unlock (&pool->progress_lock);
  return NULL;
}

/* Runs worker on n_threads threads (the calling one among them). */
static void
pool_run (Pool *pool, guint n_threads, guint n_items)
{
  GThread *threads[64];
  guint n_spawn;

  g_atomic_int_set (&pool->next, 0);
  n_threads = MIN (n_threads, G_N_ELEMENTS (threads));
  n_spawn = n_items > 1 && n_threads > 1 ? MIN (n_threads, n_items) - 1 : 0;
  for (guint t = 0; t < n_spawn; t++)
    threads[t] = g_thread_new ("xref-worker", worker, pool);
  worker (pool);
  for (guint t = 0; t < n_spawn; t++)
    g_thread_join (threads[t]);
}

gboolean
xref_run_extract (XrefRun *run, const char *const *paths, guint n_paths, GError **error)
{
  XrefCorpus *corpus;
  gint64 t0;

  g_return_val_if_fail (run->rules != NULL, FALSE);

  t0 = g_get_monotonic_time ();
  corpus = xref_corpus_open (paths, n_paths, error);
  if (corpus == NULL)
    return FALSE;
  run->walk_ms = (g_get_monotonic_time () - t0) / 1e3;
  return xref_run_extract_corpus (run, corpus, error);
}

gboolean
xref_run_extract_corpus (XrefRun *run, XrefCorpus *corpus_in, GError **error)
{
  g_autoptr (XrefCorpus) corpus = corpus_in;
  Pool pool = { 0 };
  guint jobs;

  g_return_val_if_fail (run->rules != NULL, FALSE);

  g_clear_pointer (&run->manifest, g_hash_table_unref);
  if (corpus->manifest != NULL)
    run->manifest = g_hash_table_ref (corpus->manifest);

  jobs = run->jobs > 0 ? run->jobs : g_get_num_processors ();
  pool.run = run;
  pool.corpus = corpus;
  pool.n = corpus->files->len;
  pool.slots = g_new0 (Slot, pool.n);
  pool.t0 = g_get_monotonic_time ();
  g_mutex_init (&pool.progress_lock);
  if (run->progress)
    pool.sizes = g_thread_try_new ("xref-sizes", sizes_thread, &pool, NULL);

  pool.ahead = xref_read_ahead_start (corpus, &pool.next, run->n_shards > 1 ? run->shard : 0, run->n_shards,
                                      run->read_ahead);
  pool_run (&pool, jobs, pool.n);
  xref_read_ahead_stop (g_steal_pointer (&pool.ahead), &run->ahead);
  if (pool.sizes != NULL)
    {
      g_atomic_int_set (&pool.sizes_stop, TRUE);
      g_thread_join (g_steal_pointer (&pool.sizes));
    }
  run->tail_ms = (pool.last_idle - pool.first_idle) / 1e3;

  /* The merge, in corpus order; skips are warned about in that order. */
  for (guint i = 0; i < pool.n; i++)
    {
      Slot *slot = &pool.slots[i];
      if (slot->doc != NULL)
        g_ptr_array_add (run->documents, slot->doc);
      else if (slot->skip != NULL)
        {
          const XrefCorpusFile *file = g_ptr_array_index (corpus->files, i);
          xref_warn (file->path, "%s", slot->skip);
          run->n_skipped++;
        }
    }

  /* Dates that only the corpus as a whole can settle (a year-less
   * "December 28"), before claims take their dates from the timexes. */
  xref_temporal_resolve_corpus (run->documents, run->rules);

  pool.late = TRUE;
  pool.late_docs = g_ptr_array_new ();
  for (guint i = 0; i < pool.n; i++)
    if (pool.slots[i].doc != NULL && !pool.slots[i].extracted)
      {
        g_ptr_array_add (pool.late_docs, &pool.slots[i]);
        g_hash_table_add (run->undated, pool.slots[i].doc);
      }
  if (pool.late_docs->len > 0)
    pool_run (&pool, jobs, pool.late_docs->len);
  g_ptr_array_unref (pool.late_docs);

  run->n_bytes = 0;
  run->n_words = 0;
  for (guint i = 0; i < pool.n; i++)
    if (pool.slots[i].doc != NULL)
      {
        run->n_bytes += pool.slots[i].doc->len;
        run->n_words += pool.slots[i].n_words;
      }

  if (pool.printed)
    {
      fprintf (stderr, "\r\033[K");
      fflush (stderr);
    }
  for (guint i = 0; i < pool.n; i++)
    g_free (pool.slots[i].skip);
  g_free (pool.slots);
  g_mutex_clear (&pool.progress_lock);
  return TRUE;
}

void
xref_run_match (XrefRun *run)
{
  g_clear_pointer (&run->rows, g_ptr_array_unref);
  run->rows = xref_match_threads (run->documents, run->rules, run->jobs);
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
