/* np-tls-certificate.h: the certificate a TLS server shows: the user's PEM files, or a
 * self-signed one Netpoke makes once (with GnuTLS) and keeps in the user's data folder */
#pragma once

#include <gio/gio.h>

#include "np-endpoint-config.h"

G_BEGIN_DECLS

GTlsCertificate *np_tls_server_certificate (const NpEndpointConfig  *config,
                                            char                   **notice,
                                            GError                 **error);
gboolean         np_tls_self_signed_files  (char                   **certificate,
                                            char                   **key,
                                            gboolean                *made,
                                            GError                 **error);

G_END_DECLS
