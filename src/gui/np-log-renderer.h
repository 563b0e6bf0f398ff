/* np-log-renderer.h: how log rows read as text (time, direction, data), in the display format,
 * encoding and time format the user chose; re-rendered from the stored bytes when those change */
#pragma once

#include <gio/gio.h>

#include "np-codec.h"
#include "np-log-row.h"

G_BEGIN_DECLS

typedef enum
{
  NP_TIMESTAMP_FORMAT_TIME_MS,       /* 12:00:01.123 */
  NP_TIMESTAMP_FORMAT_TIME,          /* 12:00:01 */
  NP_TIMESTAMP_FORMAT_DATE_TIME_MS,  /* 2026-11-25 12:00:01.123 */
  NP_TIMESTAMP_FORMAT_ELAPSED,       /* seconds since the endpoint started */
} NpTimestampFormat;

/* What a data cell shows at most; the row keeps more for copying and re-rendering. */
#define NP_LOG_CELL_CHARS 240

#define NP_TYPE_LOG_RENDERER (np_log_renderer_get_type ())

G_DECLARE_FINAL_TYPE (NpLogRenderer, np_log_renderer, NP, LOG_RENDERER, GObject)

NpLogRenderer *np_log_renderer_new        (void);
NpLogRenderer *np_log_renderer_copy       (NpLogRenderer *self);
NpFormat       np_log_renderer_get_display (NpLogRenderer *self);
NpEncoding     np_log_renderer_get_encoding (NpLogRenderer *self);
char          *np_log_renderer_time       (NpLogRenderer *self,
                                           NpLogRow      *row);
char          *np_log_renderer_data       (NpLogRenderer *self,
                                           NpLogRow      *row);
char          *np_log_renderer_direction  (NpLogRenderer *self,
                                           NpLogRow      *row);
char          *np_log_renderer_full_data  (NpLogRenderer *self,
                                           NpLogRow      *row);
char          *np_log_renderer_line       (NpLogRenderer *self,
                                           NpLogRow      *row);
gboolean       np_log_renderer_matches    (NpLogRenderer *self,
                                           NpLogRow      *row,
                                           const char    *casefolded);

const char    *np_log_direction_label     (NpLogDirection direction);
char          *np_format_clock            (gint64         time_us,
                                           gboolean       millis);

G_END_DECLS
