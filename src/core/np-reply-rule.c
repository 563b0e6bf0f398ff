#define G_LOG_DOMAIN "np-reply-rule"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-enum.h"
#include "np-enum-types.h"
#include "np-error.h"
#include "np-reply-rule.h"

G_DEFINE_BOXED_TYPE (NpReplyRule, np_reply_rule, np_reply_rule_copy, np_reply_rule_free)

/**
 * np_reply_rule_new:
 * Returns: (transfer full): an enabled rule without a name or a delay
 */
NpReplyRule *
np_reply_rule_new (NpMatchKind  match,
                   const char  *pattern,
                   NpReplyKind  reply,
                   const char  *response)
{
  NpReplyRule *rule = g_new0 (NpReplyRule, 1);

  rule->name = g_strdup ("");
  rule->enabled = TRUE;
  rule->match = match;
  rule->pattern = g_strdup (pattern != NULL ? pattern : "");
  rule->reply = reply;
  rule->response = g_strdup (response != NULL ? response : "");

  return rule;
}

/* What --echo means: every message goes back to its sender as it came. */
NpReplyRule *
np_reply_rule_new_echo (void)
{
  return np_reply_rule_new (NP_MATCH_ANY, "", NP_REPLY_ECHO, "");
}

/**
 * np_reply_rule_new_from_spec:
 * @spec: "PATTERN=>RESPONSE", split at the first "=>"
 * @hex: both sides are hex bytes (--reply-hex); otherwise a regex and a text template (--reply)
 *
 * Only the shape is checked here; NpResponder compiles the pattern and the template.
 *
 * Returns: (transfer full) (nullable): the rule, or %NULL with @error
 */
NpReplyRule *
np_reply_rule_new_from_spec (const char  *spec,
                             gboolean     hex,
                             GError     **error)
{
  const char *arrow;
  g_autofree char *pattern = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  arrow = strstr (spec, "=>");
  if (arrow == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   hex ? _("“%s” is not HEX=>HEX (e.g. '01 03=>01 83 02')")
                       : _("“%s” is not REGEX=>TEMPLATE (e.g. '^PING=>PONG\\r\\n')"),
                   spec);
      return NULL;
    }

  pattern = g_strndup (spec, arrow - spec);
  if (hex)
    return np_reply_rule_new (*g_strstrip (pattern) == '\0' ? NP_MATCH_ANY : NP_MATCH_HEX,
                              pattern, NP_REPLY_HEX, arrow + 2);

  return np_reply_rule_new (NP_MATCH_REGEX, pattern, NP_REPLY_TEXT, arrow + 2);
}

NpReplyRule *
np_reply_rule_copy (const NpReplyRule *rule)
{
  NpReplyRule *copy;

  g_return_val_if_fail (rule != NULL, NULL);

  copy = g_memdup2 (rule, sizeof *rule);
  copy->name = g_strdup (rule->name);
  copy->pattern = g_strdup (rule->pattern);
  copy->response = g_strdup (rule->response);

  return copy;
}

void
np_reply_rule_free (NpReplyRule *rule)
{
  if (rule == NULL)
    return;

  g_free (rule->name);
  g_free (rule->pattern);
  g_free (rule->response);
  g_free (rule);
}

gboolean
np_reply_rule_equal (const NpReplyRule *a,
                     const NpReplyRule *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->enabled == b->enabled && a->match == b->match && a->reply == b->reply
         && a->delay_ms == b->delay_ms && g_str_equal (a->name, b->name)
         && g_str_equal (a->pattern, b->pattern) && g_str_equal (a->response, b->response);
}

/* "any", "text", "regex" or "hex": the names in workspace files. */
const char *
np_match_kind_to_string (NpMatchKind kind)
{
  return np_enum_to_nick (NP_TYPE_MATCH_KIND, kind);
}

gboolean
np_match_kind_from_string (const char  *name,
                           NpMatchKind *kind)
{
  return np_enum_from_nick (NP_TYPE_MATCH_KIND, name, (int *) kind);
}

/* "text", "hex" or "echo". */
const char *
np_reply_kind_to_string (NpReplyKind kind)
{
  return np_enum_to_nick (NP_TYPE_REPLY_KIND, kind);
}

gboolean
np_reply_kind_from_string (const char  *name,
                           NpReplyKind *kind)
{
  return np_enum_from_nick (NP_TYPE_REPLY_KIND, name, (int *) kind);
}
