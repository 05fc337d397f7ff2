/* xref — match: group claims across documents into topics and compare them
 * slot by slot, giving the rows of the discrepancy table. */
#pragma once

#include "xref/extract.h"

G_BEGIN_DECLS

typedef enum {
  XREF_VERDICT_AGREE,
  XREF_VERDICT_DIFFER,
  XREF_VERDICT_OMIT,
} XrefVerdict;

/* "agree", "differ", "omit" (static). */
const char *xref_verdict_name (XrefVerdict v);

typedef struct {
  const XrefDocument *doc;   /* borrowed */
  gboolean states;           /* TRUE: the document states a value */
  const XrefClaim *claim;    /* the claim carrying it (NULL when omitted) */
  const char *value;         /* interned canonical value, NULL when omitted */
  gsize start;               /* span of the value's text in doc (0,0 when none) */
  gsize end;
} XrefSource;

typedef struct {
  char *id;                  /* stable: "r<n>" after ranking, n from 1 */
  const char *actor;         /* interned topic ids; object may be NULL */
  const char *action;
  const char *object;
  const char *slot;          /* slot id, or "event", "polarity", "date" */
  XrefVerdict verdict;
  const char *rule;          /* interned id of the rule that decided */
  char *note;                /* one human sentence on why, or NULL */
  GArray *sources;           /* XrefSource, one per document of the corpus,
                                in document order */
  guint n_states;            /* how many sources state a value */
} XrefRow;

void xref_row_free (XrefRow *row);

/* Groups the claims of documents (GPtrArray of XrefDocument*, in corpus
 * order) by canonical topic keys and compares them under rules.  Returns the
 * rows ranked for review (differ on key slots first, then by number of
 * sources), ids assigned.  Cost is near-linear in the number of claims. */
GPtrArray *xref_match (GPtrArray *documents, const XrefRules *rules);

G_END_DECLS
