/* libFuzzer harness: the report renderers, over documents built from the
 * input by the whole pipeline (default rules), in every format.
 *
 * The input is up to four documents separated by a line holding only a
 * form feed ("\f\n").  The first line of each is its document id (a file
 * name: any bytes but NUL and newline), the rest its text.
 *
 * Checks what issue 8 promises of every report, whatever the articles and
 * file names hold:
 *  - JSON is valid UTF-8 and parses (jansson);
 *  - CSV is valid UTF-8, every record has the header's number of fields,
 *    and no field starts with = + - @ TAB or CR (OWASP CSV injection);
 *  - HTML is valid UTF-8, carries its Content-Security-Policy, and every
 *    "<" opens one of the renderer's own tags, with no on… attribute;
 *  - Markdown is valid UTF-8, has no control character but newline, no
 *    unescaped "<", and every line of a table has as many cells as its
 *    header;
 *  - the terminal table is valid UTF-8 with no control character (but
 *    newline, and ESC only in SGR colour sequences) and no bidi control. */
#include "fuzz.h"

#include <jansson.h>

#define MAX_DOCS 4

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) fuzz_default_rules ();
  return 0;
}

static void
check_utf8 (const GString *out, const char *format)
{
  const char *end = NULL;

  fuzz_check (g_utf8_validate (out->str, (gssize) out->len, &end), "%s: invalid UTF-8 at byte %zu", format,
              (size_t) (end - out->str));
}

static void
check_json (const GString *out)
{
  json_error_t jerr;
  json_t *root;

  check_utf8 (out, "json");
  root = json_loadb (out->str, out->len, JSON_ALLOW_NUL, &jerr);
  fuzz_check (root != NULL, "json does not parse: %s at line %d column %d", jerr.text, jerr.line, jerr.column);
  fuzz_check (json_is_object (root), "json is not an object");
  json_decref (root);
}

/* RFC 4180: fields separated by ",", records by CRLF, quoted fields with
 * doubled quotes.  Checks each field's first character of content. */
static void
check_csv (const GString *out)
{
  const char *p = out->str, *end = out->str + out->len;
  guint field = 0, n_fields = 0, record = 0;

  check_utf8 (out, "csv");
  while (p < end)
    {
      gboolean quoted = *p == '"';
      const char *first;

      if (quoted)
        p++;
      first = p;
      if (quoted)
        {
          for (;;)
            {
              fuzz_check (p < end, "csv: unterminated quoted field in record %u", record);
              if (*p == '"' && p + 1 < end && p[1] == '"')
                p += 2;
              else if (*p == '"')
                break;
              else
                p++;
            }
          p++;
        }
      else
        while (p < end && *p != ',' && *p != '\r' && *p != '\n')
          {
            fuzz_check (*p != '"', "csv: quote inside an unquoted field in record %u", record);
            p++;
          }
      if (first < end && (quoted ? *first != '"' || first[1] == '"' : first < p))
        fuzz_check (strchr ("=+-@\t\r", *first) == NULL || *first == '\0',
                    "csv: record %u field %u starts with '%c'", record, field, *first);
      field++;
      if (p < end && *p == ',')
        {
          p++;
          continue;
        }
      fuzz_check (p + 1 < end && p[0] == '\r' && p[1] == '\n', "csv: record %u does not end with CRLF", record);
      p += 2;
      if (record == 0)
        n_fields = field;
      else
        fuzz_check (field == n_fields, "csv: record %u has %u fields, the header %u", record, field, n_fields);
      record++;
      field = 0;
    }
}

/* The one script xref may write: its text's SHA-256 must be the CSP's
 * hash-source, so that no other script can run.  Returns the end of the
 * script element, or NULL. */
static const char *
check_script (const char *html, const char *open)
{
  const char *body = strchr (open, '>');
  const char *close = body != NULL ? strstr (body, "</script>") : NULL;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize n = sizeof digest;
  g_autofree char *b64 = NULL, *want = NULL;

  fuzz_check (body != NULL && close != NULL, "html: script not closed");
  body++;
  g_checksum_update (sum, (const guchar *) body, close - body);
  g_checksum_get_digest (sum, digest, &n);
  b64 = g_base64_encode (digest, n);
  want = g_strdup_printf ("script-src 'sha256-%s'", b64);
  fuzz_check (strstr (html, want) != NULL && strstr (html, want) < open, "html: a script the CSP does not name");
  return close + strlen ("</script>");
}

/* Every "<" opens a tag of the renderer's own (the list follows
 * src/report/report-html.c: a new tag there is added here on review), with
 * no on… attribute and only in-page links, and only one script, xref's. */
