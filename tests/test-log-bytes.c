/* A row's whole bytes: kept up to NP_LOG_ROW_KEEP_MAX, the log within its byte budget (oldest
 * rows give theirs up first and say so), what the bytes are (magic), and how they read and copy
 * (hexdump -C lines, hex, xxd -i's C array, Base64; test_gui_look.py compares against the real
 * hexdump and xxd). */
#include <string.h>

#include "np-hex-dump.h"
#include "np-log-model.h"
#include "np-magic.h"

static NpLogRow *
row_of_size (gsize size,
             guint8 fill)
{
  g_autoptr(NpEvent) event = np_event_new (NP_EVENT_RECEIVED, 1, 1, "127.0.0.1:9");
  guint8 *data = g_malloc (size);

  memset (data, fill, size);
  event->payload = g_bytes_new_take (data, size);
  event->length = size;
  return np_log_row_new_from_event (event, NP_MODE_TCP_SERVER);
}

static void
test_whole_payload_kept (void)
{
  g_autoptr(NpLogRow) row = row_of_size (100000, 'a');
  g_autoptr(NpLogRow) huge = row_of_size (NP_LOG_ROW_KEEP_MAX + 1, 'b');
  g_autofree char *why = NULL;

  g_assert_cmpint (np_log_row_get_kept (row), ==, NP_LOG_ROW_KEPT_ALL);
  g_assert_cmpuint (g_bytes_get_size (np_log_row_get_bytes (row)), ==, 100000);
  g_assert_cmpuint (g_bytes_get_size (np_log_row_get_preview (row)), ==, NP_LOG_ROW_PREVIEW);
  g_assert_null (np_log_row_describe_kept (row));

  g_assert_cmpint (np_log_row_get_kept (huge), ==, NP_LOG_ROW_KEPT_TOO_LONG);
  g_assert_null (np_log_row_get_bytes (huge));
  g_assert_cmpuint (g_bytes_get_size (np_log_row_get_preview (huge)), ==, NP_LOG_ROW_PREVIEW);
  why = np_log_row_describe_kept (huge);
  g_assert_nonnull (strstr (why, "Only the first 1024 of 16777217 bytes were kept"));
}

static void
test_byte_budget (void)
{
  g_autoptr(NpLogModel) model = np_log_model_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(NpLogRow) first = NULL;
  g_autoptr(NpLogRow) last = NULL;
  const guint8 *preview;

  np_log_model_set_byte_budget (model, 350000);
  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (rows, row_of_size (100000, 'a' + i));
  np_log_model_append (model, rows);

  /* Three whole payloads fit: the two oldest keep their previews only, with their own bytes. */
  g_assert_cmpuint (np_log_model_get_kept_bytes (model), ==, 300000);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  last = g_list_model_get_item (G_LIST_MODEL (model), 4);
  g_assert_cmpint (np_log_row_get_kept (first), ==, NP_LOG_ROW_KEPT_BUDGET);
  g_assert_null (np_log_row_get_bytes (first));
  preview = g_bytes_get_data (np_log_row_get_preview (first), NULL);
  g_assert_cmpuint (g_bytes_get_size (np_log_row_get_preview (first)), ==, NP_LOG_ROW_PREVIEW);
  g_assert_cmpint (preview[0], ==, 'a');
  g_assert_cmpint (np_log_row_get_kept (last), ==, NP_LOG_ROW_KEPT_ALL);

  /* Rows the cap drops leave the account; clearing empties it. */
  np_log_model_set_cap (model, 1);
  g_assert_cmpuint (np_log_model_get_kept_bytes (model), ==, 100000);
  np_log_model_clear (model);
  g_assert_cmpuint (np_log_model_get_kept_bytes (model), ==, 0);
}

static void
test_magic (void)
{
  static const struct { const char *data; gsize length; const char *name; gboolean image; } cases[] = {
    { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "PNG", TRUE },
    { "\xff\xd8\xff\xe0\0\x10JFIF", 10, "JPEG", TRUE },
    { "GIF89a\x01\0", 8, "GIF", TRUE },
    { "RIFF\x24\0\0\0WEBPVP8 ", 16, "WebP", TRUE },
    { "RIFF\x24\0\0\0WAVEfmt ", 16, "data", FALSE },
    { "BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18, "BMP", TRUE },
    { "BMW 320i", 8, "data", FALSE },
    { "%PDF-1.4", 8, "PDF", FALSE },
    { "hello", 5, "data", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const NpMagic *magic = np_magic_sniff ((const guint8 *) cases[i].data, cases[i].length);

      g_assert_cmpstr (magic->name, ==, cases[i].name);
      g_assert_cmpint (magic->image, ==, cases[i].image);
    }
}

static void
test_hex_dump (void)
{
  const guint8 *data = (const guint8 *) "hello world\n\x00\x01\xff";
  g_autofree char *line = np_hex_dump_line (data, 15, 0);
  g_autofree char *hex = np_hex_dump_copy (data, 15, NP_HEX_COPY_HEX);
  g_autofree char *c_array = np_hex_dump_copy (data, 15, NP_HEX_COPY_C_ARRAY);
  g_autofree char *base64 = np_hex_dump_copy (data, 15, NP_HEX_COPY_BASE64);
  g_autofree char *empty = np_hex_dump_copy (data, 0, NP_HEX_COPY_C_ARRAY);

  /* What `hexdump -C` and `xxd -i message` print for these bytes. */
  g_assert_cmpstr (line, ==, "00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a 00 01 ff     |hello world....|");
  g_assert_cmpstr (hex, ==, "68 65 6c 6c 6f 20 77 6f 72 6c 64 0a 00 01 ff");
  g_assert_cmpstr (c_array, ==,
                   "unsigned char message[] = {\n"
                   "  0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0x0a,\n"
                   "  0x00, 0x01, 0xff\n"
                   "};\n"
                   "unsigned int message_len = 15;\n");
  g_assert_cmpstr (base64, ==, "aGVsbG8gd29ybGQKAAH/");
  g_assert_cmpstr (empty, ==, "unsigned char message[] = {\n};\nunsigned int message_len = 0;\n");
  g_assert_cmpuint (np_hex_dump_n_lines (16 * 1024 * 1024), ==, 1048576);
  g_assert_cmpuint (np_hex_dump_n_lines (17), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/log-bytes/whole-payload-kept", test_whole_payload_kept);
  g_test_add_func ("/log-bytes/byte-budget", test_byte_budget);
  g_test_add_func ("/log-bytes/magic", test_magic);
  g_test_add_func ("/log-bytes/hex-dump", test_hex_dump);

  return g_test_run ();
}
