/* The real NpWindow (in-process, under Xvfb) with the options of issue 13, set the way a person
 * sets them (the check buttons and entries of the options popover), against peers Netpoke did
 * not write: a TLS server answered by openssl s_client; a relay between socat endpoints, its
 * Disconnect All; a TCP client reconnecting to a server that comes up late; UDP multicast and
 * broadcast in a network namespace of the test's own. What is checked is what is drawn: rows
 * inside the log's viewport, the peers list's cells. */
#define _GNU_SOURCE 1   /* unshare */

#include <adwaita.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>

#include "np-test-utils.h"
#include "np-window-test-utils.h"

#define part_child np_test_part_child

/* A row holding @text is drawn inside the log's viewport. */
static void
expect_shown (NpWindow   *window,
              const char *text)
{
  np_test_expect_part_shown (window, text);
  np_test_wait_frames (window);
}

#define is_running np_test_is_running

static GSubprocess *
spawn (GSubprocessFlags   flags,
       const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process = g_subprocess_newv (argv, flags, &error);

  g_assert_no_error (error);
  return process;
}

typedef struct
{
  char     *line;
  gboolean  done;
} Line;

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Line *line = user_data;
  g_autoptr(GError) error = NULL;

  line->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  g_assert_no_error (error);
  line->done = TRUE;
}

static gboolean
line_done (gpointer data)
{
  return ((Line *) data)->done;
}

/* The next line a peer prints; the window goes on meanwhile (bounded wait). */
static char *
read_line (GSubprocess *process)
{
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  Line line = { NULL, FALSE };

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line, &line);
  np_test_wait_until (line_done, &line, "a line from the peer");
  return line.line;
}

static void
write_line (GSubprocess *process,
            const char  *line)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *input = g_subprocess_get_stdin_pipe (process);

  g_output_stream_write_all (input, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (input, NULL, &error);
  g_assert_no_error (error);
}

static void
send_draft (NpWindow   *window,
            const char *text)
{
  np_send_box_set_draft (window->send_box, text);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
}

static gboolean
port_listening (gpointer data)
{
  g_autofree char *ports = NULL;
  g_autofree char *needle = g_strdup_printf (":%04X ", GPOINTER_TO_UINT (data));

  g_file_get_contents ("/proc/net/tcp", &ports, NULL, NULL);
  return ports != NULL && strstr (ports, needle) != NULL;
}

/* A port nothing uses now (the socket that found it is closed again). */
static guint
free_port (GSocketType type)
{
  g_autoptr(GSocket) socket = type == G_SOCKET_TYPE_STREAM ? np_test_tcp_listen (G_SOCKET_FAMILY_IPV4)
                                                           : np_test_udp_socket (G_SOCKET_FAMILY_IPV4);

  return np_test_local_port (socket);
}

/* The button a person presses for @action (its sensitivity follows the action's). */
static gboolean
is_button_for (GtkWidget     *widget,
               gconstpointer  action)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

/* NETPOKE_SCREENSHOT_DIR=DIR keeps a picture of the screen as it is now. */
static void
screenshot (NpWindow   *window,
            const char *name)
{
  const char *dir = g_getenv ("NETPOKE_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GSubprocess) import = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL || dir[0] == '\0')
    return;
  np_test_wait_frames (window);
  path = g_build_filename (dir, name, NULL);
  import = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "import", "-window", "root", path, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (import, NULL, &error);
  g_assert_no_error (error);
}

/* The options popover as a person opens it: the mode's options are what it shows. */
static void
show_options (NpWindow   *window,
              const char *picture)
{
  GtkMenuButton *button = GTK_MENU_BUTTON (np_test_find_widget_of_type (GTK_WIDGET (window->endpoint_bar), GTK_TYPE_MENU_BUTTON));

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));
  gtk_menu_button_popup (button);
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (button))));
  screenshot (window, picture);
  gtk_menu_button_popdown (button);
  np_test_wait_frames (window);
}

/* ---- TLS: the window's server answered by openssl s_client ----------------------------------- */

