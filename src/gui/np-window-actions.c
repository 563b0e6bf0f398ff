#define G_LOG_DOMAIN "np-window-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "np-row-details.h"
#include "np-window-private.h"

/* The window's actions (win.*) and the keys bound to them. Buttons in the children name these
 * actions; whether each can run now is decided in one place, _np_window_actions_update (). */

/* ---- actions ------------------------------------------------------------------------------- */

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  np_window_start (NP_WINDOW (widget));
}

/* Every client is about to be disconnected: the list lets them all go now, in one change.
 * Otherwise their DISCONNECTED events, which come in several batches when there are many,
 * would each make the list rebuild its rows (100 ms and more with 1,000 clients). */
static void
stop_endpoint (NpWindow *self)
{
  np_engine_stop (self->engine, self->endpoint_id);
  np_peer_table_clear (np_peer_list_get_peers (self->peer_list));
}

/* Stopping (or closing) drops the clients of a server: whether to ask first (a setting). */
static gboolean
must_ask (NpWindow *self)
{
  guint n_clients = g_list_model_get_n_items (G_LIST_MODEL (np_peer_list_get_peers (self->peer_list)));

  return self->running && (self->running_mode == NP_MODE_TCP_SERVER || self->running_mode == NP_MODE_WS_SERVER)
         && n_clients > 0 && self->settings != NULL && g_settings_get_boolean (self->settings, "confirm-stop");
}

/* The question counts the clients the list shows, and follows it while it is asked: one
 * that leaves meanwhile is not counted (a question that said 1 beside a list of 2 was wrong). */
static void
count_clients (AdwMessageDialog *dialog,
               guint             position,
               guint             removed,
               guint             added,
               GListModel       *peers)
{
  guint n_clients = g_list_model_get_n_items (peers);

  adw_message_dialog_format_body (dialog,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "%u client is connected and will be disconnected.",
                                               "%u clients are connected and will be disconnected.",
                                               n_clients),
                                  n_clients);
}

/* "Stop the Server?" / "Quit Netpoke?": Cancel, or @verb (response @id, the destructive one). */
static void
ask (NpWindow    *self,
     const char  *heading,
     const char  *id,
     const char  *verb,
     GCallback    on_response)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);
  GListModel *peers = G_LIST_MODEL (np_peer_list_get_peers (self->peer_list));

  count_clients (ADW_MESSAGE_DIALOG (dialog), 0, 0, 0, peers);
  g_signal_connect_object (peers, "items-changed", G_CALLBACK (count_clients), dialog, G_CONNECT_SWAPPED);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), id, verb, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), id, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", on_response, self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_stop_response (AdwMessageDialog *dialog,
                  const char       *response,
                  NpWindow         *self)
{
  if (g_str_equal (response, "stop") && self->running)
    stop_endpoint (self);
}

/* Stopping a server drops its clients: ask first when some are connected (a setting). */
static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  if (!self->running)
    return;

  if (!must_ask (self))
    stop_endpoint (self);
  else
    ask (self, _("Stop the Server?"), "stop", _("_Stop"), G_CALLBACK (on_stop_response));
}

static gboolean
close_now (gpointer user_data)
{
  gtk_window_close (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   NpWindow         *self)
{
  if (!g_str_equal (response, "quit"))
    return;
  /* After the dialog has finished its response (closing the window destroys the dialog, which
   * crashed when done from inside its own signal). */
  self->close_confirmed = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT, close_now, g_object_ref (self), g_object_unref);
}

/* Closing the window (its close button, Ctrl+Q) drops a server's clients like Stop does: the
 * same question first. Returns whether the window stays open for now. */
gboolean
_np_window_hold_close (NpWindow *self)
{
  if (self->close_confirmed || !must_ask (self))
    return FALSE;

  ask (self, _("Quit Netpoke?"), "quit", _("_Quit"), G_CALLBACK (on_close_response));
  return TRUE;
}

static void
toggle_running_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  gtk_widget_activate_action (widget, self->running ? "win.stop" : "win.start", NULL);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _np_window_send_draft (NP_WINDOW (widget), TRUE);
}

/* Ctrl+Enter: Send, or why it cannot go anywhere now. A key bound to the disabled action did
 * nothing one could see. (In the message box, the box's own shortcut does the same.) */
