/* Workspaces: round trip through a file, atomic saves, and clear errors for every malformed,
 * truncated or wrong-version file. */
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "np-error.h"
#include "np-session.h"
#include "np-test-utils.h"

static NpSession *
sample (void)
{
  NpSession *session = np_session_new ();
  NpSessionEndpoint *server = np_session_add_endpoint (session);
  NpSessionEndpoint *udp = np_session_add_endpoint (session);
  NpWindowState *window = np_session_get_window (session);

  server->mode = NP_MODE_TCP_SERVER;
  g_free (server->port);
  server->port = g_strdup ("9000");
  server->receive_encoding = NP_ENCODING_GB18030;
  g_free (server->framing);
  server->framing = g_strdup ("ascii16");

  udp->mode = NP_MODE_UDP;
  g_free (udp->destination);
  udp->destination = g_strdup ("[::1]:5000");
  udp->send_encoding = NP_ENCODING_LATIN1;

  np_session_add_message (session, "Ping", "PING\\r\\n", NP_FORMAT_ESCAPES);
  np_session_add_message (session, "Modbus read", "00 01 00 00 00 06 01 03 00 00 00 02", NP_FORMAT_HEX);
  np_session_add_message (session, "温度", "读取温度\n", NP_FORMAT_TEXT);
  {
    g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) np_reply_rule_free);
    NpReplyRule *alarm = np_reply_rule_new (NP_MATCH_REGEX, "^.{6}([^,]*).*", NP_REPLY_TEXT, "alarm=\\1,Switch:clear");
    NpReplyRule *modbus = np_reply_rule_new (NP_MATCH_HEX, "01 03 00 00", NP_REPLY_HEX, "01 83 02");

    g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_REGEX, "^report(.*)", NP_REPLY_TEXT, "SET OK:report\\1"));
    g_free (alarm->name);
    alarm->name = g_strdup ("告警");
    alarm->delay_ms = 250;
    g_ptr_array_add (rules, alarm);
    modbus->enabled = FALSE;
    g_ptr_array_add (rules, modbus);
    g_ptr_array_add (rules, np_reply_rule_new_echo ());
    np_session_set_rules (session, rules);
  }
  window->width = 1400;
  window->maximized = TRUE;
  window->display = NP_FORMAT_HEX;

  return session;
}

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("netpoke-session-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
test_round_trip (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "bench.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NpSession) saved = sample ();
  g_autoptr(NpSession) loaded = NULL;
  g_autoptr(GError) error = NULL;
  NpSessionEndpoint *endpoint;
  NpSavedMessage *message;
  g_autoptr(GDir) listing = NULL;
  guint entries = 0;

  g_assert_true (np_session_save (saved, file, &error));
  g_assert_no_error (error);
  loaded = np_session_load (file, &error);
  g_assert_no_error (error);
  g_assert_true (np_session_equal (saved, loaded));

  endpoint = g_ptr_array_index (np_session_get_endpoints (loaded), 0);
  g_assert_cmpstr (endpoint->port, ==, "9000");
  g_assert_cmpint (endpoint->receive_encoding, ==, NP_ENCODING_GB18030);
  g_assert_cmpstr (endpoint->framing, ==, "ascii16");
  message = g_ptr_array_index (np_session_get_messages (loaded), 2);
  g_assert_cmpstr (message->name, ==, "温度");
  g_assert_cmpstr (message->payload, ==, "读取温度\n");
  g_assert_cmpint (np_session_get_window (loaded)->display, ==, NP_FORMAT_HEX);
  g_assert_cmpuint (np_session_get_rules (loaded)->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_true (np_reply_rule_equal (g_ptr_array_index (np_session_get_rules (saved), i),
                                        g_ptr_array_index (np_session_get_rules (loaded), i)));
  g_assert_true (np_session_get_window (loaded)->maximized);

  /* Saving again replaces the file in place and leaves no temporary files behind. */
  np_session_add_message (saved, "More", "x", NP_FORMAT_TEXT);
  g_assert_true (np_session_save (saved, file, &error));
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    entries++;
  g_assert_cmpuint (entries, ==, 1);

  g_unlink (path);
  g_rmdir (dir);
}

/* The web modes' fields survive a save and a load; a file without them loads with defaults;
 * canned responses may be long (a JSON body), but not without a bound. */
static void
test_web_endpoint (void)
{
  g_autoptr(NpSession) session = np_session_new ();
  NpSessionEndpoint *web = np_session_add_endpoint (session);
  g_autofree char *data = NULL;
  g_autoptr(NpSession) loaded = NULL;
  g_autoptr(NpSession) old = NULL;
  g_autoptr(NpSession) huge = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) too_long = g_string_new ("{\"format\": \"netpoke-workspace\", \"version\": 1, "
                                              "\"endpoints\": [{\"mode\": \"http-server\", \"routes\": \"");
  NpSessionEndpoint *endpoint;

  web->mode = NP_MODE_HTTP_SERVER;
  g_free (web->root);
  web->root = g_strdup ("/srv/firmware");
  g_free (web->routes);
  web->routes = g_strdup ("POST /api/*=>201 {\"ok\":true}\n  X-Device: sim\n");
  g_free (web->ws_path);
  web->ws_path = g_strdup ("/live");
  g_free (web->url);
  web->url = g_strdup ("https://192.0.2.10/status");
  g_free (web->headers);
  web->headers = g_strdup ("Authorization: Bearer 12ab\n");
  web->insecure = TRUE;

  data = np_session_to_data (session);
  loaded = np_session_new_from_data (data, -1, "web.netpoke", &error);
  g_assert_no_error (error);
  g_assert_true (np_session_equal (session, loaded));
  endpoint = g_ptr_array_index (np_session_get_endpoints (loaded), 0);
  g_assert_cmpint (endpoint->mode, ==, NP_MODE_HTTP_SERVER);
  g_assert_cmpstr (endpoint->routes, ==, web->routes);
  g_assert_cmpstr (endpoint->headers, ==, "Authorization: Bearer 12ab\n");
  g_assert_true (endpoint->insecure);

  old = np_session_new_from_data ("{\"format\": \"netpoke-workspace\", \"version\": 1, "
                                  "\"endpoints\": [{\"mode\": \"ws\"}]}", -1, "old.netpoke", &error);
  g_assert_no_error (error);
  endpoint = g_ptr_array_index (np_session_get_endpoints (old), 0);
  g_assert_cmpint (endpoint->mode, ==, NP_MODE_WS_CLIENT);
  g_assert_cmpstr (endpoint->url, ==, "");
  g_assert_cmpstr (endpoint->method, ==, "GET");
  g_assert_false (endpoint->insecure);

  for (guint i = 0; i <= NP_SESSION_MAX_BLOCK; i++)
    g_string_append_c (too_long, 'x');
  g_string_append (too_long, "\"}]}");
  huge = np_session_new_from_data (too_long->str, too_long->len, "huge.netpoke", &error);
  g_assert_null (huge);
  g_assert_nonnull (strstr (error->message, "too long"));
}

/* Version 3: an endpoint's TCP, TLS and UDP options, as the window sets them, in a document
 * written by hand: each loads, and saving writes it back member for member. */
#define REACH_DOCUMENT \
  "{\"format\":\"netpoke-workspace\",\"version\":3,\"endpoints\":[" \
  "{\"mode\":\"tcp-client\",\"address\":\"device.local\",\"port\":\"8443\"," \
  "\"reconnect\":true,\"reconnect_max_ms\":5000,\"local_address\":\"127.0.0.1\",\"local_port\":40001," \
  "\"keepalive\":true,\"max_clients\":null,\"tls\":true,\"tls_certificate\":\"/home/me/client.pem\"," \
  "\"tls_key\":\"/home/me/client.key\",\"tls_insecure\":true,\"tls_request_client_certificate\":false}," \
  "{\"mode\":\"tcp-server\",\"port\":\"9443\",\"max_clients\":3,\"tls\":true,\"tls_certificate\":\"\"," \
  "\"tls_request_client_certificate\":true}," \
  "{\"mode\":\"udp\",\"port\":\"5000\",\"destination\":\"255.255.255.255:5000\",\"broadcast\":true," \
  "\"multicast_groups\":[\"239.1.2.3%eth7\",\"[ff02::1:3]\"],\"multicast_interface\":\"eth7\"," \
  "\"multicast_ttl\":4,\"multicast_loopback\":false}," \
  "{\"mode\":\"relay\",\"port\":\"7000\",\"destination\":\"10.0.0.5:502\"}]}"

static void
expect_member (JsonObject *object,
               const char *member,
               const char *expected)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  g_assert_true (json_object_has_member (object, member));
  json_generator_set_root (generator, json_object_get_member (object, member));
  text = json_generator_to_data (generator, NULL);
  if (!g_str_equal (text, expected))
    g_error ("“%s” was saved as %s, not %s", member, text, expected);
}

