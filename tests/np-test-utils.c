#include <string.h>
#include <sys/socket.h>

#include "np-test-utils.h"

/* ---- waiting ---------------------------------------------------------------------------- */

guint
np_test_wait_seconds (void)
{
  return g_strcmp0 (g_getenv ("NETPOKE_SANITIZED"), "1") == 0 ? 30 : 10;
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context until @condition holds; fails the test after
 * NP_TEST_WAIT_SECONDS. */
void
np_test_wait_until (NpTestCondition  condition,
                    gpointer         data,
                    const char      *what)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new_seconds (NP_TEST_WAIT_SECONDS);

  g_source_set_callback (timeout, on_timeout, &timed_out, NULL);
  g_source_attach (timeout, NULL);

  while (!condition (data))
    {
      if (timed_out)
        g_error ("timed out after %u s waiting for %s", NP_TEST_WAIT_SECONDS, what);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_destroy (timeout);
  g_source_unref (timeout);
}

/* ---- addresses -------------------------------------------------------------------------- */

const char *
np_test_loopback (GSocketFamily family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? "::1" : "127.0.0.1";
}

gboolean
np_test_have_ipv6 (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GSocketAddress) address = np_test_loopback_address (G_SOCKET_FAMILY_IPV6, 0);

  return socket != NULL && g_socket_bind (socket, address, FALSE, NULL);
}

GSocketAddress *
np_test_loopback_address (GSocketFamily family,
                          guint16       port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);

  return g_inet_socket_address_new (loopback, port);
}

/* The port of "127.0.0.1:80" or "[::1]:80". */
guint16
np_test_port_of (const char *address)
{
  const char *colon = strrchr (address, ':');
  guint64 port = 0;

  g_assert_nonnull (colon);
  g_assert_true (g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL));
  return (guint16) port;
}

guint16
np_test_local_port (GSocket *socket)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, &error);

  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

/* ---- sockets ---------------------------------------------------------------------------- */

static GSocket *
new_socket (GSocketFamily family,
            GSocketType   type)
{
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (family, type,
                                  type == G_SOCKET_TYPE_STREAM ? G_SOCKET_PROTOCOL_TCP : G_SOCKET_PROTOCOL_UDP,
                                  &error);

  g_assert_no_error (error);
  g_socket_set_timeout (socket, NP_TEST_WAIT_SECONDS);
  return socket;
}

/* A socket bound to the loopback, on a port the kernel chose. */
static GSocket *
new_bound_socket (GSocketFamily family,
                  GSocketType   type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) any_port = np_test_loopback_address (family, 0);
  GSocket *socket = new_socket (family, type);

  g_assert_true (g_socket_bind (socket, any_port, type == G_SOCKET_TYPE_STREAM, &error));
  g_assert_no_error (error);
  return socket;
}

GSocket *
np_test_tcp_listen (GSocketFamily family)
{
  g_autoptr(GError) error = NULL;
  GSocket *socket = new_bound_socket (family, G_SOCKET_TYPE_STREAM);

  g_assert_true (g_socket_listen (socket, &error));
  g_assert_no_error (error);
  return socket;
}

