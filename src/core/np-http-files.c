#define G_LOG_DOMAIN "np-http-files"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "np-http-files.h"

#define CHUNK_SIZE (64 * 1024)

/* One file on its way out: the next chunk is read when libsoup has written the last one. */
typedef struct
{
  int      fd;
  goffset  offset;
  goffset  remaining;
  char    *name;
} FileSend;

static void
file_send_free (FileSend *send)
{
  if (send->fd >= 0)
    close (send->fd);
  g_free (send->name);
  g_free (send);
}

static void
set_error (SoupServerMessage *msg,
           guint              status,
           const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

/* Refuses with @status and returns the note for the log. */
static char *
refuse (SoupServerMessage *msg,
        guint              status,
        char              *note)
{
  g_autofree char *text = g_strdup_printf ("%u %s\n", status, soup_status_get_phrase (status));

  set_error (msg, status, text);
  return note;
}

static gboolean
is_inside (const char *root,
           const char *real)
{
  gsize length = strlen (root);

  if (g_str_equal (root, "/"))
    return TRUE;

  return strncmp (real, root, length) == 0 && (real[length] == '\0' || real[length] == '/');
}

static gboolean
steal_and_close_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);

  return G_SOURCE_REMOVE;
}

/* Appends the next chunk; a file that shrank under us cannot fill the promised length, so the
 * connection is dropped (the client sees a short transfer, not wrong bytes). */
static void
append_chunk (SoupServerMessage *msg,
              FileSend          *send)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gsize wanted = MIN (send->remaining, CHUNK_SIZE);
  guint8 *buffer;
  gssize n;

  if (send->remaining == 0)
    return;

  buffer = g_malloc (wanted);
  do
    n = pread (send->fd, buffer, wanted, send->offset);
  while (n < 0 && errno == EINTR);

  if (n <= 0)
    {
      GSource *source = g_idle_source_new ();

      g_free (buffer);
      g_object_set_data_full (G_OBJECT (msg), "np-http-note",
                              g_strdup_printf (_("“%s” shrank or failed while being sent; connection dropped"),
                                               send->name),
                              g_free);
      g_source_set_static_name (source, "[netpoke] drop short file transfer");
      g_source_set_callback (source, steal_and_close_cb, g_object_ref (msg), g_object_unref);
      g_source_attach (source, g_main_context_get_thread_default ());
      g_source_unref (source);
      send->remaining = 0;
      return;
    }

  send->offset += n;
  send->remaining -= n;
  soup_message_body_append_take (body, buffer, n);
}

static void
on_wrote_chunk (SoupServerMessage *msg,
                gpointer           user_data)
{
  append_chunk (msg, user_data);
}

static const char *
content_type_for (const char *name)
{
  static const char fallback[] = "application/octet-stream";
  g_autofree char *type = g_content_type_guess (name, NULL, 0, NULL);
  g_autofree char *mime = type != NULL ? g_content_type_get_mime_type (type) : NULL;

  /* Interned: the string lives as long as the program, like the fallback. */
  return mime != NULL ? g_intern_string (mime) : fallback;
}

/* The single byte range asked for, or FALSE to send the whole file: no Range, an If-Range
 * that no longer matches, or several ranges (which a server may answer in full). Sets 416
 * and returns TRUE with *length 0 when nothing asked for exists. */
