#define G_LOG_DOMAIN "np-endpoint"

#include "config.h"

#include <glib/gi18n-lib.h>
#include "np-answerer.h"
#include "np-endpoint-private.h"
#include "np-file-sender.h"
#include "np-tcp-client.h"
#include "np-tcp-server.h"
#include "np-udp-endpoint.h"
#include "np-web-server.h"
#include "np-http-client.h"
#include "np-ws-client.h"
#include "np-relay.h"
#include "np-udp-relay.h"

/* One read buffer per endpoint, shared by all its connections: they are all served by the
 * engine thread one after the other, and no connection keeps bytes in it between reads. This
 * keeps 10,000 idle clients from costing 10,000 buffers. */
#define READ_BUFFER_SIZE (64 * 1024)

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (NpEndpoint, np_endpoint, G_TYPE_OBJECT)

NpEndpointPrivate *
_np_endpoint_get_private (NpEndpoint *self)
{
  return np_endpoint_get_instance_private (self);
}

static void
np_endpoint_finalize (GObject *object)
{
  NpEndpoint *self = (NpEndpoint *)object;
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_clear_pointer (&priv->config, np_endpoint_config_free);
  g_clear_object (&priv->queue);
  g_clear_pointer (&priv->read_buffer, g_free);
  g_clear_pointer (&priv->changed_peers, g_hash_table_unref);
  g_clear_object (&priv->framing_budget);

  G_OBJECT_CLASS (np_endpoint_parent_class)->finalize (object);
}

/* Subclasses free their peers (whose counters the table points into) in their dispose, which
 * runs before this one: nothing may publish from here on. */
static void
np_endpoint_dispose (GObject *object)
{
  NpEndpoint *self = (NpEndpoint *)object;
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  _np_endpoint_clear_counters (self);
  g_hash_table_remove_all (priv->changed_peers);
  g_clear_object (&priv->answerer);
  if (priv->file_sender != NULL)
    np_file_sender_cancel (priv->file_sender, _("the endpoint stopped"));
  g_clear_object (&priv->file_sender);
  g_clear_pointer (&priv->watch_set, np_watch_set_destroy);

  G_OBJECT_CLASS (np_endpoint_parent_class)->dispose (object);
}

static void
np_endpoint_class_init (NpEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_endpoint_dispose;
  object_class->finalize = np_endpoint_finalize;
}

static void
np_endpoint_init (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  priv->next_peer_id = 1;
  priv->changed_peers = g_hash_table_new (g_int64_hash, g_int64_equal);
}

/* The framing budget stayed used up: the subclass drops its largest buffer. */
static void
shed_framing (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  if (!priv->stopped && NP_ENDPOINT_GET_CLASS (self)->shed_framing != NULL)
    NP_ENDPOINT_GET_CLASS (self)->shed_framing (self);
}

/**
 * np_endpoint_new_for_config:
 * Returns: (transfer full): the endpoint subclass for @config's mode, not yet started
 */
NpEndpoint *
np_endpoint_new_for_config (guint                   id,
                            const NpEndpointConfig *config,
                            NpEventQueue           *queue)
{
  NpEndpoint *self;
  NpEndpointPrivate *priv;
  GType type;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (NP_IS_EVENT_QUEUE (queue), NULL);

  switch (config->mode)
    {
    case NP_MODE_TCP_SERVER: type = NP_TYPE_TCP_SERVER; break;
    case NP_MODE_TCP_CLIENT: type = NP_TYPE_TCP_CLIENT; break;
    case NP_MODE_UDP:        type = NP_TYPE_UDP_ENDPOINT; break;
    case NP_MODE_HTTP_SERVER:
    case NP_MODE_WS_SERVER:  type = NP_TYPE_WEB_SERVER; break;
    case NP_MODE_HTTP_CLIENT: type = NP_TYPE_HTTP_CLIENT; break;
    case NP_MODE_WS_CLIENT:  type = NP_TYPE_WS_CLIENT; break;
    case NP_MODE_RELAY:      type = NP_TYPE_RELAY; break;
    case NP_MODE_UDP_RELAY:  type = NP_TYPE_UDP_RELAY; break;
    default:                 g_return_val_if_reached (NULL);
    }

  self = g_object_new (type, NULL);
  priv = np_endpoint_get_instance_private (self);
  priv->id = id;
  priv->config = np_endpoint_config_copy (config);
  priv->queue = g_object_ref (queue);
  priv->answerer = np_answerer_new (self);
  np_answerer_set_responder (priv->answerer, config->responder);
  if (config->framer != NULL)
    priv->framing_budget = np_framing_budget_new (np_framer_get_max_message (config->framer),
                                                  (NpFramingBudgetFunc) np_endpoint_resume,
                                                  (NpFramingBudgetFunc) shed_framing, self);

  return self;
}

