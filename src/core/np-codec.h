/* np-codec.h: payload bytes <-> text, in a chosen format and character encoding
 *
 * Display never loses a byte: bytes that are invalid in the chosen encoding are shown as \xNN.
 * In the escapes format the display is exact: np_codec_encode (np_codec_decode (b)) == b; it
 * shows C0 controls as \r \n \t \xNN, and C1 controls, bidirectional overrides and line
 * separators (which a terminal or text view would act on) as \uNNNN.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  NP_FORMAT_TEXT,     /* characters as they are */
  NP_FORMAT_HEX,      /* "48 65 6C": spaces optional, case-insensitive on input */
  NP_FORMAT_ESCAPES,  /* text with \r \n \t \\ \0 \xNN \uNNNN */
} NpFormat;

typedef enum
{
  NP_ENCODING_UTF8,     /*< nick=utf-8 >*/
  NP_ENCODING_GB18030,  /* a superset of GBK and GB2312 */
  NP_ENCODING_LATIN1,
} NpEncoding;

gboolean     np_format_from_string   (const char    *name,
                                      NpFormat      *format,
                                      GError       **error);
const char  *np_format_to_string     (NpFormat       format);
gboolean     np_encoding_from_string (const char    *name,
                                      NpEncoding    *encoding,
                                      GError       **error);
const char  *np_encoding_to_string   (NpEncoding     encoding);

GBytes      *np_codec_encode         (const char    *text,
                                      gssize         length,
                                      NpFormat       format,
                                      NpEncoding     encoding,
                                      GError       **error);
char        *np_codec_decode         (const guint8  *data,
                                      gsize          length,
                                      NpFormat       format,
                                      NpEncoding     encoding);
char        *np_codec_decode_bytes   (GBytes        *bytes,
                                      NpFormat       format,
                                      NpEncoding     encoding);

G_END_DECLS
