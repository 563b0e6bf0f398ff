/* np-endpoint-bar.h: what to start and where: the mode, address, port (and UDP destination)
 * or URL (and HTTP method), the web options, the Start/Stop button, and the validation that
 * turns the fields into an NpEndpointConfig */
#pragma once

#include <adwaita.h>

#include "np-endpoint-config.h"
#include "np-tcp-options.h"
#include "np-udp-options.h"
#include "np-web-options.h"

G_BEGIN_DECLS

#define NP_TYPE_ENDPOINT_BAR (np_endpoint_bar_get_type ())

G_DECLARE_FINAL_TYPE (NpEndpointBar, np_endpoint_bar, NP, ENDPOINT_BAR, GtkWidget)

NpMode            np_endpoint_bar_get_mode         (NpEndpointBar *self);
char             *np_endpoint_bar_get_address      (NpEndpointBar *self);
char             *np_endpoint_bar_get_port         (NpEndpointBar *self);
char             *np_endpoint_bar_get_destination  (NpEndpointBar *self);
const char       *np_endpoint_bar_get_validation   (NpEndpointBar *self);
const char       *np_endpoint_bar_get_problem      (NpEndpointBar *self);
gboolean          np_endpoint_bar_show_problem     (NpEndpointBar *self);
GtkWidget        *np_endpoint_bar_get_problem_field (NpEndpointBar *self);
void              np_endpoint_bar_set_endpoint     (NpEndpointBar *self,
                                                    NpMode         mode,
                                                    const char    *address,
                                                    const char    *port,
                                                    const char    *destination);
NpEndpointConfig *np_endpoint_bar_build_config     (NpEndpointBar *self,
                                                    GError       **error);
void              np_endpoint_bar_remember_fields  (NpEndpointBar *self,
                                                    NpMode         mode,
                                                    const char    *address,
                                                    const char    *port,
                                                    const char    *destination,
                                                    const char    *url);
char             *np_endpoint_bar_get_url          (NpEndpointBar *self);
const char       *np_endpoint_bar_get_method       (NpEndpointBar *self);
void              np_endpoint_bar_set_method       (NpEndpointBar *self,
                                                    const char    *method);
NpWebOptions     *np_endpoint_bar_get_web_options  (NpEndpointBar *self);
NpTcpOptions     *np_endpoint_bar_get_tcp_options  (NpEndpointBar *self);
NpUdpOptions     *np_endpoint_bar_get_udp_options  (NpEndpointBar *self);

G_END_DECLS
