/* The web modes in the real NpWindow (under Xvfb), against peers Netpoke did not write: curl
 * asks the HTTP server for a file and posts to a canned response; the HTTP client asks
 * Python's http.server; a Python websockets client talks to the WebSocket server and a Python
 * websockets server to the WebSocket client. What is checked is what a person sees: rows whose
 * cells are on screen, the details window's text in text and in hex, the subtitle. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "np-row-details.h"
#include "np-test-utils.h"
#include "np-window-test-utils.h"

/* ---- helpers ------------------------------------------------------------------------------- */

#define new_window   np_test_new_window
#define close_window np_test_close_window
#define is_listening np_test_is_listening
#define is_running   np_test_is_running
#define is_stopped   np_test_is_stopped
#define stop         np_test_stop
#define wait_painted np_test_wait_painted

/* Everything a widget tree says in text: labels, inscriptions, text views, entries. */
static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  if (!gtk_widget_get_visible (widget))
    return;

  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  else if (GTK_IS_INSCRIPTION (widget) && gtk_inscription_get_text (GTK_INSCRIPTION (widget)) != NULL)
    g_string_append_printf (out, "%s\n", gtk_inscription_get_text (GTK_INSCRIPTION (widget)));
  else if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;
      g_autofree char *text = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      g_string_append_printf (out, "%s\n", text);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

/* A cell holding @needle drawn inside the log's viewport, then on screen. */
static void
expect_row_shown (NpWindow   *window,
                  const char *needle)
{
  np_test_expect_part_shown (window, needle);
  np_test_wait_frames (window);
}

static NpLogRow *
find_row (NpWindow   *window,
          const char *needle)
{
  GListModel *log = G_LIST_MODEL (np_log_view_get_model (window->log_view));

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(NpLogRow) row = g_list_model_get_item (log, i);

      if (np_log_row_get_message (row) != NULL && strstr (np_log_row_get_message (row), needle) != NULL)
        return g_steal_pointer (&row);
    }
  return NULL;
}

#define details_window np_test_details_window

static char *
details_text (void)
{
  GString *text = g_string_new (NULL);

  collect_text (GTK_WIDGET (details_window ()), text);
  return g_string_free (text, FALSE);
}

/* Opens the details of the row showing @needle the way a person does. */
static void
open_details (NpWindow   *window,
              const char *needle)
{
  g_autoptr(NpLogRow) row = find_row (window, needle);

  g_assert_nonnull (row);
  np_test_open_details (window, row);
}

/* NETPOKE_SCREENSHOT_DIR=data/screenshots re-takes the README's picture of the details window. */
static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("NETPOKE_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) import = NULL;

  if (dir == NULL || dir[0] == '\0')
    return;

  if (details_window () != NULL)
    wait_painted (GTK_WIDGET (details_window ()));
  path = g_build_filename (dir, name, NULL);
  import = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "import", "-window", "root", path, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (import, NULL, &error);
  g_assert_no_error (error);
}

static void
close_details (void)
{
  NpRowDetails *details = details_window ();

  g_assert_nonnull (details);
  gtk_window_destroy (GTK_WINDOW (details));
}

static GSubprocess *
spawn_peer (const char  *script,
            const char  *argument,
            char       **first_line)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *peer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                        "/usr/bin/python3", "-u", "-c", script, argument, NULL);
  g_autoptr(GDataInputStream) lines = NULL;

  g_assert_no_error (error);
  if (first_line != NULL)
    {
      lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer));
      *first_line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (*first_line);
    }
  return peer;
}

static gboolean
have_websockets (void)
{
  return g_spawn_command_line_sync ("/usr/bin/python3 -c 'import websockets'", NULL, NULL, NULL, NULL);
}

/* ---- the HTTP server ------------------------------------------------------------------------ */

