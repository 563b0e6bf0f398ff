/* The real NpWindow in-process (under Xvfb): validation, start/stop against real sockets,
 * client list, log batching into rows, text/hex re-render, filter, send to all, disconnect,
 * address in use. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "np-peer.h"
#include "np-preferences-window.h"
#include "np-test-utils.h"
#include "np-window-private.h"

#define APP_ID "io.github.netpoke.Netpoke"

typedef gboolean (*Condition) (gpointer data);

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds; fails the test after 10 s. */
static void
wait_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (10, on_timeout, &timed_out);

  while (!condition (data))
    {
      if (timed_out)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (id);
}

static gpointer
child (NpWindow   *window,
       const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (window), NP_TYPE_WINDOW, name);
}

static gboolean
is_listening (gpointer data)
{
  return np_window_get_endpoint_port (data) != 0;
}

static gboolean
is_stopped (gpointer data)
{
  return !np_window_is_running (data);
}

typedef struct { GListModel *model; guint n; } Count;

static gboolean
has_n_items (gpointer data)
{
  Count *count = data;
  return g_list_model_get_n_items (count->model) == count->n;
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static GSocket *
connect_client (guint port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);

  g_assert_true (g_socket_connect (socket, address, NULL, NULL));
  g_socket_set_blocking (socket, FALSE);
  return socket;
}

typedef struct { GSocket *socket; GString *got; gsize want; } Reader;

