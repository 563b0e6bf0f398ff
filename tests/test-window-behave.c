/* The real NpWindow (in-process, under Xvfb) doing what a new user tried and found confusing:
 * a TCP client's title while it reconnects, a GET with a draft left in the box, the Quit
 * question's count, a peer that finished sending, backslashes in Text format, the footer's
 * units, greyed options, the first start's controls, each mode's fields after a restart. What
 * is checked is what a person sees: titles, labels, cells inside the log's viewport. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>

#include "np-test-utils.h"
#include "np-window-test-utils.h"

#define APP_ID "io.github.netpoke.Netpoke"

#define part_child np_test_part_child

#define is_running np_test_is_running
#define is_stopped np_test_is_stopped
#define has_dialog np_test_has_message_dialog

static const char *
subtitle_of (NpWindow *window)
{
  return adw_window_title_get_subtitle (window->window_title);
}

/* What a wait looks for: words in @window (its subtitle, its toast). */
typedef struct
{
  NpWindow   *window;
  const char *text;
} WindowText;

static gboolean
subtitle_starts (gpointer data)
{
  WindowText *wanted = data;

  return g_str_has_prefix (subtitle_of (wanted->window), wanted->text);
}

static void
wait_subtitle (NpWindow   *window,
               const char *prefix)
{
  WindowText wanted = { window, prefix };

  np_test_wait_until (subtitle_starts, &wanted, prefix);
}

/* A listening socket on 127.0.0.1:@port (0: any); reused addresses, so the same port can be
 * listened on again right after it was closed. */
static GSocket *
listen_on (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GSocketAddress) address = np_test_loopback_address (G_SOCKET_FAMILY_IPV4, port);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (socket, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&socket);
}

/* ---- 1. a TCP client's title while it reconnects ------------------------------------------ */

static void
test_reconnect_title (void)
{
  NpWindow *window = np_test_new_window ();
  NpTcpOptions *options = np_endpoint_bar_get_tcp_options (window->endpoint_bar);
  g_autoptr(GSocket) listener = listen_on (0);
  guint16 port = np_test_local_port (listener);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *connected = g_strdup_printf ("Connected to 127.0.0.1:%u", port);
  g_autoptr(GSocket) server = NULL;

  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "127.0.0.1", port_text, NULL);
  gtk_check_button_set_active (part_child (options, "reconnect_check"), TRUE);
  gtk_editable_set_text (part_child (options, "reconnect_max_entry"), "1000");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  server = np_test_tcp_accept (listener);
  wait_subtitle (window, connected);

  /* The server dies: every attempt is refused, and the title says so, not "Connected". */
  g_socket_close (server, NULL);
  g_socket_close (listener, NULL);
  g_clear_object (&server);
  g_clear_object (&listener);
  wait_subtitle (window, "Reconnecting (attempt 2, next in 1.0 s)…");
  g_assert_true (np_window_is_running (window));

  /* It comes back: "Connected" again. */
  listener = listen_on (port);
  server = np_test_tcp_accept (listener);
  wait_subtitle (window, connected);

  np_test_stop (window);
  np_test_close_window (window);
}

/* ---- a TCP client's title once its server closed ------------------------------------------ */

static void
test_server_closed_title (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GSocket) listener = listen_on (0);
  guint16 port = np_test_local_port (listener);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *connected = g_strdup_printf ("Connected to 127.0.0.1:%u", port);
  g_autofree char *finished = g_strdup_printf ("127.0.0.1:%u finished sending; it may have closed", port);
  g_autoptr(GSocket) server = NULL;

  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "127.0.0.1", port_text, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  server = np_test_tcp_accept (listener);
  wait_subtitle (window, connected);

  /* The server program exits: the title no longer says "Connected". */
  g_socket_close (server, NULL);
  g_clear_object (&server);
  wait_subtitle (window, finished);
  g_assert_true (np_window_is_running (window));

  np_test_stop (window);
  np_test_close_window (window);
}

/* ---- 2, 6, 7. a GET with a draft left in the box; the title after another mode ------------ */

typedef struct
{
  GSocket *listener;
  char    *request;   /* what came, headers and anything after them */
} HttpPeer;

