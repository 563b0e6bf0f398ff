#define G_LOG_DOMAIN "np-udp-relay"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "np-address.h"
#include "np-udp-relay.h"
#include "np-udp-socket.h"

/* Datagrams one dispatch may take from one socket before others get a turn. */
#define DATAGRAMS_PER_DISPATCH 64
/* A client address not heard from (and not answered) for this long is forgotten, and its
 * socket to the target closed: UDP has no end, and every client costs a socket. */
#define IDLE_SECONDS 60
/* Clients at once; datagrams from more are dropped, with the reason. */
#define MAX_SESSIONS 4096
/* As for the UDP endpoint: a burst lands in the kernel buffer rather than being dropped. */
#define RECEIVE_BUFFER_SIZE (4 * 1024 * 1024)

/* One client address and its own socket to the target. */
typedef struct
{
  NpUdpRelay     *relay;     /* not owned */
  guint64         id;
  char           *name;      /* the client, "ADDR:PORT" */
  GSocketAddress *client;
  GSocket        *upstream;  /* connected to the target */
  GSource        *source;    /* upstream readable; NULL while paused */
  GSource        *idle;      /* fires IDLE_SECONDS after the last datagram either way */
  gint64          last_active;
  NpPeerCounters  counters;  /* in: client → target; out: target → client */
} Session;

struct _NpUdpRelay
{
  NpEndpoint                parent_instance;

  GCancellable             *cancellable;
  GSocketAddressEnumerator *resolver;
  GSocketAddress           *target;
  char                     *target_name;
  GSocket                  *socket;        /* where clients send */
  GSource                  *in_source;
  gboolean                  paused;
  guint32                   kernel_drops;
  GHashTable               *by_name;       /* "ADDR:PORT" -> Session* (owned) */
  GHashTable               *by_id;         /* guint64* -> Session* */
  gboolean                  refused_told;  /* the session limit was reported */
};

G_DEFINE_FINAL_TYPE (NpUdpRelay, np_udp_relay, NP_TYPE_ENDPOINT)

static gboolean on_upstream_readable (GSocket *socket, GIOCondition condition, gpointer user_data);

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
session_free (Session *session)
{
  clear_source (&session->source);
  clear_source (&session->idle);
  if (session->upstream != NULL)
    g_socket_close (session->upstream, NULL);
  g_clear_object (&session->upstream);
  g_clear_object (&session->client);
  g_free (session->name);
  g_free (session);
}

/* The session ends: DISCONNECTED with its counters, its socket closed. */
static void
end_session (Session    *session,
             const char *reason)
{
  NpUdpRelay *self = session->relay;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  NpEvent *event = np_event_new (NP_EVENT_DISCONNECTED, np_endpoint_get_id (endpoint), session->id, session->name);

  np_endpoint_peer_gone (endpoint, session->id);
  event->message = g_strdup (reason);
  event->bytes_in = session->counters.bytes_in;
  event->bytes_out = session->counters.bytes_out;
  event->messages_in = session->counters.messages_in;
  event->messages_out = session->counters.messages_out;
  np_endpoint_emit (endpoint, event);

  g_hash_table_remove (self->by_id, &session->id);
  g_hash_table_remove (self->by_name, session->name);
}

static gboolean
on_idle (gpointer user_data)
{
  Session *session = user_data;
  gint64 due = session->last_active + IDLE_SECONDS * G_USEC_PER_SEC;

  /* Traffic since the timer was set moves it, rather than a new timer for every datagram. */
  if (g_get_monotonic_time () < due)
    {
      g_source_set_ready_time (session->idle, due);
      return G_SOURCE_CONTINUE;
    }

  {
    g_autofree char *reason = g_strdup_printf (_("Nothing either way for %d s: forgotten"), IDLE_SECONDS);

    end_session (session, reason);
  }
  return G_SOURCE_CONTINUE;   /* the session (and with it this source) is gone already */
}

static void
watch_upstream (Session *session)
{
  session->source = g_socket_create_source (session->upstream, G_IO_IN, NULL);
  g_source_set_static_name (session->source, "[netpoke] udp relay upstream");
  g_source_set_callback (session->source, G_SOURCE_FUNC (on_upstream_readable), session, NULL);
  g_source_attach (session->source, g_main_context_get_thread_default ());
}

