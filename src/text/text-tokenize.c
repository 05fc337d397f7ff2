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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Decodes one character of p[0..end-p); invalid or truncated sequences
 * come back as (gunichar) -1 with *len 1 so that the caller can skip a
 * byte and go on. */
static inline gunichar
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
static inline gunichar
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
 * letter outside A-Z a-z); the tokenizer runs over every byte of a run.
 * The characters from U+0080 to U+206F (Latin-1 and the other European
 * scripts, and General Punctuation: the curly quotation marks, dashes
 * and the ellipsis of news text, which the general step meets at every
 * quotation) are answered from uni_class, filled once by byte_class_init
 * from the tests on GLib's tables below (the *_uni functions); every
 * entry point of the tokenizer calls byte_class_init first. */
#define UNI_TABLE_END 0x2070

enum {
  UC_LETTER       = 1 << 0,
  UC_DIGIT        = 1 << 1,
  UC_OTHER_NUMBER = 1 << 2,
  UC_SPACE        = 1 << 3,
  UC_SYMBOL       = 1 << 4,
};

static guint8 uni_class[UNI_TABLE_END];   /* by character (the ASCII entries unused) */

/* (c >= 0x80, not -1) */
static gboolean
is_letter_uni (gunichar c)
{
  return g_unichar_isalpha (c) || is_mark (c);
}

static gboolean
is_other_number_uni (gunichar c)
{
  return g_unichar_type (c) == G_UNICODE_OTHER_NUMBER || g_unichar_type (c) == G_UNICODE_LETTER_NUMBER;
}

static gboolean
is_space_uni (gunichar c)
{
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

static inline gboolean
is_letter (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalpha (c);
  if (c < UNI_TABLE_END)
    return (uni_class[c] & UC_LETTER) != 0;
  return c != (gunichar) -1 && is_letter_uni (c);
}

static gboolean
is_digit (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isdigit (c);
  if (c < UNI_TABLE_END)
    return (uni_class[c] & UC_DIGIT) != 0;
  return c != (gunichar) -1 && g_unichar_isdigit (c);
}

/* Vulgar fractions and other numerals that are not decimal digits (½, ²). */
static gboolean
is_other_number (gunichar c)
{
  if (c < 0x80)
    return FALSE;
  if (c < UNI_TABLE_END)
    return (uni_class[c] & UC_OTHER_NUMBER) != 0;
  return c != (gunichar) -1 && is_other_number_uni (c);
}

static inline gboolean
is_alnum (gunichar c)
{
  if (c >= 0x80 && c < UNI_TABLE_END)
    return (uni_class[c] & (UC_LETTER | UC_DIGIT | UC_OTHER_NUMBER)) != 0;
  return is_letter (c) || is_digit (c) || is_other_number (c);
}

static inline gboolean
is_space (gunichar c)
{
  if (c == (gunichar) -1)
    return TRUE;   /* an invalid byte separates like a space */
  if (c < 0x80)
    return c <= 0x20 || c == 0x7f;   /* space and the C0 controls, DEL */
  if (c < UNI_TABLE_END)
    return (uni_class[c] & UC_SPACE) != 0;
  return is_space_uni (c);
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

static gboolean is_symbol_uni (gunichar c);

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
  if (c >= 0x80 && c < UNI_TABLE_END)
    return (uni_class[c] & UC_SYMBOL) != 0;
  return is_symbol_uni (c);
}

static gboolean
is_symbol_uni (gunichar c)
{
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
      return b | (pbits & (XREF_TEXT_BIT_BULLET | XREF_TEXT_BIT_PASS));
    case XREF_TOKEN_QUOTE:
      return b | XREF_TEXT_BIT_QUOTE;
    default:
      return b;
    }
}

G_STATIC_ASSERT ((guint) XREF_TEXT_BIT_IN_QUOTE == (guint) XREF_TOKEN_IN_QUOTE);

/* This thread's pass test (xref_text_set_pass), asked once per form on
 * a miss of the form cache, the answer kept in the slot's bits. */
static _Thread_local XrefTextPassFunc pass_func;
static _Thread_local gconstpointer pass_data;
static _Thread_local guint pass_gen;

/* form_bits, and XREF_TEXT_BIT_PASS where the pass test says yes. */
static inline void
describe_bits (const char *s, gsize n, Described *d)
{
  form_bits (s, n, d->flags, &d->wbits, &d->pbits);
  if (pass_func != NULL && pass_func (pass_data, d->norm))
    {
      d->wbits |= XREF_TEXT_BIT_PASS;
      d->pbits |= XREF_TEXT_BIT_PASS;
    }
}

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
          d->form = xref_intern_len_cold (s, n);
          d->norm = upper == 0 ? d->form : xref_intern_len_cold (low, n);
          describe_bits (s, n, d);
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
  describe_bits (s, n, d);
}

/* 2^16 slots of 32 bytes, in pairs of one 64-byte line (two-way: a pair
 * keeps the last two words that hashed to it): 2 MiB per thread, fixed,
 * touched only where words land (a smaller cache misses more: the 10 MB
 * bench corpus, about 13,000 distinct forms, misses on 3.7 % of its
 * tokens at 2^14 slots, 1.9 % at 2^15, 1.2 % at 2^16, and a miss costs
 * about 400 instructions, most of them two interns; the text stage took
 * the least CPU time at 2^16), and 512 KiB of word slots beside it.  A
 * slot holds interned strings, which live until exit, so a stale slot is
 * never dangling. */
#define FORM_CACHE_BITS 16

