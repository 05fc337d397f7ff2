/* xref — rules: the private interfaces between the files of src/rules/.
 *
 *   rules-yaml.c     libyaml events → a small node tree with positions
 *   rules-schema.c   one file's tree → definitions, schema errors
 *   rules-load.c     folders, merging by id, references, the public API
 *   rules-compile.c  definitions → the phrase tables of XrefRules
 *   rules-phrase.c   the phrase table
 *   rules-morph.c    English verb inflection
 *   rules-regex.c    PCRE2 rule regexes
 *
 * Nothing here is part of the public contract; tests include this header
 * to reach the morphology and the YAML limits directly. */
#pragma once

#include "xref/rules.h"

G_BEGIN_DECLS

/* Limits of the YAML reader. */
#define XREF_RULES_MAX_FILE  (4u * 1024 * 1024)   /* bytes per rule file */
#define XREF_RULES_MAX_DEPTH 64                   /* nested collections */

/* ---- errors ------------------------------------------------------------ */

typedef struct {
  const char *file;        /* interned */
  guint file_index;        /* order in which files were first seen */
  gint line;               /* 1-based, 0 for an error about the whole file */
  gint col;
  guint seq;
  char *message;
} RulesError;

/* Everything a load collects before it either succeeds or fails once. */
typedef struct _RulesLoader RulesLoader;

/* Records "file:line:col: message" (line 0: "file: message"). */
void xref_rules_error (RulesLoader *ld, const char *file, gint line, gint col, const char *format, ...)
  G_GNUC_PRINTF (5, 6);

/* ---- YAML node tree ---------------------------------------------------- */

typedef enum {
  YNODE_SCALAR,
  YNODE_SEQ,
  YNODE_MAP,
} YNodeKind;

typedef struct _YNode YNode;
struct _YNode {
  YNodeKind kind;
  gint style;              /* yaml_scalar_style_t of a scalar */
  gint line;               /* 1-based position of the node's first character */
  gint col;
  char *str;               /* scalar value, NUL-terminated (owned by the doc) */
  gsize len;
  GPtrArray *items;        /* SEQ: YNode*; MAP: key, value, key, value … */
};

/* Nodes and scalar strings live in the document's arena and go with it:
 * a rule file of tens of thousands of entries is read and dropped without
 * a malloc and a free per node. */
typedef struct {
  const char *file;        /* interned */
  const char *buf;         /* the YAML text, borrowed for the life of the doc */
  gsize len;
  YNode *root;             /* NULL for an empty document */
  gboolean failed;         /* a YAML-level error was recorded */
  GStringChunk *strings;   /* scalar values */
  GPtrArray *blocks;       /* YNode blocks (owned) */
  guint block_used;        /* nodes used in the last block */
  GPtrArray *lists;        /* every collection's items array (owned) */
} YDoc;

/* Parses buf into a tree.  YAML-level errors (syntax, anchors, aliases,
 * tags, merge keys, duplicate keys, nesting deeper than
 * XREF_RULES_MAX_DEPTH, more than one document) are recorded in ld and set
 * doc->failed.  Never returns NULL.  Free with xref_rules_ydoc_free. */
YDoc *xref_rules_yaml_parse (RulesLoader *ld, const char *file, const char *buf, gsize len);
void xref_rules_ydoc_free (YDoc *doc);

/* The 1-based line and column in the YAML file of byte offset `offset` of
 * the value of scalar node n (escapes, doubled quotes and folded lines
 * are walked back to the source). */
void xref_rules_yaml_locate (const YDoc *doc, const YNode *n, gsize offset, gint *line, gint *col);

/* TRUE for a plain empty, "~" or "null" scalar. */
gboolean xref_rules_ynode_is_null (const YNode *n);

/* ---- definitions ------------------------------------------------------- */

typedef struct {
  const char *text;        /* interned, as written */
  XrefRuleOrigin origin;
} RulesStr;

typedef enum {
  RULES_REF_ENTITY,
  RULES_REF_ACTION,
  RULES_REF_SLOT,
  RULES_REF_CONTRA,
} RulesRefTarget;

typedef struct {
  const char *id;          /* interned */
  const char *key;         /* static: "part_of", "slots", … */
  RulesRefTarget target;
  XrefRuleOrigin origin;
} RulesRef;

/* An `examples:` item; the public record first.  refs are the ids it
 * names (mentions, claim actor …), checked like every other reference. */
typedef struct {
  XrefExample pub;
  GArray *refs;            /* RulesRef */
} RulesExample;

