#define G_LOG_DOMAIN "np-endpoint"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-endpoint-private.h"

/* Sending through an endpoint: the framing header added in one place, a send refused as a
 * whole, and the one SENT event of a send operation. */

/* Frames every message of @batch the way the endpoint's framing expects it. A message its
 * header cannot express is refused with an error (for @peer_id, 0 for several); the others go.
 * Returns: (transfer full) (nullable): the batch to write, %NULL when nothing is left */
static NpSendBatch *
wrap (NpEndpoint  *self,
      NpSendBatch *batch,
      guint64      peer_id)
{
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);
  NpFramer *framer = priv->config->framer;
  g_autoptr(GPtrArray) framed = NULL;

  /* Raw and line framing have no header: the batch goes as it is, not copied. */
  if (framer == NULL || np_framer_get_kind (framer) == NP_FRAMING_RAW
      || np_framer_get_kind (framer) == NP_FRAMING_LINE)
    return np_send_batch_ref (batch);

  framed = g_ptr_array_new_full (np_send_batch_get_n_messages (batch), (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < np_send_batch_get_n_messages (batch); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) message = np_send_batch_dup_message (batch, i);
      GBytes *wrapped = np_framer_wrap (framer, message, &error);

      if (wrapped != NULL)
        g_ptr_array_add (framed, wrapped);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Not sent: %s"), error->message);

          /* A file sent as one message is one message: its sender says why, once. */
          np_endpoint_refuse_send (self, np_send_batch_get_n_messages (batch) == 1 ? batch : NULL,
                                   peer_id, NULL, text);
        }
    }

  if (framed->len == 0)
    return NULL;

  {
    NpSendBatch *wrapped = np_send_batch_new ((GBytes * const *) framed->pdata, framed->len);

    np_send_batch_set_reply_rule (wrapped, np_send_batch_get_reply_rule (batch));
    np_send_batch_set_file (wrapped, np_send_batch_get_file (batch));
    np_send_batch_move_watch (wrapped, batch);
    return wrapped;
  }
}

/**
 * np_endpoint_send:
 * @batch: the messages as the user wrote them: the endpoint adds the framing header
 */
void
np_endpoint_send (NpEndpoint    *self,
                  const guint64 *peer_ids,
                  guint          n_peer_ids,
                  NpSendBatch   *batch)
{
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);
  g_autoptr(NpSendBatch) framed = NULL;

  g_return_if_fail (NP_IS_ENDPOINT (self));
  g_return_if_fail (batch != NULL);

  if (priv->stopped)
    {
      np_endpoint_refuse_send (self, batch, 0, NULL, _("Not sent: the endpoint is stopped"));
      return;
    }

  /* The one place a payload gets its framing header: the CLI, the window, saved messages and
   * echo all send through here, so every face frames the same way. */
  framed = wrap (self, batch, n_peer_ids == 1 ? peer_ids[0] : 0);
  if (framed != NULL)
    NP_ENDPOINT_GET_CLASS (self)->send (self, peer_ids, n_peer_ids, framed);
}

/* Text goes out as WebSocket text messages where the mode has them; elsewhere it is bytes. */
void
np_endpoint_send_batch_as (NpEndpoint    *self,
                           const guint64 *peer_ids,
                           guint          n_peer_ids,
                           NpSendBatch   *batch,
                           NpMessageType  type)
{
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);
  NpEndpointClass *klass = NP_ENDPOINT_GET_CLASS (self);

  g_return_if_fail (NP_IS_ENDPOINT (self));
  g_return_if_fail (batch != NULL);

  if (type != NP_MESSAGE_TEXT || klass->send_text == NULL || priv->stopped)
    {
      np_endpoint_send (self, peer_ids, n_peer_ids, batch);
      return;
    }

  klass->send_text (self, peer_ids, n_peer_ids, batch);
}

/**
 * np_endpoint_refuse_send:
 * @batch: (nullable): the send refused as a whole (no target took any of it)
 * @message: why, for a person
 *
 * Says why a send did not go: to whoever watches @batch (a file being sent, which then ends as
 * failed with this reason, said once), else as an ERROR event.
 */
void
np_endpoint_refuse_send (NpEndpoint  *self,
                         NpSendBatch *batch,
                         guint64      peer_id,
                         const char  *peer,
                         const char  *message)
{
  g_return_if_fail (NP_IS_ENDPOINT (self));

  if (batch != NULL && np_send_batch_is_watched (batch))
    np_send_batch_report (batch, 0, message);
  else
    np_endpoint_emit_error (self, peer_id, peer, message);
}

/**
 * np_endpoint_new_sent:
 * Returns: (transfer full): a SENT event for @batch with no peer yet: add each peer that took
 *   the batch with np_event_add_sent_peer(), then hand it to np_endpoint_emit_sent()
 */
NpEvent *
np_endpoint_new_sent (NpEndpoint  *self,
                      NpSendBatch *batch,
                      gboolean     to_all)
{
  NpEndpointPrivate *priv = _np_endpoint_get_private (self);
  NpEvent *event = np_event_new (NP_EVENT_SENT, priv->id, 0, NULL);

  event->length = np_send_batch_get_size (batch);
  event->n_messages = np_send_batch_get_n_messages (batch);
  event->to_all = to_all;
  event->reply_rule = np_send_batch_get_reply_rule (batch);
  event->file = g_strdup (np_send_batch_get_file (batch));
  if (!priv->config->count_only)
    event->payload = g_bytes_ref (np_send_batch_get_data (batch));

  return event;
}

/**
 * np_endpoint_emit_sent:
 * @event: (transfer full): from np_endpoint_new_sent()
 *
 * Emits @event, unless no peer took the batch: then each has said why in its own event.
 */
void
np_endpoint_emit_sent (NpEndpoint *self,
                       NpEvent    *event)
{
  if (event->n_peers == 0)
    {
      np_event_unref (event);
      return;
    }

  np_endpoint_emit (self, event);
}
