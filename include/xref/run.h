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
 * exist. */
gboolean xref_run_extract (XrefRun *run, const char *const *paths, guint n_paths, GError **error);

/* Matches the claims of every document into run->rows. */
void xref_run_match (XrefRun *run);

/* Bit set of verdicts (1 << XrefVerdict) parsed from "differ,omit";
 * FALSE on an unknown name. */
gboolean xref_verdicts_parse (const char *list, guint *out, GError **error);

/* Keeps only the rows whose verdict is in the set. */
void xref_run_filter (XrefRun *run, guint verdicts);

/* Number of claims over all documents. */
guint xref_run_n_claims (const XrefRun *run);

G_END_DECLS
