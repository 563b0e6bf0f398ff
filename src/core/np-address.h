/* np-address.h: socket addresses as users read and type them */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char     *np_address_to_string   (GSocketAddress  *address);
gboolean  np_address_parse_port  (const char     *text,
                                  guint           min_port,
                                  guint16        *port,
                                  GError        **error);
gboolean  np_address_split       (const char     *host_and_port,
                                  char          **host,
                                  guint16        *port,
                                  GError        **error);

GInetAddress *np_address_parse_ip (const char     *text,
                                   GError        **error);
GSocket      *np_address_bind    (const char     *address,
                                  guint16         port,
                                  GSocketType     type,
                                  GError        **error);

char         *np_address_describe_connect_error (const char   *target,
                                                const GError *error);

G_END_DECLS
