/* Unit tests of the ingest stage: the corpus walk (order, dot-folders,
 * FIFOs, symlink loops, manifest), reading articles (front matter, UTF-8
 * repair, binary files, CRLF and BOM, datelines, boilerplate, headings)
 * on the seed corpus and on the hostile files of tests/bad-input/. */
#include "test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "xref/ingest.h"

static XrefRules *rules;

static int
setup_rules (void **state)
{
  rules = test_load_default_rules ();
  return 0;
}

static int
teardown_rules (void **state)
{
  g_clear_pointer (&rules, xref_rules_free);
  return 0;
}

/* ---- helpers -------------------------------------------------------------- */

/* Captures what xref_warn prints on stderr between begin and end. */
typedef struct {
  int saved;
  char *path;
} Capture;

static void
capture_begin (Capture *c)
{
  int fd;

  fflush (stderr);
  c->path = g_build_filename (g_get_tmp_dir (), "xref-test-ingest-stderr-XXXXXX", NULL);
  fd = g_mkstemp (c->path);
  assert_true (fd >= 0);
  c->saved = dup (STDERR_FILENO);
  dup2 (fd, STDERR_FILENO);
  close (fd);
}

static char *
capture_end (Capture *c)
{
  char *out = NULL;

  fflush (stderr);
  dup2 (c->saved, STDERR_FILENO);
  close (c->saved);
  assert_true (g_file_get_contents (c->path, &out, NULL, NULL));
  g_unlink (c->path);
  g_free (c->path);
  return out;
}

static void
write_file (const char *dir, const char *rel, const char *data, gssize len)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (parent, 0755);
  g_file_set_contents (path, data, len, &error);
  assert_no_error (error);
}

/* Removes a temporary tree (no symlinks are followed). */
static void
rm_tree (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      GDir *d = g_dir_open (path, 0, NULL);
      const char *name;
      if (d != NULL)
        {
          while ((name = g_dir_read_name (d)) != NULL)
            {
              g_autofree char *child = g_build_filename (path, name, NULL);
              rm_tree (child);
            }
          g_dir_close (d);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* All region texts joined by "\n", and all heading texts. */
static char *
regions_text (const XrefDocument *doc, GArray *spans)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < spans->len; i++)
    {
      const XrefSpan *sp = &g_array_index (spans, XrefSpan, i);
      if (i > 0)
        g_string_append_c (s, '\n');
      g_string_append_len (s, doc->text + sp->start, (gssize) (sp->end - sp->start));
    }
  return g_string_free (s, FALSE);
}

/* Spans are in order, disjoint, inside the text, and regions never hold
 * a heading. */
static void
assert_spans_sane (const XrefDocument *doc)
{
  gsize last = 0;
  GArray *arrays[2] = { doc->regions, doc->headings };

  for (int a = 0; a < 2; a++)
    {
      last = 0;
      for (guint i = 0; i < arrays[a]->len; i++)
        {
          const XrefSpan *s = &g_array_index (arrays[a], XrefSpan, i);
          assert_true (s->start < s->end);
          assert_true (s->end <= doc->len);
          assert_true (s->start >= last);
          last = s->end;
        }
    }
  for (guint i = 0; i < doc->regions->len; i++)
    for (guint j = 0; j < doc->headings->len; j++)
      {
        const XrefSpan *r = &g_array_index (doc->regions, XrefSpan, i);
        const XrefSpan *h = &g_array_index (doc->headings, XrefSpan, j);
        assert_true (r->end <= h->start || h->end <= r->start);
      }
}

static XrefDocument *
ingest_seed (const char *name)
{
  g_autofree char *dir = test_path ("corpus");
  const char *paths[1] = { dir };
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefCorpus) corpus = xref_corpus_open (paths, 1, &error);
  XrefDocument *doc = NULL;

  assert_no_error (error);
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      if (g_str_has_prefix (f->id, name))
        {
          doc = xref_ingest_file (f, g_hash_table_lookup (corpus->manifest, f->id), rules, &error);
          assert_no_error (error);
        }
    }
  assert_non_null (doc);
  assert_spans_sane (doc);
  return doc;
}

static XrefDocument *
ingest_string (const char *id, const char *text, gsize len, char **warnings)
{
  g_autoptr (GError) error = NULL;
  Capture c;
  XrefDocument *doc;

  capture_begin (&c);
  doc = xref_ingest_bytes (id, text, len, NULL, rules, &error);
  *warnings = capture_end (&c);
  assert_no_error (error);
  assert_non_null (doc);
  assert_int_equal (doc->len, len);
  assert_spans_sane (doc);
  return doc;
}

/* ---- document ------------------------------------------------------------- */

static void
test_document_new (void **state)
{
  g_autoptr (XrefDocument) doc = xref_document_new ("a/b.txt", "/tmp/a/b.txt");

  assert_string_equal (doc->id, "a/b.txt");
  assert_string_equal (doc->path, "/tmp/a/b.txt");
  assert_int_equal (doc->date_basis, XREF_DATE_BASIS_NONE);
  assert_int_equal (doc->regions->len, 0);
  assert_int_equal (doc->headings->len, 0);
  assert_int_equal (doc->tokens->len, 0);
  assert_int_equal (doc->sentences->len, 0);
  assert_int_equal (doc->timexes->len, 0);
  assert_int_equal (doc->claims->len, 0);
  assert_int_equal (g_array_get_element_size (doc->regions), sizeof (XrefSpan));
  assert_int_equal (g_array_get_element_size (doc->tokens), sizeof (XrefToken));
  assert_string_equal (xref_date_basis_name (XREF_DATE_BASIS_NONE), "none");
  assert_string_equal (xref_date_basis_name (XREF_DATE_BASIS_METADATA), "metadata");
  assert_string_equal (xref_date_basis_name (XREF_DATE_BASIS_DATELINE), "dateline");
  assert_string_equal (xref_date_basis_name (XREF_DATE_BASIS_INFERRED), "inferred");
  xref_document_free (NULL);
}

/* ---- the walk ------------------------------------------------------------- */

static void
test_walk_order (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-walk-XXXXXX", &error);
  const char *paths[1];
  g_autoptr (XrefCorpus) corpus = NULL;
  static const char *const expect[] = { "B.txt", "a.md", "a.txt", "b/c.html", "b/d/e.htm", "b/x.markdown",
                                        "b_.txt", "z.TXT" };

  assert_no_error (error);
  write_file (root, "a.txt", "a", -1);
  write_file (root, "a.md", "a", -1);
  write_file (root, "B.txt", "b", -1);
  write_file (root, "b_.txt", "b", -1);
  write_file (root, "z.TXT", "z", -1);
  write_file (root, "b/c.html", "c", -1);
  write_file (root, "b/x.markdown", "x", -1);
  write_file (root, "b/d/e.htm", "e", -1);
  write_file (root, "notes.pdf", "%PDF-", -1);        /* not an article name */
  write_file (root, "README", "r", -1);
  write_file (root, ".hidden.txt", "h", -1);          /* dot-file */
  write_file (root, ".xref/rules/x.txt", "r", -1);    /* dot-folder */
  write_file (root, "b/.git/y.txt", "g", -1);
  write_file (root, "manifest.yaml", "documents: {}\n", -1);

  paths[0] = root;
  corpus = xref_corpus_open (paths, 1, &error);
  assert_no_error (error);
  assert_int_equal (corpus->files->len, G_N_ELEMENTS (expect));
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autofree char *path = g_build_filename (root, expect[i], NULL);
      assert_string_equal (f->id, expect[i]);
      assert_string_equal (f->path, path);
    }
  rm_tree (root);
}

static void
test_walk_file_given (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *seed = test_path ("corpus/002_790dc0bc9b5edaac.txt");
  const char *paths[1] = { seed };
  g_autoptr (XrefCorpus) corpus = xref_corpus_open (paths, 1, &error);
  const XrefCorpusFile *f;
  const XrefMeta *m;

  assert_no_error (error);
  assert_int_equal (corpus->files->len, 1);
  f = g_ptr_array_index (corpus->files, 0);
  assert_string_equal (f->id, "002_790dc0bc9b5edaac.txt");
  assert_string_equal (f->path, seed);
  /* the manifest beside a file given directly is read */
  m = g_hash_table_lookup (corpus->manifest, f->id);
  assert_non_null (m);
  assert_string_equal (m->outlet, "TASS");
  assert_null (f->root_fd);   /* given directly: opened by its path */
}

/* Files found under a folder open below the descriptor the walk kept on
 * it (their id is their path below it): they still read once the
 * folder's path has changed; a file given directly opens by path. */
static void
test_walk_root_fd (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-rootfd-XXXXXX", &error);
  g_autofree char *moved = g_strconcat (root, "-moved", NULL);
  const char *paths[1] = { root };
  g_autoptr (XrefCorpus) corpus = NULL;

  assert_no_error (error);
  write_file (root, "a.txt", "First article.\n", -1);
  write_file (root, "sub/b.txt", "Second article.\n", -1);
  corpus = xref_corpus_open (paths, 1, &error);
  assert_no_error (error);
  assert_int_equal (corpus->files->len, 2);
  assert_int_equal (g_rename (root, moved), 0);
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autoptr (GError) e2 = NULL;
      g_autoptr (XrefDocument) doc = NULL;

      assert_non_null (f->root_fd);
      /* each opens below its own folder's descriptor, by its base name */
      assert_string_equal (f->name, i == 0 ? "a.txt" : "b.txt");
      assert_ptr_equal (f->name, f->id + (i == 0 ? 0 : 4));
      if (i == 1)
        assert_int_not_equal (*f->root_fd,
                              *((const XrefCorpusFile *) g_ptr_array_index (corpus->files, 0))->root_fd);
      doc = xref_ingest_file (f, NULL, rules, &e2);
      assert_no_error (e2);
      assert_non_null (doc);
      assert_string_equal (doc->text, i == 0 ? "First article.\n" : "Second article.\n");
      assert_string_equal (doc->path, f->path);   /* the path stays the one walked */
    }
  rm_tree (moved);
}

