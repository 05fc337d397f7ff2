/* xref — match: group claims of different documents into topics and compare
 * them slot by slot, giving the rows of the discrepancy table.
 *
 * Topics.  A claim's topic key is (action, actor root, object root).  An
 * entity rolls up through part_of to its root (pentagon → us-government →
 * us), so "the Pentagon plans to train" and "Washington will train" are one
 * topic; persons roll up too as actors (a minister → their country), while a claim's
 * speaker keeps the person's own id (not part of the key).  Claims are
 * blocked by key in one hash table, so grouping is linear in the number of
 * claims; no pair of claims is ever compared across topics.
 *
 * Wildcards.  A claim with no actor or no object joins the one topic of its
 * action whose known element(s) match it, when there is exactly one such
 * topic among the claims with a full key; when there are none or several,
 * it goes to a topic of its own partial key (with the other partial claims
 * of that key).  Counts of compatible topics are kept per (action, actor,
 * *), (action, *, object) and (action, *, *), so this too is linear, and
 * the result does not depend on the order of documents or claims.
 *
 * Dates.  A date is a property of a topic, not part of its key: two reports
 * of "X will send Y" dated December 21 and December 22 are one
 * topic whose date row differs.  An action that lists "date" among its key
 * slots (begin: "the operation began on February 24") says its date is what
 * identifies the event; such a topic is split into clusters of complete
 * dates (single linkage within the DATE contradiction's tolerance, in days).
 * Claims without a complete date join the cluster when there is exactly
 * one, else they form a cluster of their own.
 *
 * Rows.  A topic reported by at least two documents gives one row per
 * (topic, slot); a topic of one document gives none.  Every row has one
 * source per document of the corpus, in corpus order.  A document that
 * reports a topic several times is represented by its first claim in text
 * order that gives a value for the row (its other claims are looked at only
 * to say, in the note, that it gives several values).
 *  - "event": the documents that report the topic state it (value: the
 *    action id).  Verdict "omit" (rule "omit:event") when at least half the
 *    corpus reports it and some documents do not, so an editor sees that it
 *    was left out; else "agree" (rule "agree:event"), the documents that do
 *    not report it listed as omitting it.
 *  - "polarity": affirmed against negated is "differ" under the POLARITY
 *    contradiction ("negation-flip"); all negated is "agree" ("agree:equal"),
 *    so "the US will not send personnel — agree, both negated" shows; all
 *    affirmed gives no row (the event row says it).
 *  - "date" (the claim's date, or its "date" slot) and each slot the action
 *    lists that some document states: values compared pairwise (one value
 *    per document, distinct values only) as match-compare.c says; the worst
 *    relation decides.  Any pair that differs → "differ" with the
 *    contradiction that fits (same kind as the slot's compare and the same
 *    slot, else the same kind for any slot, else an EXCLUSIVE one, else
 *    "differ:<slot>").  Else a key slot (the action's key_slots) that some
 *    reporting documents leave out → "omit", rule "key-slot:<slot>".  Else
 *    "omit", rule "omit:detail", when only one document gives a value that
 *    the others reporting the topic leave out.  Else "agree":
 *    "agree:refinement", "agree:within-tolerance", "agree:vague" or
 *    "agree:equal".  NUMERIC and DATE tolerances are the fitting
 *    contradiction's, else the slot's.
 * Ranking: differ on a key slot, other differ, omit, agree; then by the
 * number of stating sources (descending), topic ids, the date cluster, and
 * the slot (event, polarity, date, then by name).  Ids r1, r2, … follow the
 * ranking, so they are the same whatever the order of the documents.
 */
#include "match-private.h"

#include <string.h>

#define NO_DATE_KEY G_MININT64   /* topic not split by date */
#define UNDATED_KEY G_MAXINT64   /* the claims of a split topic with no complete date */

/* Stands for "any" in the keys of the compatibility counts; only its
 * address matters, and no interned id has it. */
static const char any_id[] = "*";

typedef struct {
  const char *action;      /* interned */
  const char *actor;       /* interned root, NULL when absent, or any_id */
  const char *object;
} Key;

/* One claim, with the canonical keys match works with. */
typedef struct {
  const XrefClaim *claim;
  const char *action;      /* interned action id */
  guint doc;               /* index of its document in the corpus */
  guint seq;               /* index of the claim in its document */
  const char *actor;       /* interned root id, or NULL */
  const char *object;
  const char *speaker;     /* interned own id (persons are not rolled up) */
  const char *date;        /* interned TimeML value, or NULL */
  gsize date_start;
  gsize date_end;
} Item;

