#define G_LOG_DOMAIN "netpoke-cli"

#include "np-cli-printer.h"
#include "np-event-json.h"

static void
append_time (GString *out,
             gint64   time_us)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autofree char *hms = g_date_time_format (seconds, "%H:%M:%S");

  g_string_append_printf (out, "%s.%03d ", hms, (int) (time_us % G_USEC_PER_SEC / 1000));
}

static void
append_peer (GString       *out,
             const NpEvent *event)
{
  if (event->peer_id != 0)
    g_string_append_printf (out, "#%" G_GUINT64_FORMAT " ", event->peer_id);
  if (event->peer != NULL)
    g_string_append_printf (out, "%s ", event->peer);
}

static void
append_counters (GString       *out,
                 const NpEvent *event)
{
  g_string_append_printf (out,
                          "in %" G_GUINT64_FORMAT " B / %" G_GUINT64_FORMAT " msg, "
                          "out %" G_GUINT64_FORMAT " B / %" G_GUINT64_FORMAT " msg",
                          event->bytes_in, event->messages_in,
                          event->bytes_out, event->messages_out);
}

/* Appends the line(s) for @event to @out; nothing when the printer hides this kind. Human
 * output never lets a control character reach the terminal: data is shown with escapes. */
void
np_cli_printer_print (const NpCliPrinter *printer,
                      const NpEvent      *event,
                      GString            *out)
{
  gboolean is_data = event->kind == NP_EVENT_RECEIVED || event->kind == NP_EVENT_SENT
                     || event->kind == NP_EVENT_COUNTERS;

  if (is_data && !printer->data)
    return;
  if (printer->quiet && event->kind != NP_EVENT_ERROR)
    return;
  /* Counter snapshots are for scripts (and the window); a terminal has the data lines. */
  if (event->kind == NP_EVENT_COUNTERS && !printer->json)
    return;

  if (printer->json)
    {
      g_autofree char *line = np_event_to_json (event, printer->encoding);

      g_string_append (out, line);
      g_string_append_c (out, '\n');
      return;
    }

  append_time (out, event->time_us);

  switch (event->kind)
    {
    case NP_EVENT_RECEIVED:
    case NP_EVENT_SENT:
      /* One line per send operation: "#1 ADDR -> 15 B" to one peer, "3 peers -> 2 msg, 30 B"
       * to several (each got all of it). */
      if (event->kind == NP_EVENT_SENT && event->n_peers != 1)
        g_string_append_printf (out, "%s%u peers ", event->to_all ? "all " : "", event->n_peers);
      else
        append_peer (out, event);
      g_string_append (out, event->kind == NP_EVENT_RECEIVED ? "<- " : "-> ");
      if (event->kind == NP_EVENT_SENT && event->n_messages > 1)
        g_string_append_printf (out, "%u msg, ", event->n_messages);
      g_string_append_printf (out, "%" G_GSIZE_FORMAT " B", event->length);
      if (event->payload != NULL)
        {
          g_autofree char *text = np_codec_decode_bytes (event->payload, printer->display,
                                                         printer->encoding);

          g_string_append_printf (out, ": %s", text);
        }
      break;

    case NP_EVENT_LISTENING:
      g_string_append_printf (out, "listening on %s", event->peer);
      break;

    case NP_EVENT_CONNECTED:
      append_peer (out, event);
      g_string_append (out, "connected");
      break;

    case NP_EVENT_DISCONNECTED:
      append_peer (out, event);
      g_string_append_printf (out, "disconnected: %s (", event->message);
      append_counters (out, event);
      g_string_append_c (out, ')');
      break;

    case NP_EVENT_ERROR:
      append_peer (out, event);
      g_string_append_printf (out, "error: %s", event->message);
      break;

    case NP_EVENT_STOPPED:
      g_string_append_printf (out, "stopped: %s (", event->message);
      append_counters (out, event);
      g_string_append_c (out, ')');
      break;

    default:
      g_assert_not_reached ();
    }

  g_string_append_c (out, '\n');
}
