#define G_LOG_DOMAIN "np-peer-table"

#include "np-peer-table.h"

/* A batch costs time in proportion to its events (plus one pass over the table when peers
 * left), never clients × events: peers are found by id in a hash table, a peer whose counters
 * changed is remembered once (np_peer_set_traffic says when it is the first time), and every
 * change of a batch reaches the view as one items-changed. Stopping a server with 1,000
 * clients is one signal, not 1,000 removals that each re-ran the window's state update.
 *
 * Emptying the table (a server stops, Disconnect All) is the exception: GtkColumnView keeps widgets for up to 200
 * rows, and destroying them all in one turn of the main loop took 165-290 ms with the
 * accessibility bus up (each widget says goodbye over D-Bus). So the rows beyond the first 200
 * (which have no widgets) go at once and the rest LEAVE_CHUNK at a time, one chunk every
 * LEAVE_INTERVAL_MS, from the end, a frame between two chunks. (Chunks on an idle below
 * redraw never came while the frames did not stop: a blinking cursor repaints for ten
 * seconds, and a frame slower than its interval makes the next one due at once.) Leaving peers are no longer looked up, counted or sent to.
 *
 * Counters come from the engine's COUNTERS snapshots (the totals of the peers that changed, at
 * most every 100 ms), not from adding up data events: a send to 1,000 clients is one SENT
 * event, and bytes in are what came off the socket, framing headers included. */

/* GtkListView (and GtkColumnView) in GTK 4.8 makes widgets for up to this many rows. */
#define ROWS_WITH_WIDGETS 200
#define LEAVE_CHUNK       20
#define LEAVE_INTERVAL_MS 10
#define LEAVE_PRIORITY    (G_PRIORITY_HIGH_IDLE + 10)  /* ahead of redraw when both are due */

struct _NpPeerTable
{
  GObject      parent_instance;

  GPtrArray   *peers;        /* NpPeer*, in order of arrival; may run ahead of the view */
  GHashTable  *by_id;        /* guint64* (owned) -> NpPeer* (borrowed from peers) */
  guint        n_published;  /* how many items the view was last told about */
  guint        n_leaving;    /* the first n_leaving peers are being removed, a chunk a turn */
  guint        leave_id;     /* the idle that removes the next chunk */
};

