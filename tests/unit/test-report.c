/* Unit tests of the report stage: every format over small hand-built
 * reports (documents, claims and rows made here, not by extract/match),
 * the JSON contract checked field by field with jansson, and the escaping
 * cases of tests/cases/report-escape.cases. */
#include "test-util.h"

#include <jansson.h>

#include "xref/report.h"
#include "../../src/report/report-private.h"   /* xref_report_escape_json_to */

/* ---- hand-built records ------------------------------------------------ */

typedef struct {
  GPtrArray *docs;      /* XrefDocument*, freed by doc_free */
  GPtrArray *rows;      /* XrefRow*, freed by row_free */
  XrefReport report;
} Fixture;

/* Claims and rows are made here, so they are freed here too: the free
 * functions of extract and match are not this stage's. */
static void
claim_free (gpointer p)
{
  XrefClaim *c = p;
  g_free (c->id);
  g_array_unref (c->slots);
  if (c->rules != NULL)   /* (a claim may have no rules list) */
    g_ptr_array_unref (c->rules);
  g_free (c);
}

static void
doc_free (gpointer p)
{
  XrefDocument *doc = p;

  g_ptr_array_set_free_func (doc->claims, NULL);
  for (guint i = 0; i < doc->claims->len; i++)
    claim_free (g_ptr_array_index (doc->claims, i));
  g_ptr_array_set_size (doc->claims, 0);
  xref_document_free (doc);
}

static void
row_free (gpointer p)
{
  XrefRow *r = p;
  g_free (r->id);
  g_free (r->note);
  g_array_unref (r->sources);
  if (r->voices != NULL)
    g_array_unref (r->voices);
  g_free (r);
}

static XrefDocument *
doc_add (Fixture *f, const char *id, const char *text, gssize len, const char *outlet, gint y, gint m, gint d,
         XrefDateBasis basis)
{
  XrefDocument *doc = xref_document_new (id, id);

  g_free (doc->text);
  doc->len = len < 0 ? strlen (text) : (gsize) len;
  doc->text = g_strndup (text, doc->len);
  doc->outlet = g_strdup (outlet);
  doc->date = (XrefDate) { y, m, d };
  doc->date_basis = basis;
  g_ptr_array_add (f->docs, doc);
  return doc;
}

/* The span of the first occurrence of needle in doc's text. */
static XrefSpan
span_of (const XrefDocument *doc, const char *needle)
{
  const char *p = g_strstr_len (doc->text, (gssize) doc->len, needle);

  if (p == NULL)
    fail_msg ("\"%s\" not in %s", needle, doc->id);
  return (XrefSpan) { (gsize) (p - doc->text), (gsize) (p - doc->text) + strlen (needle) };
}

/* Sets an element of c to the first occurrence of needle in doc, and its
 * rule (listed among c's rules). */
static void
set_arg (XrefClaim *c, XrefRole role, const XrefDocument *doc, const char *id, const char *needle, const char *rule)
{
  XrefSpan s = span_of (doc, needle);
  XrefArg *a = (XrefArg *) xref_claim_arg (c, role);

  *a = (XrefArg) { xref_intern (id), s.start, s.end };
  assert_true (xref_claim_set_arg_rule (c, role, rule));
}

/* A claim spanning the whole first line of doc, appended to doc->claims. */
static XrefClaim *
claim_add (XrefDocument *doc)
{
  XrefClaim *c = g_new0 (XrefClaim, 1);
  const char *nl = memchr (doc->text, '\n', doc->len);

  c->id = g_strdup_printf ("%s#%u", doc->id, doc->claims->len + 1);
  c->doc = doc;
  c->start = 0;
  c->end = nl != NULL ? (gsize) (nl - doc->text) : doc->len;
  c->slots = g_array_new (FALSE, TRUE, sizeof (XrefSlotValue));
  c->rules = g_ptr_array_new ();
  g_ptr_array_add (doc->claims, c);
  return c;
}

static void
slot_add (XrefClaim *c, const char *slot, const char *value, const char *needle)
{
  XrefSpan s = span_of (c->doc, needle);
  XrefSlotValue v = { xref_intern (slot), xref_intern (value), s.start, s.end,
                      xref_intern ("slot:location") };
  g_array_append_val (c->slots, v);
}

static XrefRow *
row_add (Fixture *f, const char *actor, const char *action, const char *object, const char *slot,
         XrefVerdict verdict, const char *rule, const char *note)
{
  XrefRow *r = g_new0 (XrefRow, 1);

  r->id = g_strdup_printf ("r%u", f->rows->len + 1);
  r->actor = xref_intern (actor);
  r->action = xref_intern (action);
  r->object = object != NULL ? xref_intern (object) : NULL;
  r->slot = xref_intern (slot);
  r->verdict = verdict;
  r->rule = xref_intern (rule);
  r->note = g_strdup (note);
  r->sources = g_array_new (FALSE, TRUE, sizeof (XrefSource));
  g_ptr_array_add (f->rows, r);
  return r;
}

/* A source stating value with the text needle (value NULL: it omits). */
static void
source_add (XrefRow *r, const XrefDocument *doc, const XrefClaim *c, const char *value, const char *needle)
{
  XrefSource s = { .doc = doc, .states = value != NULL, .claim = c };

  if (value != NULL)
    {
      XrefSpan sp = span_of (doc, needle);
      s.value = xref_intern (value);
      s.start = sp.start;
      s.end = sp.end;
      r->n_states++;
    }
  g_array_append_val (r->sources, s);
}

static Fixture *
fixture_new (void)
{
  Fixture *f = g_new0 (Fixture, 1);

  f->docs = g_ptr_array_new_with_free_func (doc_free);
  f->rows = g_ptr_array_new_with_free_func (row_free);
  f->report.documents = f->docs;
  f->report.rows = f->rows;
  return f;
}

static int
fixture_teardown (void **state)
{
  Fixture *f = *state;

  if (f != NULL)
    {
      g_ptr_array_unref (f->rows);
      g_ptr_array_unref (f->docs);
      g_free (f);
    }
  return 0;
}

/* Two clean articles: they differ on where the training is, and the
 * second omits how long it lasts. */
static int
setup_clean (void **state)
{
  Fixture *f = fixture_new ();
  XrefDocument *a, *b;
  XrefClaim *ca, *cb;
  XrefRow *r;

  a = doc_add (f, "000_alpha.txt",
               "The Pentagon will train Ukrainian troops in a third country for several months, officials said.\n",
               -1, "TASS", 2022, 12, 21, XREF_DATE_BASIS_METADATA);
  a->title = g_strdup ("Patriots for Kyiv");
  a->place = g_strdup ("Washington");
  b = doc_add (f, "001_beta.txt",
               "Politico reported that the Pentagon plans to train Ukrainian troops at a military base in the "
               "United States.\n",
               -1, NULL, 0, 12, 28, XREF_DATE_BASIS_INFERRED);

  ca = claim_add (a);
  set_arg (ca, XREF_ROLE_ACTOR, a, "us-government", "The Pentagon", "entity:us-government");
  set_arg (ca, XREF_ROLE_ACTION, a, "train", "train", "action:train");
  set_arg (ca, XREF_ROLE_OBJECT, a, "ukrainian-forces", "Ukrainian troops", NULL);
  ca->modality = XREF_MODALITY_PLANNED;
  slot_add (ca, "location", "third-country", "a third country");
  slot_add (ca, "timeline", "PXM", "several months");
  /* (the elements' rules are listed already: entity:us-government,
   * action:train) */
  g_ptr_array_add (ca->rules, (gpointer) xref_intern ("slot:location"));

  cb = claim_add (b);
  set_arg (cb, XREF_ROLE_ACTOR, b, "us-government", "the Pentagon", NULL);
  set_arg (cb, XREF_ROLE_ACTION, b, "train", "train", NULL);
  set_arg (cb, XREF_ROLE_OBJECT, b, "ukrainian-forces", "Ukrainian troops", NULL);
  cb->modality = XREF_MODALITY_PLANNED;
  set_arg (cb, XREF_ROLE_SPEAKER, b, "politico", "Politico", "speech:report");
  slot_add (cb, "location", "us", "a military base in the United States");

  r = row_add (f, "us-government", "train", "ukrainian-forces", "location", XREF_VERDICT_DIFFER,
               "exclusive-location", "a third country excludes us");
  source_add (r, a, ca, "third-country", "a third country");
  source_add (r, b, cb, "us", "a military base in the United States");
  r = row_add (f, "us-government", "train", "ukrainian-forces", "timeline", XREF_VERDICT_OMIT, "key-slot", NULL);
  source_add (r, a, ca, "PXM", "several months");
  source_add (r, b, NULL, NULL, NULL);

  *state = f;
  return 0;
}

/* One hostile article: escape sequences, a bidi override, invalid UTF-8,
 * U+2028, pipes, quotes, commas and values that look like formulas. */
static const char evil_text[] =
  "Evil \x1b[31mred\x1b[0m says \xe2\x80\xae" "desrever\xe2\x80\xac and bad \xff byte, \"quoted\" | piped,\n"
  "next\xe2\x80\xa8line =1+1 -2 @x done.\n";

static int
setup_evil (void **state)
{
  Fixture *f = fixture_new ();
  XrefDocument *e, *o;
  XrefClaim *c;
  XrefRow *r;

  e = doc_add (f, "evil\x1b]0;title\x07|doc.txt", evil_text, sizeof evil_text - 1, "Out|let \"X\"", 2022, 1, 2,
               XREF_DATE_BASIS_DATELINE);
  o = doc_add (f, "other.txt", "Plain words here.\n", -1, NULL, 0, 0, 0, XREF_DATE_BASIS_NONE);

  c = claim_add (e);
  set_arg (c, XREF_ROLE_ACTOR, e, "evil", "Evil", NULL);
  set_arg (c, XREF_ROLE_ACTION, e, "say", "says", NULL);
  c->polarity = XREF_POLARITY_NEGATED;
  slot_add (c, "quantity", "=1+1", "=1+1");

  r = row_add (f, "evil", "say", NULL, "quantity", XREF_VERDICT_DIFFER, "number-mismatch",
               "note with | pipe, \"quotes\"\nand a newline");
  source_add (r, e, c, "=1+1", "=1+1");
  source_add (r, o, NULL, NULL, NULL);
  r = row_add (f, "evil", "say", NULL, "minus", XREF_VERDICT_AGREE, "-rule", NULL);
  source_add (r, e, c, "-2", "-2");
  source_add (r, o, NULL, NULL, NULL);
  r = row_add (f, "evil", "say", NULL, "at", XREF_VERDICT_AGREE, "@rule", NULL);
  source_add (r, e, c, "@x", "@x");
  source_add (r, o, NULL, NULL, NULL);
  r = row_add (f, "evil", "say", NULL, "evidence", XREF_VERDICT_AGREE, "r", NULL);
  source_add (r, e, c, "\xe2\x80\xae" "value", "\xe2\x80\xae" "desrever\xe2\x80\xac and bad \xff byte, \"quoted\" | piped,\nnext\xe2\x80\xa8line");
  source_add (r, o, NULL, NULL, NULL);

  *state = f;
  return 0;
}

static char *
render (const Fixture *f, XrefFormat format)
{
  GString *out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  assert_true (xref_render (&f->report, format, out, &error));
  assert_no_error (error);
  return g_string_free (out, FALSE);
}

/* Compares with an expected output; on a difference writes the actual
 * output beside the temporary folder for `diff -u`. */
static void
assert_golden (const char *name, const char *actual, const char *expected)
{
  if (strcmp (actual, expected) != 0)
    {
      g_autofree char *path = g_strdup_printf ("%s/test-report-%s.actual", g_get_tmp_dir (), name);
      g_file_set_contents (path, actual, -1, NULL);
      fail_msg ("%s differs from the expected output; actual output in %s:\n%s", name, path, actual);
    }
}

/* Pipes not escaped by a backslash in s. */
static guint
count_cells_raw (const char *s)
{
  guint n = 0;

  for (const char *p = s; *p; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '|')
        n++;
    }
  return n;
}

/* ---- escaping cases (tests/cases/report-escape.cases) ------------------ */

/* Decodes the escapes of the case file: \n \r \t \\ \xHH \uHHHH. */
static GString *
unescape (const char *s, const char *where)
{
  GString *out = g_string_new (NULL);

  for (const char *p = s; *p; p++)
    {
      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case 'x':
        case 'u':
          {
            guint n = *p == 'x' ? 2 : 4;
            g_autofree char *hex = g_strndup (p + 1, n);
            char *end;
            gulong v = strtoul (hex, &end, 16);
            if (strlen (hex) != n || *end != '\0')
              fail_msg ("%s: bad \\%c escape", where, *p);
            if (n == 2)
              g_string_append_c (out, (char) v);
            else
              g_string_append_unichar (out, (gunichar) v);
            p += n;
            break;
          }
        default:
          fail_msg ("%s: unknown escape \\%c", where, *p);
        }
    }
  return out;
}

