/* np-file-sender.h: one file sent by an endpoint, on the engine thread
 *
 * Over TCP the file is read in chunks (GIO's asynchronous reads) and queued to every target at
 * the pace the slowest one takes it: the next chunk is read only when each target's queue is
 * back under a low-water mark, so a 1 GiB file costs about a megabyte per target. With a
 * length-prefixed framing the whole file is ONE message (the header says its size, then the
 * bytes follow). Over UDP and WebSocket a file is one datagram or one binary message, read
 * whole (and refused if it cannot be one). Progress is reported as FILE events, at most ten a
 * second; the end is a SENT event naming the file (or a FILE event that failed, and why).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Bytes read per chunk, and how little must be waiting in a target's queue before the next. */
#define NP_FILE_CHUNK      (256 * 1024)
#define NP_FILE_LOW_WATER  (1024 * 1024)
/* The largest file that goes as one datagram (IPv4's limit) or one WebSocket message. */
#define NP_FILE_MAX_DATAGRAM 65507
#define NP_FILE_MAX_MESSAGE  (16 * 1024 * 1024)

typedef struct _NpEndpoint NpEndpoint;

#define NP_TYPE_FILE_SENDER (np_file_sender_get_type ())

G_DECLARE_FINAL_TYPE (NpFileSender, np_file_sender, NP, FILE_SENDER, GObject)

typedef void (*NpFileSenderDoneFunc) (NpFileSender *sender,
                                      gpointer      user_data);

NpFileSender *np_file_sender_new    (NpEndpoint           *owner,
                                     GFile                *file,
                                     const guint64        *peer_ids,
                                     guint                 n_peer_ids,
                                     gboolean              finish_writing);
void          np_file_sender_start  (NpFileSender         *self,
                                     NpFileSenderDoneFunc  done,
                                     gpointer              user_data);
void          np_file_sender_cancel (NpFileSender         *self,
                                     const char           *reason);

G_END_DECLS
