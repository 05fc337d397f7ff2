/* xref — extract: claim tuples (actor, action, object, date) with slots,
 * polarity, modality, speaker and evidence.
 *
 * The stage works on the token stream of the text stage with the phrase
 * tables of the rules; it knows English grammar (determiners, passives,
 * clauses, quotations) but nothing about any story.  Two passes over a
 * document:
 *
 *  1. Per sentence, in reading order: the phrases of the rules are found
 *     (entities, modal phrases, speech verbs, actions; longest first, a
 *     capitalised word inside a sentence is a name, never a verb), then
 *     the mentions a light tagger adds (capitalised names, determiner or
 *     number + noun phrases "np:<words>", bare nouns after a preposition
 *     or a verb, pronouns resolved to the most salient compatible mention
 *     of the last sentences), then the speech verbs get their speakers
 *     ("X said", "…, X said", "“…,” said X", "according to X", "…, who
 *     said"; a pronoun speaker is the last speaker it fits).  Quotations
 *     are then attributed as a whole: a speech verb right after the
 *     closing mark or right before the opening one, else the speaker of
 *     the sentence (or quotation) before.
 *  2. Every action occurrence becomes at most one claim: actor and object
 *     from the mentions of its clause (passives with "by X", reduced
 *     relatives, possessors and "of X" for nouns, a copula before an
 *     action noun, relative clauses, coordinated verbs, double objects),
 *     polarity and modality from the verb group and the clause, the
 *     speaker from its quotation, its sentence or the sentence after (a
 *     lede attributed at the end of the next sentence), the date and
 *     durations from the time expressions of its clause, the other slots
 *     from the rules' patterns.  A claim that names nothing (no actor,
 *     object, date or slot) and is not negated is dropped, unless it is
 *     an incident named as such ("the fire", "riots broke out").
 *     Headings and headlines make no claims: they are shown as
 *     headings, and their names still feed coreference.
 *
 * Spans: every element's span lies inside the claim's sentence; a pronoun
 * gives its own span; a speaker named in another sentence gets an empty
 * span at the start of the sentence.
 *
 * The English closed classes come from the rules' lexicon (word classes);
 * the few grammatical words the C code names itself are the forms of "be",
 * the copulas, the relative pronouns and the number scales, which are
 * grammar, not a story.  A document's work is linear in its tokens.
 */
#include "xref/extract.h"

#include "extract-names.h"
#include "rules/rules-phrase-hint.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- names and records -------------------------------------------------- */

const char *
xref_polarity_name (XrefPolarity p)
{
  switch (p)
    {
    case XREF_POLARITY_AFFIRMED:
      return "affirmed";
    case XREF_POLARITY_NEGATED:
      return "negated";
    default:
      return "affirmed";
    }
}

const char *
xref_modality_name (XrefModality m)
{
  switch (m)
    {
    case XREF_MODALITY_ASSERTED:
      return "asserted";
    case XREF_MODALITY_PLANNED:
      return "planned";
    case XREF_MODALITY_POSSIBLE:
      return "possible";
    case XREF_MODALITY_REFUSED:
      return "refused";
    case XREF_MODALITY_UNCONFIRMED:
      return "unconfirmed";
    case XREF_MODALITY_CONDITIONAL:
      return "conditional";
    default:
      return "asserted";
    }
}

void
xref_claim_free (XrefClaim *claim)
{
  const XrefDocument *doc;

  if (claim == NULL)
    return;
  /* a claim of this stage lives in its document's claim block with its
   * id and slots (claims_block) and goes with the document; its rules
   * are shared until exit (shared_rules).  One made elsewhere
   * (run-jsonl.c, tests) owns each of its parts. */
  doc = claim->doc;
  if (doc != NULL && doc->claim_block != NULL && (guintptr) claim > (guintptr) doc->claim_block
      && (guintptr) claim < (guintptr) doc->claim_block + *(const gsize *) doc->claim_block)
    return;
  g_free (claim->id);
  if (claim->slots != NULL)
    g_array_unref (claim->slots);
  if (claim->rules != NULL)
    g_ptr_array_unref (claim->rules);
  g_free (claim);
}

const XrefSlotValue *
xref_claim_slot (const XrefClaim *claim, const char *slot)
{
  if (claim == NULL || claim->slots == NULL || slot == NULL)
    return NULL;
  for (guint i = 0; i < claim->slots->len; i++)
    {
      const XrefSlotValue *v = &g_array_index (claim->slots, XrefSlotValue, i);
      if (v->slot == slot || g_strcmp0 (v->slot, slot) == 0)
        return v;
    }
  return NULL;
}

gboolean
xref_claim_set_arg_rule (XrefClaim *claim, XrefRole role, const char *rule)
{
  guint i;

  g_return_val_if_fail ((guint) role < XREF_N_ROLES, FALSE);
  claim->arg_rule[role] = 0;
  if (rule == NULL)
    return TRUE;
  rule = xref_intern (rule);
  if (claim->rules == NULL)
    claim->rules = g_ptr_array_new ();
  for (i = 0; i < claim->rules->len; i++)
    if (g_ptr_array_index (claim->rules, i) == rule)
      break;
  if (i == claim->rules->len)
    g_ptr_array_add (claim->rules, (gpointer) rule);
  if (i >= XREF_CLAIM_ARG_RULE_MAX)
    return FALSE;
  claim->arg_rule[role] = (guint8) (i + 1);
  return TRUE;
}

/* ---- working records ---------------------------------------------------- */

/* An element as extraction carries it: an XrefArg and the rule that
 * produced it, which the claim keeps as an index into its rules
 * (add_rule). */
typedef struct {
  const char *id;
  XrefOffset start;
  XrefOffset end;
  const char *rule;
} Arg;

/* What a token is already used for. */
enum {
  U_ENTITY = 1 << 0,
  U_MODAL = 1 << 1,
  U_SPEECH = 1 << 2,
  U_ACTION = 1 << 3,
  U_TIMEX = 1 << 4,
  U_MENTION = 1 << 5,
};

/* Categories of a mention, for pronouns. */
enum {
  CAT_MALE = 1 << 0,
  CAT_FEMALE = 1 << 1,
  CAT_PERSON = 1 << 2,
  CAT_PLURAL = 1 << 3,
  CAT_ORG = 1 << 4,
  CAT_COUNTRY = 1 << 5,
  CAT_THING = 1 << 6,
  CAT_NAME = 1 << 7,    /* an unknown capitalised name: a person or a thing */
  CAT_EVENT = 1 << 8,
  CAT_WEAPON = 1 << 9,
  CAT_GROUP = 1 << 10,
};

typedef enum {
  MK_ENTITY,
  MK_NP,
  MK_NAME,
  MK_PRONOUN,
  MK_NONE,                      /* find_mentions: to be dropped (np_resolve) */
} MentionKind;

typedef struct {
  guint first, last;            /* token indices into doc->tokens, [first, last) */
  guint sent;
  const char *id;               /* interned; NULL for an unresolved pronoun */
  const char *rule;
  const XrefEntity *entity;
  MentionKind kind;
  XrefMentionKind ekind;        /* for entities: alias, role, demonym */
  guint cat;
  guint pclass;                 /* pronoun word class bits */
  gboolean in_pp;               /* the object of a preposition */
} Mention;

typedef struct {
  guint first, last;
  guint sent;
  XrefForm form;                /* m->form, at hand (the tests of the
                                   other actions of a sentence read it, and
                                   m is likely a cache miss) */
  const XrefActionMatch *m;
} ActionOcc;

typedef struct {
  guint first, last;
  const XrefModalMatch *m;
} ModalOcc;

typedef enum {
  SP_PRE,                       /* "X said (that) …": governs what follows */
  SP_POST,                      /* "…, X said": governs what precedes */
  SP_ACCORDING,                 /* "according to X": the whole sentence */
} SpeechKind;

typedef struct {
  guint first, last;            /* the speech phrase */
  guint attr_first;             /* first token of "X said" / "said X" */
  guint attr_last;
  const XrefActionMatch *m;
  gboolean attribution;         /* m is an attribution phrase ("according
                                   to"), from the phrase's tag: m, rule
                                   data, is a cache miss away */
  SpeechKind kind;
  Arg who;                      /* the speaker, id NULL when none found */
  guint cat;
} SpeechOcc;

typedef struct {
  guint m0, mn;                 /* mentions */
  guint a0, an;                 /* actions */
  guint s0, sn;                 /* speech verbs */
  guint o0, on;                 /* modal phrases */
  gboolean if_modal;            /* a token of a modal phrase is "if" or "unless" */
} SentInfo;

typedef struct {
  guint open, close;            /* token indices; close is the closing mark
                                   or the end of the paragraph */
  guint s_open;                 /* sentence of the opening mark */
  Arg who;
  const char *rule;
} Quote;

typedef struct {
  Arg who;
  guint cat;
  guint sent;
} SpeakerHist;

/* What a claim inherits when the next verb is coordinated with it. */
typedef struct {
  gboolean valid;
  guint last;                   /* last token of its action */
  Arg actor;
  Arg object;                   /* of a passive: "was shot and killed" */
  gboolean passive;
  XrefPolarity polarity;
  XrefModality modality;
} PrevClaim;

typedef struct {
  const char *to, *of, *by, *that, *which, *who, *whom, *whose, *where, *and_, *or_, *if_, *unless;
  const char *poss, *comma, *semicolon, *colon, *period, *dash, *ndash, *hyphen, *lparen, *dquote;
  const char *the, *this_, *for_, *de, *than;
  const char *subordinators[7];
  const char *be[10];
  const char *copula[8];
  const char *recipient, *location;
  const char *t_person, *t_org, *t_country, *t_weapon, *t_group, *t_event;
  const char *g_male, *g_female;
  const char *million, *billion, *thousand;
  /* the forms of "be" and the copulas by pointer (GRAM_*): a small open
   * addressing set, asked by token_bits_of (TB_BE, TB_COPULA) */
  const char *gram[64];
  guint8 gram_bits[64];
} Words;

enum {
  GRAM_BE = 1 << 0,
  GRAM_COPULA = 1 << 1,
};

/* Bits of a token the stage computes once, above the XREF_WB_* bits of
 * xref_rules_word_bits (which end at bit 21). */
enum {
  TB_ADVERB = 1u << 28,         /* is_adverb */
  TB_NOMINAL = 1u << 29,        /* is_nominal, before what the token is used for */
  TB_MSTART = 1u << 27,         /* find_mentions may start a mention here */
  TB_DQUOTE = 1u << 30,         /* a straight double quote (QUOTE ") */
  TB_SEMI = 1u << 26,           /* ";" */
  TB_BE = 1u << 24,             /* a form of "be" (GRAM_BE) */
  TB_COPULA = 1u << 25,         /* a form of "be" or a copula (GRAM_BE | GRAM_COPULA) */
  TB_CAND = 1u << 31,           /* a candidate of a phrase finder or find_quotes:
                                   one of the bits token_bits tests */
  TB_ED = 1u << 22,             /* the norm ends in "ed" (ends_ed) */
  TB_PLURAL = 1u << 23,         /* the norm is spelt as a plural (is_plural) */
};
G_STATIC_ASSERT ((guint) XREF_WB_MODAL_HEAD < (guint) TB_ED);

/* The token's kind and capitals, in the bits of XREF_WB_CLASSES that no
 * word class uses (XREF_WC_STOPWORD is the last): the predicates below
 * (is_quote, is_capital_word …) read them from Ctx.wb, four bytes a
 * token, instead of the token's 40-byte record.  wc () masks them off. */
enum {
  TB_QUOTE = 1u << 11,          /* XREF_TOKEN_QUOTE */
  TB_CAPWORD = 1u << 12,        /* a WORD flagged CAPITALISED or ALLCAPS (is_capital_word) */
  TB_NUMBER = 1u << 13,         /* XREF_TOKEN_NUMBER */
  TB_PUNCT = 1u << 14,          /* XREF_TOKEN_PUNCT */
  TB_WORD = 1u << 15,           /* XREF_TOKEN_WORD */
  TB_KIND = TB_QUOTE | TB_CAPWORD | TB_NUMBER | TB_PUNCT | TB_WORD,
};
G_STATIC_ASSERT ((guint) XREF_WC_STOPWORD < (guint) TB_QUOTE);
G_STATIC_ASSERT (((guint) TB_KIND & ~(guint) XREF_WB_CLASSES) == 0);

/* A growable array of records, like a GArray (the same data and len
 * fields, so g_array_index reads it) with an inline append: the stage
 * appends a record for every mention, action and speech verb, and
 * g_array_append_val is a call and a memcpy each. */
typedef struct {
  gchar *data;
  guint len;
  guint cap;
} Vec;

#define VEC_PUSH(v, T, x) (*(T *) vec_push ((v), sizeof (T)) = (x))

static inline gpointer
vec_push (Vec *v, gsize size)
{
  if (v->len == v->cap)
    {
      v->cap = v->cap > 0 ? 2 * v->cap : 16;
      v->data = g_realloc_n (v->data, v->cap, size);
    }
  return v->data + (gsize) v->len++ * size;
}

/* The tokens where a phrase of one table may start (a head bit of
 * Ctx.wb), in order: the phrase finders visit these instead of every
 * token.  next is the first not yet visited (sentences come in order). */
typedef struct {
  guint *at;
  guint n;
  guint next;
} Cands;

/* A slot of the rules as build_claim uses it. */
typedef struct {
  const char *sid;              /* interned slot id */
  const char *rule;             /* "slot:<id>", interned */
  const XrefSlotDef *def;       /* NULL when the rules define no such slot */
} SlotInfo;

/* What find_entities takes from an entity match of the rules: its
 * entity, the entity's id, the match's rule and kind, entity_cat of the
 * entity (not plural), whether the entity is a weapon. */
typedef struct {
  const XrefEntityMatch *em;    /* NULL when empty */
  const XrefEntity *entity;
  const char *id;
  const char *rule;
  guint cat;
  guint8 kind;                  /* XrefMentionKind */
  gboolean weapon;
} EntityInfo;

#define ENTITY_INFO_BITS 8

/* The slots of the rules of serial (XrefRules.serial) slot_info was
 * asked for, kept across the thread's documents: a rule set has few. */
typedef struct SlotCache_ {
  SlotInfo slots[16];
  guint n;
  SlotInfo spare;               /* when all 16 are taken */
  guint serial;
  /* slot_info's index of slots: 1 + the index of the slot of sid at
   * SLOT_HASH (sid) or one of the places after it, 0 for none (n == 0
   * empties it) */
  guint8 at[64];
  /* find_entities' entity matches (entity_info), by the match's address
   * (emptied with at) */
  EntityInfo entities[1u << ENTITY_INFO_BITS];
} SlotCache;

#define SLOT_HASH(sid) ((guint) xref_hash_ptr ((sid), 6))

typedef struct {
  XrefDocument *doc;
  const XrefRules *rules;
  const XrefToken *tok;
  guint ntok;
  /* token → what the rules know of its norm (XREF_WB_*; the word classes
   * only for WORD tokens) and TB_* bits: the predicates below ask about
   * the same token many times, so each token is looked up once */
  guint *wb;
  GString *scratch;             /* np_id's (long ids) and slot_value's buffer */
  Vec *ids;                     /* slot_value's entity ids (reused) */
  Cands cand_entity;            /* XREF_WB_ENTITY_HEAD or a determiner */
  Cands cand_modal;             /* XREF_WB_MODAL_HEAD */
  Cands cand_action;            /* XREF_WB_ACTION_HEAD or XREF_WB_SPEECH_HEAD */
  Cands cand_dquote;            /* straight double quotes (find_quotes) */
  Cands cand_semi;              /* ";" (build_claim) */
  Vec *local;                   /* a sentence's mentions (reused) */
  guint8 *used;
  gint *ment;                   /* token → mention index, -1 */
  gint *tmx;                    /* token → timex index, -1 */
  gint *spx;                    /* token → speech verb index, -1 */
  guint *tx0, *txn;             /* sentence → its timexes (first, count) */
  Vec *mentions;                /* Mention */
  Vec *actions;                 /* ActionOcc */
  Vec *speeches;                /* SpeechOcc */
  Vec *modals;                  /* ModalOcc */
  Vec *sents;                   /* SentInfo */
  Vec *quotes;                  /* Quote */
  Vec *speakers;                /* SpeakerHist */
  struct Names_ *names;         /* last word of a name → np id */
  Vec *fired;                   /* build_claim's modal rules (reused) */
  /* The slots and rules of the claim being built (reused): they go into
   * arrays of their exact size when the claim is kept, so a dropped
   * claim allocates nothing and a kept one no array it does not need. */
  Vec *draft_slots;             /* XrefSlotValue */
  Vec *draft_rules;             /* const char * */
  gsize doc_id_len;
  struct SlotCache_ *slots;     /* the slots asked for lately (slot_info) */
  Words w;
  struct NpIdCache_ *np_ids;    /* the thread's np_id cache, or NULL */
  struct TokenBitsCache_ *tb;   /* the thread's token_bits cache, or NULL */
  Vec *pending;                 /* find_mentions' NpPending */
  struct Keep_ *keep;           /* the claims kept, staged (keep_claim) */
  guint opening_s1;             /* 1 + the sentence of opening_tx, 0 */
  gint opening_tx;              /* its opening_date */
  struct ClauseMemo_ *clause;   /* clause_start's last answer, or NULL */
  struct ListEntry_ *lists;     /* the thread's cache of rule lists (claims_block) */
} Ctx;

/* ---- the thread's work buffers ---------------------------------------- *
 *
 * A document's working arrays (per token, per sentence, the records) live
 * in buffers of the thread, grown as needed and kept for its next
 * document: most documents are small, and allocating, clearing and
 * freeing two dozen arrays per document cost more than the work on many
 * of them.  They hold nothing once the document is done (the claims kept
 * are the document's; the records are only read during its extraction),
 * and are freed when the thread ends. */

/* A mention of find_mentions whose np id is looked up after its main
 * loop (np_defer, np_resolve). */
typedef struct {
  guint at;                     /* index in the sentence's mentions (out) */
  guint from, to;               /* np_id (c, from, to) */
  guint slot;                   /* np_slot_of */
  guint name;                   /* NP_NAME_*: what a name does with the map */
  gboolean keep_null;           /* the mention stays without an id */
} NpPending;

enum {
  NP_PLAIN,
  NP_NAME_ONE,                  /* a one-word name: the map's id if it has one */
  NP_NAME_MORE,                 /* a longer name: the map learns its last word */
};

/* wb and used have room for this many tokens after the document's,
 * zero (token_bits): mstart_window reads sixteen tokens at a time. */
#define TOK_PAD 16

typedef struct {
  gsize caches_len;             /* tb, np_ids and lists: the size of the
                                   block whose handle is np_ids_block
                                   (caches_map, xref_huge_alloc0) */
  guint tok_cap;                /* per-token arrays: room for this many tokens */
  guint *wb;
  guint *cand[5];
  guint8 *used;
  gint *ment, *tmx, *spx;
  guint sent_cap;               /* per-sentence arrays */
  guint *tx0, *txn;
  Vec sents;                    /* SentInfo */
  Vec local, ids, mentions, actions, speeches, modals, quotes, speakers, fired, draft_slots, draft_rules, pending;
  GString *scratch;
  Names names;
  SlotCache slots;
  struct TokenBitsCache_ *tb;   /* token_bits' cache, or NULL */
  struct NpIdCache_ *np_ids;    /* np_id's cache (in np_ids_block), or NULL */
  gpointer np_ids_block;        /* the caches' handle (xref_huge_free) */
  struct ListEntry_ *lists;     /* claims_block's cache of rule lists (in np_ids_block) */
} Work;

/* Room for n more records of v: where they go (v->len is unchanged).
 * Never NULL, even for n == 0 on an empty vector (NULL + 0 is undefined
 * in C; found by fuzz-smoke under clang). */
static gpointer
vec_reserve (Vec *v, guint n, gsize size)
{
  if (v->data == NULL || v->len + n > v->cap)
    {
      v->cap = MAX (v->len + n, MAX (2 * v->cap, 16));
      v->data = g_realloc_n (v->data, v->cap, size);
    }
  return v->data + (gsize) v->len * size;
}

static void
work_free (gpointer p)
{
  Work *w = p;

  g_free (w->wb);
  for (guint i = 0; i < G_N_ELEMENTS (w->cand); i++)
    g_free (w->cand[i]);
  g_free (w->used);
  g_free (w->ment);
  g_free (w->tmx);
  g_free (w->spx);
  g_free (w->tx0);
  g_free (w->txn);
  {
    Vec *v[] = { &w->sents, &w->local, &w->ids, &w->mentions, &w->actions, &w->speeches, &w->modals, &w->quotes,
                 &w->speakers, &w->fired, &w->draft_slots, &w->draft_rules, &w->pending };
    for (guint i = 0; i < G_N_ELEMENTS (v); i++)
      g_free (v[i]->data);
  }
  if (w->scratch != NULL)
    g_string_free (w->scratch, TRUE);
  g_free (w->names.e);
  xref_huge_free (w->np_ids_block, w->caches_len);
  g_free (w);
}

static GPrivate work_key = G_PRIVATE_INIT (work_free);

/* The thread's buffers, with room for ntok tokens and nsent sentences
 * (contents undefined: the stage sets what it reads) and empty records. */
static Work *
work_for (guint ntok, guint nsent)
{
  Work *w = g_private_get (&work_key);

  if (w == NULL)
    {
      w = g_new0 (Work, 1);
      w->scratch = g_string_sized_new (64);
      g_private_set (&work_key, w);
    }
  if (ntok > w->tok_cap)
    {
      guint cap = MAX (ntok, 2 * w->tok_cap);
      w->tok_cap = cap;
      w->wb = g_renew (guint, w->wb, cap + TOK_PAD);
      for (guint i = 0; i < G_N_ELEMENTS (w->cand); i++)
        w->cand[i] = g_renew (guint, w->cand[i], cap);
      w->used = g_renew (guint8, w->used, 2 * (cap + TOK_PAD)); /* and SLOT_WORDS */
      w->ment = g_renew (gint, w->ment, cap);
      w->tmx = g_renew (gint, w->tmx, cap);
      w->spx = g_renew (gint, w->spx, cap);
    }
  if (nsent > w->sent_cap)
    {
      guint cap = MAX (nsent, 2 * w->sent_cap);
      w->sent_cap = cap;
      w->tx0 = g_renew (guint, w->tx0, cap);
      w->txn = g_renew (guint, w->txn, cap);
    }
  {
    Vec *v[] = { &w->sents, &w->local, &w->ids, &w->mentions, &w->actions, &w->speeches, &w->modals, &w->quotes,
                 &w->speakers, &w->fired, &w->draft_slots, &w->draft_rules, &w->pending };
    for (guint i = 0; i < G_N_ELEMENTS (v); i++)
      v[i]->len = 0;
  }
  names_clear (&w->names);
  return w;
}

#define MENTION(c, i) (&g_array_index ((c)->mentions, Mention, (i)))
#define SPEECH(c, i) (&g_array_index ((c)->speeches, SpeechOcc, (i)))
#define MODAL(c, i) (&g_array_index ((c)->modals, ModalOcc, (i)))
#define ACTION(c, i) (&g_array_index ((c)->actions, ActionOcc, (i)))
#define SENT(c, i) (&g_array_index ((c)->doc->sentences, XrefSentence, (i)))
#define INFO(c, i) (&g_array_index ((c)->sents, SentInfo, (i)))

/* Pronoun resolution looks this many sentences back. */
#define PRONOUN_WINDOW 3
#define SPEAKER_WINDOW 6
/* Longest noun phrase the light tagger builds, in words. */
#define NP_MAX 5

static inline guint
gram_slot (const Words *w, const char *word)
{
  return (guint) xref_hash_ptr (word, 6) & (G_N_ELEMENTS (w->gram) - 1);
}

static void
gram_add (Words *w, const char *word, guint bits)
{
  guint h = gram_slot (w, word);

  while (w->gram[h] != NULL && w->gram[h] != word)
    h = (h + 1) & (G_N_ELEMENTS (w->gram) - 1);
  w->gram[h] = word;
  w->gram_bits[h] |= bits;
}

/* The GRAM_* bits of an interned word. */
static guint
gram_of (const Words *w, const char *word)
{
  for (guint h = gram_slot (w, word);; h = (h + 1) & (G_N_ELEMENTS (w->gram) - 1))
    {
      if (w->gram[h] == word)
        return w->gram_bits[h];
      if (w->gram[h] == NULL)
        return 0;
    }
}

/* The words, interned once for the process (interned strings live as
 * long as it does). */