static void
test_reach_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpSession) session = np_session_new_from_data (REACH_DOCUMENT, -1, "reach.netpoke", &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *saved = NULL;
  JsonArray *endpoints;
  JsonObject *client, *server, *udp, *relay;

  g_assert_no_error (error);
  saved = np_session_to_data (session);
  g_assert_true (json_parser_load_from_data (parser, saved, -1, &error));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "version"), ==, 3);
  endpoints = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "endpoints");
  client = json_array_get_object_element (endpoints, 0);
  server = json_array_get_object_element (endpoints, 1);
  udp = json_array_get_object_element (endpoints, 2);
  relay = json_array_get_object_element (endpoints, 3);

  expect_member (client, "reconnect", "true");
  expect_member (client, "reconnect_max_ms", "5000");
  expect_member (client, "local_address", "\"127.0.0.1\"");
  expect_member (client, "local_port", "40001");
  expect_member (client, "keepalive", "true");
  expect_member (client, "tls", "true");
  expect_member (client, "tls_certificate", "\"/home/me/client.pem\"");
  expect_member (client, "tls_key", "\"/home/me/client.key\"");
  expect_member (client, "tls_insecure", "true");
  expect_member (server, "max_clients", "3");
  expect_member (server, "tls", "true");
  expect_member (server, "tls_certificate", "\"\"");   /* Netpoke's own, self-signed */
  expect_member (server, "tls_request_client_certificate", "true");
  expect_member (server, "reconnect_max_ms", "null");
  expect_member (udp, "broadcast", "true");
  expect_member (udp, "multicast_groups", "[\"239.1.2.3%eth7\",\"[ff02::1:3]\"]");
  expect_member (udp, "multicast_interface", "\"eth7\"");
  expect_member (udp, "multicast_ttl", "4");
  expect_member (udp, "multicast_loopback", "false");
  expect_member (server, "multicast_loopback", "true");
  expect_member (relay, "mode", "\"relay\"");
  expect_member (relay, "destination", "\"10.0.0.5:502\"");
}

