#define G_LOG_DOMAIN "np-rule-item"

#include "np-enum-types.h"
#include "np-rule-item.h"

struct _NpRuleItem
{
  GObject      parent_instance;

  NpReplyRule *rule;
  guint        position;   /* 1-based, as the user counts */
  gboolean     last;
  char        *error;      /* NULL: the rule compiles */
};

enum
{
  PROP_0,
  PROP_ENABLED,
  PROP_NAME,
  PROP_MATCH,
  PROP_PATTERN,
  PROP_REPLY,
  PROP_RESPONSE,
  PROP_DELAY_MS,
  PROP_POSITION,
  PROP_LAST,
  PROP_ERROR,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpRuleItem, np_rule_item, G_TYPE_OBJECT)

static void
np_rule_item_finalize (GObject *object)
{
  NpRuleItem *self = (NpRuleItem *)object;

  g_clear_pointer (&self->rule, np_reply_rule_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (np_rule_item_parent_class)->finalize (object);
}

static void
np_rule_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NpRuleItem *self = NP_RULE_ITEM (object);

  switch (prop_id)
    {
    case PROP_ENABLED:  g_value_set_boolean (value, self->rule->enabled); break;
    case PROP_NAME:     g_value_set_string (value, self->rule->name); break;
    case PROP_MATCH:    g_value_set_enum (value, self->rule->match); break;
    case PROP_PATTERN:  g_value_set_string (value, self->rule->pattern); break;
    case PROP_REPLY:    g_value_set_enum (value, self->rule->reply); break;
    case PROP_RESPONSE: g_value_set_string (value, self->rule->response); break;
    case PROP_DELAY_MS: g_value_set_uint (value, self->rule->delay_ms); break;
    case PROP_POSITION: g_value_set_uint (value, self->position); break;
    case PROP_LAST:     g_value_set_boolean (value, self->last); break;
    case PROP_ERROR:    g_value_set_string (value, self->error); break;
    default:            G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Replaces *@field with @value; whether it changed. */
static gboolean
set_text (char       **field,
          const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value != NULL ? value : "");
  return TRUE;
}

static void
np_rule_item_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  NpRuleItem *self = NP_RULE_ITEM (object);
  NpReplyRule *rule = self->rule;
  gboolean changed;

  switch (prop_id)
    {
    case PROP_ENABLED:
      changed = rule->enabled != g_value_get_boolean (value);
      rule->enabled = g_value_get_boolean (value);
      break;
    case PROP_NAME:     changed = set_text (&rule->name, g_value_get_string (value)); break;
    case PROP_PATTERN:  changed = set_text (&rule->pattern, g_value_get_string (value)); break;
    case PROP_RESPONSE: changed = set_text (&rule->response, g_value_get_string (value)); break;
    case PROP_MATCH:
      changed = rule->match != (NpMatchKind) g_value_get_enum (value);
      rule->match = g_value_get_enum (value);
      break;
    case PROP_REPLY:
      changed = rule->reply != (NpReplyKind) g_value_get_enum (value);
      rule->reply = g_value_get_enum (value);
      break;
    case PROP_DELAY_MS:
      changed = rule->delay_ms != g_value_get_uint (value);
      rule->delay_ms = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
np_rule_item_class_init (NpRuleItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = np_rule_item_finalize;
  object_class->get_property = np_rule_item_get_property;
  object_class->set_property = np_rule_item_set_property;

  properties[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, NULL, TRUE, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_MATCH] = g_param_spec_enum ("match", NULL, NULL, NP_TYPE_MATCH_KIND, NP_MATCH_REGEX, flags);
  properties[PROP_PATTERN] = g_param_spec_string ("pattern", NULL, NULL, "", flags);
  properties[PROP_REPLY] = g_param_spec_enum ("reply", NULL, NULL, NP_TYPE_REPLY_KIND, NP_REPLY_TEXT, flags);
  properties[PROP_RESPONSE] = g_param_spec_string ("response", NULL, NULL, "", flags);
  properties[PROP_DELAY_MS] = g_param_spec_uint ("delay-ms", NULL, NULL, 0, NP_REPLY_MAX_DELAY_MS, 0, flags);
  properties[PROP_POSITION] = g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST] = g_param_spec_boolean ("last", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
np_rule_item_init (NpRuleItem *self)
{
}

/**
 * np_rule_item_new:
 * @rule: (nullable): copied; %NULL: a new rule (a regex, not written yet)
 */
NpRuleItem *
np_rule_item_new (const NpReplyRule *rule)
{
  NpRuleItem *self = g_object_new (NP_TYPE_RULE_ITEM, NULL);

  self->rule = rule != NULL ? np_reply_rule_copy (rule) : np_reply_rule_new (NP_MATCH_REGEX, "", NP_REPLY_TEXT, "");
  return self;
}

/* Returns: (transfer full): the rule as it is now */
NpReplyRule *
np_rule_item_dup_rule (NpRuleItem *self)
{
  g_return_val_if_fail (NP_IS_RULE_ITEM (self), NULL);

  return np_reply_rule_copy (self->rule);
}

/* Whether nothing was written in it yet: no pattern, no answer (as np_rules_add () makes one). */
gboolean
np_rule_item_is_blank (NpRuleItem *self)
{
  g_return_val_if_fail (NP_IS_RULE_ITEM (self), FALSE);

  return self->rule->pattern[0] == '\0' && self->rule->response[0] == '\0';
}

guint
np_rule_item_get_position (NpRuleItem *self)
{
  g_return_val_if_fail (NP_IS_RULE_ITEM (self), 0);

  return self->position;
}

/* @last: whether it is the last rule (it cannot move down) */
void
np_rule_item_set_position (NpRuleItem *self,
                           guint       position,
                           gboolean    last)
{
  g_return_if_fail (NP_IS_RULE_ITEM (self));

  if (self->last != last)
    {
      self->last = last;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST]);
    }
  if (self->position != position)
    {
      self->position = position;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }
}

gboolean
np_rule_item_is_last (NpRuleItem *self)
{
  g_return_val_if_fail (NP_IS_RULE_ITEM (self), FALSE);

  return self->last;
}

/* Returns: (nullable): what is wrong with the rule, without its position */
const char *
np_rule_item_get_error (NpRuleItem *self)
{
  g_return_val_if_fail (NP_IS_RULE_ITEM (self), NULL);

  return self->error;
}

void
np_rule_item_set_error (NpRuleItem *self,
                        const char *error)
{
  g_return_if_fail (NP_IS_RULE_ITEM (self));

  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}
