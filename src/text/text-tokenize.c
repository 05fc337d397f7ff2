/* xref — the one tokenizer: Penn-Treebank-like tokens with byte offsets.
 *
 * The splitting rules are documented with xref_tokenize in xref/core.h;
 * the rule loader splits rule phrases with it, so any change here changes
 * which phrases match.  Classification uses GLib's Unicode tables, never
 * the locale. */
#include "xref/core.h"
#include "xref/text.h"
#include "text/text-private.h"

#include <string.h>

/* Decodes one character of p[0..end-p); invalid or truncated sequences
 * come back as (gunichar) -1 with *len 1 so that the caller can skip a
 * byte and go on. */
static gunichar
get_char (const char *p, const char *end, gsize *len)
{
  gunichar c;

  if (p >= end)
    {
      *len = 0;
      return 0;
    }
  if ((guchar) *p < 0x80)
    {
      *len = 1;
      return (guchar) *p;
    }
  c = g_utf8_get_char_validated (p, end - p);
  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      *len = 1;
      return (gunichar) -1;
    }
  *len = (gsize) (g_utf8_next_char (p) - p);
  return c;
}

/* The character that ends right before p (p > lo), or 0. */
static gunichar
prev_char (const char *lo, const char *p)
{
  const char *q;

  if (p <= lo)
    return 0;
  /* an ASCII byte is a whole character (what the search below finds) */
  if ((guchar) p[-1] < 0x80)
    return (guchar) p[-1];
  q = g_utf8_find_prev_char (lo, p);
  if (q == NULL)
    return 0;
  gsize len;
  gunichar c = get_char (q, p, &len);
  return c == (gunichar) -1 ? 0 : c;
}

static gboolean
is_mark (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The character tests answer ASCII without GLib's Unicode tables (the
 * same answers: no ASCII character is a mark, another number, or a
 * letter outside A-Z a-z); the tokenizer runs over every byte of a run. */
static gboolean
is_letter (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalpha (c);
  return c != (gunichar) -1 && c != 0 && (g_unichar_isalpha (c) || is_mark (c));
}

static gboolean
is_digit (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isdigit (c);
  return c != (gunichar) -1 && c != 0 && g_unichar_isdigit (c);
}

/* Vulgar fractions and other numerals that are not decimal digits (½, ²). */
static gboolean
is_other_number (gunichar c)
{
  if (c < 0x80)
    return FALSE;
  return c != (gunichar) -1 && c != 0
         && (g_unichar_type (c) == G_UNICODE_OTHER_NUMBER || g_unichar_type (c) == G_UNICODE_LETTER_NUMBER);
}

static gboolean
is_alnum (gunichar c)
{
  return is_letter (c) || is_digit (c) || is_other_number (c);
}

static gboolean
is_space (gunichar c)
{
  if (c == (gunichar) -1)
    return TRUE;   /* an invalid byte separates like a space */
  if (c < 0x80)
    return c <= 0x20 || c == 0x7f;   /* space and the C0 controls, DEL */
  if (g_unichar_isspace (c))
    return TRUE;
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:       /* BOM, zero-width space, soft hyphen */
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_PRIVATE_USE:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_hyphen (gunichar c)
{
  return c == '-' || c == 0x2010 || c == 0x2011;
}

static gboolean
is_apostrophe (gunichar c)
{
  return c == '\'' || c == 0x2019;
}

/* Quote families: a closing mark closes the innermost open mark of its
 * family. */
enum { Q_NONE, Q_DOUBLE, Q_SINGLE };

static int
quote_family (gunichar c)
{
  switch (c)
    {
    case '"': case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB:
      return Q_DOUBLE;
    case '\'': case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2039: case 0x203A:
      return Q_SINGLE;
    default:
      return Q_NONE;
    }
}

static gboolean
is_symbol (gunichar c)
{
  switch (c)
    {
    case '$': case '%': case '&': case '+': case '=': case '@': case '#':
      return TRUE;
    default:
      break;
    }
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
      return TRUE;
    default:
      return FALSE;
    }
}

/* True when p starts a word boundary: end of text or a character that is
 * not a letter or digit. */
static gboolean
at_boundary (const char *p, const char *end)
{
  gsize len;
  return p >= end || !is_alnum (get_char (p, end, &len));
}

/* Length in bytes of a clitic starting at p ("’s", "'ll", "n't"), 0 if
 * none.  A clitic must be followed by a word boundary. */
