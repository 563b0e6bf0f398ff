#include "np-endpoint-config.h"

G_DEFINE_BOXED_TYPE (NpEndpointConfig, np_endpoint_config,
                     np_endpoint_config_copy, np_endpoint_config_free)

NpEndpointConfig *
np_endpoint_config_new (NpMode mode)
{
  NpEndpointConfig *config = g_new0 (NpEndpointConfig, 1);

  config->mode = mode;
  config->connect_timeout_ms = NP_DEFAULT_CONNECT_TIMEOUT_MS;
  config->send_queue_limit = NP_DEFAULT_SEND_QUEUE_LIMIT;

  return config;
}

NpEndpointConfig *
np_endpoint_config_copy (const NpEndpointConfig *config)
{
  NpEndpointConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_memdup2 (config, sizeof *config);
  copy->bind_address = g_strdup (config->bind_address);
  copy->host = g_strdup (config->host);
  copy->framer = config->framer != NULL ? np_framer_copy_settings (config->framer) : NULL;

  return copy;
}

void
np_endpoint_config_free (NpEndpointConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->bind_address);
  g_free (config->host);
  g_clear_object (&config->framer);
  g_free (config);
}

static const char * const mode_names[] = { "tcp-server", "tcp-client", "udp" };

const char *
np_mode_to_string (NpMode mode)
{
  g_return_val_if_fail (mode <= NP_MODE_UDP, NULL);

  return mode_names[mode];
}

/* "tcp-server", "tcp-client" or "udp": the names the CLI, the window's command line and
 * workspace files share. */
gboolean
np_mode_from_string (const char *name,
                     NpMode     *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (name, mode_names[i]) == 0)
      {
        *mode = (NpMode) i;
        return TRUE;
      }
  return FALSE;
}
