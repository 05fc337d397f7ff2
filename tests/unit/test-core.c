/* Unit tests of core.c: the intern table (strings one byte apart, NUL
 * bytes inside) and the UTF-8 prefix check against GLib's. */
#include "test-util.h"

#include "xref/core.h"

/* Strings of 1 to 40 bytes that differ from a base string in exactly one
 * byte, at every place (the first, the last, both halves of the
 * overlapping loads): each interns to a pointer of its own, and a copy of
 * it to the same pointer, through the per-thread cache (the second
 * round) and the shared table (the first). */
static void
test_intern_one_byte_apart (void **state)
{
  char base[41], other[41], copy[41];

  (void) state;
  for (gsize len = 1; len <= 40; len++)
    {
      const char *b;

      for (gsize k = 0; k < len; k++)
        base[k] = (char) ('a' + (len * 7 + k * 3) % 26);
      base[len] = '\0';
      b = xref_intern_len (base, len);
      assert_memory_equal (b, base, len);
      assert_int_equal (b[len], '\0');
      for (gsize at = 0; at < len; at++)
        {
          const char *o, *again;

          memcpy (other, base, len + 1);
          other[at] = other[at] == 'Z' ? 'Y' : 'Z';
          o = xref_intern_len (other, len);
          assert_true (o != b);
          assert_memory_equal (o, other, len);
          memcpy (copy, other, len + 1);
          again = xref_intern (copy);
          assert_ptr_equal (again, o);
          assert_ptr_equal (xref_intern_len (base, len), b);
          assert_ptr_equal (xref_intern_try (other), o);
        }
    }
}

/* Strings with NUL bytes inside (xref_intern_len takes any bytes): a
 * string and its prefix up to a NUL are two strings. */
static void
test_intern_inner_nul (void **state)
{
  static const char bytes[] = "ab\0cd\0\0efghijkl\0";
  const char *whole, *prefix, *longer;

  (void) state;
  whole = xref_intern_len (bytes, 5);
  prefix = xref_intern_len (bytes, 2);
  longer = xref_intern_len (bytes, sizeof bytes - 1);
  assert_true (whole != prefix);
  assert_true (longer != whole);
  assert_ptr_equal (prefix, xref_intern ("ab"));
  assert_ptr_equal (xref_intern_len (bytes, 5), whole);
  assert_ptr_equal (xref_intern_len (bytes, sizeof bytes - 1), longer);
  assert_memory_equal (longer, bytes, sizeof bytes - 1);
}

/* Many distinct strings (the table, of 2^17 slots at first, doubles
 * twice, its rehash placing entries without compares): each keeps its
 * pointer, is found by xref_intern_try and holds its bytes; strings never
 * interned are not found.  Two threads intern the same strings at once
 * and get the same pointers, one of them every third string through
 * xref_intern_len_cold, which passes the thread's cache by. */
#define N_GROW 140000

static GThread *main_thread;

static gpointer
intern_many (gpointer data)
{
  const char **out = data;
  char buf[32];

  for (guint i = 0; i < N_GROW; i++)
    {
      g_snprintf (buf, sizeof buf, "grow-%u-%x", i, i * 2654435761u);
      out[i] = i % 3 == 0 && g_thread_self () != main_thread ? xref_intern_len_cold (buf, strlen (buf))
                                                              : xref_intern (buf);
    }
  return NULL;
}

static void
test_intern_grow (void **state)
{
  g_autofree const char **a = g_new0 (const char *, N_GROW);
  g_autofree const char **b = g_new0 (const char *, N_GROW);
  GThread *t;
  char buf[32];

  (void) state;
  main_thread = g_thread_self ();
  t = g_thread_new ("intern", intern_many, b);
  intern_many (a);
  g_thread_join (t);
  for (guint i = 0; i < N_GROW; i++)
    {
      g_snprintf (buf, sizeof buf, "grow-%u-%x", i, i * 2654435761u);
      assert_ptr_equal (a[i], b[i]);
      assert_string_equal (a[i], buf);
      assert_ptr_equal (xref_intern_try (buf), a[i]);
      assert_ptr_equal (xref_intern_len (buf, strlen (buf)), a[i]);
      assert_ptr_equal (xref_intern_len_cold (buf, strlen (buf)), a[i]);
      g_snprintf (buf, sizeof buf, "never-%u", i);
      assert_null (xref_intern_try (buf));
    }
  /* a string interned first past the cache is found by the others */
  {
    const char *c = xref_intern_len_cold ("cold-first-xyz", 10);
    assert_string_equal (c, "cold-first");
    assert_ptr_equal (xref_intern_try ("cold-first"), c);
    assert_ptr_equal (xref_intern ("cold-first"), c);
    assert_ptr_equal (xref_intern_len_cold ("cold-first", 10), c);
  }
}