static gsize
clitic_len (const char *p, const char *end)
{
  static const char *const after_apos[] = { "s", "m", "d", "ll", "re", "ve" };
  gsize len, alen;
  gunichar c = get_char (p, end, &len);

  if (c == 'n' || c == 'N')
    {
      gunichar a = get_char (p + 1, end, &alen);
      if (is_apostrophe (a) && p + 1 + alen < end && (p[1 + alen] == 't' || p[1 + alen] == 'T')
          && at_boundary (p + 2 + alen, end))
        return 2 + alen;
      return 0;
    }
  if (!is_apostrophe (c))
    return 0;
  for (gsize i = 0; i < G_N_ELEMENTS (after_apos); i++)
    {
      gsize n = strlen (after_apos[i]);
      if ((gsize) (end - (p + len)) >= n && g_ascii_strncasecmp (p + len, after_apos[i], n) == 0
          && at_boundary (p + len + n, end))
        return len + n;
    }
  return 0;
}

/* Digits with inner , . : / - between digits, then vulgar fractions.
 * Returns the end of the number. */
static const char *
scan_number (const char *p, const char *end)
{
  gsize len;
  gunichar c;

  for (;;)
    {
      c = get_char (p, end, &len);
      if (is_digit (c))
        {
          p += len;
          continue;
        }
      if (c == ',' || c == '.' || c == ':' || c == '/' || c == '-')
        {
          gsize nlen;
          if (is_digit (get_char (p + 1, end, &nlen)))
            {
              p += 1;
              continue;
            }
        }
      break;
    }
  while (is_other_number (c = get_char (p, end, &len)))
    p += len;
  return p;
}

/* A dotted initialism at p ("U.S.", "a.m.", "D.C.", "U.S"): single letters
 * each followed by a dot, at least two letters.  Returns its end, or NULL. */
static const char *
scan_initialism (const char *p, const char *end)
{
  const char *q = p;
  guint letters = 0;
  gsize len, nlen;

  /* The common case, an ASCII letter not followed by a dot, is no
   * initialism (the loop below would stop at once with no letter). */
  if ((guchar) *p < 0x80 && (p + 1 >= end || p[1] != '.'))
    return NULL;
  for (;;)
    {
      gunichar c = get_char (q, end, &len);
      if (!g_unichar_isalpha (c) || c == (gunichar) -1)
        break;
      const char *after = q + len;
      gunichar n = get_char (after, end, &nlen);
      if (n == '.')
        {
          letters++;
          q = after + 1;
          continue;
        }
      /* a final letter without its dot: "U.S" */
      if (letters >= 1 && at_boundary (after, end))
        {
          letters++;
          q = after;
        }
      break;
    }
  return letters >= 2 ? q : NULL;
}

/* A word or number starting at p.  Sets *number when it is a number.
 * The scan may start later, at q (p <= q), with all_number its state
 * there: scan_ascii_word hands the unusual part of a word over to it. */
static const char *
scan_word (const char *lo, const char *p, const char *q, const char *end, gboolean all_number, gboolean *number)
{
  gsize len, nlen;

  for (;;)
    {
      gunichar c;

      /* ASCII fast paths, the same answers as the tests below: a letter
       * that can be neither an ordinal suffix nor the n of "n't" goes
       * on the word; any other byte that is not a digit, '-' or '\''
       * ends it. */
      if (q >= end)
        break;
      /* inside a word (no longer a number), a run of ASCII letters other
       * than n and N goes on the word whole */
      if (!all_number)
        {
          while (q < end && g_ascii_isalpha (*q) && *q != 'n' && *q != 'N')
            q++;
          if (q >= end)
            break;
        }
      if ((guchar) *q < 0x80)
        {
          guchar b = (guchar) *q;
          if (g_ascii_isalpha (b) && !(q > p && (all_number || b == 'n' || b == 'N')))
            {
              all_number = FALSE;
              q++;
              continue;
            }
          if (!g_ascii_isalnum (b) && b != '-' && b != '\'')
            break;
        }
      c = get_char (q, end, &len);
      if (is_digit (c))
        {
          q = scan_number (q, end);
          continue;
        }
      if (is_other_number (c))
        {
          q += len;
          continue;
        }
      if (is_letter (c))
        {
          /* ordinal suffix of a number: "21st", "3rd" */
          if (all_number && q > p && (gsize) (end - q) >= 2 && at_boundary (q + 2, end)
              && (g_ascii_strncasecmp (q, "st", 2) == 0 || g_ascii_strncasecmp (q, "nd", 2) == 0
                  || g_ascii_strncasecmp (q, "rd", 2) == 0 || g_ascii_strncasecmp (q, "th", 2) == 0))
            {
              q += 2;
              break;
            }
          /* "n't" splits off: "doesn't" → "does" "n't" */
          if ((c == 'n' || c == 'N') && q > p && clitic_len (q, end) > 0)
            break;
          all_number = FALSE;
          q += len;
          continue;
        }
      if (is_hyphen (c) && q > p && is_alnum (get_char (q + len, end, &nlen)))
        {
          all_number = FALSE;
          q += len;
          continue;
        }
      if (is_apostrophe (c) && q > p && is_letter (prev_char (lo, q)) && is_letter (get_char (q + len, end, &nlen))
          && clitic_len (q, end) == 0)
        {
          /* an inner apostrophe that is not a clitic: O'Brien */
          all_number = FALSE;
          q += len;
          continue;
        }
      break;
    }
  *number = all_number;
  return q;
}

