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

typedef struct
{
  guint64          id;
  char            *name;
  GSocketAddress  *address;
} UdpPeer;

typedef struct
{
  UdpPeer  *peer;
  GBytes   *payload;
} PendingDatagram;

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
  GQueue                   out_queue;     /* PendingDatagram* */
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
pending_datagram_free (PendingDatagram *pending)
{
  g_bytes_unref (pending->payload);
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
      g_hash_table_insert (self->peers_by_name, peer->name, peer);
      g_hash_table_insert (self->peers_by_id, &peer->id, peer);
    }

  return peer;
}

static void
emit_sent (NpUdpEndpoint *self,
           UdpPeer       *peer,
           GBytes        *payload)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  NpEvent *event = np_event_new (NP_EVENT_SENT, np_endpoint_get_id (endpoint), peer->id, peer->name);

  event->length = g_bytes_get_size (payload);
  event->payload = config->count_only ? NULL : g_bytes_ref (payload);
  np_endpoint_emit (endpoint, event);
}

/* Returns FALSE when the socket cannot take more right now. */
static gboolean
try_send (NpUdpEndpoint *self,
          UdpPeer       *peer,
          GBytes        *payload)
{
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (payload, &size);
  gssize n = g_socket_send_to (self->socket, peer->address, (const char *) data, size, NULL, &error);

  if (n < 0)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return FALSE;

      g_autofree char *bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, size);

      message = g_strdup_printf (_("Sending %s bytes to %s failed: %s"), bytes, peer->name, error->message);
      np_endpoint_emit_error (NP_ENDPOINT (self), peer->id, peer->name, message);
      return TRUE;
    }

  np_endpoint_count_out (NP_ENDPOINT (self), n, 1);
  emit_sent (self, peer, payload);
  return TRUE;
}

static gboolean on_writable (GSocket *socket, GIOCondition condition, gpointer user_data);

static void
flush_queue (NpUdpEndpoint *self)
{
  while (!g_queue_is_empty (&self->out_queue))
    {
      PendingDatagram *pending = g_queue_peek_head (&self->out_queue);

      if (!try_send (self, pending->peer, pending->payload))
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

      self->out_queued -= g_bytes_get_size (pending->payload);
      pending_datagram_free (g_queue_pop_head (&self->out_queue));
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

static void
send_to_peer (NpUdpEndpoint *self,
              UdpPeer       *peer,
              GBytes        *payload)
{
  PendingDatagram *pending;

  if (g_queue_is_empty (&self->out_queue) && try_send (self, peer, payload))
    return;

  if (self->out_queued + g_bytes_get_size (payload) > SEND_QUEUE_LIMIT)
    {
      np_endpoint_emit_error (NP_ENDPOINT (self), peer->id, peer->name,
                              _("Not sent: the socket’s send queue is full"));
      return;
    }

  pending = g_new0 (PendingDatagram, 1);
  pending->peer = peer;
  pending->payload = g_bytes_ref (payload);
  g_queue_push_tail (&self->out_queue, pending);
  self->out_queued += g_bytes_get_size (payload);
  flush_queue (self);
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
      np_endpoint_count_in (endpoint, n, 1);
      if (!config->count_only || config->echo)
        message = g_bytes_new (buffer, n);
      np_endpoint_emit_received (endpoint, peer->id, peer->name,
                                 config->count_only ? NULL : message, n);

      if (config->echo)
        np_endpoint_send (endpoint, &peer->id, 1, message);

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
  g_queue_clear_full (&self->out_queue, (GDestroyNotify) pending_datagram_free);
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
                      GBytes        *payload)
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

  for (guint i = 0; i < targets->len; i++)
    send_to_peer (self, g_ptr_array_index (targets, i), payload);
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
