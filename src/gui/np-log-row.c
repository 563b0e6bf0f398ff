#define G_LOG_DOMAIN "np-log-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-log-row.h"

struct _NpLogRow
{
  GObject         parent_instance;

  gint64          time_us;
  NpLogDirection  direction;
  char           *peer;      /* GRefString, interned: thousands of rows share one copy */
  guint64         peer_id;
  gsize           length;    /* full payload length */
  gboolean        has_length; /* a message, a file or a request: the Length column says how long */
  GBytes         *preview;   /* at most NP_LOG_ROW_PREVIEW bytes of it, or NULL */
  GBytes         *bytes;     /* all of it, while kept (the preview is then a slice of it) */
  NpLogRowKept    kept;
  const NpMagic  *magic;     /* what its first bytes say it is */
  int             picture_width;   /* decoded: its size in pixels, or why it is no picture */
  int             picture_height;
  char           *picture_error;
  char           *message;   /* info and error rows; the summary of an HTTP row */
  NpMessageType   message_type;
  NpHttpExchange *http;      /* HTTP rows: the exchange, bodies cut to NP_LOG_ROW_BODY_LIMIT */
  guint           reply_rule; /* a reply rule's answer: its number */
};

G_DEFINE_FINAL_TYPE (NpLogRow, np_log_row, G_TYPE_OBJECT)

static void
np_log_row_finalize (GObject *object)
{
  NpLogRow *self = (NpLogRow *)object;

  g_clear_pointer (&self->peer, g_ref_string_release);
  g_clear_pointer (&self->preview, g_bytes_unref);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->picture_error, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->http, np_http_exchange_free);

  G_OBJECT_CLASS (np_log_row_parent_class)->finalize (object);
}

static void
np_log_row_class_init (NpLogRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_log_row_finalize;
}

static void
np_log_row_init (NpLogRow *self)
{
  self->magic = np_magic_unknown ();
}

static NpLogDirection
direction_for (const NpEvent *event)
{
  switch (event->kind)
    {
    case NP_EVENT_RECEIVED:
      if (event->relay != NP_RELAY_NONE)
        return event->relay == NP_RELAY_TO_TARGET ? NP_LOG_DIRECTION_TO_TARGET : NP_LOG_DIRECTION_TO_CLIENT;
      return NP_LOG_DIRECTION_IN;
    case NP_EVENT_SENT:     return NP_LOG_DIRECTION_OUT;
    case NP_EVENT_ERROR:    return NP_LOG_DIRECTION_ERROR;
    case NP_EVENT_FILE:     return event->failed ? NP_LOG_DIRECTION_ERROR : NP_LOG_DIRECTION_INFO;
    case NP_EVENT_STOPPED:
    case NP_EVENT_DISCONNECTED:
      return event->failed ? NP_LOG_DIRECTION_ERROR : NP_LOG_DIRECTION_INFO;
    case NP_EVENT_REQUEST:
      /* A request the server answered came in; one the client made went out. */
      if (event->http->status == 0)
        return NP_LOG_DIRECTION_ERROR;
      return event->http->outgoing ? NP_LOG_DIRECTION_OUT : NP_LOG_DIRECTION_IN;
    case NP_EVENT_LISTENING:
    case NP_EVENT_CONNECTED:
    case NP_EVENT_PONG:
    default:
      return NP_LOG_DIRECTION_INFO;
    }
}

/* Who a send to several peers went to: "all 1,000 clients", "3 clients", "all 12 peers heard". */
static char *
describe_targets (const NpEvent *event,
                  NpMode         mode)
{
  g_autofree char *count = g_strdup_printf ("%'u", event->n_peers);

  if (mode == NP_MODE_UDP)
    return event->to_all
           ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "all %s peer heard", "all %s peers heard", event->n_peers), count)
           : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s peer", "%s peers", event->n_peers), count);

  return event->to_all
         ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "all %s client", "all %s clients", event->n_peers), count)
         : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s client", "%s clients", event->n_peers), count);
}

/**
 * np_log_row_describe_http:
 * @note: (nullable): what the server said about it (a canned response, a refusal)
 *
 * Returns: (transfer full): one line for the log: "GET /status → 200 OK, 2 B (…)"
 */
char *
np_log_row_describe_http (const NpHttpExchange *http,
                          const char           *note)
{
  g_autofree char *length = g_strdup_printf ("%" G_GUINT64_FORMAT, http->response_length);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s %s → %u %s", http->method, http->target, http->status,
                          http->reason != NULL ? http->reason : "");
  g_string_append_printf (text, _(", %s bytes"), length);
  if (http->outgoing && http->duration_us >= 0)
    g_string_append_printf (text, _(" in %.1f ms"), http->duration_us / 1000.0);
  if (note != NULL)
    g_string_append_printf (text, " (%s)", note);

  return g_string_free (text, FALSE);
}