enum { PROP_0, PROP_N_ITEMS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static GType
np_peer_table_get_item_type (GListModel *model)
{
  return NP_TYPE_PEER;
}

static guint
np_peer_table_get_n_items (GListModel *model)
{
  return NP_PEER_TABLE (model)->n_published;
}

static gpointer
np_peer_table_get_item (GListModel *model,
                        guint       position)
{
  NpPeerTable *self = NP_PEER_TABLE (model);

  if (position >= self->n_published)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->peers, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = np_peer_table_get_item_type;
  iface->get_n_items = np_peer_table_get_n_items;
  iface->get_item = np_peer_table_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (NpPeerTable, np_peer_table, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
np_peer_table_finalize (GObject *object)
{
  NpPeerTable *self = (NpPeerTable *)object;

  g_clear_handle_id (&self->leave_id, g_source_remove);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->peers, g_ptr_array_unref);

  G_OBJECT_CLASS (np_peer_table_parent_class)->finalize (object);
}

static void
np_peer_table_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NpPeerTable *self = NP_PEER_TABLE (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_published);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_peer_table_class_init (NpPeerTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = np_peer_table_finalize;
  object_class->get_property = np_peer_table_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
np_peer_table_init (NpPeerTable *self)
{
  self->peers = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

NpPeerTable *
np_peer_table_new (void)
{
  return g_object_new (NP_TYPE_PEER_TABLE, NULL);
}

static NpPeer *
add_peer (NpPeerTable   *self,
          const NpEvent *event)
{
  NpPeer *peer = np_peer_new (event->peer_id, event->peer, event->time_us);

  g_ptr_array_add (self->peers, peer);
  g_hash_table_insert (self->by_id, g_memdup2 (&event->peer_id, sizeof event->peer_id), peer);

  return peer;
}

NpPeer *
np_peer_table_lookup (NpPeerTable *self,
                      guint64      id)
{
  g_return_val_if_fail (NP_IS_PEER_TABLE (self), NULL);

  return g_hash_table_lookup (self->by_id, &id);
}

/* Drops the peers of @gone (one pass), then tells the view everything in one signal: from the
 * first position that changed to the end. */
static void
publish (NpPeerTable *self,
         GHashTable  *gone)
{
  guint old_n = self->n_published;
  guint first = old_n;
  guint kept = 0;

  if (g_hash_table_size (gone) > 0)
    {
      for (guint i = 0; i < self->peers->len; i++)
        {
          NpPeer *peer = g_ptr_array_index (self->peers, i);

          if (g_hash_table_contains (gone, peer))
            {
              first = MIN (first, i);
              g_object_unref (peer);
              continue;
            }
          self->peers->pdata[kept++] = peer;
        }
      /* The pointers moved down already: shrink without freeing them. */
      g_ptr_array_set_free_func (self->peers, NULL);
      g_ptr_array_set_size (self->peers, kept);
      g_ptr_array_set_free_func (self->peers, g_object_unref);
    }

  if (first == old_n && self->peers->len == old_n)
    return;

  self->n_published = self->peers->len;
  g_list_model_items_changed (G_LIST_MODEL (self), first, old_n - first, self->n_published - first);
  if (self->n_published != old_n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Removes peers [first, first + n) from the list and from the view, in one signal. */
static void
remove_range (NpPeerTable *self,
              guint        first,
              guint        n)
{
  g_assert (self->peers->len == self->n_published);

  g_ptr_array_remove_range (self->peers, first, n);
  self->n_published -= n;
  g_list_model_items_changed (G_LIST_MODEL (self), first, n, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean
leave_chunk (gpointer user_data)
{
  NpPeerTable *self = user_data;
  guint n = MIN (LEAVE_CHUNK, self->n_leaving);

  /* From the end of the leaving peers: the rows above stay where they are. */
  self->n_leaving -= n;
  remove_range (self, self->n_leaving, n);
  if (self->n_leaving > 0)
    return G_SOURCE_CONTINUE;

  self->leave_id = 0;
  return G_SOURCE_REMOVE;
}

/* The first @n peers leave (they include those already leaving): they are no longer looked up,
 * counted or sent to; from the view the first ROWS_WITH_WIDGETS go a chunk at a time. */
static void
leave_first (NpPeerTable *self,
             guint        n)
{
  g_assert (n >= self->n_leaving && n <= self->n_published);

  self->n_leaving = n;
  if (self->n_leaving > ROWS_WITH_WIDGETS)
    {
      remove_range (self, ROWS_WITH_WIDGETS, self->n_leaving - ROWS_WITH_WIDGETS);
      self->n_leaving = ROWS_WITH_WIDGETS;
    }

  /* A short list goes at once. */
  if (self->n_leaving <= LEAVE_CHUNK && self->leave_id == 0)
    {
      if (self->n_leaving > 0)
        remove_range (self, 0, self->n_leaving);
      self->n_leaving = 0;
      return;
    }

  if (self->leave_id == 0)
    {
      self->leave_id = g_timeout_add_full (LEAVE_PRIORITY, LEAVE_INTERVAL_MS, leave_chunk, self, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->leave_id), "[netpoke] clear peers");
    }
}

/* Every peer leaves (a server stops, a new endpoint starts). */
static void
leave_all (NpPeerTable *self)
{
  g_hash_table_remove_all (self->by_id);
  leave_first (self, self->n_published);
}

/* The peers a Disconnect All (or a stop) closed: they came before any peer that stays, so
 * after the leaving ones they are the front of the list, and leave as a stop's do. Should they
 * not be (nothing known makes that happen), they go at once like any other. */
static void
leave_in_bulk (NpPeerTable *self,
               GHashTable  *bulk)
{
  guint n = g_hash_table_size (bulk);

  if (n == 0)
    return;
  for (guint i = self->n_leaving; i < self->n_leaving + n; i++)
    if (i >= self->n_published || !g_hash_table_contains (bulk, g_ptr_array_index (self->peers, i)))
      {
        publish (self, bulk);
        return;
      }
  leave_first (self, self->n_leaving + n);
}

/**
 * np_peer_table_apply:
 * @endpoint_id: the endpoint the table follows: events of others are ignored
 * @mode: its mode: a TCP client has no peer list; UDP peers appear when first heard
 *
 * Applies a batch of engine events: connects, disconnects, traffic and the endpoint stopping.
 */
void
np_peer_table_apply (NpPeerTable *self,
                     GPtrArray   *batch,
                     guint        endpoint_id,
                     NpMode       mode)
{
  g_autoptr(GHashTable) gone = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) bulk = g_hash_table_new (NULL, NULL);   /* closed by one operation */
  /* Holds references: a peer may go later in the same batch, and is still notified. */
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean stopped = FALSE;

  g_return_if_fail (NP_IS_PEER_TABLE (self));

  if (mode == NP_MODE_TCP_CLIENT)
    return;

  for (guint i = 0; i < batch->len; i++)
    {
      const NpEvent *event = g_ptr_array_index (batch, i);
      NpPeer *peer;

      if (event->endpoint_id != endpoint_id)
        continue;

      switch (event->kind)
        {
        case NP_EVENT_CONNECTED:
          add_peer (self, event);
          break;

        case NP_EVENT_DISCONNECTED:
          if ((peer = g_hash_table_lookup (self->by_id, &event->peer_id)) != NULL)
            {
              g_hash_table_remove (self->by_id, &event->peer_id);
              g_hash_table_add (event->in_bulk ? bulk : gone, peer);
            }
          break;

        case NP_EVENT_RECEIVED:
          /* A UDP peer is "connected" once heard from. */
          if (mode == NP_MODE_UDP && g_hash_table_lookup (self->by_id, &event->peer_id) == NULL)
            add_peer (self, event);
          /* Which group (or broadcast address) it sent to, last. */
          if (event->group != NULL && (peer = g_hash_table_lookup (self->by_id, &event->peer_id)) != NULL)
            np_peer_set_group (peer, event->group);
          break;

        case NP_EVENT_COUNTERS:
          for (guint c = 0; c < event->counters->len; c++)
            {
              const NpPeerCounters *counters = &g_array_index (event->counters, NpPeerCounters, c);

              peer = g_hash_table_lookup (self->by_id, &counters->peer_id);
              if (peer != NULL && np_peer_set_traffic (peer, counters->bytes_in, counters->bytes_out))
                g_ptr_array_add (changed, g_object_ref (peer));
            }
          break;

        case NP_EVENT_STOPPED:
          /* Whoever is left goes with the endpoint (after this batch's other changes). */
          stopped = TRUE;
          break;

        case NP_EVENT_SENT:
        case NP_EVENT_LISTENING:
        case NP_EVENT_ERROR:
        default:
          break;
        }
    }

  publish (self, gone);
  leave_in_bulk (self, bulk);
  for (guint i = 0; i < changed->len; i++)
    np_peer_notify_traffic (g_ptr_array_index (changed, i));
  if (stopped)
    leave_all (self);
}

/**
 * np_peer_table_clear:
 *
 * Empties the table (a server stops, a new endpoint starts). Lookups, counters and
 * np_peer_table_get_ids() forget every peer at once; the view loses them over a few turns of
 * the main loop (see the top of this file). Peers added meanwhile come after them.
 */
void
np_peer_table_clear (NpPeerTable *self)
{
  g_return_if_fail (NP_IS_PEER_TABLE (self));

  leave_all (self);
}

/**
 * np_peer_table_get_ids:
 * Returns: (transfer full) (element-type guint64): the ids of every peer (not those leaving),
 *   in list order
 */
GArray *
np_peer_table_get_ids (NpPeerTable *self)
{
  GArray *ids;

  g_return_val_if_fail (NP_IS_PEER_TABLE (self), NULL);

  ids = g_array_sized_new (FALSE, FALSE, sizeof (guint64), self->n_published);
  for (guint i = self->n_leaving; i < self->n_published; i++)
    {
      guint64 id = np_peer_get_id (g_ptr_array_index (self->peers, i));

      g_array_append_val (ids, id);
    }
  return ids;
}
