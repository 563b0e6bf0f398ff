/* np-connection-private.h: NpConnection's instance, shared by np-connection.c (lifecycle,
 * reading, closing) and np-connection-send.c (the send queue, gathered writes, the stall
 * check, drain notices for files, half-close). Names with a leading _ are theirs, not API. */
#pragma once

#include "np-connection.h"

G_BEGIN_DECLS

struct _NpConnection
{
  GObject             parent_instance;

  NpEndpoint         *owner;         /* not owned: the endpoint owns us */
  GIOStream          *stream;        /* the socket's, or TLS over it */
  GSocket            *socket;
  GPollableOutputStream *output;     /* the stream's (not owned), taken when the connection is made:
                                      * GIO makes it on first use, which would be the first send */
  guint64             id;
  char               *peer;
  NpFramer           *framer;        /* NULL: raw */

  GSource            *in_source;     /* reading a TLS stream: GIO's pollable source */
  NpWatch            *in_watch;      /* reading a plain socket: the endpoint's watch set */
  GSource            *out_source;
  GSource            *stall_source;  /* armed only while writes are blocked */
  NpWatch            *hangup_watch;  /* after the peer finished sending: its reset or close, in
                                      * the endpoint's watch set (10,000 finished peers are then
                                      * not 10,000 sources polled at every wakeup) */
  gint64              last_progress; /* monotonic time of the last byte the peer accepted */
  gboolean            paused;        /* reading stopped by backpressure or the framing budget */
  gboolean            peer_finished; /* EOF read: the peer sends no more, we may still send */
  gsize               framed;        /* framer memory, as counted in the endpoint's budget */
  gboolean            closed;
  gboolean            failed;
  char               *close_reason;

  GQueue              out_queue;     /* NpSendBatch* waiting to be written */
  gsize               out_offset;    /* bytes of the head already written */
  guint               out_counted;   /* messages of the head already counted as sent */
  gsize               out_queued;    /* bytes in out_queue not yet written */

  NpPeerCounters      counters;      /* published by the owner; peer_id = id */

  /* A file being sent waits for the queue to shrink below drain_below (np_file_sender). */
  NpConnectionDrainedFunc drained_func;
  gpointer            drained_data;
  gsize               drain_below;
  gboolean            finish_writing; /* half-close once everything queued is written */
  gboolean            write_shut;
};

void _np_connection_clear_source   (GSource      **source);
void _np_connection_stop_reading   (NpConnection  *self);
void _np_connection_notify_drained (NpConnection  *self);

G_END_DECLS
