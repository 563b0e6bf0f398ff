#include "np-send-batch.h"

struct _NpSendBatch
{
  GBytes  *data;
  gsize    size;
  guint    n_messages;
  gsize   *ends;        /* ends[i]: offset just past message i; ends[n_messages - 1] = size */
  guint    reply_rule;  /* the rule whose answer this is (1-based), 0: none */
  char    *file;        /* the file this is, or NULL */

  /* Whoever wants to know how the send ended (np_send_batch_watch_outcome()): set before the
   * batch is shared, called once on the thread that sends it. */
  NpSendBatchOutcomeFunc outcome_func;
  gpointer               outcome_data;
  GDestroyNotify         outcome_destroy;
};

G_DEFINE_BOXED_TYPE (NpSendBatch, np_send_batch, np_send_batch_ref, np_send_batch_unref)

static void
np_send_batch_clear (NpSendBatch *self)
{
  /* Let go of without a word: it did not leave (an endpoint that refuses a watched batch says
   * why with np_send_batch_report(); this only keeps a forgotten path from hanging a file). */
  np_send_batch_report (self, 0, NULL);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->ends, g_free);
  g_clear_pointer (&self->file, g_free);
}

/**
 * np_send_batch_new:
 * @messages: (array length=n_messages): the messages, in order; at least one
 *
 * Copies the messages into one buffer (a single message is shared, not copied).
 *
 * Returns: (transfer full): a new batch
 */
NpSendBatch *
np_send_batch_new (GBytes * const *messages,
                   guint           n_messages)
{
  NpSendBatch *self;
  GByteArray *data;
  gsize total = 0;

  g_return_val_if_fail (messages != NULL, NULL);
  g_return_val_if_fail (n_messages > 0, NULL);

  if (n_messages == 1)
    return np_send_batch_new_for_bytes (messages[0]);

  self = g_atomic_rc_box_new0 (NpSendBatch);
  self->n_messages = n_messages;
  self->ends = g_new (gsize, n_messages);
  for (guint i = 0; i < n_messages; i++)
    {
      total += g_bytes_get_size (messages[i]);
      self->ends[i] = total;
    }

  self->size = total;
  data = g_byte_array_sized_new (total);
  for (guint i = 0; i < n_messages; i++)
    {
      gsize size;
      const guint8 *bytes = g_bytes_get_data (messages[i], &size);

      g_byte_array_append (data, bytes, size);
    }
  self->data = g_byte_array_free_to_bytes (data);

  return self;
}

/**
 * np_send_batch_new_for_bytes:
 * Returns: (transfer full): a batch of the one message @message (shared, not copied)
 */
NpSendBatch *
np_send_batch_new_for_bytes (GBytes *message)
{
  NpSendBatch *self;

  g_return_val_if_fail (message != NULL, NULL);

  self = g_atomic_rc_box_new0 (NpSendBatch);
  self->data = g_bytes_ref (message);
  self->size = g_bytes_get_size (message);
  self->n_messages = 1;
  self->ends = g_new (gsize, 1);
  self->ends[0] = self->size;

  return self;
}

/**
 * np_send_batch_new_part:
 * @last: whether @data ends the message it belongs to
 *
 * A piece of one long message (a file sent in chunks): the message counts as sent when the
 * piece that ends it has been written, not once per piece.
 *
 * Returns: (transfer full): a batch of @data (shared, not copied) with one message end (@last)
 *   or none
 */
NpSendBatch *
np_send_batch_new_part (GBytes   *data,
                        gboolean  last)
{
  NpSendBatch *self;

  g_return_val_if_fail (data != NULL, NULL);

  if (last)
    return np_send_batch_new_for_bytes (data);

  self = g_atomic_rc_box_new0 (NpSendBatch);
  self->data = g_bytes_ref (data);
  self->size = g_bytes_get_size (data);

  return self;
}

/* Marks the batch as the answer of reply rule @rule (1-based), before it is shared: its SENT
 * event says so. */
void
np_send_batch_set_reply_rule (NpSendBatch *self,
                              guint        rule)
{
  g_return_if_fail (self != NULL);

  self->reply_rule = rule;
}

guint
np_send_batch_get_reply_rule (NpSendBatch *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->reply_rule;
}

/* Marks the batch as the contents of @file (a file sent as one datagram or message), before it
 * is shared: its SENT event names the file. */
