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
  const XrefClaim *claim;    /* the claim carrying it (NULL when omitted) */
  const char *value;         /* interned canonical value, NULL when omitted */
  const char *speaker;       /* interned speaker id of the claim, NULL when
                                the document says it in its own voice */
  const char *date;          /* interned ISO date of the statement (the
                                claim's own date for announcements, else a
                                date in its sentence, else the document's),
                                NULL when unknown; set on status rows and
                                wherever match compared dates */
  guint32 start;             /* span of the value's text in doc (0,0 when
                                none); 32 bits, as a document is at most
                                64 MiB (XREF_INGEST_MAX_FILE): 56 bytes a
                                source, not 64, and a large corpus has
                                millions of them */
  guint32 end;
  gboolean states;           /* TRUE: the document states a value */
  guint32 claim_n;           /* n when match found claim's id to be
                                "<doc id>#<n>" (doc's id), so that a report
                                can write the id without reading the claim
                                (a cache miss per source: the claims of a
                                row are all over the corpus); 0 when not
                                known (read claim->id) */
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
                                in document order; in a corpus of more than
                                XREF_MATCH_DENSE_MAX documents only the
                                documents that report the topic (stating or
                                omitting the slot), in document order.
                                Read only (data and len): in a row of
                                xref_match it is a header in the row's own
                                allocation (sources_inline), not a GArray
                                of its own */
  guint n_states;            /* how many sources state a value */
  gboolean sources_inline;   /* sources lives in the row's allocation
                                (xref_row_free leaves it alone); FALSE in
                                a row made by hand */
  GArray *voices;            /* XrefSource: further values that other
                                speakers give in a document already listed
                                in sources (speaker-aware comparison: the
                                White House and a newspaper quoted in one
                                article), in document order; NULL if none */
  const char *qualifier;     /* interned, NULL if none: "superseded" (a
                                differ explained by the dates: the later
                                statement replaces the earlier one) or
                                "same-speaker" (one speaker says both, on
                                different dates) */
  GPtrArray *actions;        /* interned action ids when the row spans
                                several actions (a slot compared across
                                linked actions), else NULL; action is the
                                first of them */
} XrefRow;

/* Up to this many documents every row lists every document as a source;
 * past it only the documents that report its topic, which keeps match and
 * the reports linear in the size of the corpus (see bench/README.md). */
#define XREF_MATCH_DENSE_MAX 256

void xref_row_free (XrefRow *row);

/* Groups the claims of documents (GPtrArray of XrefDocument*, in corpus
 * order) by canonical topic keys and compares them under rules.  Returns the
 * rows ranked for review (differ on key slots first, then by number of
 * sources), ids assigned.  Cost is near-linear in the number of claims. */
GPtrArray *xref_match (GPtrArray *documents, const XrefRules *rules);

/* The same on n_threads threads (0: the number of processors, which is
 * what xref_match uses): the claims are read and the topics' rows made in
 * parallel.  The rows are the same for any number of threads. */
GPtrArray *xref_match_threads (GPtrArray *documents, const XrefRules *rules, guint n_threads);

G_END_DECLS
