/* Unit tests of the text stage: the tokenizer (a table below) and sentence
 * segmentation (tests/cases/sentences.txt, plus the seed corpus). */
#include "test-util.h"

#include <stdio.h>

#include "xref/text.h"

static XrefRules *rules;

static int
setup_rules (void **state)
{
  rules = test_load_default_rules ();
  return 0;
}

static int
teardown_rules (void **state)
{
  g_clear_pointer (&rules, xref_rules_free);
  return 0;
}

/* ---- tokenizer ------------------------------------------------------------ */

/* Tokens as "form" separated by single spaces, and one letter per token
 * for the kind: W word, N number, P punctuation, Q quote, S symbol. */
typedef struct {
  const char *input;
  const char *forms;
  const char *kinds;
} TokCase;

static const TokCase tok_cases[] = {
  { "Russia’s strikes", "Russia ’s strikes", "WWW" },
  { "doesn't", "does n't", "WW" },
  { "haven’t been", "have n’t been", "WWW" },
  { "can't won't", "ca n't wo n't", "WWWW" },
  { "I’m we're they'll she'd I've", "I ’m we 're they 'll she 'd I 've", "WWWWWWWWWW" },
  { "O'Brien and d’état", "O'Brien and d’état", "WWW" },
  { "RUSSIA’S", "RUSSIA ’S", "WW" },
  { "U.S. a.m. D.C. e.g.", "U.S. a.m. D.C. e.g.", "WWWW" },
  { "the U.S.-led push", "the U.S. - led push", "WWPWW" },
  { "Feb. 24", "Feb . 24", "WPN" },
  { "J. Smith", "J . Smith", "WPW" },
  { "Mr. Lavrov.", "Mr . Lavrov .", "WPWP" },
  { "6,755 civilians", "6,755 civilians", "NW" },
  { "6.5 million", "6.5 million", "NW" },
  { "2½ hours", "2½ hours", "NW" },
  { "½ of it", "½ of it", "NWW" },
  { "at 7:35 on 2022-12-21 or 12/21/2022", "at 7:35 on 2022-12-21 or 12/21/2022", "WNWNWN" },
  { "the 21st and 3rd", "the 21st and 3rd", "WNWN" },
  { "(1939-1945)", "( 1939-1945 )", "PNP" },
  { "in 2014.", "in 2014 .", "WNP" },
  { "24, 25", "24 , 25", "NPN" },
  { "anti-aircraft non-nuclear", "anti-aircraft non-nuclear", "WW" },
  { "F-16 S-300 MIM-104", "F-16 S-300 MIM-104", "WWW" },
  { "16-year-old 1990s", "16-year-old 1990s", "WW" },
  { "wait... what… – yes — no - maybe", "wait ... what … – yes — no - maybe", "WPWPPWPWPW" },
  { "a; b: c! d? (e) [f]", "a ; b : c ! d ? ( e ) [ f ]", "WPWPWPWPPWPPWP" },
  { "$5 €3 £2 50% A&B x+y=z @me #tag", "$ 5 € 3 £ 2 50 % A & B x + y = z @ me # tag", "SNSNSNNSWSWWSWSWSWSW" },
  { "“We asked,” he said.", "“ We asked , ” he said .", "QWWPQWWP" },
  { "\"I’m not,\" he said", "\" I ’m not , \" he said", "QWWWPQWW" },
  { "the ‘Patriot’ missiles", "the ‘ Patriot ’ missiles", "WQWQW" },
  { "the Americans’ view", "the Americans ’ view", "WWWW" },
  { "[на Украине]", "[ на Украине ]", "PWWP" },
  { "«Да» сказал", "« Да » сказал", "QWQW" },
  { "  spaced\tout\n", "spaced out", "WW" },
  { "a\u00a0b\u200bc", "a b c", "WWW" },
  { "Zelensky’s Washington’s", "Zelensky ’s Washington ’s", "WWWW" },
  { "<…>", "< … >", "SPS" },
  /* currency, percentages, fractions, possessives */
  { "US$400 million", "US $ 400 million", "WSNW" },
  { "$1.5 billion", "$ 1.5 billion", "SNW" },
  { "€2,500 or £3", "€ 2,500 or £ 3", "SNWSN" },
  { "12.5% of 3/4", "12.5 % of 3/4", "NSWN" },
  { "¾ and 1½ and 2 1/2", "¾ and 1½ and 2 1/2", "NWNWNN" },
  { "a 50-50 chance", "a 50-50 chance", "WNW" },
  { "Jones’ car", "Jones ’ car", "WWW" },
  { "the U.S.’s plan and the U.N.'s", "the U.S. ’s plan and the U.N. 's", "WWWWWWWW" },
  { "the 1990s’ wars", "the 1990s ’ wars", "WWWW" },
  { "NATO’s", "NATO ’s", "WW" },
  { "", "", "" },
};

static void
test_tokenize_table (void **state)
{
  for (gsize i = 0; i < G_N_ELEMENTS (tok_cases); i++)
    {
      const TokCase *c = &tok_cases[i];
      g_autoptr (GArray) toks = g_array_new (FALSE, TRUE, sizeof (XrefToken));
      GString *forms = g_string_new (NULL);
      GString *kinds = g_string_new (NULL);
      g_autofree char *f = NULL;
      g_autofree char *k = NULL;

      xref_tokenize (c->input, 0, strlen (c->input), toks);
      for (guint t = 0; t < toks->len; t++)
        {
          const XrefToken *tk = &g_array_index (toks, XrefToken, t);
          if (t > 0)
            g_string_append_c (forms, ' ');
          g_string_append (forms, tk->form);
          g_string_append_c (kinds, "WNPQS"[tk->kind]);
          /* form is exactly the bytes of the span */
          assert_int_equal (strlen (tk->form), tk->end - tk->start);
          assert_int_equal (memcmp (tk->form, c->input + tk->start, tk->end - tk->start), 0);
          assert_ptr_equal (tk->form, xref_intern (tk->form));
          assert_ptr_equal (tk->norm, xref_intern (tk->norm));
        }
      f = g_string_free (forms, FALSE);
      k = g_string_free (kinds, FALSE);
      if (strcmp (f, c->forms) != 0 || strcmp (k, c->kinds) != 0)
        fail_msg ("tokenize \"%s\": got [%s] %s, expected [%s] %s", c->input, f, k, c->forms, c->kinds);
    }
}

static GArray *
tokenize (const char *s)
{
  GArray *toks = g_array_new (FALSE, TRUE, sizeof (XrefToken));
  xref_tokenize (s, 0, strlen (s), toks);
  return toks;
}

