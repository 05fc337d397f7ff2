/* Unit tests of the match stage: hand-built documents and claims, compared
 * under the default rules (XREF_RULES) plus a small test rule file. */
#include "test-util.h"

#include "xref/match.h"

/* What the default rules do not hold: a concept with other_than. */
static const char test_rules_yaml[] =
  "entities:\n"
  "  - id: test-third-country\n"
  "    type: concept\n"
  "    aliases: [a test third country]\n"
  "    other_than: [us, ukraine]\n";

static XrefRules *rules;
static char *rules_tmpdir;

static int
setup_rules (void **state)
{
  rules = test_load_rules_plus ("test.yaml", test_rules_yaml, &rules_tmpdir);
  return 0;
}

static int
teardown_rules (void **state)
{
  g_clear_pointer (&rules, xref_rules_free);
  test_remove_rules_folder (rules_tmpdir, "test.yaml");
  g_clear_pointer (&rules_tmpdir, g_free);
  return 0;
}

/* ---- building documents and claims -------------------------------------- */

static GPtrArray *
corpus_new (guint n, ...)
{
  GPtrArray *docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  va_list ap;

  va_start (ap, n);
  for (guint i = 0; i < n; i++)
    {
      const char *id = va_arg (ap, const char *);
      XrefDocument *doc = xref_document_new (id, id);
      g_ptr_array_set_free_func (doc->claims, (GDestroyNotify) xref_claim_free);
      g_ptr_array_add (docs, doc);
    }
  va_end (ap);
  return docs;
}

static XrefDocument *
doc_at (GPtrArray *docs, guint i)
{
  return g_ptr_array_index (docs, i);
}

static const char *
intern_or_null (const char *s)
{
  return s != NULL ? xref_intern (s) : NULL;
}

static gint
cmp_slot_values (gconstpointer a, gconstpointer b)
{
  return strcmp (((const XrefSlotValue *) a)->slot, ((const XrefSlotValue *) b)->slot);
}

/* Appends a claim to doc; the trailing arguments are "slot=value" strings,
 * NULL-terminated.  Spans are fake but distinct and in text order. */
static XrefClaim *
add_claim (XrefDocument *doc, const char *actor, const char *action, const char *object, const char *date,
           XrefPolarity polarity, ...)
{
  XrefClaim *c = g_new0 (XrefClaim, 1);
  gsize base = (gsize) doc->claims->len * 100;
  const char *sv;
  va_list ap;

  c->id = g_strdup_printf ("%s#%u", doc->id, doc->claims->len + 1);
  c->doc = doc;
  c->start = base;
  c->end = base + 90;
  c->actor = (XrefArg) { intern_or_null (actor), base, base + 5 };
  c->action = (XrefArg) { intern_or_null (action), base + 10, base + 15 };
  c->object = (XrefArg) { intern_or_null (object), base + 20, base + 25 };
  if (date != NULL)
    c->date = (XrefArg) { xref_intern (date), base + 30, base + 40 };
  c->slots = g_array_new (FALSE, TRUE, sizeof (XrefSlotValue));
  c->polarity = polarity;
  c->modality = XREF_MODALITY_ASSERTED;
  c->rules = g_ptr_array_new ();

  va_start (ap, polarity);
  while ((sv = va_arg (ap, const char *)) != NULL)
    {
      g_auto (GStrv) kv = g_strsplit (sv, "=", 2);
      XrefSlotValue v = { 0 };
      v.slot = xref_intern (kv[0]);
      v.value = xref_intern (kv[1]);
      v.start = base + 50 + c->slots->len * 10;
      v.end = v.start + 5;
      g_array_append_val (c->slots, v);
    }
  va_end (ap);
  g_array_sort (c->slots, cmp_slot_values);
  g_ptr_array_add (doc->claims, c);
  return c;
}

#define AFF XREF_POLARITY_AFFIRMED
#define NEG XREF_POLARITY_NEGATED

/* The row of a topic and slot (actor may be NULL to match any), or NULL. */
static const XrefRow *
find_row (GPtrArray *rows, const char *actor, const char *action, const char *object, const char *slot)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const XrefRow *r = g_ptr_array_index (rows, i);
      if ((actor == NULL || g_strcmp0 (r->actor, actor) == 0) && g_strcmp0 (r->action, action) == 0
          && g_strcmp0 (r->object, object) == 0 && g_strcmp0 (r->slot, slot) == 0)
        return r;
    }
  return NULL;
}

static const XrefRow *
must_find (GPtrArray *rows, const char *actor, const char *action, const char *object, const char *slot)
{
  const XrefRow *r = find_row (rows, actor, action, object, slot);

  if (r == NULL)
    fail_msg ("no row %s/%s/%s/%s", actor != NULL ? actor : "*", action, object != NULL ? object : "-", slot);
  return r;
}

static const XrefSource *
source (const XrefRow *row, guint i)
{
  assert_true (i < row->sources->len);
  return &g_array_index (row->sources, XrefSource, i);
}

static guint
count_rows (GPtrArray *rows, const char *action, const char *slot)
{
  guint n = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      const XrefRow *r = g_ptr_array_index (rows, i);
      if ((action == NULL || g_strcmp0 (r->action, action) == 0) && (slot == NULL || g_strcmp0 (r->slot, slot) == 0))
        n++;
    }
  return n;
}

/* Every row: one source per document in corpus order, n_states right, ids
 * r1.. in order, verdict classes ranked. */
static void dump_rows (GPtrArray *rows);

static void
check_invariants (GPtrArray *docs, GPtrArray *rows)
{
  dump_rows (rows);
  for (guint i = 0; i < rows->len; i++)
    {
      const XrefRow *r = g_ptr_array_index (rows, i);
      g_autofree char *id = g_strdup_printf ("r%u", i + 1);
      guint n = 0;

      assert_string_equal (r->id, id);
      assert_non_null (r->rule);
      assert_non_null (r->note);
      /* one source per document; past XREF_MATCH_DENSE_MAX documents the
       * documents that report the topic, in corpus order */
      if (docs->len <= XREF_MATCH_DENSE_MAX)
        assert_int_equal (r->sources->len, docs->len);
      else
        assert_true (r->sources->len <= docs->len);
      for (guint d = 0, at = 0; d < r->sources->len; d++, at++)
        {
          const XrefSource *s = source (r, d);
          while (at < docs->len && g_ptr_array_index (docs, at) != s->doc)
            at++;
          assert_true (at < docs->len);
          assert_true (docs->len > XREF_MATCH_DENSE_MAX || at == d);
          if (s->states)
            {
              n++;
              assert_non_null (s->value);
              assert_non_null (s->claim);
              assert_ptr_equal (s->claim->doc, s->doc);
            }
          else
            {
              assert_null (s->value);
              assert_null (s->claim);
            }
        }
      assert_int_equal (n, r->n_states);
      if (i > 0)
        {
          const XrefRow *p = g_ptr_array_index (rows, i - 1);
          /* differ before omit before agree */
          static const int order[] = { [XREF_VERDICT_DIFFER] = 0, [XREF_VERDICT_OMIT] = 1, [XREF_VERDICT_AGREE] = 2 };
          assert_true (order[p->verdict] <= order[r->verdict]);
        }
    }
}

/* XREF_TEST_DUMP=1 prints the rows of each run, for debugging a case. */
static void
dump_rows (GPtrArray *rows)
{
  if (g_getenv ("XREF_TEST_DUMP") == NULL)
    return;
  for (guint i = 0; i < rows->len; i++)
    {
      const XrefRow *r = g_ptr_array_index (rows, i);
      g_autoptr (GString) s = g_string_new (NULL);

      for (guint d = 0; d < r->sources->len; d++)
        {
          const XrefSource *src = source (r, d);
          g_string_append_printf (s, " %s=%s", src->doc->id, src->states ? src->value : "-");
        }
      g_printerr ("%s %s/%s/%s %s: %s [%s] %s;%s\n", r->id, r->actor ? r->actor : "?", r->action,
                  r->object ? r->object : "-", r->slot, xref_verdict_name (r->verdict), r->rule, r->note, s->str);
    }
}

