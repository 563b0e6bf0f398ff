#define G_LOG_DOMAIN "np-log-export"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-log-export.h"

/* The rows are taken (referenced: they never change) and the renderer's settings copied on
 * the caller's thread; turning them into text and writing it happens on a worker thread, so
 * 100,000 rows do not stall the window. */
typedef struct
{
  GPtrArray         *rows;       /* NpLogRow* */
  NpLogRenderer     *renderer;   /* a copy: the window's may change meanwhile */
  NpLogExportFormat  format;
  GFile             *file;
} Export;

static void
export_free (Export *export)
{
  g_ptr_array_unref (export->rows);
  g_object_unref (export->renderer);
  g_object_unref (export->file);
  g_free (export);
}

/* A CSV field: quoted when it holds a comma, a quote or a line end, quotes doubled (RFC 4180). */
char *
np_log_export_csv_field (const char *text)
{
  GString *out;

  if (strpbrk (text, ",\"\r\n") == NULL)
    return g_strdup (text);

  out = g_string_new ("\"");
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static void
append_csv_row (GString       *out,
                NpLogRenderer *renderer,
                NpLogRow      *row)
{
  g_autofree char *time = np_log_renderer_time (renderer, row);
  g_autofree char *direction = np_log_renderer_direction (renderer, row);
  g_autofree char *length = np_log_row_describe_length (row, FALSE);
  g_autofree char *data = np_log_renderer_full_data (renderer, row);
  const char *fields[] = { time, direction, np_log_row_get_peer (row) != NULL ? np_log_row_get_peer (row) : "",
                           length, data };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *field = np_log_export_csv_field (fields[i]);

      g_string_append (out, i > 0 ? "," : "");
      g_string_append (out, field);
    }
  g_string_append (out, "\r\n");
}

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Export *export = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) file = g_file_replace (export->file, NULL, FALSE, G_FILE_CREATE_NONE,
                                                      cancellable, &error);
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GString) chunk = g_string_new (NULL);

  if (file == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  out = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (file), 256 * 1024);

  /* Column names first: fixed, so that a script reading the file knows them in any language. */
  if (export->format == NP_LOG_EXPORT_CSV)
    g_string_append (chunk, "time,direction,peer,length,data\r\n");

  for (guint i = 0; i < export->rows->len; i++)
    {
      NpLogRow *row = g_ptr_array_index (export->rows, i);

      if (export->format == NP_LOG_EXPORT_CSV)
        append_csv_row (chunk, export->renderer, row);
      else
        {
          g_autofree char *line = np_log_renderer_line (export->renderer, row);

          g_string_append (chunk, line);
        }

      if (chunk->len >= 64 * 1024 || i + 1 == export->rows->len)
        {
          if (!g_output_stream_write_all (out, chunk->str, chunk->len, NULL, cancellable, &error))
            break;
          g_string_truncate (chunk, 0);
        }
    }

  if (error == NULL && chunk->len > 0)
    g_output_stream_write_all (out, chunk->str, chunk->len, NULL, cancellable, &error);
  /* A failed write must not leave a file that looks complete: replace it only when it is. */
  if (error == NULL)
    g_output_stream_close (out, cancellable, &error);
  else
    {
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      g_cancellable_cancel (abandon);
      g_output_stream_close (out, abandon, NULL);
    }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, export->rows->len);
}

/**
 * np_log_export_async:
 * @rows: (element-type NpLogRow): the rows to write (all of the log, or those the filter shows)
 * @renderer: how they read now (format, encoding, time); copied
 *
 * Writes @rows to @file (replaced only once all is written) in @format.
 */
void
np_log_export_async (GListModel          *rows,
                     NpLogRenderer       *renderer,
                     NpLogExportFormat    format,
                     GFile               *file,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Export *export = g_new0 (Export, 1);
  guint n = g_list_model_get_n_items (rows);

  export->rows = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (export->rows, g_list_model_get_item (rows, i));
  export->renderer = np_log_renderer_copy (renderer);
  export->format = format;
  export->file = g_object_ref (file);

  g_task_set_source_tag (task, np_log_export_async);
  g_task_set_task_data (task, export, (GDestroyNotify) export_free);
  g_task_run_in_thread (task, export_in_thread);
}

/* @n_rows: (out) (optional): how many rows were written */
gboolean
np_log_export_finish (GAsyncResult  *result,
                      guint         *n_rows,
                      GError       **error)
{
  gssize count = g_task_propagate_int (G_TASK (result), error);

  if (count < 0)
    return FALSE;
  if (n_rows != NULL)
    *n_rows = (guint) count;
  return TRUE;
}
