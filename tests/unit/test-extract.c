/* Tests of the extract stage: the sentence cases of tests/cases/claims.txt
 * through the real pipeline (ingest → text → temporal → extract), the
 * seed corpus (spans, ids, and the claims the seeds must give), and the
 * small public helpers. */
#include "test-util.h"

#include "xref/extract.h"
#include "../../src/rules/rules-private.h"   /* xref_regex_new */
#include "../../src/extract/extract-names.h"  /* the stage's name map */

#include <stdio.h>
#include <stdlib.h>

static XrefRules *default_rules;   /* XREF_RULES */
static XrefRules *story_rules;     /* XREF_RULES + corpus/.xref/rules */

static XrefRules *
load_rules (gboolean story)
{
  g_autofree char *def = xref_rules_default_dir ();
  g_autofree char *local = test_path ("corpus/.xref/rules");
  const char *dirs[2];
  g_autoptr (GError) error = NULL;
  XrefRules *rules;

  assert_non_null (def);
  dirs[0] = def;
  dirs[1] = local;
  rules = xref_rules_load (dirs, story ? 2 : 1, &error);
  assert_no_error (error);
  assert_non_null (rules);
  return rules;
}

static int
setup (void **state)
{
  default_rules = load_rules (FALSE);
  story_rules = load_rules (TRUE);
  return 0;
}

static int
teardown (void **state)
{
  g_clear_pointer (&default_rules, xref_rules_free);
  g_clear_pointer (&story_rules, xref_rules_free);
  return 0;
}

/* The whole pipeline over text in memory. */
static XrefDocument *
extract_text (const char *id, const char *text, const XrefDate *date, const XrefRules *rules)
{
  XrefMeta meta = { 0 };
  g_autoptr (GError) error = NULL;
  XrefDocument *doc;

  if (date != NULL)
    meta.date = *date;
  doc = xref_ingest_bytes (id, text, strlen (text), date != NULL ? &meta : NULL, rules, &error);
  assert_no_error (error);
  assert_non_null (doc);
  xref_text_segment (doc, rules);
  xref_temporal_tag (doc, rules);
  xref_extract_claims (doc, rules);
  return doc;
}

/* "id[text]" of an element, for messages. */
static char *
show_arg (const XrefDocument *doc, const XrefArg *a)
{
  if (a->id == NULL)
    return g_strdup ("-");
  return g_strdup_printf ("%s[%.*s]", a->id, (int) (a->end - a->start), doc->text + a->start);
}

static char *
show_claim (const XrefClaim *c)
{
  g_autoptr (GString) s = g_string_new (NULL);
  const XrefArg *args[] = { &c->actor, &c->action, &c->object, &c->date, &c->speaker, &c->source };
  const char *names[] = { "actor", "action", "object", "date", "speaker", "source" };

  g_string_append_printf (s, "%s:", c->id);
  for (guint i = 0; i < G_N_ELEMENTS (args); i++)
    if (args[i]->id != NULL)
      {
        g_autofree char *a = show_arg (c->doc, args[i]);
        g_string_append_printf (s, " %s=%s", names[i], a);
      }
  g_string_append_printf (s, " polarity=%s modality=%s", xref_polarity_name (c->polarity),
                          xref_modality_name (c->modality));
  for (guint i = 0; c->slots != NULL && i < c->slots->len; i++)
    {
      const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, i);
      g_string_append_printf (s, " slot.%s=%s[%.*s]", v->slot, v->value, (int) (v->end - v->start),
                              c->doc->text + v->start);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
show_claims (const XrefDocument *doc)
{
  g_autoptr (GString) s = g_string_new (NULL);
  for (guint i = 0; i < doc->claims->len; i++)
    {
      g_autofree char *one = show_claim (g_ptr_array_index (doc->claims, i));
      g_string_append_printf (s, "\n    %s", one);
    }
  if (doc->claims->len == 0)
    g_string_append (s, "\n    (no claims)");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ---- the case file ------------------------------------------------------ */

typedef struct {
  char *name;
  guint line;
  gboolean story;
  gboolean have_date;
  XrefDate date;
  GString *text;
  GPtrArray *expect;   /* char*: "claim …", "claims N", "no ACTION" lines */
} Case;

static void
case_free (Case *c)
{
  g_free (c->name);
  g_string_free (c->text, TRUE);
  g_ptr_array_unref (c->expect);
  g_free (c);
}

static GPtrArray *
read_cases (void)
{
  g_autofree char *path = test_path ("tests/cases/claims.txt");
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *cases = g_ptr_array_new_with_free_func ((GDestroyNotify) case_free);
  Case *cur = NULL;

  g_file_get_contents (path, &data, NULL, &error);
  assert_no_error (error);
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];

      if (g_str_has_prefix (l, "=== "))
        {
          cur = g_new0 (Case, 1);
          cur->name = g_strdup (l + 4);
          cur->line = i + 1;
          cur->text = g_string_new (NULL);
          cur->expect = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (cases, cur);
          continue;
        }
      if (l[0] == '#' || l[0] == '\0')
        continue;
      if (cur == NULL)
        fail_msg ("claims.txt:%u: text before the first case", i + 1);
      if (l[0] == '>')
        {
          g_string_append (cur->text, l[1] == ' ' ? l + 2 : l + 1);
          g_string_append_c (cur->text, '\n');
        }
      else if (strcmp (l, "story") == 0)
        cur->story = TRUE;
      else if (g_str_has_prefix (l, "date "))
        {
          if (!xref_date_parse_iso (l + 5, &cur->date))
            fail_msg ("claims.txt:%u: bad date '%s'", i + 1, l + 5);
          cur->have_date = TRUE;
        }
      else if (g_str_has_prefix (l, "claim ") || g_str_has_prefix (l, "claims ") || g_str_has_prefix (l, "no "))
        g_ptr_array_add (cur->expect, g_strdup_printf ("%u\t%s", i + 1, l));
      else
        fail_msg ("claims.txt:%u: cannot read '%s'", i + 1, l);
    }
  return cases;
}

/* The value of key k in a claim, as the case file writes it; NULL when the
 * key is unknown. */
static char *
claim_value (const XrefClaim *c, const char *k)
{
  const XrefArg *a = NULL;
  gboolean text = g_str_has_suffix (k, ".text");
  g_autofree char *base = text ? g_strndup (k, strlen (k) - 5) : g_strdup (k);

  if (strcmp (base, "actor") == 0)
    a = &c->actor;
  else if (strcmp (base, "action") == 0)
    a = &c->action;
  else if (strcmp (base, "object") == 0)
    a = &c->object;
  else if (strcmp (base, "date") == 0)
    a = &c->date;
  else if (strcmp (base, "speaker") == 0)
    a = &c->speaker;
  else if (strcmp (base, "source") == 0)
    a = &c->source;
  else if (strcmp (base, "polarity") == 0)
    return g_strdup (xref_polarity_name (c->polarity));
  else if (strcmp (base, "modality") == 0)
    return g_strdup (xref_modality_name (c->modality));
  else if (g_str_has_prefix (base, "slot."))
    {
      const XrefSlotValue *v = xref_claim_slot (c, base + 5);
      if (v == NULL)
        return g_strdup ("-");
      return text ? g_strndup (c->doc->text + v->start, v->end - v->start) : g_strdup (v->value);
    }
  else
    return NULL;
  if (a->id == NULL)
    return g_strdup ("-");
  return text ? g_strndup (c->doc->text + a->start, a->end - a->start) : g_strdup (a->id);
}

typedef struct {
  char *key;
  char *value;
} KV;

static void
kv_clear (KV *kv)
{
  g_free (kv->key);
  g_free (kv->value);
}

static GArray *
parse_kvs (const char *spec, guint line)
{
  GArray *kvs = g_array_new (FALSE, TRUE, sizeof (KV));
  g_auto (GStrv) parts = g_strsplit (spec, "|", -1);

  g_array_set_clear_func (kvs, (GDestroyNotify) kv_clear);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *p = g_strstrip (g_strdup (parts[i]));
      char *eq = strchr (p, '=');
      KV kv;
      if (*p == '\0')
        continue;
      if (eq == NULL)
        fail_msg ("claims.txt:%u: '%s' is not KEY=VALUE", line, p);
      *eq = '\0';
      kv.key = g_strdup (g_strstrip (p));
      kv.value = g_strdup (g_strstrip (eq + 1));
      g_array_append_val (kvs, kv);
    }
  return kvs;
}

