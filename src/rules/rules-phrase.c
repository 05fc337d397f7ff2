/* xref — rules: phrase tables, the longest rule phrase at a token.
 *
 * Phrases are token sequences split by xref_tokenize, the tokenizer of the
 * articles, so a phrase and its text split alike.  A table hashes on the
 * first word's norm; each bucket chains its phrases longest first.  Words
 * and token norms are interned, so comparing them is comparing pointers.
 *
 *  - A phrase word with an upper-case letter ("US") must equal the token's
 *    form (’ and ' count as equal); any other word its norm.
 *  - QUOTE tokens in the text are transparent: "become legitimate targets"
 *    matches "become “legitimate targets”".
 *  - The word "*" matches one token that is a determiner or a pronoun
 *    ("send * troops" matches "sending its troops").
 *
 * Matching runs at nearly every token that can start a phrase of every
 * article (the callers ask only there: the rules' word index has a bit per
 * table for the first words, XREF_WB_*_HEAD), so the frozen table answers
 * the common cases without walking a chain: buckets found by the interned
 * pointer, and a filter of (first word, second word) pairs that sends a
 * token whose next word starts no longer phrase straight to the one-word
 * phrases of its bucket ("the" heads a dozen entity phrases; "the army"
 * matches none of them), asked first of a 32-bit filter of second words
 * kept in the bucket itself.  The bucket holds the answer of its first
 * one-word phrase when that needs no form (most verbs): no phrase is
 * read.  A token whose next word does continue some phrase reads the
 * phrases of that pair only (a hash of pairs), not its first word's whole
 * chain.  What costs here is memory more than instructions: each bucket,
 * filter word or phrase read is likely a cache miss, which is why there is
 * no filter of first words in front of the buckets any more (95 % of the
 * calls passed it). */
#include "rules-private.h"
#include "rules-phrase-hint.h"

#include <string.h>

#define BLOCK_SIZE (64 * 1024)
#define PAIR_BITS (1u << 15)

typedef struct {
  const char *norm;        /* interned */
  const char *form;        /* interned; non-NULL when the form must match */
  gboolean any;            /* the word "*" */
} PWord;

typedef struct _Phrase Phrase;
struct _Phrase {
  Phrase *next;            /* next phrase of the bucket (longest first) */
  Phrase *next2;           /* next phrase of its pair's chain (set at
                              freeze) */
  guint pos;               /* its place in the bucket's chain */
  guint tag;               /* tag_of (value), set at freeze; 0 without */
  gpointer value;
  gint64 rank;
  guint seq;
  guint n;
  PWord words[];
};

/* The phrases that start with one word, as a match reads them: 32
 * bytes, aligned, one cache line at most (the load of a bucket is most of
 * the cost of a match).  Its whole chain, longest first, is chains[] at
 * the bucket's index; phrases of two words or more are found by pair
 * (PairSlot). */
typedef struct {
  const char *head;        /* interned first norm; NULL for an empty slot */
  Phrase *singles;         /* the tail of the chain: the one-word phrases,
                              or NULL */
  gpointer value1;         /* the value of the first of singles when it has
                              no form to check (it matches any token of
                              this norm): the answer without reading the
                              phrase; NULL when there is none (or it is
                              NULL: singles is walked then) */
  guint16 flags;           /* BK_* */
  guint16 tag1;            /* the tag of value1 (xref_phrase_table_set_tags) */
  guint32 seconds;         /* bit second_bit (w): some phrase of two words
                              or more starts with this word and w (not
                              "*"); in the bucket's own cache line, so
                              that most tokens whose next word continues
                              no phrase are answered without the table's
                              pair filter (a second cache miss) */
} Bucket;

G_STATIC_ASSERT (sizeof (Bucket) == 32 && sizeof (Bucket) == XREF_PHRASE_BUCKET_SIZE);

enum {
  BK_LONGER = 1 << 0,      /* a phrase of two words or more starts here */
  BK_WILD2 = 1 << 1,       /* one has "*" for its second word */
};

/* The phrases of two words or more that start with one pair of words,
 * in the order of their bucket's chain, chained by next2; those whose
 * second word is "*" under the pair (first, wild_key). */