#define TOK(a, i) (&g_array_index ((a), XrefToken, (i)))

static void
test_tokenize_norm_flags (void **state)
{
  g_autoptr (GArray) t = tokenize ("U.S. WASHINGTON Kyiv’s “Quote” ÉCOLE x I");

  assert_string_equal (TOK (t, 0)->norm, "u.s.");
  assert_int_equal (TOK (t, 0)->flags, XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS);
  assert_string_equal (TOK (t, 1)->norm, "washington");
  assert_int_equal (TOK (t, 1)->flags, XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS);
  assert_string_equal (TOK (t, 2)->norm, "kyiv");
  assert_int_equal (TOK (t, 2)->flags, XREF_TOKEN_CAPITALISED);
  assert_string_equal (TOK (t, 3)->form, "’s");
  assert_string_equal (TOK (t, 3)->norm, "'s");
  assert_int_equal (TOK (t, 3)->flags, 0);
  assert_string_equal (TOK (t, 4)->norm, "\"");
  assert_string_equal (TOK (t, 6)->norm, "\"");
  assert_string_equal (TOK (t, 7)->norm, "école");
  assert_int_equal (TOK (t, 7)->flags, XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS);
  assert_int_equal (TOK (t, 8)->flags, 0);
  assert_int_equal (TOK (t, 9)->flags, XREF_TOKEN_CAPITALISED);   /* one letter is not ALLCAPS */
  /* offsets are relative to the text, also when start > 0 */
  {
    static const char s[] = "skip this: Feb. 24";
    g_autoptr (GArray) u = g_array_new (FALSE, TRUE, sizeof (XrefToken));
    xref_tokenize (s, 11, sizeof s - 1, u);
    assert_int_equal (u->len, 3);
    assert_int_equal (TOK (u, 0)->start, 11);
    assert_int_equal (TOK (u, 0)->end, 14);
    assert_int_equal (TOK (u, 2)->start, 16);
    assert_int_equal (TOK (u, 2)->end, 18);
    /* end bounds the text: "Feb" of "Feb. 24" alone */
    g_array_set_size (u, 0);
    xref_tokenize (s, 11, 14, u);
    assert_int_equal (u->len, 1);
    assert_string_equal (TOK (u, 0)->form, "Feb");
  }
}

static void
test_tokenize_quotes (void **state)
{
  g_autoptr (GArray) t = tokenize ("He said “we ‘may’ go,” and \"left\" it.");
  /* He said “ we ‘ may ’ go , ” and " left " it . */
  static const guint expect[] = {
    0, 0, XREF_TOKEN_OPEN_QUOTE, XREF_TOKEN_IN_QUOTE,
    XREF_TOKEN_OPEN_QUOTE | XREF_TOKEN_IN_QUOTE, XREF_TOKEN_IN_QUOTE, XREF_TOKEN_CLOSE_QUOTE | XREF_TOKEN_IN_QUOTE,
    XREF_TOKEN_IN_QUOTE, XREF_TOKEN_IN_QUOTE, XREF_TOKEN_CLOSE_QUOTE, 0,
    XREF_TOKEN_OPEN_QUOTE, XREF_TOKEN_IN_QUOTE, XREF_TOKEN_CLOSE_QUOTE, 0, 0,
  };

  assert_int_equal (t->len, G_N_ELEMENTS (expect));
  for (guint i = 0; i < t->len; i++)
    {
      guint flags = TOK (t, i)->flags & ~(guint) (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS);
      if (flags != expect[i])
        fail_msg ("token %u '%s': flags %#x, expected %#x", i, TOK (t, i)->form, flags, expect[i]);
    }

  /* an unclosed quotation runs to the end of the text */
  g_autoptr (GArray) u = tokenize ("“Of course, it goes on");
  for (guint i = 1; i < u->len; i++)
    assert_true (TOK (u, i)->flags & XREF_TOKEN_IN_QUOTE);

  /* a closing mark without an opening one: ”he said */
  g_autoptr (GArray) v = tokenize ("Russia, ”he said");
  assert_int_equal (TOK (v, 2)->kind, XREF_TOKEN_QUOTE);
  assert_int_equal (TOK (v, 2)->flags, XREF_TOKEN_CLOSE_QUOTE);
  assert_int_equal (TOK (v, 3)->flags & XREF_TOKEN_IN_QUOTE, 0);
}

/* Invalid bytes never reach the tokenizer from ingest, but the rule
 * loader may hand it anything: it must not crash or loop. */
static void
test_tokenize_hostile (void **state)
{
  static const char bad[] = "a\xff" "b \xe2\x80 \"\"\"''' ... \xf0\x9f\x98\x80 \x01\x02";
  g_autoptr (GArray) t = g_array_new (FALSE, TRUE, sizeof (XrefToken));
  GString *big = g_string_new (NULL);

  xref_tokenize (bad, 0, sizeof bad - 1, t);
  assert_true (t->len > 0);
  for (guint i = 0; i < t->len; i++)
    assert_true (TOK (t, i)->end <= sizeof bad - 1 && TOK (t, i)->start < TOK (t, i)->end);

  for (int i = 0; i < 20000; i++)
    g_string_append (big, "“a ");
  g_array_set_size (t, 0);
  xref_tokenize (big->str, 0, big->len, t);
  assert_int_equal (t->len, 40000);
  g_string_free (big, TRUE);
}

/* The tokenizer answers its character tests for U+0080..U+206F (the
 * curly quotes, dashes and accented letters of news text) from a table
 * built once from GLib's Unicode tables: each such character between two
 * ASCII letters must join them, separate them or stand as a token of its
 * own as the tests written on GLib's tables below say. */
