#define G_LOG_DOMAIN "np-udp-endpoint"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "np-address.h"
#include "np-udp-endpoint.h"

/* Datagrams one dispatch may take before other sources get a turn. */
#define DATAGRAMS_PER_DISPATCH 64
/* A burst from a device should land in the kernel buffer, not be dropped. */
#define RECEIVE_BUFFER_SIZE (4 * 1024 * 1024)
/* Datagrams waiting for the socket to take them; past this, sends are refused. */
#define SEND_QUEUE_LIMIT (4 * 1024 * 1024)
/* Datagrams handed to the system in one sendmmsg call. */
#define DATAGRAMS_PER_SEND 256

typedef struct
{
  guint64          id;
  char            *name;
  GSocketAddress  *address;
  NpPeerCounters   counters;
} UdpPeer;

/* One send operation not yet fully handed to the socket: every message of the batch to every
 * peer, message by message (each peer gets them in order). Peers live as long as the endpoint. */
typedef struct
{
  NpSendBatch  *batch;
  GPtrArray    *peers;          /* UdpPeer*, not owned */
  guint         next_message;
  guint         next_peer;
} PendingSend;

struct _NpUdpEndpoint
{
  NpEndpoint               parent_instance;

  GCancellable            *cancellable;
  GSocketAddressEnumerator *resolver;
  GSocket                 *socket;
  GSource                 *in_source;
  GSource                 *out_source;
  gboolean                 paused;
  UdpPeer                 *destination;   /* --to, or NULL */

  GHashTable              *peers_by_name; /* "addr:port" -> UdpPeer* (owned) */
  GHashTable              *peers_by_id;   /* guint64* -> UdpPeer* */
  GQueue                   out_queue;     /* PendingSend* */
  gsize                    out_queued;
  guint32                  kernel_drops;  /* the socket's SO_RXQ_OVFL counter, last seen */
};

G_DEFINE_FINAL_TYPE (NpUdpEndpoint, np_udp_endpoint, NP_TYPE_ENDPOINT)

static void
udp_peer_free (UdpPeer *peer)
{
  g_free (peer->name);
  g_clear_object (&peer->address);
  g_free (peer);
}

static void
pending_send_free (PendingSend *pending)
{
  np_send_batch_unref (pending->batch);
  g_ptr_array_unref (pending->peers);
  g_free (pending);
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

static UdpPeer *
lookup_peer (NpUdpEndpoint  *self,
             GSocketAddress *address)
{
  g_autofree char *name = np_address_to_string (address);
  UdpPeer *peer = g_hash_table_lookup (self->peers_by_name, name);

  if (peer == NULL)
    {
      peer = g_new0 (UdpPeer, 1);
      peer->id = np_endpoint_next_peer_id (NP_ENDPOINT (self));
      peer->name = g_steal_pointer (&name);
      peer->address = g_object_ref (address);
      peer->counters.peer_id = peer->id;
      g_hash_table_insert (self->peers_by_name, peer->name, peer);
      g_hash_table_insert (self->peers_by_id, &peer->id, peer);
    }

  return peer;
}

static gboolean on_writable (GSocket *socket, GIOCondition condition, gpointer user_data);

/* The datagram @pending is at: one message of its batch to one peer. */
static UdpPeer *
pending_position (PendingSend   *pending,
                  const guint8 **data,
                  gsize         *size)
{
  *data = np_send_batch_get_message (pending->batch, pending->next_message, size);
  return g_ptr_array_index (pending->peers, pending->next_peer);
}

static void
advance (NpUdpEndpoint *self)
{
  PendingSend *pending = g_queue_peek_head (&self->out_queue);

  if (++pending->next_peer < pending->peers->len)
    return;
  pending->next_peer = 0;
  if (++pending->next_message < np_send_batch_get_n_messages (pending->batch))
    return;
  pending_send_free (g_queue_pop_head (&self->out_queue));
}

/* Hands queued datagrams to the socket, up to DATAGRAMS_PER_SEND per sendmmsg call, until it
 * is all out or the socket is full (then POLLOUT resumes). A datagram the system refuses is
 * reported for its peer and skipped. */
static void
flush_queue (NpUdpEndpoint *self)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);

  while (!g_queue_is_empty (&self->out_queue))
    {
      GOutputMessage messages[DATAGRAMS_PER_SEND];
      GOutputVector vectors[DATAGRAMS_PER_SEND];
      UdpPeer *peers[DATAGRAMS_PER_SEND];
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
          const guint8 *data;
          gsize size;
          UdpPeer *peer;
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

          peer = pending_position (g_queue_peek_head (&self->out_queue), &data, &size);
          bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, size);
          message = g_strdup_printf (_("Sending %s bytes to %s failed: %s"), bytes, peer->name, error->message);
          np_endpoint_emit_error (endpoint, peer->id, peer->name, message);
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
  NpUdpEndpoint *self = user_data;

  g_clear_pointer (&self->out_source, g_source_unref);
  flush_queue (self);

  return G_SOURCE_REMOVE;
}

