/* np-send-box.h: the message to send: the draft and how it is written (format, encoding, CR LF),
 * the repeat interval, the history of sent drafts, and the saved messages under it */
#pragma once

#include <adwaita.h>

#include "np-codec.h"
#include "np-session.h"

G_BEGIN_DECLS

#define NP_TYPE_SEND_BOX (np_send_box_get_type ())

G_DECLARE_FINAL_TYPE (NpSendBox, np_send_box, NP, SEND_BOX, GtkWidget)

char      *np_send_box_get_draft            (NpSendBox   *self);
void       np_send_box_set_draft            (NpSendBox   *self,
                                             const char  *text);
GBytes    *np_send_box_encode_draft         (NpSendBox   *self,
                                             gboolean     remember,
                                             GError     **error);
void       np_send_box_set_note             (NpSendBox   *self,
                                             const char  *note);
const char *np_send_box_get_hint            (NpSendBox   *self);
void       np_send_box_show_history         (NpSendBox   *self,
                                             int          step);
guint      np_send_box_get_repeat_interval  (NpSendBox   *self);
void       np_send_box_focus_message        (NpSendBox   *self);
void       np_send_box_set_send_label       (NpSendBox   *self,
                                             const char  *label);
void       np_send_box_set_unavailable      (NpSendBox   *self,
                                             const char  *reason);
GPtrArray *np_send_box_get_saved_messages   (NpSendBox   *self);
void       np_send_box_set_saved_messages   (NpSendBox   *self,
                                             GPtrArray   *messages);
gboolean   np_send_box_add_saved_message    (NpSendBox   *self,
                                             const char  *name,
                                             const char  *payload,
                                             NpFormat     format,
                                             GError     **error);
GBytes    *np_send_box_encode_saved         (NpSendBox   *self,
                                             guint        index,
                                             GError     **error);

G_END_DECLS
