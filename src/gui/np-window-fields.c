#define G_LOG_DOMAIN "np-window-fields"

#include "config.h"

#include "np-endpoint-config.h"
#include "np-enum.h"
#include "np-enum-types.h"
#include "np-window-private.h"

/* Each mode's fields as it was last started, in GSettings ("mode-fields", by mode nick): after
 * a restart the TCP client's host and UDP's port and destination are back, not only the fields
 * of the mode started last (NetAssist keeps them too). Settings rather than the workspace: a
 * workspace is one endpoint the user chose to save; these are the app's memory. */

/* Called when @config starts: its mode's fields (as typed) become the last ones. */
void
_np_window_remember_fields (NpWindow               *self,
                            const NpEndpointConfig *config)
{
  g_autofree char *url = np_endpoint_bar_get_url (self->endpoint_bar);
  g_autofree char *address = np_endpoint_bar_get_address (self->endpoint_bar);
  g_autofree char *port = np_endpoint_bar_get_port (self->endpoint_bar);
  g_autofree char *destination = np_endpoint_bar_get_destination (self->endpoint_bar);
  const char *nick = np_enum_to_nick (NP_TYPE_MODE, config->mode);
  g_autoptr(GVariant) all = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  GVariant *fields;

  if (self->settings == NULL)
    return;

  /* The mode started last; the HTTP and WebSocket clients' "address" is their URL
   * (np_endpoint_bar_set_endpoint). */
  g_settings_set_enum (self->settings, "mode", config->mode);
  g_settings_set_string (self->settings, "address", config->url != NULL ? config->url : address);
  g_settings_set_string (self->settings, "port", port);
  g_settings_set_string (self->settings, "destination", destination);

  all = g_settings_get_value (self->settings, "mode-fields");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(ssss)}"));
  g_variant_iter_init (&iter, all);
  while (g_variant_iter_next (&iter, "{&s@(ssss)}", &key, &fields))
    {
      if (!g_str_equal (key, nick))
        g_variant_builder_add (&builder, "{s@(ssss)}", key, fields);
      g_variant_unref (fields);
    }
  g_variant_builder_add (&builder, "{s(ssss)}", nick, address, port, destination, url);
  g_settings_set_value (self->settings, "mode-fields", g_variant_builder_end (&builder));
}

/* On start: every mode gets its last fields back, then the mode started last is chosen with
 * its own (a workspace restored after this has the last word). */
void
_np_window_restore_fields (NpWindow *self)
{
  g_autofree char *address = NULL;
  g_autofree char *port = NULL;
  g_autofree char *destination = NULL;
  g_autoptr(GVariant) all = NULL;
  GVariantIter iter;
  const char *nick, *mode_address, *mode_port, *mode_destination, *mode_url;

  if (self->settings == NULL)
    return;

  all = g_settings_get_value (self->settings, "mode-fields");
  g_variant_iter_init (&iter, all);
  while (g_variant_iter_next (&iter, "{&s(&s&s&s&s)}", &nick, &mode_address, &mode_port, &mode_destination, &mode_url))
    {
      int mode;

      /* A mode this version does not know (a newer one wrote it) is left alone. */
      if (np_enum_from_nick (NP_TYPE_MODE, nick, &mode))
        np_endpoint_bar_remember_fields (self->endpoint_bar, (NpMode) mode, mode_address, mode_port,
                                         mode_destination, mode_url);
    }

  address = g_settings_get_string (self->settings, "address");
  port = g_settings_get_string (self->settings, "port");
  destination = g_settings_get_string (self->settings, "destination");
  np_endpoint_bar_set_endpoint (self->endpoint_bar, (NpMode) g_settings_get_enum (self->settings, "mode"),
                                address, port, destination);
}

/* The schema is looked up, not assumed: an uninstalled or foreign build still runs. */
GSettings *
_np_window_open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL
                                      ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  if (schema == NULL)
    {
      g_message ("Settings schema %s is not installed: settings will not be kept", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

/* Enum keys bind to enum properties by nick: the schema's enums and the GTypes from
 * gnome.mkenums_simple share them ("utf-8", "time-ms", …). */
void
_np_window_bind_settings (NpWindow *self)
{
  NpLogRenderer *renderer = np_log_view_get_renderer (self->log_view);

  if (self->settings == NULL)
    return;

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-traffic", self->traffic_button, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "log-row-cap", np_log_view_get_model (self->log_view), "cap", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "timestamp-format", renderer, "timestamp-format", G_SETTINGS_BIND_GET);
  /* Defaults for new windows that a workspace may override: the window does not write back. */
  g_settings_bind (self->settings, "receive-encoding", renderer, "encoding", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "send-encoding", self->send_box, "encoding", G_SETTINGS_BIND_GET);

  /* Each mode's fields, and the mode started last (written by np_window_start). */
  _np_window_restore_fields (self);
}
