/* np-cli-files.h: netpoke-cli's files: --send-file and --save-messages */
#pragma once

#include "np-endpoint-config.h"
#include "np-message-saver.h"

G_BEGIN_DECLS

typedef struct
{
  char            *send_file;      /* option */
  char            *save_folder;    /* option */
  GFile           *file;
  NpMessageSaver  *saver;
  guint64          receiver;       /* server: the client the file goes to; 0: none yet */
  gboolean         started;
  gboolean         sent;           /* the SENT event came: every byte is handed over */
  gboolean         save_failed;
} NpCliFiles;

GOptionGroup *np_cli_files_option_group (NpCliFiles        *files);
gboolean      np_cli_files_configure    (NpCliFiles        *files,
                                         NpEndpointConfig  *config,
                                         GError           **error);
void          np_cli_files_clear        (NpCliFiles        *files);

G_END_DECLS