typedef struct {
  Key key;
  gint64 date_key;         /* first day of its date cluster, or NO_DATE_KEY */
  GArray *items;           /* guint indices into Ctx.items */
} Topic;

/* How many full-key topics a partial key is compatible with. */
typedef struct {
  Key key;
  guint n;
  Topic *topic;            /* the first one */
} Compat;

/* The claims of one document within a topic: items[first .. first + n). */
typedef struct {
  guint doc;
  guint first;
  guint n;
} Run;

typedef enum {
  FIELD_EVENT,
  FIELD_POLARITY,
  FIELD_DATE,
  FIELD_SLOT,
} Field;

/* A row before ranking. */
typedef struct {
  XrefRow *row;
  guint klass;             /* 0 differ on a key slot, 1 differ, 2 omit, 3 agree */
  gint64 date_key;
  guint slot_rank;         /* event, polarity, date, then other slots */
} Draft;

typedef struct {
  GPtrArray *documents;
  const XrefRules *rules;
  guint n_docs;
  GArray *items;           /* Item */
  GHashTable *roots;       /* id → root id (interned, no free) */
  GHashTable *topics;      /* Key* (inside its Topic) → Topic* (owned by topic_list) */
  GHashTable *compat;      /* Key* (inside its Compat) → Compat* (owned) */
  GPtrArray *topic_list;   /* Topic*, owned */
  GArray *drafts;          /* Draft */
} Ctx;

const char *
xref_verdict_name (XrefVerdict v)
{
  switch (v)
    {
    case XREF_VERDICT_AGREE:
      return "agree";
    case XREF_VERDICT_DIFFER:
      return "differ";
    case XREF_VERDICT_OMIT:
      return "omit";
    default:
      return "unknown";
    }
}

void
xref_row_free (XrefRow *row)
{
  if (row == NULL)
    return;
  g_free (row->id);
  g_free (row->note);
  if (row->sources != NULL)
    g_array_unref (row->sources);
  g_free (row);
}

/* ---- keys and topics ---------------------------------------------------- */

static guint
key_hash (gconstpointer p)
{
  const Key *k = p;
  guint h = g_direct_hash (k->action);

  h = h * 31u + g_direct_hash (k->actor);
  h = h * 31u + g_direct_hash (k->object);
  return h;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  const Key *x = a, *y = b;

  return x->action == y->action && x->actor == y->actor && x->object == y->object;
}

static void
topic_free (Topic *t)
{
  g_array_unref (t->items);
  g_free (t);
}

static Topic *
topic_new (Ctx *ctx, const Key *key, gint64 date_key)
{
  Topic *t = g_new0 (Topic, 1);

  t->key = *key;
  t->date_key = date_key;
  t->items = g_array_new (FALSE, FALSE, sizeof (guint));
  g_ptr_array_add (ctx->topic_list, t);
  return t;
}

static Topic *
topic_get (Ctx *ctx, const Key *key, gboolean *created)
{
  Topic *t = g_hash_table_lookup (ctx->topics, key);

  *created = t == NULL;
  if (t == NULL)
    {
      t = topic_new (ctx, key, NO_DATE_KEY);
      g_hash_table_insert (ctx->topics, &t->key, t);
    }
  return t;
}

static void
compat_bump (Ctx *ctx, const char *action, const char *actor, const char *object, Topic *t)
{
  Key k = { action, actor, object };
  Compat *c = g_hash_table_lookup (ctx->compat, &k);

  if (c == NULL)
    {
      c = g_new0 (Compat, 1);
      c->key = k;
      c->topic = t;
      g_hash_table_insert (ctx->compat, &c->key, c);
    }
  c->n++;
}

static void
topic_add (Topic *t, guint item)
{
  g_array_append_val (t->items, item);
}

static gboolean
action_has_key_slot (const XrefAction *action, const char *slot)
{
  if (action == NULL || action->key_slots == NULL)
    return FALSE;
  for (guint i = 0; i < action->key_slots->len; i++)
    if (g_strcmp0 (g_ptr_array_index (action->key_slots, i), slot) == 0)
      return TRUE;
  return FALSE;
}

static const XrefAction *
rules_action (const Ctx *ctx, const char *id)
{
  return ctx->rules != NULL && id != NULL ? xref_rules_action (ctx->rules, id) : NULL;
}

