#define G_LOG_DOMAIN "np-session"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <net/if.h>
#include <string.h>

#include "np-address.h"
#include "np-error.h"
#include "np-multicast.h"
#include "np-session-private.h"

/* A workspace endpoint's TCP, TLS and UDP options (version 3): written as members of the
 * endpoint beside its address and port, read back with the loader's checks, and held to
 * np_session_check_endpoint(), which the window also asks before it saves, so that what
 * Netpoke saves it can open again. Certificates and keys are kept as file names: a workspace is
 * shared and mailed around, a private key must not travel with it. */

void
_np_session_endpoint_init_reach (NpSessionEndpoint *endpoint)
{
  endpoint->local_address = g_strdup ("");
  endpoint->tls_certificate = g_strdup ("");
  endpoint->tls_key = g_strdup ("");
  endpoint->multicast_groups = g_new0 (char *, 1);
  endpoint->multicast_interface = g_strdup ("");
  endpoint->multicast_ttl = -1;
  endpoint->multicast_loopback = TRUE;
}

void
_np_session_endpoint_free_reach (NpSessionEndpoint *endpoint)
{
  g_free (endpoint->local_address);
  g_free (endpoint->tls_certificate);
  g_free (endpoint->tls_key);
  g_strfreev (endpoint->multicast_groups);
  g_free (endpoint->multicast_interface);
}

/* PEM text pasted where a file name belongs: never saved, never loaded. */
static gboolean
holds_pem (const char *path)
{
  return strchr (path, '\n') != NULL || strstr (path, "-----BEGIN") != NULL;
}

/* ---- checking ------------------------------------------------------------------------------ */

static gboolean
check_text (const char  *text,
            const char  *what,
            GError     **error)
{
  if (strlen (text) <= NP_SESSION_MAX_TEXT)
    return TRUE;
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("%s is longer than a workspace keeps (%d bytes)"),
               what, NP_SESSION_MAX_TEXT);
  return FALSE;
}

static gboolean
check_file_name (const char  *path,
                 const char  *what,
                 GError     **error)
{
  if (holds_pem (path))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                   _("%s must be the name of a PEM file, not its contents"), what);
      return FALSE;
    }
  return check_text (path, what, error);
}

/* A name as `ip link` shows one: the kernel's limit, no blanks, slashes or '%'. */
static gboolean
check_interface (const char  *name,
                 GError     **error)
{
  if (name[0] == '\0')
    return TRUE;
  if (strlen (name) < IF_NAMESIZE && strpbrk (name, " \t\n/%") == NULL)
    return TRUE;
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a network interface name (at most %d characters, no blanks or slashes)"),
               name, IF_NAMESIZE - 1);
  return FALSE;
}

/**
 * np_session_check_endpoint:
 *
 * Whether @endpoint's TCP, TLS and UDP options can be saved and opened again: numbers in
 * range, an IP address where one belongs, multicast groups as a group is written (its
 * interface need not exist here), file names rather than PEM text. The loader checks every file
 * with it and the window every workspace before saving.
 */
gboolean
np_session_check_endpoint (const NpSessionEndpoint  *endpoint,
                           GError                  **error)
{
  g_return_val_if_fail (endpoint != NULL, FALSE);

  if (endpoint->reconnect_max_ms != 0
      && (endpoint->reconnect_max_ms < NP_RECONNECT_MAX_MS_MIN || endpoint->reconnect_max_ms > NP_RECONNECT_MAX_MS_MAX))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("The longest wait between attempts is %d–%d ms"),
                   NP_RECONNECT_MAX_MS_MIN, NP_RECONNECT_MAX_MS_MAX);
      return FALSE;
    }
  if (endpoint->local_port > 65535 || endpoint->multicast_ttl < -1 || endpoint->multicast_ttl > 255)
    {
      g_set_error_literal (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                           _("The local port is 1–65535 and the multicast TTL 0–255"));
      return FALSE;
    }
  if (!check_text (endpoint->local_address, _("The local address"), error)
      || !check_file_name (endpoint->tls_certificate, _("The certificate"), error)
      || !check_file_name (endpoint->tls_key, _("The private key"), error)
      || !check_text (endpoint->multicast_interface, _("The multicast interface"), error)
      || !check_interface (endpoint->multicast_interface, error))
    return FALSE;
  if (endpoint->local_address[0] != '\0')
    {
      g_autoptr(GInetAddress) address = np_address_parse_ip (endpoint->local_address, error);

      if (address == NULL)
        return FALSE;
    }

  if (g_strv_length (endpoint->multicast_groups) > NP_SESSION_MAX_GROUPS)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("A workspace keeps at most %d multicast groups"),
                   NP_SESSION_MAX_GROUPS);
      return FALSE;
    }
  for (guint i = 0; endpoint->multicast_groups[i] != NULL; i++)
    if (!check_text (endpoint->multicast_groups[i], _("A multicast group"), error)
        || !np_multicast_group_check_spec (endpoint->multicast_groups[i], error))
      return FALSE;

  return TRUE;
}

