#define G_LOG_DOMAIN "np-tcp-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include "np-address.h"
#include "np-connection.h"
#include "np-listener.h"
#include "np-tcp-server.h"
#include "np-tls.h"
#include "np-tls-certificate.h"

#include <sys/socket.h>

struct _NpTcpServer
{
  NpEndpoint       parent_instance;

  NpListener      *listener;
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
accept_client (GSocket  *socket,
               gpointer  user_data)
{
  NpTcpServer *self = user_data;
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

/* Out of descriptors: clients that finished sending and have nothing waiting for them give way
 * to new ones (a client that closed completely looks just like them until it is written to).
 * Returns how many were closed. */
static guint
close_finished_clients (gpointer user_data)
{
  NpTcpServer *self = user_data;
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

static void
close_listener (NpTcpServer *self)
{
  if (self->listener != NULL)
    np_listener_close (self->listener);
  g_clear_object (&self->listener);
}

static void
np_tcp_server_start (NpEndpoint *endpoint)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
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

  self->listener = np_listener_new (endpoint, accept_client, close_finished_clients, self, &error);
  if (self->listener == NULL)
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }

  where = np_listener_get_address (self->listener);
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
                                guint          n_peer_ids,
                                gboolean       report)
{
  NpTcpServer *self = NP_TCP_SERVER (endpoint);

  return np_endpoint_pick_peers (endpoint, self->clients, peer_ids, n_peer_ids,
                                 report ? _("Not sent: no client is connected") : NULL);
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
