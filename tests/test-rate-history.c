/* NpRateHistory: totals become traffic per second (counting from zero), a
 * minute is kept and no more, the peak is over complete seconds. */
#include "np-rate-history.h"

#define S(seconds) ((gint64) (seconds) * G_USEC_PER_SEC)

static void
test_per_second (void)
{
  g_autoptr(NpRateHistory) history = np_rate_history_new ();
  NpTraffic totals = { 1000, 0, 1, 0 };
  NpTraffic second, peak;

  g_assert_cmpint (np_rate_history_get_last_second (history), ==, -1);
  np_rate_history_record (history, S (99) + 10, &totals);
  np_rate_history_get_second (history, 99, &second);
  g_assert_cmpuint (second.bytes_in, ==, 1000);
  totals = (NpTraffic) { 1000, 0, 1, 0 };
  np_rate_history_record (history, S (100), &totals);   /* nothing grew */
  np_rate_history_get_second (history, 100, &second);
  g_assert_cmpuint (second.bytes_in, ==, 0);
  g_assert_cmpint (np_rate_history_get_last_second (history), ==, 99);

  totals = (NpTraffic) { 1500, 10, 3, 1 };
  np_rate_history_record (history, S (100) + 200000, &totals);
  totals = (NpTraffic) { 2000, 10, 4, 1 };
  np_rate_history_record (history, S (100) + 900000, &totals);
  totals = (NpTraffic) { 2100, 30, 5, 2 };
  np_rate_history_record (history, S (101) + 100, &totals);

  np_rate_history_get_second (history, 100, &second);
  g_assert_cmpuint (second.bytes_in, ==, 1000);
  g_assert_cmpuint (second.bytes_out, ==, 10);
  g_assert_cmpuint (second.messages_in, ==, 3);
  np_rate_history_get_second (history, 101, &second);
  g_assert_cmpuint (second.bytes_in, ==, 100);
  g_assert_cmpint (np_rate_history_get_last_second (history), ==, 101);

  /* Second 101 is still filling at 101.5: the peak is second 100's. */
  np_rate_history_get_peak (history, S (101) + 500000, &peak);
  g_assert_cmpuint (peak.bytes_in, ==, 1000);
  g_assert_cmpuint (peak.bytes_out, ==, 10);
  np_rate_history_get_peak (history, S (102), &peak);
  g_assert_cmpuint (peak.bytes_out, ==, 20);

  /* A minute later, seconds 99 and 100 are gone from the history, its bucket reused. */
  np_rate_history_get_peak (history, S (161), &peak);
  g_assert_cmpuint (peak.bytes_in, ==, 100);
  totals.bytes_in += 7;
  np_rate_history_record (history, S (161) + 5, &totals);
  np_rate_history_get_second (history, 100, &second);
  g_assert_cmpuint (second.bytes_in, ==, 0);
  np_rate_history_get_second (history, 161, &second);
  g_assert_cmpuint (second.bytes_in, ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-history/per-second", test_per_second);

  return g_test_run ();
}
