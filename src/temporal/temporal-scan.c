/* xref — temporal: recognising time expressions on the token stream.
 *
 * One left-to-right pass over the tokens of each sentence.  At each token
 * a small set of hand-written matchers (a TimeML/TIMEX3 grammar of English
 * time expressions, in the spirit of HeidelTime's rule classes but over
 * tokens, never a loop of regexes) tries to read an expression; the first
 * that succeeds consumes its tokens.  The matchers know the shape of the
 * expressions and a few function words (the, a, an, of, and); every word
 * list they read (months, weekdays, numbers, units, vague quantities,
 * seasons, and the grammar's closed-class words: yesterday, ago,
 * early/late, every, morning/night, am/pm, time zones, tense markers …)
 * comes from the rules (`temporal:` in rules/temporal.yaml).
 *
 * Extents follow the TimeML guidelines (TimeBank, TempEval-3): a leading
 * preposition is a signal, not part of the timex ("on Tuesday" →
 * "Tuesday", "for months" → "months"); modifiers are part of it ("late
 * November", "more than two years", "the past three months").
 */
#include "temporal-private.h"

#include <math.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The grammar's word lists, read from the rules (`temporal:` in
 * rules/temporal.yaml, documented in rules/README.md).  The C code knows
 * only the structure of English time expressions and a few function
 * words ("the", "a", "of", "and"); every list of words lives in the rules. */
typedef enum {
  TL_SIGNALS,              /* words before a bare month or year that make it a date */
  TL_DEICTIC,              /* yesterday -1, today 0, tomorrow 1 */
  TL_RELATIVE,             /* this 0, last -1, next 1 */
  TL_ANCHORED,             /* the following / previous day, week, month, year */
  TL_ANCHORED_DAYS,        /* the next / same day, that day */
  TL_LATEST,               /* "the latest quarter": the last one reported */
  TL_PERIOD_NOUNS,         /* "the latest period", "the year-ago quarter" */
  TL_PERIOD_WHICH,         /* "the comparable year-ago quarter" */
  TL_PARTS_OF_DAY,         /* morning MO, night NI */
  TL_REFERENCES,           /* now PRESENT_REF, recently PAST_REF */
  TL_REFERENCES_AFTER_AT,  /* "at this time" PRESENT_REF */
  TL_REFERENCE_ADJECTIVES, /* "recent years" PAST_REF */
  TL_FREQUENCIES,          /* annual Y, daily D */
  TL_REPEATS,              /* once, twice, "three times" is read from numbers */
  TL_SET_WORDS,            /* every, each */
  TL_ORDINALS,             /* first 1 … fourth 4 (quarters) */
  TL_MODIFIERS,            /* early START, the end of END */
  TL_RELATIVE_MODIFIERS,   /* earlier START: only before a relative date */
  TL_DURATION_MODIFIERS,   /* more than MORE_THAN, about APPROX */
  TL_PREFIXES,             /* mid- MID, pre- BEFORE */
  TL_CLOCK,                /* am AM, p.m. PM */
  TL_CLOCK_WORDS,          /* noon 12, midnight 24 */
  TL_TIME_ZONES,           /* UTC, GMT, "local time" */
  TL_TIME_SIGNALS,         /* "at 18:30": words that make a bare clock time one */
  TL_QUANTITY_WORDS,       /* "about 2000": words that make a year a number */
  TL_SPAN_SIGNALS,         /* "the past three months": past, next */
  TL_AFTER_UNIT,           /* "a year ago", "a year later": what may follow "a year" */
  TL_BARE_UNIT_BEFORE,     /* "for months": words before a bare plural unit */
  TL_BARE_UNIT_AFTER,      /* "months later" */
  TL_SEASON_SIGNALS,       /* "in the spring" */
  TL_AGO,                  /* ago */
  TL_SHIFT,                /* "two days later" 1, "a year earlier" -1 */
  TL_FUTURE_MARKERS,       /* will, going to */
  TL_INTENT_MARKERS,       /* plan, scheduled (before "to" or "for") */
  TL_PAST_MARKERS,         /* was, had, ago */
  TL_PASSIVE_AUX,          /* be, been: "will be named" is no past */
  TL_UNIT_ADJECTIVES,      /* "this fiscal year" */
  TL_N
} TList;

static const char *const tl_names[] = {
  "signals", "deictic", "relative", "anchored", "anchored_days", "latest", "period_nouns", "period_which",
  "parts_of_day", "references", "references_after_at", "reference_adjectives", "frequencies", "repeats",
  "set_words", "ordinals", "modifiers", "relative_modifiers", "duration_modifiers", "prefixes", "clock",
  "clock_words", "time_zones", "time_signals", "quantity_words", "span_signals", "after_unit", "bare_unit_before",
  "bare_unit_after", "season_signals", "ago", "shift", "future_markers", "intent_markers", "past_markers",
  "passive_aux", "unit_adjectives",
};
G_STATIC_ASSERT (G_N_ELEMENTS (tl_names) == TL_N);

/* Bits of the other rule tables the matchers read, after the lists. */
enum {
  TB_MONTHS = TL_N,
  TB_WEEKDAYS,
  TB_NUMBERS,
  TB_UNITS,
  TB_VAGUE,
  TB_SEASONS,
  TB_WORD_CLASSES,
  TB_MONTHS_DOT,     /* the word with a "." after it is a key of months */
  TB_WEEKDAYS_DOT,   /* … of weekdays */
  TB_N
};
G_STATIC_ASSERT (TB_N <= 64);
#define TB(b) (G_GUINT64_CONSTANT (1) << (b))

/* The value of a word in the table of one bit (TL_*, TB_*; for the
 * TB_*_DOT bits, the value of the word with a dot). */
struct WordValue {
  guint bit;
  gconstpointer value;
};

/* A multi-word entry of a list or table, as the interned words a run of
 * token norms must equal (the key is those norms joined by spaces). */
typedef struct {
  guint table;             /* TL_* or TB_VAGUE */
  guint n;                 /* words, at least 2 */
  gsize len;               /* bytes of the key */
  const char **words;      /* n interned words */
  gconstpointer value;     /* the entry's value in its table */
} Phrase;

/* Token slots: what kind of token a word is written as (its kind, and
 * for a WORD its capitals) changes which matchers can start at it.  The
 * slot of a token is its kind times two, plus one when it has a capital
 * (token_slot); the capitals matter to WORDs only. */
enum { SLOT_N = 2 * (XREF_TOKEN_SYMBOL + 1) };
G_STATIC_ASSERT (XREF_TOKEN_WORD < XREF_TOKEN_SYMBOL && XREF_TOKEN_NUMBER < XREF_TOKEN_SYMBOL
                 && XREF_TOKEN_PUNCT < XREF_TOKEN_SYMBOL && XREF_TOKEN_QUOTE < XREF_TOKEN_SYMBOL);

/* Bits of a start set (a WordBits' starts) above the matchers' (MB):
 * more matchers can start depending on the tokens that follow (start_ctx
 * adds them), the token is a unit word ("days"), the token is "the" (what
 * can start at it depends on the next word: its after_the). */
#define ST_CTX (1u << 31)
#define ST_UNIT (1u << 30)
#define ST_THE (1u << 29)
#define ST_NEXT (1u << 28)
#define ST_MORE (ST_CTX | ST_THE | ST_NEXT)

/* What a word's letters say (WF_*), for the start sets and the tense. */
enum {
  WF_DECADE = 1 << 0,      /* a decade: "1990s" (decade_word) */
  WF_ED = 1 << 1,          /* the shape of a regular past: "-ed", five letters or more, not "-eed" ("agreed" is) */
  /* hyphenated words ("mid-2023", "year-ago", "twenty-four", "five-year"),
   * by what their parts are in the rules */
  WF_HYPHEN = 1 << 2,      /* the part up to its last dash is a prefix, or the rest a unit: m_hyphen_word */
  WF_AGO_WORD = 1 << 3,    /* the rest after its last dash is an ago or shift word: m_unit_ago */
  WF_DASH_NUMBER = 1 << 4, /* one dash between two number words: number_string */
  WF_UNKNOWN = (1 << 5) - 1, /* the flags above, which tell apart the words no table has */
  WF_THE = 1 << 5,         /* "the" */
  WF_PER = 1 << 6,         /* "per" */
  WF_TENSE = 1 << 7,       /* marker_at may find a tense marker here without the phrase tables */
  WF_PHRASE_HEAD = 1 << 8, /* a speech or action phrase starts with it: marker_at */
  WF_CONTEXT = 1 << 9,     /* what it starts depends on the tokens after it only: records_pass */
};

/* What the rules know of one interned word or phrase: the tables (TL_*,
 * TB_*) that have it as a key, and the lists that have a multi-word entry
 * starting with it.  Built once per rule set from the tables, so that a
 * token's question "is this word in list l?" is a bit test, and a miss
 * (nearly every question) costs no string hash (bench/README.md).  The
 * words no table has share a record for each set of WF_UNKNOWN flags. */
typedef struct {
  guint64 in;
  guint64 heads;
  /* the multi-word entries starting with this word, longest first: a
   * phrase is matched by comparing token norms with their interned words,
   * never by building the key */
  const Phrase *phrases;
  guint n_phrases;
  guint64 seconds;         /* second_bit of each phrase's second word */
  /* matchers that can start at the word only before a word with one of
   * the bits next_in (ST_NEXT) */
  guint64 next_in;
  guint32 next_starts;
  /* the word's values in the tables of in (a bit and its value each, by
   * bit), so that reading one costs no hash: tl_tok, table_tok */
  const struct WordValue *values;
  guint n_values;
  const char *unit;        /* interned: its unit code, when a key of units with one */
  gboolean unit_plural;    /* … written with an -s */
  guint wclass;            /* the word's XREF_WC_* bits (its value in word_classes) */
  /* by token slot: the matchers that can start at a token of this word
   * whatever follows it (MB bits), with the ST_* bits */
  guint32 starts[SLOT_N];
  /* by token slot: the matchers that can start at a "the" before a token
   * of this word (start_ctx) */
  guint32 after_the[SLOT_N];
  guint16 flags;           /* WF_* */
} WordBits;

typedef struct WordIndex WordIndex;

typedef struct {
  const XrefRules *rules;
  const XrefToken *t;      /* the tokens of one sentence */
  guint n;
  guint base;              /* index of t[0] in doc->tokens */
  guint sentence;
  GHashTable *index;       /* interned key of any table → WordBits*, for
                              words built on the fly ("feb.", "mid-") */
  const WordIndex *wi;
  /* the records of t[0 .. n) (word_record_of), NULL where records_pass
   * did not need one: rec finds those when a matcher asks */
  const WordBits **tb;
  const guint32 *starts;   /* matchers that can start at t[0 .. n) (MB bits, and ST_UNIT) */
  gboolean every;          /* try every matcher at every token (the reference) */
} Scan;

static guint match_at (const Scan *s, guint i, XrefRawTimex *r);
static guint match_core (const Scan *s, guint i, XrefRawTimex *r);
static const WordBits *rec_fill (const Scan *s, guint i);

/* The record of token i (i < s->n). */
G_ALWAYS_INLINE static inline const WordBits *
rec (const Scan *s, guint i)
{
  const WordBits *b = s->tb[i];
  return G_LIKELY (b != NULL) ? b : rec_fill (s, i);
}

/* ---- token helpers ----------------------------------------------------- */

static const char *
nm (const Scan *s, guint i)
{
  return i < s->n ? s->t[i].norm : "";
}

static gboolean
is_word (const Scan *s, guint i, const char *w)
{
  /* the first byte decides nearly every call */
  return i < s->n && s->t[i].norm[0] == w[0] && strcmp (s->t[i].norm, w) == 0;
}

/* The WordBits of any word or phrase, NULL when no table has it. */
static const WordBits *
word_bits (const Scan *s, const char *word)
{
  const char *key;

  if (word == NULL || (key = xref_intern_try (word)) == NULL)
    return NULL;
  return g_hash_table_lookup (s->index, key);
}

/* The value of the word of b in the table of bit (which b->in has). */
static gconstpointer
word_value (const WordBits *b, guint bit)
{
  for (guint k = 0; k < b->n_values; k++)
    if (b->values[k].bit == bit)
      return b->values[k].value;
  return NULL;
}

/* The value of a lower-case word (or phrase) in list l, or NULL. */
static const char *
tl_value (const Scan *s, TList l, const char *word)
{
  const WordBits *b;

  if ((b = word_bits (s, word)) == NULL || !(b->in & TB (l)))
    return NULL;
  return word_value (b, l);
}

/* The value of token i's norm in list l, or NULL: a bit test first. */
static const char *
tl_tok (const Scan *s, TList l, guint i)
{
  const WordBits *b;

  if (i >= s->n || !((b = rec (s, i))->in & TB (l)))
    return NULL;
  return word_value (b, l);
}

static gboolean
in_tl (const Scan *s, TList l, const char *word)
{
  return tl_value (s, l, word) != NULL;
}

/* Token i is a one-word entry of list l. */
static gboolean
is_in (const Scan *s, guint i, TList l)
{
  return tl_tok (s, l, i) != NULL;
}

/* The multi-word entry p is written at token i: the norms of its tokens
 * are its interned words (and fit the sentence). */
static gboolean
phrase_at (const Scan *s, guint i, const Phrase *p)
{
  if (i + p->n > s->n)
    return FALSE;
  for (guint k = 0; k < p->n; k++)
    if (s->t[i + k].norm != p->words[k])
      return FALSE;
  return TRUE;
}

/* The longest phrase of list l starting at token i: its length in tokens
 * (0 when none) and its value.  Multi-word entries only where the bits say
 * one starts here, compared word by word (this runs at every token that
 * can start an expression: bench/README.md). */
static guint
tl_phrase (const Scan *s, guint i, TList l, const char **value)
{
  const WordBits *b;

  *value = NULL;
  if (i >= s->n)
    return 0;
  b = rec (s, i);
  if (b->heads & TB (l))
    for (guint k = 0; k < b->n_phrases; k++)
      {
        const Phrase *p = &b->phrases[k];
        if (p->table == (guint) l && p->value != NULL && phrase_at (s, i, p))
          {
            *value = p->value;
            return p->n;
          }
      }
  /* a one-word entry is the token's own (interned) norm */
  return (*value = tl_tok (s, l, i)) != NULL ? 1 : 0;
}

/* The value of list l at token i as an integer (lists of numbers). */
static gboolean
tl_int (const Scan *s, guint i, TList l, gint *out)
{
  const char *v = tl_tok (s, l, i);
  if (v == NULL)
    return FALSE;
  *out = (gint) g_ascii_strtoll (v, NULL, 10);
  return TRUE;
}



static gboolean
is_kind (const Scan *s, guint i, XrefTokenKind kind)
{
  return i < s->n && s->t[i].kind == kind;
}

static gboolean
capitalised (const Scan *s, guint i)
{
  return i < s->n && (s->t[i].flags & (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS)) != 0;
}

/* A "." written right after token i, as in "Feb." (the tokenizer splits it). */
static gboolean
dot_follows (const Scan *s, guint i)
{
  return i + 1 < s->n && strcmp (s->t[i + 1].form, ".") == 0 && s->t[i + 1].start == s->t[i].end;
}

/* Looks key up in the rule table of bit b (TB_*): TRUE when the table
 * has it, with its value. */
static gboolean
table_get (const Scan *s, guint b, const char *key, gpointer *value)
{
  const WordBits *w;

  if ((w = word_bits (s, key)) == NULL || !(w->in & TB (b)))
    return FALSE;
  *value = (gpointer) word_value (w, b);
  return TRUE;
}

/* table_get of token i's norm: a bit test first. */
static gboolean
table_tok (const Scan *s, guint b, guint i, gpointer *value)
{
  const WordBits *w;

  if (i >= s->n || !((w = rec (s, i))->in & TB (b)))
    return FALSE;
  *value = (gpointer) word_value (w, b);
  return TRUE;
}

/* Word-class bits of token i's norm (kept in its WordBits). */
static guint
word_class_tok (const Scan *s, guint i)
{
  return i < s->n ? rec (s, i)->wclass : 0;
}

/* A lower-case content word: not capitalised, not a closed-class word. */
static gboolean
content_word (const Scan *s, guint i)
{
  return is_kind (s, i, XREF_TOKEN_WORD) && !capitalised (s, i) && word_class_tok (s, i) == 0;
}

/* Length of a speech verb ("said", "told", "according to") at i, or 0. */
static guint
speech_at (const Scan *s, guint i)
{
  gconstpointer v;
  if (s->rules->speech_phrases == NULL || i >= s->n)
    return 0;
  return xref_phrase_table_match (s->rules->speech_phrases, s->t, s->n, i, &v);
}

