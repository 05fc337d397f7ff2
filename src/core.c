/* xref — core helpers shared by every stage: errors, warnings, dates,
 * whole-file reads and atomic writes. */
#include "xref/core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

G_DEFINE_QUARK (xref-error-quark, xref_error)

static GMutex warn_lock;

/* The intern table: an open-addressing set of strings.  Each slot keeps
 * the string's hash and length, so the hash computed once for the
 * per-thread cache below also finds the slot, and a probe compares bytes
 * only when hash and length agree.
 *
 * Lookups take no lock.  A slot's string pointer is stored last, with
 * release order, once its hash and length are written and its bytes are
 * in place, and read with acquire order; slots are never emptied, and a
 * table replaced by a larger one (table_grow) is kept, full and
 * unchanged, so a reader still probing it reads valid entries and at
 * worst misses a string added since, which the locked path below then
 * finds.  Only an insertion takes intern_lock, and it copies the bytes
 * into this thread's arena before taking it, so the lock is held for
 * the probe and one slot write.  The tables, old ones included, and the
 * arena blocks stay reachable from these statics until exit, so nothing
 * leaks. */
typedef struct {
  const char *s;           /* atomic: NULL for an empty slot */
  guint32 hash;
  guint32 len;
} InternEntry;

typedef struct InternTable_ InternTable;
struct InternTable_ {
  gsize mask;              /* number of slots - 1 (a power of two minus one) */
  InternTable *older;      /* the table this one replaced, kept (see above) */
  InternEntry *slots;      /* mask + 1 of them (xref_huge_alloc0: on a huge
                              page, a random probe does not miss the TLB
                              as well as the cache) */
};

static GMutex intern_lock;
static InternTable *intern_table;    /* atomic: the current table, or NULL */
static gsize intern_count;           /* under intern_lock */

/* The blocks of every thread's string arena, chained through their first
 * bytes (under intern_lock). */
static gpointer intern_blocks;

/* Strings interned again and again (a claim's slot values) would all
 * probe the shared table, a cache miss for the slot and one for the
 * bytes: each thread keeps a small direct-mapped cache of the strings it
 * interned or found lately, keyed by a hash of the bytes (hash_bytes); a
 * hit costs one hash and one compare, without the lock.  Cached pointers
 * are interned strings, which live until exit, so a stale slot is never
 * dangling.
 *
 * (There is no cache of the pointers handed out for xref_intern_try to
 * answer without reading bytes: on the 10 MB bench corpus it was written
 * on every intern, a random line each, and answered none of the 10,606
 * calls, which all pass strings built on the fly.) */
#define CACHE_BITS 14

typedef struct {
  const char *s;
  guint32 len;
  guint32 hash;            /* hash_bytes of s: a slot that holds another
                              string is passed over without reading it */
} CacheSlot;

typedef struct {
  CacheSlot cache[1u << CACHE_BITS];
  /* The free end of this thread's block of interned bytes (arena_take) */
  char *arena;
  gsize arena_left;
} InternTls;

/* This thread's caches, allocated when it first interns (a static
 * _Thread_local array would be zeroed at the creation of every thread of
 * a run, most of which never intern) and freed when it exits. */
static _Thread_local InternTls *intern_tls;
static GPrivate intern_tls_key = G_PRIVATE_INIT (g_free);

G_NO_INLINE static InternTls *
intern_tls_new (void)
{
  InternTls *tl = g_new0 (InternTls, 1);

  intern_tls = tl;
  g_private_set (&intern_tls_key, tl);
  return tl;
}

/* (a load and a test) */
static inline InternTls *
intern_tls_get (void)
{
  InternTls *tl = intern_tls;
  return G_LIKELY (tl != NULL) ? tl : intern_tls_new ();
}

/* A hash of s[0..len) that reads eight bytes at a time (most strings are
 * words of a few letters: one or two loads, not a step per byte).  The
 * last 1..7 bytes are read as two overlapping 4-byte loads, or first,
 * middle and last byte, as wyhash does; the length is in the seed. */
