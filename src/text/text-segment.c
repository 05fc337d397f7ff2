/* xref — text: sentences over the tokens of each region.
 *
 * A sentence ends at . ! ? … (with the closing quotes and brackets right
 * after them) when white space and an upper-case letter, a digit or an
 * opening quote follow, and at the end of a region.  It does not end after
 * an abbreviation of the rules ("Feb.", "U.S.") or a single-letter initial
 * ("J."), unless the next word is a capitalised closed-class word ("The",
 * "He"), which cannot continue a name: "… sent by the U.S. The next day". */
#include "xref/text.h"
#include "text/text-private.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Longest sentence in tokens; a region without any boundary (a run-on
 * list, a hostile file) is cut there so later stages stay linear. */
#define MAX_SENTENCE_TOKENS 1000

/* What lower_elsewhere keeps for one document. */
typedef struct {
  GHashTable *set;         /* words starting in lower case, once built */
  guint scans;             /* questions answered by searching the text */
} Lower;

static const XrefToken *
at (const XrefDocument *doc, guint i)
{
  return &g_array_index (doc->tokens, XrefToken, i);
}

/* strcmp (s, lit) == 0 for a literal lit: the first byte, a constant
 * once inlined, settles nearly every call without strcmp (these tests
 * run at every token). */
static inline gboolean
str_is (const char *s, const char *lit)
{
  return s[0] == lit[0] && (lit[0] == '\0' || strcmp (s + 1, lit + 1) == 0);
}

static inline gboolean
is_form (const XrefToken *t, const char *form)
{
  return str_is (t->form, form);
}

/* g_unichar_isalpha and g_unichar_islower of the first character of s
 * (UTF-8), ASCII without the decoding and GLib's tables (the same
 * answers: the ASCII letters are A-Z, a-z). */
static inline gboolean
first_is_alpha (const char *s)
{
  if ((guchar) s[0] < 0x80)
    return g_ascii_isalpha (s[0]);
  return g_unichar_isalpha (g_utf8_get_char (s));
}

static inline gboolean
first_is_lower (const char *s)
{
  if ((guchar) s[0] < 0x80)
    return g_ascii_islower (s[0]);
  return g_unichar_islower (g_utf8_get_char (s));
}

/* The length of a token's form: the form is exactly the bytes of its span. */
static inline gsize
form_len (const XrefToken *t)
{
  return t->end - t->start;
}

/* The bytes of a token's form, form_len of them (not NUL-terminated), in
 * the document's text: the tests that read a form byte by byte read them
 * there, where the segmenter has just been, rather than in the interned
 * string, which is mostly a cache miss. */
static inline const char *
span_bytes (const XrefDocument *doc, const XrefToken *t)
{
  return doc->text + t->start;
}

/* g_utf8_strlen (t->form, -1) without the call: the form is valid UTF-8
 * (form_len bytes), one character per byte that is not a continuation
 * byte. */
static inline glong
n_chars (const XrefDocument *doc, const XrefToken *t)
{
  gsize n = form_len (t);
  const char *f = span_bytes (doc, t);
  glong c = 0;

  for (gsize k = 0; k < n; k++)
    c += ((guchar) f[k] & 0xc0) != 0x80;
  return c;
}

/* n_chars (doc, t) >= k, reading no further than the k-th character. */
static inline gboolean
chars_at_least (const XrefDocument *doc, const XrefToken *t, glong k)
{
  gsize n = form_len (t);
  glong c = 0;

  if (k <= 0)
    return TRUE;
  /* (a character takes one to four bytes: most forms settle here) */
  if (n < (gsize) k)
    return FALSE;
  if (n >= 4 * (gsize) k)
    return TRUE;
  const char *f = span_bytes (doc, t);
  for (gsize i = 0; i < n; i++)
    if (((guchar) f[i] & 0xc0) != 0x80 && ++c >= k)
      return TRUE;
  return FALSE;
}

static inline gboolean
is_terminal (const XrefToken *t)
{
  if (t->kind != XREF_TOKEN_PUNCT)
    return FALSE;
  /* ".", "...", "...." all start with a dot */
  return t->form[0] == '.' || str_is (t->form, "!") || str_is (t->form, "?") || str_is (t->form, "\u2026");
}

static gboolean
is_closer (const XrefToken *t)
{
  if (t->kind == XREF_TOKEN_QUOTE)
    return (t->flags & XREF_TOKEN_CLOSE_QUOTE) != 0;
  return t->kind == XREF_TOKEN_PUNCT && (str_is (t->form, ")") || str_is (t->form, "]"));
}

/* ---- per-word answers ----------------------------------------------------
 *
 * The month and weekday tables, the word classes and the abbreviations are
 * asked about the same words again and again (every test below looks at
 * its neighbours), each time a string hash, with "word." built and looked
 * up on top for dotted month names and abbreviations.  The answers depend
 * only on the rule set and the interned string, and only the keys of
 * those tables (and the keys without their final dot) can have an answer
 * other than "none".  So a word index, built at the first document of a
 * rule set, maps each of them (interned: equal strings are one pointer)
 * to all its answers, and a token's answers are one pointer lookup.
 *
 * As in temporal-scan.c, the index holds a reference on each table it
 * was built from: while it lives no other rule set can have a table at
 * the same address, so equal table pointers mean the same (immutable)
 * tables and the index can be kept for the next document. */

static gint lookup_date_word (GHashTable *table, const char *norm);
static gboolean abbreviation_of (GHashTable *abbreviations, const char *form);

/* (16 bytes: four to a cache line; month and weekday are asked only
 * whether they are 0) */
typedef struct {
  const char *key;         /* interned; NULL for an empty slot */
  guint wc;                /* xref_rules_word_class (rules, key) */
  guint8 month;            /* lookup_date_word (months, key) != 0 */
  guint8 weekday;          /* lookup_date_word (weekdays, key) != 0 */
  guint8 abbrev;           /* abbreviation_of (abbreviations, key) */
  guint8 speech;           /* xref_rules_word_bits (rules, key) has XREF_WB_SPEECH_HEAD */
} TextWord;
G_STATIC_ASSERT (sizeof (TextWord) == 16 || sizeof (gpointer) != 8);

enum { TI_MONTHS, TI_WEEKDAYS, TI_WORD_CLASSES, TI_ABBREVIATIONS, TI_TABLES };

/* Most words asked about are in none of the tables (names, common
 * words), so a bit per pointer hash, 4 KiB that stay in the first-level
 * cache, answers most of them before the slots (which, at a quarter full,
 * take a few hundred KiB) are read. */
#define INDEX_FILTER_BITS (1u << 15)

typedef struct {
  gint ref;
  GHashTable *tables[TI_TABLES];   /* a reference on each (NULL allowed) */
  guint serial;                    /* rules->serial: when not 0, the first word of
                                      every speech phrase is a key (speech) */
  TextWord *slots;
  gsize mask;                      /* number of slots - 1 */
  guint64 filter[INDEX_FILTER_BITS / 64];   /* bit filter_bit (key) set for each key */
} TextIndex;

static const TextWord no_word = { NULL, 0, 0, 0, 0, 0 };

static inline gsize
index_hash (const char *key, gsize mask)
{
  guint64 a = (guint64) (guintptr) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  return (gsize) (a >> 32) & mask;
}

/* The filter bit of a key: other bits of the product than index_hash's. */
static inline guint
filter_bit (const char *key)
{
  guint64 a = (guint64) (guintptr) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  return (guint) (a >> (64 - 15));
}

G_STATIC_ASSERT (INDEX_FILTER_BITS == 1u << 15);

/* The answers for an interned string: its entry, or no_word. */
static inline const TextWord *
index_find (const TextIndex *ti, const char *key)
{
  guint b = filter_bit (key);

  if (!(ti->filter[b / 64] & (G_GUINT64_CONSTANT (1) << (b % 64))))
    return &no_word;
  for (gsize i = index_hash (key, ti->mask);; i = (i + 1) & ti->mask)
    {
      const TextWord *w = &ti->slots[i];
      if (w->key == key)
        return w;
      if (w->key == NULL)
        return &no_word;
    }
}

static void
index_add (TextIndex *ti, const XrefRules *rules, const char *key)
{
  gsize i = index_hash (key, ti->mask);
  TextWord *w;

  while (ti->slots[i].key != NULL && ti->slots[i].key != key)
    i = (i + 1) & ti->mask;
  w = &ti->slots[i];
  if (w->key != NULL)
    return;
  w->key = key;
  ti->filter[filter_bit (key) / 64] |= G_GUINT64_CONSTANT (1) << (filter_bit (key) % 64);
  w->month = lookup_date_word (rules->months, key) != 0;
  w->weekday = lookup_date_word (rules->weekdays, key) != 0;
  w->wc = xref_rules_word_class (rules, key);
  w->abbrev = abbreviation_of (rules->abbreviations, key) != 0;
  w->speech = rules->word_index != NULL && (xref_rules_word_bits (rules, key) & XREF_WB_SPEECH_HEAD) != 0;
}

/* Adds each key of table, and each key ending in '.' without its dot. */
static void
index_add_keys (TextIndex *ti, const XrefRules *rules, GHashTable *table)
{
  GHashTableIter it;
  gpointer k;

  if (table == NULL)
    return;
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &k, NULL))
    {
      const char *key = k;
      gsize n = strlen (key);
      index_add (ti, rules, xref_intern (key));
      if (n >= 2 && key[n - 1] == '.')
        index_add (ti, rules, xref_intern_len (key, n - 1));
    }
}

static void
rule_tables (const XrefRules *rules, GHashTable **tables)
{
  tables[TI_MONTHS] = rules->months;
  tables[TI_WEEKDAYS] = rules->weekdays;
  tables[TI_WORD_CLASSES] = rules->word_classes;
  tables[TI_ABBREVIATIONS] = rules->abbreviations;
}

static TextIndex *
text_index_new (const XrefRules *rules)
{
  TextIndex *ti = g_new0 (TextIndex, 1);
  gsize n = 0, size = 64;
  GPtrArray *heads = NULL;

  ti->ref = 1;
  rule_tables (rules, ti->tables);
  for (guint k = 0; k < TI_TABLES; k++)
    if (ti->tables[k] != NULL)
      {
        g_hash_table_ref (ti->tables[k]);
        n += g_hash_table_size (ti->tables[k]);
      }
  /* The speech heads depend on more than the tables: they are keyed by
   * the serial of the rules (0, a set built by hand, has no heads here,
   * and the caller asks the rules). */
  if (rules->serial != 0 && rules->word_index != NULL && rules->speech_phrases != NULL)
    {
      heads = g_ptr_array_new ();
      xref_phrase_table_heads (rules->speech_phrases, heads);
      n += heads->len;
      ti->serial = rules->serial;
    }
  /* at most two entries per key (the key, and the key without its dot),
   * at most two thirds full (the default rules: 913 entries in 2048
   * slots, 32 KB) */
  while (size < 3 * n)
    size *= 2;
  ti->slots = g_new0 (TextWord, size);
  ti->mask = size - 1;
  for (guint k = 0; k < TI_TABLES; k++)
    index_add_keys (ti, rules, ti->tables[k]);
  if (heads != NULL)
    {
      for (guint k = 0; k < heads->len; k++)
        index_add (ti, rules, g_ptr_array_index (heads, k));
      g_ptr_array_unref (heads);
    }
  return ti;
}