static gboolean
glib_space (gunichar c)
{
  if (g_unichar_isspace (c))
    return TRUE;
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL: case G_UNICODE_FORMAT: case G_UNICODE_UNASSIGNED: case G_UNICODE_SURROGATE:
    case G_UNICODE_PRIVATE_USE:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
glib_alnum (gunichar c)
{
  GUnicodeType t = g_unichar_type (c);

  return g_unichar_isalpha (c) || g_unichar_isdigit (c) || t == G_UNICODE_SPACING_MARK
         || t == G_UNICODE_ENCLOSING_MARK || t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_OTHER_NUMBER
         || t == G_UNICODE_LETTER_NUMBER;
}

static gboolean
glib_symbol (gunichar c)
{
  GUnicodeType t = g_unichar_type (c);

  return t == G_UNICODE_CURRENCY_SYMBOL || t == G_UNICODE_MATH_SYMBOL || t == G_UNICODE_MODIFIER_SYMBOL
         || t == G_UNICODE_OTHER_SYMBOL;
}

static void
test_tokenize_unicode_classes (void **state)
{
  static const gunichar quotes[] = { 0x00AB, 0x00BB, 0x2018, 0x201A, 0x201B, 0x201C, 0x201D, 0x201E, 0x201F,
                                     0x2039, 0x203A };

  for (gunichar c = 0x80; c < 0x2070; c++)
    {
      char s[16];
      gint len;
      gboolean quote = FALSE;
      g_autoptr (GArray) t = NULL;

      /* inner hyphens and the apostrophe join words by rule */
      if (c == 0x2010 || c == 0x2011 || c == 0x2019)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (quotes); k++)
        quote |= quotes[k] == c;
      s[0] = 'x';
      len = g_unichar_to_utf8 (c, s + 1);
      s[1 + len] = 'y';
      s[2 + len] = '\0';
      t = tokenize (s);
      if (glib_space (c))
        assert_int_equal (t->len, 2);
      else if (glib_alnum (c))
        assert_int_equal (t->len, 1);
      else
        {
          if (t->len != 3)
            fail_msg ("U+%04X: %u tokens", c, t->len);
          assert_int_equal (TOK (t, 1)->kind,
                            quote ? XREF_TOKEN_QUOTE : glib_symbol (c) ? XREF_TOKEN_SYMBOL : XREF_TOKEN_PUNCT);
        }
    }
}

/* The fast paths of xref_tokenize (byte classes, eight-byte word scans,
 * the per-thread cache of forms) must give exactly the tokens of the
 * general code alone, xref_tokenize_reference: texts made of pieces that
 * each hit one of the hand-over points (n't, apostrophes, hyphens,
 * digits inside words, initialisms, "...", quotes, non-ASCII letters and
 * spaces, invalid bytes), cut at every start and end, tokenized twice
 * (the second time from the cache). */
/* The XREF_TEXT_BIT_* of a token, as text.h defines them. */
static guint8
expected_bits (const XrefToken *t)
{
  const char *f = t->form;
  gsize n = strlen (f);
  guint8 b = (t->flags & XREF_TOKEN_IN_QUOTE) ? XREF_TEXT_BIT_IN_QUOTE : 0;

  switch (t->kind)
    {
    case XREF_TOKEN_WORD:
      if (t->flags & XREF_TOKEN_CAPITALISED)
        b |= XREF_TEXT_BIT_CAP_WORD;
      if (f[0] >= '0' && f[0] <= '9')
        b |= XREF_TEXT_BIT_STAMP;
      if (n > 0 && f[n - 1] == '.')
        b |= XREF_TEXT_BIT_MAY_END;
      break;
    case XREF_TOKEN_NUMBER:
      b |= XREF_TEXT_BIT_NUMBER | XREF_TEXT_BIT_STAMP;
      break;
    case XREF_TOKEN_PUNCT:
      if (f[0] == '.' || strcmp (f, "!") == 0 || strcmp (f, "?") == 0 || strcmp (f, ":") == 0
          || strcmp (f, "\u2026") == 0)
        b |= XREF_TEXT_BIT_MAY_END;
      if ((guchar) f[0] >= 0x80)
        b |= XREF_TEXT_BIT_BULLET;
      break;
    case XREF_TOKEN_SYMBOL:
      if ((guchar) f[0] >= 0x80)
        b |= XREF_TEXT_BIT_BULLET;
      break;
    case XREF_TOKEN_QUOTE:
      b |= XREF_TEXT_BIT_QUOTE;
      break;
    default:
      break;
    }
  return b;
}

static void
assert_same_token (const char *what, const char *text, gsize start, gsize end, guint i, const XrefToken *x,
                   const XrefToken *y)
{
  if (x->start != y->start || x->end != y->end || x->form != y->form || x->norm != y->norm || x->kind != y->kind
      || x->flags != y->flags)
    fail_msg ("%s [%zu, %zu) of \"%.200s\": token %u '%s' (%zu-%zu kind %d flags %#x) vs reference '%s' "
              "(%zu-%zu kind %d flags %#x)", what, start, end, text, i, x->form, x->start, x->end, x->kind,
              x->flags, y->form, y->start, y->end, y->kind, y->flags);
}

