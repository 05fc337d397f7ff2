/* xref — the machine's reference speed for `make bench` (not a test).
 *
 * Issue 9 sets its 50 MB/s target on this machine next to a reference: "a
 * one-pass C tokenizer reads [a 100 MB corpus of this kind] at about 430
 * MB/s".  This is such a tokenizer, so that every bench run also says how
 * fast the machine was while it ran: this VM's speed drifts by 10-30 %
 * from hour to hour (bench/README.md, "This VM"), and a figure without its
 * reference cannot tell a slower xref from a slower machine.
 *
 * One thread: walks CORPUS (every regular file, depth first, names
 * starting with a dot left out as xref leaves them out), reads each
 * whole file (open, read, close: what xref's ingest does), and cuts it in
 * one pass into tokens with their byte offsets, kept in an array reused
 * between files: runs of letters, digits and bytes >= 0x80 (UTF-8) are
 * words, any other byte but white space is a token of its own.  Prints
 * the median of RUNS passes:
 *
 *   reference: one-pass C tokenizer, 1 thread: 358.0 MB/s (median of 5; 104.86 MB, 19623980 tokens)
 *
 * It is not the program, which is not published: its figures
 * compare with each other, run to run, not with 430.
 *
 *   build/plain/bench/baseline CORPUS [RUNS]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct
{
  uint32_t start, end;
} Token;

typedef struct
{
  char *buf;
  size_t cap;
  Token *tok;
  size_t tok_cap;
  uint64_t bytes, tokens;
} Pass;

/* 1 for a byte that continues a word, 2 for white space, 0 for a token
 * of its own */
static unsigned char byte_class[256];

static void
classes_init (void)
{
  for (int b = 0; b < 256; b++)
    byte_class[b] = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b >= 0x80;
  byte_class[' '] = byte_class['\t'] = byte_class['\n'] = byte_class['\r'] = byte_class['\f'] = byte_class['\v'] = 2;
}

static void
tokenize (Pass *p, const char *s, size_t n)
{
  size_t k = 0;

  if (p->tok_cap < n)
    {
      p->tok_cap = n;
      p->tok = realloc (p->tok, p->tok_cap * sizeof (Token));
      if (p->tok == NULL)
        {
          perror ("baseline");
          exit (1);
        }
    }
  for (size_t i = 0; i < n;)
    {
      unsigned char c = byte_class[(unsigned char) s[i]];
      size_t j = i + 1;

      if (c == 2)
        {
          i = j;
          continue;
        }
      if (c == 1)
        while (j < n && byte_class[(unsigned char) s[j]] == 1)
          j++;
      p->tok[k].start = (uint32_t) i;
      p->tok[k].end = (uint32_t) j;
      k++;
      i = j;
    }
  p->tokens += k;
}

static void
read_file (Pass *p, int dir, const char *name)
{
  int fd = openat (dir, name, O_RDONLY | O_CLOEXEC);
  struct stat st;
  size_t n = 0;

  if (fd < 0)
    return;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    {
      if (p->cap < (size_t) st.st_size + 1)
        {
          p->cap = (size_t) st.st_size + 1;
          p->buf = realloc (p->buf, p->cap);
          if (p->buf == NULL)
            {
              perror ("baseline");
              exit (1);
            }
        }
      for (;;)
        {
          ssize_t r = read (fd, p->buf + n, p->cap - n);
          if (r > 0 && (n += (size_t) r) < p->cap)
            continue;
          if (r < 0 && errno == EINTR)
            continue;
          break;
        }
      tokenize (p, p->buf, n);
      p->bytes += n;
    }
  close (fd);
}

static void
walk (Pass *p, int dir)
{
  DIR *d = fdopendir (dir);
  struct dirent *e;

  if (d == NULL)
    {
      close (dir);
      return;
    }
  while ((e = readdir (d)) != NULL)
    {
      unsigned char type = e->d_type;

      if (e->d_name[0] == '.')
        continue;
      /* (a file system that does not say: ask, without following a link) */
      if (type == DT_UNKNOWN)
        {
          struct stat st;
          if (fstatat (dirfd (d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            type = S_ISDIR (st.st_mode) ? DT_DIR : S_ISREG (st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
      if (type == DT_DIR)
        {
          int sub = openat (dirfd (d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (sub >= 0)
            walk (p, sub);
        }
      else if (type == DT_REG)
        read_file (p, dirfd (d), e->d_name);
    }
  closedir (d);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  int runs = argc > 2 ? atoi (argv[2]) : 3;
  double *mbs;
  Pass p = { 0 };

  if (argc < 2 || runs < 1 || runs > 1000)
    {
      fprintf (stderr, "usage: baseline CORPUS [RUNS]\n");
      return 2;
    }
  classes_init ();
  mbs = calloc ((size_t) runs, sizeof *mbs);
  for (int r = 0; r < runs; r++)
    {
      struct timespec a, b;
      int dir = open (argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      if (dir < 0 || mbs == NULL)
        {
          fprintf (stderr, "baseline: %s: %s\n", argv[1], strerror (errno));
          return 1;
        }
      p.bytes = p.tokens = 0;
      clock_gettime (CLOCK_MONOTONIC, &a);
      walk (&p, dir);
      clock_gettime (CLOCK_MONOTONIC, &b);
      mbs[r] = (double) p.bytes / 1e6 / ((double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9);
    }
  qsort (mbs, (size_t) runs, sizeof *mbs, cmp_double);
  printf ("reference: one-pass C tokenizer, 1 thread: %.1f MB/s (median of %d; %.2f MB, %llu tokens)\n",
          mbs[runs / 2], runs, (double) p.bytes / 1e6, (unsigned long long) p.tokens);
  free (mbs);
  free (p.buf);
  free (p.tok);
  return 0;
}
