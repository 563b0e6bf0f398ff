/* np-enum.h: an enum value by its nick and back
 *
 * The enums' GTypes come from gnome.mkenums_simple; their nicks ("tcp-server", "utf-8",
 * "regex", …) are the names the CLI, workspace files, events and GSettings share.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

const char *np_enum_to_nick   (GType       type,
                               int         value);
gboolean    np_enum_from_nick (GType       type,
                               const char *nick,
                               int        *value);

G_END_DECLS
