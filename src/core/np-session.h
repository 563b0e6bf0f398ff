/* np-session.h: a workspace (endpoints, saved messages, window state) as versioned JSON
 *
 * {"format": "netpoke-workspace", "version": 3, "endpoints": [...], "messages": [...],
 *  "rules": [...], "window": {...}}. Version 2 added the reply rules; version 3 the TCP, TLS and
 * UDP options of an endpoint (reconnect, TLS, broadcast, multicast, …): a Netpoke that reads
 * only version 2 would start a TLS client in the clear, so it must refuse such a file rather
 * than ignore what it does not know. Version 1 and 2 files still open. Members this version
 * does not know are ignored; a file from a newer version is refused with a clear error.
 */
#pragma once

#include <gio/gio.h>

#include "np-codec.h"
#include "np-endpoint-config.h"
#include "np-reply-rule.h"

G_BEGIN_DECLS

#define NP_SESSION_VERSION 3
#define NP_SESSION_FORMAT  "netpoke-workspace"

/* Limits a workspace is held to, loading and saving alike, so that what Netpoke saves it can
 * load and a hostile file costs bounded memory: the file's size, how deeply its JSON nests,
 * and the number and size of the things in it. */
#define NP_SESSION_MAX_FILE_SIZE  (8 * 1024 * 1024)
#define NP_SESSION_MAX_DEPTH      16
#define NP_SESSION_MAX_ENDPOINTS  64
#define NP_SESSION_MAX_MESSAGES   1000
#define NP_SESSION_MAX_PAYLOAD    (1024 * 1024)   /* bytes of one saved message, as typed */
#define NP_SESSION_MAX_TEXT       1024            /* bytes of a name, address, port, … */
#define NP_SESSION_MAX_RULES      256
#define NP_SESSION_MAX_RULE_TEXT  (64 * 1024)     /* bytes of a rule's pattern or response */
#define NP_SESSION_MAX_BLOCK      (64 * 1024)     /* bytes of headers or canned responses */
#define NP_SESSION_MAX_GROUPS     32              /* multicast groups of one endpoint */

typedef struct
{
  NpMode      mode;
  char       *address;
  char       *port;
  char       *destination;
  NpEncoding  receive_encoding;
  NpEncoding  send_encoding;
  char       *framing;            /* as np_framer_new_from_string() takes it */
  /* The web modes ("" where unused) */
  char       *url;                /* http, ws */
  char       *method;             /* http */
  char       *headers;            /* http, ws: "Name: value" a line */
  char       *body_file;          /* http */
  char       *root;               /* http-server, ws-server */
  char       *ws_path;
  char       *routes;             /* canned responses, one a line (np_http_route_parse_lines) */
  gboolean    insecure;           /* http, ws: accept any TLS certificate */

  /* TCP (version 3); a number 0 is an empty field: the default */
  gboolean    reconnect;          /* tcp-client */
  guint       reconnect_max_ms;   /* tcp-client: NP_RECONNECT_MAX_MS_MIN–_MAX, or 0 */
  char       *local_address;      /* tcp-client: connect from this IP address ("" any) */
  guint       local_port;         /* tcp-client: connect from this port (0 any) */
  gboolean    keepalive;
  guint       max_clients;        /* tcp-server: 0 no limit */
  /* TLS over TCP: file names only, never what is in them */
  gboolean    tls;
  char       *tls_certificate;    /* server: "" is Netpoke's own self-signed one; client: "" none */
  char       *tls_key;            /* "" the key is in the certificate's file */
  gboolean    tls_insecure;       /* tcp-client: accept any server certificate */
  gboolean    tls_request_client_certificate; /* tcp-server */
  /* UDP */
  gboolean    broadcast;
  char      **multicast_groups;   /* "GROUP[%IFACE]" each, never NULL */
  char       *multicast_interface; /* "" the first group's */
  int         multicast_ttl;      /* 0–255, -1 the system's */
  gboolean    multicast_loopback;
} NpSessionEndpoint;

typedef struct
{
  char       *name;
  char       *payload;            /* as typed, in @format */
  NpFormat    format;
} NpSavedMessage;

typedef struct
{
  int         width;
  int         height;
  gboolean    maximized;
  NpFormat    display;            /* text (shown with escapes) or hex */
} NpWindowState;

#define NP_TYPE_SESSION (np_session_get_type ())

G_DECLARE_FINAL_TYPE (NpSession, np_session, NP, SESSION, GObject)

NpSession         *np_session_new            (void);
NpSession         *np_session_new_from_data  (const char         *data,
                                              gssize              length,
                                              const char         *name,
                                              GError            **error);
NpSession         *np_session_load           (GFile              *file,
                                              GError            **error);
char              *np_session_to_data        (NpSession          *self);
gboolean           np_session_save           (NpSession          *self,
                                              GFile              *file,
                                              GError            **error);
void               np_session_save_async     (NpSession          *self,
                                              GFile              *file,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean           np_session_save_finish    (NpSession          *self,
                                              GAsyncResult       *result,
                                              GError            **error);
GPtrArray         *np_session_get_endpoints  (NpSession          *self);
NpSavedMessage    *np_saved_message_new      (const char         *name,
                                              const char         *payload,
                                              NpFormat            format);
NpSavedMessage    *np_saved_message_copy     (const NpSavedMessage *message);
void               np_saved_message_free     (NpSavedMessage     *message);

GPtrArray         *np_session_get_messages   (NpSession          *self);
NpWindowState     *np_session_get_window     (NpSession          *self);
NpSessionEndpoint *np_session_add_endpoint   (NpSession          *self);
NpSavedMessage    *np_session_add_message    (NpSession          *self,
                                              const char         *name,
                                              const char         *payload,
                                              NpFormat            format);
GPtrArray         *np_session_get_rules     (NpSession          *self);
void               np_session_set_rules     (NpSession          *self,
                                             GPtrArray          *rules);
gboolean           np_session_check_rule    (const NpReplyRule  *rule,
                                             guint               n_rules,
                                             GError            **error);
GPtrArray         *np_reply_rules_new_from_data (const char     *data,
                                             gssize              length,
                                             const char         *name,
                                             GError            **error);
GPtrArray         *np_reply_rules_load      (GFile              *file,
                                             GError            **error);
gboolean           np_session_equal          (NpSession          *a,
                                              NpSession          *b);
gboolean           np_session_check_endpoint (const NpSessionEndpoint *endpoint,
                                              GError            **error);
gboolean           np_session_check_message  (const char         *name,
                                              const char         *payload,
                                              guint               n_messages,
                                              GError            **error);

G_END_DECLS
