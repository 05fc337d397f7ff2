/* xref — report: `xref --explain ROW-ID`, one row told in words.
 *
 * Which claims each document gives (with the sentence, the speaker and the
 * date), which rule decided the verdict and where it is written
 * (file:line from XrefRuleOrigin), which rules produced each claim.  Like
 * every renderer it decides nothing: it reads the row match made.  The text
 * is for a terminal, so article text goes through xref_escape_terminal. */
#include "report/report-private.h"

#include <string.h>

static void
term (GString *out, const char *s)
{
  xref_escape_terminal (out, s != NULL ? s : "", -1);
}

static void
origin (GString *out, const XrefRuleOrigin *o)
{
  if (o != NULL && o->file != NULL)
    g_string_append_printf (out, " (%s:%d)", o->file, o->line);
}

/* Where the rule with provenance id "kind:id" (action:send, entity:us,
 * slot:location) or contradiction id is written, or NULL. */
static const XrefRuleOrigin *
rule_origin (const XrefRules *rules, const char *rule)
{
  const char *colon;

  if (rules == NULL || rule == NULL)
    return NULL;
  for (guint i = 0; rules->contradictions != NULL && i < rules->contradictions->len; i++)
    {
      const XrefContradiction *c = g_ptr_array_index (rules->contradictions, i);
      if (strcmp (c->id, rule) == 0)
        return &c->origin;
    }
  colon = strchr (rule, ':');
  if (colon == NULL)
    return NULL;
  {
    g_autofree char *kind = g_strndup (rule, (gsize) (colon - rule));
    const char *id = colon + 1;

    if (strcmp (kind, "action") == 0 && xref_rules_action (rules, id) != NULL)
      return &xref_rules_action (rules, id)->origin;
    if (strcmp (kind, "entity") == 0 && xref_rules_entity (rules, id) != NULL)
      return &xref_rules_entity (rules, id)->origin;
    if ((strcmp (kind, "slot") == 0 || strcmp (kind, "key-slot") == 0) && xref_rules_slot (rules, id) != NULL)
      return &xref_rules_slot (rules, id)->origin;
  }
  return NULL;
}