static void
test_tls_server (void)
{
  NpWindow *window = np_test_new_window ();
  NpTcpOptions *options = np_endpoint_bar_get_tcp_options (window->endpoint_bar);
  g_autofree char *connect = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      np_test_close_window (window);
      return;
    }

  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", "0", NULL);
  gtk_check_button_set_active (part_child (options, "tls_check"), TRUE);
  show_options (window, "tcp-server-options.png");
  g_assert_null (np_endpoint_bar_get_validation (window->endpoint_bar));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "the TLS server to listen");
  expect_shown (window, "TLS with Netpoke’s own certificate");

  connect = g_strdup_printf ("127.0.0.1:%u", np_window_get_endpoint_port (window));
  client = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                  (const char * const[]) { "openssl", "s_client", "-connect", connect, "-quiet", NULL });
  write_line (client, "hello from s_client\n");
  expect_shown (window, "Connected over TLS 1.3");
  expect_shown (window, "hello from s_client");
  screenshot (window, "tls-server.png");

  np_test_wait_for_items (np_test_peers_of (window), 1, "the TLS client in the list");
  send_draft (window, "to s_client\n");
  line = read_line (client);
  g_assert_cmpstr (line, ==, "to s_client");

  np_test_stop (window);
  g_subprocess_force_exit (client);
  np_test_close_window (window);
}

/* ---- the relay between socat endpoints -------------------------------------------------------- */

static void
test_relay (void)
{
  NpWindow *window = np_test_new_window ();
  guint target = free_port (G_SOCKET_TYPE_STREAM);
  g_autofree char *listen = g_strdup_printf ("TCP-LISTEN:%u,bind=127.0.0.1,reuseaddr", target);
  g_autofree char *to = g_strdup_printf ("127.0.0.1:%u", target);
  g_autofree char *connect = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocess) echo = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autofree char *socat = g_find_program_in_path ("socat");
  g_autoptr(GError) error = NULL;

  if (socat == NULL)
    {
      g_test_skip ("socat is not installed");
      np_test_close_window (window);
      return;
    }

  echo = spawn (G_SUBPROCESS_FLAGS_STDERR_SILENCE, (const char * const[]) { "socat", listen, "EXEC:cat", NULL });
  np_test_wait_until (port_listening, GUINT_TO_POINTER (target), "socat listening as the target");

  np_window_set_endpoint (window, NP_MODE_RELAY, "127.0.0.1", "0", to);
  g_assert_null (np_endpoint_bar_get_validation (window->endpoint_bar));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "the relay to listen");
  np_test_wait_frames (window);
  g_assert_false (gtk_widget_is_sensitive (np_test_find_widget (GTK_WIDGET (window->send_box), is_button_for, "win.send")));

  connect = g_strdup_printf ("TCP:127.0.0.1:%u", np_window_get_endpoint_port (window));
  client = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                  (const char * const[]) { "socat", "-", connect, NULL });
  write_line (client, "ping through\n");
  line = read_line (client);
  g_assert_cmpstr (line, ==, "ping through");

  expect_shown (window, "relayed to 127.0.0.1");
  expect_shown (window, "to target");
  expect_shown (window, "to client");
  expect_shown (window, "ping through");
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client in the list");
  screenshot (window, "relay.png");

  /* Disconnect All: the client sees the end, the relay keeps listening. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.disconnect-all", NULL);
  g_subprocess_wait (client, NULL, &error);
  g_assert_no_error (error);
  expect_shown (window, "Disconnected by user (all clients)");
  g_assert_true (np_window_is_running (window));

  np_test_stop (window);
  g_subprocess_force_exit (echo);
  np_test_close_window (window);
}

/* ---- the UDP relay: a client address gets its own socket to the target -------------------------- */

typedef struct
{
  GSocket        *socket;
  GSocketAddress *from;
  char            data[64];
  gssize          length;
} Datagram;