/* ---- closed-class grammar words of TimeML extents ------------------------ */

/* A part of the day at i ("morning" → "MO"), or NULL. */
static const char *
part_at (const Scan *s, guint i)
{
  return tl_tok (s, TL_PARTS_OF_DAY, i);
}

/* "this" 0, "last" -1, "this past" -1 at i: its length in tokens, 0 if none. */
static guint
rel_at (const Scan *s, guint i, gint *rel)
{
  const char *v;
  guint len = tl_phrase (s, i, TL_RELATIVE, &v);
  if (len > 0)
    *rel = (gint) g_ascii_strtoll (v, NULL, 10);
  return len;
}

/* ---- numbers --------------------------------------------------------- */

typedef struct {
  gdouble value;
  gboolean digits;         /* written with digits */
  gboolean integer;        /* digits only, no separator or fraction */
  gboolean ordinal;        /* "21st" */
  gboolean article;        /* "a" / "an" */
  guint ndigits;
} Num;

static gdouble
fraction_value (gunichar c)
{
  switch (c)
    {
    case 0x00BD: return 0.5;
    case 0x00BC: return 0.25;
    case 0x00BE: return 0.75;
    case 0x2153: return 1.0 / 3;
    case 0x2154: return 2.0 / 3;
    case 0x215B: return 0.125;
    default: return -1;
    }
}

/* Parses a NUMBER token as a plain number: "24", "6,755", "6.5", "2½",
 * "21st".  Tokens holding : / or - (times, dates, ranges) are refused. */
static gboolean
parse_number (const char *form, Num *out)
{
  const char *p = form;
  gdouble v = 0, scale = 0;
  gboolean any = FALSE;

  memset (out, 0, sizeof *out);
  out->digits = TRUE;
  out->integer = TRUE;
  while (*p != '\0')
    {
      if (g_ascii_isdigit (*p))
        {
          if (scale > 0)
            {
              v += (*p - '0') * scale;
              scale /= 10;
            }
          else
            v = v * 10 + (*p - '0');
          out->ndigits++;
          any = TRUE;
          p++;
        }
      else if (*p == ',' && any && scale == 0)
        {
          out->integer = FALSE;
          p++;
        }
      else if (*p == '.' && any && scale == 0)
        {
          out->integer = FALSE;
          scale = 0.1;
          p++;
        }
      else if ((guchar) *p >= 0x80)
        {
          gunichar c = g_utf8_get_char_validated (p, -1);
          gdouble f = c == (gunichar) -1 || c == (gunichar) -2 ? -1 : fraction_value (c);
          if (f < 0)
            return FALSE;
          v += f;
          out->integer = FALSE;
          any = TRUE;
          p = g_utf8_next_char (p);
        }
      else if (g_ascii_isalpha (*p) && any && strlen (p) == 2
               && (g_ascii_strcasecmp (p, "st") == 0 || g_ascii_strcasecmp (p, "nd") == 0
                   || g_ascii_strcasecmp (p, "rd") == 0 || g_ascii_strcasecmp (p, "th") == 0))
        {
          out->ordinal = TRUE;
          break;
        }
      else
        return FALSE;
    }
  out->value = v;
  return any;
}

/* A number word of the rules ("two", "dozen", "a"), 0 on none. */
static gboolean
number_word (const Scan *s, const char *word, gdouble *v)
{
  gpointer p;
  if (!table_get (s, TB_NUMBERS, word, &p) || p == NULL)
    return FALSE;
  *v = *(const gdouble *) p;
  return TRUE;
}

/* number_word of token i's norm. */
static gboolean
number_tok (const Scan *s, guint i, gdouble *v)
{
  gpointer p;
  if (!table_tok (s, TB_NUMBERS, i, &p) || p == NULL)
    return FALSE;
  *v = *(const gdouble *) p;
  return TRUE;
}

/* A number word, possibly hyphenated ("twenty-four"), from a string. */
static gboolean
number_string (const Scan *s, const char *word, gdouble *v)
{
  const char *dash = strchr (word, '-');
  gdouble a, b;

  if (dash == NULL)
    return number_word (s, word, v);
  g_autofree char *left = g_strndup (word, dash - word);
  if (strchr (dash + 1, '-') == NULL && number_word (s, left, &a) && number_word (s, dash + 1, &b) && a >= 20
      && a < 100 && fmod (a, 10) == 0 && b >= 1 && b < 10)
    {
      *v = a + b;
      return TRUE;
    }
  return FALSE;
}

/* A number at i: digits, a number word, "twenty four", "half a".  Returns
 * its length in tokens. */
static guint
number_at (const Scan *s, guint i, Num *out)
{
  gdouble a, b;

  memset (out, 0, sizeof *out);
  if (i >= s->n)
    return 0;
  if (s->t[i].kind == XREF_TOKEN_NUMBER)
    return parse_number (s->t[i].form, out) ? 1 : 0;
  /* a word no table of numbers has, and no dash: no number (the usual case) */
  if (s->t[i].kind != XREF_TOKEN_WORD)
    return 0;
  /* a word with no dash is a number word or none: its bits say which */
  if (strchr (s->t[i].norm, '-') == NULL ? !number_tok (s, i, &a) : !number_string (s, nm (s, i), &a))
    return 0;
  out->value = a;
  out->integer = fmod (a, 1) == 0;
  if (is_word (s, i, "a") || is_word (s, i, "an"))
    {
      /* "a hundred years" */
      if (is_kind (s, i + 1, XREF_TOKEN_WORD) && number_tok (s, i + 1, &b) && b >= 100)
        {
          out->value = b;
          return 2;
        }
      out->article = TRUE;
      return 1;
    }
  /* "half a year", "half an hour" */
  if (a == 0.5 && (is_word (s, i + 1, "a") || is_word (s, i + 1, "an")))
    return 2;
  /* "twenty four" */
  if (a >= 20 && a < 100 && fmod (a, 10) == 0 && i + 1 < s->n && s->t[i + 1].kind == XREF_TOKEN_WORD
      && number_tok (s, i + 1, &b) && b >= 1 && b < 10 && fmod (b, 1) == 0)
    {
      out->value = a + b;
      return 2;
    }
  return 1;
}

/* A vague quantity of the rules ("several", "a few", "a couple of") at i:
 * the longest, in tokens. */
static guint
vague_at (const Scan *s, guint i)
{
  gpointer v;
  const WordBits *b;

  if (!is_kind (s, i, XREF_TOKEN_WORD))
    return 0;
  b = rec (s, i);
  /* phrases of two or three words, longest first, every token a WORD;
   * keys longer than 127 bytes were never looked up */
  if (b->heads & TB (TB_VAGUE))
    for (guint k = 0; k < b->n_phrases; k++)
      {
        const Phrase *p = &b->phrases[k];
        gboolean ok = p->table == TB_VAGUE && p->n <= 3 && p->len < 128 && phrase_at (s, i, p);

        for (guint j = 1; ok && j < p->n; j++)
          ok = s->t[i + j].kind == XREF_TOKEN_WORD;
        if (ok)
          return p->n;
      }
  return table_tok (s, TB_VAGUE, i, &v) ? 1 : 0;
}

/* A unit word of the rules at i ("months" → "M"); *plural when it ends in -s. */
static const char *
unit_of (const Scan *s, const char *word, gboolean *plural)
{
  const WordBits *b = word_bits (s, word);

  if (b == NULL || b->unit == NULL)
    return NULL;
  if (plural != NULL)
    *plural = b->unit_plural;
  return b->unit;
}

static const char *
unit_at (const Scan *s, guint i, gboolean *plural)
{
  const WordBits *b;

  if (!is_kind (s, i, XREF_TOKEN_WORD) || (b = rec (s, i))->unit == NULL)
    return NULL;
  if (plural != NULL)
    *plural = b->unit_plural;
  return b->unit;
}

/* ---- calendar words ------------------------------------------------------ */

/* A month or weekday name at i from table, capitalised as names are.  An
 * abbreviation takes its dot ("Feb" "." → 2 tokens) and sets *abbrev. */
static gint
name_at (const Scan *s, guint table, guint i, guint *len, gboolean *abbrev)
{
  gpointer v;

  *len = 1;
  *abbrev = FALSE;
  /* (a word of more than 62 bytes never had its "word." looked up) */
  if (!is_kind (s, i, XREF_TOKEN_WORD) || !capitalised (s, i) || strlen (nm (s, i)) + 2 > 64)
    return 0;
  /* "Feb." where the index says the rules have it: the value of "feb."
   * is kept with "feb" */
  const guint dot = table == TB_MONTHS ? TB_MONTHS_DOT : TB_WEEKDAYS_DOT;
  const WordBits *b = rec (s, i);
  if (b->in & TB (dot))
    {
      v = (gpointer) word_value (b, dot);
      *abbrev = TRUE;
      if (dot_follows (s, i))
        *len = 2;
      else if (!table_tok (s, table, i, &v))
        return 0;
      return GPOINTER_TO_INT (v);
    }
  if (table_tok (s, table, i, &v))
    return GPOINTER_TO_INT (v);
  return 0;
}

static gint
month_at (const Scan *s, guint i, guint *len, gboolean *abbrev)
{
  return name_at (s, TB_MONTHS, i, len, abbrev);
}

static gint
weekday_at (const Scan *s, guint i, guint *len)
{
  gboolean abbrev;
  gint w = name_at (s, TB_WEEKDAYS, i, len, &abbrev);
  /* "Sun", "Sat", "Wed" without their dot are other words */
  if (abbrev && *len == 1)
    return 0;
  return w >= 1 && w <= 7 ? w : 0;
}

static gint
days_in_month (gint month, gint year)
{
  static const gint days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (month < 1 || month > 12)
    return 0;
  if (month == 2 && year > 0)
    return g_date_is_leap_year ((GDateYear) year) ? 29 : 28;
  return days[month - 1];
}

/* A day of the month at i: "21", "21st". */
static gboolean
day_at (const Scan *s, guint i, gint *day)
{
  Num num;
  if (!is_kind (s, i, XREF_TOKEN_NUMBER) || !parse_number (s->t[i].form, &num))
    return FALSE;
  if (!(num.integer || num.ordinal) || num.ndigits > 2 || num.value < 1 || num.value > 31)
    return FALSE;
  /* "in December 2 hours" is no day */
  if (unit_at (s, i + 1, NULL) != NULL)
    return FALSE;
  *day = (gint) num.value;
  return TRUE;
}

/* A four-digit year at i. */
static gboolean
year_at (const Scan *s, guint i, gint *year)
{
  Num num;
  if (!is_kind (s, i, XREF_TOKEN_NUMBER) || !parse_number (s->t[i].form, &num))
    return FALSE;
  if (!num.integer || num.ordinal || num.ndigits != 4 || num.value < 1000 || num.value > 2999)
    return FALSE;
  *year = (gint) num.value;
  return TRUE;
}

/* ---- matchers: each returns the tokens it read at i (0 = none) ------------ */

/* "2022-12-21", "2022/12/21", "12/21/2022", "21/12/2022", "21.12.2022". */
static guint
m_numeric_date (const Scan *s, guint i, XrefRawTimex *r)
{
  gint part[3], digits[3];
  guint np = 0;
  char sep = 0;
  const char *p;

  if (!is_kind (s, i, XREF_TOKEN_NUMBER))
    return 0;
  p = s->t[i].form;
  for (;;)
    {
      gint v = 0, nd = 0;
      while (g_ascii_isdigit (*p))
        {
          v = v * 10 + (*p - '0');
          if (++nd > 4)
            return 0;
          p++;
        }
      if (nd == 0 || np == 3)
        return 0;
      part[np] = v;
      digits[np++] = nd;
      if (*p == '\0')
        break;
      if ((*p != '-' && *p != '/' && *p != '.') || (sep != 0 && *p != sep))
        return 0;
      sep = *p++;
    }
  if (np != 3)
    return 0;

  gint y, m, d;
  if (digits[0] == 4)
    {
      if (sep == '.')
        return 0;
      y = part[0], m = part[1], d = part[2];
    }
  else if (digits[2] == 4 && digits[0] <= 2 && digits[1] <= 2)
    {
      /* month first as in the US, unless the first part cannot be a month
       * or the dotted European form is used */
      if (sep == '.' || part[0] > 12)
        d = part[0], m = part[1];
      else
        m = part[0], d = part[1];
      y = part[2];
    }
  else
    return 0;
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month (m, y))
    return 0;
  r->kind = XREF_RAW_CAL;
  r->year = y;
  r->month = m;
  r->day = d;
  return 1;
}

/* What follows a month name at j: a day and an optional year, or a year. */
static guint
month_tail (const Scan *s, guint j, XrefRawTimex *r)
{
  gint day, year;

  if (day_at (s, j, &day))
    {
      r->day = day;
      if (is_word (s, j + 1, ",") && year_at (s, j + 2, &year))
        {
          r->year = year;
          return 3;
        }
      return 1;
    }
  if (year_at (s, j, &year))
    {
      r->year = year;
      return 1;
    }
  if ((is_word (s, j, ",") || is_word (s, j, "of")) && year_at (s, j + 1, &year))
    {
      r->year = year;
      return 2;
    }
  return 0;
}

/* A month name standing alone is a month when its context says so: a
 * temporal preposition or modifier before it, or a name that is no other
 * English word ("May" is a modal) and not a first name ("June Carter"). */
static gboolean
month_alone_ok (const Scan *s, guint i, guint len)
{
  if (i > 0 && is_in (s, i - 1, TL_SIGNALS))
    return TRUE;
  if (word_class_tok (s, i) != 0)
    return FALSE;
  if (is_kind (s, i + len, XREF_TOKEN_WORD) && capitalised (s, i + len))
    return FALSE;
  /* "the March for Life", "the March of the Mothers" */
  if (is_kind (s, i + len, XREF_TOKEN_WORD) && (word_class_tok (s, i + len) & XREF_WC_PREPOSITION) != 0
      && ((is_word (s, i + len + 1, "the") && capitalised (s, i + len + 2)) || capitalised (s, i + len + 1)))
    return FALSE;
  return TRUE;
}

/* "December 21", "Dec. 21, 2022", "June 2021", "November". */
static guint
m_month (const Scan *s, guint i, XrefRawTimex *r)
{
  guint len, tail;
  gboolean abbrev;
  gint m = month_at (s, i, &len, &abbrev);

  if (m < 1 || m > 12)
    return 0;
  tail = month_tail (s, i + len, r);
  if (tail > 0)
    {
      if (r->day > days_in_month (m, r->year))
        {
          r->day = r->year = 0;
          return 0;
        }
      r->kind = XREF_RAW_CAL;
      r->month = m;
      return len + tail;
    }
  if (abbrev)
    return 0;
  /* "June last year", "January this year" */
  gint rel;
  guint rl = rel_at (s, i + len, &rel);
  gboolean plural;
  const char *unit = rl > 0 ? unit_at (s, i + len + rl, &plural) : NULL;
  if (unit != NULL && !plural && strcmp (unit, "Y") == 0)
    {
      r->kind = XREF_RAW_CAL;
      r->month = m;
      r->has_year_rel = TRUE;
      r->year_rel = rel;
      return len + rl + 1;
    }
  if (!month_alone_ok (s, i, len))
    return 0;
  r->kind = XREF_RAW_CAL;
  r->month = m;
  return len;
}

/* "21 December 2022", "21st of December". */
static guint
m_day_first (const Scan *s, guint i, XrefRawTimex *r)
{
  gint day, m, year;
  guint k = i + 1, len;
  gboolean abbrev;

  if (!day_at (s, i, &day))
    return 0;
  if (is_word (s, k, "of"))
    k++;
  m = month_at (s, k, &len, &abbrev);
  if (m < 1 || m > 12)
    return 0;
  k += len;
  r->year = 0;
  if (year_at (s, k, &year))
    {
      r->year = year;
      k++;
    }
  else if (is_word (s, k, ",") && year_at (s, k + 1, &year))
    {
      r->year = year;
      k += 2;
    }
  if (day > days_in_month (m, r->year))
    {
      r->year = 0;
      return 0;
    }
  r->kind = XREF_RAW_CAL;
  r->day = day;
  r->month = m;
  return k - i;
}

/* A weekday, alone or leading a date: "Wednesday, December 28",
 * "Tuesday night", "Friday". */
