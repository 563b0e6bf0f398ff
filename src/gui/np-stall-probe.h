/* np-stall-probe.h: measures how long the UI main loop goes without running (NETPOKE_STATS=FILE)
 *
 * Off unless asked for: it wakes the main loop every few milliseconds, which an idle app must not.
 * FILE is rewritten every second; SIGUSR1 ends a phase (FILE.phase1, .phase2, …: each with its
 * own longest stall) so that a benchmark can measure one action alone. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define NP_TYPE_STALL_PROBE (np_stall_probe_get_type ())

G_DECLARE_FINAL_TYPE (NpStallProbe, np_stall_probe, NP, STALL_PROBE, GObject)

/* What the window has counted so far. */
typedef struct
{
  guint64 bytes_in;
  guint64 messages_in;
  guint64 datagrams_dropped;   /* by the system, before they could be read (UDP) */
  guint   rows;                /* in the log */
  guint64 rows_dropped;        /* from the log by its cap */
} NpStallProbeCounts;

typedef void (*NpStallProbeSample) (gpointer            user_data,
                                    NpStallProbeCounts *counts);

NpStallProbe *np_stall_probe_new        (const char         *path,
                                         NpStallProbeSample  sample,
                                         gpointer            user_data);
void          np_stall_probe_first_frame (NpStallProbe      *self);
gboolean      np_stall_probe_write      (NpStallProbe       *self,
                                         GError            **error);

G_END_DECLS
