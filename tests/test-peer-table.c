/* NpPeerTable: every batch reaches the view as one change, however many clients come, go or
 * talk in it; counters come from the engine's COUNTERS snapshots, exact, and each peer whose
 * counters changed is notified once per batch. */
#include "np-peer-table.h"
#include "np-test-utils.h"

#define ENDPOINT 4
#define N 1000

static void
on_notify (NpPeer     *peer,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
add_event (GPtrArray   *batch,
           NpEventKind  kind,
           guint64      peer_id,
           gsize        length)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", (guint) (10000 + peer_id));
  NpEvent *event = np_event_new (kind, ENDPOINT, peer_id, address);

  event->length = length;
  g_ptr_array_add (batch, event);
}

/* A COUNTERS snapshot: peer @first_id.. @last_id with these totals. */
static void
add_counters (GPtrArray *batch,
              guint64    first_id,
              guint64    last_id,
              guint64    bytes_in,
              guint64    bytes_out)
{
  NpEvent *event = np_event_new (NP_EVENT_COUNTERS, ENDPOINT, 0, NULL);

  event->counters = g_array_new (FALSE, FALSE, sizeof (NpPeerCounters));
  for (guint64 id = first_id; id <= last_id; id++)
    {
      NpPeerCounters counters = { id, bytes_in, bytes_out, 1, 1 };

      g_array_append_val (event->counters, counters);
    }
  g_ptr_array_add (batch, event);
}

static GPtrArray *
new_batch (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) np_event_unref);
}

/* N clients connect in one batch. */
static NpPeerTable *
table_with_clients (NpTestChanges *changes)
{
  NpPeerTable *table = np_peer_table_new ();
  g_autoptr(GPtrArray) batch = new_batch ();

  for (guint64 id = 1; id <= N; id++)
    add_event (batch, NP_EVENT_CONNECTED, id, 0);
  np_test_count_changes (table, changes);
  np_peer_table_apply (table, batch, ENDPOINT, NP_MODE_TCP_SERVER);
  return table;
}

static void
test_connects_are_one_change (void)
{
  NpTestChanges changes = { 0 };
  g_autoptr(NpPeerTable) table = table_with_clients (&changes);
  g_autoptr(NpPeer) first = g_list_model_get_item (G_LIST_MODEL (table), 0);

  g_assert_cmpuint (changes.signals, ==, 1);
  g_assert_cmpuint (changes.added, ==, N);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (table)), ==, N);
  g_assert_cmpuint (np_peer_get_id (first), ==, 1);
  g_assert_cmpstr (np_peer_get_address (first), ==, "127.0.0.1:10001");
}

/* A server stop: N disconnects and the STOPPED event, one signal (it was N). */
static void
test_stop_is_one_change (void)
{
  NpTestChanges changes = { 0 };
  g_autoptr(NpPeerTable) table = table_with_clients (&changes);
  g_autoptr(GPtrArray) batch = new_batch ();

  for (guint64 id = 1; id <= N; id++)
    add_event (batch, NP_EVENT_DISCONNECTED, id, 0);
  add_event (batch, NP_EVENT_STOPPED, 0, 0);
  changes = (NpTestChanges) { 0 };
  np_peer_table_apply (table, batch, ENDPOINT, NP_MODE_TCP_SERVER);

  g_assert_cmpuint (changes.signals, ==, 1);
  g_assert_cmpuint (changes.removed, ==, N);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (table)), ==, 0);
  g_assert_null (np_peer_table_lookup (table, 1));
}