static void
text_index_unref (TextIndex *ti)
{
  if (ti == NULL || !g_atomic_int_dec_and_test (&ti->ref))
    return;
  for (guint k = 0; k < TI_TABLES; k++)
    g_clear_pointer (&ti->tables[k], g_hash_table_unref);
  g_free (ti->slots);
  g_free (ti);
}

static GMutex text_index_lock;
static TextIndex *text_index_last;

/* The index of rules, with a reference for the caller. */
static TextIndex *
text_index_get (const XrefRules *rules)
{
  GHashTable *tables[TI_TABLES];
  TextIndex *ti;

  rule_tables (rules, tables);
  g_mutex_lock (&text_index_lock);
  if (text_index_last == NULL || memcmp (text_index_last->tables, tables, sizeof tables) != 0
      || text_index_last->serial != (rules->word_index != NULL && rules->speech_phrases != NULL ? rules->serial : 0))
    {
      text_index_unref (text_index_last);
      text_index_last = text_index_new (rules);
    }
  ti = text_index_last;
  g_atomic_int_inc (&ti->ref);
  g_mutex_unlock (&text_index_lock);
  return ti;
}

/* The index of the document being segmented by this thread (set by
 * xref_text_segment for the length of the call, NULL without rules), so
 * that the tests below keep their (doc, rules) signatures. */
static _Thread_local const TextIndex *cur_index;

static inline const TextWord *
word_of (const char *key)
{
  return cur_index != NULL ? index_find (cur_index, key) : &no_word;
}

/* xref_rules_word_class of an interned norm. */
static inline guint
wc_of (const XrefRules *rules, const char *norm)
{
  return rules != NULL && norm != NULL ? word_of (norm)->wc : 0;
}

/* Whether a capitalised word names a month or weekday (1), or not (0);
 * the rules may list only the dotted form ("Thu" for "Thu."). */
static gint
month_of (const XrefRules *rules, const XrefToken *t)
{
  if (rules == NULL || t->kind != XREF_TOKEN_WORD || !(t->flags & XREF_TOKEN_CAPITALISED))
    return 0;
  return word_of (t->norm)->month;
}

static gint
weekday_of (const XrefRules *rules, const XrefToken *t)
{
  if (rules == NULL || t->kind != XREF_TOKEN_WORD || !(t->flags & XREF_TOKEN_CAPITALISED))
    return 0;
  return word_of (t->norm)->weekday;
}

/* "<form>." (or form itself when it ends in a dot) is in the abbreviation
 * table.  The keys are interned, so a string never interned cannot be
 * one. */
static gboolean
abbreviation_of (GHashTable *abbreviations, const char *form)
{
  char buf[64];
  gsize n = strlen (form);
  const char *key;

  if (abbreviations == NULL || n + 2 > sizeof buf)
    return FALSE;
  memcpy (buf, form, n);
  if (n == 0 || buf[n - 1] != '.')
    buf[n++] = '.';
  buf[n] = '\0';
  key = xref_intern_try (buf);
  return key != NULL && g_hash_table_contains (abbreviations, key);
}

/* Looks up "<word>." in the abbreviation table, as written and lower-cased. */
static gboolean
is_abbreviation (const XrefRules *rules, const XrefToken *word)
{
  if (rules == NULL || rules->abbreviations == NULL)
    return FALSE;
  /* (one lookup for a word without capitals: its form is its norm) */
  return word_of (word->form)->abbrev || (word->norm != word->form && word_of (word->norm)->abbrev);
}

/* A single letter used as an initial: "J" before "."; also the letters of
 * an initialism written apart, "L. A." and "p. m." */
static gboolean
is_initial (const XrefDocument *doc, const XrefToken *t)
{
  gsize n;
  const char *f;

  if (t->kind != XREF_TOKEN_WORD)
    return FALSE;
  n = form_len (t);
  f = span_bytes (doc, t);
  /* "D-W." of "Rep. Ann Cole, D-W. Va.": an initial after a hyphen */
  if (n >= 3 && f[n - 2] == '-' && g_ascii_isupper (f[n - 1]))
    return TRUE;
  /* one character: at most four bytes (an ASCII first byte is one) */
  if (n > 4)
    return FALSE;
  if ((guchar) f[0] < 0x80)
    return n == 1 && g_ascii_isalpha (f[0]);
  return n_chars (doc, t) == 1 && first_is_alpha (f);
}

/* Token t (followed by after, or NULL) can start a sentence: a capital,
 * a digit, an opening quote, or an opening bracket before a capital. */
static gboolean
starts_sentence (const XrefDocument *doc, const XrefToken *t, const XrefToken *after)
{
  gunichar c;

  if (t->kind == XREF_TOKEN_NUMBER)
    return TRUE;
  if (t->kind == XREF_TOKEN_QUOTE)
    return (t->flags & XREF_TOKEN_OPEN_QUOTE) != 0;
  if (t->kind == XREF_TOKEN_PUNCT && (str_is (t->form, "(") || str_is (t->form, "[")))
    return after != NULL && after->start == t->end && after->kind != XREF_TOKEN_PUNCT
           && starts_sentence (doc, after, NULL);
  /* an ASCII first byte: only A-Z are upper or title case */
  if ((guchar) span_bytes (doc, t)[0] < 0x80)
    return g_ascii_isupper (span_bytes (doc, t)[0]);
  c = g_utf8_get_char (span_bytes (doc, t));
  return g_unichar_isupper (c) || g_unichar_istitle (c);
}

/* A capitalised closed-class word ("The", "He", "In") can start a sentence
 * but not continue an abbreviated name. */
static gboolean
closed_class_start (const XrefRules *rules, const XrefToken *t)
{
  if (rules == NULL || rules->word_classes == NULL || t->kind != XREF_TOKEN_WORD)
    return FALSE;
  if (!(t->flags & XREF_TOKEN_CAPITALISED) || (t->flags & XREF_TOKEN_ALLCAPS))
    return FALSE;
  return wc_of (rules, t->norm) != 0;
}

static gboolean lower_elsewhere (const XrefDocument *doc, Lower *lower, const XrefToken *t);

/* A time zone after a clock time: "ET", "EST", "PDT", "GMT", "UTC". */
static gboolean
is_zone (const XrefToken *t)
{
  gsize n = strlen (t->form);
  return t->kind == XREF_TOKEN_WORD && (t->flags & XREF_TOKEN_ALLCAPS) && n >= 2 && n <= 4
         && (t->form[n - 1] == 'T' || str_is (t->form, "UTC"));
}

/* Token i ends "a.m." or "p.m." (also written "a. m.") after a number. */
static gboolean
clock_suffix_at (const XrefDocument *doc, guint i)
{
  const XrefToken *t = at (doc, i);
  guint k = i;

  if (t->kind == XREF_TOKEN_WORD && (str_is (t->norm, "a.m.") || str_is (t->norm, "p.m.")))
    k = i;
  else if (str_is (t->form, ".") && i >= 3 && str_is (at (doc, i - 1)->norm, "m")
           && str_is (at (doc, i - 2)->form, ".")
           && (str_is (at (doc, i - 3)->norm, "a") || str_is (at (doc, i - 3)->norm, "p")))
    k = i - 3;
  else
    return FALSE;
  return k > 0 && at (doc, k - 1)->kind == XREF_TOKEN_NUMBER;
}

/* A colon ends a sentence when a new clause starts after it with a
 * capitalised pronoun or determiner: "The results were clear: They had
 * lost." (not "Update: Police say", nor "Reuters: the talks"), the colon
 * coming after a lower-case word ("It's official: I'm …" stays one). */
static guint
colon_boundary (const XrefDocument *doc, const XrefRules *rules, guint i, guint last)
{
  const XrefToken *t = at (doc, i), *prev, *next, *after;

  if (i == 0 || i + 2 >= last)
    return 0;
  prev = at (doc, i - 1);
  next = at (doc, i + 1);
  after = at (doc, i + 2);
  /* a quotation of three sentences or more after the colon stands as
   * sentences of its own: He said: "We came. We saw. We won." */
  if (next->kind == XREF_TOKEN_QUOTE && (next->flags & XREF_TOKEN_OPEN_QUOTE) && next->start > t->end
      && prev->kind == XREF_TOKEN_WORD && prev->end == t->start)
    {
      guint terms = 0;
      for (guint k = i + 2; k < last && k < i + 400; k++)
        {
          const XrefToken *q = at (doc, k);
          if (q->kind == XREF_TOKEN_QUOTE && (q->flags & XREF_TOKEN_CLOSE_QUOTE))
            return terms + (k > 0 && is_terminal (at (doc, k - 1))) >= 3 ? i + 1 : 0;
          if (q->kind == XREF_TOKEN_QUOTE)
            return 0;
          if (is_terminal (q) && k + 1 < last && at (doc, k + 1)->start > q->end)
            terms++;
        }
      return 0;
    }
  /* after a lower-case word, or a label or place in capitals
   * ("UPDATE: A suspect …", "MUMBAI: An Indian warship …") */
  if (prev->kind != XREF_TOKEN_WORD || prev->end != t->start || (prev->flags & XREF_TOKEN_IN_QUOTE)
      || !(first_is_lower (prev->form)
           || ((prev->flags & XREF_TOKEN_ALLCAPS) && chars_at_least (doc, prev, 3))))
    return 0;
  if (next->kind != XREF_TOKEN_WORD || next->start == t->end || !(next->flags & XREF_TOKEN_CAPITALISED)
      || (next->flags & XREF_TOKEN_ALLCAPS) || str_is (next->norm, "i"))
    return 0;
  if (!(wc_of (rules, next->norm)
        & (XREF_WC_DETERMINER | XREF_WC_PRONOUN_MALE | XREF_WC_PRONOUN_FEMALE | XREF_WC_PRONOUN_PLURAL
           | XREF_WC_PRONOUN_NEUTER | XREF_WC_CONJUNCTION | XREF_WC_STOPWORD)))
    return 0;
  if ((after->kind != XREF_TOKEN_WORD && after->kind != XREF_TOKEN_NUMBER) || after->start == next->end)
    return 0;
  return i + 1;
}

/* A sentence that ends at token j may carry a source note in brackets,
 * after a closing quote or not: `… closed. "(Wire article) The suspect …`,
 * `… of the city. (News Article) While …`.  A few words in brackets with
 * no full stop, followed by a capital, close the sentence before them;
 * returns the token after the note, or j when there is none. */
