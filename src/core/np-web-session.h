/* np-web-session.h: what the HTTP and WebSocket clients share about talking to a device */
#pragma once

#include <libsoup/soup.h>

#include "np-endpoint-config.h"
#include "np-http-exchange.h"

G_BEGIN_DECLS

SoupSession *np_web_session_new         (const NpEndpointConfig *config);
SoupMessage *np_web_message_new         (const NpEndpointConfig *config,
                                         const char             *method,
                                         GUri                   *uri);
char        *np_web_describe_failure    (SoupMessage            *msg,
                                         const char             *url,
                                         guint                   timeout_ms,
                                         const GError           *error);
void         np_web_capture_timing      (SoupMessage            *msg,
                                         NpHttpExchange         *http);

G_END_DECLS
