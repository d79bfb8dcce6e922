import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// Explicit allow rules (they win over deny/delay for the calls they match, whatever the
/// order), the op name carried from a rule into its events, and the reference tool's
/// `--fault` forms.
final class AllowAndOpTests: XCTestCase {
    /// Writes "x" to three files, ignoring errors; prints nothing (stdout is written with
    /// write() too) and leaves without flushing.
    private let writer = """
        import os
        for name in ["data.wal", "app.log", "other.txt"]:
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644)
                try:
                    os.write(fd, b"x")
                finally:
                    os.close(fd)
            except OSError:
                pass
        os._exit(0)
        """

    func testAllowWinsOverABroaderDenyWhateverTheOrder() throws {
        for allowFirst in [false, true] {
            let h = Harness()
            let deny = FaultRule(id: 1, syscalls: ["write"], action: .deny(errno: EIO), label: "disk")
            let allowLog = FaultRule(id: 2, syscalls: ["write"], action: .allow, label: "keep logs", pathGlob: "*.log")
            h.session.arm(["svc": allowFirst ? [allowLog, deny] : [deny, allowLog]])
            let p = try h.launch(python(writer), trap: ["write"])
            XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
            let dir = h.directory
            XCTAssertEqual(h.read(dir + "/app.log"), "x", "allow first: \(allowFirst)")
            XCTAssertEqual(h.read(dir + "/data.wal"), "", "allow first: \(allowFirst)")
            XCTAssertEqual(h.read(dir + "/other.txt"), "", "allow first: \(allowFirst)")
            XCTAssertEqual(h.session.ruleHits()[2], 1, "the allow rule decided the log write")
            XCTAssertTrue(waitUntil(timeout: 10) { h.events.all.contains { $0.ruleID == 2 } })
            let allowed = try XCTUnwrap(h.events.all.first { $0.ruleID == 2 })
            XCTAssertEqual(allowed.decision, .allow)
            XCTAssertEqual(allowed.label, "keep logs")
            XCTAssertTrue(allowed.path?.hasSuffix("/app.log") ?? false, "\(String(describing: allowed.path))")
        }
    }

    func testAllowWhosePathDoesNotMatchLeavesTheDeny() throws {
        let h = Harness()
        h.session.arm(["svc": [
            FaultRule(id: 1, syscalls: ["write"], action: .deny(errno: ENOSPC)),
            FaultRule(id: 2, syscalls: ["write"], action: .allow, pathGlob: "/nowhere/*"),
        ]])
        let p = try h.launch(python(writer), trap: ["write"])
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
        XCTAssertEqual(h.read(h.directory + "/app.log"), "")
        XCTAssertEqual(h.session.ruleHits()[2] ?? 0, 0)
        XCTAssertGreaterThan(h.session.ruleHits()[1] ?? 0, 2)
    }

    func testOpNameIsCarriedIntoEvents() throws {
        let h = Harness()
        h.session.arm(["svc": [
            FaultRule(id: 7, syscalls: ["write", "fsync"], action: .deny(errno: EIO), label: "wal", pathGlob: "*.wal", op: "persist"),
        ]])
        let p = try h.launch(python("""
            import os
            fd = os.open("data.wal", os.O_WRONLY | os.O_CREAT, 0o644)
            for call in [lambda: os.write(fd, b"x"), lambda: os.fsync(fd)]:
                try:
                    call(); print("ok")
                except OSError as e:
                    print(e.strerror)
            """), trap: ["write", "fsync"])
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
        XCTAssertEqual(h.stdout(), "Input/output error\nInput/output error\n")
        XCTAssertTrue(waitUntil(timeout: 10) { h.events.all.filter { $0.ruleID == 7 }.count == 2 })
        let fired = h.events.all.filter { $0.ruleID == 7 }
        XCTAssertEqual(fired.map(\.op), ["persist", "persist"])
        XCTAssertEqual(fired.map(\.syscall), ["write", "fsync"])
        // Calls no rule decided carry no op.
        XCTAssertTrue(h.events.all.filter { $0.ruleID == nil }.allSatisfy { $0.op == nil })
    }

    // MARK: --fault forms

