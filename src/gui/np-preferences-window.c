#define G_LOG_DOMAIN "np-preferences-window"

#include "np-enum-types.h"
#include "np-gui-enum-types.h"
#include "np-log-renderer.h"
#include "np-preferences-window.h"

struct _NpPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSpinButton        *row_cap_spin;
  AdwComboRow          *timestamp_row;
  AdwComboRow          *receive_encoding_row;
  AdwComboRow          *send_encoding_row;
  GtkSwitch            *confirm_stop_switch;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (NpPreferencesWindow, np_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* An enum key <-> a combo row's position: the rows list the enum's values in order, so the
 * position is the value; @user_data is the enum's GType (from gnome.mkenums_simple). */
static gboolean
enum_nick_to_position (GValue   *value,
                       GVariant *variant,
                       gpointer  user_data)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref ((GType) GPOINTER_TO_SIZE (user_data));
  GEnumValue *found = g_enum_get_value_by_nick (klass, g_variant_get_string (variant, NULL));

  if (found == NULL)
    return FALSE;
  g_value_set_uint (value, (guint) found->value);
  return TRUE;
}

static GVariant *
position_to_enum_nick (const GValue       *value,
                       const GVariantType *expected_type,
                       gpointer            user_data)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref ((GType) GPOINTER_TO_SIZE (user_data));
  GEnumValue *found = g_enum_get_value (klass, (int) g_value_get_uint (value));

  return found != NULL ? g_variant_new_string (found->value_nick) : NULL;
}

static void
bind_enum (GSettings   *settings,
           const char  *key,
           AdwComboRow *row,
           GType        enum_type)
{
  g_settings_bind_with_mapping (settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                enum_nick_to_position, position_to_enum_nick,
                                GSIZE_TO_POINTER (enum_type), NULL);
}

static void
np_preferences_window_dispose (GObject *object)
{
  NpPreferencesWindow *self = (NpPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (np_preferences_window_parent_class)->dispose (object);
}

static void
np_preferences_window_class_init (NpPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NpPreferencesWindow, row_cap_spin);
  gtk_widget_class_bind_template_child (widget_class, NpPreferencesWindow, timestamp_row);
  gtk_widget_class_bind_template_child (widget_class, NpPreferencesWindow, receive_encoding_row);
  gtk_widget_class_bind_template_child (widget_class, NpPreferencesWindow, send_encoding_row);
  gtk_widget_class_bind_template_child (widget_class, NpPreferencesWindow, confirm_stop_switch);
}

static void
np_preferences_window_init (NpPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

NpPreferencesWindow *
np_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  NpPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (NP_TYPE_PREFERENCES_WINDOW, "transient-for", parent, "modal", TRUE, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "log-row-cap", gtk_spin_button_get_adjustment (self->row_cap_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "confirm-stop", self->confirm_stop_switch, "active", G_SETTINGS_BIND_DEFAULT);
  bind_enum (settings, "timestamp-format", self->timestamp_row, NP_TYPE_TIMESTAMP_FORMAT);
  bind_enum (settings, "receive-encoding", self->receive_encoding_row, NP_TYPE_ENCODING);
  bind_enum (settings, "send-encoding", self->send_encoding_row, NP_TYPE_ENCODING);

  return self;
}
