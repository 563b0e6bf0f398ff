#define G_LOG_DOMAIN "np-listener"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "np-address.h"
#include "np-listener.h"

/* Many devices (or a broadcast test) may connect at once; the kernel caps this at somaxconn. */
#define LISTEN_BACKLOG 4096

/* Connections accepted per dispatch. Each main-loop iteration polls every client socket, so
 * accepting one connection per iteration (as GSocketService does) makes N connects cost O(N²):
 * measured, 10,000 clients took 100 s to connect that way. */
#define ACCEPTS_PER_DISPATCH 256

/* Out of file descriptors the listening socket stays readable, so accepting again at once would
 * spin (measured: 147% CPU and 37,000 identical errors a second). Stop accepting, try again
 * after this long; the kernel keeps the waiting clients in the backlog meanwhile. */
#define ACCEPT_RETRY_MS 1000

struct _NpListener
{
  GObject               parent_instance;

  NpEndpoint           *owner;     /* not owned: it owns us */
  GSocket              *socket;
  GSource              *source;
  GSource              *retry_source;     /* armed only while accepting is paused: out of descriptors */
  guint64               accept_failures;  /* attempts refused since accepting was paused */
  gint64                paused_since;
  NpListenerAcceptFunc  func;
  NpListenerMakeRoomFunc make_room;
  gpointer              user_data;
};

G_DEFINE_FINAL_TYPE (NpListener, np_listener, G_TYPE_OBJECT)

static gboolean on_acceptable (GSocket *socket, GIOCondition condition, gpointer user_data);

static void
watch (NpListener *self)
{
  self->source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_static_name (self->source, "[netpoke] accept");
  g_source_set_callback (self->source, G_SOURCE_FUNC (on_acceptable), self, NULL);
  g_source_attach (self->source, g_main_context_get_thread_default ());
}

static gboolean
on_accept_retry (gpointer user_data)
{
  NpListener *self = user_data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  watch (self);
  return G_SOURCE_REMOVE;
}

/* Out of descriptors: say so once, stop accepting, retry later (see ACCEPT_RETRY_MS). */
static void
pause_accepting (NpListener *self,
                 const char *why)
{
  if (self->accept_failures++ == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("Cannot accept more clients: %s. Waiting clients stay queued; "
                           "trying again every second"), why);

      self->paused_since = g_get_monotonic_time ();
      np_endpoint_emit_error (self->owner, 0, NULL, message);
    }

  g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
  self->retry_source = g_timeout_source_new (ACCEPT_RETRY_MS);
  g_source_set_static_name (self->retry_source, "[netpoke] accept retry");
  g_source_set_callback (self->retry_source, on_accept_retry, self, NULL);
  g_source_attach (self->retry_source, g_main_context_get_thread_default ());
}

static void
report_accepting_again (NpListener *self)
{
  g_autofree char *seconds =
    g_strdup_printf ("%.1f", (g_get_monotonic_time () - self->paused_since) / (double) G_USEC_PER_SEC);
  g_autofree char *attempts = g_strdup_printf ("%" G_GUINT64_FORMAT, self->accept_failures);
  g_autofree char *message =
    g_strdup_printf (_("Accepting clients again after %s s (%s attempts refused: out of file descriptors)"),
                     seconds, attempts);

  np_endpoint_emit_error (self->owner, 0, NULL, message);
  self->accept_failures = 0;
}

static gboolean
on_acceptable (GSocket      *socket,
               GIOCondition  condition,
               gpointer      user_data)
{
  g_autoptr(NpListener) self = g_object_ref (NP_LISTENER (user_data));

  for (guint i = 0; i < ACCEPTS_PER_DISPATCH && self->socket != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) accepted = g_socket_accept (socket, NULL, &error);

      if (accepted == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
            {
              if (self->make_room != NULL && self->make_room (self->user_data) > 0)
                continue;
              pause_accepting (self, error->message);
              return G_SOURCE_REMOVE;
            }
          /* The peer gave up before we got to it, or the like: report, keep listening; the
           * kernel keeps the rest of the queue. */
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_autofree char *message = g_strdup_printf (_("Accepting a client failed: %s"), error->message);

              np_endpoint_emit_error (self->owner, 0, NULL, message);
            }
          break;
        }

      if (self->accept_failures > 0)
        report_accepting_again (self);
      self->func (accepted, self->user_data);
    }

  return G_SOURCE_CONTINUE;
}

void
np_listener_close (NpListener *self)
{
  g_return_if_fail (NP_IS_LISTENER (self));

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  if (self->retry_source != NULL)
    {
      g_source_destroy (self->retry_source);
      g_clear_pointer (&self->retry_source, g_source_unref);
    }
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
}

static void
np_listener_dispose (GObject *object)
{
  np_listener_close (NP_LISTENER (object));

  G_OBJECT_CLASS (np_listener_parent_class)->dispose (object);
}

static void
np_listener_class_init (NpListenerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = np_listener_dispose;
}

static void
np_listener_init (NpListener *self)
{
}

/**
 * np_listener_new:
 * @owner: binds its configuration's address and port; errors are its
 * @func: called with every client accepted
 * @make_room: (nullable): out of file descriptors, may close idle connections; returns how
 *   many it closed (none: accepting pauses and retries every second)
 *
 * Returns: (transfer full) (nullable): a listening socket that accepts on the thread-default
 *   context, or %NULL with @error (bind or listen failed)
 */
NpListener *
np_listener_new (NpEndpoint             *owner,
                 NpListenerAcceptFunc    func,
                 NpListenerMakeRoomFunc  make_room,
                 gpointer                user_data,
                 GError                **error)
{
  const NpEndpointConfig *config = np_endpoint_get_config (owner);
  g_autoptr(NpListener) self = g_object_new (NP_TYPE_LISTENER, NULL);

  self->socket = np_address_bind (config->bind_address, config->port, G_SOCKET_TYPE_STREAM, error);
  if (self->socket == NULL)
    return NULL;
  g_socket_set_listen_backlog (self->socket, LISTEN_BACKLOG);
  if (!g_socket_listen (self->socket, error))
    return NULL;

  g_socket_set_blocking (self->socket, FALSE);
  self->owner = owner;
  self->func = func;
  self->make_room = make_room;
  self->user_data = user_data;
  watch (self);

  return g_steal_pointer (&self);
}

/* "ADDR:PORT" it listens on, with the real port when 0 was asked for. */
char *
np_listener_get_address (NpListener *self)
{
  g_autoptr(GSocketAddress) local = NULL;

  g_return_val_if_fail (NP_IS_LISTENER (self), NULL);

  local = self->socket != NULL ? g_socket_get_local_address (self->socket, NULL) : NULL;
  return local != NULL ? np_address_to_string (local) : g_strdup ("?");
}
