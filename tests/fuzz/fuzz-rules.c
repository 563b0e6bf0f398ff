/* libFuzzer target: reply rules, from the text a user or a file gives to the answer sent.
 * The first byte chooses what the rest is, and the encodings:
 *   even: a --rules file (a JSON list of rules, or a workspace); what loads must compile (the
 *         loader compiles every rule), and answer the rest of the input as a message;
 *   odd:  "SPEC\0MESSAGE": SPEC as --reply (or --reply-hex, by bit 1) gives; when it compiles,
 *         MESSAGE is answered, as bytes and as a WebSocket text and binary message.
 * Bad input is refused with a message, never a crash or a GLib warning (made fatal here); an
 * answer is made or refused with an error naming the rule. */
#include <string.h>

#include "np-responder.h"
#include "np-session.h"

int LLVMFuzzerTestOneInput (const guint8 *data, gsize size);

static void
answer_all (NpResponder  *responder,
            const guint8 *message,
            gsize         length)
{
  static const NpMessageType types[] = { NP_MESSAGE_BYTES, NP_MESSAGE_TEXT, NP_MESSAGE_BINARY };
  g_autoptr(GBytes) bytes = g_bytes_new (message, length);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NpReply) reply = np_responder_answer (responder, bytes, types[i], &error);

      if (reply != NULL)
        g_assert (reply->rule >= 1 && reply->rule <= np_responder_get_n_rules (responder) && reply->bytes != NULL);
      else if (error != NULL)
        g_assert (g_str_has_prefix (error->message, "Rule "));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        gsize         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpResponder) responder = NULL;
  NpEncoding receive, send;

  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  if (size == 0)
    return 0;
  receive = (data[0] >> 2) % 3;
  send = (data[0] >> 4) % 3;

  if (data[0] % 2 == 0)
    {
      g_autoptr(GPtrArray) rules = np_reply_rules_new_from_data ((const char *) data + 1, size - 1, "fuzz.json",
                                                                 &error);

      if (rules == NULL)
        {
          g_assert (error != NULL && g_str_has_prefix (error->message, "fuzz.json: "));
          return 0;
        }
      /* The loader checked every rule in UTF-8 (there is no endpoint to say otherwise). */
      responder = np_responder_new (rules, NP_ENCODING_UTF8, NP_ENCODING_UTF8, &error);
      g_assert_no_error (error);
      answer_all (responder, data + 1, size - 1);
      return 0;
    }

  {
    const guint8 *nul = memchr (data + 1, '\0', size - 1);
    gsize spec_length = nul != NULL ? (gsize) (nul - data - 1) : size - 1;
    g_autofree char *spec = g_strndup ((const char *) data + 1, spec_length);
    g_autoptr(NpReplyRule) rule = NULL;
    g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) np_reply_rule_free);

    if (strlen (spec) != spec_length || !g_utf8_validate (spec, -1, NULL))
      return 0;   /* the command line gives UTF-8 text without NUL */
    rule = np_reply_rule_new_from_spec (spec, (data[0] & 2) != 0, &error);
    if (rule == NULL)
      {
        g_assert (error != NULL);
        return 0;
      }
    g_ptr_array_add (rules, g_steal_pointer (&rule));
    responder = np_responder_new (rules, receive, send, &error);
    if (responder == NULL)
      {
        g_assert (error != NULL && g_str_has_prefix (error->message, "Rule 1: "));
        return 0;
      }
    if (nul != NULL)
      answer_all (responder, nul + 1, size - spec_length - 2);
  }
  return 0;
}