/* Checks one case; appends what is wrong to errors. */
static void
check_case (const Case *cs, GString *errors)
{
  const XrefRules *rules = cs->story ? story_rules : default_rules;
  g_autofree char *id = g_strdup_printf ("case-%u.txt", cs->line);
  g_autoptr (XrefDocument) doc = extract_text (id, cs->text->str, cs->have_date ? &cs->date : NULL, rules);
  g_autofree gboolean *used = g_new0 (gboolean, doc->claims->len + 1);
  g_autofree char *all = show_claims (doc);

  for (guint e = 0; e < cs->expect->len; e++)
    {
      const char *line_s = g_ptr_array_index (cs->expect, e);
      guint line = (guint) strtoul (line_s, NULL, 10);
      const char *l = strchr (line_s, '\t') + 1;

      if (g_str_has_prefix (l, "claims "))
        {
          guint n = (guint) strtoul (l + 7, NULL, 10);
          if (doc->claims->len != n)
            g_string_append_printf (errors, "claims.txt:%u (%s): %u claims, expected %u:%s\n", line, cs->name,
                                    doc->claims->len, n, all);
        }
      else if (g_str_has_prefix (l, "no "))
        {
          for (guint i = 0; i < doc->claims->len; i++)
            {
              const XrefClaim *c = g_ptr_array_index (doc->claims, i);
              if (g_strcmp0 (c->action.id, l + 3) == 0)
                {
                  g_string_append_printf (errors, "claims.txt:%u (%s): unexpected claim of '%s':%s\n", line,
                                          cs->name, l + 3, all);
                  break;
                }
            }
        }
      else
        {
          g_autoptr (GArray) kvs = parse_kvs (l + 6, line);
          const char *action = NULL;
          gboolean found = FALSE;

          for (guint k = 0; k < kvs->len; k++)
            if (strcmp (g_array_index (kvs, KV, k).key, "action") == 0)
              action = g_array_index (kvs, KV, k).value;
          if (action == NULL)
            fail_msg ("claims.txt:%u: a claim needs action=", line);
          for (guint i = 0; i < doc->claims->len && !found; i++)
            {
              const XrefClaim *c = g_ptr_array_index (doc->claims, i);
              gboolean ok = !used[i];
              for (guint k = 0; k < kvs->len && ok; k++)
                {
                  const KV *kv = &g_array_index (kvs, KV, k);
                  g_autofree char *v = claim_value (c, kv->key);
                  if (v == NULL)
                    fail_msg ("claims.txt:%u: unknown key '%s'", line, kv->key);
                  ok = strcmp (v, kv->value) == 0;
                }
              if (ok)
                used[i] = found = TRUE;
            }
          if (!found)
            g_string_append_printf (errors, "claims.txt:%u (%s): no claim matches '%s'; claims:%s\n", line, cs->name,
                                    l + 6, all);
        }
    }
}

static void
test_cases (void **state)
{
  g_autoptr (GPtrArray) cases = read_cases ();
  g_autoptr (GString) errors = g_string_new (NULL);
  guint n_expect = 0;

  assert_true (cases->len >= 30);
  for (guint i = 0; i < cases->len; i++)
    {
      const Case *cs = g_ptr_array_index (cases, i);
      if (cs->expect->len == 0)
        fail_msg ("claims.txt:%u (%s): a case expects nothing", cs->line, cs->name);
      n_expect += cs->expect->len;
      check_case (cs, errors);
    }
  printf ("# claims.txt: %u cases, %u expectations\n", cases->len, n_expect);
  if (errors->len > 0)
    {
      printf ("%s", errors->str);
      fail_msg ("claims.txt: some cases fail (above)");
    }
}

/* ---- the seed corpus ---------------------------------------------------- */

static GPtrArray *
extract_seeds (void)
{
  g_autofree char *root = test_path ("corpus");
  const char *paths[] = { root };
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefCorpus) corpus = xref_corpus_open (paths, 1, &error);
  GPtrArray *docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);

  assert_no_error (error);
  assert_non_null (corpus);
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      const XrefMeta *meta = g_hash_table_lookup (corpus->manifest, f->id);
      XrefDocument *doc = xref_ingest_file (f, meta, story_rules, &error);
      assert_no_error (error);
      xref_text_segment (doc, story_rules);
      xref_temporal_tag (doc, story_rules);
      g_ptr_array_add (docs, doc);
    }
  xref_temporal_resolve_corpus (docs, story_rules);
  for (guint i = 0; i < docs->len; i++)
    xref_extract_claims (g_ptr_array_index (docs, i), story_rules);
  assert_int_equal (docs->len, 5);
  return docs;
}

static guint
token_at (const XrefDocument *doc, gsize offset)
{
  for (guint i = 0; i < doc->tokens->len; i++)
    if (g_array_index (doc->tokens, XrefToken, i).start == offset)
      return i;
  return G_MAXUINT;
}

static void
assert_inside (const XrefClaim *c, const XrefArg *a, const char *what)
{
  if (a->id == NULL)
    return;
  /* a speaker named in another sentence has an empty span */
  if (a->start == a->end && (a == &c->speaker || a == &c->source) && a->start == c->start)
    return;
  if (a->start >= a->end || a->start < c->start || a->end > c->end)
    fail_msg ("%s: %s span [%zu, %zu) is not inside the sentence [%zu, %zu)", c->id, what, (size_t) a->start,
              (size_t) a->end, (size_t) c->start, (size_t) c->end);
}

/* Every claim of every seed: ids in order, the sentence span, the action
 * span that the rules' phrase for the action (for a speech act, the speech
 * verb's) matches exactly, and every other span inside the sentence; the
 * speech acts follow the claims of actions. */
static void
test_seed_spans (void **state)
{
  g_autoptr (GPtrArray) docs = extract_seeds ();
  guint total = 0, speech = 0;

  for (guint d = 0; d < docs->len; d++)
    {
      const XrefDocument *doc = g_ptr_array_index (docs, d);
      for (guint i = 0; i < doc->claims->len; i++)
        {
          const XrefClaim *c = g_ptr_array_index (doc->claims, i);
          const XrefSentence *s = &g_array_index (doc->sentences, XrefSentence, c->sentence);
          g_autofree char *id = g_strdup_printf ("%s#%u", doc->id, i + 1);
          guint k = token_at (doc, c->action.start);
          gconstpointer value = NULL;
          gboolean is_speech = xref_claim_is_speech (c);
          guint len;

          assert_string_equal (c->id, id);
          if (i > 0 && !is_speech)
            assert_false (xref_claim_is_speech (g_ptr_array_index (doc->claims, i - 1)));
          assert_ptr_equal (c->doc, doc);
          assert_int_equal (c->start, s->start);
          assert_int_equal (c->end, s->end);
          assert_non_null (c->action.id);
          assert_inside (c, &c->action, "action");
          assert_inside (c, &c->actor, "actor");
          assert_inside (c, &c->object, "object");
          assert_inside (c, &c->date, "date");
          assert_inside (c, &c->speaker, "speaker");
          assert_inside (c, &c->source, "source");
          /* slots: NULL when none, never empty */
          assert_true (c->slots == NULL || c->slots->len > 0);
          for (guint j = 0; c->slots != NULL && j < c->slots->len; j++)
            {
              const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, j);
              XrefArg a = { v->value, v->start, v->end };
              assert_inside (c, &a, v->slot);
              if (j > 0)
                assert_true (strcmp (g_array_index (c->slots, XrefSlotValue, j - 1).slot, v->slot) < 0);
            }

          /* the action's words are a phrase of that action */
          assert_true (k != G_MAXUINT);
          assert_true (k >= s->first_token && k < s->first_token + s->n_tokens);
          len = xref_phrase_table_match (is_speech ? story_rules->speech_phrases : story_rules->action_phrases,
                                         xref_sentence_tokens (doc, s), s->n_tokens, k - s->first_token, &value);
          assert_true (len > 0);
          assert_non_null (value);
          if (is_speech)
            {
              /* a speech act: its speaker acts, nobody reports it */
              assert_null (((const XrefActionMatch *) value)->action);
              assert_non_null (c->actor.id);
              assert_null (c->speaker.id);
              assert_null (c->object.id);
              speech++;
            }
          else
            assert_string_equal (((const XrefActionMatch *) value)->action->id, c->action.id);
          assert_int_equal (g_array_index (doc->tokens, XrefToken, k + len - 1).end, c->action.end);

          /* provenance: the action's rule fired first, no duplicates */
          assert_true (c->rules->len > 0);
          assert_ptr_equal (g_ptr_array_index (c->rules, 0), xref_claim_arg_rule (c, XREF_ROLE_ACTION));
          for (guint a = 0; a < c->rules->len; a++)
            for (guint b = a + 1; b < c->rules->len; b++)
              assert_ptr_not_equal (g_ptr_array_index (c->rules, a), g_ptr_array_index (c->rules, b));
          total++;
        }
    }
  assert_true (total >= 40);
  assert_true (speech >= 20);
}

