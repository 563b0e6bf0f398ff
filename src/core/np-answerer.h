/* np-answerer.h: an endpoint's automatic answers, on the engine thread
 *
 * Asks the endpoint's NpResponder about each received message and sends what it answers to
 * the message's sender through the endpoint's one send path (framed, reported as a SENT event
 * marked with the rule). An answer a rule delays waits in a timer; how many may wait is
 * bounded, and stopping the endpoint drops them. The responder may be replaced while the
 * endpoint runs (the window's rules pane applies an edit at once).
 */
#pragma once

#include <gio/gio.h>

#include "np-responder.h"

G_BEGIN_DECLS

/* Delayed answers one endpoint may hold; past this, an answer is dropped with an error. */
#define NP_ANSWERER_MAX_PENDING       10000
#define NP_ANSWERER_MAX_PENDING_BYTES (16 * 1024 * 1024)

typedef struct _NpEndpoint NpEndpoint;

#define NP_TYPE_ANSWERER (np_answerer_get_type ())

G_DECLARE_FINAL_TYPE (NpAnswerer, np_answerer, NP, ANSWERER, GObject)

NpAnswerer *np_answerer_new           (NpEndpoint    *owner);
void        np_answerer_set_responder (NpAnswerer    *self,
                                       NpResponder   *responder);
gboolean    np_answerer_is_active     (NpAnswerer    *self);
void        np_answerer_answer        (NpAnswerer    *self,
                                       guint64        peer_id,
                                       const char    *peer,
                                       GBytes        *message,
                                       NpMessageType  type);
void        np_answerer_cancel_all    (NpAnswerer    *self);

G_END_DECLS
