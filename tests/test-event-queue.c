/* Event queue: ordering across threads, coalescing (N events -> far fewer wakeups),
 * and backpressure (congested past the high-water mark, resumed after a drain). */
#include "np-event-queue.h"

#define N_EVENTS 200000

typedef struct
{
  NpEventQueue *queue;
  guint64       received;
  guint64       last_seq;
  guint64       last_value;
  guint         batches;
  gboolean      in_order;
  GMainLoop    *loop;
  guint64       expected;
  guint         resumed;
} Consumer;

static void
on_batch (GPtrArray *batch,
          gpointer   user_data)
{
  Consumer *consumer = user_data;

  consumer->batches++;
  for (guint i = 0; i < batch->len; i++)
    {
      NpEvent *event = g_ptr_array_index (batch, i);

      if (event->seq != consumer->last_seq + 1 || event->peer_id != consumer->last_value + 1)
        consumer->in_order = FALSE;
      consumer->last_seq = event->seq;
      consumer->last_value = event->peer_id;
      consumer->received++;
    }

  if (consumer->received == consumer->expected && consumer->loop != NULL)
    g_main_loop_quit (consumer->loop);
}

static gpointer
produce (gpointer user_data)
{
  NpEventQueue *queue = user_data;

  for (guint64 i = 1; i <= N_EVENTS; i++)
    np_event_queue_push (queue, np_event_new (NP_EVENT_RECEIVED, 1, i, NULL));

  return NULL;
}

static void
test_order_and_coalescing (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Consumer consumer = { .in_order = TRUE, .expected = N_EVENTS };
  g_autoptr(NpEventQueue) queue = NULL;
  GThread *thread;

  g_main_context_push_thread_default (context);
  consumer.loop = g_main_loop_new (context, FALSE);
  queue = np_event_queue_new (context, on_batch, &consumer, NULL);
  np_event_queue_set_watermarks (queue, G_MAXSIZE, G_MAXSIZE);

  thread = g_thread_new ("producer", produce, queue);
  g_main_loop_run (consumer.loop);
  g_thread_join (thread);

  g_assert_true (consumer.in_order);
  g_assert_cmpuint (consumer.received, ==, N_EVENTS);
  g_assert_cmpuint (np_event_queue_get_pushed (queue), ==, N_EVENTS);
  /* One wakeup per batch, never one per event. */
  g_assert_cmpuint (np_event_queue_get_wakeups (queue), ==, consumer.batches);
  g_test_message ("%d events in %u wakeups", N_EVENTS, consumer.batches);
  g_assert_cmpuint (consumer.batches, <, N_EVENTS / 10);

  g_main_loop_unref (consumer.loop);
  g_main_context_pop_thread_default (context);
}

/* Events pushed while the consumer is busy arrive in one batch: exactly one wakeup. */
static void
test_single_idle_for_burst (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Consumer consumer = { .in_order = TRUE, .expected = 1000 };
  g_autoptr(NpEventQueue) queue = np_event_queue_new (context, on_batch, &consumer, NULL);

  for (guint64 i = 1; i <= 1000; i++)
    np_event_queue_push (queue, np_event_new (NP_EVENT_RECEIVED, 1, i, NULL));

  while (g_main_context_iteration (context, FALSE))
    ;

  g_assert_cmpuint (consumer.received, ==, 1000);
  g_assert_cmpuint (consumer.batches, ==, 1);
  g_assert_true (consumer.in_order);

  /* Nothing pending: no source left behind, no wakeups while idle. */
  g_assert_false (g_main_context_pending (context));
}

static void
on_resume (gpointer user_data)
{
  Consumer *consumer = user_data;

  consumer->resumed++;
}

static void
test_backpressure (void)
{
  g_autoptr(GMainContext) consumer_context = g_main_context_new ();
  g_autoptr(GMainContext) producer_context = g_main_context_new ();
  Consumer consumer = { .in_order = TRUE, .expected = 0 };
  g_autoptr(NpEventQueue) queue = np_event_queue_new (consumer_context, on_batch, &consumer, NULL);
  guint64 value = 0;

  np_event_queue_set_resume (queue, producer_context, on_resume, &consumer);
  np_event_queue_set_watermarks (queue, 10000, 2000);

  /* 1 KiB payloads: congested after about ten. */
  while (!np_event_queue_is_congested (queue))
    {
      NpEvent *event = np_event_new (NP_EVENT_RECEIVED, 1, ++value, NULL);

      event->payload = g_bytes_new_take (g_malloc0 (1024), 1024);
      np_event_queue_push (queue, event);
      g_assert_cmpuint (value, <, 100);
    }
  g_assert_cmpuint (value, >=, 9);
  g_assert_cmpuint (consumer.resumed, ==, 0);

  while (g_main_context_iteration (consumer_context, FALSE))
    ;
  g_assert_false (np_event_queue_is_congested (queue));
  g_assert_cmpuint (consumer.received, ==, value);

  /* The resume callback runs on the producer's context, not the consumer's. */
  g_assert_cmpuint (consumer.resumed, ==, 0);
  while (g_main_context_iteration (producer_context, FALSE))
    ;
  g_assert_cmpuint (consumer.resumed, ==, 1);
}

