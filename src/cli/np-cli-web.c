#define G_LOG_DOMAIN "netpoke-cli"

#include <string.h>

#include "np-cli-web.h"
#include "np-cli.h"
#include "np-error.h"
#include "np-http-exchange.h"

static gboolean
is_server (NpMode mode)
{
  return mode == NP_MODE_HTTP_SERVER || mode == NP_MODE_WS_SERVER;
}

static gboolean
on_respond (const char  *option,
            const char  *value,
            gpointer     user_data,
            GError     **error)
{
  NpCliWeb *web = user_data;
  NpHttpRoute *route = np_http_route_parse (value, error);

  if (route == NULL)
    return FALSE;

  g_ptr_array_add (web->routes, route);
  return TRUE;
}

/* Servers: a header of the canned response just before it. Clients: a request header. */
static gboolean
on_header (const char  *option,
           const char  *value,
           gpointer     user_data,
           GError     **error)
{
  NpCliWeb *web = user_data;

  if (!is_server (web->mode))
    {
      if (!np_http_header_split (value, NULL, NULL, error))
        return FALSE;
      g_ptr_array_add (web->headers, g_strdup (value));
      return TRUE;
    }

  if (web->routes->len == 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   "--header “%s” belongs to a canned response: put it after the --respond it is for",
                   value);
      return FALSE;
    }

  return np_http_route_add_header (g_ptr_array_index (web->routes, web->routes->len - 1), value, error);
}

/**
 * np_cli_web_option_group:
 * Returns: (transfer full): the web options, filling @web as they are parsed
 */
GOptionGroup *
np_cli_web_option_group (NpCliWeb *web)
{
  GOptionGroup *group = g_option_group_new ("web", "HTTP and WebSocket options:",
                                            "Show HTTP and WebSocket options", web, NULL);
  const GOptionEntry entries[] = {
    { "url", 'u', 0, G_OPTION_ARG_STRING, &web->url, "URL to request (http) or connect to (ws: ws:// or wss://)", "URL" },
    { "method", 'X', 0, G_OPTION_ARG_STRING, &web->method, "HTTP method (default GET, or POST with --data)", "M" },
    { "header", 'H', 0, G_OPTION_ARG_CALLBACK, on_header, "Request header (http, ws); on a server, a header of the --respond before it", "'K: V'" },
    { "data", 0, 0, G_OPTION_ARG_STRING, &web->data, "Request body (http)", "TEXT" },
    { "data-file", 0, 0, G_OPTION_ARG_FILENAME, &web->data_file, "Request body from a file (http)", "PATH" },
    { "root", 'r', 0, G_OPTION_ARG_FILENAME, &web->root, "Folder to serve (http-server, ws-server)", "DIR" },
    { "respond", 'R', 0, G_OPTION_ARG_CALLBACK, on_respond, "Canned response; * and ? match any path text; repeatable", "'METHOD PATH=>STATUS BODY'" },
    { "path", 0, 0, G_OPTION_ARG_STRING, &web->ws_path, "WebSocket path (ws-server, default /ws; gives http-server one)", "/PATH" },
    { "binary", 0, 0, G_OPTION_ARG_NONE, &web->binary, "Standard input lines are hex, sent as binary WebSocket messages", NULL },
    { "insecure", 'k', 0, G_OPTION_ARG_NONE, &web->insecure, "Accept any TLS certificate (https, wss: devices with their own certificate)", NULL },
    { "ping", 0, 0, G_OPTION_ARG_STRING, &web->ping, "Send a WebSocket ping every N seconds and show the pongs", "N" },
    { NULL }
  };

  web->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) np_http_route_free);
  web->headers = g_ptr_array_new_with_free_func (g_free);
  g_option_group_add_entries (group, entries);

  return group;
}

