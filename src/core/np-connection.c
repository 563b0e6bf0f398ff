#define G_LOG_DOMAIN "np-connection"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "np-address.h"
#include "np-connection-private.h"

/* How many reads one dispatch may do before giving other sockets a turn. */
#define READS_PER_DISPATCH 16

/* How long closing a TLS connection may wait for the peer to take our close_notify. */
#define TLS_CLOSE_TIMEOUT_S 2

G_DEFINE_FINAL_TYPE (NpConnection, np_connection, G_TYPE_OBJECT)

void
_np_connection_clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* No more reading, whichever way the connection was read. */
void
_np_connection_stop_reading (NpConnection *self)
{
  _np_connection_clear_source (&self->in_source);
  g_clear_pointer (&self->in_watch, np_watch_remove);
}

static void
np_connection_dispose (GObject *object)
{
  NpConnection *self = (NpConnection *)object;

  _np_connection_stop_reading (self);
  _np_connection_clear_source (&self->out_source);
  _np_connection_clear_source (&self->stall_source);
  g_clear_pointer (&self->hangup_watch, np_watch_remove);
  g_queue_clear_full (&self->out_queue, (GDestroyNotify) np_send_batch_unref);

  G_OBJECT_CLASS (np_connection_parent_class)->dispose (object);
}

static void
np_connection_finalize (GObject *object)
{
  NpConnection *self = (NpConnection *)object;

  g_clear_object (&self->stream);
  g_clear_object (&self->framer);
  g_clear_pointer (&self->peer, g_free);
  g_clear_pointer (&self->close_reason, g_free);

  G_OBJECT_CLASS (np_connection_parent_class)->finalize (object);
}

static void
np_connection_class_init (NpConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_connection_dispose;
  object_class->finalize = np_connection_finalize;
}

static void
np_connection_init (NpConnection *self)
{
  g_queue_init (&self->out_queue);
}

/* The socket under @stream: a GSocketConnection's own, or the one under TLS. */
static GSocketConnection *
socket_connection_of (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (G_IS_SOCKET_CONNECTION (stream))
    return G_SOCKET_CONNECTION (stream);

  g_return_val_if_fail (G_IS_TLS_CONNECTION (stream), NULL);
  g_object_get (stream, "base-io-stream", &base, NULL);
  return G_SOCKET_CONNECTION (base);   /* the TLS connection keeps it */
}

/**
 * np_connection_new:
 * @stream: a #GSocketConnection, or a #GTlsConnection over one (its handshake done)
 *
 * Returns: (transfer full): a connection with a fresh peer id from @owner; call
 *   np_connection_start() once the owner has filed it
 */
NpConnection *
np_connection_new (NpEndpoint *owner,
                   GIOStream  *stream)
{
  NpConnection *self;
  const NpEndpointConfig *config;
  GSocketConnection *base;
  g_autoptr(GSocketAddress) remote = NULL;

  g_return_val_if_fail (NP_IS_ENDPOINT (owner), NULL);
  g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);

  config = np_endpoint_get_config (owner);
  base = socket_connection_of (stream);

  self = g_object_new (NP_TYPE_CONNECTION, NULL);
  self->owner = owner;
  self->stream = g_object_ref (stream);
  self->socket = g_socket_connection_get_socket (base);
  self->output = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream));
  self->id = np_endpoint_next_peer_id (owner);
  self->counters.peer_id = self->id;
  self->last_progress = g_get_monotonic_time ();
  remote = g_socket_connection_get_remote_address (base, NULL);
  self->peer = remote != NULL ? np_address_to_string (remote) : g_strdup ("?");
  if (config->framer != NULL && np_framer_get_kind (config->framer) != NP_FRAMING_RAW)
    self->framer = np_framer_copy_settings (config->framer);

  /* Small messages out promptly: this is a poking tool, latency matters more than packing. */
  g_socket_set_option (self->socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  if (config->keepalive)
    np_connection_set_keepalive (self->socket);

  return self;
}

/* TCP keep-alive that notices in about half a minute, not the system's two hours: probes after
 * 10 s without traffic, every 5 s, 3 unanswered mean the peer is gone ("Connection timed out").
 * The kernel probes: no wakeup of ours. */
