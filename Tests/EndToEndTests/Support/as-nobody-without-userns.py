#!/usr/bin/env python3
# Runs COMMAND as `nobody` where user namespaces are off, the condition in which
# `faultbox test --jobs N` cannot make namespaces (ParallelTests). Needs root. A new user
# namespace (uids 0-65535 mapped 1:1, so files keep their owners) gets
# user.max_user_namespaces = 0, then the process drops to nobody and execs COMMAND: no
# root, and no user namespace can be made, as on a locked-down CI host.
import ctypes, os, sys

CLONE_NEWUSER = 0x10000000
libc = ctypes.CDLL(None, use_errno=True)
ready_r, ready_w = os.pipe()
mapped_r, mapped_w = os.pipe()
pid = os.fork()
if pid == 0:
    if libc.unshare(CLONE_NEWUSER) != 0:
        sys.exit("unshare(CLONE_NEWUSER): " + os.strerror(ctypes.get_errno()))
    os.write(ready_w, b"1")
    os.read(mapped_r, 1)
    with open("/proc/sys/user/max_user_namespaces", "w") as f:
        f.write("0")
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
    os.execvp(sys.argv[1], sys.argv[1:])
os.read(ready_r, 1)
for name in ("uid_map", "gid_map"):
    with open("/proc/%d/%s" % (pid, name), "w") as f:
        f.write("0 0 65536")
os.write(mapped_w, b"1")
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
