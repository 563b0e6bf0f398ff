/* np-pausable-stream.h: a GIOStream whose reading can be paused (engine thread only)
 *
 * libsoup 3.2 reads a WebSocket as fast as the peer writes and has no call to stop it. Handed
 * this wrapper instead of the raw connection, the WebSocket's reads see "would block" while
 * paused and its read source stays quiet, so TCP pushes back on the peer as it does for our
 * own connections. Writing and closing go straight to the wrapped stream.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define NP_TYPE_PAUSABLE_STREAM (np_pausable_stream_get_type ())

G_DECLARE_FINAL_TYPE (NpPausableStream, np_pausable_stream, NP, PAUSABLE_STREAM, GIOStream)

NpPausableStream *np_pausable_stream_new        (GIOStream        *base);
void              np_pausable_stream_set_paused (NpPausableStream *self,
                                                 gboolean          paused);
gboolean          np_pausable_stream_get_paused (NpPausableStream *self);

G_END_DECLS
