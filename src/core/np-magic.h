/* np-magic.h: what a message's first bytes say it is (a PNG, a JPEG, a PDF, …)
 *
 * One table for everyone who asks: the message saver's file extensions (netpoke-cli
 * --save-messages and the window's toggle) and the window's pictures in the log. A kind is
 * recognised by its signature only, never by decoding: a picture whose signature is right but
 * whose data is damaged is still a PNG here, and the decoder says what is wrong with it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;        /* "PNG", "JPEG", … (not translated: these are format names) */
  const char *extension;   /* "png", "jpg", … ; "bin" when nothing is known */
  const char *mime_type;   /* "image/png", … ; "application/octet-stream" when nothing is known */
  gboolean    image;       /* a picture format (gdk-pixbuf may or may not have a loader for it) */
} NpMagic;

const NpMagic *np_magic_sniff   (const guint8 *data,
                                 gsize         length);
const NpMagic *np_magic_unknown (void);

G_END_DECLS