static gboolean
pick_range (SoupServerMessage *msg,
            goffset            total,
            const char        *last_modified,
            goffset           *start,
            goffset           *length)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  const char *if_range = soup_message_headers_get_one (request, "If-Range");
  SoupRange *ranges = NULL;
  int n_ranges = 0;
  int n_satisfiable = 0;
  SoupRange chosen = { 0, 0 };

  if (if_range != NULL && g_strcmp0 (if_range, last_modified) != 0)
    return FALSE;
  if (!soup_message_headers_get_ranges (request, total, &ranges, &n_ranges))
    return FALSE;

  for (int i = 0; i < n_ranges; i++)
    {
      SoupRange range = ranges[i];

      range.start = MAX (range.start, 0);   /* a suffix longer than the file: all of it */
      range.end = MIN (range.end, total - 1);
      if (range.start < total && range.start <= range.end)
        {
          chosen = range;
          n_satisfiable++;
        }
    }
  soup_message_headers_free_ranges (request, ranges);

  if (n_satisfiable == 0)
    {
      g_autofree char *unsatisfied = g_strdup_printf ("bytes */%" G_GOFFSET_FORMAT, total);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Content-Range", unsatisfied);
      soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      *length = 0;
      return TRUE;
    }
  if (n_satisfiable > 1)
    return FALSE;

  soup_message_headers_set_content_range (soup_server_message_get_response_headers (msg),
                                          chosen.start, chosen.end, total);
  soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
  *start = chosen.start;
  *length = chosen.end - chosen.start + 1;
  return TRUE;
}

static void
serve_file (SoupServerMessage *msg,
            int                fd,
            const struct stat *info,
            const char        *real)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GDateTime) modified = g_date_time_new_from_unix_utc (info->st_mtime);
  g_autofree char *last_modified = soup_date_time_to_string (modified, SOUP_DATE_HTTP);
  goffset start = 0;
  goffset length = info->st_size;
  FileSend *send;

  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  soup_message_headers_replace (headers, "Content-Type", content_type_for (real));
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  soup_message_headers_replace (headers, "Last-Modified", last_modified);

  if (!pick_range (msg, info->st_size, last_modified, &start, &length))
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_length (headers, length);

  send = g_new0 (FileSend, 1);
  send->fd = fd;
  send->offset = start;
  send->remaining = g_str_equal (soup_server_message_get_method (msg), "HEAD") ? 0 : length;
  send->name = g_path_get_basename (real);
  g_object_set_data_full (G_OBJECT (msg), "np-http-file", send, (GDestroyNotify) file_send_free);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), send);
  append_chunk (msg, send);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
append_entry (GString    *html,
              const char *name,
              gboolean    is_dir,
              goffset     size)
{
  g_autofree char *href = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *display = g_filename_display_name (name);
  g_autofree char *text = g_markup_escape_text (display, -1);

  if (is_dir)
    g_string_append_printf (html, "<li><a href=\"%s/\">%s/</a></li>\n", href, text);
  else
    g_string_append_printf (html, "<li><a href=\"%s\">%s</a> (%" G_GOFFSET_FORMAT " bytes)</li>\n",
                            href, text, size);
}

/* Folders first, then files, each in byte order of their names. */
static void
serve_listing (SoupServerMessage *msg,
               const char        *real,
               const char        *path)
{
  g_autoptr(GDir) dir = g_dir_open (real, 0, NULL);
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *title = g_markup_escape_text (path, -1);
  GString *html;
  const char *name;

  if (dir == NULL)
    {
      set_error (msg, SOUP_STATUS_FORBIDDEN, "403 Forbidden\n");
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = g_build_filename (real, name, NULL);
      struct stat info;

      if (stat (full, &info) == 0 && S_ISDIR (info.st_mode))
        g_ptr_array_add (dirs, g_strdup (name));
      else
        g_ptr_array_add (files, g_strdup (name));
    }
  g_ptr_array_sort (dirs, compare_names);
  g_ptr_array_sort (files, compare_names);

  html = g_string_new (NULL);
  g_string_append_printf (html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                "<title>Index of %s</title></head>\n<body><h1>Index of %s</h1>\n<ul>\n",
                          title, title);
  if (!g_str_equal (path, "/"))
    g_string_append (html, "<li><a href=\"../\">../</a></li>\n");
  for (guint i = 0; i < dirs->len; i++)
    append_entry (html, g_ptr_array_index (dirs, i), TRUE, 0);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *full = g_build_filename (real, g_ptr_array_index (files, i), NULL);
      struct stat info;

      append_entry (html, g_ptr_array_index (files, i), FALSE, stat (full, &info) == 0 ? info.st_size : 0);
    }
  g_string_append (html, "</ul></body></html>\n");

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    html->str, html->len);
  g_string_free (html, FALSE);
}

