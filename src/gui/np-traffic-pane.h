/* np-traffic-pane.h: the throughput graphs: the endpoint's, and the selected client's when one
 * is selected. Fed with each event batch (the footer's totals, the engine's COUNTERS
 * snapshots); a timer redraws them once a second only while traffic flows and the pane is on
 * screen, so an idle window has none. */
#pragma once

#include <gtk/gtk.h>

#include "np-peer.h"
#include "np-rate-history.h"

G_BEGIN_DECLS

#define NP_TYPE_TRAFFIC_PANE (np_traffic_pane_get_type ())

G_DECLARE_FINAL_TYPE (NpTrafficPane, np_traffic_pane, NP, TRAFFIC_PANE, GtkWidget)

void np_traffic_pane_apply (NpTrafficPane   *self,
                            GPtrArray       *batch,
                            const NpTraffic *endpoint_totals);
void np_traffic_pane_clear_peers (NpTrafficPane *self);

G_END_DECLS