/* A minimal HTTP server on a thread: reads one request (and whatever follows its headers
 * within 300 ms), answers 200 with "ok", closes. */
static gpointer
serve_one (gpointer data)
{
  HttpPeer *peer = data;
  g_autoptr(GSocket) client = np_test_tcp_accept (peer->listener);
  g_autoptr(GString) got = g_string_new (NULL);
  static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

  while (strstr (got->str, "\r\n\r\n") == NULL)
    {
      char buffer[4096];
      gssize n = g_socket_receive (client, buffer, sizeof buffer, NULL, NULL);

      if (n <= 0)
        break;
      g_string_append_len (got, buffer, n);
    }
  /* A body, if one was sent, follows the headers at once. */
  if (g_socket_condition_timed_wait (client, G_IO_IN, 300000, NULL, NULL))
    {
      char buffer[4096];
      gssize n = g_socket_receive (client, buffer, sizeof buffer, NULL, NULL);

      if (n > 0)
        g_string_append_len (got, buffer, n);
    }
  np_test_send (client, NULL, answer, strlen (answer));
  g_socket_shutdown (client, FALSE, TRUE, NULL);
  peer->request = g_string_free (g_steal_pointer (&got), FALSE);
  return NULL;
}

static void
test_get_sends_no_draft (void)
{
  NpWindow *window = np_test_new_window ();
  HttpPeer peer = { listen_on (0), NULL };
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/status", np_test_local_port (peer.listener));
  g_autofree char *row = g_strdup_printf ("GET %s → 200 OK, 2 bytes", url);
  g_autofree char *lower = NULL;
  GThread *thread;

  /* What a TCP session left in the box. */
  np_send_box_set_draft (window->send_box, "are you there");
  np_window_set_endpoint (window, NP_MODE_HTTP_CLIENT, url, NULL, NULL);
  np_endpoint_bar_set_method (window->endpoint_bar, "GET");
  np_test_wait_frames (window);
  /* The box says, under the draft, that a GET will not send it. */
  g_assert_cmpstr (np_send_box_get_hint (window->send_box), ==,
                   "GET sends no body: the message box is not sent (choose POST or PUT to send it)");
  g_assert_true (gtk_widget_get_mapped (part_child (window->send_box, "hint_label")));

  thread = g_thread_new ("http-peer", serve_one, &peer);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
  np_test_wait_until (is_stopped, window, "the request to end");
  g_thread_join (thread);
  g_assert_nonnull (peer.request);
  g_assert_true (g_str_has_prefix (peer.request, "GET /status HTTP/1.1\r\n"));
  g_assert_null (strstr (peer.request, "are you there"));
  lower = g_ascii_strdown (peer.request, -1);
  g_assert_null (strstr (lower, "content-length"));
  g_assert_null (strstr (lower, "content-type"));
  g_assert_cmpstr (subtitle_of (window), ==, "HTTP 200 OK");

  /* The HTTP row's Length cell says how long the response was. */
  np_test_expect_part_shown (window, row);
  g_assert_true (np_test_log_text_shown (window, "2"));

  /* POST sends the box: the note goes. */
  np_endpoint_bar_set_method (window->endpoint_bar, "POST");
  g_assert_null (np_send_box_get_hint (window->send_box));

  /* Another mode: the HTTP answer is not that mode's state. */
  np_window_set_endpoint (window, NP_MODE_WS_SERVER, "127.0.0.1", "0", NULL);
  g_assert_cmpstr (subtitle_of (window), ==, "Stopped");
  g_assert_null (np_send_box_get_hint (window->send_box));

  g_free (peer.request);
  g_object_unref (peer.listener);
  np_test_close_window (window);
}

/* ---- 3. the Quit question counts what the list shows ----------------------------------------- */

typedef struct
{
  AdwMessageDialog *dialog;
  const char       *text;
} Body;

static gboolean
body_says (gpointer data)
{
  Body *wanted = data;

  return strstr (adw_message_dialog_get_body (wanted->dialog), wanted->text) != NULL;
}