static void
words_init (Words *w)
{
  static const char *const be[] = { "be", "is", "are", "was", "were", "been", "being", "am", "'re" };
  static const char *const copula[] = { "become", "becomes", "became", "becoming", "remain", "remains", "remained" };

  w->to = xref_intern ("to");
  w->of = xref_intern ("of");
  w->by = xref_intern ("by");
  w->that = xref_intern ("that");
  w->which = xref_intern ("which");
  w->who = xref_intern ("who");
  w->whom = xref_intern ("whom");
  w->whose = xref_intern ("whose");
  w->where = xref_intern ("where");
  w->and_ = xref_intern ("and");
  w->or_ = xref_intern ("or");
  w->if_ = xref_intern ("if");
  w->unless = xref_intern ("unless");
  w->poss = xref_intern ("'s");
  w->comma = xref_intern (",");
  w->semicolon = xref_intern (";");
  w->colon = xref_intern (":");
  w->period = xref_intern (".");
  w->dash = xref_intern ("—");
  w->ndash = xref_intern ("–");
  w->hyphen = xref_intern ("-");
  w->lparen = xref_intern ("(");
  w->dquote = xref_intern ("\"");
  w->the = xref_intern ("the");
  w->this_ = xref_intern ("this");
  w->for_ = xref_intern ("for");
  w->de = xref_intern ("de");
  w->than = xref_intern ("than");
  {
    static const char *const sub[] = { "after", "before", "since", "until", "once", "although", "though" };
    G_STATIC_ASSERT (G_N_ELEMENTS (sub) == G_N_ELEMENTS (w->subordinators));
    for (guint i = 0; i < G_N_ELEMENTS (sub); i++)
      w->subordinators[i] = xref_intern (sub[i]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (w->be); i++)
    w->be[i] = i < G_N_ELEMENTS (be) ? xref_intern (be[i]) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (w->copula); i++)
    w->copula[i] = i < G_N_ELEMENTS (copula) ? xref_intern (copula[i]) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (w->be) && w->be[i] != NULL; i++)
    gram_add (w, w->be[i], GRAM_BE);
  for (guint i = 0; i < G_N_ELEMENTS (w->copula) && w->copula[i] != NULL; i++)
    gram_add (w, w->copula[i], GRAM_COPULA);
  w->recipient = xref_intern ("recipient");
  w->location = xref_intern ("location");
  w->t_person = xref_intern ("person");
  w->t_org = xref_intern ("organisation");
  w->t_country = xref_intern ("country");
  w->t_weapon = xref_intern ("weapon");
  w->t_group = xref_intern ("group");
  w->t_event = xref_intern ("event");
  w->g_male = xref_intern ("male");
  w->g_female = xref_intern ("female");
  w->million = xref_intern ("million");
  w->billion = xref_intern ("billion");
  w->thousand = xref_intern ("thousand");
}

static const Words *
words (void)
{
  static Words w;
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      words_init (&w);
      g_once_init_leave (&done, 1);
    }
  return &w;
}

/* ---- token predicates --------------------------------------------------- */

static const XrefToken *
tk (const Ctx *c, guint i)
{
  return &c->tok[i];
}

static const char *
norm (const Ctx *c, guint i)
{
  return c->tok[i].norm;
}

static guint
wc (const Ctx *c, guint i)
{
  return c->wb[i] & (XREF_WB_CLASSES & ~(guint) TB_KIND);
}

static gboolean
is_quote (const Ctx *c, guint i)
{
  return (c->wb[i] & TB_QUOTE) != 0;
}

static gboolean
is_close_quote (const Ctx *c, guint i)
{
  return c->tok[i].kind == XREF_TOKEN_QUOTE && (c->tok[i].flags & XREF_TOKEN_CLOSE_QUOTE) != 0;
}

static gboolean
is_open_quote (const Ctx *c, guint i)
{
  return c->tok[i].kind == XREF_TOKEN_QUOTE && (c->tok[i].flags & XREF_TOKEN_OPEN_QUOTE) != 0;
}

/* Spelt as a plural: n[0..len) ends in "s" but not "ss", "us", "is" or
 * "'s" (TB_PLURAL, once per word by token_bits_of). */
static gboolean
is_plural_spelling (const char *n, gsize len)
{
  if (len < 3 || n[len - 1] != 's')
    return FALSE;
  return n[len - 2] != 's' && n[len - 2] != 'u' && n[len - 2] != 'i' && n[len - 2] != '\'';
}

static gboolean
ends_with (const char *s, const char *suffix)
{
  gsize n = strlen (s), m = strlen (suffix);
  return n >= m && memcmp (s + n - m, suffix, m) == 0;
}

/* Does the norm of token i end with suffix (lower-case ASCII, m bytes)?
 * From the form's last bytes in the document's text (just read) when
 * they are ASCII: the tokenizer lowers a form character by character
 * (ASCII to ASCII), so the norm ends with those bytes lowered.  Else from
 * the interned norm, a strlen and likely a cache miss away (perf: the
 * strlen of the capitalised words at a sentence's start in
 * find_mentions). */
static gboolean
norm_ends_with (const Ctx *c, guint i, const char *suffix, gsize m)
{
  const XrefToken *t = &c->tok[i];
  const char *f = c->doc->text + t->start;
  gsize n = t->end - t->start, k;

  /* (rules without a serial, the tests' reference: no cache, no fast
   * path) */
  if (n < m || t->norm == NULL || c->tb == NULL)
    return t->norm != NULL && ends_with (t->norm, suffix);
  f += n - m;
  for (k = 0; k < m && (guchar) f[k] < 0x80; k++)
    ;
  if (k < m)
    return ends_with (t->norm, suffix);
  for (k = 0; k < m; k++)
    if (g_ascii_tolower (f[k]) != suffix[k])
      return FALSE;
  return TRUE;
}

#define NORM_ENDS_WITH(c, i, suffix) norm_ends_with ((c), (i), "" suffix, sizeof (suffix) - 1)

/* A form of "be" (w.be; TB_BE, once per token by token_bits). */
static gboolean
is_be (const Ctx *c, guint i)
{
  return (c->wb[i] & TB_BE) != 0;
}

/* A form of "be" or another copula (w.copula; TB_COPULA). */
static gboolean
is_copula (const Ctx *c, guint i)
{
  return (c->wb[i] & TB_COPULA) != 0;
}

/* An adverb: a closed-class stop word, or an open-class word in -ly
 * (TB_ADVERB, computed once per token by token_bits). */
static gboolean
is_adverb (const Ctx *c, guint i)
{
  return (c->wb[i] & TB_ADVERB) != 0;
}

static gboolean
is_punct (const Ctx *c, guint i, const char *p)
{
  return c->tok[i].norm == p;
}

/* May token i be punctuation: none of a word, a number or a quotation
 * mark (";", ":", ",", "." are PUNCT tokens)?  One test of its bits
 * before the compares of its norm (is_punct) in the clause scans. */
static inline gboolean
maybe_punct (const Ctx *c, guint i)
{
  return !(c->wb[i] & (TB_WORD | TB_NUMBER | TB_QUOTE));
}

static gboolean
is_relative (const Ctx *c, guint i)
{
  const char *n = norm (c, i);
  return n == c->w.which || n == c->w.who || n == c->w.whom || n == c->w.that;
}

/* Words that are prepositions before a noun and subordinators before a
 * clause ("after the war", "after the army withdrew"): grammar. */
static gboolean
is_subordinator (const Ctx *c, guint i)
{
  const char *n = norm (c, i);

  for (guint k = 0; k < G_N_ELEMENTS (c->w.subordinators); k++)
    if (n == c->w.subordinators[k])
      return TRUE;
  return FALSE;
}

/* A word the light tagger may put in a noun phrase: an open-class word
 * that no rule phrase claims (TB_NOMINAL, once per token by token_bits),
 * and that nothing else uses. */
static inline gboolean
is_nominal (const Ctx *c, guint i)
{
  /* what the word is (TB_NOMINAL, once per token), then what it is used for */
  if (!(c->wb[i] & TB_NOMINAL))
    return FALSE;
  if (c->used[i] == U_TIMEX)
    {
      /* "a regular annual press conference" */
      const XrefTimex *x = &g_array_index (c->doc->timexes, XrefTimex, c->tmx[i]);
      if (x->type != XREF_TIMEX_SET || x->n_tokens != 1)
        return FALSE;
    }
  else if (c->used[i] != 0)
    return FALSE;
  return TRUE;
}

/* The bytes of token t's norm and their number: where the norm is the
 * form (no capital, no quotation mark to fold: most tokens), they are
 * text[start, end), which the tokenizer has just read, instead of the
 * interned copy, which a token_bits cache miss finds out of the cache
 * more often than not (perf: the strlen there waited on it).  The bytes
 * are not NUL-terminated.  text may be NULL (the norm's own bytes). */
static inline const char *
norm_bytes (const char *text, const XrefToken *t, gsize *len)
{
  if (text != NULL && t->norm != NULL && t->norm == t->form)
    {
      *len = t->end - t->start;
      return text + t->start;
    }
  *len = t->norm != NULL ? strlen (t->norm) : 0;
  return t->norm;
}

/* The bits of a token (Ctx.wb): what the rules know of its norm
 * (xref_rules_word_bits; the word classes only for WORD tokens) and the
 * TB_* bits, which follow from these, the norm's spelling, the token's
 * kind and its capitalisation flags.  The reference; token_bits goes
 * through a cache.  text: the document's (norm_bytes), or NULL. */
static guint
token_bits_of (const XrefRules *rules, const char *text, const XrefToken *t)
{
  /* (the TB_KIND bits are the stage's) */
  guint b = xref_rules_word_bits (rules, t->norm) & ~(guint) TB_KIND;
  gsize n;
  const char *nb = norm_bytes (text, t, &n);

  if (n >= 2 && nb[n - 2] == 'e' && nb[n - 1] == 'd')
    b |= TB_ED;
  if (is_plural_spelling (nb, n))
    b |= TB_PLURAL;
  if (t->kind != XREF_TOKEN_WORD)
    b &= ~(guint) XREF_WB_CLASSES;
  else
    {
      guint k = b & XREF_WB_CLASSES;
      gboolean adverb = FALSE;

      /* an adverb: a closed-class stop word, or an open-class word in
       * -ly (not -ply, -ily, -bly) that is not capitalised */
      if (k & XREF_WC_STOPWORD)
        adverb = TRUE;
      else if (k == 0 && !(t->flags & XREF_TOKEN_CAPITALISED) && n >= 5)
        {
          const char *e = nb + n;
          adverb = e[-2] == 'l' && e[-1] == 'y' && e[-3] != 'p' && e[-3] != 'i' && e[-3] != 'b';
        }
      if (adverb)
        b |= TB_ADVERB;
      /* nominal: an open-class word, not capitalised, not an adverb, of
       * two characters or more (norms are valid UTF-8) */
      if (!(t->flags & (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS)) && k == 0 && !adverb && n > 0
          && (gsize) g_utf8_skip[(guchar) nb[0]] < n)
        b |= TB_NOMINAL;
    }
  /* Every kind of mention find_mentions makes starts at a pronoun or
   * determiner, a capitalised word, a number (digits, a number word or
   * a vague quantity) or a nominal word: elsewhere it moves on. */
  if ((b & (XREF_WC_PRONOUN_MALE | XREF_WC_PRONOUN_FEMALE | XREF_WC_PRONOUN_PLURAL | XREF_WC_PRONOUN_NEUTER
            | XREF_WC_DETERMINER | TB_NOMINAL))
      || t->kind == XREF_TOKEN_NUMBER
      || (t->kind == XREF_TOKEN_WORD
          && ((t->flags & (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS)) || (b & (XREF_WB_VAGUE | XREF_WB_NUMBER)))))
    b |= TB_MSTART;
  if (t->kind == XREF_TOKEN_QUOTE && t->norm == words ()->dquote)
    b |= TB_DQUOTE;
  if (t->norm != NULL && t->norm == words ()->semicolon)
    b |= TB_SEMI;
  {
    guint g = gram_of (words (), t->norm);
    if (g & GRAM_BE)
      b |= TB_BE;
    if (g & (GRAM_BE | GRAM_COPULA))
      b |= TB_COPULA;
  }
  if (b & (XREF_WB_ENTITY_HEAD | XREF_WC_DETERMINER | XREF_WB_MODAL_HEAD | XREF_WB_ACTION_HEAD | XREF_WB_SPEECH_HEAD
           | TB_DQUOTE | TB_SEMI))
    b |= TB_CAND;
  switch (t->kind)
    {
    case XREF_TOKEN_WORD:
      b |= TB_WORD;
      if (t->flags & (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS))
        b |= TB_CAPWORD;
      break;
    case XREF_TOKEN_NUMBER:
      b |= TB_NUMBER;
      break;
    case XREF_TOKEN_PUNCT:
      b |= TB_PUNCT;
      break;
    case XREF_TOKEN_QUOTE:
      b |= TB_QUOTE;
      break;
    default:
      break;
    }
  return b;
}

/* token_bits_of depends on the norm, the kind and two flags of a token,
 * and the rules.  Each thread keeps the answers for the tokens seen
 * lately, direct-mapped by the interned norm, for the rules whose serial
 * it holds: most tokens are common words, and one probe here replaces
 * the word index probe, a strlen and the tests of the spelling.  (Most
 * documents skip it: the text stage's tokenizer keeps
 * the answers in its own form cache, text_word, and hands them over per
 * token; this cache serves a thread's first document and rules whose
 * word function is not set.) */
/* 2^15 entries of 16 bytes, 512 KB (in the thread's work buffers, on
 * huge pages where there are): on the 10 MB corpus, one token in six
 * missed at 2^12, 115,000 tokens of 1.85 million at 2^14, 66,000 at
 * 2^15, 39,000 at 2^16 (a miss costs ~130 instructions and the word
 * index's cache misses; but the larger the table, the less of the
 * 1 MB second-level cache is left to the phrase tables: perf could not
 * tell 2^14 from 2^16) */
#define TB_CACHE_BITS 15

typedef struct {
  guint64 key;                  /* TB_FULL of the token; 0: empty */
  guint bits;
  guint sw;                     /* xref_rules_slot_word_bits of the norm */
} TbEntry;

typedef struct TokenBitsCache_ {
  /* (first, and the cache aligned on 64 bytes, caches_map: no pair
   * straddles two cache lines; with the serial first, one entry in four
   * did, and token_bits' prefetch fetched only the line of its key) */
  TbEntry e[1u << TB_CACHE_BITS];
  guint serial;                 /* XrefRules.serial; 0: empty */
} TokenBitsCache;

G_STATIC_ASSERT (sizeof (TbEntry) == 16);

/* What a token's bits depend on besides its norm: its kind and two flags;
 * and 32, which no empty entry has, so that an entry is found only where
 * it was written (a NULL norm too). */
#define TB_TAG(t) (32u | ((guint) (t)->kind << 2) | ((t)->flags & (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS)))
G_STATIC_ASSERT ((XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS) == 3 && XREF_TOKEN_SYMBOL < 8);
/* token_bits prefetches the entry of the token this far ahead */
#define TB_AHEAD 32
/* The entries go in pairs (2^TB_SET_BITS of them), 32 bytes in one
 * cache line: a token's entry is either of its pair's, the one found
 * last first.  A pair loses far fewer answers than two direct-mapped
 * slots: on the 10 MB corpus, 64,000 misses (20,000 of them first
 * sights) became 29,000, and each miss is a word index probe, two cache
 * misses. */
#define TB_SET_BITS (TB_CACHE_BITS - 1)
#define TB_SLOT_MASK ((1u << TB_SET_BITS) - 1)
#define TB_SET(tc, key) (&(tc)->e[2 * ((key) & TB_SLOT_MASK)])
/* An entry's key: the norm's pointer and, above it, the TB_TAG (tag);
 * one compare instead of two.  User-space pointers are below 2^56 (2^47
 * on x86-64 with four-level paging, 2^52 or 2^56 at most elsewhere), so
 * the tag's bits are free there. */
#define TB_FULL(norm, tag) ((guint64) (guintptr) (norm) | ((guint64) (tag) << 56))
G_STATIC_ASSERT (sizeof (gpointer) <= sizeof (guint64));

/* Token t's pair of entries (the low TB_SET_BITS bits) and its TB_TAG
 * (the bits above). */
static inline guint
tb_key (const XrefToken *t)
{
  guint tag = TB_TAG (t);

  return (guint) ((((guint64) (guintptr) t->norm ^ tag) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15))
                  >> (64 - TB_SET_BITS))
         | (tag << TB_SET_BITS);
}

static void caches_map (Work *w);

/* The thread's cache for rules (emptied when it held another rule set's
 * answers), or NULL for rules without a serial. */
static TokenBitsCache *
tb_cache_for (Work *w, const XrefRules *rules)
{
  TokenBitsCache *tc = w->tb;

  if (rules->serial == 0)
    return NULL;
  if (tc == NULL)
    {
      caches_map (w);
      tc = w->tb;
      tc->serial = rules->serial;
    }
  else if (tc->serial != rules->serial)
    {
      memset (tc, 0, sizeof *tc);
      tc->serial = rules->serial;
    }
  return tc;
}

/* Sets p, q and r[0..n) to -1, sixteen bytes a store: not in token_bits'
 * loop, where it took a store per array per token, nor by memset, which
 * glibc does with "rep stosb" past 2 KB (fast, but valgrind counts it a
 * byte at a time, which would blur the stage's instruction counts). */
static void
fill_unset (gint *p, gint *q, gint *r, guint n)
{
  guint i = 0;

#if defined(__SSE2__)
  const __m128i ones = _mm_set1_epi32 (-1);
  for (; i + 4 <= n; i += 4)
    {
      _mm_storeu_si128 ((__m128i *) (gpointer) (p + i), ones);
      _mm_storeu_si128 ((__m128i *) (gpointer) (q + i), ones);
      _mm_storeu_si128 ((__m128i *) (gpointer) (r + i), ones);
    }
#endif
  for (; i < n; i++)
    p[i] = q[i] = r[i] = -1;
}

/* The slot words of a token (SLOT_WORDS): xref_rules_slot_word_bits of
 * its norm; all of them for a token without one. */
static guint8
slot_words_of (const XrefRules *rules, const char *text, const XrefToken *t)
{
  gsize n;
  const char *nb;

  if (t->norm == NULL)
    return G_MAXUINT8;
  nb = norm_bytes (text, t, &n);
  return (guint8) xref_rules_slot_word_bits (rules, nb, n);
}

/* A token's bits and slot words (token_bits_of, slot_words_of) for the
 * tokenizer's form cache (xref_text_set_word_func): worked out once per
 * form and kind there, the tokens' answers kept for token_bits. */
static guint32
text_word (const XrefRules *rules, const XrefToken *t, guint8 *byte)
{
  *byte = slot_words_of (rules, NULL, t);
  return token_bits_of (rules, NULL, t);
}

/* Ctx's token → slot words (slot_words_of), per token: in used's
 * buffer, after used and its padding. */
#define SLOT_WORDS(c) ((c)->used + (c)->ntok + TOK_PAD)

/* The slot words of tokens [a, b): eight tokens a load. */
static guint
slot_words_span (const guint8 *sw, guint a, guint b)
{
  guint64 acc = 0, x;

  for (; a + 8 <= b; a += 8)
    {
      memcpy (&x, sw + a, 8);
      acc |= x;
    }
  for (; a < b; a++)
    acc |= sw[a];
  acc |= acc >> 32;
  acc |= acc >> 16;
  acc |= acc >> 8;
  return (guint) (acc & 0xff);
}

/* token_bits_of (rules, t) through the cache tc, given tb_key (t); the
 * slot words to *sw. */
static inline guint
tb_lookup (const XrefRules *rules, const char *text, TokenBitsCache *tc, const XrefToken *t, guint key, guint8 *sw)
{
  TbEntry *p = TB_SET (tc, key);
  guint64 full = TB_FULL (t->norm, key >> TB_SET_BITS);

  if (G_UNLIKELY (p[0].key != full))
    {
      TbEntry x;

      if (p[1].key == full)
        x = p[1];
      else
        {
          x.key = full;
          x.bits = token_bits_of (rules, text, t);
          x.sw = slot_words_of (rules, text, t);
        }
      p[1] = p[0];
      p[0] = x;
    }
  *sw = (guint8) p[0].sw;
  return p[0].bits;
}

/* The bits of every token of the document (Ctx.wb), and the candidates
 * of the phrase finders; since it visits every token anyway, it also
 * clears used and sets ment, tmx and spx to -1 (the buffers are the
 * thread's, reused).  The bits come from the text stage where it kept
 * them (xref_text_doc_words: the tokenizer asked text_word once per form
 * in its form cache, one lookup a token where there were two), else
 * through the cache above. */
/* (out of line, as GCC chose before its callees grew: perf tells its
 * share apart) */
G_GNUC_NO_INLINE static void
token_bits (Ctx *c)
{
  TokenBitsCache *tc = c->tb;
  /* (locals: the stores to wb and the candidate arrays could alias the
   * fields of c, which the compiler would then load again per token) */
  const XrefToken *tok = c->tok;
  const char *text = c->doc->text;
  const guint ntok = c->ntok;
  guint *wb = c->wb;
  guint8 *sw = SLOT_WORDS (c);
  guint *ce = c->cand_entity.at, *cm = c->cand_modal.at, *ca = c->cand_action.at;
  guint *cq = c->cand_dquote.at, *cs = c->cand_semi.at;
  guint ne = 0, nm = 0, na = 0, nq = 0, ns = 0;

  /* Token i, of bits b, to the candidate lists it belongs to. */
#define TB_PUSH_CANDS(i, b)                             \
  G_STMT_START                                          \
  {                                                     \
    if ((b) & (XREF_WB_ENTITY_HEAD | XREF_WC_DETERMINER)) \
      ce[ne++] = (i);                                   \
    if ((b) & XREF_WB_MODAL_HEAD)                       \
      cm[nm++] = (i);                                   \
    if ((b) & (XREF_WB_ACTION_HEAD | XREF_WB_SPEECH_HEAD)) \
      ca[na++] = (i);                                   \
    if ((b) & TB_DQUOTE)                                \
      cq[nq++] = (i);                                   \
    if ((b) & TB_SEMI)                                  \
      cs[ns++] = (i);                                   \
  }                                                     \
  G_STMT_END

  /* The phrase finders read, at each candidate, the bucket of its word
   * in a phrase table, a cache miss (perf: most of a match's time, 1.6 %
   * of all samples on that load): asked for here, with the bits, a
   * sentence or more before the finders get there. */
  XrefPhraseHint he, ha, hs, hm;
  xref_phrase_table_hint (c->rules->entity_phrases, &he);
  xref_phrase_table_hint (c->rules->action_phrases, &ha);
  xref_phrase_table_hint (c->rules->speech_phrases, &hs);
  xref_phrase_table_hint (c->rules->modal_phrases, &hm);
#define TB_HEADS (XREF_WB_ENTITY_HEAD | XREF_WB_ACTION_HEAD | XREF_WB_SPEECH_HEAD | XREF_WB_MODAL_HEAD)
#define TB_PREFETCH_BUCKETS(i, b)                                                  \
  G_STMT_START                                                                     \
  {                                                                                \
    guint64 ph = xref_phrase_hash (tok[i].norm);                                   \
    /* (and the slot of the pair of this word and the next, where a       \
     * longer phrase goes on: chain_match) */                             \
    const char *next = i + 1 < ntok ? tok[i + 1].norm : NULL;                       \
    if ((b) & XREF_WB_ENTITY_HEAD)                                                 \
      {                                                                            \
        __builtin_prefetch (xref_phrase_hint_at (&he, ph));                        \
        __builtin_prefetch (xref_phrase_pair_at (&he, tok[i].norm, next));         \
      }                                                                            \
    if ((b) & XREF_WB_ACTION_HEAD)                                                 \
      {                                                                            \
        __builtin_prefetch (xref_phrase_hint_at (&ha, ph));                        \
        __builtin_prefetch (xref_phrase_pair_at (&ha, tok[i].norm, next));         \
      }                                                                            \
    if ((b) & XREF_WB_SPEECH_HEAD)                                                 \
      __builtin_prefetch (xref_phrase_hint_at (&hs, ph));                          \
    if ((b) & XREF_WB_MODAL_HEAD)                                                  \
      __builtin_prefetch (xref_phrase_hint_at (&hm, ph));                          \
  }                                                                                \
  G_STMT_END

  memset (c->used, 0, (ntok + TOK_PAD) * sizeof *c->used);
  memset (wb + ntok, 0, TOK_PAD * sizeof *wb);
  fill_unset (c->ment, c->tmx, c->spx, ntok);
  const guint64 *words = tc != NULL ? xref_text_doc_words (c->doc, c->rules) : NULL;
  if (words != NULL)
    /* The text stage's tokenizer kept every token's answers (text_word,
     * once per form in its form cache): the bits and slot words, the
     * candidates, and the phrase buckets asked for */
    for (guint i = 0; i < ntok; i++)
      {
        guint b = wb[i] = xref_text_word_bits (words[i]);
        sw[i] = xref_text_word_byte (words[i]);
        if (b & TB_CAND)
          {
            TB_PUSH_CANDS (i, b);
            if (b & TB_HEADS)
              TB_PREFETCH_BUCKETS (i, b);
          }
      }
  else if (tc == NULL)
    /* (without the cache, the reference the tests compare it with: the
     * bytes of the interned norms, not the text's) */
    for (guint i = 0; i < ntok; i++)
      {
        wb[i] = token_bits_of (c->rules, NULL, &tok[i]);
        sw[i] = slot_words_of (c->rules, NULL, &tok[i]);
      }
  else
    {
      /* The cache is read in token order but its entries are scattered,
       * and the loop waited on each (perf: half its time on the entry's
       * load): the entry of token i + TB_AHEAD is fetched while token i
       * is done, its key (tb_key) kept in wb until then. */
      guint ahead = MIN (ntok, TB_AHEAD), i = 0;

      for (guint k = 0; k < ahead; k++)
        {
          wb[k] = tb_key (&tok[k]);
          __builtin_prefetch (TB_SET (tc, wb[k]));
        }
      for (; i + TB_AHEAD < ntok; i++)
        {
          guint key = tb_key (&tok[i + TB_AHEAD]), b;
          wb[i + TB_AHEAD] = key;
          __builtin_prefetch (TB_SET (tc, key));
          b = wb[i] = tb_lookup (c->rules, text, tc, &tok[i], wb[i], &sw[i]);
          /* the candidates, while the bits are at hand (most tokens
           * are no candidate: one test) */
          if (b & TB_CAND)
            {
              TB_PUSH_CANDS (i, b);
              if (b & TB_HEADS)
                TB_PREFETCH_BUCKETS (i, b);
            }
        }
      for (; i < ntok; i++)
        wb[i] = tb_lookup (c->rules, text, tc, &tok[i], wb[i], &sw[i]);
    }
  /* (the tokens the loops above left out: the last TB_AHEAD, or all
   * without the cache) */
  if (words == NULL)
    for (guint i = tc == NULL ? 0 : ntok > TB_AHEAD ? ntok - TB_AHEAD : 0; i < ntok; i++)
      if (wb[i] & TB_CAND)
        TB_PUSH_CANDS (i, wb[i]);
#undef TB_PUSH_CANDS
#undef TB_PREFETCH_BUCKETS
#undef TB_HEADS
  c->cand_entity.n = ne;
  c->cand_modal.n = nm;
  c->cand_action.n = na;
  c->cand_dquote.n = nq;
  c->cand_semi.n = ns;

  /* A determiner is an entity candidate for the phrase that may start
   * after it (match_entity); where the word after it (after quotation
   * marks) starts none, it is no candidate unless it starts one itself
   * (on the bench corpus, one match_entity call in seven goes). */
  {
    Cands *cd = &c->cand_entity;
    guint n = 0;
    for (guint k = 0; k < cd->n; k++)
      {
        guint i = cd->at[k], j = i + 1;
        if (!(wb[i] & XREF_WB_ENTITY_HEAD))
          {
            /* (TB_QUOTE: wb is at hand, the tokens' records are not) */
            while (j < ntok && (wb[j] & TB_QUOTE))
              j++;
            if (j >= ntok || !(wb[j] & XREF_WB_ENTITY_HEAD))
              continue;
          }
        cd->at[n++] = i;
      }
    cd->n = n;
  }
}

