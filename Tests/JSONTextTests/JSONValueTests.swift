import Foundation
import JSONText
import XCTest

/// The one JSON writer, read back by Foundation's parser: what it writes is JSON, and the
/// strings come back as they went in.
final class JSONValueTests: XCTestCase {
    static let awkward = ["", "plain", "quote \" and backslash \\", "tab\tcr\rlf\n", "nul \u{0} bell \u{7} esc \u{1b}",
                          "del \u{7f}", "line\u{2028}para\u{2029}", "ünï ✓ 😀", "</script><!--", "{\"a\": [1]}"]

    func document() -> JSONValue {
        .object([
            ("strings", .array(Self.awkward.map(JSONValue.string))),
            ("keys", .object(Self.awkward.enumerated().map { ($1, .int($0)) })),
            ("numbers", .array([.int(-3), .double(0.25), .double(2), .number("12.500"), .double(.nan), .null, .bool(true)])),
            ("empty", .object([("a", .array([])), ("o", .object([]))])),
        ])
    }

    func parsed(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? [String: Any])
    }

    func testEveryLayoutParsesBackToTheSameStrings() throws {
        for text in [document().render(), document().render(pretty: false), document().renderExpanded(level: 0)] {
            let json = try parsed(text)
            XCTAssertEqual(json["strings"] as? [String], Self.awkward, text)
            XCTAssertEqual(Set((json["keys"] as? [String: Int])?.keys.map { $0 } ?? []), Set(Self.awkward))
            let numbers = try XCTUnwrap(json["numbers"] as? [Any])
            XCTAssertEqual(numbers[0] as? Int, -3)
            XCTAssertEqual(numbers[1] as? Double, 0.25)
            XCTAssertEqual(numbers[3] as? Double, 12.5)
            XCTAssertTrue(numbers[4] is NSNull, "NaN has no JSON spelling: null")
        }
    }

    func testLayouts() {
        let v = JSONValue.object([("a", .array([.int(1), .int(2)])), ("b", .object([]))])
        XCTAssertEqual(v.render(), "{\n  \"a\": [1, 2],\n  \"b\": {}\n}\n")
        XCTAssertEqual(v.render(pretty: false), "{\"a\":[1,2],\"b\":{}}")
        XCTAssertEqual(v.renderExpanded(level: 1), "{\n    \"a\": [\n      1,\n      2\n    ],\n    \"b\": {}\n  }")
    }

    /// Where the two former escapers disagreed: the plan's left DEL and U+2028/U+2029 raw;
    /// the report's escaped them (a raw U+2028 ends a line in the HTML page's script).
    func testCasesTheOldCopiesDisagreedOn() {
        XCTAssertEqual(JSONText.quoted("a\u{7f}b\u{2028}c\u{2029}"), #""a\u007fb\u2028c\u2029""#)
        XCTAssertEqual(JSONValue.string("\u{2028}").render(pretty: false), #""\u2028""#)
        XCTAssertEqual(JSONText.quoted("é\u{1}"), #""é\u0001""#)
    }
}
