#define G_LOG_DOMAIN "np-file-sender"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-connection.h"
#include "np-endpoint.h"
#include "np-file-sender.h"

/* FILE events while bytes flow: at most one per this many microseconds. */
#define PROGRESS_INTERVAL_US (100 * 1000)

struct _NpFileSender
{
  GObject               parent_instance;

  NpEndpoint           *owner;          /* not owned: the endpoint owns us and cancels us */
  GFile                *file;
  char                 *name;           /* as the user knows the file */
  GArray               *peer_ids;       /* guint64; empty: the default targets */
  gboolean              finish_writing; /* half-close each target after the last byte */
  gboolean              stream;         /* TCP: chunks through the connections' queues */

  GCancellable         *cancellable;
  GInputStream         *input;
  guint64               total;
  guint64               sent;           /* file bytes handed to the targets */
  gsize                 header_length;
  GPtrArray            *targets;        /* NpConnection* */
  guint                 waiting;        /* targets whose queue has not drained yet (+1 while asking) */
  gint64                last_progress_us;
  gboolean              done;

  NpFileSenderDoneFunc  done_func;
  gpointer              done_data;
};

G_DEFINE_FINAL_TYPE (NpFileSender, np_file_sender, G_TYPE_OBJECT)

static void
np_file_sender_dispose (GObject *object)
{
  NpFileSender *self = (NpFileSender *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->targets, g_ptr_array_unref);

  G_OBJECT_CLASS (np_file_sender_parent_class)->dispose (object);
}

static void
np_file_sender_finalize (GObject *object)
{
  NpFileSender *self = (NpFileSender *)object;

  g_clear_object (&self->file);
  g_clear_object (&self->input);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->peer_ids, g_array_unref);

  G_OBJECT_CLASS (np_file_sender_parent_class)->finalize (object);
}

static void
np_file_sender_class_init (NpFileSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_file_sender_dispose;
  object_class->finalize = np_file_sender_finalize;
}

static void
np_file_sender_init (NpFileSender *self)
{
  self->cancellable = g_cancellable_new ();
  self->peer_ids = g_array_new (FALSE, FALSE, sizeof (guint64));
}

/**
 * np_file_sender_new:
 * @owner: the endpoint that sends; not referenced
 * @peer_ids: (array length=n_peer_ids) (nullable): the targets; none: the mode's default
 * @finish_writing: half-close every target after the last byte (TCP), as `nc -N` does
 *
 * Returns: (transfer full): a sender, not started
 */
NpFileSender *
np_file_sender_new (NpEndpoint    *owner,
                    GFile         *file,
                    const guint64 *peer_ids,
                    guint          n_peer_ids,
                    gboolean       finish_writing)
{
  NpFileSender *self = g_object_new (NP_TYPE_FILE_SENDER, NULL);

  self->owner = owner;
  self->file = g_object_ref (file);
  self->name = g_file_get_parse_name (file);
  if (n_peer_ids > 0)
    g_array_append_vals (self->peer_ids, peer_ids, n_peer_ids);
  self->finish_writing = finish_writing;
  self->stream = NP_ENDPOINT_GET_CLASS (owner)->pick_connections != NULL;

  return self;
}

static void
emit_progress (NpFileSender *self,
               gboolean      failed,
               const char   *message)
{
  NpEvent *event = np_event_new (NP_EVENT_FILE, np_endpoint_get_id (self->owner), 0, NULL);

  event->file = g_strdup (self->name);
  event->length = self->sent;
  event->total = self->total;
  event->failed = failed;
  event->message = g_strdup (message);
  self->last_progress_us = g_get_monotonic_time ();
  np_endpoint_emit (self->owner, event);
}

/* The endpoint learns that it can let go of us; nothing runs after this. Callers set done
 * first, so that what they do on the way (closing a target) does not come back here. */
static void
finish (NpFileSender *self)
{
  NpFileSenderDoneFunc func = self->done_func;

  g_assert (self->done);
  self->done_func = NULL;
  g_cancellable_cancel (self->cancellable);
  /* The connections stay; their drain notices must not reach a sender that is gone. */
  for (guint i = 0; self->targets != NULL && i < self->targets->len; i++)
    np_connection_set_drained_func (g_ptr_array_index (self->targets, i), 0, NULL, NULL);
  if (func != NULL)
    func (self, self->done_data);
}

static void
fail (NpFileSender *self,
      const char   *reason)
{
  g_autofree char *sent = g_strdup_printf ("%" G_GUINT64_FORMAT, self->sent);
  g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT, self->total);
  g_autofree char *message =
    g_strdup_printf (_("Sending %s stopped after %s of %s bytes: %s"), self->name, sent, total, reason);

  if (self->done)
    return;
  self->done = TRUE;

  emit_progress (self, TRUE, message);

  /* Half a length-prefixed message would make the peer read whatever comes next as the rest
   * of the file: those connections end here. */
  if (self->targets != NULL && self->header_length > 0 && self->sent > 0)
    {
      g_autoptr(GPtrArray) targets = g_ptr_array_ref (self->targets);

      for (guint i = 0; i < targets->len; i++)
        np_connection_close (g_ptr_array_index (targets, i),
                             _("The file transfer stopped in the middle of a length-prefixed message"), TRUE);
    }

  finish (self);
}

