/* The window's tools in the real NpWindow (under Xvfb), with real sockets: reply rules applied
 * while the endpoint runs (a bad edit keeps the last good rules, and stops nothing), kept in
 * the workspace; a file sent as one framed message with the transfer bar on the way; saving
 * stopped by a full disk with the reason in the log while the connection goes on; the log
 * exported as text. test_gui_tools.py drives the same through AT-SPI and the file choosers. */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "np-test-utils.h"
#include "np-window-test-utils.h"
#include "np-rule-row.h"

#define expect_row_shown np_test_expect_row_shown

/* The rule item at @index, with @pattern and @response typed into it. */
static NpRuleItem *
write_rule (NpWindow   *window,
            const char *pattern,
            const char *response)
{
  g_autoptr(GError) error = NULL;
  NpRuleItem *item = np_rules_add (window->rules, &error);

  g_assert_no_error (error);
  g_object_set (item, "pattern", pattern, "response", response, NULL);
  return item;
}

static GSocket *
connect_client (guint port)
{
  return np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
}

/* The engine runs commands in order: once a message the window sends after a change has
 * arrived, the change (new rules) is in place on the engine thread too. */
static void
sync_engine (NpWindow *window,
             GSocket  *client)
{
  np_send_box_set_draft (window->send_box, "sync");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
  np_test_expect_text (client, "sync", "the window's marker");
}

