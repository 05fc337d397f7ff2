/* xref — rules: a necessary condition for a rule regex to match, read
 * from the pattern's text (see the comment below), so that the slot
 * patterns tried on every claim reach PCRE2 only where they may match.
 * Used by rules-regex.c (xref_regex_may_match). */
#include "rules-private.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- a necessary condition, read from the pattern ----------------------
 *
 * Most subjects a slot pattern is tried on cannot match it: the text
 * after an action has no "in" followed by a capitalised word for a
 * place, no digit for a quantity.  PCRE2 finds that out too, but a call
 * costs hundreds of instructions before it does, and the slot patterns
 * are tried on every claim.  So when a pattern is compiled its text is
 * read once for what every match must consume: a few sets of short
 * strings, each of which the consumed text must contain a member of.  A
 * string is a sequence of tokens: a byte, a character class (a byte
 * set), a word boundary (\b).  "\b(?:in|at) (?:the )?[A-Z]…" needs one of
 * "\bin [A-Z]", "\bat [A-Z]", "\bin the [A-Z]", "\bat the [A-Z]".
 * xref_regex_may_match checks the sets with a byte scan.
 *
 * The reading is conservative: it understands literals, escapes of
 * punctuation, \b \d \w \s, character classes, groups (capturing, named,
 * non-capturing, atomic), lookarounds (which consume nothing),
 * alternation and quantifiers, and gives up (no sets: every subject goes
 * to PCRE2) on anything else — inline options such as (?i), \Q, \x, \p,
 * back references, verbs, conditionals.  What a match consumes lies in
 * subject[offset..len), and a word boundary only depends on the bytes
 * around it, so a set none of whose strings occurs there proves that
 * PCRE2 would find no match. */

#define PF_MAX_ALT     16       /* strings in a set */
#define PF_MAX_LEN     48       /* tokens in a string */
#define PF_MAX_SETS    4        /* sets checked per call */
#define PF_MAX_CLASSES 10
#define PF_MAX_BEFORE  3        /* bytes before an anchor, for the scan */
/* Tokens: bytes that valid UTF-8 (the pattern) never holds. */
#define PF_BOUNDARY    0xFF     /* \b */
#define PF_CLASS0      0xF5     /* 0xF5 + k: class k (k < PF_MAX_CLASSES) */

#define PF_IS_CLASS(t) ((t) >= PF_CLASS0 && (t) < PF_CLASS0 + PF_MAX_CLASSES)

typedef struct {
  guint8 bits[PF_MAX_CLASSES][32]; /* the first bytes each class may consume */
  gboolean wide[PF_MAX_CLASSES];   /* it may consume a non-ASCII character:
                                      nothing can follow it in a string */
  guint n;
} PfClasses;

typedef struct {
  GPtrArray *strs;              /* GString* of tokens, or NULL for a byte set */
  guint8 bytes[32];             /* the byte set (strs == NULL) */
} PfSet;

/* What the reading knows of a piece of pattern. */
typedef struct {
  GPtrArray *exact;             /* GString*: every match of the piece
                                   consumes one of these (token strings),
                                   or NULL when unknown */
  GPtrArray *prefix;            /* every match starts with one of these, or
                                   NULL (unused when exact is known) */
  GPtrArray *conds;             /* PfSet*: the consumed text contains a
                                   member of each */
} PfInfo;

typedef struct {
  const char *p, *end;
  gboolean fail;
  PfClasses cl;
} PfParser;

/* The compiled check: a set of token strings, or a byte set (n == 0).
 * The scan looks for one token of each string, its anchor (the rarest,
 * so that few places are candidates), then checks the whole string
 * around it. */
typedef struct {
  guint n;
  GString **str;
  guint *at;                    /* per string: the bytes before its anchor */
  guint64 *pre, *pre_mask;      /* per string: the bytes it has in the
                                   eight before its anchor (pre, as a
                                   little-endian load of them), and which
                                   of the eight these are (pre_mask); the
                                   bytes of classes are not in them */
  guint min_at;
  guint8 hit[256];              /* 1 for a byte an anchor (a member of the
                                   byte set) may be */
  /* hit as at most two ranges of ASCII bytes and "any byte >= 0x80", for
   * a test of eight bytes at a time (swar FALSE when it is not that) */
  gboolean swar, high;
  guint n_ranges;
  guint64 below[2], above[2];   /* the constants of each range [lo, hi]:
                                   ones * (128 + hi), ones * (128 - lo) */
  /* For the sixteen-byte scan (SSE2): each range as lo and hi - lo
   * sixteen times over (the one range twice when there is one); 0xffff
   * when the set has non-ASCII bytes; and the bytes (sixteen times over)
   * that every string has one and two bytes before its anchor, when
   * there are at most PF_MAX_BEFORE of them (n_before: 0 for none). */
  guint8 lo[2][16], span[2][16];
  guint high_mask;
  guint n_before1, n_before2;
  guint8 before1[PF_MAX_BEFORE][16], before2[PF_MAX_BEFORE][16];
} PfNeed;

struct _XrefRegexPrefilter {
  guint32 minlength;            /* PCRE2_INFO_MINLENGTH, in characters */
  guint n_needs;
  PfNeed needs[PF_MAX_SETS];
  PfClasses cl;
};

static void
pf_bit (guint8 *bytes, guchar b)
{
  bytes[b >> 3] |= (guint8) (1u << (b & 7));
}

static gboolean
pf_has (const guint8 *bytes, guchar b)
{
  return (bytes[b >> 3] >> (b & 7)) & 1;
}

/* The lead bytes of UTF-8 sequences: the first byte a non-ASCII
 * character can consume. */
static void
pf_bits_nonascii (guint8 *bytes)
{
  for (guint b = 0xC2; b <= 0xF4; b++)
    pf_bit (bytes, (guchar) b);
}

static void
pf_gstring_free (gpointer s)
{
  g_string_free (s, TRUE);
}

static GPtrArray *
pf_strs_new (void)
{
  return g_ptr_array_new_with_free_func (pf_gstring_free);
}

static GPtrArray *
pf_strs_one (const char *s, gsize len)
{
  GPtrArray *a = pf_strs_new ();
  g_ptr_array_add (a, g_string_new_len (s, (gssize) len));
  return a;
}

static GPtrArray *
pf_strs_copy (const GPtrArray *a)
{
  GPtrArray *b = pf_strs_new ();
  for (guint i = 0; i < a->len; i++)
    {
      const GString *s = g_ptr_array_index (a, i);
      g_ptr_array_add (b, g_string_new_len (s->str, (gssize) s->len));
    }
  return b;
}