/* ---- a token's form, norm and case flags ------------------------------------
 *
 * A token's form, norm and its CAPITALISED and ALLCAPS flags depend only
 * on its bytes.  describe computes them (two interns and a lower-casing);
 * the fast tokenizer asks a small per-thread cache first, keyed by the
 * bytes, so that a word met before (most words of a text: they follow
 * Zipf's law) costs one hash of a few eight-byte loads and one compare
 * instead of two interns and a pass over its letters. */

typedef struct {
  const char *form;
  const char *norm;
  guint flags;             /* XREF_TOKEN_CAPITALISED, XREF_TOKEN_ALLCAPS */
  guint8 wbits;            /* XREF_TEXT_BIT_* of a WORD with these bytes */
  guint8 pbits;            /* XREF_TEXT_BIT_* of a PUNCT with these bytes */
} Described;

/* The XREF_TEXT_BIT_* a token of s[0..n) (n >= 1) with flags has as a
 * WORD (*wbits) and as a PUNCT (*pbits): they follow from the bytes, so
 * the form cache keeps them. */
static void
form_bits (const char *s, gsize n, guint flags, guint8 *wbits, guint8 *pbits)
{
  guchar f0 = (guchar) s[0];
  gboolean terminal = f0 == '.' || (n == 1 && (f0 == '!' || f0 == '?' || f0 == ':'))
                      || (n == 3 && memcmp (s, "\u2026", 3) == 0);

  *wbits = (guint8) ((flags & XREF_TOKEN_CAPITALISED ? XREF_TEXT_BIT_CAP_WORD : 0)
                     | ((guchar) (f0 - '0') < 10 ? XREF_TEXT_BIT_STAMP : 0)
                     | (s[n - 1] == '.' ? XREF_TEXT_BIT_MAY_END : 0));
  *pbits = (guint8) ((terminal ? XREF_TEXT_BIT_MAY_END : 0) | (f0 >= 0x80 ? XREF_TEXT_BIT_BULLET : 0));
}

/* The XREF_TEXT_BIT_* of a token of kind with final flags, from the bits
 * of its bytes (form_bits). */
static inline guint8
token_bits (XrefTokenKind kind, guint flags, guint8 wbits, guint8 pbits)
{
  guint8 b = (guint8) (flags & XREF_TOKEN_IN_QUOTE);

  switch (kind)
    {
    case XREF_TOKEN_WORD:
      return b | wbits;
    case XREF_TOKEN_NUMBER:
      return b | XREF_TEXT_BIT_NUMBER | XREF_TEXT_BIT_STAMP;
    case XREF_TOKEN_PUNCT:
      return b | pbits;
    case XREF_TOKEN_SYMBOL:
      return b | (pbits & XREF_TEXT_BIT_BULLET);
    case XREF_TOKEN_QUOTE:
      return b | XREF_TEXT_BIT_QUOTE;
    default:
      return b;
    }
}

G_STATIC_ASSERT ((guint) XREF_TEXT_BIT_IN_QUOTE == (guint) XREF_TOKEN_IN_QUOTE);

static void
describe (const char *s, gsize n, Described *d)
{
  guint letters = 0, upper = 0;
  gboolean first_letter = TRUE;
  const char *e = s + n;
  GString *scratch;

  d->flags = 0;
  /* Most tokens are short ASCII: the same flags and lower-casing as the
   * Unicode path below, without a GLib call per character. */
  if (n < 128)
    {
      char low[128];
      gboolean ascii = TRUE;

      for (gsize k = 0; k < n && ascii; k++)
        {
          guchar c = (guchar) s[k];
          if (c >= 0x80)
            ascii = FALSE;
          else if (c >= 'A' && c <= 'Z')
            {
              if (letters == 0)
                d->flags |= XREF_TOKEN_CAPITALISED;
              letters++;
              upper++;
              low[k] = (char) (c + ('a' - 'A'));
            }
          else
            {
              letters += c >= 'a' && c <= 'z';
              low[k] = (char) c;
            }
        }
      if (ascii)
        {
          if (letters >= 2 && upper == letters)
            d->flags |= XREF_TOKEN_ALLCAPS;
          d->form = xref_intern_len (s, n);
          d->norm = upper == 0 ? d->form : xref_intern_len (low, n);
          form_bits (s, n, d->flags, &d->wbits, &d->pbits);
          return;
        }
      d->flags = 0;
      letters = upper = 0;
    }

  /* the span holds no NUL (a NUL separates tokens like a space) */
  d->form = xref_intern_len (s, n);
  scratch = g_string_sized_new (n + 8);
  for (const char *p = s; p < e;)
    {
      gsize len;
      gunichar c = get_char (p, e, &len);
      gunichar lc;

      if (c == (gunichar) -1)
        {
          g_string_append_c (scratch, '?');
          p += len;
          continue;
        }
      if (g_unichar_isalpha (c))
        {
          gboolean up = g_unichar_isupper (c) || g_unichar_istitle (c);
          if (first_letter && up)
            d->flags |= XREF_TOKEN_CAPITALISED;
          first_letter = FALSE;
          letters++;
          if (up)
            upper++;
        }
      switch (c)
        {
        case 0x2018: case 0x2019: case 0x201A: case 0x201B:
          lc = '\'';
          break;
        case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB:
          lc = '"';
          break;
        default:
          lc = g_unichar_tolower (c);
        }
      g_string_append_unichar (scratch, lc);
      p += len;
    }
  if (letters >= 2 && upper == letters)
    d->flags |= XREF_TOKEN_ALLCAPS;
  d->norm = xref_intern_len (scratch->str, scratch->len);
  g_string_free (scratch, TRUE);
  form_bits (s, n, d->flags, &d->wbits, &d->pbits);
}

