/* Tests of the temporal stage: the case file tests/cases/timex.txt through
 * the real pipeline (ingest → text → temporal), the document date of the
 * seed corpus before and after the corpus pass, and the public helpers. */
#include "test-util.h"

#include <stdio.h>
#include <stdlib.h>

#include "xref/temporal.h"
#include "../../src/temporal/temporal-private.h"

static XrefRules *rules;

static int
setup (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = xref_rules_default_dir ();
  const char *dirs[] = { dir };

  if (dir == NULL)
    return -1;
  rules = xref_rules_load (dirs, 1, &error);
  if (rules == NULL)
    {
      fprintf (stderr, "cannot load rules from %s: %s\n", dir, error->message);
      return -1;
    }
  return 0;
}

static int
teardown (void **state)
{
  g_clear_pointer (&rules, xref_rules_free);
  return 0;
}

/* A document from text, segmented. */
static XrefDocument *
make_doc (const char *id, const char *text)
{
  g_autoptr (GError) error = NULL;
  XrefDocument *doc = xref_ingest_bytes (id, text, strlen (text), NULL, rules, &error);

  assert_no_error (error);
  assert_non_null (doc);
  xref_text_segment (doc, rules);
  return doc;
}

/* The first timex of doc whose text is text, or NULL. */
static const XrefTimex *
find_timex (const XrefDocument *doc, const char *text)
{
  gsize len = strlen (text);
  for (guint k = 0; k < doc->timexes->len; k++)
    {
      const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, k);
      if (t->end - t->start == len && memcmp (doc->text + t->start, text, len) == 0)
        return t;
    }
  return NULL;
}

static void
assert_timex (const XrefDocument *doc, const char *text, const char *value, const char *mod)
{
  const XrefTimex *t = find_timex (doc, text);
  if (t == NULL)
    fail_msg ("%s: no time expression \"%s\"", doc->id, text);
  assert_str_equal_or_null (t->value, value);
  assert_str_equal_or_null (t->mod, mod);
}

static void
assert_date (const XrefDocument *doc, const char *iso, XrefDateBasis basis)
{
  assert_str_equal_or_null (xref_date_to_iso (&doc->date), iso);
  assert_str_equal_or_null (xref_date_basis_name (doc->date_basis), xref_date_basis_name (basis));
}

/* Invariants every tagged document keeps: timexes in text order, apart,
 * inside their sentence, found again by xref_temporal_at, with values. */
static void
check_invariants (const XrefDocument *doc, GString *failures, const char *where)
{
  gsize prev_end = 0;

  for (guint k = 0; k < doc->timexes->len; k++)
    {
      const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, k);
      const XrefSentence *s;

      if (t->value == NULL || t->start >= t->end || t->end > doc->len || t->start < prev_end
          || t->sentence >= doc->sentences->len)
        {
          g_string_append_printf (failures, "%s: bad timex %u\n", where, k);
          continue;
        }
      s = &g_array_index (doc->sentences, XrefSentence, t->sentence);
      if (t->start < s->start || t->end > s->end || t->first_token < s->first_token
          || t->first_token + t->n_tokens > s->first_token + s->n_tokens)
        g_string_append_printf (failures, "%s: timex %u outside its sentence\n", where, k);
      if (xref_temporal_at (doc, t->start) != t || xref_temporal_at (doc, t->end - 1) != t)
        g_string_append_printf (failures, "%s: xref_temporal_at misses timex %u\n", where, k);
      if (t->start > prev_end && xref_temporal_at (doc, t->start - 1) != NULL)
        g_string_append_printf (failures, "%s: xref_temporal_at finds a timex between timexes\n", where);
      prev_end = t->end;
    }
}

/* ---- the case file ------------------------------------------------------ */

typedef struct {
  guint line;
  char *text;
  char *dct;               /* "@dct" value in force */
  GPtrArray *expect;       /* char*: "text | TYPE | value [| mod]" */
  char *expect_dct;        /* "VALUE BASIS" or NULL */
} Case;

static void
case_clear (Case *c)
{
  g_clear_pointer (&c->text, g_free);
  g_clear_pointer (&c->dct, g_free);
  g_clear_pointer (&c->expect, g_ptr_array_unref);
  g_clear_pointer (&c->expect_dct, g_free);
}

static void
set_dct (XrefDocument *doc, const char *dct)
{
  XrefDate d = { 0, 0, 0 };

  if (dct == NULL || strcmp (dct, "none") == 0)
    return;   /* whatever ingest found; the stage infers the rest */
  if (strncmp (dct, "XXXX-", 5) == 0 && strlen (dct) == 10)
    {
      d.month = atoi (dct + 5);
      d.day = atoi (dct + 8);
    }
  else if (!xref_date_parse_iso (dct, &d))
    fail_msg ("bad @dct \"%s\"", dct);
  doc->date = d;
  doc->date_basis = xref_date_is_complete (&d) ? XREF_DATE_BASIS_METADATA : XREF_DATE_BASIS_INFERRED;
}

