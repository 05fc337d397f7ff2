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
 * the result does not depend on the order of documents or claims.  A bare
 * noun phrase the rules do not know ("np:military") counts as absent for
 * this, but joins only a topic whose entity it can name (np_names: "their
 * military" joins the armed forces, "the infrastructure" no weapon).  A
 * topic whose actor stays unknown makes no row.
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
 *  - "status": a document states a topic as announced (an asserted claim
 *    of an action with antonyms in the rules, such as announce or confirm,
 *    just before it in its sentence: "Washington announced its intention
 *    to transfer X") or as not confirmed (modality refused or unconfirmed,
 *    or the announcing act negated).  Only both sides make a row, "differ"
 *    under the ANTONYM contradiction; when every "not" is dated on or
 *    before every announcement it is qualified "superseded" (the later
 *    statement replaces the earlier), with the dates in the note.
 * Speakers.  Within one document the first claim in text order gives the
 * source; a claim of another speaker with another value is kept as a voice
 * of the row (row->voices) and compared like a source, so the White House
 * and a newspaper quoted in one article meet.  A speaker who gives
 * differing values on different (statement) dates qualifies the row
 * "same-speaker".  The polarity row needs a known actor.
 * Related actions.  Actions linked by `related` in the rules (both ways,
 * transitively) compare the duration slots they share across them: one row
 * per slot and actor over every topic of the group that states it (a topic
 * with no actor joins the one actor there is), instead of one per topic.
 * Ranking: differ on a key slot, other differ, omit, agree; then by the
 * number of stating sources (descending), topic ids, the date cluster, and
 * the slot (event, polarity, status, date, then by name).  Ids r1, r2, …
 * follow the ranking, so they are the same whatever the order of the
 * documents.
 */
#include "match-private.h"

#include <string.h>

/* More threads than this would only wait on memory. */
#define MAX_THREADS 64

#define NO_DATE_KEY G_MININT64   /* topic not split by date */
#define UNDATED_KEY G_MAXINT64   /* the claims of a split topic with no complete date */
/* A row's note names at most this many values or statements of a kind,
 * then "and N more": a note is one sentence for a reader, and the CSV
 * repeats it in each of the row's records, so a list of every source
 * would grow with sources² (a 238 KB note × 13,000 records at 100 MB). */
#define NOTE_SHOWN 5

/* Stands for "any" in the keys of the compatibility counts; only its
 * address matters, and no interned id has it. */
static const char any_id[] = "*";

/* Stands for "no complete date" in Ctx.complete (NULL means "not known
 * yet"). */
static const char no_date[] = "";

typedef struct {
  const char *action;      /* interned */
  const char *actor;       /* interned root, NULL when absent, or any_id */
  const char *object;
} Key;

/* What an interned id maps to (its root entity, its action in the
 * rules), memoised by the id's address in a direct-mapped table: asked
 * for every claim, about the same few ids, so a hit is a multiply and a
 * compare instead of a lookup that hashes the string (GHashTable, the
 * rules' tables).  Keying by address is sound because interned strings
 * live until exit; a collision only costs a miss.  One per thread.  A
 * corpus of 10 MB has some 9,000 distinct actor and object ids, so the
 * roots' table has 2^14 slots (256 KB); there are a few dozen actions. */
#define ROOT_MEMO_BITS 14
#define ACTION_MEMO_BITS 10

typedef struct {
  const char *id;          /* NULL: empty */
  gconstpointer value;
} IdMemo;

/* A slot of the roots' memo: the root of an id, and whether that root is
 * a bare noun phrase (is_weak), so that collect_part reads neither the
 * roots' table nor the root's bytes (a cache miss per claim: the ids are
 * all over the intern table's memory). */
typedef struct {
  const char *id;          /* NULL: empty */
  const char *root;
  gboolean weak;           /* is_weak (root) */
} RootMemo;

/* The ISO form of a document's date (formatted and interned), memoised by
 * the date in a direct-mapped table: the documents of a story share a few
 * dozen dates.  One per thread. */
#define DATE_MEMO_BITS 9

typedef struct {
  XrefDate date;
  gboolean set;
  const char *iso;
} DateMemo;

static inline IdMemo *
id_memo_slot (IdMemo *memo, guint bits, const char *id)
{
  return &memo[xref_hash_ptr (id, bits)];
}

/* A table from Key to a pointer, for the lookups of grouping (a claim's
 * topic, the topics its wildcard key is compatible with, the np_names
 * memo): one or more per claim, on one thread, so on match's critical
 * path.  Open addressing with linear probing, at most half full, the keys
 * in the slots: a lookup is a multiply and a compare or two, with no calls
 * through GHashTable's hash and equal functions.  Lookups only (never
 * iterated), so its order never shows. */
typedef struct {
  Key key;
  gpointer value;          /* NULL: a free slot */
} KeySlot;

typedef struct {
  KeySlot *slots;
  guint bits;              /* 1 << bits slots */
  guint n;                 /* slots in use */
} KeyMap;

/* One claim, with the canonical keys match works with.  Ctx.items has a
 * slot for every claim of the corpus (document by document), so that
 * threads fill parts of it at known places; a claim that makes no item (a
 * speech act, a claim without action) takes no slot: a part packs its
 * items, and its slots left over are empty (NO_BUCKET, never written).
 * Text offsets are kept in 32 bits (a document is at most 64 MiB,
 * XREF_INGEST_MAX_FILE), the document's date is read from Ctx.doc_iso,
 * and what only grouping reads is in a GroupKey beside it, freed before
 * the rows are made: 64 bytes an item (one cache line), not 144, as there
 * are a million of them in a 100 MB corpus, alive with the rows (each
 * 4 KB page of them first touched costs a page fault). */
typedef struct {
  const XrefClaim *claim;  /* NULL: an empty slot */
  const char *action;      /* interned action id */
  const char *speaker;     /* interned own id (persons are not rolled up) */
  const char *date;        /* interned TimeML value, or NULL */
  guint doc;               /* index of its document in the corpus */
  guint seq;               /* index of the claim in its document */
  guint32 start;           /* the claim's start (a copy, for sorting
                              without reading the claim) */
  guint32 date_start;
  guint32 date_end;
  /* Copies of what the rows read of the claim, so that a row reads the
   * items (in one array) rather than claims scattered over the heap: */
  guint32 action_start;
  guint32 action_end;
  signed int status : 28;  /* index of its item_status among those of its
                              document (Ctx.status_base), -1 when it gives
                              none */
  unsigned int has_slots : 1;  /* the claim has a slot value: most have
                                  none, and the rows of slots then need not
                                  read the claim (scattered over the heap,
                                  its slots on its third cache line) */
  unsigned int polarity : 1;   /* XrefPolarity */
  unsigned int own_doc : 1;    /* the claim's doc is the document at index
                                  doc (always, but for hand-made corpora):
                                  its date is Ctx.doc_iso[doc] */
  unsigned int id_seq : 1;     /* own_doc, and the claim's id is "<doc
                                  id>#<seq + 1>" (XrefSource.claim_n) */
} Item;

G_STATIC_ASSERT (sizeof (Item) <= 64);

/* Item i of ctx. */
#define ITEM_AT(ctx, i) ((ctx)->items[i])
G_STATIC_ASSERT (XREF_POLARITY_NEGATED == 1);

/* What grouping reads of an item (Ctx.group_keys, by item index): 32
 * bytes, so that grouping reads two items a cache line, in item order,
 * and not the items themselves. */
typedef struct {
  const char *action;      /* Item.action */
  const char *actor;       /* interned root id, or NULL */
  const char *object;
  guint8 weak_actor;       /* the actor / object is a bare noun phrase
                              ("np:…"): it names no entity, so the claim */
  guint8 weak_object;      /* may join a topic as if it were absent */
  guint8 strong_actor;     /* is_strong of actor / object, kept so that */
  guint8 strong_object;    /* grouping reads no id's bytes */
} GroupKey;

G_STATIC_ASSERT (sizeof (GroupKey) <= 32);

/* A topic's items.  The lists of every topic are carved out of
 * Ctx.blocks, as are the topics, so that a topic costs no allocation of
 * its own and none is freed one by one: a large corpus has tens of
 * thousands of topics, and freeing them one by one was a tenth of match,
 * on its serial path. */
typedef struct {
  guint *v;                /* indices into Ctx.items */
  guint len;
  guint cap;
} ItemList;

typedef struct {
  Key key;
  gint64 date_key;         /* first day of its date cluster, or NO_DATE_KEY */
  ItemList items;
  const char *shared_slot; /* a topic spanning related actions: the one slot
                              it is compared on (see shared_rows), else NULL */
  GPtrArray *actions;      /* its actions (borrowed) when several, else NULL */
} Topic;

/* How many full-key topics a partial key is compatible with. */
typedef struct {
  Key key;
  guint n;
  Topic *topic;            /* the first one */
} Compat;

/* Grouping runs on several threads, the actions shared out among them:
 * a topic's key, the keys its wildcards are counted under and the topic a
 * wildcard joins all have the claim's action, so the claims of one action
 * are grouped exactly as one thread would group them, whatever the other
 * actions do.  An action's bucket is a hash of its interned id; the
 * buckets are dealt out to parts of about the same number of claims. */
#define N_BUCKETS 256
#define NO_BUCKET (N_BUCKETS - 1)   /* an empty slot of Ctx.items */

static inline guint8
action_bucket (const char *action)
{
  return (guint8) ((((guint64) (guintptr) action * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) % NO_BUCKET);
}

/* A topic made by a part of grouping, and the first item that joined it:
 * topics are numbered in the order one thread would make them. */
typedef struct {
  guint first;
  Topic *topic;
} TopicAt;

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
  FIELD_STATUS,
} Field;

/* A row before ranking, with copies of what ranking compares, so that
 * sorting and merging read no row (rows are scattered over the heap). */
typedef struct {
  XrefRow *row;
  guint klass;             /* 0 differ on a key slot, 1 differ, 2 omit, 3 agree */
  guint n_states;          /* row->n_states */
  const char *actor;       /* row->actor, action, object, slot (interned) */
  const char *action;
  const char *object;
  const char *slot;
  gint64 date_key;
  guint slot_rank;         /* event, polarity, date, then other slots */
  guint64 seq;             /* its place in the order the rows are made
                              (topic order, then shared rows): the last
                              key, so that ranking is the stable sort of
                              the rows in that order, however they are
                              sorted and merged */
} Draft;

typedef struct {
  GPtrArray *documents;
  const XrefRules *rules;
  guint n_docs;
  Item *items;             /* [n_items], 64-byte aligned (an item is one
                              cache line) */
  guint n_items;
  GroupKey *group_keys;    /* [items]: made with the items, freed after
                              grouping */
  GHashTable *roots;       /* id → root id (interned, no free) */
  RootMemo *root_memo;     /* [1 << ROOT_MEMO_BITS]: in front of roots
                              (item_root) */
  IdMemo *action_memo;     /* [1 << ACTION_MEMO_BITS]: rules_action */
  KeyMap *topics;          /* Key → Topic* (in blocks) */
  KeyMap *compat;          /* Key → Compat* (owned) */
  GPtrArray *topic_list;   /* Topic* (in blocks) */
  GPtrArray *blocks;       /* memory of the topics and their item lists
                              (owned); only the calling thread adds to it */
  guchar *block_at;        /* the free end of the last block */
  gsize block_left;
  guint8 *item_bucket;     /* [items]: bucket of each item's action
                              (action_bucket), NO_BUCKET for an empty slot */
  guint *bucket_n;         /* [N_BUCKETS]: items per bucket */
  GArray *drafts;          /* Draft */
  guint64 draft_seq;       /* Draft.seq of the next draft */
  GHashTable *links;       /* action id → id of its group of related
                              actions (union-find parent), interned */
  GHashTable *shared;      /* "group\nslot" (interned) → the duration slots
                              compared across a group of related actions */
  /* Memos, so that what depends only on an interned value or a document
   * is worked out once, not once per claim and row: */
  const char **doc_iso;    /* [d]: xref_date_to_iso of document d's date */
  DateMemo *date_memo;     /* [1 << DATE_MEMO_BITS]: date_iso */
  KeyMap *names;           /* np_names: Key {np, id, NULL} → result + 1 */
  GArray *np_toks;         /* XrefToken: scratch of np_names_uncached */
  GString *np_phrase;      /* scratch of np_names_uncached */
  GHashTable *complete;    /* complete_date: TimeML value → ISO or no_date */
  const char *id_date, *id_event, *id_polarity, *id_status;   /* interned */
  const char *polarity_ids[2];   /* interned xref_polarity_name, by polarity */
  GArray *values;          /* Value: scratch of collect, one per item of
                              the topic at hand */
  GArray *statuses;        /* Value: the statuses items give, document by
                              document */
  guint *status_base;      /* [d]: index in statuses of document d's first */
  const char *id_say;      /* interned XREF_SPEECH_ACTION */
  guint *doc_rank;         /* [d]: rank of document d's id among the ids
                              (equal ids, equal ranks) */
  GArray *sorting;         /* Stating: scratch of collect */
  GArray *voice_docs;      /* guint: scratch of collect, the document of
                              each voice of the row at hand */
  GArray *runs;            /* Run: scratch of topic_rows, the runs of the
                              topic at hand */
  GPtrArray *stating;      /* scratch of collect: Collected.stating of the
                              row at hand (one row is collected at a time,
                              so it is not allocated per row) */
  GPtrArray *reps;         /* scratch of compare_row */
  GString *note;           /* scratch: the note of the row at hand (one at
                              a time), copied at its size by add_draft */
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
  if (row->sources != NULL && !row->sources_inline)
    g_array_unref (row->sources);
  if (row->voices != NULL)
    g_array_unref (row->voices);
  if (row->actions != NULL)
    g_ptr_array_unref (row->actions);
  g_free (row);
}

/* ---- keys and topics ---------------------------------------------------- */

static KeyMap *
keymap_new (void)
{
  KeyMap *m = g_new0 (KeyMap, 1);

  m->bits = 10;
  m->slots = g_new0 (KeySlot, 1u << m->bits);
  return m;
}

/* Frees m, and its values with value_free when not NULL. */
static void
keymap_free (KeyMap *m, GDestroyNotify value_free)
{
  if (m == NULL)
    return;
  for (guint i = 0; value_free != NULL && i < (1u << m->bits); i++)
    if (m->slots[i].value != NULL)
      value_free (m->slots[i].value);
  g_free (m->slots);
  g_free (m);
}

static inline guint
keymap_hash (const KeyMap *m, const Key *k)
{
  guint64 h = (guint64) (guintptr) k->action * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)
              + (guint64) (guintptr) k->actor * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)
              + (guint64) (guintptr) k->object * G_GUINT64_CONSTANT (0x165667B19E3779F9);

  return (guint) ((h ^ (h >> 29)) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) >> (64 - m->bits));
}