/* Does the string end with a class that may consume several bytes? */
static gboolean
pf_ends_wide (const PfClasses *cl, const GString *s)
{
  guchar t = s->len > 0 ? (guchar) s->str[s->len - 1] : 0;
  return PF_IS_CLASS (t) && cl->wide[t - PF_CLASS0];
}

/* Every x followed by every y, or NULL when too many, too long, or
 * when a token would follow a class of several bytes. */
static GPtrArray *
pf_strs_cross (const PfClasses *cl, const GPtrArray *x, const GPtrArray *y)
{
  GPtrArray *r;

  if (x->len * y->len > PF_MAX_ALT)
    return NULL;
  r = pf_strs_new ();
  for (guint i = 0; i < x->len; i++)
    for (guint j = 0; j < y->len; j++)
      {
        const GString *a = g_ptr_array_index (x, i), *b = g_ptr_array_index (y, j);
        GString *s;
        if (a->len + b->len > PF_MAX_LEN || (b->len > 0 && pf_ends_wide (cl, a)))
          {
            g_ptr_array_unref (r);
            return NULL;
          }
        s = g_string_new_len (a->str, (gssize) a->len);
        g_string_append_len (s, b->str, (gssize) b->len);
        g_ptr_array_add (r, s);
      }
  return r;
}

/* Adds the strings of y to x (TRUE), or FALSE when too many. */
static gboolean
pf_strs_union (GPtrArray *x, const GPtrArray *y)
{
  if (x->len + y->len > PF_MAX_ALT)
    return FALSE;
  for (guint j = 0; j < y->len; j++)
    {
      const GString *b = g_ptr_array_index (y, j);
      g_ptr_array_add (x, g_string_new_len (b->str, (gssize) b->len));
    }
  return TRUE;
}

/* Adds to bytes what the first byte of a match of s may be; FALSE when s
 * consumes nothing (it matches anywhere). */
static gboolean
pf_first_bytes (const PfClasses *cl, const GString *s, guint8 *bytes)
{
  for (gsize i = 0; i < s->len; i++)
    {
      guchar t = (guchar) s->str[i];
      if (t == PF_BOUNDARY)
        continue;
      if (PF_IS_CLASS (t))
        for (guint k = 0; k < 32; k++)
          bytes[k] |= cl->bits[t - PF_CLASS0][k];
      else
        pf_bit (bytes, t);
      return TRUE;
    }
  return FALSE;
}

/* How much a set narrows the subjects down: the tokens of its shortest
 * string that consume a byte; a byte set counts as one unless it holds
 * most bytes.  0: worthless (a string that consumes nothing). */
static guint
pf_score (const PfSet *s)
{
  guint n = 0;

  if (s->strs == NULL)
    {
      for (guint i = 0; i < 32; i++)
        n += (guint) __builtin_popcount (s->bytes[i]);
      return n > 0 && n <= 160 ? 1 : 0;
    }
  if (s->strs->len == 0)
    return 0;
  n = G_MAXUINT;
  for (guint i = 0; i < s->strs->len; i++)
    {
      const GString *str = g_ptr_array_index (s->strs, i);
      guint m = 0;
      for (gsize k = 0; k < str->len; k++)
        if ((guchar) str->str[k] != PF_BOUNDARY)
          m++;
      n = MIN (n, m);
    }
  return n;
}

static void
pf_set_free (gpointer p)
{
  PfSet *s = p;
  if (s->strs != NULL)
    g_ptr_array_unref (s->strs);
  g_free (s);
}

static void
pf_add_cond (PfInfo *in, const GPtrArray *strs)
{
  PfSet *s = g_new0 (PfSet, 1);
  s->strs = pf_strs_copy (strs);
  if (pf_score (s) == 0)
    {
      pf_set_free (s);
      return;
    }
  g_ptr_array_add (in->conds, s);
}

static void
pf_info_init (PfInfo *in)
{
  in->exact = in->prefix = NULL;
  in->conds = g_ptr_array_new_with_free_func (pf_set_free);
}

static void
pf_info_clear (PfInfo *in)
{
  g_clear_pointer (&in->exact, g_ptr_array_unref);
  g_clear_pointer (&in->prefix, g_ptr_array_unref);
  g_clear_pointer (&in->conds, g_ptr_array_unref);
}

/* The strings every match starts with, or NULL. */
static const GPtrArray *
pf_prefix_of (const PfInfo *in)
{
  return in->exact != NULL ? in->exact : in->prefix;
}

/* The best single set a piece offers (in *out, borrowed), or FALSE. */
static gboolean
pf_best (const PfInfo *in, PfSet *out)
{
  guint bs = 0;

  memset (out, 0, sizeof *out);
  if (in->exact != NULL)
    {
      out->strs = in->exact;
      return pf_score (out) > 0;
    }
  for (guint i = 0; i < in->conds->len; i++)
    {
      const PfSet *s = g_ptr_array_index (in->conds, i);
      guint sc = pf_score (s);
      if (sc > bs)
        {
          bs = sc;
          *out = *s;
        }
    }
  return bs > 0;
}

static PfInfo pf_alt (PfParser *ps);

/* The token of a class (deduplicated), or -1 when the table is full. */
static gint
pf_class_token (PfParser *ps, const guint8 *bits)
{
  gboolean wide = FALSE;

  for (guint b = 0x80; b < 0x100; b++)
    if (pf_has (bits, (guchar) b))
      wide = TRUE;
  for (guint k = 0; k < ps->cl.n; k++)
    if (memcmp (ps->cl.bits[k], bits, 32) == 0)
      return (gint) (PF_CLASS0 + k);
  if (ps->cl.n == PF_MAX_CLASSES)
    return -1;
  memcpy (ps->cl.bits[ps->cl.n], bits, 32);
  ps->cl.wide[ps->cl.n] = wide;
  return (gint) (PF_CLASS0 + ps->cl.n++);
}

static inline gboolean pf_word_byte (guint b);

/* \d, \w, \s under PCRE2_UCP: their ASCII members and the lead bytes
 * of their non-ASCII members.  \w: any non-ASCII character.  \d is
 * \p{Nd}: none starts with C2-D8, DA, DC-DE (U+0080-U+07FF holds only
 * U+0660, U+06F0 and U+07C0 digits) nor with E2 or E3 (U+2000-U+3FFF:
 * punctuation, symbols, kana, no Nd).  \s is \p{Z} and \h \v: U+0085,
 * U+00A0, U+1680, U+180E, U+2000-U+205F, U+3000, lead bytes C2 E1 E2 E3.
 * The quotation marks and dashes of news text (E2) are then neither
 * digits nor, for \d, candidates that send a subject to PCRE2; the unit
 * test checks every code point against PCRE2. */
