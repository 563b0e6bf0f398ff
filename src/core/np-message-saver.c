#define G_LOG_DOMAIN "np-message-saver"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

#include "np-error.h"
#include "np-magic.h"
#include "np-message-saver.h"
#include "np-work-queue.h"

/* A message to write, and where. */
typedef struct
{
  char    *path;
  GBytes  *data;
} Job;

struct _NpMessageSaver
{
  GObject       parent_instance;

  GFile        *folder;
  char         *folder_path;
  NpWorkQueue  *queue;
  guint64       sequence;
};

G_DEFINE_FINAL_TYPE (NpMessageSaver, np_message_saver, G_TYPE_OBJECT)

enum { SIGNAL_FAILED, SIGNAL_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
job_free (Job *job)
{
  g_free (job->path);
  g_bytes_unref (job->data);
  g_free (job);
}

/* On the worker thread: a temporary file renamed into place, so a message is saved whole or
 * not at all. No fsync for a new file: a crash loses recent files, it never leaves half of one. */
static gboolean
write_message (gpointer   item,
               gpointer   user_data,
               gsize     *written,
               GError   **error)
{
  Job *job = item;
  gsize size;
  const char *data;

  if (job == NULL)
    return TRUE;

  data = g_bytes_get_data (job->data, &size);
  if (!g_file_set_contents_full (job->path, data, size,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING, 0666, error))
    return FALSE;

  *written = size;
  return TRUE;
}

static void
on_queue_progress (NpWorkQueue *queue,
                   NpMessageSaver *self)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
}

static void
on_queue_failed (NpWorkQueue    *queue,
                 const char     *reason,
                 NpMessageSaver *self)
{
  g_autofree char *message = g_strdup_printf (_("Saving messages to %s stopped: %s"), self->folder_path, reason);

  g_signal_emit (self, signals[SIGNAL_FAILED], 0, message);
}

static void
np_message_saver_finalize (GObject *object)
{
  NpMessageSaver *self = (NpMessageSaver *)object;

  /* The worker finishes what is queued on its own. */
  g_clear_object (&self->queue);
  g_clear_object (&self->folder);
  g_clear_pointer (&self->folder_path, g_free);

  G_OBJECT_CLASS (np_message_saver_parent_class)->finalize (object);
}

static void
np_message_saver_class_init (NpMessageSaverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = np_message_saver_finalize;

  /**
   * NpMessageSaver::failed:
   * @message: what went wrong, naming the folder
   *
   * Saving stopped for good (the files already written stay); emitted once, on the main
   * context that was the thread's default when the saver was made.
   */
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* More was written (for a label that shows how much). */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
np_message_saver_init (NpMessageSaver *self)
{
}

/**
 * np_message_saver_new:
 * @folder: where the files go; made (with its parents) if it is not there
 *
 * Returns: (transfer full) (nullable): a saver, or %NULL with @error when @folder cannot be
 *   made or is not a folder
 */
NpMessageSaver *
np_message_saver_new (GFile   *folder,
                      GError **error)
{
  g_autoptr(NpMessageSaver) self = NULL;
  g_autofree char *path = NULL;
  int saved_errno;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  path = g_file_get_path (folder);
  if (path == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (folder);

      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("%s is not a local folder"), name);
      return NULL;
    }
  if (g_mkdir_with_parents (path, 0777) != 0 || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      saved_errno = errno;
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("Cannot save messages to %s: %s"), path,
                   g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_DIR)
                   ? _("it is not a folder") : g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (NP_TYPE_MESSAGE_SAVER, NULL);
  self->folder = g_object_ref (folder);
  self->folder_path = g_steal_pointer (&path);
  self->queue = np_work_queue_new ("netpoke-saver", write_message, NULL, NULL, (GDestroyNotify) job_free);
  g_signal_connect_object (self->queue, "failed", G_CALLBACK (on_queue_failed), self, 0);
  g_signal_connect_object (self->queue, "progress", G_CALLBACK (on_queue_progress), self, 0);

  return g_steal_pointer (&self);
}

/* Returns: (transfer none): the folder the files go to */
GFile *
np_message_saver_get_folder (NpMessageSaver *self)
{
  g_return_val_if_fail (NP_IS_MESSAGE_SAVER (self), NULL);

  return self->folder;
}

/* The extension a message's first bytes say it has (np_magic_sniff, the table the window's
 * pictures use too); "bin" when they say nothing known. */
const char *
np_message_saver_guess_extension (const guint8 *data,
                                  gsize         length)
{
  return np_magic_sniff (data, length)->extension;
}

/**
 * np_message_saver_file_name:
 * @sequence: the message's number among those saved, from 1
 *
 * "20261126-153012.123_192.0.2.17-40321_000042.png": local time to the millisecond, the peer
 * (address and port, with what file systems dislike replaced), the sequence, the extension.
 * Names sort by time.
 *
 * Returns: (transfer full): the file name
 */
char *
np_message_saver_file_name (const NpEvent *event,
                            guint64        sequence)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_local (event->time_us / G_USEC_PER_SEC);
  g_autofree char *time = g_date_time_format (seconds, "%Y%m%d-%H%M%S");
  g_autoptr(GString) peer = g_string_new (NULL);
  gsize length = 0;
  const guint8 *data = event->payload != NULL ? g_bytes_get_data (event->payload, &length) : NULL;

  /* "[fe80::1%eth0]:5000" → "fe80--1-eth0-5000": no brackets, colons or percent signs. */
  for (const char *p = event->peer != NULL ? event->peer : "peer"; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '.')
      g_string_append_c (peer, *p);
    else if (*p != '[' && *p != ']')
      g_string_append_c (peer, '-');

  return g_strdup_printf ("%s.%03d_%s_%06" G_GUINT64_FORMAT ".%s", time,
                          (int) (event->time_us % G_USEC_PER_SEC / 1000), peer->str, sequence,
                          np_message_saver_guess_extension (data, length));
}

/**
 * np_message_saver_add:
 * @event: a RECEIVED event with its payload (others are ignored)
 *
 * Queues the message for writing; returns at once. Nothing happens once saving has stopped.
 */
void
np_message_saver_add (NpMessageSaver *self,
                      const NpEvent  *event)
{
  g_autofree char *name = NULL;
  Job *job;

  g_return_if_fail (NP_IS_MESSAGE_SAVER (self));

  if (np_work_queue_is_stopped (self->queue) || event->kind != NP_EVENT_RECEIVED || event->payload == NULL)
    return;

  name = np_message_saver_file_name (event, ++self->sequence);
  job = g_new0 (Job, 1);
  job->path = g_build_filename (self->folder_path, name, NULL);
  job->data = g_bytes_ref (event->payload);
  np_work_queue_push (self->queue, job, g_bytes_get_size (event->payload));
}

gboolean
np_message_saver_is_stopped (NpMessageSaver *self)
{
  g_return_val_if_fail (NP_IS_MESSAGE_SAVER (self), TRUE);

  return np_work_queue_is_stopped (self->queue);
}

/* Files written so far. */
guint64
np_message_saver_get_n_saved (NpMessageSaver *self)
{
  g_return_val_if_fail (NP_IS_MESSAGE_SAVER (self), 0);

  return np_work_queue_get_n_done (self->queue);
}

/* Waits until everything queued is written (netpoke-cli, before it exits); a failure not
 * reported yet is reported now, through "failed". */
void
np_message_saver_close (NpMessageSaver *self)
{
  g_return_if_fail (NP_IS_MESSAGE_SAVER (self));

  np_work_queue_finish (self->queue);
}