static guint
source_note_end (const XrefDocument *doc, guint j, guint last)
{
  guint k = j, words = 0;

  if (k < last && at (doc, k)->kind == XREF_TOKEN_QUOTE && k + 1 < last && at (doc, k + 1)->start == at (doc, k)->end)
    k++;
  if (k >= last || !is_form (at (doc, k), "("))
    return j;
  for (k++; k < last && words <= 6; k++)
    {
      const XrefToken *t = at (doc, k);
      if (t->kind == XREF_TOKEN_WORD)
        words++;
      else if (is_form (t, ")"))
        break;
      else if (!(is_form (t, "!") && at (doc, k - 1)->end == t->start && at (doc, k - 1)->kind == XREF_TOKEN_WORD))
        return j;   /* "Yahoo! News" only */
    }
  if (k + 1 >= last || words == 0 || words > 6 || !is_form (at (doc, k), ")"))
    return j;
  {
    const XrefToken *n = at (doc, k + 1);
    if (n->start == at (doc, k)->end || !(n->kind == XREF_TOKEN_WORD && (n->flags & XREF_TOKEN_CAPITALISED)))
      return j;
  }
  return k + 1;
}

/* If a sentence can end after token i (of the region [first, last)),
 * returns the index one past its last token (closers included), else 0. */
static guint
boundary_after (const XrefDocument *doc, const XrefRules *rules, guint i, guint last)
{
  const XrefToken *t = at (doc, i);
  gboolean abbrev = FALSE;
  guint j;

  if (is_terminal (t))
    {
      /* "Feb." "Mr." "J." — the word right before the dot */
      if (str_is (t->form, ".") && i > 0)
        {
          const XrefToken *w = at (doc, i - 1);
          if (w->end == t->start && w->kind == XREF_TOKEN_WORD && (is_abbreviation (rules, w) || is_initial (doc, w)))
            abbrev = TRUE;
          /* a dot right after other punctuation (",." ":." "(.") is
           * residue, or the dot of a decimal written apart: ". 290" */
          if (w->end == t->start && w->kind == XREF_TOKEN_PUNCT && !is_terminal (w) && !is_closer (w))
            return 0;
        }
    }
  else if (t->kind == XREF_TOKEN_WORD && t->end > t->start && t->form[form_len (t) - 1] == '.')
    abbrev = TRUE;   /* an initialism with its dots: "U.S.", "a.m." */
  else if (t->kind == XREF_TOKEN_PUNCT && str_is (t->form, ":"))
    return colon_boundary (doc, rules, i, last);
  else
    return 0;

  /* closing quotes and brackets stay with the sentence they close; a
   * closing quote may stand apart ("… the bank. " Police said") */
  j = i + 1;
  while (j < last && is_closer (at (doc, j))
         && (at (doc, j)->start == at (doc, j - 1)->end || at (doc, j)->kind == XREF_TOKEN_QUOTE))
    j++;
  if (j >= last)
    return j;   /* the region ends here */

  const XrefToken *next = at (doc, j);
  if (next->start == at (doc, j - 1)->end)
    return 0;   /* no space: "U.S.-led", "…”he" */
  /* "Yahoo! News", "E! Online": a "!" that is part of a name */
  if (j == i + 1 && str_is (t->form, "!") && i > 0 && at (doc, i - 1)->end == t->start
      && at (doc, i - 1)->kind == XREF_TOKEN_WORD && (at (doc, i - 1)->flags & XREF_TOKEN_CAPITALISED)
      && !(at (doc, i - 1)->flags & XREF_TOKEN_IN_QUOTE) && next->kind == XREF_TOKEN_WORD
      && (next->flags & XREF_TOKEN_CAPITALISED) && wc_of (rules, next->norm) == 0
      && !(j + 1 < last && is_form (at (doc, j + 1), ",")))   /* "… Act Protections! Today, the …" */
    return 0;
  if (abbrev && clock_suffix_at (doc, i))
    {
      /* "at 3:33 a.m. Palmer Fire and Rescue …": a clock time ends a
       * sentence unless a day or month goes on with it */
      if (month_of (rules, next)
          || weekday_of (rules, next) || !starts_sentence (doc, next, NULL)
          || is_initial (doc, next) || is_zone (next))
        return 0;
      return j;
    }
  if (abbrev)
    {
      /* "… in the U.S. “We …": a quotation opening after the
       * abbreviation starts a sentence, as does "The", "He" */
      if (next->kind == XREF_TOKEN_QUOTE && (next->flags & XREF_TOKEN_OPEN_QUOTE) && j + 1 < last
          && starts_sentence (doc, at (doc, j + 1), NULL))
        return j;
      /* "L. A.", "D. A. Will": the next letter of the initialism */
      if (is_initial (doc, next) && j + 1 < last && str_is (at (doc, j + 1)->form, "."))
        return 0;
      if (is_initial (doc, next) && i > 0 && is_initial (doc, at (doc, i - 1)))
        return 0;
      return closed_class_start (rules, next) ? j : 0;
    }
  /* "… the bid. … in case you wondered": an ellipsis opening a sentence */
  if (!abbrev && (is_form (next, "\u2026") || is_form (next, "...")) && j + 1 < last
      && at (doc, j + 1)->start > next->end && at (doc, j + 1)->kind == XREF_TOKEN_WORD)
    return j;
  if (!starts_sentence (doc, next, j + 1 < last ? at (doc, j + 1) : NULL))
    return 0;
  /* the dot of a decimal written apart after a word: "hit . 308",
   * "a limit of . 08 percent" (a sentence rarely opens with a bare
   * three-digit number or a leading zero) */
  if (j == i + 1 && str_is (t->form, ".") && next->kind == XREF_TOKEN_NUMBER && i > 0
      && at (doc, i - 1)->kind == XREF_TOKEN_WORD && first_is_lower (at (doc, i - 1)->form)
      && strspn (next->form, "0123456789") == strlen (next->form)
      && (strlen (next->form) == 3 || (next->form[0] == '0' && strlen (next->form) <= 3)))
    return 0;
  return source_note_end (doc, j, last);
}

/* ---- token bits ------------------------------------------------------------
 *
 * The passes over a region's tokens below ask each token a chain of
 * questions, but most tokens (lower-case words, commas) can answer yes to
 * none of them.  A byte per token says which questions it can answer yes
 * to, so each pass skips the other tokens with one byte test.  Each bit
 * is implied by the first tests of the functions it stands for (named
 * below), so the answers are the same.  The tokenizer stores them
 * (xref_text_tokenize_bits: its form cache keeps the bits of each
 * form), all but the month and weekday names of TB_STAMP, which depend
 * on the rules and are added by segment_region. */
enum {
  TB_CAP_WORD = XREF_TEXT_BIT_CAP_WORD,   /* a capitalised WORD: headline_break,
                                             attribution_start */
  TB_NUMBER   = XREF_TEXT_BIT_NUMBER,     /* a NUMBER: record_row_end */
  TB_STAMP    = XREF_TEXT_BIT_STAMP,      /* can open a date stamp in mark_stamps: a
                                             month or weekday name (WB_DATE), a NUMBER,
                                             or a WORD starting with a digit (is_clock:
                                             "5:03pm") */
  TB_MAY_END  = XREF_TEXT_BIT_MAY_END,    /* boundary_after may find a boundary after
                                             it: a terminal, a colon, a WORD ending
                                             in a dot */
  TB_IN_QUOTE = XREF_TEXT_BIT_IN_QUOTE,   /* flagged IN_QUOTE (add_sentence) */
  TB_QUOTE    = XREF_TEXT_BIT_QUOTE,      /* a QUOTE (add_sentence) */
  TB_BULLET   = XREF_TEXT_BIT_BULLET,     /* a PUNCT or SYMBOL outside ASCII (is_bullet) */
};

#define ONES G_GUINT64_CONSTANT (0x0101010101010101)

/* The first j in [i, n) with a[j] & bits, or n; a holds 8 readable bytes
 * past n.  Eight tokens per step: most tokens have none of the bits. */
static inline guint
next_with (const guint8 *a, guint i, guint n, guint8 bits)
{
  for (; i < n; i += 8)
    {
      guint64 w = xref_text_load8 (a + i) & (bits * ONES);
      if (w != 0)
        return MIN (i + xref_text_first_byte (w), n);
    }
  return n;
}

/* The sentences of a document as they are found, appended to
 * doc->sentences in one go at the end (g_array_append_val per sentence
 * cost more than finding most sentences). */
typedef struct {
  XrefSentence *v;         /* this thread's sents_buf */
  guint n, room;
} Sents;

static void sents_grow (Sents *ss);

static void
add_sentence (Sents *ss, const XrefDocument *doc, guint first, guint n, guint flags, const guint8 *tb)
{
  XrefSentence s = { 0 };
  gboolean quoted = FALSE, all_quoted = TRUE;

  if (n == 0)
    return;
  s.start = at (doc, first)->start;
  s.end = at (doc, first + n - 1)->end;
  s.first_token = first;
  s.n_tokens = n;
  if (tb != NULL)
    {
      /* the same test on the bits of the tokens (tb[0..n), padded),
       * eight at a time: IN_QUOTE of the tokens that are no QUOTE; one
       * such token outside a quotation settles it (no QUOTE flag), and
       * most sentences have one among their first eight */
      guint64 in = 0, out = 0;
      for (guint k = 0; k < n && out == 0; k += 8)
        {
          guint64 w = xref_text_load8 (tb + k);
          guint64 counted = (~w & (TB_QUOTE * ONES)) >> 1;   /* at the IN_QUOTE bit */
          if (n - k < 8)
            counted &= (G_GUINT64_CONSTANT (1) << (8 * (n - k))) - 1;
          in |= w & counted;
          out |= ~w & counted;
        }
      quoted = in != 0;
      all_quoted = out == 0;
    }
  else
    for (guint k = first; k < first + n; k++)
      {
        const XrefToken *t = at (doc, k);
        if (t->kind == XREF_TOKEN_QUOTE)
          continue;
        if (t->flags & XREF_TOKEN_IN_QUOTE)
          quoted = TRUE;
        else
          all_quoted = FALSE;
      }
  s.flags = flags | (quoted && all_quoted ? XREF_SENTENCE_QUOTE : 0);
  if (G_UNLIKELY (ss->n == ss->room))
    sents_grow (ss);
  ss->v[ss->n++] = s;
}

/* ---- date stamps ---------------------------------------------------------
 *
 * Web pages and wire copy put a date stamp between the headline and the
 * body: "Singer Enters Clinic May 02, 2013 The singer's lawyer says",
 * "PUBLISHED: MONDAY, MARCH 11, 2013, 10:34 PM UPDATED: …", "Updated 4:08
 * p.m. ET".  When the lines are kept, ingest sees them apart; when they
 * come run together (copied text, a feed), the stamp is the only sign of
 * where the headline ends and the body begins.  A stamp is a run of
 * month and weekday names (from the rules), numbers, clock times, short
 * upper-case zone names and glue (, | - @ at on), holding a date or a
 * clock time, optionally opened by a participle such as "Published" or
 * "Updated on:".  It stands as a sentence of its own when it stands
 * outside any sentence: at the start of a region, or right after a
 * word that cannot lead into a date (not a preposition, determiner,
 * conjunction or comma), and before a capitalised word. */

