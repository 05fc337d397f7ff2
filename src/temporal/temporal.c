/* xref — temporal: the document date and TimeML values.
 *
 * xref_temporal_tag scans the document (temporal-scan.c), infers the
 * document date when ingest found none, then resolves every expression in
 * text order against the document date (deictic expressions: today, this
 * week, on Tuesday) or against the last date the text mentioned (anaphoric
 * ones: "the next day"), as TimeML prescribes (TimeML 1.2.1 guidelines,
 * TempEval-3).  What cannot be anchored keeps X's in its value
 * ("XXXX-12-28", "XXXX-WXX-2"); nothing is guessed.
 *
 * The document date, when missing, is inferred in this order:
 *  1. a date given for a report ("said on Wednesday, December 28",
 *     "On December 28, the minister contended"), the latest one;
 *  2. else the latest complete date written in the text.
 * A weekday written with a month and day fixes the year when exactly one
 * year near the years the document knows has that day on that weekday.  A
 * dateline or metadata date is never replaced.
 */
#include "temporal-private.h"

#include <math.h>
#include <string.h>

const char *
xref_timex_type_name (XrefTimexType type)
{
  switch (type)
    {
    case XREF_TIMEX_DATE:
      return "DATE";
    case XREF_TIMEX_TIME:
      return "TIME";
    case XREF_TIMEX_DURATION:
      return "DURATION";
    case XREF_TIMEX_SET:
      return "SET";
    default:
      return "DATE";
    }
}

/* ---- calendar arithmetic (GDate, proleptic Gregorian) -------------------- */

static gboolean
date_valid (gint year, gint month, gint day)
{
  static const guint8 days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  /* g_date_valid_dmy's answer for these years, without the call */
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
    return FALSE;
  return day <= days[month - 1] + (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)));
}

/* Days from 1970-01-01 to a valid date of the proleptic Gregorian
 * calendar, and back (H. Hinnant's civil-date algorithms): the arithmetic
 * of add_days and weekday_date without a GDate, which cost more than the
 * rest of resolving an expression. */
