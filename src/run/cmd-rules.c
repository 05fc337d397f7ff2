/* xref — `xref rules check` and `xref rules test`: commands for rule
 * authors.
 *
 * check loads rule folders as a run would and tells what they hold: the
 * files read, how many entities, aliases, verbs … and which definitions a
 * later folder replaced.  test runs the `examples:` written beside the
 * rules through the real pipeline, in memory (ingest → text → temporal →
 * extract, and match for rows), and says for each whether the rules still
 * do what their author showed.  The example schema is in rules/README.md. */
#include "xref/run.h"

#include <stdio.h>
#include <string.h>

/* ---- loading ----------------------------------------------------------- */

/* Loads dirs, or the default folder when there are none.  On failure
 * writes every error to err, one per line, and returns NULL. */
static XrefRules *
load (const char *const *dirs, guint n_dirs, const char *command, GString *err)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *def = NULL;
  const char *one[1];
  XrefRules *rules;

  if (n_dirs == 0)
    {
      def = xref_rules_default_dir ();
      if (def == NULL)
        {
          g_string_append_printf (err, "xref: error: no default rules folder found (set XREF_RULES or name the "
                                       "folders: xref rules %s DIR…)\n",
                                  command);
          return NULL;
        }
      one[0] = def;
      dirs = one;
      n_dirs = 1;
    }
  rules = xref_rules_load (dirs, n_dirs, &error);
  if (rules == NULL)
    {
      g_auto (GStrv) lines = g_strsplit (error->message, "\n", -1);
      guint n = g_strv_length (lines);

      /* One "file:line:col: message" per line, as compilers print them, so
       * that editors can jump to each. */
      for (guint i = 0; i < n; i++)
        g_string_append_printf (err, "%s\n", lines[i]);
      g_string_append_printf (err, "xref: error: rules %s: %u error%s in the rules\n", command, n, n == 1 ? "" : "s");
    }
  return rules;
}

/* ---- check ------------------------------------------------------------- */

static void
count_line (GString *out, const char *what, guint n, gboolean sub)
{
  g_string_append_printf (out, "%s%-*s %6u\n", sub ? "  " : "", sub ? 16 : 18, what, n);
}

int
xref_cmd_rules_check (const char *const *dirs, guint n_dirs, GString *out, GString *err)
{
  g_autoptr (XrefRules) rules = load (dirs, n_dirs, "check", err);
  const XrefRulesCounts *n;

  if (rules == NULL)
    return XREF_EXIT_ERROR;
  n = &rules->counts;

  g_string_append (out, "rules check: ok\n");
  g_string_append_printf (out, "folders (%u):\n", rules->dirs->len);
  for (guint i = 0; i < rules->dirs->len; i++)
    g_string_append_printf (out, "  %s\n", (const char *) g_ptr_array_index (rules->dirs, i));
  g_string_append_printf (out, "files read (%u):\n", rules->files->len);
  for (guint i = 0; i < rules->files->len; i++)
    g_string_append_printf (out, "  %s\n", (const char *) g_ptr_array_index (rules->files, i));

  g_string_append (out, "counts:\n");
  count_line (out, "entities", n->entities, TRUE);
  count_line (out, "aliases", n->aliases, TRUE);
  count_line (out, "roles", n->roles, TRUE);
  count_line (out, "demonyms", n->demonyms, TRUE);
  count_line (out, "actions", n->actions, TRUE);
  count_line (out, "verbs", n->verbs, TRUE);
  count_line (out, "verb forms", n->verb_forms, TRUE);
  count_line (out, "nouns", n->nouns, TRUE);
  count_line (out, "slots", n->slots, TRUE);
  count_line (out, "contradictions", n->contradictions, TRUE);
  count_line (out, "boilerplate", n->boilerplate, TRUE);
  count_line (out, "outlets", n->outlets, TRUE);
  count_line (out, "abbreviations", n->abbreviations, TRUE);
  count_line (out, "speech verbs", n->speech_verbs, TRUE);
  count_line (out, "modal phrases", n->modal_phrases, TRUE);
  count_line (out, "examples", n->examples, TRUE);

  if (rules->overrides->len == 0)
    g_string_append (out, "overrides: none\n");
  else
    g_string_append_printf (out, "overrides (%u):\n", rules->overrides->len);
  for (guint i = 0; i < rules->overrides->len; i++)
    {
      const XrefRuleOverride *o = g_ptr_array_index (rules->overrides, i);
      g_string_append_printf (out, "  override: %s '%s' (%s:%d → %s:%d)\n", o->kind, o->id, o->replaced.file,
                              o->replaced.line, o->by.file, o->by.line);
    }
  return XREF_EXIT_OK;
}

