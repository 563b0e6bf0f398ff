#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "np-address.h"
#include "np-codec.h"
#include "np-engine.h"
#include "np-log-model.h"
#include "np-peer.h"
#include "np-session.h"
#include "np-stall-probe.h"
#include "np-window.h"
#include "np-window-private.h"

/* What a data cell shows at most; the row keeps more for copying and re-rendering. A cell
 * decodes only the bytes it can show: hex and \xNN take up to four characters a byte. */
#define MAX_CELL_CHARS 240
#define MAX_CELL_BYTES (MAX_CELL_CHARS / 2)
#define HISTORY_SIZE   50

/* While the view holds fewer rows than GtkListView keeps widgets for (about 200 in GTK 4.8),
 * every new row makes new widgets: feed such a view this many rows per main-loop turn. */
#define FILL_ROWS      256
#define FILL_CHUNK     24


enum { PROP_0, PROP_REPEATING, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpWindow, np_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_state (NpWindow *self);
static void set_repeating (NpWindow *self, gboolean repeating);

/* ---- small helpers ---------------------------------------------------------------------- */

NpMode
np_window_selected_mode (NpWindow *self)
{
  return (NpMode) gtk_drop_down_get_selected (self->mode_dropdown);
}

NpEncoding
np_window_encoding_from_dropdown (GtkDropDown *dropdown)
{
  static const NpEncoding encodings[] = { NP_ENCODING_UTF8, NP_ENCODING_GB18030, NP_ENCODING_LATIN1 };
  guint selected = gtk_drop_down_get_selected (dropdown);

  return encodings[MIN (selected, G_N_ELEMENTS (encodings) - 1)];
}

NpFormat
np_window_display_format (NpWindow *self)
{
  /* "Text" in the log means text with control characters made visible. */
  return gtk_drop_down_get_selected (self->display_dropdown) == 1 ? NP_FORMAT_HEX : NP_FORMAT_ESCAPES;
}

static char *
format_clock (gint64 time_us,
              gboolean millis)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autofree char *hms = g_date_time_format (local, "%H:%M:%S");

  if (!millis)
    return g_steal_pointer (&hms);
  return g_strdup_printf ("%s.%03d", hms, (int) (time_us % G_USEC_PER_SEC / 1000));
}

static char *
format_row_time (NpWindow *self,
                 gint64    time_us)
{
  int format = self->settings != NULL ? g_settings_get_enum (self->settings, "timestamp-format") : 0;

  switch (format)
    {
    case 1:   /* time */
      return format_clock (time_us, FALSE);
    case 2:   /* date-time-ms */
      {
        g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
        g_autofree char *date = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");

        return g_strdup_printf ("%s.%03d", date, (int) (time_us % G_USEC_PER_SEC / 1000));
      }
    case 3:   /* elapsed since the endpoint started */
      return g_strdup_printf ("%.3f", (time_us - self->started_us) / (double) G_USEC_PER_SEC);
    case 0:   /* time-ms */
    default:
      return format_clock (time_us, TRUE);
    }
}

void
np_window_show_error (NpWindow   *self,
            const char *message)
{
  if (self->error_toast != NULL)
    {
      adw_toast_set_title (self->error_toast, message);
      return;
    }

  self->error_toast = adw_toast_new (message);
  adw_toast_set_timeout (self->error_toast, 6);
  g_object_add_weak_pointer (G_OBJECT (self->error_toast), (gpointer *) &self->error_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, self->error_toast);
}

/* ---- rendering -------------------------------------------------------------------------- */

static char *
render (NpWindow *self,
        NpLogRow *row,
        gsize     max_bytes)
{
  GBytes *preview = np_log_row_get_preview (row);
  gsize size;
  const guint8 *data;
  g_autofree char *text = NULL;
  GString *out;

  if (preview == NULL)
    return g_strdup (np_log_row_get_message (row) != NULL ? np_log_row_get_message (row) : "");

  data = g_bytes_get_data (preview, &size);
  text = np_codec_decode (data, MIN (size, max_bytes), np_window_display_format (self),
                          np_window_encoding_from_dropdown (self->rx_encoding_dropdown));
  out = g_string_new (text);
  if (g_utf8_strlen (out->str, -1) > MAX_CELL_CHARS)
    g_string_truncate (out, g_utf8_offset_to_pointer (out->str, MAX_CELL_CHARS) - out->str);
  if (out->len < strlen (text) || size > max_bytes || np_log_row_is_truncated (row))
    {
      g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, np_log_row_get_length (row));

      g_string_append_printf (out, _(" … (%s bytes)"), length);
    }

  return g_string_free (out, FALSE);
}

/**
 * np_window_render_data:
 * Returns: (transfer full): the data cell text for @row in the current format and encoding:
 *   what fits a cell, with the full length when cut
 */
char *
np_window_render_data (NpWindow *self,
                       NpLogRow *row)
{
  return render (self, row, MAX_CELL_BYTES);
}

static const char *
direction_label (NpLogDirection direction)
{
  switch (direction)
    {
    case NP_LOG_DIRECTION_IN:    return C_("direction", "in");
    case NP_LOG_DIRECTION_OUT:   return C_("direction", "out");
    case NP_LOG_DIRECTION_ERROR: return C_("direction", "error");
    case NP_LOG_DIRECTION_INFO:
    default:                     return C_("direction", "info");
    }
}

typedef enum { LOG_TIME, LOG_DIRECTION, LOG_PEER, LOG_LENGTH, LOG_DATA } LogColumn;

/* Log cells are GtkInscriptions: they ask for a fixed size instead of shaping their text to
 * report a natural width, so filling a view with hundreds of rows at once stays cheap. */
