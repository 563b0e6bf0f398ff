#define G_LOG_DOMAIN "np-message-saver"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

#include "np-error.h"
#include "np-message-saver.h"

/* A file to write; a job without a path tells the worker to end. */
typedef struct
{
  char    *path;
  GBytes  *data;
} Job;

/* What the worker thread shares with the saver. The worker holds its own reference, so that
 * a saver dropped while files are still being written does not wait for them. */
typedef struct
{
  GAsyncQueue   *jobs;           /* Job* */
  GMainContext  *context;        /* where failures are reported */
  GWeakRef       saver;
  gssize         pending;        /* atomic: bytes queued, not written yet */
  guint          n_saved;        /* atomic */
  gint           failed;         /* atomic: saving stopped; the rest is dropped */
  char          *reason;         /* why the first write failed (set before failed) */
} Shared;

struct _NpMessageSaver
{
  GObject   parent_instance;

  GFile    *folder;
  char     *folder_path;
  Shared   *shared;
  GThread  *thread;
  guint64   sequence;
  gboolean  stopped;
};

G_DEFINE_FINAL_TYPE (NpMessageSaver, np_message_saver, G_TYPE_OBJECT)

enum { SIGNAL_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
job_free (Job *job)
{
  g_free (job->path);
  g_clear_pointer (&job->data, g_bytes_unref);
  g_free (job);
}

static Shared *
shared_ref (Shared *shared)
{
  return g_atomic_rc_box_acquire (shared);
}

static void
shared_clear (Shared *shared)
{
  g_async_queue_unref (shared->jobs);
  g_main_context_unref (shared->context);
  g_weak_ref_clear (&shared->saver);
  g_free (shared->reason);
}

static void
shared_unref (Shared *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify) shared_clear);
}

/* ---- the consumer's side ---------------------------------------------------------------- */

static void
stop_with (NpMessageSaver *self,
           const char     *reason)
{
  g_autofree char *message = NULL;

  if (self->stopped)
    return;
  self->stopped = TRUE;
  g_atomic_int_set (&self->shared->failed, TRUE);

  message = g_strdup_printf (_("Saving messages to %s stopped: %s"), self->folder_path, reason);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, message);
}

static gboolean
on_worker_failed (gpointer user_data)
{
  Shared *shared = user_data;
  g_autoptr(NpMessageSaver) self = g_weak_ref_get (&shared->saver);

  if (self != NULL)
    stop_with (self, shared->reason);
  return G_SOURCE_REMOVE;
}

/* ---- the worker ------------------------------------------------------------------------- */

static gpointer
write_files (gpointer user_data)
{
  Shared *shared = user_data;
  Job *job;

  while ((job = g_async_queue_pop (shared->jobs))->path != NULL)
    {
      g_autoptr(GError) error = NULL;
      gsize size = g_bytes_get_size (job->data);

      /* A temporary file renamed into place: a message is saved whole or not at all. No fsync
       * for a new file: a crash loses recent files, it never leaves half of one. */
      if (!g_atomic_int_get (&shared->failed)
          && !g_file_set_contents_full (job->path, g_bytes_get_data (job->data, NULL), size,
                                        G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                        0666, &error))
        {
          shared->reason = g_strdup (error->message);
          g_atomic_int_set (&shared->failed, TRUE);
          g_main_context_invoke_full (shared->context, G_PRIORITY_DEFAULT, on_worker_failed, shared_ref (shared),
                                      (GDestroyNotify) shared_unref);
        }
      else if (!g_atomic_int_get (&shared->failed))
        g_atomic_int_inc ((gint *) &shared->n_saved);

      g_atomic_pointer_add (&shared->pending, -(gssize) size);
      job_free (job);
    }

  job_free (job);
  shared_unref (shared);
  return NULL;
}

/* ---- object ----------------------------------------------------------------------------- */

/* The worker finishes what is queued on its own; nobody waits for it here. */
static void
np_message_saver_dispose (GObject *object)
{
  NpMessageSaver *self = (NpMessageSaver *)object;

  if (self->thread != NULL)
    {
      g_async_queue_push (self->shared->jobs, g_new0 (Job, 1));
      g_clear_pointer (&self->thread, g_thread_unref);
    }

  G_OBJECT_CLASS (np_message_saver_parent_class)->dispose (object);
}

