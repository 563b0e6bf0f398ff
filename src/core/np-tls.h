/* np-tls.h: TLS over a TCP connection (tcp-client, tcp-server with --tls): the handshake with
 * its timeout, the certificate checks said in words, the server's certificate */
#pragma once

#include <gio/gio.h>

#include "np-endpoint.h"
#include "np-tls-info.h"

G_BEGIN_DECLS

/* @tls: the TLS connection, or %NULL when the handshake failed (@error says why, in words for
 *   the log); @connected: a CONNECTED event with the TLS details, its peer not yet filled in */
typedef void (*NpTlsHandshakeFunc) (GIOStream *tls,
                                    NpEvent   *connected,
                                    GError    *error,
                                    gpointer   user_data);

void np_tls_client_handshake (NpEndpoint         *endpoint,
                              GIOStream          *stream,
                              GCancellable       *cancellable,
                              NpTlsHandshakeFunc  func,
                              gpointer            user_data);
void np_tls_server_handshake (NpEndpoint         *endpoint,
                              GIOStream          *stream,
                              GTlsCertificate    *certificate,
                              GCancellable       *cancellable,
                              NpTlsHandshakeFunc  func,
                              gpointer            user_data);

G_END_DECLS