static gboolean
has_error_row (gpointer data)
{
  gpointer *args = data;
  GListModel *log = G_LIST_MODEL (np_log_view_get_model (NP_WINDOW (args[0])->log_view));

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(NpLogRow) row = g_list_model_get_item (log, i);

      if (np_log_row_get_direction (row) == NP_LOG_DIRECTION_ERROR && np_log_row_get_message (row) != NULL
          && strstr (np_log_row_get_message (row), args[1]) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
expect_error_row (NpWindow   *window,
                  const char *needle)
{
  gpointer args[] = { window, (gpointer) needle };
  g_autofree char *what = g_strdup_printf ("an error row saying “%s”", needle);

  np_test_wait_until (has_error_row, args, what);
}

/* Rules typed while the server runs answer at once; a bad edit keeps the last good rules and
 * says what is wrong; Start refuses while a rule is bad. */
static void
test_rules_live (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GSocket) client = NULL;
  NpRuleItem *rule;
  guint port = np_test_start_server (window);

  client = connect_client (port);
  np_test_wait_for_items (G_LIST_MODEL (np_peer_list_get_peers (window->peer_list)), 1, "the client");
  rule = write_rule (window, "^PING (\\d+)", "PONG \\1\\r\\n");
  sync_engine (window, client);
  np_test_send (client, NULL, "PING 7", 6);
  np_test_expect_text (client, "PONG 7\r\n", "the rule typed while running answers");
  expect_row_shown (window, "PONG 7\\r\\n");

  g_object_set (rule, "response", "PONG-\\1", NULL);
  sync_engine (window, client);
  np_test_send (client, NULL, "PING 8", 6);
  np_test_expect_text (client, "PONG-8", "the edited answer");

  /* A bad pattern: said on the rule and by the rules, the endpoint keeps the good ones. */
  g_object_set (rule, "pattern", "^PING (\\d+", NULL);
  g_assert_nonnull (strstr (np_rule_item_get_error (rule), "missing terminating )"));
  g_assert_nonnull (strstr (np_rules_get_error (window->rules), "Rule 1: pattern: Error while compiling"));
  sync_engine (window, client);
  np_test_send (client, NULL, "PING 9", 6);
  np_test_expect_text (client, "PONG-9", "the last good rules still answering");

  np_test_stop (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_false (np_window_is_running (window));

  /* Fixed, disabled: nothing answers; the marker the window sends is the next thing read. */
  g_object_set (rule, "pattern", "^PING (\\d+)", "enabled", FALSE, NULL);
  g_assert_null (np_rules_get_error (window->rules));
  port = np_test_start_server (window);
  g_clear_object (&client);
  client = connect_client (port);
  np_test_wait_for_items (G_LIST_MODEL (np_peer_list_get_peers (window->peer_list)), 1, "the client");
  np_test_send (client, NULL, "PING 1", 6);
  np_send_box_set_draft (window->send_box, "marker");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
  np_test_expect_text (client, "marker", "the marker, no answer before it");

  np_test_stop (window);
  np_test_close_window (window);
}

/* The rules are part of the workspace: saved, opened again in another window, the same. */
static void
test_rules_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-tools-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "device.netpoke", NULL);
  g_autofree char *old_path = g_build_filename (dir, "old.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) old = g_file_new_for_path (old_path);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  GAsyncResult *pending = NULL;
  NpWindow *window = np_test_new_window ();
  NpWindow *again;
  NpRuleItem *rule;

  g_assert_no_error (error);
  write_rule (window, "^report(.*)", "SET OK:report\\1");
  rule = write_rule (window, "01 03", "01 83 02");
  g_object_set (rule, "match", NP_MATCH_HEX, "reply", NP_REPLY_HEX, "delay-ms", 250, "enabled", FALSE, NULL);
  before = np_rules_dup_rules (window->rules);

  np_window_save_workspace_async (window, file, NULL, np_test_async_ready, &pending);
  {
    g_autoptr(GAsyncResult) result = np_test_wait_async (&pending, "the workspace saved");

    g_assert_true (np_window_save_workspace_finish (window, result, &error));
    g_assert_no_error (error);
  }
  np_test_close_window (window);

  again = np_test_new_window ();
  g_assert_true (np_window_open_workspace (again, file, &error));
  g_assert_no_error (error);
  after = np_rules_dup_rules (again->rules);
  g_assert_cmpuint (after->len, ==, 2);
  for (guint i = 0; i < after->len; i++)
    g_assert_true (np_reply_rule_equal (g_ptr_array_index (before, i), g_ptr_array_index (after, i)));
  g_assert_nonnull (np_rules_get_responder (again->rules));

  /* A workspace from before rules (version 1) opens, with none. */
  g_assert_true (g_file_set_contents (old_path, "{\"format\":\"netpoke-workspace\",\"version\":1,"
                                      "\"endpoints\":[{\"mode\":\"udp\",\"port\":\"5000\"}]}", -1, NULL));
  g_assert_true (np_window_open_workspace (again, old, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (np_rules_get_model (again->rules)), ==, 0);

  np_test_close_window (again);
  g_unlink (path);
  g_unlink (old_path);
  g_rmdir (dir);
}

static gboolean
not_sending (gpointer data)
{
  return !NP_WINDOW (data)->sending_file;
}

/* With a 16-byte ASCII header the file is one message: header once, then every byte; the
 * transfer bar shows while it goes, the log names the file. */
static void
test_send_file_framed (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-tools-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "frame.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  g_autoptr(GPtrArray) got = NULL;
  guint8 body[300000];
  guint port;

  g_assert_no_error (error);
  for (gsize i = 0; i < sizeof body; i++)
    body[i] = (guint8) (i * 7 + i / 251);
  g_assert_true (g_file_set_contents (path, (const char *) body, sizeof body, NULL));
  g_byte_array_append (expected, (const guint8 *) "300000          ", 16);
  g_byte_array_append (expected, body, sizeof body);

  np_log_view_set_framing (window->log_view, "ascii16");
  port = np_test_start_server (window);
  client = connect_client (port);
  np_test_wait_for_items (G_LIST_MODEL (np_peer_list_get_peers (window->peer_list)), 1, "the client");

  np_window_send_file (window, file);
  g_assert_true (window->sending_file);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->transfer_bar)));
  got = np_test_receive_together (&client, 1, expected->len, "the framed file");
  g_assert_cmpmem (((GByteArray *) got->pdata[0])->data, ((GByteArray *) got->pdata[0])->len,
                   expected->data, expected->len);
  np_test_wait_until (not_sending, window, "the transfer to end");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->transfer_bar)));
  expect_row_shown (window, "File frame.png");

  np_test_stop (window);
  np_test_close_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

#define CONFIG_BYTES "\x01\x02config"

/* config.bin, 8 bytes, in a folder of its own (delete_file() removes both). */
static GFile *
config_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-tools-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "config.bin", NULL);
  g_assert_true (g_file_set_contents (path, CONFIG_BYTES, 8, NULL));
  return g_file_new_for_path (path);
}

