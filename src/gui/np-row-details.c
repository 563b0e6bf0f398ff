#define G_LOG_DOMAIN "np-row-details"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-hex-view.h"
#include "np-log-renderer.h"
#include "np-picture-view.h"
#include "np-row-details.h"
#include "np-save-bytes.h"

/* A body on show: re-rendered when Text/Hex (an HTTP exchange's) changes. */
typedef struct
{
  GtkTextView *view;      /* owned by the window's widget tree */
  GBytes      *data;      /* NULL: nothing kept */
  NpEncoding   encoding;
} Body;

struct _NpRowDetails
{
  AdwWindow       parent_instance;

  AdwViewSwitcherTitle *window_title;
  GtkDropDown    *display_dropdown;
  AdwViewStack   *stack;
  GtkBox         *sections;
  GtkLabel       *summary_label;
  NpHexView      *hex_view;
  NpPictureView  *picture_view;

  GArray         *bodies;   /* Body */
};

G_DEFINE_FINAL_TYPE (NpRowDetails, np_row_details, ADW_TYPE_WINDOW)

static void
body_clear (Body *body)
{
  g_clear_pointer (&body->data, g_bytes_unref);
}

static void
render_bodies (NpRowDetails *self)
{
  NpFormat format = gtk_drop_down_get_selected (self->display_dropdown) == 1 ? NP_FORMAT_HEX : NP_FORMAT_TEXT;

  for (guint i = 0; i < self->bodies->len; i++)
    {
      Body *body = &g_array_index (self->bodies, Body, i);
      g_autofree char *text = body->data != NULL ? np_codec_decode_bytes (body->data, format, body->encoding)
                                                 : g_strdup ("");

      gtk_text_buffer_set_text (gtk_text_view_get_buffer (body->view), text, -1);
    }
}

static GtkWidget *
add_label (NpRowDetails *self,
           const char   *text,
           const char   *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  gtk_box_append (self->sections, label);

  return label;
}

/* "Body, 1234 bytes" (and how much of it is shown), then the body itself. */
static void
add_body (NpRowDetails *self,
          const char   *name,
          GBytes       *data,
          guint64       length,
          const char   *missing,
          NpEncoding    encoding)
{
  g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, length);
  g_autofree char *kept = data != NULL ? g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (data)) : NULL;
  g_autofree char *heading = NULL;
  GtkWidget *scroller;
  GtkWidget *view;
  Body body = { NULL, data != NULL ? g_bytes_ref (data) : NULL, encoding };

  if (data == NULL && length > 0)
    heading = g_strdup_printf (_("%s, %s bytes: %s"), name, bytes, missing);
  else if (data != NULL && g_bytes_get_size (data) < length)
    heading = g_strdup_printf (_("%s, %s bytes (the first %s shown)"), name, bytes, kept);
  else
    heading = g_strdup_printf (_("%s, %s bytes"), name, bytes);
  add_label (self, heading, "heading");

  if (length == 0 || data == NULL)
    {
      body_clear (&body);
      return;
    }

  view = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 48);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_widget_add_css_class (scroller, "card");
  gtk_box_append (self->sections, scroller);

  body.view = GTK_TEXT_VIEW (view);
  g_array_append_val (self->bodies, body);
}

/* A request or a response: its first line, its headers, its body. */
static void
add_side (NpRowDetails *self,
          const char   *heading,
          const char   *first_line,
          char        **headers,
          const char   *body_name,
          GBytes       *data,
          guint64       length,
          const char   *missing,
          NpEncoding    encoding)
{
  GString *text = g_string_new (first_line);

  /* The heading, then the lines as they are: a screen reader reads them in that order. */
  add_label (self, heading, "title-4");
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    g_string_append_printf (text, "\n%s: %s", headers[i], headers[i + 1]);
  add_label (self, text->str, "monospace");
  g_string_free (text, TRUE);

  add_body (self, body_name, data, length, missing, encoding);
}

static char *
describe_timing (const NpHttpExchange *http)
{
  GString *text = g_string_new (NULL);
  const struct { const char *name; gint64 us; } steps[] = {
    { N_("DNS"), http->dns_us }, { N_("connect"), http->connect_us }, { N_("TLS"), http->tls_us },
    { N_("first byte"), http->first_byte_us }, { N_("total"), http->duration_us },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i].us >= 0)
      g_string_append_printf (text, "%s%s %.1f ms", text->len > 0 ? " · " : "", _(steps[i].name),
                              steps[i].us / 1000.0);

  return g_string_free (text, FALSE);
}

