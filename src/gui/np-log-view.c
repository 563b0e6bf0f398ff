#define G_LOG_DOMAIN "np-log-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-enum-types.h"
#include "np-enum-dropdown.h"
#include "np-log-data-cell.h"
#include "np-log-view-private.h"
#include "np-wrap-box.h"

/* The framings the selector offers, in its order (np_framer_new_from_string () specs). */
static const char * const framing_specs[] = { "raw", "line", "ascii16", "u16be", "u32be" };

enum { PROP_0, PROP_FRAMING, PROP_RUNNING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { ROW_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (NpLogView, np_log_view, GTK_TYPE_WIDGET)


/* ---- cells ---------------------------------------------------------------------------------- */

/* Log cells are GtkInscriptions from a signal factory: they ask for a fixed size instead of
 * shaping their text to report a natural width, and cost no GtkBuilder parse each, so filling
 * a view with hundreds of rows at once stays cheap (see HACKING.md). */
static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            ColumnCells              *cells)
{
  GtkInscription *cell;

  /* The row selects, not the cell (see np-peer-cell-address.ui). */
  gtk_list_item_set_selectable (item, FALSE);
  /* The Data cell shows a picture's thumbnail too. */
  if (cells->column == COLUMN_DATA)
    {
      gtk_list_item_set_child (item, np_log_data_cell_new ());
      return;
    }

  cell = GTK_INSCRIPTION (gtk_inscription_new (NULL));
  gtk_inscription_set_text_overflow (cell, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_xalign (cell, 0);
  gtk_inscription_set_min_chars (cell, cells->column == COLUMN_DATA ? 20 : 3);
  gtk_inscription_set_nat_chars (cell, cells->column == COLUMN_DATA ? 80 : 12);
  gtk_list_item_set_child (item, GTK_WIDGET (cell));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           ColumnCells              *cells)
{
  /* By NpLogDirection; a relay's two directions look like in and out. */
  static const char * const classes[] = { "np-dir-in", "np-dir-out", "np-dir-info", "np-dir-error",
                                          "np-dir-in", "np-dir-out" };
  GtkWidget *child = gtk_list_item_get_child (item);
  GtkInscription *cell;
  NpLogRow *row = gtk_list_item_get_item (item);
  NpLogRenderer *renderer = cells->view->renderer;
  g_autofree char *text = NULL;

  if (cells->column == COLUMN_DATA)
    {
      text = np_log_renderer_data (renderer, row);
      np_log_data_cell_bind (NP_LOG_DATA_CELL (child), row, text, cells->view->pictures);
      return;
    }

  cell = GTK_INSCRIPTION (child);
  switch (cells->column)
    {
    case COLUMN_TIME:
      text = np_log_renderer_time (renderer, row);
      break;
    case COLUMN_DIRECTION:
      /* Only a class that changes: each change restyles the cell (CSS validation runs in the
       * next frame for every cell touched), and a flood rebinds ~200 rows per splice. */
      for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
        if (i != (guint) np_log_row_get_direction (row))
          gtk_widget_remove_css_class (GTK_WIDGET (cell), classes[i]);
      gtk_widget_add_css_class (GTK_WIDGET (cell), classes[np_log_row_get_direction (row)]);
      text = np_log_renderer_direction (renderer, row);
      break;
    case COLUMN_PEER:
      text = g_strdup (np_log_row_get_peer (row) != NULL ? np_log_row_get_peer (row) : "");
      break;
    case COLUMN_LENGTH:
      text = np_log_row_describe_length (row, TRUE);
      break;
    case COLUMN_DATA:
    case N_COLUMNS:
    default:
      text = np_log_renderer_data (renderer, row);
      break;
    }

  gtk_inscription_set_text (cell, text);
  /* An inscription does not tell assistive technology its text by itself in GTK 4.8. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/* The row went out of the list's reach: its thumbnail, if still to be made, is called off. */
static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             ColumnCells              *cells)
{
  if (cells->column == COLUMN_DATA)
    np_log_data_cell_unbind (NP_LOG_DATA_CELL (gtk_list_item_get_child (item)));
}

static void
add_column (NpLogView  *self,
            Column      column,
            const char *title,
            gboolean    expand,
            int         fixed_width)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  self->cells[column] = (ColumnCells) { self, column };
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), &self->cells[column]);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), &self->cells[column]);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), &self->cells[column]);

  view_column = gtk_column_view_column_new (title, g_steal_pointer (&factory));
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (view_column, fixed_width);
  gtk_column_view_append_column (self->column_view, view_column);
}

