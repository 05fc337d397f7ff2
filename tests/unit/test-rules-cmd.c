/* Unit tests of the rule authors' commands: `xref rules check` (summary
 * counts, files, overrides, errors), `xref rules test` (examples passing
 * and failing, the default rules' own examples, the README's), and a rule
 * edit that changes the report of the same binary without a rebuild. */
#include "test-util.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "xref/run.h"
#include "../../src/rules/rules-private.h"

/* ---- helpers ----------------------------------------------------------- */

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  assert_no_error (error);
}

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  assert_no_error (error);
  return text;
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
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

/* A temporary copy of the *.yaml files of the default rules folder. */
static char *
copy_default_rules (void)
{
  g_autofree char *src = test_path ("rules");
  char *dst = g_dir_make_tmp ("xref-rules-cmd-XXXXXX", NULL);
  GDir *d = g_dir_open (src, 0, NULL);
  const char *name;

  assert_non_null (dst);
  assert_non_null (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".yaml"))
      {
        g_autofree char *text = read_file (src, name);
        write_file (dst, name, text);
      }
  g_dir_close (d);
  return dst;
}

/* Inserts `words` (", "-terminated) at the start of the list `key: [` of
 * the entry "  - id: ID" of a rule file. */
static void
add_to_list (const char *dir, const char *file, const char *id, const char *key, const char *words)
{
  g_autofree char *text = read_file (dir, file);
  g_autofree char *entry = g_strdup_printf ("\n  - id: %s\n", id);
  g_autofree char *list = g_strdup_printf ("%s: [", key);
  g_autoptr (GString) out = g_string_new (NULL);
  const char *at = strstr (text, entry), *l;

  assert_non_null (at);
  l = strstr (at + strlen (entry), list);
  assert_non_null (l);
  /* The list must belong to this entry, not the next one. */
  assert_true (strstr (at + strlen (entry), "\n  - id:") == NULL || l < strstr (at + strlen (entry), "\n  - id:"));
  g_string_append_len (out, text, (l - text) + strlen (list));
  g_string_append (out, words);
  g_string_append (out, l + strlen (list));
  write_file (dir, file, out->str);
}

/* The number on the line "  WHAT   N" of a check summary. */
static guint
summary_count (const char *out, const char *what)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      if (!g_str_has_prefix (l, "  ") || !g_str_has_prefix (l + 2, what))
        continue;
      l += 2 + strlen (what);
      if (*l != ' ')
        continue;
      return (guint) strtoul (l, NULL, 10);
    }
  fail_msg ("no count '%s' in:\n%s", what, out);
  return 0;
}

/* ---- rules check ------------------------------------------------------- */

