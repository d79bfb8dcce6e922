import Foundation
import Reports
import XCTest

/// docs/diagnostics.md's table of codes cannot drift from the code: same ids in the same
/// order as `DiagnosticCode.all`, message and fix fragments that faultbox really prints, and
/// a covering test that exists and checks the id.
final class DiagnosticsDocTests: XCTestCase {
    struct Row { let id, range, message, fix, test: String }

    /// The rows of the table whose header starts with `| Id |`, cells without backticks.
    func rows() throws -> [Row] {
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/diagnostics.md"), encoding: .utf8)
        var rows: [Row] = []
        var inTable = false
        for line in doc.components(separatedBy: "\n") {
            if line.hasPrefix("| Id |") { inTable = true; continue }
            guard inTable else { continue }
            guard line.hasPrefix("|") else { break }
            if line.hasPrefix("|--") || line.hasPrefix("| --") { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
            XCTAssertEqual(cells.count, 5, "a row needs id, range, message, fix, covered by: \(line)")
            guard cells.count == 5 else { continue }
            rows.append(Row(id: cells[0], range: cells[1], message: cells[2], fix: cells[3], test: cells[4]))
        }
        return rows
    }

    /// Every Swift file under `folder`, concatenated.
    func swiftText(under folder: String) throws -> String {
        let root = repositoryRoot.appendingPathComponent(folder)
        var text = ""
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            text += try String(contentsOf: url, encoding: .utf8) + "\n"
        }
        return text
    }

    func testTheTableListsEveryCodeInOrder() throws {
        let rows = try rows()
        XCTAssertEqual(rows.map(\.id), DiagnosticCode.all)
        for r in rows {
            XCTAssertTrue(["one test", "the run"].contains(r.range), "\(r.id): range is one test or the run, not \(r.range)")
            let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/diagnostics.md"), encoding: .utf8)
            XCTAssertTrue(doc.contains("### `\(r.id)`"), "\(r.id) has no section of its own")
        }
    }

    func testMessagesAndFixesAreWhatFaultboxPrints() throws {
        let sources = try swiftText(under: "Sources")
        for r in try rows() {
            XCTAssertFalse(r.message.isEmpty, r.id)
            XCTAssertFalse(r.fix.isEmpty, "\(r.id) needs a fix")
            XCTAssertTrue(sources.contains(r.message), "\(r.id): the message \"\(r.message)\" is not in Sources/")
            XCTAssertTrue(sources.contains(r.fix), "\(r.id): the fix \"\(r.fix)\" is not in Sources/")
        }
    }

    func testEachCodeIsCoveredByATestThatChecksIt() throws {
        let root = repositoryRoot.appendingPathComponent("Tests")
        for r in try rows() {
            let parts = r.test.split(separator: ".").map(String.init)
            XCTAssertEqual(parts.count, 2, "\(r.id): covered by File.testName, not \(r.test)")
            guard parts.count == 2 else { continue }
            var found = false
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard url.lastPathComponent == parts[0] + ".swift" else { continue }
                let text = try String(contentsOf: url, encoding: .utf8)
                guard let start = text.range(of: "func \(parts[1])(") else { continue }
                // The test's body: up to the next test function (or the end of the file).
                let rest = text[start.upperBound...]
                let body = rest.range(of: "\n    func test").map { rest[..<$0.lowerBound] } ?? rest
                XCTAssertTrue(body.contains(r.id), "\(r.test) does not check \(r.id)")
                found = true
            }
            XCTAssertTrue(found, "\(r.id): no test \(r.test) under Tests/")
        }
    }
}
