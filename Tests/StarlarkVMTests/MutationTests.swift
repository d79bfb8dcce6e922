import XCTest
import StarlarkResolve
@testable import StarlarkVM
import TestSupport

/// Robustness: thousands of deterministically mutated suite programs must each end in a
/// result or an error (no trap, no hang: loops are cut by the step budget).
final class MutationTests: XCTestCase {
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let fragments: [String] = ["(", ")", "[", "]", "{", "}", ":", ",", "=", "+=", "*", "**",
                                      "lambda", "def f(x):\n  return f(x)\n", "f(1)\n", "while True: pass\n",
                                      "for x in range(1<<62): pass\n", "-", "not ", "\"", "'", "\\",
                                      "1e999", "0x", "99999999999999999999999", " if ", " else ",
                                      "\n", "    ", "x", "None", "[]", "{}", ".", "%", "//", "load(\"assert.star\", \"assert\")\n"]

    func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var bytes = Array(text.utf8)
        for _ in 0..<(1 + rng.below(3)) {
            let at = rng.below(bytes.count + 1)
            switch rng.below(4) {
            case 0 where !bytes.isEmpty:
                let len = 1 + rng.below(8)
                bytes.removeSubrange(min(at, bytes.count - 1)..<min(at + len, bytes.count))
            case 1:
                let f = Self.fragments[rng.below(Self.fragments.count)]
                bytes.insert(contentsOf: Array(f.utf8), at: at)
            case 2 where bytes.count > 2:
                let a = rng.below(bytes.count), b = rng.below(bytes.count)
                bytes.swapAt(a, b)
            default:
                let from = rng.below(bytes.count + 1)
                let slice = bytes[min(from, bytes.count)..<min(from + 40, bytes.count)]
                bytes.insert(contentsOf: slice, at: at)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testMutatedProgramsEndInResultOrError() throws {
        let root = ConformanceTests.root
        try requireOrSkip(FileManager.default.fileExists(atPath: root + "/starlark/testdata/assign.star"),
                          "go.starlark.net test data not installed at \(root)", fix: "install golang-starlark-dev (make deps)")
        var programs: [(String, String)] = []
        for (mode, rel) in ConformanceTests.suites {
            for c in try Chunks.read(root + "/" + rel) { programs.append((mode, c.source)) }
        }
        var rng = SplitMix64(state: 20_261_125)
        let count = Int(ProcessInfo.processInfo.environment["FAULTBOX_MUTATIONS"] ?? "") ?? 3000
        var outcomes = [0, 0, 0, 0]
        for _ in 0..<count {
            let (mode, text) = programs[rng.below(programs.count)]
            let mutated = mutate(text, &rng)
            let o = ChunkRunner.run(source: mutated, name: "mutant.star", dir: "/mutants", mode: mode,
                                    options: .all, maxSteps: 200_000)
            outcomes[max(0, min(o.status, 3))] += 1
        }
        print("mutations: \(count) run; ok \(outcomes[0]), error \(outcomes[1]), assert \(outcomes[2]), both \(outcomes[3])")
        XCTAssertEqual(outcomes.reduce(0, +), count)
        XCTAssertGreaterThan(outcomes[1], 0, "mutations should produce some errors")
    }
}