/* What the word index says of a capitalised word of the region (its
 * answers are looked up once, when the month and weekday names are
 * marked, and kept in a byte per token for the passes that need them). */
enum {
  WB_DATE     = 1 << 0,   /* month_of || weekday_of */
  WB_HEADLINE = 1 << 1,   /* a word class headline_break needs */
};

/* The word classes headline_break needs a capitalised word to have. */
#define HEADLINE_CLASSES                                                                                        \
  (XREF_WC_DETERMINER | XREF_WC_PRONOUN_MALE | XREF_WC_PRONOUN_FEMALE | XREF_WC_PRONOUN_PLURAL                \
   | XREF_WC_PRONOUN_NEUTER | XREF_WC_STOPWORD | XREF_WC_CONJUNCTION | XREF_WC_PREPOSITION)

enum {
  BRK_BEFORE = 1 << 0,    /* a sentence starts at this token */
  BRK_INSIDE = 1 << 1,    /* no sentence ends after this token */
};

/* The value of norm in a month or weekday table, or of "norm." when only
 * the dotted form is listed ("Thu" for "Thu."). */
static gint
lookup_date_word (GHashTable *table, const char *norm)
{
  gpointer v;
  char buf[32];
  gsize n;
  const char *key;

  if (table == NULL)
    return 0;
  if ((v = g_hash_table_lookup (table, norm)) != NULL)
    return GPOINTER_TO_INT (v);
  n = strlen (norm);
  if (n + 2 > sizeof buf)
    return 0;
  memcpy (buf, norm, n);
  buf[n] = '.';
  buf[n + 1] = '\0';
  key = xref_intern_try (buf);
  return key != NULL ? GPOINTER_TO_INT (g_hash_table_lookup (table, key)) : 0;
}

/* A clock time: "7:35", "5:03pm", "05.51AM", "1:10PM". */
static gboolean
is_clock (const XrefDocument *doc, const XrefToken *t)
{
  const char *f = span_bytes (doc, t), *e = f + form_len (t);
  if (!g_ascii_isdigit (f[0]))
    return FALSE;
  /* (past the form, its NUL: no digit) */
  for (const char *p = f; p < e; p++)
    if ((*p == ':' || *p == '.') && p > f && g_ascii_isdigit (p[-1]) && p + 1 < e && g_ascii_isdigit (p[1]))
      return TRUE;
  return FALSE;
}

/* A numeric date: "05/02/2013", "12/16/08", "2013-09-26", "06/06/13". */
static gboolean
is_numeric_date (const XrefToken *t)
{
  guint seps = 0;
  gsize at[2] = { 0, 0 }, n = form_len (t), n0, n1, n2;
  const char *f = t->form;

  if (t->kind != XREF_TOKEN_NUMBER)
    return FALSE;
  for (gsize k = 0; k < n; k++)
    if (f[k] == '/' || f[k] == '-')
      {
        if (seps < 2)
          at[seps] = k;
        seps++;
      }
    else if (!g_ascii_isdigit (f[k]))
      return FALSE;
  if (seps != 2)
    return FALSE;
  /* the three parts between the separators: digits only; atoi stops at
   * the separator after its part, and an empty part is 0 */
  n0 = at[0];
  n1 = at[1] - at[0] - 1;
  n2 = n - at[1] - 1;
#define PART(off, len) ((len) > 0 ? atoi (f + (off)) : 0)
  /* a year of two or four digits at one end, day and month at most 31
   * (not a boxing record "15-2-1") */
  if (n0 == 4)
    return PART (at[0] + 1, n1) <= 12 && PART (at[1] + 1, n2) <= 31 && n2 <= 2;
  return n0 <= 2 && PART (0, n0) <= 31 && PART (at[0] + 1, n1) <= 31 && (n2 == 2 || n2 == 4);
#undef PART
}

static gboolean
is_year (const XrefToken *t)
{
  gsize n = strlen (t->form);
  return t->kind == XREF_TOKEN_NUMBER && n == 4 && (t->form[0] == '1' || t->form[0] == '2');
}

/* A short word that follows a clock time: "am", "PM", "ET", "EDT", "IST",
 * "hrs", "a.m.", or the letters of "p. m." written apart. */
static gboolean
is_time_suffix (const XrefDocument *doc, const XrefToken *t)
{
  glong n;
  if (t->kind != XREF_TOKEN_WORD)
    return FALSE;
  n = n_chars (doc, t);
  if (strchr (t->form, '.') != NULL)
    return n <= 4;                       /* a.m. p.m. */
  if (t->flags & XREF_TOKEN_ALLCAPS)
    return n <= 4;                       /* AM PM ET EDT GMT IST */
  if (n == 1)
    return TRUE;                         /* p . m . */
  return n <= 3 && !(t->flags & XREF_TOKEN_CAPITALISED);   /* am pm hrs */
}

/* Glue inside a stamp. */
static gboolean
is_glue (const XrefToken *t)
{
  if (t->kind == XREF_TOKEN_PUNCT || t->kind == XREF_TOKEN_SYMBOL)
    return is_form (t, ",") || is_form (t, "|") || is_form (t, "-") || is_form (t, "\u2013")
           || is_form (t, "\u2014") || is_form (t, "@") || is_form (t, ".") || is_form (t, ":")
           || is_form (t, "(") || is_form (t, ")") || is_form (t, "+") || is_form (t, "/");
  /* "May 3, 2013 at 7:31", "MAY 3, 2013 AT 1:10PM"; a capitalised "On"
   * starts the next sentence instead */
  return t->kind == XREF_TOKEN_WORD && (str_is (t->norm, "at") || str_is (t->norm, "on"))
         && (!(t->flags & XREF_TOKEN_CAPITALISED) || (t->flags & XREF_TOKEN_ALLCAPS));
}

static guint inner_prefix (const XrefDocument *doc, const XrefRules *rules, guint j, guint last);

/* The stamp starting at token i (a date word or number), or 0: sets *end
 * one past its last token and returns TRUE. */
static gboolean
scan_stamp (const XrefDocument *doc, const XrefRules *rules, guint i, guint last, guint *end, gboolean *has_date)
{
  gboolean month = FALSE, number = FALSE, date = FALSE, clock = FALSE, suffix = FALSE;
  guint j = i, good = i, depth = 0, after_clock = 0, open_at = i, n_inner;

  for (; j < last; j++)
    {
      const XrefToken *t = at (doc, j);
      const XrefToken *prev = j > i ? at (doc, j - 1) : NULL;

      if (month_of (rules, t) || weekday_of (rules, t))
        {
          month = month || month_of (rules, t) != 0;
          after_clock = 0;
        }
      else if (t->kind == XREF_TOKEN_NUMBER)
        {
          /* a number that is no part of a date or time ends the stamp:
           * "… 1:30 PM 5 Thoughts on …", "… 09:11 GMT 5.9 Earthquake" */
          if (prev != NULL && !is_clock (doc, t) && !is_numeric_date (t) && !is_year (t)
              && !(month_of (rules, prev) || weekday_of (rules, prev))
              && !(is_form (prev, ".") && j >= i + 2
                   && (month_of (rules, at (doc, j - 2))
                       || weekday_of (rules, at (doc, j - 2))))
              && !(j + 1 < last && (month_of (rules, at (doc, j + 1)) || is_form (at (doc, j + 1), ","))))
            break;
          number = TRUE;
          date = date || is_numeric_date (t) || (is_year (t) && month);
          after_clock = is_clock (doc, t) ? 3 : 0;
          clock = clock || after_clock > 0;
        }
      else if (t->kind == XREF_TOKEN_WORD && is_clock (doc, t))
        {
          clock = suffix = TRUE;
          after_clock = 2;
        }
      else if (after_clock > 0 && is_time_suffix (doc, t)
               && (n_chars (doc, t) > 1 || (j + 1 < last && is_form (at (doc, j + 1), "."))))
        {
          suffix = TRUE;
          after_clock--;
        }
      else if (prev != NULL && is_form (prev, "|") && t->kind == XREF_TOKEN_WORD
               && (t->flags & XREF_TOKEN_CAPITALISED) && g_str_has_suffix (t->norm, "ed") && strlen (t->norm) >= 5)
        {
          /* "Friday, Sep 10, 2010 | Updated 8:52 PM EDT": one stamp */
          after_clock = 0;
          continue;
        }
      else if (prev != NULL && (n_inner = inner_prefix (doc, rules, j, last)) > 0
               && !(t->flags & XREF_TOKEN_ALLCAPS))
        {
          /* "… 8:20 AM ET Last Updated: Nov 27 …" (but "… PM UPDATED:"
           * in capitals opens a stamp of its own) */
          after_clock = 0;
          j += n_inner - 1;
          continue;
        }
      else if (is_glue (t))
        {
          if (is_form (t, "("))
            {
              if (depth++ == 0)
                open_at = good;
            }
          else if (is_form (t, ")"))
            {
              if (depth == 0)
                break;
              depth--;
              if (good == j)
                good = j + 1;
            }
          else if (is_form (t, ".")
                   && (prev == NULL || prev->end != t->start || n_chars (doc, prev) > 4
                       || !(month_of (rules, prev) || weekday_of (rules, prev)
                            || n_chars (doc, prev) == 1)))
            break;   /* only the dot of "Fri.", "Dec.", "p. m." */
          continue;
        }
      else
        break;
      good = j + 1;
    }
  if (depth > 0)
    good = MIN (good, open_at);   /* "May 2, 2013 (AP" */
  if (good == i)
    return FALSE;
  if (!((month && number) || date || (clock && suffix)))
    return FALSE;
  *has_date = (month && number) || date;
  *end = good;
  return TRUE;
}

static gboolean
tok_is_dash (const XrefToken *t)
{
  return is_form (t, "-") || is_form (t, "\u2013") || is_form (t, "\u2014");
}

/* Extends a stamp starting at token s backwards over "Published",
 * "Updated:", "Posted on", "Last updated on:"; returns the new start. */
