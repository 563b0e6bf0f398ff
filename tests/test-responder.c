/* test-responder: reply rules compiled and applied, without sockets (the engine and the CLI
 * tests answer real peers). */
#include <string.h>

#include "np-error.h"
#include "np-responder.h"

static GPtrArray *
rules_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) np_reply_rule_free);
}

static NpResponder *
responder_for (GPtrArray  *rules,
               NpEncoding  receive,
               NpEncoding  send)
{
  g_autoptr(GError) error = NULL;
  NpResponder *responder = np_responder_new (rules, receive, send, &error);

  g_assert_no_error (error);
  g_assert_nonnull (responder);
  return responder;
}

/* The answer to @message as bytes (NULL: none), with the rule's position in @rule. */
static GBytes *
answer (NpResponder   *responder,
        const void    *message,
        gssize         length,
        NpMessageType  type,
        guint         *rule)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (message, length < 0 ? strlen (message) : (gsize) length);
  g_autoptr(NpReply) reply = np_responder_answer (responder, bytes, type, &error);

  g_assert_no_error (error);
  if (reply == NULL)
    return NULL;
  if (rule != NULL)
    *rule = reply->rule;
  return g_bytes_ref (reply->bytes);
}

static void
assert_answer (NpResponder *responder,
               const char  *message,
               const char  *expected,
               guint        expected_rule)
{
  guint rule = 0;
  g_autoptr(GBytes) got = answer (responder, message, -1, NP_MESSAGE_BYTES, &rule);

  if (expected == NULL)
    {
      g_assert_null (got);
      return;
    }
  g_assert_nonnull (got);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), expected, strlen (expected));
  g_assert_cmpuint (rule, ==, expected_rule);
}

/* The seed's device server: "report…" → "SET OK:" + the message; anything else → "alarm=" +
 * the text from its 7th character to the first comma + ",Switch:clear". */
static void
test_seed_rules (void)
{
  g_autoptr(GPtrArray) rules = rules_new ();
  g_autoptr(NpResponder) responder = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (rules, np_reply_rule_new_from_spec ("^report(.*)=>SET OK:report\\1", FALSE, &error));
  g_assert_no_error (error);
  g_ptr_array_add (rules, np_reply_rule_new_from_spec ("^.{6}([^,]*).*=>alarm=\\1,Switch:clear", FALSE, &error));
  g_assert_no_error (error);
  responder = responder_for (rules, NP_ENCODING_UTF8, NP_ENCODING_UTF8);

  assert_answer (responder, "report:temp=21", "SET OK:report:temp=21", 1);
  /* "." crosses line ends: the whole rest of the message, as the seed's slice takes it. */
  assert_answer (responder, "report1\r\nreport2", "SET OK:report1\r\nreport2", 1);
  assert_answer (responder, "DEV001A17,door open", "alarm=A17,Switch:clear", 2);
  assert_answer (responder, "DEV001", "alarm=,Switch:clear", 2);
  /* Shorter than 6 characters: the seed answers "alarm=,Switch:clear", these two rules do not
   * (the README gives the third rule that does). */
  assert_answer (responder, "abc", NULL, 0);
}

static void
test_order_and_disabled (void)
{
  g_autoptr(GPtrArray) rules = rules_new ();
  g_autoptr(NpResponder) responder = NULL;
  NpReplyRule *first = np_reply_rule_new (NP_MATCH_REGEX, "^GET", NP_REPLY_TEXT, "first");

  g_ptr_array_add (rules, first);
  g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_REGEX, "^G", NP_REPLY_TEXT, "second"));
  g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_ANY, "", NP_REPLY_TEXT, "fallback"));
  responder = responder_for (rules, NP_ENCODING_UTF8, NP_ENCODING_UTF8);
  assert_answer (responder, "GET x", "first", 1);
  assert_answer (responder, "GO", "second", 2);
  assert_answer (responder, "PUT", "fallback", 3);
  g_clear_object (&responder);

  first->enabled = FALSE;
  responder = responder_for (rules, NP_ENCODING_UTF8, NP_ENCODING_UTF8);
  assert_answer (responder, "GET x", "second", 2);
}

