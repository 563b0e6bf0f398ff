/* NpLogModel: one change notification per batch, a row cap that drops the oldest and counts
 * them, consistent positions at every signal, bounded previews of long payloads. */
#include <string.h>

#include "np-log-model.h"
#include "np-log-renderer.h"
#include "np-test-utils.h"

static GPtrArray *
make_rows (guint first,
           guint count)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(NpEvent) event = np_event_new (NP_EVENT_RECEIVED, 1, first + i, "127.0.0.1:9");

      event->payload = g_bytes_new_static ("x", 1);
      event->length = 1;
      g_ptr_array_add (rows, np_log_row_new_from_event (event, NP_MODE_TCP_SERVER));
    }
  return rows;
}

static guint64
first_peer_id (NpLogModel *model)
{
  g_autoptr(NpLogRow) row = g_list_model_get_item (G_LIST_MODEL (model), 0);

  return np_log_row_get_peer_id (row);
}

static void
test_one_signal_per_batch (void)
{
  g_autoptr(NpLogModel) model = np_log_model_new ();
  NpTestChanges changes = { 0 };

  np_test_count_changes (model, &changes);

  for (guint batch = 0; batch < 20; batch++)
    {
      g_autoptr(GPtrArray) rows = make_rows (batch * 5000, 5000);

      np_log_model_append (model, rows);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100000);
  g_assert_cmpuint (changes.signals, ==, 20);
  g_assert_cmpuint (changes.added, ==, 100000);
  g_assert_cmpuint (np_log_model_get_dropped (model), ==, 0);
}

static void
test_cap_drops_oldest (void)
{
  g_autoptr(NpLogModel) model = np_log_model_new ();
  g_autoptr(GPtrArray) first = make_rows (0, 80);
  g_autoptr(GPtrArray) second = make_rows (80, 50);
  g_autoptr(GPtrArray) huge = make_rows (1000, 250);
  NpTestChanges changes = { 0 };

  np_log_model_set_cap (model, 100);
  np_test_count_changes (model, &changes);

  np_log_model_append (model, first);
  np_log_model_append (model, second);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100);
  g_assert_cmpuint (np_log_model_get_dropped (model), ==, 30);
  g_assert_cmpuint (first_peer_id (model), ==, 30);     /* rows 0–29 went, oldest first */
  g_assert_cmpuint (changes.signals, ==, 3);            /* add; then remove + add */

  /* A batch larger than the cap: only its newest rows can be seen. */
  np_log_model_append (model, huge);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100);
  g_assert_cmpuint (first_peer_id (model), ==, 1150);
  g_assert_cmpuint (np_log_model_get_dropped (model), ==, 30 + 100 + 150);

  /* Lowering the cap trims at once; clearing resets the count. */
  np_log_model_set_cap (model, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
  g_assert_cmpuint (first_peer_id (model), ==, 1240);
  np_log_model_clear (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (np_log_model_get_dropped (model), ==, 0);
}

static void
test_refresh_keeps_rows (void)
{
  g_autoptr(NpLogModel) model = np_log_model_new ();
  g_autoptr(GPtrArray) rows = make_rows (0, 7);
  NpTestChanges changes = { 0 };

  np_log_model_append (model, rows);
  np_test_count_changes (model, &changes);
  np_log_model_refresh (model);
  g_assert_cmpuint (changes.signals, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 7);
  g_assert_cmpuint (changes.added, ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 7);
}

static void
test_long_payload_previewed (void)
{
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_RECEIVED, 1, 1, "[::1]:5");
  g_autoptr(NpLogRow) row = NULL;
  g_autoptr(NpLogRow) info = NULL;
  gsize big = 1024 * 1024;

  event->payload = g_bytes_new_take (g_malloc0 (big), big);
  event->length = big;
  row = np_log_row_new_from_event (event, NP_MODE_TCP_SERVER);

  g_assert_cmpuint (np_log_row_get_length (row), ==, big);
  g_assert_cmpuint (g_bytes_get_size (np_log_row_get_preview (row)), ==, NP_LOG_ROW_PREVIEW);
  g_assert_true (np_log_row_is_truncated (row));
  g_assert_cmpint (np_log_row_get_direction (row), ==, NP_LOG_DIRECTION_IN);

  info = np_log_row_new_info (NP_LOG_DIRECTION_ERROR, NULL, "Address already in use");
  g_assert_null (np_log_row_get_preview (info));
  g_assert_cmpstr (np_log_row_get_message (info), ==, "Address already in use");
}

/* Rows read in the chosen display format and encoding, from their stored bytes; a long one is
 * cut with its full length; the clipboard line has everything the row kept. */
