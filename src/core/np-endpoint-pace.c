#define G_LOG_DOMAIN "np-endpoint"

#include "config.h"

#include "np-connection.h"
#include "np-endpoint.h"

/* A paced send: the sender (netpoke-cli's standard input) sends its next batch only when this
 * one has left room, that is when every target's queue is back under a mark, as nc or socat
 * read their input only as fast as the peer takes it. A DRAINED event says so; it comes after
 * the DISCONNECTED events of the targets dropped meanwhile. */

typedef struct
{
  NpEndpoint *owner;     /* owned: the event goes out even if it stopped meanwhile */
  GPtrArray  *targets;   /* NpConnection*: they stay until their notice came */
  guint       waiting;   /* targets whose notice has not come yet (+1 while asking) */
} Pace;

static void
on_room_or_gone (NpConnection *connection,
                 gpointer      user_data)
{
  Pace *pace = user_data;

  if (--pace->waiting > 0)
    return;

  np_endpoint_emit (pace->owner, np_event_new (NP_EVENT_DRAINED, np_endpoint_get_id (pace->owner), 0, NULL));
  g_ptr_array_unref (pace->targets);
  g_object_unref (pace->owner);
  g_free (pace);
}

/**
 * np_endpoint_send_paced:
 * @below: the mark: the DRAINED event comes once no target has more than this waiting
 *
 * np_endpoint_send_batch_as(), then one DRAINED event once every target of the send has room
 * again (np_connection_set_drained_func(): under @below, stuck for 5 s, or closed). Modes
 * without a send queue of their own to watch (UDP, WebSocket: libsoup does not expose its
 * queue) say so at once. A connection has one drain notice: a paced send and a file being
 * sent to the same peers do not go together (netpoke-cli does one or the other).
 */
void
np_endpoint_send_paced (NpEndpoint    *self,
                        const guint64 *peer_ids,
                        guint          n_peer_ids,
                        NpSendBatch   *batch,
                        NpMessageType  type,
                        gsize          below)
{
  NpEndpointClass *klass;
  Pace *pace;

  g_return_if_fail (NP_IS_ENDPOINT (self));

  np_endpoint_send_batch_as (self, peer_ids, n_peer_ids, batch, type);

  klass = NP_ENDPOINT_GET_CLASS (self);
  pace = g_new0 (Pace, 1);
  pace->owner = g_object_ref (self);
  pace->targets = klass->pick_connections != NULL && !np_endpoint_is_stopped (self)
                  ? klass->pick_connections (self, peer_ids, n_peer_ids, FALSE)
                  : g_ptr_array_new ();
  pace->waiting = pace->targets->len + 1;
  for (guint i = 0; i < pace->targets->len; i++)
    np_connection_set_drained_func (g_ptr_array_index (pace->targets, i), below, on_room_or_gone, pace);
  on_room_or_gone (NULL, pace);
}
