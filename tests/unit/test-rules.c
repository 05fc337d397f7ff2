/* Unit tests of the rule loader: the default rules, overriding and merging
 * across folders, the phrase tables, morphology, regexes and every bad
 * rule file of tests/bad-rules/. */
#include "test-util.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "xref/rules.h"
#include "../../src/rules/rules-private.h"

/* ---- helpers ----------------------------------------------------------- */

static XrefRules *
load_dirs (const char *const *dirs, guint n)
{
  g_autoptr (GError) error = NULL;
  XrefRules *r = xref_rules_load (dirs, n, &error);

  assert_no_error (error);
  assert_non_null (r);
  return r;
}

static XrefRules *
load_default (void)
{
  g_autofree char *dir = xref_rules_default_dir ();
  const char *dirs[] = { dir };

  assert_non_null (dir);
  return load_dirs (dirs, 1);
}

static XrefRules *
load_yaml (const char *yaml)
{
  g_autoptr (GError) error = NULL;
  XrefRules *r = xref_rules_load_string ("test.yaml", yaml, strlen (yaml), &error);

  assert_no_error (error);
  assert_non_null (r);
  return r;
}

/* The error message of loading yaml, which must fail. */
static char *
load_yaml_error (const char *yaml, gsize len)
{
  g_autoptr (GError) error = NULL;
  XrefRules *r = xref_rules_load_string ("test.yaml", yaml, len, &error);

  assert_null (r);
  assert_non_null (error);
  assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_RULES));
  return g_strdup (error->message);
}

/* Matches text (tokenized) against table at token `at`; returns the
 * number of tokens matched and sets *value. */
static guint
match_at (const XrefPhraseTable *table, const char *text, guint at, gconstpointer *value)
{
  g_autoptr (GArray) toks = g_array_new (FALSE, FALSE, sizeof (XrefToken));

  xref_tokenize (text, 0, strlen (text), toks);
  return xref_phrase_table_match (table, (const XrefToken *) toks->data, toks->len, at, value);
}

static const XrefEntityMatch *
entity_match (const XrefRules *r, const char *text, guint expect_len)
{
  gconstpointer v = NULL;
  guint n = match_at (r->entity_phrases, text, 0, &v);
  if (n != expect_len)
    fail_msg ("'%s': matched %u tokens, expected %u", text, n, expect_len);
  return v;
}

static const XrefActionMatch *
action_match (const XrefPhraseTable *t, const char *text, guint expect_len)
{
  gconstpointer v = NULL;
  guint n = match_at (t, text, 0, &v);
  if (n != expect_len)
    fail_msg ("'%s': matched %u tokens, expected %u", text, n, expect_len);
  return v;
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  assert_no_error (error);
}