static const XrefSlotValue *
claim_slot (const XrefClaim *claim, const char *slot)
{
  if (claim->slots == NULL)
    return NULL;
  for (guint i = 0; i < claim->slots->len; i++)
    {
      const XrefSlotValue *v = &g_array_index (claim->slots, XrefSlotValue, i);
      if (v->slot == slot || g_strcmp0 (v->slot, slot) == 0)
        return v->value != NULL ? v : NULL;
    }
  return NULL;
}

static void
collect_items (Ctx *ctx)
{
  const char *date_slot = xref_intern ("date");

  for (guint d = 0; d < ctx->n_docs; d++)
    {
      const XrefDocument *doc = g_ptr_array_index (ctx->documents, d);

      if (doc == NULL || doc->claims == NULL)
        continue;
      for (guint i = 0; i < doc->claims->len; i++)
        {
          const XrefClaim *c = g_ptr_array_index (doc->claims, i);
          Item it = { 0 };

          if (c == NULL || c->action.id == NULL)
            continue;
          it.claim = c;
          it.action = xref_intern (c->action.id);
          it.doc = d;
          it.seq = i;
          it.actor = xref_match_entity_root (ctx->rules, ctx->roots, c->actor.id);
          it.object = xref_match_entity_root (ctx->rules, ctx->roots, c->object.id);
          it.speaker = c->speaker.id != NULL ? xref_intern (c->speaker.id) : NULL;
          if (c->date.id != NULL)
            {
              it.date = xref_intern (c->date.id);
              it.date_start = c->date.start;
              it.date_end = c->date.end;
            }
          else
            {
              const XrefSlotValue *v = claim_slot (c, date_slot);
              if (v != NULL)
                {
                  it.date = xref_intern (v->value);
                  it.date_start = v->start;
                  it.date_end = v->end;
                }
            }
          g_array_append_val (ctx->items, it);
        }
    }
}

/* Full keys first, so that the compatibility counts are final before any
 * wildcard claim looks at them. */
static void
group_items (Ctx *ctx)
{
  for (guint i = 0; i < ctx->items->len; i++)
    {
      const Item *it = &g_array_index (ctx->items, Item, i);
      const char *action = it->action;
      Key k = { action, it->actor, it->object };
      gboolean created;
      Topic *t;

      if (it->actor == NULL || it->object == NULL)
        continue;
      t = topic_get (ctx, &k, &created);
      topic_add (t, i);
      if (created)
        {
          compat_bump (ctx, action, it->actor, any_id, t);
          compat_bump (ctx, action, any_id, it->object, t);
          compat_bump (ctx, action, any_id, any_id, t);
        }
    }

  for (guint i = 0; i < ctx->items->len; i++)
    {
      const Item *it = &g_array_index (ctx->items, Item, i);
      const char *action = it->action;
      Key wk = { action, it->actor != NULL ? it->actor : any_id, it->object != NULL ? it->object : any_id };
      Key k = { action, it->actor, it->object };
      const Compat *c;
      gboolean created;

      if (it->actor != NULL && it->object != NULL)
        continue;
      c = g_hash_table_lookup (ctx->compat, &wk);
      if (c != NULL && c->n == 1)
        topic_add (c->topic, i);
      else
        topic_add (topic_get (ctx, &k, &created), i);
    }
}

/* ---- contradictions and comparers --------------------------------------- */

static const XrefContradiction *
find_contradiction (const Ctx *ctx, XrefContraKind kind, const char *slot)
{
  const XrefContradiction *any = NULL;

  if (ctx->rules == NULL || ctx->rules->contradictions == NULL)
    return NULL;
  for (guint i = 0; i < ctx->rules->contradictions->len; i++)
    {
      const XrefContradiction *c = g_ptr_array_index (ctx->rules->contradictions, i);
      if (c->kind != kind)
        continue;
      if (slot != NULL && g_strcmp0 (c->slot, slot) == 0)
        return c;
      if (c->slot == NULL && any == NULL)
        any = c;
    }
  return any;
}

