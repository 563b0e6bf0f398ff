/* np-picture-loader.h: messages that are pictures, decoded off the UI thread
 *
 * One worker thread decodes (gdk_texture_new_from_bytes, so GTK's own PNG and JPEG loaders
 * and gdk-pixbuf's for the rest) and, for a thumbnail, scales down with cairo, so a row holds
 * a few KiB, not the whole picture. Requests wait on the UI thread and go to the worker one at
 * a time, newest first; a thumbnail waits while its widget is outside the log's viewport, and
 * a cancelled one (its row was unbound) never reaches the worker.
 */
#pragma once

#include <gtk/gtk.h>

#include "np-magic.h"

G_BEGIN_DECLS

#define NP_TYPE_PICTURE_LOADER (np_picture_loader_get_type ())

G_DECLARE_FINAL_TYPE (NpPictureLoader, np_picture_loader, NP, PICTURE_LOADER, GObject)

NpPictureLoader *np_picture_loader_new          (void);
void             np_picture_loader_load_async   (NpPictureLoader     *self,
                                                 GBytes              *bytes,
                                                 const NpMagic       *magic,
                                                 int                  max_size,
                                                 GtkWidget           *shown_by,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GdkTexture      *np_picture_loader_load_finish  (NpPictureLoader     *self,
                                                 GAsyncResult        *result,
                                                 int                 *width,
                                                 int                 *height,
                                                 GError             **error);
void             np_picture_loader_view_changed (NpPictureLoader     *self);
char            *np_picture_describe            (const NpMagic       *magic,
                                                 gsize                length,
                                                 int                  width,
                                                 int                  height);

G_END_DECLS
