/* np-hex-dump.h: bytes as a person reads and copies them: hexdump -C lines, hex, a C array
 * (as `xxd -i` writes it), Base64 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bytes on one line of the dump. */
#define NP_HEX_DUMP_WIDTH 16

typedef enum
{
  NP_HEX_COPY_HEX,      /* "68 65 6c 6c 6f" */
  NP_HEX_COPY_C_ARRAY,  /* unsigned char message[] = { 0x68, … }; unsigned int message_len = 5; */
  NP_HEX_COPY_BASE64,   /* "aGVsbG8=" */
} NpHexCopy;

guint  np_hex_dump_n_lines (gsize         length);
char  *np_hex_dump_line    (const guint8 *data,
                            gsize         length,
                            guint         line);
char  *np_hex_dump_copy    (const guint8 *data,
                            gsize         length,
                            NpHexCopy     kind);

G_END_DECLS