/* The slot of k: its own, or the free one where it would go. */
static inline KeySlot *
keymap_slot (const KeyMap *m, const Key *k)
{
  const guint mask = (1u << m->bits) - 1;

  for (guint h = keymap_hash (m, k);; h = (h + 1) & mask)
    {
      KeySlot *s = &m->slots[h];

      if (s->value == NULL
          || (s->key.action == k->action && s->key.actor == k->actor && s->key.object == k->object))
        return s;
    }
}

static inline gpointer
keymap_get (const KeyMap *m, const Key *k)
{
  return keymap_slot (m, k)->value;
}

/* Sets k to value (not NULL) in m; slot is keymap_slot (m, k). */
static void
keymap_put (KeyMap *m, KeySlot *slot, const Key *k, gpointer value)
{
  if (slot->value == NULL)
    {
      if (2 * (m->n + 1) > (1u << m->bits))
        {
          KeySlot *old = m->slots;
          guint n_old = 1u << m->bits;

          m->bits++;
          m->slots = g_new0 (KeySlot, 1u << m->bits);
          for (guint i = 0; i < n_old; i++)
            if (old[i].value != NULL)
              *keymap_slot (m, &old[i].key) = old[i];
          g_free (old);
          slot = keymap_slot (m, k);
        }
      m->n++;
    }
  slot->key = *k;
  slot->value = value;
}

/* size bytes (a multiple of 8 is kept) from ctx's blocks, freed with
 * them at the end of match. */
static gpointer
block_alloc (Ctx *ctx, gsize size)
{
  gpointer p;

  size = (size + 7) & ~(gsize) 7;
  if (size > ctx->block_left)
    {
      ctx->block_left = MAX (size, 64 * 1024);
      ctx->block_at = g_malloc (ctx->block_left);
      g_ptr_array_add (ctx->blocks, ctx->block_at);
    }
  p = ctx->block_at;
  ctx->block_at += size;
  ctx->block_left -= size;
  return p;
}

static Topic *
topic_new (Ctx *ctx, const Key *key, gint64 date_key)
{
  Topic *t = block_alloc (ctx, sizeof (Topic));

  memset (t, 0, sizeof *t);
  t->key = *key;
  t->date_key = date_key;
  g_ptr_array_add (ctx->topic_list, t);
  return t;
}

static void
compat_bump (Ctx *ctx, const char *action, const char *actor, const char *object, Topic *t)
{
  Key k = { action, actor, object };
  KeySlot *slot = keymap_slot (ctx->compat, &k);
  Compat *c = slot->value;

  if (c == NULL)
    {
      c = g_new0 (Compat, 1);
      c->key = k;
      c->topic = t;
      keymap_put (ctx->compat, slot, &k, c);
    }
  c->n++;
}

/* Doubles the room of t's items (the old list stays in its block). */
G_NO_INLINE static void
topic_grow (Ctx *ctx, Topic *t)
{
  guint cap = t->items.cap > 0 ? 2 * t->items.cap : 4;
  guint *v = block_alloc (ctx, cap * sizeof (guint));

  if (t->items.len > 0)
    memcpy (v, t->items.v, t->items.len * sizeof (guint));
  t->items.v = v;
  t->items.cap = cap;
}