static void
test_http_server (void)
{
  NpWindow *window = new_window ();
  NpWebOptions *options = np_endpoint_bar_get_web_options (window->endpoint_bar);
  g_autofree char *root = g_dir_make_tmp ("netpoke-window-web-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (root, "hello.txt", NULL);
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *post = NULL;
  g_autofree char *got = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hex = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) curl = NULL;
  g_autofree char *curl_path = g_find_program_in_path ("curl");

  if (curl_path == NULL)
    {
      g_test_skip ("curl is not installed");
      close_window (window);
      return;
    }

  g_assert_true (g_file_set_contents (file, "hello world\n", -1, NULL));
  np_window_set_endpoint (window, NP_MODE_HTTP_SERVER, "127.0.0.1", "0", NULL);
  np_web_options_set_root (options, root);
  np_web_options_set_routes (options, "POST /api/*=>201 {\"ok\":true}\n  X-Device: sim\n");
  g_assert_null (np_endpoint_bar_get_validation (window->endpoint_bar));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (is_listening, window, "the HTTP server to listen");

  base = g_strdup_printf ("http://127.0.0.1:%u", np_window_get_endpoint_port (window));
  url = g_strconcat (base, "/hello.txt", NULL);
  curl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "curl", "-s", url, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (curl, NULL, NULL, &got, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, "hello world\n");
  expect_row_shown (window, "GET /hello.txt → 200 OK");

  g_clear_object (&curl);
  g_clear_pointer (&got, g_free);
  post = g_strconcat (base, "/api/led", NULL);
  curl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "curl", "-s", "-H",
                           "Content-Type: application/json", "--data-binary", "{\"led\":1}", post, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (curl, NULL, NULL, &got, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, "{\"ok\":true}");
  expect_row_shown (window, "POST /api/led → 201 Created");

  /* The details: both sides' headers and bodies, as text, then as hex. */
  open_details (window, "POST /api/led");
  text = details_text ();
  g_assert_nonnull (strstr (text, "POST /api/led"));
  g_assert_nonnull (strstr (text, "Content-Type: application/json"));
  g_assert_nonnull (strstr (text, "{\"led\":1}"));
  g_assert_nonnull (strstr (text, "201 Created"));
  g_assert_nonnull (strstr (text, "X-Device: sim"));
  g_assert_nonnull (strstr (text, "{\"ok\":true}"));
  screenshot ("http-details.png");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (np_test_find_widget_of_type (GTK_WIDGET (details_window ()), GTK_TYPE_DROP_DOWN)), 1);
  hex = details_text ();
  g_assert_nonnull (strstr (hex, "7B 22 6C 65 64 22 3A 31 7D"));
  g_assert_null (strstr (hex, "{\"led\":1}"));
  close_details ();

  stop (window);
  close_window (window);
  g_unlink (file);
  g_rmdir (root);
}

/* ---- the HTTP client ------------------------------------------------------------------------- */

static const char http_peer[] =
  "import http.server, sys\n"
  "class H(http.server.BaseHTTPRequestHandler):\n"
  "    def do_POST(self):\n"
  "        body = self.rfile.read(int(self.headers['Content-Length']))\n"
  "        reply = b'got ' + body + b' with ' + self.headers['X-Token'].encode()\n"
  "        self.send_response(200); self.send_header('Content-Length', str(len(reply)))\n"
  "        self.end_headers(); self.wfile.write(reply)\n"
  "    def log_message(self, *a): pass\n"
  "s = http.server.HTTPServer(('127.0.0.1', 0), H)\n"
  "print(s.server_address[1])\n"
  "s.handle_request()\n";

static gboolean
has_row (gpointer data)
{
  gpointer *args = data;
  g_autoptr(NpLogRow) row = find_row (args[0], args[1]);

  return row != NULL;
}

