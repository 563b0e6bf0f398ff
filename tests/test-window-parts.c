/* Each part of the window on its own (under Xvfb, without a window or an engine): the endpoint
 * bar's validation and config, the send box's encoding, history and saved messages, the status
 * bar's totals, the log view's fill, filter and copy, the peer list's selection and labels,
 * the picture loader's waiting for rows to come into view.
 * Every part is finalized at the end of its test. */
#include <adwaita.h>
#include <string.h>

#include "np-endpoint-bar.h"
#include "np-error.h"
#include "np-log-view.h"
#include "np-peer-list.h"
#include "np-picture-loader.h"
#include "np-send-box.h"
#include "np-status-bar.h"
#include "np-test-utils.h"
#include "np-window-test-utils.h"

static gpointer
part_child (gpointer    part,
            const char *name)
{
  gpointer found = gtk_widget_get_template_child (GTK_WIDGET (part), G_OBJECT_TYPE (part), name);

  g_assert_nonnull (found);
  return found;
}

/* A part owned by the test alone: drop_part () checks nothing else keeps it. */
static gpointer
new_part (GType type)
{
  return g_object_ref_sink (g_object_new (type, NULL));
}

static void
drop_part (gpointer part)
{
  g_assert_finalize_object (part);
}

static GPtrArray *
new_batch (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) np_event_unref);
}

static NpEvent *
add_event (GPtrArray   *batch,
           NpEventKind  kind,
           guint64      peer_id,
           const char  *payload)
{
  g_autofree char *peer = g_strdup_printf ("127.0.0.1:%u", (guint) (40000 + peer_id));
  NpEvent *event = np_event_new (kind, 1, peer_id, peer);

  if (payload != NULL)
    {
      event->payload = g_bytes_new (payload, strlen (payload));
      event->length = strlen (payload);
    }
  g_ptr_array_add (batch, event);
  return event;
}

/* ---- NpEndpointBar ------------------------------------------------------------------------ */

static void
test_endpoint_bar (void)
{
  NpEndpointBar *bar = new_part (NP_TYPE_ENDPOINT_BAR);
  GtkWidget *start = part_child (bar, "start_button");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpEndpointConfig) server = NULL;
  g_autoptr(NpEndpointConfig) client = NULL;
  g_autoptr(NpEndpointConfig) udp = NULL;
  g_autoptr(NpEndpointConfig) bad = NULL;

  /* A server on any free port, framed as the log view says. */
  g_object_set (bar, "framing", "u16be", NULL);
  np_endpoint_bar_set_endpoint (bar, NP_MODE_TCP_SERVER, "::1", "0", NULL);
  server = np_endpoint_bar_build_config (bar, &error);
  g_assert_no_error (error);
  g_assert_cmpint (server->mode, ==, NP_MODE_TCP_SERVER);
  g_assert_cmpstr (server->bind_address, ==, "::1");
  g_assert_cmpuint (server->port, ==, 0);
  g_assert_cmpint (np_framer_get_kind (server->framer), ==, NP_FRAMING_U16BE);
  g_assert_cmpstr (np_test_start_words (bar), ==, "Start");
  g_assert_false (gtk_widget_get_visible (part_child (bar, "destination_entry")));

  /* A client: the host may be written as [v6]; the port must not be 0. */
  np_endpoint_bar_set_endpoint (bar, NP_MODE_TCP_CLIENT, "[::1]", "502", NULL);
  client = np_endpoint_bar_build_config (bar, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client->host, ==, "::1");
  g_assert_cmpuint (client->remote_port, ==, 502);
  g_assert_cmpstr (np_test_start_words (bar), ==, "Connect");
  g_assert_cmpstr (gtk_entry_get_placeholder_text (part_child (bar, "address_entry")), ==, "Host");
  np_endpoint_bar_set_endpoint (bar, NP_MODE_TCP_CLIENT, "[::1]", "0", NULL);
  g_assert_cmpstr (np_endpoint_bar_get_validation (bar), ==, "Port must be 1–65535");
  bad = np_endpoint_bar_build_config (bar, &error);
  g_assert_null (bad);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "Port must be 1–65535");
  g_clear_error (&error);

  /* UDP: empty port is any; the destination is split; no framing for datagrams. */
  np_endpoint_bar_set_endpoint (bar, NP_MODE_UDP, NULL, "", "[::1]:9000");
  udp = np_endpoint_bar_build_config (bar, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (udp->host, ==, "::1");
  g_assert_cmpuint (udp->remote_port, ==, 9000);
  g_assert_null (udp->framer);
  g_assert_true (gtk_widget_get_visible (part_child (bar, "destination_entry")));
  g_assert_cmpstr (gtk_entry_get_placeholder_text (part_child (bar, "port_entry")), ==, "Any port");

  /* While running the endpoint is fixed, and the button stops it. */
  g_object_set (bar, "running", TRUE, NULL);
  g_assert_false (gtk_widget_get_sensitive (part_child (bar, "mode_dropdown")));
  g_assert_false (gtk_editable_get_editable (part_child (bar, "port_entry")));
  g_assert_cmpstr (np_test_start_words (bar), ==, "Stop");
  g_assert_true (gtk_widget_has_css_class (start, "destructive-action"));
  g_assert_false (gtk_widget_has_css_class (start, "suggested-action"));
  g_object_set (bar, "running", FALSE, NULL);
  g_assert_true (gtk_widget_has_css_class (start, "suggested-action"));

  drop_part (bar);
}

