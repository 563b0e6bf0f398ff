#define _GNU_SOURCE 1   /* struct in6_pktinfo */
#define G_LOG_DOMAIN "np-udp-socket"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "np-error.h"
#include "np-multicast.h"
#include "np-udp-socket.h"

/* ---- socket options ------------------------------------------------------------------------ */

static gboolean
set_option (GSocket     *socket,
            int          level,
            int          name,
            const void  *value,
            socklen_t    length,
            const char  *what,
            GError     **error)
{
  if (setsockopt (g_socket_get_fd (socket), level, name, value, length) == 0)
    return TRUE;

  {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", what, g_strerror (saved_errno));
    return FALSE;
  }
}

/* Where multicast leaves from: IP_MULTICAST_IF and IPV6_MULTICAST_IF by interface index (a
 * dual-stack socket sends IPv4 groups too, so it gets both). */
static gboolean
set_multicast_interface (GSocket     *socket,
                         const char  *interface,
                         GError     **error)
{
  guint index = if_nametoindex (interface);
  struct ip_mreqn v4 = { 0 };
  int v6 = index;
  g_autofree char *what = g_strdup_printf (_("Cannot send multicast from %s"), interface);

  if (index == 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("There is no network interface “%s” (see “ip link”)"), interface);
      return FALSE;
    }

  v4.imr_ifindex = index;
  if (!set_option (socket, IPPROTO_IP, IP_MULTICAST_IF, &v4, sizeof v4, what, error))
    return FALSE;
  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6)
    return set_option (socket, IPPROTO_IPV6, IPV6_MULTICAST_IF, &v6, sizeof v6, what, error);

  return TRUE;
}

/**
 * np_udp_socket_configure:
 *
 * Broadcast, multicast TTL or hops, loopback and interface as @config asks, and the address
 * each datagram was sent to (IP_PKTINFO) for np_udp_socket_receive().
 */
gboolean
np_udp_socket_configure (GSocket                 *socket,
                         const NpEndpointConfig  *config,
                         GError                 **error)
{
  g_autofree char *interface = g_strdup (config->multicast_interface);
  int on = 1;

  /* Off unless asked: sending to a broadcast address by mistake floods a whole network. */
  g_socket_set_broadcast (socket, config->broadcast);
  g_socket_set_multicast_loopback (socket, config->multicast_loopback);
  if (config->multicast_ttl >= 0)
    g_socket_set_multicast_ttl (socket, config->multicast_ttl);

  /* Without an interface of its own, multicast goes out where the first group was joined. */
  for (guint i = 0; interface == NULL && config->multicast_groups != NULL
                    && config->multicast_groups[i] != NULL; i++)
    {
      g_autoptr(NpMulticastGroup) group = np_multicast_group_parse (config->multicast_groups[i], NULL);

      if (group != NULL && group->interface != NULL)
        interface = g_strdup (group->interface);
    }
  if (interface != NULL && !set_multicast_interface (socket, interface, error))
    return FALSE;

  /* Only the groups this socket joined: by default Linux also hands it what is sent to groups
   * other programs joined, to the same port. */
  on = 0;
  setsockopt (g_socket_get_fd (socket), IPPROTO_IP, IP_MULTICAST_ALL, &on, sizeof on);
  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6)
    setsockopt (g_socket_get_fd (socket), IPPROTO_IPV6, IPV6_MULTICAST_ALL, &on, sizeof on);

  /* The address each datagram was sent to: a group, a broadcast address, or ours. */
  on = 1;
  setsockopt (g_socket_get_fd (socket), IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6)
    setsockopt (g_socket_get_fd (socket), IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);

  return TRUE;
}

/* ---- broadcast addresses ------------------------------------------------------------------- */

/**
 * np_udp_socket_broadcast_addresses:
 * Returns: (transfer full) (element-type GInetAddress): 255.255.255.255 and the broadcast
 *   address of every IPv4 network this host is on now
 */
GPtrArray *
np_udp_socket_broadcast_addresses (void)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_object_unref);
  struct ifaddrs *list = NULL;

  g_ptr_array_add (addresses, g_inet_address_new_from_string ("255.255.255.255"));
  if (getifaddrs (&list) != 0)
    return addresses;

  for (struct ifaddrs *item = list; item != NULL; item = item->ifa_next)
    if ((item->ifa_flags & IFF_BROADCAST) && item->ifa_broadaddr != NULL && item->ifa_addr != NULL
        && item->ifa_broadaddr->sa_family == AF_INET)
      {
        const struct sockaddr_in *in = (const struct sockaddr_in *) item->ifa_broadaddr;
        const struct sockaddr_in *own = (const struct sockaddr_in *) item->ifa_addr;

        /* An address configured without one reports its own address (or 0.0.0.0) here. */
        if (in->sin_addr.s_addr == own->sin_addr.s_addr || in->sin_addr.s_addr == INADDR_ANY)
          continue;
        g_ptr_array_add (addresses, g_inet_address_new_from_bytes ((const guint8 *) &in->sin_addr,
                                                                   G_SOCKET_FAMILY_IPV4));
      }

  freeifaddrs (list);
  return addresses;
}

