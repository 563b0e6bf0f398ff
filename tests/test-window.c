/* The real NpWindow in-process (under Xvfb), with real sockets: validation, start/stop, the
 * client list, rows in the log, text/hex re-render, filter, sending (all, selected, repeat,
 * history, saved messages, framed), settings, workspaces. Every window is finalized at the end
 * of its test: nothing it started keeps it alive. What a person sees (rows inside the viewport,
 * keys pressed) is test-window-use. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "np-preferences-window.h"
#include "np-test-utils.h"
#include "np-window-test-utils.h"

#define APP_ID "io.github.netpoke.Netpoke"

/* ---- helpers ------------------------------------------------------------------------------- */

/* Shared with test-window-use (np-window-test-utils.c), under the names these tests use. */
#define part_child    np_test_part_child
#define new_window    np_test_new_window
#define close_window  np_test_close_window
#define start_server  np_test_start_server
#define stop          np_test_stop
#define is_listening  np_test_is_listening
#define is_stopped    np_test_is_stopped
#define has_dialog    np_test_has_message_dialog
#define peers_of      np_test_peers_of
#define log_of        np_test_log_of

static GSocket *
connect_client (NpWindow *window,
                guint     port)
{
  GSocket *client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);

  return client;
}

static void
set_draft (NpWindow   *window,
           const char *text)
{
  np_send_box_set_draft (window->send_box, text);
}

static char *
get_draft (NpWindow *window)
{
  return np_send_box_get_draft (window->send_box);
}

typedef struct
{
  GListModel *peers;
  guint64     bytes_out;
} Traffic;

typedef struct
{
  NpPeer  *peer;
  guint64  bytes_in;
} PeerBytes;

static gboolean
peer_has_bytes_in (gpointer data)
{
  PeerBytes *wanted = data;

  return np_peer_get_bytes_in (wanted->peer) == wanted->bytes_in;
}

/* Every peer of the list shows this many bytes out (from the engine's snapshots). */
static gboolean
every_peer_shows (gpointer data)
{
  Traffic *traffic = data;

  for (guint i = 0; i < g_list_model_get_n_items (traffic->peers); i++)
    {
      g_autoptr(NpPeer) peer = g_list_model_get_item (traffic->peers, i);

      if (np_peer_get_bytes_out (peer) != traffic->bytes_out)
        return FALSE;
    }
  return TRUE;
}

/* ---- tests --------------------------------------------------------------------------------- */

static double
log_top (NpWindow *window)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (window->log_view), GTK_WIDGET (window), &bounds));
  return bounds.origin.y;
}

/* The problem's words are on screen, under its field (its icon first, at the field's start),
 * and over nothing else: above the log and its toolbar (they covered Filter, Details and Copy). */
static gboolean
problem_shown (NpWindow *window)
{
  GtkWidget *label = part_child (window, "problem_label");
  GtkWidget *icon = part_child (window, "problem_icon");
  GtkWidget *field = np_endpoint_bar_get_problem_field (window->endpoint_bar);
  graphene_rect_t words, start, under, log;

  if (!gtk_widget_get_mapped (label) || field == NULL || gtk_label_get_text (GTK_LABEL (label))[0] == '\0')
    return FALSE;
  g_assert_true (gtk_widget_get_mapped (icon));
  g_assert_true (gtk_widget_compute_bounds (label, GTK_WIDGET (window), &words));
  g_assert_true (gtk_widget_compute_bounds (icon, GTK_WIDGET (window), &start));
  g_assert_true (gtk_widget_compute_bounds (field, GTK_WIDGET (window), &under));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (window->log_view), GTK_WIDGET (window), &log));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, np_endpoint_bar_get_problem (window->endpoint_bar));
  g_assert_cmpfloat (words.origin.y + words.size.height, <=, log.origin.y);
  g_assert_cmpfloat (start.origin.y + start.size.height, <=, log.origin.y);
  return words.origin.y >= under.origin.y + under.size.height && start.origin.x == under.origin.x;
}

/* What is wrong with the fields is worked out at every change, but shown (red field, the
 * words on their own line under it) only once it is the user's: a field typed in, or Start
 * pressed. Choosing a mode shows nothing, and nothing shown moves the layout. */
