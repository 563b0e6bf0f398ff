#define G_LOG_DOMAIN "np-peer-list"

#include "config.h"

#include <glib/gi18n.h>

#include "np-enum-types.h"
#include "np-log-renderer.h"
#include "np-peer-list.h"

struct _NpPeerList
{
  GtkWidget            parent_instance;

  GtkWidget           *box;
  GtkLabel            *title_label;
  GtkColumnView       *peer_view;
  GtkMultiSelection   *selection;
  NpPeerTable         *peers;
  GtkColumnViewColumn *address_column;
  GtkColumnViewColumn *since_column;
  GtkColumnViewColumn *in_column;
  GtkColumnViewColumn *out_column;
  GtkColumnViewColumn *group_column;
  GtkButton           *send_selected_button;
  GtkButton           *send_all_button;
  GtkButton           *disconnect_button;
  GtkButton           *disconnect_all_button;

  NpMode               mode;
  gboolean             has_selection;
  guint                n_selected;
  NpPeer              *selected_peer;   /* the first selected (the traffic graph's) */
};

enum { PROP_0, PROP_MODE, PROP_HAS_SELECTION, PROP_N_SELECTED, PROP_N_PEERS, PROP_SELECTED_PEER, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpPeerList, np_peer_list, GTK_TYPE_WIDGET)

/* ---- closures for the template and the cells -------------------------------------------- */

static char *
title_for_mode (gpointer unused,
                NpMode   mode)
{
  return g_strdup (mode == NP_MODE_UDP ? _("Peers Heard") : NP_MODE_IS_RELAY (mode) ? _("Clients Relayed") : _("Clients"));
}

static char *
send_selected_label (gpointer unused,
                     NpMode   mode)
{
  return g_strdup (mode == NP_MODE_UDP ? _("Reply to Selected") : _("Send to Selected"));
}

static char *
send_all_label (gpointer unused,
                NpMode   mode)
{
  return g_strdup (mode == NP_MODE_UDP ? _("Send to All Heard") : _("Send to All"));
}

static gboolean
can_disconnect (gpointer unused,
                NpMode   mode)
{
  return mode == NP_MODE_TCP_SERVER || mode == NP_MODE_WS_SERVER || NP_MODE_IS_RELAY (mode);
}

static gboolean
can_send (gpointer unused,
          NpMode   mode)
{
  return !NP_MODE_IS_RELAY (mode);
}

/* The Group column (the multicast group a datagram was sent to) is UDP's only. It is put into
 * the view and taken out rather than hidden: GTK 4.8's column view counts a hidden column's
 * width in what it needs, so the Address column never got the room it expands into. */
static void
show_group_column (NpPeerList *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->peer_view);
  gboolean shown = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (columns) && !shown; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      shown = column == self->group_column;
    }
  if (self->mode == NP_MODE_UDP && !shown)
    gtk_column_view_append_column (self->peer_view, self->group_column);
  else if (self->mode != NP_MODE_UDP && shown)
    gtk_column_view_remove_column (self->peer_view, self->group_column);
}

static char *
np_peer_list_format_count (GtkListItem *item,
                           guint64      count)
{
  /* Exact while it fits the column; then with a unit ("16.0 MB", not "1600…"). */
  if (count < 10000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, count);
  return g_format_size (count);
}

static char *
np_peer_list_format_since (GtkListItem *item,
                           gint64       since_us)
{
  return np_format_clock (since_us, FALSE);
}

/* Cells are built from .ui templates whose bindings follow the peer while bound: no handler
 * to connect and disconnect by hand. */
static void
set_cell_factory (GtkColumnViewColumn *column,
                  GtkBuilderScope     *scope,
                  const char          *name)
{
  g_autofree char *path = g_strdup_printf ("/io/github/netpoke/Netpoke/np-peer-cell-%s.ui", name);
  g_autoptr(GtkListItemFactory) factory = gtk_builder_list_item_factory_new_from_resource (scope, path);

  gtk_column_view_column_set_factory (column, factory);
}

/* ---- object ------------------------------------------------------------------------------ */

static void
on_selection_changed (NpPeerList *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint n_selected = (guint) gtk_bitset_get_size (selected);
  g_autoptr(NpPeer) first = n_selected > 0 ? g_list_model_get_item (G_LIST_MODEL (self->peers),
                                                                     gtk_bitset_get_minimum (selected)) : NULL;
  gboolean had_selection = self->has_selection;

  if (g_set_object (&self->selected_peer, first))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_PEER]);
  if (n_selected == self->n_selected)
    return;
  /* Both are true before either is told. */
  self->n_selected = n_selected;
  self->has_selection = n_selected > 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
  if (had_selection != self->has_selection)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_SELECTION]);
}

static void
on_n_items (NpPeerList *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PEERS]);
}

/* What a screen reader calls the table: UDP has no connected clients, only peers heard. */
static void
name_for_mode (NpPeerList *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->peer_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->mode == NP_MODE_UDP ? _("Peers heard") : _("Connected clients"), -1);
}

/* A disabled Disconnect Selected looked pale red, like a warning: red only when it can act. */
static void
on_disconnect_sensitive (NpPeerList *self)
{
  if (gtk_widget_is_sensitive (GTK_WIDGET (self->disconnect_button)))
    gtk_widget_add_css_class (GTK_WIDGET (self->disconnect_button), "destructive-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->disconnect_button), "destructive-action");
}

static void
np_peer_list_dispose (GObject *object)
{
  NpPeerList *self = (NpPeerList *)object;

  g_clear_object (&self->selected_peer);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_PEER_LIST);

  G_OBJECT_CLASS (np_peer_list_parent_class)->dispose (object);
}

