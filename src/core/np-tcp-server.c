#define G_LOG_DOMAIN "np-tcp-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include "np-address.h"
#include "np-connection.h"
#include "np-tcp-server.h"
#include "np-tls.h"
#include "np-tls-certificate.h"

#include <sys/socket.h>

/* Many devices (or a broadcast test) may connect at once; the kernel caps this at somaxconn. */
#define LISTEN_BACKLOG 4096

/* Connections accepted per dispatch. Each main-loop iteration polls every client socket, so
 * accepting one connection per iteration (as GSocketService does) makes N connects cost O(N²):
 * measured, 10,000 clients took 100 s to connect that way. */
#define ACCEPTS_PER_DISPATCH 256

/* Out of file descriptors the listening socket stays readable, so accepting again at once would
 * spin (measured: 147% CPU and 37,000 identical errors a second). Stop accepting, try again
 * after this long; the kernel keeps the waiting clients in the backlog meanwhile. */
#define ACCEPT_RETRY_MS 1000

struct _NpTcpServer
{
  NpEndpoint       parent_instance;

  GSocket         *listener;
  GSource         *accept_source;
  GSource         *retry_source;     /* armed only while accepting is paused: out of descriptors */
  guint64          accept_failures;  /* attempts refused since accepting was paused */
  gint64           paused_since;
  GHashTable      *clients;      /* peer id (guint64*) -> NpConnection* (owned) */
  GTlsCertificate *certificate;  /* TLS: what the server shows */
  GCancellable    *handshakes;   /* cancels the TLS handshakes under way at stop */
  guint            n_handshaking;
};

G_DEFINE_FINAL_TYPE (NpTcpServer, np_tcp_server, NP_TYPE_ENDPOINT)

/* @connected: (transfer full): the CONNECTED event, its peer filled in here */
static void
add_client (NpTcpServer *self,
            GIOStream   *stream,
            NpEvent     *connected)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  g_autoptr(NpConnection) connection = np_connection_new (endpoint, stream);
  guint64 id = np_connection_get_id (connection);

  g_hash_table_insert (self->clients, g_memdup2 (&id, sizeof id), g_object_ref (connection));

  connected->peer_id = id;
  connected->peer = g_strdup (np_connection_get_peer (connection));
  np_endpoint_emit (endpoint, connected);

  np_connection_start (connection);
}

static void
on_handshake_done (GIOStream *tls,
                   NpEvent   *connected,
                   GError    *error,
                   gpointer   user_data)
{
  g_autoptr(NpTcpServer) self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);

  self->n_handshaking--;
  if (np_endpoint_is_stopped (endpoint))
    {
      g_clear_pointer (&connected, np_event_unref);
      return;
    }

  /* A client that never became one (plain TCP to a TLS server, a certificate it refused):
   * what went wrong is the log's to tell. */
  if (tls == NULL)
    np_endpoint_emit_error (endpoint, 0, NULL, error->message);
  else
    add_client (self, tls, connected);
}

/* Past the maximum a client is accepted and reset at once: it sees "connection reset" right
 * away rather than a connection that never answers, and the log says why. */
