/* A plain driver for the harnesses of fuzz/, for compilers without
 * libFuzzer: runs LLVMFuzzerTestOneInput once on every file named on the
 * command line, or on every file of a folder named there (not recursive,
 * dot-files skipped), in sorted order.  `make check` uses it to replay the
 * seed corpora and the past crashes of fuzz/regress/ under the sanitizers.
 * Prints "NAME: N inputs" per argument; exits 1 when a file cannot be read. */
#include "fuzz.h"

static int
cmp_path (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
run_file (const char *path)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &error))
    {
      fprintf (stderr, "fuzz-main: %s\n", error->message);
      return 1;
    }
  /* A copy of exactly len bytes, so that ASan sees a read past the end;
   * never NULL, as libFuzzer never passes NULL (an empty file too). */
  g_autofree uint8_t *copy = len > 0 ? g_memdup2 (data, len) : g_malloc (1);
  LLVMFuzzerTestOneInput (copy, len);
  return 0;
}

int
main (int argc, char **argv)
{
  int status = 0;

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      guint n = 0;

      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr (GDir) dir = g_dir_open (argv[i], 0, NULL);
          g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
            if (name[0] != '.')
              g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
          g_ptr_array_sort (names, cmp_path);
          for (guint j = 0; j < names->len; j++)
            {
              status |= run_file (g_ptr_array_index (names, j));
              n++;
            }
        }
      else
        {
          status |= run_file (argv[i]);
          n++;
        }
      printf ("%s: %u inputs\n", argv[i], n);
    }
  return status;
}
