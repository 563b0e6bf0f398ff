#define G_LOG_DOMAIN "np-tcp-options"

#include "config.h"

#include <glib/gi18n.h>

#include "np-address.h"
#include "np-enum-types.h"
#include "np-error.h"
#include "np-option-fields.h"
#include "np-tcp-options.h"

struct _NpTcpOptions
{
  GtkWidget       parent_instance;

  GtkCheckButton *reconnect_check;
  GtkEntry       *reconnect_max_entry;
  GtkEntry       *local_address_entry;
  GtkEntry       *local_port_entry;
  GtkCheckButton *keepalive_check;
  GtkEntry       *max_clients_entry;
  GtkCheckButton *tls_check;
  GtkEntry       *certificate_entry;
  GtkEntry       *key_entry;
  GtkCheckButton *insecure_check;
  GtkCheckButton *request_check;

};

G_DEFINE_FINAL_TYPE (NpTcpOptions, np_tcp_options, NP_TYPE_OPTIONS_PANE)

/* ---- closures for the template ----------------------------------------------------------- */

static gboolean
is_tcp (gpointer unused,
        NpMode   mode)
{
  return mode == NP_MODE_TCP_CLIENT || mode == NP_MODE_TCP_SERVER;
}

static gboolean
is_tcp_client (gpointer unused,
               NpMode   mode)
{
  return mode == NP_MODE_TCP_CLIENT;
}

static gboolean
is_tcp_server (gpointer unused,
               NpMode   mode)
{
  return mode == NP_MODE_TCP_SERVER;
}

static char *
certificate_label (gpointer unused,
                   NpMode   mode)
{
  return g_strdup (mode == NP_MODE_TCP_SERVER ? _("Certificate (PEM)") : _("Client certificate (PEM)"));
}

static char *
certificate_placeholder (gpointer unused,
                         NpMode   mode)
{
  return g_strdup (mode == NP_MODE_TCP_SERVER ? _("Netpoke’s own (made once, kept)") : _("None"));
}

static void
on_changed (NpTcpOptions *self)
{
  np_options_pane_emit_changed (NP_OPTIONS_PANE (self));
}

static void
on_choose_certificate (NpTcpOptions *self)
{
  np_option_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("Certificate"), self->certificate_entry);
}

static void
on_choose_key (NpTcpOptions *self)
{
  np_option_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("Private Key"), self->key_entry);
}

/* ---- the configuration ------------------------------------------------------------------- */

/* The client's own address, one of this computer's. */
static gboolean
fill_local_address (NpTcpOptions      *self,
                    NpEndpointConfig  *config,
                    GError           **error)
{
  g_autofree char *address = np_option_entry_text (self->local_address_entry);
  g_autoptr(GInetAddress) inet = NULL;

  if (address[0] == '\0')
    return TRUE;
  inet = np_address_parse_ip (address, error);
  if (inet == NULL)
    return FALSE;
  config->bind_address = g_steal_pointer (&address);
  return TRUE;
}

/**
 * np_tcp_options_fill_config:
 *
 * Puts the options that @config's mode uses into it, or says what is wrong.
 */
gboolean
np_tcp_options_fill_config (NpTcpOptions      *self,
                            NpEndpointConfig  *config,
                            GError           **error)
{
  gboolean client = config->mode == NP_MODE_TCP_CLIENT;
  gboolean server = config->mode == NP_MODE_TCP_SERVER;
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  guint64 value;

  g_return_val_if_fail (NP_IS_TCP_OPTIONS (self), FALSE);

  if (!client && !server)
    return TRUE;

  config->keepalive = gtk_check_button_get_active (self->keepalive_check);
  if (client)
    {
      config->reconnect = gtk_check_button_get_active (self->reconnect_check);
      if (!np_option_entry_number (self->reconnect_max_entry, _("The longest wait between attempts"),
                                   NP_RECONNECT_MAX_MS_MIN, NP_RECONNECT_MAX_MS_MAX, NP_DEFAULT_RECONNECT_MAX_MS,
                                   &value, error))
        return FALSE;
      config->reconnect_max_ms = value;
      if (!np_option_entry_number (self->local_port_entry, _("The local port"), 1, 65535, 0, &value, error))
        return FALSE;
      config->port = value;
      if (!fill_local_address (self, config, error))
        return FALSE;
    }
  else
    {
      if (!np_option_entry_number (self->max_clients_entry, _("The most clients at once"), 1, G_MAXUINT32, 0,
                                   &value, error))
        return FALSE;
      config->max_clients = value;
    }

  config->tls = gtk_check_button_get_active (self->tls_check);
  if (!config->tls)
    return TRUE;

  if (!np_option_entry_file (self->certificate_entry, server ? _("Certificate") : _("Client certificate"),
                             &certificate, error)
      || !np_option_entry_file (self->key_entry, _("Private key"), &key, error))
    return FALSE;
  if (key != NULL && certificate == NULL)
    {
      g_set_error_literal (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("A private key needs its certificate"));
      return FALSE;
    }
  config->tls_certificate = g_steal_pointer (&certificate);
  config->tls_key = g_steal_pointer (&key);
  if (client)
    config->tls_insecure = gtk_check_button_get_active (self->insecure_check);
  else
    config->tls_request_client_certificate = gtk_check_button_get_active (self->request_check);

  return TRUE;
}