static void
test_quit_count (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NpWindow *window = np_test_new_window ();
  guint port = np_test_start_server (window);
  g_autoptr(GSocket) first = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  /* Only held open: the second client of the list. */
  g_autoptr(GSocket) second G_GNUC_UNUSED = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  Body wanted;

  g_settings_set_boolean (settings, "confirm-stop", TRUE);
  np_test_wait_for_items (np_test_peers_of (window), 2, "two clients");

  gtk_window_close (GTK_WINDOW (window));
  np_test_wait_until (has_dialog, NULL, "the question");
  wanted.dialog = np_test_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_body (wanted.dialog), ==, "2 clients are connected and will be disconnected.");

  /* One leaves while the question is up: it counts what the list shows. */
  np_test_tcp_reset (first);
  np_test_wait_for_items (np_test_peers_of (window), 1, "one client left");
  wanted.text = "1 client is connected and will be disconnected.";
  np_test_wait_until (body_says, &wanted, wanted.text);
  g_assert_true (strstr (np_status_bar_get_text (window->status_bar), "Clients 1") != NULL);

  adw_message_dialog_response (wanted.dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (wanted.dialog));
  g_settings_set_boolean (settings, "confirm-stop", FALSE);
  np_test_stop (window);
  np_test_close_window (window);
}

/* ---- 4. a peer that finished sending ------------------------------------------------------- */

static void
test_finished_peer (void)
{
  NpWindow *window = np_test_new_window ();
  guint port = np_test_start_server (window);
  g_autoptr(GSocket) client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);

  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  np_test_send (client, NULL, "hello\n", 6);
  np_test_expect_row_shown (window, "hello\\n");

  /* It closes: TCP shows the server only that it finished sending. */
  g_socket_close (client, NULL);
  np_test_expect_row_shown (window, "Peer finished sending — replies can still be sent");
  g_assert_cmpuint (g_list_model_get_n_items (np_test_peers_of (window)), ==, 1);

  /* The first write finds it gone: it leaves the list at once. */
  np_send_box_set_draft (window->send_box, "are you there");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-all", NULL);
  np_test_wait_for_items (np_test_peers_of (window), 0, "the closed peer to leave the list");
  np_test_expect_part_shown (window, "Disconnected: ");

  np_test_stop (window);
  np_test_close_window (window);
}

/* ---- 5. backslashes in Text format; saved messages say their format ---------------------------- */

static void
test_escapes_hint (void)
{
  NpWindow *window = np_test_new_window ();
  GtkWidget *hint = part_child (window->send_box, "hint_label");
  GtkFlowBox *saved = part_child (window->send_box, "saved_box");
  GtkWidget *button;
  AdwMessageDialog *dialog;
  g_autoptr(GError) error = NULL;

  np_test_wait_frames (window);
  g_assert_false (gtk_widget_get_mapped (hint));
  np_send_box_set_draft (window->send_box, "STATUS?\\r\\n");
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_get_mapped (hint));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (hint)), ==,
                   "Backslashes are sent as typed (\\r\\n is 4 characters): choose Escapes to send CR LF");

  /* The save dialog says in which format the message is kept. */
  gtk_widget_activate_action (GTK_WIDGET (window->send_box), "send-box.save-message", NULL);
  np_test_wait_until (has_dialog, NULL, "the save dialog");
  dialog = np_test_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "written as Text"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Escapes: the hint goes (\r\n is CR LF now). */
  g_object_set (window->send_box, "format", NP_FORMAT_ESCAPES, NULL);
  np_test_wait_frames (window);
  g_assert_false (gtk_widget_get_mapped (hint));

  /* A saved message's button tells its format. */
  g_assert_true (np_send_box_add_saved_message (window->send_box, "Status", "STATUS?\\r\\n", NP_FORMAT_TEXT, &error));
  g_assert_no_error (error);
  button = gtk_widget_get_first_child (gtk_flow_box_child_get_child (gtk_flow_box_get_child_at_index (saved, 0)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "STATUS?\\r\\n\n(written as Text)");

  np_test_close_window (window);
}

/* ---- 7. the footer's units; a file's row has a length, in the log and in the CSV ------------ */

static gboolean
footer_counted (gpointer data)
{
  NpWindow *window = data;

  return np_status_bar_get_bytes_in (window->status_bar) == 27346
         && g_str_has_prefix (np_status_bar_get_text (window->status_bar), "In 27.3\u00a0kB / ");
}

