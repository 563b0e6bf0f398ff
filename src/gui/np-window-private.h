/* np-window-private.h: what the in-process GUI tests look at */
#pragma once

#include <adwaita.h>

#include "np-codec.h"
#include "np-engine.h"
#include "np-log-model.h"
#include "np-stall-probe.h"
#include "np-session.h"
#include "np-window.h"

G_BEGIN_DECLS

/* np-window.c and np-window-workspace.c share the instance; nobody else touches it. */
struct _NpWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkDropDown          *mode_dropdown;
  GtkEntry             *address_entry;
  GtkEntry             *port_entry;
  GtkEntry             *destination_entry;
  GtkButton            *start_button;
  GtkRevealer          *validation_revealer;
  GtkLabel             *validation_label;
  GtkDropDown          *display_dropdown;
  GtkDropDown          *framing_dropdown;
  GtkDropDown          *rx_encoding_dropdown;
  GtkToggleButton      *filter_button;
  GtkLabel             *dropped_label;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkScrolledWindow    *log_scroller;
  GtkColumnView        *log_view;
  GtkTextView          *send_view;
  GtkDropDown          *send_format_dropdown;
  GtkDropDown          *tx_encoding_dropdown;
  GtkCheckButton       *crlf_check;
  GtkSpinButton        *repeat_spin;
  GtkFlowBox           *saved_box;
  GtkBox               *peer_pane;
  GtkLabel             *peer_title;
  GtkColumnView        *peer_view;
  GtkButton            *send_selected_button;
  GtkButton            *send_all_button;
  GtkButton            *disconnect_button;
  GtkLabel             *status_label;

  /* Engine and endpoint state */
  NpEngine             *engine;
  guint                 endpoint_id;     /* 0: none */
  NpMode                running_mode;
  gboolean              running;         /* started and not yet stopped */
  char                 *local_address;   /* from LISTENING */
  char                 *validation;      /* current validation message, or NULL */

  /* Log */
  NpLogModel           *log;
  GPtrArray            *pending_rows;    /* NpLogRow* waiting for the fill idle, in order */
  guint                 fill_id;
  GtkCustomFilter      *filter;
  GtkFilterListModel   *filtered;
  GtkMultiSelection    *log_selection;
  gboolean              follow;          /* keep the newest row in view */
  gboolean              scrolling;       /* we are moving the adjustment ourselves */
  char                 *filter_text;     /* casefolded, or NULL */

  /* Peers */
  GListStore           *peers;
  GHashTable           *peers_by_id;     /* guint64* -> NpPeer* (borrowed from the store) */
  GtkMultiSelection    *peer_selection;

  /* Totals, exact: counted from every event, whatever the log shows */
  guint64               bytes_in;
  guint64               bytes_out;
  guint64               messages_in;
  guint64               messages_out;
  guint64               rate_bytes;      /* bytes out since the last rate tick */
  double                send_rate;       /* bytes per second */
  guint                 rate_id;

  /* Sending */
  gboolean              repeating;
  guint                 repeat_id;
  GPtrArray            *history;         /* char*, newest last */
  guint                 history_pos;     /* == len: the draft */

  AdwToast             *error_toast;     /* one toast, updated, not a pile */
  GSettings            *settings;        /* NULL when the schema is not installed */
  gint64                started_us;      /* when the endpoint was started: elapsed times */
  NpStallProbe         *probe;           /* NETPOKE_STATS=FILE */

  /* Workspace */
  GFile                *workspace_file;  /* where Save writes; NULL until opened or saved */
  GPtrArray            *saved;           /* NpSavedMessage* (owned copies), in button order */
};

extern const char * const np_window_framing_specs[];

void        np_window_show_error             (NpWindow        *self,
                                              const char      *message);
char       *np_window_draft_text             (NpWindow        *self);
char       *np_window_entry_text             (GtkEntry        *entry);
NpEncoding  np_window_encoding_from_dropdown (GtkDropDown     *dropdown);
NpMode      np_window_selected_mode          (NpWindow        *self);
NpFormat    np_window_display_format         (NpWindow        *self);
const char *np_window_selected_framing       (NpWindow        *self);
void        np_window_saved_message_free     (NpSavedMessage  *message);
void        np_window_restore_last_workspace (NpWindow        *self);
void        np_window_save_message_action    (GtkWidget       *widget,
                                              const char      *action_name,
                                              GVariant        *parameter);
void        np_window_open_action            (GtkWidget       *widget,
                                              const char      *action_name,
                                              GVariant        *parameter);
void        np_window_save_as_action         (GtkWidget       *widget,
                                              const char      *action_name,
                                              GVariant        *parameter);
void        np_window_save_action            (GtkWidget       *widget,
                                              const char      *action_name,
                                              GVariant        *parameter);

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