static void
assert_same_tokens (const char *text, gsize start, gsize end)
{
  g_autoptr (GArray) a = g_array_new (FALSE, TRUE, sizeof (XrefToken));
  g_autoptr (GArray) b = g_array_new (FALSE, TRUE, sizeof (XrefToken));
  g_autoptr (GArray) c = g_array_new (FALSE, FALSE, sizeof (XrefToken));
  g_autofree guint8 *bits = g_malloc (end - start + 1);
  XrefToken first = { 0 };

  xref_tokenize (text, start, end, a);
  xref_tokenize_reference (text, start, end, b);
  if (a->len != b->len)
    fail_msg ("tokenize [%zu, %zu) of \"%.200s\": %u tokens, reference %u", start, end, text, a->len, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_same_token ("tokenize", text, start, end, i, &g_array_index (a, XrefToken, i),
                       &g_array_index (b, XrefToken, i));

  /* with the bits, appended after a token already there (an array that
   * is not cleared, as xref_text_segment's) */
  first.form = first.norm = xref_intern ("x");
  first.kind = XREF_TOKEN_WORD;
  g_array_append_val (c, first);
  xref_text_tokenize_bits (text, start, end, c, bits);
  if (c->len != b->len + 1 || g_array_index (c, XrefToken, 0).form != first.form)
    fail_msg ("tokenize_bits [%zu, %zu) of \"%.200s\": %u tokens, reference %u", start, end, text, c->len - 1,
              b->len);
  for (guint i = 0; i < b->len; i++)
    {
      const XrefToken *x = &g_array_index (c, XrefToken, i + 1);
      assert_same_token ("tokenize_bits", text, start, end, i, x, &g_array_index (b, XrefToken, i));
      if (bits[i] != expected_bits (x))
        fail_msg ("tokenize_bits [%zu, %zu) of \"%.200s\": token %u '%s' bits %#x, expected %#x", start, end, text,
                  i, x->form, bits[i], expected_bits (x));
    }

  /* with the rest of the (NUL-terminated) text readable past end: the
   * bytes there must change nothing */
  g_array_set_size (c, 0);
  xref_text_tokenize_bits_in (text, start, end, strlen (text) + 1, c, bits);
  if (c->len != b->len)
    fail_msg ("tokenize_bits_in [%zu, %zu) of \"%.200s\": %u tokens, reference %u", start, end, text, c->len,
              b->len);
  for (guint i = 0; i < b->len; i++)
    {
      const XrefToken *x = &g_array_index (c, XrefToken, i);
      assert_same_token ("tokenize_bits_in", text, start, end, i, x, &g_array_index (b, XrefToken, i));
      if (bits[i] != expected_bits (x))
        fail_msg ("tokenize_bits_in [%zu, %zu) of \"%.200s\": token %u '%s' bits %#x, expected %#x", start, end,
                  text, i, x->form, bits[i], expected_bits (x));
    }
}

static void
test_tokenize_fast_paths (void **state)
{
  static const char *const pieces[] = {
    "the", "The", "THE", "a", "I", "n", "N", "no", "nN", "Annan", "doesn't", "DOESN'T", "can’t", "won't",
    "Russia's", "Russia’s", "Jones'", "O'Brien", "d’état", "rock'n'roll", "anti-aircraft", "-", "--",
    "F-16", "16-year-old", "1990s", "21st", "3rd", "4th", "2022-12-21", "6,755", "6.5", "7:35", "2½", "½",
    "U.S.", "U.S", "a.m.", "p. m.", "J.", "Feb.", "Mr.", "e.g.", "x.", "...", "…", ".", ",", ";", ":",
    "!", "?", "(", ")", "[", "]", "$", "€", "%", "&", "+", "=", "@", "#", "|", "~", "^", "`", "<", ">",
    "\"", "'", "“", "”", "‘", "’", "«", "»", "—", "–", "•", "École", "ÉCOLE", "Україна", "на", "Ünïcödé",
    "naïve", "café's", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "abcdefghijklmnopq",
    "internationalisation", "internationalization", "INTERNATIONALISATION", "Supercalifragilistic",
    "\xff", "\xe2\x80", "\xc3", "don\xe2\x80\x99t", "n\xe2\x80\x99t",
    "Putin’s", "we'll", "WE'LL", "they’re", "I've", "I’d", "I'M", "can'T", "isn’t.", "don't,", "'s", "’s",
    "n't", "Jones’", "s'", "ab'c", "ab’-", "2013,", "1,2,3", "12.5%", "3-", "4/", "5:", "7.", "0,٣",
    "abcdefghijklmno", "abcdefghijklmnop.", "Supercalifragilisti’s",
    /* hyphens inside words (scan_ascii_word takes ASCII letters after one) */
    "well-known", "up-to-date", "a-b-c", "x-", "-x", "x--y", "an-n't", "in-n'", "Anti-N't", "e-mail.",
    "co-op's", "long-term-", "re-\u00e9lan", "A-1", "non-n", "q-'", "pre-U.S.", "x-y'z", "ab-cd\u2019s",
    "state-of-the-art-technology-driven", "n-", "F-16.5", "x-1,000", "COVID-19-related", "B-2s",
  };
  static const char *const seps[] = { " ", " ", " ", "", "  ", "\n", "\t", "\u00a0", "\u200b", "\x01" };
  GRand *rnd = g_rand_new_with_seed (20261121);

  for (int round = 0; round < 600; round++)
    {
      GString *s = g_string_new (NULL);
      guint n = (guint) g_rand_int_range (rnd, 1, 24);

      for (guint k = 0; k < n; k++)
        {
          g_string_append (s, pieces[g_rand_int_range (rnd, 0, G_N_ELEMENTS (pieces))]);
          g_string_append (s, seps[g_rand_int_range (rnd, 0, G_N_ELEMENTS (seps))]);
        }
      for (int twice = 0; twice < 2; twice++)
        assert_same_tokens (s->str, 0, s->len);
      /* in a buffer of exactly its bytes, no NUL after them (valgrind
       * sees a read past the end): the same tokens */
      {
        char *exact = g_memdup2 (s->str, s->len);
        g_autoptr (GArray) a = g_array_new (FALSE, TRUE, sizeof (XrefToken));
        g_autoptr (GArray) b = g_array_new (FALSE, TRUE, sizeof (XrefToken));

        xref_tokenize (exact, 0, s->len, a);
        xref_tokenize_reference (s->str, 0, s->len, b);
        assert_int_equal (a->len, b->len);
        for (guint i = 0; i < a->len; i++)
          assert_same_token ("tokenize (exact buffer)", s->str, 0, s->len, i, &g_array_index (a, XrefToken, i),
                             &g_array_index (b, XrefToken, i));
        g_free (exact);
      }
      /* every start and end: the eight-byte loads stop at end */
      for (gsize a = 0; a <= s->len; a += 1 + (gsize) g_rand_int_range (rnd, 0, 3))
        for (gsize b = a; b <= s->len; b += 1 + (gsize) g_rand_int_range (rnd, 0, 5))
          assert_same_tokens (s->str, a, b);
      g_string_free (s, TRUE);
    }

  /* more words than the form cache holds, of many lengths, some sharing
   * their first eight bytes: evictions, and the compare past the head */
  {
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < 60000; i++)
      {
        g_string_append_printf (s, "%s%c%s%u ", i % 3 ? "Internationalisation" : "w", 'a' + i % 26,
                                i % 5 ? "" : "zzzz", i % 7919);
        g_string_append_len (s, "abcdefghijklmnopqrstuvwxyz", 1 + i % 26);
        g_string_append (s, i % 11 ? " " : ", ");
      }
    for (int twice = 0; twice < 2; twice++)
      assert_same_tokens (s->str, 0, s->len);
    g_string_free (s, TRUE);
  }
  g_rand_free (rnd);
}

/* A thread's caches (the form cache, the intern caches) are allocated
 * when it first tokenizes and freed when it exits: threads that start
 * with none, one with a pass test set before its first token, tokenize as
 * the reference does (valgrind sees the caches freed at thread exit). */
typedef struct {
  const char *text;
  gboolean set_pass;
  GArray *tokens;
  guint8 *bits;
} ThreadJob;

static gboolean
pass_words_with_e (gconstpointer data, const char *norm)
{
  (void) data;
  return strchr (norm, 'e') != NULL;
}

static gpointer
tokenize_job (gpointer p)
{
  ThreadJob *j = p;
  gsize n = strlen (j->text);

  if (j->set_pass)
    xref_text_set_pass (pass_words_with_e, NULL, 7);
  j->bits = g_malloc (n + 1);
  xref_text_tokenize_bits (j->text, 0, n, j->tokens, j->bits);
  return NULL;
}

/* Tokenizes text on n new threads at once (the last with a pass test set
 * first) and checks each thread's tokens and bits against the
 * reference's. */