/* Counts of a small folder whose numbers are known, in full. */
static void
test_check_counts (void **state)
{
  g_autofree char *a = g_dir_make_tmp ("xref-rules-cmd-XXXXXX", NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) err = g_string_new (NULL);
  g_autofree char *expected = NULL;
  const char *dirs[] = { a };

  write_file (a, "a.yaml",
              "entities:\n"
              "  - {id: us, type: country, aliases: [United States, US, Washington], demonyms: [American, "
              "Americans]}\n"
              "  - {id: lavrov, type: person, aliases: [Lavrov], roles: [Russian foreign minister]}\n"
              "abbreviations: [Mr., Dr.]\n");
  /* send: send sends sent sending; hand over: hand hands handed handing. */
  write_file (a, "b.yaml",
              "actions:\n"
              "  - {id: send, verbs: [send, hand over], nouns: [delivery], slots: [recipient]}\n"
              "slots:\n"
              "  - {id: recipient}\n"
              "contradictions:\n"
              "  - {id: negation-flip, kind: polarity}\n"
              "boilerplate:\n"
              "  - {id: search, line: '^Search$'}\n"
              "outlets:\n"
              "  - {id: tass, patterns: [/TASS/]}\n"
              "lexicon:\n"
              "  irregular_verbs: {send: [sent, sent]}\n"
              "  speech_verbs: [say]\n"
              "  attribution_phrases: [according to]\n"
              "  modality: {planned: [will, plans to]}\n");
  write_file (a, "notes.txt", "not a rule file\n");

  assert_int_equal (xref_cmd_rules_check (dirs, 1, out, err), XREF_EXIT_OK);
  assert_string_equal (err->str, "");
  expected = g_strdup_printf ("rules check: ok\n"
                              "folders (1):\n"
                              "  %s\n"
                              "files read (2):\n"
                              "  %s/a.yaml\n"
                              "  %s/b.yaml\n"
                              "counts:\n"
                              "  entities              2\n"
                              "  aliases               4\n"
                              "  roles                 1\n"
                              "  demonyms              2\n"
                              "  actions               1\n"
                              "  verbs                 2\n"
                              "  verb forms            8\n"
                              "  nouns                 1\n"
                              "  slots                 1\n"
                              "  contradictions        1\n"
                              "  boilerplate           1\n"
                              "  outlets               1\n"
                              "  abbreviations         2\n"
                              "  speech verbs          2\n"
                              "  modal phrases         2\n"
                              "  examples              0\n"
                              "overrides: none\n",
                              a, a, a);
  assert_string_equal (out->str, expected);
  remove_tree (a);
}

/* The default rules: the counts are those of the rule set a run loads. */
static void
test_check_default (void **state)
{
  g_autofree char *dir = xref_rules_default_dir ();
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) err = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const char *dirs[] = { dir };
  g_autoptr (XrefRules) r = xref_rules_load (dirs, 1, &error);

  assert_no_error (error);
  /* No folder named: the default one. */
  assert_int_equal (xref_cmd_rules_check (NULL, 0, out, err), XREF_EXIT_OK);
  assert_true (g_str_has_prefix (out->str, "rules check: ok\n"));
  assert_int_equal (summary_count (out->str, "entities"), g_hash_table_size (r->entities));
  assert_int_equal (summary_count (out->str, "actions"), g_hash_table_size (r->actions));
  assert_int_equal (summary_count (out->str, "slots"), g_hash_table_size (r->slots));
  assert_int_equal (summary_count (out->str, "contradictions"), r->contradictions->len);
  assert_int_equal (summary_count (out->str, "boilerplate"), r->boilerplate->len);
  assert_int_equal (summary_count (out->str, "outlets"), r->outlets->len);
  assert_int_equal (summary_count (out->str, "examples"), r->examples->len);
  /* Every alias, role and demonym is a phrase of the entity table (some
   * may be given twice, which the table keeps once). */
  assert_true (summary_count (out->str, "aliases") + summary_count (out->str, "roles")
                 + summary_count (out->str, "demonyms")
               >= xref_phrase_table_size (r->entity_phrases));
  assert_true (summary_count (out->str, "verb forms") > summary_count (out->str, "verbs"));
  assert_true (summary_count (out->str, "abbreviations") >= 60);
  for (guint i = 0; i < r->files->len; i++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %s\n", (const char *) g_ptr_array_index (r->files, i));
      assert_non_null (strstr (out->str, line));
    }
  assert_non_null (strstr (out->str, "overrides: none\n"));
}

