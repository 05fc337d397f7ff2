/* xref — temporal stage internals shared by its .c files.
 *
 * The stage works in two steps.  temporal-scan.c recognises time
 * expressions on the token stream and records what the words say
 * (XrefRawTimex: "December 28", "last week", "two days ago") without
 * knowing the document date.  temporal.c then infers the document date
 * when it is missing and resolves every raw expression against it into a
 * TimeML (TIMEX3) value.  Keeping the two apart is what lets the corpus
 * pass give a document its year and re-resolve without rescanning rules.
 */
#pragma once

#include "xref/temporal.h"

G_BEGIN_DECLS

typedef enum {
  XREF_RAW_CAL,        /* calendar fields as written: "Dec. 21, 2022", "late November", "2014",
                          "Wednesday, December 28", "summer 2023", "the third quarter", "the 1990s" */
  XREF_RAW_WEEKDAY,    /* a weekday alone: "on Tuesday", "last Friday", "Tuesday night" */
  XREF_RAW_DEICTIC,    /* days from the document date: yesterday, today, tomorrow, tonight */
  XREF_RAW_ANCHORED,   /* units from the last date mentioned: "the next day", "the following week" */
  XREF_RAW_RELATIVE,   /* units from the document date: "this week", "last year", "earlier this month" */
  XREF_RAW_AGO,        /* "two days ago", "a year ago", "years ago" */
  XREF_RAW_REF,        /* PRESENT_REF, PAST_REF, FUTURE_REF */
  XREF_RAW_DURATION,   /* "several months", "2½ hours", "for months" */
  XREF_RAW_SET,        /* "annual", "every year", "each Thursday" */
  XREF_RAW_TIME,       /* "7:35 am", "06:44 PM ET", "noon" */
} XrefRawKind;

/* Tense of the clause around an expression, for choosing between the last
 * and the next Tuesday. */
enum {
  XREF_TENSE_PAST = -1,
  XREF_TENSE_UNKNOWN = 0,
  XREF_TENSE_FUTURE = 1,
};

typedef struct {
  XrefRawKind kind;
  guint first;             /* absolute index into doc->tokens */
  guint n;                 /* number of tokens */
  guint sentence;          /* index into doc->sentences */

  /* calendar fields as written; 0 when not given */
  gint year;
  gint month;
  gint day;
  gint weekday;            /* ISO 1..7 */
  gint decade;             /* 199 for "the 1990s" */
  gint century;            /* 20 for "the 20th century" (value "19") */
  gint quarter;            /* 1..4 */
  gboolean has_year_rel;   /* "June last year": the year counted from the document's */
  gint year_rel;
  const char *season;      /* interned "SP", "SU", "FA", "WI" */

  /* relative expressions */
  gboolean has_rel;        /* rel below was given */
  gint rel;                /* this 0, last -1, next +1 (RELATIVE, ANCHORED, weekday, month, season) */
  const char *unit;        /* interned unit code: "D", "W", "M", "Y", "Q", "WE", "DE", "CE", "H", "MIN", "S" */
  gdouble amount;          /* DURATION / AGO / SET amount */
  gboolean vague;          /* amount unknown: "several", bare "months" */

  /* time of day */
  gint hour;               /* -1 when not given */
  gint minute;
  const char *part;        /* interned "MO", "AF", "EV", "NI" or NULL */

  const char *value;       /* fixed value (REF, SET of a weekday) or NULL */
  const char *mod;         /* interned TimeML mod or NULL */
  gint tense;              /* XREF_TENSE_* */
  gboolean reported;       /* the date of a report: "said on <date>",
                              "On <date>, X contended" */
} XrefRawTimex;

/* Recognises the time expressions of doc (tokens and sentences filled)
 * and appends XrefRawTimex records, in text order and never overlapping,
 * to raws.  Word lists come from rules; any of them may be missing. */
void xref_temporal_scan (const XrefDocument *doc, const XrefRules *rules, GArray *raws);

/* The same, trying every matcher at every token instead of only those
 * that can start there: the reference the fast scan must equal (tests). */
void xref_temporal_scan_every (const XrefDocument *doc, const XrefRules *rules, GArray *raws);

/* The tokens of doc for which the scan's first pass, which reads the
 * records of only the tokens it cannot pass over, finds another start
 * set (the matchers that can start there) or candidate list than the
 * same pass reading every token's record; 0 when none (tests). */
guint xref_temporal_starts_differ (const XrefDocument *doc, const XrefRules *rules);

/* The calendar arithmetic and values of temporal.c, for the tests: d plus
 * days (a date without a year is counted in a stand-in year and comes back
 * without one; FALSE when d is no valid date), the ISO weekday of a valid
 * date (0 for an invalid one), a date's TimeML value (as
 * xref_date_to_iso, "XXXX-XX-XX" for none) and a duration's ("P3M",
 * "PT2.5H", "PXY"). */
gboolean xref_temporal_add_days (const XrefDate *d, gint days, XrefDate *out);
gint xref_temporal_weekday (const XrefDate *d);
const char *xref_temporal_date_value (const XrefDate *d);
const char *xref_temporal_duration_value (const char *unit, gdouble amount, gboolean vague);

G_END_DECLS
