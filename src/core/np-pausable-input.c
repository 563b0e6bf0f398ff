#define G_LOG_DOMAIN "np-pausable-input"

#include "np-pausable-input.h"

struct _NpPausableInput
{
  GInputStream          parent_instance;

  GPollableInputStream *base;
  gboolean              paused;
  GPtrArray            *watches;   /* Watch* handed out and not finalized yet (not owned) */
};

static void np_pausable_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NpPausableInput, np_pausable_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      np_pausable_input_pollable_init))

/* A readiness source: dispatches when the wrapped stream's source (a child, present only while
 * not paused) does, or once when woken by a resume. */
typedef struct
{
  GSource          source;
  NpPausableInput *stream;   /* owned */
  GSource         *base;     /* the wrapped stream's source, a child while not paused */
} Watch;

static gboolean
watch_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  Watch *watch = (Watch *) source;
  GPollableSourceFunc func = (GPollableSourceFunc) (void (*) (void)) callback;

  g_source_set_ready_time (source, -1);
  return func (G_OBJECT (watch->stream), user_data);
}

static void
watch_finalize (GSource *source)
{
  Watch *watch = (Watch *) source;

  g_ptr_array_remove_fast (watch->stream->watches, watch);
  g_clear_object (&watch->stream);
}

static GSourceFuncs watch_funcs = {
  .dispatch = watch_dispatch,
  .finalize = watch_finalize,
};

static void
watch_base (Watch *watch)
{
  if (watch->base != NULL || g_source_is_destroyed ((GSource *) watch))
    return;

  watch->base = g_pollable_input_stream_create_source (watch->stream->base, NULL);
  g_source_set_dummy_callback (watch->base);
  g_source_add_child_source ((GSource *) watch, watch->base);
  g_source_unref (watch->base);   /* the parent holds it */
}

static void
unwatch_base (Watch *watch)
{
  /* A destroyed source has let go of its children already. */
  if (g_source_is_destroyed ((GSource *) watch))
    watch->base = NULL;
  if (watch->base == NULL)
    return;

  g_source_remove_child_source ((GSource *) watch, watch->base);
  watch->base = NULL;
}

static GSource *
np_pausable_input_create_source (GPollableInputStream *stream,
                                 GCancellable         *cancellable)
{
  NpPausableInput *self = NP_PAUSABLE_INPUT (stream);
  Watch *watch = (Watch *) g_source_new (&watch_funcs, sizeof (Watch));

  g_source_set_static_name ((GSource *) watch, "[netpoke] pausable input");
  watch->stream = g_object_ref (self);
  if (cancellable != NULL)
    {
      GSource *cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source ((GSource *) watch, cancelled);
      g_source_unref (cancelled);
    }
  if (!self->paused)
    watch_base (watch);
  g_ptr_array_add (self->watches, watch);

  return (GSource *) watch;
}

static gboolean
np_pausable_input_can_poll (GPollableInputStream *stream)
{
  return g_pollable_input_stream_can_poll (NP_PAUSABLE_INPUT (stream)->base);
}

static gboolean
np_pausable_input_is_readable (GPollableInputStream *stream)
{
  NpPausableInput *self = NP_PAUSABLE_INPUT (stream);

  return !self->paused && g_pollable_input_stream_is_readable (self->base);
}

static gssize
np_pausable_input_read_nonblocking (GPollableInputStream  *stream,
                                    void                  *buffer,
                                    gsize                  count,
                                    GError               **error)
{
  NpPausableInput *self = NP_PAUSABLE_INPUT (stream);

  if (self->paused)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "Paused");
      return -1;
    }

  return g_pollable_input_stream_read_nonblocking (self->base, buffer, count, NULL, error);
}

static void
np_pausable_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = np_pausable_input_can_poll;
  iface->is_readable = np_pausable_input_is_readable;
  iface->create_source = np_pausable_input_create_source;
  iface->read_nonblocking = np_pausable_input_read_nonblocking;
}

static gssize
np_pausable_input_read (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  NpPausableInput *self = NP_PAUSABLE_INPUT (stream);

  return g_input_stream_read (G_INPUT_STREAM (self->base), buffer, count, cancellable, error);
}

/* The stream that owns us closes what we wrap. */
static gboolean
np_pausable_input_close (GInputStream  *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return TRUE;
}

static void
np_pausable_input_finalize (GObject *object)
{
  NpPausableInput *self = (NpPausableInput *)object;

  g_clear_object (&self->base);
  g_clear_pointer (&self->watches, g_ptr_array_unref);

  G_OBJECT_CLASS (np_pausable_input_parent_class)->finalize (object);
}

static void
np_pausable_input_class_init (NpPausableInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = np_pausable_input_finalize;
  input_class->read_fn = np_pausable_input_read;
  input_class->close_fn = np_pausable_input_close;
}

static void
np_pausable_input_init (NpPausableInput *self)
{
  self->watches = g_ptr_array_new ();
}

/**
 * np_pausable_input_new:
 * @base: a pollable input stream
 *
 * Returns: (transfer full): a pausable view of @base
 */
NpPausableInput *
np_pausable_input_new (GInputStream *base)
{
  NpPausableInput *self;

  g_return_val_if_fail (G_IS_POLLABLE_INPUT_STREAM (base), NULL);

  self = g_object_new (NP_TYPE_PAUSABLE_INPUT, NULL);
  self->base = G_POLLABLE_INPUT_STREAM (g_object_ref (base));

  return self;
}

void
np_pausable_input_set_paused (NpPausableInput *self,
                              gboolean         paused)
{
  g_return_if_fail (NP_IS_PAUSABLE_INPUT (self));

  if (self->paused == !!paused)
    return;
  self->paused = !!paused;

  for (guint i = 0; i < self->watches->len; i++)
    {
      Watch *watch = g_ptr_array_index (self->watches, i);

      if (paused)
        unwatch_base (watch);
      else
        {
          watch_base (watch);
          /* Bytes may wait in a buffer of the wrapped stream where poll() cannot see them. */
          g_source_set_ready_time ((GSource *) watch, 0);
        }
    }
}

gboolean
np_pausable_input_get_paused (NpPausableInput *self)
{
  g_return_val_if_fail (NP_IS_PAUSABLE_INPUT (self), FALSE);

  return self->paused;
}