static gboolean
has_read (gpointer data)
{
  Reader *reader = data;
  char buffer[256];
  gssize n;

  while ((n = g_socket_receive (reader->socket, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (reader->got, buffer, n);
  return reader->got->len >= reader->want || n == 0;
}

/* Waits for @socket to receive exactly @expected (fails the test after 10 s). */
static void
expect_received (GSocket    *socket,
                 const char *expected,
                 const char *what)
{
  Reader reader = { socket, g_string_new (NULL), strlen (expected) };

  wait_until (has_read, &reader, what);
  g_assert_cmpstr (reader.got->str, ==, expected);
  g_string_free (reader.got, TRUE);
}

static NpWindow *
new_window (void)
{
  NpWindow *window = np_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* A TCP server on a free loopback port, started and listening; returns the port. */
static guint
start_server (NpWindow *window)
{
  guint port = free_port ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", port_text, NULL);
  np_window_start (window);
  wait_until (is_listening, window, "listening");
  return port;
}

static void
test_validation (void)
{
  NpWindow *window = new_window ();
  GtkWidget *port = child (window, "port_entry");
  GtkWidget *start = child (window, "start_button");

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, NULL, "70000", NULL);
  g_assert_cmpstr (np_window_get_validation (window), ==, "Port must be 1–65535");
  g_assert_true (gtk_widget_has_css_class (port, "error"));
  g_assert_false (gtk_widget_is_sensitive (start));

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, NULL, "abc", NULL);
  g_assert_cmpstr (np_window_get_validation (window), ==, "Port must be 1–65535");

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "my-laptop", "8080", NULL);
  g_assert_nonnull (strstr (np_window_get_validation (window), "not an IP address"));
  g_assert_false (gtk_widget_has_css_class (port, "error"));
  g_assert_true (gtk_widget_has_css_class (child (window, "address_entry"), "error"));

  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "", "8080", NULL);
  g_assert_cmpstr (np_window_get_validation (window), ==, "Enter the host to connect to");

  np_window_set_endpoint (window, NP_MODE_UDP, NULL, "", "somewhere");
  g_assert_nonnull (strstr (np_window_get_validation (window), "HOST:PORT"));
  g_assert_true (gtk_widget_has_css_class (child (window, "destination_entry"), "error"));

  np_window_set_endpoint (window, NP_MODE_UDP, NULL, "", "127.0.0.1:9");
  g_assert_null (np_window_get_validation (window));
  g_assert_true (gtk_widget_is_sensitive (start));
  g_assert_false (gtk_widget_get_visible (child (window, "disconnect_button")));

  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "localhost", "8080", NULL);
  g_assert_null (np_window_get_validation (window));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (start)), ==, "Connect");
  g_assert_false (gtk_widget_get_visible (child (window, "peer_pane")));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_server_session (void)
{
  NpWindow *window = new_window ();
  guint port = free_port ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  GListModel *peers = np_window_get_peers (window);
  NpLogModel *log = np_window_get_log_model (window);
  g_autoptr(GSocket) first = NULL;
  g_autoptr(GSocket) second = NULL;
  g_autoptr(NpLogRow) row = NULL;
  g_autofree char *as_text = NULL;
  g_autofree char *as_hex = NULL;
  Count count;
  guint rows_before;

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", port_text, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  wait_until (is_listening, window, "listening");
  g_assert_cmpuint (np_window_get_endpoint_port (window), ==, port);
  g_assert_cmpstr (gtk_button_get_label (child (window, "start_button")), ==, "Stop");
  g_assert_false (gtk_widget_is_sensitive (child (window, "mode_dropdown")));

  first = connect_client (port);
  second = connect_client (port);
  count = (Count) { peers, 2 };
  wait_until (has_n_items, &count, "two clients in the list");

  /* Data arrives as a row; the row re-renders as hex from its stored bytes. */
  rows_before = g_list_model_get_n_items (G_LIST_MODEL (log));
  g_assert_cmpint (g_socket_send (first, "hello\r\n", 7, NULL, NULL), ==, 7);
  count = (Count) { G_LIST_MODEL (log), rows_before + 1 };
  wait_until (has_n_items, &count, "the received row");
  row = g_list_model_get_item (G_LIST_MODEL (log), rows_before);
  g_assert_cmpint (np_log_row_get_direction (row), ==, NP_LOG_DIRECTION_IN);
  as_text = np_window_render_data (window, row);
  g_assert_cmpstr (as_text, ==, "hello\\r\\n");
  gtk_drop_down_set_selected (child (window, "display_dropdown"), 1);
  as_hex = np_window_render_data (window, row);
  g_assert_cmpstr (as_hex, ==, "68 65 6C 6C 6F 0D 0A");
  g_assert_cmpuint (np_window_get_bytes_in (window), ==, 7);
  {
    g_autoptr(NpPeer) peer = g_list_model_get_item (peers, 0);
    g_assert_cmpuint (np_peer_get_bytes_in (peer), ==, 7);
  }

  /* Filter by rendered text (hex now) and by peer. */
  {
    GListModel *visible = np_window_get_visible_log (window);
    GtkEditable *search = child (window, "search_entry");

    gtk_editable_set_text (search, "6c 6c 6f");
    count = (Count) { visible, 1 };
    wait_until (has_n_items, &count, "one row matching the hex filter");
    gtk_editable_set_text (search, "");
    count = (Count) { visible, g_list_model_get_n_items (G_LIST_MODEL (log)) };
    wait_until (has_n_items, &count, "the filter cleared");
  }

  /* Send to all: both clients get the text. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (child (window, "send_view")), "ping", -1);
  gtk_check_button_set_active (child (window, "crlf_check"), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-all", NULL);
  expect_received (first, "ping\r\n", "the first client to get the broadcast");
  expect_received (second, "ping\r\n", "the second client to get the broadcast");

  /* Disconnect the selected client: its socket sees EOF, the list shrinks. */
  {
    GtkColumnView *view = child (window, "peer_view");
    GtkSelectionModel *selection = gtk_column_view_get_model (view);
    g_autoptr(NpPeer) peer = g_list_model_get_item (peers, 0);
    /* The list is in connection order: item 0 is the first client. */
    Reader eof = { first, g_string_new (NULL), 1 };

    g_assert_cmpuint (np_peer_get_id (peer), ==, 1);
    gtk_selection_model_select_item (selection, 0, TRUE);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.disconnect", NULL);
    count = (Count) { peers, 1 };
    wait_until (has_n_items, &count, "one client left");
    wait_until (has_read, &eof, "EOF on the disconnected client");
    g_assert_cmpuint (eof.got->len, ==, 0);
    g_string_free (eof.got, TRUE);
  }

  /* Stop: the last client is closed cleanly, the window is ready to start again. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (is_stopped, window, "stopped");
  g_assert_cmpuint (g_list_model_get_n_items (peers), ==, 0);
  g_assert_cmpstr (gtk_button_get_label (child (window, "start_button")), ==, "Start");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_address_in_use (void)
{
  NpWindow *window = new_window ();
  g_autoptr(GSocket) busy = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *port = NULL;
  NpLogModel *log = np_window_get_log_model (window);
  g_autoptr(NpLogRow) last = NULL;

  g_assert_true (g_socket_bind (busy, any, TRUE, NULL));
  g_assert_true (g_socket_listen (busy, NULL));
  bound = g_socket_get_local_address (busy, NULL);
  port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", port, NULL);
  np_window_start (window);
  g_assert_true (np_window_is_running (window));
  wait_until (is_stopped, window, "the failed start to be reported");

  last = g_list_model_get_item (G_LIST_MODEL (log), g_list_model_get_n_items (G_LIST_MODEL (log)) - 1);
  g_assert_cmpint (np_log_row_get_direction (last), ==, NP_LOG_DIRECTION_ERROR);
  g_assert_nonnull (strstr (np_log_row_get_message (last), "the address is already in use"));
  g_assert_true (gtk_widget_is_sensitive (child (window, "start_button")));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
set_draft (NpWindow   *window,
           const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (child (window, "send_view")), text, -1);
}

static char *
get_draft (NpWindow *window)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (child (window, "send_view"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  *(char **) user_data = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* Send to selected, repeat, history, copy rows and clear, on a server with two clients. */
static void
test_sending_tools (void)
{
  NpWindow *window = new_window ();
  guint port;
  GListModel *peers = np_window_get_peers (window);
  NpLogModel *log = np_window_get_log_model (window);
  g_autoptr(GSocket) first = NULL;
  g_autoptr(GSocket) second = NULL;
  Count count;

  port = start_server (window);
  first = connect_client (port);
  second = connect_client (port);
  count = (Count) { peers, 2 };
  wait_until (has_n_items, &count, "two clients");

  /* Send to the selected (second) client only. */
  gtk_selection_model_select_item (gtk_column_view_get_model (child (window, "peer_view")), 1, TRUE);
  set_draft (window, "only you");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-selected", NULL);
  expect_received (second, "only you", "the selected client to get it");
  {
    char buffer[16];

    g_assert_cmpint (g_socket_receive (first, buffer, sizeof buffer, NULL, NULL), ==, -1);  /* nothing */
  }

  /* Repeat every 20 ms until turned off: at least three copies arrive. */
  set_draft (window, "tick;");
  gtk_spin_button_set_value (child (window, "repeat_spin"), 20);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.repeat", NULL);
  {
    Reader a = { first, g_string_new (NULL), 15 };

    wait_until (has_read, &a, "three repeated messages");
    g_assert_true (g_str_has_prefix (a.got->str, "tick;tick;tick;"));
    g_string_free (a.got, TRUE);
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.repeat", NULL);
  {
    gboolean repeating = TRUE;

    g_object_get (window, "repeating", &repeating, NULL);
    g_assert_false (repeating);
  }

  /* History: Ctrl+Up brings back earlier messages, Ctrl+Down returns to the draft. */
  set_draft (window, "third");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.history-previous", NULL);
  {
    g_autofree char *recalled = get_draft (window);
    g_assert_cmpstr (recalled, ==, "tick;");
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.history-previous", NULL);
  {
    g_autofree char *recalled = get_draft (window);
    g_assert_cmpstr (recalled, ==, "only you");
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.history-next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.history-next", NULL);
  {
    g_autofree char *draft = get_draft (window);
    g_assert_cmpstr (draft, ==, "");
  }

  /* Copy selected rows: tab-separated lines on the clipboard. */
  {
    GtkSelectionModel *rows = gtk_column_view_get_model (child (window, "log_view"));
    char *copied = NULL;

    gtk_selection_model_select_item (rows, 0, TRUE);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-rows", NULL);
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                   on_clipboard_text, &copied);
    wait_until (is_set, &copied, "the clipboard text");
    g_assert_nonnull (strstr (copied, "\tinfo\t"));
    g_assert_nonnull (strstr (copied, "Listening on 127.0.0.1:"));
    g_free (copied);
  }

  /* Clear empties the log but not the counters. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (is_stopped, window, "stopped");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* UDP: peers heard appear in the list; Reply to Selected and Send to All Heard reach them. */
static void
test_udp_peers (void)
{
  NpWindow *window = new_window ();
  GListModel *peers = np_window_get_peers (window);
  g_autoptr(GSocket) a = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GSocket) b = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) target = NULL;
  Count count;

  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "", NULL);
  g_assert_cmpstr (gtk_button_get_label (child (window, "send_all_button")), ==, "Send to All Heard");
  np_window_start (window);
  wait_until (is_listening, window, "udp bound");
  target = g_inet_socket_address_new (loopback, np_window_get_endpoint_port (window));

  g_assert_true (g_socket_bind (a, any, FALSE, NULL));
  g_assert_true (g_socket_bind (b, any, FALSE, NULL));
  g_socket_set_blocking (a, FALSE);
  g_socket_set_blocking (b, FALSE);
  g_assert_cmpint (g_socket_send_to (a, target, "from a", 6, NULL, NULL), ==, 6);
  g_assert_cmpint (g_socket_send_to (b, target, "from b", 6, NULL, NULL), ==, 6);
  count = (Count) { peers, 2 };
  wait_until (has_n_items, &count, "two peers heard");
  g_assert_nonnull (strstr (gtk_label_get_text (child (window, "status_label")), "Peers heard 2"));

  set_draft (window, "to all heard");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-all", NULL);
  expect_received (a, "to all heard", "peer a to get the datagram");
  expect_received (b, "to all heard", "peer b to get the datagram");

  gtk_selection_model_select_item (gtk_column_view_get_model (child (window, "peer_view")), 0, TRUE);
  set_draft (window, "reply");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-selected", NULL);
  expect_received (a, "reply", "the selected peer to get the reply");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (is_stopped, window, "stopped");
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
has_dialog (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* Stopping a server with clients asks first (a setting); Cancel keeps it running. */
static void
test_confirm_stop (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NpWindow *window = new_window ();
  guint port;
  g_autoptr(GSocket) client = NULL;
  Count count;
  AdwMessageDialog *dialog;

  g_settings_set_boolean (settings, "confirm-stop", TRUE);
  port = start_server (window);
  client = connect_client (port);
  count = (Count) { np_window_get_peers (window), 1 };
  wait_until (has_n_items, &count, "a client");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (has_dialog, NULL, "the confirmation dialog");
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 client is connected"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (np_window_is_running (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (has_dialog, NULL, "the confirmation dialog again");
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, "stop");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until (is_stopped, window, "stopped after confirming");

  g_settings_set_boolean (settings, "confirm-stop", FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* What was started last comes back in a new window; the row cap follows its setting; the
 * Preferences window edits the same settings. */
static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NpWindow *window = new_window ();
  NpWindow *again;
  NpPreferencesWindow *preferences;

  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", "127.0.0.1:9");
  np_window_start (window);
  wait_until (is_listening, window, "udp bound");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (is_stopped, window, "stopped");
  gtk_window_destroy (GTK_WINDOW (window));

  again = new_window ();
  g_assert_cmpuint (gtk_drop_down_get_selected (child (again, "mode_dropdown")), ==, NP_MODE_UDP);
  g_assert_cmpstr (gtk_editable_get_text (child (again, "address_entry")), ==, "127.0.0.1");
  g_assert_cmpstr (gtk_editable_get_text (child (again, "destination_entry")), ==, "127.0.0.1:9");

  g_settings_set_uint (settings, "log-row-cap", 5000);
  g_assert_cmpuint (np_log_model_get_cap (np_window_get_log_model (again)), ==, 5000);
  g_settings_set_enum (settings, "receive-encoding", 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (child (again, "rx_encoding_dropdown")), ==, 1);

  preferences = np_preferences_window_new (GTK_WINDOW (again), settings);
  gtk_window_present (GTK_WINDOW (preferences));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                                            NP_TYPE_PREFERENCES_WINDOW,
                                                                            "row_cap_spin")), 250000);
  g_assert_cmpuint (g_settings_get_uint (settings, "log-row-cap"), ==, 250000);
  g_assert_cmpuint (np_log_model_get_cap (np_window_get_log_model (again)), ==, 250000);
  adw_combo_row_set_selected (ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                                           NP_TYPE_PREFERENCES_WINDOW,
                                                                           "timestamp_row")), 3);
  g_assert_cmpint (g_settings_get_enum (settings, "timestamp-format"), ==, 3);

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (again));
  g_settings_reset (settings, "log-row-cap");
  g_settings_reset (settings, "receive-encoding");
  g_settings_reset (settings, "timestamp-format");
}