static void
test_check_overrides (void **state)
{
  g_autofree char *a = g_dir_make_tmp ("xref-rules-cmd-XXXXXX", NULL);
  g_autofree char *b = g_dir_make_tmp ("xref-rules-cmd-XXXXXX", NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) err = g_string_new (NULL);
  g_autofree char *expected = NULL;
  const char *dirs[] = { a, b };

  write_file (a, "entities.yaml",
              "# the defaults\n"
              "entities:\n"
              "  - {id: uk, type: country, aliases: [Britain]}\n"
              "  - id: us\n"
              "    type: country\n"
              "    aliases: [US]\n"
              "contradictions:\n"
              "  - {id: negation-flip, kind: polarity}\n");
  write_file (b, "us.yaml",
              "entities:\n"
              "  - id: us\n"
              "    type: country\n"
              "    aliases: [America]\n"
              "contradictions:\n"
              "  - {id: negation-flip, kind: antonym}\n");

  assert_int_equal (xref_cmd_rules_check (dirs, 2, out, err), XREF_EXIT_OK);
  expected = g_strdup_printf ("overrides (2):\n"
                              "  override: entity 'us' (%s/entities.yaml:4 → %s/us.yaml:2)\n"
                              "  override: contradiction 'negation-flip' (%s/entities.yaml:8 → %s/us.yaml:6)\n",
                              a, b, a, b);
  assert_true (g_str_has_suffix (out->str, expected));
  assert_int_equal (summary_count (out->str, "entities"), 2);
  assert_int_equal (summary_count (out->str, "aliases"), 2);
  remove_tree (a);
  remove_tree (b);
}

/* The seed corpus replaces the default `begin` action. */
static void
test_check_story (void **state)
{
  g_autofree char *def = test_path ("rules");
  g_autofree char *story = test_path ("corpus/.xref/rules");
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) err = g_string_new (NULL);
  g_autofree char *prefix = g_strdup_printf ("  override: action 'begin' (%s/actions.yaml:", def);
  g_autofree char *by = g_strdup_printf (" → %s/story.yaml:", story);
  const char *dirs[] = { def, story };
  const char *line;

  assert_int_equal (xref_cmd_rules_check (dirs, 2, out, err), XREF_EXIT_OK);
  line = strstr (out->str, prefix);
  assert_non_null (line);
  assert_non_null (strstr (line, by));
  assert_true (strstr (line, by) < strchr (line, '\n'));
}

