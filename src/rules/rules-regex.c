/* xref — rules: PCRE2 regexes with bounded matching.
 *
 * Rule regexes come from YAML that anyone may edit, so every match runs
 * under PCRE2's match and depth limits and on a bounded subject: a
 * catastrophic pattern costs a bounded amount of time and reports
 * XREF_ERROR_REGEX instead of hanging the run.  Match data is per
 * thread, so one compiled regex serves every thread. */
#include "rules-private.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>
#include <stdlib.h>

#define MATCH_LIMIT   1000000u
#define DEPTH_LIMIT   10000u
#define MAX_SUBJECT   (64u * 1024)

/* What the probes of an anchored pattern with few possible first bytes
 * found beyond the first byte (see first_bytes). */
typedef struct {
  guint8 second[0x80][16];      /* [a] bit b: a subject that starts with the
                                   ASCII bytes a, b may match */
  guint8 wide[32];              /* bit c: one that starts with the
                                   character U+0080 + c (U+0080-U+00FF),
                                   or U+2000 + c - WIDE_PUNCT
                                   (U+2000-U+207F: the quotation marks and
                                   dashes of news text) may match */
} RegexProbes;

#define WIDE_PUNCT 0x80u        /* the index of U+2000 in RegexProbes.wide */

struct _XrefRegex {
  pcre2_code *code;
  pcre2_match_context *mctx;
  char *pattern;
  int value_group;         /* number of the group "value", 0 when absent */
  guint32 min_length;      /* PCRE2's lower bound on a match, in characters */
  guint32 ovector;         /* pairs of offsets a match needs: groups + 1 */
  gboolean jit;            /* PCRE2's JIT compiled it (for complete matches) */
  guint8 first_ok[32];     /* bit b: a subject whose first byte is b may
                              match (see first_bytes) */
  RegexProbes *probes;     /* or NULL (see first_bytes) */
  XrefRegexPrefilter *prefilter; /* what every match consumes (rules-prefilter.c),
                                    or NULL */
  guint slot_words;              /* xref_regex_slot_words */
};


/* The probe's match limit: far below MATCH_LIMIT, so that a first byte
 * the probe rules out fails the real match long before its limit too. */
#define PROBE_MATCH_LIMIT 10000u

/* Beyond this many possible ASCII first bytes the longer probes are not
 * made: patterns such as "^[^.;]{0,80}?…" are not boilerplate and would
 * cost thousands of probes. */
#define PROBE_MAX_FIRST 16u

/* Does the pattern fail on every subject that starts with s[0..n)?  (A
 * valid UTF-8 probe; see first_bytes.) */
static gboolean
probe_fails (const XrefRegex *re, const char *s, gsize n, pcre2_match_data *md, pcre2_match_context *mctx)
{
  return pcre2_match (re->code, (PCRE2_SPTR) s, n, 0, PCRE2_PARTIAL_HARD, md, mctx) == PCRE2_ERROR_NOMATCH;
}

/* Fills first_ok: with which byte a subject that matches can start.
 *
 * Only for anchored patterns (PCRE2 reports PCRE2_ANCHORED for "^…" in
 * every top-level alternative, "\A", "\G"), which PCRE2 tries at the
 * start offset only.  For each ASCII byte b the pattern is run on the
 * one-byte subject "b" with PCRE2_PARTIAL_HARD, which returns a partial
 * match as soon as any path reaches the end of the subject, or tests
 * "$", "\z", "\Z", "\b" or "\B" there (pcre2partial(3); a lookahead
 * that reaches the end does too, as the unit test checks).  So
 * PCRE2_ERROR_NOMATCH means every path failed having looked at no more
 * than the byte b: on any longer subject that starts with b the same
 * paths fail the same way, and the match fails with no error (the
 * probe's own, much lower, match limit was not hit).  PCRE2 turns off
 * its minimum-length and required-character shortcuts for partial
 * matching, so the probe really runs the pattern.  Any other answer (a
 * match, a partial match, an error) keeps b.  Bytes >= 0x80 begin a
 * multi-byte character and are not probed (kept), nor are "\n" and
 * "\r", which a newline convention may pair with the byte after them.
 * Other patterns keep every byte.
 *
 * When at most PROBE_MAX_FIRST ASCII bytes are kept (boilerplate
 * patterns), the same probe runs on the two-byte subjects "ab" of the
 * kept printable bytes a (a line starting "Se" may be "Search", one
 * starting "Sa" may not) and on the one-character subjects U+0080-U+00FF and
 * U+2000-U+207F (lines that open with a quotation mark), filling probes.
 * These probes run on PCRE2's JIT (compiled for partial matching here),
 * so that they cost little at rule loading; probing every pair of bytes
 * with the interpreter cost more than it saved on 10 MB. */
