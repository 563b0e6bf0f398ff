#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void np_tooltip_fit_text (GtkWidget *root);

G_END_DECLS
