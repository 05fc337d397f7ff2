/* xref — ingest: walk the corpus tree and read its manifest.
 *
 * The walk is deterministic: entries are sorted by byte order (strcmp) and
 * the final list by id.  It never opens anything but folders and the
 * manifest: special files are recognised with lstat/stat, so a FIFO named
 * like an article cannot block the run. */
#include "ingest-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const article_exts[] = { ".txt", ".md", ".markdown", ".html", ".htm" };

/* Whether name ends in an article extension after at least one byte
 * (the extensions hold no dot but their first: only the last dot of name
 * can start one). */
static gboolean
is_article_name (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot == NULL || dot == name)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (article_exts); i++)
    if (g_ascii_strcasecmp (dot, article_exts[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
root_fd_close (int *fd)
{
  close (*fd);
  g_free (fd);
}

/* (its id and path are in its block: see add_file) */
static void
corpus_file_free (XrefCorpusFile *f)
{
  g_free (f);
}

/* A file, its id id_dir + name and its path path_dir + path_name, in one
 * block with them (a corpus lists tens of thousands of files, each once);
 * when root_fd is not NULL, the descriptor it opens below, with its name
 * there: name itself (by_name) or its whole id. */
static void
add_file (XrefCorpus *corpus, const char *id_dir, const char *name, const char *path_dir, const char *path_name,
          const int *root_fd, gboolean by_name)
{
  gsize il = strlen (id_dir), nl = strlen (name), pl = strlen (path_dir), ql = strlen (path_name);
  XrefCorpusFile *f = g_malloc (sizeof *f + il + nl + 1 + pl + ql + 1);
  char *id = (char *) (f + 1);
  char *path = id + il + nl + 1;

  memcpy (id, id_dir, il);
  memcpy (id + il, name, nl + 1);
  memcpy (path, path_dir, pl);
  memcpy (path + pl, path_name, ql + 1);
  f->id = id;
  f->path = path;
  f->root_fd = root_fd;
  f->name = root_fd == NULL ? NULL : by_name ? id + il : id;
  g_ptr_array_add (corpus->files, f);
}

static const char *
kind_name (mode_t mode)
{
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISSOCK (mode))
    return "a socket";
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return "a device";
  return "not a regular file";
}

/* The folders on the current path, to detect symlink loops. */
typedef struct {
  dev_t dev;
  ino_t ino;
} DirId;

/* A walk from one root folder: the folders on the current path (DirId),
 * and a descriptor on the root for the files found (or NULL). */
typedef struct {
  GArray *stack;
  const int *root_fd;
} Walk;

static gboolean
on_path (const GArray *stack, const struct stat *st)
{
  for (guint i = 0; i < stack->len; i++)
    {
      const DirId *d = &g_array_index (stack, DirId, i);
      if (d->dev == st->st_dev && d->ino == st->st_ino)
        return TRUE;
    }
  return FALSE;
}

/* A folder being walked: its path, and an open descriptor on it (or
 * AT_FDCWD, see walk_dir) that its entries are looked up relative to;
 * files_fd, once its first article is found, the descriptor its articles
 * open below (see files_fd). */
typedef struct {
  const char *path;
  int fd;
  const int *files_fd;
  const char *prefix;      /* path's entries are prefix + name: */
  const char *id_prefix;   /* their ids, id_prefix + name */
} Dir;

/* Folders deeper than this are read by path, not through a descriptor
 * kept open (each folder on the current path holds one). */
#define WALK_MAX_OPEN_DIRS 32

/* At most this many folders keep a descriptor for their files until the
 * corpus is freed; the files of any more open below the root's. */
#define WALK_MAX_FILE_DIRS 256

/* The descriptor the articles of dir open below, with their base name:
 * a duplicate of the folder's own, kept with the root's in
 * corpus->root_fds, so that each open looks up one name instead of
 * walking the id from the root again (24,000 opens in a bench run).
 * NULL when there is none (the folder read by path, too many folders,
 * no descriptor left): the file opens below the root or by path. */
static const int *
files_fd (XrefCorpus *corpus, Dir *dir)
{
  int fd;
  int *kept;

  if (dir->files_fd != NULL || dir->fd == AT_FDCWD || corpus->root_fds->len >= WALK_MAX_FILE_DIRS)
    return dir->files_fd;
  fd = fcntl (dir->fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    return NULL;
  kept = g_new (int, 1);
  *kept = fd;
  g_ptr_array_add (corpus->root_fds, kept);
  dir->files_fd = kept;
  return kept;
}

/* An entry of a folder, as readdir gave it. */
typedef struct {
  char *name;
  unsigned char type;      /* d_type: DT_REG, DT_DIR, …, or DT_UNKNOWN */
} Entry;

static void walk_dir (XrefCorpus *corpus, const char *dir, const char *rel, Walk *walk);

/* The name of entry relative to the folder's descriptor (its full path
 * when the folder is read by path). */
static const char *
at_name (const Dir *dir, const char *name, const char *path)
{
  return dir->fd == AT_FDCWD ? path : name;
}

/* One entry of a folder: name in dir, type its d_type (its path and its
 * id below the root are dir's prefixes and name).  A regular file (most
 * entries) costs no system call here, nor any allocation but its own;
 * only folders, symlinks and the entries the file system does not type
 * are stat'ed. */
static void
walk_entry (XrefCorpus *corpus, Dir *dir, const char *name, unsigned char type, Walk *walk)
{
  g_autofree char *path = NULL;
  struct stat lst, st;

  if (type == DT_REG && !is_article_name (name))
    return;
  if (type != DT_REG)
    {
      path = g_strconcat (dir->prefix, name, NULL);
      if (fstatat (dir->fd, at_name (dir, name, path), &lst, AT_SYMLINK_NOFOLLOW) != 0)
        {
          int saved = errno;
          xref_warn (path, "cannot stat: %s", g_strerror (saved));
          return;
        }
      st = lst;
      if (S_ISLNK (lst.st_mode) && fstatat (dir->fd, at_name (dir, name, path), &st, 0) != 0)
        {
          int saved = errno;
          if (saved == ELOOP)
            xref_warn (path, "symlink loop, skipped");
          else
            xref_warn (path, "broken symlink, skipped (%s)", g_strerror (saved));
          return;
        }

      if (S_ISDIR (st.st_mode))
        {
          if (on_path (walk->stack, &st))
            {
              xref_warn (path, "symlink loop, folder skipped");
              return;
            }
          g_autofree char *rel = g_strconcat (dir->id_prefix, name, NULL);
          walk_dir (corpus, path, rel, walk);
          return;
        }
      if (!is_article_name (name))
        return;
      if (!S_ISREG (st.st_mode))
        {
          xref_warn (path, "%s, skipped", kind_name (st.st_mode));
          return;
        }
    }
  /* Whether the file can be read is not asked here (an access call per
   * file): its open says so, and xref_ingest_file reports "cannot read"
   * as this walk once did; run.c warns of it in corpus order. */
  if (files_fd (corpus, dir) != NULL)
    add_file (corpus, dir->id_prefix, name, dir->prefix, name, dir->files_fd, TRUE);
  else
    add_file (corpus, dir->id_prefix, name, dir->prefix, name, walk->root_fd, FALSE);
}

static int
cmp_entries (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Entry *) a)->name, ((const Entry *) b)->name);
}

