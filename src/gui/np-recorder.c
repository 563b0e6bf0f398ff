#define G_LOG_DOMAIN "np-recorder"

#include "config.h"

#include <glib/gi18n.h>

#include "np-capture.h"
#include "np-recorder.h"
#include "np-work-queue.h"

/* An event batch holds its payloads; what it costs in memory while it waits to be written is
 * about that, and a line's worth of the rest. */
#define EVENT_OVERHEAD 256

struct _NpRecorder
{
  GObject       parent_instance;

  GFile        *file;
  NpWorkQueue  *queue;
};

G_DEFINE_FINAL_TYPE (NpRecorder, np_recorder, G_TYPE_OBJECT)

enum { SIGNAL_FAILED, SIGNAL_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

/* On the worker thread: one batch of events as lines, or (@item NULL) the end of the file. */
static gboolean
write_batch (gpointer   item,
             gpointer   user_data,
             gsize     *written,
             GError   **error)
{
  GPtrArray *batch = item;
  NpCapture *capture = user_data;
  guint64 before = np_capture_get_size (capture);

  if (batch == NULL)
    return np_capture_close (capture, error);

  for (guint i = 0; i < batch->len; i++)
    if (!np_capture_write (capture, g_ptr_array_index (batch, i), error))
      return FALSE;

  *written = np_capture_get_size (capture) - before;
  return TRUE;
}

static void
on_queue_progress (NpWorkQueue *queue,
                   NpRecorder *self)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
}

static void
on_queue_failed (NpWorkQueue *queue,
                 const char  *reason,
                 NpRecorder  *self)
{
  g_autofree char *name = g_file_get_parse_name (self->file);
  g_autofree char *message = g_strdup_printf (_("Recording to %s stopped: %s"), name, reason);

  g_signal_emit (self, signals[SIGNAL_FAILED], 0, message);
}

static void
np_recorder_finalize (GObject *object)
{
  NpRecorder *self = (NpRecorder *)object;

  /* The worker writes what is queued and closes the file on its own. */
  g_clear_object (&self->queue);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (np_recorder_parent_class)->finalize (object);
}

static void
np_recorder_class_init (NpRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_recorder_finalize;

  /**
   * NpRecorder::failed:
   * @message: what went wrong, naming the file
   *
   * Recording stopped for good; the lines written so far stay. Emitted once.
   */
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* More was written (for a label that shows how much). */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
np_recorder_init (NpRecorder *self)
{
}

/**
 * np_recorder_new:
 * @encoding: of received text (the "text" member of each line; "hex" is exact anyway)
 * @reply_encoding: of the reply rules' answers
 *
 * Returns: (transfer full) (nullable): a recorder writing to @file (replaced), or %NULL with
 *   @error naming the file and the reason
 */
NpRecorder *
np_recorder_new (GFile       *file,
                 NpEncoding   encoding,
                 NpEncoding   reply_encoding,
                 GError     **error)
{
  NpCapture *capture = np_capture_new (file, encoding, error);
  NpRecorder *self;

  if (capture == NULL)
    return NULL;
  np_capture_set_reply_encoding (capture, reply_encoding);

  self = g_object_new (NP_TYPE_RECORDER, NULL);
  self->file = g_object_ref (file);
  self->queue = np_work_queue_new ("netpoke-record", write_batch, capture, g_object_unref,
                                   (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (self->queue, "failed", G_CALLBACK (on_queue_failed), self, 0);
  g_signal_connect_object (self->queue, "progress", G_CALLBACK (on_queue_progress), self, 0);

  return self;
}

/* Returns: (transfer none): the file it writes */
GFile *
np_recorder_get_file (NpRecorder *self)
{
  g_return_val_if_fail (NP_IS_RECORDER (self), NULL);

  return self->file;
}

/**
 * np_recorder_add:
 * @batch: (element-type NpEvent): events as the engine delivered them; referenced, not copied
 */
void
np_recorder_add (NpRecorder *self,
                 GPtrArray  *batch)
{
  GPtrArray *events;
  gsize size = 0;

  g_return_if_fail (NP_IS_RECORDER (self));

  if (np_work_queue_is_stopped (self->queue) || batch->len == 0)
    return;

  events = g_ptr_array_new_full (batch->len, (GDestroyNotify) np_event_unref);
  for (guint i = 0; i < batch->len; i++)
    {
      NpEvent *event = g_ptr_array_index (batch, i);

      g_ptr_array_add (events, np_event_ref (event));
      size += EVENT_OVERHEAD + (event->payload != NULL ? g_bytes_get_size (event->payload) : 0);
    }
  np_work_queue_push (self->queue, events, size);
}

/* Bytes written so far (what is still buffered counts once it is written). */
guint64
np_recorder_get_size (NpRecorder *self)
{
  g_return_val_if_fail (NP_IS_RECORDER (self), 0);

  return np_work_queue_get_written (self->queue);
}

gboolean
np_recorder_is_stopped (NpRecorder *self)
{
  g_return_val_if_fail (NP_IS_RECORDER (self), TRUE);

  return np_work_queue_is_stopped (self->queue);
}

/* Waits until every line is written and the file closed (tests, and quitting). */
void
np_recorder_finish (NpRecorder *self)
{
  g_return_if_fail (NP_IS_RECORDER (self));

  np_work_queue_finish (self->queue);
}
