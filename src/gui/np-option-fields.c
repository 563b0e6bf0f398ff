#define G_LOG_DOMAIN "np-option-fields"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "np-error.h"
#include "np-option-fields.h"

/* The text as typed, without surrounding blanks. */
char *
np_option_entry_text (GtkEntry *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

/**
 * np_option_entry_number:
 * @field: the field's name as the person sees it, for the message
 * @empty: the value of an empty field
 *
 * Returns: whether the field holds a whole number from @min to @max; if not, @error says so
 */
gboolean
np_option_entry_number (GtkEntry    *entry,
                        const char  *field,
                        guint64      min,
                        guint64      max,
                        guint64      empty,
                        guint64     *value,
                        GError     **error)
{
  g_autofree char *text = np_option_entry_text (entry);
  g_autofree char *low = g_strdup_printf ("%" G_GUINT64_FORMAT, min);
  g_autofree char *high = g_strdup_printf ("%" G_GUINT64_FORMAT, max);

  if (text[0] == '\0')
    {
      *value = empty;
      return TRUE;
    }
  if (g_ascii_string_to_unsigned (text, 10, min, max, value, NULL))
    return TRUE;

  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("%s must be a number from %s to %s"), field, low, high);
  return FALSE;
}

/**
 * np_option_entry_file:
 * @path: (out) (transfer full) (nullable): the file named, %NULL when the field is empty
 *
 * Returns: whether the field is empty or names a file that can be read
 */
gboolean
np_option_entry_file (GtkEntry    *entry,
                      const char  *field,
                      char       **path,
                      GError     **error)
{
  g_autofree char *text = np_option_entry_text (entry);

  *path = NULL;
  if (text[0] == '\0')
    return TRUE;
  if (!g_file_test (text, G_FILE_TEST_IS_REGULAR) || g_access (text, R_OK) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("%s: cannot read “%s”"), field, text);
      return FALSE;
    }

  *path = g_steal_pointer (&text);
  return TRUE;
}

static void
on_chosen (GtkNativeDialog *dialog,
           int              response,
           GtkEntry        *entry)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (entry), path);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

/* A file (or folder) chooser whose answer goes into @entry. */
void
np_option_choose_file (GtkWidget            *parent,
                       GtkFileChooserAction  action,
                       const char           *title,
                       GtkEntry             *entry)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, action, NULL, NULL);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_chosen), entry, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