/**
 * np_endpoint_get_framing_budget:
 * Returns: (transfer none) (nullable): what the framers of all connections may hold together;
 *   %NULL without framing
 */
NpFramingBudget *
np_endpoint_get_framing_budget (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  return priv->framing_budget;
}

guint
np_endpoint_get_id (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_val_if_fail (NP_IS_ENDPOINT (self), 0);

  return priv->id;
}

const NpEndpointConfig *
np_endpoint_get_config (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_val_if_fail (NP_IS_ENDPOINT (self), NULL);

  return priv->config;
}

gboolean
np_endpoint_is_stopped (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_val_if_fail (NP_IS_ENDPOINT (self), TRUE);

  return priv->stopped;
}

/* The engine learns here that it can forget the endpoint. */
void
np_endpoint_set_finished_func (NpEndpoint             *self,
                               NpEndpointFinishedFunc  func,
                               gpointer                user_data)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));

  priv->finished_func = func;
  priv->finished_data = user_data;
}

void
np_endpoint_start (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));
  g_return_if_fail (!priv->started);

  priv->started = TRUE;
  NP_ENDPOINT_GET_CLASS (self)->start (self);
}

void
np_endpoint_stop (NpEndpoint *self,
                  const char *reason)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));

  if (priv->stopped)
    return;

  /* Stays set: whoever goes from here on goes with the endpoint. */
  priv->closing_all = TRUE;
  priv->n_closed_in_bulk = 0;
  NP_ENDPOINT_GET_CLASS (self)->stop (self, reason);
  np_endpoint_finish (self, FALSE, reason);
}

void
np_endpoint_disconnect_peer (NpEndpoint *self,
                             guint64     peer_id)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));

  if (priv->stopped || !NP_ENDPOINT_GET_CLASS (self)->disconnect_peer (self, peer_id))
    {
      g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, peer_id);
      g_autofree char *message = g_strdup_printf (_("No connected peer #%s"), id);

      np_endpoint_emit_error (self, peer_id, NULL, message);
    }
}

/* Every client gets its own DISCONNECTED (its final counters), marked in_bulk; then one
 * DISCONNECTED_ALL counts them, so the window can show the operation as one row. Clients close
 * synchronously, so every DISCONNECTED emitted meanwhile is one of them. */
void
np_endpoint_disconnect_all (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpEndpointClass *klass = NP_ENDPOINT_GET_CLASS (self);
  const char *reason = _("Disconnected by user (all clients)");
  NpEvent *event;

  g_return_if_fail (NP_IS_ENDPOINT (self));

  if (klass->disconnect_all == NULL)
    {
      np_endpoint_emit_error (self, 0, NULL, _("This mode has no clients to disconnect"));
      return;
    }
  if (priv->stopped || priv->closing_all)
    return;

  priv->closing_all = TRUE;
  priv->n_closed_in_bulk = 0;
  klass->disconnect_all (self, reason);
  priv->closing_all = FALSE;

  event = np_event_new (NP_EVENT_DISCONNECTED_ALL, priv->id, 0, NULL);
  event->message = g_strdup (reason);
  event->n_peers = priv->n_closed_in_bulk;
  np_endpoint_emit (self, event);
}

