#define G_LOG_DOMAIN "np-endpoint-bar"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-address.h"
#include "np-endpoint-bar-private.h"
#include "np-enum-types.h"
#include "np-error.h"
#include "np-http-exchange.h"
#include "np-web-options.h"

#define ANY_FREE_PORT N_("Port must be 0–65535 (0 for any free port)")

static const ModeInfo modes[N_MODES] = {
  { NP_MODE_TCP_SERVER,  N_("TCP Server"),       FALSE, FALSE, FALSE, ANY_FREE_PORT, FALSE, FALSE, TRUE,  TRUE },
  { NP_MODE_TCP_CLIENT,  N_("TCP Client"),       TRUE,  FALSE, FALSE, N_("Port must be 1–65535"), FALSE, FALSE, TRUE,  TRUE },
  { NP_MODE_UDP,         N_("UDP"),              FALSE, TRUE,  TRUE,  N_("Port must be 0–65535 (or empty for any)"), FALSE, FALSE, TRUE,  FALSE },
  { NP_MODE_HTTP_SERVER, N_("HTTP Server"),      FALSE, FALSE, FALSE, ANY_FREE_PORT, FALSE, FALSE, TRUE,  FALSE },
  { NP_MODE_HTTP_CLIENT, N_("HTTP Client"),      TRUE,  FALSE, FALSE, NULL, TRUE,  TRUE,  TRUE,  FALSE },
  { NP_MODE_WS_SERVER,   N_("WebSocket Server"), FALSE, FALSE, FALSE, ANY_FREE_PORT, FALSE, FALSE, TRUE,  FALSE },
  { NP_MODE_WS_CLIENT,   N_("WebSocket Client"), TRUE,  FALSE, FALSE, NULL, TRUE,  FALSE, TRUE,  FALSE },
  { NP_MODE_RELAY,       N_("TCP Relay"),        FALSE, TRUE,  FALSE, ANY_FREE_PORT, FALSE, FALSE, FALSE, TRUE },
  { NP_MODE_UDP_RELAY,   N_("UDP Relay"),        FALSE, TRUE,  FALSE, ANY_FREE_PORT, FALSE, FALSE, FALSE, FALSE },
};

/* The methods the HTTP client offers, in the selector's order. */
static const char * const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" };

enum { PROP_0, PROP_MODE, PROP_FRAMING, PROP_RUNNING, PROP_VALIDATION, PROP_PROBLEM, PROP_DESTINATION, PROP_METHOD, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpEndpointBar, np_endpoint_bar, GTK_TYPE_WIDGET)

const ModeInfo *
_np_endpoint_bar_mode_info (NpMode mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (modes[i].mode == mode)
      return &modes[i];
  g_return_val_if_reached (&modes[0]);
}

#define mode_info  _np_endpoint_bar_mode_info
#define entry_text _np_endpoint_bar_entry_text
#define validate   _np_endpoint_bar_validate

/* ---- closures for the template ----------------------------------------------------------- */

static char *
address_placeholder (gpointer unused,
                     NpMode   mode)
{
  return g_strdup (mode_info (mode)->connects ? _("Host") : _("All addresses"));
}

static char *
address_tooltip (gpointer unused,
                 NpMode   mode)
{
  return g_strdup (mode_info (mode)->connects ? _("Host or IP address to connect to")
                                              : _("Local IP address to listen on (empty: all)"));
}

static char *
port_placeholder (gpointer unused,
                  NpMode   mode)
{
  return g_strdup (mode_info (mode)->empty_port_is_any ? _("Any port") : _("Port"));
}

static gboolean
has_destination (gpointer unused,
                 NpMode   mode)
{
  return mode_info (mode)->has_destination;
}

static char *
destination_placeholder (gpointer unused,
                         NpMode   mode)
{
  return g_strdup (NP_MODE_IS_RELAY (mode) ? _("Target host:port") : _("Send to host:port"));
}

static char *
destination_tooltip (gpointer unused,
                     NpMode   mode)
{
  return g_strdup (NP_MODE_IS_RELAY (mode) ? _("Where the relay connects each client to (the device or its server)")
                                           : _("Where Send goes when no peer is selected; it can change while listening"));
}

/* UDP's destination may change while listening; a relay's target is fixed while it runs. */
static gboolean
destination_editable (gpointer unused,
                      NpMode   mode,
                      gboolean running)
{
  return !(running && NP_MODE_IS_RELAY (mode));
}

static gboolean
has_address (gpointer unused,
             NpMode   mode)
{
  return !mode_info (mode)->has_url;
}

static gboolean
has_url (gpointer unused,
         NpMode   mode)
{
  return mode_info (mode)->has_url;
}

static gboolean
has_method (gpointer unused,
            NpMode   mode)
{
  return mode_info (mode)->has_method;
}

