/* Event JSON: every field a script relies on, and strings that strict parsers accept. */
#include <string.h>

#include "np-event-json.h"

static void
test_received (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_RECEIVED, 3, 7, "127.0.0.1:4000");
  const guint8 data[] = { 'h', 'i', 0x1f, 0x01, 0xFF };
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  event->time_us = 1700000000123456;
  event->payload = g_bytes_new (data, sizeof data);
  event->length = sizeof data;
  json = np_event_to_json (event, NP_ENCODING_UTF8);

  /* No raw control character may appear anywhere (json-glib 1.6 wrote 0x1F raw). */
  for (const char *p = json; *p; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "time"), ==, "2023-11-14T22:13:20.123456Z");
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "received");
  g_assert_cmpint (json_object_get_int_member (object, "endpoint"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "peer_id"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (object, "peer"), ==, "127.0.0.1:4000");
  g_assert_cmpint (json_object_get_int_member (object, "length"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (object, "hex"), ==, "68691f01ff");
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, "hi\x1f\x01\\xFF");
}

static void
test_stopped_counters (void)
{
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_STOPPED, 1, 0, NULL);
  g_autofree char *json = NULL;

  event->failed = TRUE;
  event->message = g_strdup ("Cannot bind 0.0.0.0:80: Permission denied");
  event->bytes_in = 10;
  event->messages_out = 2;
  event->n_peers = 1000;
  json = np_event_to_json (event, NP_ENCODING_UTF8);

  g_assert_nonnull (strstr (json, "\"failed\":true"));
  g_assert_nonnull (strstr (json, "\"bytes_in\":10"));
  g_assert_nonnull (strstr (json, "\"messages_out\":2"));
  g_assert_nonnull (strstr (json, "\"disconnected\":1000"));
  g_assert_nonnull (strstr (json, "Permission denied"));
  g_assert_null (strstr (json, "\"hex\""));
}

/* Disconnect All's own event: its reason and how many clients it closed (each had its own
 * "disconnected" with its counters). */
static void
test_disconnected_all (void)
{
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_DISCONNECTED_ALL, 2, 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  JsonObject *object;
  g_autoptr(GError) error = NULL;

  event->message = g_strdup ("Disconnected by user (all clients)");
  event->n_peers = 1000;
  json = np_event_to_json (event, NP_ENCODING_UTF8);

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "disconnected_all");
  g_assert_cmpint (json_object_get_int_member (object, "endpoint"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, "Disconnected by user (all clients)");
  g_assert_cmpint (json_object_get_int_member (object, "disconnected"), ==, 1000);
  g_assert_false (json_object_has_member (object, "peer_id"));
  g_assert_false (json_object_has_member (object, "bytes_in"));
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *json)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* One SENT per send operation: how many messages, bytes and peers; ids while they are few. */
static void
test_sent_to_many (void)
{
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_SENT, 1, 0, NULL);
  g_autoptr(NpEvent) crowd = np_event_new (NP_EVENT_SENT, 1, 0, NULL);
  g_autoptr(NpEvent) lone = np_event_new (NP_EVENT_SENT, 1, 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  g_autofree char *crowd_json = NULL;
  g_autofree char *lone_json = NULL;
  JsonObject *object;
  JsonArray *ids;

  event->payload = g_bytes_new_static ("a\nb\n", 4);
  event->length = 4;
  event->n_messages = 2;
  event->to_all = TRUE;
  np_event_add_sent_peer (event, 3, "127.0.0.1:3000");
  np_event_add_sent_peer (event, 5, "127.0.0.1:5000");
  json = np_event_to_json (event, NP_ENCODING_UTF8);
  object = parse_object (parser, json);
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "sent");
  g_assert_cmpint (json_object_get_int_member (object, "messages"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "length"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (object, "peers"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "bytes"), ==, 8);
  g_assert_true (json_object_get_boolean_member (object, "all"));
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, "a\nb\n");
  g_assert_false (json_object_has_member (object, "peer_id"));
  g_assert_false (json_object_has_member (object, "peer"));
  ids = json_object_get_array_member (object, "peer_ids");
  g_assert_cmpuint (json_array_get_length (ids), ==, 2);
  g_assert_cmpint (json_array_get_int_element (ids, 0), ==, 3);
  g_assert_cmpint (json_array_get_int_element (ids, 1), ==, 5);

  /* Past the limit only the count: a list that is there is complete. */
  crowd->length = 1;
  crowd->n_messages = 1;
  for (guint64 id = 1; id <= NP_EVENT_MAX_PEER_IDS + 1; id++)
    np_event_add_sent_peer (crowd, id, "127.0.0.1:1");
  crowd_json = np_event_to_json (crowd, NP_ENCODING_UTF8);
  object = parse_object (parser, crowd_json);
  g_assert_cmpint (json_object_get_int_member (object, "peers"), ==, NP_EVENT_MAX_PEER_IDS + 1);
  g_assert_false (json_object_has_member (object, "peer_ids"));
  g_assert_false (json_object_get_boolean_member (object, "all"));

  /* To one peer it names the peer, as a send to one peer always did. */
  lone->length = 1;
  lone->n_messages = 1;
  np_event_add_sent_peer (lone, 9, "[::1]:9");
  lone_json = np_event_to_json (lone, NP_ENCODING_UTF8);
  object = parse_object (parser, lone_json);
  g_assert_cmpint (json_object_get_int_member (object, "peer_id"), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (object, "peer"), ==, "[::1]:9");
  g_assert_cmpint (json_object_get_int_member (object, "peers"), ==, 1);
}