static void
setup_log_cell (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  LogColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "np-column"));
  GtkInscription *cell = GTK_INSCRIPTION (gtk_inscription_new (NULL));

  gtk_inscription_set_text_overflow (cell, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_xalign (cell, 0);
  gtk_inscription_set_min_chars (cell, column == LOG_DATA ? 20 : 3);
  gtk_inscription_set_nat_chars (cell, column == LOG_DATA ? 80 : 12);
  gtk_list_item_set_child (item, GTK_WIDGET (cell));
}

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_log_cell (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               NpWindow                 *self)
{
  LogColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "np-column"));
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  NpLogRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = NULL;
  static const char * const classes[] = { "np-dir-in", "np-dir-out", "np-dir-info", "np-dir-error" };

  switch (column)
    {
    case LOG_TIME:
      text = format_row_time (self, np_log_row_get_time (row));
      break;
    case LOG_DIRECTION:
      for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
        gtk_widget_remove_css_class (GTK_WIDGET (cell), classes[i]);
      gtk_widget_add_css_class (GTK_WIDGET (cell), classes[np_log_row_get_direction (row)]);
      text = g_strdup (direction_label (np_log_row_get_direction (row)));
      break;
    case LOG_PEER:
      text = g_strdup (np_log_row_get_peer (row) != NULL ? np_log_row_get_peer (row) : "");
      break;
    case LOG_LENGTH:
      text = np_log_row_get_preview (row) != NULL
             ? g_strdup_printf ("%" G_GSIZE_FORMAT, np_log_row_get_length (row)) : g_strdup ("");
      break;
    case LOG_DATA:
    default:
      text = np_window_render_data (self, row);
      break;
    }

  gtk_inscription_set_text (cell, text);
  /* An inscription does not tell assistive technology its text by itself in GTK 4.8. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
add_column (NpWindow      *self,
            GtkColumnView *view,
            const char    *title,
            int            column,
            GCallback      setup,
            GCallback      bind,
            gboolean       expand,
            int            fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_object_set_data (G_OBJECT (factory), "np-column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", setup, NULL);
  g_signal_connect (factory, "bind", bind, self);

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (view_column, fixed_width);
  gtk_column_view_append_column (view, view_column);
}

/* ---- peers ------------------------------------------------------------------------------ */

typedef enum { PEER_ADDRESS, PEER_SINCE, PEER_IN, PEER_OUT } PeerColumn;

static void
update_peer_cell (NpPeer   *peer,
                  GParamSpec *pspec,
                  GtkLabel *label)
{
  PeerColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "np-column"));
  g_autofree char *text = NULL;

  switch (column)
    {
    case PEER_ADDRESS: text = g_strdup (np_peer_get_address (peer)); break;
    case PEER_SINCE:   text = format_clock (np_peer_get_since (peer), FALSE); break;
    case PEER_IN:      text = g_strdup_printf ("%" G_GUINT64_FORMAT, np_peer_get_bytes_in (peer)); break;
    case PEER_OUT:
    default:           text = g_strdup_printf ("%" G_GUINT64_FORMAT, np_peer_get_bytes_out (peer)); break;
    }
  gtk_label_set_text (label, text);
}

static void
bind_peer_cell (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                NpWindow                 *self)
{
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "np-column"));
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  NpPeer *peer = gtk_list_item_get_item (item);

  g_object_set_data (G_OBJECT (label), "np-column", GINT_TO_POINTER (column));
  update_peer_cell (peer, NULL, label);
  if (column == PEER_IN || column == PEER_OUT)
    {
      gulong id = g_signal_connect_object (peer, column == PEER_IN ? "notify::bytes-in" : "notify::bytes-out",
                                           G_CALLBACK (update_peer_cell), label, 0);

      g_object_set_data (G_OBJECT (item), "np-handler", GSIZE_TO_POINTER (id));
    }
}

static void
unbind_peer_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  NpWindow                 *self)
{
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "np-handler"));
  NpPeer *peer = gtk_list_item_get_item (item);

  if (id != 0 && peer != NULL)
    g_signal_handler_disconnect (peer, id);
  g_object_set_data (G_OBJECT (item), "np-handler", NULL);
}

static NpPeer *
find_peer (NpWindow *self,
           guint64   id)
{
  return g_hash_table_lookup (self->peers_by_id, &id);
}

static NpPeer *
add_peer (NpWindow      *self,
          const NpEvent *event)
{
  g_autoptr(NpPeer) peer = np_peer_new (event->peer_id, event->peer, event->time_us);
  guint64 *key = g_new (guint64, 1);

  *key = event->peer_id;
  g_hash_table_insert (self->peers_by_id, key, peer);
  g_list_store_append (self->peers, peer);

  return peer;
}

static void
remove_peer (NpWindow *self,
             guint64   id)
{
  NpPeer *peer = find_peer (self, id);
  guint position;

  if (peer != NULL && g_list_store_find (self->peers, peer, &position))
    g_list_store_remove (self->peers, position);
  g_hash_table_remove (self->peers_by_id, &id);
}

static void
clear_peers (NpWindow *self)
{
  g_hash_table_remove_all (self->peers_by_id);
  g_list_store_remove_all (self->peers);
}

static GArray *
selected_peer_ids (NpWindow *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->peer_selection));
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint64));
  GtkBitsetIter iter;
  guint position;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(NpPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), position);
      guint64 id = np_peer_get_id (peer);

      g_array_append_val (ids, id);
    }

  return ids;
}

/* ---- status ----------------------------------------------------------------------------- */

