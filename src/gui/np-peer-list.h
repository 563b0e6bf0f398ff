/* np-peer-list.h: the clients of a TCP server or the peers a UDP endpoint heard from, with
 * their counters, selection, and the buttons that send to them or disconnect them */
#pragma once

#include <adwaita.h>

#include "np-peer-table.h"

G_BEGIN_DECLS

#define NP_TYPE_PEER_LIST (np_peer_list_get_type ())

G_DECLARE_FINAL_TYPE (NpPeerList, np_peer_list, NP, PEER_LIST, GtkWidget)

NpPeerTable *np_peer_list_get_peers          (NpPeerList *self);
GArray      *np_peer_list_get_selected_ids   (NpPeerList *self);
gboolean     np_peer_list_get_has_selection  (NpPeerList *self);
void         np_peer_list_set_unavailable    (NpPeerList *self,
                                              const char *why_not_all,
                                              const char *why_not_selected);

G_END_DECLS
