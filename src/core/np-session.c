#define G_LOG_DOMAIN "np-session"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "np-error.h"
#include "np-framer.h"
#include "np-session.h"

#define FORMAT_NAME "netpoke-workspace"

struct _NpSession
{
  GObject        parent_instance;

  GPtrArray     *endpoints;   /* NpSessionEndpoint* */
  GPtrArray     *messages;    /* NpSavedMessage* */
  NpWindowState  window;
};

G_DEFINE_FINAL_TYPE (NpSession, np_session, G_TYPE_OBJECT)

static void
endpoint_free (NpSessionEndpoint *endpoint)
{
  g_free (endpoint->address);
  g_free (endpoint->port);
  g_free (endpoint->destination);
  g_free (endpoint->framing);
  g_free (endpoint);
}

static void
message_free (NpSavedMessage *message)
{
  g_free (message->name);
  g_free (message->payload);
  g_free (message);
}

static void
np_session_finalize (GObject *object)
{
  NpSession *self = (NpSession *)object;

  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
  g_clear_pointer (&self->messages, g_ptr_array_unref);

  G_OBJECT_CLASS (np_session_parent_class)->finalize (object);
}

static void
np_session_class_init (NpSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_session_finalize;
}

static void
np_session_init (NpSession *self)
{
  self->endpoints = g_ptr_array_new_with_free_func ((GDestroyNotify) endpoint_free);
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) message_free);
  self->window.width = 1180;
  self->window.height = 720;
  self->window.display = NP_FORMAT_TEXT;
}

NpSession *
np_session_new (void)
{
  return g_object_new (NP_TYPE_SESSION, NULL);
}

/**
 * np_session_add_endpoint:
 * Returns: (transfer none): a new endpoint with defaults (TCP server on 8080), owned by @self
 */
NpSessionEndpoint *
np_session_add_endpoint (NpSession *self)
{
  NpSessionEndpoint *endpoint;

  g_return_val_if_fail (NP_IS_SESSION (self), NULL);

  endpoint = g_new0 (NpSessionEndpoint, 1);
  endpoint->mode = NP_MODE_TCP_SERVER;
  endpoint->address = g_strdup ("");
  endpoint->port = g_strdup ("8080");
  endpoint->destination = g_strdup ("");
  endpoint->framing = g_strdup ("raw");
  g_ptr_array_add (self->endpoints, endpoint);

  return endpoint;
}

/**
 * np_session_add_message:
 * Returns: (transfer none): the saved message, owned by @self
 */
NpSavedMessage *
np_session_add_message (NpSession  *self,
                        const char *name,
                        const char *payload,
                        NpFormat    format)
{
  NpSavedMessage *message;

  g_return_val_if_fail (NP_IS_SESSION (self), NULL);
  g_return_val_if_fail (name != NULL && payload != NULL, NULL);

  message = g_new0 (NpSavedMessage, 1);
  message->name = g_strdup (name);
  message->payload = g_strdup (payload);
  message->format = format;
  g_ptr_array_add (self->messages, message);

  return message;
}

/** np_session_get_endpoints: Returns: (transfer none) (element-type NpSessionEndpoint) */
GPtrArray *
np_session_get_endpoints (NpSession *self)
{
  g_return_val_if_fail (NP_IS_SESSION (self), NULL);
  return self->endpoints;
}

/** np_session_get_messages: Returns: (transfer none) (element-type NpSavedMessage) */
GPtrArray *
np_session_get_messages (NpSession *self)
{
  g_return_val_if_fail (NP_IS_SESSION (self), NULL);
  return self->messages;
}

NpWindowState *
np_session_get_window (NpSession *self)
{
  g_return_val_if_fail (NP_IS_SESSION (self), NULL);
  return &self->window;
}

/* ---- writing ---------------------------------------------------------------------------- */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value != NULL ? value : "");
}

/**
 * np_session_to_data:
 * Returns: (transfer full): the workspace as pretty-printed JSON
 */