static void
update_status (NpWindow *self)
{
  g_autofree char *status = NULL;
  g_autofree char *rate = g_format_size ((guint64) self->send_rate);
  guint64 dropped = np_log_model_get_dropped (self->log);

  g_autofree char *in_bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, self->bytes_in);
  g_autofree char *in_messages = g_strdup_printf ("%" G_GUINT64_FORMAT, self->messages_in);
  g_autofree char *out_bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, self->bytes_out);
  g_autofree char *out_messages = g_strdup_printf ("%" G_GUINT64_FORMAT, self->messages_out);
  guint peers = g_list_model_get_n_items (G_LIST_MODEL (self->peers));

  /* Numbers are formatted first: gettext cannot see through G_GUINT64_FORMAT. */
  if (self->running_mode == NP_MODE_UDP)
    status = g_strdup_printf (_("In %s B / %s msg   Out %s B / %s msg   Peers heard %u   Send rate %s/s"),
                              in_bytes, in_messages, out_bytes, out_messages, peers, rate);
  else
    status = g_strdup_printf (_("In %s B / %s msg   Out %s B / %s msg   Clients %u   Send rate %s/s"),
                              in_bytes, in_messages, out_bytes, out_messages, peers, rate);
  gtk_label_set_text (self->status_label, status);

  if (dropped > 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, dropped);
      g_autofree char *text = g_strdup_printf (_("%s oldest rows dropped from view"), count);
      gtk_label_set_text (self->dropped_label, text);
    }
  else
    gtk_label_set_text (self->dropped_label, "");
}

/* The send rate needs a clock, but only while bytes flow: the timer stops itself after a quiet
 * second, so an idle window has no timers. */
static gboolean
on_rate_tick (gpointer user_data)
{
  NpWindow *self = user_data;

  self->send_rate = (double) self->rate_bytes;
  self->rate_bytes = 0;
  update_status (self);

  if (self->send_rate == 0)
    {
      self->rate_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
count_sent (NpWindow *self,
            gsize     bytes)
{
  self->rate_bytes += bytes;
  if (self->rate_id == 0)
    {
      self->rate_id = g_timeout_add_seconds (1, on_rate_tick, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->rate_id), "[netpoke] send rate");
    }
}

/* ---- auto-scroll ------------------------------------------------------------------------ */

static gboolean
at_bottom (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 2;
}

static void
scroll_to_end (NpWindow *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);

  self->scrolling = TRUE;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                        - gtk_adjustment_get_page_size (adjustment));
  self->scrolling = FALSE;
}

static void
on_log_adjustment_changed (GtkAdjustment *adjustment,
                           NpWindow      *self)
{
  if (self->follow)
    scroll_to_end (self);
}

static void
on_log_value_changed (GtkAdjustment *adjustment,
                      NpWindow      *self)
{
  /* Scrolling up pauses following; coming back to the bottom resumes it. */
  if (!self->scrolling)
    self->follow = at_bottom (adjustment);
}

/* ---- filter ----------------------------------------------------------------------------- */

static gboolean
filter_row (gpointer item,
            gpointer user_data)
{
  NpWindow *self = user_data;
  NpLogRow *row = item;
  g_autofree char *data = NULL;
  g_autofree char *folded = NULL;

  if (self->filter_text == NULL)
    return TRUE;

  if (np_log_row_get_peer (row) != NULL && strstr (np_log_row_get_peer (row), self->filter_text) != NULL)
    return TRUE;

  data = np_window_render_data (self, row);
  folded = g_utf8_casefold (data, -1);
  return strstr (folded, self->filter_text) != NULL;
}

static void
on_search_changed (GtkSearchEntry *entry,
                   NpWindow       *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->filter_text, g_free);
  if (text[0] != '\0')
    self->filter_text = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_render_settings_changed (NpWindow *self)
{
  /* Re-render every row from its stored bytes; the filter depends on the rendering too. */
  np_log_model_refresh (self->log);
  if (self->filter_text != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* ---- events from the engine ------------------------------------------------------------- */

static void
handle_event (NpWindow  *self,
              NpEvent   *event,
              GPtrArray *dirty_peers)
{
  NpPeer *peer;
  gboolean current = event->endpoint_id == self->endpoint_id;

  switch (event->kind)
    {
    case NP_EVENT_LISTENING:
      if (current)
        {
          g_autofree char *subtitle = g_strdup_printf (_("Listening on %s"), event->peer);

          g_free (self->local_address);
          self->local_address = g_strdup (event->peer);
          adw_window_title_set_subtitle (self->window_title, subtitle);
        }
      break;

    case NP_EVENT_CONNECTED:
      if (!current)
        break;
      if (self->running_mode == NP_MODE_TCP_CLIENT)
        {
          g_autofree char *subtitle = g_strdup_printf (_("Connected to %s"), event->peer);

          adw_window_title_set_subtitle (self->window_title, subtitle);
        }
      else
        add_peer (self, event);
      break;

    case NP_EVENT_DISCONNECTED:
      if (current)
        remove_peer (self, event->peer_id);
      break;

    case NP_EVENT_RECEIVED:
    case NP_EVENT_SENT:
      if (event->kind == NP_EVENT_RECEIVED)
        {
          self->bytes_in += event->length;
          self->messages_in++;
        }
      else
        {
          /* One SENT per send operation: each peer it counts got all of it. */
          self->bytes_out += event->length * event->n_peers;
          self->messages_out += event->n_messages * event->n_peers;
          count_sent (self, event->length * event->n_peers);
        }
      if (!current || self->running_mode == NP_MODE_TCP_CLIENT)
        break;
      if (event->kind == NP_EVENT_SENT && event->n_peers > 1)
        {
          /* A send to several peers names them (up to NP_EVENT_MAX_PEER_IDS) in peer_ids. */
          for (guint i = 0; event->peer_ids != NULL && i < event->peer_ids->len; i++)
            if ((peer = find_peer (self, g_array_index (event->peer_ids, guint64, i))) != NULL)
              {
                np_peer_add_traffic (peer, 0, event->length);
                if (!g_ptr_array_find (dirty_peers, peer, NULL))
                  g_ptr_array_add (dirty_peers, g_object_ref (peer));
              }
          break;
        }
      peer = find_peer (self, event->peer_id);
      if (peer == NULL && self->running_mode == NP_MODE_UDP)
        peer = add_peer (self, event);     /* a UDP peer is "connected" once heard from */
      if (peer != NULL)
        {
          np_peer_add_traffic (peer, event->kind == NP_EVENT_RECEIVED ? event->length : 0,
                               event->kind == NP_EVENT_SENT ? event->length : 0);
          if (!g_ptr_array_find (dirty_peers, peer, NULL))
            g_ptr_array_add (dirty_peers, g_object_ref (peer));
        }
      break;

    case NP_EVENT_ERROR:
      np_window_show_error (self, event->message);
      break;

    case NP_EVENT_STOPPED:
      if (!current)
        break;
      self->running = FALSE;
      self->endpoint_id = 0;
      g_clear_pointer (&self->local_address, g_free);
      set_repeating (self, FALSE);
      clear_peers (self);
      adw_window_title_set_subtitle (self->window_title, event->failed ? _("Failed") : _("Stopped"));
      if (event->failed)
        np_window_show_error (self, event->message);
      g_ptr_array_set_size (dirty_peers, 0);
      break;

    default:
      break;
    }
}

static gboolean
on_fill (gpointer user_data)
{
  NpWindow *self = user_data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  guint take = n < FILL_ROWS ? MIN (FILL_CHUNK, self->pending_rows->len) : self->pending_rows->len;
  g_autoptr(GPtrArray) chunk = g_ptr_array_new_full (take, g_object_unref);

  for (guint i = 0; i < take; i++)
    g_ptr_array_add (chunk, g_ptr_array_steal_index (self->pending_rows, 0));
  np_log_model_append (self->log, chunk);

  if (self->pending_rows->len > 0)
    return G_SOURCE_CONTINUE;
  self->fill_id = 0;
  return G_SOURCE_REMOVE;
}

/* One splice per batch once the view is full; a nearly empty view is filled a chunk per
 * main-loop turn (lower priority than redraw), so frames keep coming while it fills. */
static void
append_rows (NpWindow  *self,
             GPtrArray *rows)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->log));

  /* Nothing waiting (order!), and either a full view or a small batch: splice now. */
  if (self->fill_id == 0 && (n >= FILL_ROWS || rows->len <= FILL_CHUNK))
    {
      np_log_model_append (self->log, rows);
      return;
    }

  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (self->pending_rows, g_object_ref (g_ptr_array_index (rows, i)));
  if (self->fill_id == 0)
    {
      self->fill_id = g_idle_add (on_fill, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->fill_id), "[netpoke] fill log");
    }
}