static void
test_escape_cases (void **state)
{
  g_autofree char *path = test_path ("tests/cases/report-escape.cases");
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_cases = 0;

  assert_true (g_file_get_contents (path, &contents, NULL, &error));
  assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *where = g_strdup_printf ("report-escape.cases:%u", i + 1);
      g_auto (GStrv) f = NULL;
      g_autoptr (GString) in = NULL;
      g_autoptr (GString) want = NULL;
      g_autoptr (GString) got = g_string_new (NULL);

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      f = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (f) != 3)
        fail_msg ("%s: expected three tab-separated fields", where);
      in = unescape (f[1], where);
      want = unescape (f[2], where);

      if (strcmp (f[0], "json") == 0)
        xref_escape_json (got, in->str, (gssize) in->len);
      else if (strcmp (f[0], "terminal") == 0)
        xref_escape_terminal (got, in->str, (gssize) in->len);
      else if (strcmp (f[0], "csv") == 0)
        xref_escape_csv (got, in->str, (gssize) in->len);
      else if (strcmp (f[0], "markdown") == 0)
        xref_escape_markdown (got, in->str, (gssize) in->len);
      else if (strcmp (f[0], "html") == 0)
        xref_escape_html (got, in->str, (gssize) in->len);
      else if (strcmp (f[0], "width") == 0)
        g_string_append_printf (got, "%u", xref_display_width (in->str, (gssize) in->len));
      else
        fail_msg ("%s: unknown function \"%s\"", where, f[0]);

      if (got->len != want->len || memcmp (got->str, want->str, got->len) != 0)
        fail_msg ("%s: %s: got \"%s\", want \"%s\"", where, f[0], got->str, want->str);
      if (strcmp (f[0], "width") != 0)
        assert_true (g_utf8_validate (got->str, (gssize) got->len, NULL));
      n_cases++;
    }
  assert_true (n_cases >= 40);
}

static void
test_escape_null_and_len (void **state)
{
  g_autoptr (GString) s = g_string_new (NULL);

  xref_escape_json (s, NULL, -1);
  assert_string_equal (s->str, "null");
  g_string_truncate (s, 0);
  xref_escape_csv (s, NULL, -1);
  xref_escape_terminal (s, NULL, -1);
  xref_escape_markdown (s, NULL, -1);
  xref_escape_html (s, NULL, -1);
  assert_int_equal (s->len, 0);

  /* len bounds the input: nothing past it is read. */
  xref_escape_json (s, "abcdef", 3);
  assert_string_equal (s->str, "\"abc\"");
  g_string_truncate (s, 0);
  xref_escape_json (s, "a\0b", 3);
  assert_string_equal (s->str, "\"a\\u0000b\"");
  /* A character cut by len is invalid, not read past. */
  g_string_truncate (s, 0);
  xref_escape_terminal (s, "日本", 4);
  assert_string_equal (s->str, "日\xef\xbf\xbd");
  assert_int_equal (xref_display_width ("日本", 3), 2);
}

/* Random bytes (biased towards the troublesome ones) through every
 * escaper: the outputs are always valid UTF-8 and keep their promises. */
static void
test_escape_random (void **state)
{
  static const char pool[] = "\x00\x07\x1b\n\r\t\"\\|,=+-@<>&'*_`[]~ a\x80\xbf\xc2\xe2\x80\xae\xa8\xf0\x9f\xff";
  g_autoptr (GRand) rand = g_rand_new_with_seed (4180);

  for (int iter = 0; iter < 3000; iter++)
    {
      char buf[24];
      gsize len = (gsize) g_rand_int_range (rand, 0, sizeof buf);
      g_autoptr (GString) js = g_string_new ("[");
      g_autoptr (GString) term = g_string_new (NULL);
      g_autoptr (GString) md = g_string_new (NULL);
      g_autoptr (GString) csv = g_string_new (NULL);
      g_autoptr (GString) html = g_string_new (NULL);
      json_error_t err;
      json_t *v;

      for (gsize i = 0; i < len; i++)
        buf[i] = pool[g_rand_int_range (rand, 0, sizeof pool - 1)];

      xref_escape_json (js, buf, (gssize) len);
      g_string_append_c (js, ']');
      v = json_loadb (js->str, js->len, JSON_ALLOW_NUL, &err);
      if (v == NULL)
        fail_msg ("iteration %d: invalid JSON %s: %s", iter, js->str, err.text);
      json_decref (v);
      assert_true (g_utf8_validate (js->str, (gssize) js->len, NULL));

      xref_escape_terminal (term, buf, (gssize) len);
      assert_true (g_utf8_validate (term->str, (gssize) term->len, NULL));
      for (const char *p = term->str; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          assert_false (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
                        || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029);
        }
      assert_int_equal (strlen (term->str), term->len);

      xref_escape_markdown (md, buf, (gssize) len);
      assert_true (g_utf8_validate (md->str, (gssize) md->len, NULL));
      assert_null (strchr (md->str, '\n'));
      assert_int_equal (count_cells_raw (md->str), 0);

      xref_escape_csv (csv, buf, (gssize) len);
      assert_true (g_utf8_validate (csv->str, (gssize) csv->len, NULL));
      if (strpbrk (csv->str, ",\"\r\n") != NULL)
        assert_true (csv->str[0] == '"' && csv->str[csv->len - 1] == '"');
      assert_false (csv->len > 0 && strchr ("=+-@\t\r", csv->str[csv->str[0] == '"' ? 1 : 0]) != NULL);

      xref_escape_html (html, buf, (gssize) len);
      assert_true (g_utf8_validate (html->str, (gssize) html->len, NULL));
      assert_null (strpbrk (html->str, "<>\"'"));
    }
}

/* The JSON escaper as first written, one character at a time: the fast
 * one (runs of plain bytes, 16 at a time) must give the same bytes. */
static void
reference_escape_json (GString *out, const char *s, gsize len)
{
  const char *p = s, *end = s + len;

  g_string_append_c (out, '"');
  while (p < end)
    {
      const char *next;
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2 || (c >= 0xD800 && c <= 0xDFFF))
        {
          g_string_append (out, "\xef\xbf\xbd");
          p++;
          continue;
        }
      next = g_utf8_next_char (p);
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029)
            g_string_append_printf (out, "\\u%04x", (guint) c);
          else
            g_string_append_len (out, p, next - p);
          break;
        }
      p = next;
    }
  g_string_append_c (out, '"');
}

/* Lengths around the 16-byte blocks and the 64-byte short-string path,
 * mostly plain text with a few bytes to escape: the same bytes as the
 * reference, with a length and NUL-terminated, appended to a GString
 * that already holds text. */
static void
test_escape_json_reference (void **state)
{
  static const char pool[] = "\x01\x1f\x7f\"\\\n\xc2\x85\xc2\xa0\xe2\x80\xa8\xe2\x80\xae\xed\xa0\x80\xf0\x9f\x98\x80\xff\xc0";
  g_autoptr (GRand) rand = g_rand_new_with_seed (8259);

  for (int iter = 0; iter < 4000; iter++)
    {
      char buf[160] = "";   /* all readable (see xref_report_escape_json_to) */
      gsize len = (gsize) g_rand_int_range (rand, 0, sizeof buf);
      gboolean plain = g_rand_int_range (rand, 0, 3) == 0;
      g_autoptr (GString) got = g_string_new ("x");
      g_autoptr (GString) want = g_string_new ("x");

      for (gsize i = 0; i < len; i++)
        buf[i] = (char) (plain || g_rand_int_range (rand, 0, 8) != 0 ? 'a' + g_rand_int_range (rand, 0, 26)
                                                                      : pool[g_rand_int_range (rand, 0, sizeof pool - 1)]);
      reference_escape_json (want, buf, len);
      xref_escape_json (got, buf, (gssize) len);
      assert_int_equal (got->len, want->len);
      assert_memory_equal (got->str, want->str, want->len);
      assert_int_equal (got->str[got->len], '\0');

      /* written at a pointer into room of XREF_REPORT_JSON_ROOM bytes (the
       * claims' writer), the text readable past its end or not */
      {
        gsize room = XREF_REPORT_JSON_ROOM (len);
        g_autofree char *at = g_malloc (room);
        char *end = xref_report_escape_json_to (at, buf, len, iter % 2 == 0 ? len : sizeof buf);

        g_assert_true (end >= at && (gsize) (end - at) <= room);
        assert_int_equal (end - at, want->len - 1);
        assert_memory_equal (at, want->str + 1, want->len - 1);
      }

      /* NUL-terminated: up to the first NUL */
      buf[len] = '\0';
      g_string_assign (got, "x");
      g_string_assign (want, "x");
      reference_escape_json (want, buf, strlen (buf));
      xref_escape_json (got, buf, -1);
      assert_string_equal (got->str, want->str);
    }
}

/* The escaper copies valid characters of two and three bytes without
 * decoding them: strings of whole characters at the edges of that fast
 * path (C1 controls, U+2028/2029, overlong forms, surrogates, cut
 * sequences) escape as the reference does. */
static void
test_escape_json_chars (void **state)
{
  static const char *const chars[] = {
    "a", "\"", "\xc2\x80", "\xc2\x9f", "\xc2\xa0", "\xc3\xa9", "\xdf\xbf", "\xc1\xbf", "\xc2", "\xc2\x41",
    "\xe0\x9f\xbf", "\xe0\xa0\x80", "\xe1\x80\x80", "\xe2\x80\x9c", "\xe2\x80\xa7", "\xe2\x80\xa8",
    "\xe2\x80\xa9", "\xe2\x80\xaa", "\xe2\x81\xa8", "\xe2\x80", "\xe2\x41\x80", "\xe2\x80\x41", "\xec\xbf\xbf",
    "\xed\x9f\xbf", "\xed\xa0\x80", "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x9f\x98\x80", "\xff",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (3629);

  (void) state;
  for (int iter = 0; iter < 4000; iter++)
    {
      g_autoptr (GString) in = g_string_new (NULL);
      g_autoptr (GString) got = g_string_new (NULL);
      g_autoptr (GString) want = g_string_new (NULL);
      gint n = g_rand_int_range (rand, 0, 12);

      for (gint k = 0; k < n; k++)
        g_string_append (in, chars[g_rand_int_range (rand, 0, G_N_ELEMENTS (chars))]);
      reference_escape_json (want, in->str, in->len);
      xref_escape_json (got, in->str, (gssize) in->len);
      assert_int_equal (got->len, want->len);
      assert_memory_equal (got->str, want->str, want->len);
    }
}

/* ---- format names and dispatch ----------------------------------------- */

static void
test_format_parse (void **state)
{
  static const struct {
    const char *name;
    XrefFormat format;
  } ok[] = {
    { "table", XREF_FORMAT_TABLE }, { "json", XREF_FORMAT_JSON },     { "md", XREF_FORMAT_MARKDOWN },
    { "markdown", XREF_FORMAT_MARKDOWN }, { "csv", XREF_FORMAT_CSV }, { "html", XREF_FORMAT_HTML },
    { "JSON", XREF_FORMAT_JSON },
  };
  XrefFormat f;

  for (gsize i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      f = (XrefFormat) -1;
      assert_true (xref_format_parse (ok[i].name, &f));
      assert_int_equal (f, ok[i].format);
    }
  assert_false (xref_format_parse ("xml", &f));
  assert_false (xref_format_parse ("", &f));
  assert_false (xref_format_parse ("jsonx", &f));
  assert_false (xref_format_parse (NULL, &f));
}

static void
test_render_dispatch (void **state)
{
  Fixture *f = *state;
  static const struct {
    XrefFormat format;
    void (*fn) (const XrefReport *, GString *);
  } table[] = {
    { XREF_FORMAT_TABLE, xref_render_table }, { XREF_FORMAT_JSON, xref_render_json },
    { XREF_FORMAT_MARKDOWN, xref_render_markdown }, { XREF_FORMAT_CSV, xref_render_csv },
    { XREF_FORMAT_HTML, xref_render_html },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new ("keep ");

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autofree char *via = render (f, table[i].format);
      g_autoptr (GString) direct = g_string_new (NULL);
      table[i].fn (&f->report, direct);
      assert_string_equal (via, direct->str);
      assert_true (strlen (via) > 0);
    }

  /* xref_render appends; an unknown format is a usage error. */
  assert_true (xref_render (&f->report, XREF_FORMAT_CSV, out, &error));
  assert_true (g_str_has_prefix (out->str, "keep row,verdict,"));
  assert_false (xref_render (&f->report, (XrefFormat) 99, out, &error));
  assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_USAGE));
}