/* A new client address: its own socket, connected to the target. */
static Session *
open_session (NpUdpRelay     *self,
              GSocketAddress *client,
              const char     *name)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) upstream = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *from = NULL;
  Session *session;
  NpEvent *event;

  if (g_hash_table_size (self->by_name) >= MAX_SESSIONS)
    {
      if (!self->refused_told)
        {
          g_autofree char *message =
            g_strdup_printf (_("Datagrams from %s are dropped: %d clients are relayed already, the most at once"),
                             name, MAX_SESSIONS);

          np_endpoint_emit_error (endpoint, 0, name, message);
          self->refused_told = TRUE;
        }
      return NULL;
    }

  upstream = g_socket_new (g_socket_address_get_family (self->target), G_SOCKET_TYPE_DATAGRAM,
                           G_SOCKET_PROTOCOL_UDP, &error);
  if (upstream == NULL || !g_socket_connect (upstream, self->target, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot relay %s to %s: %s"), name, self->target_name,
                                                  error->message);

      np_endpoint_emit_error (endpoint, 0, name, message);
      return NULL;
    }
  g_socket_set_blocking (upstream, FALSE);

  session = g_new0 (Session, 1);
  session->relay = self;
  session->id = np_endpoint_next_peer_id (endpoint);
  session->counters.peer_id = session->id;
  session->name = g_strdup (name);
  session->client = g_object_ref (client);
  session->upstream = g_steal_pointer (&upstream);
  session->last_active = g_get_monotonic_time ();
  g_hash_table_insert (self->by_name, session->name, session);
  g_hash_table_insert (self->by_id, &session->id, session);

  if (!self->paused)
    watch_upstream (session);
  session->idle = g_timeout_source_new_seconds (IDLE_SECONDS);
  g_source_set_static_name (session->idle, "[netpoke] udp relay idle");
  g_source_set_callback (session->idle, on_idle, session, NULL);
  g_source_attach (session->idle, g_main_context_get_thread_default ());

  local = g_socket_get_local_address (session->upstream, NULL);
  from = local != NULL ? np_address_to_string (local) : g_strdup ("?");
  event = np_event_new (NP_EVENT_CONNECTED, np_endpoint_get_id (endpoint), session->id, session->name);
  event->message = g_strdup_printf (_("relayed to %s from %s"), self->target_name, from);
  np_endpoint_emit (endpoint, event);

  return session;
}

static void
relayed (Session          *session,
         const guint8     *data,
         gsize             length,
         NpRelayDirection  direction)
{
  NpEndpoint *endpoint = NP_ENDPOINT (session->relay);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GBytes) message = config->count_only ? NULL : g_bytes_new (data, length);

  session->last_active = g_get_monotonic_time ();
  if (direction == NP_RELAY_TO_TARGET)
    {
      session->counters.bytes_in += length;
      session->counters.messages_in++;
      np_endpoint_count_in (endpoint, length, 0);
    }
  else
    {
      session->counters.bytes_out += length;
      session->counters.messages_out++;
      np_endpoint_count_out (endpoint, length, 0);
    }
  np_endpoint_peer_changed (endpoint, &session->counters);
  np_endpoint_emit_relayed (endpoint, session->id, session->name, message, length, direction);
}

/* UDP has no backpressure: a datagram the system will not take now is dropped, and said. */
static void
report_send_failure (Session          *session,
                     NpRelayDirection  direction,
                     const GError     *error)
{
  g_autofree char *message =
    g_strdup_printf (direction == NP_RELAY_TO_TARGET ? _("A datagram from %s was not passed on to the target: %s")
                                                     : _("A datagram for %s from the target was not passed on: %s"),
                     session->name, error->message);

  np_endpoint_emit_error (NP_ENDPOINT (session->relay), session->id, session->name, message);
}

