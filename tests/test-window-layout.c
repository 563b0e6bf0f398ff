/* The real NpWindow in-process (under Xvfb) at the sizes people use it: 1024×600, the smallest
 * the window lets itself be, and the default. What is measured is where widgets are drawn
 * (gtk_widget_compute_bounds): a control "shown" lies inside its pane, not cut off by it.
 * meson runs this in English and again in Chinese (LANGUAGE=zh_CN). */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "np-test-utils.h"
#include "np-window-test-utils.h"

#define APP_ID "io.github.netpoke.Netpoke"

#define part_child np_test_part_child
#define is_running np_test_is_running

/* Sizes: 0×0 is the window's default, 1×1 the smallest it allows. */
typedef struct
{
  int width, height;
} Size;

static const Size sizes[] = { { 1024, 600 }, { 1, 1 }, { 0, 0 } };

/* A window of @size, not shown yet. */
static NpWindow *
new_window_of_size (Size size)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NpWindow *window;

  /* The last window's size is remembered: start from the default. */
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  window = np_window_new (NULL);
  g_object_ref_sink (window);
  g_object_ref (window);
  if (size.width > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), size.width, size.height);
  return window;
}

static void
show_window (NpWindow *window)
{
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_frames (window);
}

static NpWindow *
window_at_size (Size size)
{
  NpWindow *window = new_window_of_size (size);

  show_window (window);
  return window;
}

static char *
describe (GtkWidget *widget)
{
  const char *text = GTK_IS_LABEL (widget) ? gtk_label_get_text (GTK_LABEL (widget))
                   : GTK_IS_BUTTON (widget) ? gtk_button_get_label (GTK_BUTTON (widget)) : NULL;

  return g_strdup_printf ("%s%s%s%s", G_OBJECT_TYPE_NAME (widget), text ? " “" : "", text ? text : "", text ? "”" : "");
}

/* The first widget a person could see under @root (mapped, with a size) that is not wholly
 * inside @area (in @relative_to's coordinates), or NULL. The content of a scrolled window
 * scrolls by design: the scrolled window itself is checked, not what it holds. */
static GtkWidget *
first_cut_off (GtkWidget             *root,
               GtkWidget             *relative_to,
               const graphene_rect_t *area)
{
  graphene_rect_t bounds, slack;

  if (!gtk_widget_get_mapped (root) || gtk_widget_get_width (root) == 0 || gtk_widget_get_height (root) == 0)
    return NULL;
  g_assert_true (gtk_widget_compute_bounds (root, relative_to, &bounds));
  graphene_rect_inset_r (area, -1, -1, &slack);   /* rounding */
  if (!graphene_rect_contains_rect (&slack, &bounds))
    return root;
  if (GTK_IS_SCROLLED_WINDOW (root))
    return NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *cut = first_cut_off (child, relative_to, area);

      if (cut != NULL)
        return cut;
    }
  return NULL;
}

static void
assert_inside (GtkWidget             *root,
               GtkWidget             *relative_to,
               const graphene_rect_t *area,
               const char            *where,
               NpWindow              *window)
{
  GtkWidget *cut = first_cut_off (root, relative_to, area);

  if (cut != NULL)
    {
      g_autofree char *what = describe (cut);
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (cut, relative_to, &bounds));
      g_error ("in a %d×%d window, %s is cut off: drawn at x %.0f…%.0f, y %.0f…%.0f; %s is x %.0f…%.0f, y %.0f…%.0f",
               gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)), what,
               bounds.origin.x, bounds.origin.x + bounds.size.width, bounds.origin.y, bounds.origin.y + bounds.size.height,
               where, area->origin.x, area->origin.x + area->size.width, area->origin.y, area->origin.y + area->size.height);
    }
}

static GtkPaned *
paned_of (NpWindow *window)
{
  return GTK_PANED (gtk_widget_get_parent (GTK_WIDGET (window->peer_list)));
}

