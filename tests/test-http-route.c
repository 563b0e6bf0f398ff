/* Canned responses as netpoke-cli --respond and the window write them, and the checks on
 * headers that go on the wire. */
#include <string.h>

#include "np-error.h"
#include "np-http-route.h"

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpHttpRoute) route = np_http_route_parse ("post /api/*=>201 {\"ok\": true} ", &error);
  g_autoptr(NpHttpRoute) empty = np_http_route_parse ("GET /ping=>204", &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (route->method, ==, "POST");
  g_assert_cmpstr (route->pattern, ==, "/api/*");
  g_assert_cmpuint (route->status, ==, 201);
  /* The body is taken as written, trailing blank included. */
  g_assert_cmpmem (g_bytes_get_data (route->body, NULL), g_bytes_get_size (route->body),
                   "{\"ok\": true} ", 13);
  g_assert_cmpuint (g_bytes_get_size (empty->body), ==, 0);

  text = np_http_route_to_string (route);
  g_assert_cmpstr (text, ==, "POST /api/*=>201 {\"ok\": true} ");
}

static void
test_parse_errors (void)
{
  const struct { const char *text; const char *needle; } cases[] = {
    { "GET /x 200 OK", "METHOD PATH=>STATUS BODY" },
    { "/x=>200 OK", "METHOD PATH=>STATUS BODY" },
    { "GET x=>200", "must start with /" },
    { "GET /x=>20 OK", "three-digit status" },
    { "GET /x=>2000", "three-digit status" },
    { "GET /x=>200OK", "three-digit status" },
    { "GET /x=>999", "100–599" },
    { "G(T /x=>200", "not an HTTP method" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NpHttpRoute) route = np_http_route_parse (cases[i].text, &error);

      g_assert_null (route);
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("“%s”: “%s” does not say “%s”", cases[i].text, error->message, cases[i].needle);
    }
}

static void
test_matches (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpHttpRoute) any = np_http_route_parse ("* /api/*=>200", &error);
  g_autoptr(NpHttpRoute) get = NULL;

  g_assert_no_error (error);
  get = np_http_route_parse ("GET /dev?/status=>200", &error);
  g_assert_no_error (error);

  g_assert_true (np_http_route_matches (any, "DELETE", "/api/led/1"));
  g_assert_false (np_http_route_matches (any, "GET", "/apix"));
  g_assert_true (np_http_route_matches (get, "GET", "/dev1/status"));
  g_assert_false (np_http_route_matches (get, "POST", "/dev1/status"));
  g_assert_false (np_http_route_matches (get, "GET", "/dev12/status"));
}

static void
test_headers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpHttpRoute) route = np_http_route_parse ("GET /=>200", &error);
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;

  g_assert_no_error (error);
  g_assert_true (np_http_header_split ("X-Token:  a b  ", &name, &value, &error));
  g_assert_cmpstr (name, ==, "X-Token");
  g_assert_cmpstr (value, ==, "a b");

  g_assert_false (np_http_header_split ("No colon", NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "Name: value"));
  g_clear_error (&error);
  g_assert_false (np_http_header_split ("Bad Name: x", NULL, NULL, &error));
  g_clear_error (&error);
  /* A line break would smuggle a second header onto the wire. */
  g_assert_false (np_http_header_split ("X-A: 1\r\nX-Evil: 2", NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "line break"));
  g_clear_error (&error);

  g_assert_true (np_http_route_add_header (route, "Cache-Control: no-store", &error));
  g_assert_no_error (error);
  g_assert_true (np_http_route_add_header (route, "X-A:1", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (route->headers), ==, 2);
  g_assert_cmpstr (route->headers[1], ==, "X-A: 1");
}

static void
test_content_type (void)
{
  const struct { const char *body; const char *type; } cases[] = {
    { "", "text/plain; charset=utf-8" },
    { " {\"a\": [1, 2]}", "application/json" },
    { "[1, 2", "text/plain; charset=utf-8" },
    { "<?xml version=\"1.0\"?><a/>", "application/xml" },
    { "<!DOCTYPE html><p>", "text/html; charset=utf-8" },
    { "OK", "text/plain; charset=utf-8" },
    { "\xff\xfe", "application/octet-stream" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new (cases[i].body, strlen (cases[i].body));

      g_assert_cmpstr (np_http_guess_content_type (body), ==, cases[i].type);
    }
}

/* The window's editor: one response a line, indented lines are its headers. */
static void
test_parse_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routes = np_http_route_parse_lines ("GET /status=>200 up\r\n"
                                                           "\n"
                                                           "POST /api/*=>201 {\"ok\":true}\n"
                                                           "  X-Device: sim\n"
                                                           "\tCache-Control: no-store\n", &error);
  g_autoptr(GPtrArray) orphan = NULL;
  g_autoptr(GPtrArray) bad = NULL;
  NpHttpRoute *post;

  g_assert_no_error (error);
  g_assert_cmpuint (routes->len, ==, 2);
  g_assert_cmpmem (g_bytes_get_data (((NpHttpRoute *) routes->pdata[0])->body, NULL),
                   g_bytes_get_size (((NpHttpRoute *) routes->pdata[0])->body), "up", 2);
  post = routes->pdata[1];
  g_assert_cmpuint (g_strv_length (post->headers), ==, 2);
  g_assert_cmpstr (post->headers[0], ==, "X-Device: sim");

  orphan = np_http_route_parse_lines ("  X-Device: sim\n", &error);
  g_assert_null (orphan);
  g_assert_nonnull (strstr (error->message, "line 1"));
  g_clear_error (&error);

  bad = np_http_route_parse_lines ("GET /a=>200\nGET b=>200\n", &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_assert_nonnull (strstr (error->message, "must start with /"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http-route/parse", test_parse);
  g_test_add_func ("/http-route/parse-errors", test_parse_errors);
  g_test_add_func ("/http-route/matches", test_matches);
  g_test_add_func ("/http-route/headers", test_headers);
  g_test_add_func ("/http-route/content-type", test_content_type);
  g_test_add_func ("/http-route/parse-lines", test_parse_lines);

  return g_test_run ();
}