/* The first candidate of cd in [a, b), or b; skips those before a. */
static inline guint
cand_first (Cands *cd, guint a, guint b)
{
  /* (sentences come in token order; were one to come back, so would the
   * cursor) */
  while (cd->next > 0 && cd->at[cd->next - 1] >= a)
    cd->next--;
  while (cd->next < cd->n && cd->at[cd->next] < a)
    cd->next++;
  return cd->next < cd->n && cd->at[cd->next] < b ? cd->at[cd->next] : b;
}

/* The index in cd of its first candidate at or after a (cd->next there).
 * The finders walk the candidates of a sentence from it by index: a step
 * is one candidate, not two tests of the cursor. */
static inline guint
cand_index (Cands *cd, guint a)
{
  cand_first (cd, a, G_MAXUINT);
  return cd->next;
}

static gboolean
is_capital_word (const Ctx *c, guint i)
{
  return (c->wb[i] & TB_CAPWORD) != 0;
}

/* The norm of token i is spelt as a plural (TB_PLURAL), or ends in "ed"
 * (TB_ED): bits of the word, not a strlen per question. */
static gboolean
is_plural (const Ctx *c, guint i)
{
  return (c->wb[i] & TB_PLURAL) != 0;
}

static gboolean
ends_ed (const Ctx *c, guint i)
{
  return (c->wb[i] & TB_ED) != 0;
}

static gint
modality_rank (XrefModality m)
{
  switch (m)
    {
    case XREF_MODALITY_PLANNED:
      return 1;
    case XREF_MODALITY_POSSIBLE:
      return 2;
    case XREF_MODALITY_CONDITIONAL:
      return 3;
    case XREF_MODALITY_UNCONFIRMED:
      return 4;
    case XREF_MODALITY_REFUSED:
      return 5;
    case XREF_MODALITY_ASSERTED:
    default:
      return 0;
    }
}

static XrefModality
modality_max (XrefModality a, XrefModality b)
{
  return modality_rank (b) > modality_rank (a) ? b : a;
}

/* The sentence that holds token i. */
static guint
sentence_of (const Ctx *c, guint i)
{
  guint lo = 0, hi = c->doc->sentences->len;

  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (SENT (c, mid)->first_token <= i)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* ---- phrase tables ------------------------------------------------------ */

/* head is the table's XREF_WB_*_HEAD bit: no phrase starts at a token
 * without it, which is most tokens. */
static inline guint
match_table (const Ctx *c, const XrefPhraseTable *table, guint head, guint a, guint b, guint i,
             gconstpointer *value)
{
  if (table == NULL || i >= b || !(c->wb[i] & head))
    {
      *value = NULL;
      return 0;
    }
  return xref_phrase_table_match (table, &c->tok[a], b - a, i - a, value);
}

/* The action or speech phrase of table at i (match_table) and the tag
 * of its match (XREF_ACTION_TAG_*, 0 for none): its form, whether it
 * names an action, whether it is an attribution phrase, from the phrase
 * table's own memory.  find_actions_and_speech needs no more, and
 * reading the match record there cost a cache miss per candidate that
 * stalled its loop (perf: 40 % of its time); it is prefetched for
 * build_claim instead when the action is kept. */
static inline guint
match_tagged (const Ctx *c, const XrefPhraseTable *table, guint head, guint a, guint b, guint i,
              gconstpointer *value, guint *tag)
{
  guint len;

  if (table == NULL || i >= b || !(c->wb[i] & head))
    {
      *value = NULL;
      *tag = 0;
      return 0;
    }
  len = xref_phrase_table_match_tagged (table, &c->tok[a], b - a, i - a, value, tag);
  /* (a table built without the tags: from the match) */
  if (G_UNLIKELY (len > 0 && !(*tag & XREF_ACTION_TAG_SET)))
    *tag = xref_action_match_tag (*value);
  return len;
}

/* match_tagged in the action phrases. */
static inline guint
match_action (const Ctx *c, guint a, guint b, guint i, gconstpointer *value, guint *tag)
{
  return match_tagged (c, c->rules->action_phrases, XREF_WB_ACTION_HEAD, a, b, i, value, tag);
}

/* find_entities' memo of the entity table's answer at the word after a
 * determiner: match_entity asks there first, and when the determiner
 * joins nothing the loop's next candidate is that word, where it would
 * ask again. */
typedef struct {
  guint at;                     /* G_MAXUINT: none */
  guint len;
  gconstpointer v;
} EntityMemo;

/* The longest entity phrase at i; a determiner before a phrase that is
 * longer than any phrase starting at the determiner joins it.  memo:
 * NULL, or find_entities' for [a, b).  (Forced inline, as GCC chose to
 * until the action finder grew: out of line it cost ~10 M instructions
 * more on the 10 MB corpus.) */
G_ALWAYS_INLINE static inline guint
match_entity_m (const Ctx *c, guint a, guint b, guint i, const XrefEntityMatch **em, EntityMemo *memo)
{
  gconstpointer v = NULL, v2 = NULL;
  guint len;

  if (memo != NULL && memo->at == i)
    {
      v = memo->v;
      len = memo->len;
    }
  else
    len = match_table (c, c->rules->entity_phrases, XREF_WB_ENTITY_HEAD, a, b, i, &v);
  if (i + 1 < b && (wc (c, i) & XREF_WC_DETERMINER) && !(wc (c, i) & XREF_WC_CONJUNCTION))
    {
      guint j = i + 1, len2;
      while (j < b && is_quote (c, j))
        j++;
      len2 = match_table (c, c->rules->entity_phrases, XREF_WB_ENTITY_HEAD, a, b, j, &v2);
      if (memo != NULL)
        {
          memo->at = j;
          memo->len = len2;
          memo->v = v2;
        }
      if (len2 > 0 && len2 + (j - i) > len)
        {
          *em = v2;
          return len2 + (j - i);
        }
    }
  *em = v;
  return len;
}

static inline guint
match_entity (const Ctx *c, guint a, guint b, guint i, const XrefEntityMatch **em)
{
  return match_entity_m (c, a, b, i, em, NULL);
}

/* ---- mentions ----------------------------------------------------------- */

/* entity_cat (c, e, plural) given cat, entity_cat of e with either
 * plural: the entity's record is not read again.  (CAT_PLURAL is
 * entity_cat's for a group whatever plural is.)  A mention's cat keeps
 * entity_cat's bits of its entity: CAT_COUNTRY, CAT_ORG and CAT_EVENT
 * there say what its entity's type is. */
static inline guint
entity_cat_plural (guint cat, gboolean plural)
{
  if (!(cat & CAT_GROUP))
    cat &= ~(guint) CAT_PLURAL;
  return cat | (plural ? CAT_PLURAL : 0);
}

static inline guint
entity_cat (const Ctx *c, const XrefEntity *e, gboolean plural)
{
  guint cat = 0;

  if (e->type == c->w.t_person)
    {
      cat |= CAT_PERSON;
      if (e->gender == c->w.g_male)
        cat |= CAT_MALE;
      else if (e->gender == c->w.g_female)
        cat |= CAT_FEMALE;
    }
  else if (e->type == c->w.t_org)
    cat |= CAT_ORG;
  else if (e->type == c->w.t_country)
    cat |= CAT_COUNTRY;
  else if (e->type == c->w.t_weapon)
    cat |= CAT_WEAPON;
  else if (e->type == c->w.t_group)
    cat |= CAT_GROUP | CAT_PLURAL;
  else if (e->type == c->w.t_event)
    cat |= CAT_EVENT;
  else
    cat |= CAT_THING;
  if (plural)
    cat |= CAT_PLURAL;
  return cat;
}

/* np_id builds an id in a buffer of this size (longer ones in the
 * scratch GString) */
#define NP_BUF 240

/* Does np_id leave token k out?  Quotes and numbers; determiners and
 * vague words before the first word it keeps (any). */
static gboolean
np_skip (const Ctx *c, guint k, gboolean any)
{
  if (c->wb[k] & (TB_QUOTE | TB_NUMBER))
    return TRUE;
  return (c->wb[k] & TB_WORD) && !any && ((wc (c, k) & XREF_WC_DETERMINER) || (c->wb[k] & XREF_WB_VAGUE));
}

/* "np:" and the words [from, to) lower-cased, interned: np_id_build,
 * through a per-thread cache keyed by the tokens' interned norms and
 * kinds.  These and the rules (the classes np_skip asks about) make the
 * id, so a phrase seen before ("the city", "local officials") costs a
 * probe instead of copying, hashing and comparing its bytes.  The cache
 * holds the answers for the rules of its serial (XrefRules.serial). */
#define NPK_MAX 6               /* tokens in a key; longer phrases go around */
/* 2^15 entries, 2 MB: at 2^12 four probes in ten missed on the 10 MB
 * corpus, at 2^15 one in seven (most of these the first sight of a
 * phrase) */
#define NPK_BITS 15

typedef struct {
  const char *norm[NPK_MAX];
  guint8 kind[NPK_MAX];
  guint8 n;                     /* 0: an empty entry */
  const char *id;
} NpIdEntry;

typedef struct NpIdCache_ {
  NpIdEntry e[1u << NPK_BITS];  /* (first, and the cache aligned on 64 bytes:
                                   an entry is one cache line) */
  guint serial;                 /* 0: empty */
} NpIdCache;

G_STATIC_ASSERT (sizeof (NpIdEntry) == 64);

/* The thread's three large caches, np_id's (2 MB), token_bits' (512 KB)
 * and the rule lists' (256 KB, claims_block), in one block, empty:
 * probed at random, they waited on memory, the scattered pages of
 * np_ids on the TLB as much (perf: the prefetch of np_resolve).  The
 * block is on huge pages where the system has them (xref_huge_alloc0: two
 * instead of ~700, and ~700 fewer page faults). */

static gsize list_cache_bytes (void);

static void
caches_map (Work *w)
{
  gsize tb_at = (sizeof (NpIdCache) + 63) & ~(gsize) 63;
  gsize ls_at = (tb_at + sizeof (TokenBitsCache) + 63) & ~(gsize) 63;
  gsize size = ls_at + list_cache_bytes ();
  char *base;

  if (w->np_ids_block != NULL)
    return;
  base = xref_huge_alloc0 (size, &w->np_ids_block);
  w->caches_len = size;
  w->np_ids = (NpIdCache *) (gpointer) base;
  w->tb = (TokenBitsCache *) (gpointer) (base + tb_at);
  w->lists = (struct ListEntry_ *) (gpointer) (base + ls_at);
}

/* The thread's cache (in its work buffers) for rules (emptied when it
 * held another rule set's answers), or NULL. */
static NpIdCache *
np_ids_for (Work *w, const XrefRules *rules)
{
  NpIdCache *nc = w->np_ids;

  if (rules->serial == 0)
    return NULL;
  if (nc == NULL)
    {
      caches_map (w);
      nc = w->np_ids;
      nc->serial = rules->serial;
    }
  else if (nc->serial != rules->serial)
    {
      memset (nc, 0, sizeof *nc);
      nc->serial = rules->serial;
    }
  return nc;
}

static const char *np_id_build (const Ctx *c, guint from, guint to);

/* The slot of np_id's cache for [from, to), or G_MAXUINT when the phrase
 * goes around the cache. */
static inline guint
np_slot_of (const Ctx *c, guint from, guint to)
{
  guint64 h = to - from;
  guint n = to - from;

  if (c->np_ids == NULL || n == 0 || n > NPK_MAX)
    return G_MAXUINT;
  for (guint k = from; k < to; k++)
    {
      h = (h ^ (guint64) (guintptr) c->tok[k].norm ^ ((guint64) c->tok[k].kind << 56))
          * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
      h ^= h >> 31;
    }
  return (guint) ((h * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - NPK_BITS));
}

/* np_id, given np_slot_of (c, from, to). */
static inline const char *
np_id_at (const Ctx *c, guint from, guint to, guint slot)
{
  guint n = to - from;

  if (slot == G_MAXUINT)
    return np_id_build (c, from, to);
  {
    NpIdEntry *e = &c->np_ids->e[slot];
    gboolean hit = e->n == n;
    for (guint k = 0; hit && k < n; k++)
      hit = e->norm[k] == c->tok[from + k].norm && e->kind[k] == (guint8) c->tok[from + k].kind;
    if (hit)
      return e->id;
    e->id = np_id_build (c, from, to);
    e->n = (guint8) n;
    for (guint k = 0; k < n; k++)
      {
        e->norm[k] = c->tok[from + k].norm;
        e->kind[k] = (guint8) c->tok[from + k].kind;
      }
    return e->id;
  }
}

static const char *
np_id (const Ctx *c, guint from, guint to)
{
  return np_id_at (c, from, to, np_slot_of (c, from, to));
}

/* Does np_id (c, from, to) give an id (not NULL)?  It does when a token
 * is kept (np_skip). */
static gboolean
np_has_id (const Ctx *c, guint from, guint to)
{
  for (guint k = from; k < to; k++)
    if (!np_skip (c, k, FALSE))
      return TRUE;
  return FALSE;
}

/* find_mentions looks the np ids of a sentence up after its main loop,
 * all at once: the cache is large and each probe is a cache miss; the
 * entry of each is prefetched when the mention is made, so that the
 * rest of the main loop runs while it comes (prefetched just before the
 * lookups, they still waited: perf).  np_defer notes that the mention just pushed to out
 * takes np_id (c, from, to); np_resolve sets the ids, does what names do
 * with the map (name is NP_*), in the main loop's order, and drops the
 * mentions without an id (np_has_id) unless keep_null: the main loop
 * pushes a mention only when it has an id, and moves on the same either
 * way. */
static inline void
np_defer (Ctx *c, const Vec *out, guint from, guint to, guint name, gboolean keep_null)
{
  NpPending p = { out->len - 1, from, to, np_slot_of (c, from, to), name, keep_null };

  if (p.slot != G_MAXUINT)
    __builtin_prefetch (&c->np_ids->e[p.slot]);
  VEC_PUSH (c->pending, NpPending, p);
}

static void
np_resolve (Ctx *c, Vec *out)
{
  NpPending *p = (NpPending *) (gpointer) c->pending->data;
  guint n = c->pending->len;
  gboolean drop = FALSE;

  for (guint k = 0; k < n; k++)
    {
      Mention *m = &g_array_index (out, Mention, p[k].at);
      m->id = np_id_at (c, p[k].from, p[k].to, p[k].slot);
      if (m->id == NULL)
        {
          /* (marked for the sweep below: no mention is MK_NONE) */
          if (!p[k].keep_null)
            {
              m->kind = MK_NONE;
              drop = TRUE;
            }
          continue;
        }
      if (p[k].name == NP_NAME_ONE)
        {
          const char *known = names_lookup (c->names, norm (c, p[k].from));
          if (known != NULL)
            m->id = known;
        }
      else if (p[k].name == NP_NAME_MORE)
        names_insert (c->names, norm (c, p[k].to - 1), m->id);
    }
  c->pending->len = 0;
  if (drop)
    {
      Mention *m = (Mention *) (gpointer) out->data;
      guint kept = 0;
      for (guint k = 0; k < out->len; k++)
        if (m[k].kind != MK_NONE)
          m[kept++] = m[k];
      out->len = kept;
    }
}

/* np_id without the cache. */
static const char *
np_id_build (const Ctx *c, guint from, guint to)
{
  char buf[NP_BUF];
  gsize n = 3;
  gboolean any = FALSE;

  memcpy (buf, "np:", 3);
  for (guint k = from; k < to; k++)
    {
      if (np_skip (c, k, any))
        continue;
      if (any && (c->wb[k] & TB_WORD) && n < NP_BUF)
        buf[n++] = ' ';
      for (const char *p = norm (c, k); *p != '\0' && n < NP_BUF; p++)
        buf[n++] = *p;
      any = TRUE;
    }
  if (!any)
    return NULL;
  if (n >= NP_BUF)
    {
      /* too long for buf (never in practice): built in the scratch string */
      GString *s = c->scratch;
      g_string_assign (s, "np:");
      any = FALSE;
      for (guint k = from; k < to; k++)
        {
          if (np_skip (c, k, any))
            continue;
          if (any && tk (c, k)->kind == XREF_TOKEN_WORD)
            g_string_append_c (s, ' ');
          g_string_append (s, norm (c, k));
          any = TRUE;
        }
      return xref_intern_len (s->str, s->len);
    }
  /* (straight to the intern table: a cache of ids in front of it, keyed
   * by a hash of the bytes, was asked only here, for phrases np_ids had
   * not seen lately, answered one in three and waited on memory for each
   * probe, two thirds of this function's time: perf) */
  return xref_intern_len (buf, n);
}

/* The end of a run of nominal words from i (at most max words); a final
 * word in -ed is a verb more often than a noun, and is left out. */
static inline guint
nominal_run (const Ctx *c, guint i, guint b, guint max)
{
  guint j = i;

  while (j < b && j - i < max && is_nominal (c, j))
    j++;
  while (j > i && ends_ed (c, j - 1))
    j--;
  return j;
}

/* A capitalised name from i: capitalised words joined by "of", "for",
 * "and" or "de" when a capitalised word follows.  Stops at entities. */
static guint
caps_run (const Ctx *c, guint i, guint b)
{
  guint j = i;

  while (j < b)
    {
      if (is_capital_word (c, j) && c->used[j] == 0)
        {
          j++;
          continue;
        }
      if (j > i && j + 1 < b && (c->wb[j] & TB_WORD)
          && (norm (c, j) == c->w.of || norm (c, j) == c->w.and_ || norm (c, j) == c->w.for_
              || norm (c, j) == c->w.de)
          && is_capital_word (c, j + 1) && c->used[j + 1] == 0)
        {
          j++;
          continue;
        }
      break;
    }
  return j;
}

/* Is i the first word of its sentence or of a quotation? */
static inline gboolean
at_start (const Ctx *c, guint a, guint i)
{
  guint k = i;
  while (k > a && (is_quote (c, k - 1) || is_punct (c, k - 1, c->w.lparen)))
    k--;
  return k == a || is_punct (c, k - 1, c->w.colon);
}

static inline void
push_mention (Vec *out, guint first, guint last, guint sent, const char *id, MentionKind kind, guint cat)
{
  Mention m = { 0 };

  m.first = first;
  m.last = last;
  m.sent = sent;
  m.id = id;
  m.kind = kind;
  m.cat = cat;
  VEC_PUSH (out, Mention, m);
}

/* m[0..n) by first token, stably (as g_array_sort did), into dst: m is
 * the sentence's entities (find_entities, in text order) up to ne, then
 * its other mentions (find_mentions' main loop, in text order), so the
 * order is a merge of the two runs; on a tie the entity comes first. */
static void
merge_mentions (Mention *dst, const Mention *m, guint ne, guint n)
{
  guint p = 0, q = ne;

  while (p < ne && q < n)
    *dst++ = m[q].first < m[p].first ? m[q++] : m[p++];
  while (p < ne)
    *dst++ = m[p++];
  while (q < n)
    *dst++ = m[q++];
}

/* Pronoun resolution: the most salient compatible mention of the last
 * sentences.  Tier A fits the pronoun's class best ("he": a male person),
 * tier B is a fallback ("he": an unknown name); a mention that is the
 * object of a preposition is less salient than a subject or object. */
static gint
pronoun_score (const Ctx *c, guint pclass, const Mention *m)
{
  guint cat = m->cat;
  gint tier = -1;

  if (m->id == NULL)
    return -1;
  /* an unknown name of two words or more is more likely a person */
  if (pclass & XREF_WC_PRONOUN_MALE)
    tier = (cat & CAT_PERSON) && !(cat & CAT_FEMALE) ? 0 : (cat & CAT_NAME) ? (strchr (m->id, ' ') ? 1 : 2) : -1;
  else if (pclass & XREF_WC_PRONOUN_FEMALE)
    tier = (cat & CAT_PERSON) && !(cat & CAT_MALE) ? 0 : (cat & CAT_NAME) ? (strchr (m->id, ' ') ? 1 : 2) : -1;
  else if (pclass & XREF_WC_PRONOUN_PLURAL)
    tier = (cat & CAT_PLURAL) ? 0 : (cat & (CAT_ORG | CAT_COUNTRY | CAT_GROUP | CAT_WEAPON)) ? 1 : -1;
  else if (pclass & XREF_WC_PRONOUN_NEUTER)
    tier = (cat & CAT_PLURAL) ? -1
           : (cat & (CAT_COUNTRY | CAT_ORG | CAT_THING | CAT_WEAPON | CAT_EVENT)) ? 0
           : (cat & CAT_NAME) ? 1
                              : -1;
  if (tier < 0)
    return -1;
  return tier * 2 + (m->in_pp ? 1 : 0);
}

static gint
resolve_pronoun (const Ctx *c, guint pclass, guint sent, guint upto, const char *exclude)
{
  gint best = -1, best_score = G_MAXINT;

  for (guint k = upto; k-- > 0;)
    {
      const Mention *m = MENTION (c, k);
      gint score;

      if (m->sent + PRONOUN_WINDOW <= sent)
        break;
      if (exclude != NULL && m->id == exclude)
        continue;
      score = pronoun_score (c, pclass, m);
      if (score >= 0 && score < best_score)
        {
          best = (gint) k;
          best_score = score;
          /* (nothing scores below 0, and a tie keeps the later mention) */
          if (score == 0)
            break;
        }
    }
  return best;
}

/* The speaker a pronoun subject of a speech verb stands for: the last
 * speaker it does not contradict ("“…,” he said" after "the minister said" or
 * after "the minister said"). */
static const SpeakerHist *
resolve_speaker_pronoun (const Ctx *c, guint pclass, guint sent)
{
  const guint not_person = CAT_ORG | CAT_COUNTRY | CAT_PLURAL | CAT_GROUP | CAT_WEAPON | CAT_EVENT;

  for (guint k = c->speakers->len; k-- > 0;)
    {
      const SpeakerHist *h = &g_array_index (c->speakers, SpeakerHist, k);
      gboolean fits;

      if (h->sent + SPEAKER_WINDOW <= sent)
        break;
      if (pclass & XREF_WC_PRONOUN_MALE)
        fits = !(h->cat & (CAT_FEMALE | not_person));
      else if (pclass & XREF_WC_PRONOUN_FEMALE)
        fits = !(h->cat & (CAT_MALE | not_person));
      else if (pclass & XREF_WC_PRONOUN_PLURAL)
        fits = (h->cat & (CAT_PLURAL | CAT_ORG | CAT_COUNTRY | CAT_GROUP)) != 0;
      else
        fits = (h->cat & (CAT_ORG | CAT_COUNTRY)) != 0 && !(h->cat & CAT_PLURAL);
      if (fits)
        return h;
    }
  return NULL;
}

static const char *
entity_rule (const XrefEntityMatch *em)
{
  return em != NULL ? em->rule : NULL;
}

/* What find_entities takes from entity match em, through the thread's
 * memo (SlotCache.entities, 12 KB): the match and its entity are rule
 * data two dependent cache misses away, read for every entity mention
 * (perf, 10 MB corpus: 0.5 % of all samples on those two loads; the
 * stage's share of the run fell by 0.7 points with the memo). */
static EntityInfo
entity_info (const Ctx *c, const XrefEntityMatch *em)
{
  EntityInfo *e = &c->slots->entities[xref_hash_ptr (em, ENTITY_INFO_BITS)];

  if (G_UNLIKELY (e->em != em))
    {
      e->em = em;
      e->entity = em->entity;
      e->id = em->entity->id;
      e->rule = entity_rule (em);
      e->cat = entity_cat (c, em->entity, FALSE);
      e->kind = (guint8) em->kind;
      e->weapon = em->entity->type == c->w.t_weapon;
    }
  /* (a copy: the next call may take the same entry) */
  return *e;
}

static void
find_entities (Ctx *c, guint s, guint a, guint b, Vec *out)
{
  EntityMemo memo = { G_MAXUINT, 0, NULL };

  /* (no entity phrase starts at a token that is no candidate, nor after
   * a determiner there) */
  const guint *at = c->cand_entity.at;
  guint n = c->cand_entity.n, ci = cand_index (&c->cand_entity, a), from = a;

  for (; ci < n && at[ci] < b; ci++)
    {
      const XrefEntityMatch *em = NULL;
      guint i = at[ci], len;

      /* (from: after the mention found last) */
      if (i < from || c->tmx[i] >= 0 || is_quote (c, i))
        continue;
      len = match_entity_m (c, a, b, i, &em, &memo);
      if (len == 0 || em == NULL)
        continue;
      {
        guint e = i + len;
        const XrefEntityMatch *next = NULL;
        guint nlen;
        gboolean plural;
        Mention m = { 0 };
        EntityInfo info = entity_info (c, em), ni;

        /* "German Chancellor" + "Angela Merkel": one mention. */
        while (e < b && (nlen = match_entity (c, a, b, e, &next)) > 0 && next != NULL
               && (ni = entity_info (c, next)).entity == info.entity)
          {
            e += nlen;
            if (ni.kind == XREF_MENTION_ALIAS)
              info = ni;
          }
        plural = info.kind == XREF_MENTION_DEMONYM ? is_plural (c, e - 1) : (info.weapon && is_plural (c, e - 1));
        m.first = i;
        m.last = e;
        m.sent = s;
        m.id = info.id;
        m.rule = info.rule;
        m.entity = info.entity;
        m.kind = MK_ENTITY;
        m.ekind = (XrefMentionKind) info.kind;
        m.cat = info.cat | (plural ? CAT_PLURAL : 0);
        VEC_PUSH (out, Mention, m);
        for (guint k = i; k < e; k++)
          c->used[k] |= U_ENTITY;
        from = e;
      }
    }
  c->cand_entity.next = ci;
}

static void
find_modals (Ctx *c, guint a, guint b)
{
  const guint *at = c->cand_modal.at;
  guint n = c->cand_modal.n, ci = cand_index (&c->cand_modal, a), from = a;

  for (; ci < n && at[ci] < b; ci++)
    {
      gconstpointer v = NULL;
      guint i = at[ci], len;
      gboolean free_span = TRUE;

      if (i < from || c->used[i] != 0 || is_quote (c, i) || (is_capital_word (c, i) && !at_start (c, a, i)))
        continue;
      len = match_table (c, c->rules->modal_phrases, XREF_WB_MODAL_HEAD, a, b, i, &v);
      for (guint k = i; k < i + len; k++)
        if (c->used[k] & (U_ENTITY | U_TIMEX))
          free_span = FALSE;
      if (len == 0 || v == NULL || !free_span)
        continue;
      {
        ModalOcc o = { i, i + len, v };
        VEC_PUSH (c->modals, ModalOcc, o);
        for (guint k = i; k < i + len; k++)
          c->used[k] |= U_MODAL;
        from = i + len;
      }
    }
  c->cand_modal.next = ci;
}

/* A verb that is both a speech verb and an action ("announce", "confirm")
 * is speech when what follows is a report: "that", a quotation, a colon,
 * the end of the sentence; else it is the action ("announced its
 * intention", "has been announced"). */
static gboolean
speech_reading (const Ctx *c, guint a, guint b, guint i, guint len)
{
  guint k = i;

  while (k > a && (is_adverb (c, k - 1) || (wc (c, k - 1) & XREF_WC_NEGATION)))
    k--;
  if (k > a && is_be (c, k - 1))
    return FALSE;
  k = i + len;
  while (k < b && (c->tmx[k] >= 0 || is_adverb (c, k)
                   || ((wc (c, k) & XREF_WC_PREPOSITION) && k + 1 < b && c->tmx[k + 1] >= 0)))
    k++;
  if (k >= b)
    return TRUE;
  return norm (c, k) == c->w.that || is_quote (c, k) || is_punct (c, k, c->w.colon) || is_punct (c, k, c->w.comma)
         || is_punct (c, k, c->w.period);
}

/* A headline in title case ("Tara Reid Checks Into Rehab"): three in
 * four of its longer words are capitalised, so a capital letter does
 * not mark a name there. */
static gboolean
title_case (const Ctx *c, guint a, guint b)
{
  guint words = 0, caps = 0;

  for (guint i = a; i < b; i++)
    if (tk (c, i)->kind == XREF_TOKEN_WORD && g_utf8_strlen (tk (c, i)->norm, -1) > 3)
      {
        words++;
        if (is_capital_word (c, i))
          caps++;
      }
  return words >= 3 && caps * 4 >= words * 3;
}

static void
find_actions_and_speech (Ctx *c, guint s, guint a, guint b)
{
  gboolean title = (SENT (c, s)->flags & XREF_SENTENCE_HEADING) && title_case (c, a, b);

  /* (no action nor speech phrase starts at a token that is no candidate) */
  const guint *at = c->cand_action.at;
  guint n = c->cand_action.n, ci = cand_index (&c->cand_action, a), from = a;

  for (; ci < n && at[ci] < b; ci++)
    {
      gconstpointer av = NULL, sv = NULL;
      guint i = at[ci], alen, slen, len, atag, stag;
      XrefForm aform;
      gboolean ok = TRUE, name;

      if (i < from || c->used[i] != 0 || is_quote (c, i))
        continue;
      /* a capitalised word inside a sentence is a name ("Promises
       * Treatment Center"), not a verb, except in a title-case headline */
      name = is_capital_word (c, i) && !at_start (c, a, i) && !title;
      alen = match_action (c, a, b, i, &av, &atag);
      slen = match_tagged (c, c->rules->speech_phrases, XREF_WB_SPEECH_HEAD, a, b, i, &sv, &stag);
      if (!(atag & XREF_ACTION_TAG_ACTION))
        alen = 0;
      aform = (XrefForm) (atag & XREF_ACTION_TAG_FORM);
      /* a capitalised word inside a sentence is a name, unless the rules
       * write the phrase capitalised themselves ("the Oscars") */
      if (name)
        {
          slen = 0;
          if (!(atag & XREF_ACTION_TAG_CAPITAL))
            alen = 0;
        }
      if (sv == NULL)
        slen = 0;
      len = MAX (alen, slen);
      for (guint k = i; k < i + len; k++)
        if (c->used[k] & (U_ENTITY | U_MODAL | U_TIMEX))
          ok = FALSE;
      /* "a rehab program", "fire crews": a noun before a noun modifies
       * it; the head is what the phrase is about */
      if (alen > 0 && alen >= slen && aform == XREF_FORM_NOUN && i + alen < b
          && is_nominal (c, i + alen) && !ends_ed (c, i + alen)
          /* (not "an earthquake measuring 5.6": a participle follows) */
          && !NORM_ENDS_WITH (c, i + alen, "ing"))
        {
          /* (not "an earthquake struck": a verb follows) */
          gconstpointer next = NULL;
          guint ntag, nlen = match_action (c, a, b, i + alen, &next, &ntag);
          if (nlen == 0 || (ntag & XREF_ACTION_TAG_FORM) == XREF_FORM_NOUN)
            ok = FALSE;
        }
      /* "into direct confrontation": after a preposition (not "to") a
       * verb form before a noun is an adjective ("with murder" is a
       * noun, below) */
      if (alen > 0 && alen >= slen && i > a && (wc (c, i - 1) & XREF_WC_PREPOSITION) && norm (c, i - 1) != c->w.to
          && aform != XREF_FORM_NOUN && aform != XREF_FORM_GERUND && i + alen < b && is_nominal (c, i + alen))
        ok = FALSE;
      if (alen > 0 && alen >= slen && i > a && i + alen < b)
        {
          XrefForm f = aform;
          gconstpointer next = NULL;
          guint ntag;
          /* "did not want direct confrontation": a base form after an
           * open-class word and before a noun is an adjective */
          if (f == XREF_FORM_BASE && is_nominal (c, i - 1) && is_nominal (c, i + alen))
            ok = FALSE;
          /* "the increased shelling": a participle between a determiner
           * and an action noun describes it */
          else if ((f == XREF_FORM_PAST || f == XREF_FORM_PARTICIPLE) && (wc (c, i - 1) & XREF_WC_DETERMINER)
                   && !(wc (c, i - 1) & XREF_WC_CONJUNCTION) && c->ment[i - 1] < 0
                   && match_action (c, a, b, i + alen, &next, &ntag) > 0)
            ok = FALSE;
        }
      if (len == 0 || !ok)
        continue;
      if (slen > 0 && slen >= alen && (alen == 0 || speech_reading (c, a, b, i, slen)))
        {
          SpeechOcc o = { 0 };
          o.first = i;
          o.last = i + slen;
          o.m = sv;
          o.attribution = (stag & XREF_ACTION_TAG_ATTRIBUTION) != 0;
          for (guint k = i; k < i + slen; k++)
            {
              c->used[k] |= U_SPEECH;
              c->spx[k] = (gint) c->speeches->len;
            }
          VEC_PUSH (c->speeches, SpeechOcc, o);
          from = i + slen;
        }
      else if (alen > 0)
        {
          ActionOcc o = { i, i + alen, s, aform, av };
          /* (its match record, unread so far: build_claim reads it) */
          __builtin_prefetch (av);
          VEC_PUSH (c->actions, ActionOcc, o);
          for (guint k = i; k < i + alen; k++)
            c->used[k] |= U_ACTION;
          from = i + alen;
        }
    }
  c->cand_action.next = ci;
}

/* Is there an action noun (or gerund) at i: "the increased shelling"? */
static inline gboolean
action_noun_at (const Ctx *c, const SentInfo *si, guint i)
{
  /* (no action at i: most tokens) */
  if (!(c->used[i] & U_ACTION))
    return FALSE;
  for (guint k = si->a0; k < si->a0 + si->an; k++)
    {
      const ActionOcc *o = ACTION (c, k);
      if (o->first == i)
        return o->form == XREF_FORM_NOUN || o->form == XREF_FORM_GERUND;
    }
  return FALSE;
}

/* Is the action occurrence ending just before i a verb (not a noun)? */
static inline gboolean
after_verb (const Ctx *c, const SentInfo *si, guint i)
{
  /* (no action just before i: most tokens) */
  if (i == 0 || !(c->used[i - 1] & U_ACTION))
    return FALSE;
  for (guint k = si->a0; k < si->a0 + si->an; k++)
    {
      const ActionOcc *o = ACTION (c, k);
      if (o->last == i)
        return o->form != XREF_FORM_NOUN;
    }
  return FALSE;
}

/* The bits of a token (Ctx.wb) that let it start a mention other than a
 * bare noun phrase (TB_MSTART without TB_NOMINAL alone). */
#define MSTART_NOT_BARE                                                                                \
  (XREF_WC_PRONOUN_MALE | XREF_WC_PRONOUN_FEMALE | XREF_WC_PRONOUN_PLURAL | XREF_WC_PRONOUN_NEUTER       \
   | XREF_WC_DETERMINER | TB_NUMBER | TB_CAPWORD | XREF_WB_VAGUE | XREF_WB_NUMBER)

/* The tokens of [w0, MIN (b, w0 + 64)) where find_mentions' main loop
 * may start a mention, bit k - w0 for token k: TB_MSTART and not used
 * (neither changes in that loop).  A word of bits made without a branch
 * per token, then read from bit to bit: the loop that skipped token by
 * token mispredicted at the end of nearly every run (perf: a sixth of
 * find_mentions' time). */
static inline guint64
mstart_window (const Ctx *c, guint w0, guint b)
{
  guint64 m = 0;
  guint n = MIN (b - w0, 64u), k = 0;
  const guint *wb = c->wb + w0;
  const guint8 *used = c->used + w0;

#if defined(__SSE2__)
  /* sixteen tokens a step: their TB_MSTART bits packed to bytes, and
   * with the bytes of used that are 0; the last step may read up to 15
   * tokens past b (the document's next tokens, or TOK_PAD), masked off */
  const __m128i bit = _mm_set1_epi32 ((gint) TB_MSTART), zero = _mm_setzero_si128 ();
  for (; k < n; k += 16)
    {
      __m128i x[4];
      for (guint q = 0; q < 4; q++)
        {
          __m128i w = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (wb + k + 4 * q));
          x[q] = _mm_cmpeq_epi32 (_mm_and_si128 (w, bit), bit);
        }
      __m128i p = _mm_packs_epi16 (_mm_packs_epi32 (x[0], x[1]), _mm_packs_epi32 (x[2], x[3]));
      __m128i u = _mm_cmpeq_epi8 (_mm_loadu_si128 ((const __m128i *) (gconstpointer) (used + k)), zero);
      m |= (guint64) (guint) _mm_movemask_epi8 (_mm_and_si128 (p, u)) << k;
    }
  return n == 64 ? m : m & ((G_GUINT64_CONSTANT (1) << n) - 1);
#else
  for (; k < n; k++)
    m |= (guint64) (((wb[k] / TB_MSTART) & 1) & (used[k] == 0)) << k;
  return m;
#endif
}

