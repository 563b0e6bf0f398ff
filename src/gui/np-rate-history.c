#define G_LOG_DOMAIN "np-rate-history"

#include "config.h"

#include "np-rate-history.h"

/* One more bucket than the graph shows: the second still filling. */
#define N_BUCKETS (NP_RATE_HISTORY_SECONDS + 1)

typedef struct
{
  gint64    second;    /* which second this bucket holds; another one: it is empty */
  NpTraffic traffic;
} Bucket;

struct _NpRateHistory
{
  Bucket    buckets[N_BUCKETS];
  NpTraffic totals;        /* the last totals recorded (counting starts from zero) */
  gint64    last_second;   /* the last second anything happened in; -1: never */
};

NpRateHistory *
np_rate_history_new (void)
{
  NpRateHistory *self = g_new0 (NpRateHistory, 1);

  for (guint i = 0; i < N_BUCKETS; i++)
    self->buckets[i].second = -1;
  self->last_second = -1;
  return self;
}

void
np_rate_history_free (NpRateHistory *self)
{
  g_free (self);
}

static guint64
delta (guint64 now,
       guint64 before)
{
  /* Totals only grow; one that went back (a peer's counters restarted) starts again from it. */
  return now >= before ? now - before : now;
}

/**
 * np_rate_history_record:
 * @now_us: g_get_monotonic_time () when the totals were seen
 * @totals: absolute totals so far
 *
 * What grew since the last totals (zero at first) is counted in the second @now_us falls in.
 */
void
np_rate_history_record (NpRateHistory   *self,
                        gint64           now_us,
                        const NpTraffic *totals)
{
  gint64 second = NP_RATE_SECOND (now_us);
  Bucket *bucket = &self->buckets[second % N_BUCKETS];
  NpTraffic grown = {
    delta (totals->bytes_in, self->totals.bytes_in), delta (totals->bytes_out, self->totals.bytes_out),
    delta (totals->messages_in, self->totals.messages_in), delta (totals->messages_out, self->totals.messages_out),
  };

  self->totals = *totals;

  if (grown.bytes_in + grown.bytes_out + grown.messages_in + grown.messages_out == 0)
    return;

  if (bucket->second != second)
    {
      bucket->second = second;
      bucket->traffic = (NpTraffic) { 0 };
    }
  bucket->traffic.bytes_in += grown.bytes_in;
  bucket->traffic.bytes_out += grown.bytes_out;
  bucket->traffic.messages_in += grown.messages_in;
  bucket->traffic.messages_out += grown.messages_out;
  self->last_second = MAX (self->last_second, second);
}

/* What @second added (zeros for a second with nothing, or gone from the history). */
void
np_rate_history_get_second (NpRateHistory *self,
                            gint64         second,
                            NpTraffic     *traffic)
{
  const Bucket *bucket = &self->buckets[((second % N_BUCKETS) + N_BUCKETS) % N_BUCKETS];

  *traffic = bucket->second == second ? bucket->traffic : (NpTraffic) { 0 };
}

/* The last second anything was counted in, or -1. */
gint64
np_rate_history_get_last_second (NpRateHistory *self)
{
  return self->last_second;
}

/* The highest of each count over the complete seconds of the last minute before @now_us. */
void
np_rate_history_get_peak (NpRateHistory *self,
                          gint64         now_us,
                          NpTraffic     *peak)
{
  gint64 now = NP_RATE_SECOND (now_us);

  *peak = (NpTraffic) { 0 };
  for (gint64 second = now - NP_RATE_HISTORY_SECONDS; second < now; second++)
    {
      NpTraffic traffic;

      np_rate_history_get_second (self, second, &traffic);
      peak->bytes_in = MAX (peak->bytes_in, traffic.bytes_in);
      peak->bytes_out = MAX (peak->bytes_out, traffic.bytes_out);
      peak->messages_in = MAX (peak->messages_in, traffic.messages_in);
      peak->messages_out = MAX (peak->messages_out, traffic.messages_out);
    }
}