/* One send operation: every message of @batch to every peer of @targets, through the queue so
 * that it leaves after anything sent before it. */
static void
send_to_peers (NpUdpEndpoint *self,
               GPtrArray     *targets,
               NpSendBatch   *batch,
               gboolean       to_all)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  gsize size = np_send_batch_get_size (batch) * targets->len;
  PendingSend *pending;
  NpEvent *sent;

  if (targets->len == 0)
    return;

  /* Whatever is already waiting bounds what may be added; an empty queue takes one operation
   * of any size, most of which leaves at once. */
  if (!g_queue_is_empty (&self->out_queue) && self->out_queued + size > SEND_QUEUE_LIMIT)
    {
      np_endpoint_emit_error (endpoint, 0, NULL, _("Not sent: the socket’s send queue is full"));
      return;
    }

  pending = g_new0 (PendingSend, 1);
  pending->batch = np_send_batch_ref (batch);
  pending->peers = g_ptr_array_ref (targets);

  sent = np_endpoint_new_sent (endpoint, batch, to_all);
  for (guint i = 0; i < targets->len; i++)
    {
      UdpPeer *peer = g_ptr_array_index (targets, i);

      np_event_add_sent_peer (sent, peer->id, peer->name);
    }

  g_queue_push_tail (&self->out_queue, pending);
  self->out_queued += size;
  if (self->out_source == NULL)
    flush_queue (self);

  np_endpoint_emit_sent (endpoint, sent);
}

static void watch_input (NpUdpEndpoint *self);

/* recvmsg on the descriptor, not g_socket_receive_from: GSocket drops the control message that
 * carries the kernel's count of datagrams it had to drop (SO_RXQ_OVFL). Adds new drops to
 * *@dropped. The kernel stamps the count on each datagram as it is queued, so drops show up with
 * the first datagram that arrives after them. */
static gssize
receive_datagram (NpUdpEndpoint   *self,
                  guint8          *buffer,
                  gsize            size,
                  GSocketAddress **from,
                  guint64         *dropped,
                  GError         **error)
{
  struct sockaddr_storage storage;
  struct iovec iov = { buffer, size };
  union { char buffer[CMSG_SPACE (sizeof (guint32))]; struct cmsghdr align; } control;
  struct msghdr message = { 0 };
  gssize n;

  message.msg_name = &storage;
  message.msg_namelen = sizeof storage;
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control.buffer;
  message.msg_controllen = sizeof control.buffer;

  do
    n = recvmsg (g_socket_get_fd (self->socket), &message, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), g_strerror (saved_errno));
      return -1;
    }

  for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (&message); cmsg != NULL; cmsg = CMSG_NXTHDR (&message, cmsg))
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SO_RXQ_OVFL)
      {
        guint32 total;

        memcpy (&total, CMSG_DATA (cmsg), sizeof total);
        *dropped += (guint32) (total - self->kernel_drops);   /* wraps like the kernel's counter */
        self->kernel_drops = total;
      }

  *from = g_socket_address_new_from_native (&storage, message.msg_namelen);
  return n;
}

static void
report_drops (NpUdpEndpoint *self,
              guint64        dropped)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  g_autofree char *message = NULL;
  g_autofree char *count = NULL;

  if (dropped == 0)
    return;

  np_endpoint_count_dropped (endpoint, dropped);
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, dropped);
  message = g_strdup_printf (_("The system dropped %s datagrams: they came faster than they could be "
                               "read (receive buffer full)"), count);
  np_endpoint_emit_error (endpoint, 0, NULL, message);
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  NpUdpEndpoint *self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  guint64 dropped = 0;
  gboolean keep = TRUE;

  for (guint i = 0; i < DATAGRAMS_PER_DISPATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocketAddress) from = NULL;
      g_autoptr(GBytes) message = NULL;
      gsize size;
      guint8 *buffer = np_endpoint_get_read_buffer (endpoint, &size);
      gssize n = receive_datagram (self, buffer, size, &from, &dropped, &error);
      UdpPeer *peer;

      if (n < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
          /* E.g. an ICMP "port unreachable" for an earlier send: report it, keep going. */
          np_endpoint_emit_error (endpoint, 0, NULL, error->message);
          continue;
        }

      peer = lookup_peer (self, from);
      peer->counters.bytes_in += n;
      peer->counters.messages_in++;
      np_endpoint_peer_changed (endpoint, &peer->counters);
      np_endpoint_count_in (endpoint, n, 1);
      if (!config->count_only || np_endpoint_is_answering (endpoint))
        message = g_bytes_new (buffer, n);
      np_endpoint_emit_received (endpoint, peer->id, peer->name,
                                 config->count_only ? NULL : message, n);

      /* The reply rules answer the datagram's sender; sent and reported as every send is. */
      np_endpoint_answer (endpoint, peer->id, peer->name, message, NP_MESSAGE_BYTES);

      if (np_endpoint_is_congested (endpoint))
        {
          /* The kernel buffer takes the next burst; what overflows it the kernel drops, and
           * counts: the next read reports it. */
          self->paused = TRUE;
          g_clear_pointer (&self->in_source, g_source_unref);
          keep = FALSE;
          break;
        }
    }

  report_drops (self, dropped);
  return keep ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
