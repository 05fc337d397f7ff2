/* xref — rules: where a phrase table keeps the bucket of a first word
 * and the slot of a pair of words, for a prefetch long before the match
 * (rules-phrase.c defines the table, its hashes and
 * xref_phrase_table_hint; extract.c asks, while it reads every token's
 * bits, for the buckets and pair slots its phrase finders will read: the
 * load of a bucket, a cache miss, was most of a match's time).  Private
 * to the two. */
#pragma once

#include "xref/rules.h"

#define XREF_PHRASE_BUCKET_SIZE 32      /* sizeof (Bucket), rules-phrase.c */
#define XREF_PHRASE_PAIR_SIZE 24        /* sizeof (PairSlot) */

/* A frozen table's buckets and pair slots, and the shifts of their
 * hashes: the bucket of a first word is at, or (linear probing) after,
 * xref_phrase_hint_at; the slot of a pair at or after
 * xref_phrase_pair_at. */
typedef struct {
  const char *buckets;          /* never NULL (no table: a dummy block) */
  guint shift;
  const char *pairs;            /* never NULL (no pairs: a dummy block) */
  guint pair_shift;
} XrefPhraseHint;

/* t's hint (a dummy one for a NULL or unfrozen table). */
void xref_phrase_table_hint (const XrefPhraseTable *t, XrefPhraseHint *hint);

/* The hash of an interned first word, the same for every table. */
static inline guint64
xref_phrase_hash (const char *head)
{
  return (guint64) (guintptr) head * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
}

/* The hash of a pair of interned words. */
static inline guint64
xref_phrase_pair_hash (const char *first, const char *second)
{
  return ((guint64) (guintptr) first * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15))
         ^ ((guint64) (guintptr) second * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F));
}

/* Where the bucket of a first word of hash h (xref_phrase_hash) would be
 * first looked for. */
static inline gconstpointer
xref_phrase_hint_at (const XrefPhraseHint *hint, guint64 h)
{
  return hint->buckets + (h >> hint->shift) * XREF_PHRASE_BUCKET_SIZE;
}

/* Where the slot of the pair of words (first, second) would be first
 * looked for. */
static inline gconstpointer
xref_phrase_pair_at (const XrefPhraseHint *hint, const char *first, const char *second)
{
  return hint->pairs + (xref_phrase_pair_hash (first, second) >> hint->pair_shift) * XREF_PHRASE_PAIR_SIZE;
}