static const XrefDocument *
seed (GPtrArray *docs, const char *prefix)
{
  for (guint d = 0; d < docs->len; d++)
    {
      const XrefDocument *doc = g_ptr_array_index (docs, d);
      if (g_str_has_prefix (doc->id, prefix))
        return doc;
    }
  fail_msg ("no seed %s", prefix);
  return NULL;
}

/* The first claim of doc matching the given ids (NULL: any; "-": absent). */
static const XrefClaim *
find (const XrefDocument *doc, const char *action, const char *actor, const char *object)
{
  for (guint i = 0; i < doc->claims->len; i++)
    {
      const XrefClaim *c = g_ptr_array_index (doc->claims, i);
      if (g_strcmp0 (c->action.id, action) != 0)
        continue;
      if (actor != NULL && g_strcmp0 (c->actor.id, strcmp (actor, "-") == 0 ? NULL : actor) != 0)
        continue;
      if (object != NULL && g_strcmp0 (c->object.id, strcmp (object, "-") == 0 ? NULL : object) != 0)
        continue;
      return c;
    }
  {
    g_autofree char *all = show_claims (doc);
    fail_msg ("%s: no claim %s/%s/%s:%s", doc->id, action, actor ? actor : "*", object ? object : "*", all);
  }
  return NULL;
}

static void
assert_slot (const XrefClaim *c, const char *slot, const char *value)
{
  const XrefSlotValue *v = xref_claim_slot (c, slot);
  if (v == NULL)
    fail_msg ("%s: no slot %s", c->id, slot);
  assert_string_equal (v->value, value);
}

/* The claims the seed corpus is built to show. */
static void
test_seed_claims (void **state)
{
  g_autoptr (GPtrArray) docs = extract_seeds ();
  const XrefDocument *d0 = seed (docs, "000"), *d1 = seed (docs, "001"), *d2 = seed (docs, "002");
  const XrefDocument *d3 = seed (docs, "003"), *d4 = seed (docs, "004");
  const XrefClaim *c;

  /* The operation began on February 24 (002, 003 twice, 004). */
  c = find (d2, "begin", "putin", "special-military-operation");
  assert_string_equal (c->date.id, "2022-02-24");
  assert_string_equal (c->speaker.id, "putin");
  c = find (d3, "begin", "-", "special-military-operation");
  assert_string_equal (c->date.id, "2022-02-24");
  c = find (d3, "begin", "russia", "special-military-operation");
  assert_string_equal (c->date.id, "2022-02-24");
  c = find (d4, "begin", "russia", NULL);
  assert_string_equal (c->date.id, "2022-02-24");
  assert_slot (c, "location", "ukraine");

  /* Patriot systems would be legitimate targets. */
  c = find (d2, "target", "russian-armed-forces", "patriot");
  assert_string_equal (c->speaker.id, "peskov");
  c = find (d3, "target", "russia", "patriot");
  assert_string_equal (c->object.id, "patriot");
  assert_int_equal (c->object.end - c->object.start, strlen ("they"));

  /* The US will not send military personnel to Ukraine (Lavrov). */
  c = find (d0, "send", "us", "us-military-personnel");
  assert_int_equal (c->polarity, XREF_POLARITY_NEGATED);
  assert_int_equal (c->modality, XREF_MODALITY_PLANNED);
  assert_string_equal (c->speaker.id, "lavrov");
  assert_slot (c, "recipient", "ukraine");
  c = find (d1, "send", "us", "us-military-personnel");
  assert_int_equal (c->polarity, XREF_POLARITY_NEGATED);
  assert_string_equal (c->speaker.id, "lavrov");
  assert_string_equal (c->source.id, "us");
  /* the source's rule is on its element and among the rules that fired */
  assert_string_equal (xref_claim_arg_rule (c, XREF_ROLE_SOURCE), "entity:us");
  assert_true (g_ptr_array_find (c->rules, xref_claim_arg_rule (c, XREF_ROLE_SOURCE), NULL));
  assert_string_equal (xref_claim_arg_rule (c, XREF_ROLE_SPEAKER), "entity:lavrov");
  assert_null (xref_claim_arg_rule (c, XREF_ROLE_DATE));
  assert_slot (c, "recipient", "ukraine");

  /* Ukrainian military trained in a third country (White House), at a
   * base in the United States (Politico), for several months. */
  c = find (d0, "train", "-", "ukrainian-armed-forces");
  assert_string_equal (c->speaker.id, "us-government");
  assert_int_equal (c->modality, XREF_MODALITY_PLANNED);
  assert_slot (c, "location", "third-country");
  c = find (d0, "train", "pentagon", "ukrainian-armed-forces");
  assert_string_equal (c->speaker.id, "politico");
  assert_int_equal (c->modality, XREF_MODALITY_PLANNED);
  assert_slot (c, "location", "us");
  assert_string_equal (c->date.id, "2022-12-22");
  c = find (d0, "train", "-", "-");
  assert_slot (c, "timeline", "PXM");

  /* The Patriot deployed in a few months (001, Lavrov quoted). */
  c = find (d1, "deploy", "-", "patriot");
  assert_slot (c, "timeline", "PXM");
  assert_string_equal (c->speaker.id, "lavrov");

  /* Britain, Germany, Italy (004, Lavrov quoted across sentences). */
  c = NULL;
  for (guint i = 0; i < d4->claims->len && c == NULL; i++)
    {
      const XrefClaim *x = g_ptr_array_index (d4->claims, i);
      if (g_strcmp0 (x->action.id, "train") == 0 && xref_claim_slot (x, "location") != NULL)
        c = x;
    }
  assert_non_null (c);
  assert_slot (c, "location", "germany,italy,uk");
  assert_string_equal (c->speaker.id, "lavrov");
}

/* ---- small helpers ------------------------------------------------------ */

static void
test_names (void **state)
{
  assert_string_equal (xref_polarity_name (XREF_POLARITY_AFFIRMED), "affirmed");
  assert_string_equal (xref_polarity_name (XREF_POLARITY_NEGATED), "negated");
  assert_string_equal (xref_modality_name (XREF_MODALITY_ASSERTED), "asserted");
  assert_string_equal (xref_modality_name (XREF_MODALITY_PLANNED), "planned");
  assert_string_equal (xref_modality_name (XREF_MODALITY_POSSIBLE), "possible");
  assert_string_equal (xref_modality_name (XREF_MODALITY_REFUSED), "refused");
  assert_string_equal (xref_modality_name (XREF_MODALITY_UNCONFIRMED), "unconfirmed");
  assert_string_equal (xref_modality_name (XREF_MODALITY_CONDITIONAL), "conditional");
}

static void
test_claim_slot (void **state)
{
  g_autoptr (XrefDocument) doc =
    extract_text ("slots.txt", "The Pentagon plans to train Ukrainian troops in Germany for several months.\n", NULL,
                  story_rules);
  const XrefClaim *c;

  assert_int_equal (doc->claims->len, 1);
  c = g_ptr_array_index (doc->claims, 0);
  assert_string_equal (xref_claim_slot (c, "location")->value, "germany");
  assert_string_equal (xref_claim_slot (c, xref_intern ("timeline"))->value, "PXM");
  assert_null (xref_claim_slot (c, "recipient"));
  assert_null (xref_claim_slot (c, NULL));
  assert_null (xref_claim_slot (NULL, "location"));
  xref_claim_free (NULL);
}

