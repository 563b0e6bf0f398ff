#define G_LOG_DOMAIN "np-session"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "np-error.h"
#include "np-framer.h"
#include "np-json.h"
#include "np-responder.h"
#include "np-session-private.h"

/* Reading a workspace: NpSession's loader, apart from the type so that each stays small. Every
 * value is type-checked before it is used and every string checked for UTF-8 and length; the
 * JSON text itself is checked (np_json_check) before json-glib parses it. */

/* ---- reading ---------------------------------------------------------------------------- */

#define fail        _np_session_fail
#define read_string _np_session_read_string
#define read_value  _np_session_read_value

gboolean
_np_session_fail (GError     **error,
                  const char  *name,
                  const char  *format,
                  ...)
{
  va_list args;
  g_autofree char *problem = NULL;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "%s: %s", name, problem);
  return FALSE;
}

/* Reads an optional string member; present but not a string, not UTF-8 or longer than
 * @max_length bytes is an error. */
gboolean
_np_session_read_string (JsonObject  *object,
                         const char  *member,
                         const char  *fallback,
                         char       **out,
                         const char  *where,
                         const char  *name,
                         GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *text;
  gsize max_length = g_str_equal (member, "payload") ? NP_SESSION_MAX_PAYLOAD
                     : g_str_equal (member, "pattern") || g_str_equal (member, "response") ? NP_SESSION_MAX_RULE_TEXT
                     : g_str_equal (member, "routes") || g_str_equal (member, "headers") ? NP_SESSION_MAX_BLOCK
                     : NP_SESSION_MAX_TEXT;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = g_strdup (fallback);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, name, _("%s: “%s” must be text"), where, member);

  /* json-glib turns a lone surrogate ("\ud800") into bytes that are not UTF-8. */
  text = json_node_get_string (node);
  if (!g_utf8_validate (text, -1, NULL))
    return fail (error, name, _("%s: “%s” is not valid text (broken UTF-8 or a lone \\u surrogate)"),
                 where, member);
  if (strlen (text) > max_length)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, strlen (text));
      g_autofree char *most = g_strdup_printf ("%" G_GSIZE_FORMAT, max_length);

      return fail (error, name, _("%s: “%s” is too long (%s bytes, at most %s)"), where, member, size, most);
    }

  *out = g_strdup (text);
  return TRUE;
}

/* Reads an optional member of @type (G_TYPE_INT64 or G_TYPE_BOOLEAN, as 0/1) into @out; a
 * missing member leaves @out as it is. */
gboolean
_np_session_read_value (JsonObject  *object,
                        const char  *member,
                        GType        type,
                        gint64      *out,
                        const char  *where,
                        const char  *name,
                        GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return fail (error, name, type == G_TYPE_BOOLEAN ? _("%s: “%s” must be true or false")
                                                     : _("%s: “%s” must be a whole number"),
                 where, member);

  *out = type == G_TYPE_BOOLEAN ? json_node_get_boolean (node) : json_node_get_int (node);
  return TRUE;
}

static gboolean
read_encoding (JsonObject  *object,
               const char  *member,
               NpEncoding  *out,
               const char  *where,
               const char  *name,
               GError     **error)
{
  g_autofree char *text = NULL;

  if (!read_string (object, member, "utf-8", &text, where, name, error))
    return FALSE;
  if (!np_encoding_from_string (text, out, NULL))
    return fail (error, name, _("%s: unknown encoding “%s”"), where, text);
  return TRUE;
}

/* The web modes' members, each optional: files from before them load as they did. */
static gboolean
read_web (JsonObject         *object,
          NpSessionEndpoint  *endpoint,
          const char         *where,
          const char         *name,
          GError            **error)
{
  struct { const char *member; const char *fallback; char **out; } texts[] = {
    { "url", "", &endpoint->url }, { "method", "GET", &endpoint->method },
    { "headers", "", &endpoint->headers }, { "body_file", "", &endpoint->body_file },
    { "root", "", &endpoint->root }, { "ws_path", "", &endpoint->ws_path },
    { "routes", "", &endpoint->routes },
  };
  gint64 insecure = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_clear_pointer (texts[i].out, g_free);
      if (!read_string (object, texts[i].member, texts[i].fallback, texts[i].out, where, name, error))
        return FALSE;
    }
  if (!read_value (object, "insecure", G_TYPE_BOOLEAN, &insecure, where, name, error))
    return FALSE;
  endpoint->insecure = insecure != 0;

  return TRUE;
}