static void
test_check_errors (void **state)
{
  g_autofree char *a = g_dir_make_tmp ("xref-rules-cmd-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (a, "missing", NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) err = g_string_new (NULL);
  g_autofree char *expected = NULL;
  const char *dirs[] = { a, missing };

  write_file (a, "bad.yaml",
              "entities:\n"
              "  - {id: us, type: contry}\n"
              "  - id: lavrov\n"
              "    type: person\n"
              "    examples:\n"
              "      - text: Lavrov spoke.\n"
              "        mentions: [lavorv]\n");

  assert_int_equal (xref_cmd_rules_check (dirs, 1, out, err), XREF_EXIT_ERROR);
  assert_string_equal (out->str, "");
  /* Every error, one per line, then the count. */
  expected = g_strdup_printf ("%s/bad.yaml:2:20: invalid type 'contry'; did you mean 'country'?\n"
                              "%s/bad.yaml:7:20: 'mentions' refers to undefined entity 'lavorv'; did you mean "
                              "'lavrov'?\n"
                              "xref: error: rules check: 2 errors in the rules\n",
                              a, a);
  assert_string_equal (err->str, expected);

  /* A missing folder is named (references wait for every file). */
  g_string_truncate (err, 0);
  assert_int_equal (xref_cmd_rules_check (dirs, 2, out, err), XREF_EXIT_ERROR);
  g_free (expected);
  expected = g_strdup_printf ("%s: rules folder does not exist\n", missing);
  assert_non_null (strstr (err->str, expected));

  /* The same for `test`, which runs nothing. */
  g_string_truncate (err, 0);
  assert_int_equal (xref_cmd_rules_test (dirs, 1, FALSE, out, err), XREF_EXIT_ERROR);
  assert_string_equal (out->str, "");
  assert_non_null (strstr (err->str, "xref: error: rules test: 2 errors in the rules\n"));
  remove_tree (a);
}

/* ---- rules test -------------------------------------------------------- */

static const char example_rules[] =
  "entities:\n"
  "  - id: us\n"
  "    type: country\n"
  "    aliases: [United States, US, Washington]\n"
  "    examples:\n"
  "      - text: \"Washington will send tanks to Kyiv.\"\n" /* line 6: passes */
  "        mentions: [us, ukraine]\n"
  "      - text: \"Tell us more.\"\n" /* line 8: fails, "us" is no alias */
  "        mentions: [us]\n"
  "      - text: \"The US will send tanks.\"\n" /* line 10: fails */
  "        not_mentions: [us]\n"
  "  - {id: ukraine, type: country, aliases: [Ukraine, Kyiv]}\n"
  "actions:\n"
  "  - id: send\n"
  "    verbs: [send]\n"
  "    slots: [recipient]\n"
  "    examples:\n"
  "      - text: \"Washington will send tanks to Kyiv.\"\n" /* line 18: passes */
  "        claim: {actor: us, action: send, polarity: affirmed, speaker: null}\n"
  "        slot: {recipient: ukraine}\n"
  "      - text: \"Washington will not send tanks to Kyiv.\"\n" /* line 21: fails */
  "        claim: {actor: us, action: send, polarity: affirmed}\n"
  "      - text: \"Washington will not send tanks to Kyiv.\"\n" /* line 23: fails */
  "        no_claim: {action: send}\n"
  "      - text: \"The weather was fine.\"\n" /* line 25: fails */
  "        claim: {action: send}\n"
  "slots:\n"
  "  - id: recipient\n"
  "    patterns: ['\\bto (?<value>[A-Z]\\w+)']\n"
  "contradictions:\n"
  "  - id: negation-flip\n"
  "    kind: polarity\n"
  "    examples:\n"
  "      - sources: [\"Washington will send tanks to Kyiv.\", \"Washington will not send tanks to Kyiv.\"]\n"
  "        row: {slot: polarity, verdict: differ}\n" /* line 34: passes */
  "      - sources: [\"Washington will send tanks to Kyiv.\", \"Washington will send tanks to Kyiv.\"]\n"
  "        row: {slot: polarity}\n" /* line 36: fails, the sources agree */
  "boilerplate:\n"
  "  - id: search\n"
  "    line: '^Search$'\n"
  "    examples:\n"
  "      - line: \"Search\"\n"  /* line 42: passes */
  "      - keep: \"Search teams left.\"\n" /* line 43: passes */
  "      - line: \"Search now\"\n" /* line 44: fails */
  "      - keep: \"Search\"\n";   /* line 45: fails */

static void
test_examples (void **state)
{
  g_autofree char *def = test_path ("rules");
  g_autofree char *a = g_dir_make_tmp ("xref-rules-cmd-XXXXXX", NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) err = g_string_new (NULL);
  g_autoptr (GString) expected = g_string_new (NULL);
  const char *dirs[] = { a };
  const char *f;

  /* The lexicon of the default rules (modals, negations, speech verbs)
   * with nothing else of them. */
  {
    g_autofree char *lexicon = read_file (def, "lexicon.yaml");
    write_file (a, "lexicon.yaml", lexicon);
  }
  write_file (a, "rules.yaml", example_rules);
  f = xref_intern (a);

#define OK(line) g_string_append_printf (expected, "ok %s/rules.yaml:%d\n", f, line)
#define FAIL(line, why) g_string_append_printf (expected, "FAIL %s/rules.yaml:%d: %s\n", f, line, why)
  OK (6);
  FAIL (8, "expected a mention of 'us', got none");
  FAIL (10, "expected no mention of 'us', got [us]");
  OK (18);
  FAIL (21, "expected claim {actor: us, action: send, polarity: affirmed}, got {actor: us, action: send, polarity: "
            "negated}");
  FAIL (23, "expected no claim {action: send}, got {action: send}");
  FAIL (25, "expected claim {action: send}, got no claim");
  OK (34);
  FAIL (36, "expected row {rule: negation-flip, slot: polarity}, got {rule: agree:event, slot: event} (the closest "
            "of 2 rows)");
  OK (42);
  OK (43);
  FAIL (44, "expected 'search' to match the line, got no match");
  FAIL (45, "expected 'search' not to match the line, got a match");
  g_string_append (expected, "rules test: 5 passed, 8 failed\n");
#undef OK
#undef FAIL

  assert_int_equal (xref_cmd_rules_test (dirs, 1, FALSE, out, err), 1);
  assert_string_equal (err->str, "");
  assert_string_equal (out->str, expected->str);

  /* --quiet: the failures and the total only. */
  g_string_truncate (out, 0);
  assert_int_equal (xref_cmd_rules_test (dirs, 1, TRUE, out, err), 1);
  assert_null (strstr (out->str, "ok "));
  assert_non_null (strstr (out->str, "rules.yaml:8: expected a mention of 'us', got none\n"));
  assert_true (g_str_has_suffix (out->str, "rules test: 5 passed, 8 failed\n"));
  remove_tree (a);
}

/* Examples that all hold: exit status 0. */
static void
test_examples_pass (void **state)
{
  g_autofree char *a = g_dir_make_tmp ("xref-rules-cmd-XXXXXX", NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) err = g_string_new (NULL);
  g_autofree char *expected = NULL;
  const char *dirs[] = { a };

  write_file (a, "x.yaml",
              "entities:\n"
              "  - id: nato\n"
              "    type: organisation\n"
              "    aliases: [NATO]\n"
              "    examples:\n"
              "      - {text: \"NATO met.\", mentions: [nato]}\n"
              "      - {text: \"Nato met.\", not_mentions: [nato]}\n");
  assert_int_equal (xref_cmd_rules_test (dirs, 1, FALSE, out, err), XREF_EXIT_OK);
  expected = g_strdup_printf ("ok %s/x.yaml:6\nok %s/x.yaml:7\nrules test: 2 passed, 0 failed\n", a, a);
  assert_string_equal (out->str, expected);
  remove_tree (a);
}

/* The default rules and the seed story's rules hold their examples; a
 * replaced definition (the story's `begin`) takes its examples along. */
static void
test_default_examples (void **state)
{
  g_autofree char *def = test_path ("rules");
  g_autofree char *story = test_path ("corpus/.xref/rules");
  const char *both[] = { def, story };
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRules) r = xref_rules_load (both, 2, &error);
  guint n_entity = 0, n_action = 0, n_slot = 0, n_contra = 0, n_boiler = 0;

  g_autoptr (GString) failures = g_string_new (NULL);

  assert_no_error (error);
  for (guint i = 0; i < r->examples->len; i++)
    {
      const XrefExample *ex = g_ptr_array_index (r->examples, i);
      g_autoptr (GString) why = g_string_new (NULL);

      /* Every failure is listed, then the test fails once. */
      if (!xref_cmd_rules_example (r, ex, why))
        g_string_append_printf (failures, "\n  %s:%d: %s", ex->origin.file, ex->origin.line, why->str);
      n_entity += ex->of == XREF_EXAMPLE_ENTITY;
      n_action += ex->of == XREF_EXAMPLE_ACTION;
      n_slot += ex->of == XREF_EXAMPLE_SLOT;
      n_contra += ex->of == XREF_EXAMPLE_CONTRADICTION;
      n_boiler += ex->of == XREF_EXAMPLE_BOILERPLATE;
      /* In file order, then line order. */
      if (i > 0)
        {
          const XrefExample *prev = g_ptr_array_index (r->examples, i - 1);
          if (prev->origin.file == ex->origin.file)
            assert_true (prev->origin.line < ex->origin.line);
        }
      /* The default begin was replaced: its examples are not run. */
      if (ex->rule == xref_intern ("begin"))
        assert_true (g_str_has_suffix (ex->origin.file, "story.yaml"));
    }
  if (failures->len > 0)
    {
      /* fail_msg jumps out of the test: keep the text, free the rest. */
      static char text[8192];
      g_strlcpy (text, failures->str, sizeof text);
      g_string_free (g_steal_pointer (&failures), TRUE);
      g_clear_pointer (&r, xref_rules_free);
      g_clear_pointer (&def, g_free);
      g_clear_pointer (&story, g_free);
      fail_msg ("examples of the default and story rules that fail:%s", text);
    }
  assert_true (n_entity >= 12);
  assert_true (n_action >= 8);
  assert_true (n_slot >= 6);
  assert_true (n_contra >= 5);
  /* At least one example per boilerplate rule. */
  assert_true (n_boiler >= r->boilerplate->len);
  for (guint b = 0; b < r->boilerplate->len; b++)
    {
      const XrefBoilerplate *bp = g_ptr_array_index (r->boilerplate, b);
      gboolean found = FALSE;
      for (guint i = 0; i < r->examples->len && !found; i++)
        found = ((const XrefExample *) g_ptr_array_index (r->examples, i))->rule == bp->id;
      if (!found)
        fail_msg ("boilerplate '%s' has no example", bp->id);
    }

  /* The command agrees, on both folders and on the defaults alone. */
  {
    g_autoptr (GString) out = g_string_new (NULL);
    g_autoptr (GString) err = g_string_new (NULL);
    g_autofree char *total = g_strdup_printf ("rules test: %u passed, 0 failed\n", r->examples->len);
    assert_int_equal (xref_cmd_rules_test (both, 2, TRUE, out, err), XREF_EXIT_OK);
    assert_string_equal (out->str, total);
    g_string_truncate (out, 0);
    assert_int_equal (xref_cmd_rules_test (both, 1, TRUE, out, err), XREF_EXIT_OK);
    assert_true (g_str_has_suffix (out->str, " passed, 0 failed\n"));
  }
  /* The main entries named in rules/README.md's promise. */
  {
    static const char *const must[] = { "us", "russia", "ukraine", "lavrov", "peskov", "putin", "send", "train",
                                        "begin", "deploy", "location", "recipient", "timeline" };
    for (guint k = 0; k < G_N_ELEMENTS (must); k++)
      {
        gboolean found = FALSE;
        for (guint i = 0; i < r->examples->len && !found; i++)
          found = ((const XrefExample *) g_ptr_array_index (r->examples, i))->rule == xref_intern (must[k]);
        if (!found)
          fail_msg ("'%s' has no example", must[k]);
      }
  }
}

