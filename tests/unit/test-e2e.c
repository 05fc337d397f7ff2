/* End-to-end tests, in process: the whole pipeline (rules → ingest → text →
 * temporal → extract → match → JSON) run on the seed corpus the way the
 * command line runs it, the JSON report parsed back with jansson and held
 * against the contract of DESIGN.md and against the bytes of the articles. */
#include "test-util.h"

#include <glib/gstdio.h>
#include <jansson.h>

#include "xref/run.h"

/* The report of $XREF_SRCDIR/corpus, made once for the group. */
static char *corpus_dir;
static char *corpus_json;
static json_t *corpus_root;
static GHashTable *corpus_files;   /* document id → GBytes of the file */

/* ---- running the pipeline ------------------------------------------------- */

/* Runs xref (or `xref extract`) on path as main.c does and returns the JSON
 * report; free with g_free. */
static char *
run_json (const char *path, gboolean extract)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRun) run = xref_run_new ();
  g_auto (GStrv) dirs = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  const char *paths[] = { path, NULL };
  XrefReport report = { 0 };

  dirs = xref_run_rule_dirs (paths, NULL, FALSE, &error);
  assert_no_error (error);
  assert_non_null (dirs);
  assert_true (xref_run_load_rules (run, (const char *const *) dirs, &error));
  assert_no_error (error);
  assert_true (xref_run_extract (run, paths, 1, &error));
  assert_no_error (error);
  if (!extract)
    xref_run_match (run);

  report.rules = run->rules;
  report.documents = run->documents;
  report.rows = run->rows;
  report.extract = extract;
  report.width = 100;
  assert_true (xref_render (&report, XREF_FORMAT_JSON, out, &error));
  assert_no_error (error);
  return g_strndup (out->str, out->len);
}

static json_t *
parse_json (const char *text)
{
  json_error_t jerr;
  json_t *root = json_loads (text, 0, &jerr);

  if (root == NULL)
    fail_msg ("report is not valid JSON: %d:%d: %s", jerr.line, jerr.column, jerr.text);
  return root;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* Reads the file of every document of root (found below dir, or dir itself
 * when it is a file) into a new table id → GBytes. */
static GHashTable *
read_documents (json_t *root, const char *dir)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  json_t *docs = json_object_get (root, "documents");
  gboolean is_file = g_file_test (dir, G_FILE_TEST_IS_REGULAR);
  size_t i;
  json_t *doc;

  assert_true (json_is_array (docs));
  json_array_foreach (docs, i, doc)
    {
      const char *id = json_string_value (json_object_get (doc, "id"));
      g_autofree char *path = NULL;

      assert_non_null (id);
      path = is_file ? g_strdup (dir) : g_build_filename (dir, id, NULL);
      g_hash_table_insert (files, g_strdup (id), read_bytes (path));
    }
  return files;
}

static int
setup_corpus (void **state)
{
  corpus_dir = test_path ("corpus");
  corpus_json = run_json (corpus_dir, FALSE);
  corpus_root = parse_json (corpus_json);
  corpus_files = read_documents (corpus_root, corpus_dir);
  return 0;
}

static int
teardown_corpus (void **state)
{
  g_clear_pointer (&corpus_files, g_hash_table_unref);
  g_clear_pointer (&corpus_root, json_decref);
  g_clear_pointer (&corpus_json, g_free);
  g_clear_pointer (&corpus_dir, g_free);
  return 0;
}

/* ---- field checks ---------------------------------------------------------- */

/* The member key of obj, failing with where when it is missing. */
static json_t *
member (json_t *obj, const char *key, const char *where)
{
  json_t *v;

  if (!json_is_object (obj))
    fail_msg ("%s: not an object", where);
  v = json_object_get (obj, key);
  if (v == NULL)
    fail_msg ("%s: no field \"%s\"", where, key);
  return v;
}

static const char *
member_string (json_t *obj, const char *key, const char *where)
{
  json_t *v = member (obj, key, where);

  if (!json_is_string (v))
    fail_msg ("%s.%s: not a string", where, key);
  return json_string_value (v);
}