/* The rule of an element is an index into its claim's rules: a claim made
 * by hand lists a rule it is given, once; NULL clears it; a rule listed at
 * XREF_CLAIM_ARG_RULE_MAX or later stays listed but is not the element's. */
static void
test_claim_arg_rule_owned (void **state)
{
  XrefClaim *c = g_new0 (XrefClaim, 1);

  assert_null (xref_claim_arg_rule (c, XREF_ROLE_ACTOR));
  assert_true (xref_claim_set_arg_rule (c, XREF_ROLE_ACTION, "action:send"));
  assert_true (xref_claim_set_arg_rule (c, XREF_ROLE_ACTOR, "entity:us"));
  assert_true (xref_claim_set_arg_rule (c, XREF_ROLE_SOURCE, "entity:us"));
  assert_int_equal (c->rules->len, 2);
  assert_ptr_equal (xref_claim_arg_rule (c, XREF_ROLE_ACTION), xref_intern ("action:send"));
  assert_ptr_equal (xref_claim_arg_rule (c, XREF_ROLE_ACTOR), xref_intern ("entity:us"));
  assert_ptr_equal (xref_claim_arg_rule (c, XREF_ROLE_SOURCE), xref_intern ("entity:us"));
  assert_null (xref_claim_arg_rule (c, XREF_ROLE_OBJECT));
  assert_true (xref_claim_set_arg_rule (c, XREF_ROLE_ACTOR, NULL));
  assert_null (xref_claim_arg_rule (c, XREF_ROLE_ACTOR));
  assert_int_equal (c->rules->len, 2);
  for (guint i = c->rules->len; i < XREF_CLAIM_ARG_RULE_MAX; i++)
    {
      g_autofree char *r = g_strdup_printf ("rule:%u", i);
      g_ptr_array_add (c->rules, (gpointer) xref_intern (r));
    }
  assert_true (xref_claim_set_arg_rule (c, XREF_ROLE_OBJECT, "rule:254"));
  assert_string_equal (xref_claim_arg_rule (c, XREF_ROLE_OBJECT), "rule:254");
  assert_false (xref_claim_set_arg_rule (c, XREF_ROLE_SPEAKER, "entity:lavrov"));
  assert_null (xref_claim_arg_rule (c, XREF_ROLE_SPEAKER));
  assert_ptr_equal (g_ptr_array_index (c->rules, XREF_CLAIM_ARG_RULE_MAX), xref_intern ("entity:lavrov"));
  assert_ptr_equal (xref_claim_arg (c, XREF_ROLE_SOURCE), &c->source);
  assert_ptr_equal (xref_claim_arg (c, XREF_ROLE_DATE), &c->date);
  xref_claim_free (c);
  (void) state;
}

/* No sentences: no claims; only speech: speech acts only; a heading makes
 * none (issue 4: headings are shown as headings, never as claims, not
 * even their speech verbs); extracting twice gives the same claims, not
 * twice as many. */
static void
test_empty_and_again (void **state)
{
  g_autoptr (XrefDocument) empty = extract_text ("empty.txt", "", NULL, default_rules);
  g_autoptr (XrefDocument) heading = extract_text ("heading.txt", "US sends troops\n\nNothing here.\n", NULL,
                                                   default_rules);
  g_autoptr (XrefDocument) speech = extract_text ("speech.txt", "Officials said so. She told reporters.\n", NULL,
                                                  default_rules);
  g_autoptr (XrefDocument) said_heading = extract_text ("said.txt", "Lawyer says actress checks into rehab\n\nNothing.\n",
                                                        NULL, default_rules);
  g_autoptr (XrefDocument) doc =
    extract_text ("again.txt", "Russia attacked Ukraine on February 24, 2022. Officials said so.\n", NULL,
                  default_rules);
  guint n = doc->claims->len;
  const XrefClaim *c;

  assert_int_equal (empty->claims->len, 0);
  /* "She" is the last speaker */
  assert_int_equal (speech->claims->len, 2);
  for (guint i = 0; i < 2; i++)
    {
      c = g_ptr_array_index (speech->claims, i);
      assert_true (xref_claim_is_speech (c));
      assert_string_equal (c->action.id, XREF_SPEECH_ACTION);
      assert_string_equal (c->actor.id, "np:officials");
    }
  assert_int_equal (heading->claims->len, 0);
  assert_int_equal (said_heading->claims->len, 0);
  assert_true (g_array_index (said_heading->sentences, XrefSentence, 0).flags & XREF_SENTENCE_HEADING);
  assert_true (g_array_index (heading->sentences, XrefSentence, 0).flags & XREF_SENTENCE_HEADING);
  assert_int_equal (n, 2);
  assert_false (xref_claim_is_speech (g_ptr_array_index (doc->claims, 0)));
  assert_true (xref_claim_is_speech (g_ptr_array_index (doc->claims, 1)));
  assert_false (xref_claim_is_speech (NULL));
  xref_extract_claims (doc, default_rules);
  assert_int_equal (doc->claims->len, n);
  assert_string_equal (((XrefClaim *) g_ptr_array_index (doc->claims, 0))->id, "again.txt#1");
  assert_string_equal (((XrefClaim *) g_ptr_array_index (doc->claims, 1))->id, "again.txt#2");
}

/* A document's claims live in one block it owns, with their ids and
 * slots; claims with the same rule list, of any document, share one list,
 * which outlives the documents (valgrind checks the reads). */
static void
test_shared_rules (void **state)
{
  const char *text = "Russia attacked Kyiv on Monday. Russia attacked Kyiv on Tuesday.\n";
  XrefDocument *first = extract_text ("one.txt", text, NULL, default_rules);
  g_autoptr (XrefDocument) second = extract_text ("two.txt", text, NULL, default_rules);
  g_autoptr (XrefDocument) slots = extract_text ("three.txt", "Germany delivered 14 tanks to Ukraine.\n", NULL,
                                                 default_rules);
  const XrefClaim *a, *b, *c;
  g_autoptr (GPtrArray) want = g_ptr_array_new ();

  assert_int_equal (first->claims->len, 2);
  assert_int_equal (second->claims->len, 2);
  a = g_ptr_array_index (first->claims, 0);
  b = g_ptr_array_index (first->claims, 1);
  c = g_ptr_array_index (second->claims, 0);
  assert_non_null (first->claim_block);
  assert_string_equal (a->id, "one.txt#1");
  assert_string_equal (b->id, "one.txt#2");
  assert_string_equal (c->id, "two.txt#1");
  assert_ptr_equal (a->rules, b->rules);
  assert_ptr_equal (a->rules, c->rules);
  assert_true (a->rules->len >= 2);
  assert_ptr_equal (g_ptr_array_index (a->rules, 0), xref_claim_arg_rule (a, XREF_ROLE_ACTION));
  assert_null (a->slots);
  assert_string_not_equal (a->date.id, b->date.id);
  for (guint i = 0; i < a->rules->len; i++)
    g_ptr_array_add (want, g_ptr_array_index (a->rules, i));
  xref_document_free (first);
  assert_int_equal (c->rules->len, want->len);
  for (guint i = 0; i < want->len; i++)
    assert_ptr_equal (g_ptr_array_index (c->rules, i), g_ptr_array_index (want, i));

  assert_int_equal (slots->claims->len, 1);
  c = g_ptr_array_index (slots->claims, 0);
  assert_non_null (c->slots);
  assert_true (c->slots->len >= 1);
  assert_non_null (xref_claim_slot (c, "recipient"));
  assert_string_equal (xref_claim_slot (c, "recipient")->value, "ukraine");
  for (guint i = 1; i < c->slots->len; i++)
    assert_true (strcmp (g_array_index (c->slots, XrefSlotValue, i - 1).slot,
                         g_array_index (c->slots, XrefSlotValue, i).slot) < 0);
}

/* A claim of the stage lives in its document's block: xref_claim_free
 * leaves it to the document; a claim made elsewhere (run-jsonl.c: an id,
 * slots and rules of its own) it frees (valgrind checks the frees).
 * Extracting a document again replaces its block. */
