/* np-tls.h: TLS details said the way a person debugging a device needs them */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char *np_tls_describe_errors (GTlsCertificateFlags errors);

G_END_DECLS
