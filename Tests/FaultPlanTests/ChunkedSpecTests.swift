#if canImport(Glibc)
import Glibc
#endif
import FaultPlan
import SpecLowering
import StarlarkVM
import XCTest
import TestSupport

/// Runs `testdata/*.star` chunk by chunk (go.starlark.net's test format): chunks separated
/// by `---` lines, `### "regexp"` on each line where an error is expected. Every error must
/// be expected and every expectation met, on its line.
final class ChunkedSpecTests: XCTestCase {
    func testErrors() throws {
        try runChunks("errors.star")
    }

    /// Named operations, allow(), fault_start/fault_stop/fault_all.
    func testFaultParityErrors() throws {
        try runChunks("faults.star", minimum: 30)
    }

    func runChunks(_ name: String, minimum: Int = 40) throws {
        let path = Fixtures.testdata + "/" + name
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var chunkStart = 0
        var chunks: [(start: Int, lines: [String])] = []
        for (i, line) in lines.enumerated() where line == "---" {
            chunks.append((chunkStart, Array(lines[chunkStart..<i])))
            chunkStart = i + 1
        }
        chunks.append((chunkStart, Array(lines[chunkStart...])))
        let dir = try Fixtures.tempDirectory(self)
        var checked = 0
        for chunk in chunks {
            // Pad so that line numbers are those of the whole file.
            let body = String(repeating: "\n", count: chunk.start) + chunk.lines.joined(separator: "\n") + "\n"
            try body.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            var expected: [(line: Int, pattern: String)] = []
            for (i, line) in chunk.lines.enumerated() {
                guard let r = line.range(of: "### \"") else { continue }
                var pattern = String(line[r.upperBound...])
                if pattern.hasSuffix("\"") { pattern.removeLast() }
                pattern = pattern.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
                expected.append((chunk.start + i + 1, pattern))
            }
            var actual: [(line: Int, text: String)] = []
            do {
                _ = try loadSpec(path: name, options: Fixtures.options(dir))
            } catch {
                actual = error.all.map { ($0.position.line, $0.message + " " + $0.fix) }
            }
            let where_ = "\(name) chunk at line \(chunk.start + 1)"
            for a in actual {
                let ok = expected.contains { e in
                    e.line == a.line && (try? Regex(e.pattern)).map { a.text.contains($0) } == true
                }
                XCTAssertTrue(ok, "\(where_): unexpected error at line \(a.line): \(a.text)")
            }
            for e in expected {
                XCTAssertNotNil(try? Regex(e.pattern), "\(where_): bad regexp \(e.pattern)")
                let met = actual.contains { a in
                    a.line == e.line && (try? Regex(e.pattern)).map { a.text.contains($0) } == true
                }
                XCTAssertTrue(met, "\(where_): expected error at line \(e.line) matching \(e.pattern); got: "
                              + actual.map { "\($0.line): \($0.text)" }.joined(separator: " | "))
            }
            checked += expected.count
        }
        XCTAssertGreaterThan(checked, minimum, "the error file should cover every validation")
    }
}

enum Fixtures {
    static let testsDirectory: String = {
        var p = #filePath
        while let last = p.last, last != "/" { p.removeLast() }
        return String(p.dropLast())
    }()
    static let testdata = testsDirectory + "/testdata"
    static let repository: String = {
        var p = testsDirectory
        for _ in 0..<2 { if let i = p.lastIndex(of: "/") { p = String(p[..<i]) } }
        return p
    }()
    static let examples = repository + "/examples"

    static func options(_ dir: String) -> SpecOptions {
        SpecOptions(vocabulary: TestVocabulary.vocabulary, workingDirectory: dir, searchPath: "/usr/bin:/bin",
                    limits: ExecutionLimits(maxSteps: 2_000_000), print: { _ in })
    }

    /// A fresh directory, removed when `test` finishes.
    static func tempDirectory(_ test: XCTestCase) throws -> String {
        var template = Array("/tmp/faultplan-test.XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw cannotRun("mkdtemp failed: \(String(cString: strerror(errno)))", fix: "make TMPDIR writable") }
        let dir = String(cString: p)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }
}