static void
test_claim_free_layouts (void **state)
{
  g_autoptr (XrefDocument) doc = extract_text ("ids.txt", "Russia attacked Kyiv on Monday.\n", NULL, default_rules);
  XrefClaim *c, *other = g_new0 (XrefClaim, 1);

  assert_int_equal (doc->claims->len, 1);
  c = g_ptr_array_index (doc->claims, 0);
  assert_string_equal (c->id, "ids.txt#1");
  other->id = g_strdup (c->id);
  other->doc = doc;
  other->slots = g_array_new (FALSE, TRUE, sizeof (XrefSlotValue));
  other->rules = g_ptr_array_new ();
  xref_claim_free (other);
  xref_claim_free (c);
  xref_claim_free (NULL);
  assert_string_equal (c->id, "ids.txt#1");
  xref_extract_claims (doc, default_rules);
  assert_int_equal (doc->claims->len, 1);
  assert_non_null (doc->claim_block);
  c = g_ptr_array_index (doc->claims, 0);
  assert_string_equal (c->id, "ids.txt#1");
}

/* The claims of every seed document, one string. */
static char *
seed_claims (GPtrArray *docs, const XrefRules *rules)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint d = 0; d < docs->len; d++)
    {
      XrefDocument *doc = g_ptr_array_index (docs, d);
      g_autofree char *one = NULL;
      if (rules != NULL)
        xref_extract_claims (doc, rules);
      one = show_claims (doc);
      g_string_append (s, one);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The per-thread caches of the stage (a token's bits, the ids of noun
 * phrases) answer for the rule set of their serial: the
 * claims are the same whether the caches are cold (after the other rule
 * set), warm, or not used at all (a rule set without a serial). */
static void
test_caches_follow_rules (void **state)
{
  g_autoptr (GPtrArray) docs = extract_seeds ();
  g_autofree char *first = seed_claims (docs, NULL);
  g_autofree char *other = NULL, *cold = NULL, *warm = NULL, *plain = NULL;
  XrefRules copy = *story_rules;

  assert_true (story_rules->serial != 0 && default_rules->serial != 0);
  assert_true (story_rules->serial != default_rules->serial);
  other = seed_claims (docs, default_rules);
  cold = seed_claims (docs, story_rules);
  warm = seed_claims (docs, story_rules);
  copy.serial = 0;
  plain = seed_claims (docs, &copy);
  assert_true (strstr (first, "#1:") != NULL);
  assert_string_equal (cold, first);
  assert_string_equal (warm, first);
  assert_string_equal (plain, first);
  /* (the rule sets differ: the story names more entities) */
  assert_string_not_equal (other, first);
}

/* token_bits reads its cache ahead of the token it is at (the entries of
 * the token 32 further are fetched first): documents of every length
 * around that distance, and with every kind of token (words with and
 * without capitals, numbers, punctuation, quotation marks), give the
 * same claims through the cache, cold or warm, as without it. */
static void
test_token_bits_ahead (void **state)
{
  static const char *const words[] = {
    "\"", "The", "German", "army", "said", "on", "Monday", "that", "Russian", "troops", "attacked",
    "Kyiv", ",", "killing", "12", "people", "in", "3", "cities", ";", "NATO", "condemned", "the",
    "attack", "\"", ",", "said", "Olaf", "Scholz", ".", "He", "was", "not", "happy", "and", "Putin",
    "denied", "it", "."
  };
  XrefRules plain = *story_rules;

  plain.serial = 0;
  for (guint n = 1; n <= G_N_ELEMENTS (words); n++)
    {
      g_autoptr (GString) text = g_string_new (NULL);
      g_autoptr (XrefDocument) cold = NULL, warm = NULL, bare = NULL;
      g_autofree char *a = NULL, *b = NULL, *c = NULL;

      for (guint i = 0; i < n; i++)
        g_string_append_printf (text, "%s%s", i > 0 ? " " : "", words[i]);
      g_string_append_c (text, '\n');
      /* (the default rules first, so that the story's cache starts cold) */
      cold = extract_text ("ahead.txt", text->str, NULL, default_rules);
      g_clear_pointer (&cold, xref_document_free);
      cold = extract_text ("ahead.txt", text->str, NULL, story_rules);
      warm = extract_text ("ahead.txt", text->str, NULL, story_rules);
      bare = extract_text ("ahead.txt", text->str, NULL, &plain);
      a = show_claims (cold);
      b = show_claims (warm);
      c = show_claims (bare);
      assert_string_equal (a, c);
      assert_string_equal (b, c);
      if (n == G_N_ELEMENTS (words))
        assert_true (warm->claims->len >= 2);
    }
}

/* A noun phrase id longer than np_id's buffer is built whole. */
static void
test_long_np_id (void **state)
{
  g_autoptr (GString) word = g_string_new ("b");
  g_autoptr (GString) text = g_string_new ("The ");
  g_autoptr (XrefDocument) doc = NULL;
  g_autofree char *want = NULL;
  const XrefClaim *c;

  for (guint i = 0; i < 300; i++)
    g_string_append_c (word, 'a');
  g_string_append (word, "rs");
  g_string_append_printf (text, "%s attacked Kyiv on Monday.\n", word->str);
  doc = extract_text ("long.txt", text->str, NULL, default_rules);
  assert_int_equal (doc->claims->len, 1);
  c = g_ptr_array_index (doc->claims, 0);
  want = g_strconcat ("np:", word->str, NULL);
  assert_string_equal (c->actor.id, want);
  assert_ptr_equal (c->actor.id, xref_intern (want));
}

/* xref_regex_may_match is a necessary condition: wherever a pattern
 * matches, it says "maybe".  Checked for the slot patterns of the rules
 * and for patterns that exercise what the reading of a pattern knows
 * (alternation, classes, word boundaries, quantifiers, lookarounds,
 * non-ASCII literals) and what makes it give up, on random texts built
 * from the pieces these patterns look for; and it does rule out texts. */
static void
check_prefilter (const XrefRegex *re, GRand *rnd, guint *ruled_out)
{
  static const char *const pieces[] = {
    "in ", "at ", "on ", "the ", "to ", "for ", "of ", "and ", "Kyiv", "U.S.", "Germany", "inspect", "defend",
    "defence", "self-defense", "air defense", "’s", "territory ", "territories ", "a third country",
    "a military base in ", "more than ", "1", "14", "2,5", "million", " ", " ", " ", ", ", ". ", ";", "’", "é",
    "within", "that", "Search", "Close this search box", "<p>", "</b>", "Comments", "3 Replies", "x", "A", "_",
    "Élysée", "-", "'", "(", ")", "tanks", "say", "bar", "foo", "\t", "\n",
  };

  for (guint n = 0; n < 400; n++)
    {
      g_autoptr (GString) s = g_string_new (NULL);
      guint parts = (guint) g_rand_int_range (rnd, 0, 12);
      for (guint k = 0; k < parts; k++)
        g_string_append (s, pieces[g_rand_int_range (rnd, 0, G_N_ELEMENTS (pieces))]);
      for (gsize off = 0; off <= s->len; off = off < s->len ? (gsize) (g_utf8_next_char (s->str + off) - s->str) : off + 1)
        {
          XrefSpan whole, value;
          gboolean may = xref_regex_may_match (re, s->str, s->len, off);
          if (xref_regex_match (re, s->str, s->len, off, &whole, &value, NULL) && !may)
            fail_msg ("prefilter of /%s/ rules out \"%s\" from %" G_GSIZE_FORMAT ", where it matches",
                      xref_regex_pattern (re), s->str, off);
          if (!may)
            (*ruled_out)++;
        }
    }
}

static void
test_regex_prefilter (void **state)
{
  static const char *const patterns[] = {
    "\\b(?:in|at) (?<value>(?:the )?[A-Z][\\w’-]*)",
    "^(?:[^.;]{0,80}?)\\bto (?<value>(?:the )?(?:(?:[A-Z]\\.){2,}|[A-Z]\\w*))",
    "(?<value>(?:more than |about )?\\d[\\d,.]*(?: (?:million|thousand))?)",
    "\\bfor (?<value>(?:the )?[\\w’]+(?:’s)? (?:air defen[cs]e|self[- ]defen[cs]e|defen[cs]e))",
    "territor(?:y|ies) of",
    "a|b|",
    "(?:ab)+c",
    "x*y?z{2,3}",
    "[^a]b",
    "[a-c][.-]\\.",
    "(?=in )\\w+",
    "(?<!at) in\\b",
    "(?<=’)s\\b",
    "é+[é’]",
    "(?i)in the",
    "(in|at)\\1",
    "\\x41B",
    "a{,3}b",
    "[[:upper:]]x",
    "\\Qa.b\\E",
    "(?>in|at) \\S",
    "\\s*Search\\s*$",
    "^\\s*</?[a-z]{1,10}>?\\s*$",
    "\\d+\\s+(Responses?|Comments?|Replies)",
    "_\\b",
    "\\b_",
    "\\Bn",
  };
  g_autoptr (GRand) rnd = g_rand_new_with_seed (9);
  GHashTableIter it;
  gpointer v;
  guint ruled_out = 0, ruled_out_slots = 0;

  g_hash_table_iter_init (&it, story_rules->slots);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const XrefSlotDef *def = v;
      for (guint p = 0; def->patterns != NULL && p < def->patterns->len; p++)
        check_prefilter (g_ptr_array_index (def->patterns, p), rnd, &ruled_out_slots);
    }
  assert_true (ruled_out_slots > 0);
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autofree char *msg = NULL;
      gsize off = 0;
      XrefRegex *re = xref_regex_new (patterns[i], strlen (patterns[i]), &msg, &off);
      if (re == NULL)
        fail_msg ("/%s/: %s", patterns[i], msg);
      check_prefilter (re, rnd, &ruled_out);
      xref_regex_free (re);
    }
  assert_true (ruled_out > 0);

  /* what the patterns need, by hand */
  {
    const char *p = "\\b(?:in|at) (?:the )?[A-Z]";
    g_autofree char *msg = NULL;
    gsize off = 0;
    XrefRegex *re = xref_regex_new (p, strlen (p), &msg, &off);
    assert_non_null (re);
    assert_true (xref_regex_may_match (re, "troops in Germany", 17, 0));
    assert_true (xref_regex_may_match (re, "at the Kremlin", 14, 0));
    assert_false (xref_regex_may_match (re, "troops in 2022", 14, 0));
    assert_false (xref_regex_may_match (re, "within Germany", 14, 0));  /* \b */
    assert_false (xref_regex_may_match (re, "troops in Germany", 17, 8)); /* after the offset */
    assert_true (xref_regex_may_match (re, "é in Kyiv", 10, 0));
    xref_regex_free (re);
  }
}