/* ---- writing ------------------------------------------------------------------------------- */

static void
add_boolean (JsonBuilder *builder,
             const char  *member,
             gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

/* An empty field (@value == @unset) is null: the default. */
static void
add_number (JsonBuilder *builder,
            const char  *member,
            gint64       value,
            gint64       unset)
{
  json_builder_set_member_name (builder, member);
  if (value == unset)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, value);
}

static void
add_text (JsonBuilder *builder,
          const char  *member,
          const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

void
_np_session_write_reach (JsonBuilder             *builder,
                         const NpSessionEndpoint *endpoint)
{
  add_boolean (builder, "reconnect", endpoint->reconnect);
  add_number (builder, "reconnect_max_ms", endpoint->reconnect_max_ms, 0);
  add_text (builder, "local_address", endpoint->local_address);
  add_number (builder, "local_port", endpoint->local_port, 0);
  add_boolean (builder, "keepalive", endpoint->keepalive);
  add_number (builder, "max_clients", endpoint->max_clients, 0);

  add_boolean (builder, "tls", endpoint->tls);
  /* Whatever the caller failed to check, a key goes no further than this. */
  add_text (builder, "tls_certificate", holds_pem (endpoint->tls_certificate) ? "" : endpoint->tls_certificate);
  add_text (builder, "tls_key", holds_pem (endpoint->tls_key) ? "" : endpoint->tls_key);
  add_boolean (builder, "tls_insecure", endpoint->tls_insecure);
  add_boolean (builder, "tls_request_client_certificate", endpoint->tls_request_client_certificate);

  add_boolean (builder, "broadcast", endpoint->broadcast);
  json_builder_set_member_name (builder, "multicast_groups");
  json_builder_begin_array (builder);
  for (guint i = 0; endpoint->multicast_groups[i] != NULL; i++)
    json_builder_add_string_value (builder, endpoint->multicast_groups[i]);
  json_builder_end_array (builder);
  add_text (builder, "multicast_interface", endpoint->multicast_interface);
  add_number (builder, "multicast_ttl", endpoint->multicast_ttl, -1);
  add_boolean (builder, "multicast_loopback", endpoint->multicast_loopback);
}

/* ---- reading ------------------------------------------------------------------------------- */

/* A whole number from @min to @max, or @unset (what an empty field saves as null; a file may
 * also say it: 0 is "any port", "no limit"), or null or missing. */
static gboolean
read_number (JsonObject  *object,
             const char  *member,
             gint64       min,
             gint64       max,
             gint64       unset,
             gint64      *out,
             const char  *where,
             const char  *name,
             GError     **error)
{
  gint64 value = unset;

  if (!_np_session_read_value (object, member, G_TYPE_INT64, &value, where, name, error))
    return FALSE;
  if (value != unset && (value < min || value > max))
    {
      g_autofree char *low = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *high = g_strdup_printf ("%" G_GINT64_FORMAT, max);

      return _np_session_fail (error, name, _("%s: “%s” must be %s–%s (or null for the default)"),
                               where, member, low, high);
    }
  *out = value;
  return TRUE;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *member,
              gboolean    *out,
              const char  *where,
              const char  *name,
              GError     **error)
{
  gint64 value = *out;

  if (!_np_session_read_value (object, member, G_TYPE_BOOLEAN, &value, where, name, error))
    return FALSE;
  *out = value != 0;
  return TRUE;
}

/* "multicast_groups": a list of text, each checked as every text is. */
static gboolean
read_groups (JsonObject         *object,
             NpSessionEndpoint  *endpoint,
             const char         *where,
             const char         *name,
             GError            **error)
{
  JsonNode *node = json_object_get_member (object, "multicast_groups");
  g_autoptr(GStrvBuilder) groups = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _np_session_fail (error, name, _("%s: “%s” must be a list of groups"), where, "multicast_groups");
  array = json_node_get_array (node);
  if (json_array_get_length (array) > NP_SESSION_MAX_GROUPS)
    return _np_session_fail (error, name, _("%s: more than %d multicast groups"), where, NP_SESSION_MAX_GROUPS);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(JsonObject) wrapper = json_object_new ();
      g_autofree char *group = NULL;

      /* One group at a time as a member of its own, so it gets read_string's checks. */
      json_object_set_member (wrapper, "multicast_groups", json_node_copy (json_array_get_element (array, i)));
      if (!_np_session_read_string (wrapper, "multicast_groups", "", &group, where, name, error))
        return FALSE;
      g_strv_builder_add (groups, group);
    }

  g_strfreev (endpoint->multicast_groups);
  endpoint->multicast_groups = g_strv_builder_end (groups);
  return TRUE;
}