static void
assert_threads_tokenize (const char *what, const GString *text, guint n)
{
  g_autoptr (GArray) ref = g_array_new (FALSE, TRUE, sizeof (XrefToken));
  ThreadJob jobs[4];
  GThread *t[4];

  g_assert (n <= G_N_ELEMENTS (jobs));
  xref_tokenize_reference (text->str, 0, text->len, ref);
  for (guint k = 0; k < n; k++)
    {
      jobs[k].text = text->str;
      jobs[k].set_pass = k == n - 1;
      jobs[k].tokens = g_array_new (FALSE, TRUE, sizeof (XrefToken));
      t[k] = g_thread_new ("tokenize", tokenize_job, &jobs[k]);
    }
  for (guint k = 0; k < n; k++)
    {
      g_thread_join (t[k]);
      assert_int_equal (jobs[k].tokens->len, ref->len);
      for (guint i = 0; i < ref->len; i++)
        {
          const XrefToken *x = &g_array_index (jobs[k].tokens, XrefToken, i);
          guint8 want = expected_bits (x);

          assert_same_token (what, text->str, 0, text->len, i, x, &g_array_index (ref, XrefToken, i));
          if (jobs[k].set_pass && strchr (x->norm, 'e') != NULL
              && (x->kind == XREF_TOKEN_WORD || x->kind == XREF_TOKEN_PUNCT || x->kind == XREF_TOKEN_SYMBOL))
            want |= XREF_TEXT_BIT_PASS;
          assert_int_equal (jobs[k].bits[i], want);
        }
      g_array_unref (jobs[k].tokens);
      g_free (jobs[k].bits);
    }
}

static void
test_tokenize_threads (void **state)
{
  GString *s = g_string_new (NULL);

  (void) state;
  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (s, "%s word%u, The Thread%u said \"yes\" on 12.5 %s. ", i % 2 ? "Every" : "every",
                            i % 997, i % 13, i % 3 ? "percent" : "Internationalisation");
  assert_threads_tokenize ("tokenize (new thread)", s, 3);
  g_string_free (s, TRUE);
}

/* The form cache against the reference on text like news: short words
 * met at Zipf-like rates, far more of them than the cache holds, so that
 * pairs keep, swap, lose and describe again words of every frequency; lower
 * case, capitalised, in capitals, of nine letters, before punctuation;
 * in this thread and in new ones, one with a pass test (whose bit the
 * slots keep). */
static void
test_tokenize_zipf_words (void **state)
{
  GString *s = g_string_new (NULL);
  GRand *rnd = g_rand_new_with_seed (20261121);

  (void) state;
  for (guint i = 0; i < 80000; i++)
    {
      gdouble r = g_rand_double (rnd);
      guint w = (guint) (80000 * r * r * r);   /* word w: small w often */
      guint len = 1 + w % 8;
      char word[16];

      for (guint k = 0; k < len; k++)
        {
          word[k] = (char) ('a' + w % 26);
          w = w / 26 + k * 7;
        }
      word[len] = '\0';
      switch (g_rand_int_range (rnd, 0, 16))
        {
        case 0:
          word[0] = g_ascii_toupper (word[0]);
          break;
        case 1:
          for (guint k = 0; k < len; k++)
            word[k] = g_ascii_toupper (word[k]);
          break;
        case 2:
          word[len] = 'q';
          word[len + 1] = '\0';
          break;
        default:
          break;
        }
      g_string_append (s, word);
      g_string_append (s, i % 13 == 0 ? ". " : i % 7 == 0 ? ", " : " ");
    }
  for (int twice = 0; twice < 2; twice++)
    assert_same_tokens (s->str, 0, s->len);

  assert_threads_tokenize ("tokenize (Zipf words)", s, 2);
  g_rand_free (rnd);
  g_string_free (s, TRUE);
}

/* ---- sentences from tests/cases/sentences.txt ------------------------------ */

/* The case file: "### name" starts a case; the lines up to the first
 * expected line are the input (ingested as an article, so paragraphs and
 * headings apply); each expected line is "> sentence" or "h> heading".
 * Lines starting with "#" before the first case are comments.  White
 * space runs inside a sentence are compared as one space. */
typedef struct {
  char *name;
  GString *input;
  GPtrArray *expect;
  guint line;
} SentCase;

static void
sent_case_free (SentCase *c)
{
  g_free (c->name);
  g_string_free (c->input, TRUE);
  g_ptr_array_unref (c->expect);
  g_free (c);
}

static GPtrArray *
read_cases (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *cases = g_ptr_array_new_with_free_func ((GDestroyNotify) sent_case_free);
  SentCase *cur = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      if (g_str_has_prefix (l, "### "))
        {
          cur = g_new0 (SentCase, 1);
          cur->name = g_strdup (l + 4);
          cur->input = g_string_new (NULL);
          cur->expect = g_ptr_array_new_with_free_func (g_free);
          cur->line = i + 1;
          g_ptr_array_add (cases, cur);
        }
      else if (cur == NULL)
        continue;
      else if (g_str_has_prefix (l, "> ") || g_str_has_prefix (l, "h> "))
        g_ptr_array_add (cur->expect, g_strdup (l));
      else if (cur->expect->len == 0)
        {
          g_string_append (cur->input, l);
          g_string_append_c (cur->input, '\n');
        }
      else if (*l != '\0')
        fail_msg ("%s:%u: text after the expected sentences", path, i + 1);
    }
  return cases;
}

static char *
squeeze (const char *s, gsize len)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isspace (s[i]))
        space = TRUE;
      else
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, s[i]);
        }
    }
  return g_string_free (out, FALSE);
}

/* Invariants of a segmented document: sentences in order, trimmed, and
 * covering exactly their tokens; tokens in order, inside the text. */
static void
assert_segment_sane (const XrefDocument *doc)
{
  gsize last = 0;
  guint next_tok = 0;

  for (guint i = 0; i < doc->tokens->len; i++)
    {
      const XrefToken *t = TOK (doc->tokens, i);
      assert_true (t->start >= last && t->start < t->end && t->end <= doc->len);
      last = t->end;
    }
  last = 0;
  for (guint i = 0; i < doc->sentences->len; i++)
    {
      const XrefSentence *s = &g_array_index (doc->sentences, XrefSentence, i);
      const XrefToken *tk = xref_sentence_tokens (doc, s);
      assert_true (s->n_tokens > 0);
      assert_int_equal (s->first_token, next_tok);   /* every token in exactly one sentence */
      next_tok = s->first_token + s->n_tokens;
      assert_int_equal (s->start, tk[0].start);
      assert_int_equal (s->end, tk[s->n_tokens - 1].end);
      assert_true (s->start >= last);
      assert_false (g_ascii_isspace (doc->text[s->start]));
      assert_false (g_ascii_isspace (doc->text[s->end - 1]));
      last = s->end;
    }
  assert_int_equal (next_tok, doc->tokens->len);
}

