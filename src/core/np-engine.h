/* np-engine.h: the socket engine, running every endpoint on a worker thread
 *
 * Call everything from the consumer's thread (the one whose context was given to
 * np_engine_new()). Commands are forwarded to the engine thread with
 * g_main_context_invoke_full(); results come back as events in batches on the consumer context.
 */
#pragma once

#include <gio/gio.h>

#include "np-endpoint-config.h"
#include "np-event-queue.h"
#include "np-send-batch.h"

G_BEGIN_DECLS

#define NP_TYPE_ENGINE (np_engine_get_type ())

G_DECLARE_FINAL_TYPE (NpEngine, np_engine, NP, ENGINE, GObject)

NpEngine *np_engine_new             (GMainContext           *consumer_context,
                                     NpEventBatchFunc        func,
                                     gpointer                user_data,
                                     GDestroyNotify          destroy);
guint     np_engine_start           (NpEngine               *self,
                                     const NpEndpointConfig *config);
void      np_engine_stop            (NpEngine               *self,
                                     guint                   endpoint_id);
void      np_engine_stop_with_reason (NpEngine              *self,
                                     guint                   endpoint_id,
                                     const char             *reason);
void      np_engine_send            (NpEngine               *self,
                                     guint                   endpoint_id,
                                     const guint64          *peer_ids,
                                     guint                   n_peer_ids,
                                     GBytes                 *payload);
void      np_engine_send_batch      (NpEngine               *self,
                                     guint                   endpoint_id,
                                     const guint64          *peer_ids,
                                     guint                   n_peer_ids,
                                     NpSendBatch            *batch);
void      np_engine_send_batch_as   (NpEngine               *self,
                                     guint                   endpoint_id,
                                     const guint64          *peer_ids,
                                     guint                   n_peer_ids,
                                     NpSendBatch            *batch,
                                     NpMessageType           type);
void      np_engine_send_paced      (NpEngine               *self,
                                     guint                   endpoint_id,
                                     const guint64          *peer_ids,
                                     guint                   n_peer_ids,
                                     NpSendBatch            *batch,
                                     NpMessageType           type,
                                     gsize                   below);
void      np_engine_disconnect_peer (NpEngine               *self,
                                     guint                   endpoint_id,
                                     guint64                 peer_id);
void      np_engine_disconnect_all  (NpEngine               *self,
                                     guint                   endpoint_id);
void      np_engine_set_destination (NpEngine               *self,
                                     guint                   endpoint_id,
                                     GSocketAddress         *destination);
void      np_engine_set_groups      (NpEngine               *self,
                                     guint                   endpoint_id,
                                     const char * const     *groups);
void      np_engine_set_responder   (NpEngine               *self,
                                     guint                   endpoint_id,
                                     NpResponder            *responder);
void      np_engine_send_file       (NpEngine               *self,
                                     guint                   endpoint_id,
                                     const guint64          *peer_ids,
                                     guint                   n_peer_ids,
                                     GFile                  *file,
                                     gboolean                finish_writing);
void      np_engine_cancel_file     (NpEngine               *self,
                                     guint                   endpoint_id);
void      np_engine_shutdown        (NpEngine               *self);
NpEventQueue *np_engine_get_queue   (NpEngine               *self);

G_END_DECLS
