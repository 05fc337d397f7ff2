/* xref — extraction as a map step, matching as a reduce step.
 *
 * `xref extract --format jsonl` writes one line per document:
 *
 *   {"document":{…},"claims":[{…},…],"timexes":[{…},…]
 *    [,"undated":{"bytes":"<base64 of the file>","manifest":{…}|null}]}
 *
 * "document" and the claims are the objects of the JSON report (one
 * writer, report-json.c); "timexes" are the document's time expressions
 * (match dates a statement by the DATE expressions of its sentence).
 *
 * `xref match FILE.jsonl…` reads such lines back.  A document's claims
 * depend only on the document and the rules, except through the corpus
 * year pass (xref_temporal_resolve_corpus), which gives a year to the
 * documents that found none of their own from the year of the others.  A
 * shard sees only part of the corpus, so its pass may differ from the one
 * over the whole corpus: such an "undated" document carries its file's
 * bytes and manifest entry, and the reader runs ingest → text → temporal
 * on it again, redoes the pass over every document and extracts it.  Every
 * other document is taken as written.  So sharded extraction followed by
 * one match gives what one run gives, byte for byte.
 *
 * Text.  The reports show only spans of claims (the sentence, the words of
 * each element); the reader rebuilds each document's text as blanks of the
 * document's length with those spans written in, so offsets stay offsets
 * into the original file.
 */
#include "xref/run.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* ---- writing -------------------------------------------------------------- */

