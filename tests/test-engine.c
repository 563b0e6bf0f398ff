/* NpEngine driven as the window and the CLI drive it, one behaviour per test, each run for
 * TCP and UDP over IPv4 and IPv6 where it applies (data-driven, as GLib's gio/tests do).
 * Real sockets on the loopback. A send is one operation however many peers and messages it
 * has: one SENT event, every byte to every peer in order, exact counter snapshots.
 *
 * The whole program runs with LANGUAGE=zh_TW (a language GLib is translated into and Netpoke
 * is not): every message checked here must come out in Netpoke's own words, whole, never as
 * pieces cut out of GLib's translated text. */
#include <locale.h>
#include <string.h>
#include <sys/socket.h>

#include "np-engine.h"
#include "np-endpoint.h"
#include "np-test-utils.h"

#define N_PEERS 3

typedef struct
{
  const char    *name;
  NpMode         mode;
  GSocketFamily  family;
} Variant;

static const Variant variants[] = {
  { "tcp/ipv4", NP_MODE_TCP_SERVER, G_SOCKET_FAMILY_IPV4 },
  { "tcp/ipv6", NP_MODE_TCP_SERVER, G_SOCKET_FAMILY_IPV6 },
  { "udp/ipv4", NP_MODE_UDP,        G_SOCKET_FAMILY_IPV4 },
  { "udp/ipv6", NP_MODE_UDP,        G_SOCKET_FAMILY_IPV6 },
};

typedef struct
{
  const Variant  *variant;
  NpTestRecorder  recorder;
  NpEngine       *engine;
  guint           endpoint;
  guint16         port;
  GSocketAddress *address;          /* the endpoint's, for datagrams */
  GSocket        *peers[N_PEERS];
  guint64         ids[N_PEERS];
} Fixture;

static gboolean
skip_without_ipv6 (const Variant *variant)
{
  if (variant->family == G_SOCKET_FAMILY_IPV6 && !np_test_have_ipv6 ())
    {
      g_test_skip ("no IPv6 loopback");
      return TRUE;
    }
  return FALSE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->variant = data;
  np_test_recorder_init (&f->recorder);
  f->engine = np_engine_new (NULL, np_test_recorder_on_events, &f->recorder, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < N_PEERS; i++)
    g_clear_object (&f->peers[i]);
  g_clear_object (&f->address);
  np_engine_shutdown (f->engine);
  g_assert_finalize_object (f->engine);
  /* Events still on their way are delivered to the recorder before it goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  np_test_recorder_clear (&f->recorder);
}

/* Starts the variant's endpoint on the loopback, on a port the kernel picks, answering with
 * @responder's rules. */
static void
start_answering (Fixture     *f,
                 const char  *framing,
                 NpResponder *responder)
{
  g_autoptr(NpEndpointConfig) config = np_endpoint_config_new (f->variant->mode);
  g_autoptr(GError) error = NULL;
  NpEvent *event;

  config->bind_address = g_strdup (np_test_loopback (f->variant->family));
  config->responder = responder != NULL ? g_object_ref (responder) : NULL;
  config->publish_counters = TRUE;
  if (framing != NULL)
    {
      config->framer = np_framer_new_from_string (framing, &error);
      g_assert_no_error (error);
    }

  f->endpoint = np_engine_start (f->engine, config);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_LISTENING);
  g_assert_cmpuint (event->endpoint_id, ==, f->endpoint);
  f->port = np_test_port_of (event->peer);
  f->address = np_test_loopback_address (f->variant->family, f->port);
}

static void
start (Fixture    *f,
       const char *framing,
       gboolean    echo)
{
  g_autoptr(NpResponder) responder = echo ? np_responder_new_echo () : NULL;

  start_answering (f, framing, responder);
}

/* N_PEERS peers: TCP clients that connected, or UDP sockets the endpoint has heard from. */
static void
add_peers (Fixture *f)
{
  for (guint i = 0; i < N_PEERS; i++)
    {
      NpEvent *event;

      if (f->variant->mode == NP_MODE_TCP_SERVER)
        {
          f->peers[i] = np_test_tcp_connect (f->variant->family, f->port);
          event = np_test_recorder_wait (&f->recorder, NP_EVENT_CONNECTED);
        }
      else
        {
          f->peers[i] = np_test_udp_socket (f->variant->family);
          /* Room for a whole batch of datagrams sent at once. */
          g_socket_set_option (f->peers[i], SOL_SOCKET, SO_RCVBUF, 1024 * 1024, NULL);
          np_test_send (f->peers[i], f->address, "hello", 5);
          event = np_test_recorder_wait (&f->recorder, NP_EVENT_RECEIVED);
        }
      f->ids[i] = event->peer_id;
    }
}

static void
test_listening (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *expected = NULL;
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  event = g_ptr_array_index (f->recorder.events, 0);
  expected = f->variant->family == G_SOCKET_FAMILY_IPV6 ? g_strdup_printf ("[::1]:%u", f->port)
                                                         : g_strdup_printf ("127.0.0.1:%u", f->port);
  g_assert_cmpstr (event->peer, ==, expected);
  g_assert_cmpuint (f->port, >, 0);
}

