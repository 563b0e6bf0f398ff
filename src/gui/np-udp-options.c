#define G_LOG_DOMAIN "np-udp-options"

#include "config.h"

#include <glib/gi18n.h>
#include <net/if.h>

#include "np-enum-types.h"
#include "np-error.h"
#include "np-multicast.h"
#include "np-option-fields.h"
#include "np-udp-options.h"

struct _NpUdpOptions
{
  GtkWidget       parent_instance;

  GtkCheckButton *broadcast_check;
  GtkEntry       *groups_entry;
  GtkEntry       *interface_entry;
  GtkEntry       *ttl_entry;
  GtkCheckButton *loopback_check;

};

G_DEFINE_FINAL_TYPE (NpUdpOptions, np_udp_options, NP_TYPE_OPTIONS_PANE)

static gboolean
is_udp (gpointer unused,
        NpMode   mode)
{
  return mode == NP_MODE_UDP;
}

static void
on_changed (NpUdpOptions *self)
{
  np_options_pane_emit_changed (NP_OPTIONS_PANE (self));
}

/* Enter in the Groups field while running does what the button beside it does. */
static void
on_groups_activate (NpUdpOptions *self)
{
  gboolean running = FALSE;

  g_object_get (self, "running", &running, NULL);
  if (running)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.change-groups", NULL);
}

/* ---- the configuration ------------------------------------------------------------------- */

/* "239.1.2.3%eth0, ff02::1:3%eth0": the groups typed, in order. */
static GStrv
typed_groups (NpUdpOptions *self)
{
  g_autofree char *text = np_option_entry_text (self->groups_entry);
  g_auto(GStrv) parts = g_strsplit_set (text, ", \t", -1);
  g_autoptr(GStrvBuilder) groups = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (groups, parts[i]);
  return g_strv_builder_end (groups);
}

/**
 * np_udp_options_get_groups:
 *
 * Returns: (transfer full) (nullable): the groups typed, each checked (its interface must
 *   exist here), maybe none; %NULL with @error when one is not a group
 */
GStrv
np_udp_options_get_groups (NpUdpOptions  *self,
                           GError       **error)
{
  g_auto(GStrv) groups = NULL;

  g_return_val_if_fail (NP_IS_UDP_OPTIONS (self), NULL);

  groups = typed_groups (self);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autoptr(NpMulticastGroup) group = np_multicast_group_parse (groups[i], error);

      if (group == NULL)
        return NULL;
    }
  return g_steal_pointer (&groups);
}

static gboolean
fill_groups (NpUdpOptions      *self,
             NpEndpointConfig  *config,
             GError           **error)
{
  g_auto(GStrv) groups = np_udp_options_get_groups (self, error);

  if (groups == NULL)
    return FALSE;
  if (groups[0] != NULL)
    config->multicast_groups = g_steal_pointer (&groups);
  return TRUE;
}

/**
 * np_udp_options_fill_config:
 *
 * Puts broadcast and multicast into @config (UDP), or says what is wrong.
 */
gboolean
np_udp_options_fill_config (NpUdpOptions      *self,
                            NpEndpointConfig  *config,
                            GError           **error)
{
  g_autofree char *interface = NULL;
  guint64 value;

  g_return_val_if_fail (NP_IS_UDP_OPTIONS (self), FALSE);

  if (config->mode != NP_MODE_UDP)
    return TRUE;

  config->broadcast = gtk_check_button_get_active (self->broadcast_check);
  config->multicast_loopback = gtk_check_button_get_active (self->loopback_check);
  if (!fill_groups (self, config, error))
    return FALSE;

  interface = np_option_entry_text (self->interface_entry);
  if (interface[0] != '\0')
    {
      if (if_nametoindex (interface) == 0)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       _("There is no network interface “%s” (see “ip link”)"), interface);
          return FALSE;
        }
      config->multicast_interface = g_steal_pointer (&interface);
    }

  if (!np_option_entry_number (self->ttl_entry, _("The multicast TTL"), 0, 255, G_MAXUINT64, &value, error))
    return FALSE;
  config->multicast_ttl = value == G_MAXUINT64 ? -1 : (int) value;

  return TRUE;
}