static void
run_case (const Case *c, GString *failures, guint *n_expr)
{
  g_autofree char *id = g_strdup_printf ("timex.txt:%u", c->line);
  g_autoptr (XrefDocument) doc = make_doc (id, c->text);
  GString *got = g_string_new (NULL);
  gboolean ok = TRUE;

  set_dct (doc, c->dct);
  xref_temporal_tag (doc, rules);

  for (guint k = 0; k < doc->timexes->len; k++)
    {
      const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, k);
      g_string_append_printf (got, "    %.*s | %s | %s%s%s\n", (int) (t->end - t->start), doc->text + t->start,
                              xref_timex_type_name (t->type), t->value, t->mod ? " | " : "", t->mod ? t->mod : "");
    }
  if (doc->timexes->len != c->expect->len)
    ok = FALSE;
  for (guint k = 0; ok && k < c->expect->len; k++)
    {
      g_auto (GStrv) f = g_strsplit (g_ptr_array_index (c->expect, k), "|", 0);
      const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, k);
      guint nf = g_strv_length (f);

      for (guint i = 0; i < nf; i++)
        g_strstrip (f[i]);
      if (nf < 3 || nf > 4)
        {
          g_string_append_printf (failures, "%s: bad expectation \"%s\"\n", id,
                                  (const char *) g_ptr_array_index (c->expect, k));
          return;
        }
      if (t->end - t->start != strlen (f[0]) || memcmp (doc->text + t->start, f[0], strlen (f[0])) != 0
          || strcmp (xref_timex_type_name (t->type), f[1]) != 0 || g_strcmp0 (t->value, f[2]) != 0
          || g_strcmp0 (t->mod, nf == 4 ? f[3] : NULL) != 0)
        ok = FALSE;
    }
  if (!ok)
    {
      g_string_append_printf (failures, "%s: expected\n", id);
      for (guint k = 0; k < c->expect->len; k++)
        g_string_append_printf (failures, "    %s\n", (const char *) g_ptr_array_index (c->expect, k));
      g_string_append_printf (failures, "  got\n%s", got->str);
    }
  if (c->expect_dct != NULL)
    {
      const char *iso = xref_date_to_iso (&doc->date);
      g_autofree char *have = g_strdup_printf ("%s %s", iso ? iso : "none", xref_date_basis_name (doc->date_basis));
      if (strcmp (have, c->expect_dct) != 0)
        g_string_append_printf (failures, "%s: document date \"%s\", expected \"%s\"\n", id, have, c->expect_dct);
    }
  check_invariants (doc, failures, id);
  *n_expr += c->expect->len;
  g_string_free (got, TRUE);
}

static void
test_cases (void **state)
{
  g_autofree char *path = test_path ("tests/cases/timex.txt");
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) failures = g_string_new (NULL);
  g_autofree char *dct = NULL;
  Case c = { 0 };
  guint n_cases = 0, n_expr = 0;

  g_file_get_contents (path, &contents, NULL, &error);
  assert_no_error (error);
  lines = g_strsplit (contents, "\n", 0);
  for (guint i = 0;; i++)
    {
      const char *line = lines[i];

      if (line == NULL || g_str_has_prefix (line, "> ") || g_str_has_prefix (line, "@dct "))
        {
          if (c.text != NULL)
            {
              run_case (&c, failures, &n_expr);
              n_cases++;
            }
          case_clear (&c);
        }
      if (line == NULL)
        break;
      if (g_str_has_prefix (line, "@dct "))
        {
          g_free (dct);
          dct = g_strstrip (g_strdup (line + 5));
        }
      else if (g_str_has_prefix (line, "> "))
        {
          c.line = i + 1;
          c.text = g_strdup (line + 2);
          c.dct = g_strdup (dct);
          c.expect = g_ptr_array_new_with_free_func (g_free);
        }
      else if (g_str_has_prefix (line, "= dct "))
        {
          if (c.text == NULL)
            fail_msg ("timex.txt:%u: \"= dct\" outside a case", i + 1);
          c.expect_dct = g_strstrip (g_strdup (line + 6));
        }
      else if (line[0] == '#' || line[strspn (line, " \t\r")] == '\0')
        continue;   /* comment or blank line */
      else
        {
          if (c.text == NULL)
            fail_msg ("timex.txt:%u: expectation outside a case", i + 1);
          g_ptr_array_add (c.expect, g_strdup (line));
        }
    }
  case_clear (&c);
  if (failures->len > 0)
    fail_msg ("%u cases, failures:\n%s", n_cases, failures->str);
  /* the file is the specification: keep it large */
  assert_true (n_cases >= 60);
  assert_true (n_expr >= 100);
  printf ("# timex.txt: %u cases, %u expressions\n", n_cases, n_expr);
}

/* ---- the seed corpus ---------------------------------------------------- */

