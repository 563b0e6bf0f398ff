/* np-rules-dialog.h: the Reply Rules window: the rules in order (add, edit, move, enable,
 * remove), each checked as it is typed, and a "try it" field that shows which rule answers a
 * sample and with what */
#pragma once

#include <adwaita.h>

#include "np-rules.h"

G_BEGIN_DECLS

#define NP_TYPE_RULES_DIALOG (np_rules_dialog_get_type ())

G_DECLARE_FINAL_TYPE (NpRulesDialog, np_rules_dialog, NP, RULES_DIALOG, AdwWindow)

NpRulesDialog *np_rules_dialog_new       (GtkWindow     *parent,
                                          NpRules       *rules);
NpRules       *np_rules_dialog_get_rules (NpRulesDialog *self);
void           np_rules_dialog_show_errors (NpRulesDialog *self);

G_END_DECLS
