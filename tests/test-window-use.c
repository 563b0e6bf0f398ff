/* The real NpWindow in-process (under Xvfb) as a person meets it: what is inside the log's
 * viewport (not what the model holds), keys pressed on the X server, fields typed, buttons as
 * they read. Every window is finalized at the end of its test. */
#include <adwaita.h>
#include <string.h>

#include "np-test-utils.h"
#include "np-window-test-utils.h"

#define APP_ID "io.github.netpoke.Netpoke"

#define part_child np_test_part_child

static void
send_line (NpWindow   *window,
           GSocket    *client,
           const char *line)
{
  guint rows = g_list_model_get_n_items (G_LIST_MODEL (np_test_log_of (window)));

  np_test_send (client, NULL, line, strlen (line));
  np_test_wait_rows_drawn (window, rows + 1);
}

static void
assert_last_row_shown (NpWindow   *window,
                       const char *when)
{
  g_autofree char *text = NULL;

  if (!np_test_last_row_shown (window, &text))
    g_error ("the newest row “%s” is not inside the log's viewport %s", text, when);
}

/* A client sends lines one by one, each drawn before the next (as 300 ms apart would be): the
 * newest row is in view every time. Scrolling up pauses that; back at the bottom it resumes. */
static void
test_follow_lines (void)
{
  NpWindow *window = np_test_new_window ();
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (part_child (window->log_view, "scroller"));
  guint port = np_test_start_server (window);
  g_autoptr(GSocket) client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  g_autofree char *listening = g_strdup_printf ("Listening on 127.0.0.1:%u", port);

  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u\n", i);
      g_autofree char *when = g_strdup_printf ("after line %u", i);

      send_line (window, client, line);
      assert_last_row_shown (window, when);
    }

  /* The user drags the scrollbar to the top: new rows leave the view where it is. */
  gtk_adjustment_set_value (adjustment, 0);
  np_test_wait_frames (window);
  g_assert_true (np_test_log_text_shown (window, listening));
  send_line (window, client, "while scrolled up\n");
  g_assert_false (np_test_last_row_shown (window, NULL));
  g_assert_true (np_test_log_text_shown (window, listening));

  /* Back at the bottom: following resumes, for every row after. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  np_test_wait_frames (window);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *line = g_strdup_printf ("again %u\n", i);

      send_line (window, client, line);
      assert_last_row_shown (window, "after scrolling back to the bottom");
    }

  /* A filter while following: the newest matching row is in view; so is the newest row once
   * the filter is cleared. */
  gtk_editable_set_text (part_child (window->log_view, "search_entry"), "line 1");
  np_test_wait_for_items (np_log_view_get_visible (window->log_view), 11, "the rows matching “line 1”");
  np_test_wait_frames (window);
  assert_last_row_shown (window, "with a filter");
  gtk_editable_set_text (part_child (window->log_view, "search_entry"), "");
  np_test_wait_for_items (np_log_view_get_visible (window->log_view),
                          g_list_model_get_n_items (G_LIST_MODEL (np_test_log_of (window))), "the filter cleared");
  np_test_wait_frames (window);
  assert_last_row_shown (window, "after clearing the filter");
  send_line (window, client, "after the filter\n");
  assert_last_row_shown (window, "after the filter");

  np_test_stop (window);
  assert_last_row_shown (window, "after Stop");
  np_test_close_window (window);
}

static gboolean
has_last_text (gpointer data)
{
  gpointer *args = data;
  NpWindow *window = args[0];
  GListModel *log = G_LIST_MODEL (np_test_log_of (window));
  guint n = g_list_model_get_n_items (log);
  g_autoptr(NpLogRow) last = n > 0 ? g_list_model_get_item (log, n - 1) : NULL;
  g_autofree char *text = last != NULL ? np_log_renderer_data (np_log_view_get_renderer (window->log_view), last) : NULL;

  return g_strcmp0 (text, args[1]) == 0;
}

static gboolean
has_counted (gpointer data)
{
  gpointer *args = data;

  return np_status_bar_get_messages_in (args[0]) >= GPOINTER_TO_UINT (args[1]);
}

/* A flood past the row cap: when it is over, the view shows the newest rows, not the oldest
 * it keeps. */
