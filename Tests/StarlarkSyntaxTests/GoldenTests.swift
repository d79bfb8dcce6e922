import Foundation
import XCTest
import StarlarkSyntax

/// `golden/ast/NAME.star` must dump exactly as `golden/ast/NAME.txt`. With
/// FAULTBOX_RECORD=1 the .txt files are rewritten and the test fails, so a recording
/// run is never mistaken for a passing one.
final class GoldenTests: XCTestCase {
    static var goldenDir: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("golden/ast")
    }

    func testASTGoldens() throws {
        let dir = Self.goldenDir
        let inputs = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".star") }.sorted()
        XCTAssertGreaterThanOrEqual(inputs.count, 3, "no golden inputs in \(dir.path)")
        let record = ProcessInfo.processInfo.environment["FAULTBOX_RECORD"] == "1"
        for name in inputs {
            let input = dir.appendingPathComponent(name)
            let bytes = try Array(Data(contentsOf: input))
            let dump = dumpAST(try parse(SourceFile(name: name, bytes: bytes)))
            let goldenURL = input.deletingPathExtension().appendingPathExtension("txt")
            if record {
                try Data(dump.utf8).write(to: goldenURL)
                XCTFail("recorded \(goldenURL.lastPathComponent); run again without FAULTBOX_RECORD")
                continue
            }
            let want = (try? String(contentsOf: goldenURL, encoding: .utf8)) ?? "<missing \(goldenURL.path)>"
            if dump != want {
                let got = dump.split(separator: "\n", omittingEmptySubsequences: false)
                let exp = want.split(separator: "\n", omittingEmptySubsequences: false)
                let first = (0..<min(got.count, exp.count)).first { got[$0] != exp[$0] } ?? min(got.count, exp.count)
                XCTFail("""
                    \(name): dump differs from \(goldenURL.lastPathComponent) at line \(first + 1)
                      got:  \(first < got.count ? got[first] : "<end>")
                      want: \(first < exp.count ? exp[first] : "<end>")
                    (re-record with FAULTBOX_RECORD=1 if the change is intended)
                    """)
            }
        }
    }
}