/* Every target got every byte: one SENT event for the file, as for any send operation. */
static void
succeed (NpFileSender *self)
{
  NpEvent *sent = np_event_new (NP_EVENT_SENT, np_endpoint_get_id (self->owner), 0, NULL);

  self->done = TRUE;
  emit_progress (self, FALSE, NULL);

  sent->length = self->total + self->header_length;
  sent->n_messages = 1;
  sent->to_all = self->peer_ids->len == 0;
  sent->file = g_strdup (self->name);
  for (guint i = 0; i < self->targets->len; i++)
    {
      NpConnection *connection = g_ptr_array_index (self->targets, i);

      np_event_add_sent_peer (sent, np_connection_get_id (connection), np_connection_get_peer (connection));
      if (self->finish_writing)
        np_connection_finish_writing (connection);
    }
  np_endpoint_emit_sent (self->owner, sent);

  finish (self);
}

static void read_chunk (NpFileSender *self);

/* Drops the targets that went away (each said why in its DISCONNECTED event). */
static gboolean
keep_open_targets (NpFileSender *self)
{
  for (guint i = self->targets->len; i > 0; i--)
    if (np_connection_is_closed (g_ptr_array_index (self->targets, i - 1)))
      g_ptr_array_remove_index (self->targets, i - 1);

  if (self->targets->len > 0)
    return TRUE;

  fail (self, _("no receiver is connected any more"));
  return FALSE;
}

static void
room_or_gone (NpFileSender *self)
{
  if (--self->waiting > 0 || self->done)
    return;

  if (!keep_open_targets (self))
    return;
  if (self->sent == self->total)
    succeed (self);
  else
    read_chunk (self);
}

static void
on_drained (NpConnection *connection,
            gpointer      user_data)
{
  room_or_gone (user_data);
}

/* The next chunk is read when every target has taken all but NP_FILE_LOW_WATER bytes. */
static void
wait_for_room (NpFileSender *self)
{
  g_autoptr(NpFileSender) hold G_GNUC_UNUSED = NULL;

  /* A drain notice may finish (and let go of) the sender before this returns. */
  hold = g_object_ref (self);
  self->waiting = self->targets->len + 1;
  for (guint i = 0; i < self->targets->len; i++)
    np_connection_set_drained_func (g_ptr_array_index (self->targets, i), NP_FILE_LOW_WATER, on_drained, self);
  room_or_gone (self);
}

/* Whether some target has more queued than the low-water mark: the next chunk waits for it. */
static gboolean
must_wait (NpFileSender *self)
{
  for (guint i = 0; i < self->targets->len; i++)
    if (np_connection_get_send_queued (g_ptr_array_index (self->targets, i)) > NP_FILE_LOW_WATER)
      return TRUE;
  return FALSE;
}

static void
queue_to_targets (NpFileSender *self,
                  GBytes       *data,
                  gboolean      last)
{
  g_autoptr(NpSendBatch) batch = np_send_batch_new_part (data, last);

  for (guint i = 0; i < self->targets->len; i++)
    np_connection_send (g_ptr_array_index (self->targets, i), batch);
}

static void
on_chunk_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(NpFileSender) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (self->done)
    return;
  if (chunk == NULL)
    {
      fail (self, error->message);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      fail (self, _("the file got shorter while it was being sent"));
      return;
    }

  self->sent += g_bytes_get_size (chunk);
  queue_to_targets (self, chunk, self->sent == self->total);
  /* Said at most ten times a second while bytes flow, and whenever the transfer is about to
   * wait for a slow peer: a bar that shows progress must not stop short of where it waits. */
  if (self->sent < self->total
      && (g_get_monotonic_time () - self->last_progress_us >= PROGRESS_INTERVAL_US || must_wait (self)))
    emit_progress (self, FALSE, NULL);

  wait_for_room (self);
}

static void
read_chunk (NpFileSender *self)
{
  gsize size = MIN (NP_FILE_CHUNK, self->total - self->sent);

  g_input_stream_read_bytes_async (self->input, size, G_PRIORITY_DEFAULT, self->cancellable,
                                   on_chunk_read, g_object_ref (self));
}

