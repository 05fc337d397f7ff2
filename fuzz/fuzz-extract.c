/* libFuzzer harness: one article through ingest → text → temporal →
 * extract with the default rules.
 *
 * The first byte picks the file type (its low two bits: .txt, .md, .html,
 * .htm), since ingest blanks markup in HTML files only; the rest is the
 * file.  Checks that every span lands inside the document and that the
 * text stays valid UTF-8 of the input's length. */
#include "fuzz.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) fuzz_default_rules ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const ids[] = { "fuzz.txt", "fuzz.md", "fuzz.html", "fuzz.htm" };
  const XrefRules *rules = fuzz_default_rules ();
  g_autoptr (GPtrArray) docs = NULL;
  XrefDocument *doc;

  if (size == 0)
    return 0;
  doc = fuzz_ingest (ids[data[0] & 3], (const char *) data + 1, size - 1, rules);
  if (doc == NULL)
    return 0;

  docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  g_ptr_array_add (docs, doc);
  xref_temporal_resolve_corpus (docs, rules);
  xref_extract_claims (doc, rules);
  fuzz_check_spans (doc);
  return 0;
}
