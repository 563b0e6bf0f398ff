/* np-send-batch.h: messages that go out together, as one block of bytes
 *
 * A batch is what one send operation hands to every target: the messages laid end to end in
 * one buffer, with where each one ends. Connections share it (a reference each, never a copy),
 * write it with one gathered write, and count messages out as their ends are written.
 * Immutable once made; safe to share between threads.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define NP_TYPE_SEND_BATCH (np_send_batch_get_type ())

typedef struct _NpSendBatch NpSendBatch;

/**
 * NpSendBatchOutcomeFunc:
 * @n_took: how many targets the system took the whole batch for
 * @refusal: (nullable): when none took it, why (the system's reason); %NULL when that was
 *   already said in ERROR events of its own
 *
 * How one send operation ended, for whoever sent it (a file being sent); said once.
 */
typedef void (*NpSendBatchOutcomeFunc) (guint        n_took,
                                        const char  *refusal,
                                        gpointer     user_data);

GType        np_send_batch_get_type        (void) G_GNUC_CONST;
NpSendBatch *np_send_batch_new             (GBytes * const *messages,
                                            guint           n_messages);
NpSendBatch *np_send_batch_new_for_bytes   (GBytes         *message);
NpSendBatch *np_send_batch_new_part        (GBytes         *data,
                                            gboolean        last);
NpSendBatch *np_send_batch_ref             (NpSendBatch    *self);
void         np_send_batch_unref           (NpSendBatch    *self);
GBytes      *np_send_batch_get_data        (NpSendBatch    *self);
gsize        np_send_batch_get_size        (NpSendBatch    *self);
guint        np_send_batch_get_n_messages  (NpSendBatch    *self);
const guint8 *np_send_batch_get_message    (NpSendBatch    *self,
                                            guint           index,
                                            gsize          *length);
GBytes      *np_send_batch_dup_message     (NpSendBatch    *self,
                                            guint           index);
void         np_send_batch_set_reply_rule  (NpSendBatch    *self,
                                            guint           rule);
guint        np_send_batch_get_reply_rule  (NpSendBatch    *self);
void         np_send_batch_set_file        (NpSendBatch    *self,
                                            const char     *file);
const char  *np_send_batch_get_file        (NpSendBatch    *self);
guint        np_send_batch_count_ended     (NpSendBatch    *self,
                                            guint           first,
                                            gsize           offset);
void         np_send_batch_watch_outcome   (NpSendBatch    *self,
                                            NpSendBatchOutcomeFunc func,
                                            gpointer        user_data,
                                            GDestroyNotify  destroy);
void         np_send_batch_move_watch      (NpSendBatch    *self,
                                            NpSendBatch    *from);
gboolean     np_send_batch_is_watched      (NpSendBatch    *self);
void         np_send_batch_report          (NpSendBatch    *self,
                                            guint           n_took,
                                            const char     *refusal);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpSendBatch, np_send_batch_unref)

G_END_DECLS
