#define G_LOG_DOMAIN "np-rule-row"

#include "config.h"

#include <glib/gi18n.h>

#include "np-enum-dropdown.h"
#include "np-rule-row.h"

struct _NpRuleRow
{
  GtkListBoxRow  parent_instance;

  NpRuleItem    *item;

  GtkSwitch     *enabled_switch;
  GtkLabel      *position_label;
  GtkDropDown   *match_dropdown;
  GtkEntry      *pattern_entry;
  GtkButton     *up_button;
  GtkButton     *down_button;
  GtkButton     *remove_button;
  GtkDropDown   *reply_dropdown;
  GtkEntry      *response_entry;
  GtkSpinButton *delay_spin;
  GtkLabel      *error_label;

  gboolean       error_shown;   /* the rule was written, here or before: its error is the user's */
};

G_DEFINE_FINAL_TYPE (NpRuleRow, np_rule_row, GTK_TYPE_LIST_BOX_ROW)

static void G_GNUC_PRINTF (2, 3)
set_label (gpointer    widget,
           const char *format,
           ...)
{
  g_autofree char *label = NULL;
  va_list args;

  va_start (args, format);
  label = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Each control says which rule it belongs to, to assistive technology too; the buttons act on
 * this row's rule. */
static void
on_position (NpRuleRow *self)
{
  guint position = np_rule_item_get_position (self->item);
  g_autofree char *number = g_strdup_printf ("%u", position);

  gtk_label_set_label (self->position_label, number);
  set_label (self->enabled_switch, _("Rule %u enabled"), position);
  set_label (self->match_dropdown, _("Rule %u matches"), position);
  set_label (self->pattern_entry, _("Rule %u pattern"), position);
  set_label (self->reply_dropdown, _("Rule %u answer kind"), position);
  set_label (self->response_entry, _("Rule %u answer"), position);
  set_label (self->delay_spin, _("Rule %u delay in milliseconds"), position);
  set_label (self->up_button, _("Move rule %u up"), position);
  set_label (self->down_button, _("Move rule %u down"), position);
  set_label (self->remove_button, _("Remove rule %u"), position);
  /* The first cannot go up, the last cannot go down. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->up_button), position > 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->down_button), !np_rule_item_is_last (self->item));
}

/* The buttons act on this row's rule, through the dialog's actions (rules.move-up, …, whose
 * parameter is the rule's index): plain clicks, so that each button's sensitivity is its own
 * (an actionable button would follow the one action's state, the same for every row). */
static void
activate_for_rule (NpRuleRow  *self,
                   const char *action)
{
  guint position = np_rule_item_get_position (self->item);

  if (position > 0)
    gtk_widget_activate_action (GTK_WIDGET (self), action, "u", position - 1);
}

static void
on_move_up (NpRuleRow *self)
{
  activate_for_rule (self, "rules.move-up");
}

static void
on_move_down (NpRuleRow *self)
{
  activate_for_rule (self, "rules.move-down");
}

static void
on_remove (NpRuleRow *self)
{
  activate_for_rule (self, "rules.remove");
}

/* What is wrong is said under the rule, where it is typed, with the rule's number; once the
 * rule was written (a fresh one is not yet wrong, only blank). The line is there with or without
 * words, one line at most (the whole in its tooltip), so that nothing below moves under the
 * pointer when it comes or goes. */
static void
on_error (NpRuleRow *self)
{
  const char *error = self->error_shown ? np_rule_item_get_error (self->item) : NULL;
  g_autofree char *text = error != NULL ? g_strdup_printf (_("Rule %u: %s"), np_rule_item_get_position (self->item),
                                                           error) : NULL;

  gtk_label_set_label (self->error_label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_label), text);
}

static void
on_edited (NpRuleRow *self)
{
  np_rule_row_show_error (self);
}

/* A pattern means nothing for "any message", an answer nothing for "echo"; the placeholder
 * says what to type for the kind chosen. */
static void
on_kinds (NpRuleRow *self)
{
  NpMatchKind match;
  NpReplyKind reply;

  g_object_get (self->item, "match", &match, "reply", &reply, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pattern_entry), match != NP_MATCH_ANY);
  gtk_widget_set_sensitive (GTK_WIDGET (self->response_entry), reply != NP_REPLY_ECHO);
  gtk_entry_set_placeholder_text (self->pattern_entry,
                                  match == NP_MATCH_HEX ? _("Bytes, e.g. 01 03 00 00 00 01")
                                  : match == NP_MATCH_TEXT ? _("The whole message, e.g. PING")
                                  : match == NP_MATCH_ANY ? "" : _("A regex, e.g. ^report(.*)"));
  gtk_entry_set_placeholder_text (self->response_entry,
                                  reply == NP_REPLY_HEX ? _("Bytes, e.g. 01 03 02 00 2A")
                                  : reply == NP_REPLY_ECHO ? "" : _("The answer, e.g. SET OK:report\\1\\r\\n"));
}

