/* xref — temporal: recognising time expressions on the token stream.
 *
 * One left-to-right pass over the tokens of each sentence.  At each token
 * a small set of hand-written matchers (a TimeML/TIMEX3 grammar of English
 * time expressions, in the spirit of HeidelTime's rule classes but over
 * tokens, never a loop of regexes) tries to read an expression; the first
 * that succeeds consumes its tokens.  Words that name calendar units
 * (months, weekdays, numbers, units, vague quantities, seasons) come from
 * the rules; the grammar words below (yesterday, ago, early, every …) are
 * the closed-class English of TimeML extents and stay here.
 *
 * Extents follow the TimeML guidelines (TimeBank, TempEval-3): a leading
 * preposition is a signal, not part of the timex ("on Tuesday" →
 * "Tuesday", "for months" → "months"); modifiers are part of it ("late
 * November", "more than two years", "the past three months").
 */
#include "temporal-private.h"

#include <math.h>
#include <string.h>

typedef struct {
  const XrefRules *rules;
  const XrefToken *t;      /* the tokens of one sentence */
  guint n;
  guint base;              /* index of t[0] in doc->tokens */
  guint sentence;
} Scan;

static guint match_at (const Scan *s, guint i, XrefRawTimex *r);
static guint match_core (const Scan *s, guint i, XrefRawTimex *r);

/* ---- token helpers ----------------------------------------------------- */

static const char *
nm (const Scan *s, guint i)
{
  return i < s->n ? s->t[i].norm : "";
}

static gboolean
is_word (const Scan *s, guint i, const char *w)
{
  return i < s->n && strcmp (s->t[i].norm, w) == 0;
}

