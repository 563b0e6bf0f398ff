#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-session.h"
#include "np-window-private.h"

/* NpWindow's saved messages (one-click buttons under the send box) and workspaces (Open, Save,
 * Save As, restored on start). */

/* ---- saved messages --------------------------------------------------------------------- */

static void rebuild_saved_box (NpWindow *self);

static void
send_saved (GtkButton *button,
            NpWindow  *self)
{
  NpSavedMessage *message = g_object_get_data (G_OBJECT (button), "np-message");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) payload = NULL;

  if (!self->running)
    {
      np_window_show_error (self, _("Start or connect first, then click a saved message to send it"));
      return;
    }

  payload = np_codec_encode (message->payload, -1, message->format,
                             np_window_encoding_from_dropdown (self->tx_encoding_dropdown), &error);
  if (payload == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("“%s” not sent: %s"), message->name, error->message);

      np_window_show_error (self, text);
      return;
    }
  np_engine_send (self->engine, self->endpoint_id, NULL, 0, payload);
}

static void
remove_saved (GtkButton *button,
              NpWindow  *self)
{
  g_ptr_array_remove (self->saved, g_object_get_data (G_OBJECT (button), "np-message"));
  rebuild_saved_box (self);
}

static void
rebuild_saved_box (NpWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->saved_box))) != NULL)
    gtk_flow_box_remove (self->saved_box, child);

  for (guint i = 0; i < self->saved->len; i++)
    {
      NpSavedMessage *message = g_ptr_array_index (self->saved, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *send = gtk_button_new_with_label (message->name);
      GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
      g_autofree char *remove_label = g_strdup_printf (_("Remove saved message %s"), message->name);

      gtk_widget_add_css_class (box, "linked");
      gtk_widget_set_tooltip_text (send, message->payload);
      g_object_set_data (G_OBJECT (send), "np-message", message);
      g_object_set_data (G_OBJECT (remove), "np-message", message);
      g_signal_connect_object (send, "clicked", G_CALLBACK (send_saved), self, 0);
      g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_saved), self, 0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
      gtk_widget_set_tooltip_text (remove, remove_label);
      gtk_box_append (GTK_BOX (box), send);
      gtk_box_append (GTK_BOX (box), remove);
      gtk_flow_box_append (self->saved_box, box);
    }
}

void
np_window_saved_message_free (NpSavedMessage *message)
{
  g_free (message->name);
  g_free (message->payload);
  g_free (message);
}

void
np_window_add_saved_message (NpWindow   *self,
                             const char *name,
                             const char *payload,
                             NpFormat    format)
{
  NpSavedMessage *message = g_new0 (NpSavedMessage, 1);

  message->name = g_strdup (name);
  message->payload = g_strdup (payload);
  message->format = format;
  g_ptr_array_add (self->saved, message);
  rebuild_saved_box (self);
}

static void
on_save_message_response (AdwMessageDialog *dialog,
                          const char       *response,
                          NpWindow         *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autofree char *text = np_window_draft_text (self);
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "save"))
    return;
  if (name[0] == '\0')
    {
      np_window_show_error (self, _("A saved message needs a name"));
      return;
    }
  if (!np_session_check_message (name, text, self->saved->len, &error))
    {
      np_window_show_error (self, error->message);
      return;
    }
  np_window_add_saved_message (self, name, text,
                               (NpFormat) gtk_drop_down_get_selected (self->send_format_dropdown));
}

