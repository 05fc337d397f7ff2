/* xref — core helpers shared by every stage: errors, warnings, dates,
 * whole-file reads and atomic writes. */
#include "xref/core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (xref-error-quark, xref_error)

static GMutex warn_lock;

/* The intern table: a set of strings whose bytes live in a string chunk.
 * Both are reachable from these statics until exit, so nothing leaks. */
static GMutex intern_lock;
static GHashTable *intern_table;
static GStringChunk *intern_chunk;

const char *
xref_intern_len (const char *s, gsize len)
{
  char small[256];
  g_autofree char *big = NULL;
  const char *key;
  const char *found;

  if (s == NULL)
    return NULL;
  if (len < sizeof small)
    {
      memcpy (small, s, len);
      small[len] = '\0';
      key = small;
    }
  else
    key = big = g_strndup (s, len);

  g_mutex_lock (&intern_lock);
  if (intern_table == NULL)
    {
      intern_table = g_hash_table_new (g_str_hash, g_str_equal);
      intern_chunk = g_string_chunk_new (1 << 16);
    }
  found = g_hash_table_lookup (intern_table, key);
  if (found == NULL)
    {
      found = g_string_chunk_insert_len (intern_chunk, key, (gssize) len);
      g_hash_table_add (intern_table, (gpointer) found);
    }
  g_mutex_unlock (&intern_lock);
  return found;
}

const char *
xref_intern_try (const char *s)
{
  const char *found = NULL;

  if (s == NULL)
    return NULL;
  g_mutex_lock (&intern_lock);
  if (intern_table != NULL)
    found = g_hash_table_lookup (intern_table, s);
  g_mutex_unlock (&intern_lock);
  return found;
}

const char *
xref_intern (const char *s)
{
  return s != NULL ? xref_intern_len (s, strlen (s)) : NULL;
}

void
xref_warn (const char *file, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);

  g_mutex_lock (&warn_lock);
  if (file != NULL)
    {
      /* File names may hold anything: show them valid and printable. */
      g_autofree char *shown = g_utf8_make_valid (file, -1);
      for (char *p = shown; *p; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f)
          *p = '?';
      fprintf (stderr, "xref: warning: %s: %s\n", shown, msg);
    }
  else
    fprintf (stderr, "xref: warning: %s\n", msg);
  g_mutex_unlock (&warn_lock);
}

gboolean
xref_date_is_complete (const XrefDate *d)
{
  return d->year > 0 && d->month > 0 && d->day > 0;
}

const char *
xref_date_to_iso (const XrefDate *d)
{
  char buf[32];

  if (d->year <= 0 && d->month <= 0 && d->day <= 0)
    return NULL;
  if (d->year > 0 && d->month > 0 && d->day > 0)
    g_snprintf (buf, sizeof buf, "%04d-%02d-%02d", d->year, d->month, d->day);
  else if (d->year > 0 && d->month > 0)
    g_snprintf (buf, sizeof buf, "%04d-%02d", d->year, d->month);
  else if (d->year > 0)
    g_snprintf (buf, sizeof buf, "%04d", d->year);
  else if (d->month > 0 && d->day > 0)
    g_snprintf (buf, sizeof buf, "XXXX-%02d-%02d", d->month, d->day);
  else if (d->month > 0)
    g_snprintf (buf, sizeof buf, "XXXX-%02d", d->month);
  else
    return NULL;
  return xref_intern (buf);
}

static gboolean
parse_digits (const char *s, int n, gint *out)
{
  gint v = 0;
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

gboolean
xref_date_parse_iso (const char *s, XrefDate *out)
{
  XrefDate d = { 0, 0, 0 };
  gsize len;

  if (s == NULL)
    return FALSE;
  len = strlen (s);
  if (len != 4 && len != 7 && len != 10)
    return FALSE;
  if (!parse_digits (s, 4, &d.year) || d.year == 0)
    return FALSE;
  if (len >= 7 && (s[4] != '-' || !parse_digits (s + 5, 2, &d.month) || d.month < 1 || d.month > 12))
    return FALSE;
  if (len == 10
      && (s[7] != '-' || !parse_digits (s + 8, 2, &d.day) || d.day < 1
          || d.day > g_date_get_days_in_month ((GDateMonth) d.month, (GDateYear) d.year)))
    return FALSE;
  *out = d;
  return TRUE;
}

gint
xref_date_weekday (const XrefDate *d)
{
  if (!xref_date_is_complete (d) || d->year > 65535 || d->month > 12
      || !g_date_valid_dmy ((GDateDay) d->day, (GDateMonth) d->month, (GDateYear) d->year))
    return 0;
  GDate g;
  g_date_clear (&g, 1);
  g_date_set_dmy (&g, (GDateDay) d->day, (GDateMonth) d->month, (GDateYear) d->year);
  return (gint) g_date_get_weekday (&g);
}

gboolean
xref_read_file (const char *path, gsize max_size, char **contents, gsize *len, GError **error)
{
  struct stat st;
  int fd;
  GString *buf;

  /* O_NONBLOCK so that a FIFO named like an article cannot hang the run;
   * non-regular files are refused right after the open. */
  fd = open (path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "cannot open: %s", g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "not a regular file");
      return FALSE;
    }
  if ((guint64) st.st_size > max_size)
    {
      close (fd);
      g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "file too large (%" G_GUINT64_FORMAT " bytes, limit %" G_GSIZE_FORMAT ")",
                   (guint64) st.st_size, max_size);
      return FALSE;
    }

  buf = g_string_sized_new ((gsize) st.st_size + 1);
  for (;;)
    {
      char chunk[65536];
      ssize_t n = read (fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_string_free (buf, TRUE);
          g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "cannot read: %s", g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      if (buf->len + (gsize) n > max_size)
        {
          close (fd);
          g_string_free (buf, TRUE);
          g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "file too large (limit %" G_GSIZE_FORMAT " bytes)", max_size);
          return FALSE;
        }
      g_string_append_len (buf, chunk, n);
    }
  close (fd);
  *len = buf->len;
  *contents = g_string_free (buf, FALSE);
  return TRUE;
}

static gboolean
write_all (int fd, const char *p, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
xref_write_file_atomic (const char *path, const char *contents, gsize len, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmpl = NULL;
  g_autofree char *target = NULL;
  int fd;

  if (g_strcmp0 (path, "-") == 0)
    {
      if (!write_all (STDOUT_FILENO, contents, len))
        {
          int saved = errno;
          g_set_error (error, XREF_ERROR, XREF_ERROR_IO, "cannot write to standard output: %s", g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }

  /* A symlinked output path is written through: the report replaces the
   * link's target, and the link itself stays.  (Documented in xref(1).) */
  target = g_file_read_link (path, NULL);
  if (target != NULL && !g_path_is_absolute (target))
    {
      g_autofree char *linkdir = g_path_get_dirname (path);
      char *joined = g_build_filename (linkdir, target, NULL);
      g_free (target);
      target = joined;
    }
  if (target == NULL)
    target = g_strdup (path);

  dir = g_path_get_dirname (target);
  base = g_path_get_basename (target);
  tmpl = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, XREF_ERROR, XREF_ERROR_IO, "cannot create a temporary file beside '%s': %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  if (!write_all (fd, contents, len) || fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      unlink (tmpl);
      g_set_error (error, XREF_ERROR, XREF_ERROR_IO, "cannot write '%s': %s", path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  if (rename (tmpl, target) != 0)
    {
      int saved = errno;
      unlink (tmpl);
      g_set_error (error, XREF_ERROR, XREF_ERROR_IO, "cannot replace '%s': %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