static XrefDocument *
doc_by_prefix (GPtrArray *docs, const char *prefix)
{
  for (guint k = 0; k < docs->len; k++)
    {
      XrefDocument *doc = g_ptr_array_index (docs, k);
      if (g_str_has_prefix (doc->id, prefix))
        return doc;
    }
  fail_msg ("no document %s", prefix);
  return NULL;
}

static void
test_corpus_dates (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = test_path ("corpus");
  g_autofree char *story = test_path ("corpus/.xref/rules");
  g_autofree char *dir = xref_rules_default_dir ();
  const char *dirs[] = { dir, story };
  const char *roots[] = { root };
  g_autoptr (XrefRules) all = xref_rules_load (dirs, 2, &error);
  g_autoptr (XrefCorpus) corpus = NULL;
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  g_autoptr (GString) failures = g_string_new (NULL);
  XrefDocument *d0, *d1, *d2, *d3, *d4;

  assert_no_error (error);
  corpus = xref_corpus_open (roots, 1, &error);
  assert_no_error (error);
  for (guint k = 0; k < corpus->files->len; k++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, k);
      const XrefMeta *meta = g_hash_table_lookup (corpus->manifest, f->id);
      XrefDocument *doc = xref_ingest_file (f, meta, all, &error);
      assert_no_error (error);
      xref_text_segment (doc, all);
      xref_temporal_tag (doc, all);
      g_ptr_array_add (docs, doc);
    }
  assert_int_equal (docs->len, 5);
  d0 = doc_by_prefix (docs, "000_");
  d1 = doc_by_prefix (docs, "001_");
  d2 = doc_by_prefix (docs, "002_");
  d3 = doc_by_prefix (docs, "003_");
  d4 = doc_by_prefix (docs, "004_");

  /* each document on its own */
  /* 000: "said on Wednesday, December 28" is the date of the report; the
   * only year it writes (2014) leaves 2011 and 2016 as Wednesdays, so the
   * year waits for the corpus */
  assert_date (d0, "XXXX-12-28", XREF_DATE_BASIS_INFERRED);
  assert_timex (d0, "Wednesday, December 28", "XXXX-12-28", NULL);
  assert_timex (d0, "The next day", "XXXX-12-22", NULL);
  /* 001: "On December 28, Lavrov contended" */
  assert_date (d1, "XXXX-12-28", XREF_DATE_BASIS_INFERRED);
  /* 002: the dateline stays */
  assert_date (d2, "2022-12-21", XREF_DATE_BASIS_DATELINE);
  assert_timex (d2, "Tuesday", "2022-12-20", NULL);
  assert_timex (d2, "February 24", "2022-02-24", NULL);
  /* 003 and 004 give no day of their own */
  assert_date (d3, NULL, XREF_DATE_BASIS_NONE);
  assert_date (d4, NULL, XREF_DATE_BASIS_NONE);
  assert_timex (d4, "Feb. 24", "XXXX-02-24", NULL);

  /* the corpus agrees on 2022 (002's dateline) */
  xref_temporal_resolve_corpus (docs, all);
  assert_date (d0, "2022-12-28", XREF_DATE_BASIS_INFERRED);
  assert_int_equal (xref_date_weekday (&d0->date), 3);
  assert_timex (d0, "Wednesday, December 28", "2022-12-28", NULL);
  assert_timex (d0, "December 21", "2022-12-21", NULL);
  assert_timex (d0, "The next day", "2022-12-22", NULL);
  assert_timex (d0, "Several months", "PXM", NULL);
  assert_timex (d0, "2014", "2014", NULL);
  assert_date (d1, "2022-12-28", XREF_DATE_BASIS_INFERRED);
  assert_timex (d1, "December 28", "2022-12-28", NULL);
  assert_timex (d1, "a few months", "PXM", NULL);
  assert_timex (d1, "2023", "2023", NULL);
  assert_date (d2, "2022-12-21", XREF_DATE_BASIS_DATELINE);
  assert_date (d3, "2022", XREF_DATE_BASIS_INFERRED);
  assert_timex (d3, "late November", "2022-11", "END");
  assert_timex (d3, "February 24", "2022-02-24", NULL);
  assert_timex (d3, "this week", "2022-WXX", NULL);
  assert_timex (d3, "annual", "P1Y", NULL);
  assert_date (d4, "2022", XREF_DATE_BASIS_INFERRED);
  assert_timex (d4, "Feb. 24", "2022-02-24", NULL);
  assert_timex (d4, "June 2021", "2021-06", NULL);
  assert_timex (d4, "2½ hours", "PT2.5H", NULL);
  assert_timex (d4, "Thursday", "XXXX-WXX-4", NULL);

  for (guint k = 0; k < docs->len; k++)
    {
      XrefDocument *doc = g_ptr_array_index (docs, k);
      check_invariants (doc, failures, doc->id);
    }
  if (failures->len > 0)
    fail_msg ("%s", failures->str);
}

/* ---- the corpus pass ---------------------------------------------------- */

