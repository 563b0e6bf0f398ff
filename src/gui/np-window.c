#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-enum-types.h"
#include "np-log-row.h"
#include "np-tooltip.h"
#include "np-window-private.h"

/* NpWindow keeps the lifecycle and the wiring: it owns the engine, hands each batch of events
 * to the children that show them (log, peers, footer), and starts and stops the endpoint the
 * endpoint bar describes. What each part shows is its own business; their state is bound
 * together in np-window.ui. Actions are in np-window-actions.c, workspaces in
 * np-window-workspace.c, what events change beside the children (the subtitle, toasts) in
 * np-window-events.c, settings in np-window-fields.c. */

enum { PROP_0, PROP_RUNNING, PROP_REPEATING, PROP_SENDING_FILE, PROP_RECORDING, PROP_SAVING_MESSAGES, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpWindow, np_window, ADW_TYPE_APPLICATION_WINDOW)

/* ---- closures for the template ------------------------------------------------------------- */

/* The endpoint bar's problem, on its own line under the header, starting under the field it
 * is about (placed at every allocation: a mode's fields are not where another's were). The
 * line is always there: nothing moves when it shows, and it covers nothing. */
static gboolean
place_problem (NpWindow      *self,
               GtkWidget     *child,
               GtkAllocation *allocation)
{
  GtkWidget *field = np_endpoint_bar_get_problem_field (self->endpoint_bar);
  GtkWidget *line = GTK_WIDGET (self->problem_line);
  graphene_rect_t bounds;
  int x, width, height;

  if (child != GTK_WIDGET (self->problem_box) || field == NULL
      || !gtk_widget_compute_bounds (field, line, &bounds))
    return FALSE;

  x = CLAMP ((int) bounds.origin.x, 0, gtk_widget_get_width (line));
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
  width = MIN (width, gtk_widget_get_width (line) - x);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, &height, NULL, NULL);
  *allocation = (GtkAllocation) { x, 0, width, MIN (height, gtk_widget_get_height (line)) };
  return TRUE;
}

static void
on_problem (NpWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->problem_box), np_endpoint_bar_get_problem (self->endpoint_bar) != NULL);
}

static gboolean
has_peers (gpointer unused,
           NpMode   mode)
{
  return np_mode_has_peers (mode);
}

/* An HTTP server only answers: it has nothing to send (a WebSocket server has). */
static gboolean
has_send_box (gpointer unused,
              NpMode   mode)
{
  return mode != NP_MODE_HTTP_SERVER;
}

/* ---- state ---------------------------------------------------------------------------------- */

void
_np_window_show_error (NpWindow   *self,
                       const char *message)
{
  if (self->error_toast != NULL)
    {
      adw_toast_set_title (self->error_toast, message);
      return;
    }

  self->error_toast = adw_toast_new (message);
  adw_toast_set_timeout (self->error_toast, 6);
  g_object_add_weak_pointer (G_OBJECT (self->error_toast), (gpointer *) &self->error_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, self->error_toast);
}