static gboolean
pf_escape_class (guchar e, guint8 *bits)
{
  if (e != 'd' && e != 'w' && e != 's')
    return FALSE;
  for (guint b = 0; b < 128; b++)
    if ((e == 'd' && g_ascii_isdigit (b)) || (e == 'w' && pf_word_byte (b))
        || (e == 's' && (b == ' ' || (b >= '\t' && b <= '\r'))))
      pf_bit (bits, (guchar) b);
  if (e == 'w')
    pf_bits_nonascii (bits);
  else if (e == 'd')
    {
      pf_bit (bits, 0xD9);
      pf_bit (bits, 0xDB);
      pf_bit (bits, 0xDF);
      pf_bit (bits, 0xE0);
      pf_bit (bits, 0xE1);
      for (guint b = 0xE4; b <= 0xF4; b++)
        pf_bit (bits, (guchar) b);
    }
  else
    {
      pf_bit (bits, 0xC2);
      pf_bit (bits, 0xE1);
      pf_bit (bits, 0xE2);
      pf_bit (bits, 0xE3);
    }
  return TRUE;
}

/* A character class from after its "[" to after its "]": the bytes a
 * member may start with (*known FALSE when not representable). */
static void
pf_class (PfParser *ps, guint8 *bytes, gboolean *known, gboolean *negated)
{
  const char *p = ps->p;
  gboolean first = TRUE;
  gint prev = -1;               /* the last ASCII literal, for ranges */

  memset (bytes, 0, 32);
  *known = TRUE;
  *negated = FALSE;
  if (p < ps->end && *p == '^')
    {
      *negated = TRUE;
      p++;
    }
  while (p < ps->end && (*p != ']' || first))
    {
      guchar ch = (guchar) *p;
      first = FALSE;
      if (ch == '[' && p + 1 < ps->end && (p[1] == ':' || p[1] == '.' || p[1] == '='))
        {
          ps->fail = TRUE;        /* POSIX classes: not read */
          return;
        }
      if (ch == '-' && prev >= 0 && p + 1 < ps->end && p[1] != ']')
        {
          guchar hi = (guchar) p[1];
          if (hi == '\\' || hi == '[' || hi >= 0x80 || hi < (guchar) prev)
            {
              ps->fail = TRUE;
              return;
            }
          for (guint b = (guint) prev; b <= hi; b++)
            pf_bit (bytes, (guchar) b);
          p += 2;
          prev = -1;
          continue;
        }
      if (ch == '\\')
        {
          guchar e;
          if (p + 1 >= ps->end)
            break;
          e = (guchar) p[1];
          p += 2;
          prev = -1;
          if (pf_escape_class (e, bytes))
            continue;
          if (e < 0x80 && !g_ascii_isalnum (e))
            {
              pf_bit (bytes, e);
              prev = e;
              continue;
            }
          ps->fail = TRUE;
          return;
        }
      if (ch >= 0x80)
        {
          pf_bits_nonascii (bytes);
          p = g_utf8_next_char (p);
          prev = -1;
          continue;
        }
      pf_bit (bytes, ch);
      prev = ch;
      p++;
    }
  if (p >= ps->end)
    {
      ps->fail = TRUE;
      return;
    }
  ps->p = p + 1;
}

/* A quantifier at ps->p, if any: min and max (G_MAXUINT for none). */
static gboolean
pf_quantifier (PfParser *ps, guint *min, guint *max)
{
  const char *p = ps->p;

  if (p >= ps->end)
    return FALSE;
  if (*p == '*' || *p == '+' || *p == '?')
    {
      *min = *p == '+' ? 1 : 0;
      *max = *p == '?' ? 1 : G_MAXUINT;
      p++;
    }
  else if (*p == '{')
    {
      guint a = 0, b;
      const char *q = p + 1;
      if (q >= ps->end || !g_ascii_isdigit (*q))
        {
          ps->fail = TRUE;        /* "{" as a literal, or "{,n}": not read */
          return FALSE;
        }
      while (q < ps->end && g_ascii_isdigit (*q) && a < 100000)
        a = a * 10 + (guint) (*q++ - '0');
      b = a;
      if (q < ps->end && *q == ',')
        {
          q++;
          if (q < ps->end && g_ascii_isdigit (*q))
            {
              b = 0;
              while (q < ps->end && g_ascii_isdigit (*q) && b < 100000)
                b = b * 10 + (guint) (*q++ - '0');
            }
          else
            b = G_MAXUINT;
        }
      if (q >= ps->end || *q != '}')
        {
          ps->fail = TRUE;
          return FALSE;
        }
      *min = a;
      *max = b;
      p = q + 1;
    }
  else
    return FALSE;
  if (p < ps->end && (*p == '?' || *p == '+'))
    p++;
  ps->p = p;
  return TRUE;
}

/* After "(": the group's kind; FALSE (and ps->fail) for kinds not read. */
static gboolean
pf_group_kind (PfParser *ps, gboolean *zero)
{
  const char *p = ps->p;

  *zero = FALSE;
  if (p < ps->end && *p == '*')
    return FALSE;                 /* verbs */
  if (p >= ps->end || *p != '?')
    {
      ps->p = p;                  /* a plain capture */
      return TRUE;
    }
  p++;
  if (p < ps->end && (*p == ':' || *p == '>'))
    p++;
  else if (p < ps->end && (*p == '=' || *p == '!'))
    {
      *zero = TRUE;
      p++;
    }
  else if (p + 1 < ps->end && *p == '<' && (p[1] == '=' || p[1] == '!'))
    {
      *zero = TRUE;
      p += 2;
    }
  else if (p < ps->end && (*p == '<' || *p == '\'' || *p == 'P'))
    {
      char close = *p == '\'' ? '\'' : '>';
      if (*p == 'P')
        {
          p++;
          if (p >= ps->end || *p != '<')
            return FALSE;
        }
      p++;
      while (p < ps->end && (g_ascii_isalnum (*p) || *p == '_'))
        p++;
      if (p >= ps->end || *p != close)
        return FALSE;
      p++;
    }
  else
    return FALSE;                 /* options, comments, conditionals, … */
  ps->p = p;
  return TRUE;
}