static char *
dropped_text (gpointer unused,
              guint64  dropped)
{
  g_autofree char *count = NULL;

  if (dropped == 0)
    return g_strdup ("");
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, dropped);
  return g_strdup_printf (_("%s oldest rows dropped from view"), count);
}

/* ---- filter and rendering ------------------------------------------------------------------- */

static gboolean
filter_row (gpointer item,
            gpointer user_data)
{
  NpLogView *self = user_data;

  return self->filter_text == NULL || np_log_renderer_matches (self->renderer, item, self->filter_text);
}

/* An empty log says why it is empty: nothing yet, or nothing the filter lets through. */
static void
update_empty_hint (NpLogView *self)
{
  const char *filter = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *text = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->empty_label), FALSE);
      return;
    }

  if (self->filter_text != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->log)) > 0)
    text = g_strdup_printf (_("No row matches “%s”"), filter);
  else
    text = g_strdup (_("What is sent and received shows here, a row per message.\n"
                       "Choose a mode above and press Start (or Connect)."));
  gtk_label_set_text (self->empty_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), TRUE);
}

static void
on_search_changed (NpLogView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  g_clear_pointer (&self->filter_text, g_free);
  if (text[0] != '\0')
    self->filter_text = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_empty_hint (self);
}

/* Every row is shown again from its stored bytes; the filter reads the rendering too. */
static void
on_rendering_changed (NpLogView *self)
{
  np_log_model_refresh (self->log);
  if (self->filter_text != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_framing_selected (NpLogView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMING]);
}

/**
 * np_log_view_copy_selection:
 * Returns: (transfer full) (nullable): the selected rows as tab-separated lines, or %NULL when
 *   none is selected
 */
/* Enter or a double click on a row: whoever shows details is told which row. */
static void
on_activate (NpLogView *self,
             guint      position)
{
  g_autoptr(NpLogRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (row != NULL)
    g_signal_emit (self, signals[ROW_ACTIVATED], 0, row);
}

/**
 * np_log_view_get_selected_row:
 * Returns: (transfer full) (nullable): the first selected row
 */
NpLogRow *
np_log_view_get_selected_row (NpLogView *self)
{
  g_autoptr(GtkBitset) selected = NULL;

  g_return_val_if_fail (NP_IS_LOG_VIEW (self), NULL);

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_is_empty (selected))
    return NULL;

  return g_list_model_get_item (G_LIST_MODEL (self->selection), gtk_bitset_get_minimum (selected));
}