static gboolean
on_upstream_readable (GSocket      *socket,
                      GIOCondition  condition,
                      gpointer      user_data)
{
  Session *session = user_data;
  NpUdpRelay *self = session->relay;
  NpEndpoint *endpoint = NP_ENDPOINT (self);

  for (guint i = 0; i < DATAGRAMS_PER_DISPATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      gsize size;
      guint8 *buffer = np_endpoint_get_read_buffer (endpoint, &size);
      gssize n = g_socket_receive (socket, (char *) buffer, size, NULL, &error);

      if (n < 0)
        {
          g_autofree char *message = NULL;

          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
          /* An ICMP error for a datagram passed on: the target port is closed, say. */
          message = g_strdup_printf (_("The target answered a datagram from %s with an error: %s"),
                                     session->name, error->message);
          np_endpoint_emit_error (endpoint, session->id, session->name, message);
          continue;
        }

      relayed (session, buffer, n, NP_RELAY_TO_CLIENT);
      if (g_socket_send_to (self->socket, session->client, (const char *) buffer, n, NULL, &error) < 0)
        report_send_failure (session, NP_RELAY_TO_CLIENT, error);

      if (np_endpoint_is_congested (endpoint))
        {
          self->paused = TRUE;
          break;
        }
    }

  if (self->paused)
    {
      g_clear_pointer (&session->source, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  NpUdpRelay *self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  guint64 dropped = 0;

  for (guint i = 0; i < DATAGRAMS_PER_DISPATCH && !self->paused; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocketAddress) from = NULL;
      g_autofree char *name = NULL;
      gsize size;
      guint8 *buffer = np_endpoint_get_read_buffer (endpoint, &size);
      gssize n = np_udp_socket_receive (socket, buffer, size, &from, NULL, &self->kernel_drops, &dropped, &error);
      Session *session;

      if (n < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
          np_endpoint_emit_error (endpoint, 0, NULL, error->message);
          continue;
        }

      name = np_address_to_string (from);
      session = g_hash_table_lookup (self->by_name, name);
      if (session == NULL && (session = open_session (self, from, name)) == NULL)
        continue;

      relayed (session, buffer, n, NP_RELAY_TO_TARGET);
      if (g_socket_send (session->upstream, (const char *) buffer, n, NULL, &error) < 0)
        report_send_failure (session, NP_RELAY_TO_TARGET, error);

      if (np_endpoint_is_congested (endpoint))
        self->paused = TRUE;
    }

  if (dropped > 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, dropped);
      g_autofree char *message =
        g_strdup_printf (_("The system dropped %s datagrams: they came faster than they could be read "
                           "(receive buffer full)"), count);

      np_endpoint_count_dropped (endpoint, dropped);
      np_endpoint_emit_error (endpoint, 0, NULL, message);
    }

  if (self->paused)
    {
      g_clear_pointer (&self->in_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
watch_input (NpUdpRelay *self)
{
  self->in_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_static_name (self->in_source, "[netpoke] udp relay");
  g_source_set_callback (self->in_source, G_SOURCE_FUNC (on_readable), self, NULL);
  g_source_attach (self->in_source, g_main_context_get_thread_default ());
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(NpUdpRelay) self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  g_autofree char *notice = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  self->target = g_socket_address_enumerator_next_finish (G_SOCKET_ADDRESS_ENUMERATOR (source), result, &error);
  if (np_endpoint_is_stopped (endpoint))
    return;
  if (self->target == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot resolve “%s”: %s"), config->host,
                                                  error != NULL ? error->message : _("no address"));

      np_endpoint_finish (endpoint, TRUE, message);
      return;
    }
  self->target_name = np_address_to_string (self->target);

  self->socket = np_address_bind (config->bind_address, config->port, G_SOCKET_TYPE_DATAGRAM, &error);
  if (self->socket == NULL)
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }
  g_socket_set_blocking (self->socket, FALSE);
  g_socket_set_option (self->socket, SOL_SOCKET, SO_RCVBUF, RECEIVE_BUFFER_SIZE, NULL);
  g_socket_set_option (self->socket, SOL_SOCKET, SO_RXQ_OVFL, 1, NULL);
  watch_input (self);

  local = g_socket_get_local_address (self->socket, NULL);
  where = local != NULL ? np_address_to_string (local) : g_strdup ("?");
  np_endpoint_emit (endpoint, np_event_new (NP_EVENT_LISTENING, np_endpoint_get_id (endpoint), 0, where));
  notice = g_strdup_printf (_("Each client address gets its own socket to %s"), self->target_name);
  np_endpoint_emit_notice (endpoint, 0, NULL, notice);
}

static void
np_udp_relay_start (NpEndpoint *endpoint)
{
  NpUdpRelay *self = NP_UDP_RELAY (endpoint);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GSocketConnectable) target = g_network_address_new (config->host, config->remote_port);

  self->cancellable = g_cancellable_new ();
  self->resolver = g_socket_connectable_enumerate (target);
  g_socket_address_enumerator_next_async (self->resolver, self->cancellable, on_resolved, g_object_ref (self));
}