/* Files are read in one call up to 64 KiB and in two past it (read_whole
 * asks for the size only then): every size around that line reads whole,
 * below the walk's descriptor and by path alike. */
static void
test_ingest_file_sizes (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-sizes-XXXXXX", &error);
  const gsize sizes[] = { 0, 1, 4096, 65535, 65536, 65537, 131073, 200001 };
  const char *paths[1] = { root };
  g_autoptr (XrefCorpus) corpus = NULL;
  GString *data[G_N_ELEMENTS (sizes)];

  assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u.txt", i);
      data[i] = g_string_new (NULL);
      for (gsize k = 0; k < sizes[i]; k++)
        g_string_append_c (data[i], (k + i) % 61 == 60 ? '\n' : (char) ('a' + (k * 7 + i) % 26));
      write_file (root, name, data[i]->str, (gssize) data[i]->len);
    }
  corpus = xref_corpus_open (paths, 1, &error);
  assert_no_error (error);
  assert_int_equal (corpus->files->len, G_N_ELEMENTS (sizes));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint by_path = 0; by_path < 2; by_path++)
      {
        XrefCorpusFile f = *(const XrefCorpusFile *) g_ptr_array_index (corpus->files, i);
        g_autoptr (GError) e2 = NULL;
        g_autoptr (XrefDocument) doc = NULL;

        if (by_path)
          f.root_fd = NULL;
        else
          assert_non_null (f.root_fd);
        doc = xref_ingest_file (&f, NULL, rules, &e2);
        assert_no_error (e2);
        assert_non_null (doc);
        assert_int_equal (doc->len, sizes[i]);
        assert_memory_equal (doc->text, data[i]->str, sizes[i] + 1);
      }
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_string_free (data[i], TRUE);
  rm_tree (root);
  (void) state;
}

static void
test_walk_missing (void **state)
{
  g_autoptr (GError) error = NULL;
  const char *paths[1] = { "/nonexistent/xref/corpus" };
  XrefCorpus *corpus = xref_corpus_open (paths, 1, &error);

  assert_null (corpus);
  assert_non_null (error);
  assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_INPUT));
  assert_non_null (strstr (error->message, "/nonexistent/xref/corpus"));
}

static void
on_alarm (int sig)
{
  (void) sig;
  fprintf (stderr, "test-ingest: the walk blocked on a FIFO\n");
  _exit (1);
}

static void
test_walk_specials (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-special-XXXXXX", &error);
  g_autofree char *fifo = g_build_filename (root, "pipe.txt", NULL);
  g_autofree char *loop = g_build_filename (root, "sub/loop", NULL);
  g_autofree char *link = g_build_filename (root, "sub/link.txt", NULL);
  g_autofree char *dangling = g_build_filename (root, "sub/dangling.txt", NULL);
  g_autofree char *warnings = NULL;
  const char *paths[1] = { root };
  g_autoptr (XrefCorpus) corpus = NULL;
  Capture c;

  assert_no_error (error);
  write_file (root, "real.txt", "real", -1);
  write_file (root, "sub/inner.txt", "inner", -1);
  assert_int_equal (mkfifo (fifo, 0644), 0);
  assert_int_equal (symlink ("..", loop), 0);            /* sub/loop → root: a loop */
  assert_int_equal (symlink ("../real.txt", link), 0);   /* followed */
  assert_int_equal (symlink ("nowhere.txt", dangling), 0);

  signal (SIGALRM, on_alarm);
  alarm (10);
  capture_begin (&c);
  corpus = xref_corpus_open (paths, 1, &error);
  warnings = capture_end (&c);
  alarm (0);

  assert_no_error (error);
  assert_int_equal (corpus->files->len, 3);
  assert_string_equal (((XrefCorpusFile *) g_ptr_array_index (corpus->files, 0))->id, "real.txt");
  assert_string_equal (((XrefCorpusFile *) g_ptr_array_index (corpus->files, 1))->id, "sub/inner.txt");
  assert_string_equal (((XrefCorpusFile *) g_ptr_array_index (corpus->files, 2))->id, "sub/link.txt");
  assert_non_null (strstr (warnings, "pipe.txt: a FIFO, skipped"));
  assert_non_null (strstr (warnings, "loop: symlink loop"));
  assert_non_null (strstr (warnings, "dangling.txt: broken symlink"));

  /* reading a FIFO directly fails at once instead of blocking */
  {
    XrefCorpusFile f = { (char *) "pipe.txt", fifo, NULL, NULL };
    g_autoptr (GError) e2 = NULL;
    alarm (10);
    XrefDocument *doc = xref_ingest_file (&f, NULL, rules, &e2);
    alarm (0);
    assert_null (doc);
    assert_true (g_error_matches (e2, XREF_ERROR, XREF_ERROR_INPUT));
  }
  rm_tree (root);
}

static void
test_walk_unreadable (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *closed = NULL;
  g_autofree char *warnings = NULL;
  const char *paths[1];
  g_autoptr (XrefCorpus) corpus = NULL;
  Capture c;

  if (geteuid () == 0)
    skip ();   /* root reads everything */
  root = g_dir_make_tmp ("xref-test-unreadable-XXXXXX", &error);
  assert_no_error (error);
  write_file (root, "ok.txt", "ok", -1);
  write_file (root, "secret.txt", "s", -1);
  write_file (root, "closed/x.txt", "x", -1);
  secret = g_build_filename (root, "secret.txt", NULL);
  closed = g_build_filename (root, "closed", NULL);
  g_chmod (secret, 0);
  g_chmod (closed, 0);

  paths[0] = root;
  capture_begin (&c);
  corpus = xref_corpus_open (paths, 1, &error);
  warnings = capture_end (&c);
  assert_no_error (error);

  /* the walk lists the unreadable file (it asks nothing of a regular
   * file); reading it gives the "cannot read" that run.c warns of */
  assert_int_equal (corpus->files->len, 2);
  assert_string_equal (((XrefCorpusFile *) g_ptr_array_index (corpus->files, 1))->id, "secret.txt");
  {
    g_autoptr (GError) e2 = NULL;
    XrefDocument *doc = xref_ingest_file (g_ptr_array_index (corpus->files, 1), NULL, NULL, &e2);
    assert_null (doc);
    assert_true (g_error_matches (e2, XREF_ERROR, XREF_ERROR_INPUT));
    assert_true (g_str_has_prefix (e2->message, "cannot read: "));
  }
  g_chmod (closed, 0755);
  g_chmod (secret, 0644);

  assert_null (strstr (warnings, "secret.txt"));
  assert_non_null (strstr (warnings, "closed: cannot read folder"));
  rm_tree (root);
}


/* A tree deeper than the folders the walk keeps open (it reads the deeper
 * ones by path): the same articles, ids and warnings at every depth. */
static void
test_walk_deep (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-deep-XXXXXX", &error);
  g_autoptr (GString) rel = g_string_new (NULL);
  g_autofree char *warnings = NULL;
  const char *paths[1] = { root };
  g_autoptr (XrefCorpus) corpus = NULL;
  const guint depth = 48;
  Capture c;

  assert_no_error (error);
  for (guint d = 0; d < depth; d++)
    {
      g_autofree char *file = g_strdup_printf ("%s%sa.txt", rel->str, rel->len > 0 ? "/" : "");
      g_autofree char *other = g_strdup_printf ("%s%snotes.pdf", rel->str, rel->len > 0 ? "/" : "");
      g_autofree char *loop = g_build_filename (root, rel->str, "up", NULL);
      g_autofree char *link = g_build_filename (root, rel->str, "link.md", NULL);
      g_autofree char *fifo = g_build_filename (root, rel->str, "pipe.txt", NULL);

      write_file (root, file, "An article.\n", -1);
      write_file (root, other, "%PDF-", -1);   /* not an article name */
      if (d == 1 || d == depth - 2)
        {
          assert_int_equal (symlink ("..", loop), 0);
          assert_int_equal (symlink ("a.txt", link), 0);
          assert_int_equal (mkfifo (fifo, 0644), 0);
        }
      g_string_append_printf (rel, "%sd%u", rel->len > 0 ? "/" : "", d);
    }

  signal (SIGALRM, on_alarm);
  alarm (10);
  capture_begin (&c);
  corpus = xref_corpus_open (paths, 1, &error);
  warnings = capture_end (&c);
  alarm (0);

  assert_no_error (error);
  /* an a.txt per level, a link.md at two */
  assert_int_equal (corpus->files->len, depth + 2);
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autofree char *path = g_build_filename (root, f->id, NULL);
      assert_string_equal (f->path, path);
      assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  static const char *const expect[] = { "up: symlink loop, folder skipped", "pipe.txt: a FIFO, skipped" };
  for (guint k = 0; k < G_N_ELEMENTS (expect); k++)
    {
      const char *p = warnings;
      guint n = 0;
      while ((p = strstr (p, expect[k])) != NULL)
        n++, p++;
      assert_int_equal (n, 2);
    }
  rm_tree (root);
}

/* 10,000 small files in 100 folders: all found, in byte order, and each
 * one reads as an article. */
static void
test_walk_many (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-many-XXXXXX", &error);
  const char *paths[1];
  g_autoptr (XrefCorpus) corpus = NULL;

  assert_no_error (error);
  for (guint d = 0; d < 100; d++)
    for (guint f = 0; f < 100; f++)
      {
        g_autofree char *rel = g_strdup_printf ("d%02u/a%03u.txt", 99 - d, f);
        g_autofree char *body = g_strdup_printf ("Article %u of folder %u. It is short.\n", f, d);
        write_file (root, rel, body, -1);
      }
  paths[0] = root;
  corpus = xref_corpus_open (paths, 1, &error);
  assert_no_error (error);
  assert_int_equal (corpus->files->len, 10000);
  for (guint i = 1; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *a = g_ptr_array_index (corpus->files, i - 1);
      const XrefCorpusFile *b = g_ptr_array_index (corpus->files, i);
      assert_true (strcmp (a->id, b->id) < 0);
    }
  assert_string_equal (((XrefCorpusFile *) g_ptr_array_index (corpus->files, 0))->id, "d00/a000.txt");
  assert_string_equal (((XrefCorpusFile *) g_ptr_array_index (corpus->files, 9999))->id, "d99/a099.txt");
  for (guint i = 0; i < corpus->files->len; i += 97)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autoptr (XrefDocument) doc = xref_ingest_file (f, NULL, rules, &error);
      assert_no_error (error);
      assert_int_equal (doc->regions->len, 1);
      assert_true (g_str_has_prefix (doc->text, "Article "));
    }
  rm_tree (root);
}

