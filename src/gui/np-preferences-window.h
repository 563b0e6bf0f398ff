/* np-preferences-window.h: the Preferences window, over GSettings */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NP_TYPE_PREFERENCES_WINDOW (np_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (NpPreferencesWindow, np_preferences_window, NP, PREFERENCES_WINDOW, AdwPreferencesWindow)

NpPreferencesWindow *np_preferences_window_new (GtkWindow *parent,
                                                GSettings *settings);

G_END_DECLS
