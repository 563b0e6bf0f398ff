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

/* ---- the configuration ------------------------------------------------------------------- */

/* "239.1.2.3%eth0, ff02::1:3%eth0": every group checked, in the order typed. */
static gboolean
fill_groups (NpUdpOptions      *self,
             NpEndpointConfig  *config,
             GError           **error)
{
  g_autofree char *text = np_option_entry_text (self->groups_entry);
  g_auto(GStrv) parts = g_strsplit_set (text, ", \t", -1);
  g_autoptr(GStrvBuilder) groups = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(NpMulticastGroup) group = NULL;

      if (parts[i][0] == '\0')
        continue;
      group = np_multicast_group_parse (parts[i], error);
      if (group == NULL)
        return FALSE;
      g_strv_builder_add (groups, parts[i]);
    }

  config->multicast_groups = g_strv_builder_end (groups);
  if (config->multicast_groups[0] == NULL)
    g_clear_pointer (&config->multicast_groups, g_strfreev);
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
}

static void
np_udp_options_init (NpUdpOptions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
