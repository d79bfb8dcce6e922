// Starts the real demo services (the binaries SwiftPM built next to this test bundle, or
// $FAULTBOX_BIN/<name>) on free loopback ports, and stops them.
import Foundation
import Glibc
import XCTest
@testable import ServiceClients
import TestSupport

/// Where the service binaries are: $FAULTBOX_BIN, else the build folder of this test bundle.
func serviceBinary(_ name: String) throws -> String {
    var candidates: [String] = []
    if let bin = ProcessInfo.processInfo.environment["FAULTBOX_BIN"] { candidates.append(bin + "/" + name) }
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    candidates.append(bundleDir + "/" + name)
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().path + "/" + name)
    for path in candidates where FileManager.default.isExecutableFile(atPath: path) { return path }
    XCTFail("\(name) not found in \(candidates); build it first: swift build --scratch-path .build-rep --product \(name)")
    throw CocoaError(.fileNoSuchFile)
}

/// A loopback port nobody listens on, chosen by the kernel (TestSupport's kernelFreePort).
func freePort() -> Int { kernelFreePort() }

final class RunningService {
    let process = Process()
    let port: Int
    let stdout = Pipe()
    let stderr = Pipe()
    private var ownedDataDir: String?
    /// Milliseconds from launch until the port accepted a connection.
    private(set) var startupMs: Double = 0

    init(_ name: String, port: Int, environment: [String: String] = [:], wrapper: [String] = []) throws {
        self.port = port
        let binary = try serviceBinary(name)
        if wrapper.isEmpty {
            process.executableURL = URL(fileURLWithPath: binary)
        } else {
            process.executableURL = URL(fileURLWithPath: wrapper[0])
            process.arguments = Array(wrapper.dropFirst()) + [binary]
        }
        var env = ProcessInfo.processInfo.environment
        env["PORT"] = String(port)
        // Our own data folder, removed in deinit even when the service had to be SIGKILLed
        // (mock-db only removes the temporary folder it made itself on SIGTERM).
        if name == "mock-db" && environment["DATA_DIR"] == nil {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rep-db-\(getpid())-\(port)-\(Int.random(in: 0...999_999))").path
            env["DATA_DIR"] = dir
            ownedDataDir = dir
        }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = stdout
        process.standardError = stderr
        let started = monotonicMs()
        try process.run()
        let deadline = started + 5000
        while monotonicMs() < deadline {
            if TCPClient.connectFailure(host: "127.0.0.1", port: port, timeout: .milliseconds(100)) == nil {
                startupMs = monotonicMs() - started
                return
            }
            if !process.isRunning { break }
            usleep(500)
        }
        stop()
        throw ServiceError("\(name) did not listen on port \(port) within 5 s; stderr: \(readStderr())")
    }

    /// SIGTERM, then the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func readStdout() -> String { String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
    func readStderr() -> String { String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        if let ownedDataDir { try? FileManager.default.removeItem(atPath: ownedDataDir) }
    }
}

struct ServiceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Processes whose parent is `parent` (scanning /proc/*/stat; field 4 is the parent pid).
func childPIDs(of parent: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> Int32? in
        guard let pid = Int32(entry),
              let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
    }
}