/* The comparer of a row and the id of the rule a difference names. */
static const char *
slot_comparer (const Ctx *ctx, Field field, const char *slot, XrefMatchComparer *out)
{
  const XrefSlotDef *def = NULL;
  const XrefContradiction *contra = NULL;
  XrefContraKind kind;

  memset (out, 0, sizeof *out);
  out->rules = ctx->rules;
  out->roots = ctx->roots;
  if (ctx->rules != NULL && field != FIELD_POLARITY)
    def = xref_rules_slot (ctx->rules, slot);
  out->compare = def != NULL ? def->compare : XREF_COMPARE_EXACT;
  if (field == FIELD_DATE)
    out->compare = XREF_COMPARE_DATE;
  out->groups = def != NULL ? def->groups : NULL;
  out->tolerance = def != NULL ? def->tolerance : 0;

  if (field == FIELD_POLARITY)
    kind = XREF_CONTRA_POLARITY;
  else if (out->compare == XREF_COMPARE_NUMERIC)
    kind = XREF_CONTRA_NUMERIC;
  else if (out->compare == XREF_COMPARE_DATE)
    kind = XREF_CONTRA_DATE;
  else
    kind = XREF_CONTRA_EXCLUSIVE;
  contra = find_contradiction (ctx, kind, field == FIELD_POLARITY ? NULL : slot);
  if (contra != NULL && (kind == XREF_CONTRA_NUMERIC || kind == XREF_CONTRA_DATE))
    out->tolerance = contra->tolerance;
  if (contra == NULL && kind != XREF_CONTRA_EXCLUSIVE && kind != XREF_CONTRA_POLARITY)
    contra = find_contradiction (ctx, XREF_CONTRA_EXCLUSIVE, slot);
  if (contra != NULL)
    return contra->id;
  {
    g_autofree char *id = g_strdup_printf ("differ:%s", slot);
    return xref_intern (id);
  }
}

/* ---- splitting topics whose date is their identity ---------------------- */

typedef struct {
  gint64 days;
  guint item;
} Dated;

static gint
cmp_dated (gconstpointer a, gconstpointer b)
{
  const Dated *x = a, *y = b;

  if (x->days != y->days)
    return x->days < y->days ? -1 : 1;
  return 0;
}

static gboolean
item_days (const Item *it, gint64 *days)
{
  XrefDate d;

  return it->date != NULL && xref_match_parse_date (it->date, &d) && xref_match_date_days (&d, days);
}

static void
split_by_date (Ctx *ctx, Topic *t, gdouble tolerance)
{
  g_autoptr (GArray) dated = g_array_new (FALSE, FALSE, sizeof (Dated));
  g_autoptr (GArray) undated = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_clusters = 0;
  Topic *cur = NULL;

  for (guint i = 0; i < t->items->len; i++)
    {
      guint idx = g_array_index (t->items, guint, i);
      Dated dt = { 0, idx };

      if (item_days (&g_array_index (ctx->items, Item, idx), &dt.days))
        g_array_append_val (dated, dt);
      else
        g_array_append_val (undated, idx);
    }
  g_array_sort (dated, cmp_dated);
  for (guint i = 0; i < dated->len; i++)
    if (i == 0 || (gdouble) (g_array_index (dated, Dated, i).days - g_array_index (dated, Dated, i - 1).days) > tolerance)
      n_clusters++;
  if (n_clusters <= 1)
    return;

  /* The topic itself keeps the first cluster; later ones are new topics
   * with the same key (they are not in the key table, which is no longer
   * consulted). */
  g_array_set_size (t->items, 0);
  for (guint i = 0; i < dated->len; i++)
    {
      const Dated *dt = &g_array_index (dated, Dated, i);

      if (i == 0)
        {
          cur = t;
          cur->date_key = dt->days;
        }
      else if ((gdouble) (dt->days - g_array_index (dated, Dated, i - 1).days) > tolerance)
        cur = topic_new (ctx, &t->key, dt->days);
      topic_add (cur, dt->item);
    }
  if (undated->len > 0)
    {
      Topic *u = topic_new (ctx, &t->key, UNDATED_KEY);
      g_array_append_vals (u->items, undated->data, undated->len);
    }
}

static void
split_topics (Ctx *ctx)
{
  const char *date_slot = xref_intern ("date");
  guint n = ctx->topic_list->len;   /* topics added by the split are done */

  for (guint i = 0; i < n; i++)
    {
      Topic *t = g_ptr_array_index (ctx->topic_list, i);
      XrefMatchComparer cmp;

      if (!action_has_key_slot (rules_action (ctx, t->key.action), date_slot))
        continue;
      slot_comparer (ctx, FIELD_DATE, date_slot, &cmp);
      split_by_date (ctx, t, cmp.tolerance);
    }
}

/* ---- rows --------------------------------------------------------------- */

static gint
cmp_topic_items (gconstpointer a, gconstpointer b, gpointer data)
{
  const Ctx *ctx = data;
  const Item *x = &g_array_index (ctx->items, Item, *(const guint *) a);
  const Item *y = &g_array_index (ctx->items, Item, *(const guint *) b);

  if (x->doc != y->doc)
    return x->doc < y->doc ? -1 : 1;
  if (x->claim->start != y->claim->start)
    return x->claim->start < y->claim->start ? -1 : 1;
  if (x->seq != y->seq)
    return x->seq < y->seq ? -1 : 1;
  return 0;
}

