/* np-tcp-client.h: one outgoing TCP connection (engine thread only) */
#pragma once

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_TCP_CLIENT (np_tcp_client_get_type ())

G_DECLARE_FINAL_TYPE (NpTcpClient, np_tcp_client, NP, TCP_CLIENT, NpEndpoint)

G_END_DECLS
