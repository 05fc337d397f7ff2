/* The run: the thread pool over documents and the jsonl map/reduce path.
 *
 *  - any number of threads gives the report of one thread, byte for byte;
 *  - slimming (dropping tokens once claims are out) changes no report;
 *  - `xref extract --format jsonl` over shards, read back by `xref match`,
 *    gives the report of one run, also when a document can only be dated
 *    by the corpus year pass (tests/cases/shard/undated.txt);
 *  - a record that is not one is an error with file:line, and so is a
 *    claim offset too large for any article (claims hold 32 bits);
 *  - a streamed JSON report (XrefReport.flush) has the bytes of a whole one.
 * The seed corpus is copied to a temporary folder with the undated article. */
#include "test-util.h"

#include <glib/gstdio.h>

#include "xref/run.h"

static char *tmp_dir;
static char *corpus;
static char *story_rules;

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  assert_true (g_file_get_contents (from, &data, &len, NULL));
  assert_true (g_file_set_contents (to, data, (gssize) len, NULL));
}

static int
setup (void **state)
{
  g_autofree char *seeds = test_path ("corpus");
  g_autofree char *undated = test_path ("tests/cases/shard/undated.txt");
  g_autofree char *rules_from = g_build_filename (seeds, ".xref", "rules", "story.yaml", NULL);
  g_autofree char *rules_to = NULL;
  g_autofree char *dest = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  tmp_dir = g_dir_make_tmp ("xref-test-run-XXXXXX", NULL);
  assert_non_null (tmp_dir);
  corpus = g_build_filename (tmp_dir, "corpus", NULL);
  story_rules = g_build_filename (corpus, ".xref", "rules", NULL);
  assert_int_equal (g_mkdir_with_parents (story_rules, 0755), 0);
  rules_to = g_build_filename (story_rules, "story.yaml", NULL);
  copy_file (rules_from, rules_to);
  dir = g_dir_open (seeds, 0, NULL);
  assert_non_null (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".txt") || g_str_has_suffix (name, ".yaml"))
      {
        g_autofree char *from = g_build_filename (seeds, name, NULL);
        g_autofree char *to = g_build_filename (corpus, name, NULL);
        copy_file (from, to);
      }
  dest = g_build_filename (corpus, "zz-undated.txt", NULL);
  copy_file (undated, dest);
  (void) state;
  return 0;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static int
teardown (void **state)
{
  remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
  g_clear_pointer (&corpus, g_free);
  g_clear_pointer (&story_rules, g_free);
  (void) state;
  return 0;
}

/* A run with rules for the corpus (defaults + its .xref/rules). */
static XrefRun *
new_run (guint jobs, gboolean slim)
{
  g_autoptr (GError) error = NULL;
  const char *paths[] = { corpus, NULL };
  g_auto (GStrv) dirs = xref_run_rule_dirs (paths, NULL, FALSE, &error);
  XrefRun *run = xref_run_new ();

  assert_no_error (error);
  assert_true (xref_run_load_rules (run, (const char *const *) dirs, &error));
  assert_no_error (error);
  run->jobs = jobs;
  run->slim = slim;
  return run;
}

static void
flush_into (const char *data, gsize len, gpointer user_data)
{
  g_string_append_len (user_data, data, (gssize) len);
}

/* The report of run in format (after extraction; matched unless extract). */
static char *
render (XrefRun *run, XrefFormat format, gboolean extract, gboolean stream)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) streamed = g_string_new (NULL);
  XrefReport report = { 0 };

  if (!extract)
    xref_run_match (run);
  report.rules = run->rules;
  report.documents = run->documents;
  report.rows = run->rows;
  report.extract = extract;
  report.width = 100;
  if (stream)
    {
      report.flush = flush_into;
      report.flush_data = streamed;
    }
  assert_true (xref_render (&report, format, out, &error));
  assert_no_error (error);
  g_string_append_len (streamed, out->str, (gssize) out->len);
  return g_strndup (streamed->str, streamed->len);
}

static char *
single_run (guint jobs, gboolean slim, XrefFormat format, gboolean extract)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRun) run = new_run (jobs, slim);
  const char *paths[] = { corpus, NULL };

  run->count_words = TRUE;   /* (off by default: only --stats reads it) */
  assert_true (xref_run_extract (run, paths, 1, &error));
  assert_no_error (error);
  assert_int_equal (run->documents->len, 6);
  assert_true (run->n_words > 1000);
  return render (run, format, extract, FALSE);
}

