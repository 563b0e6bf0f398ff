/* libFuzzer target: the codec. For any bytes, in every encoding, what the escapes and hex
 * formats display is valid UTF-8 and encodes back to exactly those bytes (np-codec.h); the text
 * format's display is valid UTF-8. For any input taken as typed text, encoding never crashes and
 * either gives bytes or says why. */
#include <string.h>

#include "np-codec.h"

int LLVMFuzzerTestOneInput (const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        gsize         size)
{
  for (NpEncoding encoding = NP_ENCODING_UTF8; encoding <= NP_ENCODING_LATIN1; encoding++)
    {
      for (NpFormat format = NP_FORMAT_TEXT; format <= NP_FORMAT_ESCAPES; format++)
        {
          g_autofree char *shown = np_codec_decode (data, size, format, encoding);
          g_autoptr(GBytes) back = NULL;
          g_autoptr(GError) error = NULL;

          g_assert (g_utf8_validate (shown, -1, NULL));
          if (format == NP_FORMAT_TEXT)
            continue;
          back = np_codec_encode (shown, -1, format, encoding, &error);
          g_assert (back != NULL);
          g_assert (g_bytes_get_size (back) == size);
          g_assert (size == 0 || memcmp (g_bytes_get_data (back, NULL), data, size) == 0);
        }

      /* The input as something typed: bytes, or an error with a message. */
      for (NpFormat format = NP_FORMAT_TEXT; format <= NP_FORMAT_ESCAPES; format++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) bytes = np_codec_encode ((const char *) data, size, format, encoding, &error);

          g_assert ((bytes != NULL) != (error != NULL));
          g_assert (error == NULL || (error->message != NULL && error->message[0] != '\0'));
        }
    }
  return 0;
}