/* One atom and its quantifier. */
static PfInfo
pf_atom (PfParser *ps)
{
  PfInfo in;
  guint min, max;
  const char *p = ps->p;
  guchar ch = (guchar) *p;
  guint8 bits[32] = { 0 };

  pf_info_init (&in);
  if (ch == '(')
    {
      gboolean zero;
      PfInfo inner;
      ps->p = p + 1;
      if (!pf_group_kind (ps, &zero))
        {
          ps->fail = TRUE;
          return in;
        }
      inner = pf_alt (ps);
      if (ps->fail || ps->p >= ps->end || *ps->p != ')')
        {
          ps->fail = TRUE;
          pf_info_clear (&inner);
          return in;
        }
      ps->p++;
      if (zero)
        {
          /* a lookaround consumes nothing */
          pf_info_clear (&inner);
          in.exact = pf_strs_one ("", 0);
        }
      else
        {
          pf_info_clear (&in);
          in = inner;
        }
    }
  else if (ch == '[')
    {
      gboolean known, negated;
      ps->p = p + 1;
      pf_class (ps, bits, &known, &negated);
      if (ps->fail)
        return in;
      if (known && !negated)
        {
          gint t = pf_class_token (ps, bits);
          if (t >= 0)
            {
              char c = (char) t;
              in.exact = pf_strs_one (&c, 1);
            }
        }
    }
  else if (ch == '\\')
    {
      guchar e;
      if (p + 1 >= ps->end)
        {
          ps->fail = TRUE;
          return in;
        }
      e = (guchar) p[1];
      ps->p = p + 2;
      if (e < 0x80 && !g_ascii_isalnum (e))
        in.exact = pf_strs_one ((const char *) &p[1], 1);
      else if (e == 'b')
        {
          char c = (char) PF_BOUNDARY;
          in.exact = pf_strs_one (&c, 1);
        }
      else if (strchr ("BAzZG", e) != NULL)
        in.exact = pf_strs_one ("", 0);
      else if (pf_escape_class (e, bits))
        {
          gint t = pf_class_token (ps, bits);
          if (t >= 0)
            {
              char c = (char) t;
              in.exact = pf_strs_one (&c, 1);
            }
        }
      else if (strchr ("DWShHvVNRX", e) != NULL)
        ;                         /* some character(s): nothing known */
      else if (strchr ("ntrfea", e) != NULL)
        {
          static const char ctl[] = { '\n', '\t', '\r', '\f', '\033', '\a' };
          in.exact = pf_strs_one (&ctl[strchr ("ntrfea", e) - "ntrfea"], 1);
        }
      else
        {
          ps->fail = TRUE;        /* \x, \p, \Q, \K, back references, … */
          return in;
        }
    }
  else if (ch == '.')
    ps->p = p + 1;
  else if (ch == '^' || ch == '$')
    {
      ps->p = p + 1;
      in.exact = pf_strs_one ("", 0);
    }
  else if (ch == '*' || ch == '+' || ch == '?' || ch == '{')
    {
      ps->fail = TRUE;
      return in;
    }
  else
    {
      const char *next = ch < 0x80 ? p + 1 : g_utf8_next_char (p);
      if (next > ps->end)
        {
          ps->fail = TRUE;
          return in;
        }
      in.exact = pf_strs_one (p, (gsize) (next - p));
      ps->p = next;
    }

  if (!pf_quantifier (ps, &min, &max) || ps->fail)
    return in;
  if (min == 1 && max == 1)
    return in;
  if (min == 0)
    {
      /* "(?:the )?": the strings or nothing; else nothing is known */
      GPtrArray *x = NULL;
      if (max == 1 && in.exact != NULL)
        {
          x = pf_strs_one ("", 0);
          if (!pf_strs_union (x, in.exact))
            g_clear_pointer (&x, g_ptr_array_unref);
        }
      pf_info_clear (&in);
      pf_info_init (&in);
      in.exact = x;
      return in;
    }
  /* at least once: what one repetition needs and starts with */
  if (in.exact != NULL)
    {
      pf_add_cond (&in, in.exact);
      in.prefix = in.exact;
      in.exact = NULL;
    }
  return in;
}

/* A sequence of atoms, up to "|" or ")". */
static PfInfo
pf_seq (PfParser *ps)
{
  PfInfo in;
  GPtrArray *run = pf_strs_one ("", 0);   /* the strings since the last unknown atom */
  gboolean whole = TRUE;                  /* every atom so far was exact */

  pf_info_init (&in);
  while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')' && !ps->fail)
    {
      PfInfo a = pf_atom (ps);
      if (ps->fail)
        {
          pf_info_clear (&a);
          break;
        }
      for (guint i = 0; i < a.conds->len; i++)
        g_ptr_array_add (in.conds, g_ptr_array_steal_index (a.conds, i--));
      if (a.exact != NULL)
        {
          GPtrArray *x = pf_strs_cross (&ps->cl, run, a.exact);
          if (x == NULL)
            {
              pf_add_cond (&in, run);
              if (whole)
                in.prefix = g_steal_pointer (&run);
              else
                g_ptr_array_unref (run);
              run = pf_strs_copy (a.exact);
              whole = FALSE;
            }
          else
            {
              g_ptr_array_unref (run);
              run = x;
            }
        }
      else
        {
          /* the run is followed by what the atom starts with */
          GPtrArray *joined = a.prefix != NULL ? pf_strs_cross (&ps->cl, run, a.prefix) : NULL;
          if (joined == NULL)
            joined = g_steal_pointer (&run);
          pf_add_cond (&in, joined);
          if (whole)
            in.prefix = g_steal_pointer (&joined);
          g_clear_pointer (&joined, g_ptr_array_unref);
          g_clear_pointer (&run, g_ptr_array_unref);
          run = pf_strs_one ("", 0);
          whole = FALSE;
        }
      pf_info_clear (&a);
    }
  if (whole)
    {
      in.exact = run;
      return in;
    }
  pf_add_cond (&in, run);
  g_ptr_array_unref (run);
  return in;
}

