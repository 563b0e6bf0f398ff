/* np-json.h: what json-glib 1.6 does not do for us, on the way in and on the way out
 *
 * In: json-glib parses recursively (100,000 nested brackets overflow the stack), cuts a string
 * at an escaped NUL (\u0000) and wraps integers that do not fit 64 bits (-99999999999999999999
 * reads as 1). np_json_check() finds these before the parser sees the text.
 * Out: json-glib writes U+001F raw, which strict parsers (json-glib itself among them) reject;
 * np_json_escape_output() escapes it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  np_json_check          (const char  *data,
                                  gsize        length,
                                  guint        max_depth,
                                  GError     **error);
char     *np_json_escape_output  (char        *json);

G_END_DECLS
