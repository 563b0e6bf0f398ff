/* np-hex-lines.h: a message's hex dump as a list model of its lines, made when asked for, so a
 * 16 MiB message is a million-row list that costs only the rows on screen */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define NP_TYPE_HEX_LINES (np_hex_lines_get_type ())

G_DECLARE_FINAL_TYPE (NpHexLines, np_hex_lines, NP, HEX_LINES, GObject)

NpHexLines *np_hex_lines_new       (GBytes     *bytes);
GBytes     *np_hex_lines_get_bytes (NpHexLines *self);

G_END_DECLS