static guint
stamp_prefix (const XrefDocument *doc, const XrefRules *rules, guint first, guint s)
{
  guint k = s;
  const XrefToken *t;

  if (k > first && is_form (at (doc, k - 1), ":"))
    k--;
  if (k > first && (wc_of (rules, at (doc, k - 1)->norm) & XREF_WC_PREPOSITION)
      && (str_is (at (doc, k - 1)->norm, "on") || str_is (at (doc, k - 1)->norm, "at")))
    k--;
  if (k == first)
    return s;
  t = at (doc, k - 1);
  if (t->kind != XREF_TOKEN_WORD || strlen (t->norm) < 5 || !g_str_has_suffix (t->norm, "ed"))
    return s;
  /* "Published May 3", "updated: May 3", "Last updated on"; not the
   * verb of a headline: "arms seized November 12" */
  if (!(t->flags & XREF_TOKEN_CAPITALISED) && k == s
      && !(k - 1 > first && (at (doc, k - 2)->flags & XREF_TOKEN_CAPITALISED)))
    return s;
  k--;
  /* "Last updated", "Originally published" */
  if (k > first && (at (doc, k - 1)->flags & XREF_TOKEN_CAPITALISED) && at (doc, k - 1)->kind == XREF_TOKEN_WORD
      && !(t->flags & XREF_TOKEN_CAPITALISED))
    k--;
  return k;
}

/* A second stamp run on to the first: "Posted: Nov 27, 2005 8:20 AM ET
 * Last Updated: Nov 27, 2005 8:10 PM ET", "21 July 2013 Last updated at
 * 11:11 GMT".  The number of tokens of the prefix at j ("Last Updated:")
 * when a date or a clock time follows it, else 0. */
static guint
inner_prefix (const XrefDocument *doc, const XrefRules *rules, guint j, guint last)
{
  guint k = j;
  const XrefToken *t;

  if (k + 1 < last && at (doc, k)->kind == XREF_TOKEN_WORD && (at (doc, k)->flags & XREF_TOKEN_CAPITALISED)
      && !g_str_has_suffix (at (doc, k)->norm, "ed") && g_str_has_suffix (at (doc, k + 1)->norm, "ed"))
    k++;   /* "Last" */
  if (k >= last)
    return 0;
  t = at (doc, k);
  if (t->kind != XREF_TOKEN_WORD || strlen (t->norm) < 5 || !g_str_has_suffix (t->norm, "ed"))
    return 0;
  k++;
  if (k < last && (str_is (at (doc, k)->norm, "on") || str_is (at (doc, k)->norm, "at")))
    k++;
  if (k < last && is_form (at (doc, k), ":"))
    k++;
  if (k >= last)
    return 0;
  t = at (doc, k);
  if (month_of (rules, t) || weekday_of (rules, t) || t->kind == XREF_TOKEN_NUMBER
      || is_clock (doc, t))
    return k - j;
  return 0;
}

/* Can a sentence go on from token t into a date: a preposition, a
 * determiner, a conjunction, a comma, an opening bracket or quote. */
static gboolean
leads_into (const XrefRules *rules, const XrefToken *t)
{
  if (t->kind == XREF_TOKEN_WORD)
    return wc_of (rules, t->norm) != 0;
  if (t->kind == XREF_TOKEN_QUOTE)
    return (t->flags & XREF_TOKEN_OPEN_QUOTE) != 0;
  if (t->kind == XREF_TOKEN_PUNCT)
    return !is_terminal (t) && !is_form (t, ")") && !is_form (t, "]");
  /* a number ends a headline ("dies at 91 June 6, 2013"); a symbol
   * ("$", "&") leads on */
  return t->kind != XREF_TOKEN_NUMBER;
}

static void
mark_stamps (const XrefDocument *doc, const XrefRules *rules, guint first, guint last, guint8 *brk, const guint8 *tb,
             const guint8 *wb)
{
  if (rules == NULL || rules->months == NULL)
    return;
  for (guint i = first; i < last; i++)
    {
      const XrefToken *t;
      guint end, s;
      gboolean date_stamp = FALSE;

      i = first + next_with (tb, i - first, last - first, TB_STAMP);
      if (i >= last)
        break;
      t = at (doc, i);

      /* a stamp starts with a day or month name, a numeric date, a clock
       * time, or a day of the month before a month name ("14 June 2013";
       * not the "91" of "dies at 91 June 6") */
      if (!((wb[i - first] & WB_DATE) || is_numeric_date (t)
            || is_clock (doc, t)
            || (t->kind == XREF_TOKEN_NUMBER && strlen (t->form) <= 2 && atoi (t->form) >= 1 && atoi (t->form) <= 31
                && i + 1 < last && month_of (rules, at (doc, i + 1)))))
        continue;
      if (!scan_stamp (doc, rules, i, last, &end, &date_stamp))
        continue;
      s = stamp_prefix (doc, rules, first, i);
      /* "Shot and Killed June 24, 2005": the participle was the
       * headline's, not a "Published" */
      if (s < i && s > first && leads_into (rules, at (doc, s - 1))
          && (at (doc, s - 1)->kind != XREF_TOKEN_WORD
              || (wc_of (rules, at (doc, s - 1)->norm)
                  & (XREF_WC_PREPOSITION | XREF_WC_CONJUNCTION | XREF_WC_DETERMINER | XREF_WC_AUXILIARY
                     | XREF_WC_MODAL))))
        s = i;
      /* "… office shooting guilty on April 30, 2008 at 4:31 AM": a dated
       * stamp opened by "on" right after a headline word */
      if (s == i && date_stamp && s >= first + 2 && str_is (at (doc, s - 1)->form, "on")
          && !leads_into (rules, at (doc, s - 2)) && at (doc, s - 2)->kind == XREF_TOKEN_WORD)
        s--;
      /* "8:24am: According to …" */
      if (end + 1 < last && is_form (at (doc, end), ":") && at (doc, end)->start == at (doc, end - 1)->end
          && starts_sentence (doc, at (doc, end + 1), end + 2 < last ? at (doc, end + 2) : NULL))
        end++;
      /* a dateline after a headline: "… nabs 26 pirates Mumbai, Nov 11 -
       * Indian Navy …", "… Act Restored WASHINGTON, DC, April 28, 2009
       * The …": the body starts at the place, the dateline is part of
       * its first sentence */
      if (s == i && s > first + 1 && is_form (at (doc, s - 1), ","))
        {
          guint p = s - 1;
          while (p > first && p + 5 > s
                 && ((at (doc, p - 1)->kind == XREF_TOKEN_WORD && (at (doc, p - 1)->flags & XREF_TOKEN_CAPITALISED)
                      && wc_of (rules, at (doc, p - 1)->norm) == 0)
                     || (is_form (at (doc, p - 1), ",") && p - 1 > first)))
            p--;
          if (p < s - 1 && p > first && at (doc, p)->kind == XREF_TOKEN_WORD && !leads_into (rules, at (doc, p - 1))
              && !is_form (at (doc, p - 1), ",") && at (doc, p - 1)->kind != XREF_TOKEN_PUNCT
              && (at (doc, p)->flags & XREF_TOKEN_ALLCAPS || (end < last && (tok_is_dash (at (doc, end))))))
            brk[p - first] |= BRK_BEFORE;
          i = end - 1;
          continue;
        }
      /* outside any sentence: at the region start or after a headline;
       * a bare clock time after a word is part of a sentence ("around
       * 4:00 p.m.") */
      if (s > first && (leads_into (rules, at (doc, s - 1)) || (s == i && !date_stamp)))
        {
          i = end - 1;
          continue;
        }
      /* "POSTED: 05/02/07, 9:00 PM PDT | A Norwalk judge …" */
      if (end + 1 < last && (is_form (at (doc, end), "|") || tok_is_dash (at (doc, end)))
          && starts_sentence (doc, at (doc, end + 1), end + 2 < last ? at (doc, end + 2) : NULL))
        end++;
      if (end < last)
        {
          const XrefToken *n = at (doc, end);
          if (!starts_sentence (doc, n, end + 1 < last ? at (doc, end + 1) : NULL))
            {
              i = end - 1;
              continue;
            }
          brk[end - first] |= BRK_BEFORE;
        }
      if (s > first)
        brk[s - first] |= BRK_BEFORE;
      for (guint k = s; k + 1 < end; k++)
        brk[k - first] |= BRK_INSIDE;
      i = end - 1;
    }
}

/* A headline run into its body: "Port authority under fire A week of
 * strikes …", "… For Undisclosed Reasons It's been …".  A capitalised
 * determiner or pronoun ("A", "The", "It", "She"; never "I") right after
 * a word, and followed by a lower-case word, starts a sentence: inside a
 * sentence such a word is written in lower case, and in a title-cased
 * headline the word after it is capitalised too. */
static gboolean
headline_break (const XrefDocument *doc, const XrefRules *rules, guint i, guint first, guint last)
{
  const XrefToken *t = at (doc, i), *prev, *next;
  guint wc;

  if (i == first || i + 1 >= last || t->kind != XREF_TOKEN_WORD || !(t->flags & XREF_TOKEN_CAPITALISED)
      || (t->flags & XREF_TOKEN_ALLCAPS) || str_is (t->norm, "i"))
    return FALSE;
  wc = wc_of (rules, t->norm);
  if (!(wc & HEADLINE_CLASSES))
    return FALSE;
  prev = at (doc, i - 1);
  next = at (doc, i + 1);
  if ((prev->kind != XREF_TOKEN_WORD && prev->kind != XREF_TOKEN_NUMBER) || prev->end == t->start
      || wc_of (rules, prev->norm) != 0 || (prev->flags & XREF_TOKEN_IN_QUOTE))
    return FALSE;
  if (next->kind == XREF_TOKEN_WORD && !(next->flags & XREF_TOKEN_CAPITALISED)
      && first_is_alpha (next->form))
    return TRUE;
  /* "… hits the coast There's been …", "Here's": a contraction */
  if (next->kind == XREF_TOKEN_WORD && next->start == t->end
      && (wc_of (rules, next->norm) & (XREF_WC_AUXILIARY | XREF_WC_MODAL)))
    return TRUE;
  if (!(wc & XREF_WC_DETERMINER))
    return FALSE;
  /* "… Prison Van Near Houston A Texas inmate escaped", "A 27-year-old
   * parolee": an article before a number, or (after a title-cased
   * word) before a capitalised word and a lower-case one */
  if (next->kind == XREF_TOKEN_NUMBER || g_unichar_isdigit (g_utf8_get_char (next->form)))
    return TRUE;
  return ((prev->flags & XREF_TOKEN_CAPITALISED) || str_is (t->norm, "a") || str_is (t->norm, "an"))
         && (next->flags & XREF_TOKEN_CAPITALISED) && i + 2 < last
         && at (doc, i + 2)->kind == XREF_TOKEN_WORD && !(at (doc, i + 2)->flags & XREF_TOKEN_CAPITALISED)
         && wc_of (rules, at (doc, i + 2)->norm) == 0
         && first_is_alpha (at (doc, i + 2)->form);
}

/* A title-cased headline run into its body at the start of a region:
 * "Town's Chapel Damaged In Suspicious Fire Authorities estimate the
 * damages …".  The headline is recognised by a capitalised function word
 * inside it ("In", "For", "With"), which running prose writes in lower
 * case; the body starts at the capitalised word before the first
 * lower-case content word.  Returns the token the body starts at, or 0. */