static void
test_corpus_disagree (void **state)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  XrefDocument *a = make_doc ("a", "The talks ended.");
  XrefDocument *b = make_doc ("b", "The talks resumed.");
  XrefDocument *c = make_doc ("c", "On December 28, Lavrov contended that the talks were over.");
  XrefDate y2021 = { 2021, 12, 20 }, y2022 = { 2022, 12, 20 };

  g_ptr_array_add (docs, a);
  g_ptr_array_add (docs, b);
  g_ptr_array_add (docs, c);
  a->date = y2021;
  a->date_basis = XREF_DATE_BASIS_METADATA;
  b->date = y2022;
  b->date_basis = XREF_DATE_BASIS_METADATA;
  for (guint k = 0; k < docs->len; k++)
    xref_temporal_tag (g_ptr_array_index (docs, k), rules);
  assert_date (c, "XXXX-12-28", XREF_DATE_BASIS_INFERRED);

  /* 2021 and 2022: no agreement, nothing changes */
  xref_temporal_resolve_corpus (docs, rules);
  assert_date (c, "XXXX-12-28", XREF_DATE_BASIS_INFERRED);
  assert_timex (c, "December 28", "XXXX-12-28", NULL);

  /* both 2022: c takes it and is tagged again */
  a->date = y2022;
  xref_temporal_resolve_corpus (docs, rules);
  assert_date (c, "2022-12-28", XREF_DATE_BASIS_INFERRED);
  assert_timex (c, "December 28", "2022-12-28", NULL);
  assert_date (a, "2022-12-20", XREF_DATE_BASIS_METADATA);
}

/* The weekday of the reported date picks the year nearest the corpus's:
 * December 28 was a Thursday in 2023, not in 2022. */
static void
test_corpus_weekday (void **state)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  XrefDocument *a = make_doc ("a", "The talks ended.");
  XrefDocument *b = make_doc ("b", "Lavrov said on Thursday, December 28, that the talks were over.");
  XrefDate d = { 2022, 12, 20 };

  g_ptr_array_add (docs, a);
  g_ptr_array_add (docs, b);
  a->date = d;
  a->date_basis = XREF_DATE_BASIS_METADATA;
  xref_temporal_tag (a, rules);
  xref_temporal_tag (b, rules);
  assert_date (b, "XXXX-12-28", XREF_DATE_BASIS_INFERRED);
  xref_temporal_resolve_corpus (docs, rules);
  assert_date (b, "2023-12-28", XREF_DATE_BASIS_INFERRED);
  assert_timex (b, "Thursday, December 28", "2023-12-28", NULL);
}

/* ---- helpers ------------------------------------------------------------- */

static void
test_type_names (void **state)
{
  assert_string_equal (xref_timex_type_name (XREF_TIMEX_DATE), "DATE");
  assert_string_equal (xref_timex_type_name (XREF_TIMEX_TIME), "TIME");
  assert_string_equal (xref_timex_type_name (XREF_TIMEX_DURATION), "DURATION");
  assert_string_equal (xref_timex_type_name (XREF_TIMEX_SET), "SET");
}

static void
test_at (void **state)
{
  g_autoptr (XrefDocument) doc = make_doc ("at", "The talks lasted two days and ended on Friday.");
  const char *two = strstr (doc->text, "two days");
  const char *fri = strstr (doc->text, "Friday");
  gsize a = (gsize) (two - doc->text), f = (gsize) (fri - doc->text);
  const XrefTimex *t;

  xref_temporal_tag (doc, rules);
  assert_int_equal (doc->timexes->len, 2);
  t = xref_temporal_at (doc, a);
  assert_non_null (t);
  assert_int_equal (t->start, a);
  assert_int_equal (t->end, a + strlen ("two days"));
  assert_int_equal (t->type, XREF_TIMEX_DURATION);
  assert_string_equal (t->value, "P2D");
  assert_ptr_equal (xref_temporal_at (doc, a + 5), t);
  assert_null (xref_temporal_at (doc, a - 1));
  assert_null (xref_temporal_at (doc, t->end));
  assert_null (xref_temporal_at (doc, 0));
  t = xref_temporal_at (doc, f + 3);
  assert_non_null (t);
  assert_int_equal (t->start, f);
  assert_string_equal (t->value, "XXXX-WXX-5");
  assert_null (xref_temporal_at (doc, doc->len + 10));
  assert_null (xref_temporal_at (NULL, 0));
  /* values are interned: compare with == */
  assert_ptr_equal (t->value, xref_intern ("XXXX-WXX-5"));
}

/* Tagging twice gives the same timexes, not twice as many. */
static void
test_retag (void **state)
{
  g_autoptr (XrefDocument) doc = make_doc ("retag", "On December 21, it began. The next day it ended, after two days.");
  XrefDate d = { 2022, 12, 28 };
  g_autofree char *first = NULL;
  GString *s = g_string_new (NULL);

  doc->date = d;
  doc->date_basis = XREF_DATE_BASIS_METADATA;
  xref_temporal_tag (doc, rules);
  for (guint k = 0; k < doc->timexes->len; k++)
    g_string_append_printf (s, "%s;", g_array_index (doc->timexes, XrefTimex, k).value);
  first = g_string_free (s, FALSE);
  assert_string_equal (first, "2022-12-21;2022-12-22;P2D;");
  xref_temporal_tag (doc, rules);
  assert_int_equal (doc->timexes->len, 3);
  assert_string_equal (g_array_index (doc->timexes, XrefTimex, 1).value, "2022-12-22");
  assert_date (doc, "2022-12-28", XREF_DATE_BASIS_METADATA);
}

