/* np-tcp-options.h: what the TCP modes need besides an address and port: reconnecting, the
 * local port, keep-alive, the most clients at once, and TLS with its certificates. Shown in the
 * endpoint bar's options popover. */
#pragma once

#include <adwaita.h>

#include "np-options-pane.h"

#include "np-endpoint-config.h"
#include "np-session.h"

G_BEGIN_DECLS

#define NP_TYPE_TCP_OPTIONS (np_tcp_options_get_type ())

G_DECLARE_FINAL_TYPE (NpTcpOptions, np_tcp_options, NP, TCP_OPTIONS, NpOptionsPane)

gboolean np_tcp_options_fill_config (NpTcpOptions      *self,
                                     NpEndpointConfig  *config,
                                     GError           **error);
void     np_tcp_options_set_tls     (NpTcpOptions      *self,
                                     gboolean           tls);
gboolean np_tcp_options_capture     (NpTcpOptions      *self,
                                     NpSessionEndpoint *endpoint,
                                     GError           **error);
void     np_tcp_options_apply       (NpTcpOptions      *self,
                                     const NpSessionEndpoint *endpoint);

G_END_DECLS
