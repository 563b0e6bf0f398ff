/* NpPictureLoader without a window: pictures gdk-pixbuf encodes decode to their size, thumbnails
 * fit in 96 px, a damaged PNG says "not a valid PNG: …", a request cancelled before its turn
 * never decodes, and WebP decodes where the system has webp-pixbuf-loader and says why not where
 * it has none (GDK_PIXBUF_MODULE_FILE chooses the loaders; test_gui_look.py runs the window). */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "np-picture-loader.h"

typedef struct
{
  gboolean    done;
  GdkTexture *texture;
  int         width;
  int         height;
  GError     *error;
} Result;

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *out = user_data;

  out->texture = np_picture_loader_load_finish (NP_PICTURE_LOADER (source), result, &out->width, &out->height,
                                                &out->error);
  out->done = TRUE;
}

static void
result_clear (Result *result)
{
  g_clear_object (&result->texture);
  g_clear_error (&result->error);
}

static void
load (NpPictureLoader *loader,
      GBytes          *bytes,
      int              max_size,
      GCancellable    *cancellable,
      Result          *out)
{
  const NpMagic *magic = np_magic_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  *out = (Result) { 0 };
  np_picture_loader_load_async (loader, bytes, magic, max_size, NULL, cancellable, on_loaded, out);
  while (!out->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (out->done);
}

/* A 320 × 200 gradient in @format ("png", "jpeg", "webp"), or NULL when nothing can write it. */
static GBytes *
encode (const char *format)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 200);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize size = 0;

  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 320; x++)
      {
        pixels[y * stride + x * 3] = x * 255 / 320;
        pixels[y * stride + x * 3 + 1] = y * 255 / 200;
        pixels[y * stride + x * 3 + 2] = 128;
      }
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &data, &size, format, &error, NULL))
    return NULL;
  return g_bytes_new_take (data, size);
}

static gboolean
has_loader (const char *name)
{
  GSList *formats = gdk_pixbuf_get_formats ();
  gboolean found = FALSE;

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *format = gdk_pixbuf_format_get_name (l->data);   /* a copy */

      found |= g_strcmp0 (format, name) == 0;
    }
  g_slist_free (formats);
  return found;
}

static void
test_decode (void)
{
  g_autoptr(NpPictureLoader) loader = np_picture_loader_new ();
  const char * const formats[] = { "png", "jpeg" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GBytes) bytes = encode (formats[i]);
      Result full, thumbnail;

      load (loader, bytes, 0, NULL, &full);
      g_assert_no_error (full.error);
      g_assert_cmpint (full.width, ==, 320);
      g_assert_cmpint (gdk_texture_get_width (full.texture), ==, 320);
      g_assert_cmpint (gdk_texture_get_height (full.texture), ==, 200);

      load (loader, bytes, 96, NULL, &thumbnail);
      g_assert_no_error (thumbnail.error);
      g_assert_cmpint (thumbnail.width, ==, 320);   /* the picture's size, not the thumbnail's */
      g_assert_cmpint (thumbnail.height, ==, 200);
      g_assert_cmpint (gdk_texture_get_width (thumbnail.texture), ==, 96);
      g_assert_cmpint (gdk_texture_get_height (thumbnail.texture), ==, 60);
      result_clear (&full);
      result_clear (&thumbnail);
    }
}

static void
test_damaged (void)
{
  g_autoptr(NpPictureLoader) loader = np_picture_loader_new ();
  g_autoptr(GBytes) good = encode ("png");
  g_autoptr(GBytes) damaged = g_bytes_new_from_bytes (good, 0, 60);
  Result result;

  load (loader, damaged, 96, NULL, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (result.error->message, "not a valid PNG: "));
  g_assert_null (result.texture);
  result_clear (&result);
}

static void
test_cancelled (void)
{
  g_autoptr(NpPictureLoader) loader = np_picture_loader_new ();
  g_autoptr(GBytes) bytes = encode ("png");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result result;

  g_cancellable_cancel (cancellable);
  load (loader, bytes, 96, cancellable, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  result_clear (&result);
}

/* A WebP made by webp-pixbuf-loader where it is installed (build-aux/dev installs it), else a
 * hand-made one: enough for the signature. */
static GBytes *
some_webp (void)
{
  static const guint8 tiny[] = { 'R', 'I', 'F', 'F', 0x1a, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L',
                                 0x0d, 0, 0, 0, 0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe,
                                 0x07, 0 };
  GBytes *made = has_loader ("webp") ? encode ("webp") : NULL;

  return made != NULL ? made : g_bytes_new_static (tiny, sizeof tiny);
}

static void
test_webp (void)
{
  g_autoptr(NpPictureLoader) loader = np_picture_loader_new ();
  g_autoptr(GBytes) bytes = NULL;
  Result result;

  if (!has_loader ("webp"))
    {
      g_test_skip ("this system has no WebP loader for gdk-pixbuf (webp-pixbuf-loader)");
      return;
    }
  bytes = some_webp ();
  load (loader, bytes, 96, NULL, &result);
  g_assert_no_error (result.error);
  g_assert_cmpint (result.width, ==, 320);
  g_assert_cmpint (result.height, ==, 200);
  result_clear (&result);
}

/* Without a WebP loader (gdk-pixbuf told to use a list of loaders without it), a WebP row says
 * that this system cannot show it, not that the picture is damaged. */
static void
test_webp_without_loader (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *cache = NULL;
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), "np-test-loaders-XXXXXX.cache", NULL);
      g_auto(GStrv) blocks = NULL;
      GString *kept = g_string_new (NULL);
      g_autoptr(NpPictureLoader) loader = NULL;
      g_autoptr(GBytes) bytes = NULL;
      Result result;
      int fd;

      g_assert_true (g_file_get_contents (GDK_PIXBUF_CACHE_FILE, &cache, NULL, NULL));
      blocks = g_strsplit (cache, "\n\n", -1);
      for (guint i = 0; blocks[i] != NULL; i++)
        if (strstr (blocks[i], "webp") == NULL)
          g_string_append_printf (kept, "%s\n\n", blocks[i]);
      fd = g_mkstemp (path);
      g_assert_cmpint (fd, >=, 0);
      close (fd);
      g_assert_true (g_file_set_contents (path, kept->str, -1, NULL));
      g_string_free (kept, TRUE);
      g_setenv ("GDK_PIXBUF_MODULE_FILE", path, TRUE);   /* before gdk-pixbuf reads its loaders */

      loader = np_picture_loader_new ();
      bytes = some_webp ();
      load (loader, bytes, 96, NULL, &result);
      g_unlink (path);
      g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_assert_nonnull (strstr (result.error->message, "this system has no WebP loader"));
      result_clear (&result);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/picture-loader/decode", test_decode);
  g_test_add_func ("/picture-loader/damaged", test_damaged);
  g_test_add_func ("/picture-loader/cancelled", test_cancelled);
  g_test_add_func ("/picture-loader/webp", test_webp);
  g_test_add_func ("/picture-loader/webp-without-loader", test_webp_without_loader);

  return g_test_run ();
}
