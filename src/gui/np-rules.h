/* np-rules.h: the window's reply rules, as the rules editor edits them
 *
 * A list of NpRuleItem (a GListModel, in order) that checks itself as it changes: each item
 * says what is wrong with it (GRegex's own words for a pattern), "error" names the first bad
 * rule with its position, and "responder" is the compiled rules while every rule is good
 * (NULL otherwise, or when there are none). The window hands "responder" to the engine when it
 * starts, and again whenever it changes while running. GIO only: tested without a display.
 */
#pragma once

#include <gio/gio.h>

#include "np-codec.h"
#include "np-responder.h"
#include "np-rule-item.h"

G_BEGIN_DECLS

#define NP_TYPE_RULES (np_rules_get_type ())

G_DECLARE_FINAL_TYPE (NpRules, np_rules, NP, RULES, GObject)

NpRules     *np_rules_new           (void);
GListModel  *np_rules_get_model     (NpRules     *self);
NpRuleItem  *np_rules_add           (NpRules     *self,
                                     GError     **error);
void         np_rules_remove        (NpRules     *self,
                                     guint        index);
void         np_rules_move          (NpRules     *self,
                                     guint        index,
                                     int          delta);
void         np_rules_set_rules     (NpRules     *self,
                                     GPtrArray   *rules);
GPtrArray   *np_rules_dup_rules     (NpRules     *self);
NpResponder *np_rules_get_responder (NpRules     *self);
const char  *np_rules_get_error     (NpRules     *self);
char        *np_rules_try           (NpRules     *self,
                                     const char  *sample);

G_END_DECLS