static void
show_http (NpRowDetails         *self,
           NpLogRow             *row,
           const NpHttpExchange *http,
           NpEncoding            encoding)
{
  g_autofree char *request_line = g_strdup_printf ("%s %s", http->method, http->target);
  g_autofree char *status_line = g_strdup_printf ("%u %s", http->status, http->reason != NULL ? http->reason : "");
  g_autofree char *timing = describe_timing (http);
  g_autofree char *when = np_format_clock (np_log_row_get_time (row), TRUE);
  GString *summary = g_string_new (np_log_row_get_message (row));

  adw_view_switcher_title_set_title (self->window_title, http->outgoing ? _("Request Made") : _("Request Received"));
  adw_view_switcher_title_set_subtitle (self->window_title, request_line);

  g_string_append_printf (summary, "\n%s", when);
  if (np_log_row_get_peer (row) != NULL)
    g_string_append_printf (summary, " · %s", np_log_row_get_peer (row));
  if (timing[0] != '\0')
    g_string_append_printf (summary, "\n%s", timing);
  gtk_label_set_text (self->summary_label, summary->str);
  g_string_free (summary, TRUE);

  add_side (self, _("Request"), request_line, http->request_headers, _("Request body"),
            http->request_body, http->request_length, _("not kept"), encoding);
  if (http->status != 0)
    add_side (self, _("Response"), status_line, http->response_headers, _("Response body"),
              http->response_body, http->response_length,
              http->outgoing ? _("not kept") : _("a file, sent from the folder, not kept"), encoding);
}

static void
show_message (NpRowDetails *self,
              NpLogRow     *row,
              NpEncoding    encoding)
{
  g_autofree char *when = np_format_clock (np_log_row_get_time (row), TRUE);
  NpMessageType type = np_log_row_get_message_type (row);
  GString *summary = g_string_new (np_log_direction_label (np_log_row_get_direction (row)));

  adw_view_switcher_title_set_title (self->window_title, _("Message"));
  g_string_append_printf (summary, " · %s", when);
  if (np_log_row_get_peer (row) != NULL)
    g_string_append_printf (summary, " · %s", np_log_row_get_peer (row));
  if (type != NP_MESSAGE_BYTES)
    g_string_append_printf (summary, " · %s", type == NP_MESSAGE_TEXT ? _("WebSocket text message")
                                                                     : _("WebSocket binary message"));
  if (np_log_row_get_message (row) != NULL)
    g_string_append_printf (summary, "\n%s", np_log_row_get_message (row));
  gtk_label_set_text (self->summary_label, summary->str);
  /* Its first line heads every view, not only the text. */
  if (strchr (summary->str, '\n') != NULL)
    g_string_truncate (summary, strchr (summary->str, '\n') - summary->str);
  adw_view_switcher_title_set_subtitle (self->window_title, summary->str);
  g_string_free (summary, TRUE);

  if (np_log_row_get_preview (row) != NULL)
    {
      GBytes *bytes = np_log_row_get_bytes (row) != NULL ? np_log_row_get_bytes (row) : np_log_row_get_preview (row);
      /* A text view lays out all its text: it gets 64 KiB at most, the hex dump all of it. */
      g_autoptr(GBytes) shown = g_bytes_get_size (bytes) > NP_LOG_ROW_BODY_LIMIT
                                ? g_bytes_new_from_bytes (bytes, 0, NP_LOG_ROW_BODY_LIMIT) : g_bytes_ref (bytes);

      add_body (self, _("Data"), shown, np_log_row_get_length (row), NULL,
                type == NP_MESSAGE_TEXT ? NP_ENCODING_UTF8 : encoding);
    }
}

