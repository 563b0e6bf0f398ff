/* netpoke-cli: UDP broadcast and multicast options */
#define G_LOG_DOMAIN "netpoke-cli"

#include <net/if.h>

#include "np-cli-socket.h"
#include "np-cli.h"
#include "np-error.h"
#include "np-multicast.h"

static gboolean
on_join (const char  *option,
         const char  *value,
         gpointer     user_data,
         GError     **error)
{
  NpCliSocket *options = user_data;
  g_autoptr(NpMulticastGroup) group = np_multicast_group_parse (value, error);

  if (group == NULL)
    return FALSE;

  g_ptr_array_add (options->joins, g_strdup (value));
  return TRUE;
}

/**
 * np_cli_socket_option_group:
 * Returns: (transfer full): the UDP options, filling @options as they are parsed
 */
GOptionGroup *
np_cli_socket_option_group (NpCliSocket *options)
{
  GOptionGroup *group = g_option_group_new ("udp", "UDP options:", "Show UDP options", options, NULL);
  const GOptionEntry entries[] = {
    { "broadcast", 0, 0, G_OPTION_ARG_NONE, &options->broadcast, "Allow sending to broadcast addresses (255.255.255.255, a subnet's .255)", NULL },
    { "join", 0, 0, G_OPTION_ARG_CALLBACK, on_join, "Join a multicast group, on an interface if given (repeatable)", "GROUP[%IFACE]" },
    { "multicast-if", 0, 0, G_OPTION_ARG_STRING, &options->multicast_if, "Interface multicast is sent from (default: the first --join's)", "IFACE" },
    { "ttl", 0, 0, G_OPTION_ARG_STRING, &options->ttl, "TTL (IPv4) or hop limit (IPv6) of multicast sent (default 1: this network only)", "N" },
    { "no-multicast-loop", 0, 0, G_OPTION_ARG_NONE, &options->no_multicast_loop, "Do not deliver our own multicast to this host", NULL },
    { NULL }
  };

  options->joins = g_ptr_array_new_with_free_func (g_free);
  g_option_group_add_entries (group, entries);

  return group;
}

gboolean
np_cli_socket_configure (NpCliSocket       *options,
                         NpEndpointConfig  *config,
                         GError           **error)
{
  gboolean multicast = options->joins->len > 0 || options->multicast_if != NULL || options->ttl != NULL
                       || options->no_multicast_loop;

  if (options->mode != NP_MODE_UDP && (options->broadcast || multicast))
    return np_cli_refuse (error, options->broadcast ? "--broadcast" : "--join, --multicast-if, --ttl and --no-multicast-loop",
                   "udp");

  config->broadcast = options->broadcast;
  if (options->joins->len > 0)
    {
      g_ptr_array_add (options->joins, NULL);
      config->multicast_groups = g_strdupv ((char **) options->joins->pdata);
      g_ptr_array_remove_index (options->joins, options->joins->len - 1);
    }

  if (options->multicast_if != NULL)
    {
      if (if_nametoindex (options->multicast_if) == 0)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       "--multicast-if: there is no network interface “%s” (see “ip link”)", options->multicast_if);
          return FALSE;
        }
      config->multicast_interface = g_strdup (options->multicast_if);
    }

  if (options->ttl != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (options->ttl, 10, 0, 255, &value, NULL))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       "--ttl “%s” must be a number of hops (0–255)", options->ttl);
          return FALSE;
        }
      config->multicast_ttl = value;
    }

  config->multicast_loopback = !options->no_multicast_loop;

  return TRUE;
}

void
np_cli_socket_clear (NpCliSocket *options)
{
  g_clear_pointer (&options->joins, g_ptr_array_unref);
  g_clear_pointer (&options->multicast_if, g_free);
  g_clear_pointer (&options->ttl, g_free);
}