/* Branches separated by "|": every match is a match of one of them. */
static PfInfo
pf_alt (PfParser *ps)
{
  PfInfo first = pf_seq (ps), in;
  GArray *branches;
  gboolean all_exact = TRUE, all_prefix = TRUE, all_cond = TRUE;

  if (ps->fail || ps->p >= ps->end || *ps->p != '|')
    return first;
  branches = g_array_new (FALSE, FALSE, sizeof (PfInfo));
  g_array_append_val (branches, first);
  while (!ps->fail && ps->p < ps->end && *ps->p == '|')
    {
      PfInfo b;
      ps->p++;
      b = pf_seq (ps);
      g_array_append_val (branches, b);
    }
  pf_info_init (&in);
  for (guint i = 0; i < branches->len && !ps->fail; i++)
    {
      const PfInfo *b = &g_array_index (branches, PfInfo, i);
      if (b->exact == NULL)
        all_exact = FALSE;
      if (pf_prefix_of (b) == NULL)
        all_prefix = FALSE;
    }
  if (!ps->fail && all_exact)
    {
      in.exact = pf_strs_new ();
      for (guint i = 0; i < branches->len && in.exact != NULL; i++)
        if (!pf_strs_union (in.exact, g_array_index (branches, PfInfo, i).exact))
          g_clear_pointer (&in.exact, g_ptr_array_unref);
    }
  if (!ps->fail && in.exact == NULL)
    {
      PfSet *u = g_new0 (PfSet, 1);

      if (all_prefix)
        {
          in.prefix = pf_strs_new ();
          for (guint i = 0; i < branches->len && in.prefix != NULL; i++)
            if (!pf_strs_union (in.prefix, pf_prefix_of (&g_array_index (branches, PfInfo, i))))
              g_clear_pointer (&in.prefix, g_ptr_array_unref);
        }
      /* one set from each branch: their union holds for any match */
      u->strs = pf_strs_new ();
      for (guint i = 0; i < branches->len; i++)
        {
          PfSet best;
          if (!pf_best (&g_array_index (branches, PfInfo, i), &best))
            {
              all_cond = FALSE;
              break;
            }
          if (best.strs != NULL && u->strs != NULL && pf_strs_union (u->strs, best.strs))
            continue;
          /* a byte set, or too many strings: their first bytes */
          for (guint k = 0; k < 32; k++)
            u->bytes[k] |= best.bytes[k];
          for (guint k = 0; best.strs != NULL && k < best.strs->len; k++)
            if (!pf_first_bytes (&ps->cl, g_ptr_array_index (best.strs, k), u->bytes))
              all_cond = FALSE;
          for (guint k = 0; u->strs != NULL && k < u->strs->len; k++)
            if (!pf_first_bytes (&ps->cl, g_ptr_array_index (u->strs, k), u->bytes))
              all_cond = FALSE;
          g_clear_pointer (&u->strs, g_ptr_array_unref);
        }
      if (all_cond && pf_score (u) > 0)
        g_ptr_array_add (in.conds, u);
      else
        pf_set_free (u);
    }
  for (guint i = 0; i < branches->len; i++)
    pf_info_clear (&g_array_index (branches, PfInfo, i));
  g_array_unref (branches);
  return in;
}

/* Does token string a contain token string b?  Then wherever a occurs, b
 * occurs (a boundary of b is one of a). */
static gboolean
pf_contains (const GString *a, const GString *b)
{
  if (b->len > a->len)
    return FALSE;
  for (gsize i = 0; i + b->len <= a->len; i++)
    if (memcmp (a->str + i, b->str, b->len) == 0)
      return TRUE;
  return FALSE;
}

/* Drops the strings of a set that contain another of its strings: "b or
 * more than b" is just "b". */
static void
pf_set_simplify (PfSet *s)
{
  for (guint i = 0; s->strs != NULL && i < s->strs->len; i++)
    for (guint j = 0; j < s->strs->len; j++)
      if (j != i && pf_contains (g_ptr_array_index (s->strs, i), g_ptr_array_index (s->strs, j))
          && !(pf_contains (g_ptr_array_index (s->strs, j), g_ptr_array_index (s->strs, i)) && j > i))
        {
          g_ptr_array_remove_index (s->strs, i--);
          break;
        }
}

/* Does every string of need a contain a string of set b (so checking b
 * after a is a waste)? */
static gboolean
pf_implies (const PfNeed *a, const PfSet *b)
{
  if (a->n == 0 || b->strs == NULL)
    return FALSE;
  for (guint i = 0; i < a->n; i++)
    {
      gboolean some = FALSE;
      for (guint j = 0; j < b->strs->len && !some; j++)
        some = pf_contains (a->str[i], g_ptr_array_index (b->strs, j));
      if (!some)
        return FALSE;
    }
  return TRUE;
}

/* Rough byte frequencies of English prose, per mille: they only choose
 * which token of a string the scan looks for, never what matches. */
static guint
pf_frequency (guint b)
{
  static const char common[] = " etaoinsrhldcumfpgwybvk";
  static const guint8 freq[] = { 160, 100, 70, 65, 60, 55, 55, 50, 50, 40, 33, 33, 23, 23, 20, 18, 16, 16, 15, 14, 12, 8, 6 };
  const char *p = b != 0 ? strchr (common, (int) b) : NULL;

  if (p != NULL)
    return freq[p - common];
  if (b == '.' || b == ',')
    return 10;
  if (g_ascii_isupper (b) || g_ascii_isdigit (b))
    return 1;
  return 2;
}

/* Chooses the anchor of a token string: the token that consumes a byte
 * and adds the rarest bytes to the need's hit set (a token the strings
 * before chose costs nothing).  Marks its bytes in hit; returns the
 * number of bytes before it (every token before it is one byte: a class
 * of several bytes only ends a string). */
static guint
pf_anchor (const PfClasses *cl, const GString *str, guint8 *hit)
{
  guint best = G_MAXUINT, best_at = 0, at = 0;
  gsize best_k = 0;

  for (gsize k = 0; k < str->len; k++)
    {
      guchar t = (guchar) str->str[k];
      guint f = 0;
      if (t == PF_BOUNDARY)
        continue;
      if (PF_IS_CLASS (t))
        {
          for (guint b = 0; b < 256; b++)
            if (pf_has (cl->bits[t - PF_CLASS0], (guchar) b) && !hit[b])
              f += pf_frequency (b);
        }
      else if (!hit[t])
        f = pf_frequency (t);
      if (f < best)
        {
          best = f;
          best_at = at;
          best_k = k;
        }
      at++;
    }
  {
    guchar t = (guchar) str->str[best_k];
    for (guint b = 0; b < 256; b++)
      if (PF_IS_CLASS (t) ? pf_has (cl->bits[t - PF_CLASS0], (guchar) b) : b == t)
        hit[b] = 1;
  }
  return best_at;
}

/* The literal bytes among the (at most eight) tokens before the anchor
 * of a string, at the places a little-endian load of the eight bytes
 * before the anchor puts them (every token before the anchor consumes
 * one byte, pf_anchor). */
static void
pf_before_anchor (const GString *str, guint at, guint64 *pre, guint64 *mask)
{
  guint pos = 0;

  *pre = *mask = 0;
  for (gsize k = 0; k < str->len && pos < at; k++)
    {
      guchar t = (guchar) str->str[k];
      if (t == PF_BOUNDARY)
        continue;
      /* the token consumes s[anchor - (at - pos)] */
      if (at - pos <= 8 && !PF_IS_CLASS (t))
        {
          guint shift = 8 * (8 - (at - pos));
          *pre |= (guint64) t << shift;
          *mask |= (guint64) 0xff << shift;
        }
      pos++;
    }
}

