#define G_LOG_DOMAIN "np-web-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "np-address.h"
#include "np-http-files.h"
#include "np-pausable-stream.h"
#include "np-web-server.h"
#include "np-ws-connection.h"

#define LISTEN_BACKLOG 4096

struct _NpWebServer
{
  NpEndpoint   parent_instance;

  SoupServer  *server;
  char        *root;         /* the folder served, as realpath() gives it; NULL: none */
  GHashTable  *ws_clients;   /* peer id (guint64*) -> NpWsConnection* (owned) */
  GPtrArray   *paused;       /* SoupServerMessage*: answered once the consumer catches up */
};

G_DEFINE_FINAL_TYPE (NpWebServer, np_web_server, NP_TYPE_ENDPOINT)

/* What the server learns about one request before it reports it. */
typedef struct
{
  gint64      started_us;      /* monotonic */
  guint64     peer_id;
  char       *peer;
  GByteArray *body;            /* the request body, up to the endpoint's limit */
  guint64     body_length;     /* all of it, also past the limit */
  guint64     bytes_written;   /* response body bytes on the wire */
  char       *note;            /* for the log: canned response used, refusal, … */
  gboolean    reported;
} RequestState;

static GQuark
request_state_quark (void)
{
  return g_quark_from_static_string ("np-web-request");
}

static void
request_state_free (RequestState *state)
{
  g_free (state->peer);
  g_clear_pointer (&state->body, g_byte_array_unref);
  g_free (state->note);
  g_free (state);
}

static RequestState *
get_state (SoupServerMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), request_state_quark ());
}

/* One id per TCP connection, kept on its socket: every request of a keep-alive connection,
 * and the WebSocket it may turn into, belong to the same peer. */
static guint64
peer_id_for (NpWebServer       *self,
             SoupServerMessage *msg)
{
  static const char key[] = "np-web-peer-id";
  GSocket *socket = soup_server_message_get_socket (msg);
  guint64 *id;

  if (socket == NULL)
    return np_endpoint_next_peer_id (NP_ENDPOINT (self));

  id = g_object_get_data (G_OBJECT (socket), key);
  if (id == NULL)
    {
      guint64 next = np_endpoint_next_peer_id (NP_ENDPOINT (self));

      id = g_memdup2 (&next, sizeof next);
      g_object_set_data_full (G_OBJECT (socket), key, id, g_free);
    }

  return *id;
}

static void
on_wrote_body_data (SoupServerMessage *msg,
                    guint              chunk_size,
                    gpointer           user_data)
{
  RequestState *state = user_data;

  state->bytes_written += chunk_size;
}

/* The request body is kept by us, not libsoup, so that a huge upload costs at most the
 * endpoint's limit in memory, whether it came with a Content-Length or chunked. */
static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  NpWebServer *self = g_object_get_data (G_OBJECT (msg), "np-web-server");
  RequestState *state = user_data;
  const NpEndpointConfig *config = np_endpoint_get_config (NP_ENDPOINT (self));
  gsize length;
  const guint8 *data = g_bytes_get_data (chunk, &length);

  state->body_length += length;
  if (state->body->len < config->max_body_size)
    g_byte_array_append (state->body, data, MIN (length, config->max_body_size - state->body->len));
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  NpWebServer *self = user_data;
  RequestState *state = g_new0 (RequestState, 1);
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  state->started_us = g_get_monotonic_time ();
  state->peer_id = peer_id_for (self, msg);
  state->peer = remote != NULL ? np_address_to_string (remote) : g_strdup ("?");
  state->body = g_byte_array_new ();
  g_object_set_qdata_full (G_OBJECT (msg), request_state_quark (), state,
                           (GDestroyNotify) request_state_free);
  g_object_set_data (G_OBJECT (msg), "np-web-server", self);

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), state);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), state);
}

static char *
request_target (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;
  const char *path = uri != NULL ? g_uri_get_path (uri) : "?";

  return query != NULL ? g_strconcat (path, "?", query, NULL) : g_strdup (path);
}