/* ---- tests --------------------------------------------------------------- */

static void
test_verdict_names (void **state)
{
  assert_string_equal (xref_verdict_name (XREF_VERDICT_AGREE), "agree");
  assert_string_equal (xref_verdict_name (XREF_VERDICT_DIFFER), "differ");
  assert_string_equal (xref_verdict_name (XREF_VERDICT_OMIT), "omit");
}

static void
test_date_agree (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  /* "Feb. 24" and "February 24" both normalised to one value. */
  add_claim (doc_at (docs, 0), "us", "send", "patriot", "2022-02-24", AFF, NULL);
  add_claim (doc_at (docs, 1), "us", "send", "patriot", "2022-02-24", AFF, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  r = must_find (rows, "us", "send", "patriot", "date");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:equal");
  assert_int_equal (r->n_states, 2);
  assert_string_equal (source (r, 0)->value, "2022-02-24");
  assert_string_equal (source (r, 1)->value, "2022-02-24");
  /* the value's span is the date's span */
  assert_int_equal (source (r, 0)->start, 30);
  assert_int_equal (source (r, 0)->end, 40);

  r = must_find (rows, "us", "send", "patriot", "event");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:event");
  /* all affirmed: no polarity row */
  assert_null (find_row (rows, "us", "send", "patriot", "polarity"));
}

static void
test_date_partial_refines (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "a.txt", "b.txt", "c.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  add_claim (doc_at (docs, 0), "us", "send", "patriot", "2022-12-21", AFF, NULL);
  add_claim (doc_at (docs, 1), "us", "send", "patriot", "XXXX-12-21", AFF, NULL);
  add_claim (doc_at (docs, 2), "us", "send", "patriot", "2022-12", AFF, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "send", "patriot", "date");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:refinement");
  assert_int_equal (r->n_states, 3);
}

static void
test_date_differ (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "a.txt", "b.txt", "c.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  add_claim (doc_at (docs, 0), "us", "send", "patriot", "2022-12-21", AFF, NULL);
  add_claim (doc_at (docs, 1), "us", "send", "patriot", "2022-12-22", AFF, NULL);
  add_claim (doc_at (docs, 2), "us", "send", "patriot", NULL, AFF, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  /* a date differ does not split the topic: one event row for three docs */
  assert_int_equal (count_rows (rows, "send", "event"), 1);
  assert_int_equal (must_find (rows, "us", "send", "patriot", "event")->n_states, 3);

  r = must_find (rows, "us", "send", "patriot", "date");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (r->rule, "date-mismatch");
  assert_int_equal (r->n_states, 2);
  assert_true (source (r, 0)->states);
  assert_string_equal (source (r, 1)->value, "2022-12-22");
  assert_false (source (r, 2)->states);
  assert_non_null (strstr (r->note, "2022-12-21"));
  assert_non_null (strstr (r->note, "2022-12-22"));
  /* the only differ row is ranked first */
  assert_ptr_equal (g_ptr_array_index (rows, 0), r);
}

static void
test_negation_flip (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "a.txt", "b.txt", "c.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  add_claim (doc_at (docs, 0), "us", "send", "np:military personnel", NULL, NEG, NULL);
  add_claim (doc_at (docs, 1), "us", "send", "np:military personnel", NULL, AFF, NULL);
  add_claim (doc_at (docs, 2), "us", "send", "np:military personnel", NULL, NEG, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  r = must_find (rows, "us", "send", "np:military personnel", "polarity");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (r->rule, "negation-flip");
  assert_int_equal (r->n_states, 3);
  assert_string_equal (source (r, 0)->value, "negated");
  assert_string_equal (source (r, 1)->value, "affirmed");
  assert_string_equal (r->id, "r1");
}

static void
test_both_negated_agree (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  /* "Pentagon" rolls up to the US: one topic. */
  add_claim (doc_at (docs, 0), "us", "send", "np:military personnel", NULL, NEG, NULL);
  add_claim (doc_at (docs, 1), "pentagon", "send", "np:military personnel", NULL, NEG, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  r = must_find (rows, "us", "send", "np:military personnel", "polarity");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:equal");
  assert_string_equal (source (r, 0)->value, "negated");
  assert_string_equal (source (r, 1)->value, "negated");
  assert_non_null (strstr (r->note, "negate"));
}

static void
test_set_refinement (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "a.txt", "b.txt", "c.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  add_claim (doc_at (docs, 0), "us", "train", "ukrainian-armed-forces", NULL, AFF, "location=test-third-country",
             "timeline=PXM", NULL);
  add_claim (doc_at (docs, 1), "us", "train", "ukrainian-armed-forces", NULL, AFF, "location=germany",
             "timeline=PXM", NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  /* the object rolls up to its root as the actor does */
  r = must_find (rows, "us", "train", "ukraine", "location");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:refinement");
  assert_string_equal (source (r, 1)->value, "germany");
  assert_int_equal (source (r, 1)->start, 50);

  r = must_find (rows, "us", "train", "ukraine", "timeline");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:vague");

  /* a third document trains in the US: excluded by the concept → differ */
  add_claim (doc_at (docs, 2), "pentagon", "train", "ukrainian-armed-forces", NULL, AFF, "location=us",
             "timeline=P3M", NULL);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "train", "ukraine", "location");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (r->rule, "exclusive-location");
  assert_int_equal (r->n_states, 3);
  /* location is a key slot of train: its differ row comes first */
  assert_string_equal (r->id, "r1");

  /* "several months" refined by "three months" */
  r = must_find (rows, "us", "train", "ukraine", "timeline");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:refinement");
}

/* Items remember whether their claim has a slot value, so that the slot
 * rows read no claim without one (Item.has_slots): a claim without a slot
 * array, one with an empty array and ones with values must give the same
 * rows whichever way a claim has no value, and the values of the others
 * all reach their rows. */
static void
test_slots_absent (void **state)
{
  g_autofree char *want = NULL;

  (void) state;
  for (int null_slots = 0; null_slots < 2; null_slots++)
    {
      g_autoptr (GPtrArray) docs = corpus_new (4, "a.txt", "b.txt", "c.txt", "d.txt");
      g_autoptr (GPtrArray) rows = NULL;
      g_autoptr (GString) got = g_string_new (NULL);
      XrefClaim *bare;
      const XrefRow *r;

      add_claim (doc_at (docs, 0), "us", "train", "ukrainian-armed-forces", NULL, AFF, "location=germany",
                 "timeline=PXM", NULL);
      bare = add_claim (doc_at (docs, 1), "us", "train", "ukrainian-armed-forces", NULL, AFF, NULL);
      if (null_slots)
        g_clear_pointer (&bare->slots, g_array_unref);
      add_claim (doc_at (docs, 2), "us", "train", "ukrainian-armed-forces", NULL, AFF, NULL);
      add_claim (doc_at (docs, 3), "us", "train", "ukrainian-armed-forces", NULL, AFF, "location=us", NULL);
      rows = xref_match (docs, rules);
      check_invariants (docs, rows);
      r = must_find (rows, "us", "train", "ukraine", "location");
      assert_int_equal (r->n_states, 2);
      assert_string_equal (source (r, 0)->value, "germany");
      assert_false (source (r, 1)->states);
      assert_false (source (r, 2)->states);
      assert_string_equal (source (r, 3)->value, "us");
      assert_int_equal (must_find (rows, "us", "train", "ukraine", "timeline")->n_states, 1);
      for (guint i = 0; i < rows->len; i++)
        {
          const XrefRow *x = g_ptr_array_index (rows, i);

          g_string_append_printf (got, "%s %s %s %s %u;", x->id, x->slot, xref_verdict_name (x->verdict), x->rule,
                                  x->n_states);
          for (guint d = 0; d < x->sources->len; d++)
            g_string_append_printf (got, " %s", source (x, d)->states ? source (x, d)->value : "-");
        }
      if (want == NULL)
        want = g_strdup (got->str);
      else
        assert_string_equal (got->str, want);
    }
}

static void
test_set_members (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  /* "on the territories of Britain, Germany" vs "in Germany" */
  add_claim (doc_at (docs, 0), "us", "train", "ukraine", NULL, AFF, "location=germany,uk", NULL);
  add_claim (doc_at (docs, 1), "us", "train", "ukraine", NULL, AFF, "location=germany", NULL);
  rows = xref_match (docs, rules);
  r = must_find (rows, "us", "train", "ukraine", "location");
  assert_string_equal (r->rule, "agree:refinement");

  /* overlapping but neither within the other */
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_ptr_array_set_size (doc_at (docs, 1)->claims, 0);
  add_claim (doc_at (docs, 1), "us", "train", "ukraine", NULL, AFF, "location=germany,italy", NULL);
  rows = xref_match (docs, rules);
  r = must_find (rows, "us", "train", "ukraine", "location");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (r->rule, "exclusive-location");
}

static void
test_numeric (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "a.txt", "b.txt", "c.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  add_claim (doc_at (docs, 0), "russia", "kill", "np:civilians", NULL, AFF, "quantity=6755", NULL);
  add_claim (doc_at (docs, 1), "russia", "kill", "np:civilians", NULL, AFF, "quantity=6,900", NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "russia", "kill", "np:civilians", "quantity");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:within-tolerance");

  /* 6755 vs 7500 is 10% apart: beyond number-mismatch's 5% */
  add_claim (doc_at (docs, 2), "russia", "kill", "np:civilians", NULL, AFF, "quantity=7500", NULL);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "russia", "kill", "np:civilians", "quantity");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (r->rule, "number-mismatch");
  assert_int_equal (r->n_states, 3);
}

static void
test_key_slot_omission (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "a.txt", "b.txt", "c.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, "recipient=ukraine", NULL);
  add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, NULL);
  add_claim (doc_at (docs, 2), "us", "send", "patriot", NULL, AFF, "recipient=ukraine", "purpose=air defense", NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  r = must_find (rows, "us", "send", "patriot", "recipient");
  assert_int_equal (r->verdict, XREF_VERDICT_OMIT);
  assert_string_equal (r->rule, "key-slot:recipient");
  assert_int_equal (r->n_states, 2);
  assert_false (source (r, 1)->states);
  assert_string_equal (r->id, "r1");

  /* purpose is not a key slot: one source alone giving it is a detail the
   * others omit, ranked below the key-slot omission */
  r = must_find (rows, "us", "send", "patriot", "purpose");
  assert_int_equal (r->verdict, XREF_VERDICT_OMIT);
  assert_string_equal (r->rule, "omit:detail");
  assert_int_equal (r->n_states, 1);

  /* no document states a location: no row */
  assert_null (find_row (rows, "us", "send", "patriot", "location"));
}

static void
test_event_omit (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (4, "a.txt", "b.txt", "c.txt", "d.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  /* half the corpus or more reports it: the others omit it */
  add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, NULL);
  add_claim (doc_at (docs, 2), "us", "send", "patriot", NULL, AFF, NULL);
  /* less than half: agree among those who state it */
  add_claim (doc_at (docs, 1), "russia", "attack", "ukraine", NULL, AFF, NULL);
  add_claim (doc_at (docs, 1), "russia", "attack", "ukraine", NULL, AFF, NULL);
  add_claim (doc_at (docs, 3), "russia", "attack", "ukraine", NULL, AFF, NULL);
  add_claim (doc_at (docs, 3), "uk", "help", "ukraine", NULL, AFF, NULL);
  add_claim (doc_at (docs, 0), "uk", "help", "ukraine", NULL, AFF, NULL);
  add_claim (doc_at (docs, 1), "uk", "help", "ukraine", NULL, AFF, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  r = must_find (rows, "us", "send", "patriot", "event");
  assert_int_equal (r->verdict, XREF_VERDICT_OMIT);
  assert_string_equal (r->rule, "omit:event");
  assert_true (source (r, 0)->states);
  assert_false (source (r, 1)->states);
  assert_true (source (r, 2)->states);
  assert_false (source (r, 3)->states);

  r = must_find (rows, "russia", "attack", "ukraine", "event");
  assert_int_equal (r->verdict, XREF_VERDICT_OMIT);
  assert_int_equal (r->n_states, 2);
  /* the first claim of the document in text order is the one shown */
  assert_string_equal (source (r, 1)->claim->id, "b.txt#1");

  r = must_find (rows, "uk", "help", "ukraine", "event");
  assert_int_equal (r->verdict, XREF_VERDICT_OMIT);
  assert_int_equal (r->n_states, 3);
  /* more stating sources rank first within a class */
  assert_ptr_equal (rows->pdata[0], r);
}

static void
test_several_values_noted (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, "recipient=ukraine", NULL);
  add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, "recipient=germany", NULL);
  add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, "recipient=ukraine", NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "send", "patriot", "recipient");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (source (r, 0)->value, "ukraine");
  assert_string_equal (source (r, 0)->claim->id, "a.txt#1");
  assert_non_null (strstr (r->note, "several values"));
}

