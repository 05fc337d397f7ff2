/* xref — rules: compiling definitions and word lists into phrase tables.
 *
 * Every phrase is split by xref_tokenize, the tokenizer of the articles.
 * When two definitions give the same phrase, a rank decides which reading
 * the table keeps (lower wins, the earlier definition on a tie):
 *   entities: alias < role < demonym;
 *   actions:  base < present < past < participle < gerund < noun, so
 *             "training" is train's GERUND even though it is also a noun;
 *   modals:   the phrase listed last wins, so a later folder can move a
 *             phrase to another modality. */
#include "rules-private.h"

#include <string.h>

static gboolean
starts_with_apostrophe (const char *s)
{
  gunichar c = g_utf8_get_char (s);
  return c == '\'' || c == 0x2019 || c == 0x2018;
}

/* The tokens of a phrase made only of ASCII letters and single spaces
 * ("Angela Merkel"), which is most of them: exactly what xref_tokenize
 * gives (one WORD per run of letters; flags as it sets them), without its
 * Unicode classification, so that a rule set with tens of thousands of
 * names loads quickly.  NULL when text is not of that simple shape. */
static gboolean
simple_tokens (const char *text, GArray *toks)
{
  char buf[128];
  gsize i = 0;

  for (const char *p = text;; p++)
    {
      if (g_ascii_isalpha (*p))
        continue;
      /* a single space between two words, or the end after a word */
      if (p == text || !g_ascii_isalpha (p[-1]) || (*p != '\0' && (*p != ' ' || !g_ascii_isalpha (p[1]))))
        return FALSE;
      if (*p == '\0')
        break;
    }
  while (text[i] != '\0')
    {
      XrefToken t = { 0 };
      gsize j = i, upper = 0;

      while (g_ascii_isalpha (text[j]))
        {
          upper += g_ascii_isupper (text[j]) ? 1 : 0;
          j++;
        }
      if (j - i >= sizeof buf)
        {
          g_array_set_size (toks, 0);
          return FALSE;
        }
      t.start = i;
      t.end = j;
      t.kind = XREF_TOKEN_WORD;
      memcpy (buf, text + i, j - i);
      buf[j - i] = '\0';
      t.form = xref_intern_len (buf, j - i);
      if (upper == 0)
        t.norm = t.form;
      else
        {
          for (gsize k = 0; k < j - i; k++)
            buf[k] = g_ascii_tolower (buf[k]);
          t.norm = xref_intern_len (buf, j - i);
        }
      if (g_ascii_isupper (text[i]))
        t.flags |= XREF_TOKEN_CAPITALISED;
      if (j - i >= 2 && upper == j - i)
        t.flags |= XREF_TOKEN_ALLCAPS;
      g_array_append_val (toks, t);
      i = text[j] == ' ' ? j + 1 : j;
    }
  return TRUE;
}

GArray *
xref_rules_phrase_tokens (const char *text)
{
  GArray *toks = g_array_new (FALSE, FALSE, sizeof (XrefToken));

  xref_rules_phrase_tokens_into (text, toks);
  return toks;
}

void
xref_rules_phrase_tokens_into (const char *text, GArray *toks)
{
  g_array_set_size (toks, 0);
  if (simple_tokens (text, toks))
    return;

  /* A clitic ("'ll", "'s") is one only after a word: split it behind a
   * stand-in word, then drop the stand-in. */
  if (starts_with_apostrophe (text))
    {
      g_autofree char *tmp = g_strconcat ("x", text, NULL);
      xref_tokenize (tmp, 0, strlen (tmp), toks);
      if (toks->len > 1 && g_array_index (toks, XrefToken, 0).end == 1
          && g_array_index (toks, XrefToken, 1).kind == XREF_TOKEN_WORD)
        {
          g_array_remove_index (toks, 0);
          return;
        }
      g_array_set_size (toks, 0);
    }
  xref_tokenize (text, 0, strlen (text), toks);
}

static void
add_phrase (RulesLoader *ld, XrefPhraseTable *t, const RulesStr *s, const XrefToken *toks, guint n, gpointer value,
            gint64 rank)
{
  const char *problem = NULL;

  if (!xref_phrase_table_add (t, toks, n, value, rank, &problem))
    xref_rules_error (ld, s->origin.file, s->origin.line, s->origin.col, "unusable phrase '%s': %s", s->text,
                      problem);
}

/* The definitions of table in definition order: ties between phrases
 * must not depend on hash order. */
