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
  /* A server's human output: the clients a Stop or a Disconnect All closed are counted on that
   * operation's line, not a line each (--json keeps one event each) */
  gboolean    fold_bulk;
} NpCliPrinter;

void np_cli_printer_print (const NpCliPrinter *printer,
                           const NpEvent      *event,
                           GString            *out);

G_END_DECLS