static void
test_validation (void)
{
  NpWindow *window = new_window ();
  NpEndpointBar *bar = window->endpoint_bar;
  GtkWidget *port = part_child (bar, "port_entry");
  GtkWidget *address = part_child (bar, "address_entry");
  GtkWidget *start = part_child (bar, "start_button");
  double top;

  np_test_wait_frames (window);
  top = log_top (window);

  /* TCP Client chosen, nothing typed: no red field, no words, the log where it was. */
  gtk_drop_down_set_selected (part_child (bar, "mode_dropdown"), 1);
  np_test_wait_frames (window);
  g_assert_cmpstr (np_endpoint_bar_get_validation (bar), ==, "Enter the host to connect to");
  g_assert_null (np_endpoint_bar_get_problem (bar));
  g_assert_false (gtk_widget_has_css_class (address, "error"));
  g_assert_false (problem_shown (window));
  g_assert_cmpfloat (log_top (window), ==, top);

  /* Start pressed: now it shows, under the field, and nothing moves. */
  g_assert_true (gtk_widget_is_sensitive (start));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_frames (window);
  g_assert_false (np_window_is_running (window));
  g_assert_cmpstr (np_endpoint_bar_get_problem (bar), ==, "Enter the host to connect to");
  g_assert_true (gtk_widget_has_css_class (address, "error"));
  g_assert_true (problem_shown (window));
  g_assert_null (window->error_toast);
  g_assert_cmpfloat (log_top (window), ==, top);

  /* A bad port typed in shows at once. */
  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "localhost", "70000", NULL);
  g_assert_cmpstr (np_endpoint_bar_get_validation (bar), ==, "Port must be 1–65535");
  g_assert_cmpstr (np_endpoint_bar_get_problem (bar), ==, "Port must be 1–65535");
  g_assert_true (gtk_widget_has_css_class (port, "error"));
  g_assert_false (gtk_widget_has_css_class (address, "error"));

  np_test_wait_frames (window);
  g_assert_true (problem_shown (window));
  g_assert_cmpfloat (log_top (window), ==, top);

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, NULL, "abc", NULL);
  g_assert_cmpstr (np_endpoint_bar_get_problem (bar), ==, "Port must be 0–65535 (0 for any free port)");
  /* An empty port says what to type, not the range. */
  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, NULL, "", NULL);
  g_assert_cmpstr (np_endpoint_bar_get_problem (bar), ==, "Enter a port (0 for any free port)");
  np_test_wait_frames (window);
  g_assert_true (problem_shown (window));
  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "localhost", "", NULL);
  g_assert_cmpstr (np_endpoint_bar_get_validation (bar), ==, "Enter the port to connect to");

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "my-laptop", "8080", NULL);
  g_assert_nonnull (strstr (np_endpoint_bar_get_problem (bar), "not an IP address"));
  g_assert_false (gtk_widget_has_css_class (port, "error"));
  g_assert_true (gtk_widget_has_css_class (address, "error"));

  np_window_set_endpoint (window, NP_MODE_UDP, NULL, "", "somewhere");
  g_assert_nonnull (strstr (np_endpoint_bar_get_problem (bar), "HOST:PORT"));
  g_assert_true (gtk_widget_has_css_class (part_child (bar, "destination_entry"), "error"));

  /* Fixed: the words and the red go. */
  np_window_set_endpoint (window, NP_MODE_UDP, NULL, "", "127.0.0.1:9");
  g_assert_null (np_endpoint_bar_get_validation (bar));
  g_assert_null (np_endpoint_bar_get_problem (bar));
  np_test_wait_frames (window);
  g_assert_false (problem_shown (window));
  g_assert_cmpfloat (log_top (window), ==, top);
  g_assert_false (gtk_widget_get_visible (part_child (window->peer_list, "disconnect_button")));
  g_assert_cmpstr (gtk_button_get_label (part_child (window->peer_list, "send_all_button")), ==, "Send to All Heard");

  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "localhost", "8080", NULL);
  g_assert_null (np_endpoint_bar_get_validation (bar));
  g_assert_cmpstr (np_test_start_words (bar), ==, "Connect");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->peer_list)));

  close_window (window);
}

/* Each mode keeps its own fields: the host a TCP client connects to does not become the
 * local address UDP binds. */
static void
test_fields_per_mode (void)
{
  NpWindow *window = new_window ();
  NpEndpointBar *bar = window->endpoint_bar;
  GtkDropDown *mode = part_child (bar, "mode_dropdown");
  GtkEditable *address = part_child (bar, "address_entry");
  GtkEditable *port = part_child (bar, "port_entry");

  gtk_drop_down_set_selected (mode, 1);                       /* TCP Client */
  gtk_editable_set_text (address, "192.0.2.7");
  gtk_editable_set_text (port, "502");
  gtk_drop_down_set_selected (mode, 2);                       /* UDP */
  g_assert_cmpstr (gtk_editable_get_text (address), ==, "");
  g_assert_null (np_endpoint_bar_get_problem (bar));
  gtk_editable_set_text (address, "127.0.0.1");
  gtk_editable_set_text (port, "5000");
  gtk_drop_down_set_selected (mode, 1);                       /* back to TCP Client */
  g_assert_cmpstr (gtk_editable_get_text (address), ==, "192.0.2.7");
  g_assert_cmpstr (gtk_editable_get_text (port), ==, "502");
  gtk_drop_down_set_selected (mode, 2);
  g_assert_cmpstr (gtk_editable_get_text (address), ==, "127.0.0.1");
  g_assert_cmpstr (gtk_editable_get_text (port), ==, "5000");
  gtk_drop_down_set_selected (mode, 0);                       /* TCP Server: its own, untouched */
  g_assert_cmpstr (gtk_editable_get_text (address), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (port), ==, "8080");

  close_window (window);
}