static NpHttpExchange *
capture_exchange (SoupServerMessage *msg,
                  RequestState      *state)
{
  g_autofree char *target = request_target (msg);
  NpHttpExchange *http = np_http_exchange_new (soup_server_message_get_method (msg), target);
  SoupMessageBody *response_body = soup_server_message_get_response_body (msg);

  http->status = soup_server_message_get_status (msg);
  http->reason = g_strdup (soup_server_message_get_reason_phrase (msg));
  http->request_headers = np_http_headers_to_pairs (soup_server_message_get_request_headers (msg));
  http->response_headers = np_http_headers_to_pairs (soup_server_message_get_response_headers (msg));
  http->request_body = g_bytes_new (state->body->data, state->body->len);
  http->request_length = state->body_length;
  http->response_length = state->bytes_written;
  /* Files are streamed and not kept; generated bodies (canned, listings, errors) are. */
  if (soup_message_body_get_accumulate (response_body))
    http->response_body = soup_message_body_flatten (response_body);
  http->duration_us = g_get_monotonic_time () - state->started_us;

  return http;
}

static void
report_request (NpWebServer       *self,
                SoupServerMessage *msg,
                const char        *aborted)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  RequestState *state = get_state (msg);
  const char *notes[3] = { NULL, g_object_get_data (G_OBJECT (msg), "np-http-note"), aborted };
  g_autoptr(GString) note = g_string_new (NULL);
  NpEvent *event;

  /* No request line yet (a keep-alive connection closed between requests), already
   * reported, or a WebSocket handshake, which CONNECTED reports. */
  if (state == NULL || state->reported || soup_server_message_get_method (msg) == NULL
      || soup_server_message_get_status (msg) == SOUP_STATUS_SWITCHING_PROTOCOLS)
    return;
  state->reported = TRUE;

  notes[0] = state->note;
  for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
    if (notes[i] != NULL)
      g_string_append_printf (note, "%s%s", note->len > 0 ? "; " : "", notes[i]);

  event = np_event_new (NP_EVENT_REQUEST, np_endpoint_get_id (endpoint), state->peer_id, state->peer);
  event->http = capture_exchange (msg, state);
  event->length = event->http->response_length;
  if (note->len > 0)
    event->message = g_strdup (note->str);

  np_endpoint_count_in (endpoint, state->body_length, 1);
  np_endpoint_count_out (endpoint, state->bytes_written, 1);
  np_endpoint_emit (endpoint, event);
}

static void
on_request_finished (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  report_request (user_data, msg, NULL);
}

static void
on_request_aborted (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  NpWebServer *self = user_data;

  g_ptr_array_remove (self->paused, msg);
  report_request (self, msg, _("aborted: the client closed the connection"));
}

static void
answer_canned (SoupServerMessage *msg,
               const NpHttpRoute *route)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gboolean typed = FALSE;

  soup_server_message_set_status (msg, route->status, NULL);
  for (guint i = 0; route->headers[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (!np_http_header_split (route->headers[i], &name, &value, NULL))
        continue;
      soup_message_headers_append (headers, name, value);
      typed |= g_ascii_strcasecmp (name, "Content-Type") == 0;
    }
  if (!typed)
    soup_message_headers_replace (headers, "Content-Type", np_http_guess_content_type (route->body));
  if (g_bytes_get_size (route->body) > 0)
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), route->body);
}

