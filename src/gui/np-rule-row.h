/* np-rule-row.h: one reply rule in the rules dialog: enabled, what it matches, what it
 * answers, its delay, the buttons that move or remove it, and what is wrong with it */
#pragma once

#include <adwaita.h>

#include "np-rule-item.h"

G_BEGIN_DECLS

#define NP_TYPE_RULE_ROW (np_rule_row_get_type ())

G_DECLARE_FINAL_TYPE (NpRuleRow, np_rule_row, NP, RULE_ROW, GtkListBoxRow)

GtkWidget  *np_rule_row_new      (NpRuleItem *item);
NpRuleItem *np_rule_row_get_item (NpRuleRow  *self);
void        np_rule_row_show_error (NpRuleRow *self);

G_END_DECLS
