/* xref — report: every escaping rule of the renderers lives here (JSON,
 * terminal, CSV, Markdown, HTML), over one strict UTF-8 decoder so that
 * every format replaces the same bytes the same way. */
#include "xref/report.h"
#include "report/report-private.h"

#include <string.h>

#define REPLACEMENT 0xFFFD

/* Decodes one character at p (n > 0 bytes available) under RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF.  Returns its
 * length in bytes, or 0 when the bytes at p are not valid UTF-8. */
static guint
utf8_decode (const guchar *p, gsize n, gunichar *out)
{
  guchar b = p[0];
  gunichar c, min;
  guint len;

  if (b < 0x80)
    {
      *out = b;
      return 1;
    }
  if (b >= 0xC2 && b <= 0xDF)
    len = 2, c = b & 0x1F, min = 0x80;
  else if (b >= 0xE0 && b <= 0xEF)
    len = 3, c = b & 0x0F, min = 0x800;
  else if (b >= 0xF0 && b <= 0xF4)
    len = 4, c = b & 0x07, min = 0x10000;
  else
    return 0;
  if (n < len)
    return 0;
  for (guint i = 1; i < len; i++)
    {
      if ((p[i] & 0xC0) != 0x80)
        return 0;
      c = (c << 6) | (p[i] & 0x3F);
    }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *out = c;
  return len;
}

/* The next character of [*p, end), advancing *p; an invalid byte reads as
 * U+FFFD and is skipped alone (one replacement per bad byte). */
static gunichar
next_char (const guchar **p, const guchar *end)
{
  gunichar c;
  guint n = utf8_decode (*p, (gsize) (end - *p), &c);

  if (n == 0)
    {
      *p += 1;
      return REPLACEMENT;
    }
  *p += n;
  return c;
}

static gsize
length_of (const char *s, gssize len)
{
  return len < 0 ? strlen (s) : (gsize) len;
}

/* C0 controls, DEL and C1 controls. */
static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/* Characters that end or break a line of text. */
static gboolean
is_line_space (gunichar c)
{
  return c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == 0x85 || c == 0x2028
         || c == 0x2029;
}

/* xref_report_room / xref_report_done (report-private.h) in bytes. */
static inline guchar *
json_room (GString *out, gsize n)
{
  return (guchar *) xref_report_room (out, n);
}

static inline void
json_done (GString *out, guchar *w)
{
  xref_report_done (out, (char *) w);
}

/* 1 for the bytes a JSON string holds as they are: printable ASCII but
 * the quote (22) and the backslash (5C).  A table: one load per byte in the
 * byte loops instead of four compares. */
static const guchar json_plain_table[256] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 00 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 10 */
  1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 20 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 30 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 40 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,   /* 50 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 60 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,   /* 70 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 80 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 90 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* A0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* B0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* C0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* D0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* E0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* F0 */
};

static inline gboolean
json_plain (guchar b)
{
  return json_plain_table[b];
}

#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#define JSON_AVX2 1
#include <immintrin.h>

/* The long runs of json_plain_run 32 bytes per step with AVX2 (on the
 * processors that have it: chosen at run time, the build stays generic):
 * the test of xref_report_json_load16 on 32 bytes, one vector.  Article
 * text is mostly plain runs of a sentence's length, so this is the bulk of
 * the JSON report's escaping: a third of the instructions of the SSE2
 * loop (which also copies each vector before comparing it).  Copies the
 * run to w (stores may pass its end by up to 32 bytes, inside the room of
 * the caller: only while 32 bytes of input remain) and returns where it
 * stopped: at the first byte to look at, or with fewer than 32 bytes
 * left. */
__attribute__ ((target ("avx2"))) static gsize
json_plain_run_avx2 (const guchar *p, gsize n, guchar *w)
{
  const __m256i one = _mm256_set1_epi8 (1), limit = _mm256_set1_epi8 (0x21);
  const __m256i quote = _mm256_set1_epi8 ('"'), backslash = _mm256_set1_epi8 ('\\');
  gsize i = 0;

  while (n - i >= 32)
    {
      const __m256i v = _mm256_loadu_si256 ((const __m256i *) (p + i));
      __m256i bad = _mm256_or_si256 (_mm256_cmpgt_epi8 (limit, _mm256_add_epi8 (v, one)),
                                     _mm256_or_si256 (_mm256_cmpeq_epi8 (v, quote), _mm256_cmpeq_epi8 (v, backslash)));
      guint mask = (guint) _mm256_movemask_epi8 (bad);

      _mm256_storeu_si256 ((__m256i *) (w + i), v);
      if (mask != 0)
        return i + (gsize) __builtin_ctz (mask);
      i += 32;
    }
  return i;
}
#endif

