/* xref — text: word-at-a-time helpers shared by the tokenizer and the
 * segmenter (not a public header). */
#pragma once

#include "xref/text.h"

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* Eight bytes at p as one little-endian word, p[0] lowest. */
static inline guint64
xref_text_load8 (const void *p)
{
  guint64 w;
  memcpy (&w, p, 8);
  return GUINT64_FROM_LE (w);
}

/* The index of the lowest non-zero byte of w (w != 0). */
static inline guint
xref_text_first_byte (guint64 w)
{
#if defined(__GNUC__) || defined(__clang__)
  return (guint) __builtin_ctzll (w) >> 3;
#else
  guint i = 0;
  while (!(w & 0xff))
    {
      w >>= 8;
      i++;
    }
  return i;
#endif
}

/* The gen of this thread's pass test (xref_text_set_pass), 0 for none. */
guint xref_text_pass_gen (void);

/* Whether this thread's word function (xref_text_set_word_func) is set
 * for rules. */
gboolean xref_text_words_on (const XrefRules *rules);

/* xref_text_tokenize_bits_in, also storing the word function's answer
 * for the k-th token appended at words[k] (as xref_text_doc_words gives
 * it; room for end - start of them); only while xref_text_words_on (the
 * rules it was set for). */
void xref_text_tokenize_words (const char *text, gsize start, gsize end, gsize readable, GArray *tokens,
                               guint8 *bits, guint64 *words);

G_END_DECLS