static gboolean
datagram_arrived (gpointer user_data)
{
  Datagram *datagram = user_data;

  g_clear_object (&datagram->from);
  datagram->length = g_socket_receive_from (datagram->socket, &datagram->from, datagram->data,
                                            sizeof datagram->data, NULL, NULL);
  return datagram->length >= 0;
}

/* The next datagram on @socket (bounded wait), and who sent it. */
static void
receive_datagram (GSocket    *socket,
                  Datagram   *datagram,
                  const char *what)
{
  datagram->socket = socket;
  g_socket_set_blocking (socket, FALSE);
  np_test_wait_until (datagram_arrived, datagram, what);
}

static void
test_udp_relay (void)
{
  NpWindow *window = np_test_new_window ();
  g_autoptr(GSocket) target = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocket) client = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autofree char *to = g_strdup_printf ("127.0.0.1:%u", np_test_local_port (target));
  g_autoptr(GSocketAddress) relay = NULL;
  Datagram at_target = { 0 };
  Datagram answer = { 0 };

  np_window_set_endpoint (window, NP_MODE_UDP_RELAY, "127.0.0.1", "0", to);
  g_assert_null (np_endpoint_bar_get_validation (window->endpoint_bar));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "the UDP relay to bind");

  relay = np_test_loopback_address (G_SOCKET_FAMILY_IPV4, np_window_get_endpoint_port (window));
  np_test_send (client, relay, "ask", 3);
  receive_datagram (target, &at_target, "the datagram at the target");
  g_assert_cmpmem (at_target.data, at_target.length, "ask", 3);

  /* The target answers whoever wrote: the relay's socket for this client, which passes it on. */
  np_test_send (target, at_target.from, "answer", 6);
  receive_datagram (client, &answer, "the answer at the client");
  g_assert_cmpmem (answer.data, answer.length, "answer", 6);
  expect_shown (window, "to target");
  expect_shown (window, "to client");
  np_test_wait_for_items (np_test_peers_of (window), 1, "the client in the list");

  np_test_stop (window);
  g_clear_object (&at_target.from);
  g_clear_object (&answer.from);
  np_test_close_window (window);
}

/* ---- a TCP client that reconnects ------------------------------------------------------------- */

static void
test_reconnect (void)
{
  NpWindow *window = np_test_new_window ();
  NpTcpOptions *options = np_endpoint_bar_get_tcp_options (window->endpoint_bar);
  guint port = free_port (G_SOCKET_TYPE_STREAM);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *listen = g_strdup_printf ("TCP-LISTEN:%u,bind=127.0.0.1,reuseaddr", port);
  g_autofree char *line = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *socat = g_find_program_in_path ("socat");

  if (socat == NULL)
    {
      g_test_skip ("socat is not installed");
      np_test_close_window (window);
      return;
    }

  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "127.0.0.1", port_text, NULL);
  gtk_check_button_set_active (part_child (options, "reconnect_check"), TRUE);
  gtk_editable_set_text (part_child (options, "reconnect_max_entry"), "1000");
  g_assert_null (np_endpoint_bar_get_validation (window->endpoint_bar));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (is_running, window, "the client to start");
  expect_shown (window, "connection refused. Connecting again in 0.5 s (attempt 2)");
  expect_shown (window, "Connecting again in 1.0 s (attempt 3)");

  send_draft (window, "waited for you\n");
  expect_shown (window, "Not connected: sent when the connection is back (1 messages, 15 bytes waiting)");

  server = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                  (const char * const[]) { "socat", "-u", listen, "-", NULL });
  line = read_line (server);
  g_assert_cmpstr (line, ==, "waited for you");
  expect_shown (window, "Connected");

  np_test_stop (window);
  g_subprocess_force_exit (server);
  np_test_close_window (window);
}

/* ---- workspaces keep every option of issue 13 -------------------------------------------------- */

typedef struct
{
  const char *child;
  const char *text;     /* an entry's text; NULL for a check button (on) */
} OptionField;