/* ---- test: running an example ------------------------------------------ */

typedef const char *(*FieldFn) (gconstpointer record, const XrefExpect *e);

static const char *
claim_field (gconstpointer record, const XrefExpect *e)
{
  const XrefClaim *c = record;

  if (e->slot)
    {
      const XrefSlotValue *v = xref_claim_slot (c, e->key);
      return v != NULL ? v->value : NULL;
    }
  if (strcmp (e->key, "actor") == 0)
    return c->actor.id;
  if (strcmp (e->key, "action") == 0)
    return c->action.id;
  if (strcmp (e->key, "object") == 0)
    return c->object.id;
  if (strcmp (e->key, "date") == 0)
    return c->date.id;
  if (strcmp (e->key, "speaker") == 0)
    return c->speaker.id;
  if (strcmp (e->key, "source") == 0)
    return c->source.id;
  if (strcmp (e->key, "polarity") == 0)
    return xref_polarity_name (c->polarity);
  if (strcmp (e->key, "modality") == 0)
    return xref_modality_name (c->modality);
  return NULL;
}

static const char *
row_field (gconstpointer record, const XrefExpect *e)
{
  const XrefRow *r = record;

  if (strcmp (e->key, "actor") == 0)
    return r->actor;
  if (strcmp (e->key, "action") == 0)
    return r->action;
  if (strcmp (e->key, "object") == 0)
    return r->object;
  if (strcmp (e->key, "slot") == 0)
    return r->slot;
  if (strcmp (e->key, "verdict") == 0)
    return xref_verdict_name (r->verdict);
  if (strcmp (e->key, "rule") == 0)
    return r->rule;
  return NULL;
}

/* How many of the expected fields record has. */
static guint
n_matching (gconstpointer record, GArray *expect, FieldFn field)
{
  guint n = 0;

  for (guint i = 0; i < expect->len; i++)
    {
      const XrefExpect *e = &g_array_index (expect, XrefExpect, i);
      if (g_strcmp0 (field (record, e), e->value) == 0)
        n++;
    }
  return n;
}

/* "{actor: us, action: send}": the expected fields, with the values of
 * record when it is not NULL. */
static void
describe (GString *out, gconstpointer record, GArray *expect, FieldFn field)
{
  g_string_append_c (out, '{');
  for (guint i = 0; i < expect->len; i++)
    {
      const XrefExpect *e = &g_array_index (expect, XrefExpect, i);
      const char *v = record != NULL ? field (record, e) : e->value;
      g_string_append_printf (out, "%s%s: %s", i > 0 ? ", " : "", e->key, v != NULL ? v : "null");
    }
  g_string_append_c (out, '}');
}

/* The record of records (a GPtrArray) with the most expected fields. */
static gconstpointer
closest (GPtrArray *records, GArray *expect, FieldFn field, guint *best_n)
{
  gconstpointer best = NULL;

  *best_n = 0;
  for (guint i = 0; i < records->len; i++)
    {
      gconstpointer r = g_ptr_array_index (records, i);
      guint n = n_matching (r, expect, field);
      if (best == NULL || n > *best_n)
        {
          best = r;
          *best_n = n;
        }
    }
  return best;
}

/* `claim` / `row` (want TRUE): one record has every expected field;
 * `no_claim` / `no_row` (want FALSE): none has them all. */
