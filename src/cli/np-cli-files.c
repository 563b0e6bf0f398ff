/* netpoke-cli: --send-file (like `nc -N < FILE`) and --save-messages DIR */
#define G_LOG_DOMAIN "netpoke-cli"

#include "np-cli.h"
#include "np-error.h"

/**
 * np_cli_files_option_group:
 * Returns: (transfer full): the file options, shown with the main ones
 */
GOptionGroup *
np_cli_files_option_group (NpCliFiles *files)
{
  GOptionGroup *group = g_option_group_new ("files", "Files:", "Show file options", files, NULL);
  const GOptionEntry entries[] = {
    { "send-file", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_FILENAME, &files->send_file,
      "Send a file instead of standard input, then half-close and exit when the peer closes "
      "(TCP; a server sends it to its first client); one message with a length-prefixed --framing", "PATH" },
    { "save-messages", 0, G_OPTION_FLAG_IN_MAIN, G_OPTION_ARG_FILENAME, &files->save_folder,
      "Write each received message to its own file in DIR (named by time, peer and sequence; "
      ".png, .jpg, … from its first bytes)", "DIR" },
    { NULL }
  };

  g_option_group_add_entries (group, entries);
  return group;
}

static gboolean
refuse (GError     **error,
        const char  *message)
{
  g_set_error_literal (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

/* Saving stopped (disk full, folder not writable): said at once; the connection goes on, and
 * the exit code says so at the end. */
static void
on_save_failed (NpMessageSaver *saver,
                const char     *message,
                gpointer        user_data)
{
  NpCliFiles *files = user_data;

  g_printerr ("netpoke-cli: %s\n", message);
  files->save_failed = TRUE;
}

/* Checks the file options against the mode before anything starts. */
gboolean
np_cli_files_configure (NpCliFiles        *files,
                        NpEndpointConfig  *config,
                        GError           **error)
{
  gboolean messages = config->mode != NP_MODE_HTTP_CLIENT
                      && (config->mode != NP_MODE_HTTP_SERVER || config->ws_path != NULL);

  if (files->send_file != NULL)
    {
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!messages || config->mode == NP_MODE_HTTP_SERVER)
        return refuse (error, "--send-file applies to tcp-client, tcp-server, udp, ws and ws-server "
                              "(http takes --data-file)");
      if (config->mode == NP_MODE_UDP && config->host == NULL)
        return refuse (error, "--send-file over udp needs --to HOST:PORT");

      files->file = g_file_new_for_commandline_arg (files->send_file);
      info = g_file_query_info (files->file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE, NULL,
                                &local_error);
      if (info == NULL)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "--send-file %s: %s", files->send_file,
                       local_error->message);
          return FALSE;
        }
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID_ARGUMENT, "--send-file %s: not a regular file",
                       files->send_file);
          return FALSE;
        }
    }

  if (files->save_folder != NULL)
    {
      g_autoptr(GFile) folder = NULL;

      if (!messages)
        return refuse (error, "--save-messages applies to messages: TCP, UDP and WebSocket");
      folder = g_file_new_for_commandline_arg (files->save_folder);
      files->saver = np_message_saver_new (folder, error);
      if (files->saver == NULL)
        return FALSE;
      g_signal_connect (files->saver, "failed", G_CALLBACK (on_save_failed), files);
    }

  return TRUE;
}

static void
send_file (NpCli   *cli,
           guint64  receiver)
{
  cli->files.started = TRUE;
  cli->files.receiver = receiver;
  np_engine_send_file (cli->engine, cli->endpoint_id, receiver != 0 ? &receiver : NULL, receiver != 0,
                       cli->files.file, TRUE);
}

static void
stop (NpCli *cli)
{
  if (!cli->stopping)
    {
      cli->stopping = TRUE;
      np_engine_stop (cli->engine, cli->endpoint_id);
    }
}

/* Saves each message; sends the file when there is someone to send it to, and ends the run
 * when it is over: a TCP peer closed after our half-close, or the datagram or message went. */
void
np_cli_files_on_event (NpCli   *cli,
                       NpEvent *event)
{
  NpCliFiles *files = &cli->files;
  gboolean tcp = cli->mode == NP_MODE_TCP_CLIENT || cli->mode == NP_MODE_TCP_SERVER;

  if (files->saver != NULL)
    np_message_saver_add (files->saver, event);

  if (files->file == NULL || event->endpoint_id != cli->endpoint_id)
    return;

  switch (event->kind)
    {
    case NP_EVENT_LISTENING:
      if (cli->mode == NP_MODE_UDP && !files->started)
        send_file (cli, 0);
      break;

    case NP_EVENT_CONNECTED:
      /* A server sends to its first client, as `nc -l -N < FILE` does. */
      if (!files->started)
        send_file (cli, np_cli_is_client (cli->mode) ? 0 : event->peer_id);
      break;

    case NP_EVENT_FILE:
      if (event->failed)
        {
          g_printerr ("netpoke-cli: %s\n", event->message);
          cli->exit_code = EXIT_RUNTIME;
          stop (cli);
        }
      break;

    case NP_EVENT_SENT:
      if (event->file == NULL)
        break;
      files->sent = TRUE;
      /* TCP half-closed after the last byte: the peer's close ends the run. A datagram or a
       * WebSocket message has no such end: it went, so the run is over. */
      if (!tcp)
        stop (cli);
      break;

    case NP_EVENT_ERROR:
      /* A datagram or message the system refused (said on standard error): the file did not
       * go, whatever else was reported. */
      if (files->started && !tcp)
        {
          cli->exit_code = EXIT_RUNTIME;
          stop (cli);
        }
      break;

    case NP_EVENT_DISCONNECTED:
      if (files->started && event->peer_id == files->receiver && !np_cli_is_client (cli->mode))
        {
          if (!files->sent)
            cli->exit_code = EXIT_RUNTIME;
          stop (cli);
        }
      break;

    default:
      break;
    }
}

/* At exit: every message queued is on disk (or why not was said). */
void
np_cli_files_finish (NpCli *cli)
{
  if (cli->files.saver == NULL)
    return;

  np_message_saver_close (cli->files.saver);
  if (cli->files.save_failed && cli->exit_code == 0)
    cli->exit_code = EXIT_RUNTIME;
}

void
np_cli_files_clear (NpCliFiles *files)
{
  g_clear_pointer (&files->send_file, g_free);
  g_clear_pointer (&files->save_folder, g_free);
  g_clear_object (&files->file);
  g_clear_object (&files->saver);
}