static gint64
days_from_civil (gint y, gint m, gint d)
{
  y -= m <= 2;
  const gint64 era = (y >= 0 ? y : y - 399) / 400;
  const gint64 yoe = y - era * 400;
  const gint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static XrefDate
civil_from_days (gint64 z)
{
  z += 719468;
  const gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  const gint64 doe = z - era * 146097;
  const gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const gint64 mp = (5 * doy + 2) / 153;
  const gint d = (gint) (doy - (153 * mp + 2) / 5 + 1);
  const gint m = (gint) (mp < 10 ? mp + 3 : mp - 9);
  XrefDate out = { (gint) (yoe + era * 400 + (m <= 2)), m, d };
  return out;
}

/* The ISO weekday (Monday 1 … Sunday 7) of a day count: 1970-01-01 was a
 * Thursday. */
static gint
weekday_of_days (gint64 z)
{
  gint64 w = (z + 3) % 7;
  return (gint) (w < 0 ? w + 7 : w) + 1;
}

/* The day counts of 0001-01-01 and 9999-12-31: within them the arithmetic
 * above gives what GDate does. */
#define CIVIL_FIRST G_GINT64_CONSTANT (-719162)
#define CIVIL_LAST G_GINT64_CONSTANT (2932896)

static gboolean
to_gdate (const XrefDate *d, GDate *g)
{
  if (!date_valid (d->year, d->month, d->day))
    return FALSE;
  g_date_clear (g, 1);
  g_date_set_dmy (g, (GDateDay) d->day, (GDateMonth) d->month, (GDateYear) d->year);
  return TRUE;
}

static XrefDate
from_gdate (const GDate *g)
{
  XrefDate d = { g_date_get_year (g), g_date_get_month (g), g_date_get_day (g) };
  return d;
}

/* d + days.  A date without a year is counted in a stand-in year (a leap
 * year only when it is February 29) and comes back without one. */
static gboolean
add_days (const XrefDate *d, gint days, XrefDate *out)
{
  XrefDate x = *d;
  gboolean yearless = x.year <= 0;
  GDate g;

  if (yearless)
    x.year = x.month == 2 && x.day == 29 ? 2000 : 2001;
  if (!date_valid (x.year, x.month, x.day))
    return FALSE;
  const gint64 z = days_from_civil (x.year, x.month, x.day) + days;
  if (z >= CIVIL_FIRST && z <= CIVIL_LAST)
    {
      *out = civil_from_days (z);
      if (yearless)
        out->year = 0;
      return TRUE;
    }
  /* GDate's own answer (or complaint) out of those years */
  to_gdate (&x, &g);
  if (days >= 0)
    g_date_add_days (&g, (guint) days);
  else
    g_date_subtract_days (&g, (guint) -days);
  *out = from_gdate (&g);
  if (yearless)
    out->year = 0;
  return TRUE;
}

/* ISO 8601 week of a complete date as TimeML writes it: "2022-W51". */
static const char *
week_value (const XrefDate *d, const char *suffix, XrefDate *year_out)
{
  GDate g;
  char buf[32];
  guint week;
  gint wd;

  if (!to_gdate (d, &g))
    return NULL;
  week = g_date_get_iso8601_week_of_year (&g);
  /* the ISO year is the year of the week's Thursday */
  wd = g_date_get_weekday (&g);
  if (wd < 4)
    g_date_add_days (&g, (guint) (4 - wd));
  else if (wd > 4)
    g_date_subtract_days (&g, (guint) (wd - 4));
  g_snprintf (buf, sizeof buf, "%04d-W%02u%s", g_date_get_year (&g), week, suffix);
  year_out->year = g_date_get_year (&g);
  return xref_intern (buf);
}

static gint
weekday_of (gint year, gint month, gint day)
{
  return date_valid (year, month, day) ? weekday_of_days (days_from_civil (year, month, day)) : 0;
}

/* The year in which month/day falls on weekday: the one nearest to prefer
 * (within five years, earlier on a tie) when prefer is known, else the
 * only one within five years of any known year; 0 when none or several. */
static gint
weekday_year (gint month, gint day, gint weekday, gint prefer, const GArray *known)
{
  if (prefer > 0)
    {
      for (gint d = 0; d <= 5; d++)
        {
          if (weekday_of (prefer - d, month, day) == weekday)
            return prefer - d;
          if (weekday_of (prefer + d, month, day) == weekday)
            return prefer + d;
        }
      return 0;
    }
  if (known == NULL)
    return 0;
  gint found = 0;
  for (guint k = 0; k < known->len; k++)
    {
      gint y0 = g_array_index (known, gint, k);
      for (gint y = y0 - 5; y <= y0 + 5; y++)
        if (y != found && weekday_of (y, month, day) == weekday)
          {
            if (found != 0)
              return 0;
            found = y;
          }
    }
  return found;
}

/* The year of a month (and day) written without one, seen from the
 * document date.  News mostly reports what has happened: a date more than
 * a few months after the document date is last year's unless the clause
 * speaks of the future; the future tense takes a date more than a couple
 * of months before the document date into next year.  Otherwise the
 * document's year (TimeBank's annotators do the same). */
static gint
pick_year (const XrefDate *doc, gint month, gint day, gint tense)
{
  gint delta;

  if (doc->year <= 0)
    return 0;
  if (doc->month <= 0)
    return doc->year;
  delta = month - doc->month;
  if (tense == XREF_TENSE_FUTURE)
    return delta < -2 ? doc->year + 1 : doc->year;
  if (tense == XREF_TENSE_PAST)
    return delta > 2 ? doc->year - 1 : doc->year;
  return delta > 3 ? doc->year - 1 : doc->year;
}

/* "last November", "next March", "this December". */
static gint
rel_month_year (const XrefDate *doc, gint month, gint rel)
{
  if (doc->year <= 0)
    return 0;
  if (rel == 0)
    return doc->year;
  if (doc->month <= 0)
    return 0;
  if (rel < 0)
    return month < doc->month ? doc->year : doc->year - 1;
  return month > doc->month ? doc->year : doc->year + 1;
}

static gint
season_start (const char *season)
{
  if (strcmp (season, "SP") == 0)
    return 3;
  if (strcmp (season, "SU") == 0)
    return 6;
  if (strcmp (season, "FA") == 0)
    return 9;
  return 12;   /* WI: December to February, named by the year of its December */
}

/* The year of a season written without one ("last summer", "in the spring"). */
static gint
season_year (const XrefDate *doc, const char *season, const XrefRawTimex *r)
{
  gint start = season_start (season), cur, since;

  if (doc->year <= 0)
    return 0;
  if (doc->month <= 0)
    return r->has_rel && r->rel != 0 ? 0 : doc->year;
  /* the occurrence that started last, on or before the document's month */
  cur = doc->month >= start ? doc->year : doc->year - 1;
  since = (doc->year * 12 + doc->month) - (cur * 12 + start);
  if (r->has_rel && r->rel < 0)
    return since < 3 ? cur - 1 : cur;
  if (r->has_rel && r->rel > 0)
    return cur + 1;
  /* "this summer" is this year's; "this winter" early in the year the one
   * that began last December */
  if (r->has_rel)
    return strcmp (season, "WI") == 0 && doc->month <= 2 ? doc->year - 1 : doc->year;
  if (since < 3)
    return cur;
  if (r->tense == XREF_TENSE_PAST)
    return cur;
  if (r->tense == XREF_TENSE_FUTURE)
    return cur + 1;
  return since <= 6 ? cur : cur + 1;
}

/* The day a weekday names, seen from the complete date doc: "last" is the
 * one before, "next" the one after; otherwise the past tense takes the
 * last one on or before doc, the future the next on or after, an unknown
 * tense the nearest. */
static gboolean
weekday_date (const XrefDate *doc, const XrefRawTimex *r, XrefDate *out)
{
  gint dw, back, fwd, delta;

  if (!date_valid (doc->year, doc->month, doc->day))
    return FALSE;
  dw = weekday_of_days (days_from_civil (doc->year, doc->month, doc->day));
  back = (dw - r->weekday + 7) % 7;
  fwd = (r->weekday - dw + 7) % 7;
  if (r->has_rel && r->rel < 0)
    delta = -(back == 0 ? 7 : back);
  else if (r->has_rel && r->rel > 0)
    delta = fwd == 0 ? 7 : fwd;
  else if (r->tense == XREF_TENSE_PAST)
    delta = -back;
  else if (r->tense == XREF_TENSE_FUTURE)
    delta = fwd;
  else
    delta = back <= fwd ? -back : fwd;
  return add_days (doc, delta, out);
}

/* Months from {year, month} (year may be 0: counted without it). */
static XrefDate
add_months (gint year, gint month, gint n)
{
  gint idx = (month - 1) + n;
  XrefDate d = { 0, 0, 0 };
  gint dy = idx >= 0 ? idx / 12 : -((11 - idx) / 12);

  d.month = idx - dy * 12 + 1;
  d.year = year > 0 ? year + dy : 0;
  return d;
}

/* ---- values ------------------------------------------------------------ */

/* Writes v (0 ≤ v ≤ 9999) at p as printf's "%0*d" with width digits, and
 * returns the end: values are written for every expression of every
 * document, and snprintf's format parsing cost more than the rest of the
 * resolving. */
static char *
put_digits (char *p, gint v, gint width)
{
  char d[4];
  gint n = 0;

  /* months and days, years */
  if (width == 2 && v < 100)
    {
      p[0] = (char) ('0' + v / 10);
      p[1] = (char) ('0' + v % 10);
      return p + 2;
    }
  if (width == 4 && v >= 1000)
    {
      p[0] = (char) ('0' + v / 1000);
      p[1] = (char) ('0' + v / 100 % 10);
      p[2] = (char) ('0' + v / 10 % 10);
      p[3] = (char) ('0' + v % 10);
      return p + 4;
    }

  do
    {
      d[n++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v > 0);
  for (; width > n; width--)
    *p++ = '0';
  while (n > 0)
    *p++ = d[--n];
  return p;
}

/* xref_date_to_iso, written by hand where its fields have at most four
 * digits (always, but for absurd ones): the same string. */
static const char *
iso_value_make (const XrefDate *d)
{
  char buf[16], *p = buf;

  if (d->year > 0)
    {
      p = put_digits (p, d->year, 4);
      if (d->month > 0)
        {
          *p++ = '-';
          p = put_digits (p, d->month, 2);
          if (d->day > 0)
            {
              *p++ = '-';
              p = put_digits (p, d->day, 2);
            }
        }
    }
  else if (d->month > 0)
    {
      memcpy (p, "XXXX-", 5);
      p = put_digits (p + 5, d->month, 2);
      if (d->day > 0)
        {
          *p++ = '-';
          p = put_digits (p, d->day, 2);
        }
    }
  else
    return NULL;
  return xref_intern_len (buf, (gsize) (p - buf));
}

/* Each thread's last values of iso_value, direct-mapped by the fields
 * they depend on (a field of 0 or less is unknown): most values of a
 * document are the document date and a few around it, so a value is one
 * compare instead of being written and interned again (a hash and a
 * probe of the intern cache).  The values are interned, so a slot is
 * never stale; an empty slot has key 0, the fields of no value (NULL). */
typedef struct {
  guint64 key;
  const char *value;
} ValueMemo;

#define VALUE_MEMO_BITS 8

static _Thread_local ValueMemo iso_memo[1u << VALUE_MEMO_BITS];

static inline ValueMemo *
memo_slot (ValueMemo *memo, guint64 key)
{
  return &memo[(key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - VALUE_MEMO_BITS)];
}

static const char *
iso_value (const XrefDate *d)
{
  guint64 key;
  ValueMemo *m;

  if (d->year > 9999 || d->month > 9999 || d->day > 9999)
    return xref_date_to_iso (d);
  key = ((guint64) MAX (d->year, 0) << 32) | ((guint64) MAX (d->month, 0) << 16) | (guint64) MAX (d->day, 0);
  m = memo_slot (iso_memo, key);
  if (m->key != key)
    {
      m->value = iso_value_make (d);
      m->key = key;
    }
  return m->value;
}

static const char *
duration_value (const char *unit, gdouble amount, gboolean vague)
{
  gboolean time = strcmp (unit, "H") == 0 || strcmp (unit, "MIN") == 0 || strcmp (unit, "S") == 0;
  const char *code = strcmp (unit, "MIN") == 0 ? "M" : unit;
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  char buf[64];

  if (vague)
    g_strlcpy (num, "X", sizeof num);
  else if (amount >= 0 && amount <= 9999 && amount == floor (amount) && !signbit (amount))
    *put_digits (num, (gint) amount, 1) = '\0';   /* what "%.6g" writes of a whole number */
  else
    g_ascii_formatd (num, sizeof num, "%.6g", amount);
  gsize n_num = strlen (num), n_code = strlen (code);
  if (2 + n_num + n_code >= sizeof buf)
    {
      g_snprintf (buf, sizeof buf, "P%s%s%s", time ? "T" : "", num, code);
      return xref_intern (buf);
    }
  /* "P" ["T"] num code */
  gsize n = 0;
  buf[n++] = 'P';
  if (time)
    buf[n++] = 'T';
  memcpy (buf + n, num, n_num);
  memcpy (buf + n + n_num, code, n_code);
  return xref_intern_len (buf, n + n_num + n_code);
}

/* duration_value of an interned unit (a raw expression's), memoised as
 * iso_value: keyed by the unit's address, the amount and vague (a slot
 * whose unit differs is never taken: the key holds the address). */
typedef struct {
  const char *unit;
  guint64 amount;          /* the bits of the amount */
  gboolean vague;
  const char *value;
} DurationMemo;

static _Thread_local DurationMemo duration_memo[1u << VALUE_MEMO_BITS];

static const char *
duration_value_interned (const char *unit, gdouble amount, gboolean vague)
{
  guint64 bits;
  DurationMemo *m;

  memcpy (&bits, &amount, sizeof bits);
  m = &duration_memo[(((guint64) (guintptr) unit ^ bits ^ (guint64) vague) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15))
                     >> (64 - VALUE_MEMO_BITS)];
  if (m->unit != unit || m->amount != bits || m->vague != vague)
    {
      m->value = duration_value (unit, amount, vague);
      m->unit = unit;
      m->amount = bits;
      m->vague = vague;
    }
  return m->value;
}

typedef struct {
  XrefDate doc;            /* the document date, fields 0 when unknown */
  XrefDate anchor;         /* the last date the text gave with month and day */
  gboolean has_anchor;
  XrefDate last;           /* the last date the text gave with a year */
  gint q_year, quarter;    /* the last quarter the text gave ("the third
                              quarter"), 0 when none: financial reports
                              compare with "a year ago" meaning that quarter
                              of the year before (TimeBank) */
  const GArray *known;     /* years written in the document (gint) */
} Ctx;

/* The value of a date that may lack parts: "2022-12-28", "XXXX-12-28",
 * "2022-11", "XXXX-11", "2014". */
static const char *
date_value (const XrefDate *d)
{
  const char *v = iso_value (d);
  return v != NULL ? v : xref_intern ("XXXX-XX-XX");
}

static const char *
with_part (const char *date, const char *part)
{
  g_autofree char *s = g_strdup_printf ("%sT%s", date, part);
  return xref_intern (s);
}

static const char *
resolve_cal (const XrefRawTimex *r, Ctx *c, XrefDate *date)
{
  char buf[32];

  if (r->century > 0)
    {
      /* TimeML names a century by its first two digits: the 20th is "19" */
      g_snprintf (buf, sizeof buf, "%02d", r->century - 1);
      return xref_intern (buf);
    }
  if (r->decade > 0)
    {
      g_snprintf (buf, sizeof buf, "%03d", r->decade);
      return xref_intern (buf);
    }
  if (r->season != NULL)
    {
      gint y = r->year > 0 ? r->year : season_year (&c->doc, r->season, r);
      if (y > 0)
        {
          g_snprintf (buf, sizeof buf, "%04d-%s", y, r->season);
          date->year = y;
        }
      else
        g_snprintf (buf, sizeof buf, "XXXX-%s", r->season);
      return xref_intern (buf);
    }
  if (r->quarter > 0)
    {
      gint y = r->year > 0 ? r->year : c->doc.year;
      if (y > 0)
        {
          g_snprintf (buf, sizeof buf, "%04d-Q%d", y, r->quarter);
          date->year = y;
        }
      else
        g_snprintf (buf, sizeof buf, "XXXX-Q%d", r->quarter);
      /* the quarter a report is about: the latest one mentioned that has
       * ended by the document date ("third-quarter profit" in October,
       * not the "fourth quarter" it forecasts) */
      gint idx = y * 4 + r->quarter - 1;
      gboolean ended = c->doc.year <= 0 || c->doc.month <= 0 || idx < c->doc.year * 4 + (c->doc.month - 1) / 3;
      if (y > 0 && r->mod == NULL && ended && (c->quarter == 0 || idx > c->q_year * 4 + c->quarter - 1))
        {
          c->q_year = y;
          c->quarter = r->quarter;
        }
      return xref_intern (buf);
    }

  date->year = r->year;
  date->month = r->month;
  date->day = r->day;
  if (date->year == 0 && date->month > 0)
    {
      if (r->has_year_rel)
        date->year = c->doc.year > 0 ? c->doc.year + r->year_rel : 0;
      else if (r->has_rel)
        date->year = rel_month_year (&c->doc, r->month, r->rel);
      else if (r->weekday > 0 && r->day > 0)
        {
          gint prefer = pick_year (&c->doc, r->month, r->day, r->tense);
          date->year = weekday_year (r->month, r->day, r->weekday, prefer, c->known);
          if (date->year == 0)
            date->year = prefer;
        }
      else
        date->year = pick_year (&c->doc, r->month, r->day, r->tense);
    }
  return date_value (date);
}

static const char *
resolve_relative (const XrefRawTimex *r, const XrefDate *from, gint n, gboolean from_doc, XrefDate *date)
{
  const char *u = r->unit;
  char buf[32];
  XrefDate d;

  if (strcmp (u, "D") == 0)
    {
      if (from->month > 0 && from->day > 0 && (from->year > 0 || !from_doc) && add_days (from, n, &d))
        {
          *date = d;
          return date_value (&d);
        }
      return xref_intern ("XXXX-XX-XX");
    }
  if (strcmp (u, "W") == 0 || strcmp (u, "WE") == 0)
    {
      const char *suffix = strcmp (u, "WE") == 0 ? "-WE" : "";
      if (xref_date_is_complete (from) && add_days (from, 7 * n, &d))
        {
          XrefDate y = { 0, 0, 0 };
          const char *v = week_value (&d, suffix, &y);
          if (v != NULL)
            {
              date->year = y.year;
              return v;
            }
        }
      if (from->year > 0 && n == 0)
        {
          g_snprintf (buf, sizeof buf, "%04d-WXX%s", from->year, suffix);
          date->year = from->year;
        }
      else
        g_snprintf (buf, sizeof buf, "XXXX-WXX%s", suffix);
      return xref_intern (buf);
    }
  if (strcmp (u, "M") == 0)
    {
      if (from->month > 0 && (from->year > 0 || !from_doc))
        {
          *date = add_months (from->year, from->month, n);
          return date_value (date);
        }
      if (from->year > 0 && n == 0)
        {
          date->year = from->year;
          g_snprintf (buf, sizeof buf, "%04d-XX", from->year);
          return xref_intern (buf);
        }
      return xref_intern ("XXXX-XX");
    }
  if (strcmp (u, "Q") == 0)
    {
      if (from->year > 0 && from->month > 0)
        {
          gint q = (from->year * 4 + (from->month - 1) / 3) + n;
          date->year = q / 4;
          g_snprintf (buf, sizeof buf, "%04d-Q%d", q / 4, q % 4 + 1);
          return xref_intern (buf);
        }
      if (from->year > 0 && n == 0)
        {
          date->year = from->year;
          g_snprintf (buf, sizeof buf, "%04d-QX", from->year);
          return xref_intern (buf);
        }
      return xref_intern ("XXXX-QX");
    }
  if (strcmp (u, "DE") == 0 || strcmp (u, "CE") == 0)
    {
      gboolean decade = strcmp (u, "DE") == 0;
      if (from->year > 0)
        {
          g_snprintf (buf, sizeof buf, decade ? "%03d" : "%02d", (decade ? from->year / 10 : from->year / 100) + n);
          return xref_intern (buf);
        }
      return xref_intern (decade ? "XXX" : "XX");
    }
  /* Y, and anything else counted in years */
  if (from->year > 0)
    {
      date->year = from->year + n;
      return date_value (date);
    }
  return xref_intern ("XXXX");
}

/* "a year ago", "a year earlier", "the year-ago quarter" in a text that
 * reports on a quarter: that quarter of the year before. */
static gboolean
year_ago_quarter (const XrefRawTimex *r, gint years, const Ctx *c, const char **value)
{
  char buf[32];

  if (r->kind == XREF_RAW_ANCHORED && strcmp (r->unit, "Q") == 0 && c->quarter == 0 && years == 0
      && c->doc.year > 0)
    {
      /* "the quarter" of no report */
      g_snprintf (buf, sizeof buf, "%04d-QX", c->doc.year);
      *value = xref_intern (buf);
      return TRUE;
    }
  if (c->quarter != 0 && years <= 0 && strcmp (r->unit, "Q") == 0)
    {
      /* "the quarter", "the latest period" */
      g_snprintf (buf, sizeof buf, "%04d-Q%d", c->q_year, c->quarter);
      *value = xref_intern (buf);
      return TRUE;
    }
  if (c->quarter == 0 || years != 1 || strcmp (r->unit, "Y") != 0)
    return FALSE;
  g_snprintf (buf, sizeof buf, "%04d-Q%d", c->q_year - 1, c->quarter);
  *value = xref_intern (buf);
  return TRUE;
}

/* Resolves one raw expression.  TIME expressions get their day later. */
static void
resolve (const XrefRawTimex *r, Ctx *c, XrefTimex *t)
{
  XrefDate date = { 0, 0, 0 };
  gboolean day_precision = FALSE;

  t->type = XREF_TIMEX_DATE;
  t->mod = r->mod;
  switch (r->kind)
    {
    case XREF_RAW_CAL:
      t->value = resolve_cal (r, c, &date);
      day_precision = date.month > 0 && date.day > 0;
      break;

    case XREF_RAW_WEEKDAY:
      if (weekday_date (&c->doc, r, &date))
        {
          t->value = date_value (&date);
          day_precision = TRUE;
        }
      else
        {
          char buf[32];
          g_snprintf (buf, sizeof buf, "XXXX-WXX-%d", r->weekday);
          t->value = xref_intern (buf);
        }
      break;

    case XREF_RAW_DEICTIC:
      if (xref_date_is_complete (&c->doc) && add_days (&c->doc, r->rel, &date))
        {
          t->value = date_value (&date);
          day_precision = TRUE;
        }
      else if (r->rel == 0 && r->part == NULL)
        t->value = xref_intern ("PRESENT_REF");
      else
        t->value = xref_intern ("XXXX-XX-XX");
      break;

    case XREF_RAW_ANCHORED:
      {
        /* counted from the last date of the text precise enough for the
         * unit, else from the document date */
        gboolean days = strcmp (r->unit, "D") == 0 || strcmp (r->unit, "W") == 0;
        const XrefDate *from = days ? (c->has_anchor ? &c->anchor : &c->doc)
                                    : (c->last.year > 0 ? &c->last : &c->doc);
        char buf[32];
        if (strcmp (r->unit, "Q") == 0 && r->year > 0)
          {
            /* "the 1988 quarter": the quarter reported on, that year */
            if (c->quarter > 0)
              g_snprintf (buf, sizeof buf, "%04d-Q%d", r->year, c->quarter);
            else
              g_snprintf (buf, sizeof buf, "%04d-QX", r->year);
            t->value = xref_intern (buf);
            break;
          }
        /* "the latest quarter": the one before the document's */
        if (strcmp (r->unit, "Q") == 0)
          from = &c->doc;
        if (year_ago_quarter (r, strcmp (r->unit, "Q") == 0 ? r->rel : -r->rel, c, &t->value))
          break;
        t->value = resolve_relative (r, from, r->rel, from == &c->doc, &date);
        day_precision = date.month > 0 && date.day > 0;
      }
      break;

    case XREF_RAW_RELATIVE:
      if (!r->has_rel && strcmp (r->unit, "WE") == 0)
        {
          /* "the weekend": the week of its Saturday, the last one or
           * the next as the clause's tense says */
          XrefRawTimex sat = *r;
          XrefDate d;
          sat.weekday = 6;
          if (sat.tense == XREF_TENSE_UNKNOWN)
            sat.tense = XREF_TENSE_PAST;
          if (weekday_date (&c->doc, &sat, &d))
            {
              XrefDate y;
              t->value = week_value (&d, "-WE", &y);
              date.year = y.year;
            }
          else
            t->value = xref_intern ("XXXX-WXX-WE");
          break;
        }
      t->value = resolve_relative (r, &c->doc, r->rel, TRUE, &date);
      break;

    case XREF_RAW_AGO:
      {
        gint n = (gint) r->amount;
        gboolean calendar = strcmp (r->unit, "H") != 0 && strcmp (r->unit, "MIN") != 0 && strcmp (r->unit, "S") != 0;
        if (!r->vague && year_ago_quarter (r, n, c, &t->value))
          ;
        else if (!r->vague && calendar && (gdouble) n == r->amount && n > 0
            && (xref_date_is_complete (&c->doc) || (c->doc.year > 0 && strcmp (r->unit, "Y") == 0)))
          t->value = resolve_relative (r, &c->doc, -n, TRUE, &date);
        else
          t->value = xref_intern ("PAST_REF");
        day_precision = date.month > 0 && date.day > 0;
      }
      break;

    case XREF_RAW_REF:
      t->value = r->value;
      break;

    case XREF_RAW_DURATION:
      t->type = XREF_TIMEX_DURATION;
      t->value = duration_value_interned (r->unit, r->amount, r->vague);
      break;

    case XREF_RAW_SET:
      t->type = XREF_TIMEX_SET;
      t->value = r->value != NULL ? r->value : duration_value_interned (r->unit, r->amount, FALSE);
      break;

    case XREF_RAW_TIME:
      t->type = XREF_TIMEX_TIME;
      t->value = NULL;   /* the day comes from the sentence: second pass */
      if (r->month > 0 || r->weekday > 0)
        {
          XrefDate day = { 0, 0, 0 };
          char buf[64];
          if (r->month > 0)
            resolve_cal (r, c, &day);
          else if (!weekday_date (&c->doc, r, &day))
            g_snprintf (buf, sizeof buf, "XXXX-WXX-%d", r->weekday);
          if (day.month > 0 || r->month > 0)
            g_strlcpy (buf, date_value (&day), sizeof buf);
          g_autofree char *v = g_strdup_printf ("%sT%02d:%02d", buf, r->hour, r->minute < 0 ? 0 : r->minute);
          t->value = xref_intern (v);
        }
      break;
    }

  if (day_precision)
    {
      c->anchor = date;
      c->has_anchor = TRUE;
    }
  if (date.year > 0 && t->type == XREF_TIMEX_DATE)
    c->last = date;
  if (r->part != NULL && t->value != NULL)
    {
      t->type = XREF_TIMEX_TIME;
      t->value = with_part (t->value, r->part);
    }
  if (t->type == XREF_TIMEX_DATE)
    t->date = date;
}

/* The day of a clock time: the nearest complete date of its sentence,
 * else the document date. */
static void
resolve_time (const XrefRawTimex *r, const XrefDocument *doc, guint index, XrefTimex *t)
{
  const XrefDate *day = NULL;
  guint best = G_MAXUINT;
  char buf[64];

  for (guint k = 0; k < doc->timexes->len; k++)
    {
      const XrefTimex *o = &g_array_index (doc->timexes, XrefTimex, k);
      guint dist;
      if (k == index || o->sentence != t->sentence || o->type != XREF_TIMEX_DATE || !xref_date_is_complete (&o->date))
        continue;
      dist = o->first_token > t->first_token ? o->first_token - t->first_token : t->first_token - o->first_token;
      if (dist < best)
        {
          best = dist;
          day = &o->date;
        }
    }
  if (day == NULL && xref_date_is_complete (&doc->date))
    day = &doc->date;
  g_snprintf (buf, sizeof buf, "%sT%02d:%02d", day != NULL ? iso_value (day) : "XXXX-XX-XX", r->hour,
              r->minute < 0 ? 0 : r->minute);
  t->value = xref_intern (buf);
}

static void
resolve_all (XrefDocument *doc, const GArray *raws, const GArray *known)
{
  Ctx c = { doc->date, { 0, 0, 0 }, FALSE, { 0, 0, 0 }, 0, 0, known };
  const XrefToken *tokens = (const XrefToken *) (gpointer) doc->tokens->data;

  /* one allocation, then each filled in place */
  g_array_set_size (doc->timexes, 0);
  g_array_set_size (doc->timexes, raws->len);
  for (guint k = 0; k < raws->len; k++)
    {
      const XrefRawTimex *r = &g_array_index (raws, XrefRawTimex, k);
      XrefTimex t = { 0 };

      t.first_token = r->first;
      t.n_tokens = r->n;
      t.sentence = r->sentence;
      t.start = tokens[r->first].start;
      t.end = tokens[r->first + r->n - 1].end;
      resolve (r, &c, &t);
      g_array_index (doc->timexes, XrefTimex, k) = t;
    }
  for (guint k = 0; k < raws->len; k++)
    {
      XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, k);
      if (t->value == NULL)
        resolve_time (&g_array_index (raws, XrefRawTimex, k), doc, k, t);
    }
}

