#define G_LOG_DOMAIN "np-tcp-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-address.h"
#include "np-connection.h"
#include "np-tcp-client.h"

struct _NpTcpClient
{
  NpEndpoint      parent_instance;

  GCancellable   *cancellable;
  GSource        *timeout;
  gboolean        timed_out;
  NpConnection   *connection;
};

G_DEFINE_FINAL_TYPE (NpTcpClient, np_tcp_client, NP_TYPE_ENDPOINT)

static char *
describe_target (const NpEndpointConfig *config)
{
  return strchr (config->host, ':') != NULL
         ? g_strdup_printf ("[%s]:%u", config->host, config->remote_port)
         : g_strdup_printf ("%s:%u", config->host, config->remote_port);
}

static void
clear_timeout (NpTcpClient *self)
{
  if (self->timeout != NULL)
    {
      g_source_destroy (self->timeout);
      g_clear_pointer (&self->timeout, g_source_unref);
    }
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  NpTcpClient *self = user_data;

  self->timed_out = TRUE;
  g_clear_pointer (&self->timeout, g_source_unref);
  g_cancellable_cancel (self->cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(NpTcpClient) self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) stream = NULL;
  g_autofree char *target = describe_target (config);
  NpEvent *event;

  stream = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  clear_timeout (self);

  if (np_endpoint_is_stopped (endpoint))
    return;

  if (stream == NULL)
    {
      g_autofree char *message = NULL;

      if (self->timed_out)
        message = g_strdup_printf (_("Could not connect to %s: no answer within %u ms"),
                                   target, config->connect_timeout_ms);
      else
        message = np_address_describe_connect_error (target, error);
      np_endpoint_finish (endpoint, TRUE, message);
      return;
    }

  self->connection = np_connection_new (endpoint, stream);
  event = np_event_new (NP_EVENT_CONNECTED, np_endpoint_get_id (endpoint),
                        np_connection_get_id (self->connection),
                        np_connection_get_peer (self->connection));
  np_endpoint_emit (endpoint, event);
  np_connection_start (self->connection);
}

static void
np_tcp_client_start (NpEndpoint *endpoint)
{
  NpTcpClient *self = NP_TCP_CLIENT (endpoint);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  /* A device on the bench is never behind a proxy, and proxy lookup costs a D-Bus trip. */
  g_socket_client_set_enable_proxy (client, FALSE);

  if (config->bind_address != NULL || config->port != 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GInetAddress) inet = NULL;
      g_autoptr(GSocketAddress) local = NULL;

      if (config->bind_address != NULL)
        inet = np_address_parse_ip (config->bind_address, &error);
      else
        inet = g_inet_address_new_any (strchr (config->host, ':') != NULL
                                       ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
      if (inet == NULL)
        {
          np_endpoint_finish (endpoint, TRUE, error->message);
          return;
        }
      local = g_inet_socket_address_new (inet, config->port);
      g_socket_client_set_local_address (client, local);
    }

  self->cancellable = g_cancellable_new ();
  if (config->connect_timeout_ms > 0)
    {
      self->timeout = g_timeout_source_new (config->connect_timeout_ms);
      g_source_set_static_name (self->timeout, "[netpoke] connect timeout");
      g_source_set_callback (self->timeout, on_connect_timeout, self, NULL);
      g_source_attach (self->timeout, g_main_context_get_thread_default ());
    }

  g_socket_client_connect_to_host_async (client, config->host, config->remote_port,
                                         self->cancellable, on_connected, g_object_ref (self));
}

static void
np_tcp_client_stop (NpEndpoint *endpoint,
                    const char *reason)
{
  NpTcpClient *self = NP_TCP_CLIENT (endpoint);

  clear_timeout (self);
  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    np_connection_close (self->connection, reason, FALSE);
}

static void
np_tcp_client_send (NpEndpoint    *endpoint,
                    const guint64 *peer_ids,
                    guint          n_peer_ids,
                    NpSendBatch   *batch)
{
  NpTcpClient *self = NP_TCP_CLIENT (endpoint);
  NpEvent *sent;

  if (self->connection == NULL)
    {
      np_endpoint_emit_error (endpoint, 0, NULL, _("Not sent: not connected yet"));
      return;
    }

  sent = np_endpoint_new_sent (endpoint, batch, n_peer_ids == 0);
  if (np_connection_send (self->connection, batch))
    np_event_add_sent_peer (sent, np_connection_get_id (self->connection),
                            np_connection_get_peer (self->connection));
  np_endpoint_emit_sent (endpoint, sent);
}

static GPtrArray *
np_tcp_client_pick_connections (NpEndpoint    *endpoint,
                                const guint64 *peer_ids,
                                guint          n_peer_ids)
{
  NpTcpClient *self = NP_TCP_CLIENT (endpoint);
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->connection != NULL)
    g_ptr_array_add (targets, g_object_ref (self->connection));
  else
    np_endpoint_emit_error (endpoint, 0, NULL, _("Not sent: not connected yet"));

  return targets;
}

static gboolean
np_tcp_client_disconnect_peer (NpEndpoint *endpoint,
                               guint64     peer_id)
{
  NpTcpClient *self = NP_TCP_CLIENT (endpoint);

  if (self->connection == NULL || np_connection_get_id (self->connection) != peer_id)
    return FALSE;

  np_connection_close (self->connection, _("Disconnected by user"), FALSE);
  return TRUE;
}

static void
np_tcp_client_resume (NpEndpoint *endpoint)
{
  NpTcpClient *self = NP_TCP_CLIENT (endpoint);

  if (self->connection != NULL)
    np_connection_resume (self->connection);
}

/* The client endpoint lives exactly as long as its one connection. */
static void
np_tcp_client_connection_closed (NpEndpoint   *endpoint,
                                 NpConnection *connection)
{
  np_endpoint_finish (endpoint,
                      np_connection_get_failed (connection),
                      np_connection_get_close_reason (connection));
}

static void
np_tcp_client_dispose (GObject *object)
{
  NpTcpClient *self = (NpTcpClient *)object;

  clear_timeout (self);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (np_tcp_client_parent_class)->dispose (object);
}

static void
np_tcp_client_class_init (NpTcpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NpEndpointClass *endpoint_class = NP_ENDPOINT_CLASS (klass);

  object_class->dispose = np_tcp_client_dispose;

  endpoint_class->start = np_tcp_client_start;
  endpoint_class->stop = np_tcp_client_stop;
  endpoint_class->send = np_tcp_client_send;
  endpoint_class->disconnect_peer = np_tcp_client_disconnect_peer;
  endpoint_class->resume = np_tcp_client_resume;
  endpoint_class->connection_closed = np_tcp_client_connection_closed;
  endpoint_class->pick_connections = np_tcp_client_pick_connections;
}

static void
np_tcp_client_init (NpTcpClient *self)
{
}