static void
test_follow_flood (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NpWindow *window = np_test_new_window ();
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GString) flood = g_string_new (NULL);
  gpointer args[2] = { window, "flood 4999\\n" };
  guint port;

  g_settings_set_uint (settings, "log-row-cap", 1000);
  gtk_drop_down_set_selected (part_child (window->log_view, "framing_dropdown"), 1);   /* Lines */
  port = np_test_start_server (window);
  client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (flood, "flood %u\n", i);
  np_test_send (client, NULL, flood->str, flood->len);
  np_test_wait_until (has_last_text, args, "the last line of the flood in the log");
  np_test_wait_frames (window);
  g_assert_cmpuint (np_log_model_get_dropped (np_test_log_of (window)), >, 0);
  assert_last_row_shown (window, "after a flood past the row cap");

  /* Scrolled up, a second flood past the cap leaves the rows being read where they are (new
   * rows wait, rather than the cap dropping the rows in view); back at the bottom the view
   * shows the newest. */
  {
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (part_child (window->log_view, "scroller"));
    g_autoptr(NpLogRow) top = g_list_model_get_item (G_LIST_MODEL (np_test_log_of (window)), 0);
    g_autofree char *top_text = np_log_renderer_data (np_log_view_get_renderer (window->log_view), top);
    guint64 before = np_status_bar_get_messages_in (window->status_bar);
    gpointer counted[2] = { window->status_bar, GUINT_TO_POINTER (5000) };

    gtk_adjustment_set_value (adjustment, 0);
    np_test_wait_frames (window);
    g_assert_true (np_test_log_text_shown (window, top_text));
    g_string_truncate (flood, 0);
    for (guint i = 0; i < 5000; i++)
      g_string_append_printf (flood, "second %u\n", i);
    np_test_send (client, NULL, flood->str, flood->len);
    counted[1] = GUINT_TO_POINTER ((guint) before + 5000);
    np_test_wait_until (has_counted, counted, "the second flood counted");
    np_test_wait_frames (window);
    g_assert_true (np_test_log_text_shown (window, top_text));
    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), <, 1);

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
    args[1] = "second 4999\\n";
    np_test_wait_until (has_last_text, args, "the last line of the second flood, once at the bottom");
    np_test_wait_frames (window);
    assert_last_row_shown (window, "after scrolling back down past a held flood");
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (np_test_log_of (window))), ==, 1000);
  }

  np_test_stop (window);
  g_settings_reset (settings, "log-row-cap");
  np_test_close_window (window);
}

/* TCP Client: one's own connect, sends and what comes back stay in view. */
static void
test_follow_client (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GSocket) listener = np_test_tcp_listen (G_SOCKET_FAMILY_IPV4);
  g_autofree char *port = g_strdup_printf ("%u", np_test_local_port (listener));
  g_autoptr(GSocket) server = NULL;

  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "127.0.0.1", port, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  server = np_test_tcp_accept (listener);
  np_test_wait_rows_drawn (window, 1);

  for (guint i = 0; i < 15; i++)
    {
      g_autofree char *message = g_strdup_printf ("request %u", i);
      g_autofree char *answer = g_strdup_printf ("answer %u", i);
      guint rows = g_list_model_get_n_items (G_LIST_MODEL (np_test_log_of (window)));

      np_send_box_set_draft (window->send_box, message);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
      np_test_expect_text (server, message, "the request");
      np_test_wait_rows_drawn (window, rows + 1);
      assert_last_row_shown (window, "after sending");
      send_line (window, server, answer);
      assert_last_row_shown (window, "after the answer");
    }

  np_test_stop (window);
  np_test_close_window (window);
}

/* Ctrl+Enter in the message box sends the message (the shortcuts window and the button's
 * tooltip say so) and puts no newline into it; Enter alone is a newline. */
static void
test_ctrl_enter_sends (void)
{
  NpWindow *window = np_test_new_window ();
  guint port = np_test_start_server (window);
  g_autoptr(GSocket) client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  GtkWidget *text_view = part_child (window->send_box, "send_view");
  g_autofree char *draft = NULL;

  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  np_send_box_set_draft (window->send_box, "first");
  gtk_widget_grab_focus (text_view);
  if (!np_test_press_keys (window, "End Return s e c o n d ctrl+Return"))
    {
      np_test_close_window (window);
      return;
    }
  draft = np_send_box_get_draft (window->send_box);
  g_assert_cmpstr (draft, ==, "first\nsecond");
  np_test_expect_text (client, "first\nsecond", "the message Ctrl+Enter sent");

  /* The keypad's Enter too. */
  if (np_test_press_keys (window, "ctrl+KP_Enter"))
    np_test_expect_text (client, "first\nsecond", "the message Ctrl+keypad Enter sent");

  np_test_stop (window);
  np_test_close_window (window);
}

