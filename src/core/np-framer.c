#define G_LOG_DOMAIN "np-framer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-error.h"
#include "np-framer.h"

#define MAX_ASCII_WIDTH 20  /* enough digits for any 64-bit length */
/* A buffer that grew past this is given back once most of it is consumed, so a connection that
 * once carried a large message does not keep its memory. */
#define KEEP_CAPACITY (64 * 1024)

struct _NpFramer
{
  GObject        parent_instance;

  NpFramingKind  kind;
  guint          ascii_width;
  GByteArray    *delimiter;
  gsize          max_message;

  GByteArray    *buffer;      /* bytes of the message being assembled */
  gsize          capacity;    /* what @buffer holds allocated (GArray grows in powers of two) */
  gsize          scanned;     /* line mode: how far the buffer was searched already */
  gboolean       failed;      /* a protocol error happened: the stream cannot be resynced */
};

G_DEFINE_FINAL_TYPE (NpFramer, np_framer, G_TYPE_OBJECT)

static void
np_framer_finalize (GObject *object)
{
  NpFramer *self = (NpFramer *)object;

  g_clear_pointer (&self->delimiter, g_byte_array_unref);
  g_clear_pointer (&self->buffer, g_byte_array_unref);

  G_OBJECT_CLASS (np_framer_parent_class)->finalize (object);
}

static void
np_framer_class_init (NpFramerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_framer_finalize;
}

static void
np_framer_init (NpFramer *self)
{
  self->delimiter = g_byte_array_new ();
  g_byte_array_append (self->delimiter, (const guint8 *) "\n", 1);
  self->max_message = NP_FRAMER_DEFAULT_MAX_MESSAGE;
  self->buffer = g_byte_array_new ();
}

NpFramer *
np_framer_new (NpFramingKind kind,
               guint         ascii_width)
{
  NpFramer *self;

  g_return_val_if_fail (kind <= NP_FRAMING_U32LE, NULL);
  g_return_val_if_fail (kind != NP_FRAMING_ASCII || (ascii_width > 0 && ascii_width <= MAX_ASCII_WIDTH), NULL);

  self = g_object_new (NP_TYPE_FRAMER, NULL);
  self->kind = kind;
  self->ascii_width = kind == NP_FRAMING_ASCII ? ascii_width : 0;

  return self;
}

static const struct { const char *name; NpFramingKind kind; } framing_names[] = {
  { "raw", NP_FRAMING_RAW },
  { "line", NP_FRAMING_LINE },
  { "u8", NP_FRAMING_U8 },
  { "u16be", NP_FRAMING_U16BE },
  { "u16le", NP_FRAMING_U16LE },
  { "u32be", NP_FRAMING_U32BE },
  { "u32le", NP_FRAMING_U32LE },
};

/**
 * np_framer_new_from_string:
 * @spec: "raw", "line", "u8", "u16be", "u16le", "u32be", "u32le" or "asciiN" (N = 1–20)
 *
 * Returns: (transfer full) (nullable): a framer, or %NULL with @error naming the bad value
 */
NpFramer *
np_framer_new_from_string (const char  *spec,
                           GError     **error)
{
  g_return_val_if_fail (spec != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (framing_names); i++)
    if (g_ascii_strcasecmp (spec, framing_names[i].name) == 0)
      return np_framer_new (framing_names[i].kind, 0);

  if (g_ascii_strncasecmp (spec, "ascii", 5) == 0)
    {
      guint64 width;

      if (g_ascii_string_to_unsigned (spec + 5, 10, 1, MAX_ASCII_WIDTH, &width, NULL))
        return np_framer_new (NP_FRAMING_ASCII, (guint) width);
    }

  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
               _("Unknown framing “%s” (use raw, line, ascii16 (ascii1–ascii%d), u8, u16be, "
                 "u16le, u32be or u32le)"), spec, MAX_ASCII_WIDTH);
  return NULL;
}

/* A fresh framer with the same settings and no buffered data: one per connection. */
NpFramer *
np_framer_copy_settings (NpFramer *self)
{
  NpFramer *copy;

  g_return_val_if_fail (NP_IS_FRAMER (self), NULL);

  copy = np_framer_new (self->kind, self->ascii_width);
  np_framer_set_delimiter (copy, self->delimiter->data, self->delimiter->len);
  copy->max_message = self->max_message;

  return copy;
}

char *
np_framer_to_string (NpFramer *self)
{
  g_return_val_if_fail (NP_IS_FRAMER (self), NULL);

  if (self->kind == NP_FRAMING_ASCII)
    return g_strdup_printf ("ascii%u", self->ascii_width);

  for (guint i = 0; i < G_N_ELEMENTS (framing_names); i++)
    if (framing_names[i].kind == self->kind)
      return g_strdup (framing_names[i].name);

  g_return_val_if_reached (NULL);
}

