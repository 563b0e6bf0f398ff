#define G_LOG_DOMAIN "np-udp-endpoint"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "np-address.h"
#include "np-error.h"
#include "np-udp-endpoint.h"
#include "np-multicast.h"
#include "np-udp-sender.h"
#include "np-udp-socket.h"

/* Datagrams one dispatch may take before other sources get a turn. */
#define DATAGRAMS_PER_DISPATCH 64
/* A burst from a device should land in the kernel buffer, not be dropped. */
#define RECEIVE_BUFFER_SIZE (4 * 1024 * 1024)
/* More than the kernel buffer can hold: what is still queued at stop is read, not lost. */
#define DRAIN_AT_STOP_MAX 65536

struct _NpUdpEndpoint
{
  NpEndpoint               parent_instance;

  GCancellable            *cancellable;
  GSocketAddressEnumerator *resolver;
  GSocket                 *socket;
  GSource                 *in_source;
  gboolean                 paused;
  NpUdpPeer                 *destination;   /* --to, or NULL */

  GHashTable              *peers_by_name; /* "addr:port" -> NpUdpPeer* (owned) */
  GHashTable              *peers_by_id;   /* guint64* -> NpUdpPeer* */
  NpUdpSender             *sender;        /* datagrams waiting for the socket */
  guint32                  kernel_drops;  /* the socket's SO_RXQ_OVFL counter, last seen */
  NpMulticastMembership   *groups;        /* the multicast groups joined */
  GPtrArray               *broadcasts;    /* GInetAddress*: this host's broadcast addresses */
};

G_DEFINE_FINAL_TYPE (NpUdpEndpoint, np_udp_endpoint, NP_TYPE_ENDPOINT)

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static NpUdpPeer *
lookup_peer (NpUdpEndpoint  *self,
             GSocketAddress *address)
{
  g_autofree char *name = np_address_to_string (address);
  NpUdpPeer *peer = g_hash_table_lookup (self->peers_by_name, name);

  if (peer == NULL)
    {
      peer = np_udp_peer_new (np_endpoint_next_peer_id (NP_ENDPOINT (self)), address);
      g_hash_table_insert (self->peers_by_name, peer->name, peer);
      g_hash_table_insert (self->peers_by_id, &peer->id, peer);
    }

  return peer;
}

static void watch_input (NpUdpEndpoint *self);

static void
report_drops (NpUdpEndpoint *self,
              guint64        dropped)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  g_autofree char *message = NULL;
  g_autofree char *count = NULL;
  NpEvent *event;

  if (dropped == 0)
    return;

  np_endpoint_count_dropped (endpoint, dropped);
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, dropped);
  message = g_strdup_printf (_("The system dropped %s datagrams: they came faster than they could be "
                               "read (receive buffer full)"), count);
  /* The count too, not only the words: the window adds it up (received + dropped = sent). */
  event = np_event_new (NP_EVENT_ERROR, np_endpoint_get_id (endpoint), 0, NULL);
  event->message = g_steal_pointer (&message);
  event->dropped = dropped;
  np_endpoint_emit (endpoint, event);
}

/* Reads one datagram and reports it. Returns FALSE when there was none to read. */
static gboolean
read_one (NpUdpEndpoint *self,
          guint64       *dropped)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) from = NULL;
  g_autoptr(GInetAddress) to = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autofree char *group = NULL;
  gsize size;
  guint8 *buffer = np_endpoint_get_read_buffer (endpoint, &size);
  gssize n = np_udp_socket_receive (self->socket, buffer, size, &from, &to, &self->kernel_drops,
                                    dropped, &error);
  NpUdpPeer *peer;

  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return FALSE;
      /* E.g. an ICMP "port unreachable" for an earlier send: report it, keep going. */
      np_endpoint_emit_error (endpoint, 0, NULL, error->message);
      return TRUE;
    }

  peer = lookup_peer (self, from);
  peer->counters.bytes_in += n;
  peer->counters.messages_in++;
  np_endpoint_peer_changed (endpoint, &peer->counters);
  np_endpoint_count_in (endpoint, n, 1);
  if (!config->count_only || np_endpoint_is_answering (endpoint))
    message = g_bytes_new (buffer, n);
  /* Which group (or broadcast address) it was sent to: unicast says nothing. */
  if (to != NULL && (g_inet_address_get_is_multicast (to) || np_udp_socket_is_broadcast (self->broadcasts, to)))
    group = g_inet_address_to_string (to);
  np_endpoint_emit_datagram (endpoint, peer->id, peer->name, config->count_only ? NULL : message, n, group);

  /* The reply rules answer the datagram's sender; sent and reported as every send is. */
  np_endpoint_answer (endpoint, peer->id, peer->name, message, NP_MESSAGE_BYTES);
  return TRUE;
}

