#define G_LOG_DOMAIN "np-ws-client"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-address.h"
#include "np-web-session.h"
#include "np-ws-client.h"
#include "np-ws-connection.h"

/* Like the TCP client: it lives exactly as long as its one connection. */
struct _NpWsClient
{
  NpEndpoint      parent_instance;

  SoupSession    *session;
  SoupMessage    *handshake;
  GCancellable   *cancellable;
  GSource        *timeout;
  gboolean        timed_out;
  NpWsConnection *connection;
};

G_DEFINE_FINAL_TYPE (NpWsClient, np_ws_client, NP_TYPE_ENDPOINT)

static void
clear_timeout (NpWsClient *self)
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
  NpWsClient *self = user_data;

  self->timed_out = TRUE;
  g_clear_pointer (&self->timeout, g_source_unref);
  g_cancellable_cancel (self->cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_closed (NpWsConnection *connection,
           gpointer        user_data)
{
  np_endpoint_finish (NP_ENDPOINT (user_data),
                      np_ws_connection_get_failed (connection),
                      np_ws_connection_get_close_reason (connection));
}

static char *
describe_refusal (NpWsClient   *self,
                  const GError *error)
{
  const NpEndpointConfig *config = np_endpoint_get_config (NP_ENDPOINT (self));
  guint status = soup_message_get_status (self->handshake);

  if (self->timed_out)
    return g_strdup_printf (_("Could not connect to %s: no answer within %u ms"), config->url,
                            config->connect_timeout_ms);
  /* The server answered, but not with 101: say what it said instead. */
  if (status != 0 && status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    return g_strdup_printf (_("%s refused the WebSocket handshake: HTTP %u %s"), config->url, status,
                            soup_message_get_reason_phrase (self->handshake));

  return np_web_describe_failure (self->handshake, config->url, config->connect_timeout_ms, error);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(NpWsClient) self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) socket = NULL;
  GSocketAddress *remote;
  g_autofree char *peer = NULL;
  NpEvent *event;

  socket = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  clear_timeout (self);

  if (np_endpoint_is_stopped (endpoint))
    return;

  if (socket == NULL)
    {
      g_autofree char *message = describe_refusal (self, error);

      np_endpoint_finish (endpoint, TRUE, message);
      return;
    }

  remote = soup_message_get_remote_address (self->handshake);
  peer = remote != NULL ? np_address_to_string (remote) : g_strdup (config->url);
  self->connection = np_ws_connection_new (endpoint, socket, np_endpoint_next_peer_id (endpoint), peer,
                                          NULL);
  g_signal_connect_object (self->connection, "closed", G_CALLBACK (on_closed), self, 0);

  event = np_event_new (NP_EVENT_CONNECTED, np_endpoint_get_id (endpoint),
                        np_ws_connection_get_id (self->connection), peer);
  event->http = np_http_exchange_new ("GET", config->url);
  event->http->outgoing = TRUE;
  event->http->status = soup_message_get_status (self->handshake);
  event->http->reason = g_strdup (soup_message_get_reason_phrase (self->handshake));
  event->http->request_headers = np_http_headers_to_pairs (soup_message_get_request_headers (self->handshake));
  event->http->response_headers = np_http_headers_to_pairs (soup_message_get_response_headers (self->handshake));
  np_web_capture_timing (self->handshake, event->http);
  np_endpoint_emit (endpoint, event);
}

static void
np_ws_client_start (NpEndpoint *endpoint)
{
  NpWsClient *self = NP_WS_CLIENT (endpoint);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = np_http_parse_url (config->url != NULL ? config->url : "", TRUE, &error);

  if (uri == NULL)
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }

  self->session = np_web_session_new (config);
  self->handshake = np_web_message_new (config, "GET", uri);
  self->cancellable = g_cancellable_new ();

  /* Our own timer rather than the session's I/O timeout, which would also cut an idle
   * WebSocket once it is open. */
  if (config->connect_timeout_ms > 0)
    {
      self->timeout = g_timeout_source_new (config->connect_timeout_ms);
      g_source_set_static_name (self->timeout, "[netpoke] WebSocket connect timeout");
      g_source_set_callback (self->timeout, on_connect_timeout, self, NULL);
      g_source_attach (self->timeout, g_main_context_get_thread_default ());
    }

  soup_session_websocket_connect_async (self->session, self->handshake, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, on_connected, g_object_ref (self));
}

static void
np_ws_client_stop (NpEndpoint *endpoint,
                   const char *reason)
{
  NpWsClient *self = NP_WS_CLIENT (endpoint);

  clear_timeout (self);
  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    np_ws_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, reason);
}

static void
send_message (NpWsClient    *self,
              guint          n_peer_ids,
              NpSendBatch   *batch,
              NpMessageType  type)
{
  g_autoptr(GPtrArray) targets = NULL;

  if (self->connection == NULL)
    {
      np_endpoint_refuse_send (NP_ENDPOINT (self), batch, 0, NULL, _("Not sent: not connected yet"));
      return;
    }

  targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (targets, g_object_ref (self->connection));
  np_ws_connection_send_to (NP_ENDPOINT (self), targets, batch, type, n_peer_ids == 0);
}

static void
np_ws_client_send (NpEndpoint    *endpoint,
                   const guint64 *peer_ids,
                   guint          n_peer_ids,
                   NpSendBatch   *batch)
{
  send_message (NP_WS_CLIENT (endpoint), n_peer_ids, batch, NP_MESSAGE_BINARY);
}

static void
np_ws_client_send_text (NpEndpoint    *endpoint,
                        const guint64 *peer_ids,
                        guint          n_peer_ids,
                        NpSendBatch   *batch)
{
  send_message (NP_WS_CLIENT (endpoint), n_peer_ids, batch, NP_MESSAGE_TEXT);
}

static gboolean
np_ws_client_disconnect_peer (NpEndpoint *endpoint,
                              guint64     peer_id)
{
  NpWsClient *self = NP_WS_CLIENT (endpoint);

  if (self->connection == NULL || np_ws_connection_get_id (self->connection) != peer_id)
    return FALSE;

  np_ws_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, _("Disconnected by user"));
  return TRUE;
}

static void
np_ws_client_dispose (GObject *object)
{
  NpWsClient *self = (NpWsClient *)object;

  clear_timeout (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->connection);
  g_clear_object (&self->handshake);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (np_ws_client_parent_class)->dispose (object);
}

static void
np_ws_client_class_init (NpWsClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NpEndpointClass *endpoint_class = NP_ENDPOINT_CLASS (klass);

  object_class->dispose = np_ws_client_dispose;

  endpoint_class->start = np_ws_client_start;
  endpoint_class->stop = np_ws_client_stop;
  endpoint_class->send = np_ws_client_send;
  endpoint_class->send_text = np_ws_client_send_text;
  endpoint_class->disconnect_peer = np_ws_client_disconnect_peer;
}

static void
np_ws_client_init (NpWsClient *self)
{
}
