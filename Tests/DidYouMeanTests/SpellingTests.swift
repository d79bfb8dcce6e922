import DidYouMean
import XCTest

/// The one did-you-mean rule (go.starlark.net's): nearest by edit distance, case and
/// underscores ignored, fewer edits than half the name's length, ties alphabetical.
final class SpellingTests: XCTestCase {
    func testSuggestions() {
        XCTAssertEqual(Spelling.suggest("ECONNREFUSD", among: ["EIO", "ECONNREFUSED", "ECONNRESET"]), "ECONNREFUSED")
        XCTAssertEqual(Spelling.suggest("dependson", among: ["depends_on", "env"]), "depends_on")
        XCTAssertEqual(Spelling.suggest("FortyFive", among: ["one", "forty_five"]), "forty_five")
        XCTAssertEqual(Spelling.suggest("froze", among: ["fail", "freeze"]), "freeze")
        XCTAssertNil(Spelling.suggest("xyz", among: ["write", "read"]))
        XCTAssertNil(Spelling.suggest("", among: ["a"]))
        XCTAssertEqual(Spelling.hint("jsn", among: ["json", "logfmt"]), " (did you mean json?)")
        XCTAssertEqual(Spelling.hint("zzzz", among: ["json"]), "")
    }

    /// Where the three former copies disagreed. The generator's was case-sensitive (so
    /// `--scenario ORDER_FLOW` got no hint); the fault plan's ignored underscores in no
    /// name and let two edits through in a four-letter one; the plan's and the generator's
    /// broke ties by declaration order. Now all follow the resolver's rule.
    func testCasesTheOldCopiesDisagreedOn() {
        XCTAssertEqual(Spelling.suggest("ORDER_FLOW", among: ["order_flow", "checkout"]), "order_flow")
        XCTAssertEqual(Spelling.suggest("db_", among: ["db"]), "db")
        XCTAssertNil(Spelling.suggest("dbxx", among: ["db"]), "two edits are half of four letters: a guess")
        XCTAssertNil(Spelling.suggest("ab", among: ["abd", "abc"]), "one edit is half of two letters")
        XCTAssertEqual(Spelling.suggest("abcx", among: ["abcz", "abcy"]), "abcy", "a tie goes to the first in order")
    }

    func testLongNamesAreBounded() {
        let long = String(repeating: "a", count: 10_000)
        XCTAssertNil(Spelling.suggest(long, among: [long + "b"]))
        XCTAssertEqual(Spelling.suggest(String(repeating: "a", count: 200), among: [String(repeating: "a", count: 201)]),
                       String(repeating: "a", count: 201))
    }
}
