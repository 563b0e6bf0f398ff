/* np-log-row.h: one line of the message log: the payload's whole bytes while the log's budget
 * allows (for the hex dump, pictures and Save), always a bounded preview (for the cells) */
#pragma once

#include <gio/gio.h>

#include "np-endpoint-config.h"
#include "np-magic.h"
#include "np-event.h"

G_BEGIN_DECLS

typedef enum
{
  NP_LOG_DIRECTION_IN,
  NP_LOG_DIRECTION_OUT,
  NP_LOG_DIRECTION_INFO,
  NP_LOG_DIRECTION_ERROR,
  NP_LOG_DIRECTION_TO_TARGET,   /* a relay's: from a client on to the target */
  NP_LOG_DIRECTION_TO_CLIENT,   /* a relay's: from the target back to a client */
} NpLogDirection;

/* Longer payloads are previewed: the row keeps this many bytes and the full length. A cell
 * shows 300 bytes at most; 100,000 rows of 1 KiB previews stay near 120 MB. */
#define NP_LOG_ROW_PREVIEW 1024

/* A row keeps the whole payload of a message up to this long (a 16 MiB hex dump is still a
 * list of a million lines); a longer one keeps only its preview. The log as a whole keeps at
 * most NP_LOG_MODEL_DEFAULT_BYTE_BUDGET of whole payloads: past it, the oldest rows give theirs
 * up and keep their preview. */
#define NP_LOG_ROW_KEEP_MAX (16 * 1024 * 1024)

/* What a row kept of its payload. */
typedef enum
{
  NP_LOG_ROW_KEPT_NOTHING,   /* no payload: an info row, or counted without data */
  NP_LOG_ROW_KEPT_ALL,       /* every byte */
  NP_LOG_ROW_KEPT_TOO_LONG,  /* the preview: longer than NP_LOG_ROW_KEEP_MAX */
  NP_LOG_ROW_KEPT_BUDGET,    /* the preview: the rest went to keep the log within its budget */
} NpLogRowKept;

/* An HTTP row keeps this much of each body for its details view (the lengths stay whole). */
#define NP_LOG_ROW_BODY_LIMIT (64 * 1024)

#define NP_TYPE_LOG_ROW (np_log_row_get_type ())

G_DECLARE_FINAL_TYPE (NpLogRow, np_log_row, NP, LOG_ROW, GObject)

NpLogRow       *np_log_row_new_from_event (const NpEvent *event,
                                           NpMode         mode);
NpLogRow       *np_log_row_new_info       (NpLogDirection direction,
                                           const char    *peer,
                                           const char    *message);
gint64          np_log_row_get_time       (NpLogRow      *self);
NpLogDirection  np_log_row_get_direction  (NpLogRow      *self);
const char     *np_log_row_get_peer       (NpLogRow      *self);
guint64         np_log_row_get_peer_id    (NpLogRow      *self);
gsize           np_log_row_get_length     (NpLogRow      *self);
char           *np_log_row_describe_length (NpLogRow     *self,
                                            gboolean      with_type);
GBytes         *np_log_row_get_preview    (NpLogRow      *self);
gboolean        np_log_row_is_truncated   (NpLogRow      *self);
const char     *np_log_row_get_message    (NpLogRow      *self);
NpMessageType   np_log_row_get_message_type (NpLogRow    *self);
guint           np_log_row_get_reply_rule (NpLogRow      *self);
const NpHttpExchange *np_log_row_get_http (NpLogRow      *self);
GBytes         *np_log_row_get_bytes      (NpLogRow      *self);
NpLogRowKept    np_log_row_get_kept       (NpLogRow      *self);
gsize           np_log_row_forget_bytes   (NpLogRow      *self);
char           *np_log_row_describe_kept  (NpLogRow      *self);
const NpMagic  *np_log_row_get_magic      (NpLogRow      *self);
void            np_log_row_set_picture    (NpLogRow      *self,
                                           int            width,
                                           int            height,
                                           const char    *error);
gboolean        np_log_row_get_picture    (NpLogRow      *self,
                                           int           *width,
                                           int           *height,
                                           const char   **error);
char           *np_log_row_describe_http  (const NpHttpExchange *http,
                                           const char    *note);

G_END_DECLS
