/* np-window-private.h: what the window's own files share (np-window.c, np-window-actions.c,
 * np-window-workspace.c) and what the in-process GUI tests look at; nobody else includes it.
 * Names with a leading underscore are shared between those files, not API. */
#pragma once

#include <adwaita.h>

#include "np-endpoint-bar.h"
#include "np-engine.h"
#include "np-log-view.h"
#include "np-peer-list.h"
#include "np-send-box.h"
#include "np-session.h"
#include "np-stall-probe.h"
#include "np-status-bar.h"
#include "np-window.h"

G_BEGIN_DECLS

struct _NpWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets: each child owns its concern. */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkRevealer          *validation_revealer;
  NpEndpointBar        *endpoint_bar;
  NpLogView            *log_view;
  NpSendBox            *send_box;
  NpPeerList           *peer_list;
  NpStatusBar          *status_bar;

  /* The endpoint */
  NpEngine             *engine;
  guint                 endpoint_id;     /* 0: none */
  NpMode                running_mode;
  gboolean              running;         /* started and not yet stopped */
  char                 *local_address;   /* from LISTENING */

  /* Sending again every interval (win.repeat) */
  gboolean              repeating;
  guint                 repeat_id;

  AdwToast             *error_toast;     /* one toast, updated, not a pile */
  GSettings            *settings;        /* NULL when the schema is not installed */
  NpStallProbe         *probe;           /* NETPOKE_STATS=FILE */
  GFile                *workspace_file;  /* where Save writes; NULL until opened or saved */
};

/* np-window.c */
void        _np_window_show_error              (NpWindow            *self,
                                               const char          *message);
void        _np_window_send                    (NpWindow            *self,
                                               GArray              *peer_ids,
                                               gboolean             remember);
void        _np_window_set_repeating           (NpWindow            *self,
                                               gboolean             repeating);

/* np-window-actions.c */
void        _np_window_class_actions_init      (NpWindowClass       *klass);
void        _np_window_show_details            (NpWindow            *self,
                                               NpLogRow            *row);
void        _np_window_actions_update          (NpWindow            *self);

/* np-window-workspace.c */
void        _np_window_restore_last_workspace  (NpWindow            *self);
void        _np_window_choose_workspace        (NpWindow            *self,
                                               GtkFileChooserAction action);
void        _np_window_save_workspace_here     (NpWindow            *self);

/* For the in-process tests (and the workspace code). */
gboolean    np_window_is_running               (NpWindow            *self);
guint       np_window_get_endpoint_port        (NpWindow            *self);
NpSession  *np_window_capture_workspace        (NpWindow            *self);
gboolean    np_window_open_workspace           (NpWindow            *self,
                                               GFile               *file,
                                               GError             **error);
void        np_window_save_workspace_async     (NpWindow            *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    np_window_save_workspace_finish    (NpWindow            *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
