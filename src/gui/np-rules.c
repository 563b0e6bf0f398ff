#define G_LOG_DOMAIN "np-rules"

#include "config.h"

#include <glib/gi18n.h>

#include "np-enum-types.h"
#include "np-error.h"
#include "np-rules.h"
#include "np-session.h"

struct _NpRules
{
  GObject      parent_instance;

  GListStore  *items;            /* NpRuleItem* */
  NpEncoding   receive_encoding;
  NpEncoding   send_encoding;
  NpResponder *responder;        /* every rule compiled; NULL when one is bad or none exists */
  char        *error;            /* "Rule 2: pattern: …", or NULL */
  gboolean     loading;          /* set_rules: check once, at the end */
};

enum { PROP_0, PROP_RECEIVE_ENCODING, PROP_SEND_ENCODING, PROP_RESPONDER, PROP_ERROR, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NpRules, np_rules, G_TYPE_OBJECT)

/* Every rule is compiled again (a few microseconds each, at most 256 of them), so each item's
 * error and the responder always match the list as it is now. */
static void
check (NpRules *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) np_reply_rule_free);
  g_autofree char *first_error = NULL;
  NpResponder *responder = NULL;

  if (self->loading)
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NpRuleItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      g_autoptr(GError) error = NULL;
      NpReplyRule *rule = np_rule_item_dup_rule (item);

      g_ptr_array_add (rules, rule);
      np_rule_item_set_position (item, i + 1, i + 1 == n);
      if (np_session_check_rule (rule, i, &error)
          && np_responder_check_rule (rule, self->receive_encoding, self->send_encoding, &error))
        np_rule_item_set_error (item, NULL);
      else
        {
          np_rule_item_set_error (item, error->message);
          if (first_error == NULL)
            first_error = g_strdup_printf (_("Rule %u: %s"), i + 1, error->message);
        }
    }

  if (first_error == NULL && n > 0)
    responder = np_responder_new (rules, self->receive_encoding, self->send_encoding, NULL);

  if (g_strcmp0 (first_error, self->error) != 0)
    {
      g_free (self->error);
      self->error = g_steal_pointer (&first_error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  /* A new responder each time: the running endpoint gets the rules as they are now. */
  g_clear_object (&self->responder);
  self->responder = responder;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESPONDER]);
}

static void
on_item_changed (NpRuleItem *item,
                 GParamSpec *pspec,
                 NpRules    *self)
{
  /* What NpRules sets itself does not call for another check. */
  if (g_str_equal (pspec->name, "error") || g_str_equal (pspec->name, "position") || g_str_equal (pspec->name, "last"))
    return;
  check (self);
}

static NpRuleItem *
watched_item (NpRules           *self,
              const NpReplyRule *rule)
{
  NpRuleItem *item = np_rule_item_new (rule);

  g_signal_connect_object (item, "notify", G_CALLBACK (on_item_changed), self, 0);
  return item;
}

static void
np_rules_finalize (GObject *object)
{
  NpRules *self = (NpRules *)object;

  g_clear_object (&self->items);
  g_clear_object (&self->responder);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (np_rules_parent_class)->finalize (object);
}

