#define G_LOG_DOMAIN "np-window-workspace"

#include "config.h"

#include <glib/gi18n.h>

#include "np-error.h"
#include "np-session.h"
#include "np-window-private.h"

/* NpWindow's workspaces: Open, Save, Save As, and the last one restored on start. A workspace
 * is read from and written into the children (endpoint bar, log view, send box) and the reply
 * rules; writing the file happens on a worker thread. */

/* ---- workspace -------------------------------------------------------------------------- */

/* The web modes' fields; kept whatever the mode, as the other fields are. */
static void
capture_web (NpWindow          *self,
             NpSessionEndpoint *endpoint)
{
  NpWebOptions *options = np_endpoint_bar_get_web_options (self->endpoint_bar);

  g_free (endpoint->url);
  endpoint->url = np_endpoint_bar_get_url (self->endpoint_bar);
  g_free (endpoint->method);
  endpoint->method = g_strdup (np_endpoint_bar_get_method (self->endpoint_bar));
  g_free (endpoint->headers);
  endpoint->headers = np_web_options_get_headers (options);
  g_free (endpoint->body_file);
  endpoint->body_file = np_web_options_get_body_file (options);
  g_free (endpoint->root);
  endpoint->root = np_web_options_get_root (options);
  g_free (endpoint->ws_path);
  endpoint->ws_path = np_web_options_get_ws_path (options);
  g_free (endpoint->routes);
  endpoint->routes = np_web_options_get_routes (options);
  endpoint->insecure = np_web_options_get_insecure (options);
}

static void
apply_web (NpWindow          *self,
           NpSessionEndpoint *endpoint)
{
  NpWebOptions *options = np_endpoint_bar_get_web_options (self->endpoint_bar);

  if (NP_MODE_IS_WEB (endpoint->mode) && endpoint->url[0] != '\0')
    np_endpoint_bar_set_endpoint (self->endpoint_bar, endpoint->mode, endpoint->url, NULL, NULL);
  np_endpoint_bar_set_method (self->endpoint_bar, endpoint->method);
  np_web_options_set_headers (options, endpoint->headers);
  np_web_options_set_body_file (options, endpoint->body_file);
  np_web_options_set_root (options, endpoint->root);
  np_web_options_set_ws_path (options, endpoint->ws_path);
  np_web_options_set_routes (options, endpoint->routes);
  np_web_options_set_insecure (options, endpoint->insecure);
}

/* The TCP, TLS and UDP options: all of them, whatever the mode. */
static gboolean
capture_reach (NpWindow           *self,
               NpSessionEndpoint  *endpoint,
               GError            **error)
{
  return np_tcp_options_capture (np_endpoint_bar_get_tcp_options (self->endpoint_bar), endpoint, error)
         && np_udp_options_capture (np_endpoint_bar_get_udp_options (self->endpoint_bar), endpoint, error)
         && np_session_check_endpoint (endpoint, error);
}

/**
 * np_window_capture_workspace:
 *
 * Returns: (transfer full) (nullable): the window's endpoint, saved messages and window state,
 *   or %NULL with @error naming the option a workspace cannot keep as it is (a TTL of 300)
 */
NpSession *
np_window_capture_workspace (NpWindow  *self,
                             GError   **error)
{
  g_autoptr(NpSession) session = np_session_new ();
  NpSessionEndpoint *endpoint = np_session_add_endpoint (session);
  NpWindowState *window = np_session_get_window (session);
  NpLogRenderer *renderer = np_log_view_get_renderer (self->log_view);
  GPtrArray *saved = np_send_box_get_saved_messages (self->send_box);

  endpoint->mode = np_endpoint_bar_get_mode (self->endpoint_bar);
  g_free (endpoint->address);
  endpoint->address = np_endpoint_bar_get_address (self->endpoint_bar);
  g_free (endpoint->port);
  endpoint->port = np_endpoint_bar_get_port (self->endpoint_bar);
  g_free (endpoint->destination);
  endpoint->destination = np_endpoint_bar_get_destination (self->endpoint_bar);
  endpoint->receive_encoding = np_log_renderer_get_encoding (renderer);
  g_object_get (self->send_box, "encoding", &endpoint->send_encoding, NULL);
  g_free (endpoint->framing);
  endpoint->framing = g_strdup (np_log_view_get_framing (self->log_view));
  capture_web (self, endpoint);
  if (!capture_reach (self, endpoint, error))
    return NULL;

  for (guint i = 0; i < saved->len; i++)
    {
      NpSavedMessage *message = g_ptr_array_index (saved, i);

      np_session_add_message (session, message->name, message->payload, message->format);
    }

  {
    g_autoptr(GPtrArray) rules = np_rules_dup_rules (self->rules);

    np_session_set_rules (session, rules);
  }

  gtk_window_get_default_size (GTK_WINDOW (self), &window->width, &window->height);
  window->maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  window->display = np_log_renderer_get_display (renderer);

  return g_steal_pointer (&session);
}