static gboolean
check_applicable (NpCliWeb  *web,
                  GError   **error)
{
  gboolean server = is_server (web->mode);
  gboolean websocket = web->mode == NP_MODE_WS_CLIENT || web->mode == NP_MODE_WS_SERVER
                       || (web->mode == NP_MODE_HTTP_SERVER && web->ws_path != NULL);

  if (server && web->url != NULL)
    return np_cli_refuse (error, "--url", "the clients (http, ws); a server takes --port and --bind");
  if (web->mode != NP_MODE_HTTP_CLIENT && (web->method != NULL || web->data != NULL || web->data_file != NULL))
    return np_cli_refuse (error, web->method != NULL ? "--method" : "--data", "http requests");
  if (!server && (web->root != NULL || web->routes->len > 0 || web->ws_path != NULL))
    return np_cli_refuse (error, web->root != NULL ? "--root" : web->ws_path != NULL ? "--path" : "--respond",
                   "the servers (http-server, ws-server)");
  if (!websocket && (web->binary || web->ping != NULL))
    return np_cli_refuse (error, web->binary ? "--binary" : "--ping", "WebSocket messages (ws-server, ws)");
  if (server && web->insecure)
    return np_cli_refuse (error, "--insecure", "the clients (http, ws): it accepts a server's certificate");

  return TRUE;
}

/**
 * np_cli_web_configure:
 *
 * Checks the web options against @web's mode and puts them into @config.
 */
gboolean
np_cli_web_configure (NpCliWeb          *web,
                      NpEndpointConfig  *config,
                      GError           **error)
{
  guint64 seconds;

  if (!check_applicable (web, error))
    return FALSE;

  if (web->mode == NP_MODE_HTTP_CLIENT || web->mode == NP_MODE_WS_CLIENT)
    {
      g_autoptr(GUri) uri = NULL;

      if (web->url == NULL)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "%s needs --url",
                       np_mode_to_string (web->mode));
          return FALSE;
        }
      uri = np_http_parse_url (web->url, web->mode == NP_MODE_WS_CLIENT, error);
      if (uri == NULL)
        return FALSE;
      config->url = g_strdup (web->url);
      g_ptr_array_add (web->headers, NULL);
      config->headers = g_strdupv ((char **) web->headers->pdata);
    }

  if (web->method != NULL)
    {
      g_autoptr(NpHttpRoute) probe = np_http_route_new (web->method, "/", 200, NULL, error);

      if (probe == NULL)
        return FALSE;
      config->method = g_strdup (probe->method);
    }

  if (web->data != NULL && web->data_file != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "Give --data or --data-file, not both");
      return FALSE;
    }
  if (web->data != NULL)
    config->body = g_bytes_new (web->data, strlen (web->data));
  if (web->data_file != NULL)
    {
      g_autoptr(GError) read_error = NULL;
      char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (web->data_file, &contents, &length, &read_error))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "--data-file: %s", read_error->message);
          return FALSE;
        }
      config->body = g_bytes_new_take (contents, length);
    }

  if (web->ws_path != NULL)
    {
      if (web->ws_path[0] != '/')
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       "--path “%s” must start with / (e.g. /ws)", web->ws_path);
          return FALSE;
        }
      g_free (config->ws_path);
      config->ws_path = g_strdup (web->ws_path);
    }

  if (web->ping != NULL)
    {
      if (!g_ascii_string_to_unsigned (web->ping, 10, 1, 3600, &seconds, NULL))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       "--ping “%s” must be a number of seconds (1–3600)", web->ping);
          return FALSE;
        }
      config->ping_interval_s = seconds;
    }

  config->root = g_strdup (web->root);
  for (guint i = 0; i < web->routes->len; i++)
    g_ptr_array_add (config->routes, np_http_route_copy (g_ptr_array_index (web->routes, i)));
  config->tls_insecure = web->insecure;

  return TRUE;
}

void
np_cli_web_clear (NpCliWeb *web)
{
  g_clear_pointer (&web->url, g_free);
  g_clear_pointer (&web->method, g_free);
  g_clear_pointer (&web->data, g_free);
  g_clear_pointer (&web->data_file, g_free);
  g_clear_pointer (&web->root, g_free);
  g_clear_pointer (&web->ws_path, g_free);
  g_clear_pointer (&web->ping, g_free);
  g_clear_pointer (&web->routes, g_ptr_array_unref);
  g_clear_pointer (&web->headers, g_ptr_array_unref);
}
