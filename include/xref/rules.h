/* xref — the rule set: YAML folders compiled once into immutable tables.
 *
 * Every other stage consults an XrefRules; nothing about a particular story
 * is known to the C code.  The YAML schema is documented in rules/README.md.
 *
 * A loaded XrefRules is immutable and may be shared between threads.  All
 * strings it hands out are interned or owned by the rule set and live as
 * long as it does.
 */
#pragma once

#include "xref/core.h"

G_BEGIN_DECLS

typedef struct _XrefRules XrefRules;
typedef struct _XrefPhraseTable XrefPhraseTable;
typedef struct _XrefRegex XrefRegex;
typedef struct _XrefWordIndex XrefWordIndex;

/* The most words the slot patterns of a rule set may need (a pattern
 * needing more is not tested: xref_regex_slot_words). */
#define XREF_SLOT_WORDS_MAX 8

/* Where a rule came from, for provenance and error messages. */
typedef struct {
  const char *file;   /* path as given when loading (interned) */
  gint line;          /* 1-based */
  gint col;           /* 1-based */
} XrefRuleOrigin;

/* ---- entities ---------------------------------------------------------- */

typedef struct {
  const char *id;          /* interned canonical id, e.g. "us" */
  const char *type;        /* interned: person, organisation, country, place,
                              weapon, group, concept, other */
  const char *name;        /* display name: the first alias, else the id */
  const char *gender;      /* interned "male" / "female", or NULL */
  GPtrArray *part_of;      /* interned entity ids (may be empty, never NULL) */
  GPtrArray *is_a;         /* interned entity ids */
  GPtrArray *other_than;   /* for concepts such as "a third country": the
                              interned ids of the entities excluded */
  XrefRuleOrigin origin;
} XrefEntity;

/* How a phrase in the entity table names its entity. */
typedef enum {
  XREF_MENTION_ALIAS,     /* "Angela Merkel", "Berlin" */
  XREF_MENTION_ROLE,      /* "Russian Foreign Minister", "the spokesman" */
  XREF_MENTION_DEMONYM,   /* "American experts" → us */
} XrefMentionKind;

typedef struct {
  const XrefEntity *entity;
  XrefMentionKind kind;
  const char *rule;        /* interned provenance id: "entity:merkel" */
} XrefEntityMatch;

/* ---- actions ----------------------------------------------------------- */

typedef struct {
  const char *id;          /* interned canonical id, e.g. "send" */
  GPtrArray *slots;        /* interned slot ids that apply to this action */
  GPtrArray *key_slots;    /* interned slot ids whose omission is reported */
  GPtrArray *antonyms;     /* interned action ids contradicting this one */
  GPtrArray *related;      /* interned action ids of the same undertaking
                              (deploy → train): match compares the duration
                              slots both list across them as one timeline */
  XrefRuleOrigin origin;
} XrefAction;

/* Grammatical form of a matched verb or noun. */
typedef enum {
  XREF_FORM_BASE,          /* send */
  XREF_FORM_PRESENT,       /* sends */
  XREF_FORM_PAST,          /* sent (simple past) */
  XREF_FORM_PARTICIPLE,    /* sent (past participle), for passives */
  XREF_FORM_GERUND,        /* sending */
  XREF_FORM_NOUN,          /* delivery, training */
} XrefForm;

typedef struct {
  const XrefAction *action;   /* NULL for a speech verb (see speech table) */
  XrefForm form;              /* when a word is both past and participle
                                 (sent), PAST is given; extract decides */
  gboolean attribution;       /* one of the lexicon's attribution_phrases
                                 ("according to X"): X is the source,
                                 after the phrase (in form's padding) */
  const char *lemma;          /* interned base form as written in the rules */
  const char *rule;           /* interned provenance id: "action:send" */
} XrefActionMatch;

/* ---- slots ------------------------------------------------------------- */