NpFramingKind
np_framer_get_kind (NpFramer *self)
{
  g_return_val_if_fail (NP_IS_FRAMER (self), NP_FRAMING_RAW);

  return self->kind;
}

void
np_framer_set_delimiter (NpFramer     *self,
                         const guint8 *delimiter,
                         gsize         length)
{
  g_return_if_fail (NP_IS_FRAMER (self));
  g_return_if_fail (delimiter != NULL && length > 0);

  g_byte_array_set_size (self->delimiter, 0);
  g_byte_array_append (self->delimiter, delimiter, length);
  self->scanned = 0;
}

void
np_framer_set_max_message (NpFramer *self,
                           gsize     max_message)
{
  g_return_if_fail (NP_IS_FRAMER (self));
  g_return_if_fail (max_message > 0);

  self->max_message = max_message;
}

gsize
np_framer_get_max_message (NpFramer *self)
{
  g_return_val_if_fail (NP_IS_FRAMER (self), 0);

  return self->max_message;
}

gsize
np_framer_get_buffered (NpFramer *self)
{
  g_return_val_if_fail (NP_IS_FRAMER (self), 0);

  return self->buffer->len;
}

/* The memory the framer holds for its buffer: what an endpoint counts against its budget. */
gsize
np_framer_get_allocated (NpFramer *self)
{
  g_return_val_if_fail (NP_IS_FRAMER (self), 0);

  return self->capacity;
}

static gsize
power_of_two_above (gsize n)
{
  gsize p = 16;

  while (p < n && p < G_MAXSIZE / 2)
    p <<= 1;
  return p;
}

/* Drops the first @consumed bytes; a buffer that is now mostly empty is reallocated to fit. */
static void
consume (NpFramer *self,
         gsize     consumed)
{
  if (consumed > 0)
    {
      g_byte_array_remove_range (self->buffer, 0, consumed);
      self->scanned = self->scanned >= consumed ? self->scanned - consumed : 0;
    }

  if (self->capacity > KEEP_CAPACITY && self->buffer->len < self->capacity / 4)
    {
      GByteArray *smaller = g_byte_array_sized_new (self->buffer->len);

      g_byte_array_append (smaller, self->buffer->data, self->buffer->len);
      g_byte_array_unref (self->buffer);
      self->buffer = smaller;
      self->capacity = self->buffer->len > 0 ? power_of_two_above (self->buffer->len) : 0;
    }
}

static gsize
header_size (NpFramer *self)
{
  switch (self->kind)
    {
    case NP_FRAMING_ASCII: return self->ascii_width;
    case NP_FRAMING_U8:    return 1;
    case NP_FRAMING_U16BE:
    case NP_FRAMING_U16LE: return 2;
    case NP_FRAMING_U32BE:
    case NP_FRAMING_U32LE: return 4;
    case NP_FRAMING_RAW:
    case NP_FRAMING_LINE:
    default:               return 0;
    }
}

static gboolean
is_padding (guint8 c)
{
  return c == ' ' || c == '\0' || c == '\t' || c == '\r' || c == '\n';
}

/* Reads the payload length from a complete header at @p. */
static gboolean
parse_header (NpFramer      *self,
              const guint8  *p,
              guint64       *length,
              GError       **error)
{
  switch (self->kind)
    {
    case NP_FRAMING_U8:    *length = p[0]; return TRUE;
    case NP_FRAMING_U16BE: *length = (guint64) p[0] << 8 | p[1]; return TRUE;
    case NP_FRAMING_U16LE: *length = (guint64) p[1] << 8 | p[0]; return TRUE;
    case NP_FRAMING_U32BE:
      *length = (guint64) p[0] << 24 | (guint64) p[1] << 16 | (guint64) p[2] << 8 | p[3];
      return TRUE;
    case NP_FRAMING_U32LE:
      *length = (guint64) p[3] << 24 | (guint64) p[2] << 16 | (guint64) p[1] << 8 | p[0];
      return TRUE;
    case NP_FRAMING_ASCII:
      {
        /* Senders pad with spaces (Python's ljust), zeros or NULs, on either side. */
        char text[MAX_ASCII_WIDTH + 1] = { 0 };
        guint first = 0;
        guint last = self->ascii_width;
        gboolean too_large = FALSE;
        gboolean digits = TRUE;

        while (first < last && is_padding (p[first]))
          first++;
        while (last > first && is_padding (p[last - 1]))
          last--;
        /* Padding only around the number: "1" NUL… "9" is not 1. */
        for (guint i = first; i < last; i++)
          digits = digits && g_ascii_isdigit (p[i]);
        memcpy (text, p + first, last - first);

        if (last > first && digits)
          {
            if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, length, NULL))
              return TRUE;
            too_large = TRUE;
          }

        {
          g_autoptr(GString) printable = g_string_new (NULL);

          /* Shown escaped byte by byte: a NUL must not cut the message short. */
          for (guint i = 0; i < self->ascii_width; i++)
            {
              if (g_ascii_isprint (p[i]) && p[i] != '\\')
                g_string_append_c (printable, p[i]);
              else
                g_string_append_printf (printable, "\\x%02X", p[i]);
            }
          g_set_error (error, NP_ERROR, NP_ERROR_PROTOCOL,
                       too_large ? _("Length header “%s” is too large: more than 2^64 − 1 (framing ascii%u)")
                                 : _("Length header “%s” is not a decimal number (framing ascii%u)"),
                       printable->str, self->ascii_width);
        }
        return FALSE;
      }
    case NP_FRAMING_RAW:
    case NP_FRAMING_LINE:
    default:
      g_assert_not_reached ();
    }
}