/* Canned responses first, then the folder; a request neither answers gets 404. */
static void
respond (NpWebServer       *self,
         SoupServerMessage *msg,
         const char        *path)
{
  const NpEndpointConfig *config = np_endpoint_get_config (NP_ENDPOINT (self));
  RequestState *state = get_state (msg);
  const char *method = soup_server_message_get_method (msg);
  static const char not_found[] = "404 Not Found\n";

  if (state->body_length > config->max_body_size)
    {
      static const char too_large[] = "413 Content Too Large\n";

      g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT, state->body_length);
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, config->max_body_size);

      state->note = g_strdup_printf (_("the request body (%s bytes) is over the %s-byte limit; "
                                       "the first bytes are kept"), total, limit);
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        too_large, strlen (too_large));
      return;
    }

  for (guint i = 0; i < config->routes->len; i++)
    {
      NpHttpRoute *route = g_ptr_array_index (config->routes, i);

      if (np_http_route_matches (route, method, path))
        {
          g_autofree char *rule = np_http_route_to_string (route);

          state->note = g_strdup_printf (_("canned response “%.60s”"), rule);
          answer_canned (msg, route);
          return;
        }
    }

  if (self->root != NULL)
    {
      state->note = np_http_files_respond (msg, self->root, path);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                    not_found, strlen (not_found));
  state->note = g_strdup (_("no canned response matches and no folder is served"));
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  NpWebServer *self = user_data;

  /* The consumer is behind: this client waits for its answer (and sends nothing more on
   * this connection) until the events queued so far have been taken. */
  if (np_endpoint_is_congested (NP_ENDPOINT (self)))
    {
      g_object_set_data_full (G_OBJECT (msg), "np-web-path", g_strdup (path), g_free);
      soup_server_message_pause (msg);
      g_ptr_array_add (self->paused, g_object_ref (msg));
      return;
    }

  respond (self, msg, path);
}

static void
on_ws_closed (NpWsConnection *connection,
              gpointer        user_data)
{
  NpWebServer *self = user_data;
  guint64 id = np_ws_connection_get_id (connection);

  g_hash_table_remove (self->ws_clients, &id);
}

/* The handshake was answered (101): the connection becomes the client's WebSocket, behind a
 * pausable stream. */
static void
on_upgraded (SoupServerMessage *msg,
             gpointer           user_data)
{
  NpWebServer *self = user_data;
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  g_autoptr(SoupServerMessage) hold G_GNUC_UNUSED = g_object_ref (msg);
  RequestState *state = get_state (msg);
  g_autoptr(GUri) uri = g_uri_ref (soup_server_message_get_uri (msg));
  g_autofree char *origin = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                   "Origin"));
  g_autofree char *protocol = g_strdup (soup_message_headers_get_one (soup_server_message_get_response_headers (msg),
                                                                     "Sec-WebSocket-Protocol"));
  g_autofree char *peer = g_strdup (state->peer);
  guint64 id = state->peer_id;
  NpEvent *event = np_event_new (NP_EVENT_CONNECTED, np_endpoint_get_id (endpoint), id, peer);
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(NpPausableStream) pausable = NULL;
  g_autoptr(SoupWebsocketConnection) socket = NULL;
  NpWsConnection *connection;

  /* What the handshake said, before the message lets go of it. */
  event->http = capture_exchange (msg, state);
  state->reported = TRUE;

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      np_event_unref (event);
      return;
    }

  pausable = np_pausable_stream_new (stream);
  socket = soup_websocket_connection_new (G_IO_STREAM (pausable), uri, SOUP_WEBSOCKET_CONNECTION_SERVER,
                                          origin, protocol, NULL);
  connection = np_ws_connection_new (endpoint, socket, id, peer, pausable);
  g_hash_table_insert (self->ws_clients, g_memdup2 (&id, sizeof id), connection);
  g_signal_connect_object (connection, "closed", G_CALLBACK (on_ws_closed), self, 0);
  np_endpoint_emit (endpoint, event);
}

/* The WebSocket path. The handshake is done here rather than by
 * soup_server_add_websocket_handler() so that the connection can be wrapped before libsoup
 * reads from it: libsoup 3.2 has no other way to stop reading a WebSocket. */
