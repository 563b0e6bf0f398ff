#define G_LOG_DOMAIN "np-engine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include "np-endpoint.h"
#include "np-engine.h"
#include "np-udp-endpoint.h"

struct _NpEngine
{
  GObject        parent_instance;

  GMainContext  *context;      /* the engine thread's own context */
  GMainLoop     *loop;
  GThread       *thread;
  NpEventQueue  *queue;
  guint          next_id;      /* consumer thread only */

  GHashTable    *endpoints;    /* engine thread only: id -> NpEndpoint* (owned) */
};

G_DEFINE_FINAL_TYPE (NpEngine, np_engine, G_TYPE_OBJECT)

/* ---- commands, run on the engine thread ------------------------------------------------- */

typedef enum
{
  COMMAND_START,
  COMMAND_STOP,
  COMMAND_SEND,
  COMMAND_DISCONNECT,
  COMMAND_SET_RESPONDER,
  COMMAND_SEND_FILE,
  COMMAND_CANCEL_FILE,
  COMMAND_DISCONNECT_ALL,
  COMMAND_SET_DESTINATION,
  COMMAND_SET_GROUPS,
  COMMAND_SHUTDOWN,
} CommandKind;

/* A command points at its engine without holding a reference. The engine cannot go while a
 * command is pending: disposing it joins the engine thread, which runs every command queued
 * before the shutdown. And it must not hold one: a command freed on the engine thread after
 * the consumer let go would drop the last reference there, and the engine would join itself. */
typedef struct
{
  NpEngine         *engine;   /* not owned */
  CommandKind       kind;
  guint             endpoint_id;
  NpEndpointConfig *config;
  GArray           *peer_ids;
  NpSendBatch      *batch;
  NpMessageType     message_type;
  gboolean          paced;      /* SEND: a DRAINED event once the targets have room again */
  gsize             pace_below;
  NpResponder      *responder;
  GFile            *file;
  gboolean          finish_writing;
  GSocketAddress   *destination;  /* COMMAND_SET_DESTINATION, or NULL for none */
  GStrv             groups;       /* COMMAND_SET_GROUPS */
  char             *reason;     /* STOP: what the endpoint's events will say */
} Command;

static void
command_free (Command *command)
{
  g_clear_pointer (&command->config, np_endpoint_config_free);
  g_clear_pointer (&command->peer_ids, g_array_unref);
  g_clear_pointer (&command->batch, np_send_batch_unref);
  g_clear_object (&command->responder);
  g_clear_object (&command->file);
  g_clear_object (&command->destination);
  g_clear_pointer (&command->groups, g_strfreev);
  g_free (command->reason);
  g_free (command);
}

static gboolean
forget_endpoint_cb (gpointer user_data)
{
  NpEndpoint *endpoint = user_data;
  NpEngine *engine = g_object_get_data (G_OBJECT (endpoint), "np-engine");
  guint id = np_endpoint_get_id (endpoint);

  g_hash_table_remove (engine->endpoints, GUINT_TO_POINTER (id));

  return G_SOURCE_REMOVE;
}

/* An endpoint stopped (maybe from inside one of its own callbacks): drop it once the stack
 * has unwound. */
static void
on_endpoint_finished (NpEndpoint *endpoint,
                      gpointer    user_data)
{
  NpEngine *self = user_data;
  GSource *source = g_idle_source_new ();

  g_object_set_data (G_OBJECT (endpoint), "np-engine", self);
  g_source_set_static_name (source, "[netpoke] forget endpoint");
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, forget_endpoint_cb, g_object_ref (endpoint), g_object_unref);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static NpEndpoint *
lookup_endpoint (NpEngine *self,
                 guint     id)
{
  NpEndpoint *endpoint = g_hash_table_lookup (self->endpoints, GUINT_TO_POINTER (id));

  if (endpoint == NULL || np_endpoint_is_stopped (endpoint))
    {
      NpEvent *event = np_event_new (NP_EVENT_ERROR, id, 0, NULL);

      event->message = g_strdup (_("The endpoint is not running"));
      np_event_queue_push (self->queue, event);
      return NULL;
    }

  return endpoint;
}