/* The built-in verdict rules of match, in words. */
static const char *
builtin_rule (const char *rule)
{
  static const struct {
    const char *prefix;
    const char *words;
  } builtin[] = {
    { "agree:equal", "every source that gives a value gives the same one" },
    { "agree:vague", "the values fall in one vague group of the slot (\"several months\" and \"a few months\")" },
    { "agree:refinement", "the values are compatible, one more precise than another (a country within \"a third "
                          "country\", a part within its whole)" },
    { "agree:within-tolerance", "the values differ by less than the tolerance of the slot's contradiction rule" },
    { "agree:event", "fewer than half of the sources report the event; those that do agree it took place" },
    { "omit:event", "half of the sources or more report the event and the others leave it out" },
    { "omit:detail", "only one of the sources that report the topic gives this detail" },
    { "key-slot:", "the slot is a key slot of the action in the rules: a source that reports the topic without it "
                   "omits it" },
    { "differ:", "the values differ and no contradiction rule names this slot" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (builtin); i++)
    if (g_str_has_prefix (rule, builtin[i].prefix))
      return builtin[i].words;
  return NULL;
}

static void
claim_words (GString *out, const XrefRules *rules, const XrefClaim *c)
{
  gsize len;
  const char *s = xref_report_span (c->doc, c->start, c->end, &len);

  g_string_append (out, "      claim ");
  term (out, c->id);
  g_string_append (out, ": ");
  term (out, c->actor.id != NULL ? c->actor.id : "?");
  g_string_append (out, " · ");
  term (out, c->action.id);
  if (c->object.id != NULL)
    {
      g_string_append (out, " · ");
      term (out, c->object.id);
    }
  g_string_append_printf (out, "; %s, %s", xref_polarity_name (c->polarity), xref_modality_name (c->modality));
  if (c->date.id != NULL)
    {
      g_string_append (out, ", dated ");
      term (out, c->date.id);
    }
  if (c->speaker.id != NULL)
    {
      g_string_append (out, ", said by ");
      term (out, c->speaker.id);
    }
  g_string_append_c (out, '\n');
  if (s != NULL)
    {
      g_string_append (out, "      sentence: “");
      xref_escape_terminal (out, s, (gssize) len);
      g_string_append_printf (out, "” (bytes %u–%u)\n", c->start, c->end);
    }
  if (c->rules != NULL && c->rules->len > 0)
    {
      g_string_append (out, "      rules that made it:");
      for (guint i = 0; i < c->rules->len; i++)
        {
          const char *r = g_ptr_array_index (c->rules, i);
          g_string_append (out, i > 0 ? ", " : " ");
          term (out, r);
          origin (out, rule_origin (rules, r));
        }
      g_string_append_c (out, '\n');
    }
}

static void
source_words (GString *out, const XrefReport *report, GHashTable *labels, const XrefSource *s, const char *how)
{
  gsize len;
  const char *text = xref_report_span (s->doc, s->start, s->end, &len);
  const char *outlet = s->doc != NULL ? s->doc->outlet : NULL;

  g_string_append_printf (out, "  %s ", how);
  term (out, xref_report_label (labels, s->doc));
  g_string_append (out, " (");
  term (out, s->doc != NULL ? s->doc->id : "?");
  if (outlet != NULL)
    {
      g_string_append (out, ", ");
      term (out, outlet);
    }
  g_string_append (out, ")");
  if (!s->states)
    {
      g_string_append (out, " does not state it\n");
      return;
    }
  g_string_append (out, " states ");
  term (out, s->value);
  if (text != NULL)
    {
      g_string_append (out, " — “");
      xref_escape_terminal (out, text, (gssize) len);
      g_string_append (out, "”");
    }
  if (s->speaker != NULL)
    {
      g_string_append (out, ", according to ");
      term (out, s->speaker);
    }
  if (s->date != NULL)
    {
      g_string_append (out, ", statement of ");
      term (out, s->date);
    }
  g_string_append_c (out, '\n');
  if (s->claim != NULL)
    claim_words (out, report->rules, s->claim);
}

gboolean
xref_render_explain (const XrefReport *report, const char *row_id, GString *out, GError **error)
{
  const XrefRow *row = NULL;
  g_autoptr (GHashTable) labels = NULL;
  g_autofree char *topic = NULL;
  g_autofree char *verdict = NULL;
  const XrefContradiction *contra = NULL;
  const XrefAction *action;
  const char *words;

  for (guint i = 0; report->rows != NULL && i < report->rows->len && row == NULL; i++)
    {
      const XrefRow *r = g_ptr_array_index (report->rows, i);
      if (g_strcmp0 (r->id, row_id) == 0)
        row = r;
    }
  if (row == NULL)
    {
      g_set_error (error, XREF_ERROR, XREF_ERROR_USAGE, "no row '%s' (rows are r1 to r%u)", row_id,
                   report->rows != NULL ? report->rows->len : 0);
      return FALSE;
    }
  labels = xref_report_labels (report);
  topic = xref_report_row_topic (row);
  verdict = xref_report_verdict (row);

  term (out, row->id);
  g_string_append (out, ": ");
  term (out, verdict);
  g_string_append (out, " on the ");
  term (out, row->slot);
  g_string_append (out, " of “");
  term (out, topic);
  g_string_append (out, "”\n\n");

  g_string_append (out, "why: ");
  term (out, row->note);
  g_string_append (out, "\n\nrule: ");
  term (out, row->rule);
  for (guint i = 0; report->rules != NULL && report->rules->contradictions != NULL
                    && i < report->rules->contradictions->len && contra == NULL;
       i++)
    {
      const XrefContradiction *c = g_ptr_array_index (report->rules->contradictions, i);
      if (g_strcmp0 (c->id, row->rule) == 0)
        contra = c;
    }
  if (contra != NULL)
    {
      origin (out, &contra->origin);
      g_string_append (out, " — ");
      term (out, contra->description);
    }
  else if ((words = builtin_rule (row->rule != NULL ? row->rule : "")) != NULL)
    {
      g_string_append (out, " (built into xref's matching) — ");
      g_string_append (out, words);
    }
  g_string_append_c (out, '\n');
  if (g_strcmp0 (row->qualifier, "superseded") == 0)
    g_string_append (out, "superseded: every statement on one side is dated on or before every statement on the "
                          "other, so the later one replaces the earlier; check the dates below\n");
  else if (g_strcmp0 (row->qualifier, "same-speaker") == 0)
    g_string_append (out, "same speaker: one speaker gives both values, on different dates\n");

  for (guint i = 0; row->actions != NULL && i < row->actions->len; i++)
    {
      const char *id = g_ptr_array_index (row->actions, i);
      action = report->rules != NULL ? xref_rules_action (report->rules, id) : NULL;
      g_string_append (out, i == 0 ? "actions compared together (related in the rules): " : ", ");
      term (out, id);
      if (action != NULL)
        origin (out, &action->origin);
      if (i + 1 == row->actions->len)
        g_string_append_c (out, '\n');
    }
  action = report->rules != NULL && row->action != NULL ? xref_rules_action (report->rules, row->action) : NULL;
  if (row->actions == NULL && action != NULL)
    {
      g_string_append (out, "action: ");
      term (out, action->id);
      origin (out, &action->origin);
      if (action->key_slots != NULL && action->key_slots->len > 0)
        {
          g_string_append (out, "; key slots:");
          for (guint i = 0; i < action->key_slots->len; i++)
            {
              g_string_append_c (out, ' ');
              term (out, g_ptr_array_index (action->key_slots, i));
            }
        }
      g_string_append_c (out, '\n');
    }
  if (report->rules != NULL && row->slot != NULL && xref_rules_slot (report->rules, row->slot) != NULL)
    {
      g_string_append (out, "slot: ");
      term (out, row->slot);
      origin (out, &xref_rules_slot (report->rules, row->slot)->origin);
      g_string_append_c (out, '\n');
    }

  g_string_append_printf (out, "\nsources (%u of %u state it):\n", row->n_states,
                          row->sources != NULL ? row->sources->len : 0);
  for (guint i = 0; row->sources != NULL && i < row->sources->len; i++)
    {
      const XrefSource *s = &g_array_index (row->sources, XrefSource, i);
      source_words (out, report, labels, s, "-");
      for (guint k = 0; row->voices != NULL && k < row->voices->len; k++)
        {
          const XrefSource *v = &g_array_index (row->voices, XrefSource, k);
          if (v->doc == s->doc)
            source_words (out, report, labels, v, "  also");
        }
    }
  return TRUE;
}
