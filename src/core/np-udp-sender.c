#define G_LOG_DOMAIN "np-udp-sender"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-address.h"
#include "np-udp-sender.h"
#include "np-udp-socket.h"

/* Datagrams waiting for the socket to take them; past this, sends are refused. */
#define SEND_QUEUE_LIMIT (4 * 1024 * 1024)
/* Datagrams handed to the system in one sendmmsg call. */
#define DATAGRAMS_PER_SEND 256

/* One send operation not yet fully handed to the socket: every message of the batch to every
 * peer, message by message (each peer gets them in order). Peers live as long as the endpoint.
 * Its SENT event goes out once every datagram was taken or refused, naming only the peers the
 * system took all of them for: a refused datagram is an ERROR, never also "sent". A watched
 * batch (a file) hears how it ended first, and when no peer took it, the reason is its
 * sender's to say rather than an ERROR of its own. */
typedef struct
{
  NpSendBatch  *batch;
  GPtrArray    *peers;          /* NpUdpPeer*, not owned */
  char        **refusals;       /* per peer: why the system refused (one of) its datagrams, or NULL */
  NpEvent      *sent;           /* no peers yet */
  guint         next_message;
  guint         next_peer;
} PendingSend;

struct _NpUdpSender
{
  NpEndpoint  *owner;           /* not owned: it owns us */
  GSocket     *socket;
  GPtrArray   *broadcasts;      /* GInetAddress*: this host's broadcast addresses */
  GSource     *out_source;      /* armed while the socket is full */
  GQueue       out_queue;       /* PendingSend* */
  gsize        out_queued;
};

/**
 * np_udp_peer_new:
 * Returns: (transfer full): a peer named after @address ("ADDR:PORT")
 */
NpUdpPeer *
np_udp_peer_new (guint64         id,
                 GSocketAddress *address)
{
  NpUdpPeer *peer = g_new0 (NpUdpPeer, 1);

  peer->id = id;
  peer->name = np_address_to_string (address);
  peer->address = g_object_ref (address);
  peer->counters.peer_id = id;

  return peer;
}

void
np_udp_peer_free (NpUdpPeer *peer)
{
  if (peer == NULL)
    return;

  g_free (peer->name);
  g_clear_object (&peer->address);
  g_free (peer);
}

static void
pending_send_free (PendingSend *pending)
{
  np_send_batch_unref (pending->batch);
  for (guint i = 0; i < pending->peers->len; i++)
    g_free (pending->refusals[i]);
  g_free (pending->refusals);
  g_ptr_array_unref (pending->peers);
  g_clear_pointer (&pending->sent, np_event_unref);
  g_free (pending);
}

/**
 * np_udp_sender_new:
 * @broadcasts: (element-type GInetAddress): this host's broadcast addresses, to say why the
 *   system refused a datagram
 */
NpUdpSender *
np_udp_sender_new (NpEndpoint *owner,
                   GSocket    *socket,
                   GPtrArray  *broadcasts)
{
  NpUdpSender *self = g_new0 (NpUdpSender, 1);

  self->owner = owner;
  self->socket = g_object_ref (socket);
  self->broadcasts = g_ptr_array_ref (broadcasts);
  g_queue_init (&self->out_queue);

  return self;
}

/* Whatever is still queued is dropped (and said so to whoever watches it). */
void
np_udp_sender_free (NpUdpSender *self)
{
  if (self == NULL)
    return;

  for (GList *link = self->out_queue.head; link != NULL; link = link->next)
    {
      PendingSend *pending = link->data;

      np_send_batch_report (pending->batch, 0, _("the endpoint stopped before it was sent"));
    }

  if (self->out_source != NULL)
    {
      g_source_destroy (self->out_source);
      g_source_unref (self->out_source);
    }
  g_queue_clear_full (&self->out_queue, (GDestroyNotify) pending_send_free);
  g_clear_object (&self->socket);
  g_clear_pointer (&self->broadcasts, g_ptr_array_unref);
  g_free (self);
}

static gboolean on_writable (GSocket *socket, GIOCondition condition, gpointer user_data);

