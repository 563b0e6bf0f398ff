#define G_LOG_DOMAIN "np-picture-loader"

#include "config.h"

#include <glib/gi18n.h>

#include "np-picture-loader.h"

typedef struct
{
  GBytes        *bytes;
  const NpMagic *magic;
  int            max_size;   /* 0: full size */
  GtkWidget     *shown_by;   /* nullable: decode only while this lies in its scrolled view */
  int            width;      /* of the picture decoded, before scaling */
  int            height;
  gboolean       dispatched; /* went to the worker */
  GCancellable  *cancellable;
  gulong         cancelled_id;
  GAsyncReadyCallback callback;   /* the caller's */
  gpointer       user_data;
} Job;

struct _NpPictureLoader
{
  GObject      parent_instance;

  GThreadPool *worker;       /* one thread of its own */
  GQueue       waiting;      /* GTask*, oldest first */
  gboolean     busy;         /* a job is with the worker */
  GHashTable  *loaders;      /* gdk-pixbuf format names this system can read ("webp", …) */
  guint        sweep_id;     /* an idle that answers cancelled requests */
};

G_DEFINE_FINAL_TYPE (NpPictureLoader, np_picture_loader, G_TYPE_OBJECT)

static void pump (NpPictureLoader *self);

static void
job_free (Job *job)
{
  if (job->cancelled_id != 0)
    g_cancellable_disconnect (job->cancellable, job->cancelled_id);
  g_clear_object (&job->cancellable);
  g_bytes_unref (job->bytes);
  g_clear_object (&job->shown_by);
  g_free (job);
}

/* ---- on the worker ------------------------------------------------------------------------ */

/* Scaled to fit @max_size × @max_size with cairo's good (box) filter; the texture is the
 * cairo image's own memory format, so nothing is converted twice. */
static GdkTexture *
scale_down (GdkTexture *texture,
            int         max_size)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  double scale = MIN ((double) max_size / width, (double) max_size / height);
  int to_width = MAX (1, (int) (width * scale + 0.5));
  int to_height = MAX (1, (int) (height * scale + 0.5));
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  cairo_surface_t *source;
  cairo_surface_t *target;
  cairo_t *cr;
  GBytes *data;
  GdkTexture *scaled;

  gdk_texture_download (texture, pixels, stride);
  source = cairo_image_surface_create_for_data (pixels, CAIRO_FORMAT_ARGB32, width, height, (int) stride);
  target = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, to_width, to_height);
  cr = cairo_create (target);
  cairo_scale (cr, (double) to_width / width, (double) to_height / height);
  cairo_set_source_surface (cr, source, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (target);

  data = g_bytes_new (cairo_image_surface_get_data (target),
                      (gsize) cairo_image_surface_get_stride (target) * to_height);
  scaled = gdk_memory_texture_new (to_width, to_height, GDK_MEMORY_DEFAULT, data,
                                   cairo_image_surface_get_stride (target));
  g_bytes_unref (data);
  cairo_surface_destroy (target);
  cairo_surface_destroy (source);

  return scaled;
}

static void
decode (gpointer data,
        gpointer user_data)
{
  GTask *task = data;   /* the UI thread holds it until on_task_done: nothing is freed here */
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 start, decoded;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* gdk_texture_new_from_bytes is documented as thread-safe for this very use. */
  start = g_get_monotonic_time ();
  texture = gdk_texture_new_from_bytes (job->bytes, &error);
  decoded = g_get_monotonic_time ();
  if (texture == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("not a valid %s: %s"), job->magic->name, error->message);
      return;
    }

  job->width = gdk_texture_get_width (texture);
  job->height = gdk_texture_get_height (texture);
  if (job->max_size > 0 && (job->width > job->max_size || job->height > job->max_size))
    {
      GdkTexture *scaled = scale_down (texture, job->max_size);

      g_object_unref (texture);
      texture = scaled;
    }
  /* G_MESSAGES_DEBUG=np-picture-loader: what build-aux/dev bench --only gui-pictures reports. */
  g_debug ("decoded %s %d×%d (%" G_GSIZE_FORMAT " bytes) in %.2f ms, scaled in %.2f ms", job->magic->name,
           job->width, job->height, g_bytes_get_size (job->bytes), (decoded - start) / 1000.0,
           (g_get_monotonic_time () - decoded) / 1000.0);
  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
}

/* ---- on the UI thread --------------------------------------------------------------------- */

/* Whether @widget lies (partly) inside the viewport of the scrolled window it is in. */
static gboolean
in_view (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (scroller == NULL)
    return TRUE;
  if (!gtk_widget_compute_bounds (widget, scroller, &bounds))
    return FALSE;
  return bounds.origin.y + bounds.size.height > 0 && bounds.origin.y < gtk_widget_get_height (scroller)
         && bounds.size.height > 0;
}

/* The newest request whose widget is in view goes to the worker; cancelled ones are answered
 * at once; those out of view wait for the view to move (np_picture_loader_view_changed). */
static void
pump (NpPictureLoader *self)
{
  if (self->busy)
    return;

  for (GList *link = self->waiting.tail; link != NULL;)
    {
      GTask *task = link->data;
      Job *job = g_task_get_task_data (task);
      GList *previous = link->prev;

      if (g_task_return_error_if_cancelled (task))
        {
          g_queue_delete_link (&self->waiting, link);
          g_object_unref (task);
        }
      else if (job->shown_by == NULL || in_view (job->shown_by))
        {
          g_queue_delete_link (&self->waiting, link);
          self->busy = TRUE;
          job->dispatched = TRUE;
          g_clear_object (&job->shown_by);   /* widgets stay on this thread */
          g_thread_pool_push (self->worker, task, NULL);
          return;
        }
      link = previous;
    }
}

