// `faultbox test --jobs N`: a cell worker in its own network and PID namespaces
// (docs/runner.md, "Parallel cells"). The worker is the PID namespace's first process, so
// when it dies, for any reason, the kernel kills everything the cell started; PDEATHSIG
// ties the worker to faultbox itself. Between clone and exec only async-signal-safe calls:
// the parent is multi-threaded.
#define _GNU_SOURCE
#include "cinjector.h"
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

// The new network namespace has only a loopback, and it is down.
static int lo_up(void) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    struct ifreq r;
    memset(&r, 0, sizeof r);
    memcpy(r.ifr_name, "lo", 3);
    int rc = ioctl(s, SIOCGIFFLAGS, &r);
    if (rc == 0) {
        r.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(s, SIOCSIFFLAGS, &r);
    }
    close(s);
    return rc;
}

static int write_text(const char *path, const char *text, size_t len) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, len);
    close(fd);
    return n == (ssize_t)len ? 0 : -1;
}

static size_t put_uint(char *out, unsigned v) {
    char tmp[16];
    size_t n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    return n;
}

// "0 <id> 1": the caller's id is root inside, nothing else is mapped (unshare -Ur).
static size_t id_map(char *out, unsigned id) {
    size_t n = 0;
    out[n++] = '0'; out[n++] = ' ';
    n += put_uint(out + n, id);
    out[n++] = ' '; out[n++] = '1';
    return n;
}

static int clone_flags(int user_namespace) {
    // CLONE_NEWNS: the worker mounts its own /proc, because the injector reads
    // /proc/PID/{mem,fd,...} with the PIDs it sees, which are this namespace's.
    return CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS | (user_namespace ? CLONE_NEWUSER : 0);
}

// In the child: maps for a user namespace, then loopback up. 0 or -errno-ish stage code.
static int set_up_child(int user_namespace, const char *uid_map, size_t uid_len, const char *gid_map, size_t gid_len) {
    if (user_namespace) {
        if (write_text("/proc/self/setgroups", "deny", 4) != 0) return 1;
        if (write_text("/proc/self/uid_map", uid_map, uid_len) != 0) return 2;
        if (write_text("/proc/self/gid_map", gid_map, gid_len) != 0) return 3;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return 7;  // nothing leaks to the host
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) return 8;
    if (lo_up() != 0) return 4;
    return 0;
}

