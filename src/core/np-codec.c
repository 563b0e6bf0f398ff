#define G_LOG_DOMAIN "np-codec"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>

#include "np-codec.h"
#include "np-enum.h"
#include "np-enum-types.h"
#include "np-error.h"

/* "text", "hex" or "escapes": NpFormat's nicks, in any case. */
gboolean
np_format_from_string (const char  *name,
                       NpFormat    *format,
                       GError     **error)
{
  g_autoptr(GEnumClass) formats = g_type_class_ref (NP_TYPE_FORMAT);
  g_autofree char *lower = NULL;
  GEnumValue *value;

  g_return_val_if_fail (name != NULL, FALSE);

  lower = g_ascii_strdown (name, -1);
  value = g_enum_get_value_by_nick (formats, lower);
  if (value == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("Unknown format “%s” (use text, hex or escapes)"), name);
      return FALSE;
    }

  *format = value->value;
  return TRUE;
}

const char *
np_format_to_string (NpFormat format)
{
  return np_enum_to_nick (NP_TYPE_FORMAT, format);
}

/* NpEncoding's nicks ("utf-8", "gb18030", "latin1"), and the other names people use for them. */
gboolean
np_encoding_from_string (const char  *name,
                         NpEncoding  *encoding,
                         GError     **error)
{
  static const struct { const char *alias; NpEncoding encoding; } aliases[] = {
    { "utf8", NP_ENCODING_UTF8 },
    { "gbk", NP_ENCODING_GB18030 },
    { "gb2312", NP_ENCODING_GB18030 },
    { "latin-1", NP_ENCODING_LATIN1 },
    { "iso-8859-1", NP_ENCODING_LATIN1 },
  };
  g_autoptr(GEnumClass) encodings = g_type_class_ref (NP_TYPE_ENCODING);
  g_autofree char *lower = NULL;
  GEnumValue *value;

  g_return_val_if_fail (name != NULL, FALSE);

  lower = g_ascii_strdown (name, -1);
  if ((value = g_enum_get_value_by_nick (encodings, lower)) != NULL)
    {
      *encoding = value->value;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_str_equal (lower, aliases[i].alias))
      {
        *encoding = aliases[i].encoding;
        return TRUE;
      }

  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
               _("Unknown encoding “%s” (use utf-8, gb18030, gbk or latin1)"), name);
  return FALSE;
}

const char *
np_encoding_to_string (NpEncoding encoding)
{
  return np_enum_to_nick (NP_TYPE_ENCODING, encoding);
}

/* ---- decoding ---------------------------------------------------------------------------- */

static const char hex_digits[] = "0123456789ABCDEF";

/* No printf here: a flood of binary data is shown byte by byte. */
static void
append_byte_escape (GString *out,
                    guint8   byte)
{
  char escape[4] = { '\\', 'x', hex_digits[byte >> 4], hex_digits[byte & 0xf] };

  g_string_append_len (out, escape, 4);
}

/* Characters a terminal or a text view acts on instead of showing: C1 controls (U+009B is
 * CSI, as ESC [ is), and the bidirectional formatting characters and line separators that can
 * reorder or split what a row seems to say. */
static gboolean
is_invisible_control (gunichar c)
{
  return (c >= 0x80 && c <= 0x9f)
         || c == 0x061c || c == 0x200e || c == 0x200f
         || (c >= 0x2028 && c <= 0x202e)
         || (c >= 0x2066 && c <= 0x2069);
}

/* \uXXXX: the character itself, whatever bytes the encoding gives it, so the escapes format
 * stays exact in every encoding. */
static void
append_unichar_escape (GString  *out,
                       gunichar  c)
{
  char escape[6] = { '\\', 'u', hex_digits[c >> 12 & 0xf], hex_digits[c >> 8 & 0xf],
                     hex_digits[c >> 4 & 0xf], hex_digits[c & 0xf] };

  g_string_append_len (out, escape, 6);
}

/* Appends one decoded character; NUL is never put into a C string, and in the escapes
 * format every control character and the backslash become escapes. */
