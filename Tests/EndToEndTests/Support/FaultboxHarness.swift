import Foundation
import XCTest

/// Runs the real `faultbox` binary against real demo services in a fresh directory.
///
/// Binaries: `$FAULTBOX_BIN` (set by `make test` to bin/), else the build directory of this
/// test bundle (swift test builds the executables too), else a build into
/// `.build-run-e2e`. The spec files are written into a temporary directory with a `bin`
/// link to the services, exactly as a user following the tutorial would have them.
struct FaultboxHarness {
    let binDirectory: String
    let workDirectory: String

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var durationMs: Double
        var all: String { stdout + stderr }
    }

    static func make(file: StaticString = #filePath) throws -> FaultboxHarness {
        let bin = try locateBinaries()
        let work = NSTemporaryDirectory() + "faultbox-e2e-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // Copies, not a link: /proc/PID/exe then names this directory, so "no service left
        // running" can be checked without confusing other suites' demo services.
        try FileManager.default.createDirectory(atPath: work + "/bin", withIntermediateDirectories: true)
        for service in ["mock-db", "mock-api"] {
            try FileManager.default.copyItem(atPath: bin + "/" + service, toPath: work + "/bin/" + service)
        }
        return FaultboxHarness(binDirectory: bin, workDirectory: work)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: workDirectory) }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: workDirectory + "/" + name, atomically: true, encoding: .utf8)
    }

    func path(_ name: String) -> String { workDirectory + "/" + name }

    /// Starts `faultbox ARGS` in the work directory; the caller waits or signals it.
    /// With `stdoutPath`, standard output goes to that file instead (e.g. /dev/full).
    /// With `launcher`, that command runs faultbox (e.g. a script that drops privileges).
    /// faultbox runs in a network namespace of its own (see `privateNetwork`) unless
    /// `sharedNetwork` is set, for a test that must see a socket of the test process.
    func start(_ args: [String], environment extra: [String: String] = [:],
               stdoutPath: String? = nil, launcher: [String] = [], sharedNetwork: Bool = false) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        let faultbox = binDirectory + "/faultbox"
        let command = (sharedNetwork ? [] : Self.privateNetwork) + (launcher.isEmpty ? [faultbox] : launcher + [faultbox]) + args
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: workDirectory)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["FAULTBOX_RUN_DIR"] = workDirectory + "/runs"
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        if let stdoutPath {
            process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        } else {
            process.standardOutput = out
        }
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    func run(_ args: [String], environment: [String: String] = [:], launcher: [String] = [],
             sharedNetwork: Bool = false) throws -> Result {
        // A monotonic clock: a lower bound on a run's duration must not move with the date.
        let began = ContinuousClock.now
        let (process, out, err) = try start(args, environment: environment, launcher: launcher, sharedNetwork: sharedNetwork)
        // Read both pipes concurrently so that neither can fill up and block faultbox.
        let errData = Locked2<Data>(Data())
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.done { Thread.sleep(forTimeInterval: 0.005) }
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.value, as: UTF8.self),
                      durationMs: (ContinuousClock.now - began) / .milliseconds(1))
    }

    /// The specs name fixed ports (the seed's 5432 and 8080, each suite's own 2xxxx), so
    /// two suites running at once on one host would collide: each faultbox gets a network
    /// namespace of its own with only a loopback (`unshare --net`, then `ip link set lo
    /// up`; the process keeps its pid, so signals and /proc checks still reach it). That
    /// needs root; elsewhere faultbox shares the host's network, as before.
    static let privateNetwork: [String] = {
        let tools = ["/usr/bin/unshare", "/usr/sbin/ip", "/bin/sh"]
        guard geteuid() == 0, tools.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) else { return [] }
        return ["/usr/bin/unshare", "--net", "--", "/bin/sh", "-c", #"/usr/sbin/ip link set lo up && exec "$0" "$@""#]
    }()

    // MARK: finding or building the binaries

    private static func locateBinaries() throws -> String {
        let needed = ["faultbox", "mock-db", "mock-api"]
        func complete(_ dir: String) -> Bool {
            needed.allSatisfy { FileManager.default.isExecutableFile(atPath: dir + "/" + $0) }
        }
        if let env = ProcessInfo.processInfo.environment["FAULTBOX_BIN"], complete(env) { return env }
        let bundleDir = URL(fileURLWithPath: Bundle.main.bundlePath).deletingLastPathComponent().path
        for dir in [bundleDir, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path]
        where complete(dir) { return dir }
        let root = packageRoot()
        let scratch = root + "/.build-run-e2e"
        for product in needed {
            let build = Process()
            build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            build.arguments = ["swift", "build", "--package-path", root, "--scratch-path", scratch, "--product", product]
            try build.run()
            build.waitUntilExit()
            if build.terminationStatus != 0 { throw HarnessError("could not build \(product) (swift build exit \(build.terminationStatus))") }
        }
        let dir = scratch + "/debug"
        guard complete(dir) else { throw HarnessError("built binaries not found in \(dir)") }
        return dir
    }

    static func packageRoot(file: String = #filePath) -> String {
        var url = URL(fileURLWithPath: file)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A value written once by a reader thread.
final class Locked2<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    private var finished = false
    init(_ v: T) { stored = v }
    func set(_ v: T) { lock.lock(); stored = v; finished = true; lock.unlock() }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
}

/// Live processes started from `directory`'s copies of the demo services.
func processes(startedFrom directory: String) -> [String] {
    let fm = FileManager.default
    var found: [String] = []
    for pid in (try? fm.contentsOfDirectory(atPath: "/proc")) ?? [] where pid.allSatisfy(\.isNumber) {
        guard let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe") else { continue }
        if exe.hasPrefix(directory + "/") { found.append("\(pid) \(exe)") }
    }
    return found
}