static gboolean
in_list (const char *word, const char *const *list)
{
  for (; *list != NULL; list++)
    if (strcmp (word, *list) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_one_of (const Scan *s, guint i, const char *const *list)
{
  return i < s->n && in_list (s->t[i].norm, list);
}

static gboolean
is_kind (const Scan *s, guint i, XrefTokenKind kind)
{
  return i < s->n && s->t[i].kind == kind;
}

static gboolean
capitalised (const Scan *s, guint i)
{
  return i < s->n && (s->t[i].flags & (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS)) != 0;
}

/* A "." written right after token i, as in "Feb." (the tokenizer splits it). */
static gboolean
dot_follows (const Scan *s, guint i)
{
  return i + 1 < s->n && strcmp (s->t[i + 1].form, ".") == 0 && s->t[i + 1].start == s->t[i].end;
}

/* Looks key up in a rule table whose keys are interned strings (the
 * tables hash pointers, so the key must be the interned copy). */
static gboolean
table_get (GHashTable *table, const char *key, gpointer *value)
{
  const char *interned;

  if (table == NULL || key == NULL || (interned = xref_intern_try (key)) == NULL)
    return FALSE;
  return g_hash_table_lookup_extended (table, interned, NULL, value);
}

static guint
word_class (const Scan *s, const char *word)
{
  gpointer v;
  return table_get (s->rules->word_classes, word, &v) ? GPOINTER_TO_UINT (v) : 0;
}

/* A lower-case content word: not capitalised, not a closed-class word. */
static gboolean
content_word (const Scan *s, guint i)
{
  return is_kind (s, i, XREF_TOKEN_WORD) && !capitalised (s, i) && word_class (s, nm (s, i)) == 0;
}

/* Length of a speech verb ("said", "told", "according to") at i, or 0. */
static guint
speech_at (const Scan *s, guint i)
{
  gconstpointer v;
  if (s->rules->speech_phrases == NULL || i >= s->n)
    return 0;
  return xref_phrase_table_match (s->rules->speech_phrases, s->t, s->n, i, &v);
}

/* ---- closed-class grammar words of TimeML extents ------------------------ */

static const char *const after_prep[] = {
  "in", "of", "since", "until", "till", "by", "from", "through", "to", "during", "before", "after",
  "early", "late", "mid", "last", "next", "this", "end", "beginning", "start", "middle", "each", "every",
  "between", "and", "or", "around", "about", "throughout", "into", "for", "on", "past", "coming", NULL
};

static const char *const quantity_words[] = {
  "about", "around", "nearly", "almost", "over", "than", "approximately", "roughly", "only", "just",
  "least", "some", "under", "most", NULL
};

static const struct {
  const char *word;
  const char *part;
} parts_of_day[] = {
  { "morning", "MO" }, { "afternoon", "AF" }, { "evening", "EV" }, { "night", "NI" },
};

static const char *
part_at (const Scan *s, guint i)
{
  for (gsize k = 0; k < G_N_ELEMENTS (parts_of_day); k++)
    if (is_word (s, i, parts_of_day[k].word))
      return xref_intern (parts_of_day[k].part);
  return NULL;
}

static const struct {
  const char *word;
  gint rel;
} rel_words[] = {
  { "this", 0 }, { "last", -1 }, { "next", 1 }, { "coming", 1 },
};

static gboolean
rel_at (const Scan *s, guint i, gint *rel)
{
  for (gsize k = 0; k < G_N_ELEMENTS (rel_words); k++)
    if (is_word (s, i, rel_words[k].word))
      {
        *rel = rel_words[k].rel;
        return TRUE;
      }
  return FALSE;
}

/* ---- numbers --------------------------------------------------------- */

typedef struct {
  gdouble value;
  gboolean digits;         /* written with digits */
  gboolean integer;        /* digits only, no separator or fraction */
  gboolean ordinal;        /* "21st" */
  gboolean article;        /* "a" / "an" */
  guint ndigits;
} Num;

static gdouble
fraction_value (gunichar c)
{
  switch (c)
    {
    case 0x00BD: return 0.5;
    case 0x00BC: return 0.25;
    case 0x00BE: return 0.75;
    case 0x2153: return 1.0 / 3;
    case 0x2154: return 2.0 / 3;
    case 0x215B: return 0.125;
    default: return -1;
    }
}

/* Parses a NUMBER token as a plain number: "24", "6,755", "6.5", "2½",
 * "21st".  Tokens holding : / or - (times, dates, ranges) are refused. */
static gboolean
parse_number (const char *form, Num *out)
{
  const char *p = form;
  gdouble v = 0, scale = 0;
  gboolean any = FALSE;

  memset (out, 0, sizeof *out);
  out->digits = TRUE;
  out->integer = TRUE;
  while (*p != '\0')
    {
      if (g_ascii_isdigit (*p))
        {
          if (scale > 0)
            {
              v += (*p - '0') * scale;
              scale /= 10;
            }
          else
            v = v * 10 + (*p - '0');
          out->ndigits++;
          any = TRUE;
          p++;
        }
      else if (*p == ',' && any && scale == 0)
        {
          out->integer = FALSE;
          p++;
        }
      else if (*p == '.' && any && scale == 0)
        {
          out->integer = FALSE;
          scale = 0.1;
          p++;
        }
      else if ((guchar) *p >= 0x80)
        {
          gunichar c = g_utf8_get_char_validated (p, -1);
          gdouble f = c == (gunichar) -1 || c == (gunichar) -2 ? -1 : fraction_value (c);
          if (f < 0)
            return FALSE;
          v += f;
          out->integer = FALSE;
          any = TRUE;
          p = g_utf8_next_char (p);
        }
      else if (g_ascii_isalpha (*p) && any && strlen (p) == 2
               && (g_ascii_strcasecmp (p, "st") == 0 || g_ascii_strcasecmp (p, "nd") == 0
                   || g_ascii_strcasecmp (p, "rd") == 0 || g_ascii_strcasecmp (p, "th") == 0))
        {
          out->ordinal = TRUE;
          break;
        }
      else
        return FALSE;
    }
  out->value = v;
  return any;
}

/* A number word of the rules ("two", "dozen", "a"), 0 on none. */
static gboolean
number_word (const Scan *s, const char *word, gdouble *v)
{
  gpointer p;
  if (!table_get (s->rules->numbers, word, &p) || p == NULL)
    return FALSE;
  *v = *(const gdouble *) p;
  return TRUE;
}

/* A number word, possibly hyphenated ("twenty-four"), from a string. */
static gboolean
number_string (const Scan *s, const char *word, gdouble *v)
{
  const char *dash = strchr (word, '-');
  gdouble a, b;

  if (dash == NULL)
    return number_word (s, word, v);
  g_autofree char *left = g_strndup (word, dash - word);
  if (strchr (dash + 1, '-') == NULL && number_word (s, left, &a) && number_word (s, dash + 1, &b) && a >= 20
      && a < 100 && fmod (a, 10) == 0 && b >= 1 && b < 10)
    {
      *v = a + b;
      return TRUE;
    }
  return FALSE;
}

/* A number at i: digits, a number word, "twenty four", "half a".  Returns
 * its length in tokens. */
static guint
number_at (const Scan *s, guint i, Num *out)
{
  gdouble a, b;

  memset (out, 0, sizeof *out);
  if (i >= s->n)
    return 0;
  if (s->t[i].kind == XREF_TOKEN_NUMBER)
    return parse_number (s->t[i].form, out) ? 1 : 0;
  if (s->t[i].kind != XREF_TOKEN_WORD || !number_string (s, nm (s, i), &a))
    return 0;
  out->value = a;
  out->integer = fmod (a, 1) == 0;
  if (is_word (s, i, "a") || is_word (s, i, "an"))
    {
      /* "a hundred years" */
      if (is_kind (s, i + 1, XREF_TOKEN_WORD) && number_word (s, nm (s, i + 1), &b) && b >= 100)
        {
          out->value = b;
          return 2;
        }
      out->article = TRUE;
      return 1;
    }
  /* "half a year", "half an hour" */
  if (a == 0.5 && (is_word (s, i + 1, "a") || is_word (s, i + 1, "an")))
    return 2;
  /* "twenty four" */
  if (a >= 20 && a < 100 && fmod (a, 10) == 0 && i + 1 < s->n && s->t[i + 1].kind == XREF_TOKEN_WORD
      && number_word (s, nm (s, i + 1), &b) && b >= 1 && b < 10 && fmod (b, 1) == 0)
    {
      out->value = a + b;
      return 2;
    }
  return 1;
}

/* A vague quantity of the rules ("several", "a few", "a couple of") at i:
 * the longest, in tokens. */
static guint
vague_at (const Scan *s, guint i)
{
  gpointer v;
  char key[128];

  if (!is_kind (s, i, XREF_TOKEN_WORD) || s->rules->vague_quantities == NULL)
    return 0;
  for (guint len = 3; len >= 1; len--)
    {
      gboolean ok = i + len <= s->n;

      key[0] = '\0';
      for (guint k = 0; ok && k < len; k++)
        {
          ok = s->t[i + k].kind == XREF_TOKEN_WORD;
          if (ok && k > 0)
            ok = g_strlcat (key, " ", sizeof key) < sizeof key;
          if (ok)
            ok = g_strlcat (key, s->t[i + k].norm, sizeof key) < sizeof key;
        }
      if (ok && table_get (s->rules->vague_quantities, key, &v))
        return len;
    }
  return 0;
}

/* A unit word of the rules at i ("months" → "M"); *plural when it ends in -s. */
static const char *
unit_of (const Scan *s, const char *word, gboolean *plural)
{
  gpointer v;
  if (!table_get (s->rules->units, word, &v) || v == NULL)
    return NULL;
  if (plural != NULL)
    {
      gsize len = strlen (word);
      *plural = len > 1 && word[len - 1] == 's';
    }
  return xref_intern (v);
}

static const char *
unit_at (const Scan *s, guint i, gboolean *plural)
{
  if (!is_kind (s, i, XREF_TOKEN_WORD))
    return NULL;
  return unit_of (s, nm (s, i), plural);
}

/* ---- calendar words ------------------------------------------------------ */

/* A month or weekday name at i from table, capitalised as names are.  An
 * abbreviation takes its dot ("Feb" "." → 2 tokens) and sets *abbrev. */
static gint
name_at (const Scan *s, GHashTable *table, guint i, guint *len, gboolean *abbrev)
{
  gpointer v;
  char buf[64];

  *len = 1;
  *abbrev = FALSE;
  if (!is_kind (s, i, XREF_TOKEN_WORD) || !capitalised (s, i) || strlen (nm (s, i)) + 2 > sizeof buf)
    return 0;
  g_snprintf (buf, sizeof buf, "%s.", nm (s, i));
  if (table_get (table, buf, &v))
    {
      *abbrev = TRUE;
      if (dot_follows (s, i))
        *len = 2;
      else if (!table_get (table, nm (s, i), &v))
        return 0;
      return GPOINTER_TO_INT (v);
    }
  if (table_get (table, nm (s, i), &v))
    return GPOINTER_TO_INT (v);
  return 0;
}

static gint
month_at (const Scan *s, guint i, guint *len, gboolean *abbrev)
{
  return name_at (s, s->rules->months, i, len, abbrev);
}

static gint
weekday_at (const Scan *s, guint i, guint *len)
{
  gboolean abbrev;
  gint w = name_at (s, s->rules->weekdays, i, len, &abbrev);
  /* "Sun", "Sat", "Wed" without their dot are other words */
  if (abbrev && *len == 1)
    return 0;
  return w >= 1 && w <= 7 ? w : 0;
}

static gint
days_in_month (gint month, gint year)
{
  static const gint days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (month < 1 || month > 12)
    return 0;
  if (month == 2 && year > 0)
    return g_date_is_leap_year ((GDateYear) year) ? 29 : 28;
  return days[month - 1];
}

/* A day of the month at i: "21", "21st". */
static gboolean
day_at (const Scan *s, guint i, gint *day)
{
  Num num;
  if (!is_kind (s, i, XREF_TOKEN_NUMBER) || !parse_number (s->t[i].form, &num))
    return FALSE;
  if (!(num.integer || num.ordinal) || num.ndigits > 2 || num.value < 1 || num.value > 31)
    return FALSE;
  /* "in December 2 hours" is no day */
  if (unit_at (s, i + 1, NULL) != NULL)
    return FALSE;
  *day = (gint) num.value;
  return TRUE;
}

/* A four-digit year at i. */
static gboolean
year_at (const Scan *s, guint i, gint *year)
{
  Num num;
  if (!is_kind (s, i, XREF_TOKEN_NUMBER) || !parse_number (s->t[i].form, &num))
    return FALSE;
  if (!num.integer || num.ordinal || num.ndigits != 4 || num.value < 1000 || num.value > 2999)
    return FALSE;
  *year = (gint) num.value;
  return TRUE;
}

/* ---- matchers: each returns the tokens it read at i (0 = none) ------------ */

/* "2022-12-21", "2022/12/21", "12/21/2022", "21/12/2022", "21.12.2022". */
static guint
m_numeric_date (const Scan *s, guint i, XrefRawTimex *r)
{
  gint part[3], digits[3];
  guint np = 0;
  char sep = 0;
  const char *p;

  if (!is_kind (s, i, XREF_TOKEN_NUMBER))
    return 0;
  p = s->t[i].form;
  for (;;)
    {
      gint v = 0, nd = 0;
      while (g_ascii_isdigit (*p))
        {
          v = v * 10 + (*p - '0');
          if (++nd > 4)
            return 0;
          p++;
        }
      if (nd == 0 || np == 3)
        return 0;
      part[np] = v;
      digits[np++] = nd;
      if (*p == '\0')
        break;
      if ((*p != '-' && *p != '/' && *p != '.') || (sep != 0 && *p != sep))
        return 0;
      sep = *p++;
    }
  if (np != 3)
    return 0;

  gint y, m, d;
  if (digits[0] == 4)
    {
      if (sep == '.')
        return 0;
      y = part[0], m = part[1], d = part[2];
    }
  else if (digits[2] == 4 && digits[0] <= 2 && digits[1] <= 2)
    {
      /* month first as in the US, unless the first part cannot be a month
       * or the dotted European form is used */
      if (sep == '.' || part[0] > 12)
        d = part[0], m = part[1];
      else
        m = part[0], d = part[1];
      y = part[2];
    }
  else
    return 0;
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month (m, y))
    return 0;
  r->kind = XREF_RAW_CAL;
  r->year = y;
  r->month = m;
  r->day = d;
  return 1;
}

/* What follows a month name at j: a day and an optional year, or a year. */
static guint
month_tail (const Scan *s, guint j, XrefRawTimex *r)
{
  gint day, year;

  if (day_at (s, j, &day))
    {
      r->day = day;
      if (is_word (s, j + 1, ",") && year_at (s, j + 2, &year))
        {
          r->year = year;
          return 3;
        }
      return 1;
    }
  if (year_at (s, j, &year))
    {
      r->year = year;
      return 1;
    }
  if ((is_word (s, j, ",") || is_word (s, j, "of")) && year_at (s, j + 1, &year))
    {
      r->year = year;
      return 2;
    }
  return 0;
}

/* A month name standing alone is a month when its context says so: a
 * temporal preposition or modifier before it, or a name that is no other
 * English word ("May" is a modal) and not a first name ("June Carter"). */
static gboolean
month_alone_ok (const Scan *s, guint i, guint len)
{
  if (i > 0 && is_one_of (s, i - 1, after_prep))
    return TRUE;
  if (word_class (s, nm (s, i)) != 0)
    return FALSE;
  if (is_kind (s, i + len, XREF_TOKEN_WORD) && capitalised (s, i + len))
    return FALSE;
  return TRUE;
}

/* "December 21", "Dec. 21, 2022", "June 2021", "November". */
static guint
m_month (const Scan *s, guint i, XrefRawTimex *r)
{
  guint len, tail;
  gboolean abbrev;
  gint m = month_at (s, i, &len, &abbrev);

  if (m < 1 || m > 12)
    return 0;
  tail = month_tail (s, i + len, r);
  if (tail > 0)
    {
      if (r->day > days_in_month (m, r->year))
        {
          r->day = r->year = 0;
          return 0;
        }
      r->kind = XREF_RAW_CAL;
      r->month = m;
      return len + tail;
    }
  if (abbrev)
    return 0;
  /* "June last year", "January this year" */
  gint rel;
  if (rel_at (s, i + len, &rel) && is_word (s, i + len + 1, "year"))
    {
      r->kind = XREF_RAW_CAL;
      r->month = m;
      r->has_year_rel = TRUE;
      r->year_rel = rel;
      return len + 2;
    }
  if (!month_alone_ok (s, i, len))
    return 0;
  r->kind = XREF_RAW_CAL;
  r->month = m;
  return len;
}

/* "21 December 2022", "21st of December". */
static guint
m_day_first (const Scan *s, guint i, XrefRawTimex *r)
{
  gint day, m, year;
  guint k = i + 1, len;
  gboolean abbrev;

  if (!day_at (s, i, &day))
    return 0;
  if (is_word (s, k, "of"))
    k++;
  m = month_at (s, k, &len, &abbrev);
  if (m < 1 || m > 12)
    return 0;
  k += len;
  r->year = 0;
  if (year_at (s, k, &year))
    {
      r->year = year;
      k++;
    }
  else if (is_word (s, k, ",") && year_at (s, k + 1, &year))
    {
      r->year = year;
      k += 2;
    }
  if (day > days_in_month (m, r->year))
    {
      r->year = 0;
      return 0;
    }
  r->kind = XREF_RAW_CAL;
  r->day = day;
  r->month = m;
  return k - i;
}

/* A weekday, alone or leading a date: "Wednesday, December 28",
 * "Tuesday night", "Friday". */
static guint
m_weekday (const Scan *s, guint i, XrefRawTimex *r)
{
  guint len, k, sub;
  gint w = weekday_at (s, i, &len);
  const char *part;

  if (w == 0)
    return 0;
  k = i + len;
  if (is_word (s, k, ","))
    k++;
  XrefRawTimex d = *r;
  if ((sub = m_month (s, k, &d)) > 0 && d.day > 0)
    {
      *r = d;
      r->weekday = w;
      return k - i + sub;
    }
  d = *r;
  if ((sub = m_day_first (s, k, &d)) > 0)
    {
      *r = d;
      r->weekday = w;
      return k - i + sub;
    }
  r->kind = XREF_RAW_WEEKDAY;
  r->weekday = w;
  if ((part = part_at (s, i + len)) != NULL)
    {
      r->part = part;
      return len + 1;
    }
  return len;
}

static const char *
am_pm (const Scan *s, guint i)
{
  static const char *const am[] = { "am", "a.m.", "a.m", NULL };
  static const char *const pm[] = { "pm", "p.m.", "p.m", NULL };
  if (is_one_of (s, i, am))
    return "am";
  if (is_one_of (s, i, pm))
    return "pm";
  return NULL;
}

/* A time zone right after a time: an abbreviation ("ET", "GMT", "EEST":
 * capitals ending in T, and the two common ones that do not, UTC and MSK)
 * or "<Name> time" ("Moscow time") and "local time". */
static guint
zone_at (const Scan *s, guint i)
{
  const char *f;
  gsize len;

  if (!is_kind (s, i, XREF_TOKEN_WORD))
    return 0;
  f = s->t[i].form;
  len = strlen (f);
  if ((s->t[i].flags & XREF_TOKEN_ALLCAPS) && len <= 4
      && (f[len - 1] == 'T' || strcmp (f, "UTC") == 0 || strcmp (f, "MSK") == 0))
    return 1;
  if ((capitalised (s, i) || is_word (s, i, "local")) && is_word (s, i + 1, "time"))
    return 2;
  return 0;
}

/* A clock time read from i to k, with the day that may follow it:
 * "5 p.m. EST Nov. 9", "noon Thursday", "10 p.m. Wednesday". */
static guint
time_day (const Scan *s, guint i, guint k, gint hour, gint minute, XrefRawTimex *r)
{
  XrefRawTimex d = *r;
  guint j = is_word (s, k, ",") ? k + 1 : k, sub;

  if (((sub = m_weekday (s, j, &d)) > 0 && d.part == NULL) || ((sub = m_month (s, j, &d)) > 0 && d.day > 0))
    {
      *r = d;
      k = j + sub;
    }
  r->kind = XREF_RAW_TIME;
  r->hour = hour;
  r->minute = minute;
  return k - i;
}

/* "7:35 am", "06:44 PM ET", "7 p.m.", "at 18:30", "noon". */
static guint
m_time (const Scan *s, guint i, XrefRawTimex *r)
{
  static const char *const time_preps[] = { "at", "by", "until", "till", "from", "around", "about", "before",
                                            "after", "since", NULL };
  gint h = -1, m = 0;
  guint k = i + 1;
  const char *ampm;

  if (is_word (s, i, "noon") || is_word (s, i, "midday"))
    h = 12;
  else if (is_word (s, i, "midnight"))
    h = 24;
  if (h >= 0)
    return time_day (s, i, i + 1, h, 0, r);
  if (!is_kind (s, i, XREF_TOKEN_NUMBER))
    return 0;

  const char *f = s->t[i].form;
  if (g_ascii_isdigit (f[0]) && (f[1] == ':' || (g_ascii_isdigit (f[1]) && f[2] == ':')))
    {
      const char *c = strchr (f, ':');
      if (!g_ascii_isdigit (c[1]) || !g_ascii_isdigit (c[2]) || c[3] != '\0')
        return 0;
      h = (gint) g_ascii_strtoll (f, NULL, 10);
      m = (c[1] - '0') * 10 + (c[2] - '0');
      if (h > 24 || m > 59)
        return 0;
    }
  else
    {
      Num num;
      if (!parse_number (f, &num) || !num.integer || num.value < 1 || num.value > 12)
        return 0;
      h = (gint) num.value;
      if (am_pm (s, k) == NULL)
        return 0;
    }

  ampm = am_pm (s, k);
  if (ampm != NULL)
    {
      if (h < 1 || h > 12)
        return 0;
      if (strcmp (ampm, "pm") == 0 && h < 12)
        h += 12;
      else if (strcmp (ampm, "am") == 0 && h == 12)
        h = 0;
      k++;
    }
  guint z = zone_at (s, k);
  if (ampm == NULL && z == 0 && !(i > 0 && is_one_of (s, i - 1, time_preps)))
    return 0;
  k += z;
  return time_day (s, i, k, h, m, r);
}

/* A quantity before a unit: a vague one ("several", "a few") or a number. */
static guint
quantity_at (const Scan *s, guint i, Num *num, gboolean *vague)
{
  guint len;

  *vague = FALSE;
  if ((len = vague_at (s, i)) > 0)
    {
      memset (num, 0, sizeof *num);
      *vague = TRUE;
      return len;
    }
  return number_at (s, i, num);
}

/* After "a year" and the like, words that keep it a time expression. */
static const char *const after_article_unit[] = { "ago", "later", "earlier", "long", "old", "before", "after",
                                                   "since", "ahead", "away", "or", "and", NULL };

/* "several months", "2½ hours", "the past three months", "a few months",
 * "a year and a half", "two days ago". */
static guint
m_duration (const Scan *s, guint i, XrefRawTimex *r)
{
  static const char *const the_what[] = { "past", "last", "next", "coming", "first", "previous", NULL };
  guint k = i, q;
  Num num;
  gboolean vague, plural;
  const char *unit;

  if (is_word (s, k, "the") && is_one_of (s, k + 1, the_what))
    k += 2;
  q = quantity_at (s, k, &num, &vague);
  if (q == 0)
    {
      /* "the past week", "the next year": one unit (a day has its own
       * reading: "the next day" is a date) */
      if (k == i || is_word (s, i + 1, "first") || is_word (s, i + 1, "previous"))
        return 0;
      unit = unit_at (s, k, &plural);
      if (unit == NULL || plural || strcmp (unit, "D") == 0 || strcmp (unit, "WE") == 0)
        return 0;
      r->kind = XREF_RAW_DURATION;
      r->unit = unit;
      r->amount = 1;
      return k + 1 - i;
    }
  if (!vague && (num.ordinal || num.value <= 0))
    return 0;
  k += q;
  unit = unit_at (s, k, &plural);
  if (unit == NULL)
    return 0;
  /* "a second round", "a quarter of the vote", "one second" is fine */
  if ((num.article || vague) && strcmp (unit, "S") == 0)
    return 0;
  if (strcmp (unit, "Q") == 0 && is_word (s, k + 1, "of"))
    return 0;
  if (num.article && content_word (s, k + 1) && !is_one_of (s, k + 1, after_article_unit))
    return 0;
  k++;
  r->amount = num.value;
  r->vague = vague;
  r->unit = unit;
  if (!vague && is_word (s, k, "and") && is_word (s, k + 1, "a") && is_word (s, k + 2, "half"))
    {
      r->amount += 0.5;
      k += 3;
    }
  if (is_word (s, k, "ago"))
    {
      r->kind = XREF_RAW_AGO;
      return k + 1 - i;
    }
  r->kind = XREF_RAW_DURATION;
  return k - i;
}

/* A plural unit alone is a vague duration where the context makes it one:
 * "for months", "within weeks", "years before leaving office", "years ago". */
static guint
m_bare_unit (const Scan *s, guint i, XrefRawTimex *r)
{
  static const char *const before[] = { "for", "over", "within", "in", "after", "took", "take", "takes",
                                        "lasted", "last", "lasts", NULL };
  static const char *const after[] = { "of", "later", "earlier", "before", "after", "long", NULL };
  gboolean plural;
  const char *unit = unit_at (s, i, &plural);

  if (unit == NULL || !plural || capitalised (s, i))
    return 0;
  r->unit = unit;
  r->vague = TRUE;
  if (is_word (s, i + 1, "ago"))
    {
      r->kind = XREF_RAW_AGO;
      return 2;
    }
  if (!(i > 0 && is_one_of (s, i - 1, before)) && !is_one_of (s, i + 1, after))
    return 0;
  r->kind = XREF_RAW_DURATION;
  return 1;
}

/* "the next day", "the following week", "the previous day", "the same day",
 * "that day": dates counted from the last date the text mentioned. */
static guint
m_anchored (const Scan *s, guint i, XrefRawTimex *r)
{
  static const struct {
    const char *word;
    gint rel;
    gboolean any_unit;
  } words[] = {
    { "next", 1, FALSE }, { "following", 1, TRUE }, { "previous", -1, TRUE }, { "preceding", -1, TRUE },
    { "same", 0, FALSE },
  };
  guint k = i;
  gboolean plural;
  const char *unit;

  if (is_word (s, i, "that") && is_word (s, i + 1, "day"))
    {
      r->kind = XREF_RAW_ANCHORED;
      r->unit = xref_intern ("D");
      r->has_rel = TRUE;
      r->rel = 0;
      return 2;
    }
  if (is_word (s, k, "the"))
    k++;
  for (gsize w = 0; w < G_N_ELEMENTS (words); w++)
    {
      if (!is_word (s, k, words[w].word))
        continue;
      unit = unit_at (s, k + 1, &plural);
      if (unit == NULL || plural)
        return 0;
      if (strcmp (unit, "D") != 0
          && (!words[w].any_unit || (strcmp (unit, "W") != 0 && strcmp (unit, "M") != 0 && strcmp (unit, "Y") != 0)))
        return 0;
      /* "next day" needs no article, "previous week" does */
      if (k == i && !(strcmp (unit, "D") == 0 && words[w].rel == 1))
        return 0;
      r->kind = XREF_RAW_ANCHORED;
      r->unit = unit;
      r->has_rel = TRUE;
      r->rel = words[w].rel;
      return k + 2 - i;
    }
  return 0;
}

/* "this week", "last year", "next month", "last November", "this summer",
 * "last Tuesday", "this morning", "last night". */
static guint
m_relative (const Scan *s, guint i, XrefRawTimex *r)
{
  gint rel, m, w;
  guint len;
  gboolean abbrev, plural;
  const char *unit, *part;
  gpointer season;

  if (!rel_at (s, i, &rel))
    return 0;
  /* "this past week" */
  guint k = i + 1;
  if (rel == 0 && is_word (s, k, "past"))
    {
      rel = -1;
      k++;
    }
  r->has_rel = TRUE;
  r->rel = rel;
  if ((unit = unit_at (s, k, &plural)) != NULL && !plural && strcmp (unit, "D") != 0 && strcmp (unit, "H") != 0
      && strcmp (unit, "MIN") != 0 && strcmp (unit, "S") != 0)
    {
      r->kind = XREF_RAW_RELATIVE;
      r->unit = unit;
      return k + 1 - i;
    }
  if ((m = month_at (s, k, &len, &abbrev)) >= 1 && m <= 12 && !abbrev)
    {
      r->kind = XREF_RAW_CAL;
      r->month = m;
      return k + len - i;
    }
  if ((w = weekday_at (s, k, &len)) > 0)
    {
      r->kind = XREF_RAW_WEEKDAY;
      r->weekday = w;
      if ((part = part_at (s, k + len)) != NULL)
        {
          r->part = part;
          len++;
        }
      return k + len - i;
    }
  if (is_kind (s, k, XREF_TOKEN_WORD) && table_get (s->rules->seasons, nm (s, k), &season) && season != NULL)
    {
      r->kind = XREF_RAW_CAL;
      r->season = xref_intern (season);
      return k + 1 - i;
    }
  if ((part = part_at (s, k)) != NULL && (rel == 0 || (rel == -1 && strcmp (part, "NI") == 0)))
    {
      /* "this morning" is today's; "last night" is yesterday's */
      r->kind = XREF_RAW_DEICTIC;
      r->rel = rel;
      r->part = part;
      return k + 1 - i;
    }
  r->has_rel = FALSE;
  r->rel = 0;
  return 0;
}

/* yesterday, today, tomorrow, tonight, "yesterday morning". */
static guint
m_deictic (const Scan *s, guint i, XrefRawTimex *r)
{
  static const struct {
    const char *word;
    gint days;
  } words[] = {
    { "yesterday", -1 }, { "today", 0 }, { "tomorrow", 1 }, { "tonight", 0 },
  };
  const char *part;

  for (gsize w = 0; w < G_N_ELEMENTS (words); w++)
    if (is_word (s, i, words[w].word))
      {
        r->kind = XREF_RAW_DEICTIC;
        r->rel = words[w].days;
        r->has_rel = TRUE;
        if (strcmp (words[w].word, "tonight") == 0)
          r->part = xref_intern ("NI");
        else if ((part = part_at (s, i + 1)) != NULL)
          {
            r->part = part;
            return 2;
          }
        return 1;
      }
  return 0;
}

/* PRESENT_REF, PAST_REF, FUTURE_REF: "now", "recently", "at this time",
 * "the future", "recent years". */
static guint
m_ref (const Scan *s, guint i, XrefRawTimex *r)
{
  static const struct {
    const char *w1, *w2;
    const char *value;
    gboolean after_at;        /* only after "at": "at this time" */
  } refs[] = {
    { "now", NULL, "PRESENT_REF", FALSE },       { "currently", NULL, "PRESENT_REF", FALSE },
    { "nowadays", NULL, "PRESENT_REF", FALSE },  { "these", "days", "PRESENT_REF", FALSE },
    { "this", "time", "PRESENT_REF", TRUE },     { "this", "point", "PRESENT_REF", TRUE },
    { "the", "moment", "PRESENT_REF", TRUE },    { "present", NULL, "PRESENT_REF", TRUE },
    { "the", "present", "PRESENT_REF", FALSE },  { "recently", NULL, "PAST_REF", FALSE },
    { "lately", NULL, "PAST_REF", FALSE },       { "the", "past", "PAST_REF", FALSE },
    { "the", "future", "FUTURE_REF", FALSE },
  };
  gboolean plural;

  for (gsize k = 0; k < G_N_ELEMENTS (refs); k++)
    {
      if (!is_word (s, i, refs[k].w1) || (refs[k].w2 != NULL && !is_word (s, i + 1, refs[k].w2)))
        continue;
      if (refs[k].after_at && !(i > 0 && is_word (s, i - 1, "at")))
        continue;
      r->kind = XREF_RAW_REF;
      r->value = xref_intern (refs[k].value);
      return refs[k].w2 != NULL ? 2 : 1;
    }
  /* "recent years", "recent months"; "recent" alone qualifies anything */
  if (is_word (s, i, "recent") && unit_at (s, i + 1, &plural) != NULL && plural)
    {
      r->kind = XREF_RAW_REF;
      r->value = xref_intern ("PAST_REF");
      return 2;
    }
  return 0;
}

/* SET: "annual", "daily", "every year", "each Thursday", "twice a year",
 * "per month". */
static guint
m_set (const Scan *s, guint i, XrefRawTimex *r)
{
  static const struct {
    const char *word;
    const char *unit;
  } adverbs[] = {
    { "annual", "Y" }, { "annually", "Y" }, { "yearly", "Y" }, { "daily", "D" }, { "weekly", "W" },
    { "monthly", "M" }, { "hourly", "H" },
  };
  static const char *const freq[] = { "once", "twice", "thrice", NULL };
  guint k, q, len;
  gboolean plural, vague;
  const char *unit;
  Num num;
  gint w, m;

  for (gsize a = 0; a < G_N_ELEMENTS (adverbs); a++)
    if (is_word (s, i, adverbs[a].word)
        && !(capitalised (s, i) && is_kind (s, i + 1, XREF_TOKEN_WORD) && capitalised (s, i + 1)))
      {
        /* ("Daily Mail" is a name) */
        r->kind = XREF_RAW_SET;
        r->unit = xref_intern (adverbs[a].unit);
        r->amount = 1;
        return 1;
      }

  if (is_word (s, i, "every") || is_word (s, i, "each"))
    {
      k = i + 1;
      if ((w = weekday_at (s, k, &len)) > 0)
        {
          char buf[32];
          g_snprintf (buf, sizeof buf, "XXXX-WXX-%d", w);
          r->kind = XREF_RAW_SET;
          r->value = xref_intern (buf);
          return 1 + len;
        }
      gboolean abbrev;
      if ((m = month_at (s, k, &len, &abbrev)) >= 1 && m <= 12 && !abbrev)
        {
          char buf[32];
          g_snprintf (buf, sizeof buf, "XXXX-%02d", m);
          r->kind = XREF_RAW_SET;
          r->value = xref_intern (buf);
          return 1 + len;
        }
      r->amount = 1;
      q = quantity_at (s, k, &num, &vague);
      if (q > 0 && !vague && num.value > 0)
        {
          r->amount = num.value;
          k += q;
        }
      unit = unit_at (s, k, &plural);
      if (unit == NULL || (plural && r->amount == 1) || strcmp (unit, "WE") == 0)
        return 0;
      r->kind = XREF_RAW_SET;
      r->unit = unit;
      return k + 1 - i;
    }

  /* "twice a year", "three times a week", "once per month" */
  k = i;
  if (is_one_of (s, k, freq))
    k++;
  else if ((q = number_at (s, k, &num)) > 0 && !num.article && is_word (s, k + q, "times"))
    k += q + 1;
  if (k > i && (is_word (s, k, "a") || is_word (s, k, "an") || is_word (s, k, "per"))
      && (unit = unit_at (s, k + 1, &plural)) != NULL && !plural)
    {
      r->kind = XREF_RAW_SET;
      r->unit = unit;
      r->amount = 1;
      return k + 2 - i;
    }
  if (is_word (s, i, "per") && (unit = unit_at (s, i + 1, &plural)) != NULL && !plural)
    {
      r->kind = XREF_RAW_SET;
      r->unit = unit;
      r->amount = 1;
      return 2;
    }
  return 0;
}

/* "the third quarter", "the fourth quarter of 2022", "first-quarter". */
static gint
ordinal_quarter (const char *word)
{
  static const char *const ord[] = { "first", "second", "third", "fourth" };
  static const char *const num[] = { "1st", "2nd", "3rd", "4th" };
  for (gint q = 0; q < 4; q++)
    if (strcmp (word, ord[q]) == 0 || strcmp (word, num[q]) == 0)
      return q + 1;
  return 0;
}

static guint
m_quarter (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k = i;
  gint q, year;

  if (is_word (s, k, "the"))
    k++;
  if (k >= s->n || (q = ordinal_quarter (nm (s, k))) == 0 || !is_word (s, k + 1, "quarter"))
    return 0;
  k += 2;
  if (is_word (s, k, "of") && year_at (s, k + 1, &year))
    {
      r->year = year;
      k += 2;
    }
  else if (is_word (s, k, ",") && year_at (s, k + 1, &year))
    {
      r->year = year;
      k += 2;
    }
  r->kind = XREF_RAW_CAL;
  r->quarter = q;
  return k - i;
}

/* "the 1990s", "1980s". */
static gboolean
decade_word (const char *w, gint *decade)
{
  if (strlen (w) == 5 && g_ascii_isdigit (w[0]) && g_ascii_isdigit (w[1]) && g_ascii_isdigit (w[2]) && w[3] == '0'
      && w[4] == 's' && (w[0] == '1' || w[0] == '2'))
    {
      *decade = (w[0] - '0') * 100 + (w[1] - '0') * 10 + (w[2] - '0');
      return TRUE;
    }
  return FALSE;
}

static guint
m_decade (const Scan *s, guint i, XrefRawTimex *r)
{
  guint k = i;
  if (is_word (s, k, "the"))
    k++;
  if (k >= s->n || !decade_word (nm (s, k), &r->decade))
    return 0;
  r->kind = XREF_RAW_CAL;
  return k + 1 - i;
}

/* "summer 2023", "the summer of 2023", "in the spring", "spring". */
static guint
m_season (const Scan *s, guint i, XrefRawTimex *r)
{
  static const char *const before[] = { "in", "this", "last", "next", "early", "late", "mid", "by", "since",
                                        "until", "during", "each", "every", "of", "through", "over", NULL };
  guint k = i;
  gpointer season;
  gint year;

  if (is_word (s, k, "the"))
    k++;
  if (!is_kind (s, k, XREF_TOKEN_WORD) || !table_get (s->rules->seasons, nm (s, k), &season) || season == NULL)
    return 0;
  r->season = xref_intern (season);
  if (year_at (s, k + 1, &year))
    {
      r->year = year;
      r->kind = XREF_RAW_CAL;
      return k + 2 - i;
    }
  if (is_word (s, k + 1, "of") && year_at (s, k + 2, &year))
    {
      r->year = year;
      r->kind = XREF_RAW_CAL;
      return k + 3 - i;
    }
  if (!(i > 0 && is_one_of (s, i - 1, before)))
    {
      r->season = NULL;
      return 0;
    }
  r->kind = XREF_RAW_CAL;
  return k + 1 - i;
}

/* A year on its own: "in 2014", "postponed to 2023", "the 2014 coup", but
 * not "2000 troops" or "$2014". */
static guint
m_year (const Scan *s, guint i, XrefRawTimex *r)
{
  gint year;
  gboolean strong;

  if (!year_at (s, i, &year) || year < 1600 || year > 2199)
    return 0;
  if (i > 0 && (is_kind (s, i - 1, XREF_TOKEN_SYMBOL) || is_one_of (s, i - 1, quantity_words)))
    return 0;
  if (is_kind (s, i + 1, XREF_TOKEN_SYMBOL))
    return 0;
  strong = i > 0 && (is_one_of (s, i - 1, after_prep) || is_word (s, i - 1, "the"));
  if (!strong && content_word (s, i + 1) && g_str_has_suffix (nm (s, i + 1), "s")
      && !g_str_has_suffix (nm (s, i + 1), "'s"))
    return 0;
  r->kind = XREF_RAW_CAL;
  r->year = year;
  return 1;
}

/* One word with a hyphen: "mid-November", "mid-2023", "pre-2014",
 * "five-year", "24-hour", "third-quarter". */
static guint
m_hyphen_word (const Scan *s, guint i, XrefRawTimex *r)
{
  static const struct {
    const char *prefix;
    const char *mod;
  } prefixes[] = {
    { "mid-", "MID" }, { "pre-", "BEFORE" }, { "post-", "AFTER" },
  };
  const char *w, *dash, *rest;
  gpointer v;
  gint year;
  Num num;

  if (!is_kind (s, i, XREF_TOKEN_WORD) || (dash = strrchr (w = nm (s, i), '-')) == NULL)
    return 0;
  rest = dash + 1;

  for (gsize p = 0; p < G_N_ELEMENTS (prefixes); p++)
    {
      gsize plen = strlen (prefixes[p].prefix);
      if (strncmp (w, prefixes[p].prefix, plen) != 0 || dash != w + plen - 1)
        continue;
      if (table_get (s->rules->months, rest, &v))
        {
          gint m = GPOINTER_TO_INT (v);
          char buf[64];
          g_snprintf (buf, sizeof buf, "%s.", rest);
          if (m < 1 || m > 12 || table_get (s->rules->months, buf, &v))
            return 0;   /* "mid-Dec" is too odd to trust */
          r->month = m;
        }
      else if (parse_number (rest, &num) && num.integer && num.ndigits == 4)
        r->year = (gint) num.value;
      else if (!decade_word (rest, &r->decade))
        return 0;
      r->kind = XREF_RAW_CAL;
      r->mod = xref_intern (prefixes[p].mod);
      return 1;
    }

  /* "third-quarter" */
  g_autofree char *left = g_strndup (w, dash - w);
  gint q = ordinal_quarter (left);
  if (q > 0 && strcmp (rest, "quarter") == 0)
    {
      r->kind = XREF_RAW_CAL;
      r->quarter = q;
      if (year_at (s, i + 1, &year))
        {
          r->year = year;
          return 2;
        }
      return 1;
    }

  /* "five-year", "24-hour", "two-day", "twenty-four-hour" */
  gboolean plural;
  const char *unit = unit_of (s, rest, &plural);
  if (unit == NULL || plural)
    return 0;
  if (parse_number (left, &num) && num.value > 0 && !num.ordinal)
    r->amount = num.value;
  else if (number_string (s, left, &r->amount) && r->amount > 0 && strcmp (left, "a") != 0
           && strcmp (left, "an") != 0)
    ;
  else
    return 0;
  r->kind = XREF_RAW_DURATION;
  r->unit = unit;
  return 1;
}

/* ---- modifiers ---------------------------------------------------------- */

static const struct {
  const char *w[3];
  const char *mod;
} cal_mods[] = {
  { { "the", "end", "of" }, "END" },       { { "the", "beginning", "of" }, "START" },
  { { "the", "start", "of" }, "START" },   { { "the", "middle", "of" }, "MID" },
  { { "the", "early", NULL }, "START" },   { { "the", "late", NULL }, "END" },
  { { "the", "mid", NULL }, "MID" },       { { "early", NULL, NULL }, "START" },
  { { "late", NULL, NULL }, "END" },       { { "mid", NULL, NULL }, "MID" },
  { { "earlier", NULL, NULL }, "START" },  { { "later", NULL, NULL }, "END" },
};

static const struct {
  const char *w[3];
  const char *mod;
} dur_mods[] = {
  { { "more", "than", NULL }, "MORE_THAN" },      { { "less", "than", NULL }, "LESS_THAN" },
  { { "at", "least", NULL }, "EQUAL_OR_MORE" },   { { "no", "less", "than" }, "EQUAL_OR_MORE" },
  { { "at", "most", NULL }, "EQUAL_OR_LESS" },    { { "no", "more", "than" }, "EQUAL_OR_LESS" },
  { { "up", "to", NULL }, "EQUAL_OR_LESS" },      { { "about", NULL, NULL }, "APPROX" },
  { { "around", NULL, NULL }, "APPROX" },         { { "approximately", NULL, NULL }, "APPROX" },
  { { "roughly", NULL, NULL }, "APPROX" },        { { "some", NULL, NULL }, "APPROX" },
  { { "nearly", NULL, NULL }, "LESS_THAN" },      { { "almost", NULL, NULL }, "LESS_THAN" },
  { { "over", NULL, NULL }, "MORE_THAN" },        { { "under", NULL, NULL }, "LESS_THAN" },
};

static guint
words_at (const Scan *s, guint i, const char *const w[3])
{
  guint k = 0;
  for (; k < 3 && w[k] != NULL; k++)
    if (!is_word (s, i + k, w[k]))
      return 0;
  return k;
}

/* early/late/mid, "the end of" … before a calendar expression. */
static guint
m_cal_mod (const Scan *s, guint i, XrefRawTimex *r)
{
  for (gsize m = 0; m < G_N_ELEMENTS (cal_mods); m++)
    {
      guint k = words_at (s, i, cal_mods[m].w), sub;
      gboolean of = k == 3;
      /* "the early 1980s", "the late summer": an article and an adjective */
      gboolean the_adj = k == 2 && strcmp (cal_mods[m].w[0], "the") == 0;
      gboolean earlier = strcmp (cal_mods[m].w[0], "earlier") == 0 || strcmp (cal_mods[m].w[0], "later") == 0;
      gboolean unit_plural;
      const char *unit;

      if (k == 0)
        continue;
      XrefRawTimex d = *r;
      /* "the end of the year", "the beginning of the month" */
      if (of && is_word (s, i + k, "the") && (unit = unit_at (s, i + k + 1, &unit_plural)) != NULL && !unit_plural
          && (strcmp (unit, "W") == 0 || strcmp (unit, "M") == 0 || strcmp (unit, "Y") == 0
              || strcmp (unit, "Q") == 0))
        {
          r->kind = XREF_RAW_RELATIVE;
          r->unit = unit;
          r->has_rel = TRUE;
          r->rel = 0;
          r->mod = xref_intern (cal_mods[m].mod);
          return k + 2;
        }
      sub = match_core (s, i + k, &d);
      if (sub == 0 || d.mod != NULL)
        continue;
      switch (d.kind)
        {
        case XREF_RAW_CAL:
          if (earlier || (d.month == 0 && d.year == 0 && d.season == NULL && d.decade == 0))
            continue;
          /* "the early 1980s" is written with its article; "the late
           * November" is not English */
          if (the_adj && d.decade == 0 && d.season == NULL)
            continue;
          break;
        case XREF_RAW_RELATIVE:
          if (the_adj)
            continue;
          break;
        case XREF_RAW_DEICTIC:
        case XREF_RAW_WEEKDAY:
          if (the_adj || of)
            continue;
          break;
        default:
          continue;
        }
      *r = d;
      r->mod = xref_intern (cal_mods[m].mod);
      return k + sub;
    }
  return 0;
}

/* "more than two years", "about 7:15 p.m.", "nearly four years ago". */
static guint
m_dur_mod (const Scan *s, guint i, XrefRawTimex *r)
{
  for (gsize m = 0; m < G_N_ELEMENTS (dur_mods); m++)
    {
      guint k = words_at (s, i, dur_mods[m].w), sub;
      if (k == 0 || is_word (s, i + k, "the"))
        continue;
      XrefRawTimex d = *r;
      sub = match_core (s, i + k, &d);
      if (sub == 0 || d.mod != NULL)
        continue;
      if (d.kind == XREF_RAW_DURATION || d.kind == XREF_RAW_AGO)
        {
          if (d.vague)
            continue;
        }
      else if (d.kind == XREF_RAW_TIME || (d.kind == XREF_RAW_CAL && d.day > 0))
        {
          if (strcmp (dur_mods[m].mod, "APPROX") != 0 || strcmp (dur_mods[m].w[0], "some") == 0)
            continue;
        }
      else
        continue;
      *r = d;
      r->mod = xref_intern (dur_mods[m].mod);
      return k + sub;
    }
  return 0;
}

/* ---- dispatch ----------------------------------------------------------- */

static guint
match_core (const Scan *s, guint i, XrefRawTimex *r)
{
  typedef guint (*Matcher) (const Scan *, guint, XrefRawTimex *);
  /* Order matters where readings overlap: a weekday leading a date before
   * the date, "the past three months" before "the past", "a year ago"
   * before "a year", a year last of the number readings. */
  static const Matcher matchers[] = {
    m_numeric_date, m_time, m_weekday, m_month, m_day_first, m_quarter, m_duration, m_anchored,
    m_relative, m_deictic, m_set, m_ref, m_hyphen_word, m_decade, m_season, m_year, m_bare_unit,
  };
  const XrefRawTimex init = *r;

  for (gsize k = 0; k < G_N_ELEMENTS (matchers); k++)
    {
      guint len = matchers[k] (s, i, r);
      if (len > 0)
        return len;
      *r = init;
    }
  return 0;
}

static guint
match_at (const Scan *s, guint i, XrefRawTimex *r)
{
  const XrefRawTimex init = *r;
  guint len;

  if ((len = m_cal_mod (s, i, r)) > 0)
    return len;
  *r = init;
  if ((len = m_dur_mod (s, i, r)) > 0)
    return len;
  *r = init;
  return match_core (s, i, r);
}

/* ---- context: tense and reporting ----------------------------------------- */

/* Past and future markers of English clauses.  The nearest marker to the
 * expression decides ("said on Tuesday that he will go on Friday"). */
static gint
marker_at (const Scan *s, guint j)
{
  static const char *const future[] = { "will", "'ll", "shall", "wo", NULL };
  static const char *const past[] = { "was", "were", "had", "did", "ago", "yesterday", NULL };
  gconstpointer v;
  const char *w = nm (s, j);
  gsize len = strlen (w);

  if (in_list (w, future) || (strcmp (w, "going") == 0 && is_word (s, j + 1, "to")))
    return XREF_TENSE_FUTURE;
  /* "could come Tuesday", "would be traveling Thursday": a modal looks
   * ahead from the time of speaking, unless it is "could have gone" */
  if (s->t[j].kind == XREF_TOKEN_WORD && (word_class (s, w) & XREF_WC_MODAL) != 0)
    return is_word (s, j + 1, "have") ? XREF_TENSE_PAST : XREF_TENSE_FUTURE;
  if (in_list (w, past))
    return XREF_TENSE_PAST;
  if (s->t[j].kind != XREF_TOKEN_WORD)
    return XREF_TENSE_UNKNOWN;
  const XrefPhraseTable *tables[] = { s->rules->speech_phrases, s->rules->action_phrases };
  for (gsize k = 0; k < G_N_ELEMENTS (tables); k++)
    if (tables[k] != NULL && xref_phrase_table_match (tables[k], s->t, s->n, j, &v) > 0 && v != NULL)
      {
        const XrefActionMatch *am = v;
        if (am->form == XREF_FORM_PAST)
          return XREF_TENSE_PAST;
      }
  if (len >= 5 && g_str_has_suffix (w, "ed") && !capitalised (s, j) && word_class (s, w) == 0)
    return XREF_TENSE_PAST;
  return XREF_TENSE_UNKNOWN;
}

static gint
clause_tense (const Scan *s, guint first, guint len)
{
  guint best = G_MAXUINT;
  gint tense = XREF_TENSE_UNKNOWN;

  for (guint j = 0; j < s->n; j++)
    {
      guint dist;
      gint m;
      if (j >= first && j < first + len)
        continue;
      dist = j < first ? first - j : j - (first + len - 1);
      if (dist > best)
        continue;
      if ((m = marker_at (s, j)) == XREF_TENSE_UNKNOWN)
        continue;
      /* the earlier marker wins a tie: a report verb usually leads */
      if (dist < best || (dist == best && j < first))
        {
          best = dist;
          tense = m;
        }
    }
  return tense;
}

/* A date that says when something was reported: "said on Wednesday,
 * December 28", "told reporters December 21", "On December 28, the minister
 * contended". */
static gboolean
is_reported (const Scan *s, guint first, guint len)
{
  guint p = first;

  if (p > 0 && is_word (s, p - 1, "on"))
    p--;
  for (guint k = 1; k <= 3 && k <= p; k++)
    if (speech_at (s, p - k) == k)
      return TRUE;

  /* at the head of the sentence, then a comma and a speech verb */
  guint head = 0;
  while (head < s->n && s->t[head].kind == XREF_TOKEN_QUOTE)
    head++;
  if (p != head || !is_word (s, first + len, ","))
    return FALSE;
  for (guint j = first + len + 1; j < s->n && j <= first + len + 10; j++)
    {
      if (is_word (s, j, ";") || is_word (s, j, ".") || is_word (s, j, ":"))
        break;
      if (speech_at (s, j) > 0)
        return TRUE;
    }
  return FALSE;
}

void
xref_temporal_scan (const XrefDocument *doc, const XrefRules *rules, GArray *raws)
{
  if (doc->tokens == NULL || doc->sentences == NULL)
    return;
  for (guint si = 0; si < doc->sentences->len; si++)
    {
      const XrefSentence *sent = &g_array_index (doc->sentences, XrefSentence, si);
      Scan s = { rules, NULL, sent->n_tokens, sent->first_token, si };

      if (sent->n_tokens == 0 || sent->first_token + sent->n_tokens > doc->tokens->len)
        continue;
      s.t = xref_sentence_tokens (doc, sent);
      for (guint i = 0; i < s.n;)
        {
          XrefRawTimex r = { 0 };
          guint len;

          r.hour = r.minute = -1;
          len = match_at (&s, i, &r);
          if (len == 0)
            {
              i++;
              continue;
            }
          r.first = s.base + i;
          r.n = len;
          r.sentence = si;
          r.tense = clause_tense (&s, i, len);
          r.reported = r.kind == XREF_RAW_CAL && r.month > 0 && r.day > 0 && is_reported (&s, i, len);
          g_array_append_val (raws, r);
          i += len;
        }
    }
}