void
np_udp_options_set_groups (NpUdpOptions *self,
                           const char   *groups)
{
  g_return_if_fail (NP_IS_UDP_OPTIONS (self));
  gtk_editable_set_text (GTK_EDITABLE (self->groups_entry), groups != NULL ? groups : "");
}

void
np_udp_options_set_broadcast (NpUdpOptions *self,
                              gboolean      broadcast)
{
  g_return_if_fail (NP_IS_UDP_OPTIONS (self));
  gtk_check_button_set_active (self->broadcast_check, broadcast);
}

/* ---- workspaces ------------------------------------------------------------------------------ */

/**
 * np_udp_options_capture:
 *
 * Puts every field into @endpoint, whatever the mode, or says which one holds what a
 * workspace cannot keep (the groups are checked when the workspace is, by
 * np_session_check_endpoint(): an interface need not exist here).
 */
gboolean
np_udp_options_capture (NpUdpOptions       *self,
                        NpSessionEndpoint  *endpoint,
                        GError            **error)
{
  guint64 ttl;

  g_return_val_if_fail (NP_IS_UDP_OPTIONS (self), FALSE);

  if (!np_option_entry_number (self->ttl_entry, _("The multicast TTL"), 0, 255, G_MAXUINT64, &ttl, error))
    return FALSE;
  endpoint->broadcast = gtk_check_button_get_active (self->broadcast_check);
  g_strfreev (endpoint->multicast_groups);
  endpoint->multicast_groups = typed_groups (self);
  g_free (endpoint->multicast_interface);
  endpoint->multicast_interface = np_option_entry_text (self->interface_entry);
  endpoint->multicast_ttl = ttl == G_MAXUINT64 ? -1 : (int) ttl;
  endpoint->multicast_loopback = gtk_check_button_get_active (self->loopback_check);
  return TRUE;
}

void
np_udp_options_apply (NpUdpOptions            *self,
                      const NpSessionEndpoint *endpoint)
{
  g_autofree char *groups = NULL;
  g_autofree char *ttl = NULL;

  g_return_if_fail (NP_IS_UDP_OPTIONS (self));

  groups = g_strjoinv (" ", endpoint->multicast_groups);
  ttl = endpoint->multicast_ttl < 0 ? g_strdup ("") : g_strdup_printf ("%d", endpoint->multicast_ttl);
  gtk_check_button_set_active (self->broadcast_check, endpoint->broadcast);
  gtk_editable_set_text (GTK_EDITABLE (self->groups_entry), groups);
  gtk_editable_set_text (GTK_EDITABLE (self->interface_entry), endpoint->multicast_interface);
  gtk_editable_set_text (GTK_EDITABLE (self->ttl_entry), ttl);
  gtk_check_button_set_active (self->loopback_check, endpoint->multicast_loopback);
}

/* ---- object -------------------------------------------------------------------------------- */

static void
np_udp_options_class_init (NpUdpOptionsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-udp-options.ui");
  gtk_widget_class_bind_template_child (widget_class, NpUdpOptions, broadcast_check);
  gtk_widget_class_bind_template_child (widget_class, NpUdpOptions, groups_entry);
  gtk_widget_class_bind_template_child (widget_class, NpUdpOptions, interface_entry);
  gtk_widget_class_bind_template_child (widget_class, NpUdpOptions, ttl_entry);
  gtk_widget_class_bind_template_child (widget_class, NpUdpOptions, loopback_check);
  gtk_widget_class_bind_template_callback (widget_class, is_udp);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_groups_activate);
}

static void
np_udp_options_init (NpUdpOptions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