typedef enum {
  XREF_COMPARE_EXACT,      /* canonical values must be equal */
  XREF_COMPARE_SET,        /* values are sets of ids; equal sets agree */
  XREF_COMPARE_NUMERIC,    /* numbers, equal within tolerance (relative) */
  XREF_COMPARE_DATE,       /* dates, equal within tolerance (days) */
  XREF_COMPARE_VAGUE,      /* vague-equivalence groups, e.g. PXM */
} XrefCompare;

typedef struct {
  const char *id;           /* interned slot name: location, recipient, … */
  XrefCompare compare;
  gdouble tolerance;        /* relative for NUMERIC, days for DATE */
  gboolean from_timex;      /* value comes from a time expression */
  guint timex_types;        /* bit set of (1 << XrefTimexType) when from_timex */
  GPtrArray *patterns;      /* XrefRegex*, tried in order on the sentence
                               text after the action; group "value" (or the
                               whole match) is the value's text */
  GHashTable *groups;       /* value → interned group id for vague
                               equivalence ("several months" → "PXM"), may
                               be NULL */
  XrefRuleOrigin origin;
} XrefSlotDef;

/* ---- contradictions ---------------------------------------------------- */

typedef enum {
  XREF_CONTRA_POLARITY,    /* one source affirms, another negates */
  XREF_CONTRA_ANTONYM,     /* antonym actions on the same topic */
  XREF_CONTRA_EXCLUSIVE,   /* exclusive slot values */
  XREF_CONTRA_NUMERIC,     /* numbers beyond tolerance */
  XREF_CONTRA_DATE,        /* dates beyond tolerance */
} XrefContraKind;

typedef struct {
  const char *id;          /* interned, e.g. "negation-flip" */
  XrefContraKind kind;
  const char *slot;        /* interned slot id it applies to, NULL = any */
  gdouble tolerance;
  const char *description; /* one line for --explain */
  XrefRuleOrigin origin;
} XrefContradiction;

/* ---- text stage knowledge ---------------------------------------------- */

typedef struct {
  const char *id;          /* interned */
  XrefRegex *line;         /* matched against each whole line (no newline) */
  gboolean cut_rest;       /* drop this line and everything after it */
  XrefRuleOrigin origin;
} XrefBoilerplate;

typedef struct {
  const char *id;          /* interned, e.g. "tass" */
  const char *name;        /* display name, e.g. "TASS" */
  GPtrArray *patterns;     /* plain strings (owned by the rules) that mark
                              the outlet in a dateline: "/TASS/", "(AP)" */
  XrefRuleOrigin origin;
} XrefOutlet;

/* ---- lexicon: closed-class words and small word lists ----------------- */

/* Word classes, a bit set per lower-cased word (see xref_rules_word_class). */
enum {
  XREF_WC_DETERMINER   = 1 << 0,   /* the a an this that these those … */
  XREF_WC_NEGATION     = 1 << 1,   /* not n't never no none nobody … */
  XREF_WC_PRONOUN_MALE = 1 << 2,   /* he him his */
  XREF_WC_PRONOUN_FEMALE = 1 << 3, /* she her hers */
  XREF_WC_PRONOUN_PLURAL = 1 << 4, /* they them their */
  XREF_WC_PRONOUN_NEUTER = 1 << 5, /* it its */
  XREF_WC_PREPOSITION  = 1 << 6,   /* in at on to for of with by … */
  XREF_WC_AUXILIARY    = 1 << 7,   /* be is are was were been have has had do does did */
  XREF_WC_MODAL        = 1 << 8,   /* will would shall should may might can could must */
  XREF_WC_CONJUNCTION  = 1 << 9,   /* and or but that which who … */
  XREF_WC_STOPWORD     = 1 << 10,  /* any other closed-class word */
};

typedef enum {
  XREF_MODALITY_ASSERTED,
  XREF_MODALITY_PLANNED,
  XREF_MODALITY_POSSIBLE,
  XREF_MODALITY_REFUSED,       /* refused to comment */
  XREF_MODALITY_UNCONFIRMED,   /* not officially confirmed */
  XREF_MODALITY_CONDITIONAL,
} XrefModality;