static gboolean
not_sending (gpointer data)
{
  return !NP_WINDOW (data)->sending_file;
}

static void
test_units_and_lengths (void)
{
  NpWindow *window = np_test_new_window ();
  guint port = np_test_start_server (window);
  g_autoptr(GSocket) client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  g_autofree char *block = g_malloc0 (27346);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-behave-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "firmware.bin", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "log.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autofree char *csv_text = NULL;
  GAsyncResult *pending = NULL;
  guint n_rows = 0;

  g_assert_no_error (error);
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  np_test_send (client, NULL, block, 27346);
  /* The footer in the list's units; the exact figure in its tooltip. */
  np_test_wait_until (footer_counted, window, "the footer to say In 27.3 kB");
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (part_child (window->status_bar, "label")),
                                   "Exactly: in 27346 bytes ("));

  g_assert_true (g_file_set_contents (path, block, 1000, NULL));
  np_window_send_file (window, file);
  np_test_wait_until (not_sending, window, "the file to go");
  np_test_expect_row_shown (window, "File firmware.bin");
  g_assert_true (np_test_log_text_shown (window, "1000"));

  np_window_export_log (window, csv, FALSE, NP_LOG_EXPORT_CSV, np_test_async_ready, &pending);
  {
    g_autoptr(GAsyncResult) result = np_test_wait_async (&pending, "the export");

    g_assert_true (np_log_export_finish (result, &n_rows, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (csv_path, &csv_text, NULL, NULL));
  g_assert_nonnull (strstr (csv_text, ",1000,File firmware.bin"));

  np_test_stop (window);
  np_test_close_window (window);
  g_unlink (path);
  g_unlink (csv_path);
  g_rmdir (dir);
}

/* ---- 8, 10. greyed options say why; the first start's controls ------------------------------ */

static void
test_first_start (void)
{
  NpWindow *window = np_test_new_window ();
  GtkMenuButton *options = part_child (window->endpoint_bar, "options_button");
  GtkWidget *running_label = part_child (window->endpoint_bar, "options_running_label");
  GtkWidget *send_all = part_child (window->peer_list, "send_all_button");
  GtkWidget *disconnect_all = part_child (window->peer_list, "disconnect_all_button");
  GtkWidget *unit;
  g_autoptr(GSocket) client = NULL;
  guint port;

  np_test_wait_frames (window);
  /* The repeat interval has its unit beside it. */
  unit = gtk_widget_get_next_sibling (part_child (window->send_box, "repeat_spin"));
  g_assert_true (GTK_IS_LABEL (unit));
  g_assert_true (gtk_widget_get_mapped (unit));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (unit)), ==, "ms");

  port = np_test_start_server (window);
  np_test_wait_frames (window);
  /* Running with no client: "all" of nobody is greyed. */
  g_assert_false (gtk_widget_is_sensitive (send_all));
  g_assert_false (gtk_widget_is_sensitive (disconnect_all));
  client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_is_sensitive (send_all));
  g_assert_true (gtk_widget_is_sensitive (disconnect_all));

  /* The options, greyed while running, say why. */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (options)), ==, "Stop to change the options");
  gtk_menu_button_popup (options);
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_get_mapped (running_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (running_label)), ==, "Stop to change the options");
  gtk_menu_button_popdown (options);

  np_test_stop (window);
  np_test_wait_frames (window);
  g_assert_false (gtk_widget_get_visible (running_label));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (options)), !=, "Stop to change the options");
  np_test_close_window (window);
}

/* ---- 8b. Send greyed while it can go nowhere, and why ----------------------------------------- */

static gboolean
toast_says (gpointer data)
{
  WindowText *wanted = data;
  AdwToast *toast = wanted->window->error_toast;

  return toast != NULL && g_strcmp0 (adw_toast_get_title (toast), wanted->text) == 0;
}

static gboolean
no_toast (gpointer window)
{
  return ((NpWindow *) window)->error_toast == NULL;
}

/* The window keeps one toast and learns it is gone when it is finalized: dismissed and gone,
 * the next message makes a new one. */
static void
dismiss_toast (NpWindow *window)
{
  if (window->error_toast != NULL)
    adw_toast_dismiss (window->error_toast);
  np_test_wait_until (no_toast, window, "the toast gone");
}

