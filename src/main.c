/* xref — command line.  Parses options, calls the pipeline (run.c), picks a
 * renderer, writes the report.  Decides nothing else. */
#include "xref/run.h"

#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

typedef struct {
  char *format;
  char *output;
  char **rules;
  gboolean no_default_rules;
  char *only;
  char *explain;
  char *fail_on;
  char *color;
  gint width;
  gboolean version;
  gint jobs;
  char *shard;
  gboolean stats;
  char **paths;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->format);
  g_free (o->output);
  g_strfreev (o->rules);
  g_free (o->only);
  g_free (o->explain);
  g_free (o->shard);
  g_free (o->fail_on);
  g_free (o->color);
  g_strfreev (o->paths);
}

static const char summary[] =
  "Cross-references news articles about one story: extracts claims (actor,\n"
  "action, object, date, slots, polarity, modality, speaker) and shows where\n"
  "the sources agree, differ, or omit a detail.\n"
  "\n"
  "Commands:\n"
  "  xref [OPTION…] PATH…          the discrepancy table of the articles in PATH\n"
  "  xref extract [OPTION…] PATH…  the claims of each article, without matching\n"
  "  xref match [OPTION…] FILE…    the table from `xref extract --format jsonl` files\n"
  "  xref rules check [DIR…]        validate rule folders and summarise them\n"
  "  xref rules test [DIR…]         run the examples embedded in rule files";

static const char description[] =
  "Formats: table (default), json, md, csv, html; xref extract also jsonl\n"
  "(one line per document; see README \"Sharded runs\").\n"
  "\n"
  "Rules are read from the default folder ($XREF_RULES, else rules/ beside\n"
  "the xref binary, else " XREF_DATADIR "/rules), then from PATH/.xref/rules\n"
  "of each corpus folder, then from every --rules DIR in order; later rules\n"
  "add to and override earlier ones by id.\n"
  "\n"
  "Exit status:\n"
  "  0  success\n"
  "  1  rows with a verdict named by --fail-on were found\n"
  "  2  usage, rules or input error\n"
  "\n"
  "See xref(1) and rules/README.md.";

static double peak_rss_mb (void);

/* Match, then --fail-on and --only: on the main thread, or on a thread
 * of its own while the JSON's documents and claims are written. */
typedef struct {
  XrefRun *run;
  guint fail_on;
  guint only;
  gboolean stats;
  GThread *thread;         /* NULL when not started or joined */
  gboolean differ;         /* a row has a --fail-on verdict */
  gint64 t_end;            /* when match ended (for --stats) */
  double hwm;              /* peak RSS then (for --stats) */
} MatchJob;

static void
match_step (MatchJob *job)
{
  xref_run_match (job->run);
  for (guint i = 0; job->fail_on != 0 && i < job->run->rows->len; i++)
    {
      const XrefRow *row = g_ptr_array_index (job->run->rows, i);
      if (job->fail_on & (1u << row->verdict))
        job->differ = TRUE;
    }
  if (job->only != 0)
    xref_run_filter (job->run, job->only);
  job->t_end = g_get_monotonic_time ();
  if (job->stats)
    job->hwm = peak_rss_mb ();
}

static gpointer
match_thread (gpointer data)
{
  match_step (data);
  return NULL;
}

/* XrefReport.rows_later: waits for the match thread (if any) to end. */
static GPtrArray *
match_wait (gpointer data)
{
  MatchJob *job = data;

  if (job->thread != NULL)
    g_thread_join (g_steal_pointer (&job->thread));
  return job->run->rows;
}

/* The corpus walk, on a thread of its own while the main thread loads the
 * rules (neither needs the other): its warnings are held back and written
 * after the rules' own, as a run on one thread would order them, and
 * dropped when the rules fail to load (the walk was never reached). */
typedef struct {
  const char *const *paths;
  guint n_paths;
  GThread *thread;
  XrefCorpus *corpus;      /* NULL on error */
  GError *error;
  GString *warnings;
  double ms;
} WalkJob;

static gpointer
walk_thread (gpointer data)
{
  WalkJob *job = data;
  gint64 t0 = g_get_monotonic_time ();

  xref_warn_hold (job->warnings);
  job->corpus = xref_corpus_open (job->paths, job->n_paths, &job->error);
  xref_warn_hold (NULL);
  job->ms = (g_get_monotonic_time () - t0) / 1e3;
  return NULL;
}

/* Joins the walk; with rules_ok, writes its warnings and hands over its
 * corpus (NULL with *error set when the walk failed); else frees it. */