static gboolean
has_options (gpointer unused,
             NpMode   mode)
{
  return mode_info (mode)->has_options;
}

/* The options are greyed while running (they apply when the endpoint starts): say so. UDP's
 * multicast groups are the exception: they can be joined and left while it runs. */
static char *
options_running_text (gpointer unused,
                      NpMode   mode)
{
  return g_strdup (mode == NP_MODE_UDP ? _("Stop to change the other options; the multicast groups can change now")
                                       : _("Stop to change the options"));
}

static char *
options_tooltip (gpointer unused,
                 NpMode   mode,
                 gboolean running)
{
  return running ? options_running_text (NULL, mode)
                 : g_strdup (_("Options of this mode: TLS, reconnecting, multicast, the web server’s folder…"));
}

static gboolean
options_sensitive (gpointer unused,
                   NpMode   mode,
                   gboolean running)
{
  return !running || mode == NP_MODE_UDP;
}

static char *
url_placeholder (gpointer unused,
                 NpMode   mode)
{
  return g_strdup (mode == NP_MODE_WS_CLIENT ? "ws://192.0.2.10:8080/ws" : "http://192.0.2.10/api/status");
}

static char *
start_label (gpointer unused,
             NpMode   mode,
             gboolean running)
{
  if (mode == NP_MODE_HTTP_CLIENT)
    return g_strdup (running ? _("Cancel") : _("Send Request"));
  if (mode_info (mode)->connects)
    return g_strdup (running ? _("Disconnect") : _("Connect"));
  return g_strdup (running ? _("Stop") : _("Start"));
}

static char *
start_page (gpointer unused,
            gboolean running)
{
  return g_strdup (running ? "stop" : "start");
}

/* The button shows its words in a stack (see the template): its name for assistive technology
 * is the word shown. */
static void
label_start_button (NpEndpointBar *self)
{
  g_autofree char *label = start_label (NULL, self->mode, self->running);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->start_button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static GStrv
start_classes (gpointer unused,
               gboolean running)
{
  const char *classes[] = { "text-button", running ? "destructive-action" : "suggested-action", NULL };

  return g_strdupv ((GStrv) classes);
}

static void
on_entry_activate (NpEndpointBar *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.start", NULL);
}

/* ---- object ------------------------------------------------------------------------------ */

static void
np_endpoint_bar_dispose (GObject *object)
{
  NpEndpointBar *self = (NpEndpointBar *)object;

  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_ENDPOINT_BAR);

  G_OBJECT_CLASS (np_endpoint_bar_parent_class)->dispose (object);
}

static void
np_endpoint_bar_finalize (GObject *object)
{
  NpEndpointBar *self = (NpEndpointBar *)object;

  for (guint i = 0; i < N_MODES; i++)
    {
      g_free (self->fields[i].address);
      g_free (self->fields[i].port);
      g_free (self->fields[i].destination);
      g_free (self->fields[i].url);
    }
  g_clear_pointer (&self->typed, g_hash_table_unref);
  g_free (self->framing);
  g_free (self->validation);
  g_free (self->problem);

  G_OBJECT_CLASS (np_endpoint_bar_parent_class)->finalize (object);
}