static void
apply_workspace (NpWindow  *self,
                 NpSession *session)
{
  GPtrArray *endpoints = np_session_get_endpoints (session);
  NpWindowState *window = np_session_get_window (session);
  NpLogRenderer *renderer = np_log_view_get_renderer (self->log_view);

  if (endpoints->len > 0)
    {
      NpSessionEndpoint *endpoint = g_ptr_array_index (endpoints, 0);

      np_endpoint_bar_set_endpoint (self->endpoint_bar, endpoint->mode, endpoint->address, endpoint->port,
                                    endpoint->destination);
      g_object_set (renderer, "encoding", endpoint->receive_encoding, NULL);
      g_object_set (self->send_box, "encoding", endpoint->send_encoding, NULL);
      np_log_view_set_framing (self->log_view, endpoint->framing);
      apply_web (self, endpoint);
      np_tcp_options_apply (np_endpoint_bar_get_tcp_options (self->endpoint_bar), endpoint);
      np_udp_options_apply (np_endpoint_bar_get_udp_options (self->endpoint_bar), endpoint);
    }

  np_send_box_set_saved_messages (self->send_box, np_session_get_messages (session));
  np_rules_set_rules (self->rules, np_session_get_rules (session));

  gtk_window_set_default_size (GTK_WINDOW (self), window->width, window->height);
  if (window->maximized)
    gtk_window_maximize (GTK_WINDOW (self));
  else
    gtk_window_unmaximize (GTK_WINDOW (self));
  g_object_set (renderer, "display", window->display, NULL);
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

  if (session == NULL)
    return FALSE;
  if (self->running)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("Stop the endpoint before opening a workspace"));
      return FALSE;
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

  _np_window_show_error (self, local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static void
on_session_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NpWindow *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!np_session_save_finish (NP_SESSION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  set_workspace_file (self, g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

/**
 * np_window_save_workspace_async:
 *
 * Saves the window's workspace to @file: what the window holds now is taken here, the file is
 * written and flushed on a worker thread; once done, @file is the workspace Save writes to.
 */
void
np_window_save_workspace_async (NpWindow            *self,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(NpSession) session = NULL;
  g_autoptr(GError) error = NULL;
  GTask *task;

  g_return_if_fail (NP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, np_window_save_workspace_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  session = np_window_capture_workspace (self, &error);
  if (session == NULL)
    {
      /* Nothing is written: the file keeps what it had, the window what the person typed. */
      g_task_return_new_error (task, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("Workspace not saved: %s"),
                               error->message);
      g_object_unref (task);
      return;
    }
  np_session_save_async (session, file, cancellable, on_session_saved, task);
}

gboolean
np_window_save_workspace_finish (NpWindow      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A save the user asked for: a failure is said in a toast. */
static void
on_workspace_saved (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  NpWindow *self = NP_WINDOW (source);
  g_autoptr(GError) error = NULL;

  if (!np_window_save_workspace_finish (self, result, &error))
    _np_window_show_error (self, error->message);
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

      if (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) == GTK_FILE_CHOOSER_ACTION_SAVE)
        np_window_save_workspace_async (self, file, NULL, on_workspace_saved, NULL);
      else if (!np_window_open_workspace (self, file, &error))
        _np_window_show_error (self, error->message);
    }
  g_object_unref (dialog);
}

/* File choosers go through the portal inside Flatpak: the app needs no file-system access. */
void
_np_window_choose_workspace (NpWindow             *self,
                             GtkFileChooserAction  action)
{
  gboolean save = action == GTK_FILE_CHOOSER_ACTION_SAVE;
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (save ? _("Save Workspace") : _("Open Workspace"), GTK_WINDOW (self),
                                 action, save ? _("_Save") : _("_Open"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = workspace_filter ();

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (save)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("workspace.netpoke"));
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_file_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Save: to the workspace's own file, or ask for one. */
void
_np_window_save_workspace_here (NpWindow *self)
{
  if (self->workspace_file == NULL)
    _np_window_choose_workspace (self, GTK_FILE_CHOOSER_ACTION_SAVE);
  else
    np_window_save_workspace_async (self, self->workspace_file, NULL, on_workspace_saved, NULL);
}

/* The workspace opened or saved last comes back on start; if it cannot, say why and start
 * empty. "restoring-workspace" is set while it is read: if Netpoke dies reading it (a loader
 * bug), the next start finds it still set and does not try that file again. */
void
_np_window_restore_last_workspace (NpWindow *self)
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
      _np_window_show_error (self, message);
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

      _np_window_show_error (self, message);
    }
  g_settings_set_string (self->settings, "restoring-workspace", "");
}