static const char *
item_value (const Item *it, Field field, const char *slot, gsize *start, gsize *end)
{
  const XrefClaim *c = it->claim;
  const XrefSlotValue *v;

  switch (field)
    {
    case FIELD_EVENT:
      *start = c->action.start;
      *end = c->action.end;
      return it->action;
    case FIELD_POLARITY:
      *start = c->action.start;
      *end = c->action.end;
      return xref_intern (xref_polarity_name (c->polarity));
    case FIELD_DATE:
      *start = it->date_start;
      *end = it->date_end;
      return it->date;
    case FIELD_SLOT:
    default:
      v = claim_slot (c, slot);
      if (v == NULL)
        return NULL;
      *start = v->start;
      *end = v->end;
      return xref_intern (v->value);
    }
}

/* What a row's sources say, before a verdict. */
typedef struct {
  XrefRow *row;
  GPtrArray *stating;      /* XrefSource* borrowed from row->sources, sorted
                              by value then document id */
  guint n_multi;           /* sources whose document gives several values */
  guint n_reporting;       /* documents that report the topic */
} Collected;

static gint
cmp_stating (gconstpointer a, gconstpointer b)
{
  const XrefSource *x = *(XrefSource *const *) a;
  const XrefSource *y = *(XrefSource *const *) b;
  int r = strcmp (x->value, y->value);

  return r != 0 ? r : g_strcmp0 (x->doc->id, y->doc->id);
}

static gboolean
collect (Ctx *ctx, const Topic *t, const GArray *runs, Field field, const char *slot, Collected *out)
{
  XrefRow *row = g_new0 (XrefRow, 1);

  memset (out, 0, sizeof *out);
  row->actor = t->key.actor;
  row->action = t->key.action;
  row->object = t->key.object;
  row->slot = slot;
  row->sources = g_array_sized_new (FALSE, TRUE, sizeof (XrefSource), ctx->n_docs);
  g_array_set_size (row->sources, ctx->n_docs);
  for (guint d = 0; d < ctx->n_docs; d++)
    g_array_index (row->sources, XrefSource, d).doc = g_ptr_array_index (ctx->documents, d);

  out->row = row;
  out->n_reporting = runs->len;
  out->stating = g_ptr_array_new ();
  for (guint r = 0; r < runs->len; r++)
    {
      const Run *run = &g_array_index (runs, Run, r);
      XrefSource *src = &g_array_index (row->sources, XrefSource, run->doc);
      gboolean multi = FALSE;

      for (guint k = 0; k < run->n; k++)
        {
          const Item *it = &g_array_index (ctx->items, Item, g_array_index (t->items, guint, run->first + k));
          gsize start = 0, end = 0;
          const char *value = item_value (it, field, slot, &start, &end);

          if (value == NULL)
            continue;
          if (!src->states)
            {
              src->states = TRUE;
              src->claim = it->claim;
              src->value = value;
              src->start = start;
              src->end = end;
            }
          else if (value != src->value)
            multi = TRUE;
        }
      if (src->states)
        {
          row->n_states++;
          g_ptr_array_add (out->stating, src);
        }
      if (multi)
        out->n_multi++;
    }
  if (row->n_states == 0)
    {
      g_ptr_array_unref (out->stating);
      xref_row_free (row);
      memset (out, 0, sizeof *out);
      return FALSE;
    }
  g_ptr_array_sort (out->stating, cmp_stating);
  return TRUE;
}

/* The relation of two sources of one row.  Today only their values count;
 * this is where speaker- and time-aware refinements go (a claim superseded
 * by a later one of the same speaker, one speaker on different dates). */
static XrefMatchRelation
compare_sources (const XrefMatchComparer *cmp, const XrefSource *a, const XrefSource *b)
{
  return xref_match_compare_values (cmp, a->value, b->value);
}

/* Compares one source per distinct value (the first by document id), pair
 * by pair, and returns the worst relation. */
