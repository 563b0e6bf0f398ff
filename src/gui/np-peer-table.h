/* np-peer-table.h: the clients (TCP server) or peers heard (UDP) of one endpoint, as a
 * GListModel of NpPeer kept up to date from engine events, one batch at a time */
#pragma once

#include <gio/gio.h>

#include "np-endpoint-config.h"
#include "np-event.h"
#include "np-peer.h"

G_BEGIN_DECLS

#define NP_TYPE_PEER_TABLE (np_peer_table_get_type ())

G_DECLARE_FINAL_TYPE (NpPeerTable, np_peer_table, NP, PEER_TABLE, GObject)

NpPeerTable *np_peer_table_new     (void);
void         np_peer_table_apply   (NpPeerTable *self,
                                    GPtrArray   *batch,
                                    guint        endpoint_id,
                                    NpMode       mode);
void         np_peer_table_clear   (NpPeerTable *self);
NpPeer      *np_peer_table_lookup  (NpPeerTable *self,
                                    guint64      id);
GArray      *np_peer_table_get_ids (NpPeerTable *self);

G_END_DECLS
