/* np-tcp-server.h: a listening TCP endpoint with a table of clients (engine thread only) */
#pragma once

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_TCP_SERVER (np_tcp_server_get_type ())

G_DECLARE_FINAL_TYPE (NpTcpServer, np_tcp_server, NP, TCP_SERVER, NpEndpoint)

G_END_DECLS
