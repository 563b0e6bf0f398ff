/* np-http-exchange.h: one HTTP request and its response, as an event carries it
 *
 * The HTTP server reports every request it answered, the HTTP client every request it made,
 * as a REQUEST event holding one of these: what a log row and its details view show.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  char       *method;
  char       *target;             /* server: the path (and ?query) asked for; client: the URL */
  guint       status;             /* 0: no response */
  char       *reason;             /* "OK", "Not Found", … */
  char      **request_headers;    /* name, value, name, value, …, NULL: in order, repeats kept */
  char      **response_headers;
  GBytes     *request_body;       /* NULL: none kept */
  GBytes     *response_body;      /* NULL: not kept (a file the server sent) */
  guint64     request_length;     /* body bytes, also when the body is not kept */
  guint64     response_length;
  gboolean    response_truncated; /* the client kept only the first max-body bytes */
  gboolean    outgoing;           /* we made the request (client): target is a URL */
  gint64      duration_us;        /* request start to response end; -1: unknown */
  /* Client only, from libsoup's metrics; -1 where the step did not happen (a reused
   * connection has no DNS, connect or TLS time) */
  gint64      dns_us;
  gint64      connect_us;
  gint64      tls_us;
  gint64      first_byte_us;      /* request start to the first response byte */
} NpHttpExchange;

NpHttpExchange *np_http_exchange_new          (const char          *method,
                                               const char          *target);
void            np_http_exchange_free         (NpHttpExchange      *exchange);
NpHttpExchange *np_http_exchange_copy_bounded (const NpHttpExchange *exchange,
                                               gsize                max_body);
char          **np_http_headers_to_pairs      (SoupMessageHeaders  *headers);
gsize           np_http_exchange_get_size     (const NpHttpExchange *exchange);
GUri           *np_http_parse_url             (const char          *text,
                                               gboolean             websocket,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpHttpExchange, np_http_exchange_free)

G_END_DECLS