/* A document that was never segmented, and text with nothing in it. */
static void
test_empty (void **state)
{
  g_autoptr (XrefDocument) bare = xref_document_new ("bare", "bare");
  g_autoptr (XrefDocument) blank = make_doc ("blank", "");
  g_autoptr (XrefDocument) junk
      = make_doc ("junk", "— … “ ” 12/45/2022 99:99 pm 2022-02-29 February 30; Dec. 0; $2014 ½ 0 days");

  xref_temporal_tag (bare, rules);
  assert_int_equal (bare->timexes->len, 0);
  assert_int_equal (bare->date_basis, XREF_DATE_BASIS_NONE);
  xref_temporal_tag (blank, rules);
  assert_int_equal (blank->timexes->len, 0);
  xref_temporal_tag (junk, rules);
  assert_int_equal (junk->timexes->len, 0);
  assert_null (xref_temporal_at (bare, 0));
}

/* Rules without temporal word lists: nothing is found, nothing crashes. */
static void
test_no_word_lists (void **state)
{
  static const char yaml[] = "abbreviations: [Dec.]\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRules) bare = xref_rules_load_string ("bare.yaml", yaml, sizeof yaml - 1, &error);
  static const char text[] = "On December 21, 2022, at 7:35 am, three days passed yesterday.";
  g_autoptr (XrefDocument) doc = NULL;

  assert_no_error (error);
  doc = xref_ingest_bytes ("bare", text, sizeof text - 1, NULL, bare, &error);
  assert_no_error (error);
  xref_text_segment (doc, bare);
  xref_temporal_tag (doc, bare);
  /* every word of the grammar comes from the rules (am, yesterday, the
   * months, the units): without them only the year, written in digits,
   * is a time expression */
  assert_null (find_timex (doc, "7:35 am"));
  assert_null (find_timex (doc, "yesterday"));
  assert_null (find_timex (doc, "three days"));
  assert_null (find_timex (doc, "December 21, 2022"));
  assert_non_null (find_timex (doc, "2022"));
  assert_int_equal (doc->timexes->len, 1);
}

/* The grammar's word lists are the rules': a rule file may add words
 * (here a German "heute"), and a list of numbers with a word for a value
 * is an error with its place. */
static void
test_rule_word_lists (void **state)
{
  static const char yaml[] = "temporal:\n"
                             "  units: {day: D, days: D}\n"
                             "  numbers: {two: 2}\n"
                             "  deictic: {heute: 0, yesterday: -1}\n"
                             "  ago: [ago]\n"
                             "  future_markers: [will]\n";
  static const char bad[] = "temporal:\n  deictic: {yesterday: minus one}\n";
  static const char text[] = "---\ndate: 2022-12-21\n---\nHeute he left; two days ago he came, and yesterday.";
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRules) own = xref_rules_load_string ("own.yaml", yaml, sizeof yaml - 1, &error);
  g_autoptr (XrefRules) wrong = NULL;
  g_autoptr (XrefDocument) doc = NULL;
  const XrefTimex *t;

  assert_no_error (error);
  doc = xref_ingest_bytes ("own", text, sizeof text - 1, NULL, own, &error);
  assert_no_error (error);
  xref_text_segment (doc, own);
  xref_temporal_tag (doc, own);
  assert_non_null ((t = find_timex (doc, "Heute")));
  assert_string_equal (t->value, "2022-12-21");
  assert_non_null ((t = find_timex (doc, "two days ago")));
  assert_string_equal (t->value, "2022-12-19");
  assert_non_null ((t = find_timex (doc, "yesterday")));
  assert_string_equal (t->value, "2022-12-20");
  assert_int_equal (doc->timexes->len, 3);

  wrong = xref_rules_load_string ("bad.yaml", bad, sizeof bad - 1, &error);
  assert_null (wrong);
  assert_non_null (error);
  assert_non_null (strstr (error->message, "bad.yaml:2:"));
  assert_non_null (strstr (error->message, "must be a number"));
}

/* The scan keeps an index of the last rule set's word lists: rule sets
 * taken in turn, alive together or loaded again after a free (perhaps at
 * the same addresses), each find their own words and no other's. */