/* ---- the document date --------------------------------------------------- */

/* Orders candidate document dates: a complete date beats one without a
 * year; then the later wins. */
static gboolean
later_than (const XrefDate *a, const XrefDate *b)
{
  gboolean ca = xref_date_is_complete (a), cb = xref_date_is_complete (b);
  if (b->month == 0)
    return TRUE;
  if (ca != cb)
    return ca;
  if (a->year != b->year)
    return a->year > b->year;
  if (a->month != b->month)
    return a->month > b->month;
  return a->day > b->day;
}

static void
infer_doc_date (XrefDocument *doc, const GArray *raws, const GArray *known)
{
  XrefDate best = { 0, 0, 0 };

  /* 1. the date of a report */
  for (guint k = 0; k < raws->len; k++)
    {
      const XrefRawTimex *r = &g_array_index (raws, XrefRawTimex, k);
      XrefDate d = { r->year, r->month, r->day };
      if (!r->reported || r->mod != NULL)
        continue;
      if (d.year == 0 && r->weekday > 0)
        d.year = weekday_year (d.month, d.day, r->weekday, 0, known);
      if (later_than (&d, &best))
        best = d;
    }
  /* 2. the latest complete date */
  if (best.month == 0)
    for (guint k = 0; k < raws->len; k++)
      {
        const XrefRawTimex *r = &g_array_index (raws, XrefRawTimex, k);
        XrefDate d = { r->year, r->month, r->day };
        if (r->kind != XREF_RAW_CAL || r->mod != NULL || r->day == 0)
          continue;
        if (d.year == 0 && r->weekday > 0)
          d.year = weekday_year (d.month, d.day, r->weekday, 0, known);
        if (xref_date_is_complete (&d) && later_than (&d, &best))
          best = d;
      }
  if (best.month == 0)
    return;
  doc->date = best;
  doc->date_basis = XREF_DATE_BASIS_INFERRED;
}