/* Length of the run of plain bytes at the start of p[0..n), copying it to
 * w.  Most article text needs no escape at all, so this is the hot loop of
 * the JSON report: with SSE2 it tests and copies 16 bytes at a time (the
 * store may write up to 16 bytes past the run, which the caller's room
 * covers: see xref_escape_json). */
static inline gsize
json_plain_run (const guchar *p, gsize n, gsize readable, guchar *w)
{
  gsize i = 0;

#if defined(__SSE2__)
#if defined(JSON_AVX2)
  if (n >= 64 && __builtin_cpu_supports ("avx2"))
    {
      i = json_plain_run_avx2 (p, n, w);
      if (n - i >= 32)
        return i;
      /* under 32 bytes left (or a byte to look at among them): below */
    }
#endif
  /* 32 bytes a turn while they last (article text is mostly runs longer
   * than that), one test of both masks */
  while (n - i >= 32)
    {
      guint m0, m1;
      __m128i v0 = xref_report_json_load16 (p + i, &m0);
      __m128i v1 = xref_report_json_load16 (p + i + 16, &m1);

      _mm_storeu_si128 ((__m128i *) (w + i), v0);
      _mm_storeu_si128 ((__m128i *) (w + i + 16), v1);
      if ((m0 | m1) != 0)
        return i + (gsize) __builtin_ctz (m0 | (m1 << 16));
      i += 32;
    }
  while (n - i >= 16)
    {
      guint mask;
      __m128i v = xref_report_json_load16 (p + i, &mask);

      _mm_storeu_si128 ((__m128i *) (w + i), v);
      if (mask != 0)
        return i + (gsize) __builtin_ctz (mask);
      i += 16;
    }
  /* The last bytes (under 16) too, when 16 can be read there: the bytes
   * past n count as not plain, so the run stops at n at the latest.
   * Short spans (a claim's actor, a value) and every sentence's end take
   * this path rather than the byte loop. */
  if (i < n && readable - i >= 16)
    {
      guint mask;
      __m128i v = xref_report_json_load16 (p + i, &mask);

      mask |= 0xFFFFu << (n - i);
      _mm_storeu_si128 ((__m128i *) (w + i), v);
      return i + (gsize) __builtin_ctz (mask);
    }
#else
  (void) readable;
#endif
  for (; i < n && json_plain (p[i]); i++)
    w[i] = p[i];
  return i;
}

/* The room json_body_to needs for n input bytes: every input byte gives
 * at most 6 output bytes (a control byte becomes \u00XX, an invalid one
 * the 3 bytes of U+FFFD, a 2-byte C1 control 6, U+2028 6 for its 3), plus
 * the quote; the 16-byte stores of json_plain_run stay inside that as
 * long as 16 input bytes remain, and the 16 more cover a short string. */
#define JSON_BODY_ROOM(n) (6 * (gsize) (n) + 1 + 16)

static const char hex_digits[] = "0123456789abcdef";

/* \u00XX or \u20XX for the code point c (below U+10000). */
static inline guchar *
json_u_escape (guchar *w, gunichar c)
{
  w[0] = '\\';
  w[1] = 'u';
  w[2] = (guchar) hex_digits[(c >> 12) & 0xF];
  w[3] = (guchar) hex_digits[(c >> 8) & 0xF];
  w[4] = (guchar) hex_digits[(c >> 4) & 0xF];
  w[5] = (guchar) hex_digits[c & 0xF];
  return w + 6;
}

/* Writes p[i..n) escaped, then the closing quote (the opening one is
 * written), at w; returns the end.  p[0..readable) may be read (readable
 * >= n).  w has room for JSON_BODY_ROOM (n - i) bytes. */