static void
on_events (GPtrArray *batch,
           gpointer   user_data)
{
  NpWindow *self = user_data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (batch->len, g_object_unref);
  /* Holds references: a peer may disconnect later in the same batch. */
  g_autoptr(GPtrArray) dirty_peers = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean state_changed = FALSE;

  for (guint i = 0; i < batch->len; i++)
    {
      NpEvent *event = g_ptr_array_index (batch, i);

      handle_event (self, event, dirty_peers);
      g_ptr_array_add (rows, np_log_row_new_from_event (event));
      state_changed |= event->kind != NP_EVENT_RECEIVED && event->kind != NP_EVENT_SENT;
    }

  append_rows (self, rows);

  for (guint i = 0; i < dirty_peers->len; i++)
    np_peer_notify_traffic (g_ptr_array_index (dirty_peers, i));

  if (state_changed)
    update_state (self);
  update_status (self);
}

/* ---- validation and starting ------------------------------------------------------------ */

static void
mark_entry (GtkEntry *entry,
            gboolean  bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
}

char *
np_window_entry_text (GtkEntry *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

const char * const np_window_framing_specs[] = { "raw", "line", "ascii16", "u16be", "u32be", NULL };

const char *
np_window_selected_framing (NpWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->framing_dropdown);

  return np_window_framing_specs[MIN (selected, 4u)];
}

/* Builds the endpoint config from the fields, or says what is wrong and marks the field. */
static NpEndpointConfig *
build_config (NpWindow  *self,
              char     **message)
{
  NpMode mode = np_window_selected_mode (self);
  g_autoptr(NpEndpointConfig) config = np_endpoint_config_new (mode);
  g_autofree char *address = np_window_entry_text (self->address_entry);
  g_autofree char *port = np_window_entry_text (self->port_entry);
  g_autofree char *destination = np_window_entry_text (self->destination_entry);
  g_autoptr(GError) error = NULL;
  GtkEntry *bad = NULL;

  mark_entry (self->address_entry, FALSE);
  mark_entry (self->port_entry, FALSE);
  mark_entry (self->destination_entry, FALSE);

  if (mode == NP_MODE_TCP_CLIENT)
    {
      if (address[0] == '\0')
        {
          *message = g_strdup (_("Enter the host to connect to"));
          bad = self->address_entry;
        }
      else if (address[0] == '[' && address[strlen (address) - 1] == ']')
        config->host = g_strndup (address + 1, strlen (address) - 2);
      else
        config->host = g_strdup (address);
    }
  else if (address[0] != '\0')
    {
      g_autoptr(GInetAddress) inet = np_address_parse_ip (address, NULL);

      if (inet == NULL)
        {
          *message = g_strdup_printf (_("“%s” is not an IP address of this computer; leave it empty for all addresses"), address);
          bad = self->address_entry;
        }
      else
        config->bind_address = g_strdup (address);
    }

  if (bad == NULL)
    {
      guint16 *target = mode == NP_MODE_TCP_CLIENT ? &config->remote_port : &config->port;
      guint64 value;

      if (mode == NP_MODE_UDP && port[0] == '\0')
        *target = 0;   /* any free port */
      else if (!g_ascii_string_to_unsigned (port, 10, mode == NP_MODE_UDP ? 0 : 1, 65535, &value, NULL))
        {
          *message = g_strdup (mode == NP_MODE_UDP ? _("Port must be 0–65535 (or empty for any)")
                                                   : _("Port must be 1–65535"));
          bad = self->port_entry;
        }
      else
        *target = (guint16) value;
    }

  if (bad == NULL && mode == NP_MODE_UDP && destination[0] != '\0'
      && !np_address_split (destination, &config->host, &config->remote_port, &error))
    {
      *message = g_strdup (error->message);
      bad = self->destination_entry;
    }

  if (bad != NULL)
    {
      mark_entry (bad, TRUE);
      return NULL;
    }

  if (mode != NP_MODE_UDP)
    config->framer = np_framer_new_from_string (np_window_selected_framing (self), NULL);

  return g_steal_pointer (&config);
}

