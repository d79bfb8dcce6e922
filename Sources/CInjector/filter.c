// Builds the seccomp program with libseccomp in the parent (before fork) and exports it
// as classic BPF, so the child only has to call prctl.
#define _GNU_SOURCE
#include "cinjector.h"
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fail(char *err, size_t err_len, const char *what, int code) {
    snprintf(err, err_len, "%s: %s", what, strerror(code < 0 ? -code : code));
    return -1;
}

int cinj_build_filter(const int *trap_nrs, int trap_count, int deny_io_uring, int notify,
                      cinj_filter *out, char *err, size_t err_len) {
    out->instructions = NULL;
    out->count = 0;
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return fail(err, err_len, "seccomp_init", ENOMEM);
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
    if (rc < 0) { seccomp_release(ctx); return fail(err, err_len, "seccomp bad-arch action", rc); }
    // The child sets no_new_privs itself (only when not root); the exported program
    // does not depend on this attribute, but keep libseccomp from insisting on it.
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    // Binary-tree dispatch (libseccomp >= 2.5): a trapped call runs O(log n) compares
    // instead of a chain over the whole trap set. Untrapped calls never run the program
    // on Linux >= 5.11 (the kernel caches "always allowed" per syscall number), so this
    // matters for trapped calls and older kernels only. Older libseccomp: keep the chain.
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    for (int i = 0; i < trap_count; i++) {
        rc = seccomp_rule_add(ctx, notify ? SCMP_ACT_NOTIFY : SCMP_ACT_TRACE(0), trap_nrs[i], 0);
        if (rc < 0) {
            seccomp_release(ctx);
            char what[64];
            snprintf(what, sizeof what, "seccomp rule for syscall %d", trap_nrs[i]);
            return fail(err, err_len, what, rc);
        }
    }
    if (deny_io_uring) {
        int nr = seccomp_syscall_resolve_name("io_uring_setup");
        if (nr >= 0) {
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
            if (rc < 0) { seccomp_release(ctx); return fail(err, err_len, "seccomp io_uring rule", rc); }
        }
    }
    int fd = memfd_create("faultbox-bpf", MFD_CLOEXEC);
    if (fd < 0) { seccomp_release(ctx); return fail(err, err_len, "memfd_create", errno); }
    rc = seccomp_export_bpf(ctx, fd);
    seccomp_release(ctx);
    if (rc < 0) { close(fd); return fail(err, err_len, "seccomp_export_bpf", rc); }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size % 8 != 0 || size / 8 > 65535) {
        close(fd);
        snprintf(err, err_len, "seccomp_export_bpf produced %lld bytes", (long long)size);
        return -1;
    }
    void *buf = malloc((size_t)size);
    if (!buf) { close(fd); return fail(err, err_len, "malloc", ENOMEM); }
    ssize_t got = pread(fd, buf, (size_t)size, 0);
    close(fd);
    if (got != size) { free(buf); return fail(err, err_len, "reading exported filter", errno ? errno : EIO); }
    out->instructions = buf;
    out->count = (unsigned short)(size / 8);
    return 0;
}

void cinj_free_filter(cinj_filter *filter) {
    free(filter->instructions);
    filter->instructions = NULL;
    filter->count = 0;
}

int cinj_syscall_number(const char *name) {
    int nr = seccomp_syscall_resolve_name(name);
    return nr == __NR_SCMP_ERROR ? -1 : nr;
}

int cinj_syscall_name(int nr, char *buf, size_t buf_len) {
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (!name) return -1;
    snprintf(buf, buf_len, "%s", name);
    free(name);
    return 0;
}
