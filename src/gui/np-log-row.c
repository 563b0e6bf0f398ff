#define G_LOG_DOMAIN "np-log-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-log-row.h"

struct _NpLogRow
{
  GObject         parent_instance;

  gint64          time_us;
  NpLogDirection  direction;
  char           *peer;      /* GRefString, interned: thousands of rows share one copy */
  guint64         peer_id;
  gsize           length;    /* full payload length */
  GBytes         *preview;   /* at most NP_LOG_ROW_PREVIEW bytes of it, or NULL */
  char           *message;   /* info and error rows */
};

G_DEFINE_FINAL_TYPE (NpLogRow, np_log_row, G_TYPE_OBJECT)

static void
np_log_row_finalize (GObject *object)
{
  NpLogRow *self = (NpLogRow *)object;

  g_clear_pointer (&self->peer, g_ref_string_release);
  g_clear_pointer (&self->preview, g_bytes_unref);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (np_log_row_parent_class)->finalize (object);
}

static void
np_log_row_class_init (NpLogRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_log_row_finalize;
}

static void
np_log_row_init (NpLogRow *self)
{
}

static NpLogDirection
direction_for (const NpEvent *event)
{
  switch (event->kind)
    {
    case NP_EVENT_RECEIVED: return NP_LOG_DIRECTION_IN;
    case NP_EVENT_SENT:     return NP_LOG_DIRECTION_OUT;
    case NP_EVENT_ERROR:    return NP_LOG_DIRECTION_ERROR;
    case NP_EVENT_STOPPED:
    case NP_EVENT_DISCONNECTED:
      return event->failed ? NP_LOG_DIRECTION_ERROR : NP_LOG_DIRECTION_INFO;
    case NP_EVENT_LISTENING:
    case NP_EVENT_CONNECTED:
    default:
      return NP_LOG_DIRECTION_INFO;
    }
}

/**
 * np_log_row_new_from_event:
 * Returns: (transfer full): a row; the payload is shared, cut to a preview when long
 */
NpLogRow *
np_log_row_new_from_event (const NpEvent *event)
{
  NpLogRow *self;

  g_return_val_if_fail (event != NULL, NULL);

  self = g_object_new (NP_TYPE_LOG_ROW, NULL);
  self->time_us = event->time_us;
  self->direction = direction_for (event);
  self->peer = event->peer != NULL ? g_ref_string_new_intern (event->peer) : NULL;
  self->peer_id = event->peer_id;
  self->length = event->length;
  if (event->payload != NULL)
    {
      gsize size = g_bytes_get_size (event->payload);

      /* A slice of a huge payload would keep all of it alive: copy the preview instead. */
      self->preview = size <= NP_LOG_ROW_PREVIEW
                      ? g_bytes_ref (event->payload)
                      : g_bytes_new (g_bytes_get_data (event->payload, NULL), NP_LOG_ROW_PREVIEW);
    }

  switch (event->kind)
    {
    case NP_EVENT_LISTENING:
      self->message = g_strdup_printf (_("Listening on %s"), event->peer);
      break;
    case NP_EVENT_CONNECTED:
      self->message = g_strdup (_("Connected"));
      break;
    case NP_EVENT_DISCONNECTED:
      self->message = g_strdup_printf (_("Disconnected: %s"), event->message);
      break;
    case NP_EVENT_STOPPED:
      self->message = g_strdup_printf (_("Stopped: %s"), event->message);
      break;
    case NP_EVENT_ERROR:
      self->message = g_strdup (event->message);
      break;
    case NP_EVENT_RECEIVED:
    case NP_EVENT_SENT:
    default:
      break;
    }

  return self;
}

NpLogRow *
np_log_row_new_info (NpLogDirection  direction,
                     const char     *peer,
                     const char     *message)
{
  NpLogRow *self = g_object_new (NP_TYPE_LOG_ROW, NULL);

  self->time_us = g_get_real_time ();
  self->direction = direction;
  self->peer = peer != NULL ? g_ref_string_new_intern (peer) : NULL;
  self->message = g_strdup (message);

  return self;
}

gint64
np_log_row_get_time (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), 0);
  return self->time_us;
}

NpLogDirection
np_log_row_get_direction (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NP_LOG_DIRECTION_INFO);
  return self->direction;
}

const char *
np_log_row_get_peer (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);
  return self->peer;
}

guint64
np_log_row_get_peer_id (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), 0);
  return self->peer_id;
}

gsize
np_log_row_get_length (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), 0);
  return self->length;
}

/**
 * np_log_row_get_preview:
 * Returns: (transfer none) (nullable): the stored bytes (all of a short payload)
 */
GBytes *
np_log_row_get_preview (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);
  return self->preview;
}

gboolean
np_log_row_is_truncated (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), FALSE);
  return self->preview != NULL && g_bytes_get_size (self->preview) < self->length;
}

const char *
np_log_row_get_message (NpLogRow *self)
{
  g_return_val_if_fail (NP_IS_LOG_ROW (self), NULL);
  return self->message;
}