static void
remove_tree (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

/* ---- the default rules ------------------------------------------------- */

static void
test_default_entities (void **state)
{
  g_autoptr (XrefRules) r = load_default ();
  const XrefEntityMatch *m;

  m = entity_match (r, "Washington said", 1);
  assert_string_equal (m->entity->id, "us");
  assert_int_equal (m->kind, XREF_MENTION_ALIAS);
  assert_string_equal (m->rule, "entity:us");

  /* Upper-case phrase words match the form exactly: "US", never "us". */
  assert_non_null (entity_match (r, "US troops", 1));
  entity_match (r, "us", 0);
  m = entity_match (r, "U.S. administration", 2);
  assert_string_equal (m->entity->id, "us");

  /* Longest phrase first; roles and demonyms. */
  m = entity_match (r, "Russian Foreign Minister Sergei Lavrov", 3);
  assert_string_equal (m->entity->id, "lavrov");
  assert_int_equal (m->kind, XREF_MENTION_ROLE);
  m = entity_match (r, "Russian troops", 1);
  assert_string_equal (m->entity->id, "russia");
  assert_int_equal (m->kind, XREF_MENTION_DEMONYM);
  m = entity_match (r, "Americans", 1);
  assert_int_equal (m->kind, XREF_MENTION_DEMONYM);

  /* The curly and the straight apostrophe are one. */
  m = entity_match (r, "Russia’s armed forces", 4);
  assert_string_equal (m->entity->id, "russian-armed-forces");
  m = entity_match (r, "Russia's armed forces", 4);
  assert_string_equal (m->entity->id, "russian-armed-forces");

  /* Entity records. */
  const XrefEntity *e = xref_rules_entity (r, "lavrov");
  assert_non_null (e);
  assert_string_equal (e->type, "person");
  assert_string_equal (e->gender, "male");
  assert_string_equal (e->name, "Sergei Lavrov");
  assert_int_equal (e->part_of->len, 1);
  assert_string_equal (g_ptr_array_index (e->part_of, 0), "russia");
  assert_non_null (e->is_a);
  assert_non_null (e->origin.file);
  assert_true (g_str_has_suffix (e->origin.file, "entities.yaml"));
  assert_true (e->origin.line > 1);
  assert_null (xref_rules_entity (r, "nobody"));

  /* part_of is transitive: pentagon → us-government → us. */
  assert_true (xref_rules_entity_within (r, "pentagon", "us"));
  assert_true (xref_rules_entity_within (r, "pentagon", "us-government"));
  assert_true (xref_rules_entity_within (r, "us", "us"));
  assert_false (xref_rules_entity_within (r, "us", "pentagon"));
  assert_false (xref_rules_entity_within (r, "pentagon", "russia"));
}

static void
test_default_actions (void **state)
{
  g_autoptr (XrefRules) r = load_default ();
  const XrefActionMatch *m;

  m = action_match (r->action_phrases, "sent", 1);
  assert_string_equal (m->action->id, "send");
  assert_int_equal (m->form, XREF_FORM_PAST);
  assert_string_equal (m->lemma, "send");
  assert_string_equal (m->rule, "action:send");

  m = action_match (r->action_phrases, "handed over the systems", 2);
  assert_string_equal (m->action->id, "send");
  assert_string_equal (m->lemma, "hand over");
  assert_int_equal (m->form, XREF_FORM_PAST);
  m = action_match (r->action_phrases, "handing over", 2);
  assert_int_equal (m->form, XREF_FORM_GERUND);

  /* A noun of train and a form of train: the verb reading is kept. */
  m = action_match (r->action_phrases, "training", 1);
  assert_string_equal (m->action->id, "train");
  assert_int_equal (m->form, XREF_FORM_GERUND);
  m = action_match (r->action_phrases, "delivery", 1);
  assert_string_equal (m->action->id, "send");
  assert_int_equal (m->form, XREF_FORM_NOUN);
  m = action_match (r->action_phrases, "shipped", 1);
  assert_int_equal (m->form, XREF_FORM_PAST);
  m = action_match (r->action_phrases, "supplies", 1);
  assert_int_equal (m->form, XREF_FORM_PRESENT);
  m = action_match (r->action_phrases, "transferred", 1);
  assert_string_equal (m->action->id, "send");
  /* Action records. */
  const XrefAction *a = xref_rules_action (r, "send");
  assert_non_null (a);
  assert_true (g_ptr_array_find_with_equal_func (a->key_slots, "recipient", g_str_equal, NULL));
  assert_true (g_ptr_array_find_with_equal_func (a->slots, "location", g_str_equal, NULL));
  a = xref_rules_action (r, "announce");
  assert_int_equal (a->antonyms->len, 1);
  assert_string_equal (g_ptr_array_index (a->antonyms, 0), "refuse-comment");
}

static void
test_default_speech_modal (void **state)
{
  g_autoptr (XrefRules) r = load_default ();
  const XrefActionMatch *m;
  const XrefModalMatch *mm;
  gconstpointer v;

  m = action_match (r->speech_phrases, "said", 1);
  assert_null (m->action);
  assert_string_equal (m->lemma, "say");
  assert_string_equal (m->rule, "speech:say");
  assert_false (m->attribution);
  m = action_match (r->speech_phrases, "pointed out", 2);
  assert_string_equal (m->lemma, "point out");
  assert_false (m->attribution);
  m = action_match (r->speech_phrases, "according to her", 2);
  assert_null (m->action);
  assert_true (m->attribution);
  assert_string_equal (m->rule, "speech:according to");

  assert_int_equal (match_at (r->modal_phrases, "plans to send", 0, &v), 2);
  mm = v;
  assert_int_equal (mm->modality, XREF_MODALITY_PLANNED);
  assert_false (mm->negates);
  assert_string_equal (mm->rule, "modal:planned");
  assert_int_equal (match_at (r->modal_phrases, "refused to comment", 0, &v), 3);
  assert_int_equal (((const XrefModalMatch *) v)->modality, XREF_MODALITY_REFUSED);
  assert_int_equal (match_at (r->modal_phrases, "refused to send", 0, &v), 2);
  mm = v;
  assert_int_equal (mm->modality, XREF_MODALITY_ASSERTED);
  assert_true (mm->negates);
  assert_string_equal (mm->rule, "modal:negating");
  /* A clitic phrase ("'ll") matches the clitic token of "we’ll". */
  assert_int_equal (match_at (r->modal_phrases, "we’ll send", 1, &v), 1);
  assert_int_equal (((const XrefModalMatch *) v)->modality, XREF_MODALITY_PLANNED);
}

static void
test_default_lists (void **state)
{
  g_autoptr (XrefRules) r = load_default ();
  const gdouble *half;

  assert_true (g_hash_table_contains (r->abbreviations, "Feb."));
  assert_true (g_hash_table_contains (r->abbreviations, "feb."));
  assert_true (g_hash_table_contains (r->abbreviations, "U.S."));
  assert_false (g_hash_table_contains (r->abbreviations, "Feb"));

  assert_int_equal (GPOINTER_TO_INT (g_hash_table_lookup (r->months, "december")), 12);
  assert_int_equal (GPOINTER_TO_INT (g_hash_table_lookup (r->months, "feb.")), 2);
  assert_int_equal (GPOINTER_TO_INT (g_hash_table_lookup (r->months, "feb")), 2);
  assert_int_equal (GPOINTER_TO_INT (g_hash_table_lookup (r->weekdays, "wednesday")), 3);
  assert_int_equal (GPOINTER_TO_INT (g_hash_table_lookup (r->weekdays, "sun.")), 7);
  half = g_hash_table_lookup (r->numbers, "half");
  assert_non_null (half);
  assert_true (*half == 0.5);
  assert_true (*(const gdouble *) g_hash_table_lookup (r->numbers, "dozen") == 12);
  assert_string_equal (g_hash_table_lookup (r->units, "months"), "M");
  assert_true (g_hash_table_contains (r->vague_quantities, "a few"));
  assert_string_equal (g_hash_table_lookup (r->seasons, "fall"), "FA");

  assert_int_equal (xref_rules_word_class (r, "the"), XREF_WC_DETERMINER);
  assert_int_equal (xref_rules_word_class (r, "its"), XREF_WC_DETERMINER | XREF_WC_PRONOUN_NEUTER);
  assert_int_equal (xref_rules_word_class (r, "him"), XREF_WC_PRONOUN_MALE);
  assert_int_equal (xref_rules_word_class (r, "n't"), XREF_WC_NEGATION);
  assert_int_equal (xref_rules_word_class (r, "'s"), XREF_WC_AUXILIARY);
  assert_true (xref_rules_word_class (r, "that") & XREF_WC_CONJUNCTION);
  assert_int_equal (xref_rules_word_class (r, "patriot"), 0);
}

static void
test_default_slots_text (void **state)
{
  g_autoptr (XrefRules) r = load_default ();
  g_autoptr (GError) error = NULL;
  const XrefBoilerplate *search = NULL;
  const XrefSlotDef *s;
  XrefSpan m, v;

  for (guint i = 0; i < r->boilerplate->len; i++)
    {
      const XrefBoilerplate *b = g_ptr_array_index (r->boilerplate, i);
      if (strcmp (b->id, "search-box") == 0)
        search = b;
    }
  assert_non_null (search);
  assert_false (search->cut_rest);
  assert_true (xref_regex_match (search->line, "Search", 6, 0, &m, &v, &error));
  assert_no_error (error);
  assert_int_equal (m.start, 0);
  assert_int_equal (m.end, 6);
  assert_false (xref_regex_match (search->line, "Research the box", 16, 0, &m, &v, &error));
  assert_no_error (error);

  s = xref_rules_slot (r, "location");
  assert_non_null (s);
  assert_int_equal (s->compare, XREF_COMPARE_SET);
  assert_int_equal (s->patterns->len, 3);
  /* The "value" group is the value; offsets are relative to the subject. */
  const char *text = "training on the territories of Britain, Germany and Italy";
  assert_true (xref_regex_match (g_ptr_array_index (s->patterns, 0), text, strlen (text), 0, &m, &v, &error));
  assert_int_equal (v.start, strlen ("training on the territories of "));
  assert_int_equal (v.end, strlen (text));
  assert_int_equal (m.start, strlen ("training "));

  s = xref_rules_slot (r, "timeline");
  assert_true (s->from_timex);
  assert_int_equal (s->timex_types, 1u << XREF_TIMEX_DURATION);
  assert_int_equal (s->compare, XREF_COMPARE_VAGUE);
  s = xref_rules_slot (r, "quantity");
  assert_true (s->tolerance > 0.04 && s->tolerance < 0.06);

  const XrefContradiction *c = g_ptr_array_index (r->contradictions, 0);
  assert_string_equal (c->id, "negation-flip");
  assert_int_equal (c->kind, XREF_CONTRA_POLARITY);
  assert_null (c->slot);
  for (guint i = 0; i < r->contradictions->len; i++)
    if (strcmp (((XrefContradiction *) g_ptr_array_index (r->contradictions, i))->id, "number-mismatch") == 0)
      c = g_ptr_array_index (r->contradictions, i);
  assert_string_equal (c->id, "number-mismatch");
  assert_int_equal (c->kind, XREF_CONTRA_NUMERIC);
  assert_string_equal (c->slot, "quantity");

  const XrefOutlet *o = g_ptr_array_index (r->outlets, 0);
  assert_string_equal (o->id, "tass");
  assert_string_equal (o->name, "TASS");
  assert_string_equal (g_ptr_array_index (o->patterns, 0), "/TASS/");
}

/* The default rules, then the seed corpus's story rules on top. */
static void
test_story_rules (void **state)
{
  g_autofree char *def = xref_rules_default_dir ();
  g_autofree char *story = test_path ("corpus/.xref/rules");
  const char *dirs[] = { def, story };
  g_autoptr (XrefRules) r = load_dirs (dirs, 2);
  const XrefEntityMatch *m;

  m = entity_match (r, "Patriot air defense systems", 4);
  assert_string_equal (m->entity->id, "patriot");
  m = entity_match (r, "a third country", 3);
  assert_string_equal (m->entity->id, "third-country");
  assert_int_equal (m->entity->other_than->len, 2);
  assert_true (xref_rules_entity_within (r, "burns", "us"));
  assert_int_equal (r->dirs->len, 2);
  assert_true (r->files->len >= 8);
}

/* ---- folders: override and merge --------------------------------------- */

static void
test_override_and_merge (void **state)
{
  g_autofree char *a = g_dir_make_tmp ("xref-rules-a-XXXXXX", NULL);
  g_autofree char *b = g_dir_make_tmp ("xref-rules-b-XXXXXX", NULL);
  const char *dirs[] = { a, b };

  write_file (a, "one.yaml",
              "entities:\n"
              "  - {id: us, type: country, aliases: [US]}\n"
              "  - {id: uk, type: country, aliases: [Britain]}\n"
              "contradictions:\n"
              "  - {id: first, kind: polarity}\n"
              "  - {id: second, kind: date, slot: date}\n"
              "slots:\n"
              "  - {id: date, compare: date}\n"
              "abbreviations: [Mr.]\n"
              "lexicon:\n"
              "  determiners: [the]\n"
              "  irregular_verbs: {send: [sent, sent]}\n"
              "  modality: {possible: [may]}\n"
              "temporal:\n"
              "  months: {12: [December]}\n");
  /* Sorted by name: two.yaml is read after one.yaml. */
  write_file (a, "two.yaml", "actions:\n  - {id: send, verbs: [send]}\n");
  write_file (a, "notes.txt", "not: [a, rule, file\n");
  write_file (b, "more.yaml",
              "entities:\n"
              "  - {id: us, type: country, aliases: [America]}\n"
              "contradictions:\n"
              "  - {id: first, kind: antonym}\n"
              "abbreviations: [Dr.]\n"
              "lexicon:\n"
              "  determiners: [a]\n"
              "  modality: {conditional: [may]}\n"
              "temporal:\n"
              "  months: {1: [January]}\n");

  g_autoptr (XrefRules) r = load_dirs (dirs, 2);
  const XrefEntityMatch *m;
  gconstpointer v;

  /* Replaced by id: the earlier "us" and its aliases are gone. */
  m = entity_match (r, "America", 1);
  assert_string_equal (m->entity->id, "us");
  entity_match (r, "US", 0);
  assert_true (g_str_has_suffix (m->entity->origin.file, "more.yaml"));
  m = entity_match (r, "Britain", 1);
  assert_string_equal (m->entity->id, "uk");

  /* Ordered lists keep the place of the replaced entry. */
  assert_int_equal (r->contradictions->len, 2);
  assert_string_equal (((XrefContradiction *) g_ptr_array_index (r->contradictions, 0))->id, "first");
  assert_int_equal (((XrefContradiction *) g_ptr_array_index (r->contradictions, 0))->kind, XREF_CONTRA_ANTONYM);
  assert_string_equal (((XrefContradiction *) g_ptr_array_index (r->contradictions, 1))->id, "second");

  /* List-like knowledge is merged. */
  assert_true (g_hash_table_contains (r->abbreviations, "Mr."));
  assert_true (g_hash_table_contains (r->abbreviations, "dr."));
  assert_int_equal (xref_rules_word_class (r, "the"), XREF_WC_DETERMINER);
  assert_int_equal (xref_rules_word_class (r, "a"), XREF_WC_DETERMINER);
  assert_int_equal (GPOINTER_TO_INT (g_hash_table_lookup (r->months, "december")), 12);
  assert_int_equal (GPOINTER_TO_INT (g_hash_table_lookup (r->months, "january")), 1);
  /* The later listing of a modal phrase wins. */
  assert_int_equal (match_at (r->modal_phrases, "may", 0, &v), 1);
  assert_int_equal (((const XrefModalMatch *) v)->modality, XREF_MODALITY_CONDITIONAL);
  /* Irregular forms from one file serve verbs of another. */
  assert_non_null (action_match (r->action_phrases, "sent", 1));
  assert_int_equal (r->files->len, 3);
  assert_true (g_str_has_suffix (g_ptr_array_index (r->files, 0), "one.yaml"));
  assert_true (g_str_has_suffix (g_ptr_array_index (r->files, 1), "two.yaml"));

  remove_tree (a);
  remove_tree (b);
}

static void
test_duplicate_across_files (void **state)
{
  g_autofree char *a = g_dir_make_tmp ("xref-rules-dup-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (a, "no-such-folder", NULL);
  const char *dirs[] = { a, missing };
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;

  write_file (a, "a.yaml", "entities:\n  - {id: us, type: country}\n");
  write_file (a, "b.yaml", "entities:\n  - {id: us, type: country}\nslots:\n  - {id: x, compare: fuzzy}\n");

  XrefRules *r = xref_rules_load (dirs, 2, &error);
  assert_null (r);
  assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_RULES));
  /* Every error, sorted by file (in load order), line and column. */
  expected = g_strdup_printf ("%s/b.yaml:2:5: duplicate entity id 'us' (first defined at %s/a.yaml:2:5)\n"
                              "%s/b.yaml:4:22: invalid compare 'fuzzy' (expected one of: exact, set, numeric, date, "
                              "vague)\n"
                              "%s: rules folder does not exist",
                              a, a, a, missing);
  assert_string_equal (error->message, expected);
  remove_tree (a);
}

