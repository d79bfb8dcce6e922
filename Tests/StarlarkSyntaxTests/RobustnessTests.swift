import Foundation
import XCTest
@testable import StarlarkSyntax

/// Hostile input: every input ends in a FileNode or a SyntaxError with a sane location,
/// never a trap, a stack overflow or a hang.
final class RobustnessTests: XCTestCase {
    static let root = "/usr/share/gocode/src/go.starlark.net"

    /// Every chunk of go.starlark.net's test programs (syntax, resolve, starlark,
    /// starlarkstruct).
    static func corpus() throws -> [String] {
        let files = ["syntax/testdata/errors.star", "resolve/testdata/resolve.star",
                     "starlarkstruct/testdata/struct.star"]
            + (try FileManager.default.contentsOfDirectory(atPath: "\(root)/starlark/testdata"))
                .filter { $0.hasSuffix(".star") }.sorted().map { "starlark/testdata/\($0)" }
        var texts: [String] = []
        for f in files {
            texts += try Chunk.read("\(root)/\(f)").map { $0.text.trimmingCharacters(in: .newlines) }
        }
        return texts.filter { !$0.isEmpty }
    }

    /// Chunks without `###` expectations in the evaluator's test data are valid programs.
    func testAllSuiteProgramsWithoutExpectationsParse() throws {
        var parsed = 0
        for f in ["resolve/testdata/resolve.star", "starlarkstruct/testdata/struct.star"]
            + (try FileManager.default.contentsOfDirectory(atPath: "\(Self.root)/starlark/testdata"))
                .filter { $0.hasSuffix(".star") }.map({ "starlark/testdata/\($0)" }) {
            for chunk in try Chunk.read("\(Self.root)/\(f)") where chunk.expectations.isEmpty {
                do {
                    _ = try parse(SourceFile(name: f, text: chunk.text))
                    parsed += 1
                } catch {
                    XCTFail("\(f) chunk at line \(chunk.startLine): \(error)")
                }
            }
        }
        XCTAssertGreaterThan(parsed, 50)
    }

    func testMutatedInputsNeverCrash() throws {
        var rng = SplitMix64(seed: 0xFA017B0C)
        let inputs = try Self.corpus().map { Array($0.utf8) }
        XCTAssertGreaterThan(inputs.count, 100)
        var runs = 0, errors = 0
        let interesting = Array("()[]{}:,.=\"'\\\n\t #*-+rb0x9eé".utf8) + [0x00, 0xFF, 0x0D]
        let started = Date()

        func run(_ bytes: [UInt8]) {
            runs += 1
            let source = SourceFile(name: "m.star", bytes: bytes)
            do {
                let file = try parse(source)
                _ = dumpAST(file)  // the dump walks the whole tree
            } catch {
                errors += 1
                XCTAssertGreaterThanOrEqual(error.location.line, 1)
                XCTAssertGreaterThanOrEqual(error.location.column, 1)
                XCTAssertFalse(error.message.isEmpty)
            }
        }

        for input in inputs {
            // Truncation at every Nth byte (about 30 cuts per input; odd steps so cuts
            // land inside tokens as well as between them).
            let step = max(7, input.count / 30) | 1
            var cut = 0
            while cut < input.count { run(Array(input[..<cut])); cut += step }
            // Byte replacements, insertions, deletions and token deletions.
            for _ in 0..<40 {
                var m = input
                let edits = 1 + Int(rng.next() % 3)
                for _ in 0..<edits where !m.isEmpty {
                    let at = Int(rng.next() % UInt64(m.count))
                    let b = interesting[Int(rng.next() % UInt64(interesting.count))]
                    switch rng.next() % 4 {
                    case 0: m[at] = b
                    case 1: m.insert(b, at: at)
                    case 2: m.remove(at: at)
                    default:
                        let tokens = tokenRanges(m)
                        if !tokens.isEmpty {
                            let t = tokens[Int(rng.next() % UInt64(tokens.count))]
                            m.removeSubrange(t)
                        }
                    }
                }
                run(m)
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThan(runs, 10_000)
        XCTAssertGreaterThan(errors, runs / 4, "mutations should mostly break the programs")
        print("robustness: \(runs) mutated inputs, \(errors) syntax errors, \(String(format: "%.2f", elapsed)) s")
    }

    /// Byte ranges of the tokens of `bytes`, up to the first lexical error.
    func tokenRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var lexer = Lexer(SourceFile(name: "t", bytes: bytes))
        var out: [Range<Int>] = []
        while let t = try? lexer.next(), t.kind != .eof {
            if t.end > t.start { out.append(t.start..<t.end) }
        }
        return out
    }

    func testDeepNestingIsAnErrorNotAStackOverflow() {
        let n = 100_000
        let cases: [(String, String)] = [
            ("x = " + String(repeating: "(", count: n), "nesting too deep"),
            ("x = " + String(repeating: "[", count: n), "nesting too deep"),
            ("x = " + String(repeating: "{", count: n), "nesting too deep"),
            ("x = " + String(repeating: "-", count: n) + "1", "nesting too deep"),
            ("x = " + String(repeating: "not ", count: n) + "1", "nesting too deep"),
            ("x = " + String(repeating: "lambda: ", count: n) + "1", "nesting too deep"),
            ("x = " + String(repeating: "f(", count: n), "nesting too deep"),
            ("x = " + String(repeating: "a[", count: n), "nesting too deep"),
            ("x = " + String(repeating: "1 if 2 else ", count: n) + "3", "nesting too deep"),
            ("x = " + String(repeating: "1 + ", count: n) + "1", "expression too deep"),
            ("x = 2" + String(repeating: " ** 2", count: 3), "got '**', want newline"),
            ("x = a" + String(repeating: ".b", count: n), "expression too deep"),
            ("x = f" + String(repeating: "()", count: n), "expression too deep"),
            ((0..<1000).map { String(repeating: " ", count: $0) + "if x:\n" }.joined(), "nesting too deep"),
            ("if x: pass\n" + String(repeating: "elif x: pass\n", count: n), "nesting too deep"),
        ]
        for (text, want) in cases {
            do {
                _ = try parse(SourceFile(name: "deep.star", text: text))
                XCTFail("parsed: \(text.prefix(40))...")
            } catch {
                XCTAssertTrue(error.message.contains(want), "\(text.prefix(20)): \(error)")
            }
        }
        // Just under the limits is fine (and the tree can be dumped and freed).
        let ok = "x = " + String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)
            + " + 1" + String(repeating: " + 1", count: 700)
        XCTAssertNoThrow(try { _ = dumpAST(try parse(SourceFile(name: "ok.star", text: ok))) }())
    }

    /// A large file parses (1 MB: ~13 ms in release on the reference machine). How fast
    /// is bench/lang.sh's parse1mb row, a ratio against go.starlark.net and CPython.
    func testLargeFileParses() throws {
        let scan = try String(contentsOfFile: "\(Self.root)/syntax/testdata/scan.star", encoding: .utf8)
        var text = ""
        while text.utf8.count < 1 << 20 { text += scan + "\n" }
        let source = SourceFile(name: "big.star", text: text)
        let started = Date()
        let file = try parse(source)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThan(file.stmts.count, 1000)
        print("parsed \(source.bytes.count) bytes in \(String(format: "%.1f", elapsed * 1000)) ms")
    }
}

/// A small deterministic PRNG (SplitMix64), so every run mutates identically.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
