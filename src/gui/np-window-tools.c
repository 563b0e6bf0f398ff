#define G_LOG_DOMAIN "np-window-tools"

#include "config.h"

#include <glib/gi18n.h>

#include "np-error.h"
#include "np-log-export.h"
#include "np-window-private.h"

/* NpWindow's tools around the traffic: the reply rules (and their window), sending a file,
 * saving what arrives, recording a capture and exporting the log. File choosers are
 * GtkFileChooserNative: inside Flatpak they go through the portal, and the app needs no access
 * to the file system. */

/* ---- reply rules ---------------------------------------------------------------------------- */

/* While the endpoint runs, every good edit of the rules applies at once; a bad one leaves the
 * running endpoint with the last good rules (the rules window says what is wrong). */
static void
on_rules_changed (NpWindow *self)
{
  if (self->running && np_rules_get_error (self->rules) == NULL)
    np_engine_set_responder (self->engine, self->endpoint_id, np_rules_get_responder (self->rules));
}

/**
 * _np_window_tools_configure:
 *
 * What the tools add to an endpoint about to start: the rules. Bad rules start nothing.
 */
gboolean
_np_window_tools_configure (NpWindow          *self,
                            NpEndpointConfig  *config,
                            GError           **error)
{
  /* HTTP has no messages to answer (a server answers with its canned responses). */
  if (config->mode == NP_MODE_HTTP_CLIENT || (config->mode == NP_MODE_HTTP_SERVER && config->ws_path == NULL))
    return TRUE;

  if (np_rules_get_error (self->rules) != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("Not started: reply rules: %s"),
                   np_rules_get_error (self->rules));
      /* Start is when the rules count: a rule added and not written yet says so now too. */
      if (self->rules_dialog != NULL)
        np_rules_dialog_show_errors (self->rules_dialog);
      return FALSE;
    }

  g_set_object (&config->responder, np_rules_get_responder (self->rules));
  return TRUE;
}

static void
rules_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  if (self->rules_dialog == NULL)
    {
      self->rules_dialog = np_rules_dialog_new (GTK_WINDOW (self), self->rules);
      g_object_add_weak_pointer (G_OBJECT (self->rules_dialog), (gpointer *) &self->rules_dialog);
    }
  gtk_window_present (GTK_WINDOW (self->rules_dialog));
}

/* ---- messages in the log that the tools add ----------------------------------------------- */

static void
log_error (NpWindow   *self,
           const char *message)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (rows, np_log_row_new_info (NP_LOG_DIRECTION_ERROR, NULL, message));
  np_log_view_append (self->log_view, rows);
  _np_window_show_error (self, message);
}

/* A native chooser; @on_chosen gets the file (or nothing when cancelled). */
static void
choose (NpWindow             *self,
        GtkFileChooserAction  action,
        const char           *title,
        const char           *accept,
        const char           *name,
        GCallback             on_chosen)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept,
                                                               _("_Cancel"));

  if (name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", on_chosen, self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Returns: (transfer full) (nullable): the file chosen, and gets rid of the chooser */
static GFile *
chosen_file (GtkNativeDialog *chooser,
             int              response)
{
  GFile *file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  return file;
}

/* ---- sending a file ------------------------------------------------------------------------ */

/**
 * np_window_send_file:
 *
 * Sends @file to the clients selected in the list (if any are), else to the mode's default
 * targets, at the pace they read it; the transfer bar shows how far it got.
 */
void
np_window_send_file (NpWindow *self,
                     GFile    *file)
{
  g_autoptr(GArray) ids = NULL;

  g_return_if_fail (NP_IS_WINDOW (self));

  if (!self->running || self->sending_file)
    return;

  if (np_mode_has_peers (self->running_mode) && np_peer_list_get_has_selection (self->peer_list))
    ids = np_peer_list_get_selected_ids (self->peer_list);
  np_engine_send_file (self->engine, self->endpoint_id, ids != NULL ? (const guint64 *) ids->data : NULL,
                       ids != NULL ? ids->len : 0, file, FALSE);
  self->sending_file = TRUE;
  np_transfer_bar_show_progress (self->transfer_bar, g_file_peek_path (file) != NULL ? g_file_peek_path (file) : "",
                                 0, 0);
  g_object_notify (G_OBJECT (self), "sending-file");
}

static void
on_send_file_chosen (GtkNativeDialog *chooser,
                     int              response,
                     NpWindow        *self)
{
  g_autoptr(GFile) file = chosen_file (chooser, response);

  if (file != NULL)
    np_window_send_file (self, file);
}

static void
send_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  choose (NP_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("Send File"), _("_Send"), NULL,
          G_CALLBACK (on_send_file_chosen));
}

static void
cancel_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  if (self->sending_file)
    np_engine_cancel_file (self->engine, self->endpoint_id);
}

static void
end_file (NpWindow *self)
{
  if (!self->sending_file)
    return;
  self->sending_file = FALSE;
  g_object_notify (G_OBJECT (self), "sending-file");
}

/* ---- saving messages ----------------------------------------------------------------------- */

