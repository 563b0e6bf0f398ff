/* netpoke-cli: a thin command-line front end over the Netpoke core, for scripts, tests and
 * benchmarks. Exit codes: 0 ok, 1 runtime error, 2 usage error. */
#define G_LOG_DOMAIN "netpoke-cli"

#include "config.h"

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "np-address.h"
#include "np-capture.h"
#include "np-cli-printer.h"
#include "np-cli-web.h"
#include "np-engine.h"
#include "np-error.h"
#include "np-event-json.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE   2

typedef struct
{
  NpMode              mode;
  NpEndpointConfig   *config;
  NpCliPrinter        printer;
  NpFormat            input_format;
  gboolean            stats;
  NpCapture          *capture;
  NpCliWeb            web;

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
  guint               n_connected;    /* server: clients; client: 0/1 */
  gboolean            bound;
  gboolean            heard_peer;     /* udp */
} NpCli;

static void read_input (NpCli *cli);

/* Standard input is read this much at a time; every complete line of one read goes to the
 * engine as one batch (one command, one wakeup, one gathered write per client). */
#define INPUT_CHUNK (64 * 1024)

/* ---- options ---------------------------------------------------------------------------- */

static const char usage_text[] =
  "Usage:\n"
  "  netpoke-cli tcp-server --port P [--bind ADDR] [OPTIONS]\n"
  "  netpoke-cli tcp-client --host H --port P [OPTIONS]\n"
  "  netpoke-cli udp [--port P] [--bind ADDR] [--to H:P] [OPTIONS]\n"
  "  netpoke-cli http-server --port P [--bind ADDR] [--root DIR] [--respond 'METHOD PATH=>STATUS BODY' ...]\n"
  "  netpoke-cli http --url URL [--method M] [--header 'K: V' ...] [--data TEXT | --data-file PATH]\n"
  "  netpoke-cli ws-server --port P [--bind ADDR] [--path /ws] [OPTIONS]\n"
  "  netpoke-cli ws --url ws://HOST:PORT/PATH [OPTIONS]\n"
  "\n"
  "Each line on standard input is sent: by the server to every client, by the client to the\n"
  "server, over UDP to --to or else to every peer heard from; over WebSocket as a text message\n"
  "(--binary: hex, as a binary message). Run a mode with --help for its options.\n";

static gboolean
usage_error (NpCli      *cli,
             const char *message)
{
  g_printerr ("netpoke-cli: %s\n", message);
  cli->exit_code = EXIT_USAGE;
  return FALSE;
}

/* The modes that report "connected to ADDR:PORT" on standard error. */
static gboolean
is_client (NpMode mode)
{
  return mode == NP_MODE_TCP_CLIENT || mode == NP_MODE_WS_CLIENT;
}

/* Where the mode's own options say where to go: checks the options that do not belong. */
static gboolean
check_endpoint_options (NpCli      *cli,
                        const char *port,
                        const char *host,
                        const char *to,
                        const char *bind)
{
  switch (cli->mode)
    {
    case NP_MODE_TCP_SERVER:
      if (port == NULL)
        return usage_error (cli, "tcp-server needs --port (0 picks any free port)");
      if (host != NULL || to != NULL)
        return usage_error (cli, "tcp-server takes --bind, not --host or --to");
      break;
    case NP_MODE_TCP_CLIENT:
      if (host == NULL || port == NULL)
        return usage_error (cli, "tcp-client needs --host and --port");
      if (to != NULL)
        return usage_error (cli, "tcp-client takes --host and --port, not --to");
      break;
    case NP_MODE_HTTP_SERVER:
    case NP_MODE_WS_SERVER:
      if (port == NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s needs --port (0 picks any free port)",
                                                      np_mode_to_string (cli->mode));
          return usage_error (cli, message);
        }
      break;
    case NP_MODE_HTTP_CLIENT:
    case NP_MODE_WS_CLIENT:
      if (port != NULL || bind != NULL)
        return usage_error (cli, "the host and port go into --url (e.g. --url http://192.0.2.10:8080/status)");
      break;
    case NP_MODE_UDP:
    default:
      if (host != NULL)
        return usage_error (cli, "udp takes --to HOST:PORT for its destination, not --host");
      break;
    }

  return TRUE;
}