static void
test_server_session (void)
{
  NpWindow *window = new_window ();
  GListModel *peers = peers_of (window);
  NpLogModel *log = log_of (window);
  NpLogRenderer *renderer = np_log_view_get_renderer (window->log_view);
  g_autoptr(GSocket) first = NULL;
  g_autoptr(GSocket) second = NULL;
  g_autoptr(NpLogRow) row = NULL;
  g_autofree char *as_text = NULL;
  g_autofree char *as_hex = NULL;
  g_autofree char *subtitle = NULL;
  guint rows_before;
  guint port;

  port = start_server (window);
  subtitle = g_strdup_printf ("Listening on 127.0.0.1:%u", port);
  g_assert_cmpstr (adw_window_title_get_subtitle (window->window_title), ==, subtitle);
  g_assert_cmpstr (np_test_start_words (window->endpoint_bar), ==, "Stop");
  g_assert_true (gtk_widget_has_css_class (part_child (window->endpoint_bar, "start_button"), "destructive-action"));
  g_assert_false (gtk_widget_is_sensitive (part_child (window->endpoint_bar, "mode_dropdown")));
  g_assert_false (gtk_widget_is_sensitive (part_child (window->log_view, "framing_dropdown")));

  first = connect_client (window, port);
  second = connect_client (window, port);
  np_test_wait_for_items (peers, 2, "two clients in the list");

  /* Data arrives as a row; the row re-renders as hex from its stored bytes. */
  rows_before = g_list_model_get_n_items (G_LIST_MODEL (log));
  np_test_send (first, NULL, "hello\r\n", 7);
  np_test_wait_for_items (log, rows_before + 1, "the received row");
  row = g_list_model_get_item (G_LIST_MODEL (log), rows_before);
  g_assert_cmpint (np_log_row_get_direction (row), ==, NP_LOG_DIRECTION_IN);
  as_text = np_log_renderer_data (renderer, row);
  g_assert_cmpstr (as_text, ==, "hello\\r\\n");
  gtk_drop_down_set_selected (part_child (window->log_view, "display_dropdown"), 1);
  as_hex = np_log_renderer_data (renderer, row);
  g_assert_cmpstr (as_hex, ==, "68 65 6C 6C 6F 0D 0A");
  g_assert_cmpuint (np_window_get_bytes_in (window), ==, 7);
  {
    g_autoptr(NpPeer) peer = g_list_model_get_item (peers, 0);

    /* The client list takes its counters from the engine's next snapshot (within 100 ms). */
    np_test_wait_until (peer_has_bytes_in, &(PeerBytes) { peer, 7 }, "the first client's 7 bytes in the list");
  }

  /* Filter by rendered text (hex now) and by peer. */
  {
    GListModel *visible = np_log_view_get_visible (window->log_view);
    GtkEditable *search = part_child (window->log_view, "search_entry");

    gtk_editable_set_text (search, "6c 6c 6f");
    np_test_wait_for_items (visible, 1, "one row matching the hex filter");
    gtk_editable_set_text (search, "");
    np_test_wait_for_items (visible, g_list_model_get_n_items (G_LIST_MODEL (log)), "the filter cleared");
  }

  /* Send to all: both clients get the text; the log adds ONE row for it, saying to whom; each
   * client's counters in the list count it. */
  set_draft (window, "ping");
  gtk_check_button_set_active (part_child (window->send_box, "crlf_check"), TRUE);
  rows_before = g_list_model_get_n_items (G_LIST_MODEL (log));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-all", NULL);
  np_test_expect_text (first, "ping\r\n", "the first client to get the broadcast");
  np_test_expect_text (second, "ping\r\n", "the second client to get the broadcast");
  np_test_wait_for_items (log, rows_before + 1, "the row of the send to all");
  np_test_wait_until (every_peer_shows, &(Traffic) { peers, 6 }, "each client's 6 bytes out in the list");
  {
    g_autoptr(NpPeer) peer = g_list_model_get_item (peers, 0);
    g_autoptr(NpLogRow) sent = g_list_model_get_item (G_LIST_MODEL (log), rows_before);
    g_autofree char *data = np_log_renderer_data (renderer, sent);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, rows_before + 1);
    g_assert_cmpint (np_log_row_get_direction (sent), ==, NP_LOG_DIRECTION_OUT);
    g_assert_cmpstr (np_log_row_get_peer (sent), ==, "all 2 clients");
    g_assert_cmpuint (np_log_row_get_length (sent), ==, 6);
    g_assert_cmpstr (data, ==, "70 69 6E 67 0D 0A");     /* the display is hex since above */
    g_assert_cmpuint (np_peer_get_bytes_in (peer), ==, 7);
    g_assert_cmpuint (np_status_bar_get_bytes_out (window->status_bar), ==, 12);
  }

  /* Disconnect the selected client: its socket sees EOF, the list shrinks. */
  {
    GtkSelectionModel *selection = gtk_column_view_get_model (part_child (window->peer_list, "peer_view"));
    g_autoptr(NpPeer) peer = g_list_model_get_item (peers, 0);

    /* The list is in connection order: item 0 is the first client. */
    g_assert_cmpuint (np_peer_get_id (peer), ==, 1);
    gtk_selection_model_select_item (selection, 0, TRUE);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.disconnect", NULL);
    np_test_wait_for_items (peers, 1, "one client left");
    np_test_expect_eof (first, "EOF on the disconnected client");
  }

  /* Stop: the last client is closed cleanly, the window is ready to start again. */
  stop (window);
  g_assert_cmpuint (g_list_model_get_n_items (peers), ==, 0);
  g_assert_cmpstr (np_test_start_words (window->endpoint_bar), ==, "Start");
  g_assert_true (gtk_widget_is_sensitive (part_child (window->endpoint_bar, "mode_dropdown")));

  close_window (window);
}