/* The footer follows the disk: the labels change as files and lines are written. */
static void
show_saving (NpWindow *self)
{
  if (self->saver != NULL)
    np_record_bar_show_saving (self->record_bar, np_message_saver_get_folder (self->saver),
                               np_message_saver_get_n_saved (self->saver));
}

static void
show_recording (NpWindow *self)
{
  if (self->recorder != NULL)
    np_record_bar_show_recording (self->record_bar, np_recorder_get_file (self->recorder),
                                  np_recorder_get_size (self->recorder));
}

static void
on_saver_failed (NpMessageSaver *saver,
                 const char     *message,
                 NpWindow       *self)
{
  log_error (self, message);
  _np_window_set_saving_messages (self, FALSE);
}

/**
 * np_window_save_messages_to:
 *
 * From now on each message received is written to its own file in @folder.
 */
gboolean
np_window_save_messages_to (NpWindow  *self,
                            GFile     *folder,
                            GError   **error)
{
  g_autoptr(NpMessageSaver) saver = np_message_saver_new (folder, error);

  g_return_val_if_fail (NP_IS_WINDOW (self), FALSE);

  if (saver == NULL)
    return FALSE;

  g_signal_connect_object (saver, "failed", G_CALLBACK (on_saver_failed), self, 0);
  g_signal_connect_object (saver, "progress", G_CALLBACK (show_saving), self, G_CONNECT_SWAPPED);
  g_set_object (&self->saver, saver);
  np_record_bar_show_saving (self->record_bar, folder, 0);
  g_object_notify (G_OBJECT (self), "saving-messages");
  return TRUE;
}

static void
on_folder_chosen (GtkNativeDialog *chooser,
                  int              response,
                  NpWindow        *self)
{
  g_autoptr(GFile) folder = chosen_file (chooser, response);
  g_autoptr(GError) error = NULL;

  if (folder != NULL && !np_window_save_messages_to (self, folder, &error))
    log_error (self, error->message);
}

/* The property behind win.save-messages: turning it on asks for a folder first (it is on once
 * one is chosen), turning it off stops saving (what is queued is still written). */
void
_np_window_set_saving_messages (NpWindow *self,
                                gboolean  saving)
{
  if (saving == (self->saver != NULL))
    return;

  if (saving)
    {
      choose (self, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Save Messages To"), _("_Select"), NULL,
              G_CALLBACK (on_folder_chosen));
      return;
    }

  g_clear_object (&self->saver);
  np_record_bar_show_saving (self->record_bar, NULL, 0);
  g_object_notify (G_OBJECT (self), "saving-messages");
}

/* ---- recording --------------------------------------------------------------------------- */

static void
on_recorder_failed (NpRecorder *recorder,
                    const char *message,
                    NpWindow   *self)
{
  log_error (self, message);
  _np_window_set_recording (self, FALSE);
}

/**
 * np_window_record_to:
 *
 * From now on every event is written to @file (replaced) as netpoke-cli --capture writes it.
 */
gboolean
np_window_record_to (NpWindow  *self,
                     GFile     *file,
                     GError   **error)
{
  NpEncoding receive, send;
  g_autoptr(NpRecorder) recorder = NULL;

  g_return_val_if_fail (NP_IS_WINDOW (self), FALSE);

  g_object_get (self->rules, "receive-encoding", &receive, "send-encoding", &send, NULL);
  recorder = np_recorder_new (file, receive, send, error);
  if (recorder == NULL)
    return FALSE;

  g_signal_connect_object (recorder, "failed", G_CALLBACK (on_recorder_failed), self, 0);
  g_signal_connect_object (recorder, "progress", G_CALLBACK (show_recording), self, G_CONNECT_SWAPPED);
  g_set_object (&self->recorder, recorder);
  np_record_bar_show_recording (self->record_bar, file, 0);
  g_object_notify (G_OBJECT (self), "recording");
  return TRUE;
}

static void
on_capture_chosen (GtkNativeDialog *chooser,
                   int              response,
                   NpWindow        *self)
{
  g_autoptr(GFile) file = chosen_file (chooser, response);
  g_autoptr(GError) error = NULL;

  if (file != NULL && !np_window_record_to (self, file, &error))
    log_error (self, error->message);
}

/* The property behind win.record: on asks for a file first; off writes what is left and
 * closes the file before the toggle shows off, so a capture that shows as done is whole. */
void
_np_window_set_recording (NpWindow *self,
                          gboolean  recording)
{
  if (recording == (self->recorder != NULL))
    return;

  if (recording)
    {
      choose (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Record to File"), _("_Record"), _("capture.jsonl"),
              G_CALLBACK (on_capture_chosen));
      return;
    }

  np_recorder_finish (self->recorder);
  g_clear_object (&self->recorder);
  np_record_bar_show_recording (self->record_bar, NULL, 0);
  g_object_notify (G_OBJECT (self), "recording");
}

/* ---- exporting the log --------------------------------------------------------------------- */

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(NpWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n_rows = 0;

  if (!np_log_export_finish (result, &n_rows, &error))
    {
      log_error (self, error->message);
      return;
    }
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u row", "Exported %u rows", n_rows), n_rows);
  _np_window_show_error (self, message);
}

