#define G_LOG_DOMAIN "np-http-route"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "np-error.h"
#include "np-http-route.h"

G_DEFINE_BOXED_TYPE (NpHttpRoute, np_http_route, np_http_route_copy, np_http_route_free)

/* RFC 9110 token characters: what a method or a header name may be made of. */
static gboolean
is_token (const char *text,
          gsize       length)
{
  if (length == 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && strchr ("!#$%&'*+-.^_`|~", text[i]) == NULL)
      return FALSE;

  return TRUE;
}

/**
 * np_http_route_new:
 * @body: (nullable): the response body; %NULL for none
 *
 * Returns: (transfer full) (nullable): the route, or %NULL with @error for a bad method,
 *   pattern or status
 */
NpHttpRoute *
np_http_route_new (const char  *method,
                   const char  *pattern,
                   guint        status,
                   GBytes      *body,
                   GError     **error)
{
  NpHttpRoute *route;

  g_return_val_if_fail (method != NULL && pattern != NULL, NULL);

  if (!g_str_equal (method, "*") && !is_token (method, strlen (method)))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an HTTP method (e.g. GET, POST, or * for any)"), method);
      return NULL;
    }
  if (pattern[0] != '/' && !g_str_equal (pattern, "*"))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("The path “%s” must start with / (e.g. /api/status or /api/*)"), pattern);
      return NULL;
    }
  if (status < 100 || status > 599)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("The status %u is not an HTTP status (100–599)"), status);
      return NULL;
    }

  route = g_new0 (NpHttpRoute, 1);
  /* Methods are case-sensitive on the wire, and every device sends them in capitals. */
  route->method = g_ascii_strup (method, -1);
  route->pattern = g_strdup (pattern);
  route->status = status;
  route->headers = g_new0 (char *, 1);
  route->body = body != NULL ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
  route->spec = g_pattern_spec_new (pattern);

  return route;
}

/**
 * np_http_route_parse:
 * @text: "METHOD PATH=>STATUS BODY", e.g. "POST /api/led=>200 {\"ok\":true}"; BODY is
 *   optional and taken as it is written (everything after the space behind STATUS)
 *
 * Returns: (transfer full) (nullable): the route, or %NULL with @error saying what is wrong
 */
NpHttpRoute *
np_http_route_parse (const char  *text,
                     GError     **error)
{
  const char *arrow;
  const char *p;
  g_autofree char *left = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;
  guint digits = 0;

  g_return_val_if_fail (text != NULL, NULL);

  arrow = strstr (text, "=>");
  if (arrow != NULL)
    {
      left = g_strstrip (g_strndup (text, arrow - text));
      words = g_strsplit_set (left, " \t", 2);
    }
  if (arrow == NULL || g_strv_length (words) != 2)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a canned response: write METHOD PATH=>STATUS BODY, e.g. “GET /status=>200 OK”"),
                   text);
      return NULL;
    }
  g_strstrip (words[1]);

  for (p = arrow + 2; g_ascii_isdigit (*p); p++, digits++)
    status = status * 10 + (*p - '0');
  if (digits != 3 || (*p != '\0' && *p != ' '))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("“%s”: after => comes a three-digit status, then a space and the body"), text);
      return NULL;
    }
  if (*p == ' ')
    p++;
  body = g_bytes_new (p, strlen (p));

  return np_http_route_new (words[0], words[1], status, body, error);
}

NpHttpRoute *
np_http_route_copy (const NpHttpRoute *route)
{
  NpHttpRoute *copy;

  g_return_val_if_fail (route != NULL, NULL);

  copy = g_new0 (NpHttpRoute, 1);
  copy->method = g_strdup (route->method);
  copy->pattern = g_strdup (route->pattern);
  copy->status = route->status;
  copy->headers = g_strdupv (route->headers);
  copy->body = g_bytes_ref (route->body);
  copy->spec = g_pattern_spec_copy (route->spec);

  return copy;
}

void
np_http_route_free (NpHttpRoute *route)
{
  if (route == NULL)
    return;

  g_free (route->method);
  g_free (route->pattern);
  g_strfreev (route->headers);
  g_bytes_unref (route->body);
  g_pattern_spec_free (route->spec);
  g_free (route);
}

/**
 * np_http_header_split:
 * @header: "Name: value"
 * @name: (out) (optional): the name
 * @value: (out) (optional): the value without surrounding blanks
 *
 * Returns: whether @header is a header that may go on the wire (a token name; no CR, LF or
 *   NUL in the value, which would let it smuggle in another header)
 */
