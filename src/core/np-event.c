#include "np-enum.h"
#include "np-enum-types.h"
#include "np-event.h"

G_DEFINE_BOXED_TYPE (NpEvent, np_event, np_event_ref, np_event_unref)

/**
 * np_event_new:
 * Returns: (transfer full): a new event stamped with the current real time
 */
NpEvent *
np_event_new (NpEventKind  kind,
              guint        endpoint_id,
              guint64      peer_id,
              const char  *peer)
{
  NpEvent *event = g_atomic_rc_box_new0 (NpEvent);

  event->time_us = g_get_real_time ();
  event->kind = kind;
  event->endpoint_id = endpoint_id;
  event->peer_id = peer_id;
  event->peer = g_strdup (peer);

  return event;
}

NpEvent *
np_event_ref (NpEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return g_atomic_rc_box_acquire (event);
}

static void
np_event_clear (NpEvent *event)
{
  g_clear_pointer (&event->peer, g_free);
  g_clear_pointer (&event->payload, g_bytes_unref);
  g_clear_pointer (&event->message, g_free);
  g_clear_pointer (&event->file, g_free);
  g_clear_pointer (&event->group, g_free);
  g_clear_pointer (&event->peer_ids, g_array_unref);
  g_clear_pointer (&event->counters, g_array_unref);
  g_clear_pointer (&event->http, np_http_exchange_free);
  g_clear_pointer (&event->tls, np_tls_info_free);
}

void
np_event_unref (NpEvent *event)
{
  g_return_if_fail (event != NULL);

  g_atomic_rc_box_release_full (event, (GDestroyNotify) np_event_clear);
}

const char *
np_event_kind_to_string (NpEventKind kind)
{
  /* The nick ("received", "stopped", …) is the name in --json output. */
  const char *nick = np_enum_to_nick (NP_TYPE_EVENT_KIND, kind);

  return nick != NULL ? nick : "unknown";
}

/* SENT: one more peer took the operation's messages. A lone peer is also named in peer_id and
 * peer, as a send to one peer always was. */
void
np_event_add_sent_peer (NpEvent    *event,
                        guint64     peer_id,
                        const char *peer)
{
  g_return_if_fail (event != NULL && event->kind == NP_EVENT_SENT);

  if (event->peer_ids == NULL)
    event->peer_ids = g_array_new (FALSE, FALSE, sizeof (guint64));
  if (event->peer_ids->len < NP_EVENT_MAX_PEER_IDS)
    g_array_append_val (event->peer_ids, peer_id);

  event->n_peers++;
  if (event->n_peers == 1)
    {
      event->peer_id = peer_id;
      event->peer = g_strdup (peer);
    }
  else
    {
      event->peer_id = 0;
      g_clear_pointer (&event->peer, g_free);
    }
}

const char *
np_message_type_to_string (NpMessageType type)
{
  switch (type)
    {
    case NP_MESSAGE_BYTES:  return "bytes";
    case NP_MESSAGE_TEXT:   return "text";
    case NP_MESSAGE_BINARY: return "binary";
    default:                g_return_val_if_reached ("unknown");
    }
}
