/* xref — text: sentences over the tokens of each region.
 *
 * A sentence ends at . ! ? … (with the closing quotes and brackets right
 * after them) when white space and an upper-case letter, a digit or an
 * opening quote follow, and at the end of a region.  It does not end after
 * an abbreviation of the rules ("Feb.", "U.S.") or a single-letter initial
 * ("J."), unless the next word is a capitalised closed-class word ("The",
 * "He"), which cannot continue a name: "… sent by the U.S. The next day". */
#include "xref/text.h"

#include <string.h>

/* Longest sentence in tokens; a region without any boundary (a run-on
 * list, a hostile file) is cut there so later stages stay linear. */
#define MAX_SENTENCE_TOKENS 1000

static const XrefToken *
at (const XrefDocument *doc, guint i)
{
  return &g_array_index (doc->tokens, XrefToken, i);
}

static gboolean
is_terminal (const XrefToken *t)
{
  if (t->kind != XREF_TOKEN_PUNCT)
    return FALSE;
  return strcmp (t->form, ".") == 0 || strcmp (t->form, "!") == 0 || strcmp (t->form, "?") == 0
         || strcmp (t->form, "\u2026") == 0 || strcmp (t->form, "...") == 0 || t->form[0] == '.';
}

static gboolean
is_closer (const XrefToken *t)
{
  if (t->kind == XREF_TOKEN_QUOTE)
    return (t->flags & XREF_TOKEN_CLOSE_QUOTE) != 0;
  return t->kind == XREF_TOKEN_PUNCT && (strcmp (t->form, ")") == 0 || strcmp (t->form, "]") == 0);
}

/* Looks up "<word>." in the abbreviation table, as written and lower-cased.
 * The keys are interned, so a string never interned cannot be one. */
static gboolean
is_abbreviation (const XrefRules *rules, const XrefToken *word)
{
  char buf[64];
  const char *forms[2] = { word->form, word->norm };

  if (rules == NULL || rules->abbreviations == NULL)
    return FALSE;
  for (int k = 0; k < 2; k++)
    {
      gsize n = strlen (forms[k]);
      const char *key;

      if (n + 2 > sizeof buf)
        continue;
      memcpy (buf, forms[k], n);
      if (n == 0 || buf[n - 1] != '.')
        buf[n++] = '.';
      buf[n] = '\0';
      key = xref_intern_try (buf);
      if (key != NULL && g_hash_table_contains (rules->abbreviations, key))
        return TRUE;
    }
  return FALSE;
}

/* A single letter used as an initial: "J" before "." */
static gboolean
is_initial (const XrefToken *t)
{
  return t->kind == XREF_TOKEN_WORD && g_utf8_strlen (t->form, -1) == 1 && (t->flags & XREF_TOKEN_CAPITALISED);
}

/* Token t (followed by after, or NULL) can start a sentence: a capital,
 * a digit, an opening quote, or an opening bracket before a capital. */
static gboolean
starts_sentence (const XrefToken *t, const XrefToken *after)
{
  gunichar c;

  if (t->kind == XREF_TOKEN_NUMBER)
    return TRUE;
  if (t->kind == XREF_TOKEN_QUOTE)
    return (t->flags & XREF_TOKEN_OPEN_QUOTE) != 0;
  if (t->kind == XREF_TOKEN_PUNCT && (strcmp (t->form, "(") == 0 || strcmp (t->form, "[") == 0))
    return after != NULL && after->start == t->end && after->kind != XREF_TOKEN_PUNCT
           && starts_sentence (after, NULL);
  c = g_utf8_get_char (t->form);
  return g_unichar_isupper (c) || g_unichar_istitle (c);
}

/* A capitalised closed-class word ("The", "He", "In") can start a sentence
 * but not continue an abbreviated name. */
static gboolean
closed_class_start (const XrefRules *rules, const XrefToken *t)
{
  if (rules == NULL || rules->word_classes == NULL || t->kind != XREF_TOKEN_WORD)
    return FALSE;
  if (!(t->flags & XREF_TOKEN_CAPITALISED) || (t->flags & XREF_TOKEN_ALLCAPS))
    return FALSE;
  return xref_rules_word_class (rules, t->norm) != 0;
}

/* If a sentence can end after token i (of the region [first, last)),
 * returns the index one past its last token (closers included), else 0. */