static guint
m_weekday (const Scan *s, guint i, XrefRawTimex *r)
{
  guint len, k, sub;
  gint w = weekday_at (s, i, &len);
  const char *part;

  if (w == 0)
    return 0;
  k = i + len;
  if (is_word (s, k, ","))
    k++;
  XrefRawTimex d = *r;
  if ((sub = m_month (s, k, &d)) > 0 && d.day > 0)
    {
      *r = d;
      r->weekday = w;
      return k - i + sub;
    }
  d = *r;
  if ((sub = m_day_first (s, k, &d)) > 0)
    {
      *r = d;
      r->weekday = w;
      return k - i + sub;
    }
  r->kind = XREF_RAW_WEEKDAY;
  r->weekday = w;
  if ((part = part_at (s, i + len)) != NULL)
    {
      r->part = part;
      return len + 1;
    }
  return len;
}

static const char *
am_pm (const Scan *s, guint i)
{
  const char *v = tl_tok (s, TL_CLOCK, i);
  if (v != NULL && g_ascii_strcasecmp (v, "AM") == 0)
    return "am";
  if (v != NULL && g_ascii_strcasecmp (v, "PM") == 0)
    return "pm";
  return NULL;
}

/* A time zone right after a time: an abbreviation ("ET", "GMT", "EEST":
 * capitals ending in T, and the two common ones that do not, UTC and MSK)
 * or "<Name> time" ("Moscow time") and "local time". */
static guint
zone_at (const Scan *s, guint i)
{
  const char *v;
  guint len;

  if (!is_kind (s, i, XREF_TOKEN_WORD))
    return 0;
  /* an abbreviation of the list written in capitals ("ET", not "et"), or
   * a phrase of it ("local time") */
  if ((len = tl_phrase (s, i, TL_TIME_ZONES, &v)) > 0 && (len > 1 || (s->t[i].flags & XREF_TOKEN_ALLCAPS)))
    return len;
  /* "Moscow time" */
  if (capitalised (s, i) && is_word (s, i + 1, "time"))
    return 2;
  return 0;
}

/* A clock time read from i to k, with the day that may follow it:
 * "5 p.m. EST Nov. 9", "noon Thursday", "10 p.m. Wednesday". */
static guint
time_day (const Scan *s, guint i, guint k, gint hour, gint minute, XrefRawTimex *r)
{
  XrefRawTimex d = *r;
  guint j = is_word (s, k, ",") ? k + 1 : k, sub;

  if (((sub = m_weekday (s, j, &d)) > 0 && d.part == NULL) || ((sub = m_month (s, j, &d)) > 0 && d.day > 0))
    {
      *r = d;
      k = j + sub;
    }
  r->kind = XREF_RAW_TIME;
  r->hour = hour;
  r->minute = minute;
  return k - i;
}

/* "7:35 am", "06:44 PM ET", "7 p.m.", "at 18:30", "noon". */
static guint
m_time (const Scan *s, guint i, XrefRawTimex *r)
{
  gint h = -1, m = 0;
  guint k = i + 1;
  const char *ampm;

  if (tl_int (s, i, TL_CLOCK_WORDS, &h) && h >= 0 && h <= 24)
    return time_day (s, i, i + 1, h, 0, r);
  if (!is_kind (s, i, XREF_TOKEN_NUMBER))
    return 0;

  const char *f = s->t[i].form;
  if (g_ascii_isdigit (f[0]) && (f[1] == ':' || (g_ascii_isdigit (f[1]) && f[2] == ':')))
    {
      const char *c = strchr (f, ':');
      if (!g_ascii_isdigit (c[1]) || !g_ascii_isdigit (c[2]) || c[3] != '\0')
        return 0;
      h = (gint) g_ascii_strtoll (f, NULL, 10);
      m = (c[1] - '0') * 10 + (c[2] - '0');
      if (h > 24 || m > 59)
        return 0;
    }
  else
    {
      Num num;
      if (!parse_number (f, &num) || !num.integer || num.value < 1 || num.value > 12)
        return 0;
      h = (gint) num.value;
      if (am_pm (s, k) == NULL)
        return 0;
    }

  ampm = am_pm (s, k);
  if (ampm != NULL)
    {
      if (h < 1 || h > 12)
        return 0;
      if (strcmp (ampm, "pm") == 0 && h < 12)
        h += 12;
      else if (strcmp (ampm, "am") == 0 && h == 12)
        h = 0;
      k++;
    }
  guint z = zone_at (s, k);
  if (ampm == NULL && z == 0 && !(i > 0 && is_in (s, i - 1, TL_TIME_SIGNALS)))
    return 0;
  k += z;
  return time_day (s, i, k, h, m, r);
}

/* A quantity before a unit: a vague one ("several", "a few") or a number. */
static guint
quantity_at (const Scan *s, guint i, Num *num, gboolean *vague)
{
  guint len;

  *vague = FALSE;
  if ((len = vague_at (s, i)) > 0)
    {
      memset (num, 0, sizeof *num);
      *vague = TRUE;
      return len;
    }
  return number_at (s, i, num);
}

/* "several months", "2½ hours", "the past three months", "a few months",
 * "a year and a half", "two days ago". */
static guint
m_duration (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k = i, q;
  Num num;
  gboolean vague, plural;
  const char *unit;
  gint alone = 0, shift;

  /* "the past", "the next" (-1, 1: "the past year" alone is a date too)
   * or "the first" (0: "the first year" is not) */
  if (is_word (s, k, "the") && tl_int (s, k + 1, TL_SPAN_SIGNALS, &alone))
    k += 2;
  q = quantity_at (s, k, &num, &vague);
  if (q == 0)
    {
      /* "the past week", "the next year": one unit (a day has its own
       * reading: "the next day" is a date) */
      if (k == i || alone == 0)
        return 0;
      unit = unit_at (s, k, &plural);
      if (unit == NULL || plural || strcmp (unit, "D") == 0 || strcmp (unit, "WE") == 0)
        return 0;
      /* TimeBank reads "the past year" as last year, a date */
      r->kind = XREF_RAW_RELATIVE;
      r->unit = unit;
      r->has_rel = TRUE;
      r->rel = alone < 0 ? -1 : 1;
      return k + 1 - i;
    }
  if (!vague && (num.ordinal || num.value <= 0))
    return 0;
  k += q;
  unit = unit_at (s, k, &plural);
  if (unit == NULL)
    return 0;
  /* "the 1988 second quarter" holds no duration */
  if (num.integer && num.ndigits == 4 && (strcmp (unit, "S") == 0 || strcmp (unit, "Q") == 0))
    return 0;
  /* "a second round", "a quarter of the vote", "one second" is fine */
  if ((num.article || vague) && strcmp (unit, "S") == 0)
    return 0;
  if (strcmp (unit, "Q") == 0 && is_word (s, k + 1, "of"))
    return 0;
  if (num.article && content_word (s, k + 1) && !is_in (s, k + 1, TL_AFTER_UNIT))
    return 0;
  k++;
  r->amount = num.value;
  r->vague = vague;
  r->unit = unit;
  if (!vague && is_word (s, k, "and") && is_word (s, k + 1, "a") && is_word (s, k + 2, "half"))
    {
      r->amount += 0.5;
      k += 3;
    }
  if (is_in (s, k, TL_AGO))
    {
      r->kind = XREF_RAW_AGO;
      return k + 1 - i;
    }
  /* "a year earlier", "two days later": a date counted from the last one
   * the text gave (TimeML anchors it there); a vague count stays a span */
  if (!vague && k == i + q + 1 && tl_int (s, k, TL_SHIFT, &shift) && r->amount == floor (r->amount))
    {
      r->kind = XREF_RAW_ANCHORED;
      r->has_rel = TRUE;
      r->rel = (gint) r->amount * (shift < 0 ? -1 : 1);
      return k + 1 - i;
    }
  r->kind = XREF_RAW_DURATION;
  return k - i;
}

/* A plural unit alone is a vague duration where the context makes it one:
 * "for months", "within weeks", "years before leaving office", "years ago". */
static guint
m_bare_unit (const Scan *s, guint i, XrefRawTimex *r)
{
  gboolean plural;
  const char *unit = unit_at (s, i, &plural);

  if (unit == NULL || !plural || capitalised (s, i))
    return 0;
  r->unit = unit;
  r->vague = TRUE;
  if (is_in (s, i + 1, TL_AGO))
    {
      r->kind = XREF_RAW_AGO;
      return 2;
    }
  if (!(i > 0 && is_in (s, i - 1, TL_BARE_UNIT_BEFORE)) && !is_in (s, i + 1, TL_BARE_UNIT_AFTER))
    return 0;
  r->kind = XREF_RAW_DURATION;
  return 1;
}

/* "the next day", "the following week", "the previous day", "the same day",
 * "that day": dates counted from the last date the text mentioned. */
static guint
m_anchored (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k = i;
  gboolean plural, days;
  const char *unit;
  gint rel, latest = 0;

  /* "the quarter", "the latest quarter", "the latest period": the
   * quarter a financial report is about */
  if (is_word (s, i, "the"))
    {
      k = tl_int (s, i + 1, TL_LATEST, &latest) ? i + 2 : i + 1;
      unit = unit_at (s, k, &plural);
      if (((unit != NULL && !plural && strcmp (unit, "Q") == 0) || (k == i + 2 && is_in (s, k, TL_PERIOD_NOUNS)))
          && !is_word (s, k + 1, "of") && !is_kind (s, k + 1, XREF_TOKEN_NUMBER))
        {
          r->kind = XREF_RAW_ANCHORED;
          r->unit = xref_intern ("Q");
          r->has_rel = TRUE;
          r->rel = latest;   /* the latest: the one before the document's */
          return k + 1 - i;
        }
      /* "over the weekend": the one before the document date, or the
       * next one in the future tense (resolved with the tense) */
      if ((unit = unit_at (s, i + 1, &plural)) != NULL && !plural && strcmp (unit, "WE") == 0)
        {
          r->kind = XREF_RAW_RELATIVE;
          r->unit = unit;
          r->has_rel = FALSE;
          return 2;
        }
      k = i + 1;
    }
  /* "the next day", "that day" (days only; the article may be left out)
   * or "the following week" (any unit; with its article) */
  if ((days = tl_int (s, k, TL_ANCHORED_DAYS, &rel)) || (k > i && tl_int (s, k, TL_ANCHORED, &rel)))
    {
      unit = unit_at (s, k + 1, &plural);
      if (unit == NULL || plural)
        return 0;
      if (strcmp (unit, "D") != 0
          && (days || (strcmp (unit, "W") != 0 && strcmp (unit, "M") != 0 && strcmp (unit, "Y") != 0)))
        return 0;
      r->kind = XREF_RAW_ANCHORED;
      r->unit = unit;
      r->has_rel = TRUE;
      r->rel = rel;
      return k + 2 - i;
    }
  return 0;
}

/* "this week", "last year", "next month", "last November", "this summer",
 * "last Tuesday", "this morning", "last night". */
static guint
m_relative (const Scan *s, guint i, XrefRawTimex *r)
{
  gint rel, m, w;
  guint len;
  gboolean abbrev, plural;
  const char *unit, *part;
  gpointer season;

  guint k = i + rel_at (s, i, &rel);
  if (k == i)
    return 0;
  r->has_rel = TRUE;
  r->rel = rel;
  /* "this fiscal year" */
  guint adj = is_in (s, k, TL_UNIT_ADJECTIVES) ? 1 : 0;
  if ((unit = unit_at (s, k + adj, &plural)) != NULL && !plural && strcmp (unit, "D") != 0 && strcmp (unit, "H") != 0
      && strcmp (unit, "MIN") != 0 && strcmp (unit, "S") != 0)
    {
      r->kind = XREF_RAW_RELATIVE;
      r->unit = unit;
      return k + adj + 1 - i;
    }
  if ((m = month_at (s, k, &len, &abbrev)) >= 1 && m <= 12 && !abbrev)
    {
      r->kind = XREF_RAW_CAL;
      r->month = m;
      return k + len - i;
    }
  if ((w = weekday_at (s, k, &len)) > 0)
    {
      r->kind = XREF_RAW_WEEKDAY;
      r->weekday = w;
      if ((part = part_at (s, k + len)) != NULL)
        {
          r->part = part;
          len++;
        }
      return k + len - i;
    }
  if (is_kind (s, k, XREF_TOKEN_WORD) && table_tok (s, TB_SEASONS, k, &season) && season != NULL)
    {
      r->kind = XREF_RAW_CAL;
      r->season = xref_intern (season);
      return k + 1 - i;
    }
  if ((part = part_at (s, k)) != NULL && (rel == 0 || (rel == -1 && strcmp (part, "NI") == 0)))
    {
      /* "this morning" is today's; "last night" is yesterday's */
      r->kind = XREF_RAW_DEICTIC;
      r->rel = rel;
      r->part = part;
      return k + 1 - i;
    }
  r->has_rel = FALSE;
  r->rel = 0;
  return 0;
}

/* yesterday, today, tomorrow, tonight, "yesterday morning". */
static guint
m_deictic (const Scan *s, guint i, XrefRawTimex *r)
{
  const char *part;
  gint days;

  if (!tl_int (s, i, TL_DEICTIC, &days))
    return 0;
  r->kind = XREF_RAW_DEICTIC;
  r->rel = days;
  r->has_rel = TRUE;
  /* "tonight" is a part of a day itself; "yesterday morning" */
  if ((part = part_at (s, i)) != NULL)
    r->part = part;
  else if ((part = part_at (s, i + 1)) != NULL)
    {
      r->part = part;
      return 2;
    }
  return 1;
}

/* PRESENT_REF, PAST_REF, FUTURE_REF: "now", "recently", "at this time",
 * "the future", "recent years". */
static guint
m_ref (const Scan *s, guint i, XrefRawTimex *r)
{
  gboolean plural;
  const char *v;
  guint len;

  /* "now", "the future"; "this time" only after "at" */
  if ((len = tl_phrase (s, i, TL_REFERENCES, &v)) == 0 && i > 0 && is_word (s, i - 1, "at"))
    len = tl_phrase (s, i, TL_REFERENCES_AFTER_AT, &v);
  if (len > 0)
    {
      r->kind = XREF_RAW_REF;
      r->value = xref_intern (v);
      return len;
    }
  /* "recent years", "recent months": a reference, or with the value "PX"
   * an unknown number of them (TimeBank: PXY); "recent" alone qualifies
   * anything */
  const char *unit;
  if (i < s->n && (v = tl_tok (s, TL_REFERENCE_ADJECTIVES, i)) != NULL
      && (unit = unit_at (s, i + 1, &plural)) != NULL && plural)
    {
      if (strcmp (v, "PX") == 0)
        {
          r->kind = XREF_RAW_DURATION;
          r->unit = unit;
          r->vague = TRUE;
          return 2;
        }
      r->kind = XREF_RAW_REF;
      r->value = xref_intern (v);
      return 2;
    }
  return 0;
}

/* SET: "annual", "daily", "every year", "each Thursday", "twice a year",
 * "per month". */
static guint
m_set (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k, q, len;
  gboolean plural, vague;
  const char *unit;
  Num num;
  gint w, m;

  /* "annual", "daily" ("Daily Mail" is a name) */
  if (i < s->n && (unit = tl_tok (s, TL_FREQUENCIES, i)) != NULL
      && !(capitalised (s, i) && is_kind (s, i + 1, XREF_TOKEN_WORD) && capitalised (s, i + 1)))
    {
      r->kind = XREF_RAW_SET;
      r->unit = xref_intern (unit);
      r->amount = 1;
      return 1;
    }

  if (is_in (s, i, TL_SET_WORDS))
    {
      k = i + 1;
      if ((w = weekday_at (s, k, &len)) > 0)
        {
          char buf[32];
          g_snprintf (buf, sizeof buf, "XXXX-WXX-%d", w);
          r->kind = XREF_RAW_SET;
          r->value = xref_intern (buf);
          return 1 + len;
        }
      gboolean abbrev;
      if ((m = month_at (s, k, &len, &abbrev)) >= 1 && m <= 12 && !abbrev)
        {
          char buf[32];
          g_snprintf (buf, sizeof buf, "XXXX-%02d", m);
          r->kind = XREF_RAW_SET;
          r->value = xref_intern (buf);
          return 1 + len;
        }
      r->amount = 1;
      q = quantity_at (s, k, &num, &vague);
      if (q > 0 && !vague && num.value > 0)
        {
          r->amount = num.value;
          k += q;
        }
      unit = unit_at (s, k, &plural);
      if (unit == NULL || (plural && r->amount == 1) || strcmp (unit, "WE") == 0)
        return 0;
      r->kind = XREF_RAW_SET;
      r->unit = unit;
      return k + 1 - i;
    }

  /* "twice a year", "three times a week", "once per month" */
  k = i;
  if (is_in (s, k, TL_REPEATS))
    k++;
  else if ((q = number_at (s, k, &num)) > 0 && !num.article && is_word (s, k + q, "times"))
    k += q + 1;
  if (k > i && (is_word (s, k, "a") || is_word (s, k, "an") || is_word (s, k, "per"))
      && (unit = unit_at (s, k + 1, &plural)) != NULL && !plural)
    {
      r->kind = XREF_RAW_SET;
      r->unit = unit;
      r->amount = 1;
      return k + 2 - i;
    }
  if (is_word (s, i, "per") && (unit = unit_at (s, i + 1, &plural)) != NULL && !plural)
    {
      r->kind = XREF_RAW_SET;
      r->unit = unit;
      r->amount = 1;
      return 2;
    }
  return 0;
}