/* The task is complete, on the UI thread: the caller hears of it, and the worker, if this was
 * its job, takes the next one. */
static void
on_task_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  NpPictureLoader *self = NP_PICTURE_LOADER (source);
  Job *job = g_task_get_task_data (G_TASK (result));

  if (job->callback != NULL)
    job->callback (source, result, job->user_data);
  if (job->dispatched)
    {
      job->dispatched = FALSE;
      self->busy = FALSE;
      g_object_unref (result);   /* the reference pump () gave the worker */
      pump (self);
    }
}

static gboolean
on_sweep (gpointer user_data)
{
  NpPictureLoader *self = user_data;

  self->sweep_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

/* A request was called off (its row unbound, its window closed): it is answered from an idle,
 * not from inside the "cancelled" handler, where disconnecting would deadlock, so that a
 * request that waits does not hold its cell, its row's bytes and the loader until the next
 * frame, which after a window closed never comes. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  NpPictureLoader *self = user_data;

  if (self->sweep_id == 0)
    {
      self->sweep_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_sweep, g_object_ref (self), g_object_unref);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->sweep_id), "[netpoke] cancelled pictures");
    }
}

/**
 * np_picture_loader_load_async:
 * @magic: what the bytes' signature says (for "not a valid PNG: …")
 * @max_size: fit the result in @max_size × @max_size pixels; 0: full size
 * @shown_by: (nullable): the widget that will show it: decoding waits while it is out of view
 */
void
np_picture_loader_load_async (NpPictureLoader     *self,
                              GBytes              *bytes,
                              const NpMagic       *magic,
                              int                  max_size,
                              GtkWidget           *shown_by,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (NP_IS_PICTURE_LOADER (self));
  g_return_if_fail (bytes != NULL && magic != NULL);

  task = g_task_new (self, cancellable, on_task_done, NULL);
  g_task_set_source_tag (task, np_picture_loader_load_async);
  job = g_new0 (Job, 1);
  job->callback = callback;
  job->user_data = user_data;
  job->bytes = g_bytes_ref (bytes);
  job->magic = magic;
  job->max_size = max_size;
  job->shown_by = shown_by != NULL ? g_object_ref (shown_by) : NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  /* A format this system has no loader for is said so, not reported as damaged. */
  if (g_strcmp0 (magic->name, "WebP") == 0 && !g_hash_table_contains (self->loaders, "webp"))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("a WebP picture: this system has no WebP loader for gdk-pixbuf (webp-pixbuf-loader)"));
      return;
    }

  if (cancellable != NULL)
    {
      job->cancellable = g_object_ref (cancellable);
      job->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
    }
  g_queue_push_tail (&self->waiting, g_steal_pointer (&task));
  pump (self);
}

/**
 * np_picture_loader_load_finish:
 * @width: (out): the picture's width (before scaling)
 * @height: (out): its height
 *
 * Returns: (transfer full): the picture, or its thumbnail
 */
GdkTexture *
np_picture_loader_load_finish (NpPictureLoader  *self,
                               GAsyncResult     *result,
                               int              *width,
                               int              *height,
                               GError          **error)
{
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  job = g_task_get_task_data (G_TASK (result));
  *width = job->width;
  *height = job->height;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The log scrolled or was laid out again: thumbnails waiting for their rows to show may go. */
void
np_picture_loader_view_changed (NpPictureLoader *self)
{
  g_return_if_fail (NP_IS_PICTURE_LOADER (self));
  pump (self);
}

/**
 * np_picture_describe:
 * @width: 0 when not decoded (yet)
 *
 * Returns: (transfer full): "PNG picture, 320 × 240 pixels, 5123 bytes"
 */
char *
np_picture_describe (const NpMagic *magic,
                     gsize          length,
                     int            width,
                     int            height)
{
  g_autofree char *bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, length);

  if (width > 0)
    return g_strdup_printf (_("%s picture, %d × %d pixels, %s bytes"), magic->name, width, height, bytes);
  return g_strdup_printf (_("%s picture, %s bytes"), magic->name, bytes);
}

static void
np_picture_loader_dispose (GObject *object)
{
  NpPictureLoader *self = (NpPictureLoader *)object;
  GTask *task;

  while ((task = g_queue_pop_head (&self->waiting)) != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Operation was cancelled"));
      g_object_unref (task);
    }

  G_OBJECT_CLASS (np_picture_loader_parent_class)->dispose (object);
}

static void
np_picture_loader_finalize (GObject *object)
{
  NpPictureLoader *self = (NpPictureLoader *)object;

  /* Tasks hold the loader, so the worker is idle by now. */
  g_thread_pool_free (self->worker, TRUE, TRUE);
  g_hash_table_unref (self->loaders);

  G_OBJECT_CLASS (np_picture_loader_parent_class)->finalize (object);
}

static void
np_picture_loader_class_init (NpPictureLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_picture_loader_dispose;
  object_class->finalize = np_picture_loader_finalize;
}

static void
np_picture_loader_init (NpPictureLoader *self)
{
  GSList *formats = gdk_pixbuf_get_formats ();

  /* Exclusive: its one thread sleeps on the queue until the next picture. A shared pool's
   * thread would wake half a second after its last job, and again when it exits. */
  self->worker = g_thread_pool_new (decode, NULL, 1, TRUE, NULL);
  g_queue_init (&self->waiting);
  self->loaders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (GSList *l = formats; l != NULL; l = l->next)
    g_hash_table_add (self->loaders, gdk_pixbuf_format_get_name (l->data));
  g_slist_free (formats);
}

NpPictureLoader *
np_picture_loader_new (void)
{
  return g_object_new (NP_TYPE_PICTURE_LOADER, NULL);
}