typedef struct {
  const char *first;       /* interned; NULL for an empty slot */
  const char *second;      /* interned, or wild_key */
  Phrase *chain;
} PairSlot;

G_STATIC_ASSERT (sizeof (PairSlot) == XREF_PHRASE_PAIR_SIZE);

/* The second word of the pair of the phrases with "*" there. */
static const char wild_key[] = "*";

/* A hash of a first and a second word (interned), for the pair slots
 * (the prefetches of extract.c use it too). */
static inline guint64
pair_hash (const char *first, const char *second)
{
  return xref_phrase_pair_hash (first, second);
}

/* A bucket's bit of a second word (interned). */
static inline guint
second_bit (const char *second)
{
  return (guint) (((guint64) (guintptr) second * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)) >> 59);
}

/* The pair filter's bit of a first and a second word. */
static inline guint
pair_bit (const char *first, const char *second)
{
  return (guint) (pair_hash (first, second) >> 49);
}

struct _XrefPhraseTable {
  Bucket *buckets;         /* set at freeze: open addressing by the interned
                              first norm (Fibonacci hash, linear probing) */
  guint bucket_shift;      /* 64 - log2 (number of slots) */
  guint bucket_mask;       /* number of slots - 1 */
  GHashTable *by_words;    /* while building: Phrase* → itself, to find the
                              same phrase given twice */
  GPtrArray *phrases;      /* owns the Phrase*, in insertion order */
  GHashTable *word_classes;
  GDestroyNotify value_free;
  XrefPhraseTagFunc tag_of;  /* or NULL: every tag 0 */
  gboolean frozen;
  GPtrArray *blocks;       /* memory of xref_phrase_table_alloc (owned) */
  gsize block_used;        /* bytes used in the last block */
  /* Bit pair_bit (first, second) is set for every phrase of two words or
   * more whose second word is not "*". */
  guint64 pairs[PAIR_BITS / 64];
  Phrase **chains;         /* set at freeze: each bucket's whole chain,
                              longest first (next), by bucket index */
  /* Set at freeze: the pairs' chains, open addressing by pair_hash.  A
   * token whose next word continues some phrase ("the" before "united")
   * reads the few phrases of that pair, not its first word's whole chain
   * (dozens for "the", each a cache miss). */
  PairSlot *pair_slots;
  guint pair_shift, pair_mask;
  /* Set at freeze: the interned words that the word "*" matches (those
   * of word_classes with a WILDCARD_CLASSES bit), an open-addressing set
   * keyed by the pointer, so that "*" costs a probe, not a string hash
   * (token norms are interned). */
  const char **wild;
  guint wild_shift, wild_mask;
};


#define WILDCARD_CLASSES                                                                                          \
  (XREF_WC_DETERMINER | XREF_WC_PRONOUN_MALE | XREF_WC_PRONOUN_FEMALE | XREF_WC_PRONOUN_PLURAL                    \
   | XREF_WC_PRONOUN_NEUTER)

static void
phrase_free (XrefPhraseTable *t, Phrase *p)
{
  if (t->value_free != NULL && p->value != NULL)
    t->value_free (p->value);
  g_free (p);
}

/* Two phrases are the same when their words are: interned strings, so
 * the pointers say it. */
static guint
phrase_hash (gconstpointer key)
{
  const Phrase *p = key;
  guint h = p->n;

  for (guint i = 0; i < p->n; i++)
    {
      h = h * 31u + g_direct_hash (p->words[i].norm);
      h = h * 31u + g_direct_hash (p->words[i].form) + (p->words[i].any ? 1u : 0u);
    }
  return h;
}

static gboolean
phrase_equal (gconstpointer a, gconstpointer b)
{
  const Phrase *x = a, *y = b;

  if (x->n != y->n)
    return FALSE;
  for (guint i = 0; i < x->n; i++)
    if (x->words[i].norm != y->words[i].norm || x->words[i].form != y->words[i].form
        || x->words[i].any != y->words[i].any)
      return FALSE;
  return TRUE;
}