/* Resolves @relative under @root; returns the real path, or NULL with the status to answer
 * and maybe a note. */
static char *
resolve (const char  *root,
         const char  *relative,
         guint       *status,
         char       **note)
{
  g_autofree char *full = g_build_filename (root, relative, NULL);
  char *real = realpath (full, NULL);

  if (real == NULL)
    {
      *status = errno == EACCES ? SOUP_STATUS_FORBIDDEN : SOUP_STATUS_NOT_FOUND;
      if (errno == ELOOP)
        {
          *status = SOUP_STATUS_FORBIDDEN;
          *note = g_strdup (_("refused: a loop of symbolic links"));
        }
      return NULL;
    }
  if (!is_inside (root, real))
    {
      *status = SOUP_STATUS_FORBIDDEN;
      *note = g_strdup_printf (_("refused: a symbolic link leads outside the served folder (to %s)"), real);
      free (real);
      return NULL;
    }

  return real;
}

static char *
serve_path (SoupServerMessage *msg,
            const char        *root,
            const char        *path,
            gboolean           index)
{
  guint status = 0;
  char *note = NULL;
  char *resolved = resolve (root, path, &status, &note);
  g_autofree char *real = resolved != NULL ? g_strdup (resolved) : NULL;
  struct stat info;
  int fd;

  free (resolved);
  if (real == NULL)
    return refuse (msg, status, note);

  /* O_NONBLOCK: opening a FIFO someone left in the folder must not hang the engine. */
  fd = open (real, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return refuse (msg, errno == EACCES ? SOUP_STATUS_FORBIDDEN : SOUP_STATUS_NOT_FOUND, NULL);
  if (fstat (fd, &info) != 0)
    {
      close (fd);
      return refuse (msg, SOUP_STATUS_NOT_FOUND, NULL);
    }

  if (S_ISREG (info.st_mode))
    {
      serve_file (msg, fd, &info, real);
      return NULL;
    }
  close (fd);

  if (!S_ISDIR (info.st_mode))
    return refuse (msg, SOUP_STATUS_FORBIDDEN, g_strdup (_("refused: not a regular file")));

  if (!g_str_has_suffix (path, "/"))
    {
      g_autofree char *escaped = g_uri_escape_string (path, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);
      g_autofree char *location = g_strconcat (escaped, "/", NULL);

      soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, location);
      return NULL;
    }

  if (index)
    {
      g_autofree char *index_path = g_strconcat (path, "index.html", NULL);
      g_autofree char *index_full = g_build_filename (real, "index.html", NULL);

      if (g_file_test (index_full, G_FILE_TEST_IS_REGULAR))
        return serve_path (msg, root, index_path, FALSE);
    }

  serve_listing (msg, real, path);
  return NULL;
}

/**
 * np_http_files_respond:
 * @root: the folder, as realpath() gives it
 * @path: the decoded request path, dot segments already resolved by libsoup
 *
 * Answers @msg from @root: the file, index.html or a listing, or 403/404/405.
 *
 * Returns: (transfer full) (nullable): why the request was refused, for the log
 */
char *
np_http_files_respond (SoupServerMessage *msg,
                       const char        *root,
                       const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) segments = NULL;

  if (!g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      return refuse (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    }

  /* libsoup resolves these before we see the path; a second guard costs nothing. */
  segments = g_strsplit (path, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (g_str_equal (segments[i], "..") || g_str_equal (segments[i], "."))
      return refuse (msg, SOUP_STATUS_FORBIDDEN, g_strdup (_("refused: “..” in the path")));

  return serve_path (msg, root, path, TRUE);
}
