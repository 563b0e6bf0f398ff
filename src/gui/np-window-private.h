/* np-window-private.h: what the window's own files share (np-window.c, np-window-actions.c,
 * np-window-workspace.c) and what the in-process GUI tests look at; nobody else includes it.
 * Names with a leading underscore are shared between those files, not API. */
#pragma once

#include <adwaita.h>

#include "np-endpoint-bar.h"
#include "np-engine.h"
#include "np-log-export.h"
#include "np-log-view.h"
#include "np-message-saver.h"
#include "np-record-bar.h"
#include "np-recorder.h"
#include "np-rules-dialog.h"
#include "np-transfer-bar.h"
#include "np-peer-list.h"
#include "np-send-box.h"
#include "np-session.h"
#include "np-stall-probe.h"
#include "np-status-bar.h"
#include "np-traffic-pane.h"
#include "np-window.h"

G_BEGIN_DECLS

struct _NpWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets: each child owns its concern. */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkOverlay           *problem_overlay;
  GtkOverlay           *problem_line;    /* the endpoint bar's problem, under its field */
  GtkBox               *problem_box;
  GtkImage             *problem_icon;
  GtkLabel             *problem_label;
  NpEndpointBar        *endpoint_bar;
  NpLogView            *log_view;
  NpSendBox            *send_box;
  NpPeerList           *peer_list;
  NpStatusBar          *status_bar;
  NpTransferBar        *transfer_bar;
  NpRecordBar          *record_bar;
  NpTrafficPane        *traffic_pane;
  GtkToggleButton      *traffic_button;

  /* The endpoint */
  NpEngine             *engine;
  guint                 endpoint_id;     /* 0: none */
  NpMode                running_mode;
  gboolean              running;         /* started and not yet stopped */
  char                 *local_address;   /* from LISTENING */

  char                 *applied_destination;  /* UDP: where the engine sends by default */

  /* Sending again every interval (win.repeat) */
  gboolean              repeating;
  guint                 repeat_id;

  gboolean              close_confirmed; /* the user said to close despite clients */
  AdwToast             *error_toast;     /* one toast, updated, not a pile */
  GSettings            *settings;        /* NULL when the schema is not installed */
  NpStallProbe         *probe;           /* NETPOKE_STATS=FILE */
  GFile                *workspace_file;  /* where Save writes; NULL until opened or saved */

  /* Tools (np-window-tools.c) */
  NpRules              *rules;           /* the reply rules, edited in rules_dialog */
  NpRulesDialog        *rules_dialog;    /* made when first shown */
  gboolean              sending_file;
  NpRecorder           *recorder;        /* while Record is on */
  NpMessageSaver       *saver;           /* while Save Messages is on */
};

/* np-window.c */
void        _np_window_show_error              (NpWindow            *self,
                                               const char          *message);
void        _np_window_set_running             (NpWindow            *self,
                                               gboolean             running);

/* np-window-send.c */
void        _np_window_send                    (NpWindow            *self,
                                               GArray              *peer_ids,
                                               gboolean             remember);
void        _np_window_send_draft              (NpWindow            *self,
                                               gboolean             remember);
void        _np_window_send_bytes              (NpWindow            *self,
                                               GBytes              *payload,
                                               NpMessageType        type);
const char *_np_window_why_no_send             (NpWindow            *self);
void        _np_window_update_send_label       (NpWindow            *self);
void        _np_window_update_request_note     (NpWindow            *self);
gboolean    _np_window_add_request_body        (NpWindow            *self,
                                               NpEndpointConfig    *config,
                                               GError             **error);
void        _np_window_set_repeating           (NpWindow            *self,
                                               gboolean             repeating);

/* np-window-fields.c */
void        _np_window_remember_fields         (NpWindow               *self,
                                               const NpEndpointConfig *config);
void        _np_window_restore_fields          (NpWindow            *self);
GSettings  *_np_window_open_settings           (void);
void        _np_window_bind_settings           (NpWindow            *self);

/* np-window-events.c */
void        _np_window_on_events               (GPtrArray           *batch,
                                               gpointer             user_data);
void        _np_window_on_mode_changed         (NpWindow            *self);

/* np-window-actions.c */
void        _np_window_class_actions_init      (NpWindowClass       *klass);
void        _np_window_show_details            (NpWindow            *self,
                                               NpLogRow            *row);
void        _np_window_actions_update          (NpWindow            *self);
gboolean    _np_window_hold_close              (NpWindow            *self);

/* np-window-tools.c */
void        _np_window_class_tools_init        (NpWindowClass       *klass);
void        _np_window_tools_init              (NpWindow            *self);
void        _np_window_tools_dispose           (NpWindow            *self);
void        _np_window_tools_handle            (NpWindow            *self,
                                               GPtrArray           *batch);
gboolean    _np_window_tools_configure         (NpWindow            *self,
                                               NpEndpointConfig    *config,
                                               GError             **error);
void        _np_window_set_recording           (NpWindow            *self,
                                               gboolean             recording);
void        _np_window_set_saving_messages     (NpWindow            *self,
                                               gboolean             saving);

/* np-window-workspace.c */
void        _np_window_restore_last_workspace  (NpWindow            *self);
void        _np_window_choose_workspace        (NpWindow            *self,
                                               GtkFileChooserAction action);
void        _np_window_save_workspace_here     (NpWindow            *self);

/* For the in-process tests (and the workspace code). */
gboolean    np_window_is_running               (NpWindow            *self);
guint       np_window_get_endpoint_port        (NpWindow            *self);
NpSession  *np_window_capture_workspace        (NpWindow            *self,
                                                GError             **error);
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
void        np_window_send_file                (NpWindow            *self,
                                               GFile               *file);
gboolean    np_window_save_messages_to         (NpWindow            *self,
                                               GFile               *folder,
                                               GError             **error);
gboolean    np_window_record_to                (NpWindow            *self,
                                               GFile               *file,
                                               GError             **error);
void        np_window_export_log               (NpWindow            *self,
                                               GFile               *file,
                                               gboolean             shown_only,
                                               NpLogExportFormat    format,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);

G_END_DECLS