static XrefMatchRelation
compare_row (const XrefMatchComparer *cmp, const Collected *col)
{
  g_autoptr (GPtrArray) reps = g_ptr_array_new ();
  XrefMatchRelation worst = XREF_MATCH_EQUAL;

  for (guint i = 0; i < col->stating->len; i++)
    {
      const XrefSource *s = g_ptr_array_index (col->stating, i);
      if (reps->len == 0 || ((const XrefSource *) g_ptr_array_index (reps, reps->len - 1))->value != s->value)
        g_ptr_array_add (reps, (gpointer) s);
    }
  for (guint i = 0; i < reps->len && worst != XREF_MATCH_DIFFERS; i++)
    for (guint j = i + 1; j < reps->len && worst != XREF_MATCH_DIFFERS; j++)
      {
        XrefMatchRelation r = compare_sources (cmp, g_ptr_array_index (reps, i), g_ptr_array_index (reps, j));
        if (r > worst)
          worst = r;
      }
  return worst;
}

static const char *
plural (guint n, const char *one, const char *many)
{
  return n == 1 ? one : many;
}

/* "a (2 sources), b (1 source)": the distinct values with their counts,
 * in value order, at most five of them. */
static void
append_values (GString *s, const Collected *col, gboolean counts)
{
  guint shown = 0, n_distinct = 0;

  for (guint i = 0; i < col->stating->len;)
    {
      const XrefSource *src = g_ptr_array_index (col->stating, i);
      guint j = i;

      while (j < col->stating->len && ((const XrefSource *) g_ptr_array_index (col->stating, j))->value == src->value)
        j++;
      n_distinct++;
      if (shown < 5)
        {
          g_string_append_printf (s, "%s%s", shown > 0 ? ", " : "", src->value);
          if (counts)
            g_string_append_printf (s, " (%u %s)", j - i, plural (j - i, "source", "sources"));
          shown++;
        }
      i = j;
    }
  if (n_distinct > shown)
    g_string_append_printf (s, " and %u more", n_distinct - shown);
}

static void
append_date_key (GString *s, gint64 date_key)
{
  GDate g;

  if (date_key == NO_DATE_KEY)
    return;
  if (date_key == UNDATED_KEY)
    {
      g_string_append (s, " (reports of this event without a full date)");
      return;
    }
  g_date_clear (&g, 1);
  g_date_set_julian (&g, (guint32) date_key);
  g_string_append_printf (s, " (the event of %04u-%02u-%02u)", (guint) g_date_get_year (&g),
                          (guint) g_date_get_month (&g), (guint) g_date_get_day (&g));
}

static void
add_draft (Ctx *ctx, const Topic *t, Collected *col, XrefVerdict verdict, const char *rule, gboolean key,
           guint slot_rank, GString *note)
{
  Draft d = { 0 };

  if (col->n_multi > 0)
    g_string_append_printf (note, "; %u %s several values, the first in text order is shown", col->n_multi,
                            plural (col->n_multi, "source gives", "sources give"));
  append_date_key (note, t->date_key);
  col->row->verdict = verdict;
  col->row->rule = xref_intern (rule);
  col->row->note = g_string_free (note, FALSE);
  d.row = col->row;
  d.date_key = t->date_key;
  d.slot_rank = slot_rank;
  switch (verdict)
    {
    case XREF_VERDICT_DIFFER:
      d.klass = key ? 0 : 1;
      break;
    case XREF_VERDICT_OMIT:
      d.klass = 2;
      break;
    case XREF_VERDICT_AGREE:
    default:
      d.klass = 3;
      break;
    }
  g_array_append_val (ctx->drafts, d);
  g_ptr_array_unref (col->stating);
  memset (col, 0, sizeof *col);
}

static void
drop (Collected *col)
{
  g_ptr_array_unref (col->stating);
  xref_row_free (col->row);
  memset (col, 0, sizeof *col);
}

static void
event_row (Ctx *ctx, const Topic *t, const GArray *runs)
{
  Collected col;
  GString *note;
  guint n;

  if (!collect (ctx, t, runs, FIELD_EVENT, xref_intern ("event"), &col))
    return;
  n = col.row->n_states;
  note = g_string_new (NULL);
  if (n < ctx->n_docs && 2 * n >= ctx->n_docs)
    {
      g_string_append_printf (note, "reported by %u of %u sources; %u %s it out", n, ctx->n_docs, ctx->n_docs - n,
                              plural (ctx->n_docs - n, "leaves", "leave"));
      add_draft (ctx, t, &col, XREF_VERDICT_OMIT, "omit:event", FALSE, 0, note);
    }
  else
    {
      g_string_append_printf (note, "reported by %u of %u sources", n, ctx->n_docs);
      add_draft (ctx, t, &col, XREF_VERDICT_AGREE, "agree:event", FALSE, 0, note);
    }
}

