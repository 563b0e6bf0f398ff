#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <string.h>

#include "np-row-details.h"
#include "np-test-utils.h"
#include "np-window-test-utils.h"

gpointer
np_test_part_child (gpointer    part,
                    const char *name)
{
  gpointer found = gtk_widget_get_template_child (GTK_WIDGET (part), G_OBJECT_TYPE (part), name);

  g_assert_nonnull (found);
  return found;
}

const char *
np_test_start_words (gpointer endpoint_bar)
{
  GtkStack *words = np_test_part_child (endpoint_bar, "start_stack");

  return gtk_label_get_text (GTK_LABEL (gtk_stack_get_visible_child (words)));
}

/* What every in-process window test does first: GTK and libadwaita for tests, and Stop
 * without its question (the tests stop servers that have clients; the memory settings
 * backend keeps it for the whole run, and a test of the question turns it on itself). */
void
np_test_init_window_tests (int    *argc,
                           char ***argv)
{
  g_autoptr(GSettings) settings = NULL;

  gtk_test_init (argc, argv, NULL);
  adw_init ();
  settings = g_settings_new (APP_ID);
  g_settings_set_boolean (settings, "confirm-stop", FALSE);
}

NpWindow *
np_test_new_window (void)
{
  NpWindow *window = np_window_new (NULL);

  /* The test's own reference: np_test_close_window () checks that it is the last one. */
  g_object_ref_sink (window);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

void
np_test_close_window (NpWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  g_assert_finalize_object (window);
}

gboolean
np_test_is_listening (gpointer window)
{
  return np_window_get_endpoint_port (window) != 0;
}

gboolean
np_test_is_stopped (gpointer window)
{
  return !np_window_is_running (window);
}

gboolean
np_test_is_running (gpointer window)
{
  return np_window_is_running (window);
}

guint
np_test_start_server (NpWindow *window)
{
  np_window_set_endpoint (window, NP_MODE_TCP_SERVER, "127.0.0.1", "0", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "listening");
  return np_window_get_endpoint_port (window);
}

void
np_test_stop (NpWindow *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  np_test_wait_until (np_test_is_stopped, window, "the endpoint to stop");
}

GListModel *
np_test_peers_of (NpWindow *window)
{
  return G_LIST_MODEL (np_peer_list_get_peers (window->peer_list));
}

NpLogModel *
np_test_log_of (NpWindow *window)
{
  return np_log_view_get_model (window->log_view);
}

/* ---- widgets -------------------------------------------------------------------------------- */

GtkWidget *
np_test_find_widget (GtkWidget         *root,
                     NpTestWidgetMatch  match,
                     gconstpointer      data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = np_test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
np_test_find_widget_of_type (GtkWidget *root,
                             GType      type)
{
  return np_test_find_widget (root, is_of_type, GSIZE_TO_POINTER (type));
}

/* ---- frames --------------------------------------------------------------------------------- */

typedef struct
{
  GtkWidget *widget;
  guint      painted;
} Frames;

/* A frame is drawn only when something asks for one: the second is asked for here, so that a
 * window with nothing else going on still draws it. */
static void
on_after_paint (GdkFrameClock *clock,
                Frames        *frames)
{
  if (++frames->painted < 2)
    gtk_widget_queue_draw (frames->widget);
}

static gboolean
painted_twice (gpointer data)
{
  return ((Frames *) data)->painted >= 2;
}

void
np_test_wait_painted (gpointer widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (widget));
  Frames frames = { GTK_WIDGET (widget), 0 };
  gulong id;

  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &frames);
  gtk_widget_queue_draw (GTK_WIDGET (widget));
  np_test_wait_until (painted_twice, &frames, "two frames drawn");
  g_signal_handler_disconnect (clock, id);
}

void
np_test_wait_frames (NpWindow *window)
{
  np_test_wait_painted (window);
}

void
np_test_wait_rows_drawn (NpWindow *window,
                         guint     n)
{
  np_test_wait_for_items (np_test_log_of (window), n, "the rows in the log");
  np_test_wait_frames (window);
}