static guint
title_break (const XrefDocument *doc, const XrefRules *rules, guint first, guint last, const guint8 *brk,
             Lower *lower)
{
  gboolean cap_function = FALSE;
  guint words = 0;

  for (guint i = first; i < last && i < first + 40; i++)
    {
      const XrefToken *t = at (doc, i);
      guint wc;

      if (brk[i - first] != 0)
        return 0;   /* a date stamp ended the headline already */
      if (t->kind != XREF_TOKEN_WORD)
        {
          if (is_terminal (t) || t->kind == XREF_TOKEN_QUOTE)
            return 0;
          continue;
        }
      wc = wc_of (rules, t->norm);
      if (t->flags & XREF_TOKEN_CAPITALISED)
        {
          if (wc != 0 && i > first && !(t->flags & XREF_TOKEN_ALLCAPS))
            cap_function = TRUE;
          words++;
          continue;
        }
      if (wc != 0 || !chars_at_least (doc, t, 4) || !first_is_alpha (span_bytes (doc, t)))
        continue;
      /* the first lower-case content word: the body started at the
       * capitalised word right before it (function words between) */
      guint k = i;
      while (k > first && !(at (doc, k - 1)->flags & XREF_TOKEN_CAPITALISED)
             && at (doc, k - 1)->kind == XREF_TOKEN_WORD && wc_of (rules, at (doc, k - 1)->norm) != 0)
        k--;
      if (k == first || !(at (doc, k - 1)->flags & XREF_TOKEN_CAPITALISED) || at (doc, k - 1)->kind != XREF_TOKEN_WORD)
        return 0;
      k--;
      /* (no title without these: then lower_elsewhere need not be asked,
       * and its answers do not depend on which questions came before) */
      if (!(cap_function && words >= 4 && k >= first + 3))
        return 0;
      /* "… Clinic Ana Ruiz has": where a name starts is unknown */
      if (k > first && (at (doc, k - 1)->flags & XREF_TOKEN_CAPITALISED) && !(at (doc, k)->flags & XREF_TOKEN_ALLCAPS)
          && wc_of (rules, at (doc, k)->norm) == 0 && wc_of (rules, at (doc, k - 1)->norm) == 0
          && !lower_elsewhere (doc, lower, at (doc, k)))
        return 0;
      return cap_function && words >= 4 && k >= first + 3 ? k : 0;
    }
  return 0;
}

/* How far into a document lower_elsewhere looks. */
#define LOWER_WINDOW (128 * 1024)

static gboolean
word_byte (guchar c)
{
  return g_ascii_isalnum (c) || c >= 0x80 || c == '-' || c == '\'';
}

/* The words of a document's window that start with a lower-case letter,
 * after trimming hyphens and apostrophes at both ends ("pop-culture",
 * "don't"), are the set lower_elsewhere asks about. */

/* memmem (hay, end - hay, w, n) for n >= 2.  With SSE2 the candidates,
 * where the first and the last byte of w are n - 1 bytes apart, are found
 * thirty-two places at a time (glibc's memmem took about three
 * instructions per byte of the document here; the first two bytes, "th",
 * "re", let through several times more candidates than the two ends); the
 * rest of the text goes to memmem. */
static const char *
find_bytes (const char *hay, const char *end, const char *w, gsize n)
{
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
  const __m128i c0 = _mm_set1_epi8 (w[0]), c1 = _mm_set1_epi8 (w[n - 1]);

  /* (each step reads hay[0..32) and hay[n - 1..n + 31): every candidate
   * x < hay + 32 has its n bytes before end) */
  while ((gsize) (end - hay) >= n + 31)
    {
      const __m128i a0 = _mm_loadu_si128 ((const __m128i *) (const void *) hay);
      const __m128i a1 = _mm_loadu_si128 ((const __m128i *) (const void *) (hay + 16));
      const __m128i z0 = _mm_loadu_si128 ((const __m128i *) (const void *) (hay + n - 1));
      const __m128i z1 = _mm_loadu_si128 ((const __m128i *) (const void *) (hay + n + 15));
      guint32 m = (guint32) _mm_movemask_epi8 (_mm_and_si128 (_mm_cmpeq_epi8 (a0, c0), _mm_cmpeq_epi8 (z0, c1)))
                  | (guint32) _mm_movemask_epi8 (_mm_and_si128 (_mm_cmpeq_epi8 (a1, c0), _mm_cmpeq_epi8 (z1, c1))) << 16;
      while (m != 0)
        {
          const char *x = hay + __builtin_ctz (m);
          if (memcmp (x + 1, w + 1, n - 2) == 0)
            return x;
          m &= m - 1;
        }
      hay += 32;
    }
#endif
  return memmem (hay, (gsize) (end - hay), w, n);
}

/* TRUE when w[0..n) occurs in text[0..wlen) as one of those words: an
 * occurrence with only hyphens and apostrophes between it and the
 * non-word bytes (or window edges) around it.  w must start with a
 * lower-case ASCII letter, hold only word bytes and not end in a hyphen
 * or apostrophe (else no word of the set can equal it). */
static gboolean
lower_occurs (const char *text, gsize wlen, const char *w, gsize n)
{
  const char *hay = text, *end = text + wlen, *x;

  while (hay < end && (x = find_bytes (hay, end, w, n)) != NULL)
    {
      const char *y = x, *z = x + n;
      while (y > text && (y[-1] == '-' || y[-1] == '\''))
        y--;
      while (z < end && (*z == '-' || *z == '\''))
        z++;
      if ((y == text || !word_byte ((guchar) y[-1])) && (z == end || !word_byte ((guchar) *z)))
        return TRUE;
      hay = x + 1;
    }
  return FALSE;
}

/* Does the capitalised word t occur in lower case elsewhere in the
 * (first LOWER_WINDOW bytes of the) document?  Then it is a common word
 * ("Authorities" … "the authorities"), not a name ("Reid"): the
 * document-centred test for capitalised words.  A document asks a few
 * times: the first LOWER_SCANS questions search the text (memmem); after
 * that lower->set caches the whole set of words, so that a long document
 * asking at every sentence stays linear. */
#define LOWER_SCANS 16

static gboolean
lower_elsewhere (const XrefDocument *doc, Lower *lower, const XrefToken *t)
{
  gsize len = MIN (doc->len, LOWER_WINDOW), n;

  /* both interned: equal strings are the same pointer */
  if (t->norm == t->form || (n = strlen (t->norm)) < 2)
    return FALSE;
  if (lower->set == NULL && lower->scans < LOWER_SCANS)
    {
      lower->scans++;
      if (!g_ascii_islower (t->norm[0]) || t->norm[n - 1] == '-' || t->norm[n - 1] == '\'')
        return FALSE;
      for (gsize k = 0; k < n; k++)
        if (!word_byte ((guchar) t->norm[k]))
          return FALSE;
      return lower_occurs (doc->text, len, t->norm, n);
    }
  if (lower->set == NULL)
    {
      gsize p = 0;

      lower->set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      while (p < len)
        {
          gsize q = p;
          while (q < len && word_byte ((guchar) doc->text[q]))
            q++;
          /* "pop-culture", "don't": trailing hyphens and apostrophes off */
          gsize e = q;
          while (e > p && (doc->text[e - 1] == '-' || doc->text[e - 1] == '\''))
            e--;
          while (p < e && (doc->text[p] == '-' || doc->text[p] == '\''))
            p++;
          if (e > p && g_ascii_islower (doc->text[p]))
            g_hash_table_add (lower->set, g_strndup (doc->text + p, e - p));
          p = q + 1;
        }
    }
  return g_hash_table_contains (lower->set, t->norm);
}

/* A headline in sentence case run into its body at the start of a region:
 * "Storm floods coastal towns Residents were told to leave …".  Inside a
 * sentence a capitalised word after a lower-case content word is a name
 * ("… hits Greece"), and a name goes on with a verb or a preposition; a
 * second capitalised word that follows the name and is itself followed by
 * a lower-case word starts the body.  The headline is recognised by its
 * lower-case content words, no determiner (headlines drop articles), no
 * terminal punctuation and no quotation.  Returns the token the body
 * starts at, or 0. */
static guint
sentence_case_break (const XrefDocument *doc, const XrefRules *rules, guint first, guint last, const guint8 *brk,
                     Lower *lower)
{
  gboolean lower_content = FALSE;

  if (rules == NULL)
    return 0;
  for (guint i = first; i + 1 < last && i < first + 30; i++)
    {
      const XrefToken *t = at (doc, i), *prev, *next;
      guint wc;

      if (brk[i - first] != 0)
        return 0;
      if (t->kind == XREF_TOKEN_QUOTE || is_terminal (t))
        return 0;
      if (t->kind != XREF_TOKEN_WORD)
        continue;
      wc = wc_of (rules, t->norm);
      if (wc & XREF_WC_DETERMINER)
        return 0;
      if (!(t->flags & XREF_TOKEN_CAPITALISED))
        {
          if (wc == 0 && chars_at_least (doc, t, 4) && first_is_alpha (span_bytes (doc, t)))
            lower_content = TRUE;
          continue;
        }
      if (!lower_content || i < first + 3 || (t->flags & XREF_TOKEN_ALLCAPS))
        continue;
      prev = at (doc, i - 1);
      next = at (doc, i + 1);
      if (prev->kind != XREF_TOKEN_WORD || prev->end == t->start || next->start == t->end
          || wc_of (rules, prev->norm) != 0 || (prev->flags & XREF_TOKEN_ALLCAPS))
        continue;
      if (month_of (rules, t) || weekday_of (rules, t))
        continue;
      if (next->kind != XREF_TOKEN_WORD || (next->flags & XREF_TOKEN_CAPITALISED)
          || !first_is_alpha (next->form))
        continue;
      if (!lower_elsewhere (doc, lower, t))
        continue;
      if (rules->speech_phrases != NULL)
        {
          gconstpointer v = NULL;
          if (xref_phrase_table_match (rules->speech_phrases, (const XrefToken *) doc->tokens->data,
                                       doc->tokens->len, i - 1, &v) > 0)
            continue;
        }
      return i;
    }
  return 0;
}

/* A section title between two sentences: "… denied both motions. Long
 * delay When the case …", "… the accused. 'Not guilty' The jury …",
 * "… markets. SECOND STRIKE The unions …".  The tokens from s (a
 * sentence start) up to a token k that can start a sentence form a title
 * when they are a few words without punctuation and either stand in
 * quotation marks, or are in capitals before a word that is not, or end
 * in a lower-case word (or a capitalised one before "The", "It", "He")
 * before a capitalised closed-class word.  Returns k, or 0. */