/**
 * np_window_export_log:
 * @shown_only: only the rows the filter shows, else every row the log holds
 *
 * Writes the log's rows, as they read now, to @file; a toast says how many (or why not).
 */
void
np_window_export_log (NpWindow          *self,
                      GFile             *file,
                      gboolean           shown_only,
                      NpLogExportFormat  format,
                      GAsyncReadyCallback callback,
                      gpointer           user_data)
{
  GListModel *rows;

  g_return_if_fail (NP_IS_WINDOW (self));

  rows = shown_only ? np_log_view_get_visible (self->log_view) : G_LIST_MODEL (np_log_view_get_model (self->log_view));
  np_log_export_async (rows, np_log_view_get_renderer (self->log_view), format, file, NULL,
                       callback != NULL ? callback : on_exported,
                       callback != NULL ? user_data : g_object_ref (self));
}

static void
on_export_chosen (GtkNativeDialog *chooser,
                  int              response,
                  NpWindow        *self)
{
  const char *rows = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "rows");
  const char *format = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "format");
  gboolean shown_only = g_strcmp0 (rows, "shown") == 0;
  NpLogExportFormat kind = g_strcmp0 (format, "text") == 0 ? NP_LOG_EXPORT_TEXT : NP_LOG_EXPORT_CSV;
  g_autoptr(GFile) file = chosen_file (chooser, response);

  if (file != NULL)
    np_window_export_log (self, file, shown_only, kind, NULL, NULL);
}

static void
export_log_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Export Log"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                                               _("_Cancel"));
  gboolean filtered = g_list_model_get_n_items (np_log_view_get_visible (self->log_view))
                      != g_list_model_get_n_items (G_LIST_MODEL (np_log_view_get_model (self->log_view)));
  /* What the log shows comes first, so it is what an export gets unless chosen otherwise (GTK
   * 4.8's own chooser does not keep a default set with gtk_file_chooser_set_choice). */
  const char *row_ids[] = { filtered ? "shown" : "all", filtered ? "all" : "shown", NULL };
  const char *row_labels[] = { filtered ? _("Rows the filter shows") : _("All rows"),
                               filtered ? _("All rows") : _("Rows the filter shows"), NULL };
  const char *format_ids[] = { "csv", "text", NULL };
  const char *format_labels[] = { _("CSV"), _("Text, tab-separated"), NULL };

  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "rows", _("Rows"), row_ids, row_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "rows", row_ids[0]);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "format", _("Format"), format_ids, format_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "format", "csv");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("netpoke-log.csv"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- events --------------------------------------------------------------------------------- */

/* Each batch: recorded and saved as it came, and a file's progress shown. */
void
_np_window_tools_handle (NpWindow  *self,
                         GPtrArray *batch)
{
  if (self->recorder != NULL)
    np_recorder_add (self->recorder, batch);

  for (guint i = 0; i < batch->len; i++)
    {
      NpEvent *event = g_ptr_array_index (batch, i);
      gboolean current = self->endpoint_id != 0 && event->endpoint_id == self->endpoint_id;

      if (self->saver != NULL)
        np_message_saver_add (self->saver, event);

      if (!current || !self->sending_file)
        continue;
      /* The sender's last word is a FILE event: every byte taken (a datagram or WebSocket
       * message only once the system took it), or failed with the reason. */
      if (event->kind == NP_EVENT_FILE && !event->failed && event->length < event->total)
        np_transfer_bar_show_progress (self->transfer_bar, event->file, event->length, event->total);
      else if (event->kind == NP_EVENT_FILE || event->kind == NP_EVENT_STOPPED
               || (event->kind == NP_EVENT_SENT && event->file != NULL))
        end_file (self);
    }
}

/* ---- set-up --------------------------------------------------------------------------------- */

void
_np_window_tools_init (NpWindow *self)
{
  self->rules = np_rules_new ();
  g_object_bind_property (np_log_view_get_renderer (self->log_view), "encoding", self->rules, "receive-encoding",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->send_box, "encoding", self->rules, "send-encoding", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->rules, "notify::responder", G_CALLBACK (on_rules_changed), self,
                           G_CONNECT_SWAPPED);
}

void
_np_window_tools_dispose (NpWindow *self)
{
  if (self->rules_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->rules_dialog));
  if (self->recorder != NULL)
    np_recorder_finish (self->recorder);
  g_clear_object (&self->recorder);
  g_clear_object (&self->saver);
  g_clear_object (&self->rules);
}

void
_np_window_class_tools_init (NpWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.rules", NULL, rules_action);
  gtk_widget_class_install_action (widget_class, "win.send-file", NULL, send_file_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-file", NULL, cancel_file_action);
  gtk_widget_class_install_action (widget_class, "win.export-log", NULL, export_log_action);
  gtk_widget_class_install_property_action (widget_class, "win.record", "recording");
  gtk_widget_class_install_property_action (widget_class, "win.save-messages", "saving-messages");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.rules", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.export-log", NULL);
}
