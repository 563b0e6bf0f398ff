/* np-cli-socket.h: netpoke-cli's options for the socket modes beyond address and port: UDP
 * broadcast and multicast; TCP reconnect, keep-alive, source port, client limit; TLS; where a
 * relay listens */
#pragma once

#include "np-endpoint-config.h"

G_BEGIN_DECLS

typedef struct
{
  NpMode      mode;

  /* udp */
  gboolean    broadcast;
  GPtrArray  *joins;            /* "GROUP[%IFACE]", in command-line order */
  char       *multicast_if;
  char       *ttl;
  gboolean    no_multicast_loop;

  /* tcp-client, tcp-server */
  gboolean    reconnect;
  char       *reconnect_max;
  char       *local_port;
  gboolean    keepalive;
  char       *max_clients;

  /* TLS */
  gboolean    tls;
  char       *cert;
  char       *key;
  char       *client_cert;
  char       *client_key;
  gboolean    insecure;
  gboolean    request_client_cert;

  /* relay */
  char       *listen;
  gboolean    udp;
} NpCliSocket;

GOptionGroup *np_cli_socket_option_group (NpCliSocket       *options);
GOptionGroup *np_cli_socket_tcp_group    (NpCliSocket       *options);
GOptionGroup *np_cli_socket_relay_group  (NpCliSocket       *options);
gboolean      np_cli_socket_configure    (NpCliSocket       *options,
                                          NpEndpointConfig  *config,
                                          GError           **error);
void          np_cli_socket_clear        (NpCliSocket       *options);

G_END_DECLS