/* A document's source is its first claim in text order, not in the order
 * of its claims: here each document lists 40 claims of one topic with
 * their starts descending (and two of them at one start, ordered by
 * their index), so match sorts the topic's 120 items (by runs of 16,
 * then merged) before it picks a document's first value. */
static void
test_first_in_text_order (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "a.txt", "b.txt", "c.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  for (guint d = 0; d < 3; d++)
    for (guint k = 0; k < 40; k++)
      {
        g_autofree char *q = g_strdup_printf ("quantity=%u", d * 100 + k);
        XrefClaim *c = add_claim (doc_at (docs, d), "us", "send", "patriot", NULL, AFF, q, NULL);
        /* claim k starts at 10000 - 100 k; claims 38 and 39 both at 6200 */
        c->start = 10000 - 100 * (k < 39 ? k : 38);
      }
  for (guint n = 1; n <= 2; n++)
    {
      g_clear_pointer (&rows, g_ptr_array_unref);
      rows = xref_match_threads (docs, rules, n);
      check_invariants (docs, rows);
      r = must_find (rows, "us", "send", "patriot", "quantity");
      for (guint d = 0; d < 3; d++)
        {
          g_autofree char *v = g_strdup_printf ("%u", d * 100 + 38);
          g_autofree char *id = g_strdup_printf ("%s#39", doc_at (docs, d)->id);
          assert_string_equal (source (r, d)->value, v);
          assert_string_equal (source (r, d)->claim->id, id);
        }
      /* the event row: one source per document, its first claim too */
      r = must_find (rows, "us", "send", "patriot", "event");
      assert_int_equal (r->n_states, 3);
      for (guint d = 0; d < 3; d++)
        {
          g_autofree char *id = g_strdup_printf ("%s#39", doc_at (docs, d)->id);
          assert_string_equal (source (r, d)->claim->id, id);
        }
    }
}

static void set_speaker (XrefClaim *c, const char *speaker);

