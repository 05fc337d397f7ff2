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

/* The tokens of sentence s of doc. */
static inline const XrefToken *
xref_sentence_tokens (const XrefDocument *doc, const XrefSentence *s)
{
  return &g_array_index (doc->tokens, XrefToken, s->first_token);
}

G_END_DECLS