/* The first folders with articles keep a descriptor each for their
 * files (opened by base name); past WALK_MAX_FILE_DIRS (256) descriptors
 * the files open below the root's by their id; every file reads. */
static void
test_walk_folder_fds (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-folders-XXXXXX", &error);
  const char *paths[1];
  g_autoptr (XrefCorpus) corpus = NULL;
  guint by_base = 0, by_id = 0;

  assert_no_error (error);
  for (guint d = 0; d < 300; d++)
    {
      g_autofree char *rel = g_strdup_printf ("f%03u/a.txt", d);
      g_autofree char *body = g_strdup_printf ("Article of folder %u.\n", d);
      write_file (root, rel, body, -1);
    }
  paths[0] = root;
  corpus = xref_corpus_open (paths, 1, &error);
  assert_no_error (error);
  assert_int_equal (corpus->files->len, 300);
  assert_true (corpus->root_fds->len <= 256);
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autofree char *want = g_strdup_printf ("Article of folder %u.\n", i);
      g_autoptr (XrefDocument) doc = NULL;

      assert_non_null (f->root_fd);
      if (f->name == f->id)
        {
          assert_ptr_equal (f->root_fd, g_ptr_array_index (corpus->root_fds, 0));
          by_id++;
        }
      else
        {
          assert_string_equal (f->name, "a.txt");
          by_base++;
        }
      doc = xref_ingest_file (f, NULL, rules, &error);
      assert_no_error (error);
      assert_string_equal (doc->text, want);
    }
  assert_int_equal (by_base, corpus->root_fds->len - 1);
  assert_int_equal (by_id, 300 - by_base);
  rm_tree (root);
}

/* ---- reading ahead (ingest-ahead.c) ---- */

/* A corpus of n small articles in root (n / 100 folders). */
static XrefCorpus *
ahead_corpus (const char *root, guint n)
{
  g_autoptr (GError) error = NULL;
  const char *paths[] = { root };
  XrefCorpus *corpus;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *rel = g_strdup_printf ("d%02u/a%04u.txt", i / 100, i);
      g_autofree char *body = g_strdup_printf ("Article %u. It is short.\n", i);
      write_file (root, rel, body, -1);
    }
  corpus = xref_corpus_open (paths, 1, &error);
  assert_no_error (error);
  assert_int_equal (corpus->files->len, n);
  return corpus;
}

/* Waits (at most about 60 s: a hang guard, not a measure) until the
 * thread has probed want files; returns its counts. */
static XrefReadAheadCounts
ahead_settle (XrefReadAhead *ra, guint want)
{
  XrefReadAheadCounts c = { 0 };

  for (guint t = 0; t < 60000; t++)
    {
      xref_read_ahead_counts (ra, &c);
      if (c.probed >= want)
        break;
      g_usleep (1000);
    }
  assert_int_equal (c.probed, want);
  return c;
}

/* The window: reading ahead of every file, the thread probes the 64 files
 * past the workers and no more until they take half of them; a worker
 * taking the index half way wakes it for the next files.  With shards it
 * probes only its own.  Sampling (AUTO) on files just written, so cached,
 * it probes one file in 64 and reads none ahead.  OFF makes no thread. */
static void
test_read_ahead_window (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-ahead-XXXXXX", &error);
  g_autoptr (XrefCorpus) corpus = NULL;
  XrefReadAheadCounts c;
  XrefReadAhead *ra;
  gint next = 0;

  assert_no_error (error);
  corpus = ahead_corpus (root, 1000);

  ra = xref_read_ahead_start (corpus, &next, 0, 1, XREF_READ_AHEAD_ALWAYS);
  assert_non_null (ra);
  ahead_settle (ra, 64);
  /* a worker takes index 10: not half way, nothing more */
  g_atomic_int_set (&next, 11);
  xref_read_ahead_taken (ra, 10);
  /* then 32: the thread reads on to 64 past the next index (33) */
  g_atomic_int_set (&next, 33);
  xref_read_ahead_taken (ra, 32);
  c = ahead_settle (ra, 97);
  assert_int_equal (c.missed, 0);   /* just written: in the page cache */
  xref_read_ahead_stop (ra, &c);
  assert_int_equal (c.probed, 97);

  /* shard 1 of 2: the odd files of the window only */
  next = 0;
  ra = xref_read_ahead_start (corpus, &next, 1, 2, XREF_READ_AHEAD_ALWAYS);
  ahead_settle (ra, 32);
  xref_read_ahead_stop (ra, &c);
  assert_int_equal (c.probed, 32);

  /* sampling: files 0, 64, 128 and 192 of the window of 256 */
  ra = xref_read_ahead_start (corpus, &next, 0, 1, XREF_READ_AHEAD_AUTO);
  ahead_settle (ra, 4);
  /* the workers past the end: the thread finishes by itself */
  g_atomic_int_set (&next, 1000);
  xref_read_ahead_taken (ra, 999);
  xref_read_ahead_stop (ra, &c);
  assert_true (c.probed >= 4 && c.probed <= 4 + 1000 / 64);
  assert_int_equal (c.missed, 0);
  assert_int_equal (c.ahead, 0);

  /* workers already past every file: nothing to probe */
  ra = xref_read_ahead_start (corpus, &next, 0, 1, XREF_READ_AHEAD_ALWAYS);
  xref_read_ahead_stop (ra, &c);
  assert_int_equal (c.probed, 0);

  assert_null (xref_read_ahead_start (corpus, &next, 0, 1, XREF_READ_AHEAD_OFF));
  xref_read_ahead_stop (NULL, &c);
  assert_int_equal (c.probed, 0);
  xref_read_ahead_counts (NULL, &c);
  assert_int_equal (c.ahead, 0);
  rm_tree (root);
  (void) state;
}

/* Whether the first page of path is in the page cache (mincore on a
 * mapping that is never touched, so asking reads nothing): 1 yes, 0 no,
 * -1 cannot tell. */
static int
cached (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  unsigned char vec = 0;
  void *p;
  int ret = -1;

  if (fd < 0)
    return -1;
  p = mmap (NULL, 1, PROT_READ, MAP_SHARED, fd, 0);
  if (p != MAP_FAILED)
    {
      ret = mincore (p, 1, &vec) == 0 ? (vec & 1) : -1;
      munmap (p, 1);
    }
  close (fd);
  return ret;
}

/* Whether the file system of folder dir answers RWF_NOWAIT reads (on a
 * file just written, so cached). */
static gboolean
nowait_reads (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "nowait.dat", NULL);
  char byte;
  struct iovec iov = { &byte, 1 };
  ssize_t r = -1;
  int fd;

  write_file (dir, "nowait.dat", "x", 1);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      r = preadv2 (fd, &iov, 1, 0, RWF_NOWAIT);
      close (fd);
    }
  g_unlink (path);
  return r == 1;
}

/* Drops path's pages from the page cache (written to the disk first). */
static void
evict (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  assert_true (fd >= 0);
  assert_int_equal (fsync (fd), 0);
  (void) posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  close (fd);
}

/* A cold corpus: the files are put out of the page cache; sampling
 * (AUTO) finds the first one cold, goes back to the workers' position and
 * starts the reads of the window's files; the files then read as written.
 * Skipped where the file system keeps every file in memory (tmpfs) or
 * cannot say (no RWF_NOWAIT). */
static void
test_read_ahead_cold (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-ahead-cold-XXXXXX", &error);
  g_autoptr (XrefCorpus) corpus = NULL;
  XrefReadAheadCounts c;
  XrefReadAhead *ra;
  gint next = 0;
  guint evicted = 0;

  assert_no_error (error);
  corpus = ahead_corpus (root, 300);
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      /* (a page still being written back stays: asked again) */
      for (guint k = 0; k < 5 && cached (f->path) != 0; k++)
        evict (f->path);
      evicted += cached (f->path) == 0;
    }
  if (evicted < 300 || cached (((XrefCorpusFile *) g_ptr_array_index (corpus->files, 0))->path) != 0
      || !nowait_reads (root))
    {
      /* (skip () does not return: nothing may be left to free) */
      rm_tree (root);
      g_clear_pointer (&root, g_free);
      g_clear_pointer (&corpus, xref_corpus_free);
      print_message ("(no page cache to leave here, or no RWF_NOWAIT: %u of 300 files out of it)\n", evicted);
      skip ();
    }
  ra = xref_read_ahead_start (corpus, &next, 0, 1, XREF_READ_AHEAD_AUTO);
  /* the sample (file 0), then the window from the workers (0 .. 63) */
  c = ahead_settle (ra, 65);
  xref_read_ahead_stop (ra, &c);
  assert_true (c.missed >= 1);
  assert_true (c.ahead >= c.missed);
  /* and the files read as they would without it */
  for (guint i = 0; i < 64; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autoptr (XrefDocument) doc = xref_ingest_file (f, NULL, rules, &error);
      g_autofree char *want = g_strdup_printf ("Article %u. It is short.\n", i);
      assert_no_error (error);
      assert_string_equal (doc->text, want);
    }
  rm_tree (root);
  (void) state;
}

/* A 20 MB article: read whole, every paragraph a region, offsets into
 * the file. */
