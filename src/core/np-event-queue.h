/* np-event-queue.h: hands events from the engine thread to a consumer's main context
 *
 * Producers append under a mutex. Only when the queue goes from empty to non-empty is ONE idle
 * source attached to the consumer context; that idle drains everything queued as a batch. So a
 * flood of packets costs the consumer a handful of wakeups, not one per packet.
 *
 * Backpressure: past a high-water mark of undelivered payload bytes the queue reports itself
 * congested; producers stop reading sockets until the consumer has drained below the low-water
 * mark, when the resume callback runs on the producer's context.
 */
#pragma once

#include <gio/gio.h>

#include "np-event.h"

G_BEGIN_DECLS

#define NP_TYPE_EVENT_QUEUE (np_event_queue_get_type ())

G_DECLARE_FINAL_TYPE (NpEventQueue, np_event_queue, NP, EVENT_QUEUE, GObject)

/* @batch holds NpEvent* in order; the callee may steal events with g_ptr_array_steal. */
typedef void (*NpEventBatchFunc) (GPtrArray *batch,
                                  gpointer   user_data);
typedef void (*NpEventQueueResumeFunc) (gpointer user_data);

NpEventQueue *np_event_queue_new            (GMainContext            *consumer_context,
                                             NpEventBatchFunc         func,
                                             gpointer                 user_data,
                                             GDestroyNotify           destroy);
void          np_event_queue_set_resume     (NpEventQueue            *self,
                                             GMainContext            *producer_context,
                                             NpEventQueueResumeFunc   func,
                                             gpointer                 user_data);
void          np_event_queue_set_watermarks (NpEventQueue            *self,
                                             gsize                    high_water,
                                             gsize                    low_water);
void          np_event_queue_push           (NpEventQueue            *self,
                                             NpEvent                 *event);
gboolean      np_event_queue_is_congested   (NpEventQueue            *self);
guint64       np_event_queue_get_wakeups    (NpEventQueue            *self);
guint64       np_event_queue_get_pushed     (NpEventQueue            *self);
void          np_event_queue_close          (NpEventQueue            *self);

G_END_DECLS