static gboolean
parse_options (NpCli   *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *bind = NULL;
  g_autofree char *host = NULL;
  g_autofree char *to = NULL;
  g_autofree char *encoding = NULL;
  g_autofree char *format = NULL;
  g_autofree char *framing = NULL;
  g_autofree char *display = NULL;
  g_autofree char *capture = NULL;
  g_autofree char *max_message = NULL;
  g_autofree char *timeout = NULL;
  gboolean json = FALSE, echo = FALSE, stats = FALSE, quiet = FALSE;
  const char *mode = argv[1];
  g_autofree char *summary = NULL;
  guint64 value;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port, "Local port (servers, udp; 0 = any free) or remote port (tcp-client)", "P" },
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &bind, "Local IP address to bind (default: all, IPv4 and IPv6)", "ADDR" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "One JSON object per event on standard output", NULL },
    { "encoding", 'e', 0, G_OPTION_ARG_STRING, &encoding, "Character encoding: utf-8, gb18030, gbk, latin1", "ENC" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Format of standard input lines: text, hex, escapes", "FMT" },
    { "display", 'd', 0, G_OPTION_ARG_STRING, &display, "How data is shown: escapes (default) or hex", "FMT" },
    { "max-message", 0, 0, G_OPTION_ARG_STRING, &max_message, "Largest message a length header may announce, or HTTP body / WebSocket message kept (bytes, default 16777216)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &timeout, "Connect (and HTTP reply) timeout in milliseconds (clients, default 10000)", "MS" },
    { "echo", 0, 0, G_OPTION_ARG_NONE, &echo, "Send every received message back to its sender", NULL },
    { "stats", 's', 0, G_OPTION_ARG_NONE, &stats, "Count only: no data lines, totals at exit (for throughput)", NULL },
    { "capture", 'c', 0, G_OPTION_ARG_FILENAME, &capture, "Record every event as JSON lines in FILE", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only errors", NULL },
    { NULL }
  };
  GOptionEntry tcp_entries[] = {
    { "host", 'H', 0, G_OPTION_ARG_STRING, &host, "Host to connect to (tcp-client)", "H" },
    { "to", 't', 0, G_OPTION_ARG_STRING, &to, "Default destination (udp)", "H:P" },
    { "framing", 'F', 0, G_OPTION_ARG_STRING, &framing, "Message framing: raw, line, ascii16, u8, u16be, u16le, u32be, u32le", "KIND" },
    { NULL }
  };

  if (argc < 2 || g_str_equal (mode, "--help") || g_str_equal (mode, "-h") || g_str_equal (mode, "help"))
    {
      if (argc < 2)
        {
          g_printerr ("%s", usage_text);
          cli->exit_code = EXIT_USAGE;
        }
      else
        g_print ("%s", usage_text);
      return FALSE;
    }

  if (!np_mode_from_string (mode, &cli->mode))
    {
      g_autofree char *message =
        g_strdup_printf ("Unknown mode “%s” (use tcp-server, tcp-client, udp, http-server, http, ws-server or ws)", mode);
      return usage_error (cli, message);
    }

  context = g_option_context_new (NULL);
  summary = g_strdup_printf ("netpoke-cli %s: see netpoke-cli --help", mode);
  g_option_context_set_summary (context, summary);
  /* Each family shows (and takes) only its own options, all of them under --help. */
  cli->web.mode = cli->mode;
  if (NP_MODE_IS_WEB (cli->mode))
    g_option_context_set_main_group (context, np_cli_web_option_group (&cli->web));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!NP_MODE_IS_WEB (cli->mode))
    g_option_context_add_main_entries (context, tcp_entries, NULL);
  argv[1] = g_strdup_printf ("netpoke-cli %s", mode);   /* shown as the program name in --help */
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (cli, error->message);
  if (argc > 2)
    {
      g_autofree char *message = g_strdup_printf ("Unexpected argument “%s”", argv[2]);
      return usage_error (cli, message);
    }

  cli->config = np_endpoint_config_new (cli->mode);
  cli->printer.display = NP_FORMAT_ESCAPES;

  if (!check_endpoint_options (cli, port, host, to, bind))
    return FALSE;

  if (port != NULL)
    {
      guint16 *target = cli->mode == NP_MODE_TCP_CLIENT ? &cli->config->remote_port : &cli->config->port;

      if (!np_address_parse_port (port, cli->mode == NP_MODE_TCP_CLIENT ? 1 : 0, target, &error))
        return usage_error (cli, error->message);
    }

  if (bind != NULL)
    {
      g_autoptr(GInetAddress) inet = np_address_parse_ip (bind, &error);

      if (inet == NULL)
        return usage_error (cli, error->message);
      cli->config->bind_address = g_strdup (bind);
    }

  if (host != NULL)
    {
      if (*host == '\0')
        return usage_error (cli, "--host is empty");
      /* Accept [::1] as people paste it from URLs. */
      if (host[0] == '[' && host[strlen (host) - 1] == ']')
        cli->config->host = g_strndup (host + 1, strlen (host) - 2);
      else
        cli->config->host = g_strdup (host);
    }

  if (to != NULL && !np_address_split (to, &cli->config->host, &cli->config->remote_port, &error))
    return usage_error (cli, error->message);

  if (NP_MODE_IS_WEB (cli->mode) && !np_cli_web_configure (&cli->web, cli->config, &error))
    return usage_error (cli, error->message);

  if (encoding != NULL && !np_encoding_from_string (encoding, &cli->printer.encoding, &error))
    return usage_error (cli, error->message);

  /* WebSocket input: text lines as text messages, or hex as binary ones. */
  cli->input_format = cli->web.binary ? NP_FORMAT_HEX : NP_FORMAT_TEXT;
  if (format != NULL && !np_format_from_string (format, &cli->input_format, &error))
    return usage_error (cli, error->message);

  if (display != NULL)
    {
      if (!np_format_from_string (display, &cli->printer.display, &error))
        return usage_error (cli, error->message);
      if (cli->printer.display == NP_FORMAT_TEXT)
        return usage_error (cli, "--display text would send control characters to the terminal; "
                                 "use escapes or hex (or --json for the raw text)");
    }

  if (framing != NULL)
    {
      cli->config->framer = np_framer_new_from_string (framing, &error);
      if (cli->config->framer == NULL)
        return usage_error (cli, error->message);
      if (cli->mode == NP_MODE_UDP && np_framer_get_kind (cli->config->framer) != NP_FRAMING_RAW)
        return usage_error (cli, "--framing applies to TCP streams; a UDP datagram is already one message");
    }

  if (max_message != NULL)
    {
      if (!g_ascii_string_to_unsigned (max_message, 10, 1, G_MAXUINT32, &value, NULL))
        {
          g_autofree char *message =
            g_strdup_printf ("--max-message “%s” must be a number of bytes (1–%u)", max_message, G_MAXUINT32);
          return usage_error (cli, message);
        }
      if (NP_MODE_IS_WEB (cli->mode))
        cli->config->max_body_size = value;
      else
        {
          if (cli->config->framer == NULL)
            cli->config->framer = np_framer_new (NP_FRAMING_RAW, 0);
          np_framer_set_max_message (cli->config->framer, value);
        }
    }

  if (timeout != NULL)
    {
      if (!g_ascii_string_to_unsigned (timeout, 10, 1, 3600000, &value, NULL))
        {
          g_autofree char *message =
            g_strdup_printf ("--timeout “%s” must be milliseconds (1–3600000)", timeout);
          return usage_error (cli, message);
        }
      cli->config->connect_timeout_ms = value;
    }

  if (echo && (cli->mode == NP_MODE_HTTP_CLIENT || (cli->mode == NP_MODE_HTTP_SERVER && cli->config->ws_path == NULL)))
    return usage_error (cli, "--echo applies to messages: TCP, UDP and WebSocket (ws-server, ws)");

  if (capture != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (capture);

      cli->capture = np_capture_new (file, cli->printer.encoding, &error);
      if (cli->capture == NULL)
        {
          g_printerr ("netpoke-cli: %s\n", error->message);
          cli->exit_code = EXIT_RUNTIME;
          return FALSE;
        }
    }

  cli->config->echo = echo;
  cli->config->count_only = stats;
  /* Per-client counter snapshots only where something shows them. */
  cli->config->publish_counters = (json && !stats && !quiet) || capture != NULL;
  cli->stats = stats;
  cli->printer.json = json;
  cli->printer.quiet = quiet;
  cli->printer.data = !stats && !quiet;

  return TRUE;
}