static const char *
send_label (NpWindow *window)
{
  return gtk_label_get_text (part_child (window->send_box, "send_label"));
}

static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Send goes to the selected client when one is selected, and says so; else to all. Nothing
 * reaches the others: a marker sent to all afterwards is the first thing they read. */
static void
test_send_follows_selection (void)
{
  NpWindow *window = np_test_new_window ();
  guint port = np_test_start_server (window);
  GtkWidget *send = part_child (window->send_box, "send_button");
  GtkSelectionModel *selection = gtk_column_view_get_model (part_child (window->peer_list, "peer_view"));
  GSocket *clients[3];

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    clients[i] = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_wait_for_items (np_test_peers_of (window), 3, "three clients");
  g_assert_cmpstr (send_label (window), ==, "Send to All");

  gtk_selection_model_select_item (selection, 1, TRUE);
  g_assert_cmpstr (send_label (window), ==, "Send to 1 Selected");
  np_send_box_set_draft (window->send_box, "only the selected");
  click (send);
  np_test_expect_text (clients[1], "only the selected", "the selected client to get Send");
  np_send_box_set_draft (window->send_box, "marker");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-all", NULL);
  np_test_expect_text (clients[0], "marker", "the first client to get only the send to all");
  np_test_expect_text (clients[1], "marker", "the selected client to get the send to all");
  np_test_expect_text (clients[2], "marker", "the third client to get only the send to all");

  gtk_selection_model_select_item (selection, 2, FALSE);
  g_assert_cmpstr (send_label (window), ==, "Send to 2 Selected");

  gtk_selection_model_unselect_all (selection);
  g_assert_cmpstr (send_label (window), ==, "Send to All");
  np_send_box_set_draft (window->send_box, "everyone");
  click (send);
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    np_test_expect_text (clients[i], "everyone", "every client to get Send with nothing selected");

  np_test_stop (window);
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    g_object_unref (clients[i]);
  np_test_close_window (window);
}

static char *
address_of (GSocket *socket)
{
  return g_strdup_printf ("127.0.0.1:%u", np_test_local_port (socket));
}

/* UDP: with no destination Send goes to every peer heard and says so; a destination typed
 * while listening takes over; a destination is not a peer heard until it sends. */
static void
test_udp_destination (void)
{
  NpWindow *window = np_test_new_window ();
  GtkWidget *send = part_child (window->send_box, "send_button");
  GtkWidget *destination = part_child (window->endpoint_bar, "destination_entry");
  g_autoptr(GSocket) a = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocket) b = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocket) c = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocket) d = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) window_address = NULL;
  g_autofree char *to_c = address_of (c);
  g_autofree char *to_d = address_of (d);
  g_autofree char *label = NULL;
  GString *keys = g_string_new (NULL);

  /* A destination set before Start: sends reach it, and it is no peer heard. */
  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", to_d);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "udp bound");
  window_address = np_test_loopback_address (G_SOCKET_FAMILY_IPV4, np_window_get_endpoint_port (window));
  label = g_strdup_printf ("Send to %s", to_d);
  g_assert_cmpstr (send_label (window), ==, label);
  np_send_box_set_draft (window->send_box, "to d");
  click (send);
  np_test_expect_text (d, "to d", "the destination set before Start");
  np_test_send (a, window_address, "hi from a", 9);
  np_test_send (b, window_address, "hi from b", 9);
  np_test_wait_for_items (np_test_peers_of (window), 2, "two peers heard");
  np_test_wait_frames (window);
  g_assert_cmpuint (g_list_model_get_n_items (np_test_peers_of (window)), ==, 2);

  /* Cleared while listening: Send goes to every peer heard, by name. */
  gtk_widget_grab_focus (destination);
  if (!np_test_press_keys (window, "ctrl+a BackSpace"))
    {
      g_string_free (keys, TRUE);
      np_test_close_window (window);
      return;
    }
  g_assert_cmpstr (send_label (window), ==, "Send to All Heard");
  np_send_box_set_draft (window->send_box, "to all heard");
  click (send);
  np_test_expect_text (a, "to all heard", "peer a with no destination");
  np_test_expect_text (b, "to all heard", "peer b with no destination");

  /* Typed while listening (as a keyboard does): Send goes there, and only there. */
  for (const char *p = to_c; *p != '\0'; p++)
    g_string_append_printf (keys, "%s ", *p == '.' ? "period" : *p == ':' ? "colon" : (char[]) { *p, 0 });
  gtk_widget_grab_focus (destination);
  np_test_press_keys (window, keys->str);
  g_free (label);
  label = g_strdup_printf ("Send to %s", to_c);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (destination)), ==, to_c);
  g_assert_cmpstr (send_label (window), ==, label);
  np_send_box_set_draft (window->send_box, "to c");
  click (send);
  np_test_expect_text (c, "to c", "the destination typed while listening");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-all", NULL);
  np_test_expect_text (a, "to c", "peer a to get only the send to all heard");
  np_test_expect_text (b, "to c", "peer b to get only the send to all heard");
  g_assert_cmpuint (g_list_model_get_n_items (np_test_peers_of (window)), ==, 2);

  np_test_stop (window);
  g_string_free (keys, TRUE);
  np_test_close_window (window);
}

