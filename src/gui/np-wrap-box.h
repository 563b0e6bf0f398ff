/* np-wrap-box.h: a row of controls that wraps onto more lines when the row is short of room */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define NP_TYPE_WRAP_BOX (np_wrap_box_get_type ())

G_DECLARE_FINAL_TYPE (NpWrapBox, np_wrap_box, NP, WRAP_BOX, GtkWidget)

G_END_DECLS