static guint
title_after (const XrefDocument *doc, const XrefRules *rules, guint s, guint last, Lower *lower, const guint8 *tb)
{
  gboolean all_caps = TRUE, any_closed = FALSE;
  guint words = 0, k = s;

  if (rules == NULL || s >= last)
    return 0;
  /* Without a quotation mark at s or in the eight tokens after it, the
   * loop below sees at most the seven tokens from s (each a word, or it
   * stops), and it can only end a title at a capitalised word: none of
   * those eight, none here (tb: the region's bits from s, padded). */
  if (!(tb[0] & TB_QUOTE) && !(xref_text_load8 (tb + 1) & ((TB_CAP_WORD | TB_QUOTE) * ONES)))
    return 0;
  if (at (doc, s)->kind == XREF_TOKEN_QUOTE)
    {
      /* 'Not guilty' The jury … */
      const XrefToken *q, *n;
      if (!(at (doc, s)->flags & XREF_TOKEN_OPEN_QUOTE))
        return 0;
      for (k = s + 1; k < last && words <= 6; k++)
        if (at (doc, k)->kind == XREF_TOKEN_WORD)
          words++;
        else if (!(is_form (at (doc, k), ",") && words > 0))
          break;
      if (words == 0 || words > 6 || k + 1 >= last)
        return 0;
      q = at (doc, k);
      n = at (doc, k + 1);
      if (q->kind != XREF_TOKEN_QUOTE || !(q->flags & XREF_TOKEN_CLOSE_QUOTE) || q->start != at (doc, k - 1)->end
          || at (doc, k - 1)->kind != XREF_TOKEN_WORD || n->start == q->end)
        return 0;
      if ((n->kind == XREF_TOKEN_WORD && (n->flags & XREF_TOKEN_CAPITALISED))
          || (n->kind == XREF_TOKEN_QUOTE && (n->flags & XREF_TOKEN_OPEN_QUOTE)))
        return k + 1;
      return 0;
    }
  for (k = s; k + 1 < last && words <= 6; k++)
    {
      const XrefToken *n = at (doc, k), *p;
      guint wc;

      /* a quoted word inside the title: "Vote 'impossible' The …" */
      if (n->kind == XREF_TOKEN_QUOTE && words > 0)
        continue;
      if (n->kind != XREF_TOKEN_WORD)
        return 0;
      wc = wc_of (rules, n->norm);
      if (words > 0 && n->start != at (doc, k - 1)->end && (n->flags & XREF_TOKEN_CAPITALISED))
        {
          p = at (doc, k - 1);
          if (p->kind == XREF_TOKEN_QUOTE)
            {
              if (!(p->flags & XREF_TOKEN_CLOSE_QUOTE) || at (doc, k - 2)->kind != XREF_TOKEN_WORD)
                return 0;
              p = at (doc, k - 2);
            }
          /* "BIGGEST STRIKE YET Workers walked out" */
          if (all_caps && words >= 2 && !(n->flags & XREF_TOKEN_ALLCAPS) && chars_at_least (doc, p, 3)
              && at (doc, k + 1)->kind == XREF_TOKEN_WORD)
            return k;
          /* "… of the city. Seismic risk Scientists say …": a common
           * word (written in lower case elsewhere) after a lower-case one */
          if (!all_caps && !any_closed && words <= 3 && wc == 0 && !(n->flags & XREF_TOKEN_ALLCAPS)
              && !(p->flags & XREF_TOKEN_CAPITALISED)
              && wc_of (rules, p->norm) == 0 && first_is_alpha (p->form)
              && lower_elsewhere (doc, lower, n))
            return k;
          if (!all_caps && !(n->flags & XREF_TOKEN_ALLCAPS) && !str_is (n->norm, "i") && wc != 0
              && wc_of (rules, p->norm) == 0
              /* not "… told The Post that", "… directed The Golden Compass" */
              && !((wc & XREF_WC_DETERMINER) && (at (doc, k + 1)->flags & XREF_TOKEN_CAPITALISED)
                   && !(at (doc, k + 1)->flags & XREF_TOKEN_ALLCAPS))
              && (!(p->flags & XREF_TOKEN_CAPITALISED)
                  || (wc & (XREF_WC_DETERMINER | XREF_WC_PRONOUN_MALE | XREF_WC_PRONOUN_FEMALE
                            | XREF_WC_PRONOUN_PLURAL | XREF_WC_PRONOUN_NEUTER))))
            return k;
        }
      words++;
      if (wc != 0)
        any_closed = TRUE;
      if (!(n->flags & XREF_TOKEN_ALLCAPS))
        all_caps = FALSE;
      /* an auxiliary or a modal makes the words a clause, not a title:
       * no word after it ends one */
      if (wc & (XREF_WC_AUXILIARY | XREF_WC_MODAL))
        return 0;
    }
  return 0;
}

/* A list bullet opens an item of its own: "… agree • Experts to be …". */
static gboolean
is_bullet (const XrefToken *t)
{
  return (t->kind == XREF_TOKEN_PUNCT || t->kind == XREF_TOKEN_SYMBOL)
         && (is_form (t, "\u2022") || is_form (t, "\u25aa") || is_form (t, "\u25cf") || is_form (t, "\u25e6"));
}

/* A win-loss record between two names ends a row of a results table run
 * together: "Ann Lee 26-1 Bea Cruz 22-3 …".  Token i is the record. */
static gboolean
record_row_end (const XrefDocument *doc, const XrefRules *rules, guint i, guint first, guint last)
{
  const XrefToken *t = at (doc, i), *prev, *n1, *n2;
  guint parts = 1, digits = 0;

  if (t->kind != XREF_TOKEN_NUMBER || i == first || i + 2 >= last)
    return FALSE;
  for (const char *c = span_bytes (doc, t), *e = c + form_len (t); c < e; c++)
    if (*c == '-' && digits > 0)
      {
        parts++;
        digits = 0;
      }
    else if (g_ascii_isdigit (*c) && digits < 3)
      digits++;
    else
      return FALSE;
  if (parts < 2 || parts > 3 || digits == 0 || is_numeric_date (t))
    return FALSE;
  prev = at (doc, i - 1);
  n1 = at (doc, i + 1);
  n2 = at (doc, i + 2);
  return prev->kind == XREF_TOKEN_WORD && (prev->flags & XREF_TOKEN_CAPITALISED) && prev->end < t->start
         && n1->kind == XREF_TOKEN_WORD && n2->kind == XREF_TOKEN_WORD && n1->start > t->end
         && (n1->flags & XREF_TOKEN_CAPITALISED) && (n2->flags & XREF_TOKEN_CAPITALISED)
         && !(n1->flags & XREF_TOKEN_ALLCAPS) && wc_of (rules, n1->norm) == 0
         && wc_of (rules, n2->norm) == 0 && !month_of (rules, n1)
         && !weekday_of (rules, n1);
}

/* "… at an office party According to police, …": a capitalised
 * attribution phrase of the rules that ends in a preposition ("according
 * to") cannot go on a sentence, so a headline ended before it. */
static gboolean
attribution_start (const XrefDocument *doc, const XrefRules *rules, guint i, guint first)
{
  const XrefToken *t = at (doc, i), *prev;
  gconstpointer v = NULL;
  guint n;

  if (i == first || rules == NULL || rules->speech_phrases == NULL || t->kind != XREF_TOKEN_WORD
      || !(t->flags & XREF_TOKEN_CAPITALISED) || (t->flags & XREF_TOKEN_ALLCAPS))
    return FALSE;
  prev = at (doc, i - 1);
  if ((prev->kind != XREF_TOKEN_WORD && prev->kind != XREF_TOKEN_NUMBER) || prev->end == t->start
      || (prev->flags & XREF_TOKEN_IN_QUOTE))
    return FALSE;
  /* a phrase starts only at a word with the table's head bit (one probe
   * of the rules' word index, cheaper than asking the table) */
  if (rules->word_index != NULL && !(xref_rules_word_bits (rules, t->norm) & XREF_WB_SPEECH_HEAD))
    return FALSE;
  n = xref_phrase_table_match (rules->speech_phrases, (const XrefToken *) doc->tokens->data, doc->tokens->len, i, &v);
  return n >= 2 && (wc_of (rules, at (doc, i + n - 1)->norm) & XREF_WC_PREPOSITION)
         && !(at (doc, i + n - 1)->flags & XREF_TOKEN_CAPITALISED);
}

/* scratch: room for the marks of a region of the document; bits: the
 * document's token bits, from the region's first token on (see
 * xref_text_segment) */
static void
segment_region (XrefDocument *doc, const XrefRules *rules, const XrefSpan *r, Lower *lower, guint8 *scratch,
                guint8 *bits, guint64 *words, Sents *ss)
{
  guint first = doc->tokens->len, last, start;
  guint flags = XREF_SENTENCE_PARA;
  guint8 *brk, *tb, *wb;

  /* tb[0..n), brk[0..n] and wb[0..n), each with eight zero bytes after
   * it for next_with; a region of m bytes has at most m tokens, so the
   * scratch (2 m + 17 bytes) holds brk and wb one after the other, cleared
   * by one memset */
  tb = bits + first;
  brk = scratch;
  /* (the text is NUL-terminated: len + 1 bytes readable) */
  if (words != NULL)
    xref_text_tokenize_words (doc->text, r->start, r->end, doc->len + 1, doc->tokens, tb, words + first);
  else
    xref_text_tokenize_bits_in (doc->text, r->start, r->end, doc->len + 1, doc->tokens, tb);
  last = doc->tokens->len;
  {
    guint n = last - first;

    wb = brk + n + 9;
    memset (tb + n, 0, 8);
    memset (brk, 0, 2 * (gsize) n + 17);
  }
  /* Marks that depend on the tokens alone: run-in headlines, bullets,
   * attributions, result rows, then date stamps (mark_stamps reads no
   * mark either, so the order does not matter).  A capitalised word is
   * looked up in the word index first (none of these reads the answers
   * of another token): the month and weekday names (month_of ||
   * weekday_of: a capitalised WORD) open stamps, and only a word that
   * can start a speech phrase can start an attribution. */
  /* (the index and the tokens in locals: the stores through the bit
   * arrays below may alias anything, so the compiler would read the
   * thread-local index and doc->tokens again after each) */
  const TextIndex *ti = rules != NULL ? cur_index : NULL;
  const XrefToken *tok = (const XrefToken *) (gconstpointer) doc->tokens->data;

  for (guint i = first; i < last; i++)
    {
      guint8 b;
      gboolean speech = TRUE;

      i = first + next_with (tb, i - first, last - first, TB_CAP_WORD | TB_NUMBER | TB_BULLET);
      if (i >= last)
        break;
      b = tb[i - first];
      if ((b & TB_CAP_WORD) && ti != NULL)
        {
          const TextWord *w = index_find (ti, tok[i].norm);

          /* a word in none of the tables (most names), when the index
           * has the speech heads: none of the tests below can hold */
          if (w == &no_word && ti->serial != 0)
            continue;
          if (w->month != 0 || w->weekday != 0)
            {
              tb[i - first] |= TB_STAMP;
              wb[i - first] |= WB_DATE;
            }
          if (w->wc & HEADLINE_CLASSES)
            wb[i - first] |= WB_HEADLINE;
          /* (attribution_start asks the rules when the index has no heads) */
          speech = ti->serial == 0 || w->speech;
        }
      /* (headline_break needs a capitalised word of HEADLINE_CLASSES) */
      if (((b & TB_CAP_WORD) && (wb[i - first] & WB_HEADLINE) && headline_break (doc, rules, i, first, last))
          || ((b & TB_BULLET) && i > first && is_bullet (at (doc, i)))
          || ((b & TB_CAP_WORD) && speech && attribution_start (doc, rules, i, first)))
        brk[i - first] |= BRK_BEFORE;
      if ((b & TB_NUMBER) && rules != NULL && record_row_end (doc, rules, i, first, last))
        brk[i + 1 - first] |= BRK_BEFORE;
    }
  mark_stamps (doc, rules, first, last, brk, tb, wb);
  {
    guint k = title_break (doc, rules, first, last, brk, lower);
    if (k == 0)
      k = sentence_case_break (doc, rules, first, last, brk, lower);
    if (k > first)
      brk[k - first] |= BRK_BEFORE;
  }

  start = first;
  for (guint i = first; i < last; i++)
    {
      guint end;

      /* Skip to the next token after which a sentence can end: one with
       * a mark before the token after it, one boundary_after may accept,
       * or the last one a sentence may have; after the others end is 0
       * below.  (The marks are read as they are now: title_after adds
       * some ahead of i.) */
      {
        guint lim = MIN (last, start + MAX_SENTENCE_TOKENS - 1) - first, k = i - first;
        for (; k < lim; k += 8)
          {
            guint64 w = (xref_text_load8 (brk + k + 1) & (BRK_BEFORE * ONES)) | (xref_text_load8 (tb + k) & (TB_MAY_END * ONES));
            if (w != 0)
              break;
          }
        if (k < lim)
          k += xref_text_first_byte ((xref_text_load8 (brk + k + 1) & (BRK_BEFORE * ONES)) | (xref_text_load8 (tb + k) & (TB_MAY_END * ONES)));
        i = first + MIN (k, lim);
        if (i >= last)
          break;
      }
      if (brk[i - first] & BRK_INSIDE)
        end = 0;
      else if (i + 1 < last && (brk[i + 1 - first] & BRK_BEFORE))
        end = i + 1;
      else if (tb[i - first] & TB_MAY_END)
        end = boundary_after (doc, rules, i, last);
      else
        end = 0;   /* boundary_after would say 0 */
      if (end == 0 && i + 1 - start >= MAX_SENTENCE_TOKENS)
        end = i + 1;
      if (end == 0)
        continue;
      add_sentence (ss, doc, start, end - start, flags, tb + (start - first));
      flags = 0;
      start = end;
      i = end - 1;
      {
        guint k = title_after (doc, rules, start, last, lower, tb + (start - first));
        if (k > start)
          brk[k - first] |= BRK_BEFORE;
      }
    }
  if (start < last)
    add_sentence (ss, doc, start, last - start, flags, tb + (start - first));
}

