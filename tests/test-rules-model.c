/* test-rules-model: NpRules, the window's reply rules, without a display: each rule says what
 * is wrong with it and where, the list compiles only when every rule is good, moves and
 * removals keep positions right, encodings decide what text rules mean, "try it". */
#include <string.h>

#include "np-rules.h"

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_checks_as_typed (void)
{
  g_autoptr(NpRules) rules = np_rules_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tried = NULL;
  NpRuleItem *first, *second;
  guint responders = 0;

  g_signal_connect (rules, "notify::responder", G_CALLBACK (on_notify), &responders);
  g_assert_null (np_rules_get_responder (rules));
  g_assert_null (np_rules_get_error (rules));

  first = np_rules_add (rules, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_rule_item_get_position (first), ==, 1);
  g_assert_nonnull (strstr (np_rule_item_get_error (first), "the pattern is empty"));
  g_assert_cmpstr (np_rules_get_error (rules), ==,
                   "Rule 1: pattern: the pattern is empty (choose “any message” to answer every message)");
  g_assert_null (np_rules_get_responder (rules));

  g_object_set (first, "pattern", "^report(.*)", "response", "SET OK:report\\1", NULL);
  g_assert_null (np_rule_item_get_error (first));
  g_assert_nonnull (np_rules_get_responder (rules));
  g_assert_cmpuint (responders, >, 0);

  second = np_rules_add (rules, NULL);
  g_object_set (second, "pattern", "(unclosed", "response", "x", NULL);
  g_assert_nonnull (strstr (np_rules_get_error (rules), "Rule 2: pattern: Error while compiling regular expression"));
  g_assert_null (np_rules_get_responder (rules));
  tried = np_rules_try (rules, "report1");
  g_assert_true (g_str_has_prefix (tried, "Fix the rules first: Rule 2:"));

  /* Moved up, the bad rule is rule 1 and says so; removed, the list is good again. */
  np_rules_move (rules, 1, -1);
  g_assert_cmpuint (np_rule_item_get_position (second), ==, 1);
  g_assert_true (np_rule_item_is_last (first));
  g_assert_true (g_str_has_prefix (np_rules_get_error (rules), "Rule 1: pattern:"));
  np_rules_move (rules, 0, -1);   /* already first: nothing */
  g_assert_cmpuint (np_rule_item_get_position (second), ==, 1);
  np_rules_remove (rules, 0);
  g_assert_null (np_rules_get_error (rules));
  g_assert_cmpuint (np_rule_item_get_position (first), ==, 1);

  g_clear_pointer (&tried, g_free);
  tried = np_rules_try (rules, "report\\r\\n42");
  g_assert_cmpstr (tried, ==, "Rule 1 answers: SET OK:report\\r\\n42");
  g_clear_pointer (&tried, g_free);
  tried = np_rules_try (rules, "hello");
  g_assert_cmpstr (tried, ==, "No rule answers this message");
}

/* A text rule's characters must exist in the encodings: Latin-1 cannot write 温度. */
static void
test_encodings (void)
{
  g_autoptr(NpRules) rules = np_rules_new ();
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) np_reply_rule_free);
  g_autoptr(GPtrArray) back = NULL;
  g_autofree char *tried = NULL;

  g_ptr_array_add (loaded, np_reply_rule_new (NP_MATCH_REGEX, "^温度", NP_REPLY_TEXT, "温度=21"));
  np_rules_set_rules (rules, loaded);
  g_assert_null (np_rules_get_error (rules));

  g_object_set (rules, "send-encoding", NP_ENCODING_LATIN1, NULL);
  g_assert_nonnull (strstr (np_rules_get_error (rules), "cannot be written in Latin-1"));
  g_object_set (rules, "send-encoding", NP_ENCODING_GB18030, "receive-encoding", NP_ENCODING_GB18030, NULL);
  g_assert_null (np_rules_get_error (rules));
  tried = np_rules_try (rules, "温度?");
  g_assert_cmpstr (tried, ==, "Rule 1 answers: 温度=21");

  back = np_rules_dup_rules (rules);
  g_assert_cmpuint (back->len, ==, 1);
  g_assert_true (np_reply_rule_equal (g_ptr_array_index (back, 0), g_ptr_array_index (loaded, 0)));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rules-model/checks-as-typed", test_checks_as_typed);
  g_test_add_func ("/rules-model/encodings", test_encodings);

  return g_test_run ();
}
