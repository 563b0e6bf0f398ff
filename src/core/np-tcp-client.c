#define G_LOG_DOMAIN "np-tcp-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-address.h"
#include "np-connection.h"
#include "np-tcp-client.h"
#include "np-tls.h"

/* With reconnect on, the first wait after a failure; each failure doubles it, up to the
 * configuration's cap. A connection that came up starts the count again. */
#define RECONNECT_FIRST_DELAY_MS 500

struct _NpTcpClient
{
  NpEndpoint      parent_instance;

  GCancellable   *cancellable;   /* the attempt under way */
  GSource        *timeout;       /* its connect timeout */
  gboolean        timed_out;
  GSource        *retry;         /* armed while waiting to connect again */
  guint           attempt;       /* attempts since the last connection came up */
  guint           delay_ms;      /* the next wait */
  gboolean        user_closed;   /* the user disconnected: do not connect again */
  NpConnection   *connection;

  GQueue          waiting;       /* NpSendBatch*: sent while not connected (reconnect only) */
  gsize           waiting_bytes;
  guint           waiting_messages;
};

G_DEFINE_FINAL_TYPE (NpTcpClient, np_tcp_client, NP_TYPE_ENDPOINT)

static void connect_once (NpTcpClient *self);

static char *
describe_target (const NpEndpointConfig *config)
{
  return strchr (config->host, ':') != NULL
         ? g_strdup_printf ("[%s]:%u", config->host, config->remote_port)
         : g_strdup_printf ("%s:%u", config->host, config->remote_port);
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
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

static gboolean
on_retry (gpointer user_data)
{
  NpTcpClient *self = user_data;

  g_clear_pointer (&self->retry, g_source_unref);
  connect_once (self);

  return G_SOURCE_REMOVE;
}

/* Without reconnect the endpoint ends with @why; with it, the log says @why and when the next
 * attempt comes, and a timer (the only one) waits for it. */
static void
fail_or_retry (NpTcpClient *self,
               const char  *why,
               gboolean     failed)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autofree char *message = NULL;
  g_autofree char *seconds = NULL;
  NpEvent *notice;

  if (!config->reconnect || self->user_closed)
    {
      np_endpoint_finish (endpoint, failed, why);
      return;
    }

  if (self->delay_ms == 0)
    self->delay_ms = MIN (RECONNECT_FIRST_DELAY_MS, config->reconnect_max_ms);
  seconds = g_strdup_printf ("%.1f", self->delay_ms / 1000.0);
  message = g_strdup_printf (_("%s. Connecting again in %s s (attempt %u)"), why, seconds, self->attempt + 1);
  notice = np_event_new (NP_EVENT_NOTICE, np_endpoint_get_id (endpoint), 0, NULL);
  notice->message = g_steal_pointer (&message);
  notice->retry_attempt = self->attempt + 1;
  notice->retry_in_ms = self->delay_ms;
  np_endpoint_emit (endpoint, notice);

  self->retry = g_timeout_source_new (self->delay_ms);
  g_source_set_static_name (self->retry, "[netpoke] reconnect");
  g_source_set_callback (self->retry, on_retry, self, NULL);
  g_source_attach (self->retry, g_main_context_get_thread_default ());
  self->delay_ms = MIN ((guint64) self->delay_ms * 2, config->reconnect_max_ms);
}

/* What was sent while the connection was down goes now, in order, each its own operation. */
static void
send_waiting (NpTcpClient *self)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  NpSendBatch *batch;

  while (self->connection != NULL && (batch = g_queue_pop_head (&self->waiting)) != NULL)
    {
      NpEvent *sent = np_endpoint_new_sent (endpoint, batch, TRUE);

      self->waiting_bytes -= np_send_batch_get_size (batch);
      self->waiting_messages -= np_send_batch_get_n_messages (batch);
      if (np_connection_send (self->connection, batch))
        np_event_add_sent_peer (sent, np_connection_get_id (self->connection),
                                np_connection_get_peer (self->connection));
      np_endpoint_emit_sent (endpoint, sent);
      np_send_batch_unref (batch);
    }
}

/* Stopping while messages wait for the connection: they are reported, never dropped silently. */
static void
report_waiting (NpTcpClient *self)
{
  g_autofree char *messages = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *text = NULL;

  if (g_queue_is_empty (&self->waiting))
    return;

  messages = g_strdup_printf ("%u", self->waiting_messages);
  bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, self->waiting_bytes);
  text = g_strdup_printf (_("Not sent: %s messages (%s bytes) were waiting for the connection"), messages, bytes);
  np_endpoint_emit_error (NP_ENDPOINT (self), 0, NULL, text);
  g_queue_clear_full (&self->waiting, (GDestroyNotify) np_send_batch_unref);
  self->waiting_bytes = 0;
  self->waiting_messages = 0;
}

