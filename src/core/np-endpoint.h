/* np-endpoint.h: base of NpTcpServer, NpTcpClient, NpUdpEndpoint and the web modes
 *
 * Engine-thread only: every method runs on the engine's context. Front ends never hold an
 * endpoint; they talk to NpEngine by endpoint id and hear back through events.
 */
#pragma once

#include <gio/gio.h>

#include "np-endpoint-config.h"
#include "np-event-queue.h"
#include "np-framing-budget.h"
#include "np-responder.h"
#include "np-send-batch.h"
#include "np-watch-set.h"

G_BEGIN_DECLS

#define NP_TYPE_ENDPOINT (np_endpoint_get_type ())

G_DECLARE_DERIVABLE_TYPE (NpEndpoint, np_endpoint, NP, ENDPOINT, GObject)

typedef struct _NpConnection NpConnection;

struct _NpEndpointClass
{
  GObjectClass parent_class;

  void     (*start)             (NpEndpoint    *self);
  /* Close every socket; the base class then emits STOPPED. */
  void     (*stop)              (NpEndpoint    *self,
                                 const char    *reason);
  /* @peer_ids empty: the mode's default targets (server: all clients). Emits ONE SENT event
   * for the whole operation (np_endpoint_new_sent / np_endpoint_emit_sent). */
  void     (*send)              (NpEndpoint    *self,
                                 const guint64 *peer_ids,
                                 guint          n_peer_ids,
                                 NpSendBatch   *batch);
  /* Optional: each message of @batch as a WebSocket text message (UTF-8). Without it text
   * goes to send. */
  void     (*send_text)         (NpEndpoint    *self,
                                 const guint64 *peer_ids,
                                 guint          n_peer_ids,
                                 NpSendBatch   *batch);
  gboolean (*disconnect_peer)   (NpEndpoint    *self,
                                 guint64        peer_id);
  /* Optional: close every connection, keep listening. */
  void     (*disconnect_all)    (NpEndpoint    *self,
                                 const char    *reason);
  /* The event queue drained: restart reads paused by backpressure. */
  void     (*resume)            (NpEndpoint    *self);
  void     (*connection_closed) (NpEndpoint    *self,
                                 NpConnection  *connection);
  /* Stream modes (TCP): the connections @peer_ids name (none: the default targets), for a file
   * sent in chunks or a paced send to wait on; with @report, each one asked for that is not
   * there is reported (a paced send's own send reported them already). Others leave it NULL
   * and send a file as one message. Returns: (transfer full) (element-type NpConnection) */
  GPtrArray *(*pick_connections) (NpEndpoint    *self,
                                  const guint64 *peer_ids,
                                  guint          n_peer_ids,
                                  gboolean       report);
  /* Optional: the framing budget stayed used up (np-framing-budget.h): drop the connection
   * that buffers the most. */
  void     (*shed_framing)      (NpEndpoint    *self);
};

typedef void (*NpEndpointFinishedFunc) (NpEndpoint *endpoint,
                                        gpointer    user_data);

NpEndpoint             *np_endpoint_new_for_config   (guint                    id,
                                                      const NpEndpointConfig  *config,
                                                      NpEventQueue            *queue);
guint                   np_endpoint_get_id           (NpEndpoint              *self);
const NpEndpointConfig *np_endpoint_get_config       (NpEndpoint              *self);
gboolean                np_endpoint_is_stopped       (NpEndpoint              *self);
void                    np_endpoint_set_finished_func (NpEndpoint             *self,
                                                      NpEndpointFinishedFunc   func,
                                                      gpointer                 user_data);
void                    np_endpoint_start            (NpEndpoint              *self);
void                    np_endpoint_stop             (NpEndpoint              *self,
                                                      const char              *reason);
void                    np_endpoint_send             (NpEndpoint              *self,
                                                      const guint64           *peer_ids,
                                                      guint                    n_peer_ids,
                                                      NpSendBatch             *batch);
void                    np_endpoint_send_batch_as    (NpEndpoint              *self,
                                                      const guint64           *peer_ids,
                                                      guint                    n_peer_ids,
                                                      NpSendBatch             *batch,
                                                      NpMessageType            type);
