/* Runs a fuzz target over files and folders of inputs, once each, without libFuzzer: so that
 * the seed corpus and every crash ever found (kept in tests/fuzz/corpus/) are regression tests
 * in every build, with gcc too. Prints TAP: one line per folder or file. */
#include <glib.h>
#include <glib/gstdio.h>

int LLVMFuzzerTestOneInput (const guint8 *data, gsize size);

static guint
run_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  guint count = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      const char *name;

      g_assert_no_error (error);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          count += run_path (child);
        }
      return count;
    }

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);
  /* A copy of exactly the input's size, so that the sanitizers see every overread. */
  {
    g_autofree guint8 *input = g_memdup2 (contents, length);

    LLVMFuzzerTestOneInput (input, length);
  }
  return 1;
}

int
main (int    argc,
      char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      guint count = run_path (argv[i]);

      g_print ("ok %d - %u inputs from %s\n", i, count, argv[i]);
    }
  g_print ("1..%d\n", argc - 1);
  return 0;
}