static gboolean
refuse_over_limit (NpTcpServer       *self,
                   GSocketConnection *stream)
{
  const NpEndpointConfig *config = np_endpoint_get_config (NP_ENDPOINT (self));
  g_autoptr(GSocketAddress) remote = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *message = NULL;
  struct linger reset = { 1, 0 };

  if (config->max_clients == 0 || g_hash_table_size (self->clients) + self->n_handshaking < config->max_clients)
    return FALSE;

  remote = g_socket_connection_get_remote_address (stream, NULL);
  peer = remote != NULL ? np_address_to_string (remote) : g_strdup ("?");
  limit = g_strdup_printf ("%u", config->max_clients);
  message = g_strdup_printf (_("Refused %s: %s clients are connected, the maximum"), peer, limit);
  np_endpoint_emit_notice (NP_ENDPOINT (self), 0, peer, message);

  setsockopt (g_socket_get_fd (g_socket_connection_get_socket (stream)), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
  return TRUE;
}

static void
accept_client (NpTcpServer *self,
               GSocket     *socket)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  g_autoptr(GSocketConnection) stream = g_socket_connection_factory_create_connection (socket);

  if (refuse_over_limit (self, stream))
    return;

  if (self->certificate != NULL)
    {
      self->n_handshaking++;
      np_tls_server_handshake (endpoint, G_IO_STREAM (stream), self->certificate, self->handshakes,
                               on_handshake_done, g_object_ref (self));
      return;
    }

  add_client (self, G_IO_STREAM (stream), np_event_new (NP_EVENT_CONNECTED, np_endpoint_get_id (endpoint), 0, NULL));
}

static gboolean on_acceptable (GSocket *listener, GIOCondition condition, gpointer user_data);

static void
watch_listener (NpTcpServer *self)
{
  self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_static_name (self->accept_source, "[netpoke] accept");
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_acceptable), self, NULL);
  g_source_attach (self->accept_source, g_main_context_get_thread_default ());
}

static gboolean
on_accept_retry (gpointer user_data)
{
  NpTcpServer *self = user_data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  watch_listener (self);
  return G_SOURCE_REMOVE;
}

/* Out of descriptors: say so once, stop accepting, retry later (see ACCEPT_RETRY_MS). */
static void
pause_accepting (NpTcpServer *self,
                 const char  *why)
{
  if (self->accept_failures++ == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("Cannot accept more clients: %s. Waiting clients stay queued; "
                           "trying again every second"), why);

      self->paused_since = g_get_monotonic_time ();
      np_endpoint_emit_error (NP_ENDPOINT (self), 0, NULL, message);
    }

  g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
  self->retry_source = g_timeout_source_new (ACCEPT_RETRY_MS);
  g_source_set_static_name (self->retry_source, "[netpoke] accept retry");
  g_source_set_callback (self->retry_source, on_accept_retry, self, NULL);
  g_source_attach (self->retry_source, g_main_context_get_thread_default ());
}

static void
report_accepting_again (NpTcpServer *self)
{
  g_autofree char *seconds =
    g_strdup_printf ("%.1f", (g_get_monotonic_time () - self->paused_since) / (double) G_USEC_PER_SEC);
  g_autofree char *attempts = g_strdup_printf ("%" G_GUINT64_FORMAT, self->accept_failures);
  g_autofree char *message =
    g_strdup_printf (_("Accepting clients again after %s s (%s attempts refused: out of file descriptors)"),
                     seconds, attempts);

  np_endpoint_emit_error (NP_ENDPOINT (self), 0, NULL, message);
  self->accept_failures = 0;
}

/* Out of descriptors: clients that finished sending and have nothing waiting for them give way
 * to new ones (a client that closed completely looks just like them until it is written to).
 * Returns how many were closed. */
static guint
close_finished_clients (NpTcpServer *self)
{
  g_autoptr(GPtrArray) clients = np_endpoint_snapshot_peers (self->clients);
  guint closed = 0;

  for (guint i = 0; i < clients->len; i++)
    {
      NpConnection *connection = g_ptr_array_index (clients, i);

      if (np_connection_get_peer_finished (connection) && np_connection_get_send_queued (connection) == 0)
        {
          np_connection_close (connection, _("Closed: it had finished sending, and its file descriptor "
                                             "was needed for a new client"), FALSE);
          closed++;
        }
    }

  return closed;
}

