#define G_LOG_DOMAIN "np-web-options"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-enum-types.h"
#include "np-error.h"
#include "np-http-route.h"
#include "np-option-fields.h"
#include "np-session.h"
#include "np-web-options.h"

struct _NpWebOptions
{
  GtkWidget    parent_instance;

  GtkEntry    *root_entry;
  GtkEntry    *ws_path_entry;
  GtkTextView *routes_view;
  GtkTextView *headers_view;
  GtkEntry    *body_file_entry;
  GtkCheckButton *insecure_check;

};

G_DEFINE_FINAL_TYPE (NpWebOptions, np_web_options, NP_TYPE_OPTIONS_PANE)

/* ---- closures for the template ----------------------------------------------------------- */

static gboolean
serves_web (gpointer unused,
            NpMode   mode)
{
  return mode == NP_MODE_HTTP_SERVER || mode == NP_MODE_WS_SERVER;
}

static gboolean
is_web_client (gpointer unused,
               NpMode   mode)
{
  return mode == NP_MODE_HTTP_CLIENT || mode == NP_MODE_WS_CLIENT;
}

static gboolean
is_http_client (gpointer unused,
                NpMode   mode)
{
  return mode == NP_MODE_HTTP_CLIENT;
}

static char *
ws_path_placeholder (gpointer unused,
                     NpMode   mode)
{
  return g_strdup (mode == NP_MODE_WS_SERVER ? NP_DEFAULT_WS_PATH : _("None"));
}

static void
on_changed (NpWebOptions *self)
{
  np_options_pane_emit_changed (NP_OPTIONS_PANE (self));
}

/* ---- choosing files ------------------------------------------------------------------------ */

static void
on_choose_root (NpWebOptions *self)
{
  np_option_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Folder to Serve"),
                         self->root_entry);
}

static void
on_choose_body_file (NpWebOptions *self)
{
  np_option_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("File to Send as the Body"),
                         self->body_file_entry);
}

/* ---- the configuration ------------------------------------------------------------------- */

static char *
view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_view_text (GtkTextView *view,
               const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

static gboolean
fill_server (NpWebOptions      *self,
             NpEndpointConfig  *config,
             GError           **error)
{
  g_autofree char *root = np_option_entry_text (self->root_entry);
  g_autofree char *ws_path = np_option_entry_text (self->ws_path_entry);
  g_autofree char *routes_text = view_text (self->routes_view);
  g_autoptr(GPtrArray) routes = NULL;

  if (root[0] != '\0' && !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("“%s” is not a folder"), root);
      return FALSE;
    }
  if (ws_path[0] != '\0' && ws_path[0] != '/')
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("The WebSocket path “%s” must start with / (e.g. /ws)"), ws_path);
      return FALSE;
    }
  /* What a workspace can hold, so that what is saved loads again. */
  if (strlen (routes_text) > NP_SESSION_MAX_BLOCK)
    {
      g_autofree char *most = g_strdup_printf ("%d", NP_SESSION_MAX_BLOCK);

      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("Canned responses are limited to %s bytes; serve long bodies from the folder"), most);
      return FALSE;
    }
  routes = np_http_route_parse_lines (routes_text, error);
  if (routes == NULL)
    return FALSE;

  config->root = root[0] != '\0' ? g_steal_pointer (&root) : NULL;
  if (ws_path[0] != '\0')
    {
      g_free (config->ws_path);
      config->ws_path = g_steal_pointer (&ws_path);
    }
  g_ptr_array_extend_and_steal (config->routes, g_steal_pointer (&routes));

  return TRUE;
}

static gboolean
fill_client (NpWebOptions      *self,
             NpEndpointConfig  *config,
             GError           **error)
{
  g_autofree char *headers_text = view_text (self->headers_view);
  g_auto(GStrv) lines = g_strsplit (headers_text, "\n", -1);
  g_autoptr(GStrvBuilder) headers = g_strv_builder_new ();
  g_autofree char *body_file = np_option_entry_text (self->body_file_entry);

  if (strlen (headers_text) > NP_SESSION_MAX_BLOCK)
    {
      g_autofree char *most = g_strdup_printf ("%d", NP_SESSION_MAX_BLOCK);

      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("Request headers are limited to %s bytes"), most);
      return FALSE;
    }

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) line_error = NULL;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0')
        continue;
      if (!np_http_header_split (lines[i], NULL, NULL, &line_error))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       _("Request headers, line %u: %s"), i + 1, line_error->message);
          return FALSE;
        }
      g_strv_builder_add (headers, lines[i]);
    }

  if (config->mode == NP_MODE_HTTP_CLIENT && body_file[0] != '\0'
      && !g_file_test (body_file, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("“%s” is not a file"), body_file);
      return FALSE;
    }

  g_strfreev (config->headers);
  config->headers = g_strv_builder_end (headers);
  config->tls_insecure = gtk_check_button_get_active (self->insecure_check);

  return TRUE;
}

/**
 * np_web_options_fill_config:
 *
 * Puts the options that @config's mode uses into it, or says what is wrong.
 */
