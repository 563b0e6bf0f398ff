#define G_LOG_DOMAIN "np-tls"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-address.h"
#include "np-tls.h"

/* One handshake under way, on the engine thread. */
typedef struct
{
  NpEndpoint          *endpoint;
  GTlsConnection      *tls;
  char                *peer;        /* "ADDR:PORT", for the messages */
  GCancellable        *cancellable; /* cancelled by the timeout or the caller's */
  GCancellable        *parent;
  gulong               parent_handler;
  GSource             *timeout;
  gboolean             timed_out;
  GTlsCertificateFlags refused;     /* why the peer's certificate was refused, if it was */
  NpTlsHandshakeFunc   func;
  gpointer             user_data;
} Handshake;

static void
handshake_free (Handshake *handshake)
{
  if (handshake->timeout != NULL)
    {
      g_source_destroy (handshake->timeout);
      g_source_unref (handshake->timeout);
    }
  if (handshake->parent != NULL)
    g_cancellable_disconnect (handshake->parent, handshake->parent_handler);
  g_clear_object (&handshake->parent);
  g_clear_object (&handshake->cancellable);
  g_clear_object (&handshake->tls);
  g_clear_object (&handshake->endpoint);
  g_free (handshake->peer);
  g_free (handshake);
}

static char *
peer_of (GIOStream *stream)
{
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (G_SOCKET_CONNECTION (stream), NULL);

  return remote != NULL ? np_address_to_string (remote) : g_strdup ("?");
}

/* Accepting is the user's choice ("accept any certificate"); the reason is kept either way. */
static gboolean
on_accept_certificate (GTlsConnection       *tls,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Handshake *handshake = user_data;
  const NpEndpointConfig *config = np_endpoint_get_config (handshake->endpoint);
  gboolean accept = G_IS_TLS_SERVER_CONNECTION (tls) || config->tls_insecure;

  if (!accept)
    handshake->refused = errors;
  return accept;
}

static void
on_handshake_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Handshake *handshake = user_data;
  const NpEndpointConfig *config = np_endpoint_get_config (handshake->endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reported = NULL;
  NpEvent *connected;

  if (g_tls_connection_handshake_finish (handshake->tls, result, &error))
    {
      connected = np_event_new (NP_EVENT_CONNECTED, np_endpoint_get_id (handshake->endpoint), 0, NULL);
      connected->tls = np_tls_info_new (handshake->tls);
      handshake->func (G_IO_STREAM (handshake->tls), connected, NULL, handshake->user_data);
      handshake_free (handshake);
      return;
    }

  /* GLib's text is translated whole: it is passed on, never cut apart. */
  if (handshake->refused != 0)
    {
      g_autofree char *why = np_tls_describe_errors (handshake->refused);

      reported = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                              _("TLS handshake with %s failed: its certificate is not trusted: %s. A device "
                                "with its own certificate needs “accept any certificate” (--insecure)"),
                              handshake->peer, why);
    }
  else if (handshake->timed_out)
    reported = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("TLS handshake with %s failed: no answer within %u ms"),
                            handshake->peer, config->connect_timeout_ms);
  else
    reported = g_error_new (error->domain, error->code, _("TLS handshake with %s failed: %s"),
                            handshake->peer, error->message);

  handshake->func (NULL, NULL, reported, handshake->user_data);
  handshake_free (handshake);
}

