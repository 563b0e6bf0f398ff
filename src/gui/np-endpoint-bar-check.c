#define G_LOG_DOMAIN "np-endpoint-bar"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-address.h"
#include "np-endpoint-bar-private.h"
#include "np-error.h"
#include "np-http-exchange.h"

/* What the fields of NpEndpointBar mean: the config to start, or what is wrong with them, shown
 * (the field red, the words under it: NpWindow overlays them) once it is the user's problem:
 * typed in, or Start pressed. */

/* ---- turning the fields into a config ----------------------------------------------------- */

char *
_np_endpoint_bar_entry_text (GtkEntry *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

#define entry_text _np_endpoint_bar_entry_text
#define mode_info  _np_endpoint_bar_mode_info

static gboolean
fail (GError    **error,
      GtkEntry  **bad_entry,
      GtkEntry   *entry,
      const char *message)
{
  *bad_entry = entry;
  g_set_error_literal (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

/* HTTP and WebSocket clients: a URL (and a method), the rest in the web options. */
static gboolean
fill_web_client (NpEndpointBar     *self,
                 NpEndpointConfig  *config,
                 GtkEntry         **bad_entry,
                 GError           **error)
{
  g_autofree char *url = entry_text (self->url_entry);
  g_autoptr(GError) url_error = NULL;
  g_autoptr(GUri) uri = NULL;

  if (url[0] == '\0')
    return fail (error, bad_entry, self->url_entry,
                 config->mode == NP_MODE_WS_CLIENT ? _("Enter the ws:// or wss:// URL to connect to")
                                                   : _("Enter the URL to request"));
  uri = np_http_parse_url (url, config->mode == NP_MODE_WS_CLIENT, &url_error);
  if (uri == NULL)
    return fail (error, bad_entry, self->url_entry, url_error->message);

  config->url = g_steal_pointer (&url);
  if (config->mode == NP_MODE_HTTP_CLIENT)
    config->method = g_strdup (np_endpoint_bar_get_method (self));

  return np_web_options_fill_config (self->web_options, config, error);
}

/* Fills @config from the fields, or says what is wrong and which field it is. */
static gboolean
fill_config (NpEndpointBar     *self,
             NpEndpointConfig  *config,
             GtkEntry         **bad_entry,
             GError           **error)
{
  const ModeInfo *info = mode_info (config->mode);
  g_autofree char *address = entry_text (self->address_entry);
  g_autofree char *port = entry_text (self->port_entry);
  g_autofree char *destination = entry_text (self->destination_entry);
  guint16 *target = info->connects ? &config->remote_port : &config->port;
  guint64 value;

  if (info->has_url)
    return fill_web_client (self, config, bad_entry, error);

  if (info->connects)
    {
      if (address[0] == '\0')
        return fail (error, bad_entry, self->address_entry, _("Enter the host to connect to"));
      if (address[0] == '[' && address[strlen (address) - 1] == ']')
        config->host = g_strndup (address + 1, strlen (address) - 2);
      else
        config->host = g_strdup (address);
    }
  else if (address[0] != '\0')
    {
      g_autoptr(GInetAddress) inet = np_address_parse_ip (address, NULL);

      if (inet == NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not an IP address of this computer; leave it empty for all addresses"), address);

          return fail (error, bad_entry, self->address_entry, message);
        }
      config->bind_address = g_strdup (address);
    }

  if (info->empty_port_is_any && port[0] == '\0')
    *target = 0;
  else if (port[0] == '\0')
    /* Nothing typed: say what to type rather than the range it was not in. */
    return fail (error, bad_entry, self->port_entry,
                 info->connects ? _("Enter the port to connect to") : _("Enter a port (0 for any free port)"));
  else if (!g_ascii_string_to_unsigned (port, 10, info->connects ? 1 : 0, 65535, &value, NULL))
    return fail (error, bad_entry, self->port_entry, _(info->port_problem));
  else
    *target = (guint16) value;

  if (NP_MODE_IS_RELAY (config->mode) && destination[0] == '\0')
    return fail (error, bad_entry, self->destination_entry, _("Enter the target host:port to relay to"));
  if (info->has_destination && destination[0] != '\0')
    {
      g_autoptr(GError) local_error = NULL;

      if (!np_address_split (destination, &config->host, &config->remote_port, &local_error))
        return fail (error, bad_entry, self->destination_entry, local_error->message);
    }

  if (info->has_options
      && (!np_web_options_fill_config (self->web_options, config, error)
          || !np_tcp_options_fill_config (self->tcp_options, config, error)
          || !np_udp_options_fill_config (self->udp_options, config, error)))
    return FALSE;

  if (self->framing != NULL && info->framed)
    {
      config->framer = np_framer_new_from_string (self->framing, error);
      if (config->framer == NULL)
        return FALSE;
    }

  return TRUE;
}

static NpEndpointConfig *
build_config (NpEndpointBar  *self,
              GtkEntry      **bad_entry,
              GError        **error)
{
  g_autoptr(NpEndpointConfig) config = np_endpoint_config_new (np_endpoint_bar_get_mode (self));

  *bad_entry = NULL;
  return fill_config (self, config, bad_entry, error) ? g_steal_pointer (&config) : NULL;
}

/**
 * np_endpoint_bar_build_config:
 *
 * Returns: (transfer full) (nullable): the endpoint the fields describe, or %NULL with @error
 *   saying what is wrong; a field that is wrong then shows it (np_endpoint_bar_show_problem)
 */
NpEndpointConfig *
np_endpoint_bar_build_config (NpEndpointBar  *self,
                              GError        **error)
{
  GtkEntry *bad_entry;

  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);

  return build_config (self, &bad_entry, error);
}

/* ---- the problem, once it is the user's --------------------------------------------------------- */

static void
show_problem (NpEndpointBar *self,
              const char    *problem,
              GtkEntry      *entry)
{
  GtkEntry *entries[] = { self->address_entry, self->port_entry, self->destination_entry, self->url_entry };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (entries[i] == entry)
      gtk_widget_add_css_class (GTK_WIDGET (entries[i]), "error");
    else
      gtk_widget_remove_css_class (GTK_WIDGET (entries[i]), "error");

  self->problem_entry = entry;
  if (g_strcmp0 (problem, self->problem) != 0)
    {
      g_free (self->problem);
      self->problem = g_strdup (problem);
      g_object_notify (G_OBJECT (self), "problem");
    }
}

/* What is wrong with the fields, recomputed at every change; shown when it is about a field
 * the user typed in since choosing the mode, or once Start was pressed. */
void
_np_endpoint_bar_validate (NpEndpointBar *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpEndpointConfig) config = NULL;
  GtkEntry *bad_entry = NULL;
  const char *message;
  gboolean shown;

  config = build_config (self, &bad_entry, &error);
  message = config == NULL ? error->message : NULL;
  shown = bad_entry != NULL && (self->start_tried || g_hash_table_contains (self->typed, bad_entry));
  show_problem (self, shown ? message : NULL, shown ? bad_entry : NULL);

  if (g_strcmp0 (message, self->validation) == 0)
    return;
  g_free (self->validation);
  self->validation = g_strdup (message);
  g_object_notify (G_OBJECT (self), "validation");
}

/**
 * np_endpoint_bar_show_problem:
 *
 * Start was pressed: whatever is wrong with a field is shown now, typed in or not.
 *
 * Returns: whether a field's problem is shown (%FALSE when nothing is wrong, or what is wrong
 *   is not a field's: the caller says it another way)
 */
gboolean
np_endpoint_bar_show_problem (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), FALSE);

  self->start_tried = TRUE;
  _np_endpoint_bar_validate (self);
  return self->problem != NULL;
}

/**
 * np_endpoint_bar_get_problem:
 * Returns: (nullable): what is wrong with the fields as shown to the user, or %NULL
 */
const char *
np_endpoint_bar_get_problem (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return self->problem;
}

/**
 * np_endpoint_bar_get_problem_field:
 * Returns: (transfer none) (nullable): the field the shown problem is about
 */
GtkWidget *
np_endpoint_bar_get_problem_field (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return self->problem != NULL ? GTK_WIDGET (self->problem_entry) : NULL;
}

void
_np_endpoint_bar_init_problems (NpEndpointBar *self)
{
  self->typed = g_hash_table_new (NULL, NULL);
}
