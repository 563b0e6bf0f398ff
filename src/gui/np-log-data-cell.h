/* np-log-data-cell.h: the log's Data cell: the row's data as text, and for a picture a
 * thumbnail (decoded by NpPictureLoader while the row is in view) or why it is no picture */
#pragma once

#include <gtk/gtk.h>

#include "np-log-row.h"
#include "np-picture-loader.h"

G_BEGIN_DECLS

/* A thumbnail fits in this many pixels square; its place in the row is 96 × 54 (16:9). */
#define NP_LOG_THUMBNAIL_SIZE 96

#define NP_TYPE_LOG_DATA_CELL (np_log_data_cell_get_type ())

G_DECLARE_FINAL_TYPE (NpLogDataCell, np_log_data_cell, NP, LOG_DATA_CELL, GtkWidget)

GtkWidget *np_log_data_cell_new     (void);
void       np_log_data_cell_bind    (NpLogDataCell   *self,
                                     NpLogRow        *row,
                                     const char      *text,
                                     NpPictureLoader *loader);
void       np_log_data_cell_unbind  (NpLogDataCell   *self);
gboolean   np_log_data_cell_has_thumbnail (NpLogDataCell *self);

G_END_DECLS
