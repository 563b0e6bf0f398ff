/* np-capture.h: lossless JSON-lines record of every event, written by the consumer
 *
 * The log view may drop old rows; the capture never does. If the file cannot take more (disk
 * full), it ends on its last whole line and the events that are missing are counted. */
#pragma once

#include <gio/gio.h>

#include "np-codec.h"
#include "np-event.h"

G_BEGIN_DECLS

#define NP_TYPE_CAPTURE (np_capture_get_type ())

G_DECLARE_FINAL_TYPE (NpCapture, np_capture, NP, CAPTURE, GObject)

NpCapture *np_capture_new   (GFile      *file,
                             NpEncoding  encoding,
                             GError    **error);
void       np_capture_set_reply_encoding (NpCapture *self,
                                          NpEncoding encoding);
gboolean   np_capture_write (NpCapture  *self,
                             NpEvent    *event,
                             GError    **error);
gboolean   np_capture_flush (NpCapture  *self,
                             GError    **error);
guint64    np_capture_get_lost (NpCapture *self);
guint64    np_capture_get_size (NpCapture *self);
gboolean   np_capture_close (NpCapture  *self,
                             GError    **error);

G_END_DECLS