/* "the third quarter", "the fourth quarter of 2022", "first-quarter". */
/* The singular unit word of quarters at i ("quarter"). */
static gboolean
quarter_at (const Scan *s, guint i)
{
  gboolean plural;
  const char *unit = unit_at (s, i, &plural);
  return unit != NULL && !plural && strcmp (unit, "Q") == 0;
}

static gint
ordinal_value (const char *v)
{
  gint q = v != NULL ? (gint) g_ascii_strtoll (v, NULL, 10) : 0;
  return q >= 1 && q <= 4 ? q : 0;
}

static guint
m_quarter (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k = i;
  gint q, year, year_first = 0;

  if (is_word (s, k, "the"))
    {
      k++;
      /* "the 1988 third quarter" */
      if (year_at (s, k, &year_first))
        k++;
    }
  if (k >= s->n || (q = ordinal_value (tl_tok (s, TL_ORDINALS, k))) == 0 || !quarter_at (s, k + 1))
    {
      /* "the 1988 quarter", "the 1989 period": the quarter reported on,
       * in that year */
      if (year_first == 0 || !(quarter_at (s, k) || is_in (s, k, TL_PERIOD_NOUNS)))
        return 0;
      r->kind = XREF_RAW_ANCHORED;
      r->unit = xref_intern ("Q");
      r->has_rel = TRUE;
      r->rel = 0;
      r->year = year_first;
      return k + 1 - i;
    }
  r->year = year_first;
  k += 2;
  if (is_word (s, k, "of") && year_at (s, k + 1, &year))
    {
      r->year = year;
      k += 2;
    }
  else if (is_word (s, k, ",") && year_at (s, k + 1, &year))
    {
      r->year = year;
      k += 2;
    }
  r->kind = XREF_RAW_CAL;
  r->quarter = q;
  return k - i;
}

/* "the 1990s", "1980s". */
static gboolean
decade_word (const char *w, gint *decade)
{
  if (strlen (w) == 5 && g_ascii_isdigit (w[0]) && g_ascii_isdigit (w[1]) && g_ascii_isdigit (w[2]) && w[3] == '0'
      && w[4] == 's' && (w[0] == '1' || w[0] == '2'))
    {
      *decade = (w[0] - '0') * 100 + (w[1] - '0') * 10 + (w[2] - '0');
      return TRUE;
    }
  return FALSE;
}

/* "the 20th century", "the 19th century". */
static guint
m_century (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k = is_word (s, i, "the") ? i + 1 : i;
  gboolean plural;
  const char *unit;
  Num num;

  if (!is_kind (s, k, XREF_TOKEN_NUMBER) || !parse_number (s->t[k].form, &num) || !num.ordinal || num.value < 1
      || num.value > 30 || (unit = unit_at (s, k + 1, &plural)) == NULL || plural || strcmp (unit, "CE") != 0)
    return 0;
  r->kind = XREF_RAW_CAL;
  r->century = (gint) num.value;
  return k + 2 - i;
}

static guint
m_decade (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k = i;
  if (is_word (s, k, "the"))
    k++;
  if (k >= s->n || !decade_word (nm (s, k), &r->decade))
    return 0;
  r->kind = XREF_RAW_CAL;
  return k + 1 - i;
}

/* "summer 2023", "the summer of 2023", "in the spring", "spring". */
static guint
m_season (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k = i;
  gpointer season;
  gint year;

  if (is_word (s, k, "the"))
    k++;
  if (!is_kind (s, k, XREF_TOKEN_WORD) || !table_tok (s, TB_SEASONS, k, &season) || season == NULL)
    return 0;
  r->season = xref_intern (season);
  if (year_at (s, k + 1, &year))
    {
      r->year = year;
      r->kind = XREF_RAW_CAL;
      return k + 2 - i;
    }
  if (is_word (s, k + 1, "of") && year_at (s, k + 2, &year))
    {
      r->year = year;
      r->kind = XREF_RAW_CAL;
      return k + 3 - i;
    }
  if (!(i > 0 && is_in (s, i - 1, TL_SEASON_SIGNALS)))
    {
      r->season = NULL;
      return 0;
    }
  r->kind = XREF_RAW_CAL;
  return k + 1 - i;
}

/* A year on its own: "in 2014", "postponed to 2023", "the 2014 coup", but
 * not "2000 troops" or "$2014". */
static guint
m_year (const Scan *s, guint i, XrefRawTimex *r)
{
  gint year;
  gboolean strong;

  if (!year_at (s, i, &year) || year < 1600 || year > 2199)
    return 0;
  if (i > 0 && (is_kind (s, i - 1, XREF_TOKEN_SYMBOL) || is_in (s, i - 1, TL_QUANTITY_WORDS)))
    return 0;
  if (is_kind (s, i + 1, XREF_TOKEN_SYMBOL))
    return 0;
  strong = i > 0 && (is_in (s, i - 1, TL_SIGNALS) || is_word (s, i - 1, "the"));
  if (!strong && content_word (s, i + 1) && g_str_has_suffix (nm (s, i + 1), "s")
      && !g_str_has_suffix (nm (s, i + 1), "'s"))
    return 0;
  r->kind = XREF_RAW_CAL;
  r->year = year;
  return 1;
}

/* One word with a hyphen: "mid-November", "mid-2023", "pre-2014",
 * "five-year", "24-hour", "third-quarter". */
static guint
m_hyphen_word (const Scan *s, guint i, XrefRawTimex *r)
{
  const char *w, *dash, *rest, *mod;
  gpointer v;
  gint year;
  Num num;

  if (!is_kind (s, i, XREF_TOKEN_WORD) || (dash = strrchr (w = nm (s, i), '-')) == NULL)
    return 0;
  rest = dash + 1;

  /* "mid-November", "pre-2014": a prefix of the rules, with its dash */
  g_autofree char *prefix = g_strndup (w, dash - w + 1);
  if ((mod = tl_value (s, TL_PREFIXES, prefix)) != NULL)
    {
      if (table_get (s, TB_MONTHS, rest, &v))
        {
          gint m = GPOINTER_TO_INT (v);
          char buf[64];
          g_snprintf (buf, sizeof buf, "%s.", rest);
          if (m < 1 || m > 12 || table_get (s, TB_MONTHS, buf, &v))
            return 0;   /* "mid-Dec" is too odd to trust */
          r->month = m;
        }
      else if (parse_number (rest, &num) && num.integer && num.ndigits == 4)
        r->year = (gint) num.value;
      else if (!decade_word (rest, &r->decade))
        return 0;
      r->kind = XREF_RAW_CAL;
      r->mod = xref_intern (mod);
      return 1;
    }

  /* "third-quarter" */
  g_autofree char *left = g_strndup (w, dash - w);
  gint q = ordinal_value (tl_value (s, TL_ORDINALS, left));
  gboolean q_plural;
  const char *q_unit = unit_of (s, rest, &q_plural);
  if (q > 0 && q_unit != NULL && !q_plural && strcmp (q_unit, "Q") == 0)
    {
      r->kind = XREF_RAW_CAL;
      r->quarter = q;
      if (year_at (s, i + 1, &year))
        {
          r->year = year;
          return 2;
        }
      return 1;
    }

  /* "five-year", "24-hour", "two-day", "twenty-four-hour" */
  gboolean plural;
  const char *unit = unit_of (s, rest, &plural);
  if (unit == NULL || plural)
    return 0;
  if (parse_number (left, &num) && num.value > 0 && !num.ordinal)
    r->amount = num.value;
  else if (number_string (s, left, &r->amount) && r->amount > 0 && strcmp (left, "a") != 0
           && strcmp (left, "an") != 0)
    ;
  else
    return 0;
  r->kind = XREF_RAW_DURATION;
  r->unit = unit;
  return 1;
}

/* "year-ago", "the year-earlier quarter", "the comparable year-ago third
 * quarter": the period a year before the one the text reports on. */
static guint
m_unit_ago (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k = i;
  gboolean the = is_word (s, k, "the"), plural;
  const char *w, *dash, *unit;

  if (the)
    {
      k++;
      if (is_in (s, k, TL_PERIOD_WHICH))
        k++;
    }
  if (!is_kind (s, k, XREF_TOKEN_WORD) || (dash = strrchr (w = nm (s, k), '-')) == NULL
      || !(in_tl (s, TL_AGO, dash + 1) || (tl_value (s, TL_SHIFT, dash + 1) != NULL
                                            && g_ascii_strtoll (tl_value (s, TL_SHIFT, dash + 1), NULL, 10) < 0)))
    return 0;
  g_autofree char *left = g_strndup (w, dash - w);
  if ((unit = unit_of (s, left, &plural)) == NULL || plural)
    return 0;
  k++;
  if (ordinal_value (tl_tok (s, TL_ORDINALS, k)) > 0 && quarter_at (s, k + 1))
    k += 2;
  else if (is_in (s, k, TL_PERIOD_NOUNS) || (unit_of (s, nm (s, k), &plural) != NULL && !plural
                                              && strcmp (unit_of (s, nm (s, k), &plural), "Q") == 0))
    k++;
  else if (the)
    return 0;   /* "the year-ago results": the expression is "year-ago" */
  r->kind = XREF_RAW_AGO;
  r->unit = unit;
  r->amount = 1;
  return k - i;
}

/* ---- modifiers ---------------------------------------------------------- */

/* early/late/mid, "the end of" … before a calendar expression; "earlier"
 * and "later" (relative modifiers) only before a relative one ("earlier
 * this month") or a day. */
static guint
m_cal_mod (const Scan *s, guint i, XrefRawTimex *r)
{
  const char *mod;
  gboolean earlier = FALSE, of, the_adj, unit_plural;
  guint k = tl_phrase (s, i, TL_MODIFIERS, &mod), sub;
  const char *unit;

  if (k == 0 && (k = tl_phrase (s, i, TL_RELATIVE_MODIFIERS, &mod)) > 0)
    earlier = TRUE;
  if (k == 0)
    return 0;
  /* "the end of …"; "the early 1980s", "the late summer": an article and
   * an adjective */
  of = k > 1 && is_word (s, i + k - 1, "of");
  the_adj = !of && k > 1 && is_word (s, i, "the");

  XrefRawTimex d = *r;
  /* "the end of the year", "the beginning of the month" */
  if (of && is_word (s, i + k, "the") && (unit = unit_at (s, i + k + 1, &unit_plural)) != NULL && !unit_plural
      && (strcmp (unit, "W") == 0 || strcmp (unit, "M") == 0 || strcmp (unit, "Y") == 0 || strcmp (unit, "Q") == 0))
    {
      r->kind = XREF_RAW_RELATIVE;
      r->unit = unit;
      r->has_rel = TRUE;
      r->rel = 0;
      r->mod = xref_intern (mod);
      return k + 2;
    }
  sub = match_core (s, i + k, &d);
  if (sub == 0 || d.mod != NULL)
    return 0;
  switch (d.kind)
    {
    case XREF_RAW_CAL:
      if (earlier || (d.month == 0 && d.year == 0 && d.season == NULL && d.decade == 0 && d.century == 0))
        return 0;
      /* "the early 1980s" is written with its article; "the late
       * November" is not English */
      if (the_adj && d.decade == 0 && d.century == 0 && d.season == NULL)
        return 0;
      break;
    case XREF_RAW_RELATIVE:
      if (the_adj)
        return 0;
      break;
    case XREF_RAW_DEICTIC:
    case XREF_RAW_WEEKDAY:
      if (the_adj || of)
        return 0;
      break;
    default:
      return 0;
    }
  *r = d;
  r->mod = xref_intern (mod);
  return k + sub;
}

/* "more than two years", "about 7:15 p.m.", "nearly four years ago". */
static guint
m_dur_mod (const Scan *s, guint i, XrefRawTimex *r)
{
  const char *mod;
  guint k = tl_phrase (s, i, TL_DURATION_MODIFIERS, &mod), sub;

  if (k == 0 || is_word (s, i + k, "the"))
    return 0;
  XrefRawTimex d = *r;
  sub = match_core (s, i + k, &d);
  if (sub == 0 || d.mod != NULL)
    return 0;
  if (d.kind == XREF_RAW_DURATION || d.kind == XREF_RAW_AGO)
    {
      if (d.vague)
        return 0;
    }
  else if (d.kind == XREF_RAW_TIME || (d.kind == XREF_RAW_CAL && d.day > 0))
    {
      /* "about 7:15 p.m."; but "some" before a time is a quantity */
      if (strcmp (mod, "APPROX") != 0 || vague_at (s, i) > 0)
        return 0;
    }
  else
    return 0;
  *r = d;
  r->mod = xref_intern (mod);
  return k + sub;
}

/* ---- dispatch ----------------------------------------------------------- */

typedef guint (*Matcher) (const Scan *, guint, XrefRawTimex *);

/* The matchers of match_core, in the order they are tried.  Order matters
 * where readings overlap: a weekday leading a date before the date, "the
 * past three months" before "the past", "a year ago" before "a year", a
 * year last of the number readings. */
static const Matcher core_matchers[] = {
  m_numeric_date, m_time, m_weekday, m_month, m_day_first, m_unit_ago, m_quarter, m_duration, m_anchored,
  m_relative, m_deictic, m_set, m_ref, m_hyphen_word, m_century, m_decade, m_season, m_year, m_bare_unit,
};

/* One bit per matcher (MB): the same order, then the two modifiers that
 * match_at tries first. */
enum {
  M_NUMERIC_DATE, M_TIME, M_WEEKDAY, M_MONTH, M_DAY_FIRST, M_UNIT_AGO, M_QUARTER, M_DURATION, M_ANCHORED,
  M_RELATIVE, M_DEICTIC, M_SET, M_REF, M_HYPHEN_WORD, M_CENTURY, M_DECADE, M_SEASON, M_YEAR, M_BARE_UNIT,
  M_CORE_N,
  M_CAL_MOD = M_CORE_N,
  M_DUR_MOD,
};
G_STATIC_ASSERT (G_N_ELEMENTS (core_matchers) == M_CORE_N);
#define MB(m) (1u << (m))
G_STATIC_ASSERT (MB (M_DUR_MOD) < ST_NEXT);

/* Which matchers can read an expression starting at a token.  For each
 * matcher, a condition that every expression it accepts meets: the first
 * tests the matcher itself makes on the token (and on the word after
 * "the"), read from the token's WordBits, kind and capitals.  A matcher
 * let in that then fails costs only time; one left out that could succeed
 * would be a missed expression, so each condition must stay a consequence
 * of its matcher's code (test_dispatch compares with trying every matcher
 * everywhere).  Most tokens of news text can start none, and the scan
 * skips them with one test instead of trying 21 matchers
 * (bench/README.md). */

/* The matchers that start with a list entry or a phrase: their bits for
 * the tables in (the word is a one-word entry, or a phrase of the table
 * starts at it). */
static guint32
entry_start_set (guint64 in)
{
  guint32 m = 0;

  /* rel_at */
  if (in & TB (TL_RELATIVE))
    m |= MB (M_RELATIVE);
  if (in & (TB (TL_REFERENCES) | TB (TL_REFERENCES_AFTER_AT)))
    m |= MB (M_REF);
  if (in & (TB (TL_MODIFIERS) | TB (TL_RELATIVE_MODIFIERS)))
    m |= MB (M_CAL_MOD);
  if (in & TB (TL_DURATION_MODIFIERS))
    m |= MB (M_DUR_MOD);
  return m;
}

/* The part that depends on the word's bits only (with its kind and
 * capitals).  Its phrases are the token's part: they need the next word. */
