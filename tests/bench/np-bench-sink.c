/* np-bench-sink: the receiving side of build-aux/dev bench, in C so that the thing measured is
 * the sender, not the reader.
 *
 *   np-bench-sink tcp PORT N EXPECTED_FILE
 *     connects N clients to 127.0.0.1:PORT, prints "connected", then reads every client until
 *     it has received the whole of EXPECTED_FILE, checking every byte in order.
 *   np-bench-sink udp PORT N EXPECTED_FILE
 *     binds N sockets on 127.0.0.1, prints "ports P1 P2 …" (and, when PORT is not 0, first sends
 *     "hi" from each to 127.0.0.1:PORT so that a UDP endpoint hears them), then reads until
 *     every socket has received each line of EXPECTED_FILE as one datagram, in order.
 *
 * Then it waits for a line on standard input ("go") before it starts reading. Either way it ends
 * with one line: "done COMPLETE BAD LAST_NS", where COMPLETE counts the
 * clients/sockets that got everything, BAD those that got something else, and LAST_NS is
 * CLOCK_MONOTONIC (what Python's time.monotonic() reads) when the last byte arrived. It gives up
 * 60 s after "connected"/"ports". While it waits it polls without sleeping, yielding the CPU to
 * anything else that wants it (busy for the length of a round). Loopback only; every wait is
 * bounded.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define GIVE_UP_NS   (60LL * 1000000000LL)
#define BATCH        64
#define DATAGRAM_MAX 65536

typedef struct
{
  int     fd;
  size_t  offset;   /* tcp: bytes checked; udp: datagrams checked */
  int     bad;
  int     done;
} Peer;

static char   *expected;
static size_t  expected_length;
static size_t *line_starts;        /* udp: where each line (datagram) starts; one more at the end */
static size_t  n_lines;

static long long
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
die (const char *what)
{
  fprintf (stderr, "np-bench-sink: %s: %s\n", what, strerror (errno));
  exit (1);
}

static void
load_expected (const char *path)
{
  FILE *file = fopen (path, "rb");

  if (file == NULL || fseek (file, 0, SEEK_END) != 0)
    die (path);
  expected_length = (size_t) ftell (file);
  rewind (file);
  expected = malloc (expected_length + 1);
  if (expected == NULL || fread (expected, 1, expected_length, file) != expected_length)
    die (path);
  fclose (file);

  line_starts = malloc ((expected_length + 2) * sizeof *line_starts);
  line_starts[0] = 0;
  for (size_t i = 0; i < expected_length; i++)
    if (expected[i] == '\n')
      line_starts[++n_lines] = i + 1;
}

static struct sockaddr_in
loopback (int port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  return address;
}

static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

/* Reads what one TCP client has; returns 1 when it has just got everything. */
static int
read_stream (Peer *peer, char *buffer, size_t size)
{
  for (;;)
    {
      ssize_t n = recv (peer->fd, buffer, size, MSG_DONTWAIT);

      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
      if (n <= 0)
        {
          peer->bad = 1;     /* closed or reset before everything came */
          return 1;
        }
      if (peer->offset + (size_t) n > expected_length
          || memcmp (expected + peer->offset, buffer, (size_t) n) != 0)
        peer->bad = 1;
      peer->offset += (size_t) n;
      if (peer->bad || peer->offset == expected_length)
        return 1;
    }
}

/* Reads what one UDP socket has, BATCH datagrams a call; returns 1 when it has just got all. */
static int
read_datagrams (Peer *peer, char *buffers)
{
  struct mmsghdr messages[BATCH];
  struct iovec vectors[BATCH];

  for (;;)
    {
      int n;

      for (int i = 0; i < BATCH; i++)
        {
          vectors[i] = (struct iovec) { buffers + (size_t) i * DATAGRAM_MAX, DATAGRAM_MAX };
          messages[i] = (struct mmsghdr) { .msg_hdr = { .msg_iov = &vectors[i], .msg_iovlen = 1 } };
        }
      n = recvmmsg (peer->fd, messages, BATCH, MSG_DONTWAIT, NULL);
      if (n < 0)
        return 0;
      for (int i = 0; i < n && !peer->bad; i++)
        {
          size_t line = peer->offset++;
          size_t length = line < n_lines ? line_starts[line + 1] - line_starts[line] : 0;

          if (line >= n_lines || messages[i].msg_len != length
              || memcmp (expected + line_starts[line], vectors[i].iov_base, length) != 0)
            peer->bad = 1;
        }
      if (peer->bad || peer->offset == n_lines)
        return 1;
    }
}