static inline void
topic_add (Ctx *ctx, Topic *t, guint item)
{
  if (G_UNLIKELY (t->items.len == t->items.cap))
    topic_grow (ctx, t);
  t->items.v[t->items.len++] = item;
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

/* The rules' action of an interned action id, through ctx's memo. */
static const XrefAction *
rules_action (const Ctx *ctx, const char *id)
{
  IdMemo *slot;

  if (ctx->rules == NULL || id == NULL)
    return NULL;
  slot = id_memo_slot (ctx->action_memo, ACTION_MEMO_BITS, id);
  if (slot->id != id)
    {
      slot->id = id;
      slot->value = xref_rules_action (ctx->rules, id);
    }
  return slot->value;
}

static const XrefSlotValue *
claim_slot (const XrefClaim *claim, const char *slot)
{
  if (claim->slots == NULL)
    return NULL;
  for (guint i = 0; i < claim->slots->len; i++)
    {
      const XrefSlotValue *v = &g_array_index (claim->slots, XrefSlotValue, i);
      /* slot ids are interned, so == decides; the string compare (only
       * when the first bytes agree) keeps a stray copy working */
      if (v->slot == slot
          || (v->slot != NULL && slot != NULL && v->slot[0] == slot[0] && strcmp (v->slot, slot) == 0))
        return v->value != NULL ? v : NULL;
    }
  return NULL;
}

/* A bare noun phrase the rules do not know ("np:military personnel"). */
static gboolean
is_weak (const char *id)
{
  return id != NULL && id[0] == 'n' && id[1] == 'p' && id[2] == ':';
}

static gboolean
is_strong (const char *id)
{
  return id != NULL && !is_weak (id);
}


/* A claim's complete date as ISO, else NULL.  Memoised by the interned
 * value. */
static const char *
complete_date (const Ctx *ctx, const char *value)
{
  const char *iso;
  XrefDate d;

  if (value == NULL)
    return NULL;
  iso = g_hash_table_lookup (ctx->complete, value);
  if (iso == NULL)
    {
      if (!xref_date_parse_timeml (value, &d) || !xref_date_is_complete (&d))
        iso = no_date;
      else
        iso = xref_date_to_iso (&d);
      g_hash_table_insert (ctx->complete, (gpointer) value, (gpointer) iso);
    }
  return iso != no_date ? iso : NULL;
}

/* The ISO date of doc, the d-th document of the corpus (memoised). */
static const char *
doc_date (const Ctx *ctx, const XrefDocument *doc, guint d)
{
  if (doc == NULL)
    return NULL;
  if (d < ctx->n_docs && g_ptr_array_index (ctx->documents, d) == doc)
    return ctx->doc_iso[d];
  return xref_date_to_iso (&doc->date);
}

/* A claim's value for a field, with the statement it comes from: the
 * claim shown as evidence (the announcing claim for a status) and the
 * statement's date. */
typedef struct {
  const char *value;
  gsize start, end;
  const XrefClaim *claim;
  const char *date;
} Value;

static gboolean item_status (const Ctx *ctx, const Item *it, Value *out);

/* ---- threads ------------------------------------------------------------ */

/* Work split into parts [0, n_parts), done by workers that each take the
 * next part from a shared counter.  Each worker has its own copy of the
 * context, with its own scratch and memos (values, sorting, voice_docs,
 * roots, complete), grouping tables (topics, compat, names), blocks and
 * drafts; everything else they read is not written while they run (the
 * intern table is thread safe).  A
 * part writes its results to places of its own (its slots of Ctx.items,
 * its array of drafts), merged in part order after, so the result does not
 * depend on which worker did which part, nor on the number of workers. */
typedef void (*PartFunc) (Ctx *w, guint part, gpointer data);

typedef struct {
  Ctx *workers;            /* [n_workers]; workers[0] is the calling thread */
  guint n_workers;
  guint n_parts;
  gint next;               /* atomic: the next part to take */
  PartFunc fn;
  PartFunc done;           /* or NULL: called by each worker (part: its
                              index) when no part is left, so that work on
                              its own results needs no further join */
  gpointer data;
} Parallel;

typedef struct {
  Parallel *p;
  guint w;
} WorkerArg;

static gpointer
parallel_worker (gpointer data)
{
  const WorkerArg *a = data;
  Parallel *p = a->p;
  gint part;

  while ((part = g_atomic_int_add (&p->next, 1)) < (gint) p->n_parts)
    p->fn (&p->workers[a->w], (guint) part, p->data);
  if (p->done != NULL)
    p->done (&p->workers[a->w], a->w, p->data);
  return NULL;
}

/* Runs fn over n_parts parts on up to n_workers threads (the calling
 * thread one of them), then done (when not NULL) on each of those
 * workers, and returns when all are done. */
static void
parallel_run_done (Ctx *workers, guint n_workers, guint n_parts, PartFunc fn, PartFunc done, gpointer data)
{
  Parallel p = { workers, n_workers, n_parts, 0, fn, done, data };
  guint n = MIN (n_workers, n_parts);
  GThread **threads;
  WorkerArg *args;

  if (n <= 1)
    {
      for (guint i = 0; i < n_parts; i++)
        fn (&workers[0], i, data);
      if (done != NULL)
        done (&workers[0], 0, data);
      return;
    }
  threads = g_new0 (GThread *, n);
  args = g_new0 (WorkerArg, n);
  for (guint w = 0; w < n; w++)
    {
      args[w].p = &p;
      args[w].w = w;
    }
  for (guint w = 1; w < n; w++)
    threads[w] = g_thread_new ("xref-match", parallel_worker, &args[w]);
  parallel_worker (&args[0]);
  for (guint w = 1; w < n; w++)
    g_thread_join (threads[w]);
  g_free (args);
  g_free (threads);
}

static void
parallel_run (Ctx *workers, guint n_workers, guint n_parts, PartFunc fn, gpointer data)
{
  parallel_run_done (workers, n_workers, n_parts, fn, NULL, data);
}

/* ---- items -------------------------------------------------------------- */

/* collect_items: the documents [first_doc[p], first_doc[p + 1]) are part
 * p; its statuses go to statuses[p], counted by document in n_status. */
typedef struct {
  guint *first_doc;        /* [n_parts + 1] */
  guint *claim_base;       /* [n_docs + 1]: slot in Ctx.items of each
                              document's first claim */
  guint *n_status;         /* [n_docs] */
  GArray **statuses;       /* [n_parts] */
  guint8 *item_bucket;     /* Ctx.item_bucket and Ctx.group_keys (the */
  GroupKey *group_keys;    /* workers' copies of Ctx do not have them yet) */
  guint *bucket_n;         /* [n_parts * N_BUCKETS]: items per bucket */
} CollectJob;

/* TRUE when id is "<doc_id>#<n>" (doc_id_len the length of doc_id), n
 * written as xref_extract_claims writes it (no leading zero). */
static gboolean
claim_id_is (const char *id, const char *doc_id, gsize doc_id_len, guint n)
{
  const char *p;
  guint64 v = 0;

  /* strncmp, not memcmp: id may be shorter than doc_id */
  if (id == NULL || strncmp (id, doc_id, doc_id_len) != 0 || id[doc_id_len] != '#')
    return FALSE;
  p = id + doc_id_len + 1;
  if (p[0] < '1' || p[0] > '9')
    return FALSE;
  for (guint k = 0; p[k] != '\0'; k++)
    {
      if (p[k] < '0' || p[k] > '9' || k >= 10)
        return FALSE;
      v = v * 10 + (guint) (p[k] - '0');
    }
  return v == n;
}

/* xref_match_entity_root (id) through ctx's root memo; *weak: is_weak of
 * the root. */
static inline const char *
item_root (Ctx *ctx, const char *id, guint8 *weak)
{
  RootMemo *slot;

  if (id == NULL)
    {
      *weak = FALSE;
      return NULL;
    }
  slot = &ctx->root_memo[xref_hash_ptr (id, ROOT_MEMO_BITS)];
  if (slot->id != id)
    {
      slot->id = id;
      /* (a claim's ids are interned: XrefArg) */
      slot->root = xref_match_entity_root_interned (ctx->rules, ctx->roots, id);
      slot->weak = is_weak (slot->root);
    }
  *weak = (guint8) slot->weak;
  return slot->root;
}

/* xref_date_to_iso (d) through ctx's date memo. */
static const char *
date_iso (Ctx *ctx, const XrefDate *d)
{
  guint h = ((guint) d->year * 37u * 16u + (guint) d->month * 32u + (guint) d->day) & ((1u << DATE_MEMO_BITS) - 1);
  DateMemo *m = &ctx->date_memo[h];

  if (!m->set || m->date.year != d->year || m->date.month != d->month || m->date.day != d->day)
    {
      m->date = *d;
      m->set = TRUE;
      m->iso = xref_date_to_iso (d);
    }
  return m->iso;
}

static void
collect_part (Ctx *ctx, guint part, gpointer data)
{
  const CollectJob *job = data;
  const char *date_slot = ctx->id_date;
  GArray *statuses = job->statuses[part];
  guint *bucket_n = &job->bucket_n[part * N_BUCKETS];
  /* The part's items are packed from the start of its slots, speech acts
   * left out (a quarter of the claims): the slots left at the end are
   * never written, so their pages are never touched (see collect_items). */
  guint next = job->claim_base[job->first_doc[part]];
  const guint end = job->claim_base[job->first_doc[part + 1]];
  gsize doc_id_len;
  Item *items = ctx->items;
  GroupKey *keys = job->group_keys;
  guint8 *buckets = job->item_bucket;

  for (guint d = job->first_doc[part]; d < job->first_doc[part + 1]; d++)
    {
      const XrefDocument *doc = g_ptr_array_index (ctx->documents, d);
      gint n_status = 0;

      /* the documents' dates for doc_date, each by the part that has it
       * (xref_date_to_iso interns: worked out here, on the workers, rather
       * than before them on one thread) */
      ctx->doc_iso[d] = doc != NULL ? date_iso (ctx, &doc->date) : NULL;
      /* (no claims: the item array may have no storage at all) */
      if (doc == NULL || doc->claims == NULL || doc->claims->len == 0)
        continue;
      /* the spans fit Item's 32-bit offsets (see Item) */
      g_assert (doc->len < G_MAXUINT32);
      doc_id_len = doc->id != NULL ? strlen (doc->id) : 0;
      for (guint i = 0; i < doc->claims->len; i++)
        {
          const XrefClaim *c = g_ptr_array_index (doc->claims, i);
          Item *it;
          GroupKey *gk;

          /* the claims are scattered over the heap: ask for the next ones
           * while this one is read (a hint only) */
          if (i + 2 < doc->claims->len)
            __builtin_prefetch (g_ptr_array_index (doc->claims, i + 2));

          /* speech acts are listed, never compared (action ids are
           * interned: xref_claim_is_speech by pointer): no item */
          if (c == NULL || c->action.id == NULL || c->action.id == ctx->id_say)
            continue;
          it = &items[next];
          gk = &keys[next];
          memset (it, 0, sizeof *it);
          buckets[next] = action_bucket (c->action.id);
          bucket_n[buckets[next]]++;
          next++;
          /* the ids of a claim are interned (XrefArg), so they are used as
           * they are */
          it->claim = c;
          it->action = c->action.id;
          it->doc = d;
          it->seq = i;
          it->start = (guint32) c->start;
          gk->action = c->action.id;
          gk->actor = item_root (ctx, c->actor.id, &gk->weak_actor);
          gk->object = item_root (ctx, c->object.id, &gk->weak_object);
          gk->strong_actor = gk->actor != NULL && !gk->weak_actor;
          gk->strong_object = gk->object != NULL && !gk->weak_object;
          it->speaker = c->speaker.id;
          it->action_start = (guint32) c->action.start;
          it->action_end = (guint32) c->action.end;
          it->polarity = c->polarity == XREF_POLARITY_NEGATED;
          it->own_doc = c->doc != NULL && c->doc == doc;
          /* (the ids are read here in the order of the claim block, which
           * holds them one after the other) */
          it->id_seq = it->own_doc && doc->id != NULL && claim_id_is (c->id, doc->id, doc_id_len, i + 1);
          it->has_slots = c->slots != NULL && c->slots->len > 0;
          if (c->date.id != NULL)
            {
              it->date = c->date.id;
              it->date_start = (guint32) c->date.start;
              it->date_end = (guint32) c->date.end;
            }
          else
            {
              const XrefSlotValue *v = claim_slot (c, date_slot);
              if (v != NULL)
                {
                  it->date = v->value;
                  it->date_start = (guint32) v->start;
                  it->date_end = (guint32) v->end;
                }
            }
          /* The status a claim gives does not depend on its topic, and
           * the claims around it in its sentence are at hand now. */
          {
            Value sv;
            it->status = -1;
            if (item_status (ctx, it, &sv))
              {
                it->status = n_status++;
                g_array_append_val (statuses, sv);
              }
          }
        }
      job->n_status[d] = (guint) n_status;
    }
  /* the unused slots: empty (their bytes of item_bucket only) */
  memset (&buckets[next], NO_BUCKET, end - next);
}

/* Fills Ctx.items (a slot per claim) and Ctx.statuses, over parts of the
 * corpus of about the same number of claims. */
static void
collect_items (Ctx *ctx, Ctx *workers, guint n_workers)
{
  CollectJob job = { 0 };
  guint n_claims, n_parts;

  job.claim_base = g_new0 (guint, ctx->n_docs + 1);
  for (guint d = 0; d < ctx->n_docs; d++)
    {
      const XrefDocument *doc = g_ptr_array_index (ctx->documents, d);
      job.claim_base[d + 1] = job.claim_base[d] + (doc != NULL && doc->claims != NULL ? doc->claims->len : 0);
    }
  n_claims = job.claim_base[ctx->n_docs];
  /* A slot per claim, as the parts fill the slots of their documents' claims
   * (on several threads, at places known beforehand); a part packs its
   * items at the start of its slots and marks the rest empty in
   * item_bucket only, so the Item storage is not cleared: its pages are
   * touched by the thread that fills them, and those of the unused slots
   * not at all.  Item order (the claims' corpus order) is kept. */
  ctx->items = g_aligned_alloc (n_claims + 1, sizeof (Item), 64);
  ctx->n_items = n_claims;
  for (guint w = 0; w < n_workers; w++)
    {
      workers[w].items = ctx->items;
      workers[w].n_items = ctx->n_items;
    }
  ctx->item_bucket = g_new (guint8, n_claims + 1);
  /* (like the items: the pages of unused slots are never touched) */
  ctx->group_keys = g_aligned_alloc (n_claims + 1, sizeof (GroupKey), 64);

  /* a few parts per worker, so that one slowed down (the other core
   * renders the report meanwhile) holds the others up little */
  n_parts = n_workers > 1 && n_claims >= 256 ? MIN (ctx->n_docs, n_workers * 8) : 1;
  job.first_doc = g_new0 (guint, n_parts + 1);
  for (guint p = 1, d = 0; p < n_parts; p++)
    {
      guint64 target = (guint64) n_claims * p / n_parts;
      while (d < ctx->n_docs && job.claim_base[d] < target)
        d++;
      job.first_doc[p] = d;
    }
  job.first_doc[n_parts] = ctx->n_docs;
  job.n_status = g_new0 (guint, ctx->n_docs);
  job.statuses = g_new0 (GArray *, n_parts);
  job.bucket_n = g_new0 (guint, n_parts * N_BUCKETS);
  job.item_bucket = ctx->item_bucket;
  job.group_keys = ctx->group_keys;
  for (guint p = 0; p < n_parts; p++)
    job.statuses[p] = g_array_new (FALSE, FALSE, sizeof (Value));

  parallel_run (workers, n_workers, n_parts, collect_part, &job);

  ctx->status_base = g_new0 (guint, ctx->n_docs + 1);
  for (guint d = 0; d < ctx->n_docs; d++)
    ctx->status_base[d + 1] = ctx->status_base[d] + job.n_status[d];
  for (guint p = 0; p < n_parts; p++)
    {
      g_array_append_vals (ctx->statuses, job.statuses[p]->data, job.statuses[p]->len);
      g_array_unref (job.statuses[p]);
    }
  ctx->bucket_n = g_new0 (guint, N_BUCKETS);
  for (guint p = 0; p < n_parts; p++)
    for (guint b = 0; b < N_BUCKETS; b++)
      ctx->bucket_n[b] += job.bucket_n[p * N_BUCKETS + b];
  g_free (job.bucket_n);
  g_free (job.statuses);
  g_free (job.n_status);
  g_free (job.first_doc);
  g_free (job.claim_base);
}

/* TRUE when the phrase text is exactly an alias of e or of an entity
 * within e. */
static gboolean
names_entity (const Ctx *ctx, const char *text, gsize len, const XrefEntity *e, GArray *toks)
{
  const XrefEntityMatch *m;
  gconstpointer v = NULL;

  g_array_set_size (toks, 0);
  /* Not xref_tokenize: its fast path allocates and clears a 2 MB form
   * cache in every thread that first calls it, and grouping's threads
   * (the match thread and a new worker) tokenize only these phrases, a
   * few thousand at most (np_names is memoised and tokenizes only for
   * entities the rules know): the two caches cost 500 to 1,000 page
   * faults (and 4 MB cleared) on the 10 MB corpus, more than the general
   * code's extra work.  The two give the same tokens (core.h;
   * test_np_phrase_tokens). */
  xref_tokenize_reference (text, 0, len, toks);
  if (toks->len == 0
      || xref_phrase_table_match (ctx->rules->entity_phrases, (const XrefToken *) (gpointer) toks->data, toks->len, 0, &v)
           != toks->len
      || v == NULL)
    return FALSE;
  m = v;
  return m->entity != NULL && (m->entity == e || xref_rules_entity_within (ctx->rules, m->entity->id, e->id));
}

/* TRUE when the bare noun phrase np ("np:military") names the entity id:
 * the phrase's last word after the first words of the entity's name
 * ("Polish armed forces" → "Polish military") is an alias of it or
 * of an entity within it.  So "their military" joins the topic of the
 * Polish armed forces, while "the infrastructure" never joins the topic
 * of a weapon. */
static gboolean
np_names_uncached (const Ctx *ctx, const char *np, const char *id)
{
  const XrefEntity *e;
  const char *head;
  /* the scratch (of this thread's Ctx: the pointers are const, not what
   * they point to) */
  GString *phrase = ctx->np_phrase;
  GArray *toks = ctx->np_toks;

  if (ctx->rules == NULL || ctx->rules->entity_phrases == NULL || !is_weak (np) || id == NULL)
    return FALSE;
  e = xref_rules_entity (ctx->rules, id);
  if (e == NULL || e->name == NULL || !g_utf8_validate (e->name, -1, NULL) || !g_utf8_validate (np, -1, NULL))
    return FALSE;
  head = strrchr (np, ' ');
  head = head != NULL ? head + 1 : np + 3;
  if (names_entity (ctx, head, strlen (head), e, toks))
    return TRUE;
  /* "Polish " + head, "Polish armed " + head, … */
  for (const char *sp = strchr (e->name, ' '); sp != NULL; sp = strchr (sp + 1, ' '))
    {
      g_string_truncate (phrase, 0);
      g_string_append_len (phrase, e->name, sp - e->name + 1);
      g_string_append (phrase, head);
      if (names_entity (ctx, phrase->str, phrase->len, e, toks))
        return TRUE;
    }
  return FALSE;
}

/* np_names_uncached, memoised: it tokenizes and looks phrases up, and the
 * same (phrase, entity) pairs come back for every claim of a topic.  Both
 * are interned ids, so the pair of pointers is the key. */
static gboolean
np_names (const Ctx *ctx, const char *np, const char *id)
{
  Key k = { np, id, NULL };
  KeySlot *slot = keymap_slot (ctx->names, &k);
  gboolean r;

  if (slot->value != NULL)
    return GPOINTER_TO_INT (slot->value) - 1;
  r = np_names_uncached (ctx, np, id);
  keymap_put (ctx->names, slot, &k, GINT_TO_POINTER (r + 1));
  return r;
}

/* TRUE when a claim whose actor or object is a bare noun phrase may join
 * topic t: the phrase names the actor (object) of one of t's claims.  A
 * claim whose elements are absent, not bare phrases, always may. */
static gboolean
weak_fits (const Ctx *ctx, const Item *it, const GroupKey *gk, const Topic *t)
{
  gboolean actor_ok = !gk->weak_actor, object_ok = !gk->weak_object;
  const char *last_actor = NULL, *last_object = NULL;

  /* the first claims are enough: a topic's claims name the same entities
   * (mostly the very same ids, asked about once) */
  for (guint i = 0; i < t->items.len && i < 32 && !(actor_ok && object_ok); i++)
    {
      const XrefClaim *c = ITEM_AT (ctx, t->items.v[i]).claim;
      if (!actor_ok && (i == 0 || c->actor.id != last_actor))
        actor_ok = np_names (ctx, it->claim->actor.id, c->actor.id);
      if (!object_ok && (i == 0 || c->object.id != last_object))
        object_ok = np_names (ctx, it->claim->object.id, c->object.id);
      last_actor = c->actor.id;
      last_object = c->object.id;
    }
  return actor_ok && object_ok;
}

/* A part of grouping: its topics with full keys, then the others, each
 * in the order they were made (the order of their first items). */
typedef struct {
  GArray *full;            /* TopicAt */
  GArray *partial;         /* TopicAt */
} GroupOut;

typedef struct {
  guint8 part_of[N_BUCKETS];   /* the part of each bucket; G_MAXUINT8 none */
  guint64 *part_n;             /* [n_parts]: items of each part */
  GroupOut *out;               /* [n_parts] */
} GroupJob;

/* The topic of key k in w's table, made when new (first: the item that
 * makes it, recorded in list). */
static Topic *
group_topic (Ctx *w, const Key *k, guint first, GArray *list, gboolean *created)
{
  KeySlot *slot = keymap_slot (w->topics, k);
  Topic *t = slot->value;

  *created = t == NULL;
  if (t == NULL)
    {
      TopicAt at;

      t = block_alloc (w, sizeof (Topic));
      memset (t, 0, sizeof *t);
      t->key = *k;
      t->date_key = NO_DATE_KEY;
      keymap_put (w->topics, slot, k, t);
      at.first = first;
      at.topic = t;
      g_array_append_val (list, at);
    }
  return t;
}

/* Groups the items of the actions of one part, in item order.  Full keys
 * first, so that the compatibility counts are final before any wildcard
 * claim looks at them; a wildcard joins a topic after looking at the
 * wildcards that joined it before, as on one thread.  The tables (topics,
 * compat, names) are the worker's: keys of different parts never meet, as
 * every key holds its action. */
static void
group_part (Ctx *w, guint part, gpointer data)
{
  const GroupJob *job = data;
  GroupOut *out = &job->out[part];
  const guint8 *bucket = w->item_bucket;
  const guint n_items = w->n_items;
  /* the part's wildcard items, in item order (room for all its items) */
  g_autofree guint *wild = g_new (guint, job->part_n[part] + 1);
  guint n_wild = 0;

  out->full = g_array_new (FALSE, FALSE, sizeof (TopicAt));
  out->partial = g_array_new (FALSE, FALSE, sizeof (TopicAt));
  for (guint i = 0; i < n_items; i++)
    {
      const GroupKey *gk;
      Key k;
      gboolean created;
      Topic *t;

      if (job->part_of[bucket[i]] != part)
        continue;
      gk = &w->group_keys[i];
      if (!gk->strong_actor || !gk->strong_object)
        {
          wild[n_wild++] = i;
          continue;
        }
      k = (Key) { gk->action, gk->actor, gk->object };
      t = group_topic (w, &k, i, out->full, &created);
      topic_add (w, t, i);
      if (created)
        {
          compat_bump (w, gk->action, gk->actor, any_id, t);
          compat_bump (w, gk->action, any_id, gk->object, t);
          compat_bump (w, gk->action, any_id, any_id, t);
        }
    }

  for (guint j = 0; j < n_wild; j++)
    {
      guint i = wild[j];
      const Item *it = &ITEM_AT (w, i);
      const GroupKey *gk = &w->group_keys[i];
      const char *action = gk->action;
      Key wk = { action, gk->strong_actor ? gk->actor : any_id, gk->strong_object ? gk->object : any_id };
      Key k = { action, gk->actor, gk->object };
      const Compat *c;
      gboolean created;

      /* the keys and items of the wildcards are scattered over the arrays
       * and no longer cached (the loop above went over all the part's
       * items): ask for those a few ahead while this one is grouped */
      if (j + 8 < n_wild)
        {
          __builtin_prefetch (&w->group_keys[wild[j + 8]]);
          __builtin_prefetch (&ITEM_AT (w, wild[j + 8]));
        }
      c = keymap_get (w->compat, &wk);
      if (c != NULL && c->n == 1 && weak_fits (w, it, gk, c->topic))
        topic_add (w, c->topic, i);
      else
        topic_add (w, group_topic (w, &k, i, out->partial, &created), i);
    }
}

/* Appends the topics of the n sorted lists[k] to topic_list in the order
 * of their first items. */
static void
merge_topics (GPtrArray *topic_list, GArray **lists, guint n)
{
  g_autofree guint *at = g_new0 (guint, n);
  guint out = topic_list->len, total = 0;

  for (guint k = 0; k < n; k++)
    total += lists[k]->len;
  g_ptr_array_set_size (topic_list, (gint) (out + total));
  for (;;)
    {
      const TopicAt *best = NULL;
      guint from = 0;

      for (guint k = 0; k < n; k++)
        if (at[k] < lists[k]->len)
          {
            const TopicAt *t = &g_array_index (lists[k], TopicAt, at[k]);
            if (best == NULL || t->first < best->first)
              {
                best = t;
                from = k;
              }
          }
      if (best == NULL)
        return;
      at[from]++;
      topic_list->pdata[out++] = best->topic;
    }
}

/* Groups the items into topics (Ctx.topic_list: the topics with full keys
 * in the order of their first items, then the others likewise), the
 * actions dealt out to parts that the workers take. */
static void
group_items (Ctx *ctx, Ctx *workers, guint n_workers)
{
  GroupJob job;
  guint order[NO_BUCKET];
  guint n_parts = n_workers > 1 ? MIN (2 * n_workers, 64u) : 1;
  GArray **lists;

  /* Largest buckets first, each to the part with the fewest items so
   * far: parts of about the same size however the actions fall. */
  for (guint b = 0; b < NO_BUCKET; b++)
    order[b] = b;
  for (guint i = 1; i < NO_BUCKET; i++)
    for (guint j = i; j > 0 && ctx->bucket_n[order[j]] > ctx->bucket_n[order[j - 1]]; j--)
      {
        guint x = order[j];
        order[j] = order[j - 1];
        order[j - 1] = x;
      }
  job.part_n = g_new0 (guint64, n_parts);
  memset (job.part_of, G_MAXUINT8, sizeof job.part_of);
  for (guint i = 0; i < NO_BUCKET && ctx->bucket_n[order[i]] > 0; i++)
    {
      guint best = 0;
      for (guint p = 1; p < n_parts; p++)
        if (job.part_n[p] < job.part_n[best])
          best = p;
      job.part_of[order[i]] = (guint8) best;
      job.part_n[best] += ctx->bucket_n[order[i]];
    }
  job.out = g_new0 (GroupOut, n_parts);

  parallel_run (workers, n_workers, n_parts, group_part, &job);

  lists = g_new (GArray *, n_parts);
  for (guint p = 0; p < n_parts; p++)
    lists[p] = job.out[p].full;
  merge_topics (ctx->topic_list, lists, n_parts);
  for (guint p = 0; p < n_parts; p++)
    lists[p] = job.out[p].partial;
  merge_topics (ctx->topic_list, lists, n_parts);
  for (guint p = 0; p < n_parts; p++)
    {
      g_array_unref (job.out[p].full);
      g_array_unref (job.out[p].partial);
    }
  g_free (lists);
  g_free (job.out);
  g_free (job.part_n);
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

  return it->date != NULL && xref_date_parse_timeml (it->date, &d) && xref_date_to_days (&d, days);
}

static void
split_by_date (Ctx *ctx, Topic *t, gdouble tolerance)
{
  g_autoptr (GArray) dated = g_array_new (FALSE, FALSE, sizeof (Dated));
  g_autoptr (GArray) undated = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_clusters = 0;
  Topic *cur = NULL;

  for (guint i = 0; i < t->items.len; i++)
    {
      guint idx = t->items.v[i];
      Dated dt = { 0, idx };

      if (item_days (&ITEM_AT (ctx, idx), &dt.days))
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
  t->items.len = 0;
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
      topic_add (ctx, cur, dt->item);
    }
  if (undated->len > 0)
    {
      Topic *u = topic_new (ctx, &t->key, UNDATED_KEY);
      for (guint i = 0; i < undated->len; i++)
        topic_add (ctx, u, g_array_index (undated, guint, i));
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
  const Item *x = &ITEM_AT (ctx, *(const guint *) a);
  const Item *y = &ITEM_AT (ctx, *(const guint *) b);

  if (x->doc != y->doc)
    return x->doc < y->doc ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->seq != y->seq)
    return x->seq < y->seq ? -1 : 1;
  return 0;
}

/* An item's place in cmp_topic_items's order as two words, compared
 * without a call: (doc, start), then (seq, the item's index). */
typedef struct {
  guint64 hi;
  guint64 lo;
} ItemKey;

static inline gboolean
item_key_less (const ItemKey *a, const ItemKey *b)
{
  return a->hi != b->hi ? a->hi < b->hi : a->lo < b->lo;
}

/* Defines a stable sort of a[n] by LESS (x, y) (TRUE when *x sorts
 * before *y), with the comparison inlined: insertion sort of runs of RUN,
 * then merges back and forth between a and tmp[n]; returns whichever of
 * the two holds the result. */
#define DEFINE_MERGE_SORT(name, Type, RUN, LESS)                                              \
  static Type *name (Type *a, Type *tmp, guint n)                                             \
  {                                                                                           \
    Type *from = a, *to = tmp;                                                                \
    for (guint lo = 0; lo < n; lo += RUN)                                                     \
      {                                                                                       \
        guint hi = MIN (lo + RUN, n);                                                         \
        for (guint i = lo + 1; i < hi; i++)                                                   \
          {                                                                                   \
            Type k = a[i];                                                                    \
            guint j = i;                                                                      \
            for (; j > lo && LESS (&k, &a[j - 1]); j--)                                       \
              a[j] = a[j - 1];                                                                \
            a[j] = k;                                                                         \
          }                                                                                   \
      }                                                                                       \
    for (guint w = RUN; w < n; w *= 2)                                                        \
      {                                                                                       \
        for (guint lo = 0; lo < n; lo += 2 * w)                                               \
          {                                                                                   \
            guint mid = MIN (lo + w, n), hi = MIN (lo + 2 * w, n), i = lo, j = mid, k = lo;   \
            while (i < mid && j < hi)                                                         \
              to[k++] = LESS (&from[j], &from[i]) ? from[j++] : from[i++];                    \
            while (i < mid)                                                                   \
              to[k++] = from[i++];                                                            \
            while (j < hi)                                                                    \
              to[k++] = from[j++];                                                            \
          }                                                                                   \
        Type *x = from;                                                                       \
        from = to;                                                                            \
        to = x;                                                                               \
      }                                                                                       \
    return from;                                                                              \
  }

DEFINE_MERGE_SORT (merge_sort_keys, ItemKey, 16, item_key_less)

/* Sorts t's items as g_qsort_with_data (…, cmp_topic_items) does: the
 * keys are distinct (an item's document and index in it are its own), so
 * any sort gives that one order.  A merge sort of the keys (insertion
 * sort for runs of 16), with their indices carried in the low word. */
static void
sort_topic_items (Ctx *ctx, Topic *t)
{
  guint n = t->items.len;
  g_autofree ItemKey *a = g_new (ItemKey, 2 * (gsize) n);
  ItemKey *b = a + n, *from;

  for (guint i = 0; i < n; i++)
    {
      const Item *it = &ITEM_AT (ctx, t->items.v[i]);
      a[i].hi = (guint64) it->doc << 32 | it->start;
      a[i].lo = (guint64) it->seq << 32 | t->items.v[i];
    }
  from = merge_sort_keys (a, b, n);
  for (guint i = 0; i < n; i++)
    t->items.v[i] = (guint) from[i].lo;
}

static const char *
item_value (const Ctx *ctx, const Item *it, Field field, const char *slot, gsize *start, gsize *end)
{
  const XrefClaim *c = it->claim;
  const XrefSlotValue *v;

  switch (field)
    {
    case FIELD_EVENT:
      *start = it->action_start;
      *end = it->action_end;
      return it->action;
    case FIELD_POLARITY:
      *start = it->action_start;
      *end = it->action_end;
      /* (one bit: affirmed or negated, the two XrefPolarity values) */
      return ctx->polarity_ids[it->polarity];
    case FIELD_DATE:
      *start = it->date_start;
      *end = it->date_end;
      return it->date;
    case FIELD_SLOT:
    default:
      v = it->has_slots ? claim_slot (c, slot) : NULL;
      if (v == NULL)
        return NULL;
      *start = v->start;
      *end = v->end;
      return v->value;   /* interned (XrefSlotValue) */
    }
}

/* A row of xref_match with its sources (XrefRow.sources_inline). */
typedef struct {
  XrefRow row;
  GArray header;           /* data and len only: row.sources */
  XrefSource sources[];
} RowBlock;

/* What a row's sources say, before a verdict. */
typedef struct {
  XrefRow *row;
  GPtrArray *stating;      /* XrefSource* borrowed from row->sources and
                              row->voices, sorted by value then document
                              (Ctx.stating: valid until the next collect) */
  guint n_multi;           /* sources whose document gives several values */
  guint n_reporting;       /* documents that report the topic */
} Collected;

/* A stating source with its sort key: the order of stating is by value,
 * then document id, then speaker.  The document's rank stands for its id,
 * so sorting compares no ids' bytes. */
typedef struct {
  const char *value;
  const char *speaker;
  guint rank;              /* Ctx.doc_rank of its document */
  guint value_rank;        /* rank of value among the row's (sort_stating) */
  XrefSource *src;
} Stating;

static gint
cmp_stating (gconstpointer a, gconstpointer b)
{
  const Stating *x = a, *y = b;
  int r;

  /* values and speakers are interned, so equal pointers need no string
   * compare (most pairs of an event row) */
  if (x->value != y->value && (r = strcmp (x->value, y->value)) != 0)
    return r;
  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return x->speaker == y->speaker ? 0 : g_strcmp0 (x->speaker, y->speaker);
}

/* cmp_stating with the values' ranks in place of their bytes. */
static gint
cmp_ranked (gconstpointer a, gconstpointer b, gpointer data)
{
  const Stating *x = a, *y = b;

  (void) data;
  if (x->value_rank != y->value_rank)
    return x->value_rank < y->value_rank ? -1 : 1;
  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return x->speaker == y->speaker ? 0 : g_strcmp0 (x->speaker, y->speaker);
}

static gint
cmp_distinct (gconstpointer a, gconstpointer b, gpointer data)
{
  const char *const *values = data;

  return strcmp (values[*(const guint *) a], values[*(const guint *) b]);
}

static inline gboolean
ranked_less (const Stating *x, const Stating *y)
{
  return cmp_ranked (x, y, NULL) < 0;
}

DEFINE_MERGE_SORT (merge_sort_ranked, Stating, 8, ranked_less)

/* Sorts st[n] by cmp_ranked, stably (as g_qsort_with_data, which is
 * stable: a stable sort has one result, so this is it), with the
 * comparison inlined rather than called through a pointer. */
static void
sort_ranked (Stating *st, guint n)
{
  g_autofree Stating *tmp = g_new (Stating, n);
  Stating *from = merge_sort_ranked (st, tmp, n);

  if (from != st)
    memcpy (st, from, n * sizeof *st);
}

/* Sorts st[n] as a stable sort by cmp_stating would, without a general
 * sort of the n entries: the values are interned, so a table of their
 * addresses finds the distinct ones, which alone are sorted by their
 * bytes; the entries are then put in the order of their values' ranks by
 * a counting sort (stable), and each run of one value, in corpus order
 * already but for voices, is sorted by document and speaker only when it
 * is not.  (A row with many sources and values, "recipient" of a large
 * topic, has hundreds of entries and a few dozen values.) */
static void
sort_stating (Stating *st, guint n)
{
  guint bits = 4, n_distinct = 0;
  g_autofree const char **slot_value = NULL;
  g_autofree guint *slot_index = NULL, *order = NULL, *rank = NULL, *at = NULL;
  g_autofree const char **values = g_new (const char *, n);
  g_autofree Stating *sorted = NULL;
  guint mask;

  while ((1u << bits) < 2 * n)
    bits++;
  mask = (1u << bits) - 1;
  slot_value = g_new0 (const char *, mask + 1);
  slot_index = g_new (guint, mask + 1);
  for (guint i = 0; i < n; i++)
    {
      guint h = (guint) xref_hash_ptr (st[i].value, bits);

      while (slot_value[h] != NULL && slot_value[h] != st[i].value)
        h = (h + 1) & mask;
      if (slot_value[h] == NULL)
        {
          slot_value[h] = st[i].value;
          slot_index[h] = n_distinct;
          values[n_distinct++] = st[i].value;
        }
      st[i].value_rank = slot_index[h];   /* its distinct index, for now */
    }
  order = g_new (guint, n_distinct);
  rank = g_new (guint, n_distinct);
  for (guint k = 0; k < n_distinct; k++)
    order[k] = k;
  g_qsort_with_data (order, (gint) n_distinct, sizeof (guint), cmp_distinct, values);
  /* equal bytes, equal ranks (a stray copy of an interned value) */
  for (guint r = 0; r < n_distinct; r++)
    rank[order[r]] = r > 0 && strcmp (values[order[r]], values[order[r - 1]]) == 0 ? rank[order[r - 1]] : r;
  at = g_new0 (guint, n_distinct + 1);
  for (guint i = 0; i < n; i++)
    {
      st[i].value_rank = rank[st[i].value_rank];
      at[st[i].value_rank + 1]++;
    }
  for (guint r = 0; r < n_distinct; r++)
    at[r + 1] += at[r];
  sorted = g_new (Stating, n);
  for (guint i = 0; i < n; i++)
    sorted[at[st[i].value_rank]++] = st[i];
  memcpy (st, sorted, n * sizeof (Stating));
  for (guint i = 0, j; i < n; i = j)
    {
      for (j = i + 1; j < n && st[j].value_rank == st[i].value_rank; j++)
        ;
      for (guint k = i + 1; k < j; k++)
        if (cmp_ranked (&st[k - 1], &st[k], NULL) > 0)
          {
            sort_ranked (&st[i], j - i);
            break;
          }
    }
}

/* The date of a statement: a complete DATE in the claim's sentence (the
 * briefing "on Tuesday") — from the timexes when the run kept them, else
 * from another claim of the sentence dated in full — else the document's
 * date; NULL when neither is known.  Interned. */
static const char *
sentence_date (const Ctx *ctx, const XrefClaim *c, guint seq, guint d)
{
  const XrefDocument *doc = c->doc;
  guint lo = 0, hi;

  /* the claims of one sentence are next to each other around seq */
  if (doc != NULL && doc->timexes == NULL && doc->claims != NULL && seq < doc->claims->len)
    {
      while (seq > 0 && ((const XrefClaim *) g_ptr_array_index (doc->claims, seq - 1))->sentence == c->sentence)
        seq--;
      for (guint i = seq; i < doc->claims->len; i++)
        {
          const XrefClaim *o = g_ptr_array_index (doc->claims, i);
          if (o->sentence != c->sentence)
            break;
          if (o != c && complete_date (ctx, o->date.id) != NULL)
            return complete_date (ctx, o->date.id);
        }
    }
  /* timexes are in text order: the first at or after the sentence's start */
  hi = doc != NULL && doc->timexes != NULL ? doc->timexes->len : 0;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (doc->timexes, XrefTimex, mid).start < c->start)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint i = lo; doc != NULL && doc->timexes != NULL && i < doc->timexes->len; i++)
    {
      const XrefTimex *x = &g_array_index (doc->timexes, XrefTimex, i);
      if (x->start >= c->end)
        break;
      if (x->start >= c->start && x->type == XREF_TIMEX_DATE && complete_date (ctx, x->value) != NULL)
        return complete_date (ctx, x->value);
    }
  return doc_date (ctx, doc, d);
}


