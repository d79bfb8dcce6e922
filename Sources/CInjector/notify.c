// seccomp user notification: the supervisor side (receive, answer, validate) and the
// probe that says whether this kernel and seccomp policy offer it. No ptrace here: the
// notify backend answers trapped calls from any thread (see docs/injector.md).
#define _GNU_SOURCE
#include "cinjector.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <linux/filter.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

int cinj_notify_available(char *err, size_t err_len) {
    // SECCOMP_GET_ACTION_AVAIL asks the kernel (and any seccomp policy around us: a
    // container profile that blocks seccomp(2) makes this fail) without installing anything.
    unsigned int action = SECCOMP_RET_USER_NOTIF;
    if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0) {
        snprintf(err, err_len, "the kernel does not offer seccomp user notification "
                 "(SECCOMP_GET_ACTION_AVAIL: %s; Linux 5.5+ is needed for FLAG_CONTINUE)", strerror(errno));
        return 0;
    }
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) {
        snprintf(err, err_len, "SECCOMP_GET_NOTIF_SIZES: %s", strerror(errno));
        return 0;
    }
    // Kernels may grow the structures; ours must hold at least what the kernel writes.
    if (sizes.seccomp_notif > sizeof(struct seccomp_notif) || sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)) {
        snprintf(err, err_len, "seccomp notification structures larger than this build knows");
        return 0;
    }
    return 1;
}

int cinj_notify_sync_wakeup(int fd) {
    // 6.6+: wake the supervisor on the caller's CPU and switch straight back on answer.
    return ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
}

int cinj_notify_recv(int fd, cinj_notification *out, int interruptible) {
    struct seccomp_notif req;
    int rc;
    do {
        memset(&req, 0, sizeof req);  // the kernel refuses a non-zeroed request
        rc = ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req);
    } while (rc != 0 && errno == EINTR && !interruptible);
    if (rc != 0) return -1;
    out->id = req.id;
    out->tid = (pid_t)req.pid;
    out->call.nr = req.data.nr;
    out->call.arch = req.data.arch;
    for (int i = 0; i < 6; i++) out->call.args[i] = req.data.args[i];
    return 0;
}

int cinj_notify_respond(int fd, uint64_t id, int err) {
    struct seccomp_notif_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.id = id;
    if (err == 0) resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    else resp.error = -err;
    // The supervisor's wake signal can interrupt the kernel's lock wait (EINTR): an answer
    // must not be lost to it, or the caller would wait forever.
    int rc;
    do { rc = ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp); } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : -1;  // ENOENT: the caller died or was interrupted meanwhile
}

int cinj_notify_id_valid(int fd, uint64_t id) {
    int rc;
    do { rc = ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id); } while (rc != 0 && errno == EINTR);
    return rc == 0;
}

// The install probe: a throwaway child installs a 1-instruction allow-all filter with
// SECCOMP_FILTER_FLAG_NEW_LISTENER exactly as a launch would (same flags, same
// no_new_privs rule) and exits with the errno. GET_ACTION_AVAIL cannot see every refusal:
// the kernel allows one listener per filter chain (EBUSY when this process already runs
// under a supervisor, e.g. a container runtime's), and a seccomp profile may refuse the
// flag alone. Cached: a process's seccomp state only grows, and only by its own hand.
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int probe_errno;

static void probe_install(void) {
    // The result comes back through a pipe, not the exit status: another thread's
    // waitpid(-1) may reap the child first.
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0) { probe_errno = errno; return; }
    pid_t pid = fork();
    if (pid < 0) { probe_errno = errno; close(report[0]); close(report[1]); return; }
    if (pid == 0) {
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        struct sock_fprog prog = { .len = 1, .filter = &allow };
        if (geteuid() != 0) prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
        if (fd < 0 && errno == EINVAL) fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
        if (fd < 0 && errno == EACCES) {  // root without CAP_SYS_ADMIN: as spawn.c does
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
        }
        int code = fd < 0 ? errno : 0;
        ssize_t ignored = write(report[1], &code, sizeof code);
        (void)ignored;
        _exit(0);
    }
    close(report[1]);
    int code = 0;
    ssize_t n;
    do { n = read(report[0], &code, sizeof code); } while (n < 0 && errno == EINTR);
    close(report[0]);
    probe_errno = n == (ssize_t)sizeof code ? code : EIO;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
}

int cinj_notify_install_probe(char *err, size_t err_len) {
    pthread_once(&probe_once, probe_install);
    if (probe_errno == 0) return 1;
    const char *why = probe_errno == EBUSY ? "this process already runs under a seccomp user-notification supervisor, "
                                            "such as a container runtime's, and the kernel allows one listener per filter chain"
                    : probe_errno == EINVAL ? "this kernel does not know the flag"
                    : probe_errno == EPERM || probe_errno == EACCES ? "a seccomp policy or a missing privilege forbids it"
                    : "the kernel refused it";
    snprintf(err, err_len, "seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER) fails here with %s: %s",
             strerror(probe_errno), why);
    return 0;
}

int cinj_poll(struct pollfd *fds, int count, int64_t timeout_ns) {
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000LL);
        ts.tv_nsec = (long)(timeout_ns % 1000000000LL);
        tsp = &ts;
    }
    int rc;
    do { rc = ppoll(fds, (nfds_t)count, tsp, NULL); } while (rc < 0 && errno == EINTR);
    return rc;
}

int cinj_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

void cinj_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t ignored = write(fd, &one, sizeof one);
    (void)ignored;
}

void cinj_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t ignored = read(fd, &value, sizeof value);
    (void)ignored;
}