static GPtrArray *
in_order (GHashTable *table, GCompareFunc cmp)
{
  GPtrArray *out = g_ptr_array_new ();
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (out, v);
  g_ptr_array_sort (out, cmp);
  return out;
}

static gint
cmp_entity (gconstpointer a, gconstpointer b)
{
  const RulesEntity *x = *(RulesEntity *const *) a, *y = *(RulesEntity *const *) b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gint
cmp_action (gconstpointer a, gconstpointer b)
{
  const RulesAction *x = *(RulesAction *const *) a, *y = *(RulesAction *const *) b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- entities ---------------------------------------------------------- */

/* Entity matches live in the table's own memory (a table may hold tens of
 * thousands of names): no value_free. */
static void
add_entity_phrases (RulesLoader *ld, XrefPhraseTable *t, const RulesEntity *e, GArray *strs, XrefMentionKind kind,
                    const char *rule, GArray *toks)
{
  for (guint i = 0; strs != NULL && i < strs->len; i++)
    {
      const RulesStr *s = &g_array_index (strs, RulesStr, i);
      XrefEntityMatch *m = xref_phrase_table_alloc (t, sizeof (XrefEntityMatch));

      xref_rules_phrase_tokens_into (s->text, toks);
      m->entity = &e->pub;
      m->kind = kind;
      m->rule = rule;
      add_phrase (ld, t, s, (const XrefToken *) toks->data, toks->len, m, kind);
    }
}

static XrefPhraseTable *
entity_table (RulesLoader *ld)
{
  XrefRules *r = ld->rules;
  XrefPhraseTable *t = xref_phrase_table_new (r->word_classes, NULL);
  g_autoptr (GPtrArray) ents = in_order (r->entities, cmp_entity);
  g_autoptr (GArray) toks = g_array_new (FALSE, FALSE, sizeof (XrefToken));

  for (guint i = 0; i < ents->len; i++)
    {
      const RulesEntity *e = g_ptr_array_index (ents, i);
      g_autofree char *rule_s = g_strconcat ("entity:", e->pub.id, NULL);
      const char *rule = xref_intern (rule_s);

      add_entity_phrases (ld, t, e, e->aliases, XREF_MENTION_ALIAS, rule, toks);
      add_entity_phrases (ld, t, e, e->roles, XREF_MENTION_ROLE, rule, toks);
      add_entity_phrases (ld, t, e, e->demonyms, XREF_MENTION_DEMONYM, rule, toks);
    }
  xref_phrase_table_freeze (t);
  return t;
}

/* ---- verbs ------------------------------------------------------------- */

/* Adds every inflected form of the verb phrase s ("hand over": the first
 * word inflects) to t.  action may be NULL (speech verbs).  Returns the
 * number of forms. */
static guint
add_verb (RulesLoader *ld, XrefPhraseTable *t, const RulesStr *s, const XrefAction *action, const char *rule)
{
  g_autoptr (GArray) toks = xref_rules_phrase_tokens (s->text);
  g_autoptr (GArray) forms = g_array_new (FALSE, FALSE, sizeof (XrefInflection));
  const RulesIrregular *irr;
  guint first = 0;

  while (first < toks->len && g_array_index (toks, XrefToken, first).kind == XREF_TOKEN_QUOTE)
    first++;
  if (first >= toks->len || g_array_index (toks, XrefToken, first).kind != XREF_TOKEN_WORD)
    {
      xref_rules_error (ld, s->origin.file, s->origin.line, s->origin.col,
                        "unusable verb '%s': a verb phrase starts with a word", s->text);
      return 0;
    }

  XrefToken *head = &g_array_index (toks, XrefToken, first);
  irr = g_hash_table_lookup (ld->irregular, head->norm);
  xref_rules_inflect (head->norm, irr != NULL ? irr->past : NULL, irr != NULL ? irr->participle : NULL, forms);

  for (guint i = 0; i < forms->len; i++)
    {
      const XrefInflection *inf = &g_array_index (forms, XrefInflection, i);
      XrefActionMatch *m = g_new0 (XrefActionMatch, 1);

      /* Verbs match whatever their case: the inflected word is lower case
       * in form and norm alike. */
      head->form = inf->form;
      head->norm = inf->form;
      m->action = action;
      m->form = inf->kind;
      m->lemma = s->text;
      m->rule = rule;
      add_phrase (ld, t, s, (const XrefToken *) toks->data + first, toks->len - first, m, inf->kind);
    }
  return forms->len;
}

static void
add_nouns (RulesLoader *ld, XrefPhraseTable *t, GArray *nouns, const XrefAction *action, const char *rule)
{
  for (guint i = 0; i < nouns->len; i++)
    {
      const RulesStr *s = &g_array_index (nouns, RulesStr, i);
      g_autoptr (GArray) toks = xref_rules_phrase_tokens (s->text);
      XrefActionMatch *m = g_new0 (XrefActionMatch, 1);

      m->action = action;
      m->form = XREF_FORM_NOUN;
      m->lemma = s->text;
      m->rule = rule;
      add_phrase (ld, t, s, (const XrefToken *) toks->data, toks->len, m, XREF_FORM_NOUN);
    }
}

static XrefPhraseTable *
action_table (RulesLoader *ld)
{
  XrefRules *r = ld->rules;
  XrefPhraseTable *t = xref_phrase_table_new (r->word_classes, g_free);
  g_autoptr (GPtrArray) acts = in_order (r->actions, cmp_action);

  /* (extract tests the form and the action of most matches, not more) */
  xref_phrase_table_set_tags (t, xref_action_match_tag);

  for (guint i = 0; i < acts->len; i++)
    {
      const RulesAction *a = g_ptr_array_index (acts, i);
      g_autofree char *rule_s = g_strconcat ("action:", a->pub.id, NULL);
      const char *rule = xref_intern (rule_s);

      for (guint j = 0; j < a->verbs->len; j++)
        ld->n_verb_forms += add_verb (ld, t, &g_array_index (a->verbs, RulesStr, j), &a->pub, rule);
      add_nouns (ld, t, a->nouns, &a->pub, rule);
    }
  xref_phrase_table_freeze (t);
  return t;
}

static XrefPhraseTable *
speech_table (RulesLoader *ld)
{
  XrefPhraseTable *t = xref_phrase_table_new (ld->rules->word_classes, g_free);

  for (guint i = 0; i < ld->speech->len; i++)
    {
      const RulesStr *s = &g_array_index (ld->speech, RulesStr, i);
      g_autofree char *rule_s = g_strconcat ("speech:", s->text, NULL);
      add_verb (ld, t, s, NULL, xref_intern (rule_s));
    }
  /* "according to": a source follows, no verb to inflect (any phrase
   * of attribution_phrases, not a word of English in C). */
  for (guint i = 0; i < ld->attribution->len; i++)
    {
      const RulesStr *s = &g_array_index (ld->attribution, RulesStr, i);
      g_autofree char *rule_s = g_strconcat ("speech:", s->text, NULL);
      g_autoptr (GArray) toks = xref_rules_phrase_tokens (s->text);
      XrefActionMatch *m = g_new0 (XrefActionMatch, 1);

      m->action = NULL;
      m->form = XREF_FORM_BASE;
      m->attribution = TRUE;
      m->lemma = s->text;
      m->rule = xref_intern (rule_s);
      add_phrase (ld, t, s, (const XrefToken *) toks->data, toks->len, m, XREF_FORM_BASE);
    }
  /* (the tags say which matches are attributions: find_speakers reads
   * them, not the matches) */
  xref_phrase_table_set_tags (t, xref_action_match_tag);
  xref_phrase_table_freeze (t);
  return t;
}

/* ---- modals ------------------------------------------------------------ */

static const char *const modality_rules[] = { "modal:asserted", "modal:planned", "modal:possible", "modal:refused",
                                              "modal:unconfirmed", "modal:conditional" };

static XrefPhraseTable *
modal_table (RulesLoader *ld)
{
  XrefPhraseTable *t = xref_phrase_table_new (ld->rules->word_classes, g_free);

  for (guint i = 0; i < ld->modals->len; i++)
    {
      const RulesModal *md = &g_array_index (ld->modals, RulesModal, i);
      g_autoptr (GArray) toks = xref_rules_phrase_tokens (md->phrase.text);
      XrefModalMatch *m = g_new0 (XrefModalMatch, 1);

      m->modality = md->modality;
      m->negates = md->negates;
      m->rule = xref_intern (md->negates ? "modal:negating" : modality_rules[md->modality]);
      /* Listed later, ranked lower: the last listing wins. */
      add_phrase (ld, t, &md->phrase, (const XrefToken *) toks->data, toks->len, m, -(gint64) i);
    }
  xref_phrase_table_freeze (t);
  return t;
}

void
xref_rules_compile (RulesLoader *ld)
{
  XrefRules *r = ld->rules;

  r->entity_phrases = entity_table (ld);
  r->action_phrases = action_table (ld);
  r->speech_phrases = speech_table (ld);
  r->modal_phrases = modal_table (ld);
}