static void
test_counters (void)
{
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_COUNTERS, 2, 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  NpPeerCounters counters[] = { { 4, 10, 20, 1, 2 }, { 6, 0, 7, 0, 1 } };
  g_autofree char *json = NULL;
  JsonObject *object;
  JsonArray *list;
  JsonObject *second;

  event->counters = g_array_new (FALSE, FALSE, sizeof (NpPeerCounters));
  g_array_append_vals (event->counters, counters, 2);
  json = np_event_to_json (event, NP_ENCODING_UTF8);
  object = parse_object (parser, json);
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "counters");
  list = json_object_get_array_member (object, "counters");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  second = json_array_get_object_element (list, 1);
  g_assert_cmpint (json_object_get_int_member (second, "peer_id"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (second, "bytes_in"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (second, "bytes_out"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (second, "messages_in"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (second, "messages_out"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 0), "bytes_in"), ==, 10);
}

static char *
pairs_to_json_text (JsonArray *array)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonArray *pair = json_array_get_array_element (array, i);

      g_string_append_printf (text, "%s=%s;", json_array_get_string_element (pair, 0),
                              json_array_get_string_element (pair, 1));
    }

  return g_string_free (text, FALSE);
}

/* An HTTP request the server answered: method, path, status and both sides, headers in order
 * with repeats kept, bodies as hex and text. */
static void
test_request (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_REQUEST, 2, 5, "127.0.0.1:5000");
  const char *request_headers[] = { "Host", "dev", "X-A", "1", "X-A", "2", NULL };
  const char *response_headers[] = { "Content-Type", "application/json", NULL };
  g_autofree char *json = NULL;
  g_autofree char *headers = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object, *request, *response;

  event->http = np_http_exchange_new ("POST", "/api/led?x=1");
  event->http->status = 201;
  event->http->reason = g_strdup ("Created");
  event->http->request_headers = g_strdupv ((char **) request_headers);
  event->http->response_headers = g_strdupv ((char **) response_headers);
  event->http->request_body = g_bytes_new ("on\x01", 3);
  event->http->request_length = 3;
  event->http->response_body = g_bytes_new_static ("{}", 2);
  event->http->response_length = 2;
  event->http->duration_us = 1500;
  event->length = 2;
  event->message = g_strdup ("canned response");
  json = np_event_to_json (event, NP_ENCODING_UTF8);

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "request");
  g_assert_cmpstr (json_object_get_string_member (object, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (object, "path"), ==, "/api/led?x=1");
  g_assert_false (json_object_has_member (object, "url"));
  g_assert_false (json_object_has_member (object, "timing"));
  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, 201);
  g_assert_cmpstr (json_object_get_string_member (object, "reason"), ==, "Created");
  g_assert_cmpint (json_object_get_int_member (object, "length"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (object, "duration_ms"), ==, 1.5);
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, "canned response");

  request = json_object_get_object_member (object, "request");
  headers = pairs_to_json_text (json_object_get_array_member (request, "headers"));
  g_assert_cmpstr (headers, ==, "Host=dev;X-A=1;X-A=2;");
  g_assert_cmpint (json_object_get_int_member (request, "length"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (request, "hex"), ==, "6f6e01");
  response = json_object_get_object_member (object, "response");
  g_assert_cmpstr (json_object_get_string_member (response, "text"), ==, "{}");
}

