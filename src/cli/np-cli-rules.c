#define G_LOG_DOMAIN "netpoke-cli"

#include "np-cli-rules.h"
#include "np-error.h"
#include "np-session.h"

static void
add_rule (NpCliRules  *rules,
          NpReplyRule *rule,
          char        *source)
{
  g_ptr_array_add (rules->rules, rule);
  g_ptr_array_add (rules->sources, source);
}

static gboolean
on_reply (const char  *option,
          const char  *value,
          gpointer     user_data,
          GError     **error)
{
  NpCliRules *rules = user_data;
  gboolean hex = g_str_equal (option, "--reply-hex");
  NpReplyRule *rule = np_reply_rule_new_from_spec (value, hex, error);

  if (rule == NULL)
    return FALSE;

  add_rule (rules, rule, g_strdup_printf ("%s '%s'", option, value));
  return TRUE;
}

/* Echo is a rule like the others: it answers whatever the rules before it did not. */
static gboolean
on_echo (const char  *option,
         const char  *value,
         gpointer     user_data,
         GError     **error)
{
  add_rule (user_data, np_reply_rule_new_echo (), g_strdup ("--echo"));
  return TRUE;
}

static gboolean
on_rules_file (const char  *option,
               const char  *value,
               gpointer     user_data,
               GError     **error)
{
  NpCliRules *rules = user_data;
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (value);
  g_autoptr(GPtrArray) loaded = np_reply_rules_load (file, error);

  if (loaded == NULL)
    return FALSE;

  for (guint i = 0; i < loaded->len; i++)
    add_rule (rules, np_reply_rule_copy (g_ptr_array_index (loaded, i)),
              g_strdup_printf ("%s rule %u", value, i + 1));
  return TRUE;
}

/**
 * np_cli_rules_option_group:
 * Returns: (transfer full): the reply-rule options, shown with the main ones; they fill @rules
 *   in the order they are given, which is the order the rules are tried
 */
GOptionGroup *
np_cli_rules_option_group (NpCliRules *rules)
{
  GOptionGroup *group = g_option_group_new ("rules", "Reply rules:", "Show reply-rule options", rules, NULL);
  const GOptionEntry entries[] = {
    { "reply", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_CALLBACK, on_reply,
      "Answer a message the regex matches with the template (\\1 … \\9 groups, \\r \\n \\xNN); repeatable, the first match answers",
      "'REGEX=>TEMPLATE'" },
    { "reply-hex", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_CALLBACK, on_reply,
      "Answer a message of exactly these bytes with those (empty left side: any message)", "'HEX=>HEX'" },
    { "rules", 0, G_OPTION_FLAG_IN_MAIN | G_OPTION_FLAG_FILENAME, G_OPTION_ARG_CALLBACK, on_rules_file,
      "Reply rules from a workspace file or a JSON list of rules", "FILE" },
    { "echo", 0, G_OPTION_FLAG_IN_MAIN | G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_echo,
      "Send every received message back to its sender (a rule: after the rules before it)", NULL },
    { "reply-encoding", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_STRING, &rules->reply_encoding,
      "Character encoding of answers (default: --encoding)", "ENC" },
    { NULL }
  };

  rules->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) np_reply_rule_free);
  rules->sources = g_ptr_array_new_with_free_func (g_free);
  g_option_group_add_entries (group, entries);

  return group;
}

/**
 * np_cli_rules_configure:
 * @receive_encoding: the encoding received text is decoded in (--encoding)
 * @reply_encoding: (out): the encoding answers are written in (--reply-encoding, or
 *   @receive_encoding)
 *
 * Compiles the rules into @config's responder; a bad rule is refused with its position, the
 * option it came from and what is wrong with it, before anything starts.
 */
gboolean
np_cli_rules_configure (NpCliRules        *rules,
                        NpEndpointConfig  *config,
                        NpEncoding         receive_encoding,
                        NpEncoding        *reply_encoding,
                        GError           **error)
{
  NpEncoding send_encoding = receive_encoding;
  gboolean messages = config->mode != NP_MODE_HTTP_CLIENT
                      && (config->mode != NP_MODE_HTTP_SERVER || config->ws_path != NULL);

  if (rules->reply_encoding != NULL && !np_encoding_from_string (rules->reply_encoding, &send_encoding, error))
    return FALSE;
  *reply_encoding = send_encoding;

  if (rules->rules->len == 0)
    return TRUE;

  if (!messages)
    {
      g_set_error_literal (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                           "--reply, --reply-hex, --rules and --echo answer messages: TCP, UDP and WebSocket "
                           "(ws-server, ws, http-server --path); an HTTP server answers with --respond");
      return FALSE;
    }

  for (guint i = 0; i < rules->rules->len; i++)
    {
      g_autoptr(GError) rule_error = NULL;
      NpReplyRule *rule = g_ptr_array_index (rules->rules, i);

      if (!np_session_check_rule (rule, i, &rule_error)
          || !np_responder_check_rule (rule, receive_encoding, send_encoding, &rule_error))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "rule %u (%s): %s", i + 1,
                       (const char *) g_ptr_array_index (rules->sources, i), rule_error->message);
          return FALSE;
        }
    }

  config->responder = np_responder_new (rules->rules, receive_encoding, send_encoding, error);
  return config->responder != NULL;
}

void
np_cli_rules_clear (NpCliRules *rules)
{
  g_clear_pointer (&rules->rules, g_ptr_array_unref);
  g_clear_pointer (&rules->sources, g_ptr_array_unref);
  g_clear_pointer (&rules->reply_encoding, g_free);
}
