#define G_LOG_DOMAIN "np-connection"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <limits.h>

#include "np-connection-private.h"

/* NpConnection's sending side: everything queued leaves in one gathered write, straight away
 * when the socket takes it, otherwise on POLLOUT; a peer that stops reading is dropped by the
 * stall check; a sender that paces itself (a file, standard input) is told when the queue has
 * room again. */

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
    {
      /* Too little waiting to drop it, but whoever waits for room stops waiting for a peer that
       * accepted nothing for so long: the other targets go on at their pace, this queue grows
       * past the limit, and the check then drops it. Otherwise flush_output re-arms when writes
       * block again. */
      if (idle_ms >= STALL_TIMEOUT_MS)
        _np_connection_notify_drained (self);
      else if (self->drained_func != NULL)
        arm_stall_check (self);
      return G_SOURCE_REMOVE;
    }

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
  if (self->out_source == NULL)
    {
      self->out_source = g_pollable_output_stream_create_source (self->output, NULL);
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

/* Writes are blocked and the peer has accepted nothing for STALL_TIMEOUT_MS. */
static gboolean
is_stuck (NpConnection *self)
{
  return self->out_source != NULL
         && g_get_monotonic_time () - self->last_progress >= (gint64) STALL_TIMEOUT_MS * 1000;
}

/* Tells whoever waits (a file being sent, a paced send) that the queue has room again, that
 * the peer is stuck, or that the connection closed; called once per
 * np_connection_set_drained_func(). */
void
_np_connection_notify_drained (NpConnection *self)
{
  NpConnectionDrainedFunc func = self->drained_func;

  if (func == NULL || (!self->closed && self->out_queued > self->drain_below && !is_stuck (self)))
    return;

  self->drained_func = NULL;
  func (self, self->drained_data);
}

/* Everything queued is written and the sender asked to finish: half-close (FIN), and keep
 * reading until the peer closes. */
static void
shut_write_if_done (NpConnection *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->finish_writing || self->write_shut || self->closed || !g_queue_is_empty (&self->out_queue))
    return;

  self->write_shut = TRUE;
  if (!g_socket_shutdown (self->socket, FALSE, TRUE, &error))
    {
      g_autofree char *reason = g_strdup_printf (_("Send failed: %s"), error->message);

      np_connection_close (self, reason, TRUE);
    }
  else if (self->peer_finished)
    np_connection_close (self, _("Closed: both sides finished sending"), FALSE);
}

/* Writes as much of the queue as the socket takes now, every batch in one gathered write;
 * waits for POLLOUT for the rest. */
static void
flush_output (NpConnection *self)
{
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

      result = g_pollable_output_stream_writev_nonblocking (self->output, vectors, n_vectors, &written,
                                                            NULL, &error);
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
      _np_connection_notify_drained (self);

      /* A short write: the socket buffer is full. */
      if (!g_queue_is_empty (&self->out_queue) && n_vectors < WRITE_VECTORS)
        {
          wait_writable (self);
          return;
        }
    }

  shut_write_if_done (self);
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

  if (self->closed || self->finish_writing)
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

/* Bytes queued for the peer and not written yet. */
gsize
np_connection_get_send_queued (NpConnection *self)
{
  g_return_val_if_fail (NP_IS_CONNECTION (self), 0);

  return self->out_queued;
}

/**
 * np_connection_set_drained_func:
 * @below: call @func once no more than this many bytes wait to be written
 *
 * @func is called once: when the queue has shrunk to @below (at once if it has already), when
 * the peer has accepted nothing for 5 s (a sender does not wait for it any longer: what it sends
 * next takes the queue past the limit, and the stall check drops the peer), or when the
 * connection closes (np_connection_is_closed() says which). This is how a file, or standard
 * input, is sent at the pace the slowest peer reads it, in chunks, with flat memory. One waiter
 * at a time: a new one replaces the last.
 */
void
np_connection_set_drained_func (NpConnection            *self,
                                gsize                    below,
                                NpConnectionDrainedFunc  func,
                                gpointer                 user_data)
{
  g_return_if_fail (NP_IS_CONNECTION (self));

  self->drained_func = func;
  self->drained_data = user_data;
  self->drain_below = below;
  _np_connection_notify_drained (self);

  /* Blocked with more than @below waiting: the stall check says when the peer is stuck. */
  if (self->drained_func != NULL && self->out_source != NULL)
    arm_stall_check (self);
}

/**
 * np_connection_finish_writing:
 *
 * Sends nothing more: once everything queued is written the connection half-closes (the peer
 * reads the end of the stream) and keeps reading until the peer closes, as `nc -N` does.
 */
void
np_connection_finish_writing (NpConnection *self)
{
  g_return_if_fail (NP_IS_CONNECTION (self));

  self->finish_writing = TRUE;
  shut_write_if_done (self);
}
