// Injector benchmark workloads: one loop per mode, timed by the caller.
//   untrapped N        getppid() N times (not in the trap set)
//   floor N            the same under a 1-instruction RET_ALLOW seccomp filter (the cost of
//                      any filter on this kernel: the floor for untrapped calls)
//   write N            write(/dev/null, 1 byte) N times (trapped, allowed)
//   connect N          connect(127.0.0.1:1) N times (trapped, denied; refused when bare)
//   threads T N        T threads, each write(/dev/null) N times (trapped, allowed)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <unistd.h>

static long count;

static void *writer(void *arg) {
    (void)arg;
    int fd = open("/dev/null", O_WRONLY);
    for (long i = 0; i < count; i++) {
        if (write(fd, "x", 1) != 1) { perror("write"); exit(1); }
    }
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s untrapped|write|connect|threads [T] N\n", argv[0]); return 2; }
    const char *mode = argv[1];
    if (strcmp(mode, "untrapped") == 0) {
        count = atol(argv[2]);
        for (long i = 0; i < count; i++) syscall(SYS_getppid);
    } else if (strcmp(mode, "floor") == 0) {
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        struct sock_fprog prog = { .len = 1, .filter = &allow };
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
            perror("seccomp"); return 1;
        }
        count = atol(argv[2]);
        for (long i = 0; i < count; i++) syscall(SYS_getppid);
    } else if (strcmp(mode, "write") == 0) {
        count = atol(argv[2]);
        writer(NULL);
    } else if (strcmp(mode, "connect") == 0) {
        count = atol(argv[2]);
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(1) };
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        long refused = 0;
        for (long i = 0; i < count; i++) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) refused++;
            close(s);
        }
        if (refused != count) { fprintf(stderr, "expected every connect to fail\n"); return 1; }
    } else if (strcmp(mode, "threads") == 0 && argc >= 4) {
        int threads = atoi(argv[2]);
        count = atol(argv[3]);
        pthread_t tids[64];
        if (threads < 1 || threads > 64) return 2;
        for (int i = 0; i < threads; i++) pthread_create(&tids[i], NULL, writer, NULL);
        for (int i = 0; i < threads; i++) pthread_join(tids[i], NULL);
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    return 0;
}