void
np_connection_set_keepalive (GSocket *socket)
{
  g_socket_set_keepalive (socket, TRUE);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPIDLE, NP_KEEPALIVE_IDLE_S, NULL);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPINTVL, NP_KEEPALIVE_INTERVAL_S, NULL);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPCNT, NP_KEEPALIVE_PROBES, NULL);
}

guint64
np_connection_get_id (NpConnection *self)
{
  g_return_val_if_fail (NP_IS_CONNECTION (self), 0);

  return self->id;
}

const char *
np_connection_get_peer (NpConnection *self)
{
  g_return_val_if_fail (NP_IS_CONNECTION (self), NULL);

  return self->peer;
}

gboolean
np_connection_get_failed (NpConnection *self)
{
  g_return_val_if_fail (NP_IS_CONNECTION (self), FALSE);

  return self->failed;
}

const char *
np_connection_get_close_reason (NpConnection *self)
{
  g_return_val_if_fail (NP_IS_CONNECTION (self), NULL);

  return self->close_reason;
}

static void
deliver (NpConnection *self,
         GBytes       *message,
         gsize         length)
{
  const NpEndpointConfig *config = np_endpoint_get_config (self->owner);

  self->counters.messages_in++;
  np_endpoint_count_in (self->owner, 0, 1);
  np_endpoint_emit_received (self->owner, self->id, self->peer,
                             config->count_only ? NULL : message, length);

  /* The reply rules (echo among them) answer whole messages; the answer goes out the way
   * every send does, framed by the endpoint. */
  np_endpoint_answer (self->owner, self->id, self->peer, message, NP_MESSAGE_BYTES);
}

/* Tells the endpoint's framing budget how much memory our framer holds now. */
static void
count_framed (NpConnection *self)
{
  gsize now = self->framer != NULL && !self->closed ? np_framer_get_allocated (self->framer) : 0;

  if (now == self->framed)
    return;
  np_framing_budget_count (np_endpoint_get_framing_budget (self->owner), (gssize) now - (gssize) self->framed);
  self->framed = now;
}

gsize
np_connection_get_framed (NpConnection *self)
{
  g_return_val_if_fail (NP_IS_CONNECTION (self), 0);

  return self->framed;
}

/* Hands what is still buffered to the user when the stream ends: nothing is lost. */
static void
flush_framer (NpConnection *self)
{
  g_autoptr(GBytes) rest = NULL;

  if (self->framer == NULL)
    return;

  rest = np_framer_flush (self->framer);
  if (rest != NULL)
    deliver (self, rest, g_bytes_get_size (rest));
  count_framed (self);
}

static void
handle_data (NpConnection *self,
             const guint8 *data,
             gsize         length)
{
  const NpEndpointConfig *config = np_endpoint_get_config (self->owner);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  self->counters.bytes_in += length;
  np_endpoint_count_in (self->owner, length, 0);
  np_endpoint_peer_changed (self->owner, &self->counters);

  if (self->framer == NULL)
    {
      /* Raw: the read is the message. Count-only mode skips the copy unless a rule may
       * answer it. */
      g_autoptr(GBytes) message = config->count_only && !np_endpoint_is_answering (self->owner)
                                  ? NULL : g_bytes_new (data, length);

      deliver (self, message, length);
      return;
    }

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  ok = np_framer_push (self->framer, data, length, messages, &error);
  count_framed (self);

  for (guint i = 0; i < messages->len; i++)
    {
      GBytes *message = g_ptr_array_index (messages, i);

      deliver (self, message, g_bytes_get_size (message));
    }

  if (!ok)
    {
      g_autofree char *reason = g_strdup_printf (_("Protocol error: %s"), error->message);

      flush_framer (self);
      np_connection_close (self, reason, TRUE);
    }
}

static void
pause_reading (NpConnection *self)
{
  _np_connection_stop_reading (self);
  self->paused = TRUE;
}

/* After the peer finished sending, poll only reports its close or reset (POLLHUP/POLLERR: a
 * write to a peer that closed completely is answered with a reset). */
static void
on_hangup (GIOCondition condition,
           gpointer     user_data)
{
  g_autoptr(NpConnection) self = g_object_ref (NP_CONNECTION (user_data));
  g_autofree char *reason = NULL;
  int code = 0;

  g_clear_pointer (&self->hangup_watch, np_watch_remove);
  g_socket_get_option (self->socket, SOL_SOCKET, SO_ERROR, &code, NULL);
  if (code == 0)
    np_connection_close (self, _("Closed by peer"), FALSE);
  else
    {
      reason = g_strdup_printf (_("Closed by peer after it finished sending: %s"), g_strerror (code));
      np_connection_close (self, reason, TRUE);
    }
}