/* Walks the folder dir: its entries in byte order of their names.  The
 * folder stays open while they are looked at, so that each is found
 * relative to it (one path component) rather than from the root of the
 * path again; below WALK_MAX_OPEN_DIRS folders it is read by path, so
 * that a deep tree cannot run out of descriptors. */
static void
walk_dir (XrefCorpus *corpus, const char *dir, const char *rel, Walk *walk)
{
  GArray *stack = walk->stack;
  struct stat st;
  DIR *d;
  struct dirent *de;
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  /* g_build_filename (dir, name) for any name (which holds no
   * separator) is the one for "-" with the name for the "-": made once
   * for the folder, not for each of its files */
  g_autofree char *prefix = g_build_filename (dir, "-", NULL);
  g_autofree char *id_prefix = rel != NULL ? g_strconcat (rel, "/", NULL) : g_strdup ("");
  /* (the root's files open below the root's own descriptor) */
  Dir at = { dir, AT_FDCWD, rel == NULL ? walk->root_fd : NULL, prefix, id_prefix };

  prefix[strlen (prefix) - 1] = '\0';
  if (stat (dir, &st) != 0)
    return;
  d = opendir (dir);
  if (d == NULL)
    {
      int saved = errno;
      xref_warn (dir, "cannot read folder: %s", g_strerror (saved));
      return;
    }
  errno = 0;
  while ((de = readdir (d)) != NULL)
    {
      /* dot-files and dot-folders (".", "..", ".xref", ".git") are never articles */
      if (de->d_name[0] == '.')
        continue;
      Entry e = { g_strdup (de->d_name), de->d_type };
      g_array_append_val (entries, e);
    }
  g_array_sort (entries, cmp_entries);
  if (stack->len < WALK_MAX_OPEN_DIRS)
    at.fd = dirfd (d);
  else
    {
      closedir (d);
      d = NULL;
    }

  DirId id = { st.st_dev, st.st_ino };
  g_array_append_val (stack, id);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);
      walk_entry (corpus, &at, e->name, e->type, walk);
      g_free (e->name);
    }
  g_array_set_size (stack, stack->len - 1);
  if (d != NULL)
    closedir (d);
}