static gboolean
read_endpoint (NpSession   *self,
               JsonNode    *node,
               guint        index,
               const char  *name,
               GError     **error)
{
  g_autofree char *where = g_strdup_printf (_("endpoint %u"), index + 1);
  g_autofree char *mode = NULL;
  g_autofree char *framing = NULL;
  NpSessionEndpoint *endpoint;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, name, _("%s is not an object"), where);
  object = json_node_get_object (node);

  endpoint = np_session_add_endpoint (self);
  if (!read_string (object, "mode", "tcp-server", &mode, where, name, error))
    return FALSE;
  if (!np_mode_from_string (mode, &endpoint->mode))
    return fail (error, name, _("%s: unknown mode “%s” (tcp-server, tcp-client, udp, http-server, http, "
                                "ws-server, ws, relay or udp-relay)"), where, mode);

  g_clear_pointer (&endpoint->address, g_free);
  g_clear_pointer (&endpoint->port, g_free);
  g_clear_pointer (&endpoint->destination, g_free);
  g_clear_pointer (&endpoint->framing, g_free);
  if (!read_web (object, endpoint, where, name, error))
    return FALSE;
  if (!read_string (object, "address", "", &endpoint->address, where, name, error)
      || !read_string (object, "port", "", &endpoint->port, where, name, error)
      || !read_string (object, "destination", "", &endpoint->destination, where, name, error)
      || !read_encoding (object, "receive_encoding", &endpoint->receive_encoding, where, name, error)
      || !read_encoding (object, "send_encoding", &endpoint->send_encoding, where, name, error)
      || !read_string (object, "framing", "raw", &framing, where, name, error))
    return FALSE;

  {
    g_autoptr(NpFramer) framer = np_framer_new_from_string (framing, NULL);

    if (framer == NULL)
      return fail (error, name, _("%s: unknown framing “%s”"), where, framing);
  }
  endpoint->framing = g_steal_pointer (&framing);
  return TRUE;
}

static gboolean
read_message (NpSession   *self,
              JsonNode    *node,
              guint        index,
              const char  *name,
              GError     **error)
{
  g_autofree char *where = g_strdup_printf (_("saved message %u"), index + 1);
  g_autofree char *title = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *format = NULL;
  NpFormat parsed;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, name, _("%s is not an object"), where);
  object = json_node_get_object (node);

  if (!read_string (object, "name", "", &title, where, name, error)
      || !read_string (object, "payload", "", &payload, where, name, error)
      || !read_string (object, "format", "text", &format, where, name, error))
    return FALSE;
  if (!np_format_from_string (format, &parsed, NULL))
    return fail (error, name, _("%s: unknown format “%s” (text, hex or escapes)"), where, format);

  np_session_add_message (self, title, payload, parsed);
  return TRUE;
}

/**
 * np_session_check_message:
 * @n_messages: how many saved messages there are already
 *
 * Whether one more saved message fits a workspace: used by the loader and by the window before
 * it adds one, so that every workspace Netpoke saves it can open again.
 */
gboolean
np_session_check_message (const char  *name,
                          const char  *payload,
                          guint        n_messages,
                          GError     **error)
{
  if (n_messages >= NP_SESSION_MAX_MESSAGES)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                 _("A workspace holds at most %d saved messages"), NP_SESSION_MAX_MESSAGES);
  else if (strlen (name) > NP_SESSION_MAX_TEXT)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                 _("The name of a saved message is at most %d bytes"), NP_SESSION_MAX_TEXT);
  else if (strlen (payload) > NP_SESSION_MAX_PAYLOAD)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                 _("A saved message is at most %d KiB"), NP_SESSION_MAX_PAYLOAD / 1024);
  else
    return TRUE;
  return FALSE;
}