/* The bytes that every string of a need has d bytes before its anchor
 * (from pre: the literal bytes there), each sixteen times over in out;
 * their number, or 0 when some string has no literal byte there or
 * there are more than PF_MAX_BEFORE. */
static guint
pf_before_set (const PfNeed *nd, guint d, guint8 out[PF_MAX_BEFORE][16])
{
  guint n = 0, shift = 8 * (8 - d);

  if (nd->n == 0)
    return 0;
  for (guint k = 0; k < nd->n; k++)
    {
      guchar b = (guchar) (nd->pre[k] >> shift);
      gboolean seen = FALSE;
      if (((nd->pre_mask[k] >> shift) & 0xff) == 0)
        return 0;
      for (guint j = 0; j < n; j++)
        seen = seen || out[j][0] == b;
      if (seen)
        continue;
      if (n == PF_MAX_BEFORE)
        return 0;
      memset (out[n++], b, 16);
    }
  return n;
}

/* The word-at-a-time form of a need's hit bytes, when it has one. */
static void
pf_need_ranges (PfNeed *nd)
{
  nd->swar = !nd->hit[0];
  nd->n_ranges = 0;
  nd->high = FALSE;
  for (guint b = 0x80; b < 0x100; b++)
    if (nd->hit[b])
      nd->high = TRUE;
  for (guint b = 1; b < 0x80 && nd->swar; b++)
    if (nd->hit[b] && !nd->hit[b - 1])
      {
        guint e = b;
        while (e + 1 < 0x80 && nd->hit[e + 1])
          e++;
        if (nd->n_ranges == 2)
          nd->swar = FALSE;
        else
          {
            nd->below[nd->n_ranges] = G_GUINT64_CONSTANT (0x0101010101010101) * (128 + e);
            nd->above[nd->n_ranges] = G_GUINT64_CONSTANT (0x0101010101010101) * (128 - b);
            memset (nd->lo[nd->n_ranges], (int) b, 16);
            memset (nd->span[nd->n_ranges], (int) (e - b), 16);
            nd->n_ranges++;
          }
        b = e;
      }
  if (nd->n_ranges == 1)
    {
      memcpy (nd->lo[1], nd->lo[0], 16);
      memcpy (nd->span[1], nd->span[0], 16);
    }
  else if (nd->n_ranges == 0)
    {
      /* nothing ASCII: a range that no byte < 0x80 falls in, [0x80, 0xff]
       * (the high bytes are candidates anyway) */
      memset (nd->lo, 0x80, sizeof nd->lo);
      memset (nd->span, 0x7f, sizeof nd->span);
    }
  nd->high_mask = nd->high ? 0xffffu : 0;
  nd->n_before1 = pf_before_set (nd, 1, nd->before1);
  nd->n_before2 = pf_before_set (nd, 2, nd->before2);
}

static gint
pf_cmp_score (gconstpointer a, gconstpointer b)
{
  guint x = pf_score (*(PfSet *const *) a), y = pf_score (*(PfSet *const *) b);
  return x > y ? -1 : x < y ? 1 : 0;
}

XrefRegexPrefilter *
xref_prefilter_new (const char *pattern, gsize len, guint32 minlength)
{
  PfParser ps = { 0 };
  PfInfo in;
  XrefRegexPrefilter *pf = g_new0 (XrefRegexPrefilter, 1);

  ps.p = pattern;
  ps.end = pattern + len;
  in = pf_alt (&ps);
  pf->minlength = minlength;
  if (!ps.fail && ps.p == ps.end)
    {
      if (pf_prefix_of (&in) != NULL)
        pf_add_cond (&in, pf_prefix_of (&in));
      for (guint i = 0; i < in.conds->len; i++)
        pf_set_simplify (g_ptr_array_index (in.conds, i));
      g_ptr_array_sort (in.conds, pf_cmp_score);
      pf->cl = ps.cl;
      for (guint i = 0; i < in.conds->len && pf->n_needs < PF_MAX_SETS; i++)
        {
          PfSet *s = g_ptr_array_index (in.conds, i);
          PfNeed *nd = &pf->needs[pf->n_needs];
          gboolean implied = FALSE;
          if (pf_score (s) == 0)
            break;
          for (guint k = 0; k < pf->n_needs && !implied; k++)
            implied = pf_implies (&pf->needs[k], s);
          if (implied)
            continue;
          if (s->strs == NULL)
            {
              for (guint b = 0; b < 256; b++)
                nd->hit[b] = pf_has (s->bytes, (guchar) b);
            }
          else
            {
              nd->n = s->strs->len;
              nd->str = g_new (GString *, nd->n);
              nd->at = g_new (guint, nd->n);
              nd->pre = g_new0 (guint64, nd->n);
              nd->pre_mask = g_new0 (guint64, nd->n);
              nd->min_at = G_MAXUINT;
              for (guint k = 0; k < nd->n; k++)
                {
                  nd->str[k] = g_ptr_array_index (s->strs, k);
                  nd->at[k] = pf_anchor (&pf->cl, nd->str[k], nd->hit);
                  nd->min_at = MIN (nd->min_at, nd->at[k]);
                  pf_before_anchor (nd->str[k], nd->at[k], &nd->pre[k], &nd->pre_mask[k]);
                }
              /* the strings now belong to the need */
              g_ptr_array_set_free_func (s->strs, NULL);
            }
          pf_need_ranges (nd);
          pf->n_needs++;
        }
    }
  pf_info_clear (&in);
  if (pf->n_needs == 0 && pf->minlength == 0)
    {
      xref_prefilter_free (pf);
      return NULL;
    }
  return pf;
}

void
xref_prefilter_free (XrefRegexPrefilter *pf)
{
  if (pf == NULL)
    return;
  for (guint i = 0; i < pf->n_needs; i++)
    {
      for (guint k = 0; k < pf->needs[i].n; k++)
        g_string_free (pf->needs[i].str[k], TRUE);
      g_free (pf->needs[i].str);
      g_free (pf->needs[i].at);
      g_free (pf->needs[i].pre);
      g_free (pf->needs[i].pre_mask);
    }
  g_free (pf);
}

/* ASCII letters, digits and "_": the ASCII word characters. */
static inline gboolean
pf_word_byte (guint b)
{
  return (guint) ((b | 0x20) - 'a') < 26 || (guint) (b - '0') < 10 || b == '_';
}

/* Can a word boundary lie before s[p]?  Only ASCII bytes on both sides
 * say no for sure: a non-ASCII character may or may not be a word
 * character under PCRE2_UCP.  The ends of the subject count as non-word
 * characters, as in PCRE2. */
