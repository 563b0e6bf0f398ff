#define G_LOG_DOMAIN "np-event-queue"

#include "np-event-queue.h"

/* How much one idle dispatch hands over; the rest waits for the next dispatch so a huge
 * backlog cannot monopolise the consumer's main loop. */
#define MAX_BATCH 8192

/* Events are handed over on an idle, after what the consumer's loop has to do first (in GTK,
 * input and redraw). A loop that is never idle must still hear of them: GTK paints frame after
 * frame while a cursor blinks (a tick callback, for ten seconds after the last key), and when a
 * frame takes longer than the frame interval (software rendering on a busy machine) the next
 * one is due at once, every time; the idle then never ran, and the window did not learn it was
 * listening for ten seconds. So a deadline hands them over too, at most this long after the
 * first one was pushed, at a priority above GTK's redraw (G_PRIORITY_HIGH_IDLE + 20). */
#define MAX_WAIT_MS        50
#define DEADLINE_PRIORITY  (G_PRIORITY_HIGH_IDLE + 10)

/* Every event costs something even without payload (count-only mode, connects). */
#define EVENT_OVERHEAD 64

/* Payloads at least this big are charged once however many pending events share them (echo
 * shares the received bytes with the reply, a broadcast shares one line); smaller ones are
 * charged per event, which costs a hash lookup less and overcharges by little. */
#define SHARED_PAYLOAD_MIN 1024

struct _NpEventQueue
{
  GObject                 parent_instance;

  GMutex                  mutex;
  GPtrArray              *pending;          /* NpEvent*, guarded by mutex */
  gsize                   pending_bytes;    /* guarded by mutex */
  GHashTable             *charged;          /* guarded by mutex: big GBytes* -> pending uses */
  GSource                *idle;             /* guarded by mutex; set while a drain is scheduled */
  GSource                *deadline;         /* guarded by mutex; set with idle */
  gboolean                congested;        /* guarded by mutex */
  gboolean                closed;           /* guarded by mutex */
  guint64                 next_seq;         /* guarded by mutex */
  guint64                 wakeups;          /* guarded by mutex */

  gsize                   high_water;
  gsize                   low_water;

  GMainContext           *consumer_context;
  NpEventBatchFunc        func;
  gpointer                user_data;
  GDestroyNotify          destroy;

  GMainContext           *producer_context;
  NpEventQueueResumeFunc  resume;
  gpointer                resume_data;
};

G_DEFINE_FINAL_TYPE (NpEventQueue, np_event_queue, G_TYPE_OBJECT)

static void
np_event_queue_finalize (GObject *object)
{
  NpEventQueue *self = (NpEventQueue *)object;

  g_assert (self->idle == NULL);
  g_assert (self->deadline == NULL);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->charged, g_hash_table_unref);
  g_clear_pointer (&self->consumer_context, g_main_context_unref);
  g_clear_pointer (&self->producer_context, g_main_context_unref);
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (np_event_queue_parent_class)->finalize (object);
}

static void
np_event_queue_class_init (NpEventQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_event_queue_finalize;
}

static void
np_event_queue_init (NpEventQueue *self)
{
  g_mutex_init (&self->mutex);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) np_event_unref);
  self->charged = g_hash_table_new (NULL, NULL);
  self->next_seq = 1;
  self->high_water = 16 * 1024 * 1024;
  self->low_water = 4 * 1024 * 1024;
}

/**
 * np_event_queue_new:
 * @consumer_context: (nullable): where @func runs; %NULL for the global default context
 * @func: called with each batch, in order, on @consumer_context
 *
 * Returns: (transfer full): a new queue
 */
NpEventQueue *
np_event_queue_new (GMainContext     *consumer_context,
                    NpEventBatchFunc  func,
                    gpointer          user_data,
                    GDestroyNotify    destroy)
{
  NpEventQueue *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (NP_TYPE_EVENT_QUEUE, NULL);
  self->consumer_context = consumer_context != NULL
                           ? g_main_context_ref (consumer_context)
                           : g_main_context_ref (g_main_context_default ());
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;

  return self;
}

/* Set once, before any producer runs. */
void
np_event_queue_set_resume (NpEventQueue           *self,
                           GMainContext           *producer_context,
                           NpEventQueueResumeFunc  func,
                           gpointer                user_data)
{
  g_return_if_fail (NP_IS_EVENT_QUEUE (self));
  g_return_if_fail (producer_context != NULL);

  g_clear_pointer (&self->producer_context, g_main_context_unref);
  self->producer_context = g_main_context_ref (producer_context);
  self->resume = func;
  self->resume_data = user_data;
}