static void
np_rule_row_dispose (GObject *object)
{
  NpRuleRow *self = (NpRuleRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_RULE_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (np_rule_row_parent_class)->dispose (object);
}

static void
np_rule_row_class_init (NpRuleRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_rule_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-rule-row.ui");
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, position_label);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, match_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, pattern_entry);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, up_button);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, down_button);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, reply_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, response_entry);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, delay_spin);
  gtk_widget_class_bind_template_child (widget_class, NpRuleRow, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_move_up);
  gtk_widget_class_bind_template_callback (widget_class, on_move_down);
  gtk_widget_class_bind_template_callback (widget_class, on_remove);
}

static void
np_rule_row_init (NpRuleRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Returns: (transfer full): a row editing @item in place */
GtkWidget *
np_rule_row_new (NpRuleItem *item)
{
  NpRuleRow *self = g_object_new (NP_TYPE_RULE_ROW, NULL);
  GBindingFlags both = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;

  self->item = g_object_ref (item);
  g_object_bind_property (item, "enabled", self->enabled_switch, "active", both);
  np_enum_dropdown_bind (item, "match", self->match_dropdown);
  g_object_bind_property (item, "pattern", self->pattern_entry, "text", both);
  np_enum_dropdown_bind (item, "reply", self->reply_dropdown);
  g_object_bind_property (item, "response", self->response_entry, "text", both);
  g_object_bind_property (item, "delay-ms", self->delay_spin, "value", both);

  g_signal_connect_object (item, "notify::position", G_CALLBACK (on_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::last", G_CALLBACK (on_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::position", G_CALLBACK (on_error), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::error", G_CALLBACK (on_error), self, G_CONNECT_SWAPPED);
  /* A rule added blank says what is wrong once any of it is written. */
  self->error_shown = !np_rule_item_is_blank (item);
  g_signal_connect_object (item, "notify::pattern", G_CALLBACK (on_edited), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::response", G_CALLBACK (on_edited), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::match", G_CALLBACK (on_edited), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::reply", G_CALLBACK (on_edited), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::match", G_CALLBACK (on_kinds), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::reply", G_CALLBACK (on_kinds), self, G_CONNECT_SWAPPED);
  on_position (self);
  on_error (self);
  on_kinds (self);

  return GTK_WIDGET (self);
}

/* Returns: (transfer none): the rule this row edits */
NpRuleItem *
np_rule_row_get_item (NpRuleRow *self)
{
  g_return_val_if_fail (NP_IS_RULE_ROW (self), NULL);

  return self->item;
}

/**
 * np_rule_row_show_error:
 *
 * Says what is wrong with the rule from now on, written or not (a message was tried).
 */
void
np_rule_row_show_error (NpRuleRow *self)
{
  g_return_if_fail (NP_IS_RULE_ROW (self));

  if (self->error_shown)
    return;
  self->error_shown = TRUE;
  on_error (self);
}