static void
test_address_in_use (void)
{
  NpWindow *window = new_window ();
  g_autoptr(GSocket) busy = np_test_tcp_listen (G_SOCKET_FAMILY_IPV4);
  g_autofree char *port = g_strdup_printf ("%u", np_test_local_port (busy));
  g_autofree char *expected = g_strdup_printf ("Stopped: Cannot bind 127.0.0.1:%s: the address is already in use", port);
  NpLogModel *log = log_of (window);
  g_autoptr(NpLogRow) last = NULL;

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", port, NULL);
  np_window_start (window);
  g_assert_true (np_window_is_running (window));
  np_test_wait_until (is_stopped, window, "the failed start to be reported");

  last = g_list_model_get_item (G_LIST_MODEL (log), g_list_model_get_n_items (G_LIST_MODEL (log)) - 1);
  g_assert_cmpint (np_log_row_get_direction (last), ==, NP_LOG_DIRECTION_ERROR);
  g_assert_cmpstr (np_log_row_get_message (last), ==, expected);
  g_assert_cmpstr (adw_window_title_get_subtitle (window->window_title), ==, "Failed");
  g_assert_true (gtk_widget_is_sensitive (part_child (window->endpoint_bar, "start_button")));

  close_window (window);
}

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(char **) user_data = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

typedef struct
{
  NpWindow *window;
  guint64   bytes;
} StatusBytes;

static gboolean
status_bar_counted (gpointer data)
{
  StatusBytes *wanted = data;

  return np_status_bar_get_bytes_out (wanted->window->status_bar) >= wanted->bytes;
}

/* Send to selected, repeat, history, copy rows and clear, on a server with two clients. */
static void
test_sending_tools (void)
{
  NpWindow *window = new_window ();
  guint port = start_server (window);
  GListModel *peers = peers_of (window);
  NpLogModel *log = log_of (window);
  g_autoptr(GSocket) first = connect_client (window, port);
  g_autoptr(GSocket) second = connect_client (window, port);
  gboolean repeating = TRUE;

  np_test_wait_for_items (peers, 2, "two clients");

  /* Send to the selected (second) client only: the first gets only the later send to all, so
   * anything it had wrongly received would arrive in front of it. */
  gtk_selection_model_select_item (gtk_column_view_get_model (part_child (window->peer_list, "peer_view")), 1, TRUE);
  set_draft (window, "only you");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-selected", NULL);
  np_test_expect_text (second, "only you", "the selected client to get it");
  set_draft (window, "everyone");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-all", NULL);
  np_test_expect_text (first, "everyone", "the other client to get only the send to all");
  np_test_expect_text (second, "everyone", "the selected client to get the send to all");

  /* Repeat every 20 ms until turned off: three copies arrive, and more while it runs. It
   * goes where Send goes: the selected (second) client. */
  set_draft (window, "tick;");
  gtk_spin_button_set_value (part_child (window->send_box, "repeat_spin"), 20);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.repeat", NULL);
  {
    /* At least three; a fourth may have come in the same read (20 ms is short). */
    g_autoptr(GByteArray) ticks = np_test_receive_at_least (second, 15, "three repeated messages");

    for (guint i = 0; i < ticks->len; i++)
      g_assert_cmpint (ticks->data[i], ==, "tick;"[i % 5]);
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.repeat", NULL);
  g_object_get (window, "repeating", &repeating, NULL);
  g_assert_false (repeating);

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
    g_assert_cmpstr (recalled, ==, "everyone");
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.history-next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.history-next", NULL);
  {
    g_autofree char *draft = get_draft (window);
    g_assert_cmpstr (draft, ==, "");
  }

  /* Copy selected rows: tab-separated lines on the clipboard. */
  {
    GtkSelectionModel *rows = gtk_column_view_get_model (part_child (window->log_view, "column_view"));
    g_autofree char *copied = NULL;
    g_autofree char *listening = g_strdup_printf ("Listening on 127.0.0.1:%u", port);

    gtk_selection_model_select_item (rows, 0, TRUE);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-rows", NULL);
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                   on_clipboard_text, &copied);
    np_test_wait_until (is_set, &copied, "the clipboard text");
    g_assert_nonnull (strstr (copied, "\tinfo\t"));
    g_assert_nonnull (strstr (copied, listening));
  }

  /* Clear empties the log but not the counters. The clients have read what was sent, but the
   * window hears of it from the engine's events, drained on an idle: wait for the footer to
   * count every byte the clients received (under load the drain comes after all the waits
   * above, and reading the footer at once found 0). */
  {
    guint64 sent = strlen ("only you") + 2 * strlen ("everyone") + 15;
    guint64 counted;

    np_test_wait_until (status_bar_counted, &(StatusBytes) { window, sent }, "the footer to count what was sent");
    counted = np_status_bar_get_bytes_out (window->status_bar);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
    g_assert_cmpuint (np_status_bar_get_bytes_out (window->status_bar), >=, counted);
  }

  stop (window);
  close_window (window);
}

