/* np-cli-web.h: netpoke-cli's options for the web modes (http-server, http, ws-server, ws) */
#pragma once

#include "np-endpoint-config.h"

G_BEGIN_DECLS

typedef struct
{
  NpMode      mode;
  char       *url;
  char       *method;
  char       *data;
  char       *data_file;
  char       *root;
  char       *ws_path;
  char       *ping;
  gboolean    binary;
  gboolean    insecure;
  GPtrArray  *routes;    /* NpHttpRoute*, in command-line order */
  GPtrArray  *headers;   /* "Name: value": request headers (http, ws) */
} NpCliWeb;

GOptionGroup *np_cli_web_option_group (NpCliWeb          *web);
gboolean      np_cli_web_configure    (NpCliWeb          *web,
                                       NpEndpointConfig  *config,
                                       GError           **error);
void          np_cli_web_clear        (NpCliWeb          *web);

G_END_DECLS