static void
validate (NpWindow *self)
{
  g_autofree char *message = NULL;
  g_autoptr(NpEndpointConfig) config = build_config (self, &message);

  g_clear_pointer (&self->validation, g_free);
  self->validation = g_steal_pointer (&message);
  gtk_label_set_text (self->validation_label, self->validation != NULL ? self->validation : "");
  gtk_revealer_set_reveal_child (self->validation_revealer, self->validation != NULL);
  update_state (self);
}

static void
update_mode_fields (NpWindow *self)
{
  NpMode mode = np_window_selected_mode (self);

  gtk_entry_set_placeholder_text (self->address_entry,
                                  mode == NP_MODE_TCP_CLIENT ? _("Host") : _("All addresses"));
  gtk_entry_set_placeholder_text (self->port_entry, mode == NP_MODE_UDP ? _("Any port") : _("Port"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->address_entry),
                               mode == NP_MODE_TCP_CLIENT ? _("Host or IP address to connect to")
                                                          : _("Local IP address to listen on (empty: all)"));
  gtk_widget_set_visible (GTK_WIDGET (self->destination_entry), mode == NP_MODE_UDP);
  gtk_widget_set_visible (GTK_WIDGET (self->peer_pane), mode != NP_MODE_TCP_CLIENT);
  gtk_label_set_text (self->peer_title, mode == NP_MODE_UDP ? _("Peers Heard") : _("Clients"));
  gtk_button_set_label (self->send_selected_button, mode == NP_MODE_UDP ? _("Reply to Selected") : _("Send to Selected"));
  gtk_button_set_label (self->send_all_button, mode == NP_MODE_UDP ? _("Send to All Heard") : _("Send to All"));
  gtk_widget_set_visible (GTK_WIDGET (self->disconnect_button), mode == NP_MODE_TCP_SERVER);
  validate (self);
}

static void
update_state (NpWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->peer_selection));
  gboolean has_selection = !gtk_bitset_is_empty (selected);
  gboolean multi = self->running && self->running_mode != NP_MODE_TCP_CLIENT;
  gboolean client = np_window_selected_mode (self) == NP_MODE_TCP_CLIENT;

  gtk_widget_action_set_enabled (widget, "win.start", !self->running && self->validation == NULL);
  gtk_widget_action_set_enabled (widget, "win.stop", self->running);
  gtk_widget_action_set_enabled (widget, "win.send", self->running);
  gtk_widget_action_set_enabled (widget, "win.repeat", self->running);
  gtk_widget_action_set_enabled (widget, "win.send-all", multi);
  gtk_widget_action_set_enabled (widget, "win.send-selected", multi && has_selection);
  gtk_widget_action_set_enabled (widget, "win.disconnect",
                                 multi && has_selection && self->running_mode == NP_MODE_TCP_SERVER);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->start_button), self->running ? "win.stop" : "win.start");
  gtk_button_set_label (self->start_button,
                        self->running ? (client ? _("Disconnect") : _("Stop"))
                                      : (client ? _("Connect") : _("Start")));
  if (self->running)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->start_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->start_button), "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->start_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->start_button), "suggested-action");
    }

  /* The endpoint's settings are fixed while it runs. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_dropdown), !self->running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->framing_dropdown), !self->running);
  gtk_editable_set_editable (GTK_EDITABLE (self->address_entry), !self->running);
  gtk_editable_set_editable (GTK_EDITABLE (self->port_entry), !self->running);
  gtk_editable_set_editable (GTK_EDITABLE (self->destination_entry), !self->running);
}

void
np_window_start (NpWindow *self)
{
  g_autofree char *message = NULL;
  g_autoptr(NpEndpointConfig) config = NULL;

  g_return_if_fail (NP_IS_WINDOW (self));

  if (self->running)
    return;

  config = build_config (self, &message);
  if (config == NULL)
    {
      validate (self);
      np_window_show_error (self, message);
      return;
    }

  if (self->settings != NULL)
    {
      g_autofree char *address = np_window_entry_text (self->address_entry);
      g_autofree char *port = np_window_entry_text (self->port_entry);
      g_autofree char *destination = np_window_entry_text (self->destination_entry);

      g_settings_set_enum (self->settings, "mode", config->mode);
      g_settings_set_string (self->settings, "address", address);
      g_settings_set_string (self->settings, "port", port);
      g_settings_set_string (self->settings, "destination", destination);
    }

  clear_peers (self);
  self->started_us = g_get_real_time ();
  self->running_mode = config->mode;
  self->running = TRUE;
  self->endpoint_id = np_engine_start (self->engine, config);
  adw_window_title_set_subtitle (self->window_title,
                                 config->mode == NP_MODE_TCP_CLIENT ? _("Connecting…") : _("Starting…"));
  update_state (self);
}

/* ---- sending ---------------------------------------------------------------------------- */