static void
find_mentions (Ctx *c, guint s, guint a, guint b, Vec *out)
{
  SentInfo *si = INFO (c, s);
  /* (out holds find_entities' mentions: the first run of the merge) */
  const guint nent = out->len;

  /* Demonyms take the nouns after them: "American experts"; so does a
   * country or an organisation used as a modifier of a plural noun that
   * is no verb ("U.S. citizens imprisoned …", not "Moscow seeks a …"). */
  for (guint k = 0; k < out->len; k++)
    {
      Mention *m = &g_array_index (out, Mention, k);
      guint e;

      if (m->kind != MK_ENTITY)
        continue;
      if (m->ekind == XREF_MENTION_DEMONYM)
        e = nominal_run (c, m->last, b, NP_MAX - 1);
      /* (a country or an organisation: its cat says so, entity_cat, and
       * the entity's record, rule data, is a cache miss away) */
      else if (m->cat & (CAT_COUNTRY | CAT_ORG))
        {
          e = nominal_run (c, m->last, b, 2);
          for (guint j = m->last; j < e; j++)
            if (ends_ed (c, j))
              e = m->last;
          if (e == m->last || !is_plural (c, e - 1)
              || (e < b && ((wc (c, e) & XREF_WC_DETERMINER) || c->used[e] & U_ENTITY || is_capital_word (c, e)
                            || (c->wb[e] & TB_NUMBER))))
            e = m->last;
        }
      else
        continue;
      {
          for (guint j = m->last; j < e; j++)
            c->used[j] |= U_ENTITY;
          if (e > m->last)
            {
              m->last = e;
              m->cat = entity_cat_plural (m->cat, is_plural (c, e - 1));
            }
      }
    }

  /* (the tokens where a mention may start, 64 a word from w0: below) */
  guint64 win = 0;
  guint w0 = a;

  if (a < b)
    win = mstart_window (c, a, b);
  for (guint i = a; i < b;)
    {
      guint k;

      /* Most tokens start no mention: skip to the next that may (no
       * quotation mark has TB_MSTART, and a timex token is used) */
      {
        guint64 m;
        if (i >= w0 + 64)
          {
            w0 = i;
            win = mstart_window (c, w0, b);
          }
        m = win >> (i - w0);
        if (m == 0)
          {
            i = w0 + 64;
            continue;
          }
        i += (guint) __builtin_ctzll (m);
      }
      /* A nominal word that starts nothing else (no pronoun, determiner,
       * number, vague word or capital) starts only a bare noun phrase,
       * and only after punctuation, a quotation mark, a conjunction, a
       * preposition, "'s" or an action (the last two cases below): most
       * such words follow an adjective or another noun. */
      if (!(c->wb[i] & MSTART_NOT_BARE) && i > a
          && !(c->wb[i - 1] & (TB_PUNCT | TB_QUOTE | XREF_WC_CONJUNCTION | XREF_WC_PREPOSITION))
          && !(c->used[i - 1] & U_ACTION) && norm (c, i - 1) != c->w.poss)
        {
          i++;
          continue;
        }
      k = wc (c, i);

      /* A possessive determiner before a noun, else a pronoun. */
      if (k & (XREF_WC_PRONOUN_MALE | XREF_WC_PRONOUN_FEMALE | XREF_WC_PRONOUN_PLURAL | XREF_WC_PRONOUN_NEUTER))
        {
          guint e = (k & XREF_WC_DETERMINER) && i + 1 < b ? nominal_run (c, i + 1, b, NP_MAX) : i + 1;
          if (e > i + 1)
            {
              push_mention (out, i, e, s, NULL, MK_NP, is_plural (c, e - 1) ? CAT_PLURAL : CAT_THING);
              np_defer (c, out, i + 1, e, NP_PLAIN, TRUE);
              i = e;
              continue;
            }
          {
            Mention m = { 0 };
            m.first = i;
            m.last = i + 1;
            m.sent = s;
            m.kind = MK_PRONOUN;
            m.pclass = k;
            VEC_PUSH (out, Mention, m);
          }
          i++;
          continue;
        }

      /* Capitalised names. */
      if (is_capital_word (c, i))
        {
          guint e = caps_run (c, i, b);
          gboolean skip = FALSE;

          if (at_start (c, a, i) && e == i + 1)
            skip = k != 0 || ends_ed (c, i) || NORM_ENDS_WITH (c, i, "ing") || NORM_ENDS_WITH (c, i, "ly")
                   || (e < b && is_punct (c, e, c->w.comma))
                   /* "Three inmates escaped": a number word, below */
                   || (c->wb[i] & XREF_WB_NUMBER);
          else if (at_start (c, a, i))
            skip = k != 0;
          if (!skip && e > i)
            {
              /* (a one-word name takes the id of a longer name it ends,
               * seen before: "Biden" after "Joe Biden") */
              push_mention (out, i, e, s, NULL, MK_NAME, CAT_NAME);
              np_defer (c, out, i, e, e - i == 1 ? NP_NAME_ONE : NP_NAME_MORE, FALSE);
              i = e;
              continue;
            }
          /* "The", "Several" …: a determiner, below */
        }

      /* Determiner or number + nouns: "the decision", "two days"; not
       * "that" before another determiner ("… that our embassy has"). */
      if (((k & XREF_WC_DETERMINER) || (c->wb[i] & TB_NUMBER)
           || ((c->wb[i] & TB_WORD) && (c->wb[i] & XREF_WB_VAGUE))
           || ((c->wb[i] & TB_WORD) && (!is_capital_word (c, i) || at_start (c, a, i))
               && (c->wb[i] & XREF_WB_NUMBER)))
          && !((k & XREF_WC_CONJUNCTION)
               && ((i + 1 < b && (wc (c, i + 1) & XREF_WC_DETERMINER))
                   || !(i == a || (wc (c, i - 1) & XREF_WC_PREPOSITION) || after_verb (c, si, i)))))
        {
          guint j = i + 1, e;
          while (j < b && c->used[j] == 0
                 && ((wc (c, j) & XREF_WC_DETERMINER) || (c->wb[j] & TB_NUMBER)))
            j++;
          e = nominal_run (c, j, b, NP_MAX);
          if (e == j)
            {
              /* "23 Somali pirates", "the Big Game program": names as
               * modifiers of a noun */
              guint q = j;
              while (q < b && q < j + 3 && is_capital_word (c, q) && c->used[q] == 0)
                q++;
              if (q == j || (e = nominal_run (c, q, b, NP_MAX)) == q)
                e = j;
            }
          /* "the increased shelling", "the latest UN data": the words
           * belong to the action noun or the name after them */
          if (e > j && e < b && (action_noun_at (c, si, e) || (c->used[e] & U_ENTITY) || is_capital_word (c, e)))
            e = j;
          if (e > j)
            {
              push_mention (out, i, e, s, NULL, MK_NP, is_plural (c, e - 1) ? CAT_PLURAL : CAT_THING);
              np_defer (c, out, j, e, NP_PLAIN, FALSE);
              i = e;
              continue;
            }
          i++;
          continue;
        }

      /* A bare subject of a speech verb: "…, police said", "state media
       * reported", "investigators say". */
      if (is_nominal (c, i)
          && (i == a || (c->wb[i - 1] & TB_PUNCT) || is_quote (c, i - 1)
              || ((wc (c, i - 1) & XREF_WC_CONJUNCTION) && !(wc (c, i - 1) & XREF_WC_DETERMINER))))
        {
          guint e = nominal_run (c, i, b, NP_MAX), v = e;
          while (v < b && (is_adverb (c, v) || (wc (c, v) & XREF_WC_AUXILIARY)))
            v++;
          if (e > i && v < b && (c->used[v] & U_SPEECH) && !(c->used[e] & U_ENTITY))
            {
              /* (here what follows depends on there being an id) */
              if (np_has_id (c, i, e))
                {
                  push_mention (out, i, e, s, NULL, MK_NP, is_plural (c, e - 1) ? CAT_PLURAL : CAT_THING);
                  np_defer (c, out, i, e, NP_PLAIN, TRUE);
                  i = e;
                  continue;
                }
            }
        }

      /* Bare nouns after a preposition, a possessive or a verb; after "to"
       * only a plural ("to civilians", not "to protect"). */
      if (is_nominal (c, i) && i > a
          && (((wc (c, i - 1) & XREF_WC_PREPOSITION)
               && (norm (c, i - 1) != c->w.to || is_plural (c, i) || (c->used[i - 1] & U_SPEECH)))
              || norm (c, i - 1) == c->w.poss || after_verb (c, si, i)))
        {
          guint e = nominal_run (c, i, b, NP_MAX);
          if (e < b && (action_noun_at (c, si, e) || (c->used[e] & U_ENTITY) || is_capital_word (c, e)))
            e = i;
          if (e > i)
            {
              push_mention (out, i, e, s, NULL, MK_NP, is_plural (c, e - 1) ? CAT_PLURAL : CAT_THING);
              np_defer (c, out, i, e, NP_PLAIN, FALSE);
              i = e;
              continue;
            }
        }
      i++;
    }

  np_resolve (c, out);

  /* The sentence's mentions join the document's, in order (one merge),
   * and one pass over them drops a title before a person ("President
   * Joe Biden": the person takes the title's tokens), marks the objects
   * of prepositions, makes "Putin and Biden" plural and resolves each
   * pronoun in place against the mentions before it (those of the
   * sentence included, already marked and resolved): at a mention, all
   * a pronoun reads of those before it is final (a pair made plural is
   * two entities, no pronoun). */
  si->m0 = c->mentions->len;
  {
    Mention *dst = vec_reserve (c->mentions, out->len, sizeof (Mention));
    guint n = 0;

    if (out->len > 0)   /* an empty GArray's data may be NULL */
      merge_mentions (dst, (const Mention *) (gpointer) out->data, MIN (nent, out->len), out->len);
    for (guint k = 0; k < out->len; k++)
      {
        Mention *m;

        if (k + 1 < out->len && dst[k].kind == MK_NAME && dst[k + 1].kind == MK_ENTITY
            && (dst[k + 1].cat & CAT_PERSON) && dst[k].last == dst[k + 1].first)
          {
            dst[k + 1].first = dst[k].first;
            continue;
          }
        /* (k - n titles dropped before: the mention moves down) */
        m = &dst[n];
        if (n != k)
          *m = dst[k];
        /* Objects of prepositions (and what is coordinated with them). */
        {
          guint p = m->first;
          while (p > a && is_quote (c, p - 1))
            p--;
          if (p > a && (wc (c, p - 1) & XREF_WC_PREPOSITION))
            m->in_pp = TRUE;
          else if (n > 0)
            {
              const Mention *prev = m - 1;
              if (prev->in_pp && prev->last + 1 == p
                  && (norm (c, p - 1) == c->w.and_ || norm (c, p - 1) == c->w.or_))
                m->in_pp = TRUE;
            }
        }
        /* "Putin and Biden" together are plural for "they". */
        if (n > 0 && m->kind == MK_ENTITY && m[-1].kind == MK_ENTITY && (m[-1].cat & CAT_PERSON)
            && (m->cat & CAT_PERSON) && m->first == m[-1].last + 1 && norm (c, m[-1].last) == c->w.and_)
          {
            m[-1].cat |= CAT_PLURAL;
            m->cat |= CAT_PLURAL;
          }
        if (m->kind == MK_PRONOUN)
          {
            gint r = resolve_pronoun (c, m->pclass, s, si->m0 + n, NULL);
            if (r >= 0)
              {
                const Mention *ante = MENTION (c, r);
                m->id = ante->id;
                m->rule = ante->rule;
                m->entity = ante->entity;
                m->cat = ante->cat;
              }
          }
        for (guint j = m->first; j < m->last; j++)
          {
            c->ment[j] = (gint) (si->m0 + n);
            c->used[j] |= U_MENTION;
          }
        n++;
      }
    c->mentions->len += n;
    si->mn = n;
  }
}

