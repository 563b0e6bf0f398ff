/* np-web-server.h: an HTTP server (folder, canned responses) with an optional WebSocket path (engine thread only) */
#pragma once

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_WEB_SERVER (np_web_server_get_type ())

G_DECLARE_FINAL_TYPE (NpWebServer, np_web_server, NP, WEB_SERVER, NpEndpoint)

G_END_DECLS