/* TCP: the framing's header (if any) first, then the file chunk by chunk. */
static void
start_stream (NpFileSender *self)
{
  const NpEndpointConfig *config = np_endpoint_get_config (self->owner);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) header = NULL;

  if (config->framer != NULL)
    {
      header = np_framer_header (config->framer, self->total, &error);
      if (header == NULL)
        {
          fail (self, error->message);
          return;
        }
      self->header_length = g_bytes_get_size (header);
    }

  self->targets = NP_ENDPOINT_GET_CLASS (self->owner)->pick_connections (self->owner,
                                                                         (const guint64 *) self->peer_ids->data,
                                                                         self->peer_ids->len, TRUE);
  if (self->targets->len == 0)
    {
      fail (self, _("no receiver is connected"));
      return;
    }

  emit_progress (self, FALSE, NULL);
  /* An empty file is still one (empty) message. */
  if (self->header_length > 0 || self->total == 0)
    {
      g_autoptr(GBytes) first = header != NULL ? g_bytes_ref (header) : g_bytes_new (NULL, 0);

      queue_to_targets (self, first, self->total == 0);
    }
  wait_for_room (self);
}

/* The datagram or message left, for @n_took targets, or did not: only now is the file sent. */
static void
on_whole_sent (guint       n_took,
               const char *refusal,
               gpointer    user_data)
{
  NpFileSender *self = user_data;

  if (self->done)
    return;
  if (n_took == 0)
    {
      fail (self, refusal != NULL ? refusal : _("no receiver took it"));
      return;
    }

  self->sent = self->total;
  self->done = TRUE;
  emit_progress (self, FALSE, NULL);
  finish (self);
}

static void
on_whole_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(NpFileSender) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  g_autoptr(NpSendBatch) batch = NULL;

  if (self->done)
    return;
  if (contents == NULL)
    {
      fail (self, error->message);
      return;
    }
  if (g_bytes_get_size (contents) != self->total)
    {
      fail (self, _("the file changed while it was being read"));
      return;
    }

  /* One datagram, or one binary WebSocket message: sent and reported as every send is, and
   * the file counts as sent once the system took it (a refusal is this file's failure). */
  batch = np_send_batch_new_for_bytes (contents);
  np_send_batch_set_file (batch, self->name);
  np_send_batch_watch_outcome (batch, on_whole_sent, g_object_ref (self), g_object_unref);
  np_endpoint_send_batch_as (self->owner, (const guint64 *) self->peer_ids->data, self->peer_ids->len,
                             batch, NP_MESSAGE_BINARY);
}

/* UDP and WebSocket: the file is one message, so it must fit one. */
static void
start_whole (NpFileSender *self)
{
  const NpEndpointConfig *config = np_endpoint_get_config (self->owner);
  gboolean websocket = config->mode == NP_MODE_WS_SERVER || config->mode == NP_MODE_WS_CLIENT
                       || (config->mode == NP_MODE_HTTP_SERVER && config->ws_path != NULL);
  guint64 limit = config->mode == NP_MODE_UDP ? NP_FILE_MAX_DATAGRAM : NP_FILE_MAX_MESSAGE;

  if (config->mode != NP_MODE_UDP && !websocket)
    {
      fail (self, _("files are sent over TCP, UDP and WebSocket"));
      return;
    }
  if (self->total > limit)
    {
      g_autofree char *most = g_strdup_printf ("%" G_GUINT64_FORMAT, limit);
      g_autofree char *reason =
        config->mode == NP_MODE_UDP
        ? g_strdup_printf (_("a UDP datagram holds at most %s bytes (send larger files over TCP)"), most)
        : g_strdup_printf (_("a WebSocket message from a file is at most %s bytes"), most);

      fail (self, reason);
      return;
    }

  emit_progress (self, FALSE, NULL);
  /* One byte more than the file: a file that grew is noticed, not cut. */
  g_input_stream_read_bytes_async (self->input, self->total + 1, G_PRIORITY_DEFAULT, self->cancellable,
                                   on_whole_read, g_object_ref (self));
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(NpFileSender) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) input = g_file_read_finish (G_FILE (source), result, &error);
  g_autoptr(GFileInfo) info = NULL;

  if (self->done)
    return;
  if (input == NULL)
    {
      fail (self, error->message);
      return;
    }

  info = g_file_input_stream_query_info (input, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                         NULL, &error);
  if (info == NULL)
    {
      fail (self, error->message);
      return;
    }
  /* A FIFO or a device has no size to announce and may never end. */
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      fail (self, _("not a regular file"));
      return;
    }

  self->input = G_INPUT_STREAM (g_steal_pointer (&input));
  self->total = g_file_info_get_size (info);
  if (self->stream)
    start_stream (self);
  else
    start_whole (self);
}

/**
 * np_file_sender_start:
 * @done: called once when the sender has finished, failed or was cancelled
 */
void
np_file_sender_start (NpFileSender         *self,
                      NpFileSenderDoneFunc  done,
                      gpointer              user_data)
{
  g_return_if_fail (NP_IS_FILE_SENDER (self));

  self->done_func = done;
  self->done_data = user_data;
  g_file_read_async (self->file, G_PRIORITY_DEFAULT, self->cancellable, on_opened, g_object_ref (self));
}

/* Stops sending (a FILE event says why and how far it got); idempotent. */
void
np_file_sender_cancel (NpFileSender *self,
                       const char   *reason)
{
  g_return_if_fail (NP_IS_FILE_SENDER (self));

  fail (self, reason);
}