/* The values of a row are listed in byte order whatever the order of the
 * documents and voices that give them (match ranks a row's distinct values
 * once, then sorts its sources by rank). */
static void
test_values_in_byte_order (void **state)
{
  static const char *const values[] = { "test-m", "test-c", "test-x", "test-c", "test-a", "test-m" };
  g_autoptr (GPtrArray) docs = corpus_new (6, "a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  for (guint d = 0; d < G_N_ELEMENTS (values); d++)
    {
      g_autofree char *slot = g_strconcat ("recipient=", values[d], NULL);
      add_claim (doc_at (docs, d), "us", "send", "patriot", NULL, AFF, slot, NULL);
    }
  /* another speaker in b.txt: a voice, listed among the values */
  set_speaker (add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, "recipient=test-b", NULL), "kirby");
  for (guint n = 1; n <= 3; n++)
    {
      g_clear_pointer (&rows, g_ptr_array_unref);
      rows = xref_match_threads (docs, rules, n);
      check_invariants (docs, rows);
      r = must_find (rows, "us", "send", "patriot", "recipient");
      assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
      assert_non_null (r->voices);
      assert_non_null (strstr (r->note, "test-a (1 source), test-b (1 source), test-c (2 sources), "
                                        "test-m (2 sources), test-x (1 source)"));
    }
}

static void
test_wildcard_actor (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  /* "Patriot systems will be delivered" (no actor) joins the one topic */
  add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, NULL);
  add_claim (doc_at (docs, 1), NULL, "send", "patriot", NULL, AFF, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "send", "patriot", "event");
  assert_int_equal (r->n_states, 2);
  assert_null (source (r, 1)->claim->actor.id);

  /* no object either: still one compatible topic for the action */
  add_claim (doc_at (docs, 1), "russia", "attack", "ukraine", NULL, AFF, NULL);
  add_claim (doc_at (docs, 0), NULL, "attack", NULL, NULL, AFF, NULL);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = xref_match (docs, rules);
  r = must_find (rows, "russia", "attack", "ukraine", "event");
  assert_int_equal (r->n_states, 2);
}

static void
test_wildcard_ambiguous (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (5, "a.txt", "b.txt", "c.txt", "d.txt", "e.txt");
  g_autoptr (GPtrArray) rows = NULL;

  /* two topics could take the actor-less claim: it stays alone */
  add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, NULL);
  add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, NULL);
  add_claim (doc_at (docs, 2), "germany", "send", "patriot", NULL, AFF, NULL);
  add_claim (doc_at (docs, 3), "germany", "send", "patriot", NULL, AFF, NULL);
  add_claim (doc_at (docs, 4), NULL, "send", "patriot", NULL, AFF, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  assert_int_equal (must_find (rows, "us", "send", "patriot", "event")->n_states, 2);
  assert_int_equal (must_find (rows, "germany", "send", "patriot", "event")->n_states, 2);
  assert_int_equal (count_rows (rows, "send", "event"), 2);
}

static void
test_single_document_no_row (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;

  add_claim (doc_at (docs, 0), "us", "send", "patriot", "2022-12-21", AFF, "recipient=ukraine", NULL);
  add_claim (doc_at (docs, 0), "us", "send", "patriot", "2022-12-22", NEG, "recipient=germany", NULL);
  add_claim (doc_at (docs, 1), "russia", "attack", "ukraine", NULL, AFF, NULL);
  rows = xref_match (docs, rules);
  assert_int_equal (rows->len, 0);
}

static void
test_date_identity_splits (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (4, "a.txt", "b.txt", "c.txt", "d.txt");
  g_autoptr (GPtrArray) rows = NULL;
  guint n = 0;

  /* begin lists date as a key slot: events far apart are distinct */
  add_claim (doc_at (docs, 0), "russia", "begin", "np:operation", "2022-02-24", AFF, NULL);
  add_claim (doc_at (docs, 1), "russia", "begin", "np:operation", "2022-02-24", AFF, NULL);
  add_claim (doc_at (docs, 2), "russia", "begin", "np:operation", "2022-09-21", AFF, NULL);
  add_claim (doc_at (docs, 3), "russia", "begin", "np:operation", "2022-09-21", AFF, NULL);
  add_claim (doc_at (docs, 3), "russia", "begin", "np:operation", NULL, AFF, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      const XrefRow *r = g_ptr_array_index (rows, i);
      if (strcmp (r->slot, "date") == 0)
        {
          assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
          assert_int_equal (r->n_states, 2);
          n++;
        }
    }
  assert_int_equal (n, 2);
  assert_int_equal (count_rows (rows, "begin", "event"), 2);
}

/* ---- speakers, status, related actions (issue 7) ------------------------ */

static void
set_speaker (XrefClaim *c, const char *speaker)
{
  c->speaker.id = xref_intern (speaker);
}

static void
test_voices_within_one_article (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "000.txt", "001.txt", "004.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;
  XrefClaim *c;

  /* one article quotes the White House and a newspaper, another a minister */
  c = add_claim (doc_at (docs, 0), NULL, "train", "ukrainian-armed-forces", NULL, AFF, "location=third-country", NULL);
  set_speaker (c, "us-government");
  c = add_claim (doc_at (docs, 0), "pentagon", "train", "ukrainian-armed-forces", NULL, AFF, "location=us", NULL);
  set_speaker (c, "politico");
  add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, NULL);
  /* "their military": a bare noun phrase that names the trainees */
  c = add_claim (doc_at (docs, 2), NULL, "train", "np:military", NULL, AFF, "location=germany,italy,uk", NULL);
  set_speaker (c, "lavrov");
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  r = must_find (rows, "us", "train", "ukraine", "location");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (r->rule, "exclusive-location");
  assert_int_equal (r->n_states, 2);
  assert_false (source (r, 1)->states);
  assert_string_equal (source (r, 0)->value, "third-country");
  assert_string_equal (source (r, 0)->speaker, "us-government");
  assert_string_equal (source (r, 2)->value, "germany,italy,uk");
  assert_string_equal (source (r, 2)->speaker, "lavrov");
  /* the newspaper's value in the same article is a voice of the row */
  assert_non_null (r->voices);
  assert_int_equal (r->voices->len, 1);
  assert_string_equal (g_array_index (r->voices, XrefSource, 0).value, "us");
  assert_string_equal (g_array_index (r->voices, XrefSource, 0).speaker, "politico");
  assert_ptr_equal (g_array_index (r->voices, XrefSource, 0).doc, doc_at (docs, 0));
  assert_null (r->qualifier);
}

static void
test_voice_agreeing_is_not_listed (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  set_speaker (add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, "recipient=ukraine", NULL), "kirby");
  set_speaker (add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, "recipient=ukraine", NULL), "cnn");
  add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, "recipient=ukraine", NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "send", "patriot", "recipient");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_null (r->voices);
}