static void
test_sentence_cases (void **state)
{
  g_autofree char *path = test_path ("tests/cases/sentences.txt");
  g_autoptr (GPtrArray) cases = read_cases (path);
  guint failed = 0;

  assert_true (cases->len >= 60);
  for (guint i = 0; i < cases->len; i++)
    {
      SentCase *c = g_ptr_array_index (cases, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (XrefDocument) doc =
        xref_ingest_bytes ("case.txt", c->input->str, c->input->len, NULL, rules, &error);
      g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
      gboolean same;

      assert_no_error (error);
      xref_text_segment (doc, rules);
      assert_segment_sane (doc);
      for (guint k = 0; k < doc->sentences->len; k++)
        {
          const XrefSentence *s = &g_array_index (doc->sentences, XrefSentence, k);
          g_autofree char *t = squeeze (doc->text + s->start, s->end - s->start);
          g_ptr_array_add (got, g_strdup_printf ("%s %s", (s->flags & XREF_SENTENCE_HEADING) ? "h>" : ">", t));
        }
      same = got->len == c->expect->len;
      for (guint k = 0; same && k < got->len; k++)
        same = strcmp (g_ptr_array_index (got, k), g_ptr_array_index (c->expect, k)) == 0;
      if (!same)
        {
          failed++;
          fprintf (stderr, "%s:%u: case '%s' failed\n  expected:\n", path, c->line, c->name);
          for (guint k = 0; k < c->expect->len; k++)
            fprintf (stderr, "    %s\n", (char *) g_ptr_array_index (c->expect, k));
          fprintf (stderr, "  got:\n");
          for (guint k = 0; k < got->len; k++)
            fprintf (stderr, "    %s\n", (char *) g_ptr_array_index (got, k));
        }
    }
  if (failed > 0)
    fail_msg ("%u of %u sentence cases failed", failed, cases->len);
}

/* ---- flags and the seed corpus -------------------------------------------- */

static XrefDocument *
segment_string (const char *text)
{
  g_autoptr (GError) error = NULL;
  XrefDocument *doc = xref_ingest_bytes ("t.txt", text, strlen (text), NULL, rules, &error);
  assert_no_error (error);
  xref_text_segment (doc, rules);
  assert_segment_sane (doc);
  return doc;
}

#define SENT(d, i) (&g_array_index ((d)->sentences, XrefSentence, (i)))

static void
test_sentence_flags (void **state)
{
  g_autoptr (XrefDocument) doc =
    segment_string ("A Short Heading\n\n“First quoted. Second quoted,” he said. Then plain.\n\nNext paragraph.\n");

  assert_int_equal (doc->sentences->len, 5);
  assert_int_equal (SENT (doc, 0)->flags, XREF_SENTENCE_HEADING);
  assert_int_equal (SENT (doc, 1)->flags, XREF_SENTENCE_PARA | XREF_SENTENCE_QUOTE);
  assert_int_equal (SENT (doc, 2)->flags, 0);   /* "Second quoted,” he said." is not wholly quoted */
  assert_int_equal (SENT (doc, 3)->flags, 0);
  assert_int_equal (SENT (doc, 4)->flags, XREF_SENTENCE_PARA);
  /* segmenting again gives the same result */
  xref_text_segment (doc, rules);
  assert_int_equal (doc->sentences->len, 5);
}

static void
test_sentence_limit (void **state)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < 2500; i++)
    g_string_append (s, "word ");
  g_autoptr (XrefDocument) doc = segment_string (s->str);
  g_string_free (s, TRUE);
  assert_int_equal (doc->sentences->len, 3);
  assert_int_equal (SENT (doc, 0)->n_tokens, 1000);
}

static void
test_seed_corpus (void **state)
{
  g_autofree char *dir = test_path ("corpus");
  const char *paths[1] = { dir };
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefCorpus) corpus = xref_corpus_open (paths, 1, &error);
  static const char *const whole[] = {
    /* each must be one sentence of its seed */
    "“We asked the Americans through the channels that our embassy still has, whether the decision to transfer "
    "the Patriot battery, given the complexity of its use, that there [на Украине] there will be American experts.",
    "They explained to us quite extensively that this is not planned, precisely because the Americans do not want "
    "and will not fight directly against Russia, ”he said in an interview with the Big Game program on Channel One.",
    "The Kremlin has urged Ukraine to acknowledge Crimea, which Moscow annexed from Ukraine in 2014, as part of Russia "
    "and recognize other land gains that Russia has made since sending its troops into Ukraine on Feb. 24.",
    "During the online news conference that lasted for 2½ hours, Lavrov ranted against the U.S. and its NATO allies, "
    "accusing them of trampling on international law while trying to isolate and destroy Russia.",
    "“You shouldn’t say that the U.S. and NATO aren’t taking part in this war, you are directly participating in "
    "it,” Lavrov said in a video call with reporters.",
    "“No one has submitted any proposal.",
    "Peskov pointed out that the main task of the Russian armed forces is to “protect” the people of the occupied "
    "territories, and recognized that the situation in Donetsk region (in eastern Ukraine), one of the four "
    "Ukrainian regions that Moscow now claims, is “difficult”. on its own.",
    "The UN says 6,755 civilians have died and 10,607 have been injured since the start of the war. confirmed, "
    "underscoring that these numbers are much lower than the actual numbers.",
    "During a media briefing on Tuesday, White House National Security Council Coordinator for Strategic "
    "Communications John Kirby refused to comment on Washington’s possible delivery of Patriot air defense systems "
    "to Ukraine.",
    "No flashy transactions",
    "What does the New Year bring us?",
  };
  gboolean found[G_N_ELEMENTS (whole)] = { FALSE };

  assert_no_error (error);
  for (guint i = 0; i < corpus->files->len; i++)
    {
      const XrefCorpusFile *f = g_ptr_array_index (corpus->files, i);
      g_autoptr (XrefDocument) doc =
        xref_ingest_file (f, g_hash_table_lookup (corpus->manifest, f->id), rules, &error);
      assert_no_error (error);
      xref_text_segment (doc, rules);
      assert_segment_sane (doc);
      for (guint k = 0; k < doc->sentences->len; k++)
        {
          const XrefSentence *s = SENT (doc, k);
          for (gsize w = 0; w < G_N_ELEMENTS (whole); w++)
            if (s->end - s->start == strlen (whole[w]) && memcmp (doc->text + s->start, whole[w], strlen (whole[w])) == 0)
              found[w] = TRUE;
          /* no sentence of the seeds starts with a lower-case letter
           * except the continuation after a quote */
          assert_false (g_unichar_islower (g_utf8_get_char (doc->text + s->start)));
        }
    }
  for (gsize w = 0; w < G_N_ELEMENTS (whole); w++)
    if (!found[w])
      fail_msg ("not one sentence: %s", whole[w]);
}