/* The divider between the log and the client list (GtkPaned's own child). */
static GtkWidget *
divider_of (NpWindow *window)
{
  GtkPaned *paned = paned_of (window);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (paned)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != gtk_paned_get_start_child (paned) && child != gtk_paned_get_end_child (paned))
      return child;
  g_assert_not_reached ();
}

static graphene_rect_t
bounds_in (GtkWidget *widget,
           GtkWidget *relative_to)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, relative_to, &bounds));
  return bounds;
}

/* Everything in the window is inside it, the log side left of the divider and the client
 * list right of it. */
static void
assert_all_shown (NpWindow *window)
{
  GtkWidget *paned = GTK_WIDGET (paned_of (window));
  GtkWidget *content = GTK_WIDGET (window->problem_overlay);
  graphene_rect_t divider = bounds_in (divider_of (window), paned);
  graphene_rect_t left, right, whole;

  graphene_rect_init (&whole, 0, 0, gtk_widget_get_width (content), gtk_widget_get_height (content));
  graphene_rect_init (&left, 0, 0, divider.origin.x, gtk_widget_get_height (paned));
  /* (The divider's handle is wider than its line, for the mouse: it lies over the list.) */
  graphene_rect_init (&right, divider.origin.x, 0, gtk_widget_get_width (paned) - divider.origin.x,
                      gtk_widget_get_height (paned));
  assert_inside (gtk_paned_get_start_child (GTK_PANED (paned)), paned, &left, "the log's side", window);
  assert_inside (GTK_WIDGET (window->peer_list), paned, &right, "the client list's side", window);
  assert_inside (content, content, &whole, "the window", window);
}

static gboolean
label_ellipsized (GtkWidget *label)
{
  return pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label)));
}

static void
select_peer (NpWindow *window,
             guint     position)
{
  gtk_selection_model_select_item (gtk_column_view_get_model (part_child (window->peer_list, "peer_view")),
                                   position, TRUE);
  np_test_wait_frames (window);
}

static gboolean
traffic_revealed (gpointer window)
{
  GtkWidget *revealer = gtk_widget_get_parent (GTK_WIDGET (((NpWindow *) window)->traffic_pane));

  return gtk_revealer_get_child_revealed (GTK_REVEALER (revealer));
}

/* A running server with two clients, one selected, and a saved message: every control of the
 * log's side, the send box and the client list is inside its pane, at 1024×600, at the
 * smallest size and at the default one; the Send button says all of "Send to 1 Selected". */
static void
test_everything_shown (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      NpWindow *window = window_at_size (sizes[i]);
      guint port = np_test_start_server (window);
      G_GNUC_UNUSED g_autoptr(GSocket) first = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
      G_GNUC_UNUSED g_autoptr(GSocket) second = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
      g_autoptr(GError) error = NULL;

      g_test_message ("window %d×%d", sizes[i].width, sizes[i].height);
      np_send_box_add_saved_message (window->send_box, "Status", "STATUS?\\r\\n", NP_FORMAT_ESCAPES, &error);
      g_assert_no_error (error);
      np_test_wait_for_items (np_test_peers_of (window), 2, "the clients");
      np_test_wait_frames (window);
      assert_all_shown (window);

      select_peer (window, 0);
      gtk_drop_down_set_selected (part_child (window->send_box, "format_dropdown"), NP_FORMAT_ESCAPES);
      np_test_wait_frames (window);
      assert_all_shown (window);
      g_assert_false (label_ellipsized (part_child (window->send_box, "send_label")));

      /* The traffic graphs open above the log: still all inside. */
      gtk_toggle_button_set_active (window->traffic_button, TRUE);
      np_test_wait_until (traffic_revealed, window, "the traffic graphs to open");
      np_test_wait_frames (window);
      assert_all_shown (window);

      np_test_stop (window);
      np_test_close_window (window);
    }
}

/* One control more in the send box's row (the row wraps, NpWrapBox, left of the divider):
 * the window still lays out at every size and everything is shown. The row had been kept
 * narrow because one control more made GTK raise "GtkPaned reports a minimum height of …, but
 * minimum height for width of 1048576 is …" (fatal here) at the smallest size: the row said
 * one line for no particular width, while the paned keeps the log's side narrow at any width. */