/* ---- speakers ----------------------------------------------------------- */

static Arg
arg_of_mention (const Ctx *c, const Mention *m)
{
  Arg a = { 0 };

  if (m == NULL || m->id == NULL)
    return a;
  a.id = m->id;
  a.start = tk (c, m->first)->start;
  a.end = tk (c, m->last - 1)->end;
  a.rule = m->rule;
  return a;
}

/* The mention that ends exactly at token e (exclusive), or NULL. */
static const Mention *
mention_ending (const Ctx *c, guint e)
{
  if (e == 0 || c->ment[e - 1] < 0)
    return NULL;
  {
    const Mention *m = MENTION (c, c->ment[e - 1]);
    return m->last == e ? m : NULL;
  }
}

static const Mention *
mention_starting (const Ctx *c, guint i)
{
  if (i >= c->ntok || c->ment[i] < 0)
    return NULL;
  {
    const Mention *m = MENTION (c, c->ment[i]);
    return m->first == i ? m : NULL;
  }
}

/* The nearest mention before token i in the sentence [a, …) that is a
 * person (else any mention): the antecedent of "who". */
static const Mention *
antecedent_before (const Ctx *c, const SentInfo *si, guint i, gboolean person)
{
  const Mention *any = NULL;

  for (guint k = si->m0 + si->mn; k-- > si->m0;)
    {
      const Mention *m = MENTION (c, k);
      if (m->last > i || m->id == NULL)
        continue;
      if (!person || (m->cat & CAT_PERSON))
        return m;
      if (any == NULL)
        any = m;
    }
  return any;
}

static void
set_speaker (Ctx *c, guint s, SpeechOcc *o, const Mention *m)
{
  if (m == NULL)
    return;
  if (m->kind == MK_PRONOUN)
    {
      const SpeakerHist *h = resolve_speaker_pronoun (c, m->pclass, s);
      if (h != NULL)
        {
          o->who = h->who;
          o->who.start = tk (c, m->first)->start;
          o->who.end = tk (c, m->last - 1)->end;
          o->cat = h->cat;
          return;
        }
    }
  if (m->id == NULL)
    return;
  o->who = arg_of_mention (c, m);
  o->cat = m->cat;
}

/* Does what follows a speech verb report something: "that", a colon, a
 * quotation, or a subject and more words ("said the embassy maintains")?
 * Not "…, X said on Wednesday." nor "…, her rep told People." */
static gboolean
clause_follows (const Ctx *c, guint b, guint k)
{
  const Mention *m;

  while (k < b && (c->tmx[k] >= 0 || is_adverb (c, k)))
    k++;
  if (k >= b)
    return FALSE;
  if (norm (c, k) == c->w.that || is_punct (c, k, c->w.colon) || is_open_quote (c, k))
    return TRUE;
  /* "reported citing sources that" */
  for (guint j = k + 1; j < b && j <= k + 3 && (c->wb[j] & TB_WORD); j++)
    if (norm (c, j) == c->w.that)
      return TRUE;
  m = mention_starting (c, k);
  if (m == NULL)
    return FALSE;
  k = m->last;
  return k < b && !(c->wb[k] & (TB_PUNCT | TB_QUOTE));
}

static void
find_speakers (Ctx *c, guint s, guint a, guint b)
{
  SentInfo *si = INFO (c, s);

  for (guint n = si->s0; n < si->s0 + si->sn; n++)
    {
      SpeechOcc *o = SPEECH (c, n);
      const Mention *m = NULL;
      guint k;

      o->attr_first = o->first;
      o->attr_last = o->last;

      if (o->attribution)
        {
          /* "according to (the latest) X" */
          o->kind = SP_ACCORDING;
          for (k = o->last; k < b && k < o->last + 10; k++)
            {
              const Mention *here = mention_starting (c, k);
              if ((c->wb[k] & TB_PUNCT) || (c->used[k] & (U_ACTION | U_SPEECH | U_MODAL)))
                break;
              if (here == NULL)
                continue;
              if (m == NULL)
                m = here;
              if (here->cat & CAT_PERSON)
                {
                  m = here;
                  break;
                }
            }
          set_speaker (c, s, o, m);
          if (m != NULL)
            o->attr_last = m->last;
          continue;
        }

      /* The subject on the left: "X (also) said", "X, for now, said",
       * "the White House official said", "…, who said". */
      k = o->first;
      while (k > a && (is_adverb (c, k - 1) || (wc (c, k - 1) & (XREF_WC_AUXILIARY | XREF_WC_MODAL | XREF_WC_NEGATION))))
        k--;
      if (k > a && is_punct (c, k - 1, c->w.comma))
        {
          /* a parenthetical ", for now," */
          guint p = k - 1;
          while (p > a && p + 6 > k && !is_punct (c, p - 1, c->w.comma))
            p--;
          if (p > a && p + 6 > k && is_punct (c, p - 1, c->w.comma) && mention_ending (c, p - 1) != NULL)
            k = p - 1;
        }
      m = mention_ending (c, k);
      for (guint skip = 0; m == NULL && skip < 2 && k > a && is_nominal (c, k - 1); skip++)
        {
          k--;
          m = mention_ending (c, k);
        }
      if (m == NULL && k > a && (norm (c, k - 1) == c->w.who))
        {
          m = antecedent_before (c, si, k - 1, TRUE);
          if (m != NULL)
            {
              set_speaker (c, s, o, m);
              o->kind = SP_PRE;
              continue;
            }
        }
      if (m == NULL)
        {
          /* Inverted ("…,” said X) or passive ("as reported by X"). */
          guint r = o->last;
          gboolean by = r < b && norm (c, r) == c->w.by;
          if (by)
            r++;
          if (by || (o->first > a && (is_punct (c, o->first - 1, c->w.comma) || is_close_quote (c, o->first - 1)
                                      || is_punct (c, o->first - 1, c->w.dash))))
            m = mention_starting (c, r);
          if (m != NULL)
            o->attr_last = m->last;
        }
      else
        o->attr_first = m->first;
      set_speaker (c, s, o, m);

      /* After the reported words: "“…,” he said", "…, X said on Monday."
       * ("Earlier, X reported" is no such thing: too little before.) */
      k = o->attr_first;
      o->kind = SP_PRE;
      if (k > a && !clause_follows (c, b, o->attr_last))
        {
          guint p = k - 1;
          if (is_close_quote (c, p)
              || ((is_punct (c, p, c->w.comma) || is_punct (c, p, c->w.dash) || is_punct (c, p, c->w.ndash)
                   || is_punct (c, p, c->w.hyphen))
                  && p >= a + 4))
            o->kind = SP_POST;
        }
    }

  for (guint n = si->s0; n < si->s0 + si->sn; n++)
    {
      const SpeechOcc *o = SPEECH (c, n);
      if (o->who.id != NULL)
        {
          SpeakerHist h = { o->who, o->cat, s };
          VEC_PUSH (c->speakers, SpeakerHist, h);
        }
    }
}

/* The first speech verb of sentence s with a speaker, or NULL. */
static const SpeechOcc *
sentence_speech (const Ctx *c, guint s)
{
  const SentInfo *si = INFO (c, s);
  for (guint n = si->s0; n < si->s0 + si->sn; n++)
    if (SPEECH (c, n)->who.id != NULL)
      return SPEECH (c, n);
  return NULL;
}

/* Double quotation marks over the document; a quotation left open ends
 * with its paragraph. */
static void
find_quotes (Ctx *c)
{
  gint open = -1;
  guint nsent = c->doc->sentences->len;

  for (guint s = 0; s < nsent; s++)
    {
      const XrefSentence *sent = SENT (c, s);
      if (open >= 0 && s > 0 && (sent->flags & (XREF_SENTENCE_PARA | XREF_SENTENCE_HEADING)))
        {
          Quote q = { (guint) open, sent->first_token, sentence_of (c, (guint) open), { 0 }, NULL };
          VEC_PUSH (c->quotes, Quote, q);
          open = -1;
        }
      guint a = sent->first_token, b = a + sent->n_tokens;
      const guint *at = c->cand_dquote.at;
      guint n = c->cand_dquote.n, ci = cand_index (&c->cand_dquote, a);

      for (; ci < n && at[ci] < b; ci++)
        {
          guint i = at[ci];

          if (is_open_quote (c, i) && open < 0)
            open = (gint) i;
          else if (is_close_quote (c, i) && open >= 0)
            {
              Quote q = { (guint) open, i, sentence_of (c, (guint) open), { 0 }, NULL };
              VEC_PUSH (c->quotes, Quote, q);
              open = -1;
            }
        }
      c->cand_dquote.next = ci;
    }
  if (open >= 0)
    {
      Quote q = { (guint) open, c->ntok, sentence_of (c, (guint) open), { 0 }, NULL };
      VEC_PUSH (c->quotes, Quote, q);
    }

  /* Who says each quotation. */
  for (guint n = 0; n < c->quotes->len; n++)
    {
      Quote *q = &g_array_index (c->quotes, Quote, n);
      const SpeechOcc *found = NULL;

      if (q->close < c->ntok && is_close_quote (c, q->close))
        {
          const SentInfo *si = INFO (c, sentence_of (c, q->close));
          for (guint k = si->s0; k < si->s0 + si->sn && found == NULL; k++)
            {
              const SpeechOcc *o = SPEECH (c, k);
              if (o->who.id != NULL && o->kind == SP_POST && o->attr_first > q->close && o->attr_first <= q->close + 3)
                found = o;
            }
        }
      if (found == NULL)
        {
          const SentInfo *si = INFO (c, q->s_open);
          for (guint k = si->s0; k < si->s0 + si->sn; k++)
            {
              const SpeechOcc *o = SPEECH (c, k);
              if (o->who.id != NULL && o->kind != SP_POST && o->last <= q->open && o->last + 3 >= q->open)
                found = o;
            }
        }
      if (found != NULL)
        {
          q->who = found->who;
          q->rule = found->m->rule;
          continue;
        }
      /* A quotation that opens its sentence and names no speaker continues
       * the speaker of the sentence before (or its subject, a person). */
      if (q->s_open > 0 && at_start (c, SENT (c, q->s_open)->first_token, q->open + 1))
        {
          const SpeechOcc *o = sentence_speech (c, q->s_open - 1);
          const Quote *before = n > 0 ? &g_array_index (c->quotes, Quote, n - 1) : NULL;
          if (o != NULL)
            {
              q->who = o->who;
              q->rule = o->m->rule;
            }
          else if (before != NULL && before->who.id != NULL && before->close >= SENT (c, q->s_open - 1)->first_token)
            {
              /* a quotation after a quotation of the same speaker */
              q->who = before->who;
              q->rule = before->rule;
            }
          else
            {
              const SentInfo *pi = INFO (c, q->s_open - 1);
              if (pi->mn > 0 && (MENTION (c, pi->m0)->cat & CAT_PERSON))
                q->who = arg_of_mention (c, MENTION (c, pi->m0));
            }
        }
    }
}

static const Quote *
quote_of (const Ctx *c, guint i)
{
  guint lo = 0, hi = c->quotes->len;

  /* quotations are in text order and do not overlap */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      const Quote *q = &g_array_index (c->quotes, Quote, mid);
      if (i <= q->open)
        hi = mid;
      else if (i >= q->close)
        lo = mid + 1;
      else
        return q;
    }
  return NULL;
}

/* ---- clauses ------------------------------------------------------------ */

/* clause_start's last answer: start L and *opener for the clause of
 * token pos in the sentence from token a (a is G_MAXUINT for none). */
typedef struct ClauseMemo_ {
  guint a, pos, L;
  gint opener;
  /* clause_end's: the clause of token pos (end_pos) of the sentence
   * ending before token b ends at end_R (b is G_MAXUINT for none) */
  guint b, end_pos, end_R;
} ClauseMemo;

/* The first token of the clause that holds token pos: after the last
 * ";", ":", speech verb or clause-opening conjunction ("that", "which",
 * "because", "if" …; not "and"/"or") before it.  *opener is the boundary
 * token, or -1.  Whether a token is a boundary does not depend on pos,
 * and the claims of a sentence ask from left to right: with no boundary
 * in [pos of the last answer, pos) the answer is the last one, so the
 * scan stops there (Ctx.clause; the tokens' marks no longer change once
 * the claims are built). */
static guint
clause_start (const Ctx *c, guint a, guint pos, gint *opener)
{
  ClauseMemo *cm = c->clause;
  guint stop = cm != NULL && cm->a == a && cm->pos <= pos ? cm->pos : a;
  guint L = a;

  *opener = -1;
  for (guint k = pos; k-- > stop;)
    {
      if (c->used[k] & (U_MENTION | U_ENTITY))
        continue;
      if (maybe_punct (c, k) && (is_punct (c, k, c->w.semicolon) || is_punct (c, k, c->w.colon)))
        {
          *opener = (gint) k;
          L = k + 1;
          goto found;
        }
      if ((c->used[k] & U_SPEECH) && c->spx[k] >= 0 && SPEECH (c, c->spx[k])->who.id != NULL)
        {
          L = k + 1;
          goto found;
        }
      if ((wc (c, k) & XREF_WC_CONJUNCTION) && norm (c, k) != c->w.and_ && norm (c, k) != c->w.or_
          && !((c->used[k] & U_MODAL) && norm (c, k) != c->w.if_ && norm (c, k) != c->w.unless))
        {
          *opener = (gint) k;
          L = k + 1;
          goto found;
        }
    }
  if (stop != a)
    {
      L = cm->L;
      *opener = cm->opener;
    }
found:
  if (cm != NULL)
    {
      cm->a = a;
      cm->pos = pos;
      cm->L = L;
      cm->opener = *opener;
    }
  return L;
}

/* The end of the clause from pos: the next punctuation that closes a
 * phrase or conjunction. */
static guint
clause_end (const Ctx *c, guint b, guint pos)
{
  ClauseMemo *cm = c->clause;
  guint k;

  /* (no boundary in [end_pos, end_R): the same end for any pos there,
   * as for the next verb of the same clause) */
  if (cm != NULL && cm->b == b && cm->end_pos <= pos && pos <= cm->end_R)
    return cm->end_R;
  for (k = pos; k < b; k++)
    {
      if (c->used[k] & (U_MENTION | U_ENTITY | U_TIMEX))
        continue;
      if ((maybe_punct (c, k)
           && (is_punct (c, k, c->w.semicolon) || is_punct (c, k, c->w.colon) || is_punct (c, k, c->w.comma)
               || is_punct (c, k, c->w.period)))
          || (wc (c, k) & XREF_WC_CONJUNCTION) || (c->used[k] & U_SPEECH))
        break;
    }
  if (cm != NULL)
    {
      cm->b = b;
      cm->end_pos = pos;
      cm->end_R = k;
    }
  return k;
}

/* Skips the verb group left of pos: auxiliaries, modals, negation,
 * adverbs, quotation marks, modal phrases, "to". */
static guint
verb_group_start (const Ctx *c, guint a, guint pos)
{
  guint k = pos;
  while (k > a)
    {
      guint p = k - 1;
      if ((c->used[p] & U_MODAL) || is_quote (c, p) || is_adverb (c, p) || norm (c, p) == c->w.to
          || (wc (c, p) & (XREF_WC_AUXILIARY | XREF_WC_MODAL | XREF_WC_NEGATION)))
        k--;
      else
        break;
    }
  return k;
}

/* A noun phrase that governs the infinitive of the action: "a decision
 * (to carry out)". */
static gboolean
chain_noun (const Ctx *c, const Mention *m, guint pos)
{
  guint k = m->last;
  if (m->kind != MK_NP || k >= pos || norm (c, k) != c->w.to)
    return FALSE;
  for (k = k + 1; k < pos; k++)
    if (c->ment[k] >= 0)
      return FALSE;
  return TRUE;
}

/* Where the subject of an action was looked for. */
typedef struct {
  gint m;                       /* the subject (mention index), -1 */
  guint L;                      /* first token of the clause */
  gint opener;                  /* the token that opens it, -1 */
  guint vg;                     /* first token of the action's verb group */
  gboolean skipped;             /* a relative clause lies between */
} Subject;

/* The subject of the verb at pos: the nearest mention of its clause that
 * is not the object of a preposition, an entity before a noun phrase.
 * Skips a relative clause between subject and verb (", which …,"), and
 * resolves a relative pronoun to its antecedent; the noun of an
 * infinitive chain gives its possessor ("Russia’s decision to postpone"). */
static Subject
find_subject (const Ctx *c, guint s, guint a, guint pos, gboolean adjacent_pp)
{
  const SentInfo *si = INFO (c, s);
  Subject r = { -1, a, -1, 0, FALSE };
  gint best = -1;

  r.vg = verb_group_start (c, a, pos);

  /* ", which Paris has been asking Berlin for months, are sent" */
  if (r.vg > a && is_punct (c, r.vg - 1, c->w.comma))
    {
      for (guint k = r.vg - 1; k-- > a && k + 30 > r.vg;)
        {
          if (is_punct (c, k, c->w.semicolon) || is_punct (c, k, c->w.colon) || (c->used[k] & U_SPEECH))
            break;
          if (k > a && is_punct (c, k - 1, c->w.comma)
              && (norm (c, k) == c->w.which || norm (c, k) == c->w.who || norm (c, k) == c->w.whose
                  || norm (c, k) == c->w.where))
            {
              pos = k - 1;
              r.skipped = TRUE;
              break;
            }
        }
    }

  r.L = clause_start (c, a, r.skipped ? pos : r.vg, &r.opener);

  for (guint k = si->m0 + si->mn; k-- > si->m0;)
    {
      const Mention *m = MENTION (c, k);
      if (m->last > pos)
        continue;
      if (m->first < r.L)
        break;
      if (m->id == NULL)
        continue;
      if (chain_noun (c, m, pos))
        {
          if (m->first > a && norm (c, m->first - 1) == c->w.poss && mention_ending (c, m->first - 1) != NULL)
            {
              r.m = c->ment[m->first - 2];
              return r;
            }
          continue;
        }
      /* not "after an ex-employee opened fire": a subordinator's subject */
      if (m->in_pp && !(adjacent_pp && m->last == pos)
          && !(m->first > a && is_subordinator (c, m->first - 1) && m->last == r.vg))
        continue;
      if (m->kind == MK_ENTITY || m->kind == MK_PRONOUN)
        {
          r.m = (gint) k;
          return r;
        }
      if (best < 0)
        best = (gint) k;
    }
  if (best >= 0)
    {
      r.m = best;
      return r;
    }

  /* "the invasion, which began …": the antecedent of the relative pronoun */
  if (r.opener >= 0 && is_relative (c, (guint) r.opener))
    {
      guint e = (guint) r.opener;
      while (e > a && is_punct (c, e - 1, c->w.comma))
        e--;
      for (guint k = si->m0 + si->mn; k-- > si->m0;)
        {
          const Mention *m = MENTION (c, k);
          if (m->last <= e && m->id != NULL)
            {
              r.m = m->last == e ? (gint) k : -1;
              break;
            }
        }
    }
  return r;
}

/* The object right after a verb: determiners belong to the mention;
 * adverbs, quotation marks and time expressions are skipped. */
static gint
find_object (const Ctx *c, guint b, guint pos)
{
  guint k = pos;
  while (k < b
         && (is_quote (c, k) || is_adverb (c, k) || c->tmx[k] >= 0
             || (k > pos && is_adverb (c, k - 1) && norm (c, k) == c->w.than)))
    k++;
  if (k < b && c->ment[k] >= 0 && MENTION (c, c->ment[k])->first == k && MENTION (c, c->ment[k])->id != NULL)
    {
      const Mention *m = MENTION (c, c->ment[k]);
      /* "announced its intention": "its" is a determiner here */
      if (m->kind == MK_PRONOUN && (wc (c, k) & XREF_WC_DETERMINER) && m->last < b
          && tk (c, m->last)->kind == XREF_TOKEN_WORD && !(wc (c, m->last) & XREF_WC_PREPOSITION))
        return -1;
      return c->ment[k];
    }
  return -1;
}

/* An action noun as the object of a verb: "confirm the deal", "postponed
 * the election" — the noun is an event of its own and the object of this
 * one.  Returns its noun phrase as an "np:" argument, or no id. */
static Arg
event_object (const Ctx *c, const SentInfo *si, guint b, guint pos)
{
  Arg r = { 0 };
  guint k = pos, from;

  while (k < b && (is_quote (c, k) || is_adverb (c, k)))
    k++;
  from = k;
  while (k < b && c->ment[k] < 0 && (wc (c, k) & XREF_WC_DETERMINER) && tk (c, k)->kind == XREF_TOKEN_WORD)
    k++;
  for (guint n = 0; n < NP_MAX - 1 && k < b && is_nominal (c, k); n++)
    k++;
  for (guint j = si->a0; j < si->a0 + si->an; j++)
    {
      const ActionOcc *v = ACTION (c, j);
      /* a verb form after a determiner is its noun: "the release" */
      if (v->first == k
          && (v->form == XREF_FORM_NOUN || (k > from && v->form != XREF_FORM_GERUND)))
        {
          r.id = np_id (c, from, v->last);
          r.start = tk (c, from)->start;
          r.end = tk (c, v->last - 1)->end;
          break;
        }
    }
  return r;
}