static void
polarity_row (Ctx *ctx, const Topic *t, const GArray *runs)
{
  const char *negated = xref_intern (xref_polarity_name (XREF_POLARITY_NEGATED));
  XrefMatchComparer cmp;
  const char *rule;
  Collected col;
  GString *note;
  guint n_neg = 0;

  if (!collect (ctx, t, runs, FIELD_POLARITY, xref_intern ("polarity"), &col))
    return;
  for (guint i = 0; i < col.stating->len; i++)
    if (((const XrefSource *) g_ptr_array_index (col.stating, i))->value == negated)
      n_neg++;
  if (n_neg == 0)
    {
      drop (&col);
      return;
    }
  rule = slot_comparer (ctx, FIELD_POLARITY, col.row->slot, &cmp);
  note = g_string_new (NULL);
  if (n_neg < col.stating->len)
    {
      guint n_aff = col.stating->len - n_neg;
      g_string_append_printf (note, "%u %s it and %u %s it", n_aff, plural (n_aff, "source affirms", "sources affirm"),
                              n_neg, plural (n_neg, "negates", "negate"));
      add_draft (ctx, t, &col, XREF_VERDICT_DIFFER, rule, FALSE, 1, note);
    }
  else
    {
      g_string_append_printf (note, "all %u sources that give it negate it", n_neg);
      add_draft (ctx, t, &col, XREF_VERDICT_AGREE, "agree:equal", FALSE, 1, note);
    }
}

/* The date row and the rows of the action's slots. */
static void
value_row (Ctx *ctx, const Topic *t, const GArray *runs, Field field, const char *slot, gboolean key)
{
  XrefMatchComparer cmp;
  XrefMatchRelation rel;
  const char *contra;
  const char *what = field == FIELD_DATE ? "date" : slot;
  Collected col;
  GString *note;
  guint n, left_out;

  if (!collect (ctx, t, runs, field, slot, &col))
    return;
  contra = slot_comparer (ctx, field, slot, &cmp);
  rel = compare_row (&cmp, &col);
  n = col.row->n_states;
  left_out = col.n_reporting - n;
  note = g_string_new (NULL);

  if (rel == XREF_MATCH_DIFFERS)
    {
      g_string_append_printf (note, "the sources give different %s values: ", what);
      append_values (note, &col, TRUE);
      if (key && left_out > 0)
        g_string_append_printf (note, "; %u %s it out", left_out,
                                plural (left_out, "source reporting it leaves", "sources reporting it leave"));
      add_draft (ctx, t, &col, XREF_VERDICT_DIFFER, contra, key, field == FIELD_DATE ? 2 : 3, note);
      return;
    }
  if (key && left_out > 0)
    {
      g_autofree char *rule = g_strdup_printf ("key-slot:%s", slot);
      g_string_append_printf (note, "%u of the %u sources reporting it %s the %s (", n, col.n_reporting,
                              plural (n, "gives", "give"), what);
      append_values (note, &col, FALSE);
      g_string_append_printf (note, "); %u %s it out", left_out, plural (left_out, "leaves", "leave"));
      add_draft (ctx, t, &col, XREF_VERDICT_OMIT, rule, key, field == FIELD_DATE ? 2 : 3, note);
      return;
    }

  if (n == 1 && left_out > 0)
    {
      /* One source alone gives a detail the others reporting the topic
       * leave out: nothing to agree with, so an omission, ranked below the
       * key-slot ones. */
      g_string_append_printf (note, "only 1 of the %u sources reporting it gives the %s (", col.n_reporting, what);
      append_values (note, &col, FALSE);
      g_string_append (note, ")");
      add_draft (ctx, t, &col, XREF_VERDICT_OMIT, "omit:detail", key, field == FIELD_DATE ? 2 : 3, note);
      return;
    }

  {
    const char *rule;

    if (rel == XREF_MATCH_REFINES)
      {
        rule = "agree:refinement";
        g_string_append_printf (note, "the %s values are compatible, some more precise than others: ", what);
      }
    else if (cmp.compare == XREF_COMPARE_VAGUE)
      {
        rule = "agree:vague";
        g_string_append_printf (note, "the %s values fall in one vague group: ", what);
      }
    else if (rel == XREF_MATCH_EQUIVALENT)
      {
        rule = "agree:within-tolerance";
        g_string_append_printf (note, "the %s values agree within tolerance: ", what);
      }
    else
      {
        rule = "agree:equal";
        g_string_append_printf (note, "all %u sources that give the %s agree: ", n, what);
      }
    append_values (note, &col, FALSE);
    add_draft (ctx, t, &col, XREF_VERDICT_AGREE, rule, key, field == FIELD_DATE ? 2 : 3, note);
  }
}