static void
np_endpoint_bar_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  NpEndpointBar *self = NP_ENDPOINT_BAR (object);

  switch (prop_id)
    {
    case PROP_MODE:       g_value_set_enum (value, np_endpoint_bar_get_mode (self)); break;
    case PROP_FRAMING:    g_value_set_string (value, self->framing); break;
    case PROP_RUNNING:    g_value_set_boolean (value, self->running); break;
    case PROP_VALIDATION: g_value_set_string (value, self->validation); break;
    case PROP_PROBLEM:    g_value_set_string (value, self->problem); break;
    case PROP_DESTINATION: g_value_take_string (value, np_endpoint_bar_get_destination (self)); break;
    case PROP_METHOD:     g_value_set_string (value, np_endpoint_bar_get_method (self)); break;
    default:              G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_mode (NpEndpointBar *self,
          NpMode         mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (modes[i].mode == mode)
      gtk_drop_down_set_selected (self->mode_dropdown, i);
}

static void
np_endpoint_bar_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  NpEndpointBar *self = NP_ENDPOINT_BAR (object);

  switch (prop_id)
    {
    case PROP_MODE:
      set_mode (self, g_value_get_enum (value));
      break;
    case PROP_FRAMING:
      if (g_strcmp0 (self->framing, g_value_get_string (value)) != 0)
        {
          g_free (self->framing);
          self->framing = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
          if (self->mode_dropdown != NULL)
            validate (self);
        }
      break;
    case PROP_RUNNING:
      if (self->running != g_value_get_boolean (value))
        {
          self->running = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_endpoint_bar_class_init (NpEndpointBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_endpoint_bar_dispose;
  object_class->finalize = np_endpoint_bar_finalize;
  object_class->get_property = np_endpoint_bar_get_property;
  object_class->set_property = np_endpoint_bar_set_property;

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, NP_TYPE_MODE, NP_MODE_TCP_SERVER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMING] =
    g_param_spec_string ("framing", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALIDATION] =
    g_param_spec_string ("validation", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What is wrong with the fields as shown to the user (see np-endpoint-bar-check.c). */
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* UDP's default target, as typed; it can change while running. */
  properties[PROP_DESTINATION] =
    g_param_spec_string ("destination", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The HTTP client's method ("GET"…). */
  properties[PROP_METHOD] =
    g_param_spec_string ("method", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NP_TYPE_WEB_OPTIONS);
  g_type_ensure (NP_TYPE_TCP_OPTIONS);
  g_type_ensure (NP_TYPE_UDP_OPTIONS);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-endpoint-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, box);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, address_entry);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, port_entry);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, destination_entry);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, url_entry);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, web_options);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, tcp_options);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, udp_options);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, start_button);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, start_stack);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, options_button);
  gtk_widget_class_bind_template_child (widget_class, NpEndpointBar, options_running_label);
  gtk_widget_class_bind_template_callback (widget_class, address_placeholder);
  gtk_widget_class_bind_template_callback (widget_class, address_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, port_placeholder);
  gtk_widget_class_bind_template_callback (widget_class, has_destination);
  gtk_widget_class_bind_template_callback (widget_class, destination_placeholder);
  gtk_widget_class_bind_template_callback (widget_class, destination_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, destination_editable);
  gtk_widget_class_bind_template_callback (widget_class, has_address);
  gtk_widget_class_bind_template_callback (widget_class, has_url);
  gtk_widget_class_bind_template_callback (widget_class, has_method);
  gtk_widget_class_bind_template_callback (widget_class, has_options);
  gtk_widget_class_bind_template_callback (widget_class, options_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, options_running_text);
  gtk_widget_class_bind_template_callback (widget_class, options_sensitive);
  gtk_widget_class_bind_template_callback (widget_class, url_placeholder);
  gtk_widget_class_bind_template_callback (widget_class, start_label);
  gtk_widget_class_bind_template_callback (widget_class, start_page);
  gtk_widget_class_bind_template_callback (widget_class, start_classes);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
}

/* Each mode keeps its own address, port, destination and URL: the host a client connects to
 * is not the address a UDP socket binds. */
static void
keep_fields (NpEndpointBar *self)
{
  ModeFields *fields = &self->fields[self->mode_index];

  g_free (fields->address);
  g_free (fields->port);
  g_free (fields->destination);
  g_free (fields->url);
  fields->address = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_entry)));
  fields->port = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->port_entry)));
  fields->destination = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->destination_entry)));
  fields->url = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_entry)));
}

/* Sets a field as code does (a mode's values coming back, a workspace): not typed in. */
static void
fill_field (NpEndpointBar *self,
            GtkEntry      *entry,
            const char    *text)
{
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  self->filling = FALSE;
}

static void
on_mode_selected (NpEndpointBar *self)
{
  guint selected = MIN (gtk_drop_down_get_selected (self->mode_dropdown), N_MODES - 1);
  ModeFields *fields = &self->fields[selected];

  if (selected == self->mode_index)
    return;

  keep_fields (self);
  self->mode_index = selected;
  self->mode = modes[selected].mode;
  /* A new mode starts with nothing typed: its problems wait until they are the user's. */
  g_hash_table_remove_all (self->typed);
  self->start_tried = FALSE;
  fill_field (self, self->address_entry, fields->address);
  fill_field (self, self->port_entry, fields->port);
  fill_field (self, self->destination_entry, fields->destination);
  fill_field (self, self->url_entry, fields->url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESTINATION]);
  validate (self);
}

static void
on_field_changed (GtkEntry      *entry,
                  NpEndpointBar *self)
{
  if (!self->filling)
    g_hash_table_add (self->typed, entry);
  validate (self);
  if (entry == self->destination_entry)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESTINATION]);
}

static void
on_method_selected (NpEndpointBar *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METHOD]);
}