char *
np_log_view_copy_selection (NpLogView *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (NP_IS_LOG_VIEW (self), NULL);

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(NpLogRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
      g_autofree char *line = np_log_renderer_line (self->renderer, row);

      g_string_append (text, line);
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

void
np_log_view_focus_filter (NpLogView *self)
{
  g_return_if_fail (NP_IS_LOG_VIEW (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * np_log_view_get_model:
 * Returns: (transfer none): every row kept (up to the cap)
 */
NpLogModel *
np_log_view_get_model (NpLogView *self)
{
  g_return_val_if_fail (NP_IS_LOG_VIEW (self), NULL);
  return self->log;
}

/**
 * np_log_view_get_visible:
 * Returns: (transfer none): the rows the filter lets through
 */
GListModel *
np_log_view_get_visible (NpLogView *self)
{
  g_return_val_if_fail (NP_IS_LOG_VIEW (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

/**
 * np_log_view_get_renderer:
 * Returns: (transfer none): how rows read: display format, encoding, time format, start time
 */
NpLogRenderer *
np_log_view_get_renderer (NpLogView *self)
{
  g_return_val_if_fail (NP_IS_LOG_VIEW (self), NULL);
  return self->renderer;
}

/**
 * np_log_view_get_picture_loader:
 * Returns: (transfer none): what decodes the pictures of the log's rows
 */
NpPictureLoader *
np_log_view_get_picture_loader (NpLogView *self)
{
  g_return_val_if_fail (NP_IS_LOG_VIEW (self), NULL);
  return self->pictures;
}

const char *
np_log_view_get_framing (NpLogView *self)
{
  g_return_val_if_fail (NP_IS_LOG_VIEW (self), NULL);

  if (self->framing_dropdown == NULL)   /* bindings made while the template is built */
    return framing_specs[0];
  return framing_specs[MIN (gtk_drop_down_get_selected (self->framing_dropdown), G_N_ELEMENTS (framing_specs) - 1)];
}

/* Selects @framing if the selector offers it; anything else leaves the selection as it is. */
void
np_log_view_set_framing (NpLogView  *self,
                         const char *framing)
{
  g_return_if_fail (NP_IS_LOG_VIEW (self));

  for (guint i = 0; i < G_N_ELEMENTS (framing_specs); i++)
    if (g_strcmp0 (framing_specs[i], framing) == 0)
      gtk_drop_down_set_selected (self->framing_dropdown, i);
}

/* ---- object --------------------------------------------------------------------------------- */

static void
np_log_view_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (np_log_view_parent_class)->realize (widget);
  _np_log_view_flow_realize (NP_LOG_VIEW (widget));
}

static void
np_log_view_unrealize (GtkWidget *widget)
{
  _np_log_view_flow_unrealize (NP_LOG_VIEW (widget));
  GTK_WIDGET_CLASS (np_log_view_parent_class)->unrealize (widget);
}

static void
np_log_view_dispose (GObject *object)
{
  NpLogView *self = (NpLogView *)object;

  _np_log_view_flow_dispose (self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_LOG_VIEW);
  g_clear_object (&self->pictures);

  G_OBJECT_CLASS (np_log_view_parent_class)->dispose (object);
}

static void
np_log_view_finalize (GObject *object)
{
  NpLogView *self = (NpLogView *)object;

  g_free (self->filter_text);

  G_OBJECT_CLASS (np_log_view_parent_class)->finalize (object);
}

static void
np_log_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  NpLogView *self = NP_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_FRAMING: g_value_set_string (value, np_log_view_get_framing (self)); break;
    case PROP_RUNNING: g_value_set_boolean (value, self->running); break;
    default:           G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_log_view_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  NpLogView *self = NP_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_FRAMING:
      np_log_view_set_framing (self, g_value_get_string (value));
      break;
    case PROP_RUNNING:
      if (self->running != g_value_get_boolean (value))
        {
          self->running = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_log_view_class_init (NpLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_log_view_dispose;
  object_class->finalize = np_log_view_finalize;
  object_class->get_property = np_log_view_get_property;
  object_class->set_property = np_log_view_set_property;
  widget_class->realize = np_log_view_realize;
  widget_class->unrealize = np_log_view_unrealize;

  properties[PROP_FRAMING] =
    g_param_spec_string ("framing", NULL, NULL, "raw",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ROW_ACTIVATED] = g_signal_new ("row-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, NP_TYPE_LOG_ROW);

  g_type_ensure (NP_TYPE_LOG_MODEL);
  g_type_ensure (NP_TYPE_LOG_RENDERER);
  g_type_ensure (NP_TYPE_WRAP_BOX);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-log-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NpLogView, box);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, display_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, framing_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, scroller);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, empty_label);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, column_view);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, selection);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, filtered);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, filter);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, log);
  gtk_widget_class_bind_template_child (widget_class, NpLogView, renderer);
  gtk_widget_class_bind_template_callback (widget_class, dropped_text);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
}

static void
np_log_view_init (NpLogView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pictures = np_picture_loader_new ();

  add_column (self, COLUMN_TIME, _("Time"), FALSE, 110);
  /* Wide enough for "rule 12", an answer a reply rule sent. */
  add_column (self, COLUMN_DIRECTION, _("Dir"), FALSE, 72);
  add_column (self, COLUMN_PEER, _("Peer"), FALSE, 170);
  add_column (self, COLUMN_LENGTH, _("Length"), FALSE, 70);
  add_column (self, COLUMN_DATA, _("Data"), TRUE, -1);

  gtk_custom_filter_set_filter_func (self->filter, filter_row, self, NULL);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  /* The selectors list the enum's values in order: position and value are the same number. */
  np_enum_dropdown_bind (self->renderer, "display", self->display_dropdown);
  np_enum_dropdown_bind (self->renderer, "encoding", self->encoding_dropdown);
  /* Not on "started": rows already shown keep the times they were shown with. */
  g_signal_connect_object (self->renderer, "notify::display", G_CALLBACK (on_rendering_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->renderer, "notify::encoding", G_CALLBACK (on_rendering_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->renderer, "notify::timestamp-format", G_CALLBACK (on_rendering_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->framing_dropdown, "notify::selected", G_CALLBACK (on_framing_selected),
                           self, G_CONNECT_SWAPPED);

  _np_log_view_flow_init (self);
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_empty_hint), self, G_CONNECT_SWAPPED);
  update_empty_hint (self);
}
