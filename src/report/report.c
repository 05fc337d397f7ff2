/* xref — report: the table of formats, and helpers every renderer shares.
 * Renderers decide nothing; they show the records match and extract made. */
#include "report/report-private.h"

#include <string.h>

typedef void (*RenderFunc) (const XrefReport *report, GString *out);

/* The one place where format names meet renderers. */
static const struct {
  XrefFormat format;
  const char *name;
  RenderFunc render;
} formats[] = {
  { XREF_FORMAT_TABLE, "table", xref_render_table },
  { XREF_FORMAT_JSON, "json", xref_render_json },
  { XREF_FORMAT_MARKDOWN, "markdown", xref_render_markdown },
  { XREF_FORMAT_MARKDOWN, "md", xref_render_markdown },
  { XREF_FORMAT_CSV, "csv", xref_render_csv },
  { XREF_FORMAT_HTML, "html", xref_render_html },
};

gboolean
xref_format_parse (const char *name, XrefFormat *out)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (name, formats[i].name) == 0)
      {
        if (out != NULL)
          *out = formats[i].format;
        return TRUE;
      }
  return FALSE;
}

gboolean
xref_render (const XrefReport *report, XrefFormat format, GString *out, GError **error)
{
  g_return_val_if_fail (report != NULL && out != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].format == format)
      {
        formats[i].render (report, out);
        return TRUE;
      }
  g_set_error (error, XREF_ERROR, XREF_ERROR_USAGE, "unknown report format %d", (int) format);
  return FALSE;
}

/* The id up to its first '_' ("000_4d8c….txt" → "000"), else the id. */
static char *
short_label (const char *id)
{
  const char *us = strchr (id, '_');

  if (us == NULL || us == id)
    return g_strdup (id);
  return g_strndup (id, (gsize) (us - id));
}

GHashTable *
xref_report_labels (const XrefReport *report)
{
  GHashTable *labels = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autoptr (GHashTable) uses = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) shorts = g_ptr_array_new_with_free_func (g_free);
  guint n = report->documents != NULL ? report->documents->len : 0;

  /* How many documents each string would name, as a short label or as a
   * whole id... */
  for (guint i = 0; i < n; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      const char *id = doc->id != NULL ? doc->id : "?";
      char *s = short_label (id);

      g_ptr_array_add (shorts, s);
      g_hash_table_insert (uses, s, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (uses, s)) + 1));
      if (strcmp (s, id) != 0)
        g_hash_table_insert (uses, (gpointer) id,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (uses, id)) + 1));
    }
  /* ...and a short label is kept only when it names one document alone. */
  for (guint i = 0; i < n; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      const char *s = g_ptr_array_index (shorts, i);
      gboolean unique = GPOINTER_TO_UINT (g_hash_table_lookup (uses, s)) == 1;

      g_hash_table_insert (labels, (gpointer) doc, g_strdup (unique ? s : (doc->id != NULL ? doc->id : "?")));
    }
  return labels;
}

const char *
xref_report_label (GHashTable *labels, const XrefDocument *doc)
{
  const char *l = labels != NULL ? g_hash_table_lookup (labels, doc) : NULL;

  if (l != NULL)
    return l;
  return doc != NULL && doc->id != NULL ? doc->id : "?";
}

guint
xref_report_n_claims (const XrefReport *report)
{
  guint n = 0;

  if (report->documents == NULL)
    return 0;
  for (guint i = 0; i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      if (doc->claims != NULL)
        n += doc->claims->len;
    }
  return n;
}

void
xref_report_count_verdicts (const XrefReport *report, guint counts[3])
{
  counts[XREF_VERDICT_AGREE] = counts[XREF_VERDICT_DIFFER] = counts[XREF_VERDICT_OMIT] = 0;
  if (report->rows == NULL)
    return;
  for (guint i = 0; i < report->rows->len; i++)
    {
      const XrefRow *row = g_ptr_array_index (report->rows, i);
      if ((guint) row->verdict < 3)
        counts[row->verdict]++;
    }
}