/* ---- manifest ------------------------------------------------------------ */

static const char *
scalar (yaml_node_t *node)
{
  if (node == NULL || node->type != YAML_SCALAR_NODE)
    return NULL;
  return (const char *) node->data.scalar.value;
}

static gboolean
is_null_scalar (yaml_node_t *node)
{
  const char *s = scalar (node);
  return s != NULL && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
         && (*s == '\0' || strcmp (s, "~") == 0 || strcmp (s, "null") == 0);
}

/* Reads "documents: {<id>: {outlet, date, place, title, url, author}}".
 * Every problem is a warning with file:line:col; good entries are kept. */
static void
read_manifest (XrefCorpus *corpus, const char *path)
{
  g_autofree char *text = NULL;
  g_autofree char *problem = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  yaml_document_t ydoc;
  yaml_node_t *root, *docs = NULL;

  if (!xref_read_file (path, XREF_INGEST_MAX_FILE, &text, &len, &error))
    {
      xref_warn (path, "manifest ignored: %s", error->message);
      return;
    }
  if (!xref_ingest_yaml_load (path, 1, text, len, &ydoc, &problem))
    {
      xref_warn (NULL, "%s (manifest ignored)", problem);
      return;
    }

  root = yaml_document_get_root_node (&ydoc);
  if (root == NULL)
    goto out;
  if (root->type != YAML_MAPPING_NODE)
    {
      g_autofree char *where = xref_ingest_yaml_where (path, 1, root);
      xref_warn (NULL, "%s: the manifest must be a mapping with a 'documents' key (manifest ignored)", where);
      goto out;
    }
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++)
    {
      yaml_node_t *k = yaml_document_get_node (&ydoc, p->key);
      yaml_node_t *v = yaml_document_get_node (&ydoc, p->value);
      if (g_strcmp0 (scalar (k), "documents") == 0)
        docs = v;
      else
        {
          g_autofree char *where = xref_ingest_yaml_where (path, 1, k);
          xref_warn (NULL, "%s: unknown manifest key '%s' (expected 'documents')", where,
                     scalar (k) != NULL ? scalar (k) : "?");
        }
    }
  if (docs == NULL || is_null_scalar (docs))
    goto out;
  if (docs->type != YAML_MAPPING_NODE)
    {
      g_autofree char *where = xref_ingest_yaml_where (path, 1, docs);
      xref_warn (NULL, "%s: 'documents' must map document ids to metadata", where);
      goto out;
    }

  for (yaml_node_pair_t *p = docs->data.mapping.pairs.start; p < docs->data.mapping.pairs.top; p++)
    {
      yaml_node_t *k = yaml_document_get_node (&ydoc, p->key);
      yaml_node_t *v = yaml_document_get_node (&ydoc, p->value);
      const char *id = scalar (k);
      XrefMeta *meta;

      if (id == NULL || *id == '\0')
        {
          g_autofree char *where = xref_ingest_yaml_where (path, 1, k);
          xref_warn (NULL, "%s: a document id must be a string", where);
          continue;
        }
      if (v == NULL || is_null_scalar (v))
        {
          g_hash_table_replace (corpus->manifest, g_strdup (id), g_new0 (XrefMeta, 1));
          continue;
        }
      if (v->type != YAML_MAPPING_NODE)
        {
          g_autofree char *where = xref_ingest_yaml_where (path, 1, v);
          xref_warn (NULL, "%s: metadata of '%s' must be a mapping", where, id);
          continue;
        }
      meta = g_new0 (XrefMeta, 1);
      for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++)
        {
          yaml_node_t *fk = yaml_document_get_node (&ydoc, q->key);
          yaml_node_t *fv = yaml_document_get_node (&ydoc, q->value);
          g_autofree char *why = NULL;

          if (scalar (fk) == NULL || scalar (fv) == NULL)
            {
              g_autofree char *where = xref_ingest_yaml_where (path, 1, fv != NULL ? fv : fk);
              xref_warn (NULL, "%s: metadata keys and values must be strings", where);
              continue;
            }
          if (is_null_scalar (fv))
            continue;
          if (!xref_ingest_meta_set (meta, scalar (fk), scalar (fv), &why))
            {
              g_autofree char *where = xref_ingest_yaml_where (path, 1, fv);
              xref_warn (NULL, "%s: %s", where, why);
            }
        }
      g_hash_table_replace (corpus->manifest, g_strdup (id), meta);
    }