void                    np_endpoint_send_paced       (NpEndpoint              *self,
                                                      const guint64           *peer_ids,
                                                      guint                    n_peer_ids,
                                                      NpSendBatch             *batch,
                                                      NpMessageType            type,
                                                      gsize                    below);
void                    np_endpoint_disconnect_peer  (NpEndpoint              *self,
                                                      guint64                  peer_id);
void                    np_endpoint_disconnect_all   (NpEndpoint              *self);
void                    np_endpoint_resume           (NpEndpoint              *self);
void                    np_endpoint_set_responder    (NpEndpoint              *self,
                                                      NpResponder             *responder);
void                    np_endpoint_send_file        (NpEndpoint              *self,
                                                      const guint64           *peer_ids,
                                                      guint                    n_peer_ids,
                                                      GFile                   *file,
                                                      gboolean                 finish_writing);
void                    np_endpoint_cancel_file      (NpEndpoint              *self);

/* For subclasses and NpConnection. */
void                    np_endpoint_emit             (NpEndpoint              *self,
                                                      NpEvent                 *event);
void                    np_endpoint_emit_error       (NpEndpoint              *self,
                                                      guint64                  peer_id,
                                                      const char              *peer,
                                                      const char              *message);
void                    np_endpoint_refuse_send      (NpEndpoint              *self,
                                                      NpSendBatch             *batch,
                                                      guint64                  peer_id,
                                                      const char              *peer,
                                                      const char              *message);
void                    np_endpoint_finish           (NpEndpoint              *self,
                                                      gboolean                 failed,
                                                      const char              *message);
gboolean                np_endpoint_is_congested     (NpEndpoint              *self);
NpFramingBudget        *np_endpoint_get_framing_budget (NpEndpoint            *self);
NpWatchSet             *np_endpoint_get_watch_set    (NpEndpoint              *self);
guint8                 *np_endpoint_get_read_buffer  (NpEndpoint              *self,
                                                      gsize                   *size);
guint64                 np_endpoint_next_peer_id     (NpEndpoint              *self);
void                    np_endpoint_count_in         (NpEndpoint              *self,
                                                      gsize                    bytes,
                                                      guint                    messages);
void                    np_endpoint_count_out        (NpEndpoint              *self,
                                                      gsize                    bytes,
                                                      guint                    messages);
void                    np_endpoint_count_dropped    (NpEndpoint              *self,
                                                      guint64                  datagrams);
void                    np_endpoint_emit_received    (NpEndpoint              *self,
                                                      guint64                  peer_id,
                                                      const char              *peer,
                                                      GBytes                  *message,
                                                      gsize                    length);
void                    np_endpoint_emit_datagram    (NpEndpoint              *self,
                                                      guint64                  peer_id,
                                                      const char              *peer,
                                                      GBytes                  *message,
                                                      gsize                    length,
                                                      const char              *group);
void                    np_endpoint_emit_relayed     (NpEndpoint              *self,
                                                      guint64                  peer_id,
                                                      const char              *peer,
                                                      GBytes                  *message,
                                                      gsize                    length,
                                                      NpRelayDirection         direction);
void                    np_endpoint_emit_notice      (NpEndpoint              *self,
                                                      guint64                  peer_id,
                                                      const char              *peer,
                                                      const char              *message);
void                    np_endpoint_answer           (NpEndpoint              *self,
                                                      guint64                  peer_id,
                                                      const char              *peer,
                                                      GBytes                  *message,
                                                      NpMessageType            type);
gboolean                np_endpoint_is_answering     (NpEndpoint              *self);
NpEvent                *np_endpoint_new_sent         (NpEndpoint              *self,
                                                      NpSendBatch             *batch,
                                                      gboolean                 to_all);
void                    np_endpoint_emit_sent        (NpEndpoint              *self,
                                                      NpEvent                 *event);
void                    np_endpoint_peer_changed     (NpEndpoint              *self,
                                                      NpPeerCounters          *counters);
void                    np_endpoint_peer_gone        (NpEndpoint              *self,
                                                      guint64                  peer_id);

GPtrArray              *np_endpoint_snapshot_peers   (GHashTable              *peers);
GPtrArray              *np_endpoint_pick_peers       (NpEndpoint              *self,
                                                      GHashTable              *peers,
                                                      const guint64           *peer_ids,
                                                      guint                    n_peer_ids,
                                                      const char              *nobody);

G_END_DECLS
