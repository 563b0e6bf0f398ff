#define G_LOG_DOMAIN "np-status-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "np-endpoint-config.h"
#include "np-enum-types.h"
#include "np-event.h"
#include "np-status-bar.h"

#define REFRESH_MS 100

struct _NpStatusBar
{
  GtkWidget  parent_instance;

  GtkWidget *label;

  NpMode     mode;
  gboolean   running;
  gboolean   counted;      /* something was started since the window opened */
  guint      n_peers;

  /* Exact: counted from every event, whatever the log shows. */
  guint64    bytes_in;
  guint64    bytes_out;
  guint64    messages_in;
  guint64    messages_out;
  guint64    dropped;      /* UDP datagrams the system dropped before they could be read */
  guint64    requests;     /* HTTP requests answered or made */

  gint64     refreshed;    /* monotonic µs of the last text update */
  guint      refresh_id;

  guint64    rate_bytes;   /* bytes out since the last rate tick */
  double     send_rate;    /* bytes per second */
  guint      rate_id;
};

enum { PROP_0, PROP_MODE, PROP_N_PEERS, PROP_RUNNING, PROP_BYTES_IN, PROP_BYTES_OUT, PROP_SEND_RATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpStatusBar, np_status_bar, GTK_TYPE_WIDGET)

/* The exact totals, for the tooltip and the accessible description: the footer itself speaks
 * in the list's units ("200.0 kB"). */
static char *
describe_exactly (NpStatusBar *self)
{
  g_autofree char *in_bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, self->bytes_in);
  g_autofree char *in_messages = g_strdup_printf ("%" G_GUINT64_FORMAT, self->messages_in);
  g_autofree char *out_bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, self->bytes_out);
  g_autofree char *out_messages = g_strdup_printf ("%" G_GUINT64_FORMAT, self->messages_out);

  /* Numbers are formatted first: gettext cannot see through G_GUINT64_FORMAT. */
  return g_strdup_printf (_("Exactly: in %s bytes (%s messages), out %s bytes (%s messages)"),
                          in_bytes, in_messages, out_bytes, out_messages);
}

static void
update_text (NpStatusBar *self)
{
  g_autofree char *rate = g_format_size ((guint64) self->send_rate);
  g_autofree char *in_bytes = g_format_size (self->bytes_in);
  g_autofree char *in_messages = g_strdup_printf ("%" G_GUINT64_FORMAT, self->messages_in);
  g_autofree char *out_bytes = g_format_size (self->bytes_out);
  g_autofree char *out_messages = g_strdup_printf ("%" G_GUINT64_FORMAT, self->messages_out);
  g_autofree char *exactly = describe_exactly (self);
  g_autofree char *status = NULL;

  if (self->mode == NP_MODE_HTTP_SERVER || self->mode == NP_MODE_HTTP_CLIENT)
    {
      g_autofree char *requests = g_strdup_printf ("%" G_GUINT64_FORMAT, self->requests);

      status = g_strdup_printf (_("In %s   Out %s   Requests %s"), in_bytes, out_bytes, requests);
    }
  else if (self->mode == NP_MODE_UDP)
    status = g_strdup_printf (_("In %s / %s msg   Out %s / %s msg   Peers heard %u   Send rate %s/s"),
                              in_bytes, in_messages, out_bytes, out_messages, self->n_peers, rate);
  else if (np_mode_is_client (self->mode))
    /* One connection: no count of clients (it said "Clients 0"). */
    status = g_strdup_printf (_("In %s / %s msg   Out %s / %s msg   Send rate %s/s"),
                              in_bytes, in_messages, out_bytes, out_messages, rate);
  else
    status = g_strdup_printf (_("In %s / %s msg   Out %s / %s msg   Clients %u   Send rate %s/s"),
                              in_bytes, in_messages, out_bytes, out_messages, self->n_peers, rate);

  if (self->dropped > 0)
    {
      g_autofree char *dropped = g_strdup_printf ("%" G_GUINT64_FORMAT, self->dropped);
      g_autofree char *with_drops = g_strdup_printf (_("%s   Dropped by the system %s"), status, dropped);

      g_free (status);
      status = g_steal_pointer (&with_drops);
    }

  /* The totals are a run's: each Start begins at 0, and once stopped they say whose they are. */
  if (self->counted && !self->running)
    {
      g_autofree char *last = g_strdup_printf (_("Last run: %s"), status);

      g_free (status);
      status = g_steal_pointer (&last);
    }
  gtk_label_set_text (GTK_LABEL (self->label), status);
  gtk_widget_set_tooltip_text (self->label, exactly);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, exactly, -1);
  self->refreshed = g_get_monotonic_time ();
}

