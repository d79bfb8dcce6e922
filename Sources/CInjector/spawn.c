// fork + ptrace seize + filter install + execve. The child runs only async-signal-safe
// code between fork and execve; everything it needs was prepared by the parent.
#define _GNU_SOURCE
#include "cinjector.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

// Why the child could not exec: sent through the close-on-exec pipe.
enum { STAGE_PGRP = 1, STAGE_STDOUT, STAGE_STDERR, STAGE_CHDIR, STAGE_NNP, STAGE_FILTER, STAGE_EXEC, STAGE_SYNC };

static const char *stage_text(int stage) {
    switch (stage) {
    case STAGE_PGRP: return "setpgid";
    case STAGE_STDOUT: return "opening the stdout file";
    case STAGE_STDERR: return "opening the stderr file";
    case STAGE_CHDIR: return "changing to the working directory";
    case STAGE_NNP: return "setting no_new_privs";
    case STAGE_FILTER: return "installing the seccomp filter";
    case STAGE_EXEC: return "execve";
    default: return "waiting for the tracer";
    }
}

static void child_fail(int fd, int stage) {
    int report[2] = { stage, errno };
    ssize_t ignored = write(fd, report, sizeof report);
    (void)ignored;
    _exit(127);
}

static void redirect(const char *path, int target, int err_fd, int stage) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) child_fail(err_fd, stage);
    if (dup2(fd, target) < 0) child_fail(err_fd, stage);  // dup2 clears CLOEXEC on target
    close(fd);
}

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

// The child's listener descriptor (notify backend). fork copies the address space, so the
// parent reads the child's copy at this same address with process_vm_readv.
static volatile int child_listener_fd = -1;

static int install_filter(struct sock_fprog *prog, int notify) {
    if (notify) {
        // NEW_LISTENER returns the notification fd (close-on-exec). WAIT_KILLABLE_RECV: once
        // the supervisor has received a call, only a fatal signal interrupts the wait, so a
        // delayed or decided call is not restarted (and decided twice) by a handled signal.
        unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, prog);
        if (fd < 0 && errno == EINVAL) fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
        if (fd < 0) return -1;
        child_listener_fd = (int)fd;
        return 0;
    }
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, prog) == 0) return 0;
    if (errno != EINVAL) return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog);  // kernels without the flag
}

static void run_child(const cinj_spawn_request *rq, pid_t parent, int sync_fd, int err_fd) {
    // Die with the tracer thread; if it is already gone, do not run untraced.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // Signal state is inherited across execve (ignored signals and the mask): start clean,
    // so a service behaves as it does outside faultbox (which ignores SIGPIPE during a run).
    // The raw system calls: glibc's wrappers refuse signals 32 and 33 (reserved for its
    // threads) and leave them out of masks, yet an ignored 32 survives exec all the same.
    struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; } dfl;
    memset(&dfl, 0, sizeof dfl);  // handler 0 is SIG_DFL
    for (int sig = 1; sig <= 64; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
    }
    unsigned long none = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
    // fork copied the tracer thread's raised priority (nice -10): the program gets the
    // priority of this process's main thread, as it would without faultbox (going back
    // down from -10 needs no privilege; if it fails the program keeps -10).
    errno = 0;
    int main_nice = getpriority(PRIO_PROCESS, (id_t)parent);
    if (errno == 0) setpriority(PRIO_PROCESS, 0, main_nice);
    // Wait until the parent has seized us, before anything that can fail: a child that
    // exits before the seize makes PTRACE_SEIZE fail with EPERM instead of reporting why.
    char go = 0;
    ssize_t n;
    do { n = read(sync_fd, &go, 1); } while (n < 0 && errno == EINTR);
    if (n != 1) { errno = EPIPE; child_fail(err_fd, STAGE_SYNC); }
    if (rq->new_process_group && setpgid(0, 0) < 0) child_fail(err_fd, STAGE_PGRP);
    if (rq->stdout_path) redirect(rq->stdout_path, 1, err_fd, STAGE_STDOUT);
    if (rq->stderr_path) redirect(rq->stderr_path, 2, err_fd, STAGE_STDERR);
    if (rq->cwd && chdir(rq->cwd) < 0) child_fail(err_fd, STAGE_CHDIR);
    // Descriptors the caller leaked without O_CLOEXEC do not belong to the program.
    syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
    if (rq->set_no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) child_fail(err_fd, STAGE_NNP);
    if (rq->filter && rq->filter->count > 0) {
        struct sock_fprog prog = { .len = rq->filter->count, .filter = (struct sock_filter *)rq->filter->instructions };
        // SPEC_ALLOW: a filter must not switch on the speculative-store-bypass mitigation
        // (kernels before 5.16 did by default), which would slow the whole program down
        // and make it behave unlike its bare self. Older kernels lack the flag: plain install.
        int rc = install_filter(&prog, rq->notify);
        // Root without CAP_SYS_ADMIN (a default Docker container) may not install a filter
        // without no_new_privs: set it then, as for any unprivileged user.
        if (rc < 0 && errno == EACCES && !rq->set_no_new_privs) {
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) child_fail(err_fd, STAGE_NNP);
            rc = install_filter(&prog, rq->notify);
        }
        if (rc < 0) child_fail(err_fd, STAGE_FILTER);
        // Hand the listener over without a system call (any call from here on may be
        // trapped, and nobody answers yet): a breakpoint trap is a ptrace signal stop at
        // which the parent copies the descriptor with pidfd_getfd.
        if (rq->notify) __asm__ volatile("int3");
    }
    execve(rq->path, rq->argv, rq->envp);
    child_fail(err_fd, STAGE_EXEC);
}