/* The Send button is greyed and its tooltip says @why; Ctrl+Enter in the message box says it
 * in a toast, sends nothing and types no newline. With @from_log, Ctrl+Enter on a row of the
 * log too (the window's own key, for where the focus is not in the box). */
static void
assert_send_greyed (NpWindow   *window,
                    const char *why,
                    gboolean    from_log)
{
  GtkWidget *send = part_child (window->send_box, "send_button");
  WindowText toast = { window, why };
  g_autofree char *draft = NULL;

  np_test_wait_frames (window);
  g_assert_false (gtk_widget_is_sensitive (send));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (send), ==, why);

  dismiss_toast (window);
  np_send_box_focus_message (window->send_box);
  if (!np_test_press_keys (window, "ctrl+Return"))
    return;
  np_test_wait_until (toast_says, &toast, why);
  draft = np_send_box_get_draft (window->send_box);
  g_assert_cmpstr (draft, ==, "hello");
  if (!from_log)
    return;

  dismiss_toast (window);
  gtk_widget_grab_focus (part_child (window->log_view, "column_view"));
  g_assert_true (g_type_is_a (G_OBJECT_TYPE (gtk_root_get_focus (GTK_ROOT (window))), g_type_from_name ("GtkListItemWidget")));
  np_test_press_keys (window, "ctrl+Return");
  np_test_wait_until (toast_says, &toast, why);
}

static gboolean
is_repeating (gpointer window)
{
  gboolean repeating;

  g_object_get (window, "repeating", &repeating, NULL);
  return repeating;
}

static gboolean
not_repeating (gpointer window)
{
  return !is_repeating (window);
}

/* Send (its button, Ctrl+Enter) goes nowhere before Start, nor while a server has no client:
 * the button is greyed and says why, the key says it in a toast. (Send was enabled with no
 * client, and a click toasted "Not sent: no client is connected"; before Start the key did
 * nothing one could see.) A client that connects, with a real socket, makes Send work; when it
 * leaves, Send is greyed again and a running Repeat stops. UDP without a destination waits for
 * a first peer heard. */
static void
test_send_needs_somewhere (void)
{
  NpWindow *window = np_test_new_window ();
  GtkWidget *send = part_child (window->send_box, "send_button");
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GSocket) peer = NULL;
  g_autoptr(GSocketAddress) to = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  np_send_box_set_draft (window->send_box, "hello");
  assert_send_greyed (window, "Not started: press Start first", FALSE);
  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "127.0.0.1", "9", NULL);
  np_test_wait_frames (window);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (send), ==, "Not connected: press Connect first");

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", "0", NULL);
  port = np_test_start_server (window);
  assert_send_greyed (window, "No client is connected: there is nobody to send to", TRUE);

  client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_is_sensitive (send));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (send), ==, "Send to All (Ctrl+Enter)");
  np_send_box_focus_message (window->send_box);
  if (np_test_press_keys (window, "ctrl+Return"))
    np_test_expect_text (client, "hello", "what Ctrl+Enter sent to the client");

  /* Repeating when it leaves: Repeat stops and says why (it reported a failure every interval).
   * Its next interval is far off: it stops when the client goes, not at a send that failed
   * (one still in flight as the client left would toast "Not sent" after the reason). */
  gtk_spin_button_set_value (part_child (window->send_box, "repeat_spin"), 3600000);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.repeat", NULL);
  g_assert_true (is_repeating (window));
  np_test_expect_text (client, "hello", "Repeat's first send");
  np_test_tcp_reset (client);   /* as a device that drops off: the server sees it gone at once */
  np_test_wait_for_items (np_test_peers_of (window), 0, "the client gone");
  np_test_wait_until (not_repeating, window, "Repeat to stop");
  {
    WindowText toast = { window, "No client is connected: there is nobody to send to" };

    np_test_wait_until (toast_says, &toast, toast.text);
  }
  assert_send_greyed (window, "No client is connected: there is nobody to send to", TRUE);
  np_test_stop (window);

  /* UDP sends to the destination, else to every peer heard: none yet, nowhere. */
  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "UDP bound");
  assert_send_greyed (window, "No peer has been heard from yet: enter a destination (HOST:PORT) to send to", TRUE);
  peer = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  to = np_test_loopback_address (G_SOCKET_FAMILY_IPV4, np_window_get_endpoint_port (window));
  g_assert_cmpint (g_socket_send_to (peer, to, "hi", 2, NULL, &error), ==, 2);
  g_assert_no_error (error);
  np_test_wait_for_items (np_test_peers_of (window), 1, "the peer heard");
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_is_sensitive (send));

  np_test_stop (window);
  np_test_close_window (window);
}