/* 2^14 slots of 32 bytes, in pairs of one 64-byte line (two-way: a pair
 * keeps the last two words that hashed to it): 512 KiB per thread, fixed
 * (a smaller cache misses more and was slower on the bench corpus).  A
 * slot holds interned strings, which live until exit, so a stale slot is
 * never dangling. */
#define FORM_CACHE_BITS 14

typedef struct {
  const char *form;        /* interned; NULL for an empty slot */
  const char *norm;        /* interned */
  guint64 head;            /* head_word of the form */
  guint32 len;
  guint16 flags;           /* XREF_TOKEN_CAPITALISED, XREF_TOKEN_ALLCAPS */
  guint8 wbits;            /* Described */
  guint8 pbits;
} FormSlot;

static _Thread_local _Alignas (64) FormSlot form_cache[1u << FORM_CACHE_BITS];


static inline guint64
load4 (const char *s)
{
  guint32 w;
  memcpy (&w, s, 4);
  return GUINT32_FROM_LE (w);
}

/* The first min (n, 8) bytes of s as a little-endian word, zero padded,
 * reading only s[0..n) (n >= 1): the bytes after a token may lie past
 * the caller's buffer.  Short spans are read as two overlapping loads,
 * or first, middle and last byte. */
static inline guint64
head_word (const char *s, gsize n)
{
  if (n >= 8)
    return xref_text_load8 (s);
  if (n >= 4)
    return load4 (s) | (load4 (s + n - 4) << ((n - 4) * 8));
  return (guint64) (guchar) s[0] | ((guint64) (guchar) s[n >> 1] << ((n >> 1) * 8))
         | ((guint64) (guchar) s[n - 1] << ((n - 1) * 8));
}

/* s[8..n) == f[8..n) for n > 8, eight bytes at a time (the last load
 * overlaps the one before). */
static inline gboolean
tail_equal (const char *f, const char *s, gsize n)
{
  for (gsize k = 8; k < n; k += 8)
    {
      gsize at = MIN (k, n - 8);
      if (xref_text_load8 (f + at) != xref_text_load8 (s + at))
        return FALSE;
    }
  return TRUE;
}

static inline FormSlot *
form_pair (const char *s, gsize n, guint64 head)
{
  guint64 h = (head ^ (n << 56)) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  for (gsize k = 8; k < n; k += 8)
    h = (h ^ (h >> 29) ^ xref_text_load8 (s + MIN (k, n - 8))) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  return &form_cache[(h >> (64 - FORM_CACHE_BITS)) & ~(guint64) 1];
}

/* (an empty slot has len 0, and n >= 1) */
static inline gboolean
slot_holds (const FormSlot *fs, const char *s, gsize n, guint64 head)
{
  return fs->len == n && fs->head == head && (n <= 8 || tail_equal (fs->form, s, n));
}

/* A miss: describes s[0..n) into the pair's first slot, the word there
 * moving to the second (the pair keeps the two words used last). */
G_NO_INLINE static const FormSlot *
form_miss (FormSlot *pair, const char *s, gsize n, guint64 head)
{
  Described d;

  describe (s, n, &d);
  pair[1] = pair[0];
  pair[0].form = d.form;
  pair[0].norm = d.norm;
  pair[0].head = head;
  pair[0].len = (guint32) n;   /* xref_intern refuses 4 GiB strings */
  pair[0].flags = (guint16) d.flags;
  pair[0].wbits = d.wbits;
  pair[0].pbits = d.pbits;
  return &pair[0];
}

