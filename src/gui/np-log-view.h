/* np-log-view.h: the message log: how rows are shown (format, encoding, framing), the columns
 * and their cells, the filter, following new rows, and filling the view in time-budgeted chunks */
#pragma once

#include <adwaita.h>

#include "np-log-model.h"
#include "np-log-renderer.h"
#include "np-picture-loader.h"

G_BEGIN_DECLS

#define NP_TYPE_LOG_VIEW (np_log_view_get_type ())

G_DECLARE_FINAL_TYPE (NpLogView, np_log_view, NP, LOG_VIEW, GtkWidget)

NpLogModel    *np_log_view_get_model       (NpLogView  *self);
GListModel    *np_log_view_get_visible     (NpLogView  *self);
NpLogRenderer *np_log_view_get_renderer    (NpLogView  *self);
void           np_log_view_append          (NpLogView  *self,
                                            GPtrArray  *rows);
void           np_log_view_clear           (NpLogView  *self);
char          *np_log_view_copy_selection  (NpLogView  *self);
NpLogRow      *np_log_view_get_selected_row (NpLogView *self);
void           np_log_view_focus_filter    (NpLogView  *self);
const char    *np_log_view_get_framing     (NpLogView  *self);
void           np_log_view_set_framing     (NpLogView  *self,
                                            const char *framing);
NpPictureLoader *np_log_view_get_picture_loader (NpLogView *self);

G_END_DECLS