/* ---- NpSendBox ---------------------------------------------------------------------------- */

static void
expect_draft_bytes (NpSendBox  *box,
                    const char *expected,
                    gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = np_send_box_encode_draft (box, TRUE, &error);

  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, length);
}

static void
test_send_box (void)
{
  NpSendBox *box = new_part (NP_TYPE_SEND_BOX);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) nothing = NULL;
  g_autoptr(GBytes) saved = NULL;

  /* Each format appends CR LF in its own notation; the encoding applies to text. */
  g_object_set (box, "append-crlf", TRUE, NULL);
  g_assert_true (gtk_check_button_get_active (part_child (box, "crlf_check")));
  np_send_box_set_draft (box, "AT");
  expect_draft_bytes (box, "AT\r\n", 4);
  g_object_set (box, "format", NP_FORMAT_HEX, NULL);
  np_send_box_set_draft (box, "41 54");
  expect_draft_bytes (box, "AT\r\n", 4);
  g_object_set (box, "format", NP_FORMAT_ESCAPES, "append-crlf", FALSE, NULL);
  np_send_box_set_draft (box, "\\x01AT");
  expect_draft_bytes (box, "\x01" "AT", 3);
  g_object_set (box, "format", NP_FORMAT_TEXT, "encoding", NP_ENCODING_GB18030, NULL);
  np_send_box_set_draft (box, "你");
  expect_draft_bytes (box, "\xc4\xe3", 2);

  /* What cannot be sent says why. */
  np_send_box_set_draft (box, "");
  nothing = np_send_box_encode_draft (box, TRUE, &error);
  g_assert_null (nothing);
  g_assert_cmpstr (error->message, ==, "Type a message to send first");
  g_clear_error (&error);

  /* History: back through what was sent, then forward to an empty draft. */
  np_send_box_show_history (box, -1);
  {
    g_autofree char *draft = np_send_box_get_draft (box);
    g_assert_cmpstr (draft, ==, "你");
  }
  np_send_box_show_history (box, -1);
  {
    g_autofree char *draft = np_send_box_get_draft (box);
    g_assert_cmpstr (draft, ==, "\\x01AT");
  }
  np_send_box_show_history (box, 1);
  np_send_box_show_history (box, 1);
  {
    g_autofree char *draft = np_send_box_get_draft (box);
    g_assert_cmpstr (draft, ==, "");
  }

  /* Saved messages: a button each, encoded in their own format; names too long are refused. */
  g_assert_true (np_send_box_add_saved_message (box, "Hi", "48 69", NP_FORMAT_HEX, &error));
  g_assert_no_error (error);
  saved = np_send_box_encode_saved (box, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), "Hi", 2);
  g_assert_nonnull (gtk_widget_get_first_child (part_child (box, "saved_box")));
  {
    g_autofree char *long_name = g_strnfill (10000, 'n');

    g_assert_false (np_send_box_add_saved_message (box, long_name, "x", NP_FORMAT_TEXT, &error));
    g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }
  g_assert_cmpuint (np_send_box_get_saved_messages (box)->len, ==, 1);

  drop_part (box);
}

/* ---- NpStatusBar -------------------------------------------------------------------------- */

