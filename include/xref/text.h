/* xref — text: sentences and tokens with byte offsets into the original file. */
#pragma once

#include "xref/ingest.h"

G_BEGIN_DECLS

enum {
  XREF_SENTENCE_HEADING = 1 << 0,   /* a heading or section title: never a claim */
  XREF_SENTENCE_QUOTE   = 1 << 1,   /* lies wholly inside a quotation */
  XREF_SENTENCE_PARA    = 1 << 2,   /* first sentence of a paragraph */
};

typedef struct {
  gsize start;             /* byte span of the sentence, trimmed of space */
  gsize end;
  guint first_token;       /* index into doc->tokens */
  guint n_tokens;
  guint flags;             /* XREF_SENTENCE_* */
} XrefSentence;

/* Splits every region of doc into sentences and tokens, filling
 * doc->tokens and doc->sentences.  Headings (doc->headings) become
 * sentences flagged HEADING.  Abbreviations come from rules->abbreviations.
 * Never fails. */
void xref_text_segment (XrefDocument *doc, const XrefRules *rules);

/* What the text stage asks of every token of a region while it segments
 * it, one byte per token: the bits below that follow from the token alone
 * (its kind, bytes and flags).  XREF_TEXT_BIT_STAMP is set for numbers and
 * words starting with a digit; xref_text_segment adds it for month and
 * weekday names, which depend on the rules. */
enum {
  XREF_TEXT_BIT_CAP_WORD = 1 << 0,   /* a WORD flagged CAPITALISED */
  XREF_TEXT_BIT_NUMBER   = 1 << 1,   /* a NUMBER */
  XREF_TEXT_BIT_STAMP    = 1 << 2,   /* a NUMBER, or a WORD starting with an ASCII digit */
  XREF_TEXT_BIT_MAY_END  = 1 << 3,   /* a PUNCT that is ":" or a terminal (".", "...", "!",
                                        "?", "\u2026"), or a WORD ending in "." */
  XREF_TEXT_BIT_IN_QUOTE = 1 << 4,   /* flagged IN_QUOTE */
  XREF_TEXT_BIT_QUOTE    = 1 << 5,   /* a QUOTE */
  XREF_TEXT_BIT_BULLET   = 1 << 6,   /* a PUNCT or SYMBOL whose first byte is not ASCII */
  XREF_TEXT_BIT_PASS     = 1 << 7,   /* a WORD, PUNCT or SYMBOL whose norm the thread's pass
                                        test (xref_text_set_pass) says yes to */
};

/* A test of a token's norm (interned) that a later stage would otherwise
 * make at every token: its answer is worked out once per form, when the
 * tokenizer's per-thread form cache describes it, and carried as
 * XREF_TEXT_BIT_PASS in the bits of every WORD, PUNCT and SYMBOL token of
 * that form.  It must be a pure function of (data, norm). */
typedef gboolean (*XrefTextPassFunc) (gconstpointer data, const char *norm);

/* Sets this thread's pass test (NULL for none: no token gets the bit).
 * gen names (func, data): a new gen forgets the thread's cached answers;
 * data must stay valid until the thread sets another test or exits. */
void xref_text_set_pass (XrefTextPassFunc func, gconstpointer data, guint gen);

/* The XREF_TEXT_BIT_* of every token of doc (one byte per token of
 * doc->tokens, in order, with eight readable bytes after them) when this
 * thread segmented doc last, with its pass test numbered gen, and the
 * tokens are as it left them; else NULL.  Valid until this thread
 * segments another document. */
const guint8 *xref_text_doc_bits (const XrefDocument *doc, guint gen);

/* A later stage's answer for a token, a pure function of (rules,
 * t->norm, t->kind, t->flags & (XREF_TOKEN_CAPITALISED |
 * XREF_TOKEN_ALLCAPS)): 32 bits, and a byte in *byte.  t's offsets are
 * 0 and its other flags unset. */
typedef guint32 (*XrefTextWordFunc) (const XrefRules *rules, const XrefToken *t, guint8 *byte);

/* Sets this thread's word function for rules (whose serial is not 0):
 * from then on, while this thread segments a document with these rules,
 * the tokenizer asks func once per form and kind (its form cache keeps
 * the answers) and keeps the answers of every token for the stage after
 * it (xref_text_doc_words); one lookup per token instead of two.  A new
 * function or rule set forgets the cached answers. */
void xref_text_set_word_func (XrefTextWordFunc func, const XrefRules *rules);

/* The word function's answers for every token of doc (one per token of
 * doc->tokens, in order: read with xref_text_word_bits and
 * xref_text_word_byte), when this thread segmented doc last with rules
 * and with the word function set for them, and the tokens are as it
 * left them; else NULL.  Valid until this thread segments another
 * document. */
const guint64 *xref_text_doc_words (const XrefDocument *doc, const XrefRules *rules);

/* The bits and the byte of an answer of xref_text_doc_words. */
static inline guint32
xref_text_word_bits (guint64 w)
{
  return (guint32) (w >> 32);
}

static inline guint8
xref_text_word_byte (guint64 w)
{
  return (guint8) (w >> 8);
}

/* xref_tokenize, also storing the XREF_TEXT_BIT_* of the k-th token
 * appended at bits[k]; bits must have room for end - start bytes (a token
 * holds at least one byte). */
void xref_text_tokenize_bits (const char *text, gsize start, gsize end, GArray *tokens, guint8 *bits);
/* The same, where text[0..readable) may be read (readable >= end; a
 * document's text: its length + 1, the NUL): the fast paths then read
 * past end where that cannot change a token.  The same tokens and bits. */
void xref_text_tokenize_bits_in (const char *text, gsize start, gsize end, gsize readable, GArray *tokens,
                                 guint8 *bits);

/* The tokens of sentence s of doc. */
static inline const XrefToken *
xref_sentence_tokens (const XrefDocument *doc, const XrefSentence *s)
{
  return &g_array_index (doc->tokens, XrefToken, s->first_token);
}

G_END_DECLS