static void
test_threads_identical (void **state)
{
  g_autofree char *one = single_run (1, FALSE, XREF_FORMAT_JSON, FALSE);
  g_autofree char *ext1 = single_run (1, FALSE, XREF_FORMAT_JSON, TRUE);

  for (guint jobs = 2; jobs <= 8; jobs *= 2)
    {
      g_autofree char *many = single_run (jobs, FALSE, XREF_FORMAT_JSON, FALSE);
      g_autofree char *ext = single_run (jobs, FALSE, XREF_FORMAT_JSON, TRUE);
      assert_string_equal (one, many);
      assert_string_equal (ext1, ext);
    }
  (void) state;
}

/* Reading ahead only asks the kernel to read: every mode gives the same
 * report, with one thread or two, over the whole corpus or a shard. */
static void
test_read_ahead_identical (void **state)
{
  static const XrefReadAheadMode modes[] = { XREF_READ_AHEAD_OFF, XREF_READ_AHEAD_AUTO, XREF_READ_AHEAD_ALWAYS };
  const char *paths[] = { corpus, NULL };
  char *want[2] = { NULL, NULL };

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    for (guint shard = 0; shard < 2; shard++)
      for (guint jobs = 1; jobs <= 2; jobs++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (XrefRun) run = new_run (jobs, TRUE);
          g_autofree char *got = NULL;

          run->read_ahead = modes[m];
          run->shard = shard;
          run->n_shards = shard + 1;   /* all, then shard 1 of 2 */
          assert_true (xref_run_extract (run, paths, 1, &error));
          assert_no_error (error);
          assert_int_equal (run->documents->len, shard == 0 ? 6 : 3);
          if (modes[m] == XREF_READ_AHEAD_OFF)
            assert_int_equal (run->ahead.probed, 0);
          got = render (run, XREF_FORMAT_JSON, TRUE, FALSE);
          if (want[shard] == NULL)
            want[shard] = g_steal_pointer (&got);
          else
            assert_string_equal (want[shard], got);
        }
  g_free (want[0]);
  g_free (want[1]);
  (void) state;
}

static void
test_slim_identical (void **state)
{
  static const XrefFormat formats[] = { XREF_FORMAT_JSON, XREF_FORMAT_TABLE, XREF_FORMAT_CSV };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *full = single_run (2, FALSE, formats[i], FALSE);
      g_autofree char *slim = single_run (2, TRUE, formats[i], FALSE);
      assert_string_equal (full, slim);
    }
  (void) state;
}

/* The slimmed documents hold no tokens or sentences, but keep text, claims
 * and timexes. */
static void
test_slim_drops_tokens (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRun) run = new_run (2, TRUE);
  const char *paths[] = { corpus, NULL };
  guint n_claims = 0;

  assert_true (xref_run_extract (run, paths, 1, &error));
  for (guint i = 0; i < run->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (run->documents, i);
      assert_null (doc->tokens);
      assert_null (doc->sentences);
      assert_non_null (doc->text);
      assert_non_null (doc->timexes);
      n_claims += doc->claims->len;
    }
  assert_true (n_claims > 50);
  (void) state;
}

/* Writes shard k of n as jsonl into a file; returns its path. */
static char *
write_shard (guint k, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRun) run = new_run (2, TRUE);
  g_autoptr (GString) out = g_string_new (NULL);
  const char *paths[] = { corpus, NULL };
  char *file = g_strdup_printf ("%s/part-%u-of-%u.jsonl", tmp_dir, k, n);

  run->shard = k;
  run->n_shards = n;
  assert_true (xref_run_extract (run, paths, 1, &error));
  assert_no_error (error);
  assert_true (xref_run_write_jsonl (run, NULL, out, &error));
  assert_no_error (error);
  assert_true (g_file_set_contents (file, out->str, (gssize) out->len, NULL));
  return file;
}

static char *
match_files (const char *const *files, guint n, XrefFormat format)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRun) run = xref_run_new ();
  g_autofree char *def = xref_rules_default_dir ();
  const char *dirs[] = { def, story_rules, NULL };

  assert_true (xref_run_load_rules (run, dirs, &error));
  assert_no_error (error);
  run->slim = TRUE;
  assert_true (xref_run_read_jsonl (run, files, n, &error));
  assert_no_error (error);
  assert_int_equal (run->documents->len, 6);
  return render (run, format, FALSE, FALSE);
}