static gboolean
read_endpoint_reach (JsonObject         *object,
                     NpSessionEndpoint  *endpoint,
                     const char         *where,
                     const char         *name,
                     GError            **error)
{
  struct { const char *member; char **out; } texts[] = {
    { "local_address", &endpoint->local_address }, { "tls_certificate", &endpoint->tls_certificate },
    { "tls_key", &endpoint->tls_key }, { "multicast_interface", &endpoint->multicast_interface },
  };
  struct { const char *member; gboolean *out; } switches[] = {
    { "reconnect", &endpoint->reconnect }, { "keepalive", &endpoint->keepalive }, { "tls", &endpoint->tls },
    { "tls_insecure", &endpoint->tls_insecure },
    { "tls_request_client_certificate", &endpoint->tls_request_client_certificate },
    { "broadcast", &endpoint->broadcast }, { "multicast_loopback", &endpoint->multicast_loopback },
  };
  gint64 reconnect_max = 0, local_port = 0, max_clients = 0, ttl = -1;
  g_autoptr(GError) local_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
    if (!read_boolean (object, switches[i].member, switches[i].out, where, name, error))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_clear_pointer (texts[i].out, g_free);
      if (!_np_session_read_string (object, texts[i].member, "", texts[i].out, where, name, error))
        return FALSE;
    }
  if (!read_number (object, "reconnect_max_ms", NP_RECONNECT_MAX_MS_MIN, NP_RECONNECT_MAX_MS_MAX, 0,
                    &reconnect_max, where, name, error)
      || !read_number (object, "local_port", 1, 65535, 0, &local_port, where, name, error)
      || !read_number (object, "max_clients", 1, G_MAXUINT32, 0, &max_clients, where, name, error)
      || !read_number (object, "multicast_ttl", 0, 255, -1, &ttl, where, name, error)
      || !read_groups (object, endpoint, where, name, error))
    return FALSE;
  endpoint->reconnect_max_ms = reconnect_max;
  endpoint->local_port = local_port;
  endpoint->max_clients = max_clients;
  endpoint->multicast_ttl = ttl;

  if (!np_session_check_endpoint (endpoint, &local_error))
    return _np_session_fail (error, name, "%s: %s", where, local_error->message);
  return TRUE;
}

/* The loader has read "endpoints" already (a list of objects, one NpSessionEndpoint each);
 * this reads their version 3 members. */
gboolean
_np_session_read_reach (NpSession   *self,
                        JsonObject  *root,
                        const char  *name,
                        GError     **error)
{
  GPtrArray *endpoints = np_session_get_endpoints (self);
  JsonNode *node = json_object_get_member (root, "endpoints");
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  array = json_node_get_array (node);
  g_return_val_if_fail (json_array_get_length (array) == endpoints->len, FALSE);

  for (guint i = 0; i < endpoints->len; i++)
    {
      g_autofree char *where = g_strdup_printf (_("endpoint %u"), i + 1);

      if (!read_endpoint_reach (json_array_get_object_element (array, i), g_ptr_array_index (endpoints, i),
                                where, name, error))
        return FALSE;
    }
  return TRUE;
}
