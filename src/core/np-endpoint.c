#define G_LOG_DOMAIN "np-endpoint"

#include "config.h"

#include <glib/gi18n-lib.h>
#include "np-endpoint.h"
#include "np-tcp-client.h"
#include "np-tcp-server.h"
#include "np-udp-endpoint.h"

/* One read buffer per endpoint, shared by all its connections: they are all served by the
 * engine thread one after the other, and no connection keeps bytes in it between reads. This
 * keeps 10,000 idle clients from costing 10,000 buffers. */
#define READ_BUFFER_SIZE (64 * 1024)

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

  G_OBJECT_CLASS (np_endpoint_parent_class)->finalize (object);
}

static void
np_endpoint_class_init (NpEndpointClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_endpoint_finalize;
}

static void
np_endpoint_init (NpEndpoint *self)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  priv->next_peer_id = 1;
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
    default:                 g_return_val_if_reached (NULL);
    }

  self = g_object_new (type, NULL);
  priv = np_endpoint_get_instance_private (self);
  priv->id = id;
  priv->config = np_endpoint_config_copy (config);
  priv->queue = g_object_ref (queue);

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

/* Frames an outgoing payload the way the endpoint's framing expects it. */
static GBytes *
wrap (NpEndpoint  *self,
      GBytes      *payload,
      GError     **error)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);

  if (priv->config->framer == NULL)
    return g_bytes_ref (payload);

  return np_framer_wrap (priv->config->framer, payload, error);
}

/**
 * np_endpoint_send:
 * @payload: the message as the user wrote it: the endpoint adds the framing header
 */
void
np_endpoint_send (NpEndpoint    *self,
                  const guint64 *peer_ids,
                  guint          n_peer_ids,
                  GBytes        *payload)
{
  NpEndpointPrivate *priv = np_endpoint_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) framed = NULL;

  g_return_if_fail (NP_IS_ENDPOINT (self));
  g_return_if_fail (payload != NULL);

  if (priv->stopped)
    {
      np_endpoint_emit_error (self, 0, NULL, _("Not sent: the endpoint is stopped"));
      return;
    }

  /* The one place a payload gets its framing header: the CLI, the window, saved messages and
   * echo all send through here, so every face frames the same way. */
  framed = wrap (self, payload, &error);
  if (framed == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Not sent: %s"), error->message);

      np_endpoint_emit_error (self, n_peer_ids == 1 ? peer_ids[0] : 0, NULL, message);
      return;
    }

  NP_ENDPOINT_GET_CLASS (self)->send (self, peer_ids, n_peer_ids, framed);
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