static gboolean
run_command (gpointer user_data)
{
  Command *command = user_data;
  NpEngine *self = command->engine;
  NpEndpoint *endpoint;

  switch (command->kind)
    {
    case COMMAND_START:
      endpoint = np_endpoint_new_for_config (command->endpoint_id, command->config, self->queue);
      np_endpoint_set_finished_func (endpoint, on_endpoint_finished, self);
      g_hash_table_insert (self->endpoints, GUINT_TO_POINTER (command->endpoint_id), endpoint);
      np_endpoint_start (endpoint);
      break;

    case COMMAND_STOP:
      if ((endpoint = lookup_endpoint (self, command->endpoint_id)) != NULL)
        np_endpoint_stop (endpoint, command->reason != NULL ? command->reason : _("Stopped by user"));
      break;

    case COMMAND_SEND:
      if ((endpoint = lookup_endpoint (self, command->endpoint_id)) == NULL)
        {
          /* The sender waits for this whatever became of the send. */
          if (command->paced)
            np_event_queue_push (self->queue, np_event_new (NP_EVENT_DRAINED, command->endpoint_id, 0, NULL));
        }
      else if (command->paced)
        np_endpoint_send_paced (endpoint, (const guint64 *) command->peer_ids->data, command->peer_ids->len,
                                command->batch, command->message_type, command->pace_below);
      else
        np_endpoint_send_batch_as (endpoint, (const guint64 *) command->peer_ids->data,
                                   command->peer_ids->len, command->batch, command->message_type);
      break;

    case COMMAND_DISCONNECT:
      if ((endpoint = lookup_endpoint (self, command->endpoint_id)) != NULL)
        np_endpoint_disconnect_peer (endpoint, g_array_index (command->peer_ids, guint64, 0));
      break;

    case COMMAND_SET_RESPONDER:
      if ((endpoint = lookup_endpoint (self, command->endpoint_id)) != NULL)
        np_endpoint_set_responder (endpoint, command->responder);
      break;

    case COMMAND_SEND_FILE:
      if ((endpoint = lookup_endpoint (self, command->endpoint_id)) != NULL)
        np_endpoint_send_file (endpoint, (const guint64 *) command->peer_ids->data, command->peer_ids->len,
                               command->file, command->finish_writing);
      break;

    case COMMAND_CANCEL_FILE:
      if ((endpoint = lookup_endpoint (self, command->endpoint_id)) != NULL)
        np_endpoint_cancel_file (endpoint);
      break;

    case COMMAND_DISCONNECT_ALL:
      if ((endpoint = lookup_endpoint (self, command->endpoint_id)) != NULL)
        np_endpoint_disconnect_all (endpoint);
      break;

    case COMMAND_SET_DESTINATION:
      if ((endpoint = lookup_endpoint (self, command->endpoint_id)) == NULL)
        break;
      if (NP_IS_UDP_ENDPOINT (endpoint))
        np_udp_endpoint_set_destination (NP_UDP_ENDPOINT (endpoint), command->destination);
      else
        np_endpoint_emit_error (endpoint, 0, NULL, _("Only a UDP endpoint has a destination to change"));
      break;

    case COMMAND_SET_GROUPS:
      if ((endpoint = lookup_endpoint (self, command->endpoint_id)) == NULL)
        break;
      if (NP_IS_UDP_ENDPOINT (endpoint))
        np_udp_endpoint_set_groups (NP_UDP_ENDPOINT (endpoint), (const char * const *) command->groups);
      else
        np_endpoint_emit_error (endpoint, 0, NULL, _("Only a UDP endpoint joins multicast groups"));
      break;

    case COMMAND_SHUTDOWN:
      {
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init (&iter, self->endpoints);
        while (g_hash_table_iter_next (&iter, NULL, &value))
          np_endpoint_stop (value, _("Netpoke is quitting"));
        g_hash_table_remove_all (self->endpoints);
        g_main_loop_quit (self->loop);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_REMOVE;
}

/* A command for @endpoint_id, with the targets @peer_ids (copied; none: the default ones). */
static Command *
command_new (CommandKind    kind,
             guint          endpoint_id,
             const guint64 *peer_ids,
             guint          n_peer_ids)
{
  Command *command = g_new0 (Command, 1);

  command->kind = kind;
  command->endpoint_id = endpoint_id;
  command->peer_ids = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n_peer_ids);
  if (n_peer_ids > 0)
    g_array_append_vals (command->peer_ids, peer_ids, n_peer_ids);

  return command;
}

static Command *
send_command_new (guint          endpoint_id,
                  const guint64 *peer_ids,
                  guint          n_peer_ids,
                  NpSendBatch   *batch,
                  NpMessageType  type)
{
  Command *command = command_new (COMMAND_SEND, endpoint_id, peer_ids, n_peer_ids);

  command->batch = np_send_batch_ref (batch);
  command->message_type = type;

  return command;
}

static void
invoke (NpEngine *self,
        Command  *command)
{
  if (self->thread == NULL)
    {
      /* Shut down already: nobody would run it. */
      command_free (command);
      return;
    }

  command->engine = self;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, run_command, command,
                              (GDestroyNotify) command_free);
}

