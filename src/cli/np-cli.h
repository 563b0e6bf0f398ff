/* np-cli.h: netpoke-cli's state, shared by its files
 *
 * np-cli.c runs the engine and reacts to events; np-cli-options.c parses the command line;
 * np-cli-input.c sends standard input; np-cli-rules.c and np-cli-files.c hold the reply-rule
 * and file options (np-cli-web.c the web ones, np-cli-socket.c UDP and TCP ones);
 * np-cli-printer.c shows events.
 */
#pragma once

#include <gio/gio.h>

#include "np-capture.h"
#include "np-cli-files.h"
#include "np-cli-printer.h"
#include "np-cli-rules.h"
#include "np-cli-socket.h"
#include "np-cli-web.h"
#include "np-engine.h"

G_BEGIN_DECLS

#define EXIT_RUNTIME 1
#define EXIT_USAGE   2

typedef struct _NpCli
{
  NpMode              mode;
  NpEndpointConfig   *config;
  NpCliPrinter        printer;
  NpFormat            input_format;
  gboolean            stats;
  NpCapture          *capture;
  NpCliWeb            web;
  NpCliRules          rules;
  NpCliFiles          files;
  NpCliSocket         socket;

  NpEngine           *engine;
  guint               endpoint_id;
  GMainLoop          *loop;
  int                 exit_code;
  gboolean            stopping;
  gint64              started_us;
  NpEvent            *final;          /* the STOPPED event: totals */

  GInputStream       *input;
  GByteArray         *input_pending;  /* read, not yet a complete line */
  GCancellable       *input_cancellable;
  gboolean            input_reading;
  gboolean            input_eof;
  gboolean            input_paced;    /* the last lines sent have not left room yet (DRAINED) */
  guint               n_connected;    /* server: clients; client: 0/1 */
  gboolean            bound;
  gboolean            heard_peer;     /* udp */
  gboolean            peer_finished;  /* tcp-client: the server finished sending (EOF) */
} NpCli;

/* np-cli-options.c */
gboolean np_cli_parse_options   (NpCli      *cli,
                                 int         argc,
                                 char      **argv);
gboolean np_cli_usage_error     (NpCli      *cli,
                                 const char *message);
gboolean np_cli_refuse          (GError    **error,
                                 const char *option,
                                 const char *where);
gboolean np_cli_is_client       (NpMode      mode);
gboolean np_cli_is_websocket    (NpCli      *cli);

/* np-cli-files.c */
void     np_cli_files_on_event  (NpCli      *cli,
                                 NpEvent    *event);
void     np_cli_files_finish    (NpCli      *cli);
/* np-cli.c */
void     np_cli_finish_when_both_done (NpCli *cli);

/* np-cli-input.c */
void     np_cli_input_init      (NpCli      *cli);
void     np_cli_read_input      (NpCli      *cli);
void     np_cli_input_clear     (NpCli      *cli);

G_END_DECLS
