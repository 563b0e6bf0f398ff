/* netpoke-cli: UDP broadcast and multicast options; TCP and TLS options */
#define G_LOG_DOMAIN "netpoke-cli"

#include <glib/gstdio.h>
#include <net/if.h>
#include <unistd.h>

#include "np-address.h"
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

/**
 * np_cli_socket_tcp_group:
 * Returns: (transfer full): the TCP and TLS options, filling @options as they are parsed
 */
GOptionGroup *
np_cli_socket_tcp_group (NpCliSocket *options)
{
  GOptionGroup *group = g_option_group_new ("tcp", "TCP and TLS options:", "Show TCP and TLS options", options, NULL);
  const GOptionEntry entries[] = {
    { "reconnect", 0, 0, G_OPTION_ARG_NONE, &options->reconnect, "Connect again after a failure or a drop, waiting 0.5 s, 1 s, 2 s… (tcp-client)", NULL },
    { "reconnect-max", 0, 0, G_OPTION_ARG_STRING, &options->reconnect_max, "The longest wait between attempts (default 30000)", "MS" },
    { "local-port", 0, 0, G_OPTION_ARG_STRING, &options->local_port, "Connect from this local port (tcp-client; --bind sets the local address)", "P" },
    { "keepalive", 0, 0, G_OPTION_ARG_NONE, &options->keepalive, "TCP keep-alive: find a peer that vanished (probes after 10 s idle)", NULL },
    { "max-clients", 0, 0, G_OPTION_ARG_STRING, &options->max_clients, "Refuse clients past this many (tcp-server)", "N" },
    { "tls", 0, 0, G_OPTION_ARG_NONE, &options->tls, "TLS over the connection (tcp-server, tcp-client)", NULL },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &options->cert, "The server's certificate, PEM (default: one Netpoke makes and keeps)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &options->key, "Its private key, PEM (default: in --cert's file)", "FILE" },
    { "request-client-cert", 0, 0, G_OPTION_ARG_NONE, &options->request_client_cert, "Ask clients for a certificate and show it (tcp-server)", NULL },
    { "insecure", 0, 0, G_OPTION_ARG_NONE, &options->insecure, "Accept any server certificate (tcp-client: devices with their own)", NULL },
    { "client-cert", 0, 0, G_OPTION_ARG_FILENAME, &options->client_cert, "Offer this client certificate, PEM (tcp-client)", "FILE" },
    { "client-key", 0, 0, G_OPTION_ARG_FILENAME, &options->client_key, "Its private key, PEM (default: in --client-cert's file)", "FILE" },
    { NULL }
  };

  g_option_group_add_entries (group, entries);

  return group;
}

/**
 * np_cli_socket_relay_group:
 * Returns: (transfer full): the relay's options, filling @options as they are parsed
 */
GOptionGroup *
np_cli_socket_relay_group (NpCliSocket *options)
{
  GOptionGroup *group = g_option_group_new ("relay", "Relay options:", "Show relay options", options, NULL);
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &options->listen, "Where clients connect: a port, or ADDR:PORT (relay)", "[ADDR:]PORT" },
    { "udp", 0, 0, G_OPTION_ARG_NONE, &options->udp, "Relay UDP datagrams instead of TCP (relay)", NULL },
    { NULL }
  };

  g_option_group_add_entries (group, entries);

  return group;
}

/* "9000", "0.0.0.0:9000", "[::1]:9000": the address (if any) must be one of this host's. */
static gboolean
configure_listen (NpCliSocket       *options,
                  NpEndpointConfig  *config,
                  GError           **error)
{
  g_autofree char *text = g_strstrip (g_strdup (options->listen));
  const char *colon = strrchr (text, ':');
  g_autofree char *address = NULL;
  const char *port = text;

  if (colon != NULL)
    {
      address = text[0] == '[' && colon > text + 1 && colon[-1] == ']'
                ? g_strndup (text + 1, colon - text - 2) : g_strndup (text, colon - text);
      port = colon + 1;
      if (address[0] != '\0')
        {
          g_autoptr(GInetAddress) inet = np_address_parse_ip (address, error);

          if (inet == NULL)
            return FALSE;
          config->bind_address = g_steal_pointer (&address);
        }
    }

  return np_address_parse_port (port, 0, &config->port, error);
}

static gboolean
parse_count (const char  *option,
             const char  *text,
             guint64      min,
             guint64      max,
             guint64     *value,
             GError     **error)
{
  if (g_ascii_string_to_unsigned (text, 10, min, max, value, NULL))
    return TRUE;

  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "%s “%s” must be a number (%" G_GUINT64_FORMAT "–%"
               G_GUINT64_FORMAT ")", option, text, min, max);
  return FALSE;
}