/* Events that share one payload (a broadcast line, an echoed message) charge it once: 10,000
 * events sharing 64 KiB are 64 KiB of data plus their overhead, not 640 MiB (issue 9). After
 * draining, in two batches that split the sharers, the budget is back to exactly empty. */
static void
test_shared_payload_charged_once (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Consumer consumer = { .in_order = TRUE, .expected = 10000 };
  g_autoptr(NpEventQueue) queue = np_event_queue_new (context, on_batch, &consumer, NULL);
  g_autoptr(GBytes) shared = g_bytes_new_take (g_malloc0 (64 * 1024), 64 * 1024);
  guint distinct = 0;

  np_event_queue_set_watermarks (queue, 1024 * 1024, 512 * 1024);

  for (guint64 i = 1; i <= 10000; i++)
    {
      NpEvent *event = np_event_new (NP_EVENT_SENT, 1, i, NULL);

      event->payload = g_bytes_ref (shared);
      np_event_queue_push (queue, event);
    }
  g_assert_false (np_event_queue_is_congested (queue));

  g_main_context_iteration (context, FALSE);
  g_assert_cmpuint (consumer.received, <, 10000);   /* the sharers were split */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_cmpuint (consumer.received, ==, 10000);
  g_assert_true (consumer.in_order);

  /* Empty again: 16 distinct 64 KiB payloads (plus 64 bytes each) are the first past 1 MiB. */
  while (!np_event_queue_is_congested (queue))
    {
      NpEvent *event = np_event_new (NP_EVENT_RECEIVED, 1, 10000 + ++distinct, NULL);

      event->payload = g_bytes_new_take (g_malloc0 (64 * 1024), 64 * 1024);
      np_event_queue_push (queue, event);
      g_assert_cmpuint (distinct, <, 100);
    }
  g_assert_cmpuint (distinct, ==, 16);
}

/* A consumer whose loop is never idle: GTK's frame clock, while a cursor blinks (a tick
 * callback for up to ten seconds after the last key), paints frame after frame at priority
 * G_PRIORITY_HIGH_IDLE + 20, and a frame that takes longer than the frame interval (software
 * rendering on a busy machine) makes the next one due at once. A drain at idle priority never
 * ran: the window did not learn that it was listening for ten seconds. Events still arrive,
 * within the queue's longest wait. */
static gboolean
slow_frame (gpointer user_data)
{
  guint *frames = user_data;

  (*frames)++;
  g_usleep (20 * 1000);
  return G_SOURCE_CONTINUE;
}

static void
test_busy_consumer (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Consumer consumer = { .in_order = TRUE, .expected = 1 };
  g_autoptr(NpEventQueue) queue = np_event_queue_new (context, on_batch, &consumer, NULL);
  GSource *frames = g_idle_source_new ();
  guint n_frames = 0;
  gint64 start;
  gint64 waited;

  g_source_set_priority (frames, G_PRIORITY_HIGH_IDLE + 20);
  g_source_set_callback (frames, slow_frame, &n_frames, NULL);
  g_source_attach (frames, context);

  start = g_get_monotonic_time ();
  np_event_queue_push (queue, np_event_new (NP_EVENT_RECEIVED, 1, 1, NULL));
  while (consumer.received == 0 && g_get_monotonic_time () - start < G_USEC_PER_SEC)
    g_main_context_iteration (context, TRUE);
  waited = g_get_monotonic_time () - start;
  g_test_message ("delivered after %" G_GINT64_FORMAT " ms and %u busy frames", waited / 1000, n_frames);

  g_assert_cmpuint (consumer.received, ==, 1);
  g_assert_cmpint (waited, <, 500 * 1000);
  g_assert_cmpuint (n_frames, >, 0);  /* the loop was busy meanwhile, not starved in turn */

  /* Drained: nothing of the queue's is left on the context. */
  g_source_destroy (frames);
  g_source_unref (frames);
  g_assert_false (g_main_context_pending (context));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-queue/order-and-coalescing", test_order_and_coalescing);
  g_test_add_func ("/event-queue/single-idle-for-burst", test_single_idle_for_burst);
  g_test_add_func ("/event-queue/backpressure", test_backpressure);
  g_test_add_func ("/event-queue/shared-payload-charged-once", test_shared_payload_charged_once);
  g_test_add_func ("/event-queue/busy-consumer", test_busy_consumer);

  return g_test_run ();
}
