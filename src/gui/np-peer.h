/* np-peer.h: one connected client (TCP server) or one peer heard from (UDP), with live counters */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define NP_TYPE_PEER (np_peer_get_type ())

G_DECLARE_FINAL_TYPE (NpPeer, np_peer, NP, PEER, GObject)

NpPeer     *np_peer_new              (guint64     id,
                                      const char *address,
                                      gint64      since_us);
guint64     np_peer_get_id           (NpPeer     *self);
const char *np_peer_get_address      (NpPeer     *self);
gint64      np_peer_get_since        (NpPeer     *self);
guint64     np_peer_get_bytes_in     (NpPeer     *self);
guint64     np_peer_get_bytes_out    (NpPeer     *self);
gboolean    np_peer_set_traffic      (NpPeer     *self,
                                      guint64     bytes_in,
                                      guint64     bytes_out);
void        np_peer_notify_traffic   (NpPeer     *self);
void        np_peer_set_group        (NpPeer     *self,
                                      const char *group);
const char *np_peer_get_group        (NpPeer     *self);

G_END_DECLS