/* Everything a person can set in the TCP and UDP options, none of it a default. */
static const OptionField tcp_fields[] = {
  { "reconnect_check", NULL }, { "reconnect_max_entry", "5000" }, { "local_address_entry", "127.0.0.1" },
  { "local_port_entry", "40001" }, { "keepalive_check", NULL }, { "max_clients_entry", "3" },
  { "tls_check", NULL }, { "certificate_entry", "/home/me/client.pem" }, { "key_entry", "/home/me/client.key" },
  { "insecure_check", NULL }, { "request_check", NULL },
};
static const OptionField udp_fields[] = {
  { "broadcast_check", NULL }, { "groups_entry", "239.1.2.3%lo ff02::1:3" }, { "interface_entry", "lo" },
  { "ttl_entry", "4" },
};

static void
set_fields (gpointer           options,
            const OptionField *fields,
            guint              n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    if (fields[i].text != NULL)
      gtk_editable_set_text (part_child (options, fields[i].child), fields[i].text);
    else
      gtk_check_button_set_active (part_child (options, fields[i].child), TRUE);
}

static void
expect_fields (gpointer           options,
               const OptionField *fields,
               guint              n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    if (fields[i].text != NULL)
      g_assert_cmpstr (gtk_editable_get_text (part_child (options, fields[i].child)), ==, fields[i].text);
    else if (!gtk_check_button_get_active (part_child (options, fields[i].child)))
      g_error ("%s is off in the reopened workspace", fields[i].child);
}


/* Options set in the popover's widgets, saved, opened in a fresh window: the widgets show the
 * same. A value a workspace cannot keep is refused by name and the file is left as it was. */