static void
test_empty (void **state)
{
  g_autofree char *a = g_dir_make_tmp ("xref-rules-empty-XXXXXX", NULL);
  const char *dirs[] = { a };
  g_autoptr (XrefRules) r = load_dirs (dirs, 1);
  g_autoptr (XrefRules) s = load_yaml ("# nothing but a comment\n");
  g_autoptr (XrefRules) none = load_dirs (NULL, 0);
  gconstpointer v;

  assert_int_equal (g_hash_table_size (r->entities), 0);
  assert_int_equal (xref_phrase_table_size (r->entity_phrases), 0);
  assert_int_equal (match_at (r->action_phrases, "sent", 0, &v), 0);
  assert_null (v);
  assert_int_equal (xref_phrase_table_size (s->modal_phrases), 0);
  assert_int_equal (none->contradictions->len, 0);
  remove_tree (a);

  /* An empty buffer may come as NULL (libyaml asserts on NULL input). */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (XrefRules) nul = xref_rules_load_string ("empty.yaml", NULL, 0, &error);
    assert_no_error (error);
    assert_non_null (nul);
    assert_int_equal (g_hash_table_size (nul->entities), 0);
  }
}

/* ---- phrase tables ----------------------------------------------------- */

static void
test_wildcard (void **state)
{
  g_autoptr (XrefRules) r = load_yaml ("lexicon:\n"
                                       "  determiners: [the, its, their]\n"
                                       "  pronouns: {plural: [them], neuter: [it, its]}\n"
                                       "  stopwords: [many]\n"
                                       "  irregular_verbs: {send: [sent, sent]}\n"
                                       "slots:\n"
                                       "  - {id: location}\n"
                                       "actions:\n"
                                       "  - id: deploy\n"
                                       "    verbs: [send * troops into, deploy]\n"
                                       "    slots: [location]\n");
  const XrefActionMatch *m;

  m = action_match (r->action_phrases, "sending its troops into Ukraine", 4);
  assert_string_equal (m->action->id, "deploy");
  assert_int_equal (m->form, XREF_FORM_GERUND);
  assert_string_equal (m->lemma, "send * troops into");
  action_match (r->action_phrases, "sent their troops into", 4);
  action_match (r->action_phrases, "sends them troops into", 4);
  /* Exactly one determiner or pronoun: not none, not another word. */
  action_match (r->action_phrases, "sending troops into", 0);
  action_match (r->action_phrases, "sending many troops into", 0);
  action_match (r->action_phrases, "sending the the troops into", 0);
  /* Quotes stay transparent around the wildcard. */
  action_match (r->action_phrases, "send “its” troops into", 6);
}

static void
test_phrase_rules (void **state)
{
  g_autoptr (XrefRules) r = load_yaml ("entities:\n"
                                       "  - id: a\n"
                                       "    type: other\n"
                                       "    aliases: [Kremlin, the Kremlin, O’Brien]\n"
                                       "  - id: b\n"
                                       "    type: other\n"
                                       "    roles: [Kremlin]\n"
                                       "    aliases: [kremlin walls]\n"
                                       "actions:\n"
                                       "  - {id: x, verbs: [found], nouns: [training]}\n"
                                       "  - {id: y, verbs: [find, train]}\n"
                                       "lexicon:\n"
                                       "  irregular_verbs: {find: [found, found]}\n");
  const XrefEntityMatch *m;
  const XrefActionMatch *am;

  /* The same phrase in two entities: an alias beats a role. */
  m = entity_match (r, "Kremlin", 1);
  assert_string_equal (m->entity->id, "a");
  m = entity_match (r, "the Kremlin said", 2);
  assert_string_equal (m->entity->id, "a");
  m = entity_match (r, "Kremlin walls", 2);
  assert_string_equal (m->entity->id, "b");
  entity_match (r, "kremlin", 0);
  m = entity_match (r, "O'Brien", 1);
  assert_string_equal (m->entity->id, "a");

  /* Across actions a base form beats a past form and a verb beats a noun. */
  am = action_match (r->action_phrases, "found", 1);
  assert_string_equal (am->action->id, "x");
  assert_int_equal (am->form, XREF_FORM_BASE);
  am = action_match (r->action_phrases, "training", 1);
  assert_string_equal (am->action->id, "y");
  assert_int_equal (am->form, XREF_FORM_GERUND);
  /* "Kremlin" the role was the same phrase as "Kremlin" the alias. */
  assert_int_equal (xref_phrase_table_size (r->entity_phrases), 4);
}

/* The word index (xref_rules_word_bits) answers what the rule tables say,
 * for every key; xref_rules_word_class gives the same bits for an
 * interned word and for a copy of it. */
static void
test_word_index (void **state)
{
  g_autoptr (XrefRules) r = load_default ();
  const XrefPhraseTable *tables[] = { r->entity_phrases, r->action_phrases, r->speech_phrases, r->modal_phrases };
  const guint heads[] = { XREF_WB_ENTITY_HEAD, XREF_WB_ACTION_HEAD, XREF_WB_SPEECH_HEAD, XREF_WB_MODAL_HEAD };
  const char *text = "The U.S. military said on Tuesday that it will send “its” Patriot batteries to Poland, "
                     "according to officials who plan to deliver several thousand more rounds.";
  g_autoptr (GArray) toks = g_array_new (FALSE, FALSE, sizeof (XrefToken));
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, r->word_classes);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      g_autofree char *copy = g_strdup (k);
      assert_int_equal (xref_rules_word_bits (r, k) & XREF_WB_CLASSES, GPOINTER_TO_UINT (v));
      assert_int_equal (xref_rules_word_class (r, k), GPOINTER_TO_UINT (v));
      assert_int_equal (xref_rules_word_class (r, copy), GPOINTER_TO_UINT (v));
    }
  g_hash_table_iter_init (&it, r->numbers);
  while (g_hash_table_iter_next (&it, &k, NULL))
    assert_true (xref_rules_word_bits (r, k) & XREF_WB_NUMBER);
  g_hash_table_iter_init (&it, r->vague_quantities);
  while (g_hash_table_iter_next (&it, &k, NULL))
    assert_true (xref_rules_word_bits (r, k) & XREF_WB_VAGUE);
  assert_int_equal (xref_rules_word_bits (r, xref_intern ("patriot")) & XREF_WB_CLASSES, 0);
  assert_false (xref_rules_word_bits (r, xref_intern ("patriot")) & (XREF_WB_NUMBER | XREF_WB_VAGUE));
  assert_int_equal (xref_rules_word_class (r, xref_intern ("patriot")), 0);
  assert_true (xref_rules_word_bits (r, xref_intern ("three")) & XREF_WB_NUMBER);
  assert_true (xref_rules_word_bits (r, xref_intern ("several")) & XREF_WB_VAGUE);
  /* a word that is not the interned copy is not found by its pointer */
  {
    char the[] = "the";
    assert_int_equal (xref_rules_word_bits (r, the), 0);
    assert_int_equal (xref_rules_word_class (r, the), XREF_WC_DETERMINER);
  }
  assert_int_equal (xref_rules_word_bits (NULL, "the"), 0);
  assert_int_equal (xref_rules_word_bits (r, NULL), 0);

  /* every first word has its table's bit, and a token without it starts
   * no phrase of the table */
  xref_tokenize (text, 0, strlen (text), toks);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr (GPtrArray) h = g_ptr_array_new ();
      guint starts = 0;

      xref_phrase_table_heads (tables[t], h);
      assert_true (h->len >= xref_phrase_table_size (tables[t]));
      for (guint i = 0; i < h->len; i++)
        assert_true (xref_rules_word_bits (r, g_ptr_array_index (h, i)) & heads[t]);
      for (guint i = 0; i < toks->len; i++)
        {
          gconstpointer val = NULL;
          guint n = xref_phrase_table_match (tables[t], (const XrefToken *) toks->data, toks->len, i, &val);
          if (!(xref_rules_word_bits (r, g_array_index (toks, XrefToken, i).norm) & heads[t]))
            assert_int_equal (n, 0);
          starts += n > 0;
        }
      assert_true (starts > 0);
    }
}

/* The first word's bucket and the pair filter: a longer phrase is tried
 * only when its second word follows (quotation marks between are
 * transparent, "*" is any determiner or pronoun), else the one-word
 * phrases of the bucket answer. */
static void
test_phrase_pairs (void **state)
{
  g_autoptr (XrefRules) r = load_yaml ("lexicon:\n"
                                       "  determiners: [the, its]\n"
                                       "entities:\n"
                                       "  - id: a\n"
                                       "    type: other\n"
                                       "    aliases: [Army, army of the north]\n"
                                       "  - id: b\n"
                                       "    type: other\n"
                                       "    aliases: [army]\n"
                                       "    roles: [army chief]\n"
                                       "actions:\n"
                                       "  - {id: x, verbs: [send * troops, send]}\n");
  const XrefEntityMatch *m;
  const XrefActionMatch *am;

  m = entity_match (r, "army of the north", 4);
  assert_string_equal (m->entity->id, "a");
  m = entity_match (r, "army “of the north”", 5);
  assert_string_equal (m->entity->id, "a");
  m = entity_match (r, "army of the south", 1);
  assert_string_equal (m->entity->id, "b");
  m = entity_match (r, "Army of the south", 1);
  assert_string_equal (m->entity->id, "a");
  m = entity_match (r, "army chief", 2);
  assert_string_equal (m->entity->id, "b");
  m = entity_match (r, "army", 1);
  assert_string_equal (m->entity->id, "b");
  m = entity_match (r, "army “", 1);
  assert_string_equal (m->entity->id, "b");
  entity_match (r, "navy of the north", 0);

  am = action_match (r->action_phrases, "sending its troops", 3);
  assert_string_equal (am->lemma, "send * troops");
  am = action_match (r->action_phrases, "sending troops", 1);
  assert_string_equal (am->lemma, "send");
  am = action_match (r->action_phrases, "sends its", 1);
  assert_string_equal (am->lemma, "send");
  action_match (r->action_phrases, "sends", 1);
}