/* The cached description of s[0..n), n >= 1, described on a miss;
 * head is its head_word, or 0 when the caller does not have it.  The
 * cache is two-way: a pair of slots (one 64-byte line) per hash. */
G_ALWAYS_INLINE static inline const FormSlot *
form_of (const char *s, gsize n, guint64 head)
{
  FormSlot *pair;

  if (head == 0)
    head = head_word (s, n);
  pair = form_pair (s, n, head);
  if (G_LIKELY (slot_holds (&pair[0], s, n, head)))
    return &pair[0];
  if (slot_holds (&pair[1], s, n, head))
    return &pair[1];
  return form_miss (pair, s, n, head);
}

/* Tokens are written straight into the caller's array: a block of up to
 * OUT_BLOCK elements is added at its end (one g_array_set_size per block
 * instead of one append per token, and no copy), filled, and the unused
 * rest cut off at the end.  A block never holds more elements than bytes
 * are left to tokenize (a token holds at least one byte), so a short
 * text does not make a long array. */
#define OUT_BLOCK 128

typedef struct {
  GArray *tokens;
  const char *hi;          /* the end of the text tokenized */
  XrefToken *buf;          /* the block: tokens from index done on */
  guint n, room;           /* elements filled, and added, in the block */
  guint done;              /* tokens before the block (all real) */
  guint base;              /* tokens->len at the start */
  guint8 *bits;            /* the caller's XREF_TEXT_BIT_* array, or NULL */
  guint8 *bb;              /* the block's bits: into bits, or dummy */
  guint8 dummy[OUT_BLOCK];
} Out;

static void
out_init (Out *o, GArray *tokens, const char *hi, guint8 *bits)
{
  o->tokens = tokens;
  o->hi = hi;
  o->buf = NULL;
  o->n = o->room = 0;
  o->done = o->base = tokens->len;
  o->bits = bits;
  o->bb = o->dummy;
}

/* A new block for the token starting at s (the block is full). */
G_NO_INLINE static void
out_grow (Out *o, const char *s)
{
  o->done += o->n;
  o->n = 0;
  o->room = (guint) MIN ((gsize) OUT_BLOCK, (gsize) (o->hi - s));
  g_array_set_size (o->tokens, o->done + o->room);
  o->buf = &g_array_index (o->tokens, XrefToken, o->done);
  if (o->bits != NULL)
    o->bb = o->bits + (o->done - o->base);
}

/* Cuts the array to the tokens emitted. */
static void
out_finish (Out *o)
{
  g_array_set_size (o->tokens, o->done + o->n);
}

/* The last token emitted so far (also by earlier calls), or NULL. */
static const XrefToken *
out_last (const Out *o)
{
  if (o->n > 0)
    return &o->buf[o->n - 1];
  if (o->done > 0)
    return &g_array_index (o->tokens, XrefToken, o->done - 1);
  return NULL;
}

/* emit with the head_word of the span when the caller has it (0 if not);
 * fast: use the form cache (not in xref_tokenize_reference).  Inlined
 * into the fast paths, where kind and fast are mostly constants. */
G_ALWAYS_INLINE static inline void
emit_head (Out *out, const char *text, const char *s, const char *e, XrefTokenKind kind, guint flags, guint64 head,
           gboolean fast)
{
  XrefToken *t;

  guint n;

  if (G_UNLIKELY (out->n == out->room))
    out_grow (out, s);
  n = out->n++;
  t = &out->buf[n];
  t->start = (gsize) (s - text);
  t->end = (gsize) (e - text);
  t->kind = kind;
  if (G_LIKELY (fast))
    {
      const FormSlot *fs = form_of (s, (gsize) (e - s), head);
      t->form = fs->form;
      t->norm = fs->norm;
      t->flags = fs->flags | flags;
      out->bb[n] = token_bits (kind, flags, fs->wbits, fs->pbits);
    }
  else
    {
      Described d;
      describe (s, (gsize) (e - s), &d);
      t->form = d.form;
      t->norm = d.norm;
      t->flags = d.flags | flags;
      out->bb[n] = token_bits (kind, flags, d.wbits, d.pbits);
    }
}

/* (the general step's emit: out of line) */
static void
emit (Out *out, const char *text, const char *s, const char *e, XrefTokenKind kind, guint flags, gboolean fast)
{
  emit_head (out, text, s, e, kind, flags, 0, fast);
}

/* Space-like for the purpose of deciding whether a straight quote opens
 * or closes: white space, the text's edge, opening brackets and dashes. */
static gboolean
opens_left (gunichar c)
{
  return c == 0 || is_space (c) || c == '(' || c == '[' || c == '{' || c == 0x2014 || c == 0x2013 || c == '-'
         || c == '/' || c == 0x201C || c == 0x2018 || c == 0x00AB;
}

