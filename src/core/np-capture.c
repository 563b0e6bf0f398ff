#define G_LOG_DOMAIN "np-capture"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-capture.h"
#include "np-error.h"
#include "np-event-json.h"

/* Lines are gathered and written 64 KiB at a time (and at every np_capture_flush). */
#define PENDING_LIMIT (64 * 1024)

struct _NpCapture
{
  GObject            parent_instance;

  GFileOutputStream *stream;
  NpEncoding         encoding;
  NpEncoding         reply_encoding;
  GString           *pending;         /* whole lines not written yet */
  guint64            pending_events;
  goffset            committed;       /* the file ends on a whole line here */
  guint64            lost;            /* events not in the file, since the first failure */
  GError            *failure;         /* the first write that failed */
};

G_DEFINE_FINAL_TYPE (NpCapture, np_capture, G_TYPE_OBJECT)

static void
np_capture_finalize (GObject *object)
{
  NpCapture *self = (NpCapture *)object;

  if (self->stream != NULL)
    g_output_stream_close (G_OUTPUT_STREAM (self->stream), NULL, NULL);
  g_clear_object (&self->stream);
  g_string_free (self->pending, TRUE);
  g_clear_error (&self->failure);

  G_OBJECT_CLASS (np_capture_parent_class)->finalize (object);
}

static void
np_capture_class_init (NpCaptureClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_capture_finalize;
}

static void
np_capture_init (NpCapture *self)
{
  self->pending = g_string_sized_new (PENDING_LIMIT);
}

/**
 * np_capture_new:
 * Returns: (transfer full) (nullable): a capture writing to @file (replaced), or %NULL with
 *   @error naming the file and the reason
 */
NpCapture *
np_capture_new (GFile       *file,
                NpEncoding   encoding,
                GError     **error)
{
  g_autoptr(GFileOutputStream) output = NULL;
  g_autoptr(GError) local_error = NULL;
  NpCapture *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  output = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &local_error);
  if (output == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, local_error->domain, local_error->code,
                   _("Cannot write capture file %s: %s"), name, local_error->message);
      return NULL;
    }

  self = g_object_new (NP_TYPE_CAPTURE, NULL);
  self->stream = g_steal_pointer (&output);
  self->encoding = encoding;
  self->reply_encoding = encoding;

  return self;
}

/* The text of a reply rule's answers is in @encoding (by default, the capture's encoding). */
void
np_capture_set_reply_encoding (NpCapture  *self,
                               NpEncoding  encoding)
{
  g_return_if_fail (NP_IS_CAPTURE (self));

  self->reply_encoding = encoding;
}

/* Writes the gathered lines. When the write fails (disk full), the file is cut back to its last
 * whole line, so that every line in it is a complete record, and what was not written is
 * counted as lost. */
static gboolean
write_pending (NpCapture  *self,
               GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize written = 0;

  if (self->pending->len == 0)
    return TRUE;

  if (g_output_stream_write_all (G_OUTPUT_STREAM (self->stream), self->pending->str,
                                 self->pending->len, &written, NULL, &local_error))
    {
      self->committed += written;
      self->pending_events = 0;
      g_string_truncate (self->pending, 0);
      return TRUE;
    }

  self->lost += self->pending_events;
  self->pending_events = 0;
  g_string_truncate (self->pending, 0);
  if (written > 0)
    g_seekable_truncate (G_SEEKABLE (self->stream), self->committed, NULL, NULL);
  self->failure = g_error_copy (local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * np_capture_write:
 *
 * Returns: %FALSE when the capture has failed (the first time with @error); later events are
 *   counted as lost.
 */
gboolean
np_capture_write (NpCapture  *self,
                  NpEvent    *event,
                  GError    **error)
{
  g_autofree char *line = NULL;

  g_return_val_if_fail (NP_IS_CAPTURE (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  if (self->failure != NULL)
    {
      self->lost++;
      return FALSE;
    }

  line = np_event_to_json (event, np_event_text_encoding (event, self->encoding, self->reply_encoding));
  g_string_append (self->pending, line);
  g_string_append_c (self->pending, '\n');
  self->pending_events++;

  return self->pending->len < PENDING_LIMIT || write_pending (self, error);
}

/* Puts every event written so far in the file. */
gboolean
np_capture_flush (NpCapture  *self,
                  GError    **error)
{
  g_return_val_if_fail (NP_IS_CAPTURE (self), FALSE);

  return self->failure == NULL && write_pending (self, error);
}

/* Bytes of the lines written so far (the last of them may still be gathered, not in the file). */
guint64
np_capture_get_size (NpCapture *self)
{
  g_return_val_if_fail (NP_IS_CAPTURE (self), 0);

  return (guint64) self->committed + self->pending->len;
}

guint64
np_capture_get_lost (NpCapture *self)
{
  g_return_val_if_fail (NP_IS_CAPTURE (self), 0);

  return self->lost;
}

/**
 * np_capture_close:
 *
 * Returns: %FALSE if any event is missing from the file, with @error saying how many and why
 */
gboolean
np_capture_close (NpCapture  *self,
                  GError    **error)
{
  g_autoptr(GError) close_error = NULL;

  g_return_val_if_fail (NP_IS_CAPTURE (self), FALSE);

  if (self->failure == NULL)
    write_pending (self, NULL);
  if (!g_output_stream_close (G_OUTPUT_STREAM (self->stream), NULL, &close_error) && self->failure == NULL)
    self->failure = g_steal_pointer (&close_error);

  if (self->failure == NULL)
    return TRUE;

  {
    g_autofree char *lost = g_strdup_printf ("%" G_GUINT64_FORMAT, self->lost);

    g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("%s events lost (%s)"), lost, self->failure->message);
  }
  return FALSE;
}