/* Quotation marks in the text are transparent to phrases, and counted in
 * the length matched. */
static void
test_quotes (void **state)
{
  g_autoptr (XrefRules) r = load_yaml ("lexicon:\n"
                                       "  irregular_verbs: {become: [became, become], give: [gave, given]}\n"
                                       "actions:\n"
                                       "  - id: target\n"
                                       "    verbs: [become legitimate targets, regard as legitimate targets]\n"
                                       "  - {id: send, verbs: [give]}\n"
                                       "entities:\n"
                                       "  - {id: patriot, type: weapon, aliases: [\"‘Patriot’ missiles\", Patriot]}\n");
  const XrefActionMatch *m;
  const XrefEntityMatch *e;
  gconstpointer v;

  m = action_match (r->action_phrases, "become “legitimate targets”", 4);
  assert_string_equal (m->action->id, "target");
  assert_int_equal (m->form, XREF_FORM_BASE);
  m = action_match (r->action_phrases, "became \"legitimate\" targets", 5);
  assert_int_equal (m->form, XREF_FORM_PAST);
  m = action_match (r->action_phrases, "regarded as ‘legitimate targets’ by", 5);
  assert_string_equal (m->action->id, "target");
  m = action_match (r->action_phrases, "given", 1);
  assert_int_equal (m->form, XREF_FORM_PARTICIPLE);
  /* A closing quote after the last word is not part of the match. */
  action_match (r->action_phrases, "become legitimate targets”", 3);

  /* Quotes in a phrase are ignored: this alias is "Patriot missiles". */
  assert_int_equal (match_at (r->entity_phrases, "the ‘Patriot’ missiles", 1, &v), 0);
  assert_int_equal (match_at (r->entity_phrases, "the ‘Patriot’ missiles", 2, &v), 3);
  e = v;
  assert_string_equal (e->entity->id, "patriot");
  e = entity_match (r, "Patriot missiles", 2);
  assert_string_equal (e->entity->id, "patriot");
}

/* ---- morphology -------------------------------------------------------- */

typedef struct {
  const char *verb, *past, *participle;      /* irregular forms or NULL */
  const char *present, *past_form, *participle_form, *gerund;
} MorphCase;

static const MorphCase morph_cases[] = {
  { "send", "sent", "sent", "sends", "sent", NULL, "sending" },
  { "ship", NULL, NULL, "ships", "shipped", NULL, "shipping" },
  { "plan", NULL, NULL, "plans", "planned", NULL, "planning" },
  { "stop", NULL, NULL, "stops", "stopped", NULL, "stopping" },
  { "train", NULL, NULL, "trains", "trained", NULL, "training" },
  { "supply", NULL, NULL, "supplies", "supplied", NULL, "supplying" },
  { "deny", NULL, NULL, "denies", "denied", NULL, "denying" },
  { "die", NULL, NULL, "dies", "died", NULL, "dying" },
  { "tie", NULL, NULL, "ties", "tied", NULL, "tying" },
  { "deploy", NULL, NULL, "deploys", "deployed", NULL, "deploying" },
  { "delay", NULL, NULL, "delays", "delayed", NULL, "delaying" },
  { "give", "gave", "given", "gives", "gave", "given", "giving" },
  { "take", "took", "taken", "takes", "took", "taken", "taking" },
  { "write", "wrote", "written", "writes", "wrote", "written", "writing" },
  { "begin", "began", "begun", "begins", "began", "begun", "beginning" },
  { "say", "said", "said", "says", "said", NULL, "saying" },
  { "go", "went", "gone", "goes", "went", "gone", "going" },
  { "see", "saw", "seen", "sees", "saw", "seen", "seeing" },
  { "strike", "struck", "struck", "strikes", "struck", NULL, "striking" },
  { "agree", NULL, NULL, "agrees", "agreed", NULL, "agreeing" },
  { "announce", NULL, NULL, "announces", "announced", NULL, "announcing" },
  { "launch", NULL, NULL, "launches", "launched", NULL, "launching" },
  { "push", NULL, NULL, "pushes", "pushed", NULL, "pushing" },
  { "fix", NULL, NULL, "fixes", "fixed", NULL, "fixing" },
  { "pass", NULL, NULL, "passes", "passed", NULL, "passing" },
  { "veto", NULL, NULL, "vetoes", "vetoed", NULL, "vetoing" },
  { "transfer", NULL, NULL, "transfers", "transferred", NULL, "transferring" },
  { "admit", NULL, NULL, "admits", "admitted", NULL, "admitting" },
  { "target", NULL, NULL, "targets", "targeted", NULL, "targeting" },
  { "deliver", NULL, NULL, "delivers", "delivered", NULL, "delivering" },
  { "occupy", NULL, NULL, "occupies", "occupied", NULL, "occupying" },
  { "quit", NULL, NULL, "quits", "quitted", NULL, "quitting" },
  { "panic", NULL, NULL, "panics", "panicked", NULL, "panicking" },
  { "bomb", NULL, NULL, "bombs", "bombed", NULL, "bombing" },
  { "shell", NULL, NULL, "shells", "shelled", NULL, "shelling" },
  { "hire", NULL, NULL, "hires", "hired", NULL, "hiring" },
  { "name", NULL, NULL, "names", "named", NULL, "naming" },
  { "enter", NULL, NULL, "enters", "entered", NULL, "entering" },
  { "equip", NULL, NULL, "equips", "equipped", NULL, "equipping" },
  { "visit", NULL, NULL, "visits", "visited", NULL, "visiting" },
  { "travel", NULL, NULL, "travels", "traveled", NULL, "traveling" },
  { "travel", NULL, NULL, "travels", "travelled", NULL, "travelling" },
  { "station", NULL, NULL, "stations", "stationed", NULL, "stationing" },
  { "become", "became", "become", "becomes", "became", NULL, "becoming" },
};

/* Forms the rules must never produce. */
static const char *const morph_wrong[][2] = {
  { "ship", "shiped" }, { "plan", "planed" }, { "give", "giveing" }, { "hope", "hopeing" },
  { "die", "dieing" }, { "train", "trainned" }, { "bomb", "bombbed" }, { "fix", "fixxed" },
  { "deploy", "deploied" }, { "supply", "supplys" }, { "see", "seing" }, { "stop", "stoped" },
  { "panic", "paniced" }, { "quit", "quited" },
};

static gint
form_kind (GArray *forms, const char *form)
{
  for (guint i = 0; i < forms->len; i++)
    {
      const XrefInflection *inf = &g_array_index (forms, XrefInflection, i);
      if (strcmp (inf->form, form) == 0)
        return (gint) inf->kind;
    }
  return -1;
}

static void
expect_form (GArray *forms, const char *verb, const char *form, XrefForm kind)
{
  gint k = form_kind (forms, form);
  if (k != (gint) kind)
    fail_msg ("%s: '%s' has kind %d, expected %d", verb, form, k, (gint) kind);
}

static void
test_morphology (void **state)
{
  for (guint i = 0; i < G_N_ELEMENTS (morph_cases); i++)
    {
      const MorphCase *c = &morph_cases[i];
      g_autoptr (GArray) forms = g_array_new (FALSE, FALSE, sizeof (XrefInflection));

      xref_rules_inflect (c->verb, c->past, c->participle, forms);
      expect_form (forms, c->verb, c->verb, XREF_FORM_BASE);
      expect_form (forms, c->verb, c->present, XREF_FORM_PRESENT);
      expect_form (forms, c->verb, c->past_form, XREF_FORM_PAST);
      if (c->participle_form != NULL)
        expect_form (forms, c->verb, c->participle_form, XREF_FORM_PARTICIPLE);
      expect_form (forms, c->verb, c->gerund, XREF_FORM_GERUND);
      /* Each form once. */
      for (guint j = 0; j < forms->len; j++)
        for (guint k = j + 1; k < forms->len; k++)
          assert_ptr_not_equal (g_array_index (forms, XrefInflection, j).form,
                                g_array_index (forms, XrefInflection, k).form);
    }

  for (guint i = 0; i < G_N_ELEMENTS (morph_wrong); i++)
    {
      g_autoptr (GArray) forms = g_array_new (FALSE, FALSE, sizeof (XrefInflection));
      xref_rules_inflect (morph_wrong[i][0], NULL, NULL, forms);
      if (form_kind (forms, morph_wrong[i][1]) >= 0)
        fail_msg ("%s: wrongly produced '%s'", morph_wrong[i][0], morph_wrong[i][1]);
    }

  /* A word that is base, past and participle at once stays BASE. */
  g_autoptr (GArray) forms = g_array_new (FALSE, FALSE, sizeof (XrefInflection));
  xref_rules_inflect ("hit", "hit", "hit", forms);
  expect_form (forms, "hit", "hit", XREF_FORM_BASE);
  expect_form (forms, "hit", "hitting", XREF_FORM_GERUND);
  assert_int_equal (forms->len, 3);
}

/* The same through a loaded rule set: multi-word verbs inflect their first
 * word, irregulars come from the lexicon. */
