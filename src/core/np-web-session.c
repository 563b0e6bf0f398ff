#define G_LOG_DOMAIN "np-web-session"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-address.h"

#include "np-http-route.h"
#include "np-tls.h"
#include "np-web-session.h"

/**
 * np_web_session_new:
 * Returns: (transfer full): a session as a device debugger wants it: no proxy (a device on
 *   the bench is never behind one, and looking one up costs a D-Bus trip), no transparent
 *   decompression (the body shown is the body sent), I/O timeout from the endpoint
 */
SoupSession *
np_web_session_new (const NpEndpointConfig *config)
{
  SoupSession *session = soup_session_new_with_options ("user-agent", "Netpoke/" PACKAGE_VERSION, NULL);

  soup_session_set_proxy_resolver (session, NULL);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);

  return session;
}

/* Always asked when a certificate is not trusted: remember why, and accept it only when the
 * user said any certificate will do. */
static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  g_object_set_data (G_OBJECT (msg), "np-tls-errors", GUINT_TO_POINTER (errors));

  return GPOINTER_TO_INT (user_data);
}

/**
 * np_web_message_new:
 * Returns: (transfer full): a request for @uri with the endpoint's headers (checked when the
 *   configuration was made), metrics collected, redirects shown rather than followed
 */
SoupMessage *
np_web_message_new (const NpEndpointConfig *config,
                    const char             *method,
                    GUri                   *uri)
{
  SoupMessage *msg = soup_message_new_from_uri (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  for (guint i = 0; config->headers != NULL && config->headers[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (np_http_header_split (config->headers[i], &name, &value, NULL))
        soup_message_headers_append (headers, name, value);
    }

  soup_message_add_flags (msg, SOUP_MESSAGE_COLLECT_METRICS | SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate),
                    GINT_TO_POINTER (config->tls_insecure));

  return msg;
}

/**
 * np_web_describe_failure:
 * @timeout_ms: the I/O timeout the request had
 *
 * Returns: (transfer full): why the request to @url failed, told from the error code (GLib's
 *   and libsoup's messages are translated and worded per language, so they are passed on
 *   whole, never cut apart), with what to do when it is the device's certificate
 */
char *
np_web_describe_failure (SoupMessage  *msg,
                         const char   *url,
                         guint         timeout_ms,
                         const GError *error)
{
  GTlsCertificateFlags tls_errors = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), "np-tls-errors"));
  gboolean connected = soup_message_get_remote_address (msg) != NULL;

  if (tls_errors != 0 && g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    {
      g_autofree char *why = np_tls_describe_errors (tls_errors);

      return g_strdup_printf (_("The certificate of %s is not trusted: %s. A device with its own "
                                "certificate needs “accept any certificate” (--insecure)"), url, why);
    }
  if (error->domain == G_TLS_ERROR)
    return g_strdup_printf (_("TLS with %s failed: %s"), url, error->message);
  if (connected && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf (_("No answer from %s within %u ms"), url, timeout_ms);
  if (connected)
    return g_strdup_printf (_("Request to %s failed: %s"), url, error->message);

  return np_address_describe_connect_error (url, error);
}

static gint64
span (guint64 start,
      guint64 end)
{
  return start != 0 && end >= start ? (gint64) (end - start) : -1;
}

/* libsoup's metrics, as far as this request needed the step: a reused connection has no DNS,
 * connect or TLS time. */
void
np_web_capture_timing (SoupMessage    *msg,
                       NpHttpExchange *http)
{
  SoupMessageMetrics *metrics = soup_message_get_metrics (msg);
  guint64 connect_start, connect_end, tls_start;

  if (metrics == NULL)
    return;

  connect_start = soup_message_metrics_get_connect_start (metrics);
  connect_end = soup_message_metrics_get_connect_end (metrics);
  tls_start = soup_message_metrics_get_tls_start (metrics);

  http->dns_us = span (soup_message_metrics_get_dns_start (metrics),
                       soup_message_metrics_get_dns_end (metrics));
  http->connect_us = span (connect_start, tls_start != 0 ? tls_start : connect_end);
  http->tls_us = span (tls_start, connect_end);
  http->first_byte_us = span (soup_message_metrics_get_request_start (metrics),
                              soup_message_metrics_get_response_start (metrics));
}
