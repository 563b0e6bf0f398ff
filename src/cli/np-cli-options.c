/* netpoke-cli: the command line, checked whole before anything starts */
#define G_LOG_DOMAIN "netpoke-cli"

#include <string.h>

#include "np-address.h"
#include "np-cli.h"
#include "np-error.h"

static const char usage_text[] =
  "Usage:\n"
  "  netpoke-cli tcp-server --port P [--bind ADDR] [--max-clients N] [--tls [--cert FILE --key FILE]] [OPTIONS]\n"
  "  netpoke-cli tcp-client --host H --port P [--reconnect] [--local-port P] [--tls [--insecure]] [OPTIONS]\n"
  "  netpoke-cli udp [--port P] [--bind ADDR] [--to H:P] [--broadcast] [--join GROUP[%IFACE] ...] [OPTIONS]\n"
  "  netpoke-cli http-server --port P [--bind ADDR] [--root DIR] [--respond 'METHOD PATH=>STATUS BODY' ...]\n"
  "  netpoke-cli http --url URL [--method M] [--header 'K: V' ...] [--data TEXT | --data-file PATH]\n"
  "  netpoke-cli ws-server --port P [--bind ADDR] [--path /ws] [OPTIONS]\n"
  "  netpoke-cli ws --url ws://HOST:PORT/PATH [OPTIONS]\n"
  "  netpoke-cli relay --listen [ADDR:]PORT --to HOST:PORT [--udp] [OPTIONS]\n"
  "\n"
  "Each line on standard input is sent: by the server to every client, by the client to the\n"
  "server, over UDP to --to or else to every peer heard from; over WebSocket as a text message\n"
  "(--binary: hex, as a binary message). Run a mode with --help for its options.\n";

gboolean
np_cli_usage_error (NpCli      *cli,
                    const char *message)
{
  g_printerr ("netpoke-cli: %s\n", message);
  cli->exit_code = EXIT_USAGE;
  return FALSE;
}

/* An option given to a mode it does not apply to. */
gboolean
np_cli_refuse (GError     **error,
               const char  *option,
               const char  *where)
{
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "%s applies to %s", option, where);
  return FALSE;
}

/* The modes that report "connected to ADDR:PORT" on standard error. */
gboolean
np_cli_is_client (NpMode mode)
{
  return mode == NP_MODE_TCP_CLIENT || mode == NP_MODE_WS_CLIENT;
}

/* The modes whose messages are WebSocket messages. */
gboolean
np_cli_is_websocket (NpCli *cli)
{
  return cli->mode == NP_MODE_WS_SERVER || cli->mode == NP_MODE_WS_CLIENT
         || (cli->mode == NP_MODE_HTTP_SERVER && cli->config->ws_path != NULL);
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
        return np_cli_usage_error (cli, "tcp-server needs --port (0 picks any free port)");
      if (host != NULL || to != NULL)
        return np_cli_usage_error (cli, "tcp-server takes --bind, not --host or --to");
      break;
    case NP_MODE_TCP_CLIENT:
      if (host == NULL || port == NULL)
        return np_cli_usage_error (cli, "tcp-client needs --host and --port");
      if (to != NULL)
        return np_cli_usage_error (cli, "tcp-client takes --host and --port, not --to");
      break;
    case NP_MODE_HTTP_SERVER:
    case NP_MODE_WS_SERVER:
      if (port == NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s needs --port (0 picks any free port)",
                                                      np_mode_to_string (cli->mode));
          return np_cli_usage_error (cli, message);
        }
      break;
    case NP_MODE_HTTP_CLIENT:
    case NP_MODE_WS_CLIENT:
      if (port != NULL || bind != NULL)
        return np_cli_usage_error (cli, "the host and port go into --url (e.g. --url http://192.0.2.10:8080/status)");
      break;
    case NP_MODE_RELAY:
    case NP_MODE_UDP_RELAY:
      if (cli->socket.listen == NULL || to == NULL)
        return np_cli_usage_error (cli, "relay needs --listen [ADDR:]PORT and --to HOST:PORT");
      if (port != NULL || bind != NULL || host != NULL)
        return np_cli_usage_error (cli, "relay takes --listen [ADDR:]PORT and --to HOST:PORT, not --port, --bind or --host");
      break;
    case NP_MODE_UDP:
    default:
      if (host != NULL)
        return np_cli_usage_error (cli, "udp takes --to HOST:PORT for its destination, not --host");
      break;
    }

  return TRUE;
}