/* The same through a file, field by field; older versions open with the defaults, and a
 * version 2 file's members of that name are not ours (ignored as every unknown member is). */
static void
test_reach_fields (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "reach.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NpSession) session = np_session_new ();
  g_autoptr(NpSession) loaded = NULL;
  g_autoptr(GError) error = NULL;
  NpSessionEndpoint *endpoint = np_session_add_endpoint (session);
  NpSessionEndpoint *back;
  const char * const groups[] = { "239.1.2.3%lo", "ff02::1:3", NULL };
  const char *older[] = {
    "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":[{\"mode\":\"udp\",\"broadcast\":true}]}",
    "{\"format\":\"netpoke-workspace\",\"version\":2,\"endpoints\":[{\"mode\":\"tcp-client\",\"tls\":true,"
    "\"reconnect\":\"yes\",\"multicast_groups\":7}],\"rules\":[]}",
  };

  endpoint->mode = NP_MODE_TCP_CLIENT;
  endpoint->reconnect = TRUE;
  endpoint->reconnect_max_ms = 2500;
  g_free (endpoint->local_address);
  endpoint->local_address = g_strdup ("::1");
  endpoint->local_port = 65535;
  endpoint->keepalive = TRUE;
  endpoint->max_clients = G_MAXUINT32;
  endpoint->tls = TRUE;
  g_free (endpoint->tls_certificate);
  endpoint->tls_certificate = g_strdup ("/etc/ssl/证书.pem");
  endpoint->tls_insecure = TRUE;
  endpoint->broadcast = TRUE;
  g_strfreev (endpoint->multicast_groups);
  endpoint->multicast_groups = g_strdupv ((char **) groups);
  endpoint->multicast_ttl = 0;
  endpoint->multicast_loopback = FALSE;

  g_assert_true (np_session_check_endpoint (endpoint, &error));
  g_assert_true (np_session_save (session, file, &error));
  g_assert_no_error (error);
  loaded = np_session_load (file, &error);
  g_assert_no_error (error);
  g_assert_true (np_session_equal (session, loaded));
  back = g_ptr_array_index (np_session_get_endpoints (loaded), 0);
  g_assert_true (back->reconnect && back->keepalive && back->tls && back->tls_insecure && back->broadcast);
  g_assert_false (back->tls_request_client_certificate || back->multicast_loopback);
  g_assert_cmpuint (back->reconnect_max_ms, ==, 2500);
  g_assert_cmpstr (back->local_address, ==, "::1");
  g_assert_cmpuint (back->local_port, ==, 65535);
  g_assert_cmpuint (back->max_clients, ==, G_MAXUINT32);
  g_assert_cmpstr (back->tls_certificate, ==, "/etc/ssl/证书.pem");
  g_assert_cmpstr (back->tls_key, ==, "");
  g_assert_cmpstrv (back->multicast_groups, groups);
  g_assert_cmpint (back->multicast_ttl, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (older); i++)
    {
      g_autoptr(NpSession) old = np_session_new_from_data (older[i], -1, "old.netpoke", &error);

      g_assert_no_error (error);
      back = g_ptr_array_index (np_session_get_endpoints (old), 0);
      g_assert_false (back->broadcast || back->tls || back->reconnect);
      g_assert_true (back->multicast_loopback);
      g_assert_cmpint (back->multicast_ttl, ==, -1);
      g_assert_cmpuint (back->reconnect_max_ms, ==, 0);
      g_assert_cmpuint (g_strv_length (back->multicast_groups), ==, 0);
    }

  /* Key material pasted into a file name field is never written out. */
  g_free (endpoint->tls_key);
  endpoint->tls_key = g_strdup ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n");
  g_assert_false (np_session_check_endpoint (endpoint, &error));
  g_assert_nonnull (strstr (error->message, "must be the name of a PEM file, not its contents"));
  g_clear_error (&error);
  {
    g_autofree char *data = np_session_to_data (session);

    g_assert_null (strstr (data, "PRIVATE KEY"));
    g_assert_null (strstr (data, "MIIEvQIBADANBg"));
  }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_grows_compatibly (void)
{
  /* Members a later version adds are ignored; missing ones take defaults. */
  const char *data = "{\"format\":\"netpoke-workspace\",\"version\":1,"
                     "\"rules\":[{\"match\":\"PING\",\"reply\":\"PONG\"}],"
                     "\"endpoints\":[{\"mode\":\"tcp-client\",\"address\":\"10.0.0.5\",\"port\":\"502\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(NpSession) session = np_session_new_from_data (data, -1, "future.netpoke", &error);
  NpSessionEndpoint *endpoint;

  g_assert_no_error (error);
  endpoint = g_ptr_array_index (np_session_get_endpoints (session), 0);
  g_assert_cmpint (endpoint->mode, ==, NP_MODE_TCP_CLIENT);
  g_assert_cmpint (endpoint->send_encoding, ==, NP_ENCODING_UTF8);
  g_assert_cmpstr (endpoint->framing, ==, "raw");
  g_assert_cmpuint (np_session_get_messages (session)->len, ==, 0);
  /* Version 1 had no rules: its "rules" member (whatever it held) is not read. */
  g_assert_cmpuint (np_session_get_rules (session)->len, ==, 0);
}

static void
test_malformed (void)
{
  g_autoptr(NpSession) good = sample ();
  g_autofree char *whole = np_session_to_data (good);
  g_autofree char *truncated = g_strndup (whole, strlen (whole) / 2);
  struct { const char *data; const char *needle; } cases[] = {
    { "", "the file is empty" },
    { " \n", "the file is empty" },
    { truncated, "damaged or cut short" },
    { "PK\x03\x04 not json", "damaged or cut short" },
    { "[1, 2, 3]", "expected a JSON object" },
    { "{\"version\": 1}", "no \"format\"" },
    { "{\"format\":\"netpoke-workspace\"}", "no version number" },
    { "{\"format\":\"netpoke-workspace\",\"version\":\"1\"}", "no version number" },
    { "{\"format\":\"netpoke-workspace\",\"version\":7}", "newer Netpoke (workspace version 7" },
    { "{\"format\":\"netpoke-workspace\",\"version\":0}", "version 0 is not valid" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":{}}", "“endpoints” must be a list" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":[{\"mode\":\"ftp\"}]}", "endpoint 1: unknown mode “ftp”" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":[{\"port\":8080}]}", "endpoint 1: “port” must be text" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":[{\"receive_encoding\":\"ebcdic\"}]}", "unknown encoding “ebcdic”" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"endpoints\":[{\"framing\":\"u64be\"}]}", "unknown framing “u64be”" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"messages\":[{\"name\":\"x\",\"format\":\"binary\"}]}", "saved message 1: unknown format “binary”" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"messages\":[3]}", "saved message 1 is not an object" },
    { "{\"format\":\"netpoke-workspace\",\"version\":1,\"window\":{\"display\":\"escapes\"}}", "unknown display" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NpSession) session = np_session_new_from_data (cases[i].data, -1, "/home/me/bench.netpoke", &error);

      g_assert_null (session);
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].needle);
      g_assert_true (g_str_has_prefix (error->message, "/home/me/bench.netpoke: "));
    }
}

#define HEAD "{\"format\":\"netpoke-workspace\",\"version\":1,"
#define HEAD2 "{\"format\":\"netpoke-workspace\",\"version\":2,"
#define HEAD3 "{\"format\":\"netpoke-workspace\",\"version\":3,\"endpoints\":[{"

/* Hostile workspaces (issue 8): each is refused with a message that names the problem, with no
 * crash and no json-glib CRITICAL (the tests run with G_DEBUG=fatal-warnings). */
typedef struct { const char *name; const char *data; const char *needle; } Hostile;

static char *
deeply_nested (guint levels)
{
  GString *out = g_string_new ("{\"format\":\"netpoke-workspace\",\"version\":1,\"x\":");

  for (guint i = 0; i < levels; i++)
    g_string_append_c (out, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (out, ']');
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static char *
many_messages (guint count)
{
  GString *out = g_string_new (HEAD "\"messages\":[");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (out, "%s{\"name\":\"m%u\",\"payload\":\"x\"}", i > 0 ? "," : "", i);
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static char *
long_payload (gsize length)
{
  g_autofree char *payload = g_strnfill (length, 'x');

  return g_strdup_printf (HEAD "\"messages\":[{\"name\":\"big\",\"payload\":\"%s\"}]}", payload);
}

static char *
many_rules (guint count)
{
  GString *out = g_string_new (HEAD2 "\"rules\":[");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (out, "%s{\"pattern\":\"^m%u\",\"response\":\"x\"}", i > 0 ? "," : "", i);
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static char *
long_pattern (gsize length)
{
  g_autofree char *pattern = g_strnfill (length, 'x');

  return g_strdup_printf (HEAD2 "\"rules\":[{\"pattern\":\"%s\"}]}", pattern);
}

static void
test_hostile (gconstpointer data)
{
  const Hostile *hostile = data;
  g_autofree char *built = NULL;
  const char *text = hostile->data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpSession) session = NULL;

  if (g_str_equal (hostile->name, "nested-100000"))
    text = built = deeply_nested (100000);
  else if (g_str_equal (hostile->name, "1001-messages"))
    text = built = many_messages (1001);
  else if (g_str_equal (hostile->name, "payload-over-1-MiB"))
    text = built = long_payload (NP_SESSION_MAX_PAYLOAD + 1);
  else if (g_str_equal (hostile->name, "257-rules"))
    text = built = many_rules (NP_SESSION_MAX_RULES + 1);
  else if (g_str_equal (hostile->name, "pattern-over-64-KiB"))
    text = built = long_pattern (NP_SESSION_MAX_RULE_TEXT + 1);
  else if (g_str_equal (hostile->name, "file-over-8-MiB"))
    text = built = long_payload (NP_SESSION_MAX_FILE_SIZE);

  session = np_session_new_from_data (text, -1, "/tmp/hostile.netpoke", &error);
  g_assert_null (session);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
  if (strstr (error->message, hostile->needle) == NULL)
    g_error ("“%s” does not say “%s”", error->message, hostile->needle);
  g_assert_true (g_str_has_prefix (error->message, "/tmp/hostile.netpoke: "));
}

static const Hostile hostile_cases[] = {
  { "nested-100000", NULL, "nested more than 16 levels deep" },
  { "nested-17", HEAD "\"x\":[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]}", "nested more than 16 levels deep" },
  { "lone-surrogate", HEAD "\"messages\":[{\"name\":\"\\ud800e\"}]}", "saved message 1: “name” is not valid text" },
  { "escaped-nul", HEAD "\"endpoints\":[{\"address\":\"10.0.0.1\\u0000evil\"}]}", "NUL character (\\u0000) (line 1)" },
  { "width-array", HEAD "\"window\":{\"width\":[1]}}", "window: “width” must be a whole number" },
  { "width-double", HEAD "\"window\":{\"width\":1e400}}", "window: “width” must be a whole number" },
  { "maximized-string", HEAD "\"window\":{\"maximized\":\"yes\"}}", "window: “maximized” must be true or false" },
  { "format-array", "{\"format\":[1],\"version\":1}", "no \"format\"" },
  { "version-huge-negative", "{\"format\":\"netpoke-workspace\",\"version\":-99999999999999999999}", "the number -99999999999999999999 is too large" },
  { "version-huge", "{\"format\":\"netpoke-workspace\",\"version\":99999999999999999999}", "is too large" },
  { "1001-messages", NULL, "more than 1000 messages" },
  { "payload-over-1-MiB", NULL, "saved message 1: “payload” is too long (1048577 bytes, at most 1048576)" },
  { "file-over-8-MiB", NULL, "too large for a Netpoke workspace" },
  { "257-rules", NULL, "more than 256 rules" },
  { "pattern-over-64-KiB", NULL, "rule 1: “pattern” is too long (65537 bytes, at most 65536)" },
  { "rule-not-object", HEAD2 "\"rules\":[1]}", "rule 1 is not an object" },
  { "rule-bad-regex", HEAD2 "\"rules\":[{\"pattern\":\"ok\"},{\"pattern\":\"^report(.*\"}]}",
    "rule 2: pattern: Error while compiling regular expression ‘^report(.*’ at char 10: missing terminating )" },
  { "rule-bad-group", HEAD2 "\"rules\":[{\"pattern\":\"(a)\",\"response\":\"\\\\2\"}]}",
    "rule 1: reply: the reply uses \\2, but the pattern has 1 group(s)" },
  { "rule-unknown-match", HEAD2 "\"rules\":[{\"match\":\"glob\"}]}", "rule 1: unknown match “glob”" },
  { "rule-unknown-reply", HEAD2 "\"rules\":[{\"reply\":\"file\"}]}", "rule 1: unknown reply “file”" },
  { "rule-delay-negative", HEAD2 "\"rules\":[{\"delay_ms\":-1}]}", "rule 1: “delay_ms” must be 0–600000" },
  { "rule-delay-huge", HEAD2 "\"rules\":[{\"delay_ms\":600001}]}", "rule 1: “delay_ms” must be 0–600000" },
  { "rule-delay-text", HEAD2 "\"rules\":[{\"delay_ms\":\"5\"}]}", "rule 1: “delay_ms” must be a whole number" },
  { "rule-enabled-text", HEAD2 "\"rules\":[{\"enabled\":\"no\"}]}", "rule 1: “enabled” must be true or false" },
  { "rule-empty-pattern", HEAD2 "\"rules\":[{\"match\":\"text\"}]}", "rule 1: pattern: the pattern is empty" },
  { "rules-not-list", HEAD2 "\"rules\":{}}", "“rules” must be a list" },
  { "rule-latin1-reply", HEAD2 "\"endpoints\":[{\"send_encoding\":\"latin1\"}],\"rules\":[{\"pattern\":\"x\",\"response\":\"温度\"}]}",
    "rule 1: reply: “温” cannot be written in Latin-1" },
  { "reach-reconnect-text", HEAD3 "\"reconnect\":\"yes\"}]}", "endpoint 1: “reconnect” must be true or false" },
  { "reach-tls-number", HEAD3 "\"tls\":1}]}", "endpoint 1: “tls” must be true or false" },
  { "reach-port-text", HEAD3 "\"local_port\":\"8080\"}]}", "endpoint 1: “local_port” must be a whole number" },
  { "reach-port-negative", HEAD3 "\"local_port\":-1}]}", "endpoint 1: “local_port” must be 1–65535" },
  { "reach-port-huge", HEAD3 "\"local_port\":65536}]}", "endpoint 1: “local_port” must be 1–65535" },
  { "reach-backoff-short", HEAD3 "\"reconnect_max_ms\":99}]}", "endpoint 1: “reconnect_max_ms” must be 100–3600000" },
  { "reach-backoff-double", HEAD3 "\"reconnect_max_ms\":1.5}]}", "endpoint 1: “reconnect_max_ms” must be a whole number" },
  { "reach-clients-negative", HEAD3 "\"max_clients\":-1}]}", "endpoint 1: “max_clients” must be 1–4294967295" },
  { "reach-ttl-256", HEAD3 "\"multicast_ttl\":256}]}", "endpoint 1: “multicast_ttl” must be 0–255" },
  { "reach-groups-text", HEAD3 "\"multicast_groups\":\"239.1.2.3\"}]}", "endpoint 1: “multicast_groups” must be a list of groups" },
  { "reach-group-number", HEAD3 "\"multicast_groups\":[239]}]}", "endpoint 1: “multicast_groups” must be text" },
  { "reach-group-unicast", HEAD3 "\"multicast_groups\":[\"10.0.0.1\"]}]}", "endpoint 1: “10.0.0.1” is not a multicast group" },
  { "reach-group-surrogate", HEAD3 "\"multicast_groups\":[\"\\ud800x\"]}]}", "endpoint 1: “multicast_groups” is not valid text" },
  { "reach-33-groups", HEAD3 "\"multicast_groups\":[\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\","
    "\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\","
    "\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\","
    "\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\","
    "\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\",\"239.0.0.1\"]}]}", "endpoint 1: more than 32 multicast groups" },
  { "reach-interface-slash", HEAD3 "\"multicast_interface\":\"../eth0\"}]}", "endpoint 1: “../eth0” is not a network interface name" },
  { "reach-interface-long", HEAD3 "\"multicast_interface\":\"abcdefghijklmnop\"}]}", "is not a network interface name (at most 15 characters" },
  { "reach-local-address", HEAD3 "\"local_address\":\"device.local\"}]}", "endpoint 1: “device.local” is not an IP address" },
  { "reach-key-contents", HEAD3 "\"tls_key\":\"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\"}]}",
    "endpoint 1: The private key must be the name of a PEM file, not its contents" },
  { "reach-certificate-object", HEAD3 "\"tls_certificate\":{}}]}", "endpoint 1: “tls_certificate” must be text" },
  { "address-over-1-KiB", HEAD "\"endpoints\":[{\"address\":\""
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "\"}]}", "endpoint 1: “address” is too long" },
};

/* What Netpoke saves it can load, and loading it again gives the same workspace: also text
 * json-glib would write raw (U+001F), every control character, and non-BMP characters. */
static void
test_save_load_stable (void)
{
  g_autoptr(NpSession) session = sample ();
  g_autoptr(NpSession) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *again = NULL;
  GString *controls = g_string_new (NULL);

  for (gunichar c = 1; c < 0x20; c++)
    g_string_append_unichar (controls, c);
  g_string_append (controls, "\x7f\xc2\x9b\xe2\x80\xae😀\"\\");
  np_session_add_message (session, controls->str, controls->str, NP_FORMAT_TEXT);
  g_string_free (controls, TRUE);

  data = np_session_to_data (session);
  loaded = np_session_new_from_data (data, -1, "stable", &error);
  g_assert_no_error (error);
  again = np_session_to_data (loaded);
  g_assert_cmpstr (again, ==, data);
}

/* The limits the loader holds a file to are the ones the window is held to when it adds. */
static void
test_message_limits (void)
{
  g_autofree char *big = g_strnfill (NP_SESSION_MAX_PAYLOAD + 1, 'x');
  g_autoptr(GError) error = NULL;

  g_assert_true (np_session_check_message ("Ping", "PING", 0, NULL));
  g_assert_false (np_session_check_message ("Ping", "PING", NP_SESSION_MAX_MESSAGES, &error));
  g_assert_nonnull (strstr (error->message, "at most 1000 saved messages"));
  g_clear_error (&error);
  g_assert_false (np_session_check_message ("Big", big, 0, &error));
  g_assert_nonnull (strstr (error->message, "at most 1024 KiB"));
}

/* --rules reads the rules of a workspace, or a bare list of them, under the same checks. */
static void
test_rules_files (void)
{
  g_autoptr(NpSession) session = sample ();
  g_autofree char *workspace = np_session_to_data (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) from_workspace = np_reply_rules_new_from_data (workspace, -1, "w.netpoke", &error);
  g_autoptr(GPtrArray) from_list = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  const char *list = "[{\"match\":\"text\",\"pattern\":\"PING\",\"response\":\"PONG\\\\r\\\\n\"},"
                     " {\"match\":\"any\",\"reply\":\"echo\",\"enabled\":false}]";
  NpReplyRule *first;

  g_assert_no_error (error);
  g_assert_cmpuint (from_workspace->len, ==, 4);

  from_list = np_reply_rules_new_from_data (list, -1, "rules.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_list->len, ==, 2);
  first = g_ptr_array_index (from_list, 0);
  g_assert_cmpint (first->match, ==, NP_MATCH_TEXT);
  g_assert_cmpstr (first->response, ==, "PONG\\r\\n");
  g_assert_false (((NpReplyRule *) g_ptr_array_index (from_list, 1))->enabled);

  refused = np_reply_rules_new_from_data ("[{\"pattern\":\"(\"}]", -1, "bad.json", &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "bad.json: rule 1: pattern: Error while compiling regular expression"));
}

static void
test_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/dir/bench.netpoke");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpSession) session = np_session_load (file, &error);

  g_assert_null (session);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/bench.netpoke"));

  {
    g_autoptr(NpSession) something = sample ();
    g_autoptr(GError) save_error = NULL;

    g_assert_false (np_session_save (something, file, &save_error));
    g_assert_nonnull (strstr (save_error->message, "Could not save /nonexistent/dir/bench.netpoke"));
  }
}

static void
test_save_failure_keeps_old_file (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "keep.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NpSession) session = sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (np_session_save (session, file, NULL));
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));

  /* The disk "fills up" while the new version is written (a file size limit binds root too):
   * the save fails and the old file is still whole. */
  {
    struct rlimit saved_limit, small;

    g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
    small = saved_limit;
    small.rlim_cur = 64;
    signal (SIGXFSZ, SIG_IGN);
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
    np_session_add_message (session, "new", "y", NP_FORMAT_TEXT);
    g_assert_false (np_session_save (session, file, &error));
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
  }
  g_assert_nonnull (strstr (error->message, "Could not save"));
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  /* No half-written temporary file is left beside it either. */
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    guint entries = 0;

    while (g_dir_read_name (listing) != NULL)
      entries++;
    g_assert_cmpuint (entries, ==, 1);
  }

  g_unlink (path);
  g_rmdir (dir);
}