char *
np_window_draft_text (NpWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->send_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GBytes *
encode_draft (NpWindow *self,
              gboolean  remember)
{
  g_autofree char *text = np_window_draft_text (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) full = g_string_new (text);
  NpFormat format = (NpFormat) gtk_drop_down_get_selected (self->send_format_dropdown);
  GBytes *payload;

  if (text[0] == '\0')
    {
      np_window_show_error (self, _("Type a message to send first"));
      return NULL;
    }

  if (gtk_check_button_get_active (self->crlf_check))
    g_string_append (full, format == NP_FORMAT_HEX ? " 0D 0A" : format == NP_FORMAT_ESCAPES ? "\\r\\n" : "\r\n");

  payload = np_codec_encode (full->str, full->len, format,
                             np_window_encoding_from_dropdown (self->tx_encoding_dropdown), &error);
  if (payload == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Not sent: %s"), error->message);

      np_window_show_error (self, message);
      return NULL;
    }

  if (remember && (self->history->len == 0
                   || !g_str_equal (g_ptr_array_index (self->history, self->history->len - 1), text)))
    {
      g_ptr_array_add (self->history, g_strdup (text));
      if (self->history->len > HISTORY_SIZE)
        g_ptr_array_remove_index (self->history, 0);
    }
  self->history_pos = self->history->len;

  return payload;
}

static void
send_to (NpWindow *self,
         GArray   *peer_ids,
         gboolean  remember)
{
  g_autoptr(GBytes) payload = NULL;

  if (!self->running)
    return;

  payload = encode_draft (self, remember);
  if (payload == NULL)
    {
      set_repeating (self, FALSE);
      return;
    }

  np_engine_send (self->engine, self->endpoint_id,
                  peer_ids != NULL ? (const guint64 *) peer_ids->data : NULL,
                  peer_ids != NULL ? peer_ids->len : 0, payload);
}

static gboolean
on_repeat (gpointer user_data)
{
  NpWindow *self = user_data;

  send_to (self, NULL, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
set_repeating (NpWindow *self,
               gboolean  repeating)
{
  repeating = repeating && self->running;
  if (self->repeating == repeating)
    return;

  self->repeating = repeating;
  g_clear_handle_id (&self->repeat_id, g_source_remove);
  if (repeating)
    {
      guint interval = (guint) gtk_spin_button_get_value_as_int (self->repeat_spin);

      send_to (self, NULL, TRUE);
      if (self->repeating)
        self->repeat_id = g_timeout_add (interval, on_repeat, self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPEATING]);
}

static void
show_history (NpWindow *self,
              int       step)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->send_view);
  int position = (int) self->history_pos + step;

  if (position < 0 || position > (int) self->history->len || self->history->len == 0)
    return;

  self->history_pos = position;
  gtk_text_buffer_set_text (buffer,
                            position < (int) self->history->len ? g_ptr_array_index (self->history, position) : "",
                            -1);
}

/* ---- actions ---------------------------------------------------------------------------- */

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  np_window_start (NP_WINDOW (widget));
}

static void
on_stop_response (AdwMessageDialog *dialog,
                  const char       *response,
                  NpWindow         *self)
{
  if (g_str_equal (response, "stop") && self->running)
    np_engine_stop (self->engine, self->endpoint_id);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  guint n_clients = g_list_model_get_n_items (G_LIST_MODEL (self->peers));
  GtkWidget *dialog;

  if (!self->running)
    return;

  if (self->running_mode != NP_MODE_TCP_SERVER || n_clients == 0 || self->settings == NULL
      || !g_settings_get_boolean (self->settings, "confirm-stop"))
    {
      np_engine_stop (self->engine, self->endpoint_id);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Stop the Server?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "%u client is connected and will be disconnected.",
                                               "%u clients are connected and will be disconnected.",
                                               n_clients),
                                  n_clients);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "stop", _("_Stop"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_stop_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
toggle_running_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  gtk_widget_activate_action (widget, self->running ? "win.stop" : "win.start", NULL);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  send_to (NP_WINDOW (widget), NULL, TRUE);
}

static void
send_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint64));

  /* UDP: everyone heard from, named explicitly (the default target is the destination). */
  if (self->running_mode == NP_MODE_UDP)
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->peers)); i++)
        {
          g_autoptr(NpPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);
          guint64 id = np_peer_get_id (peer);

          g_array_append_val (ids, id);
        }
      if (ids->len == 0)
        {
          np_window_show_error (self, _("No peer has been heard from yet"));
          return;
        }
    }

  send_to (self, ids->len > 0 ? ids : NULL, TRUE);
}

static void
send_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GArray) ids = selected_peer_ids (self);

  if (ids->len == 0)
    {
      np_window_show_error (self, _("Select one or more clients first"));
      return;
    }
  send_to (self, ids, TRUE);
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GArray) ids = selected_peer_ids (self);

  for (guint i = 0; i < ids->len; i++)
    np_engine_disconnect_peer (self->engine, self->endpoint_id, g_array_index (ids, guint64, i));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  g_clear_handle_id (&self->fill_id, g_source_remove);
  g_ptr_array_set_size (self->pending_rows, 0);
  np_log_model_clear (self->log);
  self->follow = TRUE;
  update_status (self);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
copy_rows_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->log_selection));
  g_autoptr(GString) text = g_string_new (NULL);
  GtkBitsetIter iter;
  guint position;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(NpLogRow) row = g_list_model_get_item (G_LIST_MODEL (self->log_selection), position);
      g_autofree char *time = format_row_time (self, np_log_row_get_time (row));
      g_autofree char *data = render (self, row, G_MAXSIZE);

      g_string_append_printf (text, "%s\t%s\t%s\t%" G_GSIZE_FORMAT "\t%s\n", time,
                              direction_label (np_log_row_get_direction (row)),
                              np_log_row_get_peer (row) != NULL ? np_log_row_get_peer (row) : "",
                              np_log_row_get_length (row), data);
    }

  if (text->len == 0)
    {
      np_window_show_error (self, _("Select rows in the log to copy them"));
      return;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text->str);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  show_history (NP_WINDOW (widget), g_str_equal (action_name, "win.history-previous") ? -1 : 1);
}

/* ---- object ----------------------------------------------------------------------------- */