/* ---- standard input --------------------------------------------------------------------- */

/* Lines are read only while they have somewhere to go, so a script's input waits in the pipe
 * for the first client instead of being refused. */
static gboolean
input_has_target (NpCli *cli)
{
  if (!cli->bound || cli->stopping)
    return FALSE;

  switch (cli->mode)
    {
    case NP_MODE_TCP_SERVER:
    case NP_MODE_TCP_CLIENT:
    case NP_MODE_WS_SERVER:
    case NP_MODE_WS_CLIENT:
      return cli->n_connected > 0;
    case NP_MODE_HTTP_SERVER:
      return cli->config->ws_path != NULL && cli->n_connected > 0;
    case NP_MODE_HTTP_CLIENT:
      return FALSE;   /* the request went out with its body when the endpoint started */
    case NP_MODE_UDP:
    default:
      return cli->config->host != NULL || cli->heard_peer;
    }
}

static gboolean
is_websocket (NpCli *cli)
{
  return cli->mode == NP_MODE_WS_SERVER || cli->mode == NP_MODE_WS_CLIENT
         || (cli->mode == NP_MODE_HTTP_SERVER && cli->config->ws_path != NULL);
}

/* Returns: (transfer full) (nullable): the line as a message (the engine frames it), or %NULL when it
 *   cannot be sent (said on standard error) */
