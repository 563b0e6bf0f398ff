/* np-ws-connection.h: one WebSocket peer of a ws-server or ws client (engine thread only)
 *
 * Wraps a SoupWebsocketConnection: its messages, pongs, errors and close become events with
 * exact per-peer counters, the way NpConnection does it for a TCP stream. Emits "closed" once
 * the peer is gone, however it went.
 */
#pragma once

#include <libsoup/soup.h>

#include "np-endpoint.h"
#include "np-pausable-stream.h"

G_BEGIN_DECLS

#define NP_TYPE_WS_CONNECTION (np_ws_connection_get_type ())

G_DECLARE_FINAL_TYPE (NpWsConnection, np_ws_connection, NP, WS_CONNECTION, GObject)

NpWsConnection *np_ws_connection_new              (NpEndpoint              *owner,
                                                   SoupWebsocketConnection *socket,
                                                   guint64                  id,
                                                   const char              *peer,
                                                   NpPausableStream        *pausable);
void            np_ws_connection_resume           (NpWsConnection          *self);
guint64         np_ws_connection_get_id           (NpWsConnection          *self);
const char     *np_ws_connection_get_peer         (NpWsConnection          *self);
gboolean        np_ws_connection_get_failed       (NpWsConnection          *self);
const char     *np_ws_connection_get_close_reason (NpWsConnection          *self);
gboolean        np_ws_connection_send             (NpWsConnection          *self,
                                                   NpSendBatch             *batch,
                                                   NpMessageType            type);
void            np_ws_connection_send_to          (NpEndpoint              *owner,
                                                   GPtrArray               *targets,
                                                   NpSendBatch             *batch,
                                                   NpMessageType            type,
                                                   gboolean                 to_all);
void            np_ws_connection_close            (NpWsConnection          *self,
                                                   gushort                  code,
                                                   const char              *reason);
gboolean        np_ws_text_is_valid               (GBytes                  *payload);
const char     *np_ws_close_code_describe         (guint                    code);

G_END_DECLS
