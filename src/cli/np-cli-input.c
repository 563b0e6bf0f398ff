/* netpoke-cli: standard input, line by line, to the endpoint's default targets, at the pace of
 * the slowest */
#define G_LOG_DOMAIN "netpoke-cli"

#include <gio/gunixinputstream.h>
#include <string.h>
#include <unistd.h>

#include "np-cli.h"

/* Standard input is read this much at a time; every complete line of one read goes to the
 * engine as one batch (one command, one wakeup, one gathered write per client). */
#define INPUT_CHUNK (64 * 1024)

/* The next read waits until every target has no more than this waiting (as a file does), so
 * input goes at the slowest client's pace, as with nc or socat, and memory stays bounded; a
 * typed line leaves at once all the same. A client that accepts nothing for 5 s is no longer
 * waited for (the engine then drops it). */
#define INPUT_ROOM (1024 * 1024)

/* Lines are read only while they have somewhere to go, so a script's input waits in the pipe
 * for the first client instead of being refused. */
static gboolean
input_has_target (NpCli *cli)
{
  /* --send-file sends the file instead. */
  if (cli->stopping || cli->files.file != NULL)
    return FALSE;

  /* --reconnect: what is typed while the connection is down waits for it in the client (up to
   * its send-queue limit), and the log says so. */
  if (cli->mode == NP_MODE_TCP_CLIENT && cli->config->reconnect)
    return TRUE;
  if (!cli->bound)
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
    case NP_MODE_RELAY:
    case NP_MODE_UDP_RELAY:
      return FALSE;   /* a relay passes on what its two sides send, nothing of its own */
    case NP_MODE_UDP:
    default:
      return cli->config->host != NULL || cli->heard_peer;
    }
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
  if (cli->input_format == NP_FORMAT_TEXT && !np_cli_is_websocket (cli)
      && (framing == NP_FRAMING_RAW || framing == NP_FRAMING_LINE))
    g_string_append_c (text, '\n');

  payload = np_codec_encode (text->str, text->len, cli->input_format,
                             np_cli_is_websocket (cli) && !cli->web.binary ? NP_ENCODING_UTF8 : cli->printer.encoding,
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
      NpMessageType type = !np_cli_is_websocket (cli) ? NP_MESSAGE_BYTES
                           : cli->web.binary ? NP_MESSAGE_BINARY : NP_MESSAGE_TEXT;

      np_engine_send_paced (cli->engine, cli->endpoint_id, NULL, 0, batch, type, INPUT_ROOM);
      cli->input_paced = TRUE;
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
      /* EOF: the last line may lack its newline. A server keeps running until SIGINT/SIGTERM;
       * a client until its server finished sending too. */
      send_pending_lines (cli, TRUE);
      cli->input_eof = TRUE;
      np_cli_finish_when_both_done (cli);
      return;
    }

  g_byte_array_append (cli->input_pending, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  send_pending_lines (cli, FALSE);
  np_cli_read_input (cli);
}

/* Made at start, not when the first client comes: GUnixInputStream needs a descriptor of its own
 * to check stdin (epoll), and by then a crowd of clients may have taken the last one (GIO aborts
 * when it cannot get it). */
void
np_cli_input_init (NpCli *cli)
{
  cli->input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  cli->input_pending = g_byte_array_new ();
  cli->input_cancellable = g_cancellable_new ();
}

void
np_cli_read_input (NpCli *cli)
{
  if (cli->input_reading || cli->input_paced || cli->input_eof || !input_has_target (cli))
    return;

  cli->input_reading = TRUE;
  g_input_stream_read_bytes_async (cli->input, INPUT_CHUNK, G_PRIORITY_DEFAULT, cli->input_cancellable,
                                   on_input_read, cli);
}

void
np_cli_input_clear (NpCli *cli)
{
  if (cli->input_cancellable != NULL)
    g_cancellable_cancel (cli->input_cancellable);
  g_clear_object (&cli->input);
  g_clear_pointer (&cli->input_pending, g_byte_array_unref);
  g_clear_object (&cli->input_cancellable);
}