static inline guint32
hash_bytes (const char *s, gsize len)
{
  const guint64 k = G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  guint64 h = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) ^ len, w = 0;

  while (len >= 8)
    {
      memcpy (&w, s, 8);
      h = (h ^ w) * k;
      h ^= h >> 32;
      s += 8;
      len -= 8;
    }
  if (len >= 4)
    {
      guint32 a, b;
      memcpy (&a, s, 4);
      memcpy (&b, s + len - 4, 4);
      w = ((guint64) a << 32) | b;
    }
  else if (len > 0)
    w = ((guint64) (guchar) s[0] << 16) | ((guint64) (guchar) s[len >> 1] << 8) | (guchar) s[len - 1];
  else
    w = 0;
  h = (h ^ w) * k;
  h ^= h >> 32;
  h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  h ^= h >> 29;
  return (guint32) h;
}

/* a[0..len) == b[0..len): most interned strings are words of a few
 * bytes, compared here with one or two loads from each side (overlapping
 * loads, as hash_bytes reads them) instead of a call of memcmp. */
static inline gboolean
bytes_equal (const char *a, const char *b, gsize len)
{
  if (len >= 8)
    {
      guint64 x, y, u, v;
      if (len > 16)
        return memcmp (a, b, len) == 0;
      memcpy (&x, a, 8);
      memcpy (&y, b, 8);
      memcpy (&u, a + len - 8, 8);
      memcpy (&v, b + len - 8, 8);
      return ((x ^ y) | (u ^ v)) == 0;
    }
  if (len >= 4)
    {
      guint32 x, y, u, v;
      memcpy (&x, a, 4);
      memcpy (&y, b, 4);
      memcpy (&u, a + len - 4, 4);
      memcpy (&v, b + len - 4, 4);
      return ((x ^ y) | (u ^ v)) == 0;
    }
  /* 0 to 3 bytes: the first, middle and last are all of them */
  return len == 0 || (a[0] == b[0] && a[len >> 1] == b[len >> 1] && a[len - 1] == b[len - 1]);
}

static inline CacheSlot *
cache_slot (InternTls *tl, guint32 h)
{
  return &tl->cache[(h ^ (h >> CACHE_BITS)) & ((1u << CACHE_BITS) - 1)];
}

/* The first slot of t where an entry of hash h would be looked for.
 * The slot index mixes the high bits in (the cache uses the low ones). */
static inline gsize
table_home (const InternTable *t, guint32 h)
{
  return (gsize) (h * 0x9E3779B1u) & t->mask;
}

/* s[0..len) (hash h) in t without a lock, or NULL (see the table's
 * comment: a NULL may be a string added meanwhile, never a wrong one). */
static inline const char *
table_probe (const InternTable *t, const char *s, gsize len, guint32 h)
{
  for (gsize i = table_home (t, h);; i = (i + 1) & t->mask)
    {
      const InternEntry *e = &t->slots[i];
      const char *p = __atomic_load_n (&e->s, __ATOMIC_ACQUIRE);
      if (p == NULL)
        return NULL;
      if (e->hash == h && e->len == len && bytes_equal (p, s, len))
        return p;
    }
}

/* The slot of the current table for s[0..len) with hash h: the entry
 * holding it, or the empty slot where it belongs.  Called with
 * intern_lock held and the table allocated. */
static InternEntry *
table_find (const char *s, gsize len, guint32 h)
{
  InternTable *t = intern_table;

  for (gsize i = table_home (t, h);; i = (i + 1) & t->mask)
    {
      InternEntry *e = &t->slots[i];
      if (e->s == NULL || (e->hash == h && e->len == len && bytes_equal (e->s, s, len)))
        return e;
    }
}

/* A huge page, and the length xref_huge_alloc0 maps for size bytes. */
#if defined(MADV_HUGEPAGE)
#define HUGE_PAGE ((gsize) 2 << 20)
#define HUGE_LEN(size) (((size) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1))
#endif