watch_input (NpUdpEndpoint *self)
{
  self->paused = FALSE;
  self->in_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_static_name (self->in_source, "[netpoke] udp read");
  g_source_set_callback (self->in_source, G_SOURCE_FUNC (on_readable), self, NULL);
  g_source_attach (self->in_source, g_main_context_get_thread_default ());
}

/* A dual-stack IPv6 socket reaches IPv4 hosts through their v4-mapped address. */
static GSocketAddress *
address_for_socket (GSocket        *socket,
                    GSocketAddress *address)
{
  GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  g_autofree char *text = NULL;
  g_autofree char *mapped = NULL;
  g_autoptr(GInetAddress) mapped_inet = NULL;

  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_IPV6
      || g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV4)
    return g_object_ref (address);

  text = g_inet_address_to_string (inet);
  mapped = g_strconcat ("::ffff:", text, NULL);
  mapped_inet = g_inet_address_new_from_string (mapped);
  return g_inet_socket_address_new (mapped_inet, port);
}

static void
bind_socket (NpUdpEndpoint  *self,
             GSocketAddress *destination)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *where = NULL;
  g_autofree char *bind_address = g_strdup (config->bind_address);
  NpEvent *event;

  /* Without --bind, bind the family of the destination, or dual-stack if there is none. */
  if (bind_address == NULL && destination != NULL
      && g_socket_address_get_family (destination) == G_SOCKET_FAMILY_IPV4)
    bind_address = g_strdup ("0.0.0.0");

  self->socket = np_address_bind (bind_address, config->port, G_SOCKET_TYPE_DATAGRAM, &error);
  if (self->socket == NULL)
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }

  g_socket_set_blocking (self->socket, FALSE);
  g_socket_set_broadcast (self->socket, TRUE);
  g_socket_set_option (self->socket, SOL_SOCKET, SO_RCVBUF, RECEIVE_BUFFER_SIZE, NULL);
  g_socket_set_option (self->socket, SOL_SOCKET, SO_RXQ_OVFL, 1, NULL);

  if (destination != NULL)
    {
      g_autoptr(GSocketAddress) target = address_for_socket (self->socket, destination);

      if (g_socket_address_get_family (target) != g_socket_get_family (self->socket))
        {
          g_autofree char *name = np_address_to_string (destination);
          g_autofree char *message =
            g_strdup_printf (_("Cannot send to %s from a socket bound to %s: the address families differ"),
                             name, config->bind_address);

          np_endpoint_finish (endpoint, TRUE, message);
          return;
        }
      self->destination = lookup_peer (self, target);
    }

  local = g_socket_get_local_address (self->socket, NULL);
  where = local != NULL ? np_address_to_string (local) : g_strdup ("?");
  event = np_event_new (NP_EVENT_LISTENING, np_endpoint_get_id (endpoint), 0, where);
  np_endpoint_emit (endpoint, event);

  watch_input (self);
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(NpUdpEndpoint) self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) destination = NULL;

  destination = g_socket_address_enumerator_next_finish (G_SOCKET_ADDRESS_ENUMERATOR (source),
                                                         result, &error);
  if (np_endpoint_is_stopped (endpoint))
    return;

  if (destination == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Cannot resolve “%s”: %s"), config->host,
                         error != NULL ? error->message : _("no address"));

      np_endpoint_finish (endpoint, TRUE, message);
      return;
    }

  bind_socket (self, destination);
}

