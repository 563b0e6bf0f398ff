/* Codec: every format × encoding, invalid bytes shown not dropped, round trips. */
#include <string.h>

#include "np-codec.h"
#include "np-error.h"

static GBytes *
encode_ok (const char *text,
           NpFormat    format,
           NpEncoding  encoding)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = np_codec_encode (text, -1, format, encoding, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       length)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  g_assert_cmpmem (data, size, expected, length);
}

static void
test_text_encodings (void)
{
  /* "中文" in each encoding, and Latin-1 "é". */
  g_autoptr(GBytes) utf8 = encode_ok ("中文", NP_FORMAT_TEXT, NP_ENCODING_UTF8);
  g_autoptr(GBytes) gbk = encode_ok ("中文", NP_FORMAT_TEXT, NP_ENCODING_GB18030);
  g_autoptr(GBytes) latin1 = encode_ok ("café", NP_FORMAT_TEXT, NP_ENCODING_LATIN1);
  g_autofree char *gbk_text = NULL;
  g_autofree char *latin1_text = NULL;

  assert_bytes (utf8, "\xE4\xB8\xAD\xE6\x96\x87", 6);
  assert_bytes (gbk, "\xD6\xD0\xCE\xC4", 4);
  assert_bytes (latin1, "caf\xE9", 4);

  gbk_text = np_codec_decode_bytes (gbk, NP_FORMAT_TEXT, NP_ENCODING_GB18030);
  g_assert_cmpstr (gbk_text, ==, "中文");
  latin1_text = np_codec_decode_bytes (latin1, NP_FORMAT_TEXT, NP_ENCODING_LATIN1);
  g_assert_cmpstr (latin1_text, ==, "café");
}

static void
test_unencodable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = np_codec_encode ("中", -1, NP_FORMAT_TEXT, NP_ENCODING_LATIN1, &error);

  g_assert_null (bytes);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Latin-1"));
}

static void
test_invalid_bytes_shown (void)
{
  /* 0xFF is never valid UTF-8; a GBK lead byte cut off at the end is incomplete. */
  const guint8 data[] = { 'o', 'k', 0xFF, 'x', 0x00, 0xD6 };
  g_autofree char *utf8 = np_codec_decode (data, sizeof data, NP_FORMAT_TEXT, NP_ENCODING_UTF8);
  g_autofree char *gbk = np_codec_decode (data, sizeof data, NP_FORMAT_TEXT, NP_ENCODING_GB18030);
  g_autofree char *escaped = np_codec_decode (data, sizeof data, NP_FORMAT_ESCAPES, NP_ENCODING_UTF8);

  g_assert_cmpstr (utf8, ==, "ok\\xFFx\\x00\\xD6");
  g_assert_cmpstr (gbk, ==, "ok\\xFFx\\x00\\xD6");
  g_assert_cmpstr (escaped, ==, "ok\\xFFx\\x00\\xD6");
  g_assert_true (g_utf8_validate (utf8, -1, NULL));
  g_assert_true (g_utf8_validate (gbk, -1, NULL));
}

static void
test_hex (void)
{
  g_autoptr(GBytes) spaced = encode_ok ("48 65 6c 6C 6f", NP_FORMAT_HEX, NP_ENCODING_UTF8);
  g_autoptr(GBytes) packed = encode_ok ("48656C6C6F", NP_FORMAT_HEX, NP_ENCODING_UTF8);
  g_autoptr(GBytes) prefixed = encode_ok ("0x48, 0x65 0x6C:6c-6F\n", NP_FORMAT_HEX, NP_ENCODING_UTF8);
  g_autoptr(GBytes) empty = encode_ok ("  ", NP_FORMAT_HEX, NP_ENCODING_UTF8);
  const guint8 data[] = { 0x00, 0x0A, 0xFF };
  g_autofree char *shown = np_codec_decode (data, sizeof data, NP_FORMAT_HEX, NP_ENCODING_GB18030);
  g_autofree char *none = np_codec_decode (NULL, 0, NP_FORMAT_HEX, NP_ENCODING_UTF8);

  assert_bytes (spaced, "Hello", 5);
  assert_bytes (packed, "Hello", 5);
  assert_bytes (prefixed, "Hello", 5);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
  g_assert_cmpstr (shown, ==, "00 0A FF");
  g_assert_cmpstr (none, ==, "");
}