/* A modal phrase ("plans to", "refused to comment", "may"). */
typedef struct {
  XrefModality modality;
  gboolean negates;            /* "denied" negates what follows */
  const char *rule;            /* interned provenance id */
} XrefModalMatch;

/* ---- examples and overrides (for rule authors) ------------------------ */

/* The kind of rule an example belongs to. */
typedef enum {
  XREF_EXAMPLE_ENTITY,
  XREF_EXAMPLE_ACTION,
  XREF_EXAMPLE_SLOT,
  XREF_EXAMPLE_CONTRADICTION,
  XREF_EXAMPLE_BOILERPLATE,
} XrefExampleOf;

/* One expected field of a claim or a row.  key is interned: a claim field
 * ("actor", "action", "object", "date", "polarity", "modality", "speaker",
 * "source"), a row field ("actor", "action", "object", "slot", "verdict",
 * "rule"), or a slot id when slot is TRUE.  value is interned; NULL means
 * the field must be absent. */
typedef struct {
  const char *key;
  const char *value;
  gboolean slot;
} XrefExpect;

/* An `examples:` item of a rule (schema in rules/README.md): documents
 * and what the pipeline must make of them.  `xref rules test` runs them.
 * Owned by the rule set; every string is interned or owned by it. */
typedef struct {
  XrefExampleOf of;        /* kind of the rule holding the example */
  const char *rule;        /* interned id of that rule */
  GPtrArray *texts;        /* interned: `text` (one document) or `sources`
                              (one document each); empty for boilerplate */
  const char *line;        /* boilerplate: a line the rule must drop, or NULL */
  const char *keep;        /* boilerplate: a line the rule must keep, or NULL */
  XrefDate published;      /* date of the documents (`published`), 0 = none */
  GPtrArray *mentions;     /* interned entity ids that must be mentioned */
  GPtrArray *not_mentions; /* interned entity ids that must not be */
  GArray *claim;           /* XrefExpect: one claim must have all (`claim`
                              and `slot` together); NULL when not asked */
  GArray *no_claim;        /* XrefExpect: no claim may have all; or NULL */
  GArray *row;             /* XrefExpect: one row must have all; or NULL */
  GArray *no_row;          /* XrefExpect: no row may have all; or NULL */
  XrefRuleOrigin origin;   /* the example item */
} XrefExample;

/* A definition replaced by one with the same id from a later folder. */
typedef struct {
  const char *kind;        /* static: "entity", "action", "slot",
                              "contradiction", "boilerplate", "outlet" */
  const char *id;          /* interned */
  XrefRuleOrigin replaced; /* where the earlier definition was */
  XrefRuleOrigin by;       /* where the later one is */
} XrefRuleOverride;

/* Sizes of a rule set, for `xref rules check`. */
typedef struct {
  guint entities, aliases, roles, demonyms;
  guint actions, verbs, verb_forms, nouns;   /* verb_forms: every inflected
                                                form of every verb */
  guint slots, contradictions, boilerplate, outlets;
  guint abbreviations;                       /* distinct, case folded */
  guint speech_verbs, modal_phrases;
  guint examples;
} XrefRulesCounts;

/* ---- the rule set ------------------------------------------------------ */

struct _XrefRules {
  GHashTable *entities;        /* interned id → XrefEntity* */
  GHashTable *actions;         /* interned id → XrefAction* */
  GHashTable *slots;           /* interned id → XrefSlotDef* */
  GPtrArray *contradictions;   /* XrefContradiction*, in load order */
  GPtrArray *boilerplate;      /* XrefBoilerplate*, in load order */
  GPtrArray *outlets;          /* XrefOutlet*, in load order */

  XrefPhraseTable *entity_phrases;  /* aliases, roles, demonyms → XrefEntityMatch* */
  XrefPhraseTable *action_phrases;  /* every inflected verb, phrasal verb and
                                       noun form → XrefActionMatch* */
  XrefPhraseTable *speech_phrases;  /* every inflected speech verb ("said",
                                       "told reporters" is extract's job) and
                                       "according to" → XrefActionMatch*
                                       with action == NULL */
  XrefPhraseTable *modal_phrases;   /* "plans to", "intend to", "refused to
                                       comment", "may" → XrefModalMatch* */

