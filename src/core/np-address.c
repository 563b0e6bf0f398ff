#define G_LOG_DOMAIN "np-address"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <string.h>

#include "np-address.h"
#include "np-error.h"

/**
 * np_address_to_string:
 *
 * Returns: (transfer full): "192.0.2.1:80" or "[2001:db8::1]:80"; an IPv4 peer seen through
 *   a dual-stack socket (::ffff:192.0.2.1) is shown as the IPv4 address it is
 */
char *
np_address_to_string (GSocketAddress *address)
{
  GInetAddress *inet;
  g_autofree char *host = NULL;
  guint16 port;

  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (address), NULL);

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("?");

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  host = g_inet_address_to_string (inet);

  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    {
      if (g_str_has_prefix (host, "::ffff:") && strchr (host + 7, '.') != NULL)
        return g_strdup_printf ("%s:%u", host + 7, port);
      return g_strdup_printf ("[%s]:%u", host, port);
    }

  return g_strdup_printf ("%s:%u", host, port);
}

/**
 * np_address_parse_port:
 * @min_port: 0 where an ephemeral port is allowed (listening), 1 where it is not (connecting)
 */
gboolean
np_address_parse_port (const char  *text,
                       guint        min_port,
                       guint16     *port,
                       GError     **error)
{
  guint64 value;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("Port “%s” is not a number (use %u–65535)"), text, min_port);
      return FALSE;
    }

  if (value < min_port || value > 65535)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("Port %s is out of range (%u–65535)"), text, min_port);
      return FALSE;
    }

  *port = (guint16) value;
  return TRUE;
}

/* Splits "host:port", "[v6]:port" or "v4:port" into its parts; the port must be 1–65535. */
gboolean
np_address_split (const char  *host_and_port,
                  char       **host,
                  guint16     *port,
                  GError     **error)
{
  const char *colon;
  g_autofree char *name = NULL;

  g_return_val_if_fail (host_and_port != NULL, FALSE);

  colon = strrchr (host_and_port, ':');
  if (colon == NULL || colon == host_and_port || colon[1] == '\0')
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not HOST:PORT (e.g. 127.0.0.1:9000 or [::1]:9000)"), host_and_port);
      return FALSE;
    }

  if (host_and_port[0] == '[')
    {
      if (colon[-1] != ']')
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not HOST:PORT (write IPv6 as [::1]:9000)"), host_and_port);
          return FALSE;
        }
      name = g_strndup (host_and_port + 1, colon - host_and_port - 2);
    }
  else
    {
      name = g_strndup (host_and_port, colon - host_and_port);
      if (strchr (name, ':') != NULL)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       _("“%s” is ambiguous: write an IPv6 address as [%s]:PORT"), host_and_port, name);
          return FALSE;
        }
    }

  if (!np_address_parse_port (colon + 1, 1, port, error))
    return FALSE;

  *host = g_steal_pointer (&name);
  return TRUE;
}

/**
 * np_address_parse_ip:
 * Returns: (transfer full) (nullable): the address, or %NULL with @error when @text is not an
 *   IPv4 or IPv6 literal
 */
GInetAddress *
np_address_parse_ip (const char  *text,
                     GError     **error)
{
  GInetAddress *address;

  g_return_val_if_fail (text != NULL, NULL);

  address = g_inet_address_new_from_string (text);
  if (address == NULL)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not an IP address (e.g. 0.0.0.0, ::, 127.0.0.1 or ::1)"), text);

  return address;
}

static GSocket *
bind_one (GInetAddress  *inet,
          guint16        port,
          GSocketType    type,
          GError       **error)
{
  GSocketFamily family = g_inet_address_get_family (inet);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) local_error = NULL;

  socket = g_socket_new (family, type,
                         type == G_SOCKET_TYPE_STREAM ? G_SOCKET_PROTOCOL_TCP : G_SOCKET_PROTOCOL_UDP,
                         error);
  if (socket == NULL)
    return NULL;

  /* "::" means every address, IPv4 included, whatever the system default for V6ONLY is. */
  if (family == G_SOCKET_FAMILY_IPV6 && g_inet_address_get_is_any (inet))
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 0, NULL);

  address = g_inet_socket_address_new (inet, port);
  /* allow_reuse lets a TCP server restart at once over TIME_WAIT; for UDP GLib would also
   * set SO_REUSEPORT, letting two programs share a port silently, so not there. */
  if (!g_socket_bind (socket, address, type == G_SOCKET_TYPE_STREAM, &local_error))
    {
      g_autofree char *where = np_address_to_string (address);

      /* GIO's message is translated, and its wording differs by language: the common failures
       * are told from the code, anything else is passed on whole. The domain and code stay, as
       * np_address_bind decides on them. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Cannot bind %s: the address is already in use"), where);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     _("Cannot bind %s: permission denied (ports below 1024 need privileges)"), where);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&socket);
}

/**
 * np_address_bind:
 * @address: (nullable): an IP literal, or %NULL for every address (dual-stack "::", or
 *   "0.0.0.0" where the host has no IPv6)
 *
 * Returns: (transfer full) (nullable): a bound socket
 */
GSocket *
np_address_bind (const char   *address,
                 guint16       port,
                 GSocketType   type,
                 GError      **error)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (address != NULL)
    {
      inet = np_address_parse_ip (address, error);
      return inet != NULL ? bind_one (inet, port, type, error) : NULL;
    }

  inet = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
  {
    g_autoptr(GError) v6_error = NULL;
    GSocket *socket = bind_one (inet, port, type, &v6_error);

    if (socket != NULL)
      return socket;

    /* What IPv4 would hit just the same (port taken, privileged port) is the answer. Anything
     * else means IPv6 is missing or disabled (EAFNOSUPPORT, or EADDRNOTAVAIL, which GIO only
     * calls FAILED): try IPv4, and if that fails too, report its error. */
    if (g_error_matches (v6_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)
        || g_error_matches (v6_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
      {
        g_propagate_error (error, g_steal_pointer (&v6_error));
        return NULL;
      }
  }

  g_clear_object (&inet);
  inet = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  return bind_one (inet, port, type, error);
}

/**
 * np_address_describe_connect_error:
 * @target: what was to be reached: "HOST:PORT" or a URL
 *
 * GSocketClient's messages are translated and worded per language: the common failures are
 * told from the error code, anything else is passed on whole.
 *
 * Returns: (transfer full): "Could not connect to TARGET: reason"
 */
char *
np_address_describe_connect_error (const char   *target,
                                   const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup_printf (_("Could not connect to %s: connection refused"), target);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    return g_strdup_printf (_("Could not connect to %s: no route to the host"), target);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_strdup_printf (_("Could not connect to %s: the network is unreachable"), target);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf (_("Could not connect to %s: timed out"), target);
  if (error->domain == G_RESOLVER_ERROR)
    return g_strdup_printf (_("Could not connect to %s: cannot resolve the host name"), target);

  return g_strdup_printf (_("Could not connect to %s: %s"), target, error->message);
}
