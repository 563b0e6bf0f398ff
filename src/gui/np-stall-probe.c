#define G_LOG_DOMAIN "np-stall-probe"

#include <stdlib.h>
#include <string.h>

#include "np-stall-probe.h"

#define TICK_MS 5

struct _NpStallProbe
{
  GObject  parent_instance;

  char    *path;
  guint    tick_id;
  gint64   last_tick;
  gint64   max_gap_us;
  guint64  ticks;
  guint64  stalls_over_50ms;
};

G_DEFINE_FINAL_TYPE (NpStallProbe, np_stall_probe, G_TYPE_OBJECT)

static gboolean
on_tick (gpointer user_data)
{
  NpStallProbe *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 gap = now - self->last_tick - TICK_MS * 1000;

  if (gap > self->max_gap_us)
    self->max_gap_us = gap;
  if (gap > 50000)
    self->stalls_over_50ms++;
  self->last_tick = now;
  self->ticks++;

  return G_SOURCE_CONTINUE;
}

static void
np_stall_probe_finalize (GObject *object)
{
  NpStallProbe *self = (NpStallProbe *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_free (self->path);

  G_OBJECT_CLASS (np_stall_probe_parent_class)->finalize (object);
}

static void
np_stall_probe_class_init (NpStallProbeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_stall_probe_finalize;
}

static void
np_stall_probe_init (NpStallProbe *self)
{
}

NpStallProbe *
np_stall_probe_new (const char *path)
{
  NpStallProbe *self = g_object_new (NP_TYPE_STALL_PROBE, NULL);

  self->path = g_strdup (path);
  self->last_tick = g_get_monotonic_time ();
  /* Default priority: it runs whenever the loop is free, so its lateness is the stall. */
  self->tick_id = g_timeout_add (TICK_MS, on_tick, self);

  return self;
}

double
np_stall_probe_get_max_ms (NpStallProbe *self)
{
  g_return_val_if_fail (NP_IS_STALL_PROBE (self), 0);
  return self->max_gap_us / 1000.0;
}

static glong
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return strtol (line + 6, NULL, 10);
}

gboolean
np_stall_probe_write (NpStallProbe  *self,
                      guint64        bytes_in,
                      guint          rows,
                      guint64        rows_dropped,
                      GError       **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (NP_IS_STALL_PROBE (self), FALSE);

  json = g_strdup_printf ("{\"max_stall_ms\":%.1f,\"stalls_over_50ms\":%" G_GUINT64_FORMAT
                          ",\"ticks\":%" G_GUINT64_FORMAT ",\"bytes_in\":%" G_GUINT64_FORMAT
                          ",\"rows\":%u,\"rows_dropped\":%" G_GUINT64_FORMAT ",\"rss_kib\":%ld}\n",
                          self->max_gap_us / 1000.0, self->stalls_over_50ms, self->ticks,
                          bytes_in, rows, rows_dropped, rss_kib ());
  return g_file_set_contents (self->path, json, -1, error);
}
