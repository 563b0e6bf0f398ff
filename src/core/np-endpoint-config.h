/* np-endpoint-config.h: everything needed to start one endpoint */
#pragma once

#include <glib-object.h>

#include "np-framer.h"
#include "np-http-route.h"
#include "np-responder.h"

G_BEGIN_DECLS

typedef enum
{
  NP_MODE_TCP_SERVER,
  NP_MODE_TCP_CLIENT,
  NP_MODE_UDP,
  NP_MODE_HTTP_SERVER,
  NP_MODE_HTTP_CLIENT,  /*< nick=http >*/
  NP_MODE_WS_SERVER,
  NP_MODE_WS_CLIENT,    /*< nick=ws >*/
  NP_MODE_RELAY,        /* TCP: between clients and a target, both directions logged */
  NP_MODE_UDP_RELAY,
} NpMode;

/* HTTP and WebSocket, over libsoup. */
#define NP_MODE_IS_WEB(mode) ((mode) >= NP_MODE_HTTP_SERVER && (mode) <= NP_MODE_WS_CLIENT)
/* The relays: they listen on bind_address:port and forward to host:remote_port. */
#define NP_MODE_IS_RELAY(mode) ((mode) == NP_MODE_RELAY || (mode) == NP_MODE_UDP_RELAY)

#define NP_DEFAULT_SEND_QUEUE_LIMIT   (4 * 1024 * 1024)
#define NP_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define NP_DEFAULT_MAX_BODY_SIZE      (16 * 1024 * 1024)
#define NP_DEFAULT_WS_PATH            "/ws"
#define NP_DEFAULT_RECONNECT_MAX_MS   30000
#define NP_RECONNECT_MAX_MS_MIN       100       /* what --reconnect-max, the window and workspaces take */
#define NP_RECONNECT_MAX_MS_MAX       3600000

#define NP_TYPE_ENDPOINT_CONFIG (np_endpoint_config_get_type ())

typedef struct
{
  NpMode     mode;
  char      *bind_address;        /* NULL: any address, dual-stack where the host has IPv6 */
  guint16    port;                /* local port (server, udp); 0 = ephemeral */
  char      *host;                /* client: where to connect; udp: default destination; relay: the target */
  guint16    remote_port;
  NpFramer  *framer;              /* template for per-connection framers; NULL = raw */
  NpResponder *responder;         /* reply rules (echo is one); NULL = no automatic answers */
  gboolean   count_only;          /* events carry lengths, not payload copies (throughput) */
  gboolean   publish_counters;    /* COUNTERS snapshots of per-peer traffic, every 100 ms at most */
  guint      connect_timeout_ms;
  gsize      send_queue_limit;    /* per peer; a peer that lets more pile up is dropped */

  /* TCP */
  gboolean   reconnect;           /* client: connect again after a failure or a drop, waiting longer each time */
  guint      reconnect_max_ms;    /* the longest wait between attempts (the first is 500 ms, then doubling) */
  gboolean   keepalive;           /* TCP keep-alive probes find a peer that vanished (after 10 s idle) */
  guint      max_clients;         /* server: 0 = no limit; more are refused (reset) with the reason logged */

  /* UDP */
  gboolean   broadcast;           /* SO_BROADCAST: may send to 255.255.255.255 or a subnet's broadcast address */
  char     **multicast_groups;    /* "GROUP" or "GROUP%IFACE", joined any-source at start */
  char      *multicast_interface; /* multicast leaves from here; NULL: the first group's, or the route's */
  int        multicast_ttl;       /* TTL (IPv4) and hop limit (IPv6) of multicast sent; -1: the system's (1) */
  gboolean   multicast_loopback;  /* our own multicast is delivered on this host too (the default) */

  /* TLS, for every mode that speaks it (https://, wss://, tcp-client and tcp-server with tls) */
  gboolean   tls;                 /* tcp-client, tcp-server: TLS over the connection */
  gboolean   tls_insecure;        /* accept any server certificate (devices with self-signed ones) */
  char      *tls_certificate;     /* PEM: the server's certificate (NULL: the one Netpoke made), or
                                   * the client's own (NULL: none) */
  char      *tls_key;             /* PEM: its private key; NULL: in the certificate's file */
  gboolean   tls_request_client_certificate; /* server: ask clients for a certificate (optional) */

  /* Web modes */
  char      *url;                 /* http, ws: what to request or connect to */
  char      *method;              /* http: NULL = GET, or POST when there is a body */
  char     **headers;             /* http, ws: extra request headers, "Name: value" each */
  GBytes    *body;                /* http: the request body; NULL = none */
  char      *root;                /* http-server, ws-server: the folder served; NULL = none */
  GPtrArray *routes;              /* NpHttpRoute*: canned responses, the first match wins */
  char      *ws_path;             /* http-server, ws-server: where WebSocket clients connect */
  guint      ping_interval_s;     /* ws modes: send a ping every N s (0: never) */
  gsize      max_body_size;       /* largest HTTP body or WebSocket message accepted */
} NpEndpointConfig;

GType             np_endpoint_config_get_type (void) G_GNUC_CONST;
NpEndpointConfig *np_endpoint_config_new      (NpMode                  mode);
NpEndpointConfig *np_endpoint_config_copy     (const NpEndpointConfig *config);
void              np_endpoint_config_free     (NpEndpointConfig       *config);
const char       *np_mode_to_string           (NpMode                  mode);
gboolean          np_mode_from_string         (const char             *name,
                                               NpMode                 *mode);
gboolean          np_mode_is_client           (NpMode                  mode);
gboolean          np_mode_has_peers           (NpMode                  mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpEndpointConfig, np_endpoint_config_free)

G_END_DECLS