/* Clients leaving from here and there: one signal, the others stay in their order. */
static void
test_scattered_disconnects (void)
{
  NpTestChanges changes = { 0 };
  g_autoptr(NpPeerTable) table = table_with_clients (&changes);
  g_autoptr(GPtrArray) batch = new_batch ();
  g_autoptr(GArray) ids = NULL;

  for (guint64 id = 10; id <= N; id += 10)
    add_event (batch, NP_EVENT_DISCONNECTED, id, 0);
  add_event (batch, NP_EVENT_CONNECTED, N + 1, 0);
  add_event (batch, NP_EVENT_CONNECTED, N + 2, 0);
  add_event (batch, NP_EVENT_DISCONNECTED, N + 2, 0);   /* came and went in the same batch */
  changes = (NpTestChanges) { 0 };
  np_peer_table_apply (table, batch, ENDPOINT, NP_MODE_TCP_SERVER);

  g_assert_cmpuint (changes.signals, ==, 1);
  g_assert_cmpuint (changes.position, ==, 9);
  ids = np_peer_table_get_ids (table);
  g_assert_cmpuint (ids->len, ==, N - N / 10 + 1);
  for (guint i = 0; i + 1 < ids->len; i++)
    {
      guint64 expected = i + 1 + i / 9;   /* 1..9, 11..19, … */

      g_assert_cmpuint (g_array_index (ids, guint64, i), ==, expected);
    }
  g_assert_cmpuint (g_array_index (ids, guint64, ids->len - 1), ==, N + 1);
  g_assert_null (np_peer_table_lookup (table, N + 2));
}

/* Snapshots in one batch (the engine publishes at most every 100 ms, a slow consumer may get
 * several): each peer notifies once, and the last totals are the ones shown. Data events do
 * not count: a send to 1,000 clients is one SENT, and it is the snapshot that says who got it. */
static void
test_snapshots_notify_once (void)
{
  NpTestChanges changes = { 0 };
  g_autoptr(NpPeerTable) table = table_with_clients (&changes);
  g_autoptr(GPtrArray) batch = new_batch ();
  NpEvent *sent = np_event_new (NP_EVENT_SENT, ENDPOINT, 0, NULL);
  guint notified = 0;
  guint quiet_notified = 0;

  for (guint64 id = 1; id < N; id++)
    {
      g_signal_connect (np_peer_table_lookup (table, id), "notify::bytes-in", G_CALLBACK (on_notify), &notified);
      add_event (batch, NP_EVENT_RECEIVED, id, 10);
    }
  g_signal_connect (np_peer_table_lookup (table, N), "notify::bytes-in", G_CALLBACK (on_notify), &quiet_notified);
  sent->length = 11;
  sent->n_messages = 1;
  for (guint64 id = 1; id < N; id++)
    np_event_add_sent_peer (sent, id, NULL);
  g_ptr_array_add (batch, sent);
  add_counters (batch, 1, N - 1, 10, 11);
  add_counters (batch, 1, N - 1, 30, 22);
  changes = (NpTestChanges) { 0 };
  np_peer_table_apply (table, batch, ENDPOINT, NP_MODE_TCP_SERVER);

  g_assert_cmpuint (changes.signals, ==, 0);
  g_assert_cmpuint (notified, ==, N - 1);
  g_assert_cmpuint (quiet_notified, ==, 0);
  for (guint64 id = 1; id < N; id++)
    {
      g_assert_cmpuint (np_peer_get_bytes_in (np_peer_table_lookup (table, id)), ==, 30);
      g_assert_cmpuint (np_peer_get_bytes_out (np_peer_table_lookup (table, id)), ==, 22);
    }
  g_assert_cmpuint (np_peer_get_bytes_in (np_peer_table_lookup (table, N)), ==, 0);

  /* The same totals again change nothing, and notify nothing; new bytes out do not make the
   * "In" cells look again. */
  g_ptr_array_set_size (batch, 0);
  add_counters (batch, 1, N - 1, 30, 22);
  notified = 0;
  np_peer_table_apply (table, batch, ENDPOINT, NP_MODE_TCP_SERVER);
  g_assert_cmpuint (notified, ==, 0);
  g_ptr_array_set_size (batch, 0);
  add_counters (batch, 1, N - 1, 30, 40);
  np_peer_table_apply (table, batch, ENDPOINT, NP_MODE_TCP_SERVER);
  g_assert_cmpuint (notified, ==, 0);
  g_assert_cmpuint (np_peer_get_bytes_out (np_peer_table_lookup (table, 1)), ==, 40);
}

