/* np-bench-pace: a paced UDP sender for build-aux/dev bench, in C so that the rate is the one
 * asked for, whatever the machine's load (a Python loop fell behind at 50,000/s).
 *
 *   np-bench-pace PORT RATE SECONDS SIZE
 *     sends RATE datagrams a second of SIZE bytes to 127.0.0.1:PORT for SECONDS, a slot every
 *     millisecond (sendmmsg), catching up when a slot came late; then prints one line:
 *     "sent N in S s" (N counts datagrams the kernel took). Loopback only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static long long
now_ns (void)
{
  struct timespec t;

  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int
main (int    argc,
      char **argv)
{
  struct sockaddr_in to = { .sin_family = AF_INET };
  struct mmsghdr messages[BATCH];
  struct iovec iov;
  char payload[65536];
  long long start, total, sent = 0;
  long rate, size;
  double seconds;
  int fd;

  if (argc != 5)
    {
      fprintf (stderr, "usage: np-bench-pace PORT RATE SECONDS SIZE\n");
      return 2;
    }
  to.sin_port = htons ((unsigned short) atoi (argv[1]));
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  rate = atol (argv[2]);
  seconds = atof (argv[3]);
  size = atol (argv[4]);
  if (rate <= 0 || seconds <= 0 || size <= 0 || size > (long) sizeof payload)
    {
      fprintf (stderr, "np-bench-pace: bad arguments\n");
      return 2;
    }
  total = (long long) (rate * seconds);

  fd = socket (AF_INET, SOCK_DGRAM, 0);
  if (fd < 0)
    {
      perror ("socket");
      return 1;
    }
  memset (payload, 'x', size);
  iov.iov_base = payload;
  iov.iov_len = size;
  memset (messages, 0, sizeof messages);
  for (int i = 0; i < BATCH; i++)
    {
      messages[i].msg_hdr.msg_name = &to;
      messages[i].msg_hdr.msg_namelen = sizeof to;
      messages[i].msg_hdr.msg_iov = &iov;
      messages[i].msg_hdr.msg_iovlen = 1;
    }

  start = now_ns ();
  while (sent < total)
    {
      /* Everything due by now, in batches; then sleep to the next millisecond slot. */
      long long due = (now_ns () - start) * rate / 1000000000LL + 1;
      struct timespec next;
      long long wake;

      if (due > total)
        due = total;
      while (sent < due)
        {
          int n = (int) (due - sent < BATCH ? due - sent : BATCH);
          int done = sendmmsg (fd, messages, n, 0);

          if (done < 0)
            {
              perror ("sendmmsg");
              return 1;
            }
          sent += done;
        }
      wake = start + ((now_ns () - start) / 1000000 + 1) * 1000000;
      next.tv_sec = wake / 1000000000LL;
      next.tv_nsec = wake % 1000000000LL;
      clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }

  printf ("sent %lld in %.3f s\n", sent, (now_ns () - start) / 1e9);
  close (fd);
  return 0;
}
