import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// Runs real programs under a real session and collects what they printed.
final class Harness: @unchecked Sendable {
    let directory: String
    let events = EventLog()
    let session: InjectorSession

    init(seed: UInt64 = 0, events selection: EventSelection = .all) {
        directory = NSTemporaryDirectory() + "faultbox-inj-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let log = events
        session = InjectorSession(seed: seed, events: selection) { log.append($0) }
    }

    deinit {
        session.shutdown(grace: .milliseconds(200))
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Launches `argv` as service `service` with stdout/stderr captured in files.
    /// HOME is always set: without it Python asks NSS for the user's home directory, which
    /// connects to nscd's socket, and those connects would meet the test's connect rules
    /// (CI machines run with an environment that has no HOME).
    func launch(_ argv: [String], service: String = "svc", trap: Set<String>,
                environment: [String: String] = [:]) throws -> TracedProcess {
        try session.launch(LaunchSpec(
            service: service, executable: argv[0], arguments: Array(argv.dropFirst()),
            environment: environment.merging(["HOME": directory]) { given, _ in given },
            workingDirectory: directory,
            stdoutPath: directory + "/\(service).out", stderrPath: directory + "/\(service).err",
            trapSyscalls: trap))
    }

    func stdout(_ service: String = "svc") -> String { read(directory + "/\(service).out") }
    func stderr(_ service: String = "svc") -> String { read(directory + "/\(service).err") }

    func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Waits for exit (fails the test on timeout), then for the events the tracer has
    /// produced to reach `events`: they are delivered by the session's pump thread, which on
    /// a loaded machine may run after the exit is seen (the runner flushes the same way).
    func finish(_ process: TracedProcess, timeout: Duration = .seconds(30),
                file: StaticString = #filePath, line: UInt = #line) -> ProcessExit? {
        let exit = process.waitForExit(timeout: timeout)
        session.flushEvents()
        XCTAssertNotNil(exit, "program did not finish in time; stderr: \(stderr(process.service))", file: file, line: line)
        // Events reach the log on the pump's thread; under load the last ones can still be
        // queued when the exit is seen (as the cell program does before reading its trace).
        session.flushEvents()
        return exit
    }
}

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [SyscallEvent] = []
    func append(_ e: SyscallEvent) { lock.lock(); items.append(e); lock.unlock() }
    var all: [SyscallEvent] { lock.lock(); defer { lock.unlock() }; return items }
}

/// A real TCP listener on 127.0.0.1 (connects complete through the backlog).
final class Listener {
    let fd: Int32
    let port: UInt16

    init(ipv6: Bool = false) throws {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if ipv6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_addr = in6addr_loopback
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
            guard rc == 0 else { close(fd); throw cannotRun("no IPv6 loopback here", fix: "enable IPv6 on lo (sysctl net.ipv6.conf.lo.disable_ipv6=0)") }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            XCTAssertEqual(rc, 0)
        }
        listen(fd, 128)
        var storage = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset.
        self.fd = fd
        port = UInt16(bigEndian: storage.sin6_port)
    }

    deinit { close(fd) }
}

/// Debian's interpreter when present: a `python3` found first on PATH may be a shim
/// (pyenv's is a bash script that execs several programs), which changes what is traced.
let pythonPath = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

func python(_ code: String) -> [String] { [pythonPath, "-c", code] }

/// True while `pid` exists (a zombie counts as existing).
func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
}

func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// The body curl fetches from `url` (its errors go to the test's stderr).
func curlGet(_ url: String) throws -> String {
    try runProgram("/usr/bin/curl", ["-sS", "--max-time", "10", url], stderrToo: false).output
}
