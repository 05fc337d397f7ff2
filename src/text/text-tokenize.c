/* xref — the one tokenizer: Penn-Treebank-like tokens with byte offsets.
 *
 * The splitting rules are documented with xref_tokenize in xref/core.h;
 * the rule loader splits rule phrases with it, so any change here changes
 * which phrases match.  Classification uses GLib's Unicode tables, never
 * the locale. */
#include "xref/core.h"

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

/* A word or number starting at p.  Sets *number when it is a number. */
static const char *
scan_word (const char *lo, const char *p, const char *end, gboolean *number)
{
  const char *q = p;
  gboolean all_number = TRUE;
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

/* Tokens are gathered in a small buffer and appended to the caller's
 * array a block at a time: one g_array_append_vals per block instead of
 * one per token. */
#define OUT_BLOCK 128

typedef struct {
  GArray *tokens;
  guint n;
  XrefToken buf[OUT_BLOCK];
} Out;

static void
out_flush (Out *o)
{
  if (o->n > 0)
    g_array_append_vals (o->tokens, o->buf, o->n);
  o->n = 0;
}

static inline void
out_push (Out *o, const XrefToken *t)
{
  if (o->n == OUT_BLOCK)
    out_flush (o);
  o->buf[o->n++] = *t;
}

/* The last token emitted so far (also by earlier calls), or NULL. */
static const XrefToken *
out_last (const Out *o)
{
  if (o->n > 0)
    return &o->buf[o->n - 1];
  if (o->tokens->len > 0)
    return &g_array_index (o->tokens, XrefToken, o->tokens->len - 1);
  return NULL;
}

static void
emit (Out *out, GString *scratch, const char *text, const char *s, const char *e, XrefTokenKind kind,
      guint flags)
{
  XrefToken t = { 0 };
  guint letters = 0, upper = 0;
  gboolean first_letter = TRUE;

  t.start = (gsize) (s - text);
  t.end = (gsize) (e - text);
  t.kind = kind;

  /* Most tokens are short ASCII: the same flags and lower-casing as the
   * Unicode path below, without a GLib call per character (the tokenizer
   * is the hottest loop of a run; see bench/README.md). */
  if (e - s < 128)
    {
      char low[128];
      gsize n = (gsize) (e - s);
      gboolean ascii = TRUE;

      for (gsize k = 0; k < n && ascii; k++)
        {
          guchar c = (guchar) s[k];
          if (c >= 0x80)
            ascii = FALSE;
          else if (c >= 'A' && c <= 'Z')
            {
              if (letters == 0)
                t.flags |= XREF_TOKEN_CAPITALISED;
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
            t.flags |= XREF_TOKEN_ALLCAPS;
          t.form = xref_intern_len (s, n);
          t.norm = upper == 0 ? t.form : xref_intern_len (low, n);
          t.flags |= flags;
          out_push (out, &t);
          return;
        }
      t.flags = 0;
      letters = upper = 0;
    }

  g_string_truncate (scratch, 0);
  g_string_append_len (scratch, s, e - s);
  t.form = xref_intern (scratch->str);

  g_string_truncate (scratch, 0);
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
            t.flags |= XREF_TOKEN_CAPITALISED;
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
    t.flags |= XREF_TOKEN_ALLCAPS;
  t.norm = xref_intern (scratch->str);
  t.flags |= flags;
  out_push (out, &t);
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

void
xref_tokenize (const char *text, gsize start, gsize end, GArray *tokens)
{
  const char *lo = text + start;
  const char *hi = text + end;
  const char *p = lo;
  GString *scratch = g_string_sized_new (64);
  QuoteStack qs = { { 0 }, 0 };
  Out out;

  out.tokens = tokens;
  out.n = 0;

  while (p < hi)
    {
      gsize len;
      gunichar c = get_char (p, hi, &len);
      guint in_q = qs.depth > 0 ? XREF_TOKEN_IN_QUOTE : 0;
      const char *e;
      gsize cl;

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
          emit (&out, scratch, text, p, p + cl, XREF_TOKEN_WORD, in_q);
          p += cl;
          continue;
        }

      if (is_alnum (c))
        {
          gboolean number = FALSE;
          if ((c < 0x80 ? g_ascii_isalpha (c) : g_unichar_isalpha (c)) && (e = scan_initialism (p, hi)) != NULL)
            {
              emit (&out, scratch, text, p, e, XREF_TOKEN_WORD, in_q);
              p = e;
              continue;
            }
          e = scan_word (lo, p, hi, &number);
          emit (&out, scratch, text, p, e, number ? XREF_TOKEN_NUMBER : XREF_TOKEN_WORD, in_q);
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
                  emit (&out, scratch, text, p, p + len, XREF_TOKEN_WORD, in_q);
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
              emit (&out, scratch, text, p, p + len, XREF_TOKEN_QUOTE, XREF_TOKEN_OPEN_QUOTE | in_q);
              quote_push (&qs, fam);
            }
          else
            {
              quote_pop (&qs, fam);
              emit (&out, scratch, text, p, p + len, XREF_TOKEN_QUOTE,
                    XREF_TOKEN_CLOSE_QUOTE | (qs.depth > 0 ? XREF_TOKEN_IN_QUOTE : 0));
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
          emit (&out, scratch, text, p, e, XREF_TOKEN_PUNCT, in_q);
          p = e;
          continue;
        }

      emit (&out, scratch, text, p, p + len, is_symbol (c) ? XREF_TOKEN_SYMBOL : XREF_TOKEN_PUNCT, in_q);
      p += len;
    }

  out_flush (&out);
  g_string_free (scratch, TRUE);
}
