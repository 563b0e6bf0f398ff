#define G_LOG_DOMAIN "np-answerer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-answerer.h"
#include "np-endpoint.h"

/* An answer waiting for its rule's delay. */
typedef struct
{
  NpAnswerer    *answerer;   /* not owned: it cancels every pending answer before it goes */
  guint64        peer_id;
  NpSendBatch   *batch;
  NpMessageType  type;
  GSource       *source;
  GList          link;       /* in answerer->pending */
} PendingAnswer;

struct _NpAnswerer
{
  GObject       parent_instance;

  NpEndpoint   *owner;       /* not owned: the endpoint owns us */
  NpResponder  *responder;   /* NULL or without rules: no answers */
  GQueue        pending;     /* PendingAnswer*, in the order they were made */
  gsize         pending_bytes;
};

G_DEFINE_FINAL_TYPE (NpAnswerer, np_answerer, G_TYPE_OBJECT)

static void
pending_answer_free (PendingAnswer *pending)
{
  if (pending->source != NULL)
    {
      g_source_destroy (pending->source);
      g_source_unref (pending->source);
    }
  np_send_batch_unref (pending->batch);
  g_free (pending);
}

static void
np_answerer_dispose (GObject *object)
{
  NpAnswerer *self = (NpAnswerer *)object;

  np_answerer_cancel_all (self);
  g_clear_object (&self->responder);

  G_OBJECT_CLASS (np_answerer_parent_class)->dispose (object);
}

static void
np_answerer_class_init (NpAnswererClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = np_answerer_dispose;
}

static void
np_answerer_init (NpAnswerer *self)
{
  g_queue_init (&self->pending);
}

/**
 * np_answerer_new:
 * @owner: the endpoint whose received messages are answered; not referenced
 *
 * Returns: (transfer full): an answerer without rules
 */
NpAnswerer *
np_answerer_new (NpEndpoint *owner)
{
  NpAnswerer *self = g_object_new (NP_TYPE_ANSWERER, NULL);

  self->owner = owner;
  return self;
}

/* Answers already waiting keep the delay they were given. */
void
np_answerer_set_responder (NpAnswerer  *self,
                           NpResponder *responder)
{
  g_return_if_fail (NP_IS_ANSWERER (self));

  g_set_object (&self->responder, responder);
}

/* Whether messages may be answered: connections then keep a message's bytes even when the
 * events only count them. */
gboolean
np_answerer_is_active (NpAnswerer *self)
{
  g_return_val_if_fail (NP_IS_ANSWERER (self), FALSE);

  return self->responder != NULL && np_responder_get_n_rules (self->responder) > 0;
}

static void
send_answer (NpAnswerer    *self,
             guint64        peer_id,
             NpSendBatch   *batch,
             NpMessageType  type)
{
  /* The same path as every send: framed by the endpoint, one SENT event marked with the
   * rule. Nothing sent here goes back through the rules. */
  np_endpoint_send_batch_as (self->owner, &peer_id, 1, batch, type);
}

static gboolean
on_delay_over (gpointer user_data)
{
  PendingAnswer *pending = user_data;
  NpAnswerer *self = pending->answerer;
  g_autoptr(NpSendBatch) batch = np_send_batch_ref (pending->batch);
  guint64 peer_id = pending->peer_id;
  NpMessageType type = pending->type;

  g_queue_unlink (&self->pending, &pending->link);
  self->pending_bytes -= np_send_batch_get_size (batch);
  g_clear_pointer (&pending->source, g_source_unref);
  pending_answer_free (pending);

  send_answer (self, peer_id, batch, type);

  return G_SOURCE_REMOVE;
}

static void
delay_answer (NpAnswerer    *self,
              guint64        peer_id,
              const char    *peer,
              NpReply       *reply,
              NpSendBatch   *batch)
{
  PendingAnswer *pending;
  gsize size = np_send_batch_get_size (batch);

  if (self->pending.length >= NP_ANSWERER_MAX_PENDING
      || self->pending_bytes + size > NP_ANSWERER_MAX_PENDING_BYTES)
    {
      g_autofree char *message =
        g_strdup_printf (_("Rule %u did not answer: %u delayed answers (%u KiB) are waiting already"),
                         reply->rule, self->pending.length, (guint) (self->pending_bytes / 1024));

      np_endpoint_emit_error (self->owner, peer_id, peer, message);
      return;
    }

  pending = g_new0 (PendingAnswer, 1);
  pending->answerer = self;
  pending->peer_id = peer_id;
  pending->batch = np_send_batch_ref (batch);
  pending->type = reply->type;
  pending->link.data = pending;
  pending->source = g_timeout_source_new (reply->delay_ms);
  g_source_set_static_name (pending->source, "[netpoke] delayed answer");
  g_source_set_callback (pending->source, on_delay_over, pending, NULL);
  g_source_attach (pending->source, g_main_context_get_thread_default ());
  g_queue_push_tail_link (&self->pending, &pending->link);
  self->pending_bytes += size;
}

/**
 * np_answerer_answer:
 * @message: a whole received message, after framing
 *
 * Sends the answer of the first rule that matches @message to @peer_id, now or after the
 * rule's delay; a reply that cannot be made is an ERROR event naming the rule.
 */
void
np_answerer_answer (NpAnswerer    *self,
                    guint64        peer_id,
                    const char    *peer,
                    GBytes        *message,
                    NpMessageType  type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpReply) reply = NULL;
  g_autoptr(NpSendBatch) batch = NULL;

  g_return_if_fail (NP_IS_ANSWERER (self));

  if (self->responder == NULL || message == NULL)
    return;

  reply = np_responder_answer (self->responder, message, type, &error);
  if (reply == NULL)
    {
      if (error != NULL)
        np_endpoint_emit_error (self->owner, peer_id, peer, error->message);
      return;
    }

  batch = np_send_batch_new_for_bytes (reply->bytes);
  np_send_batch_set_reply_rule (batch, reply->rule);

  if (reply->delay_ms == 0)
    send_answer (self, peer_id, batch, reply->type);
  else
    delay_answer (self, peer_id, peer, reply, batch);
}

/* The endpoint stops: answers still waiting are not sent. */
void
np_answerer_cancel_all (NpAnswerer *self)
{
  PendingAnswer *pending;

  g_return_if_fail (NP_IS_ANSWERER (self));

  while ((pending = g_queue_peek_head (&self->pending)) != NULL)
    {
      g_queue_unlink (&self->pending, &pending->link);
      pending_answer_free (pending);
    }
  self->pending_bytes = 0;
}