static guint32
word_start_set (const WordBits *b, gboolean word, gboolean cap)
{
  const guint64 in = b->in;
  /* (a relative word, "this", before the word it qualifies: next_starts) */
  guint32 m = entry_start_set (in) & ~MB (M_RELATIVE);

  if (in & TB (TL_CLOCK_WORDS))
    m |= MB (M_TIME);
  /* name_at: a capitalised word, a key of the table or "word." one */
  if (word && cap && (in & (TB (TB_WEEKDAYS) | TB (TB_WEEKDAYS_DOT))))
    m |= MB (M_WEEKDAY);
  if (word && cap && (in & (TB (TB_MONTHS) | TB (TB_MONTHS_DOT))))
    m |= MB (M_MONTH);
  /* (an ordinal before its quarter, "third quarter": next_starts) */
  /* (an anchored day, "that day": start_ctx) */
  if (in & TB (TL_DEICTIC))
    m |= MB (M_DEICTIC);
  /* (a number before "times": start_ctx) */
  if (in & (TB (TL_FREQUENCIES) | TB (TL_SET_WORDS) | TB (TL_REPEATS)))
    m |= MB (M_SET);
  if (in & TB (TL_REFERENCE_ADJECTIVES))
    m |= MB (M_REF);
  if (word && (in & TB (TB_SEASONS)))
    m |= MB (M_SEASON);
  if (word && (in & TB (TB_UNITS)))
    m |= MB (M_BARE_UNIT);
  return m;
}

/* A quantity: number_at reads digits, a number word or a hyphenated one
 * (the token's part: vague_at a vague word or phrase). */
static gboolean
numeric_word (const WordBits *b, gboolean word, gboolean number)
{
  return number || (word && (b->flags & WF_DASH_NUMBER)) || (word && (b->in & TB (TB_NUMBERS)));
}

/* The slot of a token: its kind and whether it has a capital. */
static guint
token_slot (const XrefToken *t)
{
  return ((guint) t->kind << 1) | ((t->flags & (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS)) != 0);
}

/* "the" leads several readings: those a token of kind kind with the bits
 * b allows after it. */
static guint32
the_start_set (const WordBits *b, XrefTokenKind kind)
{
  const guint64 nin = b->in;
  const gboolean nword = kind == XREF_TOKEN_WORD, nnumber = kind == XREF_TOKEN_NUMBER;
  guint32 m = 0;

  if ((nin & TB (TL_PERIOD_WHICH)) || (nword && (b->flags & WF_AGO_WORD)))
    m |= MB (M_UNIT_AGO);                 /* "the (comparable) year-ago …" */
  if (nnumber || (nin & TB (TL_ORDINALS)))
    m |= MB (M_QUARTER);                  /* "the third quarter", "the 1988 quarter" */
  if (nin & TB (TL_SPAN_SIGNALS))
    m |= MB (M_DURATION);                 /* "the past three months" */
  if (nin & (TB (TL_LATEST) | TB (TB_UNITS) | TB (TL_ANCHORED_DAYS) | TB (TL_ANCHORED)))
    m |= MB (M_ANCHORED);                 /* "the latest quarter", "the next day" */
  if (nnumber)
    m |= MB (M_CENTURY);                  /* "the 20th century" */
  if (b->flags & WF_DECADE)
    m |= MB (M_DECADE);                   /* "the 1990s" */
  if (nword && (nin & TB (TB_SEASONS)))
    m |= MB (M_SEASON);                   /* "the summer of 2023" */
  return m;
}

/* The start sets of a word, by token slot: what its bits, kind, capitals
 * and letters allow whatever follows, and the ST_* bits that say where
 * the tokens that follow can allow more (start_more adds those).  Worked out once per word
 * and rule set, so that at most tokens the scan reads its set from the
 * word's record. */
static void
word_start_sets (WordBits *b)
{
  /* m_relative: "this" and a unit, a month, a weekday, a season or a part
   * of the day ("this fiscal year", "last November", "this morning") */
  if (b->in & TB (TL_RELATIVE))
    {
      b->next_in |= TB (TL_UNIT_ADJECTIVES) | TB (TB_UNITS) | TB (TB_MONTHS) | TB (TB_MONTHS_DOT) | TB (TB_WEEKDAYS)
                    | TB (TB_WEEKDAYS_DOT) | TB (TB_SEASONS) | TB (TL_PARTS_OF_DAY);
      b->next_starts |= MB (M_RELATIVE);
    }
  /* m_quarter: "third quarter" */
  if (b->in & TB (TL_ORDINALS))
    {
      b->next_in |= TB (TB_UNITS);
      b->next_starts |= MB (M_QUARTER);
    }

  const guint32 of_word[] = { word_start_set (b, TRUE, FALSE), word_start_set (b, TRUE, TRUE) };
  const guint32 of_other = word_start_set (b, FALSE, FALSE);

  for (guint slot = 0; slot < SLOT_N; slot++)
    {
      const gboolean word = slot >> 1 == XREF_TOKEN_WORD;
      const gboolean number = slot >> 1 == XREF_TOKEN_NUMBER;
      guint32 m = word ? of_word[slot & 1] : of_other;

      /* (digits: dates, times, days, years, centuries by the token's
       * form: start_ctx) */
      /* a hyphenated word: "mid-2023", "five-year"; "year-ago" */
      if (word && (b->flags & WF_HYPHEN))
        m |= MB (M_HYPHEN_WORD);
      if (word && (b->flags & WF_AGO_WORD))
        m |= MB (M_UNIT_AGO);
      /* decade_word: "1990s", "2010s" */
      if (b->flags & WF_DECADE)
        m |= MB (M_DECADE);
      if (b->flags & WF_PER)
        m |= MB (M_SET);
      /* what start_ctx reads: phrases, a quantity or a vague word before
       * a unit, an anchored day */
      if (b->n_phrases > 0 || numeric_word (b, word, number) || (word && ((b->in | b->heads) & TB (TB_VAGUE)))
          || (b->in & TB (TL_ANCHORED_DAYS)))
        m |= ST_CTX;
      if (b->flags & WF_THE)
        m |= ST_THE;
      if (b->next_starts != 0)
        m |= ST_NEXT;
      if (word && (b->in & TB (TB_UNITS)))
        m |= ST_UNIT;
      b->starts[slot] = m;
      b->after_the[slot] = the_start_set (b, (XrefTokenKind) (slot >> 1));
    }
}

static gboolean
norm_is (const XrefToken *t, const char *w)
{
  return t->norm[0] == w[0] && strcmp (t->norm, w) == 0;
}

/* The matchers of digits that can read a NUMBER token: the first tests
 * each makes of its form, and of the next token (next, its bits nb, or
 * NULL). */
static guint32
number_start_set (const XrefToken *t, const XrefToken *next, const WordBits *nb)
{
  const char *f = t->form;
  guint32 m = 0;
  Num num;

  /* m_numeric_date: groups of digits between "-", "/" or "." */
  if (strpbrk (f, "-/.") != NULL)
    m |= MB (M_NUMERIC_DATE);
  /* m_time: "7:35", or an hour before "am" */
  if (strchr (f, ':') != NULL)
    m |= MB (M_TIME);
  if (parse_number (f, &num))
    {
      /* before "am" */
      if (num.integer && num.value >= 1 && num.value <= 12 && next != NULL && (nb->in & TB (TL_CLOCK)))
        m |= MB (M_TIME);
      /* day_at, before a month or "of" */
      if ((num.integer || num.ordinal) && num.ndigits <= 2 && num.value >= 1 && num.value <= 31 && next != NULL
          && ((nb->in & (TB (TB_MONTHS) | TB (TB_MONTHS_DOT))) || norm_is (next, "of")))
        m |= MB (M_DAY_FIRST);
      if (num.ordinal && num.value >= 1 && num.value <= 30)
        m |= MB (M_CENTURY);
      /* year_at, as m_year reads it */
      if (num.integer && !num.ordinal && num.ndigits == 4 && num.value >= 1600 && num.value <= 2199)
        m |= MB (M_YEAR);
    }
  return m;
}

/* A bit for an interned word, of 64: a phrase can start where the next
 * token's bit is in its first word's seconds. */
static guint64
second_bit (const char *word)
{
  return G_GUINT64_CONSTANT (1) << xref_hash_ptr (word, 6);
}

/* What the tokens after token t (its bits b) let start there beyond its
 * record's start set; next: the token after it in the document and its
 * bits, or NULL.  after: the start sets of the four tokens after t, with
 * their ST_UNIT bits (0 past the last token). */
G_GNUC_NO_INLINE static guint32
start_ctx (const XrefToken *t, const WordBits *b, const XrefToken *next, const WordBits *nb, const guint32 *after)
{
  const gboolean word = t->kind == XREF_TOKEN_WORD, number = t->kind == XREF_TOKEN_NUMBER;
  guint32 m = number ? number_start_set (t, next, nb) : 0;
  guint64 heads = 0;
  G_STATIC_ASSERT (ST_UNIT == 1u << 30);
  /* bit j: token t+1+j is a unit word ("days") */
  const guint units = ((after[0] >> 30) & 1) | ((after[1] >> 29) & 2) | ((after[2] >> 28) & 4) | ((after[3] >> 27) & 8);

  /* the first word of phrases ("the end of", "at this time", "a few"):
   * only those whose second word follows ("the" starts a dozen phrases
   * and is every twentieth word) */
  if (b->n_phrases > 0 && next != NULL && (b->seconds & second_bit (next->norm)))
    {
      for (guint k = 0; k < b->n_phrases; k++)
        if (b->phrases[k].words[1] == next->norm)
          heads |= TB (b->phrases[k].table);
      m |= entry_start_set (heads);
    }
  /* A quantity: number_at reads digits, a number word or a hyphenated
   * one, vague_at a vague word or phrase ("several", "a few").  A
   * duration has its unit right after the quantity (at most three words:
   * "a couple of days"); "three times a year" (m_set) has it two words
   * after a number of one or two.  "a", "one", "two" are frequent and
   * mostly no quantity of time. */
  const gboolean numeric = numeric_word (b, word, number);
  const gboolean vague = word && ((b->in | heads) & TB (TB_VAGUE));
  if ((numeric || vague) && (units & 0x7))
    m |= MB (M_DURATION);
  if (numeric && (units & 0xC))
    m |= MB (M_SET);
  /* "that day", "next day": the unit follows ("that" is frequent) */
  if ((b->in & TB (TL_ANCHORED_DAYS)) && (units & 0x1))
    m |= MB (M_ANCHORED);

  return m;
}

/* The first matcher that reads an expression at i, among those that can
 * start there.  *r is left as it was for each matcher tried; when none
 * reads one (0), its fields are unspecified (the callers drop it).  Only
 * where several matchers are tried is *r kept to start each from. */
static guint
match_core (const Scan *s, guint i, XrefRawTimex *r)
{
  guint32 set = i >= s->n ? 0 : s->every ? MB (M_CORE_N) - 1 : s->starts[i] & (MB (M_CORE_N) - 1);
  XrefRawTimex init;

  if ((set & (set - 1)) == 0)
    return set != 0 ? core_matchers[__builtin_ctz (set)] (s, i, r) : 0;
  init = *r;
  for (;;)
    {
      guint len = core_matchers[__builtin_ctz (set)] (s, i, r);
      if (len > 0)
        return len;
      set &= set - 1;
      if (set == 0)
        return 0;
      *r = init;
    }
}

/* The modifiers, then match_core; *r as match_core leaves it. */
static guint
match_at (const Scan *s, guint i, XrefRawTimex *r)
{
  const guint32 mods = s->every ? MB (M_CAL_MOD) | MB (M_DUR_MOD) : s->starts[i] & (MB (M_CAL_MOD) | MB (M_DUR_MOD));
  XrefRawTimex init;
  guint len;

  if (mods == 0)
    return match_core (s, i, r);
  init = *r;
  if ((mods & MB (M_CAL_MOD)) && (len = m_cal_mod (s, i, r)) > 0)
    return len;
  *r = init;
  if ((mods & MB (M_DUR_MOD)) && (len = m_dur_mod (s, i, r)) > 0)
    return len;
  *r = init;
  return match_core (s, i, r);
}

/* ---- context: tense and reporting ----------------------------------------- */

/* The last test of marker_slow: a speech or action verb in the past at j
 * ("said", "met"). */
G_GNUC_NO_INLINE static gint
marker_phrase (const Scan *s, guint j)
{
  gconstpointer v;
  const XrefPhraseTable *tables[] = { s->rules->speech_phrases, s->rules->action_phrases };

  for (gsize k = 0; k < G_N_ELEMENTS (tables); k++)
    if (tables[k] != NULL && xref_phrase_table_match (tables[k], s->t, s->n, j, &v) > 0 && v != NULL)
      {
        const XrefActionMatch *am = v;
        if (am->form == XREF_FORM_PAST)
          return XREF_TENSE_PAST;
      }
  return XREF_TENSE_UNKNOWN;
}

/* Past and future markers of English clauses.  The nearest marker to the
 * expression decides ("said on Tuesday that he will go on Friday"). */
G_GNUC_NO_INLINE static gint
marker_slow (const Scan *s, guint j)
{
  const char *w = nm (s, j), *fv;

  if (tl_phrase (s, j, TL_FUTURE_MARKERS, &fv) > 0)
    return XREF_TENSE_FUTURE;
  /* what is planned lies ahead: "scheduled to close Monday", "plans to
   * hold a conference on Tuesday", "expected to join in April" */
  if (is_in (s, j, TL_INTENT_MARKERS)
      && (is_word (s, j + 1, "to") || (is_word (s, j + 1, "for") && !g_str_has_suffix (w, "s"))))
    {
      /* "had been scheduled to expire Friday" was planned in the past
       * ("were planning to drive Monday" still looks ahead) */
      if (j >= 2 && is_in (s, j - 1, TL_PASSIVE_AUX) && is_in (s, j - 2, TL_PAST_MARKERS))
        return XREF_TENSE_PAST;
      return XREF_TENSE_FUTURE;
    }
  /* "has scheduled a news conference Thursday": no past of its own */
  if (is_in (s, j, TL_INTENT_MARKERS))
    return XREF_TENSE_UNKNOWN;
  /* "could come Tuesday", "would be traveling Thursday": a modal looks
   * ahead from the time of speaking, unless it is "could have gone" */
  if (s->t[j].kind == XREF_TOKEN_WORD && (word_class_tok (s, j) & XREF_WC_MODAL) != 0)
    return is_word (s, j + 1, "have") ? XREF_TENSE_PAST : XREF_TENSE_FUTURE;
  if (s->t[j].kind != XREF_TOKEN_WORD)
    return XREF_TENSE_UNKNOWN;
  /* the participle of a passive: its auxiliary carries the tense ("will
   * be named", "would be paid") */
  if (j > 0 && is_in (s, j - 1, TL_PASSIVE_AUX))
    return XREF_TENSE_UNKNOWN;
  if (is_in (s, j, TL_PAST_MARKERS))
    return XREF_TENSE_PAST;
  /* a regular past, but not "succeed" or "need" (the word's letters:
   * word_letters); tested before the phrase tables, which can only say
   * the same */
  if ((rec (s, j)->flags & WF_ED) && !capitalised (s, j) && word_class_tok (s, j) == 0)
    return XREF_TENSE_PAST;
  return marker_phrase (s, j);
}

/* marker_slow, answering at once where the word's record says no marker
 * can be read (most words): no future, intent or past word, no modal, no
 * regular past, and no speech or action phrase starts with it.  The tense
 * search asks this of every word outward from each expression. */
G_ALWAYS_INLINE static inline gint
marker_at (const Scan *s, guint j)
{
  const guint flags = rec (s, j)->flags;

  if (!s->every && !(flags & WF_TENSE))
    {
      /* marker_slow's tests in its order, those that can pass here: a
       * word, no passive auxiliary before it, the phrase tables */
      if (!(flags & WF_PHRASE_HEAD) || s->t[j].kind != XREF_TOKEN_WORD || (j > 0 && is_in (s, j - 1, TL_PASSIVE_AUX)))
        return XREF_TENSE_UNKNOWN;
      return marker_phrase (s, j);
    }
  return marker_slow (s, j);
}

/* The tense of the nearest marker to the expression at first (len
 * tokens).  A marker before it counts at its distance; the verb an
 * expression modifies mostly comes before it, so a marker after it counts
 * from twice as far; on a tie the one before wins (a report verb usually
 * leads).  Searched outward from the expression, nearest first, so that
 * the first marker found decides and the rest of the sentence is not
 * read. */
