/* np-log-model.h: the message log as a GListModel, fed in batches, capped, oldest dropped first */
#pragma once

#include <gio/gio.h>

#include "np-log-row.h"

G_BEGIN_DECLS

#define NP_LOG_MODEL_DEFAULT_CAP 100000

/* Whole payloads the log keeps, in all (each row keeps its preview whatever happens): 256 MiB
 * is a thousand 256 KiB camera frames, or sixteen 16 MiB records. */
#define NP_LOG_MODEL_BYTE_BUDGET (256 * 1024 * 1024)

#define NP_TYPE_LOG_MODEL (np_log_model_get_type ())

G_DECLARE_FINAL_TYPE (NpLogModel, np_log_model, NP, LOG_MODEL, GObject)

NpLogModel *np_log_model_new         (void);
void        np_log_model_append      (NpLogModel *self,
                                      GPtrArray  *rows);
void        np_log_model_clear       (NpLogModel *self);
void        np_log_model_refresh     (NpLogModel *self);
guint       np_log_model_get_cap     (NpLogModel *self);
void        np_log_model_set_cap     (NpLogModel *self,
                                      guint       cap);
guint64     np_log_model_get_dropped (NpLogModel *self);
void        np_log_model_add_dropped (NpLogModel *self,
                                      guint       n_rows);
gsize       np_log_model_get_kept_bytes (NpLogModel *self);
void        np_log_model_set_byte_budget (NpLogModel *self,
                                      gsize       budget);

G_END_DECLS
