/* xref — ingest: helpers shared by the files of src/ingest/ (not public). */
#pragma once

#include "xref/ingest.h"

#include <yaml.h>

G_BEGIN_DECLS

/* Frees a manifest entry (fields and the struct). */
void xref_ingest_meta_free (XrefMeta *meta);

/* Sets the metadata field named key (outlet, title, place, url, author,
 * date) from value.  Returns FALSE and sets *problem (newly allocated) when
 * the key is unknown or the value invalid (a date that is not YYYY-MM-DD,
 * YYYY-MM or YYYY). */
gboolean xref_ingest_meta_set (XrefMeta *meta, const char *key, const char *value, char **problem);

/* Loads one YAML document from yaml[0..len) into doc (yaml_document_t,
 * delete it with yaml_document_delete).  An empty stream gives a document
 * without a root node.  On a syntax error returns FALSE and sets *problem
 * to "FILE:LINE:COL: message" with LINE counted from first_line (the line
 * of the file on which yaml starts, 1-based). */
gboolean xref_ingest_yaml_load (const char *file, gint first_line, const char *yaml, gsize len,
                                yaml_document_t *doc, char **problem);

/* The position of a node as "FILE:LINE:COL" (newly allocated). */
char *xref_ingest_yaml_where (const char *file, gint first_line, const yaml_node_t *node);

/* Blanks the markup of an HTML article in place, one byte for one, with
 * libxml2's HTML parser (see ingest-html.c), so that the text reads as
 * plain text at the file's offsets.  Fills the fields of meta that are
 * still NULL/zero from the page (<title>, og:title, og:site_name, author,
 * og:url or the canonical link, a published-time <meta> or the first
 * <time datetime>).  Returns the spans of h1–h6 contents (XrefSpan, in
 * order; free with g_array_unref). */
GArray *xref_ingest_html_blank (char *text, gsize len, XrefMeta *meta);

/* Opens a corpus file for reading as ingest does (below its folder's
 * descriptor when the walk kept one; non-blocking, so a FIFO put there
 * since the walk cannot hang the open): a descriptor, or -1 with errno
 * set.  Shared by the reader (ingest-read.c) and the read-ahead thread
 * (ingest-ahead.c), which must open the same file the same way. */
int xref_ingest_open (const XrefCorpusFile *file);

G_END_DECLS
