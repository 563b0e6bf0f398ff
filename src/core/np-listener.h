/* np-listener.h: a listening TCP socket and its accept loop, for the servers that keep their
 * own connections (tcp-server, relay); engine thread only */
#pragma once

#include <gio/gio.h>

#include "np-endpoint.h"

G_BEGIN_DECLS

#define NP_TYPE_LISTENER (np_listener_get_type ())

G_DECLARE_FINAL_TYPE (NpListener, np_listener, NP, LISTENER, GObject)

/* @socket: (transfer none): an accepted connection, non-blocking */
typedef void (*NpListenerAcceptFunc) (GSocket  *socket,
                                      gpointer  user_data);

/* Out of file descriptors: close what can go; returns how many. */
typedef guint (*NpListenerMakeRoomFunc) (gpointer user_data);

NpListener *np_listener_new   (NpEndpoint             *owner,
                               NpListenerAcceptFunc    func,
                               NpListenerMakeRoomFunc  make_room,
                               gpointer                user_data,
                               GError                **error);
char       *np_listener_get_address (NpListener      *self);
void        np_listener_close (NpListener            *self);

G_END_DECLS