static void
scan_doc (const XrefDocument *doc, const XrefRules *rules, GArray *raws, GArray *known)
{
  xref_temporal_scan (doc, rules, raws);
  for (guint k = 0; k < raws->len; k++)
    {
      const XrefRawTimex *r = &g_array_index (raws, XrefRawTimex, k);
      if (r->kind == XREF_RAW_CAL && r->year > 0)
        g_array_append_val (known, r->year);
    }
}

/* The arrays xref_temporal_tag fills for each document, kept by each
 * thread from one document to the next instead of allocated and grown for
 * each; freed when the thread ends (the main thread's at exit). */
typedef struct {
  GArray *raws;            /* XrefRawTimex */
  GArray *known;           /* gint */
} TagScratch;

static void
tag_scratch_free (gpointer data)
{
  TagScratch *sc = data;

  g_array_unref (sc->raws);
  g_array_unref (sc->known);
  g_free (sc);
}

static GPrivate tag_scratch_key = G_PRIVATE_INIT (tag_scratch_free);

void
xref_temporal_tag (XrefDocument *doc, const XrefRules *rules)
{
  TagScratch *sc = g_private_get (&tag_scratch_key);

  g_return_if_fail (doc != NULL && rules != NULL);
  if (sc == NULL)
    {
      sc = g_new (TagScratch, 1);
      sc->raws = g_array_sized_new (FALSE, FALSE, sizeof (XrefRawTimex), 64);
      sc->known = g_array_sized_new (FALSE, FALSE, sizeof (gint), 64);
      g_private_set (&tag_scratch_key, sc);
    }
  GArray *raws = sc->raws, *known = sc->known;
  g_array_set_size (raws, 0);
  g_array_set_size (known, 0);
  if (doc->timexes != NULL)
    g_assert (g_array_get_element_size (doc->timexes) == sizeof (XrefTimex));
  if (doc->tokens == NULL || doc->sentences == NULL)
    {
      if (doc->timexes == NULL)
        doc->timexes = g_array_new (FALSE, TRUE, sizeof (XrefTimex));
      g_array_set_size (doc->timexes, 0);
      return;
    }

  scan_doc (doc, rules, raws, known);
  if (doc->timexes == NULL)
    doc->timexes = g_array_new (FALSE, TRUE, sizeof (XrefTimex));
  if (doc->date_basis == XREF_DATE_BASIS_NONE)
    infer_doc_date (doc, raws, known);
  resolve_all (doc, raws, known);
}

