// The injector's C layer: everything that must not run in Swift (code between fork and
// execve) and thin wrappers over variadic or macro-only kernel interfaces (ptrace, wait
// status decoding, seccomp filter export, thread-directed timers).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

// ---- seccomp filter (filter.c) ----

/// A classic-BPF seccomp program exported by libseccomp (array of struct sock_filter).
typedef struct {
    void *instructions;
    unsigned short count;
} cinj_filter;

/// Builds a filter that returns SECCOMP_RET_TRACE (or SECCOMP_RET_USER_NOTIF when `notify`)
/// for `trap_nrs`, ERRNO(ENOSYS) for io_uring_setup when `deny_io_uring` is set, and allows
/// everything else (bad arch: allow). Returns 0, or -1 with a message in `err`.
int cinj_build_filter(const int *trap_nrs, int trap_count, int deny_io_uring, int notify,
                      cinj_filter *out, char *err, size_t err_len);
void cinj_free_filter(cinj_filter *filter);

/// libseccomp's native syscall number for `name`, or -1 (negative pseudo numbers too).
int cinj_syscall_number(const char *name);
/// libseccomp's native name for `nr` into `buf`; returns 0, or -1 if unknown.
int cinj_syscall_name(int nr, char *buf, size_t buf_len);

// ---- launching (spawn.c) ----

typedef struct {
    const char *path;            // resolved executable path
    char *const *argv;           // NULL-terminated
    char *const *envp;           // NULL-terminated
    const char *cwd;             // NULL = inherit
    const char *stdout_path;     // NULL = inherit
    const char *stderr_path;     // NULL = inherit
    int new_process_group;
    int set_no_new_privs;        // only when not root
    const cinj_filter *filter;
    int notify;                  // filter is a USER_NOTIF one: hand its listener back
} cinj_spawn_request;

/// Forks, seizes the child with the injector's ptrace options, lets it install the filter
/// and execve. Must run on the tracer thread. Returns the pid once the child has exec'd
/// (it is left running), or -1 with a message in `err` (the child is reaped). With
/// `notify`, the child is seized without TRACESECCOMP (ptrace only follows the process
/// tree) and the listener it created lands in `*listener_fd` (else -1).
pid_t cinj_spawn_traced(const cinj_spawn_request *request, int *listener_fd, char *err, size_t err_len);

// ---- seccomp user notification (notify.c) ----

typedef struct {
    int64_t nr;
    uint64_t args[6];
    uint32_t arch;
} cinj_syscall;

typedef struct {
    uint64_t id;
    pid_t tid;
    cinj_syscall call;
} cinj_notification;
struct pollfd;

/// 1 if the kernel and the seccomp policy offer USER_NOTIF; 0 with the reason in `err`.
int cinj_notify_available(char *err, size_t err_len);
int cinj_notify_sync_wakeup(int fd);
/// 1 if a filter with SECCOMP_FILTER_FLAG_NEW_LISTENER can really be installed here (tried
/// once per process in a throwaway child); 0 with the reason, naming the flag, in `err`.
int cinj_notify_install_probe(char *err, size_t err_len);
/// Receives one notification, blocking until one is pending. Returns 0, or -1 with errno
/// (ENOENT: the caller went away, or every task of the filter is gone). EINTR is returned
/// only when `interruptible` (the supervisor's wake signal), else retried.
int cinj_notify_recv(int fd, cinj_notification *out, int interruptible);
/// Answers: err 0 = let the call run (FLAG_CONTINUE), else it returns -err. Returns 0, or
/// -1 when the notification is no longer pending (its caller died or was interrupted).
int cinj_notify_respond(int fd, uint64_t id, int err);
/// 1 while notification `id` is still pending (its caller alive and waiting).
int cinj_notify_id_valid(int fd, uint64_t id);
/// ppoll(2) with a nanosecond timeout (-1 = none), retried on EINTR.
int cinj_poll(struct pollfd *fds, int count, int64_t timeout_ns);
/// A non-blocking close-on-exec eventfd that wakes the supervisor's poll.
int cinj_eventfd(void);
void cinj_eventfd_signal(int fd);
void cinj_eventfd_drain(int fd);

// ---- tracing (trace.c) ----

enum { CINJ_EXITED = 0, CINJ_SIGNALED = 1, CINJ_STOPPED = 2 };

