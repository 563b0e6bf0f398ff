/* np-relay.h: a TCP relay: accepts clients, opens one connection to the target for each, and
 * copies both ways, logging each direction (engine thread only) */
#pragma once

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_RELAY (np_relay_get_type ())

G_DECLARE_FINAL_TYPE (NpRelay, np_relay, NP, RELAY, NpEndpoint)

G_END_DECLS