static GBytes *
encode_line (NpCli      *cli,
             const char *line,
             gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new_len (line, length);
  GBytes *payload;
  NpFramingKind framing = cli->config->framer != NULL
                          ? np_framer_get_kind (cli->config->framer) : NP_FRAMING_RAW;

  /* A text line goes out as a line, as nc sends it; with a length header the header already
   * delimits it. Hex and escapes send exactly what was written. A WebSocket message is
   * delimited by the protocol: the line without its newline, and text is UTF-8 whatever
   * --encoding says. */
  if (cli->input_format == NP_FORMAT_TEXT && !is_websocket (cli)
      && (framing == NP_FRAMING_RAW || framing == NP_FRAMING_LINE))
    g_string_append_c (text, '\n');

  payload = np_codec_encode (text->str, text->len, cli->input_format,
                             is_websocket (cli) && !cli->web.binary ? NP_ENCODING_UTF8 : cli->printer.encoding,
                             &error);
  if (payload == NULL)
    g_printerr ("netpoke-cli: not sent: %s\n", error->message);

  /* The engine adds the framing header (as for echo and the window). */
  return payload;
}

/* Sends every complete line waiting in input_pending (and, at end of input, the unfinished
 * last one) as one batch. */
static void
send_pending_lines (NpCli    *cli,
                    gboolean  at_end)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *data = (const char *) cli->input_pending->data;
  gsize length = cli->input_pending->len;
  gsize start = 0;

  for (;;)
    {
      /* Nothing read yet is an empty array with no data at all: memchr must not see it. */
      const char *newline = start < length ? memchr (data + start, '\n', length - start) : NULL;
      gsize end = newline != NULL ? (gsize) (newline - data) : length;
      GBytes *message;

      if (newline == NULL && (!at_end || start == length))
        break;

      message = encode_line (cli, data + start, end - start);
      if (message != NULL)
        g_ptr_array_add (messages, message);
      start = newline != NULL ? end + 1 : length;
    }
  g_byte_array_remove_range (cli->input_pending, 0, start);

  if (messages->len > 0)
    {
      g_autoptr(NpSendBatch) batch = np_send_batch_new ((GBytes * const *) messages->pdata, messages->len);
      NpMessageType type = !is_websocket (cli) ? NP_MESSAGE_BYTES
                           : cli->web.binary ? NP_MESSAGE_BINARY : NP_MESSAGE_TEXT;

      np_engine_send_batch_as (cli->engine, cli->endpoint_id, NULL, 0, batch, type);
    }
}