static void
test_bare_phrase_joins_only_what_it_names (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;

  add_claim (doc_at (docs, 0), "russia", "target", "patriot", NULL, AFF, NULL);
  /* "the infrastructure that is targeted" is no Patriot */
  add_claim (doc_at (docs, 1), NULL, "target", "np:infrastructure", NULL, AFF, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  assert_int_equal (rows->len, 0);
}

/* The answer to "does this bare phrase name that entity" is kept per
 * (phrase, entity) pair: asked again and again by many documents, and
 * about two entities for one phrase, it stays what it is when asked once
 * ("their military" names the armed forces, not a Patriot). */
static void
test_bare_phrase_answers_kept_per_pair (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (8, "0.txt", "1.txt", "2.txt", "3.txt", "4.txt", "5.txt", "6.txt", "7.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  for (guint d = 0; d < 2; d++)
    {
      add_claim (doc_at (docs, d), "pentagon", "train", "ukrainian-armed-forces", NULL, AFF, NULL);
      add_claim (doc_at (docs, d), "russia", "target", "patriot", NULL, AFF, NULL);
    }
  for (guint d = 2; d < 8; d++)
    {
      add_claim (doc_at (docs, d), NULL, "train", "np:military", NULL, AFF, NULL);
      add_claim (doc_at (docs, d), NULL, "target", "np:military", NULL, AFF, NULL);
      add_claim (doc_at (docs, d), NULL, "target", "np:infrastructure", NULL, AFF, NULL);
    }
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "train", "ukraine", "event");
  assert_int_equal (r->n_states, 8);
  r = must_find (rows, "russia", "target", "patriot", "event");
  assert_int_equal (r->n_states, 2);
}

static void
test_related_actions_share_timeline (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "000.txt", "001.txt", "002.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  /* "several months are given for training" / "deployed in a few months":
   * deploy lists train as related, so their timelines are one row */
  add_claim (doc_at (docs, 0), "pentagon", "train", "ukrainian-armed-forces", NULL, AFF, NULL);
  add_claim (doc_at (docs, 0), NULL, "train", NULL, NULL, AFF, "timeline=PXM", NULL);
  add_claim (doc_at (docs, 1), NULL, "deploy", "patriot", NULL, AFF, "timeline=PXM", NULL);
  add_claim (doc_at (docs, 2), "us", "send", "patriot", NULL, AFF, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  r = must_find (rows, "us", "deploy", NULL, "timeline");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:vague");
  assert_non_null (r->actions);
  assert_int_equal (r->actions->len, 2);
  assert_string_equal (g_ptr_array_index (r->actions, 0), "deploy");
  assert_string_equal (g_ptr_array_index (r->actions, 1), "train");
  assert_true (source (r, 0)->states);
  assert_true (source (r, 1)->states);
  assert_false (source (r, 2)->states);
  /* no timeline row of the train topic alone */
  assert_int_equal (count_rows (rows, "train", "timeline"), 0);
}

static void
test_related_timelines_differ (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  add_claim (doc_at (docs, 0), "us", "train", "ukrainian-armed-forces", NULL, AFF, "timeline=PXM", NULL);
  add_claim (doc_at (docs, 1), "us", "deploy", "patriot", NULL, AFF, "timeline=P2W", NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "deploy", NULL, "timeline");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (r->rule, "timeline-mismatch");
}

static void
test_status_superseded (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (3, "000.txt", "001.txt", "002.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;
  XrefClaim *c;

  doc_at (docs, 0)->date = (XrefDate) { 2022, 12, 28 };
  doc_at (docs, 1)->date = (XrefDate) { 2022, 12, 28 };
  doc_at (docs, 2)->date = (XrefDate) { 2022, 12, 20 };
  /* "On December 21, Washington announced its intention to transfer X" */
  c = add_claim (doc_at (docs, 0), "us", "announce", NULL, "2022-12-21", AFF, NULL);
  c->sentence = 3;
  c = add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, NULL);
  c->sentence = 3;
  c->modality = XREF_MODALITY_PLANNED;
  add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, NULL);
  /* "Kirby refused to comment on the possible delivery of X" */
  c = add_claim (doc_at (docs, 2), "us", "send", "patriot", NULL, AFF, NULL);
  c->modality = XREF_MODALITY_REFUSED;
  set_speaker (c, "kirby");
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);

  r = must_find (rows, "us", "send", "patriot", "status");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (r->rule, "antonym-action");
  assert_string_equal (r->qualifier, "superseded");
  assert_string_equal (source (r, 0)->value, "announce");
  assert_string_equal (source (r, 0)->date, "2022-12-21");
  /* the announcing claim is the evidence */
  assert_string_equal (source (r, 0)->claim->id, "000.txt#1");
  assert_false (source (r, 1)->states);
  assert_string_equal (source (r, 2)->value, "refused");
  assert_string_equal (source (r, 2)->date, "2022-12-20");
  assert_non_null (strstr (r->note, "superseded"));
  assert_non_null (strstr (r->note, "2022-12-20"));
  assert_string_equal (r->id, "r1");

  /* refused after the announcement: a plain difference */
  doc_at (docs, 2)->date = (XrefDate) { 2022, 12, 30 };
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = xref_match (docs, rules);
  r = must_find (rows, "us", "send", "patriot", "status");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_null (r->qualifier);
}

/* A note names at most five statements of each side, then "and N more":
 * the CSV repeats a row's note in each of its records. */
static guint
count_in (const char *s, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (s, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_status_note_bounded (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (9, "0.txt", "1.txt", "2.txt", "3.txt", "4.txt", "5.txt", "6.txt", "7.txt",
                                           "8.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;
  const char *stated;
  XrefClaim *c;

  for (guint i = 0; i < 7; i++)
    {
      c = add_claim (doc_at (docs, i), "us", "send", "patriot", NULL, AFF, NULL);
      c->modality = XREF_MODALITY_REFUSED;
      set_speaker (c, "kirby");
    }
  for (guint i = 7; i < 9; i++)
    {
      add_claim (doc_at (docs, i), "us", "announce", NULL, NULL, AFF, NULL)->sentence = 3;
      c = add_claim (doc_at (docs, i), "us", "send", "patriot", NULL, AFF, NULL);
      c->sentence = 3;
      c->modality = XREF_MODALITY_PLANNED;
    }
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "send", "patriot", "status");
  assert_true (g_str_has_prefix (r->note, "not stated: refused (0.txt, kirby, undated), "));
  stated = strstr (r->note, "; stated: ");
  assert_non_null (stated);
  assert_int_equal (count_in (r->note, "refused ("), 5);
  assert_non_null (strstr (r->note, "refused (4.txt, kirby, undated) and 2 more; stated: "));
  assert_null (strstr (r->note, "5.txt"));
  assert_int_equal (count_in (stated, "announce ("), 2);
  assert_null (strstr (stated, " more"));
}

static void
test_status_needs_both_sides (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;

  /* an announcing claim in another sentence does not state the topic */
  add_claim (doc_at (docs, 0), "us", "announce", NULL, NULL, AFF, NULL)->sentence = 1;
  add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, NULL)->sentence = 2;
  add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, NULL)->modality = XREF_MODALITY_UNCONFIRMED;
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  assert_null (find_row (rows, "us", "send", "patriot", "status"));
}

static void
test_same_speaker_different_dates (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  doc_at (docs, 0)->date = (XrefDate) { 2022, 12, 22 };
  doc_at (docs, 1)->date = (XrefDate) { 2022, 12, 28 };
  set_speaker (add_claim (doc_at (docs, 0), "us", "send", "us-military-personnel", NULL, AFF, NULL), "lavrov");
  set_speaker (add_claim (doc_at (docs, 1), "us", "send", "us-military-personnel", NULL, NEG, NULL), "lavrov");
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "send", "us-military-personnel", "polarity");
  assert_int_equal (r->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (r->qualifier, "same-speaker");
  assert_non_null (strstr (r->note, "lavrov"));
  assert_non_null (strstr (r->note, "2022-12-22"));

  /* different speakers: no qualifier */
  set_speaker (g_ptr_array_index (doc_at (docs, 1)->claims, 0), "peskov");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = xref_match (docs, rules);
  r = must_find (rows, "us", "send", "us-military-personnel", "polarity");
  assert_null (r->qualifier);
}