static void
start_connection (NpTcpClient *self,
                  GIOStream   *stream,
                  NpEvent     *connected)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);

  self->attempt = 0;
  self->delay_ms = 0;
  self->connection = np_connection_new (endpoint, stream);
  connected->peer_id = np_connection_get_id (self->connection);
  connected->peer = g_strdup (np_connection_get_peer (self->connection));
  np_endpoint_emit (endpoint, connected);
  np_connection_start (self->connection);
  send_waiting (self);
}

static void
on_handshake_done (GIOStream *tls,
                   NpEvent   *connected,
                   GError    *error,
                   gpointer   user_data)
{
  NpTcpClient *self = user_data;

  if (np_endpoint_is_stopped (NP_ENDPOINT (self)))
    return;

  if (tls == NULL)
    {
      fail_or_retry (self, error->message, TRUE);
      return;
    }

  start_connection (self, tls, connected);
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

  stream = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  clear_source (&self->timeout);

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
      fail_or_retry (self, message, TRUE);
      return;
    }

  if (config->tls)
    {
      np_tls_client_handshake (endpoint, G_IO_STREAM (stream), self->cancellable, on_handshake_done, self);
      return;
    }

  start_connection (self, G_IO_STREAM (stream), np_event_new (NP_EVENT_CONNECTED, np_endpoint_get_id (endpoint), 0, NULL));
}

static void
connect_once (NpTcpClient *self)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  self->attempt++;
  self->timed_out = FALSE;

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

  g_clear_object (&self->cancellable);
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
np_tcp_client_start (NpEndpoint *endpoint)
{
  connect_once (NP_TCP_CLIENT (endpoint));
}

static void
np_tcp_client_stop (NpEndpoint *endpoint,
                    const char *reason)
{
  NpTcpClient *self = NP_TCP_CLIENT (endpoint);

  self->user_closed = TRUE;
  clear_source (&self->timeout);
  clear_source (&self->retry);
  g_cancellable_cancel (self->cancellable);
  report_waiting (self);
  if (self->connection != NULL)
    np_connection_close (self->connection, reason, FALSE);
}

/* Not connected, reconnect on: the batch waits (bounded) for the connection. */
static void
wait_for_connection (NpTcpClient *self,
                     NpSendBatch *batch)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  gsize size = np_send_batch_get_size (batch);
  g_autofree char *messages = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *text = NULL;

  if (self->waiting_bytes + size > config->send_queue_limit)
    {
      bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, self->waiting_bytes);
      text = g_strdup_printf (_("Not sent: not connected, and %s bytes already wait for the connection "
                                "(the limit)"), bytes);
      np_endpoint_emit_error (endpoint, 0, NULL, text);
      return;
    }

  g_queue_push_tail (&self->waiting, np_send_batch_ref (batch));
  self->waiting_bytes += size;
  self->waiting_messages += np_send_batch_get_n_messages (batch);
  messages = g_strdup_printf ("%u", self->waiting_messages);
  bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, self->waiting_bytes);
  text = g_strdup_printf (_("Not connected: sent when the connection is back (%s messages, %s bytes waiting)"),
                          messages, bytes);
  np_endpoint_emit_notice (endpoint, 0, NULL, text);
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
      if (np_endpoint_get_config (endpoint)->reconnect)
        wait_for_connection (self, batch);
      else
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
                                guint          n_peer_ids,
                                gboolean       report)
{
  NpTcpClient *self = NP_TCP_CLIENT (endpoint);
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->connection != NULL)
    g_ptr_array_add (targets, g_object_ref (self->connection));
  else if (report)
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

  self->user_closed = TRUE;
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

/* Without reconnect the endpoint lives exactly as long as its one connection. */
static void
np_tcp_client_connection_closed (NpEndpoint   *endpoint,
                                 NpConnection *connection)
{
  NpTcpClient *self = NP_TCP_CLIENT (endpoint);
  g_autoptr(NpConnection) closed G_GNUC_UNUSED = g_steal_pointer (&self->connection);

  if (np_endpoint_is_stopped (endpoint))
    return;
  fail_or_retry (self, np_connection_get_close_reason (connection), np_connection_get_failed (connection));
}

static void
np_tcp_client_dispose (GObject *object)
{
  NpTcpClient *self = (NpTcpClient *)object;

  clear_source (&self->timeout);
  clear_source (&self->retry);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_queue_clear_full (&self->waiting, (GDestroyNotify) np_send_batch_unref);

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
  g_queue_init (&self->waiting);
}