/* The stage's name map (extract-names.h) answers as a hash table does:
 * over several generations (documents), with growth, a value replaced,
 * and nothing of an earlier generation seen in a later one. */
static void
test_names_map (void **state)
{
  Names nm = { 0 };
  g_autoptr (GHashTable) ref = NULL;
  const char *keys[300];

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *k = g_strdup_printf ("name%u", i);
      keys[i] = xref_intern (k);
    }
  for (guint gen = 0; gen < 4; gen++)
    {
      guint n = gen == 0 ? 0 : gen == 1 ? 5 : gen == 2 ? G_N_ELEMENTS (keys) : 40;
      names_clear (&nm);
      ref = g_hash_table_new (g_direct_hash, g_direct_equal);
      for (guint i = 0; i < n; i++)
        {
          /* every third key twice, the second time with another value */
          const char *k = keys[(i * 7 + gen) % G_N_ELEMENTS (keys)];
          const char *v = keys[(i * 11 + 3) % G_N_ELEMENTS (keys)];
          names_insert (&nm, k, v);
          g_hash_table_insert (ref, (gpointer) k, (gpointer) v);
          if (i % 3 == 0)
            {
              names_insert (&nm, k, keys[i]);
              g_hash_table_insert (ref, (gpointer) k, (gpointer) keys[i]);
            }
        }
      assert_int_equal (nm.n, g_hash_table_size (ref));
      assert_true (nm.cap == 0 || 2 * nm.n <= nm.cap);
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        assert_ptr_equal (names_lookup (&nm, keys[i]), g_hash_table_lookup (ref, keys[i]));
      g_clear_pointer (&ref, g_hash_table_unref);
    }
  /* a generation that wraps around clears the table for real */
  nm.gen = G_MAXUINT;
  names_clear (&nm);
  assert_int_equal (nm.gen, 1);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    assert_null (names_lookup (&nm, keys[i]));
  names_insert (&nm, keys[0], keys[1]);
  assert_ptr_equal (names_lookup (&nm, keys[0]), keys[1]);
  g_free (nm.e);
}

/* The stage keeps its working arrays for the thread's next document: a
 * long document, then a short one, then the long one again give the
 * same claims as the first time (nothing of a document is left to the
 * next). */
static void
test_work_reuse (void **state)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (XrefDocument) big = NULL, small = NULL, again = NULL;
  g_autofree char *want = NULL, *got = NULL;

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (text,
                            "President Joe Biden said Russia attacked Kyiv on Monday; he said %u troops "
                            "were sent to Poland. The minister, who arrived in Warsaw, said \"we will "
                            "help\". It was denied by the Kremlin.\n\n",
                            i + 2);
  big = extract_text ("big.txt", text->str, NULL, default_rules);
  want = show_claims (big);
  assert_true (big->claims->len > 100);
  small = extract_text ("small.txt", "Officials said so.\n", NULL, default_rules);
  assert_int_equal (small->claims->len, 1);
  again = extract_text ("big.txt", text->str, NULL, default_rules);
  got = show_claims (again);
  assert_string_equal (got, want);
}

/* What a thread remembers between documents (the token-bits, noun-phrase
 * id and rule-list caches) never changes a claim: each text extracted
 * alone on a new thread (every cache cold) has the claims it has after
 * the thread has seen it and texts that share its words. */
typedef struct {
  const char *id;
  const char *text;
  XrefDocument *doc;       /* made on the job's thread */
} ExtractJob;

/* Extracts a job's text on the thread it runs on. */
static gpointer
extract_job (gpointer p)
{
  ExtractJob *j = p;

  j->doc = extract_text (j->id, j->text, NULL, default_rules);
  return NULL;
}

static void
test_thread_caches_exact (void **state)
{
  const char *texts[] = {
    "Germany delivered 14 tanks to Ukraine.\n",
    "France delivered 14 tanks to Ukraine.\n",
    "Germany delivered 14 tanks to Ukraine in May.\n",
    "Germany delivered 15 tanks to Poland.\n",
    "Washington will send tanks to Kyiv to defend the city.\n",
    "Washington will send air defense systems to Kyiv for the country’s air defense.\n",
    "The Pentagon plans to train Ukrainian troops at a military base in Germany.\n",
    "The Pentagon plans to train Ukrainian troops at a military base in Germany in December.\n",
    "They train Ukrainian soldiers on the territories of Britain, Germany and Italy.\n",
    "They train Ukrainian soldiers on the territories of Britain, Germany and France.\n",
    "The war has displaced more than 14 million people.\n",
    /* (speech_according's memo: the same speech matches, cold and warm) */
    "According to Kyiv, Russia attacked Kharkiv.\n",
    "Russia attacked Kharkiv, according to the latest reports, and Ukraine said it shelled Belgorod.\n",
    /* (entity_info's memo: an alias after a role, a demonym, weapons) */
    "German Chancellor Olaf Scholz said American experts sent Patriot missiles and tanks to Ukraine.\n",
  };
  guint slotted = 0, according = 0;

  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        ExtractJob job = { "memo.txt", texts[i], NULL };
        g_autoptr (XrefDocument) doc = NULL;
        g_autofree char *cold = NULL;
        g_autofree char *warm = NULL;

        g_thread_join (g_thread_new ("memo", extract_job, &job));
        cold = show_claims (job.doc);
        xref_document_free (job.doc);
        doc = extract_text ("memo.txt", texts[i], NULL, default_rules);
        warm = show_claims (doc);
        assert_string_equal (warm, cold);
        if (strstr (warm, " slot.") != NULL)
          slotted++;
        /* "according to X" makes X the speaker of the sentence's claims */
        if (strstr (warm, "speaker=ukraine[Kyiv]") != NULL || strstr (warm, "speaker=np:latest[the latest]") != NULL)
          according++;
      }
  assert_true (slotted >= 2 * 8);
  assert_true (according == 2 * 2);
}

