#define G_LOG_DOMAIN "np-session"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "np-error.h"
#include "np-json.h"
#include "np-session-private.h"

struct _NpSession
{
  GObject        parent_instance;

  GPtrArray     *endpoints;   /* NpSessionEndpoint* */
  GPtrArray     *messages;    /* NpSavedMessage* */
  GPtrArray     *rules;       /* NpReplyRule*, in order */
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
  g_free (endpoint->url);
  g_free (endpoint->method);
  g_free (endpoint->headers);
  g_free (endpoint->body_file);
  g_free (endpoint->root);
  g_free (endpoint->ws_path);
  g_free (endpoint->routes);
  _np_session_endpoint_free_reach (endpoint);
  g_free (endpoint);
}

NpSavedMessage *
np_saved_message_new (const char *name,
                      const char *payload,
                      NpFormat    format)
{
  NpSavedMessage *message = g_new0 (NpSavedMessage, 1);

  message->name = g_strdup (name);
  message->payload = g_strdup (payload);
  message->format = format;
  return message;
}

NpSavedMessage *
np_saved_message_copy (const NpSavedMessage *message)
{
  return np_saved_message_new (message->name, message->payload, message->format);
}

void
np_saved_message_free (NpSavedMessage *message)
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
  g_clear_pointer (&self->rules, g_ptr_array_unref);

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
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) np_saved_message_free);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) np_reply_rule_free);
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
  endpoint->url = g_strdup ("");
  endpoint->method = g_strdup ("GET");
  endpoint->headers = g_strdup ("");
  endpoint->body_file = g_strdup ("");
  endpoint->root = g_strdup ("");
  endpoint->ws_path = g_strdup ("");
  endpoint->routes = g_strdup ("");
  _np_session_endpoint_init_reach (endpoint);
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

  message = np_saved_message_new (name, payload, format);
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

/** np_session_get_rules: Returns: (transfer none) (element-type NpReplyRule): in order */
GPtrArray *
np_session_get_rules (NpSession *self)
{
  g_return_val_if_fail (NP_IS_SESSION (self), NULL);
  return self->rules;
}

/**
 * np_session_set_rules:
 * @rules: (element-type NpReplyRule): copied
 */
void
np_session_set_rules (NpSession *self,
                      GPtrArray *rules)
{
  g_return_if_fail (NP_IS_SESSION (self));
  g_return_if_fail (rules != NULL);

  g_ptr_array_set_size (self->rules, 0);
  for (guint i = 0; i < rules->len; i++)
    g_ptr_array_add (self->rules, np_reply_rule_copy (g_ptr_array_index (rules, i)));
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
  add_string (builder, "format", NP_SESSION_FORMAT);
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
      add_string (builder, "url", endpoint->url);
      add_string (builder, "method", endpoint->method);
      add_string (builder, "headers", endpoint->headers);
      add_string (builder, "body_file", endpoint->body_file);
      add_string (builder, "root", endpoint->root);
      add_string (builder, "ws_path", endpoint->ws_path);
      add_string (builder, "routes", endpoint->routes);
      json_builder_set_member_name (builder, "insecure");
      json_builder_add_boolean_value (builder, endpoint->insecure);
      _np_session_write_reach (builder, endpoint);
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

  json_builder_set_member_name (builder, "rules");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->rules->len; i++)
    {
      NpReplyRule *rule = g_ptr_array_index (self->rules, i);

      json_builder_begin_object (builder);
      add_string (builder, "name", rule->name);
      json_builder_set_member_name (builder, "enabled");
      json_builder_add_boolean_value (builder, rule->enabled);
      add_string (builder, "match", np_match_kind_to_string (rule->match));
      add_string (builder, "pattern", rule->pattern);
      add_string (builder, "reply", np_reply_kind_to_string (rule->reply));
      add_string (builder, "response", rule->response);
      json_builder_set_member_name (builder, "delay_ms");
      json_builder_add_int_value (builder, rule->delay_ms);
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
  return np_json_escape_output (json_generator_to_data (generator, NULL));
}

/* Replaces @file with @data whole or not at all: a failed save (disk full, no permission)
 * never leaves half a workspace behind. A local file goes through g_file_set_contents_full
 * (a temporary file beside it, flushed, renamed over it); g_file_replace_contents is kept for
 * files GIO reaches otherwise, because for local files it left the old workspace truncated when
 * the write failed (test-session fills the disk with RLIMIT_FSIZE). Blocks: run it off the UI
 * thread (np_session_save_async). */
static gboolean
save_data (GFile       *file,
           const char  *data,
           GError     **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) local_error = NULL;
  gsize length = strlen (data);
  gboolean ok;

  if (length > NP_SESSION_MAX_FILE_SIZE)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, length);

      ok = FALSE;
      local_error = g_error_new (NP_ERROR, NP_ERROR_FAILED,
                                 _("the workspace would be %s bytes, more than Netpoke opens (%d MiB); "
                                   "remove some saved messages"),
                                 size, NP_SESSION_MAX_FILE_SIZE / (1024 * 1024));
    }
  else if (path != NULL)
    ok = g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0666, &local_error);
  else
    ok = g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_NONE,
                                  NULL, NULL, &local_error);

  if (!ok)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("Could not save %s: %s"), name, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * np_session_save:
 *
 * Writes the workspace to @file, replacing it whole or not at all. Blocks until the data is on
 * disk: the window uses np_session_save_async().
 */
gboolean
np_session_save (NpSession  *self,
                 GFile      *file,
                 GError    **error)
{
  g_autofree char *data = NULL;

  g_return_val_if_fail (NP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  data = np_session_to_data (self);
  return save_data (file, data, error);
}

typedef struct
{
  GFile *file;
  char  *data;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_clear_object (&job->file);
  g_free (job->data);
  g_free (job);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SaveJob *job = task_data;
  GError *error = NULL;

  if (save_data (job->file, job->data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * np_session_save_async:
 *
 * Like np_session_save(), with the writing and flushing on a worker thread: the workspace is
 * turned into text here, so @self may change as soon as this returns.
 */
void
np_session_save_async (NpSession           *self,
                       GFile               *file,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveJob *job;

  g_return_if_fail (NP_IS_SESSION (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, np_session_save_async);
  job = g_new0 (SaveJob, 1);
  job->file = g_object_ref (file);
  job->data = np_session_to_data (self);
  g_task_set_task_data (task, job, (GDestroyNotify) save_job_free);
  g_task_run_in_thread (task, save_in_thread);
}

gboolean
np_session_save_finish (NpSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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