/* A string or null (returns NULL for null). */
static const char *
member_string_or_null (json_t *obj, const char *key, const char *where)
{
  json_t *v = member (obj, key, where);

  if (json_is_null (v))
    return NULL;
  if (!json_is_string (v))
    fail_msg ("%s.%s: neither a string nor null", where, key);
  return json_string_value (v);
}

static json_int_t
member_offset (json_t *obj, const char *key, const char *where)
{
  json_t *v = member (obj, key, where);

  if (!json_is_integer (v) || json_integer_value (v) < 0)
    fail_msg ("%s.%s: not a byte offset", where, key);
  return json_integer_value (v);
}

static gboolean
one_of (const char *s, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_strcmp0 (s, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Asserts file[start..end) holds exactly the bytes of text. */
static void
assert_span_text (GBytes *file, json_int_t start, json_int_t end, const char *text, const char *where)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (file, &len);

  if (start > end || (gsize) end > len)
    fail_msg ("%s: span %lld..%lld outside the file (%zu bytes)", where, (long long) start, (long long) end, len);
  if (strlen (text) != (gsize) (end - start) || memcmp (data + start, text, (gsize) (end - start)) != 0)
    fail_msg ("%s: text \"%s\" is not the file's bytes at %lld..%lld (\"%.*s\")", where, text, (long long) start,
              (long long) end, (int) (end - start), data + start);
}

/* An element of a claim { <id_key>, text, start, end }: the types, and the
 * text against the file's bytes.  The span is returned in *start, *end. */
static void
check_element (json_t *el, const char *id_key, GBytes *file, const char *claim, const char *key, json_int_t *start,
               json_int_t *end)
{
  g_autofree char *where = g_strdup_printf ("%s.%s", claim, key);
  const char *text;

  member_string (el, id_key, where);
  text = member_string (el, "text", where);
  *start = member_offset (el, "start", where);
  *end = member_offset (el, "end", where);
  assert_span_text (file, *start, *end, text, where);
}

static void
check_document (json_t *doc, const char *where)
{
  static const char *const bases[] = { "metadata", "dateline", "inferred", "none", NULL };
  const char *date, *basis;
  XrefDate d;

  member_string (doc, "id", where);
  member_string_or_null (doc, "outlet", where);
  date = member_string_or_null (doc, "date", where);
  if (date != NULL && (strlen (date) != 10 || !xref_date_parse_iso (date, &d) || !xref_date_is_complete (&d)))
    fail_msg ("%s.date: \"%s\" is not YYYY-MM-DD", where, date);
  basis = member_string (doc, "date_basis", where);
  if (!one_of (basis, bases))
    fail_msg ("%s.date_basis: unknown \"%s\"", where, basis);
}

/* Every field of a claim with its type; every text against the bytes of the
 * original file; the action inside the sentence. */
static void
check_claim (json_t *claim, GHashTable *files, const char *where)
{
  static const char *const polarities[] = { "affirmed", "negated", NULL };
  const char *doc, *sentence, *polarity;
  json_int_t start, end, s, e;
  GBytes *file;
  json_t *v, *slots, *slot;
  const char *name;

  member_string (claim, "id", where);
  doc = member_string (claim, "doc", where);
  file = g_hash_table_lookup (files, doc);
  if (file == NULL)
    fail_msg ("%s.doc: \"%s\" is not a document of the report", where, doc);
  start = member_offset (claim, "start", where);
  end = member_offset (claim, "end", where);
  sentence = member_string (claim, "sentence", where);
  assert_span_text (file, start, end, sentence, where);

  /* DESIGN.md shows no "| null" for actor, but extract leaves the actor out
   * of passives and nominalisations ("the shipment … to Kiev"): an object
   * or null. */
  v = member (claim, "actor", where);
  if (!json_is_null (v))
    check_element (v, "id", file, where, "actor", &s, &e);

  check_element (member (claim, "action", where), "id", file, where, "action", &s, &e);
  if (s < start || e > end)
    fail_msg ("%s: action at %lld..%lld outside its sentence %lld..%lld", where, (long long) s, (long long) e,
              (long long) start, (long long) end);

  v = member (claim, "object", where);
  if (!json_is_null (v))
    check_element (v, "id", file, where, "object", &s, &e);
  v = member (claim, "date", where);
  if (!json_is_null (v))
    check_element (v, "value", file, where, "date", &s, &e);

  slots = member (claim, "slots", where);
  if (!json_is_object (slots))
    fail_msg ("%s.slots: not an object", where);
  json_object_foreach (slots, name, slot)
    check_element (slot, "value", file, where, name, &s, &e);

  polarity = member_string (claim, "polarity", where);
  if (!one_of (polarity, polarities))
    fail_msg ("%s.polarity: unknown \"%s\"", where, polarity);
  if (*member_string (claim, "modality", where) == '\0')
    fail_msg ("%s.modality: empty", where);

  /* speaker: { id, text } or null; where it gives a span, the text is the
   * file's bytes there. */
  v = member (claim, "speaker", where);
  if (!json_is_null (v))
    {
      g_autofree char *at = g_strdup_printf ("%s.speaker", where);
      const char *text;
      member_string (v, "id", at);
      text = member_string (v, "text", at);
      if (json_object_get (v, "start") != NULL)
        assert_span_text (file, member_offset (v, "start", at), member_offset (v, "end", at), text, at);
    }
}

/* Every field of a row; one source per document in document order; a
 * stating source names a claim of its document and shows its value. */
static void
check_row (json_t *row, json_t *documents, GHashTable *claims, GHashTable *files, const char *where)
{
  static const char *const verdicts[] = { "agree", "differ", "omit", NULL };
  json_t *topic, *sources, *src;
  const char *verdict;
  size_t i;

  member_string (row, "id", where);
  topic = member (row, "topic", where);
  member_string (topic, "actor", "topic");
  member_string (topic, "action", "topic");
  member_string_or_null (topic, "object", "topic");
  member_string (row, "slot", where);
  verdict = member_string (row, "verdict", where);
  if (!one_of (verdict, verdicts))
    fail_msg ("%s.verdict: unknown \"%s\"", where, verdict);
  if (*member_string (row, "rule", where) == '\0')
    fail_msg ("%s.rule: empty", where);

  sources = member (row, "sources", where);
  if (!json_is_array (sources))
    fail_msg ("%s.sources: not an array", where);
  assert_int_equal (json_array_size (sources), json_array_size (documents));
  json_array_foreach (sources, i, src)
    {
      const char *doc = member_string (src, "doc", "source");
      const char *status = member_string (src, "status", "source");
      const char *claim = member_string_or_null (src, "claim", "source");
      const char *value = member_string_or_null (src, "value", "source");
      const char *text = member_string_or_null (src, "text", "source");

      assert_string_equal (doc, json_string_value (json_object_get (json_array_get (documents, i), "id")));
      if (strcmp (status, "states") == 0)
        {
          json_t *c;
          if (claim == NULL || value == NULL)
            fail_msg ("%s: %s states no claim or no value", where, doc);
          c = g_hash_table_lookup (claims, claim);
          if (c == NULL)
            fail_msg ("%s: %s names claim \"%s\" that the report does not hold", where, doc, claim);
          assert_string_equal (json_string_value (json_object_get (c, "doc")), doc);
          if (text != NULL && json_object_get (src, "start") != NULL)
            assert_span_text (g_hash_table_lookup (files, doc), member_offset (src, "start", "source"),
                              member_offset (src, "end", "source"), text, where);
        }
      else if (strcmp (status, "omits") == 0)
        {
          if (claim != NULL || value != NULL)
            fail_msg ("%s: %s omits but names a claim or a value", where, doc);
        }
      else
        fail_msg ("%s: source %s has unknown status \"%s\"", where, doc, status);
    }
}

/* claims of root by id (borrowed json_t*). */
static GHashTable *
claims_by_id (json_t *root)
{
  GHashTable *by_id = g_hash_table_new (g_str_hash, g_str_equal);
  json_t *claim;
  size_t i;

  json_array_foreach (json_object_get (root, "claims"), i, claim)
    {
      const char *id = json_string_value (json_object_get (claim, "id"));
      if (g_hash_table_contains (by_id, id))
        fail_msg ("claim id \"%s\" given twice", id);
      g_hash_table_insert (by_id, (gpointer) id, claim);
    }
  return by_id;
}

static void
check_documents_and_claims (json_t *root, GHashTable *files)
{
  json_t *documents, *claims, *v;
  size_t i;

  v = member (root, "version", "report");
  assert_true (json_is_integer (v));
  assert_int_equal (json_integer_value (v), 1);

  documents = member (root, "documents", "report");
  assert_true (json_is_array (documents));
  assert_true (json_array_size (documents) > 0);
  json_array_foreach (documents, i, v)
    {
      g_autofree char *where = g_strdup_printf ("documents[%zu]", i);
      check_document (v, where);
    }

  claims = member (root, "claims", "report");
  assert_true (json_is_array (claims));
  assert_true (json_array_size (claims) > 0);
  json_array_foreach (claims, i, v)
    {
      g_autofree char *where = g_strdup_printf ("claims[%zu] (%s)", i,
                                                json_string_value (json_object_get (v, "id")));
      check_claim (v, files, where);
    }
}

/* ---- the seed corpus --------------------------------------------------------- */

static void
test_contract (void **state)
{
  g_autoptr (GHashTable) claims = NULL;
  json_t *rows, *row, *documents;
  size_t i;

  check_documents_and_claims (corpus_root, corpus_files);
  /* the five seed articles, ids relative to the corpus root */
  documents = json_object_get (corpus_root, "documents");
  assert_int_equal (json_array_size (documents), 5);
  assert_string_equal (json_string_value (json_object_get (json_array_get (documents, 0), "id")),
                       "000_4d8c5b689ca52c5e.txt");

  claims = claims_by_id (corpus_root);
  rows = member (corpus_root, "rows", "report");
  assert_true (json_is_array (rows));
  assert_true (json_array_size (rows) > 0);
  json_array_foreach (rows, i, row)
    {
      g_autofree char *where = g_strdup_printf ("rows[%zu] (%s)", i, json_string_value (json_object_get (row, "id")));
      check_row (row, documents, claims, corpus_files, where);
    }
}

/* The document ids that state a value in row, sorted, as "002,003,004"
 * (each id cut at its first '_'). */
static char *
stating_docs (json_t *row)
{
  g_autoptr (GString) s = g_string_new (NULL);
  json_t *src;
  size_t i;

  json_array_foreach (json_object_get (row, "sources"), i, src)
    if (g_strcmp0 (json_string_value (json_object_get (src, "status")), "states") == 0)
      {
        const char *doc = json_string_value (json_object_get (src, "doc"));
        const char *cut = strchr (doc, '_');
        if (s->len > 0)
          g_string_append_c (s, ',');
        g_string_append_len (s, doc, cut != NULL ? cut - doc : (gssize) strlen (doc));
      }
  return g_strndup (s->str, s->len);
}

static void
test_rows_from_several_documents (void **state)
{
  g_autoptr (GHashTable) docs = g_hash_table_new (g_str_hash, g_str_equal);
  json_t *row, *src;
  size_t i, j;

  json_array_foreach (json_object_get (corpus_root, "rows"), i, row)
    json_array_foreach (json_object_get (row, "sources"), j, src)
      if (g_strcmp0 (json_string_value (json_object_get (src, "status")), "states") == 0)
        g_hash_table_add (docs, (gpointer) json_string_value (json_object_get (src, "doc")));
  if (g_hash_table_size (docs) < 3)
    fail_msg ("the rows draw from %u documents, expected at least 3", g_hash_table_size (docs));
}

static const char *
topic_field (json_t *row, const char *key)
{
  return json_string_value (json_object_get (json_object_get (row, "topic"), key));
}

/* 004 writes "Feb. 24", 002 and 003 "February 24": one date, agreed. */
static void
test_begin_date_agrees (void **state)
{
  json_t *row, *found = NULL, *src;
  size_t i;

  json_array_foreach (json_object_get (corpus_root, "rows"), i, row)
    {
      g_autofree char *stating = stating_docs (row);
      if (g_strcmp0 (topic_field (row, "action"), "begin") == 0
          && g_strcmp0 (json_string_value (json_object_get (row, "slot")), "date") == 0
          && strcmp (stating, "002,003,004") == 0)
        found = row;
    }
  if (found == NULL)
    fail_msg ("no row on action \"begin\", slot \"date\" stated by 002, 003 and 004");
  assert_string_equal (json_string_value (json_object_get (found, "verdict")), "agree");
  json_array_foreach (json_object_get (found, "sources"), i, src)
    if (g_strcmp0 (json_string_value (json_object_get (src, "status")), "states") == 0)
      {
        const char *doc = json_string_value (json_object_get (src, "doc"));
        assert_string_equal (json_string_value (json_object_get (src, "value")), "2022-02-24");
        assert_string_equal (json_string_value (json_object_get (src, "text")),
                             g_str_has_prefix (doc, "004_") ? "Feb. 24" : "February 24");
      }
}

/* The "legitimate targets" warning, told by 002 and 003 alike. */
static void
test_target_warning (void **state)
{
  json_t *row;
  gboolean found = FALSE;
  size_t i;

  json_array_foreach (json_object_get (corpus_root, "rows"), i, row)
    {
      g_autofree char *stating = stating_docs (row);
      g_autofree char *padded = g_strconcat (",", stating, ",", NULL);
      if (g_strcmp0 (topic_field (row, "action"), "target") == 0 && strstr (padded, ",002,") != NULL
          && strstr (padded, ",003,") != NULL
          && g_strcmp0 (json_string_value (json_object_get (row, "verdict")), "differ") != 0)
        found = TRUE;
    }
  if (!found)
    fail_msg ("no row on action \"target\" stated by 002 and 003 that does not differ");
}

/* ---- determinism ------------------------------------------------------------- */

/* Paths of every file below root (dot-files and dot-folders included),
 * relative to root, sorted. */
static void
list_files (const char *root, const char *rel, GPtrArray *out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir_path = rel != NULL ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, &error);
  const char *name;

  assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = rel != NULL ? g_build_filename (rel, name, NULL) : g_strdup (name);
      g_autofree char *path = g_build_filename (root, child, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        list_files (root, child, out);
      else
        g_ptr_array_add (out, g_steal_pointer (&child));
    }
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
copy_file (const char *from_root, const char *to_root, const char *rel)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *from = g_build_filename (from_root, rel, NULL);
  g_autofree char *to = g_build_filename (to_root, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (to);
  g_autofree char *data = NULL;
  gsize len = 0;

  assert_int_equal (g_mkdir_with_parents (parent, 0755), 0);
  g_file_get_contents (from, &data, &len, &error);
  assert_no_error (error);
  g_file_set_contents (to, data, (gssize) len, &error);
  assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
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

/* The corpus copied to two folders, its files created in opposite orders,
 * gives byte-identical reports, and the same as the corpus itself: document
 * ids are relative paths and nothing depends on directory order. */
static void
test_deterministic_copies (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *a = g_dir_make_tmp ("xref-e2e-a-XXXXXX", &error);
  g_autofree char *b = NULL;
  g_autofree char *json_a = NULL;
  g_autofree char *json_b = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *story = NULL;

  assert_no_error (error);
  b = g_dir_make_tmp ("xref-e2e-b-XXXXXX", &error);
  assert_no_error (error);

  list_files (corpus_dir, NULL, files);
  g_ptr_array_sort (files, cmp_str);
  for (guint i = 0; i < files->len; i++)
    copy_file (corpus_dir, a, g_ptr_array_index (files, i));
  for (guint i = files->len; i > 0; i--)
    copy_file (corpus_dir, b, g_ptr_array_index (files, i - 1));
  /* the copies carry the manifest and the corpus rules */
  manifest = g_build_filename (b, "manifest.yaml", NULL);
  story = g_build_filename (b, ".xref", "rules", NULL);
  assert_true (g_file_test (manifest, G_FILE_TEST_IS_REGULAR));
  assert_true (g_file_test (story, G_FILE_TEST_IS_DIR));

  json_a = run_json (a, FALSE);
  json_b = run_json (b, FALSE);
  remove_tree (a);
  remove_tree (b);

  if (strcmp (json_a, json_b) != 0)
    fail_msg ("two copies of the corpus give different reports");
  if (strcmp (json_a, corpus_json) != 0)
    fail_msg ("a copy of the corpus gives another report than the corpus");
}

/* ---- xref extract on one file ------------------------------------------------- */

static void
test_extract_one_file (void **state)
{
  static const char *const types[] = { "DATE", "TIME", "DURATION", "SET", NULL };
  g_autofree char *path = g_build_filename (corpus_dir, "002_790dc0bc9b5edaac.txt", NULL);
  g_autofree char *text = run_json (path, TRUE);
  json_t *root = parse_json (text);
  g_autoptr (GHashTable) files = read_documents (root, path);
  json_t *doc, *v, *item;
  GBytes *file;
  json_int_t last_end = 0;
  size_t i;

  check_documents_and_claims (root, files);
  assert_int_equal (json_array_size (json_object_get (root, "documents")), 1);
  doc = json_array_get (json_object_get (root, "documents"), 0);
  /* a file given directly keeps its base name */
  assert_string_equal (member_string (doc, "id", "document"), "002_790dc0bc9b5edaac.txt");
  file = g_hash_table_lookup (files, "002_790dc0bc9b5edaac.txt");
  json_array_foreach (json_object_get (root, "claims"), i, item)
    assert_string_equal (member_string (item, "doc", "claim"), "002_790dc0bc9b5edaac.txt");

  /* sentences: byte spans in reading order */
  v = member (doc, "sentences", "document");
  assert_true (json_is_array (v));
  assert_true (json_array_size (v) > 0);
  json_array_foreach (v, i, item)
    {
      json_int_t start = member_offset (item, "start", "sentence");
      json_int_t end = member_offset (item, "end", "sentence");
      assert_true (start < end);
      assert_true (start >= last_end);
      assert_true ((gsize) end <= g_bytes_get_size (file));
      last_end = end;
    }

  /* timexes: TimeML type and value, the text is the file's bytes */
  v = member (doc, "timexes", "document");
  assert_true (json_is_array (v));
  assert_true (json_array_size (v) > 0);
  json_array_foreach (v, i, item)
    {
      const char *type = member_string (item, "type", "timex");
      if (!one_of (type, types))
        fail_msg ("timexes[%zu].type: unknown \"%s\"", i, type);
      member_string (item, "value", "timex");
      assert_span_text (file, member_offset (item, "start", "timex"), member_offset (item, "end", "timex"),
                        member_string (item, "text", "timex"), "timex");
    }
  json_decref (root);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_contract),
    cmocka_unit_test (test_rows_from_several_documents),
    cmocka_unit_test (test_begin_date_agrees),
    cmocka_unit_test (test_target_warning),
    cmocka_unit_test (test_deterministic_copies),
    cmocka_unit_test (test_extract_one_file),
  };

  /* The rules the command line finds under `make unit`, also when run by
   * hand from the source tree. */
  if (g_getenv ("XREF_RULES") == NULL)
    {
      g_autofree char *rules = test_path ("rules");
      g_setenv ("XREF_RULES", rules, TRUE);
    }
  return cmocka_run_group_tests (tests, setup_corpus, teardown_corpus);
}