static void
test_word_index_per_rules (void **state)
{
  static const char a_yaml[] = "temporal:\n  deictic: {heute: 0}\n";
  static const char b_yaml[] = "temporal:\n  deictic: {morgen: 1}\n";
  static const char text[] = "---\ndate: 2022-12-21\n---\nHeute he left, and morgen he comes.";

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (XrefRules) a = xref_rules_load_string ("a.yaml", a_yaml, sizeof a_yaml - 1, &error);
      g_autoptr (XrefRules) b = xref_rules_load_string ("b.yaml", b_yaml, sizeof b_yaml - 1, &error);
      const XrefRules *order[] = { a, b, a, round == 1 ? b : a };

      assert_no_error (error);
      for (guint k = 0; k < G_N_ELEMENTS (order); k++)
        {
          g_autoptr (XrefDocument) doc = xref_ingest_bytes ("index", text, sizeof text - 1, NULL, order[k], &error);
          const XrefTimex *t;

          assert_no_error (error);
          xref_text_segment (doc, order[k]);
          xref_temporal_tag (doc, order[k]);
          assert_int_equal (doc->timexes->len, 1);
          if (order[k] == a)
            {
              assert_non_null ((t = find_timex (doc, "Heute")));
              assert_string_equal (t->value, "2022-12-21");
            }
          else
            {
              assert_non_null ((t = find_timex (doc, "morgen")));
              assert_string_equal (t->value, "2022-12-22");
            }
        }
    }
}

/* ---- calendar arithmetic and values ---------------------------------------- */

/* What GDate says of d + days, as add_days answered before it counted
 * days itself. */
static gboolean
gdate_add_days (const XrefDate *d, gint days, XrefDate *out)
{
  XrefDate x = *d;
  gboolean yearless = x.year <= 0;
  GDate g;

  if (yearless)
    x.year = x.month == 2 && x.day == 29 ? 2000 : 2001;
  if (x.year > 9999 || x.month < 1 || x.month > 12 || x.day < 1
      || !g_date_valid_dmy ((GDateDay) x.day, (GDateMonth) x.month, (GDateYear) x.year))
    return FALSE;
  g_date_clear (&g, 1);
  g_date_set_dmy (&g, (GDateDay) x.day, (GDateMonth) x.month, (GDateYear) x.year);
  if (days >= 0)
    g_date_add_days (&g, (guint) days);
  else
    g_date_subtract_days (&g, (guint) -days);
  out->year = yearless ? 0 : g_date_get_year (&g);
  out->month = g_date_get_month (&g);
  out->day = g_date_get_day (&g);
  return TRUE;
}

/* The day counting of temporal.c (civil-date arithmetic) gives GDate's
 * dates and weekdays, across leap years, centuries and the year's ends,
 * and refuses what GDate finds invalid. */
static void
test_calendar (void **state)
{
  static const gint years[] = { 1, 4, 99, 100, 400, 1600, 1899, 1900, 1970, 1999, 2000, 2001, 2020, 2022, 2023, 2024,
                                2100, 2400, 9998, 9999, 0 };
  static const gint deltas[] = { 0, 1, -1, 6, -6, 7, -7, 28, 29, 30, 31, -31, 59, 60, 365, 366, -365, -366, 1461,
                                 -1461, 36524, -36524, 146097, -146097 };

  for (gsize y = 0; y < G_N_ELEMENTS (years); y++)
    for (gint m = 0; m <= 13; m++)
      for (gint d = 0; d <= 32; d++)
        {
          XrefDate date = { years[y], m, d };
          gboolean valid = years[y] > 0 && m >= 1 && m <= 12 && d >= 1
                           && g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) years[y]);
          gint want_wd = 0;

          if (valid)
            {
              GDate g;
              g_date_clear (&g, 1);
              g_date_set_dmy (&g, (GDateDay) d, (GDateMonth) m, (GDateYear) years[y]);
              want_wd = g_date_get_weekday (&g);
            }
          assert_int_equal (xref_temporal_weekday (&date), want_wd);
          for (gsize k = 0; k < G_N_ELEMENTS (deltas); k++)
            {
              XrefDate got = { -1, -1, -1 }, want = { -1, -1, -1 };
              gboolean ok_want, ok_got;

              /* GDate cannot count before 0001-01-01 (it complains) */
              if (years[y] > 0 && years[y] < 500 && deltas[k] < 0)
                continue;
              ok_want = gdate_add_days (&date, deltas[k], &want);
              ok_got = xref_temporal_add_days (&date, deltas[k], &got);
              assert_int_equal (ok_got, ok_want);
              if (ok_want)
                {
                  assert_int_equal (got.year, want.year);
                  assert_int_equal (got.month, want.month);
                  assert_int_equal (got.day, want.day);
                }
            }
        }
}

/* The hand-written values equal what printf wrote: dates as
 * xref_date_to_iso, durations as "P%s%s%s" with "%.6g". */