/* ---- what the log shows --------------------------------------------------------------------- */

/* The list of rows under the column view's header. */
static GtkWidget *
log_rows (NpWindow *window)
{
  GtkWidget *view = np_test_part_child (window->log_view, "column_view");

  for (GtkWidget *child = gtk_widget_get_first_child (view); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  g_assert_not_reached ();
}

/* A cell that shows @text, whole, or (@part) somewhere in it. */
static gboolean
cell_matches (GtkWidget  *cell,
              const char *text,
              gboolean    part)
{
  const char *shown = GTK_IS_INSCRIPTION (cell) ? gtk_inscription_get_text (GTK_INSCRIPTION (cell)) : NULL;

  return shown != NULL && (part ? strstr (shown, text) != NULL : strcmp (shown, text) == 0);
}

static GtkWidget *
find_cell (GtkWidget  *widget,
           const char *text,
           gboolean    part,
           const graphene_rect_t *viewport,
           GtkWidget  *relative_to)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_get_mapped (child))
        continue;
      if (cell_matches (child, text, part))
        {
          graphene_rect_t bounds;

          /* Widgets are kept for rows around the viewport too: only one inside counts. */
          if (gtk_widget_compute_bounds (child, relative_to, &bounds)
              && graphene_rect_contains_rect (viewport, &bounds))
            return child;
          continue;
        }
      if ((found = find_cell (child, text, part, viewport, relative_to)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
log_text_shown (NpWindow   *window,
                const char *text,
                gboolean    part)
{
  GtkWidget *scroller = np_test_part_child (window->log_view, "scroller");
  GtkWidget *rows = log_rows (window);
  graphene_rect_t viewport, area;

  /* The scrolled window's visible area, less the header above the rows. */
  graphene_rect_init (&viewport, 0, 0, gtk_widget_get_width (scroller), gtk_widget_get_height (scroller));
  if (!gtk_widget_compute_bounds (rows, scroller, &area))
    return FALSE;
  graphene_rect_intersection (&viewport, &area, &viewport);
  /* Cells fill their column's width: a wide one may pass the right edge by a pixel or so. */
  viewport.size.width += 2;
  return find_cell (rows, text, part, &viewport, scroller) != NULL;
}

gboolean
np_test_log_text_shown (NpWindow   *window,
                        const char *text)
{
  return log_text_shown (window, text, FALSE);
}

gboolean
np_test_log_part_shown (NpWindow   *window,
                        const char *part)
{
  return log_text_shown (window, part, TRUE);
}

typedef struct
{
  NpWindow   *window;
  const char *text;
  gboolean    part;
} Shown;

static gboolean
is_shown (gpointer data)
{
  Shown *shown = data;

  return log_text_shown (shown->window, shown->text, shown->part);
}

static void
expect_shown (NpWindow   *window,
              const char *text,
              gboolean    part)
{
  Shown shown = { window, text, part };
  g_autofree char *what = g_strdup_printf ("a row showing “%s” in view", text);

  np_test_wait_until (is_shown, &shown, what);
}

/* Waits for a row showing exactly @text inside the log's viewport (see np_test_log_text_shown). */
void
np_test_expect_row_shown (NpWindow   *window,
                          const char *text)
{
  expect_shown (window, text, FALSE);
}

/* The same for a row whose cell holds @part. */
void
np_test_expect_part_shown (NpWindow   *window,
                           const char *part)
{
  expect_shown (window, part, TRUE);
}

gboolean
np_test_last_row_shown (NpWindow  *window,
                        char     **text)
{
  GListModel *visible = np_log_view_get_visible (window->log_view);
  guint n = g_list_model_get_n_items (visible);
  g_autoptr(NpLogRow) last = NULL;
  g_autofree char *data = NULL;
  gboolean shown;

  g_assert_cmpuint (n, >, 0);
  last = g_list_model_get_item (visible, n - 1);
  data = np_log_renderer_data (np_log_view_get_renderer (window->log_view), last);
  shown = np_test_log_text_shown (window, data);
  if (text != NULL)
    *text = g_steal_pointer (&data);
  return shown;
}

/* ---- keys ----------------------------------------------------------------------------------- */

static void
on_xdotool_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

gboolean
np_test_xdotool (NpWindow          *window,
                 const char *const *args)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) argv = NULL;
  gboolean done = FALSE;

  if (xdotool == NULL)
    {
      g_test_skip ("xdotool is not installed");
      return FALSE;
    }

  /* The window is drawn and mapped before the input goes to it. */
  np_test_wait_frames (window);
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, xdotool);
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  process = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  /* The main loop runs meanwhile: the window gets the events as they come. */
  g_subprocess_wait_check_async (process, NULL, on_xdotool_done, &done);
  np_test_wait_until (is_true, &done, "xdotool to finish");
  np_test_wait_frames (window);
  return TRUE;
}

