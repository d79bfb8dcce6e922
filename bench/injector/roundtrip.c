// Round trip of one trapped syscall: ptrace (SECCOMP_RET_TRACE) vs seccomp user
// notification (SECCOMP_RET_USER_NOTIF), with and without the synchronous wake-up
// flag (Linux >= 6.6). The child calls getppid N times; the supervisor allows each.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS _IOW('!', 4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1
#endif

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static long install(unsigned action, unsigned flags) {
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, action),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog p = { 4, f };
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p);
}

static const char *mode_name = "";
static void child_loop(long n) {
    double t0 = now();
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
    fprintf(stderr, "%-10s %.2f us/call\n", mode_name, (now() - t0) / n * 1e6);
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s ptrace|notif|notif-sync N\n", argv[0]); return 2; }
    long n = atol(argv[2]); mode_name = argv[1];
    int sp[2]; pipe(sp);
    if (!strcmp(argv[1], "ptrace")) {
        pid_t pid = fork();
        if (pid == 0) { char c; read(sp[0], &c, 1); install(SECCOMP_RET_TRACE, 0); child_loop(n); }
        ptrace(PTRACE_SEIZE, pid, 0, (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL));
        write(sp[1], "x", 1);
        int st;
        while (waitpid(pid, &st, __WALL) == pid && !WIFEXITED(st) && !WIFSIGNALED(st)) {
            struct __ptrace_syscall_info info;
            if ((st >> 16) == PTRACE_EVENT_SECCOMP) ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof info, &info);
            ptrace(PTRACE_CONT, pid, 0, 0);
        }
        return 0;
    }
    int fdp[2]; pipe(fdp);
    pid_t pid = fork();
    if (pid == 0) {
        long fd = install(SECCOMP_RET_USER_NOTIF, SECCOMP_FILTER_FLAG_NEW_LISTENER);
        if (fd < 0) { perror("seccomp"); _exit(1); }
        int ifd = (int)fd; write(fdp[1], &ifd, sizeof ifd);
        char c; read(sp[0], &c, 1);
        close(ifd);
        child_loop(n);
    }
    int childfd; read(fdp[0], &childfd, sizeof childfd);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int fd = (int)syscall(SYS_pidfd_getfd, pidfd, childfd, 0);
    if (fd < 0) { perror("pidfd_getfd"); return 1; }
    if (!strcmp(argv[1], "notif-sync") && ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0) {
        perror("SECCOMP_IOCTL_NOTIF_SET_FLAGS"); return 1;
    }
    write(sp[1], "x", 1);
    struct seccomp_notif req; struct seccomp_notif_resp resp;
    for (;;) {
        memset(&req, 0, sizeof req);
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) { if (errno == EINTR) continue; break; }
        memset(&resp, 0, sizeof resp);
        resp.id = req.id; resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
    waitpid(pid, NULL, 0);
    return 0;
}
