import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// `faultbox run` end to end (skipped when no faultbox binary is found).
final class RunCommandTests: XCTestCase {
    /// `wrapper`: a command that starts faultbox (its path is appended, then `arguments`);
    /// `unsetEnvironment`: variables removed from faultbox's environment.
    private func run(_ arguments: [String], asNobody: Bool = false, setpriv: [String]? = nil,
                     wrapper: [String]? = nil, unsetEnvironment: [String] = []) throws -> (status: Int32, out: String, err: String) {
        guard let faultbox = FaultboxBinary.path else {
            throw cannotRun("faultbox binary not found", fix: "run make build and set FAULTBOX_BIN to bin/ (make test does)")
        }
        let task = Process()
        if let wrapper {
            task.executableURL = URL(fileURLWithPath: wrapper[0])
            task.arguments = Array(wrapper.dropFirst()) + [faultbox] + arguments
        } else if asNobody || setpriv != nil {
            task.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            task.arguments = (setpriv ?? ["--reuid=65534", "--regid=65534", "--clear-groups"]) + [faultbox] + arguments
        } else {
            task.executableURL = URL(fileURLWithPath: faultbox)
            task.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        for name in unsetEnvironment { environment.removeValue(forKey: name) }
        task.environment = environment
        task.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        let out = Pipe(), err = Pipe()
        task.standardOutput = out
        task.standardError = err
        try task.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        task.waitUntilExit()
        return (task.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    func testVerboseNamesTheBackendAndABadInjectorIsAUsageError() throws {
        let expected = ProcessInfo.processInfo.environment["FAULTBOX_INJECTOR"] == "ptrace" ? "ptrace" : "notify"
        let r = try run(["run", "-v", "--fault", "write=EIO:path=/dev/null", "--", "/bin/sh", "-c", "echo x > /dev/null; exit 0"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("faultbox: injector backend: \(expected)"), r.err)
        XCTAssertTrue(r.err.contains("fired 1 time"), r.err)
        for backend in ["notify", "ptrace"] {
            let chosen = try run(["run", "-v", "--injector", backend, "--", "/bin/true"])
            XCTAssertEqual(chosen.status, 0, chosen.err)
            XCTAssertTrue(chosen.err.contains("injector backend: \(backend)"), chosen.err)
        }
        let bad = try run(["run", "--injector", "ebpf", "--", "/bin/true"])
        XCTAssertEqual(bad.status, 1, bad.err)
        XCTAssertTrue(bad.err.contains("--injector ebpf: expected auto, notify or ptrace"), bad.err)
    }

    /// The kernel allows one seccomp listener per filter chain: under a supervisor that
    /// already holds one (a container runtime's, here a python parent that installed a
    /// NEW_LISTENER filter and keeps the descriptor open across exec), installing ours fails
    /// with EBUSY although SECCOMP_GET_ACTION_AVAIL says USER_NOTIF exists. `auto` must see
    /// that before launching and fall back to ptrace with one line; `notify` must refuse
    /// up front, naming the flag and the fix.
    func testAListenerHeldByAParentSupervisorFallsBackToPtrace() throws {
        guard let seccompNumber = ["x86_64": 317, "aarch64": 277][machineName()] else {
            throw XCTSkip("seccomp's syscall number is known here only for x86_64 and aarch64")
        }
        let holdListener = """
            import ctypes, os, struct, sys
            libc = ctypes.CDLL(None, use_errno=True)
            code = ctypes.create_string_buffer(struct.pack("HBBI", 0x06, 0, 0, 0x7fff0000))  # RET ALLOW
            class Prog(ctypes.Structure):
                _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
            prog = Prog(1, ctypes.cast(code, ctypes.c_void_p))
            libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
            fd = libc.syscall(\(seccompNumber), 1, 8, ctypes.byref(prog))  # SET_MODE_FILTER, NEW_LISTENER
            if fd < 0:
                sys.exit("seccomp: " + os.strerror(ctypes.get_errno()))
            os.set_inheritable(fd, True)
            os.execv(sys.argv[1], sys.argv[1:])
            """
        let wrapper = [pythonPath, "-c", holdListener]
        let fault = ["--fault", "write=EIO:path=/dev/null", "--", "/bin/sh", "-c", "echo x > /dev/null; exit 0"]

        let auto = try run(["run", "-v", "--injector", "auto"] + fault, wrapper: wrapper, unsetEnvironment: ["FAULTBOX_INJECTOR"])
        XCTAssertEqual(auto.status, 0, auto.err)
        let notes = auto.err.split(separator: "\n").filter { $0.contains("using the ptrace injector") }
        XCTAssertEqual(notes.count, 1, auto.err)
        XCTAssertTrue(notes.first?.contains("SECCOMP_FILTER_FLAG_NEW_LISTENER") ?? false, auto.err)
        XCTAssertTrue(notes.first?.contains("Device or resource busy") ?? false, auto.err)
        XCTAssertTrue(auto.err.contains("faultbox: injector backend: ptrace"), auto.err)
        XCTAssertTrue(auto.err.contains("fired 1 time"), "the ptrace fallback still injects: \(auto.err)")

        let notify = try run(["run", "--injector", "notify"] + fault, wrapper: wrapper)
        XCTAssertEqual(notify.status, 1, notify.err)
        XCTAssertTrue(notify.err.contains("--injector notify: seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER) fails here"), notify.err)
        XCTAssertTrue(notify.err.contains("use --injector ptrace"), notify.err)
        XCTAssertFalse(notify.err.contains("fired"), "nothing may start: \(notify.err)")

        let ptrace = try run(["run", "--injector", "ptrace"] + fault, wrapper: wrapper)
        XCTAssertEqual(ptrace.status, 0, ptrace.err)
        XCTAssertFalse(ptrace.err.contains("user notification"), ptrace.err)
    }

    private func machineName() -> String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    func testAnUnknownOptionBeforeTheProgramIsAUsageError() throws {
        let r = try run(["run", "-x", "--", "/bin/true"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("faultbox run: unknown option '-x'; options: --fault SPEC"), r.err)
        XCTAssertFalse(r.err.contains("not found in PATH"), r.err)
        // After `--`, a leading dash belongs to the program's own arguments.
        let ok = try run(["run", "--", "/bin/sh", "-c", "exit 0"])
        XCTAssertEqual(ok.status, 0, ok.err)
    }

    func testTraceSummaryAndExitStatus() throws {
        let listener = try Listener()
        let code = "import socket,sys\ntry:\n socket.create_connection(('127.0.0.1', \(listener.port)))\nexcept OSError as e:\n print(e.strerror); sys.exit(3)"
        let r = try run(["run", "--fault", "connect=ECONNREFUSED:dest=127.0.0.1:\(listener.port)",
                         "--fault", "fsync=EIO", "--trace", "faults", "--", pythonPath, "-c", code])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertEqual(r.out, "Connection refused\n")
        XCTAssertTrue(r.err.contains("connect(127.0.0.1:\(listener.port)) denied ECONNREFUSED"), r.err)
        XCTAssertTrue(r.err.contains("--fault connect=ECONNREFUSED:dest=127.0.0.1:\(listener.port): fired 1 time"), r.err)
        XCTAssertTrue(r.err.contains("--fault fsync=EIO: fired 0 times (never fired"), r.err)
    }

    func testBadSpecShowsTheAcceptedForms() throws {
        let r = try run(["run", "--fault", "connect=NOPE", "--", "true"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("'NOPE' is neither an errno name") && r.err.contains("accepted forms"), r.err)
    }

    func testSignalExitBecomes128PlusN() throws {
        let r = try run(["run", "--", "sh", "-c", "kill -TERM $$"])
        XCTAssertEqual(r.status, 128 + SIGTERM, r.err)
    }

    func testNoNewPrivsOnlyWithoutRoot() throws {
        guard geteuid() == 0 else { throw cannotRun("needs root to compare root and non-root", fix: "run the tests as root (CI does)") }
        let probe = ["run", "--trace", "faults", "--fault", "connect=ECONNREFUSED", "--", "grep", "NoNewPrivs", "/proc/self/status"]
        let asRoot = try run(probe)
        XCTAssertEqual(asRoot.status, 0, asRoot.err)
        XCTAssertTrue(asRoot.out.contains("NoNewPrivs:\t0"), "root keeps setuid helpers working: \(asRoot.out)")
        let asNobody = try run(probe, asNobody: true)
        guard !asNobody.err.contains("Permission denied") else { throw cannotRun("the faultbox binary is not reachable by user nobody", fix: "make the path to bin/ world-readable") }
        XCTAssertEqual(asNobody.status, 0, asNobody.err)
        XCTAssertTrue(asNobody.out.contains("NoNewPrivs:\t1"), asNobody.out + asNobody.err)
    }

    /// Root without CAP_SYS_ADMIN (Docker's default) must fall back to no_new_privs.
    func testRootWithoutSysAdminStillInstallsTheFilter() throws {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw cannotRun("needs root and setpriv", fix: "run as root with util-linux's setpriv installed")
        }
        let listener = try Listener()
        let code = "import socket\ntry:\n socket.create_connection(('127.0.0.1', \(listener.port))); print('connected')\nexcept OSError as e:\n print(e.strerror)"
        let r = try run(["run", "--fault", "connect=ECONNREFUSED", "--", pythonPath, "-c", code],
                        setpriv: ["--bounding-set=-sys_admin"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "Connection refused\n", r.err)
    }
}