/* "by X" after the action, in its clause. */
static gint
find_by (const Ctx *c, guint b, guint pos)
{
  guint k = pos;

  /* right after the verb: "killed (on Friday) by a gunman", not "killed
   * during demonstrations by tens of thousands" */
  while (k < b && (is_quote (c, k) || is_adverb (c, k) || c->tmx[k] >= 0
                   || ((wc (c, k) & XREF_WC_PREPOSITION) && norm (c, k) != c->w.by && k + 1 < b && c->tmx[k + 1] >= 0)))
    k++;
  if (k < b && norm (c, k) == c->w.by)
    {
      guint j = k + 1;
      while (j < b && is_quote (c, j))
        j++;
      if (j < b && c->ment[j] >= 0 && MENTION (c, c->ment[j])->first == j && MENTION (c, c->ment[j])->id != NULL)
        return c->ment[j];
    }
  return -1;
}

/* "of X" right after a noun. */
static gint
find_of (const Ctx *c, guint b, guint pos)
{
  guint k = pos;
  while (k < b && is_quote (c, k))
    k++;
  if (k + 1 < b && norm (c, k) == c->w.of)
    {
      guint adj = 0;
      k++;
      /* "of eastern France" */
      while (k < b && (is_quote (c, k) || (adj < 2 && is_nominal (c, k) && ++adj)))
        k++;
      if (k < b && c->ment[k] >= 0 && MENTION (c, c->ment[k])->first == k && MENTION (c, c->ment[k])->id != NULL)
        return c->ment[k];
    }
  return -1;
}

/* The possessor or modifier of a noun: "Washington’s possible delivery",
 * "its transfer", "Russian bombing". */
static gint
find_possessor (const Ctx *c, guint a, guint pos)
{
  guint k = pos, skipped = 0;

  while (k > a && is_quote (c, k - 1))
    k--;
  {
    const Mention *m = mention_ending (c, k);
    if (m != NULL && m->kind == MK_ENTITY && m->id != NULL)
      return c->ment[k - 1];
  }
  while (k > a && skipped < 3 && (is_nominal (c, k - 1) || (c->used[k - 1] & U_MODAL) || is_quote (c, k - 1)))
    {
      k--;
      skipped++;
    }
  if (k > a + 1 && norm (c, k - 1) == c->w.poss)
    {
      const Mention *m = mention_ending (c, k - 1);
      if (m != NULL && m->id != NULL)
        return c->ment[k - 2];
    }
  if (k > a)
    {
      const Mention *m = mention_ending (c, k);
      if (m != NULL && m->kind == MK_PRONOUN && m->id != NULL && (wc (c, k - 1) & XREF_WC_DETERMINER))
        return c->ment[k - 1];
    }
  return -1;
}

/* An incident named as such: "the fire", "the church fire", "Friday’s
 * shooting" — a determiner that points at one incident the reader knows
 * (the, this, a possessor), or a preposition that makes it the
 * circumstance of a clause; at most two modifiers between, and no noun
 * after it ("fire crews" are something else).  Such an event is a claim
 * on its own: another source can confirm it. */
static gboolean
definite_event (const Ctx *c, const ActionOcc *o, guint a, guint b)
{
  guint k = o->first, mods = 0;
  const char *d;

  if (o->last < b && (is_nominal (c, o->last) || (c->used[o->last] & U_ACTION)))
    return FALSE;
  while (k > a && mods < 2 && (is_nominal (c, k - 1) || c->tmx[k - 1] >= 0 || is_capital_word (c, k - 1)))
    {
      k--;
      mods++;
    }
  if (k == a)
    return FALSE;
  d = norm (c, k - 1);
  if (d == c->w.the || d == c->w.poss || d == c->w.this_)
    return TRUE;
  /* "damaged in a suspicious fire", "charged with murder", "during
   * riots": an incident as the circumstance of a clause (not "of X", a
   * part of a noun phrase, nor "to", an infinitive) */
  if ((wc (c, k - 1) & XREF_WC_DETERMINER) && k - 1 > a)
    d = norm (c, --k - 1);
  return (wc (c, k - 1) & XREF_WC_PREPOSITION) && d != c->w.of && d != c->w.to;
}

/* Is the noun at o the complement of the verb before it ("does not
 * intend to enter into direct confrontation") and that verb negated or
 * not asserted?  Then the incident is not asserted either. */
static gboolean
unasserted_scope (const Ctx *c, const PrevClaim *prev, guint a, const ActionOcc *o)
{
  guint k = o->first;

  while (k > a && k + 3 > o->first && (is_nominal (c, k - 1) || (wc (c, k - 1) & XREF_WC_DETERMINER)))
    k--;
  if (k > a && (wc (c, k - 1) & XREF_WC_PREPOSITION))
    k--;
  return prev->valid && prev->last == k
         && (prev->polarity == XREF_POLARITY_NEGATED || prev->modality != XREF_MODALITY_ASSERTED);
}

/* An event noun that is the subject of its clause: "a suspicious fire
 * destroyed the church", "riots broke out", "the fire was set".  The
 * text reports the event itself, so it is a claim on its own. */
static gboolean
subject_event (const Ctx *c, const SentInfo *si, const ActionOcc *o, guint b)
{
  guint k = o->last;

  while (k < b && (is_adverb (c, k) || is_quote (c, k)))
    k++;
  if (k >= b)
    return FALSE;
  if (wc (c, k) & (XREF_WC_AUXILIARY | XREF_WC_MODAL))
    return norm (c, k) != c->w.poss;
  for (guint j = si->a0; j < si->a0 + si->an; j++)
    {
      const ActionOcc *v = ACTION (c, j);
      if (v->first == k)
        return v->form == XREF_FORM_PRESENT || v->form == XREF_FORM_PAST;
    }
  return FALSE;
}

/* ---- the form of an action occurrence ----------------------------------- */

static gboolean
is_nounlike (const Ctx *c, const ActionOcc *o, guint a, guint b)
{
  XrefForm form = o->form;
  guint p = o->first;
  guint pw;

  if (form == XREF_FORM_NOUN)
    return TRUE;
  if (form == XREF_FORM_PAST || form == XREF_FORM_PARTICIPLE)
    return FALSE;
  while (p > a && is_quote (c, p - 1))
    p--;
  if (p == a)
    return FALSE;
  p--;
  pw = wc (c, p);
  if (norm (c, p) == c->w.poss || ((pw & XREF_WC_DETERMINER) && !(pw & XREF_WC_CONJUNCTION)))
    return TRUE;
  if (form == XREF_FORM_GERUND)
    {
      /* "the increased shelling" */
      guint q = p + 1, skipped = 0;
      while (q > a && skipped < 2 && is_nominal (c, q - 1))
        {
          q--;
          skipped++;
        }
      return skipped > 0 && q > a && (norm (c, q - 1) == c->w.poss || ((wc (c, q - 1) & XREF_WC_DETERMINER)
                                                                         && !(wc (c, q - 1) & XREF_WC_CONJUNCTION)));
    }
  if ((pw & (XREF_WC_AUXILIARY | XREF_WC_MODAL | XREF_WC_NEGATION)) || norm (c, p) == c->w.to
      || (c->used[p] & U_MODAL))
    return FALSE;
  if (pw & (XREF_WC_PRONOUN_MALE | XREF_WC_PRONOUN_FEMALE | XREF_WC_PRONOUN_PLURAL | XREF_WC_PRONOUN_NEUTER))
    return FALSE;
  if (is_nominal (c, p) || (c->ment[p] >= 0 && MENTION (c, c->ment[p])->kind == MK_NP))
    return TRUE;
  /* "missile strikes was …", "the start of …": no object follows */
  if (o->last >= b)
    return TRUE;
  {
    guint nw = wc (c, o->last);
    return tk (c, o->last)->kind == XREF_TOKEN_PUNCT || norm (c, o->last) == c->w.of
           || (nw & (XREF_WC_AUXILIARY | XREF_WC_MODAL));
  }
}

typedef enum {
  VOICE_ACTIVE,
  VOICE_PASSIVE,                /* "X was sent (by Y)" */
  VOICE_REDUCED,                /* "the offensive launched by Russia" */
  VOICE_ADJECTIVE,              /* "the occupied territories" */
} Voice;

static Voice
voice_of (const Ctx *c, const ActionOcc *o, guint a, guint b)
{
  XrefForm form = o->form;
  guint k = o->first;
  const Mention *m;

  if (form != XREF_FORM_PAST && form != XREF_FORM_PARTICIPLE)
    return VOICE_ACTIVE;
  while (k > a && (is_adverb (c, k - 1) || is_quote (c, k - 1) || (wc (c, k - 1) & XREF_WC_NEGATION)))
    k--;
  if (k > a && is_be (c, k - 1))
    return VOICE_PASSIVE;
  if (k > a && c->ment[k - 1] < 0 && (wc (c, k - 1) & XREF_WC_DETERMINER) && !(wc (c, k - 1) & XREF_WC_CONJUNCTION))
    return VOICE_ADJECTIVE;

  /* A reduced relative: a noun phrase, the participle, then "by" or a
   * preposition ("the batteries sent to Poland") — unless the noun phrase
   * opens its clause ("which Berlin annexed from France"). */
  m = mention_ending (c, o->first);
  if (m != NULL && m->kind != MK_PRONOUN && o->last < b)
    {
      if (norm (c, o->last) == c->w.by)
        return VOICE_REDUCED;
      if (wc (c, o->last) & XREF_WC_PREPOSITION)
        {
          gint opener;
          guint L = clause_start (c, a, m->first, &opener);
          /* "after an ex-employee opened fire at …": a subordinator
           * opens a clause of its own, whose verb is active */
          if (m->first > a && is_subordinator (c, m->first - 1))
            return VOICE_ACTIVE;
          for (guint j = L; j < m->first; j++)
            if (c->ment[j] >= 0)
              return VOICE_REDUCED;
        }
    }
  return VOICE_ACTIVE;
}

/* ---- slot values -------------------------------------------------------- */

/* The first token whose start is at or after byte offset. */
static guint
token_at_byte (const Ctx *c, gsize offset)
{
  guint lo = 0, hi = c->ntok;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      if (c->tok[mid].start < offset)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static const char *
number_value (const Ctx *c, guint k0, guint k1)
{
  gdouble v = 0;
  gboolean have = FALSE;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint k = k0; k < k1; k++)
    {
      const XrefToken *t = tk (c, k);
      if (!have && t->kind == XREF_TOKEN_NUMBER)
        {
          g_autoptr (GString) digits = g_string_new (NULL);
          for (const char *p = t->norm; *p != '\0'; p++)
            if (g_ascii_isdigit (*p) || *p == '.')
              g_string_append_c (digits, *p);
            else if (*p != ',')
              break;
          if (digits->len == 0)
            continue;
          v = g_ascii_strtod (digits->str, NULL);
          if (strstr (t->norm, "½") != NULL)
            v += 0.5;
          have = TRUE;
        }
      else if (!have && t->kind == XREF_TOKEN_WORD && c->rules->numbers != NULL)
        {
          const gdouble *n = g_hash_table_lookup (c->rules->numbers, t->norm);
          if (n != NULL && k + 1 < k1)
            {
              v = *n;
              have = TRUE;
            }
        }
      else if (have && t->kind == XREF_TOKEN_WORD)
        {
          if (t->norm == c->w.thousand)
            v *= 1e3;
          else if (t->norm == c->w.million)
            v *= 1e6;
          else if (t->norm == c->w.billion)
            v *= 1e9;
          break;
        }
    }
  if (!have)
    return NULL;
  /* range first: casting a double beyond gint64 is undefined behaviour */
  if (v < 1e15 && v > -1e15 && v == (gdouble) (gint64) v)
    g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, (gint64) v);
  else
    g_ascii_formatd (buf, sizeof buf, "%.10g", v);
  return xref_intern (buf);
}

/* The canonical value of text [start, end): the entity ids named in it
 * (sorted, comma-joined), a number, a vague group, else the text
 * lower-cased. */
static const char *
slot_value (const Ctx *c, const XrefSlotDef *def, gsize start, gsize end)
{
  guint k0 = token_at_byte (c, start), k1 = k0;
  Vec *ids = c->ids;            /* const char * */
  const char **idv;
  GString *text = c->scratch;

  ids->len = 0;
  g_string_truncate (text, 0);
  while (k1 < c->ntok && c->tok[k1].end <= end)
    k1++;
  for (guint k = k0; k < k1;)
    {
      const XrefEntityMatch *em = NULL;
      guint len = k1 > k ? match_entity (c, k0, k1, k, &em) : 0;
      if (len > 0 && em != NULL)
        {
          gboolean dup = FALSE;
          idv = (const char **) (gpointer) ids->data;
          for (guint j = 0; j < ids->len; j++)
            if (idv[j] == em->entity->id)
              dup = TRUE;
          if (!dup)
            VEC_PUSH (ids, const char *, em->entity->id);
          k += len;
        }
      else
        k++;
    }
  /* One entity: the joined text is its id, interned already (the
   * rules' ids are), and interning an interned string gives it back, so
   * it is the answer without a probe of the shared table (a miss). */
  if (ids->len == 1)
    return ((const char **) (gpointer) ids->data)[0];
  if (ids->len > 0)
    {
      /* (distinct ids: any sort gives the order g_ptr_array_sort did) */
      idv = (const char **) (gpointer) ids->data;
      qsort (idv, ids->len, sizeof *idv, cmp_str);
      for (guint j = 0; j < ids->len; j++)
        {
          if (j > 0)
            g_string_append_c (text, ',');
          g_string_append (text, idv[j]);
        }
      return xref_intern (text->str);
    }
  if (def != NULL && def->compare == XREF_COMPARE_NUMERIC)
    {
      const char *n = number_value (c, k0, k1);
      if (n != NULL)
        return n;
    }
  {
    /* One token besides quotes: the text is its norm, interned, and
     * interning gives it back (as above) */
    guint words = 0, word = k0;
    for (guint k = k0; k < k1 && words < 2; k++)
      if (tk (c, k)->kind != XREF_TOKEN_QUOTE)
        {
          words++;
          word = k;
        }
    if (words == 1 && tk (c, word)->norm[0] != '\0')
      {
        const char *w1 = tk (c, word)->norm, *g = NULL;
        if (def != NULL && def->groups != NULL)
          g = g_hash_table_lookup (def->groups, w1);
        return g != NULL ? g : w1;
      }
  }
  for (guint k = k0; k < k1; k++)
    {
      if (tk (c, k)->kind == XREF_TOKEN_QUOTE)
        continue;
      if (text->len > 0 && tk (c, k)->start > tk (c, k - 1)->end)
        g_string_append_c (text, ' ');
      g_string_append (text, tk (c, k)->norm);
    }
  if (text->len == 0)
    return NULL;
  if (def != NULL && def->groups != NULL)
    {
      const char *g = g_hash_table_lookup (def->groups, text->str);
      if (g == NULL)
        g = g_hash_table_lookup (def->groups, xref_intern (text->str));
      if (g != NULL)
        return g;
    }
  return xref_intern (text->str);
}

/* A slot pattern on the text [from, from + len).  A document's text is
 * valid UTF-8 (ingest.h: ingest replaces invalid bytes one for one, and
 * an HTML page's decoded references are whole characters; a document
 * from a record has no tokens and never gets here), so PCRE2 is not
 * asked to check the subject again on every call. */
static gboolean
slot_match (const Ctx *c, const XrefRegex *re, gsize from, gsize len, gsize off, XrefSpan *whole, XrefSpan *value,
            GError **error)
{
  return xref_regex_match_valid (re, c->doc->text + from, len, off, whole, value, error);
}

/* ---- claims ------------------------------------------------------------- */

/* The definition and the rule id ("slot:<id>", interned) of an interned
 * slot id.  A claim asks for each slot of its action: the few slots of a
 * rule set are remembered, not looked up and formatted for every claim. */
static const SlotInfo *
slot_info_new (Ctx *c, const char *sid)
{
  /* "slot:<id>" depends on the interned id alone: each thread remembers
   * the last few across documents (interned strings live until exit) */
  static _Thread_local struct {
    const char *sid, *rule;
  } rules[8];
  SlotCache *sc = c->slots;
  SlotInfo *si;
  guint r;

  if (sc->n < G_N_ELEMENTS (sc->slots))
    {
      guint h = SLOT_HASH (sid);
      while (sc->at[h] != 0)
        h = (h + 1) % G_N_ELEMENTS (sc->at);
      si = &sc->slots[sc->n++];
      sc->at[h] = (guint8) sc->n;
    }
  else
    si = &sc->spare;
  si->sid = sid;
  r = (guint) (((guintptr) sid >> 4) & (G_N_ELEMENTS (rules) - 1));
  if (rules[r].rule == NULL || rules[r].sid != sid)
    {
      g_autofree char *rule_s = g_strconcat ("slot:", sid, NULL);
      rules[r].sid = sid;
      rules[r].rule = xref_intern (rule_s);
    }
  si->rule = rules[r].rule;
  si->def = xref_rules_slot (c->rules, sid);
  return si;
}

/* (the few slots asked for lately: inline) */
static inline const SlotInfo *
slot_info (Ctx *c, const char *sid)
{
  SlotCache *sc = c->slots;

  /* (hashed: the loop over the slots mispredicted its exit, perf) */
  for (guint h = SLOT_HASH (sid); sc->at[h] != 0; h = (h + 1) % G_N_ELEMENTS (sc->at))
    if (sc->slots[sc->at[h] - 1].sid == sid)
      return &sc->slots[sc->at[h] - 1];
  return slot_info_new (c, sid);
}

/* Lists a rule of the draft once, and returns its XrefClaim.arg_rule: 1 +
 * its index, 0 for none or past XREF_CLAIM_ARG_RULE_MAX.  rule is
 * interned: every rule id comes from the rule set (rules.h) or from
 * slot_rule. */
static inline guint8
add_rule (Ctx *c, const char *rule)
{
  const char **r = (const char **) (gpointer) c->draft_rules->data;
  guint i;

  if (rule == NULL)
    return 0;
  for (i = 0; i < c->draft_rules->len; i++)
    if (r[i] == rule)
      break;
  if (i == c->draft_rules->len)
    VEC_PUSH (c->draft_rules, const char *, rule);
  return i < XREF_CLAIM_ARG_RULE_MAX ? (guint8) (i + 1) : 0;
}

/* The draft's value of a slot, or NULL (as xref_claim_slot).  Slot ids
 * are interned (every caller passes an id of the rules, rules.h, or of
 * Words): the same id is the same pointer. */
static const XrefSlotValue *
draft_slot (const Ctx *c, const char *slot)
{
  const XrefSlotValue *v = (const XrefSlotValue *) (gconstpointer) c->draft_slots->data;

  for (guint i = 0; i < c->draft_slots->len; i++)
    if (v[i].slot == slot)
      return &v[i];
  return NULL;
}

/* slot is interned (draft_slot). */
static void
add_slot (Ctx *c, const char *slot, const char *value, gsize start, gsize end, const char *rule)
{
  XrefSlotValue v = { 0 };

  if (slot == NULL || value == NULL || draft_slot (c, slot) != NULL)
    return;
  v.slot = slot;
  v.value = value;
  v.start = start;
  v.end = end;
  v.rule = rule;
  VEC_PUSH (c->draft_slots, XrefSlotValue, v);
  add_rule (c, rule);
}

/* ---- the claims kept ---------------------------------------------------- *
 *
 * A kept claim is staged in the thread's buffers (keep_claim) and, once
 * the document is done, the document's claims, their ids and slots are
 * laid out in one block the document owns (claims_block): one allocation
 * per document instead of two or three per claim, no malloc headers, and
 * a document's claims side by side for match and the reports.  A claim's
 * slots are a GArray header in the block (the public data and len, read
 * only, extract.h); xref_claim_free knows a claim of a block by its
 * address. */

typedef struct {
  guint slot0, n_slots;         /* in Keep.slots */
  guint rule0, n_rules;         /* in Keep.rules */
  guint64 hash;                 /* of the rules (list_hash) */
} KeptRef;

typedef struct Keep_ {
  Vec claims;                   /* XrefClaim, id, slots and rules unset */
  Vec refs;                     /* KeptRef, one per claim */
  Vec slots;                    /* XrefSlotValue, each claim's sorted */
  Vec rules;                    /* const char *, each claim's in order */
  guint n_slotted;              /* claims with slots */
} Keep;

static void
keep_free (gpointer p)
{
  Keep *k = p;

  g_free (k->claims.data);
  g_free (k->refs.data);
  g_free (k->slots.data);
  g_free (k->rules.data);
  g_free (k);
}

static GPrivate keep_key = G_PRIVATE_INIT (keep_free);

/* The thread's staging buffers, empty. */
static Keep *
keep_for (void)
{
  Keep *k = g_private_get (&keep_key);

  if (k == NULL)
    {
      k = g_new0 (Keep, 1);
      g_private_set (&keep_key, k);
    }
  k->claims.len = k->refs.len = k->slots.len = k->rules.len = 0;
  k->n_slotted = 0;
  return k;
}

/* Rule lists.  Lists recur across documents ("speech:say" alone, an
 * action and an entity…: the 124,000 claims of the 10 MB bench corpus
 * have 5,454 distinct lists), and a claim's list is read, never changed
 * (extract.h).  So each distinct list is made once, for the whole
 * process, in a table under a lock, and lives until exit like the
 * interned rule ids it holds; claims point to it, with no reference to
 * count.  Each thread remembers the lists it used lately, direct-mapped
 * by a hash of the rule pointers, with their first pointers in the entry
 * (one cache line): most claims (89 % there, 2^12 entries; 84 % at
 * 2^11, when the locked table answered 19,000 times on the 10 MB corpus
 * instead of 13,000) find their list without touching the list itself
 * or the lock, and claims_block asks for the entries of the claims ahead
 * before it reads them. */
typedef struct {
  GPtrArray list;               /* pdata → r; the public fields only */
  guint64 hash;
  const char *r[];
} SharedList;

#define LIST_CACHE_BITS 12
#define LIST_INLINE 6

typedef struct ListEntry_ {
  const SharedList *sl;         /* NULL when empty */
  guint n;
  const char *r[LIST_INLINE];   /* the first rules of the list */
} ListEntry;

static GMutex lists_lock;
static GHashTable *lists_table; /* SharedList * (set), under lists_lock */

static guint
shared_list_hash (gconstpointer p)
{
  return (guint) (((const SharedList *) p)->hash >> 32);
}

static gboolean
shared_list_equal (gconstpointer a, gconstpointer b)
{
  const GPtrArray *x = &((const SharedList *) a)->list, *y = &((const SharedList *) b)->list;

  return x->len == y->len && (x->len == 0 || memcmp (x->pdata, y->pdata, x->len * sizeof (gpointer)) == 0);
}

static guint64
list_hash (const char *const *r, guint n)
{
  guint64 h = n;

  for (guint j = 0; j < n; j++)
    {
      h = (h ^ (guint64) (guintptr) r[j]) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
      h ^= h >> 29;
    }
  return h;
}

/* The thread's entry for a list of hash h. */
static inline ListEntry *
list_entry (ListEntry *cache, guint64 h)
{
  return &cache[(h >> 40) & ((1u << LIST_CACHE_BITS) - 1)];
}

/* The size of a thread's cache of lists (Work.lists, in its caches'
 * block: caches_map). */
static gsize
list_cache_bytes (void)
{
  return sizeof (ListEntry) << LIST_CACHE_BITS;
}

/* The process's list of the n rules r of hash h (list_hash): the same
 * pointer for the same rules in the same order. */
static const GPtrArray *
shared_rules (ListEntry *cache, const char *const *r, guint n, guint64 h)
{
  ListEntry *e = list_entry (cache, h);
  guint i = 0;
  SharedList key, *sl;

  if (e->sl != NULL && e->n == n)
    {
      while (i < n && i < LIST_INLINE && e->r[i] == r[i])
        i++;
      /* (a longer list: the rest from the list itself) */
      while (i >= LIST_INLINE && i < n && e->sl->r[i] == r[i])
        i++;
      if (i == n)
        return &e->sl->list;
    }

  key.list.pdata = (gpointer *) r;
  key.list.len = n;
  key.hash = h;
  g_mutex_lock (&lists_lock);
  if (lists_table == NULL)
    lists_table = g_hash_table_new (shared_list_hash, shared_list_equal);
  sl = g_hash_table_lookup (lists_table, &key);
  if (sl == NULL)
    {
      sl = g_malloc (sizeof (SharedList) + n * sizeof (const char *));
      if (n > 0)
        memcpy (sl->r, r, n * sizeof (const char *));
      sl->list.pdata = (gpointer *) sl->r;
      sl->list.len = n;
      sl->hash = h;
      g_hash_table_add (lists_table, sl);
    }
  g_mutex_unlock (&lists_lock);
  e->sl = sl;
  e->n = n;
  for (i = 0; i < n && i < LIST_INLINE; i++)
    e->r[i] = r[i];
  return &sl->list;
}

