import Foundation
import TestSupport
import XCTest

/// Every input a fuzzer once broke faultbox with (fuzz/regressions/<target>/) and the seed
/// specs, replayed through the fuzz executables of this build (docs/fuzzing.md). Without the
/// fuzzer flag each executable replays the files it is given; a trap, a sanitizer report or
/// an invalid JUnit document ends it with a signal or a message, and the test fails.
final class FuzzRegressionTests: XCTestCase {
    static let targets = ["front-end", "spec", "fault-rule", "junit"]

    /// The executables sit beside the test bundle (swift test builds every product).
    private func executable(_ target: String) throws -> String {
        let bundle = URL(fileURLWithPath: Bundle.main.bundlePath)
        let dirs = [bundle.path, bundle.deletingLastPathComponent().path,
                    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path]
        for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/fuzz-" + target) {
            return dir + "/fuzz-" + target
        }
        throw HarnessError("fuzz-\(target) is not in \(dirs.joined(separator: " or ")): swift test builds it with the other products")
    }

    private func replay(_ target: String, _ inputs: [String]) throws -> (Int32, String) {
        let root = FaultboxHarness.packageRoot()
        var env = ProcessInfo.processInfo.environment
        env["FAULTBOX_JUNIT_XSD"] = root + "/../shared/junit/junit.xsd"
        return try runProgram(try executable(target), inputs, directory: NSTemporaryDirectory(), environment: env)
    }

    func testEveryRegressionInputStillRunsClean() throws {
        let root = FaultboxHarness.packageRoot()
        for target in Self.targets {
            let dir = root + "/fuzz/regressions/" + target
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0 != "README.md" }
            guard !files.isEmpty else { continue }
            let (status, output) = try replay(target, files.sorted().map { dir + "/" + $0 })
            XCTAssertEqual(status, 0, "fuzz-\(target):\n\(output)")
            XCTAssertTrue(output.contains("\(files.count) input\(files.count == 1 ? "" : "s") replayed, none crashed"), output)
        }
    }

    /// The seeds of the front end and spec corpora go through the same function as fuzzed
    /// inputs, so a target that traps on ordinary specs is caught without a fuzzing build.
    func testExamplesReplayThroughTheFrontEndAndSpecTargets() throws {
        let root = FaultboxHarness.packageRoot()
        let examples = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/examples")) ?? [])
            .filter { $0.hasSuffix(".star") }.sorted().map { root + "/examples/" + $0 }
        XCTAssertGreaterThan(examples.count, 3)
        for target in ["front-end", "spec"] {
            let (status, output) = try replay(target, examples)
            XCTAssertEqual(status, 0, "fuzz-\(target):\n\(output)")
            XCTAssertTrue(output.contains("\(examples.count) inputs replayed, none crashed"), output)
        }
    }

    func testReplayerRefusesAMissingInput() throws {
        let (status, output) = try replay("fault-rule", ["/nonexistent/input"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(output.contains("no such file or directory: /nonexistent/input"), output)
    }
}