static void
test_large_file (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-large-XXXXXX", &error);
  g_autofree char *path = NULL;
  GString *s = g_string_sized_new (21u * 1024u * 1024u);
  guint paras = 0;
  g_autoptr (XrefDocument) doc = NULL;

  assert_no_error (error);
  while (s->len < 20u * 1024u * 1024u)
    {
      g_string_append_printf (s, "Paragraph %u says that the talks went on. It ends here.\n\n", paras);
      paras++;
    }
  write_file (root, "big.txt", s->str, (gssize) s->len);
  path = g_build_filename (root, "big.txt", NULL);
  {
    XrefCorpusFile f = { (char *) "big.txt", path, NULL, NULL };
    doc = xref_ingest_file (&f, NULL, rules, &error);
  }
  assert_no_error (error);
  assert_int_equal (doc->len, s->len);
  assert_int_equal (doc->regions->len, paras);
  {
    const XrefSpan *last = &g_array_index (doc->regions, XrefSpan, paras - 1);
    g_autofree char *expect = g_strdup_printf ("Paragraph %u says", paras - 1);
    assert_int_equal (memcmp (doc->text + last->start, expect, strlen (expect)), 0);
    assert_int_equal (last->end, s->len - 2);
  }
  g_string_free (s, TRUE);
  rm_tree (root);
}


static void
assert_spans_equal (const GArray *a, const GArray *b)
{
  assert_int_equal (a->len, b->len);
  if (a->len > 0)
    assert_memory_equal (a->data, b->data, a->len * sizeof (XrefSpan));
}

/* ingest keeps its line array and token scratch from one document to the
 * next on a thread (and lets a large document's go): a document reads the
 * same after documents of other shapes as on a fresh thread. */
static gpointer
ingest_on_thread (gpointer data)
{
  const char *text = data;
  g_autoptr (GError) error = NULL;
  XrefDocument *doc = xref_ingest_bytes ("a.md", text, strlen (text), NULL, rules, &error);

  g_assert_no_error (error);
  return doc;
}

static void
test_ingest_scratch_reuse (void **state)
{
  const char *text = "# A heading\n\nWASHINGTON, Dec. 21 (TASS) - First paragraph here.\n"
                     "Second line of it.\n\nWhat next?\n\nLast paragraph.\n";
  g_autoptr (XrefDocument) fresh = g_thread_join (g_thread_new ("fresh", ingest_on_thread, (gpointer) text));
  GString *other = g_string_new (NULL);

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (XrefDocument) o = NULL;
      g_autoptr (XrefDocument) again = NULL;

      /* many short lines, then one line with many tokens, then a document
       * past SCRATCH_KEEP (1 MiB) whose arrays are let go */
      g_string_truncate (other, 0);
      for (guint i = 0; other->len < (round == 2 ? 2u << 20 : 20000u); i++)
        g_string_append_printf (other, round == 1 ? "w%u " : "Line %u.\n", i);
      o = xref_ingest_bytes ("o.md", other->str, other->len, NULL, rules, &error);
      assert_no_error (error);
      again = xref_ingest_bytes ("a.md", text, strlen (text), NULL, rules, &error);
      assert_no_error (error);
      assert_spans_equal (fresh->regions, again->regions);
      assert_spans_equal (fresh->headings, again->headings);
      assert_string_equal (fresh->text, again->text);
      assert_int_equal (g_strcmp0 (fresh->place, again->place), 0);
    }
  g_string_free (other, TRUE);
}

/* A very long line (1 MB, no line break): one region, no warning, and
 * the boilerplate rules are not run on it. */
static void
test_long_line (void **state)
{
  GString *s = g_string_new (NULL);
  g_autofree char *w = NULL;

  while (s->len < 1024u * 1024u)
    g_string_append (s, "The talks went on, and on. ");
  g_autoptr (XrefDocument) doc = ingest_string ("long.txt", s->str, s->len, &w);
  assert_string_equal (w, "");
  assert_int_equal (doc->regions->len, 1);
  assert_int_equal (g_array_index (doc->regions, XrefSpan, 0).end, s->len - 1);
  g_string_free (s, TRUE);
}

/* ---- manifest ------------------------------------------------------------- */

static void
test_manifest (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-manifest-XXXXXX", &error);
  const char *paths[1] = { root };
  g_autoptr (XrefCorpus) corpus = NULL;
  const XrefMeta *m;

  assert_no_error (error);
  write_file (root, "a.txt", "WASHINGTON (AP) — Officials said so.\n", -1);
  write_file (root, "sub/b.txt", "---\noutlet: Front\n---\nText here.\n", -1);
  write_file (root, "manifest.yaml",
              "documents:\n"
              "  a.txt:\n"
              "    outlet: The Daily\n"
              "    date: 2022-12-21\n"
              "    place: Kyiv\n"
              "    title: A title\n"
              "    url: https://example.org/a\n"
              "    author: A. Writer\n"
              "  sub/b.txt:\n"
              "    outlet: Manifest\n"
              "    author: Somebody\n"
              "  c.txt: {}\n",
              -1);
  corpus = xref_corpus_open (paths, 1, &error);
  assert_no_error (error);
  assert_int_equal (g_hash_table_size (corpus->manifest), 3);
  m = g_hash_table_lookup (corpus->manifest, "a.txt");
  assert_non_null (m);
  assert_string_equal (m->outlet, "The Daily");
  assert_string_equal (m->place, "Kyiv");
  assert_string_equal (m->title, "A title");
  assert_string_equal (m->url, "https://example.org/a");
  assert_string_equal (m->author, "A. Writer");
  assert_int_equal (m->date.year, 2022);
  assert_int_equal (m->date.month, 12);
  assert_int_equal (m->date.day, 21);
  m = g_hash_table_lookup (corpus->manifest, "c.txt");
  assert_non_null (m);
  assert_null (m->outlet);

  /* manifest metadata wins over the dateline; it fills what the front
   * matter leaves open and overrides nothing the front matter gives */
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autoptr (XrefDocument) doc =
        xref_ingest_file (f, g_hash_table_lookup (corpus->manifest, f->id), rules, &error);
      assert_no_error (error);
      if (strcmp (f->id, "a.txt") == 0)
        {
          assert_string_equal (doc->outlet, "The Daily");
          assert_string_equal (doc->place, "Kyiv");
          assert_int_equal (doc->date_basis, XREF_DATE_BASIS_METADATA);
          assert_string_equal (xref_date_to_iso (&doc->date), "2022-12-21");
        }
      else
        {
          assert_string_equal (f->id, "sub/b.txt");
          assert_string_equal (doc->outlet, "Front");
          assert_string_equal (doc->author, "Somebody");
        }
    }
  rm_tree (root);
}

static void
test_manifest_invalid (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-badmanifest-XXXXXX", &error);
  g_autofree char *manifest = g_build_filename (root, "manifest.yaml", NULL);
  g_autofree char *warnings = NULL;
  g_autofree char *expect = NULL;
  const char *paths[1] = { root };
  g_autoptr (XrefCorpus) corpus = NULL;
  Capture c;

  assert_no_error (error);
  write_file (root, "a.txt", "Text.\n", -1);
  write_file (root, "manifest.yaml", "documents:\n  a.txt:\n    outlet: [unclosed\n", -1);
  capture_begin (&c);
  corpus = xref_corpus_open (paths, 1, &error);
  warnings = capture_end (&c);
  assert_no_error (error);   /* a bad manifest is a warning, not an error */
  assert_int_equal (corpus->files->len, 1);
  assert_int_equal (g_hash_table_size (corpus->manifest), 0);
  expect = g_strdup_printf ("xref: warning: %s:4:1: ", manifest);
  assert_non_null (strstr (warnings, expect));
  g_clear_pointer (&corpus, xref_corpus_free);
  g_clear_pointer (&warnings, g_free);
  g_clear_pointer (&expect, g_free);

  /* well-formed YAML with bad entries: each is a warning with its place */
  write_file (root, "manifest.yaml",
              "documents:\n"
              "  a.txt:\n"
              "    date: December 21\n"
              "    colour: blue\n"
              "  b.txt: [1, 2]\n",
              -1);
  capture_begin (&c);
  corpus = xref_corpus_open (paths, 1, &error);
  warnings = capture_end (&c);
  assert_no_error (error);
  expect = g_strdup_printf ("%s:3:11: date 'December 21' is not YYYY-MM-DD", manifest);
  assert_non_null (strstr (warnings, expect));
  g_free (expect);
  expect = g_strdup_printf ("%s:4:13: unknown key 'colour'", manifest);
  assert_non_null (strstr (warnings, expect));
  g_free (expect);
  expect = g_strdup_printf ("%s:5:10: metadata of 'b.txt' must be a mapping", manifest);
  assert_non_null (strstr (warnings, expect));
  assert_non_null (g_hash_table_lookup (corpus->manifest, "a.txt"));
  rm_tree (root);
}

/* ---- reading articles ----------------------------------------------------- */

static void
test_front_matter (void **state)
{
  static const char text[] = "---\n"
                             "title: \"Patriots: a test\"\n"
                             "outlet: TASS\n"
                             "date: 2022-12-21\n"
                             "layout: post\n"
                             "author: [A, B]\n"
                             "---\n"
                             "First sentence here.\n";
  g_autofree char *w = NULL;
  g_autoptr (XrefDocument) doc = ingest_string ("fm.md", text, sizeof text - 1, &w);
  const XrefSpan *r;

  assert_string_equal (w, "");
  assert_string_equal (doc->title, "Patriots: a test");
  assert_string_equal (doc->outlet, "TASS");
  assert_string_equal (doc->author, "A, B");
  assert_int_equal (doc->date_basis, XREF_DATE_BASIS_METADATA);
  assert_string_equal (xref_date_to_iso (&doc->date), "2022-12-21");
  assert_int_equal (doc->regions->len, 1);
  r = &g_array_index (doc->regions, XrefSpan, 0);
  /* offsets count from the file's first byte */
  assert_int_equal (r->start, strstr (text, "First") - text);
  assert_int_equal (r->end, strstr (text, "here.") + 5 - text);
  assert_int_equal (memcmp (doc->text, text, sizeof text - 1), 0);
}

