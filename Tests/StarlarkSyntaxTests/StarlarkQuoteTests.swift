import XCTest
@testable import StarlarkSyntax

/// The one writer of string literals: its output is read back by the lexer to the same
/// bytes, for every byte and for the code points people paste into specs.
final class StarlarkQuoteTests: XCTestCase {
    /// The literal's bytes as the lexer reads `text`, or nil when it is no string literal.
    func lexed(_ text: String) throws -> [UInt8]? {
        var lexer = Lexer(SourceFile(name: "t.star", text: text))
        let token = try lexer.next()
        guard token.kind == .string, case .string(let bytes) = lexer.literal else { return nil }
        return bytes
    }

    func testEscapes() {
        XCTAssertEqual(StarlarkQuote.quoted("a\"b\\c\u{1}"), #""a\"b\\c\x01""#)
        XCTAssertEqual(StarlarkQuote.quoted("\u{7}\u{8}\u{c}\n\r\t\u{b}\u{7f}"), #""\a\b\f\n\r\t\v\x7f""#)
        XCTAssertEqual(StarlarkQuote.quoted("héllo ✓"), "\"héllo ✓\"")
        XCTAssertEqual(StarlarkQuote.quoted("zero\u{200B}width\u{1D173}"), #""zero\u200bwidth\U0001d173""#)
        XCTAssertEqual(StarlarkQuote.quoted([0x61, 0xff, 0x62]), #""a\xffb""#)
        XCTAssertEqual(StarlarkQuote.quoted("é\t", nonASCII: .escapeBytes), #""\xc3\xa9\t""#)
    }

    func testEveryQuotedTextLexesBackToItsBytes() throws {
        var samples: [String] = ["", "plain", "it's", "say \"hi\"", "back\\slash", "tab\there", "cr\rlf\n",
                                 "# not a comment", "r\"not raw\"", "\"\"\"", "ünïcödé ✓ 😀", "\u{2028}\u{0085}"]
        samples += (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        for text in samples {
            for mode in [StarlarkQuote.NonASCII.keepPrintable, .escapeBytes] {
                let literal = StarlarkQuote.quoted(text, nonASCII: mode)
                XCTAssertEqual(try lexed(literal), Array(text.utf8), "\(literal)")
                XCTAssertFalse(literal.contains("\n"), "a literal stays on one line: \(literal)")
            }
        }
    }

    /// Where the former copies disagreed: `faultbox init` left a tab, carriage return or
    /// other control byte raw inside the quotes (the lexer refuses most of them), the
    /// plan's messages did the same, the dumps wrote `\x09` where repr writes `\t`, and the
    /// generator wrote invisible code points such as U+200B as they are.
    func testCasesTheOldCopiesDisagreedOn() throws {
        XCTAssertEqual(try lexed(StarlarkQuote.quoted("bin/my\u{1}svc\r")), Array("bin/my\u{1}svc\r".utf8))
        XCTAssertEqual(quoteForDump([0x09, 0x07]), #""\t\a""#)
        XCTAssertEqual(StarlarkQuote.quoted("a\u{200B}b"), #""a\u200bb""#)
    }
}
