/* xref — report: helpers shared by the renderers of src/report/ (not a
 * public header; implemented in report.c). */
#pragma once

#include "xref/report.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

G_BEGIN_DECLS

/* Writing into a GString without a capacity check per piece: room makes
 * space for n more bytes and returns where they go; the caller writes
 * there and ends with done at the first byte not written.  Used by the
 * JSON writer and the escapers, the hot loops of a large report. */
static inline char *
xref_report_room (GString *out, gsize n)
{
  if (G_UNLIKELY (out->allocated_len - out->len <= n))
    {
      gsize len = out->len;

      g_string_set_size (out, len + n);
      out->len = len;
    }
  return out->str + out->len;
}

static inline void
xref_report_done (GString *out, char *w)
{
  out->len = (gsize) (w - out->str);
  out->str[out->len] = '\0';
}

#if defined(__SSE2__)
/* The 16 bytes at p as loaded, and in *bad one bit per byte that a JSON
 * string cannot hold as it is (a control, DEL, the quote, the backslash or
 * any byte of a non-ASCII character: the escapers look at those one by
 * one). */
static inline __m128i
xref_report_json_load16 (const void *p, guint *bad)
{
  const __m128i v = _mm_loadu_si128 ((const __m128i *) p);
  /* One signed compare for the controls, DEL and non-ASCII: plus one,
   * 0x00–0x1F become 0x01–0x20, DEL and 0x80–0xFE become negative, 0xFF
   * becomes 0x00, all "< 0x21", while the printable ASCII 0x20–0x7E
   * become 0x21–0x7F. */
  __m128i b = _mm_or_si128 (_mm_cmplt_epi8 (_mm_add_epi8 (v, _mm_set1_epi8 (1)), _mm_set1_epi8 (0x21)),
                            _mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('"')), _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('\\'))));

  *bad = (guint) _mm_movemask_epi8 (b);
  return v;
}
#endif

/* xref_escape_json (out, s, len) for s not NULL, when readable >= len
 * bytes may be read from s (a span of a document's text: up to the text's
 * end).  The same bytes; the escaper may test the string's last bytes 16
 * at a time instead of one by one. */
void xref_report_escape_json_in (GString *out, const char *s, gsize len, gsize readable);
/* The same written at w, which has room for XREF_REPORT_JSON_ROOM (len)
 * bytes; returns the end of what was written (not NUL-terminated).  For
 * writers that reserve room for a whole record at once. */
char *xref_report_escape_json_to (char *w, const char *s, gsize len, gsize readable);
#define XREF_REPORT_JSON_ROOM(len) (6 * (gsize) (len) + 2 + 16)

/* The bytes of doc's span [start, end), clamped to its text, and their
 * length in *len.  Borrowed from doc; NULL (and *len 0) when doc or its
 * text is NULL or the span is empty. */
static inline const char *
xref_report_span (const XrefDocument *doc, gsize start, gsize end, gsize *len)
{
  /* inline: the JSON writer asks for a span or two per record */
  *len = 0;
  if (doc == NULL || doc->text == NULL)
    return NULL;
  /* Clamp: a record with a span past the text must not read out of
   * bounds, whatever stage made it. */
  end = MIN (end, doc->len);
  start = MIN (start, end);
  if (start == end)
    return NULL;
  *len = end - start;
  return doc->text + start;
}

/* Short labels for the documents of report, for column headers: the id up
 * to its first '_' ("000_4d8c….txt" → "000"), or the whole id when it has
 * no such prefix or the prefix would not name one document alone.  Returns a new
 * table XrefDocument* → char* (owned by the table); free with
 * g_hash_table_unref. */
GHashTable *xref_report_labels (const XrefReport *report);
/* The label of doc from labels (its whole id when not there).  Borrowed. */
const char *xref_report_label (GHashTable *labels, const XrefDocument *doc);

