#define G_LOG_DOMAIN "np-peer"

#include "np-peer.h"

struct _NpPeer
{
  GObject  parent_instance;

  guint64  id;
  char    *address;
  char    *group;     /* UDP: the multicast group or broadcast address it last sent to */
  gint64   since_us;
  guint64  bytes_in;
  guint64  bytes_out;
  gboolean changed;   /* new totals not yet notified */
  gboolean in_changed;
  gboolean out_changed;
};

enum { PROP_0, PROP_ID, PROP_ADDRESS, PROP_SINCE, PROP_BYTES_IN, PROP_BYTES_OUT, PROP_GROUP, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpPeer, np_peer, G_TYPE_OBJECT)

static void
np_peer_finalize (GObject *object)
{
  NpPeer *self = (NpPeer *)object;

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->group, g_free);

  G_OBJECT_CLASS (np_peer_parent_class)->finalize (object);
}

static void
np_peer_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  NpPeer *self = NP_PEER (object);

  switch (prop_id)
    {
    case PROP_ID:        g_value_set_uint64 (value, self->id); break;
    case PROP_ADDRESS:   g_value_set_string (value, self->address); break;
    case PROP_SINCE:     g_value_set_int64 (value, self->since_us); break;
    case PROP_BYTES_IN:  g_value_set_uint64 (value, self->bytes_in); break;
    case PROP_BYTES_OUT: g_value_set_uint64 (value, self->bytes_out); break;
    case PROP_GROUP:     g_value_set_string (value, self->group); break;
    default:             G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_peer_class_init (NpPeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = np_peer_finalize;
  object_class->get_property = np_peer_get_property;

  properties[PROP_ID] =
    g_param_spec_uint64 ("id", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SINCE] =
    g_param_spec_int64 ("since", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_IN] =
    g_param_spec_uint64 ("bytes-in", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_OUT] =
    g_param_spec_uint64 ("bytes-out", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GROUP] =
    g_param_spec_string ("group", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
np_peer_init (NpPeer *self)
{
}

NpPeer *
np_peer_new (guint64     id,
             const char *address,
             gint64      since_us)
{
  NpPeer *self = g_object_new (NP_TYPE_PEER, NULL);

  self->id = id;
  self->address = g_strdup (address);
  self->since_us = since_us;

  return self;
}

guint64
np_peer_get_id (NpPeer *self)
{
  g_return_val_if_fail (NP_IS_PEER (self), 0);
  return self->id;
}

const char *
np_peer_get_address (NpPeer *self)
{
  g_return_val_if_fail (NP_IS_PEER (self), NULL);
  return self->address;
}

gint64
np_peer_get_since (NpPeer *self)
{
  g_return_val_if_fail (NP_IS_PEER (self), 0);
  return self->since_us;
}

guint64
np_peer_get_bytes_in (NpPeer *self)
{
  g_return_val_if_fail (NP_IS_PEER (self), 0);
  return self->bytes_in;
}

guint64
np_peer_get_bytes_out (NpPeer *self)
{
  g_return_val_if_fail (NP_IS_PEER (self), 0);
  return self->bytes_out;
}

/**
 * np_peer_set_traffic:
 * @bytes_in: the peer's total so far, from the engine's counter snapshot
 *
 * Takes the new totals silently; np_peer_notify_traffic() tells the view, once per batch.
 *
 * Returns: %TRUE the first time they changed since the last notification: the caller keeps
 *   the peer for notifying then (no search for whether it already did)
 */
gboolean
np_peer_set_traffic (NpPeer  *self,
                     guint64  bytes_in,
                     guint64  bytes_out)
{
  gboolean first;

  g_return_val_if_fail (NP_IS_PEER (self), FALSE);

  if (self->bytes_in == bytes_in && self->bytes_out == bytes_out)
    return FALSE;

  self->in_changed |= self->bytes_in != bytes_in;
  self->out_changed |= self->bytes_out != bytes_out;
  self->bytes_in = bytes_in;
  self->bytes_out = bytes_out;
  first = !self->changed;
  self->changed = TRUE;

  return first;
}

void
np_peer_notify_traffic (NpPeer *self)
{
  g_return_if_fail (NP_IS_PEER (self));

  if (!self->changed)
    return;
  self->changed = FALSE;
  /* Only what changed: a send to every client leaves 1,000 "In" cells as they are. */
  if (self->in_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_IN]);
  if (self->out_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_OUT]);
  self->in_changed = self->out_changed = FALSE;
}

/* UDP: the multicast group or broadcast address the peer sent to, last. */
void
np_peer_set_group (NpPeer     *self,
                   const char *group)
{
  g_return_if_fail (NP_IS_PEER (self));

  if (g_strcmp0 (self->group, group) == 0)
    return;
  g_free (self->group);
  self->group = g_strdup (group);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP]);
}

const char *
np_peer_get_group (NpPeer *self)
{
  g_return_val_if_fail (NP_IS_PEER (self), NULL);
  return self->group;
}