XrefPhraseTable *
xref_phrase_table_new (GHashTable *word_classes, GDestroyNotify value_free)
{
  XrefPhraseTable *t = g_new0 (XrefPhraseTable, 1);

  t->by_words = g_hash_table_new (phrase_hash, phrase_equal);
  t->phrases = g_ptr_array_new ();
  t->word_classes = word_classes;
  t->value_free = value_free;
  return t;
}

void
xref_phrase_table_free (XrefPhraseTable *t)
{
  if (t == NULL)
    return;
  for (guint i = 0; i < t->phrases->len; i++)
    phrase_free (t, g_ptr_array_index (t->phrases, i));
  g_ptr_array_unref (t->phrases);
  g_aligned_free (t->buckets);
  g_free (t->chains);
  g_free (t->pair_slots);
  g_free (t->wild);
  g_clear_pointer (&t->by_words, g_hash_table_unref);
  g_clear_pointer (&t->blocks, g_ptr_array_unref);
  g_free (t);
}

gpointer
xref_phrase_table_alloc (XrefPhraseTable *t, gsize size)
{
  gpointer p;

  size = (size + 15) & ~(gsize) 15;
  if (size > BLOCK_SIZE / 4)
    {
      /* big: a block of its own, before the one being filled */
      p = g_malloc0 (size);
      if (t->blocks == NULL)
        t->blocks = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_insert (t->blocks, 0, p);
      return p;
    }
  if (t->blocks == NULL || t->blocks->len == 0 || t->block_used + size > BLOCK_SIZE)
    {
      if (t->blocks == NULL)
        t->blocks = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (t->blocks, g_malloc (BLOCK_SIZE));
      t->block_used = 0;
    }
  p = (char *) g_ptr_array_index (t->blocks, t->blocks->len - 1) + t->block_used;
  t->block_used += size;
  memset (p, 0, size);
  return p;
}

static gboolean
has_upper (const char *s)
{
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      if ((guchar) *p < 0x80)
        {
          if (g_ascii_isupper (*p))
            return TRUE;
          continue;
        }
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isupper (c) || g_unichar_istitle (c))
        return TRUE;
    }
  return FALSE;
}

gboolean
xref_phrase_table_add (XrefPhraseTable *t, const XrefToken *tokens, guint n, gpointer value, gint64 rank,
                       const char **problem)
{
  Phrase *p, *old;
  guint k = 0;

  g_return_val_if_fail (!t->frozen, FALSE);

  p = g_malloc0 (sizeof (Phrase) + sizeof (PWord) * MAX (n, 1));
  p->value = value;
  p->rank = rank;
  for (guint i = 0; i < n; i++)
    {
      const XrefToken *tok = &tokens[i];
      PWord *w = &p->words[k];

      if (tok->kind == XREF_TOKEN_QUOTE)
        continue;
      w->norm = tok->norm;
      if (tok->form[0] == '*' && tok->form[1] == '\0')
        w->any = TRUE;
      else if (has_upper (tok->form))
        w->form = tok->form;
      k++;
    }
  p->n = k;

  if (k == 0 || p->words[0].any)
    {
      *problem = k == 0 ? "the phrase has no words" : "a phrase cannot start with '*'";
      phrase_free (t, p);
      return FALSE;
    }

  old = g_hash_table_lookup (t->by_words, p);
  if (old != NULL)
    {
      /* The same phrase again: the lower rank keeps it, the first on a tie. */
      if (rank < old->rank)
        {
          gpointer tmp = old->value;
          old->value = p->value;
          old->rank = rank;
          p->value = tmp;
        }
      phrase_free (t, p);
      return TRUE;
    }
  p->seq = t->phrases->len;
  g_ptr_array_add (t->phrases, p);
  g_hash_table_add (t->by_words, p);
  return TRUE;
}

/* The bucket of an interned first word; with add, a new one if none.
 * (xref_phrase_hash: the prefetches of extract.c hash alike.) */
static Bucket *
bucket_find (const XrefPhraseTable *t, const char *head, gboolean add)
{
  guint h = (guint) (xref_phrase_hash (head) >> t->bucket_shift);

  for (;; h = (h + 1) & t->bucket_mask)
    {
      Bucket *bk = &t->buckets[h];
      if (bk->head == head)
        return bk;
      if (bk->head == NULL)
        {
          if (!add)
            return NULL;
          bk->head = head;
          return bk;
        }
    }
}