/* Number of claims over every document of report. */
guint xref_report_n_claims (const XrefReport *report);
/* Number of rows of report with each verdict, indexed by XrefVerdict. */
void xref_report_count_verdicts (const XrefReport *report, guint counts[3]);

/* The source of row for doc, the index-th document of the corpus, or
 * NULL when the row has none for it. */
const XrefSource *xref_report_source (const XrefRow *row, const XrefDocument *doc, guint index);

/* Finding each row's source per document column without a search.  A
 * row's sources come in corpus order, one per document at most (every
 * document up to XREF_MATCH_DENSE_MAX, else only those that report the
 * topic), so a cursor walking them beside the columns finds each one in
 * one compare; xref_report_source, asked column by column, would search
 * the whole list for every column a sparse row leaves empty (rows ×
 * documents × sources on a large corpus).  The table maps XrefDocument*
 * to its index + 1 (NULL when one document is listed twice: then no row
 * counts as ordered); free with g_hash_table_unref. */
GHashTable *xref_report_doc_index (const XrefReport *report);
/* TRUE when every source of row is a document of index and their indices
 * strictly increase (what match makes): the source of the d-th document
 * is then the next unused one when its document is that one, else none,
 * exactly what xref_report_source answers.  When FALSE the renderers ask
 * xref_report_source for each column. */
gboolean xref_report_sources_ordered (const XrefReport *report, const XrefRow *row, GHashTable *index);

/* The index + 1 of doc in index (0 when not a document of it).  guess is
 * where it likely is (the column after the previous source): a dense row
 * (up to 256 documents, every one a source) is then answered by one
 * compare, without hashing.  Sound because index is NULL (and no row is
 * ordered) when a document is listed twice. */
static inline guint
xref_report_doc_at (const XrefReport *report, GHashTable *index, const XrefDocument *doc, guint guess)
{
  if (report->documents != NULL && guess < report->documents->len && g_ptr_array_index (report->documents, guess) == doc)
    return guess + 1;
  return GPOINTER_TO_UINT (g_hash_table_lookup (index, doc));
}

/* A row's document columns walked beside its sources, for the dense
 * tables (markdown, HTML): each step finds the next column that has a
 * source and how many empty columns come before it, so that the renderer
 * writes those at once.  An ordered row (xref_report_sources_ordered) is
 * walked by a cursor over its sources, one compare per source; any other
 * asks xref_report_source column by column.  Both give the same cells. */
typedef struct {
  const XrefReport *report;
  GHashTable *index;         /* xref_report_doc_index */
  const XrefRow *row;
  gboolean ordered;
  guint n_docs;
  guint d;                   /* the next column */
  guint k;                   /* ordered: the next source */
} XrefReportColumns;

void xref_report_columns_init (XrefReportColumns *it, const XrefReport *report, GHashTable *index,
                               const XrefRow *row);
/* The next column with a source: TRUE, its index in *col, its source in
 * *src and the number of empty columns before it (since the last one
 * returned) in *gap; at the end FALSE, with the empty columns left in
 * *gap. */
gboolean xref_report_columns_next (XrefReportColumns *it, guint *gap, guint *col, const XrefSource **src);

/* For each document of report, the (row, source) pairs of the rows that
 * list it, in row order: what a view per document shows, found in one
 * pass over the rows' sources instead of asking every row for every
 * document. */
typedef struct {
  guint row;                 /* index in report->rows */
  const XrefSource *src;
} XrefReportDocEntry;

typedef struct {
  guint n_docs;
  guint *first;              /* n_docs + 1 offsets into entries */
  XrefReportDocEntry *entries;
} XrefReportByDoc;

void xref_report_by_doc_init (XrefReportByDoc *by, const XrefReport *report);
void xref_report_by_doc_clear (XrefReportByDoc *by);

/* Hands what out holds to report->flush (and empties out) once it is
 * large, when report has a flush: called between records, so that a
 * large report is never whole in memory (no growing of a buffer of
 * hundreds of MB, copied at each doubling, its pages faulted in). */
