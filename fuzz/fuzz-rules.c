/* libFuzzer harness: the rule loader (xref_rules_load_string) on any bytes,
 * then, when the rules load, one article through the whole pipeline with
 * them (ingest → extract → match → JSON), so that whatever the loader
 * accepts is safe for every later stage to use.
 *
 * The input is a rule file, optionally followed by a line "#ARTICLE" (a
 * YAML comment) and the article; without one a fixed article is used.
 * Checks that a refused file says why with "fuzz.yaml:LINE:COL: " on every
 * line of the message, and that the report is valid UTF-8. */
#include "fuzz.h"

static const char article[] =
  "date 2022-12-21\n\n"
  "WASHINGTON, December 21. The United States will send a missile battery to Poland, "
  "officials said on Wednesday. \"We do not intend to deliver it in a few months,\" she said. "
  "The ministry refused to comment on the training in Germany, which lasts several months.\n";

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

/* TRUE when every line of msg starts with "fuzz.yaml:LINE:COL: ". */
static gboolean
located (const char *msg)
{
  g_auto (GStrv) lines = g_strsplit (msg, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = lines[i];
      guint digits;

      if (*p == '\0' && lines[i + 1] == NULL)
        break;                 /* a final newline */
      if (!g_str_has_prefix (p, "fuzz.yaml:"))
        return FALSE;
      p += strlen ("fuzz.yaml:");
      for (int part = 0; part < 2; part++)
        {
          for (digits = 0; g_ascii_isdigit (*p); p++)
            digits++;
          if (digits == 0 || *p != ':')
            return FALSE;
          p++;
        }
      if (*p != ' ')
        return FALSE;
    }
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char mark[] = "\n#ARTICLE\n";
  g_autoptr (XrefRules) rules = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) docs = NULL;
  g_autoptr (GString) out = NULL;
  const char *text = article;
  size_t yaml_len = size, text_len = sizeof article - 1;
  const char *cut = memmem (data, size, mark, sizeof mark - 1);
  XrefDocument *doc;

  if (cut != NULL)
    {
      yaml_len = (size_t) (cut - (const char *) data);
      text = cut + sizeof mark - 1;
      text_len = size - yaml_len - (sizeof mark - 1);
    }

  rules = xref_rules_load_string ("fuzz.yaml", (const char *) data, yaml_len, &error);
  if (rules == NULL)
    {
      fuzz_check (error != NULL && error->domain == XREF_ERROR && error->code == XREF_ERROR_RULES,
                  "the loader failed without a rules error");
      fuzz_check (g_utf8_validate (error->message, -1, NULL), "error message is not valid UTF-8");
      fuzz_check (located (error->message), "error without fuzz.yaml:LINE:COL: \"%s\"", error->message);
      return 0;
    }
  fuzz_check (error == NULL, "rules loaded with an error set");

  docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  for (int i = 0; i < 2; i++)
    {
      doc = fuzz_ingest (i == 0 ? "a.txt" : "b.txt", text, text_len, rules);
      if (doc != NULL)
        g_ptr_array_add (docs, doc);
    }
  xref_temporal_resolve_corpus (docs, rules);
  for (guint i = 0; i < docs->len; i++)
    {
      xref_extract_claims (g_ptr_array_index (docs, i), rules);
      fuzz_check_spans (g_ptr_array_index (docs, i));
    }

  g_autoptr (GPtrArray) rows = xref_match (docs, rules);
  XrefReport report = { .rules = rules, .documents = docs, .rows = rows };
  out = g_string_new (NULL);
  xref_render_json (&report, out);
  fuzz_check (g_utf8_validate (out->str, (gssize) out->len, NULL), "JSON report is not valid UTF-8");
  return 0;
}
