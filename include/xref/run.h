/* xref — a run: the object that owns every stage's output, and the pipeline
 * that fills it (rules → ingest → text → temporal → extract → match).
 * main.c only parses the command line and calls these. */
#pragma once

#include "xref/report.h"

G_BEGIN_DECLS

typedef struct {
  XrefRules *rules;        /* owned */
  GPtrArray *documents;    /* XrefDocument*, owned, corpus order */
  GPtrArray *rows;         /* XrefRow*, owned; NULL until xref_run_match */
  guint n_skipped;         /* files that could not be read (warned about) */

  /* Settings read by xref_run_extract (xref_run_new sets the defaults). */
  guint jobs;              /* worker threads over documents; 0 (default) =
                              the number of processors */
  gboolean slim;           /* drop each document's tokens, sentences,
                              regions and headings once its claims are
                              extracted (the discrepancy report reads only
                              claims, timexes and text); default FALSE */
  gboolean progress;       /* a progress line on stderr when it is a
                              terminal and the run takes over a second */

  guint shard;             /* with n_shards > 1, xref_run_extract keeps only
                              the files whose index in corpus order is
                              shard modulo n_shards (`--shard K/N`) */
  guint n_shards;
  XrefReadAheadMode read_ahead;  /* reading the next files ahead of the
                              workers while they are not in the page
                              cache (xref_read_ahead_start); default
                              XREF_READ_AHEAD_AUTO */
  gboolean count_words;    /* fill n_words (a pass over every document's
                              tokens: only --stats and tests read it);
                              default FALSE, n_words stays 0 */

  /* Filled by xref_run_extract for xref_run_write_jsonl. */
  GHashTable *manifest;    /* document id → XrefMeta*, a reference on the
                              corpus's table, or NULL */
  GHashTable *undated;     /* XrefDocument* set: documents that had no year
                              before the corpus year pass */

  /* Figures of the last xref_run_extract (for `make bench`). */
  guint64 n_bytes;         /* bytes of the documents kept */
  guint64 n_words;         /* WORD and NUMBER tokens of those documents */
  double walk_ms;          /* walking the corpus (one thread, before the
                              documents) */
  double tail_ms;          /* from the first worker thread running out of
                              documents to the last one finishing (with
                              one thread, 0) */
  XrefReadAheadCounts ahead;  /* what the read-ahead thread did */
} XrefRun;

XrefRun *xref_run_new (void);
void xref_run_free (XrefRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XrefRun, xref_run_free)

/* The rule folders to load, in order: the default folder (unless
 * no_defaults; see xref_rules_default_dir), then "<root>/.xref/rules" of
 * every corpus folder in paths that has one, then extra (--rules DIR…, in
 * the order given).  Returns a NULL-terminated array; free with g_strfreev.
 * Fails with XREF_ERROR_RULES when no default folder can be found. */
char **xref_run_rule_dirs (const char *const *paths, const char *const *extra, gboolean no_defaults,
                           GError **error);

/* Loads rules from dirs into run->rules.  FALSE with XREF_ERROR_RULES. */
gboolean xref_run_load_rules (XrefRun *run, const char *const *dirs, GError **error);

/* Walks paths and runs ingest, text, temporal and extract on every article,
 * then the corpus-level date pass.  Unreadable or binary files are warned
 * about and skipped.  FALSE with XREF_ERROR_INPUT only when a path does not
 * exist.  Documents are processed by run->jobs threads; the result (and so
 * every report) is identical whatever the number of threads: documents keep
 * corpus order, and a document's claims depend only on it, the rules and
 * the corpus year pass (run before any document that pass can change is
 * extracted). */
gboolean xref_run_extract (XrefRun *run, const char *const *paths, guint n_paths, GError **error);

/* xref_run_extract on a corpus already walked (xref_corpus_open), which it
 * takes and frees: the walk can then run beside the rules load (main.c).
 * Sets no walk_ms: the caller timed the walk. */
gboolean xref_run_extract_corpus (XrefRun *run, XrefCorpus *corpus, GError **error);

/* `xref extract --format jsonl`: appends to out one line per document of
 * run (after xref_run_extract), handing finished lines to report->flush
 * when it is set (report may be NULL): {"document":…,"claims":[…],
 * "timexes":[…]} with the objects of the JSON report, and for a document that had no year before
 * the corpus year pass ("undated") its file's bytes and manifest entry, so
 * that xref_run_read_jsonl can redo that pass over the whole corpus.  FALSE
 * with XREF_ERROR_INPUT when such a file can no longer be read. */
gboolean xref_run_write_jsonl (XrefRun *run, const XrefReport *report, GString *out, GError **error);

/* `xref match FILE.jsonl…`: reads the documents and claims of jsonl files
 * (any order, any split: they are sorted by document id, as the corpus
 * walk sorts them) into run->documents, redoes the corpus year pass and
 * the extraction of the undated documents, so that xref_run_match and the
 * reports give what one run over the whole corpus gives.  Each document's
 * text holds only the spans its claims show (the rest is blanks).  FALSE
 * with XREF_ERROR_INPUT (file:line: message) on a file that cannot be read
 * or a line that is not such a record. */
gboolean xref_run_read_jsonl (XrefRun *run, const char *const *files, guint n_files, GError **error);

/* Matches the claims of every document into run->rows. */
void xref_run_match (XrefRun *run);

/* Bit set of verdicts (1 << XrefVerdict) parsed from "differ,omit";
 * FALSE on an unknown name. */
gboolean xref_verdicts_parse (const char *list, guint *out, GError **error);

/* Keeps only the rows whose verdict is in the set. */
void xref_run_filter (XrefRun *run, guint verdicts);

/* Number of claims over all documents. */
guint xref_run_n_claims (const XrefRun *run);

/* ---- commands for rule authors (src/run/cmd-rules.c) ------------------- */

/* `xref rules check|test [OPTION…] [DIR…]`: argv as after the word "rules"
 * (argv[0] is "check" or "test").  Prints to stdout and stderr and returns
 * the exit status: 0 ok, 1 an example failed (test), 2 usage or rules
 * error. */
int xref_cmd_rules (int argc, char **argv);

/* Loads dirs (the default rules folder when n_dirs is 0) and appends to out
 * the summary: folders, files read, counts per kind, overrides ("override:
 * entity 'us' (a/entities.yaml:7 → b/us.yaml:2)").  On rule errors appends
 * each "file:line:col: message" to err and returns XREF_EXIT_ERROR. */
int xref_cmd_rules_check (const char *const *dirs, guint n_dirs, GString *out, GString *err);

/* Loads dirs like xref_cmd_rules_check and runs every example of the rules,
 * appending "ok FILE:LINE" (unless quiet) or "FAIL FILE:LINE: expected …,
 * got …" per example, then "rules test: N passed, M failed".  Returns 0
 * when all pass, 1 when one fails, 2 on rule errors (written to err). */
int xref_cmd_rules_test (const char *const *dirs, guint n_dirs, gboolean quiet, GString *out, GString *err);

/* Runs one example through ingest, text, temporal, extract (and match when
 * it expects rows) in memory.  TRUE when it holds; else FALSE with the
 * reason ("expected …, got …") appended to why. */
gboolean xref_cmd_rules_example (const XrefRules *rules, const XrefExample *ex, GString *why);

G_END_DECLS
