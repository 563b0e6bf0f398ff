/* np-udp-options.h: what UDP needs besides an address and port: broadcast, the multicast groups
 * to join, the interface, TTL and loopback of multicast sent. Shown in the endpoint bar's
 * options popover; while the endpoint runs only the groups can change (win.change-groups). */
#pragma once

#include <adwaita.h>

#include "np-options-pane.h"

#include "np-endpoint-config.h"
#include "np-session.h"

G_BEGIN_DECLS

#define NP_TYPE_UDP_OPTIONS (np_udp_options_get_type ())

G_DECLARE_FINAL_TYPE (NpUdpOptions, np_udp_options, NP, UDP_OPTIONS, NpOptionsPane)

gboolean np_udp_options_fill_config (NpUdpOptions      *self,
                                     NpEndpointConfig  *config,
                                     GError           **error);
GStrv    np_udp_options_get_groups  (NpUdpOptions      *self,
                                     GError           **error);
void     np_udp_options_set_groups  (NpUdpOptions      *self,
                                     const char        *groups);
void     np_udp_options_set_broadcast (NpUdpOptions    *self,
                                     gboolean           broadcast);
gboolean np_udp_options_capture     (NpUdpOptions      *self,
                                     NpSessionEndpoint *endpoint,
                                     GError           **error);
void     np_udp_options_apply       (NpUdpOptions      *self,
                                     const NpSessionEndpoint *endpoint);

G_END_DECLS
