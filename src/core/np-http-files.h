/* np-http-files.h: answering HTTP requests from a folder (engine thread only)
 *
 * Files go out in 64 KiB chunks read as the socket takes them (a firmware image costs no
 * more memory than a small page), with single byte ranges (206, 416) and HEAD; folders get
 * index.html or a listing. Nothing outside the folder is reachable: libsoup has already
 * resolved "." and ".." segments (encoded ones too) before the path gets here, and every path
 * is resolved with realpath() and refused with 403 when a symbolic link leads out.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

char *np_http_files_respond (SoupServerMessage *msg,
                             const char        *root,
                             const char        *path);

G_END_DECLS