static void
test_polarity_needs_actor (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;

  add_claim (doc_at (docs, 0), NULL, "enter", "ukraine", NULL, AFF, NULL);
  add_claim (doc_at (docs, 1), NULL, "enter", "ukraine", NULL, NEG, NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  assert_int_equal (rows->len, 0);
}

/* Rows of two runs are the same when ids, topics, verdicts, rules, notes and
 * each document's source agree. */
static void
assert_same_rows (GPtrArray *a, GPtrArray *b)
{
  assert_int_equal (a->len, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const XrefRow *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      assert_string_equal (x->id, y->id);
      assert_str_equal_or_null (x->actor, y->actor);
      assert_string_equal (x->action, y->action);
      assert_str_equal_or_null (x->object, y->object);
      assert_string_equal (x->slot, y->slot);
      assert_int_equal (x->verdict, y->verdict);
      assert_string_equal (x->rule, y->rule);
      assert_string_equal (x->note, y->note);
      assert_int_equal (x->n_states, y->n_states);
      for (guint d = 0; d < x->sources->len; d++)
        {
          const XrefSource *s = source (x, d);
          const XrefSource *t = NULL;
          for (guint e = 0; e < y->sources->len && t == NULL; e++)
            if (strcmp (source (y, e)->doc->id, s->doc->id) == 0)
              t = source (y, e);
          assert_non_null (t);
          assert_int_equal (s->states, t->states);
          assert_str_equal_or_null (s->claim != NULL ? s->claim->id : NULL, t->claim != NULL ? t->claim->id : NULL);
          assert_str_equal_or_null (s->value, t->value);
          assert_int_equal (s->start, t->start);
          assert_int_equal (s->end, t->end);
        }
    }
}

static void
fill_mixed (GPtrArray *docs, const char *id)
{
  XrefDocument *doc = NULL;

  for (guint i = 0; i < docs->len; i++)
    if (strcmp (doc_at (docs, i)->id, id) == 0)
      doc = doc_at (docs, i);
  assert_non_null (doc);
  if (strcmp (id, "a.txt") == 0)
    {
      add_claim (doc, "us", "send", "patriot", "2022-12-21", AFF, "recipient=ukraine", NULL);
      add_claim (doc, "us", "train", "ukraine", NULL, AFF, "location=test-third-country", "timeline=PXM", NULL);
      add_claim (doc, "russia", "kill", "np:civilians", NULL, AFF, "quantity=100", NULL);
    }
  else if (strcmp (id, "b.txt") == 0)
    {
      add_claim (doc, "pentagon", "send", "patriot", "2022-12-22", AFF, NULL);
      add_claim (doc, "us", "train", "ukraine", NULL, AFF, "location=us", NULL);
      add_claim (doc, NULL, "kill", "np:civilians", NULL, AFF, "quantity=104", NULL);
      add_claim (doc, "us", "send", "np:personnel", NULL, NEG, NULL);
    }
  else
    {
      add_claim (doc, NULL, "send", "patriot", NULL, NEG, "recipient=germany", NULL);
      add_claim (doc, "us", "train", "ukraine", NULL, AFF, "location=germany", "timeline=P3M", NULL);
      add_claim (doc, "us", "send", "np:personnel", NULL, AFF, NULL);
      add_claim (doc, "russia", "kill", "np:civilians", NULL, AFF, "quantity=250", NULL);
    }
}

static void
test_deterministic_order (void **state)
{
  g_autoptr (GPtrArray) fwd = corpus_new (3, "a.txt", "b.txt", "c.txt");
  g_autoptr (GPtrArray) rev = corpus_new (3, "c.txt", "b.txt", "a.txt");
  g_autoptr (GPtrArray) rows1 = NULL;
  g_autoptr (GPtrArray) rows2 = NULL;
  g_autoptr (GPtrArray) again = NULL;
  static const char *const ids[] = { "a.txt", "b.txt", "c.txt" };

  for (guint i = 0; i < 3; i++)
    {
      fill_mixed (fwd, ids[i]);
      fill_mixed (rev, ids[2 - i]);
    }
  rows1 = xref_match (fwd, rules);
  rows2 = xref_match (rev, rules);
  check_invariants (fwd, rows1);
  check_invariants (rev, rows2);
  assert_true (rows1->len >= 10);
  /* differ rows in this corpus: the recipient, the location (key slots),
   * the date, the numbers, two negation flips */
  assert_int_equal (((const XrefRow *) rows1->pdata[0])->verdict, XREF_VERDICT_DIFFER);
  assert_string_equal (must_find (rows1, "us", "train", "ukraine", "location")->rule, "exclusive-location");
  assert_string_equal (must_find (rows1, "us", "send", "patriot", "recipient")->rule, "exclusive-recipient");
  assert_string_equal (must_find (rows1, "us", "send", "np:personnel", "polarity")->rule, "negation-flip");
  assert_string_equal (must_find (rows1, "russia", "kill", "np:civilians", "quantity")->rule, "number-mismatch");
  assert_same_rows (rows1, rows2);

  /* and the same run twice gives the same rows */
  again = xref_match (fwd, rules);
  assert_same_rows (rows1, again);
}

static void
test_exact_within (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  /* "to Ukraine" and "to the Ukrainian armed forces": one lies within the other */
  add_claim (doc_at (docs, 0), "us", "send", "patriot", NULL, AFF, "recipient=ukraine", NULL);
  add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, "recipient=ukrainian-armed-forces", NULL);
  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  r = must_find (rows, "us", "send", "patriot", "recipient");
  assert_int_equal (r->verdict, XREF_VERDICT_AGREE);
  assert_string_equal (r->rule, "agree:refinement");
}

static void
test_no_rules (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (2, "a.txt", "b.txt");
  g_autoptr (GPtrArray) rows = NULL;
  const XrefRow *r;

  /* without rules nothing rolls up, no slot is known, and a difference
   * names the built-in rule of its row */
  add_claim (doc_at (docs, 0), "pentagon", "send", "patriot", "2022-12-21", AFF, "recipient=ukraine", NULL);
  add_claim (doc_at (docs, 1), "pentagon", "send", "patriot", "2022-12-22", NEG, "recipient=ukraine", NULL);
  add_claim (doc_at (docs, 1), "us", "send", "patriot", NULL, AFF, NULL);
  rows = xref_match (docs, NULL);
  check_invariants (docs, rows);
  assert_int_equal (rows->len, 3);
  r = must_find (rows, "pentagon", "send", "patriot", "polarity");
  assert_string_equal (r->rule, "differ:polarity");
  r = must_find (rows, "pentagon", "send", "patriot", "date");
  assert_string_equal (r->rule, "differ:date");
  assert_null (find_row (rows, "pentagon", "send", "patriot", "recipient"));
}

static void
test_empty_corpus (void **state)
{
  g_autoptr (GPtrArray) docs = corpus_new (0);
  g_autoptr (GPtrArray) rows = xref_match (docs, rules);

  assert_non_null (rows);
  assert_int_equal (rows->len, 0);
}

/* 20,000 claims over 1,000 documents: the rows must be those a naive count
 * of topics per document predicts. */