static void
meta_json (GString *out, const XrefMeta *meta)
{
  const char *iso = meta != NULL ? xref_date_to_iso (&meta->date) : NULL;
  const char *names[] = { "outlet", "title", "place", "url", "author", "date" };
  const char *values[6];
  gboolean first = TRUE;

  if (meta == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  values[0] = meta->outlet;
  values[1] = meta->title;
  values[2] = meta->place;
  values[3] = meta->url;
  values[4] = meta->author;
  values[5] = iso;
  g_string_append_c (out, '{');
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (values[i] != NULL)
      {
        g_string_append_printf (out, "%s\"%s\":", first ? "" : ",", names[i]);
        xref_escape_json (out, values[i], -1);
        first = FALSE;
      }
  g_string_append_c (out, '}');
}

static void
timexes_json (GString *out, const XrefDocument *doc)
{
  g_string_append_c (out, '[');
  for (guint i = 0; doc->timexes != NULL && i < doc->timexes->len; i++)
    {
      const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, i);
      g_string_append_printf (out, "%s{\"start\":%" G_GSIZE_FORMAT ",\"end\":%" G_GSIZE_FORMAT ",\"type\":\"%s\","
                              "\"sentence\":%u,\"value\":",
                              i > 0 ? "," : "", t->start, t->end, xref_timex_type_name (t->type), t->sentence);
      xref_escape_json (out, t->value, -1);
      g_string_append (out, ",\"mod\":");
      xref_escape_json (out, t->mod, -1);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

gboolean
xref_run_write_jsonl (XrefRun *run, const XrefReport *report, GString *out, GError **error)
{
  for (guint i = 0; i < run->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (run->documents, i);

      g_string_append (out, "{\"document\":");
      xref_render_json_document (out, doc, FALSE);
      g_string_append (out, ",\"claims\":[");
      for (guint j = 0; doc->claims != NULL && j < doc->claims->len; j++)
        {
          if (j > 0)
            g_string_append_c (out, ',');
          xref_render_json_claim (out, g_ptr_array_index (doc->claims, j));
        }
      g_string_append (out, "],\"timexes\":");
      timexes_json (out, doc);
      if (run->undated != NULL && g_hash_table_contains (run->undated, doc))
        {
          g_autofree char *bytes = NULL;
          g_autofree char *b64 = NULL;
          gsize len = 0;
          const XrefMeta *meta = run->manifest != NULL ? g_hash_table_lookup (run->manifest, doc->id) : NULL;

          if (!xref_read_file (doc->path, G_MAXSSIZE, &bytes, &len, error))
            return FALSE;
          b64 = g_base64_encode ((const guchar *) bytes, len);
          g_string_append (out, ",\"undated\":{\"bytes\":\"");
          g_string_append (out, b64);
          g_string_append (out, "\",\"manifest\":");
          meta_json (out, meta);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "}\n");
      if (report != NULL && report->flush != NULL && out->len >= (1u << 20))
        {
          report->flush (out->str, out->len, report->flush_data);
          g_string_truncate (out, 0);
        }
    }
  return TRUE;
}

/* ---- reading -------------------------------------------------------------- */

typedef struct {
  const char *file;
  guint line;
  GError **error;
} Where;

static gboolean G_GNUC_PRINTF (2, 3)
bad (const Where *w, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (w->error, XREF_ERROR, XREF_ERROR_INPUT, "%s:%u: %s", w->file, w->line, msg);
  return FALSE;
}

static const char *
str_or_null (json_t *obj, const char *key)
{
  return json_string_value (json_object_get (obj, key));
}

static gsize
size_of (json_t *obj, const char *key)
{
  json_int_t v = json_integer_value (json_object_get (obj, key));
  return v > 0 ? (gsize) v : 0;
}

/* A byte offset of a claim into *out: 0 when absent or negative, like
 * size_of; one above XREF_INGEST_MAX_FILE cannot point into any article
 * (and would not fit XrefOffset, extract.h): an error, never truncated. */
static gboolean
offset_of (json_t *obj, const char *key, XrefOffset *out, const Where *w, const XrefDocument *doc)
{
  json_int_t v = json_integer_value (json_object_get (obj, key));

  if (v > (json_int_t) XREF_INGEST_MAX_FILE)
    return bad (w, "document '%s': \"%s\" %" JSON_INTEGER_FORMAT " is out of range (an offset into an article"
                " is at most %u)", doc->id, key, v, XREF_INGEST_MAX_FILE);
  *out = v > 0 ? (XrefOffset) v : 0;
  return TRUE;
}

/* Writes text at [start, end) of doc's blank text when it fits exactly. */
static void
put_span (XrefDocument *doc, gsize start, gsize end, const char *text)
{
  gsize n;

  if (text == NULL || end <= start || end > doc->len)
    return;
  n = strlen (text);
  if (n == end - start)
    memcpy (doc->text + start, text, n);
}

/* An element {"id"|"value":…,"text":…,"start":…,"end":…,"rule":…} or null. */
static gboolean
read_arg (XrefDocument *doc, json_t *obj, const char *id_key, XrefArg *arg, const char **rule, const Where *w)
{
  memset (arg, 0, sizeof *arg);
  *rule = NULL;
  if (!json_is_object (obj))
    return TRUE;
  arg->id = xref_intern (str_or_null (obj, id_key));
  if (!offset_of (obj, "start", &arg->start, w, doc) || !offset_of (obj, "end", &arg->end, w, doc))
    return FALSE;
  *rule = str_or_null (obj, "rule");
  put_span (doc, arg->start, arg->end, str_or_null (obj, "text"));
  return TRUE;
}

static gint
cmp_slot (gconstpointer a, gconstpointer b)
{
  return strcmp (((const XrefSlotValue *) a)->slot, ((const XrefSlotValue *) b)->slot);
}

/* A claim of doc, or NULL (an error set through w) on an offset out of
 * range. */
static XrefClaim *
read_claim (XrefDocument *doc, json_t *obj, const Where *w)
{
  XrefClaim *c = g_new0 (XrefClaim, 1);
  const char *polarity = str_or_null (obj, "polarity");
  const char *modality = str_or_null (obj, "modality");
  json_t *slots = json_object_get (obj, "slots");
  json_t *rules = json_object_get (obj, "rules");
  static const char *const role_key[XREF_N_ROLES] = { "actor", "action", "object", "date", "speaker", "source" };
  const char *arg_rule[XREF_N_ROLES];
  const char *name;
  json_t *v;
  size_t i;

  c->id = g_strdup (str_or_null (obj, "id"));
  c->doc = doc;
  c->sentence = (guint) size_of (obj, "sentence_index");
  c->slots = g_array_new (FALSE, TRUE, sizeof (XrefSlotValue));
  c->rules = g_ptr_array_new ();
  if (!offset_of (obj, "start", &c->start, w, doc) || !offset_of (obj, "end", &c->end, w, doc))
    goto fail;
  put_span (doc, c->start, c->end, str_or_null (obj, "sentence"));
  for (guint r = 0; r < XREF_N_ROLES; r++)
    if (!read_arg (doc, json_object_get (obj, role_key[r]), r == XREF_ROLE_DATE ? "value" : "id",
                   (XrefArg *) xref_claim_arg (c, (XrefRole) r), &arg_rule[r], w))
      goto fail;

  json_object_foreach (slots, name, v)
    {
      XrefSlotValue sv = { 0 };
      sv.slot = xref_intern (name);
      sv.value = xref_intern (str_or_null (v, "value"));
      if (!offset_of (v, "start", &sv.start, w, doc) || !offset_of (v, "end", &sv.end, w, doc))
        goto fail;
      sv.rule = xref_intern (str_or_null (v, "rule"));
      put_span (doc, sv.start, sv.end, str_or_null (v, "text"));
      g_array_append_val (c->slots, sv);
    }
  g_array_sort (c->slots, cmp_slot);

  c->polarity = g_strcmp0 (polarity, xref_polarity_name (XREF_POLARITY_NEGATED)) == 0 ? XREF_POLARITY_NEGATED
                                                                                      : XREF_POLARITY_AFFIRMED;
  c->modality = XREF_MODALITY_ASSERTED;
  for (int m = XREF_MODALITY_ASSERTED; m <= XREF_MODALITY_CONDITIONAL; m++)
    if (g_strcmp0 (modality, xref_modality_name ((XrefModality) m)) == 0)
      c->modality = (XrefModality) m;

  json_array_foreach (rules, i, v)
    if (json_is_string (v))
      g_ptr_array_add (c->rules, (gpointer) xref_intern (json_string_value (v)));
  /* (after the list, where the rules of the elements are looked up; one
   * that is not listed is added) */
  for (guint r = 0; r < XREF_N_ROLES; r++)
    xref_claim_set_arg_rule (c, (XrefRole) r, arg_rule[r]);
  return c;

fail:
  xref_claim_free (c);
  return NULL;
}

static gboolean
parse_type (const char *name, XrefTimexType *out)
{
  for (int t = XREF_TIMEX_DATE; t <= XREF_TIMEX_SET; t++)
    if (g_strcmp0 (name, xref_timex_type_name ((XrefTimexType) t)) == 0)
      {
        *out = (XrefTimexType) t;
        return TRUE;
      }
  return FALSE;
}

static char *
dup_field (json_t *obj, const char *key)
{
  return g_strdup (str_or_null (obj, key));
}

static void
date_field (json_t *obj, const char *key, XrefDate *out)
{
  const char *s = str_or_null (obj, key);
  memset (out, 0, sizeof *out);
  if (s != NULL && !xref_date_parse_iso (s, out))
    memset (out, 0, sizeof *out);
}

/* An undated document: ingest → text → temporal again from its bytes and
 * manifest entry, exactly as the corpus walk does; NULL (warned) when it
 * is no longer an article. */
static XrefDocument *
reingest (XrefRun *run, const char *id, json_t *undated, const Where *w)
{
  const char *b64 = str_or_null (undated, "bytes");
  json_t *m = json_object_get (undated, "manifest");
  g_autofree guchar *bytes = NULL;
  g_autoptr (GError) local = NULL;
  XrefMeta meta = { 0 };
  XrefDocument *doc;
  gsize len = 0;

  bytes = g_base64_decode (b64 != NULL ? b64 : "", &len);
  if (json_is_object (m))
    {
      meta.outlet = dup_field (m, "outlet");
      meta.title = dup_field (m, "title");
      meta.place = dup_field (m, "place");
      meta.url = dup_field (m, "url");
      meta.author = dup_field (m, "author");
      date_field (m, "date", &meta.date);
    }
  doc = xref_ingest_bytes (id, (const char *) bytes, len, json_is_object (m) ? &meta : NULL, run->rules, &local);
  g_free (meta.outlet);
  g_free (meta.title);
  g_free (meta.place);
  g_free (meta.url);
  g_free (meta.author);
  if (doc == NULL)
    {
      xref_warn (w->file, "line %u: %s", w->line, local->message);
      return NULL;
    }
  xref_text_segment (doc, run->rules);
  if (doc->sentences->len == 0)
    {
      xref_document_free (doc);
      return NULL;
    }
  xref_temporal_tag (doc, run->rules);
  return doc;
}

static gboolean
parse_basis (const char *name, XrefDateBasis *out)
{
  for (int b = XREF_DATE_BASIS_NONE; b <= XREF_DATE_BASIS_INFERRED; b++)
    if (g_strcmp0 (name, xref_date_basis_name ((XrefDateBasis) b)) == 0)
      {
        *out = (XrefDateBasis) b;
        return TRUE;
      }
  return FALSE;
}

/* One record → a document with its claims and timexes (or, when undated,
 * re-ingested), appended to docs. */
static gboolean
read_record (XrefRun *run, json_t *rec, GPtrArray *docs, GHashTable *undated, const Where *w)
{
  json_t *d = json_object_get (rec, "document");
  json_t *claims = json_object_get (rec, "claims");
  json_t *timexes = json_object_get (rec, "timexes");
  json_t *und = json_object_get (rec, "undated");
  const char *id = str_or_null (d, "id");
  const char *date;
  XrefDocument *doc;
  XrefClaim *c;
  json_t *v;
  size_t i;

  if (!json_is_object (d) || id == NULL || !json_is_array (claims))
    return bad (w, "not a document record of xref extract --format jsonl");
  /* The blank text is allocated at this length: no larger than any file
   * xref reads (a hostile length would exhaust memory). */
  if (size_of (d, "length") > XREF_INGEST_MAX_FILE)
    return bad (w, "document length exceeds the limit of an article file");

  if (json_is_object (und))
    {
      doc = reingest (run, id, und, w);
      if (doc != NULL)
        {
          g_ptr_array_add (docs, doc);
          g_hash_table_add (undated, doc);
        }
      return TRUE;
    }

  doc = xref_document_new (id, id);
  g_ptr_array_add (docs, doc);
  doc->len = size_of (d, "length");
  doc->text = g_malloc (doc->len + 1);
  memset (doc->text, ' ', doc->len);
  doc->text[doc->len] = '\0';
  doc->outlet = dup_field (d, "outlet");
  doc->title = dup_field (d, "title");
  doc->place = dup_field (d, "place");
  doc->url = dup_field (d, "url");
  doc->author = dup_field (d, "author");
  date = str_or_null (d, "date") != NULL ? "date" : "date_partial";
  date_field (d, date, &doc->date);
  if (!parse_basis (str_or_null (d, "date_basis"), &doc->date_basis))
    return bad (w, "document '%s': unknown date_basis", id);
  /* A document from a record has no tokens: the text stage is done. */
  g_clear_pointer (&doc->tokens, g_array_unref);
  g_clear_pointer (&doc->sentences, g_array_unref);
  g_clear_pointer (&doc->regions, g_array_unref);
  g_clear_pointer (&doc->headings, g_array_unref);

  json_array_foreach (timexes, i, v)
    {
      XrefTimex t = { 0 };
      if (!parse_type (str_or_null (v, "type"), &t.type))
        return bad (w, "document '%s': unknown timex type", id);
      t.start = size_of (v, "start");
      t.end = size_of (v, "end");
      t.sentence = (guint) size_of (v, "sentence");
      t.value = xref_intern (str_or_null (v, "value"));
      t.mod = xref_intern (str_or_null (v, "mod"));
      if (t.type == XREF_TIMEX_DATE && t.value != NULL)
        (void) xref_date_parse_iso (t.value, &t.date);
      g_array_append_val (doc->timexes, t);
    }
  /* as the extract stage does: the document owns its claims */
  g_ptr_array_set_free_func (doc->claims, (GDestroyNotify) xref_claim_free);
  json_array_foreach (claims, i, v)
    {
      if (!json_is_object (v))
        return bad (w, "document '%s': a claim is not an object", id);
      c = read_claim (doc, v, w);
      if (c == NULL)
        return FALSE;
      g_ptr_array_add (doc->claims, c);
    }
  return TRUE;
}

static gint
cmp_doc_id (gconstpointer a, gconstpointer b)
{
  const XrefDocument *x = *(XrefDocument *const *) a;
  const XrefDocument *y = *(XrefDocument *const *) b;
  return strcmp (x->id, y->id);
}

static gboolean
read_file (XrefRun *run, const char *path, GPtrArray *docs, GHashTable *undated, GError **error)
{
  FILE *f = strcmp (path, "-") == 0 ? stdin : fopen (path, "rb");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  Where w = { path, 0, error };
  gboolean ok = TRUE;

  if (f == NULL)
    {
      g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "cannot open '%s': %s", path, g_strerror (errno));
      return FALSE;
    }
  while (ok && (n = getline (&line, &cap, f)) >= 0)
    {
      json_error_t jerr;
      json_t *rec;

      w.line++;
      if (n == 0 || (n == 1 && line[0] == '\n'))
        continue;
      rec = json_loadb (line, (size_t) n, JSON_DISABLE_EOF_CHECK, &jerr);
      if (rec == NULL)
        ok = bad (&w, "%s", jerr.text);
      else
        {
          ok = read_record (run, rec, docs, undated, &w);
          json_decref (rec);
        }
    }
  if (ok && ferror (f))
    {
      g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "cannot read '%s': %s", path, g_strerror (errno));
      ok = FALSE;
    }
  free (line);
  if (f != stdin)
    fclose (f);
  return ok;
}