static void
resume_endpoints (gpointer user_data)
{
  NpEngine *self = user_data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->endpoints);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    np_endpoint_resume (value);
}

static gpointer
engine_thread (gpointer user_data)
{
  NpEngine *self = user_data;

  /* Every GIO object of an endpoint is made here, so its callbacks fire here. */
  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/* ---- object ----------------------------------------------------------------------------- */

static void
np_engine_dispose (GObject *object)
{
  NpEngine *self = (NpEngine *)object;

  /* Only the consumer may hold references: the engine thread cannot join itself. */
  g_assert (self->thread == NULL || g_thread_self () != self->thread);
  np_engine_shutdown (self);

  G_OBJECT_CLASS (np_engine_parent_class)->dispose (object);
}

static void
np_engine_finalize (GObject *object)
{
  NpEngine *self = (NpEngine *)object;

  g_clear_pointer (&self->endpoints, g_hash_table_unref);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->queue);

  G_OBJECT_CLASS (np_engine_parent_class)->finalize (object);
}

static void
np_engine_class_init (NpEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_engine_dispose;
  object_class->finalize = np_engine_finalize;
}

static void
np_engine_init (NpEngine *self)
{
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->endpoints = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->next_id = 1;
}

/**
 * np_engine_new:
 * @consumer_context: (nullable): where @func receives event batches (%NULL: global default)
 *
 * Returns: (transfer full): a running engine with no endpoints
 */
NpEngine *
np_engine_new (GMainContext     *consumer_context,
               NpEventBatchFunc  func,
               gpointer          user_data,
               GDestroyNotify    destroy)
{
  NpEngine *self = g_object_new (NP_TYPE_ENGINE, NULL);

  self->queue = np_event_queue_new (consumer_context, func, user_data, destroy);
  np_event_queue_set_resume (self->queue, self->context, resume_endpoints, self);
  self->thread = g_thread_new ("netpoke-engine", engine_thread, self);

  return self;
}

/* For tests and probes: the queue's wakeup counters. */
NpEventQueue *
np_engine_get_queue (NpEngine *self)
{
  g_return_val_if_fail (NP_IS_ENGINE (self), NULL);

  return self->queue;
}

/**
 * np_engine_start:
 *
 * Returns: the new endpoint's id; whether it started comes as a LISTENING/CONNECTED event,
 *   or a STOPPED event with failed set and the reason
 */
guint
np_engine_start (NpEngine               *self,
                 const NpEndpointConfig *config)
{
  Command *command;
  guint id;

  g_return_val_if_fail (NP_IS_ENGINE (self), 0);
  g_return_val_if_fail (config != NULL, 0);
  g_return_val_if_fail (self->thread != NULL, 0);

  id = self->next_id++;
  command = command_new (COMMAND_START, id, NULL, 0);
  command->config = np_endpoint_config_copy (config);
  /* The engine thread owns (and may already have freed) the command once invoked. */
  invoke (self, command);

  return id;
}

void
np_engine_stop (NpEngine *self,
                guint     endpoint_id)
{
  np_engine_stop_with_reason (self, endpoint_id, NULL);
}

