#define G_LOG_DOMAIN "np-endpoint"

#include "config.h"

#include <glib/gi18n-lib.h>
#include "np-answerer.h"
#include "np-endpoint.h"
#include "np-tcp-client.h"
#include "np-tcp-server.h"
#include "np-udp-endpoint.h"
#include "np-web-server.h"
#include "np-http-client.h"
#include "np-ws-client.h"

/* One read buffer per endpoint, shared by all its connections: they are all served by the
 * engine thread one after the other, and no connection keeps bytes in it between reads. This
 * keeps 10,000 idle clients from costing 10,000 buffers. */
#define READ_BUFFER_SIZE (64 * 1024)

/* Per-peer counters are published at most this often, and only when some changed: a thousand
 * clients written to at once cost one COUNTERS event, not a thousand, and idle stays idle. */
#define COUNTERS_INTERVAL_MS 100

typedef struct
{
  guint                   id;
  NpEndpointConfig       *config;
  NpEventQueue           *queue;
  guint8                 *read_buffer;
  guint64                 next_peer_id;
  gboolean                started;
  gboolean                stopped;

  guint64                 bytes_in;
  guint64                 bytes_out;
  guint64                 messages_in;
  guint64                 messages_out;
  guint64                 dropped;

  GHashTable             *changed_peers;   /* &counters->peer_id -> NpPeerCounters* (not owned) */
  GSource                *counters_source; /* armed while changed_peers is not empty */

  NpAnswerer             *answerer;        /* reply rules */

  NpEndpointFinishedFunc  finished_func;
  gpointer                finished_data;
} NpEndpointPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (NpEndpoint, np_endpoint, G_TYPE_OBJECT)

static void
np_endpoint_finalize (GObject *object)
{
  NpEndpoint *self = (NpEndpoint *)object;
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_clear_pointer (&priv->config, np_endpoint_config_free);
  g_clear_object (&priv->queue);
  g_clear_pointer (&priv->read_buffer, g_free);
  g_clear_pointer (&priv->changed_peers, g_hash_table_unref);

  G_OBJECT_CLASS (np_endpoint_parent_class)->finalize (object);
}

static void
clear_counters_source (NpEndpointPrivate *priv)
{
  if (priv->counters_source != NULL)
    {
      g_source_destroy (priv->counters_source);
      g_clear_pointer (&priv->counters_source, g_source_unref);
    }
}

/* Subclasses free their peers (whose counters the table points into) in their dispose, which
 * runs before this one: nothing may publish from here on. */
static void
np_endpoint_dispose (GObject *object)
{
  NpEndpoint *self = (NpEndpoint *)object;
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  clear_counters_source (priv);
  g_hash_table_remove_all (priv->changed_peers);
  g_clear_object (&priv->answerer);

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
    default:                 g_return_val_if_reached (NULL);
    }

  self = g_object_new (type, NULL);
  priv = np_endpoint_get_instance_private (self);
  priv->id = id;
  priv->config = np_endpoint_config_copy (config);
  priv->queue = g_object_ref (queue);
  priv->answerer = np_answerer_new (self);
  np_answerer_set_responder (priv->answerer, config->responder);

  return self;
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

  NP_ENDPOINT_GET_CLASS (self)->stop (self, reason);
  np_endpoint_finish (self, FALSE, reason);
}

/* Frames every message of @batch the way the endpoint's framing expects it. A message its
 * header cannot express is refused with an error (for @peer_id, 0 for several); the others go.
 * Returns: (transfer full) (nullable): the batch to write, %NULL when nothing is left */
