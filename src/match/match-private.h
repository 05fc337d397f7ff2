/* xref — match: helpers shared by the files of src/match/ (not a public
 * header; the value comparisons are implemented in match-compare.c). */
#pragma once

#include "xref/match.h"

G_BEGIN_DECLS

/* How two canonical values of one slot relate, from best to worst.  A row's
 * verdict is the worst relation over the pairs of values its sources give. */
typedef enum {
  XREF_MATCH_EQUAL,        /* the same canonical value */
  XREF_MATCH_EQUIVALENT,   /* same vague group, or within tolerance */
  XREF_MATCH_REFINES,      /* one value is a more precise form of the other */
  XREF_MATCH_DIFFERS,      /* both cannot be true */
} XrefMatchRelation;

/* What a comparison needs to know about a slot.  Everything is borrowed. */
typedef struct {
  const XrefRules *rules;  /* may be NULL: only equal values then match */
  GHashTable *roots;       /* cache for xref_match_entity_root */
  XrefCompare compare;
  gdouble tolerance;       /* relative for NUMERIC, days for DATE */
  GHashTable *groups;      /* the slot's vague groups (value → group), or NULL */
} XrefMatchComparer;

/* Relation of two interned canonical values a and b under c (symmetric). */
XrefMatchRelation xref_match_compare_values (const XrefMatchComparer *c, const char *a, const char *b);

/* The entity an id rolls up to through part_of (its first link, followed to
 * the end): "pentagon" → "us-government" → "us".  An id the rules do not
 * know is its own root.  Results are memoised in cache (interned → interned,
 * no free functions).  Returns an interned string; NULL for NULL. */
const char *xref_match_entity_root (const XrefRules *rules, GHashTable *cache, const char *id);

/* The same for an id that is interned already (a claim's): it is not
 * interned again. */
const char *xref_match_entity_root_interned (const XrefRules *rules, GHashTable *cache, const char *id);

G_END_DECLS
