/* LD_PRELOAD shim for qualys-sim in bench/online_pull.sh: sets TCP_NODELAY on every accepted
 * socket. qualys-sim (tests/simulator/simulator.cpp) does not, so the small last write of each
 * response (the chunked body's "0\r\n\r\n") waits for the client's delayed ACK (Nagle): ~40 ms
 * per response on loopback, which made a curl replay of 30 requests 1.76 s instead of 1.06 s.
 * The daemon's own socket already has TCP_NODELAY (lib/net/connection.cpp). Remove this shim
 * once the simulator sets the option itself. Built by online_pull.sh into bench/data/. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int no_delay(int fd) {
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

int accept(int s, struct sockaddr* address, socklen_t* length) {
  static int (*real)(int, struct sockaddr*, socklen_t*);
  if (!real) real = (int (*)(int, struct sockaddr*, socklen_t*))dlsym(RTLD_NEXT, "accept");
  return no_delay(real(s, address, length));
}

int accept4(int s, struct sockaddr* address, socklen_t* length, int flags) {
  static int (*real)(int, struct sockaddr*, socklen_t*, int);
  if (!real) real = (int (*)(int, struct sockaddr*, socklen_t*, int))dlsym(RTLD_NEXT, "accept4");
  return no_delay(real(s, address, length, flags));
}