char *
np_session_to_data (NpSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (NP_IS_SESSION (self), NULL);

  json_builder_begin_object (builder);
  add_string (builder, "format", FORMAT_NAME);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, NP_SESSION_VERSION);

  json_builder_set_member_name (builder, "endpoints");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->endpoints->len; i++)
    {
      NpSessionEndpoint *endpoint = g_ptr_array_index (self->endpoints, i);

      json_builder_begin_object (builder);
      add_string (builder, "mode", np_mode_to_string (endpoint->mode));
      add_string (builder, "address", endpoint->address);
      add_string (builder, "port", endpoint->port);
      add_string (builder, "destination", endpoint->destination);
      add_string (builder, "receive_encoding", np_encoding_to_string (endpoint->receive_encoding));
      add_string (builder, "send_encoding", np_encoding_to_string (endpoint->send_encoding));
      add_string (builder, "framing", endpoint->framing);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->messages->len; i++)
    {
      NpSavedMessage *message = g_ptr_array_index (self->messages, i);

      json_builder_begin_object (builder);
      add_string (builder, "name", message->name);
      add_string (builder, "payload", message->payload);
      add_string (builder, "format", np_format_to_string (message->format));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "window");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, self->window.width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, self->window.height);
  json_builder_set_member_name (builder, "maximized");
  json_builder_add_boolean_value (builder, self->window.maximized);
  add_string (builder, "display", np_format_to_string (self->window.display));
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

/* Writes @data to a new file beside @path, flushes it to disk and renames it over @path: the
 * old file is replaced whole or not at all. */
static gboolean
write_atomically (const char  *path,
                  const char  *data,
                  gsize        length,
                  GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *template = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  gsize written = 0;
  int saved_errno;
  int fd;

  fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), g_strerror (saved_errno));
      return FALSE;
    }

  while (written < length)
    {
      gssize n = write (fd, data + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto failed;
      written += n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }
  fd = -1;
  if (g_rename (template, path) != 0)
    goto failed;
  return TRUE;

failed:
  saved_errno = errno != 0 ? errno : EIO;
  if (fd >= 0)
    close (fd);
  g_unlink (template);
  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), g_strerror (saved_errno));
  return FALSE;
}

/**
 * np_session_save:
 *
 * The old file is replaced whole or not at all: a failed save (disk full, no permission) never
 * leaves half a workspace behind.
 */
gboolean
np_session_save (NpSession  *self,
                 GFile      *file,
                 GError    **error)
{
  g_autofree char *data = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (NP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  data = np_session_to_data (self);
  path = g_file_get_path (file);
  if (path != NULL)
    ok = write_atomically (path, data, strlen (data), &local_error);
  else
    ok = g_file_replace_contents (file, data, strlen (data), NULL, FALSE, G_FILE_CREATE_NONE,
                                  NULL, NULL, &local_error);

  if (!ok)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, "Could not save %s: %s", name, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* ---- reading ---------------------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF (3, 4)
fail (GError     **error,
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

/* Reads an optional string member; present but not a string is an error. */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             const char  *fallback,
             char       **out,
             const char  *where,
             const char  *name,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = g_strdup (fallback);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, name, "%s: “%s” must be text", where, member);

  *out = g_strdup (json_node_get_string (node));
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
    return fail (error, name, "%s: unknown encoding “%s”", where, text);
  return TRUE;
}

static gboolean
read_endpoint (NpSession   *self,
               JsonNode    *node,
               guint        index,
               const char  *name,
               GError     **error)
{
  g_autofree char *where = g_strdup_printf ("endpoint %u", index + 1);
  g_autofree char *mode = NULL;
  g_autofree char *framing = NULL;
  NpSessionEndpoint *endpoint;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, name, "%s is not an object", where);
  object = json_node_get_object (node);

  endpoint = np_session_add_endpoint (self);
  if (!read_string (object, "mode", "tcp-server", &mode, where, name, error))
    return FALSE;
  if (!np_mode_from_string (mode, &endpoint->mode))
    return fail (error, name, "%s: unknown mode “%s” (tcp-server, tcp-client or udp)", where, mode);

  g_clear_pointer (&endpoint->address, g_free);
  g_clear_pointer (&endpoint->port, g_free);
  g_clear_pointer (&endpoint->destination, g_free);
  g_clear_pointer (&endpoint->framing, g_free);
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
      return fail (error, name, "%s: unknown framing “%s”", where, framing);
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
  g_autofree char *where = g_strdup_printf ("saved message %u", index + 1);
  g_autofree char *title = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *format = NULL;
  NpFormat parsed;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, name, "%s is not an object", where);
  object = json_node_get_object (node);

  if (!read_string (object, "name", "", &title, where, name, error)
      || !read_string (object, "payload", "", &payload, where, name, error)
      || !read_string (object, "format", "text", &format, where, name, error))
    return FALSE;
  if (!np_format_from_string (format, &parsed, NULL))
    return fail (error, name, "%s: unknown format “%s” (text, hex or escapes)", where, format);

  np_session_add_message (self, title, payload, parsed);
  return TRUE;
}