/* EOF: the peer shut down its sending side (a half-close, or the first half of a close). Like
 * ncat and nc, stop reading but keep the connection: the peer may still be reading, and what
 * is sent to it arrives until it closes. TCP cannot tell "finished sending" from "closed"
 * without writing: the next write to a closed peer brings a reset, and keepalive notices one
 * that is gone even if nothing is written. If we had finished writing already, both directions
 * are done and the connection closes, as it always did; so it does for a client that is to
 * reconnect, for which the server's end is the drop it reconnects after. */
static void
peer_finished (NpConnection *self)
{
  NpEvent *event;

  flush_framer (self);
  if (self->write_shut || np_endpoint_get_config (self->owner)->reconnect)
    {
      np_connection_close (self, _("Closed by peer"), FALSE);
      return;
    }

  _np_connection_stop_reading (self);
  self->paused = FALSE;
  self->peer_finished = TRUE;

  event = np_event_new (NP_EVENT_FINISHED, np_endpoint_get_id (self->owner), self->id, self->peer);
  event->bytes_in = self->counters.bytes_in;
  event->bytes_out = self->counters.bytes_out;
  event->messages_in = self->counters.messages_in;
  event->messages_out = self->counters.messages_out;
  np_endpoint_emit (self->owner, event);

  /* Keepalive finds out whether it is still there: a peer that closed completely stops
   * answering once its side is gone (about a minute on Linux); a host that went away never
   * answers. The kernel probes: no wakeup of ours. */
  np_connection_set_keepalive (self->socket);

  self->hangup_watch = np_watch_set_add (np_endpoint_get_watch_set (self->owner), g_socket_get_fd (self->socket),
                                         0, on_hangup, self);
}

gboolean
np_connection_get_peer_finished (NpConnection *self)
{
  g_return_val_if_fail (NP_IS_CONNECTION (self), FALSE);

  return self->peer_finished;
}

/* Reads what the peer sent, a bounded number of reads at a time; stops reading when the
 * connection closes or pauses. */
static void
read_available (NpConnection *self)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (self->stream));

  for (guint i = 0; i < READS_PER_DISPATCH && !self->closed; i++)
    {
      g_autoptr(GError) error = NULL;
      gsize size;
      guint8 *buffer = np_endpoint_get_read_buffer (self->owner, &size);
      gssize n;

      /* Framed input has no room left: leave this peer's bytes in the kernel (TCP slows it
       * down) until other connections complete their messages or the largest is dropped. */
      if (self->framer != NULL && np_framing_budget_is_full (np_endpoint_get_framing_budget (self->owner), size))
        {
          pause_reading (self);
          np_framing_budget_wait (np_endpoint_get_framing_budget (self->owner));
          break;
        }

      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input),
                                                    buffer, size, NULL, &error);

      if (n < 0)
        {
          g_autofree char *reason = NULL;

          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return;

          flush_framer (self);
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
            reason = g_strdup (_("Connection reset by peer"));
          else
            reason = g_strdup_printf (_("Receive failed: %s"), error->message);
          np_connection_close (self, reason, TRUE);
          break;
        }

      if (n == 0)
        {
          peer_finished (self);
          break;
        }

      handle_data (self, buffer, n);

      if (!self->closed && np_endpoint_is_congested (self->owner))
        {
          pause_reading (self);
          break;
        }
    }
}

static gboolean
on_readable (GObject  *stream,
             gpointer  user_data)
{
  g_autoptr(NpConnection) self = g_object_ref (NP_CONNECTION (user_data));

  read_available (self);

  /* Closing or pausing destroyed the source already; returning REMOVE is then a no-op. */
  return self->in_source != NULL ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
on_socket_readable (GIOCondition condition,
                    gpointer     user_data)
{
  g_autoptr(NpConnection) self = g_object_ref (NP_CONNECTION (user_data));

  read_available (self);
}

static void
watch_input (NpConnection *self)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (self->stream));

  g_assert (self->in_source == NULL && self->in_watch == NULL);

  self->paused = FALSE;

  /* A plain socket is read through the endpoint's epoll set: 10,000 idle clients cost the
   * engine's main loop nothing at each wakeup. */
  if (G_IS_SOCKET_CONNECTION (self->stream))
    {
      self->in_watch = np_watch_set_add (np_endpoint_get_watch_set (self->owner), g_socket_get_fd (self->socket),
                                         G_IO_IN, on_socket_readable, self);
      return;
    }

  self->in_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (input), NULL);
  g_source_set_static_name (self->in_source, "[netpoke] connection read");
  g_source_set_callback (self->in_source, G_SOURCE_FUNC (on_readable), self, NULL);
  g_source_attach (self->in_source, g_main_context_get_thread_default ());
}

