/* np-responder.h: reply rules, compiled, deciding the answer to a received message
 *
 * Made once from the rules (every pattern and template checked, a bad one refused with its
 * position and GRegex's own words) and immutable afterwards: the engine thread matches with it
 * while the window's "try it" field asks the same object, so both always agree. Rules act on
 * whole messages, after framing; the first enabled rule that matches answers. Regex and text
 * rules see the message decoded in the receive encoding (a WebSocket text message: UTF-8);
 * bytes that are not valid there, and NUL, appear as \xNN. Replies are made in the send
 * encoding and go out through the endpoint's one send path, which frames them: they are never
 * matched again.
 */
#pragma once

#include <glib-object.h>

#include "np-codec.h"
#include "np-event.h"
#include "np-reply-rule.h"

G_BEGIN_DECLS

/* What a rule answered. */
typedef struct
{
  guint          rule;        /* 1-based position of the rule that matched */
  GBytes        *bytes;       /* the answer, before framing */
  NpMessageType  type;        /* bytes (TCP, UDP), or a WebSocket text or binary message */
  guint          delay_ms;
} NpReply;

void np_reply_free (NpReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpReply, np_reply_free)

#define NP_TYPE_RESPONDER (np_responder_get_type ())

G_DECLARE_FINAL_TYPE (NpResponder, np_responder, NP, RESPONDER, GObject)

NpResponder       *np_responder_new         (GPtrArray          *rules,
                                             NpEncoding          receive_encoding,
                                             NpEncoding          send_encoding,
                                             GError            **error);
NpResponder       *np_responder_new_echo    (void);
gboolean           np_responder_check_rule  (const NpReplyRule  *rule,
                                             NpEncoding          receive_encoding,
                                             NpEncoding          send_encoding,
                                             GError            **error);
guint              np_responder_get_n_rules (NpResponder        *self);
const NpReplyRule *np_responder_get_rule    (NpResponder        *self,
                                             guint               index);
NpReply           *np_responder_answer      (NpResponder        *self,
                                             GBytes             *message,
                                             NpMessageType       type,
                                             GError            **error);

G_END_DECLS