static void
test_one_more_control (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      NpWindow *window = new_window_of_size (sizes[i]);
      GtkWidget *send_button = part_child (window->send_box, "send_button");
      GtkWidget *row = gtk_widget_get_parent (send_button);
      GtkWidget *more = gtk_button_new_with_label ("One more control");

      g_test_message ("window %d×%d", sizes[i].width, sizes[i].height);
      gtk_widget_insert_before (more, row, send_button);
      show_window (window);
      g_assert_true (gtk_widget_get_mapped (more));
      assert_all_shown (window);
      np_test_close_window (window);
    }
}

/* Drags the divider by @dx with the mouse on the X server. */
static gboolean
drag_divider (NpWindow *window,
              int       dx)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (window));
  GdkSurface *surface = gtk_native_get_surface (native);
  graphene_rect_t divider = bounds_in (divider_of (window), GTK_WIDGET (native));
  double surface_x, surface_y;
  g_autofree char *xid = NULL, *x = NULL, *y = NULL, *x_step = NULL, *x_end = NULL;

  if (!GDK_IS_X11_SURFACE (surface))
    {
      g_test_skip ("the divider is dragged with xdotool, on X11");
      return FALSE;
    }
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  x = g_strdup_printf ("%.0f", surface_x + divider.origin.x + divider.size.width / 2);
  y = g_strdup_printf ("%.0f", surface_y + divider.origin.y + divider.size.height / 2);
  x_step = g_strdup_printf ("%.0f", surface_x + divider.origin.x + divider.size.width / 2 + (dx > 0 ? 10 : -10));
  x_end = g_strdup_printf ("%.0f", surface_x + divider.origin.x + divider.size.width / 2 + dx);
  {
    const char *press[] = { "mousemove", "--window", xid, x, y, "mousedown", "1", NULL };
    const char *move[] = { "mousemove", "--window", xid, x_step, y, "sleep", "0.1",
                           "mousemove", "--window", xid, x_end, y, "sleep", "0.1", NULL };
    const char *release[] = { "mouseup", "1", NULL };

    return np_test_xdotool (window, press) && np_test_xdotool (window, move) && np_test_xdotool (window, release);
  }
}

/* At 1024×600 the divider moves both ways, and what is on either side follows it: the log
 * and the send box get narrower or wider and stay whole. (The log's side could not be
 * narrower than all its controls in a row, so it was cut off instead and dragging changed
 * nothing one could see.) */
static void
test_divider_drags (void)
{
  NpWindow *window = window_at_size (sizes[0]);
  GtkWidget *log = GTK_WIDGET (window->log_view);
  GtkWidget *send = GTK_WIDGET (window->send_box);
  int log_width = gtk_widget_get_width (log), peers_width = gtk_widget_get_width (GTK_WIDGET (window->peer_list));

  np_send_box_set_send_label (window->send_box, "Send to All");
  if (!drag_divider (window, -150))
    goto out;
  g_test_message ("log %d → %d px wide", log_width, gtk_widget_get_width (log));
  g_assert_cmpint (gtk_widget_get_width (log), <=, log_width - 140);
  g_assert_cmpint (gtk_widget_get_width (send), ==, gtk_widget_get_width (log));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window->peer_list)), >=, peers_width + 140);
  assert_all_shown (window);

  log_width = gtk_widget_get_width (log);
  drag_divider (window, 100);
  g_assert_cmpint (gtk_widget_get_width (log), >=, log_width + 90);
  assert_all_shown (window);
out:
  np_test_close_window (window);
}

/* The address cells of the client list. */
static void
collect_labels (GtkWidget  *widget,
                GPtrArray  *labels)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child))
        g_ptr_array_add (labels, child);
      collect_labels (child, labels);
    }
}

