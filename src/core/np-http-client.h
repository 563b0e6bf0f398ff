/* np-http-client.h: one HTTP(S) request and its response (engine thread only) */
#pragma once

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_HTTP_CLIENT (np_http_client_get_type ())

G_DECLARE_FINAL_TYPE (NpHttpClient, np_http_client, NP, HTTP_CLIENT, NpEndpoint)

G_END_DECLS