/* ---- JSON -------------------------------------------------------------- */

static json_t *
parse_json (const char *s)
{
  json_error_t err;
  json_t *root = json_loads (s, JSON_REJECT_DUPLICATES, &err);

  if (root == NULL)
    fail_msg ("invalid JSON at %d:%d: %s\n%s", err.line, err.column, err.text, s);
  return root;
}

static const char *
jstr (json_t *obj, const char *key)
{
  json_t *v = json_object_get (obj, key);

  if (!json_is_string (v))
    fail_msg ("\"%s\" is not a string", key);
  return json_string_value (v);
}

static json_int_t
jint (json_t *obj, const char *key)
{
  json_t *v = json_object_get (obj, key);

  if (!json_is_integer (v))
    fail_msg ("\"%s\" is not an integer", key);
  return json_integer_value (v);
}

/* An {id|value, text, start, end} element: text is the span's bytes. */
static void
check_element (json_t *el, const char *id_key, const char *id, const char *text, const XrefDocument *doc)
{
  assert_true (json_is_object (el));
  assert_string_equal (jstr (el, id_key), id);
  assert_string_equal (jstr (el, "text"), text);
  assert_int_equal (jint (el, "end") - jint (el, "start"), strlen (text));
  assert_memory_equal (doc->text + jint (el, "start"), text, strlen (text));
}

static void
test_json_report (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = render (f, XREF_FORMAT_JSON);
  json_t *root = parse_json (out);
  json_t *docs, *claims, *rows, *d, *c, *r, *s, *slots;
  const XrefDocument *a = g_ptr_array_index (f->docs, 0), *b = g_ptr_array_index (f->docs, 1);

  assert_int_equal (jint (root, "version"), 1);
  docs = json_object_get (root, "documents");
  claims = json_object_get (root, "claims");
  rows = json_object_get (root, "rows");
  assert_int_equal (json_array_size (docs), 2);
  assert_int_equal (json_array_size (claims), 2);
  assert_int_equal (json_array_size (rows), 2);

  /* documents: a complete date; a partial one is null plus date_partial */
  d = json_array_get (docs, 0);
  assert_string_equal (jstr (d, "id"), "000_alpha.txt");
  assert_string_equal (jstr (d, "outlet"), "TASS");
  assert_string_equal (jstr (d, "date"), "2022-12-21");
  assert_null (json_object_get (d, "date_partial"));
  assert_string_equal (jstr (d, "date_basis"), "metadata");
  assert_string_equal (jstr (d, "title"), "Patriots for Kyiv");
  assert_string_equal (jstr (d, "place"), "Washington");
  assert_null (json_object_get (d, "sentences"));
  d = json_array_get (docs, 1);
  assert_true (json_is_null (json_object_get (d, "outlet")));
  assert_true (json_is_null (json_object_get (d, "date")));
  assert_string_equal (jstr (d, "date_partial"), "XXXX-12-28");
  assert_string_equal (jstr (d, "date_basis"), "inferred");
  assert_null (json_object_get (d, "title"));

  /* claims, in corpus order */
  c = json_array_get (claims, 0);
  assert_string_equal (jstr (c, "id"), "000_alpha.txt#1");
  assert_string_equal (jstr (c, "doc"), "000_alpha.txt");
  assert_int_equal (jint (c, "start"), 0);
  assert_int_equal (jint (c, "end"), strlen (a->text) - 1);
  assert_string_equal (jstr (c, "sentence"),
                       "The Pentagon will train Ukrainian troops in a third country for several months, officials said.");
  check_element (json_object_get (c, "actor"), "id", "us-government", "The Pentagon", a);
  assert_string_equal (jstr (json_object_get (c, "actor"), "rule"), "entity:us-government");
  check_element (json_object_get (c, "action"), "id", "train", "train", a);
  check_element (json_object_get (c, "object"), "id", "ukrainian-forces", "Ukrainian troops", a);
  assert_true (json_is_null (json_object_get (c, "date")));
  slots = json_object_get (c, "slots");
  assert_int_equal (json_object_size (slots), 2);
  check_element (json_object_get (slots, "location"), "value", "third-country", "a third country", a);
  check_element (json_object_get (slots, "timeline"), "value", "PXM", "several months", a);
  assert_string_equal (jstr (c, "polarity"), "affirmed");
  assert_string_equal (jstr (c, "modality"), "planned");
  assert_true (json_is_null (json_object_get (c, "speaker")));
  assert_true (json_is_null (json_object_get (c, "source")));
  assert_int_equal (json_array_size (json_object_get (c, "rules")), 3);
  assert_string_equal (json_string_value (json_array_get (json_object_get (c, "rules"), 2)), "slot:location");
  c = json_array_get (claims, 1);
  assert_string_equal (jstr (c, "doc"), "001_beta.txt");
  check_element (json_object_get (c, "speaker"), "id", "politico", "Politico", b);

  /* rows */
  r = json_array_get (rows, 0);
  assert_string_equal (jstr (r, "id"), "r1");
  assert_string_equal (jstr (json_object_get (r, "topic"), "actor"), "us-government");
  assert_string_equal (jstr (json_object_get (r, "topic"), "action"), "train");
  assert_string_equal (jstr (json_object_get (r, "topic"), "object"), "ukrainian-forces");
  assert_string_equal (jstr (r, "slot"), "location");
  assert_string_equal (jstr (r, "verdict"), "differ");
  assert_string_equal (jstr (r, "rule"), "exclusive-location");
  assert_string_equal (jstr (r, "note"), "a third country excludes us");
  assert_int_equal (json_array_size (json_object_get (r, "sources")), 2);
  s = json_array_get (json_object_get (r, "sources"), 1);
  assert_string_equal (jstr (s, "doc"), "001_beta.txt");
  assert_string_equal (jstr (s, "status"), "states");
  assert_string_equal (jstr (s, "claim"), "001_beta.txt#1");
  assert_string_equal (jstr (s, "value"), "us");
  check_element (s, "value", "us", "a military base in the United States", b);

  r = json_array_get (rows, 1);
  assert_string_equal (jstr (r, "verdict"), "omit");
  assert_true (json_is_null (json_object_get (r, "note")));
  s = json_array_get (json_object_get (r, "sources"), 1);
  assert_string_equal (jstr (s, "status"), "omits");
  assert_true (json_is_null (json_object_get (s, "claim")));
  assert_true (json_is_null (json_object_get (s, "value")));
  assert_true (json_is_null (json_object_get (s, "text")));
  assert_null (json_object_get (s, "start"));

  json_decref (root);
}

static void
test_json_object_null (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = render (f, XREF_FORMAT_JSON);
  json_t *root = parse_json (out);
  json_t *c = json_array_get (json_object_get (root, "claims"), 0);
  json_t *r = json_array_get (json_object_get (root, "rows"), 0);
  json_t *d = json_array_get (json_object_get (root, "documents"), 0);
  json_t *s = json_array_get (json_object_get (r, "sources"), 0);

  /* The hostile article: still valid JSON, with every field kept. */
  assert_true (json_is_null (json_object_get (c, "object")));
  assert_string_equal (jstr (c, "polarity"), "negated");
  assert_true (json_is_null (json_object_get (json_object_get (r, "topic"), "object")));
  assert_string_equal (jstr (r, "note"), "note with | pipe, \"quotes\"\nand a newline");
  assert_string_equal (jstr (d, "id"), "evil\x1b]0;title\x07|doc.txt");
  assert_string_equal (jstr (d, "outlet"), "Out|let \"X\"");
  assert_string_equal (jstr (s, "text"), "=1+1");
  /* The invalid byte is U+FFFD; U+2028 is written escaped. */
  assert_non_null (strstr (jstr (c, "sentence"), "bad \xef\xbf\xbd byte"));
  s = json_array_get (json_object_get (json_array_get (json_object_get (root, "rows"), 3), "sources"), 0);
  assert_non_null (strstr (jstr (s, "text"), "next\xe2\x80\xa8line"));
  assert_non_null (strstr (out, "next\\u2028line"));
  assert_null (strstr (out, "\xe2\x80\xa8"));
  assert_null (strstr (out, "\x1b"));
  assert_true (g_utf8_validate (out, -1, NULL));
  json_decref (root);
}

static void
test_json_extract (void **state)
{
  Fixture *f = *state;
  XrefDocument *a = g_ptr_array_index (f->docs, 0);
  XrefSentence sent = { 0, strlen (a->text) - 1, 0, 0, XREF_SENTENCE_PARA };
  XrefSpan ts = span_of (a, "several months");
  XrefTimex tx = { ts.start, ts.end, 0, 2, 0, XREF_TIMEX_DURATION, xref_intern ("PXM"),
                   xref_intern ("APPROX"), { 0, 0, 0 } };
  XrefTimex tx2 = tx;
  g_autofree char *out = NULL;
  json_t *root, *d, *t;

  g_array_append_val (a->sentences, sent);
  g_array_append_val (a->timexes, tx);
  tx2.mod = NULL;
  tx2.type = XREF_TIMEX_SET;
  tx2.value = xref_intern ("P1M");
  g_array_append_val (a->timexes, tx2);
  f->report.extract = TRUE;
  f->report.rows = NULL;

  out = render (f, XREF_FORMAT_JSON);
  root = parse_json (out);
  assert_null (json_object_get (root, "rows"));
  assert_int_equal (json_array_size (json_object_get (root, "claims")), 2);
  d = json_array_get (json_object_get (root, "documents"), 0);
  assert_int_equal (json_array_size (json_object_get (d, "sentences")), 1);
  assert_int_equal (jint (json_array_get (json_object_get (d, "sentences"), 0), "end"), strlen (a->text) - 1);
  assert_int_equal (json_array_size (json_object_get (d, "timexes")), 2);
  t = json_array_get (json_object_get (d, "timexes"), 0);
  assert_int_equal (jint (t, "start"), ts.start);
  assert_int_equal (jint (t, "end"), ts.end);
  assert_string_equal (jstr (t, "text"), "several months");
  assert_string_equal (jstr (t, "type"), "DURATION");
  assert_string_equal (jstr (t, "value"), "PXM");
  assert_string_equal (jstr (t, "mod"), "APPROX");
  t = json_array_get (json_object_get (d, "timexes"), 1);
  assert_string_equal (jstr (t, "type"), "SET");
  assert_null (json_object_get (t, "mod"));
  d = json_array_get (json_object_get (root, "documents"), 1);
  assert_int_equal (json_array_size (json_object_get (d, "sentences")), 0);
  json_decref (root);
}

static void
test_json_empty (void **state)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new ();
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  XrefReport report = { .documents = docs, .rows = rows };
  g_autoptr (GString) out = g_string_new (NULL);

  xref_render_json (&report, out);
  assert_string_equal (out->str, "{\"version\":1,\n\"documents\":[],\n\"claims\":[],\n\"rows\":[]}\n");
  json_decref (parse_json (out->str));
}

/* Claim ids of every shape in the report ("<document id>#<n>", document
 * ids with a quote, a control or non-ASCII bytes, ids that are not
 * "#<digits>" after the document's id, or shorter than it, a document id
 * too long for the writer's copy of it): each reads back as the claim's
 * id, in the claims (written from the document's escaped id when they
 * have its form) and in the rows' sources (stating and omitting), on one
 * thread and on several; and each claim of the report is byte for byte
 * the claim as `xref extract --format jsonl` writes it alone (no memo, no
 * fast path for ids). */