static gboolean
equal_workspaces (NpSession *a,
                  NpSession *b)
{
  g_autofree char *da = np_session_to_data (a);
  g_autofree char *db = np_session_to_data (b);

  if (!g_str_equal (da, db))
    g_printerr ("# workspace differs:\n%s\n---\n%s\n", da, db);
  return g_str_equal (da, db);
}

/* A workspace saved, the window closed, reopened: identical, also when restored on start.
 * A malformed file is refused and leaves the current workspace as it was. */
static void
test_workspace (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.netpoke", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "broken.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  g_autoptr(NpSession) before = NULL;
  g_autoptr(NpSession) restored = NULL;
  g_autoptr(NpSession) reopened = NULL;
  g_autoptr(NpSession) unchanged = NULL;
  NpWindow *window = new_window ();
  NpWindow *again;

  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "192.0.2.7", "502", NULL);
  gtk_drop_down_set_selected (child (window, "rx_encoding_dropdown"), 1);
  gtk_drop_down_set_selected (child (window, "tx_encoding_dropdown"), 2);
  gtk_drop_down_set_selected (child (window, "framing_dropdown"), 2);
  gtk_drop_down_set_selected (child (window, "display_dropdown"), 1);
  np_window_add_saved_message (window, "Read", "00 01 00 00 00 06 01 03 00 00 00 02", NP_FORMAT_HEX);
  np_window_add_saved_message (window, "温度", "T?\\r\\n", NP_FORMAT_ESCAPES);
  g_assert_true (np_window_save_workspace (window, file, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "bench.netpoke — Netpoke");
  before = np_window_capture_workspace (window);
  gtk_window_destroy (GTK_WINDOW (window));

  /* A new window restores it on its own. */
  again = new_window ();
  restored = np_window_capture_workspace (again);
  g_assert_true (equal_workspaces (before, restored));
  g_assert_nonnull (gtk_widget_get_first_child (child (again, "saved_box")));

  /* Garbage in the file: refused with the file's name, nothing changes. */
  g_assert_true (g_file_set_contents (bad_path, "{\"format\": \"netpoke-workspace\", \"vers", -1, NULL));
  g_assert_false (np_window_open_workspace (again, bad, &error));
  g_assert_nonnull (strstr (error->message, "broken.netpoke"));
  g_assert_nonnull (strstr (error->message, "damaged or cut short"));
  g_clear_error (&error);
  unchanged = np_window_capture_workspace (again);
  g_assert_true (equal_workspaces (before, unchanged));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (again)), ==, "bench.netpoke — Netpoke");
  gtk_window_destroy (GTK_WINDOW (again));

  /* Explicit open in a window that starts from other settings. */
  g_settings_set_string (settings, "last-workspace", "");
  again = new_window ();
  np_window_set_endpoint (again, NP_MODE_UDP, NULL, "", NULL);
  g_assert_true (np_window_open_workspace (again, file, &error));
  reopened = np_window_capture_workspace (again);
  g_assert_true (equal_workspaces (before, reopened));
  gtk_window_destroy (GTK_WINDOW (again));

  /* A last workspace that has gone missing: the window starts anyway. */
  g_settings_set_string (settings, "last-workspace", "/nonexistent/gone.netpoke");
  again = new_window ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (again)));
  gtk_window_destroy (GTK_WINDOW (again));

  g_settings_reset (settings, "last-workspace");
  g_unlink (path);
  g_unlink (bad_path);
  g_rmdir (dir);
}

