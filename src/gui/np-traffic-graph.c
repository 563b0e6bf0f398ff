#define G_LOG_DOMAIN "np-traffic-graph"

#include "config.h"

#include <glib/gi18n.h>

#include "np-traffic-graph.h"

#define AXIS_LEFT   72    /* px for the bytes/s labels */
#define AXIS_RIGHT  64    /* px for the messages/s labels */
#define AXIS_BOTTOM 16    /* px for the time labels */

struct _NpTrafficGraph
{
  GtkWidget      parent_instance;

  NpRateHistory *history;   /* borrowed: its owner sets it again before freeing it */
  gint64         now_us;    /* the time drawn up to (monotonic) */
  char          *summary;   /* "In 1.2 MB/s · out 0 bytes/s · 30 msg/s (peak …)" */
};

enum { PROP_0, PROP_SUMMARY, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpTrafficGraph, np_traffic_graph, GTK_TYPE_WIDGET)

/* "1.2 MB/s", "0 bytes/s": a rate in the units people read. */
char *
np_format_rate (guint64 bytes_per_second)
{
  g_autofree char *size = g_format_size (bytes_per_second);

  return g_strdup_printf (_("%s/s"), size);
}

/* The top of the scale: 1, 2 or 5 × 10ⁿ, at least @peak (and at least 1). */
static double
nice_top (double peak)
{
  double unit = 1;

  if (peak <= 1)
    return 1;
  while (unit * 10 < peak)
    unit *= 10;
  return peak <= unit ? unit : peak <= 2 * unit ? 2 * unit : peak <= 5 * unit ? 5 * unit : 10 * unit;
}

