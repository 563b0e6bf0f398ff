/* np-record-bar.h: the footer's Record and Save Messages toggles, with the file's size and
 * the number of messages saved while they are on */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NP_TYPE_RECORD_BAR (np_record_bar_get_type ())

G_DECLARE_FINAL_TYPE (NpRecordBar, np_record_bar, NP, RECORD_BAR, GtkWidget)

void        np_record_bar_show_recording (NpRecordBar *self,
                                          GFile       *file,
                                          guint64      size);
void        np_record_bar_show_saving    (NpRecordBar *self,
                                          GFile       *folder,
                                          guint64      n_saved);
const char *np_record_bar_get_record_text (NpRecordBar *self);
const char *np_record_bar_get_save_text  (NpRecordBar *self);

G_END_DECLS