static void
test_http_client (void)
{
  NpWindow *window = new_window ();
  NpWebOptions *options = np_endpoint_bar_get_web_options (window->endpoint_bar);
  g_autofree char *port = NULL;
  g_autoptr(GSubprocess) peer = spawn_peer (http_peer, NULL, &port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%s/api/config", port);
  g_autofree char *needle = g_strdup_printf ("POST %s → 200 OK", url);
  gpointer args[] = { window, needle };
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  np_window_set_endpoint (window, NP_MODE_HTTP_CLIENT, url, NULL, NULL);
  np_endpoint_bar_set_method (window->endpoint_bar, "POST");
  np_web_options_set_headers (options, "X-Token: abc 123\n");
  np_send_box_set_draft (window->send_box, "interval=5");
  g_assert_null (np_endpoint_bar_get_validation (window->endpoint_bar));

  /* Send, as Ctrl+Enter does: the message box is the body. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
  np_test_wait_until (has_row, args, "the response row");
  np_test_wait_until (is_stopped, window, "the request to end");
  expect_row_shown (window, needle);
  g_assert_cmpstr (adw_window_title_get_subtitle (window->window_title), ==, "HTTP 200 OK");

  open_details (window, needle);
  text = details_text ();
  g_assert_nonnull (strstr (text, "X-Token: abc 123"));
  g_assert_nonnull (strstr (text, "interval=5"));
  g_assert_nonnull (strstr (text, "got interval=5 with abc 123"));
  close_details ();

  g_assert_true (g_subprocess_wait_check (peer, NULL, &error));
  g_assert_no_error (error);
  close_window (window);
}

/* ---- WebSocket server and client ------------------------------------------------------------ */

static const char ws_client_peer[] =
  "import asyncio, sys, websockets\n"
  "async def main():\n"
  "    async with websockets.connect(sys.argv[1]) as ws:\n"
  "        await ws.send('hi from the device')\n"
  "        await ws.send(b'\\x01\\x02')\n"
  "        print('got', await asyncio.wait_for(ws.recv(), 10))\n"
  "        await ws.close(4001, 'done')\n"
  "asyncio.run(main())\n";

static gboolean
has_one_peer (gpointer data)
{
  NpWindow *window = data;

  return g_list_model_get_n_items (G_LIST_MODEL (np_peer_list_get_peers (window->peer_list))) == 1;
}

static void
test_websocket_server (void)
{
  NpWindow *window = new_window ();
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) peer = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_websockets ())
    {
      g_test_skip ("python3-websockets is not installed");
      close_window (window);
      return;
    }

  np_window_set_endpoint (window, NP_MODE_WS_SERVER, "127.0.0.1", "0", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (is_listening, window, "the WebSocket server to listen");
  url = g_strdup_printf ("ws://127.0.0.1:%u/ws", np_window_get_endpoint_port (window));

  peer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                           "/usr/bin/python3", "-u", "-c", ws_client_peer, url, NULL);
  g_assert_no_error (error);
  np_test_wait_until (has_one_peer, window, "the WebSocket client in the client list");
  expect_row_shown (window, "hi from the device");
  expect_row_shown (window, "\\x01\\x02");
  /* The Length column tells a text message from a binary one. */
  expect_row_shown (window, "18 text");
  expect_row_shown (window, "2 binary");

  np_send_box_set_draft (window->send_box, "hello device");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-all", NULL);
  g_subprocess_communicate_utf8 (peer, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "got hello device\n");
  expect_row_shown (window, "12 text");
  expect_row_shown (window, "Closed with 4001 (application code): done");

  stop (window);
  close_window (window);
}

static const char ws_server_peer[] =
  "import asyncio, websockets\n"
  "async def echo(ws, path=None):\n"
  "    async for m in ws:\n"
  "        await ws.send('echo:' + m if isinstance(m, str) else m)\n"
  "async def main():\n"
  "    async with websockets.serve(echo, '127.0.0.1', 0) as s:\n"
  "        print(s.sockets[0].getsockname()[1])\n"
  "        await asyncio.sleep(30)\n"
  "asyncio.run(main())\n";

static void
test_websocket_client (void)
{
  NpWindow *window = new_window ();
  g_autofree char *port = NULL;
  g_autoptr(GSubprocess) peer = NULL;
  g_autofree char *url = NULL;

  if (!have_websockets ())
    {
      g_test_skip ("python3-websockets is not installed");
      close_window (window);
      return;
    }

  peer = spawn_peer (ws_server_peer, NULL, &port);
  url = g_strdup_printf ("ws://127.0.0.1:%s/live", port);
  np_window_set_endpoint (window, NP_MODE_WS_CLIENT, url, NULL, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (is_running, window, "connecting");
  expect_row_shown (window, "Connected");

  np_send_box_set_draft (window->send_box, "status?");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
  expect_row_shown (window, "echo:status?");

  stop (window);
  g_subprocess_force_exit (peer);
  close_window (window);
}

int
main (int    argc,
      char **argv)
{
  np_test_init_window_tests (&argc, &argv);

  g_test_add_func ("/window-web/http-server", test_http_server);
  g_test_add_func ("/window-web/http-client", test_http_client);
  g_test_add_func ("/window-web/websocket-server", test_websocket_server);
  g_test_add_func ("/window-web/websocket-client", test_websocket_client);

  return g_test_run ();
}