static gboolean
on_acceptable (GSocket      *listener,
               GIOCondition  condition,
               gpointer      user_data)
{
  NpTcpServer *self = user_data;

  for (guint i = 0; i < ACCEPTS_PER_DISPATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, &error);

      if (socket == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
            {
              if (close_finished_clients (self) > 0)
                continue;
              pause_accepting (self, error->message);
              return G_SOURCE_REMOVE;
            }
          /* The peer gave up before we got to it, or the like: report, keep listening. */
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_autofree char *message = g_strdup_printf (_("Accepting a client failed: %s"), error->message);

              np_endpoint_emit_error (NP_ENDPOINT (self), 0, NULL, message);
            }
          break;
        }

      if (self->accept_failures > 0)
        report_accepting_again (self);
      accept_client (self, socket);
    }

  return G_SOURCE_CONTINUE;
}

static void
close_listener (NpTcpServer *self)
{
  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
  if (self->retry_source != NULL)
    {
      g_source_destroy (self->retry_source);
      g_clear_pointer (&self->retry_source, g_source_unref);
    }
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
}

static void
np_tcp_server_start (NpEndpoint *endpoint)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *where = NULL;
  g_autofree char *tls_notice = NULL;
  NpEvent *event;

  if (config->tls)
    {
      g_autofree char *notice = NULL;

      self->certificate = np_tls_server_certificate (config, &notice, &error);
      if (self->certificate == NULL)
        {
          np_endpoint_finish (endpoint, TRUE, error->message);
          return;
        }
      tls_notice = g_steal_pointer (&notice);
    }

  socket = np_address_bind (config->bind_address, config->port, G_SOCKET_TYPE_STREAM, &error);
  if (socket != NULL)
    {
      g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
      if (!g_socket_listen (socket, &error))
        g_clear_object (&socket);
    }
  if (socket == NULL)
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }

  g_socket_set_blocking (socket, FALSE);
  self->listener = g_object_ref (socket);
  watch_listener (self);

  local = g_socket_get_local_address (socket, NULL);
  where = local != NULL ? np_address_to_string (local) : g_strdup ("?");
  event = np_event_new (NP_EVENT_LISTENING, np_endpoint_get_id (endpoint), 0, where);
  np_endpoint_emit (endpoint, event);
  if (tls_notice != NULL)
    np_endpoint_emit_notice (endpoint, 0, NULL, tls_notice);
}

static void
np_tcp_server_disconnect_all (NpEndpoint *endpoint,
                              const char *reason)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);
  g_autoptr(GPtrArray) clients = np_endpoint_snapshot_peers (self->clients);

  for (guint i = 0; i < clients->len; i++)
    np_connection_close (g_ptr_array_index (clients, i), reason, FALSE);
}

static void
np_tcp_server_stop (NpEndpoint *endpoint,
                    const char *reason)
{
  close_listener (NP_TCP_SERVER (endpoint));
  g_cancellable_cancel (NP_TCP_SERVER (endpoint)->handshakes);
  np_tcp_server_disconnect_all (endpoint, reason);
}

/* One batch to many clients: each connection takes a reference to the same bytes and writes
 * it (with whatever else it has queued) in one gathered write; one SENT event says how many
 * took it. */
static void
np_tcp_server_send (NpEndpoint    *endpoint,
                    const guint64 *peer_ids,
                    guint          n_peer_ids,
                    NpSendBatch   *batch)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);
  g_autoptr(GPtrArray) targets = np_endpoint_pick_peers (endpoint, self->clients, peer_ids, n_peer_ids,
                                                         _("Not sent: no client is connected"));
  NpEvent *sent;

  sent = np_endpoint_new_sent (endpoint, batch, n_peer_ids == 0);
  for (guint i = 0; i < targets->len; i++)
    {
      NpConnection *connection = g_ptr_array_index (targets, i);

      if (np_connection_send (connection, batch))
        np_event_add_sent_peer (sent, np_connection_get_id (connection), np_connection_get_peer (connection));
    }
  np_endpoint_emit_sent (endpoint, sent);
}

