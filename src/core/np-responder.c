#define G_LOG_DOMAIN "np-responder"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-error.h"
#include "np-responder.h"

/* A template, cut at its capture references: text between them (still with its escapes) and
 * the group each reference names. */
typedef struct
{
  int    group;     /* -1: text */
  char  *text;      /* the escapes-format text of a text part */
} Part;

typedef struct
{
  NpReplyRule *rule;
  guint        position;       /* 1-based */
  GRegex      *regex;          /* NP_MATCH_REGEX */
  GBytes      *literal;        /* NP_MATCH_TEXT (receive encoding) and NP_MATCH_HEX */
  GBytes      *literal_utf8;   /* NP_MATCH_TEXT for WebSocket text messages */
  GBytes      *hex_reply;      /* NP_REPLY_HEX */
  GPtrArray   *parts;          /* NP_REPLY_TEXT: Part* */
} CompiledRule;

struct _NpResponder
{
  GObject     parent_instance;

  GPtrArray  *rules;           /* CompiledRule*, in order */
  NpEncoding  receive_encoding;
  NpEncoding  send_encoding;
};

G_DEFINE_FINAL_TYPE (NpResponder, np_responder, G_TYPE_OBJECT)

void
np_reply_free (NpReply *reply)
{
  if (reply == NULL)
    return;

  g_clear_pointer (&reply->bytes, g_bytes_unref);
  g_free (reply);
}

static void
part_free (Part *part)
{
  g_free (part->text);
  g_free (part);
}

static void
compiled_rule_free (CompiledRule *compiled)
{
  g_clear_pointer (&compiled->rule, np_reply_rule_free);
  g_clear_pointer (&compiled->regex, g_regex_unref);
  g_clear_pointer (&compiled->literal, g_bytes_unref);
  g_clear_pointer (&compiled->literal_utf8, g_bytes_unref);
  g_clear_pointer (&compiled->hex_reply, g_bytes_unref);
  g_clear_pointer (&compiled->parts, g_ptr_array_unref);
  g_free (compiled);
}

static void
np_responder_finalize (GObject *object)
{
  NpResponder *self = (NpResponder *)object;

  g_clear_pointer (&self->rules, g_ptr_array_unref);

  G_OBJECT_CLASS (np_responder_parent_class)->finalize (object);
}

static void
np_responder_class_init (NpResponderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_responder_finalize;
}

static void
np_responder_init (NpResponder *self)
{
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) compiled_rule_free);
}

/* ---- compiling -------------------------------------------------------------------------- */

static void
add_text_part (GPtrArray  *parts,
               const char *text,
               gsize       length)
{
  Part *part;

  if (length == 0)
    return;

  part = g_new0 (Part, 1);
  part->group = -1;
  part->text = g_strndup (text, length);
  g_ptr_array_add (parts, part);
}

/* Cuts @template at \0…\9. The text between is checked whole by the codec first, with each
 * reference standing in as an escape of the same length, so that its errors name positions
 * in the template the user typed. */
static GPtrArray *
compile_template (const char  *template,
                  guint        n_groups,
                  NpEncoding   encoding,
                  GError     **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
  g_autofree char *check = g_strdup (template);
  g_autoptr(GBytes) checked = NULL;
  gsize start = 0;

  for (gsize i = 0; check[i] != '\0'; i++)
    if (check[i] == '\\' && check[i + 1] != '\0')
      {
        if (g_ascii_isdigit (check[i + 1]))
          check[i + 1] = 't';
        i++;
      }
  checked = np_codec_encode (check, -1, NP_FORMAT_ESCAPES, encoding, error);
  if (checked == NULL)
    return NULL;

  for (gsize i = 0; template[i] != '\0'; i++)
    {
      Part *part;
      guint group;

      if (template[i] != '\\' || template[i + 1] == '\0')
        continue;
      if (!g_ascii_isdigit (template[i + 1]))
        {
          i++;   /* an escape the codec takes: \\ is not the start of a reference */
          continue;
        }

      group = template[i + 1] - '0';
      if (group > n_groups)
        {
          if (n_groups == 0)
            g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                         _("the reply uses \\%u, but only a regular expression has groups "
                           "(\\0 is the whole message; write \\x00 for a NUL byte)"), group);
          else
            g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                         _("the reply uses \\%u, but the pattern has %u group(s)"), group, n_groups);
          return NULL;
        }

      add_text_part (parts, template + start, i - start);
      part = g_new0 (Part, 1);
      part->group = group;
      g_ptr_array_add (parts, part);
      i++;
      start = i + 1;
    }
  add_text_part (parts, template + start, strlen (template) - start);

  return g_steal_pointer (&parts);
}

