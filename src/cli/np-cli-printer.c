#define G_LOG_DOMAIN "netpoke-cli"

#include <string.h>

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

/* "50 clients disconnected": those a Stop or a Disconnect All closed (in_bulk). */
static void
append_clients_gone (GString       *out,
                     const NpEvent *event)
{
  g_string_append_printf (out, "%u %s disconnected", event->n_peers, event->n_peers == 1 ? "client" : "clients");
}

/* At most this much of a request body goes on a server's one-line summary; --json has all. */
#define BODY_PREVIEW 256

static char *
decode_as (const NpCliPrinter *printer,
           const guint8       *data,
           gsize               length,
           NpMessageType       type,
           NpEncoding          encoding)
{
  /* A WebSocket text message is UTF-8 by definition. */
  return np_codec_decode (data, length, printer->display, type == NP_MESSAGE_TEXT ? NP_ENCODING_UTF8 : encoding);
}

static char *
decode (const NpCliPrinter *printer,
        const guint8       *data,
        gsize               length,
        NpMessageType       type)
{
  return decode_as (printer, data, length, type, printer->encoding);
}

/* A body, line by line, so a page or a JSON document stays readable; each line escaped. */
static void
append_body_lines (const NpCliPrinter *printer,
                   GBytes             *body,
                   GString            *out)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (body, &length);
  gsize start = 0;

  if (printer->display == NP_FORMAT_HEX)
    {
      g_autofree char *hex = decode (printer, data, length, NP_MESSAGE_BYTES);

      g_string_append_printf (out, "%s\n", hex);
      return;
    }

  while (start < length)
    {
      const guint8 *newline = memchr (data + start, '\n', length - start);
      gsize end = newline != NULL ? (gsize) (newline - data) : length;
      g_autofree char *text = decode (printer, data + start, end - start, NP_MESSAGE_BYTES);

      g_string_append_printf (out, "%s\n", text);
      start = end + 1;
    }
}