/* Strings longer than a block of the thread's string arena (64 KiB) get
 * a block of their own, and the arena goes on where it was: the strings
 * interned before and after keep their bytes. */
static void
test_intern_long (void **state)
{
  gsize n = (gsize) 200 << 10;
  g_autofree char *big = g_malloc (n + 1);
  const char *before, *p, *after, *again;

  (void) state;
  for (gsize i = 0; i < n; i++)
    big[i] = (char) ('a' + i % 26);
  big[n] = '\0';
  before = xref_intern ("long-before");
  p = xref_intern_len (big, n);
  after = xref_intern ("long-after");
  assert_int_equal (strlen (p), n);
  assert_memory_equal (p, big, n);
  assert_string_equal (before, "long-before");
  assert_string_equal (after, "long-after");
  big[n - 1] = 'Z';
  again = xref_intern_len (big, n);
  assert_ptr_not_equal (again, p);
  assert_int_equal (p[n - 1], 'a' + (n - 1) % 26);
  assert_ptr_equal (xref_intern_len (big, n), again);
  assert_ptr_equal (xref_intern_len_cold (big, n - 1), xref_intern_len (p, n - 1));
}

/* xref_utf8_valid_prefix gives g_utf8_validate_len's answer (the end of
 * the longest valid prefix) for random texts of ASCII runs, valid
 * characters of two, three and four bytes and the invalid ones (overlong,
 * surrogate, beyond U+10FFFF, truncated, stray continuation bytes, NUL),
 * for every start and every length: the thirty-two-, sixteen- and
 * eight-byte runs, the characters checked inline and those left to GLib. */
static void
test_utf8_valid_prefix (void **state)
{
  static const char *const pieces[] = {
    "a", "The quick brown fox ", "0123456789abcdefghijklmnopqrstuvwxyz", " ", "\n", "\t", "~",
    "é", "ß", "\u00a0", "\u0430\u0431", "’", "“", "”", "—", "\u2028", "\uffff", "\ufffe", "\U0001F600", "\U0010FFFF",
    "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
    "\xf5\x80\x80\x80", "\xf0\x80\x80\x80", "\xc3", "\xe2\x80", "\xf0\x9f\x98", "\x80", "\xbf", "\xff", "\xfe",
    "\xe2\x28\xa1", "\xc3\x28",
  };
  g_autoptr (GRand) rnd = g_rand_new_with_seed (5);
  guint checked = 0;

  (void) state;
  for (guint n = 0; n < 1500; n++)
    {
      g_autoptr (GString) t = g_string_new (NULL);
      guint parts = (guint) g_rand_int_range (rnd, 1, 16);
      for (guint k = 0; k < parts; k++)
        {
          guint p = (guint) g_rand_int_range (rnd, 0, G_N_ELEMENTS (pieces) + 1);
          if (p == G_N_ELEMENTS (pieces))
            g_string_append_c (t, '\0');
          else if (g_rand_int_range (rnd, 0, 4) == 0 && p >= 20)
            g_string_append (t, pieces[0]);     /* fewer invalid pieces */
          else
            g_string_append (t, pieces[p]);
        }
      for (gsize start = 0; start <= t->len && start < 20; start++)
        for (gsize len = 0; start + len <= t->len; len++)
          {
            const char *end = NULL;
            gsize got = xref_utf8_valid_prefix (t->str + start, len);
            g_utf8_validate_len (t->str + start, len, &end);
            if (got != (gsize) (end - (t->str + start)))
              fail_msg ("text %u from %" G_GSIZE_FORMAT " for %" G_GSIZE_FORMAT ": %" G_GSIZE_FORMAT
                        ", GLib says %" G_GSIZE_FORMAT,
                        n, start, len, got, (gsize) (end - (t->str + start)));
            checked++;
          }
    }
  assert_true (checked > 100000);
}

/* Every bidirectional control is unsafe, and nothing else of the
 * punctuation block around them: embeddings, overrides, isolates and the
 * marks LRM, RLM, ALM (a fuzzer found LRM shown raw in the table). */
static void
test_unichar_unsafe_bidi (void **state)
{
  static const gunichar bidi[] = { 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
                                   0x2066, 0x2067, 0x2068, 0x2069 };
  static const gunichar shown[] = { 'a', 0xe9, 0x200b, 0x200d, 0x2010, 0x2014, 0x201c, 0x2029 + 0x10, 0x2070,
                                    0x061b, 0x061d };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (bidi); i++)
    if (!xref_unichar_unsafe (bidi[i]))
      fail_msg ("U+%04X is shown raw", bidi[i]);
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    if (xref_unichar_unsafe (shown[i]))
      fail_msg ("U+%04X is taken for unsafe", shown[i]);
  assert_true (xref_unichar_unsafe (0x1b));
  assert_true (xref_unichar_unsafe (0x85));
}