gboolean
np_cli_parse_options (NpCli   *cli,
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
  gboolean json = FALSE, stats = FALSE, quiet = FALSE;
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
    { "stats", 's', 0, G_OPTION_ARG_NONE, &stats, "Count only: no data lines, totals at exit (for throughput)", NULL },
    { "capture", 'c', 0, G_OPTION_ARG_FILENAME, &capture, "Record every event as JSON lines in FILE", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only errors", NULL },
    { NULL }
  };
  GOptionEntry tcp_entries[] = {
    { "host", 'H', 0, G_OPTION_ARG_STRING, &host, "Host to connect to (tcp-client)", "H" },
    { "to", 't', 0, G_OPTION_ARG_STRING, &to, "Default destination (udp); the target (relay)", "H:P" },
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
        g_strdup_printf ("Unknown mode “%s” (use tcp-server, tcp-client, udp, http-server, http, ws-server, ws or relay)", mode);
      return np_cli_usage_error (cli, message);
    }

  context = g_option_context_new (NULL);
  summary = g_strdup_printf ("netpoke-cli %s: see netpoke-cli --help", mode);
  g_option_context_set_summary (context, summary);
  /* Each family shows (and takes) only its own options, all of them under --help. */
  cli->web.mode = cli->mode;
  if (NP_MODE_IS_WEB (cli->mode))
    g_option_context_set_main_group (context, np_cli_web_option_group (&cli->web));
  g_option_context_add_main_entries (context, entries, NULL);
  cli->socket.mode = cli->mode;
  if (!NP_MODE_IS_WEB (cli->mode))
    {
      g_option_context_add_main_entries (context, tcp_entries, NULL);
      g_option_context_add_group (context, np_cli_socket_option_group (&cli->socket));
      g_option_context_add_group (context, np_cli_socket_tcp_group (&cli->socket));
      g_option_context_add_group (context, np_cli_socket_relay_group (&cli->socket));
    }
  g_option_context_add_group (context, np_cli_rules_option_group (&cli->rules));
  g_option_context_add_group (context, np_cli_files_option_group (&cli->files));
  argv[1] = g_strdup_printf ("netpoke-cli %s", mode);   /* shown as the program name in --help */
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return np_cli_usage_error (cli, error->message);
  if (argc > 2)
    {
      g_autofree char *message = g_strdup_printf ("Unexpected argument “%s”", argv[2]);
      return np_cli_usage_error (cli, message);
    }

  /* relay --udp is the UDP relay (also spelled udp-relay). */
  if (cli->mode == NP_MODE_RELAY && cli->socket.udp)
    cli->socket.mode = cli->mode = NP_MODE_UDP_RELAY;
  cli->config = np_endpoint_config_new (cli->mode);
  cli->printer.display = NP_FORMAT_ESCAPES;

  if (!check_endpoint_options (cli, port, host, to, bind))
    return FALSE;

  if (port != NULL)
    {
      guint16 *target = cli->mode == NP_MODE_TCP_CLIENT ? &cli->config->remote_port : &cli->config->port;

      if (!np_address_parse_port (port, cli->mode == NP_MODE_TCP_CLIENT ? 1 : 0, target, &error))
        return np_cli_usage_error (cli, error->message);
    }

  if (bind != NULL)
    {
      g_autoptr(GInetAddress) inet = np_address_parse_ip (bind, &error);

      if (inet == NULL)
        return np_cli_usage_error (cli, error->message);
      cli->config->bind_address = g_strdup (bind);
    }

  if (host != NULL)
    {
      /* Accept [::1] as people paste it from URLs. */
      if (host[0] == '[' && host[strlen (host) - 1] == ']')
        cli->config->host = g_strndup (host + 1, strlen (host) - 2);
      else
        cli->config->host = g_strdup (host);
      if (cli->config->host[0] == '\0')
        return np_cli_usage_error (cli, "--host is empty");
    }

  if (to != NULL && !np_address_split (to, &cli->config->host, &cli->config->remote_port, &error))
    return np_cli_usage_error (cli, error->message);

  if (NP_MODE_IS_WEB (cli->mode) && !np_cli_web_configure (&cli->web, cli->config, &error))
    return np_cli_usage_error (cli, error->message);
  if (!NP_MODE_IS_WEB (cli->mode) && !np_cli_socket_configure (&cli->socket, cli->config, &error))
    return np_cli_usage_error (cli, error->message);

  if (encoding != NULL && !np_encoding_from_string (encoding, &cli->printer.encoding, &error))
    return np_cli_usage_error (cli, error->message);

  /* WebSocket input: text lines as text messages, or hex as binary ones. */
  cli->input_format = cli->web.binary ? NP_FORMAT_HEX : NP_FORMAT_TEXT;
  if (format != NULL && !np_format_from_string (format, &cli->input_format, &error))
    return np_cli_usage_error (cli, error->message);

  if (display != NULL)
    {
      if (!np_format_from_string (display, &cli->printer.display, &error))
        return np_cli_usage_error (cli, error->message);
      if (cli->printer.display == NP_FORMAT_TEXT)
        return np_cli_usage_error (cli, "--display text would send control characters to the terminal; "
                                 "use escapes or hex (or --json for the raw text)");
    }

  if (framing != NULL)
    {
      cli->config->framer = np_framer_new_from_string (framing, &error);
      if (cli->config->framer == NULL)
        return np_cli_usage_error (cli, error->message);
      if (cli->mode == NP_MODE_UDP && np_framer_get_kind (cli->config->framer) != NP_FRAMING_RAW)
        return np_cli_usage_error (cli, "--framing applies to TCP streams; a UDP datagram is already one message");
    }

  if (max_message != NULL)
    {
      if (!g_ascii_string_to_unsigned (max_message, 10, 1, G_MAXUINT32, &value, NULL))
        {
          g_autofree char *message =
            g_strdup_printf ("--max-message “%s” must be a number of bytes (1–%u)", max_message, G_MAXUINT32);
          return np_cli_usage_error (cli, message);
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

  if (timeout != NULL && !np_cli_is_client (cli->mode) && cli->mode != NP_MODE_HTTP_CLIENT)
    return np_cli_usage_error (cli, "--timeout is how long a client waits to connect (and for an HTTP "
                                    "reply); servers and udp do not take it");
  if (timeout != NULL)
    {
      if (!g_ascii_string_to_unsigned (timeout, 10, 1, 3600000, &value, NULL))
        {
          g_autofree char *message =
            g_strdup_printf ("--timeout “%s” must be milliseconds (1–3600000)", timeout);
          return np_cli_usage_error (cli, message);
        }
      cli->config->connect_timeout_ms = value;
    }

  if (!np_cli_rules_configure (&cli->rules, cli->config, cli->printer.encoding, &cli->printer.reply_encoding,
                               &error))
    return np_cli_usage_error (cli, error->message);

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
      np_capture_set_reply_encoding (cli->capture, cli->printer.reply_encoding);
    }

  if (!np_cli_files_configure (&cli->files, cli->config, &error))
    return np_cli_usage_error (cli, error->message);

  /* Saving needs each message's bytes, even when only totals are printed. */
  cli->config->count_only = stats && cli->files.saver == NULL;
  /* Per-client counter snapshots only where something shows them. */
  cli->config->publish_counters = (json && !stats && !quiet) || capture != NULL;
  cli->stats = stats;
  cli->printer.json = json;
  cli->printer.quiet = quiet;
  cli->printer.data = !stats && !quiet;
  cli->printer.fold_bulk = !np_cli_is_client (cli->mode);

  return TRUE;
}
