/* np-pausable-input.h: a pollable input stream over another one, with a pause
 *
 * While paused, non-blocking reads say "would block" and the sources it hands out stay quiet;
 * resuming wakes them once, so a reader that gave up on "would block" reads again. Used by
 * NpPausableStream (engine thread only).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define NP_TYPE_PAUSABLE_INPUT (np_pausable_input_get_type ())

G_DECLARE_FINAL_TYPE (NpPausableInput, np_pausable_input, NP, PAUSABLE_INPUT, GInputStream)

NpPausableInput *np_pausable_input_new        (GInputStream    *base);
void             np_pausable_input_set_paused (NpPausableInput *self,
                                               gboolean         paused);
gboolean         np_pausable_input_get_paused (NpPausableInput *self);

G_END_DECLS