static void
test_json_claim_ids (void **state)
{
  static const char *const doc_ids[] = { "plain/000.txt", "quo\"te.txt", "tab\there.txt", "caf\xc3\xa9.txt", "x",
                                          "a/very/long/path/of/folders/under/the/corpus/root/to/an/article/000.txt" };
  static const char *const suffixes[] = { "#1", "#12", "#", "#1a", "#01", "", "#9\"", "#1234567890", "#12345678901",
                                          "#123456789012345678901234567890" };
  Fixture *f = fixture_new ();

  for (guint d = 0; d < G_N_ELEMENTS (doc_ids); d++)
    {
      XrefDocument *doc = doc_add (f, doc_ids[d], "One sentence here.\n", -1, NULL, 2022, 1, 2,
                                   XREF_DATE_BASIS_METADATA);

      for (guint k = 0; k < G_N_ELEMENTS (suffixes); k++)
        {
          XrefClaim *c = claim_add (doc);

          g_free (c->id);
          c->id = g_strconcat (doc_ids[d], suffixes[k], NULL);
        }
      /* shorter than the document's id, and another document's */
      g_free (claim_add (doc)->id);
      ((XrefClaim *) g_ptr_array_index (doc->claims, doc->claims->len - 1))->id = g_strdup ("pl");
      g_free (claim_add (doc)->id);
      ((XrefClaim *) g_ptr_array_index (doc->claims, doc->claims->len - 1))->id = g_strdup ("plain/000.txt#3");
      /* a row citing every claim of the document, stating and omitting */
      {
        XrefRow *r = row_add (f, "us", "train", NULL, "event", XREF_VERDICT_AGREE, "agree:event", NULL);

        for (guint i = 0; i < doc->claims->len; i++)
          source_add (r, doc, g_ptr_array_index (doc->claims, i), i % 2 == 0 ? "yes" : NULL, "sentence");
      }
    }
  for (guint jobs = 1; jobs <= 3; jobs += 2)
    {
      g_autoptr (GString) out = g_string_new (NULL);
      json_t *root;
      json_t *claims;
      gsize n = 0;

      f->report.jobs = jobs;
      xref_render_json (&f->report, out);
      root = parse_json (out->str);
      claims = json_object_get (root, "claims");
      for (guint d = 0; d < f->docs->len; d++)
        {
          const XrefDocument *doc = g_ptr_array_index (f->docs, d);

          for (guint i = 0; i < doc->claims->len; i++, n++)
            assert_string_equal (json_string_value (json_object_get (json_array_get (claims, n), "id")),
                                 ((const XrefClaim *) g_ptr_array_index (doc->claims, i))->id);
        }
      assert_int_equal (json_array_size (claims), n);
      for (guint d = 0; d < f->docs->len; d++)
        {
          const XrefDocument *doc = g_ptr_array_index (f->docs, d);

          for (guint i = 0; i < doc->claims->len; i++)
            {
              g_autoptr (GString) alone = g_string_new ("\n  ");

              xref_render_json_claim (alone, g_ptr_array_index (doc->claims, i));
              assert_non_null (strstr (out->str, alone->str));
            }
        }
      for (guint r = 0; r < f->rows->len; r++)
        {
          const XrefRow *row = g_ptr_array_index (f->rows, r);
          json_t *sources = json_object_get (json_array_get (json_object_get (root, "rows"), r), "sources");

          assert_int_equal (json_array_size (sources), row->sources->len);
          for (guint i = 0; i < row->sources->len; i++)
            assert_string_equal (json_string_value (json_object_get (json_array_get (sources, i), "claim")),
                                 g_array_index (row->sources, XrefSource, i).claim->id);
        }
      json_decref (root);
    }
  fixture_teardown ((void **) &f);
}

/* The rows' sources are written from a per-document record (the key,
 * inline up to 40 bytes or kept apart, the text and its length, found by
 * the document's address) and looked up a few sources ahead: every source
 * must be byte for byte what the general path writes for a document that
 * is not among the report's (each piece escaped on its own).  Ids at the
 * record's boundaries (a key of 40 and 41 bytes), to escape, long; spans
 * empty, past the text, of a few bytes and long; stating and omitting,
 * with a claim number (claim_n) and without; rows shorter and longer than
 * the look-ahead; a document listed twice. */
static void
test_json_source_keys (void **state)
{
  static const char *const doc_ids[] = { "x", "quo\"te\\.txt", "000/000000.txt",
                                          /* keys "{\"doc\":" + 2 quotes + 31 or 32 bytes: 40, 41 */
                                          "abcdefghijklmnopqrstuvwxyz01234", "abcdefghijklmnopqrstuvwxyz012345",
                                          "a/very/long/path/of/folders/under/the/corpus/root/to/an/article/000.txt",
                                          "caf\xc3\xa9\tt\x01.txt" };
  Fixture *f = fixture_new ();
  g_autoptr (GString) fast = g_string_new (NULL);
  g_autoptr (GString) slow = g_string_new (NULL);
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  XrefDocument *d[G_N_ELEMENTS (doc_ids)];

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (doc_ids); i++)
    {
      d[i] = doc_add (f, doc_ids[i], "Moscow said \"the base\" is in Poland, a long way from Kyiv.\n", -1, NULL, 2022,
                      1, 2, XREF_DATE_BASIS_METADATA);
      for (guint k = 0; k < 3; k++)
        {
          XrefClaim *c = claim_add (d[i]);

          g_free (c->id);
          c->id = k < 2 ? g_strdup_printf ("%s#%u", doc_ids[i], k + 1) : g_strdup ("other#1");
        }
    }
  g_ptr_array_add (f->docs, d[2]);   /* listed twice */
  for (guint r = 0; r < 4; r++)
    {
      XrefRow *row = row_add (f, "us", "train", NULL, "location", XREF_VERDICT_DIFFER, "key-slot", NULL);
      guint n = r == 0 ? 1 : r == 1 ? 5 : 40;

      for (guint i = 0; i < n; i++)
        {
          const XrefDocument *doc = d[(i * 3 + r) % G_N_ELEMENTS (doc_ids)];
          guint k = (i + r) % 3;
          XrefClaim *c = g_ptr_array_index (doc->claims, k);
          static const char *const needles[] = { "Moscow", "the base", "Poland, a long way from Kyiv.", "Kyiv" };
          XrefSource *s;

          source_add (row, doc, i % 5 == 4 ? NULL : c, i % 2 == 0 ? "poland" : NULL, needles[i % 4]);
          s = &g_array_index (row->sources, XrefSource, row->sources->len - 1);
          s->claim_n = k < 2 && i % 3 != 0 && s->claim != NULL ? k + 1 : 0;
          s->speaker = i % 4 == 1 ? xref_intern ("russia") : NULL;
          s->date = i % 3 == 1 ? xref_intern ("2022-01-02") : NULL;
          if (i % 7 == 6)
            {
              /* empty, and past the text */
              s->start = s->end = 3;
              if (i % 2 == 0)
                {
                  s->start = 500;
                  s->end = 600;
                }
            }
        }
    }
  f->report.jobs = 1;
  xref_render_json (&f->report, fast);
  /* the same rows without the documents: each source the general way */
  f->report.documents = none;
  xref_render_json (&f->report, slow);
  f->report.documents = f->docs;
  assert_non_null (strstr (fast->str, "\n\"rows\":["));
  assert_string_equal (strstr (fast->str, "\n\"rows\":["), strstr (slow->str, "\n\"rows\":["));
  json_decref (parse_json (fast->str));
  g_ptr_array_steal_index (f->docs, f->docs->len - 1);   /* (not freed twice) */
  fixture_teardown ((void **) &f);
}

/* A claim's ",\"rules\":[…]}" is kept by its rules array's address (the
 * claims of xref_extract_claims share one array per distinct list): arrays
 * shared by many claims, one per claim (more than the memo has slots, so
 * that slots are taken over), empty, NULL, too long to keep, with ids to
 * escape; on one thread and on several, the claims must be byte for byte
 * what `xref extract --format jsonl` writes for each alone (no memo). */
static void
test_json_rules_memo (void **state)
{
  Fixture *f = fixture_new ();
  XrefDocument *doc = doc_add (f, "000.txt", "One sentence here.\n", -1, NULL, 2022, 1, 2, XREF_DATE_BASIS_METADATA);
  GPtrArray *shared[4];
  g_autoptr (GString) want = g_string_new (NULL);

  (void) state;
  for (guint k = 0; k < G_N_ELEMENTS (shared); k++)
    {
      shared[k] = g_ptr_array_new ();
      for (guint j = 0; j <= k * 4; j++)
        {
          g_autofree char *id = g_strdup_printf ("entity:%s%u", k == 1 ? "quo\"te" : "shared", j);
          g_ptr_array_add (shared[k], (gpointer) xref_intern (id));
        }
    }
  for (guint i = 0; i < 5000; i++)
    {
      XrefClaim *c = claim_add (doc);

      g_clear_pointer (&c->rules, g_ptr_array_unref);
      if (i % 7 == 3)
        c->rules = NULL;
      else if (i % 2 == 0)
        c->rules = g_ptr_array_ref (shared[i / 2 % G_N_ELEMENTS (shared)]);
      else
        {
          c->rules = g_ptr_array_new ();
          for (guint j = 0; j < i % 5; j++)
            {
              g_autofree char *id = g_strdup_printf ("action:own%u-%u", i, j);
              g_ptr_array_add (c->rules, (gpointer) xref_intern (id));
            }
        }
      g_string_append (want, i == 0 ? "\n  " : ",\n  ");
      xref_render_json_claim (want, c);
    }
  for (guint k = 0; k < G_N_ELEMENTS (shared); k++)
    g_ptr_array_unref (shared[k]);
  for (guint jobs = 1; jobs <= 3; jobs += 2)
    {
      g_autoptr (GString) out = g_string_new (NULL);

      f->report.jobs = jobs;
      xref_render_json (&f->report, out);
      assert_non_null (strstr (out->str, want->str));
    }
  fixture_teardown ((void **) &f);
}

/* Integers are formatted by hand, with a path per digit count: every
 * count from 1 to 20 and the edges between them read as printf's. */
static void
test_json_integers (void **state)
{
  XrefDocument *doc = xref_document_new ("a.txt", "a.txt");
  guint64 v = 1;

  (void) state;
  for (guint digits = 1; digits <= 20; digits++)
    {
      const guint64 tests[] = { v - 1, v, v + 1, v * 5 + 3, v * 10 - 1 };

      for (guint k = 0; k < G_N_ELEMENTS (tests); k++)
        {
          g_autoptr (GString) out = g_string_new (NULL);
          g_autofree char *want = g_strdup_printf (",\"length\":%" G_GUINT64_FORMAT "}", tests[k]);

          doc->len = (gsize) tests[k];
          xref_render_json_document (out, doc, FALSE);
          assert_true (g_str_has_suffix (out->str, want));
        }
      if (digits < 20)
        v *= 10;
    }
  xref_document_free (doc);
}

/* The claims' writer reserves room for the short spans of a claim and
 * makes room for each longer one as it comes: a claim whose sentence,
 * args and slots all span a long text that escapes to six bytes a byte
 * (controls), in a report written into a buffer that starts empty, reads
 * back with every text whole; and the same claim repeated (its sentence
 * copied from the first) too. */
static void
test_json_long_spans (void **state)
{
  Fixture *f = fixture_new ();
  g_autoptr (GString) text = g_string_new (NULL);
  XrefDocument *doc;

  (void) state;
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (text, (char) (i % 7 == 6 ? 'a' : 1 + i % 7));
  g_string_append_c (text, '\n');
  doc = doc_add (f, "long.txt", text->str, (gssize) text->len, NULL, 2022, 1, 2, XREF_DATE_BASIS_METADATA);
  for (guint k = 0; k < 3; k++)
    {
      XrefClaim *c = claim_add (doc);
      XrefArg whole = { xref_intern ("x"), 0, 5000 };

      c->actor = c->action = c->object = c->date = c->speaker = c->source = whole;
      for (guint r = 0; r < XREF_N_ROLES; r++)
        assert_true (xref_claim_set_arg_rule (c, (XrefRole) r, "rule:x"));
      for (guint i = 0; i < 4; i++)
        {
          static const char *const names[] = { "a", "b", "c", "d" };
          XrefSlotValue v = { xref_intern (names[i]), xref_intern ("v"), 0, 5000, NULL };

          g_array_append_val (c->slots, v);
        }
    }
  for (guint jobs = 1; jobs <= 2; jobs++)
    {
      g_autoptr (GString) out = g_string_new (NULL);
      g_autofree char *want = g_strndup (doc->text, 5000);
      json_t *root, *claims;

      f->report.jobs = jobs;
      xref_render_json (&f->report, out);
      root = parse_json (out->str);
      claims = json_object_get (root, "claims");
      assert_int_equal (json_array_size (claims), 3);
      for (guint k = 0; k < 3; k++)
        {
          json_t *c = json_array_get (claims, k);
          static const char *const args[] = { "actor", "action", "object", "date", "speaker", "source" };

          assert_string_equal (jstr (c, "sentence"), want);
          for (guint a = 0; a < G_N_ELEMENTS (args); a++)
            assert_string_equal (jstr (json_object_get (c, args[a]), "text"), want);
          assert_string_equal (jstr (json_object_get (json_object_get (c, "slots"), "a"), "text"), want);
        }
      json_decref (root);
    }
  fixture_teardown ((void **) &f);
}

/* A document's "date": at every edge of its fields, xref_date_to_iso's
 * form when the date is complete, else null with the partial form in
 * "date_partial". */
