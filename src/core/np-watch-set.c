#define G_LOG_DOMAIN "np-watch-set"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "np-watch-set.h"

/* Ready sockets handled per dispatch; more stay ready (level-triggered) for the next. */
#define EVENTS_PER_DISPATCH 256

struct _NpWatchSet
{
  GSource    source;
  int        epoll_fd;
  gboolean   dispatching;
  GPtrArray *removed;      /* watches removed while dispatching: freed after it */
};

struct _NpWatch
{
  NpWatchSet  *set;         /* a reference on its source */
  int          fd;
  NpWatchFunc  func;
  gpointer     user_data;
  gboolean     removed;
};

static void
free_watch (NpWatch *watch)
{
  g_source_unref ((GSource *) watch->set);
  g_free (watch);
}

static gboolean
watch_set_dispatch (GSource     *source,
                    GSourceFunc  callback,
                    gpointer     user_data)
{
  NpWatchSet *self = (NpWatchSet *) source;
  struct epoll_event events[EVENTS_PER_DISPATCH];
  int n;

  do
    n = epoll_wait (self->epoll_fd, events, EVENTS_PER_DISPATCH, 0);
  while (n < 0 && errno == EINTR);

  /* A callback may remove any watch, not only its own: those stay allocated until the end. */
  self->dispatching = TRUE;
  for (int i = 0; i < n; i++)
    {
      NpWatch *watch = events[i].data.ptr;
      GIOCondition condition = ((events[i].events & EPOLLIN) ? G_IO_IN : 0)
                               | ((events[i].events & EPOLLHUP) ? G_IO_HUP : 0)
                               | ((events[i].events & EPOLLERR) ? G_IO_ERR : 0);

      if (!watch->removed)
        watch->func (condition, watch->user_data);
    }
  self->dispatching = FALSE;
  g_ptr_array_set_size (self->removed, 0);

  return G_SOURCE_CONTINUE;
}

static void
watch_set_finalize (GSource *source)
{
  NpWatchSet *self = (NpWatchSet *) source;

  g_clear_pointer (&self->removed, g_ptr_array_unref);
  if (self->epoll_fd >= 0)
    close (self->epoll_fd);
}

static GSourceFuncs watch_set_funcs = {
  .dispatch = watch_set_dispatch,
  .finalize = watch_set_finalize,
};

/**
 * np_watch_set_new:
 *
 * Returns: (transfer full): a watch set attached to @context; np_watch_set_destroy() ends it
 */
NpWatchSet *
np_watch_set_new (GMainContext *context)
{
  NpWatchSet *self = (NpWatchSet *) g_source_new (&watch_set_funcs, sizeof (NpWatchSet));

  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->epoll_fd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));   /* only out of memory or descriptors */
  self->removed = g_ptr_array_new_with_free_func ((GDestroyNotify) free_watch);

  g_source_set_static_name ((GSource *) self, "[netpoke] socket watch set");
  g_source_add_unix_fd ((GSource *) self, self->epoll_fd, G_IO_IN);
  g_source_attach ((GSource *) self, context);

  return self;
}

/* Detaches the set and drops the caller's reference; watches not removed yet keep it alive
 * (and are never called again). */
void
np_watch_set_destroy (NpWatchSet *self)
{
  g_source_destroy ((GSource *) self);
  g_source_unref ((GSource *) self);
}

/**
 * np_watch_set_add:
 * @fd: a socket, not in the set yet
 * @condition: %G_IO_IN to hear when it is readable; 0 for its hang-up or error only
 *
 * Calls @func every time @fd is readable (when asked for), hung up or in error, until
 * np_watch_remove(). A hang-up and an error are always reported, as poll() does.
 *
 * Returns: (transfer full): the watch, for np_watch_remove()
 */
NpWatch *
np_watch_set_add (NpWatchSet   *self,
                  int           fd,
                  GIOCondition  condition,
                  NpWatchFunc   func,
                  gpointer      user_data)
{
  NpWatch *watch = g_new0 (NpWatch, 1);
  struct epoll_event event = { .events = (condition & G_IO_IN) ? EPOLLIN : 0, .data.ptr = watch };

  watch->set = (NpWatchSet *) g_source_ref ((GSource *) self);
  watch->fd = fd;
  watch->func = func;
  watch->user_data = user_data;

  if (epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0)
    g_critical ("epoll_ctl (ADD, %d): %s", fd, g_strerror (errno));

  return watch;
}

/* Stops calling the watch's function, at once (also from inside a dispatch); before its
 * socket is closed. */
void
np_watch_remove (NpWatch *watch)
{
  NpWatchSet *set;

  g_return_if_fail (watch != NULL && !watch->removed);

  set = watch->set;
  watch->removed = TRUE;
  epoll_ctl (set->epoll_fd, EPOLL_CTL_DEL, watch->fd, NULL);

  if (set->dispatching)
    g_ptr_array_add (set->removed, watch);
  else
    free_watch (watch);
}
