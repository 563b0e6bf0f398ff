#define G_LOG_DOMAIN "np-http-client"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-address.h"
#include "np-http-client.h"
#include "np-web-session.h"

#define READ_SIZE (64 * 1024)

/* One request, like one run of curl: it goes out when the endpoint starts, and the endpoint
 * stops when the response is complete (STOPPED not failed) or could not be had (failed). */
struct _NpHttpClient
{
  NpEndpoint    parent_instance;

  SoupSession  *session;
  SoupMessage  *message;
  GCancellable *cancellable;
  GInputStream *response;
  GByteArray   *body;          /* the response body, up to the endpoint's limit */
  guint64       body_length;   /* all of it */
  gint64        started_us;    /* monotonic */
};

G_DEFINE_FINAL_TYPE (NpHttpClient, np_http_client, NP_TYPE_ENDPOINT)

static NpHttpExchange *
capture_exchange (NpHttpClient *self)
{
  const NpEndpointConfig *config = np_endpoint_get_config (NP_ENDPOINT (self));
  NpHttpExchange *http = np_http_exchange_new (soup_message_get_method (self->message), config->url);

  http->outgoing = TRUE;
  http->status = soup_message_get_status (self->message);
  http->reason = g_strdup (soup_message_get_reason_phrase (self->message));
  http->request_headers = np_http_headers_to_pairs (soup_message_get_request_headers (self->message));
  http->response_headers = np_http_headers_to_pairs (soup_message_get_response_headers (self->message));
  http->request_body = config->body != NULL ? g_bytes_ref (config->body) : NULL;
  http->request_length = config->body != NULL ? g_bytes_get_size (config->body) : 0;
  http->response_body = g_bytes_new (self->body->data, self->body->len);
  http->response_length = self->body_length;
  http->response_truncated = self->body_length > self->body->len;
  http->duration_us = g_get_monotonic_time () - self->started_us;
  np_web_capture_timing (self->message, http);

  return http;
}

/* The response is all here (or broke off, @error): one REQUEST event, then the end. */
static void
report (NpHttpClient *self,
        const GError *error)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  GSocketAddress *remote = soup_message_get_remote_address (self->message);
  g_autofree char *peer = remote != NULL ? np_address_to_string (remote) : NULL;
  g_autofree char *outcome = NULL;
  NpEvent *event = np_event_new (NP_EVENT_REQUEST, np_endpoint_get_id (endpoint), 0, peer);

  event->http = capture_exchange (self);
  event->length = self->body_length;
  if (error != NULL)
    {
      g_autofree char *received = g_strdup_printf ("%" G_GUINT64_FORMAT, self->body_length);

      outcome = g_strdup_printf (_("The response broke off after %s bytes: %s"), received, error->message);
      event->message = g_strdup (outcome);
    }
  else
    {
      outcome = g_strdup_printf ("HTTP %u %s", event->http->status, event->http->reason);
      if (event->http->response_truncated)
        event->message = g_strdup_printf (_("only the first %u bytes of the body are kept"), self->body->len);
    }

  np_endpoint_count_in (endpoint, self->body_length, 1);
  np_endpoint_emit (endpoint, event);
  np_endpoint_finish (endpoint, error != NULL, outcome);
}

static void read_more (NpHttpClient *self);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(NpHttpClient) self = user_data;
  const NpEndpointConfig *config = np_endpoint_get_config (NP_ENDPOINT (self));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize length;
  const guint8 *data;

  if (np_endpoint_is_stopped (NP_ENDPOINT (self)))
    return;

  if (chunk == NULL)
    {
      report (self, error);
      return;
    }

  data = g_bytes_get_data (chunk, &length);
  if (length == 0)
    {
      report (self, NULL);
      return;
    }

  self->body_length += length;
  if (self->body->len < config->max_body_size)
    g_byte_array_append (self->body, data, MIN (length, config->max_body_size - self->body->len));
  read_more (self);
}

