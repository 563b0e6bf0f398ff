#define G_LOG_DOMAIN "np-http-exchange"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-http-exchange.h"

NpHttpExchange *
np_http_exchange_new (const char *method,
                      const char *target)
{
  NpHttpExchange *exchange = g_new0 (NpHttpExchange, 1);

  exchange->method = g_strdup (method);
  exchange->target = g_strdup (target);
  exchange->duration_us = -1;
  exchange->dns_us = -1;
  exchange->connect_us = -1;
  exchange->tls_us = -1;
  exchange->first_byte_us = -1;

  return exchange;
}

void
np_http_exchange_free (NpHttpExchange *exchange)
{
  if (exchange == NULL)
    return;

  g_free (exchange->method);
  g_free (exchange->target);
  g_free (exchange->reason);
  g_strfreev (exchange->request_headers);
  g_strfreev (exchange->response_headers);
  g_clear_pointer (&exchange->request_body, g_bytes_unref);
  g_clear_pointer (&exchange->response_body, g_bytes_unref);
  g_free (exchange);
}

/* A body no longer than @max_body is shared; a longer one is cut to a copy of its start (a
 * slice would keep all of it alive). */
static GBytes *
bounded (GBytes *body,
         gsize   max_body)
{
  if (body == NULL)
    return NULL;
  if (g_bytes_get_size (body) <= max_body)
    return g_bytes_ref (body);

  return g_bytes_new (g_bytes_get_data (body, NULL), max_body);
}

/**
 * np_http_exchange_copy_bounded:
 * @max_body: how much of each body to keep
 *
 * Returns: (transfer full): a copy keeping at most @max_body bytes of each body (the lengths
 *   stay the full ones): what a log row can afford to hold
 */
NpHttpExchange *
np_http_exchange_copy_bounded (const NpHttpExchange *exchange,
                               gsize                 max_body)
{
  NpHttpExchange *copy;

  g_return_val_if_fail (exchange != NULL, NULL);

  copy = g_memdup2 (exchange, sizeof *exchange);
  copy->method = g_strdup (exchange->method);
  copy->target = g_strdup (exchange->target);
  copy->reason = g_strdup (exchange->reason);
  copy->request_headers = g_strdupv (exchange->request_headers);
  copy->response_headers = g_strdupv (exchange->response_headers);
  copy->request_body = bounded (exchange->request_body, max_body);
  copy->response_body = bounded (exchange->response_body, max_body);

  return copy;
}

/**
 * np_http_headers_to_pairs:
 * Returns: (transfer full): the headers as name, value, name, value, …, NULL, in the order
 *   they were sent or received
 */
char **
np_http_headers_to_pairs (SoupMessageHeaders *headers)
{
  GPtrArray *pairs = g_ptr_array_new ();
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_ptr_array_add (pairs, g_strdup (name));
      g_ptr_array_add (pairs, g_strdup (value));
    }
  g_ptr_array_add (pairs, NULL);

  return (char **) g_ptr_array_free (pairs, FALSE);
}

/* What the exchange weighs in the event queue: its bodies; headers are small. */
gsize
np_http_exchange_get_size (const NpHttpExchange *exchange)
{
  return (exchange->request_body != NULL ? g_bytes_get_size (exchange->request_body) : 0)
         + (exchange->response_body != NULL ? g_bytes_get_size (exchange->response_body) : 0);
}

/**
 * np_http_parse_url:
 * @websocket: %TRUE for a WebSocket URL (ws://, wss://; http:// and https:// are taken too)
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL with @error saying what it lacks
 */
GUri *
np_http_parse_url (const char  *text,
                   gboolean     websocket,
                   GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *example = websocket ? "ws://192.0.2.10:8080/ws" : "http://192.0.2.10/api/status";

  g_return_val_if_fail (text != NULL, NULL);

  uri = g_uri_parse (text, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a URL (e.g. %s)"), text, example);
      return NULL;
    }
  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0
      && (!websocket || (g_strcmp0 (scheme, "ws") != 0 && g_strcmp0 (scheme, "wss") != 0)))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   websocket ? _("“%s” is not a ws:// or wss:// URL (e.g. %s)")
                             : _("“%s” is not an http:// or https:// URL (e.g. %s)"),
                   text, example);
      return NULL;
    }

  return g_steal_pointer (&uri);
}
