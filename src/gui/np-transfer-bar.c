#define G_LOG_DOMAIN "np-transfer-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "np-transfer-bar.h"

/* What the engine's FILE events say, as a progress bar; the window shows the bar while a file
 * is being sent (its Cancel button is win.cancel-file). */

struct _NpTransferBar
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkProgressBar *progress_bar;
};

G_DEFINE_FINAL_TYPE (NpTransferBar, np_transfer_bar, GTK_TYPE_WIDGET)

static void
np_transfer_bar_dispose (GObject *object)
{
  NpTransferBar *self = (NpTransferBar *)object;

  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_TRANSFER_BAR);

  G_OBJECT_CLASS (np_transfer_bar_parent_class)->dispose (object);
}

static void
np_transfer_bar_class_init (NpTransferBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_transfer_bar_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-transfer-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, NpTransferBar, box);
  gtk_widget_class_bind_template_child (widget_class, NpTransferBar, progress_bar);
}

static void
np_transfer_bar_init (NpTransferBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* "Sending frame.png: 12.3 MB of 40.0 MB (31 %)" */
void
np_transfer_bar_show_progress (NpTransferBar *self,
                               const char    *file,
                               guint64        done,
                               guint64        total)
{
  g_autofree char *name = g_path_get_basename (file);
  g_autofree char *done_size = g_format_size (done);
  g_autofree char *total_size = g_format_size (total);
  g_autofree char *text = NULL;
  double fraction = total > 0 ? (double) done / total : 0.0;

  g_return_if_fail (NP_IS_TRANSFER_BAR (self));

  text = g_strdup_printf (_("Sending %s: %s of %s (%d %%)"), name, done_size, total_size, (int) (fraction * 100));
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                  text, -1);
}

const char *
np_transfer_bar_get_text (NpTransferBar *self)
{
  g_return_val_if_fail (NP_IS_TRANSFER_BAR (self), NULL);

  return gtk_progress_bar_get_text (self->progress_bar);
}

double
np_transfer_bar_get_fraction (NpTransferBar *self)
{
  g_return_val_if_fail (NP_IS_TRANSFER_BAR (self), 0);

  return gtk_progress_bar_get_fraction (self->progress_bar);
}
