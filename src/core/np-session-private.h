/* np-session-private.h: what the workspace's files share (np-session.c writes, np-session-load.c
 * reads, np-session-reach.c does both for the TCP, TLS and UDP options); not API */
#pragma once

#include <json-glib/json-glib.h>

#include "np-session.h"

G_BEGIN_DECLS

gboolean _np_session_fail        (GError            **error,
                                  const char         *name,
                                  const char         *format,
                                  ...) G_GNUC_PRINTF (3, 4);
gboolean _np_session_read_string (JsonObject         *object,
                                  const char         *member,
                                  const char         *fallback,
                                  char              **out,
                                  const char         *where,
                                  const char         *name,
                                  GError            **error);
gboolean _np_session_read_value  (JsonObject         *object,
                                  const char         *member,
                                  GType               type,
                                  gint64             *out,
                                  const char         *where,
                                  const char         *name,
                                  GError            **error);

void     _np_session_endpoint_init_reach (NpSessionEndpoint *endpoint);
void     _np_session_endpoint_free_reach (NpSessionEndpoint *endpoint);
void     _np_session_write_reach (JsonBuilder              *builder,
                                  const NpSessionEndpoint  *endpoint);
gboolean _np_session_read_reach  (NpSession          *self,
                                  JsonObject         *root,
                                  const char         *name,
                                  GError            **error);

G_END_DECLS