/* The bits of the tokens of the document this thread segmented last,
 * kept for the stages after it (xref_text_doc_bits), and what tells that
 * document: its address, its text, its token array and count, and the
 * pass test's gen.  The buffer is freed when the thread exits. */
static GPrivate doc_bits_buf = G_PRIVATE_INIT (g_free);
static _Thread_local gsize doc_bits_room;
static _Thread_local struct {
  const XrefDocument *doc;
  const char *text;
  gconstpointer tokens;
  guint n;
  guint gen;
  const XrefRules *words_rules;   /* the rule set of the word answers, or NULL */
  guint words_serial;             /* and its serial */
} doc_bits_of;

/* The word function's answers for the tokens of that document
 * (xref_text_doc_words), kept the same way. */
static GPrivate doc_words_buf = G_PRIVATE_INIT (g_free);
static _Thread_local gsize doc_words_room;

/* This thread's buffer of key (*room bytes) with room for n bytes (its
 * contents lost); one grown for a huge document is not kept for small
 * ones.  The buffers are freed when the thread exits. */
static gpointer
thread_buf (GPrivate *key, gsize *room, gsize n)
{
  gpointer b = g_private_get (key);

  if (b != NULL && *room >= n && (*room <= (1u << 22) || n > *room / 4))
    return b;
  *room = *room < n ? MAX (n, 2 * *room) : MAX (n, (gsize) 1 << 16);
  b = g_malloc (*room);
  g_private_replace (key, b);
  return b;
}

/* This thread's bits buffer with room for n bytes (its contents lost). */
static guint8 *
doc_bits_get (gsize n)
{
  return thread_buf (&doc_bits_buf, &doc_bits_room, n);
}

/* The marks of a region (segment_region's scratch) and the sentences of
 * a document as they are found (Sents): buffers of the thread, reused from
 * document to document instead of two allocations each. */
static GPrivate scratch_buf = G_PRIVATE_INIT (g_free);
static _Thread_local gsize scratch_room;
static GPrivate sents_buf = G_PRIVATE_INIT (g_free);
static _Thread_local gsize sents_room;

/* Room for at least one more sentence in ss (whose v is sents_buf's). */
static void
sents_grow (Sents *ss)
{
  ss->room = MAX (2 * ss->room, 64);
  ss->v = g_renew (XrefSentence, ss->v, ss->room);
  sents_room = ss->room * sizeof (XrefSentence);
  g_private_set (&sents_buf, ss->v);   /* (the old block is gone: no destroy) */
}

const guint64 *
xref_text_doc_words (const XrefDocument *doc, const XrefRules *rules)
{
  if (doc == NULL || doc->tokens == NULL || doc_bits_of.doc != doc || doc_bits_of.text != doc->text
      || doc_bits_of.tokens != (gconstpointer) doc->tokens->data || doc_bits_of.n != doc->tokens->len
      || rules == NULL || doc_bits_of.words_rules != rules || doc_bits_of.words_serial != rules->serial)
    return NULL;
  return g_private_get (&doc_words_buf);
}

const guint8 *
xref_text_doc_bits (const XrefDocument *doc, guint gen)
{
  if (doc == NULL || doc->tokens == NULL || doc_bits_of.doc != doc || doc_bits_of.text != doc->text
      || doc_bits_of.tokens != (gconstpointer) doc->tokens->data || doc_bits_of.n != doc->tokens->len
      || doc_bits_of.gen != gen)
    return NULL;
  return g_private_get (&doc_bits_buf);
}

void
xref_text_segment (XrefDocument *doc, const XrefRules *rules)
{
  guint r = 0, h = 0;
  Lower lower = { NULL, 0 };
  guint8 *scratch;
  guint8 *bits;
  guint64 *words = NULL;     /* (the word answers, while the word function is on) */
  Sents ss = { NULL, 0, 0 };

  /* Sized from the text so that appending never reallocates: about one
   * token per five bytes of prose (the arrays live only until the
   * document's claims are extracted).  The token array is not cleared:
   * the tokenizer writes every field of each element it adds. */
  if (doc->tokens->len == 0)
    {
      g_array_unref (doc->tokens);
      doc->tokens = g_array_sized_new (FALSE, FALSE, sizeof (XrefToken), (guint) MIN (doc->len / 4 + 16, G_MAXUINT / 2));
    }
  g_array_set_size (doc->tokens, 0);
  /* (about one sentence per 64 bytes of prose; more grow the buffer) */
  ss.room = (guint) MIN (doc->len / 64 + 8, G_MAXUINT / 2 / sizeof (XrefSentence));
  ss.v = thread_buf (&sents_buf, &sents_room, ss.room * sizeof (XrefSentence));
  ss.room = (guint) MIN (sents_room / sizeof (XrefSentence), G_MAXUINT / 2 / sizeof (XrefSentence));
  cur_index = rules != NULL ? text_index_get (rules) : NULL;
  /* The index's filter is read at every capitalised word, but the stages
   * between two documents leave little of it in cache, and each of its
   * lines would be a miss of its own: fetched at once (written here:
   * GCC drops calls to a helper that only prefetches). */
  if (cur_index != NULL)
    for (gsize k = 0; k < G_N_ELEMENTS (cur_index->filter); k += 8)
      __builtin_prefetch (&cur_index->filter[k]);
  /* the marks of one region at a time (segment_region): no region is
   * longer than the text; the bits of every token (no more tokens than
   * bytes in the regions and headings), eight bytes of padding after the
   * last */
  scratch = thread_buf (&scratch_buf, &scratch_room, 2 * doc->len + 25);
  {
    gsize spans = 0;
    for (guint k = 0; k < doc->regions->len; k++)
      spans += g_array_index (doc->regions, XrefSpan, k).end - g_array_index (doc->regions, XrefSpan, k).start;
    for (guint k = 0; k < doc->headings->len; k++)
      spans += g_array_index (doc->headings, XrefSpan, k).end - g_array_index (doc->headings, XrefSpan, k).start;
    doc_bits_of.doc = NULL;
    bits = doc_bits_get (spans + 16);
    if (xref_text_words_on (rules))
      words = thread_buf (&doc_words_buf, &doc_words_room, (spans + 16) * sizeof *words);
  }

  /* regions and headings in text order */
  while (r < doc->regions->len || h < doc->headings->len)
    {
      const XrefSpan *rs = r < doc->regions->len ? &g_array_index (doc->regions, XrefSpan, r) : NULL;
      const XrefSpan *hs = h < doc->headings->len ? &g_array_index (doc->headings, XrefSpan, h) : NULL;

      if (hs != NULL && (rs == NULL || hs->start < rs->start))
        {
          guint first = doc->tokens->len;
          if (words != NULL)
            xref_text_tokenize_words (doc->text, hs->start, hs->end, hs->end, doc->tokens, bits + first, words + first);
          else
            xref_text_tokenize_bits (doc->text, hs->start, hs->end, doc->tokens, bits + first);
          add_sentence (&ss, doc, first, doc->tokens->len - first, XREF_SENTENCE_HEADING, NULL);
          h++;
        }
      else
        {
          segment_region (doc, rules, rs, &lower, scratch, bits, words, &ss);
          r++;
        }
    }
  /* the sentences in one go, into an array of their number */
  if (doc->sentences->len == 0)
    {
      g_array_unref (doc->sentences);
      doc->sentences = g_array_sized_new (FALSE, TRUE, sizeof (XrefSentence), ss.n);
    }
  g_array_set_size (doc->sentences, 0);
  g_array_append_vals (doc->sentences, ss.v, ss.n);
  g_clear_pointer (&lower.set, g_hash_table_unref);
  text_index_unref ((TextIndex *) cur_index);
  cur_index = NULL;
  memset (bits + doc->tokens->len, 0, 8);
  doc_bits_of.doc = doc;
  doc_bits_of.text = doc->text;
  doc_bits_of.tokens = doc->tokens->data;
  doc_bits_of.n = doc->tokens->len;
  doc_bits_of.gen = xref_text_pass_gen ();
  doc_bits_of.words_rules = words != NULL ? rules : NULL;
  doc_bits_of.words_serial = words != NULL ? rules->serial : 0;
}
