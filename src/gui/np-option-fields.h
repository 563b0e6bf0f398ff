/* np-option-fields.h: what the options popovers (web, TCP, UDP) share: reading an entry, a
 * whole number from one with a message that names the field, choosing a file for one */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

char     *np_option_entry_text   (GtkEntry              *entry);
gboolean  np_option_entry_number (GtkEntry              *entry,
                                  const char            *field,
                                  guint64                min,
                                  guint64                max,
                                  guint64                empty,
                                  guint64               *value,
                                  GError               **error);
gboolean  np_option_entry_file   (GtkEntry              *entry,
                                  const char            *field,
                                  char                 **path,
                                  GError               **error);
void      np_option_choose_file  (GtkWidget             *parent,
                                  GtkFileChooserAction   action,
                                  const char            *title,
                                  GtkEntry              *entry);

G_END_DECLS