static void
np_rules_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  NpRules *self = NP_RULES (object);

  switch (prop_id)
    {
    case PROP_RECEIVE_ENCODING: g_value_set_enum (value, self->receive_encoding); break;
    case PROP_SEND_ENCODING:    g_value_set_enum (value, self->send_encoding); break;
    case PROP_RESPONDER:        g_value_set_object (value, self->responder); break;
    case PROP_ERROR:            g_value_set_string (value, self->error); break;
    default:                    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_rules_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  NpRules *self = NP_RULES (object);
  NpEncoding *field;

  switch (prop_id)
    {
    case PROP_RECEIVE_ENCODING: field = &self->receive_encoding; break;
    case PROP_SEND_ENCODING:    field = &self->send_encoding; break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  if (*field == (NpEncoding) g_value_get_enum (value))
    return;
  *field = g_value_get_enum (value);
  g_object_notify_by_pspec (object, pspec);
  /* A text rule's bytes and a template's characters depend on the encodings. */
  check (self);
}

static void
np_rules_class_init (NpRulesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = np_rules_finalize;
  object_class->get_property = np_rules_get_property;
  object_class->set_property = np_rules_set_property;

  properties[PROP_RECEIVE_ENCODING] =
    g_param_spec_enum ("receive-encoding", NULL, NULL, NP_TYPE_ENCODING, NP_ENCODING_UTF8,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEND_ENCODING] =
    g_param_spec_enum ("send-encoding", NULL, NULL, NP_TYPE_ENCODING, NP_ENCODING_UTF8,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESPONDER] =
    g_param_spec_object ("responder", NULL, NULL, NP_TYPE_RESPONDER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
np_rules_init (NpRules *self)
{
  self->items = g_list_store_new (NP_TYPE_RULE_ITEM);
}

NpRules *
np_rules_new (void)
{
  return g_object_new (NP_TYPE_RULES, NULL);
}

/* Returns: (transfer none): the rules, NpRuleItem each, in the order they are tried */
GListModel *
np_rules_get_model (NpRules *self)
{
  g_return_val_if_fail (NP_IS_RULES (self), NULL);

  return G_LIST_MODEL (self->items);
}

/**
 * np_rules_add:
 *
 * Adds a rule at the end, not written yet (its empty pattern is what is wrong with it).
 *
 * Returns: (transfer none) (nullable): the new rule, or %NULL with @error when a workspace
 *   could not hold one more
 */
NpRuleItem *
np_rules_add (NpRules  *self,
              GError  **error)
{
  g_autoptr(NpRuleItem) item = NULL;
  g_autoptr(NpReplyRule) blank = np_reply_rule_new (NP_MATCH_REGEX, "", NP_REPLY_TEXT, "");

  g_return_val_if_fail (NP_IS_RULES (self), NULL);

  if (!np_session_check_rule (blank, g_list_model_get_n_items (G_LIST_MODEL (self->items)), error))
    return NULL;

  item = watched_item (self, blank);
  g_list_store_append (self->items, item);
  check (self);
  return item;
}

void
np_rules_remove (NpRules *self,
                 guint    index)
{
  g_return_if_fail (NP_IS_RULES (self));

  if (index >= g_list_model_get_n_items (G_LIST_MODEL (self->items)))
    return;
  g_list_store_remove (self->items, index);
  check (self);
}

/* Moves rule @index by @delta places (up: negative), within the list. */
void
np_rules_move (NpRules *self,
               guint    index,
               int      delta)
{
  guint n;
  gint64 target;
  g_autoptr(NpRuleItem) item = NULL;

  g_return_if_fail (NP_IS_RULES (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  target = (gint64) index + delta;
  if (index >= n || target < 0 || target >= n || delta == 0)
    return;

  item = g_list_model_get_item (G_LIST_MODEL (self->items), index);
  g_list_store_remove (self->items, index);
  g_list_store_insert (self->items, (guint) target, item);
  check (self);
}

/**
 * np_rules_set_rules:
 * @rules: (element-type NpReplyRule): the rules of a workspace; copied
 */
void
np_rules_set_rules (NpRules   *self,
                    GPtrArray *rules)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (NP_IS_RULES (self));

  for (guint i = 0; i < rules->len; i++)
    g_ptr_array_add (items, watched_item (self, g_ptr_array_index (rules, i)));

  self->loading = TRUE;
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);
  self->loading = FALSE;
  check (self);
}

/* Returns: (transfer full) (element-type NpReplyRule): the rules as they are now, in order */
GPtrArray *
np_rules_dup_rules (NpRules *self)
{
  guint n;
  GPtrArray *rules;

  g_return_val_if_fail (NP_IS_RULES (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  rules = g_ptr_array_new_full (n, (GDestroyNotify) np_reply_rule_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NpRuleItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      g_ptr_array_add (rules, np_rule_item_dup_rule (item));
    }
  return rules;
}

/* Returns: (transfer none) (nullable): the rules compiled; %NULL when one is bad or none exists */
NpResponder *
np_rules_get_responder (NpRules *self)
{
  g_return_val_if_fail (NP_IS_RULES (self), NULL);

  return self->responder;
}

/* Returns: (nullable): the first bad rule and what is wrong with it */
const char *
np_rules_get_error (NpRules *self)
{
  g_return_val_if_fail (NP_IS_RULES (self), NULL);

  return self->error;
}

/**
 * np_rules_try:
 * @sample: a message as a device would send it, in the receive encoding; escapes (\r \n \xNN)
 *   stand for what cannot be typed
 *
 * Which rule would answer @sample and with what, asked of the same compiled rules the engine
 * uses.
 *
 * Returns: (transfer full): one line for the user
 */
char *
np_rules_try (NpRules    *self,
              const char *sample)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(NpReply) reply = NULL;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (NP_IS_RULES (self), NULL);

  if (self->error != NULL)
    return g_strdup_printf (_("Fix the rules first: %s"), self->error);
  if (self->responder == NULL)
    return g_strdup (_("There are no rules yet: add one"));

  message = np_codec_encode (sample, -1, NP_FORMAT_ESCAPES, self->receive_encoding, &error);
  if (message == NULL)
    return g_strdup_printf (_("Not a message: %s"), error->message);

  reply = np_responder_answer (self->responder, message, NP_MESSAGE_BYTES, &error);
  if (reply == NULL)
    return error != NULL ? g_strdup (error->message) : g_strdup (_("No rule answers this message"));

  shown = np_codec_decode_bytes (reply->bytes, NP_FORMAT_ESCAPES, self->send_encoding);
  if (reply->delay_ms > 0)
    return g_strdup_printf (_("Rule %u answers after %u ms: %s"), reply->rule, reply->delay_ms, shown);
  return g_strdup_printf (_("Rule %u answers: %s"), reply->rule, shown);
}