/* The date of an item's document when its claim is not that document's
 * (hand-made corpora only): out of line, so item_field stays inlined. */
G_NO_INLINE static const char *
item_doc_date (const Ctx *ctx, const Item *it)
{
  return doc_date (ctx, it->claim->doc, it->doc);
}

static inline gboolean
item_field (const Ctx *ctx, const Item *it, Field field, const char *slot, Value *out)
{
  memset (out, 0, sizeof *out);
  if (field == FIELD_STATUS)
    {
      if (it->status < 0)
        return FALSE;
      *out = g_array_index (ctx->statuses, Value, ctx->status_base[it->doc] + (guint) it->status);
      return TRUE;
    }
  out->value = item_value (ctx, it, field, slot, &out->start, &out->end);
  out->claim = it->claim;
  out->date = G_LIKELY (it->own_doc) ? ctx->doc_iso[it->doc] : item_doc_date (ctx, it);
  return out->value != NULL;
}

static void
set_source (XrefSource *src, const Item *it, const Value *v)
{
  src->states = TRUE;
  src->claim = v->claim;
  /* (a status's claim may be another claim of the item's sentence) */
  src->claim_n = it->id_seq && v->claim == it->claim ? it->seq + 1 : 0;
  src->value = v->value;
  src->start = v->start;
  src->end = v->end;
  src->speaker = it->speaker;
  src->date = v->date;
}

