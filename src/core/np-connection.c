#define G_LOG_DOMAIN "np-connection"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "np-address.h"
#include "np-connection.h"

/* How many reads one dispatch may do before giving other sockets a turn. */
#define READS_PER_DISPATCH 16

/* A peer that lets more than the send-queue limit pile up is dropped when it has accepted
 * nothing for this long (stuck), or at once past HARD_LIMIT_FACTOR times the limit (memory
 * bound). A peer that reads, however slowly, is never dropped for a burst below that. */
#define STALL_TIMEOUT_MS  5000
#define HARD_LIMIT_FACTOR 4

/* Batches gathered into one write: the system's limit on vectors per call. */
#ifdef IOV_MAX
#define WRITE_VECTORS MIN (IOV_MAX, 1024)
#else
#define WRITE_VECTORS 16
#endif

struct _NpConnection
{
  GObject             parent_instance;

  NpEndpoint         *owner;         /* not owned: the endpoint owns us */
  GSocketConnection  *stream;
  GSocket            *socket;
  guint64             id;
  char               *peer;
  NpFramer           *framer;        /* NULL: raw */

  GSource            *in_source;
  GSource            *out_source;
  GSource            *stall_source;  /* armed only while writes are blocked */
  gint64              last_progress; /* monotonic time of the last byte the peer accepted */
  gboolean            paused;        /* reading stopped by backpressure */
  gboolean            closed;
  gboolean            failed;
  char               *close_reason;

  GQueue              out_queue;     /* NpSendBatch* waiting to be written */
  gsize               out_offset;    /* bytes of the head already written */
  guint               out_counted;   /* messages of the head already counted as sent */
  gsize               out_queued;    /* bytes in out_queue not yet written */

  NpPeerCounters      counters;      /* published by the owner; peer_id = id */
};

G_DEFINE_FINAL_TYPE (NpConnection, np_connection, G_TYPE_OBJECT)

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
np_connection_dispose (GObject *object)
{
  NpConnection *self = (NpConnection *)object;

  clear_source (&self->in_source);
  clear_source (&self->out_source);
  clear_source (&self->stall_source);
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

/**
 * np_connection_new:
 * Returns: (transfer full): a connection with a fresh peer id from @owner; call
 *   np_connection_start() once the owner has filed it
 */
NpConnection *
np_connection_new (NpEndpoint        *owner,
                   GSocketConnection *stream)
{
  NpConnection *self;
  const NpEndpointConfig *config;
  g_autoptr(GSocketAddress) remote = NULL;

  g_return_val_if_fail (NP_IS_ENDPOINT (owner), NULL);
  g_return_val_if_fail (G_IS_SOCKET_CONNECTION (stream), NULL);

  config = np_endpoint_get_config (owner);

  self = g_object_new (NP_TYPE_CONNECTION, NULL);
  self->owner = owner;
  self->stream = g_object_ref (stream);
  self->socket = g_socket_connection_get_socket (stream);
  self->id = np_endpoint_next_peer_id (owner);
  self->counters.peer_id = self->id;
  self->last_progress = g_get_monotonic_time ();
  remote = g_socket_connection_get_remote_address (stream, NULL);
  self->peer = remote != NULL ? np_address_to_string (remote) : g_strdup ("?");
  if (config->framer != NULL && np_framer_get_kind (config->framer) != NP_FRAMING_RAW)
    self->framer = np_framer_copy_settings (config->framer);

  /* Small messages out promptly: this is a poking tool, latency matters more than packing. */
  g_socket_set_option (self->socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  return self;
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
  clear_source (&self->in_source);
  self->paused = TRUE;
}

static gboolean
on_readable (GObject  *stream,
             gpointer  user_data)
{
  g_autoptr(NpConnection) self = g_object_ref (NP_CONNECTION (user_data));
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (self->stream));

  for (guint i = 0; i < READS_PER_DISPATCH && !self->closed; i++)
    {
      g_autoptr(GError) error = NULL;
      gsize size;
      guint8 *buffer = np_endpoint_get_read_buffer (self->owner, &size);
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input),
                                                           buffer, size, NULL, &error);

      if (n < 0)
        {
          g_autofree char *reason = NULL;

          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;

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
          flush_framer (self);
          np_connection_close (self, _("Closed by peer"), FALSE);
          break;
        }

      handle_data (self, buffer, n);

      if (!self->closed && np_endpoint_is_congested (self->owner))
        {
          pause_reading (self);
          break;
        }
    }

  /* Closing or pausing destroyed the source already; returning REMOVE is then a no-op. */
  return self->in_source != NULL ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