/* In hex view a filter still finds the text ("hello"), shows the row (in hex), and an empty
 * result says so; so does an empty log. */
static void
test_filter_in_hex (void)
{
  NpWindow *window = np_test_new_window ();
  GtkWidget *hint = part_child (window->log_view, "empty_label");
  GtkEditable *search = part_child (window->log_view, "search_entry");
  GListModel *visible = np_log_view_get_visible (window->log_view);
  g_autoptr(GSocket) client = NULL;
  guint port;

  np_test_wait_frames (window);
  g_assert_true (gtk_widget_get_mapped (hint));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (hint)), "press Start"));

  port = np_test_start_server (window);
  client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  send_line (window, client, "hello\r\n");
  send_line (window, client, "other\r\n");
  g_assert_false (gtk_widget_get_mapped (hint));

  gtk_drop_down_set_selected (part_child (window->log_view, "display_dropdown"), 1);   /* Hex */
  gtk_editable_set_text (search, "hello");
  np_test_wait_for_items (visible, 1, "the row with hello");
  np_test_wait_frames (window);
  g_assert_true (np_test_log_text_shown (window, "68 65 6C 6C 6F 0D 0A"));
  g_assert_false (gtk_widget_get_mapped (hint));

  /* What is shown still matches too. */
  gtk_editable_set_text (search, "6f 74 68");
  np_test_wait_for_items (visible, 1, "the row with 6F 74 68 (oth)");

  gtk_editable_set_text (search, "zzz");
  np_test_wait_for_items (visible, 0, "no row");
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_get_mapped (hint));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (hint)), ==, "No row matches “zzz”");

  gtk_editable_set_text (search, "");
  np_test_wait_frames (window);
  g_assert_false (gtk_widget_get_mapped (hint));

  np_test_stop (window);
  np_test_close_window (window);
}

static gboolean
is_label_showing (GtkWidget     *widget,
                  gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) && g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text);
}

static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text)
{
  return GTK_LABEL (np_test_find_widget (widget, is_label_showing, text));
}

static gboolean
peer_has_bytes_in (gpointer data)
{
  g_autoptr(NpPeer) peer = g_list_model_get_item (np_test_peers_of (data), 0);

  return peer != NULL && np_peer_get_bytes_in (peer) == 16000000;
}

static gboolean
footer_says_16_mb_in (gpointer data)
{
  NpWindow *window = data;

  /* In the client list's units; the exact count in the tooltip (and accessible description). */
  return g_str_has_prefix (np_status_bar_get_text (window->status_bar), "In 16.0\u00a0MB")
         && g_str_has_prefix (gtk_widget_get_tooltip_text (part_child (window->status_bar, "label")),
                              "Exactly: in 16000000 bytes (");
}

/* The footer's totals are a run's (each Start begins at 0; stopped, they say "Last run"), a
 * client has no count of clients, and big counters in the client list read with a unit. */
