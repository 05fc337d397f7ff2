/* xref — report: renderers over rows.  Renderers decide nothing; they only
 * show what match produced.  All escaping lives in report-escape.c. */
#pragma once

#include "xref/match.h"

G_BEGIN_DECLS

typedef enum {
  XREF_FORMAT_TABLE,       /* aligned terminal table (default) */
  XREF_FORMAT_JSON,        /* the JSON report contract (DESIGN.md) */
  XREF_FORMAT_MARKDOWN,    /* GitHub-flavoured Markdown */
  XREF_FORMAT_CSV,         /* RFC 4180 */
  XREF_FORMAT_HTML,        /* one self-contained page */
} XrefFormat;

/* What a renderer reads.  Everything is borrowed. */
/* Takes len bytes of finished output (see XrefReport.flush). */
typedef void (*XrefFlushFunc) (const char *data, gsize len, gpointer user_data);
/* Returns the rows once they exist (see XrefReport.rows_later). */
typedef GPtrArray *(*XrefRowsFunc) (gpointer user_data);

typedef struct {
  const XrefRules *rules;
  GPtrArray *documents;    /* XrefDocument*, corpus order */
  GPtrArray *rows;         /* XrefRow*, ranked; NULL for `xref extract` */
  gboolean extract;        /* `xref extract`: documents + claims, with each
                              document's sentences and timexes (JSON) */
  guint width;             /* terminal width for the table, 0 = 100 */
  gboolean color;          /* ANSI colour in the table */
  XrefFlushFunc flush;     /* when set, a renderer that can (json) hands
                              what it has written so far to flush and
                              empties out, so that a large report is never
                              whole in memory; NULL: all stays in out */
  gpointer flush_data;
  guint jobs;              /* threads rendering the JSON report (in parts,
                              written strictly in order, so the output is
                              the same for any number): 0 = one per
                              processor, 1 = none besides the caller */
  XrefRowsFunc rows_later; /* JSON only: when set, rows is not read; the
                              renderer writes the documents and claims
                              (on jobs threads, the calling one among
                              them) while the caller is still matching,
                              then calls rows_later, which waits for the
                              rows and returns them */
  gpointer rows_later_data;
} XrefReport;

/* Parses a format name ("table", "json", "md"/"markdown", "csv", "html");
 * FALSE when unknown. */
gboolean xref_format_parse (const char *name, XrefFormat *out);

/* Appends the report in the given format to out.  Returns FALSE with
 * XREF_ERROR_USAGE when the format cannot show this report. */
gboolean xref_render (const XrefReport *report, XrefFormat format, GString *out, GError **error);

/* `--explain ROW-ID`: the row whose id is row_id told in words — its
 * verdict, the rule that decided it with file:line, every source with its
 * claim, sentence, speaker, date and the rules that made the claim.
 * Appends to out; FALSE with XREF_ERROR_USAGE when no row has that id. */
gboolean xref_render_explain (const XrefReport *report, const char *row_id, GString *out, GError **error);

/* Appends one document object / one claim object exactly as
 * xref_render_json writes them in "documents" and "claims" (extract: with
 * the document's sentences and timexes).  For `xref extract --format
 * jsonl`. */
void xref_render_json_document (GString *out, const XrefDocument *doc, gboolean extract);
void xref_render_json_claim (GString *out, const XrefClaim *claim);

/* Individual renderers (the table in report.c maps formats to these). */
void xref_render_table (const XrefReport *report, GString *out);
void xref_render_json (const XrefReport *report, GString *out);
void xref_render_markdown (const XrefReport *report, GString *out);
void xref_render_csv (const XrefReport *report, GString *out);
void xref_render_html (const XrefReport *report, GString *out);

/* Escaping helpers (report-escape.c).  A len of -1 means s is
 * NUL-terminated; s NULL appends nothing (null for JSON, an empty field
 * for CSV). */
/* Appends s[0..len) as a JSON string literal with quotes; invalid UTF-8 is
 * replaced by U+FFFD so the output is always valid JSON. */
void xref_escape_json (GString *out, const char *s, gssize len);
/* Appends s[0..len) for a terminal: control characters, bidi overrides and
 * invalid UTF-8 are replaced by U+FFFD or a space; newlines become spaces. */
void xref_escape_terminal (GString *out, const char *s, gssize len);
/* Display width in terminal columns of a valid UTF-8 string. */
guint xref_display_width (const char *s, gssize len);
/* Appends s[0..len) as one RFC 4180 field: quoted (quotes doubled) when it
 * holds , " CR or LF; a leading ' when it starts with = + - @ TAB or CR
 * (OWASP CSV injection); invalid UTF-8 and NUL replaced by U+FFFD.
 * s NULL appends an empty field. */
void xref_escape_csv (GString *out, const char *s, gssize len);
/* Appends s[0..len) for one GFM table cell: \ | and the other inline
 * markup characters (* _ ` [ ] < > & ~) backslash-escaped, line breaks and
 * tabs turned into spaces, control characters, bidi overrides and invalid
 * UTF-8 replaced by U+FFFD. */
void xref_escape_markdown (GString *out, const char *s, gssize len);
/* Appends s[0..len) as HTML text or attribute value: & < > " ' as
 * references, control characters, bidi overrides and invalid UTF-8
 * replaced by U+FFFD. */
void xref_escape_html (GString *out, const char *s, gssize len);

G_END_DECLS