static gboolean
is_repeat_button (GtkWidget     *widget,
                  gconstpointer  unused)
{
  return GTK_IS_TOGGLE_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.repeat") == 0;
}

/* How many rows of the log say a send failed ("Not sent: …"). */
static guint
not_sent_rows (NpWindow *window)
{
  GListModel *rows = G_LIST_MODEL (np_test_log_of (window));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(NpLogRow) row = g_list_model_get_item (rows, i);

      n += np_log_row_get_direction (row) == NP_LOG_DIRECTION_ERROR
           && g_str_has_prefix (np_log_row_get_message (row), "Not sent");
    }
  return n;
}

/* Repeat is greyed where Send is, and says the same reason (it said "Send the message again
 * every interval", as if it could); a Repeat running when its last client leaves stops at once
 * with one toast saying why and no "Not sent" row, not at its next interval (an hour here) nor, as
 * the user saw it, with a "Not sent" row and a toast at every interval until pressed again. */
static void
test_repeat_needs_somewhere (void)
{
  const char *no_client = "No client is connected: there is nobody to send to";
  NpWindow *window = np_test_new_window ();
  GtkWidget *repeat = np_test_find_widget (GTK_WIDGET (window->send_box), is_repeat_button, NULL);
  WindowText toast = { window, no_client };
  g_autoptr(GSocket) client = NULL;
  guint port;

  np_send_box_set_draft (window->send_box, "tick");
  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", "0", NULL);
  port = np_test_start_server (window);
  np_test_wait_frames (window);
  g_assert_false (gtk_widget_is_sensitive (repeat));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (repeat), ==, no_client);

  client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_is_sensitive (repeat));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (repeat), ==, "Send the message again every interval");

  gtk_spin_button_set_value (part_child (window->send_box, "repeat_spin"), 3600000);
  dismiss_toast (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.repeat", NULL);
  g_assert_true (is_repeating (window));
  np_test_expect_text (client, "tick", "the first of the repeats");
  np_test_tcp_reset (client);
  np_test_wait_for_items (np_test_peers_of (window), 0, "the client gone");
  np_test_wait_until (not_repeating, window, "Repeat to stop when its last client left");
  np_test_wait_until (toast_says, &toast, no_client);
  g_assert_cmpuint (window->repeat_id, ==, 0);
  g_assert_cmpuint (not_sent_rows (window), ==, 0);
  g_assert_false (gtk_widget_is_sensitive (repeat));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (repeat), ==, no_client);

  np_test_stop (window);
  np_test_close_window (window);
}

/* The client list's four buttons, greyed, say why in their tooltips (they said nothing, as
 * the trial's user found with no client): before Start, with no client, and the Selected ones
 * with nothing selected; a button that can act has none. */
static void
assert_client_buttons_say (NpWindow   *window,
                           const char *why_not_all,
                           const char *why_not_selected)
{
  const char *all[] = { "send_all_button", "disconnect_all_button" };
  const char *selected[] = { "send_selected_button", "disconnect_button" };

  np_test_wait_frames (window);
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      GtkWidget *button = part_child (window->peer_list, all[i]);

      g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, why_not_all);
      g_assert_true (gtk_widget_is_sensitive (button) == (why_not_all == NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (selected); i++)
    {
      GtkWidget *button = part_child (window->peer_list, selected[i]);

      g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, why_not_selected);
      g_assert_true (gtk_widget_is_sensitive (button) == (why_not_selected == NULL));
    }
}

