/* np-window-private.h: what the in-process GUI tests look at */
#pragma once

#include "np-log-model.h"
#include "np-session.h"
#include "np-window.h"

G_BEGIN_DECLS

NpLogModel *np_window_get_log_model     (NpWindow  *self);
GListModel *np_window_get_visible_log   (NpWindow  *self);
GListModel *np_window_get_peers         (NpWindow  *self);
char       *np_window_render_data       (NpWindow  *self,
                                         NpLogRow  *row);
const char *np_window_get_validation    (NpWindow  *self);
gboolean    np_window_is_running        (NpWindow  *self);
guint       np_window_get_endpoint_port (NpWindow  *self);
NpSession  *np_window_capture_workspace (NpWindow  *self);
gboolean    np_window_open_workspace    (NpWindow  *self,
                                         GFile     *file,
                                         GError   **error);
gboolean    np_window_save_workspace    (NpWindow  *self,
                                         GFile     *file,
                                         GError   **error);
void        np_window_add_saved_message (NpWindow  *self,
                                         const char *name,
                                         const char *payload,
                                         NpFormat   format);

G_END_DECLS