gpointer
xref_huge_alloc0 (gsize size, gpointer *handle)
{
  gpointer mem;

#if defined(MADV_HUGEPAGE)
  gsize len = HUGE_LEN (size);
  char *p = mmap (NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  if (p != MAP_FAILED)
    {
      char *q = (char *) (((guintptr) p + HUGE_PAGE - 1) & ~(guintptr) (HUGE_PAGE - 1));
      /* (the mapping's ends around the aligned q: q - p < HUGE_PAGE) */
      if (q > p)
        munmap (p, (gsize) (q - p));
      munmap (q + len, (gsize) (p + HUGE_PAGE - q));
      (void) madvise (q, len, MADV_HUGEPAGE);
      /* (the low bit tells xref_huge_free which it was) */
      *handle = q + 1;
      return q;
    }
#endif
  mem = g_malloc0 (size + 64);
  *handle = mem;
  return (gpointer) (((guintptr) mem + 63) & ~(guintptr) 63);
}

void
xref_huge_free (gpointer handle, gsize size)
{
  if (handle == NULL)
    return;
#if defined(MADV_HUGEPAGE)
  if ((guintptr) handle & 1)
    {
      munmap ((char *) handle - 1, HUGE_LEN (size));
      return;
    }
#endif
  g_free (handle);
}

static InternTable *
table_new (gsize n_slots, InternTable *older)
{
  InternTable *t = g_new (InternTable, 1);
  gpointer handle;

  /* (never freed, like the strings: readers may still probe an old table) */
  t->slots = xref_huge_alloc0 (n_slots * sizeof (InternEntry), &handle);
  t->mask = n_slots - 1;
  t->older = older;
  return t;
}

/* Replaces the table (with intern_lock held) by one twice its size, so
 * that it stays at most half full, and publishes it; the old one is kept
 * for the readers that may still be probing it.  The entries are
 * distinct, so each goes to the first empty slot from its home, with no
 * compare; the home of the entry sixteen ahead is prefetched, so that
 * the random writes into the new table wait on memory together rather
 * than one after another. */
static void
table_grow (void)
{
  InternTable *old = intern_table;
  gsize old_n = old->mask + 1;
  InternTable *t = table_new (old_n * 2, old);

  for (gsize k = 0; k < old_n; k++)
    {
      const InternEntry *o = &old->slots[k];
      gsize i;
      if (k + 16 < old_n && old->slots[k + 16].s != NULL)
        __builtin_prefetch (&t->slots[table_home (t, old->slots[k + 16].hash)], 1);
      if (o->s == NULL)
        continue;
      for (i = table_home (t, o->hash); t->slots[i].s != NULL; i = (i + 1) & t->mask)
        ;
      t->slots[i] = *o;
    }
  __atomic_store_n (&intern_table, t, __ATOMIC_RELEASE);
}

/* A block of the string arena: 64 KiB, or one string's own when longer. */
#define ARENA_BLOCK ((gsize) 64 << 10)

/* Room for len bytes and a NUL in this thread's arena: the copy
 * table_lookup publishes, made before it takes the lock.  Blocks are
 * chained (under intern_lock: a block is taken once per ~64 KiB of new
 * strings) into intern_blocks. */
static char *
arena_take (InternTls *tl, gsize len)
{
  gsize need = len + 1;
  char *block;

  if (G_LIKELY (need <= tl->arena_left))
    {
      char *p = tl->arena;
      tl->arena += need;
      tl->arena_left -= need;
      return p;
    }
  {
    gsize size = MAX (ARENA_BLOCK, need + sizeof (gpointer));
    block = g_malloc (size);
    g_mutex_lock (&intern_lock);
    *(gpointer *) (gpointer) block = intern_blocks;
    intern_blocks = block;
    g_mutex_unlock (&intern_lock);
    block += sizeof (gpointer);
    size -= sizeof (gpointer);
    if (size - need >= tl->arena_left)
      {
        /* (a block for this string alone leaves the old one current) */
        tl->arena = block + need;
        tl->arena_left = size - need;
      }
    return block;
  }
}

/* Gives back the last arena_take (of len bytes) when its copy was not
 * used. */
static void
arena_untake (InternTls *tl, char *p, gsize len)
{
  if (p + len + 1 == tl->arena)
    {
      tl->arena = p;
      tl->arena_left += len + 1;
    }
}

/* Looks s[0..len) (hash h) up in the shared table; when add, interns it
 * if missing.  Returns the interned copy or NULL. */
static const char *
table_lookup (InternTls *tl, const char *s, gsize len, guint32 h, gboolean add)
{
  const InternTable *t = __atomic_load_n (&intern_table, __ATOMIC_ACQUIRE);
  const char *found;
  InternEntry *e;
  char *copy;

  if (t != NULL && (found = table_probe (t, s, len, h)) != NULL)
    return found;
  if (!add)
    return NULL;
  copy = arena_take (tl, len);
  memcpy (copy, s, len);
  copy[len] = '\0';
  g_mutex_lock (&intern_lock);
  if (intern_table == NULL)
    {
      /* 2^17 slots (2 MiB, touched as they are used): a run of any size
       * interns tens of thousands of strings (51,561 for the 10 MB bench
       * corpus), and each doubling from a small table rehashed every
       * entry, a cache miss each, with the lock held */
      __atomic_store_n (&intern_table, table_new ((gsize) 1 << 17, NULL), __ATOMIC_RELEASE);
    }
  e = table_find (s, len, h);
  if (e->s != NULL)
    {
      /* added by another thread since the probe */
      found = e->s;
      g_mutex_unlock (&intern_lock);
      arena_untake (tl, copy, len);
      return found;
    }
  e->hash = h;
  e->len = (guint32) len;
  __atomic_store_n (&e->s, copy, __ATOMIC_RELEASE);
  if (++intern_count * 2 > intern_table->mask + 1)
    table_grow ();
  g_mutex_unlock (&intern_lock);
  return copy;
}

const char *
xref_intern_len (const char *s, gsize len)
{
  const char *found;
  InternTls *tl;
  CacheSlot *slot;
  guint32 h;

  if (s == NULL)
    return NULL;
  /* lengths are kept in 32 bits; nothing interned comes near 4 GiB
   * (articles are capped at 64 MiB) */
  g_assert (len < G_MAXUINT32);
  h = hash_bytes (s, len);
  tl = intern_tls_get ();
  slot = cache_slot (tl, h);
  if (slot->s != NULL && slot->hash == h && slot->len == len && bytes_equal (slot->s, s, len))
    return slot->s;
  found = table_lookup (tl, s, len, h, TRUE);
  slot->s = found;
  slot->len = (guint32) len;
  slot->hash = h;
  return found;
}

const char *
xref_intern_len_cold (const char *s, gsize len)
{
  if (s == NULL)
    return NULL;
  g_assert (len < G_MAXUINT32);
  return table_lookup (intern_tls_get (), s, len, hash_bytes (s, len), TRUE);
}

const char *
xref_intern_try (const char *s)
{
  const char *found;
  gsize len;
  guint32 h;
  InternTls *tl;
  CacheSlot *slot;

  if (s == NULL)
    return NULL;
  tl = intern_tls_get ();
  len = strlen (s);
  h = hash_bytes (s, len);
  slot = cache_slot (tl, h);
  if (slot->s != NULL && slot->hash == h && slot->len == len && bytes_equal (slot->s, s, len))
    return slot->s;
  if (len >= G_MAXUINT32)
    return NULL;
  found = table_lookup (tl, s, len, h, FALSE);
  if (found != NULL)
    {
      slot->s = found;
      slot->len = (guint32) len;
      slot->hash = h;
    }
  return found;
}

const char *
xref_intern (const char *s)
{
  return s != NULL ? xref_intern_len (s, strlen (s)) : NULL;
}

/* Runs of ASCII, most of an article, are passed 32 and 16 bytes at a time
 * (eight without SSE2) up to the first byte that is not ASCII or is NUL;
 * two- and three-byte characters (accented letters, ’ “ ” —) are checked
 * here; any other character, valid or not, by g_utf8_validate_len
 * (validity of a UTF-8 character does not depend on the bytes after it),
 * so the answer is that of one call over the whole text.  Called on every
 * article and on every subject of a rule regex. */
gsize
xref_utf8_valid_prefix (const char *s, gsize len)
{
  const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080), ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guchar *u = (const guchar *) s;
  gsize i = 0;

  while (i < len)
    {
      guchar c;

#if defined(__SSE2__)
      /* thirty-two bytes a step while nothing stands out (a byte of x
       * or y >= 0x80, or a zero byte: the minimum of x and y is zero) */
      for (; i + 32 <= len; i += 32)
        {
          __m128i x = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (u + i));
          __m128i y = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (u + i + 16));
          __m128i f = _mm_or_si128 (_mm_or_si128 (x, y), _mm_cmpeq_epi8 (_mm_min_epu8 (x, y), _mm_setzero_si128 ()));
          if (_mm_movemask_epi8 (f) != 0)
            break;
        }
      for (; i + 16 <= len; i += 16)
        {
          __m128i x = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (u + i));
          /* the bytes >= 0x80 and the zero bytes */
          guint m = (guint) _mm_movemask_epi8 (_mm_or_si128 (x, _mm_cmpeq_epi8 (x, _mm_setzero_si128 ())));
          if (m != 0)
            {
              i += (gsize) __builtin_ctz (m);
              break;
            }
        }