static void
append_char (GString  *out,
             gunichar  c,
             gboolean  escape)
{
  if (c == 0)
    {
      append_byte_escape (out, 0);
      return;
    }

  if (escape && is_invisible_control (c))
    {
      append_unichar_escape (out, c);
      return;
    }

  if (escape)
    {
      switch (c)
        {
        case '\\': g_string_append (out, "\\\\"); return;
        case '\r': g_string_append (out, "\\r"); return;
        case '\n': g_string_append (out, "\\n"); return;
        case '\t': g_string_append (out, "\\t"); return;
        default:
          if (c < 0x20 || c == 0x7f)
            {
              append_byte_escape (out, (guint8) c);
              return;
            }
        }
    }

  g_string_append_unichar (out, c);
}

static void
append_valid_utf8 (GString    *out,
                   const char *utf8,
                   gsize       length,
                   gboolean    escape)
{
  const char *end = utf8 + length;

  for (const char *p = utf8; p < end; p = g_utf8_next_char (p))
    append_char (out, g_utf8_get_char (p), escape);
}

static void
decode_utf8 (GString      *out,
             const guint8 *data,
             gsize         length,
             gboolean      escape)
{
  const char *p = (const char *) data;
  const char *end = p + length;

  while (p < end)
    {
      const char *valid_end;

      g_utf8_validate_len (p, end - p, &valid_end);
      append_valid_utf8 (out, p, valid_end - p, escape);
      p = valid_end;
      if (p < end)
        append_byte_escape (out, (guint8) *p++);
    }
}

static void
decode_latin1 (GString      *out,
               const guint8 *data,
               gsize         length,
               gboolean      escape)
{
  for (gsize i = 0; i < length; i++)
    append_char (out, data[i], escape);
}

static void
decode_iconv (GString      *out,
              const char   *charset,
              const guint8 *data,
              gsize         length,
              gboolean      escape)
{
  GIConv cd = g_iconv_open ("UTF-8", charset);
  char *in = (char *) data;
  gsize in_left = length;
  char buffer[1024];

  g_assert (cd != (GIConv) -1);

  while (in_left > 0)
    {
      char *outp = buffer;
      gsize out_left = sizeof buffer;
      gsize ret = g_iconv (cd, &in, &in_left, &outp, &out_left);
      int saved_errno = errno;

      append_valid_utf8 (out, buffer, outp - buffer, escape);

      if (ret != (gsize) -1)
        break;

      if (saved_errno == E2BIG)
        continue;

      /* EILSEQ: one bad byte; EINVAL: a sequence cut off at the end. Either way show the
       * byte and carry on with the next one, so nothing is dropped. */
      append_byte_escape (out, (guint8) *in);
      in++;
      in_left--;
      g_iconv (cd, NULL, NULL, NULL, NULL);
    }

  g_iconv_close (cd);
}

static void
append_hex (GString      *out,
            const guint8 *data,
            gsize         length)
{
  const char *digits = hex_digits;

  g_string_set_size (out, 0);
  if (length == 0)
    return;

  for (gsize i = 0; i < length; i++)
    {
      g_string_append_c (out, digits[data[i] >> 4]);
      g_string_append_c (out, digits[data[i] & 0xf]);
      g_string_append_c (out, ' ');
    }
  g_string_truncate (out, out->len - 1);
}

/**
 * np_codec_decode:
 * Returns: (transfer full): @data as UTF-8 text in @format
 */
char *
np_codec_decode (const guint8 *data,
                 gsize         length,
                 NpFormat      format,
                 NpEncoding    encoding)
{
  GString *out;
  gboolean escape = format == NP_FORMAT_ESCAPES;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  /* An empty message (an empty GBytes has no data at all) is the empty text: no pointer
   * arithmetic on NULL. */
  if (length == 0)
    return g_strdup ("");

  out = g_string_sized_new (format == NP_FORMAT_HEX ? length * 3 : length + 16);

  if (format == NP_FORMAT_HEX)
    append_hex (out, data, length);
  else if (encoding == NP_ENCODING_UTF8)
    decode_utf8 (out, data, length, escape);
  else if (encoding == NP_ENCODING_LATIN1)
    decode_latin1 (out, data, length, escape);
  else
    decode_iconv (out, "GB18030", data, length, escape);

  return g_string_free (out, FALSE);
}

