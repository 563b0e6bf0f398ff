/* np-window.h: the Netpoke window */
#pragma once

#include <adwaita.h>

#include "np-endpoint-config.h"

G_BEGIN_DECLS

#define NP_TYPE_WINDOW (np_window_get_type ())

G_DECLARE_FINAL_TYPE (NpWindow, np_window, NP, WINDOW, AdwApplicationWindow)

NpWindow *np_window_new            (GtkApplication *application);
void      np_window_set_endpoint   (NpWindow       *self,
                                    NpMode          mode,
                                    const char     *address,
                                    const char     *port,
                                    const char     *destination);
void      np_window_start          (NpWindow       *self);
guint64   np_window_get_bytes_in   (NpWindow       *self);
GSettings *np_window_get_settings  (NpWindow       *self);
gboolean  np_window_open_file      (NpWindow       *self,
                                    GFile          *file,
                                    GError        **error);

G_END_DECLS