pid_t cinj_spawn_cell_worker(const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                             int user_namespace, int *started_fd, char *err, size_t err_len) {
    char uid_map[32], gid_map[32];
    size_t uid_len = id_map(uid_map, (unsigned)geteuid()), gid_len = id_map(gid_map, (unsigned)getegid());
    int report[2];  // the child's errno if set-up or exec fails; closed by a successful exec
    if (pipe2(report, O_CLOEXEC) != 0) { snprintf(err, err_len, "pipe: %s", strerror(errno)); return -1; }
    long pid = syscall(SYS_clone, (unsigned long)(clone_flags(user_namespace) | SIGCHLD), 0, 0, 0, 0);
    if (pid < 0) {
        int e = errno;
        close(report[0]); close(report[1]);
        // ENOSPC is how the kernel says user.max_user_namespaces is 0 (or used up).
        snprintf(err, err_len, "unshare(%s): %s%s",
                 user_namespace ? "CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWPID" : "CLONE_NEWNET|CLONE_NEWPID", strerror(e),
                 e == ENOSPC ? ", user.max_user_namespaces is 0 or used up" : e == EPERM ? ", not permitted" : "");
        errno = e;
        return -1;
    }
    if (pid == 0) {
        int code[2] = {0, 0};
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setsid();  // Ctrl-C reaches faultbox only; faultbox stops its workers itself
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        code[0] = set_up_child(user_namespace, uid_map, uid_len, gid_map, gid_len);
        if (code[0] == 0) {
            if (dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0) code[0] = 5;
        }
        if (code[0] == 0) {
#ifdef SYS_close_range
            syscall(SYS_close_range, 3, ~0U, 0);  // only report[1] (CLOEXEC) and 0-2 matter
#endif
            execve(path, argv, envp);
            code[0] = 6;
        }
        code[1] = errno;
        ssize_t ignored = write(report[1], code, sizeof code);
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    *started_fd = report[0];
    return (pid_t)pid;
}

int cinj_cell_worker_started(pid_t pid, int started_fd, char *err, size_t err_len) {
    int code[2] = {0, 0};
    ssize_t n;
    do { n = read(started_fd, code, sizeof code); } while (n < 0 && errno == EINTR);
    close(started_fd);
    if (n != (ssize_t)sizeof code) return 0;  // end of file: the exec closed the pipe
    static const char *stages[] = {"", "write /proc/self/setgroups", "write /proc/self/uid_map", "write /proc/self/gid_map",
                                   "bring up lo", "dup2", "execve", "make mounts private", "mount /proc"};
    snprintf(err, err_len, "%s: %s", stages[code[0] < 9 ? code[0] : 0], strerror(code[1]));
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    errno = code[1];
    return -1;
}

int cinj_probe_cell_namespaces(int user_namespace, char *err, size_t err_len) {
    char uid_map[32], gid_map[32];
    size_t uid_len = id_map(uid_map, (unsigned)geteuid()), gid_len = id_map(gid_map, (unsigned)getegid());
    long pid = syscall(SYS_clone, (unsigned long)(clone_flags(user_namespace) | SIGCHLD), 0, 0, 0, 0);
    if (pid < 0) { snprintf(err, err_len, "%s", strerror(errno)); return errno; }
    if (pid == 0) _exit(set_up_child(user_namespace, uid_map, uid_len, gid_map, gid_len));
    int status = 0;
    while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        int stage = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
        snprintf(err, err_len, "%s failed in the new namespace",
                 stage == 4 ? "bringing up lo" : stage >= 7 ? "mounting /proc" : "writing the uid/gid map");
        return EPERM;
    }
    return 0;
}

// Nanoseconds for `count` clones into fresh namespaces (loopback up, then exit) and for
// `count` plain forks: the difference is what a cell pays for isolation.
int cinj_measure_cell_namespaces(int user_namespace, int count, uint64_t *with_ns, uint64_t *plain) {
    char err[128];
    uint64_t t0 = cinj_now_ns();
    for (int i = 0; i < count; i++) if (cinj_probe_cell_namespaces(user_namespace, err, sizeof err) != 0) return -1;
    uint64_t t1 = cinj_now_ns();
    for (int i = 0; i < count; i++) {
        long pid = syscall(SYS_clone, (unsigned long)SIGCHLD, 0, 0, 0, 0);
        if (pid < 0) return -1;
        if (pid == 0) _exit(0);
        int status;
        while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR) {}
    }
    uint64_t t2 = cinj_now_ns();
    *with_ns = t1 - t0;
    *plain = t2 - t1;
    return 0;
}

// Swift's Glibc module does not export pipe2 (a _GNU_SOURCE function).
int cinj_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

// kill(-1) from PID 1 of a PID namespace reaches exactly the other processes of that
// namespace (and of namespaces nested in it), never the host's: the kernel skips tasks the
// caller's namespace cannot see, and init itself. Hence the getpid() guard: anywhere else
// kill(-1) would reach every process the caller may signal.
int cinj_sweep_cell_namespace(void) {
    if (getpid() != 1) return -1;
    kill(-1, SIGKILL);
    int reaped = 0;
    // Killed processes exit at once unless they are in an uninterruptible sleep: wait up to
    // 2 s for them, 1 ms at a time, then leave the rest to the next sweep.
    for (int tries = 0; tries < 2000;) {
        int status;
        pid_t pid = waitpid(-1, &status, __WALL | WNOHANG);
        if (pid > 0) { reaped++; continue; }
        if (pid < 0 && errno == EINTR) continue;
        if (pid < 0) break;  // ECHILD: nothing left
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
        tries++;
    }
    return reaped;
}
