/* np-event.h: one thing that happened on an endpoint, as the engine reports it */
#pragma once

#include <glib-object.h>

#include "np-http-exchange.h"
#include "np-tls-info.h"

G_BEGIN_DECLS

typedef enum
{
  NP_EVENT_LISTENING,     /* endpoint bound (server/udp); peer = local address */
  NP_EVENT_CONNECTED,     /* a TCP or WebSocket peer connected (server) or we connected (client) */
  NP_EVENT_DISCONNECTED,  /* a peer went away; message = reason; counters final */
  NP_EVENT_RECEIVED,      /* one message (a read, a line, a frame, a datagram, a WebSocket message) arrived */
  NP_EVENT_SENT,          /* one send operation: messages handed to n_peers peers */
  NP_EVENT_ERROR,         /* something failed; message = what and why */
  NP_EVENT_STOPPED,       /* endpoint is gone; failed says whether it died of an error */
  NP_EVENT_COUNTERS,      /* counters of the peers whose traffic changed (at most every 100 ms) */
  NP_EVENT_REQUEST,       /* an HTTP request was answered (server) or made (client); see http */
  NP_EVENT_PONG,          /* a WebSocket pong arrived: the peer answered our ping */
  NP_EVENT_FILE,          /* a file being sent: file, length of total bytes so far; failed +
                           * message when it stopped (the end of a good one is a SENT event) */
  NP_EVENT_NOTICE,        /* worth knowing, not a failure: a group joined, a reconnect planned; see message */
  NP_EVENT_FINISHED,      /* a TCP peer finished sending (EOF, a half-close); it can still be
                           * sent to until it closes. Counters: the peer's so far */
  NP_EVENT_DRAINED,       /* a paced send (np_engine_send_paced) has left room: every target's
                           * queue is back under the mark, or the target is stuck or gone. Only
                           * whoever asked for a paced send gets these; they are not rows */
  NP_EVENT_DISCONNECTED_ALL, /*< nick=disconnected_all >*/
                          /* Disconnect All is done: message = its reason, n_peers = the clients
                           * it closed (each has had its own DISCONNECTED, with in_bulk set) */
} NpEventKind;

/* SENT names its peers' ids up to this many; past it, only how many. */
#define NP_EVENT_MAX_PEER_IDS 64

/* One peer's traffic so far, in a COUNTERS snapshot. */
typedef struct
{
  guint64  peer_id;
  guint64  bytes_in;
  guint64  bytes_out;
  guint64  messages_in;
  guint64  messages_out;
} NpPeerCounters;

/* What kind of message a payload is. */
typedef enum
{
  NP_MESSAGE_BYTES,       /* TCP and UDP: bytes, nothing more */
  NP_MESSAGE_TEXT,        /* a WebSocket text message (always UTF-8) */
  NP_MESSAGE_BINARY,      /* a WebSocket binary message */
} NpMessageType;

/* A relay's data rows: which way the bytes went. */
typedef enum
{
  NP_RELAY_NONE,
  NP_RELAY_TO_TARGET,     /* from a client to the target */
  NP_RELAY_TO_CLIENT,     /* from the target back to its client */
} NpRelayDirection;

#define NP_TYPE_EVENT (np_event_get_type ())

typedef struct
{
  guint64      seq;         /* assigned by NpEventQueue: strictly increasing */
  gint64       time_us;     /* g_get_real_time () when it happened */
  NpEventKind  kind;
  guint        endpoint_id;
  guint64      peer_id;     /* 0 = the endpoint itself (and SENT to several peers) */
  char        *peer;        /* "ADDR:PORT" ("[v6]:PORT"), or NULL */
  GBytes      *payload;     /* RECEIVED/SENT data; NULL in count-only mode */
  gsize        length;      /* payload length, also set in count-only mode */
  /* SENT: the operation's messages went to n_peers peers (each got all @length bytes). The
   * first NP_EVENT_MAX_PEER_IDS ids are in peer_ids; to_all: the default targets were asked
   * for (all clients, all peers heard). A TCP client that could not take it is not counted:
   * its DISCONNECTED event says why; a datagram the system refuses has an ERROR for its peer.
   * Over WebSocket, "went" means handed to libsoup's send queue.
   * STOPPED: n_peers peers were still connected and went with the endpoint (each has had its
   * own DISCONNECTED, with in_bulk set). DISCONNECTED_ALL: n_peers peers it closed. */
  guint        n_messages;
  guint        n_peers;
  GArray      *peer_ids;    /* guint64 */
  gboolean     to_all;
  guint        reply_rule;  /* SENT: the answer of this reply rule (1-based); 0: not a rule's */
  char        *file;        /* SENT, FILE: the file sent (as the user named it) */
  guint64      total;       /* FILE: the file's size */
  GArray      *counters;    /* COUNTERS: NpPeerCounters of the peers that changed */
  NpMessageType message_type; /* RECEIVED/SENT over WebSocket: text or binary */
  char        *group;       /* RECEIVED over UDP: the multicast group or broadcast address it was sent to */
  NpRelayDirection relay;   /* RECEIVED by a relay: which way it went on (peer: the client) */
  guint        close_code;  /* DISCONNECTED (WebSocket): the close code, 0 = none was sent */
  NpHttpExchange *http;     /* REQUEST, and CONNECTED of a WebSocket client: the HTTP part */
  NpTlsInfo   *tls;         /* CONNECTED over TLS: protocol, cipher, the peer's certificate */
  char        *message;     /* reason for DISCONNECTED/ERROR/STOPPED; what a NOTICE says */
  gboolean     failed;      /* STOPPED: the endpoint stopped because of an error; FILE: it stopped */
  /* DISCONNECTED: the peer went in an operation that closed every peer (Stop, Disconnect All),
   * whose STOPPED or DISCONNECTED_ALL counts it */
  gboolean     in_bulk;
  /* NOTICE of a TCP client's planned reconnect: the number of the attempt to come and the wait
   * before it (0: the notice is not one), so the window can say "Reconnecting" without parsing */
  guint        retry_attempt;
  guint        retry_in_ms;
  /* Counters: of the peer for DISCONNECTED, of the endpoint for STOPPED. */
  guint64      bytes_in;
  guint64      bytes_out;
  guint64      messages_in;
  guint64      messages_out;
  guint64      dropped;     /* UDP, datagrams the kernel dropped (receive buffer full): all of them in
                             * STOPPED, those since the last report in ERROR */
} NpEvent;

GType        np_event_get_type      (void) G_GNUC_CONST;
NpEvent     *np_event_new           (NpEventKind  kind,
                                     guint        endpoint_id,
                                     guint64      peer_id,
                                     const char  *peer);
NpEvent     *np_event_ref           (NpEvent     *event);
void         np_event_unref         (NpEvent     *event);
const char  *np_event_kind_to_string (NpEventKind kind);
void         np_event_add_sent_peer  (NpEvent     *event,
                                      guint64      peer_id,
                                      const char  *peer);
const char  *np_message_type_to_string (NpMessageType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpEvent, np_event_unref)

G_END_DECLS