/* Forms of up to FORM_MAX bytes are cached (every word of news text;
 * longer ones are described each time, into form_long). */
#define FORM_MAX 255

typedef struct {
  const char *form;        /* interned; NULL for an empty slot */
  const char *norm;        /* interned */
  guint64 head;            /* head_word of the form */
  guint32 tail;            /* for a form of 8 to 12 bytes its last four:
                              with the head every byte, so that a compare
                              need not read the form itself (a cache miss
                              of its own, into the intern table's chunks) */
  guint8 len;              /* 1..FORM_MAX; 0 for an empty slot */
  guint8 flags;            /* XREF_TOKEN_CAPITALISED, XREF_TOKEN_ALLCAPS */
  guint8 wbits;            /* Described */
  guint8 pbits;
} FormSlot;

G_STATIC_ASSERT (sizeof (FormSlot) == 32);

/* The word function's answer (xref_text_set_word_func) for the form of a
 * FormSlot, in a parallel array (the slot is full): word_slots[k] is
 * form_cache[k]'s, moved with it.  Packed as xref_text_doc_words gives
 * it: the kind it is for, plus one, in the low byte (0: none yet; one
 * compare of a byte register), the byte above it, the bits in the high
 * half.  One load and one store a token. */
typedef guint64 WordSlot;

/* The WordSlot of an answer. */
#define WORD_PACK(kind, bits, byte) ((guint64) ((kind) + 1) | (guint64) (byte) << 8 | (guint64) (bits) << 32)
/* Whether WordSlot w is for kind (w's low byte). */
#define WORD_IS(w, kind) ((guint8) (w) == (guint8) ((kind) + 1))

/* This thread's cache, allocated when the thread first tokenizes (most
 * threads of a run never do, and a static _Thread_local array is zeroed
 * at the creation of every thread) and freed when it exits; its word
 * slots are in the same block, after it. */
static _Thread_local FormSlot *form_cache;
static _Thread_local WordSlot *word_slots;

#define FORM_CACHE_SIZE (sizeof (FormSlot) << FORM_CACHE_BITS)
#define WORD_CACHE_SIZE (sizeof (WordSlot) << FORM_CACHE_BITS)
#define CACHE_BLOCK_SIZE (FORM_CACHE_SIZE + WORD_CACHE_SIZE)

/* This thread's word function and the rule set it answers for (its
 * serial: a rule set freed and another allocated at its address has
 * another), and the answer for form_long. */
static _Thread_local XrefTextWordFunc word_func;
static _Thread_local const XrefRules *word_rules;
static _Thread_local guint word_serial;
static _Thread_local WordSlot word_long;

/* (the allocation's handle, freed when the thread exits) */
static void
form_cache_free (gpointer handle)
{
  xref_huge_free (handle, CACHE_BLOCK_SIZE);
}

static GPrivate form_cache_mem = G_PRIVATE_INIT (form_cache_free);

/* On a huge page where the system has them: the pairs are probed at
 * random, one per word, and on 4 KiB pages (512 of them) most probes
 * missed the TLB before they missed the cache.  (Aligned: a pair never
 * straddles two lines.) */
G_NO_INLINE static FormSlot *
form_cache_new (void)
{
  gpointer handle;

  form_cache = xref_huge_alloc0 (CACHE_BLOCK_SIZE, &handle);
  word_slots = (WordSlot *) (gpointer) ((char *) form_cache + FORM_CACHE_SIZE);
  g_private_set (&form_cache_mem, handle);
  return form_cache;
}

/* (a load and a test) */
static inline FormSlot *
form_cache_get (void)
{
  FormSlot *c = form_cache;
  return G_LIKELY (c != NULL) ? c : form_cache_new ();
}

/* low_bytes[n]: the mask of the first n bytes of a little-endian word */
static const guint64 low_bytes[8] = {
  0, 0xff, 0xffff, 0xffffff, 0xffffffff, G_GUINT64_CONSTANT (0xffffffffff), G_GUINT64_CONSTANT (0xffffffffffff),
  G_GUINT64_CONSTANT (0xffffffffffffff),
};


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
  /* (up to eight bytes the head alone tells the length: no byte of a
   * token is zero) */
  guint64 h = (n <= 8 ? head : head ^ (n << 56)) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  for (gsize k = 8; k < n; k += 8)
    h = (h ^ (h >> 29) ^ xref_text_load8 (s + MIN (k, n - 8))) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  return &form_cache_get ()[(h >> (64 - FORM_CACHE_BITS)) & ~(guint64) 1];
}

/* (an empty slot has len 0, and 1 <= n <= FORM_MAX) */
static inline gboolean
slot_holds (const FormSlot *fs, const char *s, gsize n, guint64 head)
{
  return fs->len == n && fs->head == head
         && (n <= 8 || (n <= 12 ? fs->tail == (guint32) load4 (s + n - 4) : tail_equal (fs->form, s, n)));
}

/* The slot a form longer than FORM_MAX is described into. */
static _Thread_local FormSlot form_long;

/* Sets fs from d, the description of s[0..n) (head: its head_word). */
static inline void
slot_set (FormSlot *fs, const Described *d, const char *s, gsize n, guint64 head)
{
  fs->form = d->form;
  fs->norm = d->norm;
  fs->head = head;
  fs->tail = n >= 8 && n <= 12 ? (guint32) load4 (s + n - 4) : 0;
  fs->len = (guint8) MIN (n, (gsize) FORM_MAX);
  fs->flags = (guint8) d->flags;
  fs->wbits = d->wbits;
  fs->pbits = d->pbits;
}