void
np_tcp_options_set_tls (NpTcpOptions *self,
                        gboolean      tls)
{
  g_return_if_fail (NP_IS_TCP_OPTIONS (self));
  gtk_check_button_set_active (self->tls_check, tls);
}

/* ---- workspaces ------------------------------------------------------------------------------ */

/* A number field as a workspace keeps it: 0 when empty. */
static char *
number_text (guint value)
{
  return value == 0 ? g_strdup ("") : g_strdup_printf ("%u", value);
}

/**
 * np_tcp_options_capture:
 *
 * Puts every field into @endpoint, whatever the mode (a workspace keeps them all, as the
 * window does), or says which one holds what a workspace cannot keep.
 */
gboolean
np_tcp_options_capture (NpTcpOptions       *self,
                        NpSessionEndpoint  *endpoint,
                        GError            **error)
{
  guint64 reconnect_max, local_port, max_clients;

  g_return_val_if_fail (NP_IS_TCP_OPTIONS (self), FALSE);

  if (!np_option_entry_number (self->reconnect_max_entry, _("The longest wait between attempts"),
                               NP_RECONNECT_MAX_MS_MIN, NP_RECONNECT_MAX_MS_MAX, 0, &reconnect_max, error)
      || !np_option_entry_number (self->local_port_entry, _("The local port"), 1, 65535, 0, &local_port, error)
      || !np_option_entry_number (self->max_clients_entry, _("The most clients at once"), 1, G_MAXUINT32, 0,
                                  &max_clients, error))
    return FALSE;

  endpoint->reconnect = gtk_check_button_get_active (self->reconnect_check);
  endpoint->reconnect_max_ms = reconnect_max;
  g_free (endpoint->local_address);
  endpoint->local_address = np_option_entry_text (self->local_address_entry);
  endpoint->local_port = local_port;
  endpoint->keepalive = gtk_check_button_get_active (self->keepalive_check);
  endpoint->max_clients = max_clients;
  endpoint->tls = gtk_check_button_get_active (self->tls_check);
  g_free (endpoint->tls_certificate);
  endpoint->tls_certificate = np_option_entry_text (self->certificate_entry);
  g_free (endpoint->tls_key);
  endpoint->tls_key = np_option_entry_text (self->key_entry);
  endpoint->tls_insecure = gtk_check_button_get_active (self->insecure_check);
  endpoint->tls_request_client_certificate = gtk_check_button_get_active (self->request_check);
  return TRUE;
}

void
np_tcp_options_apply (NpTcpOptions            *self,
                      const NpSessionEndpoint *endpoint)
{
  struct { GtkEntry *entry; char *text; } texts[] = {
    { self->reconnect_max_entry, number_text (endpoint->reconnect_max_ms) },
    { self->local_address_entry, g_strdup (endpoint->local_address) },
    { self->local_port_entry, number_text (endpoint->local_port) },
    { self->max_clients_entry, number_text (endpoint->max_clients) },
    { self->certificate_entry, g_strdup (endpoint->tls_certificate) },
    { self->key_entry, g_strdup (endpoint->tls_key) },
  };

  g_return_if_fail (NP_IS_TCP_OPTIONS (self));

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (texts[i].entry), texts[i].text);
      g_free (texts[i].text);
    }
  gtk_check_button_set_active (self->reconnect_check, endpoint->reconnect);
  gtk_check_button_set_active (self->keepalive_check, endpoint->keepalive);
  gtk_check_button_set_active (self->tls_check, endpoint->tls);
  gtk_check_button_set_active (self->insecure_check, endpoint->tls_insecure);
  gtk_check_button_set_active (self->request_check, endpoint->tls_request_client_certificate);
}

/* ---- object -------------------------------------------------------------------------------- */

static void
np_tcp_options_class_init (NpTcpOptionsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-tcp-options.ui");
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, reconnect_check);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, reconnect_max_entry);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, local_address_entry);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, local_port_entry);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, keepalive_check);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, max_clients_entry);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, tls_check);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, certificate_entry);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, key_entry);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, insecure_check);
  gtk_widget_class_bind_template_child (widget_class, NpTcpOptions, request_check);
  gtk_widget_class_bind_template_callback (widget_class, is_tcp);
  gtk_widget_class_bind_template_callback (widget_class, is_tcp_client);
  gtk_widget_class_bind_template_callback (widget_class, is_tcp_server);
  gtk_widget_class_bind_template_callback (widget_class, certificate_label);
  gtk_widget_class_bind_template_callback (widget_class, certificate_placeholder);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_certificate);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_key);
}

static void
np_tcp_options_init (NpTcpOptions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