static guchar *
json_body_to (guchar *w, const guchar *p, gsize i, gsize n, gsize readable)
{
  while (i < n)
    {
      gsize run = json_plain_run (p + i, n - i, readable - i, w);
      gunichar c;
      guint k;

      w += run;
      i += run;
      if (i >= n)
        break;

      switch (p[i])
        {
        case '"': *w++ = '\\'; *w++ = '"'; i++; continue;
        case '\\': *w++ = '\\'; *w++ = '\\'; i++; continue;
        case '\n': *w++ = '\\'; *w++ = 'n'; i++; continue;
        case '\r': *w++ = '\\'; *w++ = 'r'; i++; continue;
        case '\t': *w++ = '\\'; *w++ = 't'; i++; continue;
        case '\b': *w++ = '\\'; *w++ = 'b'; i++; continue;
        case '\f': *w++ = '\\'; *w++ = 'f'; i++; continue;
        default: break;
        }
      /* The non-ASCII characters of articles are mostly typographic
       * quotes and dashes (U+2000–U+206F) and accented letters: a valid
       * character of two or three bytes that is kept as it is, copied
       * without decoding.  Two bytes C2–DF then a continuation byte are
       * valid, a C1 control when C2 80–9F; three bytes E1–EC or EE–EF then
       * two continuation bytes are valid (neither overlong nor surrogate),
       * U+2028/2029 (E2 80 A8/A9) escaped.  The rest is decoded below. */
      if (n - i >= 3 && (p[i + 1] & 0xC0) == 0x80)
        {
          guchar b = p[i];

          if (b >= 0xC2 && b <= 0xDF && (b != 0xC2 || p[i + 1] >= 0xA0))
            {
              w[0] = b;
              w[1] = p[i + 1];
              w += 2;
              i += 2;
              continue;
            }
          if (b >= 0xE1 && b <= 0xEF && b != 0xED && (p[i + 2] & 0xC0) == 0x80
              && (b != 0xE2 || p[i + 1] != 0x80 || (p[i + 2] != 0xA8 && p[i + 2] != 0xA9)))
            {
              w[0] = b;
              w[1] = p[i + 1];
              w[2] = p[i + 2];
              w += 3;
              i += 3;
              continue;
            }
        }
      k = utf8_decode (p + i, n - i, &c);
      if (k == 0)
        {
          /* one U+FFFD per invalid byte */
          *w++ = 0xEF;
          *w++ = 0xBF;
          *w++ = 0xBD;
          i++;
        }
      /* RFC 8259 requires escaping U+0000–001F; DEL and C1 are escaped
       * for readability, and U+2028/2029 because JavaScript (before
       * ES2019) does not accept them raw inside a string literal. */
      else if (is_control (c) || c == 0x2028 || c == 0x2029)
        {
          w = json_u_escape (w, c);
          i += k;
        }
      else
        {
          /* a valid character is its own bytes (2 to 4: a byte loop,
           * not a call to memcpy) */
          for (guint j = 0; j < k; j++)
            w[j] = p[i + j];
          w += k;
          i += k;
        }
    }
  *w++ = '"';
  return w;
}

/* json_body_to at the end of out. */
static void
json_body (GString *out, const guchar *p, gsize i, gsize n, gsize readable)
{
  guchar *w = json_room (out, JSON_BODY_ROOM (n - i));

  json_done (out, json_body_to (w, p, i, n, readable));
}

/* Without SSE2: a NUL-terminated string shorter than this that needs no
 * escape (ids, names, values: most strings of a report but the quoted
 * text) is copied in one pass, without strlen first. */
#define JSON_SHORT 64

void
xref_escape_json (GString *out, const char *s, gssize len)
{
  const guchar *p = (const guchar *) s;
  guchar *w;
  gsize k = 0;

  if (s == NULL)
    {
      /* a report has several nulls per claim and source: not through
       * g_string_append_len, which costs twenty times the copy */
      w = json_room (out, 4);
      memcpy (w, "null", 4);
      json_done (out, w + 4);
      return;
    }
  if (len >= 0)
    {
      json_room (out, 1)[0] = '"';
      out->len++;
      json_body (out, p, 0, (gsize) len, (gsize) len);
      return;
    }
#if defined(__SSE2__)
  {
    /* The bytes are copied first (strlen and memcpy, which run a vector
     * at a time), then looked at in the copy 16 at a time: the room holds
     * at least 16 bytes past the copy, so the copy can be read past its
     * end (the bytes there are masked off), while the string itself could
     * end at the end of its page.  For the short ids of a report this
     * costs a third of a byte loop. */
    gsize n = strlen (s);

    w = json_room (out, JSON_BODY_ROOM (n) + 1);
    *w++ = '"';
    memcpy (w, p, n);
    for (gsize i = 0; i < n; i += 16)
      {
        guint bad;

        xref_report_json_load16 (w + i, &bad);
        if (n - i < 16)
          bad &= (1u << (n - i)) - 1;
        if (bad != 0)
          {
            /* the plain bytes before it stay; the rest escaped */
            i += (gsize) __builtin_ctz (bad);
            out->len = (gsize) ((char *) w + i - out->str);
            json_body (out, p, i, n, n);
            return;
          }
      }
    w[n] = '"';
    json_done (out, w + n + 1);
    return;
  }
#endif
  w = json_room (out, JSON_SHORT + 2);
  *w++ = '"';
  /* four bytes per test of the bound (JSON_SHORT is a multiple of four);
   * each byte is read only when those before it were plain, so never past
   * the NUL, which is not */
  while (k < JSON_SHORT)
    {
      if (!json_plain (p[k]))
        break;
      w[k] = p[k];
      if (!json_plain (p[k + 1]))
        {
          k += 1;
          break;
        }
      w[k + 1] = p[k + 1];
      if (!json_plain (p[k + 2]))
        {
          k += 2;
          break;
        }
      w[k + 2] = p[k + 2];
      if (!json_plain (p[k + 3]))
        {
          k += 3;
          break;
        }
      w[k + 3] = p[k + 3];
      k += 4;
    }
  if (k < JSON_SHORT && p[k] == '\0')
    {
      w[k] = '"';
      json_done (out, w + k + 1);
      return;
    }
  /* something to escape, or a long string: the rest the general way */
  out->len += 1 + k;
  len = (gssize) (k + strlen (s + k));
  json_body (out, p, k, (gsize) len, (gsize) len);
}