void
np_endpoint_resume (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));

  if (!priv->stopped && NP_ENDPOINT_GET_CLASS (self)->resume != NULL)
    NP_ENDPOINT_GET_CLASS (self)->resume (self);
}

/**
 * np_endpoint_emit:
 * @event: (transfer full): the event
 */
void
np_endpoint_emit (NpEndpoint *self,
                  NpEvent    *event)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_assert (NP_IS_ENDPOINT (self));

  /* Peers a Stop or a Disconnect All closes are counted in its STOPPED or DISCONNECTED_ALL,
   * so the window can show the operation as one row. */
  if (priv->closing_all && event->kind == NP_EVENT_DISCONNECTED)
    {
      event->in_bulk = TRUE;
      priv->n_closed_in_bulk++;
    }
  np_event_queue_push (priv->queue, event);
}

static void
emit_message (NpEndpoint  *self,
              NpEventKind  kind,
              guint64      peer_id,
              const char  *peer,
              const char  *message)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpEvent *event = np_event_new (kind, priv->id, peer_id, peer);

  event->message = g_strdup (message);
  np_endpoint_emit (self, event);
}

void
np_endpoint_emit_error (NpEndpoint *self,
                        guint64     peer_id,
                        const char *peer,
                        const char *message)
{
  emit_message (self, NP_EVENT_ERROR, peer_id, peer, message);
}

/**
 * np_endpoint_emit_relayed:
 * @message: (nullable): %NULL in count-only mode
 *
 * A relay's row: bytes that went on from a client to the target, or back; @peer is the client.
 */
void
np_endpoint_emit_relayed (NpEndpoint       *self,
                          guint64           peer_id,
                          const char       *peer,
                          GBytes           *message,
                          gsize             length,
                          NpRelayDirection  direction)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpEvent *event = np_event_new (NP_EVENT_RECEIVED, priv->id, peer_id, peer);

  event->payload = message != NULL && !priv->config->count_only ? g_bytes_ref (message) : NULL;
  event->length = length;
  event->relay = direction;
  np_endpoint_emit (self, event);
  if (direction == NP_RELAY_TO_TARGET)
    np_endpoint_count_in (self, 0, 1);
  else
    np_endpoint_count_out (self, 0, 1);
}

/* Something worth knowing that is not a failure (a group joined, a reconnect planned). */
void
np_endpoint_emit_notice (NpEndpoint *self,
                         guint64     peer_id,
                         const char *peer,
                         const char *message)
{
  emit_message (self, NP_EVENT_NOTICE, peer_id, peer, message);
}

/* Marks the endpoint stopped, reports its totals and lets the engine forget it. Subclasses
 * call this when they die on their own (listen failed, connection lost). */
void
np_endpoint_finish (NpEndpoint *self,
                    gboolean    failed,
                    const char *message)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpEvent *event;

  g_assert (NP_IS_ENDPOINT (self));

  if (priv->stopped)
    return;
  priv->stopped = TRUE;

  /* Answers still waiting for their delay are not sent, nor the rest of a file. */
  np_answerer_cancel_all (priv->answerer);
  if (priv->file_sender != NULL)
    np_file_sender_cancel (priv->file_sender, message != NULL ? message : _("the endpoint stopped"));

  /* The last changes of peers that stay (UDP) come before the totals. */
  _np_endpoint_emit_counters (self);
  _np_endpoint_clear_counters (self);

  event = np_event_new (NP_EVENT_STOPPED, priv->id, 0, NULL);
  event->failed = failed;
  event->message = g_strdup (message);
  event->bytes_in = priv->bytes_in;
  event->bytes_out = priv->bytes_out;
  event->messages_in = priv->messages_in;
  event->messages_out = priv->messages_out;
  event->dropped = priv->dropped;
  event->n_peers = priv->n_closed_in_bulk;
  np_endpoint_emit (self, event);

  if (priv->finished_func != NULL)
    priv->finished_func (self, priv->finished_data);
}

gboolean
np_endpoint_is_congested (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  return np_event_queue_is_congested (priv->queue);
}