static void
test_values (void **state)
{
  static const gint fields[] = { -1, 0, 1, 9, 10, 12, 28, 31, 99, 100, 999, 1000, 2022, 9999, 10000, 123456 };
  static const gdouble amounts[] = { 0, 1, 2, 2.5, 0.5, 1.0 / 3, 10, 24, 100, 9999, 10000, 123456, 1234567, 1e12,
                                     -1, -2.5 };
  static const char *const units[] = { "D", "W", "M", "Y", "Q", "H", "MIN", "S", "DE", "CE", "WE" };

  for (gsize y = 0; y < G_N_ELEMENTS (fields); y++)
    for (gsize m = 0; m < G_N_ELEMENTS (fields); m++)
      for (gsize d = 0; d < G_N_ELEMENTS (fields); d++)
        {
          XrefDate date = { fields[y], fields[m], fields[d] };
          const char *want = xref_date_to_iso (&date);
          assert_string_equal (xref_temporal_date_value (&date), want != NULL ? want : "XXXX-XX-XX");
        }
  for (gsize u = 0; u < G_N_ELEMENTS (units); u++)
    for (gsize a = 0; a < G_N_ELEMENTS (amounts); a++)
      for (guint vague = 0; vague < 2; vague++)
        {
          const char *unit = units[u];
          gboolean time = strcmp (unit, "H") == 0 || strcmp (unit, "MIN") == 0 || strcmp (unit, "S") == 0;
          char num[G_ASCII_DTOSTR_BUF_SIZE], want[64];

          if (vague)
            g_strlcpy (num, "X", sizeof num);
          else
            g_ascii_formatd (num, sizeof num, "%.6g", amounts[a]);
          g_snprintf (want, sizeof want, "P%s%s%s", time ? "T" : "", num, strcmp (unit, "MIN") == 0 ? "M" : unit);
          assert_string_equal (xref_temporal_duration_value (xref_intern (unit), amounts[a], vague), want);
        }
}

/* ---- the dispatch ------------------------------------------------------- */

/* The scan runs at each token only the matchers its bits say can start
 * there; trying every matcher at every token must find the same raw
 * expressions, field for field. */
static void
assert_same_scan (const XrefDocument *doc, const XrefRules *r, GString *failures)
{
  g_autoptr (GArray) fast = g_array_new (FALSE, TRUE, sizeof (XrefRawTimex));
  g_autoptr (GArray) every = g_array_new (FALSE, TRUE, sizeof (XrefRawTimex));

  xref_temporal_scan (doc, r, fast);
  xref_temporal_scan_every (doc, r, every);
  /* the first pass's start sets, where it passes over most tokens */
  guint differ = xref_temporal_starts_differ (doc, r);
  if (differ > 0)
    g_string_append_printf (failures, "%s: %u tokens with other start sets than when every record is read\n",
                            doc->id, differ);
  if (fast->len != every->len)
    {
      g_string_append_printf (failures, "%s: %u expressions, %u when every matcher is tried\n", doc->id, fast->len,
                              every->len);
      return;
    }
  for (guint k = 0; k < fast->len; k++)
    {
      const XrefRawTimex *a = &g_array_index (fast, XrefRawTimex, k), *b = &g_array_index (every, XrefRawTimex, k);

      if (a->kind != b->kind || a->first != b->first || a->n != b->n || a->sentence != b->sentence
          || a->year != b->year || a->month != b->month || a->day != b->day || a->weekday != b->weekday
          || a->decade != b->decade || a->century != b->century || a->quarter != b->quarter
          || a->has_year_rel != b->has_year_rel || a->year_rel != b->year_rel || a->season != b->season
          || a->has_rel != b->has_rel || a->rel != b->rel || a->unit != b->unit || a->amount != b->amount
          || a->vague != b->vague || a->hour != b->hour || a->minute != b->minute || a->part != b->part
          || a->value != b->value || a->mod != b->mod || a->tense != b->tense || a->reported != b->reported)
        g_string_append_printf (failures, "%s: expression %u differs from trying every matcher\n", doc->id, k);
    }
}