static GtkWidget *
peer_cell (NpWindow   *window,
           const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_labels (part_child (window->peer_list, "peer_view"), labels);
  for (guint i = 0; i < labels->len; i++)
    if (strcmp (gtk_label_get_text (labels->pdata[i]), text) == 0)
      return labels->pdata[i];
  g_error ("no cell shows %s", text);
}

/* The row widget holding @cell: the one whose parent is the list itself. */
static GtkWidget *
row_of (GtkWidget *cell)
{
  GtkWidget *row = cell;

  while (!GTK_IS_LIST_VIEW (gtk_widget_get_parent (row)))
    row = gtk_widget_get_parent (row);
  return row;
}

/* At the default size the Address column is wide enough for an IPv6 address with a port, so
 * clients can be told apart (it was "127.0.…"); a selected row is highlighted across the whole
 * list; nothing scrolls sideways (that left a shade along the list's right edge). */
static void
test_peer_addresses (void)
{
  NpWindow *window = window_at_size (sizes[2]);
  guint port = np_test_start_server (window);
  g_autoptr(GSocket) client = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (client, NULL);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  GtkWidget *view = part_child (window->peer_list, "peer_view");
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_parent (view));
  GtkAdjustment *sideways = gtk_scrolled_window_get_hadjustment (scroller);
  GtkWidget *cell;
  g_autoptr(PangoLayout) longest = NULL;
  int longest_width;

  np_test_wait_for_items (np_test_peers_of (window), 1, "the client");
  select_peer (window, 0);
  cell = peer_cell (window, address);
  g_assert_false (label_ellipsized (cell));
  longest = gtk_widget_create_pango_layout (cell, "[ffff:ffff::1]:65535");
  pango_layout_get_pixel_size (longest, &longest_width, NULL);
  g_test_message ("address cell %d px wide, [ffff:ffff::1]:65535 needs %d", gtk_widget_get_width (cell), longest_width);
  g_assert_cmpint (gtk_widget_get_width (cell), >=, longest_width);

  g_assert_cmpint (gtk_widget_get_width (row_of (cell)), >=, gtk_widget_get_width (GTK_WIDGET (scroller)) - 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (sideways), <=, gtk_adjustment_get_page_size (sideways));

  /* UDP lists the group a datagram was sent to: the Address column still fits an address. */
  np_test_stop (window);
  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", NULL);
  np_test_wait_frames (window);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (GTK_COLUMN_VIEW (view))), ==, 5);
  {
    /* The Address column's title, less its padding (the box holding its words). */
    GtkWidget *title = gtk_widget_get_first_child (gtk_widget_get_first_child (gtk_widget_get_first_child (view)));
    g_autoptr(PangoLayout) ipv4 = gtk_widget_create_pango_layout (view, "127.0.0.1:54321");
    int ipv4_width;

    pango_layout_get_pixel_size (ipv4, &ipv4_width, NULL);
    g_assert_cmpint (gtk_widget_get_width (title), >=, ipv4_width);
  }
  g_assert_cmpfloat (gtk_adjustment_get_upper (sideways), <=, gtk_adjustment_get_page_size (sideways));
  np_test_close_window (window);
}

/* The Send button says where it sends, whole, when the window has room: UDP's destination,
 * TCP's "Send to 1 Selected" with the Escapes format (it read "Send to 127.0.0.…" and
 * "Send to 1 Se…" with room to spare). */
static void
test_send_label_whole (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      NpWindow *window;
      GtkWidget *label;

      if (sizes[i].width == 1)
        continue;   /* the smallest size is test_everything_shown's */
      window = window_at_size (sizes[i]);
      label = part_child (window->send_box, "send_label");
      np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", "127.0.0.1:9100");
      np_test_wait_frames (window);
      g_assert_true (g_str_has_suffix (gtk_label_get_text (GTK_LABEL (label)), "127.0.0.1:9100"));
      g_assert_false (label_ellipsized (label));

      gtk_drop_down_set_selected (part_child (window->send_box, "format_dropdown"), NP_FORMAT_ESCAPES);
      np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", "[ffff:ffff::1]:65535");
      np_test_wait_frames (window);
      g_assert_false (label_ellipsized (label));
      np_test_close_window (window);
    }
}