static guint
boundary_after (const XrefDocument *doc, const XrefRules *rules, guint i, guint last)
{
  const XrefToken *t = at (doc, i);
  gboolean abbrev = FALSE;
  guint j;

  if (is_terminal (t))
    {
      /* "Feb." "Mr." "J." — the word right before the dot */
      if (strcmp (t->form, ".") == 0 && i > 0)
        {
          const XrefToken *w = at (doc, i - 1);
          if (w->end == t->start && w->kind == XREF_TOKEN_WORD && (is_abbreviation (rules, w) || is_initial (w)))
            abbrev = TRUE;
        }
    }
  else if (t->kind == XREF_TOKEN_WORD && g_str_has_suffix (t->form, "."))
    abbrev = TRUE;   /* an initialism with its dots: "U.S.", "a.m." */
  else
    return 0;

  /* closing quotes and brackets stay with the sentence they close; a
   * closing quote may stand apart ("… the bank. " Police said") */
  j = i + 1;
  while (j < last && is_closer (at (doc, j))
         && (at (doc, j)->start == at (doc, j - 1)->end || at (doc, j)->kind == XREF_TOKEN_QUOTE))
    j++;
  if (j >= last)
    return j;   /* the region ends here */

  const XrefToken *next = at (doc, j);
  if (next->start == at (doc, j - 1)->end)
    return 0;   /* no space: "U.S.-led", "…”he" */
  if (abbrev)
    {
      /* "… in the U.S. “We …": a quotation opening after the
       * abbreviation starts a sentence, as does "The", "He" */
      if (next->kind == XREF_TOKEN_QUOTE && (next->flags & XREF_TOKEN_OPEN_QUOTE) && j + 1 < last
          && starts_sentence (at (doc, j + 1), NULL))
        return j;
      return closed_class_start (rules, next) ? j : 0;
    }
  if (!starts_sentence (next, j + 1 < last ? at (doc, j + 1) : NULL))
    return 0;
  return j;
}

static void
add_sentence (XrefDocument *doc, guint first, guint n, guint flags)
{
  XrefSentence s = { 0 };
  gboolean quoted = FALSE, all_quoted = TRUE;

  if (n == 0)
    return;
  s.start = at (doc, first)->start;
  s.end = at (doc, first + n - 1)->end;
  s.first_token = first;
  s.n_tokens = n;
  for (guint k = first; k < first + n; k++)
    {
      const XrefToken *t = at (doc, k);
      if (t->kind == XREF_TOKEN_QUOTE)
        continue;
      if (t->flags & XREF_TOKEN_IN_QUOTE)
        quoted = TRUE;
      else
        all_quoted = FALSE;
    }
  s.flags = flags | (quoted && all_quoted ? XREF_SENTENCE_QUOTE : 0);
  g_array_append_val (doc->sentences, s);
}

static void
segment_region (XrefDocument *doc, const XrefRules *rules, const XrefSpan *r)
{
  guint first = doc->tokens->len, last, start;
  guint flags = XREF_SENTENCE_PARA;

  xref_tokenize (doc->text, r->start, r->end, doc->tokens);
  last = doc->tokens->len;
  start = first;
  for (guint i = first; i < last; i++)
    {
      guint end = boundary_after (doc, rules, i, last);
      if (end == 0 && i + 1 - start >= MAX_SENTENCE_TOKENS)
        end = i + 1;
      if (end == 0)
        continue;
      add_sentence (doc, start, end - start, flags);
      flags = 0;
      start = end;
      i = end - 1;
    }
  if (start < last)
    add_sentence (doc, start, last - start, flags);
}

void
xref_text_segment (XrefDocument *doc, const XrefRules *rules)
{
  guint r = 0, h = 0;

  g_array_set_size (doc->tokens, 0);
  g_array_set_size (doc->sentences, 0);

  /* regions and headings in text order */
  while (r < doc->regions->len || h < doc->headings->len)
    {
      const XrefSpan *rs = r < doc->regions->len ? &g_array_index (doc->regions, XrefSpan, r) : NULL;
      const XrefSpan *hs = h < doc->headings->len ? &g_array_index (doc->headings, XrefSpan, h) : NULL;

      if (hs != NULL && (rs == NULL || hs->start < rs->start))
        {
          guint first = doc->tokens->len;
          xref_tokenize (doc->text, hs->start, hs->end, doc->tokens);
          add_sentence (doc, first, doc->tokens->len - first, XREF_SENTENCE_HEADING);
          h++;
        }
      else
        {
          segment_region (doc, rules, rs);
          r++;
        }
    }
}