/* The slot of an interned word in the wildcard set: the word's, or the
 * empty one where it would be. */
static const char **
wild_slot (const XrefPhraseTable *t, const char *word)
{
  guint h = (guint) (((guint64) (guintptr) word * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> t->wild_shift);

  while (t->wild[h] != NULL && t->wild[h] != word)
    h = (h + 1) & t->wild_mask;
  return &t->wild[h];
}

/* Fills t->wild from the word classes: every word whose class "*" accepts
 * (interned, so a token's norm finds it by its pointer). */
static void
wild_build (XrefPhraseTable *t)
{
  GHashTableIter it;
  gpointer k, v;
  guint n = 0, log2 = 4;

  if (t->word_classes == NULL)
    return;
  g_hash_table_iter_init (&it, t->word_classes);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (GPOINTER_TO_UINT (v) & WILDCARD_CLASSES)
      n++;
  /* at most a quarter full: a miss, the common answer, ends at once */
  while ((1u << log2) < 4 * n)
    log2++;
  t->wild_shift = 64 - log2;
  t->wild_mask = (1u << log2) - 1;
  t->wild = g_new0 (const char *, (gsize) t->wild_mask + 1);
  g_hash_table_iter_init (&it, t->word_classes);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (GPOINTER_TO_UINT (v) & WILDCARD_CLASSES)
      {
        const char *word = xref_intern (k);
        *wild_slot (t, word) = word;
      }
}

/* The slot of a pair of interned words: its own, or the empty one where
 * it would be. */
static PairSlot *
pair_slot (const XrefPhraseTable *t, const char *first, const char *second)
{
  guint h = (guint) (pair_hash (first, second) >> t->pair_shift);

  while (t->pair_slots[h].first != NULL && (t->pair_slots[h].first != first || t->pair_slots[h].second != second))
    h = (h + 1) & t->pair_mask;
  return &t->pair_slots[h];
}

/* Numbers each bucket's chain (pos) and chains its n_longer phrases of
 * two words or more by pair, in the chain's order (prepending from its
 * end). */
static void
pairs_build (XrefPhraseTable *t, guint n_longer)
{
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  guint log2 = 4;

  while ((1u << log2) < 2 * n_longer)
    log2++;
  t->pair_shift = 64 - log2;
  t->pair_mask = (1u << log2) - 1;
  t->pair_slots = g_new0 (PairSlot, (gsize) t->pair_mask + 1);
  for (guint b = 0; b <= t->bucket_mask; b++)
    {
      const Bucket *bk = &t->buckets[b];
      if (bk->head == NULL)
        continue;
      g_ptr_array_set_size (chain, 0);
      for (Phrase *p = t->chains[b]; p != NULL; p = p->next)
        {
          p->pos = chain->len;
          g_ptr_array_add (chain, p);
        }
      for (guint k = chain->len; k > 0; k--)
        {
          Phrase *p = g_ptr_array_index (chain, k - 1);
          const char *second;
          PairSlot *ps;
          if (p->n == 1)
            continue;
          second = p->words[1].any ? wild_key : p->words[1].norm;
          ps = pair_slot (t, bk->head, second);
          ps->first = bk->head;
          ps->second = second;
          p->next2 = ps->chain;
          ps->chain = p;
        }
    }
}

void
xref_phrase_table_freeze (XrefPhraseTable *t)
{
  g_autofree guint *start = NULL;
  g_autofree Phrase **order = NULL;
  guint max_n = 0, len = t->phrases->len, n_longer = 0;

  if (t->frozen)
    return;
  /* Each bucket chains its phrases longest first, then in insertion order.
   * A counting sort by length (shortest first, the latest first within a
   * length) and a prepend to each chain gives that in linear time, however
   * many phrases share a first word. */
  for (guint i = 0; i < len; i++)
    max_n = MAX (max_n, ((Phrase *) g_ptr_array_index (t->phrases, i))->n);
  start = g_new0 (guint, max_n + 2);
  for (guint i = 0; i < len; i++)
    start[((Phrase *) g_ptr_array_index (t->phrases, i))->n + 1]++;
  for (guint n = 1; n <= max_n + 1; n++)
    start[n] += start[n - 1];
  order = g_new (Phrase *, MAX (len, 1));
  for (guint i = len; i > 0; i--)
    {
      Phrase *p = g_ptr_array_index (t->phrases, i - 1);
      order[start[p->n]++] = p;
    }
  {
    guint log2 = 4;
    while ((1u << log2) < 2 * len)
      log2++;
    t->bucket_shift = 64 - log2;
    t->bucket_mask = (1u << log2) - 1;
    t->buckets = g_aligned_alloc0 ((gsize) t->bucket_mask + 1, sizeof (Bucket), 64);
    t->chains = g_new0 (Phrase *, (gsize) t->bucket_mask + 1);
  }
  for (guint i = 0; i < len; i++)
    {
      Phrase *p = order[i];
      Bucket *bk = bucket_find (t, p->words[0].norm, TRUE);

      if (t->tag_of != NULL)
        {
          p->tag = t->tag_of (p->value);
          g_warn_if_fail (p->tag <= G_MAXUINT16);
        }

      p->next = t->chains[bk - t->buckets];
      t->chains[bk - t->buckets] = p;
      if (p->n == 1)
        {
          bk->singles = p;
          bk->value1 = p->words[0].form == NULL ? p->value : NULL;
          bk->tag1 = (guint16) p->tag;
        }
      else if (p->words[1].any)
        bk->flags |= BK_LONGER | BK_WILD2;
      else
        {
          guint pb = pair_bit (p->words[0].norm, p->words[1].norm);
          t->pairs[pb / 64] |= G_GUINT64_CONSTANT (1) << (pb % 64);
          bk->seconds |= 1u << second_bit (p->words[1].norm);
          bk->flags |= BK_LONGER;
        }
      if (p->n > 1)
        n_longer++;
    }
  pairs_build (t, n_longer);
  wild_build (t);
  g_clear_pointer (&t->by_words, g_hash_table_unref);
  t->frozen = TRUE;
}

void
xref_phrase_table_heads (const XrefPhraseTable *t, GPtrArray *out)
{
  for (guint i = 0; t != NULL && i < t->phrases->len; i++)
    g_ptr_array_add (out, (gpointer) ((const Phrase *) g_ptr_array_index (t->phrases, i))->words[0].norm);
}

guint
xref_phrase_table_size (const XrefPhraseTable *t)
{
  return t != NULL ? t->phrases->len : 0;
}

/* Equal forms, counting the curly apostrophes and the straight one equal. */
static gboolean
forms_equal (const char *a, const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      gunichar ca = g_utf8_get_char (a), cb = g_utf8_get_char (b);
      if (ca == 0x2019 || ca == 0x2018)
        ca = '\'';
      if (cb == 0x2019 || cb == 0x2018)
        cb = '\'';
      if (ca != cb)
        return FALSE;
      a = g_utf8_next_char (a);
      b = g_utf8_next_char (b);
    }
  return *a == *b;
}

