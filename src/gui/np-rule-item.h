/* np-rule-item.h: one reply rule as the rules editor shows it: its fields as properties (for
 * bindings), its position, and what is wrong with it (set by NpRules) */
#pragma once

#include <gio/gio.h>

#include "np-reply-rule.h"

G_BEGIN_DECLS

#define NP_TYPE_RULE_ITEM (np_rule_item_get_type ())

G_DECLARE_FINAL_TYPE (NpRuleItem, np_rule_item, NP, RULE_ITEM, GObject)

NpRuleItem  *np_rule_item_new           (const NpReplyRule *rule);
NpReplyRule *np_rule_item_dup_rule      (NpRuleItem        *self);
gboolean     np_rule_item_is_blank      (NpRuleItem        *self);
guint        np_rule_item_get_position  (NpRuleItem        *self);
void         np_rule_item_set_position  (NpRuleItem        *self,
                                         guint              position,
                                         gboolean           last);
gboolean     np_rule_item_is_last       (NpRuleItem        *self);
const char  *np_rule_item_get_error     (NpRuleItem        *self);
void         np_rule_item_set_error     (NpRuleItem        *self,
                                         const char        *error);

G_END_DECLS
