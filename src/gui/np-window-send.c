#define G_LOG_DOMAIN "np-window-send"

#include "config.h"

#include <glib/gi18n.h>

#include "np-address.h"
#include "np-window-private.h"

/* Sending from the window: where Send goes, what its button says, and Repeat.
 *
 * One rule for Send (the button, Ctrl+Enter, Repeat, a saved message): to the selected
 * clients or peers when some are selected, else to every client (a server), the destination
 * (UDP with one), every peer heard (UDP without), or the connection (a client). The button
 * says which ("Send to 2 Selected", "Send to All", "Send to 192.0.2.7:9000"); the client
 * list's own buttons stay explicit (Send to Selected, Send to All). */

typedef enum
{
  TARGET_CONNECTION,   /* a client: its one connection */
  TARGET_SELECTED,
  TARGET_ALL,          /* every client of a server */
  TARGET_DESTINATION,  /* UDP: the Destination field */
  TARGET_ALL_HEARD,    /* UDP without a destination: every peer heard from */
} Target;

static NpMode
current_mode (NpWindow *self)
{
  return self->running ? self->running_mode : np_endpoint_bar_get_mode (self->endpoint_bar);
}

static Target
send_target (NpWindow *self)
{
  NpMode mode = current_mode (self);
  g_autofree char *destination = NULL;

  if (!np_mode_has_peers (mode))
    return TARGET_CONNECTION;
  if (np_peer_list_get_has_selection (self->peer_list))
    return TARGET_SELECTED;
  if (mode != NP_MODE_UDP)
    return TARGET_ALL;
  destination = np_endpoint_bar_get_destination (self->endpoint_bar);
  return destination[0] != '\0' ? TARGET_DESTINATION : TARGET_ALL_HEARD;
}

/* Why Send can go nowhere now, or %NULL when it can. The Send button is insensitive and says
 * this in its tooltip, and Ctrl+Enter says it in a toast (a key that does nothing must say
 * why). "All" of no clients is nobody, as for the client list's Send to All; UDP's peers heard
 * likewise, until a destination is entered. */
const char *
_np_window_why_no_send (NpWindow *self)
{
  NpMode mode = current_mode (self);
  Target target;

  /* The HTTP client sends by making a request: whenever it is not making one. */
  if (mode == NP_MODE_HTTP_CLIENT)
    return self->running ? _("A request is on its way: wait for its answer, or cancel it") : NULL;
  if (NP_MODE_IS_RELAY (mode))
    return _("A relay passes on what its two sides send: there is nothing to send from here");
  if (!self->running)
    return np_mode_is_client (mode) ? _("Not connected: press Connect first") : _("Not started: press Start first");

  target = send_target (self);
  if ((target == TARGET_ALL || target == TARGET_ALL_HEARD)
      && g_list_model_get_n_items (G_LIST_MODEL (np_peer_list_get_peers (self->peer_list))) == 0)
    return target == TARGET_ALL ? _("No client is connected: there is nobody to send to")
                                : _("No peer has been heard from yet: enter a destination (HOST:PORT) to send to");
  return NULL;
}

/* What the Send button says: where a click sends. */
void
_np_window_update_send_label (NpWindow *self)
{
  g_autofree char *label = NULL;

  switch (send_target (self))
    {
    case TARGET_SELECTED:
      {
        g_autoptr(GArray) ids = np_peer_list_get_selected_ids (self->peer_list);

        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Send to %u Selected", "Send to %u Selected",
                                              ids->len), ids->len);
      }
      break;
    case TARGET_ALL:
      label = g_strdup (_("Send to All"));
      break;
    case TARGET_DESTINATION:
      {
        g_autofree char *destination = np_endpoint_bar_get_destination (self->endpoint_bar);

        label = g_strdup_printf (_("Send to %s"), destination);
      }
      break;
    case TARGET_ALL_HEARD:
      label = g_strdup (_("Send to All Heard"));
      break;
    case TARGET_CONNECTION:
    default:
      label = g_strdup (_("Send"));
      break;
    }
  np_send_box_set_send_label (self->send_box, label);
  np_send_box_set_unavailable (self->send_box, _np_window_why_no_send (self));
}