static void
test_hex_errors (void)
{
  struct { const char *input; const char *needle; } cases[] = {
    { "4", "Odd number" },
    { "48 6", "Odd number" },
    { "4G", "“G” at position 2" },
    { "hello", "“h” at position 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = np_codec_encode (cases[i].input, -1, NP_FORMAT_HEX, NP_ENCODING_UTF8, &error);

      g_assert_null (bytes);
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
}

static void
test_escapes (void)
{
  g_autoptr(GBytes) bytes = encode_ok ("A\\r\\n\\t\\\\\\x00\\xfF中", NP_FORMAT_ESCAPES, NP_ENCODING_GB18030);
  const guint8 control[] = { 'a', '\r', '\n', '\t', '\\', 0x1B, 0x7F };
  g_autofree char *shown = np_codec_decode (control, sizeof control, NP_FORMAT_ESCAPES, NP_ENCODING_LATIN1);

  assert_bytes (bytes, "A\r\n\t\\\x00\xFF\xD6\xD0", 9);
  g_assert_cmpstr (shown, ==, "a\\r\\n\\t\\\\\\x1B\\x7F");
}

static void
test_escape_errors (void)
{
  const char *cases[] = { "abc\\", "\\q", "\\x4", "\\xZZ", "\\u12", "\\uD800", "\\u0000" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = np_codec_encode (cases[i], -1, NP_FORMAT_ESCAPES, NP_ENCODING_UTF8, &error);

      g_assert_null (bytes);
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
    }
}

/* Every byte value, in every encoding: escapes and hex give back exactly the input. */
static void
test_round_trips (void)
{
  guint8 all[512];

  for (guint i = 0; i < sizeof all; i++)
    all[i] = (guint8) (i * 7 + (i >> 8));

  for (NpEncoding encoding = NP_ENCODING_UTF8; encoding <= NP_ENCODING_LATIN1; encoding++)
    for (NpFormat format = NP_FORMAT_HEX; format <= NP_FORMAT_ESCAPES; format++)
      {
        g_autofree char *shown = np_codec_decode (all, sizeof all, format, encoding);
        g_autoptr(GBytes) back = encode_ok (shown, format, encoding);

        g_assert_true (g_utf8_validate (shown, -1, NULL));
        assert_bytes (back, (const char *) all, sizeof all);
      }

  /* Text round trip for text that each encoding can hold. */
  {
    const char *samples[] = { "plain ASCII\r\n", "中文 GB18030 ✓ 😀", "Ünïcödé" };
    NpEncoding encodings[] = { NP_ENCODING_UTF8, NP_ENCODING_GB18030, NP_ENCODING_LATIN1 };

    for (guint e = 0; e < G_N_ELEMENTS (encodings); e++)
      for (guint s = 0; s < G_N_ELEMENTS (samples); s++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) bytes = np_codec_encode (samples[s], -1, NP_FORMAT_TEXT, encodings[e], &error);
          g_autofree char *back = NULL;

          if (encodings[e] == NP_ENCODING_LATIN1 && s == 1)
            {
              g_assert_null (bytes);   /* CJK does not exist in Latin-1 */
              continue;
            }
          g_assert_no_error (error);
          back = np_codec_decode_bytes (bytes, NP_FORMAT_TEXT, encodings[e]);
          g_assert_cmpstr (back, ==, samples[s]);
        }
  }
}

/* What a terminal or a text view would act on (C1 controls such as CSI U+009B, bidi overrides,
 * line separators) is shown as \uNNNN in the escapes format, in every encoding, and the escape
 * sends the same bytes back. */
static void
test_invisible_controls (void)
{
  const char *utf8 = "a\xC2\x9B" "31m b\xE2\x80\xAE" "cba\xE2\x81\xA6" "d\xE2\x80\xA8" "e";
  const guint8 latin1[] = { 'x', 0x9B, 0x85, 'y' };
  g_autofree char *shown = np_codec_decode ((const guint8 *) utf8, strlen (utf8), NP_FORMAT_ESCAPES,
                                            NP_ENCODING_UTF8);
  g_autofree char *shown_latin1 = np_codec_decode (latin1, sizeof latin1, NP_FORMAT_ESCAPES,
                                                   NP_ENCODING_LATIN1);
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GBytes) back_latin1 = NULL;
  g_autoptr(GBytes) gb18030 = NULL;
  g_autofree char *shown_gb18030 = NULL;

  g_assert_cmpstr (shown, ==, "a\\u009B31m b\\u202Ecba\\u2066d\\u2028e");
  g_assert_cmpstr (shown_latin1, ==, "x\\u009B\\u0085y");

  back = encode_ok (shown, NP_FORMAT_ESCAPES, NP_ENCODING_UTF8);
  back_latin1 = encode_ok (shown_latin1, NP_FORMAT_ESCAPES, NP_ENCODING_LATIN1);
  gb18030 = encode_ok ("\\u202E", NP_FORMAT_ESCAPES, NP_ENCODING_GB18030);
  shown_gb18030 = np_codec_decode_bytes (gb18030, NP_FORMAT_ESCAPES, NP_ENCODING_GB18030);
  assert_bytes (back, utf8, strlen (utf8));
  assert_bytes (back_latin1, (const char *) latin1, sizeof latin1);
  g_assert_cmpstr (shown_gb18030, ==, "\\u202E");
  g_assert_cmpuint (g_bytes_get_size (gb18030), >, 0);

  /* Ordinary non-ASCII text is not escaped. */
  {
    g_autofree char *plain = np_codec_decode ((const guint8 *) "é中😀", strlen ("é中😀"),
                                              NP_FORMAT_ESCAPES, NP_ENCODING_UTF8);
    g_assert_cmpstr (plain, ==, "é中😀");
  }
}