static void
test_jsonl_shards_identical (void **state)
{
  static const XrefFormat formats[] = { XREF_FORMAT_JSON, XREF_FORMAT_TABLE, XREF_FORMAT_MARKDOWN };

  for (guint n = 1; n <= 4; n++)
    {
      g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
      /* shards in reverse order: the reader sorts by document id */
      for (guint k = n; k > 0; k--)
        g_ptr_array_add (files, write_shard (k - 1, n));
      for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
        {
          g_autofree char *single = single_run (2, TRUE, formats[f], FALSE);
          g_autofree char *sharded = match_files ((const char *const *) files->pdata, files->len, formats[f]);
          assert_string_equal (single, sharded);
        }
    }
  (void) state;
}

/* A document that had no year of its own is written with its bytes (the
 * added article, and the seed articles dated only by the corpus); one with
 * a dateline year (002, "December 21, 2022") is written as extracted. */
static void
test_jsonl_undated_record (void **state)
{
  g_autofree char *file = write_shard (0, 1);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean zz = FALSE, dated_002 = FALSE;

  assert_true (g_file_get_contents (file, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  assert_int_equal (g_strv_length (lines), 7);   /* 6 documents and "" */
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      gboolean undated = strstr (lines[i], "\"undated\":{\"bytes\":") != NULL;
      if (strstr (lines[i], "{\"document\":{\"id\":\"zz-undated.txt\"") == lines[i])
        zz = undated;
      if (strstr (lines[i], "{\"document\":{\"id\":\"002_") == lines[i])
        dated_002 = !undated;
    }
  assert_true (zz);
  assert_true (dated_002);
  (void) state;
}

static void
test_jsonl_bad_record (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRun) run = xref_run_new ();
  g_autofree char *def = xref_rules_default_dir ();
  g_autofree char *bad = g_build_filename (tmp_dir, "bad.jsonl", NULL);
  const char *dirs[] = { def, NULL };
  const char *files[] = { bad, NULL };

  assert_true (xref_run_load_rules (run, dirs, &error));
  assert_true (g_file_set_contents (bad, "\n{\"document\":{\"id\":\"a\"}}\n", -1, NULL));
  assert_false (xref_run_read_jsonl (run, files, 1, &error));
  assert_non_null (error);
  assert_non_null (strstr (error->message, "bad.jsonl:2: "));
  g_clear_error (&error);
  assert_true (g_file_set_contents (bad, "{not json\n", -1, NULL));
  assert_false (xref_run_read_jsonl (run, files, 1, &error));
  assert_non_null (strstr (error->message, "bad.jsonl:1: "));
  (void) state;
}

/* Claims hold 32-bit offsets (extract.h): the reader takes an offset up to
 * XREF_INGEST_MAX_FILE as written, and refuses a larger one, 2^32 and
 * 2^32 + 5 among them, with file:line instead of truncating it (to 0 and
 * 5).  Offsets past the document's length stay accepted (the reports clamp
 * spans to the text). */