static void
test_dispatch (void **state)
{
  /* readings the case file may not hold, one per line */
  static const char *const extra[] = {
    "The comparable year-ago third quarter was weak, and the year-earlier period too.",
    "In the 1990s and the early 1980s, and in the 20th century, and 1970s.",
    "A twenty-four-hour strike, a five-year plan, mid-2023, pre-2014 and mid-November.",
    "A hundred years, half an hour, twenty four days, a few months, a couple of weeks.",
    "Twice a year, three times a week, once per month, per day, every Thursday, each May.",
    "At 5 p.m. EST Nov. 9, noon Thursday, 10 p.m. Wednesday, at 18:30, 06:44 PM ET.",
    "At this time, now, recently, in recent years, the future, the past year, the next day.",
    "No more than two years, about 7:15 p.m., nearly four years ago, more than a decade.",
    "The end of the year, the beginning of the month, earlier this month, late last year.",
    "The latest quarter, the quarter, the 1988 third quarter, the 1989 period, first-quarter.",
    "Over the weekend, that day, the same day, the following week, two days later.",
    "Summer 2023, the summer of 2023, in the spring, this summer, last night, this morning.",
    "June last year, January this year, the March for Life, May Day, Sun. Feb. 5, Wed",
    "2022-12-21, 12/21/2022, 21.12.2022, Dec. 21, 2022, 21st of December, Wednesday, December 28.",
    "Yesterday morning, tonight, tomorrow, 14 years, 2½ hours, $2014, 2000 troops, the 2014 coup.",
    "He said he will go on Friday; she had been scheduled to expire Friday and was planning to drive Monday.",
    "the", "a", "The", "2022", "Feb", "Feb.", "at this", "the next", "no more",
    /* what the start sets read of the next word */
    "Last November, this fiscal year, last Tuesday night, next spring, this morning, the last of them.",
    "The third quarter, third quarter of 1989, the first quarter, first place, the third time.",
    "On 21 of December, 5 December, 21st December 2022, 5 p.m. Friday, 10 am, 3 of them, 12 PM.",
    "At 10:30 a year-ago loss, the year-earlier quarter, a well-known twenty-four-year-old, mid-1990s.",
    "In the 1990s, 1990s music, the 2000s, the 1990 s, the 20th century, a few days, a couple of weeks.",
    "That day, that was, the next day, the same day, the following week, three times a year, 3 times.",
    /* the tense: futures, intents, modals, passives, phrases and regular pasts */
    "She announced on Monday that he will leave Friday; they had planned to meet Tuesday, which was agreed.",
    "The talks, which would be held Thursday, were scheduled for Monday; he said Friday he needed Saturday.",
  };
  g_autofree char *path = test_path ("tests/cases/timex.txt");
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) failures = g_string_new (NULL);
  g_autoptr (GString) all = g_string_new ("---\ndate: 2022-12-21\n---\n");
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  g_file_get_contents (path, &contents, NULL, &error);
  assert_no_error (error);
  lines = g_strsplit (contents, "\n", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "> "))
      {
        g_autofree char *id = g_strdup_printf ("timex.txt:%u", i + 1);
        g_autoptr (XrefDocument) doc = make_doc (id, lines[i] + 2);
        assert_same_scan (doc, rules, failures);
        g_string_append_printf (all, "%s\n\n", lines[i] + 2);
        n++;
      }
  for (gsize k = 0; k < G_N_ELEMENTS (extra); k++)
    {
      g_autofree char *id = g_strdup_printf ("extra %" G_GSIZE_FORMAT, k);
      g_autoptr (XrefDocument) doc = make_doc (id, extra[k]);
      assert_same_scan (doc, rules, failures);
      g_string_append_printf (all, "%s\n", extra[k]);
      n++;
    }
  /* the seed articles, and everything above as one document */
  for (guint k = 0; k < 5; k++)
    {
      g_autofree char *name = g_strdup_printf ("corpus/%03u_", k);
      g_autofree char *dir = test_path ("corpus");
      g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
      const char *f;

      assert_no_error (error);
      while ((f = g_dir_read_name (d)) != NULL)
        if (g_str_has_prefix (f, name + 7))
          {
            g_autofree char *file = g_build_filename (dir, f, NULL);
            g_autofree char *text = NULL;
            g_file_get_contents (file, &text, NULL, &error);
            assert_no_error (error);
            g_autoptr (XrefDocument) doc = make_doc (f, text);
            assert_same_scan (doc, rules, failures);
            n++;
          }
    }
  g_autoptr (XrefDocument) doc = make_doc ("all", all->str);
  assert_same_scan (doc, rules, failures);
  if (failures->len > 0)
    fail_msg ("%s", failures->str);
  assert_true (n > 100);
}

/* records_pass clears its arrays sixteen bytes a store, then a token at a
 * time for the rest: documents of every length from 1 to 40 tokens (a
 * time expression last, among words passed over) must get the start sets
 * of the slow pass, past their last token too. */
static void
test_pass_lengths (void **state)
{
  g_autoptr (GString) failures = g_string_new (NULL);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint n = 1; n <= 40; n++)
    {
      g_string_truncate (text, 0);
      for (guint k = 0; k + 2 < n; k++)
        g_string_append (text, k % 3 == 2 ? "people " : "the ");
      g_string_append (text, n >= 2 ? "last Friday" : "Friday");
      g_autofree char *id = g_strdup_printf ("length %u", n);
      g_autoptr (XrefDocument) doc = make_doc (id, text->str);
      assert_same_scan (doc, rules, failures);
    }
  if (failures->len > 0)
    fail_msg ("%s", failures->str);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_type_names),
    cmocka_unit_test (test_cases),
    cmocka_unit_test (test_corpus_dates),
    cmocka_unit_test (test_corpus_disagree),
    cmocka_unit_test (test_corpus_weekday),
    cmocka_unit_test (test_at),
    cmocka_unit_test (test_retag),
    cmocka_unit_test (test_empty),
    cmocka_unit_test (test_no_word_lists),
    cmocka_unit_test (test_rule_word_lists),
    cmocka_unit_test (test_word_index_per_rules),
    cmocka_unit_test (test_calendar),
    cmocka_unit_test (test_values),
    cmocka_unit_test (test_dispatch),
    cmocka_unit_test (test_pass_lengths),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
