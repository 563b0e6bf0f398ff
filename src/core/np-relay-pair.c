#define G_LOG_DOMAIN "np-relay-pair"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "np-address.h"
#include "np-relay-pair.h"

/* Reads one dispatch may do in one direction before the other sockets get a turn. */
#define READS_PER_DISPATCH 16

/* One direction: bytes read from @from go to @to. */
typedef struct
{
  NpRelayDirection  direction;
  GSocket          *from;            /* not owned */
  GSocket          *to;
  GBytes           *pending;         /* read, not yet taken by @to; reading waits meanwhile */
  gsize             pending_offset;
  gboolean          eof;             /* @from finished sending */
  gboolean          shut;            /* ... and @to was told (half-close) */
  NpFramer         *framer;          /* cuts the rows; NULL: a row per read */
} Pipe;

struct _NpRelayPair
{
  GObject                parent_instance;

  NpEndpoint            *owner;      /* not owned: it owns us */
  guint64                id;
  char                  *peer;       /* the client, "ADDR:PORT" */
  GSocket               *client;
  GSocketConnection     *upstream;   /* the target's connection; keeps its socket */
  GSocket               *target;
  GSource               *source;     /* both sockets; events follow what each pipe waits for */
  gpointer               client_tag;
  gpointer               target_tag;
  Pipe                   to_target;
  Pipe                   to_client;
  gboolean               paused;     /* the event queue is congested: no reading */
  gboolean               started;    /* connected to the target: reported CONNECTED */
  gboolean               closed;
  NpPeerCounters         counters;   /* in: client → target; out: target → client */
  NpRelayPairClosedFunc  closed_func;
  gpointer               closed_data;
};

G_DEFINE_FINAL_TYPE (NpRelayPair, np_relay_pair, G_TYPE_OBJECT)

static void
clear_pipe (Pipe *pipe)
{
  g_clear_pointer (&pipe->pending, g_bytes_unref);
  g_clear_object (&pipe->framer);
}

static void
np_relay_pair_dispose (GObject *object)
{
  NpRelayPair *self = (NpRelayPair *)object;

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  clear_pipe (&self->to_target);
  clear_pipe (&self->to_client);

  G_OBJECT_CLASS (np_relay_pair_parent_class)->dispose (object);
}

static void
np_relay_pair_finalize (GObject *object)
{
  NpRelayPair *self = (NpRelayPair *)object;

  g_clear_object (&self->client);
  g_clear_object (&self->upstream);
  g_free (self->peer);

  G_OBJECT_CLASS (np_relay_pair_parent_class)->finalize (object);
}

static void
np_relay_pair_class_init (NpRelayPairClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_relay_pair_dispose;
  object_class->finalize = np_relay_pair_finalize;
}

static void
np_relay_pair_init (NpRelayPair *self)
{
  self->to_target.direction = NP_RELAY_TO_TARGET;
  self->to_client.direction = NP_RELAY_TO_CLIENT;
}

/**
 * np_relay_pair_new:
 * @client: the accepted client; nothing is read from it before np_relay_pair_start()
 * @closed: called once the pair has closed (the owner then lets it go)
 *
 * Returns: (transfer full): a pair with a fresh peer id from @owner
 */
