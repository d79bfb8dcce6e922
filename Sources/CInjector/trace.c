// Thin wrappers over ptrace (variadic in glibc), wait-status macros, process_vm_readv,
// and the thread-directed wake signal and timer the tracer loop sleeps on.
#define _GNU_SOURCE
#include "cinjector.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int cinj_wait_any(cinj_wait_result *r) {
    int status = 0;
    pid_t tid = waitpid(-1, &status, __WALL | __WNOTHREAD);
    if (tid < 0) return -1;
    r->tid = tid;
    r->event = 0;
    if (WIFEXITED(status)) { r->kind = CINJ_EXITED; r->code = WEXITSTATUS(status); }
    else if (WIFSIGNALED(status)) { r->kind = CINJ_SIGNALED; r->code = WTERMSIG(status); }
    else { r->kind = CINJ_STOPPED; r->code = WSTOPSIG(status); r->event = (status >> 16) & 0xff; }
    return 0;
}

int cinj_reap_zombie(pid_t pid) {
    int status;
    return waitpid(pid, &status, WNOHANG | __WALL);
}

int cinj_seccomp_syscall(pid_t tid, cinj_syscall *out) {
    struct __ptrace_syscall_info info;
    memset(&info, 0, sizeof info);
    long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof info, &info);
    if (n < 0) return -1;
    if (info.op != PTRACE_SYSCALL_INFO_SECCOMP) { errno = EINVAL; return -1; }
    out->nr = (int64_t)info.seccomp.nr;
    for (int i = 0; i < 6; i++) out->args[i] = info.seccomp.args[i];
    out->arch = info.arch;
    return 0;
}

int cinj_deny(pid_t tid, int err) {
    // At a seccomp stop, syscall number -1 makes the kernel skip the call and return
    // whatever the return register holds.
    long orig = offsetof(struct user, regs) + offsetof(struct user_regs_struct, orig_rax);
    long rax = offsetof(struct user, regs) + offsetof(struct user_regs_struct, rax);
    if (ptrace(PTRACE_POKEUSER, tid, (void *)orig, (void *)-1L) < 0) return -1;
    return (int)ptrace(PTRACE_POKEUSER, tid, (void *)rax, (void *)(long)-err);
}

int cinj_cont(pid_t tid, int signal) { return (int)ptrace(PTRACE_CONT, tid, 0, (void *)(long)signal); }
int cinj_listen(pid_t tid) { return (int)ptrace(PTRACE_LISTEN, tid, 0, 0); }
int cinj_event_message(pid_t tid, unsigned long *message) {
    return (int)ptrace(PTRACE_GETEVENTMSG, tid, 0, message);
}

ssize_t cinj_read_memory(pid_t pid, uint64_t address, void *buf, size_t len) {
    struct iovec local = { buf, len };
    struct iovec remote = { (void *)(uintptr_t)address, len };
    return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

pid_t cinj_gettid(void) { return (pid_t)syscall(SYS_gettid); }

int cinj_wake_signal(void) { return SIGRTMAX - 3; }

static void wake_handler(int sig) { (void)sig; }
static pthread_once_t wake_once = PTHREAD_ONCE_INIT;
static void install_wake_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = wake_handler;  // no SA_RESTART: a blocked waitpid returns EINTR
    sigemptyset(&sa.sa_mask);
    sigaction(cinj_wake_signal(), &sa, NULL);
}

void cinj_prepare_tracer_thread(void) {
    pthread_once(&wake_once, install_wake_handler);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, cinj_wake_signal());
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int cinj_wake_thread(pid_t tid) {
    return (int)syscall(SYS_tgkill, getpid(), tid, cinj_wake_signal());
}

int cinj_timer_create(pid_t tid, intptr_t *timer) {
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = cinj_wake_signal();
    sev._sigev_un._tid = tid;
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &sev, &t) < 0) return -1;
    *timer = (intptr_t)t;
    return 0;
}

int cinj_timer_arm(intptr_t timer, uint64_t deadline_ns, uint64_t interval_ns) {
    struct itimerspec spec;
    memset(&spec, 0, sizeof spec);
    spec.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ULL);
    spec.it_value.tv_nsec = (long)(deadline_ns % 1000000000ULL);
    spec.it_interval.tv_sec = (time_t)(interval_ns / 1000000000ULL);
    spec.it_interval.tv_nsec = (long)(interval_ns % 1000000000ULL);
    return timer_settime((timer_t)timer, TIMER_ABSTIME, &spec, NULL);
}

void cinj_timer_delete(intptr_t timer) { timer_delete((timer_t)timer); }

uint64_t cinj_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int cinj_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }
int cinj_is_root(void) { return geteuid() == 0; }

// The one piece of process-wide state: the pid `faultbox run` forwards signals to.
static volatile sig_atomic_t forward_pid = 0;
static void forward_handler(int sig) {
    if (forward_pid > 0) kill((pid_t)forward_pid, sig);
}

void cinj_forward_signals(pid_t pid) {
    forward_pid = pid;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward_handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    signal(SIGINT, SIG_IGN);
}
