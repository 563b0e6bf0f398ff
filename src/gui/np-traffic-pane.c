#define G_LOG_DOMAIN "np-traffic-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "np-event.h"
#include "np-traffic-graph.h"
#include "np-traffic-pane.h"

struct _NpTrafficPane
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  NpTrafficGraph *endpoint_graph;
  NpTrafficGraph *peer_graph;
  GtkWidget      *peer_box;
  GtkLabel       *peer_title;

  NpRateHistory  *endpoint;     /* from the footer's totals */
  GHashTable     *peers;        /* peer id → NpRateHistory, from COUNTERS; only peers heard lately */
  NpPeer         *peer;         /* selected, or NULL */
  guint           tick_id;      /* exists only while traffic flows and the pane is mapped */
};

enum { PROP_0, PROP_PEER, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpTrafficPane, np_traffic_pane, GTK_TYPE_WIDGET)

static void schedule_tick (NpTrafficPane *self);

static NpRateHistory *
peer_history (NpTrafficPane *self,
              guint64        peer_id,
              gboolean       create)
{
  NpRateHistory *history = g_hash_table_lookup (self->peers, &peer_id);

  if (history == NULL && create)
    {
      history = np_rate_history_new ();
      g_hash_table_insert (self->peers, g_memdup2 (&peer_id, sizeof peer_id), history);
    }
  return history;
}

static void
update (NpTrafficPane *self,
        gint64         now_us)
{
  np_traffic_graph_update (self->endpoint_graph, now_us);
  if (self->peer != NULL)
    np_traffic_graph_update (self->peer_graph, now_us);
}

/* Whether anything happened in the last complete second or in this one. */
static gboolean
flowing (NpTrafficPane *self,
         gint64         now_us)
{
  return np_rate_history_get_last_second (self->endpoint) >= NP_RATE_SECOND (now_us) - 1;
}

/* A peer whose last traffic left the graph's minute is forgotten (the selected one is kept). */
static gboolean
is_stale (gpointer key,
          gpointer value,
          gpointer user_data)
{
  NpTrafficPane *self = user_data;
  gint64 now = NP_RATE_SECOND (g_get_monotonic_time ());

  return (self->peer == NULL || np_peer_get_id (self->peer) != *(guint64 *) key)
         && np_rate_history_get_last_second (value) < now - NP_RATE_HISTORY_SECONDS;
}

static gboolean
on_tick (gpointer user_data)
{
  NpTrafficPane *self = user_data;
  gint64 now_us = g_get_monotonic_time ();

  self->tick_id = 0;
  update (self, now_us);
  g_hash_table_foreach_remove (self->peers, is_stale, self);
  /* After a quiet second the graphs show 0 and the clock stops until traffic comes again. */
  if (flowing (self, now_us))
    schedule_tick (self);
  return G_SOURCE_REMOVE;
}

/* Just after the next whole second, when the second before it is complete. */
static void
schedule_tick (NpTrafficPane *self)
{
  gint64 now_us = g_get_monotonic_time ();
  guint wait_ms = (guint) ((G_USEC_PER_SEC - now_us % G_USEC_PER_SEC) / 1000) + 20;

  if (self->tick_id != 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->tick_id = g_timeout_add (wait_ms, on_tick, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->tick_id), "[netpoke] traffic graph");
}

/**
 * np_traffic_pane_apply:
 * @batch: (element-type NpEvent): the engine's batch: COUNTERS snapshots feed the peers'
 *   graphs, DISCONNECTED ends a peer's
 * @endpoint_totals: the footer's totals after counting @batch
 */
void
np_traffic_pane_apply (NpTrafficPane   *self,
                       GPtrArray       *batch,
                       const NpTraffic *endpoint_totals)
{
  gint64 now_us = g_get_monotonic_time ();
  gint64 last = np_rate_history_get_last_second (self->endpoint);

  g_return_if_fail (NP_IS_TRAFFIC_PANE (self));

  np_rate_history_record (self->endpoint, now_us, endpoint_totals);
  for (guint i = 0; i < batch->len; i++)
    {
      const NpEvent *event = g_ptr_array_index (batch, i);

      if (event->kind == NP_EVENT_COUNTERS)
        for (guint j = 0; j < event->counters->len; j++)
          {
            const NpPeerCounters *counters = &g_array_index (event->counters, NpPeerCounters, j);
            NpTraffic totals = { counters->bytes_in, counters->bytes_out, counters->messages_in, counters->messages_out };

            np_rate_history_record (peer_history (self, counters->peer_id, TRUE), now_us, &totals);
          }
      else if (event->kind == NP_EVENT_DISCONNECTED && event->peer_id != 0
               && (self->peer == NULL || np_peer_get_id (self->peer) != event->peer_id))
        g_hash_table_remove (self->peers, &event->peer_id);
    }

  /* The first traffic after a quiet spell: show it at once, then every second. */
  if (np_rate_history_get_last_second (self->endpoint) != last && self->tick_id == 0)
    {
      update (self, now_us);
      schedule_tick (self);
    }
}

