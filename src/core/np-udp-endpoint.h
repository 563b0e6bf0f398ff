/* np-udp-endpoint.h: a bound UDP socket with a table of peers heard from (engine thread only) */
#pragma once

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_UDP_ENDPOINT (np_udp_endpoint_get_type ())

G_DECLARE_FINAL_TYPE (NpUdpEndpoint, np_udp_endpoint, NP, UDP_ENDPOINT, NpEndpoint)

void np_udp_endpoint_set_destination (NpUdpEndpoint      *self,
                                      GSocketAddress     *destination);
void np_udp_endpoint_set_groups      (NpUdpEndpoint      *self,
                                      const char * const *specs);

G_END_DECLS