  GHashTable *word_classes;    /* interned lower-case word → GUINT_TO_POINTER (XREF_WC_* bits) */
  GHashTable *abbreviations;   /* interned token form with its final dot, as
                                  written ("U.S.", "Feb.") and lower-cased
                                  ("u.s.", "feb.") → GINT_TO_POINTER (1) */

  /* temporal word lists; keys are interned lower-case words */
  GHashTable *months;          /* "december", "dec", "dec." → GINT_TO_POINTER (12) */
  GHashTable *weekdays;        /* "wednesday", "wed." → GINT_TO_POINTER (3), ISO 1..7 */
  GHashTable *numbers;         /* "one" → 1 … "dozen" → 12, "half" → 0.5:
                                  value is a const gdouble* owned by the rules */
  GHashTable *units;           /* "day", "days" → "D"; "week(s)" → "W"; "month(s)" → "M";
                                  "year(s)" → "Y"; "hour(s)" → "H" (interned value) */
  GHashTable *vague_quantities;/* "several", "a few", "few", "some", "many" → 1 */
  GHashTable *seasons;         /* "spring" → "SP", "summer" → "SU", "autumn"/"fall" → "FA", "winter" → "WI" */
  GHashTable *temporal_words;  /* the temporal grammar's other word lists
                                  (rules/README.md, "temporal"): interned list
                                  name ("deictic", "signals", …) → GHashTable
                                  of interned lower-case phrase (words joined
                                  by one space) → interned value as written
                                  ("-1", "START"; "1" in plain lists); NULL
                                  when no rule file gives any */

  /* where it came from */
  GPtrArray *dirs;             /* char* folders loaded, in order */
  GPtrArray *files;            /* char* files loaded, in order */

  /* for rule authors (`xref rules check`, `xref rules test`) */
  GPtrArray *overrides;        /* XrefRuleOverride*, owned, in load order */
  GPtrArray *examples;         /* XrefExample*, owned, of the definitions in
                                  force, by file (load order) and line */
  XrefRulesCounts counts;      /* sizes of the whole set */

  /* Built once at load (immutable after), read by xref_rules_word_bits:
   * every interned key of word_classes, vague_quantities and numbers and
   * every first word of a phrase table, with its bits, in an
   * open-addressing table keyed by the interned pointer. */
  XrefWordIndex *word_index;
  /* The words the slot patterns need (see xref_regex_slot_words), at
   * most XREF_SLOT_WORDS_MAX, lower-cased and interned; built once at
   * load, immutable after. */
  const char *slot_word[XREF_SLOT_WORDS_MAX];
  guint8 slot_word_len[XREF_SLOT_WORDS_MAX];
  guint8 slot_word_end[32];     /* bit b: a word ends with byte b */
  guint n_slot_words;
  /* A number no other rule set of the process has (set with word_index,
   * from 1; 0 for a set built by hand): a per-thread cache of what the
   * rules say of a word is valid while the serial it was filled for is
   * the serial of the rules asked about. */
  guint serial;
};

/* Loads every *.yaml file (sorted by name) of each folder in dirs, in order;
 * a later definition with the same id replaces an earlier one.  Validates
 * the whole set; on any error returns NULL and sets XREF_ERROR_RULES whose
 * message lists every error found, one "file:line:col: message" per line.
 * Free with xref_rules_free. */
XrefRules *xref_rules_load (const char *const *dirs, guint n_dirs, GError **error);

/* Loads rules from YAML text held in memory (for tests); name is used in
 * messages as the file name. */
XrefRules *xref_rules_load_string (const char *name, const char *yaml, gsize len, GError **error);

void xref_rules_free (XrefRules *rules);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XrefRules, xref_rules_free)