static void
test_template (void)
{
  g_autoptr(GPtrArray) rules = rules_new ();
  g_autoptr(NpResponder) responder = NULL;
  guint rule = 0;
  g_autoptr(GBytes) got = NULL;

  g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_REGEX, "^(\\w+)=(\\d+)", NP_REPLY_TEXT,
                                             "\\2<-\\1\\t[\\0]\\r\\n\\x00\\\\1"));
  g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_TEXT, "PING", NP_REPLY_TEXT, "PONG \\0"));
  responder = responder_for (rules, NP_ENCODING_UTF8, NP_ENCODING_UTF8);

  got = answer (responder, "temp=21;", -1, NP_MESSAGE_BYTES, &rule);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "21<-temp\t[temp=21]\r\n\0\\1", 23);

  /* A text rule matches the whole message, a trailing line end aside; \0 is the message. */
  assert_answer (responder, "PING", "PONG PING", 2);
  assert_answer (responder, "PING\r\n", "PONG PING\r\n", 2);
  assert_answer (responder, "PING!", NULL, 0);
}

static void
test_hex_and_echo (void)
{
  g_autoptr(GPtrArray) rules = rules_new ();
  g_autoptr(NpResponder) responder = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 request[] = { 0x01, 0x03, 0x00, 0x00 };
  static const guint8 binary[] = { 0xff, 0x00, 0xfe, 0x80 };
  guint rule = 0;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) echoed = NULL;

  g_ptr_array_add (rules, np_reply_rule_new_from_spec ("01 03 00 00=>01 83 02", TRUE, &error));
  g_assert_no_error (error);
  g_ptr_array_add (rules, np_reply_rule_new_echo ());
  responder = responder_for (rules, NP_ENCODING_UTF8, NP_ENCODING_UTF8);

  got = answer (responder, request, sizeof request, NP_MESSAGE_BYTES, &rule);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "\x01\x83\x02", 3);
  g_assert_cmpuint (rule, ==, 1);

  /* Echo is byte for byte, whatever the encoding makes of it. */
  echoed = answer (responder, binary, sizeof binary, NP_MESSAGE_BYTES, &rule);
  g_assert_cmpmem (g_bytes_get_data (echoed, NULL), g_bytes_get_size (echoed), binary, sizeof binary);
  g_assert_cmpuint (rule, ==, 2);
}

/* GBK in, matched as text, answered in UTF-8 (as the seed does) or in GBK. */
static void
test_encodings (void)
{
  g_autoptr(GPtrArray) rules = rules_new ();
  g_autoptr(NpResponder) to_utf8 = NULL;
  g_autoptr(NpResponder) to_gbk = NULL;
  g_autofree char *gbk = g_convert ("报警温度,x", -1, "GB18030", "UTF-8", NULL, NULL, NULL);
  g_autofree char *gbk_reply = g_convert ("确认:温度", -1, "GB18030", "UTF-8", NULL, NULL, NULL);
  g_autoptr(GBytes) utf8 = NULL;
  g_autoptr(GBytes) back = NULL;

  g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_REGEX, "^报警(温度)", NP_REPLY_TEXT, "确认:\\1"));
  to_utf8 = responder_for (rules, NP_ENCODING_GB18030, NP_ENCODING_UTF8);
  to_gbk = responder_for (rules, NP_ENCODING_GB18030, NP_ENCODING_GB18030);

  utf8 = answer (to_utf8, gbk, -1, NP_MESSAGE_BYTES, NULL);
  g_assert_cmpmem (g_bytes_get_data (utf8, NULL), g_bytes_get_size (utf8), "确认:温度", strlen ("确认:温度"));
  back = answer (to_gbk, gbk, -1, NP_MESSAGE_BYTES, NULL);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), gbk_reply, strlen (gbk_reply));
}

/* A WebSocket text message is UTF-8 whatever the encodings, and is answered with text; a hex
 * answer goes as binary. */
static void
test_websocket_types (void)
{
  g_autoptr(GPtrArray) rules = rules_new ();
  g_autoptr(NpResponder) responder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) text = g_bytes_new_static ("温度?", strlen ("温度?"));
  g_autoptr(GBytes) bin = g_bytes_new_static ("\x01", 1);
  g_autoptr(NpReply) text_reply = NULL;
  g_autoptr(NpReply) hex_reply = NULL;

  g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_REGEX, "^(温度)\\?", NP_REPLY_TEXT, "\\1=21"));
  g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_HEX, "01", NP_REPLY_HEX, "02"));
  responder = responder_for (rules, NP_ENCODING_LATIN1, NP_ENCODING_LATIN1);

  text_reply = np_responder_answer (responder, text, NP_MESSAGE_TEXT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (text_reply->type, ==, NP_MESSAGE_TEXT);
  g_assert_cmpmem (g_bytes_get_data (text_reply->bytes, NULL), g_bytes_get_size (text_reply->bytes),
                   "温度=21", strlen ("温度=21"));
  hex_reply = np_responder_answer (responder, bin, NP_MESSAGE_BINARY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hex_reply->type, ==, NP_MESSAGE_BINARY);
}