static gboolean
names_peer (NpEvent *event,
            guint64  peer_id)
{
  for (guint i = 0; event->peer_ids != NULL && i < event->peer_ids->len; i++)
    if (g_array_index (event->peer_ids, guint64, i) == peer_id)
      return TRUE;
  return FALSE;
}

/* Peers 1 and 3 get the message; peer 2 gets only what is sent to all afterwards, so anything
 * it had wrongly received first would show up in front of it. Each send is ONE event naming
 * the peers that got it. */
static void
test_send_to_selection (Fixture       *f,
                        gconstpointer  data)
{
  guint64 some[] = { 0, 0 };
  g_autoptr(GBytes) to_some = g_bytes_new_static ("to 1 and 3\n", 11);
  g_autoptr(GBytes) to_all = g_bytes_new_static ("to all\n", 7);
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  add_peers (f);
  some[0] = f->ids[0];
  some[1] = f->ids[2];


  np_engine_send (f->engine, f->endpoint, some, G_N_ELEMENTS (some), to_some);
  np_test_expect_text (f->peers[0], "to 1 and 3\n", "peer 1 to get the selected send");
  np_test_expect_text (f->peers[2], "to 1 and 3\n", "peer 3 to get the selected send");
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpuint (event->n_peers, ==, 2);
  g_assert_cmpuint (event->n_messages, ==, 1);
  g_assert_cmpuint (event->length, ==, 11);
  g_assert_false (event->to_all);
  g_assert_cmpuint (event->peer_id, ==, 0);
  g_assert_true (names_peer (event, f->ids[0]) && names_peer (event, f->ids[2]));
  g_assert_false (names_peer (event, f->ids[1]));

  np_engine_send (f->engine, f->endpoint, NULL, 0, to_all);
  np_test_expect_text (f->peers[1], "to all\n", "peer 2 to get only the send to all");
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpuint (event->n_peers, ==, N_PEERS);
  g_assert_true (event->to_all);
}

static void
test_send_to_all (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) to_all = g_bytes_new_static ("to all\n", 7);

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  add_peers (f);

  np_engine_send (f->engine, f->endpoint, NULL, 0, to_all);
  for (guint i = 0; i < N_PEERS; i++)
    np_test_expect_text (f->peers[i], "to all\n", "every peer to get the send to all");
}

#define BATCH_MESSAGES 200

/* Messages of different lengths, so that one out of place shows. */
static NpSendBatch *
make_batch (GString *expected)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < BATCH_MESSAGES; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u:%.*s\n", i, (int) (i % 37), "abcdefghijklmnopqrstuvwxyz0123456789");

      g_string_append (expected, text);
      g_ptr_array_add (messages, g_bytes_new (text, strlen (text)));
    }

  return np_send_batch_new ((GBytes * const *) messages->pdata, messages->len);
}

/* Many messages to every peer as ONE operation (one command, one gathered write per TCP
 * client, sendmmsg for UDP): every peer gets every byte in order, one SENT event says how much
 * went to how many, and the counter snapshots reach every peer's exact totals. */
static void
test_batch_to_all (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(NpSendBatch) batch = make_batch (expected);
  g_autoptr(GBytes) last = g_bytes_new_static ("last\n", 5);
  guint64 bytes_in = f->variant->mode == NP_MODE_UDP ? 5 : 0;
  guint done = 0;
  NpPeerCounters latest[N_PEERS] = { { 0 } };
  gsize total;
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  add_peers (f);
  g_assert_cmpuint (np_send_batch_get_n_messages (batch), ==, BATCH_MESSAGES);
  g_assert_cmpuint (np_send_batch_get_size (batch), ==, expected->len);

  np_engine_send_batch (f->engine, f->endpoint, NULL, 0, batch);
  np_engine_send (f->engine, f->endpoint, NULL, 0, last);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpuint (event->n_messages, ==, BATCH_MESSAGES);
  g_assert_cmpuint (event->n_peers, ==, N_PEERS);
  g_assert_cmpuint (event->length, ==, expected->len);
  g_assert_true (event->to_all);
  g_assert_cmpmem (g_bytes_get_data (event->payload, NULL), event->length, expected->str, expected->len);
  for (guint i = 0; i < N_PEERS; i++)
    g_assert_true (names_peer (event, f->ids[i]));
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpuint (event->n_messages, ==, 1);
  g_assert_cmpuint (event->n_peers, ==, N_PEERS);

  g_string_append (expected, "last\n");
  total = expected->len;
  for (guint i = 0; i < N_PEERS; i++)
    np_test_expect_received (f->peers[i], expected->str, total, "every message, in order");

  /* Snapshots carry absolute counters: the latest of each peer reaches its totals. */
  while (done < N_PEERS)
    {
      event = np_test_recorder_wait (&f->recorder, NP_EVENT_COUNTERS);
      for (guint c = 0; c < event->counters->len; c++)
        for (guint i = 0; i < N_PEERS; i++)
          {
            NpPeerCounters *counters = &g_array_index (event->counters, NpPeerCounters, c);

            if (counters->peer_id != f->ids[i])
              continue;
            if (counters->messages_out == BATCH_MESSAGES + 1 && latest[i].messages_out != BATCH_MESSAGES + 1)
              done++;
            latest[i] = *counters;
          }
    }
  for (guint i = 0; i < N_PEERS; i++)
    {
      g_assert_cmpuint (latest[i].bytes_out, ==, total);
      g_assert_cmpuint (latest[i].bytes_in, ==, bytes_in);
      g_assert_cmpuint (latest[i].messages_in, ==, bytes_in > 0 ? 1 : 0);
    }

  np_engine_stop (f->engine, f->endpoint);
  if (f->variant->mode == NP_MODE_TCP_SERVER)
    for (guint i = 0; i < N_PEERS; i++)
      {
        event = np_test_recorder_wait (&f->recorder, NP_EVENT_DISCONNECTED);
        g_assert_cmpuint (event->bytes_out, ==, total);
        g_assert_cmpuint (event->messages_out, ==, BATCH_MESSAGES + 1);
      }
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_STOPPED);
  g_assert_cmpuint (event->bytes_out, ==, N_PEERS * total);
  g_assert_cmpuint (event->messages_out, ==, N_PEERS * (BATCH_MESSAGES + 1));
}