/* A NUL byte in a text line is named as such, not called invalid UTF-8. */
static void
test_nul_in_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = np_codec_encode ("ab\0cd", 5, NP_FORMAT_TEXT, NP_ENCODING_UTF8, &error);

  g_assert_null (bytes);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "NUL byte at byte 2"));
  g_assert_null (strstr (error->message, "UTF-8"));
}

static void
test_names (void)
{
  NpEncoding encoding;
  NpFormat format;
  g_autoptr(GError) error = NULL;

  g_assert_true (np_encoding_from_string ("GBK", &encoding, &error));
  g_assert_no_error (error);
  g_assert_cmpint (encoding, ==, NP_ENCODING_GB18030);
  g_assert_true (np_encoding_from_string ("utf8", &encoding, &error));
  g_assert_no_error (error);
  g_assert_cmpint (encoding, ==, NP_ENCODING_UTF8);
  g_assert_true (np_encoding_from_string ("ISO-8859-1", &encoding, &error));
  g_assert_no_error (error);
  g_assert_cmpint (encoding, ==, NP_ENCODING_LATIN1);
  g_assert_true (np_format_from_string ("escapes", &format, &error));
  g_assert_no_error (error);
  g_assert_cmpint (format, ==, NP_FORMAT_ESCAPES);
  g_assert_false (np_format_from_string ("binary", &format, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "binary"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/codec/text-encodings", test_text_encodings);
  g_test_add_func ("/codec/unencodable", test_unencodable);
  g_test_add_func ("/codec/invalid-bytes-shown", test_invalid_bytes_shown);
  g_test_add_func ("/codec/hex", test_hex);
  g_test_add_func ("/codec/hex-errors", test_hex_errors);
  g_test_add_func ("/codec/escapes", test_escapes);
  g_test_add_func ("/codec/escape-errors", test_escape_errors);
  g_test_add_func ("/codec/round-trips", test_round_trips);
  g_test_add_func ("/codec/names", test_names);
  g_test_add_func ("/codec/invisible-controls", test_invisible_controls);
  g_test_add_func ("/codec/nul-in-text", test_nul_in_text);

  return g_test_run ();
}