static gboolean
read_array (NpSession   *self,
            JsonObject  *root,
            const char  *member,
            gboolean   (*read_item) (NpSession *, JsonNode *, guint, const char *, GError **),
            const char  *name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, name, "“%s” must be a list", member);

  array = json_node_get_array (node);
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
  JsonObject *object;
  g_autofree char *display = NULL;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, name, "“window” must be an object");
  object = json_node_get_object (node);

  self->window.width = (int) CLAMP (json_object_get_int_member_with_default (object, "width", 1180), 320, 16384);
  self->window.height = (int) CLAMP (json_object_get_int_member_with_default (object, "height", 720), 240, 16384);
  self->window.maximized = json_object_get_boolean_member_with_default (object, "maximized", FALSE);
  if (!read_string (object, "display", "text", &display, "window", name, error))
    return FALSE;
  if (!np_format_from_string (display, &self->window.display, NULL) || self->window.display == NP_FORMAT_ESCAPES)
    return fail (error, name, "window: unknown display “%s” (text or hex)", display);
  return TRUE;
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
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(NpSession) self = NULL;
  JsonObject *root;
  JsonNode *node;
  gint64 version;

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);
  {
    gssize i = 0;

    while (i < length && g_ascii_isspace (data[i]))
      i++;
    if (i == length)
      {
        fail (error, name, "the file is empty, not a Netpoke workspace");
        return NULL;
      }
  }

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      fail (error, name, "not a Netpoke workspace (damaged or cut short: %s)", parse_error->message);
      return NULL;
    }

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, name, "not a Netpoke workspace (expected a JSON object)");
      return NULL;
    }
  root = json_node_get_object (node);

  if (g_strcmp0 (json_object_get_string_member_with_default (root, "format", NULL), FORMAT_NAME) != 0)
    {
      fail (error, name, "not a Netpoke workspace (no \"format\": \"%s\")", FORMAT_NAME);
      return NULL;
    }

  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      fail (error, name, "the workspace has no version number");
      return NULL;
    }
  version = json_node_get_int (node);
  if (version > NP_SESSION_VERSION)
    {
      fail (error, name, "saved by a newer Netpoke (workspace version %" G_GINT64_FORMAT
            "; this Netpoke reads version %d and older)", version, NP_SESSION_VERSION);
      return NULL;
    }
  if (version < 1)
    {
      fail (error, name, "workspace version %" G_GINT64_FORMAT " is not valid", version);
      return NULL;
    }

  self = np_session_new ();
  if (!read_array (self, root, "endpoints", read_endpoint, name, error)
      || !read_array (self, root, "messages", read_message, name, error)
      || !read_window (self, root, name, error))
    return NULL;

  return g_steal_pointer (&self);
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
  g_autofree char *name = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  if (!g_file_load_contents (file, NULL, &data, &length, NULL, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, "Could not open %s: %s", name, local_error->message);
      return NULL;
    }

  return np_session_new_from_data (data, length, name, error);
}

gboolean
np_session_equal (NpSession *a,
                  NpSession *b)
{
  g_autofree char *da = NULL;
  g_autofree char *db = NULL;

  g_return_val_if_fail (NP_IS_SESSION (a) && NP_IS_SESSION (b), FALSE);

  da = np_session_to_data (a);
  db = np_session_to_data (b);
  return g_str_equal (da, db);
}