static gboolean
word_matches (const XrefPhraseTable *t, const PWord *w, const XrefToken *tok)
{
  if (w->any)
    return tok->kind == XREF_TOKEN_WORD && t->wild != NULL && tok->norm != NULL && *wild_slot (t, tok->norm) != NULL;
  if (tok->norm != w->norm)
    return FALSE;
  return w->form == NULL || tok->form == w->form || forms_equal (tok->form, w->form);
}

/* Does phrase p of a pair's chain match at tokens[i], tokens[k2] being
 * the next word?  Its length in tokens (quotation marks inside count),
 * or 0.  Its first word has the norm of tokens[i] (the bucket's) and its
 * second that of tokens[k2] or "*" (the pair's): the walk starts with
 * their forms and goes on after k2. */
static inline guint
pair_phrase_at (const XrefPhraseTable *t, const Phrase *p, const XrefToken *tokens, guint n, guint i, guint k2)
{
  const char *form = p->words[0].form;
  guint k = k2 + 1;

  if (form != NULL && tokens[i].form != form && !forms_equal (tokens[i].form, form))
    return 0;
  if (!word_matches (t, &p->words[1], &tokens[k2]))
    return 0;
  for (guint w = 2; w < p->n; w++)
    {
      while (k < n && tokens[k].kind == XREF_TOKEN_QUOTE)
        k++;
      if (k >= n || !word_matches (t, &p->words[w], &tokens[k]))
        return 0;
      k++;
    }
  return k - i;
}