/* The datagram @pending is at: one message of its batch to one peer. */
static NpUdpPeer *
pending_position (PendingSend   *pending,
                  const guint8 **data,
                  gsize         *size)
{
  *data = np_send_batch_get_message (pending->batch, pending->next_message, size);
  return g_ptr_array_index (pending->peers, pending->next_peer);
}

/* A watched operation is over: its watcher hears how it ended. When no peer took it, the
 * refusals are the reason it gives; when some did, the others' are ERRORs as usual. */
static void
report_outcome (NpUdpSender *self,
                PendingSend *pending)
{
  g_autoptr(GStrvBuilder) reasons = NULL;
  g_auto(GStrv) joined = NULL;
  g_autofree char *refusal = NULL;
  guint n_took = 0;

  if (!np_send_batch_is_watched (pending->batch))
    return;

  reasons = g_strv_builder_new ();
  for (guint i = 0; i < pending->peers->len; i++)
    if (pending->refusals[i] == NULL)
      n_took++;
    else
      g_strv_builder_add (reasons, pending->refusals[i]);

  if (n_took > 0)
    for (guint i = 0; i < pending->peers->len; i++)
      {
        NpUdpPeer *peer = g_ptr_array_index (pending->peers, i);

        if (pending->refusals[i] != NULL)
          np_endpoint_emit_error (self->owner, peer->id, peer->name, pending->refusals[i]);
      }

  joined = g_strv_builder_end (reasons);
  refusal = g_strjoinv ("; ", joined);
  np_send_batch_report (pending->batch, n_took, n_took == 0 ? refusal : NULL);
}

/* The head operation's datagram went (or was refused): on to the next; once there is none,
 * the operation is done and says which peers it reached. */
static void
advance (NpUdpSender *self)
{
  PendingSend *pending = g_queue_peek_head (&self->out_queue);

  if (++pending->next_peer < pending->peers->len)
    return;
  pending->next_peer = 0;
  if (++pending->next_message < np_send_batch_get_n_messages (pending->batch))
    return;

  g_queue_pop_head (&self->out_queue);
  report_outcome (self, pending);
  for (guint i = 0; i < pending->peers->len; i++)
    if (pending->refusals[i] == NULL)
      {
        NpUdpPeer *peer = g_ptr_array_index (pending->peers, i);

        np_event_add_sent_peer (pending->sent, peer->id, peer->name);
      }
  np_endpoint_emit_sent (self->owner, g_steal_pointer (&pending->sent));
  pending_send_free (pending);
}

/* The system refuses a datagram to a broadcast address unless SO_BROADCAST is on. */
static gboolean
is_refused_broadcast (NpUdpSender *self,
                      NpUdpPeer       *peer,
                      const GError  *error)
{
  const NpEndpointConfig *config = np_endpoint_get_config (self->owner);
  GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer->address));

  if (config->broadcast || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return FALSE;

  return np_udp_socket_is_broadcast (self->broadcasts, inet);
}

/* Hands queued datagrams to the socket, up to DATAGRAMS_PER_SEND per sendmmsg call, until it
 * is all out or the socket is full (then POLLOUT resumes). A datagram the system refuses is
 * reported for its peer and skipped. */