/**
 * np_session_check_rule:
 * @n_rules: how many rules there are already
 *
 * Whether one more rule fits a workspace (its count, the size of its texts, its delay): used by
 * the loader and by the window before it adds one, so that every workspace Netpoke saves it
 * can open again. Whether the rule compiles is NpResponder's to say.
 */
gboolean
np_session_check_rule (const NpReplyRule  *rule,
                       guint               n_rules,
                       GError            **error)
{
  if (n_rules >= NP_SESSION_MAX_RULES)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                 _("A workspace holds at most %d reply rules"), NP_SESSION_MAX_RULES);
  else if (strlen (rule->name) > NP_SESSION_MAX_TEXT)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                 _("The name of a rule is at most %d bytes"), NP_SESSION_MAX_TEXT);
  else if (strlen (rule->pattern) > NP_SESSION_MAX_RULE_TEXT || strlen (rule->response) > NP_SESSION_MAX_RULE_TEXT)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                 _("A rule's pattern and reply are at most %d KiB each"), NP_SESSION_MAX_RULE_TEXT / 1024);
  else if (rule->delay_ms > NP_REPLY_MAX_DELAY_MS)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                 _("A rule waits at most %d ms"), NP_REPLY_MAX_DELAY_MS);
  else
    return TRUE;
  return FALSE;
}

/* {"name", "enabled", "match", "pattern", "reply", "response", "delay_ms"}: every member is
 * optional; a rule that does not compile is refused here, with GRegex's words, rather than
 * when it would first answer. */
static gboolean
read_rule (NpSession   *self,
           JsonNode    *node,
           guint        index,
           const char  *name,
           GError     **error)
{
  g_autofree char *where = g_strdup_printf (_("rule %u"), index + 1);
  g_autoptr(NpReplyRule) rule = np_reply_rule_new (NP_MATCH_REGEX, "", NP_REPLY_TEXT, "");
  g_autoptr(GError) local_error = NULL;
  g_autofree char *match = NULL;
  g_autofree char *reply = NULL;
  GPtrArray *endpoints = np_session_get_endpoints (self);
  NpSessionEndpoint *endpoint = endpoints->len > 0 ? g_ptr_array_index (endpoints, 0) : NULL;
  gint64 enabled = TRUE;
  gint64 delay = 0;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, name, _("%s is not an object"), where);
  object = json_node_get_object (node);

  g_clear_pointer (&rule->name, g_free);
  g_clear_pointer (&rule->pattern, g_free);
  g_clear_pointer (&rule->response, g_free);
  if (!read_string (object, "name", "", &rule->name, where, name, error)
      || !read_value (object, "enabled", G_TYPE_BOOLEAN, &enabled, where, name, error)
      || !read_string (object, "match", "regex", &match, where, name, error)
      || !read_string (object, "pattern", "", &rule->pattern, where, name, error)
      || !read_string (object, "reply", "text", &reply, where, name, error)
      || !read_string (object, "response", "", &rule->response, where, name, error)
      || !read_value (object, "delay_ms", G_TYPE_INT64, &delay, where, name, error))
    return FALSE;
  if (!np_match_kind_from_string (match, &rule->match))
    return fail (error, name, _("%s: unknown match “%s” (any, text, regex or hex)"), where, match);
  if (!np_reply_kind_from_string (reply, &rule->reply))
    return fail (error, name, _("%s: unknown reply “%s” (text, hex or echo)"), where, reply);
  if (delay < 0 || delay > NP_REPLY_MAX_DELAY_MS)
    return fail (error, name, _("%s: “delay_ms” must be 0–%d"), where, NP_REPLY_MAX_DELAY_MS);
  rule->enabled = enabled != 0;
  rule->delay_ms = (guint) delay;

  if (!np_session_check_rule (rule, np_session_get_rules (self)->len, &local_error)
      || !np_responder_check_rule (rule, endpoint != NULL ? endpoint->receive_encoding : NP_ENCODING_UTF8,
                                   endpoint != NULL ? endpoint->send_encoding : NP_ENCODING_UTF8, &local_error))
    return fail (error, name, "%s: %s", where, local_error->message);

  g_ptr_array_add (np_session_get_rules (self), g_steal_pointer (&rule));
  return TRUE;
}