static void
delete_file (GFile *file)
{
  g_autofree char *dir = g_path_get_dirname (g_file_peek_path (file));

  g_unlink (g_file_peek_path (file));
  g_rmdir (dir);
}

static void
start_udp (NpWindow   *window,
           const char *destination)
{
  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", destination);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "listening");
}

/* Over UDP a file is one datagram to the destination; the transfer ends when it went. */
static void
test_send_file_udp (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GFile) file = config_file ();
  g_autoptr(GSocket) receiver = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", np_test_local_port (receiver));

  start_udp (window, destination);
  np_window_send_file (window, file);
  np_test_expect_received (receiver, CONFIG_BYTES, 8, "the file as one datagram");
  np_test_wait_until (not_sending, window, "the transfer to end");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->transfer_bar)));

  np_test_stop (window);
  np_test_close_window (window);
  delete_file (file);
}

/* A datagram the system refuses (a broadcast address, broadcast off): the transfer ends as
 * failed with the system's reason and 0 bytes sent, shown in the log; what arrived before
 * stays, and the endpoint goes on. */
static void
test_send_file_udp_refused (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GFile) file = config_file ();
  g_autoptr(GSocket) peer = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) to_window = NULL;

  start_udp (window, "255.255.255.255:9");
  to_window = np_test_loopback_address (G_SOCKET_FAMILY_IPV4, np_window_get_endpoint_port (window));
  np_test_send (peer, to_window, "heard before", 12);
  np_test_expect_part_shown (window, "heard before");

  np_window_send_file (window, file);
  np_test_wait_until (not_sending, window, "the transfer to end");
  np_test_expect_part_shown (window, "config.bin stopped after 0 of 8 bytes");
  expect_error_row (window, "it is a broadcast address, and broadcast is off");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->transfer_bar)));
  g_assert_true (np_window_is_running (window));
  np_test_expect_part_shown (window, "heard before");

  np_test_stop (window);
  np_test_close_window (window);
  delete_file (file);
}

/* The disk fills (a file size limit binds root too): saving stops, the reason is in the log
 * and the toggle is off; the file saved before stays; the connection goes on. */
static void
test_saving_disk_full (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-tools-XXXXXX", &error);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GSocket) client = NULL;
  g_autofree char *big = g_strnfill (200000, 'x');
  struct rlimit saved_limit, small;
  gboolean saving = TRUE;
  const char *entry;
  guint port, count = 0;

  g_assert_no_error (error);
  np_log_view_set_framing (window->log_view, "line");
  port = np_test_start_server (window);
  client = connect_client (port);
  np_test_wait_for_items (G_LIST_MODEL (np_peer_list_get_peers (window->peer_list)), 1, "the client");
  g_assert_true (np_window_save_messages_to (window, folder, &error));
  g_assert_no_error (error);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
  small = saved_limit;
  small.rlim_cur = 100000;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  np_test_send (client, NULL, "small\n", 6);
  np_test_send (client, NULL, big, strlen (big));
  np_test_send (client, NULL, "\n", 1);
  expect_error_row (window, "Saving messages to");
  expect_error_row (window, "File too large");
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);

  g_object_get (window, "saving-messages", &saving, NULL);
  g_assert_false (saving);
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);

    while ((entry = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, entry, NULL);
        g_autofree char *contents = NULL;

        g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
        g_assert_cmpstr (contents, ==, "small\n");
        g_unlink (path);
        count++;
      }
  }
  g_assert_cmpuint (count, ==, 1);

  np_send_box_set_draft (window->send_box, "still here");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
  np_test_expect_text (client, "still here", "the connection going on");

  np_test_stop (window);
  np_test_close_window (window);
  g_rmdir (dir);
}

