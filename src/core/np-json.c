#define G_LOG_DOMAIN "np-json"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "np-error.h"
#include "np-json.h"

/* An integer literal (no fraction, no exponent) must fit a gint64. */
static gboolean
check_number (const char  *start,
              gsize        length,
              guint        line,
              GError     **error)
{
  g_autofree char *text = NULL;
  gint64 value;

  if (memchr (start, '.', length) != NULL || memchr (start, 'e', length) != NULL
      || memchr (start, 'E', length) != NULL)
    return TRUE;

  text = g_strndup (start, length);
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, _("the number %.24s%s is too large (line %u)"),
                   text, length > 24 ? "…" : "", line);
      return FALSE;
    }
  return TRUE;
}

/**
 * np_json_check:
 * @max_depth: how deeply arrays and objects may nest
 *
 * A lexical pass over JSON text before it is parsed: refuses nesting deeper than @max_depth,
 * an escaped NUL inside a string and integers beyond 64 bits, naming the line. Anything else
 * (syntax) is left to the parser.
 */
gboolean
np_json_check (const char  *data,
               gsize        length,
               guint        max_depth,
               GError     **error)
{
  guint depth = 0;
  guint line = 1;
  gsize i = 0;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  while (i < length)
    {
      char c = data[i];

      switch (c)
        {
        case '\n':
          line++;
          i++;
          break;

        case '[':
        case '{':
          if (++depth > max_depth)
            {
              g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                           _("nested more than %u levels deep (line %u)"), max_depth, line);
              return FALSE;
            }
          i++;
          break;

        case ']':
        case '}':
          if (depth > 0)
            depth--;
          i++;
          break;

        case '"':
          for (i++; i < length && data[i] != '"'; i++)
            {
              if (data[i] == '\n')
                line++;
              if (data[i] != '\\' || i + 1 >= length)
                continue;
              i++;
              if (data[i] == 'u' && i + 4 < length && strncmp (data + i + 1, "0000", 4) == 0)
                {
                  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT,
                               _("text contains a NUL character (\\u0000) (line %u)"), line);
                  return FALSE;
                }
            }
          i++;
          break;

        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          {
            gsize start = i;

            while (i < length && (g_ascii_isdigit (data[i]) || strchr ("+-.eE", data[i]) != NULL))
              i++;
            if (!check_number (data + start, i - start, line, error))
              return FALSE;
          }
          break;

        default:
          i++;
          break;
        }
    }

  return TRUE;
}

/**
 * np_json_escape_output:
 * @json: (transfer full): JSON written by json-glib
 *
 * Returns: (transfer full): @json with every raw U+001F escaped. That byte can only stand inside
 *   a string and never inside a multi-byte UTF-8 sequence, so this is safe with any version.
 */
char *
np_json_escape_output (char *json)
{
  GString *fixed;

  if (strchr (json, 0x1f) == NULL)
    return json;

  fixed = g_string_sized_new (strlen (json) + 16);
  for (const char *p = json; *p != '\0'; p++)
    {
      if (*p == 0x1f)
        g_string_append (fixed, "\\u001f");
      else
        g_string_append_c (fixed, *p);
    }
  g_free (json);

  return g_string_free (fixed, FALSE);
}
