/* np-event-json.h: one event as one line of JSON, for --json output and captures */
#pragma once

#include <json-glib/json-glib.h>

#include "np-codec.h"
#include "np-event.h"

G_BEGIN_DECLS

JsonNode *np_event_to_json_node (const NpEvent *event,
                                 NpEncoding     encoding);
char     *np_event_to_json      (const NpEvent *event,
                                 NpEncoding     encoding);
char     *np_time_to_iso8601    (gint64         time_us);
NpEncoding np_event_text_encoding (const NpEvent *event,
                                  NpEncoding     encoding,
                                  NpEncoding     reply_encoding);

G_END_DECLS