/* UDP: peers heard appear in the list; Reply to Selected and Send to All Heard reach them. */
static void
test_udp_peers (void)
{
  NpWindow *window = new_window ();
  GListModel *peers = peers_of (window);
  g_autoptr(GSocket) a = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocket) b = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) target = NULL;
  guint rows_before;

  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "", NULL);
  np_window_start (window);
  np_test_wait_until (is_listening, window, "udp bound");
  target = np_test_loopback_address (G_SOCKET_FAMILY_IPV4, np_window_get_endpoint_port (window));

  np_test_send (a, target, "from a", 6);
  np_test_send (b, target, "from b", 6);
  np_test_wait_for_items (peers, 2, "two peers heard");
  g_assert_nonnull (strstr (np_status_bar_get_text (window->status_bar), "Peers heard 2"));

  set_draft (window, "to all heard");
  rows_before = g_list_model_get_n_items (G_LIST_MODEL (log_of (window)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-all", NULL);
  np_test_expect_text (a, "to all heard", "peer a to get the datagram");
  np_test_expect_text (b, "to all heard", "peer b to get the datagram");
  np_test_wait_until (every_peer_shows, &(Traffic) { peers, 12 }, "each peer's 12 bytes out in the list");
  {
    g_autoptr(NpLogRow) sent = g_list_model_get_item (G_LIST_MODEL (log_of (window)), rows_before);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log_of (window))), ==, rows_before + 1);
    /* Send to All Heard names every peer heard (the default target is the destination). */
    g_assert_cmpstr (np_log_row_get_peer (sent), ==, "2 peers");
  }

  gtk_selection_model_select_item (gtk_column_view_get_model (part_child (window->peer_list, "peer_view")), 0, TRUE);
  set_draft (window, "reply");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-selected", NULL);
  np_test_expect_text (a, "reply", "the selected peer to get the reply");

  stop (window);
  close_window (window);
}

/* Stopping a server with clients asks first (a setting); Cancel keeps it running. */
static void
test_confirm_stop (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NpWindow *window = new_window ();
  guint port;
  g_autoptr(GSocket) client = NULL;
  AdwMessageDialog *dialog;

  g_settings_set_boolean (settings, "confirm-stop", TRUE);
  port = start_server (window);
  client = connect_client (window, port);
  np_test_wait_for_items (peers_of (window), 1, "a client");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  np_test_wait_until (has_dialog, NULL, "the confirmation dialog");
  dialog = np_test_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 client is connected"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (np_window_is_running (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  np_test_wait_until (has_dialog, NULL, "the confirmation dialog again");
  dialog = np_test_message_dialog ();
  adw_message_dialog_response (dialog, "stop");
  gtk_window_destroy (GTK_WINDOW (dialog));
  np_test_wait_until (is_stopped, window, "stopped after confirming");

  g_settings_set_boolean (settings, "confirm-stop", FALSE);
  close_window (window);
}

