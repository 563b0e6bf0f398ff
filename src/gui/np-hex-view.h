/* np-hex-view.h: a message's bytes as a hex dump (offset, 16 bytes, ASCII), a virtualized list
 * whose lines can be selected, with Copy as Hex / C Array / Base64 and Save Bytes… */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define NP_TYPE_HEX_VIEW (np_hex_view_get_type ())

G_DECLARE_FINAL_TYPE (NpHexView, np_hex_view, NP, HEX_VIEW, GtkWidget)

void        np_hex_view_set_bytes  (NpHexView  *self,
                                    GBytes     *bytes,
                                    const char *note,
                                    const char *suggested_name);
char       *np_hex_view_copy_text  (NpHexView  *self,
                                    int         kind);

G_END_DECLS