typedef struct {
    int tid;
    int kind;      // CINJ_EXITED / CINJ_SIGNALED / CINJ_STOPPED
    int code;      // exit status, terminating signal, or stop signal
    int event;     // PTRACE_EVENT_* for stops (status >> 16), else 0
} cinj_wait_result;

/// Blocking waitpid(-1, __WALL|__WNOTHREAD). Returns 0, or -1 with errno (EINTR, ECHILD).
int cinj_wait_any(cinj_wait_result *result);
/// waitpid(pid, WNOHANG|__WALL) without __WNOTHREAD: reaps a zombie reparented to any
/// thread of this process (child subreaper). Returns pid if reaped, 0, or -1.
int cinj_reap_zombie(pid_t pid);


/// Reads the syscall of a seccomp stop. Returns 0, or -1 with errno.
int cinj_seccomp_syscall(pid_t tid, cinj_syscall *out);
/// Skips the stopped syscall and makes it return -err.
int cinj_deny(pid_t tid, int err);
int cinj_cont(pid_t tid, int signal);
int cinj_listen(pid_t tid);
int cinj_event_message(pid_t tid, unsigned long *message);
/// Copies up to `len` bytes of the tracee's memory; returns bytes read or -1.
ssize_t cinj_read_memory(pid_t pid, uint64_t address, void *buf, size_t len);

// ---- threads, signals, timers (trace.c) ----

pid_t cinj_gettid(void);
/// Installs (once) a no-op handler without SA_RESTART for the wake signal, and unblocks
/// it in the calling thread, so that a blocking wait returns EINTR when it arrives.
int cinj_wake_signal(void);
void cinj_prepare_tracer_thread(void);
int cinj_wake_thread(pid_t tid);
/// A CLOCK_MONOTONIC timer that signals the wake signal to thread `tid`. The handle is
/// an integer: glibc's first timer_t is 0, which a Swift pointer would read as nil.
int cinj_timer_create(pid_t tid, intptr_t *timer);
/// Arms at absolute monotonic `deadline_ns`, repeating every `interval_ns` (0 = once);
/// deadline 0 disarms.
int cinj_timer_arm(intptr_t timer, uint64_t deadline_ns, uint64_t interval_ns);
void cinj_timer_delete(intptr_t timer);
uint64_t cinj_now_ns(void);
int cinj_set_child_subreaper(void);
int cinj_is_root(void);
/// `faultbox run`: forward SIGTERM/SIGHUP/SIGQUIT to `pid`, ignore SIGINT (the program in
/// the terminal's process group receives Ctrl-C itself).
void cinj_forward_signals(pid_t pid);

/// `--jobs`: starts `path` as the first process of new network + PID namespaces (plus a
/// user namespace mapping the caller to root when `user_namespace`), loopback up, stdin and
/// stdout from the given fds, killed when this thread dies. -1 with `err` set when the clone
/// fails. Returns at once: the set-up and the exec go on in the child, and `*started_fd` is
/// the pipe that `cinj_cell_worker_started` reads to learn how they went.
pid_t cinj_spawn_cell_worker(const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                             int user_namespace, int *started_fd, char *err, size_t err_len);
/// Waits until the worker `pid` has exec'd (0) or its set-up or exec failed (-1 with `err`
/// set and the child reaped). Closes `started_fd`.
int cinj_cell_worker_started(pid_t pid, int started_fd, char *err, size_t err_len);
/// 0 when such namespaces can be made here, else an errno with `err` set.
int cinj_probe_cell_namespaces(int user_namespace, char *err, size_t err_len);
/// The set-up cost alone: `count` namespace clones vs `count` plain forks, in ns.
int cinj_measure_cell_namespaces(int user_namespace, int count, uint64_t *with_ns, uint64_t *plain);
/// pipe2(O_CLOEXEC): no worker inherits another's pipe ends.
int cinj_pipe_cloexec(int fds[2]);
/// In a worker that is PID 1 of its namespace, between two cells: SIGKILL every other
/// process of the namespace and reap them, so nothing a cell started outlives it. Returns
/// how many were reaped, or -1 (doing nothing) when the caller is not PID 1.
int cinj_sweep_cell_namespace(void);

/// The TCP sockets in LISTEN state of this network namespace (IPv4 and IPv6), from the
/// kernel's socket diagnostics: up to `max` ports and socket inodes. Returns how many there
/// are (more than `max`: call again with room for all), or -1 with errno set.
int cinj_tcp_listeners(uint16_t *ports, uint32_t *inodes, int max);