static void
first_bytes (XrefRegex *re, gboolean jit)
{
  guint32 options = 0;
  pcre2_match_context *mctx;
  pcre2_match_data *md;
  guint n_ok = 0;

  memset (re->first_ok, 0xff, sizeof re->first_ok);
  if (pcre2_pattern_info (re->code, PCRE2_INFO_ALLOPTIONS, &options) != 0 || (options & PCRE2_ANCHORED) == 0)
    return;
  mctx = pcre2_match_context_create (NULL);
  pcre2_set_match_limit (mctx, PROBE_MATCH_LIMIT);
  pcre2_set_depth_limit (mctx, DEPTH_LIMIT);
  md = pcre2_match_data_create_from_pattern (re->code, NULL);
  for (guint b = 0; b < 0x80; b++)
    {
      char subject = (char) b;
      if (b == '\n' || b == '\r')
        continue;
      if (probe_fails (re, &subject, 1, md, mctx))
        re->first_ok[b >> 3] &= (guint8) ~(1u << (b & 7));
      else
        n_ok++;
    }
  if (n_ok <= PROBE_MAX_FIRST)
    {
      RegexProbes *pr = g_new (RegexProbes, 1);

      if (jit)
        (void) pcre2_jit_compile (re->code, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
      memset (pr, 0xff, sizeof *pr);
      /* not after a space or a control character (first bytes that
       * "^\s*" keeps): lines seldom start with one, and each costs 126
       * probes at every rule load */
      for (guint a = ' ' + 1; a < 0x80; a++)
        {
          if ((re->first_ok[a >> 3] & (1u << (a & 7))) == 0)
            continue;
          for (guint b = 0; b < 0x80; b++)
            {
              char subject[2] = { (char) a, (char) b };
              if (b != '\n' && b != '\r' && probe_fails (re, subject, 2, md, mctx))
                pr->second[a][b >> 3] &= (guint8) ~(1u << (b & 7));
            }
        }
      for (guint c = 0; c < 0x100; c++)
        {
          char subject[4];
          gunichar u = c < WIDE_PUNCT ? 0x80 + c : 0x2000 + c - WIDE_PUNCT;
          if (probe_fails (re, subject, (gsize) g_unichar_to_utf8 (u, subject), md, mctx))
            pr->wide[c >> 3] &= (guint8) ~(1u << (c & 7));
        }
      re->probes = pr;
    }
  pcre2_match_data_free (md);
  pcre2_match_context_free (mctx);
}

XrefRegex *
xref_regex_new (const char *pattern, gsize len, char **message, gsize *offset)
{
  int errcode = 0;
  PCRE2_SIZE erroff = 0;
  pcre2_code *code;
  XrefRegex *re;

  code = pcre2_compile ((PCRE2_SPTR) pattern, len, PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C, &errcode, &erroff,
                        NULL);
  if (code == NULL)
    {
      PCRE2_UCHAR buf[256];
      if (pcre2_get_error_message (errcode, buf, sizeof buf) < 0)
        g_strlcpy ((char *) buf, "invalid pattern", sizeof buf);
      *message = g_strdup ((const char *) buf);
      *offset = erroff;
      return NULL;
    }
  /* The JIT is an optimisation only: without it the interpreter runs.
   * XREF_NO_JIT turns it off for valgrind, which cannot follow JIT code
   * (make valgrind sets it). */
  gboolean jit = g_getenv ("XREF_NO_JIT") == NULL && pcre2_jit_compile (code, PCRE2_JIT_COMPLETE) == 0;

  re = g_new0 (XrefRegex, 1);
  re->code = code;
  re->pattern = g_strndup (pattern, len);
  re->jit = jit;
  re->mctx = pcre2_match_context_create (NULL);
  pcre2_set_match_limit (re->mctx, MATCH_LIMIT);
  pcre2_set_depth_limit (re->mctx, DEPTH_LIMIT);
  int group = pcre2_substring_number_from_name (code, (PCRE2_SPTR) "value");
  re->value_group = group > 0 ? group : 0;
  if (pcre2_pattern_info (code, PCRE2_INFO_MINLENGTH, &re->min_length) != 0)
    re->min_length = 0;
  if (pcre2_pattern_info (code, PCRE2_INFO_CAPTURECOUNT, &re->ovector) != 0)
    re->ovector = 0;
  re->ovector += 1;
  first_bytes (re, jit);
  re->prefilter = xref_prefilter_new (pattern, len, re->min_length);
  return re;
}

void
xref_regex_free (XrefRegex *re)
{
  if (re == NULL)
    return;
  xref_prefilter_free (re->prefilter);
  pcre2_match_context_free (re->mctx);
  pcre2_code_free (re->code);
  g_free (re->probes);
  g_free (re->pattern);
  g_free (re);
}

/* TRUE when s[0..len) is valid UTF-8, NUL bytes allowed as PCRE2 allows
 * them.  PCRE2 checks the whole subject on every call unless told it is
 * valid, which for the boilerplate patterns tried on every line and the
 * slot patterns tried on every claim cost more than the matching; an
 * invalid subject goes to PCRE2 unflagged, which reports it as before. */
static gboolean
valid_utf8 (const char *str, gsize len)
{
  gsize i = 0;

  for (;;)
    {
      i += xref_utf8_valid_prefix (str + i, len - i);
      if (i == len)
        return TRUE;
      if (str[i] != '\0')
        return FALSE;
      i++;   /* a NUL: valid for PCRE2, not for g_utf8_validate_len */
    }
}

/* One match-data block per thread, grown to the largest pattern seen:
 * PCRE2 needs one per concurrent match, and making one per call was a
 * malloc and a free for every line and every claim.  Worker threads free
 * theirs when they end (GPrivate); the main thread's lives to exit. */
static void
match_data_free (gpointer md)
{
  pcre2_match_data_free (md);
}

static GPrivate match_data_key = G_PRIVATE_INIT (match_data_free);
/* The same block, read without g_private_get's call; the GPrivate owns
 * it (and frees it when the thread ends). */
static _Thread_local pcre2_match_data *match_data_tls;
static _Thread_local guint32 match_data_pairs;

static pcre2_match_data *
match_data_for (const XrefRegex *re)
{
  pcre2_match_data *md = match_data_tls;

  if (md != NULL && match_data_pairs >= re->ovector)
    return md;
  md = pcre2_match_data_create (MAX (re->ovector, 16u), NULL);
  g_private_replace (&match_data_key, md);
  match_data_tls = md;
  match_data_pairs = pcre2_get_ovector_count (md);
  return md;
}

const char *
xref_regex_pattern (const XrefRegex *re)
{
  return re != NULL ? re->pattern : NULL;
}

/* xref_regex_match and xref_regex_match_valid: known_valid says the
 * caller vouches for the subject's UTF-8 (PCRE2 is then not told to
 * check it, nor is it checked here). */
static gboolean
regex_match (const XrefRegex *re, const char *subject, gsize len, gsize offset, XrefSpan *match, XrefSpan *value,
             GError **error, gboolean known_valid)
{
  pcre2_match_data *md;
  int rc;

  g_return_val_if_fail (re != NULL && subject != NULL, FALSE);

  if (len > MAX_SUBJECT)
    {
      g_set_error (error, XREF_ERROR, XREF_ERROR_REGEX,
                   "regex '%s': subject of %" G_GSIZE_FORMAT " bytes exceeds the limit of %u", re->pattern, len,
                   MAX_SUBJECT);
      return FALSE;
    }
  if (offset > len)
    return FALSE;

  md = match_data_for (re);
  /* A subject known to be valid goes straight to the JIT code, which
   * pcre2_match would call after its own checks (the offset is checked
   * above, the UTF-8 by the caller). */
  if (known_valid && re->jit)
    rc = pcre2_jit_match (re->code, (PCRE2_SPTR) subject, len, offset, 0, md, re->mctx);
  else
    rc = pcre2_match (re->code, (PCRE2_SPTR) subject, len, offset,
                      known_valid || valid_utf8 (subject, len) ? PCRE2_NO_UTF_CHECK : 0, md, re->mctx);
  if (rc == PCRE2_ERROR_NOMATCH)
    return FALSE;
  if (rc < 0)
    {
      PCRE2_UCHAR buf[256];
      if (pcre2_get_error_message (rc, buf, sizeof buf) < 0)
        g_strlcpy ((char *) buf, "match failed", sizeof buf);
      g_set_error (error, XREF_ERROR, XREF_ERROR_REGEX, "regex '%s': %s", re->pattern, (const char *) buf);
      return FALSE;
    }

  PCRE2_SIZE *ov = pcre2_get_ovector_pointer (md);
  XrefSpan whole = { ov[0], ov[1] };
  XrefSpan val = whole;
  if (re->value_group > 0 && (guint32) re->value_group < pcre2_get_ovector_count (md)
      && ov[2 * re->value_group] != PCRE2_UNSET)
    {
      val.start = ov[2 * re->value_group];
      val.end = ov[2 * re->value_group + 1];
    }
  /* \K can put the start after the end; keep spans well formed. */
  if (whole.start > whole.end)
    whole.start = whole.end;
  if (val.start > val.end)
    val.start = val.end;
  if (match != NULL)
    *match = whole;
  if (value != NULL)
    *value = val;
  return TRUE;
}

gboolean
xref_regex_match (const XrefRegex *re, const char *subject, gsize len, gsize offset, XrefSpan *match, XrefSpan *value,
                  GError **error)
{
  return regex_match (re, subject, len, offset, match, value, error, FALSE);
}

gboolean
xref_regex_match_valid (const XrefRegex *re, const char *subject, gsize len, gsize offset, XrefSpan *match,
                        XrefSpan *value, GError **error)
{
  return regex_match (re, subject, len, offset, match, value, error, TRUE);
}

gboolean
xref_regex_cannot_match (const XrefRegex *re, const char *subject, gsize len)
{
  guchar b;

  g_return_val_if_fail (re != NULL && subject != NULL, FALSE);

  if (len > MAX_SUBJECT)
    return FALSE;   /* xref_regex_match reports an error */
  /* min_length counts characters, and a character is one byte or more */
  if (len < re->min_length)
    return TRUE;
  if (len == 0)
    return FALSE;
  b = (guchar) subject[0];
  if ((re->first_ok[b >> 3] & (1u << (b & 7))) == 0)
    return TRUE;
  if (re->probes != NULL && len >= 2)
    {
      /* the subject is valid UTF-8: a lead byte has its continuation */
      const guchar *s = (const guchar *) subject;
      guint c = G_MAXUINT;
      /* (second bytes were probed in ASCII only: a non-ASCII one may match) */
      if (b < 0x80)
        return s[1] < 0x80 && (re->probes->second[b][s[1] >> 3] & (1u << (s[1] & 7))) == 0;
      if (b == 0xC2 || b == 0xC3)
        c = (((guint) b & 0x1F) << 6 | (s[1] & 0x3F)) - 0x80;
      else if (b == 0xE2 && (s[1] == 0x80 || s[1] == 0x81) && len >= 3)
        c = WIDE_PUNCT + (((guint) s[1] & 1) << 6 | (s[2] & 0x3F));
      if (c != G_MAXUINT)
        return (re->probes->wide[c >> 3] & (1u << (c & 7))) == 0;
    }
  return FALSE;
}

guint
xref_regex_slot_words (const XrefRegex *re)
{
  return re->slot_words;
}

/* qsort order of two interned ids (strings) */
static int
cmp_ids (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

void
xref_slot_words_build (XrefRules *r)
{
  /* the slots in the order of their ids, not the table's (which follows
   * the ids' addresses): when the words outnumber XREF_SLOT_WORDS_MAX,
   * the same patterns get a test in every run */
  guint n_ids = 0;
  g_autofree gpointer *ids = g_hash_table_get_keys_as_array (r->slots, &n_ids);

  qsort (ids, n_ids, sizeof *ids, cmp_ids);
  for (guint i = 0; i < n_ids; i++)
    {
      const XrefSlotDef *def = g_hash_table_lookup (r->slots, ids[i]);
      for (guint p = 0; def->patterns != NULL && p < def->patterns->len; p++)
        {
          XrefRegex *re = g_ptr_array_index (def->patterns, p);
          const char *words[XREF_SLOT_WORDS_MAX];
          guint n = xref_prefilter_words (re->prefilter, words, G_N_ELEMENTS (words));
          guint mask = 0;

          for (guint e = 0; e < n; e++)
            {
              guint k = 0;
              while (k < r->n_slot_words && r->slot_word[k] != words[e])
                k++;
              if (k == XREF_SLOT_WORDS_MAX || strlen (words[e]) >= 32)
                {
                  mask = 0;     /* no room: no test */
                  break;
                }
              if (k == r->n_slot_words)
                {
                  r->slot_word_len[k] = (guint8) strlen (words[e]);
                  {
                    guchar last = (guchar) words[e][r->slot_word_len[k] - 1];
                    r->slot_word_end[last >> 3] |= (guint8) (1u << (last & 7));
                  }
                  r->slot_word[r->n_slot_words++] = words[e];
                }
              mask |= 1u << k;
            }
          re->slot_words = mask;
        }
    }
}

guint
xref_rules_slot_word_bits (const XrefRules *rules, const char *norm, gsize len)
{
  guint bits = 0;
  guchar last = len > 0 ? (guchar) norm[len - 1] : 0;

  if (!(rules->slot_word_end[last >> 3] & (1u << (last & 7))))
    return 0;                   /* (most norms: no word ends so) */
  /* norm ends with the word (its last byte first: most norms do not),
   * after the start or a byte that is no ASCII letter or digit in the
   * text: none in the norm, or an "i" or a "k", the lower case of "İ"
   * and of the Kelvin sign */
  for (guint k = 0; k < rules->n_slot_words; k++)
    {
      const char *w = rules->slot_word[k];
      gsize wl = rules->slot_word_len[k];
      if (len >= wl && norm[len - 1] == w[wl - 1] && memcmp (norm + len - wl, w, wl) == 0)
        {
          char before = len > wl ? norm[len - wl - 1] : ' ';
          if (!g_ascii_isalnum (before) || before == 'i' || before == 'k')
            bits |= 1u << k;
        }
    }
  return bits;
}

const XrefRegexPrefilter *
xref_regex_prefilter (const XrefRegex *re)
{
  return re->prefilter;
}

gboolean
xref_regex_may_match (const XrefRegex *re, const char *subject, gsize len, gsize offset)
{
  const XrefRegexPrefilter *pf;

  g_return_val_if_fail (re != NULL && subject != NULL, TRUE);

  pf = re->prefilter;
  if (pf == NULL || offset > len)
    return TRUE;
  /* what xref_regex_match reports as an error is left to it (but for
   * invalid UTF-8: see rules.h) */
  if (len > MAX_SUBJECT)
    return TRUE;
  if (offset < len && ((guchar) subject[offset] & 0xC0) == 0x80)
    return TRUE;
  return xref_prefilter_may_match (pf, subject, len, offset);
}