static gboolean
read_array (NpSession   *self,
            JsonObject  *root,
            const char  *member,
            gboolean   (*read_item) (NpSession *, JsonNode *, guint, const char *, GError **),
            guint        max_items,
            const char  *name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, name, _("“%s” must be a list"), member);

  array = json_node_get_array (node);
  if (json_array_get_length (array) > max_items)
    return fail (error, name, _("more than %u %s"), max_items, member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!read_item (self, json_array_get_element (array, i), i, name, error))
      return FALSE;
  return TRUE;
}

static gboolean
read_window (NpSession   *self,
             JsonObject  *root,
             const char  *name,
             GError     **error)
{
  JsonNode *node = json_object_get_member (root, "window");
  NpWindowState *window = np_session_get_window (self);
  JsonObject *object;
  g_autofree char *display = NULL;
  gint64 width = window->width;
  gint64 height = window->height;
  gint64 maximized = FALSE;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, name, _("“window” must be an object"));
  object = json_node_get_object (node);

  if (!read_value (object, "width", G_TYPE_INT64, &width, "window", name, error)
      || !read_value (object, "height", G_TYPE_INT64, &height, "window", name, error)
      || !read_value (object, "maximized", G_TYPE_BOOLEAN, &maximized, "window", name, error)
      || !read_string (object, "display", "text", &display, "window", name, error))
    return FALSE;
  window->width = (int) CLAMP (width, 320, 16384);
  window->height = (int) CLAMP (height, 240, 16384);
  window->maximized = maximized != 0;
  if (!np_format_from_string (display, &window->display, NULL) || window->display == NP_FORMAT_ESCAPES)
    return fail (error, name, _("window: unknown display “%s” (text or hex)"), display);
  return TRUE;
}

/* The checks every workspace document gets before its members are read: not empty, not too
 * large, no nesting or values json-glib mishandles, valid JSON. */
static JsonNode *
parse_document (const char  *data,
                gssize       length,
                const char  *name,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  gssize i = 0;

  if (length < 0)
    length = strlen (data);

  while (i < length && g_ascii_isspace (data[i]))
    i++;
  if (i == length)
    {
      fail (error, name, _("the file is empty, not a Netpoke workspace"));
      return NULL;
    }

  if ((gsize) length > NP_SESSION_MAX_FILE_SIZE)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GSSIZE_FORMAT, length);

      fail (error, name, _("too large for a Netpoke workspace (%s bytes, at most %d MiB)"),
            size, NP_SESSION_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }
  if (!np_json_check (data, length, NP_SESSION_MAX_DEPTH, &parse_error))
    {
      fail (error, name, _("not a Netpoke workspace: %s"), parse_error->message);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      fail (error, name, _("not a Netpoke workspace (damaged or cut short: %s)"), parse_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      fail (error, name, _("not a Netpoke workspace (expected a JSON object)"));
      return NULL;
    }

  return json_node_copy (root);
}