/* Fills a new row with one source per document: the first claim in text
 * order that gives a value.  A claim of the same document whose speaker
 * differs and whose value differs from every value given so far becomes a
 * voice of the row, so that two speakers quoted in one article are compared
 * too; any other further value is only counted (n_multi). */
static gboolean value_is_negative (const char *v);

/* The value of every item of t for a field into ctx->values (t->items
 * order; value NULL when the item gives none), and whether a row can come
 * of them: some item gives a value, and for the polarity and status rows
 * the values hold what those rows need (a negation; a negative and a
 * positive status), which the rows check again on the sources.  Most
 * (topic, field) pairs give no row, so this spares them the row's
 * allocation. */
static gboolean
topic_values (Ctx *ctx, const Topic *t, const GArray *runs, Field field, const char *slot)
{
  gboolean any = FALSE, neg = FALSE, pos = FALSE;

  g_array_set_size (ctx->values, t->items.len);
  if (field == FIELD_EVENT)
    {
      /* Every item of a topic gives its action as the event, so a
       * document's first item gives the source and its others add
       * nothing (the same value: no voice, not several values): only the
       * first item of each run is read (collect reads no other). */
      for (guint r = 0; r < runs->len; r++)
        {
          guint i = g_array_index (runs, Run, r).first;
          if (item_field (ctx, &ITEM_AT (ctx, t->items.v[i]), field, slot,
                          &g_array_index (ctx->values, Value, i)))
            any = TRUE;
        }
      return any;
    }
  for (guint i = 0; i < t->items.len; i++)
    {
      const Item *it = &ITEM_AT (ctx, t->items.v[i]);
      Value *v = &g_array_index (ctx->values, Value, i);

      if (!item_field (ctx, it, field, slot, v))
        {
          v->value = NULL;
          continue;
        }
      any = TRUE;
      if (field == FIELD_POLARITY)
        neg = neg || v->value == ctx->polarity_ids[XREF_POLARITY_NEGATED];
      else if (field == FIELD_STATUS)
        {
          if (value_is_negative (v->value))
            neg = TRUE;
          else
            pos = TRUE;
        }
    }
  if (field == FIELD_POLARITY)
    return neg;
  if (field == FIELD_STATUS)
    return neg && pos;
  return any;
}

static gboolean
collect (Ctx *ctx, const Topic *t, const GArray *runs, Field field, const char *slot, Collected *out)
{
  XrefRow *row;
  Stating *st;

  memset (out, 0, sizeof *out);
  if (!topic_values (ctx, t, runs, field, slot))
    return FALSE;
  /* One source per document; past XREF_MATCH_DENSE_MAX documents only the
   * documents that report the topic (runs are in corpus order), so that
   * rows × documents does not make the cost quadratic. */
  gboolean dense = ctx->n_docs <= XREF_MATCH_DENSE_MAX;
  guint n_sources = dense ? ctx->n_docs : runs->len;
  /* The row, its sources' header and the sources in one block of their
   * exact size: a GArray would round its storage up to a power of two
   * (a third of it unused on average, and sources are most of the
   * memory of the rows), and cost two more allocations a row. */
  {
    RowBlock *b = g_malloc (sizeof (RowBlock) + (gsize) n_sources * sizeof (XrefSource));

    memset (&b->row, 0, sizeof b->row);
    row = &b->row;
    b->header.data = (gchar *) (gpointer) b->sources;
    b->header.len = n_sources;
    row->sources = &b->header;
    row->sources_inline = TRUE;
  }
  row->actor = t->key.actor;
  row->action = t->key.action;
  row->object = t->key.object;
  row->slot = slot;
  /* each source written whole below (not cleared, then written) */
  /* (sparse: source r is run r's, written in the loop below) */
  for (guint d = 0; dense && d < n_sources; d++)
    g_array_index (row->sources, XrefSource, d) = (XrefSource) { .doc = g_ptr_array_index (ctx->documents, d) };

  out->row = row;
  out->n_reporting = runs->len;
  /* The stating sources with their sort keys, made as the runs are read:
   * the sources state in document order, which is the runs' order,
   * dense or not; the voices are added after them.  Room for one per
   * run. */
  g_array_set_size (ctx->sorting, runs->len);
  st = (Stating *) (gpointer) ctx->sorting->data;
  for (guint r = 0; r < runs->len; r++)
    {
      const Run *run = &g_array_index (runs, Run, r);
      XrefSource *src = &g_array_index (row->sources, XrefSource, dense ? run->doc : r);
      guint first_voice = row->voices != NULL ? row->voices->len : 0;
      gboolean multi = FALSE;
      /* (an event: the run's first item only, see topic_values) */
      guint n_k = field == FIELD_EVENT ? MIN (run->n, 1u) : run->n;

      if (!dense)
        *src = (XrefSource) { .doc = g_ptr_array_index (ctx->documents, run->doc) };

      for (guint k = 0; k < n_k; k++)
        {
          const Item *it = &ITEM_AT (ctx, t->items.v[run->first + k]);
          const Value *v = &g_array_index (ctx->values, Value, run->first + k);
          gboolean known = FALSE, same_speaker = FALSE;

          if (v->value == NULL)
            continue;
          if (!src->states)
            {
              set_source (src, it, v);
              continue;
            }
          known = v->value == src->value;
          same_speaker = it->speaker == src->speaker;
          for (guint j = first_voice; row->voices != NULL && j < row->voices->len && !known; j++)
            {
              const XrefSource *o = &g_array_index (row->voices, XrefSource, j);
              known = o->value == v->value;
              same_speaker = same_speaker || o->speaker == it->speaker;
            }
          if (known)
            continue;
          if (same_speaker)
            multi = TRUE;
          else
            {
              XrefSource voice = { 0 };
              voice.doc = src->doc;
              set_source (&voice, it, v);
              if (row->voices == NULL)
                {
                  row->voices = g_array_new (FALSE, TRUE, sizeof (XrefSource));
                  g_array_set_size (ctx->voice_docs, 0);
                }
              g_array_append_val (row->voices, voice);
              g_array_append_val (ctx->voice_docs, run->doc);
            }
        }
      if (src->states)
        st[row->n_states++] = (Stating) { src->value, src->speaker, ctx->doc_rank[run->doc], 0, src };
      if (multi)
        out->n_multi++;
    }
  if (row->n_states == 0)
    {
      xref_row_free (row);
      memset (out, 0, sizeof *out);
      return FALSE;
    }
  /* then the voices; the lot sorted below (a stable sort), in place */
  {
    guint n = row->n_states;

    g_array_set_size (ctx->sorting, row->n_states + (row->voices != NULL ? row->voices->len : 0));
    st = (Stating *) (gpointer) ctx->sorting->data;
    for (guint j = 0; row->voices != NULL && j < row->voices->len; j++)
      {
        XrefSource *src = &g_array_index (row->voices, XrefSource, j);
        st[n++] = (Stating) { src->value, src->speaker, ctx->doc_rank[g_array_index (ctx->voice_docs, guint, j)], 0, src };
      }
    g_assert (n == ctx->sorting->len);
  }
  /* The sources come in document order, which mostly is the order
   * wanted (one value, documents by id): a stable sort leaves a sorted
   * array as it is, so it is sorted only when a pair is out of order. */
  for (guint i = 1; i < ctx->sorting->len; i++)
    if (cmp_stating (&g_array_index (ctx->sorting, Stating, i - 1), &g_array_index (ctx->sorting, Stating, i)) > 0)
      {
        sort_stating ((Stating *) (gpointer) ctx->sorting->data, ctx->sorting->len);
        break;
      }
  out->stating = ctx->stating;
  g_ptr_array_set_size (out->stating, (gint) ctx->sorting->len);
  for (guint i = 0; i < ctx->sorting->len; i++)
    out->stating->pdata[i] = g_array_index (ctx->sorting, Stating, i).src;
  return TRUE;
}

/* Compares one source per distinct value (the first by document id), pair
 * by pair, and returns the worst relation. */
static XrefMatchRelation
compare_row (Ctx *ctx, const XrefMatchComparer *cmp, const Collected *col)
{
  GPtrArray *reps = ctx->reps;
  XrefMatchRelation worst = XREF_MATCH_EQUAL;

  g_ptr_array_set_size (reps, 0);
  for (guint i = 0; i < col->stating->len; i++)
    {
      const XrefSource *s = g_ptr_array_index (col->stating, i);
      if (reps->len == 0 || ((const XrefSource *) g_ptr_array_index (reps, reps->len - 1))->value != s->value)
        g_ptr_array_add (reps, (gpointer) s);
    }
  for (guint i = 0; i < reps->len && worst != XREF_MATCH_DIFFERS; i++)
    for (guint j = i + 1; j < reps->len && worst != XREF_MATCH_DIFFERS; j++)
      {
        XrefMatchRelation r = xref_match_compare_values (cmp, ((const XrefSource *) g_ptr_array_index (reps, i))->value,
                                                         ((const XrefSource *) g_ptr_array_index (reps, j))->value);
        if (r > worst)
          worst = r;
      }
  return worst;
}

static const char *
source_label (const XrefSource *s)
{
  return s->doc != NULL && s->doc->id != NULL ? s->doc->id : "?";
}

/* One speaker (a known one, not a document's own voice) giving values that
 * differ on different dates: "minister: x on 2022-12-22 (a.txt), y on
 * 2022-12-28 (b.txt)" appended to note.  The sources of one speaker are
 * found through a table, so this is linear in the row's sources.  TRUE
 * when found. */