static gboolean
on_refresh (gpointer user_data)
{
  NpStatusBar *self = user_data;

  self->refresh_id = 0;
  update_text (self);
  return G_SOURCE_REMOVE;
}

/* The counts are exact at every batch; the text follows them at most every REFRESH_MS: under
 * a flood, batches come every few milliseconds, and each new text was a frame to lay out and
 * draw. */
static void
refresh (NpStatusBar *self)
{
  gint64 wait_us;

  if (self->refresh_id != 0)
    return;
  wait_us = self->refreshed + REFRESH_MS * 1000 - g_get_monotonic_time ();
  if (wait_us <= 0)
    {
      update_text (self);
      return;
    }
  self->refresh_id = g_timeout_add (wait_us / 1000 + 1, on_refresh, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->refresh_id), "[netpoke] footer");
}

/* The send rate needs a clock, but only while bytes flow: the timer stops itself after a quiet
 * second, so an idle window has no timers. */
static gboolean
on_rate_tick (gpointer user_data)
{
  NpStatusBar *self = user_data;

  self->send_rate = (double) self->rate_bytes;
  self->rate_bytes = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND_RATE]);
  update_text (self);

  if (self->send_rate == 0)
    {
      self->rate_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Counts the traffic of every endpoint in @batch (since the last np_status_bar_reset ()). */
void
np_status_bar_count (NpStatusBar *self,
                     GPtrArray   *batch)
{
  guint64 sent = 0;
  guint64 received = self->bytes_in;

  g_return_if_fail (NP_IS_STATUS_BAR (self));

  for (guint i = 0; i < batch->len; i++)
    {
      const NpEvent *event = g_ptr_array_index (batch, i);

      if (event->kind == NP_EVENT_RECEIVED && event->relay == NP_RELAY_TO_CLIENT)
        {
          /* A relay: in is what clients sent on, out what came back to them. */
          self->bytes_out += event->length;
          self->messages_out++;
          sent += event->length;
        }
      else if (event->kind == NP_EVENT_RECEIVED)
        {
          self->bytes_in += event->length;
          self->messages_in++;
        }
      else if (event->kind == NP_EVENT_REQUEST)
        {
          /* A server takes the request's body in and sends the response's out; a client the
           * other way round. */
          const NpHttpExchange *http = event->http;

          self->bytes_in += http->outgoing ? http->response_length : http->request_length;
          self->bytes_out += http->outgoing ? http->request_length : http->response_length;
          self->messages_in++;
          self->messages_out++;
          self->requests++;
        }
      else if (event->kind == NP_EVENT_ERROR)
        self->dropped += event->dropped;
      else if (event->kind == NP_EVENT_SENT)
        {
          /* One SENT per send operation: each peer it counts got all of it. */
          self->bytes_out += (guint64) event->length * event->n_peers;
          self->messages_out += (guint64) event->n_messages * event->n_peers;
          sent += (guint64) event->length * event->n_peers;
        }
    }

  if (self->bytes_in != received)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_IN]);
  if (sent > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_OUT]);

  self->rate_bytes += sent;
  if (sent > 0 && self->rate_id == 0)
    {
      self->rate_id = g_timeout_add_seconds (1, on_rate_tick, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->rate_id), "[netpoke] send rate");
    }
  refresh (self);
}