static gboolean
closes_right (gunichar c)
{
  return c == 0 || is_space (c) || c == ')' || c == ']' || c == '}' || c == ',' || c == '.' || c == ';'
         || c == ':' || c == '!' || c == '?' || c == 0x2026 || c == 0x2014 || c == 0x2013 || c == 0x201D
         || c == 0x2019 || c == 0x00BB;
}

/* The text before p, white space skipped, ends with , . ! or ?: the
 * place of a closing quotation mark ("… at all, " he said"). */
static gboolean
ends_clause_before (const char *lo, const char *p)
{
  const char *q = p;
  gunichar c;

  while (q > lo && (q[-1] == ' ' || q[-1] == '\t'))
    q--;
  if (q == p)
    return FALSE;
  c = prev_char (lo, q);
  return c == ',' || c == '.' || c == '!' || c == '?';
}

#define MAX_QUOTE_DEPTH 32

typedef struct {
  guint8 fam[MAX_QUOTE_DEPTH];
  guint depth;
} QuoteStack;

static gboolean
quote_open_in (const QuoteStack *qs, int fam)
{
  for (guint i = qs->depth; i > 0; i--)
    if (qs->fam[i - 1] == fam)
      return TRUE;
  return FALSE;
}

static void
quote_push (QuoteStack *qs, int fam)
{
  if (qs->depth < MAX_QUOTE_DEPTH)
    qs->fam[qs->depth++] = (guint8) fam;
}

static void
quote_pop (QuoteStack *qs, int fam)
{
  for (guint i = qs->depth; i > 0; i--)
    if (qs->fam[i - 1] == fam)
      {
        qs->depth = i - 1;
        return;
      }
}

/* ---- the fast paths -----------------------------------------------------
 *
 * Most bytes of an article are ASCII letters, spaces and plain
 * punctuation, for which the general step below (decode a character, ask
 * a dozen predicates, then scan) is far more than needed.  A table of
 * byte classes, built once from the same predicates, lets the loop skip
 * spaces, emit plain punctuation and scan plain words directly; any byte
 * that could need the general rules (quotes, n before an apostrophe, a
 * dot after a letter, digits, hyphens and apostrophes inside a word,
 * non-ASCII bytes) goes to the general code, at the same place and in
 * the same state, so the tokens are the same (xref_tokenize_reference
 * keeps the general code alone; the unit tests compare the two). */
enum {
  BC_SPACE  = 1 << 0,      /* is_space */
  BC_LETTER = 1 << 1,      /* an ASCII letter */
  BC_DIGIT  = 1 << 2,      /* an ASCII digit */
  BC_PLAIN  = 1 << 3,      /* punctuation or a symbol of one byte: not a
                              letter, digit, space or quotation mark */
  BC_SYMBOL = 1 << 4,      /* is_symbol (with BC_PLAIN) */
  BC_ENDS   = 1 << 5,      /* ends a word: ASCII, not alphanumeric, not - or ' */
};

static guint8 byte_class[256];   /* 0 for bytes >= 0x80 */

static void
byte_class_init (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
  for (guint c = 0; c < 0x80; c++)
    {
      guint8 k = 0;
      if (is_space (c))
        k = BC_SPACE;
      else if (g_ascii_isalpha (c))
        k = BC_LETTER;
      else if (g_ascii_isdigit (c))
        k = BC_DIGIT;
      else if (quote_family (c) == Q_NONE)
        k = BC_PLAIN | (is_symbol (c) ? BC_SYMBOL : 0);
      if (!g_ascii_isalnum (c) && c != '-' && c != '\'')
        k |= BC_ENDS;
      byte_class[c] = k;
    }
  g_once_init_leave (&done, 1);
}

#define ONES G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS (0x80 * ONES)

/* The ASCII letters among the eight bytes of w, as the high bit of each
 * byte (SWAR: no carry crosses a byte).  y lower-cases the letters to
 * a..z and puts no other byte there ('@' becomes '`', "[\\]^_" become
 * "{|}~DEL"); bytes >= 0x80 are masked out by ~w. */
static inline guint64
letter_bytes (guint64 w)
{
  guint64 y = (w & (0x7f * ONES)) | (0x20 * ONES);
  guint64 ge_a = y + (0x80 - 'a') * ONES;        /* high bit set: y >= 'a' */
  guint64 gt_z = y + (0x80 - 'z' - 1) * ONES;    /* high bit set: y > 'z' */

  return ge_a & ~gt_z & ~w & HIGHS;
}

/* A word starting with an ASCII letter at p (not an initialism: no dot
 * after it).  Takes the run of ASCII letters after it, as scan_word does
 * (eight bytes at a time), and returns when a byte that ends a word
 * follows (a space, punctuation).  At any other byte (a digit, hyphen,
 * apostrophe or non-ASCII byte) it hands over to scan_word, in the state
 * scan_word would have there (no longer a number); if that byte follows
 * an n or N (not the first letter), it hands over at the n, which may
 * start "n't".  Inside the run every n goes on the word in scan_word
 * too: "n't" needs an apostrophe right after the n.
 *
 * When the word is a run of at most seven letters that ends inside the
 * first eight bytes, *head is set to its head_word (read with the scan),
 * else to 0. */