void
np_event_queue_set_watermarks (NpEventQueue *self,
                               gsize         high_water,
                               gsize         low_water)
{
  g_return_if_fail (NP_IS_EVENT_QUEUE (self));
  g_return_if_fail (low_water <= high_water);

  g_mutex_lock (&self->mutex);
  self->high_water = high_water;
  self->low_water = low_water;
  g_mutex_unlock (&self->mutex);
}

/* The event itself, without its payload. */
static gsize
fixed_cost (const NpEvent *event)
{
  gsize cost = EVENT_OVERHEAD;

  if (event->peer_ids != NULL)
    cost += event->peer_ids->len * sizeof (guint64);
  if (event->counters != NULL)
    cost += event->counters->len * sizeof (NpPeerCounters);
  /* An HTTP exchange's bodies belong to it alone. */
  if (event->http != NULL)
    cost += np_http_exchange_get_size (event->http);

  return cost;
}

/* What @event adds to the pending bytes when it is queued (@queued) or takes off when it is
 * handed over, with the mutex held. A big payload counts with its first use and leaves with
 * its last, however many events share it meanwhile. */
static gsize
account (NpEventQueue  *self,
         const NpEvent *event,
         gboolean       queued)
{
  gsize size = event->payload != NULL ? g_bytes_get_size (event->payload) : 0;
  guint uses;

  if (size < SHARED_PAYLOAD_MIN)
    return fixed_cost (event) + size;

  uses = GPOINTER_TO_UINT (g_hash_table_lookup (self->charged, event->payload));
  if (queued)
    {
      g_hash_table_insert (self->charged, event->payload, GUINT_TO_POINTER (uses + 1));
      return fixed_cost (event) + (uses == 0 ? size : 0);
    }

  g_assert (uses > 0);
  if (uses == 1)
    g_hash_table_remove (self->charged, event->payload);
  else
    g_hash_table_insert (self->charged, event->payload, GUINT_TO_POINTER (uses - 1));
  return fixed_cost (event) + (uses == 1 ? size : 0);
}

static gboolean
resume_producer_cb (gpointer user_data)
{
  NpEventQueue *self = user_data;

  if (self->resume != NULL)
    self->resume (self->resume_data);

  return G_SOURCE_REMOVE;
}

static gboolean drain_cb (gpointer user_data);

/* A source that is ready at its ready time, and only then. */
static gboolean
deadline_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs deadline_funcs = { NULL, NULL, deadline_dispatch, NULL, NULL, NULL };

/* With the mutex held: the drain waits for the consumer's idle, or for the deadline. */
static void
schedule_drain (NpEventQueue *self)
{
  self->idle = g_idle_source_new ();
  g_source_set_static_name (self->idle, "[netpoke] drain events");
  g_source_set_callback (self->idle, drain_cb, g_object_ref (self), g_object_unref);

  self->deadline = g_source_new (&deadline_funcs, sizeof (GSource));
  g_source_set_static_name (self->deadline, "[netpoke] drain events (deadline)");
  g_source_set_priority (self->deadline, DEADLINE_PRIORITY);
  g_source_set_callback (self->deadline, drain_cb, g_object_ref (self), g_object_unref);
  g_source_set_ready_time (self->deadline, g_get_monotonic_time () + MAX_WAIT_MS * 1000);

  g_source_attach (self->idle, self->consumer_context);
  g_source_attach (self->deadline, self->consumer_context);
}

static void
unschedule (GSource *idle,
            GSource *deadline)
{
  g_source_destroy (idle);
  g_source_unref (idle);
  g_source_destroy (deadline);
  g_source_unref (deadline);
}