const XrefSource *
xref_report_source (const XrefRow *row, const XrefDocument *doc, guint index)
{
  guint n = row->sources != NULL ? row->sources->len : 0;

  /* Sources come one per document in corpus order, so index hits at
   * once; the scan only guards against a row that breaks the rule. */
  if (index < n && g_array_index (row->sources, XrefSource, index).doc == doc)
    return &g_array_index (row->sources, XrefSource, index);
  for (guint k = 0; k < n; k++)
    if (g_array_index (row->sources, XrefSource, k).doc == doc)
      return &g_array_index (row->sources, XrefSource, k);
  return NULL;
}

char *
xref_report_row_topic (const XrefRow *row)
{
  g_autoptr (GString) actions = NULL;

  if (row->actions == NULL || row->actions->len < 2)
    return xref_report_topic (row->actor, row->action, row->object);
  actions = g_string_new (NULL);
  for (guint i = 0; i < row->actions->len; i++)
    g_string_append_printf (actions, "%s%s", i > 0 ? "+" : "", (const char *) g_ptr_array_index (row->actions, i));
  return xref_report_topic (row->actor, actions->str, row->object);
}

char *
xref_report_verdict (const XrefRow *row)
{
  if (row->qualifier != NULL)
    return g_strdup_printf ("%s (%s)", xref_verdict_name (row->verdict), row->qualifier);
  return g_strdup (xref_verdict_name (row->verdict));
}

char *
xref_report_topic (const char *actor, const char *action, const char *object)
{
  if (object != NULL)
    return g_strdup_printf ("%s · %s · %s", actor != NULL ? actor : "?", action != NULL ? action : "?", object);
  return g_strdup_printf ("%s · %s", actor != NULL ? actor : "?", action != NULL ? action : "?");
}

GHashTable *
xref_report_doc_index (const XrefReport *report)
{
  GHashTable *index = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      gpointer doc = g_ptr_array_index (report->documents, i);

      /* one document twice in the corpus: xref_report_source would give
       * its source to both columns, which a cursor cannot; NULL makes
       * every row take the slow path */
      if (!g_hash_table_insert (index, doc, GUINT_TO_POINTER (i + 1)))
        {
          g_hash_table_unref (index);
          return NULL;
        }
    }
  return index;
}

gboolean
xref_report_sources_ordered (const XrefReport *report, const XrefRow *row, GHashTable *index)
{
  guint last = 0;

  if (index == NULL)
    return FALSE;
  for (guint k = 0; row->sources != NULL && k < row->sources->len; k++)
    {
      guint at = xref_report_doc_at (report, index, g_array_index (row->sources, XrefSource, k).doc, last);

      if (at <= last)
        return FALSE;
      last = at;
    }
  return TRUE;
}

void
xref_report_columns_init (XrefReportColumns *it, const XrefReport *report, GHashTable *index, const XrefRow *row)
{
  it->report = report;
  it->index = index;
  it->row = row;
  it->ordered = xref_report_sources_ordered (report, row, index);
  it->n_docs = report->documents != NULL ? report->documents->len : 0;
  it->d = 0;
  it->k = 0;
}

gboolean
xref_report_columns_next (XrefReportColumns *it, guint *gap, guint *col, const XrefSource **src)
{
  const XrefRow *row = it->row;
  guint from = it->d;

  if (it->ordered)
    {
      if (row->sources == NULL || it->k >= row->sources->len)
        {
          it->d = it->n_docs;
          *gap = it->n_docs - from;
          return FALSE;
        }
      *src = &g_array_index (row->sources, XrefSource, it->k++);
      *col = xref_report_doc_at (it->report, it->index, (*src)->doc, from) - 1;
      *gap = *col - from;
      it->d = *col + 1;
      return TRUE;
    }
  for (guint d = from; d < it->n_docs; d++)
    {
      const XrefSource *s = xref_report_source (row, g_ptr_array_index (it->report->documents, d), d);

      if (s != NULL)
        {
          *src = s;
          *col = d;
          *gap = d - from;
          it->d = d + 1;
          return TRUE;
        }
    }
  it->d = it->n_docs;
  *gap = it->n_docs - from;
  return FALSE;
}