/* Text export: the clipboard's lines, one per row, the rule's answer marked. */
static void
test_export_text (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-tools-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "log.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GSocket) client = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GAsyncResult *pending = NULL;
  guint n_rows = 0;
  guint port;

  g_assert_no_error (error);
  write_rule (window, "^a,\"b\"$", "ok");
  port = np_test_start_server (window);
  client = connect_client (port);
  np_test_send (client, NULL, "a,\"b\"", 5);
  np_test_expect_text (client, "ok", "the answer");
  expect_row_shown (window, "ok");

  np_window_export_log (window, file, FALSE, NP_LOG_EXPORT_TEXT, np_test_async_ready, &pending);
  {
    g_autoptr(GAsyncResult) result = np_test_wait_async (&pending, "the export");

    g_assert_true (np_log_export_finish (result, &n_rows, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (n_rows, ==, g_list_model_get_n_items (G_LIST_MODEL (np_log_view_get_model (window->log_view))));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n_rows + 1);
  g_assert_nonnull (strstr (lines[2], "\tin\t127.0.0.1:"));
  g_assert_true (g_str_has_suffix (lines[2], "\t5\ta,\"b\""));
  g_assert_nonnull (strstr (lines[3], "\trule 1\t127.0.0.1:"));
  g_assert_true (g_str_has_suffix (lines[3], "\t2\tok"));

  /* The CSV field of the same data: quoted, its quotes doubled. */
  {
    g_autofree char *field = np_log_export_csv_field ("a,\"b\"");

    g_assert_cmpstr (field, ==, "\"a,\"\"b\"\"\"");
  }

  np_test_stop (window);
  np_test_close_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* A button of row @index of the rules dialog. */
static GtkWidget *
row_button (GtkListBox *list,
            int         index,
            const char *name)
{
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, index));

  g_assert_nonnull (row);
  return GTK_WIDGET (gtk_widget_get_template_child (row, NP_TYPE_RULE_ROW, name));
}

static char *
first_pattern (NpWindow *window)
{
  g_autoptr(GPtrArray) rules = np_rules_dup_rules (window->rules);

  return g_strdup (((NpReplyRule *) g_ptr_array_index (rules, 0))->pattern);
}

/* The dialog's row buttons: the first rule cannot go up, the last cannot go down; moving and
 * removing act on the row's own rule. */
static void
test_rules_dialog_buttons (void)
{
  NpWindow *window = np_test_new_window ();
  g_autofree char *first = NULL;
  GtkListBox *list;

  write_rule (window, "^first", "1");
  write_rule (window, "^second", "2");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.rules", NULL);
  list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (window->rules_dialog), NP_TYPE_RULES_DIALOG,
                                                      "rules_list"));
  g_assert_false (gtk_widget_get_sensitive (row_button (list, 0, "up_button")));
  g_assert_true (gtk_widget_get_sensitive (row_button (list, 0, "down_button")));
  g_assert_true (gtk_widget_get_sensitive (row_button (list, 1, "up_button")));
  g_assert_false (gtk_widget_get_sensitive (row_button (list, 1, "down_button")));

  g_signal_emit_by_name (row_button (list, 1, "up_button"), "clicked");
  first = first_pattern (window);
  g_assert_cmpstr (first, ==, "^second");
  g_assert_false (gtk_widget_get_sensitive (row_button (list, 0, "up_button")));
  g_assert_false (gtk_widget_get_sensitive (row_button (list, 1, "down_button")));

  g_signal_emit_by_name (row_button (list, 0, "remove_button"), "clicked");
  g_clear_pointer (&first, g_free);
  first = first_pattern (window);
  g_assert_cmpstr (first, ==, "^first");
  g_assert_null (gtk_list_box_get_row_at_index (list, 1));
  g_assert_false (gtk_widget_get_sensitive (row_button (list, 0, "up_button")));
  g_assert_false (gtk_widget_get_sensitive (row_button (list, 0, "down_button")));

  np_test_close_window (window);
}

static const char *
row_error (GtkListBox *list,
           int         index)
{
  return gtk_label_get_text (GTK_LABEL (row_button (list, index, "error_label")));
}

static graphene_rect_t
bounds_in_dialog (NpWindow  *window,
                  GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window->rules_dialog), &bounds));
  return bounds;
}

static void
assert_not_moved (NpWindow              *window,
                  GtkWidget             *widget,
                  const graphene_rect_t *before,
                  const char            *when)
{
  graphene_rect_t after = bounds_in_dialog (window, widget);

  if (!graphene_rect_equal (before, &after))
    g_error ("%s: %s moved from y %.0f (%.0f high) to y %.0f (%.0f high)", when, G_OBJECT_TYPE_NAME (widget),
             before->origin.y, before->size.height, after.origin.y, after.size.height);
}