static gssize
find_delimiter (NpFramer *self,
                gsize     from)
{
  const guint8 *data = self->buffer->data;
  gsize len = self->buffer->len;
  gsize dlen = self->delimiter->len;

  for (gsize i = from; i + dlen <= len; i++)
    {
      const guint8 *hit = memchr (data + i, self->delimiter->data[0], len - i);

      if (hit == NULL)
        return -1;
      i = hit - data;
      if (i + dlen <= len && memcmp (hit, self->delimiter->data, dlen) == 0)
        return i;
    }

  return -1;
}

static gsize
push_lines (NpFramer  *self,
            GPtrArray *messages)
{
  gsize start = 0;

  for (;;)
    {
      gssize at = find_delimiter (self, MAX (start, self->scanned));
      gsize end;

      if (at < 0)
        {
          /* Keep the tail for the next read, but never more than the maximum. */
          if (self->buffer->len - start >= self->max_message)
            {
              g_ptr_array_add (messages, g_bytes_new (self->buffer->data + start, self->max_message));
              start += self->max_message;
              self->scanned = start;
              continue;
            }
          /* A delimiter may straddle this read and the next one. */
          self->scanned = self->buffer->len >= self->delimiter->len
                          ? MAX (start, self->buffer->len - self->delimiter->len + 1)
                          : start;
          return start;
        }

      end = at + self->delimiter->len;
      if (end - start > self->max_message)
        end = start + self->max_message;
      g_ptr_array_add (messages, g_bytes_new (self->buffer->data + start, end - start));
      start = end;
      self->scanned = start;
    }
}

static gsize
push_frames (NpFramer   *self,
             GPtrArray  *messages,
             GError    **error)
{
  gsize hsize = header_size (self);
  gsize start = 0;

  while (self->buffer->len - start >= hsize)
    {
      guint64 length;

      if (!parse_header (self, self->buffer->data + start, &length, error))
        return start;

      if (length > self->max_message)
        {
          g_autofree char *claimed = g_strdup_printf ("%" G_GUINT64_FORMAT, length);
          g_autofree char *maximum = g_strdup_printf ("%" G_GSIZE_FORMAT, self->max_message);

          g_set_error (error, NP_ERROR, NP_ERROR_PROTOCOL,
                       _("Length header claims %s bytes, more than the maximum message size of %s bytes"),
                       claimed, maximum);
          return start;
        }

      if (self->buffer->len - start - hsize < length)
        break;

      g_ptr_array_add (messages, g_bytes_new (self->buffer->data + start + hsize, length));
      start += hsize + length;
    }

  return start;
}

/**
 * np_framer_push:
 * @messages: (element-type GBytes): complete messages are appended here
 *
 * Returns: %FALSE on a protocol error; the framer then refuses further data, and what it held
 *   is still available from np_framer_flush()
 */
