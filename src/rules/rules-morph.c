/* xref — rules: English verb inflection for the action and speech tables.
 *
 * Regular English spelling rules (Quirk et al., A Comprehensive Grammar of
 * the English Language, §3.5–3.9):
 *   -s:   consonant + y → -ies (supplies); after s x z ch sh and
 *         consonant + o → -es (launches, goes); else -s.
 *   -ed:  after e → -d (announced); consonant + y → -ied (denied); a
 *         one-syllable verb ending consonant-vowel-consonant doubles the
 *         consonant (shipped, planned), never w x y; else -ed.
 *   -ing: -ie → -ying (dying); -ee -ye -oe keep the e (seeing); other final
 *         e drops (giving); the same doubling as -ed; else -ing.
 * Longer verbs double only when the last syllable is stressed (admitted,
 * transferred, but offered, targeted), which the spelling does not show:
 * both spellings are generated, and the one never written costs nothing.
 * Verbs in -ic take -ck- (panicked).  Irregular pasts come from the rules
 * (lexicon.irregular_verbs), never from here. */
#include "rules-private.h"

#include <string.h>

static gboolean
is_vowel (char c)
{
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Is the letter at i a vowel in this word?  'u' after 'q' is not (quit),
 * 'y' after a consonant is (try). */
static gboolean
vowel_at (const char *w, gsize i)
{
  char c = w[i];
  if (c == 'u' && i > 0 && w[i - 1] == 'q')
    return FALSE;
  if (c == 'y')
    return i > 0 && !is_vowel (w[i - 1]);
  return is_vowel (c);
}

static guint
syllables (const char *w, gsize n)
{
  guint count = 0;
  gboolean in = FALSE;

  for (gsize i = 0; i < n; i++)
    {
      gboolean v = vowel_at (w, i);
      if (v && !in)
        count++;
      in = v;
    }
  /* A final silent e (name) is no syllable of its own. */
  if (n >= 3 && w[n - 1] == 'e' && !vowel_at (w, n - 2) && count > 1)
    count--;
  return count;
}

/* Ends consonant-vowel-consonant, the last consonant not w x y. */
static gboolean
ends_cvc (const char *w, gsize n)
{
  char last;

  if (n < 2)
    return FALSE;
  last = w[n - 1];
  if (!g_ascii_isalpha (last) || vowel_at (w, n - 1) || last == 'w' || last == 'x' || last == 'y')
    return FALSE;
  if (!vowel_at (w, n - 2))
    return FALSE;
  /* The vowel must be single: "ee", "ai", "ou" do not double. */
  if (n >= 3 && vowel_at (w, n - 3))
    return FALSE;
  return n >= 3 ? g_ascii_isalpha (w[n - 3]) : TRUE;
}

static gboolean
consonant_y (const char *w, gsize n)
{
  return n >= 2 && w[n - 1] == 'y' && !is_vowel (w[n - 2]);
}

static gboolean
ends_with (const char *w, gsize n, const char *suffix)
{
  gsize k = strlen (suffix);
  return n >= k && memcmp (w + n - k, suffix, k) == 0;
}

static void
add (GArray *out, XrefForm kind, const char *form)
{
  const char *s = xref_intern (form);

  for (guint i = 0; i < out->len; i++)
    if (g_array_index (out, XrefInflection, i).form == s)
      return;
  XrefInflection inf = { s, kind };
  g_array_append_val (out, inf);
}

static void
add_join (GArray *out, XrefForm kind, const char *w, gsize keep, const char *suffix)
{
  g_autofree char *s = g_strdup_printf ("%.*s%s", (int) keep, w, suffix);
  add (out, kind, s);
}

/* Adds the regular -ed or -ing form(s) of w (suffix "ed" or "ing"). */
static void
add_suffixed (GArray *out, XrefForm kind, const char *w, gsize n, const char *suffix)
{
  gboolean ing = suffix[0] == 'i';

  if (n == 0)
    return;
  if (ing)
    {
      if (ends_with (w, n, "ie") && n > 2)
        {
          add_join (out, kind, w, n - 2, "ying");
          return;
        }
      if (w[n - 1] == 'e' && n > 2 && !ends_with (w, n, "ee") && !ends_with (w, n, "ye") && !ends_with (w, n, "oe"))
        {
          add_join (out, kind, w, n - 1, "ing");
          return;
        }
    }
  else
    {
      if (w[n - 1] == 'e')
        {
          add_join (out, kind, w, n, "d");
          return;
        }
      if (consonant_y (w, n))
        {
          add_join (out, kind, w, n - 1, "ied");
          return;
        }
    }

  guint syl = syllables (w, n);
  if (syl > 1 && ends_with (w, n, "ic"))
    {
      g_autofree char *s = g_strdup_printf ("%.*sk%s", (int) n, w, suffix);
      add (out, kind, s);
      return;
    }
  if (ends_cvc (w, n))
    {
      g_autofree char *doubled = g_strdup_printf ("%.*s%c%s", (int) n, w, w[n - 1], suffix);
      if (syl <= 1)
        {
          add (out, kind, doubled);
          return;
        }
      add_join (out, kind, w, n, suffix);
      add (out, kind, doubled);
      return;
    }
  add_join (out, kind, w, n, suffix);
}

void
xref_rules_inflect (const char *verb, const char *past, const char *participle, GArray *out)
{
  gsize n = strlen (verb);

  add (out, XREF_FORM_BASE, verb);
  if (n == 0)
    return;

  /* 3rd person singular present */
  if (consonant_y (verb, n))
    add_join (out, XREF_FORM_PRESENT, verb, n - 1, "ies");
  else if (ends_with (verb, n, "s") || ends_with (verb, n, "x") || ends_with (verb, n, "z")
           || ends_with (verb, n, "ch") || ends_with (verb, n, "sh")
           || (n >= 2 && verb[n - 1] == 'o' && !is_vowel (verb[n - 2])))
    add_join (out, XREF_FORM_PRESENT, verb, n, "es");
  else
    add_join (out, XREF_FORM_PRESENT, verb, n, "s");

  if (past != NULL)
    {
      add (out, XREF_FORM_PAST, past);
      add (out, XREF_FORM_PARTICIPLE, participle != NULL ? participle : past);
    }
  else
    add_suffixed (out, XREF_FORM_PAST, verb, n, "ed");
  /* A regular verb's participle is its past: PAST is given (rules.h). */

  add_suffixed (out, XREF_FORM_GERUND, verb, n, "ing");
}

char *
xref_rules_fold (const char *s)
{
  /* Character by character, exactly as the tokenizer makes a norm. */
  GString *out = g_string_sized_new (strlen (s));

  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      switch (c)
        {
        case 0x2018: case 0x2019: case 0x201A: case 0x201B:
          g_string_append_c (out, '\'');
          break;
        case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB:
          g_string_append_c (out, '"');
          break;
        default:
          g_string_append_unichar (out, g_unichar_tolower (c));
        }
    }
  return g_string_free (out, FALSE);
}
