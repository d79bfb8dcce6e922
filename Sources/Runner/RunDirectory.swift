import Foundation

/// Where service output goes: one directory per run, one sub-directory per test, one
/// `<service>.stdout` / `<service>.stderr` file per service. Files (not pipes) so that a
/// chatty service never blocks on a full pipe and the output survives for inspection
/// after the run (the failure report prints the directory).
public struct RunDirectory: Sendable {
    public let path: String

    /// Creates `<base>/faultbox-<date>-<pid>-<n>`; `base` defaults to `$FAULTBOX_RUN_DIR`, then
    /// `$TMPDIR`, then /tmp. A run never writes into the user's source tree unless asked.
    public static func create(base: String? = nil) throws -> RunDirectory {
        let env = ProcessInfo.processInfo.environment
        let root = base ?? env["FAULTBOX_RUN_DIR"] ?? env["TMPDIR"] ?? "/tmp"
        let stamp = Self.timestamp()
        let fm = FileManager.default
        for attempt in 0..<1000 {
            let candidate = (root as NSString).appendingPathComponent(
                "faultbox-\(stamp)-\(getpid())" + (attempt == 0 ? "" : "-\(attempt)"))
            if fm.fileExists(atPath: candidate) { continue }
            try fm.createDirectory(atPath: candidate, withIntermediateDirectories: true)
            return RunDirectory(path: candidate)
        }
        throw CocoaError(.fileWriteFileExists)
    }

    /// The directory for one test: `<index>-<name>` keeps declaration order when listed.
    public func testDirectory(index: Int, name: String, run: Int) throws -> TestLogDirectory {
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
        let suffix = run > 1 ? "-run\(run)" : ""
        let dir = (path as NSString).appendingPathComponent(String(format: "%03d-", index) + safe + suffix)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return TestLogDirectory(path: dir)
    }

    private static func timestamp() -> String {
        var t = time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%04d%02d%02d-%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}

/// One test's log files.
public struct TestLogDirectory: Sendable {
    public let path: String
    public func stdoutPath(_ service: String) -> String { (path as NSString).appendingPathComponent("\(service).stdout") }
    public func stderrPath(_ service: String) -> String { (path as NSString).appendingPathComponent("\(service).stderr") }

    /// The service's own TMPDIR for this test, created on demand: what a service leaves in
    /// its temporary folder (mock-db's data when it is SIGKILLed, say) stays with the test's
    /// logs instead of littering /tmp, and no test sees another test's temporary files.
    public func temporaryDirectory(_ service: String) throws -> String {
        let dir = (path as NSString).appendingPathComponent("\(service).tmp")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The last `maxLines` lines (at most `maxBytes` bytes) of a log file, decoded leniently.
    public static func tail(of file: String, maxLines: Int = 20, maxBytes: Int = 16 * 1024) -> String {
        guard let handle = FileHandle(forReadingAtPath: file) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(maxBytes) ? size - UInt64(maxBytes) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(maxLines).joined(separator: "\n")
    }

    /// The whole file (up to `maxBytes`, keeping the end), for reports.
    public static func contents(of file: String, maxBytes: Int = 256 * 1024) -> String {
        tail(of: file, maxLines: Int.max, maxBytes: maxBytes)
    }
}