static void
test_json_dates (void **state)
{
  static const gint years[] = { -1, 0, 1, 999, 1000, 2022, 9999, 10000, 123456 };
  static const gint months[] = { -1, 0, 1, 9, 10, 12, 99, 100 };
  static const gint days[] = { -1, 0, 1, 9, 10, 31, 99, 100, 1000 };
  XrefDocument *doc = xref_document_new ("a.txt", "a.txt");

  (void) state;
  for (guint y = 0; y < G_N_ELEMENTS (years); y++)
    for (guint m = 0; m < G_N_ELEMENTS (months); m++)
      for (guint d = 0; d < G_N_ELEMENTS (days); d++)
        {
          g_autoptr (GString) out = g_string_new (NULL);
          const char *iso;
          gboolean complete;
          json_t *root;
          json_t *date;

          doc->date = (XrefDate) { years[y], months[m], days[d] };
          iso = xref_date_to_iso (&doc->date);
          complete = xref_date_is_complete (&doc->date);
          xref_render_json_document (out, doc, FALSE);
          root = parse_json (out->str);
          date = json_object_get (root, "date");
          if (complete)
            assert_string_equal (json_string_value (date), iso);
          else
            {
              assert_true (json_is_null (date));
              if (iso != NULL)
                assert_string_equal (jstr (root, "date_partial"), iso);
              else
                assert_null (json_object_get (root, "date_partial"));
            }
          json_decref (root);
        }
  xref_document_free (doc);
}

/* What a flush callback was handed, in order. */
static void
collect_flush (const char *data, gsize len, gpointer user_data)
{
  g_string_append_len (user_data, data, (gssize) len);
}

/* A corpus large enough to be rendered in many parts (more than the parts
 * in flight for any thread count below), with thousands of distinct ids
 * (the id memo collides), ids too long for it, and hostile bytes: the
 * JSON is byte for byte the same for any number of threads, streamed or
 * not, and its claims are those of xref_render_json_claim, which renders
 * without the memo. */
typedef struct {
  GPtrArray *rows;
  guint calls;
} LateRows;

static GPtrArray *
late_rows (gpointer data)
{
  LateRows *late = data;

  late->calls++;
  return late->rows;
}

static void
test_json_parallel (void **state)
{
  Fixture *f = fixture_new ();
  g_autoptr (GString) serial = g_string_new (NULL);
  g_autoptr (GString) claims = g_string_new (NULL);
  const char *rule = xref_intern ("action:a-rule-id-long-enough-that-its-escaped-form-is-not-memoised");
  guint n_claims = 0;
  json_t *root;

  for (guint d = 0; d < 1600; d++)
    {
      /* one id that needs escaping (the rows' document keys) */
      g_autofree char *id = g_strdup_printf (d == 7 ? "%03u/%06u\".txt" : "%03u/%06u.txt", d / 1000, d);
      g_autofree char *text = g_strdup_printf ("Officials in Place%u said \"%u\" troops\x01 moved \xff%s.\nMore text.\n",
                                               d, d * 7, d % 3 == 0 ? " \xe2\x80\xa8 beyond the border" : "");
      XrefDocument *doc = doc_add (f, id, text, -1, d % 5 == 0 ? NULL : "Outlet", 2022, 1 + d % 12, 1 + d % 28,
                                   XREF_DATE_BASIS_METADATA);

      for (guint k = 0; k < 4; k++)
        {
          XrefClaim *c = claim_add (doc);
          g_autofree char *actor = g_strdup_printf ("np:place%u", (d * 4 + k) % 5000);

          set_arg (c, XREF_ROLE_ACTOR, doc, actor, "Place", NULL);
          set_arg (c, XREF_ROLE_ACTION, doc, k % 2 ? "say" : "move", k % 2 ? "said" : "moved", "action:move");
          if (k == 3)
            set_arg (c, XREF_ROLE_OBJECT, doc, "troops", "troops", NULL);
          /* the sentence of the claim before, then another span from the
           * same start and index, or (odd documents) the next sentence:
           * the writer's memo of quoted sentences (by index, then span)
           * must tell them apart, and give claim 3 the first line again
           * (claims 0, 1 and 3 quote it); claim 1 of some documents
           * gives another index for the same span (its own entry) */
          if (k == 2 && d % 2 == 0)
            c->end--;
          else if (k == 2)
            {
              c->start = c->end + 1;
              c->end = (XrefOffset) ((const char *) memchr (doc->text + c->start, '\n', doc->len - c->start)
                                     - doc->text);
              c->sentence = 1;
            }
          if (k == 1 && d % 3 == 1)
            c->sentence = 64;
          slot_add (c, "quantity", "7\"q", "troops");
          g_ptr_array_add (c->rules, (gpointer) rule);
          g_ptr_array_add (c->rules, (gpointer) xref_intern ("speech:say"));
          c->polarity = k == 2 ? XREF_POLARITY_NEGATED : XREF_POLARITY_AFFIRMED;
          n_claims++;
        }
      if (d % 4 == 0)
        {
          XrefRow *r = row_add (f, "np:place1", "move", NULL, "quantity", XREF_VERDICT_DIFFER, "r", "a note");
          for (guint k = 0; k < 40 && k <= d; k++)
            {
              const XrefDocument *o = g_ptr_array_index (f->docs, d - k);
              source_add (r, o, g_ptr_array_index (o->claims, 0), k % 3 ? "7\"q" : NULL, "troops");
            }
        }
    }

  /* A row with one source per document in corpus order (the rows' table
   * of document keys), but two swapped (written the general way), one
   * omitting document with a claim, and one stating a value. */
  {
    XrefRow *r = row_add (f, "np:place2", "move", NULL, "quantity", XREF_VERDICT_OMIT, "r", NULL);

    for (guint d = 0; d < f->docs->len; d++)
      {
        guint o = d == 10 ? 11 : d == 11 ? 10 : d;
        const XrefDocument *doc = g_ptr_array_index (f->docs, o);

        source_add (r, doc, d == 5 || d == 6 ? g_ptr_array_index (doc->claims, 1) : NULL, d == 6 ? "7\"q" : NULL,
                    "troops");
      }
  }

  f->report.jobs = 1;
  xref_render_json (&f->report, serial);
  for (guint jobs = 2; jobs <= 5; jobs += 3)
    for (int streamed = 0; streamed < 2; streamed++)
      {
        g_autoptr (GString) out = g_string_new (NULL);
        g_autoptr (GString) flushed = g_string_new (NULL);
      g_autoptr (GString) rest = g_string_new (NULL);

        f->report.jobs = jobs;
        f->report.flush = streamed ? collect_flush : NULL;
        f->report.flush_data = flushed;
        xref_render_json (&f->report, out);
        g_string_append_len (flushed, out->str, (gssize) out->len);
        assert_int_equal (flushed->len, serial->len);
        assert_memory_equal (flushed->str, serial->str, serial->len);
      }
  f->report.flush = NULL;

  /* Rows handed over late (while match runs): the same bytes, and the
   * renderer asks for them once, after the claims. */
  for (guint jobs = 1; jobs <= 3; jobs++)
    {
      g_autoptr (GString) out = g_string_new (NULL);
      LateRows late = { f->report.rows, 0 };

      f->report.jobs = jobs;
      f->report.rows = NULL;
      f->report.rows_later = late_rows;
      f->report.rows_later_data = &late;
      xref_render_json (&f->report, out);
      f->report.rows = late.rows;
      f->report.rows_later = NULL;
      assert_int_equal (late.calls, 1);
      assert_int_equal (out->len, serial->len);
      assert_memory_equal (out->str, serial->str, serial->len);
      assert_non_null (strstr (out->str, "\"rows\":[\n  {"));
    }

  for (guint d = 0; d < f->docs->len; d++)
    {
      const XrefDocument *doc = g_ptr_array_index (f->docs, d);
      for (guint k = 0; k < doc->claims->len; k++)
        {
          g_string_append (claims, claims->len > 0 ? ",\n  " : "\n\"claims\":[\n  ");
          xref_render_json_claim (claims, g_ptr_array_index (doc->claims, k));
        }
    }
  g_string_append (claims, "\n],\n\"rows\":[");
  assert_non_null (strstr (serial->str, claims->str));

  root = parse_json (serial->str);
  assert_int_equal (json_array_size (json_object_get (root, "claims")), n_claims);
  assert_int_equal (json_array_size (json_object_get (root, "rows")), f->rows->len);
  assert_string_equal (jstr (json_array_get (json_object_get (root, "claims"), 4), "doc"), "000/000001.txt");
  {
    json_t *rows = json_object_get (root, "rows");
    json_t *sources = json_object_get (json_array_get (rows, json_array_size (rows) - 1), "sources");

    assert_int_equal (json_array_size (sources), f->docs->len);
    for (guint d = 0; d < f->docs->len; d++)
      {
        json_t *s = json_array_get (sources, d);
        guint o = d == 10 ? 11 : d == 11 ? 10 : d;
        const XrefDocument *doc = g_ptr_array_index (f->docs, o);

        assert_string_equal (jstr (s, "doc"), doc->id);
        assert_string_equal (jstr (s, "status"), d == 6 ? "states" : "omits");
        if (d == 5 || d == 6)
          assert_string_equal (jstr (s, "claim"), ((const XrefClaim *) g_ptr_array_index (doc->claims, 1))->id);
        else
          assert_true (json_is_null (json_object_get (s, "claim")));
        assert_true (d == 6 ? json_is_string (json_object_get (s, "text")) : json_is_null (json_object_get (s, "text")));
      }
    assert_non_null (strstr (serial->str, "{\"doc\":\"000/000007\\\".txt\",\"status\":\"omits\",\"claim\":null,"
                                          "\"value\":null,\"text\":null}"));
  }
  json_decref (root);
  fixture_teardown ((void **) &f);
}

/* ---- table ------------------------------------------------------------- */

static const char table_golden[] =
  "xref: 2 rows (1 differ, 1 omit, 0 agree) · 2 documents · 2 claims\n"
  "\n"
  "documents\n"
  "  000  000_alpha.txt · TASS · 2022-12-21 (metadata) · “Patriots for Kyiv”\n"
  "  001  001_beta.txt · unknown outlet · XXXX-12-28 (inferred)\n"
  "\n"
  "r1  DIFFER  location  (rule exclusive-location)\n"
  "    us-government · train · ukrainian-forces\n"
  "    note: a third country excludes us\n"
  "    000  states  third-country  “a third country”\n"
  "    001  states  us             “a military base in the United States”\n"
  "\n"
  "r2  OMIT    timeline  (rule key-slot)\n"
  "    us-government · train · ukrainian-forces\n"
  "    000  states  PXM  “several months”\n"
  "    001  omits\n";

static void
test_table (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = render (f, XREF_FORMAT_TABLE);

  assert_golden ("table", out, table_golden);
}

/* Every line at most width columns wide. */
static void
assert_lines_fit (const char *out, guint width)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (xref_display_width (lines[i], -1) > width)
      fail_msg ("line %u is %u columns wide (> %u): %s", i + 1, xref_display_width (lines[i], -1), width,
                lines[i]);
}

static void
test_table_wrap (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = NULL;
  g_autofree char *ext = NULL;

  f->report.width = 50;
  out = render (f, XREF_FORMAT_TABLE);
  assert_lines_fit (out, 50);
  /* The long quote wraps with a hanging indent under the quote column. */
  assert_non_null (strstr (out, "    001  states  us “a military base in the United\n"
                                "                 States”\n"));

  /* Below the minimum width the table keeps 40 columns. */
  f->report.width = 10;
  g_free (out);
  out = render (f, XREF_FORMAT_TABLE);
  assert_lines_fit (out, 40);

  /* The extract view wraps too. */
  f->report.width = 45;
  f->report.extract = TRUE;
  f->report.rows = NULL;
  ext = render (f, XREF_FORMAT_TABLE);
  assert_lines_fit (ext, 45);
}

static void
test_table_color (void **state)
{
  Fixture *f = *state;
  g_autofree char *plain = render (f, XREF_FORMAT_TABLE);
  g_autofree char *color = NULL;

  assert_null (strchr (plain, '\033'));
  f->report.color = TRUE;
  color = render (f, XREF_FORMAT_TABLE);
  assert_non_null (strstr (color, "r1  \033[1;31mDIFFER\033[0m  location"));
  assert_non_null (strstr (color, "r2  \033[33mOMIT\033[0m    timeline"));
}

