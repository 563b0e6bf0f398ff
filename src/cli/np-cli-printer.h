/* np-cli-printer.h: how netpoke-cli shows events on a terminal or to a script */
#pragma once

#include "np-codec.h"
#include "np-event.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean    json;       /* one JSON object per line */
  gboolean    data;       /* print received/sent lines (off with --stats / --quiet) */
  gboolean    quiet;      /* only errors */
  NpFormat    display;    /* escapes or hex for human output */
  NpEncoding  encoding;
  NpEncoding  reply_encoding; /* of reply rules' answers */
} NpCliPrinter;

void np_cli_printer_print (const NpCliPrinter *printer,
                           const NpEvent      *event,
                           GString            *out);

G_END_DECLS