static void
on_websocket_request (SoupServer        *server,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  NpWebServer *self = user_data;
  g_autoptr(GError) error = NULL;
  const char *asked = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                     "Sec-WebSocket-Protocol");
  g_auto(GStrv) offered = asked != NULL ? g_strsplit (asked, ",", 2) : NULL;
  char *first[2] = { offered != NULL ? g_strstrip (offered[0]) : NULL, NULL };
  /* A debugging peer speaks whatever subprotocol the client asks for first (a browser gives
   * up when none it offered comes back); no extensions, so the log shows what was on the wire
   * and 10,000 clients do not cost 10,000 zlib states. */
  char **protocols = first[0] != NULL ? first : NULL;

  if (!soup_websocket_server_check_handshake (msg, NULL, protocols, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf ("400 Bad Request: %s\n", error->message);

      get_state (msg)->note = g_strdup_printf (_("not a WebSocket handshake: %s"), error->message);
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                        text, strlen (text));
      return;
    }

  soup_websocket_server_process_handshake (msg, NULL, protocols, NULL, NULL);
  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (on_upgraded), self, 0);
}

static gboolean
prepare_root (NpWebServer  *self,
              const char   *root,
              char        **message)
{
  char *real = realpath (root, NULL);

  if (real == NULL)
    {
      *message = g_strdup_printf (_("Cannot serve the folder “%s”: %s"), root, g_strerror (errno));
      return FALSE;
    }
  if (!g_file_test (real, G_FILE_TEST_IS_DIR))
    {
      *message = g_strdup_printf (_("Cannot serve “%s”: it is not a folder"), root);
      free (real);
      return FALSE;
    }

  self->root = g_strdup (real);
  free (real);
  return TRUE;
}

static void
np_web_server_start (NpEndpoint *endpoint)
{
  NpWebServer *self = NP_WEB_SERVER (endpoint);
  const NpEndpointConfig *config = np_endpoint_get_config (endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *message = NULL;
  g_autofree char *where = NULL;

  if (config->root != NULL && !prepare_root (self, config->root, &message))
    {
      np_endpoint_finish (endpoint, TRUE, message);
      return;
    }

  self->server = soup_server_new ("server-header", "Netpoke/" PACKAGE_VERSION, NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);
  if (config->ws_path != NULL)
    soup_server_add_handler (self->server, config->ws_path, on_websocket_request, self, NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (on_request_finished), self);
  g_signal_connect (self->server, "request-aborted", G_CALLBACK (on_request_aborted), self);

  /* Bound like the TCP server (dual-stack "::", the same messages), then handed to libsoup. */
  socket = np_address_bind (config->bind_address, config->port, G_SOCKET_TYPE_STREAM, &error);
  if (socket != NULL)
    {
      g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
      if (!g_socket_listen (socket, &error) || !soup_server_listen_socket (self->server, socket, 0, &error))
        g_clear_object (&socket);
    }
  if (socket == NULL)
    {
      np_endpoint_finish (endpoint, TRUE, error->message);
      return;
    }

  local = g_socket_get_local_address (socket, NULL);
  where = local != NULL ? np_address_to_string (local) : g_strdup ("?");
  np_endpoint_emit (endpoint, np_event_new (NP_EVENT_LISTENING, np_endpoint_get_id (endpoint), 0, where));
}

/* Every WebSocket client goes with "going away" and @reason. */
static void
np_web_server_disconnect_all (NpEndpoint *endpoint,
                              const char *reason)
{
  NpWebServer *self = NP_WEB_SERVER (endpoint);
  g_autoptr(GPtrArray) clients = np_endpoint_snapshot_peers (self->ws_clients);

  for (guint i = 0; i < clients->len; i++)
    np_ws_connection_close (g_ptr_array_index (clients, i), SOUP_WEBSOCKET_CLOSE_GOING_AWAY, reason);
}

static void
np_web_server_stop (NpEndpoint *endpoint,
                    const char *reason)
{
  NpWebServer *self = NP_WEB_SERVER (endpoint);

  np_web_server_disconnect_all (endpoint, reason);
  g_ptr_array_set_size (self->paused, 0);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
}

static void
send_to_clients (NpWebServer   *self,
                 const guint64 *peer_ids,
                 guint          n_peer_ids,
                 NpSendBatch   *batch,
                 NpMessageType  type)
{
  NpEndpoint *endpoint = NP_ENDPOINT (self);
  g_autoptr(GPtrArray) targets = NULL;

  if (np_endpoint_get_config (endpoint)->ws_path == NULL)
    {
      np_endpoint_refuse_send (endpoint, batch, 0, NULL,
                               _("Not sent: an HTTP server only answers requests (give it a WebSocket path)"));
      return;
    }

  targets = np_endpoint_pick_peers (endpoint, self->ws_clients, peer_ids, n_peer_ids,
                                    _("Not sent: no WebSocket client is connected"));
  np_ws_connection_send_to (endpoint, targets, batch, type, n_peer_ids == 0);
}

static void
np_web_server_send (NpEndpoint    *endpoint,
                    const guint64 *peer_ids,
                    guint          n_peer_ids,
                    NpSendBatch   *batch)
{
  send_to_clients (NP_WEB_SERVER (endpoint), peer_ids, n_peer_ids, batch, NP_MESSAGE_BINARY);
}

static void
np_web_server_send_text (NpEndpoint    *endpoint,
                         const guint64 *peer_ids,
                         guint          n_peer_ids,
                         NpSendBatch   *batch)
{
  send_to_clients (NP_WEB_SERVER (endpoint), peer_ids, n_peer_ids, batch, NP_MESSAGE_TEXT);
}

static gboolean
np_web_server_disconnect_peer (NpEndpoint *endpoint,
                               guint64     peer_id)
{
  NpWebServer *self = NP_WEB_SERVER (endpoint);
  NpWsConnection *connection = g_hash_table_lookup (self->ws_clients, &peer_id);

  if (connection == NULL)
    return FALSE;

  np_ws_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, _("Disconnected by user"));
  return TRUE;
}

