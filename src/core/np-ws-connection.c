#define G_LOG_DOMAIN "np-ws-connection"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-ws-connection.h"

struct _NpWsConnection
{
  GObject                  parent_instance;

  NpEndpoint              *owner;     /* not owned: the endpoint owns us */
  SoupWebsocketConnection *socket;
  NpPausableStream        *pausable;  /* what the socket reads from; NULL: cannot pause */
  guint64                  id;
  char                    *peer;
  gboolean                 closed;    /* DISCONNECTED was emitted */
  gboolean                 failed;
  char                    *close_reason;

  NpPeerCounters           counters;  /* published by the owner; peer_id = id */
};

G_DEFINE_FINAL_TYPE (NpWsConnection, np_ws_connection, G_TYPE_OBJECT)

enum { CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* RFC 6455 §7.4.1 names, for the log. */
const char *
np_ws_close_code_describe (guint code)
{
  switch (code)
    {
    case 1000: return _("normal closure");
    case 1001: return _("going away");
    case 1002: return _("protocol error");
    case 1003: return _("unsupported data");
    case 1005: return _("no status code");
    case 1006: return _("abnormal closure");
    case 1007: return _("invalid data");
    case 1008: return _("policy violation");
    case 1009: return _("message too big");
    case 1010: return _("missing extension");
    case 1011: return _("server error");
    case 1015: return _("TLS handshake failed");
    default:   return code >= 3000 && code <= 4999 ? _("application code") : _("unknown code");
    }
}

/* UTF-8 as WebSocket text allows it: NUL characters included, which g_utf8_validate refuses. */
gboolean
np_ws_text_is_valid (GBytes *payload)
{
  gsize length;
  const char *data = g_bytes_get_data (payload, &length);
  const char *end = data + length;

  while (data < end)
    {
      const char *stop;

      if (g_utf8_validate_len (data, end - data, &stop))
        return TRUE;
      if (*stop != '\0')
        return FALSE;
      data = stop + 1;
    }

  return TRUE;
}

static void
emit_disconnected (NpWsConnection *self,
                   guint           code,
                   const char     *reason,
                   gboolean        failed)
{
  NpEvent *event;

  self->closed = TRUE;
  self->failed = failed;
  self->close_reason = g_strdup (reason);
  /* The final counters travel with DISCONNECTED, not in a later snapshot. */
  np_endpoint_peer_gone (self->owner, self->id);

  event = np_event_new (NP_EVENT_DISCONNECTED, np_endpoint_get_id (self->owner), self->id, self->peer);
  event->message = g_strdup (reason);
  event->failed = failed;
  event->close_code = code;
  event->bytes_in = self->counters.bytes_in;
  event->bytes_out = self->counters.bytes_out;
  event->messages_in = self->counters.messages_in;
  event->messages_out = self->counters.messages_out;
  np_endpoint_emit (self->owner, event);
}

static void
on_message (SoupWebsocketConnection *socket,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  NpWsConnection *self = user_data;
  const NpEndpointConfig *config = np_endpoint_get_config (self->owner);
  NpMessageType message_type = type == SOUP_WEBSOCKET_DATA_TEXT ? NP_MESSAGE_TEXT : NP_MESSAGE_BINARY;
  gsize length = g_bytes_get_size (message);
  NpEvent *event;

  if (self->closed)
    return;

  self->counters.bytes_in += length;
  self->counters.messages_in++;
  np_endpoint_count_in (self->owner, length, 1);
  np_endpoint_peer_changed (self->owner, &self->counters);

  event = np_event_new (NP_EVENT_RECEIVED, np_endpoint_get_id (self->owner), self->id, self->peer);
  event->payload = config->count_only ? NULL : g_bytes_ref (message);
  event->length = length;
  event->message_type = message_type;
  np_endpoint_emit (self->owner, event);

  /* The endpoint's reply rules (echo among them) answer text messages as well as binary
   * ones; a text message is answered with text where the answer is UTF-8. */
  np_endpoint_answer (self->owner, self->id, self->peer, message, message_type);

  /* The consumer is behind: read no more until it has caught up (TCP then holds the peer). */
  if (self->pausable != NULL && !self->closed && np_endpoint_is_congested (self->owner))
    np_pausable_stream_set_paused (self->pausable, TRUE);
}

/* The pong's data is not read: libsoup 3.2 hands a GByteArray to this signal, which declares
 * a GBytes (newer versions pass a GBytes), so the argument cannot be trusted either way.
 * Our pings are libsoup's keep-alive pings anyway, with its own payload. */
static void
on_pong (SoupWebsocketConnection *socket,
         gpointer                 unreliable_message,
         gpointer                 user_data)
{
  NpWsConnection *self = user_data;

  if (self->closed)
    return;

  np_endpoint_emit (self->owner, np_event_new (NP_EVENT_PONG, np_endpoint_get_id (self->owner),
                                               self->id, self->peer));
}

static void
on_error (SoupWebsocketConnection *socket,
          GError                  *error,
          gpointer                 user_data)
{
  NpWsConnection *self = user_data;
  g_autofree char *message = NULL;

  if (self->closed)
    return;

  message = g_strdup_printf (_("WebSocket error: %s"), error->message);
  np_endpoint_emit_error (self->owner, self->id, self->peer, message);
}

static void
on_closed (SoupWebsocketConnection *socket,
           gpointer                 user_data)
{
  g_autoptr(NpWsConnection) self = g_object_ref (NP_WS_CONNECTION (user_data));

  if (!self->closed)
    {
      guint code = soup_websocket_connection_get_close_code (socket);
      const char *data = soup_websocket_connection_get_close_data (socket);
      g_autofree char *reason = NULL;
      /* Normal, going away, no status and the application's own codes are deliberate
       * closes; 1006 (or nothing at all) means the connection was lost. */
      gboolean failed = code == 0 || code == 1006 || (code >= 1002 && code <= 1015 && code != 1005);

      if (code == 0)
        reason = g_strdup (_("Connection lost without a WebSocket close"));
      else if (data != NULL && data[0] != '\0')
        reason = g_strdup_printf (_("Closed with %u (%s): %s"), code, np_ws_close_code_describe (code), data);
      else
        reason = g_strdup_printf (_("Closed with %u (%s)"), code, np_ws_close_code_describe (code));

      emit_disconnected (self, code, reason, failed);
    }

  g_signal_emit (self, signals[CLOSED], 0);
}

static void
np_ws_connection_dispose (GObject *object)
{
  NpWsConnection *self = (NpWsConnection *)object;

  if (self->socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->socket, self);
      if (soup_websocket_connection_get_state (self->socket) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->socket, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      g_clear_object (&self->socket);
    }
  g_clear_object (&self->pausable);

  G_OBJECT_CLASS (np_ws_connection_parent_class)->dispose (object);
}

static void
np_ws_connection_finalize (GObject *object)
{
  NpWsConnection *self = (NpWsConnection *)object;

  g_clear_pointer (&self->peer, g_free);
  g_clear_pointer (&self->close_reason, g_free);

  G_OBJECT_CLASS (np_ws_connection_parent_class)->finalize (object);
}

static void
np_ws_connection_class_init (NpWsConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_ws_connection_dispose;
  object_class->finalize = np_ws_connection_finalize;

  /* The peer is gone and DISCONNECTED was emitted: the owner forgets the connection. */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
np_ws_connection_init (NpWsConnection *self)
{
}

/**
 * np_ws_connection_new:
 * @socket: an open WebSocket; the connection takes a reference
 * @pausable: (nullable): the stream @socket reads from, when it can be paused
 *
 * Returns: (transfer full): the peer, reporting from now on
 */
NpWsConnection *
np_ws_connection_new (NpEndpoint              *owner,
                      SoupWebsocketConnection *socket,
                      guint64                  id,
                      const char              *peer,
                      NpPausableStream        *pausable)
{
  const NpEndpointConfig *config;
  NpWsConnection *self;

  g_return_val_if_fail (NP_IS_ENDPOINT (owner), NULL);
  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (socket), NULL);

  config = np_endpoint_get_config (owner);

  self = g_object_new (NP_TYPE_WS_CONNECTION, NULL);
  self->owner = owner;
  self->socket = g_object_ref (socket);
  self->pausable = pausable != NULL ? g_object_ref (pausable) : NULL;
  self->id = id;
  self->peer = g_strdup (peer);
  self->counters.peer_id = id;

  /* libsoup's default (128 KiB) is below what devices send as one message (a JSON snapshot,
   * an image); the endpoint's limit applies, as it does to HTTP bodies. */
  soup_websocket_connection_set_max_incoming_payload_size (socket, config->max_body_size);
  soup_websocket_connection_set_keepalive_interval (socket, config->ping_interval_s);

  g_signal_connect (socket, "message", G_CALLBACK (on_message), self);
  g_signal_connect (socket, "pong", G_CALLBACK (on_pong), self);
  g_signal_connect (socket, "error", G_CALLBACK (on_error), self);
  g_signal_connect (socket, "closed", G_CALLBACK (on_closed), self);

  return self;
}

/* The event queue drained: read again. */
void
np_ws_connection_resume (NpWsConnection *self)
{
  g_return_if_fail (NP_IS_WS_CONNECTION (self));

  if (self->pausable != NULL && !self->closed)
    np_pausable_stream_set_paused (self->pausable, FALSE);
}

guint64
np_ws_connection_get_id (NpWsConnection *self)
{
  g_return_val_if_fail (NP_IS_WS_CONNECTION (self), 0);

  return self->id;
}

const char *
np_ws_connection_get_peer (NpWsConnection *self)
{
  g_return_val_if_fail (NP_IS_WS_CONNECTION (self), NULL);

  return self->peer;
}

gboolean
np_ws_connection_get_failed (NpWsConnection *self)
{
  g_return_val_if_fail (NP_IS_WS_CONNECTION (self), FALSE);

  return self->failed;
}

const char *
np_ws_connection_get_close_reason (NpWsConnection *self)
{
  g_return_val_if_fail (NP_IS_WS_CONNECTION (self), NULL);

  return self->close_reason;
}

static gboolean
batch_is_text (NpSendBatch *batch)
{
  for (guint i = 0; i < np_send_batch_get_n_messages (batch); i++)
    {
      g_autoptr(GBytes) message = np_send_batch_dup_message (batch, i);

      if (!np_ws_text_is_valid (message))
        return FALSE;
    }

  return TRUE;
}

/**
 * np_ws_connection_send:
 * @type: %NP_MESSAGE_TEXT: each message of @batch is a text message; otherwise binary
 *
 * Hands every message of @batch to libsoup, which writes them as soon as the socket takes
 * them (libsoup does not say when its queue reaches the wire).
 *
 * Returns: whether the peer took the batch; when not, an ERROR event says why
 */
gboolean
np_ws_connection_send (NpWsConnection *self,
                       NpSendBatch    *batch,
                       NpMessageType   type)
{
  guint n_messages;

  g_return_val_if_fail (NP_IS_WS_CONNECTION (self), FALSE);

  if (self->closed)
    return FALSE;

  if (soup_websocket_connection_get_state (self->socket) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      np_endpoint_emit_error (self->owner, self->id, self->peer, _("Not sent: the WebSocket is closing"));
      return FALSE;
    }
  if (type == NP_MESSAGE_TEXT && !batch_is_text (batch))
    {
      np_endpoint_emit_error (self->owner, self->id, self->peer,
                              _("Not sent: a WebSocket text message must be UTF-8 (send it as binary)"));
      return FALSE;
    }

  n_messages = np_send_batch_get_n_messages (batch);
  for (guint i = 0; i < n_messages; i++)
    {
      g_autoptr(GBytes) message = np_send_batch_dup_message (batch, i);

      soup_websocket_connection_send_message (self->socket,
                                              type == NP_MESSAGE_TEXT ? SOUP_WEBSOCKET_DATA_TEXT
                                                                      : SOUP_WEBSOCKET_DATA_BINARY,
                                              message);
    }
  self->counters.bytes_out += np_send_batch_get_size (batch);
  self->counters.messages_out += n_messages;
  np_endpoint_count_out (self->owner, np_send_batch_get_size (batch), n_messages);
  np_endpoint_peer_changed (self->owner, &self->counters);

  return TRUE;
}

/**
 * np_ws_connection_send_to:
 * @targets: (element-type NpWsConnection): the peers
 * @to_all: the mode's default targets were asked for
 *
 * One send operation over WebSocket: @batch to every target, one SENT event for all of them.
 */
void
np_ws_connection_send_to (NpEndpoint    *owner,
                          GPtrArray     *targets,
                          NpSendBatch   *batch,
                          NpMessageType  type,
                          gboolean       to_all)
{
  NpEvent *sent = np_endpoint_new_sent (owner, batch, to_all);

  sent->message_type = type == NP_MESSAGE_TEXT ? NP_MESSAGE_TEXT : NP_MESSAGE_BINARY;
  for (guint i = 0; i < targets->len; i++)
    {
      NpWsConnection *connection = g_ptr_array_index (targets, i);

      if (np_ws_connection_send (connection, batch, type))
        np_event_add_sent_peer (sent, connection->id, connection->peer);
    }
  /* libsoup took it (or each refusal was said): a file sent as this message is over. */
  np_send_batch_report (batch, sent->n_peers, NULL);
  np_endpoint_emit_sent (owner, sent);
}

/**
 * np_ws_connection_close:
 * @code: the close code the peer gets (1000 normal, 1001 going away, …)
 *
 * Reports DISCONNECTED with @reason at once and starts the closing handshake; "closed"
 * follows when libsoup has finished it.
 */
void
np_ws_connection_close (NpWsConnection *self,
                        gushort         code,
                        const char     *reason)
{
  g_return_if_fail (NP_IS_WS_CONNECTION (self));

  if (self->closed)
    return;

  emit_disconnected (self, code, reason, FALSE);
  if (soup_websocket_connection_get_state (self->socket) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      /* A close frame has room for 123 bytes of reason: cut between characters. */
      const char *end = reason + MIN (strlen (reason), 123);
      g_autofree char *fitting = NULL;

      while (end > reason && ((guchar) *end & 0xC0) == 0x80)
        end--;
      fitting = g_strndup (reason, end - reason);
      soup_websocket_connection_close (self->socket, code, fitting);
    }
}