static void
topic_rows (Ctx *ctx, Topic *t)
{
  const char *date_slot = xref_intern ("date");
  const XrefAction *action;
  g_autoptr (GArray) runs = g_array_new (FALSE, FALSE, sizeof (Run));

  g_array_sort_with_data (t->items, cmp_topic_items, ctx);
  for (guint i = 0; i < t->items->len; i++)
    {
      const Item *it = &g_array_index (ctx->items, Item, g_array_index (t->items, guint, i));
      Run *last = runs->len > 0 ? &g_array_index (runs, Run, runs->len - 1) : NULL;

      if (last != NULL && last->doc == it->doc)
        last->n++;
      else
        {
          Run r = { it->doc, i, 1 };
          g_array_append_val (runs, r);
        }
    }
  /* A topic of one document only makes no row. */
  if (runs->len < 2)
    return;

  action = rules_action (ctx, t->key.action);
  event_row (ctx, t, runs);
  polarity_row (ctx, t, runs);
  value_row (ctx, t, runs, FIELD_DATE, date_slot, action_has_key_slot (action, date_slot));
  if (action == NULL || action->slots == NULL)
    return;
  for (guint i = 0; i < action->slots->len; i++)
    {
      const char *slot = xref_intern (g_ptr_array_index (action->slots, i));
      gboolean seen = FALSE;

      /* "date" has its row above; "event" and "polarity" name rows of
       * their own; a slot listed twice gives one row. */
      if (slot == date_slot || strcmp (slot, "event") == 0 || strcmp (slot, "polarity") == 0)
        continue;
      for (guint j = 0; j < i && !seen; j++)
        seen = g_strcmp0 (g_ptr_array_index (action->slots, j), slot) == 0;
      if (!seen)
        value_row (ctx, t, runs, FIELD_SLOT, slot, action_has_key_slot (action, slot));
    }
}

/* ---- ranking ------------------------------------------------------------ */

static gint
cmp_drafts (gconstpointer a, gconstpointer b)
{
  const Draft *x = a, *y = b;
  int r;

  if (x->klass != y->klass)
    return x->klass < y->klass ? -1 : 1;
  if (x->row->n_states != y->row->n_states)
    return x->row->n_states > y->row->n_states ? -1 : 1;
  if ((r = g_strcmp0 (x->row->actor, y->row->actor)) != 0)
    return r;
  if ((r = g_strcmp0 (x->row->action, y->row->action)) != 0)
    return r;
  if ((r = g_strcmp0 (x->row->object, y->row->object)) != 0)
    return r;
  if (x->date_key != y->date_key)
    return x->date_key < y->date_key ? -1 : 1;
  if (x->slot_rank != y->slot_rank)
    return x->slot_rank < y->slot_rank ? -1 : 1;
  return g_strcmp0 (x->row->slot, y->row->slot);
}

GPtrArray *
xref_match (GPtrArray *documents, const XrefRules *rules)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_row_free);
  Ctx ctx = { 0 };

  g_return_val_if_fail (documents != NULL, rows);

  ctx.documents = documents;
  ctx.rules = rules;
  ctx.n_docs = documents->len;
  ctx.items = g_array_new (FALSE, FALSE, sizeof (Item));
  ctx.roots = g_hash_table_new (g_direct_hash, g_direct_equal);
  ctx.topics = g_hash_table_new (key_hash, key_equal);
  ctx.compat = g_hash_table_new_full (key_hash, key_equal, NULL, g_free);
  ctx.topic_list = g_ptr_array_new_with_free_func ((GDestroyNotify) topic_free);
  ctx.drafts = g_array_new (FALSE, FALSE, sizeof (Draft));

  collect_items (&ctx);
  group_items (&ctx);
  split_topics (&ctx);
  for (guint i = 0; i < ctx.topic_list->len; i++)
    topic_rows (&ctx, g_ptr_array_index (ctx.topic_list, i));

  g_array_sort (ctx.drafts, cmp_drafts);
  for (guint i = 0; i < ctx.drafts->len; i++)
    {
      XrefRow *row = g_array_index (ctx.drafts, Draft, i).row;
      row->id = g_strdup_printf ("r%u", i + 1);
      g_ptr_array_add (rows, row);
    }

  g_array_unref (ctx.drafts);
  g_ptr_array_unref (ctx.topic_list);
  g_hash_table_unref (ctx.compat);
  g_hash_table_unref (ctx.topics);
  g_hash_table_unref (ctx.roots);
  g_array_unref (ctx.items);
  return rows;
}