/* The endpoint stopped or started again: its peers' graphs go. */
void
np_traffic_pane_clear_peers (NpTrafficPane *self)
{
  g_return_if_fail (NP_IS_TRAFFIC_PANE (self));

  g_hash_table_remove_all (self->peers);
  np_traffic_graph_set_history (self->peer_graph, self->peer != NULL
                                ? peer_history (self, np_peer_get_id (self->peer), TRUE) : NULL);
}

static void
set_peer (NpTrafficPane *self,
          NpPeer        *peer)
{
  g_autofree char *title = NULL;

  if (!g_set_object (&self->peer, peer))
    return;

  gtk_widget_set_visible (self->peer_box, peer != NULL);
  np_traffic_graph_set_history (self->peer_graph, peer != NULL ? peer_history (self, np_peer_get_id (peer), TRUE) : NULL);
  if (peer != NULL)
    {
      title = g_strdup_printf (_("Client %s"), np_peer_get_address (peer));
      gtk_label_set_text (self->peer_title, title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->peer_graph), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER]);
}

/* Shown again: what happened while hidden is drawn now, and the clock runs if traffic flows. */
static void
np_traffic_pane_map (GtkWidget *widget)
{
  NpTrafficPane *self = NP_TRAFFIC_PANE (widget);
  gint64 now_us = g_get_monotonic_time ();

  GTK_WIDGET_CLASS (np_traffic_pane_parent_class)->map (widget);
  update (self, now_us);
  if (flowing (self, now_us))
    schedule_tick (self);
}

static void
np_traffic_pane_unmap (GtkWidget *widget)
{
  g_clear_handle_id (&NP_TRAFFIC_PANE (widget)->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (np_traffic_pane_parent_class)->unmap (widget);
}

static void
np_traffic_pane_dispose (GObject *object)
{
  NpTrafficPane *self = (NpTrafficPane *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_TRAFFIC_PANE);
  g_clear_object (&self->peer);

  G_OBJECT_CLASS (np_traffic_pane_parent_class)->dispose (object);
}

static void
np_traffic_pane_finalize (GObject *object)
{
  NpTrafficPane *self = (NpTrafficPane *)object;

  g_hash_table_unref (self->peers);
  np_rate_history_free (self->endpoint);

  G_OBJECT_CLASS (np_traffic_pane_parent_class)->finalize (object);
}

static void
np_traffic_pane_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PEER: g_value_set_object (value, NP_TRAFFIC_PANE (object)->peer); break;
    default:        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_traffic_pane_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_PEER: set_peer (NP_TRAFFIC_PANE (object), g_value_get_object (value)); break;
    default:        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_traffic_pane_class_init (NpTrafficPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_traffic_pane_dispose;
  object_class->finalize = np_traffic_pane_finalize;
  object_class->get_property = np_traffic_pane_get_property;
  object_class->set_property = np_traffic_pane_set_property;
  widget_class->map = np_traffic_pane_map;
  widget_class->unmap = np_traffic_pane_unmap;

  properties[PROP_PEER] =
    g_param_spec_object ("peer", NULL, NULL, NP_TYPE_PEER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NP_TYPE_TRAFFIC_GRAPH);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-traffic-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, NpTrafficPane, box);
  gtk_widget_class_bind_template_child (widget_class, NpTrafficPane, endpoint_graph);
  gtk_widget_class_bind_template_child (widget_class, NpTrafficPane, peer_graph);
  gtk_widget_class_bind_template_child (widget_class, NpTrafficPane, peer_box);
  gtk_widget_class_bind_template_child (widget_class, NpTrafficPane, peer_title);
}

static void
np_traffic_pane_init (NpTrafficPane *self)
{
  self->endpoint = np_rate_history_new ();
  self->peers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) np_rate_history_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  np_traffic_graph_set_history (self->endpoint_graph, self->endpoint);
}