static GInetAddress *unmap (const guint8 *bytes16);

/* Whether @address (IPv4, or IPv4 as a dual-stack socket holds it: ::ffff:a.b.c.d) is one of
 * @broadcasts. */
gboolean
np_udp_socket_is_broadcast (GPtrArray    *broadcasts,
                            GInetAddress *address)
{
  g_autoptr(GInetAddress) unmapped = NULL;

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    address = unmapped = unmap (g_inet_address_to_bytes (address));

  for (guint i = 0; broadcasts != NULL && i < broadcasts->len; i++)
    if (g_inet_address_equal (g_ptr_array_index (broadcasts, i), address))
      return TRUE;

  return FALSE;
}

/* ---- receiving ----------------------------------------------------------------------------- */

/* An IPv4 address seen through a dual-stack socket (::ffff:a.b.c.d) as the IPv4 address. */
static GInetAddress *
unmap (const guint8 *bytes16)
{
  static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  if (memcmp (bytes16, prefix, sizeof prefix) == 0)
    return g_inet_address_new_from_bytes (bytes16 + 12, G_SOCKET_FAMILY_IPV4);
  return g_inet_address_new_from_bytes (bytes16, G_SOCKET_FAMILY_IPV6);
}

/**
 * np_udp_socket_receive:
 * @from: (out): the sender
 * @to: (out) (optional) (nullable): the address the datagram was sent to, when the system says
 * @kernel_drops: (inout): the socket's SO_RXQ_OVFL counter as last seen
 * @dropped: (inout): datagrams the kernel dropped since, added
 *
 * recvmsg on the descriptor, not g_socket_receive_from: GSocket drops the control messages
 * that carry the kernel's count of datagrams it had to drop (SO_RXQ_OVFL) and the destination
 * address (IP_PKTINFO). The kernel stamps the count on each datagram as it is queued, so drops
 * show up with the first datagram that arrives after them.
 *
 * Returns: the datagram's size, or -1 with @error (%G_IO_ERROR_WOULD_BLOCK: none waiting)
 */
gssize
np_udp_socket_receive (GSocket         *socket,
                       guint8          *buffer,
                       gsize            size,
                       GSocketAddress **from,
                       GInetAddress   **to,
                       guint32         *kernel_drops,
                       guint64         *dropped,
                       GError         **error)
{
  struct sockaddr_storage storage;
  struct iovec iov = { buffer, size };
  union {
    char buffer[CMSG_SPACE (sizeof (guint32)) + CMSG_SPACE (sizeof (struct in6_pktinfo))
                + CMSG_SPACE (sizeof (struct in_pktinfo))];
    struct cmsghdr align;
  } control;
  struct msghdr message = { 0 };
  gssize n;

  message.msg_name = &storage;
  message.msg_namelen = sizeof storage;
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control.buffer;
  message.msg_controllen = sizeof control.buffer;

  do
    n = recvmsg (g_socket_get_fd (socket), &message, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), g_strerror (saved_errno));
      return -1;
    }

  if (to != NULL)
    *to = NULL;
  for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (&message); cmsg != NULL; cmsg = CMSG_NXTHDR (&message, cmsg))
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SO_RXQ_OVFL)
      {
        guint32 total;

        memcpy (&total, CMSG_DATA (cmsg), sizeof total);
        *dropped += (guint32) (total - *kernel_drops);   /* wraps like the kernel's counter */
        *kernel_drops = total;
      }
    else if (to != NULL && *to == NULL && cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO)
      {
        struct in_pktinfo info;

        memcpy (&info, CMSG_DATA (cmsg), sizeof info);
        *to = g_inet_address_new_from_bytes ((const guint8 *) &info.ipi_addr, G_SOCKET_FAMILY_IPV4);
      }
    else if (to != NULL && *to == NULL && cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_PKTINFO)
      {
        struct in6_pktinfo info;

        memcpy (&info, CMSG_DATA (cmsg), sizeof info);
        *to = unmap ((const guint8 *) &info.ipi6_addr);
      }

  *from = g_socket_address_new_from_native (&storage, message.msg_namelen);
  return n;
}

/**
 * np_udp_socket_final_drops:
 * @kernel_drops: (inout): the socket's drop counter as last seen
 *
 * The count SO_RXQ_OVFL stamps on datagrams arrives only with a later datagram; at stop it is
 * read from the socket itself (SO_MEMINFO's SK_MEMINFO_DROPS is the same counter), so that a
 * burst that ends in drops is counted too.
 *
 * Returns: the drops since @kernel_drops
 */
guint64
np_udp_socket_final_drops (GSocket *socket,
                           guint32 *kernel_drops)
{
  guint32 meminfo[SK_MEMINFO_VARS] = { 0 };
  socklen_t length = sizeof meminfo;
  guint64 dropped;

  if (getsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_MEMINFO, meminfo, &length) != 0
      || length <= SK_MEMINFO_DROPS * sizeof (guint32))
    return 0;

  dropped = (guint32) (meminfo[SK_MEMINFO_DROPS] - *kernel_drops);
  *kernel_drops = meminfo[SK_MEMINFO_DROPS];
  return dropped;
}