static NpSendBatch *
wrap (NpEndpoint  *self,
      NpSendBatch *batch,
      guint64      peer_id)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpFramer *framer = priv->config->framer;
  g_autoptr(GPtrArray) framed = NULL;

  /* Raw and line framing have no header: the batch goes as it is, not copied. */
  if (framer == NULL || np_framer_get_kind (framer) == NP_FRAMING_RAW
      || np_framer_get_kind (framer) == NP_FRAMING_LINE)
    return np_send_batch_ref (batch);

  framed = g_ptr_array_new_full (np_send_batch_get_n_messages (batch), (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < np_send_batch_get_n_messages (batch); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) message = np_send_batch_dup_message (batch, i);
      GBytes *wrapped = np_framer_wrap (framer, message, &error);

      if (wrapped != NULL)
        g_ptr_array_add (framed, wrapped);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Not sent: %s"), error->message);

          np_endpoint_emit_error (self, peer_id, NULL, text);
        }
    }

  if (framed->len == 0)
    return NULL;

  {
    NpSendBatch *wrapped = np_send_batch_new ((GBytes * const *) framed->pdata, framed->len);

    np_send_batch_set_reply_rule (wrapped, np_send_batch_get_reply_rule (batch));
    return wrapped;
  }
}

/**
 * np_endpoint_send:
 * @batch: the messages as the user wrote them: the endpoint adds the framing header
 */
void
np_endpoint_send (NpEndpoint    *self,
                  const guint64 *peer_ids,
                  guint          n_peer_ids,
                  NpSendBatch   *batch)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  g_autoptr(NpSendBatch) framed = NULL;

  g_return_if_fail (NP_IS_ENDPOINT (self));
  g_return_if_fail (batch != NULL);

  if (priv->stopped)
    {
      np_endpoint_emit_error (self, 0, NULL, _("Not sent: the endpoint is stopped"));
      return;
    }

  /* The one place a payload gets its framing header: the CLI, the window, saved messages and
   * echo all send through here, so every face frames the same way. */
  framed = wrap (self, batch, n_peer_ids == 1 ? peer_ids[0] : 0);
  if (framed != NULL)
    NP_ENDPOINT_GET_CLASS (self)->send (self, peer_ids, n_peer_ids, framed);
}

/* Text goes out as WebSocket text messages where the mode has them; elsewhere it is bytes. */
void
np_endpoint_send_batch_as (NpEndpoint    *self,
                           const guint64 *peer_ids,
                           guint          n_peer_ids,
                           NpSendBatch   *batch,
                           NpMessageType  type)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpEndpointClass *klass = NP_ENDPOINT_GET_CLASS (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));
  g_return_if_fail (batch != NULL);

  if (type != NP_MESSAGE_TEXT || klass->send_text == NULL || priv->stopped)
    {
      np_endpoint_send (self, peer_ids, n_peer_ids, batch);
      return;
    }

  klass->send_text (self, peer_ids, n_peer_ids, batch);
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

  np_event_queue_push (priv->queue, event);
}

void
np_endpoint_emit_error (NpEndpoint *self,
                        guint64     peer_id,
                        const char *peer,
                        const char *message)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpEvent *event = np_event_new (NP_EVENT_ERROR, priv->id, peer_id, peer);

  event->message = g_strdup (message);
  np_endpoint_emit (self, event);
}

/* One COUNTERS event with every peer whose counters changed since the last one. */
static void
emit_counters (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  GHashTableIter iter;
  gpointer value;
  NpEvent *event;

  if (g_hash_table_size (priv->changed_peers) == 0)
    return;

  event = np_event_new (NP_EVENT_COUNTERS, priv->id, 0, NULL);
  event->counters = g_array_sized_new (FALSE, FALSE, sizeof (NpPeerCounters),
                                       g_hash_table_size (priv->changed_peers));
  g_hash_table_iter_init (&iter, priv->changed_peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_append_vals (event->counters, value, 1);
  g_hash_table_remove_all (priv->changed_peers);

  np_endpoint_emit (self, event);
}

static gboolean
on_counters_due (gpointer user_data)
{
  NpEndpoint *self = user_data;
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_clear_pointer (&priv->counters_source, g_source_unref);
  emit_counters (self);

  return G_SOURCE_REMOVE;
}

/**
 * np_endpoint_peer_changed:
 * @counters: a peer's counters, owned by the subclass; they must stay where they are until
 *   np_endpoint_peer_gone() (or until the endpoint stops)
 *
 * The peer's traffic changed: it is in the next COUNTERS snapshot, due within 100 ms.
 */
void
np_endpoint_peer_changed (NpEndpoint     *self,
                          NpPeerCounters *counters)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  if (priv->stopped || !priv->config->publish_counters)
    return;

  g_hash_table_replace (priv->changed_peers, &counters->peer_id, counters);

  if (priv->counters_source == NULL)
    {
      priv->counters_source = g_timeout_source_new (COUNTERS_INTERVAL_MS);
      g_source_set_static_name (priv->counters_source, "[netpoke] publish counters");
      g_source_set_callback (priv->counters_source, on_counters_due, self, NULL);
      g_source_attach (priv->counters_source, g_main_context_get_thread_default ());
    }
}

