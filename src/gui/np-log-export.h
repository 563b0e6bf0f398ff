/* np-log-export.h: the log's rows to a file, as text (the clipboard's tab-separated lines) or
 * CSV (RFC 4180), written off the UI thread */
#pragma once

#include <gio/gio.h>

#include "np-log-renderer.h"

G_BEGIN_DECLS

typedef enum
{
  NP_LOG_EXPORT_TEXT,
  NP_LOG_EXPORT_CSV,
} NpLogExportFormat;

char     *np_log_export_csv_field (const char         *text);
void      np_log_export_async     (GListModel         *rows,
                                   NpLogRenderer      *renderer,
                                   NpLogExportFormat   format,
                                   GFile              *file,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gboolean  np_log_export_finish    (GAsyncResult       *result,
                                   guint              *n_rows,
                                   GError            **error);

G_END_DECLS
