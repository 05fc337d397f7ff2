/* Helpers shared by the libFuzzer harnesses in fuzz/.
 *
 * Each harness defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize).  Built with clang -fsanitize=fuzzer by `make fuzz`,
 * or with any compiler against fuzz/fuzz-main.c, a plain driver that feeds
 * files to the harness: `make check` runs the seed corpora and every past
 * crash (fuzz/regress/) through it that way, so a fixed crash stays fixed.
 *
 * A harness aborts (fuzz_check) when an invariant of xref breaks: a span
 * outside its document, invalid UTF-8 or JSON in a report, an unescaped
 * cell.  libFuzzer then saves the input as a crash like any other. */
#pragma once

#include "xref/run.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* Aborts with a message when cond is false: libFuzzer records the input. */
#define fuzz_check(cond, ...) \
  do { \
    if (!(cond)) \
      { \
        fprintf (stderr, "fuzz invariant broken at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
        fprintf (stderr, __VA_ARGS__); \
        fputc ('\n', stderr); \
        abort (); \
      } \
  } while (0)

/* The rule set, loaded once per process: the default rules ($XREF_RULES,
 * else rules/ of the source tree the harness was built from) and the seed
 * corpus's story rules, so that articles like the seeds give claims. */
static inline const XrefRules *
fuzz_default_rules (void)
{
  static XrefRules *rules;

  if (rules == NULL)
    {
      g_autoptr (GError) error = NULL;
      const char *dir = g_getenv ("XREF_RULES");
      const char *dirs[2] = { dir != NULL ? dir : FUZZ_SRCDIR "/rules", FUZZ_SRCDIR "/corpus/.xref/rules" };

      rules = xref_rules_load (dirs, 2, &error);
      if (rules == NULL)
        {
          fprintf (stderr, "fuzz: cannot load the rules: %s\n", error->message);
          exit (2);
        }
    }
  return rules;
}

/* Runs one in-memory article through ingest → text → temporal and returns
 * it, or NULL when ingest refuses it (binary).  The caller runs extract
 * after the corpus pass. */
static inline XrefDocument *
fuzz_ingest (const char *id, const char *data, size_t len, const XrefRules *rules)
{
  g_autoptr (GError) error = NULL;
  XrefDocument *doc = xref_ingest_bytes (id, data, len, NULL, rules, &error);

  if (doc == NULL)
    {
      fuzz_check (error != NULL && error->message != NULL, "ingest refused '%s' without an error", id);
      return NULL;
    }
  fuzz_check (doc->len == len, "text of %zu bytes from %zu bytes of input", (size_t) doc->len, len);
  fuzz_check (g_utf8_validate (doc->text, (gssize) doc->len, NULL), "document text is not valid UTF-8");
  xref_text_segment (doc, rules);
  xref_temporal_tag (doc, rules);
  return doc;
}

/* Checks that every span of doc lies inside it and in order. */
static inline void
fuzz_check_spans (const XrefDocument *doc)
{
  for (guint i = 0; i < doc->regions->len; i++)
    {
      const XrefSpan *r = &g_array_index (doc->regions, XrefSpan, i);
      fuzz_check (r->start <= r->end && r->end <= doc->len, "region %u [%zu,%zu)", i, (size_t) r->start,
                  (size_t) r->end);
    }
  for (guint i = 0; i < doc->tokens->len; i++)
    {
      const XrefToken *t = &g_array_index (doc->tokens, XrefToken, i);
      fuzz_check (t->start < t->end && t->end <= doc->len, "token %u [%zu,%zu)", i, (size_t) t->start,
                  (size_t) t->end);
      fuzz_check (strlen (t->form) == t->end - t->start && memcmp (t->form, doc->text + t->start, strlen (t->form)) == 0,
                  "token %u form is not the bytes of its span", i);
    }
  for (guint i = 0; i < doc->sentences->len; i++)
    {
      const XrefSentence *s = &g_array_index (doc->sentences, XrefSentence, i);
      fuzz_check (s->start <= s->end && s->end <= doc->len, "sentence %u [%zu,%zu)", i, (size_t) s->start,
                  (size_t) s->end);
      fuzz_check ((guint64) s->first_token + s->n_tokens <= doc->tokens->len, "sentence %u tokens", i);
    }
  for (guint i = 0; i < doc->timexes->len; i++)
    {
      const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, i);
      fuzz_check (t->start <= t->end && t->end <= doc->len, "timex %u [%zu,%zu)", i, (size_t) t->start,
                  (size_t) t->end);
    }
  for (guint i = 0; i < doc->claims->len; i++)
    {
      const XrefClaim *c = g_ptr_array_index (doc->claims, i);
      const XrefArg *args[] = { &c->actor, &c->action, &c->object, &c->date, &c->speaker, &c->source };

      fuzz_check (c->doc == doc, "claim %u belongs to another document", i);
      fuzz_check (c->start <= c->end && c->end <= doc->len, "claim %u [%zu,%zu)", i, (size_t) c->start,
                  (size_t) c->end);
      fuzz_check (c->sentence < doc->sentences->len, "claim %u sentence %u", i, c->sentence);
      for (guint a = 0; a < G_N_ELEMENTS (args); a++)
        if (args[a]->id != NULL)
          fuzz_check (args[a]->start <= args[a]->end && args[a]->end <= doc->len, "claim %u arg %u [%zu,%zu)", i, a,
                      (size_t) args[a]->start, (size_t) args[a]->end);
      for (guint s = 0; c->slots != NULL && s < c->slots->len; s++)
        {
          const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, s);
          fuzz_check (v->start <= v->end && v->end <= doc->len, "claim %u slot %s [%zu,%zu)", i, v->slot,
                      (size_t) v->start, (size_t) v->end);
        }
    }
}
