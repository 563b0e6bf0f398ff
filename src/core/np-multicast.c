#define G_LOG_DOMAIN "np-multicast"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <net/if.h>
#include <string.h>

#include "np-error.h"
#include "np-multicast.h"

/* ---- multicast groups ---------------------------------------------------------------------- */

void
np_multicast_group_free (NpMulticastGroup *group)
{
  if (group == NULL)
    return;

  g_clear_object (&group->group);
  g_free (group->interface);
  g_free (group);
}

static NpMulticastGroup *
parse_spec (const char  *spec,
            gboolean     find_interface,
            GError     **error)
{
  g_autoptr(NpMulticastGroup) group = g_new0 (NpMulticastGroup, 1);
  g_autofree char *address = NULL;
  const char *percent;

  g_return_val_if_fail (spec != NULL, NULL);

  percent = strrchr (spec, '%');
  address = percent != NULL ? g_strndup (spec, percent - spec) : g_strdup (spec);
  g_strstrip (address);
  if (address[0] == '[' && address[strlen (address) - 1] == ']')
    {
      memmove (address, address + 1, strlen (address));
      address[strlen (address) - 1] = '\0';
    }

  group->group = g_inet_address_new_from_string (address);
  if (group->group == NULL || !g_inet_address_get_is_multicast (group->group))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a multicast group (IPv4 224.0.0.0–239.255.255.255, IPv6 ff00::/8; "
                     "e.g. 239.1.2.3 or ff02::1:3%%eth0)"), spec);
      return NULL;
    }

  if (percent != NULL)
    {
      group->interface = g_strstrip (g_strdup (percent + 1));
      group->index = find_interface ? if_nametoindex (group->interface) : G_MAXUINT;
      if (group->interface[0] == '\0' || group->index == 0)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       _("“%s”: there is no network interface “%s” (see “ip link”)"), spec, group->interface);
          return NULL;
        }
    }

  return g_steal_pointer (&group);
}

/**
 * np_multicast_group_parse:
 * @spec: "239.1.2.3", "239.1.2.3%eth0", "ff02::1:3%eth0" (brackets allowed around IPv6)
 *
 * Returns: (transfer full) (nullable): the group, or %NULL with @error saying what is wrong
 */
NpMulticastGroup *
np_multicast_group_parse (const char  *spec,
                          GError     **error)
{
  return parse_spec (spec, TRUE, error);
}

/**
 * np_multicast_group_check_spec:
 *
 * Whether @spec is written as a group is (np_multicast_group_parse()) without asking whether
 * its interface exists here: a workspace made on another computer names that one's.
 */
gboolean
np_multicast_group_check_spec (const char  *spec,
                               GError     **error)
{
  g_autoptr(NpMulticastGroup) group = parse_spec (spec, FALSE, error);

  return group != NULL;
}

/* "239.1.2.3 on eth0", or the bare group when the system picks the interface. */
char *
np_multicast_group_to_string (const NpMulticastGroup *group)
{
  g_autofree char *address = g_inet_address_to_string (group->group);

  if (group->interface == NULL)
    return g_steal_pointer (&address);
  return g_strdup_printf (_("%s on %s"), address, group->interface);
}

/* Joins or leaves @group, any-source. */
gboolean
np_multicast_group_change (GSocket                 *socket,
                           const NpMulticastGroup  *group,
                           gboolean                 join,
                           GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = np_multicast_group_to_string (group);
  gboolean ok;

  if (join)
    ok = g_socket_join_multicast_group (socket, group->group, FALSE, group->interface, &local_error);
  else
    ok = g_socket_leave_multicast_group (socket, group->group, FALSE, group->interface, &local_error);

  /* GIO's message is translated whole; ours says which group. */
  if (!ok)
    g_set_error (error, local_error->domain, local_error->code,
                 join ? _("Cannot join %s: %s") : _("Cannot leave %s: %s"), name, local_error->message);
  return ok;
}

/* The family every group and the destination agree on, or G_SOCKET_FAMILY_INVALID when there
 * is no group or they are mixed (then a dual-stack socket serves both). */
GSocketFamily
np_multicast_groups_family (const NpEndpointConfig *config)
{
  GSocketFamily family = G_SOCKET_FAMILY_INVALID;

  for (guint i = 0; config->multicast_groups != NULL && config->multicast_groups[i] != NULL; i++)
    {
      g_autoptr(NpMulticastGroup) group = np_multicast_group_parse (config->multicast_groups[i], NULL);
      GSocketFamily this_family;

      if (group == NULL)
        continue;
      this_family = g_inet_address_get_family (group->group);
      if (family != G_SOCKET_FAMILY_INVALID && family != this_family)
        return G_SOCKET_FAMILY_INVALID;
      family = this_family;
    }

  return family;
}

