#define G_LOG_DOMAIN "np-log-view"

#include "config.h"

#include "np-log-view-private.h"

/* How rows flow into NpLogView: when a batch is spliced into the model (an empty view, a
 * flood, a view scrolled up at the cap) and keeping the newest row in view. */

/* While the view holds fewer rows than GtkListView keeps widgets for (about 200 in GTK 4.8),
 * every new row makes new widgets: feed such a view this many rows per main-loop turn. */
#define FILL_ROWS  256
#define FILL_CHUNK 24
/* ...one chunk this often, ahead of GTK's redraw (G_PRIORITY_HIGH_IDLE + 20) when both are
 * due, so a frame comes between two chunks. Chunks on an idle never came while the frames
 * did not stop (a blinking cursor repaints for ten seconds; a frame slower than its
 * interval makes the next one due at once): 100 datagrams into an empty log waited. */
#define FILL_INTERVAL_MS 10
#define FILL_PRIORITY    (G_PRIORITY_HIGH_IDLE + 10)
/* Under a flood, rows are shown this often, not once per batch. */
#define COMMIT_INTERVAL_MS 100

static void schedule_commit (NpLogView *self);

/* ---- following new rows --------------------------------------------------------------------- */

/* GtkListView keeps its position as an anchor row, not as the adjustment's value: during its
 * allocation it writes the adjustment (gtk_adjustment_configure) with its own value handler
 * blocked, so a value set from "changed", as this view once did, is never read back: the
 * adjustment said "bottom" while the rows stayed where the anchor held them. Following
 * therefore asks the list to bring the newest row into view ("list.scroll-to-item", GTK 4.8's
 * way; gtk_column_view_scroll_to is 4.12), after the list has measured its rows: asked
 * before, a new row counts as 0 px high and ends up half below the edge; asked from inside
 * the list's allocation, the request is lost. So the adjustment's signals (inside the
 * allocation) only note that the view is not at the bottom, and the frame clock's "layout",
 * after the window's allocation, asks; GDK runs layout again in the same frame, so no frame
 * shows the newest row out of view. The adjustment is otherwise only read, to learn where the
 * user scrolled: a value the list did not write itself. */

static gboolean
at_bottom (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 2;
}

static void
on_layout (NpLogView     *self,
           GdkFrameClock *clock)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  /* Rows laid out anew may have brought waiting thumbnails into view. */
  np_picture_loader_view_changed (self->pictures);
  if (!self->scroll_pending)
    return;
  self->scroll_pending = FALSE;
  if (self->follow && n > 0)
    gtk_widget_activate_action (self->rows, "list.scroll-to-item", "u", n - 1);
}

/* Whether the list is writing the adjustment itself (its allocation keeping the anchor row in
 * place as rows come and go): it blocks its own value handler (connected with the list as its
 * data) while it does. A list that connected none is never taken for writing. */
static gboolean
list_is_writing (NpLogView     *self,
                 GtkAdjustment *adjustment)
{
  guint signal_id = g_signal_lookup ("value-changed", GTK_TYPE_ADJUSTMENT);

  return g_signal_handler_find (adjustment, G_SIGNAL_MATCH_ID | G_SIGNAL_MATCH_DATA, signal_id, 0, NULL, NULL,
                                self->rows) != 0
         && g_signal_handler_find (adjustment, G_SIGNAL_MATCH_ID | G_SIGNAL_MATCH_DATA | G_SIGNAL_MATCH_UNBLOCKED,
                                   signal_id, 0, NULL, NULL, self->rows) == 0;
}

static void
on_adjustment_changed (NpLogView     *self,
                       GtkAdjustment *adjustment)
{
  if (self->follow && !at_bottom (adjustment))
    self->scroll_pending = TRUE;
}

static void
on_value_changed (NpLogView     *self,
                  GtkAdjustment *adjustment)
{
  /* The list moved the view because rows came or went (the cap drops the oldest, so the rows
   * in view move up): while following, bring the newest back after this layout. */
  if (list_is_writing (self, adjustment))
    {
      if (self->follow && !at_bottom (adjustment))
        self->scroll_pending = TRUE;
      return;
    }
  /* The user scrolled (or the list went where it was asked): scrolling up pauses following,
   * coming back to the bottom resumes it, and shows what waited meanwhile. */
  self->follow = at_bottom (adjustment);
  if (self->follow)
    schedule_commit (self);
}

/* ---- filling -------------------------------------------------------------------------------- */

/* Scrolled up with the log full, a splice would drop rows at the top, those being read among
 * them, and GtkListView rebuilt every row widget around them each time (170 ms a splice at
 * 100,000 rows): new rows wait until the view follows again. Only the newest cap of them
 * can ever be shown; older ones count as dropped. */
