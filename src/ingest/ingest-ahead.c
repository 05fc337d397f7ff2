/* xref — ingest: reading ahead of the workers when the corpus is not in
 * the page cache.
 *
 * Workers read each article with one blocking read.  When the file's
 * pages are cached that read is a copy of a few microseconds; when they
 * are not, the worker waits for the disk with its core idle, one request
 * at a time: a 100 MB corpus of 4 KB files took 5.5 s from a cold cache
 * against 2.6 s warm on the bench machine, the reads adding to the work
 * instead of overlapping it (`cat` of those files, one at a time: 3.1 s;
 * 32 at a time: 1.0 s).
 *
 * One thread keeps the next files' reads in flight: it opens each file a
 * window ahead of the workers' position and asks the kernel to start
 * reading it (posix_fadvise POSIX_FADV_WILLNEED, which queues the reads
 * and returns), so by the time a worker reads the file, its pages are on
 * their way or there.
 *
 * It costs nothing where it is not needed.  Whether the cache is cold is
 * asked, not guessed: a one-byte preadv2 with RWF_NOWAIT returns EAGAIN
 * when the byte is not in the page cache, without waiting for the disk.
 * While the files are found cached, the thread probes one file in
 * SAMPLE_EVERY, just ahead of the workers, and touches no other (on a
 * warm corpus: one open, one read of a byte and one close per 64 files).
 * Once a probe misses, it reads ahead every file; after WARM_RUN files in a
 * row found cached it goes back to sampling.  It never reads a file's
 * bytes for the workers, so nothing it does (or fails to do: a file it
 * cannot open is the worker's to report) changes what a run finds. */
#include "ingest-private.h"

#include <errno.h>
#include <fcntl.h>   /* posix_fadvise */
#include <sys/uio.h>
#include <unistd.h>

/* Files kept in flight ahead of the workers while reading ahead (a
 * virtio disk here reads 4 KB files about three times faster 32 at a
 * time than one by one; a window of twice that keeps the queue full while
 * the workers take half of it). */
#define WINDOW 64
/* While sampling: the window (probes are a window's worth apart at most)
 * and one file probed in this many. */
#define SAMPLE_WINDOW 256
#define SAMPLE_EVERY 64
/* Files found cached in a row after which reading ahead stops. */
#define WARM_RUN 128

struct _XrefReadAhead {
  const XrefCorpus *corpus;
  const gint *next;        /* the workers' counter: the next index to take */
  guint n;                 /* files */
  guint shard;             /* only the files i with i % n_shards == shard */
  guint n_shards;
  XrefReadAheadMode mode;

  GThread *thread;
  GMutex lock;
  GCond wake;
  gint wake_at;            /* atomic: a worker taking an index at or past
                              this wakes the thread (G_MAXINT: none) */
  gint stop;               /* atomic, set under lock: the workers are done */

  /* counts (atomic: written by the thread, read by xref_read_ahead_counts) */
  gint probed;
  gint missed;
  gint ahead;
};

typedef enum {
  PROBE_CACHED,
  PROBE_COLD,
  PROBE_UNKNOWN,           /* not a file, unreadable, or no RWF_NOWAIT */
} Probe;

/* Whether the first byte of fd is in the page cache, asked without
 * waiting for the disk. */
static Probe
probe (int fd)
{
  char byte;
  struct iovec iov = { &byte, 1 };
  ssize_t r;

  while ((r = preadv2 (fd, &iov, 1, 0, RWF_NOWAIT)) < 0 && errno == EINTR)
    ;
  if (r >= 0)
    return PROBE_CACHED;
  return errno == EAGAIN ? PROBE_COLD : PROBE_UNKNOWN;
}

/* Starts the reads of the whole of fd's file.  (A probe that misses
 * already starts the kernel's first readahead window of the file; a file
 * longer than that window would otherwise be read in two waits.) */
static void
start_reads (int fd)
{
  (void) posix_fadvise (fd, 0, 0, POSIX_FADV_WILLNEED);
}