static gint
clause_tense (const Scan *s, guint first, guint len)
{
  const guint last = first + len - 1;

  for (guint d = 1; d <= first || last + d / 2 < s->n; d++)
    {
      gint m;

      if (d <= first && (m = marker_at (s, first - d)) != XREF_TENSE_UNKNOWN)
        return m;
      if (d % 2 == 0 && last + d / 2 < s->n && (m = marker_at (s, last + d / 2)) != XREF_TENSE_UNKNOWN)
        return m;
    }
  return XREF_TENSE_UNKNOWN;
}

/* A date that says when something was reported: "said on Wednesday,
 * December 28", "told reporters December 21", "On December 28, the minister
 * contended". */
static gboolean
is_reported (const Scan *s, guint first, guint len)
{
  guint p = first;

  if (p > 0 && is_word (s, p - 1, "on"))
    p--;
  for (guint k = 1; k <= 3 && k <= p; k++)
    if (speech_at (s, p - k) == k)
      return TRUE;

  /* at the head of the sentence, then a comma and a speech verb */
  guint head = 0;
  while (head < s->n && s->t[head].kind == XREF_TOKEN_QUOTE)
    head++;
  if (p != head || !is_word (s, first + len, ","))
    return FALSE;
  for (guint j = first + len + 1; j < s->n && j <= first + len + 10; j++)
    {
      if (is_word (s, j, ";") || is_word (s, j, ".") || is_word (s, j, ":"))
        break;
      if (speech_at (s, j) > 0)
        return TRUE;
    }
  return FALSE;
}

static WordBits *
word_entry (GHashTable *index, const char *key)
{
  WordBits *bits = g_hash_table_lookup (index, key);

  if (bits == NULL)
    {
      bits = g_new0 (WordBits, 1);
      g_hash_table_insert (index, (gpointer) key, bits);
    }
  return bits;
}

static void
phrase_clear (gpointer data)
{
  g_free (((Phrase *) data)->words);
}

/* Records the multi-word key of table b (a list or the vague quantities)
 * in phrases (first word → GArray of Phrase) as its interned words.  A key
 * with an empty word or of 256 bytes or more could never equal norms
 * joined by spaces in the 256-byte key tl_phrase built: left out. */
static void
add_phrase (GHashTable *phrases, const char *key, gpointer value, guint b)
{
  g_auto (GStrv) words = g_strsplit (key, " ", -1);
  Phrase p = { b, g_strv_length (words), strlen (key), NULL, value };
  GArray *list;

  if (p.len >= 256)
    return;
  for (guint k = 0; k < p.n; k++)
    if (words[k][0] == '\0')
      return;
  p.words = g_new (const char *, p.n);
  for (guint k = 0; k < p.n; k++)
    p.words[k] = xref_intern (words[k]);
  if ((list = g_hash_table_lookup (phrases, p.words[0])) == NULL)
    {
      list = g_array_new (FALSE, FALSE, sizeof (Phrase));
      g_array_set_clear_func (list, phrase_clear);
      g_hash_table_insert (phrases, (gpointer) p.words[0], list);
    }
  g_array_append_val (list, p);
}

/* Longest first: tl_phrase takes the first that matches. */
static gint
phrase_cmp (gconstpointer a, gconstpointer b)
{
  const Phrase *pa = a, *pb = b;
  return pa->n > pb->n ? -1 : pa->n < pb->n ? 1 : 0;
}

/* Adds every key of table (a rule word table or list) to index with bit b;
 * the first word of a multi-word key gets b in its heads, and the key goes
 * to phrases (lists and vague quantities).  Keys are re-interned: the index
 * hashes pointers. */
static void
index_table (GHashTable *index, GHashTable *phrases, GHashTable *table, guint b)
{
  GHashTableIter it;
  gpointer key, value;

  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const char *space = strchr (key, ' ');
      WordBits *bits;

      bits = word_entry (index, xref_intern (key));
      bits->in |= TB (b);
      if (b == TB_WORD_CLASSES)
        bits->wclass = GPOINTER_TO_UINT (value);
      /* "Feb." names a month: its word "feb" gets the dot bit */
      gsize len = strlen (key);
      if ((b == TB_MONTHS || b == TB_WEEKDAYS) && len > 1 && ((const char *) key)[len - 1] == '.')
        word_entry (index, xref_intern_len (key, len - 1))->in |= TB (b == TB_MONTHS ? TB_MONTHS_DOT : TB_WEEKDAYS_DOT);
      /* interned, not looked up: a token may bring the word later */
      if (space != NULL)
        word_entry (index, xref_intern_len (key, (gsize) (space - (const char *) key)))->heads |= TB (b);
      if (space != NULL && (b < TL_N || b == TB_VAGUE))
        add_phrase (phrases, key, value, b);
    }
}

/* The index of one rule set.  Built at the first document and kept for
 * the next ones: the rules are immutable once loaded, and the index holds
 * a reference on every table it was built from, so while it lives no other
 * rule set can have a table at the same address — equal pointers mean the
 * same tables.  One index is kept (the last rule set seen); a scan holds a
 * reference on the one it uses. */
enum { WI_TABLES = 1 + TB_WORD_CLASSES - TL_N + 1 };

/* The start filter of an index: one bit per slot of 2^START_FILTER_BITS,
 * by the Fibonacci hash of an interned pointer (filter_slot), set for
 * every word whose record can put a bit in a start set (start_relevant).
 * A clear bit says the word is no such word of the index. */
#define START_FILTER_BITS 15

/* The part filter of an index: one bit per slot of 2^PART_FILTER_BITS, by
 * a hash of the bytes (part_hash), set for every word of the index.  The
 * parts of a hyphenated word ("year" of "year-ago") are asked about
 * (part_bits) by their bytes; most are no word of the index, and nearly
 * all of those are in no table at all, so that xref_intern_try found no
 * interned copy only after a probe of the shared intern table, under its
 * lock.  A clear bit answers them first. */
#define PART_FILTER_BITS 14

/* What records_pass can do with a token of a word (pass_over): pass over
 * it, pass over it where the tokens after it are passed over, or it is a
 * unit word (else 0).  Kept beside an interned pointer (below 2^61, as
 * user-space pointers are) in the pass cache and the filter words. */
#define PASS_OVER (G_GUINT64_CONSTANT (1) << 63)
#define PASS_CONTEXT (G_GUINT64_CONSTANT (1) << 62)
#define PASS_UNIT (G_GUINT64_CONSTANT (1) << 61)
#define PASS_TAGS (PASS_OVER | PASS_CONTEXT | PASS_UNIT)

struct WordIndex {
  gint ref;
  guint gen;                     /* a number of its own: tells a thread's word cache whose it is */
  const XrefPhraseTable *speech, *action; /* the rule set's, not referenced */
  GHashTable *tables[WI_TABLES]; /* temporal_words, then the TB_* tables; referenced */
  GHashTable *lists[TL_N];       /* borrowed from tables[0] */
  GHashTable *index;
  GHashTable *phrases;           /* first word → GArray of Phrase, read through index */
  /* the index again as an open-addressing table of interned pointers
   * (linear probing, at most half full): a multiplication and a compare
   * or two instead of GLib's call chain */
  struct { const char *key; const WordBits *bits; } *slots;
  guint shift;                   /* 64 - log2 (number of slots) */
  WordBits unknown[WF_UNKNOWN + 1]; /* the records of words no table has, by word_letters */
  struct WordValue *values;      /* the values of every record */
  guint64 filter[(1u << START_FILTER_BITS) / 64];
  guint64 part_filter[(1u << PART_FILTER_BITS) / 64];
  gboolean filter_ok;            /* the filter may be used: see records_pass */
  /* every word of the index whose filter bit is set, by open addressing
   * (at most two thirds full: a few KB, that records_pass prefetches):
   * its interned pointer with its pass_over tag (PASS_CONTEXT, PASS_UNIT
   * or none) in those bits, 0 for an empty slot; and in the same slot of
   * fword_recs its record.  With the text stage's PASS bits, the tokens
   * records_pass reads are these words or words that pass_over passes
   * over nowhere (see records_pass) */
  guint64 *fwords;
  const WordBits **fword_recs;
  guint fword_bits;              /* log2 (number of slots) */
};

/* A record can put a bit in a start set: its own at a token that is no
 * NUMBER (records_pass reads the record of every NUMBER), the one of "the"
 * before it, or the one of the token before it, which reads the bits
 * next_in of its record (start_more, number_start_set). */
static gboolean
start_relevant (const WordBits *b, guint64 next_in)
{
  for (guint slot = 0; slot < SLOT_N; slot++)
    if (slot >> 1 != XREF_TOKEN_NUMBER && (b->starts[slot] != 0 || b->after_the[slot] != 0))
      return TRUE;
  return (b->in & next_in) != 0;
}

/* A record whose start set at a token that is no NUMBER comes from the
 * tokens after it alone (start_more): it starts nothing by itself, lets
 * nothing start at "the" or at the token before it (as start_relevant),
 * and all else depends on the records, the unit words and the phrase
 * second words that follow. */
static gboolean
context_only (const WordBits *b, guint64 next_in)
{
  for (guint slot = 0; slot < SLOT_N; slot++)
    if (slot >> 1 != XREF_TOKEN_NUMBER && ((b->starts[slot] & ~ST_MORE) != 0 || b->after_the[slot] != 0))
      return FALSE;
  return (b->in & next_in) == 0;
}

/* The bit of an interned pointer in a start filter. */
static inline gsize
filter_slot (const char *key)
{
  return xref_hash_ptr (key, START_FILTER_BITS);
}

static GMutex word_index_lock;
static WordIndex *word_index_last;
static guint word_index_gens;