char *
np_codec_decode_bytes (GBytes     *bytes,
                       NpFormat    format,
                       NpEncoding  encoding)
{
  gsize length;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  return np_codec_decode (data, length, format, encoding);
}

/* ---- encoding ---------------------------------------------------------------------------- */

static gboolean
encode_text (GByteArray  *out,
             const char  *text,
             gsize        length,
             NpEncoding   encoding,
             GError     **error)
{
  const char *end;

  if (!g_utf8_validate_len (text, length, &end))
    {
      g_autofree char *at = g_strdup_printf ("%" G_GSIZE_FORMAT, (gsize) (end - text));

      if (*end == '\0')
        g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                     _("The text contains a NUL byte at byte %s (send one with the escapes format, \\0, or hex 00)"),
                     at);
      else
        g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                     _("The text is not valid UTF-8 at byte %s"), at);
      return FALSE;
    }

  if (encoding == NP_ENCODING_UTF8)
    {
      g_byte_array_append (out, (const guint8 *) text, length);
      return TRUE;
    }

  if (encoding == NP_ENCODING_LATIN1)
    {
      for (const char *p = text; p < text + length; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          guint8 byte = (guint8) c;

          if (c > 0xff)
            {
              char utf8[7] = { 0 };

              g_unichar_to_utf8 (c, utf8);
              g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                           _("“%s” cannot be written in Latin-1; choose UTF-8 or GB18030"), utf8);
              return FALSE;
            }
          g_byte_array_append (out, &byte, 1);
        }
      return TRUE;
    }

  {
    g_autoptr(GError) local_error = NULL;
    gsize written = 0;
    gsize read = 0;
    g_autofree char *converted = g_convert (text, length, "GB18030", "UTF-8",
                                            &read, &written, &local_error);

    if (converted == NULL)
      {
        g_autofree char *at = g_strdup_printf ("%" G_GSIZE_FORMAT, read);

        g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                     _("The text cannot be written in GB18030 at byte %s: %s"), at, local_error->message);
        return FALSE;
      }
    g_byte_array_append (out, (const guint8 *) converted, written);
    return TRUE;
  }
}

static gboolean
encode_hex (GByteArray  *out,
            const char  *text,
            gsize        length,
            GError     **error)
{
  int high = -1;
  gsize i = 0;

  while (i < length)
    {
      char c = text[i];
      int value;

      if (g_ascii_isspace (c) || c == ',' || c == ':' || c == '-')
        {
          i++;
          continue;
        }

      /* Accept "0x41 0x42" as written in C sources and datasheets. */
      if (high < 0 && c == '0' && i + 2 < length
          && (text[i + 1] == 'x' || text[i + 1] == 'X')
          && g_ascii_isxdigit (text[i + 2]))
        {
          i += 2;
          continue;
        }

      value = g_ascii_xdigit_value (c);
      if (value < 0)
        {
          g_autofree char *at = g_strdup_printf ("%" G_GSIZE_FORMAT, i + 1);

          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       _("“%c” at position %s is not a hex digit (0-9, A-F)"),
                       g_ascii_isprint (c) ? c : '?', at);
          return FALSE;
        }

      if (high < 0)
        high = value;
      else
        {
          guint8 byte = (guint8) (high << 4 | value);

          g_byte_array_append (out, &byte, 1);
          high = -1;
        }
      i++;
    }

  if (high >= 0)
    {
      g_set_error_literal (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                           _("Odd number of hex digits: every byte needs two (e.g. 0A, not A)"));
      return FALSE;
    }

  return TRUE;
}

/* \uXXXX at @i: the character in @encoding (what the escapes display shows for invisible
 * controls). */