static gboolean
expect_records (GPtrArray *records, GArray *expect, FieldFn field, gboolean want, const char *what, guint n_claims,
                GString *why)
{
  guint n = 0;
  gconstpointer best = closest (records, expect, field, &n);
  gboolean found = best != NULL && n == expect->len;

  if (found == want)
    return TRUE;
  g_string_append_printf (why, "expected %s%s ", want ? "" : "no ", what);
  describe (why, NULL, expect, field);
  if (best == NULL && field == row_field)
    g_string_append_printf (why, ", got no row (from %u claim%s)", n_claims, n_claims == 1 ? "" : "s");
  else if (best == NULL)
    g_string_append_printf (why, ", got no %s", what);
  else
    {
      g_string_append (why, ", got ");
      describe (why, best, expect, field);
      if (want && records->len > 1)
        g_string_append_printf (why, " (the closest of %u %ss)", records->len, what);
    }
  return FALSE;
}

/* The ids of every entity phrase in the documents, in text order: the
 * phrase table on the text stage's tokens, longest match first, as
 * extract reads them. */
static GPtrArray *
mentions_of (GPtrArray *docs, const XrefRules *rules)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint d = 0; d < docs->len; d++)
    {
      const XrefDocument *doc = g_ptr_array_index (docs, d);
      for (guint s = 0; s < doc->sentences->len; s++)
        {
          const XrefSentence *sent = &g_array_index (doc->sentences, XrefSentence, s);
          const XrefToken *toks = xref_sentence_tokens (doc, sent);
          for (guint i = 0; i < sent->n_tokens;)
            {
              gconstpointer v = NULL;
              guint len = xref_phrase_table_match (rules->entity_phrases, toks, sent->n_tokens, i, &v);
              if (len > 0 && v != NULL)
                {
                  g_ptr_array_add (ids, (gpointer) ((const XrefEntityMatch *) v)->entity->id);
                  i += len;
                }
              else
                i++;
            }
        }
    }
  return ids;
}

static gboolean
contains_id (GPtrArray *ids, const char *id)
{
  for (guint i = 0; i < ids->len; i++)
    if (strcmp (g_ptr_array_index (ids, i), id) == 0)
      return TRUE;
  return FALSE;
}

static void
append_ids (GString *out, GPtrArray *ids)
{
  if (ids->len == 0)
    {
      g_string_append (out, "none");
      return;
    }
  g_string_append_c (out, '[');
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (ids, i));
  g_string_append_c (out, ']');
}

static gboolean
expect_mentions (GPtrArray *found, GPtrArray *ids, gboolean want, GString *why)
{
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      if (contains_id (found, id) == want)
        continue;
      g_string_append_printf (why, "expected %smention of '%s', got ", want ? "a " : "no ", id);
      append_ids (why, found);
      return FALSE;
    }
  return TRUE;
}

static const XrefBoilerplate *
boilerplate_rule (const XrefRules *rules, const char *id)
{
  for (guint i = 0; i < rules->boilerplate->len; i++)
    {
      const XrefBoilerplate *b = g_ptr_array_index (rules->boilerplate, i);
      if (b->id == id || g_strcmp0 (b->id, id) == 0)
        return b;
    }
  return NULL;
}

/* TRUE when [s, e) overlaps a span of spans (XrefSpan). */
static gboolean
overlaps (GArray *spans, gsize s, gsize e)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const XrefSpan *sp = &g_array_index (spans, XrefSpan, i);
      if (sp->start < e && s < sp->end)
        return TRUE;
    }
  return FALSE;
}

/* A boilerplate example: the rule's own regex must match a `line` (and not
 * a `keep`), and ingest must drop the line (keep it). */