static void
test_morphology_rules (void **state)
{
  g_autoptr (XrefRules) r = load_yaml ("lexicon:\n"
                                       "  irregular_verbs: {shoot: [shot, shot], make: [made, made]}\n"
                                       "  speech_verbs: [make clear, say]\n"
                                       "actions:\n"
                                       "  - {id: kill, verbs: [shoot dead, kill]}\n"
                                       "  - {id: plan, verbs: [plan], nouns: [plans]}\n");
  const XrefActionMatch *m;

  m = action_match (r->action_phrases, "shot dead", 2);
  assert_string_equal (m->action->id, "kill");
  assert_int_equal (m->form, XREF_FORM_PAST);
  m = action_match (r->action_phrases, "shooting dead", 2);
  assert_int_equal (m->form, XREF_FORM_GERUND);
  action_match (r->action_phrases, "shooted dead", 0);
  m = action_match (r->action_phrases, "planned", 1);
  assert_string_equal (m->lemma, "plan");
  m = action_match (r->action_phrases, "plans", 1);
  assert_int_equal (m->form, XREF_FORM_PRESENT);
  m = action_match (r->action_phrases, "Killed", 1);
  assert_string_equal (m->action->id, "kill");
  m = action_match (r->speech_phrases, "made clear", 2);
  assert_string_equal (m->lemma, "make clear");
  m = action_match (r->speech_phrases, "says", 1);
  assert_int_equal (m->form, XREF_FORM_PRESENT);
}

/* ---- regexes ----------------------------------------------------------- */

/* xref_regex_match_valid gives xref_regex_match's answer (match, spans,
 * error) on a valid subject. */
static void
match_same_unchecked (const XrefRegex *re, const char *subject, gsize len, gsize off)
{
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  XrefSpan m1 = { 7, 7 }, v1 = { 7, 7 }, m2 = { 7, 7 }, v2 = { 7, 7 };
  gboolean r1 = xref_regex_match (re, subject, len, off, &m1, &v1, &e1);
  gboolean r2 = xref_regex_match_valid (re, subject, len, off, &m2, &v2, &e2);

  if (r1 != r2 || m1.start != m2.start || m1.end != m2.end || v1.start != v2.start || v1.end != v2.end
      || (e1 == NULL) != (e2 == NULL))
    fail_msg ("/%s/ on \"%s\" from %" G_GSIZE_FORMAT ": checked and unchecked matches differ",
              xref_regex_pattern (re), subject, off);
}

static void
test_regex (void **state)
{
  g_autoptr (XrefRules) r = load_yaml ("slots:\n"
                                       "  - id: quantity\n"
                                       "    compare: numeric\n"
                                       "    patterns: ['(?<value>\\d+) (?:troops|soldiers)', '^(a+)+$', 'b']\n");
  const XrefSlotDef *s = xref_rules_slot (r, "quantity");
  const XrefRegex *num = g_ptr_array_index (s->patterns, 0);
  const XrefRegex *evil = g_ptr_array_index (s->patterns, 1);
  const XrefRegex *plain = g_ptr_array_index (s->patterns, 2);
  g_autoptr (GError) error = NULL;
  XrefSpan m, v;

  assert_string_equal (xref_regex_pattern (num), "(?<value>\\d+) (?:troops|soldiers)");
  const char *text = "about 300 troops and 40 soldiers";
  assert_true (xref_regex_match (num, text, strlen (text), 0, &m, &v, &error));
  assert_int_equal (m.start, 6);
  assert_int_equal (m.end, 16);
  assert_int_equal (v.start, 6);
  assert_int_equal (v.end, 9);
  /* From an offset. */
  assert_true (xref_regex_match (num, text, strlen (text), 16, &m, &v, &error));
  assert_int_equal (v.start, 21);
  assert_false (xref_regex_match (num, text, strlen (text), 30, &m, &v, &error));
  assert_no_error (error);

  /* Without a value group the value is the whole match. */
  assert_true (xref_regex_match (plain, "abc", 3, 0, &m, &v, &error));
  assert_int_equal (v.start, 1);
  assert_int_equal (v.end, 2);

  /* Catastrophic backtracking hits the match limit and says so. */
  GString *subject = g_string_new (NULL);
  for (int i = 0; i < 40; i++)
    g_string_append_c (subject, 'a');
  g_string_append_c (subject, 'b');
  assert_false (xref_regex_match (evil, subject->str, subject->len, 0, &m, &v, &error));
  assert_non_null (error);
  assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_REGEX));
  g_clear_error (&error);

  /* Subjects are capped. */
  g_string_set_size (subject, 0);
  for (int i = 0; i < 70000; i++)
    g_string_append_c (subject, 'x');
  assert_false (xref_regex_match (plain, subject->str, subject->len, 0, &m, &v, &error));
  assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_REGEX));
  g_clear_error (&error);
  g_string_free (subject, TRUE);

  /* Multi-byte text (checked by xref, not by PCRE2) matches with the same
   * byte offsets, past 8-byte steps and at the very end. */
  const char *curly = "\xe2\x80\x9cWe will send 300 troops,\xe2\x80\x9d he said \xf0\x9f\x98\x80 b";
  assert_true (xref_regex_match (num, curly, strlen (curly), 0, &m, &v, &error));
  assert_int_equal (v.start, 16);
  assert_int_equal (v.end, 19);
  assert_true (xref_regex_match (plain, curly, strlen (curly), 20, &m, &v, &error));
  assert_int_equal (v.start, strlen (curly) - 1);
  assert_no_error (error);
  /* The unchecked variant (for text known valid) answers the same, error
   * included, at every character offset. */
  {
    const XrefRegex *all[] = { num, evil, plain };
    const char *subjects[] = { text, curly, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "" };
    for (guint i = 0; i < G_N_ELEMENTS (all); i++)
      for (guint j = 0; j < G_N_ELEMENTS (subjects); j++)
        for (gsize off = 0;; off = (gsize) (g_utf8_next_char (subjects[j] + off) - subjects[j]))
          {
            match_same_unchecked (all[i], subjects[j], strlen (subjects[j]), off);
            if (subjects[j][off] == '\0')
              break;
          }
  }
  /* Invalid UTF-8 (a stray continuation byte, an overlong, a surrogate, a
   * truncated sequence, a byte above F4) is still refused with an error,
   * never matched as if valid. */
  const char *bad[] = { "300 troops \x80", "\xc0\xaf 300 troops", "300 troops \xed\xa0\x80",
                        "300 troops and \xe2\x80", "\xf5\x80\x80\x80 300 troops" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      assert_false (xref_regex_match (num, bad[i], strlen (bad[i]), 0, &m, &v, &error));
      assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_REGEX));
      g_clear_error (&error);
    }
}

static void
test_slot_groups (void **state)
{
  g_autoptr (XrefRules) r = load_yaml ("slots:\n"
                                       "  - id: timeline\n"
                                       "    compare: vague\n"
                                       "    from_timex: [DURATION, DATE]\n"
                                       "    groups:\n"
                                       "      PXM: [several months, A few months, P3M]\n"
                                       "      PXW: [a few weeks]\n");
  const XrefSlotDef *s = xref_rules_slot (r, "timeline");

  assert_non_null (s->groups);
  assert_string_equal (g_hash_table_lookup (s->groups, "several months"), "PXM");
  assert_string_equal (g_hash_table_lookup (s->groups, "A few months"), "PXM");
  assert_string_equal (g_hash_table_lookup (s->groups, "a few months"), "PXM");
  assert_string_equal (g_hash_table_lookup (s->groups, "P3M"), "PXM");
  assert_string_equal (g_hash_table_lookup (s->groups, "p3m"), "PXM");
  assert_string_equal (g_hash_table_lookup (s->groups, "a few weeks"), "PXW");
  assert_null (g_hash_table_lookup (s->groups, "months"));
  assert_int_equal (s->timex_types, (1u << XREF_TIMEX_DURATION) | (1u << XREF_TIMEX_DATE));
  assert_int_equal (s->patterns->len, 0);
}

/* Every ```yaml example of rules/README.md, put together in one file,
 * loads on top of the default rules. */
static void
test_readme_examples (void **state)
{
  g_autofree char *readme = test_path ("rules/README.md");
  g_autofree char *text = NULL;
  g_autofree char *def = xref_rules_default_dir ();
  g_autofree char *tmp = g_dir_make_tmp ("xref-rules-readme-XXXXXX", NULL);
  g_autoptr (GString) yaml = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;
  gboolean in = FALSE;
  guint blocks = 0;

  assert_true (g_file_get_contents (readme, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (!in && strcmp (lines[i], "```yaml") == 0)
        {
          in = TRUE;
          blocks++;
        }
      else if (in && strcmp (lines[i], "```") == 0)
        in = FALSE;
      else if (in)
        g_string_append_printf (yaml, "%s\n", lines[i]);
    }
  assert_int_equal (blocks, 9);
  write_file (tmp, "readme.yaml", yaml->str);

  const char *dirs[] = { def, tmp };
  g_autoptr (XrefRules) r = load_dirs (dirs, 2);
  const XrefActionMatch *m = action_match (r->action_phrases, "sent its troops into", 4);
  assert_string_equal (m->action->id, "deploy");
  assert_true (xref_rules_entity_within (r, "germany", "third-country"));
  remove_tree (tmp);
}

/* ---- bad rules --------------------------------------------------------- */

/* Every tests/bad-rules/NAME.yaml fails to load with exactly the message
 * of NAME.expected, whose first line is the exit status of xref. */
static void
test_bad_rules (void **state)
{
  g_autofree char *dir = test_path ("tests/bad-rules");
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  assert_non_null (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".yaml"))
      g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  assert_true (names->len >= 20);

  for (guint i = 0; i < names->len; i++)
    {
      const char *yaml_name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, yaml_name, NULL);
      g_autofree char *stem = g_strndup (yaml_name, strlen (yaml_name) - strlen (".yaml"));
      g_autofree char *exp_path = g_strdup_printf ("%s/%s.expected", dir, stem);
      g_autofree char *text = NULL, *expected = NULL;
      g_autoptr (GError) error = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &text, &len, NULL) || !g_file_get_contents (exp_path, &expected, NULL, NULL))
        fail_msg ("cannot read %s or its .expected file", path);
      /* "exit 2\n" then the message, one error per line. */
      assert_true (g_str_has_prefix (expected, "exit 2\n"));
      char *msg = expected + strlen ("exit 2\n");
      g_strchomp (msg);

      XrefRules *r = xref_rules_load_string (yaml_name, text, len, &error);
      if (r != NULL)
        fail_msg ("%s: loaded, but must fail", yaml_name);
      assert_true (g_error_matches (error, XREF_ERROR, XREF_ERROR_RULES));
      if (strcmp (error->message, msg) != 0)
        fail_msg ("%s:\n--- expected\n%s\n--- got\n%s", yaml_name, msg, error->message);
    }
}

