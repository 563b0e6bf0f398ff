#define G_LOG_DOMAIN "np-work-queue"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-work-queue.h"

typedef struct
{
  gpointer  item;   /* NULL: the end */
  gsize     size;
} Job;

/* What the worker shares with the queue object. The worker holds its own reference: a queue
 * dropped while items are still being written does not wait for them. */
typedef struct
{
  GAsyncQueue    *jobs;            /* Job* */
  GMainContext   *context;         /* where a failure is reported */
  GWeakRef        owner;
  NpWorkFunc      func;
  gpointer        user_data;       /* the worker's: freed by it at the end */
  GDestroyNotify  user_data_free;
  GDestroyNotify  item_free;
  gssize          pending;         /* atomic: bytes pushed, not done yet */
  gssize          n_done;          /* atomic */
  gssize          written;         /* atomic */
  gint            failed;          /* atomic: stopped; what is left is dropped */
  gint            progress_due;    /* atomic: a "progress" idle is pending */
  char           *reason;          /* the worker's failure, set before failed */
} Shared;

struct _NpWorkQueue
{
  GObject   parent_instance;

  Shared   *shared;
  GThread  *thread;
  gboolean  stopped;               /* "failed" was emitted, or the queue was finished */
};

G_DEFINE_FINAL_TYPE (NpWorkQueue, np_work_queue, G_TYPE_OBJECT)

enum { SIGNAL_FAILED, SIGNAL_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

static Shared *
shared_ref (Shared *shared)
{
  return g_atomic_rc_box_acquire (shared);
}

static void
shared_clear (Shared *shared)
{
  g_async_queue_unref (shared->jobs);
  g_main_context_unref (shared->context);
  g_weak_ref_clear (&shared->owner);
  g_free (shared->reason);
}

static void
shared_unref (Shared *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify) shared_clear);
}

/* ---- the caller's side ------------------------------------------------------------------- */

static void
stop_with (NpWorkQueue *self,
           const char  *reason)
{
  if (self->stopped)
    return;
  self->stopped = TRUE;
  g_atomic_int_set (&self->shared->failed, TRUE);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, reason);
}

static gboolean
on_worker_failed (gpointer user_data)
{
  Shared *shared = user_data;
  g_autoptr(NpWorkQueue) self = g_weak_ref_get (&shared->owner);

  if (self != NULL)
    stop_with (self, shared->reason);
  return G_SOURCE_REMOVE;
}

static gboolean
on_worker_progress (gpointer user_data)
{
  Shared *shared = user_data;
  g_autoptr(NpWorkQueue) self = NULL;

  g_atomic_int_set (&shared->progress_due, FALSE);
  self = g_weak_ref_get (&shared->owner);
  if (self != NULL)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
  return G_SOURCE_REMOVE;
}

/* ---- the worker ------------------------------------------------------------------------- */

/* One idle at a time, however many items are done meanwhile: the caller's labels follow the
 * disk without a wakeup per item. */
static void
report_progress (Shared *shared)
{
  if (g_atomic_int_compare_and_exchange (&shared->progress_due, FALSE, TRUE))
    g_main_context_invoke_full (shared->context, G_PRIORITY_DEFAULT_IDLE, on_worker_progress, shared_ref (shared),
                                (GDestroyNotify) shared_unref);
}

static void
fail (Shared *shared,
      GError *error)
{
  if (g_atomic_int_get (&shared->failed))
    return;
  shared->reason = g_strdup (error->message);
  g_atomic_int_set (&shared->failed, TRUE);
  g_main_context_invoke_full (shared->context, G_PRIORITY_DEFAULT, on_worker_failed, shared_ref (shared),
                              (GDestroyNotify) shared_unref);
}

static gpointer
run (gpointer user_data)
{
  Shared *shared = user_data;
  g_autoptr(GError) error = NULL;
  gsize written = 0;
  Job *job;

  while ((job = g_async_queue_pop (shared->jobs))->item != NULL)
    {
      if (!g_atomic_int_get (&shared->failed))
        {
          g_autoptr(GError) job_error = NULL;

          written = 0;
          if (shared->func (job->item, shared->user_data, &written, &job_error))
            g_atomic_pointer_add (&shared->n_done, 1);
          else
            fail (shared, job_error);
          g_atomic_pointer_add (&shared->written, (gssize) written);
          report_progress (shared);
        }
      g_atomic_pointer_add (&shared->pending, -(gssize) job->size);
      shared->item_free (job->item);
      g_free (job);
    }
  g_free (job);

  written = 0;
  if (!shared->func (NULL, shared->user_data, &written, &error))
    fail (shared, error);
  g_atomic_pointer_add (&shared->written, (gssize) written);
  if (shared->user_data_free != NULL)
    shared->user_data_free (shared->user_data);

  shared_unref (shared);
  return NULL;
}

/* ---- object ----------------------------------------------------------------------------- */