/* xref_date_to_iso formats complete dates by hand: every edge of the
 * fields reads as printf's "%04d-%02d-%02d" (interned), and the partial
 * and out-of-range forms are printf's too. */
static void
test_date_to_iso (void **state)
{
  static const gint years[] = { -1, 0, 1, 9, 10, 999, 1000, 2022, 9999, 10000, 123456 };
  static const gint months[] = { -1, 0, 1, 9, 10, 12, 99, 100 };
  static const gint days[] = { -1, 0, 1, 9, 10, 31, 99, 100, 1000 };

  (void) state;
  for (guint y = 0; y < G_N_ELEMENTS (years); y++)
    for (guint m = 0; m < G_N_ELEMENTS (months); m++)
      for (guint d = 0; d < G_N_ELEMENTS (days); d++)
        {
          XrefDate date = { years[y], months[m], days[d] };
          const char *iso = xref_date_to_iso (&date);
          g_autofree char *want = NULL;

          if (date.year > 0 && date.month > 0 && date.day > 0)
            want = g_strdup_printf ("%04d-%02d-%02d", date.year, date.month, date.day);
          else if (date.year > 0 && date.month > 0)
            want = g_strdup_printf ("%04d-%02d", date.year, date.month);
          else if (date.year > 0)
            want = g_strdup_printf ("%04d", date.year);
          else if (date.month > 0 && date.day > 0)
            want = g_strdup_printf ("XXXX-%02d-%02d", date.month, date.day);
          else if (date.month > 0)
            want = g_strdup_printf ("XXXX-%02d", date.month);
          if (want == NULL)
            assert_null (iso);
          else
            {
              assert_string_equal (iso, want);
              assert_ptr_equal (iso, xref_intern (want));
            }
        }
}

/* xref_intern_try of a pointer it handed out (a token's norm) answers
 * that pointer, through the thread's cache or the shared table: there is
 * no cache of handed-out pointers, so this is the bytes' lookup, checked
 * here after enough other strings to push the first ones out of the
 * thread's cache. */
static void
test_intern_try_interned (void **state)
{
  enum { N = 40000 };
  g_autofree const char **p = g_new0 (const char *, N);
  char buf[32];

  (void) state;
  for (guint i = 0; i < N; i++)
    {
      g_snprintf (buf, sizeof buf, "try-%u", i);
      p[i] = xref_intern (buf);
    }
  for (guint i = 0; i < N; i++)
    {
      g_snprintf (buf, sizeof buf, "try-%u", i);
      assert_ptr_equal (xref_intern_try (p[i]), p[i]);
      assert_ptr_equal (xref_intern_try (buf), p[i]);
    }
}

/* xref_huge_alloc0: zeros, aligned at least on a cache line (on 2 MiB
 * where it maps), writable to the last byte, for sizes below, at and
 * above a huge page; xref_huge_free takes it back (valgrind and ASan
 * see a wrong length or handle). */
static void
test_huge_alloc (void **state)
{
  const gsize sizes[] = { 1, 4096, (gsize) 384 << 10, (gsize) 2 << 20, ((gsize) 2 << 20) + 1, (gsize) 5 << 20 };

  (void) state;
  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      gpointer handle = NULL;
      guchar *p = xref_huge_alloc0 (sizes[k], &handle);
      guint64 sum = 0;

      assert_non_null (p);
      assert_non_null (handle);
      assert_int_equal ((guintptr) p % 64, 0);
      for (gsize i = 0; i < sizes[k]; i += 512)
        sum += p[i];
      sum += p[sizes[k] - 1];
      assert_int_equal (sum, 0);
      memset (p, 0xA5, sizes[k]);
      assert_int_equal (p[sizes[k] - 1], 0xA5);
      xref_huge_free (handle, sizes[k]);
    }
  xref_huge_free (NULL, 4096);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_intern_one_byte_apart),
    cmocka_unit_test (test_intern_inner_nul),
    cmocka_unit_test (test_intern_grow),
    cmocka_unit_test (test_intern_long),
    cmocka_unit_test (test_utf8_valid_prefix),
    cmocka_unit_test (test_unichar_unsafe_bidi),
    cmocka_unit_test (test_date_to_iso),
    cmocka_unit_test (test_intern_try_interned),
    cmocka_unit_test (test_huge_alloc),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
