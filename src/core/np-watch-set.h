/* np-watch-set.h: many sockets' readability behind one file descriptor (epoll)
 *
 * GMainContext polls every source's descriptor at every wakeup and then checks every source:
 * with 10,000 clients each wakeup of the engine (a command, one client's message) walked
 * 10,000 sockets twice (poll, then GLib's check), 6-17 ms of CPU in two profiles before the
 * first byte of a broadcast left. A watch set is one GSource whose one descriptor is an epoll
 * set: waking costs what is ready, not what is watched. Level-triggered, like GLib's sources;
 * nothing ready, no wakeup.
 *
 * Reading through it is for plain sockets only: a TLS stream can hold decrypted bytes while its
 * socket is quiet, so it keeps GIO's pollable source. A hang-up is the socket's own, TLS or not.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _NpWatchSet NpWatchSet;
typedef struct _NpWatch    NpWatch;

/* @condition: what is ready: G_IO_IN (when watched for), G_IO_HUP, G_IO_ERR */
typedef void (*NpWatchFunc) (GIOCondition condition,
                             gpointer     user_data);

NpWatchSet *np_watch_set_new      (GMainContext *context);
void        np_watch_set_destroy  (NpWatchSet   *self);
NpWatch    *np_watch_set_add      (NpWatchSet   *self,
                                   int           fd,
                                   GIOCondition  condition,
                                   NpWatchFunc   func,
                                   gpointer      user_data);
void        np_watch_remove       (NpWatch      *watch);

G_END_DECLS
