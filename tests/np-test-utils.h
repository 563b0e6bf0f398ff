/* np-test-utils.h: what the C tests share: bounded waits on the default main context,
 * loopback sockets, exact checks of what a socket received, and a recorder of engine events.
 *
 * Every wait iterates the default main context (where the engine delivers its events) and
 * fails the test after NP_TEST_WAIT_SECONDS; nothing sleeps for a fixed time.
 */
#pragma once

#include <gio/gio.h>

#include "np-event.h"

G_BEGIN_DECLS

/* Three times longer in the sanitizer pass (NETPOKE_SANITIZED=1), which runs several times slower. */
#define NP_TEST_WAIT_SECONDS (np_test_wait_seconds ())

guint np_test_wait_seconds (void);

typedef gboolean (*NpTestCondition) (gpointer data);

void            np_test_wait_until          (NpTestCondition  condition,
                                             gpointer         data,
                                             const char      *what);

/* Loopback of @family: "127.0.0.1" or "::1". */
const char     *np_test_loopback            (GSocketFamily    family);
gboolean        np_test_have_ipv6           (void);
GSocketAddress *np_test_loopback_address    (GSocketFamily    family,
                                             guint16          port);
guint16         np_test_port_of             (const char      *address);
guint16         np_test_local_port          (GSocket         *socket);

GSocket        *np_test_tcp_listen          (GSocketFamily    family);
GSocket        *np_test_tcp_accept          (GSocket         *listener);
GSocket        *np_test_tcp_connect         (GSocketFamily    family,
                                             guint16          port);
GSocket        *np_test_udp_socket          (GSocketFamily    family);
void            np_test_send                (GSocket         *socket,
                                             GSocketAddress  *to,
                                             const void      *data,
                                             gsize            length);
void            np_test_expect_received     (GSocket         *socket,
                                             const void      *expected,
                                             gsize            length,
                                             const char      *what);
GPtrArray      *np_test_receive_together    (GSocket        **sockets,
                                             guint            n,
                                             gsize            want,
                                             const char      *what);
void            np_test_expect_text         (GSocket         *socket,
                                             const char      *expected,
                                             const char      *what);
GByteArray     *np_test_receive_at_least    (GSocket         *socket,
                                             gsize            length,
                                             const char      *what);
void            np_test_expect_eof          (GSocket         *socket,
                                             const char      *what);
void            np_test_tcp_reset           (GSocket         *socket);

/* What a GListModel said in "items-changed" since np_test_count_changes () (or a reset to
 * { 0 }); it also checks the model is in the state each signal describes. */
typedef struct
{
  guint signals;
  guint position;   /* of the last signal */
  guint removed;
  guint added;
  guint most_removed;   /* by one signal */
} NpTestChanges;

gulong          np_test_count_changes       (gpointer         model,
                                             NpTestChanges   *changes);
void            np_test_wait_for_items      (gpointer         model,
                                             guint            n,
                                             const char      *what);

/* An async call's result: pass np_test_async_ready and a GAsyncResult* set to NULL as its
 * callback and data, then np_test_wait_async () for the result to hand to _finish (). */
void            np_test_async_ready         (GObject         *source,
                                             GAsyncResult    *result,
                                             gpointer         user_data);
GAsyncResult   *np_test_wait_async          (GAsyncResult   **result,
                                             const char      *what);

typedef struct
{
  GPtrArray *events;   /* NpEvent*, everything delivered so far */
  guint      next;     /* the first event np_test_recorder_wait() has not looked at */
} NpTestRecorder;

void            np_test_recorder_init       (NpTestRecorder  *recorder);
void            np_test_recorder_clear      (NpTestRecorder  *recorder);
void            np_test_recorder_on_events  (GPtrArray       *batch,
                                             gpointer         user_data);
NpEvent        *np_test_recorder_wait       (NpTestRecorder  *recorder,
                                             NpEventKind      kind);

G_END_DECLS