static void
end_all (NpUdpRelay *self,
         const char *reason)
{
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new ();

  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sessions, value);
  for (guint i = 0; i < sessions->len; i++)
    end_session (g_ptr_array_index (sessions, i), reason);
}

static void
np_udp_relay_disconnect_all (NpEndpoint *endpoint,
                             const char *reason)
{
  end_all (NP_UDP_RELAY (endpoint), reason);
}

static void
np_udp_relay_stop (NpEndpoint *endpoint,
                   const char *reason)
{
  NpUdpRelay *self = NP_UDP_RELAY (endpoint);

  g_cancellable_cancel (self->cancellable);
  clear_source (&self->in_source);
  end_all (self, reason);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
}

static void
np_udp_relay_send (NpEndpoint    *endpoint,
                   const guint64 *peer_ids,
                   guint          n_peer_ids,
                   NpSendBatch   *batch)
{
  np_endpoint_emit_error (endpoint, 0, NULL, _("Not sent: a relay only passes on what its two sides send"));
}

static gboolean
np_udp_relay_disconnect_peer (NpEndpoint *endpoint,
                              guint64     peer_id)
{
  NpUdpRelay *self = NP_UDP_RELAY (endpoint);
  Session *session = g_hash_table_lookup (self->by_id, &peer_id);

  if (session == NULL)
    return FALSE;

  end_session (session, _("Forgotten by user"));
  return TRUE;
}

static void
np_udp_relay_resume (NpEndpoint *endpoint)
{
  NpUdpRelay *self = NP_UDP_RELAY (endpoint);
  GHashTableIter iter;
  gpointer value;

  if (!self->paused || self->socket == NULL)
    return;

  self->paused = FALSE;
  if (self->in_source == NULL)
    watch_input (self);
  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Session *) value)->source == NULL)
      watch_upstream (value);
}

static void
np_udp_relay_connection_closed (NpEndpoint   *endpoint,
                                NpConnection *connection)
{
  g_assert_not_reached ();
}

static void
np_udp_relay_dispose (GObject *object)
{
  NpUdpRelay *self = (NpUdpRelay *)object;

  clear_source (&self->in_source);
  if (self->by_id != NULL)
    g_hash_table_remove_all (self->by_id);
  if (self->by_name != NULL)
    g_hash_table_remove_all (self->by_name);
  g_clear_object (&self->socket);
  g_clear_object (&self->resolver);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (np_udp_relay_parent_class)->dispose (object);
}

static void
np_udp_relay_finalize (GObject *object)
{
  NpUdpRelay *self = (NpUdpRelay *)object;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_object (&self->target);
  g_free (self->target_name);

  G_OBJECT_CLASS (np_udp_relay_parent_class)->finalize (object);
}

static void
np_udp_relay_class_init (NpUdpRelayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NpEndpointClass *endpoint_class = NP_ENDPOINT_CLASS (klass);

  object_class->dispose = np_udp_relay_dispose;
  object_class->finalize = np_udp_relay_finalize;

  endpoint_class->start = np_udp_relay_start;
  endpoint_class->stop = np_udp_relay_stop;
  endpoint_class->send = np_udp_relay_send;
  endpoint_class->disconnect_peer = np_udp_relay_disconnect_peer;
  endpoint_class->disconnect_all = np_udp_relay_disconnect_all;
  endpoint_class->resume = np_udp_relay_resume;
  endpoint_class->connection_closed = np_udp_relay_connection_closed;
}

static void
np_udp_relay_init (NpUdpRelay *self)
{
  self->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) session_free);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
}