static gboolean
same_speaker (const XrefMatchComparer *cmp, const Collected *col, GString *note)
{
  g_autoptr (GHashTable) by = NULL;
  guint n_dated = 0;

  /* a pair needs two sources with a speaker and a date: most rows have
   * fewer, and are answered without a table */
  for (guint i = 0; i < col->stating->len && n_dated < 2; i++)
    {
      const XrefSource *s = g_ptr_array_index (col->stating, i);
      n_dated += s->speaker != NULL && s->date != NULL;
    }
  if (n_dated < 2)
    return FALSE;
  by = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < col->stating->len; i++)
    {
      const XrefSource *s = g_ptr_array_index (col->stating, i);
      const XrefSource *o;

      if (s->speaker == NULL || s->date == NULL)
        continue;
      o = g_hash_table_lookup (by, s->speaker);
      if (o == NULL)
        {
          g_hash_table_insert (by, (gpointer) s->speaker, (gpointer) s);
          continue;
        }
      if (o->date != s->date && strchr (o->date, 'X') == NULL && strchr (s->date, 'X') == NULL
          && strlen (o->date) == 10 && strlen (s->date) == 10
          && xref_match_compare_values (cmp, o->value, s->value) == XREF_MATCH_DIFFERS)
        {
          const XrefSource *x = strcmp (o->date, s->date) < 0 ? o : s;
          const XrefSource *y = x == o ? s : o;
          g_string_append_printf (note, "; the same speaker (%s) gives %s on %s (%s) and %s on %s (%s)", s->speaker,
                                  x->value, x->date, source_label (x), y->value, y->date, source_label (y));
          return TRUE;
        }
    }
  return FALSE;
}

static const char *
plural (guint n, const char *one, const char *many)
{
  return n == 1 ? one : many;
}

/* "a (2 sources), b (1 source)": the distinct values with their counts,
 * in value order, at most five of them. */
/* "%0*u" of n (width digits at least, zero padded), without printf
 * (notes are written for every row). */
static void
append_uint_width (GString *s, guint n, guint width)
{
  char buf[16], *w = buf + sizeof buf;

  do
    *--w = (char) ('0' + n % 10);
  while ((n /= 10) > 0);
  while (buf + sizeof buf - w < (gssize) MIN (width, sizeof buf))
    *--w = '0';
  g_string_append_len (s, w, buf + sizeof buf - w);
}

/* "%u" of n, without printf. */
static void
append_uint (GString *s, guint n)
{
  append_uint_width (s, n, 1);
}

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
      if (shown < NOTE_SHOWN)
        {
          if (shown > 0)
            g_string_append (s, ", ");
          g_string_append (s, src->value);
          if (counts)
            {
              g_string_append (s, " (");
              append_uint (s, j - i);
              g_string_append_c (s, ' ');
              g_string_append (s, plural (j - i, "source", "sources"));
              g_string_append_c (s, ')');
            }
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
  /* " (the event of %04u-%02u-%02u)", without printf */
  g_string_append (s, " (the event of ");
  append_uint_width (s, (guint) g_date_get_year (&g), 4);
  g_string_append_c (s, '-');
  append_uint_width (s, (guint) g_date_get_month (&g), 2);
  g_string_append_c (s, '-');
  append_uint_width (s, (guint) g_date_get_day (&g), 2);
  g_string_append_c (s, ')');
}

/* The scratch note of a row, empty (see Ctx.note). */
static inline GString *
note_begin (Ctx *ctx)
{
  return g_string_truncate (ctx->note, 0);
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
  if (t->actions != NULL)
    {
      col->row->actions = g_ptr_array_new ();
      g_ptr_array_extend (col->row->actions, t->actions, NULL, NULL);
    }
  /* note is ctx->note: the row gets a copy of its size (no GString, no
   * slack), the scratch stays for the next row */
  col->row->note = g_strndup (note->str, note->len);
  d.row = col->row;
  d.n_states = col->row->n_states;
  d.actor = col->row->actor;
  d.action = col->row->action;
  d.object = col->row->object;
  d.slot = col->row->slot;
  d.date_key = t->date_key;
  d.slot_rank = slot_rank;
  d.seq = ctx->draft_seq++;
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
  memset (col, 0, sizeof *col);
}

static void
drop (Collected *col)
{
  xref_row_free (col->row);
  memset (col, 0, sizeof *col);
}

static void
event_row (Ctx *ctx, const Topic *t, const GArray *runs)
{
  Collected col;
  GString *note;
  guint n;

  if (!collect (ctx, t, runs, FIELD_EVENT, ctx->id_event, &col))
    return;
  n = col.row->n_states;
  note = note_begin (ctx);
  if (n < ctx->n_docs && 2 * n >= ctx->n_docs)
    {
      g_string_append_printf (note, "reported by %u of %u sources; %u %s it out", n, ctx->n_docs, ctx->n_docs - n,
                              plural (ctx->n_docs - n, "leaves", "leave"));
      add_draft (ctx, t, &col, XREF_VERDICT_OMIT, "omit:event", FALSE, 0, note);
    }
  else
    {
      /* (most rows: written without printf) */
      g_string_append (note, "reported by ");
      append_uint (note, n);
      g_string_append (note, " of ");
      append_uint (note, ctx->n_docs);
      g_string_append (note, " sources");
      add_draft (ctx, t, &col, XREF_VERDICT_AGREE, "agree:event", FALSE, 0, note);
    }
}

static void
polarity_row (Ctx *ctx, const Topic *t, const GArray *runs)
{
  const char *negated = ctx->polarity_ids[XREF_POLARITY_NEGATED];
  XrefMatchComparer cmp;
  const char *rule;
  Collected col;
  GString *note;
  guint n_neg = 0;

  /* Who affirms or denies what must be known: with no actor, "a move
   * towards the border" and "no move" are too vague to oppose. */
  if (!is_strong (t->key.actor))
    return;
  if (!collect (ctx, t, runs, FIELD_POLARITY, ctx->id_polarity, &col))
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
  note = note_begin (ctx);
  if (n_neg < col.stating->len)
    {
      guint n_aff = col.stating->len - n_neg;
      g_string_append_printf (note, "%u %s it and %u %s it", n_aff, plural (n_aff, "source affirms", "sources affirm"),
                              n_neg, plural (n_neg, "negates", "negate"));
      if (same_speaker (&cmp, &col, note))
        col.row->qualifier = xref_intern ("same-speaker");
      add_draft (ctx, t, &col, XREF_VERDICT_DIFFER, rule, FALSE, 1, note);
    }
  else
    {
      g_string_append_printf (note, "all %u sources that give it negate it", n_neg);
      add_draft (ctx, t, &col, XREF_VERDICT_AGREE, "agree:equal", FALSE, 1, note);
    }
}

/* ---- status: announced against refused to comment / not confirmed ------ */

static gboolean
value_is_negative (const char *v)
{
  return g_str_has_prefix (v, "not ") || strcmp (v, xref_modality_name (XREF_MODALITY_REFUSED)) == 0
         || strcmp (v, xref_modality_name (XREF_MODALITY_UNCONFIRMED)) == 0;
}

/* The status a claim gives its topic.  An asserted claim of an action that
 * has antonyms in the rules (announce ↔ refuse-comment, confirm ↔ deny),
 * with no entity of its own as object, just before it in its sentence is
 * the act that states it: "Washington announced its intention to transfer
 * X" gives the send-X topic the status "announce" ("not announce" when
 * negated), dated by that act.  Else the claim's own modality "refused"
 * (to comment) or "unconfirmed" is a status, dated by its sentence. */
static gboolean
item_status (const Ctx *ctx, const Item *it, Value *out)
{
  const XrefClaim *c = it->claim;
  const XrefDocument *doc = c->doc;

  for (guint k = it->seq; doc != NULL && doc->claims != NULL && k > 0 && k <= doc->claims->len; k--)
    {
      const XrefClaim *m = g_ptr_array_index (doc->claims, k - 1);
      const XrefAction *a;

      if (m == c)
        continue;
      if (m->sentence != c->sentence)
        break;
      if (m->action.id == NULL || m->action.start >= c->action.start || m->modality != XREF_MODALITY_ASSERTED
          || is_strong (m->object.id))
        continue;
      a = rules_action (ctx, m->action.id);
      if (a == NULL || a->antonyms == NULL || a->antonyms->len == 0)
        continue;
      if (m->polarity == XREF_POLARITY_NEGATED)
        {
          g_autofree char *v = g_strconcat ("not ", m->action.id, NULL);
          out->value = xref_intern (v);
        }
      else
        out->value = xref_intern (m->action.id);
      out->start = m->action.start;
      out->end = m->action.end;
      out->claim = m;
      out->date = complete_date (ctx, m->date.id);
      if (out->date == NULL)
        out->date = sentence_date (ctx, m, k - 1, it->doc);
      return TRUE;
    }
  if (c->modality == XREF_MODALITY_REFUSED || c->modality == XREF_MODALITY_UNCONFIRMED)
    {
      out->value = xref_intern (xref_modality_name (c->modality));
      out->start = c->action.start;
      out->end = c->action.end;
      out->claim = c;
      out->date = sentence_date (ctx, c, it->seq, it->doc);
      return TRUE;
    }
  return FALSE;
}

static void
append_statement (GString *s, const XrefSource *src)
{
  g_string_append_printf (s, "%s (%s", src->value, source_label (src));
  if (src->speaker != NULL)
    g_string_append_printf (s, ", %s", src->speaker);
  g_string_append_printf (s, ", %s)", src->date != NULL ? src->date : "undated");
}

/* The status row of a topic: only when one source says it was announced
 * (or confirmed) and another that it was not, or refused to comment.  When
 * every "not" comes on or before the day of every announcement, the later
 * statement supersedes the earlier one: a differ explained by the dates. */
static void
status_row (Ctx *ctx, const Topic *t, const GArray *runs)
{
  const XrefContradiction *contra;
  const char *min_pos = NULL, *max_neg = NULL;
  gboolean dated = TRUE;
  guint n_pos = 0, n_neg = 0;
  Collected col;
  GString *note;

  if (!collect (ctx, t, runs, FIELD_STATUS, ctx->id_status, &col))
    return;
  for (guint i = 0; i < col.stating->len; i++)
    {
      const XrefSource *s = g_ptr_array_index (col.stating, i);
      gboolean neg = value_is_negative (s->value);

      if (s->date == NULL || strlen (s->date) != 10)
        dated = FALSE;
      else if (neg && (max_neg == NULL || strcmp (s->date, max_neg) > 0))
        max_neg = s->date;
      else if (!neg && (min_pos == NULL || strcmp (s->date, min_pos) < 0))
        min_pos = s->date;
      if (neg)
        n_neg++;
      else
        n_pos++;
    }
  if (n_pos == 0 || n_neg == 0)
    {
      drop (&col);
      return;
    }
  contra = find_contradiction (ctx, XREF_CONTRA_ANTONYM, NULL);
  note = note_begin (ctx);
  for (guint pass = 0; pass < 2; pass++)
    {
      guint shown = 0, more = 0;
      g_string_append (note, pass == 0 ? "not stated: " : "; stated: ");
      for (guint i = 0; i < col.stating->len; i++)
        {
          const XrefSource *s = g_ptr_array_index (col.stating, i);
          if (value_is_negative (s->value) != (pass == 0))
            continue;
          if (shown == NOTE_SHOWN)
            {
              more++;
              continue;
            }
          if (shown++ > 0)
            g_string_append (note, ", ");
          append_statement (note, s);
        }
      if (more > 0)
        g_string_append_printf (note, " and %u more", more);
    }
  if (dated && strcmp (max_neg, min_pos) <= 0)
    {
      col.row->qualifier = xref_intern ("superseded");
      g_string_append_printf (note, "; superseded: the statements of %s and before came first, the later one "
                                    "replaces them", max_neg);
    }
  else if (same_speaker (&(XrefMatchComparer) { .compare = XREF_COMPARE_EXACT }, &col, note))
    col.row->qualifier = xref_intern ("same-speaker");
  add_draft (ctx, t, &col, XREF_VERDICT_DIFFER, contra != NULL ? contra->id : "differ:status", FALSE, 2, note);
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
  rel = compare_row (ctx, &cmp, &col);
  n = col.row->n_states;
  left_out = col.n_reporting - n;
  note = note_begin (ctx);

  if (rel == XREF_MATCH_DIFFERS)
    {
      g_string_append_printf (note, "the sources give different %s values: ", what);
      append_values (note, &col, TRUE);
      if (key && left_out > 0)
        g_string_append_printf (note, "; %u %s it out", left_out,
                                plural (left_out, "source reporting it leaves", "sources reporting it leave"));
      if (same_speaker (&cmp, &col, note))
        col.row->qualifier = xref_intern ("same-speaker");
      add_draft (ctx, t, &col, XREF_VERDICT_DIFFER, contra, key, field == FIELD_DATE ? 3 : 4, note);
      return;
    }
  if (key && left_out > 0)
    {
      g_autofree char *rule = g_strdup_printf ("key-slot:%s", slot);
      g_string_append_printf (note, "%u of the %u sources reporting it %s the %s (", n, col.n_reporting,
                              plural (n, "gives", "give"), what);
      append_values (note, &col, FALSE);
      g_string_append_printf (note, "); %u %s it out", left_out, plural (left_out, "leaves", "leave"));
      add_draft (ctx, t, &col, XREF_VERDICT_OMIT, rule, key, field == FIELD_DATE ? 3 : 4, note);
      return;
    }

  if (n == 1 && left_out > 0)
    {
      /* One source alone gives a detail the others reporting the topic
       * leave out: nothing to agree with, so an omission, ranked below the
       * key-slot ones. */
      g_string_append (note, "only 1 of the ");
      append_uint (note, col.n_reporting);
      g_string_append (note, " sources reporting it gives the ");
      g_string_append (note, what);
      g_string_append (note, " (");
      append_values (note, &col, FALSE);
      g_string_append (note, ")");
      add_draft (ctx, t, &col, XREF_VERDICT_OMIT, "omit:detail", key, field == FIELD_DATE ? 3 : 4, note);
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
        /* (the most common note: written without printf) */
        g_string_append (note, "all ");
        append_uint (note, n);
        g_string_append (note, " sources that give the ");
        g_string_append (note, what);
        g_string_append (note, " agree: ");
      }
    append_values (note, &col, FALSE);
    add_draft (ctx, t, &col, XREF_VERDICT_AGREE, rule, key, field == FIELD_DATE ? 3 : 4, note);
  }
}