void xref_rules_example_free (RulesExample *x);

/* Each definition embeds the public record first, so a pointer to it is a
 * pointer to the public record. */
typedef struct {
  XrefEntity pub;
  GArray *aliases;         /* RulesStr; NULL when none was given */
  GArray *roles;           /* RulesStr, or NULL */
  GArray *demonyms;        /* RulesStr, or NULL */
  GArray *refs;            /* RulesRef, or NULL */
  GPtrArray *examples;     /* RulesExample*, owned */
  guint folder;            /* index of the folder it was read from */
  guint seq;               /* definition order over the whole load */
  guint colour;            /* part_of cycle search: 0 new, 1 on the path, 2 done */
} RulesEntity;

typedef struct {
  XrefAction pub;
  GArray *verbs;           /* RulesStr */
  GArray *nouns;
  GArray *refs;
  GPtrArray *examples;
  guint folder;
  guint seq;
} RulesAction;

typedef struct {
  XrefSlotDef pub;
  GPtrArray *examples;
  guint folder;
} RulesSlot;

typedef struct {
  XrefContradiction pub;
  GArray *refs;
  GPtrArray *examples;
  guint folder;
} RulesContra;

typedef struct {
  XrefBoilerplate pub;
  GPtrArray *examples;
  guint folder;
} RulesBoiler;

typedef struct {
  XrefOutlet pub;
  guint folder;
} RulesOutlet;

typedef struct {
  RulesStr phrase;
  XrefModality modality;
  gboolean negates;
} RulesModal;

typedef struct {
  const char *past;        /* interned */
  const char *participle;
} RulesIrregular;

void xref_rules_entity_free (RulesEntity *e);
void xref_rules_action_free (RulesAction *a);
void xref_rules_slot_free (RulesSlot *s);
void xref_rules_contra_free (RulesContra *c);
void xref_rules_boiler_free (RulesBoiler *b);
void xref_rules_outlet_free (RulesOutlet *o);

struct _RulesLoader {
  XrefRules *rules;        /* the tables being filled */
  GArray *errors;          /* RulesError */
  GHashTable *file_index;  /* interned file → GUINT_TO_POINTER (index + 1) */
  guint folder;            /* index of the folder being read */
  guint seq;               /* next definition number */
  gboolean yaml_failed;    /* some file could not be read as YAML */

  /* id → GUINT_TO_POINTER (index + 1) into the ordered lists of rules */
  GHashTable *contra_index;
  GHashTable *boiler_index;
  GHashTable *outlet_index;

  /* definitions of the file being validated, in file order; merged by id
   * once the file is done */
  GPtrArray *entities;     /* RulesEntity* */
  GPtrArray *actions;
  GPtrArray *slots;
  GPtrArray *contras;
  GPtrArray *boilers;
  GPtrArray *outlets;

  /* list-like knowledge, merged over every file */
  GHashTable *irregular;   /* interned base → RulesIrregular* */
  GArray *speech;          /* RulesStr */
  GArray *attribution;     /* RulesStr */
  GArray *modals;          /* RulesModal, later ones win */
  GPtrArray *no_ids;       /* the empty id list entities share */
  guint n_verb_forms;      /* inflected forms of action verbs compiled */
};

/* Validates one parsed file against the schema (see rules/README.md),
 * appending definitions to ld's per-file lists and list-like knowledge to
 * ld and ld->rules.  Errors go to ld. */
void xref_rules_schema_apply (RulesLoader *ld, const YDoc *doc);

/* The closest of the NULL-terminated words to s when close enough to be a
 * likely typo (edit distance with transpositions), else NULL. */
const char *xref_rules_suggest (const char *s, const char *const *words);

/* The tokens of a rule phrase (GArray of XrefToken; free with
 * g_array_unref): xref_tokenize's, except that a phrase starting with an
 * apostrophe ("'ll") is split as a clitic after a word. */
GArray *xref_rules_phrase_tokens (const char *text);
/* The same into toks (emptied first). */
void xref_rules_phrase_tokens_into (const char *text, GArray *toks);

/* Builds the phrase tables of ld->rules from its definitions and ld's
 * lexicon; unusable phrases are recorded as errors. */
void xref_rules_compile (RulesLoader *ld);

/* ---- regexes ----------------------------------------------------------- */

/* Compiles pattern with PCRE2_UTF | PCRE2_UCP.  On failure returns NULL and
 * sets *message (free with g_free) and *offset, the byte offset into
 * pattern where PCRE2 found the error. */
