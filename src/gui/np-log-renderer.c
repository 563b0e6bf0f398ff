#define G_LOG_DOMAIN "np-log-renderer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-gui-enum-types.h"
#include "np-enum-types.h"
#include "np-log-renderer.h"

/* A cell decodes only the bytes it can show: hex and \xNN take up to four characters a byte. */
#define CELL_BYTES (NP_LOG_CELL_CHARS / 2)

struct _NpLogRenderer
{
  GObject            parent_instance;

  NpFormat           display;    /* TEXT (control characters shown as escapes) or HEX */
  NpEncoding         encoding;
  NpTimestampFormat  timestamp_format;
  gint64             started_us; /* when the endpoint started: elapsed times */
};

enum { PROP_0, PROP_DISPLAY, PROP_ENCODING, PROP_TIMESTAMP_FORMAT, PROP_STARTED, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpLogRenderer, np_log_renderer, G_TYPE_OBJECT)

static void
np_log_renderer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  NpLogRenderer *self = NP_LOG_RENDERER (object);

  switch (prop_id)
    {
    case PROP_DISPLAY:          g_value_set_enum (value, self->display); break;
    case PROP_ENCODING:         g_value_set_enum (value, self->encoding); break;
    case PROP_TIMESTAMP_FORMAT: g_value_set_enum (value, self->timestamp_format); break;
    case PROP_STARTED:          g_value_set_int64 (value, self->started_us); break;
    default:                    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_enum (NpLogRenderer *self,
          int           *field,
          int            value,
          guint          prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
np_log_renderer_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  NpLogRenderer *self = NP_LOG_RENDERER (object);

  switch (prop_id)
    {
    case PROP_DISPLAY:
      /* Escapes are how "text" is shown in the log: nothing else is offered. */
      set_enum (self, (int *) &self->display,
                g_value_get_enum (value) == NP_FORMAT_HEX ? NP_FORMAT_HEX : NP_FORMAT_TEXT, prop_id);
      break;
    case PROP_ENCODING:
      set_enum (self, (int *) &self->encoding, g_value_get_enum (value), prop_id);
      break;
    case PROP_TIMESTAMP_FORMAT:
      set_enum (self, (int *) &self->timestamp_format, g_value_get_enum (value), prop_id);
      break;
    case PROP_STARTED:
      if (self->started_us != g_value_get_int64 (value))
        {
          self->started_us = g_value_get_int64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_log_renderer_class_init (NpLogRendererClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = np_log_renderer_get_property;
  object_class->set_property = np_log_renderer_set_property;

  properties[PROP_DISPLAY] =
    g_param_spec_enum ("display", NULL, NULL, NP_TYPE_FORMAT, NP_FORMAT_TEXT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENCODING] =
    g_param_spec_enum ("encoding", NULL, NULL, NP_TYPE_ENCODING, NP_ENCODING_UTF8,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMESTAMP_FORMAT] =
    g_param_spec_enum ("timestamp-format", NULL, NULL, NP_TYPE_TIMESTAMP_FORMAT,
                       NP_TIMESTAMP_FORMAT_TIME_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STARTED] =
    g_param_spec_int64 ("started", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
np_log_renderer_init (NpLogRenderer *self)
{
  self->display = NP_FORMAT_TEXT;
  self->encoding = NP_ENCODING_UTF8;
  self->timestamp_format = NP_TIMESTAMP_FORMAT_TIME_MS;
}

NpLogRenderer *
np_log_renderer_new (void)
{
  return g_object_new (NP_TYPE_LOG_RENDERER, NULL);
}

NpFormat
np_log_renderer_get_display (NpLogRenderer *self)
{
  g_return_val_if_fail (NP_IS_LOG_RENDERER (self), NP_FORMAT_TEXT);
  return self->display;
}

NpEncoding
np_log_renderer_get_encoding (NpLogRenderer *self)
{
  g_return_val_if_fail (NP_IS_LOG_RENDERER (self), NP_ENCODING_UTF8);
  return self->encoding;
}

/**
 * np_format_clock:
 * Returns: (transfer full): "12:00:01", or "12:00:01.123" with @millis, in local time
 */
char *
np_format_clock (gint64   time_us,
                 gboolean millis)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autofree char *hms = g_date_time_format (local, "%H:%M:%S");

  if (!millis)
    return g_steal_pointer (&hms);
  return g_strdup_printf ("%s.%03d", hms, (int) (time_us % G_USEC_PER_SEC / 1000));
}

char *
np_log_renderer_time (NpLogRenderer *self,
                      NpLogRow      *row)
{
  gint64 time_us;

  g_return_val_if_fail (NP_IS_LOG_RENDERER (self), NULL);

  time_us = np_log_row_get_time (row);
  switch (self->timestamp_format)
    {
    case NP_TIMESTAMP_FORMAT_TIME:
      return np_format_clock (time_us, FALSE);
    case NP_TIMESTAMP_FORMAT_DATE_TIME_MS:
      {
        g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
        g_autofree char *date = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");

        return g_strdup_printf ("%s.%03d", date, (int) (time_us % G_USEC_PER_SEC / 1000));
      }
    case NP_TIMESTAMP_FORMAT_ELAPSED:
      return g_strdup_printf ("%.3f", (time_us - self->started_us) / (double) G_USEC_PER_SEC);
    case NP_TIMESTAMP_FORMAT_TIME_MS:
    default:
      return np_format_clock (time_us, TRUE);
    }
}

/* The data of @row decoded from at most @max_bytes, cut to @max_chars characters; the full
 * length is said when anything was left out. */
static char *
render (NpLogRenderer *self,
        NpLogRow      *row,
        gsize          max_bytes,
        glong          max_chars)
{
  GBytes *preview = np_log_row_get_preview (row);
  NpFormat format = self->display == NP_FORMAT_HEX ? NP_FORMAT_HEX : NP_FORMAT_ESCAPES;
  g_autofree char *text = NULL;
  const guint8 *data;
  gsize size;
  gsize full;
  GString *out;

  if (preview == NULL)
    return g_strdup (np_log_row_get_message (row) != NULL ? np_log_row_get_message (row) : "");

  data = g_bytes_get_data (preview, &size);
  text = np_codec_decode (data, MIN (size, max_bytes), format, self->encoding);
  full = strlen (text);
  out = g_string_new (text);
  if (g_utf8_strlen (out->str, -1) > max_chars)
    g_string_truncate (out, g_utf8_offset_to_pointer (out->str, max_chars) - out->str);
  if (out->len < full || size > max_bytes || np_log_row_is_truncated (row))
    {
      g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, np_log_row_get_length (row));

      g_string_append_printf (out, _(" … (%s bytes)"), length);
    }

  return g_string_free (out, FALSE);
}

/**
 * np_log_renderer_copy:
 * Returns: (transfer full): a renderer with the same settings, for a worker thread (an export)
 *   that must not see them change under it
 */
NpLogRenderer *
np_log_renderer_copy (NpLogRenderer *self)
{
  g_return_val_if_fail (NP_IS_LOG_RENDERER (self), NULL);

  return g_object_new (NP_TYPE_LOG_RENDERER, "display", self->display, "encoding", self->encoding,
                       "timestamp-format", self->timestamp_format, "started", self->started_us, NULL);
}

/**
 * np_log_renderer_direction:
 * Returns: (transfer full): the direction column: "in", "out", … and, for an answer a reply
 *   rule sent, "rule N"
 */
char *
np_log_renderer_direction (NpLogRenderer *self,
                           NpLogRow      *row)
{
  g_return_val_if_fail (NP_IS_LOG_RENDERER (self), NULL);

  if (np_log_row_get_reply_rule (row) != 0)
    return g_strdup_printf (C_("direction", "rule %u"), np_log_row_get_reply_rule (row));
  return g_strdup (np_log_direction_label (np_log_row_get_direction (row)));
}

/**
 * np_log_renderer_full_data:
 * Returns: (transfer full): everything the row kept of its data, rendered (no cell limit)
 */
char *
np_log_renderer_full_data (NpLogRenderer *self,
                           NpLogRow      *row)
{
  g_return_val_if_fail (NP_IS_LOG_RENDERER (self), NULL);

  return render (self, row, G_MAXSIZE, G_MAXLONG);
}

/**
 * np_log_renderer_data:
 * Returns: (transfer full): the data cell text for @row: what fits a cell, with the full
 *   length when cut
 */
char *
np_log_renderer_data (NpLogRenderer *self,
                      NpLogRow      *row)
{
  g_return_val_if_fail (NP_IS_LOG_RENDERER (self), NULL);

  return render (self, row, CELL_BYTES, NP_LOG_CELL_CHARS);
}

/**
 * np_log_renderer_line:
 * Returns: (transfer full): @row as one tab-separated line (time, direction, peer, length,
 *   everything the row kept of the data), for the clipboard
 */
char *
np_log_renderer_line (NpLogRenderer *self,
                      NpLogRow      *row)
{
  g_autofree char *time = NULL;
  g_autofree char *direction = NULL;
  g_autofree char *length = NULL;
  g_autofree char *data = NULL;

  g_return_val_if_fail (NP_IS_LOG_RENDERER (self), NULL);

  time = np_log_renderer_time (self, row);
  direction = np_log_renderer_direction (self, row);
  length = np_log_row_describe_length (row, TRUE);
  data = render (self, row, G_MAXSIZE, G_MAXLONG);
  return g_strdup_printf ("%s\t%s\t%s\t%s\t%s\n", time, direction,
                          np_log_row_get_peer (row) != NULL ? np_log_row_get_peer (row) : "",
                          length, data);
}

/* Whether @row's peer, its text decoded (whatever the view) or, in hex view, its hex contains
 * @casefolded (g_utf8_casefold'ed). */
gboolean
np_log_renderer_matches (NpLogRenderer *self,
                         NpLogRow      *row,
                         const char    *casefolded)
{
  GBytes *preview = np_log_row_get_preview (row);
  g_autofree char *text = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (NP_IS_LOG_RENDERER (self), FALSE);

  if (np_log_row_get_peer (row) != NULL && strstr (np_log_row_get_peer (row), casefolded) != NULL)
    return TRUE;

  /* The decoded text, whatever the view: "hello" finds a row shown as hex. */
  if (preview != NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (preview, &size);

      text = np_codec_decode (data, size, NP_FORMAT_ESCAPES, self->encoding);
    }
  else
    text = g_strdup (np_log_row_get_message (row) != NULL ? np_log_row_get_message (row) : "");
  folded = g_utf8_casefold (text, -1);
  if (strstr (folded, casefolded) != NULL)
    return TRUE;

  /* And what is shown, in hex view: "6c 6c 6f". */
  if (preview != NULL && self->display == NP_FORMAT_HEX)
    {
      g_free (text);
      g_free (folded);
      text = np_log_renderer_data (self, row);
      folded = g_utf8_casefold (text, -1);
      return strstr (folded, casefolded) != NULL;
    }
  return FALSE;
}

const char *
np_log_direction_label (NpLogDirection direction)
{
  switch (direction)
    {
    case NP_LOG_DIRECTION_IN:    return C_("direction", "in");
    case NP_LOG_DIRECTION_OUT:   return C_("direction", "out");
    case NP_LOG_DIRECTION_ERROR: return C_("direction", "error");
    case NP_LOG_DIRECTION_TO_TARGET: return C_("direction", "to target");
    case NP_LOG_DIRECTION_TO_CLIENT: return C_("direction", "to client");
    case NP_LOG_DIRECTION_INFO:
    default:                     return C_("direction", "info");
    }
}