/* ---- interning and the per-rule-set word index ----------------------------- */

/* The intern table (core.c): one pointer per distinct byte string, through
 * the per-thread cache and the shared table, across the table's growth. */
static void
test_intern (void **state)
{
  enum { N = 40000 };
  const char **first = g_new (const char *, N);
  char buf[32];

  for (guint i = 0; i < N; i++)
    {
      g_snprintf (buf, sizeof buf, "intern-test-%u", i);
      assert_null (xref_intern_try (buf));
      first[i] = xref_intern (buf);
      assert_string_equal (first[i], buf);
      assert_true (xref_intern_try (buf) == first[i]);
    }
  for (guint i = 0; i < N; i++)
    {
      g_snprintf (buf, sizeof buf, "intern-test-%u", i);
      assert_true (xref_intern (buf) == first[i]);
      assert_true (xref_intern_try (buf) == first[i]);
      /* a prefix is another string */
      assert_true (xref_intern_len (buf, strlen (buf) - 1) != first[i] || i < 10);
    }
  /* lengths that end on and beside the hash's eight-byte steps */
  for (gsize n = 0; n <= 20; n++)
    {
      const char *s = "abcdefghijklmnopqrstuvwxyz";
      const char *a = xref_intern_len (s, n), *b = xref_intern_len (s, n);
      assert_true (a == b);
      assert_int_equal (strlen (a), n);
      assert_true (n == 0 || xref_intern_len (s, n - 1) != a);
    }
  assert_null (xref_intern (NULL));
  assert_null (xref_intern_try (NULL));
  g_free (first);
}

/* The word index of the text stage is kept from one document to the next
 * while the rule set is the same, and rebuilt for another one: alternate
 * two rule sets, loaded and freed each time, that differ in an
 * abbreviation and a month name. */
static void
test_word_index_per_rules (void **state)
{
  static const char with[] = "abbreviations: [Gov.]\n";
  static const char without[] = "abbreviations: [Rep.]\n";
  const char *text = "They met Gov. Ann Cole there. Then they left.\n";

  for (int round = 0; round < 4; round++)
    {
      gboolean has = round % 2 == 0;
      g_autoptr (GError) error = NULL;
      g_autoptr (XrefRules) r = xref_rules_load_string ("r.yaml", has ? with : without,
                                                        strlen (has ? with : without), &error);
      assert_no_error (error);
      for (int twice = 0; twice < 2; twice++)
        {
          g_autoptr (XrefDocument) doc = xref_ingest_bytes ("t.txt", text, strlen (text), NULL, r, &error);
          assert_no_error (error);
          xref_text_segment (doc, r);
          assert_int_equal (doc->sentences->len, has ? 2 : 3);
        }
    }
}

/* The word function (xref_text_set_word_func): what a later stage would
 * ask of every token, asked by the tokenizer once per form and kind and
 * kept for every token (xref_text_doc_words).  word_answer is a pure
 * function of what the contract names; word_calls counts the questions. */
static guint word_calls;

static guint32
word_answer (const XrefRules *r, const XrefToken *t, guint8 *byte)
{
  guint flags = t->flags & (XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS);

  (void) r;
  word_calls++;
  /* (the offsets and other flags are not the form's: the contract says 0) */
  assert_true (t->start == 0 && t->end == 0 && t->flags == flags);
  *byte = (guint8) (strlen (t->norm) * 8 + t->kind);
  return g_str_hash (t->norm) ^ ((guint32) t->kind << 24) ^ (flags << 29);
}

static guint32
word_other (const XrefRules *r, const XrefToken *t, guint8 *byte)
{
  *byte = 1;
  return ~word_answer (r, t, byte);
}

/* Every token of doc has func's answer in xref_text_doc_words (rules r). */
static void
assert_doc_words (const XrefDocument *doc, const XrefRules *r, XrefTextWordFunc func)
{
  const guint64 *w = xref_text_doc_words (doc, r);

  assert_non_null (w);
  for (guint i = 0; i < doc->tokens->len; i++)
    {
      XrefToken t = g_array_index (doc->tokens, XrefToken, i);
      guint8 byte = 0;
      guint32 bits;
      guint calls = word_calls;

      t.start = t.end = 0;
      t.flags &= XREF_TOKEN_CAPITALISED | XREF_TOKEN_ALLCAPS;
      bits = func (r, &t, &byte);
      word_calls = calls;
      if (xref_text_word_bits (w[i]) != bits || xref_text_word_byte (w[i]) != byte)
        fail_msg ("token %u '%s' (kind %d): answer %08x/%02x, expected %08x/%02x", i, t.form, t.kind,
                  xref_text_word_bits (w[i]), xref_text_word_byte (w[i]), bits, byte);
    }
}

/* The answers come for tokens of every path of the tokenizer (short and
 * long words, capitals, one-byte punctuation after a word and alone,
 * quotation marks straight and curly, numbers, clitics, initialisms,
 * non-ASCII words, a word longer than the form cache keeps, a heading),
 * from the form cache once it holds them (no question asked again), for
 * the rule set and function set last only (another function's answers
 * replace them), and not for a document segmented with other rules. */
