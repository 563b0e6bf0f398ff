/* Workspaces: round trip through a file, atomic saves, and clear errors for every malformed,
 * truncated or wrong-version file. */
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <string.h>

#include "np-error.h"
#include "np-session.h"

static NpSession *
sample (void)
{
  NpSession *session = np_session_new ();
  NpSessionEndpoint *server = np_session_add_endpoint (session);
  NpSessionEndpoint *udp = np_session_add_endpoint (session);
  NpWindowState *window = np_session_get_window (session);

  server->mode = NP_MODE_TCP_SERVER;
  g_free (server->port);
  server->port = g_strdup ("9000");
  server->receive_encoding = NP_ENCODING_GB18030;
  g_free (server->framing);
  server->framing = g_strdup ("ascii16");

  udp->mode = NP_MODE_UDP;
  g_free (udp->destination);
  udp->destination = g_strdup ("[::1]:5000");
  udp->send_encoding = NP_ENCODING_LATIN1;

  np_session_add_message (session, "Ping", "PING\\r\\n", NP_FORMAT_ESCAPES);
  np_session_add_message (session, "Modbus read", "00 01 00 00 00 06 01 03 00 00 00 02", NP_FORMAT_HEX);
  np_session_add_message (session, "温度", "读取温度\n", NP_FORMAT_TEXT);
  window->width = 1400;
  window->maximized = TRUE;
  window->display = NP_FORMAT_HEX;

  return session;
}

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("netpoke-session-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
test_round_trip (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "bench.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NpSession) saved = sample ();
  g_autoptr(NpSession) loaded = NULL;
  g_autoptr(GError) error = NULL;
  NpSessionEndpoint *endpoint;
  NpSavedMessage *message;
  g_autoptr(GDir) listing = NULL;
  guint entries = 0;

  g_assert_true (np_session_save (saved, file, &error));
  g_assert_no_error (error);
  loaded = np_session_load (file, &error);
  g_assert_no_error (error);
  g_assert_true (np_session_equal (saved, loaded));

  endpoint = g_ptr_array_index (np_session_get_endpoints (loaded), 0);
  g_assert_cmpstr (endpoint->port, ==, "9000");
  g_assert_cmpint (endpoint->receive_encoding, ==, NP_ENCODING_GB18030);
  g_assert_cmpstr (endpoint->framing, ==, "ascii16");
  message = g_ptr_array_index (np_session_get_messages (loaded), 2);
  g_assert_cmpstr (message->name, ==, "温度");
  g_assert_cmpstr (message->payload, ==, "读取温度\n");
  g_assert_cmpint (np_session_get_window (loaded)->display, ==, NP_FORMAT_HEX);
  g_assert_true (np_session_get_window (loaded)->maximized);

  /* Saving again replaces the file in place and leaves no temporary files behind. */
  np_session_add_message (saved, "More", "x", NP_FORMAT_TEXT);
  g_assert_true (np_session_save (saved, file, &error));
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    entries++;
  g_assert_cmpuint (entries, ==, 1);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_grows_compatibly (void)
{
  /* Members a later version adds are ignored; missing ones take defaults. */
  const char *data = "{\"format\":\"netpoke-workspace\",\"version\":1,"
                     "\"rules\":[{\"match\":\"PING\",\"reply\":\"PONG\"}],"
                     "\"endpoints\":[{\"mode\":\"tcp-client\",\"address\":\"10.0.0.5\",\"port\":\"502\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(NpSession) session = np_session_new_from_data (data, -1, "future.netpoke", &error);
  NpSessionEndpoint *endpoint;

  g_assert_no_error (error);
  endpoint = g_ptr_array_index (np_session_get_endpoints (session), 0);
  g_assert_cmpint (endpoint->mode, ==, NP_MODE_TCP_CLIENT);
  g_assert_cmpint (endpoint->send_encoding, ==, NP_ENCODING_UTF8);
  g_assert_cmpstr (endpoint->framing, ==, "raw");
  g_assert_cmpuint (np_session_get_messages (session)->len, ==, 0);
}

static void
test_malformed (void)
{
  g_autoptr(NpSession) good = sample ();
  g_autofree char *whole = np_session_to_data (good);
  g_autofree char *truncated = g_strndup (whole, strlen (whole) / 2);
  struct { const char *data; const char *needle; } cases[] = {
    { "", "the file is empty" },
    { " \n", "the file is empty" },
    { truncated, "damaged or cut short" },
    { "PK\x03\x04 not json", "damaged or cut short" },
    { "[1, 2, 3]", "expected a JSON object" },
    { "{\"version\": 1}", "no \"format\"" },
    { "{\"format\":\"netpoke-workspace\"}", "no version number" },
    { "{\"format\":\"netpoke-workspace\",\"version\":\"1\"}", "no version number" },
    { "{\"format\":\"netpoke-workspace\",\"version\":7}", "newer Netpoke (workspace version 7" },
    { "{\"format\":\"netpoke-workspace\",\"version\":0}", "version 0 is not valid" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":{}}", "“endpoints” must be a list" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":[{\"mode\":\"ftp\"}]}", "endpoint 1: unknown mode “ftp”" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":[{\"port\":8080}]}", "endpoint 1: “port” must be text" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":[{\"receive_encoding\":\"ebcdic\"}]}", "unknown encoding “ebcdic”" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":[{\"framing\":\"u64be\"}]}", "unknown framing “u64be”" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"messages\":[{\"name\":\"x\",\"format\":\"binary\"}]}", "saved message 1: unknown format “binary”" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"messages\":[3]}", "saved message 1 is not an object" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"window\":{\"display\":\"escapes\"}}", "unknown display" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NpSession) session = np_session_new_from_data (cases[i].data, -1, "/home/me/bench.netpoke", &error);

      g_assert_null (session);
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].needle);
      g_assert_true (g_str_has_prefix (error->message, "/home/me/bench.netpoke: "));
    }
}

static void
test_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/dir/bench.netpoke");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpSession) session = np_session_load (file, &error);

  g_assert_null (session);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/bench.netpoke"));

  {
    g_autoptr(NpSession) something = sample ();
    g_autoptr(GError) save_error = NULL;

    g_assert_false (np_session_save (something, file, &save_error));
    g_assert_nonnull (strstr (save_error->message, "Could not save /nonexistent/dir/bench.netpoke"));
  }
}

static void
test_save_failure_keeps_old_file (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "keep.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NpSession) session = sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (np_session_save (session, file, NULL));
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));

  /* The disk "fills up" while the new version is written (a file size limit binds root too):
   * the save fails and the old file is still whole. */
  {
    struct rlimit saved_limit, small;

    g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
    small = saved_limit;
    small.rlim_cur = 64;
    signal (SIGXFSZ, SIG_IGN);
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
    np_session_add_message (session, "new", "y", NP_FORMAT_TEXT);
    g_assert_false (np_session_save (session, file, &error));
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
  }
  g_assert_nonnull (strstr (error->message, "Could not save"));
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  /* No half-written temporary file is left beside it either. */
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    guint entries = 0;

    while (g_dir_read_name (listing) != NULL)
      entries++;
    g_assert_cmpuint (entries, ==, 1);
  }

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/session/round-trip", test_round_trip);
  g_test_add_func ("/session/grows-compatibly", test_grows_compatibly);
  g_test_add_func ("/session/malformed", test_malformed);
  g_test_add_func ("/session/missing-file", test_missing_file);
  g_test_add_func ("/session/save-failure-keeps-old-file", test_save_failure_keeps_old_file);

  return g_test_run ();
}