static gboolean
is_closed (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

/* Closing the window (its close button; Ctrl+Q closes every window) with clients connected asks
 * the same question as Stop; Cancel keeps it open and listening, Quit closes it. */
static void
test_confirm_close (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NpWindow *window = new_window ();
  g_autoptr(GSocket) client = NULL;
  AdwMessageDialog *dialog;
  guint port;

  g_settings_set_boolean (settings, "confirm-stop", TRUE);
  port = start_server (window);
  client = connect_client (window, port);
  np_test_wait_for_items (peers_of (window), 1, "a client");

  gtk_window_close (GTK_WINDOW (window));
  np_test_wait_until (has_dialog, NULL, "the question");
  dialog = np_test_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Quit Netpoke?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 client is connected"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (np_window_is_running (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  gtk_window_close (GTK_WINDOW (window));
  np_test_wait_until (has_dialog, NULL, "the question again");
  dialog = np_test_message_dialog ();
  adw_message_dialog_response (dialog, "quit");
  gtk_window_destroy (GTK_WINDOW (dialog));
  np_test_wait_until (is_closed, window, "the window to close");

  g_settings_set_boolean (settings, "confirm-stop", FALSE);
  close_window (window);
  np_test_expect_eof (client, "the client closed with the window");
}

/* What was started last comes back in a new window; the row cap, the time format and the
 * encodings follow their settings; the Preferences window edits the same settings. */
static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NpWindow *window = new_window ();
  NpWindow *again;
  NpPreferencesWindow *preferences;
  NpLogRenderer *renderer;
  NpEncoding encoding;

  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", "127.0.0.1:9");
  np_window_start (window);
  np_test_wait_until (is_listening, window, "udp bound");
  stop (window);
  close_window (window);

  again = new_window ();
  renderer = np_log_view_get_renderer (again->log_view);
  g_assert_cmpuint (np_endpoint_bar_get_mode (again->endpoint_bar), ==, NP_MODE_UDP);
  g_assert_cmpstr (gtk_editable_get_text (part_child (again->endpoint_bar, "address_entry")), ==, "127.0.0.1");
  g_assert_cmpstr (gtk_editable_get_text (part_child (again->endpoint_bar, "destination_entry")), ==, "127.0.0.1:9");

  g_settings_set_uint (settings, "log-row-cap", 5000);
  g_assert_cmpuint (np_log_model_get_cap (log_of (again)), ==, 5000);
  g_settings_set_enum (settings, "receive-encoding", NP_ENCODING_GB18030);
  g_assert_cmpuint (gtk_drop_down_get_selected (part_child (again->log_view, "encoding_dropdown")), ==, 1);
  g_assert_cmpint (np_log_renderer_get_encoding (renderer), ==, NP_ENCODING_GB18030);
  g_settings_set_enum (settings, "send-encoding", NP_ENCODING_LATIN1);
  g_object_get (again->send_box, "encoding", &encoding, NULL);
  g_assert_cmpint (encoding, ==, NP_ENCODING_LATIN1);

  preferences = np_preferences_window_new (GTK_WINDOW (again), settings);
  gtk_window_present (GTK_WINDOW (preferences));
  gtk_spin_button_set_value (part_child (preferences, "row_cap_spin"), 250000);
  g_assert_cmpuint (g_settings_get_uint (settings, "log-row-cap"), ==, 250000);
  g_assert_cmpuint (np_log_model_get_cap (log_of (again)), ==, 250000);
  adw_combo_row_set_selected (part_child (preferences, "timestamp_row"), 3);
  g_assert_cmpint (g_settings_get_enum (settings, "timestamp-format"), ==, 3);
  {
    NpTimestampFormat format;

    g_object_get (renderer, "timestamp-format", &format, NULL);
    g_assert_cmpint (format, ==, NP_TIMESTAMP_FORMAT_ELAPSED);
  }
  g_settings_set_enum (settings, "receive-encoding", NP_ENCODING_LATIN1);
  g_assert_cmpuint (adw_combo_row_get_selected (part_child (preferences, "receive_encoding_row")), ==, 2);

  gtk_window_destroy (GTK_WINDOW (preferences));
  close_window (again);
  g_settings_reset (settings, "log-row-cap");
  g_settings_reset (settings, "receive-encoding");
  g_settings_reset (settings, "send-encoding");
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
 * A malformed file is refused and leaves the current workspace as it was; so does a save that
 * fails. */
static void
test_workspace (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-window-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bench.netpoke", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "broken.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  g_autoptr(GFile) nowhere = g_file_new_for_path ("/nonexistent/dir/x.netpoke");
  g_autoptr(NpSession) before = NULL;
  g_autoptr(NpSession) restored = NULL;
  g_autoptr(NpSession) reopened = NULL;
  g_autoptr(NpSession) unchanged = NULL;
  NpWindow *window = new_window ();
  NpWindow *again;

  g_assert_no_error (error);
  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "192.0.2.7", "502", NULL);
  gtk_drop_down_set_selected (part_child (window->log_view, "encoding_dropdown"), 1);
  gtk_drop_down_set_selected (part_child (window->send_box, "encoding_dropdown"), 2);
  gtk_drop_down_set_selected (part_child (window->log_view, "framing_dropdown"), 2);
  gtk_drop_down_set_selected (part_child (window->log_view, "display_dropdown"), 1);
  g_assert_true (np_send_box_add_saved_message (window->send_box, "Read", "00 01 00 00 00 06 01 03 00 00 00 02",
                                                NP_FORMAT_HEX, &error));
  g_assert_no_error (error);
  g_assert_true (np_send_box_add_saved_message (window->send_box, "温度", "T?\\r\\n", NP_FORMAT_ESCAPES, &error));
  g_assert_no_error (error);
  g_assert_true (np_test_save_workspace (window, file, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "bench.netpoke — Netpoke");
  before = np_window_capture_workspace (window, &error);

  /* A save that cannot be written says so and leaves the window's workspace file as it was. */
  g_assert_false (np_test_save_workspace (window, nowhere, &error));
  g_assert_nonnull (strstr (error->message, "Could not save /nonexistent/dir/x.netpoke"));
  g_clear_error (&error);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "bench.netpoke — Netpoke");
  close_window (window);

  /* A new window restores it on its own. */
  again = new_window ();
  restored = np_window_capture_workspace (again, &error);
  g_assert_true (equal_workspaces (before, restored));
  g_assert_cmpuint (np_send_box_get_saved_messages (again->send_box)->len, ==, 2);
  g_assert_nonnull (gtk_widget_get_first_child (part_child (again->send_box, "saved_box")));

  /* Garbage in the file: refused with the file's name, nothing changes. */
  g_assert_true (g_file_set_contents (bad_path, "{\"format\": \"netpoke-workspace\", \"vers", -1, &error));
  g_assert_no_error (error);
  g_assert_false (np_window_open_workspace (again, bad, &error));
  g_assert_nonnull (strstr (error->message, "broken.netpoke"));
  g_assert_nonnull (strstr (error->message, "damaged or cut short"));
  g_clear_error (&error);
  unchanged = np_window_capture_workspace (again, &error);
  g_assert_true (equal_workspaces (before, unchanged));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (again)), ==, "bench.netpoke — Netpoke");
  close_window (again);

  /* Explicit open in a window that starts from other settings. */
  g_settings_set_string (settings, "last-workspace", "");
  again = new_window ();
  np_window_set_endpoint (again, NP_MODE_UDP, NULL, "", NULL);
  g_assert_true (np_window_open_workspace (again, file, &error));
  g_assert_no_error (error);
  reopened = np_window_capture_workspace (again, &error);
  g_assert_true (equal_workspaces (before, reopened));
  close_window (again);

  /* A last workspace that has gone missing: the window starts empty and says why. */
  g_settings_set_string (settings, "last-workspace", "/nonexistent/gone.netpoke");
  again = new_window ();
  g_assert_nonnull (again->error_toast);
  g_assert_true (g_str_has_prefix (adw_toast_get_title (again->error_toast), "Last workspace not restored: "));
  g_assert_nonnull (strstr (adw_toast_get_title (again->error_toast), "/nonexistent/gone.netpoke"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (again)), ==, "Netpoke");
  g_assert_cmpuint (np_send_box_get_saved_messages (again->send_box)->len, ==, 0);
  close_window (again);

  g_settings_reset (settings, "last-workspace");
  g_unlink (path);
  g_unlink (bad_path);
  g_rmdir (dir);
}