/* UDP: a peer appears when first heard; another endpoint's events are not ours. */
static void
test_udp_peers_heard (void)
{
  g_autoptr(NpPeerTable) table = np_peer_table_new ();
  g_autoptr(GPtrArray) batch = new_batch ();
  NpEvent *foreign;

  add_event (batch, NP_EVENT_RECEIVED, 7, 5);
  add_event (batch, NP_EVENT_RECEIVED, 7, 5);
  add_event (batch, NP_EVENT_RECEIVED, 8, 5);
  add_event (batch, NP_EVENT_SENT, 10, 3);     /* sent to, never heard: not listed */
  add_counters (batch, 7, 8, 10, 3);
  foreign = np_event_new (NP_EVENT_RECEIVED, ENDPOINT + 1, 9, "192.0.2.1:9");
  g_ptr_array_add (batch, foreign);
  np_peer_table_apply (table, batch, ENDPOINT, NP_MODE_UDP);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (table)), ==, 2);
  g_assert_cmpuint (np_peer_get_bytes_in (np_peer_table_lookup (table, 7)), ==, 10);
  g_assert_cmpuint (np_peer_get_bytes_out (np_peer_table_lookup (table, 8)), ==, 3);
  g_assert_null (np_peer_table_lookup (table, 9));
  g_assert_null (np_peer_table_lookup (table, 10));

  np_peer_table_clear (table);
  g_assert_null (np_peer_table_lookup (table, 7));
  np_test_wait_for_items (G_LIST_MODEL (table), 0, "the peers to leave the view");
  g_assert_finalize_object (g_steal_pointer (&table));
}

static gboolean
changed_once (gpointer data)
{
  return ((NpTestChanges *) data)->signals > 0;
}

/* Emptying the table (a server stops): every peer is forgotten at once (lookups, ids to send
 * to, counters), the rows without widgets leave the view in one change and the first 200 a
 * chunk every 10 ms, from the end; a peer that comes meanwhile is listed after them and is the
 * only one left. */
static void
test_clear_in_chunks (void)
{
  NpTestChanges changes = { 0 };
  g_autoptr(NpPeerTable) table = table_with_clients (&changes);
  g_autoptr(GPtrArray) batch = new_batch ();
  g_autoptr(GArray) ids = NULL;
  g_autoptr(NpPeer) newcomer = NULL;

  changes = (NpTestChanges) { 0 };
  np_peer_table_clear (table);
  g_assert_cmpuint (changes.signals, ==, 1);
  g_assert_cmpuint (changes.position, ==, 200);
  g_assert_cmpuint (changes.removed, ==, N - 200);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (table)), ==, 200);
  g_assert_null (np_peer_table_lookup (table, 1));
  ids = np_peer_table_get_ids (table);
  g_assert_cmpuint (ids->len, ==, 0);

  /* A client connects while the others leave; their snapshots and disconnects change nothing. */
  add_event (batch, NP_EVENT_CONNECTED, N + 1, 0);
  add_event (batch, NP_EVENT_DISCONNECTED, 5, 0);
  add_counters (batch, 1, 10, 1, 1);
  np_peer_table_apply (table, batch, ENDPOINT, NP_MODE_TCP_SERVER);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (table)), ==, 201);

  changes = (NpTestChanges) { 0 };
  np_test_wait_until (changed_once, &changes, "the first chunk to leave");
  g_assert_cmpuint (changes.signals, ==, 1);
  g_assert_cmpuint (changes.position, ==, 180);
  g_assert_cmpuint (changes.removed, ==, 20);

  np_test_wait_for_items (G_LIST_MODEL (table), 1, "the leaving peers to go");
  newcomer = g_list_model_get_item (G_LIST_MODEL (table), 0);
  g_assert_cmpuint (np_peer_get_id (newcomer), ==, N + 1);
  g_assert_true (np_peer_table_lookup (table, N + 1) == newcomer);
  g_clear_pointer (&ids, g_array_unref);
  ids = np_peer_table_get_ids (table);
  g_assert_cmpuint (ids->len, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/peer-table/connects-are-one-change", test_connects_are_one_change);
  g_test_add_func ("/peer-table/stop-is-one-change", test_stop_is_one_change);
  g_test_add_func ("/peer-table/scattered-disconnects", test_scattered_disconnects);
  g_test_add_func ("/peer-table/snapshots-notify-once", test_snapshots_notify_once);
  g_test_add_func ("/peer-table/clear-in-chunks", test_clear_in_chunks);
  g_test_add_func ("/peer-table/udp-peers-heard", test_udp_peers_heard);

  return g_test_run ();
}