static void
test_front_matter_bad (void **state)
{
  static const char text[] = "---\ntitle: [oops\n---\nBody text.\n";
  static const char prose[] = "---\nJust a rule, then prose.\n---\nBody.\n";
  g_autofree char *w = NULL;
  g_autofree char *w2 = NULL;
  g_autoptr (XrefDocument) doc = ingest_string ("bad.md", text, sizeof text - 1, &w);
  g_autoptr (XrefDocument) doc2 = NULL;
  g_autofree char *all = NULL;

  assert_non_null (strstr (w, "bad.md:3:1: "));
  assert_non_null (strstr (w, "front matter ignored"));
  all = regions_text (doc, doc->regions);
  assert_string_equal (all, "Body text.");

  /* text between two rules that is not a mapping is not front matter */
  doc2 = ingest_string ("prose.txt", prose, sizeof prose - 1, &w2);
  assert_string_equal (w2, "");
  g_free (all);
  all = regions_text (doc2, doc2->regions);
  assert_non_null (strstr (all, "Just a rule, then prose."));
}

/* The metadata of a document, for comparing two readings. */
static char *
meta_summary (const XrefDocument *doc, const char *warnings, gsize from)
{
  g_autoptr (GString) regions = g_string_new (NULL);
  /* regions from byte from on, counted from there */
  for (guint i = 0; i < doc->regions->len; i++)
    {
      const XrefSpan *r = &g_array_index (doc->regions, XrefSpan, i);
      if (r->start >= from)
        g_string_append_printf (regions, " %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT, r->start - from, r->end - from);
    }
  return g_strdup_printf ("outlet=%s title=%s place=%s url=%s author=%s date=%d-%d-%d basis=%d warnings=%u [%s] regions%s",
                          doc->outlet, doc->title, doc->place, doc->url, doc->author, doc->date.year, doc->date.month,
                          doc->date.day, doc->date_basis, doc->n_warnings, warnings, regions->str);
}

/* Simple front matter ("key: value" lines of plain ASCII) is read without
 * libyaml: it must give what libyaml gives.  A comment line added at the
 * end sends the same block to libyaml without changing its mapping or
 * where its values are; odd YAML (comments, quotes, folding, spaces,
 * non-ASCII, no space after the colon) goes to libyaml anyway. */
static void
test_front_matter_simple (void **state)
{
  static const char *const blocks[] = {
    "outlet: AP\ndate: 2022-12-21\n",
    "outlet: AP\noutlet: BBC\n",
    "title: O'Brien & Sons (U.K.), part 2/3 - final_cut + more\n",
    "date: 2022-12-21 10\nurl: example.org/a-b\n",
    "date: yesterday\n",
    "outlet: X\ndate: 20x\nplace: Kyiv\n",
    "layout: post\ntags: news\nauthor: Jane Doe\n",
    "outlet: AP # a comment\n",
    "outlet: 'A: B'\n",
    "title: Two  spaces\n",
    "title: Line one\n  continued\n",
    "outlet: Caf\xc3\xa9\n",
    "outlet:AP\n",
    "outlet: AP \n",
    "date: 2022-12-21T10:00:00Z\n",
    "outlet: AP\r\n",
    "outlet: AP\n\ndate: 2022-12-21\n",
    "outlet: -AP\n",
    "outlet: 2022\n",
    "Outlet: AP\n",
    "outlet: \"AP\"\n",
    "outlet: AP\n...x: y\n",
  };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      g_autofree char *fast = g_strdup_printf ("---\n%s---\nBody text here.\n", blocks[i]);
      g_autofree char *slow = g_strdup_printf ("---\n%s# end\n---\nBody text here.\n", blocks[i]);
      g_autofree char *w1 = NULL;
      g_autofree char *w2 = NULL;
      g_autoptr (XrefDocument) d1 = ingest_string ("fm.md", fast, strlen (fast), &w1);
      g_autoptr (XrefDocument) d2 = ingest_string ("fm.md", slow, strlen (slow), &w2);
      /* the bodies start after the closing fences */
      gsize body = strlen (blocks[i]) + 8;
      g_autofree char *s1 = meta_summary (d1, w1, body);
      g_autofree char *s2 = meta_summary (d2, w2, body + 6);

      if (strcmp (s1, s2) != 0)
        fail_msg ("block %u:\n%s\n%s", i, s1, s2);
    }

  /* and what libyaml gives, for a few */
  {
    static const char t[] = "---\noutlet: X\ndate: 20x\nplace: Kyiv\n---\nBody.\n";
    g_autofree char *w = NULL;
    g_autoptr (XrefDocument) doc = ingest_string ("fm.md", t, sizeof t - 1, &w);
    assert_non_null (strstr (w, "fm.md:3:7: date '20x' is not YYYY-MM-DD"));
    assert_string_equal (doc->outlet, "X");
    assert_string_equal (doc->place, "Kyiv");
  }
  {
    static const char t[] = "---\ntitle: O'Brien & Sons\ndate: 2022-12-21 10\n---\nBody.\n";
    g_autofree char *w = NULL;
    g_autoptr (XrefDocument) doc = ingest_string ("fm.md", t, sizeof t - 1, &w);
    assert_string_equal (w, "");
    assert_string_equal (doc->title, "O'Brien & Sons");
    assert_string_equal (xref_date_to_iso (&doc->date), "2022-12-21");
  }
}

/* The binary test counts bytes that are not UTF-8 in the first 8 KiB
 * alone: a character cut at 8 KiB counts, although the file is valid. */
static void
test_binary_window (void **state)
{
  g_autoptr (GString) t = g_string_new (NULL);
  g_autofree char *w = NULL;
  g_autoptr (GError) error = NULL;
  XrefDocument *doc;

  (void) state;
  while (t->len < 8191)
    g_string_append (t, t->len % 64 == 63 ? "\n" : "a");
  g_string_append (t, "\xe2\x80\x94 more text.\n");   /* an em dash across byte 8192 */
  doc = ingest_string ("w.txt", t->str, t->len, &w);
  assert_string_equal (w, "");
  xref_document_free (doc);

  /* ASCII control bytes past eight at a time: 40% of the window */
  g_string_truncate (t, 0);
  while (t->len < 4000)
    g_string_append (t, "ab\x01\x02\x03");
  doc = xref_ingest_bytes ("c.txt", t->str, t->len, NULL, rules, &error);
  assert_null (doc);
  assert_true (g_str_has_prefix (error->message, "binary file skipped (not text)"));
  g_clear_error (&error);
  /* 20%: text */
  g_string_truncate (t, 0);
  while (t->len < 4000)
    g_string_append (t, "abcd\x01");
  g_clear_pointer (&w, g_free);
  doc = ingest_string ("c.txt", t->str, t->len, &w);
  xref_document_free (doc);
}


static void
test_manifest_fills (void **state)
{
  static const char text[] = "---\noutlet: Front\n---\nWASHINGTON (Reuters) - Body text.\n";
  XrefMeta meta = { (char *) "Manifest", (char *) "Title", NULL, NULL, NULL, { 2022, 12, 28 } };
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefDocument) doc = xref_ingest_bytes ("m.txt", text, sizeof text - 1, &meta, rules, &error);

  assert_no_error (error);
  assert_string_equal (doc->outlet, "Front");       /* front matter wins */
  assert_string_equal (doc->title, "Title");        /* the manifest fills */
  assert_string_equal (doc->place, "Washington");   /* the dateline fills the rest */
  assert_int_equal (doc->date_basis, XREF_DATE_BASIS_METADATA);
  assert_string_equal (xref_date_to_iso (&doc->date), "2022-12-28");
}

static void
test_invalid_utf8 (void **state)
{
  static const char text[] = "Caf\xc3\xa9 opened.\nBad \xff\xfe bytes and a \0 NUL.\nTruncated \xe2\x80.\n";
  g_autofree char *w = NULL;
  g_autoptr (XrefDocument) doc = ingest_string ("bad-utf8.txt", text, sizeof text - 1, &w);
  gsize first = (gsize) (strchr (text, '\xff') - text);
  g_autofree char *expect = g_strdup_printf ("xref: warning: bad-utf8.txt: replaced 5 invalid UTF-8 or NUL bytes, "
                                             "the first at byte %" G_GSIZE_FORMAT "\n", first);

  assert_string_equal (w, expect);   /* exactly one warning */
  assert_int_equal (doc->n_warnings, 1);
  assert_true (g_utf8_validate (doc->text, (gssize) doc->len, NULL));
  assert_int_equal (doc->text[first], '?');
  assert_int_equal (doc->text[first + 1], '?');
  assert_int_equal (doc->text[33], ' ');   /* the NUL */
  /* everything else is the file's bytes, at the same offsets */
  assert_int_equal (memcmp (doc->text, "Caf\xc3\xa9 opened.", 13), 0);
  assert_int_equal (memcmp (doc->text + first + 2, " bytes and a ", 13), 0);
  assert_int_equal (doc->regions->len, 3);
  assert_int_equal (g_array_index (doc->regions, XrefSpan, 2).start, 40);   /* "Truncated" */
  assert_int_equal (memcmp (doc->text + 40, "Truncated ??.", 13), 0);
}

/* The repair walks ASCII eight bytes at a time and checks other characters
 * one by one: the same bytes must be replaced as by one g_utf8_validate_len
 * walk over the whole text (the reference below), wherever a bad byte
 * falls against the eight-byte steps. */