static XrefCorpus *
walk_finish (WalkJob *job, gboolean rules_ok, GError **error)
{
  XrefCorpus *corpus;

  g_thread_join (g_steal_pointer (&job->thread));
  corpus = g_steal_pointer (&job->corpus);
  if (rules_ok)
    {
      xref_warn_write (job->warnings);
      if (corpus == NULL)
        g_propagate_error (error, g_steal_pointer (&job->error));
    }
  else
    g_clear_pointer (&corpus, xref_corpus_free);
  g_clear_error (&job->error);
  g_string_free (g_steal_pointer (&job->warnings), TRUE);
  return corpus;
}

/* The run of a successful invocation, not freed at exit (see main). */
static XrefRun *volatile finished_run;   /* volatile: the store must stay */

/* The peak resident set so far (VmHWM) in MB, for --stats; 0 where
 * /proc is not there. */
static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *hwm;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (hwm = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtod (hwm + 6, NULL) / 1024.0;
}

static guint
terminal_width (void)
{
  struct winsize ws;
  const char *cols = g_getenv ("COLUMNS");

  if (cols != NULL && atoi (cols) > 20)
    return (guint) atoi (cols);
  if (isatty (STDOUT_FILENO) && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
    return ws.ws_col;
  return 100;
}

static gboolean
want_color (const char *mode, const char *output, GError **error)
{
  if (mode == NULL || strcmp (mode, "auto") == 0)
    {
      const char *no_color = g_getenv ("NO_COLOR");
      /* https://no-color.org: any non-empty NO_COLOR disables colour. */
      if (no_color != NULL && *no_color != '\0')
        return FALSE;
      return (output == NULL || strcmp (output, "-") == 0) && isatty (STDOUT_FILENO)
             && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
    }
  if (strcmp (mode, "always") == 0)
    return TRUE;
  if (strcmp (mode, "never") == 0)
    return FALSE;
  g_set_error (error, XREF_ERROR, XREF_ERROR_USAGE, "unknown colour mode '%s' (expected auto, always or never)", mode);
  return FALSE;
}

/* Streams finished output to the output file (XrefReport.flush). */
static void
flush_output (const char *data, gsize len, gpointer user_data)
{
  xref_output_write (user_data, data, len);
}

static int
fail (const GError *error)
{
  fprintf (stderr, "xref: error: %s\n", error->message);
  return XREF_EXIT_ERROR;
}

int
main (int argc, char **argv)
{
  Options o = { 0 };
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (XrefRun) run = NULL;
  g_autoptr (GString) out = NULL;
  g_auto (GStrv) rule_dirs = NULL;
  gboolean extract = FALSE, match = FALSE, jsonl = FALSE;
  guint shard = 0, n_shards = 1;
  XrefFormat format = XREF_FORMAT_TABLE;
  guint only = 0, fail_on = 0;
  XrefReport report = { 0 };
  int status = XREF_EXIT_OK;
  gint64 t_start, t_rules = 0, t_extract = 0, t_render = 0;
  WalkJob walk = { 0 };
  XrefCorpus *corpus = NULL;
  gboolean rules_ok;
  double hwm_extract = 0;
  MatchJob match_job = { 0 };
  XrefOutput *output = NULL;

#ifdef __GLIBC__
  /* glibc gives each worker thread a heap of its own (up to 64 MB) and
   * makes it writable a few pages at a time as it fills, one mprotect
   * call each: about 6,000 calls on the 10 MB corpus with two threads,
   * 1 % of the 100 MB run's CPU.  A top pad of 64 MB makes each such heap
   * writable whole when it is created (and the main heap grow in 64 MB
   * steps of brk).  Address space only: a page costs memory when it is
   * first written, as before. */
  mallopt (M_TOP_PAD, 64 << 20);
#endif

  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &o.format, "Output format: table, json, md, csv, html", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, "Write the report to FILE (atomically)", "FILE" },
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &o.rules, "Also load rules from DIR (repeatable)", "DIR" },
    { "no-default-rules", 0, 0, G_OPTION_ARG_NONE, &o.no_default_rules, "Do not load the default rules", NULL },
    { "only", 0, 0, G_OPTION_ARG_STRING, &o.only, "Show only rows with these verdicts", "agree,differ,omit" },
    { "fail-on", 0, 0, G_OPTION_ARG_STRING, &o.fail_on, "Exit with status 1 if a row has one of these verdicts",
      "VERDICTS" },
    { "explain", 0, 0, G_OPTION_ARG_STRING, &o.explain, "Explain one row in words: claims, rules, dates",
      "ROW-ID" },
    { "color", 0, 0, G_OPTION_ARG_STRING, &o.color, "Colour the table: auto, always, never", "WHEN" },
    { "width", 'w', 0, G_OPTION_ARG_INT, &o.width, "Table width in columns (default: the terminal's)", "N" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs, "Worker threads (default: the number of processors)", "N" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &o.shard, "xref extract: only the files K, K+N, K+2N… of the corpus",
      "K/N" },
    { "stats", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &o.stats, "Print figures for the benchmark on stderr",
      NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &o.version, "Print the version and exit", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.paths, NULL, "PATH…" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };

  setlocale (LC_ALL, "");

  /* Commands with options of their own. */
  if (argc > 1 && strcmp (argv[1], "rules") == 0)
    return xref_cmd_rules (argc - 2, argv + 2);

  ctx = g_option_context_new ("[extract|match] PATH…");
  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx, description);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "xref: error: %s (see xref --help)\n", error->message);
      options_clear (&o);
      return XREF_EXIT_ERROR;
    }

  if (o.version)
    {
      printf ("xref %s\n", XREF_VERSION);
      options_clear (&o);
      return XREF_EXIT_OK;
    }

  if (o.paths != NULL && o.paths[0] != NULL && strcmp (o.paths[0], "extract") == 0)
    {
      char **rest = g_strdupv (o.paths + 1);
      extract = TRUE;
      g_strfreev (o.paths);
      o.paths = rest;
    }
  else if (o.paths != NULL && o.paths[0] != NULL && strcmp (o.paths[0], "match") == 0)
    {
      char **rest = g_strdupv (o.paths + 1);
      match = TRUE;
      g_strfreev (o.paths);
      o.paths = rest;
    }
  /* jsonl: one line per document, the map step of a sharded run. */
  if (extract && g_strcmp0 (o.format, "jsonl") == 0)
    {
      jsonl = TRUE;
      g_clear_pointer (&o.format, g_free);
    }
  if (o.shard != NULL)
    {
      char *end = NULL;
      guint64 k = g_ascii_strtoull (o.shard, &end, 10), n = 0;
      if (end != NULL && *end == '/' && end != o.shard)
        n = g_ascii_strtoull (end + 1, &end, 10);
      if (!extract || end == NULL || *end != '\0' || n == 0 || n > G_MAXUINT || k >= n)
        {
          fprintf (stderr, "xref: error: --shard takes K/N with 0 <= K < N, with xref extract (see xref --help)\n");
          options_clear (&o);
          return XREF_EXIT_ERROR;
        }
      shard = (guint) k;
      n_shards = (guint) n;
    }
  if (o.paths == NULL || o.paths[0] == NULL)
    {
      fprintf (stderr, "xref: error: no corpus given (usage: xref [extract] [OPTION…] PATH…; see xref --help)\n");
      options_clear (&o);
      return XREF_EXIT_ERROR;
    }

  if ((o.format != NULL && !xref_format_parse (o.format, &format)))
    {
      fprintf (stderr, "xref: error: unknown format '%s' (expected table, json, md, csv or html)\n", o.format);
      options_clear (&o);
      return XREF_EXIT_ERROR;
    }
  if ((o.only != NULL && !xref_verdicts_parse (o.only, &only, &error))
      || (o.fail_on != NULL && !xref_verdicts_parse (o.fail_on, &fail_on, &error)))
    {
      status = fail (error);
      options_clear (&o);
      return status;
    }
  report.color = want_color (o.color, o.output, &error);
  if (error != NULL)
    {
      status = fail (error);
      options_clear (&o);
      return status;
    }

  if (o.jobs < 0)
    {
      fprintf (stderr, "xref: error: --jobs must be 0 or more (see xref --help)\n");
      options_clear (&o);
      return XREF_EXIT_ERROR;
    }
  t_start = g_get_monotonic_time ();
  run = xref_run_new ();
  run->jobs = (guint) o.jobs;
  run->slim = !extract || jsonl;
  run->count_words = o.stats;
  run->progress = isatty (STDERR_FILENO);
  run->shard = shard;
  run->n_shards = n_shards;
  rule_dirs = xref_run_rule_dirs ((const char *const *) o.paths, (const char *const *) o.rules,
                                  o.no_default_rules, &error);
  if (rule_dirs != NULL && !match)
    {
      walk.paths = (const char *const *) o.paths;
      walk.n_paths = g_strv_length (o.paths);
      walk.warnings = g_string_new (NULL);
      walk.thread = g_thread_new ("xref-walk", walk_thread, &walk);
    }
  rules_ok = rule_dirs != NULL && xref_run_load_rules (run, (const char *const *) rule_dirs, &error);
  t_rules = g_get_monotonic_time ();
  if (walk.thread != NULL)
    {
      corpus = walk_finish (&walk, rules_ok, &error);
      run->walk_ms = walk.ms;
    }
  if (!rules_ok
      || !(match ? xref_run_read_jsonl (run, (const char *const *) o.paths, g_strv_length (o.paths), &error)
                 : corpus != NULL && xref_run_extract_corpus (run, g_steal_pointer (&corpus), &error)))
    {
      status = fail (error);
      options_clear (&o);
      return status;
    }

  t_extract = g_get_monotonic_time ();
  if (o.stats)
    hwm_extract = peak_rss_mb ();
  match_job.run = run;
  match_job.fail_on = fail_on;
  match_job.only = only;
  match_job.stats = o.stats;
  report.jobs = (guint) o.jobs;
  report.rules = run->rules;
  report.documents = run->documents;
  report.extract = extract;
  report.width = o.width > 20 ? (guint) o.width : terminal_width ();

  /* The report is streamed to its file (a temporary file beside it,
   * renamed over it at the end, or stdout): the JSON of a large corpus is
   * several times its size. */
  output = xref_output_open (o.output != NULL ? o.output : "-", &error);
  if (output == NULL)
    {
      status = fail (error);
      options_clear (&o);
      return status;
    }
  if (!extract && format == XREF_FORMAT_JSON && o.explain == NULL && o.jobs != 1)
    {
      /* The JSON's documents and claims do not depend on the rows: they
       * are written while match runs on a thread of its own. */
      match_job.thread = g_thread_new ("xref-match", match_thread, &match_job);
      report.rows_later = match_wait;
      report.rows_later_data = &match_job;
    }
  else
    {
      if (!extract)
        match_step (&match_job);
      report.rows = run->rows;
    }
  report.flush = flush_output;
  report.flush_data = output;
  out = g_string_sized_new (65536);
  if (jsonl ? !xref_run_write_jsonl (run, &report, out, &error)
      : o.explain != NULL && !extract ? !xref_render_explain (&report, o.explain, out, &error)
                                      : !xref_render (&report, format, out, &error))
    {
      match_wait (&match_job);
      xref_output_abort (output);
      status = fail (error);
      options_clear (&o);
      return status;
    }
  match_wait (&match_job);   /* (when the renderer did not ask) */
  xref_output_write (output, out->str, out->len);
  if (!xref_output_commit (output, &error))
    {
      status = fail (error);
      options_clear (&o);
      return status;
    }
  t_render = g_get_monotonic_time ();
  if (match_job.differ)
    status = XREF_EXIT_DIFFER;

  if (o.stats)
    fprintf (stderr, "xref: stats: documents %u claims %u rows %u words %" G_GUINT64_FORMAT " bytes %" G_GUINT64_FORMAT
             " rules_ms %.1f total_ms %.1f extract_ms %.1f match_ms %.1f render_ms %.1f"
             " peak_mb_extract %.0f peak_mb_match %.0f peak_mb %.0f walk_ms %.1f tail_ms %.1f"
             " ahead_probed %u ahead_missed %u ahead_files %u\n",
             run->documents->len, xref_run_n_claims (run), run->rows != NULL ? run->rows->len : 0, run->n_words,
             run->n_bytes, (t_rules - t_start) / 1e3, (g_get_monotonic_time () - t_start) / 1e3,
             (t_extract - t_rules) / 1e3, (match_job.t_end - t_extract) / 1e3, (t_render - match_job.t_end) / 1e3,
             hwm_extract, match_job.hwm, peak_rss_mb (), run->walk_ms, run->tail_ms, run->ahead.probed,
             run->ahead.missed, run->ahead.ahead);
  /* The report is out.  Freeing a large run claim by claim costs as much
   * as rendering it (0.4 s for a 100 MB corpus), and the system takes the
   * memory back at once, so the run is kept, still reachable, in
   * finished_run.  XREF_FREE_AT_EXIT (set by make valgrind) frees it, so
   * that leak checkers see every free path of a real run. */
  if (g_getenv ("XREF_FREE_AT_EXIT") == NULL)
    finished_run = g_steal_pointer (&run);
  options_clear (&o);
  return status;
}