static void
test_counters (void)
{
  NpWindow *window = np_test_new_window ();
  guint port = np_test_start_server (window);
  g_autoptr(GSocket) client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  g_autofree char *block = g_malloc0 (1000000);
  g_autoptr(GSocket) listener = np_test_tcp_listen (G_SOCKET_FAMILY_IPV4);
  g_autofree char *listener_port = g_strdup_printf ("%u", np_test_local_port (listener));
  g_autoptr(GSocket) server = NULL;
  GtkLabel *cell;

  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  for (guint i = 0; i < 16; i++)
    np_test_send (client, NULL, block, 1000000);
  np_test_wait_until (peer_has_bytes_in, window, "16,000,000 bytes in the client list");
  np_test_wait_frames (window);
  cell = find_label (part_child (window->peer_list, "peer_view"), "16.0\u00a0MB");   /* GLib puts a no-break space */
  g_assert_nonnull (cell);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (cell)));
  /* The footer's text follows its counts at most every 100 ms. */
  np_test_wait_until (footer_says_16_mb_in, window, "the footer to say In 16.0 MB");

  np_test_stop (window);
  g_assert_true (g_str_has_prefix (np_status_bar_get_text (window->status_bar), "Last run: In 16.0\u00a0MB"));

  /* A new run begins at 0; a client's footer counts no clients. */
  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "127.0.0.1", listener_port, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  server = np_test_tcp_accept (listener);
  g_assert_true (g_str_has_prefix (np_status_bar_get_text (window->status_bar), "In 0 bytes / 0 msg"));
  g_assert_null (strstr (np_status_bar_get_text (window->status_bar), "Clients"));

  np_test_stop (window);
  np_test_close_window (window);
}

/* The message box says what it is for while empty; the log's tools have words, not only icons;
 * Disconnect Selected is red only when it can act; once listening, typing goes to the message,
 * not to the (read-only) Address field. */
static void
test_small_things (void)
{
  NpWindow *window = np_test_new_window ();
  GtkWidget *placeholder = part_child (window->send_box, "placeholder_label");
  GtkWidget *disconnect = part_child (window->peer_list, "disconnect_button");
  GtkWidget *send_view = part_child (window->send_box, "send_view");
  GtkWidget *focus;
  g_autoptr(GSocket) client = NULL;
  guint port;

  np_test_wait_frames (window);
  g_assert_true (gtk_widget_get_mapped (placeholder));
  np_send_box_set_draft (window->send_box, "x");
  g_assert_false (gtk_widget_get_visible (placeholder));
  np_send_box_set_draft (window->send_box, "");
  g_assert_true (gtk_widget_get_visible (placeholder));

  for (guint i = 0; i < 4; i++)
    g_assert_nonnull (find_label (GTK_WIDGET (window->log_view), (const char *[]) { "Filter", "Details", "Copy", "Clear" }[i]));

  g_assert_false (gtk_widget_is_sensitive (disconnect));
  g_assert_false (gtk_widget_has_css_class (disconnect, "destructive-action"));

  port = np_test_start_server (window);
  np_test_wait_frames (window);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (focus == send_view || (focus != NULL && gtk_widget_is_ancestor (focus, send_view)));

  client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  gtk_selection_model_select_item (gtk_column_view_get_model (part_child (window->peer_list, "peer_view")), 0, TRUE);
  g_assert_true (gtk_widget_is_sensitive (disconnect));
  g_assert_true (gtk_widget_has_css_class (disconnect, "destructive-action"));

  np_test_stop (window);
  np_test_close_window (window);
}

/* Each frame costs 25 ms, more than its interval: software rendering on a busy machine. */
static gboolean
slow_frame (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  g_usleep (25 * 1000);
  return G_SOURCE_CONTINUE;
}

static gboolean
frames_running (gpointer data)
{
  return *(guint *) data >= 3;
}

typedef struct
{
  NpWindow *window;
  guint     rows;
  gint64    deadline;
} RowsBy;

static gboolean
rows_or_deadline (gpointer data)
{
  RowsBy *wanted = data;

  return g_list_model_get_n_items (G_LIST_MODEL (np_test_log_of (wanted->window))) >= wanted->rows
         || g_get_monotonic_time () > wanted->deadline;
}

typedef struct
{
  GListModel *peers;
  guint       n;
  gint64      deadline;
} PeersBy;

static gboolean
peers_or_deadline (gpointer data)
{
  PeersBy *wanted = data;

  return g_list_model_get_n_items (wanted->peers) == wanted->n || g_get_monotonic_time () > wanted->deadline;
}

static gboolean
shown_or_deadline (gpointer data)
{
  RowsBy *wanted = data;

  return np_test_last_row_shown (wanted->window, NULL) || g_get_monotonic_time () > wanted->deadline;
}

/* The window paints frame after frame (the message box's cursor blinks by a tick callback for
 * ten seconds after each key) and each frame is slow: what the engine says still reaches the
 * window. The engine's events were drained at idle priority, below GTK's redraw, which was
 * always due: after Start the window said nothing for ten seconds, until the cursor stopped
 * blinking (test-window's sending-tools failed so under a load of 8). */
