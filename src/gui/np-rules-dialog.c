#define G_LOG_DOMAIN "np-rules-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "np-rule-row.h"
#include "np-rules-dialog.h"

/* The dialog edits the window's NpRules in place: every change is checked at once (and, while
 * the endpoint runs, applied by the window), so there is nothing to confirm or apply here. */

struct _NpRulesDialog
{
  AdwWindow        parent_instance;

  NpRules         *rules;

  AdwToastOverlay *toast_overlay;
  GtkListBox      *rules_list;
  GtkEntry        *try_entry;
  GtkLabel        *try_result;
};

G_DEFINE_FINAL_TYPE (NpRulesDialog, np_rules_dialog, ADW_TYPE_WINDOW)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return np_rule_row_new (NP_RULE_ITEM (item));
}

/* The sample is tried again whenever it or the rules change. */
static void
update_try (NpRulesDialog *self)
{
  const char *sample = gtk_editable_get_text (GTK_EDITABLE (self->try_entry));
  g_autofree char *result = sample[0] != '\0' ? np_rules_try (self->rules, sample) : NULL;

  gtk_label_set_label (self->try_result, result != NULL ? result : "");
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  NpRulesDialog *self = NP_RULES_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  NpRuleItem *item = np_rules_add (self->rules, &error);
  GtkListBoxRow *row;

  if (item == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }

  /* Straight to typing the new rule's pattern. */
  row = gtk_list_box_get_row_at_index (self->rules_list, np_rule_item_get_position (item) - 1);
  if (row != NULL)
    gtk_widget_child_focus (GTK_WIDGET (row), GTK_DIR_TAB_FORWARD);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpRulesDialog *self = NP_RULES_DIALOG (widget);

  np_rules_move (self->rules, g_variant_get_uint32 (parameter),
                 g_str_equal (action_name, "rules.move-up") ? -1 : 1);
}

/* A message typed to try: what is wrong with any rule is said under it now, written or not
 * (the result says "Fix the rules first"). */
static void
on_try_changed (NpRulesDialog *self)
{
  np_rules_dialog_show_errors (self);
  update_try (self);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  NpRulesDialog *self = NP_RULES_DIALOG (widget);

  np_rules_remove (self->rules, g_variant_get_uint32 (parameter));
}

static void
np_rules_dialog_dispose (GObject *object)
{
  NpRulesDialog *self = (NpRulesDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_RULES_DIALOG);
  g_clear_object (&self->rules);

  G_OBJECT_CLASS (np_rules_dialog_parent_class)->dispose (object);
}

static void
np_rules_dialog_class_init (NpRulesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_rules_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-rules-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NpRulesDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NpRulesDialog, rules_list);
  gtk_widget_class_bind_template_child (widget_class, NpRulesDialog, try_entry);
  gtk_widget_class_bind_template_child (widget_class, NpRulesDialog, try_result);

  gtk_widget_class_install_action (widget_class, "rules.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "rules.move-up", "u", move_action);
  gtk_widget_class_install_action (widget_class, "rules.move-down", "u", move_action);
  gtk_widget_class_install_action (widget_class, "rules.remove", "u", remove_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "rules.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
np_rules_dialog_init (NpRulesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->try_entry, "changed", G_CALLBACK (on_try_changed), self, G_CONNECT_SWAPPED);
}

/**
 * np_rules_dialog_new:
 * @rules: the rules it edits (the window's)
 *
 * Returns: (transfer none): the dialog, transient for @parent and not modal: the log stays in
 *   view while the rules are written
 */
NpRulesDialog *
np_rules_dialog_new (GtkWindow *parent,
                     NpRules   *rules)
{
  NpRulesDialog *self = g_object_new (NP_TYPE_RULES_DIALOG, "transient-for", parent, NULL);

  self->rules = g_object_ref (rules);
  gtk_list_box_bind_model (self->rules_list, np_rules_get_model (rules), create_row, NULL, NULL);
  g_signal_connect_object (rules, "notify::responder", G_CALLBACK (update_try), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rules, "notify::error", G_CALLBACK (update_try), self, G_CONNECT_SWAPPED);

  return self;
}

/* Returns: (transfer none): the rules it edits */
NpRules *
np_rules_dialog_get_rules (NpRulesDialog *self)
{
  g_return_val_if_fail (NP_IS_RULES_DIALOG (self), NULL);

  return self->rules;
}

/**
 * np_rules_dialog_show_errors:
 *
 * The rules were needed (a message tried, Start pressed): each row says what is wrong with its
 * rule now, also a rule added and not written yet.
 */
void
np_rules_dialog_show_errors (NpRulesDialog *self)
{
  g_return_if_fail (NP_IS_RULES_DIALOG (self));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->rules_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (NP_IS_RULE_ROW (row))
      np_rule_row_show_error (NP_RULE_ROW (row));
}