/* No article byte reaches the terminal unescaped, colour or not. */
static void
test_table_evil (void **state)
{
  Fixture *f = *state;

  for (int color = 0; color <= 1; color++)
    for (int extract = 0; extract <= 1; extract++)
      {
        g_autofree char *out = NULL;
        f->report.color = color;
        f->report.extract = extract;
        f->report.rows = extract ? NULL : f->rows;
        out = render (f, XREF_FORMAT_TABLE);

        assert_true (g_utf8_validate (out, -1, NULL));
        assert_null (strstr (out, "\xe2\x80\xae"));   /* U+202E */
        assert_null (strstr (out, "\xe2\x80\xac"));   /* U+202C */
        assert_null (strstr (out, "\xe2\x80\xa8"));   /* U+2028 */
        assert_null (strchr (out, '\a'));
        assert_null (strchr (out, '\r'));
        assert_lines_fit (out, 100);
        if (!color)
          assert_null (strchr (out, '\033'));
        else
          {
            /* Only our own SGR sequences: ESC always followed by "[" and
             * digits/semicolons ending in "m". */
            for (const char *p = strchr (out, '\033'); p != NULL; p = strchr (p + 1, '\033'))
              {
                gsize n = strspn (p + 2, "0123456789;");
                assert_int_equal (p[1], '[');
                assert_int_equal (p[2 + n], 'm');
              }
          }
        assert_non_null (strstr (out, "\xef\xbf\xbd" "desrever\xef\xbf\xbd"));
      }
}

/* Display column where needle starts in line. */
static guint
column_of (const char *line, const char *needle)
{
  const char *p = strstr (line, needle);

  if (p == NULL)
    fail_msg ("\"%s\" not in \"%s\"", needle, line);
  return xref_display_width (line, p - line);
}

/* Wide characters and long ids: columns stay aligned by display width,
 * and a label too long for its column is cut while the legend keeps the
 * whole id. */
static void
test_table_alignment (void **state)
{
  Fixture *f = fixture_new ();
  XrefDocument *a, *b, *c;
  XrefRow *r;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_states = 0, col = 0;

  a = doc_add (f, "東京新聞_記事.txt", "東京は「第三国」で訓練すると述べた。\n", -1, NULL, 0, 0, 0, XREF_DATE_BASIS_NONE);
  b = doc_add (f, "b_short.txt", "Training in Germany, e\xcc\x81te.\n", -1, NULL, 0, 0, 0, XREF_DATE_BASIS_NONE);
  c = doc_add (f, "a-very-long-document-name-without-any-underscore-at-all.txt", "In Poland.\n", -1, NULL, 0, 0, 0,
               XREF_DATE_BASIS_NONE);
  r = row_add (f, "x", "train", NULL, "location", XREF_VERDICT_DIFFER, "exclusive-location", NULL);
  source_add (r, a, NULL, "第三国", "第三国");
  source_add (r, b, NULL, "germany", "Germany");
  source_add (r, c, NULL, "poland", "Poland");
  f->report.width = 60;
  out = render (f, XREF_FORMAT_TABLE);
  assert_lines_fit (out, 60);
  /* the label column is a quarter of the width: 15 columns */
  assert_non_null (strstr (out, "  東京新聞         東京新聞_記事.txt · unknown outlet · no\n"));
  assert_non_null (strstr (out, "  a-very-long-do…  a-very-long-document-name-without-any-und\n"
                                "                   erscore-at-all.txt · unknown outlet · no\n"));

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], " states ") != NULL)
      {
        guint value_col = column_of (lines[i], "states") + 8;
        guint quote_col = column_of (lines[i], "“");
        if (n_states++ == 0)
          col = quote_col;
        assert_int_equal (quote_col, col);
        assert_true (quote_col > value_col);
      }
  assert_int_equal (n_states, 3);
  assert_non_null (strstr (out, "    東京新聞         states  第三国   “第三国”\n"));
  assert_non_null (strstr (out, "    b                states  germany  “Germany”\n"));
  assert_non_null (strstr (out, "    a-very-long-do…  states  poland   “Poland”\n"));
  fixture_teardown ((void **) &f);
}

static const char table_extract_golden[] =
  "xref extract: 2 documents · 2 claims\n"
  "\n"
  "000_alpha.txt · TASS · 2022-12-21 (metadata) · 1 claim\n"
  "  #1  us-government · train · ukrainian-forces  affirmed · planned\n"
  "      location: third-country “a third country”\n"
  "      timeline: PXM “several months”\n"
  "      “The Pentagon will train Ukrainian troops in a third country for several\n"
  "       months, officials said.”\n"
  "\n"
  "001_beta.txt · unknown outlet · XXXX-12-28 (inferred) · 1 claim\n"
  "  #1  us-government · train · ukrainian-forces  affirmed · planned\n"
  "      speaker: politico “Politico”\n"
  "      location: us “a military base in the United States”\n"
  "      “Politico reported that the Pentagon plans to train Ukrainian troops at a\n"
  "       military base in the United States.”\n";

static void
test_table_extract (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = NULL;

  f->report.extract = TRUE;
  f->report.rows = NULL;
  f->report.width = 80;
  out = render (f, XREF_FORMAT_TABLE);
  assert_golden ("table-extract", out, table_extract_golden);
}

static void
test_labels (void **state)
{
  static const struct {
    const char *ids[3];
    const char *labels[3];
  } cases[] = {
    /* prefixes up to '_' */
    { { "000_4d8c5b689ca52c5e.txt", "001_77381b6796159b40.txt", "sub/002_x.txt" }, { "000", "001", "sub/002" } },
    /* ids without a prefix are their own label */
    { { "tass.txt", "ap.txt", "a_b.txt" }, { "tass.txt", "ap.txt", "a" } },
    /* a prefix two documents share is no label */
    { { "2022_tass_article.txt", "2022_ap_article.txt", "2021_rt_article.txt" },
      { "2022_tass_article.txt", "2022_ap_article.txt", "2021" } },
    /* nor one that is another document's id */
    { { "news", "news_from_tass.txt", "_leading_underscore.txt" },
      { "news", "news_from_tass.txt", "_leading_underscore.txt" } },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Fixture *f = fixture_new ();
      g_autoptr (GString) out = g_string_new (NULL);

      for (int j = 0; j < 3; j++)
        doc_add (f, cases[i].ids[j], "x\n", -1, NULL, 0, 0, 0, XREF_DATE_BASIS_NONE);
      xref_render_markdown (&f->report, out);
      for (int j = 0; j < 3; j++)
        {
          g_autoptr (GString) want = g_string_new ("\n| ");
          xref_escape_markdown (want, cases[i].labels[j], -1);
          g_string_append (want, " | ");
          xref_escape_markdown (want, cases[i].ids[j], -1);
          g_string_append (want, " |");
          if (strstr (out->str, want->str) == NULL)
            fail_msg ("case %zu: no label \"%s\" for \"%s\" in\n%s", i, cases[i].labels[j], cases[i].ids[j],
                      out->str);
        }
      fixture_teardown ((void **) &f);
    }
}

/* ---- Markdown ---------------------------------------------------------- */

static const char markdown_golden[] =
  "# xref report\n"
  "\n"
  "2 rows (1 differ, 1 omit, 0 agree) · 2 documents · 2 claims\n"
  "\n"
  "| doc | file | outlet | date | title |\n"
  "|---|---|---|---|---|\n"
  "| 000 | 000\\_alpha.txt | TASS | 2022-12-21 (metadata) | Patriots for Kyiv |\n"
  "| 001 | 001\\_beta.txt |  | XXXX-12-28 (inferred) |  |\n"
  "\n"
  "| id | verdict | slot | topic | 000 | 001 | rule | note |\n"
  "|---|---|---|---|---|---|---|---|\n"
  "| r1 | **differ** | location | us-government · train · ukrainian-forces | third-country “a third country” | "
  "us “a military base in the United States” | exclusive-location | a third country excludes us |\n"
  "| r2 | omit | timeline | us-government · train · ukrainian-forces | PXM “several months” | *omits* | "
  "key-slot |  |\n";

static void
test_markdown (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = render (f, XREF_FORMAT_MARKDOWN);

  assert_golden ("markdown", out, markdown_golden);
}

/* Cells of a table line: one fewer than its unescaped pipes. */
static guint
count_cells (const char *line)
{
  guint n = count_cells_raw (line);
  return n > 0 ? n - 1 : 0;
}

static void
test_markdown_evil (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = render (f, XREF_FORMAT_MARKDOWN);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  guint n_table = 0;

  assert_true (g_utf8_validate (out, -1, NULL));
  assert_null (strchr (out, '\033'));
  assert_null (strchr (out, '\r'));
  assert_null (strstr (out, "\xe2\x80\xae"));
  assert_non_null (strstr (out, "| Out\\|let \"X\" |"));
  assert_non_null (strstr (out, "| note with \\| pipe, \"quotes\" and a newline |"));
  /* Every line of the rows table has 2 + 4 + 2 cells: the article's pipes
   * and line breaks never add a cell or a line. */
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "| r") || g_str_has_prefix (lines[i], "| id "))
      {
        assert_int_equal (count_cells (lines[i]), 8);
        n_table++;
      }
  assert_int_equal (n_table, 5);
}

static void
test_markdown_extract (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = NULL;

  f->report.extract = TRUE;
  out = render (f, XREF_FORMAT_MARKDOWN);
  assert_true (g_str_has_prefix (out, "# xref extract\n\n2 documents · 2 claims\n"));
  assert_non_null (strstr (out, "\n## 001\\_beta.txt\n\n| claim | actor |"));
  assert_non_null (strstr (out, "| 001\\_beta.txt#1 | us-government “the Pentagon” | train “train” | "
                                "ukrainian-forces “Ukrainian troops” |  | affirmed | planned | politico | "
                                "location=us | “Politico reported that"));
}

/* ---- CSV --------------------------------------------------------------- */

static const char csv_golden[] =
  "row,verdict,slot,actor,action,object,rule,note,doc,status,claim,value,text,start,end,speaker,date,qualifier\r\n"
  "r1,differ,location,us-government,train,ukrainian-forces,exclusive-location,a third country excludes us,000_alpha.txt,states,000_alpha.txt#1,third-country,a third country,44,59,,,\r\n"
  "r1,differ,location,us-government,train,ukrainian-forces,exclusive-location,a third country excludes us,001_beta.txt,states,001_beta.txt#1,us,a military base in the United States,71,107,,,\r\n"
  "r2,omit,timeline,us-government,train,ukrainian-forces,key-slot,,000_alpha.txt,states,000_alpha.txt#1,PXM,several months,64,78,,,\r\n"
  "r2,omit,timeline,us-government,train,ukrainian-forces,key-slot,,001_beta.txt,omits,,,,,,,,\r\n";

static void
test_csv (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = render (f, XREF_FORMAT_CSV);

  assert_golden ("csv", out, csv_golden);
}

/* A strict RFC 4180 reader: the records of s, each a GPtrArray of fields.
 * Fails on a bare CR or LF, a quote inside an unquoted field, or text
 * after a closing quote. */
static GPtrArray *
csv_parse (const char *s)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *rec = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = s;

  while (*p)
    {
      if (*p == '"')
        {
          for (p++;; p++)
            {
              if (*p == '\0')
                fail_msg ("unterminated quoted field");
              if (*p == '"' && p[1] == '"')
                g_string_append_c (field, *p++);
              else if (*p == '"')
                break;
              else
                g_string_append_c (field, *p);
            }
          p++;
          if (*p != ',' && !(p[0] == '\r' && p[1] == '\n'))
            fail_msg ("text after a closing quote: %s", p);
        }
      else
        while (*p && *p != ',' && *p != '\r')
          {
            if (*p == '"' || *p == '\n')
              fail_msg ("bare quote or line feed in an unquoted field: %s", p);
            g_string_append_c (field, *p++);
          }
      g_ptr_array_add (rec, g_string_free (field, FALSE));
      field = g_string_new (NULL);
      if (*p == ',')
        p++;
      else if (p[0] == '\r' && p[1] == '\n')
        {
          p += 2;
          g_ptr_array_add (records, rec);
          rec = g_ptr_array_new_with_free_func (g_free);
        }
      else
        fail_msg ("record without CRLF: %s", p);
    }
  assert_int_equal (rec->len, 0);
  g_ptr_array_unref (rec);
  g_string_free (field, TRUE);
  return records;
}

static const char *
csv_field (GPtrArray *records, guint r, guint f)
{
  GPtrArray *rec = g_ptr_array_index (records, r);
  return g_ptr_array_index (rec, f);
}

