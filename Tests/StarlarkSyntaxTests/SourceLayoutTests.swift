import XCTest
@testable import StarlarkSyntax

/// The layout a rewriting tool gets from the front end: exact statement spans and every
/// comment, with strings that look like comments or brackets left alone.
final class SourceLayoutTests: XCTestCase {
    func testSpansAndComments() throws {
        let text = "# head\nx = \"#1\"  # one\ny = r'\\'#' ; z = (1,\n  2)  # two\ndef f():\n    return '''#\n'''\n# tail\n"
        let source = SourceFile(name: "t.star", text: text)
        let (file, layout) = try parseWithLayout(source)
        func slice(_ r: Range<Int>) -> String { String(decoding: source.bytes[r], as: UTF8.self) }
        XCTAssertEqual(layout.comments.map(slice), ["# head", "# one", "# two", "# tail"])
        XCTAssertEqual(layout.statements.map { slice($0.start..<$0.end) },
                       ["x = \"#1\"", "y = r'\\'#' ; z = (1,\n  2)", "def f():\n    return '''#\n'''"])
        XCTAssertEqual(layout.statements.map(\.stmts), [0..<1, 1..<3, 3..<4])
        XCTAssertEqual(file.stmts.count, 4)
        guard case .assign(_, _, _, let rhs) = file.stmts[2] else { return XCTFail() }
        XCTAssertEqual(slice(rhs.start..<rhs.end), "(1,\n  2)")
        // The same tree as parse() gives.
        XCTAssertEqual(dumpAST(try parse(source)), dumpAST(file))
    }

    func testUnquotedReadsEveryLiteralForm() {
        XCTAssertEqual(StarlarkQuote.unquoted(#""a\"b""#), "a\"b")
        XCTAssertEqual(StarlarkQuote.unquoted(#"r"C:\x""#), #"C:\x"#)
        XCTAssertEqual(StarlarkQuote.unquoted("'''x'''"), "x")
        XCTAssertEqual(StarlarkQuote.unquoted(#""\x41\u00e9""#), "Aé")
        XCTAssertNil(StarlarkQuote.unquoted("x = \"y\""))
        XCTAssertNil(StarlarkQuote.unquoted("\"a\" + \"b\""))
        XCTAssertNil(StarlarkQuote.unquoted("\"open"))
    }
}