static void
test_invalid_utf8_positions (void **state)
{
  static const char *const bad[] = { "\xff", "\xc3", "\xe2\x80", "\xf0\x9f\x98", "\xed\xa0\x80", "\xc0\xaf", "\x80" };
  static const char *const good[] = { "a", "\xc3\xa9", "\xe2\x80\x94", "\xf0\x9f\x98\x80" };

  for (guint b = 0; b < G_N_ELEMENTS (bad) + 1; b++)
    for (guint lead = 0; lead < 20; lead++)
      for (guint g = 0; g < G_N_ELEMENTS (good); g++)
        {
          GString *in = g_string_new (NULL);
          g_autofree char *w = NULL;
          char *expect;
          gsize n, i = 0;

          for (guint k = 0; k < lead; k++)
            g_string_append_c (in, (char) ('a' + k % 26));
          if (b < G_N_ELEMENTS (bad))
            g_string_append (in, bad[b]);
          else
            g_string_append_c (in, '\0');
          g_string_append (in, good[g]);
          g_string_append (in, " words follow here.\n");
          n = in->len;
          /* the reference repair */
          expect = g_memdup2 (in->str, n);
          while (i < n)
            {
              const char *stop;
              if (g_utf8_validate_len (expect + i, n - i, &stop))
                break;
              i = (gsize) (stop - expect);
              expect[i] = expect[i] == '\0' ? ' ' : '?';
              i++;
            }
          {
            g_autoptr (XrefDocument) doc = ingest_string ("pos.txt", in->str, n, &w);
            assert_int_equal (doc->len, n);
            assert_memory_equal (doc->text, expect, n);
          }
          g_free (expect);
          g_string_free (in, TRUE);
        }
}

static void
test_binary (void **state)
{
  static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  char nuls[256];
  g_autoptr (GError) error = NULL;
  XrefDocument *doc;

  doc = xref_ingest_bytes ("x.txt", png, sizeof png - 1, NULL, rules, &error);
  assert_null (doc);
  assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_INPUT));
  assert_true (g_str_has_prefix (error->message, "binary file skipped"));
  g_clear_error (&error);

  for (gsize i = 0; i < sizeof nuls; i++)
    nuls[i] = (i % 2) ? '\0' : 'a';   /* UTF-16-like */
  doc = xref_ingest_bytes ("y.txt", nuls, sizeof nuls, NULL, rules, &error);
  assert_null (doc);
  assert_true (g_str_has_prefix (error->message, "binary file skipped"));
}

/* Bytes in memory have the limit of files (so every offset fits a claim's
 * 32 bits): one byte over is refused before it is looked at.  (calloc'd:
 * the pages are never touched) */
static void
test_bytes_limit (void **state)
{
  g_autofree char *big = g_malloc0 ((gsize) XREF_INGEST_MAX_FILE + 1);
  g_autoptr (GError) error = NULL;
  XrefDocument *doc;

  doc = xref_ingest_bytes ("big.txt", big, (gsize) XREF_INGEST_MAX_FILE + 1, NULL, rules, &error);
  assert_null (doc);
  assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_INPUT));
  assert_true (g_str_has_prefix (error->message, "file too large"));
}

static void
test_crlf_bom (void **state)
{
  static const char text[] = "\xef\xbb\xbfTitle Line\r\n\r\nFirst line of body.\r\nSecond one.\r\n";
  g_autofree char *w = NULL;
  g_autoptr (XrefDocument) doc = ingest_string ("crlf.txt", text, sizeof text - 1, &w);
  const XrefSpan *h, *r;

  assert_string_equal (w, "");
  assert_int_equal (doc->headings->len, 1);
  h = &g_array_index (doc->headings, XrefSpan, 0);
  assert_int_equal (h->start, 3);   /* the BOM is kept but excluded */
  assert_int_equal (h->end, 13);
  assert_int_equal (doc->regions->len, 2);
  r = &g_array_index (doc->regions, XrefSpan, 0);
  assert_int_equal (r->end, strstr (text, "body.") + 5 - text);   /* no \r */
  r = &g_array_index (doc->regions, XrefSpan, 1);
  assert_int_equal (r->end, strstr (text, "one.") + 4 - text);
  assert_int_equal (memcmp (doc->text, text, sizeof text - 1), 0);
}