out:
  yaml_document_delete (&ydoc);
}

static void
read_manifest_in (XrefCorpus *corpus, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "manifest.yaml", NULL);
  struct stat st;

  if (stat (path, &st) != 0)
    return;
  if (!S_ISREG (st.st_mode))
    {
      xref_warn (path, "%s, manifest ignored", kind_name (st.st_mode));
      return;
    }
  read_manifest (corpus, path);
}

/* ---- the corpus ------------------------------------------------------------ */

static int
cmp_files (gconstpointer a, gconstpointer b)
{
  const XrefCorpusFile *fa = *(XrefCorpusFile *const *) a;
  const XrefCorpusFile *fb = *(XrefCorpusFile *const *) b;
  int c = strcmp (fa->id, fb->id);
  return c != 0 ? c : strcmp (fa->path, fb->path);
}

/* Sorts the files by cmp_files: a folder's files come from the walk
 * mostly in that order already (its entries sorted by name), which one
 * pass checks for far less than a sort costs. */
static void
sort_files (GPtrArray *files)
{
  for (guint i = 1; i < files->len; i++)
    if (cmp_files (&files->pdata[i - 1], &files->pdata[i]) > 0)
      {
        g_ptr_array_sort (files, cmp_files);
        return;
      }
}

XrefCorpus *
xref_corpus_open (const char *const *paths, guint n_paths, GError **error)
{
  g_autoptr (XrefCorpus) corpus = g_new0 (XrefCorpus, 1);
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (DirId));

  corpus->files = g_ptr_array_new_with_free_func ((GDestroyNotify) corpus_file_free);
  corpus->manifest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) xref_ingest_meta_free);
  corpus->root_fds = g_ptr_array_new_with_free_func ((GDestroyNotify) root_fd_close);

  for (guint i = 0; i < n_paths; i++)
    {
      const char *path = paths[i];
      struct stat st;

      if (stat (path, &st) != 0)
        {
          int saved = errno;
          struct stat lst;
          /* a dangling or looping symlink given on the command line is a
           * warning like any other bad entry; a missing path is an error */
          if (lstat (path, &lst) == 0)
            {
              xref_warn (path, "cannot follow: %s", g_strerror (saved));
              continue;
            }
          g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "'%s': %s", path, g_strerror (saved));
          return NULL;
        }
      if (S_ISDIR (st.st_mode))
        {
          Walk walk = { stack, NULL };
          int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

          /* without a descriptor (none left, say) its files open by path */
          if (fd >= 0)
            {
              int *root = g_new (int, 1);
              *root = fd;
              g_ptr_array_add (corpus->root_fds, root);
              walk.root_fd = root;
            }
          read_manifest_in (corpus, path);
          walk_dir (corpus, path, NULL, &walk);
        }
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *dir = g_path_get_dirname (path);
          if (access (path, R_OK) != 0)
            {
              int saved = errno;
              xref_warn (path, "cannot read: %s", g_strerror (saved));
              continue;
            }
          /* a file given directly takes its metadata from the manifest
           * beside it, unless a root already supplied it */
          if (!g_hash_table_contains (corpus->manifest, base))
            read_manifest_in (corpus, dir);
          add_file (corpus, "", base, "", path, NULL, FALSE);
        }
      else
        xref_warn (path, "%s, skipped", kind_name (st.st_mode));
    }

  sort_files (corpus->files);

  /* Ids must be unique (reports key on them): a repeated id (the same
   * name under two roots) falls back to the path as given. */
  for (guint i = 1; i < corpus->files->len; i++)
    {
      XrefCorpusFile *prev = g_ptr_array_index (corpus->files, i - 1);
      XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      if (strcmp (prev->id, f->id) == 0)
        {
          if (strcmp (prev->path, f->path) == 0)
            {
              g_ptr_array_remove_index (corpus->files, i);
              i--;
              continue;
            }
          xref_warn (f->path, "document id '%s' already used by '%s'; using the path as its id", f->id,
                     prev->path);
          f->id = f->path;     /* (both in its block) */
          f->root_fd = NULL;   /* the id is no longer the path below a root */
          f->name = NULL;
        }
    }
  sort_files (corpus->files);

  return g_steal_pointer (&corpus);
}

void
xref_corpus_free (XrefCorpus *corpus)
{
  if (corpus == NULL)
    return;
  g_clear_pointer (&corpus->files, g_ptr_array_unref);
  g_clear_pointer (&corpus->manifest, g_hash_table_unref);
  g_clear_pointer (&corpus->root_fds, g_ptr_array_unref);
  g_free (corpus);
}