static CompiledRule *
compile_rule (const NpReplyRule  *rule,
              NpEncoding          receive_encoding,
              NpEncoding          send_encoding,
              GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  CompiledRule *compiled = g_new0 (CompiledRule, 1);
  guint n_groups = 0;

  compiled->rule = np_reply_rule_copy (rule);

  /* An empty pattern is a rule not written yet; "any message" says "everything" on purpose. */
  if (rule->match != NP_MATCH_ANY && rule->pattern[0] == '\0')
    g_set_error_literal (&local_error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                         _("the pattern is empty (choose “any message” to answer every message)"));

  switch (local_error != NULL ? NP_MATCH_ANY : rule->match)
    {
    case NP_MATCH_REGEX:
      /* A message is one string: "." crosses line ends, so "^report(.*)" takes the whole rest
       * of a message, as the device it stands in for would. "$" still matches before a
       * final line end. */
      compiled->regex = g_regex_new (rule->pattern, G_REGEX_DOTALL, 0, &local_error);
      if (compiled->regex != NULL)
        n_groups = g_regex_get_capture_count (compiled->regex);
      break;
    case NP_MATCH_TEXT:
      compiled->literal = np_codec_encode (rule->pattern, -1, NP_FORMAT_ESCAPES, receive_encoding, &local_error);
      if (compiled->literal != NULL)
        compiled->literal_utf8 = np_codec_encode (rule->pattern, -1, NP_FORMAT_ESCAPES, NP_ENCODING_UTF8,
                                                  &local_error);
      break;
    case NP_MATCH_HEX:
      compiled->literal = np_codec_encode (rule->pattern, -1, NP_FORMAT_HEX, receive_encoding, &local_error);
      if (compiled->literal != NULL && g_bytes_get_size (compiled->literal) == 0)
        g_set_error_literal (&local_error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                             _("the pattern is empty (choose “any message” to answer every message)"));
      break;
    case NP_MATCH_ANY:
    default:
      break;
    }

  if (local_error != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("pattern: %s"), local_error->message);
      compiled_rule_free (compiled);
      return NULL;
    }

  switch (rule->reply)
    {
    case NP_REPLY_HEX:
      compiled->hex_reply = np_codec_encode (rule->response, -1, NP_FORMAT_HEX, send_encoding, &local_error);
      break;
    case NP_REPLY_TEXT:
      compiled->parts = compile_template (rule->response, n_groups, send_encoding, &local_error);
      break;
    case NP_REPLY_ECHO:
    default:
      break;
    }

  if (local_error == NULL && rule->delay_ms > NP_REPLY_MAX_DELAY_MS)
    g_set_error (&local_error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                 _("a delay of %u ms is more than the %u ms a rule may wait"),
                 rule->delay_ms, NP_REPLY_MAX_DELAY_MS);

  if (local_error != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("reply: %s"), local_error->message);
      compiled_rule_free (compiled);
      return NULL;
    }

  return compiled;
}

/**
 * np_responder_check_rule:
 *
 * Whether @rule compiles, for a rules editor that checks each rule as it is typed.
 * Returns: %FALSE with @error saying what is wrong (GRegex's own words for a pattern)
 */
gboolean
np_responder_check_rule (const NpReplyRule  *rule,
                         NpEncoding          receive_encoding,
                         NpEncoding          send_encoding,
                         GError            **error)
{
  CompiledRule *compiled;

  g_return_val_if_fail (rule != NULL, FALSE);

  compiled = compile_rule (rule, receive_encoding, send_encoding, error);
  if (compiled == NULL)
    return FALSE;

  compiled_rule_free (compiled);
  return TRUE;
}