void
np_window_save_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autofree char *text = np_window_draft_text (self);
  g_auto(GStrv) lines = NULL;
  GtkWidget *dialog, *entry;

  if (text[0] == '\0')
    {
      np_window_show_error (self, _("Type the message to save first"));
      return;
    }

  lines = g_strsplit (text, "\n", 2);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), lines[0]);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name"), -1);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Message"),
                                   _("It will appear under the send box: one click sends it."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_save_message_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- workspace -------------------------------------------------------------------------- */

/**
 * np_window_capture_workspace:
 * Returns: (transfer full): the window's endpoint, saved messages and window state
 */
NpSession *
np_window_capture_workspace (NpWindow *self)
{
  NpSession *session = np_session_new ();
  NpSessionEndpoint *endpoint = np_session_add_endpoint (session);
  NpWindowState *window = np_session_get_window (session);

  endpoint->mode = np_window_selected_mode (self);
  g_free (endpoint->address);
  endpoint->address = np_window_entry_text (self->address_entry);
  g_free (endpoint->port);
  endpoint->port = np_window_entry_text (self->port_entry);
  g_free (endpoint->destination);
  endpoint->destination = np_window_entry_text (self->destination_entry);
  endpoint->receive_encoding = np_window_encoding_from_dropdown (self->rx_encoding_dropdown);
  endpoint->send_encoding = np_window_encoding_from_dropdown (self->tx_encoding_dropdown);
  g_free (endpoint->framing);
  endpoint->framing = g_strdup (np_window_selected_framing (self));

  for (guint i = 0; i < self->saved->len; i++)
    {
      NpSavedMessage *message = g_ptr_array_index (self->saved, i);

      np_session_add_message (session, message->name, message->payload, message->format);
    }

  gtk_window_get_default_size (GTK_WINDOW (self), &window->width, &window->height);
  window->maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  window->display = np_window_display_format (self) == NP_FORMAT_HEX ? NP_FORMAT_HEX : NP_FORMAT_TEXT;

  return session;
}

static void
apply_workspace (NpWindow  *self,
                 NpSession *session)
{
  GPtrArray *endpoints = np_session_get_endpoints (session);
  GPtrArray *messages = np_session_get_messages (session);
  NpWindowState *window = np_session_get_window (session);

  if (endpoints->len > 0)
    {
      NpSessionEndpoint *endpoint = g_ptr_array_index (endpoints, 0);

      np_window_set_endpoint (self, endpoint->mode, endpoint->address, endpoint->port, endpoint->destination);
      gtk_drop_down_set_selected (self->rx_encoding_dropdown, endpoint->receive_encoding);
      gtk_drop_down_set_selected (self->tx_encoding_dropdown, endpoint->send_encoding);
      for (guint i = 0; np_window_framing_specs[i] != NULL; i++)
        if (g_str_equal (np_window_framing_specs[i], endpoint->framing))
          gtk_drop_down_set_selected (self->framing_dropdown, i);
    }

  g_ptr_array_set_size (self->saved, 0);
  for (guint i = 0; i < messages->len; i++)
    {
      NpSavedMessage *message = g_ptr_array_index (messages, i);
      NpSavedMessage *copy = g_new0 (NpSavedMessage, 1);

      copy->name = g_strdup (message->name);
      copy->payload = g_strdup (message->payload);
      copy->format = message->format;
      g_ptr_array_add (self->saved, copy);
    }
  rebuild_saved_box (self);

  gtk_window_set_default_size (GTK_WINDOW (self), window->width, window->height);
  if (window->maximized)
    gtk_window_maximize (GTK_WINDOW (self));
  else
    gtk_window_unmaximize (GTK_WINDOW (self));
  gtk_drop_down_set_selected (self->display_dropdown, window->display == NP_FORMAT_HEX ? 1 : 0);
}

static void
set_workspace_file (NpWindow *self,
                    GFile    *file)
{
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : NULL;
  g_autofree char *title = name != NULL ? g_strdup_printf ("%s — Netpoke", name) : NULL;

  g_set_object (&self->workspace_file, file);
  adw_window_title_set_title (self->window_title, title != NULL ? title : "Netpoke");
  gtk_window_set_title (GTK_WINDOW (self), title != NULL ? title : "Netpoke");
  if (self->settings != NULL && file != NULL)
    {
      g_autofree char *path = g_file_get_path (file);

      g_settings_set_string (self->settings, "last-workspace", path != NULL ? path : "");
    }
}

/**
 * np_window_open_workspace:
 *
 * Loads @file; only if it is a valid workspace does it replace the current one, so a bad file
 * never costs the user what they have.
 */
gboolean
np_window_open_workspace (NpWindow  *self,
                          GFile     *file,
                          GError   **error)
{
  g_autoptr(NpSession) session = np_session_load (file, error);
  GPtrArray *endpoints;

  if (session == NULL)
    return FALSE;
  if (self->running)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("Stop the endpoint before opening a workspace"));
      return FALSE;
    }
  endpoints = np_session_get_endpoints (session);
  if (endpoints->len > 0)
    {
      NpMode mode = ((NpSessionEndpoint *) g_ptr_array_index (endpoints, 0))->mode;

      if (NP_MODE_IS_WEB (mode))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("This workspace uses the %s mode, which the window does not offer yet (netpoke-cli does)"),
                       np_mode_to_string (mode));
          return FALSE;
        }
    }

  apply_workspace (self, session);
  set_workspace_file (self, file);
  return TRUE;
}