/* find_mentions joins a sentence's entities and its other mentions in
 * one merge of the two runs, and in one pass drops a title before a
 * person, marks objects of prepositions and resolves pronouns: an
 * entity after other mentions ("the envoy ... President Joe Biden")
 * keeps its place for "he" in the next sentence, the title goes into
 * the person, and "he" after a preposition's object still finds him. */
static void
test_mention_merge (void **state)
{
  const char *text = "The Russian envoy in Kyiv met President Joe Biden on Monday. "
                     "He said the talks with the envoy were useful.";
  XrefDocument *doc = extract_text ("merge", text, NULL, default_rules);
  g_autofree char *all = show_claims (doc);
  gboolean met = FALSE, said = FALSE;

  for (guint i = 0; i < doc->claims->len; i++)
    {
      const XrefClaim *c = g_ptr_array_index (doc->claims, i);
      if (g_strcmp0 (c->object.id, "biden") == 0
          && g_str_has_prefix (doc->text + c->object.start, "President Joe Biden"))
        met = TRUE;
      if (g_strcmp0 (c->speaker.id, "biden") == 0)
        said = TRUE;
    }
  if (!met || !said)
    fail_msg ("mention merge: claims:%s", all);
  xref_document_free (doc);
}

/* find_mentions reads where a mention may start 64 tokens at a time,
 * sixteen a step, the last step past the sentence's end and, at the end
 * of the text, past the document's (mstart_window): a sentence after 0
 * to 99 commas gives the same claims whichever window and step its
 * mentions fall in. */
static void
test_mention_window (void **state)
{
  g_autofree char *want = NULL;

  for (guint n = 0; n < 100; n++)
    {
      g_autoptr (GString) text = g_string_new (NULL);
      g_autoptr (XrefDocument) doc = NULL;
      g_autofree char *got = NULL;

      for (guint i = 0; i < n; i++)
        g_string_append (text, ", ");
      g_string_append (text, "the soldiers attacked the city and local officials said that they shelled two villages");
      doc = extract_text ("window.txt", text->str, NULL, default_rules);
      got = show_claims (doc);
      if (want == NULL)
        {
          want = g_strdup (got);
          if (strstr (want, "np:soldiers") == NULL || strstr (want, "np:villages") == NULL)
            fail_msg ("mention window: claims:%s", want);
        }
      else if (strcmp (got, want) != 0)
        fail_msg ("mention window: after %u commas:%s\nnot:%s", n, got, want);
    }
}

/* clause_start answers the claims of a sentence from left to right from
 * its last answer (Ctx.clause): the subjects of the actions of sentences
 * with several clauses (";", ":", a speech verb, "which", "because",
 * "and") are those each clause gives on its own. */
static void
test_clause_memo (void **state)
{
  static const char *const texts[][2] = {
    { "Russia attacked Kharkiv; Germany delivered tanks to Ukraine and Poland sent jets, which Ukraine used.\n",
      "Germany delivered tanks to Ukraine and Poland sent jets, which Ukraine used.\n" },
    { "Kyiv said that Russia shelled Kherson because Ukraine attacked Crimea: Moscow launched missiles.\n",
      "Moscow launched missiles.\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (XrefDocument) whole = extract_text ("clause.txt", texts[i][0], NULL, default_rules);
      g_autoptr (XrefDocument) part = extract_text ("clause.txt", texts[i][1], NULL, default_rules);
      g_autofree char *all = show_claims (whole);

      assert_true (part->claims->len > 0);
      for (guint k = 0; k < part->claims->len; k++)
        {
          /* "actor=… action=… object=…": the speaker may differ */
          g_autofree char *one = show_claim (g_ptr_array_index (part->claims, k));
          const char *from = strstr (one, " actor="), *to = strstr (one, " polarity=");
          g_autofree char *args = NULL;
          assert_non_null (from);
          if (strstr (from, " speaker=") != NULL && strstr (from, " speaker=") < to)
            to = strstr (from, " speaker=");
          args = g_strndup (from, (gsize) (to - from));
          if (strstr (all, args) == NULL)
            fail_msg ("\"%s\" not among the claims of \"%s\":%s", args, texts[i][0], all);
        }
    }
  {
    g_autoptr (XrefDocument) doc = extract_text ("clause.txt", texts[1][0], NULL, default_rules);
    g_autofree char *all = show_claims (doc);
    assert_non_null (strstr (all, " actor=russia[Russia] action=attack[shelled]"));
    assert_non_null (strstr (all, " actor=ukraine[Ukraine] action=attack[attacked]"));
  }
}

/* The rule lists of two claims' rules: the same strings in the same
 * order. */
static gboolean
same_rules (const XrefClaim *a, const XrefClaim *b)
{
  if (a->rules->len != b->rules->len)
    return FALSE;
  for (guint i = 0; i < a->rules->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a->rules, i), g_ptr_array_index (b->rules, i)) != 0)
      return FALSE;
  return TRUE;
}

/* The claims of two documents are the same, rule lists included; the
 * same list is the same pointer (the process's table). */
static void
assert_same_claims (const XrefDocument *a, const XrefDocument *b)
{
  g_autofree char *x = show_claims (a), *y = show_claims (b);

  assert_string_equal (x, y);
  assert_int_equal (a->claims->len, b->claims->len);
  for (guint i = 0; i < a->claims->len; i++)
    {
      const XrefClaim *p = g_ptr_array_index (a->claims, i), *q = g_ptr_array_index (b->claims, i);
      assert_true (same_rules (p, q));
      assert_ptr_equal (p->rules, q->rules);
    }
}

/* token_bits' cache keeps each answer in one of a pair of entries, and
 * reads the spelling of a norm (-ed, plural, -ly, length) from the
 * document's text where the norm is the form; find_mentions and
 * build_claim read "-ing", "-ly", "self" from there too.  Against the
 * reference (rules without a serial: no cache, the interned norms'
 * bytes), with words whose norm is not their form (capitals, letters
 * whose lower case has another length, ligatures), cold, after a
 * document of 40,000 new words has rewritten every pair, and warm. */
static void
test_token_bits_pairs (void **state)
{
  const char *text = "Bombing of Kyiv continued on Monday. Yesterday Russia attacked Kharkiv and KILLED 12 civilians. "
                     "ÉLYSÉE officials said Germany delivered tanks to Ukraine. İSTANBUL talks failed; the ministers "
                     "reportedly walked out. Officials said the \xef\xac\x82" "ying drones attacked Odesa. Striking "
                     "workers protested. Ukraine armed itself, and they protected themselves. Early reports said "
                     "Poland SENT jets. \xc5\xbf" "elf-styled militias attacked Kherson. Nearly 20 people died.\n";
  XrefRules plain = *default_rules;
  g_autoptr (XrefDocument) ref = NULL, cold = NULL, evicted = NULL, warm = NULL, storm = NULL;
  g_autoptr (GString) words = g_string_new (NULL);

  plain.serial = 0;
  for (guint i = 0; i < 40000; i++)
    g_string_append_printf (words, "%s%c%05uq%s", i % 12 == 0 ? "" : " ", i % 3 == 0 ? 'W' : 'w', i,
                            i % 12 == 11 ? ".\n" : "");
  g_string_append (words, ".\n");
  ref = extract_text ("pairs.txt", text, NULL, &plain);
  cold = extract_text ("pairs.txt", text, NULL, default_rules);
  storm = extract_text ("storm.txt", words->str, NULL, default_rules);
  evicted = extract_text ("pairs.txt", text, NULL, default_rules);
  warm = extract_text ("pairs.txt", text, NULL, default_rules);
  assert_true (ref->claims->len >= 6);
  assert_same_claims (ref, cold);
  assert_same_claims (ref, evicted);
  assert_same_claims (ref, warm);
}

/* The process's rule lists are shared by the threads, each with its
 * cache of the lists it used lately: documents with more distinct lists
 * (an actor, an object and a speaker each) than a thread's cache holds,
 * extracted on three threads at once, have the same claims with the same
 * list pointers, and claims with equal lists share one. */