/* A toast is drawn over the bottom of the window, whole (the toasts' overlay is as small as
 * its toast, so that the rows that wrap are measured for the window's width). */
static gboolean
toast_shown (gpointer data)
{
  NpWindow *window = data;
  GtkWidget *content = GTK_WIDGET (window->problem_overlay);
  GtkWidget *toast = gtk_widget_get_last_child (GTK_WIDGET (window->toast_overlay));
  graphene_rect_t bounds, whole;

  graphene_rect_init (&whole, 0, 0, gtk_widget_get_width (content), gtk_widget_get_height (content));
  return toast != NULL && gtk_widget_get_mapped (toast) && gtk_widget_compute_bounds (toast, content, &bounds)
         && graphene_rect_contains_rect (&whole, &bounds) && bounds.size.height > 20
         && bounds.origin.y + bounds.size.height >= whole.size.height - 40;
}

/* A toast is drawn over the bottom of the window, whole (the toasts' overlay is as small as
 * its toast, so that the rows that wrap are measured for the window's width). */
static void
test_toast_shown (void)
{
  NpWindow *window = window_at_size (sizes[1]);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-error", "s", "Address already in use");
  np_test_wait_until (toast_shown, window, "the toast, whole, at the bottom of the window");
  np_test_close_window (window);
}

/* ---- the header's fields keep their place ----------------------------------------------- */

#define N_HEADER_PARTS 7

/* Where the endpoint bar's fields and buttons are drawn, in the window's coordinates (an
 * empty rectangle for a part this mode hides). */
static const char *const header_part_names[N_HEADER_PARTS] = {
  "mode_dropdown", "method_dropdown", "url_entry", "address_entry", "port_entry", "destination_entry", "start_button",
};

static void
header_parts (NpWindow        *window,
              graphene_rect_t  parts[N_HEADER_PARTS])
{
  for (guint i = 0; i < N_HEADER_PARTS; i++)
    {
      GtkWidget *part = part_child (window->endpoint_bar, header_part_names[i]);

      graphene_rect_init (&parts[i], 0, 0, 0, 0);
      if (gtk_widget_get_mapped (part))
        g_assert_true (gtk_widget_compute_bounds (part, GTK_WIDGET (window), &parts[i]));
    }
}

static void
assert_header_parts_kept (NpWindow              *window,
                          const graphene_rect_t  before[N_HEADER_PARTS],
                          const char            *after_what)
{
  graphene_rect_t after[N_HEADER_PARTS];

  header_parts (window, after);
  for (guint i = 0; i < N_HEADER_PARTS; i++)
    if (!graphene_rect_equal (&before[i], &after[i]))
      g_error ("mode %d, %d px wide window, after %s: %s moved from x %.0f (%.0f wide) to x %.0f (%.0f wide)",
               np_endpoint_bar_get_mode (window->endpoint_bar), gtk_widget_get_width (GTK_WIDGET (window)),
               after_what, header_part_names[i], before[i].origin.x, before[i].size.width, after[i].origin.x, after[i].size.width);
}

/* The address, port and URL fields (and the buttons after them) stay where they are, as wide as
 * they were, whatever the Start button says (Stop, Disconnect, Cancel) and whatever the title
 * and subtitle say: they were squeezed by "Disconnect" and "Connected to 127.0.0.1:9200". */