/* A 64,000-deep file is refused at the depth limit, without building it. */
static void
test_deep_nesting (void **state)
{
  const guint depth = 64000;
  GString *flow = g_string_new ("entities: ");
  GString *block = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (flow, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (flow, ']');
  for (guint i = 0; i < depth; i++)
    g_string_append (block, "- ");
  g_string_append (block, "x\n");

  g_autofree char *m1 = load_yaml_error (flow->str, flow->len);
  assert_string_equal (m1, "test.yaml:1:74: nesting deeper than 64 levels");
  g_autofree char *m2 = load_yaml_error (block->str, block->len);
  assert_string_equal (m2, "test.yaml:1:129: nesting deeper than 64 levels");

  /* 64 levels are fine. */
  g_string_set_size (flow, 0);
  g_string_append (flow, "entities: ");
  for (guint i = 0; i < 63; i++)
    g_string_append_c (flow, '[');
  for (guint i = 0; i < 63; i++)
    g_string_append_c (flow, ']');
  g_autofree char *m3 = load_yaml_error (flow->str, flow->len);
  assert_string_equal (m3, "test.yaml:1:12: an entity must be a mapping, not a list");
  g_string_free (flow, TRUE);
  g_string_free (block, TRUE);
}

static void
test_too_large (void **state)
{
  gsize len = XREF_RULES_MAX_FILE + 1;
  char *big = g_malloc (len);

  memset (big, '#', len);
  g_autofree char *m = load_yaml_error (big, len);
  assert_true (g_str_has_prefix (m, "test.yaml: file too large"));
  g_free (big);
}

static void
test_default_dir (void **state)
{
  g_autofree char *saved = g_strdup (g_getenv ("XREF_RULES"));

  g_setenv ("XREF_RULES", "/some/where/rules", TRUE);
  g_autofree char *d = xref_rules_default_dir ();
  assert_string_equal (d, "/some/where/rules");

  /* A folder that does not exist is an error naming it. */
  const char *dirs[] = { d };
  g_autoptr (GError) error = NULL;
  assert_null (xref_rules_load (dirs, 1, &error));
  assert_string_equal (error->message, "/some/where/rules: rules folder does not exist");

  if (saved != NULL)
    g_setenv ("XREF_RULES", saved, TRUE);
  else
    g_unsetenv ("XREF_RULES");
}

/* A regex error column counts characters of the YAML line, through the
 * escapes of each scalar style. */
static void
test_regex_columns (void **state)
{
  const char *dq = "boilerplate:\n  - id: x\n    line: \"a\\u00e9\\\\d)\"\n";
  g_autofree char *m1 = load_yaml_error (dq, strlen (dq));
  g_autofree char *m2 = NULL;
  g_autofree char *m3 = NULL;

  /* "a\u00e9\\d)" is a é \ d ): the ) is the 5th character of the value,
   * at column 11 + 1 + 10 = 22 of `    line: "a\u00e9\\d)"`. */
  assert_string_equal (m1, "test.yaml:3:22: invalid regex in 'line': unmatched closing parenthesis");
  const char *folded = "boilerplate:\n  - id: x\n    line: >-\n      abc\n      de)f\n";
  m2 = load_yaml_error (folded, strlen (folded));
  assert_string_equal (m2, "test.yaml:5:9: invalid regex in 'line': unmatched closing parenthesis");
  const char *single = "boilerplate:\n  - id: x\n    line: 'it''s ‘a’)'\n";
  m3 = load_yaml_error (single, strlen (single));
  assert_string_equal (m3, "test.yaml:3:21: invalid regex in 'line': unmatched closing parenthesis");

  /* A key or value with a newline or a control character is quoted
   * escaped: every error stays one file:line:col line. */
  const char *nl = "entities:\n  - id: \"a\\nb\\tc\\u0001\"\n    type: person\n";
  g_autofree char *m4 = load_yaml_error (nl, strlen (nl));
  assert_non_null (strstr (m4, "test.yaml:2:9: invalid id 'a\\nb\\tc\\x01'"));
  assert_null (strchr (m4, '\n'));
}

/* Every line of the files under dir (recursively) that is valid UTF-8. */
static void
collect_lines (const char *dir, GPtrArray *lines)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      gsize len = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          collect_lines (path, lines);
          continue;
        }
      if (!g_file_get_contents (path, &text, &len, NULL))
        continue;
      g_auto (GStrv) parts = g_strsplit (text, "\n", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          gsize n = strlen (parts[i]);
          if (n > 0 && parts[i][n - 1] == '\r')
            parts[i][--n] = '\0';
          if (n <= 4096 && g_utf8_validate (parts[i], (gssize) n, NULL))
            g_ptr_array_add (lines, g_strdup (parts[i]));
        }
    }
}

/* xref_regex_cannot_match never says "cannot" where xref_regex_match
 * matches or reports an error: the default boilerplate patterns and
 * patterns with lookarounds, end assertions, newline conventions and
 * alternatives, on every line of the repository's corpus and test files
 * (and of $XREF_TEST_CORPUS when set), on every one-byte subject and on
 * the two-character subjects of a small alphabet. */
static void
test_regex_cannot_match (void **state)
{
  static const char *const patterns[] = {
    "^a(?!b)", "^(?!b)", "^(?=a)b?", "^$", "^a$", "^a\\b", "^\\b", "^\\B", "^a\\z", "^\\Z", "(*CRLF)^.$",
    "(*ANYCRLF)^$", "^(?<=a)", "^\\s*x", "(?i)^ab", "^(a+)+$", "^\\d{3}", "^é", "^.", "\\Ax", "^(?:a|)$",
    "^a|^b", "x", "(?m)^x", "^\\X", "^\\R", "^\\N", "^[[:alpha:]]", "^\\p{Lu}", "^(?:)*+b", "^(?(?=a)a|b)",
    "^(*COMMIT)a", "^a(*ACCEPT)", "^(a)\\1", "\\Gab", "^(?|a|b)c", "^a\\Kb", "^\\s+$",
    /* an ASCII first byte before a non-ASCII second one (only ASCII
     * second bytes are probed; the next row's bits must not be read) */
    "^(?:aé|b[^@A-G])",
  };
  static const char alphabet[] = " \tabxAB0!.\r";
  g_autoptr (XrefRules) def = test_load_default_rules ();
  g_autoptr (GPtrArray) regexes = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_regex_free);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *corpus = test_path ("corpus");
  g_autofree char *tests = test_path ("tests");
  const char *extra = g_getenv ("XREF_TEST_CORPUS");
  guint cannot = 0, checked = 0;

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autofree char *message = NULL;
      gsize offset = 0;
      XrefRegex *re = xref_regex_new (patterns[i], strlen (patterns[i]), &message, &offset);
      if (re == NULL)
        fail_msg ("%s: %s", patterns[i], message);
      g_ptr_array_add (regexes, re);
    }

  collect_lines (corpus, lines);
  collect_lines (tests, lines);
  if (extra != NULL)
    collect_lines (extra, lines);
  for (guint b = 0; b < 0x80; b++)
    g_ptr_array_add (lines, g_strndup ((const char *) &b, 1));
  g_ptr_array_add (lines, g_strdup ("é"));
  g_ptr_array_add (lines, g_strdup ("\u2003x"));
  g_ptr_array_add (lines, g_strdup ("aé"));
  g_ptr_array_add (lines, g_strdup ("a“x"));
  for (guint i = 0; alphabet[i] != '\0'; i++)
    for (guint j = 0; alphabet[j] != '\0'; j++)
      g_ptr_array_add (lines, g_strdup_printf ("%c%c", alphabet[i], alphabet[j]));
  /* every first character the probes cover, alone and before "x" */
  for (gunichar c = 0x80; c < 0x2080; c = c == 0x7ff ? 0x2000 : c + 1)   /* and beyond U+00FF */
    {
      char buf[8] = { 0 };
      g_unichar_to_utf8 (c, buf);
      g_ptr_array_add (lines, g_strdup (buf));
      g_ptr_array_add (lines, g_strconcat (buf, "x", NULL));
    }
  assert_true (lines->len > 1000);

  for (guint r = 0; r < regexes->len + def->boilerplate->len; r++)
    {
      const XrefRegex *re;
      if (r < regexes->len)
        re = g_ptr_array_index (regexes, r);
      else
        re = ((const XrefBoilerplate *) g_ptr_array_index (def->boilerplate, r - regexes->len))->line;
      for (guint i = 0; i < lines->len; i++)
        {
          const char *line = g_ptr_array_index (lines, i);
          gsize len = strlen (line) + (line[0] == '\0');   /* the subject "\0" */
          g_autoptr (GError) error = NULL;
          XrefSpan m, v;
          gboolean matched;

          if (!xref_regex_cannot_match (re, line, len))
            continue;
          cannot++;
          matched = xref_regex_match (re, line, len, 0, &m, &v, &error);
          if (matched || error != NULL)
            fail_msg ("'%s' on \"%s\": said cannot match", xref_regex_pattern (re), line);
          checked++;
        }
    }
  /* the filter rules out most lines for most boilerplate patterns */
  assert_true (cannot > lines->len);

  /* the minimum length alone, and the bound on the subject */
  const XrefRegex *x3 = g_ptr_array_index (regexes, 16);   /* ^\d{3} */
  assert_true (xref_regex_cannot_match (x3, "12", 2));
  assert_false (xref_regex_cannot_match (x3, "123", 3));
  assert_true (xref_regex_cannot_match (x3, "a23", 3));
  const XrefRegex *any = g_ptr_array_index (regexes, 22);   /* x, not anchored */
  assert_false (xref_regex_cannot_match (any, "abx", 3));
  assert_true (xref_regex_cannot_match (any, "", 0));
  /* the two-byte probe: "^a$" on "ab…"; "^\s*x" on " x…" and " y…" */
  const XrefRegex *a_end = g_ptr_array_index (regexes, 4);
  assert_true (xref_regex_cannot_match (a_end, "ab", 2));
  assert_false (xref_regex_cannot_match (a_end, "a\n", 2));
  const XrefRegex *sx = g_ptr_array_index (regexes, 13);
  assert_false (xref_regex_cannot_match (sx, " x", 2));
  assert_false (xref_regex_cannot_match (sx, "  x", 3));
  assert_false (xref_regex_cannot_match (sx, " y", 2));   /* not probed after a space */
  assert_false (xref_regex_cannot_match (sx, "xy", 2));
  /* and the first characters U+0080-U+00FF, U+2000-U+207F */
  assert_true (xref_regex_cannot_match (sx, "“x", strlen ("“x")));
  assert_false (xref_regex_cannot_match (sx, "\u2003x", strlen ("\u2003x")));
  assert_false (xref_regex_cannot_match (sx, "\u00a0x", strlen ("\u00a0x")));
  assert_true (xref_regex_cannot_match (sx, "éx", strlen ("éx")));
  (void) checked;
}