static gboolean
holding (NpLogView *self)
{
  NpLogModel *log = self->log;

  if (self->follow || g_list_model_get_n_items (G_LIST_MODEL (log)) < np_log_model_get_cap (log))
    return FALSE;

  if (self->pending_rows->len > np_log_model_get_cap (log))
    {
      guint excess = self->pending_rows->len - np_log_model_get_cap (log);

      g_ptr_array_remove_range (self->pending_rows, 0, excess);
      np_log_model_add_dropped (log, excess);
    }
  return TRUE;
}

/* Takes what is waiting into the model: a chunk while the view is nearly empty, else all of
 * it in one splice. */
static void
commit_pending (NpLogView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  guint take = n < FILL_ROWS ? MIN (FILL_CHUNK, self->pending_rows->len) : self->pending_rows->len;

  self->last_commit = g_get_monotonic_time ();
  if (take == self->pending_rows->len)
    {
      np_log_model_append (self->log, self->pending_rows);
      g_ptr_array_set_size (self->pending_rows, 0);
    }
  else
    {
      g_autoptr(GPtrArray) chunk = g_ptr_array_new_full (take, g_object_unref);

      /* One move of what is left, not one per row taken: a flood into an empty view left
       * 100,000 rows waiting, and taking them one at a time from the front was quadratic. */
      for (guint i = 0; i < take; i++)
        g_ptr_array_add (chunk, g_object_ref (g_ptr_array_index (self->pending_rows, i)));
      g_ptr_array_remove_range (self->pending_rows, 0, take);
      np_log_model_append (self->log, chunk);
    }
}

static gboolean
on_commit (gpointer user_data)
{
  NpLogView *self = user_data;

  self->commit_id = 0;
  if (!holding (self))
    commit_pending (self);
  schedule_commit (self);
  return G_SOURCE_REMOVE;
}

/* While the view is nearly empty GtkListView makes new widgets for every row: it is fed a
 * chunk every FILL_INTERVAL_MS, so frames keep coming in between. Once it
 * is full, every splice moves the newest rows into view and the list binds its ~200 row
 * widgets to new rows, a frame's worth of work: under a flood, rows are spliced at most
 * every COMMIT_INTERVAL_MS, not once per batch (at 50,000 datagrams/s batches came every
 * 20-40 ms, and each rebinding frame took 20-80 ms). */
static void
schedule_commit (NpLogView *self)
{
  gint64 wait_us;

  if (self->commit_id != 0 || self->pending_rows->len == 0 || holding (self))
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->log)) < FILL_ROWS)
    {
      self->commit_id = g_timeout_add_full (FILL_PRIORITY, FILL_INTERVAL_MS, on_commit, self, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->commit_id), "[netpoke] fill log");
      return;
    }

  wait_us = self->last_commit + COMMIT_INTERVAL_MS * 1000 - g_get_monotonic_time ();
  self->commit_id = g_timeout_add (MAX (wait_us / 1000, 0), on_commit, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->commit_id), "[netpoke] show log rows");
}

/**
 * np_log_view_append:
 * @rows: (element-type NpLogRow): a batch of new rows, in order
 *
 * Rows show at once when the view is full and nothing showed in the last
 * COMMIT_INTERVAL_MS; else they wait for the next splice (see schedule_commit ()).
 */
void
np_log_view_append (NpLogView *self,
                    GPtrArray *rows)
{
  guint n;

  g_return_if_fail (NP_IS_LOG_VIEW (self));

  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (self->pending_rows, g_object_ref (g_ptr_array_index (rows, i)));
  if (self->commit_id != 0 || holding (self))
    return;

  /* Nothing waiting before these (order!), and either a full view that showed nothing
   * lately or a small batch: splice now. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  if ((n >= FILL_ROWS && g_get_monotonic_time () - self->last_commit >= COMMIT_INTERVAL_MS * 1000)
      || (n < FILL_ROWS && self->pending_rows->len <= FILL_CHUNK))
    commit_pending (self);
  schedule_commit (self);
}

void
np_log_view_clear (NpLogView *self)
{
  g_return_if_fail (NP_IS_LOG_VIEW (self));

  g_clear_handle_id (&self->commit_id, g_source_remove);
  g_ptr_array_set_size (self->pending_rows, 0);
  np_log_model_clear (self->log);
  self->follow = TRUE;
}

/* After the window's own "layout" handler (connected when its surface was made), that is
 * after the rows were allocated. */
void
_np_log_view_flow_realize (NpLogView *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "layout", G_CALLBACK (on_layout), self,
                           G_CONNECT_AFTER | G_CONNECT_SWAPPED);
}

void
_np_log_view_flow_unrealize (NpLogView *self)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (self)), on_layout, self);
}

void
_np_log_view_flow_dispose (NpLogView *self)
{
  g_clear_handle_id (&self->commit_id, g_source_remove);
  g_clear_pointer (&self->pending_rows, g_ptr_array_unref);
}

void
_np_log_view_flow_init (NpLogView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->pending_rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->follow = TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      self->rows = child;
  g_assert (self->rows != NULL);

  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_adjustment_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_value_changed), self, G_CONNECT_SWAPPED);
}