/* Runs from the idle or from the deadline, whichever comes first. */
static gboolean
drain_cb (gpointer user_data)
{
  NpEventQueue *self = user_data;
  g_autoptr(GPtrArray) batch = NULL;
  GSource *idle = NULL;
  GSource *deadline = NULL;
  gboolean more;
  gboolean resume = FALSE;

  g_mutex_lock (&self->mutex);
  self->wakeups++;
  if (self->pending->len <= MAX_BATCH)
    {
      batch = g_steal_pointer (&self->pending);
      self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) np_event_unref);
      self->pending_bytes = 0;
      g_hash_table_remove_all (self->charged);
    }
  else
    {
      batch = g_ptr_array_new_full (MAX_BATCH, (GDestroyNotify) np_event_unref);
      for (guint i = 0; i < MAX_BATCH; i++)
        {
          NpEvent *event = g_ptr_array_index (self->pending, i);

          self->pending_bytes -= account (self, event, FALSE);
          g_ptr_array_add (batch, event);
        }
      /* Ownership moved to @batch: remove without freeing. */
      g_ptr_array_set_free_func (self->pending, NULL);
      g_ptr_array_remove_range (self->pending, 0, MAX_BATCH);
      g_ptr_array_set_free_func (self->pending, (GDestroyNotify) np_event_unref);
    }
  more = self->pending->len > 0;
  if (!more)
    {
      /* Both go; the next push schedules a new pair. */
      idle = g_steal_pointer (&self->idle);
      deadline = g_steal_pointer (&self->deadline);
    }
  else
    {
      /* The rest goes at the next idle, or by the deadline from now. */
      g_source_set_ready_time (self->deadline, g_get_monotonic_time () + MAX_WAIT_MS * 1000);
    }
  g_mutex_unlock (&self->mutex);

  if (idle != NULL)
    unschedule (idle, deadline);

  if (batch->len > 0)
    self->func (batch, self->user_data);

  /* Resume producers only after the consumer has processed the batch, so memory stays
   * bounded by roughly the high-water mark even when the consumer is slow. */
  g_mutex_lock (&self->mutex);
  if (self->congested && self->pending_bytes <= self->low_water && !self->closed)
    {
      self->congested = FALSE;
      resume = self->resume != NULL;
    }
  g_mutex_unlock (&self->mutex);

  if (resume)
    g_main_context_invoke_full (self->producer_context, G_PRIORITY_DEFAULT,
                                resume_producer_cb, g_object_ref (self), g_object_unref);

  return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/**
 * np_event_queue_push:
 * @event: (transfer full): the event
 *
 * Thread-safe. Stamps @event with the next sequence number.
 */
void
np_event_queue_push (NpEventQueue *self,
                     NpEvent      *event)
{
  g_return_if_fail (NP_IS_EVENT_QUEUE (self));
  g_return_if_fail (event != NULL);

  g_mutex_lock (&self->mutex);
  if (self->closed)
    {
      g_mutex_unlock (&self->mutex);
      np_event_unref (event);
      return;
    }

  event->seq = self->next_seq++;
  self->pending_bytes += account (self, event, TRUE);
  g_ptr_array_add (self->pending, event);
  if (self->pending_bytes > self->high_water)
    self->congested = TRUE;

  if (self->idle == NULL)
    schedule_drain (self);
  g_mutex_unlock (&self->mutex);
}

/* Thread-safe: producers ask this before reading more from a socket. */
gboolean
np_event_queue_is_congested (NpEventQueue *self)
{
  gboolean ret;

  g_return_val_if_fail (NP_IS_EVENT_QUEUE (self), FALSE);

  g_mutex_lock (&self->mutex);
  ret = self->congested;
  g_mutex_unlock (&self->mutex);

  return ret;
}

/* How many times the consumer was woken: the measure of coalescing. */
guint64
np_event_queue_get_wakeups (NpEventQueue *self)
{
  guint64 ret;

  g_return_val_if_fail (NP_IS_EVENT_QUEUE (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->wakeups;
  g_mutex_unlock (&self->mutex);

  return ret;
}

guint64
np_event_queue_get_pushed (NpEventQueue *self)
{
  guint64 ret;

  g_return_val_if_fail (NP_IS_EVENT_QUEUE (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->next_seq - 1;
  g_mutex_unlock (&self->mutex);

  return ret;
}

/* Drops what is pending and refuses further events; the consumer is shutting down. */
void
np_event_queue_close (NpEventQueue *self)
{
  GSource *idle;
  GSource *deadline;

  g_return_if_fail (NP_IS_EVENT_QUEUE (self));

  g_mutex_lock (&self->mutex);
  self->closed = TRUE;
  g_ptr_array_set_size (self->pending, 0);
  self->pending_bytes = 0;
  g_hash_table_remove_all (self->charged);
  idle = g_steal_pointer (&self->idle);
  deadline = g_steal_pointer (&self->deadline);
  g_mutex_unlock (&self->mutex);

  if (idle != NULL)
    unschedule (idle, deadline);
}
