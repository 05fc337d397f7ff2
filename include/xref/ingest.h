/* xref — ingest: walk the corpus, read articles, metadata, boilerplate.
 *
 * A document owns its text and everything later stages attach to it
 * (sentences, tokens, time expressions, claims).  Each later stage fills
 * its own fields; the arrays are created empty by xref_document_new.
 */
#pragma once

#include "xref/rules.h"

G_BEGIN_DECLS

/* Largest article read, in bytes; larger files (xref_ingest_file) and byte
 * strings (xref_ingest_bytes) are refused, so every byte offset into a
 * document fits the 32-bit offsets of claims (XrefOffset, extract.h). */
#define XREF_INGEST_MAX_FILE (64u * 1024u * 1024u)

typedef enum {
  XREF_DATE_BASIS_NONE,        /* no date known */
  XREF_DATE_BASIS_METADATA,    /* front matter or corpus manifest */
  XREF_DATE_BASIS_DATELINE,    /* "date 2022-12-21", "WASHINGTON, December 21." */
  XREF_DATE_BASIS_INFERRED,    /* from the text by the temporal stage */
} XrefDateBasis;

/* "none", "metadata", "dateline", "inferred" (static strings). */
const char *xref_date_basis_name (XrefDateBasis basis);

typedef struct _XrefDocument XrefDocument;

struct _XrefDocument {
  char *id;                /* path relative to the corpus root, '/' separated */
  char *path;              /* path to open the file with (id and path live
                              in the document's block: never replaced) */
  char *text;              /* the file's bytes, invalid UTF-8 and NUL bytes
                              replaced one byte for one (so offsets into
                              text are offsets into the file); NUL-terminated.
                              In .html/.htm files markup is also blanked to
                              spaces and line breaks and character references
                              decoded in place, padded, one for one. */
  gsize len;               /* length of text in bytes */

  /* metadata; NULL when unknown */
  char *outlet;            /* display name, e.g. "TASS" */
  char *title;
  char *place;             /* dateline place, e.g. "Washington" */
  char *url;
  char *author;
  XrefDate date;           /* document (publication) date */
  XrefDateBasis date_basis;

  /* Byte spans of the body that later stages read, in order, excluding front
   * matter, boilerplate lines, comment sections and the dateline itself. */
  GArray *regions;         /* XrefSpan */
  /* Byte spans of headings and section titles (kept, never claims). */
  GArray *headings;        /* XrefSpan */

  /* filled by the text stage */
  GArray *tokens;          /* XrefToken, in text order */
  GArray *sentences;       /* XrefSentence (text.h), in text order */

  /* filled by the temporal stage */
  GArray *timexes;         /* XrefTimex (temporal.h), in text order */

  /* filled by the extract stage */
  GPtrArray *claims;       /* XrefClaim* (extract.h), owned, in text order */

  guint n_warnings;        /* warnings printed for this document */

  /* The extract stage's claims with their ids, slots and rule lists, in
   * one block (extract.c), freed with the document; NULL when none. */
  gpointer claim_block;
};

/* A new empty document (all arrays created, empty).  Takes ownership of
 * nothing; id and path are copied. */
XrefDocument *xref_document_new (const char *id, const char *path);
void xref_document_free (XrefDocument *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XrefDocument, xref_document_free)

/* Per-document metadata read from a corpus manifest (see corpus/manifest.yaml
 * and README).  Fields NULL/zero when not given. */
typedef struct {
  char *outlet;
  char *title;
  char *place;
  char *url;
  char *author;
  XrefDate date;
} XrefMeta;

/* The articles of a corpus, found by walking its paths. */
typedef struct {
  GPtrArray *files;        /* XrefCorpusFile*, sorted by id (byte order) */
  GHashTable *manifest;    /* document id → XrefMeta*, may be empty */
  GPtrArray *root_fds;     /* int*: an open descriptor on each folder
                              walked from and on each (of the first 256)
                              holding articles (see XrefCorpusFile.root_fd),
                              closed by xref_corpus_free */
} XrefCorpus;

