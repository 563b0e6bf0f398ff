#define G_LOG_DOMAIN "np-hex-view"

#include "config.h"

#include <glib/gi18n.h>

#include "np-hex-dump.h"
#include "np-hex-lines.h"
#include "np-hex-view.h"
#include "np-save-bytes.h"

struct _NpHexView
{
  GtkWidget          parent_instance;

  GtkWidget         *box;
  GtkLabel          *summary_label;
  GtkLabel          *result_label;
  GtkListView       *list;

  GtkMultiSelection *selection;
  GBytes            *bytes;
  char              *suggested_name;
};

G_DEFINE_FINAL_TYPE (NpHexView, np_hex_view, GTK_TYPE_WIDGET)

/* The bytes of the selected lines, in order; all of them when none is selected. */
static GBytes *
selected_bytes (NpHexView *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  gsize size;
  const guint8 *data = g_bytes_get_data (self->bytes, &size);
  g_autoptr(GByteArray) out = NULL;
  GtkBitsetIter iter;
  guint line;

  if (gtk_bitset_is_empty (selected))
    return g_bytes_ref (self->bytes);

  out = g_byte_array_new ();
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &line); ok; ok = gtk_bitset_iter_next (&iter, &line))
    {
      gsize start = (gsize) line * NP_HEX_DUMP_WIDTH;

      g_byte_array_append (out, data + start, MIN (NP_HEX_DUMP_WIDTH, size - start));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * np_hex_view_copy_text:
 * @kind: an NpHexCopy
 *
 * Returns: (transfer full): the selected lines' bytes (or all) as Copy would put them
 */
char *
np_hex_view_copy_text (NpHexView *self,
                       int        kind)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (NP_IS_HEX_VIEW (self), NULL);

  if (self->bytes == NULL)
    return g_strdup ("");
  bytes = selected_bytes (self);
  data = g_bytes_get_data (bytes, &size);
  return np_hex_dump_copy (data, size, (NpHexCopy) kind);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpHexView *self = NP_HEX_VIEW (widget);
  int kind = g_variant_get_int32 (parameter);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *count = NULL;
  g_autofree char *result = NULL;

  if (self->bytes == NULL || kind < 0 || kind > NP_HEX_COPY_BASE64)
    return;
  bytes = selected_bytes (self);
  text = np_hex_view_copy_text (self, kind);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);

  count = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (bytes));
  result = kind == NP_HEX_COPY_HEX ? g_strdup_printf (_("Copied %s bytes as hex"), count)
           : kind == NP_HEX_COPY_C_ARRAY ? g_strdup_printf (_("Copied %s bytes as a C array"), count)
           : g_strdup_printf (_("Copied %s bytes as Base64"), count);
  gtk_label_set_text (self->result_label, result);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpHexView *self = NP_HEX_VIEW (widget);

  if (self->bytes != NULL)
    np_save_bytes (widget, self->bytes, self->suggested_name, self->result_label);
}

/**
 * np_hex_view_set_bytes:
 * @note: (nullable): why these are not all of the message's bytes
 * @suggested_name: the file name Save offers
 */
void
np_hex_view_set_bytes (NpHexView  *self,
                       GBytes     *bytes,
                       const char *note,
                       const char *suggested_name)
{
  g_autoptr(NpHexLines) lines = NULL;
  g_autofree char *size = NULL;
  g_autofree char *summary = NULL;

  g_return_if_fail (NP_IS_HEX_VIEW (self));
  g_return_if_fail (bytes != NULL);

  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->bytes = g_bytes_ref (bytes);
  g_free (self->suggested_name);
  self->suggested_name = g_strdup (suggested_name);

  lines = np_hex_lines_new (bytes);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_steal_pointer (&lines)));
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (self->selection);   /* the list holds it */

  size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (bytes));
  summary = note != NULL ? g_strdup_printf (_("%s bytes. %s"), size, note) : g_strdup_printf (_("%s bytes"), size);
  gtk_label_set_text (self->summary_label, summary);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hex.copy", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hex.save", TRUE);
}

static void
np_hex_view_dispose (GObject *object)
{
  NpHexView *self = (NpHexView *)object;

  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_HEX_VIEW);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->suggested_name, g_free);

  G_OBJECT_CLASS (np_hex_view_parent_class)->dispose (object);
}

static void
np_hex_view_class_init (NpHexViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_hex_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-hex-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NpHexView, box);
  gtk_widget_class_bind_template_child (widget_class, NpHexView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, NpHexView, result_label);
  gtk_widget_class_bind_template_child (widget_class, NpHexView, list);
  gtk_widget_class_install_action (widget_class, "hex.copy", "i", copy_action);
  gtk_widget_class_install_action (widget_class, "hex.save", NULL, save_action);
}

static void
np_hex_view_init (NpHexView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hex.copy", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hex.save", FALSE);
}