/* Clicking a saved message sends it, decoded from its format. */
static void
test_saved_message_sends (void)
{
  NpWindow *window = new_window ();
  guint port;
  g_autoptr(GSocket) client = NULL;
  GtkWidget *box, *button;
  Count count;

  np_window_add_saved_message (window, "Ping", "PING\\r\\n", NP_FORMAT_ESCAPES);
  port = start_server (window);
  client = connect_client (port);
  count = (Count) { np_window_get_peers (window), 1 };
  wait_until (has_n_items, &count, "a client");

  /* flow box child -> linked box -> [send button, remove button] */
  box = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_first_child (child (window, "saved_box"))));
  button = gtk_widget_get_first_child (box);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Ping");
  g_signal_emit_by_name (button, "clicked");
  expect_received (client, "PING\r\n", "the saved message");

  /* Its remove button takes it away. */
  g_signal_emit_by_name (gtk_widget_get_last_child (box), "clicked");
  g_assert_null (gtk_widget_get_first_child (child (window, "saved_box")));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (is_stopped, window, "stopped");
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct { GtkAdjustment *adjustment; gboolean at_end; } Scroll;

static gboolean
scrolled_as_wanted (gpointer data)
{
  Scroll *scroll = data;
  double bottom = gtk_adjustment_get_upper (scroll->adjustment) - gtk_adjustment_get_page_size (scroll->adjustment);
  double value = gtk_adjustment_get_value (scroll->adjustment);

  return bottom > 0 && (scroll->at_end ? value >= bottom - 2 : value < 1);
}