static gboolean
pf_boundary_ok (const guchar *s, gsize len, gsize p)
{
  gint before = p == 0 ? 0 : s[p - 1] >= 0x80 ? 2 : pf_word_byte (s[p - 1]);
  gint after = p == len ? 0 : s[p] >= 0x80 ? 2 : pf_word_byte (s[p]);
  return before == 2 || after == 2 || before != after;
}

/* Does the token string occur at s[i]?  The bytes first (most
 * candidates fail there), then the boundaries. */
static gboolean
pf_string_at (const PfClasses *cl, const GString *str, const guchar *s, gsize len, gsize i)
{
  const guchar *t = (const guchar *) str->str;
  gsize p = i;
  gboolean boundaries = FALSE;

  for (gsize k = 0; k < str->len; k++)
    {
      if (t[k] == PF_BOUNDARY)
        {
          boundaries = TRUE;
          continue;
        }
      if (p >= len || (PF_IS_CLASS (t[k]) ? !pf_has (cl->bits[t[k] - PF_CLASS0], s[p]) : s[p] != t[k]))
        return FALSE;
      p++;
    }
  for (gsize k = 0, q = i; boundaries && k < str->len; k++)
    {
      if (t[k] != PF_BOUNDARY)
        q++;
      else if (!pf_boundary_ok (s, len, q))
        return FALSE;
    }
  return TRUE;
}

/* Might one of the eight bytes of x be a hit?  A byte in [lo, hi]
 * (1 <= lo <= hi <= 127) is found exactly by the word trick of "Bit
 * Twiddling Hacks" (hasbetween); "any byte >= 0x80" is a superset of the
 * non-ASCII hits.  A yes is checked byte by byte. */
static inline gboolean
pf_word_may_hit (const PfNeed *nd, guint64 x)
{
  const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);
  guint64 t = x & ~high, r = 0;

  if (nd->high)
    r = x;
  if (nd->n_ranges > 0)
    r |= (nd->below[0] - t) & ~x & (t + nd->above[0]);
  if (nd->n_ranges > 1)
    r |= (nd->below[1] - t) & ~x & (t + nd->above[1]);
  return (r & high) != 0;
}

/* The first hit byte of s[i..len), or len. */
static gsize
pf_next_hit (const PfNeed *nd, const guchar *s, gsize i, gsize len)
{
  while (i < len)
    {
      gsize end = len;
      if (nd->swar && i + 8 <= len)
        {
          guint64 x;
          memcpy (&x, s + i, 8);
          if (!pf_word_may_hit (nd, x))
            {
              i += 8;
              continue;
            }
          end = i + 8;
        }
      for (; i < end; i++)
        if (nd->hit[s[i]])
          return i;
    }
  return len;
}

/* Is there a member of the set whose anchor is s[i] (and that starts at
 * or after offset)? */
static inline gboolean
pf_member_at (const XrefRegexPrefilter *pf, const PfNeed *nd, const guchar *s, gsize len, gsize offset, gsize i)
{
  if (!nd->hit[s[i]])
    return FALSE;
  if (nd->n == 0)
    return TRUE;
  if (i >= 8)
    {
      /* the bytes before the anchor rule out nearly every candidate
       * with one compare per string ("in " before a capital) */
      guint64 w;
      memcpy (&w, s + i - 8, 8);
      for (guint k = 0; k < nd->n; k++)
        if (((w ^ nd->pre[k]) & nd->pre_mask[k]) == 0 && i >= offset + nd->at[k]
            && pf_string_at (&pf->cl, nd->str[k], s, len, i - nd->at[k]))
          return TRUE;
      return FALSE;
    }
  for (guint k = 0; k < nd->n; k++)
    if (i >= offset + nd->at[k] && pf_string_at (&pf->cl, nd->str[k], s, len, i - nd->at[k]))
      return TRUE;
  return FALSE;
}

#if defined(__SSE2__)
static inline __m128i
pf_load16 (const guint8 *p)
{
  return _mm_loadu_si128 ((const __m128i *) (gconstpointer) p);
}

/* The candidate anchors among the sixteen bytes at p, one bit each (bit j
 * for p[j]): the hit bytes (the ASCII ranges exactly, every byte >= 0x80
 * when the set has non-ASCII bytes, which pf_member_at checks against
 * hit), less those without a byte of before1 just before them or of
 * before2 two bytes before.  Reads p[-2..16). */
static inline guint
pf_block (const PfNeed *nd, const guchar *p)
{
  __m128i x = pf_load16 (p);
  /* x - lo <= hi - lo, unsigned: min (t, span) == t */
  __m128i t0 = _mm_sub_epi8 (x, pf_load16 (nd->lo[0]));
  __m128i r = _mm_cmpeq_epi8 (_mm_min_epu8 (t0, pf_load16 (nd->span[0])), t0);
  guint m;

  /* (with fewer than two ranges the second is the first again) */
  if (nd->n_ranges > 1)
    {
      __m128i t1 = _mm_sub_epi8 (x, pf_load16 (nd->lo[1]));
      r = _mm_or_si128 (r, _mm_cmpeq_epi8 (_mm_min_epu8 (t1, pf_load16 (nd->span[1])), t1));
    }
  m = (guint) _mm_movemask_epi8 (r) | ((guint) _mm_movemask_epi8 (x) & nd->high_mask);

  if (m != 0 && nd->n_before1 > 0)
    {
      __m128i y = pf_load16 (p - 1), e = _mm_setzero_si128 ();
      for (guint k = 0; k < nd->n_before1; k++)
        e = _mm_or_si128 (e, _mm_cmpeq_epi8 (y, pf_load16 (nd->before1[k])));
      m &= (guint) _mm_movemask_epi8 (e);
    }
  if (m != 0 && nd->n_before2 > 0)
    {
      __m128i y = pf_load16 (p - 2), e = _mm_setzero_si128 ();
      for (guint k = 0; k < nd->n_before2; k++)
        e = _mm_or_si128 (e, _mm_cmpeq_epi8 (y, pf_load16 (nd->before2[k])));
      m &= (guint) _mm_movemask_epi8 (e);
    }
  return m;
}

/* pf_need_met sixteen bytes at a time: the candidate anchors of each
 * block (pf_block), walked bit by bit.  Reads nothing outside s[0..len):
 * the last block of a subject is its last sixteen bytes, shifted; a
 * subject too short for that (or for the two bytes before a block) is
 * copied into a buffer between zero bytes, which no set has (swar) and
 * which a string cannot need before the subject's start. */
