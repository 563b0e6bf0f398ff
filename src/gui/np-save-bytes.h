/* np-save-bytes.h: Save… for a message's bytes: a file chooser, then the bytes written off the
 * UI thread; what happened is said in a label next to the button */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void np_save_bytes (GtkWidget  *from,
                    GBytes     *bytes,
                    const char *suggested_name,
                    GtkLabel   *result_label);
char *np_save_bytes_suggest_name (gint64      time_us,
                                  const char *extension);

G_END_DECLS