/* Stops the endpoint; @reason (default "Stopped by user") is what its events will say. */
void
np_engine_stop_with_reason (NpEngine   *self,
                            guint       endpoint_id,
                            const char *reason)
{
  Command *command;

  g_return_if_fail (NP_IS_ENGINE (self));

  command = command_new (COMMAND_STOP, endpoint_id, NULL, 0);
  command->reason = g_strdup (reason);
  invoke (self, command);
}

/**
 * np_engine_send:
 * @peer_ids: (array length=n_peer_ids) (nullable): targets; none = all clients (server),
 *   the connection (client), the --to destination or else every peer heard (udp)
 * @payload: the message itself: the endpoint adds its framing's header (if any)
 *
 * Sends one message: np_engine_send_batch() with a batch of one.
 */
void
np_engine_send (NpEngine      *self,
                guint          endpoint_id,
                const guint64 *peer_ids,
                guint          n_peer_ids,
                GBytes        *payload)
{
  g_autoptr(NpSendBatch) batch = NULL;

  g_return_if_fail (NP_IS_ENGINE (self));
  g_return_if_fail (payload != NULL);

  batch = np_send_batch_new_for_bytes (payload);
  np_engine_send_batch (self, endpoint_id, peer_ids, n_peer_ids, batch);
}

/**
 * np_engine_send_batch:
 * @peer_ids: (array length=n_peer_ids) (nullable): targets, as for np_engine_send()
 *
 * Sends every message of @batch, in order, to every target: one command to the engine thread,
 * one gathered write per TCP peer (one sendmmsg for many UDP datagrams), one SENT event.
 */
void
np_engine_send_batch (NpEngine      *self,
                      guint          endpoint_id,
                      const guint64 *peer_ids,
                      guint          n_peer_ids,
                      NpSendBatch   *batch)
{
  np_engine_send_batch_as (self, endpoint_id, peer_ids, n_peer_ids, batch, NP_MESSAGE_BYTES);
}

/**
 * np_engine_send_batch_as:
 * @type: %NP_MESSAGE_TEXT sends each message as a WebSocket text message (it must be UTF-8),
 *   %NP_MESSAGE_BINARY as a binary one; TCP and UDP send bytes whatever the type
 *
 * Like np_engine_send_batch(), with the kind of message the peers are to get.
 */
void
np_engine_send_batch_as (NpEngine      *self,
                         guint          endpoint_id,
                         const guint64 *peer_ids,
                         guint          n_peer_ids,
                         NpSendBatch   *batch,
                         NpMessageType  type)
{
  g_return_if_fail (NP_IS_ENGINE (self));
  g_return_if_fail (batch != NULL);

  invoke (self, send_command_new (endpoint_id, peer_ids, n_peer_ids, batch, type));
}

/**
 * np_engine_send_paced:
 * @below: the mark, in bytes waiting to be written to one target
 *
 * Like np_engine_send_batch_as(), and then one %NP_EVENT_DRAINED event for @endpoint_id once
 * every target's send queue holds no more than @below bytes (or the target is stuck or gone):
 * a sender that waits for it before sending more goes at the slowest peer's pace, with bounded
 * memory. netpoke-cli reads its standard input so.
 */
void
np_engine_send_paced (NpEngine      *self,
                      guint          endpoint_id,
                      const guint64 *peer_ids,
                      guint          n_peer_ids,
                      NpSendBatch   *batch,
                      NpMessageType  type,
                      gsize          below)
{
  Command *command;

  g_return_if_fail (NP_IS_ENGINE (self));
  g_return_if_fail (batch != NULL);

  command = send_command_new (endpoint_id, peer_ids, n_peer_ids, batch, type);
  command->paced = TRUE;
  command->pace_below = below;
  invoke (self, command);
}

void
np_engine_disconnect_peer (NpEngine *self,
                           guint     endpoint_id,
                           guint64   peer_id)
{
  Command *command;

  g_return_if_fail (NP_IS_ENGINE (self));

  command = command_new (COMMAND_DISCONNECT, endpoint_id, &peer_id, 1);
  invoke (self, command);
}

/**
 * np_engine_set_responder:
 * @responder: (nullable): the reply rules from now on; %NULL: none
 *
 * Replaces a running endpoint's reply rules: the next message is answered by the new ones.
 */