static void
text_at (GtkWidget   *widget,
         GtkSnapshot *snapshot,
         const char  *text,
         double       x,
         double       y,
         double       xalign,
         const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - width * xalign, y - height / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* One series as a line through the 60 complete seconds, oldest at the left. */
static void
trace (cairo_t      *cr,
       const double *values,
       double        top,
       double        width,
       double        height,
       gboolean      fill)
{
  double step = width / (NP_RATE_HISTORY_SECONDS - 1);

  cairo_new_path (cr);
  for (int i = 0; i < NP_RATE_HISTORY_SECONDS; i++)
    cairo_line_to (cr, i * step, height - values[i] / top * height);
  if (fill)
    {
      cairo_line_to (cr, width, height);
      cairo_line_to (cr, 0, height);
      cairo_close_path (cr);
    }
}

static void
np_traffic_graph_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  NpTrafficGraph *self = NP_TRAFFIC_GRAPH (widget);
  static const GdkRGBA in_color = { 0.21, 0.52, 0.89, 1 }, out_color = { 0.90, 0.38, 0.0, 1 },
                       messages_color = { 0.18, 0.76, 0.49, 1 };
  double in[NP_RATE_HISTORY_SECONDS], out[NP_RATE_HISTORY_SECONDS], messages[NP_RATE_HISTORY_SECONDS];
  double bytes_peak = 0, messages_peak = 0, bytes_top, messages_top;
  double width = gtk_widget_get_width (widget) - AXIS_LEFT - AXIS_RIGHT;
  double height = gtk_widget_get_height (widget) - AXIS_BOTTOM - 8;
  gint64 first = NP_RATE_SECOND (self->now_us) - NP_RATE_HISTORY_SECONDS;
  GdkRGBA color, faint;
  cairo_t *cr;

  if (width < 40 || height < 20 || self->history == NULL)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  faint = (GdkRGBA) { color.red, color.green, color.blue, 0.15 };

  for (int i = 0; i < NP_RATE_HISTORY_SECONDS; i++)
    {
      NpTraffic traffic;

      np_rate_history_get_second (self->history, first + i, &traffic);
      in[i] = traffic.bytes_in;
      out[i] = traffic.bytes_out;
      messages[i] = (double) traffic.messages_in + traffic.messages_out;
      bytes_peak = MAX (bytes_peak, MAX (in[i], out[i]));
      messages_peak = MAX (messages_peak, messages[i]);
    }
  bytes_top = nice_top (bytes_peak);
  messages_top = nice_top (messages_peak);

  /* Grid and axis labels: the scale's top and middle, and the time. */
  for (int line = 0; line <= 2; line++)
    {
      double y = 4 + height * line / 2.0;
      g_autofree char *bytes_label = np_format_rate ((guint64) (bytes_top * (2 - line) / 2));
      g_autofree char *messages_label = g_strdup_printf (_("%.0f msg/s"), messages_top * (2 - line) / 2);

      gtk_snapshot_append_color (snapshot, &faint, &GRAPHENE_RECT_INIT (AXIS_LEFT, y, width, 1));
      text_at (widget, snapshot, bytes_label, AXIS_LEFT - 6, y, 1, &color);
      text_at (widget, snapshot, messages_label, AXIS_LEFT + width + 6, y, 0, &messages_color);
    }
  text_at (widget, snapshot, _("60 s ago"), AXIS_LEFT, height + 4 + AXIS_BOTTOM / 2.0 + 2, 0, &color);
  text_at (widget, snapshot, _("now"), AXIS_LEFT + width, height + 4 + AXIS_BOTTOM / 2.0 + 2, 1, &color);

  /* The series: GTK 4.8 has no paths in GSK, so they are one cairo node. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (AXIS_LEFT, 4, width, height));
  cairo_translate (cr, AXIS_LEFT, 4);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  trace (cr, in, bytes_top, width, height, TRUE);
  cairo_set_source_rgba (cr, in_color.red, in_color.green, in_color.blue, 0.2);
  cairo_fill (cr);
  trace (cr, in, bytes_top, width, height, FALSE);
  gdk_cairo_set_source_rgba (cr, &in_color);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);
  trace (cr, out, bytes_top, width, height, FALSE);
  gdk_cairo_set_source_rgba (cr, &out_color);
  cairo_stroke (cr);
  trace (cr, messages, messages_top, width, height, FALSE);
  gdk_cairo_set_source_rgba (cr, &messages_color);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

/* The last complete second and the peak of the minute, as one line of text. */
static char *
summarize (NpTrafficGraph *self)
{
  NpTraffic now = { 0 }, peak = { 0 };
  g_autofree char *in = NULL, *out = NULL, *peak_in = NULL, *peak_out = NULL;
  g_autofree char *messages = NULL, *peak_messages = NULL;

  guint64 messages_peak = 0;

  if (self->history != NULL)
    {
      gint64 second = NP_RATE_SECOND (self->now_us);

      np_rate_history_get_second (self->history, second - 1, &now);
      np_rate_history_get_peak (self->history, self->now_us, &peak);
      /* Messages are one series (in and out together), so their peak is the busiest second's. */
      for (gint64 s = second - NP_RATE_HISTORY_SECONDS; s < second; s++)
        {
          NpTraffic traffic;

          np_rate_history_get_second (self->history, s, &traffic);
          messages_peak = MAX (messages_peak, traffic.messages_in + traffic.messages_out);
        }
    }
  in = np_format_rate (now.bytes_in);
  out = np_format_rate (now.bytes_out);
  messages = g_strdup_printf ("%" G_GUINT64_FORMAT, now.messages_in + now.messages_out);
  peak_in = np_format_rate (peak.bytes_in);
  peak_out = np_format_rate (peak.bytes_out);
  peak_messages = g_strdup_printf ("%" G_GUINT64_FORMAT, messages_peak);
  return g_strdup_printf (_("Now in %s, out %s, %s msg/s; peak in the last minute: in %s, out %s, %s msg/s"),
                          in, out, messages, peak_in, peak_out, peak_messages);
}

/**
 * np_traffic_graph_update:
 * @now_us: g_get_monotonic_time (): the graph ends at the last second complete by then
 *
 * Draws again, and says the rates again where they changed (text and accessible description).
 */
void
np_traffic_graph_update (NpTrafficGraph *self,
                         gint64          now_us)
{
  g_autofree char *summary = NULL;

  g_return_if_fail (NP_IS_TRAFFIC_GRAPH (self));

  self->now_us = now_us;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  summary = summarize (self);
  if (g_strcmp0 (summary, self->summary) == 0)
    return;
  g_free (self->summary);
  self->summary = g_steal_pointer (&summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

/* @history: (nullable) (transfer none): what to draw; it must outlive the graph or be replaced */
void
np_traffic_graph_set_history (NpTrafficGraph *self,
                              NpRateHistory  *history)
{
  g_return_if_fail (NP_IS_TRAFFIC_GRAPH (self));

  self->history = history;
  np_traffic_graph_update (self, g_get_monotonic_time ());
}

const char *
np_traffic_graph_get_summary (NpTrafficGraph *self)
{
  g_return_val_if_fail (NP_IS_TRAFFIC_GRAPH (self), NULL);
  return self->summary;
}

static void
np_traffic_graph_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? AXIS_LEFT + AXIS_RIGHT + 120 : 80;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? AXIS_LEFT + AXIS_RIGHT + 360 : 110;
}

static void
np_traffic_graph_finalize (GObject *object)
{
  NpTrafficGraph *self = (NpTrafficGraph *)object;

  g_free (self->summary);

  G_OBJECT_CLASS (np_traffic_graph_parent_class)->finalize (object);
}

static void
np_traffic_graph_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  NpTrafficGraph *self = NP_TRAFFIC_GRAPH (object);

  switch (prop_id)
    {
    case PROP_SUMMARY: g_value_set_string (value, self->summary); break;
    default:           G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_traffic_graph_class_init (NpTrafficGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = np_traffic_graph_finalize;
  object_class->get_property = np_traffic_graph_get_property;
  widget_class->snapshot = np_traffic_graph_snapshot;
  widget_class->measure = np_traffic_graph_measure;

  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "traffic-graph");
}

static void
np_traffic_graph_init (NpTrafficGraph *self)
{
  self->now_us = g_get_monotonic_time ();
  self->summary = summarize (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary, -1);
}

GtkWidget *
np_traffic_graph_new (void)
{
  return g_object_new (NP_TYPE_TRAFFIC_GRAPH, NULL);
}