/* Clicking a saved message sends it, decoded from its format; its cross removes it. */
static void
test_saved_message_sends (void)
{
  NpWindow *window = new_window ();
  guint port;
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *box, *button;

  g_assert_true (np_send_box_add_saved_message (window->send_box, "Ping", "PING\\r\\n", NP_FORMAT_ESCAPES, &error));
  g_assert_no_error (error);
  port = start_server (window);
  client = connect_client (window, port);
  np_test_wait_for_items (peers_of (window), 1, "a client");

  /* flow box child -> linked box -> [send button, remove button] */
  box = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_first_child (part_child (window->send_box, "saved_box"))));
  button = gtk_widget_get_first_child (box);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Ping");
  g_signal_emit_by_name (button, "clicked");
  np_test_expect_text (client, "PING\r\n", "the saved message");

  g_signal_emit_by_name (gtk_widget_get_last_child (box), "clicked");
  g_assert_null (gtk_widget_get_first_child (part_child (window->send_box, "saved_box")));
  g_assert_cmpuint (np_send_box_get_saved_messages (window->send_box)->len, ==, 0);

  stop (window);
  close_window (window);
}

/* With a length-header framing, what the window sends goes out framed: a typed message, a
 * saved message, and a message to the selected client alike (the engine adds the header). */
static void
test_framing (void)
{
  NpWindow *window = new_window ();
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *box;
  guint port;

  gtk_drop_down_set_selected (part_child (window->log_view, "framing_dropdown"), 3);   /* 2-byte length (BE) */
  g_assert_true (np_send_box_add_saved_message (window->send_box, "Ping", "PING", NP_FORMAT_TEXT, &error));
  g_assert_no_error (error);
  port = start_server (window);
  client = connect_client (window, port);
  np_test_wait_for_items (peers_of (window), 1, "a client");

  set_draft (window, "ping");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
  np_test_expect_received (client, "\x00\x04ping", 6, "the typed message, framed");

  box = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_first_child (part_child (window->send_box, "saved_box"))));
  g_signal_emit_by_name (gtk_widget_get_first_child (box), "clicked");
  np_test_expect_received (client, "\x00\x04PING", 6, "the saved message, framed");

  gtk_selection_model_select_item (gtk_column_view_get_model (part_child (window->peer_list, "peer_view")), 0, TRUE);
  set_draft (window, "one");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-selected", NULL);
  np_test_expect_received (client, "\x00\x03one", 5, "the message to the selected client, framed");

  stop (window);
  close_window (window);
}

static gboolean
last_row_is_stopped (gpointer window)
{
  g_autofree char *text = NULL;

  return np_test_last_row_shown (window, &text) && g_str_has_prefix (text, "Stopped by user");
}

/* Stopping a server with many clients empties the list in a few changes, a chunk of 20 rows
 * per turn of the main loop so that no turn tears down hundreds of row widgets (it was one
 * removal per client, each re-running the window's state update). Stopping says so at once:
 * the clients are no longer offered as targets. The log gets one row for the stop, which
 * counts the clients it closed (it was one "Disconnected" row each: with 1,000 clients, a
 * screenful of new rows bound at once); a client that goes while the server runs still has
 * its own row. */
