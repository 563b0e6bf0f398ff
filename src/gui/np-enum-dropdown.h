/* np-enum-dropdown.h: a drop-down that lists an enum's values in order (its position is the
 * enum's value), kept in step with an enum property both ways */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GBinding *np_enum_dropdown_bind (gpointer     source,
                                 const char  *property,
                                 GtkDropDown *dropdown);

G_END_DECLS