GSocket *
np_test_tcp_accept (GSocket *listener)
{
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_accept (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (socket, NP_TEST_WAIT_SECONDS);
  return socket;
}

GSocket *
np_test_tcp_connect (GSocketFamily family,
                     guint16       port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = np_test_loopback_address (family, port);
  GSocket *socket = new_socket (family, G_SOCKET_TYPE_STREAM);

  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  return socket;
}

GSocket *
np_test_udp_socket (GSocketFamily family)
{
  return new_bound_socket (family, G_SOCKET_TYPE_DATAGRAM);
}

/* Sends all of @data (to @to for an unconnected datagram socket, else %NULL). */
void
np_test_send (GSocket        *socket,
              GSocketAddress *to,
              const void     *data,
              gsize           length)
{
  gsize done = 0;

  while (done < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n = to != NULL
                 ? g_socket_send_to (socket, to, (const char *) data + done, length - done, NULL, &error)
                 : g_socket_send (socket, (const char *) data + done, length - done, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_clear_error (&error);
          g_assert_true (g_socket_condition_timed_wait (socket, G_IO_OUT,
                                                        NP_TEST_WAIT_SECONDS * G_USEC_PER_SEC,
                                                        NULL, &error));
          g_assert_no_error (error);
          continue;
        }
      g_assert_no_error (error);
      done += n;
    }
}

/* ---- receiving -------------------------------------------------------------------------- */

typedef struct
{
  GSocket    *socket;
  GByteArray *got;
  gsize       want;
  gboolean    eof;
} Reception;

/* Takes everything the socket has now, without blocking. */
static void
read_available (Reception *reception)
{
  gboolean stream = g_socket_get_socket_type (reception->socket) == G_SOCKET_TYPE_STREAM;

  /* No further than asked: a reader that kept draining while the sender kept up would take a
   * whole 64 MiB file when the test wanted its first megabyte and the rest held back (seen
   * under the sanitizers' slowdown: cancel-framed-file then found the transfer finished). */
  while (!reception->eof && reception->got->len < reception->want)
    {
      g_autoptr(GError) error = NULL;
      guint8 buffer[4096];
      gssize n = g_socket_receive (reception->socket, (char *) buffer, sizeof buffer, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return;
      g_assert_no_error (error);
      if (n == 0 && stream)
        reception->eof = TRUE;
      g_byte_array_append (reception->got, buffer, n);
    }
}

static gboolean
on_socket_ready (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      data)
{
  read_available (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
received_enough (gpointer data)
{
  Reception *reception = data;

  return reception->eof || reception->got->len >= reception->want;
}

/* Waits until @socket has received @want bytes (or the stream ended); a watch on the socket
 * wakes the main context, so this works while the code under test runs on it. */
static GByteArray *
receive (GSocket    *socket,
         gsize       want,
         gboolean   *eof,
         const char *what)
{
  Reception reception = { socket, g_byte_array_new (), want, FALSE };
  GSource *watch;

  /* Non-blocking and without a socket timeout: the wait below is the only deadline. */
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_timeout (socket, 0);
  read_available (&reception);
  watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (watch, G_SOURCE_FUNC (on_socket_ready), &reception, NULL);
  g_source_attach (watch, NULL);
  np_test_wait_until (received_enough, &reception, what);
  g_source_destroy (watch);
  g_source_unref (watch);

  if (eof != NULL)
    *eof = reception.eof;
  return reception.got;
}

typedef struct
{
  Reception *receptions;
  guint      n;
} Receptions;

static gboolean
all_received_enough (gpointer data)
{
  Receptions *all = data;

  for (guint i = 0; i < all->n; i++)
    if (!received_enough (&all->receptions[i]))
      return FALSE;
  return TRUE;
}

/**
 * np_test_receive_together:
 * @sockets: (array length=n): stream sockets, read at the same time (a sender that goes at the
 *   pace of the slowest peer needs every one of them to read)
 * @want: bytes to wait for on each (fewer if its stream ends)
 *
 * Returns: (transfer full) (element-type GByteArray): what each one received, in order
 */
GPtrArray *
np_test_receive_together (GSocket    **sockets,
                          guint        n,
                          gsize        want,
                          const char  *what)
{
  Receptions all = { g_new0 (Reception, n), n };
  GPtrArray *got = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  GSource **watches = g_new0 (GSource *, n);

  for (guint i = 0; i < n; i++)
    {
      all.receptions[i] = (Reception) { sockets[i], g_byte_array_new (), want, FALSE };
      g_socket_set_blocking (sockets[i], FALSE);
      g_socket_set_timeout (sockets[i], 0);
      read_available (&all.receptions[i]);
      watches[i] = g_socket_create_source (sockets[i], G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (watches[i], G_SOURCE_FUNC (on_socket_ready), &all.receptions[i], NULL);
      g_source_attach (watches[i], NULL);
    }
  np_test_wait_until (all_received_enough, &all, what);
  for (guint i = 0; i < n; i++)
    {
      g_source_destroy (watches[i]);
      g_source_unref (watches[i]);
      g_ptr_array_add (got, all.receptions[i].got);
    }
  g_free (watches);
  g_free (all.receptions);
  return got;
}

/* Fails unless @socket receives exactly @expected: not less, and nothing more in the same
 * reads (a stream's extra bytes, or a longer datagram). */
void
np_test_expect_received (GSocket    *socket,
                         const void *expected,
                         gsize       length,
                         const char *what)
{
  g_autoptr(GByteArray) got = receive (socket, length, NULL, what);

  if (got->len != length || memcmp (got->data, expected, length) != 0)
    {
      g_autofree char *wanted = g_strndup (expected, length);
      g_autofree char *seen = g_strndup ((const char *) got->data, got->len);
      g_autofree char *wanted_escaped = g_strescape (wanted, NULL);
      g_autofree char *seen_escaped = g_strescape (seen, NULL);

      g_error ("%s: received %u bytes “%s”, expected %" G_GSIZE_FORMAT " bytes “%s”", what,
               got->len, seen_escaped, length, wanted_escaped);
    }
}

void
np_test_expect_text (GSocket    *socket,
                     const char *expected,
                     const char *what)
{
  np_test_expect_received (socket, expected, strlen (expected), what);
}

/* Waits for at least @length bytes and returns all that came in the same reads (a sender that
 * repeats may have sent more by then). */
GByteArray *
np_test_receive_at_least (GSocket    *socket,
                          gsize       length,
                          const char *what)
{
  return receive (socket, length, NULL, what);
}

/* Fails unless the stream ends with nothing more received. */
void
np_test_expect_eof (GSocket    *socket,
                    const char *what)
{
  gboolean eof = FALSE;
  g_autoptr(GByteArray) got = receive (socket, G_MAXSIZE, &eof, what);

  g_assert_true (eof);
  g_assert_cmpuint (got->len, ==, 0);
}

/* Closes @socket with a reset (SO_LINGER 0): the server sees the client go at once, where a
 * plain close is only an end of stream it may still send to. */
void
np_test_tcp_reset (GSocket *socket)
{
  struct linger linger = { 1, 0 };

  g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger), ==, 0);
  g_socket_close (socket, NULL);
}

/* ---- engine events ---------------------------------------------------------------------- */

void
np_test_recorder_init (NpTestRecorder *recorder)
{
  recorder->events = g_ptr_array_new_with_free_func ((GDestroyNotify) np_event_unref);
  recorder->next = 0;
}

void
np_test_recorder_clear (NpTestRecorder *recorder)
{
  g_clear_pointer (&recorder->events, g_ptr_array_unref);
}

/* An NpEventBatchFunc: @user_data is the NpTestRecorder. */
void
np_test_recorder_on_events (GPtrArray *batch,
                            gpointer   user_data)
{
  NpTestRecorder *recorder = user_data;

  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (recorder->events, np_event_ref (g_ptr_array_index (batch, i)));
}

typedef struct
{
  NpTestRecorder *recorder;
  NpEventKind     kind;
  NpEvent        *found;
} Search;

static gboolean
found_event (gpointer data)
{
  Search *search = data;
  NpTestRecorder *recorder = search->recorder;

  for (; recorder->next < recorder->events->len; recorder->next++)
    {
      NpEvent *event = g_ptr_array_index (recorder->events, recorder->next);

      if (event->kind == search->kind)
        {
          recorder->next++;
          search->found = event;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * np_test_recorder_wait:
 * Returns: (transfer none): the next event of @kind after the last one returned
 */
NpEvent *
np_test_recorder_wait (NpTestRecorder *recorder,
                       NpEventKind     kind)
{
  Search search = { recorder, kind, NULL };
  g_autofree char *what = g_strdup_printf ("a %s event", np_event_kind_to_string (kind));

  np_test_wait_until (found_event, &search, what);
  return search.found;
}

/* ---- models and async calls ------------------------------------------------------------- */

static void
on_items_changed (GListModel    *model,
                  guint          position,
                  guint          removed,
                  guint          added,
                  NpTestChanges *changes)
{
  changes->signals++;
  changes->position = position;
  changes->removed += removed;
  changes->added += added;
  changes->most_removed = MAX (changes->most_removed, removed);
  /* At every signal the model is already in the state it describes. */
  g_assert_cmpuint (position + added, <=, g_list_model_get_n_items (model));
}

/* Returns: the handler id, to disconnect before @changes goes */
gulong
np_test_count_changes (gpointer       model,
                       NpTestChanges *changes)
{
  return g_signal_connect (G_LIST_MODEL (model), "items-changed", G_CALLBACK (on_items_changed), changes);
}

typedef struct
{
  GListModel *model;
  guint       n;
} ItemCount;

static gboolean
has_n_items (gpointer data)
{
  ItemCount *count = data;

  return g_list_model_get_n_items (count->model) == count->n;
}

/* Waits until @model holds exactly @n items. */
void
np_test_wait_for_items (gpointer    model,
                        guint       n,
                        const char *what)
{
  ItemCount count = { G_LIST_MODEL (model), n };

  np_test_wait_until (has_n_items, &count, what);
}

void
np_test_async_ready (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/**
 * np_test_wait_async:
 * Returns: (transfer full): the result, once the call completed
 */
GAsyncResult *
np_test_wait_async (GAsyncResult **result,
                    const char    *what)
{
  np_test_wait_until (has_result, result, what);
  return g_steal_pointer (result);
}
