/* netpoke-cli: a thin command-line front end over the Netpoke core, for scripts, tests and
 * benchmarks. Exit codes: 0 ok, 1 runtime error, 2 usage error. */
#define G_LOG_DOMAIN "netpoke-cli"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "np-cli.h"

/* ---- events ----------------------------------------------------------------------------- */

/* A client whose server finished sending keeps sending what is typed (as ncat does); once
 * standard input has ended too, both directions are done and it exits 0. */
void
np_cli_finish_when_both_done (NpCli *cli)
{
  if (cli->mode != NP_MODE_TCP_CLIENT || !cli->peer_finished || !cli->input_eof || cli->stopping)
    return;

  cli->stopping = TRUE;
  np_engine_stop_with_reason (cli->engine, cli->endpoint_id,
                              "Finished: the server finished sending and standard input ended");
}

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
      if (np_cli_is_client (cli->mode))
        {
          if (cli->mode == NP_MODE_WS_CLIENT)
            g_printerr ("connected to %s (%s)\n", cli->config->url, event->peer);
          else if (event->tls != NULL)
            {
              g_autofree char *tls = np_tls_info_describe (event->tls);

              g_printerr ("connected to %s over %s\n", event->peer, tls);
            }
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

    case NP_EVENT_FINISHED:
      cli->peer_finished = TRUE;
      np_cli_finish_when_both_done (cli);
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

      /* Standard input's lines have left room: read on (below). Not a row, not captured. */
      if (event->kind == NP_EVENT_DRAINED)
        {
          cli->input_paced = FALSE;
          continue;
        }

      if (cli->capture != NULL && !np_capture_write (cli->capture, event, &error) && error != NULL)
        g_printerr ("netpoke-cli: capture stopped: %s\n", error->message);

      track_state (cli, event);
      np_cli_files_on_event (cli, event);

      /* Human mode: status lines that scripts wait for went to stderr already; errors go
       * there too, so standard output carries only the conversation. */
      if (!cli->printer.json)
        {
          /* Progress is for scripts and the window; a failure was said on standard error. */
          if (event->kind == NP_EVENT_FILE)
            continue;
          if (event->kind == NP_EVENT_LISTENING
              || (event->kind == NP_EVENT_CONNECTED && np_cli_is_client (cli->mode)))
            continue;
          if (event->kind == NP_EVENT_ERROR || event->kind == NP_EVENT_NOTICE
              || (event->kind == NP_EVENT_STOPPED && event->failed))
            {
              g_autoptr(GString) line = g_string_new (NULL);

              if (event->kind != NP_EVENT_STOPPED)
                {
                  np_cli_printer_print (&cli->printer, event, line);
                  g_printerr ("%s", line->str);
                }
              continue;
            }
        }

      np_cli_printer_print (&cli->printer, event, out);
    }

  if (cli->capture != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!np_capture_flush (cli->capture, &error) && error != NULL)
        g_printerr ("netpoke-cli: capture stopped: %s\n", error->message);
    }

  /* One write per batch, not per event. A slow reader of our output slows this thread, the
   * event queue fills, and backpressure slows the peers: nothing is dropped. */
  if (out->len > 0)
    {
      fwrite (out->str, 1, out->len, stdout);
      fflush (stdout);
    }

  np_cli_read_input (cli);
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

/* SIGUSR1: a server closes every client and keeps listening (the window's Disconnect All). */
static gboolean
on_disconnect_all (gpointer user_data)
{
  NpCli *cli = user_data;

  np_engine_disconnect_all (cli->engine, cli->endpoint_id);
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
  guint sigint_id, sigterm_id, sigusr1_id;

  setlocale (LC_ALL, "");
  /* A peer or a pipe that goes away is an event to report, not a reason to die. */
  signal (SIGPIPE, SIG_IGN);
  /* A file that reaches the size limit fails its write (EFBIG), which is reported, instead of
   * killing the process. */
  signal (SIGXFSZ, SIG_IGN);

  if (!np_cli_parse_options (&cli, argc, argv))
    {
      g_clear_pointer (&cli.config, np_endpoint_config_free);
      g_clear_object (&cli.capture);
      np_cli_web_clear (&cli.web);
      np_cli_rules_clear (&cli.rules);
      np_cli_files_clear (&cli.files);
      np_cli_socket_clear (&cli.socket);
      return cli.exit_code;
    }

  np_cli_input_init (&cli);
  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.engine = np_engine_new (NULL, on_events, &cli, NULL);
  cli.started_us = g_get_monotonic_time ();
  cli.endpoint_id = np_engine_start (cli.engine, cli.config);

  sigint_id = g_unix_signal_add (SIGINT, on_signal, &cli);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &cli);
  sigusr1_id = g_unix_signal_add (SIGUSR1, on_disconnect_all, &cli);

  g_main_loop_run (cli.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_source_remove (sigusr1_id);
  np_cli_input_clear (&cli);
  np_engine_shutdown (cli.engine);
  np_cli_files_finish (&cli);

  if (cli.stats)
    print_stats (&cli);

  if (cli.capture != NULL && !np_capture_close (cli.capture, &error))
    {
      g_printerr ("netpoke-cli: capture incomplete: %s\n", error->message);
      cli.exit_code = EXIT_RUNTIME;
    }

  g_clear_object (&cli.engine);
  g_clear_object (&cli.capture);
  g_clear_pointer (&cli.final, np_event_unref);
  g_clear_pointer (&cli.config, np_endpoint_config_free);
  g_clear_pointer (&cli.loop, g_main_loop_unref);
  np_cli_web_clear (&cli.web);
  np_cli_rules_clear (&cli.rules);
  np_cli_files_clear (&cli.files);
  np_cli_socket_clear (&cli.socket);

  return cli.exit_code;
}