/* A hit in the pair's second slot: the two swap, so that a pair keeps
 * its words in the order they were last used (a miss replaces the one
 * used less lately) and a frequent word is found in the first slot.
 * Without the swap a word stayed behind any rarer one that missed after
 * it: a quarter of the short words' lookups on the 10 MB bench corpus
 * went on to the second slot, a branch the wrong way each time; with it
 * one in forty, for ~4,000 swaps.  Returns the first slot.  (Out of
 * line: the fast loop keeps its registers.) */
G_NO_INLINE static const FormSlot *
pair_swap (FormSlot *pair)
{
  FormSlot hit = pair[1];
  WordSlot *ws = &word_slots[pair - form_cache], w = ws[1];

  pair[1] = pair[0];
  pair[0] = hit;
  ws[1] = ws[0];
  ws[0] = w;
  return &pair[0];
}

/* A miss: describes s[0..n) into the pair's first slot, the word there
 * moving to the second (the pair keeps the two words used last). */
G_NO_INLINE static const FormSlot *
form_miss (FormSlot *pair, const char *s, gsize n, guint64 head)
{
  Described d;
  WordSlot *ws = &word_slots[pair - form_cache];

  describe (s, n, &d);
  pair[1] = pair[0];
  slot_set (&pair[0], &d, s, n, head);
  ws[1] = ws[0];
  ws[0] = 0;
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
  if (G_UNLIKELY (n > FORM_MAX))
    {
      Described d;
      describe (s, n, &d);
      slot_set (&form_long, &d, s, n, head);
      word_long = 0;
      return &form_long;
    }
  pair = form_pair (s, n, head);
  if (G_LIKELY (slot_holds (&pair[0], s, n, head)))
    return &pair[0];
  if (slot_holds (&pair[1], s, n, head))
    return pair_swap (pair);
  return form_miss (pair, s, n, head);
}

/* The word function's answer, packed, for a token of kind with form,
 * norm and flags (those of its bytes: only the capitals count).  Only
 * while the word function is on (a tokenizer asked for the answers:
 * xref_text_tokenize_words). */
static WordSlot
word_ask (const char *form, const char *norm, XrefTokenKind kind, guint flags)
{
  XrefToken t = { 0, 0, form, norm, kind, flags & (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS) };
  guint8 byte = 0;
  guint32 bits = word_func (word_rules, &t, &byte);

  return WORD_PACK (kind, bits, byte);
}

/* The answer for a token of kind whose form is fs's, into ws (fs's word
 * slot), asked now: ws held none, or one for another kind. */
G_NO_INLINE static WordSlot
word_fill (WordSlot *ws, const FormSlot *fs, XrefTokenKind kind)
{
  return *ws = word_ask (fs->form, fs->norm, kind, fs->flags);
}

/* The word slot of fs (form_of's: in the cache, or form_long). */
static inline WordSlot *
word_slot_of (const FormSlot *fs)
{
  return G_UNLIKELY (fs == &form_long) ? &word_long : &word_slots[fs - form_cache];
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
  guint64 *words;          /* the caller's word answers (xref_text_tokenize_words), or NULL */
  guint64 *wb;             /* the block's: into words (when not NULL) */
  guint8 dummy[OUT_BLOCK];
} Out;