/* At stop: what the kernel still holds is read and reported, and its drop count read one last
 * time, so received + dropped equals what was sent even when a burst ends in drops. */
static void
account_for_the_rest (NpUdpEndpoint *self)
{
  guint64 dropped = 0;

  /* Bounded: a peer that keeps sending must not keep the stop waiting. */
  for (guint i = 0; i < DRAIN_AT_STOP_MAX && read_one (self, &dropped); i++)
    ;
  dropped += np_udp_socket_final_drops (self->socket, &self->kernel_drops);
  report_drops (self, dropped);
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  NpUdpEndpoint *self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  guint64 dropped = 0;
  gboolean keep = TRUE;

  for (guint i = 0; i < DATAGRAMS_PER_DISPATCH; i++)
    {
      if (!read_one (self, &dropped))
        break;

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

/* Joins every group of the configuration; the notices say where. Returns FALSE (and the
 * endpoint has finished, with the reason) when one cannot be joined. */
static gboolean
join_groups (NpUdpEndpoint *self,
             GPtrArray     *notices)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  self->groups = np_multicast_membership_new (self->socket);
  if (!np_multicast_membership_set (self->groups, (const char * const *) config->multicast_groups, notices,
                                    errors, &error))
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return FALSE;
    }
  if (errors->len > 0)
    {
      np_endpoint_finish (endpoint, TRUE, g_ptr_array_index (errors, 0));
      return FALSE;
    }

  return TRUE;
}

/* A socket bound to one unicast address never sees a datagram sent to a group. */
static gboolean
can_hear_groups (const NpEndpointConfig *config)
{
  g_autoptr(GInetAddress) bound = NULL;

  if (config->bind_address == NULL || config->multicast_groups == NULL || config->multicast_groups[0] == NULL)
    return TRUE;
  bound = g_inet_address_new_from_string (config->bind_address);
  return bound == NULL || g_inet_address_get_is_any (bound) || g_inet_address_get_is_multicast (bound);
}

/* Where a send with no peer named goes, from now on. */
static gboolean
use_destination (NpUdpEndpoint   *self,
                 GSocketAddress  *destination,
                 GError         **error)
{
  g_autoptr(GSocketAddress) target = address_for_socket (self->socket, destination);

  if (g_socket_address_get_family (target) != g_socket_get_family (self->socket))
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (self->socket, NULL);
      g_autofree char *name = np_address_to_string (destination);
      g_autofree char *bound = local != NULL ? np_address_to_string (local) : g_strdup ("?");

      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("Cannot send to %s from a socket bound to %s: the address families differ"), name, bound);
      return FALSE;
    }
  self->destination = lookup_peer (self, target);
  return TRUE;
}

static void
bind_socket (NpUdpEndpoint  *self,
             GSocketAddress *destination)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *where = NULL;
  g_autofree char *bind_address = g_strdup (config->bind_address);
  NpEvent *event;

  if (!can_hear_groups (config))
    {
      g_autofree char *message =
        g_strdup_printf (_("A socket bound to %s never receives what is sent to a multicast group: leave "
                           "the address empty (all addresses) or bind the group’s address"),
                         config->bind_address);

      np_endpoint_finish (endpoint, TRUE, message);
      return;
    }

  /* Without --bind, bind the family of the destination (or of the groups, when they are all
   * IPv4), or dual-stack if there is none. */
  if (bind_address == NULL
      && ((destination != NULL && g_socket_address_get_family (destination) == G_SOCKET_FAMILY_IPV4)
          || (destination == NULL && np_multicast_groups_family (config) == G_SOCKET_FAMILY_IPV4)))
    bind_address = g_strdup ("0.0.0.0");

  self->socket = np_address_bind (bind_address, config->port, G_SOCKET_TYPE_DATAGRAM, &error);
  if (self->socket == NULL)
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }

  g_socket_set_blocking (self->socket, FALSE);
  g_socket_set_option (self->socket, SOL_SOCKET, SO_RCVBUF, RECEIVE_BUFFER_SIZE, NULL);
  g_socket_set_option (self->socket, SOL_SOCKET, SO_RXQ_OVFL, 1, NULL);
  if (!np_udp_socket_configure (self->socket, config, &error))
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }
  self->broadcasts = np_udp_socket_broadcast_addresses ();
  self->sender = np_udp_sender_new (endpoint, self->socket, self->broadcasts);

  if (destination != NULL && !use_destination (self, destination, &error))
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }

  /* Joined before "listening" is said, so nothing sent to a group after it is missed. */
  if (!join_groups (self, notices))
    return;

  local = g_socket_get_local_address (self->socket, NULL);
  where = local != NULL ? np_address_to_string (local) : g_strdup ("?");
  event = np_event_new (NP_EVENT_LISTENING, np_endpoint_get_id (endpoint), 0, where);
  np_endpoint_emit (endpoint, event);
  for (guint i = 0; i < notices->len; i++)
    np_endpoint_emit_notice (endpoint, 0, NULL, g_ptr_array_index (notices, i));

  watch_input (self);
}

