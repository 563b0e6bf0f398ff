/* np-window-test-utils.h: what the in-process tests of the real window (test-window-*.c)
 * share: their set-up, windows the test owns, a server started the way a user would, frames
 * drawn, what a person sees in the log (a row inside the viewport, not merely in the model)
 * and keys pressed on the X server, as a keyboard does. */
#pragma once

#include "np-row-details.h"
#include "np-window-private.h"

G_BEGIN_DECLS

/* A template child of a window or of one of its parts ("port_entry" of NpEndpointBar, …). */
gpointer    np_test_part_child        (gpointer     part,
                                       const char  *name);

/* The words the endpoint bar's Start button shows now (Start, Stop, Connect, …). */
const char *np_test_start_words       (gpointer     endpoint_bar);

/* gtk_test_init (), adw_init () and the confirm-stop setting off. */
void        np_test_init_window_tests (int         *argc,
                                       char      ***argv);

NpWindow   *np_test_new_window        (void);
void        np_test_close_window      (NpWindow    *window);

/* A TCP server on the loopback, on a port the kernel picks; returns the port. */
guint       np_test_start_server      (NpWindow    *window);
void        np_test_stop              (NpWindow    *window);
gboolean    np_test_is_listening      (gpointer     window);
gboolean    np_test_is_stopped        (gpointer     window);
gboolean    np_test_is_running        (gpointer     window);

GListModel *np_test_peers_of          (NpWindow    *window);
NpLogModel *np_test_log_of            (NpWindow    *window);

/* The first widget under @root (@root included, depth first) that @match accepts, or NULL. */
typedef gboolean (*NpTestWidgetMatch) (GtkWidget     *widget,
                                       gconstpointer  data);
GtkWidget  *np_test_find_widget       (GtkWidget         *root,
                                       NpTestWidgetMatch  match,
                                       gconstpointer      data);
/* The same for the first widget of @type. */
GtkWidget  *np_test_find_widget_of_type (GtkWidget       *root,
                                       GType            type);

/* Waits until two frames have been drawn: the window has laid out what it was given and done
 * whatever it was going to do about it (no fixed sleep decides). */
void        np_test_wait_frames       (NpWindow    *window);
/* The same for any widget's window. */
void        np_test_wait_painted      (gpointer     widget);
/* Waits for @n rows in the log, then for two frames. */
void        np_test_wait_rows_drawn   (NpWindow    *window,
                                       guint        n);

/* Whether a log cell showing @text lies wholly inside the log's viewport: below the column
 * headers and above the bottom edge. */
gboolean    np_test_log_text_shown    (NpWindow    *window,
                                       const char  *text);
/* The same for a cell whose text holds @part somewhere. */
gboolean    np_test_log_part_shown    (NpWindow    *window,
                                       const char  *part);
/* Wait (bounded) until np_test_log_text_shown () / np_test_log_part_shown () holds. */
void        np_test_expect_row_shown  (NpWindow    *window,
                                       const char  *text);
void        np_test_expect_part_shown (NpWindow    *window,
                                       const char  *part);
/* Whether the newest row the log holds (after the filter) is shown; its data cell's text in
 * @text when not NULL. */
gboolean    np_test_last_row_shown    (NpWindow    *window,
                                       char       **text);

/* Presses keys on the X server (xdotool key names, space-separated: "a ctrl+Return"), as a keyboard does, with
 * the focus where it is; waits for xdotool to finish and then for two frames. Skips the
 * test when xdotool is missing. Returns FALSE when it skipped. */
gboolean    np_test_press_keys        (NpWindow    *window,
                                       const char  *keys);

/* Saves the window's workspace as Save does and waits (bounded) for the result. */
gboolean    np_test_save_workspace    (NpWindow    *window,
                                       GFile       *file,
                                       GError     **error);

/* Runs xdotool with @args (its commands: "mousemove", "10", "20", …) on the X server, once the
 * window is drawn; waits for it to finish and then for two frames. Skips the test when xdotool
 * is missing. Returns FALSE when it skipped. */
gboolean    np_test_xdotool           (NpWindow          *window,
                                       const char *const *args);
/* Clicks the middle of @widget with the mouse on the X server (xdotool), holding @modifier
 * ("ctrl", "shift") unless it is NULL, as a person does. Skips the test off X11 or without
 * xdotool; returns FALSE when it skipped. */
gboolean    np_test_click             (NpWindow          *window,
                                       GtkWidget         *widget,
                                       const char        *modifier);

/* The message dialog shown now (Stop/Quit questions, Save Message…), or NULL; and whether
 * there is one, for np_test_wait_until (). */
AdwMessageDialog *np_test_message_dialog (void);
gboolean    np_test_has_message_dialog (gpointer    unused);

/* The details window open now (mapped), or NULL. */
NpRowDetails *np_test_details_window  (void);
/* Opens @row's details the way a person does: selects it, presses Details (win.details);
 * waits for the window to be drawn. */
NpRowDetails *np_test_open_details    (NpWindow    *window,
                                       NpLogRow    *row);

G_END_DECLS
