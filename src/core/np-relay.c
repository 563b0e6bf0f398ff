#define G_LOG_DOMAIN "np-relay"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/socket.h>

#include "np-address.h"
#include "np-listener.h"
#include "np-relay.h"
#include "np-relay-pair.h"

struct _NpRelay
{
  NpEndpoint      parent_instance;

  NpListener     *listener;
  GHashTable     *pairs;        /* peer id (guint64*) -> NpRelayPair* (owned), connected or not */
  GCancellable   *connecting;   /* cancels the connections to the target under way at stop */
  char           *target;       /* "HOST:PORT", for the log */
};

G_DEFINE_FINAL_TYPE (NpRelay, np_relay, NP_TYPE_ENDPOINT)

/* A connection to the target under way, for one client. */
typedef struct
{
  NpRelay     *relay;
  NpRelayPair *pair;
} Connecting;

static void
on_pair_closed (NpRelayPair *pair,
                gpointer     user_data)
{
  NpRelay *self = user_data;
  guint64 id = np_relay_pair_get_id (pair);

  g_hash_table_remove (self->pairs, &id);
}

static void
on_target_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Connecting *connecting = user_data;
  g_autoptr(NpRelay) self = connecting->relay;
  g_autoptr(NpRelayPair) pair = connecting->pair;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) target = NULL;

  g_free (connecting);
  target = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (np_endpoint_is_stopped (NP_ENDPOINT (self)))
    return;

  if (target == NULL)
    {
      g_autofree char *why = np_address_describe_connect_error (self->target, error);
      g_autofree char *message = g_strdup_printf (_("%s; the client was reset"), why);

      /* The client learns it the way it would from the target itself: a reset. */
      np_endpoint_emit_error (NP_ENDPOINT (self), np_relay_pair_get_id (pair), np_relay_pair_get_peer (pair), message);
      np_relay_pair_reset (pair, message);
      return;
    }

  np_relay_pair_start (pair, target);
}

static void
accept_client (GSocket  *socket,
               gpointer  user_data)
{
  NpRelay *self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  NpRelayPair *pair = np_relay_pair_new (endpoint, socket, on_pair_closed, self);
  guint64 id = np_relay_pair_get_id (pair);
  Connecting *connecting = g_new0 (Connecting, 1);

  g_hash_table_insert (self->pairs, g_memdup2 (&id, sizeof id), pair);

  g_socket_client_set_enable_proxy (client, FALSE);
  if (config->connect_timeout_ms > 0)
    g_socket_client_set_timeout (client, (config->connect_timeout_ms + 999) / 1000);
  connecting->relay = g_object_ref (self);
  connecting->pair = g_object_ref (pair);
  g_socket_client_connect_to_host_async (client, config->host, config->remote_port, self->connecting,
                                         on_target_connected, connecting);
}

static void
np_relay_start (NpEndpoint *endpoint)
{
  NpRelay *self = NP_RELAY (endpoint);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  g_autofree char *notice = NULL;

  self->target = strchr (config->host, ':') != NULL
                 ? g_strdup_printf ("[%s]:%u", config->host, config->remote_port)
                 : g_strdup_printf ("%s:%u", config->host, config->remote_port);
  self->listener = np_listener_new (endpoint, accept_client, NULL, self, &error);
  if (self->listener == NULL)
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }

  where = np_listener_get_address (self->listener);
  np_endpoint_emit (endpoint, np_event_new (NP_EVENT_LISTENING, np_endpoint_get_id (endpoint), 0, where));
  notice = g_strdup_printf (_("Each client gets its own connection to %s"), self->target);
  np_endpoint_emit_notice (endpoint, 0, NULL, notice);
}

static void
np_relay_disconnect_all (NpEndpoint *endpoint,
                         const char *reason)
{
  NpRelay *self = NP_RELAY (endpoint);
  g_autoptr(GPtrArray) pairs = np_endpoint_snapshot_peers (self->pairs);

  for (guint i = 0; i < pairs->len; i++)
    np_relay_pair_close (g_ptr_array_index (pairs, i), reason, FALSE);
}

static void
np_relay_stop (NpEndpoint *endpoint,
               const char *reason)
{
  NpRelay *self = NP_RELAY (endpoint);

  if (self->listener != NULL)
    np_listener_close (self->listener);
  g_cancellable_cancel (self->connecting);
  np_relay_disconnect_all (endpoint, reason);
}

/* A relay forwards; what it sends is what its two sides sent. */
static void
np_relay_send (NpEndpoint    *endpoint,
               const guint64 *peer_ids,
               guint          n_peer_ids,
               NpSendBatch   *batch)
{
  np_endpoint_emit_error (endpoint, 0, NULL, _("Not sent: a relay only passes on what its two sides send"));
}

static gboolean
np_relay_disconnect_peer (NpEndpoint *endpoint,
                          guint64     peer_id)
{
  NpRelay *self = NP_RELAY (endpoint);
  NpRelayPair *pair = g_hash_table_lookup (self->pairs, &peer_id);

  if (pair == NULL)
    return FALSE;

  np_relay_pair_close (pair, _("Disconnected by user"), FALSE);
  return TRUE;
}

static void
np_relay_resume (NpEndpoint *endpoint)
{
  NpRelay *self = NP_RELAY (endpoint);
  g_autoptr(GPtrArray) pairs = np_endpoint_snapshot_peers (self->pairs);

  for (guint i = 0; i < pairs->len; i++)
    np_relay_pair_resume (g_ptr_array_index (pairs, i));
}

static void
np_relay_connection_closed (NpEndpoint   *endpoint,
                            NpConnection *connection)
{
  g_assert_not_reached ();
}

static void
np_relay_dispose (GObject *object)
{
  NpRelay *self = (NpRelay *)object;

  g_clear_object (&self->listener);
  if (self->pairs != NULL)
    g_hash_table_remove_all (self->pairs);

  G_OBJECT_CLASS (np_relay_parent_class)->dispose (object);
}

static void
np_relay_finalize (GObject *object)
{
  NpRelay *self = (NpRelay *)object;

  g_clear_pointer (&self->pairs, g_hash_table_unref);
  g_clear_object (&self->connecting);
  g_free (self->target);

  G_OBJECT_CLASS (np_relay_parent_class)->finalize (object);
}

static void
np_relay_class_init (NpRelayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NpEndpointClass *endpoint_class = NP_ENDPOINT_CLASS (klass);

  object_class->dispose = np_relay_dispose;
  object_class->finalize = np_relay_finalize;

  endpoint_class->start = np_relay_start;
  endpoint_class->stop = np_relay_stop;
  endpoint_class->send = np_relay_send;
  endpoint_class->disconnect_peer = np_relay_disconnect_peer;
  endpoint_class->disconnect_all = np_relay_disconnect_all;
  endpoint_class->resume = np_relay_resume;
  endpoint_class->connection_closed = np_relay_connection_closed;
}

static void
np_relay_init (NpRelay *self)
{
  self->pairs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->connecting = g_cancellable_new ();
}
