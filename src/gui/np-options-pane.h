/* np-options-pane.h: what the endpoint bar's option panes (web, TCP, UDP) have in common: the
 * mode they show options for, whether the endpoint runs (options that apply only at the start
 * are greyed then), and a "changed" signal when a field changes (the bar validates again). Each pane is a subclass with its own template. */
#pragma once

#include <adwaita.h>

#include "np-endpoint-config.h"

G_BEGIN_DECLS

#define NP_TYPE_OPTIONS_PANE (np_options_pane_get_type ())

G_DECLARE_DERIVABLE_TYPE (NpOptionsPane, np_options_pane, NP, OPTIONS_PANE, GtkWidget)

struct _NpOptionsPaneClass
{
  GtkWidgetClass parent_class;
};

NpMode np_options_pane_get_mode     (NpOptionsPane *self);
void   np_options_pane_emit_changed (NpOptionsPane *self);

G_END_DECLS
