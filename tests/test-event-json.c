/* Event JSON: every field a script relies on, and strings that strict parsers accept. */
#include <string.h>

#include "np-event-json.h"

static void
test_received (void)
{
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

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
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
  json = np_event_to_json (event, NP_ENCODING_UTF8);

  g_assert_nonnull (strstr (json, "\"failed\":true"));
  g_assert_nonnull (strstr (json, "\"bytes_in\":10"));
  g_assert_nonnull (strstr (json, "\"messages_out\":2"));
  g_assert_nonnull (strstr (json, "Permission denied"));
  g_assert_null (strstr (json, "\"hex\""));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-json/received", test_received);
  g_test_add_func ("/event-json/stopped-counters", test_stopped_counters);

  return g_test_run ();
}
