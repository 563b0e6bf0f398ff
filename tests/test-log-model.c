/* NpLogModel: one change notification per batch, a row cap that drops the oldest and counts
 * them, consistent positions at every signal, bounded previews of long payloads. */
#include "np-log-model.h"

typedef struct
{
  guint signals;
  guint removed;
  guint added;
} Changes;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->signals++;
  changes->removed += removed;
  changes->added += added;
  /* At every signal the model is already in the state it describes. */
  g_assert_cmpuint (position + added, <=, g_list_model_get_n_items (model));
}

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
      g_ptr_array_add (rows, np_log_row_new_from_event (event));
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
  Changes changes = { 0 };

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changes);

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
  Changes changes = { 0 };

  np_log_model_set_cap (model, 100);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changes);

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
  Changes changes = { 0 };

  np_log_model_append (model, rows);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changes);
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
  row = np_log_row_new_from_event (event);

  g_assert_cmpuint (np_log_row_get_length (row), ==, big);
  g_assert_cmpuint (g_bytes_get_size (np_log_row_get_preview (row)), ==, NP_LOG_ROW_PREVIEW);
  g_assert_true (np_log_row_is_truncated (row));
  g_assert_cmpint (np_log_row_get_direction (row), ==, NP_LOG_DIRECTION_IN);

  info = np_log_row_new_info (NP_LOG_DIRECTION_ERROR, NULL, "Address already in use");
  g_assert_null (np_log_row_get_preview (info));
  g_assert_cmpstr (np_log_row_get_message (info), ==, "Address already in use");
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

  return g_test_run ();
}
