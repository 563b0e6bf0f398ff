/* np-http-route.h: a canned HTTP response, "METHOD PATH=>STATUS BODY"
 *
 * What a device's REST client gets from the HTTP server without a folder behind it: a method
 * (or "*"), a path pattern ("*" and "?" match any text), a status, headers and a body.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define NP_TYPE_HTTP_ROUTE (np_http_route_get_type ())

typedef struct
{
  char          *method;     /* "GET", "POST", … or "*" for any */
  char          *pattern;    /* a path, where * and ? are wildcards */
  guint          status;     /* 100–599 */
  char         **headers;    /* "Name: value" each; may be empty */
  GBytes        *body;
  GPatternSpec  *spec;       /* compiled @pattern */
} NpHttpRoute;

GType        np_http_route_get_type     (void) G_GNUC_CONST;
NpHttpRoute *np_http_route_new          (const char         *method,
                                         const char         *pattern,
                                         guint               status,
                                         GBytes             *body,
                                         GError            **error);
NpHttpRoute *np_http_route_parse        (const char         *text,
                                         GError            **error);
NpHttpRoute *np_http_route_copy         (const NpHttpRoute  *route);
void         np_http_route_free         (NpHttpRoute        *route);
gboolean     np_http_route_add_header   (NpHttpRoute        *route,
                                         const char         *header,
                                         GError            **error);
gboolean     np_http_route_matches      (const NpHttpRoute  *route,
                                         const char         *method,
                                         const char         *path);
char        *np_http_route_to_string    (const NpHttpRoute  *route);
GPtrArray   *np_http_route_parse_lines  (const char         *text,
                                         GError            **error);

gboolean     np_http_header_split       (const char         *header,
                                         char              **name,
                                         char              **value,
                                         GError            **error);
const char  *np_http_guess_content_type (GBytes             *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpHttpRoute, np_http_route_free)

G_END_DECLS