NpRelayPair *
np_relay_pair_new (NpEndpoint            *owner,
                   GSocket               *client,
                   NpRelayPairClosedFunc  closed,
                   gpointer               user_data)
{
  NpRelayPair *self = g_object_new (NP_TYPE_RELAY_PAIR, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (client, NULL);

  self->owner = owner;
  self->id = np_endpoint_next_peer_id (owner);
  self->counters.peer_id = self->id;
  self->client = g_object_ref (client);
  self->peer = remote != NULL ? np_address_to_string (remote) : g_strdup ("?");
  self->closed_func = closed;
  self->closed_data = user_data;

  return self;
}

guint64
np_relay_pair_get_id (NpRelayPair *self)
{
  g_return_val_if_fail (NP_IS_RELAY_PAIR (self), 0);
  return self->id;
}

const char *
np_relay_pair_get_peer (NpRelayPair *self)
{
  g_return_val_if_fail (NP_IS_RELAY_PAIR (self), NULL);
  return self->peer;
}

/* ---- rows ---------------------------------------------------------------------------------- */

static void
emit_row (NpRelayPair *self,
          Pipe        *pipe,
          GBytes      *message,
          gsize        length)
{
  np_endpoint_emit_relayed (self->owner, self->id, self->peer, message, length, pipe->direction);
  if (pipe->direction == NP_RELAY_TO_TARGET)
    self->counters.messages_in++;
  else
    self->counters.messages_out++;
}

/* What went by is logged as rows (framed like any endpoint's) and counted. The bytes forwarded
 * are never the framer's: a framing error only changes how the rows are cut. */
static void
log_bytes (NpRelayPair  *self,
           Pipe         *pipe,
           const guint8 *data,
           gsize         length)
{
  const NpEndpointConfig *config = np_endpoint_get_config (self->owner);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (pipe->direction == NP_RELAY_TO_TARGET)
    {
      self->counters.bytes_in += length;
      np_endpoint_count_in (self->owner, length, 0);
    }
  else
    {
      self->counters.bytes_out += length;
      np_endpoint_count_out (self->owner, length, 0);
    }
  np_endpoint_peer_changed (self->owner, &self->counters);

  if (pipe->framer == NULL)
    {
      g_autoptr(GBytes) message = config->count_only ? NULL : g_bytes_new (data, length);

      emit_row (self, pipe, message, length);
      return;
    }

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  ok = np_framer_push (pipe->framer, data, length, messages, &error);
  for (guint i = 0; i < messages->len; i++)
    emit_row (self, pipe, g_ptr_array_index (messages, i), g_bytes_get_size (g_ptr_array_index (messages, i)));

  if (!ok)
    {
      g_autofree char *message =
        g_strdup_printf (_("%s (forwarding goes on; from here this direction is logged as it is read)"),
                         error->message);

      np_endpoint_emit_error (self->owner, self->id, self->peer, message);
      g_clear_object (&pipe->framer);
    }
}

/* At the end of a direction, what the framer still holds is a row too. */
static void
flush_rows (NpRelayPair *self,
            Pipe        *pipe)
{
  g_autoptr(GBytes) rest = pipe->framer != NULL ? np_framer_flush (pipe->framer) : NULL;

  if (rest != NULL)
    emit_row (self, pipe, rest, g_bytes_get_size (rest));
}

/* ---- closing ------------------------------------------------------------------------------- */

static void
finish (NpRelayPair *self,
        const char  *reason,
        gboolean     failed)
{
  g_autoptr(NpRelayPair) hold G_GNUC_UNUSED = g_object_ref (self);
  NpEvent *event;

  self->closed = TRUE;
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_socket_close (self->client, NULL);
  if (self->upstream != NULL)
    g_io_stream_close (G_IO_STREAM (self->upstream), NULL, NULL);
  clear_pipe (&self->to_target);
  clear_pipe (&self->to_client);

  /* A client whose target never answered was never a peer: its ERROR said why. */
  if (!self->started)
    {
      self->closed_func (self, self->closed_data);
      return;
    }

  np_endpoint_peer_gone (self->owner, self->id);
  event = np_event_new (NP_EVENT_DISCONNECTED, np_endpoint_get_id (self->owner), self->id, self->peer);
  event->message = g_strdup (reason);
  event->failed = failed;
  event->bytes_in = self->counters.bytes_in;
  event->bytes_out = self->counters.bytes_out;
  event->messages_in = self->counters.messages_in;
  event->messages_out = self->counters.messages_out;
  np_endpoint_emit (self->owner, event);

  self->closed_func (self, self->closed_data);
}

/* Closes both connections the ordinary way (FIN), what waits to be written is dropped. */
void
np_relay_pair_close (NpRelayPair *self,
                     const char  *reason,
                     gboolean     failed)
{
  g_return_if_fail (NP_IS_RELAY_PAIR (self));

  if (!self->closed)
    finish (self, reason, failed);
}

static void
abort_socket (GSocket *socket)
{
  struct linger reset = { 1, 0 };

  if (socket != NULL && !g_socket_is_closed (socket))
    setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
}

/* A reset on one side is passed on as a reset (SO_LINGER 0: the close sends RST). */
void
np_relay_pair_reset (NpRelayPair *self,
                     const char  *reason)
{
  g_return_if_fail (NP_IS_RELAY_PAIR (self));

  if (self->closed)
    return;

  abort_socket (self->client);
  abort_socket (self->target);
  finish (self, reason, TRUE);
}

/* The system's reason a socket failed, in its words. */
static char *
socket_error (GSocket *socket,
              int      code)
{
  int pending = 0;

  if (code == 0 && g_socket_get_option (socket, SOL_SOCKET, SO_ERROR, &pending, NULL))
    code = pending;
  return g_strdup (g_strerror (code != 0 ? code : ECONNRESET));
}

/* @broken failed (reset, or any error): the pair is reset, both ways. */
static void
reset_because (NpRelayPair *self,
               GSocket     *broken,
               int          code)
{
  g_autofree char *why = socket_error (broken, code);
  g_autofree char *reason = NULL;

  if (broken == self->client)
    reason = g_strdup_printf (_("The client’s connection failed (%s); the target was reset too"), why);
  else
    reason = g_strdup_printf (_("The target’s connection failed (%s); the client was reset too"), why);
  np_relay_pair_reset (self, reason);
}

/* ---- forwarding ---------------------------------------------------------------------------- */

static void
shut_if_done (NpRelayPair *self,
              Pipe        *pipe)
{
  g_autofree char *text = NULL;

  if (!pipe->eof || pipe->shut || pipe->pending != NULL)
    return;

  pipe->shut = TRUE;
  g_socket_shutdown (pipe->to, FALSE, TRUE, NULL);
  text = g_strdup (pipe->direction == NP_RELAY_TO_TARGET
                   ? _("The client finished sending; the target was told (half-close)")
                   : _("The target finished sending; the client was told (half-close)"));
  np_endpoint_emit_notice (self->owner, self->id, self->peer, text);

  if (self->to_target.shut && self->to_client.shut)
    np_relay_pair_close (self, _("Closed by both sides"), FALSE);
}

/* Hands @data to the other side; what it does not take now waits, and reading waits for it.
 * Returns FALSE when the pair was reset. */
static gboolean
forward (NpRelayPair  *self,
         Pipe         *pipe,
         const guint8 *data,
         gsize         length)
{
  gssize sent;

  do
    sent = send (g_socket_get_fd (pipe->to), data, length, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);

  if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    {
      reset_because (self, pipe->to, errno);
      return FALSE;
    }

  sent = MAX (sent, 0);
  if ((gsize) sent < length)
    {
      pipe->pending = g_bytes_new (data + sent, length - sent);
      pipe->pending_offset = 0;
    }
  return TRUE;
}

static void
pump_read (NpRelayPair *self,
           Pipe        *pipe)
{
  for (guint i = 0; i < READS_PER_DISPATCH && !self->closed && pipe->pending == NULL && !pipe->eof; i++)
    {
      gsize size;
      guint8 *buffer = np_endpoint_get_read_buffer (self->owner, &size);
      gssize n;

      do
        n = recv (g_socket_get_fd (pipe->from), buffer, size, MSG_DONTWAIT);
      while (n < 0 && errno == EINTR);

      if (n < 0)
        {
          if (errno != EAGAIN && errno != EWOULDBLOCK)
            reset_because (self, pipe->from, errno);
          return;
        }

      if (n == 0)
        {
          pipe->eof = TRUE;
          flush_rows (self, pipe);
          shut_if_done (self, pipe);
          return;
        }

      log_bytes (self, pipe, buffer, n);
      if (!forward (self, pipe, buffer, n))
        return;

      if (np_endpoint_is_congested (self->owner))
        {
          self->paused = TRUE;
          return;
        }
    }
}

static void
pump_write (NpRelayPair *self,
            Pipe        *pipe)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (pipe->pending, &size);
  g_autoptr(GBytes) pending G_GNUC_UNUSED = g_steal_pointer (&pipe->pending);

  if (!forward (self, pipe, data + pipe->pending_offset, size - pipe->pending_offset))
    return;
  shut_if_done (self, pipe);
}

