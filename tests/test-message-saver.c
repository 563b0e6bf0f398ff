/* test-message-saver: names, extensions from magic bytes, files written whole, folders that
 * cannot be used (test_files.py fills real disks). */
#include <glib/gstdio.h>
#include <string.h>

#include "np-message-saver.h"

static void
test_extensions (void)
{
  static const struct { const char *data; gsize length; const char *extension; } cases[] = {
    { "\x89PNG\r\n\x1a\n....", 12, "png" },
    { "\x89PNG\r\n", 6, "bin" },          /* cut short: not a PNG */
    { "\xff\xd8\xff\xe0", 4, "jpg" },
    { "GIF87a", 6, "gif" },
    { "GIF89a!", 7, "gif" },
    { "BM6\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00", 18, "bmp" },
    { "BMW is a car", 12, "bin" },       /* "BM" alone is not a bitmap */
    { "%PDF-1.7", 8, "pdf" },
    { "PK\x03\x04", 4, "zip" },
    { "PK\x05\x06", 4, "zip" },
    { "", 0, "bin" },
    { "TEMP=21", 7, "bin" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (np_message_saver_guess_extension ((const guint8 *) cases[i].data, cases[i].length),
                     ==, cases[i].extension);
}

static NpEvent *
received (const char *peer,
          const char *data,
          gsize       length)
{
  NpEvent *event = np_event_new (NP_EVENT_RECEIVED, 1, 7, peer);

  event->payload = g_bytes_new (data, length);
  event->length = length;
  return event;
}

static void
test_names (void)
{
  g_autoptr(NpEvent) v4 = received ("192.0.2.17:40321", "GIF89a", 6);
  g_autoptr(NpEvent) v6 = received ("[fe80::1%eth0]:5000", "x", 1);
  g_autofree char *name = NULL;
  g_autofree char *name6 = NULL;
  g_autoptr(GRegex) shape = g_regex_new ("^\\d{8}-\\d{6}\\.\\d{3}_192\\.0\\.2\\.17-40321_000042\\.gif$", 0, 0, NULL);

  v4->time_us = 1764111012123456;   /* milliseconds: .123 */
  name = np_message_saver_file_name (v4, 42);
  g_assert_true (g_regex_match (shape, name, 0, NULL));
  g_assert_nonnull (strstr (name, ".123_"));

  /* What file systems dislike (":", "%", brackets) is replaced. */
  name6 = np_message_saver_file_name (v6, 1);
  g_assert_nonnull (strstr (name6, "_fe80--1-eth0-5000_000001.bin"));
}

static void
on_failed (NpMessageSaver *saver,
           const char     *message,
           char          **out)
{
  *out = g_strdup (message);
}

static void
test_saves_and_refuses (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-saver-XXXXXX", &error);
  g_autofree char *folder_path = g_build_filename (dir, "new", "frames", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (folder_path);
  g_autoptr(NpMessageSaver) saver = NULL;
  g_autoptr(NpEvent) frame = received ("127.0.0.1:9", "\x89PNG\r\n\x1a\nDATA", 12);
  g_autoptr(NpEvent) sent = np_event_new (NP_EVENT_SENT, 1, 7, "127.0.0.1:9");
  g_autoptr(GDir) listing = NULL;
  g_autofree char *blocker = g_build_filename (dir, "file", NULL);
  g_autofree char *under_file = g_build_filename (blocker, "frames", NULL);
  g_autoptr(GFile) bad = g_file_new_for_path (under_file);
  g_autoptr(NpMessageSaver) refused = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *parent = g_path_get_dirname (folder_path);
  const char *entry;
  guint count = 0;

  g_assert_no_error (error);
  saver = np_message_saver_new (folder, &error);   /* makes the folder and its parent */
  g_assert_no_error (error);
  g_signal_connect (saver, "failed", G_CALLBACK (on_failed), &failure);
  np_message_saver_add (saver, frame);
  np_message_saver_add (saver, sent);              /* not a received message: ignored */
  np_message_saver_close (saver);
  g_assert_null (failure);
  g_assert_cmpuint (np_message_saver_get_n_saved (saver), ==, 1);

  listing = g_dir_open (folder_path, 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder_path, entry, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_str_has_suffix (entry, "_000001.png"));
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpmem (contents, length, "\x89PNG\r\n\x1a\nDATA", 12);
      g_unlink (path);
      count++;
    }
  g_assert_cmpuint (count, ==, 1);

  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  refused = np_message_saver_new (bad, &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "Cannot save messages to"));

  g_unlink (blocker);
  g_rmdir (folder_path);
  g_rmdir (parent);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message-saver/extensions", test_extensions);
  g_test_add_func ("/message-saver/names", test_names);
  g_test_add_func ("/message-saver/saves-and-refuses", test_saves_and_refuses);

  return g_test_run ();
}