static void describe_failure(const cinj_spawn_request *rq, int stage, int code, char *err, size_t err_len) {
    if (stage == STAGE_EXEC) {
        const char *why = code == ENOENT ? "no such file (binary missing, or its interpreter/loader is missing)"
                        : code == EACCES ? "permission denied (not executable, or a directory)"
                        : code == ENOEXEC ? "not an executable format (add a #! line?)"
                        : strerror(code);
        snprintf(err, err_len, "execve %s: %s", rq->path, why);
    } else if (stage == STAGE_STDOUT || stage == STAGE_STDERR) {
        snprintf(err, err_len, "%s %s: %s", stage_text(stage),
                 stage == STAGE_STDOUT ? rq->stdout_path : rq->stderr_path, strerror(code));
    } else if (stage == STAGE_FILTER && rq->notify) {
        snprintf(err, err_len, "%s with SECCOMP_FILTER_FLAG_NEW_LISTENER (the notify injector): %s; "
                 "use --injector ptrace (or FAULTBOX_INJECTOR=ptrace)", stage_text(stage), strerror(code));
    } else if (stage == STAGE_CHDIR) {
        snprintf(err, err_len, "%s %s: %s", stage_text(stage), rq->cwd, strerror(code));
    } else {
        snprintf(err, err_len, "%s: %s", stage_text(stage), strerror(code));
    }
}

// At the child's breakpoint stop: copy its listener into this process.
static int take_listener(pid_t pid) {
    int fd = -1;
    if (cinj_read_memory(pid, (uint64_t)(uintptr_t)&child_listener_fd, &fd, sizeof fd) != (ssize_t)sizeof fd || fd < 0) return -1;
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) return -1;
    int mine = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);  // the new fd is close-on-exec
    close(pidfd);
    if (mine >= 0) cinj_notify_sync_wakeup(mine);  // best effort: older kernels lack it
    return mine;
}

// Before exec nobody supervises the listener: let pre-exec trapped calls (a trapped
// execve, the error report's write) run.
static void continue_pending(int listener) {
    struct pollfd p = { .fd = listener, .events = POLLIN };
    while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
        cinj_notification n;
        if (cinj_notify_recv(listener, &n, 0) == 0) cinj_notify_respond(listener, n.id, 0);
        else break;
    }
}

// Waits for the next state change of `pid`; with a listener, answers its notifications
// meanwhile (a child blocked in a trapped call produces no wait event).
static pid_t wait_child(pid_t pid, int *status, int listener) {
    if (listener < 0) return waitpid(pid, status, __WALL);
    for (;;) {
        pid_t got = waitpid(pid, status, __WALL | WNOHANG);
        if (got != 0) return got;
        struct pollfd p = { .fd = listener, .events = POLLIN };
        if (poll(&p, 1, 1) > 0) continue_pending(listener);
    }
}

