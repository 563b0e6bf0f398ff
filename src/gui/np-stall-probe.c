#define G_LOG_DOMAIN "np-stall-probe"

#include <glib-unix.h>
#include <signal.h>
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
  guint    phase_id;
  guint    phase;           /* phases ended so far (SIGUSR1) */
  gint64   created;
  gint64   first_frame_us;  /* start-up: creation to the first painted frame; 0 before */
  gint64   last_tick;
  gint64   max_gap_us;
  gint64   max_gap_at;      /* when it ended, since creation */
  guint64  ticks;
  guint64  stalls_over_50ms;
};

G_DEFINE_FINAL_TYPE (NpStallProbe, np_stall_probe, G_TYPE_OBJECT)

/* Counts the time since the last tick: beyond one tick interval, the main loop was stalled. */
static void
account (NpStallProbe *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 gap = now - self->last_tick - TICK_MS * 1000;

  /* Start-up (fonts, CSS, the first layout) is reported as first_frame_ms, not as a stall. */
  if (self->first_frame_us == 0)
    {
      self->last_tick = now;
      return;
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
}

static gboolean
on_tick (gpointer user_data)
{
  account (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean write_to (NpStallProbe *self, const char *path, GError **error);

/* SIGUSR1 ends a phase of a benchmark (connecting clients, one send, a stop): its figures go to
 * FILE.phaseN and the next phase starts from zero, so each is measured alone. A stall that was
 * going on when the signal came belongs to the phase that is ending. */
static gboolean
on_phase_signal (gpointer user_data)
{
  NpStallProbe *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s.phase%u", self->path, ++self->phase);

  account (self);
  if (!write_to (self, path, &error))
    g_printerr ("netpoke: NETPOKE_STATS: %s\n", error->message);
  self->max_gap_us = 0;
  self->max_gap_at = 0;
  self->stalls_over_50ms = 0;
  self->ticks = 0;

  return G_SOURCE_CONTINUE;
}

static void
np_stall_probe_finalize (GObject *object)
{
  NpStallProbe *self = (NpStallProbe *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->report_id, g_source_remove);
  g_clear_handle_id (&self->phase_id, g_source_remove);
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
  self->phase_id = g_unix_signal_add (SIGUSR1, on_phase_signal, self);

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

static gboolean
write_to (NpStallProbe  *self,
          const char    *path,
          GError       **error)
{
  g_autofree char *json = NULL;
  NpStallProbeCounts counts = { 0 };

  self->sample (self->sample_data, &counts);

  json = g_strdup_printf ("{\"first_frame_ms\":%.1f,\"max_stall_ms\":%.1f,\"max_stall_at_ms\":%.0f,\"stalls_over_50ms\":%" G_GUINT64_FORMAT
                          ",\"ticks\":%" G_GUINT64_FORMAT ",\"bytes_in\":%" G_GUINT64_FORMAT
                          ",\"messages_in\":%" G_GUINT64_FORMAT ",\"datagrams_dropped\":%" G_GUINT64_FORMAT
                          ",\"rows\":%u,\"rows_dropped\":%" G_GUINT64_FORMAT ",\"rss_kib\":%ld"
                          ",\"peak_rss_kib\":%ld}\n",
                          self->first_frame_us / 1000.0, self->max_gap_us / 1000.0, self->max_gap_at / 1000.0, self->stalls_over_50ms, self->ticks,
                          counts.bytes_in, counts.messages_in, counts.datagrams_dropped,
                          counts.rows, counts.rows_dropped, status_kib ("VmRSS:"), status_kib ("VmHWM:"));
  /* Replaced atomically (a reader never sees half a file) but not synced: an fsync on the main
   * loop every second would be a stall of the probe's own making. */
  return g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

gboolean
np_stall_probe_write (NpStallProbe  *self,
                      GError       **error)
{
  g_return_val_if_fail (NP_IS_STALL_PROBE (self), FALSE);

  return write_to (self, self->path, error);
}