static gboolean
send_key (GtkWidget *widget,
          GVariant  *args,
          gpointer   user_data)
{
  NpWindow *self = NP_WINDOW (widget);
  const char *why_not = _np_window_why_no_send (self);

  if (why_not != NULL)
    _np_window_show_error (self, why_not);
  else
    gtk_widget_activate_action (widget, "win.send", NULL);
  return TRUE;
}

/* The client list's buttons: every client (every peer heard), or the selected ones. */
static void
send_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GArray) ids = NULL;

  /* A server's default target is every client. UDP names everyone heard from: its default is
   * the destination. */
  if (self->running_mode != NP_MODE_UDP)
    {
      _np_window_send (self, NULL, TRUE);
      return;
    }

  ids = np_peer_table_get_ids (np_peer_list_get_peers (self->peer_list));
  if (ids->len == 0)
    _np_window_show_error (self, _("No peer has been heard from yet"));
  else
    _np_window_send (self, ids, TRUE);
}

static void
send_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GArray) ids = np_peer_list_get_selected_ids (self->peer_list);

  if (ids->len == 0)
    _np_window_show_error (self, _("Select one or more clients first"));
  else
    _np_window_send (self, ids, TRUE);
}

static void
send_saved_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;

  if (!self->running)
    {
      _np_window_show_error (self, _("Start or connect first, then click a saved message to send it"));
      return;
    }

  payload = np_send_box_encode_saved (self->send_box, g_variant_get_uint32 (parameter), &error);
  if (payload == NULL)
    _np_window_show_error (self, error->message);
  else
    _np_window_send_bytes (self, payload, NP_MESSAGE_BYTES);
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GArray) ids = np_peer_list_get_selected_ids (self->peer_list);

  for (guint i = 0; i < ids->len; i++)
    np_engine_disconnect_peer (self->engine, self->endpoint_id, g_array_index (ids, guint64, i));
}

/* Every client goes; a server (or relay) keeps listening. */
static void
disconnect_all_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  np_engine_disconnect_all (self->engine, self->endpoint_id);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  np_log_view_clear (NP_WINDOW (widget)->log_view);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  np_log_view_focus_filter (NP_WINDOW (widget)->log_view);
}

static void
copy_rows_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autofree char *text = np_log_view_copy_selection (self->log_view);

  if (text == NULL)
    _np_window_show_error (self, _("Select rows in the log to copy them"));
  else
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

/* Shows a row in full (an HTTP request's headers and bodies), in the log's encoding and format. */
void
_np_window_show_details (NpWindow *self,
                         NpLogRow *row)
{
  NpLogRenderer *renderer = np_log_view_get_renderer (self->log_view);

  np_row_details_new (GTK_WINDOW (self), row, np_log_renderer_get_encoding (renderer),
                      np_log_renderer_get_display (renderer), np_log_view_get_picture_loader (self->log_view));
}

static void
details_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(NpLogRow) row = np_log_view_get_selected_row (self->log_view);

  if (row == NULL)
    _np_window_show_error (self, _("Select a row in the log to see it in full"));
  else
    _np_window_show_details (self, row);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  np_send_box_show_history (NP_WINDOW (widget)->send_box,
                            g_str_equal (action_name, "win.history-previous") ? -1 : 1);
}

/* UDP while running: the Groups field as it reads now. The endpoint joins the groups named
 * and not joined yet and leaves the others; the log says each join and leave, or why not. */
static void
change_groups_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = np_udp_options_get_groups (np_endpoint_bar_get_udp_options (self->endpoint_bar), &error);

  if (groups == NULL)
    {
      _np_window_show_error (self, error->message);
      return;
    }
  np_engine_set_groups (self->engine, self->endpoint_id, (const char * const *) groups);
}

