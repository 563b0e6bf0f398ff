/* np-event.h: one thing that happened on an endpoint, as the engine reports it */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  NP_EVENT_LISTENING,     /* endpoint bound (server/udp); peer = local address */
  NP_EVENT_CONNECTED,     /* a TCP peer connected (server) or we connected (client) */
  NP_EVENT_DISCONNECTED,  /* a TCP peer went away; message = reason; counters final */
  NP_EVENT_RECEIVED,      /* one message (a read, a line, a frame, a datagram) arrived */
  NP_EVENT_SENT,          /* one message was written completely to the socket */
  NP_EVENT_ERROR,         /* something failed; message = what and why */
  NP_EVENT_STOPPED,       /* endpoint is gone; failed says whether it died of an error */
} NpEventKind;

#define NP_TYPE_EVENT (np_event_get_type ())

typedef struct
{
  guint64      seq;         /* assigned by NpEventQueue: strictly increasing */
  gint64       time_us;     /* g_get_real_time () when it happened */
  NpEventKind  kind;
  guint        endpoint_id;
  guint64      peer_id;     /* 0 = the endpoint itself */
  char        *peer;        /* "ADDR:PORT" ("[v6]:PORT"), or NULL */
  GBytes      *payload;     /* RECEIVED/SENT data; NULL in count-only mode */
  gsize        length;      /* payload length, also set in count-only mode */
  char        *message;     /* reason for DISCONNECTED/ERROR/STOPPED */
  gboolean     failed;      /* STOPPED: the endpoint stopped because of an error */
  /* Counters: of the peer for DISCONNECTED, of the endpoint for STOPPED. */
  guint64      bytes_in;
  guint64      bytes_out;
  guint64      messages_in;
  guint64      messages_out;
  guint64      dropped;     /* STOPPED (UDP): datagrams the kernel dropped, receive buffer full */
} NpEvent;

GType        np_event_get_type      (void) G_GNUC_CONST;
NpEvent     *np_event_new           (NpEventKind  kind,
                                     guint        endpoint_id,
                                     guint64      peer_id,
                                     const char  *peer);
NpEvent     *np_event_ref           (NpEvent     *event);
void         np_event_unref         (NpEvent     *event);
const char  *np_event_kind_to_string (NpEventKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpEvent, np_event_unref)

G_END_DECLS
