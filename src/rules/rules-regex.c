/* xref — rules: PCRE2 regexes with bounded matching.
 *
 * Rule regexes come from YAML that anyone may edit, so every match runs
 * under PCRE2's match and depth limits and on a bounded subject: a
 * catastrophic pattern costs a bounded amount of time and reports
 * XREF_ERROR_REGEX instead of hanging the run.  Match data is made per
 * call, so one compiled regex serves every thread. */
#include "rules-private.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#define MATCH_LIMIT   1000000u
#define DEPTH_LIMIT   10000u
#define MAX_SUBJECT   (64u * 1024)

struct _XrefRegex {
  pcre2_code *code;
  pcre2_match_context *mctx;
  char *pattern;
  int value_group;         /* number of the group "value", 0 when absent */
};

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
  if (g_getenv ("XREF_NO_JIT") == NULL)
    (void) pcre2_jit_compile (code, PCRE2_JIT_COMPLETE);

  re = g_new0 (XrefRegex, 1);
  re->code = code;
  re->pattern = g_strndup (pattern, len);
  re->mctx = pcre2_match_context_create (NULL);
  pcre2_set_match_limit (re->mctx, MATCH_LIMIT);
  pcre2_set_depth_limit (re->mctx, DEPTH_LIMIT);
  int group = pcre2_substring_number_from_name (code, (PCRE2_SPTR) "value");
  re->value_group = group > 0 ? group : 0;
  return re;
}

void
xref_regex_free (XrefRegex *re)
{
  if (re == NULL)
    return;
  pcre2_match_context_free (re->mctx);
  pcre2_code_free (re->code);
  g_free (re->pattern);
  g_free (re);
}

/* TRUE when s[0..len) is valid UTF-8.  PCRE2 checks the whole subject on
 * every call unless told it is valid, which for the boilerplate patterns
 * tried on every line of every article cost more than the matching; this
 * check skips ASCII eight bytes at a time and hands only the rest to GLib,
 * and an invalid subject is still passed to PCRE2 unchecked by us, so it
 * reports the error as before. */
static gboolean
valid_utf8 (const char *s, gsize len)
{
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 w;
      memcpy (&w, s + i, 8);
      if (w & G_GUINT64_CONSTANT (0x8080808080808080))
        break;
    }
  for (; i < len; i++)
    if ((guchar) s[i] >= 0x80)
      return g_utf8_validate_len (s + i, len - i, NULL);
  return TRUE;
}

const char *
xref_regex_pattern (const XrefRegex *re)
{
  return re != NULL ? re->pattern : NULL;
}

gboolean
xref_regex_match (const XrefRegex *re, const char *subject, gsize len, gsize offset, XrefSpan *match, XrefSpan *value,
                  GError **error)
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

  md = pcre2_match_data_create_from_pattern (re->code, NULL);
  rc = pcre2_match (re->code, (PCRE2_SPTR) subject, len, offset, valid_utf8 (subject, len) ? PCRE2_NO_UTF_CHECK : 0, md,
                    re->mctx);
  if (rc == PCRE2_ERROR_NOMATCH)
    {
      pcre2_match_data_free (md);
      return FALSE;
    }
  if (rc < 0)
    {
      PCRE2_UCHAR buf[256];
      if (pcre2_get_error_message (rc, buf, sizeof buf) < 0)
        g_strlcpy ((char *) buf, "match failed", sizeof buf);
      pcre2_match_data_free (md);
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
  pcre2_match_data_free (md);
  if (match != NULL)
    *match = whole;
  if (value != NULL)
    *value = val;
  return TRUE;
}