gboolean
np_test_click (NpWindow   *window,
               GtkWidget  *widget,
               const char *modifier)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (window));
  GdkSurface *surface = gtk_native_get_surface (native);
  graphene_rect_t bounds;
  double surface_x, surface_y;
  g_autofree char *xid = NULL, *x = NULL, *y = NULL;

  if (!GDK_IS_X11_SURFACE (surface))
    {
      g_test_skip ("clicks are made with xdotool, on X11");
      return FALSE;
    }
  np_test_wait_frames (window);
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (native), &bounds));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  x = g_strdup_printf ("%.0f", surface_x + bounds.origin.x + bounds.size.width / 2);
  y = g_strdup_printf ("%.0f", surface_y + bounds.origin.y + bounds.size.height / 2);
  {
    const char *plain[] = { "mousemove", "--window", xid, x, y, "click", "1", NULL };
    const char *held[] = { "mousemove", "--window", xid, x, y, "keydown", modifier, "click", "1",
                           "keyup", modifier, NULL };

    return np_test_xdotool (window, modifier != NULL ? held : plain);
  }
}

gboolean
np_test_press_keys (NpWindow   *window,
                    const char *keys)
{
  g_auto(GStrv) names = g_strsplit (keys, " ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;

  g_strv_builder_add_many (builder, "key", "--delay", "20", NULL);
  g_strv_builder_addv (builder, (const char **) names);
  args = g_strv_builder_end (builder);
  return np_test_xdotool (window, (const char * const *) args);
}

/* Saves @window's workspace to @file as Save does (off the UI thread) and waits for it. */
gboolean
np_test_save_workspace (NpWindow  *window,
                        GFile     *file,
                        GError   **error)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  np_window_save_workspace_async (window, file, NULL, np_test_async_ready, &pending);
  g_assert_null (pending);   /* written off the UI thread: never done inside the call */
  result = np_test_wait_async (&pending, "the workspace to be saved");
  return np_window_save_workspace_finish (window, result, error);
}

/* ---- dialogs ------------------------------------------------------------------------------ */

AdwMessageDialog *
np_test_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

gboolean
np_test_has_message_dialog (gpointer unused)
{
  return np_test_message_dialog () != NULL;
}

/* ---- the details of a row ------------------------------------------------------------------- */

NpRowDetails *
np_test_details_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (NP_IS_ROW_DETAILS (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return NP_ROW_DETAILS (window);
    }
  return NULL;
}

static gboolean
has_details (gpointer unused)
{
  return np_test_details_window () != NULL;
}

NpRowDetails *
np_test_open_details (NpWindow *window,
                      NpLogRow *row)
{
  GListModel *visible = np_log_view_get_visible (window->log_view);
  GtkSelectionModel *selection = NULL;

  g_object_get (np_test_part_child (window->log_view, "column_view"), "model", &selection, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(NpLogRow) item = g_list_model_get_item (visible, i);

      if (item == row)
        gtk_selection_model_select_item (selection, i, TRUE);
    }
  g_object_unref (selection);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.details", NULL);
  np_test_wait_until (has_details, NULL, "the details window");
  np_test_wait_painted (np_test_details_window ());
  return np_test_details_window ();
}