static gboolean
run_boilerplate (const XrefRules *rules, const XrefExample *ex, const char *id, GString *why)
{
  const XrefBoilerplate *bp = boilerplate_rule (rules, ex->rule);
  const char *line = ex->line != NULL ? ex->line : ex->keep;
  gboolean drop = ex->line != NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefDocument) doc = NULL;
  g_autofree char *text = NULL;
  XrefSpan m, v;
  gboolean matched, kept;

  if (bp == NULL || line == NULL)
    {
      g_string_append_printf (why, "boilerplate rule '%s' is not in force", ex->rule);
      return FALSE;
    }
  matched = xref_regex_match (bp->line, line, strlen (line), 0, &m, &v, &error);
  if (error != NULL)
    {
      g_string_append_printf (why, "boilerplate '%s': %s", bp->id, error->message);
      return FALSE;
    }
  if (matched != drop)
    {
      g_string_append_printf (why, "expected '%s' %s the line, got %s", bp->id, drop ? "to match" : "not to match",
                              drop ? "no match" : "a match");
      return FALSE;
    }

  /* The line as an article of its own. */
  text = g_strconcat (line, "\n", NULL);
  doc = xref_ingest_bytes (id, text, strlen (text), NULL, rules, &error);
  if (doc == NULL)
    {
      g_string_append_printf (why, "cannot ingest the line: %s", error->message);
      return FALSE;
    }
  kept = overlaps (doc->regions, 0, strlen (line)) || overlaps (doc->headings, 0, strlen (line));
  if (kept == !drop)
    return TRUE;
  if (drop)
    {
      g_string_append (why, "expected the line dropped, got it kept");
      return FALSE;
    }
  g_string_append (why, "expected the line kept, got it dropped");
  for (guint i = 0; i < rules->boilerplate->len; i++)
    {
      const XrefBoilerplate *other = g_ptr_array_index (rules->boilerplate, i);
      g_autoptr (GError) e2 = NULL;
      if (xref_regex_match (other->line, line, strlen (line), 0, &m, &v, &e2))
        {
          g_string_append_printf (why, " by boilerplate '%s'", other->id);
          break;
        }
    }
  return FALSE;
}

gboolean
xref_cmd_rules_example (const XrefRules *rules, const XrefExample *ex, GString *why)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  g_autoptr (GPtrArray) claims = g_ptr_array_new ();
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *base = g_strdup_printf ("%s:%d", ex->origin.file, ex->origin.line);
  XrefMeta meta = { 0 };

  if (ex->of == XREF_EXAMPLE_BOILERPLATE)
    return run_boilerplate (rules, ex, base, why);

  meta.date = ex->published;
  for (guint i = 0; i < ex->texts->len; i++)
    {
      const char *text = g_ptr_array_index (ex->texts, i);
      g_autofree char *id = ex->texts->len > 1 ? g_strdup_printf ("%s#%u", base, i + 1) : g_strdup (base);
      g_autoptr (GError) error = NULL;
      XrefDocument *doc;

      doc = xref_ingest_bytes (id, text, strlen (text), ex->published.year > 0 ? &meta : NULL, rules, &error);
      if (doc == NULL)
        {
          g_string_append_printf (why, "cannot ingest the text: %s", error->message);
          return FALSE;
        }
      xref_text_segment (doc, rules);
      xref_temporal_tag (doc, rules);
      g_ptr_array_add (docs, doc);
    }
  xref_temporal_resolve_corpus (docs, rules);
  for (guint i = 0; i < docs->len; i++)
    {
      XrefDocument *doc = g_ptr_array_index (docs, i);
      xref_extract_claims (doc, rules);
      for (guint j = 0; j < doc->claims->len; j++)
        g_ptr_array_add (claims, g_ptr_array_index (doc->claims, j));
    }

  if (ex->mentions != NULL || ex->not_mentions != NULL)
    {
      g_autoptr (GPtrArray) found = mentions_of (docs, rules);
      if (ex->mentions != NULL && !expect_mentions (found, ex->mentions, TRUE, why))
        return FALSE;
      if (ex->not_mentions != NULL && !expect_mentions (found, ex->not_mentions, FALSE, why))
        return FALSE;
    }
  if (ex->claim != NULL && !expect_records (claims, ex->claim, claim_field, TRUE, "claim", claims->len, why))
    return FALSE;
  if (ex->no_claim != NULL && !expect_records (claims, ex->no_claim, claim_field, FALSE, "claim", claims->len, why))
    return FALSE;
  if (ex->row != NULL || ex->no_row != NULL)
    {
      /* Rows borrow the claims: freed before the documents. */
      rows = xref_match (docs, rules);
      if (ex->row != NULL && !expect_records (rows, ex->row, row_field, TRUE, "row", claims->len, why))
        return FALSE;
      if (ex->no_row != NULL && !expect_records (rows, ex->no_row, row_field, FALSE, "row", claims->len, why))
        return FALSE;
    }
  return TRUE;
}

