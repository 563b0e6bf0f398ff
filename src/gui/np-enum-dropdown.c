#include "np-enum-dropdown.h"

static gboolean
enum_to_position (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      unused)
{
  g_value_set_uint (to, (guint) g_value_get_enum (from));
  return TRUE;
}

/* Nothing selected (the model changing) is not a value. */
static gboolean
position_to_enum (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      unused)
{
  guint position = g_value_get_uint (from);

  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  g_value_set_enum (to, (int) position);
  return TRUE;
}

/**
 * np_enum_dropdown_bind:
 * @property: an enum property of @source
 *
 * Returns: (transfer none): the binding (@source's value shown first)
 */
GBinding *
np_enum_dropdown_bind (gpointer     source,
                       const char  *property,
                       GtkDropDown *dropdown)
{
  return g_object_bind_property_full (source, property, dropdown, "selected",
                                      G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                                      enum_to_position, position_to_enum, NULL, NULL);
}