static void
flush_queue (NpUdpSender *self)
{
  NpEndpoint *endpoint = self->owner;

  while (!g_queue_is_empty (&self->out_queue))
    {
      GOutputMessage messages[DATAGRAMS_PER_SEND];
      GOutputVector vectors[DATAGRAMS_PER_SEND];
      NpUdpPeer *peers[DATAGRAMS_PER_SEND];
      g_autoptr(GError) error = NULL;
      guint n = 0;
      gint sent;

      /* Gather from the head without consuming: positions advance only as the system takes. */
      for (GList *link = self->out_queue.head; link != NULL && n < DATAGRAMS_PER_SEND; link = link->next)
        {
          PendingSend *pending = link->data;
          guint n_messages = np_send_batch_get_n_messages (pending->batch);

          for (guint m = pending->next_message; m < n_messages && n < DATAGRAMS_PER_SEND; m++)
            for (guint p = m == pending->next_message ? pending->next_peer : 0;
                 p < pending->peers->len && n < DATAGRAMS_PER_SEND; p++)
              {
                gsize size;
                const guint8 *data = np_send_batch_get_message (pending->batch, m, &size);

                peers[n] = g_ptr_array_index (pending->peers, p);
                vectors[n] = (GOutputVector) { data, size };
                messages[n] = (GOutputMessage) { peers[n]->address, &vectors[n], 1, 0, NULL, 0 };
                n++;
              }
        }

      sent = g_socket_send_messages (self->socket, messages, n, 0, NULL, &error);
      if (sent < 0)
        {
          PendingSend *head = g_queue_peek_head (&self->out_queue);
          const guint8 *data;
          gsize size;
          NpUdpPeer *peer;
          g_autofree char *bytes = NULL;
          g_autofree char *message = NULL;

          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              if (self->out_source == NULL)
                {
                  self->out_source = g_socket_create_source (self->socket, G_IO_OUT, NULL);
                  g_source_set_static_name (self->out_source, "[netpoke] udp write");
                  g_source_set_callback (self->out_source, G_SOURCE_FUNC (on_writable), self, NULL);
                  g_source_attach (self->out_source, g_main_context_get_thread_default ());
                }
              return;
            }

          peer = pending_position (head, &data, &size);
          bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, size);
          if (is_refused_broadcast (self, peer, error))
            message = g_strdup_printf (_("Not sent to %s: it is a broadcast address, and broadcast is off "
                                         "(turn on Broadcast, or --broadcast)"), peer->name);
          else
            message = g_strdup_printf (_("Sending %s bytes to %s failed: %s"), bytes, peer->name, error->message);
          /* A watched batch's refusals are said when it is over (report_outcome()). */
          if (!np_send_batch_is_watched (head->batch))
            np_endpoint_emit_error (endpoint, peer->id, peer->name, message);
          if (head->refusals[head->next_peer] == NULL)
            head->refusals[head->next_peer] = g_steal_pointer (&message);
          self->out_queued -= size;
          advance (self);
          continue;
        }

      for (gint i = 0; i < sent; i++)
        {
          peers[i]->counters.bytes_out += messages[i].bytes_sent;
          peers[i]->counters.messages_out++;
          np_endpoint_count_out (endpoint, messages[i].bytes_sent, 1);
          np_endpoint_peer_changed (endpoint, &peers[i]->counters);
          self->out_queued -= vectors[i].size;
          advance (self);
        }
    }
}

static gboolean
on_writable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  NpUdpSender *self = user_data;

  g_clear_pointer (&self->out_source, g_source_unref);
  flush_queue (self);

  return G_SOURCE_REMOVE;
}

/**
 * np_udp_sender_send:
 * @targets: (element-type NpUdpPeer): the peers, which must outlive the sender
 *
 * One send operation: every message of @batch to every peer of @targets, through the queue so
 * that it leaves after anything sent before it; one SENT event.
 */
void
np_udp_sender_send (NpUdpSender *self,
                    GPtrArray   *targets,
                    NpSendBatch *batch,
                    gboolean     to_all)
{
  NpEndpoint *endpoint = self->owner;
  gsize size = np_send_batch_get_size (batch) * targets->len;
  PendingSend *pending;

  g_return_if_fail (targets->len > 0);

  /* Whatever is already waiting bounds what may be added; an empty queue takes one operation
   * of any size, most of which leaves at once. */
  if (!g_queue_is_empty (&self->out_queue) && self->out_queued + size > SEND_QUEUE_LIMIT)
    {
      np_endpoint_refuse_send (endpoint, batch, 0, NULL, _("Not sent: the socket’s send queue is full"));
      return;
    }

  pending = g_new0 (PendingSend, 1);
  pending->batch = np_send_batch_ref (batch);
  pending->peers = g_ptr_array_ref (targets);
  pending->refusals = g_new0 (char *, targets->len);
  pending->sent = np_endpoint_new_sent (endpoint, batch, to_all);

  g_queue_push_tail (&self->out_queue, pending);
  self->out_queued += size;
  if (self->out_source == NULL)
    flush_queue (self);
}

