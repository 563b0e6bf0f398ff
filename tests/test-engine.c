/* NpEngine driven directly, as the GUI will: send to a selection of clients, disconnect one,
 * errors for unknown peers and endpoints, stop. Real sockets on loopback. */
#include <string.h>

#include "np-engine.h"

typedef struct
{
  GPtrArray *events;   /* NpEvent*, everything seen so far */
  guint      next;     /* first event not yet looked at by wait_for() */
} Recorder;

static void
on_events (GPtrArray *batch,
           gpointer   user_data)
{
  Recorder *recorder = user_data;

  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (recorder->events, np_event_ref (g_ptr_array_index (batch, i)));
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until an event of @kind arrives (10 s at most). */
static NpEvent *
wait_for (Recorder    *recorder,
          NpEventKind  kind)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (10, on_timeout, &timed_out);

  for (;;)
    {
      for (; recorder->next < recorder->events->len; recorder->next++)
        {
          NpEvent *event = g_ptr_array_index (recorder->events, recorder->next);

          if (event->kind == kind)
            {
              recorder->next++;
              g_source_remove (timeout_id);
              return event;
            }
        }
      if (timed_out)
        g_error ("no %s event within 10 s", np_event_kind_to_string (kind));
      g_main_context_iteration (NULL, TRUE);
    }
}

static GSocket *
connect_to (guint16 port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_timeout (socket, 10);
  return socket;
}

static char *
receive_some (GSocket *socket)
{
  char buffer[256];
  g_autoptr(GError) error = NULL;
  gssize n = g_socket_receive (socket, buffer, sizeof buffer - 1, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (n, >=, 0);
  return g_strndup (buffer, n);
}

static void
test_selection_and_disconnect (void)
{
  Recorder recorder = { g_ptr_array_new_with_free_func ((GDestroyNotify) np_event_unref), 0 };
  g_autoptr(NpEngine) engine = np_engine_new (NULL, on_events, &recorder, NULL);
  g_autoptr(NpEndpointConfig) config = np_endpoint_config_new (NP_MODE_TCP_SERVER);
  g_autoptr(GBytes) to_some = g_bytes_new_static ("to 1 and 3\n", 11);
  g_autoptr(GBytes) to_all = g_bytes_new_static ("to all\n", 7);
  GSocket *clients[3];
  guint64 ids[3];
  NpEvent *event;
  guint endpoint;
  guint16 port;

  config->bind_address = g_strdup ("127.0.0.1");
  endpoint = np_engine_start (engine, config);
  event = wait_for (&recorder, NP_EVENT_LISTENING);
  g_assert_cmpuint (event->endpoint_id, ==, endpoint);
  port = (guint16) atoi (strrchr (event->peer, ':') + 1);
  g_assert_cmpuint (port, >, 0);

  for (guint i = 0; i < 3; i++)
    {
      clients[i] = connect_to (port);
      event = wait_for (&recorder, NP_EVENT_CONNECTED);
      ids[i] = event->peer_id;
    }

  /* Send to a selection: clients 1 and 3 only. */
  {
    guint64 some[] = { ids[0], ids[2] };
    g_autofree char *first = NULL;
    g_autofree char *third = NULL;

    np_engine_send (engine, endpoint, some, 2, to_some);
    g_assert_cmpuint (wait_for (&recorder, NP_EVENT_SENT)->peer_id, !=, ids[1]);
    g_assert_cmpuint (wait_for (&recorder, NP_EVENT_SENT)->peer_id, !=, ids[1]);
    first = receive_some (clients[0]);
    third = receive_some (clients[2]);
    g_assert_cmpstr (first, ==, "to 1 and 3\n");
    g_assert_cmpstr (third, ==, "to 1 and 3\n");
  }

  /* Disconnect client 2: it sees EOF, the others stay. */
  np_engine_disconnect_peer (engine, endpoint, ids[1]);
  event = wait_for (&recorder, NP_EVENT_DISCONNECTED);
  g_assert_cmpuint (event->peer_id, ==, ids[1]);
  g_assert_cmpstr (event->message, ==, "Disconnected by user");
  g_assert_false (event->failed);
  {
    g_autofree char *eof = receive_some (clients[1]);
    g_assert_cmpstr (eof, ==, "");
  }

  /* Broadcast now reaches the two left, and client 2 got nothing ever. */
  np_engine_send (engine, endpoint, NULL, 0, to_all);
  wait_for (&recorder, NP_EVENT_SENT);
  wait_for (&recorder, NP_EVENT_SENT);
  {
    g_autofree char *first = receive_some (clients[0]);
    g_assert_cmpstr (first, ==, "to all\n");
  }

  /* Unknown peer and unknown endpoint: errors that say so, nothing crashes. */
  np_engine_send (engine, endpoint, &ids[1], 1, to_all);
  event = wait_for (&recorder, NP_EVENT_ERROR);
  g_assert_nonnull (strstr (event->message, "not connected"));
  np_engine_disconnect_peer (engine, endpoint, 999);
  event = wait_for (&recorder, NP_EVENT_ERROR);
  g_assert_nonnull (strstr (event->message, "#999"));
  np_engine_send (engine, endpoint + 41, NULL, 0, to_all);
  event = wait_for (&recorder, NP_EVENT_ERROR);
  g_assert_cmpstr (event->message, ==, "The endpoint is not running");

  /* Stop: both remaining clients are closed, then the endpoint reports its totals. */
  np_engine_stop (engine, endpoint);
  wait_for (&recorder, NP_EVENT_DISCONNECTED);
  wait_for (&recorder, NP_EVENT_DISCONNECTED);
  event = wait_for (&recorder, NP_EVENT_STOPPED);
  g_assert_false (event->failed);
  g_assert_cmpuint (event->bytes_out, ==, 2 * 11 + 2 * 7);
  g_assert_cmpuint (event->messages_out, ==, 4);

  for (guint i = 0; i < 3; i++)
    g_object_unref (clients[i]);
  np_engine_shutdown (engine);
  g_ptr_array_unref (recorder.events);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/selection-and-disconnect", test_selection_and_disconnect);

  return g_test_run ();
}
