/* np-endpoint-private.h: NpEndpoint's private instance data, shared by np-endpoint.c (life,
 * events, answers, files), np-endpoint-send.c (sending) and np-endpoint-counters.c (totals and
 * COUNTERS snapshots).
 * Names with a leading _ are theirs, not API. */
#pragma once

#include "np-answerer.h"
#include "np-endpoint.h"
#include "np-file-sender.h"
#include "np-watch-set.h"

G_BEGIN_DECLS

typedef struct
{
  guint                   id;
  NpEndpointConfig       *config;
  NpEventQueue           *queue;
  guint8                 *read_buffer;
  NpWatchSet             *watch_set;       /* the plain sockets' reads, made on first use */
  guint64                 next_peer_id;
  gboolean                started;
  gboolean                stopped;
  /* The peers going now go because the user closed them all (Stop, Disconnect All): their
   * DISCONNECTED events are marked in_bulk and counted, for the operation's one event. */
  gboolean                closing_all;
  guint                   n_closed_in_bulk;

  guint64                 bytes_in;
  guint64                 bytes_out;
  guint64                 messages_in;
  guint64                 messages_out;
  guint64                 dropped;

  GHashTable             *changed_peers;   /* &counters->peer_id -> NpPeerCounters* (not owned) */
  GSource                *counters_source; /* armed while changed_peers is not empty */

  NpAnswerer             *answerer;        /* reply rules */
  NpFileSender           *file_sender;     /* the file being sent, if one is */
  NpFramingBudget        *framing_budget;  /* what the connections' framers may hold */

  NpEndpointFinishedFunc  finished_func;
  gpointer                finished_data;
} NpEndpointPrivate;

NpEndpointPrivate *_np_endpoint_get_private    (NpEndpoint *self);
void               _np_endpoint_emit_counters  (NpEndpoint *self);
void               _np_endpoint_clear_counters (NpEndpoint *self);

G_END_DECLS