/* Which way each socket is waiting now: readable while its direction may read, writable while
 * the other direction has bytes waiting for it. */
static void
update_events (NpRelayPair *self)
{
  gboolean reading = !self->paused;
  GIOCondition client = 0, target = 0;

  if (reading && !self->to_target.eof && self->to_target.pending == NULL)
    client |= G_IO_IN;
  if (self->to_client.pending != NULL)
    client |= G_IO_OUT;
  if (reading && !self->to_client.eof && self->to_client.pending == NULL)
    target |= G_IO_IN;
  if (self->to_target.pending != NULL)
    target |= G_IO_OUT;

  g_source_modify_unix_fd (self->source, self->client_tag, client);
  g_source_modify_unix_fd (self->source, self->target_tag, target);
}

/* One socket's turn: its own direction reads, the other direction writes to it. An error the
 * socket reports while nothing was asked of it (a reset while its peer was not reading) ends
 * the pair too. */
static void
serve (NpRelayPair  *self,
       GIOCondition  ready,
       Pipe         *reads,
       Pipe         *writes)
{
  if (!self->closed && writes->pending != NULL && (ready & (G_IO_OUT | G_IO_ERR | G_IO_HUP)))
    pump_write (self, writes);
  if (!self->closed && (ready & (G_IO_IN | G_IO_ERR | G_IO_HUP)) && !reads->eof && reads->pending == NULL
      && !self->paused)
    pump_read (self, reads);
  if (!self->closed && (ready & G_IO_ERR))
    reset_because (self, reads->from, 0);
}