static void
np_udp_endpoint_start (NpEndpoint *endpoint)
{
  NpUdpEndpoint *self = NP_UDP_ENDPOINT (endpoint);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GSocketConnectable) target = NULL;

  if (config->host == NULL)
    {
      bind_socket (self, NULL);
      return;
    }

  self->cancellable = g_cancellable_new ();
  target = g_network_address_new (config->host, config->remote_port);
  self->resolver = g_socket_connectable_enumerate (target);
  g_socket_address_enumerator_next_async (self->resolver, self->cancellable,
                                          on_resolved, g_object_ref (self));
}

static void
close_socket (NpUdpEndpoint *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  clear_source (&self->in_source);
  clear_source (&self->out_source);
  g_queue_clear_full (&self->out_queue, (GDestroyNotify) pending_send_free);
  self->out_queued = 0;
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
}

static void
np_udp_endpoint_stop (NpEndpoint *endpoint,
                      const char *reason)
{
  close_socket (NP_UDP_ENDPOINT (endpoint));
}

static void
np_udp_endpoint_send (NpEndpoint    *endpoint,
                      const guint64 *peer_ids,
                      guint          n_peer_ids,
                      NpSendBatch   *batch)
{
  NpUdpEndpoint *self = NP_UDP_ENDPOINT (endpoint);
  g_autoptr(GPtrArray) targets = g_ptr_array_new ();

  if (self->socket == NULL)
    {
      np_endpoint_emit_error (endpoint, 0, NULL, _("Not sent: the socket is not bound yet"));
      return;
    }

  if (n_peer_ids > 0)
    {
      for (guint i = 0; i < n_peer_ids; i++)
        {
          UdpPeer *peer = g_hash_table_lookup (self->peers_by_id, &peer_ids[i]);

          if (peer != NULL)
            g_ptr_array_add (targets, peer);
          else
            {
              g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, peer_ids[i]);
              g_autofree char *message = g_strdup_printf (_("Not sent to peer #%s: never heard from"), id);

              np_endpoint_emit_error (endpoint, peer_ids[i], NULL, message);
            }
        }
    }
  else if (self->destination != NULL)
    g_ptr_array_add (targets, self->destination);
  else
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->peers_by_id);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_ptr_array_add (targets, value);

      if (targets->len == 0)
        np_endpoint_emit_error (endpoint, 0, NULL,
                                _("Not sent: no destination given and no peer heard from yet"));
    }

  send_to_peers (self, targets, batch, n_peer_ids == 0 && self->destination == NULL);
}

static gboolean
np_udp_endpoint_disconnect_peer (NpEndpoint *endpoint,
                                 guint64     peer_id)
{
  /* UDP has no connections; forgetting a peer would only renumber it when it talks again. */
  return FALSE;
}

static void
np_udp_endpoint_resume (NpEndpoint *endpoint)
{
  NpUdpEndpoint *self = NP_UDP_ENDPOINT (endpoint);

  if (self->paused && self->socket != NULL)
    watch_input (self);
}

static void
np_udp_endpoint_connection_closed (NpEndpoint   *endpoint,
                                   NpConnection *connection)
{
  g_assert_not_reached ();
}

static void
np_udp_endpoint_dispose (GObject *object)
{
  NpUdpEndpoint *self = (NpUdpEndpoint *)object;

  close_socket (self);
  g_clear_object (&self->socket);
  g_clear_object (&self->resolver);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (np_udp_endpoint_parent_class)->dispose (object);
}

static void
np_udp_endpoint_finalize (GObject *object)
{
  NpUdpEndpoint *self = (NpUdpEndpoint *)object;

  g_clear_pointer (&self->peers_by_id, g_hash_table_unref);
  g_clear_pointer (&self->peers_by_name, g_hash_table_unref);

  G_OBJECT_CLASS (np_udp_endpoint_parent_class)->finalize (object);
}

static void
np_udp_endpoint_class_init (NpUdpEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NpEndpointClass *endpoint_class = NP_ENDPOINT_CLASS (klass);

  object_class->dispose = np_udp_endpoint_dispose;
  object_class->finalize = np_udp_endpoint_finalize;

  endpoint_class->start = np_udp_endpoint_start;
  endpoint_class->stop = np_udp_endpoint_stop;
  endpoint_class->send = np_udp_endpoint_send;
  endpoint_class->disconnect_peer = np_udp_endpoint_disconnect_peer;
  endpoint_class->resume = np_udp_endpoint_resume;
  endpoint_class->connection_closed = np_udp_endpoint_connection_closed;
}

static void
np_udp_endpoint_init (NpUdpEndpoint *self)
{
  self->peers_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) udp_peer_free);
  self->peers_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_queue_init (&self->out_queue);
}