int
main (int argc, char **argv)
{
  int tcp, port, n, epoll_fd, left, complete = 0, bad = 0;
  long long deadline, last = 0;
  Peer *peers;
  char *buffer;

  if (argc != 5 || (strcmp (argv[1], "tcp") != 0 && strcmp (argv[1], "udp") != 0))
    {
      fprintf (stderr, "usage: np-bench-sink tcp|udp PORT N EXPECTED_FILE\n");
      return 2;
    }
  tcp = strcmp (argv[1], "tcp") == 0;
  port = atoi (argv[2]);
  n = atoi (argv[3]);
  load_expected (argv[4]);
  raise_file_limit ();

  peers = calloc ((size_t) n, sizeof *peers);
  buffer = malloc ((size_t) BATCH * DATAGRAM_MAX);
  epoll_fd = epoll_create1 (0);
  if (peers == NULL || buffer == NULL || epoll_fd < 0)
    die ("setup");

  if (!tcp)
    printf ("ports");
  for (int i = 0; i < n; i++)
    {
      struct sockaddr_in server = loopback (port);
      struct epoll_event event = { .events = EPOLLIN, .data.u32 = (uint32_t) i };

      peers[i].fd = socket (AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
      if (peers[i].fd < 0)
        die ("socket");
      if (tcp)
        {
          if (connect (peers[i].fd, (struct sockaddr *) &server, sizeof server) != 0)
            die ("connect");
        }
      else
        {
          struct sockaddr_in local = loopback (0);
          socklen_t length = sizeof local;
          int size = 8 * 1024 * 1024;

          /* Room for everything, so that nothing is dropped while this process waits its turn. */
          if (setsockopt (peers[i].fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
            setsockopt (peers[i].fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
          if (bind (peers[i].fd, (struct sockaddr *) &local, sizeof local) != 0
              || getsockname (peers[i].fd, (struct sockaddr *) &local, &length) != 0)
            die ("bind");
          printf (" %d", ntohs (local.sin_port));
          if (port != 0 && sendto (peers[i].fd, "hi", 2, 0, (struct sockaddr *) &server, sizeof server) != 2)
            die ("sendto");
        }
      if (epoll_ctl (epoll_fd, EPOLL_CTL_ADD, peers[i].fd, &event) != 0)
        die ("epoll_ctl");
    }
  printf (tcp ? "connected\n" : "\n");
  fflush (stdout);

  /* The bench says "go" just before it starts the clock (and the sender): from here on, poll. */
  if (fgets (buffer, 64, stdin) == NULL)
    return 1;

  deadline = now_ns () + GIVE_UP_NS;
  left = n;
  while (left > 0 && now_ns () < deadline)
    {
      struct epoll_event events[256];
      /* Polls without sleeping: a sleeping reader makes every send wake it (an IPI, costly in a
       * virtual machine), and that cost would be counted against the sender. */
      int ready = epoll_wait (epoll_fd, events, 256, 0);

      /* Nothing yet: let whatever else wants this CPU (the sender's other threads) run first. */
      if (ready == 0)
        sched_yield ();

      for (int e = 0; e < ready; e++)
        {
          Peer *peer = &peers[events[e].data.u32];

          if (peer->done)
            continue;
          if (tcp ? read_stream (peer, buffer, (size_t) BATCH * DATAGRAM_MAX) : read_datagrams (peer, buffer))
            {
              peer->done = 1;
              left--;
              last = now_ns ();
              complete += !peer->bad;
              bad += peer->bad;
              epoll_ctl (epoll_fd, EPOLL_CTL_DEL, peer->fd, NULL);
            }
        }
    }

  printf ("done %d %d %lld\n", complete, bad, last);
  fflush (stdout);

  /* The connections stay open until the bench has read the result and closes our input, so that
   * their closing is not part of what it measures. */
  while (fgets (buffer, 64, stdin) != NULL)
    ;
  return 0;
}