gboolean
np_web_options_fill_config (NpWebOptions      *self,
                            NpEndpointConfig  *config,
                            GError           **error)
{
  g_return_val_if_fail (NP_IS_WEB_OPTIONS (self), FALSE);

  if (serves_web (NULL, config->mode))
    return fill_server (self, config, error);
  if (is_web_client (NULL, config->mode))
    return fill_client (self, config, error);

  return TRUE;
}

/**
 * np_web_options_load_body_file:
 *
 * Returns: (transfer full) (nullable): the body file's contents; %NULL with no @error set
 *   when there is no body file, %NULL with @error when it cannot be read
 */
GBytes *
np_web_options_load_body_file (NpWebOptions  *self,
                               GError       **error)
{
  g_autofree char *path = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (NP_IS_WEB_OPTIONS (self), NULL);

  path = np_option_entry_text (self->body_file_entry);
  if (np_options_pane_get_mode (NP_OPTIONS_PANE (self)) != NP_MODE_HTTP_CLIENT || path[0] == '\0')
    return NULL;
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  return g_bytes_new_take (contents, length);
}

/* ---- the fields, for workspaces ------------------------------------------------------------ */

char *
np_web_options_get_root (NpWebOptions *self)
{
  g_return_val_if_fail (NP_IS_WEB_OPTIONS (self), NULL);
  return np_option_entry_text (self->root_entry);
}

void
np_web_options_set_root (NpWebOptions *self,
                         const char   *root)
{
  g_return_if_fail (NP_IS_WEB_OPTIONS (self));
  gtk_editable_set_text (GTK_EDITABLE (self->root_entry), root != NULL ? root : "");
}

char *
np_web_options_get_ws_path (NpWebOptions *self)
{
  g_return_val_if_fail (NP_IS_WEB_OPTIONS (self), NULL);
  return np_option_entry_text (self->ws_path_entry);
}

void
np_web_options_set_ws_path (NpWebOptions *self,
                            const char   *ws_path)
{
  g_return_if_fail (NP_IS_WEB_OPTIONS (self));
  gtk_editable_set_text (GTK_EDITABLE (self->ws_path_entry), ws_path != NULL ? ws_path : "");
}

char *
np_web_options_get_routes (NpWebOptions *self)
{
  g_return_val_if_fail (NP_IS_WEB_OPTIONS (self), NULL);
  return view_text (self->routes_view);
}

void
np_web_options_set_routes (NpWebOptions *self,
                           const char   *routes)
{
  g_return_if_fail (NP_IS_WEB_OPTIONS (self));
  set_view_text (self->routes_view, routes);
}

char *
np_web_options_get_headers (NpWebOptions *self)
{
  g_return_val_if_fail (NP_IS_WEB_OPTIONS (self), NULL);
  return view_text (self->headers_view);
}

void
np_web_options_set_headers (NpWebOptions *self,
                            const char   *headers)
{
  g_return_if_fail (NP_IS_WEB_OPTIONS (self));
  set_view_text (self->headers_view, headers);
}

char *
np_web_options_get_body_file (NpWebOptions *self)
{
  g_return_val_if_fail (NP_IS_WEB_OPTIONS (self), NULL);
  return np_option_entry_text (self->body_file_entry);
}

void
np_web_options_set_body_file (NpWebOptions *self,
                              const char   *path)
{
  g_return_if_fail (NP_IS_WEB_OPTIONS (self));
  gtk_editable_set_text (GTK_EDITABLE (self->body_file_entry), path != NULL ? path : "");
}

gboolean
np_web_options_get_insecure (NpWebOptions *self)
{
  g_return_val_if_fail (NP_IS_WEB_OPTIONS (self), FALSE);
  return gtk_check_button_get_active (self->insecure_check);
}

void
np_web_options_set_insecure (NpWebOptions *self,
                             gboolean      insecure)
{
  g_return_if_fail (NP_IS_WEB_OPTIONS (self));
  gtk_check_button_set_active (self->insecure_check, insecure);
}

/* ---- object -------------------------------------------------------------------------------- */

static void
np_web_options_class_init (NpWebOptionsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-web-options.ui");
  gtk_widget_class_bind_template_child (widget_class, NpWebOptions, root_entry);
  gtk_widget_class_bind_template_child (widget_class, NpWebOptions, ws_path_entry);
  gtk_widget_class_bind_template_child (widget_class, NpWebOptions, routes_view);
  gtk_widget_class_bind_template_child (widget_class, NpWebOptions, headers_view);
  gtk_widget_class_bind_template_child (widget_class, NpWebOptions, body_file_entry);
  gtk_widget_class_bind_template_child (widget_class, NpWebOptions, insecure_check);
  gtk_widget_class_bind_template_callback (widget_class, serves_web);
  gtk_widget_class_bind_template_callback (widget_class, is_web_client);
  gtk_widget_class_bind_template_callback (widget_class, is_http_client);
  gtk_widget_class_bind_template_callback (widget_class, ws_path_placeholder);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_root);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_body_file);
}

static void
np_web_options_init (NpWebOptions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->routes_view), "changed",
                           G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->headers_view), "changed",
                           G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
}