static void
np_endpoint_bar_init (NpEndpointBar *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) method_names = gtk_string_list_new ((const char * const *) methods);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    gtk_string_list_append (names, _(modes[i].name));

  gtk_widget_init_template (GTK_WIDGET (self));
  _np_endpoint_bar_init_problems (self);
  gtk_drop_down_set_model (self->mode_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_model (self->method_dropdown, G_LIST_MODEL (method_names));

  /* Every mode starts from the template's values (port 8080). */
  for (self->mode_index = 0; self->mode_index < N_MODES; self->mode_index++)
    keep_fields (self);
  self->mode_index = 0;

  g_signal_connect_object (self->mode_dropdown, "notify::selected", G_CALLBACK (on_mode_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->method_dropdown, "notify::selected", G_CALLBACK (on_method_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->address_entry, "changed", G_CALLBACK (on_field_changed), self, 0);
  g_signal_connect_object (self->port_entry, "changed", G_CALLBACK (on_field_changed), self, 0);
  g_signal_connect_object (self->destination_entry, "changed", G_CALLBACK (on_field_changed), self, 0);
  g_signal_connect_object (self->url_entry, "changed", G_CALLBACK (on_field_changed), self, 0);
  g_signal_connect_object (self->web_options, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tcp_options, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->udp_options, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::mode", G_CALLBACK (label_start_button), NULL);
  g_signal_connect (self, "notify::running", G_CALLBACK (label_start_button), NULL);
  label_start_button (self);
  validate (self);
}

NpMode
np_endpoint_bar_get_mode (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NP_MODE_TCP_SERVER);

  return self->mode;
}

/* The fields as typed, without surrounding blanks. */
char *
np_endpoint_bar_get_address (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return entry_text (self->address_entry);
}

char *
np_endpoint_bar_get_port (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return entry_text (self->port_entry);
}

char *
np_endpoint_bar_get_destination (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return entry_text (self->destination_entry);
}

/* What is wrong with the fields now, or %NULL. */
const char *
np_endpoint_bar_get_validation (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return self->validation;
}

/* A value given (command line, settings, a workspace, tests) counts as typed in, so what is
 * wrong with it shows; an empty one does not ("--mode tcp-client" alone is no mistake yet). */
static void
give_field (NpEndpointBar *self,
            GtkEntry      *entry,
            const char    *text)
{
  if (text != NULL && text[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (entry), text);
  else
    fill_field (self, entry, "");
}

/* Fills the fields of @mode (which it selects); a %NULL @port keeps the one there. For the
 * HTTP and WebSocket clients @address is the URL. */
void
np_endpoint_bar_set_endpoint (NpEndpointBar *self,
                              NpMode         mode,
                              const char    *address,
                              const char    *port,
                              const char    *destination)
{
  g_return_if_fail (NP_IS_ENDPOINT_BAR (self));

  set_mode (self, mode);
  if (mode_info (mode)->has_url)
    {
      give_field (self, self->url_entry, address);
      return;
    }
  give_field (self, self->address_entry, address);
  if (port != NULL)
    give_field (self, self->port_entry, port);
  give_field (self, self->destination_entry, destination);
}

/* Gives @mode its fields (its last values, from the settings) without choosing it; the
 * chosen mode's are filled in as code fills them, not as typed. */
void
np_endpoint_bar_remember_fields (NpEndpointBar *self,
                                 NpMode         mode,
                                 const char    *address,
                                 const char    *port,
                                 const char    *destination,
                                 const char    *url)
{
  g_return_if_fail (NP_IS_ENDPOINT_BAR (self));

  for (guint i = 0; i < N_MODES; i++)
    {
      ModeFields *fields = &self->fields[i];

      if (modes[i].mode != mode)
        continue;
      if (i == self->mode_index)
        {
          fill_field (self, self->address_entry, address);
          fill_field (self, self->port_entry, port);
          fill_field (self, self->destination_entry, destination);
          fill_field (self, self->url_entry, url);
          validate (self);
          return;
        }
      g_free (fields->address);
      g_free (fields->port);
      g_free (fields->destination);
      g_free (fields->url);
      fields->address = g_strdup (address);
      fields->port = g_strdup (port);
      fields->destination = g_strdup (destination);
      fields->url = g_strdup (url);
    }
}

char *
np_endpoint_bar_get_url (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return entry_text (self->url_entry);
}

const char *
np_endpoint_bar_get_method (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return methods[MIN (gtk_drop_down_get_selected (self->method_dropdown), G_N_ELEMENTS (methods) - 1)];
}

void
np_endpoint_bar_set_method (NpEndpointBar *self,
                            const char    *method)
{
  g_return_if_fail (NP_IS_ENDPOINT_BAR (self));

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_strcmp0 (methods[i], method) == 0)
      gtk_drop_down_set_selected (self->method_dropdown, i);
}

/**
 * np_endpoint_bar_get_web_options:
 * Returns: (transfer none): the folder, canned responses, headers, … of the web modes
 */
NpWebOptions *
np_endpoint_bar_get_web_options (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return self->web_options;
}

NpTcpOptions *
np_endpoint_bar_get_tcp_options (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return self->tcp_options;
}

NpUdpOptions *
np_endpoint_bar_get_udp_options (NpEndpointBar *self)
{
  g_return_val_if_fail (NP_IS_ENDPOINT_BAR (self), NULL);
  return self->udp_options;
}