/* A zeroed claim after the staged ones, filled in place by build_claim
 * and speech_claims (no copy of the draft): keep_claim keeps it, and the
 * next draft reuses it when it is dropped. */
/* Room for n more records of v, as vec_reserve, the usual case inline. */
static inline gpointer
keep_room (Vec *v, guint n, gsize size)
{
  if (G_LIKELY (v->data != NULL && v->len + n <= v->cap))
    return v->data + (gsize) v->len * size;
  return vec_reserve (v, n, size);
}

static XrefClaim *
draft_claim (Ctx *c)
{
  XrefClaim *claim = keep_room (&c->keep->claims, 1, sizeof (XrefClaim));

  memset (claim, 0, sizeof *claim);
  return claim;
}

/* An element of the draft (its rule: add_rule). */
static inline void
put_arg (XrefArg *to, const Arg *a)
{
  to->id = a->id;
  to->start = a->start;
  to->end = a->end;
}

/* Keeps the draft (draft_claim) with its slots (sorted by slot id, none
 * when there are none) and rules, staged; numbered in claims_block. */
static void
keep_claim (Ctx *c, XrefClaim *draft)
{
  Keep *k = c->keep;
  XrefSlotValue *v = (XrefSlotValue *) (gpointer) c->draft_slots->data;
  guint n = c->draft_slots->len;
  KeptRef *ref = keep_room (&k->refs, 1, sizeof (KeptRef));

  g_assert (draft == (XrefClaim *) (gpointer) k->claims.data + k->claims.len);
  ref->slot0 = k->slots.len;
  ref->n_slots = n;
  if (n > 0)
    {
      /* by slot id (strcmp), as the arrays always were; the ids are distinct */
      for (guint i = 1; i < n; i++)
        {
          XrefSlotValue x = v[i];
          guint j = i;
          while (j > 0 && strcmp (v[j - 1].slot, x.slot) > 0)
            {
              v[j] = v[j - 1];
              j--;
            }
          v[j] = x;
        }
      memcpy (keep_room (&k->slots, n, sizeof (XrefSlotValue)), v, n * sizeof (XrefSlotValue));
      k->slots.len += n;
      k->n_slotted++;
    }
  k->refs.len++;
  ref->rule0 = k->rules.len;
  ref->n_rules = c->draft_rules->len;
  ref->hash = list_hash ((const char *const *) (gpointer) c->draft_rules->data, c->draft_rules->len);
  {
    const char **to = keep_room (&k->rules, ref->n_rules, sizeof (const char *));
    const char *const *from = (const char *const *) (gpointer) c->draft_rules->data;
    /* (a few: no memcpy call) */
    for (guint i = 0; i < ref->n_rules; i++)
      to[i] = from[i];
    k->rules.len += ref->n_rules;
  }
  k->claims.len++;
}

/* The block starts with the end of its claims (a gsize, for
 * xref_claim_free), then the claims (8-byte aligned). */
#define CLAIMS_AT sizeof (gsize)

/* The staged claims into one block of the document and doc->claims:
 * [end][claims][slot headers][slots][ids], each claim numbered
 * "<doc id>#<n>" from 1 in order. */
static void
claims_block (Ctx *c)
{
  Keep *k = c->keep;
  XrefDocument *doc = c->doc;
  guint n = k->claims.len;
  gsize id_bytes = 0, len = c->doc_id_len;
  char *block, *ids;
  XrefClaim *claims;
  GArray *sh;
  XrefSlotValue *sv;
  const KeptRef *ref = (const KeptRef *) (gpointer) k->refs.data;
  const XrefClaim *staged = (const XrefClaim *) (gpointer) k->claims.data;
  const char *const *rules = (const char *const *) (gpointer) k->rules.data;
  ListEntry *cache = c->lists;
  GString *id = c->scratch;
  char *digits;

  /* ids of n digits from 10^(n-1) on */
  for (guint64 p = 1, d = 1; p <= n; p *= 10, d++)
    id_bytes += (gsize) (MIN ((guint64) n, p * 10 - 1) - p + 1) * (len + 2 + d);
  block = g_malloc (CLAIMS_AT + n * sizeof (XrefClaim) + k->n_slotted * sizeof (GArray)
                    + k->slots.len * sizeof (XrefSlotValue) + id_bytes);
  *(gsize *) (gpointer) block = CLAIMS_AT + n * sizeof (XrefClaim);
  claims = (XrefClaim *) (gpointer) (block + CLAIMS_AT);
  sh = (GArray *) (gpointer) (claims + n);
  sv = (XrefSlotValue *) (gpointer) (sh + k->n_slotted);
  ids = (char *) (sv + k->slots.len);
  if (k->slots.len > 0)
    memcpy (sv, k->slots.data, k->slots.len * sizeof (XrefSlotValue));
  for (guint i = 0; i < n && i < 8; i++)
    __builtin_prefetch (list_entry (cache, ref[i].hash));
  g_ptr_array_set_size (doc->claims, n);
  /* the id "<doc id>#<n>" in scratch, its number counted up in decimal
   * digits (no division per claim), copied with its NUL for each claim */
  g_string_truncate (id, 0);
  g_string_append_len (id, doc->id, (gssize) len);
  g_string_append (id, "#0");
  digits = id->str + len + 1;
  for (guint i = 0; i < n; i++)
    {
      XrefClaim *claim = &claims[i];
      gsize d = id->len - (len + 1);

      while (d > 0 && digits[d - 1] == '9')
        digits[--d] = '0';
      if (d > 0)
        digits[d - 1]++;
      else
        {
          /* 9…9 + 1: 10…0 */
          g_string_append_c (id, '0');
          digits = id->str + len + 1;
          digits[0] = '1';
        }
      /* (one claim at a time: a few vector moves, where one memcpy of
       * them all is a "rep movsb") */
      memcpy (claim, &staged[i], sizeof *claim);
      /* The thread's entries of the lists are scattered over its cache:
       * asking for those of the claims a few ahead overlaps the misses
       * (a hint only). */
      if (i + 8 < n)
        __builtin_prefetch (list_entry (cache, ref[i + 8].hash));
      claim->rules = (GPtrArray *) shared_rules (cache, rules + ref[i].rule0, ref[i].n_rules, ref[i].hash);
      memcpy (ids, id->str, id->len + 1);
      claim->id = ids;
      ids += id->len + 1;
      claim->slots = NULL;
      if (ref[i].n_slots > 0)
        {
          sh->data = (gchar *) (sv + ref[i].slot0);
          sh->len = ref[i].n_slots;
          claim->slots = sh++;
        }
      doc->claims->pdata[i] = claim;
    }
  g_assert (ids == (char *) (sv + k->slots.len) + id_bytes);
  doc->claim_block = block;
}

static gboolean
date_value_ok (const char *v)
{
  return v != NULL && (g_ascii_isdigit (v[0]) || g_str_has_prefix (v, "XXXX-"));
}

/* The time expression of the types in mask nearest to [first, last) in
 * [L, R) of sentence s; -1 if none. */
static gint
nearest_timex_in (const Ctx *c, guint s, guint L, guint R, guint first, guint last, guint mask)
{
  gint best = -1;
  guint best_d = G_MAXUINT;

  for (guint n = c->tx0[s]; n < c->tx0[s] + c->txn[s]; n++)
    {
      const XrefTimex *t = &g_array_index (c->doc->timexes, XrefTimex, n);
      guint d;
      if (t->sentence != s || !(mask & (1u << t->type)) || t->first_token < L || t->first_token + t->n_tokens > R)
        continue;
      if (t->type == XREF_TIMEX_DATE && !date_value_ok (t->value))
        continue;
      d = t->first_token >= last ? t->first_token - last : first - MIN (first, t->first_token + t->n_tokens);
      if (d < best_d)
        {
          best_d = d;
          best = (gint) n;
        }
    }
  return best;
}

/* (most sentences have no time expression: no call for them) */
static inline gint
nearest_timex (const Ctx *c, guint s, guint L, guint R, guint first, guint last, guint mask)
{
  return c->txn[s] == 0 ? -1 : nearest_timex_in (c, s, L, R, first, last, mask);
}

/* A date that opens the sentence ("On February 24, …") dates all of it. */
static gint
opening_date_of (const Ctx *c, guint s, guint a)
{
  for (guint n = c->tx0[s]; n < c->tx0[s] + c->txn[s]; n++)
    {
      const XrefTimex *t = &g_array_index (c->doc->timexes, XrefTimex, n);
      guint e = t->first_token + t->n_tokens;
      if (t->sentence != s || t->type != XREF_TIMEX_DATE || !date_value_ok (t->value))
        continue;
      if ((t->first_token == a || (t->first_token == a + 1 && (wc (c, a) & XREF_WC_PREPOSITION)))
          && e < c->ntok && is_punct (c, e, c->w.comma))
        return (gint) n;
    }
  return -1;
}

/* opening_date_of sentence s (whose first token is a), asked by each
 * claim of the sentence: the last sentence's answer is kept. */
static gint
opening_date (Ctx *c, guint s, guint a)
{
  if (c->opening_s1 != s + 1)
    {
      c->opening_tx = opening_date_of (c, s, a);
      c->opening_s1 = s + 1;
    }
  return c->opening_tx;
}

/* A date element: a time expression's value and words (no rule). */
static XrefArg
arg_of_timex (const XrefTimex *t)
{
  return (XrefArg) { t->value, (XrefOffset) t->start, (XrefOffset) t->end };
}

/* Is a straight double quote among tokens [lo, hi)?  A binary search of
 * their candidates (TB_DQUOTE, cand_dquote), not a look at each token. */
static gboolean
has_dquote (const Ctx *c, guint lo, guint hi)
{
  const guint *at = c->cand_dquote.at;
  guint l = 0, h = c->cand_dquote.n;

  while (l < h)
    {
      guint mid = l + (h - l) / 2;
      if (at[mid] < lo)
        l = mid + 1;
      else
        h = mid;
    }
  return l < c->cand_dquote.n && at[l] < hi;
}

/* Who says what token pos of sentence s says. */
static void
attribution (const Ctx *c, guint s, guint pos, Arg *speaker, Arg *source, const char **rule)
{
  const SentInfo *si = INFO (c, s);
  const Quote *q = quote_of (c, pos);
  const SpeechOcc *first_pre = NULL, *last_pre = NULL, *post = NULL, *according = NULL;

  /* A quotation without a speaker of its own (a scare quote: “legitimate
   * targets”) is read as part of its sentence. */
  if (q != NULL && q->who.id == NULL)
    q = NULL;
  for (guint n = si->s0; n < si->s0 + si->sn; n++)
    {
      const SpeechOcc *o = SPEECH (c, n);
      if (o->who.id == NULL)
        continue;
      if (q != NULL && (o->first < q->open || o->first > q->close))
        {
          /* outside the quotation: only the quotation's own attribution */
          if (o->kind == SP_ACCORDING && according == NULL)
            according = o;
          continue;
        }
      if (o->kind == SP_ACCORDING)
        {
          if (according == NULL)
            according = o;
        }
      else if (o->kind == SP_PRE && o->last <= pos)
        {
          if (first_pre == NULL)
            first_pre = o;
          last_pre = o;
        }
      else if (o->kind == SP_POST && o->attr_first > pos && post == NULL)
        post = o;
    }

  if (q != NULL && q->who.id != NULL)
    {
      *speaker = q->who;
      *rule = q->rule;
      if (first_pre != NULL && first_pre->who.id != q->who.id)
        *source = first_pre->who;
      return;
    }
  if (first_pre != NULL)
    {
      *speaker = first_pre->who;
      *rule = first_pre->m->rule;
      if (last_pre != first_pre && last_pre->who.id != first_pre->who.id)
        *source = last_pre->who;
      return;
    }
  if (post != NULL)
    {
      *speaker = post->who;
      *rule = post->m->rule;
      return;
    }
  if (according != NULL)
    {
      *speaker = according->who;
      *rule = according->m->rule;
      return;
    }
  if (q == NULL && si->sn == 0 && s + 1 < c->doc->sentences->len)
    {
      /* "A lede. Another sentence, X said." — the attribution at the end
       * of the next sentence of the paragraph covers this one too. */
      const XrefSentence *next = SENT (c, s + 1);
      const SentInfo *ni = INFO (c, s + 1);
      const XrefSentence *cur = SENT (c, s);
      gboolean quoted = FALSE;

      /* (the cheap tests first: most next sentences have no speech verb) */
      if (!(next->flags & (XREF_SENTENCE_PARA | XREF_SENTENCE_HEADING)) && ni->sn > 0)
        {
          /* (a straight double quote: TB_DQUOTE, from the token bits) */
          quoted = has_dquote (c, cur->first_token, cur->first_token + cur->n_tokens)
                   || has_dquote (c, next->first_token, next->first_token + next->n_tokens);
        }
      if (!quoted && !(next->flags & (XREF_SENTENCE_PARA | XREF_SENTENCE_HEADING)) && ni->sn > 0)
        {
          const SpeechOcc *o = SPEECH (c, ni->s0 + ni->sn - 1);
          gboolean pre = FALSE;
          for (guint n = ni->s0; n < ni->s0 + ni->sn; n++)
            if (SPEECH (c, n)->kind == SP_PRE)
              pre = TRUE;
          if (!pre && o->kind == SP_POST && o->who.id != NULL)
            {
              *speaker = o->who;
              *rule = o->m->rule;
            }
        }
    }
}

static gboolean
lists_slot (const XrefAction *action, const char *slot)
{
  if (action == NULL || action->slots == NULL)
    return FALSE;
  for (guint i = 0; i < action->slots->len; i++)
    if (g_strcmp0 (g_ptr_array_index (action->slots, i), slot) == 0)
      return TRUE;
  return FALSE;
}

static inline Arg
arg_of_index (const Ctx *c, gint k)
{
  Arg a = { 0 };
  if (k < 0)
    return a;
  return arg_of_mention (c, MENTION (c, k));
}