static void
test_cost (void **state)
{
  static const char *const actions[] = { "send", "train", "attack", "kill" };
  static const char *const actors[] = { "us", "russia", "germany", "uk", "ukraine", "france" };
  static const char *const objects[] = { "patriot", "np:troops", "np:civilians", "np:tanks", "ukraine" };
  static const char *const places[] = { "germany", "uk", "test-third-country", "poland" };
  enum { N_DOCS = 1000, PER_DOC = 20 };
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GHashTable) topics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_hash_table_unref);
  g_autoptr (GRand) rnd = g_rand_new_with_seed (42);
  guint expected = 0, n_claims = 0;
  GHashTableIter iter;
  gpointer value;

  for (guint d = 0; d < N_DOCS; d++)
    {
      g_autofree char *id = g_strdup_printf ("doc%04u.txt", d);
      XrefDocument *doc = xref_document_new (id, id);

      g_ptr_array_set_free_func (doc->claims, (GDestroyNotify) xref_claim_free);
      g_ptr_array_add (docs, doc);
      for (guint k = 0; k < PER_DOC; k++)
        {
          const char *action = actions[g_rand_int_range (rnd, 0, G_N_ELEMENTS (actions))];
          const char *actor = actors[g_rand_int_range (rnd, 0, G_N_ELEMENTS (actors))];
          const char *object = objects[g_rand_int_range (rnd, 0, G_N_ELEMENTS (objects))];
          g_autofree char *place = g_strdup_printf ("location=%s", places[g_rand_int_range (rnd, 0, 4)]);
          g_autofree char *qty = g_strdup_printf ("quantity=%d", g_rand_int_range (rnd, 1, 50));
          g_autofree char *key = g_strdup_printf ("%s|%s|%s", action, actor, object);
          GHashTable *set = g_hash_table_lookup (topics, key);

          add_claim (doc, actor, action, object, NULL, g_rand_int_range (rnd, 0, 10) == 0 ? NEG : AFF, place, qty,
                     NULL);
          n_claims++;
          if (set == NULL)
            {
              set = g_hash_table_new (g_direct_hash, g_direct_equal);
              g_hash_table_insert (topics, g_steal_pointer (&key), set);
            }
          g_hash_table_add (set, doc);
        }
    }
  assert_int_equal (n_claims, 20000);
  g_hash_table_iter_init (&iter, topics);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_hash_table_size (value) >= 2)
      expected++;

  rows = xref_match (docs, rules);
  check_invariants (docs, rows);
  assert_true (expected > 0);
  assert_int_equal (count_rows (rows, NULL, "event"), expected);
  /* every topic has many values for its slots: polarity and location differ */
  assert_int_equal (count_rows (rows, NULL, "polarity"), expected);
  assert_int_equal (((const XrefRow *) rows->pdata[0])->verdict, XREF_VERDICT_DIFFER);
}


/* ---- threads ------------------------------------------------------------ */

/* A corpus like a real one: speech acts, bare phrases and missing actors
 * or objects (wildcards), speakers, complete and partial dates, events
 * dated by identity (begin), related timelines, announcements and refusals
 * (status rows), negations; a fixed seed. */
static GPtrArray *
corpus_like (guint n_docs, guint per_doc, guint32 seed)
{
  static const char *const actions[] = { "send", "train", "attack", "deploy", "begin", "kill", "say" };
  static const char *const actors[] = { "us", "russia", "germany", "pentagon", "ukraine", NULL, "np:the troops" };
  static const char *const objects[] = { "patriot", "np:troops", "np:military", "ukraine", NULL, "us" };
  static const char *const dates[] = { NULL, NULL, "2022-12-21", "2022-12-22", "2023-01-15", "2022-12", "XXXX-12-28" };
  static const char *const speakers[] = { NULL, NULL, "kirby", "lavrov", "politico" };
  static const char *const slots[] = { NULL, "location=germany", "location=poland", "quantity=3", "quantity=5",
                                       "timeline=PXM", "recipient=ukraine" };
  GPtrArray *docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  g_autoptr (GRand) rnd = g_rand_new_with_seed (seed);

#define PICK(a) a[g_rand_int_range (rnd, 0, G_N_ELEMENTS (a))]
  for (guint d = 0; d < n_docs; d++)
    {
      g_autofree char *id = g_strdup_printf ("%03u/doc%05u.txt", d % 7, d);
      XrefDocument *doc = xref_document_new (id, id);

      g_ptr_array_set_free_func (doc->claims, (GDestroyNotify) xref_claim_free);
      g_ptr_array_add (docs, doc);
      doc->date.year = 2022;
      doc->date.month = 12;
      doc->date.day = 1 + d % 28;
      for (guint k = 0; k < per_doc; k++)
        {
          const char *slot = PICK (slots);
          XrefClaim *c = add_claim (doc, PICK (actors), PICK (actions), PICK (objects), PICK (dates),
                                    g_rand_int_range (rnd, 0, 6) == 0 ? NEG : AFF, slot, NULL);

          c->sentence = k / 3;
          if (g_rand_int_range (rnd, 0, 12) == 0)
            c->modality = g_rand_boolean (rnd) ? XREF_MODALITY_REFUSED : XREF_MODALITY_UNCONFIRMED;
          if (g_rand_int_range (rnd, 0, 10) == 0)
            {
              /* an announcement of the next claim, in its sentence */
              XrefClaim *a = add_claim (doc, "us", "announce", NULL, PICK (dates), g_rand_int_range (rnd, 0, 4) == 0 ? NEG : AFF,
                                        NULL);
              a->sentence = c->sentence + 1;
              c = add_claim (doc, "us", "send", "patriot", NULL, AFF, NULL);
              c->sentence = a->sentence;
            }
          if (PICK (speakers) != NULL)
            set_speaker (c, PICK (speakers));
        }
    }
#undef PICK
  return docs;
}

static void
assert_sources_equal (const GArray *x, const GArray *y)
{
  if (x == NULL || y == NULL)
    {
      assert_true (x == y);
      return;
    }
  assert_int_equal (x->len, y->len);
  for (guint i = 0; i < x->len; i++)
    {
      const XrefSource *a = &g_array_index (x, XrefSource, i);
      const XrefSource *b = &g_array_index (y, XrefSource, i);
      assert_ptr_equal (a->doc, b->doc);
      assert_int_equal (a->states, b->states);
      assert_ptr_equal (a->claim, b->claim);
      assert_ptr_equal (a->value, b->value);
      assert_int_equal (a->start, b->start);
      assert_int_equal (a->end, b->end);
      assert_ptr_equal (a->speaker, b->speaker);
      assert_ptr_equal (a->date, b->date);
    }
}

static void
assert_rows_equal (GPtrArray *x, GPtrArray *y)
{
  assert_int_equal (x->len, y->len);
  for (guint i = 0; i < x->len; i++)
    {
      const XrefRow *a = g_ptr_array_index (x, i);
      const XrefRow *b = g_ptr_array_index (y, i);
      assert_string_equal (a->id, b->id);
      assert_ptr_equal (a->actor, b->actor);
      assert_ptr_equal (a->action, b->action);
      assert_ptr_equal (a->object, b->object);
      assert_ptr_equal (a->slot, b->slot);
      assert_int_equal (a->verdict, b->verdict);
      assert_ptr_equal (a->rule, b->rule);
      assert_string_equal (a->note, b->note);
      assert_int_equal (a->n_states, b->n_states);
      assert_ptr_equal (a->qualifier, b->qualifier);
      assert_sources_equal (a->sources, b->sources);
      assert_sources_equal (a->voices, b->voices);
      assert_true ((a->actions == NULL) == (b->actions == NULL));
      for (guint j = 0; a->actions != NULL && j < a->actions->len; j++)
        {
          assert_int_equal (a->actions->len, b->actions->len);
          assert_ptr_equal (g_ptr_array_index (a->actions, j), g_ptr_array_index (b->actions, j));
        }
    }
}

/* The rows do not depend on the number of threads match runs on: a dense
 * corpus (a source per document) and a sparse one, on 1, 2 and 5. */