void xref_report_maybe_flush (const XrefReport *report, GString *out);

/* n bytes at s appended, inline (glib 2.74's g_string_append_len is a
 * call into g_string_insert_len: most of the cost of a short piece). */
static inline void
xref_report_put (GString *out, const char *s, gsize n)
{
  char *w = xref_report_room (out, n);

  memcpy (w, s, n);
  xref_report_done (out, w + n);
}

/* A string literal, its length known at compile time. */
#define XREF_REPORT_PUT(out, lit) xref_report_put ((out), "" lit, sizeof (lit) - 1)

/* The decimal digits of v at the end of out (for the hot loops: printf
 * parses its format for every number). */
static inline void
xref_report_append_uint (GString *out, guint64 v)
{
  char buf[24], *w = buf + sizeof buf;

  do
    *--w = (char) ('0' + v % 10);
  while ((v /= 10) > 0);
  xref_report_put (out, w, (gsize) (buf + sizeof buf - w));
}


/* Rendering the records of a section in parts on several threads (the
 * JSON report cuts its own parts by size and calls the engine below,
 * xref_report_run_parts, directly): render (out, from, to, data) writes
 * records [from, to) of n at the end of out, reading only the report and
 * data (shared, so read-only) and its own variables, so that parts can be
 * written at once on report->jobs threads (0: one per processor) and
 * handed to out (or report->flush) strictly in order: the output is the
 * same for any number of threads.  per_part records make a part (a few
 * hundred KB of output); with one thread, or one part, the calling thread
 * renders them all. */
typedef void (*XrefReportPartFunc) (GString *out, guint from, guint to, gpointer data);

/* The engine under it (and under the JSON report): parts [0, n_parts) on
 * n_threads threads (0: report->jobs, itself 0 for one per processor),
 * render (out, i, data, state) writing part i; each rendering thread
 * first makes its own state with state_new (data) (NULL: none) and frees
 * it with state_free after its last part.  The calling thread is one of
 * the n_threads (n_threads - 1 are started): it hands the parts to out
 * strictly in order, to report->flush by the MB when set, and renders
 * the next part while the one due is not ready; with one thread, or one
 * part, it renders them all itself. */
typedef void (*XrefReportPartRender) (GString *out, guint part, gpointer data, gpointer state);

void xref_report_run_parts (const XrefReport *report, guint n_parts, guint n_threads, XrefReportPartRender render,
                            gpointer data, gpointer (*state_new) (gpointer data), GDestroyNotify state_free,
                            GString *out);

void xref_report_render_parts (const XrefReport *report, guint n, guint per_part, XrefReportPartFunc render,
                               gpointer data, GString *out);

/* The same over the report's rows, with parts cut by weight as well as by
 * count: a part ends after per_part rows or once its rows hold about
 * XREF_REPORT_PART_SOURCES sources and voices (at least one row).  Past
 * 256 documents one row can list thousands of sources (megabytes of CSV
 * or HTML), so parts of a fixed number of rows could hold hundreds of
 * megabytes each while they wait to be handed out in order. */
#define XREF_REPORT_PART_SOURCES 2048u
void xref_report_render_row_parts (const XrefReport *report, guint per_part, XrefReportPartFunc render,
                                   gpointer data, GString *out);

/* n copies of the piece [s, s + len) at the end of out (the empty cells
 * of a sparse row: thousands per row on a large corpus). */
void xref_report_repeat (GString *out, const char *s, gsize len, gsize n);

/* "actor · action · object" of a row (object left out when NULL, and any
 * absent id shown as "?").  Newly allocated. */
char *xref_report_topic (const char *actor, const char *action, const char *object);
/* The topic of a row, its actions joined by "+" when it spans several
 * ("us · deploy+train").  Newly allocated. */
char *xref_report_row_topic (const XrefRow *row);
/* "differ", or "differ (superseded)" when the row has a qualifier.  Newly
 * allocated. */
char *xref_report_verdict (const XrefRow *row);

G_END_DECLS