static void
on_input_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  NpCli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  cli->input_reading = FALSE;

  if (chunk == NULL || g_bytes_get_size (chunk) == 0)
    {
      if (error != NULL)
        g_printerr ("netpoke-cli: cannot read standard input: %s\n", error->message);
      /* EOF: the last line may lack its newline. Keep running until SIGINT/SIGTERM, like a
       * server should. */
      send_pending_lines (cli, TRUE);
      cli->input_eof = TRUE;
      return;
    }

  g_byte_array_append (cli->input_pending, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  send_pending_lines (cli, FALSE);
  read_input (cli);
}

static void
read_input (NpCli *cli)
{
  if (cli->input_reading || cli->input_eof || !input_has_target (cli))
    return;

  if (cli->input == NULL)
    {
      cli->input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      cli->input_pending = g_byte_array_new ();
      cli->input_cancellable = g_cancellable_new ();
    }

  cli->input_reading = TRUE;
  g_input_stream_read_bytes_async (cli->input, INPUT_CHUNK, G_PRIORITY_DEFAULT, cli->input_cancellable,
                                   on_input_read, cli);
}

/* ---- events ----------------------------------------------------------------------------- */

static void
track_state (NpCli   *cli,
             NpEvent *event)
{
  switch (event->kind)
    {
    case NP_EVENT_LISTENING:
      /* Scripts wait for this line; the real port is in it when 0 was asked for. */
      g_printerr ("listening on %s\n", event->peer);
      cli->bound = TRUE;
      break;

    case NP_EVENT_CONNECTED:
      if (is_client (cli->mode))
        {
          if (cli->mode == NP_MODE_WS_CLIENT)
            g_printerr ("connected to %s (%s)\n", cli->config->url, event->peer);
          else
            g_printerr ("connected to %s\n", event->peer);
          cli->bound = TRUE;
        }
      cli->n_connected++;
      break;

    case NP_EVENT_DISCONNECTED:
      if (cli->n_connected > 0)
        cli->n_connected--;
      break;

    case NP_EVENT_RECEIVED:
      cli->heard_peer = TRUE;
      break;

    case NP_EVENT_STOPPED:
      if (event->endpoint_id == cli->endpoint_id)
        {
          g_clear_pointer (&cli->final, np_event_unref);
          cli->final = np_event_ref (event);
          if (event->failed)
            {
              g_printerr ("netpoke-cli: %s\n", event->message);
              cli->exit_code = EXIT_RUNTIME;
            }
          cli->stopping = TRUE;
          g_main_loop_quit (cli->loop);
        }
      break;

    case NP_EVENT_SENT:
    case NP_EVENT_ERROR:
    default:
      break;
    }
}

static void
on_events (GPtrArray *batch,
           gpointer   user_data)
{
  NpCli *cli = user_data;
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < batch->len; i++)
    {
      NpEvent *event = g_ptr_array_index (batch, i);
      g_autoptr(GError) error = NULL;

      if (cli->capture != NULL && !np_capture_write (cli->capture, event, &error))
        {
          g_printerr ("netpoke-cli: capture stopped: %s\n", error->message);
          g_clear_object (&cli->capture);
        }

      track_state (cli, event);

      /* Human mode: status lines that scripts wait for went to stderr already; errors go
       * there too, so standard output carries only the conversation. */
      if (!cli->printer.json)
        {
          if (event->kind == NP_EVENT_LISTENING
              || (event->kind == NP_EVENT_CONNECTED && is_client (cli->mode)))
            continue;
          if (event->kind == NP_EVENT_ERROR || (event->kind == NP_EVENT_STOPPED && event->failed))
            {
              g_autoptr(GString) line = g_string_new (NULL);

              if (event->kind == NP_EVENT_ERROR)
                {
                  np_cli_printer_print (&cli->printer, event, line);
                  g_printerr ("%s", line->str);
                }
              continue;
            }
        }

      np_cli_printer_print (&cli->printer, event, out);
    }

  /* One write per batch, not per event. A slow reader of our output slows this thread, the
   * event queue fills, and backpressure slows the peers: nothing is dropped. */
  if (out->len > 0)
    {
      fwrite (out->str, 1, out->len, stdout);
      fflush (stdout);
    }

  read_input (cli);
}

