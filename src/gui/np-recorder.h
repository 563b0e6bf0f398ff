/* np-recorder.h: the window's Record toggle: every event, as netpoke-cli --capture writes it
 *
 * The same JSON lines (NpCapture), written by a worker thread (NpWorkQueue) so that a slow disk
 * never stalls the window, and independent of the log's row cap: the log may drop old rows,
 * the recording does not. The first failure stops it with a reason ("failed").
 */
#pragma once

#include <gio/gio.h>

#include "np-codec.h"

G_BEGIN_DECLS

#define NP_TYPE_RECORDER (np_recorder_get_type ())

G_DECLARE_FINAL_TYPE (NpRecorder, np_recorder, NP, RECORDER, GObject)

NpRecorder *np_recorder_new        (GFile       *file,
                                    NpEncoding   encoding,
                                    NpEncoding   reply_encoding,
                                    GError     **error);
GFile      *np_recorder_get_file   (NpRecorder  *self);
void        np_recorder_add        (NpRecorder  *self,
                                    GPtrArray   *batch);
guint64     np_recorder_get_size   (NpRecorder  *self);
gboolean    np_recorder_is_stopped (NpRecorder  *self);
void        np_recorder_finish     (NpRecorder  *self);

G_END_DECLS