void
np_send_batch_set_file (NpSendBatch *self,
                        const char  *file)
{
  g_return_if_fail (self != NULL);

  g_free (self->file);
  self->file = g_strdup (file);
}

/* Returns: (nullable): the file this batch is */
const char *
np_send_batch_get_file (NpSendBatch *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->file;
}

NpSendBatch *
np_send_batch_ref (NpSendBatch *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
np_send_batch_unref (NpSendBatch *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) np_send_batch_clear);
}

/* Returns: (transfer none): every message, end to end */
GBytes *
np_send_batch_get_data (NpSendBatch *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data;
}

gsize
np_send_batch_get_size (NpSendBatch *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->size;
}

guint
np_send_batch_get_n_messages (NpSendBatch *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_messages;
}

/* Returns: (transfer none): the bytes of message @index, valid as long as the batch */
const guint8 *
np_send_batch_get_message (NpSendBatch *self,
                           guint        index,
                           gsize       *length)
{
  gsize start;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_messages, NULL);

  start = index > 0 ? self->ends[index - 1] : 0;
  *length = self->ends[index] - start;

  return (const guint8 *) g_bytes_get_data (self->data, NULL) + start;
}

/**
 * np_send_batch_dup_message:
 * Returns: (transfer full): message @index as its own #GBytes (sharing the batch's memory)
 */
GBytes *
np_send_batch_dup_message (NpSendBatch *self,
                           guint        index)
{
  gsize start;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_messages, NULL);

  start = index > 0 ? self->ends[index - 1] : 0;

  return g_bytes_new_from_bytes (self->data, start, self->ends[index] - start);
}

/* How many messages, from @first on, end at or before @offset: the writer calls this as its
 * offset advances, so the walk over the ends is linear in the batch over all calls. */
guint
np_send_batch_count_ended (NpSendBatch *self,
                           guint        first,
                           gsize        offset)
{
  guint i = first;

  g_return_val_if_fail (self != NULL, 0);

  while (i < self->n_messages && self->ends[i] <= offset)
    i++;

  return i - first;
}

/**
 * np_send_batch_watch_outcome:
 * @func: called once with how the send ended: when the endpoint has finished with the batch
 *   (the system took it or refused it for every target), or when it is let go of unsent
 *
 * Set before the batch is sent. An endpoint refusing a watched batch as a whole hands the
 * reason to @func instead of emitting an ERROR of its own (np_endpoint_refuse_send()), so the
 * sender reports the failure once, as its own.
 */
void
np_send_batch_watch_outcome (NpSendBatch            *self,
                             NpSendBatchOutcomeFunc  func,
                             gpointer                user_data,
                             GDestroyNotify          destroy)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->outcome_func == NULL);

  self->outcome_func = func;
  self->outcome_data = user_data;
  self->outcome_destroy = destroy;
}

/* A batch made from @from (with its framing header): the watcher goes with it. */
void
np_send_batch_move_watch (NpSendBatch *self,
                          NpSendBatch *from)
{
  g_return_if_fail (self != NULL && from != NULL);
  g_return_if_fail (self->outcome_func == NULL);

  self->outcome_func = g_steal_pointer (&from->outcome_func);
  self->outcome_data = g_steal_pointer (&from->outcome_data);
  self->outcome_destroy = g_steal_pointer (&from->outcome_destroy);
}

/* Whether someone waits for np_send_batch_report() (and takes over saying why it failed). */
gboolean
np_send_batch_is_watched (NpSendBatch *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->outcome_func != NULL;
}

/**
 * np_send_batch_report:
 * @n_took: how many targets took all of the batch
 * @refusal: (nullable): why none did, if @n_took is 0 and no ERROR said it
 *
 * Says how the send ended to the watcher, if any; only the first report counts.
 */
void
np_send_batch_report (NpSendBatch *self,
                      guint        n_took,
                      const char  *refusal)
{
  NpSendBatchOutcomeFunc func;
  gpointer data;
  GDestroyNotify destroy;

  g_return_if_fail (self != NULL);

  func = g_steal_pointer (&self->outcome_func);
  data = g_steal_pointer (&self->outcome_data);
  destroy = g_steal_pointer (&self->outcome_destroy);
  if (func == NULL)
    return;

  func (n_took, refusal, data);
  if (destroy != NULL)
    destroy (data);
}