/**
 * np_window_open_file:
 *
 * Opens @file as the workspace, for the command line (`netpoke FILE.netpoke`): when it cannot,
 * the window says why (and so does @error) and keeps what it has.
 */
gboolean
np_window_open_file (NpWindow  *self,
                     GFile     *file,
                     GError   **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (NP_IS_WINDOW (self), FALSE);

  if (np_window_open_workspace (self, file, &local_error))
    return TRUE;

  np_window_show_error (self, local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
np_window_save_workspace (NpWindow  *self,
                          GFile     *file,
                          GError   **error)
{
  g_autoptr(NpSession) session = np_window_capture_workspace (self);

  if (!np_session_save (session, file, error))
    return FALSE;
  set_workspace_file (self, file);
  return TRUE;
}

static GtkFileFilter *
workspace_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Netpoke workspaces"));
  gtk_file_filter_add_pattern (filter, "*.netpoke");
  gtk_file_filter_add_mime_type (filter, "application/x-netpoke-workspace");
  gtk_file_filter_add_mime_type (filter, "application/json");
  return filter;
}

/* Either chooser: open or save the chosen file, and say so when that fails. */
static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                NpWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      gboolean ok = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) == GTK_FILE_CHOOSER_ACTION_SAVE
                    ? np_window_save_workspace (self, file, &error)
                    : np_window_open_workspace (self, file, &error);

      if (!ok)
        np_window_show_error (self, error->message);
    }
  g_object_unref (dialog);
}

/* File choosers go through the portal inside Flatpak: the app needs no file-system access. */
static void
choose_file (NpWindow             *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                               accept, _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = workspace_filter ();

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("workspace.netpoke"));
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_file_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
np_window_open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  choose_file (NP_WINDOW (widget), _("Open Workspace"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"));
}

void
np_window_save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  choose_file (NP_WINDOW (widget), _("Save Workspace"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"));
}

void
np_window_save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->workspace_file == NULL)
    {
      np_window_save_as_action (widget, action_name, parameter);
      return;
    }
  if (!np_window_save_workspace (self, self->workspace_file, &error))
    np_window_show_error (self, error->message);
}

/* The workspace opened or saved last comes back on start; if it cannot, say why and start
 * empty. "restoring-workspace" is set while it is read: if Netpoke dies reading it (a loader
 * bug), the next start finds it still set and does not try that file again. */
void
np_window_restore_last_workspace (NpWindow *self)
{
  g_autofree char *path = NULL;
  g_autofree char *interrupted = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (self->settings == NULL)
    return;

  interrupted = g_settings_get_string (self->settings, "restoring-workspace");
  if (interrupted[0] != '\0')
    {
      g_autofree char *message =
        g_strdup_printf (_("Last workspace not restored: Netpoke stopped while opening %s last time"),
                         interrupted);

      g_settings_set_string (self->settings, "restoring-workspace", "");
      g_settings_set_string (self->settings, "last-workspace", "");
      np_window_show_error (self, message);
      return;
    }

  path = g_settings_get_string (self->settings, "last-workspace");
  if (path[0] == '\0')
    return;

  g_settings_set_string (self->settings, "restoring-workspace", path);
  g_settings_sync ();
  file = g_file_new_for_path (path);
  if (!np_window_open_workspace (self, file, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Last workspace not restored: %s"), error->message);

      np_window_show_error (self, message);
    }
  g_settings_set_string (self->settings, "restoring-workspace", "");
}