static void
test_status_bar (void)
{
  NpStatusBar *bar = new_part (NP_TYPE_STATUS_BAR);
  g_autoptr(GPtrArray) batch = new_batch ();
  NpEvent *sent;

  add_event (batch, NP_EVENT_RECEIVED, 1, "hello");
  sent = add_event (batch, NP_EVENT_SENT, 0, "0123456789A");
  sent->n_messages = 1;
  sent->n_peers = 3;
  np_status_bar_count (bar, batch);
  g_object_set (bar, "n-peers", 3, NULL);

  g_assert_cmpuint (np_status_bar_get_bytes_in (bar), ==, 5);
  g_assert_cmpuint (np_status_bar_get_bytes_out (bar), ==, 33);
  g_assert_true (g_str_has_prefix (np_status_bar_get_text (bar), "In 5 bytes / 1 msg   Out 33 bytes / 3 msg   Clients 3"));
  g_object_set (bar, "mode", NP_MODE_UDP, NULL);
  g_assert_nonnull (strstr (np_status_bar_get_text (bar), "Peers heard 3"));

  /* Datagrams the system dropped are counted from the UDP endpoint's report. */
  g_ptr_array_set_size (batch, 0);
  add_event (batch, NP_EVENT_ERROR, 0, NULL)->dropped = 7;
  add_event (batch, NP_EVENT_RECEIVED, 1, "x");
  np_status_bar_count (bar, batch);
  g_assert_cmpuint (np_status_bar_get_dropped (bar), ==, 7);
  g_assert_cmpuint (np_status_bar_get_messages_in (bar), ==, 2);

  drop_part (bar);
}

/* ---- NpLogView ---------------------------------------------------------------------------- */

static void
test_log_view (void)
{
  NpLogView *view = new_part (NP_TYPE_LOG_VIEW);
  NpLogModel *log = np_log_view_get_model (view);
  g_autoptr(GPtrArray) batch = new_batch ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *copied = NULL;
  GtkSelectionModel *selection;

  /* A big batch on an empty view is taken a chunk per main-loop turn, in order. */
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u\n", i);

      add_event (batch, NP_EVENT_RECEIVED, 1 + i % 2, line);
    }
  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (rows, np_log_row_new_from_event (g_ptr_array_index (batch, i), NP_MODE_TCP_SERVER));
  np_log_view_append (view, rows);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), <, 300);
  np_test_wait_for_items (log, 300, "the fill to finish");
  {
    g_autoptr(NpLogRow) last = g_list_model_get_item (G_LIST_MODEL (log), 299);
    g_autofree char *text = np_log_renderer_data (np_log_view_get_renderer (view), last);
    g_assert_cmpstr (text, ==, "line 299\\n");
  }

  /* The filter matches the data as shown and the peer. */
  gtk_editable_set_text (part_child (view, "search_entry"), "line 29");
  np_test_wait_for_items (np_log_view_get_visible (view), 11, "the filtered rows");
  gtk_editable_set_text (part_child (view, "search_entry"), "");

  /* Copy: the selected rows, one tab-separated line each. */
  g_assert_null (np_log_view_copy_selection (view));
  selection = gtk_column_view_get_model (part_child (view, "column_view"));
  gtk_selection_model_select_range (selection, 0, 2, TRUE);
  copied = np_log_view_copy_selection (view);
  g_assert_nonnull (strstr (copied, "\tin\t127.0.0.1:40001\t7\tline 0\\n\n"));
  g_assert_nonnull (strstr (copied, "\tin\t127.0.0.1:40002\t7\tline 1\\n\n"));

  /* The display format is the renderer's; the framing selector names a spec. */
  gtk_drop_down_set_selected (part_child (view, "display_dropdown"), 1);
  g_assert_cmpint (np_log_renderer_get_display (np_log_view_get_renderer (view)), ==, NP_FORMAT_HEX);
  np_log_view_set_framing (view, "ascii16");
  g_assert_cmpstr (np_log_view_get_framing (view), ==, "ascii16");
  g_object_set (view, "running", TRUE, NULL);
  g_assert_false (gtk_widget_get_sensitive (part_child (view, "framing_dropdown")));

  np_log_view_clear (view);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);

  drop_part (view);
}