static void
test_unknown_peer (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("x", 1);
  guint64 unknown = 999;
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  np_engine_send (f->engine, f->endpoint, &unknown, 1, payload);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_ERROR);
  g_assert_cmpstr (event->message, ==,
                   f->variant->mode == NP_MODE_UDP ? "Not sent to peer #999: never heard from"
                                                   : "Not sent to client #999: it is not connected");

  np_engine_disconnect_peer (f->engine, f->endpoint, unknown);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_ERROR);
  g_assert_cmpstr (event->message, ==, "No connected peer #999");
}

static void
test_unknown_endpoint (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("x", 1);
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  np_engine_send (f->engine, f->endpoint + 41, NULL, 0, payload);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_ERROR);
  g_assert_cmpuint (event->endpoint_id, ==, f->endpoint + 41);
  g_assert_cmpstr (event->message, ==, "The endpoint is not running");
}

/* Stopping closes every client (TCP) and reports the endpoint's exact totals; each client the
 * stop closed says so (in_bulk), and STOPPED counts them, for the window's one row. */
static void
test_stop_reports_totals (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) to_all = g_bytes_new_static ("to all\n", 7);
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  add_peers (f);
  np_engine_send (f->engine, f->endpoint, NULL, 0, to_all);
  for (guint i = 0; i < N_PEERS; i++)
    np_test_expect_text (f->peers[i], "to all\n", "every peer to get the message");

  np_engine_stop (f->engine, f->endpoint);
  if (f->variant->mode == NP_MODE_TCP_SERVER)
    for (guint i = 0; i < N_PEERS; i++)
      {
        event = np_test_recorder_wait (&f->recorder, NP_EVENT_DISCONNECTED);
        g_assert_cmpstr (event->message, ==, "Stopped by user");
        g_assert_true (event->in_bulk);
        np_test_expect_eof (f->peers[i], "each client to see the end of the stream");
      }
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_STOPPED);
  g_assert_false (event->failed);
  g_assert_cmpstr (event->message, ==, "Stopped by user");
  g_assert_cmpuint (event->bytes_out, ==, N_PEERS * 7);
  g_assert_cmpuint (event->messages_out, ==, N_PEERS);
  g_assert_cmpuint (event->bytes_in, ==, f->variant->mode == NP_MODE_UDP ? N_PEERS * 5 : 0);
  g_assert_cmpuint (event->n_peers, ==, f->variant->mode == NP_MODE_UDP ? 0 : N_PEERS);
}

/* TCP: the chosen client is closed, the others keep going. */
static void
test_disconnect_peer (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) to_all = g_bytes_new_static ("still here\n", 11);
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  add_peers (f);

  np_engine_disconnect_peer (f->engine, f->endpoint, f->ids[1]);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_DISCONNECTED);
  g_assert_cmpuint (event->peer_id, ==, f->ids[1]);
  g_assert_cmpstr (event->message, ==, "Disconnected by user");
  g_assert_false (event->failed);
  g_assert_false (event->in_bulk);
  np_test_expect_eof (f->peers[1], "the disconnected client to see the end of the stream");

  np_engine_send (f->engine, f->endpoint, NULL, 0, to_all);
  np_test_expect_text (f->peers[0], "still here\n", "client 1 to stay connected");
  np_test_expect_text (f->peers[2], "still here\n", "client 3 to stay connected");

  /* The stop closes the two left, and counts only them. */
  np_engine_stop (f->engine, f->endpoint);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_STOPPED);
  g_assert_cmpuint (event->n_peers, ==, N_PEERS - 1);
}

/* TCP: Disconnect All closes every client and keeps listening. Each client has its own
 * DISCONNECTED with its exact final counters (marked in_bulk), then one DISCONNECTED_ALL counts
 * them, for the window's one row; a client that left on its own before is not counted. */