/* Checks a PEM file now, so a typo is a usage error, not a failure at the first connection. */
static gboolean
check_readable (const char  *option,
                const char  *path,
                GError     **error)
{
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_access (path, R_OK) == 0)
    return TRUE;

  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "%s: cannot read “%s”", option, path);
  return FALSE;
}

static gboolean
configure_tcp (NpCliSocket       *options,
               NpEndpointConfig  *config,
               GError           **error)
{
  gboolean client = options->mode == NP_MODE_TCP_CLIENT;
  gboolean server = options->mode == NP_MODE_TCP_SERVER;
  guint64 value;

  if (!client && (options->reconnect || options->reconnect_max != NULL || options->local_port != NULL))
    return np_cli_refuse (error, options->local_port != NULL ? "--local-port" : "--reconnect", "tcp-client");
  if (!client && !server && options->keepalive)
    return np_cli_refuse (error, "--keepalive", "tcp-server and tcp-client");
  if (!server && options->max_clients != NULL)
    return np_cli_refuse (error, "--max-clients", "tcp-server");
  if (!client && !server && options->tls)
    return np_cli_refuse (error, "--tls", "tcp-server and tcp-client (http and ws take https:// and wss:// URLs)");
  if (!options->tls && (options->cert || options->key || options->client_cert || options->client_key
                        || options->insecure || options->request_client_cert))
    return np_cli_refuse (error, "the certificate options", "TLS: add --tls");
  if (!server && (options->cert != NULL || options->key != NULL || options->request_client_cert))
    return np_cli_refuse (error, options->request_client_cert ? "--request-client-cert" : "--cert and --key",
                          "tcp-server (a client offers --client-cert)");
  if (!client && (options->client_cert != NULL || options->client_key != NULL || options->insecure))
    return np_cli_refuse (error, options->insecure ? "--insecure" : "--client-cert and --client-key", "tcp-client");
  if (options->reconnect_max != NULL && !options->reconnect)
    return np_cli_refuse (error, "--reconnect-max", "--reconnect");
  if ((options->key != NULL && options->cert == NULL) || (options->client_key != NULL && options->client_cert == NULL))
    return np_cli_refuse (error, options->key != NULL ? "--key" : "--client-key",
                          options->key != NULL ? "--cert" : "--client-cert");

  config->reconnect = options->reconnect;
  if (options->reconnect_max != NULL)
    {
      if (!parse_count ("--reconnect-max", options->reconnect_max, NP_RECONNECT_MAX_MS_MIN, NP_RECONNECT_MAX_MS_MAX, &value, error))
        return FALSE;
      config->reconnect_max_ms = value;
    }
  if (options->local_port != NULL)
    {
      if (!parse_count ("--local-port", options->local_port, 1, 65535, &value, error))
        return FALSE;
      config->port = value;
    }
  config->keepalive = options->keepalive;
  if (options->max_clients != NULL)
    {
      if (!parse_count ("--max-clients", options->max_clients, 1, G_MAXUINT32, &value, error))
        return FALSE;
      config->max_clients = value;
    }

  config->tls = options->tls;
  config->tls_insecure = options->insecure;
  config->tls_request_client_certificate = options->request_client_cert;
  for (guint i = 0; i < 4; i++)
    {
      const char *names[] = { "--cert", "--key", "--client-cert", "--client-key" };
      const char *paths[] = { options->cert, options->key, options->client_cert, options->client_key };

      if (paths[i] != NULL && !check_readable (names[i], paths[i], error))
        return FALSE;
    }
  config->tls_certificate = g_strdup (server ? options->cert : options->client_cert);
  config->tls_key = g_strdup (server ? options->key : options->client_key);

  return TRUE;
}

gboolean
np_cli_socket_configure (NpCliSocket       *options,
                         NpEndpointConfig  *config,
                         GError           **error)
{
  if (!NP_MODE_IS_RELAY (options->mode) && (options->listen != NULL || options->udp))
    return np_cli_refuse (error, options->udp ? "--udp" : "--listen", "relay");
  if (options->listen != NULL && !configure_listen (options, config, error))
    return FALSE;
  if (!configure_tcp (options, config, error))
    return FALSE;

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
  g_clear_pointer (&options->reconnect_max, g_free);
  g_clear_pointer (&options->local_port, g_free);
  g_clear_pointer (&options->max_clients, g_free);
  g_clear_pointer (&options->cert, g_free);
  g_clear_pointer (&options->key, g_free);
  g_clear_pointer (&options->client_cert, g_free);
  g_clear_pointer (&options->client_key, g_free);
  g_clear_pointer (&options->listen, g_free);
}