/* ---- related actions: one timeline across them ---------------------------- */

static const char *
link_find (GHashTable *links, const char *id)
{
  const char *p;

  while ((p = g_hash_table_lookup (links, id)) != NULL && p != id)
    id = p;
  return id;
}

static gboolean
is_duration_slot (const Ctx *ctx, const char *slot)
{
  const XrefSlotDef *def = ctx->rules != NULL ? xref_rules_slot (ctx->rules, slot) : NULL;

  return def != NULL && def->from_timex && (def->timex_types & (1u << XREF_TIMEX_DURATION)) != 0;
}

static const char *
shared_key (const char *group, const char *slot)
{
  g_autofree char *k = g_strconcat (group, "\n", slot, NULL);
  return xref_intern (k);
}

/* Groups the actions linked by `related` (both ways, transitively) with a
 * union-find keyed by interned ids, then notes each duration slot that two
 * actions of a group list: its values are compared across the group. */
static void
build_links (Ctx *ctx)
{
  GHashTableIter iter;
  gpointer k, v;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  if (ctx->rules == NULL || ctx->rules->actions == NULL)
    return;
  g_hash_table_iter_init (&iter, ctx->rules->actions);
  while (g_hash_table_iter_next (&iter, &k, &v))
    {
      const XrefAction *a = v;
      for (guint i = 0; a->related != NULL && i < a->related->len; i++)
        {
          const char *x = link_find (ctx->links, xref_intern (a->id));
          const char *y = link_find (ctx->links, xref_intern (g_ptr_array_index (a->related, i)));
          if (x == y)
            continue;
          /* the smaller id is the root, so groups do not depend on order */
          if (strcmp (x, y) < 0)
            g_hash_table_insert (ctx->links, (gpointer) y, (gpointer) x);
          else
            g_hash_table_insert (ctx->links, (gpointer) x, (gpointer) y);
          g_hash_table_insert (ctx->links, (gpointer) (strcmp (x, y) < 0 ? x : y),
                               (gpointer) (strcmp (x, y) < 0 ? x : y));
        }
    }
  g_hash_table_iter_init (&iter, ctx->rules->actions);
  while (g_hash_table_iter_next (&iter, &k, &v))
    {
      const XrefAction *a = v;
      const char *id = xref_intern (a->id);
      const char *g;

      if (!g_hash_table_contains (ctx->links, id))
        continue;
      g = link_find (ctx->links, id);
      for (guint i = 0; a->slots != NULL && i < a->slots->len; i++)
        {
          const char *slot = xref_intern (g_ptr_array_index (a->slots, i));
          const char *sk = shared_key (g, slot);
          if (!is_duration_slot (ctx, slot))
            continue;
          if (g_hash_table_contains (seen, sk))
            g_hash_table_add (ctx->shared, (gpointer) sk);
          else
            g_hash_table_add (seen, (gpointer) sk);
        }
    }
}

/* TRUE when the slot of the action is compared across its related actions
 * (and so gets no row in the action's own topics). */
static gboolean
slot_is_shared (const Ctx *ctx, const char *action, const char *slot)
{
  if (g_hash_table_size (ctx->shared) == 0 || !g_hash_table_contains (ctx->links, action))
    return FALSE;
  return g_hash_table_contains (ctx->shared, shared_key (link_find (ctx->links, action), slot));
}

static void topic_rows (Ctx *ctx, Topic *t);

static gboolean
topic_states (const Ctx *ctx, const Topic *t, const char *slot)
{
  for (guint i = 0; i < t->items.len; i++)
    if (ITEM_AT (ctx, t->items.v[i]).has_slots && claim_slot (ITEM_AT (ctx, t->items.v[i]).claim, slot) != NULL)
      return TRUE;
  return FALSE;
}

static gint
cmp_ids (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* One row per shared slot and actor: the topics of a group of related
 * actions that state the slot, bucketed by actor root; a topic with no
 * actor joins the one bucket when there is exactly one.  The row reads the
 * claims of every topic of its bucket, so a document reporting the
 * training but not its timeline is counted as reporting it. */
static void
shared_rows (Ctx *ctx)
{
  GHashTableIter iter;
  gpointer k;

  g_hash_table_iter_init (&iter, ctx->shared);
  while (g_hash_table_iter_next (&iter, &k, NULL))
    {
      const char *sk = k;
      const char *nl = strchr (sk, '\n');
      g_autofree char *group = g_strndup (sk, (gsize) (nl - sk));
      const char *slot = xref_intern (nl + 1);
      g_autoptr (GHashTable) buckets = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                               (GDestroyNotify) g_ptr_array_unref);
      g_autoptr (GPtrArray) loose = g_ptr_array_new ();
      g_autoptr (GPtrArray) actors = g_ptr_array_new ();

      for (guint i = 0; i < ctx->topic_list->len; i++)
        {
          Topic *t = g_ptr_array_index (ctx->topic_list, i);
          GPtrArray *b;

          if (!g_hash_table_contains (ctx->links, t->key.action)
              || strcmp (link_find (ctx->links, t->key.action), group) != 0 || !topic_states (ctx, t, slot))
            continue;
          if (!is_strong (t->key.actor))
            {
              g_ptr_array_add (loose, t);
              continue;
            }
          b = g_hash_table_lookup (buckets, t->key.actor);
          if (b == NULL)
            {
              b = g_ptr_array_new ();
              g_hash_table_insert (buckets, (gpointer) t->key.actor, b);
              g_ptr_array_add (actors, (gpointer) t->key.actor);
            }
          g_ptr_array_add (b, t);
        }
      if (loose->len > 0)
        {
          if (actors->len == 1)
            g_ptr_array_extend (g_hash_table_lookup (buckets, g_ptr_array_index (actors, 0)), loose, NULL, NULL);
          else
            {
              g_hash_table_insert (buckets, (gpointer) any_id, g_ptr_array_ref (loose));
              g_ptr_array_add (actors, (gpointer) any_id);
            }
        }
      g_ptr_array_sort (actors, cmp_ids);
      for (guint a = 0; a < actors->len; a++)
        {
          GPtrArray *b = g_hash_table_lookup (buckets, g_ptr_array_index (actors, a));
          g_autoptr (GPtrArray) acts = g_ptr_array_new ();
          Topic v = { 0 };
          const char *object = NULL;
          gboolean one_object = TRUE;

          g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (guint));

          v.date_key = NO_DATE_KEY;
          for (guint i = 0; i < b->len; i++)
            {
              const Topic *t = g_ptr_array_index (b, i);
              gboolean seen = FALSE;

              g_array_append_vals (all, t->items.v, t->items.len);
              for (guint j = 0; j < acts->len && !seen; j++)
                seen = g_ptr_array_index (acts, j) == t->key.action;
              if (!seen)
                g_ptr_array_add (acts, (gpointer) t->key.action);
              if (i == 0)
                object = t->key.object;
              else if (object != t->key.object)
                one_object = FALSE;
            }
          g_ptr_array_sort (acts, cmp_ids);
          v.key.action = g_ptr_array_index (acts, 0);
          v.key.actor = g_ptr_array_index (actors, a) == any_id ? NULL : g_ptr_array_index (actors, a);
          v.key.object = one_object ? object : NULL;
          v.shared_slot = slot;
          v.actions = acts->len > 1 ? acts : NULL;
          v.items.v = (guint *) (gpointer) all->data;
          v.items.len = v.items.cap = all->len;
          topic_rows (ctx, &v);
        }
    }
}

/* How many distinct slots topic_rows notes for a topic. */
#define STATED_MAX 16

