#include "np-enum.h"

/* Returns: (nullable): the nick of @value, or %NULL (with a critical) for a value @type lacks */
const char *
np_enum_to_nick (GType type,
                 int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  g_return_val_if_fail (found != NULL, NULL);

  return found->value_nick;
}

/* Exactly the nick, as written; %FALSE (and @value untouched) for anything else. */
gboolean
np_enum_from_nick (GType       type,
                   const char *nick,
                   int        *value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;

  if (found == NULL)
    return FALSE;

  *value = found->value;
  return TRUE;
}