static gpointer
ahead_thread (gpointer data)
{
  XrefReadAhead *ra = data;
  gboolean reading = ra->mode == XREF_READ_AHEAD_ALWAYS;
  guint warm = 0, since_probe = SAMPLE_EVERY;
  guint pf = 0;
  gboolean rewind;

  for (;;)
    {
      guint window, end, n;

      g_mutex_lock (&ra->lock);
      for (;;)
        {
          window = reading ? WINDOW : SAMPLE_WINDOW;
          n = (guint) g_atomic_int_get (ra->next);
          if (pf < n)
            pf = n;   /* the workers passed: what is behind them is read */
          if (ra->stop || pf >= ra->n || pf < n + window)
            break;
          /* the window is full: sleep until the workers are half way */
          g_atomic_int_set (&ra->wake_at, (gint) (pf - window / 2));
          if ((guint) g_atomic_int_get (ra->next) < pf - window / 2)
            g_cond_wait (&ra->wake, &ra->lock);
          g_atomic_int_set (&ra->wake_at, G_MAXINT);
        }
      if (ra->stop || pf >= ra->n)
        {
          g_mutex_unlock (&ra->lock);
          break;
        }
      g_mutex_unlock (&ra->lock);

      end = MIN (n + window, ra->n);
      rewind = FALSE;
      for (; pf < end && !g_atomic_int_get (&ra->stop); pf++)
        {
          const XrefCorpusFile *file;
          Probe p;
          int fd;

          if (ra->n_shards > 1 && pf % ra->n_shards != ra->shard)
            continue;
          if (!reading && ++since_probe < SAMPLE_EVERY)
            continue;
          since_probe = 0;
          file = g_ptr_array_index (ra->corpus->files, pf);
          fd = xref_ingest_open (file);
          if (fd < 0)
            continue;
          p = probe (fd);
          g_atomic_int_inc (&ra->probed);
          if (p == PROBE_COLD)
            {
              g_atomic_int_inc (&ra->missed);
              g_atomic_int_inc (&ra->ahead);
              start_reads (fd);
              warm = 0;
              if (!reading)
                {
                  /* the files between the workers and this one were
                   * passed over by the sampling: back to the workers */
                  reading = TRUE;
                  close (fd);
                  rewind = TRUE;
                  break;
                }
            }
          else if (p == PROBE_UNKNOWN && ra->mode == XREF_READ_AHEAD_ALWAYS)
            {
              g_atomic_int_inc (&ra->ahead);
              start_reads (fd);
            }
          else if (reading && ra->mode != XREF_READ_AHEAD_ALWAYS && ++warm >= WARM_RUN)
            reading = FALSE;
          close (fd);
        }
      if (rewind)
        pf = (guint) g_atomic_int_get (ra->next);
    }
  return NULL;
}

XrefReadAhead *
xref_read_ahead_start (const XrefCorpus *corpus, const gint *next, guint shard, guint n_shards,
                       XrefReadAheadMode mode)
{
  XrefReadAhead *ra;

  g_return_val_if_fail (corpus != NULL && next != NULL, NULL);

  if (mode == XREF_READ_AHEAD_OFF || corpus->files->len == 0)
    return NULL;
  ra = g_new0 (XrefReadAhead, 1);
  ra->corpus = corpus;
  ra->next = next;
  ra->n = corpus->files->len;
  ra->shard = shard;
  ra->n_shards = n_shards;
  ra->mode = mode;
  ra->wake_at = G_MAXINT;
  g_mutex_init (&ra->lock);
  g_cond_init (&ra->wake);
  ra->thread = g_thread_try_new ("xref-ahead", ahead_thread, ra, NULL);
  if (ra->thread == NULL)
    {
      /* (no thread: the workers read as they would without one) */
      g_mutex_clear (&ra->lock);
      g_cond_clear (&ra->wake);
      g_free (ra);
      return NULL;
    }
  return ra;
}

void
xref_read_ahead_taken (XrefReadAhead *ra, guint i)
{
  if (ra == NULL || (gint) MIN (i, (guint) G_MAXINT) < g_atomic_int_get (&ra->wake_at))
    return;
  g_mutex_lock (&ra->lock);
  g_atomic_int_set (&ra->wake_at, G_MAXINT);
  g_cond_signal (&ra->wake);
  g_mutex_unlock (&ra->lock);
}

void
xref_read_ahead_counts (XrefReadAhead *ra, XrefReadAheadCounts *counts)
{
  g_return_if_fail (counts != NULL);

  *counts = (XrefReadAheadCounts) { 0 };
  if (ra == NULL)
    return;
  counts->probed = (guint) g_atomic_int_get (&ra->probed);
  counts->missed = (guint) g_atomic_int_get (&ra->missed);
  counts->ahead = (guint) g_atomic_int_get (&ra->ahead);
}

void
xref_read_ahead_stop (XrefReadAhead *ra, XrefReadAheadCounts *counts)
{
  if (ra == NULL)
    {
      if (counts != NULL)
        *counts = (XrefReadAheadCounts) { 0 };
      return;
    }
  g_mutex_lock (&ra->lock);
  g_atomic_int_set (&ra->stop, TRUE);
  g_cond_signal (&ra->wake);
  g_mutex_unlock (&ra->lock);
  g_thread_join (ra->thread);
  if (counts != NULL)
    xref_read_ahead_counts (ra, counts);
  g_mutex_clear (&ra->lock);
  g_cond_clear (&ra->wake);
  g_free (ra);
}