pid_t cinj_spawn_traced(const cinj_spawn_request *rq, int *listener_fd, char *err, size_t err_len) {
    *listener_fd = -1;
    int listener = -1;
    int sync_pipe[2], err_pipe[2];
    if (pipe2(sync_pipe, O_CLOEXEC) < 0) { snprintf(err, err_len, "pipe: %s", strerror(errno)); return -1; }
    if (pipe2(err_pipe, O_CLOEXEC) < 0) {
        snprintf(err, err_len, "pipe: %s", strerror(errno));
        close(sync_pipe[0]); close(sync_pipe[1]);
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, err_len, "fork: %s", strerror(errno));
        close(sync_pipe[0]); close(sync_pipe[1]); close(err_pipe[0]); close(err_pipe[1]);
        return -1;
    }
    if (pid == 0) {
        close(sync_pipe[1]);
        close(err_pipe[0]);
        run_child(rq, parent, sync_pipe[0], err_pipe[1]);
        _exit(127);
    }
    close(sync_pipe[0]);
    close(err_pipe[1]);
    // notify: ptrace follows the process tree only; trapped calls go to the listener.
    long options = (rq->notify ? 0 : PTRACE_O_TRACESECCOMP) | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK
                 | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SEIZE, pid, 0, (void *)options) < 0) {
        int code = errno;
        snprintf(err, err_len, "ptrace(PTRACE_SEIZE): %s (is ptrace allowed here? containers need "
                 "CAP_SYS_PTRACE or a seccomp profile that permits ptrace)", strerror(code));
        kill(pid, SIGKILL);
        close(sync_pipe[1]); close(err_pipe[0]);
        while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR) {}
        return -1;
    }
    char go = 1;
    ssize_t ignored = write(sync_pipe[1], &go, 1);
    (void)ignored;
    close(sync_pipe[1]);
    // Follow the child until its exec (success) or its exit (failure, reported through
    // the pipe). Trapped syscalls before the exec are allowed; signals are passed on.
    for (;;) {
        int status;
        pid_t got = wait_child(pid, &status, listener);
        if (got < 0) {
            if (errno == EINTR) continue;
            snprintf(err, err_len, "waitpid: %s", strerror(errno));
            close(err_pipe[0]);
            if (listener >= 0) close(listener);
            return -1;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (listener >= 0) close(listener);
            int report[2] = { 0, 0 };
            ssize_t n = read(err_pipe[0], report, sizeof report);
            close(err_pipe[0]);
            if (n == (ssize_t)sizeof report) describe_failure(rq, report[0], report[1], err, err_len);
            else if (WIFSIGNALED(status)) snprintf(err, err_len, "killed by signal %d before exec", WTERMSIG(status));
            else snprintf(err, err_len, "exited with status %d before exec", WEXITSTATUS(status));
            return -1;
        }
        if (!WIFSTOPPED(status)) continue;
        int event = status >> 16, sig = WSTOPSIG(status);
        if (event == PTRACE_EVENT_EXEC) {
            close(err_pipe[0]);
            if (rq->notify && rq->filter && rq->filter->count > 0 && listener < 0) {
                // The breakpoint stop never came: do not run the program unsupervised.
                snprintf(err, err_len, "the seccomp listener could not be taken from the child");
                kill(pid, SIGKILL);
                while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR) {}
                return -1;
            }
            *listener_fd = listener;
            ptrace(PTRACE_CONT, pid, 0, 0);
            return pid;
        }
        if (event == 0 && sig == SIGTRAP && rq->notify && listener < 0) {
            listener = take_listener(pid);
            if (listener < 0) {
                snprintf(err, err_len, "taking the seccomp listener from the child (pidfd_getfd): %s", strerror(errno));
                kill(pid, SIGKILL);
                close(err_pipe[0]);
                while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR) {}
                return -1;
            }
            ptrace(PTRACE_CONT, pid, 0, 0);  // swallow the breakpoint's SIGTRAP
            continue;
        }
        if (event == PTRACE_EVENT_SECCOMP || event == PTRACE_EVENT_STOP) {
            ptrace(PTRACE_CONT, pid, 0, 0);
        } else if (event == 0) {
            ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig);
        } else {
            ptrace(PTRACE_CONT, pid, 0, 0);
        }
    }
}