/* The peer is gone and its DISCONNECTED event carries its final counters. */
void
np_endpoint_peer_gone (NpEndpoint *self,
                       guint64     peer_id)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  g_hash_table_remove (priv->changed_peers, &peer_id);
}

/**
 * np_endpoint_new_sent:
 * Returns: (transfer full): a SENT event for @batch with no peer yet: add each peer that took
 *   the batch with np_event_add_sent_peer(), then hand it to np_endpoint_emit_sent()
 */
NpEvent *
np_endpoint_new_sent (NpEndpoint  *self,
                      NpSendBatch *batch,
                      gboolean     to_all)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpEvent *event = np_event_new (NP_EVENT_SENT, priv->id, 0, NULL);

  event->length = np_send_batch_get_size (batch);
  event->n_messages = np_send_batch_get_n_messages (batch);
  event->to_all = to_all;
  event->reply_rule = np_send_batch_get_reply_rule (batch);
  if (!priv->config->count_only)
    event->payload = g_bytes_ref (np_send_batch_get_data (batch));

  return event;
}

/**
 * np_endpoint_emit_sent:
 * @event: (transfer full): from np_endpoint_new_sent()
 *
 * Emits @event, unless no peer took the batch: then each has said why in its own event.
 */
void
np_endpoint_emit_sent (NpEndpoint *self,
                       NpEvent    *event)
{
  if (event->n_peers == 0)
    {
      np_event_unref (event);
      return;
    }

  np_endpoint_emit (self, event);
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

  /* Answers still waiting for their delay are not sent. */
  np_answerer_cancel_all (priv->answerer);

  /* The last changes of peers that stay (UDP) come before the totals. */
  emit_counters (self);
  clear_counters_source (priv);

  event = np_event_new (NP_EVENT_STOPPED, priv->id, 0, NULL);
  event->failed = failed;
  event->message = g_strdup (message);
  event->bytes_in = priv->bytes_in;
  event->bytes_out = priv->bytes_out;
  event->messages_in = priv->messages_in;
  event->messages_out = priv->messages_out;
  event->dropped = priv->dropped;
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

guint64
np_endpoint_next_peer_id (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  return priv->next_peer_id++;
}

void
np_endpoint_count_in (NpEndpoint *self,
                      gsize       bytes,
                      guint       messages)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  priv->bytes_in += bytes;
  priv->messages_in += messages;
}

void
np_endpoint_count_out (NpEndpoint *self,
                       gsize       bytes,
                       guint       messages)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  priv->bytes_out += bytes;
  priv->messages_out += messages;
}

/* UDP cannot push back on a sender: what the kernel had to drop is counted, not hidden. */
void
np_endpoint_count_dropped (NpEndpoint *self,
                           guint64     datagrams)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  priv->dropped += datagrams;
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

/* @message may be NULL in count-only mode, where only @length is reported. */
void
np_endpoint_emit_received (NpEndpoint *self,
                           guint64     peer_id,
                           const char *peer,
                           GBytes     *message,
                           gsize       length)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  NpEvent *event = np_event_new (NP_EVENT_RECEIVED, priv->id, peer_id, peer);

  event->payload = message != NULL ? g_bytes_ref (message) : NULL;
  event->length = length;
  np_endpoint_emit (self, event);
}
