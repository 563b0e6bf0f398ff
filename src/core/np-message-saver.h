/* np-message-saver.h: every received message in its own file, written off the caller's thread
 *
 * The consumer (netpoke-cli, the window) hands it RECEIVED events; each message (after
 * framing) becomes a file named by time, peer and sequence, with an extension from its magic
 * bytes (np_magic_sniff: png, jpg, gif, bmp, webp, pdf, zip, else bin), so a camera's frames
 * land as pictures. Files are written by a worker thread (NpWorkQueue), each whole or not at
 * all (a temporary file renamed into place). The first write that fails (disk full, folder not writable) stops the
 * saving: the "failed" signal says why, on the caller's main context, and what was saved stays.
 */
#pragma once

#include <gio/gio.h>

#include "np-event.h"

G_BEGIN_DECLS

#define NP_TYPE_MESSAGE_SAVER (np_message_saver_get_type ())

G_DECLARE_FINAL_TYPE (NpMessageSaver, np_message_saver, NP, MESSAGE_SAVER, GObject)

NpMessageSaver *np_message_saver_new           (GFile          *folder,
                                                GError        **error);
GFile          *np_message_saver_get_folder    (NpMessageSaver *self);
void            np_message_saver_add           (NpMessageSaver *self,
                                                const NpEvent  *event);
gboolean        np_message_saver_is_stopped    (NpMessageSaver *self);
guint64         np_message_saver_get_n_saved   (NpMessageSaver *self);
void            np_message_saver_close         (NpMessageSaver *self);
const char     *np_message_saver_guess_extension (const guint8 *data,
                                                gsize          length);
char           *np_message_saver_file_name     (const NpEvent  *event,
                                                guint64         sequence);

G_END_DECLS