/* The message's bytes as a hex dump, and as a picture when they are one. */
static void
show_bytes (NpRowDetails    *self,
            NpLogRow        *row,
            NpPictureLoader *pictures)
{
  GBytes *bytes = np_log_row_get_bytes (row) != NULL ? np_log_row_get_bytes (row) : np_log_row_get_preview (row);
  const NpMagic *magic = np_log_row_get_magic (row);
  g_autofree char *note = np_log_row_describe_kept (row);
  g_autofree char *name = np_save_bytes_suggest_name (np_log_row_get_time (row), magic->extension);

  np_hex_view_set_bytes (self->hex_view, bytes, note, name);
  adw_view_stack_page_set_visible (adw_view_stack_get_page (self->stack, GTK_WIDGET (self->hex_view)), TRUE);

  if (magic->image && np_log_row_get_bytes (row) != NULL)
    {
      np_picture_view_load (self->picture_view, pictures, bytes, magic, name);
      adw_view_stack_page_set_visible (adw_view_stack_get_page (self->stack, GTK_WIDGET (self->picture_view)), TRUE);
    }
}

static void
np_row_details_finalize (GObject *object)
{
  NpRowDetails *self = (NpRowDetails *)object;

  g_clear_pointer (&self->bodies, g_array_unref);

  G_OBJECT_CLASS (np_row_details_parent_class)->finalize (object);
}

static void
np_row_details_class_init (NpRowDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = np_row_details_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-row-details.ui");
  gtk_widget_class_bind_template_child (widget_class, NpRowDetails, window_title);
  gtk_widget_class_bind_template_child (widget_class, NpRowDetails, display_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpRowDetails, stack);
  gtk_widget_class_bind_template_child (widget_class, NpRowDetails, sections);
  gtk_widget_class_bind_template_child (widget_class, NpRowDetails, hex_view);
  gtk_widget_class_bind_template_child (widget_class, NpRowDetails, picture_view);
  gtk_widget_class_bind_template_child (widget_class, NpRowDetails, summary_label);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
np_row_details_init (NpRowDetails *self)
{
  g_type_ensure (NP_TYPE_HEX_VIEW);
  g_type_ensure (NP_TYPE_PICTURE_VIEW);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->bodies = g_array_new (FALSE, TRUE, sizeof (Body));
  g_array_set_clear_func (self->bodies, (GDestroyNotify) body_clear);
  g_signal_connect_object (self->display_dropdown, "notify::selected", G_CALLBACK (render_bodies),
                           self, G_CONNECT_SWAPPED);
}

/**
 * np_row_details_new:
 * @encoding: how text in bodies is decoded (the log's receive encoding)
 * @display: %NP_FORMAT_HEX to start in hex, anything else starts in text
 * @pictures: decodes a picture at full size
 *
 * One window for every kind of row, opened on the view that fits it: a picture shows as one,
 * other messages as the log shows them (the hex dump when the log shows hex), an HTTP
 * exchange as its lines, headers and bodies.
 *
 * Returns: (transfer none): a window showing @row in full, presented
 */
NpRowDetails *
np_row_details_new (GtkWindow       *parent,
                    NpLogRow        *row,
                    NpEncoding       encoding,
                    NpFormat         display,
                    NpPictureLoader *pictures)
{
  NpRowDetails *self;
  const char *page = "text";

  g_return_val_if_fail (NP_IS_LOG_ROW (row), NULL);

  self = g_object_new (NP_TYPE_ROW_DETAILS, "transient-for", parent, NULL);
  if (np_log_row_get_http (row) != NULL)
    show_http (self, row, np_log_row_get_http (row), encoding);
  else
    show_message (self, row, encoding);

  if (np_log_row_get_http (row) == NULL && np_log_row_get_preview (row) != NULL)
    {
      show_bytes (self, row, pictures);
      page = np_log_row_get_magic (row)->image && np_log_row_get_bytes (row) != NULL ? "picture"
             : display == NP_FORMAT_HEX ? "hex" : "text";
    }
  /* One view: its title, no switcher. */
  adw_view_switcher_title_set_view_switcher_enabled (self->window_title, g_strcmp0 (page, "text") != 0
                                                     || np_log_row_get_preview (row) != NULL);
  adw_view_stack_set_visible_child_name (self->stack, page);

  /* Text or Hex is a choice for an HTTP exchange's bodies only: a message has its Hex Dump
   * page, and a second "Text" beside the switcher's would change nothing seen there. */
  gtk_widget_set_visible (GTK_WIDGET (self->display_dropdown),
                          np_log_row_get_http (row) != NULL && self->bodies->len > 0);
  gtk_drop_down_set_selected (self->display_dropdown,
                              np_log_row_get_http (row) != NULL && display == NP_FORMAT_HEX ? 1 : 0);
  render_bodies (self);
  gtk_window_present (GTK_WINDOW (self));

  return self;
}