static void
np_message_saver_finalize (GObject *object)
{
  NpMessageSaver *self = (NpMessageSaver *)object;

  g_weak_ref_set (&self->shared->saver, NULL);
  g_clear_pointer (&self->shared, shared_unref);
  g_clear_object (&self->folder);
  g_clear_pointer (&self->folder_path, g_free);

  G_OBJECT_CLASS (np_message_saver_parent_class)->finalize (object);
}

static void
np_message_saver_class_init (NpMessageSaverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_message_saver_dispose;
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
  self->shared = g_atomic_rc_box_new0 (Shared);
  self->shared->jobs = g_async_queue_new_full ((GDestroyNotify) job_free);
  self->shared->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->shared->saver, self);
  self->thread = g_thread_new ("netpoke-saver", write_files, shared_ref (self->shared));

  return g_steal_pointer (&self);
}

/* Returns: (transfer none): the folder the files go to */
GFile *
np_message_saver_get_folder (NpMessageSaver *self)
{
  g_return_val_if_fail (NP_IS_MESSAGE_SAVER (self), NULL);

  return self->folder;
}

/* The extension a message's first bytes say it has; "bin" when they say nothing known. */
const char *
np_message_saver_guess_extension (const guint8 *data,
                                  gsize         length)
{
  static const struct { const char *magic; gsize length; const char *extension; } kinds[] = {
    { "\x89PNG\r\n\x1a\n", 8, "png" },
    { "\xff\xd8\xff", 3, "jpg" },
    { "GIF87a", 6, "gif" },
    { "GIF89a", 6, "gif" },
    { "BM", 2, "bmp" },
    { "%PDF-", 5, "pdf" },
    { "PK\x03\x04", 4, "zip" },
    { "PK\x05\x06", 4, "zip" },   /* an empty archive */
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (length >= kinds[i].length && memcmp (data, kinds[i].magic, kinds[i].length) == 0)
      return kinds[i].extension;

  return "bin";
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
  gsize size;
  Job *job;

  g_return_if_fail (NP_IS_MESSAGE_SAVER (self));

  if (self->stopped || event->kind != NP_EVENT_RECEIVED || event->payload == NULL)
    return;

  size = g_bytes_get_size (event->payload);
  if ((gsize) g_atomic_pointer_get (&self->shared->pending) + size > NP_MESSAGE_SAVER_MAX_PENDING)
    {
      g_autofree char *waiting = g_strdup_printf ("%" G_GSIZE_FORMAT,
                                                  (gsize) g_atomic_pointer_get (&self->shared->pending) / (1024 * 1024));
      g_autofree char *reason = g_strdup_printf (_("the disk is not keeping up (%s MiB waiting to be written)"),
                                                 waiting);

      stop_with (self, reason);
      return;
    }

  name = np_message_saver_file_name (event, ++self->sequence);
  job = g_new0 (Job, 1);
  job->path = g_build_filename (self->folder_path, name, NULL);
  job->data = g_bytes_ref (event->payload);
  g_atomic_pointer_add (&self->shared->pending, (gssize) size);
  g_async_queue_push (self->shared->jobs, job);
}

gboolean
np_message_saver_is_stopped (NpMessageSaver *self)
{
  g_return_val_if_fail (NP_IS_MESSAGE_SAVER (self), TRUE);

  return self->stopped;
}

/* Files written so far. */
guint64
np_message_saver_get_n_saved (NpMessageSaver *self)
{
  g_return_val_if_fail (NP_IS_MESSAGE_SAVER (self), 0);

  return (guint) g_atomic_int_get ((gint *) &self->shared->n_saved);
}

/* Waits until everything queued is written (netpoke-cli, before it exits); a failure not
 * reported yet is reported now, through "failed". */
void
np_message_saver_close (NpMessageSaver *self)
{
  g_return_if_fail (NP_IS_MESSAGE_SAVER (self));

  if (self->thread == NULL)
    return;

  g_async_queue_push (self->shared->jobs, g_new0 (Job, 1));
  g_thread_join (g_steal_pointer (&self->thread));
  if (g_atomic_int_get (&self->shared->failed) && self->shared->reason != NULL)
    stop_with (self, self->shared->reason);
  self->stopped = TRUE;
}