static void
topic_rows (Ctx *ctx, Topic *t)
{
  const char *date_slot = ctx->id_date;
  const XrefAction *action;
  GArray *runs = ctx->runs;
  Run *run;
  guint n_runs = 0;
  gboolean any_date = FALSE, any_negated = FALSE, status_neg = FALSE, status_pos = FALSE;

  /* A topic of one item (most topics) is one document's: no row. */
  if (t->items.len < 2)
    return;
  /* Items join topics in corpus order, so most topics are in order
   * already: check in one pass before sorting. */
  for (guint i = 1; i < t->items.len; i++)
    {
      /* (the first read of the topic's items, which are anywhere in the
       * item array: asked for ahead) */
      if (i + 8 < t->items.len)
        __builtin_prefetch (&ITEM_AT (ctx, t->items.v[i + 8]));
      if (cmp_topic_items (&t->items.v[i - 1], &t->items.v[i], ctx) > 0)
        {
          sort_topic_items (ctx, t);
          break;
        }
    }
  /* the runs in the scratch of ctx: at most one per item; in the same
   * pass, what the status, polarity and date rows need of the items
   * (topic_values's tests), so that a row none can come of costs no pass
   * of its own: most topics have no date, no negation, no status */
  g_array_set_size (runs, t->items.len);
  run = (Run *) (gpointer) runs->data;
  for (guint i = 0; i < t->items.len; i++)
    {
      const Item *it = &ITEM_AT (ctx, t->items.v[i]);

      if (n_runs > 0 && run[n_runs - 1].doc == it->doc)
        run[n_runs - 1].n++;
      else
        run[n_runs++] = (Run) { it->doc, i, 1 };
      any_date = any_date || it->date != NULL;
      any_negated = any_negated || it->polarity == XREF_POLARITY_NEGATED;
      if (it->status >= 0)
        {
          const Value *sv = &g_array_index (ctx->statuses, Value, ctx->status_base[it->doc] + (guint) it->status);
          if (value_is_negative (sv->value))
            status_neg = TRUE;
          else
            status_pos = TRUE;
        }
    }
  g_array_set_size (runs, n_runs);
  /* A topic of one document only makes no row. */
  if (runs->len < 2)
    return;
  if (t->shared_slot != NULL)
    {
      value_row (ctx, t, runs, FIELD_SLOT, t->shared_slot, FALSE);
      return;
    }
  /* Nor does a topic whose actor is unknown: "something was announced",
   * "a move towards the border" is no topic for an editor (such claims still
   * join a topic with an actor when they fit only one). */
  if (t->key.actor == NULL)
    return;

  action = rules_action (ctx, t->key.action);
  event_row (ctx, t, runs);
  /* (each skipped exactly when its collect would find no row) */
  if (status_neg && status_pos)
    status_row (ctx, t, runs);
  if (any_negated)
    polarity_row (ctx, t, runs);
  if (any_date)
    value_row (ctx, t, runs, FIELD_DATE, date_slot, action_has_key_slot (action, date_slot));
  if (action == NULL || action->slots == NULL)
    return;
  /* The slots some item gives a value for, in one pass over the claims:
   * a slot of the action that none gives makes no row (collect finds no
   * value), so its pass over the items is spared.  Past STATED_MAX
   * distinct slots every slot is tried. */
  const char *stated[STATED_MAX];
  guint n_stated = 0;
  for (guint i = 0; i < t->items.len && n_stated <= STATED_MAX; i++)
    {
      const XrefClaim *c = ITEM_AT (ctx, t->items.v[i]).claim;

      if (!ITEM_AT (ctx, t->items.v[i]).has_slots)
        continue;   /* (without reading the claim) */
      for (guint k = 0; c->slots != NULL && k < c->slots->len && n_stated <= STATED_MAX; k++)
        {
          const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, k);
          guint j = 0;

          if (v->slot == NULL || v->value == NULL)
            continue;
          while (j < n_stated && stated[j] != v->slot)
            j++;
          if (j == n_stated)
            {
              if (n_stated == STATED_MAX)
                n_stated++;   /* too many: stop, try every slot */
              else
                stated[n_stated++] = v->slot;
            }
        }
    }
  for (guint i = 0; i < action->slots->len; i++)
    {
      const char *slot = xref_intern (g_ptr_array_index (action->slots, i));
      gboolean seen = FALSE;

      /* "date" has its row above; "event" and "polarity" name rows of
       * their own; a slot listed twice gives one row. */
      if (slot == date_slot || strcmp (slot, "event") == 0 || strcmp (slot, "polarity") == 0)
        continue;
      if (n_stated <= STATED_MAX)
        {
          /* as claim_slot compares: the interned pointer, else the bytes */
          guint j = 0;
          while (j < n_stated && stated[j] != slot && (stated[j][0] != slot[0] || strcmp (stated[j], slot) != 0))
            j++;
          if (j == n_stated)
            continue;
        }
      for (guint j = 0; j < i && !seen; j++)
        seen = g_strcmp0 (g_ptr_array_index (action->slots, j), slot) == 0;
      if (!seen && !slot_is_shared (ctx, t->key.action, slot))
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
  if (x->n_states != y->n_states)
    return x->n_states > y->n_states ? -1 : 1;
  /* ids are interned: the same pointer is the same id, without a call */
  if (x->actor != y->actor && (r = g_strcmp0 (x->actor, y->actor)) != 0)
    return r;
  if (x->action != y->action && (r = g_strcmp0 (x->action, y->action)) != 0)
    return r;
  if (x->object != y->object && (r = g_strcmp0 (x->object, y->object)) != 0)
    return r;
  if (x->date_key != y->date_key)
    return x->date_key < y->date_key ? -1 : 1;
  if (x->slot_rank != y->slot_rank)
    return x->slot_rank < y->slot_rank ? -1 : 1;
  if (x->slot != y->slot && (r = g_strcmp0 (x->slot, y->slot)) != 0)
    return r;
  /* (a topic's key and date make one topic, and its rows have distinct
   * slots, so this is hardly ever reached) */
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* "r<n>", newly allocated (g_strdup_printf costs a thousand instructions
 * a row, on match's serial path). */
static char *
row_id (guint n)
{
  char buf[16], *w = buf + sizeof buf;
  gsize len;

  do
    *--w = (char) ('0' + n % 10);
  while ((n /= 10) > 0);
  *--w = 'r';
  len = (gsize) (buf + sizeof buf - w);
  return g_strndup (w, len);
}

/* topic_rows over the topics [part * chunk, (part + 1) * chunk), their
 * drafts into the worker's drafts. */
static void
rows_part (Ctx *w, guint part, gpointer data)
{
  const guint chunk = *(const guint *) data;
  guint end = MIN ((part + 1) * chunk, w->topic_list->len);

  for (guint i = part * chunk; i < end; i++)
    {
      /* Most topics are small and their items anywhere in the item
       * array, so topic_rows waited on the first read of each of them:
       * asked for ahead, in three steps (the topic three ahead, its item
       * list two ahead, the first of its items one ahead).  A topic of
       * one item makes no row and reads none. */
      if (i + 3 < end)
        __builtin_prefetch (g_ptr_array_index (w->topic_list, i + 3));
      if (i + 2 < end)
        {
          const Topic *t2 = g_ptr_array_index (w->topic_list, i + 2);

          if (t2->items.len >= 2)
            __builtin_prefetch (t2->items.v);
        }
      if (i + 1 < end)
        {
          const Topic *t1 = g_ptr_array_index (w->topic_list, i + 1);

          for (guint k = 0; t1->items.len >= 2 && k < MIN (t1->items.len, 8u); k++)
            __builtin_prefetch (&ITEM_AT (w, t1->items.v[k]));
        }
      w->draft_seq = (guint64) i << 32;   /* (see Draft.seq) */
      topic_rows (w, g_ptr_array_index (w->topic_list, i));
    }
}

/* Sorts the drafts a worker made, for ranking. */
static void
rows_done (Ctx *w, guint worker, gpointer data)
{
  (void) worker;
  (void) data;
  g_array_sort (w->drafts, cmp_drafts);
}

/* The rows of every topic, made by the workers a chunk of topics at a
 * time, each worker's drafts then sorted by that worker (Draft.seq makes
 * the order total, so it does not matter which worker made which rows):
 * returns drafts[n_workers], each sorted for ranking (rank_rows merges
 * them). */
static GArray **
all_topic_rows (Ctx *ctx, Ctx *workers, guint n_workers)
{
  guint n_topics = ctx->topic_list->len;
  GArray **drafts = g_new0 (GArray *, n_workers);
  guint chunk, n_parts;

  /* Chunks small enough that a worker slowed down, or a chunk of big
   * topics, holds the others up little; big enough that taking one costs
   * nothing. */
  chunk = n_workers > 1 ? CLAMP (n_topics / (n_workers * 32), 1, 256) : MAX (n_topics, 1);
  n_parts = (n_topics + chunk - 1) / chunk;
  for (guint w = 0; w < n_workers; w++)
    workers[w].drafts = drafts[w] = g_array_new (FALSE, FALSE, sizeof (Draft));
  parallel_run_done (workers, n_workers, n_parts, rows_part, rows_done, &chunk);
  return drafts;
}

/* Merges the sorted drafts[n] into rows, ids assigned in rank order. */
static void
rank_rows (GArray **drafts, guint n, GPtrArray *rows)
{
  g_autofree guint *at = g_new0 (guint, n);
  guint total = 0;

  for (guint k = 0; k < n; k++)
    total += drafts[k]->len;
  for (guint i = 0; i < total; i++)
    {
      const Draft *best = NULL;
      guint from = 0;

      for (guint k = 0; k < n; k++)
        if (at[k] < drafts[k]->len)
          {
            const Draft *d = &g_array_index (drafts[k], Draft, at[k]);
            if (best == NULL || cmp_drafts (d, best) < 0)
              {
                best = d;
                from = k;
              }
          }
      at[from]++;
      best->row->id = row_id (i + 1);
      g_ptr_array_add (rows, best->row);
    }
}

static gint
cmp_doc_ids (gconstpointer a, gconstpointer b, gpointer data)
{
  GPtrArray *documents = data;
  const XrefDocument *x = g_ptr_array_index (documents, *(const guint *) a);
  const XrefDocument *y = g_ptr_array_index (documents, *(const guint *) b);

  return g_strcmp0 (x != NULL ? x->id : NULL, y != NULL ? y->id : NULL);
}

/* The rank of each document's id among the ids, for cmp_stating. */
static guint *
doc_ranks (GPtrArray *documents)
{
  g_autofree guint *order = g_new (guint, documents->len + 1);
  guint *rank = g_new0 (guint, documents->len + 1);

  for (guint d = 0; d < documents->len; d++)
    order[d] = d;
  g_qsort_with_data (order, (gint) documents->len, sizeof (guint), cmp_doc_ids, documents);
  for (guint i = 1; i < documents->len; i++)
    rank[order[i]] = rank[order[i - 1]] + (cmp_doc_ids (&order[i - 1], &order[i], documents) != 0);
  return rank;
}

/* A worker's copy of ctx: the same shared state, its own scratch and
 * memos (the memos give the same interned answers in any thread), and its
 * own tables and blocks for grouping. */
static void
worker_init (Ctx *w, const Ctx *ctx)
{
  *w = *ctx;
  w->topics = keymap_new ();
  w->compat = keymap_new ();
  w->names = keymap_new ();
  w->np_toks = g_array_sized_new (FALSE, FALSE, sizeof (XrefToken), 8);
  w->np_phrase = g_string_sized_new (64);
  w->blocks = g_ptr_array_new_with_free_func (g_free);
  w->block_at = NULL;
  w->block_left = 0;
  w->roots = g_hash_table_new (g_direct_hash, g_direct_equal);
  w->root_memo = g_new0 (RootMemo, 1u << ROOT_MEMO_BITS);
  w->action_memo = g_new0 (IdMemo, 1u << ACTION_MEMO_BITS);
  w->date_memo = g_new0 (DateMemo, 1u << DATE_MEMO_BITS);
  w->complete = g_hash_table_new (g_direct_hash, g_direct_equal);
  w->values = g_array_new (FALSE, FALSE, sizeof (Value));
  w->sorting = g_array_new (FALSE, FALSE, sizeof (Stating));
  w->voice_docs = g_array_new (FALSE, FALSE, sizeof (guint));
  w->runs = g_array_new (FALSE, FALSE, sizeof (Run));
  w->stating = g_ptr_array_new ();
  w->reps = g_ptr_array_new ();
  w->note = g_string_sized_new (256);
}

static void
worker_clear (Ctx *w)
{
  keymap_free (w->topics, NULL);
  keymap_free (w->compat, g_free);
  keymap_free (w->names, NULL);
  g_array_unref (w->np_toks);
  g_string_free (w->np_phrase, TRUE);
  g_ptr_array_unref (w->blocks);   /* (its topics are freed with it) */
  g_hash_table_unref (w->roots);
  g_free (w->root_memo);
  g_free (w->action_memo);
  g_free (w->date_memo);
  g_hash_table_unref (w->complete);
  g_array_unref (w->values);
  g_array_unref (w->sorting);
  g_array_unref (w->voice_docs);
  g_array_unref (w->runs);
  g_ptr_array_unref (w->stating);
  g_ptr_array_unref (w->reps);
  g_string_free (w->note, TRUE);
}

GPtrArray *
xref_match (GPtrArray *documents, const XrefRules *rules)
{
  return xref_match_threads (documents, rules, 0);
}

GPtrArray *
xref_match_threads (GPtrArray *documents, const XrefRules *rules, guint n_threads)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_row_free);
  Ctx ctx = { 0 };
  Ctx *workers;
  GArray **drafts;

  g_return_val_if_fail (documents != NULL, rows);

  if (n_threads == 0)
    n_threads = (guint) g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, MAX_THREADS);

  ctx.documents = documents;
  ctx.rules = rules;
  ctx.n_docs = documents->len;
  ctx.roots = g_hash_table_new (g_direct_hash, g_direct_equal);
  ctx.root_memo = g_new0 (RootMemo, 1u << ROOT_MEMO_BITS);
  ctx.action_memo = g_new0 (IdMemo, 1u << ACTION_MEMO_BITS);
  ctx.date_memo = g_new0 (DateMemo, 1u << DATE_MEMO_BITS);
  ctx.topics = keymap_new ();
  ctx.compat = keymap_new ();
  ctx.topic_list = g_ptr_array_new ();
  ctx.blocks = g_ptr_array_new_with_free_func (g_free);
  ctx.drafts = g_array_new (FALSE, FALSE, sizeof (Draft));
  ctx.values = g_array_new (FALSE, FALSE, sizeof (Value));
  ctx.sorting = g_array_new (FALSE, FALSE, sizeof (Stating));
  ctx.voice_docs = g_array_new (FALSE, FALSE, sizeof (guint));
  ctx.runs = g_array_new (FALSE, FALSE, sizeof (Run));
  ctx.stating = g_ptr_array_new ();
  ctx.reps = g_ptr_array_new ();
  ctx.note = g_string_sized_new (256);
  ctx.doc_rank = doc_ranks (documents);
  ctx.statuses = g_array_new (FALSE, FALSE, sizeof (Value));
  ctx.links = g_hash_table_new (g_direct_hash, g_direct_equal);
  ctx.shared = g_hash_table_new (g_direct_hash, g_direct_equal);
  ctx.names = keymap_new ();
  ctx.np_toks = g_array_sized_new (FALSE, FALSE, sizeof (XrefToken), 8);
  ctx.np_phrase = g_string_sized_new (64);
  ctx.complete = g_hash_table_new (g_direct_hash, g_direct_equal);
  /* filled by collect_items */
  ctx.doc_iso = g_new0 (const char *, ctx.n_docs + 1);
  ctx.id_date = xref_intern ("date");
  ctx.id_event = xref_intern ("event");
  ctx.id_polarity = xref_intern ("polarity");
  ctx.id_status = xref_intern ("status");
  ctx.id_say = xref_intern (XREF_SPEECH_ACTION);
  for (guint p = 0; p < G_N_ELEMENTS (ctx.polarity_ids); p++)
    ctx.polarity_ids[p] = xref_intern (xref_polarity_name ((XrefPolarity) p));

  build_links (&ctx);
  /* workers[0] is the calling thread: it shares ctx's own memos */
  workers = g_new0 (Ctx, n_threads);
  workers[0] = ctx;
  for (guint w = 1; w < n_threads; w++)
    worker_init (&workers[w], &ctx);

  collect_items (&ctx, workers, n_threads);
  for (guint w = 0; w < n_threads; w++)
    {
      workers[w].item_bucket = ctx.item_bucket;
      workers[w].group_keys = ctx.group_keys;
      workers[w].bucket_n = ctx.bucket_n;
    }
  group_items (&ctx, workers, n_threads);
  /* Grouping is done: its keys and tables go before the rows are made,
   * so that the rows reuse their memory rather than add to the peak. */
  g_clear_pointer (&ctx.group_keys, g_aligned_free);
  keymap_free (g_steal_pointer (&ctx.topics), NULL);
  keymap_free (g_steal_pointer (&ctx.compat), g_free);
  keymap_free (g_steal_pointer (&ctx.names), NULL);
  for (guint w = 0; w < n_threads; w++)
    {
      workers[w].group_keys = NULL;
      if (w == 0)
        {
          /* (the calling thread's copy: ctx's tables, freed above) */
          workers[w].topics = workers[w].compat = workers[w].names = NULL;
          continue;
        }
      keymap_free (g_steal_pointer (&workers[w].topics), NULL);
      keymap_free (g_steal_pointer (&workers[w].compat), g_free);
      keymap_free (g_steal_pointer (&workers[w].names), NULL);
    }
  split_topics (&ctx);
  /* the workers' copies see the items, statuses and topics as they are
   * now (read only from here on) */
  for (guint w = 0; w < n_threads; w++)
    {
      workers[w].statuses = ctx.statuses;
      workers[w].status_base = ctx.status_base;
    }
  drafts = all_topic_rows (&ctx, workers, n_threads);
  /* the shared rows come after every topic's (Draft.seq) */
  ctx.draft_seq = (guint64) ctx.topic_list->len << 32;
  shared_rows (&ctx);
  g_array_sort (ctx.drafts, cmp_drafts);
  drafts = g_renew (GArray *, drafts, n_threads + 1);
  drafts[n_threads] = ctx.drafts;
  rank_rows (drafts, n_threads + 1, rows);
  for (guint w = 0; w < n_threads; w++)
    g_array_unref (drafts[w]);
  g_free (drafts);

  for (guint w = 1; w < n_threads; w++)
    worker_clear (&workers[w]);
  g_free (workers);
  g_array_unref (ctx.drafts);
  g_array_unref (ctx.values);
  g_array_unref (ctx.sorting);
  g_array_unref (ctx.voice_docs);
  g_array_unref (ctx.runs);
  g_ptr_array_unref (ctx.stating);
  g_ptr_array_unref (ctx.reps);
  g_string_free (ctx.note, TRUE);
  g_free (ctx.doc_rank);
  g_array_unref (ctx.statuses);
  g_free (ctx.status_base);
  g_free (ctx.doc_iso);
  g_free (ctx.item_bucket);
  g_free (ctx.bucket_n);
  g_hash_table_unref (ctx.complete);
  keymap_free (ctx.names, NULL);
  g_array_unref (ctx.np_toks);
  g_string_free (ctx.np_phrase, TRUE);
  g_hash_table_unref (ctx.shared);
  g_hash_table_unref (ctx.links);
  g_ptr_array_unref (ctx.topic_list);
  g_ptr_array_unref (ctx.blocks);
  keymap_free (ctx.compat, g_free);
  keymap_free (ctx.topics, NULL);
  g_hash_table_unref (ctx.roots);
  g_free (ctx.root_memo);
  g_free (ctx.action_memo);
  g_free (ctx.date_memo);
  g_aligned_free (ctx.items);
  return rows;
}