static const char *
scan_ascii_word (const char *lo, const char *p, const char *end, gboolean *number, guint64 *head)
{
  const char *q;

  *head = 0;
  if (p + 8 <= end)
    {
      guint64 w = xref_text_load8 (p);
      guint64 stop = ~letter_bytes (w) & HIGHS & ~(guint64) 0x80;   /* the first byte is the word's */

      if (stop != 0)
        {
          guint n = xref_text_first_byte (stop);
          q = p + n;
          if (byte_class[(guchar) *q] & BC_ENDS)
            {
              *number = FALSE;
              *head = w & ((G_GUINT64_CONSTANT (1) << (8 * n)) - 1);
              return q;
            }
          goto hand_over;
        }
      q = p + 8;
      while (q + 8 <= end)
        {
          stop = ~letter_bytes (xref_text_load8 (q)) & HIGHS;
          if (stop != 0)
            {
              q += xref_text_first_byte (stop);
              goto stopped;
            }
          q += 8;
        }
    }
  else
    q = p + 1;
  while (q < end && (byte_class[(guchar) *q] & BC_LETTER))
    q++;
  if (q >= end)
    {
      *number = FALSE;
      return q;
    }
stopped:
  if (byte_class[(guchar) *q] & BC_ENDS)
    {
      *number = FALSE;
      return q;
    }
hand_over:
  if (q - 1 > p && (q[-1] | 0x20) == 'n')
    q--;
  return scan_word (lo, p, q, end, FALSE, number);
}

/* Emits the tokens from p on while the fast paths apply, and returns
 * where the general step must take over (or hi): at a quotation mark (the
 * only tokens that change in_q), a non-ASCII byte, "...", an n or N that
 * may be a clitic, or a letter before a dot (an initialism or not). */
static inline const char *
fast_run (Out *out, const char *text, const char *lo, const char *p, const char *hi, guint in_q)
{
  while (p < hi)
    {
      guchar b = (guchar) *p;
      guint8 k = byte_class[b];
      const char *e;
      gboolean number;

      if (k & BC_SPACE)
        {
          p++;
          continue;
        }
      if (k & BC_LETTER)
        {
          guint64 head;

          /* not an initialism ("U.S.": a dot after the letter), nor "n't"
           * split off a word (an n or N after a letter or a dot) */
          if ((p + 1 < hi && p[1] == '.')
              || ((b | 0x20) == 'n' && p > lo
                  && ((guchar) p[-1] >= 0x80 || (byte_class[(guchar) p[-1]] & BC_LETTER) || p[-1] == '.')))
            return p;
          e = scan_ascii_word (lo, p, hi, &number, &head);
          /* (a word starting with a letter is never a number) */
          emit_head (out, text, p, e, XREF_TOKEN_WORD, in_q, head, TRUE);
          p = e;
          /* the one space after most words: skipped here rather than by
           * a turn of the loop (a space is skipped alike there) */
          if (p < hi && *p == ' ')
            p++;
          continue;
        }
      if (k & BC_DIGIT)
        {
          e = scan_word (lo, p, p, hi, TRUE, &number);
          emit (out, text, p, e, number ? XREF_TOKEN_NUMBER : XREF_TOKEN_WORD, in_q, TRUE);
          p = e;
          continue;
        }
      /* punctuation of one byte; "..." is one token */
      if ((k & BC_PLAIN) && !(b == '.' && p + 1 < hi && p[1] == '.'))
        {
          if (k & BC_SYMBOL)
            emit (out, text, p, p + 1, XREF_TOKEN_SYMBOL, in_q, TRUE);
          else
            emit_head (out, text, p, p + 1, XREF_TOKEN_PUNCT, in_q, 0, TRUE);
          p++;
          continue;
        }
      return p;
    }
  return p;
}