/* Every example of rules/README.md holds (on top of the default rules,
 * the README's yaml blocks put together in one file). */
static void
test_readme_examples (void **state)
{
  g_autofree char *readme = test_path ("rules/README.md");
  g_autofree char *def = test_path ("rules");
  g_autofree char *tmp = g_dir_make_tmp ("xref-rules-cmd-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (tmp, "readme.yaml", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GString) yaml = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean in = FALSE;
  guint n = 0;

  assert_true (g_file_get_contents (readme, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (!in && strcmp (lines[i], "```yaml") == 0)
        in = TRUE;
      else if (in && strcmp (lines[i], "```") == 0)
        in = FALSE;
      else if (in)
        g_string_append_printf (yaml, "%s\n", lines[i]);
    }
  write_file (tmp, "readme.yaml", yaml->str);

  const char *dirs[] = { def, tmp };
  g_autoptr (XrefRules) r = xref_rules_load (dirs, 2, &error);
  assert_no_error (error);
  for (guint i = 0; i < r->examples->len; i++)
    {
      const XrefExample *ex = g_ptr_array_index (r->examples, i);
      g_autoptr (GString) why = g_string_new (NULL);
      if (strcmp (ex->origin.file, file) != 0)
        continue;
      n++;
      if (!xref_cmd_rules_example (r, ex, why))
        fail_msg ("README example (%s:%d): %s", ex->origin.file, ex->origin.line, why->str);
    }
  /* entities, actions, slots, contradictions, boilerplate (two). */
  assert_int_equal (n, 6);
  remove_tree (tmp);
}

/* ---- a rule edit changes the report, no rebuild ------------------------ */

/* Loads dirs, runs the pipeline on corpus and matches. */
static XrefRun *
run_corpus (const char *rules_dir, const char *corpus)
{
  g_autoptr (GError) error = NULL;
  XrefRun *run = xref_run_new ();
  const char *dirs[] = { rules_dir, NULL };
  const char *paths[] = { corpus, NULL };

  assert_true (xref_run_load_rules (run, dirs, &error));
  assert_no_error (error);
  assert_true (xref_run_extract (run, paths, 1, &error));
  assert_no_error (error);
  xref_run_match (run);
  return run;
}

static const XrefRow *
find_row (const XrefRun *run, const char *actor, const char *action, const char *slot)
{
  for (guint i = 0; i < run->rows->len; i++)
    {
      const XrefRow *row = g_ptr_array_index (run->rows, i);
      if (g_strcmp0 (row->actor, actor) == 0 && g_strcmp0 (row->action, action) == 0
          && g_strcmp0 (row->slot, slot) == 0)
        return row;
    }
  return NULL;
}

static gboolean
has_claim (const XrefRun *run, const char *doc_suffix, const char *action)
{
  for (guint d = 0; d < run->documents->len; d++)
    {
      const XrefDocument *doc = g_ptr_array_index (run->documents, d);
      if (!g_str_has_suffix (doc->id, doc_suffix))
        continue;
      for (guint i = 0; i < doc->claims->len; i++)
        if (g_strcmp0 (((const XrefClaim *) g_ptr_array_index (doc->claims, i))->action.id, action) == 0)
          return TRUE;
    }
  return FALSE;
}

static char *
render_json (const XrefRun *run)
{
  g_autoptr (GError) error = NULL;
  GString *out = g_string_new (NULL);
  XrefReport report = { 0 };

  report.rules = run->rules;
  report.documents = run->documents;
  report.rows = run->rows;
  assert_true (xref_render (&report, XREF_FORMAT_JSON, out, &error));
  assert_no_error (error);
  return g_string_free (out, FALSE);
}

static void
test_edit_changes_report (void **state)
{
  g_autofree char *rules = copy_default_rules ();
  g_autofree char *corpus = g_dir_make_tmp ("xref-rules-cmd-corpus-XXXXXX", NULL);
  g_autoptr (XrefRun) before = NULL;
  g_autoptr (XrefRun) after = NULL;
  g_autofree char *json_before = NULL, *json_after = NULL;
  const XrefRow *row;

  /* Two sources on one shipment; the second spells the capital in a way
   * the default rules do not know, the third uses a verb they lack. */
  write_file (corpus, "a.txt", "Washington will send tanks to Kyiv.\n");
  write_file (corpus, "b.txt", "Washington will send tanks to Kyyiv.\n");
  write_file (corpus, "c.txt", "Germany will dispatch howitzers to Ukraine.\n");

  before = run_corpus (rules, corpus);
  row = find_row (before, "us", "send", "recipient");
  assert_non_null (row);
  assert_int_equal (row->verdict, XREF_VERDICT_DIFFER);
  assert_false (has_claim (before, "c.txt", "send"));
  json_before = render_json (before);
  assert_non_null (strstr (json_before, "\"kyyiv\""));

  /* A rule author adds a spelling and a verb; the same binary reads them. */
  add_to_list (rules, "entities.yaml", "ukraine", "aliases", "Kyyiv, ");
  add_to_list (rules, "actions.yaml", "send", "verbs", "dispatch, ");
  {
    g_autoptr (GString) out = g_string_new (NULL);
    g_autoptr (GString) err = g_string_new (NULL);
    const char *dirs[] = { rules };
    assert_int_equal (xref_cmd_rules_check (dirs, 1, out, err), XREF_EXIT_OK);
  }

  after = run_corpus (rules, corpus);
  row = find_row (after, "us", "send", "recipient");
  assert_non_null (row);
  assert_int_equal (row->verdict, XREF_VERDICT_AGREE);
  assert_int_equal (row->n_states, 2);
  for (guint i = 0; i < row->sources->len; i++)
    {
      const XrefSource *src = &g_array_index (row->sources, XrefSource, i);
      if (src->states)
        assert_string_equal (src->value, "ukraine");
    }
  assert_true (has_claim (after, "c.txt", "send"));
  json_after = render_json (after);
  assert_null (strstr (json_after, "\"kyyiv\""));
  assert_string_not_equal (json_before, json_after);

  remove_tree (rules);
  remove_tree (corpus);
}

/* ---- the loader's fast path for simple phrases ------------------------- */

/* Phrases of ASCII letters and single spaces skip the tokenizer's Unicode
 * classification: they must come out exactly as xref_tokenize splits
 * them, and every other phrase must go through it. */
static void
test_phrase_tokens (void **state)
{
  g_autofree char *long_word = g_strnfill (300, 'a');
  const char *phrases[] = { "Sergei Lavrov", "US", "a", "the White House", "Kyiv", "NATO Summit", "mIxed CaSe",
                            "abc  def", " lead", "trail ", "U.S.", "Russia's", "Russia’s", "don't", "anti-aircraft",
                            "Zelenskyy", "Türkiye", "F16", "send * troops into", "‘Patriot’ missiles", long_word,
                            "A", "I", "x y z" };

  for (guint i = 0; i < G_N_ELEMENTS (phrases); i++)
    {
      g_autoptr (GArray) fast = xref_rules_phrase_tokens (phrases[i]);
      g_autoptr (GArray) slow = g_array_new (FALSE, FALSE, sizeof (XrefToken));

      xref_tokenize (phrases[i], 0, strlen (phrases[i]), slow);
      if (fast->len != slow->len)
        fail_msg ("'%s': %u tokens, the tokenizer gives %u", phrases[i], fast->len, slow->len);
      for (guint k = 0; k < fast->len; k++)
        {
          const XrefToken *a = &g_array_index (fast, XrefToken, k), *b = &g_array_index (slow, XrefToken, k);
          if (a->start != b->start || a->end != b->end || a->kind != b->kind || a->form != b->form
              || a->norm != b->norm || a->flags != b->flags)
            fail_msg ("'%s': token %u differs from the tokenizer's ('%s' '%s' %u, not '%s' '%s' %u)", phrases[i], k,
                      a->form, a->norm, a->flags, b->form, b->norm, b->flags);
        }
    }
}

/* ---- the command line -------------------------------------------------- */

static void
test_cmd_usage (void **state)
{
  char *none[] = { NULL };
  char *bad[] = { (char *) "frobnicate", NULL };
  char *opt[] = { (char *) "check", (char *) "--no-such-option", NULL };

  assert_int_equal (xref_cmd_rules (0, none), XREF_EXIT_ERROR);
  assert_int_equal (xref_cmd_rules (1, bad), XREF_EXIT_ERROR);
  assert_int_equal (xref_cmd_rules (2, opt), XREF_EXIT_ERROR);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_check_counts),
    cmocka_unit_test (test_check_default),
    cmocka_unit_test (test_check_overrides),
    cmocka_unit_test (test_check_story),
    cmocka_unit_test (test_check_errors),
    cmocka_unit_test (test_examples),
    cmocka_unit_test (test_examples_pass),
    cmocka_unit_test (test_default_examples),
    cmocka_unit_test (test_readme_examples),
    cmocka_unit_test (test_edit_changes_report),
    cmocka_unit_test (test_phrase_tokens),
    cmocka_unit_test (test_cmd_usage),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