static gboolean
on_signal (gpointer user_data)
{
  NpCli *cli = user_data;

  if (cli->stopping)
    {
      g_main_loop_quit (cli->loop);   /* second signal: do not wait any longer */
      return G_SOURCE_CONTINUE;
    }

  cli->stopping = TRUE;
  if (cli->input_cancellable != NULL)
    g_cancellable_cancel (cli->input_cancellable);
  np_engine_stop (cli->engine, cli->endpoint_id);

  return G_SOURCE_CONTINUE;
}

static void
print_stats (NpCli *cli)
{
  double seconds = (g_get_monotonic_time () - cli->started_us) / (double) G_USEC_PER_SEC;
  const NpEvent *totals = cli->final;

  if (totals == NULL)
    return;

  if (cli->printer.json)
    g_print ("{\"event\":\"stats\",\"bytes_in\":%" G_GUINT64_FORMAT ",\"messages_in\":%" G_GUINT64_FORMAT
             ",\"bytes_out\":%" G_GUINT64_FORMAT ",\"messages_out\":%" G_GUINT64_FORMAT
             ",\"dropped\":%" G_GUINT64_FORMAT ",\"seconds\":%.3f}\n",
             totals->bytes_in, totals->messages_in, totals->bytes_out, totals->messages_out,
             totals->dropped, seconds);
  else
    g_print ("stats: in %" G_GUINT64_FORMAT " B / %" G_GUINT64_FORMAT " msg, out %" G_GUINT64_FORMAT
             " B / %" G_GUINT64_FORMAT " msg, %" G_GUINT64_FORMAT " dropped by the system, %.3f s\n",
             totals->bytes_in, totals->messages_in, totals->bytes_out, totals->messages_out,
             totals->dropped, seconds);
}

int
main (int    argc,
      char **argv)
{
  NpCli cli = { 0 };
  g_autoptr(GError) error = NULL;
  guint sigint_id, sigterm_id;

  setlocale (LC_ALL, "");
  /* A peer or a pipe that goes away is an event to report, not a reason to die. */
  signal (SIGPIPE, SIG_IGN);

  if (!parse_options (&cli, argc, argv))
    {
      g_clear_pointer (&cli.config, np_endpoint_config_free);
      g_clear_object (&cli.capture);
      np_cli_web_clear (&cli.web);
      return cli.exit_code;
    }

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.engine = np_engine_new (NULL, on_events, &cli, NULL);
  cli.started_us = g_get_monotonic_time ();
  cli.endpoint_id = np_engine_start (cli.engine, cli.config);

  sigint_id = g_unix_signal_add (SIGINT, on_signal, &cli);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &cli);

  g_main_loop_run (cli.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  if (cli.input_cancellable != NULL)
    g_cancellable_cancel (cli.input_cancellable);
  np_engine_shutdown (cli.engine);

  if (cli.stats)
    print_stats (&cli);

  if (cli.capture != NULL && !np_capture_close (cli.capture, &error))
    {
      g_printerr ("netpoke-cli: capture incomplete: %s\n", error->message);
      cli.exit_code = EXIT_RUNTIME;
    }

  g_clear_object (&cli.engine);
  g_clear_object (&cli.input);
  g_clear_pointer (&cli.input_pending, g_byte_array_unref);
  g_clear_object (&cli.input_cancellable);
  g_clear_object (&cli.capture);
  g_clear_pointer (&cli.final, np_event_unref);
  g_clear_pointer (&cli.config, np_endpoint_config_free);
  g_clear_pointer (&cli.loop, g_main_loop_unref);
  np_cli_web_clear (&cli.web);

  return cli.exit_code;
}