/* (inlined into each entry point: fast is a constant there) */
G_ALWAYS_INLINE static inline void
tokenize (const char *text, gsize start, gsize end, GArray *tokens, guint8 *bits, gboolean fast)
{
  const char *lo = text + start;
  const char *hi = text + end;
  const char *p = lo;
  QuoteStack qs = { { 0 }, 0 };
  Out out;

  byte_class_init ();
  out_init (&out, tokens, hi, bits);

  while (p < hi)
    {
      gsize len;
      gunichar c;
      guint in_q = qs.depth > 0 ? XREF_TOKEN_IN_QUOTE : 0;
      const char *e;
      gsize cl;

      if (fast)
        {
          p = fast_run (&out, text, lo, p, hi, in_q);
          if (p >= hi)
            break;
        }

      /* the general step */
      c = get_char (p, hi, &len);
      if (is_space (c))
        {
          p += len;
          continue;
        }

      /* clitics split off the word before them: "’s", "n't"; also after
       * the dot of an initialism: "the U.S.’s plan" (clitic_len is 0
       * unless c is n, N or an apostrophe: test that first) */
      if ((c == 'n' || c == 'N' || is_apostrophe (c)) && p > lo
          && (is_letter (prev_char (lo, p))
              || (prev_char (lo, p) == '.' && p - 1 > lo && is_letter (prev_char (lo, p - 1)) && out_last (&out) != NULL
                  && out_last (&out)->end == (gsize) (p - text) && out_last (&out)->kind == XREF_TOKEN_WORD))
          && (cl = clitic_len (p, hi)) > 0)
        {
          emit (&out, text, p, p + cl, XREF_TOKEN_WORD, in_q, fast);
          p += cl;
          continue;
        }

      if (is_alnum (c))
        {
          gboolean number = FALSE;
          if ((c < 0x80 ? g_ascii_isalpha (c) : g_unichar_isalpha (c)) && (e = scan_initialism (p, hi)) != NULL)
            {
              emit (&out, text, p, e, XREF_TOKEN_WORD, in_q, fast);
              p = e;
              continue;
            }
          e = scan_word (lo, p, p, hi, TRUE, &number);
          emit (&out, text, p, e, number ? XREF_TOKEN_NUMBER : XREF_TOKEN_WORD, in_q, fast);
          p = e;
          continue;
        }

      int fam = quote_family (c);
      if (fam != Q_NONE)
        {
          gunichar before = prev_char (lo, p);
          gsize nlen;
          gunichar after = p + len < hi ? get_char (p + len, hi, &nlen) : 0;
          gboolean left = opens_left (before), right = closes_right (after);
          gboolean open;

          switch (c)
            {
            case 0x201C: case 0x201E: case 0x201F: case 0x00AB: case 0x2018: case 0x201A: case 0x201B:
            case 0x2039:
              open = TRUE;
              break;
            case 0x201D: case 0x00BB: case 0x203A:
              open = FALSE;
              break;
            case 0x2019:
            case '\'':
              /* a plural possessive ("the Americans’ position") when no
               * single quotation is open */
              if (!quote_open_in (&qs, Q_SINGLE) && !left && (before == 's' || before == 'S') && after != 0
                  && is_space (after))
                {
                  emit (&out, text, p, p + len, XREF_TOKEN_WORD, in_q, fast);
                  p += len;
                  continue;
                }
              if (c == 0x2019)
                open = left && !right;
              else if (left && !right)
                open = TRUE;
              else if (!left && right)
                open = FALSE;
              else
                open = !quote_open_in (&qs, fam);
              break;
            default: /* '"' */
              if (left && !right && quote_open_in (&qs, fam) && g_unichar_islower (after)
                  && ends_clause_before (lo, p))
                open = FALSE;   /* a closing mark set apart: `it, "he said` */
              else if (left && !right)
                open = TRUE;
              else if (!left && right)
                open = FALSE;
              else
                open = !quote_open_in (&qs, fam);
              break;
            }

          if (open)
            {
              emit (&out, text, p, p + len, XREF_TOKEN_QUOTE, XREF_TOKEN_OPEN_QUOTE | in_q, fast);
              quote_push (&qs, fam);
            }
          else
            {
              quote_pop (&qs, fam);
              emit (&out, text, p, p + len, XREF_TOKEN_QUOTE,
                    XREF_TOKEN_CLOSE_QUOTE | (qs.depth > 0 ? XREF_TOKEN_IN_QUOTE : 0), fast);
            }
          p += len;
          continue;
        }

      /* "..." (and longer runs of dots) is one token, as is "…" */
      if (c == '.' && p + 1 < hi && p[1] == '.')
        {
          e = p;
          while (e < hi && *e == '.')
            e++;
          emit (&out, text, p, e, XREF_TOKEN_PUNCT, in_q, fast);
          p = e;
          continue;
        }

      emit (&out, text, p, p + len, is_symbol (c) ? XREF_TOKEN_SYMBOL : XREF_TOKEN_PUNCT, in_q, fast);
      p += len;
    }

  out_finish (&out);
}

void
xref_tokenize (const char *text, gsize start, gsize end, GArray *tokens)
{
  tokenize (text, start, end, tokens, NULL, TRUE);
}

void
xref_text_tokenize_bits (const char *text, gsize start, gsize end, GArray *tokens, guint8 *bits)
{
  tokenize (text, start, end, tokens, bits, TRUE);
}

void
xref_tokenize_reference (const char *text, gsize start, gsize end, GArray *tokens)
{
  tokenize (text, start, end, tokens, NULL, FALSE);
}