/* Finds the default rules folder: $XREF_RULES, else "rules" beside the
 * executable (argv0 resolved through /proc/self/exe), else
 * XREF_DATADIR/rules.  Returns a newly allocated path, or NULL. */
char *xref_rules_default_dir (void);

/* Longest phrase of the table that starts at tokens[i] (of n).  Returns its
 * length in tokens (0 when none matches) and sets *value.  Phrase words
 * written in the rules with an upper-case letter match a token's form
 * exactly; other words match the token's lower-cased norm. */
guint xref_phrase_table_match (const XrefPhraseTable *table, const XrefToken *tokens, guint n, guint i,
                               gconstpointer *value);

/* A phrase's tag: a few bits of what its value says (at most 16 bits),
 * which xref_phrase_table_match_tagged hands back with the match from
 * the table's own memory, so that a caller that only tests them does not
 * read the value (a cache miss per match in the action finder). */
typedef guint (*XrefPhraseTagFunc) (gconstpointer value);

/* Has the table tag every phrase with tag_of (its value), at freeze
 * (call before). */
void xref_phrase_table_set_tags (XrefPhraseTable *table, XrefPhraseTagFunc tag_of);

/* xref_phrase_table_match, and the tag of the phrase matched to *tag (0
 * when none matches or the table has no tags). */
guint xref_phrase_table_match_tagged (const XrefPhraseTable *table, const XrefToken *tokens, guint n, guint i,
                                      gconstpointer *value, guint *tag);

/* The tags of action_phrases and speech_phrases: xref_action_match_tag
 * of an XrefActionMatch. */
enum {
  XREF_ACTION_TAG_FORM    = 0x7,      /* mask of its XrefForm */
  XREF_ACTION_TAG_ACTION  = 1 << 3,   /* its action is not NULL */
  XREF_ACTION_TAG_CAPITAL = 1 << 4,   /* its lemma starts with a capital */
  XREF_ACTION_TAG_SET     = 1 << 5,   /* always: a tag that is 0 was not set */
  XREF_ACTION_TAG_ATTRIBUTION = 1 << 6, /* an attribution phrase ("according to") */
};
guint xref_action_match_tag (gconstpointer value);

/* Number of phrases in the table. */
guint xref_phrase_table_size (const XrefPhraseTable *table);

/* Word-class bits (XREF_WC_*) of an interned lower-case word, 0 if none.
 * (Any string gives the right answer; an interned one is found by its
 * pointer, without hashing its bytes.) */
guint xref_rules_word_class (const XrefRules *rules, const char *norm);

/* What the rule set knows about one word: the XREF_WC_* bits (the low 16
 * bits, XREF_WB_CLASSES) and the bits below.  One pointer probe, for the
 * stages that ask about every token (compute it once per token). */
enum {
  XREF_WB_CLASSES     = 0xffff,    /* mask of the XREF_WC_* bits */
  XREF_WB_VAGUE       = 1 << 16,   /* a key of vague_quantities */
  XREF_WB_NUMBER      = 1 << 17,   /* a key of numbers */
  XREF_WB_ENTITY_HEAD = 1 << 18,   /* the first word of an entity_phrases phrase */
  XREF_WB_ACTION_HEAD = 1 << 19,   /* … of an action_phrases phrase */
  XREF_WB_SPEECH_HEAD = 1 << 20,   /* … of a speech_phrases phrase */
  XREF_WB_MODAL_HEAD  = 1 << 21,   /* … of a modal_phrases phrase */
};

/* The XREF_WB_* bits of norm, which must be interned (a token's norm):
 * a string that is not the interned copy gives 0.  A phrase can start at
 * a token only if its norm has the table's HEAD bit, so a clear bit
 * answers xref_phrase_table_match without calling it. */
guint xref_rules_word_bits (const XrefRules *rules, const char *norm);

/* Appends to out the interned first word (norm) of each of the table's
 * phrases, in insertion order (a word comes once per phrase it starts). */
