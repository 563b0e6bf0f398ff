#define G_LOG_DOMAIN "np-preferences-window"

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

/* Enum keys <-> the combo's position: the enums count from 0 in the order the rows list them. */
static void
bind_enum (NpPreferencesWindow *self,
           AdwComboRow         *row,
           const char          *key)
{
  g_object_set_data_full (G_OBJECT (row), "np-key", g_strdup (key), g_free);
  adw_combo_row_set_selected (row, (guint) g_settings_get_enum (self->settings, key));
}

static void
on_combo_selected (AdwComboRow         *row,
                   GParamSpec          *pspec,
                   NpPreferencesWindow *self)
{
  const char *key = g_object_get_data (G_OBJECT (row), "np-key");

  if (key != NULL)
    g_settings_set_enum (self->settings, key, (int) adw_combo_row_get_selected (row));
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
  AdwComboRow *rows[3];
  const char *keys[] = { "timestamp-format", "receive-encoding", "send-encoding" };

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (NP_TYPE_PREFERENCES_WINDOW, "transient-for", parent, "modal", TRUE, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "log-row-cap", gtk_spin_button_get_adjustment (self->row_cap_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "confirm-stop", self->confirm_stop_switch, "active", G_SETTINGS_BIND_DEFAULT);

  rows[0] = self->timestamp_row;
  rows[1] = self->receive_encoding_row;
  rows[2] = self->send_encoding_row;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      bind_enum (self, rows[i], keys[i]);
      g_signal_connect_object (rows[i], "notify::selected", G_CALLBACK (on_combo_selected), self, 0);
    }

  return self;
}