/* ---- membership ------------------------------------------------------------------------ */

struct _NpMulticastMembership
{
  GSocket   *socket;
  GPtrArray *groups;   /* NpMulticastGroup* joined */
};

NpMulticastMembership *
np_multicast_membership_new (GSocket *socket)
{
  NpMulticastMembership *self = g_new0 (NpMulticastMembership, 1);

  self->socket = g_object_ref (socket);
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) np_multicast_group_free);

  return self;
}

void
np_multicast_membership_free (NpMulticastMembership *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->socket);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_free (self);
}

/* Where @group (the same address on the same interface) is in @groups, or -1. */
static int
find_group (GPtrArray              *groups,
            const NpMulticastGroup *group)
{
  for (guint i = 0; i < groups->len; i++)
    {
      NpMulticastGroup *other = g_ptr_array_index (groups, i);

      if (other != NULL && g_inet_address_equal (other->group, group->group) && other->index == group->index)
        return i;
    }
  return -1;
}

/**
 * np_multicast_membership_set:
 * @specs: every group to be a member of from now on ("GROUP" or "GROUP%IFACE")
 * @notices: (element-type utf8): gets a line per group joined or left
 * @errors: (element-type utf8): gets a line per group that could not be joined or left (the
 *   others still change)
 *
 * Leaves the groups joined that are not in @specs, then joins those of @specs not joined yet,
 * while the socket runs. Returns: %FALSE, with @error and nothing changed, when one of @specs
 * is not a group.
 */
gboolean
np_multicast_membership_set (NpMulticastMembership  *self,
                             const char * const     *specs,
                             GPtrArray              *notices,
                             GPtrArray              *errors,
                             GError                **error)
{
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func ((GDestroyNotify) np_multicast_group_free);

  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      NpMulticastGroup *group = np_multicast_group_parse (specs[i], error);

      if (group == NULL)
        return FALSE;
      g_ptr_array_add (wanted, group);
    }

  for (guint i = self->groups->len; i > 0; i--)
    {
      NpMulticastGroup *joined = g_ptr_array_index (self->groups, i - 1);
      g_autofree char *name = np_multicast_group_to_string (joined);
      g_autoptr(GError) local_error = NULL;

      if (find_group (wanted, joined) >= 0)
        continue;
      if (np_multicast_group_change (self->socket, joined, FALSE, &local_error))
        {
          g_ptr_array_add (notices, g_strdup_printf (_("Left the multicast group %s"), name));
          g_ptr_array_remove_index (self->groups, i - 1);
        }
      else
        g_ptr_array_add (errors, g_strdup (local_error->message));
    }

  for (guint i = 0; i < wanted->len; i++)
    {
      NpMulticastGroup *group = g_ptr_array_index (wanted, i);
      g_autofree char *name = np_multicast_group_to_string (group);
      g_autoptr(GError) local_error = NULL;

      /* Already a member (from before, or named twice): nothing to do. */
      if (find_group (self->groups, group) >= 0)
        continue;
      if (np_multicast_group_change (self->socket, group, TRUE, &local_error))
        {
          g_ptr_array_add (notices, g_strdup_printf (_("Joined the multicast group %s"), name));
          g_ptr_array_add (self->groups, g_steal_pointer (&wanted->pdata[i]));
        }
      else
        g_ptr_array_add (errors, g_strdup (local_error->message));
    }

  return TRUE;
}

/**
 * np_multicast_membership_leave_all:
 * @notices: (element-type utf8): gets one line per group left
 *
 * Closing the socket would leave them too; leaving first puts it in the log.
 */
void
np_multicast_membership_leave_all (NpMulticastMembership *self,
                                   GPtrArray             *notices)
{
  while (self->groups->len > 0)
    {
      NpMulticastGroup *group = g_ptr_array_index (self->groups, self->groups->len - 1);
      g_autofree char *name = np_multicast_group_to_string (group);

      if (np_multicast_group_change (self->socket, group, FALSE, NULL))
        g_ptr_array_add (notices, g_strdup_printf (_("Left the multicast group %s"), name));
      g_ptr_array_remove_index (self->groups, self->groups->len - 1);
    }
}