char *
xref_report_escape_json_to (char *w, const char *s, gsize len, gsize readable)
{
  *w = '"';
  return (char *) json_body_to ((guchar *) w + 1, (const guchar *) s, 0, len, MAX (readable, len));
}

void
xref_report_escape_json_in (GString *out, const char *s, gsize len, gsize readable)
{
  json_room (out, 1)[0] = '"';
  out->len++;
  json_body (out, (const guchar *) s, 0, len, MAX (readable, len));
}

void
xref_escape_terminal (GString *out, const char *s, gssize len)
{
  const guchar *p, *end;

  if (s == NULL)
    return;
  p = (const guchar *) s;
  end = p + length_of (s, len);
  while (p < end)
    {
      const guchar *run = p;
      while (p < end && *p >= 0x20 && *p < 0x7F)
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (p >= end)
        break;

      gunichar c = next_char (&p, end);
      if (is_line_space (c))
        g_string_append_c (out, ' ');
      else if (xref_unichar_unsafe (c))
        g_string_append_unichar (out, REPLACEMENT);
      else
        g_string_append_unichar (out, c);
    }
}

/* Columns one character takes on a terminal, after the wcwidth(3)
 * conventions: marks and zero-width format characters 0, East Asian wide
 * and fullwidth 2.  Controls count 0 (xref_escape_terminal never lets one
 * through). */
static guint
char_width (gunichar c)
{
  if (is_control (c))
    return 0;
  if (g_unichar_iszerowidth (c) || g_unichar_ismark (c))
    return 0;
  if (g_unichar_iswide (c))
    return 2;
  return 1;
}

guint
xref_display_width (const char *s, gssize len)
{
  const guchar *p, *end;
  guint w = 0;

  if (s == NULL)
    return 0;
  p = (const guchar *) s;
  end = p + length_of (s, len);
  while (p < end)
    {
      if (*p >= 0x20 && *p < 0x7F)
        {
          w++;
          p++;
          continue;
        }
      w += char_width (next_char (&p, end));
    }
  return w;
}

/* A character decoded from [from, to): its own bytes when they are its
 * UTF-8 form (always, but for an invalid byte, read as U+FFFD), which
 * g_string_append_unichar would encode again. */
static inline void
append_char (GString *out, gunichar c, const guchar *from, const guchar *to)
{
  if (c != REPLACEMENT || to - from == 3)
    g_string_append_len (out, (const char *) from, to - from);
  else
    g_string_append_unichar (out, c);
}