/* The client side: a URL, the timing that happened, and none that did not. */
static void
test_request_outgoing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_REQUEST, 1, 0, "192.0.2.1:80");
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object, *timing;

  event->http = np_http_exchange_new ("GET", "http://192.0.2.1/status");
  event->http->outgoing = TRUE;
  event->http->status = 200;
  event->http->connect_us = 2000;
  event->http->first_byte_us = 3000;
  event->http->duration_us = 4000;
  event->http->response_truncated = TRUE;
  json = np_event_to_json (event, NP_ENCODING_UTF8);

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "url"), ==, "http://192.0.2.1/status");
  g_assert_true (json_object_get_boolean_member (object, "truncated"));
  timing = json_object_get_object_member (object, "timing");
  g_assert_false (json_object_has_member (timing, "dns_ms"));
  g_assert_false (json_object_has_member (timing, "tls_ms"));
  g_assert_cmpfloat (json_object_get_double_member (timing, "connect_ms"), ==, 2.0);
  g_assert_cmpfloat (json_object_get_double_member (timing, "first_byte_ms"), ==, 3.0);
  g_assert_cmpfloat (json_object_get_double_member (timing, "total_ms"), ==, 4.0);
}

/* WebSocket: the message type, text decoded as UTF-8 whatever the encoding, the close code. */
static void
test_websocket (void)
{
  g_autoptr(NpEvent) received = np_event_new (NP_EVENT_RECEIVED, 1, 3, "[::1]:4000");
  g_autoptr(NpEvent) gone = np_event_new (NP_EVENT_DISCONNECTED, 1, 3, "[::1]:4000");
  g_autofree char *json = NULL;
  g_autofree char *gone_json = NULL;

  received->payload = g_bytes_new ("\xc3\xa9", 2);
  received->length = 2;
  received->message_type = NP_MESSAGE_TEXT;
  json = np_event_to_json (received, NP_ENCODING_LATIN1);
  g_assert_nonnull (strstr (json, "\"type\":\"text\""));
  g_assert_nonnull (strstr (json, "\"text\":\"\xc3\xa9\""));

  gone->close_code = 4001;
  gone->message = g_strdup ("Closed with 4001 (application code): bye");
  gone_json = np_event_to_json (gone, NP_ENCODING_UTF8);
  g_assert_nonnull (strstr (gone_json, "\"close_code\":4001"));
  g_assert_null (strstr (gone_json, "\"type\""));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-json/received", test_received);
  g_test_add_func ("/event-json/stopped-counters", test_stopped_counters);
  g_test_add_func ("/event-json/disconnected-all", test_disconnected_all);
  g_test_add_func ("/event-json/sent-to-many", test_sent_to_many);
  g_test_add_func ("/event-json/counters", test_counters);
  g_test_add_func ("/event-json/request", test_request);
  g_test_add_func ("/event-json/request-outgoing", test_request_outgoing);
  g_test_add_func ("/event-json/websocket", test_websocket);

  return g_test_run ();
}
