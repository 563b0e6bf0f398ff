/* Framer: split and merged segments, every framing, oversize headers, wrap round trips. */
#include <string.h>

#include "np-error.h"
#include "np-framer.h"

static GPtrArray *
new_messages (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static void
assert_message (GPtrArray  *messages,
                guint       index,
                const char *expected,
                gsize       length)
{
  gsize size;
  const guint8 *data;

  g_assert_cmpuint (index, <, messages->len);
  data = g_bytes_get_data (g_ptr_array_index (messages, index), &size);
  g_assert_cmpmem (data, size, expected, length);
}

/* Feeds @stream in pieces of @chunk bytes (every split point gets exercised by the callers). */
static GPtrArray *
feed (NpFramer   *framer,
      const char *stream,
      gsize       length,
      gsize       chunk)
{
  GPtrArray *messages = new_messages ();

  for (gsize offset = 0; offset < length; offset += chunk)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (np_framer_push (framer, (const guint8 *) stream + offset,
                                     MIN (chunk, length - offset), messages, &error));
      g_assert_no_error (error);
    }

  return messages;
}

static void
test_raw (void)
{
  g_autoptr(NpFramer) framer = np_framer_new (NP_FRAMING_RAW, 0);
  g_autoptr(GPtrArray) messages = feed (framer, "abcdef", 6, 4);

  g_assert_cmpuint (messages->len, ==, 2);
  assert_message (messages, 0, "abcd", 4);
  assert_message (messages, 1, "ef", 2);
  g_assert_null (np_framer_flush (framer));
}

static void
test_lines_every_split (void)
{
  const char stream[] = "one\r\ntwo\n\nthree";

  for (gsize chunk = 1; chunk <= sizeof stream; chunk++)
    {
      g_autoptr(NpFramer) framer = np_framer_new (NP_FRAMING_LINE, 0);
      g_autoptr(GPtrArray) messages = feed (framer, stream, sizeof stream - 1, chunk);
      g_autoptr(GBytes) rest = np_framer_flush (framer);

      g_assert_cmpuint (messages->len, ==, 3);
      assert_message (messages, 0, "one\r\n", 5);
      assert_message (messages, 1, "two\n", 4);
      assert_message (messages, 2, "\n", 1);
      g_assert_nonnull (rest);
      g_assert_cmpmem (g_bytes_get_data (rest, NULL), g_bytes_get_size (rest), "three", 5);
    }
}

static void
test_custom_delimiter_straddles (void)
{
  const char stream[] = "a||b||||c|";

  for (gsize chunk = 1; chunk <= sizeof stream; chunk++)
    {
      g_autoptr(NpFramer) framer = np_framer_new (NP_FRAMING_LINE, 0);
      g_autoptr(GPtrArray) messages = NULL;
      g_autoptr(GBytes) rest = NULL;

      np_framer_set_delimiter (framer, (const guint8 *) "||", 2);
      messages = feed (framer, stream, sizeof stream - 1, chunk);
      rest = np_framer_flush (framer);

      g_assert_cmpuint (messages->len, ==, 3);
      assert_message (messages, 0, "a||", 3);
      assert_message (messages, 1, "b||", 3);
      assert_message (messages, 2, "||", 2);
      g_assert_cmpmem (g_bytes_get_data (rest, NULL), g_bytes_get_size (rest), "c|", 2);
    }
}

static void
test_long_line_is_split_not_lost (void)
{
  g_autoptr(NpFramer) framer = np_framer_new (NP_FRAMING_LINE, 0);
  g_autoptr(GPtrArray) messages = NULL;

  np_framer_set_max_message (framer, 4);
  messages = feed (framer, "abcdefghij\n", 11, 3);

  g_assert_cmpuint (messages->len, ==, 3);
  assert_message (messages, 0, "abcd", 4);
  assert_message (messages, 1, "efgh", 4);
  assert_message (messages, 2, "ij\n", 3);
}

typedef struct
{
  const char *spec;
  const char *stream;
  gsize       length;
} FrameCase;

