/* libFuzzer target: the framer. The first bytes choose the framing and the maximum message
 * size, the rest is the stream. It is fed whole, then again in chunks whose sizes come from a
 * generator seeded by the input: the messages, the error and what is left for flush must be the
 * same however the stream is split (np-framer.h). Every message is also wrapped and framed
 * again, which must give it back. */
#include <string.h>

#include "np-framer.h"

typedef struct
{
  GPtrArray *messages;
  gboolean   failed;
  GBytes    *rest;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_ptr_array_unref (outcome->messages);
  g_clear_pointer (&outcome->rest, g_bytes_unref);
}

static NpFramer *
make_framer (const guint8 *setup)
{
  static const char *kinds[] = { "line", "u8", "u16be", "u16le", "u32be", "u32le", "ascii" };
  guint kind = setup[0] % G_N_ELEMENTS (kinds);
  g_autofree char *spec = kind == 6 ? g_strdup_printf ("ascii%u", setup[1] % 20 + 1) : g_strdup (kinds[kind]);
  NpFramer *framer = np_framer_new_from_string (spec, NULL);

  g_assert (framer != NULL);
  /* Small maxima reach the "longer than the maximum" paths; 0 means the default. */
  if (setup[2] != 0)
    np_framer_set_max_message (framer, setup[2]);
  if (kind == 0 && setup[1] & 1)
    np_framer_set_delimiter (framer, (const guint8 *) "\r\n", 2);
  return framer;
}

/* Feeds @data in chunks of 1..@max_chunk bytes (a fixed generator seeded with @seed), or whole
 * when @max_chunk is 0. */
static void
run (const guint8 *setup,
     const guint8 *data,
     gsize         size,
     guint         max_chunk,
     guint32       seed,
     Outcome      *out)
{
  g_autoptr(NpFramer) framer = make_framer (setup);
  gsize offset = 0;

  out->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  out->failed = FALSE;
  while (offset < size && !out->failed)
    {
      gsize chunk = size - offset;

      if (max_chunk > 0)
        {
          seed = seed * 1103515245 + 12345;
          chunk = MIN (chunk, (seed >> 16) % max_chunk + 1);
        }
      out->failed = !np_framer_push (framer, data + offset, chunk, out->messages, NULL);
      offset += chunk;
    }
  out->rest = np_framer_flush (framer);

  /* After a protocol error the framer takes no more: what was not pushed counts as left over,
   * as it would be shown to the user when the connection closes. */
  if (offset < size)
    {
      g_autoptr(GByteArray) rest = g_byte_array_new ();

      if (out->rest != NULL)
        g_byte_array_append (rest, g_bytes_get_data (out->rest, NULL), g_bytes_get_size (out->rest));
      g_byte_array_append (rest, data + offset, size - offset);
      g_clear_pointer (&out->rest, g_bytes_unref);
      out->rest = g_byte_array_free_to_bytes (g_steal_pointer (&rest));
    }
}

static gboolean
same_bytes (GBytes *a,
            GBytes *b)
{
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && g_bytes_equal (a, b));
}

/* Wrapping a message and framing it again gives the message back. */
static void
check_wrap (const guint8 *setup,
            GBytes       *message)
{
  g_autoptr(NpFramer) framer = make_framer (setup);
  g_autoptr(GBytes) wrapped = np_framer_wrap (framer, message, NULL);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize size;
  const guint8 *data;

  if (wrapped == NULL || np_framer_get_kind (framer) == NP_FRAMING_LINE)
    return;   /* too long for the header; lines are not wrapped */
  data = g_bytes_get_data (wrapped, &size);
  g_assert (np_framer_push (framer, data, size, again, NULL));
  g_assert (again->len == 1 && g_bytes_equal (g_ptr_array_index (again, 0), message));
}

int LLVMFuzzerTestOneInput (const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        gsize         size)
{
  Outcome whole, split;
  guint32 seed = 0;

  if (size < 4)
    return 0;
  for (gsize i = 0; i < size; i++)
    seed = seed * 31 + data[i];

  run (data, data + 4, size - 4, 0, 0, &whole);
  run (data, data + 4, size - 4, data[3] % 64 + 1, seed, &split);

  g_assert (whole.failed == split.failed);
  g_assert (whole.messages->len == split.messages->len);
  for (guint i = 0; i < whole.messages->len; i++)
    {
      g_assert (g_bytes_equal (g_ptr_array_index (whole.messages, i), g_ptr_array_index (split.messages, i)));
      if (i < 8)
        check_wrap (data, g_ptr_array_index (whole.messages, i));
    }
  g_assert (same_bytes (whole.rest, split.rest));

  outcome_clear (&whole);
  outcome_clear (&split);
  return 0;
}
