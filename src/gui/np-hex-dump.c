#define G_LOG_DOMAIN "np-hex-dump"

#include "config.h"

#include "np-hex-dump.h"

/* Two hex digits, after @separator unless it is 0: 16 MiB is 16 million of these, so no printf. */
static inline void
append_hex (GString *text,
            char     separator,
            guint8   byte)
{
  static const char digits[] = "0123456789abcdef";

  if (separator != 0)
    g_string_append_c (text, separator);
  g_string_append_c (text, digits[byte >> 4]);
  g_string_append_c (text, digits[byte & 0xf]);
}

/* How many lines of NP_HEX_DUMP_WIDTH bytes @length bytes make (16 MiB: 1,048,576). */
guint
np_hex_dump_n_lines (gsize length)
{
  return (guint) ((length + NP_HEX_DUMP_WIDTH - 1) / NP_HEX_DUMP_WIDTH);
}

/**
 * np_hex_dump_line:
 * @line: which line of the dump
 *
 * Line @line of `hexdump -C -v`'s dump of @data: the offset, sixteen bytes in hex (a gap after
 * eight), and the printable ASCII between bars ("." for the rest).
 *
 * Returns: (transfer full): "00000010  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |hello world.|"
 */
char *
np_hex_dump_line (const guint8 *data,
                  gsize         length,
                  guint         line)
{
  gsize start = (gsize) line * NP_HEX_DUMP_WIDTH;
  gsize end = MIN (length, start + NP_HEX_DUMP_WIDTH);
  GString *text;

  g_return_val_if_fail (start < length, g_strdup (""));

  text = g_string_sized_new (80);
  g_string_append_printf (text, "%08" G_GSIZE_MODIFIER "x ", start);
  for (gsize i = start; i < start + NP_HEX_DUMP_WIDTH; i++)
    {
      if (i - start == NP_HEX_DUMP_WIDTH / 2)
        g_string_append_c (text, ' ');
      if (i < end)
        append_hex (text, ' ', data[i]);
      else
        g_string_append (text, "   ");
    }
  g_string_append (text, "  |");
  for (gsize i = start; i < end; i++)
    g_string_append_c (text, data[i] >= 0x20 && data[i] < 0x7f ? (char) data[i] : '.');
  g_string_append_c (text, '|');

  return g_string_free (text, FALSE);
}

/**
 * np_hex_dump_copy:
 *
 * @data as text to paste elsewhere: hex pairs separated by spaces (what the send box's Hex
 * format reads), a C array exactly as `xxd -i` writes it for a file named "message", or Base64.
 *
 * Returns: (transfer full): the text
 */
char *
np_hex_dump_copy (const guint8 *data,
                  gsize         length,
                  NpHexCopy     kind)
{
  GString *text;

  switch (kind)
    {
    case NP_HEX_COPY_BASE64:
      return g_base64_encode (data, length);

    case NP_HEX_COPY_C_ARRAY:
      text = g_string_sized_new (length * 6 + 64);
      g_string_append (text, "unsigned char message[] = {\n");
      for (gsize i = 0; i < length; i++)
        {
          /* Twelve a line, as xxd writes them. */
          g_string_append (text, i % 12 == 0 ? "  0x" : " 0x");
          append_hex (text, 0, data[i]);
          g_string_append (text, i + 1 == length ? "\n" : i % 12 == 11 ? ",\n" : ",");
        }
      g_string_append_printf (text, "};\nunsigned int message_len = %" G_GSIZE_FORMAT ";\n", length);
      return g_string_free (text, FALSE);

    case NP_HEX_COPY_HEX:
    default:
      text = g_string_sized_new (length * 3);
      for (gsize i = 0; i < length; i++)
        append_hex (text, i == 0 ? 0 : ' ', data[i]);
      return g_string_free (text, FALSE);
    }
}