static void
test_header_fields_steady (void)
{
  g_autoptr(GSocket) listener = np_test_tcp_listen (G_SOCKET_FAMILY_IPV4);
  g_autofree char *target = g_strdup_printf ("127.0.0.1:%u", np_test_local_port (listener));
  g_autofree char *port = g_strdup_printf ("%u", np_test_local_port (listener));

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (NpMode mode = NP_MODE_TCP_SERVER; mode <= NP_MODE_UDP_RELAY; mode++)
      {
        NpWindow *window;
        graphene_rect_t before[N_HEADER_PARTS];
        g_autofree char *url = NULL;

        if (sizes[i].width == 1)
          continue;   /* the smallest window has no room for a title beside the fields */
        window = window_at_size (sizes[i]);
        if (mode == NP_MODE_HTTP_CLIENT || mode == NP_MODE_WS_CLIENT)
          {
            /* The listener never answers: the request (the handshake) stays pending. */
            url = g_strdup_printf ("%s://%s/a/rather/long/path", mode == NP_MODE_WS_CLIENT ? "ws" : "http", target);
            np_window_set_endpoint (window, mode, url, NULL, NULL);
          }
        else if (mode == NP_MODE_TCP_CLIENT)
          np_window_set_endpoint (window, mode, "127.0.0.1", port, NULL);
        else
          np_window_set_endpoint (window, mode, "127.0.0.1", "0", NP_MODE_IS_RELAY (mode) ? target : "127.0.0.1:9");
        np_test_wait_frames (window);
        header_parts (window, before);

        gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
        np_test_wait_until (is_running, window, "the endpoint to run");
        np_test_wait_frames (window);
        g_test_message ("mode %d running: “%s”, “%s”", mode, adw_window_title_get_title (window->window_title),
                        adw_window_title_get_subtitle (window->window_title));
        assert_header_parts_kept (window, before, "Start");

        /* A saved workspace's name is the title. */
        adw_window_title_set_title (window->window_title, "device-under-test-with-a-long-name.netpoke");
        adw_window_title_set_subtitle (window->window_title, "Connected to [fe80::1234:5678:9abc:def0]:65535");
        np_test_wait_frames (window);
        assert_header_parts_kept (window, before, "a long title");

        np_test_stop (window);
        np_test_wait_frames (window);
        assert_header_parts_kept (window, before, "Stop");
        np_test_close_window (window);
      }
}

/* ---- a message's details ------------------------------------------------------------------ */

/* A drop-down a person can see. */
static gboolean
is_mapped_dropdown (GtkWidget     *widget,
                    gconstpointer  unused)
{
  return GTK_IS_DROP_DOWN (widget) && gtk_widget_get_mapped (widget);
}

static NpLogRow *
row_of_length (NpWindow *window,
               guint64   length)
{
  GListModel *log = G_LIST_MODEL (np_test_log_of (window));

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(NpLogRow) row = g_list_model_get_item (log, i);

      if (np_log_row_get_length (row) == length)
        return g_steal_pointer (&row);
    }
  return NULL;
}

static gboolean
has_big_row (gpointer window)
{
  g_autoptr(NpLogRow) row = row_of_length (window, 27346);

  return row != NULL;
}

/* A message's details have one set of views, the switcher's (Text, Hex Dump): no second
 * Text/Hex drop-down that said "Text" over the hex dump and changed nothing seen there; the
 * size, "27346 bytes", on one line (it wrapped after "27346" beside the buttons). */