gboolean
xref_run_read_jsonl (XrefRun *run, const char *const *files, guint n_files, GError **error)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  GHashTable *undated = run->undated;

  g_return_val_if_fail (run->rules != NULL, FALSE);

  for (guint i = 0; i < n_files; i++)
    if (!read_file (run, files[i], docs, undated, error))
      return FALSE;

  /* Corpus order is byte order of ids; a document in two shards is kept once. */
  g_ptr_array_sort (docs, cmp_doc_id);
  for (guint i = 0; i < docs->len; i++)
    {
      XrefDocument *doc = g_ptr_array_index (docs, i);
      if (run->documents->len > 0
          && strcmp (((XrefDocument *) g_ptr_array_index (run->documents, run->documents->len - 1))->id, doc->id) == 0)
        {
          xref_warn (doc->id, "given twice in the jsonl input; the first is kept");
          g_hash_table_remove (undated, doc);
          continue;
        }
      g_ptr_array_add (run->documents, g_ptr_array_steal_index (docs, i));
      g_ptr_array_insert (docs, (gint) i, NULL);
    }

  /* The year pass over the whole corpus, then the documents it dates. */
  xref_temporal_resolve_corpus (run->documents, run->rules);
  for (guint i = 0; i < run->documents->len; i++)
    {
      XrefDocument *doc = g_ptr_array_index (run->documents, i);
      if (!g_hash_table_contains (undated, doc))
        continue;
      xref_extract_claims (doc, run->rules);
      if (run->slim)
        {
          g_clear_pointer (&doc->tokens, g_array_unref);
          g_clear_pointer (&doc->sentences, g_array_unref);
          g_clear_pointer (&doc->regions, g_array_unref);
          g_clear_pointer (&doc->headings, g_array_unref);
        }
    }
  for (guint i = 0; i < run->documents->len; i++)
    run->n_bytes += ((XrefDocument *) g_ptr_array_index (run->documents, i))->len;
  return TRUE;
}
