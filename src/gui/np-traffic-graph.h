/* np-traffic-graph.h: bytes/s in and out and messages/s over the last minute, drawn with
 * GtkSnapshot from an NpRateHistory; its current and peak rates as text for screen readers */
#pragma once

#include <gtk/gtk.h>

#include "np-rate-history.h"

G_BEGIN_DECLS

#define NP_TYPE_TRAFFIC_GRAPH (np_traffic_graph_get_type ())

G_DECLARE_FINAL_TYPE (NpTrafficGraph, np_traffic_graph, NP, TRAFFIC_GRAPH, GtkWidget)

GtkWidget  *np_traffic_graph_new         (void);
void        np_traffic_graph_set_history (NpTrafficGraph *self,
                                          NpRateHistory  *history);
void        np_traffic_graph_update      (NpTrafficGraph *self,
                                          gint64          now_us);
const char *np_traffic_graph_get_summary (NpTrafficGraph *self);
char       *np_format_rate               (guint64         bytes_per_second);

G_END_DECLS
