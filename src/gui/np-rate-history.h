/* np-rate-history.h: traffic per second over the last minute, for the throughput graph
 *
 * Fed with totals (the footer's counts, a peer's COUNTERS snapshot), it keeps what each of the
 * last NP_RATE_HISTORY_SECONDS seconds added: a few hundred bytes, no timer. A second is
 * complete once the clock has left it; the graph shows complete seconds only, so its right
 * edge never dips for a second that is still filling.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NP_RATE_HISTORY_SECONDS 60

typedef struct
{
  guint64 bytes_in;
  guint64 bytes_out;
  guint64 messages_in;
  guint64 messages_out;
} NpTraffic;

typedef struct _NpRateHistory NpRateHistory;

NpRateHistory *np_rate_history_new         (void);
void           np_rate_history_free        (NpRateHistory   *self);
void           np_rate_history_record      (NpRateHistory   *self,
                                            gint64           now_us,
                                            const NpTraffic *totals);
void           np_rate_history_get_second  (NpRateHistory   *self,
                                            gint64           second,
                                            NpTraffic       *traffic);
gint64         np_rate_history_get_last_second (NpRateHistory *self);
void           np_rate_history_get_peak    (NpRateHistory   *self,
                                            gint64           now_us,
                                            NpTraffic       *peak);

/* The second @now_us falls in (monotonic time). */
#define NP_RATE_SECOND(now_us) ((now_us) / G_USEC_PER_SEC)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpRateHistory, np_rate_history_free)

G_END_DECLS