typedef struct {
  char *id;                /* relative to the root it was found under;
                              a file given directly keeps its base name */
  char *path;
  const int *root_fd;      /* when not NULL, an open descriptor on a
                              folder above the file (usually the one it
                              is in), name being its path below that
                              folder: the file opens with openat
                              (*root_fd, name), one lookup per component
                              of name instead of one per component of
                              path.  NULL for a file given directly or
                              whose id is its path.  Owned by the
                              XrefCorpus, valid while it lives. */
  const char *name;        /* with root_fd: the file's path below it (the
                              end of id: its base name, or all of id
                              past the walk's open folders); else NULL */
} XrefCorpusFile;

/* Walks each path (a file or a folder) and lists the articles in a stable
 * order: *.txt, *.md, *.markdown, *.html, *.htm, recursively, skipping
 * dot-files and dot-folders, following no symlink loop, skipping FIFOs,
 * sockets and devices.  Reads "manifest.yaml" at each root when present.
 * Unreadable folders are warned about and skipped; a file is listed
 * without a readability check (reading it reports "cannot read", in
 * corpus order, and the run counts it skipped).  Returns NULL with
 * XREF_ERROR_INPUT only when a path does not exist at all. */
XrefCorpus *xref_corpus_open (const char *const *paths, guint n_paths, GError **error);
void xref_corpus_free (XrefCorpus *corpus);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XrefCorpus, xref_corpus_free)

/* Reads one article: bytes (repairing invalid UTF-8 with a warning, skipping
 * binary files with a warning), YAML front matter, manifest metadata (meta
 * may be NULL), dateline and outlet (from rules->outlets), boilerplate lines
 * and headings.  An .html/.htm page goes through libxml2's HTML parser; its
 * <title>, <meta> (og:site_name, author, published time), first <time
 * datetime> and canonical link count as metadata like front matter.  Returns NULL with an error when the file cannot be read or
 * is not text; the caller warns and goes on. */
XrefDocument *xref_ingest_file (const XrefCorpusFile *file, const XrefMeta *meta, const XrefRules *rules,
                                GError **error);

/* The same from bytes in memory (tests, fuzzing, `xref match`'s undated
 * records); more than XREF_INGEST_MAX_FILE bytes are refused. */
XrefDocument *xref_ingest_bytes (const char *id, const char *data, gsize len, const XrefMeta *meta,
                                 const XrefRules *rules, GError **error);

/* Reading ahead of the workers of a corpus (ingest-ahead.c): one thread
 * that, while the corpus's files are not in the page cache, starts the
 * reads of the files a window ahead of the workers, so that the disk
 * works while the cores do.  It only asks the kernel to read (it never
 * hands bytes over), so a run finds the same with it or without it. */
typedef enum {
  XREF_READ_AHEAD_AUTO,    /* probe one file in 64 without waiting for the
                              disk (RWF_NOWAIT); read ahead while the
                              probes find files that are not cached */
  XREF_READ_AHEAD_ALWAYS,  /* read ahead of every file (tests) */
  XREF_READ_AHEAD_OFF,
} XrefReadAheadMode;

typedef struct _XrefReadAhead XrefReadAhead;

typedef struct {
  guint probed;            /* files probed for being in the page cache */
  guint missed;            /* probes that found a file not cached */
  guint ahead;             /* files whose reads were started */
} XrefReadAheadCounts;

/* Starts the thread for corpus, read by workers that take file indices
 * from the counter *next (atomic, read only here), keeping only the files
 * i with i % n_shards == shard when n_shards > 1.  NULL (nothing to do)
 * for XREF_READ_AHEAD_OFF, an empty corpus or when no thread can be
 * made.  corpus and next must outlive xref_read_ahead_stop. */
XrefReadAhead *xref_read_ahead_start (const XrefCorpus *corpus, const gint *next, guint shard, guint n_shards,
                                      XrefReadAheadMode mode);
/* Called by a worker that took index i (ra may be NULL): wakes the thread
 * when the workers have used up half its window. */
void xref_read_ahead_taken (XrefReadAhead *ra, guint i);
/* What the thread has done so far (zeros for a NULL ra). */
void xref_read_ahead_counts (XrefReadAhead *ra, XrefReadAheadCounts *counts);
/* Stops and joins the thread, frees ra (NULL is a no-op) and fills
 * counts (may be NULL; zeros for a NULL ra). */
void xref_read_ahead_stop (XrefReadAhead *ra, XrefReadAheadCounts *counts);

G_END_DECLS
