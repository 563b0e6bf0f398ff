/* NpWatchSet: the epoll set the engine reads plain sockets through. Readable sockets are
 * reported (with a hang-up), a socket watched for its hang-up only is not woken by data, nothing
 * ready means no dispatch at all (idle stays 0 wakeups), and a callback may remove any watch, its
 * own or one whose event is still pending in the same batch. */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "np-watch-set.h"

typedef struct
{
  int           fds[2];
  NpWatch      *watch;
  guint         calls;
  GIOCondition  condition;
  NpWatch     **remove_too;   /* another watch this one's callback removes */
} Pair;

static void
pair_open (Pair *pair)
{
  memset (pair, 0, sizeof *pair);
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair->fds));
}

static void
pair_close (Pair *pair)
{
  if (pair->fds[0] >= 0)
    close (pair->fds[0]);
  if (pair->fds[1] >= 0)
    close (pair->fds[1]);
}

static void
on_ready (GIOCondition condition,
          gpointer     user_data)
{
  Pair *pair = user_data;
  char byte;

  pair->calls++;
  pair->condition = condition;
  while (read (pair->fds[0], &byte, 1) == 1)
    ;
  if (pair->remove_too != NULL && *pair->remove_too != NULL)
    g_clear_pointer (pair->remove_too, np_watch_remove);
}

static void
test_readable_and_idle (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  NpWatchSet *set = np_watch_set_new (context);
  Pair pair;

  pair_open (&pair);
  pair.watch = np_watch_set_add (set, pair.fds[0], G_IO_IN, on_ready, &pair);

  /* Nothing written: nothing to dispatch, and no wakeup. */
  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (pair.calls, ==, 0);

  g_assert_cmpint (write (pair.fds[1], "x", 1), ==, 1);
  while (pair.calls == 0)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (pair.calls, ==, 1);
  g_assert_true (pair.condition & G_IO_IN);

  /* Read empty again: idle. */
  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (pair.calls, ==, 1);

  /* The peer closes: reported with the hang-up. */
  close (pair.fds[1]);
  pair.fds[1] = -1;
  while (pair.calls == 1)
    g_main_context_iteration (context, TRUE);
  g_assert_true (pair.condition & G_IO_HUP);

  np_watch_remove (pair.watch);
  np_watch_set_destroy (set);
  pair_close (&pair);
}

/* Both sockets are ready in the same batch; whichever is called first removes both watches:
 * the other is not called (under ASan a freed watch would be a use after free). */
static void
test_remove_pending_watch (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  NpWatchSet *set = np_watch_set_new (context);
  Pair first, second;

  pair_open (&first);
  pair_open (&second);
  first.watch = np_watch_set_add (set, first.fds[0], G_IO_IN, on_ready, &first);
  second.watch = np_watch_set_add (set, second.fds[0], G_IO_IN, on_ready, &second);
  first.remove_too = &second.watch;
  second.remove_too = &first.watch;
  g_assert_cmpint (write (first.fds[1], "x", 1), ==, 1);
  g_assert_cmpint (write (second.fds[1], "y", 1), ==, 1);

  while (first.calls + second.calls == 0)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (first.calls + second.calls, ==, 1);
  g_assert_true (first.watch == NULL || second.watch == NULL);

  /* The one that was called removed the other; it removes itself now. */
  if (first.watch != NULL)
    g_clear_pointer (&first.watch, np_watch_remove);
  if (second.watch != NULL)
    g_clear_pointer (&second.watch, np_watch_remove);
  g_assert_cmpint (write (first.fds[1], "x", 1), ==, 1);
  g_assert_false (g_main_context_iteration (context, FALSE));

  np_watch_set_destroy (set);
  pair_close (&first);
  pair_close (&second);
}

/* The set is destroyed while a watch is still there (an endpoint gone before a connection):
 * the watch is never called again and can still be removed. */
static void
test_destroyed_before_watch (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  NpWatchSet *set = np_watch_set_new (context);
  Pair pair;

  pair_open (&pair);
  pair.watch = np_watch_set_add (set, pair.fds[0], G_IO_IN, on_ready, &pair);
  np_watch_set_destroy (set);

  g_assert_cmpint (write (pair.fds[1], "x", 1), ==, 1);
  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (pair.calls, ==, 0);

  np_watch_remove (pair.watch);
  pair_close (&pair);
}

/* Watched for its hang-up only (a peer that finished sending): data does not wake the set; the
 * peer's close does, as G_IO_HUP. */
static void
test_hangup_only (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  NpWatchSet *set = np_watch_set_new (context);
  Pair pair;

  pair_open (&pair);
  pair.watch = np_watch_set_add (set, pair.fds[0], 0, on_ready, &pair);

  g_assert_cmpint (write (pair.fds[1], "x", 1), ==, 1);
  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (pair.calls, ==, 0);

  close (pair.fds[1]);
  pair.fds[1] = -1;
  while (pair.calls == 0)
    g_main_context_iteration (context, TRUE);
  g_assert_true (pair.condition & G_IO_HUP);
  g_assert_false (pair.condition & G_IO_IN);

  np_watch_remove (pair.watch);
  np_watch_set_destroy (set);
  pair_close (&pair);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/watch-set/readable-and-idle", test_readable_and_idle);
  g_test_add_func ("/watch-set/remove-pending-watch", test_remove_pending_watch);
  g_test_add_func ("/watch-set/destroyed-before-watch", test_destroyed_before_watch);
  g_test_add_func ("/watch-set/hangup-only", test_hangup_only);
  return g_test_run ();
}