/* Children report what went wrong through here (a toast). */
static void
show_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  _np_window_show_error (NP_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _np_window_choose_workspace (NP_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _np_window_choose_workspace (NP_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SAVE);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _np_window_save_workspace_here (NP_WINDOW (widget));
}

void
_np_window_class_actions_init (NpWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-running", NULL, toggle_running_action);
  gtk_widget_class_install_action (widget_class, "win.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "win.send-all", NULL, send_all_action);
  gtk_widget_class_install_action (widget_class, "win.send-selected", NULL, send_selected_action);
  gtk_widget_class_install_action (widget_class, "win.send-saved", "u", send_saved_action);
  gtk_widget_class_install_action (widget_class, "win.disconnect", NULL, disconnect_action);
  gtk_widget_class_install_action (widget_class, "win.disconnect-all", NULL, disconnect_all_action);
  gtk_widget_class_install_action (widget_class, "win.change-groups", NULL, change_groups_action);
  gtk_widget_class_install_action (widget_class, "win.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.copy-rows", NULL, copy_rows_action);
  gtk_widget_class_install_action (widget_class, "win.details", NULL, details_action);
  gtk_widget_class_install_action (widget_class, "win.history-previous", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.history-next", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.show-error", "s", show_error_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_property_action (widget_class, "win.repeat", "repeating");

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, send_key, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, send_key, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.toggle-running", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.copy-rows", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_CONTROL_MASK, "win.history-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_CONTROL_MASK, "win.history-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
}

/* Why the client list's greyed buttons cannot act (their tooltips): not started, no client
 * (no peer heard, for UDP), or, for the Selected ones, nothing selected. */
static void
update_client_button_reasons (NpWindow *self,
                              gboolean  has_peers,
                              gboolean  selected)
{
  gboolean udp = (self->running ? self->running_mode : np_endpoint_bar_get_mode (self->endpoint_bar)) == NP_MODE_UDP;
  const char *why_not_all = NULL;
  const char *why_not_selected = NULL;

  if (!self->running)
    why_not_all = _("Not started: press Start first");
  else if (!has_peers)
    why_not_all = udp ? _("No peer has been heard from yet") : _("No client is connected yet");
  if (why_not_all != NULL)
    why_not_selected = why_not_all;
  else if (!selected)
    why_not_selected = udp ? _("Select peers in the list first") : _("Select clients in the list first");
  np_peer_list_set_unavailable (self->peer_list, why_not_all, why_not_selected);
}

/* Which actions can run now: from whether the endpoint runs, its mode and the client
 * selection. Called whenever one of those changes. */
void
_np_window_actions_update (NpWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  /* "All" of no clients is nothing: Send to All and Disconnect All wait for a first one. */
  guint n_peers = g_list_model_get_n_items (G_LIST_MODEL (np_peer_list_get_peers (self->peer_list)));
  gboolean has_peers = self->running && np_mode_has_peers (self->running_mode) && n_peers > 0;
  /* A relay passes on what its two sides send: nothing to send from here. */
  gboolean relay = NP_MODE_IS_RELAY (self->running_mode);
  gboolean multi = has_peers && !relay;
  gboolean selected = np_peer_list_get_has_selection (self->peer_list);
  gboolean requests = np_endpoint_bar_get_mode (self->endpoint_bar) == NP_MODE_HTTP_CLIENT;
  /* Send and Repeat: where a message can go now (else the Send button says why not). */
  const char *why_no_send = _np_window_why_no_send (self);
  gboolean can_send = why_no_send == NULL;

  /* A Repeat left with nowhere to send (its last client gone) stops now and says why, once:
   * not at its next interval, nor (as it did) at every one. Stop ends it without a word. */
  if (self->repeating && !can_send)
    {
      _np_window_set_repeating (self, FALSE);
      _np_window_show_error (self, why_no_send);
    }

  /* Start is there whatever the fields say: pressed, it shows what is wrong with them (before,
   * only what the user typed shows). */
  gtk_widget_action_set_enabled (widget, "win.start", !self->running);
  gtk_widget_action_set_enabled (widget, "win.stop", self->running);
  gtk_widget_action_set_enabled (widget, "win.toggle-running", TRUE);
  gtk_widget_action_set_enabled (widget, "win.send", can_send);
  gtk_widget_action_set_enabled (widget, "win.repeat", can_send && !requests);
  gtk_widget_action_set_enabled (widget, "win.send-all", multi);
  gtk_widget_action_set_enabled (widget, "win.send-selected", multi && selected);
  gtk_widget_action_set_enabled (widget, "win.disconnect",
                                 has_peers && selected && self->running_mode != NP_MODE_UDP);
  gtk_widget_action_set_enabled (widget, "win.disconnect-all", has_peers && self->running_mode != NP_MODE_UDP);
  gtk_widget_action_set_enabled (widget, "win.change-groups", self->running && self->running_mode == NP_MODE_UDP);
  /* A file goes over TCP, UDP and WebSocket; one at a time. */
  gtk_widget_action_set_enabled (widget, "win.send-file", self->running && !self->sending_file && !requests && !relay
                                 && self->running_mode != NP_MODE_HTTP_SERVER);
  gtk_widget_action_set_enabled (widget, "win.cancel-file", self->sending_file);
  update_client_button_reasons (self, has_peers, selected);
  _np_window_update_send_label (self);
}
