#define G_LOG_DOMAIN "np-save-bytes"

#include "config.h"

#include <glib/gi18n.h>

#include "np-save-bytes.h"

typedef struct
{
  GBytes   *bytes;
  GtkLabel *label;   /* a weak pointer: the window may close while the file is written */
} Save;

static void
save_free (Save *save)
{
  g_bytes_unref (save->bytes);
  g_clear_weak_pointer (&save->label);
  g_free (save);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Save *save = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (G_FILE (source));
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    text = g_strdup_printf (_("Could not save %s: %s"), name, error->message);
  else
    {
      g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (save->bytes));

      text = g_strdup_printf (_("Saved %s bytes to %s"), size, name);
    }
  if (save->label != NULL)
    gtk_label_set_text (save->label, text);
  save_free (save);
}

static void
on_response (GtkNativeDialog *chooser,
             int              response,
             gpointer         user_data)
{
  Save *save = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (file == NULL)
    {
      save_free (save);
      return;
    }

  /* GIO writes it in a worker and replaces the file whole. */
  g_file_replace_contents_bytes_async (file, save->bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_written, save);
}

/**
 * np_save_bytes:
 * @from: the widget whose window the chooser belongs to
 * @result_label: (nullable): where "Saved 1234 bytes to …" or the failure is said
 */
void
np_save_bytes (GtkWidget  *from,
               GBytes     *bytes,
               const char *suggested_name,
               GtkLabel   *result_label)
{
  GtkFileChooserNative *chooser;
  Save *save;

  g_return_if_fail (bytes != NULL);

  chooser = gtk_file_chooser_native_new (_("Save Bytes"), GTK_WINDOW (gtk_widget_get_root (from)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);

  save = g_new0 (Save, 1);
  save->bytes = g_bytes_ref (bytes);
  g_set_weak_pointer (&save->label, result_label);
  g_signal_connect (chooser, "response", G_CALLBACK (on_response), save);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* "message-20261125-130455.png": when it came, and what its bytes say it is. */
char *
np_save_bytes_suggest_name (gint64      time_us,
                            const char *extension)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autofree char *stamp = when != NULL ? g_date_time_format (when, "%Y%m%d-%H%M%S") : g_strdup ("message");

  return g_strdup_printf ("message-%s.%s", stamp, extension);
}