static void
test_client_buttons_say_why (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GSocket) client = NULL;
  guint port;

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", "0", NULL);
  assert_client_buttons_say (window, "Not started: press Start first", "Not started: press Start first");
  port = np_test_start_server (window);
  assert_client_buttons_say (window, "No client is connected yet", "No client is connected yet");
  client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  assert_client_buttons_say (window, NULL, "Select clients in the list first");
  gtk_selection_model_select_item (part_child (window->peer_list, "selection"), 0, TRUE);
  assert_client_buttons_say (window, NULL, NULL);

  np_test_stop (window);
  np_test_close_window (window);
}

/* ---- 9. the Shortcuts window lists what the menu shows ----------------------------------------- */

static gboolean
has_accelerator (GObject    *object,
                 const char *accelerator)
{
  g_autofree char *found = NULL;

  if (GTK_IS_SHORTCUTS_SHORTCUT (object))
    {
      g_object_get (object, "accelerator", &found, NULL);
      if (g_strcmp0 (found, accelerator) == 0)
        return TRUE;
    }
  if (GTK_IS_WIDGET (object))
    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (object)); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (has_accelerator (G_OBJECT (child), accelerator))
        return TRUE;
  return FALSE;
}

static void
test_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/netpoke/Netpoke/gtk/help-overlay.ui");
  GtkWindow *overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  g_assert_cmpstr (gtk_window_get_title (overlay), ==, "Keyboard Shortcuts");
  g_assert_true (has_accelerator (G_OBJECT (overlay), "<Ctrl>comma"));
  g_assert_true (has_accelerator (G_OBJECT (overlay), "<Ctrl>q"));
  gtk_window_destroy (overlay);
}

/* ---- 11. each mode's fields after a restart --------------------------------------------------- */

static void
start_and_stop (NpWindow *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (is_running, window, "the endpoint to start");
  np_test_stop (window);
}

static void
choose_mode (NpWindow *window,
             NpMode    mode)
{
  g_object_set (window->endpoint_bar, "mode", mode, NULL);
  np_test_wait_frames (window);
}

static void
assert_field (NpWindow   *window,
              const char *entry,
              const char *text)
{
  g_assert_cmpstr (gtk_editable_get_text (part_child (window->endpoint_bar, entry)), ==, text);
}

static void
test_fields_after_restart (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GSocket) listener = np_test_tcp_listen (G_SOCKET_FAMILY_IPV4);
  g_autofree char *tcp_port = g_strdup_printf ("%u", np_test_local_port (listener));
  g_autoptr(GSocket) server = NULL;

  /* A day's work: a TCP client to one device, UDP to another. */
  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "127.0.0.1", tcp_port, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  server = np_test_tcp_accept (listener);
  np_test_wait_until (is_running, window, "the client to connect");
  np_test_stop (window);
  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", "127.0.0.1:9301");
  start_and_stop (window);
  np_test_close_window (window);

  /* Netpoke again: UDP (started last) and the TCP client have their fields back. */
  window = np_test_new_window ();
  np_test_wait_frames (window);
  g_assert_cmpint (np_endpoint_bar_get_mode (window->endpoint_bar), ==, NP_MODE_UDP);
  assert_field (window, "address_entry", "127.0.0.1");
  assert_field (window, "port_entry", "0");
  assert_field (window, "destination_entry", "127.0.0.1:9301");
  choose_mode (window, NP_MODE_TCP_CLIENT);
  assert_field (window, "address_entry", "127.0.0.1");
  assert_field (window, "port_entry", tcp_port);
  g_assert_true (gtk_widget_get_mapped (part_child (window->endpoint_bar, "address_entry")));
  choose_mode (window, NP_MODE_UDP);
  assert_field (window, "destination_entry", "127.0.0.1:9301");
  np_test_close_window (window);
}

/* ---- 11. Ctrl+click adds a client to the selection, as in any GTK list ------------------------ */