/* The worker finishes what is queued on its own; nobody waits for it here. */
static void
np_work_queue_dispose (GObject *object)
{
  NpWorkQueue *self = (NpWorkQueue *)object;

  if (self->thread != NULL)
    {
      g_async_queue_push (self->shared->jobs, g_new0 (Job, 1));
      g_clear_pointer (&self->thread, g_thread_unref);
    }

  G_OBJECT_CLASS (np_work_queue_parent_class)->dispose (object);
}

static void
np_work_queue_finalize (GObject *object)
{
  NpWorkQueue *self = (NpWorkQueue *)object;

  g_weak_ref_set (&self->shared->owner, NULL);
  g_clear_pointer (&self->shared, shared_unref);

  G_OBJECT_CLASS (np_work_queue_parent_class)->finalize (object);
}

static void
np_work_queue_class_init (NpWorkQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_work_queue_dispose;
  object_class->finalize = np_work_queue_finalize;

  /**
   * NpWorkQueue::failed:
   * @reason: why (the system's words for a failed write)
   *
   * The queue stopped for good; emitted once.
   */
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * NpWorkQueue::progress:
   *
   * Items were done (n-done and written changed); at most one emission waits at a time.
   */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
np_work_queue_init (NpWorkQueue *self)
{
}

/**
 * np_work_queue_new:
 * @user_data: handed to @func on the worker thread; freed there with @user_data_free at the end
 * @item_free: frees an item once done (or dropped)
 *
 * Returns: (transfer full): a queue whose worker has started
 */
NpWorkQueue *
np_work_queue_new (const char     *thread_name,
                   NpWorkFunc      func,
                   gpointer        user_data,
                   GDestroyNotify  user_data_free,
                   GDestroyNotify  item_free)
{
  NpWorkQueue *self = g_object_new (NP_TYPE_WORK_QUEUE, NULL);
  Shared *shared = g_atomic_rc_box_new0 (Shared);

  shared->jobs = g_async_queue_new ();
  shared->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&shared->owner, self);
  shared->func = func;
  shared->user_data = user_data;
  shared->user_data_free = user_data_free;
  shared->item_free = item_free;
  self->shared = shared;
  self->thread = g_thread_new (thread_name, run, shared_ref (shared));

  return self;
}

/**
 * np_work_queue_push:
 * @item: (transfer full): freed by the queue, done or not
 * @size: the memory it holds, counted against NP_WORK_QUEUE_MAX_PENDING
 *
 * Returns: %FALSE when the queue has stopped (or just stopped: the disk is not keeping up)
 */
gboolean
np_work_queue_push (NpWorkQueue *self,
                    gpointer     item,
                    gsize        size)
{
  Job *job;
  gsize pending;

  g_return_val_if_fail (NP_IS_WORK_QUEUE (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  pending = (gsize) g_atomic_pointer_get (&self->shared->pending);
  if (!self->stopped && pending + size > NP_WORK_QUEUE_MAX_PENDING)
    {
      g_autofree char *waiting = g_strdup_printf ("%" G_GSIZE_FORMAT, pending / (1024 * 1024));
      g_autofree char *reason = g_strdup_printf (_("the disk is not keeping up (%s MiB waiting to be written)"),
                                                 waiting);

      stop_with (self, reason);
    }
  if (self->stopped || self->thread == NULL)
    {
      self->shared->item_free (item);
      return FALSE;
    }

  job = g_new0 (Job, 1);
  job->item = item;
  job->size = size;
  g_atomic_pointer_add (&self->shared->pending, (gssize) size);
  g_async_queue_push (self->shared->jobs, job);
  return TRUE;
}

gboolean
np_work_queue_is_stopped (NpWorkQueue *self)
{
  g_return_val_if_fail (NP_IS_WORK_QUEUE (self), TRUE);

  return self->stopped;
}

/* Items the work function did without failing. */
guint64
np_work_queue_get_n_done (NpWorkQueue *self)
{
  g_return_val_if_fail (NP_IS_WORK_QUEUE (self), 0);

  return (guint64) g_atomic_pointer_get (&self->shared->n_done);
}

/* Bytes the work function says it wrote. */
guint64
np_work_queue_get_written (NpWorkQueue *self)
{
  g_return_val_if_fail (NP_IS_WORK_QUEUE (self), 0);

  return (guint64) g_atomic_pointer_get (&self->shared->written);
}

/* Waits until everything queued is done and the work function has closed; a failure not
 * reported yet is reported now, through "failed". */
void
np_work_queue_finish (NpWorkQueue *self)
{
  g_return_if_fail (NP_IS_WORK_QUEUE (self));

  if (self->thread == NULL)
    return;

  g_async_queue_push (self->shared->jobs, g_new0 (Job, 1));
  g_thread_join (g_steal_pointer (&self->thread));
  if (g_atomic_int_get (&self->shared->failed) && self->shared->reason != NULL)
    stop_with (self, self->shared->reason);
  self->stopped = TRUE;
}