/* ---- NpPeerList --------------------------------------------------------------------------- */

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_peer_list (void)
{
  NpPeerList *list = new_part (NP_TYPE_PEER_LIST);
  g_autoptr(GPtrArray) batch = new_batch ();
  g_autoptr(GArray) ids = NULL;
  GtkSelectionModel *selection = gtk_column_view_get_model (part_child (list, "peer_view"));
  guint selection_notifies = 0;
  guint n_peers_notifies = 0;

  for (guint64 id = 1; id <= 3; id++)
    add_event (batch, NP_EVENT_CONNECTED, id, NULL);
  g_signal_connect (list, "notify::has-selection", G_CALLBACK (on_notify), &selection_notifies);
  g_signal_connect (list, "notify::n-peers", G_CALLBACK (on_notify), &n_peers_notifies);
  np_peer_table_apply (np_peer_list_get_peers (list), batch, 1, NP_MODE_TCP_SERVER);
  g_assert_cmpuint (n_peers_notifies, ==, 1);

  g_assert_false (np_peer_list_get_has_selection (list));
  gtk_selection_model_select_item (selection, 2, FALSE);
  gtk_selection_model_select_item (selection, 0, FALSE);
  g_assert_true (np_peer_list_get_has_selection (list));
  g_assert_cmpuint (selection_notifies, ==, 1);
  ids = np_peer_list_get_selected_ids (list);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpuint (g_array_index (ids, guint64, 0), ==, 1);
  g_assert_cmpuint (g_array_index (ids, guint64, 1), ==, 3);

  /* The selected clients leave: nothing is selected any more. */
  g_ptr_array_set_size (batch, 0);
  add_event (batch, NP_EVENT_DISCONNECTED, 1, NULL);
  add_event (batch, NP_EVENT_DISCONNECTED, 3, NULL);
  np_peer_table_apply (np_peer_list_get_peers (list), batch, 1, NP_MODE_TCP_SERVER);
  g_assert_false (np_peer_list_get_has_selection (list));

  g_assert_cmpstr (gtk_label_get_text (part_child (list, "title_label")), ==, "Clients");
  g_assert_true (gtk_widget_get_visible (part_child (list, "disconnect_button")));
  g_object_set (list, "mode", NP_MODE_UDP, NULL);
  g_assert_cmpstr (gtk_label_get_text (part_child (list, "title_label")), ==, "Peers Heard");
  g_assert_cmpstr (gtk_button_get_label (part_child (list, "send_selected_button")), ==, "Reply to Selected");
  g_assert_false (gtk_widget_get_visible (part_child (list, "disconnect_button")));

  drop_part (list);
}

/* ---- pictures decode only for rows in view -------------------------------------------------- */

typedef struct
{
  gboolean  done;
  GError   *error;
} Decoded;

static void
on_decoded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Decoded *decoded = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;

  texture = np_picture_loader_load_finish (NP_PICTURE_LOADER (source), result, &width, &height, &decoded->error);
  decoded->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Decoded *) data)->done;
}

static gboolean
is_drawn (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_height (data) > 0;
}

/* Whether @data (a widget) lies inside its scrolled window's viewport, as laid out now. */
static gboolean
is_scrolled_into_view (gpointer data)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (data, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (data, scroller, &bounds) && bounds.origin.y >= 0
         && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scroller);
}

static GBytes *
small_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 30);
  char *data = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &data, &size, "png", NULL, NULL));
  return g_bytes_new_take (data, size);
}

/* A thumbnail whose widget is scrolled out of view waits (a picture in view goes first, and
 * it is still waiting after); scrolled into view, it decodes; called off while waiting, it is
 * answered at once, without a frame. */
static void
test_pictures_in_view (void)
{
  g_autoptr(NpPictureLoader) loader = np_picture_loader_new ();
  g_autoptr(GBytes) png = small_png ();
  const NpMagic *magic = np_magic_sniff (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *top = gtk_label_new ("in view");
  GtkWidget *bottom = gtk_label_new ("out of view");
  GtkWidget *spacer = gtk_label_new (NULL);
  GtkAdjustment *adjustment;
  Decoded in_view = { 0 }, out_of_view = { 0 }, called_off = { 0 };

  gtk_widget_set_size_request (spacer, -1, 2000);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), spacer);
  gtk_box_append (GTK_BOX (box), bottom);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 150);
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_until (is_drawn, bottom, "the window drawn");

  np_picture_loader_load_async (loader, png, magic, 96, bottom, NULL, on_decoded, &out_of_view);
  np_picture_loader_load_async (loader, png, magic, 96, bottom, cancellable, on_decoded, &called_off);
  np_picture_loader_load_async (loader, png, magic, 96, top, NULL, on_decoded, &in_view);
  np_test_wait_until (is_done, &in_view, "the picture in view");
  g_assert_no_error (in_view.error);
  g_assert_false (out_of_view.done);

  g_cancellable_cancel (cancellable);
  np_test_wait_until (is_done, &called_off, "the called-off picture answered");
  g_assert_error (called_off.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (out_of_view.done);

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  np_test_wait_until (is_scrolled_into_view, bottom, "the scroll laid out");
  g_assert_false (out_of_view.done);
  /* What the log view does from the frame clock's "layout" after its rows moved. */
  np_picture_loader_view_changed (loader);
  np_test_wait_until (is_done, &out_of_view, "the picture scrolled into view");
  g_assert_no_error (out_of_view.error);

  g_clear_error (&called_off.error);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window-parts/endpoint-bar", test_endpoint_bar);
  g_test_add_func ("/window-parts/send-box", test_send_box);
  g_test_add_func ("/window-parts/status-bar", test_status_bar);
  g_test_add_func ("/window-parts/log-view", test_log_view);
  g_test_add_func ("/window-parts/peer-list", test_peer_list);
  g_test_add_func ("/window-parts/pictures-in-view", test_pictures_in_view);

  return g_test_run ();
}