#endif
      for (; i + 8 <= len; i += 8)
        {
          guint64 w, m;
          memcpy (&w, u + i, 8);
          /* a byte >= 0x80, or a zero byte (the lowest flag of the zero
           * test is exact: its false flags sit above a true one) */
          m = (w & high) | ((w - ones) & ~w & high);
          if (m != 0)
            {
              /* the first such byte (little-endian order) */
              i += (gsize) (G_BYTE_ORDER == G_LITTLE_ENDIAN ? __builtin_ctzll (m) / 8 : 0);
              break;
            }
        }
      if (i >= len)
        break;
      c = u[i];
      if (c == 0)
        return i;
      if (c < 0x80)
        {
          i++;
          continue;
        }
      if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (u[i + 1] & 0xC0) == 0x80)
        {
          i += 2;
          continue;
        }
      /* three bytes: not overlong (E0 A0..), not a surrogate (ED ..9F) */
      if ((c & 0xF0) == 0xE0 && i + 2 < len && (u[i + 2] & 0xC0) == 0x80 && u[i + 1] >= (c == 0xE0 ? 0xA0 : 0x80)
          && u[i + 1] <= (c == 0xED ? 0x9F : 0xBF))
        {
          i += 3;
          continue;
        }
      {
        gsize n = MIN ((gsize) g_utf8_skip[c], len - i);
        const char *stop;
        if (!g_utf8_validate_len (s + i, n, &stop))
          return (gsize) (stop - s);
        i += n;
      }
    }
  return len;
}