static void
test_jsonl_offsets (void **state)
{
  static const char *const bad_claims[] = {
    "{\"id\":\"a#1\",\"start\":0,\"end\":4294967296}",
    "{\"id\":\"a#1\",\"start\":0,\"end\":4,\"actor\":{\"id\":\"x\",\"start\":4294967301,\"end\":4294967302}}",
    "{\"id\":\"a#1\",\"start\":0,\"end\":4,\"slots\":{\"n\":{\"value\":\"1\",\"start\":67108865,\"end\":2}}}",
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *def = xref_rules_default_dir ();
  g_autofree char *file = g_build_filename (tmp_dir, "offsets.jsonl", NULL);
  const char *dirs[] = { def, NULL };
  const char *files[] = { file, NULL };
  const char *head = "{\"document\":{\"id\":\"a\",\"length\":10,\"date_basis\":\"none\"},\"timexes\":[],\"claims\":[";

  for (guint i = 0; i < G_N_ELEMENTS (bad_claims); i++)
    {
      g_autoptr (XrefRun) run = xref_run_new ();
      g_autofree char *line = g_strconcat ("\n", head, bad_claims[i], "]}\n", NULL);

      assert_true (xref_run_load_rules (run, dirs, &error));
      assert_true (g_file_set_contents (file, line, -1, NULL));
      assert_false (xref_run_read_jsonl (run, files, 1, &error));
      assert_non_null (error);
      assert_non_null (strstr (error->message, "offsets.jsonl:2: "));
      assert_non_null (strstr (error->message, "out of range"));
      g_clear_error (&error);
    }

  {
    g_autoptr (XrefRun) run = xref_run_new ();
    g_autofree char *line = NULL;
    const XrefDocument *doc;
    const XrefClaim *c;
    const XrefSlotValue *sv;

    assert_true (xref_run_load_rules (run, dirs, &error));
    line = g_strconcat (head, "{\"id\":\"a#1\",\"start\":3,\"end\":67108864,\"actor\":{\"id\":\"x\",\"start\":-7,"
                        "\"end\":12},\"slots\":{\"n\":{\"value\":\"1\",\"start\":5,\"end\":9}}}]}\n", NULL);
    assert_true (g_file_set_contents (file, line, -1, NULL));
    assert_true (xref_run_read_jsonl (run, files, 1, &error));
    assert_no_error (error);
    assert_int_equal (run->documents->len, 1);
    doc = g_ptr_array_index (run->documents, 0);
    assert_int_equal (doc->claims->len, 1);
    c = g_ptr_array_index (doc->claims, 0);
    assert_int_equal (c->start, 3);
    assert_int_equal (c->end, XREF_INGEST_MAX_FILE);
    assert_int_equal (c->actor.start, 0);   /* negative: 0, as before */
    assert_int_equal (c->actor.end, 12);
    sv = xref_claim_slot (c, xref_intern ("n"));
    assert_non_null (sv);
    assert_int_equal (sv->start, 5);
    assert_int_equal (sv->end, 9);
  }
  (void) state;
}

/* Claims are most of a run's memory: 32-bit offsets and no padding keep
 * one at 192 bytes on LP64 (extract.h); a field added carelessly shows
 * here. */
static void
test_claim_size (void **state)
{
  if (sizeof (gpointer) == 8)
    {
      assert_int_equal (sizeof (XrefClaim), 152);
      assert_int_equal (sizeof (XrefArg), 16);
      assert_int_equal (sizeof (XrefSlotValue), 32);
    }
  (void) state;
}

static guint n_flushes;

static void
count_flush (const char *data, gsize len, gpointer user_data)
{
  n_flushes++;
  g_string_append_len (user_data, data, (gssize) len);
}

/* A report streamed in pieces has the bytes of the whole one: on twelve
 * copies of the seed corpus, whose JSON passes the 1 MB flush size. */
static void
test_stream_identical (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRun) run = new_run (2, TRUE);
  g_autofree char *big = g_build_filename (tmp_dir, "big", NULL);
  g_autofree char *seeds = test_path ("corpus");
  g_autoptr (GString) whole = g_string_new (NULL);
  g_autoptr (GString) streamed = g_string_new (NULL);
  g_autoptr (GString) rest = g_string_new (NULL);
  const char *paths[] = { big, NULL };
  XrefReport report = { 0 };

  for (guint c = 0; c < 12; c++)
    {
      g_autofree char *sub = g_strdup_printf ("%s/c%02u", big, c);
      g_autoptr (GDir) dir = g_dir_open (seeds, 0, NULL);
      const char *name;
      assert_int_equal (g_mkdir_with_parents (sub, 0755), 0);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".txt"))
          {
            g_autofree char *from = g_build_filename (seeds, name, NULL);
            g_autofree char *to = g_build_filename (sub, name, NULL);
            copy_file (from, to);
          }
    }
  assert_true (xref_run_extract (run, paths, 1, &error));
  assert_no_error (error);
  xref_run_match (run);
  report.rules = run->rules;
  report.documents = run->documents;
  report.rows = run->rows;
  xref_render_json (&report, whole);
  report.flush = count_flush;
  report.flush_data = streamed;
  n_flushes = 0;
  xref_render_json (&report, rest);
  g_string_append_len (streamed, rest->str, (gssize) rest->len);
  assert_true (n_flushes > 0);
  assert_true (whole->len > (1u << 20));
  assert_int_equal (streamed->len + 0, whole->len);
  assert_memory_equal (streamed->str, whole->str, whole->len);
  (void) state;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_threads_identical),
    cmocka_unit_test (test_read_ahead_identical),
    cmocka_unit_test (test_slim_identical),
    cmocka_unit_test (test_slim_drops_tokens),
    cmocka_unit_test (test_jsonl_shards_identical),
    cmocka_unit_test (test_jsonl_undated_record),
    cmocka_unit_test (test_jsonl_bad_record),
    cmocka_unit_test (test_jsonl_offsets),
    cmocka_unit_test (test_claim_size),
    cmocka_unit_test (test_stream_identical),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
