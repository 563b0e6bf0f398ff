#define G_LOG_DOMAIN "np-pausable-stream"

#include "np-pausable-input.h"
#include "np-pausable-stream.h"

struct _NpPausableStream
{
  GIOStream        parent_instance;

  GIOStream       *base;
  NpPausableInput *input;
};

G_DEFINE_FINAL_TYPE (NpPausableStream, np_pausable_stream, G_TYPE_IO_STREAM)

static GInputStream *
np_pausable_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (NP_PAUSABLE_STREAM (stream)->input);
}

static GOutputStream *
np_pausable_stream_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (NP_PAUSABLE_STREAM (stream)->base);
}

static gboolean
np_pausable_stream_close (GIOStream     *stream,
                          GCancellable  *cancellable,
                          GError       **error)
{
  return g_io_stream_close (NP_PAUSABLE_STREAM (stream)->base, cancellable, error);
}

static void
on_base_closed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Closing the wrapped stream, on this thread, the way it closes itself (not in a worker thread,
 * which GIOStream would do for an input stream it does not know). */
static void
np_pausable_stream_close_async (GIOStream           *stream,
                                int                  io_priority,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, np_pausable_stream_close_async);
  g_io_stream_close_async (NP_PAUSABLE_STREAM (stream)->base, io_priority, cancellable,
                           on_base_closed, task);
}

static gboolean
np_pausable_stream_close_finish (GIOStream     *stream,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
np_pausable_stream_finalize (GObject *object)
{
  NpPausableStream *self = (NpPausableStream *)object;

  g_clear_object (&self->input);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (np_pausable_stream_parent_class)->finalize (object);
}

static void
np_pausable_stream_class_init (NpPausableStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = np_pausable_stream_finalize;
  stream_class->get_input_stream = np_pausable_stream_get_input_stream;
  stream_class->get_output_stream = np_pausable_stream_get_output_stream;
  stream_class->close_fn = np_pausable_stream_close;
  stream_class->close_async = np_pausable_stream_close_async;
  stream_class->close_finish = np_pausable_stream_close_finish;
}

static void
np_pausable_stream_init (NpPausableStream *self)
{
}

/**
 * np_pausable_stream_new:
 * @base: a stream whose input is pollable (a socket connection, libsoup's stolen stream)
 *
 * Returns: (transfer full): @base with a pause on its reading
 */
NpPausableStream *
np_pausable_stream_new (GIOStream *base)
{
  NpPausableStream *self;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  self = g_object_new (NP_TYPE_PAUSABLE_STREAM, NULL);
  self->base = g_object_ref (base);
  self->input = np_pausable_input_new (g_io_stream_get_input_stream (base));

  return self;
}

void
np_pausable_stream_set_paused (NpPausableStream *self,
                               gboolean          paused)
{
  g_return_if_fail (NP_IS_PAUSABLE_STREAM (self));

  np_pausable_input_set_paused (self->input, paused);
}

gboolean
np_pausable_stream_get_paused (NpPausableStream *self)
{
  g_return_val_if_fail (NP_IS_PAUSABLE_STREAM (self), FALSE);

  return np_pausable_input_get_paused (self->input);
}