watch_input (NpConnection *self)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (self->stream));

  g_assert (self->in_source == NULL);

  self->paused = FALSE;
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

  if (self->paused && !self->closed)
    watch_input (self);
}

static void flush_output (NpConnection *self);
static void arm_stall_check (NpConnection *self);

static gboolean
on_stall_check (gpointer user_data)
{
  g_autoptr(NpConnection) self = g_object_ref (NP_CONNECTION (user_data));
  const NpEndpointConfig *config = np_endpoint_get_config (self->owner);
  gint64 idle_ms = (g_get_monotonic_time () - self->last_progress) / 1000;

  g_clear_pointer (&self->stall_source, g_source_unref);

  if (self->out_queued <= config->send_queue_limit)
    return G_SOURCE_REMOVE;   /* flush_output re-arms when writes block again */

  if (idle_ms >= STALL_TIMEOUT_MS)
    {
      g_autofree char *waiting = g_strdup_printf ("%" G_GSIZE_FORMAT, self->out_queued);
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, idle_ms / 1000);
      g_autofree char *reason =
        g_strdup_printf (_("Send queue overflow: the peer is not reading (%s bytes waiting, "
                           "nothing accepted for %s s)"), waiting, seconds);

      np_connection_close (self, reason, TRUE);
    }
  else
    arm_stall_check (self);

  return G_SOURCE_REMOVE;
}

/* Checks again when the peer will have been idle for STALL_TIMEOUT_MS. */
static void
arm_stall_check (NpConnection *self)
{
  gint64 idle_ms = (g_get_monotonic_time () - self->last_progress) / 1000;

  if (self->stall_source != NULL)
    return;

  self->stall_source = g_timeout_source_new (idle_ms >= STALL_TIMEOUT_MS ? 0 : STALL_TIMEOUT_MS - idle_ms);
  g_source_set_static_name (self->stall_source, "[netpoke] send stall check");
  g_source_set_callback (self->stall_source, on_stall_check, self, NULL);
  g_source_attach (self->stall_source, g_main_context_get_thread_default ());
}

static gboolean
on_writable (GObject  *stream,
             gpointer  user_data)
{
  g_autoptr(NpConnection) self = g_object_ref (NP_CONNECTION (user_data));

  g_clear_pointer (&self->out_source, g_source_unref);
  flush_output (self);

  return G_SOURCE_REMOVE;
}

static void
wait_writable (NpConnection *self)
{
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (self->stream));

  if (self->out_source == NULL)
    {
      self->out_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (output), NULL);
      g_source_set_static_name (self->out_source, "[netpoke] connection write");
      g_source_set_callback (self->out_source, G_SOURCE_FUNC (on_writable), self, NULL);
      g_source_attach (self->out_source, g_main_context_get_thread_default ());
    }
  arm_stall_check (self);
}

/* @written bytes left: pops the batches they finish and counts the messages they complete. */
static void
consume_written (NpConnection *self,
                 gsize         written)
{
  guint64 messages = 0;

  while (!g_queue_is_empty (&self->out_queue))
    {
      NpSendBatch *head = g_queue_peek_head (&self->out_queue);
      gsize left = np_send_batch_get_size (head) - self->out_offset;
      gsize step = MIN (written, left);
      guint ended;

      self->out_offset += step;
      written -= step;
      ended = np_send_batch_count_ended (head, self->out_counted, self->out_offset);
      self->out_counted += ended;
      messages += ended;

      if (self->out_offset < np_send_batch_get_size (head))
        break;
      np_send_batch_unref (g_queue_pop_head (&self->out_queue));
      self->out_offset = 0;
      self->out_counted = 0;
    }

  self->counters.messages_out += messages;
  np_endpoint_count_out (self->owner, 0, messages);
}