static void
test_datelines (void **state)
{
  static const struct {
    const char *text;
    const char *outlet, *place, *date;
    XrefDateBasis basis;
    const char *body;
  } cases[] = {
    { "MOSCOW (Reuters) - The ministry said so.\n", "Reuters", "Moscow", NULL, XREF_DATE_BASIS_NONE,
      "The ministry said so." },
    { "(AP) \u2014 The ministry said so.\n", "Associated Press", NULL, NULL, XREF_DATE_BASIS_NONE,
      "The ministry said so." },
    { "NEW YORK, Dec. 5 (AFP) - Markets fell.\n", "AFP", "New York", "XXXX-12-05", XREF_DATE_BASIS_DATELINE,
      "Markets fell." },
    { "KYIV, Ukraine (Reuters) - Sirens sounded.\n", "Reuters", "Kyiv", NULL, XREF_DATE_BASIS_NONE,
      "Sirens sounded." },
    { "date 2021-03-04\nPARIS, March 4, 2021. /TASS/. Talks began.\n", "TASS", "Paris", "2021-03-04",
      XREF_DATE_BASIS_DATELINE, "Talks began." },
    { "LONDON, January 2, 2020 /TASS/. Talks began.\n", "TASS", "London", "2020-01-02", XREF_DATE_BASIS_DATELINE,
      "Talks began." },
    { "WASHINGTON (AP) -- The ministry said so.\n", "Associated Press", "Washington", NULL, XREF_DATE_BASIS_NONE,
      "The ministry said so." },
    { "CANBERRA, Australia (AP) _ Flights resumed.\n", "Associated Press", "Canberra", NULL, XREF_DATE_BASIS_NONE,
      "Flights resumed." },
    /* an agency the rules do not list, in brackets after place and date */
    { "JOHANNESBURG, August 7 (Xinhua) -- South Africa deplored it.\n", "Xinhua", "Johannesburg", "XXXX-08-07",
      XREF_DATE_BASIS_DATELINE, "South Africa deplored it." },
    { "BEIJING, China (Xinhua) -- Talks ended.\n", "Xinhua", "Beijing", NULL, XREF_DATE_BASIS_NONE, "Talks ended." },
    { "WASHINGTON \u2014 Officials met.\n", NULL, "Washington", NULL, XREF_DATE_BASIS_NONE, "Officials met." },
    /* a title line before the dateline */
    { "Talks Resume\n\nGENEVA (Reuters) - Talks resumed.\n", "Reuters", "Geneva", NULL, XREF_DATE_BASIS_NONE,
      "Talks resumed." },
    /* no dateline: an outlet pattern inside a sentence is text */
    { "TASS reported that talks began.\n", NULL, NULL, NULL, XREF_DATE_BASIS_NONE,
      "TASS reported that talks began." },
    { "NATO said talks began.\n", NULL, NULL, NULL, XREF_DATE_BASIS_NONE, "NATO said talks began." },
    /* no dateline: a line that opens with a quotation mark (answered
     * without tokenizing it), an outlet later in it being text */
    { "\u201cWe will,\u201d he said. (AP) \u2014 More.\n", NULL, NULL, NULL, XREF_DATE_BASIS_NONE,
      "\u201cWe will,\u201d he said. (AP) \u2014 More." },
    { "\"WASHINGTON (Reuters) - no,\" he said.\n", NULL, NULL, NULL, XREF_DATE_BASIS_NONE,
      "\"WASHINGTON (Reuters) - no,\" he said." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *w = NULL;
      g_autoptr (XrefDocument) doc = ingest_string ("d.txt", cases[i].text, strlen (cases[i].text), &w);
      g_autofree char *body = regions_text (doc, doc->regions);

      assert_str_equal_or_null (doc->outlet, cases[i].outlet);
      assert_str_equal_or_null (doc->place, cases[i].place);
      assert_str_equal_or_null (xref_date_to_iso (&doc->date), cases[i].date);
      assert_int_equal (doc->date_basis, cases[i].basis);
      assert_string_equal (body, cases[i].body);
    }
}

static void
test_html (void **state)
{
  static const char html[] =
    "<!DOCTYPE html>\n"
    "<html><head><title>Page Title | Site</title><style>p { color: red; }</style>\n"
    "<script>var x = \"<p>Not text.</p>\";</script></head>\n"
    "<body><nav><a href=\"/\">Home</a></nav>\n"
    "<h1>Patriots <em>Head</em> East</h1>\n"
    "<p class=\"lead\">The ministry said that the systems &amp; crews were ready.</p>\n"
    "<p>Officials called it &#8220;a first step&#8221;. It was <b>not</b> confirmed\n"
    "by the <a href=\"/x?a=1&b=2\">White House</a>.</p><!-- <p>Hidden.</p> -->\n"
    "<footer><p>Copyright 2022.</p></footer>\n"
    "</body></html>\n";
  g_autofree char *w = NULL;
  g_autoptr (XrefDocument) doc = ingest_string ("page.html", html, sizeof html - 1, &w);
  g_autofree char *body = regions_text (doc, doc->regions);
  g_autofree char *heads = regions_text (doc, doc->headings);
  const XrefSpan *r;

  assert_string_equal (w, "");
  assert_string_equal (doc->title, "Page Title | Site");
  assert_string_equal (heads, "Patriots     Head      East");
  assert_int_equal (doc->regions->len, 2);
  r = &g_array_index (doc->regions, XrefSpan, 0);
  /* offsets are the file's: the region starts where the text starts */
  assert_int_equal (r->start, strstr (html, "The ministry") - html);
  assert_int_equal (r->end, strstr (html, "ready.") + 6 - html);
  assert_non_null (strstr (body, "systems &     crews"));
  assert_non_null (strstr (body, "\u201C    a first step\u201D    ."));
  assert_non_null (strstr (body, "White House"));
  assert_null (strstr (body, "Not text"));
  assert_null (strstr (body, "Hidden"));
  assert_null (strstr (body, "Copyright"));
  assert_null (strstr (body, "href"));
  assert_null (strstr (body, "<"));
  assert_true (g_utf8_validate (doc->text, (gssize) doc->len, NULL));
}


/* A news page through libxml2: metadata from the head, chrome dropped,
 * every kept byte at its offset in the file. */
static void
test_html_page (void **state)
{
  static const char html[] =
    "<!DOCTYPE html>\r\n"
    "<html lang=\"en\"><head>\r\n"
    "<meta charset=\"windows-1251\">\r\n"
    "<title>Talks stall | Example News</title>\r\n"
    "<meta property=\"og:site_name\" content=\"Example News\">\r\n"
    "<meta name=\"author\" content=\"Jane Roe\">\r\n"
    "<meta property=\"article:published_time\" content=\"2022-12-21T10:00:00Z\">\r\n"
    "<link rel=\"canonical\" href=\"https://example.org/talks\">\r\n"
    "<script>var a = \"<p>Script text.</p>\";</script>\r\n"
    "</head><body>\r\n"
    "<header><nav><a href=\"/\">Home</a> | <a href=\"/world\">World</a></nav></header>\r\n"
    "<article><h1>Talks stall in Geneva</h1>\r\n"
    "<p>The delegations met on Tuesday &amp; agreed on nothing.\r\n"
    "The next round is set for January.<p>Officials said the &ldquo;gap is wide&rdquo;.<br>No date was given.\r\n"
    "<!-- <p>Commented out.</p> --><aside>Related: other talks</aside>\r\n"
    "<h2>Reactions</h2><p>Observers were not surprised.</p></article>\r\n"
    "<form><input name=\"q\"><button>Search</button></form>\r\n"
    "<div id=\"comments\" class=\"comments-area\"><p>Great article, reader says.</p></div>\r\n"
    "<footer><p>Copyright 2022 Example News.</p></footer>\r\n"
    "</body></html>\r\n";
  g_autofree char *w = NULL;
  g_autoptr (XrefDocument) doc = ingest_string ("talks.html", html, sizeof html - 1, &w);
  g_autofree char *body = regions_text (doc, doc->regions);
  g_autofree char *heads = regions_text (doc, doc->headings);

  assert_string_equal (w, "");
  assert_string_equal (doc->title, "Talks stall | Example News");
  assert_string_equal (doc->outlet, "Example News");
  assert_string_equal (doc->author, "Jane Roe");
  assert_string_equal (doc->url, "https://example.org/talks");
  assert_string_equal (xref_date_to_iso (&doc->date), "2022-12-21");
  assert_int_equal (doc->date_basis, XREF_DATE_BASIS_METADATA);
  assert_string_equal (heads, "Talks stall in Geneva\nReactions");
  /* one paragraph per <p> (and a <br> after a full stop); the source
   * line break inside a <p> is a space */
  assert_int_equal (doc->regions->len, 4);
  /* "&amp;" is "&" and four spaces, "&ldquo;" "\u201C" and four, CR LF two spaces */
  static const char *const kept[] = { "on Tuesday &     agreed on nothing.  The next round is set for January.",
                                      "the \u201C    gap is wide\u201D    .\n" };
  for (gsize i = 0; i < G_N_ELEMENTS (kept); i++)
    if (strstr (body, kept[i]) == NULL)
      fail_msg ("HTML body lacks '%s': %s", kept[i], body);
  assert_true (g_str_has_suffix (body, "Observers were not surprised."));
  static const char *const gone[] = { "Script text", "Home", "World", "Commented out", "Related", "Search",
                                      "Great article", "Copyright", "href", "<", ">", "\r" };
  for (gsize i = 0; i < G_N_ELEMENTS (gone); i++)
    if (strstr (body, gone[i]) != NULL)
      fail_msg ("HTML body holds '%s': %s", gone[i], body);
  /* every byte of a region is the file's byte, blanked markup or a
   * decoded reference: a letter is always where the file has it */
  for (guint i = 0; i < doc->regions->len; i++)
    {
      const XrefSpan *r = &g_array_index (doc->regions, XrefSpan, i);
      for (gsize k = r->start; k < r->end; k++)
        if (g_ascii_isalnum (doc->text[k]) && doc->text[k] != html[k])
          fail_msg ("byte %zu: '%c' is not the file's '%c'", k, doc->text[k], html[k]);
    }
  assert_true (g_utf8_validate (doc->text, (gssize) doc->len, NULL));
}

/* Broken HTML: unclosed elements and an unclosed <script> never lose the
 * text before them, nor leak the script into it. */
static void
test_html_broken (void **state)
{
  static const char html[] = "<p>First paragraph here.<p>Second <b>bold text.<div>Third part"
                             "<script>var x = 1; <p>never text";
  g_autofree char *w = NULL;
  g_autoptr (XrefDocument) doc = ingest_string ("broken.htm", html, sizeof html - 1, &w);
  g_autofree char *body = regions_text (doc, doc->regions);

  assert_string_equal (w, "");
  assert_non_null (strstr (body, "First paragraph here."));
  assert_non_null (strstr (body, "Second    bold text."));
  assert_null (strstr (body, "var x"));
  assert_null (strstr (body, "never text"));
  assert_int_equal (g_array_index (doc->regions, XrefSpan, 0).start, 3);
}

/* ---- the seed corpus ------------------------------------------------------ */

static void
test_seed_002_dateline (void **state)
{
  g_autoptr (XrefDocument) doc = ingest_seed ("002_");
  const XrefSpan *r = &g_array_index (doc->regions, XrefSpan, 0);

  assert_string_equal (doc->outlet, "TASS");
  assert_string_equal (doc->place, "Washington");
  assert_int_equal (doc->date_basis, XREF_DATE_BASIS_DATELINE);
  assert_string_equal (xref_date_to_iso (&doc->date), "2022-12-21");
  /* the dateline words are not body */
  assert_true (g_str_has_prefix (doc->text + r->start, "During a media briefing"));
}

static void
test_seed_004_boilerplate (void **state)
{
  g_autoptr (XrefDocument) doc = ingest_seed ("004_");
  g_autofree char *body = regions_text (doc, doc->regions);
  g_autofree char *heads = regions_text (doc, doc->headings);
  const char *responses = strstr (doc->text, "3 Responses");
  const XrefSpan *last = &g_array_index (doc->regions, XrefSpan, doc->regions->len - 1);

  assert_non_null (responses);
  assert_null (strstr (body, "Search"));
  assert_null (strstr (heads, "Search"));
  assert_null (strstr (body, "Close this search box"));
  assert_null (strstr (body, "(AP)"));
  assert_null (strstr (body, "Muggers"));
  assert_null (strstr (body, "Leave a Reply"));
  assert_null (strstr (heads, "Responses"));
  assert_true (last->end <= (gsize) (responses - doc->text));
  assert_string_equal (heads, "Russian FM: US, NATO Directly Involved in Ukraine Conflict");
  assert_string_equal (doc->title, "Russian FM: US, NATO Directly Involved in Ukraine Conflict");
  assert_string_equal (doc->outlet, "Associated Press");
  assert_true (g_str_has_suffix (body, "but those attempts have failed."));
  assert_true (g_str_has_prefix (body, "Russia\u2019s foreign minister on Thursday"));
}

static void
test_seed_001_headings (void **state)
{
  g_autoptr (XrefDocument) doc = ingest_seed ("001_");
  g_autofree char *body = regions_text (doc, doc->regions);
  g_autofree char *heads = regions_text (doc, doc->headings);

  /* a short question alone among section titles is one of them */
  assert_string_equal (heads, "What does the New Year bring us?\nNo flashy transactions\nCommunication lost\n"
                              "And no desire to speak\nUS opposed to negotiations\nMerkel\u2019s remarks");
  assert_null (strstr (body, "p>"));
  assert_null (strstr (body, "No flashy"));
  assert_null (strstr (body, "What does the New Year"));
  /* single-newline paragraphs: one region per line */
  assert_int_equal (doc->regions->len, 21);
  assert_string_equal (doc->place, "Moscow");
  assert_null (doc->title);
}

static void
test_seed_000_footer (void **state)
{
  g_autoptr (XrefDocument) doc = ingest_seed ("000_");
  g_autofree char *body = regions_text (doc, doc->regions);

  assert_null (strstr (body, "watch the Izvestia TV channel"));
  assert_true (g_str_has_suffix (body, "shelling of Ukrainian troops."));
  assert_string_equal (doc->outlet, "Izvestia");
  assert_int_equal (doc->regions->len, 7);
  assert_int_equal (doc->headings->len, 0);

  /* without the manifest the footer tells the outlet */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (XrefDocument) bare = xref_ingest_bytes ("000.txt", doc->text, doc->len, NULL, rules, &error);
    assert_no_error (error);
    assert_string_equal (bare->outlet, "Izvestia");
  }
}

static void
test_seed_all (void **state)
{
  g_autofree char *dir = test_path ("corpus");
  const char *paths[1] = { dir };
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefCorpus) corpus = xref_corpus_open (paths, 1, &error);

  assert_no_error (error);
  assert_int_equal (corpus->files->len, 5);
  assert_int_equal (g_hash_table_size (corpus->manifest), 5);
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autofree char *w = NULL;
      Capture c;
      capture_begin (&c);
      g_autoptr (XrefDocument) doc =
        xref_ingest_file (f, g_hash_table_lookup (corpus->manifest, f->id), rules, &error);
      w = capture_end (&c);
      assert_no_error (error);
      assert_string_equal (w, "");   /* the seeds are clean */
      assert_spans_sane (doc);
      assert_true (doc->regions->len > 0);
    }
}


/* The seeds beside every bad input of tests/bad-input/ in one folder: the
 * walk lists them all, the bad ones warn or fail one by one, and every
 * seed still reads exactly as it does alone. */
