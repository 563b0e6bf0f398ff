/* np-web-options.h: what the HTTP and WebSocket modes need besides an address: the folder,
 * canned responses and WebSocket path of a server; the headers, body file and certificate
 * trust of a client. Shown in a popover of the endpoint bar. */
#pragma once

#include <adwaita.h>

#include "np-options-pane.h"

#include "np-endpoint-config.h"

G_BEGIN_DECLS

#define NP_TYPE_WEB_OPTIONS (np_web_options_get_type ())

G_DECLARE_FINAL_TYPE (NpWebOptions, np_web_options, NP, WEB_OPTIONS, NpOptionsPane)

gboolean    np_web_options_fill_config    (NpWebOptions      *self,
                                           NpEndpointConfig  *config,
                                           GError           **error);
GBytes     *np_web_options_load_body_file (NpWebOptions      *self,
                                           GError           **error);

char       *np_web_options_get_root       (NpWebOptions      *self);
void        np_web_options_set_root       (NpWebOptions      *self,
                                           const char        *root);
char       *np_web_options_get_ws_path    (NpWebOptions      *self);
void        np_web_options_set_ws_path    (NpWebOptions      *self,
                                           const char        *ws_path);
char       *np_web_options_get_routes     (NpWebOptions      *self);
void        np_web_options_set_routes     (NpWebOptions      *self,
                                           const char        *routes);
char       *np_web_options_get_headers    (NpWebOptions      *self);
void        np_web_options_set_headers    (NpWebOptions      *self,
                                           const char        *headers);
char       *np_web_options_get_body_file  (NpWebOptions      *self);
void        np_web_options_set_body_file  (NpWebOptions      *self,
                                           const char        *path);
gboolean    np_web_options_get_insecure   (NpWebOptions      *self);
void        np_web_options_set_insecure   (NpWebOptions      *self,
                                           gboolean           insecure);

G_END_DECLS