/* A rule just added is blank, not yet wrong: its "pattern is empty" waits until it is written
 * (or a message is tried); a rule written before says what is wrong at once. The error line
 * coming and going moves nothing below it (a click meant for Try It landed in the answer). */
static void
test_rules_error_when_written (void)
{
  NpWindow *window = np_test_new_window ();
  GtkListBox *list;
  GtkWidget *try_entry;
  graphene_rect_t try_before, answer_before;

  write_rule (window, "(", "x");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.rules", NULL);
  np_test_wait_painted (window->rules_dialog);
  list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (window->rules_dialog), NP_TYPE_RULES_DIALOG,
                                                      "rules_list"));
  try_entry = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window->rules_dialog), NP_TYPE_RULES_DIALOG,
                                                       "try_entry"));
  g_assert_true (g_str_has_prefix (row_error (list, 0), "Rule 1: "));

  gtk_widget_activate_action (GTK_WIDGET (window->rules_dialog), "rules.add", NULL);
  np_test_wait_painted (window->rules_dialog);
  g_assert_nonnull (np_rule_item_get_error (np_rule_row_get_item (NP_RULE_ROW (gtk_list_box_get_row_at_index (list, 1)))));
  g_assert_cmpstr (row_error (list, 1), ==, "");
  try_before = bounds_in_dialog (window, try_entry);
  answer_before = bounds_in_dialog (window, row_button (list, 1, "response_entry"));

  gtk_editable_set_text (GTK_EDITABLE (row_button (list, 1, "pattern_entry")), "ping(");
  np_test_wait_painted (window->rules_dialog);
  g_assert_true (g_str_has_prefix (row_error (list, 1), "Rule 2: "));
  assert_not_moved (window, try_entry, &try_before, "the error shown");
  assert_not_moved (window, row_button (list, 1, "response_entry"), &answer_before, "the error shown");

  gtk_editable_set_text (GTK_EDITABLE (row_button (list, 1, "pattern_entry")), "ping");
  np_test_wait_painted (window->rules_dialog);
  g_assert_cmpstr (row_error (list, 1), ==, "");
  assert_not_moved (window, try_entry, &try_before, "the error gone");

  /* Start (when the rules count) says what is wrong with a blank rule too, and so does trying a
   * message. */
  gtk_widget_activate_action (GTK_WIDGET (window->rules_dialog), "rules.add", NULL);
  np_test_wait_painted (window->rules_dialog);
  g_assert_cmpstr (row_error (list, 2), ==, "");
  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", "0", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_painted (window->rules_dialog);
  g_assert_false (np_window_is_running (window));
  g_assert_true (g_str_has_prefix (row_error (list, 2), "Rule 3: "));

  gtk_widget_activate_action (GTK_WIDGET (window->rules_dialog), "rules.add", NULL);
  np_test_wait_painted (window->rules_dialog);
  g_assert_cmpstr (row_error (list, 3), ==, "");
  gtk_editable_set_text (GTK_EDITABLE (try_entry), "ping");
  np_test_wait_painted (window->rules_dialog);
  g_assert_true (g_str_has_prefix (row_error (list, 3), "Rule 4: "));

  np_test_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  np_test_init_window_tests (&argc, &argv);

  g_test_add_func ("/window/tools/rules-dialog-buttons", test_rules_dialog_buttons);
  g_test_add_func ("/window/tools/rules-live", test_rules_live);
  g_test_add_func ("/window/tools/rules-error-when-written", test_rules_error_when_written);
  g_test_add_func ("/window/tools/rules-workspace", test_rules_workspace);
  g_test_add_func ("/window/tools/send-file-framed", test_send_file_framed);
  g_test_add_func ("/window/tools/send-file-udp", test_send_file_udp);
  g_test_add_func ("/window/tools/send-file-udp-refused", test_send_file_udp_refused);
  g_test_add_func ("/window/tools/saving-disk-full", test_saving_disk_full);
  g_test_add_func ("/window/tools/export-text", test_export_text);

  return g_test_run ();
}