static void
np_web_server_resume (NpEndpoint *endpoint)
{
  NpWebServer *self = NP_WEB_SERVER (endpoint);
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&self->paused);

  self->paused = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) clients = np_endpoint_snapshot_peers (self->ws_clients);

  for (guint i = 0; i < waiting->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (waiting, i);

      respond (self, msg, g_object_get_data (G_OBJECT (msg), "np-web-path"));
      soup_server_message_unpause (msg);
    }
  for (guint i = 0; i < clients->len; i++)
    np_ws_connection_resume (g_ptr_array_index (clients, i));
}

static void
np_web_server_dispose (GObject *object)
{
  NpWebServer *self = (NpWebServer *)object;

  if (self->paused != NULL)
    g_ptr_array_set_size (self->paused, 0);
  if (self->ws_clients != NULL)
    g_hash_table_remove_all (self->ws_clients);
  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }

  G_OBJECT_CLASS (np_web_server_parent_class)->dispose (object);
}

static void
np_web_server_finalize (GObject *object)
{
  NpWebServer *self = (NpWebServer *)object;

  g_clear_pointer (&self->ws_clients, g_hash_table_unref);
  g_clear_pointer (&self->paused, g_ptr_array_unref);
  g_clear_pointer (&self->root, g_free);

  G_OBJECT_CLASS (np_web_server_parent_class)->finalize (object);
}

static void
np_web_server_class_init (NpWebServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NpEndpointClass *endpoint_class = NP_ENDPOINT_CLASS (klass);

  object_class->dispose = np_web_server_dispose;
  object_class->finalize = np_web_server_finalize;

  endpoint_class->start = np_web_server_start;
  endpoint_class->stop = np_web_server_stop;
  endpoint_class->send = np_web_server_send;
  endpoint_class->send_text = np_web_server_send_text;
  endpoint_class->disconnect_peer = np_web_server_disconnect_peer;
  endpoint_class->disconnect_all = np_web_server_disconnect_all;
  endpoint_class->resume = np_web_server_resume;
}

static void
np_web_server_init (NpWebServer *self)
{
  self->ws_clients = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->paused = g_ptr_array_new_with_free_func (g_object_unref);
}