void
_np_window_set_running (NpWindow *self,
                        gboolean  running)
{
  if (self->running == running)
    return;

  self->running = running;
  if (!running)
    {
      self->endpoint_id = 0;
      g_clear_pointer (&self->local_address, g_free);
      _np_window_set_repeating (self, FALSE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* ---- starting ----------------------------------------------------------------------------- */

/* Starts the endpoint the bar describes; says what is wrong instead when it cannot. */
void
np_window_start (NpWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpEndpointConfig) config = NULL;

  g_return_if_fail (NP_IS_WINDOW (self));

  if (self->running)
    return;

  /* A field's problem is shown under the field; any other, in a toast. */
  config = np_endpoint_bar_build_config (self->endpoint_bar, &error);
  if (config == NULL && np_endpoint_bar_show_problem (self->endpoint_bar))
    return;
  if (config == NULL || (config->mode == NP_MODE_HTTP_CLIENT && !_np_window_add_request_body (self, config, &error))
      || !_np_window_tools_configure (self, config, &error))
    {
      _np_window_show_error (self, error->message);
      return;
    }

  _np_window_remember_fields (self, config);

  /* The client list shows each peer's counters from the engine's snapshots. */
  config->publish_counters = TRUE;

  np_peer_table_clear (np_peer_list_get_peers (self->peer_list));
  np_traffic_pane_clear_peers (self->traffic_pane);
  np_status_bar_reset (self->status_bar);
  g_object_set (np_log_view_get_renderer (self->log_view), "started", g_get_real_time (), NULL);
  self->running_mode = config->mode;
  g_free (self->applied_destination);
  self->applied_destination = np_endpoint_bar_get_destination (self->endpoint_bar);
  self->endpoint_id = np_engine_start (self->engine, config);
  _np_window_set_running (self, TRUE);
  adw_window_title_set_subtitle (self->window_title,
                                 config->mode == NP_MODE_HTTP_CLIENT ? _("Sending the request…")
                                 : np_mode_is_client (config->mode) ? _("Connecting…") : _("Starting…"));
  /* The fields cannot be edited while running: what is typed next is a message. */
  np_send_box_focus_message (self->send_box);
}

/* ---- object -------------------------------------------------------------------------------- */

static void
sample_counters (gpointer            user_data,
                 NpStallProbeCounts *counts)
{
  NpWindow *self = user_data;
  NpLogModel *log = np_log_view_get_model (self->log_view);

  counts->bytes_in = np_status_bar_get_bytes_in (self->status_bar);
  counts->messages_in = np_status_bar_get_messages_in (self->status_bar);
  counts->datagrams_dropped = np_status_bar_get_dropped (self->status_bar);
  counts->rows = g_list_model_get_n_items (G_LIST_MODEL (log));
  counts->rows_dropped = np_log_model_get_dropped (log);
}

static void
on_after_paint (GdkFrameClock *clock,
                NpWindow      *self)
{
  np_stall_probe_first_frame (self->probe);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, self);
}

static void
np_window_realize (GtkWidget *widget)
{
  NpWindow *self = NP_WINDOW (widget);

  GTK_WIDGET_CLASS (np_window_parent_class)->realize (widget);

  /* By now the header bar has its window buttons too. */
  np_tooltip_fit_text (widget);

  if (self->probe != NULL)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (on_after_paint), self, 0);
}

static gboolean
np_window_close_request (GtkWindow *window)
{
  if (_np_window_hold_close (NP_WINDOW (window)))
    return TRUE;
  return GTK_WINDOW_CLASS (np_window_parent_class)->close_request (window);
}

static void
np_window_dispose (GObject *object)
{
  NpWindow *self = (NpWindow *)object;

  if (self->probe != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!np_stall_probe_write (self->probe, &error))
        g_printerr ("netpoke: NETPOKE_STATS: %s\n", error->message);
      g_clear_object (&self->probe);
    }

  g_clear_handle_id (&self->repeat_id, g_source_remove);
  if (self->engine != NULL)
    {
      /* Stop every endpoint and join the engine thread before the window goes; events still
       * queued for it are dropped. */
      np_engine_shutdown (self->engine);
      np_event_queue_close (np_engine_get_queue (self->engine));
      g_clear_object (&self->engine);
    }

  _np_window_tools_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_WINDOW);
  g_clear_object (&self->workspace_file);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (np_window_parent_class)->dispose (object);
}

static void
np_window_finalize (GObject *object)
{
  NpWindow *self = (NpWindow *)object;

  g_free (self->local_address);
  g_free (self->applied_destination);

  G_OBJECT_CLASS (np_window_parent_class)->finalize (object);
}