/* A new run: the totals start again from 0. */
void
np_status_bar_reset (NpStatusBar *self)
{
  g_return_if_fail (NP_IS_STATUS_BAR (self));

  self->counted = TRUE;
  self->bytes_in = self->bytes_out = 0;
  self->messages_in = self->messages_out = 0;
  self->requests = 0;
  self->dropped = 0;
  self->rate_bytes = 0;
  self->send_rate = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_IN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_OUT]);
  update_text (self);
}

guint64
np_status_bar_get_bytes_in (NpStatusBar *self)
{
  g_return_val_if_fail (NP_IS_STATUS_BAR (self), 0);
  return self->bytes_in;
}

guint64
np_status_bar_get_messages_in (NpStatusBar *self)
{
  g_return_val_if_fail (NP_IS_STATUS_BAR (self), 0);
  return self->messages_in;
}

/* UDP datagrams the system dropped (receive buffer full) */
guint64
np_status_bar_get_dropped (NpStatusBar *self)
{
  g_return_val_if_fail (NP_IS_STATUS_BAR (self), 0);
  return self->dropped;
}

guint64
np_status_bar_get_bytes_out (NpStatusBar *self)
{
  g_return_val_if_fail (NP_IS_STATUS_BAR (self), 0);
  return self->bytes_out;
}

/* The exact totals so far (the traffic graph's source). */
void
np_status_bar_get_traffic (NpStatusBar *self,
                           NpTraffic   *traffic)
{
  g_return_if_fail (NP_IS_STATUS_BAR (self));

  *traffic = (NpTraffic) { self->bytes_in, self->bytes_out, self->messages_in, self->messages_out };
}

/* What the footer says now (for tests and the stall probe). */
const char *
np_status_bar_get_text (NpStatusBar *self)
{
  g_return_val_if_fail (NP_IS_STATUS_BAR (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->label));
}

static void
np_status_bar_dispose (GObject *object)
{
  NpStatusBar *self = (NpStatusBar *)object;

  g_clear_handle_id (&self->rate_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer (&self->label, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_STATUS_BAR);

  G_OBJECT_CLASS (np_status_bar_parent_class)->dispose (object);
}

static void
np_status_bar_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NpStatusBar *self = NP_STATUS_BAR (object);

  switch (prop_id)
    {
    case PROP_MODE:      g_value_set_enum (value, self->mode); break;
    case PROP_N_PEERS:   g_value_set_uint (value, self->n_peers); break;
    case PROP_RUNNING:   g_value_set_boolean (value, self->running); break;
    case PROP_BYTES_IN:  g_value_set_uint64 (value, self->bytes_in); break;
    case PROP_BYTES_OUT: g_value_set_uint64 (value, self->bytes_out); break;
    case PROP_SEND_RATE: g_value_set_double (value, self->send_rate); break;
    default:             G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_status_bar_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  NpStatusBar *self = NP_STATUS_BAR (object);

  switch (prop_id)
    {
    case PROP_MODE:
      if (self->mode == (NpMode) g_value_get_enum (value))
        return;
      self->mode = g_value_get_enum (value);
      break;
    case PROP_N_PEERS:
      if (self->n_peers == g_value_get_uint (value))
        return;
      self->n_peers = g_value_get_uint (value);
      break;
    case PROP_RUNNING:
      if (self->running == g_value_get_boolean (value))
        return;
      self->running = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_object_notify_by_pspec (object, pspec);
  update_text (self);
}

static void
np_status_bar_class_init (NpStatusBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_status_bar_dispose;
  object_class->get_property = np_status_bar_get_property;
  object_class->set_property = np_status_bar_set_property;

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, NP_TYPE_MODE, NP_MODE_TCP_SERVER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PEERS] =
    g_param_spec_uint ("n-peers", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_IN] =
    g_param_spec_uint64 ("bytes-in", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_OUT] =
    g_param_spec_uint64 ("bytes-out", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEND_RATE] =
    g_param_spec_double ("send-rate", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-status-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, NpStatusBar, label);
}

static void
np_status_bar_init (NpStatusBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_text (self);
}