static void
test_renderer (void)
{
  g_autoptr(NpLogRenderer) renderer = np_log_renderer_new ();
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_RECEIVED, 1, 1, "127.0.0.1:9");
  g_autoptr(NpEvent) long_event = np_event_new (NP_EVENT_SENT, 1, 1, "127.0.0.1:9");
  g_autoptr(NpLogRow) row = NULL;
  g_autoptr(NpLogRow) long_row = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *line = NULL;
  g_autofree char *elapsed = NULL;
  g_autofree char *long_text = g_strnfill (600, 'a');

  event->payload = g_bytes_new_static ("\xc4\xe3OK\r\n", 6);   /* 你 in GB18030 */
  event->length = 6;
  event->time_us = 5 * G_USEC_PER_SEC + 250000;
  row = np_log_row_new_from_event (event, NP_MODE_TCP_SERVER);
  long_event->payload = g_bytes_new (long_text, 600);
  long_event->length = 600;
  long_row = np_log_row_new_from_event (long_event, NP_MODE_TCP_SERVER);

  text = np_log_renderer_data (renderer, row);
  g_assert_cmpstr (text, ==, "\\xC4\\xE3OK\\r\\n");
  g_object_set (renderer, "encoding", NP_ENCODING_GB18030, NULL);
  g_clear_pointer (&text, g_free);
  text = np_log_renderer_data (renderer, row);
  g_assert_cmpstr (text, ==, "你OK\\r\\n");
  g_assert_true (np_log_renderer_matches (renderer, row, "ok"));
  g_assert_true (np_log_renderer_matches (renderer, row, "127.0.0"));
  g_assert_false (np_log_renderer_matches (renderer, row, "nothing"));

  g_object_set (renderer, "display", NP_FORMAT_HEX, NULL);
  hex = np_log_renderer_data (renderer, row);
  g_assert_cmpstr (hex, ==, "C4 E3 4F 4B 0D 0A");

  g_object_set (renderer, "display", NP_FORMAT_TEXT, NULL);
  cut = np_log_renderer_data (renderer, long_row);
  g_assert_true (g_str_has_suffix (cut, " … (600 bytes)"));
  g_assert_cmpuint (g_utf8_strlen (cut, -1), <, 300);
  line = np_log_renderer_line (renderer, long_row);
  g_assert_nonnull (strstr (line, "\tout\t127.0.0.1:9\t600\t"));
  g_assert_nonnull (strstr (line, long_text));

  g_object_set (renderer, "timestamp-format", NP_TIMESTAMP_FORMAT_ELAPSED,
                "started", (gint64) 2 * G_USEC_PER_SEC, NULL);
  elapsed = np_log_renderer_time (renderer, row);
  g_assert_cmpstr (elapsed, ==, "3.250");
  g_assert_cmpstr (np_log_direction_label (NP_LOG_DIRECTION_ERROR), ==, "error");
}

static NpEvent *
sent_to (guint    n_peers,
         gboolean to_all)
{
  NpEvent *event = np_event_new (NP_EVENT_SENT, 1, 0, NULL);

  event->payload = g_bytes_new_static ("ping\r\n", 6);
  event->length = 6;
  event->n_messages = 1;
  event->to_all = to_all;
  for (guint64 id = 1; id <= n_peers; id++)
    np_event_add_sent_peer (event, id, "127.0.0.1:7");
  return event;
}

/* One send is one row however many peers it went to: the peer column says how many, in the
 * mode's words; a lone peer is named. Counter snapshots are no row at all. */
static void
test_send_to_many_is_one_row (void)
{
  struct { guint n; gboolean all; NpMode mode; const char *peer; } cases[] = {
    { 1000, TRUE, NP_MODE_TCP_SERVER, "all 1000 clients" },
    { 2, FALSE, NP_MODE_TCP_SERVER, "2 clients" },
    { 12, TRUE, NP_MODE_UDP, "all 12 peers heard" },
    { 3, FALSE, NP_MODE_UDP, "3 peers" },
    { 1, TRUE, NP_MODE_TCP_SERVER, "127.0.0.1:7" },
  };
  g_autoptr(NpEvent) counters = np_event_new (NP_EVENT_COUNTERS, 1, 0, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NpEvent) event = sent_to (cases[i].n, cases[i].all);
      g_autoptr(NpLogRow) row = np_log_row_new_from_event (event, cases[i].mode);

      g_assert_cmpstr (np_log_row_get_peer (row), ==, cases[i].peer);
      g_assert_cmpint (np_log_row_get_direction (row), ==, NP_LOG_DIRECTION_OUT);
      g_assert_cmpuint (np_log_row_get_length (row), ==, 6);
      g_assert_cmpuint (g_bytes_get_size (np_log_row_get_preview (row)), ==, 6);
    }

  counters->counters = g_array_new (FALSE, FALSE, sizeof (NpPeerCounters));
  g_assert_null (np_log_row_new_from_event (counters, NP_MODE_TCP_SERVER));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/log-model/one-signal-per-batch", test_one_signal_per_batch);
  g_test_add_func ("/log-model/cap-drops-oldest", test_cap_drops_oldest);
  g_test_add_func ("/log-model/refresh-keeps-rows", test_refresh_keeps_rows);
  g_test_add_func ("/log-model/long-payload-previewed", test_long_payload_previewed);
  g_test_add_func ("/log-model/renderer", test_renderer);
  g_test_add_func ("/log-model/send-to-many-is-one-row", test_send_to_many_is_one_row);

  return g_test_run ();
}
