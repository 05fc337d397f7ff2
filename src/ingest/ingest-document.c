/* xref — ingest: the document record. */
#include "ingest-private.h"

/* The document owns the arrays of every later stage (see ingest.h), so
 * it needs their element sizes: this is the one place where ingest looks
 * at later stages' headers, for sizeof only. */
#include "xref/temporal.h"

#include <string.h>

const char *
xref_date_basis_name (XrefDateBasis basis)
{
  switch (basis)
    {
    case XREF_DATE_BASIS_METADATA:
      return "metadata";
    case XREF_DATE_BASIS_DATELINE:
      return "dateline";
    case XREF_DATE_BASIS_INFERRED:
      return "inferred";
    case XREF_DATE_BASIS_NONE:
    default:
      return "none";
    }
}

/* The id and the path are copied into the document's own block (one
 * allocation instead of three a document; they are never replaced). */
XrefDocument *
xref_document_new (const char *id, const char *path)
{
  gsize il = id != NULL ? strlen (id) + 1 : 0, pl = path != NULL ? strlen (path) + 1 : 0;
  XrefDocument *doc = g_malloc0 (sizeof *doc + il + pl);
  char *at = (char *) (doc + 1);

  if (id != NULL)
    doc->id = memcpy (at, id, il);
  if (path != NULL)
    doc->path = memcpy (at + il, path, pl);
  doc->date_basis = XREF_DATE_BASIS_NONE;
  doc->regions = g_array_new (FALSE, TRUE, sizeof (XrefSpan));
  doc->headings = g_array_new (FALSE, TRUE, sizeof (XrefSpan));
  doc->tokens = g_array_new (FALSE, TRUE, sizeof (XrefToken));
  doc->sentences = g_array_new (FALSE, TRUE, sizeof (XrefSentence));
  doc->timexes = g_array_new (FALSE, TRUE, sizeof (XrefTimex));
  /* No free function: the extract stage sets it when it adds claims. */
  doc->claims = g_ptr_array_new ();
  return doc;
}

void
xref_document_free (XrefDocument *doc)
{
  if (doc == NULL)
    return;
  /* (id and path are in the document's block) */
  g_free (doc->text);
  g_free (doc->outlet);
  g_free (doc->title);
  g_free (doc->place);
  g_free (doc->url);
  g_free (doc->author);
  g_clear_pointer (&doc->regions, g_array_unref);
  g_clear_pointer (&doc->headings, g_array_unref);
  g_clear_pointer (&doc->tokens, g_array_unref);
  g_clear_pointer (&doc->sentences, g_array_unref);
  g_clear_pointer (&doc->timexes, g_array_unref);
  g_clear_pointer (&doc->claims, g_ptr_array_unref);
  /* (after the claims: xref_claim_free reads it) */
  g_free (doc->claim_block);
  g_free (doc);
}

void
xref_ingest_meta_free (XrefMeta *meta)
{
  if (meta == NULL)
    return;
  g_free (meta->outlet);
  g_free (meta->title);
  g_free (meta->place);
  g_free (meta->url);
  g_free (meta->author);
  g_free (meta);
}

gboolean
xref_ingest_meta_set (XrefMeta *meta, const char *key, const char *value, char **problem)
{
  char **field = NULL;

  if (g_strcmp0 (key, "outlet") == 0)
    field = &meta->outlet;
  else if (g_strcmp0 (key, "title") == 0)
    field = &meta->title;
  else if (g_strcmp0 (key, "place") == 0)
    field = &meta->place;
  else if (g_strcmp0 (key, "url") == 0)
    field = &meta->url;
  else if (g_strcmp0 (key, "author") == 0)
    field = &meta->author;
  else if (g_strcmp0 (key, "date") == 0)
    {
      XrefDate d;
      if (!xref_date_parse_iso (value, &d))
        {
          *problem = g_strdup_printf ("date '%s' is not YYYY-MM-DD, YYYY-MM or YYYY", value);
          return FALSE;
        }
      meta->date = d;
      return TRUE;
    }
  else
    {
      *problem = g_strdup_printf ("unknown key '%s' (expected outlet, date, title, place, url, author)", key);
      return FALSE;
    }

  g_free (*field);
  *field = (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
  return TRUE;
}

gboolean
xref_ingest_yaml_load (const char *file, gint first_line, const char *yaml, gsize len, yaml_document_t *doc,
                       char **problem)
{
  yaml_parser_t parser;
  gboolean ok;

  if (!yaml_parser_initialize (&parser))
    {
      *problem = g_strdup_printf ("%s: cannot initialise the YAML parser", file);
      return FALSE;
    }
  /* libyaml asserts on a NULL string, which an empty input may be */
  yaml_parser_set_input_string (&parser, (const unsigned char *) (yaml != NULL ? yaml : ""), yaml != NULL ? len : 0);
  ok = yaml_parser_load (&parser, doc) != 0;
  if (!ok)
    {
      /* libyaml marks count from 0. */
      yaml_mark_t mark = parser.problem_mark;
      if (mark.line == 0 && mark.column == 0 && parser.context != NULL)
        mark = parser.context_mark;
      *problem = g_strdup_printf ("%s:%d:%d: %s%s%s", file, (gint) mark.line + first_line, (gint) mark.column + 1,
                                  parser.problem != NULL ? parser.problem : "invalid YAML",
                                  parser.context != NULL ? " " : "", parser.context != NULL ? parser.context : "");
    }
  yaml_parser_delete (&parser);
  return ok;
}

char *
xref_ingest_yaml_where (const char *file, gint first_line, const yaml_node_t *node)
{
  return g_strdup_printf ("%s:%d:%d", file, (gint) node->start_mark.line + first_line,
                          (gint) node->start_mark.column + 1);
}
