#define G_LOG_DOMAIN "np-picture-view"

#include "config.h"

#include <glib/gi18n.h>

#include "np-picture-view.h"
#include "np-save-bytes.h"

struct _NpPictureView
{
  GtkWidget     parent_instance;

  GtkWidget    *box;
  GtkLabel     *info_label;
  GtkLabel     *result_label;
  GtkPicture   *picture;

  GBytes       *bytes;
  const NpMagic *magic;
  char         *suggested_name;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (NpPictureView, np_picture_view, GTK_TYPE_WIDGET)

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(NpPictureView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *info = NULL;
  int width = 0, height = 0;

  texture = np_picture_loader_load_finish (NP_PICTURE_LOADER (source), result, &width, &height, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->bytes == NULL)
    return;

  if (texture == NULL)
    {
      gtk_label_set_text (self->info_label, error->message);
      return;
    }
  info = np_picture_describe (self->magic, g_bytes_get_size (self->bytes), width, height);
  gtk_label_set_text (self->info_label, info);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, info, -1);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

/* Decodes @bytes at full size on the loader's worker and shows it. */
void
np_picture_view_load (NpPictureView   *self,
                      NpPictureLoader *loader,
                      GBytes          *bytes,
                      const NpMagic   *magic,
                      const char      *suggested_name)
{
  g_autofree char *info = NULL;

  g_return_if_fail (NP_IS_PICTURE_VIEW (self));

  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->bytes = g_bytes_ref (bytes);
  self->magic = magic;
  g_free (self->suggested_name);
  self->suggested_name = g_strdup (suggested_name);

  info = np_picture_describe (magic, g_bytes_get_size (bytes), 0, 0);
  gtk_label_set_text (self->info_label, info);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "picture.save", TRUE);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  np_picture_loader_load_async (loader, bytes, magic, 0, NULL, self->cancellable, on_loaded, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpPictureView *self = NP_PICTURE_VIEW (widget);

  if (self->bytes != NULL)
    np_save_bytes (widget, self->bytes, self->suggested_name, self->result_label);
}

static void
np_picture_view_dispose (GObject *object)
{
  NpPictureView *self = (NpPictureView *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_PICTURE_VIEW);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->suggested_name, g_free);

  G_OBJECT_CLASS (np_picture_view_parent_class)->dispose (object);
}

static void
np_picture_view_class_init (NpPictureViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_picture_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-picture-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NpPictureView, box);
  gtk_widget_class_bind_template_child (widget_class, NpPictureView, info_label);
  gtk_widget_class_bind_template_child (widget_class, NpPictureView, result_label);
  gtk_widget_class_bind_template_child (widget_class, NpPictureView, picture);
  gtk_widget_class_install_action (widget_class, "picture.save", NULL, save_action);
}

static void
np_picture_view_init (NpPictureView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "picture.save", FALSE);
}
