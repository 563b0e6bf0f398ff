/* np-bench-send-loop: the floor of a TCP broadcast, for build-aux/dev bench
 *
 *   np-bench-send-loop PORT N
 *     listens on 127.0.0.1:PORT, accepts N clients (TCP_NODELAY, as Netpoke), then for every
 *     read of standard input calls send() once per client, in the order they were accepted.
 *
 * No event loop, no queue, no counters: what one system call per client costs the kernel at
 * that many sockets, which no broadcaster that writes each client its own stream can go under.
 * Every send must take the whole buffer (the bench sends far less than a socket buffer);
 * otherwise it exits with an error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  static char buffer[1 << 20];
  struct sockaddr_in address = { .sin_family = AF_INET };
  struct rlimit limit;
  int listener, n, one = 1, *clients;
  ssize_t length;

  if (argc != 3)
    {
      fprintf (stderr, "usage: np-bench-send-loop PORT N\n");
      return 2;
    }
  n = atoi (argv[2]);
  address.sin_port = htons (atoi (argv[1]));
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }

  listener = socket (AF_INET, SOCK_STREAM, 0);
  setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  clients = calloc ((size_t) n, sizeof *clients);
  if (listener < 0 || clients == NULL || bind (listener, (struct sockaddr *) &address, sizeof address) != 0
      || listen (listener, 4096) != 0)
    {
      perror ("np-bench-send-loop: listen");
      return 1;
    }
  for (int i = 0; i < n; i++)
    {
      clients[i] = accept (listener, NULL, NULL);
      if (clients[i] < 0)
        {
          perror ("np-bench-send-loop: accept");
          return 1;
        }
      setsockopt (clients[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }

  while ((length = read (STDIN_FILENO, buffer, sizeof buffer)) > 0)
    for (int i = 0; i < n; i++)
      if (send (clients[i], buffer, (size_t) length, MSG_DONTWAIT | MSG_NOSIGNAL) != length)
        {
          perror ("np-bench-send-loop: send");
          return 1;
        }
  return 0;
}
