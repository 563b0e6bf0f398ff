#define G_LOG_DOMAIN "np-endpoint"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-endpoint.h"

/* Choosing the targets of a send among an endpoint's peers, for the servers that keep a table
 * of them (TCP and WebSocket). */

/**
 * np_endpoint_snapshot_peers:
 * @peers: peer id (guint64*) -> the peer's object
 *
 * Returns: (transfer full) (element-type GObject): a reference to every peer, taken now:
 *   sending or closing may remove peers from @peers while the caller walks them
 */
GPtrArray *
np_endpoint_snapshot_peers (GHashTable *peers)
{
  GPtrArray *list = g_ptr_array_new_full (g_hash_table_size (peers), g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, g_object_ref (value));

  return list;
}

/**
 * np_endpoint_pick_peers:
 * @peers: the endpoint's peers, peer id (guint64*) -> the peer's object
 * @peer_ids: (array length=n_peer_ids): the targets asked for; none: every peer
 * @nobody: the error when none were named and there is no peer at all
 *
 * Returns: (transfer full) (element-type GObject): the targets that are there; each one asked
 *   for that is not is reported with its own ERROR event
 */
GPtrArray *
np_endpoint_pick_peers (NpEndpoint    *self,
                        GHashTable    *peers,
                        const guint64 *peer_ids,
                        guint          n_peer_ids,
                        const char    *nobody)
{
  GPtrArray *targets;

  if (n_peer_ids == 0)
    {
      targets = np_endpoint_snapshot_peers (peers);
      if (targets->len == 0)
        np_endpoint_emit_error (self, 0, NULL, nobody);
      return targets;
    }

  targets = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_peer_ids; i++)
    {
      GObject *peer = g_hash_table_lookup (peers, &peer_ids[i]);

      if (peer != NULL)
        g_ptr_array_add (targets, g_object_ref (peer));
      else
        {
          g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, peer_ids[i]);
          g_autofree char *message = g_strdup_printf (_("Not sent to client #%s: it is not connected"), id);

          np_endpoint_emit_error (self, peer_ids[i], NULL, message);
        }
    }

  return targets;
}
