/* np-status-bar.h: the window's footer: exact byte and message totals, clients or peers heard,
 * and the send rate while bytes flow */
#pragma once

#include <adwaita.h>

#include "np-rate-history.h"

G_BEGIN_DECLS

#define NP_TYPE_STATUS_BAR (np_status_bar_get_type ())

G_DECLARE_FINAL_TYPE (NpStatusBar, np_status_bar, NP, STATUS_BAR, GtkWidget)

void     np_status_bar_count          (NpStatusBar *self,
                                       GPtrArray   *batch);
void     np_status_bar_reset          (NpStatusBar *self);
guint64  np_status_bar_get_bytes_in   (NpStatusBar *self);
guint64  np_status_bar_get_bytes_out  (NpStatusBar *self);
guint64  np_status_bar_get_messages_in (NpStatusBar *self);
guint64  np_status_bar_get_dropped    (NpStatusBar *self);
const char *np_status_bar_get_text    (NpStatusBar *self);
void     np_status_bar_get_traffic    (NpStatusBar *self,
                                       NpTraffic   *traffic);

G_END_DECLS