static void
np_peer_list_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NpPeerList *self = NP_PEER_LIST (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_HAS_SELECTION:
      g_value_set_boolean (value, self->has_selection);
      break;
    case PROP_N_SELECTED:
      g_value_set_uint (value, self->n_selected);
      break;
    case PROP_N_PEERS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self->peers)));
      break;
    case PROP_SELECTED_PEER:
      g_value_set_object (value, self->selected_peer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_peer_list_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  NpPeerList *self = NP_PEER_LIST (object);

  switch (prop_id)
    {
    case PROP_MODE:
      if (self->mode != (NpMode) g_value_get_enum (value))
        {
          self->mode = g_value_get_enum (value);
          name_for_mode (self);
          show_group_column (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_peer_list_class_init (NpPeerListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_peer_list_dispose;
  object_class->get_property = np_peer_list_get_property;
  object_class->set_property = np_peer_list_set_property;

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, NP_TYPE_MODE, NP_MODE_TCP_SERVER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_SELECTION] =
    g_param_spec_boolean ("has-selection", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SELECTED] =
    g_param_spec_uint ("n-selected", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PEERS] =
    g_param_spec_uint ("n-peers", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_PEER] =
    g_param_spec_object ("selected-peer", NULL, NULL, NP_TYPE_PEER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NP_TYPE_PEER_TABLE);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-peer-list.ui");
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, box);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, title_label);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, peer_view);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, selection);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, peers);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, address_column);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, since_column);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, in_column);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, out_column);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, group_column);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, send_selected_button);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, send_all_button);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, disconnect_button);
  gtk_widget_class_bind_template_child (widget_class, NpPeerList, disconnect_all_button);
  gtk_widget_class_bind_template_callback (widget_class, title_for_mode);
  gtk_widget_class_bind_template_callback (widget_class, send_selected_label);
  gtk_widget_class_bind_template_callback (widget_class, send_all_label);
  gtk_widget_class_bind_template_callback (widget_class, can_disconnect);
  gtk_widget_class_bind_template_callback (widget_class, can_send);
}

static void
np_peer_list_init (NpPeerList *self)
{
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (scope),
                                           "np_peer_list_format_count", G_CALLBACK (np_peer_list_format_count),
                                           "np_peer_list_format_since", G_CALLBACK (np_peer_list_format_since),
                                           NULL);
  set_cell_factory (self->address_column, scope, "address");
  set_cell_factory (self->since_column, scope, "since");
  set_cell_factory (self->in_column, scope, "in");
  set_cell_factory (self->out_column, scope, "out");
  set_cell_factory (self->group_column, scope, "group");

  g_signal_connect_object (self->disconnect_button, "notify::sensitive", G_CALLBACK (on_disconnect_sensitive),
                           self, G_CONNECT_SWAPPED);
  on_disconnect_sensitive (self);
  name_for_mode (self);
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (on_selection_changed),
                           self, G_CONNECT_SWAPPED);
  /* Items going also changes the selection without a selection-changed for what left. */
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (on_selection_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->peers, "notify::n-items", G_CALLBACK (on_n_items), self, G_CONNECT_SWAPPED);
}

/**
 * np_peer_list_get_peers:
 * Returns: (transfer none): the table the list shows: the window feeds it engine events
 */
NpPeerTable *
np_peer_list_get_peers (NpPeerList *self)
{
  g_return_val_if_fail (NP_IS_PEER_LIST (self), NULL);
  return self->peers;
}

static void
say_why (GtkButton  *button,
         const char *why_not)
{
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), why_not);
  if (why_not != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, why_not, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/**
 * np_peer_list_set_unavailable:
 * @why_not_all: why Send to All and Disconnect All cannot act now (not started, no client), or %NULL
 * @why_not_selected: why the Selected ones cannot (also: nothing selected), or %NULL
 *
 * The window greys the buttons (their actions); a greyed button says why in its tooltip and
 * accessible description, as the send box's Send does. A button that can act has no tooltip:
 * its label says it all.
 */
void
np_peer_list_set_unavailable (NpPeerList *self,
                              const char *why_not_all,
                              const char *why_not_selected)
{
  g_return_if_fail (NP_IS_PEER_LIST (self));

  say_why (self->send_all_button, why_not_all);
  say_why (self->disconnect_all_button, why_not_all);
  say_why (self->send_selected_button, why_not_selected);
  say_why (self->disconnect_button, why_not_selected);
}

gboolean
np_peer_list_get_has_selection (NpPeerList *self)
{
  g_return_val_if_fail (NP_IS_PEER_LIST (self), FALSE);
  return self->has_selection;
}

/**
 * np_peer_list_get_selected_ids:
 * Returns: (transfer full) (element-type guint64): the ids of the selected peers, in list order
 */
GArray *
np_peer_list_get_selected_ids (NpPeerList *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  GArray *ids;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (NP_IS_PEER_LIST (self), NULL);

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  ids = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(NpPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), position);
      guint64 id = np_peer_get_id (peer);

      g_array_append_val (ids, id);
    }

  return ids;
}
