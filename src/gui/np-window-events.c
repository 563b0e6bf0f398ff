#define G_LOG_DOMAIN "np-window-events"

#include "config.h"

#include <glib/gi18n.h>

#include "np-log-row.h"
#include "np-window-private.h"

/* Each batch of engine events goes whole to the children that show it (log, footer, graphs,
 * peers, tools); what is left is the window's own: the subtitle, error toasts, and whether the
 * endpoint still runs. */

/* What only the window shows: the subtitle, toasts, and whether the endpoint still runs. */
static void
handle_event (NpWindow      *self,
              const NpEvent *event)
{
  gboolean current = self->endpoint_id != 0 && event->endpoint_id == self->endpoint_id;
  g_autofree char *subtitle = NULL;

  switch (event->kind)
    {
    case NP_EVENT_LISTENING:
      if (!current)
        break;
      g_free (self->local_address);
      self->local_address = g_strdup (event->peer);
      subtitle = g_strdup_printf (_("Listening on %s"), event->peer);
      adw_window_title_set_subtitle (self->window_title, subtitle);
      break;

    case NP_EVENT_CONNECTED:
      if (!current || !np_mode_is_client (self->running_mode))
        break;
      subtitle = g_strdup_printf (_("Connected to %s"), event->peer);
      adw_window_title_set_subtitle (self->window_title, subtitle);
      break;

    case NP_EVENT_FINISHED:
      /* The server closed its side: TCP cannot tell a half-close from a close until the next
       * write (which then fails), so the title stops saying "Connected" and says what is known. */
      if (!current || !np_mode_is_client (self->running_mode))
        break;
      subtitle = g_strdup_printf (_("%s finished sending; it may have closed"), event->peer);
      adw_window_title_set_subtitle (self->window_title, subtitle);
      break;

    case NP_EVENT_DISCONNECTED:
      /* A client that reconnects keeps running: the title must not go on saying "Connected". */
      if (current && np_mode_is_client (self->running_mode))
        adw_window_title_set_subtitle (self->window_title, _("Disconnected"));
      break;

    case NP_EVENT_NOTICE:
      if (current && event->retry_attempt > 0)
        {
          g_autofree char *seconds = g_strdup_printf ("%.1f", event->retry_in_ms / 1000.0);

          subtitle = g_strdup_printf (_("Reconnecting (attempt %u, next in %s s)…"), event->retry_attempt, seconds);
          adw_window_title_set_subtitle (self->window_title, subtitle);
        }
      break;

    case NP_EVENT_ERROR:
      _np_window_show_error (self, event->message);
      break;

    case NP_EVENT_STOPPED:
      if (!current)
        break;
      _np_window_set_running (self, FALSE);
      /* An HTTP request ends its endpoint: the subtitle tells how it went ("HTTP 200 OK"). */
      adw_window_title_set_subtitle (self->window_title,
                                     event->failed ? _("Failed")
                                     : self->running_mode == NP_MODE_HTTP_CLIENT ? event->message
                                     : _("Stopped"));
      if (event->failed)
        _np_window_show_error (self, event->message);
      break;

    case NP_EVENT_RECEIVED:
    case NP_EVENT_SENT:
    default:
      break;
    }
}

/* One batch: every child gets it whole, so each does one update (one splice, one
 * items-changed, one label) however many events it holds. */
void
_np_window_on_events (GPtrArray *batch,
                      gpointer   user_data)
{
  NpWindow *self = user_data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (batch->len, g_object_unref);
  NpTraffic traffic;
  guint endpoint_id = self->endpoint_id;

  for (guint i = 0; i < batch->len; i++)
    {
      NpLogRow *row = np_log_row_new_from_event (g_ptr_array_index (batch, i), self->running_mode);

      if (row != NULL)
        g_ptr_array_add (rows, row);
    }
  np_log_view_append (self->log_view, rows);
  np_status_bar_count (self->status_bar, batch);
  np_status_bar_get_traffic (self->status_bar, &traffic);
  np_traffic_pane_apply (self->traffic_pane, batch, &traffic);
  np_peer_table_apply (np_peer_list_get_peers (self->peer_list), batch, endpoint_id, self->running_mode);
  _np_window_tools_handle (self, batch);

  for (guint i = 0; i < batch->len; i++)
    handle_event (self, g_ptr_array_index (batch, i));
}

/* The subtitle speaks of the last run ("HTTP 200 OK", "Connected to …"): once another mode
 * is chosen, that run is simply over. */
void
_np_window_on_mode_changed (NpWindow *self)
{
  const char *subtitle = adw_window_title_get_subtitle (self->window_title);

  if (!self->running && subtitle != NULL && subtitle[0] != '\0')
    adw_window_title_set_subtitle (self->window_title, _("Stopped"));
}