void
xref_report_by_doc_init (XrefReportByDoc *by, const XrefReport *report)
{
  GHashTable *index = xref_report_doc_index (report);
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  guint n_rows = report->rows != NULL ? report->rows->len : 0;
  g_autofree gboolean *ordered = g_new (gboolean, MAX (n_rows, 1));
  g_autofree guint *fill = g_new0 (guint, n_docs + 1);
  gsize total = 0;

  by->n_docs = n_docs;
  by->first = g_new0 (guint, n_docs + 1);
  /* Two passes over the rows: count the entries of each document, then
   * place them; rows in order, so each document's list is in row order. */
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < n_rows; i++)
        {
          const XrefRow *row = g_ptr_array_index (report->rows, i);
          guint n = row->sources != NULL ? row->sources->len : 0;

          if (pass == 0)
            ordered[i] = xref_report_sources_ordered (report, row, index);
          if (ordered[i])
            for (guint k = 0; k < n; k++)
              {
                const XrefSource *s = &g_array_index (row->sources, XrefSource, k);
                guint d = xref_report_doc_at (report, index, s->doc, k) - 1;

                if (pass == 0)
                  by->first[d + 1]++;
                else
                  by->entries[fill[d]++] = (XrefReportDocEntry) { i, s };
              }
          else
            /* a row out of the usual order: column by column, as asked */
            for (guint d = 0; d < n_docs; d++)
              {
                const XrefSource *s = xref_report_source (row, g_ptr_array_index (report->documents, d), d);

                if (s == NULL)
                  continue;
                if (pass == 0)
                  by->first[d + 1]++;
                else
                  by->entries[fill[d]++] = (XrefReportDocEntry) { i, s };
              }
        }
      if (pass == 0)
        {
          for (guint d = 0; d < n_docs; d++)
            by->first[d + 1] += by->first[d];
          total = by->first[n_docs];
          memcpy (fill, by->first, sizeof (guint) * (n_docs + 1));
          by->entries = g_new (XrefReportDocEntry, MAX (total, 1));
        }
    }
  if (index != NULL)
    g_hash_table_unref (index);
}

void
xref_report_by_doc_clear (XrefReportByDoc *by)
{
  g_clear_pointer (&by->first, g_free);
  g_clear_pointer (&by->entries, g_free);
  by->n_docs = 0;
}

void
xref_report_repeat (GString *out, const char *s, gsize len, gsize n)
{
  char *w, *start;
  gsize total = len * n, have;

  if (total == 0)
    return;
  start = w = xref_report_room (out, total);
  memcpy (w, s, len);
  /* doubling: copy what is written so far after itself */
  for (have = len; have < total; have *= 2)
    memcpy (w + have, w, MIN (have, total - have));
  xref_report_done (out, start + total);
}

void
xref_report_maybe_flush (const XrefReport *report, GString *out)
{
  if (report->flush != NULL && out->len >= (1u << 20))
    {
      report->flush (out->str, out->len, report->flush_data);
      g_string_truncate (out, 0);
    }
}

/* ---- parts on several threads (xref_report_run_parts) ------------------- */

typedef struct {
  guint n_parts;
  XrefReportPartRender render;
  gpointer data;
  gpointer (*state_new) (gpointer data);
  GDestroyNotify state_free;
  guint n_slots;           /* parts in flight at most */
  GMutex lock;
  GCond cond;              /* a part is ready, or a slot was freed */
  guint n_waiting;         /* threads in g_cond_wait on cond (glib's
                              broadcast is a system call even when no
                              thread waits: 26,000 of them at 100 MB) */
  guint next;              /* the next part to render */
  guint emitted;           /* parts handed out so far */
  GString **slot;          /* part i is rendered into slot[i % n_slots] */
  gboolean *ready;
} PartPool;