static void
test_disconnect_all (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GBytes) to_all = g_bytes_new_static ("to all\n", 7);
  g_autoptr(GSocket) late = NULL;
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  add_peers (f);
  np_engine_send (f->engine, f->endpoint, NULL, 0, to_all);
  for (guint i = 0; i < N_PEERS; i++)
    np_test_expect_text (f->peers[i], "to all\n", "every client to get the message");
  /* Client i + 1 says i + 1 bytes, so each one's counters are its own. */
  for (guint i = 1; i < N_PEERS; i++)
    {
      np_test_send (f->peers[i], NULL, "abc", i + 1);
      event = np_test_recorder_wait (&f->recorder, NP_EVENT_RECEIVED);
      g_assert_cmpuint (event->length, ==, i + 1);
    }

  /* Client 1 goes on its own, with a reset (SO_LINGER 0) so the server sees it at once. */
  np_test_tcp_reset (f->peers[0]);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_DISCONNECTED);
  g_assert_cmpuint (event->peer_id, ==, f->ids[0]);
  g_assert_false (event->in_bulk);

  np_engine_disconnect_all (f->engine, f->endpoint);
  for (guint i = 1; i < N_PEERS; i++)
    {
      event = np_test_recorder_wait (&f->recorder, NP_EVENT_DISCONNECTED);
      g_assert_cmpuint (event->peer_id, ==, f->ids[i]);
      g_assert_cmpstr (event->message, ==, "Disconnected by user (all clients)");
      g_assert_true (event->in_bulk);
      g_assert_false (event->failed);
      g_assert_cmpuint (event->bytes_in, ==, i + 1);
      g_assert_cmpuint (event->messages_in, ==, 1);
      g_assert_cmpuint (event->bytes_out, ==, 7);
      g_assert_cmpuint (event->messages_out, ==, 1);
      np_test_expect_eof (f->peers[i], "each client to see the end of the stream");
    }
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_DISCONNECTED_ALL);
  g_assert_cmpuint (event->endpoint_id, ==, f->endpoint);
  g_assert_cmpuint (event->peer_id, ==, 0);
  g_assert_cmpstr (event->message, ==, "Disconnected by user (all clients)");
  g_assert_cmpuint (event->n_peers, ==, N_PEERS - 1);

  /* With no client left it still answers, counting none. */
  np_engine_disconnect_all (f->engine, f->endpoint);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_DISCONNECTED_ALL);
  g_assert_cmpuint (event->n_peers, ==, 0);

  /* Still listening; a later stop counts only its own. */
  late = np_test_tcp_connect (f->variant->family, f->port);
  np_test_recorder_wait (&f->recorder, NP_EVENT_CONNECTED);
  np_engine_stop (f->engine, f->endpoint);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_DISCONNECTED);
  g_assert_true (event->in_bulk);
  g_assert_cmpstr (event->message, ==, "Stopped by user");
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_STOPPED);
  g_assert_cmpuint (event->n_peers, ==, 1);
}

/* Echo sends every message back to its sender, once. */
static void
test_echo (Fixture       *f,
           gconstpointer  data)
{
  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, TRUE);
  add_peers (f);
  if (f->variant->mode == NP_MODE_UDP)
    np_test_expect_text (f->peers[0], "hello", "the first datagram back");
  else
    {
      np_test_send (f->peers[0], NULL, "ping\n", 5);
      np_test_expect_text (f->peers[0], "ping\n", "the line back");
    }
}

/* Reply rules answer the sender, after a rule's delay if it has one, and their SENT events
 * name the rule; new rules apply to the next message, and without rules nothing answers. */
static void
test_rules (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) np_reply_rule_free);
  g_autoptr(NpResponder) responder = NULL;
  g_autoptr(NpResponder) echo = np_responder_new_echo ();
  g_autoptr(GBytes) marker = g_bytes_new_static ("marker\n", 7);
  g_autoptr(GError) error = NULL;
  NpReplyRule *late = np_reply_rule_new (NP_MATCH_TEXT, "late", NP_REPLY_TEXT, "late answer\\n");
  NpEvent *event;
  gint64 sent_at;

  if (skip_without_ipv6 (f->variant))
    return;

  g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_REGEX, "^ping(\\d)", NP_REPLY_TEXT, "pong\\1\\n"));
  late->delay_ms = 300;
  g_ptr_array_add (rules, late);
  responder = np_responder_new (rules, NP_ENCODING_UTF8, NP_ENCODING_UTF8, &error);
  g_assert_no_error (error);
  start_answering (f, NULL, responder);
  add_peers (f);

  np_test_send (f->peers[1], f->address, "ping7\n", 6);
  np_test_expect_text (f->peers[1], "pong7\n", "the first rule's answer");
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpuint (event->reply_rule, ==, 1);
  g_assert_cmpuint (event->peer_id, ==, f->ids[1]);
  g_assert_cmpuint (event->n_peers, ==, 1);

  sent_at = g_get_monotonic_time ();
  np_test_send (f->peers[1], f->address, "late\n", 5);
  np_test_expect_text (f->peers[1], "late answer\n", "the delayed answer");
  g_assert_cmpint (g_get_monotonic_time () - sent_at, >=, 300 * 1000);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpuint (event->reply_rule, ==, 2);

  /* Commands run in order: once the marker has arrived, the new rules are in place. */
  np_engine_set_responder (f->engine, f->endpoint, echo);
  np_engine_send (f->engine, f->endpoint, &f->ids[2], 1, marker);
  np_test_expect_text (f->peers[2], "marker\n", "the marker after the new rules");
  np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  np_test_send (f->peers[2], f->address, "again\n", 6);
  np_test_expect_text (f->peers[2], "again\n", "the new rules' answer (echo)");
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpuint (event->reply_rule, ==, 1);

  /* No rules: the message is not answered; the next thing peer 3 reads is the marker. */
  np_engine_set_responder (f->engine, f->endpoint, NULL);
  np_engine_send (f->engine, f->endpoint, &f->ids[2], 1, marker);
  np_test_expect_text (f->peers[2], "marker\n", "the marker after removing the rules");
  np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  np_test_send (f->peers[2], f->address, "ping1\n", 6);
  np_test_recorder_wait (&f->recorder, NP_EVENT_RECEIVED);
  np_engine_send (f->engine, f->endpoint, &f->ids[2], 1, marker);
  np_test_expect_text (f->peers[2], "marker\n", "the marker, with no answer before it");
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpuint (event->reply_rule, ==, 0);
}