/* Writes as much of the queue as the socket takes now, every batch in one gathered write;
 * waits for POLLOUT for the rest. */
static void
flush_output (NpConnection *self)
{
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (self->stream));

  while (!self->closed && !g_queue_is_empty (&self->out_queue))
    {
      g_autoptr(GError) error = NULL;
      GOutputVector vectors[WRITE_VECTORS];
      guint n_vectors = 0;
      gsize written = 0;
      GPollableReturn result;

      for (GList *link = self->out_queue.head; link != NULL && n_vectors < WRITE_VECTORS; link = link->next)
        {
          gsize size;
          const guint8 *data = g_bytes_get_data (np_send_batch_get_data (link->data), &size);
          gsize skip = link == self->out_queue.head ? self->out_offset : 0;

          if (size > skip)
            vectors[n_vectors++] = (GOutputVector) { data + skip, size - skip };
        }

      /* Only empty messages are left: nothing to write, but they count as sent. */
      if (n_vectors == 0)
        {
          consume_written (self, 0);
          continue;
        }

      result = g_pollable_output_stream_writev_nonblocking (G_POLLABLE_OUTPUT_STREAM (output), vectors,
                                                            n_vectors, &written, NULL, &error);
      if (result == G_POLLABLE_RETURN_WOULD_BLOCK)
        {
          wait_writable (self);
          return;
        }
      if (result == G_POLLABLE_RETURN_FAILED)
        {
          g_autofree char *reason = g_strdup_printf (_("Send failed: %s"), error->message);

          np_connection_close (self, reason, TRUE);
          return;
        }

      self->last_progress = g_get_monotonic_time ();
      self->out_queued -= written;
      self->counters.bytes_out += written;
      np_endpoint_count_out (self->owner, written, 0);
      np_endpoint_peer_changed (self->owner, &self->counters);
      consume_written (self, written);

      /* A short write: the socket buffer is full. */
      if (!g_queue_is_empty (&self->out_queue) && n_vectors < WRITE_VECTORS)
        {
          wait_writable (self);
          return;
        }
    }
}

/**
 * np_connection_send:
 * @batch: shared with the other targets of the same send; not copied
 *
 * Returns: %TRUE when the peer took the batch (written or queued); %FALSE when it is closed,
 *   or was just closed because its queue overflowed (its DISCONNECTED event says so)
 */
gboolean
np_connection_send (NpConnection *self,
                    NpSendBatch  *batch)
{
  const NpEndpointConfig *config;
  gsize size;

  g_return_val_if_fail (NP_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);

  if (self->closed)
    return FALSE;

  config = np_endpoint_get_config (self->owner);
  size = np_send_batch_get_size (batch);

  if (self->out_queued + size > config->send_queue_limit * HARD_LIMIT_FACTOR && self->out_queued > 0)
    {
      g_autofree char *waiting = g_strdup_printf ("%" G_GSIZE_FORMAT, self->out_queued + size);
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, config->send_queue_limit * HARD_LIMIT_FACTOR);
      g_autofree char *reason =
        g_strdup_printf (_("Send queue overflow: the peer reads too slowly (%s bytes waiting, limit %s)"),
                         waiting, limit);

      np_connection_close (self, reason, TRUE);
      return FALSE;
    }

  g_queue_push_tail (&self->out_queue, np_send_batch_ref (batch));
  self->out_queued += size;

  /* Waiting for POLLOUT: this batch leaves with the others when the socket takes more. */
  if (self->out_source == NULL)
    flush_output (self);
  else if (self->out_queued > config->send_queue_limit)
    arm_stall_check (self);

  /* A write that failed outright closed the connection: the peer did not take it. */
  return !self->closed;
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
  clear_source (&self->in_source);
  clear_source (&self->out_source);
  clear_source (&self->stall_source);
  g_queue_clear_full (&self->out_queue, (GDestroyNotify) np_send_batch_unref);
  self->out_queued = 0;
  g_io_stream_close (G_IO_STREAM (self->stream), NULL, NULL);

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

  NP_ENDPOINT_GET_CLASS (self->owner)->connection_closed (self->owner, self);
}