    func testReferenceToolFaultForms() throws {
        let a = try FaultSpec.parse("write=EIO:30%", id: 1)
        XCTAssertEqual(a.action, .deny(errno: EIO))
        XCTAssertEqual(a.probability, 0.3, accuracy: 1e-12)
        XCTAssertNil(a.pathGlob)
        let b = try FaultSpec.parse("openat=ENOENT:100%:/data/*", id: 2)
        XCTAssertEqual(b.syscalls, ["openat"])
        XCTAssertEqual(b.action, .deny(errno: ENOENT))
        XCTAssertEqual(b.probability, 1)
        XCTAssertEqual(b.pathGlob, "/data/*")
        let c = try FaultSpec.parse("write=delay:500ms:100%", id: 3)
        XCTAssertEqual(c.action, .delay(nanoseconds: 500_000_000))
        XCTAssertEqual(c.probability, 1)
        let d = try FaultSpec.parse("openat=delay:100ms:50%:/data/*", id: 4)
        XCTAssertEqual(d.action, .delay(nanoseconds: 100_000_000))
        XCTAssertEqual(d.pathGlob, "/data/*")
        XCTAssertEqual(d.probability, 0.5)
        // Case of the errno, a glob with ':' in it, a glob starting with '*', mixed with options.
        XCTAssertEqual(try FaultSpec.parse("write=eio:5%", id: 5).action, .deny(errno: EIO))
        XCTAssertEqual(try FaultSpec.parse("openat=ENOENT:100%:/data/a:b/*", id: 6).pathGlob, "/data/a:b/*")
        let e = try FaultSpec.parse("write=ENOSPC:*.wal:label=wal", id: 7)
        XCTAssertEqual(e.pathGlob, "*.wal")
        XCTAssertEqual(e.label, "wal")
        // Today's forms still parse as before.
        XCTAssertEqual(try FaultSpec.parse("connect=ECONNREFUSED:dest=127.0.0.1:5432", id: 8).destination, "127.0.0.1:5432")
        XCTAssertEqual(try FaultSpec.parse("write=EIO:path=/var/lib/x/*", id: 9).pathGlob, "/var/lib/x/*")
    }

    func testBadFaultFormsNameTheProblemAndTheAcceptedForms() {
        let cases: [(String, String)] = [
            ("write=EIO:30", "'30' is not an option; a probability needs %, e.g. 30%"),
            ("write=EIO:nth=3", "triggers (nth=N, after=N) are not supported here yet"),
            ("write=EIO:after=2", "triggers (nth=N, after=N) are not supported here yet"),
            ("write=EIO:data/*", "unknown option 'data/*' (a path glob must start with / or *)"),
            ("write=EIO:/a/*:/b/*", "two path globs"),
            ("write=EIO::50%", "empty option"),
            ("write=delay:500ms:200%", "'200%' is not a percentage between 0% and 100%"),
        ]
        for (spec, problem) in cases {
            XCTAssertThrowsError(try FaultSpec.parse(spec, id: 1), spec) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(problem), "\(spec): \(text)")
                XCTAssertTrue(text.contains("accepted forms:") && text.contains("--fault openat=ENOENT:100%:/data/*"), text)
            }
        }
    }

    /// `faultbox run` with the reference forms, on a real program (skipped without the binary).
    func testRunCommandTakesTheReferenceForms() throws {
        guard let faultbox = FaultboxBinary.path else {
            throw cannotRun("faultbox binary not found", fix: "run make build and set FAULTBOX_BIN to bin/ (make test does)")
        }
        let dir = NSTemporaryDirectory() + "faultbox-run-forms-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/data/a", contents: Data("a".utf8))
        FileManager.default.createFile(atPath: dir + "/b", contents: Data("b".utf8))
        let code = """
            import sys
            for p in ["\(dir)/data/a", "\(dir)/b"]:
                try:
                    open(p).read(); print(p[-1], "ok")
                except OSError as e:
                    print(p[-1], e.strerror)
            """
        let task = Process()
        task.executableURL = URL(fileURLWithPath: faultbox)
        task.arguments = ["run", "--fault", "openat=ENOENT:100%:\(dir)/data/*", "--fault", "write=delay:1ms:100%",
                          "--", pythonPath, "-c", code]
        let out = Pipe(), err = Pipe()
        task.standardOutput = out
        task.standardError = err
        try task.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        task.waitUntilExit()
        let stdout = String(decoding: outData, as: UTF8.self), stderr = String(decoding: errData, as: UTF8.self)
        XCTAssertEqual(task.terminationStatus, 0, stderr)
        XCTAssertEqual(stdout, "a No such file or directory\nb ok\n", stderr)
        XCTAssertTrue(stderr.contains("--fault openat=ENOENT:100%:\(dir)/data/*: fired 1 time\n"), stderr)
        XCTAssertTrue(stderr.contains("--fault write=delay:1ms:100%: fired"), stderr)
    }
}