guint8 *
np_endpoint_get_read_buffer (NpEndpoint *self,
                             gsize      *size)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  if (priv->read_buffer == NULL)
    priv->read_buffer = g_malloc (READ_BUFFER_SIZE);
  *size = READ_BUFFER_SIZE;

  return priv->read_buffer;
}

/* Returns: (transfer none): the set the endpoint's plain sockets are read through, on the
 * thread's context (the engine's) */
NpWatchSet *
np_endpoint_get_watch_set (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  if (priv->watch_set == NULL)
    priv->watch_set = np_watch_set_new (g_main_context_get_thread_default ());

  return priv->watch_set;
}

guint64
np_endpoint_next_peer_id (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  return priv->next_peer_id++;
}

/**
 * np_endpoint_answer:
 * @message: (nullable): a whole received message (after framing); %NULL: nothing to answer
 * @type: bytes, or the kind of WebSocket message it was
 *
 * The one place every mode hands a received message to the reply rules (echo is one of them).
 */
void
np_endpoint_answer (NpEndpoint    *self,
                    guint64        peer_id,
                    const char    *peer,
                    GBytes        *message,
                    NpMessageType  type)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));

  if (!priv->stopped && message != NULL)
    np_answerer_answer (priv->answerer, peer_id, peer, message, type);
}

/* Whether received bytes are needed even in count-only mode: the rules may answer them. */
gboolean
np_endpoint_is_answering (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_val_if_fail (NP_IS_ENDPOINT (self), FALSE);

  return np_answerer_is_active (priv->answerer);
}

/* New rules take effect with the next message. */
void
np_endpoint_set_responder (NpEndpoint  *self,
                           NpResponder *responder)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));

  np_answerer_set_responder (priv->answerer, responder);
}

static void
on_file_done (NpFileSender *sender,
              gpointer      user_data)
{
  NpEndpoint *self = user_data;
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  if (priv->file_sender == sender)
    g_clear_object (&priv->file_sender);
}

/**
 * np_endpoint_send_file:
 * @peer_ids: (array length=n_peer_ids) (nullable): targets, as for np_endpoint_send()
 * @finish_writing: half-close each TCP target after the last byte
 *
 * Sends @file: in chunks at the targets' pace over TCP (one framed message with a
 * length-prefixed framing), as one datagram or WebSocket message otherwise. One file at a time.
 */
void
np_endpoint_send_file (NpEndpoint    *self,
                       const guint64 *peer_ids,
                       guint          n_peer_ids,
                       GFile         *file,
                       gboolean       finish_writing)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));
  g_return_if_fail (G_IS_FILE (file));

  if (priv->file_sender != NULL)
    {
      np_endpoint_emit_error (self, 0, NULL, _("Not sent: a file is being sent already"));
      return;
    }

  priv->file_sender = np_file_sender_new (self, file, peer_ids, n_peer_ids, finish_writing);
  np_file_sender_start (priv->file_sender, on_file_done, self);
}

void
np_endpoint_cancel_file (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));

  if (priv->file_sender != NULL)
    np_file_sender_cancel (priv->file_sender, _("cancelled"));
}

/* @message may be NULL in count-only mode, where only @length is reported. */
void
np_endpoint_emit_received (NpEndpoint *self,
                           guint64     peer_id,
                           const char *peer,
                           GBytes     *message,
                           gsize       length)
{
  np_endpoint_emit_datagram (self, peer_id, peer, message, length, NULL);
}

/**
 * np_endpoint_emit_datagram:
 * @group: (nullable): the multicast group or broadcast address it was sent to
 *
 * A received message, with where it was sent when that was not to us alone.
 */
void
np_endpoint_emit_datagram (NpEndpoint *self,
                           guint64     peer_id,
                           const char *peer,
                           GBytes     *message,
                           gsize       length,
                           const char *group)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpEvent *event = np_event_new (NP_EVENT_RECEIVED, priv->id, peer_id, peer);

  event->payload = message != NULL ? g_bytes_ref (message) : NULL;
  event->length = length;
  event->group = g_strdup (group);
  np_endpoint_emit (self, event);
}

