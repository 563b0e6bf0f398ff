/* np-connection.h: one TCP stream of a server or client endpoint (engine thread only)
 *
 * Reads are non-blocking from a pollable source into the endpoint's shared buffer, framed, and
 * reported. Writes are batches shared with every other target of a send: everything queued
 * leaves in one gathered write, straight away when the socket takes it, otherwise when it
 * becomes writable; the queue is bounded, so one peer that does not read never holds up the
 * others. Counters are published by the owner in COUNTERS snapshots.
 */
#pragma once

#include <gio/gio.h>

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_CONNECTION (np_connection_get_type ())

G_DECLARE_FINAL_TYPE (NpConnection, np_connection, NP, CONNECTION, GObject)

typedef void (*NpConnectionDrainedFunc) (NpConnection *connection,
                                         gpointer      user_data);

/* TCP keep-alive (--keepalive): the first probe after this long without traffic, then one
 * every interval; this many unanswered and the connection is dropped. */
#define NP_KEEPALIVE_IDLE_S     10
#define NP_KEEPALIVE_INTERVAL_S 5
#define NP_KEEPALIVE_PROBES     3

NpConnection *np_connection_new              (NpEndpoint        *owner,
                                              GIOStream         *stream);
void          np_connection_set_keepalive    (GSocket           *socket);
guint64       np_connection_get_id           (NpConnection      *self);
const char   *np_connection_get_peer         (NpConnection      *self);
void          np_connection_start            (NpConnection      *self);
gboolean      np_connection_send             (NpConnection      *self,
                                              NpSendBatch       *batch);
void          np_connection_close            (NpConnection      *self,
                                              const char        *reason,
                                              gboolean           failed);
void          np_connection_resume           (NpConnection      *self);
gboolean      np_connection_get_failed       (NpConnection      *self);
const char   *np_connection_get_close_reason (NpConnection      *self);
gboolean      np_connection_is_closed        (NpConnection      *self);
gsize         np_connection_get_send_queued  (NpConnection      *self);
void          np_connection_set_drained_func (NpConnection      *self,
                                              gsize              below,
                                              NpConnectionDrainedFunc func,
                                              gpointer           user_data);
void          np_connection_finish_writing   (NpConnection      *self);
gboolean      np_connection_get_peer_finished (NpConnection     *self);
gsize         np_connection_get_framed       (NpConnection      *self);

G_END_DECLS