static void
test_busy_frames (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GSocket) client = NULL;
  guint frames = 0;
  guint tick;
  guint port;

  np_test_wait_frames (window);
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (window), slow_frame, &frames, NULL);
  np_test_wait_until (frames_running, &frames, "slow frames");

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", "0", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  {
    RowsBy listening = { window, 1, g_get_monotonic_time () + G_USEC_PER_SEC };

    np_test_wait_until (rows_or_deadline, &listening, "a row or a second");
    g_assert_cmpuint (np_window_get_endpoint_port (window), !=, 0);
  }

  port = np_window_get_endpoint_port (window);
  client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  np_test_send (client, NULL, "while busy", 10);
  {
    RowsBy data = { window, 3, g_get_monotonic_time () + G_USEC_PER_SEC };

    np_test_wait_until (rows_or_deadline, &data, "the rows or a second");
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (np_test_log_of (window))), >=, 3);
  }
  /* And on screen, drawn by one of those slow frames. */
  {
    RowsBy shown = { window, 0, g_get_monotonic_time () + G_USEC_PER_SEC };

    np_test_wait_until (shown_or_deadline, &shown, "the row shown or a second");
    assert_last_row_shown (window, "while every frame is slow");
  }

  /* Forty clients leave the list when the server stops, a chunk at a time (see
   * np-peer-table.c): on an idle, the list kept them until the frames stopped. */
  {
    GSocket *more[39];
    PeersBy listed = { np_test_peers_of (window), 40, 0 };
    PeersBy gone = { np_test_peers_of (window), 0, 0 };

    for (guint i = 0; i < G_N_ELEMENTS (more); i++)
      more[i] = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
    listed.deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
    np_test_wait_until (peers_or_deadline, &listed, "40 clients or two seconds");
    g_assert_cmpuint (g_list_model_get_n_items (listed.peers), ==, 40);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
    gone.deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
    np_test_wait_until (peers_or_deadline, &gone, "no clients or a second");
    g_assert_cmpuint (g_list_model_get_n_items (gone.peers), ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (more); i++)
      g_object_unref (more[i]);
  }

  /* A burst into a nearly empty log is fed to the list a chunk at a time (see
   * np-log-view-flow.c): the chunks too came on an idle, and 100 datagrams stopped at the
   * first 24 until the frames stopped. */
  np_test_wait_until (np_test_is_stopped, window, "the server to stop");
  np_log_view_clear (window->log_view);
  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  {
    RowsBy listening = { window, 1, g_get_monotonic_time () + G_USEC_PER_SEC };
    g_autoptr(GSocket) udp = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) target = NULL;
    RowsBy burst = { window, 101, 0 };
    RowsBy shown = { window, 0, 0 };

    np_test_wait_until (rows_or_deadline, &listening, "a row or a second");
    g_assert_cmpuint (np_window_get_endpoint_port (window), !=, 0);
    target = np_test_loopback_address (G_SOCKET_FAMILY_IPV4, np_window_get_endpoint_port (window));
    for (guint i = 0; i < 100; i++)
      {
        g_autofree char *datagram = g_strdup_printf ("datagram %u", i);

        np_test_send (udp, target, datagram, strlen (datagram));
      }
    burst.deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
    np_test_wait_until (rows_or_deadline, &burst, "the burst's rows or two seconds");
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (np_test_log_of (window))), >=, 101);
    shown.deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
    np_test_wait_until (shown_or_deadline, &shown, "the newest row shown or a second");
    assert_last_row_shown (window, "after a burst, while every frame is slow");
  }

  g_test_message ("%u slow frames", frames);
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick);
  np_test_stop (window);
  np_test_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  np_test_init_window_tests (&argc, &argv);

  g_test_add_func ("/window-use/follow/lines", test_follow_lines);
  g_test_add_func ("/window-use/follow/flood", test_follow_flood);
  g_test_add_func ("/window-use/follow/client", test_follow_client);
  g_test_add_func ("/window-use/ctrl-enter-sends", test_ctrl_enter_sends);
  g_test_add_func ("/window-use/send-follows-selection", test_send_follows_selection);
  g_test_add_func ("/window-use/udp-destination", test_udp_destination);
  g_test_add_func ("/window-use/filter-in-hex", test_filter_in_hex);
  g_test_add_func ("/window-use/counters", test_counters);
  g_test_add_func ("/window-use/small-things", test_small_things);
  g_test_add_func ("/window-use/busy-frames", test_busy_frames);

  return g_test_run ();
}
