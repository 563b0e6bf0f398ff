#define G_LOG_DOMAIN "np-capture"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-capture.h"
#include "np-event-json.h"

struct _NpCapture
{
  GObject        parent_instance;

  GOutputStream *stream;     /* buffered */
  NpEncoding     encoding;
  NpEncoding     reply_encoding;
};

G_DEFINE_FINAL_TYPE (NpCapture, np_capture, G_TYPE_OBJECT)

static void
np_capture_finalize (GObject *object)
{
  NpCapture *self = (NpCapture *)object;

  if (self->stream != NULL)
    g_output_stream_close (self->stream, NULL, NULL);
  g_clear_object (&self->stream);

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
  self->stream = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (output), 64 * 1024);
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

gboolean
np_capture_write (NpCapture  *self,
                  NpEvent    *event,
                  GError    **error)
{
  g_autofree char *line = NULL;

  g_return_val_if_fail (NP_IS_CAPTURE (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  line = np_event_to_json (event, np_event_text_encoding (event, self->encoding, self->reply_encoding));

  return g_output_stream_write_all (self->stream, line, strlen (line), NULL, NULL, error)
         && g_output_stream_write_all (self->stream, "\n", 1, NULL, NULL, error);
}

gboolean
np_capture_close (NpCapture  *self,
                  GError    **error)
{
  g_return_val_if_fail (NP_IS_CAPTURE (self), FALSE);

  return g_output_stream_close (self->stream, NULL, error);
}
