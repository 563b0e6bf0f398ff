/* np-work-queue.h: writing to disk off the caller's thread, in order, stopping at the first failure
 *
 * What saving messages and recording a capture share: the caller (a main loop that must not
 * wait for a disk) pushes items; one worker thread hands each to the work function, in order.
 * The first failure stops the queue for good: the items after it are dropped, and "failed" says
 * why, once, on the main context that was the caller's thread default. At most
 * NP_WORK_QUEUE_MAX_PENDING bytes may wait: past that the disk is not keeping up, and the queue
 * stops rather than letting memory grow.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define NP_WORK_QUEUE_MAX_PENDING (64 * 1024 * 1024)

/* Runs on the worker thread, for each item in order, and once more with @item %NULL at the end
 * (to close what it writes to). @written: bytes it put on disk, for the caller to show. */
typedef gboolean (*NpWorkFunc) (gpointer   item,
                                gpointer   user_data,
                                gsize     *written,
                                GError   **error);

#define NP_TYPE_WORK_QUEUE (np_work_queue_get_type ())

G_DECLARE_FINAL_TYPE (NpWorkQueue, np_work_queue, NP, WORK_QUEUE, GObject)

NpWorkQueue *np_work_queue_new          (const char     *thread_name,
                                         NpWorkFunc      func,
                                         gpointer        user_data,
                                         GDestroyNotify  user_data_free,
                                         GDestroyNotify  item_free);
gboolean     np_work_queue_push         (NpWorkQueue    *self,
                                         gpointer        item,
                                         gsize           size);
gboolean     np_work_queue_is_stopped   (NpWorkQueue    *self);
guint64      np_work_queue_get_n_done   (NpWorkQueue    *self);
guint64      np_work_queue_get_written  (NpWorkQueue    *self);
void         np_work_queue_finish       (NpWorkQueue    *self);

G_END_DECLS
