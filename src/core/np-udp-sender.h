/* np-udp-sender.h: datagrams on their way out of one UDP socket (engine thread only)
 *
 * One send operation is every message of a batch to every target peer; the operations leave in
 * order, up to 256 datagrams per sendmmsg call, and what the socket does not take now waits
 * (bounded) for POLLOUT. A datagram the system refuses is reported for its peer and skipped.
 */
#pragma once

#include <gio/gio.h>

#include "np-endpoint.h"

G_BEGIN_DECLS

/* A peer of a UDP endpoint: who sent to us, or whom we send to. */
typedef struct
{
  guint64          id;
  char            *name;       /* "ADDR:PORT" */
  GSocketAddress  *address;
  NpPeerCounters   counters;
} NpUdpPeer;

NpUdpPeer   *np_udp_peer_new    (guint64         id,
                                 GSocketAddress *address);
void         np_udp_peer_free   (NpUdpPeer      *peer);

typedef struct _NpUdpSender NpUdpSender;

NpUdpSender *np_udp_sender_new  (NpEndpoint     *owner,
                                 GSocket        *socket,
                                 GPtrArray      *broadcasts);
void         np_udp_sender_free (NpUdpSender    *self);
void         np_udp_sender_send (NpUdpSender    *self,
                                 GPtrArray      *targets,
                                 NpSendBatch    *batch,
                                 gboolean        to_all);

G_END_DECLS
