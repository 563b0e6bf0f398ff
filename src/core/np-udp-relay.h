/* np-udp-relay.h: a UDP relay: each client address gets its own socket to the target, and
 * datagrams go both ways, each direction logged (engine thread only) */
#pragma once

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_UDP_RELAY (np_udp_relay_get_type ())

G_DECLARE_FINAL_TYPE (NpUdpRelay, np_udp_relay, NP, UDP_RELAY, NpEndpoint)

G_END_DECLS