/* The window saves off its thread: the result comes back on the main context later, the file
 * holds exactly the workspace, and a failure says which file and why. */
static void
test_save_async (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "async.netpoke", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) nowhere = g_file_new_for_path ("/nonexistent/dir/async.netpoke");
  g_autoptr(NpSession) session = sample ();
  g_autofree char *expected = np_session_to_data (session);
  g_autofree char *written = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *pending = NULL;

  np_session_save_async (session, file, NULL, np_test_async_ready, &pending);
  g_assert_null (pending);   /* never completes inside the call */
  {
    g_autoptr(GAsyncResult) result = np_test_wait_async (&pending, "the save to finish");

    g_assert_true (np_session_save_finish (session, result, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (path, &written, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, expected);

  np_session_save_async (session, nowhere, NULL, np_test_async_ready, &pending);
  {
    g_autoptr(GAsyncResult) result = np_test_wait_async (&pending, "the failing save to finish");

    g_assert_false (np_session_save_finish (session, result, &error));
    g_assert_error (error, NP_ERROR, NP_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "Could not save /nonexistent/dir/async.netpoke"));
    g_clear_error (&error);
  }

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/session/round-trip", test_round_trip);
  g_test_add_func ("/session/web-endpoint", test_web_endpoint);
  g_test_add_func ("/session/reach-round-trip", test_reach_round_trip);
  g_test_add_func ("/session/reach-fields", test_reach_fields);
  g_test_add_func ("/session/grows-compatibly", test_grows_compatibly);
  g_test_add_func ("/session/malformed", test_malformed);
  g_test_add_func ("/session/missing-file", test_missing_file);
  g_test_add_func ("/session/rules-files", test_rules_files);
  g_test_add_func ("/session/save-failure-keeps-old-file", test_save_failure_keeps_old_file);
  g_test_add_func ("/session/save-async", test_save_async);
  g_test_add_func ("/session/save-load-stable", test_save_load_stable);
  g_test_add_func ("/session/message-limits", test_message_limits);
  for (guint i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/session/hostile/%s", hostile_cases[i].name);

      g_test_add_data_func (path, &hostile_cases[i], test_hostile);
    }

  return g_test_run ();
}