static void
out_init (Out *o, GArray *tokens, const char *hi, guint8 *bits, guint64 *words)
{
  o->tokens = tokens;
  o->hi = hi;
  o->buf = NULL;
  o->n = o->room = 0;
  o->done = o->base = tokens->len;
  o->bits = bits;
  o->bb = o->dummy;
  o->words = words;
  o->wb = words;
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
  if (o->words != NULL)
    o->wb = o->words + (o->done - o->base);
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
      if (out->words != NULL)
        {
          WordSlot *ws = word_slot_of (fs);
          WordSlot w = *ws;
          if (G_UNLIKELY (!WORD_IS (w, kind)))
            w = word_fill (ws, fs, kind);
          out->wb[n] = w;
        }
    }
  else
    {
      Described d;
      describe (s, (gsize) (e - s), &d);
      t->form = d.form;
      t->norm = d.norm;
      t->flags = d.flags | flags;
      out->bb[n] = token_bits (kind, flags, d.wbits, d.pbits);
      if (out->words != NULL)
        out->wb[n] = word_ask (d.form, d.norm, kind, d.flags);
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
static inline gboolean
opens_left (gunichar c)
{
  return c == 0 || is_space (c) || c == '(' || c == '[' || c == '{' || c == 0x2014 || c == 0x2013 || c == '-'
         || c == '/' || c == 0x201C || c == 0x2018 || c == 0x00AB;
}

static inline gboolean
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

static inline gboolean
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

static gsize byte_class_done = 0;

G_NO_INLINE static void
byte_class_fill (void)
{
  if (!g_once_init_enter (&byte_class_done))
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
  for (gunichar c = 0x80; c < UNI_TABLE_END; c++)
    uni_class[c] = (guint8) ((is_letter_uni (c) ? UC_LETTER : 0) | (g_unichar_isdigit (c) ? UC_DIGIT : 0)
                             | (is_other_number_uni (c) ? UC_OTHER_NUMBER : 0) | (is_space_uni (c) ? UC_SPACE : 0)
                             | (is_symbol_uni (c) ? UC_SYMBOL : 0));
  g_once_init_leave (&byte_class_done, 1);
}

/* (once filled, a load and a test: it runs at every call of the tokenizer) */
static inline void
byte_class_init (void)
{
  if (G_UNLIKELY (g_atomic_pointer_get (&byte_class_done) == 0))
    byte_class_fill ();
}

#define ONES G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS (0x80 * ONES)

/* The ASCII letters among the eight bytes of w, as the high bit of each
 * byte (SWAR: no carry crosses a byte).  y folds a..z onto A..Z (0x41 to
 * 0x5a) and leaves every other ASCII byte outside that range; y + 0x3f
 * has its high bit set for y >= 'A', y + 0x25 for y > 'Z'; bytes >= 0x80
 * are masked out by ~w. */
static inline guint64
letter_bytes (guint64 w)
{
  guint64 y = w & (0x5f * ONES);

  return ((y + 0x3f * ONES) ^ (y + 0x25 * ONES)) & ~w & HIGHS;
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
      guint64 stop = letter_bytes (w) ^ HIGHS;   /* (the first byte is the word's: a letter) */

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
          stop = letter_bytes (xref_text_load8 (q)) ^ HIGHS;
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
  /* "well-known", "anti-aircraft": a hyphen before an ASCII letter goes
   * on the word, as scan_word's inner hyphen does, and so does the run of
   * letters after it (an n inside a run is no "n't": an apostrophe stops
   * the run) */
  while (*q == '-' && q + 1 < end && (byte_class[(guchar) q[1]] & BC_LETTER))
    {
      q += 2;
      while (q < end && (byte_class[(guchar) *q] & BC_LETTER))
        q++;
      if (q >= end || (byte_class[(guchar) *q] & BC_ENDS))
        {
          *number = FALSE;
          return q;
        }
    }
  if (q - 1 > p && (q[-1] | 0x20) == 'n')
    q--;
  return scan_word (lo, p, q, end, FALSE, number);
}

/* ---- the fast loop ------------------------------------------------------
 *
 * fast_run is where nearly every token of an article is made, so it is
 * written for the compiler: the output cursor (the next token, the end
 * of the block, the next bits byte) lives in locals, that is in
 * registers, instead of in the Out struct that every store through the
 * bits array (a char pointer: it may alias anything) forced the compiler
 * to reload; it goes back to the Out around the out-of-line calls
 * (OUT_SYNC, OUT_LOAD) to fast_word_call, which takes the rarer tokens,
 * so that the loop itself has few live values.  A word of up to fifteen
 * ASCII letters, the common token, is scanned with one sixteen-byte
 * test (ascii_letters16) before the byte class is read, and its first
 * eight bytes give its cache slot and its compare (up to seven letters
 * one compare of the zero-padded head, which tells the length too); the
 * bound checks (the end of the text, of the sixteen-byte reads, of the
 * block) are one compare against a pointer worked out once per stretch
 * (safe_end).  One-byte punctuation is read from a per-thread table
 * instead of the form cache.  fast_word_call settles the words near the
 * end of the text and the words before an apostrophe without scan_word,
 * and plain numbers ("2013", "6,755") too; scan_ascii_word takes the
 * ASCII letters after an inner hyphen ("well-known"). */

/* A one-byte PUNCT or SYMBOL (a BC_PLAIN byte): its form (NULL until the
 * thread first meets it), norm and flags, and its kind and
 * XREF_TEXT_BIT_* outside a quotation.  The strings are interned, so a
 * thread's table stays valid. */
typedef struct {
  const char *form;        /* interned */
  const char *norm;        /* interned (the same string: no letter) */
  guint16 flags;           /* (none: no letter) */
  guint8 kind;
  guint8 bits;
  guint64 word;            /* the word function's answer (WordSlot), 0 for none yet */
} Punct1;

static _Thread_local Punct1 punct1[128];

void
xref_text_set_pass (XrefTextPassFunc func, gconstpointer data, guint gen)
{
  if (func == pass_func && data == pass_data && gen == pass_gen)
    return;
  /* the cached bits were the old test's (an empty slot has len 0, no
   * head; an empty word slot kind1 0) */
  if (form_cache != NULL)
    memset (form_cache, 0, CACHE_BLOCK_SIZE);
  memset (punct1, 0, sizeof punct1);
  pass_func = func;
  pass_data = data;
  pass_gen = gen;
}

void
xref_text_set_word_func (XrefTextWordFunc func, const XrefRules *rules)
{
  g_return_if_fail (func != NULL && rules != NULL && rules->serial != 0);

  if (func == word_func && rules == word_rules && rules->serial == word_serial)
    return;
  /* the answers kept were the old function's or rule set's */
  if (word_slots != NULL)
    memset (word_slots, 0, WORD_CACHE_SIZE);
  for (guint b = 0; b < G_N_ELEMENTS (punct1); b++)
    punct1[b].word = 0;
  word_long = 0;
  word_func = func;
  word_rules = rules;
  word_serial = rules->serial;
}

gboolean
xref_text_words_on (const XrefRules *rules)
{
  return rules != NULL && word_func != NULL && rules == word_rules && rules->serial == word_serial;
}

/* Sets the word function's answer of punct1[b] (filled). */
G_NO_INLINE static const Punct1 *
punct1_word (guchar b)
{
  Punct1 *p = &punct1[b];

  p->word = word_ask (p->form, p->norm, (XrefTokenKind) p->kind, p->flags);
  return p;
}

guint
xref_text_pass_gen (void)
{
  return pass_func != NULL ? pass_gen : 0;
}

/* Fills punct1[b] (a BC_PLAIN byte) from the form cache, as emit would
 * describe the token. */
G_NO_INLINE static const Punct1 *
punct1_fill (guchar b)
{
  char s[1] = { (char) b };
  const FormSlot *fs = form_of (s, 1, 0);
  Punct1 *p = &punct1[b];
  XrefTokenKind kind = (byte_class[b] & BC_SYMBOL) ? XREF_TOKEN_SYMBOL : XREF_TOKEN_PUNCT;

  p->norm = fs->norm;
  p->flags = fs->flags;
  p->kind = (guint8) kind;
  p->bits = token_bits (kind, 0, fs->wbits, fs->pbits);
  p->form = fs->form;
  return p;
}

/* The plain number at p (an ASCII digit): digits with inner , . : / -
 * between ASCII digits, ending at a byte that ends a word (or hi), as
 * scan_word finds it.  NULL when anything else follows (a letter: "21st",
 * "1990s"; a hyphen or apostrophe; a non-ASCII byte, which may be a digit
 * or a fraction), for scan_word to decide. */
static inline const char *
scan_plain_number (const char *p, const char *hi)
{
  const char *q = p + 1;

  for (;;)
    {
      while (q < hi && (byte_class[(guchar) *q] & BC_DIGIT))
        q++;
      if (q >= hi)
        return q;
      /* scan_number's inner separator, before a digit; a non-ASCII byte
       * after it may be a digit too: not plain */
      if (*q == ',' || *q == '.' || *q == ':' || *q == '/' || *q == '-')
        {
          if (q + 1 < hi && (byte_class[(guchar) q[1]] & BC_DIGIT))
            {
              q += 2;
              continue;
            }
          if (q + 1 < hi && (guchar) q[1] >= 0x80)
            return NULL;
        }
      return (byte_class[(guchar) *q] & BC_ENDS) ? q : NULL;
    }
}

/* The word of fast_run ends at src[*n], which is no byte that ends a
 * word: TRUE when it is an apostrophe (' or ’) where scan_word ends the
 * word as well, setting *n to the word's length and *clitic to the
 * length of the clitic the general step then splits off there (0 when
 * none): "Russia’s" (the word, then "’s"), "does" of "doesn't" (then
 * "n't"), "Jones" of "Jones' ".  FALSE when unsure (a letter after the
 * apostrophe that starts no clitic: "O'Brien"; a non-ASCII byte after
 * it; anything but an ASCII byte that ends a word after a clitic, which
 * clitic_len may still take), for scan_word to decide.  src[*n] and the
 * eight bytes after it are readable; the letters before it are ASCII. */
static inline gboolean
word_apostrophe (const guchar *src, guint *n, guint *clitic)
{
  guint a = *n, alen;
  guchar x, x1, x2;

  if (src[a] == '\'')
    alen = 1;
  else if (src[a] == 0xe2 && src[a + 1] == 0x80 && src[a + 2] == 0x99)
    alen = 3;
  else
    return FALSE;
  x = src[a + alen];
  x1 = src[a + alen + 1];
  x2 = src[a + alen + 2];
  /* "n't": the word ends before its n (scan_word hands over at the n,
   * which clitic_len takes with the apostrophe and the t) */
  if ((src[a - 1] | 0x20) == 'n' && (x | 0x20) == 't')
    {
      if (a < 2 || !(byte_class[x1] & BC_ENDS))
        return FALSE;
      *n = a - 1;
      *clitic = 2 + alen;
      return TRUE;
    }
  /* (an n before an apostrophe that is no "n't" stays on the word) */
  if (x >= 0x80)
    return FALSE;
  if (!(byte_class[x] & BC_LETTER))
    {
      *clitic = 0;   /* "Jones' ": the apostrophe is the general step's */
      return TRUE;
    }
  /* a clitic of clitic_len: s m d ll re ve, then a byte that ends a word */
  x |= 0x20;
  if ((x == 's' || x == 'm' || x == 'd') && (byte_class[x1] & BC_ENDS))
    {
      *clitic = alen + 1;
      return TRUE;
    }
  x1 |= 0x20;
  if (((x == 'l' && x1 == 'l') || (x == 'r' && x1 == 'e') || (x == 'v' && x1 == 'e')) && (byte_class[x2] & BC_ENDS))
    {
      *clitic = alen + 2;
      return TRUE;
    }
  return FALSE;
}

/* The number of ASCII letters src starts with, up to 16 (16: sixteen
 * or more); src[0..16) readable.  With SSE2 one sixteen-byte test
 * (signed compares: a byte >= 0x80, or'ed with 0x20, is below 'a'). */
static inline guint
ascii_letters16 (const char *src)
{
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
  __m128i y = _mm_or_si128 (_mm_loadu_si128 ((const __m128i *) (const void *) src), _mm_set1_epi8 (0x20));
  __m128i letter = _mm_andnot_si128 (_mm_cmpgt_epi8 (y, _mm_set1_epi8 ('z')), _mm_cmpgt_epi8 (y, _mm_set1_epi8 ('a' - 1)));

  /* (bit 16 set: 16 when all sixteen are letters) */
  return (guint) __builtin_ctz ((unsigned) _mm_movemask_epi8 (letter) ^ 0x1ffffu);
#else
  guint64 stop = letter_bytes (xref_text_load8 (src)) ^ HIGHS;

  if (stop != 0)
    return xref_text_first_byte (stop);
  stop = letter_bytes (xref_text_load8 (src + 8)) ^ HIGHS;
  return stop != 0 ? 8 + xref_text_first_byte (stop) : 16;
#endif
}

/* An n or N at p (p >= lo) that follows a letter, a dot or a non-ASCII
 * byte: it may start the "n't" split off a word, the general step's. */
static inline gboolean
n_after_word (const char *lo, const char *p)
{
  return p > lo && ((guchar) p[-1] >= 0x80 || (byte_class[(guchar) p[-1]] & BC_LETTER) || p[-1] == '.');
}

/* The tokens fast_run leaves to a call: a word starting with the ASCII
 * letter at p that the loop did not settle (one near hi, one ending at
 * an apostrophe, a long word, a word scan_word must finish), or a word or
 * number starting with the ASCII digit at p.  Emits it (and the clitic
 * after a word, as the general step would) and returns where fast_run
 * goes on, or NULL when the general step must take p: a letter before a
 * dot ("U.S.", "J."). */
G_NO_INLINE static const char *
fast_word_call (Out *out, const char *text, const char *lo, const char *p, const char *hi, guint in_q)
{
  const char *e;
  gboolean number;
  guint64 head;

  if (byte_class[(guchar) *p] & BC_LETTER)
    {
      char pad[32];
      const char *src = p;
      guint n, clitic = 0;

      /* the last bytes of the text (the end of every paragraph) are read
       * from a copy with zeros after it: a zero ends a word as the end of
       * the text does */
      if (p + 24 > hi)
        {
          memset (pad, 0, sizeof pad);
          memcpy (pad, p, (gsize) (hi - p));
          src = pad;
        }
      n = ascii_letters16 (src);
      if (n < 16 && ((byte_class[(guchar) src[n]] & BC_ENDS) || word_apostrophe ((const guchar *) src, &n, &clitic)))
        {
          if (n == 1 && src[1] == '.')
            return NULL;
          emit_head (out, text, p, p + n, XREF_TOKEN_WORD, in_q, 0, TRUE);
          if (clitic != 0)
            emit_head (out, text, p + n, p + n + clitic, XREF_TOKEN_WORD, in_q, 0, TRUE);
          return p + n + clitic;
        }
      if (p + 1 < hi && p[1] == '.')
        return NULL;
      e = scan_ascii_word (lo, p, hi, &number, &head);
      /* (a word starting with a letter is never a number) */
      emit_head (out, text, p, e, XREF_TOKEN_WORD, in_q, head, TRUE);
      return e;
    }
  e = scan_plain_number (p, hi);
  if (e != NULL)
    {
      emit_head (out, text, p, e, XREF_TOKEN_NUMBER, in_q, 0, TRUE);
      return e;
    }
  e = scan_word (lo, p, p, hi, TRUE, &number);
  emit_head (out, text, p, e, number ? XREF_TOKEN_NUMBER : XREF_TOKEN_WORD, in_q, 0, TRUE);
  return e;
}

/* Writes a token at the cursor (t, bb) and moves it on. */
#define PUT_TOKEN(s_, e_, kind_, form_, norm_, flags_, bits_)                                                      \
  G_STMT_START                                                                                                     \
  {                                                                                                                \
    t->start = (gsize) ((s_) - text);                                                                              \
    t->end = (gsize) ((e_) - text);                                                                                \
    t->form = (form_);                                                                                             \
    t->norm = (norm_);                                                                                             \
    t->kind = (kind_);                                                                                             \
    t->flags = (flags_);                                                                                           \
    *bb++ = (guint8) (bits_);                                                                                      \
    t++;                                                                                                           \
  }                                                                                                                \
  G_STMT_END


/* The cursor back into out (before an out-of-line call), and from it. */
#define OUT_SYNC() (out->n = (guint) (bb - out->bb))
#define OUT_LOAD()                                                                                                 \
  G_STMT_START                                                                                                     \
  {                                                                                                                \
    t = out->buf + out->n;                                                                                         \
    room = out->buf + out->room;                                                                                   \
    bb = out->bb + out->n;                                                                                         \
    if (words)                                                                                                     \
      wq = out->wb + out->n;                                                                                       \
  }                                                                                                                \
  G_STMT_END

/* The end of the stretch from p in which the word path of fast_run may
 * run without a bound check: before it p < hi, p + 17 <= lim (the
 * sixteen bytes the word is scanned in, and the one after them that the
 * path may look at after a word and a punctuation mark), and the block
 * has room for the tokens made from p on and two more (each token holds
 * a byte at least, so the room outlasts the bytes; the word path makes
 * up to two tokens at a time); p itself when p + 17 > lim.  The block
 * has room for one token at least (room_left >= 1). */
static inline const char *
safe_end (const char *p, const char *hi, const char *lim, gsize room_left)
{
  gsize n = MIN ((gsize) (hi - p), room_left - 1);

  if (lim - p < 17)
    return p;
  return p + MIN (n, (gsize) (lim - p) - 16);
}

/* Emits the tokens from p on while the fast paths apply, and returns
 * where the general step must take over (or hi): at a quotation mark (the
 * only tokens that change in_q), a non-ASCII byte, "...", an n or N that
 * may be a clitic, or a letter before a dot (an initialism or not).  The
 * loop reads up to sixteen bytes from p while p + 16 <= lim: lim is hi,
 * or further when the byte at hi is one that the loop treats as the end
 * of the text (tokenize). */
G_ALWAYS_INLINE static inline const char *
fast_run (Out *out, const char *text, const char *lo, const char *p, const char *hi, const char *lim, guint in_q,
          gboolean words)
{
  XrefToken *t = NULL, *room = NULL;
  guint8 *bb;
  guint64 *wq = NULL;   /* (words: the cursor into the answers) */
  FormSlot *cache = form_cache_get ();   /* (the thread's address, found once) */
  WordSlot *wcache = word_slots;
  const char *pstop = p;          /* (the checks at the first turn) */

  /* (no block yet: t == room asks for one) */
  if (out->buf != NULL)
    OUT_LOAD ();
  else
    {
      bb = out->bb;
      if (words)
        wq = out->wb;
    }

  for (;;)
    {
      guchar b;
      guint8 k;

      /* Below pstop the word path needs no bound check: p < hi, p + 17
       * <= lim, and the block has room (safe_end).  Nor does it ask
       * whether an n or N at p may start the "n't" split off a word (an
       * n after a letter, a dot or a non-ASCII byte): p reaches such a
       * place only at the first turn, after a call, or after a dot with
       * no space after it, and each of those sets pstop to p, so that
       * this block asks. */
      if (G_UNLIKELY (p >= pstop))
        {
          if (p >= hi)
            break;
          if (G_UNLIKELY ((*p | 0x20) == 'n') && n_after_word (lo, p))
            break;
          if (t == room)
            {
              OUT_SYNC ();
              out_grow (out, p);
              OUT_LOAD ();
            }
          pstop = safe_end (p, hi, lim, (gsize) (room - t));
          if (p >= pstop)
            goto other;
        }
      /* The common word first: a run of one to fifteen ASCII letters
       * that ends at a byte that ends a word, settled here from one
       * sixteen-byte test (the byte class of the first byte is only
       * read when it is no letter).  The slot pair is form_pair's, the
       * compare slot_holds' (for n > 8 the one eight-byte compare of
       * tail_equal, of the bytes at n - 8 that form_pair hashes too). */
        {
          guint n = ascii_letters16 (p);
          guint64 head, tail;
          const FormSlot *fs;
          FormSlot *pair;
          gsize at0;     /* the pair's index */
          guchar after;   /* the byte after the word, most often a space */
          gsize at;

          /* (one compare for the two rare cases, no letter and sixteen) */
          if (G_UNLIKELY (n - 1 >= 15))
            {
              if (n == 0)
                goto other;
              goto call;
            }
          /* (a letter before a dot, "U.S.", "J.", is the general step's;
           * a space, after most words, is tested first, and the byte is
           * kept: the compiler would read it again after the stores) */
          after = (guchar) p[n];
          if (after != ' ' && (!(byte_class[after] & BC_ENDS) || (n == 1 && p[1] == '.')))
            goto call;
          if (n < 8)
            {
              /* Up to seven letters the head alone is the key: it holds
               * the n bytes and a zero after them, which the head of no
               * other length has (no byte of a token is zero, and a slot
               * of eight or more bytes has eight). */
              head = xref_text_load8 (p) & low_bytes[n];
              at0 = ((head * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - FORM_CACHE_BITS)) & ~(guint64) 1;
              pair = &cache[at0];
              if (G_LIKELY (pair[0].head == head))
                fs = &pair[0];
              else if (pair[1].head == head)
                fs = pair_swap (pair);
              else
                fs = form_miss (pair, p, n, head);
            }
          else
            {
              guint64 w = xref_text_load8 (p);
              guint64 h = (n == 8 ? w : w ^ ((guint64) n << 56)) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

              head = w;
              tail = xref_text_load8 (p + n - 8);
              if (n > 8)
                h = (h ^ (h >> 29) ^ tail) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
              at0 = (h >> (64 - FORM_CACHE_BITS)) & ~(guint64) 1;
              pair = &cache[at0];
              /* (up to twelve bytes the slot's tail holds the last four
               * bytes, those of tail >> 32: no read of the form) */
              if (G_LIKELY (pair[0].head == head && pair[0].len == n
                            && (n <= 12 ? pair[0].tail == (guint32) (tail >> 32)
                                        : xref_text_load8 (pair[0].form + n - 8) == tail)))
                fs = &pair[0];
              else if (pair[1].head == head && pair[1].len == n
                       && (n <= 12 ? pair[1].tail == (guint32) (tail >> 32)
                                   : xref_text_load8 (pair[1].form + n - 8) == tail))
                fs = pair_swap (pair);
              else
                fs = form_miss (pair, p, n, head);
            }
          at = (gsize) (p - text);
          t->start = at;
          t->end = at + n;
          t->form = fs->form;
          t->norm = fs->norm;
          t->kind = XREF_TOKEN_WORD;
          t->flags = fs->flags | in_q;
          *bb++ = (guint8) (in_q | fs->wbits);
          t++;
          if (words)
            {
              /* (fs is the pair's first slot, whichever way it was found) */
              WordSlot w = wcache[at0];
              if (G_UNLIKELY (!WORD_IS (w, XREF_TOKEN_WORD)))
                w = word_fill (&wcache[at0], fs, XREF_TOKEN_WORD);
              *wq++ = w;
            }
          /* The one space after most words is skipped here rather than
           * by a turn of the loop, and one-byte punctuation right after
           * the word ("said," "ago.") is emitted here, inside the region
           * and unless it is the first dot of "...": the block has room
           * for both tokens (safe_end).  p + 1 < lim; a space is skipped
           * only before hi (lim passes hi only when the byte at hi is no
           * space; else p + 1 < lim == hi). */
          p += n;
          if (after == ' ')
            {
              p++;
              continue;
            }
          b = after;
          if ((byte_class[b] & BC_PLAIN) && p < hi && !(b == '.' && p + 1 < hi && p[1] == '.'))
            {
              const Punct1 *pu = &punct1[b];

              if (G_UNLIKELY (pu->form == NULL))
                pu = punct1_fill (b);
              PUT_TOKEN (p, p + 1, (XrefTokenKind) pu->kind, pu->form, pu->norm, pu->flags | in_q, in_q | pu->bits);
              if (words)
                {
                  if (G_UNLIKELY (pu->word == 0))
                    pu = punct1_word (b);
                  *wq++ = pu->word;
                }
              p++;
              if (*p == ' ')
                p++;
              else if (b == '.')
                pstop = p;   /* (the n check) */
            }
          continue;
        }
    other:
      b = (guchar) *p;
      k = byte_class[b];
      if (k & BC_SPACE)
        {
          p++;
          continue;
        }
      if (k & BC_LETTER)
        {
          /* (near the end of the text: a letter the sixteen-byte test
           * did not take) */
          if ((b | 0x20) == 'n' && n_after_word (lo, p))
            break;
          goto call;
        }
      /* punctuation of one byte; "..." is one token */
      if ((k & BC_PLAIN) && !(b == '.' && p + 1 < hi && p[1] == '.'))
        {
          const Punct1 *pu = &punct1[b];

          if (G_UNLIKELY (pu->form == NULL))
            pu = punct1_fill (b);
          PUT_TOKEN (p, p + 1, (XrefTokenKind) pu->kind, pu->form, pu->norm, pu->flags | in_q, in_q | pu->bits);
          if (words)
            {
              if (G_UNLIKELY (pu->word == 0))
                pu = punct1_word (b);
              *wq++ = pu->word;
            }
          p++;
          if (b == '.')
            pstop = p;   /* (the n check) */
          continue;
        }
      if (!(k & BC_DIGIT))
        break;
    call:
      /* the rest of the words, and the numbers: out of line */
      {
        const char *q;

        OUT_SYNC ();
        q = fast_word_call (out, text, lo, p, hi, in_q);
        OUT_LOAD ();
        if (q == NULL)
          break;
        p = q;
        pstop = p;   /* (the checks again) */
      }
    }
  OUT_SYNC ();
  return p;
}

#undef PUT_TOKEN
#undef OUT_SYNC
#undef OUT_LOAD

/* (inlined into each entry point: fast is a constant there) */
G_ALWAYS_INLINE static inline void
tokenize (const char *text, gsize start, gsize end, gsize readable, GArray *tokens, guint8 *bits, guint64 *words_out,
          gboolean fast, gboolean words)
{
  const char *lo = text + start;
  const char *hi = text + end;
  const char *p = lo;
  const char *lim = hi;
  QuoteStack qs = { { 0 }, 0 };
  Out out;

  byte_class_init ();
  out_init (&out, tokens, hi, bits, words ? words_out : NULL);
  /* The fast loop may read past hi, into text[end..readable), when the
   * byte at hi ends a word as the end of the text does and is neither a
   * space nor a dot (which the loop would take for more: a space after a
   * word is skipped, a dot after one letter starts an initialism): a run
   * of letters stops there, and no other byte past hi is looked at.  So
   * the last words of a paragraph ("... said.\n") stay on the fast path. */
  if (readable > end && (byte_class[(guchar) text[end]] & BC_ENDS) && text[end] != ' ' && text[end] != '.')
    lim = text + readable;

  while (p < hi)
    {
      gsize len;
      gunichar c;
      guint in_q = qs.depth > 0 ? XREF_TOKEN_IN_QUOTE : 0;
      const char *e;
      gsize cl;

      if (fast)
        {
          /* (in_q a constant in each: most tokens are outside quotations) */
          p = in_q ? fast_run (&out, text, lo, p, hi, lim, XREF_TOKEN_IN_QUOTE, words)
                   : fast_run (&out, text, lo, p, hi, lim, 0, words);
          if (p >= hi)
            break;
          /* “ and ” (E2 80 9C, E2 80 9D) open and close whatever their
           * neighbours are (the switch of the general step below), and
           * no test before it takes them: done here without decoding */
          if (hi - p >= 3 && (guchar) p[0] == 0xe2 && (guchar) p[1] == 0x80 && ((guchar) p[2] | 1) == 0x9d)
            {
              if ((guchar) p[2] == 0x9c)
                {
                  emit (&out, text, p, p + 3, XREF_TOKEN_QUOTE, XREF_TOKEN_OPEN_QUOTE | in_q, fast);
                  quote_push (&qs, Q_DOUBLE);
                }
              else
                {
                  quote_pop (&qs, Q_DOUBLE);
                  emit (&out, text, p, p + 3, XREF_TOKEN_QUOTE,
                        XREF_TOKEN_CLOSE_QUOTE | (qs.depth > 0 ? XREF_TOKEN_IN_QUOTE : 0), fast);
                }
              p += 3;
              continue;
            }
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
  tokenize (text, start, end, end, tokens, NULL, NULL, TRUE, FALSE);
}

void
xref_text_tokenize_bits (const char *text, gsize start, gsize end, GArray *tokens, guint8 *bits)
{
  tokenize (text, start, end, end, tokens, bits, NULL, TRUE, FALSE);
}

void
xref_text_tokenize_bits_in (const char *text, gsize start, gsize end, gsize readable, GArray *tokens, guint8 *bits)
{
  tokenize (text, start, end, MAX (readable, end), tokens, bits, NULL, TRUE, FALSE);
}

void
xref_text_tokenize_words (const char *text, gsize start, gsize end, gsize readable, GArray *tokens, guint8 *bits,
                          guint64 *words)
{
  g_return_if_fail (word_func != NULL && words != NULL);
  tokenize (text, start, end, MAX (readable, end), tokens, bits, words, TRUE, TRUE);
}

void
xref_tokenize_reference (const char *text, gsize start, gsize end, GArray *tokens)
{
  tokenize (text, start, end, end, tokens, NULL, NULL, FALSE, FALSE);
}