static void
sample_counters (gpointer  user_data,
                 guint64  *bytes_in,
                 guint    *rows,
                 guint64  *rows_dropped)
{
  NpWindow *self = user_data;

  *bytes_in = self->bytes_in;
  *rows = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  *rows_dropped = np_log_model_get_dropped (self->log);
}

static void
np_window_dispose (GObject *object)
{
  NpWindow *self = (NpWindow *)object;

  if (self->probe != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!np_stall_probe_write (self->probe, &error))
        g_printerr ("netpoke: NETPOKE_STATS: %s\n", error->message);
      g_clear_object (&self->probe);
    }

  g_clear_handle_id (&self->repeat_id, g_source_remove);
  g_clear_handle_id (&self->rate_id, g_source_remove);
  g_clear_handle_id (&self->fill_id, g_source_remove);
  if (self->engine != NULL)
    {
      /* Stop every endpoint and join the engine thread before the window goes. */
      np_engine_shutdown (self->engine);
      np_event_queue_close (np_engine_get_queue (self->engine));
      g_clear_object (&self->engine);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_WINDOW);

  g_clear_object (&self->log_selection);
  g_clear_object (&self->peer_selection);
  g_clear_object (&self->log);
  g_clear_object (&self->peers);
  g_clear_pointer (&self->peers_by_id, g_hash_table_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->pending_rows, g_ptr_array_unref);
  g_clear_pointer (&self->saved, g_ptr_array_unref);
  g_clear_object (&self->workspace_file);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (np_window_parent_class)->dispose (object);
}

static void
np_window_finalize (GObject *object)
{
  NpWindow *self = (NpWindow *)object;

  g_free (self->local_address);
  g_free (self->validation);
  g_free (self->filter_text);

  G_OBJECT_CLASS (np_window_parent_class)->finalize (object);
}

static void
np_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  NpWindow *self = NP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_REPEATING:
      g_value_set_boolean (value, self->repeating);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  NpWindow *self = NP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_REPEATING:
      set_repeating (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_window_class_init (NpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_window_dispose;
  object_class->finalize = np_window_finalize;
  object_class->get_property = np_window_get_property;
  object_class->set_property = np_window_set_property;

  properties[PROP_REPEATING] =
    g_param_spec_boolean ("repeating", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/netpoke/Netpoke/np-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, address_entry);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, port_entry);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, destination_entry);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, validation_revealer);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, validation_label);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, display_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, framing_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, rx_encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, filter_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, dropped_label);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, log_scroller);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, log_view);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, send_view);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, send_format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, tx_encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, crlf_check);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, repeat_spin);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, saved_box);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, peer_pane);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, peer_title);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, peer_view);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, send_selected_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, send_all_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, disconnect_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, status_label);

  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-running", NULL, toggle_running_action);
  gtk_widget_class_install_action (widget_class, "win.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "win.send-all", NULL, send_all_action);
  gtk_widget_class_install_action (widget_class, "win.send-selected", NULL, send_selected_action);
  gtk_widget_class_install_action (widget_class, "win.disconnect", NULL, disconnect_action);
  gtk_widget_class_install_action (widget_class, "win.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.copy-rows", NULL, copy_rows_action);
  gtk_widget_class_install_action (widget_class, "win.history-previous", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.history-next", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.save-message", NULL, np_window_save_message_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, np_window_open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, np_window_save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, np_window_save_as_action);
  gtk_widget_class_install_property_action (widget_class, "win.repeat", "repeating");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "win.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.toggle-running", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.copy-rows", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_CONTROL_MASK, "win.history-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_CONTROL_MASK, "win.history-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
}

static void
setup_log_view (NpWindow *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);

  self->log = np_log_model_new ();
  self->filter = gtk_custom_filter_new (filter_row, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->log)),
                                              GTK_FILTER (self->filter));
  self->log_selection = gtk_multi_selection_new (G_LIST_MODEL (self->filtered));
  gtk_column_view_set_model (self->log_view, GTK_SELECTION_MODEL (self->log_selection));

  add_column (self, self->log_view, _("Time"), LOG_TIME, G_CALLBACK (setup_log_cell), G_CALLBACK (bind_log_cell), FALSE, 110);
  add_column (self, self->log_view, _("Dir"), LOG_DIRECTION, G_CALLBACK (setup_log_cell), G_CALLBACK (bind_log_cell), FALSE, 56);
  add_column (self, self->log_view, _("Peer"), LOG_PEER, G_CALLBACK (setup_log_cell), G_CALLBACK (bind_log_cell), FALSE, 170);
  add_column (self, self->log_view, _("Length"), LOG_LENGTH, G_CALLBACK (setup_log_cell), G_CALLBACK (bind_log_cell), FALSE, 70);
  add_column (self, self->log_view, _("Data"), LOG_DATA, G_CALLBACK (setup_log_cell), G_CALLBACK (bind_log_cell), TRUE, -1);

  self->follow = TRUE;
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_log_adjustment_changed), self, 0);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_log_value_changed), self, 0);
  g_signal_connect_object (self->log, "notify::dropped", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self, 0);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->display_dropdown, "notify::selected",
                           G_CALLBACK (on_render_settings_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->rx_encoding_dropdown, "notify::selected",
                           G_CALLBACK (on_render_settings_changed), self, G_CONNECT_SWAPPED);
}