static gboolean
on_timeout (gpointer user_data)
{
  Handshake *handshake = user_data;

  handshake->timed_out = TRUE;
  g_clear_pointer (&handshake->timeout, g_source_unref);
  g_cancellable_cancel (handshake->cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_parent_cancelled (GCancellable *parent,
                     gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static void
start (Handshake    *handshake,
       GCancellable *parent)
{
  const NpEndpointConfig *config = np_endpoint_get_config (handshake->endpoint);

  handshake->cancellable = g_cancellable_new ();
  if (parent != NULL)
    {
      handshake->parent = g_object_ref (parent);
      handshake->parent_handler = g_cancellable_connect (parent, G_CALLBACK (on_parent_cancelled),
                                                         g_object_ref (handshake->cancellable), g_object_unref);
    }
  if (config->connect_timeout_ms > 0)
    {
      handshake->timeout = g_timeout_source_new (config->connect_timeout_ms);
      g_source_set_static_name (handshake->timeout, "[netpoke] TLS handshake timeout");
      g_source_set_callback (handshake->timeout, on_timeout, handshake, NULL);
      g_source_attach (handshake->timeout, g_main_context_get_thread_default ());
    }

  /* Many devices just close the TCP connection: that is an end, not an attack on the stream. */
  g_tls_connection_set_require_close_notify (handshake->tls, FALSE);
  g_signal_connect (handshake->tls, "accept-certificate", G_CALLBACK (on_accept_certificate), handshake);
  g_tls_connection_handshake_async (handshake->tls, G_PRIORITY_DEFAULT, handshake->cancellable,
                                    on_handshake_done, handshake);
}

static Handshake *
handshake_new (NpEndpoint         *endpoint,
               GIOStream          *stream,
               NpTlsHandshakeFunc  func,
               gpointer            user_data)
{
  Handshake *handshake = g_new0 (Handshake, 1);

  handshake->endpoint = g_object_ref (endpoint);
  handshake->peer = peer_of (stream);
  handshake->func = func;
  handshake->user_data = user_data;

  return handshake;
}

/* @error: (transfer full): why, in words */
static void
fail (Handshake *handshake,
      GError    *error)
{
  handshake->func (NULL, NULL, error, handshake->user_data);
  g_error_free (error);
  handshake_free (handshake);
}

/**
 * np_tls_client_handshake:
 * @stream: a connected #GSocketConnection
 *
 * TLS as a client: the server's certificate is checked against the system's CA store and the
 * host name asked for, unless any certificate will do (tls_insecure); a client certificate is
 * offered when the configuration has one. Calls @func when done, always.
 */
void
np_tls_client_handshake (NpEndpoint         *endpoint,
                         GIOStream          *stream,
                         GCancellable       *cancellable,
                         NpTlsHandshakeFunc  func,
                         gpointer            user_data)
{
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  Handshake *handshake = handshake_new (endpoint, stream, func, user_data);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (config->host, config->remote_port);
  g_autoptr(GError) error = NULL;

  handshake->tls = G_TLS_CONNECTION (g_tls_client_connection_new (stream, identity, &error));
  if (handshake->tls == NULL)
    {
      fail (handshake, g_error_new (error->domain, error->code, _("TLS is not available: %s"), error->message));
      return;
    }

  if (config->tls_certificate != NULL)
    {
      g_autoptr(GTlsCertificate) certificate =
        g_tls_certificate_new_from_files (config->tls_certificate,
                                          config->tls_key != NULL ? config->tls_key : config->tls_certificate, &error);

      if (certificate == NULL)
        {
          fail (handshake, g_error_new (error->domain, error->code, _("Cannot use the client certificate: %s"),
                                        error->message));
          return;
        }
      g_tls_connection_set_certificate (handshake->tls, certificate);
    }

  start (handshake, cancellable);
}

/**
 * np_tls_server_handshake:
 * @stream: an accepted #GSocketConnection
 *
 * TLS as a server with @certificate; a client certificate is asked for (not required) when the
 * configuration says so, and whatever the client shows is accepted and described.
 */
void
np_tls_server_handshake (NpEndpoint         *endpoint,
                         GIOStream          *stream,
                         GTlsCertificate    *certificate,
                         GCancellable       *cancellable,
                         NpTlsHandshakeFunc  func,
                         gpointer            user_data)
{
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  Handshake *handshake = handshake_new (endpoint, stream, func, user_data);
  g_autoptr(GError) error = NULL;

  handshake->tls = G_TLS_CONNECTION (g_tls_server_connection_new (stream, certificate, &error));
  if (handshake->tls == NULL)
    {
      fail (handshake, g_error_new (error->domain, error->code, _("TLS is not available: %s"), error->message));
      return;
    }
  if (config->tls_request_client_certificate)
    g_object_set (handshake->tls, "authentication-mode", G_TLS_AUTHENTICATION_REQUESTED, NULL);

  start (handshake, cancellable);
}