/**
 * np_responder_new:
 * @rules: (element-type NpReplyRule): in order; copied
 *
 * Every rule is compiled, the disabled ones too: a rules list is either all good or refused.
 *
 * Returns: (transfer full) (nullable): the responder, or %NULL with @error naming the first bad
 *   rule by its position ("Rule 2: pattern: …")
 */
NpResponder *
np_responder_new (GPtrArray   *rules,
                  NpEncoding   receive_encoding,
                  NpEncoding   send_encoding,
                  GError     **error)
{
  g_autoptr(NpResponder) self = g_object_new (NP_TYPE_RESPONDER, NULL);

  g_return_val_if_fail (rules != NULL, NULL);

  self->receive_encoding = receive_encoding;
  self->send_encoding = send_encoding;

  for (guint i = 0; i < rules->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      CompiledRule *compiled = compile_rule (g_ptr_array_index (rules, i), receive_encoding, send_encoding,
                                             &local_error);

      if (compiled == NULL)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("Rule %u: %s"), i + 1, local_error->message);
          return NULL;
        }
      compiled->position = i + 1;
      g_ptr_array_add (self->rules, compiled);
    }

  return g_steal_pointer (&self);
}

/**
 * np_responder_new_echo:
 * Returns: (transfer full): a responder with the one rule "answer every message with itself"
 */
NpResponder *
np_responder_new_echo (void)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) np_reply_rule_free);

  g_ptr_array_add (rules, np_reply_rule_new_echo ());
  return np_responder_new (rules, NP_ENCODING_UTF8, NP_ENCODING_UTF8, NULL);
}

guint
np_responder_get_n_rules (NpResponder *self)
{
  g_return_val_if_fail (NP_IS_RESPONDER (self), 0);

  return self->rules->len;
}

/* Returns: (transfer none): rule @index (0-based), as it was given */
const NpReplyRule *
np_responder_get_rule (NpResponder *self,
                       guint        index)
{
  CompiledRule *compiled;

  g_return_val_if_fail (NP_IS_RESPONDER (self), NULL);
  g_return_val_if_fail (index < self->rules->len, NULL);

  compiled = g_ptr_array_index (self->rules, index);
  return compiled->rule;
}

/* ---- answering -------------------------------------------------------------------------- */

/* A line-framed message keeps its line end; a text rule "PING" still matches "PING\r\n". */
static gboolean
equals_text (GBytes       *literal,
             const guint8 *data,
             gsize         length)
{
  gsize size;
  const guint8 *want = g_bytes_get_data (literal, &size);
  gboolean wants_line_end = size > 0 && want[size - 1] == '\n';

  if (!wants_line_end && length > 0 && data[length - 1] == '\n')
    {
      length--;
      if (length > 0 && data[length - 1] == '\r')
        length--;
    }

  return length == size && memcmp (data, want, size) == 0;
}

/* Whether @compiled matches; @match_info is set for regex rules, @text for the others' \0. */
static gboolean
matches (CompiledRule  *compiled,
         const guint8  *data,
         gsize          length,
         const char    *text,
         gboolean       utf8_text,
         GMatchInfo   **match_info,
         GError       **error)
{
  gsize size;
  const guint8 *want;

  switch (compiled->rule->match)
    {
    case NP_MATCH_ANY:
      return TRUE;
    case NP_MATCH_TEXT:
      return equals_text (utf8_text ? compiled->literal_utf8 : compiled->literal, data, length);
    case NP_MATCH_HEX:
      want = g_bytes_get_data (compiled->literal, &size);
      return size == length && memcmp (data, want, size) == 0;
    case NP_MATCH_REGEX:
    default:
      return g_regex_match_full (compiled->regex, text, -1, 0, 0, match_info, error);
    }
}