/* Bad rules are refused with their position and GRegex's own words. */
static void
test_refused (void)
{
  struct { NpMatchKind match; const char *pattern; NpReplyKind reply; const char *response; guint delay;
           const char *needle; } cases[] = {
    { NP_MATCH_REGEX, "^report(.*", NP_REPLY_TEXT, "x", 0,
      "Rule 2: pattern: Error while compiling regular expression ‘^report(.*’ at char 10: missing terminating )" },
    { NP_MATCH_REGEX, "^(a)(b)", NP_REPLY_TEXT, "\\3", 0, "Rule 2: reply: the reply uses \\3, but the pattern has 2 group(s)" },
    { NP_MATCH_TEXT, "PING", NP_REPLY_TEXT, "\\1", 0, "only a regular expression has groups" },
    { NP_MATCH_REGEX, "x", NP_REPLY_TEXT, "\\q", 0, "Rule 2: reply: Unknown escape “\\q” at position 1" },
    { NP_MATCH_REGEX, "x", NP_REPLY_TEXT, "ok\\x4", 0, "“\\x” at position 3 needs two hex digits" },
    { NP_MATCH_HEX, "01 0", NP_REPLY_HEX, "02", 0, "Rule 2: pattern: Odd number of hex digits" },
    { NP_MATCH_HEX, " ", NP_REPLY_HEX, "02", 0, "Rule 2: pattern: the pattern is empty" },
    { NP_MATCH_REGEX, "", NP_REPLY_TEXT, "x", 0, "Rule 2: pattern: the pattern is empty (choose “any message”" },
    { NP_MATCH_TEXT, "", NP_REPLY_TEXT, "x", 0, "the pattern is empty" },
    { NP_MATCH_REGEX, "x", NP_REPLY_HEX, "zz", 0, "Rule 2: reply: “z” at position 1 is not a hex digit" },
    { NP_MATCH_REGEX, "x", NP_REPLY_TEXT, "温度", 0, "cannot be written in Latin-1" },
    { NP_MATCH_REGEX, "x", NP_REPLY_TEXT, "y", NP_REPLY_MAX_DELAY_MS + 1, "a rule may wait" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) rules = rules_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(NpResponder) responder = NULL;
      NpReplyRule *bad = np_reply_rule_new (cases[i].match, cases[i].pattern, cases[i].reply, cases[i].response);

      bad->delay_ms = cases[i].delay;
      bad->enabled = FALSE;   /* refused even while disabled: a rules list is all good or refused */
      g_ptr_array_add (rules, np_reply_rule_new_echo ());
      g_ptr_array_add (rules, bad);
      responder = np_responder_new (rules, NP_ENCODING_LATIN1, NP_ENCODING_LATIN1, &error);
      g_assert_null (responder);
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].needle);
      g_assert_false (np_responder_check_rule (bad, NP_ENCODING_LATIN1, NP_ENCODING_LATIN1, NULL));
    }
}

/* A capture the send encoding cannot write: the rule matched, no answer, an error naming it. */
static void
test_unwritable_capture (void)
{
  g_autoptr(GPtrArray) rules = rules_new ();
  g_autoptr(NpResponder) responder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = g_bytes_new_static ("name=温度", strlen ("name=温度"));
  g_autoptr(NpReply) reply = NULL;

  g_ptr_array_add (rules, np_reply_rule_new (NP_MATCH_REGEX, "name=(.*)", NP_REPLY_TEXT, "hello \\1"));
  responder = responder_for (rules, NP_ENCODING_UTF8, NP_ENCODING_LATIN1);
  reply = np_responder_answer (responder, message, NP_MESSAGE_BYTES, &error);
  g_assert_null (reply);
  g_assert_error (error, NP_ERROR, NP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Rule 1 matched, but its reply cannot be made"));
  g_assert_nonnull (strstr (error->message, "Latin-1"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/responder/seed-rules", test_seed_rules);
  g_test_add_func ("/responder/order-and-disabled", test_order_and_disabled);
  g_test_add_func ("/responder/template", test_template);
  g_test_add_func ("/responder/hex-and-echo", test_hex_and_echo);
  g_test_add_func ("/responder/encodings", test_encodings);
  g_test_add_func ("/responder/websocket-types", test_websocket_types);
  g_test_add_func ("/responder/refused", test_refused);
  g_test_add_func ("/responder/unwritable-capture", test_unwritable_capture);

  return g_test_run ();
}