static gboolean
is_label_saying (GtkWidget     *widget,
                 gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* @client's address as the server names it: "127.0.0.1:PORT". */
static char *
server_side_name (GSocket *client)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (client, NULL);

  return g_strdup_printf ("127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
}

/* The client list's cell showing @client's address (the server's view of it). */
static GtkWidget *
client_cell (NpWindow *window,
             GSocket  *client)
{
  g_autofree char *address = server_side_name (client);
  GtkWidget *cell = np_test_find_widget (part_child (window->peer_list, "peer_view"), is_label_saying, address);

  g_assert_nonnull (cell);
  return cell;
}

static gboolean
is_inscription_saying (GtkWidget     *widget,
                       gconstpointer  text)
{
  return GTK_IS_INSCRIPTION (widget) && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0;
}

/* The log's Peer cell of the row about @client (its "Connected"). */
static GtkWidget *
log_cell (NpWindow *window,
          GSocket  *client)
{
  g_autofree char *address = server_side_name (client);
  GtkWidget *cell = np_test_find_widget (part_child (window->log_view, "column_view"), is_inscription_saying, address);

  g_assert_nonnull (cell);
  return cell;
}

static guint
n_selected_rows (NpWindow *window)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (part_child (window->log_view, "selection"));

  return (guint) gtk_bitset_get_size (selected);
}

static guint
n_selected_peers (NpWindow *window)
{
  guint n;

  g_object_get (window->peer_list, "n-selected", &n, NULL);
  return n;
}

/* With real clicks (xdotool): a click selects one client, Ctrl+click adds another and Send
 * says "Send to 2 Selected", Ctrl+click on a selected one takes it out again; the same in the
 * log. (GTK 4.8's column view selected on both the cell's click and the row's: a Ctrl+click
 * toggled twice, so it added nothing and took nothing out.) */
static void
test_ctrl_click_selects (void)
{
  NpWindow *window = np_test_new_window ();
  GtkLabel *send_label = part_child (window->send_box, "send_label");
  g_autoptr(GSocket) first = NULL;
  g_autoptr(GSocket) second = NULL;
  guint port;

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", "0", NULL);
  port = np_test_start_server (window);
  first = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  second = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_wait_for_items (np_test_peers_of (window), 2, "the two clients");
  np_test_wait_frames (window);

  if (!np_test_click (window, client_cell (window, first), NULL))
    goto out;
  g_assert_cmpuint (n_selected_peers (window), ==, 1);
  np_test_click (window, client_cell (window, second), "ctrl");
  g_assert_cmpuint (n_selected_peers (window), ==, 2);
  g_assert_cmpstr (gtk_label_get_text (send_label), ==, "Send to 2 Selected");
  np_test_click (window, client_cell (window, first), "ctrl");
  g_assert_cmpuint (n_selected_peers (window), ==, 1);
  g_assert_cmpstr (gtk_label_get_text (send_label), ==, "Send to 1 Selected");

  /* The log likewise: the two clients' "Connected" rows. */
  np_test_expect_part_shown (window, "Connected");
  np_test_click (window, log_cell (window, first), NULL);
  g_assert_cmpuint (n_selected_rows (window), ==, 1);
  np_test_click (window, log_cell (window, second), "ctrl");
  g_assert_cmpuint (n_selected_rows (window), ==, 2);
  np_test_click (window, log_cell (window, first), "ctrl");
  g_assert_cmpuint (n_selected_rows (window), ==, 1);

out:
  np_test_stop (window);
  np_test_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  np_test_init_window_tests (&argc, &argv);

  g_test_add_func ("/window-behave/reconnect-title", test_reconnect_title);
  g_test_add_func ("/window-behave/server-closed-title", test_server_closed_title);
  g_test_add_func ("/window-behave/get-sends-no-draft", test_get_sends_no_draft);
  g_test_add_func ("/window-behave/quit-count", test_quit_count);
  g_test_add_func ("/window-behave/finished-peer", test_finished_peer);
  g_test_add_func ("/window-behave/escapes-hint", test_escapes_hint);
  g_test_add_func ("/window-behave/units-and-lengths", test_units_and_lengths);
  g_test_add_func ("/window-behave/first-start", test_first_start);
  g_test_add_func ("/window-behave/send-needs-somewhere", test_send_needs_somewhere);
  g_test_add_func ("/window-behave/repeat-needs-somewhere", test_repeat_needs_somewhere);
  g_test_add_func ("/window-behave/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/window-behave/fields-after-restart", test_fields_after_restart);
  g_test_add_func ("/window-behave/ctrl-click-selects", test_ctrl_click_selects);
  g_test_add_func ("/window-behave/client-buttons-say-why", test_client_buttons_say_why);

  return g_test_run ();
}