/* The one-word phrases of a bucket (most matches): the bucket's word is
 * the token's norm, so only a form written with a capital can fail. */
static inline guint
singles_match (const Bucket *bk, const XrefToken *tok, gconstpointer *value, guint *tag)
{
  if (bk->value1 != NULL)
    {
      if (value != NULL)
        *value = bk->value1;
      if (tag != NULL)
        *tag = bk->tag1;
      return 1;
    }
  for (const Phrase *p = bk->singles; p != NULL; p = p->next)
    {
      const char *form = p->words[0].form;
      if (form == NULL || tok->form == form || forms_equal (tok->form, form))
        {
          if (value != NULL)
            *value = p->value;
          if (tag != NULL)
            *tag = p->tag;
          return 1;
        }
    }
  return 0;
}

/* The longest phrase of a bucket at tokens[i] when its next word,
 * tokens[k2], may continue one: the phrases of the pair (first word,
 * tokens[k2]) and those with "*" for their second word (wild, when the
 * bucket has any), taken in the order of the bucket's chain (a merge of
 * the two by pos), then the one-word phrases.  That is the order of the
 * whole chain, less the phrases whose second word is another.  Kept out
 * of line so that the common case does not pay for its registers. */
static G_GNUC_NO_INLINE guint
chain_match (const XrefPhraseTable *t, const Bucket *bk, const XrefToken *tokens, guint n, guint i, guint k2,
             gboolean wild, gconstpointer *value, guint *tag)
{
  const PairSlot *ps = pair_slot (t, bk->head, tokens[k2].norm);
  const Phrase *a = ps->chain, *b = NULL;

  if (wild)
    b = pair_slot (t, bk->head, wild_key)->chain;
  while (a != NULL || b != NULL)
    {
      const Phrase *p;
      guint len;

      if (b == NULL || (a != NULL && a->pos < b->pos))
        {
          p = a;
          a = a->next2;
        }
      else
        {
          p = b;
          b = b->next2;
        }
      len = pair_phrase_at (t, p, tokens, n, i, k2);
      if (len > 0)
        {
          if (value != NULL)
            *value = p->value;
          if (tag != NULL)
            *tag = p->tag;
          return len;
        }
    }
  return singles_match (bk, &tokens[i], value, tag);
}

/* xref_phrase_table_match, and the tag of the match to *tag when tag is
 * not NULL (0 when none matches). */
G_ALWAYS_INLINE static inline guint
match_at (const XrefPhraseTable *t, const XrefToken *tokens, guint n, guint i, gconstpointer *value, guint *tag)
{
  const XrefToken *tok;
  const Bucket *bk;
  guint k2;

  if (value != NULL)
    *value = NULL;
  if (tag != NULL)
    *tag = 0;
  if (t == NULL || i >= n)
    return 0;
  tok = &tokens[i];
  if (tok->kind == XREF_TOKEN_QUOTE)
    return 0;
  g_return_val_if_fail (t->frozen, 0);
  bk = bucket_find (t, tok->norm, FALSE);
  if (bk == NULL)
    return 0;
  /* A longer phrase needs its second word at the next token (quotation
   * marks are transparent): when the pair filter says no phrase of this
   * bucket has it, only the one-word phrases can match.  (A bucket of
   * one-word phrases only, most verbs, skips the question.) */
  if (bk->flags & BK_LONGER)
    {
      for (k2 = i + 1; k2 < n && tokens[k2].kind == XREF_TOKEN_QUOTE; k2++)
        ;
      if (k2 < n)
        {
          const char *second = tokens[k2].norm;
          if (bk->flags & BK_WILD2)
            return chain_match (t, bk, tokens, n, i, k2, TRUE, value, tag);
          if ((bk->seconds & (1u << second_bit (second))) != 0)
            {
              guint pb = pair_bit (tok->norm, second);
              if ((t->pairs[pb / 64] & (G_GUINT64_CONSTANT (1) << (pb % 64))) != 0)
                return chain_match (t, bk, tokens, n, i, k2, FALSE, value, tag);
            }
        }
    }
  return singles_match (bk, tok, value, tag);
}