static void
test_stop_many_clients (void)
{
  NpWindow *window = new_window ();
  guint port = start_server (window);
  GListModel *peers = peers_of (window);
  GListModel *log = G_LIST_MODEL (np_test_log_of (window));
  GtkSelectionModel *selection = gtk_column_view_get_model (part_child (window->peer_list, "peer_view"));
  GSocket *clients[50];
  NpTestChanges changes = { 0 };
  NpTestChanges rows = { 0 };
  g_autofree char *last = NULL;
  gulong id, rows_id;

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    clients[i] = connect_client (window, port);
  np_test_wait_for_items (peers, G_N_ELEMENTS (clients), "fifty clients");

  gtk_selection_model_select_item (selection, 0, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.disconnect", NULL);
  np_test_wait_for_items (peers, G_N_ELEMENTS (clients) - 1, "one client to be disconnected");
  np_test_expect_row_shown (window, "Disconnected: Disconnected by user");
  /* "Listening", a "Connected" for each client, the one "Disconnected". */
  np_test_wait_rows_drawn (window, 1 + G_N_ELEMENTS (clients) + 1);

  id = np_test_count_changes (peers, &changes);
  rows_id = np_test_count_changes (log, &rows);
  stop (window);
  np_test_wait_for_items (peers, 0, "the list to empty");
  g_signal_handler_disconnect (peers, id);
  g_assert_cmpuint (changes.removed, ==, G_N_ELEMENTS (clients) - 1);
  g_assert_cmpuint (changes.signals, ==, 3);
  g_assert_cmpuint (changes.added, ==, 0);

  np_test_wait_until (last_row_is_stopped, window, "the stop's row to be shown");
  np_test_wait_frames (window);
  g_signal_handler_disconnect (log, rows_id);
  g_assert_cmpuint (rows.added, ==, 1);
  g_assert_cmpuint (rows.removed, ==, 0);
  g_assert_true (np_test_last_row_shown (window, &last));
  g_assert_cmpstr (last, ==, "Stopped by user — 49 clients disconnected");

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    g_object_unref (clients[i]);
  close_window (window);
}

static gboolean
last_row_is_disconnect_all (gpointer window)
{
  g_autofree char *text = NULL;

  /* (The old rows, one per client, said "Disconnected: Disconnected by user (all clients)".) */
  return np_test_last_row_shown (window, &text) && strstr (text, "Disconnected by user (all clients)") != NULL;
}

/* Disconnect All is one operation, like Stop: one row that counts the clients it closed (it
 * was one "Disconnected: Disconnected by user (all clients)" row each), and the server keeps
 * listening. A client that leaves on its own keeps its own row. */
static void
test_disconnect_all_many_clients (void)
{
  NpWindow *window = new_window ();
  guint port = start_server (window);
  GListModel *peers = peers_of (window);
  GListModel *log = G_LIST_MODEL (np_test_log_of (window));
  GSocket *clients[50];
  g_autoptr(GSocket) late = NULL;
  NpTestChanges rows = { 0 };
  NpTestChanges changes = { 0 };
  g_autofree char *last = NULL;
  g_autofree char *stopped = NULL;
  gulong rows_id, peers_id;

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    clients[i] = connect_client (window, port);
  np_test_wait_for_items (peers, G_N_ELEMENTS (clients), "fifty clients");

  np_test_tcp_reset (clients[0]);
  np_test_wait_for_items (peers, G_N_ELEMENTS (clients) - 1, "one client to leave");
  np_test_expect_row_shown (window, "Disconnected: Connection reset by peer");
  /* "Listening", a "Connected" for each client, the one that left. */
  np_test_wait_rows_drawn (window, 1 + G_N_ELEMENTS (clients) + 1);

  rows_id = np_test_count_changes (log, &rows);
  peers_id = np_test_count_changes (peers, &changes);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.disconnect-all", NULL);
  np_test_wait_for_items (peers, 0, "the list to empty");
  /* The rows leave as a stop's do, at most 20 a turn (in one signal, 1,000 clients' row widgets
   * were destroyed in one turn of the main loop). How many signals depends on how the engine's
   * events were batched (the closes may reach the window in two batches), not how many rows
   * each removes. */
  g_signal_handler_disconnect (peers, peers_id);
  g_assert_cmpuint (changes.removed, ==, G_N_ELEMENTS (clients) - 1);
  g_assert_cmpuint (changes.most_removed, <=, 20);
  g_assert_cmpuint (changes.signals, >=, 3);
  g_assert_cmpuint (changes.added, ==, 0);
  for (guint i = 1; i < G_N_ELEMENTS (clients); i++)
    np_test_expect_eof (clients[i], "each client to see the end of the stream");

  np_test_wait_until (last_row_is_disconnect_all, window, "Disconnect All's row to be shown");
  np_test_wait_frames (window);
  g_signal_handler_disconnect (log, rows_id);
  g_assert_cmpuint (rows.added, ==, 1);
  g_assert_cmpuint (rows.removed, ==, 0);
  g_assert_true (np_test_last_row_shown (window, &last));
  g_assert_cmpstr (last, ==, "Disconnected by user (all clients) — 49 clients disconnected");
  g_assert_true (np_window_is_running (window));

  /* Still listening: a new client comes, and the stop counts it alone. */
  late = connect_client (window, port);
  np_test_wait_for_items (peers, 1, "a client after Disconnect All");
  stop (window);
  np_test_wait_until (last_row_is_stopped, window, "the stop's row to be shown");
  g_assert_true (np_test_last_row_shown (window, &stopped));
  g_assert_cmpstr (stopped, ==, "Stopped by user — 1 client disconnected");

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    g_object_unref (clients[i]);
  close_window (window);
}

int
main (int    argc,
      char **argv)
{
  np_test_init_window_tests (&argc, &argv);

  g_test_add_func ("/window/validation", test_validation);
  g_test_add_func ("/window/fields-per-mode", test_fields_per_mode);
  g_test_add_func ("/window/server-session", test_server_session);
  g_test_add_func ("/window/address-in-use", test_address_in_use);
  g_test_add_func ("/window/sending-tools", test_sending_tools);
  g_test_add_func ("/window/udp-peers", test_udp_peers);
  g_test_add_func ("/window/confirm-stop", test_confirm_stop);
  g_test_add_func ("/window/confirm-close", test_confirm_close);
  g_test_add_func ("/window/settings", test_settings);
  g_test_add_func ("/window/workspace", test_workspace);
  g_test_add_func ("/window/saved-message-sends", test_saved_message_sends);
  g_test_add_func ("/window/framing", test_framing);
  g_test_add_func ("/window/stop-many-clients", test_stop_many_clients);
  g_test_add_func ("/window/disconnect-all-many-clients", test_disconnect_all_many_clients);

  return g_test_run ();
}
