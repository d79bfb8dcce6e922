import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Launch failures come back as clear errors, not as a child's exit status.
final class LaunchTests: XCTestCase {
    private func launchError(_ spec: LaunchSpec) -> String {
        let h = Harness()
        do {
            _ = try h.session.launch(spec)
            return "launched"
        } catch {
            return "\(error)"
        }
    }

    /// The tracer thread raises its own priority; the program must not inherit that.
    func testProgramRunsAtTheCallersPriorityNotTheTracers() throws {
        errno = 0
        let ours = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid()))
        XCTAssertEqual(errno, 0)
        let h = Harness()
        let p = try h.launch(["/bin/sh", "-c", "cut -d' ' -f19 /proc/self/stat"], trap: ["connect"])
        XCTAssertEqual(h.finish(p), .exited(0))
        XCTAssertEqual(h.stdout().trimmingCharacters(in: .whitespacesAndNewlines), "\(ours)")
    }

    func testMissingBinary() {
        let message = launchError(LaunchSpec(service: "db", executable: "/no/such/db-server"))
        XCTAssertTrue(message.contains("service 'db'") && message.contains("does not exist"), message)
        let bare = launchError(LaunchSpec(service: "db", executable: "no-such-program-xyz"))
        XCTAssertTrue(bare.contains("not found in PATH"), bare)
    }

    func testNotExecutable() throws {
        let file = NSTemporaryDirectory() + "faultbox-noexec-\(getpid())"
        try "#!/bin/sh\necho hi\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { unlink(file) }
        let message = launchError(LaunchSpec(service: "api", executable: file))
        XCTAssertTrue(message.contains("not executable"), message)
    }

    func testExecveFailureReportedThroughThePipe() throws {
        // Executable bit set but no format the kernel knows: only execve can tell.
        let file = NSTemporaryDirectory() + "faultbox-badformat-\(getpid())"
        try "garbage without a shebang".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o755)
        defer { unlink(file) }
        let message = launchError(LaunchSpec(service: "api", executable: file, trapSyscalls: ["connect"]))
        XCTAssertTrue(message.contains("execve") && message.contains("not an executable format"), message)
    }

    func testMissingInterpreterIsExplained() throws {
        let file = NSTemporaryDirectory() + "faultbox-shebang-\(getpid())"
        try "#!/no/such/interpreter\necho hi\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o755)
        defer { unlink(file) }
        let message = launchError(LaunchSpec(service: "api", executable: file))
        XCTAssertTrue(message.contains("interpreter/loader is missing"), message)
    }

    func testBadWorkingDirectory() {
        let message = launchError(LaunchSpec(service: "api", executable: "/bin/true", workingDirectory: "/no/such/dir"))
        XCTAssertTrue(message.contains("working directory /no/such/dir") && message.contains("No such file"), message)
    }

    func testUnknownTrapSyscall() {
        let message = launchError(LaunchSpec(service: "api", executable: "/bin/true", trapSyscalls: ["conect"]))
        XCTAssertTrue(message.contains("unknown syscall 'conect'"), message)
    }

    func testEnvironmentArgumentsAndOutputFiles() throws {
        let h = Harness()
        let p = try h.launch(["sh", "-c", "echo \"$GREETING $1\"; echo err >&2; exit 3", "sh", "world"],
                             trap: [], environment: ["GREETING": "hello"])
        XCTAssertEqual(h.finish(p), .exited(3))
        XCTAssertEqual(h.stdout(), "hello world\n")
        XCTAssertEqual(h.stderr(), "err\n")
    }

    func testLaunchAfterShutdownFails() {
        let h = Harness()
        h.session.shutdown(grace: .zero)
        XCTAssertThrowsError(try h.launch(["/bin/true"], trap: [])) { error in
            XCTAssertEqual(error as? InjectorError, .sessionClosed)
        }
    }
}

final class LaunchInputTests: XCTestCase {
    func testNulBytesAndBadEnvironmentNamesAreRejected() {
        let h = Harness()
        XCTAssertThrowsError(try h.launch(["/bin/echo", "a\u{0}b"], trap: [])) { error in
            XCTAssertTrue("\(error)".contains("argument 1 contains a NUL byte"), "\(error)")
        }
        XCTAssertThrowsError(try h.launch(["/bin/true"], trap: [], environment: ["A=B": "x"])) { error in
            XCTAssertTrue("\(error)".contains("environment variable 'A=B'"), "\(error)")
        }
    }
}
