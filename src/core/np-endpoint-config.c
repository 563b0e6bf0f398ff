#include "np-endpoint-config.h"
#include "np-enum.h"
#include "np-enum-types.h"

G_DEFINE_BOXED_TYPE (NpEndpointConfig, np_endpoint_config,
                     np_endpoint_config_copy, np_endpoint_config_free)

NpEndpointConfig *
np_endpoint_config_new (NpMode mode)
{
  NpEndpointConfig *config = g_new0 (NpEndpointConfig, 1);

  config->mode = mode;
  config->connect_timeout_ms = NP_DEFAULT_CONNECT_TIMEOUT_MS;
  config->send_queue_limit = NP_DEFAULT_SEND_QUEUE_LIMIT;
  config->max_body_size = NP_DEFAULT_MAX_BODY_SIZE;
  config->reconnect_max_ms = NP_DEFAULT_RECONNECT_MAX_MS;
  config->multicast_ttl = -1;
  config->multicast_loopback = TRUE;
  config->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) np_http_route_free);
  if (mode == NP_MODE_WS_SERVER)
    config->ws_path = g_strdup (NP_DEFAULT_WS_PATH);

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
  copy->multicast_groups = g_strdupv (config->multicast_groups);
  copy->multicast_interface = g_strdup (config->multicast_interface);
  copy->tls_certificate = g_strdup (config->tls_certificate);
  copy->tls_key = g_strdup (config->tls_key);
  copy->url = g_strdup (config->url);
  copy->method = g_strdup (config->method);
  copy->headers = g_strdupv (config->headers);
  copy->body = config->body != NULL ? g_bytes_ref (config->body) : NULL;
  copy->root = g_strdup (config->root);
  copy->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) np_http_route_free);
  for (guint i = 0; config->routes != NULL && i < config->routes->len; i++)
    g_ptr_array_add (copy->routes, np_http_route_copy (g_ptr_array_index (config->routes, i)));
  copy->ws_path = g_strdup (config->ws_path);
  copy->responder = config->responder != NULL ? g_object_ref (config->responder) : NULL;

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
  g_strfreev (config->multicast_groups);
  g_free (config->multicast_interface);
  g_free (config->tls_certificate);
  g_free (config->tls_key);
  g_free (config->url);
  g_free (config->method);
  g_strfreev (config->headers);
  g_clear_pointer (&config->body, g_bytes_unref);
  g_free (config->root);
  g_clear_pointer (&config->routes, g_ptr_array_unref);
  g_free (config->ws_path);
  g_clear_object (&config->responder);
  g_free (config);
}

const char *
np_mode_to_string (NpMode mode)
{
  return np_enum_to_nick (NP_TYPE_MODE, mode);
}

/* "tcp-server", "tcp-client", "udp", "http-server", "http", "ws-server", "ws", "relay" or "udp-relay" (NpMode's
 * nicks): the names the CLI, the window's command line, workspace files and GSettings share. */
gboolean
np_mode_from_string (const char *name,
                     NpMode     *mode)
{
  return np_enum_from_nick (NP_TYPE_MODE, name, (int *) mode);
}

/* The modes that reach out to one server (TCP client, HTTP, WebSocket client). */
gboolean
np_mode_is_client (NpMode mode)
{
  return mode == NP_MODE_TCP_CLIENT || mode == NP_MODE_HTTP_CLIENT || mode == NP_MODE_WS_CLIENT;
}

/* The modes with a table of peers to choose from and send to: the clients of a TCP or
 * WebSocket server, the peers a UDP endpoint heard from. */
gboolean
np_mode_has_peers (NpMode mode)
{
  return mode == NP_MODE_TCP_SERVER || mode == NP_MODE_WS_SERVER || mode == NP_MODE_UDP || NP_MODE_IS_RELAY (mode);
}