gboolean
np_framer_push (NpFramer      *self,
                const guint8  *data,
                gsize          length,
                GPtrArray     *messages,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize consumed;

  g_return_val_if_fail (NP_IS_FRAMER (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);

  if (self->failed)
    {
      g_set_error_literal (error, NP_ERROR, NP_ERROR_PROTOCOL,
                           _("The stream is out of sync after an earlier framing error"));
      return FALSE;
    }

  if (length == 0)
    return TRUE;

  if (self->kind == NP_FRAMING_RAW)
    {
      g_ptr_array_add (messages, g_bytes_new (data, length));
      return TRUE;
    }

  g_byte_array_append (self->buffer, data, length);
  self->capacity = MAX (self->capacity, power_of_two_above (self->buffer->len));

  if (self->kind == NP_FRAMING_LINE)
    consumed = push_lines (self, messages);
  else
    consumed = push_frames (self, messages, &local_error);

  consume (self, consumed);

  if (local_error != NULL)
    {
      self->failed = TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * np_framer_flush:
 *
 * Returns: (transfer full) (nullable): the bytes buffered but not yet a complete message
 *   (a last line without delimiter, a cut-off frame with its header), or %NULL
 */
GBytes *
np_framer_flush (NpFramer *self)
{
  GBytes *rest;

  g_return_val_if_fail (NP_IS_FRAMER (self), NULL);

  if (self->buffer->len == 0)
    return NULL;

  rest = g_bytes_new (self->buffer->data, self->buffer->len);
  consume (self, self->buffer->len);

  return rest;
}

/**
 * np_framer_header:
 * @length: the length of the message the header is for
 *
 * What np_framer_wrap() puts in front of a message of @length bytes, for a message that is
 * sent in pieces (a file): the header first, then the bytes as they are read.
 *
 * Returns: (transfer full) (nullable): the header (empty for raw and line framing), or %NULL
 *   when it cannot express @length
 */
GBytes *
np_framer_header (NpFramer  *self,
                  guint64    length,
                  GError   **error)
{
  guint64 limit;
  guint8 header[MAX_ASCII_WIDTH + 1];
  gsize hsize;

  g_return_val_if_fail (NP_IS_FRAMER (self), NULL);

  hsize = header_size (self);
  if (hsize == 0)
    return g_bytes_new (NULL, 0);

  switch (self->kind)
    {
    case NP_FRAMING_U8:    limit = G_MAXUINT8; break;
    case NP_FRAMING_U16BE:
    case NP_FRAMING_U16LE: limit = G_MAXUINT16; break;
    case NP_FRAMING_U32BE:
    case NP_FRAMING_U32LE: limit = G_MAXUINT32; break;
    case NP_FRAMING_ASCII:
    default:
      limit = 1;
      for (guint i = 0; i < self->ascii_width && limit < G_MAXUINT64 / 10; i++)
        limit *= 10;
      limit -= 1;
      break;
    }

  if (length > limit)
    {
      g_autofree char *name = np_framer_to_string (self);
      g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT, length);
      g_autofree char *most = g_strdup_printf ("%" G_GUINT64_FORMAT, limit);

      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("A %s-byte message does not fit framing %s (at most %s bytes)"), size, name, most);
      return NULL;
    }

  switch (self->kind)
    {
    case NP_FRAMING_U8:    header[0] = (guint8) length; break;
    case NP_FRAMING_U16BE: header[0] = length >> 8; header[1] = length & 0xff; break;
    case NP_FRAMING_U16LE: header[1] = length >> 8; header[0] = length & 0xff; break;
    case NP_FRAMING_U32BE:
      header[0] = length >> 24; header[1] = length >> 16 & 0xff;
      header[2] = length >> 8 & 0xff; header[3] = length & 0xff;
      break;
    case NP_FRAMING_U32LE:
      header[3] = length >> 24; header[2] = length >> 16 & 0xff;
      header[1] = length >> 8 & 0xff; header[0] = length & 0xff;
      break;
    case NP_FRAMING_ASCII:
    default:
      /* Left-aligned and space-padded, as Python's str(n).ljust(16) writes it. */
      g_snprintf ((char *) header, sizeof header, "%-*" G_GUINT64_FORMAT, (int) self->ascii_width, length);
      break;
    }

  return g_bytes_new (header, hsize);
}

/**
 * np_framer_wrap:
 *
 * Returns: (transfer full) (nullable): @payload with the framing's header in front (raw and
 *   line: @payload itself), or %NULL when the header cannot express its length
 */
GBytes *
np_framer_wrap (NpFramer  *self,
                GBytes    *payload,
                GError   **error)
{
  g_autoptr(GByteArray) out = NULL;
  g_autoptr(GBytes) header = NULL;
  gsize length;

  g_return_val_if_fail (NP_IS_FRAMER (self), NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  if (header_size (self) == 0)
    return g_bytes_ref (payload);

  length = g_bytes_get_size (payload);
  header = np_framer_header (self, length, error);
  if (header == NULL)
    return NULL;

  out = g_byte_array_sized_new (g_bytes_get_size (header) + length);
  g_byte_array_append (out, g_bytes_get_data (header, NULL), g_bytes_get_size (header));
  g_byte_array_append (out, g_bytes_get_data (payload, NULL), length);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
