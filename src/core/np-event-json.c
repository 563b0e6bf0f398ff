#define G_LOG_DOMAIN "np-event-json"

#include <string.h>

#include "np-enum.h"
#include "np-enum-types.h"
#include "np-event-json.h"
#include "np-json.h"

/* "2026-11-25T12:00:01.123456Z": UTC with microseconds, sortable as text. */
char *
np_time_to_iso8601 (gint64 time_us)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = g_date_time_add (seconds, time_us % G_USEC_PER_SEC);

  return g_date_time_format (exact, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* The encoding an event's payload is text in: a reply rule's answer is written in the reply
 * encoding, which may differ (a device that reads GBK and answers UTF-8). */
NpEncoding
np_event_text_encoding (const NpEvent *event,
                        NpEncoding     encoding,
                        NpEncoding     reply_encoding)
{
  return event->kind == NP_EVENT_SENT && event->reply_rule != 0 ? reply_encoding : encoding;
}

static char *
compact_hex (const guint8 *data,
             gsize         length)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (length * 2 + 1);

  for (gsize i = 0; i < length; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[length * 2] = '\0';

  return out;
}

static void
add_traffic (JsonBuilder          *builder,
             const NpPeerCounters *counters)
{
  json_builder_set_member_name (builder, "bytes_in");
  json_builder_add_int_value (builder, counters->bytes_in);
  json_builder_set_member_name (builder, "bytes_out");
  json_builder_add_int_value (builder, counters->bytes_out);
  json_builder_set_member_name (builder, "messages_in");
  json_builder_add_int_value (builder, counters->messages_in);
  json_builder_set_member_name (builder, "messages_out");
  json_builder_add_int_value (builder, counters->messages_out);
}

static void
add_counters (JsonBuilder   *builder,
              const NpEvent *event)
{
  NpPeerCounters counters = { 0, event->bytes_in, event->bytes_out, event->messages_in, event->messages_out };

  add_traffic (builder, &counters);
  if (event->kind == NP_EVENT_STOPPED)
    {
      json_builder_set_member_name (builder, "dropped");
      json_builder_add_int_value (builder, event->dropped);
      json_builder_set_member_name (builder, "disconnected");
      json_builder_add_int_value (builder, event->n_peers);
    }
}

/* SENT: how many messages to how many peers; the ids when they are few enough to list. */
static void
add_sent (JsonBuilder   *builder,
          const NpEvent *event)
{
  json_builder_set_member_name (builder, "messages");
  json_builder_add_int_value (builder, event->n_messages);
  json_builder_set_member_name (builder, "peers");
  json_builder_add_int_value (builder, event->n_peers);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) (event->length * event->n_peers));
  json_builder_set_member_name (builder, "all");
  json_builder_add_boolean_value (builder, event->to_all);
  if (event->reply_rule != 0)
    {
      json_builder_set_member_name (builder, "rule");
      json_builder_add_int_value (builder, event->reply_rule);
    }

  if (event->peer_ids != NULL && event->n_peers == event->peer_ids->len)
    {
      json_builder_set_member_name (builder, "peer_ids");
      json_builder_begin_array (builder);
      for (guint i = 0; i < event->peer_ids->len; i++)
        json_builder_add_int_value (builder, g_array_index (event->peer_ids, guint64, i));
      json_builder_end_array (builder);
    }
}

static void
add_peer_counters (JsonBuilder   *builder,
                   const NpEvent *event)
{
  json_builder_set_member_name (builder, "counters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < event->counters->len; i++)
    {
      const NpPeerCounters *counters = &g_array_index (event->counters, NpPeerCounters, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "peer_id");
      json_builder_add_int_value (builder, counters->peer_id);
      add_traffic (builder, counters);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_body (JsonBuilder  *builder,
          GBytes       *body,
          NpEncoding    encoding)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (body, &length);
  g_autofree char *hex = compact_hex (data, length);
  g_autofree char *text = np_codec_decode (data, length, NP_FORMAT_TEXT, encoding);

  json_builder_set_member_name (builder, "hex");
  json_builder_add_string_value (builder, hex);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
}

/* One side of an exchange: {"headers": [[name, value], …], "length", "hex", "text"}. */
static void
add_message (JsonBuilder  *builder,
             const char   *name,
             char        **headers,
             guint64       length,
             GBytes       *body,
             NpEncoding    encoding)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_array (builder);
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    {
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, headers[i]);
      json_builder_add_string_value (builder, headers[i + 1]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "length");
  json_builder_add_int_value (builder, length);
  if (body != NULL && g_bytes_get_size (body) > 0)
    add_body (builder, body, encoding);
  json_builder_end_object (builder);
}

static void
add_milliseconds (JsonBuilder *builder,
                  const char  *name,
                  gint64       microseconds)
{
  if (microseconds < 0)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, microseconds / 1000.0);
}

static void
add_exchange (JsonBuilder          *builder,
              const NpHttpExchange *http,
              NpEncoding            encoding)
{
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, http->method);
  json_builder_set_member_name (builder, http->outgoing ? "url" : "path");
  json_builder_add_string_value (builder, http->target);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, http->status);
  if (http->reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, http->reason);
    }
  add_milliseconds (builder, "duration_ms", http->duration_us);

  add_message (builder, "request", http->request_headers, http->request_length,
               http->request_body, encoding);
  if (http->status != 0)
    {
      add_message (builder, "response", http->response_headers, http->response_length,
                   http->response_body, encoding);
      if (http->response_truncated)
        {
          json_builder_set_member_name (builder, "truncated");
          json_builder_add_boolean_value (builder, TRUE);
        }
    }

  if (http->outgoing)
    {
      json_builder_set_member_name (builder, "timing");
      json_builder_begin_object (builder);
      add_milliseconds (builder, "dns_ms", http->dns_us);
      add_milliseconds (builder, "connect_ms", http->connect_us);
      add_milliseconds (builder, "tls_ms", http->tls_us);
      add_milliseconds (builder, "first_byte_ms", http->first_byte_us);
      add_milliseconds (builder, "total_ms", http->duration_us);
      json_builder_end_object (builder);
    }
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* "tls": {"protocol", "cipher", "certificate": {"subject", "issuer", "not_before", "not_after",
 * "sha256", "trust"}}; no "certificate" when the peer sent none. */