static void
check_html (const GString *out)
{
  static const char *const tags[] = { "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2",
                                      "h3", "p", "q", "span", "table", "thead", "tbody", "tr", "th", "td", "br",
                                      "a", "mark", "blockquote", "section", "label", "input", "div", "script",
                                      NULL };
  guint scripts = 0;

  check_utf8 (out, "html");
  fuzz_check (strstr (out->str, "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'") != NULL,
              "html: no Content-Security-Policy");
  for (const char *p = strchr (out->str, '<'); p != NULL; p = strchr (p + 1, '<'))
    {
      const char *name = p[1] == '/' ? p + 2 : p + 1;
      const char *gt = strchr (p, '>');
      gboolean known = FALSE;

      for (guint i = 0; tags[i] != NULL && !known; i++)
        {
          size_t n = strlen (tags[i]);
          known = g_ascii_strncasecmp (name, tags[i], n) == 0 && (name[n] == ' ' || name[n] == '>');
        }
      fuzz_check (known, "html: '<' opens no tag of the renderer: \"%.20s\"", p);
      fuzz_check (gt != NULL && memchr (p + 1, '<', (size_t) (gt - p - 1)) == NULL, "html: tag not closed");
      /* attribute names, outside the quoted values */
      for (const char *a = p; a < gt; a++)
        if (*a == '"')
          {
            const char *q = memchr (a + 1, '"', (size_t) (gt - a - 1));
            fuzz_check (q != NULL, "html: attribute value not closed in \"%.40s\"", p);
            a = q;
          }
        else
          {
            fuzz_check (!(a[0] == ' ' && g_ascii_tolower (a[1]) == 'o' && g_ascii_tolower (a[2]) == 'n'
                          && g_ascii_isalpha (a[3])),
                        "html: an on… attribute in \"%.40s\"", p);
            fuzz_check (g_ascii_strncasecmp (a, " href=", 6) != 0 || (a[6] == '"' && a[7] == '#'),
                        "html: a link out of the page in \"%.40s\"", p);
            fuzz_check (g_ascii_strncasecmp (a, " src=", 5) != 0, "html: a src attribute in \"%.40s\"", p);
          }
      if (g_ascii_strncasecmp (p, "<script", 7) == 0)
        {
          scripts++;
          p = check_script (out->str, p) - 1;
        }
    }
  fuzz_check (scripts <= 1, "html: %u scripts", scripts);
}

/* Code point c is a C0/C1 control or DEL (but newline), or a bidi control. */
static gboolean
unsafe_char (gunichar c)
{
  if (c == '\n')
    return FALSE;
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
         || c == 0x200e || c == 0x200f || c == 0x061c;
}

static void
check_text (const GString *out, const char *format, gboolean sgr)
{
  check_utf8 (out, format);
  for (const char *p = out->str; p < out->str + out->len; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (sgr && c == 0x1b && p[1] == '[')
        {
          /* ESC [ digits ; … m: a colour, which xref writes itself */
          const char *q = p + 2;
          while (g_ascii_isdigit (*q) || *q == ';')
            q++;
          fuzz_check (*q == 'm', "%s: ESC opens no SGR sequence", format);
          p = q;
          continue;
        }
      fuzz_check (!unsafe_char (c), "%s: control or bidi character U+%04X at byte %zu", format, c,
                  (size_t) (p - out->str));
    }
}

static void
check_markdown (const GString *out)
{
  g_auto (GStrv) lines = g_strsplit (out->str, "\n", -1);
  guint cells = 0;

  check_text (out, "md", FALSE);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      guint n = 0;

      for (const char *p = l; *p; p++)
        if (*p == '\\' && p[1] != '\0')
          p++;
        else if (*p == '<')
          fuzz_check (FALSE, "md: unescaped '<' in line %u", i + 1);
        else if (*p == '|')
          n++;
      if (l[0] != '|')
        {
          cells = 0;
          continue;
        }
      if (cells == 0)
        cells = n;
      fuzz_check (n == cells, "md: table line %u has %u pipes, its header %u", i + 1, n, cells);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const XrefRules *rules = fuzz_default_rules ();
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_document_free);
  g_autoptr (GPtrArray) rows = NULL;
  const char *p = (const char *) data, *end = p + size;
  XrefReport report = { 0 };

  for (guint n = 0; p < end && n < MAX_DOCS; n++)
    {
      const char *next = memmem (p, (size_t) (end - p), "\n\f\n", 3);
      const char *stop = next != NULL ? next : end;
      const char *nl = memchr (p, '\n', (size_t) (stop - p));
      const char *text = nl != NULL ? nl + 1 : stop;
      g_autofree char *name = g_strndup (p, (gsize) ((nl != NULL ? nl : stop) - p));
      g_autofree char *id = NULL;
      XrefDocument *doc;

      /* ids are paths relative to the corpus root, unique, without NUL */
      id = g_strdup_printf ("%u/%s", n, name);
      doc = fuzz_ingest (id, text, (size_t) (stop - text), rules);
      if (doc != NULL)
        g_ptr_array_add (docs, doc);
      p = next != NULL ? next + 3 : end;
    }
  xref_temporal_resolve_corpus (docs, rules);
  for (guint i = 0; i < docs->len; i++)
    {
      xref_extract_claims (g_ptr_array_index (docs, i), rules);
      fuzz_check_spans (g_ptr_array_index (docs, i));
    }
  rows = xref_match (docs, rules);

  report.rules = rules;
  report.documents = docs;
  for (int extract = 0; extract < 2; extract++)
    {
      report.rows = extract ? NULL : rows;
      report.extract = extract;
      for (int f = XREF_FORMAT_TABLE; f <= XREF_FORMAT_HTML; f++)
        for (int color = 0; color < (f == XREF_FORMAT_TABLE ? 2 : 1); color++)
          {
            g_autoptr (GString) out = g_string_new (NULL);
            g_autoptr (GError) error = NULL;

            report.color = color;
            report.width = 60 + 20 * (guint) color;
            if (!xref_render (&report, (XrefFormat) f, out, &error))
              {
                fuzz_check (error != NULL, "render failed without an error");
                continue;
              }
            switch (f)
              {
              case XREF_FORMAT_TABLE: check_text (out, "table", color); break;
              case XREF_FORMAT_JSON: check_json (out); break;
              case XREF_FORMAT_MARKDOWN: check_markdown (out); break;
              case XREF_FORMAT_CSV: check_csv (out); break;
              case XREF_FORMAT_HTML: check_html (out); break;
              default: break;
              }
          }
    }
  return 0;
}