/* The home slot of an interned pointer: Fibonacci hashing. */
static gsize
slot_of (const WordIndex *wi, const char *key)
{
  return (gsize) (((guint64) (guintptr) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> wi->shift);
}

/* The WordBits of an interned word, or none. */
static const WordBits *
index_lookup (const WordIndex *wi, const char *key, const WordBits *none)
{
  const gsize mask = ((gsize) 1 << (64 - wi->shift)) - 1;

  for (gsize h = slot_of (wi, key);; h = (h + 1) & mask)
    {
      if (wi->slots[h].key == key)
        return wi->slots[h].bits;
      if (wi->slots[h].key == NULL)
        return none;
    }
}

/* The bit of s[0 .. len) in a part filter (FNV-1a, folded). */
static inline guint
part_hash (const char *s, gsize len)
{
  guint32 h = 2166136261u;

  for (gsize k = 0; k < len; k++)
    h = (h ^ (guchar) s[k]) * 16777619u;
  return (h ^ (h >> PART_FILTER_BITS)) & ((1u << PART_FILTER_BITS) - 1);
}

/* The record of s[0 .. len) (a part of a word), or NULL when no table has it. */
static const WordBits *
part_bits (const WordIndex *wi, const char *s, gsize len)
{
  const guint bit = part_hash (s, len);

  if (!(wi->part_filter[bit / 64] & (G_GUINT64_CONSTANT (1) << (bit % 64))))
    return NULL;   /* no word of the index */

  char buf[64];
  g_autofree char *heap = NULL;
  char *w = len < sizeof buf ? buf : (heap = g_malloc (len + 1));
  const char *key;

  memcpy (w, s, len);
  w[len] = '\0';
  key = xref_intern_try (w);
  return key != NULL ? index_lookup (wi, key, NULL) : NULL;
}

static gboolean
part_in (const WordIndex *wi, const char *s, gsize len, guint64 tables)
{
  const WordBits *b = part_bits (wi, s, len);
  return b != NULL && (b->in & tables) != 0;
}

/* What a word's letters say: its WF_UNKNOWN flags.  A hyphenated word's
 * parts are looked up in the index (the slots must be filled). */
static guint
word_letters (const WordIndex *wi, const char *w)
{
  guint f = 0;
  gsize len = strlen (w);
  const char *dash = memchr (w, '-', len);

  gint decade;
  if (decade_word (w, &decade))
    f |= WF_DECADE;
  /* marker_slow's regular past: not "succeed" or "need" */
  if (len >= 5 && w[len - 2] == 'e' && w[len - 1] == 'd'
      && (w[len - 3] != 'e' || w[len - 4] == 'r' || w[len - 4] == 't'))
    f |= WF_ED;
  if (dash != NULL)
    {
      const char *last = strrchr (w, '-'), *rest = last + 1;
      const gsize rest_len = len - (gsize) (rest - w);

      /* m_hyphen_word: "mid-" + anything, or anything + a unit */
      if (part_in (wi, w, (gsize) (rest - w), TB (TL_PREFIXES)) || part_in (wi, rest, rest_len, TB (TB_UNITS)))
        f |= WF_HYPHEN;
      /* m_unit_ago: "year-ago", "year-earlier" */
      if (part_in (wi, rest, rest_len, TB (TL_AGO) | TB (TL_SHIFT)))
        f |= WF_AGO_WORD;
      /* number_string: "twenty-four" */
      if (dash == last && part_in (wi, w, (gsize) (dash - w), TB (TB_NUMBERS))
          && part_in (wi, rest, rest_len, TB (TB_NUMBERS)))
        f |= WF_DASH_NUMBER;
    }
  return f;
}

/* The flags and start sets of a word's record (b->in, heads, phrases and
 * wclass set); letters: its word_letters. */
static void
word_record (WordBits *b, guint letters, gboolean the, gboolean per)
{
  b->flags |= letters | (the ? WF_THE : 0) | (per ? WF_PER : 0);
  /* marker_slow can read a marker without the phrase tables */
  if ((b->in & (TB (TL_FUTURE_MARKERS) | TB (TL_INTENT_MARKERS) | TB (TL_PAST_MARKERS)))
      || (b->heads & TB (TL_FUTURE_MARKERS)) || (b->wclass & XREF_WC_MODAL) || ((letters & WF_ED) && b->wclass == 0))
    b->flags |= WF_TENSE;
  word_start_sets (b);
}

/* The record of any interned word: its own, or the one of the words no
 * table has with its letters. */
static const WordBits *
word_record_of (const WordIndex *wi, const char *norm)
{
  const WordBits *b = index_lookup (wi, norm, NULL);
  return b != NULL ? b : &wi->unknown[word_letters (wi, norm)];
}

/* Each thread's cache of word records, direct-mapped by the interned
 * pointer of a token's norm: a record is one probe that nearly always
 * hits, and a word no table has has its letters read once per thread, not
 * at every token.  Only the tokens records_pass does not pass over (about
 * one in nine) and those the matchers ask about read it: 2^13 slots.  It
 * (and the pass cache) belongs to the index numbered word_cache_gen; a
 * scan with another index clears it first.  Interned pointers live until
 * exit, so a key is never reused for another word. */
#define WORD_CACHE_BITS 13

typedef struct {
  const char *key;
  const WordBits *bits;
} WordCacheSlot;

static _Thread_local guint word_cache_gen;

static void
rule_tables (const XrefRules *rules, GHashTable **out)
{
  out[0] = rules->temporal_words;
  out[1 + TB_MONTHS - TL_N] = rules->months;
  out[1 + TB_WEEKDAYS - TL_N] = rules->weekdays;
  out[1 + TB_NUMBERS - TL_N] = rules->numbers;
  out[1 + TB_UNITS - TL_N] = rules->units;
  out[1 + TB_VAGUE - TL_N] = rules->vague_quantities;
  out[1 + TB_SEASONS - TL_N] = rules->seasons;
  out[1 + TB_WORD_CLASSES - TL_N] = rules->word_classes;
}

static void
word_index_unref (WordIndex *wi)
{
  if (wi == NULL || !g_atomic_int_dec_and_test (&wi->ref))
    return;
  g_hash_table_unref (wi->index);
  g_hash_table_unref (wi->phrases);
  g_free (wi->slots);
  g_free (wi->fwords);
  g_free (wi->fword_recs);
  g_free (wi->values);
  for (guint k = 0; k < WI_TABLES; k++)
    g_clear_pointer (&wi->tables[k], g_hash_table_unref);
  g_free (wi);
}

/* The value of word in the table of bit b (with a dot after it, for the
 * TB_*_DOT bits), from the tables themselves. */
static gconstpointer
word_table_value (const WordIndex *wi, guint b, const char *word)
{
  if (b == TB_MONTHS_DOT || b == TB_WEEKDAYS_DOT)
    {
      g_autofree char *dot = g_strconcat (word, ".", NULL);
      GHashTable *table = wi->tables[1 + (b == TB_MONTHS_DOT ? TB_MONTHS : TB_WEEKDAYS) - TL_N];
      return table != NULL ? g_hash_table_lookup (table, dot) : NULL;
    }
  GHashTable *table = b < TL_N ? wi->lists[b] : wi->tables[1 + b - TL_N];
  return table != NULL ? g_hash_table_lookup (table, word) : NULL;
}

static WordIndex *
word_index_new (const XrefRules *rules)
{
  WordIndex *wi = g_new0 (WordIndex, 1);
  const char *the = xref_intern ("the"), *per = xref_intern ("per");

  wi->ref = 1;
  wi->speech = rules->speech_phrases;
  wi->action = rules->action_phrases;
  rule_tables (rules, wi->tables);
  for (guint k = 0; k < WI_TABLES; k++)
    if (wi->tables[k] != NULL)
      g_hash_table_ref (wi->tables[k]);
  wi->index = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  wi->phrases = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_array_unref);
  for (guint l = 0; l < TL_N && rules->temporal_words != NULL; l++)
    {
      const char *name = xref_intern_try (tl_names[l]);

      wi->lists[l] = name != NULL ? g_hash_table_lookup (rules->temporal_words, name) : NULL;
      if (wi->lists[l] != NULL)
        index_table (wi->index, wi->phrases, wi->lists[l], l);
    }
  for (guint b = TL_N; b <= TB_WORD_CLASSES; b++)
    if (wi->tables[1 + b - TL_N] != NULL)
      index_table (wi->index, wi->phrases, wi->tables[1 + b - TL_N], b);
  /* the two words the start sets know by name have records of their own */
  word_entry (wi->index, the);
  word_entry (wi->index, per);
  /* and so have the first words of speech and action phrases, which
   * marker_at asks about (the rule set's phrase tables: see word_index_get) */
  g_autoptr (GPtrArray) heads = g_ptr_array_new ();
  xref_phrase_table_heads (rules->speech_phrases, heads);
  xref_phrase_table_heads (rules->action_phrases, heads);
  for (guint k = 0; k < heads->len; k++)
    word_entry (wi->index, g_ptr_array_index (heads, k))->flags |= WF_PHRASE_HEAD;

  /* the slots: a power of two, at least twice the words */
  GHashTableIter it;
  gpointer key, value;
  guint order = 4;
  while ((1u << order) < 2 * g_hash_table_size (wi->index))
    order++;
  wi->shift = 64 - order;
  wi->slots = g_malloc0 (sizeof *wi->slots << order);
  g_hash_table_iter_init (&it, wi->index);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const guint bit = part_hash (key, strlen (key));
      wi->part_filter[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
      gsize h = slot_of (wi, key);
      while (wi->slots[h].key != NULL)
        h = (h + 1) & (((gsize) 1 << order) - 1);
      wi->slots[h].key = key;
      wi->slots[h].bits = value;
    }

  /* every word's values in its tables */
  gsize n_values = 0;
  g_hash_table_iter_init (&it, wi->index);
  while (g_hash_table_iter_next (&it, &key, &value))
    for (guint b = 0; b < TB_N; b++)
      n_values += (((WordBits *) value)->in & TB (b)) != 0;
  wi->values = g_new (struct WordValue, MAX (n_values, 1));
  n_values = 0;
  g_hash_table_iter_init (&it, wi->index);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      WordBits *bits = value;

      bits->values = &wi->values[n_values];
      for (guint b = 0; b < TB_N; b++)
        if (bits->in & TB (b))
          wi->values[n_values++] = (struct WordValue) { b, word_table_value (wi, b, key) };
      bits->n_values = (guint) (&wi->values[n_values] - bits->values);
      if (bits->in & TB (TB_UNITS))
        {
          const char *unit = word_table_value (wi, TB_UNITS, key);
          gsize len = strlen (key);

          bits->unit = unit != NULL ? xref_intern (unit) : NULL;
          bits->unit_plural = len > 1 && ((const char *) key)[len - 1] == 's';
        }
    }

  /* every word's phrases, longest first, and its flags and start sets
   * (which read the slots); then those of the words no table has */
  g_hash_table_iter_init (&it, wi->index);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      WordBits *bits = value;
      GArray *list = g_hash_table_lookup (wi->phrases, key);

      if (list != NULL)
        {
          g_array_sort (list, phrase_cmp);
          bits->phrases = (const Phrase *) (gpointer) list->data;
          bits->n_phrases = list->len;
          for (guint k = 0; k < list->len; k++)
            bits->seconds |= second_bit (bits->phrases[k].words[1]);
        }
      word_record (bits, word_letters (wi, key), key == the, key == per);
    }
  for (guint f = 0; f <= WF_UNKNOWN; f++)
    word_record (&wi->unknown[f], f, FALSE, FALSE);

  /* the start filter: what start_more and number_start_set read of the
   * token after the one they are for, then the words of the index that
   * can make a start set */
  guint64 next_in = TB (TL_CLOCK) | TB (TB_MONTHS) | TB (TB_MONTHS_DOT);
  g_hash_table_iter_init (&it, wi->index);
  while (g_hash_table_iter_next (&it, &key, &value))
    next_in |= ((WordBits *) value)->next_in;
  for (guint f = 0; f <= WF_UNKNOWN; f++)
    next_in |= wi->unknown[f].next_in;
  /* the second words of phrases (start_ctx compares the token after the
   * first word with them) are in the filter too, and have no WF_CONTEXT */
  g_autoptr (GHashTable) seconds = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_hash_table_iter_init (&it, wi->index);
  while (g_hash_table_iter_next (&it, &key, &value))
    for (guint k = 0; k < ((WordBits *) value)->n_phrases; k++)
      g_hash_table_add (seconds, (gpointer) ((WordBits *) value)->phrases[k].words[1]);
  GHashTableIter sit;
  g_hash_table_iter_init (&sit, seconds);
  while (g_hash_table_iter_next (&sit, &key, NULL))
    {
      const gsize h = filter_slot (key);
      wi->filter[h >> 6] |= G_GUINT64_CONSTANT (1) << (h & 63);
    }
  g_hash_table_iter_init (&it, wi->index);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (start_relevant (value, next_in))
      {
        const gsize h = filter_slot (key);
        wi->filter[h >> 6] |= G_GUINT64_CONSTANT (1) << (h & 63);
        if (context_only (value, next_in) && !g_hash_table_contains (seconds, key))
          ((WordBits *) value)->flags |= WF_CONTEXT;
      }
  /* records_pass takes a word without a digit or a dash that the filter
   * does not know for one of these two */
  wi->filter_ok = !start_relevant (&wi->unknown[0], next_in) && !start_relevant (&wi->unknown[WF_ED], next_in);

  /* the filter words, with pass_over's tags (the filter bit is set:
   * PASS_CONTEXT, PASS_UNIT or 0 from the record) */
  guint n_fwords = 0;
  g_hash_table_iter_init (&it, wi->index);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const gsize h = filter_slot (key);
      n_fwords += (wi->filter[h >> 6] >> (h & 63)) & 1;
    }
  wi->fword_bits = 4;
  while ((1u << wi->fword_bits) < n_fwords + n_fwords / 2)
    wi->fword_bits++;
  wi->fwords = g_new0 (guint64, (gsize) 1 << wi->fword_bits);
  wi->fword_recs = g_new0 (const WordBits *, (gsize) 1 << wi->fword_bits);
  g_hash_table_iter_init (&it, wi->index);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const gsize h = filter_slot (key);
      const WordBits *b = value;
      gsize i = xref_hash_ptr (key, wi->fword_bits);

      if (!((wi->filter[h >> 6] >> (h & 63)) & 1))
        continue;
      if ((guint64) (guintptr) key & PASS_TAGS)
        {
          /* (a pointer this high cannot carry a tag: no filter words) */
          g_clear_pointer (&wi->fwords, g_free);
          break;
        }
      while (wi->fwords[i] != 0)
        i = (i + 1) & (((gsize) 1 << wi->fword_bits) - 1);
      wi->fwords[i] = (guint64) (guintptr) key
                      | ((b->flags & WF_CONTEXT) ? PASS_CONTEXT : (b->in & TB (TB_UNITS)) ? PASS_UNIT : 0);
      wi->fword_recs[i] = b;
    }
  return wi;
}

/* The index of rules, with a reference for the caller. */
static WordIndex *
word_index_get (const XrefRules *rules)
{
  GHashTable *tables[WI_TABLES];
  WordIndex *wi;

  rule_tables (rules, tables);
  g_mutex_lock (&word_index_lock);
  gboolean any = FALSE;
  for (guint k = 0; k < WI_TABLES; k++)
    any |= tables[k] != NULL;
  /* the phrase tables (read for WF_PHRASE_HEAD) are not referenced: equal
   * tables, not all NULL, tell the same rule set, whose they are */
  if (word_index_last == NULL || memcmp (word_index_last->tables, tables, sizeof tables) != 0 || !any
      || word_index_last->speech != rules->speech_phrases || word_index_last->action != rules->action_phrases)
    {
      word_index_unref (word_index_last);
      word_index_last = word_index_new (rules);
      /* never 0, the number of a thread's cache that was never filled */
      word_index_last->gen = ++word_index_gens != 0 ? word_index_gens : ++word_index_gens;
    }
  wi = word_index_last;
  g_atomic_int_inc (&wi->ref);
  g_mutex_unlock (&word_index_lock);
  return wi;
}

/* What the tokens after token t (its record b, its start set in the
 * record st) let start there: after "the", what the next word allows;
 * before the word it qualifies, a relative word or an ordinal; and
 * start_ctx, called only where a few tests say it can add something (most
 * tokens with ST_CTX, "a", "one", "that", "at", have no unit word after
 * them and start none of their phrases). */
G_ALWAYS_INLINE static inline guint32
start_more (const XrefToken *t, const WordBits *b, guint32 st, const XrefToken *next, const WordBits *nb,
            const guint32 *after)
{
  guint32 m = 0;

  /* "the" leads several readings: what the next word allows (the_start_set) */
  if ((st & ST_THE) && next != NULL)
    m |= nb->after_the[token_slot (next)];
  if ((st & ST_NEXT) && next != NULL && (nb->in & b->next_in))
    m |= b->next_starts;
  if ((st & ST_CTX)
      && (t->kind == XREF_TOKEN_NUMBER || ((after[0] | after[1] | after[2] | after[3]) & ST_UNIT)
          || (b->n_phrases > 0 && next != NULL && (b->seconds & second_bit (next->norm)))))
    m |= start_ctx (t, b, next, nb, after);
  return m;
}

/* The start set of token t whose record is b, with its ST_UNIT bit (next,
 * nb, after: as start_more reads them). */
G_ALWAYS_INLINE static inline guint32
token_start_set (const XrefToken *t, const WordBits *b, const XrefToken *next, const WordBits *nb,
                 const guint32 *after)
{
  const guint32 st = b->starts[token_slot (t)];
  guint32 m = st & ~ST_MORE;

  if (G_UNLIKELY (st & ST_MORE))
    m |= start_more (t, b, st, next, nb, after);
  return m;
}

/* Each thread's answer to "can records_pass pass over a token of this
 * word?" (pass_over), direct-mapped by the interned pointer of its norm:
 * the pointer itself, with PASS_OVER or PASS_CONTEXT set for the answers
 * yes and "where the tokens after it are passed over", PASS_UNIT for a
 * unit word; 0 when empty.  Only pointers below 2^61 are kept (user-space
 * pointers are), so that a slot XOR the pointer is one of those bits (or
 * 0) only when it holds that pointer.  Eight bytes a word, read at
 * every token: 2^15 slots (256 KB, as the word cache had when every token
 * read it).  Cleared with the word cache. */
#define PASS_CACHE_BITS 15

/* The word and pass caches of this thread, allocated by its first
 * records_pass (a static _Thread_local array would be zeroed at the
 * creation of every thread of a run, most of which never scan) and freed
 * when it exits. */
typedef struct {
  WordCacheSlot word_cache[1u << WORD_CACHE_BITS];
  guint64 pass_cache[1u << PASS_CACHE_BITS];
} ScanCaches;

static _Thread_local ScanCaches *scan_caches;

static void
scan_caches_free (gpointer handle)
{
  xref_huge_free (handle, sizeof (ScanCaches));
}

static GPrivate scan_caches_key = G_PRIVATE_INIT (scan_caches_free);

/* The record of an interned word through this thread's cache (its
 * generation checked by records_pass). */
G_ALWAYS_INLINE static inline const WordBits *
cached_record (const WordIndex *wi, const char *norm)
{
  WordCacheSlot *c = &scan_caches->word_cache[xref_hash_ptr (norm, WORD_CACHE_BITS)];

  if (G_LIKELY (c->key == norm))
    return c->bits;
  c->key = norm;
  c->bits = word_record_of (wi, norm);
  return c->bits;
}

/* rec of a token records_pass left without its record. */
G_GNUC_NO_INLINE static const WordBits *
rec_fill (const Scan *s, guint i)
{
  return s->tb[i] = cached_record (s->wi, s->t[i].norm);
}

/* What records_pass can do with a token of the word norm (no NUMBER),
 * cached at slot: PASS_OVER when it puts no bit in any start set, its own
 * or another's: the start filter does not know it, and it has no digit
 * first or dash (the letters that give a word no table has bits of its
 * own: word_letters), so that its record is one of the index's that make
 * no start set, or a record of the words no table has with at most WF_ED,
 * which make none either (filter_ok).  PASS_CONTEXT when its record has
 * WF_CONTEXT: it starts something only where a token after it does not
 * pass or a unit word follows.  Else PASS_UNIT for a unit word, and 0. */
G_GNUC_NO_INLINE static guint64
pass_over (const WordIndex *wi, guint64 *slot, const char *norm)
{
  const gsize h = filter_slot (norm);
  guint64 tag = 0;

  if (!(wi->filter[h >> 6] & (G_GUINT64_CONSTANT (1) << (h & 63))))
    {
      if (wi->filter_ok && !g_ascii_isdigit (norm[0]) && strchr (norm, '-') == NULL)
        tag = PASS_OVER;
    }
  else
    {
      const WordBits *b = index_lookup (wi, norm, NULL);
      if (b != NULL && (b->flags & WF_CONTEXT))
        tag = PASS_CONTEXT;
      else if (b != NULL && (b->in & TB (TB_UNITS)))
        tag = PASS_UNIT;
    }
  if (!((guint64) (guintptr) norm & (PASS_OVER | PASS_CONTEXT | PASS_UNIT)))
    *slot = (guint64) (guintptr) norm | tag;
  return tag;
}

/* The text stage's pass test (XrefTextPassFunc, data the WordIndex):
 * pass_over's PASS_OVER, which needs no record.  The tokenizer asks it
 * once per form and marks the tokens of a form it says yes to with
 * XREF_TEXT_BIT_PASS, so that records_pass passes over them without a
 * probe of the pass cache. */
static gboolean
pass_test (gconstpointer data, const char *norm)
{
  const WordIndex *wi = data;
  const gsize h = filter_slot (norm);

  return !(wi->filter[h >> 6] & (G_GUINT64_CONSTANT (1) << (h & 63))) && wi->filter_ok && !g_ascii_isdigit (norm[0])
         && strchr (norm, '-') == NULL;
}

/* The index whose pass test this thread's text stage asks, with a
 * reference (dropped when the thread exits or asks another's). */
static GPrivate pass_test_wi = G_PRIVATE_INIT ((GDestroyNotify) word_index_unref);

static void
pass_test_set (WordIndex *wi)
{
  if (g_private_get (&pass_test_wi) == wi)
    return;
  g_atomic_int_inc (&wi->ref);
  g_private_replace (&pass_test_wi, wi);
  xref_text_set_pass (pass_test, wi, wi->gen);
}

/* The record and start set of token k (a token records_pass did not pass
 * over), from its record; tb[k + 1]: the record of the token after it,
 * NULL for one passed over (which the words no table has stand in for). */
G_ALWAYS_INLINE static inline guint32
record_start (const WordIndex *wi, const XrefToken *toks, guint nt, guint k, const WordBits **tb, guint32 *starts)
{
  const XrefToken *t = &toks[k];
  /* (records_pass may have found the record with the token's tag) */
  const WordBits *b = tb[k] != NULL ? tb[k] : cached_record (wi, t->norm);
  const guint32 st = b->starts[token_slot (t)];
  guint32 m = st & ~ST_MORE;

  if (G_UNLIKELY (st & ST_MORE))
    m |= start_more (t, b, st, k + 1 < nt ? t + 1 : NULL, tb[k + 1] != NULL ? tb[k + 1] : &wi->unknown[0],
                     &starts[k + 1]);
  tb[k] = b;
  starts[k] = m;
  return m;
}