void
xref_phrase_table_hint (const XrefPhraseTable *t, XrefPhraseHint *hint)
{
  /* (the hint of no table: a shift of 63 keeps its offsets in here) */
  static const char nothing[2 * MAX (XREF_PHRASE_BUCKET_SIZE, XREF_PHRASE_PAIR_SIZE)];

  hint->buckets = hint->pairs = nothing;
  hint->shift = hint->pair_shift = 63;
  if (t == NULL || !t->frozen || t->buckets == NULL)
    return;
  hint->buckets = (const char *) t->buckets;
  hint->shift = t->bucket_shift;
  if (t->pair_slots != NULL)
    {
      hint->pairs = (const char *) t->pair_slots;
      hint->pair_shift = t->pair_shift;
    }
}

guint
xref_phrase_table_match (const XrefPhraseTable *t, const XrefToken *tokens, guint n, guint i, gconstpointer *value)
{
  return match_at (t, tokens, n, i, value, NULL);
}

guint
xref_phrase_table_match_tagged (const XrefPhraseTable *t, const XrefToken *tokens, guint n, guint i,
                                gconstpointer *value, guint *tag)
{
  return match_at (t, tokens, n, i, value, tag);
}

void
xref_phrase_table_set_tags (XrefPhraseTable *t, XrefPhraseTagFunc tag_of)
{
  g_return_if_fail (!t->frozen);
  t->tag_of = tag_of;
}

guint
xref_action_match_tag (gconstpointer value)
{
  const XrefActionMatch *m = value;
  guint tag = XREF_ACTION_TAG_SET;

  if (m == NULL)
    return 0;
  G_STATIC_ASSERT ((guint) XREF_FORM_NOUN <= (guint) XREF_ACTION_TAG_FORM);
  tag |= (guint) m->form & XREF_ACTION_TAG_FORM;
  if (m->action != NULL)
    tag |= XREF_ACTION_TAG_ACTION;
  if (m->lemma != NULL && g_unichar_isupper (g_utf8_get_char (m->lemma)))
    tag |= XREF_ACTION_TAG_CAPITAL;
  if (m->attribution)
    tag |= XREF_ACTION_TAG_ATTRIBUTION;
  return tag;
}

/* The original walk, kept as the reference of the filters above: the
 * first word's whole chain, word by word, "*" asked of the word classes'
 * hash table. */
static gboolean
word_matches_reference (const XrefPhraseTable *t, const PWord *w, const XrefToken *tok)
{
  if (w->any)
    return tok->kind == XREF_TOKEN_WORD && t->word_classes != NULL
           && (GPOINTER_TO_UINT (g_hash_table_lookup (t->word_classes, tok->norm)) & WILDCARD_CLASSES) != 0;
  if (tok->norm != w->norm)
    return FALSE;
  return w->form == NULL || tok->form == w->form || forms_equal (tok->form, w->form);
}

guint
xref_phrase_table_match_reference (const XrefPhraseTable *t, const XrefToken *tokens, guint n, guint i,
                                   gconstpointer *value)
{
  const Bucket *bk;

  if (value != NULL)
    *value = NULL;
  if (t == NULL || i >= n || tokens[i].kind == XREF_TOKEN_QUOTE || !t->frozen)
    return 0;
  bk = bucket_find (t, tokens[i].norm, FALSE);
  for (const Phrase *p = bk != NULL ? t->chains[bk - t->buckets] : NULL; p != NULL; p = p->next)
    {
      guint k = i, w;

      for (w = 0; w < p->n; w++)
        {
          if (w > 0)
            while (k < n && tokens[k].kind == XREF_TOKEN_QUOTE)
              k++;
          if (k >= n || !word_matches_reference (t, &p->words[w], &tokens[k]))
            break;
          k++;
        }
      if (w == p->n)
        {
          if (value != NULL)
            *value = p->value;
          return k - i;
        }
    }
  return 0;
}