static gboolean
encode_unichar_escape (GByteArray  *out,
                       const char  *text,
                       gsize        length,
                       gsize        i,
                       NpEncoding   encoding,
                       GError     **error)
{
  gunichar c = 0;
  char utf8[8] = { 0 };

  for (gsize k = i + 2; k < i + 6; k++)
    {
      if (k >= length || !g_ascii_isxdigit (text[k]))
        {
          g_autofree char *at = g_strdup_printf ("%" G_GSIZE_FORMAT, i + 1);

          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                       _("“\\u” at position %s needs four hex digits, as in \\u202E"), at);
          return FALSE;
        }
      c = c << 4 | g_ascii_xdigit_value (text[k]);
    }

  if (c == 0 || (c >= 0xd800 && c <= 0xdfff))
    {
      g_autofree char *at = g_strdup_printf ("%" G_GSIZE_FORMAT, i + 1);

      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("“\\u%04X” at position %s is not a character (use \\0 for NUL)"), c, at);
      return FALSE;
    }

  return encode_text (out, utf8, g_unichar_to_utf8 (c, utf8), encoding, error);
}

static gboolean
encode_escapes (GByteArray  *out,
                const char  *text,
                gsize        length,
                NpEncoding   encoding,
                GError     **error)
{
  gsize start = 0;
  gsize i = 0;

  while (i < length)
    {
      guint8 byte;

      if (text[i] != '\\')
        {
          i++;
          continue;
        }

      if (!encode_text (out, text + start, i - start, encoding, error))
        return FALSE;

      if (i + 1 >= length)
        {
          g_set_error_literal (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                               _("The text ends with a lone “\\” (write \\\\ for a backslash)"));
          return FALSE;
        }

      switch (text[i + 1])
        {
        case 'r': byte = '\r'; i += 2; break;
        case 'n': byte = '\n'; i += 2; break;
        case 't': byte = '\t'; i += 2; break;
        case '0': byte = '\0'; i += 2; break;
        case '\\': byte = '\\'; i += 2; break;
        case 'u':
          if (!encode_unichar_escape (out, text, length, i, encoding, error))
            return FALSE;
          i += 6;
          start = i;
          continue;
        case 'x':
        case 'X':
          if (i + 3 < length
              && g_ascii_isxdigit (text[i + 2]) && g_ascii_isxdigit (text[i + 3]))
            {
              byte = (guint8) (g_ascii_xdigit_value (text[i + 2]) << 4
                               | g_ascii_xdigit_value (text[i + 3]));
              i += 4;
              break;
            }
          {
            g_autofree char *at = g_strdup_printf ("%" G_GSIZE_FORMAT, i + 1);

            g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                         _("“\\x” at position %s needs two hex digits, as in \\x0D"), at);
            return FALSE;
          }
        default:
          {
            g_autofree char *at = g_strdup_printf ("%" G_GSIZE_FORMAT, i + 1);

            g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                         _("Unknown escape “\\%c” at position %s (use \\r \\n \\t \\0 \\\\, \\xNN or \\uNNNN)"),
                         g_ascii_isprint (text[i + 1]) ? text[i + 1] : '?', at);
            return FALSE;
          }
        }

      g_byte_array_append (out, &byte, 1);
      start = i;
    }

  return encode_text (out, text + start, length - start, encoding, error);
}

/**
 * np_codec_encode:
 * @text: UTF-8 text as the user typed it
 * @length: length of @text, or -1 when NUL-terminated
 *
 * Returns: (transfer full) (nullable): the bytes to send, or %NULL with @error naming what
 *   is wrong and where
 */
GBytes *
np_codec_encode (const char  *text,
                 gssize       length,
                 NpFormat     format,
                 NpEncoding   encoding,
                 GError     **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gboolean ok;

  g_return_val_if_fail (text != NULL, NULL);

  if (length < 0)
    length = strlen (text);

  switch (format)
    {
    case NP_FORMAT_HEX:
      ok = encode_hex (out, text, length, error);
      break;
    case NP_FORMAT_ESCAPES:
      ok = encode_escapes (out, text, length, encoding, error);
      break;
    case NP_FORMAT_TEXT:
    default:
      ok = encode_text (out, text, length, encoding, error);
      break;
    }

  if (!ok)
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