void
np_connection_start (NpConnection *self)
{
  g_return_if_fail (NP_IS_CONNECTION (self));

  watch_input (self);
}

void
np_connection_resume (NpConnection *self)
{
  g_return_if_fail (NP_IS_CONNECTION (self));

  if (self->paused && !self->closed && !self->peer_finished)
    watch_input (self);
}

/* What the peer never got is said, not dropped silently: a message half written counts. */
static void
report_unsent (NpConnection *self)
{
  guint messages = 0;
  g_autofree char *count = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *text = NULL;

  if (g_queue_is_empty (&self->out_queue))
    return;

  for (GList *link = self->out_queue.head; link != NULL; link = link->next)
    messages += np_send_batch_get_n_messages (link->data);
  messages -= self->out_counted;

  count = g_strdup_printf ("%u", messages);
  bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, self->out_queued);
  text = g_strdup_printf (_("Not sent: %s messages (%s bytes) were still waiting to be written when the "
                            "connection closed"), count, bytes);
  np_endpoint_emit_error (self->owner, self->id, self->peer, text);
}

static void
on_tls_closed (GObject      *stream,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (stream), result, NULL);
}

/* A plain socket closes at once. TLS first says goodbye (close_notify), which is a write and
 * may wait for a peer that reads nothing: it is done off this thread (GIO's TLS close runs in a
 * worker) and bounded by the socket's timeout, so neither the engine nor a worker waits long. */
static void
close_stream (GIOStream *stream)
{
  if (!G_IS_TLS_CONNECTION (stream))
    {
      g_io_stream_close (stream, NULL, NULL);
      return;
    }

  g_socket_set_timeout (g_socket_connection_get_socket (socket_connection_of (stream)), TLS_CLOSE_TIMEOUT_S);
  g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, on_tls_closed, NULL);
}

/**
 * np_connection_close:
 * @failed: %TRUE when the connection ended because something went wrong
 *
 * Closes the socket, reports DISCONNECTED with the reason and final counters, and tells the
 * owner, which usually drops its reference: callers hold their own while calling this.
 */
void
np_connection_close (NpConnection *self,
                     const char   *reason,
                     gboolean      failed)
{
  g_autoptr(NpConnection) hold = NULL;
  NpEvent *event;

  g_return_if_fail (NP_IS_CONNECTION (self));

  if (self->closed)
    return;

  hold = g_object_ref (self);
  self->closed = TRUE;
  self->failed = failed;
  self->close_reason = g_strdup (reason);
  _np_connection_stop_reading (self);
  _np_connection_clear_source (&self->out_source);
  _np_connection_clear_source (&self->stall_source);
  g_clear_pointer (&self->hangup_watch, np_watch_remove);
  report_unsent (self);
  g_queue_clear_full (&self->out_queue, (GDestroyNotify) np_send_batch_unref);
  self->out_queued = 0;
  close_stream (self->stream);
  count_framed (self);   /* closed: gives the framer's share of the budget back */

  /* The final counters travel with DISCONNECTED, not in a later snapshot. */
  np_endpoint_peer_gone (self->owner, self->id);
  event = np_event_new (NP_EVENT_DISCONNECTED, np_endpoint_get_id (self->owner), self->id, self->peer);
  event->message = g_strdup (reason);
  event->failed = failed;
  event->bytes_in = self->counters.bytes_in;
  event->bytes_out = self->counters.bytes_out;
  event->messages_in = self->counters.messages_in;
  event->messages_out = self->counters.messages_out;
  np_endpoint_emit (self->owner, event);

  _np_connection_notify_drained (self);
  NP_ENDPOINT_GET_CLASS (self->owner)->connection_closed (self->owner, self);
}

gboolean
np_connection_is_closed (NpConnection *self)
{
  g_return_val_if_fail (NP_IS_CONNECTION (self), TRUE);

  return self->closed;
}