/* A running UDP endpoint sends to the Destination field as it reads now: a new one is handed
 * to the engine before the send (both run in order on its thread). While running it must be
 * an IP address: names are looked up at Start. */
static gboolean
apply_destination (NpWindow  *self,
                   GError   **error)
{
  g_autofree char *text = np_endpoint_bar_get_destination (self->endpoint_bar);
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  guint16 port;

  if (g_strcmp0 (text, self->applied_destination) == 0)
    return TRUE;

  if (!np_address_split (text, &host, &port, error))
    return FALSE;
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("While listening, the destination must be an IP address and port (“%s” is looked up only "
                     "when starting)"), host);
      return FALSE;
    }

  address = g_inet_socket_address_new (inet, port);
  np_engine_set_destination (self->engine, self->endpoint_id, address);
  g_free (self->applied_destination);
  self->applied_destination = g_steal_pointer (&text);
  return TRUE;
}

/* The peers Send goes to now (%NULL: the endpoint's own default, its connection or every
 * client), or %FALSE with @error when there is nobody to send to. */
static gboolean
default_targets (NpWindow  *self,
                 GArray   **ids,
                 GError   **error)
{
  *ids = NULL;
  switch (send_target (self))
    {
    case TARGET_SELECTED:
      *ids = np_peer_list_get_selected_ids (self->peer_list);
      return TRUE;
    case TARGET_DESTINATION:
      return apply_destination (self, error);
    case TARGET_ALL_HEARD:
      *ids = np_peer_table_get_ids (np_peer_list_get_peers (self->peer_list));
      if ((*ids)->len > 0)
        return TRUE;
      g_clear_pointer (ids, g_array_unref);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("No peer has been heard from yet: enter a destination (HOST:PORT) to send to"));
      return FALSE;
    case TARGET_CONNECTION:
    case TARGET_ALL:
    default:
      return TRUE;
    }
}

/* @payload to @ids (%NULL: the endpoint's default); the engine adds the framing header. */
static void
send_to (NpWindow      *self,
         GArray        *ids,
         GBytes        *payload,
         NpMessageType  type)
{
  g_autoptr(NpSendBatch) batch = np_send_batch_new_for_bytes (payload);

  np_engine_send_batch_as (self->engine, self->endpoint_id,
                           ids != NULL ? (const guint64 *) ids->data : NULL, ids != NULL ? ids->len : 0,
                           batch, type);
}

/* @payload to the peers Send goes to now. */
void
_np_window_send_bytes (NpWindow      *self,
                       GBytes        *payload,
                       NpMessageType  type)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  if (!default_targets (self, &ids, &error))
    {
      _np_window_set_repeating (self, FALSE);
      _np_window_show_error (self, error->message);
      return;
    }
  send_to (self, ids, payload, type);
}

/* Encodes the draft, or says why not (and stops repeating). */
static GBytes *
encode_draft (NpWindow      *self,
              gboolean       remember,
              NpMessageType *type)
{
  g_autoptr(GError) error = NULL;
  GBytes *payload;
  NpFormat format;

  payload = np_send_box_encode_draft (self->send_box, remember, &error);
  if (payload == NULL)
    {
      _np_window_set_repeating (self, FALSE);
      _np_window_show_error (self, error->message);
      return NULL;
    }

  /* Over WebSocket, what is written as hex goes as a binary message, the rest as text. */
  g_object_get (self->send_box, "format", &format, NULL);
  *type = format == NP_FORMAT_HEX ? NP_MESSAGE_BINARY : NP_MESSAGE_TEXT;
  return payload;
}

/* GET and HEAD send no body from the message box, as curl and Packet Sender send none: a
 * draft left from another mode went out as a GET's body. A body file is the user's explicit
 * choice for the request and still goes. */
static gboolean
method_takes_draft (const char *method)
{
  return g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0;
}