/* Whether @event is a row of the log: progress of a file being sent is not (its end is), nor
 * a snapshot of counters, nor a server's client that went because the user closed them all
 * (Stop, Disconnect All): the operation's row counts those (1,000 rows that all said
 * "Disconnected: Stopped by user" were noise, and splicing them scrolled a screenful of new
 * rows into view: 30-45 ms of the UI thread, mostly each cell telling the accessibility bus
 * its new text). */
static gboolean
is_shown (const NpEvent *event,
          NpMode         mode)
{
  if (event->kind == NP_EVENT_DISCONNECTED && event->in_bulk)
    return np_mode_is_client (mode);
  return event->kind != NP_EVENT_COUNTERS && (event->kind != NP_EVENT_FILE || event->failed);
}

/* "Stopped by user — 1,000 clients disconnected", "Disconnected by user (all clients) — 3
 * clients disconnected": the clients a server's Stop or Disconnect All closed. */
static char *
describe_bulk (const NpEvent *event,
               NpMode         mode)
{
  g_autofree char *reason = event->failed ? g_strdup_printf (_("Stopped: %s"), event->message)
                                          : g_strdup (event->message);
  g_autofree char *count = NULL;

  if (np_mode_is_client (mode) || (event->kind == NP_EVENT_STOPPED && event->n_peers == 0))
    return g_steal_pointer (&reason);

  count = g_strdup_printf ("%'u", event->n_peers);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s — %s client disconnected", "%s — %s clients disconnected",
                                       event->n_peers),
                          reason, count);
}

/**
 * np_log_row_new_from_event:
 * @mode: the endpoint's mode, for the words of a send to several peers and whether the
 *   clients a stop closed are rows of their own (a client's one peer) or counted in the
 *   STOPPED row (a server's; Disconnect All's are counted in its DISCONNECTED_ALL row)
 *
 * One send is one row however many peers it went to: the peer column then says how many.
 *
 * Returns: (transfer full) (nullable): a row, its payload shared (cut to a preview when long);
 *   %NULL for an event that is no line of the log (a counter snapshot)
 */
