#define G_LOG_DOMAIN "np-magic"

#include "config.h"

#include <string.h>

#include "np-magic.h"

static const NpMagic unknown = { "data", "bin", "application/octet-stream", FALSE };

static const NpMagic png  = { "PNG",  "png", "image/png",  TRUE };
static const NpMagic jpeg = { "JPEG", "jpg", "image/jpeg", TRUE };
static const NpMagic gif  = { "GIF",  "gif", "image/gif",  TRUE };
static const NpMagic bmp  = { "BMP",  "bmp", "image/bmp",  TRUE };
static const NpMagic webp = { "WebP", "webp", "image/webp", TRUE };
static const NpMagic pdf  = { "PDF",  "pdf", "application/pdf", FALSE };
static const NpMagic zip  = { "ZIP",  "zip", "application/zip", FALSE };

static gboolean
starts_with (const guint8 *data,
             gsize         length,
             gsize         offset,
             const char   *magic,
             gsize         magic_length)
{
  return length >= offset + magic_length && memcmp (data + offset, magic, magic_length) == 0;
}

/* "BM" alone starts plenty of text ("BMP", "BMW"): a bitmap also has zero reserved bytes and
 * one of the DIB header sizes Windows and OS/2 wrote. */
static gboolean
is_bmp (const guint8 *data,
        gsize         length)
{
  static const guint32 header_sizes[] = { 12, 40, 52, 56, 64, 108, 124 };
  guint32 header_size;

  if (!starts_with (data, length, 0, "BM", 2) || length < 18)
    return FALSE;
  if (memcmp (data + 6, "\0\0\0\0", 4) != 0)
    return FALSE;
  header_size = data[14] | data[15] << 8 | data[16] << 16 | (guint32) data[17] << 24;
  for (guint i = 0; i < G_N_ELEMENTS (header_sizes); i++)
    if (header_size == header_sizes[i])
      return TRUE;
  return FALSE;
}

/**
 * np_magic_sniff:
 *
 * Returns: (transfer none): the kind @data's signature says it is; np_magic_unknown () when
 *   it says nothing known (never %NULL)
 */
const NpMagic *
np_magic_sniff (const guint8 *data,
                gsize         length)
{
  if (data == NULL)
    return &unknown;
  if (starts_with (data, length, 0, "\x89PNG\r\n\x1a\n", 8))
    return &png;
  if (starts_with (data, length, 0, "\xff\xd8\xff", 3))
    return &jpeg;
  if (starts_with (data, length, 0, "GIF87a", 6) || starts_with (data, length, 0, "GIF89a", 6))
    return &gif;
  if (starts_with (data, length, 0, "RIFF", 4) && starts_with (data, length, 8, "WEBP", 4))
    return &webp;
  if (is_bmp (data, length))
    return &bmp;
  if (starts_with (data, length, 0, "%PDF-", 5))
    return &pdf;
  if (starts_with (data, length, 0, "PK\x03\x04", 4) || starts_with (data, length, 0, "PK\x05\x06", 4))
    return &zip;   /* an archive, or an empty one */

  return &unknown;
}

const NpMagic *
np_magic_unknown (void)
{
  return &unknown;
}