/* Waits on the pool's condition; pool->lock is held. */
static void
pool_wait (PartPool *pool)
{
  pool->n_waiting++;
  g_cond_wait (&pool->cond, &pool->lock);
  pool->n_waiting--;
}

/* Wakes the threads waiting on the pool's condition, if any; pool->lock
 * is held, so a thread that has not yet waited will see the change
 * before it waits. */
static void
pool_wake (PartPool *pool)
{
  if (pool->n_waiting > 0)
    g_cond_broadcast (&pool->cond);
}

/* Takes the next part whose slot is free, renders it, marks it ready. */
static gpointer
part_worker (gpointer data)
{
  PartPool *pool = data;
  gpointer state = pool->state_new != NULL ? pool->state_new (pool->data) : NULL;

  g_mutex_lock (&pool->lock);
  for (;;)
    {
      guint i;

      while (pool->next < pool->n_parts && pool->next >= pool->emitted + pool->n_slots)
        pool_wait (pool);
      if (pool->next >= pool->n_parts)
        break;
      i = pool->next++;
      g_mutex_unlock (&pool->lock);

      /* part i - n_slots was handed out, so the slot is this worker's */
      pool->render (pool->slot[i % pool->n_slots], i, pool->data, state);

      g_mutex_lock (&pool->lock);
      pool->ready[i % pool->n_slots] = TRUE;
      pool_wake (pool);
    }
  g_mutex_unlock (&pool->lock);
  if (state != NULL && pool->state_free != NULL)
    pool->state_free (state);
  return NULL;
}

void
xref_report_run_parts (const XrefReport *report, guint n_parts, guint n_threads, XrefReportPartRender render,
                       gpointer data, gpointer (*state_new) (gpointer data), GDestroyNotify state_free,
                       GString *out)
{
  PartPool pool = { 0 };
  GThread **threads;
  gpointer state = NULL;   /* the calling thread's, made if it renders */

  if (n_threads == 0)
    n_threads = report->jobs > 0 ? report->jobs : g_get_num_processors ();
  n_threads = MIN (n_threads, n_parts);
  if (n_threads <= 1)
    {
      state = state_new != NULL ? state_new (data) : NULL;
      for (guint i = 0; i < n_parts; i++)
        {
          render (out, i, data, state);
          xref_report_maybe_flush (report, out);
        }
      if (state != NULL && state_free != NULL)
        state_free (state);
      return;
    }

  pool.n_parts = n_parts;
  pool.render = render;
  pool.data = data;
  pool.state_new = state_new;
  pool.state_free = state_free;
  pool.n_slots = 2 * n_threads + 2;
  pool.slot = g_new0 (GString *, pool.n_slots);
  pool.ready = g_new0 (gboolean, pool.n_slots);
  for (guint s = 0; s < pool.n_slots; s++)
    pool.slot[s] = g_string_sized_new (1u << 16);
  g_mutex_init (&pool.lock);
  g_cond_init (&pool.cond);
  /* n_threads - 1 workers: this thread is the last renderer */
  threads = g_new0 (GThread *, n_threads);
  for (guint t = 1; t < n_threads; t++)
    threads[t] = g_thread_new ("xref-render", part_worker, &pool);

  /* This thread hands the parts out in order as they become ready, and
   * while the next one is not ready renders the next part not taken
   * (when its slot is free) instead of waiting: so n_threads threads
   * render, with one thread fewer to start (each new thread costs its
   * thread-local storage, megabytes here, zeroed), and when the workers
   * are slowed down (the JSON's claims are written while match runs) no
   * core idles once the others are done. */
  for (guint i = 0; i < pool.n_parts; i++)
    {
      GString *buf = pool.slot[i % pool.n_slots];

      g_mutex_lock (&pool.lock);
      while (!pool.ready[i % pool.n_slots])
        {
          if (pool.next < pool.n_parts && pool.next < pool.emitted + pool.n_slots)
            {
              guint j = pool.next++;

              g_mutex_unlock (&pool.lock);
              if (state == NULL && state_new != NULL)
                state = state_new (data);
              render (pool.slot[j % pool.n_slots], j, data, state);
              g_mutex_lock (&pool.lock);
              pool.ready[j % pool.n_slots] = TRUE;
              pool_wake (&pool);
              continue;
            }
          pool_wait (&pool);
        }
      g_mutex_unlock (&pool.lock);

      /* gathered in out and handed to flush by the MB: parts may be
       * small, and each flush is a write; a part of 64 KB or more (most:
       * they are cut at a few hundred KB) is handed over from its slot,
       * not copied into out first (a copy of the whole report, some
       * 950 MB of JSON for a corpus of 100 MB) */
      if (report->flush != NULL && out->len > 0
          && (out->len + buf->len >= (1u << 20) || buf->len >= (1u << 16)))
        {
          report->flush (out->str, out->len, report->flush_data);
          g_string_truncate (out, 0);
        }
      if (report->flush != NULL && buf->len >= (1u << 16))
        report->flush (buf->str, buf->len, report->flush_data);
      else
        xref_report_put (out, buf->str, buf->len);
      g_string_truncate (buf, 0);

      g_mutex_lock (&pool.lock);
      pool.ready[i % pool.n_slots] = FALSE;
      pool.emitted++;
      pool_wake (&pool);
      g_mutex_unlock (&pool.lock);
    }

  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
  g_free (threads);
  if (state != NULL && state_free != NULL)
    state_free (state);
  for (guint s = 0; s < pool.n_slots; s++)
    g_string_free (pool.slot[s], TRUE);
  g_free (pool.slot);
  g_free (pool.ready);
  g_mutex_clear (&pool.lock);
  g_cond_clear (&pool.cond);
}