static void
build_claim (Ctx *c, guint s, guint n, PrevClaim *prev)
{
  const ActionOcc *o = ACTION (c, n);
  const XrefSentence *sent = SENT (c, s);
  const SentInfo *si = INFO (c, s);
  const XrefAction *action = o->m->action;
  guint a = sent->first_token, b = a + sent->n_tokens;
  gboolean noun;

  /* The action's record and its slots (action->slots->pdata, read at the
   * end) are rule data behind a chain of pointers that the claims before
   * have mostly pushed out of the first-level cache: each link is asked
   * for while the work before it is done (perf, 10 MB corpus: three of
   * the four hottest loads of build_claim; its share of the samples fell
   * from 6.6 % to 5.7 %). */
  __builtin_prefetch (action);
  noun = is_nounlike (c, o, a, b);

  c->fired->len = 0;
  c->draft_slots->len = 0;
  c->draft_rules->len = 0;
  Voice voice = noun ? VOICE_ACTIVE : voice_of (c, o, a, b);
  const Mention *prep_m = NULL;
  gboolean coordinated = FALSE, copula = FALSE, inherit_object = FALSE;
  gint actor = -1, object = -1, indirect = -1, tx;
  Mention rebound[2];
  gboolean has_rebound[2] = { FALSE, FALSE };
  guint L, Lt, R, range0;
  Subject subj;
  XrefPolarity polarity = XREF_POLARITY_AFFIRMED;
  XrefModality modality = XREF_MODALITY_ASSERTED;
  const ModalOcc *refusal = NULL;
  Vec *fired = c->fired;
  /* (filled in place below) */
  XrefClaim *claim = keep_room (&c->keep->claims, 1, sizeof (XrefClaim));
  const char *speech_rule = NULL;

  /* "send * troops into Poland", "checked herself into a clinic": a
   * phrase that ends with a preposition takes a place or a recipient
   * (an entity or a name), not an object. */
  if (o->last > o->first + 1 && (wc (c, o->last - 1) & XREF_WC_PREPOSITION))
    {
      guint k = o->last;
      while (k < b && is_quote (c, k))
        k++;
      prep_m = mention_starting (c, k);
      if (prep_m != NULL
          && !(prep_m->id != NULL
               && ((prep_m->kind == MK_ENTITY && !(prep_m->cat & (CAT_WEAPON | CAT_PLURAL))) || prep_m->kind == MK_NAME)))
        prep_m = NULL;
    }

  subj = find_subject (c, s, a, o->first, o->form == XREF_FORM_GERUND);
  if (action->slots != NULL)
    __builtin_prefetch (action->slots);
  L = subj.L;
  Lt = subj.skipped ? subj.vg : L;
  R = clause_end (c, b, o->last);
  range0 = subj.m >= 0 ? MENTION (c, subj.m)->last : L;
  if (range0 > o->first)
    range0 = L;
  /* a verb phrase coordinated with an earlier one has its own group:
   * "has denied it can withdraw … and has vowed to continue fighting";
   * and "X will become (– …) “legitimate targets”": a copula whose
   * complement is the action noun (the last copula of the group decides).
   * One scan back from the action finds both. */
  {
    guint kc = G_MAXUINT;
    for (guint k = o->first; k-- > range0;)
      {
        if ((norm (c, k) == c->w.and_ || norm (c, k) == c->w.or_) && c->ment[k] < 0)
          {
            range0 = k + 1;
            break;
          }
        if (kc == G_MAXUINT && is_copula (c, k))
          kc = k;
      }
    if (kc != G_MAXUINT)
      {
        guint words = 0;
        copula = TRUE;
        for (guint j = kc + 1; j < o->first && copula; j++)
          if (is_copula (c, j) || is_quote (c, j) || is_adverb (c, j) || tk (c, j)->kind == XREF_TOKEN_PUNCT
              || (wc (c, j) & (XREF_WC_DETERMINER | XREF_WC_NEGATION | XREF_WC_AUXILIARY)) || (c->used[j] & U_MODAL))
            continue;
          else if (tk (c, j)->kind == XREF_TOKEN_WORD && c->ment[j] < 0 && wc (c, j) == 0 && ++words <= 2)
            continue;
          else
            copula = FALSE;
      }
  }

  /* Coordinated verbs share the subject and the verb group:
   * "does not intend to enter … and send …". */
  if (!noun && prev->valid)
    {
      guint k = o->first;
      while (k > a && (is_adverb (c, k - 1) || is_quote (c, k - 1)))
        k--;
      if (k > a && (norm (c, k - 1) == c->w.and_ || norm (c, k - 1) == c->w.or_) && prev->last < k)
        coordinated = TRUE;
    }
  /* "was shot and killed": a participle coordinated with a passive is
   * passive too, with the same patient */
  if (coordinated && prev->passive && voice == VOICE_ACTIVE
      && (o->form == XREF_FORM_PAST || o->form == XREF_FORM_PARTICIPLE))
    {
      voice = VOICE_PASSIVE;
      inherit_object = TRUE;
    }

  switch (voice)
    {
    case VOICE_PASSIVE:
      object = subj.m;
      actor = find_by (c, b, o->last);
      break;
    case VOICE_REDUCED:
      object = c->ment[o->first - 1];
      actor = find_by (c, b, o->last);
      break;
    case VOICE_ADJECTIVE:
      object = find_object (c, b, o->last);
      break;
    case VOICE_ACTIVE:
    default:
      if (noun && copula && subj.m >= 0)
        {
          /* "they will become legitimate targets of Russia" */
          object = subj.m;
          actor = find_of (c, b, o->last);
          if (actor < 0)
            actor = find_by (c, b, o->last);
        }
      else if (noun)
        {
          actor = find_possessor (c, a, o->first);
          if (actor < 0)
            actor = find_by (c, b, o->last);
          object = find_of (c, b, o->last);
        }
      else
        {
          actor = subj.m;
          if (prep_m == NULL)
            object = find_object (c, b, o->last);
          /* "Crimea, which Moscow annexed": the antecedent is the object */
          if (object < 0 && prep_m == NULL && actor >= 0 && subj.opener >= 0 && is_relative (c, (guint) subj.opener)
              && norm (c, (guint) subj.opener) != c->w.who && MENTION (c, actor)->first > (guint) subj.opener)
            {
              guint e = (guint) subj.opener;
              const Mention *ante;
              while (e > a && is_punct (c, e - 1, c->w.comma))
                e--;
              ante = mention_ending (c, e);
              /* not "told Reuters that Russia attacked" */
              if (ante != NULL
                  && !(ante->first > a && c->spx[ante->first - 1] >= 0
                       && SPEECH (c, c->spx[ante->first - 1])->who.id != NULL))
                object = c->ment[e - 1];
            }
        }
      break;
    }

  /* "provide them the kinds of capabilities": a pronoun and a noun
   * phrase after the verb are a recipient and an object. */
  if (voice == VOICE_ACTIVE && !noun && object >= 0 && MENTION (c, object)->kind == MK_PRONOUN)
    {
      const Mention *second = mention_starting (c, MENTION (c, object)->last);
      if (second != NULL && second->kind != MK_PRONOUN && second->id != NULL && lists_slot (action, c->w.recipient))
        {
          indirect = object;
          object = c->ment[second->first];
        }
    }

  /* A pronoun object is not the subject of its own clause ("the US
   * authorities … provide them"): its antecedent is the one before. */
  if (actor >= 0 && MENTION (c, actor)->id != NULL)
    {
      gint *pron[] = { &object, &indirect };
      for (guint w = 0; w < G_N_ELEMENTS (pron); w++)
        {
          const Mention *m = *pron[w] >= 0 ? MENTION (c, *pron[w]) : NULL;
          if (m != NULL && m->kind == MK_PRONOUN && m->id == MENTION (c, actor)->id
              && !NORM_ENDS_WITH (c, m->first, "self") && !NORM_ENDS_WITH (c, m->first, "selves"))
            {
              gint r = resolve_pronoun (c, m->pclass, s, (guint) *pron[w], m->id);
              rebound[w] = *MENTION (c, *pron[w]);
              if (r >= 0)
                {
                  rebound[w].id = MENTION (c, r)->id;
                  rebound[w].rule = MENTION (c, r)->rule;
                  rebound[w].entity = MENTION (c, r)->entity;
                }
              else
                rebound[w].id = NULL;
              has_rebound[w] = TRUE;
            }
        }
    }

  {
    Arg actor_arg = arg_of_index (c, actor);
    Arg object_arg = has_rebound[0] ? arg_of_mention (c, &rebound[0]) : arg_of_index (c, object);
    Arg indirect_arg = has_rebound[1] ? arg_of_mention (c, &rebound[1]) : arg_of_index (c, indirect);
    Arg speaker = { 0 }, source = { 0 };

    if (coordinated && voice == VOICE_ACTIVE)
      actor_arg = prev->actor;
    if (inherit_object)
      object_arg = prev->object;
    if (object_arg.id == NULL && voice == VOICE_ACTIVE && !noun && prep_m == NULL)
      object_arg = event_object (c, si, b, o->last);

    /* "the invasion began": an event with no object is what began */
    if (object_arg.id == NULL && actor >= 0 && !coordinated && MENTION (c, actor)->entity != NULL
        && (MENTION (c, actor)->cat & CAT_EVENT))
      {
        object_arg = actor_arg;
        memset (&actor_arg, 0, sizeof actor_arg);
      }

    /* Polarity: a negation in the verb group ("does not intend to send",
     * "haven’t been announced") or before a noun ("no delivery"). */
    {
      /* (find_subject's verb group is that of o->first) */
      guint k = MAX (subj.vg, range0);
      for (; k < o->first; k++)
        if ((wc (c, k) & XREF_WC_NEGATION) && !(c->used[k] & U_MODAL) && c->ment[k] < 0)
          polarity = XREF_POLARITY_NEGATED;
      /* "No one was injured", "Nobody attacked …": a negated subject */
      if (subj.m < 0)
        for (k = L; k < subj.vg && k < o->first; k++)
          if ((wc (c, k) & XREF_WC_NEGATION) && c->ment[k] < 0)
            {
              gboolean subject = TRUE;
              for (guint j = k + 1; j < subj.vg; j++)
                if ((wc (c, j) & (XREF_WC_PREPOSITION | XREF_WC_CONJUNCTION)) || tk (c, j)->kind == XREF_TOKEN_PUNCT)
                  subject = FALSE;
              if (subject)
                polarity = XREF_POLARITY_NEGATED;
            }
      if (noun)
        {
          guint adj = 0;
          k = o->first;
          while (k > a && (is_quote (c, k - 1) || (adj < 2 && is_nominal (c, k - 1) && ++adj)))
            k--;
          if (k > a && (wc (c, k - 1) & XREF_WC_NEGATION))
            polarity = XREF_POLARITY_NEGATED;
        }
    }

    /* Modality: the modal phrases of the verb group; a refusal, an
     * unconfirmed report or an inverted conditional ("should X supply")
     * anywhere before it in the clause.  A negating phrase ("denied",
     * "refused to") negates the next action, if nothing else comes
     * between. */
    for (guint k = si->o0; k < si->o0 + si->on; k++)
      {
        const ModalOcc *mo = MODAL (c, k);
        if (mo->last > o->first)
          break;
        if (mo->first >= range0)
          {
            if (mo->m->negates)
              polarity = XREF_POLARITY_NEGATED;
            else if (!(wc (c, mo->first) & XREF_WC_CONJUNCTION))
              modality = modality_max (modality, mo->m->modality);
            else
              continue;
            VEC_PUSH (fired, const char *, mo->m->rule);
            if (mo->m->modality == XREF_MODALITY_REFUSED)
              refusal = mo;
            continue;
          }
        if (mo->first >= L
            && (mo->m->modality == XREF_MODALITY_REFUSED || mo->m->modality == XREF_MODALITY_UNCONFIRMED
                || (mo->m->modality == XREF_MODALITY_CONDITIONAL && !(wc (c, mo->first) & XREF_WC_CONJUNCTION)
                    && mention_starting (c, mo->last) != NULL)))
          {
            modality = modality_max (modality, mo->m->modality);
            VEC_PUSH (fired, const char *, mo->m->rule);
            if (mo->m->modality == XREF_MODALITY_REFUSED)
              refusal = mo;
          }
        if (mo->m->negates)
          {
            gboolean between = FALSE;
            for (guint j = si->a0; j < n; j++)
              if (ACTION (c, j)->first > mo->first)
                between = TRUE;
            for (guint j = mo->last; j < o->first; j++)
              if (is_punct (c, j, c->w.semicolon)
                  || ((norm (c, j) == c->w.and_ || norm (c, j) == c->w.or_) && c->ment[j] < 0))
                between = TRUE;
            if (!between)
              {
                polarity = XREF_POLARITY_NEGATED;
                VEC_PUSH (fired, const char *, mo->m->rule);
              }
          }
      }

    /* "if …, they will …": a conditional clause before the action (only
     * a modal phrase of the sentence marks a token U_MODAL: without an
     * "if" or "unless" in one the scan finds nothing) */
    for (guint k = si->if_modal ? o->first : a; k-- > a;)
      {
        if (is_punct (c, k, c->w.semicolon) || is_punct (c, k, c->w.colon) || (c->used[k] & U_SPEECH))
          break;
        if ((c->used[k] & U_MODAL) && (norm (c, k) == c->w.if_ || norm (c, k) == c->w.unless))
          {
            guint p = k;
            while (p > a && is_quote (c, p - 1))
              p--;
            if (p == a || tk (c, p - 1)->kind == XREF_TOKEN_PUNCT || (wc (c, p - 1) & XREF_WC_CONJUNCTION))
              {
                for (guint j = si->o0; j < si->o0 + si->on; j++)
                  if (MODAL (c, j)->first == k)
                    {
                      modality = modality_max (modality, MODAL (c, j)->m->modality);
                      VEC_PUSH (fired, const char *, MODAL (c, j)->m->rule);
                    }
              }
            break;
          }
      }

    if (coordinated)
      {
        if (prev->polarity == XREF_POLARITY_NEGATED)
          polarity = XREF_POLARITY_NEGATED;
        modality = modality_max (modality, prev->modality);
      }

    if (action->slots != NULL)
      __builtin_prefetch (action->slots->pdata);
    attribution (c, s, o->first, &speaker, &source, &speech_rule);
    if (speaker.id == NULL && refusal != NULL)
      {
        /* "X refused to comment on …": X is the source of the refusal */
        for (guint k = si->m0 + si->mn; k-- > si->m0;)
          {
            const Mention *m = MENTION (c, k);
            if (m->last <= refusal->first && m->first >= L && !m->in_pp && m->id != NULL)
              {
                speaker = arg_of_mention (c, m);
                break;
              }
          }
      }

    /* A speaker named in another sentence (a quotation that goes on, a
     * lede attributed by the next sentence) has no words in this one: an
     * empty span at the start of the sentence says so. */
    if (speaker.id != NULL && (speaker.start < sent->start || speaker.end > sent->end))
      speaker.start = speaker.end = sent->start;
    if (source.id != NULL && (source.start < sent->start || source.end > sent->end))
      source.start = source.end = sent->start;

    /* (every field, one store each: no memset of the draft, no
     * temporary) */
    claim->id = NULL;
    claim->doc = c->doc;
    claim->sentence = s;
    claim->start = sent->start;
    claim->end = sent->end;
    put_arg (&claim->actor, &actor_arg);
    claim->action.id = action->id;
    claim->action.start = tk (c, o->first)->start;
    claim->action.end = tk (c, o->last - 1)->end;
    put_arg (&claim->object, &object_arg);
    claim->date.id = NULL;
    claim->date.start = claim->date.end = 0;
    claim->slots = NULL;
    claim->polarity = polarity;
    claim->modality = modality;
    put_arg (&claim->speaker, &speaker);
    put_arg (&claim->source, &source);
    claim->rules = NULL;

    /* (the elements' rules are indices into the list: XrefClaim.arg_rule) */
    claim->arg_rule[XREF_ROLE_ACTION] = add_rule (c, o->m->rule);
    claim->arg_rule[XREF_ROLE_ACTOR] = add_rule (c, actor_arg.rule);
    claim->arg_rule[XREF_ROLE_OBJECT] = add_rule (c, object_arg.rule);
    for (guint k = 0; k < fired->len; k++)
      add_rule (c, ((const char **) (gpointer) fired->data)[k]);
    add_rule (c, speech_rule);
    claim->arg_rule[XREF_ROLE_SPEAKER] = add_rule (c, speaker.rule);
    claim->arg_rule[XREF_ROLE_SOURCE] = add_rule (c, source.rule);
    claim->arg_rule[XREF_ROLE_DATE] = 0;

    /* The date: the nearest DATE of the clause, else the sentence's
     * opening date. */
    /* (a noun takes no date before it: "on Tuesday, X refused to comment
     * on the delivery" dates the refusal) */
    tx = nearest_timex (c, s, noun ? o->last : Lt, R, o->first, o->last, 1u << XREF_TIMEX_DATE);
    if (tx < 0)
      tx = opening_date (c, s, a);
    if (tx >= 0)
      claim->date = arg_of_timex (&g_array_index (c->doc->timexes, XrefTimex, tx));

    /* "send * troops into Poland": the phrase's preposition takes a
     * place or a recipient, not an object. */
    if (prep_m != NULL)
      {
        const Mention *m = prep_m;
          {
            const char *p = norm (c, o->last - 1);
            gboolean to = p == c->w.to || strcmp (p, "for") == 0 || strcmp (p, "towards") == 0
                          || strcmp (p, "toward") == 0;
            const char *slot = to && lists_slot (action, c->w.recipient) ? c->w.recipient : c->w.location;
            const XrefSlotDef *def = slot_info (c, slot)->def;
            gsize vs = tk (c, m->first)->start, ve = tk (c, m->last - 1)->end;
            add_slot (c, slot, slot_value (c, def, vs, ve), vs, ve, slot_info (c, slot)->rule);
          }
      }

    if (indirect_arg.id != NULL)
      {
        const XrefSlotDef *def = slot_info (c, c->w.recipient)->def;
        /* a pronoun's value is its antecedent */
        const char *value = MENTION (c, indirect)->kind == MK_PRONOUN
                              ? indirect_arg.id
                              : slot_value (c, def, indirect_arg.start, indirect_arg.end);
        if (def != NULL)
          add_slot (c, c->w.recipient, value, indirect_arg.start, indirect_arg.end,
                    slot_info (c, c->w.recipient)->rule);
      }

    /* The slots of the action. */
    gsize after_to = 0;         /* the end of the text after the action */
    gboolean have_after = FALSE;
    guint after_words = 0;      /* the slot words of its tokens */
    for (guint k = 0; action->slots != NULL && k < action->slots->len; k++)
      {
        const char *sid = g_ptr_array_index (action->slots, k);
        const SlotInfo *info = slot_info (c, sid);
        const XrefSlotDef *def = info->def;
        const char *rule = info->rule;

        if (def == NULL || draft_slot (c, sid) != NULL)
          continue;
        if (def->from_timex)
          {
            gint t = nearest_timex (c, s, Lt, R, o->first, o->last, def->timex_types);
            if (t < 0 && (def->timex_types & (1u << XREF_TIMEX_DATE)) && claim->date.id != NULL)
              add_slot (c, sid, claim->date.id, claim->date.start, claim->date.end, rule);
            else if (t >= 0)
              {
                const XrefTimex *tm = &g_array_index (c->doc->timexes, XrefTimex, t);
                const char *value = tm->value;
                if (def->groups != NULL)
                  {
                    g_autofree char *low = g_utf8_strdown (c->doc->text + tm->start, (gssize) (tm->end - tm->start));
                    const char *g = g_hash_table_lookup (def->groups, low);
                    if (g == NULL)
                      g = g_hash_table_lookup (def->groups, value);
                    if (g != NULL)
                      value = g;
                  }
                add_slot (c, sid, value, tm->start, tm->end, rule);
              }
            continue;
          }
        if (def->patterns == NULL || def->patterns->len == 0)
          continue;
        if (def->compare == XREF_COMPARE_NUMERIC)
          {
            const XrefArg *in[2] = { &claim->object, &claim->actor };
            gboolean done = FALSE;
            /* "… and 10,607 have been injured": a bare number as the
             * subject is the quantity, not the number of the noun the
             * coordinated verb inherits */
            if (!noun)
              {
                guint vg = subj.vg;
                if (vg > a && tk (c, vg - 1)->kind == XREF_TOKEN_NUMBER && c->tmx[vg - 1] < 0)
                  {
                    gsize vs = tk (c, vg - 1)->start, ve = tk (c, vg - 1)->end;
                    add_slot (c, sid, slot_value (c, def, vs, ve), vs, ve, rule);
                    continue;
                  }
              }
            for (guint w = 0; w < 2 && !done; w++)
              for (guint p = 0; in[w]->id != NULL && !done && p < def->patterns->len; p++)
                {
                  XrefSpan whole, value;
                  gsize from = in[w]->start;
                  const XrefRegex *re = g_ptr_array_index (def->patterns, p);
                  if (xref_regex_may_match (re, c->doc->text + from, in[w]->end - from, 0)
                      && slot_match (c, re, from, in[w]->end - from, 0, &whole, &value, NULL)
                      && value.end > value.start)
                    {
                      add_slot (c, sid, slot_value (c, def, from + value.start, from + value.end),
                                from + value.start, from + value.end, rule);
                      done = TRUE;
                    }
                }
            if (done)
              continue;
          }
        {
          /* The text after the action, up to the next action or ";" (the
           * same for every slot: found for the first) */
          gsize from = tk (c, o->last - 1)->end;
          gboolean done = FALSE;
          if (!have_after)
            {
              have_after = TRUE;
              guint end_tok = b; /* its tokens end before this one */
              after_to = sent->end;
              for (guint j = n + 1; j < si->a0 + si->an; j++)
                {
                  after_to = MIN (after_to, tk (c, ACTION (c, j)->first)->start);
                  end_tok = MIN (end_tok, ACTION (c, j)->first);
                  break;
                }
              /* the first ";" from o->last (the candidates: most
               * sentences have none) */
              {
                guint j = cand_first (&c->cand_semi, o->last, b);
                if (j < b)
                  {
                    after_to = MIN (after_to, tk (c, j)->start);
                    end_tok = MIN (end_tok, j);
                  }
              }
              /* the slot words its tokens may hold (a word a pattern
               * needs ends a token there, before a space) */
              after_words = slot_words_span (SLOT_WORDS (c), o->last, end_tok);
            }
          gsize to = after_to;
          for (guint p = 0; to > from && p < def->patterns->len && !done; p++)
            {
              XrefSpan whole, value;
              g_autoptr (GError) error = NULL;
              gsize off = 0;
              const XrefRegex *re = g_ptr_array_index (def->patterns, p);
              guint need = xref_regex_slot_words (re);

              /* Most of these texts lack the word the pattern needs
               * ("in", "to"): the tokens' slot words say so at once. */
              if (need != 0 && !(need & after_words))
                continue;
              /* A value that is a time expression ("in December") is
               * the date's business: look further.  Most of these
               * texts lack what the pattern needs ("in ", a digit):
               * the prefilter says so without running PCRE2. */
              while (off < to - from && xref_regex_may_match (re, c->doc->text + from, to - from, off)
                     && slot_match (c, re, from, to - from, off, &whole, &value, &error))
                {
                  guint at = token_at_byte (c, from + value.start);
                  if (value.end > value.start && at < c->ntok && c->tmx[at] < 0)
                    {
                      add_slot (c, sid, slot_value (c, def, from + value.start, from + value.end),
                                from + value.start, from + value.end, rule);
                      done = TRUE;
                      break;
                    }
                  off = MAX (value.end, whole.start + 1);
                }
              if (error != NULL)
                {
                  xref_warn (c->doc->id, "%s (pattern of slot '%s', %s:%d:%d)", error->message, sid,
                             def->origin.file != NULL ? def->origin.file : "?", def->origin.line, def->origin.col);
                  break;
                }
            }
        }
      }
    /* the last verb of the sentence, for a verb coordinated with it */
    if (!noun)
      {
        prev->valid = TRUE;
        prev->last = o->last;
        prev->actor = actor_arg;
        prev->object = object_arg;
        prev->passive = voice == VOICE_PASSIVE;
        prev->polarity = polarity;
        prev->modality = modality;
      }

    /* A claim that names nothing (no actor, object, date or slot) says
     * nothing another source could confirm or contradict — unless it is
     * an incident the text refers to as such: "the fire", "riots broke
     * out". */
    if (claim->actor.id == NULL && claim->object.id == NULL && claim->date.id == NULL && c->draft_slots->len == 0
        && claim->polarity == XREF_POLARITY_AFFIRMED
        && !(noun && (definite_event (c, o, a, b) || subject_event (c, si, o, b)) && !unasserted_scope (c, prev, a, o)))
      return;
    keep_claim (c, claim);
  }
}

/* ---- speech acts --------------------------------------------------------- */

gboolean
xref_claim_is_speech (const XrefClaim *claim)
{
  return claim != NULL && g_strcmp0 (claim->action.id, XREF_SPEECH_ACTION) == 0;
}

/* The DATE right after a speech phrase or its speaker ("said on
 * Wednesday", "said Thursday", "said X on Monday") or right before it
 * ("on Tuesday said"), or -1. */
static gint
speech_date (const Ctx *c, guint s, guint a, const SpeechOcc *o)
{
  guint b = MIN (a + SENT (c, s)->n_tokens, c->ntok);
  guint after[2] = { o->last, o->attr_last }, k;

  for (guint n = 0; n < 2; n++)
    {
      k = after[n];
      if (k < b && c->tmx[k] < 0 && (wc (c, k) & XREF_WC_PREPOSITION))
        k++;
      if (k < b && c->tmx[k] >= 0)
        {
          const XrefTimex *t = &g_array_index (c->doc->timexes, XrefTimex, c->tmx[k]);
          if (t->type == XREF_TIMEX_DATE && date_value_ok (t->value))
            return c->tmx[k];
        }
    }
  k = o->first;
  if (k > a && c->tmx[k - 1] >= 0)
    {
      const XrefTimex *t = &g_array_index (c->doc->timexes, XrefTimex, c->tmx[k - 1]);
      if (t->type == XREF_TIMEX_DATE && date_value_ok (t->value))
        return c->tmx[k - 1];
    }
  return -1;
}

/* A speech verb with a speaker is an event of its own ("the minister said",
 * "according to the police"): a claim of the rules' speech class with
 * the speaker as actor, which match lists but makes no rows of.
 * Headings make none. */
static void
speech_claims (Ctx *c, const XrefAction *say)
{
  for (guint s = 0; s < c->doc->sentences->len; s++)
    {
      const XrefSentence *sent = SENT (c, s);
      const SentInfo *si = INFO (c, s);
      guint a = sent->first_token;

      if (sent->flags & XREF_SENTENCE_HEADING)
        continue;
      for (guint n = si->s0; n < si->s0 + si->sn; n++)
        {
          const SpeechOcc *o = SPEECH (c, n);
          XrefClaim *claim;
          Arg who = o->who;
          guint k = o->first;
          gint tx;

          if (who.id == NULL)
            continue;
          /* "it was explained that …": a passive names no speaker; "…,
           * saying it was …": the speaker of a participle is the clause's
           * subject, not the words after it */
          while (k > a && is_adverb (c, k - 1))
            k--;
          if (k > a && is_be (c, k - 1))
            continue;
          if (o->m->form == XREF_FORM_GERUND && who.start >= tk (c, o->last - 1)->end)
            continue;
          k = o->first;
          if (who.start < sent->start || who.end > sent->end)
            who.start = who.end = sent->start;
          claim = draft_claim (c);
          claim->doc = c->doc;
          claim->sentence = s;
          claim->start = sent->start;
          claim->end = sent->end;
          put_arg (&claim->actor, &who);
          claim->action.id = say->id;
          claim->action.start = tk (c, o->first)->start;
          claim->action.end = tk (c, o->last - 1)->end;
          claim->modality = XREF_MODALITY_ASSERTED;
          /* "did not say", "never told" */
          while (k > a && (is_adverb (c, k - 1) || (wc (c, k - 1) & XREF_WC_AUXILIARY)))
            {
              if (wc (c, k - 1) & XREF_WC_NEGATION)
                break;
              k--;
            }
          claim->polarity = k > a && (wc (c, k - 1) & XREF_WC_NEGATION) ? XREF_POLARITY_NEGATED
                                                                         : XREF_POLARITY_AFFIRMED;
          c->draft_slots->len = 0;
          c->draft_rules->len = 0;
          claim->arg_rule[XREF_ROLE_ACTION] = add_rule (c, o->m->rule);
          claim->arg_rule[XREF_ROLE_ACTOR] = add_rule (c, who.rule);
          /* the date of the saying, not of what is said: "said on
           * Wednesday", "on Tuesday said", else the sentence's opening date */
          tx = speech_date (c, s, a, o);
          if (tx < 0)
            tx = opening_date (c, s, a);
          if (tx >= 0)
            claim->date = arg_of_timex (&g_array_index (c->doc->timexes, XrefTimex, tx));
          keep_claim (c, claim);
        }
    }
}

/* ---- the stage ---------------------------------------------------------- */

void
xref_extract_claims (XrefDocument *doc, const XrefRules *rules)
{
  Ctx ctx = { 0 };
  Ctx *c = &ctx;
  Work *work;
  guint nsent;

  g_return_if_fail (doc != NULL && rules != NULL);

  g_ptr_array_set_free_func (doc->claims, (GDestroyNotify) xref_claim_free);
  g_ptr_array_set_size (doc->claims, 0);
  /* (after the claims: xref_claim_free asks whether they live in it) */
  g_clear_pointer (&doc->claim_block, g_free);
  if (doc->tokens == NULL || doc->sentences == NULL || doc->tokens->len == 0)
    return;

  c->doc = doc;
  c->rules = rules;
  c->tok = (const XrefToken *) doc->tokens->data;
  c->ntok = doc->tokens->len;
  nsent = doc->sentences->len;
  work = work_for (c->ntok, nsent);
  c->wb = work->wb;
  c->cand_entity.at = work->cand[0];
  c->cand_modal.at = work->cand[1];
  c->cand_action.at = work->cand[2];
  c->cand_dquote.at = work->cand[3];
  c->cand_semi.at = work->cand[4];
  c->used = work->used;
  c->ment = work->ment;
  c->tmx = work->tmx;
  c->spx = work->spx;
  c->w = *words ();
  c->tb = tb_cache_for (work, rules);
  /* (also clears used and sets ment, tmx and spx to -1) */
  token_bits (c);
  /* the next documents' tokens come with their bits (token_bits) */
  if (rules->serial != 0)
    xref_text_set_word_func (text_word, rules);
  c->np_ids = np_ids_for (work, rules);
  /* (mapped by now unless the rules have no serial) */
  caches_map (work);
  c->lists = work->lists;
  c->scratch = work->scratch;
  c->local = &work->local;
  c->ids = &work->ids;
  for (guint n = 0; doc->timexes != NULL && n < doc->timexes->len; n++)
    {
      const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, n);
      for (guint i = t->first_token; i < t->first_token + t->n_tokens && i < c->ntok; i++)
        {
          c->tmx[i] = (gint) n;
          c->used[i] |= U_TIMEX;
        }
    }
  c->mentions = &work->mentions;
  c->actions = &work->actions;
  c->speeches = &work->speeches;
  c->modals = &work->modals;
  c->sents = &work->sents;
  c->quotes = &work->quotes;
  c->speakers = &work->speakers;
  c->names = &work->names;
  c->fired = &work->fired;
  c->draft_slots = &work->draft_slots;
  c->draft_rules = &work->draft_rules;
  c->pending = &work->pending;
  c->slots = &work->slots;
  /* (a rule set without a serial is asked afresh for every document) */
  if (rules->serial == 0 || c->slots->serial != rules->serial)
    {
      c->slots->n = 0;
      memset (c->slots->at, 0, sizeof c->slots->at);
      memset (c->slots->entities, 0, sizeof c->slots->entities);
      c->slots->serial = rules->serial;
    }
  c->doc_id_len = strlen (doc->id);
  c->keep = keep_for ();

  if (c->sents->cap < nsent)
    {
      c->sents->cap = MAX (nsent, 2 * c->sents->cap);
      c->sents->data = g_realloc_n (c->sents->data, c->sents->cap, sizeof (SentInfo));
    }
  c->sents->len = nsent;
  memset (c->sents->data, 0, nsent * sizeof (SentInfo));
  c->tx0 = work->tx0;
  c->txn = work->txn;
  memset (c->tx0, 0, nsent * sizeof (guint));
  memset (c->txn, 0, nsent * sizeof (guint));
  for (guint n = doc->timexes != NULL ? doc->timexes->len : 0; n-- > 0;)
    {
      const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, n);
      if (t->sentence < nsent)
        {
          c->tx0[t->sentence] = n;
          c->txn[t->sentence]++;
        }
    }

  for (guint s = 0; s < nsent; s++)
    {
      const XrefSentence *sent = SENT (c, s);
      SentInfo *si = INFO (c, s);
      guint a = sent->first_token, b = MIN (a + sent->n_tokens, c->ntok);
      Vec *local = c->local;

      si->m0 = c->mentions->len;
      si->a0 = c->actions->len;
      si->s0 = c->speeches->len;
      si->o0 = c->modals->len;
      if (a >= b)
        continue;

      local->len = 0;
      find_entities (c, s, a, b, local);
      find_modals (c, a, b);
      si->on = c->modals->len - si->o0;
      for (guint k = si->o0; k < si->o0 + si->on && !si->if_modal; k++)
        for (guint j = MODAL (c, k)->first; j < MODAL (c, k)->last; j++)
          if (norm (c, j) == c->w.if_ || norm (c, j) == c->w.unless)
            si->if_modal = TRUE;
      find_actions_and_speech (c, s, a, b);
      /* Headings and section titles are shown as such, never as claims
       * ("No flashy transactions"); their names still feed coreference. */
      if (sent->flags & XREF_SENTENCE_HEADING)
        c->actions->len = si->a0;
      si->an = c->actions->len - si->a0;
      si->sn = c->speeches->len - si->s0;
      find_mentions (c, s, a, b, local);
      find_speakers (c, s, a, b);
    }

  find_quotes (c);

  ClauseMemo clause = { G_MAXUINT, 0, 0, -1, G_MAXUINT, 0, 0 };
  c->clause = &clause;
  for (guint s = 0; s < nsent; s++)
    {
      const SentInfo *si = INFO (c, s);
      PrevClaim prev = { 0 };
      for (guint n = si->a0; n < si->a0 + si->an; n++)
        {
          /* (the next action's match record: build_claim starts there) */
          if (n + 1 < c->actions->len)
            __builtin_prefetch (ACTION (c, n + 1)->m);
          build_claim (c, s, n, &prev);
        }
    }
  /* the speech acts after the claims of actions, so that these keep
   * their numbers */
  {
    const XrefAction *say = xref_rules_action (rules, XREF_SPEECH_ACTION);
    if (say != NULL)
      speech_claims (c, say);
  }

  /* the claims kept, added to the document at once */
  if (c->keep->claims.len > 0)
    claims_block (c);
}