void
xref_escape_csv (GString *out, const char *s, gssize len)
{
  const guchar *p, *end;
  gboolean quote = FALSE, plain = TRUE;
  gboolean formula;

  if (s == NULL)
    return;
  p = (const guchar *) s;
  end = p + length_of (s, len);

  /* RFC 4180 §2.6–2.7: a field holding a comma, quote or line break is
   * enclosed in double quotes, and inner quotes are doubled.  These are
   * ASCII bytes, never part of a multi-byte character, so a byte scan
   * decides.  The same scan tells whether every byte is ASCII but NUL and
   * the quote (nearly every field): such a field is copied whole. */
  for (const guchar *q = p; q < end; q++)
    {
      quote |= *q == ',' || *q == '"' || *q == '\r' || *q == '\n';
      plain &= *q > 0 && *q < 0x80 && *q != '"';
    }

  /* OWASP "CSV Injection": a spreadsheet evaluates a cell starting with one
   * of these as a formula; a leading apostrophe makes it text. */
  formula = p < end && (*p == '=' || *p == '+' || *p == '-' || *p == '@' || *p == '\t' || *p == '\r');

  if (plain)
    {
      gsize n = (gsize) (end - p);
      char *w = xref_report_room (out, n + 3);

      if (quote)
        *w++ = '"';
      if (formula)
        *w++ = '\'';
      memcpy (w, p, n);
      w += n;
      if (quote)
        *w++ = '"';
      xref_report_done (out, w);
      return;
    }

  if (quote)
    g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');

  while (p < end)
    {
      const guchar *run = p, *from;
      while (p < end && *p > 0 && *p < 0x80 && *p != '"')
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (p >= end)
        break;

      from = p;
      gunichar c = next_char (&p, end);
      if (c == '"')
        g_string_append_len (out, "\"\"", 2);
      else if (c == 0)
        g_string_append_unichar (out, REPLACEMENT);
      else
        append_char (out, c, from, p);
    }
  if (quote)
    g_string_append_c (out, '"');
}

/* Bytes that Markdown and HTML copy as they are: printable ASCII but the
 * characters each format escapes.  A run of them is copied at once; any
 * other byte takes the character path below (escape, replace, or decode a
 * multi-byte character).  Built on first use, then only read. */
enum { PLAIN_MD = 1, PLAIN_HTML = 2 };

static guint8 plain_bytes[256];

static const guint8 *
plain_table (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      for (guint b = 0x20; b < 0x7F; b++)
        {
          if (strchr ("\\|*_`[]<>&~", (int) b) == NULL)
            plain_bytes[b] |= PLAIN_MD;
          if (strchr ("&<>\"'", (int) b) == NULL)
            plain_bytes[b] |= PLAIN_HTML;
        }
      g_once_init_leave (&once, 1);
    }
  return plain_bytes;
}

/* The end of the run of bytes at p (before end) whose class has bit. */
static inline const guchar *
plain_run (const guint8 *table, guint8 bit, const guchar *p, const guchar *end)
{
  while (p < end && (table[*p] & bit))
    p++;
  return p;
}

void
xref_escape_markdown (GString *out, const char *s, gssize len)
{
  const guchar *p, *end;
  const guint8 *table = plain_table ();

  if (s == NULL)
    return;
  p = (const guchar *) s;
  end = p + length_of (s, len);
  while (p < end)
    {
      const guchar *run = p, *from;

      p = plain_run (table, PLAIN_MD, p, end);
      if (p > run)
        xref_report_put (out, (const char *) run, (gsize) (p - run));
      if (p >= end)
        break;

      from = p;
      gunichar c = next_char (&p, end);

      /* GFM tables: a pipe ends the cell unless escaped, and a line break
       * ends the row.  The other characters are CommonMark inline markup
       * (emphasis, code, links, raw HTML, entities, strikethrough);
       * CommonMark lets a backslash escape any ASCII punctuation. */
      if (c != 0 && c < 0x80 && strchr ("\\|*_`[]<>&~", (int) c) != NULL)
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (is_line_space (c))
        g_string_append_c (out, ' ');
      else if (xref_unichar_unsafe (c))
        g_string_append_unichar (out, REPLACEMENT);
      else
        append_char (out, c, from, p);
    }
}

void
xref_escape_html (GString *out, const char *s, gssize len)
{
  const guchar *p, *end;
  const guint8 *table = plain_table ();

  if (s == NULL)
    return;
  p = (const guchar *) s;
  end = p + length_of (s, len);
  while (p < end)
    {
      const guchar *run = p, *from;

      p = plain_run (table, PLAIN_HTML, p, end);
      if (p > run)
        xref_report_put (out, (const char *) run, (gsize) (p - run));
      if (p >= end)
        break;

      from = p;
      gunichar c = next_char (&p, end);
      switch (c)
        {
        case '&': xref_report_put (out, "&amp;", 5); break;
        case '<': xref_report_put (out, "&lt;", 4); break;
        case '>': xref_report_put (out, "&gt;", 4); break;
        case '"': xref_report_put (out, "&quot;", 6); break;
        case '\'': xref_report_put (out, "&#39;", 5); break;
        case '\n':
        case '\t':
          g_string_append_c (out, (char) c);
          break;
        default:
          if (c == '\r' || c == 0x2028 || c == 0x2029)
            g_string_append_c (out, ' ');
          else if (xref_unichar_unsafe (c))
            g_string_append_unichar (out, REPLACEMENT);
          else
            append_char (out, c, from, p);
          break;
        }
    }
}
