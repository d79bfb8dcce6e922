import Foundation
import XCTest
@testable import StarlarkSyntax

/// Runs go.starlark.net's own parser test data through `parse`.
final class ConformanceTests: XCTestCase {
    static let testdata = "/usr/share/gocode/src/go.starlark.net/syntax/testdata"

    /// Every chunk of errors.star: each `### "regexp"` must match the error reported on
    /// that line; a chunk without expectations must parse.
    func testErrorsStar() throws {
        let chunks = try Chunk.read("\(Self.testdata)/errors.star")
        XCTAssertGreaterThan(chunks.count, 50)
        var checked = 0
        for chunk in chunks {
            let source = SourceFile(name: "errors.star", text: chunk.text)
            do {
                _ = try parse(source)
                XCTAssertTrue(chunk.expectations.isEmpty,
                              "chunk at line \(chunk.startLine) parsed, but wanted \(chunk.expectations)")
            } catch {
                guard let want = chunk.expectations.first else {
                    XCTFail("chunk at line \(chunk.startLine) failed: \(error)")
                    continue
                }
                XCTAssertEqual(chunk.expectations.count, 1, "the parser reports one error per chunk")
                XCTAssertEqual(error.location.line, want.line,
                               "chunk at line \(chunk.startLine): \(error) reported on the wrong line")
                let re = try NSRegularExpression(pattern: want.pattern)
                let msg = error.message
                XCTAssertNotNil(re.firstMatch(in: msg, range: NSRange(msg.startIndex..., in: msg)),
                                "chunk at line \(chunk.startLine): \(error) does not match \(want.pattern)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 30)
    }

    /// scan.star is a large real-world file (Bazel rules): it must parse.
    func testScanStarParses() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: "\(Self.testdata)/scan.star")))
        let file = try parse(SourceFile(name: "scan.star", bytes: bytes))
        XCTAssertGreaterThan(file.stmts.count, 20)
        XCTAssertGreaterThan(file.functionCount, 5)
    }
}

/// One program of a go.starlark.net "chunked" file: chunks are separated by a line
/// `---`; each is padded with newlines so its line numbers are the file's; a `###`
/// comment holds a Go string literal with a regexp expected on that line.
struct Chunk {
    var text: String
    var startLine: Int
    var expectations: [(line: Int, pattern: String)]

    static func read(_ path: String) throws -> [Chunk] {
        let data = try String(contentsOfFile: path, encoding: .utf8)
        var chunks: [Chunk] = []
        var line = 1
        for piece in data.components(separatedBy: "\n---\n") {
            var chunk = Chunk(text: String(repeating: "\n", count: line - 1) + piece, startLine: line, expectations: [])
            for l in piece.split(separator: "\n", omittingEmptySubsequences: false) {
                if let r = l.range(of: "###") {
                    let lit = l[r.upperBound...].trimmingCharacters(in: .whitespaces)
                    chunk.expectations.append((line, goUnquote(lit)))
                }
                line += 1
            }
            line += 1  // the --- line
            chunks.append(chunk)
        }
        return chunks
    }

    /// The subset of Go string literal syntax the test data uses.
    static func goUnquote(_ s: String) -> String {
        let body = s.dropFirst().dropLast()
        if s.hasPrefix("`") { return String(body) }
        var out = "", escaping = false
        for ch in body {
            if escaping {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(ch)
                }
                escaping = false
            } else if ch == "\\" {
                escaping = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