/* ---- test -------------------------------------------------------------- */

int
xref_cmd_rules_test (const char *const *dirs, guint n_dirs, gboolean quiet, GString *out, GString *err)
{
  g_autoptr (XrefRules) rules = load (dirs, n_dirs, "test", err);
  guint passed = 0, failed = 0;

  if (rules == NULL)
    return XREF_EXIT_ERROR;
  for (guint i = 0; i < rules->examples->len; i++)
    {
      const XrefExample *ex = g_ptr_array_index (rules->examples, i);
      g_autoptr (GString) why = g_string_new (NULL);

      if (xref_cmd_rules_example (rules, ex, why))
        {
          passed++;
          if (!quiet)
            g_string_append_printf (out, "ok %s:%d\n", ex->origin.file, ex->origin.line);
        }
      else
        {
          failed++;
          g_string_append_printf (out, "FAIL %s:%d: %s\n", ex->origin.file, ex->origin.line, why->str);
        }
    }
  g_string_append_printf (out, "rules test: %u passed, %u failed\n", passed, failed);
  return failed > 0 ? XREF_EXIT_DIFFER : XREF_EXIT_OK;
}

/* ---- the command ------------------------------------------------------- */

static const char usage[] = "usage: xref rules check [DIR…]\n"
                            "       xref rules test [--quiet] [DIR…]\n";

static const char description[] =
  "check  loads the rule folders (default: the default rules folder) in order\n"
  "       and prints the files read, what they define and the definitions a\n"
  "       later folder replaced.\n"
  "test   runs the examples: of every rule through the pipeline and prints\n"
  "       ok FILE:LINE or FAIL FILE:LINE: expected …, got ….\n"
  "\n"
  "Exit status: 0 all well, 1 an example failed (test), 2 usage or rules error.\n"
  "The example schema is in rules/README.md.";

int
xref_cmd_rules (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) err = g_string_new (NULL);
  g_auto (GStrv) args = NULL;
  gboolean quiet = FALSE, check;
  int status;

  GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "test: print only the failures and the summary", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };

  if (argc < 1 || (strcmp (argv[0], "check") != 0 && strcmp (argv[0], "test") != 0))
    {
      if (argc >= 1 && (strcmp (argv[0], "--help") == 0 || strcmp (argv[0], "-h") == 0))
        {
          printf ("%s\n%s\n", usage, description);
          return XREF_EXIT_OK;
        }
      fprintf (stderr, "xref: error: %s%s%s\n%s", argc < 1 ? "missing rules command" : "unknown rules command '",
               argc < 1 ? "" : argv[0], argc < 1 ? "" : "'", usage);
      return XREF_EXIT_ERROR;
    }
  check = strcmp (argv[0], "check") == 0;

  /* argv[0] names the command for --help. */
  args = g_new0 (char *, argc + 1);
  args[0] = g_strdup_printf ("xref rules %s", argv[0]);
  for (int i = 1; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  ctx = g_option_context_new ("[DIR…]");
  g_option_context_set_summary (ctx, check ? "Validates rule folders and summarises them."
                                           : "Runs the examples: of the rules.");
  g_option_context_set_description (ctx, description);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse_strv (ctx, &args, &error))
    {
      fprintf (stderr, "xref: error: %s\n%s", error->message, usage);
      return XREF_EXIT_ERROR;
    }

  {
    guint n = g_strv_length (args);
    const char *const *dirs = (const char *const *) args + 1;
    if (check)
      status = xref_cmd_rules_check (dirs, n - 1, out, err);
    else
      status = xref_cmd_rules_test (dirs, n - 1, quiet, out, err);
  }
  fputs (out->str, stdout);
  fflush (stdout);
  fputs (err->str, stderr);
  return status;
}
