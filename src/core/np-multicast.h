/* np-multicast.h: multicast groups ("GROUP" or "GROUP%IFACE", any-source) and the groups one
 * socket has joined */
#pragma once

#include <gio/gio.h>

#include "np-endpoint-config.h"

G_BEGIN_DECLS

typedef struct
{
  GInetAddress *group;
  char         *interface;   /* NULL: the system picks (the route to the group) */
  guint         index;       /* of @interface; 0 without one */
} NpMulticastGroup;

NpMulticastGroup *np_multicast_group_parse     (const char              *spec,
                                                GError                 **error);
gboolean          np_multicast_group_check_spec (const char             *spec,
                                                GError                 **error);
char             *np_multicast_group_to_string (const NpMulticastGroup  *group);
void              np_multicast_group_free      (NpMulticastGroup        *group);
gboolean          np_multicast_group_change    (GSocket                 *socket,
                                                const NpMulticastGroup  *group,
                                                gboolean                 join,
                                                GError                 **error);

GSocketFamily     np_multicast_groups_family   (const NpEndpointConfig  *config);

typedef struct _NpMulticastMembership NpMulticastMembership;

NpMulticastMembership *np_multicast_membership_new       (GSocket                *socket);
void                   np_multicast_membership_free      (NpMulticastMembership  *self);
gboolean               np_multicast_membership_set       (NpMulticastMembership  *self,
                                                          const char * const     *specs,
                                                          GPtrArray              *notices,
                                                          GPtrArray              *errors,
                                                          GError                **error);
void                   np_multicast_membership_leave_all (NpMulticastMembership  *self,
                                                          GPtrArray              *notices);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpMulticastGroup, np_multicast_group_free)

G_END_DECLS