/* The sixteen-byte scan of the prefilter (blocks, the shifted last block,
 * the filter of the bytes before an anchor) gives the answers of the
 * plain scan, and never rules out a subject that PCRE2 matches: the
 * default slot patterns and patterns with classes, non-ASCII bytes,
 * boundaries and byte sets, on random subjects of 0 to 200 bytes built
 * from the pieces they look for, from every offset. */
/* The slot words (xref_regex_slot_words, xref_rules_slot_word_bits): a
 * text none of whose tokens holds a word a slot pattern needs must be
 * one the prefilter and PCRE2 reject, over many random texts; a word in
 * an optional group is not needed. */
static guint
assert_slot_words (const XrefRules *r, const char *text, gsize len)
{
  guint ruled_out = 0;
  g_autoptr (GArray) toks = g_array_new (FALSE, FALSE, sizeof (XrefToken));
  guint have = 0;
  GHashTableIter it;
  gpointer v;

  xref_tokenize (text, 0, len, toks);
  for (guint k = 0; k < toks->len; k++)
    {
      const XrefToken *t = &g_array_index (toks, XrefToken, k);
      have |= t->norm == NULL ? G_MAXUINT : xref_rules_slot_word_bits (r, t->norm, strlen (t->norm));
    }
  g_hash_table_iter_init (&it, r->slots);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const XrefSlotDef *def = v;
      for (guint p = 0; def->patterns != NULL && p < def->patterns->len; p++)
        {
          const XrefRegex *re = g_ptr_array_index (def->patterns, p);
          guint need = xref_regex_slot_words (re);
          XrefSpan whole, value;
          if (need == 0 || (need & have) != 0)
            continue;
          if (xref_regex_may_match (re, text, len, 0)
              || xref_regex_match_valid (re, text, len, 0, &whole, &value, NULL))
            fail_msg ("slot words rule out a match of %s in \"%.*s\"", xref_regex_pattern (re), (int) len, text);
          ruled_out++;
        }
    }
  return ruled_out;
}

static void
test_slot_words (void **state)
{
  static const char *const pieces[] = {
    "in ", "at ", "In ", "AT ", "to ", "on the ", "the ", "territory ", "territories ", "of ", "Kyiv", "U.S.",
    "Germany", "a third country", "a military base in ", "built-in ", "check-in ", "co-", "’", "'", "é",
    "İn ", "ın ", "-", " ", " ", " ", ", ", ". ", "x", "A", "_", "1", "foo ", "bar ", "baz ", "into ", "tin ",
    "\u00a0", "—", "“", "”", "(", ")", "ſ", "\u212a",
  };
  g_autoptr (XrefRules) r = load_default ();
  g_autoptr (XrefRules) y = load_yaml ("slots:\n"
                                       "  - id: x\n"
                                       "    compare: exact\n"
                                       "    patterns:\n"
                                       "      - '(?:\\bfoo )?\\bbar (?<value>\\w+)'\n"
                                       "      - '(?:\\bfoo )?(?<value>\\d+)'\n"
                                       "      - '\\b(?:in|at|baz) (?:the )?(?<value>[A-Z]\\w*)'\n");
  g_autoptr (GRand) rnd = g_rand_new_with_seed (23);
  const XrefSlotDef *x = g_hash_table_lookup (y->slots, xref_intern ("x"));
  GString *s = g_string_new (NULL);
  guint ruled_out = 0;

  (void) state;
  assert_non_null (x);
  /* bar, not the optional foo; nothing for the second; three words */
  assert_int_equal (__builtin_popcount (xref_regex_slot_words (g_ptr_array_index (x->patterns, 0))), 1);
  assert_int_equal (xref_regex_slot_words (g_ptr_array_index (x->patterns, 1)), 0);
  assert_int_equal (__builtin_popcount (xref_regex_slot_words (g_ptr_array_index (x->patterns, 2))), 3);
  assert_true (xref_rules_slot_word_bits (y, "built-in", 8) != 0);
  assert_true (xref_rules_slot_word_bits (y, "tin", 3) == 0);
  assert_true (xref_rules_slot_word_bits (y, xref_intern ("bar"), 3) != 0);
  assert_true (r->n_slot_words > 0);
  for (guint i = 0; i < 20000; i++)
    {
      guint n = (guint) g_rand_int_range (rnd, 1, 9);
      g_string_truncate (s, 0);
      for (guint k = 0; k < n; k++)
        g_string_append (s, pieces[g_rand_int_range (rnd, 0, G_N_ELEMENTS (pieces))]);
      ruled_out += assert_slot_words (r, s->str, s->len);
      ruled_out += assert_slot_words (y, s->str, s->len);
    }
  g_string_free (s, TRUE);
  assert_true (ruled_out > 20000);
}

static void
test_prefilter_scan (void **state)
{
  static const char *const pieces[] = {
    "in ", "at ", "on ", "the ", "to ", "for ", "of ", "Kyiv", "U.S.", "Germany", "defend", "air defense",
    "’s", "territory ", "territories ", "a third country", "a military base in ", "more than ", "1", "14",
    "million", " ", " ", " ", ", ", ". ", ";", "’", "é", "within", "Search", "<p>", "Comments", "x", "A", "_",
    "tanks", "e", "n", "y", "r", "said the minister on Monday ", "\t", "\n", "—", "xyzzy",
    "\u0663", "\uff15", "\u06f5", "\u00a0", "\u3000", "\u2009", "“", "”", "\u1680",
  };
  static const char *const extra[] = {
    "\\b(?:in|at) (?<value>(?:the )?[A-Z][\\w’-]*)",
    "\\d+\\s+(Responses?|Comments?|Replies)",
    "é+[é’]",
    "(?<=’)s\\b",
    "\\bfor the [a-z]",
    "ry of [A-Z]",
    "[xyz]q",
    "\\d",
    "x\\s\\d",
    "[\\d,]+é",
    "\\s\\w",
  };
  g_autoptr (XrefRules) r = load_default ();
  g_autoptr (GPtrArray) res = g_ptr_array_new ();
  g_autoptr (GPtrArray) own = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_regex_free);
  g_autoptr (GRand) rnd = g_rand_new_with_seed (17);
  GHashTableIter it;
  gpointer v;
  guint compared = 0;

  (void) state;
  g_hash_table_iter_init (&it, r->slots);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const XrefSlotDef *def = v;
      for (guint p = 0; def->patterns != NULL && p < def->patterns->len; p++)
        g_ptr_array_add (res, g_ptr_array_index (def->patterns, p));
    }
  for (guint i = 0; i < G_N_ELEMENTS (extra); i++)
    {
      g_autofree char *msg = NULL;
      gsize off = 0;
      XrefRegex *re = xref_regex_new (extra[i], strlen (extra[i]), &msg, &off);
      if (re == NULL)
        fail_msg ("/%s/: %s", extra[i], msg);
      g_ptr_array_add (own, re);
      g_ptr_array_add (res, re);
    }
  for (guint n = 0; n < 3000; n++)
    {
      g_autoptr (GString) s = g_string_new (NULL);
      guint want = (guint) g_rand_int_range (rnd, 0, 201);
      while (s->len < want)
        g_string_append (s, pieces[g_rand_int_range (rnd, 0, G_N_ELEMENTS (pieces))]);
      for (guint i = 0; i < res->len; i++)
        {
          const XrefRegex *re = g_ptr_array_index (res, i);
          const XrefRegexPrefilter *pf = xref_regex_prefilter (re);
          if (pf == NULL)
            continue;
          for (gsize off = 0; off <= s->len; off = (gsize) (g_utf8_next_char (s->str + off) - s->str))
            {
              gboolean fast = xref_prefilter_may_match (pf, s->str, s->len, off);
              XrefSpan whole, value;
              if (fast != xref_prefilter_may_match_reference (pf, s->str, s->len, off))
                fail_msg ("/%s/ on \"%s\" from %" G_GSIZE_FORMAT ": the scans differ", xref_regex_pattern (re),
                          s->str, off);
              if (!fast && xref_regex_match (re, s->str, s->len, off, &whole, &value, NULL))
                fail_msg ("/%s/ ruled out \"%s\" from %" G_GSIZE_FORMAT ", where it matches",
                          xref_regex_pattern (re), s->str, off);
              if (off == 0 || n % 16 == 0)
                match_same_unchecked (re, s->str, s->len, off);
              compared++;
              if (off == s->len)
                break;
            }
        }
    }
  assert_true (compared > 100000);
}