void
np_engine_set_responder (NpEngine    *self,
                         guint        endpoint_id,
                         NpResponder *responder)
{
  Command *command;

  g_return_if_fail (NP_IS_ENGINE (self));
  g_return_if_fail (responder == NULL || NP_IS_RESPONDER (responder));

  command = command_new (COMMAND_SET_RESPONDER, endpoint_id, NULL, 0);
  command->responder = responder != NULL ? g_object_ref (responder) : NULL;
  invoke (self, command);
}

/**
 * np_engine_send_file:
 * @peer_ids: (array length=n_peer_ids) (nullable): targets, as for np_engine_send()
 * @finish_writing: TCP: half-close each target after the last byte (the peer reads the end of
 *   the stream; its close then ends a client endpoint), as `nc -N` does
 *
 * Sends @file without holding it in memory: FILE events report the progress, a SENT event
 * naming the file its end (or a FILE event with failed set, and why). One file at a time per
 * endpoint.
 */
void
np_engine_send_file (NpEngine      *self,
                     guint          endpoint_id,
                     const guint64 *peer_ids,
                     guint          n_peer_ids,
                     GFile         *file,
                     gboolean       finish_writing)
{
  Command *command;

  g_return_if_fail (NP_IS_ENGINE (self));
  g_return_if_fail (G_IS_FILE (file));

  command = command_new (COMMAND_SEND_FILE, endpoint_id, peer_ids, n_peer_ids);
  command->file = g_object_ref (file);
  command->finish_writing = finish_writing;
  invoke (self, command);
}

/* Stops the file being sent, if any (its FILE event says so). */
void
np_engine_cancel_file (NpEngine *self,
                       guint     endpoint_id)
{
  Command *command;

  g_return_if_fail (NP_IS_ENGINE (self));

  command = command_new (COMMAND_CANCEL_FILE, endpoint_id, NULL, 0);
  invoke (self, command);
}

/* Closes every connection of a server (or relay); it keeps listening. */
void
np_engine_disconnect_all (NpEngine *self,
                          guint     endpoint_id)
{
  g_return_if_fail (NP_IS_ENGINE (self));

  invoke (self, command_new (COMMAND_DISCONNECT_ALL, endpoint_id, NULL, 0));
}

/**
 * np_engine_set_destination:
 * @destination: (nullable): an IP address and port (no name: resolving is for the start), or
 *   %NULL for none
 *
 * A running UDP endpoint sends what names no peer to @destination from now on; a NOTICE says
 * so, an ERROR why not.
 */
void
np_engine_set_destination (NpEngine       *self,
                           guint           endpoint_id,
                           GSocketAddress *destination)
{
  Command *command;

  g_return_if_fail (NP_IS_ENGINE (self));
  g_return_if_fail (destination == NULL || G_IS_INET_SOCKET_ADDRESS (destination));

  command = command_new (COMMAND_SET_DESTINATION, endpoint_id, NULL, 0);
  command->destination = destination != NULL ? g_object_ref (destination) : NULL;
  invoke (self, command);
}

/**
 * np_engine_set_groups:
 * @groups: (nullable): every multicast group to be a member of from now on ("GROUP" or
 *   "GROUP%IFACE"); %NULL or empty: none
 *
 * A running UDP endpoint joins the groups it is not a member of yet and leaves those not
 * named; a NOTICE says each change, an ERROR each group the system refused.
 */
void
np_engine_set_groups (NpEngine           *self,
                      guint               endpoint_id,
                      const char * const *groups)
{
  Command *command;

  g_return_if_fail (NP_IS_ENGINE (self));

  command = command_new (COMMAND_SET_GROUPS, endpoint_id, NULL, 0);
  command->groups = g_strdupv ((char **) groups);
  invoke (self, command);
}

/* Stops every endpoint and joins the engine thread; events already queued stay deliverable. */
void
np_engine_shutdown (NpEngine *self)
{
  Command *command;

  g_return_if_fail (NP_IS_ENGINE (self));

  if (self->thread == NULL)
    return;

  command = command_new (COMMAND_SHUTDOWN, 0, NULL, 0);
  invoke (self, command);
  g_thread_join (g_steal_pointer (&self->thread));

  /* Anything the endpoints left attached (pending forget idles) dies with the context. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
}