static void
test_bad_beside_good (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("xref-test-mixed-XXXXXX", &error);
  g_autofree char *seeds = test_path ("corpus");
  g_autofree char *bad = test_path ("tests/bad-input");
  const char *srcs[2] = { seeds, bad };
  const char *paths[1];
  g_autoptr (XrefCorpus) corpus = NULL;
  guint n_seeds = 0, n_failed = 0;
  Capture c;
  g_autofree char *warnings = NULL;

  assert_no_error (error);
  for (int k = 0; k < 2; k++)
    {
      GDir *d = g_dir_open (srcs[k], 0, &error);
      assert_no_error (error);
      for (const char *n; (n = g_dir_read_name (d)) != NULL;)
        {
          g_autofree char *from = g_build_filename (srcs[k], n, NULL);
          g_autofree char *data = NULL;
          gsize len = 0;
          if (g_str_has_suffix (n, ".expect") || g_file_test (from, G_FILE_TEST_IS_DIR)
              || strcmp (n, "manifest.yaml") == 0)
            continue;
          assert_true (g_file_get_contents (from, &data, &len, NULL));
          write_file (root, n, data, (gssize) len);
        }
      g_dir_close (d);
    }
  paths[0] = root;
  capture_begin (&c);
  corpus = xref_corpus_open (paths, 1, &error);
  assert_no_error (error);
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autoptr (GError) e2 = NULL;
      g_autoptr (XrefDocument) doc = xref_ingest_file (f, NULL, rules, &e2);
      if (doc == NULL)
        {
          n_failed++;
          continue;
        }
      assert_spans_sane (doc);
      if (g_str_has_prefix (f->id, "00") && g_str_has_suffix (f->id, ".txt"))
        {
          g_autofree char *seed_path = g_build_filename (seeds, f->id, NULL);
          XrefCorpusFile alone_f = { f->id, seed_path, NULL, NULL };
          g_autoptr (XrefDocument) alone = xref_ingest_file (&alone_f, NULL, rules, &e2);
          assert_non_null (alone);
          assert_int_equal (doc->regions->len, alone->regions->len);
          assert_int_equal (doc->headings->len, alone->headings->len);
          assert_true (doc->regions->len > 0);
          n_seeds++;
        }
    }
  warnings = capture_end (&c);
  assert_int_equal (n_seeds, 5);
  assert_true (n_failed >= 3);   /* the binary files */
  assert_non_null (strstr (warnings, "replaced"));
  rm_tree (root);
}

/* ---- tests/bad-input ------------------------------------------------------ */

/* Every file of tests/bad-input/ except *.expect is ingested; NAME.expect
 * lists what must happen, one line each: "error: TEXT" (ingest fails with a
 * message containing TEXT), "warning: TEXT" (a warning contains TEXT),
 * "no-warnings", "regions: N", "headings: N", "body: TEXT" (the regions
 * joined by "\n" contain TEXT), "not-body: TEXT". */
static void
test_bad_input (void **state)
{
  g_autofree char *dir = test_path ("tests/bad-input");
  g_autoptr (GError) error = NULL;
  GDir *d = g_dir_open (dir, 0, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint checked = 0;

  assert_no_error (error);
  for (const char *n; (n = g_dir_read_name (d)) != NULL;)
    if (!g_str_has_suffix (n, ".expect"))
      g_ptr_array_add (names, g_strdup (n));
  g_dir_close (d);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *base = g_strndup (name, strrchr (name, '.') != NULL ? (gsize) (strrchr (name, '.') - name)
                                                                          : strlen (name));
      g_autofree char *expect_path = g_strdup_printf ("%s/%s.expect", dir, base);
      g_autofree char *expect = NULL;
      g_autofree char *warnings = NULL;
      g_autofree char *body = NULL;
      g_auto (GStrv) lines = NULL;
      g_autoptr (GError) e2 = NULL;
      XrefCorpusFile f = { (char *) name, path, NULL, NULL };
      g_autoptr (XrefDocument) doc = NULL;
      Capture c;

      if (!g_file_get_contents (expect_path, &expect, NULL, NULL))
        fail_msg ("%s has no %s.expect", name, base);
      capture_begin (&c);
      doc = xref_ingest_file (&f, NULL, rules, &e2);
      warnings = capture_end (&c);
      if (doc != NULL)
        {
          assert_spans_sane (doc);
          body = regions_text (doc, doc->regions);
        }

      lines = g_strsplit (expect, "\n", -1);
      for (guint k = 0; lines[k] != NULL; k++)
        {
          const char *l = lines[k];
          if (*l == '\0' || *l == '#')
            continue;
          if (g_str_has_prefix (l, "error: "))
            {
              if (doc != NULL || strstr (e2->message, l + 7) == NULL)
                fail_msg ("%s: expected error '%s', got %s", name, l + 7, e2 != NULL ? e2->message : "none");
            }
          else if (doc == NULL)
            fail_msg ("%s: unexpected error: %s", name, e2->message);
          else if (g_str_has_prefix (l, "warning: "))
            {
              if (strstr (warnings, l + 9) == NULL)
                fail_msg ("%s: expected warning '%s', got '%s'", name, l + 9, warnings);
            }
          else if (strcmp (l, "no-warnings") == 0)
            {
              if (*warnings != '\0')
                fail_msg ("%s: unexpected warnings '%s'", name, warnings);
            }
          else if (g_str_has_prefix (l, "regions: "))
            assert_int_equal (doc->regions->len, atoi (l + 9));
          else if (g_str_has_prefix (l, "headings: "))
            assert_int_equal (doc->headings->len, atoi (l + 10));
          else if (g_str_has_prefix (l, "body: "))
            {
              if (strstr (body, l + 6) == NULL)
                fail_msg ("%s: body lacks '%s': '%s'", name, l + 6, body);
            }
          else if (g_str_has_prefix (l, "not-body: "))
            {
              if (strstr (body, l + 10) != NULL)
                fail_msg ("%s: body holds '%s'", name, l + 10);
            }
          else
            fail_msg ("%s.expect: unknown line '%s'", base, l);
        }
      checked++;
    }
  assert_true (checked >= 8);
}

/* xref_read_file reads exactly the file's bytes, NUL-terminated, whatever
 * its size against the buffer it starts with, and refuses what passes the
 * limit. */
static void
test_read_file_sizes (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("xref-read-XXXXXX", NULL);
  const gsize sizes[] = { 0, 1, 4095, 4096, 65535, 65536, 200001 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = g_build_filename (dir, "f.txt", NULL);
      g_autofree char *data = g_malloc (sizes[i] + 1);
      g_autofree char *got = NULL;
      g_autoptr (GError) error = NULL;
      gsize len = 12345;

      for (gsize k = 0; k < sizes[i]; k++)
        data[k] = (char) ('a' + (k * 7 + i) % 26);
      assert_true (g_file_set_contents (path, data, (gssize) sizes[i], NULL));
      assert_true (xref_read_file (path, sizes[i] + 10, &got, &len, &error));
      assert_int_equal (len, sizes[i]);
      assert_memory_equal (got, data, sizes[i]);
      assert_int_equal (got[len], '\0');
      g_clear_pointer (&got, g_free);

      /* Exactly at the limit is fine; one byte over is not. */
      assert_true (xref_read_file (path, sizes[i], &got, &len, &error));
      assert_int_equal (len, sizes[i]);
      g_clear_pointer (&got, g_free);
      if (sizes[i] > 0)
        {
          assert_false (xref_read_file (path, sizes[i] - 1, &got, &len, &error));
          assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_INPUT));
          assert_null (got);
        }
      g_unlink (path);
    }

  /* A file whose size stat cannot tell (st_size 0, content all the same). */
  {
    g_autofree char *got = NULL;
    gsize len = 0;
    g_autoptr (GError) error = NULL;
    if (g_file_test ("/proc/self/status", G_FILE_TEST_EXISTS))
      {
        assert_true (xref_read_file ("/proc/self/status", 1 << 20, &got, &len, &error));
        assert_true (len > 0);
        assert_int_equal (strlen (got), len);
        assert_non_null (strstr (got, "Name:"));
      }
  }
  g_rmdir (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_document_new),
    cmocka_unit_test (test_walk_order),
    cmocka_unit_test (test_walk_file_given),
    cmocka_unit_test (test_walk_root_fd),
    cmocka_unit_test (test_walk_folder_fds),
    cmocka_unit_test (test_read_ahead_window),
    cmocka_unit_test (test_read_ahead_cold),
    cmocka_unit_test (test_ingest_scratch_reuse),
    cmocka_unit_test (test_walk_missing),
    cmocka_unit_test (test_walk_specials),
    cmocka_unit_test (test_walk_unreadable),
    cmocka_unit_test (test_walk_deep),
    cmocka_unit_test (test_walk_many),
    cmocka_unit_test (test_large_file),
    cmocka_unit_test (test_long_line),
    cmocka_unit_test (test_manifest),
    cmocka_unit_test (test_manifest_invalid),
    cmocka_unit_test (test_front_matter),
    cmocka_unit_test (test_front_matter_bad),
    cmocka_unit_test (test_front_matter_simple),
    cmocka_unit_test (test_binary_window),
    cmocka_unit_test (test_manifest_fills),
    cmocka_unit_test (test_invalid_utf8),
    cmocka_unit_test (test_invalid_utf8_positions),
    cmocka_unit_test (test_binary),
    cmocka_unit_test (test_crlf_bom),
    cmocka_unit_test (test_datelines),
    cmocka_unit_test (test_html),
    cmocka_unit_test (test_html_page),
    cmocka_unit_test (test_html_broken),
    cmocka_unit_test (test_seed_002_dateline),
    cmocka_unit_test (test_seed_004_boilerplate),
    cmocka_unit_test (test_seed_001_headings),
    cmocka_unit_test (test_seed_000_footer),
    cmocka_unit_test (test_seed_all),
    cmocka_unit_test (test_bad_input),
    cmocka_unit_test (test_bad_beside_good),
    cmocka_unit_test (test_read_file_sizes),
    cmocka_unit_test (test_bytes_limit),
    cmocka_unit_test (test_ingest_file_sizes),
  };
  return cmocka_run_group_tests (tests, setup_rules, teardown_rules);
}
