/* np-log-row.h: one line of the message log, kept small: a bounded preview of the payload */
#pragma once

#include <gio/gio.h>

#include "np-endpoint-config.h"
#include "np-event.h"

G_BEGIN_DECLS

typedef enum
{
  NP_LOG_DIRECTION_IN,
  NP_LOG_DIRECTION_OUT,
  NP_LOG_DIRECTION_INFO,
  NP_LOG_DIRECTION_ERROR,
} NpLogDirection;

/* Longer payloads are previewed: the row keeps this many bytes and the full length. A cell
 * shows 300 bytes at most; 100,000 rows of 1 KiB previews stay near 120 MB. */
#define NP_LOG_ROW_PREVIEW 1024

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
GBytes         *np_log_row_get_preview    (NpLogRow      *self);
gboolean        np_log_row_is_truncated   (NpLogRow      *self);
const char     *np_log_row_get_message    (NpLogRow      *self);
NpMessageType   np_log_row_get_message_type (NpLogRow    *self);
guint           np_log_row_get_reply_rule (NpLogRow      *self);
const NpHttpExchange *np_log_row_get_http (NpLogRow      *self);
char           *np_log_row_describe_http  (const NpHttpExchange *http,
                                           const char    *note);

G_END_DECLS