static void
test_length_prefixed_every_split (void)
{
  /* Two messages, "hi" and "", then "xyz", for each header kind. */
  const FrameCase cases[] = {
    { "u8",      "\x02hi\x00\x03xyz", 8 },
    { "u16be",   "\x00\x02hi\x00\x00\x00\x03xyz", 11 },
    { "u16le",   "\x02\x00hi\x00\x00\x03\x00xyz", 11 },
    { "u32be",   "\x00\x00\x00\x02hi\x00\x00\x00\x00\x00\x00\x00\x03xyz", 17 },
    { "u32le",   "\x02\x00\x00\x00hi\x00\x00\x00\x00\x03\x00\x00\x00xyz", 17 },
    { "ascii4",  "2   hi0   3   xyz", 17 },
    { "ascii16", "2               hi"
                 "0               "
                 "0000000000000003xyz", 53 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (gsize chunk = 1; chunk <= cases[c].length; chunk++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(NpFramer) framer = np_framer_new_from_string (cases[c].spec, &error);
        g_autoptr(GPtrArray) messages = NULL;

        g_assert_no_error (error);
        messages = feed (framer, cases[c].stream, cases[c].length, chunk);
        g_assert_cmpuint (messages->len, ==, 3);
        assert_message (messages, 0, "hi", 2);
        assert_message (messages, 1, "", 0);
        assert_message (messages, 2, "xyz", 3);
        g_assert_null (np_framer_flush (framer));
      }
}

static void
test_oversize_header (void)
{
  g_autoptr(NpFramer) framer = np_framer_new (NP_FRAMING_U32BE, 0);
  g_autoptr(GPtrArray) messages = new_messages ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  /* A valid frame, then a header claiming 4 GiB - 1. */
  const guint8 stream[] = { 0, 0, 0, 1, 'a', 0xFF, 0xFF, 0xFF, 0xFF, 'b' };

  np_framer_set_max_message (framer, 1024);
  g_assert_false (np_framer_push (framer, stream, sizeof stream, messages, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "4294967295"));
  g_assert_nonnull (strstr (error->message, "1024"));
  g_assert_cmpuint (messages->len, ==, 1);
  assert_message (messages, 0, "a", 1);
  /* Nothing was allocated for the claim: only the 5 bytes that came are held. */
  g_assert_cmpuint (np_framer_get_buffered (framer), ==, 5);

  g_assert_false (np_framer_push (framer, stream, 1, messages, &again));
  g_assert_error (again, NP_ERROR, NP_ERROR_PROTOCOL);
}

static void
test_bad_ascii_header (void)
{
  g_autoptr(NpFramer) framer = np_framer_new (NP_FRAMING_ASCII, 16);
  g_autoptr(GPtrArray) messages = new_messages ();
  g_autoptr(GError) error = NULL;
  const char stream[] = "12 34           payload";

  g_assert_false (np_framer_push (framer, (const guint8 *) stream, strlen (stream), messages, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "not a decimal number"));
}

/* Only digits between the padding (issue 8, defect 10): "1", 14 NULs, "9" is not length 1;
 * and a number past 2^64 is called too large, not "not a decimal number" (defect 12). */
static void
test_ascii_header_embedded_nul (void)
{
  const guint8 stream[] = { '1', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '9', 'x' };
  g_autoptr(NpFramer) framer = np_framer_new (NP_FRAMING_ASCII, 16);
  g_autoptr(GPtrArray) messages = new_messages ();
  g_autoptr(GError) error = NULL;

  g_assert_false (np_framer_push (framer, stream, sizeof stream, messages, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_PROTOCOL);
  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_nonnull (strstr (error->message, "“1\\x00\\x00"));
  g_assert_nonnull (strstr (error->message, "\\x009” is not a decimal number"));
}

static void
test_ascii_header_too_large (void)
{
  const char stream[] = "99999999999999999999xyz";   /* 20 digits: more than 2^64 - 1 */
  g_autoptr(NpFramer) framer = np_framer_new (NP_FRAMING_ASCII, 20);
  g_autoptr(GPtrArray) messages = new_messages ();
  g_autoptr(GError) error = NULL;

  g_assert_false (np_framer_push (framer, (const guint8 *) stream, strlen (stream), messages, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "is too large"));
  g_assert_null (strstr (error->message, "not a decimal number"));
}

/* A connection that once carried a large message gives the memory back (issue 8, defect 2:
 * what an endpoint counts against its budget is what the framer holds). */
static void
test_memory_given_back (void)
{
  g_autoptr(NpFramer) framer = np_framer_new (NP_FRAMING_LINE, 0);
  g_autoptr(GPtrArray) messages = new_messages ();
  g_autofree char *big = g_strnfill (4 * 1024 * 1024, 'x');

  g_assert_true (np_framer_push (framer, (const guint8 *) big, strlen (big), messages, NULL));
  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_cmpuint (np_framer_get_allocated (framer), >=, 4 * 1024 * 1024);
  g_assert_true (np_framer_push (framer, (const guint8 *) "\nab", 3, messages, NULL));
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpuint (np_framer_get_buffered (framer), ==, 2);
  g_assert_cmpuint (np_framer_get_allocated (framer), <=, 64 * 1024);
}

static void
test_wrap (void)
{
  const char *specs[] = { "raw", "line", "u8", "u16be", "u16le", "u32be", "u32le", "ascii16", "ascii3" };
  g_autoptr(GBytes) payload = g_bytes_new_static ("hello world", 11);

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NpFramer) framer = np_framer_new_from_string (specs[i], &error);
      g_autoptr(NpFramer) reader = NULL;
      g_autoptr(GBytes) wrapped = NULL;
      g_autoptr(GPtrArray) messages = NULL;
      g_autoptr(GBytes) rest = NULL;
      g_autofree char *name = NULL;

      g_assert_no_error (error);
      reader = np_framer_copy_settings (framer);
      wrapped = np_framer_wrap (framer, payload, &error);
      g_assert_no_error (error);
      name = np_framer_to_string (framer);
      g_assert_cmpstr (name, ==, specs[i]);
      messages = feed (reader, g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped), 5);
      rest = np_framer_flush (reader);
      if (g_str_equal (specs[i], "line"))
        {
          g_assert_cmpuint (messages->len, ==, 0);   /* no delimiter: still buffered */
          g_assert_true (g_bytes_equal (rest, payload));
        }
      else
        {
          g_assert_cmpuint (messages->len, >=, 1);
          if (!g_str_equal (specs[i], "raw"))
            g_assert_true (g_bytes_equal (g_ptr_array_index (messages, 0), payload));
        }
    }

  {
    g_autoptr(NpFramer) tiny = np_framer_new (NP_FRAMING_ASCII, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) wrapped = np_framer_wrap (tiny, payload, &error);
    g_autoptr(GBytes) ljust = NULL;
    g_autoptr(NpFramer) ascii16 = np_framer_new (NP_FRAMING_ASCII, 16);

    g_assert_null (wrapped);
    g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);

    /* The header is what Python's str(len).ljust(16) writes. */
    g_clear_error (&error);
    ljust = np_framer_wrap (ascii16, payload, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (ljust, NULL), 16, "11              ", 16);
  }
}

static void
test_parse_names (void)
{
  const char *bad[] = { "ascii0", "ascii21", "ascii", "u64", "lines", "" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NpFramer) framer = np_framer_new_from_string (bad[i], &error);

      g_assert_null (framer);
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/framer/raw", test_raw);
  g_test_add_func ("/framer/lines-every-split", test_lines_every_split);
  g_test_add_func ("/framer/custom-delimiter-straddles", test_custom_delimiter_straddles);
  g_test_add_func ("/framer/long-line-split-not-lost", test_long_line_is_split_not_lost);
  g_test_add_func ("/framer/length-prefixed-every-split", test_length_prefixed_every_split);
  g_test_add_func ("/framer/oversize-header", test_oversize_header);
  g_test_add_func ("/framer/bad-ascii-header", test_bad_ascii_header);
  g_test_add_func ("/framer/ascii-header-embedded-nul", test_ascii_header_embedded_nul);
  g_test_add_func ("/framer/ascii-header-too-large", test_ascii_header_too_large);
  g_test_add_func ("/framer/memory-given-back", test_memory_given_back);
  g_test_add_func ("/framer/wrap", test_wrap);
  g_test_add_func ("/framer/parse-names", test_parse_names);

  return g_test_run ();
}
