/* xref — temporal: time expressions (TimeML TIMEX3) normalised against the
 * document date. */
#pragma once

#include "xref/text.h"

G_BEGIN_DECLS

typedef struct {
  gsize start;             /* byte span of the expression */
  gsize end;
  guint first_token;       /* index into doc->tokens */
  guint n_tokens;
  guint sentence;          /* index into doc->sentences */
  XrefTimexType type;
  const char *value;       /* interned TimeML value: "2022-12-28", "2022-11",
                              "XXXX-12-28" (year unknown), "P3M", "PXM",
                              "PT2.5H", "PRESENT_REF", "P1Y" (SET) */
  const char *mod;         /* interned TimeML mod ("START", "END", "MID",
                              "APPROX", "MORE_THAN", …) or NULL */
  XrefDate date;           /* the resolved calendar date for DATE values
                              (fields 0 when unknown), else all 0 */
} XrefTimex;

/* "DATE", "TIME", "DURATION", "SET". */
const char *xref_timex_type_name (XrefTimexType type);

/* Finds and normalises the time expressions of doc (after xref_text_segment)
 * into doc->timexes.  When doc has no date, infers one from the text (a
 * weekday with month and day fixes the year; "said on <date>"), setting
 * date_basis INFERRED; relative expressions with no anchor stay unresolved
 * (value with X's).  Word lists come from rules.  Never fails. */
void xref_temporal_tag (XrefDocument *doc, const XrefRules *rules);

/* Corpus-level pass after every document is tagged: a document whose date
 * lacks a year (only "December 28" was found) takes the year of the other
 * documents when they all agree on one, and its timexes are re-resolved.
 * Basis stays INFERRED.  A document with no date at all takes the year
 * alone ({2022, 0, 0}, basis INFERRED), so that its "Feb. 24" resolves; a
 * weekday written with the month and day ("Wednesday, December 28") picks
 * the year nearest the corpus's in which that day is that weekday.  When
 * the documents disagree on the year nothing changes. */
void xref_temporal_resolve_corpus (GPtrArray *documents, const XrefRules *rules);

/* The timex whose span covers byte offset, or NULL. */
const XrefTimex *xref_temporal_at (const XrefDocument *doc, gsize offset);

G_END_DECLS
