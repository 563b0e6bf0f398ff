#define G_LOG_DOMAIN "np-log-data-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "np-log-data-cell.h"

struct _NpLogDataCell
{
  GtkWidget       parent_instance;

  GtkWidget      *thumbnail_widget;   /* owned children */
  GtkWidget      *text_widget;
  GtkPicture     *thumbnail;
  GtkInscription *text;

  NpLogRow       *row;          /* bound, or NULL */
  GCancellable   *cancellable;  /* the row's one decode, while it waits or runs */
};

G_DEFINE_FINAL_TYPE (NpLogDataCell, np_log_data_cell, GTK_TYPE_WIDGET)

static void
set_text (NpLogDataCell *self,
          const char    *text,
          const char    *description)
{
  gtk_inscription_set_text (self->text, text);
  /* An inscription does not tell assistive technology its text by itself in GTK 4.8. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text), GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description != NULL ? description : "", -1);
}

/* What an image row says: its kind, size and pixels, or why it is no picture. */
static void
show_picture_state (NpLogDataCell *self)
{
  const NpMagic *magic = np_log_row_get_magic (self->row);
  int width = 0, height = 0;
  const char *error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *kept = np_log_row_describe_kept (self->row);

  np_log_row_get_picture (self->row, &width, &height, &error);
  description = np_picture_describe (magic, np_log_row_get_length (self->row), width, height);
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s (%s)", error, description);

      set_text (self, text, text);
    }
  else if (kept != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s: %s", description, kept);

      set_text (self, text, text);
    }
  else
    set_text (self, description, description);
}

static void
on_thumbnail (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(NpLogDataCell) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = 0, height = 0;

  texture = np_picture_loader_load_finish (NP_PICTURE_LOADER (source), result, &width, &height, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* unbound (or rebound) meanwhile */
  g_clear_object (&self->cancellable);
  if (self->row == NULL)
    return;

  np_log_row_set_picture (self->row, width, height, error != NULL ? error->message : NULL);
  if (texture != NULL)
    gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  else
    gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), FALSE);
  show_picture_state (self);
}

/**
 * np_log_data_cell_bind:
 * @text: how the row's data reads in the log's display format (shown for anything that is not
 *   a picture)
 */
void
np_log_data_cell_bind (NpLogDataCell   *self,
                       NpLogRow        *row,
                       const char      *text,
                       NpPictureLoader *loader)
{
  const NpMagic *magic = np_log_row_get_magic (row);
  const char *error = NULL;

  g_return_if_fail (NP_IS_LOG_DATA_CELL (self));

  np_log_data_cell_unbind (self);
  self->row = g_object_ref (row);

  if (!magic->image || np_log_row_get_preview (row) == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), FALSE);
      set_text (self, text, NULL);
      return;
    }

  np_log_row_get_picture (row, NULL, NULL, &error);
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), error == NULL && np_log_row_get_bytes (row) != NULL);
  show_picture_state (self);
  if (error != NULL || np_log_row_get_bytes (row) == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  np_picture_loader_load_async (loader, np_log_row_get_bytes (row), magic, NP_LOG_THUMBNAIL_SIZE,
                                GTK_WIDGET (self->thumbnail), self->cancellable, on_thumbnail,
                                g_object_ref (self));
}

/* The row went out of the list's reach: its decode is called off if it has not run yet. */
void
np_log_data_cell_unbind (NpLogDataCell *self)
{
  g_return_if_fail (NP_IS_LOG_DATA_CELL (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->row);
  if (self->thumbnail != NULL)
    gtk_picture_set_paintable (self->thumbnail, NULL);
}

/* Whether a thumbnail is on show (for tests). */
gboolean
np_log_data_cell_has_thumbnail (NpLogDataCell *self)
{
  g_return_val_if_fail (NP_IS_LOG_DATA_CELL (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->thumbnail)) && gtk_picture_get_paintable (self->thumbnail) != NULL;
}

static void
np_log_data_cell_dispose (GObject *object)
{
  NpLogDataCell *self = (NpLogDataCell *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->row);
  g_clear_pointer (&self->thumbnail_widget, gtk_widget_unparent);
  g_clear_pointer (&self->text_widget, gtk_widget_unparent);
  self->thumbnail = NULL;
  self->text = NULL;

  G_OBJECT_CLASS (np_log_data_cell_parent_class)->dispose (object);
}

static void
np_log_data_cell_class_init (NpLogDataCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_log_data_cell_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
np_log_data_cell_init (NpLogDataCell *self)
{
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  gtk_box_layout_set_spacing (layout, 6);

  self->thumbnail_widget = gtk_picture_new ();
  self->thumbnail = GTK_PICTURE (self->thumbnail_widget);
  gtk_picture_set_content_fit (self->thumbnail, GTK_CONTENT_FIT_CONTAIN);
  gtk_picture_set_can_shrink (self->thumbnail, TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->thumbnail), NP_LOG_THUMBNAIL_SIZE, NP_LOG_THUMBNAIL_SIZE * 9 / 16);
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), FALSE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->thumbnail), 2);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->thumbnail), 2);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->thumbnail), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Thumbnail"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->thumbnail), GTK_WIDGET (self));

  self->text_widget = gtk_inscription_new (NULL);
  self->text = GTK_INSCRIPTION (self->text_widget);
  gtk_inscription_set_text_overflow (self->text, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_xalign (self->text, 0);
  gtk_inscription_set_yalign (self->text, 0.5);
  gtk_inscription_set_min_chars (self->text, 20);
  gtk_inscription_set_nat_chars (self->text, 80);
  gtk_widget_set_hexpand (GTK_WIDGET (self->text), TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->text), GTK_WIDGET (self));
}

GtkWidget *
np_log_data_cell_new (void)
{
  return g_object_new (NP_TYPE_LOG_DATA_CELL, NULL);
}
