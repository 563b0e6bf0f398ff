#define G_LOG_DOMAIN "np-record-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "np-record-bar.h"

/* The toggles are win.record and win.save-messages (stateful: they show whether recording or
 * saving is on); the labels say where to, and how much so far. */

struct _NpRecordBar
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkLabel  *record_label;
  GtkLabel  *save_label;
};

G_DEFINE_FINAL_TYPE (NpRecordBar, np_record_bar, GTK_TYPE_WIDGET)

static void
np_record_bar_dispose (GObject *object)
{
  NpRecordBar *self = (NpRecordBar *)object;

  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_RECORD_BAR);

  G_OBJECT_CLASS (np_record_bar_parent_class)->dispose (object);
}

static void
np_record_bar_class_init (NpRecordBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_record_bar_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-record-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, NpRecordBar, box);
  gtk_widget_class_bind_template_child (widget_class, NpRecordBar, record_label);
  gtk_widget_class_bind_template_child (widget_class, NpRecordBar, save_label);
}

static void
np_record_bar_init (NpRecordBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
show (GtkLabel   *label,
      const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

/**
 * np_record_bar_show_recording:
 * @file: (nullable): the capture being written; %NULL: not recording
 */
void
np_record_bar_show_recording (NpRecordBar *self,
                              GFile       *file,
                              guint64      size)
{
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : NULL;
  g_autofree char *shown = g_format_size (size);
  g_autofree char *text = file != NULL ? g_strdup_printf (_("%s · %s"), name, shown) : NULL;

  g_return_if_fail (NP_IS_RECORD_BAR (self));

  show (self->record_label, text);
}

/**
 * np_record_bar_show_saving:
 * @folder: (nullable): where messages are saved; %NULL: not saving
 */
void
np_record_bar_show_saving (NpRecordBar *self,
                           GFile       *folder,
                           guint64      n_saved)
{
  g_autofree char *name = folder != NULL ? g_file_get_basename (folder) : NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (NP_IS_RECORD_BAR (self));

  if (folder != NULL)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u file", "%s · %u files", (gulong) MIN (n_saved, G_MAXUINT)),
                            name, (guint) MIN (n_saved, G_MAXUINT));
  show (self->save_label, text);
}

const char *
np_record_bar_get_record_text (NpRecordBar *self)
{
  g_return_val_if_fail (NP_IS_RECORD_BAR (self), NULL);

  return gtk_label_get_label (self->record_label);
}

const char *
np_record_bar_get_save_text (NpRecordBar *self)
{
  g_return_val_if_fail (NP_IS_RECORD_BAR (self), NULL);

  return gtk_label_get_label (self->save_label);
}
