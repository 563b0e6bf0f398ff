#define G_LOG_DOMAIN "np-endpoint"

#include "config.h"

#include "np-endpoint-private.h"

/* NpEndpoint's traffic counters: the endpoint's totals (reported when it stops) and the
 * per-peer COUNTERS snapshots, published by a timer that exists only after a change. */

/* Per-peer counters are published at most this often, and only when some changed: a thousand
 * clients written to at once cost one COUNTERS event, not a thousand, and idle stays idle. */
#define COUNTERS_INTERVAL_MS 100

/* No snapshot is due any more (the endpoint stops or goes). */
void
_np_endpoint_clear_counters (NpEndpoint *self)
{
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);

  if (priv->counters_source != NULL)
    {
      g_source_destroy (priv->counters_source);
      g_clear_pointer (&priv->counters_source, g_source_unref);
    }
}

/* One COUNTERS event with every peer whose counters changed since the last one. */
void
_np_endpoint_emit_counters (NpEndpoint *self)
{
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);
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
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);

  g_clear_pointer (&priv->counters_source, g_source_unref);
  _np_endpoint_emit_counters (self);

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
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);

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
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);

  g_hash_table_remove (priv->changed_peers, &peer_id);
}

void
np_endpoint_count_in (NpEndpoint *self,
                      gsize       bytes,
                      guint       messages)
{
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);

  priv->bytes_in += bytes;
  priv->messages_in += messages;
}

void
np_endpoint_count_out (NpEndpoint *self,
                       gsize       bytes,
                       guint       messages)
{
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);

  priv->bytes_out += bytes;
  priv->messages_out += messages;
}

/* UDP cannot push back on a sender: what the kernel had to drop is counted, not hidden. */
void
np_endpoint_count_dropped (NpEndpoint *self,
                           guint64     datagrams)
{
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);

  priv->dropped += datagrams;
}