static void
test_csv_evil (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = render (f, XREF_FORMAT_CSV);
  g_autoptr (GPtrArray) records = csv_parse (out);

  assert_true (g_utf8_validate (out, -1, NULL));
  assert_int_equal (records->len, 1 + 4 * 2);
  for (guint i = 0; i < records->len; i++)
    assert_int_equal (((GPtrArray *) g_ptr_array_index (records, i))->len, 18);
  /* formula guard on values, texts and rule ids */
  assert_string_equal (csv_field (records, 1, 11), "'=1+1");
  assert_string_equal (csv_field (records, 1, 12), "'=1+1");
  assert_string_equal (csv_field (records, 3, 11), "'-2");
  assert_string_equal (csv_field (records, 3, 6), "'-rule");
  assert_string_equal (csv_field (records, 5, 11), "'@x");
  assert_string_equal (csv_field (records, 5, 6), "'@rule");
  /* quotes, commas and line breaks survive inside quoted fields */
  assert_string_equal (csv_field (records, 1, 7), "note with | pipe, \"quotes\"\nand a newline");
  assert_non_null (strstr (out, ",\"note with | pipe, \"\"quotes\"\"\nand a newline\","));
  assert_string_equal (csv_field (records, 7, 12),
                       "\xe2\x80\xae" "desrever\xe2\x80\xac and bad \xef\xbf\xbd byte, \"quoted\" | piped,\n"
                       "next\xe2\x80\xa8line");
  /* an omitting source has empty claim, value, text, start and end */
  for (guint k = 10; k < 15; k++)
    assert_string_equal (csv_field (records, 2, k), "");
  assert_string_equal (csv_field (records, 2, 9), "omits");
}

static void
test_csv_extract (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = NULL;
  g_autoptr (GPtrArray) records = NULL;

  f->report.extract = TRUE;
  out = render (f, XREF_FORMAT_CSV);
  records = csv_parse (out);
  assert_int_equal (records->len, 3);
  assert_string_equal (csv_field (records, 0, 0), "claim");
  assert_string_equal (csv_field (records, 1, 0), "000_alpha.txt#1");
  assert_string_equal (csv_field (records, 1, 4), "us-government");
  assert_string_equal (csv_field (records, 1, 9), "planned");
  assert_string_equal (csv_field (records, 1, 12), "location=third-country; timeline=PXM");
  assert_string_equal (csv_field (records, 1, 13), "entity:us-government action:train slot:location");
  assert_string_equal (csv_field (records, 2, 10), "politico");
  assert_true (g_str_has_prefix (csv_field (records, 2, 14), "Politico reported"));
}

/* ---- HTML -------------------------------------------------------------- */

static void
test_html (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = render (f, XREF_FORMAT_HTML);
  const char *csp, *hash, *script, *script_end;
  g_autofree char *body = NULL;
  g_autofree char *b64 = NULL;
  GChecksum *sum;
  guint8 digest[32];
  gsize len = sizeof digest;

  assert_true (g_str_has_prefix (out, "<!DOCTYPE html>\n"));
  assert_true (g_str_has_suffix (out, "</body>\n</html>\n"));
  csp = strstr (out, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; script-src 'sha256-");
  assert_non_null (csp);
  /* exactly one script, and the policy names its hash */
  script = strstr (out, "<script>");
  assert_non_null (script);
  assert_null (strstr (script + 1, "<script"));
  script += strlen ("<script>");
  script_end = strstr (script, "</script>");
  assert_non_null (script_end);
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, (const guchar *) script, script_end - script);
  g_checksum_get_digest (sum, digest, &len);
  g_checksum_free (sum);
  b64 = g_base64_encode (digest, len);
  hash = strstr (csp, "'sha256-");
  assert_true (strncmp (hash + 8, b64, strlen (b64)) == 0);
  /* no outside resource */
  assert_null (strstr (out, "src=\""));
  assert_null (strstr (out, "href=\"http"));
  assert_non_null (strstr (out, "<th title=\"000_alpha.txt\">000</th><th title=\"001_beta.txt\">001</th>"));
  assert_non_null (strstr (out, "<tr id=\"row-1\" class=\"differ\" data-verdict=\"differ\"><td data-key=\"1\">r1</td>"
                                "<td class=\"verdict\" data-key=\"0\">differ</td>"
                                "<td>location</td><td>us-government · train · ukrainian-forces</td>"
                                "<td><span class=\"value\">third-country</span>"));
  assert_non_null (strstr (out, "<td class=\"omits\">omits</td>"));
  /* the controls and the per-document view */
  assert_non_null (strstr (out, "<input id=\"filter\" type=\"search\""));
  assert_non_null (strstr (out, "<input type=\"checkbox\" class=\"show\" value=\"differ\" checked>"));
  assert_non_null (strstr (out, "<section id=\"doc-000\">"));
  assert_non_null (strstr (out, "<a href=\"#row-1\">r1</a>"));
  body = g_strndup (out, (gsize) (strstr (out, "<script>") - out));
  assert_non_null (strstr (body, "Leaves out 1 row: <a href=\"#row-2\">r2</a> (timeline)"));
  /* the evidence sentence with actor, action, object and value marked */
  assert_non_null (strstr (body, "<blockquote class=\"ev\"><mark class=\"actor\">The Pentagon</mark> will "
                                 "<mark class=\"action\">train</mark> <mark class=\"object\">Ukrainian troops</mark> "
                                 "in <mark class=\"value\">a third country</mark> for several months, officials "
                                 "said.</blockquote>"));
}

static void
test_html_voices (void **state)
{
  Fixture *f = *state;
  XrefRow *r = g_ptr_array_index (f->rows, 0);
  XrefSource v = g_array_index (r->sources, XrefSource, 1);
  g_autofree char *out = NULL;
  g_autofree char *md = NULL;
  g_autofree char *table = NULL;
  g_autofree char *json = NULL;

  /* a second speaker of the first article, and a superseded qualifier */
  v.doc = g_ptr_array_index (f->docs, 0);
  v.speaker = xref_intern ("cnn");
  v.value = xref_intern ("germany");
  v.start = 0;
  v.end = 12;
  v.claim = g_ptr_array_index (((XrefDocument *) g_ptr_array_index (f->docs, 0))->claims, 0);
  r->voices = g_array_new (FALSE, TRUE, sizeof (XrefSource));
  g_array_append_val (r->voices, v);
  r->qualifier = xref_intern ("superseded");
  out = render (f, XREF_FORMAT_HTML);
  assert_non_null (strstr (out, "<td class=\"verdict\" data-key=\"0\">differ (superseded)</td>"));
  assert_non_null (strstr (out, "<div class=\"voice\">also <span class=\"value\">germany</span> "
                                "<span class=\"who\">— cnn</span>"));
  md = render (f, XREF_FORMAT_MARKDOWN);
  assert_non_null (strstr (md, "| **differ (superseded)** |"));
  assert_non_null (strstr (md, "; also cnn: germany “The Pentagon”"));
  f->report.width = 120;
  table = render (f, XREF_FORMAT_TABLE);
  assert_non_null (strstr (table, "DIFFER  superseded · location"));
  assert_non_null (strstr (table, "also    germany"));
  json = render (f, XREF_FORMAT_JSON);
  assert_non_null (strstr (json, "\"qualifier\":\"superseded\""));
  assert_non_null (strstr (json, "\"voices\":[{\"doc\":\"000_alpha.txt\",\"status\":\"states\""));
  assert_non_null (strstr (json, "\"speaker\":\"cnn\""));
}

static void
test_html_evil (void **state)
{
  Fixture *f = *state;
  g_autofree char *out = render (f, XREF_FORMAT_HTML);
  g_autofree char *ext = NULL;

  assert_true (g_utf8_validate (out, -1, NULL));
  assert_null (strchr (out, '\033'));
  assert_null (strstr (out, "\xe2\x80\xae"));
  assert_non_null (strstr (out, "Out|let &quot;X&quot;"));
  assert_non_null (strstr (out, "&quot;quoted&quot; | piped,"));
  f->report.extract = TRUE;
  ext = render (f, XREF_FORMAT_HTML);
  assert_true (g_utf8_validate (ext, -1, NULL));
  assert_null (strchr (ext, '\033'));
  assert_non_null (strstr (ext, "<h1>xref extract</h1>"));
}

/* ---- --explain ------------------------------------------------------------ */

static void
test_explain (void **state)
{
  Fixture *f = *state;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  assert_true (xref_render_explain (&f->report, "r1", out, &error));
  assert_no_error (error);
  assert_true (g_str_has_prefix (out->str, "r1: differ on the location of “us-government · train · ukrainian-forces”"));
  assert_non_null (strstr (out->str, "why: a third country excludes us"));
  assert_non_null (strstr (out->str, "rule: exclusive-location"));
  assert_non_null (strstr (out->str, "sources (2 of 2 state it):"));
  assert_non_null (strstr (out->str, "states third-country — “a third country”"));
  assert_non_null (strstr (out->str, "claim 000_alpha.txt#1"));

  g_string_truncate (out, 0);
  assert_true (xref_render_explain (&f->report, "r2", out, &error));
  assert_non_null (strstr (out->str, "does not state it"));

  g_string_truncate (out, 0);
  assert_false (xref_render_explain (&f->report, "r9", out, &error));
  assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_USAGE));
  assert_non_null (strstr (error->message, "no row 'r9'"));
}

/* ---- finding sources by document --------------------------------------- */


/* The cursor of the renderers (xref_report_sources_ordered, doc_at) and
 * the view per document (XrefReportByDoc) must give each (row, document)
 * the source xref_report_source gives: rows dense, sparse, empty, out of
 * order and with a document twice; and a corpus with one document twice,
 * where no row may count as ordered. */
static void
test_sources_by_doc (void **state)
{
  Fixture *f = fixture_new ();
  XrefDocument *d[6];
  /* each row: the documents of its sources, in this order (-1 ends) */
  static const int rows[][8] = {
    { 0, 1, 2, 3, 4, 5, -1 },      /* dense */
    { 1, 4, -1 },                  /* sparse */
    { 5, -1 },
    { -1 },                        /* no source */
    { 3, 1, -1 },                  /* out of order */
    { 2, 2, -1 },                  /* a document twice */
    { 0, 2, 3, -1 },
  };
  GHashTable *index;

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (d); i++)
    {
      g_autofree char *id = g_strdup_printf ("%03u_doc.txt", i);
      d[i] = doc_add (f, id, "A line of text.", -1, "outlet", 2022, 12, 21, XREF_DATE_BASIS_METADATA);
    }
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      XrefRow *row = row_add (f, "us-government", "train", NULL, "location", XREF_VERDICT_OMIT, "key-slot", NULL);

      for (guint k = 0; rows[r][k] >= 0; k++)
        source_add (row, d[rows[r][k]], NULL, k % 2 == 0 ? "us" : NULL, "line");
    }

  for (int twice = 0; twice < 2; twice++)
    {
      XrefReportByDoc by;
      guint n_docs = f->docs->len;

      index = xref_report_doc_index (&f->report);
      if (twice)
        assert_null (index);
      else
        assert_non_null (index);
      for (guint r = 0; r < f->rows->len; r++)
        {
          const XrefRow *row = g_ptr_array_index (f->rows, r);
          gboolean ordered = xref_report_sources_ordered (&f->report, row, index);

          XrefReportColumns cols;
          const XrefSource *got;
          guint gap, col, c = 0;

          assert_int_equal (ordered, !twice && r != 4 && r != 5);
          /* the column walk of report-markdown.c and report-html.c,
           * ordered or not: each column's source, the empty columns as
           * gaps */
          xref_report_columns_init (&cols, &f->report, index, row);
          assert_int_equal (cols.ordered, ordered);
          while (xref_report_columns_next (&cols, &gap, &col, &got))
            {
              for (guint e = 0; e < gap; e++, c++)
                assert_null (xref_report_source (row, g_ptr_array_index (f->docs, c), c));
              assert_int_equal (col, c);
              assert_ptr_equal (got, xref_report_source (row, g_ptr_array_index (f->docs, c), c));
              c++;
            }
          for (guint e = 0; e < gap; e++, c++)
            assert_null (xref_report_source (row, g_ptr_array_index (f->docs, c), c));
          assert_int_equal (c, n_docs);
        }

      xref_report_by_doc_init (&by, &f->report);
      assert_int_equal (by.n_docs, n_docs);
      for (guint c = 0; c < n_docs; c++)
        {
          guint e = by.first[c];

          for (guint r = 0; r < f->rows->len; r++)
            {
              const XrefSource *want = xref_report_source (g_ptr_array_index (f->rows, r), g_ptr_array_index (f->docs, c), c);

              if (want == NULL)
                continue;
              assert_true (e < by.first[c + 1]);
              assert_int_equal (by.entries[e].row, r);
              assert_ptr_equal (by.entries[e].src, want);
              e++;
            }
          assert_int_equal (e, by.first[c + 1]);
        }
      xref_report_by_doc_clear (&by);
      if (index != NULL)
        g_hash_table_unref (index);
      /* the same corpus with its first document listed twice */
      if (!twice)
        g_ptr_array_add (f->docs, d[0]);
    }
  g_ptr_array_steal_index (f->docs, f->docs->len - 1);
  /* the rows render the same in Markdown and HTML whatever the path */
  {
    g_autoptr (GString) out = g_string_new (NULL);
    xref_render (&f->report, XREF_FORMAT_MARKDOWN, out, NULL);
    assert_non_null (strstr (out->str, "| r2 | omit | location | us-government · train |  | us “line” |  |  | *omits* |  | key-slot |  |\n"));
    assert_non_null (strstr (out->str, "| r4 | omit | location | us-government · train |  |  |  |  |  |  | key-slot |  |\n"));
  }
  /* Rendered in parts on several threads (xref_report_render_parts), each
   * format is the same as on one: enough rows for many parts, and a flush
   * that collects what is handed out. */
  for (guint r = 0; r < 300; r++)
    {
      XrefRow *row = row_add (f, "us-government", "train", NULL, "location", r % 3, "key-slot", r % 2 ? "a note" : NULL);

      for (guint c = 0; c < G_N_ELEMENTS (d); c++)
        if ((r + c) % 3 != 0)
          source_add (row, d[c], NULL, (r + c) % 2 == 0 ? "us" : NULL, "line");
    }
  for (XrefFormat fmt = XREF_FORMAT_TABLE; fmt <= XREF_FORMAT_HTML; fmt++)
    {
      g_autoptr (GString) one = g_string_new (NULL);
      g_autoptr (GString) many = g_string_new (NULL);
      g_autoptr (GString) flushed = g_string_new (NULL);
      g_autoptr (GString) rest = g_string_new (NULL);

      f->report.jobs = 1;
      xref_render (&f->report, fmt, one, NULL);
      f->report.jobs = 3;
      xref_render (&f->report, fmt, many, NULL);
      assert_string_equal (many->str, one->str);
      f->report.flush = collect_flush;
      f->report.flush_data = flushed;
      xref_render (&f->report, fmt, rest, NULL);
      f->report.flush = NULL;
      g_string_append_len (flushed, rest->str, (gssize) rest->len);
      assert_string_equal (flushed->str, one->str);
    }
  *state = f;
}