void xref_phrase_table_heads (const XrefPhraseTable *table, GPtrArray *out);

/* Convenience lookups; NULL when unknown. */
const XrefEntity *xref_rules_entity (const XrefRules *rules, const char *id);
const XrefAction *xref_rules_action (const XrefRules *rules, const char *id);
const XrefSlotDef *xref_rules_slot (const XrefRules *rules, const char *id);

/* TRUE when entity a is b, or is part_of / is_a b, transitively. */
gboolean xref_rules_entity_within (const XrefRules *rules, const char *a, const char *b);

/* Runs a rule regex on subject[0..len) with PCRE2's match limit set.
 * Returns TRUE on a match and sets *match (whole match) and *value (the
 * group named "value", else the whole match), both relative to subject.
 * Returns FALSE with no error when nothing matches, FALSE with
 * XREF_ERROR_REGEX when the match limit was hit.  Thread safe. */
gboolean xref_regex_match (const XrefRegex *re, const char *subject, gsize len, gsize offset,
                           XrefSpan *match, XrefSpan *value, GError **error);

/* As xref_regex_match for a subject the caller knows to be valid UTF-8
 * (document text that has been checked): the subject is not checked
 * again, which xref_regex_match does on every call.  On invalid UTF-8
 * the result is undefined (PCRE2_NO_UTF_CHECK).  Thread safe. */
gboolean xref_regex_match_valid (const XrefRegex *re, const char *subject, gsize len, gsize offset,
                                 XrefSpan *match, XrefSpan *value, GError **error);

/* TRUE only when xref_regex_match (re, subject, len, 0, …) would surely
 * return FALSE with no error, decided without running the pattern: the
 * subject is shorter than any match, or the pattern is anchored and no
 * match can start with the subject's first byte (both found at compile
 * time).  FALSE means "maybe": run the match.  subject must be valid
 * UTF-8 (an invalid one makes xref_regex_match report an error).  For
 * callers that try many patterns on many short subjects (boilerplate
 * lines), to skip most PCRE2 calls.  Thread safe. */
gboolean xref_regex_cannot_match (const XrefRegex *re, const char *subject, gsize len);

/* FALSE when xref_regex_match (re, subject, len, offset, …) cannot
 * match: a cheap necessary condition read from the pattern at compile
 * time (the strings, classes and word boundaries every match consumes,
 * PCRE2's minimum length), checked with a byte scan.  TRUE means "maybe":
 * call xref_regex_match.  subject must be valid UTF-8 (document text
 * always is): for invalid UTF-8 a FALSE hides the error xref_regex_match
 * would report.  TRUE for a subject too long or an offset inside a
 * character, which xref_regex_match reports.  A pattern that would hit
 * the match limit on a subject this rules out is not run, so that error
 * is not reported either.  Thread safe. */
gboolean xref_regex_may_match (const XrefRegex *re, const char *subject, gsize len, gsize offset);

/* The slot words of a slot pattern of a rule set loaded from files: a
 * bit set over rules->slot_word, one of whose words every match of re
 * consumes as a word followed by a space, after a space or a word
 * boundary ("in" or "at" for "\b(?:in|at) [A-Z]…"); 0 when nothing is
 * known.  xref_tokenize puts such a word at the end of a token, so
 * that re cannot match a text none of whose tokens has a norm of which
 * xref_rules_slot_word_bits says one of these bits. */
guint xref_regex_slot_words (const XrefRegex *re);

/* The bits of the slot words (rules->slot_word[k]: bit k) that a token
 * of norm norm (len bytes) may hold where a slot pattern needs it: the
 * norm is the word, or ends with it after a byte that is no ASCII
 * letter or digit ("built-in") or after an "i" or a "k" (which may
 * stand for "İ" or the Kelvin sign).  Thread safe. */
guint xref_rules_slot_word_bits (const XrefRules *rules, const char *norm, gsize len);

/* The pattern text and id of a rule regex, for messages. */
const char *xref_regex_pattern (const XrefRegex *re);

G_END_DECLS