static void
read_more (NpHttpClient *self)
{
  g_input_stream_read_bytes_async (self->response, READ_SIZE, G_PRIORITY_DEFAULT, self->cancellable,
                                   on_read, g_object_ref (self));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(NpHttpClient) self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;

  self->response = soup_session_send_finish (SOUP_SESSION (source), result, &error);

  if (np_endpoint_is_stopped (endpoint))
    return;

  if (self->response == NULL)
    {
      g_autofree char *message = np_web_describe_failure (self->message, config->url,
                                                          config->connect_timeout_ms, error);

      np_endpoint_finish (endpoint, TRUE, message);
      return;
    }

  read_more (self);
}

static void
np_http_client_start (NpEndpoint *endpoint)
{
  NpHttpClient *self = NP_HTTP_CLIENT (endpoint);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = np_http_parse_url (config->url != NULL ? config->url : "", FALSE, &error);
  const char *method = config->method != NULL ? config->method : config->body != NULL ? "POST" : "GET";

  if (uri == NULL)
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }

  self->session = np_web_session_new (config);
  /* Connecting and each wait for the device count against the timeout, as for TCP. */
  soup_session_set_timeout (self->session, MAX (1, (config->connect_timeout_ms + 999) / 1000));
  self->message = np_web_message_new (config, method, uri);

  if (config->body != NULL)
    {
      SoupMessageHeaders *headers = soup_message_get_request_headers (self->message);
      const char *type = soup_message_headers_get_one (headers, "Content-Type");

      soup_message_set_request_body_from_bytes (self->message,
                                                type == NULL ? np_http_guess_content_type (config->body) : NULL,
                                                config->body);
      np_endpoint_count_out (endpoint, g_bytes_get_size (config->body), 1);
    }
  else
    np_endpoint_count_out (endpoint, 0, 1);

  self->cancellable = g_cancellable_new ();
  self->started_us = g_get_monotonic_time ();
  soup_session_send_async (self->session, self->message, G_PRIORITY_DEFAULT, self->cancellable,
                           on_sent, g_object_ref (self));
}

static void
np_http_client_stop (NpEndpoint *endpoint,
                     const char *reason)
{
  NpHttpClient *self = NP_HTTP_CLIENT (endpoint);

  g_cancellable_cancel (self->cancellable);
}

static void
np_http_client_send (NpEndpoint    *endpoint,
                     const guint64 *peer_ids,
                     guint          n_peer_ids,
                     NpSendBatch   *batch)
{
  np_endpoint_emit_error (endpoint, 0, NULL,
                          _("Not sent: an HTTP request goes out when it starts; start another for the next one"));
}

static gboolean
np_http_client_disconnect_peer (NpEndpoint *endpoint,
                                guint64     peer_id)
{
  return FALSE;
}

static void
np_http_client_dispose (GObject *object)
{
  NpHttpClient *self = (NpHttpClient *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->response);
  g_clear_object (&self->message);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (np_http_client_parent_class)->dispose (object);
}

static void
np_http_client_finalize (GObject *object)
{
  NpHttpClient *self = (NpHttpClient *)object;

  g_clear_pointer (&self->body, g_byte_array_unref);

  G_OBJECT_CLASS (np_http_client_parent_class)->finalize (object);
}

static void
np_http_client_class_init (NpHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NpEndpointClass *endpoint_class = NP_ENDPOINT_CLASS (klass);

  object_class->dispose = np_http_client_dispose;
  object_class->finalize = np_http_client_finalize;

  endpoint_class->start = np_http_client_start;
  endpoint_class->stop = np_http_client_stop;
  endpoint_class->send = np_http_client_send;
  endpoint_class->disconnect_peer = np_http_client_disconnect_peer;
}

static void
np_http_client_init (NpHttpClient *self)
{
  self->body = g_byte_array_new ();
}