static gboolean
pf_need_met_sse2 (const XrefRegexPrefilter *pf, const PfNeed *nd, const guchar *s, gsize len, gsize offset)
{
  gsize base = offset + nd->min_at;

  if (len < 16 + 2)
    {
      guchar buf[16 + 16 + 2 + 16] = { 0 };   /* 16 zeros, s, zeros */

      memcpy (buf + 16, s, len);
      for (; base < len; base += 16)
        for (guint m = pf_block (nd, buf + 16 + base); m != 0; m &= m - 1)
          {
            gsize i = base + (gsize) __builtin_ctz (m);
            if (i < len && pf_member_at (pf, nd, s, len, offset, i))
              return TRUE;
          }
      return FALSE;
    }
  while (base < len)
    {
      /* the block s[q..q+16), of which s[base..) is new; q >= 2: either
       * q = base >= min_at, which is 2 when there is a before2, or
       * q = len - 16 */
      gsize q = base + 16 <= len ? base : len - 16;
      for (guint m = pf_block (nd, s + q) >> (base - q); m != 0; m &= m - 1)
        if (pf_member_at (pf, nd, s, len, offset, base + (gsize) __builtin_ctz (m)))
          return TRUE;
      base = q + 16;
    }
  return FALSE;
}
#endif

/* Does s[offset..len) hold a member of the set?  Eight bytes at a time
 * (or one by one), a call of pf_next_hit per candidate: the reference
 * of pf_need_met, and its form without SSE2. */
static gboolean
pf_need_met_scalar (const XrefRegexPrefilter *pf, const PfNeed *nd, const guchar *s, gsize len, gsize offset)
{
  if (nd->n == 0)
    return pf_next_hit (nd, s, offset, len) < len;
  for (gsize i = pf_next_hit (nd, s, offset + nd->min_at, len); i < len; i = pf_next_hit (nd, s, i + 1, len))
    for (guint k = 0; k < nd->n; k++)
      if (i >= offset + nd->at[k] && pf_string_at (&pf->cl, nd->str[k], s, len, i - nd->at[k]))
        return TRUE;
  return FALSE;
}

/* Does s[offset..len) hold a member of the set? */
static inline gboolean
pf_need_met (const XrefRegexPrefilter *pf, const PfNeed *nd, const guchar *s, gsize len, gsize offset)
{
#if defined(__SSE2__)
  if (nd->swar)
    return pf_need_met_sse2 (pf, nd, s, len, offset);
#endif
  return pf_need_met_scalar (pf, nd, s, len, offset);
}

gboolean
xref_prefilter_may_match (const XrefRegexPrefilter *pf, const char *subject, gsize len, gsize offset)
{
  if (len - offset < pf->minlength)
    return FALSE;
  for (guint i = 0; i < pf->n_needs; i++)
    if (!pf_need_met (pf, &pf->needs[i], (const guchar *) subject, len, offset))
      return FALSE;
  return TRUE;
}

gboolean
xref_prefilter_may_match_reference (const XrefRegexPrefilter *pf, const char *subject, gsize len, gsize offset)
{
  if (len - offset < pf->minlength)
    return FALSE;
  for (guint i = 0; i < pf->n_needs; i++)
    if (!pf_need_met_scalar (pf, &pf->needs[i], (const guchar *) subject, len, offset))
      return FALSE;
  return TRUE;
}

/* ---- the words a pattern needs, for the tokens -------------------------
 *
 * A word of ASCII letters and digits that every string of a set holds
 * before a space, after a space or a word boundary ("in" of "\bin [A-Z]",
 * "territory" of "the territory of "), ends a token of any text the
 * pattern matches: xref_tokenize never puts a space in a token, puts
 * every ASCII letter and digit in one and splits no run of them that a
 * space ends; and what comes before the word in that token, if
 * anything, ends with a byte that is no ASCII word character.  So a
 * text none of whose tokens' norms is or ends so with one of the words
 * cannot match (xref_regex_slot_words). */

/* The words of token string s after a space or a boundary and before
 * a space, lower-cased and interned, the longest first (at most max, in
 * words): their number. */
static guint
pf_string_words (const GString *s, const char **words, guint max)
{
  guint n = 0;

  for (gsize i = 1; i < s->len; i++)
    {
      guchar before = (guchar) s->str[i - 1];
      gsize j = i;
      if (before != ' ' && before != PF_BOUNDARY)
        continue;
      while (j < s->len && (guchar) s->str[j] < 0x80 && g_ascii_isalnum (s->str[j]))
        j++;
      if (j == i || j >= s->len || s->str[j] != ' ' || n == max)
        continue;
      {
        g_autofree char *low = g_ascii_strdown (s->str + i, (gssize) (j - i));
        guint k = n++;
        /* (insertion, the longest first) */
        for (; k > 0 && strlen (words[k - 1]) < j - i; k--)
          words[k] = words[k - 1];
        words[k] = xref_intern (low);
      }
    }
  return n;
}

/* Whether w is one of words[0..n). */
static gboolean
pf_has_word (const char *const *words, guint n, const char *w)
{
  for (guint k = 0; k < n; k++)
    if (words[k] == w)
      return TRUE;
  return FALSE;
}

guint
xref_prefilter_words (const XrefRegexPrefilter *pf, const char **words, guint max)
{
  for (guint i = 0; pf != NULL && i < pf->n_needs; i++)
    {
      const PfNeed *nd = &pf->needs[i];
      const char *cand[PF_MAX_ALT][8];
      guint nc[PF_MAX_ALT];
      guint n = 0;
      gboolean ok = nd->n > 0 && nd->n <= PF_MAX_ALT;

      for (guint k = 0; k < nd->n && ok; k++)
        ok = (nc[k] = pf_string_words (nd->str[k], cand[k], G_N_ELEMENTS (cand[k]))) > 0;
      /* Every string needs one of the words: first those of strings with
       * one, then for each string not yet covered its longest (the
       * rarer, as a rule: "territory" rather than "on" or "the"). */
      for (guint k = 0; k < nd->n && ok; k++)
        if (nc[k] == 1 && !pf_has_word (words, n, cand[k][0]))
          {
            ok = n < max;
            if (ok)
              words[n++] = cand[k][0];
          }
      for (guint k = 0; k < nd->n && ok; k++)
        {
          gboolean covered = FALSE;
          for (guint e = 0; e < nc[k] && !covered; e++)
            covered = pf_has_word (words, n, cand[k][e]);
          if (!covered)
            {
              ok = n < max;
              if (ok)
                words[n++] = cand[k][0];
            }
        }
      if (ok)
        return n;
    }
  return 0;
}
