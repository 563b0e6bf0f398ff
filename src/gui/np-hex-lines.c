#define G_LOG_DOMAIN "np-hex-lines"

#include "config.h"

#include "np-hex-dump.h"
#include "np-hex-lines.h"

struct _NpHexLines
{
  GObject  parent_instance;

  GBytes  *bytes;
};

static GType
np_hex_lines_get_item_type (GListModel *model)
{
  return GTK_TYPE_STRING_OBJECT;
}

static guint
np_hex_lines_get_n_items (GListModel *model)
{
  return np_hex_dump_n_lines (g_bytes_get_size (NP_HEX_LINES (model)->bytes));
}

/* A line is made when the list binds a row to it, and dropped with the row. */
static gpointer
np_hex_lines_get_item (GListModel *model,
                       guint       position)
{
  NpHexLines *self = NP_HEX_LINES (model);
  gsize size;
  const guint8 *data = g_bytes_get_data (self->bytes, &size);
  g_autofree char *line = NULL;

  if (position >= np_hex_dump_n_lines (size))
    return NULL;
  line = np_hex_dump_line (data, size, position);
  return gtk_string_object_new (line);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = np_hex_lines_get_item_type;
  iface->get_n_items = np_hex_lines_get_n_items;
  iface->get_item = np_hex_lines_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (NpHexLines, np_hex_lines, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
np_hex_lines_finalize (GObject *object)
{
  NpHexLines *self = (NpHexLines *)object;

  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (np_hex_lines_parent_class)->finalize (object);
}

static void
np_hex_lines_class_init (NpHexLinesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_hex_lines_finalize;
}

static void
np_hex_lines_init (NpHexLines *self)
{
}

NpHexLines *
np_hex_lines_new (GBytes *bytes)
{
  NpHexLines *self = g_object_new (NP_TYPE_HEX_LINES, NULL);

  self->bytes = g_bytes_ref (bytes);
  return self;
}

/**
 * np_hex_lines_get_bytes:
 * Returns: (transfer none): the bytes dumped
 */
GBytes *
np_hex_lines_get_bytes (NpHexLines *self)
{
  g_return_val_if_fail (NP_IS_HEX_LINES (self), NULL);
  return self->bytes;
}