/* A file of @size random bytes in a temporary folder; its path in @path. */
static GFile *
random_file (gsize    size,
             GBytes **contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("netpoke-engine-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "payload.bin", NULL);
  guint8 *data = g_malloc (size);

  g_assert_no_error (error);
  for (gsize i = 0; i < size; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (data + i, &r, MIN (4, size - i));
    }
  g_assert_true (g_file_set_contents (path, (const char *) data, size, &error));
  g_assert_no_error (error);
  *contents = g_bytes_new_take (data, size);
  return g_file_new_for_path (path);
}

static void
remove_file (GFile *file)
{
  g_autoptr(GFile) dir = g_file_get_parent (file);

  g_file_delete (file, NULL, NULL);
  g_file_delete (dir, NULL, NULL);
}

/* A file to every client: all of it reaches each (read side by side: the file goes at the
 * slowest one's pace), one SENT event names the file and the three, FILE events count up to
 * its size, and the connections stay open. With finish_writing, the peer reads the end. */
static void
test_send_file (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GFile) file = random_file (5 * 1024 * 1024 + 3, &contents);
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GBytes) marker = g_bytes_new_static ("marker", 6);
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, NULL, FALSE);
  add_peers (f);
  np_engine_send_file (f->engine, f->endpoint, NULL, 0, file, FALSE);
  got = np_test_receive_together (f->peers, N_PEERS, g_bytes_get_size (contents), "the file at every client");
  for (guint i = 0; i < N_PEERS; i++)
    g_assert_cmpmem (((GByteArray *) got->pdata[i])->data, ((GByteArray *) got->pdata[i])->len,
                     g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));

  event = np_test_recorder_wait (&f->recorder, NP_EVENT_FILE);
  g_assert_cmpstr (event->file, ==, name);
  g_assert_cmpuint (event->length, ==, 0);
  g_assert_cmpuint (event->total, ==, g_bytes_get_size (contents));
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpstr (event->file, ==, name);
  g_assert_cmpuint (event->n_peers, ==, N_PEERS);
  g_assert_cmpuint (event->n_messages, ==, 1);
  g_assert_cmpuint (event->length, ==, g_bytes_get_size (contents));
  g_assert_true (event->to_all);
  g_assert_null (event->payload);

  np_engine_send (f->engine, f->endpoint, NULL, 0, marker);
  for (guint i = 0; i < N_PEERS; i++)
    np_test_expect_text (f->peers[i], "marker", "each client still connected after the file");

  /* finish_writing: the file, then the end of the stream for that client only. */
  np_engine_send_file (f->engine, f->endpoint, &f->ids[1], 1, file, TRUE);
  g_clear_pointer (&got, g_ptr_array_unref);
  got = np_test_receive_together (&f->peers[1], 1, g_bytes_get_size (contents), "the file again");
  g_assert_cmpuint (((GByteArray *) got->pdata[0])->len, ==, g_bytes_get_size (contents));
  np_test_expect_eof (f->peers[1], "the half-close after the last byte");
  np_engine_send (f->engine, f->endpoint, &f->ids[2], 1, marker);
  np_test_expect_text (f->peers[2], "marker", "the other clients untouched by the half-close");

  remove_file (file);
}

/* Cancelled in the middle of a length-prefixed message: the peer would read what comes next as
 * the rest of the file, so its connection ends, with that reason; the others stay. */