gboolean
np_http_header_split (const char  *header,
                      char       **name,
                      char       **value,
                      GError     **error)
{
  const char *colon = strchr (header, ':');
  g_autofree char *trimmed_value = NULL;

  if (colon == NULL || !is_token (header, colon - header))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a header: write Name: value (e.g. “Content-Type: application/json”)"),
                   header);
      return FALSE;
    }
  if (strpbrk (colon + 1, "\r\n") != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("The value of the header “%.*s” contains a line break"), (int) (colon - header), header);
      return FALSE;
    }

  trimmed_value = g_strstrip (g_strdup (colon + 1));
  if (name != NULL)
    *name = g_strndup (header, colon - header);
  if (value != NULL)
    *value = g_steal_pointer (&trimmed_value);

  return TRUE;
}

gboolean
np_http_route_add_header (NpHttpRoute  *route,
                          const char   *header,
                          GError      **error)
{
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  guint length;

  g_return_val_if_fail (route != NULL && header != NULL, FALSE);

  if (!np_http_header_split (header, &name, &value, error))
    return FALSE;

  length = g_strv_length (route->headers);
  route->headers = g_renew (char *, route->headers, length + 2);
  route->headers[length] = g_strdup_printf ("%s: %s", name, value);
  route->headers[length + 1] = NULL;

  return TRUE;
}

gboolean
np_http_route_matches (const NpHttpRoute *route,
                       const char        *method,
                       const char        *path)
{
  g_return_val_if_fail (route != NULL, FALSE);

  if (!g_str_equal (route->method, "*") && g_strcmp0 (route->method, method) != 0)
    return FALSE;

  return g_pattern_spec_match_string (route->spec, path);
}

/* The route as np_http_route_parse() reads it back (headers are not part of the text). */
char *
np_http_route_to_string (const NpHttpRoute *route)
{
  gsize length;
  const char *body = g_bytes_get_data (route->body, &length);

  if (length == 0)
    return g_strdup_printf ("%s %s=>%u", route->method, route->pattern, route->status);

  return g_strdup_printf ("%s %s=>%u %.*s", route->method, route->pattern, route->status,
                          (int) length, body);
}

/**
 * np_http_route_parse_lines:
 * @text: one canned response a line, "METHOD PATH=>STATUS BODY"; a line that starts with a
 *   blank adds a header ("Name: value") to the response above it; empty lines are skipped
 *
 * The window's editor for canned responses, written the way netpoke-cli takes them.
 *
 * Returns: (transfer full) (element-type NpHttpRoute) (nullable): the routes in order, or
 *   %NULL with @error naming the line that is wrong
 */
GPtrArray *
np_http_route_parse_lines (const char  *text,
                           GError     **error)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func ((GDestroyNotify) np_http_route_free);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) line_error = NULL;
      g_autofree char *line = g_strdup (lines[i]);
      gboolean continues = line[0] == ' ' || line[0] == '\t';

      g_strchomp (line);   /* a CR from pasted text, trailing blanks */
      if (line[strspn (line, " \t")] == '\0')
        continue;

      if (continues && routes->len == 0)
        g_set_error (&line_error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                     _("a header line needs a canned response above it"));
      else if (continues)
        np_http_route_add_header (g_ptr_array_index (routes, routes->len - 1), g_strchug (line), &line_error);
      else
        {
          NpHttpRoute *route = np_http_route_parse (line, &line_error);

          if (route != NULL)
            g_ptr_array_add (routes, route);
        }

      if (line_error != NULL)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       _("Canned responses, line %u: %s"), i + 1, line_error->message);
          return NULL;
        }
    }

  return g_steal_pointer (&routes);
}

/**
 * np_http_guess_content_type:
 *
 * Returns: the Content-Type to send with @body when the user named none: JSON, HTML and XML
 *   are recognised, other UTF-8 is plain text, anything else is octets
 */
const char *
np_http_guess_content_type (GBytes *body)
{
  gsize length = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;
  gsize start = 0;

  if (length == 0 || !g_utf8_validate_len (data, length, NULL))
    return length == 0 ? "text/plain; charset=utf-8" : "application/octet-stream";

  while (start < length && g_ascii_isspace (data[start]))
    start++;

  if (start < length && (data[start] == '{' || data[start] == '['))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, data, length, NULL))
        return "application/json";
    }
  if (length - start >= 5 && g_ascii_strncasecmp (data + start, "<?xml", 5) == 0)
    return "application/xml";
  if ((length - start >= 9 && g_ascii_strncasecmp (data + start, "<!doctype", 9) == 0)
      || (length - start >= 5 && g_ascii_strncasecmp (data + start, "<html", 5) == 0))
    return "text/html; charset=utf-8";

  return "text/plain; charset=utf-8";
}