static void
np_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  NpWindow *self = NP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_RUNNING:   g_value_set_boolean (value, self->running); break;
    case PROP_REPEATING: g_value_set_boolean (value, self->repeating); break;
    case PROP_SENDING_FILE: g_value_set_boolean (value, self->sending_file); break;
    case PROP_RECORDING: g_value_set_boolean (value, self->recorder != NULL); break;
    case PROP_SAVING_MESSAGES: g_value_set_boolean (value, self->saver != NULL); break;
    default:             G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  NpWindow *self = NP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_REPEATING:
      _np_window_set_repeating (self, g_value_get_boolean (value));
      break;
    case PROP_RECORDING:
      _np_window_set_recording (self, g_value_get_boolean (value));
      break;
    case PROP_SAVING_MESSAGES:
      _np_window_set_saving_messages (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_window_class_init (NpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_window_dispose;
  object_class->finalize = np_window_finalize;
  object_class->get_property = np_window_get_property;
  object_class->set_property = np_window_set_property;
  widget_class->realize = np_window_realize;
  GTK_WINDOW_CLASS (klass)->close_request = np_window_close_request;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPEATING] =
    g_param_spec_boolean ("repeating", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SENDING_FILE] =
    g_param_spec_boolean ("sending-file", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Turning these on asks for a file or folder first: they are on once one is chosen. */
  properties[PROP_RECORDING] =
    g_param_spec_boolean ("recording", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SAVING_MESSAGES] =
    g_param_spec_boolean ("saving-messages", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NP_TYPE_ENDPOINT_BAR);
  g_type_ensure (NP_TYPE_LOG_VIEW);
  g_type_ensure (NP_TYPE_PEER_LIST);
  g_type_ensure (NP_TYPE_SEND_BOX);
  g_type_ensure (NP_TYPE_STATUS_BAR);
  g_type_ensure (NP_TYPE_TRANSFER_BAR);
  g_type_ensure (NP_TYPE_RECORD_BAR);
  g_type_ensure (NP_TYPE_TRAFFIC_PANE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, problem_overlay);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, problem_line);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, problem_box);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, problem_icon);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, problem_label);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, endpoint_bar);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, log_view);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, send_box);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, peer_list);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, status_bar);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, transfer_bar);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, record_bar);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, traffic_pane);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, traffic_button);
  gtk_widget_class_bind_template_callback (widget_class, place_problem);
  gtk_widget_class_bind_template_callback (widget_class, has_peers);
  gtk_widget_class_bind_template_callback (widget_class, has_send_box);

  _np_window_class_actions_init (klass);
  _np_window_class_tools_init (klass);
}

static void
np_window_init (NpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->engine = np_engine_new (NULL, _np_window_on_events, self, NULL);
  if (g_getenv ("NETPOKE_STATS") != NULL && g_getenv ("NETPOKE_STATS")[0] != '\0')
    self->probe = np_stall_probe_new (g_getenv ("NETPOKE_STATS"), sample_counters, self);

  _np_window_tools_init (self);
  g_signal_connect_object (self, "notify::running", G_CALLBACK (_np_window_actions_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::sending-file", G_CALLBACK (_np_window_actions_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint_bar, "notify::problem", G_CALLBACK (on_problem), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint_bar, "notify::validation", G_CALLBACK (_np_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint_bar, "notify::mode", G_CALLBACK (_np_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint_bar, "notify::mode", G_CALLBACK (_np_window_on_mode_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint_bar, "notify::mode", G_CALLBACK (_np_window_update_request_note),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint_bar, "notify::method", G_CALLBACK (_np_window_update_request_note),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->peer_list, "notify::n-peers", G_CALLBACK (_np_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->peer_list, "notify::n-selected", G_CALLBACK (_np_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint_bar, "notify::destination", G_CALLBACK (_np_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->log_view, "row-activated", G_CALLBACK (_np_window_show_details),
                           self, G_CONNECT_SWAPPED);
  _np_window_actions_update (self);

  self->settings = _np_window_open_settings ();
  _np_window_bind_settings (self);
  _np_window_restore_last_workspace (self);
  _np_window_update_request_note (self);
}

NpWindow *
np_window_new (GtkApplication *application)
{
  return g_object_new (NP_TYPE_WINDOW, "application", application, NULL);
}

/**
 * np_window_get_settings:
 * Returns: (transfer none) (nullable): the app's settings, if the schema is installed
 */
GSettings *
np_window_get_settings (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);
  return self->settings;
}

/* Fills the fields as if typed (for the command line and tests). */
void
np_window_set_endpoint (NpWindow   *self,
                        NpMode      mode,
                        const char *address,
                        const char *port,
                        const char *destination)
{
  g_return_if_fail (NP_IS_WINDOW (self));

  np_endpoint_bar_set_endpoint (self->endpoint_bar, mode, address, port, destination);
}

guint64
np_window_get_bytes_in (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), 0);
  return np_status_bar_get_bytes_in (self->status_bar);
}

gboolean
np_window_is_running (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), FALSE);
  return self->running;
}

/* The real local port once listening (0 before). */
guint
np_window_get_endpoint_port (NpWindow *self)
{
  const char *colon;

  g_return_val_if_fail (NP_IS_WINDOW (self), 0);

  if (self->local_address == NULL || (colon = strrchr (self->local_address, ':')) == NULL)
    return 0;
  return (guint) g_ascii_strtoull (colon + 1, NULL, 10);
}
