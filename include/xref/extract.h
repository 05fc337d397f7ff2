/* xref — extract: claim tuples (actor, action, object, date) with slots,
 * polarity, modality, speaker and evidence. */
#pragma once

#include "xref/temporal.h"

G_BEGIN_DECLS

typedef enum {
  XREF_POLARITY_AFFIRMED,
  XREF_POLARITY_NEGATED,
} XrefPolarity;

/* "affirmed" / "negated" (static). */
const char *xref_polarity_name (XrefPolarity p);
/* "asserted", "planned", "possible", "refused", "unconfirmed", "conditional". */
const char *xref_modality_name (XrefModality m);

/* A byte offset into a document's text, in claims: 32 bits, because ingest
 * refuses any text longer than XREF_INGEST_MAX_FILE (64 MiB, ingest.h),
 * files and bytes alike, and `xref match` refuses a jsonl offset above it.
 * Claims are the largest part of a run's memory (about 12,000 per MB of
 * text): with 32-bit offsets, the elements' rules as one-byte indices and
 * no padding an XrefClaim is 152 bytes on LP64 (256 with gsize offsets and
 * a rule pointer per element), and an XrefSlotValue 32 (40).
 * tests/unit/test-run.c checks the 152. */
typedef guint32 XrefOffset;

/* One element of a claim: a canonical id and the words that stand for it.
 * id == NULL means the element is absent.  For an actor resolved from "he",
 * the span is the span of "he".  The rule that produced it is kept on the
 * claim (xref_claim_arg_rule): 16 bytes here, not 24 with a pointer. */
typedef struct {
  const char *id;          /* interned canonical id: an entity id, an action
                              id, or for unknown noun phrases a normalised
                              phrase ("np:military personnel") */
  XrefOffset start;
  XrefOffset end;
} XrefArg;

/* The six elements of a claim, in the order of its fields. */
typedef enum {
  XREF_ROLE_ACTOR,
  XREF_ROLE_ACTION,
  XREF_ROLE_OBJECT,
  XREF_ROLE_DATE,
  XREF_ROLE_SPEAKER,
  XREF_ROLE_SOURCE,
  XREF_N_ROLES
} XrefRole;

/* An element's rule is an index into its claim's rules, which list every
 * rule that fired: one byte, so a rule at index 255 or later is listed
 * there but not on its element. */
#define XREF_CLAIM_ARG_RULE_MAX 255

typedef struct {
  const char *slot;        /* interned slot id */
  const char *value;       /* interned canonical value: entity ids joined
                              by "," (sorted) for SET, ISO date, number,
                              vague-group id, else normalised text */
  XrefOffset start;        /* span of the value's text */
  XrefOffset end;
  const char *rule;        /* interned id of the rule that recognised it */
} XrefSlotValue;

typedef struct {
  char *id;                /* "<doc id>#<n>", n counting from 1 in text order;
                              a claim made by xref_extract_claims lives in
                              its document's claim block with its id and
                              slots (XrefDocument.claim_block, freed with
                              the document; xref_claim_free leaves it
                              alone); any other claim owns its id
                              (g_strdup), slots and rules, which
                              xref_claim_free frees */
  XrefDocument *doc;       /* borrowed: the document owns its claims */
  XrefOffset start;        /* the sentence's byte span (the evidence) */
  XrefOffset end;
  guint sentence;          /* index into doc->sentences */
  /* (one byte each beside sentence, not an enum's four: no padding) */
  XrefPolarity polarity : 8;
  XrefModality modality : 8;
  guint8 arg_rule[XREF_N_ROLES];  /* per XrefRole: 1 + the index in rules
                                     of the rule that produced the element,
                                     0 for none; read and set with
                                     xref_claim_arg_rule and
                                     xref_claim_set_arg_rule */

  XrefArg actor;
  XrefArg action;
  XrefArg object;
  XrefArg date;            /* id is the TimeML value, e.g. "2022-02-24" */
  GArray *slots;           /* XrefSlotValue, sorted by slot id; NULL
                              when the claim has none (xref_claim_slot
                              and every reader allow for it).  Read only
                              (data and len): in a claim block it is a
                              header there, not a GArray of its own */

  XrefArg speaker;         /* who says so (an entity id), id NULL when the
                              text asserts it in its own voice */
  XrefArg source;          /* who the speaker cites, "Washington explained
                              that…", id NULL when none */
  GPtrArray *rules;        /* interned rule ids that fired, in order, no
                              duplicates (provenance); read only (pdata
                              and len): the claims of xref_extract_claims
                              with the same list share one, made once and
                              kept until exit like the interned ids */
} XrefClaim;

void xref_claim_free (XrefClaim *claim);

/* The element of a claim for a role (&claim->actor, …), or NULL.
 * (Inline: with a constant role it is the field.) */
static inline const XrefArg *
xref_claim_arg (const XrefClaim *claim, XrefRole role)
{
  switch (role)
    {
    case XREF_ROLE_ACTOR: return &claim->actor;
    case XREF_ROLE_ACTION: return &claim->action;
    case XREF_ROLE_OBJECT: return &claim->object;
    case XREF_ROLE_DATE: return &claim->date;
    case XREF_ROLE_SPEAKER: return &claim->speaker;
    case XREF_ROLE_SOURCE: return &claim->source;
    case XREF_N_ROLES: break;
    }
  return NULL;
}

/* The interned id of the rule that produced a claim's element, or NULL.
 * (Inline: the JSON report asks it of every element.) */
static inline const char *
xref_claim_arg_rule (const XrefClaim *claim, XrefRole role)
{
  guint i = (guint) role < XREF_N_ROLES ? claim->arg_rule[role] : 0;

  if (i == 0 || claim->rules == NULL || i > claim->rules->len)
    return NULL;
  return (const char *) g_ptr_array_index (claim->rules, i - 1);
}

/* Sets the rule of an element of a claim that owns its rules (not one of
 * xref_extract_claims): adds it to claim->rules (made when NULL) unless
 * listed.  NULL clears it.  FALSE when it is listed at an index of
 * XREF_CLAIM_ARG_RULE_MAX or more: listed, but not on the element. */
gboolean xref_claim_set_arg_rule (XrefClaim *claim, XrefRole role, const char *rule);

/* The value of a slot of a claim, or NULL. */
const XrefSlotValue *xref_claim_slot (const XrefClaim *claim, const char *slot);

/* The id of the action class of speech acts in the rules ("X said",
 * "according to X"): such claims are listed with the
 * others but never matched into rows.  A rule set without this class
 * makes no claims of speech verbs. */
#define XREF_SPEECH_ACTION "say"

/* TRUE for a claim of a speech act: its action is XREF_SPEECH_ACTION. */
gboolean xref_claim_is_speech (const XrefClaim *claim);

/* Extracts the claims of doc (after temporal tagging) into doc->claims:
 * the claims of actions in text order, then those of speech verbs in
 * text order (so adding the latter renumbers none of the former).  Never fails; a document may have no claims. */
void xref_extract_claims (XrefDocument *doc, const XrefRules *rules);

G_END_DECLS