gboolean
xref_unichar_unsafe (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
         || c == 0x200e || c == 0x200f || c == 0x061c;
}

/* Text from an article or a file name made safe for a terminal: valid
 * UTF-8, unsafe characters turned into '?'. */
static char *
printable (const char *s)
{
  g_autofree char *valid = g_utf8_make_valid (s, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      if (xref_unichar_unsafe (g_utf8_get_char (p)))
        g_string_append_c (out, '?');
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

/* The calling thread's held-back warnings (xref_warn_hold), or NULL. */
static _Thread_local GString *warn_held;

void
xref_warn_hold (GString *buf)
{
  warn_held = buf;
}

void
xref_warn_write (const GString *buf)
{
  if (buf == NULL || buf->len == 0)
    return;
  g_mutex_lock (&warn_lock);
  fwrite (buf->str, 1, buf->len, stderr);
  g_mutex_unlock (&warn_lock);
}

void
xref_warn (const char *file, const char *format, ...)
{
  va_list ap;
  g_autofree char *raw = NULL;
  g_autofree char *msg = NULL;
  g_autofree char *line = NULL;

  va_start (ap, format);
  raw = g_strdup_vprintf (format, ap);
  va_end (ap);
  /* Messages may quote article or rule text: the same care as names. */
  msg = printable (raw);

  /* (the whole line at once: a held one and a written one are the same) */
  if (file != NULL)
    {
      g_autofree char *shown = printable (file);
      line = g_strdup_printf ("xref: warning: %s: %s\n", shown, msg);
    }
  else
    line = g_strdup_printf ("xref: warning: %s\n", msg);
  if (warn_held != NULL)
    {
      g_string_append (warn_held, line);
      return;
    }
  g_mutex_lock (&warn_lock);
  fputs (line, stderr);
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
  if (d->year <= 9999 && d->month > 0 && d->month <= 99 && d->day > 0 && d->day <= 99 && d->year > 0)
    {
      /* the common case by hand: a document's and every dated claim's
       * date pass here, and printf was most of its cost */
      buf[0] = (char) ('0' + d->year / 1000);
      buf[1] = (char) ('0' + d->year / 100 % 10);
      buf[2] = (char) ('0' + d->year / 10 % 10);
      buf[3] = (char) ('0' + d->year % 10);
      buf[4] = '-';
      buf[5] = (char) ('0' + d->month / 10);
      buf[6] = (char) ('0' + d->month % 10);
      buf[7] = '-';
      buf[8] = (char) ('0' + d->day / 10);
      buf[9] = (char) ('0' + d->day % 10);
      return xref_intern_len (buf, 10);
    }
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

/* One field of n digits, or (x_ok) n X's for "unknown" (0). */
static gboolean
parse_digits (const char *s, int n, gboolean x_ok, gint *out)
{
  gint v = 0;
  gboolean all_x = x_ok;

  for (int i = 0; i < n; i++)
    if (s[i] != 'X')
      all_x = FALSE;
  if (all_x)
    {
      *out = 0;
      return TRUE;
    }
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_date (const char *s, gboolean x_ok, XrefDate *out)
{
  XrefDate d = { 0, 0, 0 };
  gsize len;

  if (s == NULL)
    return FALSE;
  len = strlen (s);
  if (len != 4 && len != 7 && len != 10)
    return FALSE;
  if (!parse_digits (s, 4, x_ok, &d.year) || (!x_ok && d.year == 0))
    return FALSE;
  if (len >= 7
      && (s[4] != '-' || !parse_digits (s + 5, 2, x_ok, &d.month) || d.month > 12 || (!x_ok && d.month < 1)))
    return FALSE;
  if (len == 10
      && (s[7] != '-' || !parse_digits (s + 8, 2, x_ok, &d.day) || d.day > 31 || (!x_ok && d.day < 1)
          || (d.year > 0 && d.month > 0 && d.day > g_date_get_days_in_month ((GDateMonth) d.month, (GDateYear) d.year))))
    return FALSE;
  if (d.year == 0 && d.month == 0 && d.day == 0)
    return FALSE;
  *out = d;
  return TRUE;
}

gboolean
xref_date_parse_iso (const char *s, XrefDate *out)
{
  return parse_date (s, FALSE, out);
}

gboolean
xref_date_parse_timeml (const char *s, XrefDate *out)
{
  return parse_date (s, TRUE, out);
}

/* A GDate of a complete, valid date. */
static gboolean
to_gdate (const XrefDate *d, GDate *g)
{
  if (!xref_date_is_complete (d) || d->year > G_MAXUINT16 || d->month > 12
      || !g_date_valid_dmy ((GDateDay) d->day, (GDateMonth) d->month, (GDateYear) d->year))
    return FALSE;
  g_date_clear (g, 1);
  g_date_set_dmy (g, (GDateDay) d->day, (GDateMonth) d->month, (GDateYear) d->year);
  return TRUE;
}

gint
xref_date_weekday (const XrefDate *d)
{
  GDate g;
  return to_gdate (d, &g) ? (gint) g_date_get_weekday (&g) : 0;
}

gboolean
xref_date_to_days (const XrefDate *d, gint64 *days)
{
  GDate g;

  if (!to_gdate (d, &g))
    return FALSE;
  *days = (gint64) g_date_get_julian (&g);
  return TRUE;
}

gboolean
xref_read_file (const char *path, gsize max_size, char **contents, gsize *len, GError **error)
{
  struct stat st;
  int fd;
  char *buf;
  gsize cap, got = 0;

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

  /* Read straight into a buffer of the file's size (a GString would round
   * it up to a power of two: nearly twice the corpus held in memory).  A
   * file that grows while it is read gets more room; one that shrinks is
   * cut to what was read. */
  cap = (gsize) st.st_size + 1;
  buf = g_malloc (cap);
  for (;;)
    {
      ssize_t n;

      if (got + 1 == cap)
        {
          /* Full: the usual case is the end of the file, so ask for one
           * byte before growing the buffer. */
          char probe;
          ssize_t m;
          while ((m = read (fd, &probe, 1)) < 0 && errno == EINTR)
            ;
          if (m == 0)
            break;
          if (m < 0 || got >= max_size)
            {
              int saved = errno;
              close (fd);
              g_free (buf);
              if (m < 0)
                g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "cannot read: %s", g_strerror (saved));
              else
                g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "file too large (limit %" G_GSIZE_FORMAT " bytes)",
                             max_size);
              return FALSE;
            }
          cap = MIN (MAX (cap * 2, (gsize) 65536), max_size + 1);
          buf = g_realloc (buf, cap);
          buf[got++] = probe;
          continue;
        }
      n = read (fd, buf + got, cap - 1 - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_free (buf);
          g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "cannot read: %s", g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      got += (gsize) n;
    }
  close (fd);
  if (got + 1 < cap)
    buf = g_realloc (buf, got + 1);
  buf[got] = '\0';
  *len = got;
  *contents = buf;
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

/* An output being written: to stdout, or to a temporary file beside the
 * target that xref_output_commit renames over it. */
struct _XrefOutput {
  int fd;
  char *path;              /* as given, for messages */
  char *target;            /* the file replaced on commit (a symlink's target) */
  char *tmp;               /* the temporary file, NULL for stdout */
  int err;                 /* errno of the first failed write, 0 if none */
};

XrefOutput *
xref_output_open (const char *path, GError **error)
{
  XrefOutput *out = g_new0 (XrefOutput, 1);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;

  out->path = g_strdup (path);
  if (g_strcmp0 (path, "-") == 0)
    {
      out->fd = STDOUT_FILENO;
      return out;
    }

  /* A symlinked output path is written through: the report replaces the
   * link's target, and the link itself stays.  (Documented in xref(1).) */
  out->target = g_file_read_link (path, NULL);
  if (out->target != NULL && !g_path_is_absolute (out->target))
    {
      g_autofree char *linkdir = g_path_get_dirname (path);
      char *joined = g_build_filename (linkdir, out->target, NULL);
      g_free (out->target);
      out->target = joined;
    }
  if (out->target == NULL)
    out->target = g_strdup (path);

  dir = g_path_get_dirname (out->target);
  base = g_path_get_basename (out->target);
  out->tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  out->fd = g_mkstemp_full (out->tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (out->fd < 0)
    {
      int saved = errno;
      g_set_error (error, XREF_ERROR, XREF_ERROR_IO, "cannot create a temporary file beside '%s': %s", path,
                   g_strerror (saved));
      g_clear_pointer (&out->tmp, g_free);
      xref_output_abort (out);
      return NULL;
    }
  return out;
}

gboolean
xref_output_write (XrefOutput *out, const char *data, gsize len)
{
  if (out->err == 0 && !write_all (out->fd, data, len))
    out->err = errno != 0 ? errno : EIO;
  return out->err == 0;
}

gboolean
xref_output_commit (XrefOutput *out, GError **error)
{
  int saved = out->err;

  if (out->tmp == NULL)
    {
      if (saved != 0)
        g_set_error (error, XREF_ERROR, XREF_ERROR_IO, "cannot write to standard output: %s", g_strerror (saved));
      xref_output_abort (out);
      return saved == 0;
    }
  if (saved == 0 && fsync (out->fd) != 0)
    saved = errno;
  if (close (out->fd) != 0 && saved == 0)
    saved = errno;
  out->fd = -1;
  if (saved == 0 && rename (out->tmp, out->target) != 0)
    saved = errno;
  if (saved != 0)
    {
      g_set_error (error, XREF_ERROR, XREF_ERROR_IO, "cannot write '%s': %s", out->path, g_strerror (saved));
      xref_output_abort (out);
      return FALSE;
    }
  g_clear_pointer (&out->tmp, g_free);   /* renamed: nothing to remove */
  xref_output_abort (out);
  return TRUE;
}

void
xref_output_abort (XrefOutput *out)
{
  if (out == NULL)
    return;
  if (out->tmp != NULL)
    {
      if (out->fd >= 0)
        close (out->fd);
      unlink (out->tmp);
    }
  g_free (out->tmp);
  g_free (out->target);
  g_free (out->path);
  g_free (out);
}

gboolean
xref_write_file_atomic (const char *path, const char *contents, gsize len, GError **error)
{
  XrefOutput *out = xref_output_open (path, error);

  if (out == NULL)
    return FALSE;
  xref_output_write (out, contents, len);
  return xref_output_commit (out, error);
}