/* The HTTP client's method says under the message box whether the box is its body. */
void
_np_window_update_request_note (NpWindow *self)
{
  const char *method = np_endpoint_bar_get_method (self->endpoint_bar);
  g_autofree char *note = NULL;

  if (np_endpoint_bar_get_mode (self->endpoint_bar) == NP_MODE_HTTP_CLIENT && !method_takes_draft (method))
    note = g_strdup_printf (_("%s sends no body: the message box is not sent (choose POST or PUT to send it)"), method);
  np_send_box_set_note (self->send_box, note);
}

/* An HTTP request's body: the body file when one is chosen, else the message box (as it is
 * written there: text, hex or escapes) unless the method takes none, else none. */
gboolean
_np_window_add_request_body (NpWindow          *self,
                             NpEndpointConfig  *config,
                             GError           **error)
{
  NpWebOptions *options = np_endpoint_bar_get_web_options (self->endpoint_bar);
  g_autofree char *draft = np_send_box_get_draft (self->send_box);
  GError *file_error = NULL;

  config->body = np_web_options_load_body_file (options, &file_error);
  if (file_error != NULL)
    {
      g_propagate_error (error, file_error);
      return FALSE;
    }
  if (config->body != NULL || draft[0] == '\0' || !method_takes_draft (config->method))
    return TRUE;

  config->body = np_send_box_encode_draft (self->send_box, TRUE, error);
  return config->body != NULL;
}

/* Whether the endpoint takes a message now. An HTTP client does not: Send makes its request
 * by starting it (one request, one endpoint, the message box being the body), here; while one
 * is on its way the next waits. */
static gboolean
ready_to_send (NpWindow *self)
{
  if (np_endpoint_bar_get_mode (self->endpoint_bar) == NP_MODE_HTTP_CLIENT && !self->running)
    {
      np_window_start (self);
      return FALSE;
    }
  return self->running && self->running_mode != NP_MODE_HTTP_CLIENT;
}

/**
 * _np_window_send:
 * @peer_ids: (nullable) (element-type guint64): the targets, or %NULL for the endpoint's
 *   default (every client, the destination, the connection)
 * @remember: whether the draft goes into the history
 *
 * Sends the draft to @peer_ids (the client list's buttons).
 */
void
_np_window_send (NpWindow *self,
                 GArray   *peer_ids,
                 gboolean  remember)
{
  g_autoptr(GBytes) payload = NULL;
  NpMessageType type;

  if (ready_to_send (self) && (payload = encode_draft (self, remember, &type)) != NULL)
    send_to (self, peer_ids, payload, type);
}

/* Send: the draft where the Send button says. Repeat stops, saying why, when nowhere is left
 * (the last client gone): it would only have reported a failure at every interval. */
void
_np_window_send_draft (NpWindow *self,
                       gboolean  remember)
{
  g_autoptr(GBytes) payload = NULL;
  const char *why_not = _np_window_why_no_send (self);
  NpMessageType type;

  if (why_not != NULL && self->running)
    {
      _np_window_set_repeating (self, FALSE);
      _np_window_show_error (self, why_not);
      return;
    }
  if (!ready_to_send (self) || (payload = encode_draft (self, remember, &type)) == NULL)
    return;
  _np_window_send_bytes (self, payload, type);
}

/* ---- repeat -------------------------------------------------------------------------------- */

static gboolean
on_repeat (gpointer user_data)
{
  _np_window_send_draft (user_data, FALSE);
  return G_SOURCE_CONTINUE;
}

/* Repeat sends the draft now and again every interval, where Send goes, until turned off or
 * the endpoint stops. */
void
_np_window_set_repeating (NpWindow *self,
                          gboolean  repeating)
{
  repeating = repeating && self->running;
  if (self->repeating == repeating)
    return;

  self->repeating = repeating;
  g_clear_handle_id (&self->repeat_id, g_source_remove);
  if (repeating)
    {
      _np_window_send_draft (self, TRUE);
      if (self->repeating)
        {
          self->repeat_id = g_timeout_add (np_send_box_get_repeat_interval (self->send_box), on_repeat, self);
          g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->repeat_id), "[netpoke] repeat");
        }
    }
  g_object_notify (G_OBJECT (self), "repeating");
}