static void
test_details_one_control (void)
{
  NpWindow *window = window_at_size (sizes[2]);
  g_autoptr(GSocket) peer = np_test_udp_socket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) to = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpLogRow) row = NULL;
  g_autofree guint8 *data = g_malloc (27346);
  NpRowDetails *details;
  GtkLabel *summary;
  GtkWidget *dropdown;

  for (guint i = 0; i < 27346; i++)
    data[i] = (i * 7) & 0xff;
  np_window_set_endpoint (window, NP_MODE_UDP, "127.0.0.1", "0", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  np_test_wait_until (np_test_is_listening, window, "UDP bound");
  to = np_test_loopback_address (G_SOCKET_FAMILY_IPV4, np_window_get_endpoint_port (window));
  g_assert_cmpint (g_socket_send_to (peer, to, (const char *) data, 27346, NULL, &error), ==, 27346);
  g_assert_no_error (error);
  np_test_wait_until (has_big_row, window, "the datagram's row");
  row = row_of_length (window, 27346);

  /* The log shows hex: the details open on the hex dump. */
  gtk_drop_down_set_selected (part_child (window->log_view, "display_dropdown"), 1);
  details = np_test_open_details (window, row);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (part_child (details, "stack")), ==, "hex");
  dropdown = np_test_find_widget (GTK_WIDGET (details), is_mapped_dropdown, NULL);
  if (dropdown != NULL)
    g_error ("a drop-down (%s) beside the Hex Dump view", gtk_widget_get_tooltip_text (dropdown));

  summary = part_child (part_child (details, "hex_view"), "summary_label");
  g_assert_nonnull (strstr (gtk_label_get_text (summary), "27346 bytes"));
  g_test_message ("“%s” is %d px wide, %d lines", gtk_label_get_text (summary),
                  gtk_widget_get_width (GTK_WIDGET (summary)), pango_layout_get_line_count (gtk_label_get_layout (summary)));
  g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (summary)), ==, 1);

  adw_view_stack_set_visible_child_name (part_child (details, "stack"), "text");
  np_test_wait_painted (details);
  g_assert_null (np_test_find_widget (GTK_WIDGET (details), is_mapped_dropdown, NULL));

  gtk_window_destroy (GTK_WINDOW (details));
  np_test_stop (window);
  np_test_close_window (window);
}

/* The Send button's label says where it sends and grows when clients are selected ("Send to 1
 * Selected"): the message box and the controls under it stay where they were, at 1024×600 and
 * at the default size (a new user's click landed on empty space after they moved 40 px). */
static void
test_send_row_steady (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      NpWindow *window;
      GtkWidget *content, *view, *format;
      graphene_rect_t view_before, format_before, view_after, format_after;
      guint port;

      if (sizes[i].width == 1)
        continue;   /* the smallest size wraps everything: test_everything_shown's */
      g_test_message ("window %d×%d", sizes[i].width, sizes[i].height);
      window = window_at_size (sizes[i]);
      content = GTK_WIDGET (window->problem_overlay);
      view = part_child (window->send_box, "send_view");
      format = part_child (window->send_box, "format_dropdown");
      port = np_test_start_server (window);
      {
        G_GNUC_UNUSED g_autoptr(GSocket) first = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);
        G_GNUC_UNUSED g_autoptr(GSocket) second = np_test_tcp_connect (G_SOCKET_FAMILY_IPV4, port);

        np_test_wait_for_items (np_test_peers_of (window), 2, "the clients");
        np_test_wait_frames (window);
        view_before = bounds_in (view, content);
        format_before = bounds_in (format, content);

        select_peer (window, 0);
        g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (part_child (window->send_box, "send_label"))),
                                         "Send to 1 Selected"));
        view_after = bounds_in (view, content);
        format_after = bounds_in (format, content);
        g_assert_cmpfloat (view_after.origin.y, ==, view_before.origin.y);
        g_assert_cmpfloat (view_after.size.height, ==, view_before.size.height);
        g_assert_cmpfloat (format_after.origin.y, ==, format_before.origin.y);
        g_assert_cmpfloat (format_after.origin.x, ==, format_before.origin.x);

        np_test_stop (window);
      }
      np_test_close_window (window);
    }
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("NETPOKE_LOCALEDIR");

  np_test_init_window_tests (&argc, &argv);
  if (localedir != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  g_test_add_func ("/window-layout/everything-shown", test_everything_shown);
  g_test_add_func ("/window-layout/one-more-control", test_one_more_control);
  g_test_add_func ("/window-layout/divider-drags", test_divider_drags);
  g_test_add_func ("/window-layout/peer-addresses", test_peer_addresses);
  g_test_add_func ("/window-layout/send-label-whole", test_send_label_whole);
  g_test_add_func ("/window-layout/send-row-steady", test_send_row_steady);
  g_test_add_func ("/window-layout/toast-shown", test_toast_shown);
  g_test_add_func ("/window-layout/header-fields-steady", test_header_fields_steady);
  g_test_add_func ("/window-layout/details-one-control", test_details_one_control);

  return g_test_run ();
}