XrefRegex *xref_regex_new (const char *pattern, gsize len, char **message, gsize *offset);
void xref_regex_free (XrefRegex *re);

/* ---- phrase tables ----------------------------------------------------- */

/* A new empty table.  word_classes (borrowed, may be NULL) serves the
 * phrase word "*"; value_free frees values added. */
XrefPhraseTable *xref_phrase_table_new (GHashTable *word_classes, GDestroyNotify value_free);
void xref_phrase_table_free (XrefPhraseTable *table);

/* Adds the phrase made of tokens[0..n) (QUOTE tokens are skipped) with its
 * value, taking ownership of value.  When the same phrase is already
 * present the lower rank wins, the first on a tie; the loser's value is
 * freed.  Returns FALSE and sets *problem (static string) when the phrase
 * has no words or starts with "*"; value is then freed. */
gboolean xref_phrase_table_add (XrefPhraseTable *table, const XrefToken *tokens, guint n, gpointer value, gint64 rank,
                                const char **problem);

/* size bytes (zeroed, aligned for any value) that live as long as the
 * table: for values of a table made with no value_free. */
gpointer xref_phrase_table_alloc (XrefPhraseTable *table, gsize size);

/* Sorts every bucket longest first; call once after the last add. */
void xref_phrase_table_freeze (XrefPhraseTable *table);

/* ---- morphology -------------------------------------------------------- */

typedef struct {
  const char *form;        /* interned */
  XrefForm kind;           /* BASE, PRESENT, PAST, PARTICIPLE or GERUND */
} XrefInflection;

/* Appends every inflected form of the lower-case English verb `verb` (one
 * word) to out (GArray of XrefInflection), each form once, the first
 * reading kept in the order BASE, PRESENT, PAST, PARTICIPLE, GERUND.
 * past/participle (may be NULL) give the irregular forms.  Verbs of more
 * than one syllable that end consonant-vowel-consonant get both the plain
 * and the doubled spelling (transfered/transferred, traveled/travelled):
 * the stress that decides it is not in the spelling. */
void xref_rules_inflect (const char *verb, const char *past, const char *participle, GArray *out);

/* Lower-cases s as token norms do (’ ‘ → ', “ ” « » → "); s is valid
 * UTF-8.  Newly allocated. */
char *xref_rules_fold (const char *s);

/* A necessary condition for a rule regex to match (rules-prefilter.c):
 * the strings, classes and word boundaries every match of pattern
 * consumes, and PCRE2's minimum match length in characters.  new returns
 * NULL when the pattern says nothing useful; may_match is FALSE only when
 * subject[offset..len) (valid UTF-8, offset at a character) cannot match. */
typedef struct _XrefRegexPrefilter XrefRegexPrefilter;
XrefRegexPrefilter *xref_prefilter_new (const char *pattern, gsize len, guint32 minlength);
void xref_prefilter_free (XrefRegexPrefilter *pf);
gboolean xref_prefilter_may_match (const XrefRegexPrefilter *pf, const char *subject, gsize len, gsize offset);
/* The same answer by the plain scan (no sixteen-byte blocks, no filter
 * of the bytes before an anchor): for tests that pin the fast scan to it. */
gboolean xref_prefilter_may_match_reference (const XrefRegexPrefilter *pf, const char *subject, gsize len,
                                             gsize offset);
/* xref_phrase_table_match without its filters (first words, pairs of
 * words, the one-word shortcut, the set of words "*" matches): the whole
 * chain of the first word, walked word by word.  The same answers; for
 * tests that pin the filters to it. */
guint xref_phrase_table_match_reference (const XrefPhraseTable *table, const XrefToken *tokens, guint n, guint i,
                                         gconstpointer *value);
/* The words of one set of the prefilter's strings when every string of
 * it holds a word of ASCII letters and digits after a space or a word
 * boundary and before a space (lower-cased, interned, at most max, in
 * words): their number, or 0 (rules-prefilter.c). */
guint xref_prefilter_words (const XrefRegexPrefilter *pf, const char **words, guint max);
/* Numbers the slot words of the slot patterns of r (r->slot_word) and
 * gives each pattern its bits (rules-regex.c). */
void xref_slot_words_build (XrefRules *r);

/* The prefilter of a rule regex, or NULL (rules-regex.c). */
const XrefRegexPrefilter *xref_regex_prefilter (const XrefRegex *re);

G_END_DECLS