/* Records [from, to) as parts: part i is [bounds[i], bounds[i + 1]), or
 * per_part records from i * per_part when bounds is NULL. */
typedef struct {
  guint n, per_part;
  const guint *bounds;
  XrefReportPartFunc render;
  gpointer data;
} Ranges;

static void
render_range (GString *out, guint i, gpointer data, gpointer state)
{
  const Ranges *r = data;

  if (r->bounds != NULL)
    r->render (out, r->bounds[i], r->bounds[i + 1], r->data);
  else
    r->render (out, i * r->per_part, MIN ((i + 1) * r->per_part, r->n), r->data);
}

void
xref_report_render_parts (const XrefReport *report, guint n, guint per_part, XrefReportPartFunc render,
                          gpointer data, GString *out)
{
  Ranges r = { n, MAX (per_part, 1u), NULL, render, data };

  xref_report_run_parts (report, n / r.per_part + (n % r.per_part != 0), 0, render_range, &r, NULL, NULL, out);
}

void
xref_report_render_row_parts (const XrefReport *report, guint per_part, XrefReportPartFunc render,
                              gpointer data, GString *out)
{
  guint n = report->rows != NULL ? report->rows->len : 0;
  g_autoptr (GArray) bounds = g_array_new (FALSE, FALSE, sizeof (guint));
  guint rows = 0, weight = 0;
  Ranges r = { n, MAX (per_part, 1u), NULL, render, data };

  g_array_append_val (bounds, rows);
  for (guint i = 0; i < n; i++)
    {
      const XrefRow *row = g_ptr_array_index (report->rows, i);

      rows++;
      weight += 1 + (row->sources != NULL ? row->sources->len : 0) + (row->voices != NULL ? row->voices->len : 0);
      if (rows == r.per_part || weight >= XREF_REPORT_PART_SOURCES || i + 1 == n)
        {
          guint end = i + 1;
          g_array_append_val (bounds, end);
          rows = weight = 0;
        }
    }
  r.bounds = (const guint *) (gconstpointer) bounds->data;
  xref_report_run_parts (report, bounds->len - 1, 0, render_range, &r, NULL, NULL, out);
}
