/* np-ws-client.h: one WebSocket connection to a ws:// or wss:// URL (engine thread only) */
#pragma once

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_WS_CLIENT (np_ws_client_get_type ())

G_DECLARE_FINAL_TYPE (NpWsClient, np_ws_client, NP, WS_CLIENT, NpEndpoint)

G_END_DECLS