NpLogRow *
np_log_row_new_from_event (const NpEvent *event,
                           NpMode         mode)
{
  NpLogRow *self;

  g_return_val_if_fail (event != NULL, NULL);

  if (!is_shown (event, mode))
    return NULL;

  self = g_object_new (NP_TYPE_LOG_ROW, NULL);
  self->time_us = event->time_us;
  self->direction = direction_for (event);
  if (event->kind == NP_EVENT_SENT && event->n_peers > 1)
    {
      g_autofree char *targets = describe_targets (event, mode);

      self->peer = g_ref_string_new_intern (targets);
    }
  else if (event->peer != NULL)
    self->peer = g_ref_string_new_intern (event->peer);
  self->peer_id = event->peer_id;
  self->length = event->length;
  /* A file sent or an HTTP exchange has no payload on the row, but a length all the same. */
  self->has_length = event->kind == NP_EVENT_RECEIVED || event->kind == NP_EVENT_SENT
                     || event->kind == NP_EVENT_REQUEST;
  self->message_type = event->message_type;
  self->reply_rule = event->reply_rule;
  if (event->http != NULL)
    self->http = np_http_exchange_copy_bounded (event->http, NP_LOG_ROW_BODY_LIMIT);
  if (event->payload != NULL)
    {
      gsize size = g_bytes_get_size (event->payload);

      self->magic = np_magic_sniff (g_bytes_get_data (event->payload, NULL), size);
      if (size == event->length && size <= NP_LOG_ROW_KEEP_MAX)
        {
          /* The event's own bytes, shared, not copied; the preview is a slice of them. */
          self->bytes = g_bytes_ref (event->payload);
          self->kept = NP_LOG_ROW_KEPT_ALL;
          self->preview = size <= NP_LOG_ROW_PREVIEW ? g_bytes_ref (event->payload)
                                                     : g_bytes_new_from_bytes (event->payload, 0, NP_LOG_ROW_PREVIEW);
        }
      else
        {
          /* A slice of a huge payload would keep all of it alive: copy the preview instead. */
          self->kept = NP_LOG_ROW_KEPT_TOO_LONG;
          self->preview = size <= NP_LOG_ROW_PREVIEW
                          ? g_bytes_ref (event->payload)
                          : g_bytes_new (g_bytes_get_data (event->payload, NULL), NP_LOG_ROW_PREVIEW);
        }
    }

  switch (event->kind)
    {
    case NP_EVENT_LISTENING:
      self->message = g_strdup_printf (_("Listening on %s"), event->peer);
      break;
    case NP_EVENT_CONNECTED:
      if (event->http != NULL && !event->http->outgoing)
        self->message = g_strdup_printf (_("Connected (WebSocket %s)"), event->http->target);
      else if (event->tls != NULL)
        {
          g_autofree char *tls = np_tls_info_describe (event->tls);

          self->message = g_strdup_printf (_("Connected over %s"), tls);
        }
      else if (event->message != NULL)
        self->message = g_strdup_printf (_("Connected (%s)"), event->message);
      else
        self->message = g_strdup (_("Connected"));
      break;
    case NP_EVENT_REQUEST:
      self->message = np_log_row_describe_http (event->http, event->message);
      break;
    case NP_EVENT_PONG:
      self->message = g_strdup (_("Pong: the peer answered a ping"));
      break;
    case NP_EVENT_DISCONNECTED:
      self->message = g_strdup_printf (_("Disconnected: %s"), event->message);
      break;
    case NP_EVENT_STOPPED:
      /* A reason already says it stopped ("Stopped by user", "Netpoke is quitting"); a failure
       * says what failed, so the row says that it stopped too. */
      self->message = describe_bulk (event, mode);
      break;
    case NP_EVENT_DISCONNECTED_ALL:
      self->message = describe_bulk (event, mode);
      break;
    case NP_EVENT_FINISHED:
      self->message = g_strdup (_("Peer finished sending — replies can still be sent"));
      break;
    case NP_EVENT_ERROR:
    case NP_EVENT_NOTICE:
    case NP_EVENT_FILE:
      self->message = g_strdup (event->message);
      break;
    case NP_EVENT_SENT:
      /* A file sent in chunks has no payload to show: its name says what went. */
      if (event->file != NULL && event->payload == NULL)
        {
          g_autofree char *name = g_path_get_basename (event->file);

          self->message = g_strdup_printf (_("File %s"), name);
        }
      break;
    case NP_EVENT_RECEIVED:
    default:
      break;
    }

  return self;
}

NpLogRow *
np_log_row_new_info (NpLogDirection  direction,
                     const char     *peer,
                     const char     *message)
{
  NpLogRow *self = g_object_new (NP_TYPE_LOG_ROW, NULL);

  self->time_us = g_get_real_time ();
  self->direction = direction;
  self->peer = peer != NULL ? g_ref_string_new_intern (peer) : NULL;
  self->message = g_strdup (message);

  return self;
}

gint64
np_log_row_get_time (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), 0);
  return self->time_us;
}

NpLogDirection
np_log_row_get_direction (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NP_LOG_DIRECTION_INFO);
  return self->direction;
}

const char *
np_log_row_get_peer (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);
  return self->peer;
}

guint64
np_log_row_get_peer_id (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), 0);
  return self->peer_id;
}

gsize
np_log_row_get_length (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), 0);
  return self->length;
}

/**
 * np_log_row_describe_length:
 * @with_type: say whether a WebSocket message was text or binary
 *
 * Returns: (transfer full): the Length column's text: the bytes of a message, a file or an HTTP
 *   response ("15", "15 text", "15 binary"), "" for the other rows
 */
char *
np_log_row_describe_length (NpLogRow *self,
                            gboolean  with_type)
{
  g_autofree char *length = NULL;

  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);

  if (!self->has_length)
    return g_strdup ("");
  length = g_strdup_printf ("%" G_GSIZE_FORMAT, self->length);
  if (with_type && self->message_type == NP_MESSAGE_TEXT)
    /* Translators: the Length column of a WebSocket text message: "15 text" */
    return g_strdup_printf (_("%s text"), length);
  if (with_type && self->message_type == NP_MESSAGE_BINARY)
    /* Translators: the Length column of a WebSocket binary message: "15 binary" */
    return g_strdup_printf (_("%s binary"), length);
  return g_steal_pointer (&length);
}

/**
 * np_log_row_get_preview:
 * Returns: (transfer none) (nullable): the stored bytes (all of a short payload)
 */
GBytes *
np_log_row_get_preview (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);
  return self->preview;
}

gboolean
np_log_row_is_truncated (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), FALSE);
  return self->preview != NULL && g_bytes_get_size (self->preview) < self->length;
}

