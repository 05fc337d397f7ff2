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
 * Matching runs at nearly every token of every article, so the frozen
 * table answers the common cases without walking a chain: a filter of
 * first words, buckets found by the interned pointer, and a filter of
 * (first word, second word) pairs that sends a token whose next word
 * starts no longer phrase straight to the one-word phrases of its bucket
 * ("the" heads a dozen entity phrases; "the army" matches none of them). */
#include "rules-private.h"

#include <string.h>

#define BLOCK_SIZE (64 * 1024)
#define HEAD_BITS (1u << 14)
#define PAIR_BITS (1u << 15)

/* The filter bit of an interned word: Fibonacci hashing of its address. */
static inline guint
head_bit (const char *norm)
{
  return (guint) (((guint64) (guintptr) norm * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 50);
}

typedef struct {
  const char *norm;        /* interned */
  const char *form;        /* interned; non-NULL when the form must match */
  gboolean any;            /* the word "*" */
} PWord;

typedef struct _Phrase Phrase;
struct _Phrase {
  Phrase *next;            /* next phrase of the bucket (longest first) */
  gpointer value;
  gint64 rank;
  guint seq;
  guint n;
  PWord words[];
};

/* The phrases that start with one word. */
typedef struct {
  const char *head;        /* interned first norm; NULL for an empty slot */
  Phrase *chain;           /* all of them, longest first */
  Phrase *singles;         /* the tail of chain of one-word phrases, or NULL */
  gboolean wild2;          /* one of them has "*" for its second word */
} Bucket;

/* The pair filter's bit of a first and a second word (interned). */
static inline guint
pair_bit (const char *first, const char *second)
{
  guint64 h = ((guint64) (guintptr) first * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15))
              ^ ((guint64) (guintptr) second * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F));
  return (guint) (h >> 49);
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
  gboolean frozen;
  GPtrArray *blocks;       /* memory of xref_phrase_table_alloc (owned) */
  gsize block_used;        /* bytes used in the last block */
  /* A filter over the first words, set at freeze: bit head_bit (norm) is
   * set for every first word of a phrase.  Nearly every token of a text
   * starts no phrase; a clear bit answers it without the hash table
   * (bench/README.md). */
  guint64 heads[HEAD_BITS / 64];
  /* Bit pair_bit (first, second) is set for every phrase of two words or
   * more whose second word is not "*". */
  guint64 pairs[PAIR_BITS / 64];
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
  g_free (t->buckets);
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

/* The bucket of an interned first word; with add, a new one if none. */
static Bucket *
bucket_find (const XrefPhraseTable *t, const char *head, gboolean add)
{
  guint h = (guint) (((guint64) (guintptr) head * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> t->bucket_shift);

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

void
xref_phrase_table_freeze (XrefPhraseTable *t)
{
  g_autofree guint *start = NULL;
  g_autofree Phrase **order = NULL;
  guint max_n = 0, len = t->phrases->len;

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
    t->buckets = g_new0 (Bucket, (gsize) t->bucket_mask + 1);
  }
  for (guint i = 0; i < len; i++)
    {
      Phrase *p = order[i];
      guint b = head_bit (p->words[0].norm);
      Bucket *bk = bucket_find (t, p->words[0].norm, TRUE);

      p->next = bk->chain;
      bk->chain = p;
      if (p->n == 1)
        bk->singles = p;
      else if (p->words[1].any)
        bk->wild2 = TRUE;
      else
        {
          guint pb = pair_bit (p->words[0].norm, p->words[1].norm);
          t->pairs[pb / 64] |= G_GUINT64_CONSTANT (1) << (pb % 64);
        }
      t->heads[b / 64] |= G_GUINT64_CONSTANT (1) << (b % 64);
    }
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
    {
      guint wc;
      if (tok->kind != XREF_TOKEN_WORD || t->word_classes == NULL)
        return FALSE;
      wc = GPOINTER_TO_UINT (g_hash_table_lookup (t->word_classes, tok->norm));
      return (wc & WILDCARD_CLASSES) != 0;
    }
  if (tok->norm != w->norm)
    return FALSE;
  return w->form == NULL || tok->form == w->form || forms_equal (tok->form, w->form);
}

guint
xref_phrase_table_match (const XrefPhraseTable *t, const XrefToken *tokens, guint n, guint i, gconstpointer *value)
{
  if (value != NULL)
    *value = NULL;
  if (t == NULL || i >= n || tokens[i].kind == XREF_TOKEN_QUOTE)
    return 0;
  g_return_val_if_fail (t->frozen, 0);
  guint b = head_bit (tokens[i].norm);
  if (!(t->heads[b / 64] & (G_GUINT64_CONSTANT (1) << (b % 64))))
    return 0;
  const Bucket *bk = bucket_find (t, tokens[i].norm, FALSE);
  if (bk == NULL)
    return 0;
  /* A longer phrase needs its second word at the next token (quotation
   * marks are transparent): when the pair filter says no phrase of this
   * bucket has it, only the one-word phrases can match. */
  const Phrase *first = bk->singles;
  guint k2 = i + 1;
  while (k2 < n && tokens[k2].kind == XREF_TOKEN_QUOTE)
    k2++;
  if (k2 < n)
    {
      guint pb = pair_bit (tokens[i].norm, tokens[k2].norm);
      if (bk->wild2 || (t->pairs[pb / 64] & (G_GUINT64_CONSTANT (1) << (pb % 64))))
        first = bk->chain;
    }
  for (const Phrase *p = first; p != NULL; p = p->next)
    {
      guint k = i, w;

      for (w = 0; w < p->n; w++)
        {
          if (w > 0)
            while (k < n && tokens[k].kind == XREF_TOKEN_QUOTE)
              k++;
          if (k >= n || !word_matches (t, &p->words[w], &tokens[k]))
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