static void
test_cancel_framed_file (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GFile) file = random_file (64 * 1024 * 1024, &contents);
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GBytes) marker = g_bytes_new_static ("marker", 6);
  NpEvent *event;

  start (f, "u32be", FALSE);
  add_peers (f);
  /* A small receive buffer: with the kernel's autotuning (tcp_rmem up to 32 MiB here) the whole
   * file could be on its way before the cancel, and the test would wait for a failure that
   * never comes (it did, one run in four). */
  g_socket_set_option (f->peers[0], SOL_SOCKET, SO_RCVBUF, 64 * 1024, NULL);
  np_engine_send_file (f->engine, f->endpoint, &f->ids[0], 1, file, FALSE);
  got = np_test_receive_together (&f->peers[0], 1, 1024 * 1024, "the first megabyte");
  g_assert_cmpmem (((GByteArray *) got->pdata[0])->data, 4, "\x04\x00\x00\x00", 4);
  np_engine_cancel_file (f->engine, f->endpoint);

  do
    event = np_test_recorder_wait (&f->recorder, NP_EVENT_FILE);
  while (!event->failed);
  g_assert_nonnull (strstr (event->message, "stopped after"));
  g_assert_nonnull (strstr (event->message, "of 67108864 bytes: cancelled"));
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_DISCONNECTED);
  g_assert_cmpuint (event->peer_id, ==, f->ids[0]);
  g_assert_cmpstr (event->message, ==, "The file transfer stopped in the middle of a length-prefixed message");

  np_engine_send (f->engine, f->endpoint, &f->ids[1], 1, marker);
  np_test_expect_received (f->peers[1], "\x00\x00\x00\x06marker", 10, "another client still connected");
  remove_file (file);
}

/* ---- framing: the engine adds the header, once, for every way of sending --------------- */

typedef struct
{
  const char    *path;
  const Variant *variant;
  const char    *spec;
  const char    *header;        /* what goes in front of the 4-byte "ping" */
  gsize          header_length;
} FramingCase;

static const FramingCase framing_cases[] = {
  { "/engine/tcp/ipv4/framing/ascii16", &variants[0], "ascii16", "4               ", 16 },
  { "/engine/tcp/ipv6/framing/ascii16", &variants[1], "ascii16", "4               ", 16 },
  { "/engine/tcp/ipv4/framing/u16be", &variants[0], "u16be", "\x00\x04", 2 },
  { "/engine/tcp/ipv4/framing/u32le", &variants[0], "u32le", "\x04\x00\x00\x00", 4 },
};

static void
framing_set_up (Fixture       *f,
                gconstpointer  data)
{
  const FramingCase *framing = data;

  fixture_set_up (f, framing->variant);
}

static GBytes *
framed (const FramingCase *framing,
        const char        *payload)
{
  GByteArray *bytes = g_byte_array_new ();

  g_byte_array_append (bytes, (const guint8 *) framing->header, framing->header_length);
  g_byte_array_append (bytes, (const guint8 *) payload, strlen (payload));
  return g_byte_array_free_to_bytes (bytes);
}

/* A send names the payload only: the engine frames it (the window used to send it bare). */
static void
test_framing_send (Fixture       *f,
                   gconstpointer  data)
{
  const FramingCase *framing = data;
  g_autoptr(GBytes) payload = g_bytes_new_static ("ping", 4);
  g_autoptr(GBytes) expected = framed (framing, "ping");

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, framing->spec, FALSE);
  add_peers (f);
  np_engine_send (f->engine, f->endpoint, &f->ids[1], 1, payload);
  np_test_expect_received (f->peers[1], g_bytes_get_data (expected, NULL), g_bytes_get_size (expected),
                           "the framed message");
}

/* Echo frames through the same path: one header, not two. */
static void
test_framing_echo (Fixture       *f,
                   gconstpointer  data)
{
  const FramingCase *framing = data;
  g_autoptr(GBytes) message = framed (framing, "ping");

  if (skip_without_ipv6 (f->variant))
    return;

  start (f, framing->spec, TRUE);
  add_peers (f);
  np_test_send (f->peers[0], NULL, g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  np_test_expect_received (f->peers[0], g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                           "the echo, framed once");
}

/* A batch is framed message by message: each gets its own header. */
static void
test_framing_batch (Fixture       *f,
                    gconstpointer  data)
{
  GBytes *parts[] = { g_bytes_new_static ("ab", 2), g_bytes_new_static ("cde", 3) };
  g_autoptr(NpSendBatch) batch = np_send_batch_new (parts, G_N_ELEMENTS (parts));
  NpEvent *event;

  start (f, "u16be", FALSE);
  add_peers (f);
  np_engine_send_batch (f->engine, f->endpoint, &f->ids[2], 1, batch);
  np_test_expect_received (f->peers[2], "\x00\x02" "ab" "\x00\x03" "cde", 9, "two framed messages");
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_SENT);
  g_assert_cmpuint (event->n_messages, ==, 2);
  g_assert_cmpuint (event->length, ==, 9);
  g_assert_cmpuint (event->peer_id, ==, f->ids[2]);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    g_bytes_unref (parts[i]);
}

/* A payload the header cannot express is refused with the reason, and nothing is sent. */
static void
test_framing_too_long (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *long_text = g_strnfill (300, 'x');
  g_autoptr(GBytes) too_long = g_bytes_new (long_text, 300);
  g_autoptr(GBytes) fits = g_bytes_new_static ("ok", 2);
  NpEvent *event;

  start (f, "u8", FALSE);
  add_peers (f);
  np_engine_send (f->engine, f->endpoint, NULL, 0, too_long);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_ERROR);
  g_assert_cmpstr (event->message, ==, "Not sent: A 300-byte message does not fit framing u8 (at most 255 bytes)");
  np_engine_send (f->engine, f->endpoint, &f->ids[0], 1, fits);
  np_test_expect_received (f->peers[0], "\x02ok", 3, "only the message that fits");
}