const char *
np_log_row_get_message (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);
  return self->message;
}

NpMessageType
np_log_row_get_message_type (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NP_MESSAGE_BYTES);
  return self->message_type;
}

/* The reply rule whose answer this row is (1-based); 0: not a rule's. */
guint
np_log_row_get_reply_rule (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), 0);
  return self->reply_rule;
}

/**
 * np_log_row_get_http:
 * Returns: (transfer none) (nullable): the HTTP exchange of a request row or a WebSocket
 *   handshake, bodies cut to NP_LOG_ROW_BODY_LIMIT
 */
const NpHttpExchange *
np_log_row_get_http (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);
  return self->http;
}

/**
 * np_log_row_get_bytes:
 * Returns: (transfer none) (nullable): every byte of the payload, while the row keeps them
 *   (see np_log_row_get_kept ())
 */
GBytes *
np_log_row_get_bytes (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);
  return self->bytes;
}

NpLogRowKept
np_log_row_get_kept (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NP_LOG_ROW_KEPT_NOTHING);
  return self->kept;
}

/**
 * np_log_row_forget_bytes:
 *
 * Lets the whole payload go and keeps a copy of its preview (the log's budget is spent).
 *
 * Returns: how many bytes the row no longer holds
 */
gsize
np_log_row_forget_bytes (NpLogRow *self)
{
  gsize size;

  g_return_val_if_fail (NP_IS_LOG_ROW (self), 0);

  if (self->bytes == NULL)
    return 0;

  size = g_bytes_get_size (self->bytes);
  if (size > NP_LOG_ROW_PREVIEW)
    {
      g_clear_pointer (&self->preview, g_bytes_unref);
      self->preview = g_bytes_new (g_bytes_get_data (self->bytes, NULL), NP_LOG_ROW_PREVIEW);
    }
  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->kept = NP_LOG_ROW_KEPT_BUDGET;

  return size;
}

/**
 * np_log_row_describe_kept:
 * Returns: (transfer full) (nullable): why only part of the payload is here, for a person
 *   ("Only the first 1024 of 20000000 bytes were kept: …"); %NULL when all of it is
 */
char *
np_log_row_describe_kept (NpLogRow *self)
{
  g_autofree char *length = NULL;
  g_autofree char *preview = NULL;

  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);

  if (self->kept != NP_LOG_ROW_KEPT_TOO_LONG && self->kept != NP_LOG_ROW_KEPT_BUDGET)
    return NULL;

  length = g_strdup_printf ("%" G_GSIZE_FORMAT, self->length);
  preview = g_strdup_printf ("%" G_GSIZE_FORMAT, self->preview != NULL ? g_bytes_get_size (self->preview) : 0);
  if (self->kept == NP_LOG_ROW_KEPT_TOO_LONG)
    return g_strdup_printf (_("Only the first %s of %s bytes were kept: a message longer than 16 MiB keeps its first bytes only"),
                            preview, length);
  return g_strdup_printf (_("Only the first %s of %s bytes are still kept: the log keeps whole messages up to 256 MiB in all, and this one is among the oldest"),
                          preview, length);
}

/**
 * np_log_row_get_magic:
 * Returns: (transfer none): what the payload's first bytes say it is
 */
const NpMagic *
np_log_row_get_magic (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), np_magic_unknown ());
  return self->magic;
}

/**
 * np_log_row_set_picture:
 * @error: (nullable): why the payload is no picture ("not a valid PNG: …"), or %NULL when it
 *   decoded as @width × @height pixels
 *
 * What decoding the row's picture found, kept so that it is decoded to learn that only once.
 */
void
np_log_row_set_picture (NpLogRow   *self,
                        int         width,
                        int         height,
                        const char *error)
{
  g_return_if_fail (NP_IS_LOG_ROW (self));

  self->picture_width = error == NULL ? width : 0;
  self->picture_height = error == NULL ? height : 0;
  g_free (self->picture_error);
  self->picture_error = g_strdup (error);
}

/**
 * np_log_row_get_picture:
 * Returns: whether the row's picture was decoded (or failed to be)
 */
gboolean
np_log_row_get_picture (NpLogRow    *self,
                        int         *width,
                        int         *height,
                        const char **error)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), FALSE);

  if (width != NULL)
    *width = self->picture_width;
  if (height != NULL)
    *height = self->picture_height;
  if (error != NULL)
    *error = self->picture_error;
  return self->picture_width > 0 || self->picture_error != NULL;
}