/* The non-ASCII lead bytes the prefilter gives \d, \s and \w (and
 * classes holding them): every code point whose one-character subject
 * the prefilter rules out is one that PCRE2 does not match either.  The
 * ruled-out characters are joined into subjects of up to 60 KB, each
 * searched by PCRE2 in one call. */
static void
test_prefilter_classes (void **state)
{
  static const char *const patterns[] = { "\\d", "\\s", "\\w", "[\\d;]", "[\\s,]" };

  (void) state;
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autofree char *msg = NULL;
      gsize off = 0;
      g_autoptr (GString) chunk = g_string_new (NULL);
      XrefRegex *re = xref_regex_new (patterns[i], strlen (patterns[i]), &msg, &off);
      const XrefRegexPrefilter *pf;
      guint ruled_out = 0;

      if (re == NULL)
        fail_msg ("/%s/: %s", patterns[i], msg);
      pf = xref_regex_prefilter (re);
      assert_non_null (pf);
      for (gunichar c = 0x80; c <= 0x110000; c++)
        {
          char buf[8];
          gint n;
          XrefSpan whole, value;

          if (c < 0x110000 && (c < 0xD800 || c > 0xDFFF))
            {
              n = g_unichar_to_utf8 (c, buf);
              if (!xref_prefilter_may_match (pf, buf, (gsize) n, 0))
                {
                  g_string_append_len (chunk, buf, n);
                  ruled_out++;
                }
            }
          if (chunk->len > 0 && (chunk->len > 60000 || c == 0x110000))
            {
              if (xref_regex_match (re, chunk->str, chunk->len, 0, &whole, &value, NULL))
                fail_msg ("/%s/ ruled out U+%04X, which it matches", patterns[i],
                          g_utf8_get_char (chunk->str + whole.start));
              g_string_truncate (chunk, 0);
            }
        }
      /* \d and \s rule out most non-ASCII characters, \w none */
      if (strstr (patterns[i], "w") == NULL)
        assert_true (ruled_out > 1000);
      xref_regex_free (re);
    }
}

/* The filters of the phrase tables give the answers of the whole walk,
 * at every token of the seed corpus and of texts with quotation marks,
 * wildcards and capitalised phrase words, for the default rules with
 * the seed corpus's story rules and for a set with wildcards. */
static void
test_phrase_filters (void **state)
{
  const char *src = g_getenv ("XREF_SRCDIR");
  g_autofree char *dir = xref_rules_default_dir ();
  g_autofree char *story = g_build_filename (src != NULL ? src : ".", "corpus", ".xref", "rules", NULL);
  g_autofree char *corpus = g_build_filename (src != NULL ? src : ".", "corpus", NULL);
  const char *dirs[] = { dir, story };
  g_autoptr (XrefRules) r = load_dirs (dirs, g_file_test (story, G_FILE_TEST_IS_DIR) ? 2 : 1);
  g_autoptr (XrefRules) w = load_yaml ("lexicon:\n"
                                       "  determiners: [the, its, their]\n"
                                       "  pronouns: {plural: [them], neuter: [it, its]}\n"
                                       "  irregular_verbs: {send: [sent, sent]}\n"
                                       "slots:\n"
                                       "  - {id: location}\n"
                                       "actions:\n"
                                       "  - id: deploy\n"
                                       "    verbs: [send * troops into, send * troops, send, deploy US troops, deploy]\n"
                                       "    slots: [location]\n");
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = g_dir_open (corpus, 0, NULL);
  const XrefPhraseTable *tables[] = { r->entity_phrases, r->action_phrases, r->speech_phrases, r->modal_phrases,
                                      w->action_phrases };
  const char *name;
  guint matched = 0, asked = 0;

  (void) state;
  g_ptr_array_add (texts, g_strdup ("They sent “its” troops into Ukraine; deploy US troops, deploy us troops, "
                                    "send them troops, send the the troops, sending its ” troops into it."));
  g_ptr_array_add (texts, g_strdup ("The U.S. and the United States said “the Kremlin” told reporters, according "
                                    "to the Pentagon, that it plans to send tanks"));
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (corpus, name, NULL);
      char *text = NULL;
      if (g_str_has_suffix (name, ".txt") && g_file_get_contents (path, &text, NULL, NULL))
        g_ptr_array_add (texts, text);
    }
  assert_true (texts->len > 2);
  for (guint x = 0; x < texts->len; x++)
    {
      const char *text = g_ptr_array_index (texts, x);
      g_autoptr (GArray) toks = g_array_new (FALSE, FALSE, sizeof (XrefToken));
      const XrefToken *tv;

      if (!g_utf8_validate (text, -1, NULL))
        continue;
      xref_tokenize (text, 0, strlen (text), toks);
      tv = (const XrefToken *) (gconstpointer) toks->data;
      for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
        for (guint i = 0; i <= toks->len; i++)
          {
            gconstpointer v1 = NULL, v2 = NULL;
            guint n1 = xref_phrase_table_match (tables[t], tv, toks->len, i, &v1);
            guint n2 = xref_phrase_table_match_reference (tables[t], tv, toks->len, i, &v2);
            gconstpointer v3 = NULL;
            guint tag = 0, n3 = xref_phrase_table_match_tagged (tables[t], tv, toks->len, i, &v3, &tag);
            if (n1 != n2 || v1 != v2)
              fail_msg ("table %u, text %u, token %u (%s): %u tokens, the reference %u", t, x, i,
                        i < toks->len ? tv[i].form : "end", n1, n2);
            /* the tagged match: the same, and the action and speech
             * tables' tag is their value's (the others have none) */
            assert_int_equal (n3, n1);
            assert_ptr_equal (v3, v1);
            if (tables[t] == r->action_phrases || tables[t] == w->action_phrases || tables[t] == r->speech_phrases
                || tables[t] == w->speech_phrases)
              assert_int_equal (tag, n1 > 0 ? xref_action_match_tag (v1) : 0);
            else
              assert_int_equal (tag, 0);
            matched += n1 > 0;
            asked++;
          }
    }
  assert_true (matched > 100);
  assert_true (asked > 10000);
}

/* The definitions by id: the same for an interned id and for a copy of
 * it, nothing for an id that names none. */
static void
test_id_lookup (void **state)
{
  g_autoptr (XrefRules) r = load_default ();
  GHashTable *tables[] = { r->entities, r->actions, r->slots };
  GHashTableIter it;
  gpointer k, v;

  (void) state;
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_hash_table_iter_init (&it, tables[t]);
      while (g_hash_table_iter_next (&it, &k, &v))
        {
          g_autofree char *copy = g_strdup (k);
          gconstpointer a = t == 0 ? (gconstpointer) xref_rules_entity (r, k)
                            : t == 1 ? (gconstpointer) xref_rules_action (r, k)
                                     : (gconstpointer) xref_rules_slot (r, k);
          gconstpointer b = t == 0 ? (gconstpointer) xref_rules_entity (r, copy)
                            : t == 1 ? (gconstpointer) xref_rules_action (r, copy)
                                     : (gconstpointer) xref_rules_slot (r, copy);
          assert_ptr_equal (a, v);
          assert_ptr_equal (b, v);
        }
    }
  assert_null (xref_rules_entity (r, xref_intern ("no-such-entity")));
  assert_null (xref_rules_action (r, "no-such-action"));
  assert_null (xref_rules_slot (r, xref_intern ("")));
  assert_null (xref_rules_entity (r, NULL));
  assert_null (xref_rules_action (NULL, "send"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_default_entities),
    cmocka_unit_test (test_default_actions),
    cmocka_unit_test (test_default_speech_modal),
    cmocka_unit_test (test_default_lists),
    cmocka_unit_test (test_default_slots_text),
    cmocka_unit_test (test_story_rules),
    cmocka_unit_test (test_override_and_merge),
    cmocka_unit_test (test_duplicate_across_files),
    cmocka_unit_test (test_empty),
    cmocka_unit_test (test_wildcard),
    cmocka_unit_test (test_quotes),
    cmocka_unit_test (test_phrase_rules),
    cmocka_unit_test (test_phrase_pairs),
    cmocka_unit_test (test_word_index),
    cmocka_unit_test (test_morphology),
    cmocka_unit_test (test_morphology_rules),
    cmocka_unit_test (test_regex),
    cmocka_unit_test (test_slot_groups),
    cmocka_unit_test (test_readme_examples),
    cmocka_unit_test (test_bad_rules),
    cmocka_unit_test (test_deep_nesting),
    cmocka_unit_test (test_too_large),
    cmocka_unit_test (test_default_dir),
    cmocka_unit_test (test_regex_columns),
    cmocka_unit_test (test_regex_cannot_match),
    cmocka_unit_test (test_prefilter_scan),
    cmocka_unit_test (test_slot_words),
    cmocka_unit_test (test_prefilter_classes),
    cmocka_unit_test (test_phrase_filters),
    cmocka_unit_test (test_id_lookup),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