/**
 * np_udp_endpoint_set_destination:
 * @destination: (nullable): an IP address and port, or %NULL for none
 *
 * Changes, while running, where a send that names no peer goes; a NOTICE says where, an
 * ERROR why not.
 */
void
np_udp_endpoint_set_destination (NpUdpEndpoint  *self,
                                 GSocketAddress *destination)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;

  g_return_if_fail (NP_IS_UDP_ENDPOINT (self));

  if (self->socket == NULL)
    {
      np_endpoint_emit_error (endpoint, 0, NULL, _("The socket is not bound yet"));
      return;
    }
  if (destination == NULL)
    {
      self->destination = NULL;
      np_endpoint_emit_notice (endpoint, 0, NULL, _("No destination: a send goes to the peers named"));
      return;
    }
  if (!use_destination (self, destination, &error))
    {
      np_endpoint_emit_error (endpoint, 0, NULL, error->message);
      return;
    }
  notice = g_strdup_printf (_("Destination: sends go to %s"), self->destination->name);
  np_endpoint_emit_notice (endpoint, self->destination->id, self->destination->name, notice);
}

/**
 * np_udp_endpoint_set_groups:
 * @specs: (nullable): every multicast group to be a member of from now on ("GROUP" or
 *   "GROUP%IFACE"); %NULL or empty: none
 *
 * Joins and leaves groups while running: a NOTICE for each group joined or left, an ERROR for
 * each the system refused (the others still change); one ERROR and no change when one of
 * @specs is not a group. Where multicast is sent from stays as it was set at the start.
 */
void
np_udp_endpoint_set_groups (NpUdpEndpoint      *self,
                            const char * const *specs)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (NP_IS_UDP_ENDPOINT (self));

  if (self->groups == NULL)
    {
      np_endpoint_emit_error (endpoint, 0, NULL, _("The socket is not bound yet"));
      return;
    }
  if (!np_multicast_membership_set (self->groups, specs, notices, errors, &error))
    {
      np_endpoint_emit_error (endpoint, 0, NULL, error->message);
      return;
    }
  for (guint i = 0; i < notices->len; i++)
    np_endpoint_emit_notice (endpoint, 0, NULL, g_ptr_array_index (notices, i));
  for (guint i = 0; i < errors->len; i++)
    np_endpoint_emit_error (endpoint, 0, NULL, g_ptr_array_index (errors, i));
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
  g_clear_pointer (&self->sender, np_udp_sender_free);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
}

static void
np_udp_endpoint_stop (NpEndpoint *endpoint,
                      const char *reason)
{
  NpUdpEndpoint *self = NP_UDP_ENDPOINT (endpoint);

  if (self->socket != NULL && !g_socket_is_closed (self->socket))
    account_for_the_rest (self);

  if (self->groups != NULL)
    {
      g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func (g_free);

      np_multicast_membership_leave_all (self->groups, notices);
      for (guint i = 0; i < notices->len; i++)
        np_endpoint_emit_notice (endpoint, 0, NULL, g_ptr_array_index (notices, i));
    }
  close_socket (self);
}

static void
np_udp_endpoint_send (NpEndpoint    *endpoint,
                      const guint64 *peer_ids,
                      guint          n_peer_ids,
                      NpSendBatch   *batch)
{
  NpUdpEndpoint *self = NP_UDP_ENDPOINT (endpoint);
  g_autoptr(GPtrArray) targets = g_ptr_array_new ();

  if (self->sender == NULL)
    {
      np_endpoint_refuse_send (endpoint, batch, 0, NULL, _("Not sent: the socket is not bound yet"));
      return;
    }

  if (n_peer_ids > 0)
    {
      for (guint i = 0; i < n_peer_ids; i++)
        {
          NpUdpPeer *peer = g_hash_table_lookup (self->peers_by_id, &peer_ids[i]);

          if (peer != NULL)
            g_ptr_array_add (targets, peer);
          else
            {
              g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, peer_ids[i]);
              g_autofree char *message = g_strdup_printf (_("Not sent to peer #%s: never heard from"), id);

              np_endpoint_refuse_send (endpoint, n_peer_ids == 1 ? batch : NULL, peer_ids[i], NULL, message);
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
        np_endpoint_refuse_send (endpoint, batch, 0, NULL,
                                 _("Not sent: no destination given and no peer heard from yet"));
    }

  if (targets->len > 0)
    np_udp_sender_send (self->sender, targets, batch, n_peer_ids == 0 && self->destination == NULL);
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
  g_clear_pointer (&self->groups, np_multicast_membership_free);
  g_clear_pointer (&self->broadcasts, g_ptr_array_unref);

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
                                               (GDestroyNotify) np_udp_peer_free);
  self->peers_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
}
