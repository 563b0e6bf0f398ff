/* np-udp-socket.h: what GSocket does not do for UDP
 *
 * Receiving with the control messages GSocket drops (the kernel's count of datagrams it had to
 * drop, the address a datagram was sent to), the broadcast and multicast options (TTL or hops,
 * loopback, the interface sent from) and which addresses are broadcast addresses of this host.
 */
#pragma once

#include <gio/gio.h>

#include "np-endpoint-config.h"

G_BEGIN_DECLS

gboolean          np_udp_socket_configure      (GSocket                 *socket,
                                                const NpEndpointConfig  *config,
                                                GError                 **error);

GPtrArray        *np_udp_socket_broadcast_addresses (void);
gboolean          np_udp_socket_is_broadcast   (GPtrArray               *broadcasts,
                                                GInetAddress            *address);

gssize            np_udp_socket_receive        (GSocket                 *socket,
                                                guint8                  *buffer,
                                                gsize                    size,
                                                GSocketAddress         **from,
                                                GInetAddress           **to,
                                                guint32                 *kernel_drops,
                                                guint64                 *dropped,
                                                GError                 **error);
guint64           np_udp_socket_final_drops    (GSocket                 *socket,
                                                guint32                 *kernel_drops);

G_END_DECLS