static GPtrArray *
np_tcp_server_pick_connections (NpEndpoint    *endpoint,
                                const guint64 *peer_ids,
                                guint          n_peer_ids)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);

  return np_endpoint_pick_peers (endpoint, self->clients, peer_ids, n_peer_ids,
                                 _("Not sent: no client is connected"));
}

static gboolean
np_tcp_server_disconnect_peer (NpEndpoint *endpoint,
                               guint64     peer_id)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);
  NpConnection *connection = g_hash_table_lookup (self->clients, &peer_id);

  if (connection == NULL)
    return FALSE;

  np_connection_close (connection, _("Disconnected by user"), FALSE);
  return TRUE;
}

static void
np_tcp_server_resume (NpEndpoint *endpoint)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);
  g_autoptr(GPtrArray) clients = np_endpoint_snapshot_peers (self->clients);

  for (guint i = 0; i < clients->len; i++)
    np_connection_resume (g_ptr_array_index (clients, i));
}

/* The framing budget stayed used up: the client that buffers the most goes, with the reason. */
static void
np_tcp_server_shed_framing (NpEndpoint *endpoint)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);
  g_autoptr(GPtrArray) clients = np_endpoint_snapshot_peers (self->clients);
  NpConnection *largest = NULL;
  g_autofree char *buffered = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *reason = NULL;

  for (guint i = 0; i < clients->len; i++)
    {
      NpConnection *connection = g_ptr_array_index (clients, i);

      if (largest == NULL || np_connection_get_framed (connection) > np_connection_get_framed (largest))
        largest = connection;
    }
  if (largest == NULL || np_connection_get_framed (largest) == 0)
    return;

  buffered = g_strdup_printf ("%" G_GSIZE_FORMAT, np_connection_get_framed (largest));
  limit = g_strdup_printf ("%" G_GSIZE_FORMAT,
                           np_framing_budget_get_limit (np_endpoint_get_framing_budget (endpoint)));
  reason = g_strdup_printf (_("Dropped: %s bytes buffered without a complete message, the most of "
                              "any client, while all clients' framing buffers together were at "
                              "their limit of %s bytes for 2 s"), buffered, limit);
  np_connection_close (largest, reason, TRUE);
}

static void
np_tcp_server_connection_closed (NpEndpoint   *endpoint,
                                 NpConnection *connection)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);
  guint64 id = np_connection_get_id (connection);

  g_hash_table_remove (self->clients, &id);
}

static void
np_tcp_server_dispose (GObject *object)
{
  NpTcpServer *self = (NpTcpServer *)object;

  close_listener (self);
  g_hash_table_remove_all (self->clients);

  G_OBJECT_CLASS (np_tcp_server_parent_class)->dispose (object);
}

static void
np_tcp_server_finalize (GObject *object)
{
  NpTcpServer *self = (NpTcpServer *)object;

  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_object (&self->certificate);
  g_clear_object (&self->handshakes);

  G_OBJECT_CLASS (np_tcp_server_parent_class)->finalize (object);
}

static void
np_tcp_server_class_init (NpTcpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NpEndpointClass *endpoint_class = NP_ENDPOINT_CLASS (klass);

  object_class->dispose = np_tcp_server_dispose;
  object_class->finalize = np_tcp_server_finalize;

  endpoint_class->start = np_tcp_server_start;
  endpoint_class->stop = np_tcp_server_stop;
  endpoint_class->send = np_tcp_server_send;
  endpoint_class->disconnect_peer = np_tcp_server_disconnect_peer;
  endpoint_class->disconnect_all = np_tcp_server_disconnect_all;
  endpoint_class->resume = np_tcp_server_resume;
  endpoint_class->connection_closed = np_tcp_server_connection_closed;
  endpoint_class->pick_connections = np_tcp_server_pick_connections;
  endpoint_class->shed_framing = np_tcp_server_shed_framing;
}

static void
np_tcp_server_init (NpTcpServer *self)
{
  self->clients = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->handshakes = g_cancellable_new ();
}