/* ---- failures, in the engine's own words -------------------------------------------------- */

/* The port is taken: the reason comes from the error code, whatever language GLib speaks. */
static void
test_bind_in_use (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(NpEndpointConfig) config = np_endpoint_config_new (f->variant->mode);
  g_autoptr(GSocket) busy = NULL;
  g_autofree char *expected = NULL;
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  busy = f->variant->mode == NP_MODE_UDP ? np_test_udp_socket (f->variant->family)
                                          : np_test_tcp_listen (f->variant->family);
  config->bind_address = g_strdup (np_test_loopback (f->variant->family));
  config->port = np_test_local_port (busy);
  f->endpoint = np_engine_start (f->engine, config);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_STOPPED);
  g_assert_true (event->failed);
  expected = f->variant->family == G_SOCKET_FAMILY_IPV6
             ? g_strdup_printf ("Cannot bind [::1]:%u: the address is already in use", config->port)
             : g_strdup_printf ("Cannot bind 127.0.0.1:%u: the address is already in use", config->port);
  g_assert_cmpstr (event->message, ==, expected);
}

/* A client: what it sends is framed, and a refused connection is said in Netpoke's words. */
static void
test_client (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(NpEndpointConfig) config = np_endpoint_config_new (NP_MODE_TCP_CLIENT);
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) accepted = NULL;
  g_autoptr(GBytes) payload = g_bytes_new_static ("ping", 4);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  NpEvent *event;
  guint16 port;

  if (skip_without_ipv6 (f->variant))
    return;

  listener = np_test_tcp_listen (f->variant->family);
  port = np_test_local_port (listener);
  config->host = g_strdup (np_test_loopback (f->variant->family));
  config->remote_port = port;
  config->framer = np_framer_new_from_string ("u16be", &error);
  g_assert_no_error (error);
  f->endpoint = np_engine_start (f->engine, config);
  accepted = np_test_tcp_accept (listener);
  np_test_recorder_wait (&f->recorder, NP_EVENT_CONNECTED);
  np_engine_send (f->engine, f->endpoint, NULL, 0, payload);
  np_test_expect_received (accepted, "\x00\x04ping", 6, "the framed message from the client");

  /* Nobody listens there any more: refused. */
  g_socket_close (listener, NULL);
  f->endpoint = np_engine_start (f->engine, config);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_STOPPED);
  while (event->endpoint_id != f->endpoint)
    event = np_test_recorder_wait (&f->recorder, NP_EVENT_STOPPED);
  g_assert_true (event->failed);
  expected = f->variant->family == G_SOCKET_FAMILY_IPV6
             ? g_strdup_printf ("Could not connect to [::1]:%u: connection refused", port)
             : g_strdup_printf ("Could not connect to 127.0.0.1:%u: connection refused", port);
  g_assert_cmpstr (event->message, ==, expected);
}

/* ---- the event queue's byte budget ------------------------------------------------------------ */

#define BUDGET_CLIENTS 256

/* One 64 KiB line to 256 clients must not count as 16 MiB of undelivered events: that paused
 * every reader of every endpoint until the consumer caught up (issue 9). The consumer context
 * is not iterated between the send and the check, so nothing is drained in between; joining
 * the engine thread makes sure everything it had to report is queued. */
static void
test_broadcast_byte_budget (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *line = g_strnfill (64 * 1024, 'x');
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);

  line[64 * 1024 - 1] = '\n';
  payload = g_bytes_new (line, 64 * 1024);
  start (f, NULL, FALSE);
  for (guint i = 0; i < BUDGET_CLIENTS; i++)
    g_ptr_array_add (clients, np_test_tcp_connect (f->variant->family, f->port));
  for (guint i = 0; i < BUDGET_CLIENTS; i++)
    np_test_recorder_wait (&f->recorder, NP_EVENT_CONNECTED);

  np_engine_send (f->engine, f->endpoint, NULL, 0, payload);
  for (guint i = 0; i < BUDGET_CLIENTS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *got = g_malloc (64 * 1024);
      gsize have = 0;

      /* Blocking reads: iterating the main context here would drain the queue. */
      g_socket_set_timeout (g_ptr_array_index (clients, i), NP_TEST_WAIT_SECONDS);
      while (have < 64 * 1024)
        {
          gssize n = g_socket_receive (g_ptr_array_index (clients, i), got + have, 64 * 1024 - have,
                                       NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpint (n, >, 0);
          have += n;
        }
      g_assert_cmpmem (got, have, line, 64 * 1024);
    }
  np_engine_shutdown (f->engine);

  g_assert_false (np_event_queue_is_congested (np_engine_get_queue (f->engine)));
}

/* ---- lifetime ------------------------------------------------------------------------------ */

static GThread *finalized_on;

static void
on_engine_finalized (gpointer  data,
                     GObject  *where_the_object_was)
{
  finalized_on = g_thread_self ();
}

/* The consumer's unref is always the last: a command still queued on the engine thread never
 * keeps the engine alive (it would be dropped there, and the engine would join its own
 * thread). Runs in a subprocess: before the fix this aborted. */