/* The weekday the text gave with the document's month and day, or 0. */
static gint
reported_weekday (const XrefDocument *doc, const XrefRules *rules)
{
  g_autoptr (GArray) raws = g_array_new (FALSE, TRUE, sizeof (XrefRawTimex));
  gint weekday = 0;

  xref_temporal_scan (doc, rules, raws);
  for (guint k = 0; k < raws->len; k++)
    {
      const XrefRawTimex *r = &g_array_index (raws, XrefRawTimex, k);
      if (r->kind == XREF_RAW_CAL && r->weekday > 0 && r->year == 0 && r->month == doc->date.month
          && r->day == doc->date.day)
        {
          weekday = r->weekday;
          if (r->reported)
            break;
        }
    }
  return weekday;
}

void
xref_temporal_resolve_corpus (GPtrArray *documents, const XrefRules *rules)
{
  gint year = 0;

  g_return_if_fail (documents != NULL && rules != NULL);
  for (guint k = 0; k < documents->len; k++)
    {
      const XrefDocument *doc = g_ptr_array_index (documents, k);
      if (doc->date.year <= 0)
        continue;
      if (year != 0 && doc->date.year != year)
        return;   /* the documents disagree: leave every year unknown */
      year = doc->date.year;
    }
  if (year == 0)
    return;

  for (guint k = 0; k < documents->len; k++)
    {
      XrefDocument *doc = g_ptr_array_index (documents, k);
      XrefDate d = doc->date;

      if (d.year > 0)
        continue;
      d.year = year;
      if (d.month > 0 && d.day > 0)
        {
          /* "Wednesday, December 28": the year near the corpus's in which
           * that day is a Wednesday */
          gint w = reported_weekday (doc, rules);
          gint y = w > 0 ? weekday_year (d.month, d.day, w, year, NULL) : 0;
          if (y > 0)
            d.year = y;
        }
      if (d.day > 0 && !date_valid (d.year, d.month, d.day))
        continue;   /* February 29 of a year that has none */
      doc->date = d;
      /* a dateline without its year keeps its basis: only the year is ours */
      if (doc->date_basis == XREF_DATE_BASIS_NONE)
        doc->date_basis = XREF_DATE_BASIS_INFERRED;
      xref_temporal_tag (doc, rules);
    }
}

gboolean
xref_temporal_add_days (const XrefDate *d, gint days, XrefDate *out)
{
  return add_days (d, days, out);
}

gint
xref_temporal_weekday (const XrefDate *d)
{
  return weekday_of (d->year, d->month, d->day);
}

const char *
xref_temporal_date_value (const XrefDate *d)
{
  return date_value (d);
}

const char *
xref_temporal_duration_value (const char *unit, gdouble amount, gboolean vague)
{
  return duration_value (unit, amount, vague);
}

const XrefTimex *
xref_temporal_at (const XrefDocument *doc, gsize offset)
{
  guint lo = 0, hi;

  if (doc == NULL || doc->timexes == NULL)
    return NULL;
  hi = doc->timexes->len;
  /* timexes are in text order and never overlap */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, mid);
      if (offset < t->start)
        hi = mid;
      else if (offset >= t->end)
        lo = mid + 1;
      else
        return t;
    }
  return NULL;
}