static void
add_tls (JsonBuilder     *builder,
         const NpTlsInfo *tls)
{
  json_builder_set_member_name (builder, "tls");
  json_builder_begin_object (builder);
  add_string (builder, "protocol", tls->protocol);
  add_string (builder, "cipher", tls->cipher);
  if (tls->subject != NULL)
    {
      json_builder_set_member_name (builder, "certificate");
      json_builder_begin_object (builder);
      add_string (builder, "subject", tls->subject);
      add_string (builder, "issuer", tls->issuer);
      add_string (builder, "not_before", tls->not_before);
      add_string (builder, "not_after", tls->not_after);
      add_string (builder, "sha256", tls->sha256);
      add_string (builder, "trust", tls->trust);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

/**
 * np_event_to_json_node:
 * Returns: (transfer full): {"time", "event", "endpoint", "peer_id", "peer", "length", "type",
 *   "hex", "text", "group" (a UDP datagram sent to a group or broadcast), "direction" (a relay's
 *   "to-target" or "to-client"), HTTP exchange members, "tls",
 *   "close_code", "message", "failed", counters…; SENT: "messages", "peers", "bytes", "all",
 *   "peer_ids", "rule" (an automatic answer), "file"; FILE: "file", "bytes", "total", "failed";
 *   COUNTERS: "counters": […]}, each present
 *   where it means something
 */
JsonNode *
np_event_to_json_node (const NpEvent *event,
                       NpEncoding     encoding)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *time = np_time_to_iso8601 (event->time_us);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, np_event_kind_to_string (event->kind));
  json_builder_set_member_name (builder, "endpoint");
  json_builder_add_int_value (builder, event->endpoint_id);

  if (event->peer_id != 0)
    {
      json_builder_set_member_name (builder, "peer_id");
      json_builder_add_int_value (builder, event->peer_id);
    }
  if (event->peer != NULL)
    {
      json_builder_set_member_name (builder, "peer");
      json_builder_add_string_value (builder, event->peer);
    }

  if (event->kind == NP_EVENT_RECEIVED || event->kind == NP_EVENT_SENT
      || event->kind == NP_EVENT_REQUEST)
    {
      json_builder_set_member_name (builder, "length");
      json_builder_add_int_value (builder, event->length);
    }
  if (event->kind == NP_EVENT_SENT)
    add_sent (builder, event);
  if (event->file != NULL)
    {
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, event->file);
    }
  if (event->kind == NP_EVENT_FILE)
    {
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, event->length);
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, event->total);
      json_builder_set_member_name (builder, "failed");
      json_builder_add_boolean_value (builder, event->failed);
    }
  if (event->kind == NP_EVENT_COUNTERS && event->counters != NULL)
    add_peer_counters (builder, event);

  if (event->relay != NP_RELAY_NONE)
    {
      json_builder_set_member_name (builder, "direction");
      json_builder_add_string_value (builder, np_enum_to_nick (NP_TYPE_RELAY_DIRECTION, event->relay));
    }

  if (event->group != NULL)
    {
      json_builder_set_member_name (builder, "group");
      json_builder_add_string_value (builder, event->group);
    }

  if (event->message_type != NP_MESSAGE_BYTES)
    {
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, np_message_type_to_string (event->message_type));
    }

  /* A WebSocket text message is UTF-8 whatever the endpoint's encoding says. */
  if (event->payload != NULL)
    add_body (builder, event->payload,
              event->message_type == NP_MESSAGE_TEXT ? NP_ENCODING_UTF8 : encoding);

  if (event->http != NULL)
    add_exchange (builder, event->http, encoding);

  if (event->tls != NULL)
    add_tls (builder, event->tls);

  if (event->close_code != 0)
    {
      json_builder_set_member_name (builder, "close_code");
      json_builder_add_int_value (builder, event->close_code);
    }

  if (event->message != NULL)
    {
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, event->message);
    }

  if (event->kind == NP_EVENT_DISCONNECTED || event->kind == NP_EVENT_STOPPED)
    {
      json_builder_set_member_name (builder, "failed");
      json_builder_add_boolean_value (builder, event->failed);
    }
  if (event->kind == NP_EVENT_DISCONNECTED || event->kind == NP_EVENT_STOPPED
      || event->kind == NP_EVENT_FINISHED)
    add_counters (builder, event);
  /* Disconnect All: how many clients it closed (each had its own "disconnected"). */
  if (event->kind == NP_EVENT_DISCONNECTED_ALL)
    {
      json_builder_set_member_name (builder, "disconnected");
      json_builder_add_int_value (builder, event->n_peers);
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * np_event_to_json:
 * Returns: (transfer full): the event as one line of JSON, without a newline
 */
char *
np_event_to_json (const NpEvent *event,
                  NpEncoding     encoding)
{
  g_autoptr(JsonNode) node = np_event_to_json_node (event, encoding);

  return np_json_escape_output (json_to_string (node, FALSE));
}