static void
test_word_func (void **state)
{
  g_autoptr (GString) text = g_string_new ("Patriot Systems\n\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRules) other = NULL;
  g_autoptr (XrefDocument) doc = NULL;
  guint calls;

  g_string_append (text, "The U.S. said on Dec. 21, 2022, that it would send a Patriot battery; Kyiv's NATO "
                         "allies didn't object... “We are grateful,” Zelenskyy’s office said (in \"Washington\"). "
                         "Internationalisation and counterintelligence officials wrote 1,234 reports - naïve ones - "
                         "on the 21st! ");
  for (guint i = 0; i < 300; i++)
    g_string_append_c (text, 'a' + i % 26);
  g_string_append (text, " ended it.\n");
  doc = xref_ingest_bytes ("w.txt", text->str, text->len, NULL, rules, &error);
  assert_no_error (error);

  /* not set: no answers */
  xref_text_segment (doc, rules);
  assert_null (xref_text_doc_words (doc, rules));

  xref_text_set_word_func (word_answer, rules);
  word_calls = 0;
  xref_text_segment (doc, rules);
  assert_true (doc->sentences->len >= 4);
  assert_int_equal (g_array_index (doc->sentences, XrefSentence, 0).flags, XREF_SENTENCE_HEADING);
  assert_doc_words (doc, rules, word_answer);
  assert_true (word_calls > 0);
  /* warm: the same answers, from the cache (only the long word, which it
   * does not keep, is asked again) */
  calls = word_calls;
  xref_text_segment (doc, rules);
  assert_doc_words (doc, rules, word_answer);
  assert_true (word_calls - calls <= 1);
  /* after a document of more new words than the form cache has slots,
   * which pass through every pair of it (a word arriving in a pair, one
   * moving in it): its answers, and the first document's again */
  {
    g_autoptr (GString) many = g_string_new (NULL);
    g_autoptr (XrefDocument) storm = NULL;

    for (guint i = 0; i < 80000; i++)
      g_string_append_printf (many, "%c%05u%s", i % 3 == 0 ? 'W' : 'w', i, i % 12 == 11 ? ".\n" : " ");
    for (guint i = 0; i < 40000; i++)
      g_string_append_printf (many, "%c%05u%s", i % 3 == 0 ? 'W' : 'w', (i * 7) % 80000, i % 12 == 11 ? ".\n" : " ");
    storm = xref_ingest_bytes ("storm.txt", many->str, many->len, NULL, rules, &error);
    assert_no_error (error);
    xref_text_segment (storm, rules);
    assert_doc_words (storm, rules, word_answer);
  }
  xref_text_segment (doc, rules);
  assert_doc_words (doc, rules, word_answer);
  /* setting it again changes nothing; another function replaces the answers */
  xref_text_set_word_func (word_answer, rules);
  xref_text_segment (doc, rules);
  assert_doc_words (doc, rules, word_answer);
  xref_text_set_word_func (word_other, rules);
  xref_text_segment (doc, rules);
  assert_doc_words (doc, rules, word_other);
  /* other rules: none, for them or for the rules the function is set for */
  other = xref_rules_load_string ("o.yaml", "abbreviations: [Gov.]\n", strlen ("abbreviations: [Gov.]\n"), &error);
  assert_no_error (error);
  xref_text_segment (doc, other);
  assert_null (xref_text_doc_words (doc, other));
  assert_null (xref_text_doc_words (doc, rules));
  /* the tokens changed since: none */
  xref_text_set_word_func (word_answer, rules);
  xref_text_segment (doc, rules);
  assert_non_null (xref_text_doc_words (doc, rules));
  g_array_set_size (doc->tokens, doc->tokens->len - 1);
  assert_null (xref_text_doc_words (doc, rules));
}

/* A capitalised word written in lower case elsewhere in the document is a
 * common word: "Seismic risk" below is a section title only because
 * "engineers" occurs in lower case.  The first questions of a
 * document search the text, later ones a set of its words: a document
 * that asks many times must get the same answers as one that asks once. */
static void
test_lower_elsewhere (void **state)
{
  const char *para = "The ground shook for a minute. Seismic risk Engineers say the towers are safe. Several engineers "
                     "disagree.\n\n";
  GString *s = g_string_new (NULL);
  guint with_title = 0;

  {
    g_autoptr (XrefDocument) one = segment_string (para);
    assert_int_equal (one->sentences->len, 4);
  }
  for (int i = 0; i < 40; i++)
    g_string_append (s, para);
  {
    g_autoptr (XrefDocument) doc = segment_string (s->str);
    for (guint k = 0; k < doc->sentences->len; k++)
      {
        const XrefSentence *st = &g_array_index (doc->sentences, XrefSentence, k);
        if (st->end - st->start == strlen ("Seismic risk") && memcmp (doc->text + st->start, "Seismic risk", 12) == 0)
          with_title++;
      }
    assert_int_equal (doc->sentences->len, 40 * 4);
  }
  assert_int_equal (with_title, 40);
  g_string_free (s, TRUE);
}

/* The text search behind lower_elsewhere looks at 32 places a step and
 * leaves the last bytes of the document to memmem: the lower-case word at
 * every offset from the start of a step, at the very end of the text, cut
 * short by it ("engineer" alone, "engineersX" as part of a longer word) or
 * with only its two ends right ("engineXXs") must give the answer a plain
 * search gives. */
static void
test_lower_elsewhere_offsets (void **state)
{
  static const char *const tails[] = { "engineers", "engineers.", "engineer", "engineersx", "engineeXs", "Engineers" };

  for (gsize k = 0; k < G_N_ELEMENTS (tails); k++)
    for (guint pad = 0; pad < 70; pad++)
      {
        g_autoptr (GString) s = g_string_new ("The ground shook for a minute. Seismic risk Engineers say the towers are "
                                              "safe. Several of them");
        for (guint p = 0; p < pad; p++)
          g_string_append (s, p % 5 == 4 ? " " : "x");
        g_string_append_printf (s, " %s", tails[k]);
        g_autoptr (XrefDocument) doc = segment_string (s->str);
        gboolean title = FALSE;
        for (guint i = 0; i < doc->sentences->len; i++)
          {
            const XrefSentence *st = &g_array_index (doc->sentences, XrefSentence, i);
            title |= st->end - st->start == strlen ("Seismic risk")
                     && memcmp (doc->text + st->start, "Seismic risk", 12) == 0;
          }
        /* "engineers" as a word of its own, and only so */
        assert_int_equal (title, k <= 1);
      }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_tokenize_table),
    cmocka_unit_test (test_tokenize_norm_flags),
    cmocka_unit_test (test_tokenize_quotes),
    cmocka_unit_test (test_tokenize_hostile),
    cmocka_unit_test (test_tokenize_fast_paths),
    cmocka_unit_test (test_tokenize_threads),
    cmocka_unit_test (test_tokenize_zipf_words),
    cmocka_unit_test (test_tokenize_unicode_classes),
    cmocka_unit_test (test_sentence_cases),
    cmocka_unit_test (test_sentence_flags),
    cmocka_unit_test (test_sentence_limit),
    cmocka_unit_test (test_seed_corpus),
    cmocka_unit_test (test_intern),
    cmocka_unit_test (test_word_index_per_rules),
    cmocka_unit_test (test_word_func),
    cmocka_unit_test (test_lower_elsewhere),
    cmocka_unit_test (test_lower_elsewhere_offsets),
  };
  return cmocka_run_group_tests (tests, setup_rules, teardown_rules);
}