static void
test_rule_lists_table (void **state)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GHashTable) lists = g_hash_table_new (g_direct_hash, g_direct_equal);
  ExtractJob jobs[3];
  GThread *threads[G_N_ELEMENTS (jobs)];
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, default_rules->entities);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const XrefEntity *e = v;
      gboolean plain = e->name != NULL && g_ascii_isupper (e->name[0]);
      for (const char *p = e->name; plain && *p != '\0'; p++)
        plain = g_ascii_isalpha (*p);
      if (plain)
        g_ptr_array_add (names, (gpointer) e->name);
    }
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint a = 0; a < names->len; a++)
    for (guint o = 0; o < names->len; o++)
      for (guint k = 0; k < names->len && a != o; k++)
        g_string_append_printf (text, "%s said %s attacked %s.\n", (const char *) g_ptr_array_index (names, k),
                                (const char *) g_ptr_array_index (names, a),
                                (const char *) g_ptr_array_index (names, o));
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      jobs[i].id = "lists.txt";
      jobs[i].text = text->str;
      jobs[i].doc = NULL;
      threads[i] = g_thread_new ("lists", extract_job, &jobs[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    g_thread_join (threads[i]);
  for (guint i = 1; i < G_N_ELEMENTS (jobs); i++)
    assert_same_claims (jobs[0].doc, jobs[i].doc);
  for (guint i = 0; i < jobs[0].doc->claims->len; i++)
    {
      const XrefClaim *c = g_ptr_array_index (jobs[0].doc->claims, i);
      const XrefClaim *seen = g_hash_table_lookup (lists, c->rules);
      assert_ptr_equal (g_ptr_array_index (c->rules, 0), xref_claim_arg_rule (c, XREF_ROLE_ACTION));
      if (seen == NULL)
        g_hash_table_insert (lists, (gpointer) c->rules, (gpointer) c);
      /* (a list of the same rules is the same list) */
      for (guint k = i; k-- > 0 && k + 8 > i;)
        {
          const XrefClaim *d = g_ptr_array_index (jobs[0].doc->claims, k);
          assert_true (same_rules (c, d) == (c->rules == d->rules));
        }
    }
  /* (more lists than a thread's cache has entries, 4096) */
  print_message ("%u claims, %u distinct rule lists\n", jobs[0].doc->claims->len, g_hash_table_size (lists));
  assert_true (g_hash_table_size (lists) > 4096);
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    xref_document_free (jobs[i].doc);
}

/* slot_value gives a value of one entity or one word without interning
 * it (it is interned already): the same pointer the slow path interns,
 * for every slot of every claim; and the speech table's tags
 * (find_speakers reads them instead of the match) say what the match
 * says, for every speech phrase in some text. */
static void
test_slot_values_and_speech_tags (void **state)
{
  g_autoptr (XrefDocument) doc =
    extract_text ("values.txt",
                  "The Pentagon plans to train Ukrainian troops in Germany for several months. "
                  "According to officials, Russia sent 12 tanks to Belarus on Monday. "
                  "Russia will send \"volunteers\" to Syria, the ministry said. "
                  "The US sent weapons to Ukraine and Poland, according to the latest reports. "
                  "Officials told reporters that France sent aid to refugees.\n",
                  NULL, story_rules);
  const XrefPhraseTable *speech = story_rules->speech_phrases;
  guint n_values = 0, n_speech = 0, n_according = 0;

  for (guint i = 0; i < doc->claims->len; i++)
    {
      const XrefClaim *c = g_ptr_array_index (doc->claims, i);
      for (guint j = 0; c->slots != NULL && j < c->slots->len; j++)
        {
          const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, j);
          if (v->value == NULL)
            continue;
          assert_ptr_equal (v->value, xref_intern (v->value));
          n_values++;
        }
    }
  assert_true (n_values >= 4);

  assert_non_null (speech);
  for (guint s = 0; s < doc->sentences->len; s++)
    {
      const XrefSentence *sent = &g_array_index (doc->sentences, XrefSentence, s);
      const XrefToken *tok = &g_array_index (doc->tokens, XrefToken, sent->first_token);
      for (guint i = 0; i < sent->n_tokens; i++)
        {
          gconstpointer v = NULL;
          guint tag = 0;
          guint len = xref_phrase_table_match_tagged (speech, tok, sent->n_tokens, i, &v, &tag);
          if (len == 0 || v == NULL)
            continue;
          {
            const XrefActionMatch *m = v;
            gboolean according = m->attribution;
            assert_int_equal (according, m->lemma != NULL && g_str_has_prefix (m->lemma, "according"));
            assert_int_equal (tag, xref_action_match_tag (m));
            assert_int_equal ((tag & XREF_ACTION_TAG_ATTRIBUTION) != 0, according);
            n_speech++;
            n_according += according;
          }
        }
    }
  assert_true (n_speech >= 3);
  assert_int_equal (n_according, 2);
}

/* Any phrase of the lexicon's attribution_phrases introduces the source
 * after it, as "according to" does: the rule set says which phrases are
 * attributions, not a word compiled in. */
static void
test_attribution_phrase_from_rules (void **state)
{
  const char *text = "In the words of Kyiv, Russia attacked Kharkiv.\n";
  g_autofree char *tmp = NULL;
  g_autoptr (XrefRules) rules =
    test_load_rules_plus ("lexicon.yaml", "lexicon:\n  attribution_phrases: [in the words of]\n", &tmp);
  g_autoptr (XrefDocument) plain = NULL;
  g_autoptr (XrefDocument) doc = NULL;
  g_autofree char *plain_claims = NULL;
  g_autofree char *claims = NULL;

  /* both phrases are attribution matches, and tagged so */
  doc = extract_text ("attr.txt", text, NULL, rules);
  for (guint k = 0; k < 2; k++)
    {
      const char *phrase = k == 0 ? "in the words of" : "according to";
      g_autoptr (XrefDocument) probe = extract_text ("probe.txt", phrase, NULL, rules);
      const XrefToken *tok = (const XrefToken *) (gpointer) probe->tokens->data;
      gconstpointer v = NULL;
      guint tag = 0;
      const XrefActionMatch *m;

      assert_int_equal (xref_phrase_table_match_tagged (rules->speech_phrases, tok, probe->tokens->len, 0, &v, &tag),
                        probe->tokens->len);
      m = v;
      assert_true (m->attribution);
      assert_null (m->action);
      assert_true (tag & XREF_ACTION_TAG_ATTRIBUTION);
      if (k == 0)
        assert_string_equal (m->rule, "speech:in the words of");
    }

  /* without the phrase, Kyiv is no speaker; with it, Kyiv is the source
   * of the sentence's claims, as after "according to" */
  plain = extract_text ("attr.txt", text, NULL, default_rules);
  plain_claims = show_claims (plain);
  assert_null (strstr (plain_claims, "speaker=ukraine[Kyiv]"));
  claims = show_claims (doc);
  if (strstr (claims, "actor=russia[Russia] action=attack[attacked]") == NULL)
    fail_msg ("no claim of the attack in:\n%s", claims);
  if (strstr (claims, "speaker=ukraine[Kyiv]") == NULL)
    fail_msg ("no speaker from the attribution phrase in:\n%s", claims);

  test_remove_rules_folder (tmp, "lexicon.yaml");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_claim_slot),
    cmocka_unit_test (test_claim_arg_rule_owned),
    cmocka_unit_test (test_empty_and_again),
    cmocka_unit_test (test_cases),
    cmocka_unit_test (test_seed_spans),
    cmocka_unit_test (test_seed_claims),
    cmocka_unit_test (test_regex_prefilter),
    cmocka_unit_test (test_long_np_id),
    cmocka_unit_test (test_shared_rules),
    cmocka_unit_test (test_claim_free_layouts),
    cmocka_unit_test (test_caches_follow_rules),
    cmocka_unit_test (test_token_bits_ahead),
    cmocka_unit_test (test_names_map),
    cmocka_unit_test (test_work_reuse),
    cmocka_unit_test (test_thread_caches_exact),
    cmocka_unit_test (test_mention_merge),
    cmocka_unit_test (test_clause_memo),
    cmocka_unit_test (test_mention_window),
    cmocka_unit_test (test_token_bits_pairs),
    cmocka_unit_test (test_rule_lists_table),
    cmocka_unit_test (test_slot_values_and_speech_tags),
    cmocka_unit_test (test_attribution_phrase_from_rules),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