static void
append_request (const NpCliPrinter *printer,
                const NpEvent      *event,
                GString            *out)
{
  const NpHttpExchange *http = event->http;

  if (!http->outgoing)
    append_peer (out, event);
  g_string_append_printf (out, "%s %s -> %u %s, %" G_GUINT64_FORMAT " B", http->method, http->target,
                          http->status, http->reason != NULL ? http->reason : "", http->response_length);
  if (http->outgoing && http->duration_us >= 0)
    g_string_append_printf (out, " in %.1f ms", http->duration_us / 1000.0);
  if (event->message != NULL)
    g_string_append_printf (out, " (%s)", event->message);

  if (!http->outgoing)
    {
      /* A device's request: what it sent matters; what we answered is in --json. */
      if (http->request_body != NULL && g_bytes_get_size (http->request_body) > 0)
        {
          gsize length;
          const guint8 *data = g_bytes_get_data (http->request_body, &length);
          g_autofree char *text = decode (printer, data, MIN (length, BODY_PREVIEW), NP_MESSAGE_BYTES);

          g_string_append_printf (out, "\n  body %" G_GUINT64_FORMAT " B: %s%s", http->request_length,
                                  text, length > BODY_PREVIEW ? "…" : "");
        }
      g_string_append_c (out, '\n');
      return;
    }

  /* Our request: the response, as curl -i would show it. */
  g_string_append_c (out, '\n');
  for (guint i = 0; http->response_headers != NULL && http->response_headers[i] != NULL
                    && http->response_headers[i + 1] != NULL; i += 2)
    g_string_append_printf (out, "  %s: %s\n", http->response_headers[i], http->response_headers[i + 1]);
  if (http->response_body != NULL && g_bytes_get_size (http->response_body) > 0)
    append_body_lines (printer, http->response_body, out);
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
  /* 1,000 lines that all say "disconnected: Stopped by user" would push the conversation off
   * the screen; the operation's line says how many went. A client's one peer keeps its line. */
  if (!printer->json && printer->fold_bulk && event->kind == NP_EVENT_DISCONNECTED && event->in_bulk)
    return;
  if (printer->quiet && event->kind != NP_EVENT_ERROR)
    return;
  /* Counter snapshots are for scripts (and the window); a terminal has the data lines. */
  if (event->kind == NP_EVENT_COUNTERS && !printer->json)
    return;

  if (printer->json)
    {
      g_autofree char *line =
        np_event_to_json (event, np_event_text_encoding (event, printer->encoding, printer->reply_encoding));

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
      /* A relay's rows say which way: from the client to the target, or back. */
      if (event->relay == NP_RELAY_TO_TARGET)
        g_string_append (out, "-> target ");
      else if (event->relay == NP_RELAY_TO_CLIENT)
        g_string_append (out, "<- target ");
      else
        g_string_append (out, event->kind == NP_EVENT_RECEIVED ? "<- " : "-> ");
      if (event->kind == NP_EVENT_SENT && event->n_messages > 1)
        g_string_append_printf (out, "%u msg, ", event->n_messages);
      g_string_append_printf (out, "%" G_GSIZE_FORMAT " B", event->length);
      if (event->message_type != NP_MESSAGE_BYTES)
        g_string_append_printf (out, " %s", np_message_type_to_string (event->message_type));
      if (event->reply_rule != 0)
        g_string_append_printf (out, " by rule %u", event->reply_rule);
      if (event->file != NULL)
        g_string_append_printf (out, " file %s", event->file);
      if (event->group != NULL)
        g_string_append_printf (out, " to %s", event->group);
      if (event->payload != NULL)
        {
          gsize length;
          const guint8 *data = g_bytes_get_data (event->payload, &length);
          g_autofree char *text =
            decode_as (printer, data, length, event->message_type,
                       np_event_text_encoding (event, printer->encoding, printer->reply_encoding));

          g_string_append_printf (out, ": %s", text);
        }
      break;

    case NP_EVENT_REQUEST:
      append_request (printer, event, out);
      return;

    case NP_EVENT_FILE:
      g_string_append_printf (out, "file %s: %" G_GSIZE_FORMAT " of %" G_GUINT64_FORMAT " B", event->file,
                              event->length, event->total);
      if (event->failed)
        g_string_append_printf (out, " (%s)", event->message);
      break;

    case NP_EVENT_PONG:
      append_peer (out, event);
      g_string_append (out, "pong");
      break;

    case NP_EVENT_LISTENING:
      g_string_append_printf (out, "listening on %s", event->peer);
      break;

    case NP_EVENT_CONNECTED:
      append_peer (out, event);
      g_string_append (out, "connected");
      if (event->http != NULL && !event->http->outgoing)
        g_string_append_printf (out, " (WebSocket %s)", event->http->target);
      if (event->tls != NULL)
        {
          g_autofree char *tls = np_tls_info_describe (event->tls);

          g_string_append_printf (out, " over %s", tls);
        }
      if (event->message != NULL)
        g_string_append_printf (out, " (%s)", event->message);
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

    case NP_EVENT_NOTICE:
      append_peer (out, event);
      g_string_append_printf (out, "notice: %s", event->message);
      break;

    case NP_EVENT_FINISHED:
      append_peer (out, event);
      g_string_append (out, "finished sending, still open for sending (");
      append_counters (out, event);
      g_string_append_c (out, ')');
      break;

    case NP_EVENT_STOPPED:
      g_string_append_printf (out, "stopped: %s", event->message);
      if (printer->fold_bulk && event->n_peers > 0)
        {
          g_string_append (out, ", ");
          append_clients_gone (out, event);
        }
      g_string_append (out, " (");
      append_counters (out, event);
      g_string_append_c (out, ')');
      break;

    case NP_EVENT_DISCONNECTED_ALL:
      /* Like a client's own line, "#1 ADDR disconnected: REASON", for all of them. */
      append_clients_gone (out, event);
      g_string_append_printf (out, ": %s", event->message);
      break;

    default:
      g_assert_not_reached ();
    }

  g_string_append_c (out, '\n');
}
