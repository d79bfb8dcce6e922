// The start-up floor for bench/startup.sh: a C program that listens on $PORT and accepts
// forever, as the demo services do, with nothing else to load or set up.
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    const char *port = getenv("PORT");
    int fd = socket(AF_INET6, SOCK_STREAM, 0), one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port ? atoi(port) : 0), .sin6_addr = in6addr_any};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 128) != 0) return 1;
    for (;;) { int c = accept(fd, 0, 0); if (c >= 0) close(c); }
}
