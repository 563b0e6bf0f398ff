/* np-relay-pair.h: one client of a TCP relay and its own connection to the target (engine
 * thread only)
 *
 * Bytes are copied both ways exactly as they come: a read goes straight to the other socket,
 * and only what that socket does not take at once waits (one read at most, so memory per pair
 * is bounded); meanwhile nothing more is read from the sender, so TCP slows it down. Each
 * direction is logged as its own rows, framed like any endpoint's. An end of stream is passed on
 * as one (half-close), a reset as a reset.
 */
#pragma once

#include <gio/gio.h>

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_RELAY_PAIR (np_relay_pair_get_type ())

G_DECLARE_FINAL_TYPE (NpRelayPair, np_relay_pair, NP, RELAY_PAIR, GObject)

typedef void (*NpRelayPairClosedFunc) (NpRelayPair *pair,
                                       gpointer     user_data);

NpRelayPair *np_relay_pair_new      (NpEndpoint            *owner,
                                     GSocket               *client,
                                     NpRelayPairClosedFunc  closed,
                                     gpointer               user_data);
guint64      np_relay_pair_get_id   (NpRelayPair           *self);
const char  *np_relay_pair_get_peer (NpRelayPair           *self);
void         np_relay_pair_start    (NpRelayPair           *self,
                                     GSocketConnection     *target);
void         np_relay_pair_close    (NpRelayPair           *self,
                                     const char            *reason,
                                     gboolean               failed);
void         np_relay_pair_reset    (NpRelayPair           *self,
                                     const char            *reason);
void         np_relay_pair_resume   (NpRelayPair           *self);

G_END_DECLS