static NpSession *
session_from_root (JsonNode    *node,
                   const char  *name,
                   GError     **error)
{
  g_autoptr(NpSession) self = NULL;
  JsonObject *root;
  gint64 version;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, name, _("not a Netpoke workspace (expected a JSON object)"));
      return NULL;
    }
  root = json_node_get_object (node);

  node = json_object_get_member (root, "format");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || g_strcmp0 (json_node_get_string (node), NP_SESSION_FORMAT) != 0)
    {
      fail (error, name, _("not a Netpoke workspace (no \"format\": \"%s\")"), NP_SESSION_FORMAT);
      return NULL;
    }

  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      fail (error, name, _("the workspace has no version number"));
      return NULL;
    }
  version = json_node_get_int (node);
  if (version > NP_SESSION_VERSION || version < 1)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, version);

      if (version > NP_SESSION_VERSION)
        fail (error, name, _("saved by a newer Netpoke (workspace version %s; this Netpoke reads "
                             "version %d and older)"), number, NP_SESSION_VERSION);
      else
        fail (error, name, _("workspace version %s is not valid"), number);
      return NULL;
    }

  /* Version 1 had no rules, versions 1 and 2 no TCP, TLS and UDP options: such members there
   * are not ours, and ignored as every unknown member is. Endpoints come first: rules are
   * checked in the first endpoint's encodings. */
  self = np_session_new ();
  if (!read_array (self, root, "endpoints", read_endpoint, NP_SESSION_MAX_ENDPOINTS, name, error)
      || (version >= 3 && !_np_session_read_reach (self, root, name, error))
      || !read_array (self, root, "messages", read_message, NP_SESSION_MAX_MESSAGES, name, error)
      || (version >= 2 && !read_array (self, root, "rules", read_rule, NP_SESSION_MAX_RULES, name, error))
      || !read_window (self, root, name, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * np_session_new_from_data:
 * @name: how to call the source in error messages (the file name)
 *
 * Returns: (transfer full) (nullable): the workspace, or %NULL with @error naming @name and
 *   what is wrong with it
 */
NpSession *
np_session_new_from_data (const char  *data,
                          gssize       length,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  root = parse_document (data, length, name, error);
  if (root == NULL)
    return NULL;

  return session_from_root (root, name, error);
}

/**
 * np_reply_rules_new_from_data:
 * @data: a workspace (its "rules"), or just the list of rules as a workspace stores it:
 *   [{"match": "regex", "pattern": "^PING", "reply": "text", "response": "PONG"}, …]
 *
 * What --rules reads, held to the limits and checks of a workspace.
 *
 * Returns: (transfer full) (element-type NpReplyRule) (nullable): the rules, or %NULL with @error
 */
GPtrArray *
np_reply_rules_new_from_data (const char  *data,
                              gssize       length,
                              const char  *name,
                              GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(NpSession) session = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  root = parse_document (data, length, name, error);
  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      g_autoptr(JsonObject) wrapper = json_object_new ();

      session = np_session_new ();
      json_object_set_member (wrapper, "rules", g_steal_pointer (&root));
      if (!read_array (session, wrapper, "rules", read_rule, NP_SESSION_MAX_RULES, name, error))
        return NULL;
    }
  else if ((session = session_from_root (root, name, error)) == NULL)
    return NULL;

  return g_ptr_array_ref (np_session_get_rules (session));
}

typedef gpointer (*ParseFunc) (const char *data, gssize length, const char *name, GError **error);

/* Reads @file whole (refusing one larger than a workspace may be before reading it) and hands
 * it to @parse under the file's name. */
static gpointer
load_file (GFile      *file,
           ParseFunc   parse,
           GError    **error)
{
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  gsize length;

  /* A hostile file is refused before it is read into memory. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL && g_file_info_get_size (info) > NP_SESSION_MAX_FILE_SIZE)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GOFFSET_FORMAT, g_file_info_get_size (info));

      fail (error, name, _("too large for a Netpoke workspace (%s bytes, at most %d MiB)"),
            size, NP_SESSION_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }
  if (!g_file_load_contents (file, NULL, &data, &length, NULL, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("Could not open %s: %s"), name, local_error->message);
      return NULL;
    }

  return parse (data, length, name, error);
}

/**
 * np_session_load:
 * Returns: (transfer full) (nullable): the workspace in @file, or %NULL with @error naming the
 *   file and the problem
 */
NpSession *
np_session_load (GFile   *file,
                 GError **error)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return load_file (file, (ParseFunc) np_session_new_from_data, error);
}

/**
 * np_reply_rules_load:
 * Returns: (transfer full) (element-type NpReplyRule) (nullable): the rules in @file (a
 *   workspace or a list of rules), or %NULL with @error naming the file and the problem
 */
GPtrArray *
np_reply_rules_load (GFile   *file,
                     GError **error)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return load_file (file, (ParseFunc) np_reply_rules_new_from_data, error);
}