static GBytes *
build_reply (NpResponder   *self,
             CompiledRule  *compiled,
             GBytes        *message,
             const char    *text,
             GMatchInfo    *match_info,
             NpEncoding     encoding,
             GError       **error)
{
  g_autoptr(GByteArray) out = NULL;

  switch (compiled->rule->reply)
    {
    case NP_REPLY_ECHO:
      return g_bytes_ref (message);
    case NP_REPLY_HEX:
      return g_bytes_ref (compiled->hex_reply);
    case NP_REPLY_TEXT:
    default:
      break;
    }

  out = g_byte_array_new ();
  for (guint i = 0; i < compiled->parts->len; i++)
    {
      Part *part = g_ptr_array_index (compiled->parts, i);
      g_autofree char *group = NULL;
      g_autoptr(GBytes) bytes = NULL;

      if (part->group < 0)
        bytes = np_codec_encode (part->text, -1, NP_FORMAT_ESCAPES, encoding, error);
      else
        {
          /* A capture is text from the message, taken as it is: no escapes. */
          group = match_info != NULL ? g_match_info_fetch (match_info, part->group) : g_strdup (text);
          bytes = np_codec_encode (group != NULL ? group : "", -1, NP_FORMAT_TEXT, encoding, error);
        }
      if (bytes == NULL)
        return NULL;
      g_byte_array_append (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * np_responder_answer:
 * @message: a whole received message, after framing
 * @type: what kind of message it is (a WebSocket text message is UTF-8, and is answered with
 *   text when the answer is text)
 *
 * Thread-safe: the responder does not change once made.
 *
 * Returns: (transfer full) (nullable): the answer of the first enabled rule that matches;
 *   %NULL when none does, or with @error when one matched and its answer could not be made
 *   (a capture the send encoding cannot write, a regex that hit its match limit)
 */
NpReply *
np_responder_answer (NpResponder   *self,
                     GBytes        *message,
                     NpMessageType  type,
                     GError       **error)
{
  gboolean utf8_text = type == NP_MESSAGE_TEXT;
  NpEncoding receive = utf8_text ? NP_ENCODING_UTF8 : self->receive_encoding;
  NpEncoding send = utf8_text ? NP_ENCODING_UTF8 : self->send_encoding;
  gsize length;
  const guint8 *data;
  g_autofree char *text = NULL;

  g_return_val_if_fail (NP_IS_RESPONDER (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  data = g_bytes_get_data (message, &length);

  for (guint i = 0; i < self->rules->len; i++)
    {
      CompiledRule *compiled = g_ptr_array_index (self->rules, i);
      g_autoptr(GMatchInfo) match_info = NULL;
      g_autoptr(GError) local_error = NULL;
      NpReply *reply;
      GBytes *bytes;

      if (!compiled->rule->enabled)
        continue;

      /* Decoded once, and only when a rule needs the text. */
      if (text == NULL && (compiled->rule->match == NP_MATCH_REGEX || compiled->rule->reply == NP_REPLY_TEXT))
        text = np_codec_decode (data, length, NP_FORMAT_TEXT, receive);

      if (!matches (compiled, data, length, text, utf8_text, &match_info, &local_error))
        {
          if (local_error != NULL)
            {
              g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("Rule %u: %s"), compiled->position,
                           local_error->message);
              return NULL;
            }
          continue;
        }

      bytes = build_reply (self, compiled, message, text, match_info, send, &local_error);
      if (bytes == NULL)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("Rule %u matched, but its reply cannot be made: %s"),
                       compiled->position, local_error->message);
          return NULL;
        }

      reply = g_new0 (NpReply, 1);
      reply->rule = compiled->position;
      reply->bytes = bytes;
      reply->delay_ms = compiled->rule->delay_ms;
      /* WebSocket: text answers text with text; bytes, or what is not UTF-8, go as binary. */
      if (type == NP_MESSAGE_BYTES)
        reply->type = NP_MESSAGE_BYTES;
      else if (type == NP_MESSAGE_TEXT && compiled->rule->reply != NP_REPLY_HEX
               && g_utf8_validate_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
        reply->type = NP_MESSAGE_TEXT;
      else
        reply->type = NP_MESSAGE_BINARY;
      return reply;
    }

  return NULL;
}
