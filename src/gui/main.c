/* netpoke: the GNOME window over the Netpoke core */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>

#include "np-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(NpApplication) application = NULL;
  const char *localedir = g_getenv ("NETPOKE_LOCALEDIR");   /* uninstalled runs and tests */

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A peer that goes away is an event to show, not a reason to die. */
  signal (SIGPIPE, SIG_IGN);

  application = np_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
