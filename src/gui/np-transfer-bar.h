/* np-transfer-bar.h: a file being sent: how far it got, and Cancel */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NP_TYPE_TRANSFER_BAR (np_transfer_bar_get_type ())

G_DECLARE_FINAL_TYPE (NpTransferBar, np_transfer_bar, NP, TRANSFER_BAR, GtkWidget)

void        np_transfer_bar_show_progress (NpTransferBar *self,
                                           const char    *file,
                                           guint64        done,
                                           guint64        total);
const char *np_transfer_bar_get_text      (NpTransferBar *self);
double      np_transfer_bar_get_fraction  (NpTransferBar *self);

G_END_DECLS