/* Past XREF_MATCH_DENSE_MAX documents a row lists only the documents that
 * report its topic (match), and Markdown and HTML then give it one
 * "sources" cell instead of a column per document: the rows' part of the
 * report does not grow with the number of documents. */
static GString *
rows_part_of (const Fixture *f, XrefFormat format, const char *from)
{
  g_autofree char *out = render (f, format);
  const char *p = strstr (out, from);

  assert_non_null (p);
  return g_string_new (p);
}

static void
test_sparse_rows (void **state)
{
  Fixture *f = fixture_new ();
  XrefDocument *d[2 * XREF_MATCH_DENSE_MAX + 8];
  guint n = XREF_MATCH_DENSE_MAX + 4;
  g_autoptr (GHashTable) labels = NULL;
  g_autoptr (GString) md = NULL, html = NULL, md_more = NULL, html_more = NULL, want = NULL;
  g_auto (GStrv) lines = NULL;
  const char *row_line = NULL;
  XrefRow *row;

  (void) state;
  *state = f;
  for (guint i = 0; i < G_N_ELEMENTS (d); i++)
    {
      g_autofree char *id = g_strdup_printf ("%03u_doc.txt", i);
      d[i] = doc_add (f, id, "Troops train in Germany.\n", -1, i % 2 ? "Reuters" : "AP", 2022, 12, 21,
                      XREF_DATE_BASIS_METADATA);
    }
  /* the corpus is the first n of them for now (the rest are added back
   * below; taken out without the free function) */
  for (guint i = G_N_ELEMENTS (d); i > n; i--)
    g_ptr_array_steal_index (f->docs, i - 1);
  row = row_add (f, "us-government", "train", "ukraine", "location", XREF_VERDICT_DIFFER, "key-slot", "a note");
  source_add (row, d[3], NULL, "germany", "Germany");
  source_add (row, d[200], NULL, NULL, NULL);
  source_add (row, d[n - 1], NULL, "poland", "Troops");

  labels = xref_report_labels (&f->report);
  md = rows_part_of (f, XREF_FORMAT_MARKDOWN, "| id | verdict |");
  lines = g_strsplit (md->str, "\n", -1);
  assert_string_equal (lines[0], "| id | verdict | slot | topic | sources | rule | note |");
  assert_string_equal (lines[1], "|---|---|---|---|---|---|---|");
  row_line = lines[2];
  assert_int_equal (count_cells (row_line), 7);
  want = g_string_new (NULL);
  g_string_append_printf (want, "| **%s**: germany “Germany”<br>**%s**: *omits*<br>**%s**: poland “Troops” |",
                          xref_report_label (labels, d[3]), xref_report_label (labels, d[200]),
                          xref_report_label (labels, d[n - 1]));
  assert_non_null (strstr (row_line, want->str));
  assert_null (strstr (lines[0], xref_report_label (labels, d[3])));

  html = rows_part_of (f, XREF_FORMAT_HTML, "<table id=\"rows\">");
  assert_non_null (strstr (html->str, "<th>topic</th><th>sources</th><th>rule</th></tr>"));
  assert_non_null (strstr (html->str, "<td class=\"sources\"><div class=\"source\"><b>"));
  assert_non_null (strstr (html->str, "</b>: omits</div>"));
  assert_null (strstr (html->str, "<td></td>"));

  /* twice the documents, the same row: the rows' part is the same size */
  for (guint i = n; i < G_N_ELEMENTS (d); i++)
    g_ptr_array_add (f->docs, d[i]);
  md_more = rows_part_of (f, XREF_FORMAT_MARKDOWN, "| id | verdict |");
  html_more = rows_part_of (f, XREF_FORMAT_HTML, "<table id=\"rows\">");
  assert_int_equal (md_more->len, md->len);
  assert_int_equal (strstr (html_more->str, "</table>") - html_more->str, strstr (html->str, "</table>") - html->str);

  /* at XREF_MATCH_DENSE_MAX documents a row keeps a column per document */
  g_array_set_size (row->sources, 1);   /* d[3] only */
  g_ptr_array_set_size (f->docs, XREF_MATCH_DENSE_MAX);
  {
    g_autoptr (GString) dense = rows_part_of (f, XREF_FORMAT_MARKDOWN, "| id | verdict |");
    g_auto (GStrv) dl = g_strsplit (dense->str, "\n", -1);
    assert_int_equal (count_cells (dl[0]), 6 + XREF_MATCH_DENSE_MAX);
    assert_int_equal (count_cells (dl[2]), 6 + XREF_MATCH_DENSE_MAX);
  }
}

static void
test_report_repeat (void **state)
{
  g_autoptr (GString) out = g_string_new ("x");

  (void) state;
  xref_report_repeat (out, "  |", 3, 0);
  assert_string_equal (out->str, "x");
  xref_report_repeat (out, "ab", 2, 1);
  assert_string_equal (out->str, "xab");
  for (gsize n = 0; n < 70; n++)
    {
      g_string_assign (out, "y");
      xref_report_repeat (out, "<td></td>", 9, n);
      assert_int_equal (out->len, 1 + 9 * n);
      for (gsize i = 0; i < n; i++)
        assert_memory_equal (out->str + 1 + 9 * i, "<td></td>", 9);
      assert_int_equal (out->str[out->len], '\0');
    }
  g_string_truncate (out, 0);
  xref_report_append_uint (out, 0);
  xref_report_append_uint (out, 7);
  xref_report_append_uint (out, G_GUINT64_CONSTANT (18446744073709551615));
  assert_string_equal (out->str, "0718446744073709551615");
}

/* Long strings (several vectors) of plain text with characters of two
 * and three bytes at every offset, across the 16- and 32-byte vectors'
 * ends, and now and then one the copy-as-is path must not keep (C1,
 * U+2028/2029, overlong, surrogate, cut, four bytes): escaped as the
 * reference does, with a length, NUL-terminated, and into exact room
 * with bytes to escape readable past the end. */
static void
test_escape_json_kept (void **state)
{
  static const char *const chars[] = {
    "\xc3\xa9", "\xe2\x80\x9c", "\xe2\x80\x94", "\xdf\xbf", "\xef\xbf\xbf", "\xc2\xa0", "\xc2\x85", "\xe2\x80\xa8",
    "\xe2\x80\xa9", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xed\xa0\x80", "\xf0\x9f\x98\x80", "\xe2\x80", "\xc3", "\xff",
    "\"", "\x7f", "\n",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (2028);

  (void) state;
  for (int iter = 0; iter < 6000; iter++)
    {
      g_autoptr (GString) in = g_string_new (NULL);
      g_autoptr (GString) got = g_string_new ("x");
      g_autoptr (GString) want = g_string_new ("x");
      gint len = g_rand_int_range (rand, 0, 300);
      /* mostly the kept characters (the first six), now and then another */
      gint pick = g_rand_int_range (rand, 0, 4) == 0 ? (gint) G_N_ELEMENTS (chars) : 6;

      while ((gint) in->len < len)
        {
          if (g_rand_int_range (rand, 0, 6) == 0)
            g_string_append (in, chars[g_rand_int_range (rand, 0, pick)]);
          else
            g_string_append_c (in, (char) ('a' + g_rand_int_range (rand, 0, 26)));
        }
      reference_escape_json (want, in->str, in->len);
      xref_escape_json (got, in->str, (gssize) in->len);
      assert_int_equal (got->len, want->len);
      assert_memory_equal (got->str, want->str, want->len);

      {
        gsize room = XREF_REPORT_JSON_ROOM (in->len);
        g_autofree char *at = g_malloc (room);
        gsize n = in->len;
        char *end;

        /* readable past the end (a span of a text) every other time: the
         * bytes there must not be taken */
        if (iter % 2 == 1)
          g_string_append (in, "\"\xe2\x80\x9c\x01\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"");
        end = xref_report_escape_json_to (at, in->str, n, in->len);
        g_string_truncate (in, n);

        g_assert_true (end >= at && (gsize) (end - at) <= room);
        assert_int_equal (end - at, want->len - 1);
        assert_memory_equal (at, want->str + 1, want->len - 1);
      }

      g_string_assign (got, "x");
      xref_escape_json (got, in->str, -1);
      assert_string_equal (got->str, want->str);
    }
}

/* The directional marks LRM, RLM and ALM are replaced like the other
 * bidi controls in the terminal table, Markdown and HTML (a fuzzer found
 * LRM shown raw in the table). */
static void
test_escape_bidi_marks (void **state)
{
  static const char text[] = "a\u200eb\u200fc\u061cd\u202ee";
  void (*const escape[]) (GString *, const char *, gssize) = { xref_escape_terminal, xref_escape_markdown,
                                                               xref_escape_html };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (escape); i++)
    {
      g_autoptr (GString) out = g_string_new (NULL);
      escape[i] (out, text, -1);
      assert_null (strstr (out->str, "\u200e"));
      assert_null (strstr (out->str, "\u200f"));
      assert_null (strstr (out->str, "\u061c"));
      assert_null (strstr (out->str, "\u202e"));
      assert_non_null (strstr (out->str, "a"));
      assert_non_null (strstr (out->str, "e"));
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_escape_cases),
    cmocka_unit_test (test_escape_null_and_len),
    cmocka_unit_test (test_escape_random),
    cmocka_unit_test (test_escape_json_reference),
    cmocka_unit_test (test_escape_json_chars),
    cmocka_unit_test (test_json_parallel),
    cmocka_unit_test (test_format_parse),
    cmocka_unit_test (test_labels),
    cmocka_unit_test_teardown (test_sources_by_doc, fixture_teardown),
    cmocka_unit_test (test_report_repeat),
    cmocka_unit_test (test_json_empty),
    cmocka_unit_test (test_json_integers),
    cmocka_unit_test (test_json_dates),
    cmocka_unit_test (test_json_long_spans),
    cmocka_unit_test (test_json_claim_ids),
    cmocka_unit_test (test_json_source_keys),
    cmocka_unit_test (test_json_rules_memo),
    cmocka_unit_test_setup_teardown (test_render_dispatch, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_json_report, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_json_extract, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_json_object_null, setup_evil, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_table, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_table_wrap, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_table_color, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_table_extract, setup_clean, fixture_teardown),
    cmocka_unit_test (test_table_alignment),
    cmocka_unit_test_setup_teardown (test_table_evil, setup_evil, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_markdown, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_markdown_extract, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_markdown_evil, setup_evil, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_explain, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_csv, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_csv_evil, setup_evil, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_csv_extract, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_html, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_html_voices, setup_clean, fixture_teardown),
    cmocka_unit_test_setup_teardown (test_html_evil, setup_evil, fixture_teardown),
    cmocka_unit_test_teardown (test_sparse_rows, fixture_teardown),
    cmocka_unit_test (test_escape_json_kept),
    cmocka_unit_test (test_escape_bidi_marks),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