static void
test_workspace (void)
{
  g_autofree char *dir = g_dir_make_tmp ("netpoke-reach-ws-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "device.netpoke", NULL);
  g_autofree char *relay_path = g_build_filename (dir, "relay.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) relay_file = g_file_new_for_path (relay_path);
  g_autoptr(GSettings) settings = g_settings_new ("io.github.netpoke.Netpoke");
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *after = NULL;
  NpWindow *window = np_test_new_window ();
  NpTcpOptions *tcp = np_endpoint_bar_get_tcp_options (window->endpoint_bar);
  NpUdpOptions *udp = np_endpoint_bar_get_udp_options (window->endpoint_bar);
  g_autofree char *destination = NULL;

  np_window_set_endpoint (window, NP_MODE_TCP_CLIENT, "127.0.0.1", "8443", NULL);
  set_fields (tcp, tcp_fields, G_N_ELEMENTS (tcp_fields));
  set_fields (udp, udp_fields, G_N_ELEMENTS (udp_fields));
  gtk_check_button_set_active (part_child (udp, "loopback_check"), FALSE);
  show_options (window, "workspace-tcp-options.png");
  g_assert_true (np_test_save_workspace (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_null (strstr (saved, "PRIVATE KEY"));

  np_test_close_window (window);

  /* A fresh window starts with every default; opening the file brings them all back. */
  g_settings_set_string (settings, "last-workspace", "");
  window = np_test_new_window ();
  tcp = np_endpoint_bar_get_tcp_options (window->endpoint_bar);
  udp = np_endpoint_bar_get_udp_options (window->endpoint_bar);
  g_assert_false (gtk_check_button_get_active (part_child (tcp, "tls_check")));
  g_assert_true (gtk_check_button_get_active (part_child (udp, "loopback_check")));
  g_assert_true (np_window_open_workspace (window, file, &error));
  g_assert_no_error (error);
  g_assert_cmpint (np_endpoint_bar_get_mode (window->endpoint_bar), ==, NP_MODE_TCP_CLIENT);
  expect_fields (tcp, tcp_fields, G_N_ELEMENTS (tcp_fields));
  expect_fields (udp, udp_fields, G_N_ELEMENTS (udp_fields));
  g_assert_false (gtk_check_button_get_active (part_child (udp, "loopback_check")));
  show_options (window, "workspace-reopened.png");
  g_assert_true (gtk_widget_get_visible (part_child (tcp, "insecure_check")));

  /* A TTL a workspace cannot keep: not saved, and the message names the field. */
  gtk_editable_set_text (part_child (udp, "ttl_entry"), "300");
  g_assert_false (np_test_save_workspace (window, file, &error));
  g_assert_nonnull (strstr (error->message, "Workspace not saved: The multicast TTL must be a number from 0 to 255"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, saved);
  gtk_editable_set_text (part_child (udp, "ttl_entry"), "4");

  /* The relay and its target. */
  np_window_set_endpoint (window, NP_MODE_RELAY, "127.0.0.1", "7000", "127.0.0.1:502");
  g_assert_true (np_test_save_workspace (window, relay_file, &error));
  g_assert_no_error (error);
  np_test_close_window (window);
  g_settings_set_string (settings, "last-workspace", "");
  window = np_test_new_window ();
  g_assert_true (np_window_open_workspace (window, relay_file, &error));
  g_assert_no_error (error);
  g_assert_cmpint (np_endpoint_bar_get_mode (window->endpoint_bar), ==, NP_MODE_RELAY);
  destination = np_endpoint_bar_get_destination (window->endpoint_bar);
  g_assert_cmpstr (destination, ==, "127.0.0.1:502");
  expect_fields (np_endpoint_bar_get_tcp_options (window->endpoint_bar), tcp_fields, G_N_ELEMENTS (tcp_fields));
  np_test_close_window (window);

  g_settings_set_string (settings, "last-workspace", "");
  g_unlink (path);
  g_unlink (relay_path);
  g_rmdir (dir);
}

/* ---- UDP multicast and broadcast, in a network namespace of our own ------------------------- */

static gboolean
run (const char *command)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  return g_spawn_command_line_sync (command, NULL, NULL, &status, &error) && g_spawn_check_wait_status (status, NULL);
}

/* The test's own network: only its loopback, up, with multicast and a default route, so that
 * nothing reaches a real network. A window's engine thread started after this runs in it.
 * FALSE (the test skipped, with the reason) where namespaces are not allowed. */
static gboolean
enter_own_network (void)
{
  if (unshare (CLONE_NEWNET) != 0)
    {
      g_autofree char *why = g_strdup_printf ("network namespaces are not allowed here: %s", g_strerror (errno));

      g_test_skip (why);
      return FALSE;
    }
  g_assert_true (run ("ip link set lo up"));
  g_assert_true (run ("ip link set lo multicast on"));
  g_assert_true (run ("ip route add default dev lo"));
  return TRUE;
}

/* A UDP socket that sends multicast out of the loopback. */
static GSocket *
multicast_sender (void)
{
  GSocket *sender = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  struct ip_mreqn from_lo = { 0 };

  from_lo.imr_ifindex = if_nametoindex ("lo");
  g_assert_cmpint (setsockopt (g_socket_get_fd (sender), IPPROTO_IP, IP_MULTICAST_IF, &from_lo, sizeof from_lo), ==, 0);
  return sender;
}

static void
send_to (GSocket    *sender,
         const char *address,
         guint       port,
         const char *text)
{
  g_autoptr(GSocketAddress) to = g_inet_socket_address_new_from_string (address, port);
  g_autoptr(GError) error = NULL;

  g_socket_send_to (sender, to, text, strlen (text), NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  GListModel *peers;
  const char *group;
} PeerGroup;

static gboolean
peer_has_group (gpointer data)
{
  PeerGroup *wanted = data;

  for (guint i = 0; i < g_list_model_get_n_items (wanted->peers); i++)
    {
      g_autoptr(NpPeer) peer = g_list_model_get_item (wanted->peers, i);

      if (g_strcmp0 (np_peer_get_group (peer), wanted->group) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
cell_shows (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (cell_shows (child, text))
      return TRUE;
  return FALSE;
}

/* Whether any row of the log is one going out. */
static gboolean
log_has_sent (NpWindow *window)
{
  GListModel *rows = G_LIST_MODEL (np_test_log_of (window));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(NpLogRow) row = g_list_model_get_item (rows, i);

      if (np_log_row_get_direction (row) == NP_LOG_DIRECTION_OUT)
        return TRUE;
    }
  return FALSE;
}

static void
test_multicast (void)
{
  NpWindow *window = NULL;
  NpUdpOptions *options;
  g_autoptr(GSocket) sender = NULL;
  g_autoptr(GSocketAddress) to_all = NULL;
  g_autoptr(GError) error = NULL;
  PeerGroup wanted;
  guint port;
  g_autofree char *port_text = NULL;
  g_autofree char *destination = NULL;

  if (!enter_own_network ())
    return;

  window = np_test_new_window ();
  options = np_endpoint_bar_get_udp_options (window->endpoint_bar);
  port = free_port (G_SOCKET_TYPE_DATAGRAM);
  port_text = g_strdup_printf ("%u", port);
  np_window_set_endpoint (window, NP_MODE_UDP, "", port_text, NULL);
  gtk_editable_set_text (part_child (options, "groups_entry"), "239.1.2.3%lo");
  show_options (window, "udp-options.png");
  g_assert_null (np_endpoint_bar_get_validation (window->endpoint_bar));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "UDP to bind");
  expect_shown (window, "Joined the multicast group 239.1.2.3 on lo");

  /* A datagram to the group: its row, and the group in the peers list. */
  sender = multicast_sender ();
  send_to (sender, "239.1.2.3", port, "to the group");
  expect_shown (window, "to the group");
  wanted = (PeerGroup) { np_test_peers_of (window), "239.1.2.3" };
  np_test_wait_until (peer_has_group, &wanted, "the peer's group in the list");
  np_test_wait_frames (window);
  g_assert_true (cell_shows (GTK_WIDGET (window->peer_list), "239.1.2.3"));
  screenshot (window, "multicast.png");
  np_test_stop (window);
  expect_shown (window, "Left the multicast group 239.1.2.3 on lo");

  /* Broadcast: refused with the way out while the switch is off, sent once it is on. */
  destination = g_strdup_printf ("255.255.255.255:%u", port);
  np_window_set_endpoint (window, NP_MODE_UDP, "", port_text, destination);
  gtk_editable_set_text (part_child (options, "groups_entry"), "");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "UDP to bind again");
  send_draft (window, "everyone");
  expect_shown (window, "it is a broadcast address, and broadcast is off");
  /* The datagram did not go: no row says it was sent (the error's row is the only one). */
  g_assert_false (np_test_log_part_shown (window, "everyone"));
  g_assert_false (log_has_sent (window));
  np_test_stop (window);

  gtk_check_button_set_active (part_child (options, "broadcast_check"), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "UDP with broadcast");
  to_all = g_inet_socket_address_new_from_string ("255.255.255.255", port);
  g_socket_set_broadcast (sender, TRUE);
  g_socket_send_to (sender, to_all, "to all", 6, NULL, &error);
  g_assert_no_error (error);
  wanted = (PeerGroup) { np_test_peers_of (window), "255.255.255.255" };
  np_test_wait_until (peer_has_group, &wanted, "the broadcast in the peers list");
  np_test_stop (window);

  np_test_close_window (window);
}

/* What the log holds has no row showing @text (what came after it is shown already). */
static void
expect_not_heard (NpWindow   *window,
                  GSocket    *sender,
                  guint       port,
                  const char *text,
                  const char *marker)
{
  send_to (sender, "239.1.2.3", port, text);
  send_to (sender, "127.0.0.1", port, marker);
  expect_shown (window, marker);
  g_assert_false (np_test_log_part_shown (window, text));
}

/* Joining and leaving while the endpoint runs, from the Groups field (Enter, or the button
 * beside it): only the groups stay live among the options; each join and leave is a row; a
 * group the system refuses says why while the others still change; a field that names no group
 * says so and changes nothing. */
static void
test_multicast_live (void)
{
  NpWindow *window = NULL;
  NpUdpOptions *options;
  GtkMenuButton *options_button;
  GtkEditable *groups_entry;
  GtkWidget *change_button;
  g_autoptr(GSocket) sender = NULL;
  g_autofree char *port_text = NULL;
  guint port;

  if (!enter_own_network ())
    return;

  window = np_test_new_window ();
  options = np_endpoint_bar_get_udp_options (window->endpoint_bar);
  groups_entry = part_child (options, "groups_entry");
  change_button = np_test_find_widget (GTK_WIDGET (options), is_button_for, "win.change-groups");
  options_button = part_child (window->endpoint_bar, "options_button");
  port = free_port (G_SOCKET_TYPE_DATAGRAM);
  port_text = g_strdup_printf ("%u", port);
  /* Bound to IPv4 only: an IPv6 group is then one the system refuses. */
  np_window_set_endpoint (window, NP_MODE_UDP, "0.0.0.0", port_text, NULL);
  gtk_editable_set_text (groups_entry, "");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "UDP to bind");
  sender = multicast_sender ();
  expect_not_heard (window, sender, port, "before joining", "marker 1");

  /* Running: the groups and their button are live, the other options greyed, and it says so. */
  gtk_menu_button_popup (options_button);
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (groups_entry)));
  g_assert_true (gtk_widget_get_mapped (change_button) && gtk_widget_is_sensitive (change_button));
  g_assert_false (gtk_widget_is_sensitive (part_child (options, "broadcast_check")));
  g_assert_false (gtk_widget_is_sensitive (part_child (options, "loopback_check")));
  g_assert_cmpstr (gtk_label_get_text (part_child (window->endpoint_bar, "options_running_label")), ==,
                   "Stop to change the other options; the multicast groups can change now");

  /* Enter in the field: one group joined, the other refused with the system's reason. */
  gtk_editable_set_text (groups_entry, "239.1.2.3%lo ff02::1:3%lo");
  screenshot (window, "udp-options-running.png");
  g_signal_emit_by_name (groups_entry, "activate");
  gtk_menu_button_popdown (options_button);
  expect_shown (window, "Joined the multicast group 239.1.2.3 on lo");
  expect_shown (window, "Cannot join ff02::1:3 on lo");
  send_to (sender, "239.1.2.3", port, "to the group, joined live");
  expect_shown (window, "to the group, joined live");

  /* A field that names no group: said at once; the membership stays as it was. */
  gtk_editable_set_text (groups_entry, "239.1.2.300");
  g_signal_emit_by_name (groups_entry, "activate");
  g_assert_nonnull (window->error_toast);
  g_assert_nonnull (strstr (adw_toast_get_title (window->error_toast), "“239.1.2.300” is not a multicast group"));
  send_to (sender, "239.1.2.3", port, "still a member");
  expect_shown (window, "still a member");

  /* The button: the field emptied, the group is left and no longer heard. */
  gtk_editable_set_text (groups_entry, "");
  g_signal_emit_by_name (change_button, "clicked");
  expect_shown (window, "Left the multicast group 239.1.2.3 on lo");
  expect_not_heard (window, sender, port, "after leaving", "marker 2");
  g_assert_true (np_window_is_running (window));

  np_test_stop (window);
  g_assert_false (gtk_widget_get_visible (change_button));
  np_test_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data = g_dir_make_tmp ("netpoke-window-reach-XXXXXX", NULL);

  /* Netpoke's own certificate is made in a folder of the test's. */
  g_setenv ("XDG_DATA_HOME", data, TRUE);

  np_test_init_window_tests (&argc, &argv);

  g_test_add_func ("/window-reach/tls-server", test_tls_server);
  g_test_add_func ("/window-reach/relay", test_relay);
  g_test_add_func ("/window-reach/udp-relay", test_udp_relay);
  g_test_add_func ("/window-reach/reconnect", test_reconnect);
  g_test_add_func ("/window-reach/workspace", test_workspace);
  /* Last: they move the process into a network namespace of its own (each a new one). */
  g_test_add_func ("/window-reach/multicast", test_multicast);
  g_test_add_func ("/window-reach/multicast-live", test_multicast_live);

  return g_test_run ();
}