static void
test_last_reference (void)
{
  if (g_test_subprocess ())
    {
      NpTestRecorder recorder;
      g_autoptr(GBytes) payload = g_bytes_new_static ("x", 1);

      np_test_recorder_init (&recorder);
      for (guint i = 0; i < 200; i++)
        {
          NpEngine *engine = np_engine_new (NULL, np_test_recorder_on_events, &recorder, NULL);

          finalized_on = NULL;
          g_object_weak_ref (G_OBJECT (engine), on_engine_finalized, NULL);
          np_engine_send (engine, 1, NULL, 0, payload);
          np_engine_stop (engine, 1);
          g_object_unref (engine);
          g_assert_true (finalized_on == g_thread_self ());
        }
      while (g_main_context_iteration (NULL, FALSE))
        ;
      np_test_recorder_clear (&recorder);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* An endpoint run by hand on this thread: once stopped and released, nothing keeps it (its
 * connections and sources refer to it without owning it). */
static void
test_endpoint_finalized (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(NpEventQueue) queue = np_event_queue_new (NULL, np_test_recorder_on_events, &f->recorder, NULL);
  g_autoptr(NpEndpointConfig) config = np_endpoint_config_new (f->variant->mode);
  NpEndpoint *endpoint;
  NpEvent *event;

  if (skip_without_ipv6 (f->variant))
    return;

  config->bind_address = g_strdup (np_test_loopback (f->variant->family));
  endpoint = np_endpoint_new_for_config (7, config, queue);
  np_endpoint_start (endpoint);
  event = np_test_recorder_wait (&f->recorder, NP_EVENT_LISTENING);
  f->port = np_test_port_of (event->peer);
  f->address = np_test_loopback_address (f->variant->family, f->port);
  add_peers (f);

  np_endpoint_stop (endpoint, "done");
  np_test_recorder_wait (&f->recorder, NP_EVENT_STOPPED);
  g_assert_finalize_object (endpoint);
  np_event_queue_close (queue);
}

int
main (int    argc,
      char **argv)
{
  /* See the top of the file: GLib speaks Chinese (Taiwan) here, Netpoke English. */
  g_setenv ("LANGUAGE", "zh_TW", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      const Variant *v = &variants[i];
      struct { const char *name; void (*func) (Fixture *, gconstpointer); gboolean tcp_only; } tests[] = {
        { "listening", test_listening, FALSE },
        { "send-to-selection", test_send_to_selection, FALSE },
        { "send-to-all", test_send_to_all, FALSE },
        { "batch-to-all", test_batch_to_all, FALSE },
        { "unknown-peer", test_unknown_peer, FALSE },
        { "unknown-endpoint", test_unknown_endpoint, FALSE },
        { "stop-reports-totals", test_stop_reports_totals, FALSE },
        { "disconnect-peer", test_disconnect_peer, TRUE },
        { "disconnect-all", test_disconnect_all, TRUE },
        { "echo", test_echo, FALSE },
        { "rules", test_rules, FALSE },
        { "bind-in-use", test_bind_in_use, FALSE },
        { "client", test_client, TRUE },
        { "endpoint-finalized", test_endpoint_finalized, FALSE },
      };

      for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
        {
          g_autofree char *path = NULL;

          if (tests[t].tcp_only && v->mode != NP_MODE_TCP_SERVER)
            continue;
          path = g_strdup_printf ("/engine/%s/%s", v->name, tests[t].name);
          g_test_add (path, Fixture, v, fixture_set_up, tests[t].func, fixture_tear_down);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (framing_cases); i++)
    {
      g_autofree char *echo_path = g_strdup_printf ("%s/echo", framing_cases[i].path);

      g_test_add (framing_cases[i].path, Fixture, &framing_cases[i], framing_set_up, test_framing_send,
                  fixture_tear_down);
      g_test_add (echo_path, Fixture, &framing_cases[i], framing_set_up, test_framing_echo,
                  fixture_tear_down);
    }
  g_test_add ("/engine/tcp/ipv4/framing/too-long", Fixture, &variants[0], fixture_set_up,
              test_framing_too_long, fixture_tear_down);
  g_test_add ("/engine/tcp/ipv4/framing/batch", Fixture, &variants[0], fixture_set_up,
              test_framing_batch, fixture_tear_down);
  g_test_add ("/engine/tcp/ipv4/send-file", Fixture, &variants[0], fixture_set_up,
              test_send_file, fixture_tear_down);
  g_test_add ("/engine/tcp/ipv6/send-file", Fixture, &variants[1], fixture_set_up,
              test_send_file, fixture_tear_down);
  g_test_add ("/engine/tcp/ipv4/cancel-framed-file", Fixture, &variants[0], fixture_set_up,
              test_cancel_framed_file, fixture_tear_down);
  g_test_add ("/engine/tcp/ipv4/broadcast-byte-budget", Fixture, &variants[0], fixture_set_up,
              test_broadcast_byte_budget, fixture_tear_down);
  g_test_add_func ("/engine/last-reference-on-consumer-thread", test_last_reference);

  return g_test_run ();
}