static void
setup_peer_view (NpWindow *self)
{
  self->peers = g_list_store_new (NP_TYPE_PEER);
  self->peers_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->peer_selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->peers)));
  gtk_column_view_set_model (self->peer_view, GTK_SELECTION_MODEL (self->peer_selection));

  add_column (self, self->peer_view, _("Address"), PEER_ADDRESS, G_CALLBACK (setup_label), G_CALLBACK (bind_peer_cell), TRUE, -1);
  add_column (self, self->peer_view, _("Since"), PEER_SINCE, G_CALLBACK (setup_label), G_CALLBACK (bind_peer_cell), FALSE, 76);
  add_column (self, self->peer_view, _("In"), PEER_IN, G_CALLBACK (setup_label), G_CALLBACK (bind_peer_cell), FALSE, 64);
  add_column (self, self->peer_view, _("Out"), PEER_OUT, G_CALLBACK (setup_label), G_CALLBACK (bind_peer_cell), FALSE, 64);

  /* Cells of in/out counters follow their peer while bound; unbinding drops the handler. */
  {
    GListModel *columns = gtk_column_view_get_columns (self->peer_view);

    for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

        g_signal_connect (gtk_column_view_column_get_factory (column), "unbind",
                          G_CALLBACK (unbind_peer_cell), self);
      }
  }

  g_signal_connect_object (self->peer_selection, "selection-changed",
                           G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->peers, "items-changed", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
}

static void
on_after_paint (GdkFrameClock *clock,
                NpWindow      *self)
{
  if (self->probe != NULL)
    np_stall_probe_first_frame (self->probe);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, self);
}

static void
on_realize (NpWindow *self)
{
  if (self->probe != NULL)
    g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                             G_CALLBACK (on_after_paint), self, 0);
}

/* The schema is looked up, not assumed: an uninstalled or foreign build still runs. */
static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL
                                      ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  if (schema == NULL)
    {
      g_message ("Settings schema %s is not installed: settings will not be kept", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
on_close_request (NpWindow *self)
{
  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
    }
  return FALSE;
}

static void
on_encoding_setting_changed (GSettings  *settings,
                             const char *key,
                             NpWindow   *self)
{
  gtk_drop_down_set_selected (g_str_equal (key, "receive-encoding") ? self->rx_encoding_dropdown
                                                                     : self->tx_encoding_dropdown,
                              (guint) g_settings_get_enum (settings, key));
}

static void
apply_settings (NpWindow *self)
{
  g_autofree char *address = NULL;
  g_autofree char *port = NULL;
  g_autofree char *destination = NULL;

  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  address = g_settings_get_string (self->settings, "address");
  port = g_settings_get_string (self->settings, "port");
  destination = g_settings_get_string (self->settings, "destination");
  np_window_set_endpoint (self, (NpMode) g_settings_get_enum (self->settings, "mode"), address, port, destination);

  g_settings_bind (self->settings, "log-row-cap", self->log, "cap", G_SETTINGS_BIND_GET);
  on_encoding_setting_changed (self->settings, "receive-encoding", self);
  on_encoding_setting_changed (self->settings, "send-encoding", self);
  g_signal_connect_object (self->settings, "changed::receive-encoding",
                           G_CALLBACK (on_encoding_setting_changed), self, 0);
  g_signal_connect_object (self->settings, "changed::send-encoding",
                           G_CALLBACK (on_encoding_setting_changed), self, 0);
  g_signal_connect_object (self->settings, "changed::timestamp-format",
                           G_CALLBACK (on_render_settings_changed), self, G_CONNECT_SWAPPED);
}

static void
np_window_init (NpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->history = g_ptr_array_new_with_free_func (g_free);
  self->pending_rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->saved = g_ptr_array_new_with_free_func ((GDestroyNotify) np_window_saved_message_free);
  setup_log_view (self);
  setup_peer_view (self);

  self->engine = np_engine_new (NULL, on_events, self, NULL);
  if (g_getenv ("NETPOKE_STATS") != NULL && g_getenv ("NETPOKE_STATS")[0] != '\0')
    {
      self->probe = np_stall_probe_new (g_getenv ("NETPOKE_STATS"), sample_counters, self);
      g_signal_connect (self, "realize", G_CALLBACK (on_realize), NULL);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->port_entry), "8080");
  g_signal_connect_object (self->mode_dropdown, "notify::selected", G_CALLBACK (update_mode_fields), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->address_entry, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_entry, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->destination_entry, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->address_entry, "activate", G_CALLBACK (np_window_start), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_entry, "activate", G_CALLBACK (np_window_start), self, G_CONNECT_SWAPPED);

  update_mode_fields (self);
  self->settings = open_settings ();
  apply_settings (self);
  np_window_restore_last_workspace (self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  update_status (self);
}

/**
 * np_window_get_settings:
 * Returns: (transfer none) (nullable): the app's settings, if the schema is installed
 */
GSettings *
np_window_get_settings (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);
  return self->settings;
}

NpWindow *
np_window_new (GtkApplication *application)
{
  return g_object_new (NP_TYPE_WINDOW, "application", application, NULL);
}

/* Fills the fields as if typed (for the command line and tests). */
void
np_window_set_endpoint (NpWindow   *self,
                        NpMode      mode,
                        const char *address,
                        const char *port,
                        const char *destination)
{
  g_return_if_fail (NP_IS_WINDOW (self));

  gtk_drop_down_set_selected (self->mode_dropdown, mode);
  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), address != NULL ? address : "");
  if (port != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->port_entry), port);
  gtk_editable_set_text (GTK_EDITABLE (self->destination_entry), destination != NULL ? destination : "");
  validate (self);
}

guint64
np_window_get_bytes_in (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), 0);
  return self->bytes_in;
}

NpLogModel *
np_window_get_log_model (NpWindow *self)
{
  return self->log;
}

GListModel *
np_window_get_visible_log (NpWindow *self)
{
  return G_LIST_MODEL (self->filtered);
}

GListModel *
np_window_get_peers (NpWindow *self)
{
  return G_LIST_MODEL (self->peers);
}

const char *
np_window_get_validation (NpWindow *self)
{
  return self->validation;
}

gboolean
np_window_is_running (NpWindow *self)
{
  return self->running;
}

/* The real local port once listening (0 before). */
guint
np_window_get_endpoint_port (NpWindow *self)
{
  const char *colon;

  if (self->local_address == NULL || (colon = strrchr (self->local_address, ':')) == NULL)
    return 0;
  return (guint) g_ascii_strtoull (colon + 1, NULL, 10);
}
