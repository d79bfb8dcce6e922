import XCTest
import StarlarkResolve
@testable import StarlarkVM
import TestSupport

/// go.starlark.net's own test suites (178 chunks), run in-process with the options and
/// expectations the shared runner uses. Needs `apt-get install golang-starlark-dev`.
final class ConformanceTests: XCTestCase {
    static let root = ProcessInfo.processInfo.environment["STARLARK_SRC"] ?? "/usr/share/gocode/src/go.starlark.net"
    static let evalFiles = ["assign", "bool", "builtins", "control", "dict", "float", "function", "int",
                            "json", "list", "misc", "set", "string", "tuple", "recursion", "module"]
    static var suites: [(mode: String, path: String)] {
        evalFiles.map { ("exec", "starlark/testdata/\($0).star") } + [
            ("exec", "starlarkstruct/testdata/struct.star"),
            ("resolve", "resolve/testdata/resolve.star"),
            ("parse", "syntax/testdata/errors.star"),
        ]
    }

    func testConformanceSuite() throws {
        let first = Self.root + "/starlark/testdata/assign.star"
        try requireOrSkip(FileManager.default.fileExists(atPath: first), "go.starlark.net test data not installed at \(Self.root)",
                          fix: "install golang-starlark-dev (make deps)")
        var passed = 0
        var failures: [String] = []
        for (mode, rel) in Self.suites {
            let path = Self.root + "/" + rel
            let base = (rel as NSString).lastPathComponent
            for chunk in try Chunks.read(path) {
                let outcome = ChunkRunner.run(source: chunk.source, name: base, dir: "/conformance",
                                              mode: mode, options: chunk.options, maxSteps: 50_000_000)
                if let why = ChunkRunner.judge(outcome, chunk) {
                    failures.append("\(rel)#\(chunk.index): \(why)")
                } else {
                    passed += 1
                }
            }
        }
        print("conformance: \(passed) passed, \(failures.count) failed")
        for f in failures { print("FAIL \(f)") }
        XCTAssertEqual(failures.count, 0, "\(failures.count) chunks failed; first: \(failures.first ?? "")")
    }
}
