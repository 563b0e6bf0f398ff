#define G_LOG_DOMAIN "np-stall-probe"

#include <stdlib.h>
#include <string.h>

#include "np-stall-probe.h"

#define TICK_MS 5

struct _NpStallProbe
{
  GObject  parent_instance;

  char    *path;
  NpStallProbeSample sample;
  gpointer sample_data;
  guint    tick_id;
  guint    report_id;
  gint64   created;
  gint64   first_frame_us;  /* start-up: creation to the first painted frame; 0 before */
  gint64   last_tick;
  gint64   max_gap_us;
  gint64   max_gap_at;      /* when it ended, since creation */
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

  /* Start-up (fonts, CSS, the first layout) is reported as first_frame_ms, not as a stall. */
  if (self->first_frame_us == 0)
    {
      self->last_tick = now;
      return G_SOURCE_CONTINUE;
    }

  if (gap > self->max_gap_us)
    {
      self->max_gap_us = gap;
      self->max_gap_at = now - self->created;
    }
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
  g_clear_handle_id (&self->report_id, g_source_remove);
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

/* The file is rewritten every second, so a benchmark can watch the counters settle. */
static gboolean
on_report (gpointer user_data)
{
  NpStallProbe *self = user_data;

  np_stall_probe_write (self, NULL);
  return G_SOURCE_CONTINUE;
}

NpStallProbe *
np_stall_probe_new (const char         *path,
                    NpStallProbeSample  sample,
                    gpointer            user_data)
{
  NpStallProbe *self = g_object_new (NP_TYPE_STALL_PROBE, NULL);

  self->path = g_strdup (path);
  self->sample = sample;
  self->sample_data = user_data;
  self->created = self->last_tick = g_get_monotonic_time ();
  /* Default priority: it runs whenever the loop is free, so its lateness is the stall. */
  self->tick_id = g_timeout_add (TICK_MS, on_tick, self);
  self->report_id = g_timeout_add_seconds (1, on_report, self);

  return self;
}

/* The window has painted its first frame: from now on every gap is a stall. */
void
np_stall_probe_first_frame (NpStallProbe *self)
{
  g_return_if_fail (NP_IS_STALL_PROBE (self));

  if (self->first_frame_us == 0)
    {
      self->first_frame_us = g_get_monotonic_time () - self->created;
      self->last_tick = g_get_monotonic_time ();
    }
}

/* A /proc/self/status field in KiB: VmRSS now, VmHWM the peak. */
static glong
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, field)) == NULL)
    return -1;
  return strtol (line + strlen (field), NULL, 10);
}

gboolean
np_stall_probe_write (NpStallProbe  *self,
                      GError       **error)
{
  g_autofree char *json = NULL;
  g_autofree char *partial = NULL;
  guint64 bytes_in = 0, rows_dropped = 0;
  guint rows = 0;

  g_return_val_if_fail (NP_IS_STALL_PROBE (self), FALSE);

  self->sample (self->sample_data, &bytes_in, &rows, &rows_dropped);

  json = g_strdup_printf ("{\"first_frame_ms\":%.1f,\"max_stall_ms\":%.1f,\"max_stall_at_ms\":%.0f,\"stalls_over_50ms\":%" G_GUINT64_FORMAT
                          ",\"ticks\":%" G_GUINT64_FORMAT ",\"bytes_in\":%" G_GUINT64_FORMAT
                          ",\"rows\":%u,\"rows_dropped\":%" G_GUINT64_FORMAT ",\"rss_kib\":%ld"
                          ",\"peak_rss_kib\":%ld}\n",
                          self->first_frame_us / 1000.0, self->max_gap_us / 1000.0, self->max_gap_at / 1000.0, self->stalls_over_50ms, self->ticks,
                          bytes_in, rows, rows_dropped, status_kib ("VmRSS:"), status_kib ("VmHWM:"));
  /* g_file_set_contents replaces atomically: a reader never sees half a file. */
  return g_file_set_contents (self->path, json, -1, error);
}
