/* libFuzzer target: the workspace loader. Any bytes either load or are refused with a message
 * naming the file, never a crash and never a GLib or json-glib warning (made fatal here); a
 * workspace that loads saves as text that loads again to the same workspace (load -> save ->
 * load is stable). */
#include "np-session.h"

int LLVMFuzzerTestOneInput (const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        gsize         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpSession) session = NULL;
  g_autoptr(NpSession) again = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *resaved = NULL;

  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  session = np_session_new_from_data ((const char *) data, size, "fuzz.netpoke", &error);
  if (session == NULL)
    {
      g_assert (error != NULL && g_str_has_prefix (error->message, "fuzz.netpoke: "));
      return 0;
    }

  saved = np_session_to_data (session);
  again = np_session_new_from_data (saved, -1, "saved.netpoke", &error);
  if (again == NULL)
    g_error ("a loaded workspace saved as text it refuses: %s\n%s", error->message, saved);
  resaved = np_session_to_data (again);
  g_assert (g_str_equal (saved, resaved));
  return 0;
}