/* Zeroes p[0 .. n), sixteen bytes a store: records_pass's arrays are
 * cleared here rather than in its loop, where it took two stores and two
 * pointers a token, nor by memset, which glibc does with "rep stosb" past
 * 2 KB (fast, but valgrind counts it a byte at a time, which would blur
 * the stage's counts). */
static void
zero_bytes (gpointer p, gsize n)
{
  guint8 *b = p;
  gsize i = 0;

#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128 ();
  for (; i + 64 <= n; i += 64)
    {
      _mm_storeu_si128 ((__m128i *) (gpointer) (b + i), zero);
      _mm_storeu_si128 ((__m128i *) (gpointer) (b + i + 16), zero);
      _mm_storeu_si128 ((__m128i *) (gpointer) (b + i + 32), zero);
      _mm_storeu_si128 ((__m128i *) (gpointer) (b + i + 48), zero);
    }
#endif
  for (; i < n; i++)
    b[i] = 0;
}

/* Sets tb[0 .. nt] to NULL and starts[0 .. nt + 4) to 0 (what every
 * token records_pass passes over keeps). */
static void
clear_pass (const WordBits **tb, guint32 *starts, guint nt)
{
  zero_bytes (tb, ((gsize) nt + 1) * sizeof *tb);
  zero_bytes (starts, ((gsize) nt + 4) * sizeof *starts);
}

/* The pass over the tokens of a document before the scan (see scan):
 * fills starts for toks[0 .. nt] (nt, after the last token, gets the bits
 * of no word, and starts[nt .. nt + 3] are 0) and lists in cand, from the
 * last down, the tokens where some matcher can start; returns how many.
 *
 * Most tokens of a news text can start nothing and make nothing start
 * before them: those pass_over says yes to (the text stage's PASS bit, or
 * without it one probe of this thread's pass cache, eight bytes a word;
 * with the bits, the tokens without it are looked up among the filter
 * words).  Their start sets are 0 and their tb NULL (rec finds the record
 * when a matcher asks).  The others (about one in ten) get their records
 * (their filter word's, or one probe of the word cache) and start sets,
 * from the last down, so that a token's start set can read the tokens
 * after it.  xref_temporal_starts_differ compares the start sets with
 * records_pass_every's. */
G_GNUC_NO_INLINE static guint
records_pass (const WordIndex *wi, const XrefToken *toks, guint nt, const guint8 *bits, const WordBits **tb,
              guint32 *starts, guint *cand)
{
  guint n_cand = 0, n_slow = 0;

  if (G_UNLIKELY (scan_caches == NULL))
    {
      /* (on a huge page: both caches are probed at random, and on 4 KiB
       * pages a probe missed the TLB as well as the cache) */
      gpointer handle;

      scan_caches = xref_huge_alloc0 (sizeof (ScanCaches), &handle);
      g_private_set (&scan_caches_key, handle);
      word_cache_gen = wi->gen;
    }
  if (word_cache_gen != wi->gen)
    {
      memset (scan_caches, 0, sizeof *scan_caches);
      word_cache_gen = wi->gen;
    }
  clear_pass (tb, starts, nt);

  /* First the tokens that need their records, listed in cand from the
   * last down: a loop without calls but on a miss of the pass cache.  A
   * PASS_CONTEXT word ("the", "a", "that") is passed over too where the
   * token after it is and no unit word is among the four after it: it
   * then makes no start set (start_more: no record, unit word or phrase's
   * second word follows it).  slow and unit: the last token not passed
   * over and the last unit word seen (past the end at first, which is as
   * good as passed over). */
  guint64 *const cache = scan_caches->pass_cache;
  const gboolean fwords = bits != NULL && wi->fwords != NULL;
  /* (in locals: the stores to tb may alias the index's fields) */
  const guint64 *const fw_keys = wi->fwords;
  const WordBits *const *const fw_recs = wi->fword_recs;
  const guint fw_bits = wi->fword_bits;
  const gsize fw_mask = ((gsize) 1 << fw_bits) - 1;

  /* The other stages between two documents leave little of the filter
   * words in cache, and each word's slot would be a miss of its own in
   * the loop, which waits on it: fetch the lines at once, in parallel
   * (written here: GCC drops calls to a helper that only prefetches). */
  if (fwords)
    for (gsize i = 0; i <= fw_mask; i += 64 / sizeof *fw_keys)
      {
        __builtin_prefetch (&fw_keys[i]);
        __builtin_prefetch (&fw_recs[i]);
      }
  const XrefToken *t;
  guint slow = nt + 1, unit = nt + 4;
  for (guint k = nt; k > 0;)
    {
      /* With the text stage's bits (xref_text_doc_bits), the tokens
       * marked XREF_TEXT_BIT_PASS (a WORD, PUNCT or SYMBOL whose norm
       * pass_test says yes to: pass_over's PASS_OVER, no NUMBER) are
       * skipped eight at a time, as the test below would pass over each. */
      if (bits != NULL)
        {
          while (k >= 8)
            {
              guint64 w;
              memcpy (&w, bits + k - 8, 8);
              const guint64 m = ~GUINT64_FROM_LE (w) & (XREF_TEXT_BIT_PASS * G_GUINT64_CONSTANT (0x0101010101010101));
              if (m != 0)
                {
                  /* (the last such byte, j: bit 8j + 7, 8 (7 - j) leading zeros) */
                  k -= (guint) __builtin_clzll (m) >> 3;
                  break;
                }
              k -= 8;
            }
          if (k < 8)
            while (k > 0 && (bits[k - 1] & XREF_TEXT_BIT_PASS))
              k--;
          if (k == 0)
            break;
        }
      t = &toks[--k];
      const char *norm = t->norm;
      guint64 tag;

      if (fwords)
        {
          /* A WORD, PUNCT or SYMBOL without the PASS bit is one that
           * pass_over does not pass over: its filter bit is set, or it has
           * a digit or a dash, or the filter may not be used (filter_ok),
           * and then its tag is 0.  So its tag is its filter word's, or 0
           * when it is none (no word of the index, or its filter bit is
           * clear); the same holds for a NUMBER, whose tag matters only
           * when it is PASS_UNIT.  A QUOTE (never given the bit) that is no
           * filter word asks the pass cache.  The filter words take a few
           * KB, fetched whole above, where the pass cache holds every word
           * the thread has met and missed at most of them. */
          const guint64 p = (guint64) (guintptr) norm;

          for (gsize i = xref_hash_ptr (norm, fw_bits);; i = (i + 1) & fw_mask)
            {
              const guint64 x = fw_keys[i] ^ p;
              if (!(x & ~(PASS_CONTEXT | PASS_UNIT)))
                {
                  tag = x;
                  if (tag == PASS_CONTEXT && slow > k + 1 && unit > k + 4 && t->kind != XREF_TOKEN_NUMBER)
                    goto next;
                  /* its record: record_start needs no probe (and will
                   * read the start sets, fetched meanwhile) */
                  tb[k] = fw_recs[i];
                  __builtin_prefetch (&fw_recs[i]->starts[0]);
                  goto slow_token;
                }
              if (fw_keys[i] == 0)
                break;
            }
          if (G_LIKELY (t->kind != XREF_TOKEN_QUOTE))
            {
              tag = 0;
              /* (record_start will probe the word cache) */
              __builtin_prefetch (&scan_caches->word_cache[xref_hash_ptr (norm, WORD_CACHE_BITS)]);
              goto slow_token;
            }
        }
      {
        const gsize h = xref_hash_ptr (norm, PASS_CACHE_BITS);
        tag = cache[h] ^ (guint64) (guintptr) norm;
        if (G_LIKELY (tag == PASS_OVER) && t->kind != XREF_TOKEN_NUMBER)
          continue;
        if (tag != 0 && tag != PASS_OVER && tag != PASS_CONTEXT && tag != PASS_UNIT)
          tag = pass_over (wi, &cache[h], norm);
      }
      if (t->kind != XREF_TOKEN_NUMBER
          && (tag == PASS_OVER || (tag == PASS_CONTEXT && slow > k + 1 && unit > k + 4)))
        continue;
    slow_token:
      slow = k;
      if (tag == PASS_UNIT)
        unit = k;
      cand[n_slow++] = k;
    next:;
    }
  /* then their records and start sets, from the last down (cand is
   * rewritten behind the reading) */
  for (guint j = 0; j < n_slow; j++)
    if (record_start (wi, toks, nt, cand[j], tb, starts) & ~ST_UNIT)
      cand[n_cand++] = cand[j];
  return n_cand;
}

/* records_pass the slow way, the reference of the tests: no cache, every
 * token listed. */
static guint
records_pass_every (const WordIndex *wi, const XrefToken *toks, guint nt, const WordBits **tb, guint32 *starts,
                    guint *cand)
{
  guint n_cand = 0;

  tb[nt] = &wi->unknown[0];
  memset (&starts[nt], 0, 4 * sizeof *starts);
  for (guint k = nt; k-- > 0;)
    {
      tb[k] = word_record_of (wi, toks[k].norm);
      starts[k] = token_start_set (&toks[k], tb[k], k + 1 < nt ? &toks[k + 1] : NULL, tb[k + 1], &starts[k + 1]);
      cand[n_cand++] = k;
    }
  return n_cand;
}

/* The scan; every: try every matcher at every token (and find every
 * word's record and tense the slow way: the reference of the tests). */
static void
scan (const XrefDocument *doc, const XrefRules *rules, GArray *raws, gboolean every)
{
  Scan base = { rules, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, every };
  WordIndex *wi;

  if (doc->tokens == NULL || doc->sentences == NULL)
    return;
  wi = word_index_get (rules);
  base.index = wi->index;
  base.wi = wi;

  /* One pass over the tokens, backwards: each token's start set (0 for
   * most, told by one probe of this thread's pass cache; else from its
   * record and, where the record says the tokens after it matter,
   * start_more).  The tokens where some matcher can start (a few in a
   * hundred) are listed: the sentence loop below visits only those. */
  const guint nt = doc->tokens->len;
  const XrefToken *toks = (const XrefToken *) (gpointer) doc->tokens->data;
  /* on the stack for an article of the usual size (about 800 tokens),
   * which spares three large mallocs per document */
  enum { STACK_TOKENS = 2048 };
  const WordBits *tb_stack[STACK_TOKENS];
  guint32 starts_stack[STACK_TOKENS + 4];
  guint cand_stack[STACK_TOKENS];
  g_autofree const WordBits **tb_heap = NULL;
  g_autofree guint32 *starts_heap = NULL;
  g_autofree guint *cand_heap = NULL;
  const WordBits **tb = tb_stack;
  guint32 *starts = starts_stack;
  guint *cand = cand_stack, n_cand = 0;
  if (nt + 1 > STACK_TOKENS)
    {
      tb = tb_heap = g_new (const WordBits *, nt + 1);
      starts = starts_heap = g_new (guint32, nt + 4);
      cand = cand_heap = g_new (guint, nt + 1);
    }
  n_cand = every ? records_pass_every (wi, toks, nt, tb, starts, cand)
               : records_pass (wi, toks, nt, xref_text_doc_bits (doc, wi->gen), tb, starts, cand);
  if (!every)
    pass_test_set (wi);

  guint done = 0;   /* tokens before this index belong to an expression already */
  /* cand holds the candidates from the last token down: read from its end
   * (sentences come in text order; should one start before the one
   * before it, the list is read again) */
  const guint all_cand = n_cand;
  guint prev_first = 0;
  for (guint si = 0; si < doc->sentences->len; si++)
    {
      const XrefSentence *sent = &g_array_index (doc->sentences, XrefSentence, si);
      const guint lo = MAX (done, sent->first_token), hi = sent->first_token + sent->n_tokens;

      if (sent->first_token < prev_first)
        n_cand = all_cand;
      prev_first = sent->first_token;
      /* the candidates this sentence cannot read */
      while (n_cand > 0 && cand[n_cand - 1] < lo)
        n_cand--;
      if (sent->n_tokens == 0 || hi > nt || n_cand == 0 || cand[n_cand - 1] >= hi)
        continue;

      Scan s = base;
      s.n = sent->n_tokens;
      s.base = sent->first_token;
      s.sentence = si;
      s.t = xref_sentence_tokens (doc, sent);
      s.tb = tb + s.base;
      s.starts = starts + s.base;
      /* A sentence that ends with "p.m." may have been cut before the zone
       * or the day of its time ("at 5 p.m. EST Nov. 9"): the time may read
       * on into the next sentence, which then starts after it.  (A clock
       * word makes a start set before it: records_pass read its record.) */
      if (s.tb[s.n - 1] != NULL && is_in (&s, s.n - 1, TL_CLOCK) && si + 1 < doc->sentences->len)
        {
          const XrefSentence *next = &g_array_index (doc->sentences, XrefSentence, si + 1);
          if (next->first_token == sent->first_token + sent->n_tokens && !(next->flags & XREF_SENTENCE_PARA)
              && next->first_token + next->n_tokens <= doc->tokens->len)
            s.n += next->n_tokens;
        }
      while (n_cand > 0 && cand[n_cand - 1] < hi)
        {
          const guint i = cand[--n_cand] - s.base;
          XrefRawTimex r = { 0 };
          guint len;

          /* inside the expression just read */
          if (s.base + i < done)
            continue;
          r.hour = r.minute = -1;
          len = match_at (&s, i, &r);
          if (len == 0)
            continue;
          r.first = s.base + i;
          r.n = len;
          r.sentence = si;
          /* "Wednesday's ruling", "Thursday's closing price" name a day
           * by what happened on it */
          r.tense = r.kind == XREF_RAW_WEEKDAY && is_word (&s, i + len, "'s") ? XREF_TENSE_PAST
                                                                               : clause_tense (&s, i, len);
          r.reported = r.kind == XREF_RAW_CAL && r.month > 0 && r.day > 0 && is_reported (&s, i, len);
          g_array_append_val (raws, r);
          done = s.base + i + len;
        }
    }
  word_index_unref (wi);
}

void
xref_temporal_scan (const XrefDocument *doc, const XrefRules *rules, GArray *raws)
{
  scan (doc, rules, raws, FALSE);
}

void
xref_temporal_scan_every (const XrefDocument *doc, const XrefRules *rules, GArray *raws)
{
  scan (doc, rules, raws, TRUE);
}

guint
xref_temporal_starts_differ (const XrefDocument *doc, const XrefRules *rules)
{
  const guint nt = doc->tokens != NULL ? doc->tokens->len : 0;
  const XrefToken *toks = nt > 0 ? (const XrefToken *) (gpointer) doc->tokens->data : NULL;
  WordIndex *wi = word_index_get (rules);
  g_autofree const WordBits **tb = g_new (const WordBits *, nt + 1);
  g_autofree const WordBits **tb_every = g_new (const WordBits *, nt + 1);
  g_autofree guint32 *starts = g_new (guint32, nt + 4);
  g_autofree guint32 *starts_every = g_new (guint32, nt + 4);
  g_autofree guint *cand = g_new (guint, nt + 1);
  g_autofree guint *cand_every = g_new (guint, nt + 1);
  guint differ = 0;

  records_pass_every (wi, toks, nt, tb_every, starts_every, cand_every);
  /* the text stage's XREF_TEXT_BIT_PASS, where this thread segmented doc
   * with this index's pass test: only on tokens pass_over passes over */
  const guint8 *bits = xref_text_doc_bits (doc, wi->gen);
  for (guint k = 0; bits != NULL && k < nt; k++)
    differ += (bits[k] & XREF_TEXT_BIT_PASS) && (toks[k].kind == XREF_TOKEN_NUMBER || !pass_test (wi, toks[k].norm));
  /* twice: with this thread's caches as they were, then with this
   * document's words in them */
  for (guint round = 0; round < 2; round++)
    {
      /* garbage where records_pass must write (clear_pass) */
      memset (tb, 0xA5, (nt + 1) * sizeof *tb);
      memset (starts, 0xA5, (nt + 4) * sizeof *starts);
      guint n_cand = records_pass (wi, toks, nt, xref_text_doc_bits (doc, wi->gen), tb, starts, cand), j = 0;

      for (guint k = nt; k-- > 0;)
        {
          differ += starts[k] != starts_every[k] || (tb[k] != NULL && tb[k] != tb_every[k]);
          if (starts_every[k] & ~ST_UNIT)
            differ += j >= n_cand || cand[j++] != k;
        }
      differ += j != n_cand;
      /* past the last token: the bits of no word */
      differ += tb[nt] != NULL;
      for (guint k = nt; k < nt + 4; k++)
        differ += starts[k] != 0;
    }
  word_index_unref (wi);
  return differ;
}