static void
test_threads_same_rows (void **state)
{
  static const guint sizes[][2] = { { 60, 12 }, { 700, 14 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr (GPtrArray) docs = corpus_like (sizes[s][0], sizes[s][1], 7 + s);
      g_autoptr (GPtrArray) one = xref_match_threads (docs, rules, 1);
      guint n_verdict[3] = { 0 }, n_voices = 0, n_qualified = 0, n_split = 0, n_status = 0, n_shared = 0;

      check_invariants (docs, one);
      for (guint i = 0; i < one->len; i++)
        {
          const XrefRow *r = g_ptr_array_index (one, i);
          n_verdict[r->verdict]++;
          n_voices += r->voices != NULL;
          n_qualified += r->qualifier != NULL;
          n_split += r->note != NULL && strstr (r->note, "(the event of ") != NULL;
          n_status += strcmp (r->slot, "status") == 0;
          n_shared += r->actions != NULL;
        }
      /* the corpus exercises what it should */
      assert_true (n_verdict[XREF_VERDICT_AGREE] > 0);
      assert_true (n_verdict[XREF_VERDICT_DIFFER] > 0);
      assert_true (n_verdict[XREF_VERDICT_OMIT] > 0);
      assert_true (n_voices > 0);
      assert_true (n_qualified > 0);
      assert_true (n_split > 0);
      assert_true (n_status > 0);
      assert_true (n_shared > 0);
      for (guint n = 2; n <= 5; n++)
        {
          g_autoptr (GPtrArray) many = xref_match_threads (docs, rules, n);
          assert_rows_equal (one, many);
        }
      {
        g_autoptr (GPtrArray) dflt = xref_match (docs, rules);
        assert_rows_equal (one, dflt);
      }
    }
}

/* Many topics, each reported by two documents and some by many: every
 * topic finds its claims again through match's key table however large it
 * grows (thousands of keys: it starts at a thousand slots), with its item
 * lists grown past their first room, and the actors' roots and actions
 * looked up through the per-thread memos (more ids than their slots).  A
 * lookup that failed would split a topic, and a topic of one document
 * makes no row. */
static void
test_many_topics (void **state)
{
  const guint n_docs = 6, n_topics = 3000;
  g_autoptr (GPtrArray) docs = corpus_new (6, "a", "b", "c", "d", "e", "f");
  g_autoptr (GPtrArray) rows = NULL;
  guint n_event = 0;

  for (guint t = 0; t < n_topics; t++)
    {
      g_autofree char *actor = g_strdup_printf ("test-actor-%u", t);
      g_autofree char *object = g_strdup_printf ("test-object-%u", t % 97);
      /* topic t is in documents t % n_docs and (t + 1) % n_docs, every
       * tenth in all of them, several times */
      for (guint d = 0; d < n_docs; d++)
        if (d == t % n_docs || d == (t + 1) % n_docs || t % 10 == 0)
          for (guint k = 0; k < (t % 10 == 0 ? 3u : 1u); k++)
            add_claim (doc_at (docs, d), actor, "deploy", object, NULL, AFF, NULL);
    }
  for (guint n = 1; n <= 2; n++)
    {
      g_clear_pointer (&rows, g_ptr_array_unref);
      rows = xref_match_threads (docs, rules, n);
      n_event = 0;
      for (guint i = 0; i < rows->len; i++)
        {
          const XrefRow *r = g_ptr_array_index (rows, i);
          if (strcmp (r->slot, "event") == 0)
            {
              guint t = (guint) strtoul (r->actor + strlen ("test-actor-"), NULL, 10);
              n_event++;
              assert_string_equal (r->action, "deploy");
              assert_int_equal (r->n_states, t % 10 == 0 ? n_docs : 2);
            }
        }
      assert_int_equal (n_event, n_topics);
    }
}

/* Bare noun phrases are matched against entity names with the reference
 * tokenizer (names_entity: no per-thread form cache in match's threads),
 * the rule loader tokenizes the names with xref_tokenize: both must split
 * the phrases np_names builds ("Polish armed " + head) alike. */
static void
test_np_phrase_tokens (void **state)
{
  static const char *const heads[] = { "military", "forces", "officials", "U.S.", "anti-aircraft", "Kyiv’s",
                                       "O'Brien", "“army”", "2,000", "état-major", "a.m." };
  g_autoptr (GArray) fast = g_array_new (FALSE, FALSE, sizeof (XrefToken));
  g_autoptr (GArray) ref = g_array_new (FALSE, FALSE, sizeof (XrefToken));
  g_autoptr (GString) phrase = g_string_new (NULL);
  GHashTableIter iter;
  gpointer v;
  guint n = 0;

  g_hash_table_iter_init (&iter, rules->entities);
  while (g_hash_table_iter_next (&iter, NULL, &v))
    {
      const XrefEntity *e = v;

      if (e->name == NULL || !g_utf8_validate (e->name, -1, NULL))
        continue;
      for (guint h = 0; h < G_N_ELEMENTS (heads); h++)
        for (const char *sp = e->name;; sp = strchr (sp + 1, ' '))
          {
            /* the head alone, then each first words of the name + head */
            g_string_truncate (phrase, 0);
            if (sp != e->name)
              g_string_append_len (phrase, e->name, sp - e->name + 1);
            g_string_append (phrase, heads[h]);
            g_array_set_size (fast, 0);
            g_array_set_size (ref, 0);
            xref_tokenize (phrase->str, 0, phrase->len, fast);
            xref_tokenize_reference (phrase->str, 0, phrase->len, ref);
            assert_int_equal (fast->len, ref->len);
            for (guint k = 0; k < fast->len; k++)
              {
                const XrefToken *a = &g_array_index (fast, XrefToken, k);
                const XrefToken *b = &g_array_index (ref, XrefToken, k);
                assert_true (a->start == b->start && a->end == b->end && a->kind == b->kind);
                assert_true (a->form == b->form && a->norm == b->norm && a->flags == b->flags);
              }
            n++;
            if (sp == NULL || strchr (sp + 1, ' ') == NULL)
              break;
          }
    }
  assert_true (n > 100);
  (void) state;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_verdict_names),
    cmocka_unit_test (test_slots_absent),
    cmocka_unit_test (test_date_agree),
    cmocka_unit_test (test_date_partial_refines),
    cmocka_unit_test (test_date_differ),
    cmocka_unit_test (test_negation_flip),
    cmocka_unit_test (test_both_negated_agree),
    cmocka_unit_test (test_set_refinement),
    cmocka_unit_test (test_set_members),
    cmocka_unit_test (test_numeric),
    cmocka_unit_test (test_key_slot_omission),
    cmocka_unit_test (test_event_omit),
    cmocka_unit_test (test_several_values_noted),
    cmocka_unit_test (test_first_in_text_order),
    cmocka_unit_test (test_voices_within_one_article),
    cmocka_unit_test (test_voice_agreeing_is_not_listed),
    cmocka_unit_test (test_bare_phrase_joins_only_what_it_names),
    cmocka_unit_test (test_bare_phrase_answers_kept_per_pair),
    cmocka_unit_test (test_related_actions_share_timeline),
    cmocka_unit_test (test_related_timelines_differ),
    cmocka_unit_test (test_status_superseded),
    cmocka_unit_test (test_status_needs_both_sides),
    cmocka_unit_test (test_status_note_bounded),
    cmocka_unit_test (test_same_speaker_different_dates),
    cmocka_unit_test (test_polarity_needs_actor),
    cmocka_unit_test (test_values_in_byte_order),
    cmocka_unit_test (test_wildcard_actor),
    cmocka_unit_test (test_wildcard_ambiguous),
    cmocka_unit_test (test_single_document_no_row),
    cmocka_unit_test (test_date_identity_splits),
    cmocka_unit_test (test_deterministic_order),
    cmocka_unit_test (test_exact_within),
    cmocka_unit_test (test_no_rules),
    cmocka_unit_test (test_empty_corpus),
    cmocka_unit_test (test_cost),
    cmocka_unit_test (test_threads_same_rows),
    cmocka_unit_test (test_many_topics),
    cmocka_unit_test (test_np_phrase_tokens),
  };

  return cmocka_run_group_tests (tests, setup_rules, teardown_rules);
}
