/* np-picture-view.h: a message that is a picture, full size (or fitted), with its kind,
 * pixels and bytes, and Save Picture… */
#pragma once

#include <gtk/gtk.h>

#include "np-picture-loader.h"

G_BEGIN_DECLS

#define NP_TYPE_PICTURE_VIEW (np_picture_view_get_type ())

G_DECLARE_FINAL_TYPE (NpPictureView, np_picture_view, NP, PICTURE_VIEW, GtkWidget)

void np_picture_view_load (NpPictureView   *self,
                           NpPictureLoader *loader,
                           GBytes          *bytes,
                           const NpMagic   *magic,
                           const char      *suggested_name);

G_END_DECLS
