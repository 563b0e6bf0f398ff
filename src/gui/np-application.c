#define G_LOG_DOMAIN "np-application"

#include "config.h"

#include <epoxy/gl.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "np-application.h"
#include "np-preferences-window.h"
#include "np-window.h"

struct _NpApplication
{
  AdwApplication  parent_instance;

  /* From the command line: the endpoint to fill in, and whether to start it at once. */
  char           *mode;
  char           *address;
  char           *port;
  char           *destination;
  gboolean        start;

  guint           sigint_id;
  guint           sigterm_id;
};

G_DEFINE_FINAL_TYPE (NpApplication, np_application, ADW_TYPE_APPLICATION)

static int
np_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  NpApplication *self = NP_APPLICATION (application);
  NpMode mode;

  g_variant_dict_lookup (options, "mode", "s", &self->mode);
  g_variant_dict_lookup (options, "address", "s", &self->address);
  g_variant_dict_lookup (options, "port", "s", &self->port);
  g_variant_dict_lookup (options, "to", "s", &self->destination);
  self->start = g_variant_dict_contains (options, "start");

  if (self->mode != NULL && !np_mode_from_string (self->mode, &mode))
    {
      g_printerr (_("netpoke: unknown mode “%s” (use tcp-server, tcp-client, udp, http-server, http, "
                    "ws-server or ws)\n"), self->mode);
      return 2;
    }

  return -1;
}

/* A window with the endpoint the command line asked for, started if --start was given; with
 * @file, that workspace first (the command line's fields then override its endpoint). */
static void
present_new_window (NpApplication *self,
                    GFile         *file)
{
  NpWindow *window = np_window_new (GTK_APPLICATION (self));

  if (file != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!np_window_open_file (window, file, &error))
        g_printerr ("netpoke: %s\n", error->message);
    }
  if (self->mode != NULL || self->address != NULL || self->port != NULL || self->destination != NULL)
    {
      NpMode mode = NP_MODE_TCP_SERVER;

      np_mode_from_string (self->mode, &mode);
      np_window_set_endpoint (window, mode, self->address, self->port, self->destination);
    }
  if (self->start)
    np_window_start (window);

  gtk_window_present (GTK_WINDOW (window));
}

static void
np_application_activate (GApplication *application)
{
  NpApplication *self = NP_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    present_new_window (self, NULL);
  else
    gtk_window_present (window);
}

/* `netpoke FILE.netpoke` (and the file manager, through the desktop file): a window per file. */
static void
np_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  NpApplication *self = NP_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    present_new_window (self, files[i]);
}

/* The application's windows, referenced: closing one may destroy others (its dialogs). */
static GList *
ref_windows (gpointer application)
{
  GList *windows = NULL;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l != NULL; l = l->next)
    windows = g_list_prepend (windows, g_object_ref (l->data));
  return windows;
}

/* SIGINT/SIGTERM quit without asking (nobody may be there to answer): the windows go, which
 * stops the endpoints and closes the clients cleanly. */
static gboolean
on_quit_signal (gpointer user_data)
{
  g_autolist(GtkWindow) windows = ref_windows (user_data);

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  return G_SOURCE_CONTINUE;
}

/* Software OpenGL (llvmpipe, softpipe, swrast: virtual machines, remote desktops, Xvfb) draws
 * each frame of GTK's GL renderer on the CPU: measured under a 1 GiB flood, frames took up to
 * ~100 ms with it and under 30 ms with the cairo renderer. Use cairo there. GSK reads
 * GSK_RENDERER when a window creates its renderer, so setting it here, before the first window,
 * is enough; a GSK_RENDERER the user set is left alone. */
static void
prefer_cairo_on_software_gl (void)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *renderer;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return;

  context = gdk_display_create_gl_context (gdk_display_get_default (), &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    return;   /* no GL at all: GTK falls back to cairo by itself */

  gdk_gl_context_make_current (context);
  renderer = (const char *) glGetString (GL_RENDERER);
  if (renderer != NULL
      && (strstr (renderer, "llvmpipe") != NULL || strstr (renderer, "softpipe") != NULL
          || strstr (renderer, "Software Rasterizer") != NULL || strstr (renderer, "swrast") != NULL))
    {
      g_debug ("OpenGL renderer “%s” is software: drawing with cairo", renderer);
      g_setenv ("GSK_RENDERER", "cairo", FALSE);
    }
  gdk_gl_context_clear_current ();
}

static void
np_application_startup (GApplication *application)
{
  NpApplication *self = NP_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (np_application_parent_class)->startup (application);

  prefer_cairo_on_software_gl ();

  gtk_css_provider_load_from_resource (css, "/io/github/netpoke/Netpoke/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  self->sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, self);
  self->sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, self);
}

static void
np_application_shutdown (GApplication *application)
{
  NpApplication *self = NP_APPLICATION (application);

  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);

  G_APPLICATION_CLASS (np_application_parent_class)->shutdown (application);
}

static void
np_application_finalize (GObject *object)
{
  NpApplication *self = (NpApplication *)object;

  g_free (self->mode);
  g_free (self->address);
  g_free (self->port);
  g_free (self->destination);

  G_OBJECT_CLASS (np_application_parent_class)->finalize (object);
}

static void
np_application_class_init (NpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = np_application_finalize;
  app_class->activate = np_application_activate;
  app_class->open = np_application_open;
  app_class->startup = np_application_startup;
  app_class->shutdown = np_application_shutdown;
  app_class->handle_local_options = np_application_handle_local_options;
}

/* Ctrl+Q: every window is closed as by its close button, so a server with clients asks first
 * (the preference) and a Cancel keeps it open. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_autolist(GtkWindow) windows = ref_windows (user_data);

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  GSettings *settings = NP_IS_WINDOW (window) ? np_window_get_settings (NP_WINDOW (window)) : NULL;

  if (settings == NULL)
    {
      g_message ("Preferences need the installed settings schema %s", APP_ID);
      return;
    }
  gtk_window_present (GTK_WINDOW (np_preferences_window_new (window, settings)));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Netpoke developers", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (window,
                         "application-name", _("Netpoke"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Poke network devices over TCP and UDP"),
                         "website", "https://github.com/netpoke/netpoke",
                         "issue-url", "https://github.com/netpoke/netpoke/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© 2026 The Netpoke developers",
                         "developers", developers,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "about", .activate = about_action },
};

static void
np_application_init (NpApplication *self)
{
  static const GOptionEntry options[] = {
    { "mode", 'm', 0, G_OPTION_ARG_STRING, NULL, N_("tcp-server, tcp-client, udp, http-server, http, ws-server or ws"), N_("MODE") },
    { "address", 'a', 0, G_OPTION_ARG_STRING, NULL, N_("Local address (server, udp), host (client) or URL (http, ws)"), N_("ADDR") },
    { "port", 'p', 0, G_OPTION_ARG_STRING, NULL, N_("Port"), N_("PORT") },
    { "to", 't', 0, G_OPTION_ARG_STRING, NULL, N_("UDP destination"), N_("HOST:PORT") },
    { "start", 's', 0, G_OPTION_ARG_NONE, NULL, N_("Start at once"), NULL },
    { NULL }
  };
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[WORKSPACE.netpoke…]"));
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
}

NpApplication *
np_application_new (void)
{
  return g_object_new (NP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/netpoke/Netpoke",
                       NULL);
}