static gboolean
dispatch (GSource     *source,
          GSourceFunc  callback,
          gpointer     user_data)
{
  g_autoptr(NpRelayPair) self = g_object_ref (NP_RELAY_PAIR (user_data));
  GIOCondition client = g_source_query_unix_fd (source, self->client_tag);
  GIOCondition target = g_source_query_unix_fd (source, self->target_tag);

  serve (self, client, &self->to_target, &self->to_client);
  serve (self, target, &self->to_client, &self->to_target);

  if (!self->closed)
    update_events (self);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs pair_source_funcs = { NULL, NULL, dispatch, NULL, NULL, NULL };

/**
 * np_relay_pair_start:
 * @target: the pair's own connection to the target
 *
 * Reports the pair CONNECTED and starts copying both ways.
 */
void
np_relay_pair_start (NpRelayPair       *self,
                     GSocketConnection *target)
{
  const NpEndpointConfig *config = np_endpoint_get_config (self->owner);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  NpEvent *event;

  g_return_if_fail (NP_IS_RELAY_PAIR (self));

  self->started = TRUE;
  self->upstream = g_object_ref (target);
  self->target = g_socket_connection_get_socket (target);
  self->to_target.from = self->client;
  self->to_target.to = self->target;
  self->to_client.from = self->target;
  self->to_client.to = self->client;
  if (config->framer != NULL && np_framer_get_kind (config->framer) != NP_FRAMING_RAW)
    {
      self->to_target.framer = np_framer_copy_settings (config->framer);
      self->to_client.framer = np_framer_copy_settings (config->framer);
    }

  /* What a device sends in small pieces goes on in small pieces, at once. */
  g_socket_set_option (self->client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  g_socket_set_option (self->target, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  local = g_socket_get_local_address (self->target, NULL);
  remote = g_socket_get_remote_address (self->target, NULL);
  from = local != NULL ? np_address_to_string (local) : g_strdup ("?");
  to = remote != NULL ? np_address_to_string (remote) : g_strdup ("?");
  event = np_event_new (NP_EVENT_CONNECTED, np_endpoint_get_id (self->owner), self->id, self->peer);
  event->message = g_strdup_printf (_("relayed to %s from %s"), to, from);
  np_endpoint_emit (self->owner, event);

  self->source = g_source_new (&pair_source_funcs, sizeof (GSource));
  g_source_set_static_name (self->source, "[netpoke] relay pair");
  g_source_set_callback (self->source, NULL, self, NULL);
  self->client_tag = g_source_add_unix_fd (self->source, g_socket_get_fd (self->client), G_IO_IN);
  self->target_tag = g_source_add_unix_fd (self->source, g_socket_get_fd (self->target), G_IO_IN);
  g_source_attach (self->source, g_main_context_get_thread_default ());
}

/* The event queue drained: reading goes on. */
void
np_relay_pair_resume (NpRelayPair *self)
{
  g_return_if_fail (NP_IS_RELAY_PAIR (self));

  if (!self->paused || self->closed || self->source == NULL)
    return;
  self->paused = FALSE;
  update_events (self);
}