static void
wait_frames (void)
{
  gboolean done = FALSE;

  g_timeout_add (200, on_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The log follows new rows; scrolling up pauses that, scrolling back to the bottom resumes. */
static void
test_follow (void)
{
  NpWindow *window = new_window ();
  guint port;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (child (window, "log_scroller"));
  g_autoptr(GSocket) client = NULL;
  Scroll scroll = { adjustment, TRUE };

  port = start_server (window);
  client = connect_client (port);

  /* Enough rows to scroll, sent in bursts with frames drawn in between. */
  g_socket_set_blocking (client, TRUE);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u\n", i);

      g_socket_send (client, line, strlen (line), NULL, NULL);
      if (i % 50 == 49)
        wait_frames ();
    }
  wait_until (scrolled_as_wanted, &scroll, "the view to follow to the end");

  /* The user scrolls to the top: new rows no longer move the view. */
  gtk_adjustment_set_value (adjustment, 0);
  g_socket_send (client, "more\n", 5, NULL, NULL);
  wait_frames ();
  scroll.at_end = FALSE;
  g_assert_true (scrolled_as_wanted (&scroll));

  /* Back at the bottom: following resumes. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  g_socket_send (client, "again\n", 6, NULL, NULL);
  wait_frames ();
  scroll.at_end = TRUE;
  wait_until (scrolled_as_wanted, &scroll, "following to resume");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (is_stopped, window, "stopped");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* With a length-header framing, what the window sends goes out framed: a typed message, a
 * saved message, and a message to the selected client alike (the engine adds the header). */
static void
test_framing (void)
{
  NpWindow *window = new_window ();
  guint port;
  g_autoptr(GSocket) client = NULL;
  GtkWidget *box;
  Count count;

  gtk_drop_down_set_selected (child (window, "framing_dropdown"), 3);   /* 2-byte length (BE) */
  np_window_add_saved_message (window, "Ping", "PING", NP_FORMAT_TEXT);
  port = start_server (window);
  client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  count = (Count) { np_window_get_peers (window), 1 };
  wait_until (has_n_items, &count, "a client");

  set_draft (window, "ping");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
  np_test_expect_received (client, "\x00\x04ping", 6, "the typed message, framed");

  box = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_first_child (child (window, "saved_box"))));
  g_signal_emit_by_name (gtk_widget_get_first_child (box), "clicked");
  np_test_expect_received (client, "\x00\x04PING", 6, "the saved message, framed");

  gtk_selection_model_select_item (gtk_column_view_get_model (child (window, "peer_view")), 0, TRUE);
  set_draft (window, "one");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-selected", NULL);
  np_test_expect_received (client, "\x00\x03one", 5, "the message to the selected client, framed");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  wait_until (is_stopped, window, "stopped");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GSettings) settings = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* The other tests stop servers with clients directly; test_confirm_stop turns it on. */
  settings = g_settings_new (APP_ID);
  g_settings_set_boolean (settings, "confirm-stop", FALSE);

  g_test_add_func ("/window/validation", test_validation);
  g_test_add_func ("/window/server-session", test_server_session);
  g_test_add_func ("/window/address-in-use", test_address_in_use);
  g_test_add_func ("/window/sending-tools", test_sending_tools);
  g_test_add_func ("/window/udp-peers", test_udp_peers);
  g_test_add_func ("/window/confirm-stop", test_confirm_stop);
  g_test_add_func ("/window/settings", test_settings);
  g_test_add_func ("/window/workspace", test_workspace);
  g_test_add_func ("/window/saved-message-sends", test_saved_message_sends);
  g_test_add_func ("/window/follow", test_follow);
  g_test_add_func ("/window/framing", test_framing);

  return g_test_run ();
}
