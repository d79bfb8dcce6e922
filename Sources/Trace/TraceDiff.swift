// `faultbox diff A B` over two `--normalize` files: which tests are only in one, and for
// each test whose trace differs, the first differences with context, unified-diff style
// with the files' own line numbers. Tests are matched by name, so their order in the files
// does not matter; within a test the lines are compared in order (Myers' diff).

public struct TraceDiffError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's name as given to `compare`.
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file):\(line): \(message)" }
}

public struct TraceDiffResult: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public enum Change: String, Sendable { case same = " ", removed = "-", added = "+" }
        public var change: Change
        public var text: String
    }

    /// A run of changes with context: `@@ -aStart,aCount +bStart,bCount @@`, numbers being
    /// line numbers in the files.
    public struct Hunk: Sendable, Equatable {
        public var aStart: Int, aCount: Int, bStart: Int, bCount: Int
        public var lines: [Line]
    }

    public struct TestDifference: Sendable, Equatable {
        public var name: String
        /// The first hunks (at most `compare`'s `maxHunks`).
        public var hunks: [Hunk]
        /// Hunks after those.
        public var moreHunks: Int
    }

    public var onlyInA: [String]
    public var onlyInB: [String]
    public var differing: [TestDifference]
    /// Tests present in both files.
    public var compared: Int

    public var identical: Bool { onlyInA.isEmpty && onlyInB.isEmpty && differing.isEmpty }

    /// The report `faultbox diff` prints: "traces are identical", or each difference.
    public func render(nameA: String = "a", nameB: String = "b", maxLinesPerHunk: Int = 40) -> String {
        if identical { return "traces are identical (\(compared) tests)\n" }
        var out = ""
        for t in onlyInA { out += "only in \(nameA): \(t)\n" }
        for t in onlyInB { out += "only in \(nameB): \(t)\n" }
        if !differing.isEmpty { out += "--- \(nameA)\n+++ \(nameB)\n" }
        for d in differing {
            out += "=== \(d.name)\n"
            for h in d.hunks {
                out += "@@ -\(h.aStart),\(h.aCount) +\(h.bStart),\(h.bCount) @@\n"
                for l in h.lines.prefix(maxLinesPerHunk) { out += l.change.rawValue + l.text + "\n" }
                if h.lines.count > maxLinesPerHunk { out += "... \(h.lines.count - maxLinesPerHunk) more lines in this hunk\n" }
            }
            if d.moreHunks > 0 { out += "... and \(d.moreHunks) more differences in this test\n" }
        }
        let tests = differing.count + onlyInA.count + onlyInB.count
        out += "\(tests) of \(compared + onlyInA.count + onlyInB.count) tests differ\n"
        return out
    }
}

public enum TraceDiff {
    /// Edit distances beyond this are not searched for: the rest of the test is shown as
    /// one replaced block (a run that went another way entirely).
    static let maxEdits = 2000

    /// Compares two normalised files. Throws when either is not one (its first line
    /// that is neither a `=== test` header nor an event line under a header).
    public static func compare(a: String, b: String, nameA: String = "a", nameB: String = "b",
                               context: Int = 3, maxHunks: Int = 3) throws(TraceDiffError) -> TraceDiffResult {
        let ta = try parse(a, file: nameA), tb = try parse(b, file: nameB)
        let byNameB = Dictionary(uniqueKeysWithValues: tb.map { ($0.name, $0) })
        let namesA = Set(ta.map(\.name))
        var result = TraceDiffResult(onlyInA: [], onlyInB: tb.filter { !namesA.contains($0.name) }.map(\.name),
                                     differing: [], compared: 0)
        for t in ta {
            guard let u = byNameB[t.name] else { result.onlyInA.append(t.name); continue }
            result.compared += 1
            if t.lines.map(\.text) == u.lines.map(\.text) { continue }
            let hunks = self.hunks(t, u, context: context)
            result.differing.append(.init(name: t.name, hunks: Array(hunks.prefix(maxHunks)),
                                          moreHunks: max(0, hunks.count - maxHunks)))
        }
        return result
    }

    // MARK: - Parsing

    struct NumberedLine { var number: Int; var text: String }
    struct Test { var name: String; var headerLine: Int; var lines: [NumberedLine] }

    static func parse(_ text: String, file: String) throws(TraceDiffError) -> [Test] {
        var tests: [Test] = []
        var seen: [String: Int] = [:]
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = String(raw)
            if line.isEmpty { continue }
            if line.hasPrefix("=== ") {
                let name = String(line.dropFirst(4))
                if let first = seen[name] {
                    throw TraceDiffError(file: file, line: number, message: "test \"\(name)\" appears twice (first at line \(first))")
                }
                seen[name] = number
                tests.append(Test(name: name, headerLine: number, lines: []))
                continue
            }
            guard !tests.isEmpty else {
                throw TraceDiffError(file: file, line: number, message: "expected a test header \"=== name\"; is this "
                    + "a file written by --normalize?")
            }
            let tokens = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
            guard tokens.count >= 3, !tokens[0].isEmpty, !tokens[1].isEmpty, !tokens[2].isEmpty else {
                throw TraceDiffError(file: file, line: number, message: "expected an event line \"service type event_type key=value ...\"")
            }
            tests[tests.count - 1].lines.append(NumberedLine(number: number, text: line))
        }
        return tests
    }

    // MARK: - Hunks

    private enum Op { case same(Int, Int), removed(Int), added(Int) }

    private static func hunks(_ a: Test, _ b: Test, context: Int) -> [TraceDiffResult.Hunk] {
        let x = a.lines.map(\.text), y = b.lines.map(\.text)
        let ops = editScript(x, y)
        // Positions (in ops) of changes, grouped when the context between them overlaps.
        var groups: [ClosedRange<Int>] = []
        for (i, op) in ops.enumerated() {
            if case .same = op { continue }
            if let last = groups.last, i - last.upperBound <= 2 * context + 1 {
                groups[groups.count - 1] = last.lowerBound...i
            } else {
                groups.append(i...i)
            }
        }
        // Line numbers: a hunk starting at an op before any line of a file points at the
        // line after the test's header.
        func numberA(_ i: Int) -> Int { i < x.count ? a.lines[i].number : (a.lines.last?.number ?? a.headerLine) + 1 }
        func numberB(_ j: Int) -> Int { j < y.count ? b.lines[j].number : (b.lines.last?.number ?? b.headerLine) + 1 }
        return groups.map { g in
            let lo = max(0, g.lowerBound - context), hi = min(ops.count - 1, g.upperBound + context)
            var lines: [TraceDiffResult.Line] = []
            var aStart: Int?, bStart: Int?, aCount = 0, bCount = 0
            // Where each file's side of the hunk starts, even if one side is empty.
            var ai = 0, bj = 0
            for op in ops[..<lo] {
                switch op {
                case .same: ai += 1; bj += 1
                case .removed: ai += 1
                case .added: bj += 1
                }
            }
            for op in ops[lo...hi] {
                switch op {
                case .same(let i, let j):
                    aStart = aStart ?? numberA(i); bStart = bStart ?? numberB(j)
                    aCount += 1; bCount += 1
                    lines.append(.init(change: .same, text: x[i]))
                case .removed(let i):
                    aStart = aStart ?? numberA(i)
                    aCount += 1
                    lines.append(.init(change: .removed, text: x[i]))
                case .added(let j):
                    bStart = bStart ?? numberB(j)
                    bCount += 1
                    lines.append(.init(change: .added, text: y[j]))
                }
            }
            return .init(aStart: aStart ?? numberA(ai), aCount: aCount, bStart: bStart ?? numberB(bj), bCount: bCount, lines: lines)
        }
    }

    /// The shortest edit script from `x` to `y` (Myers), after the common prefix and suffix
    /// are taken off; beyond `maxEdits` the differing middle is one removed block followed
    /// by one added block.
    private static func editScript(_ x: [String], _ y: [String]) -> [Op] {
        var prefix = 0
        while prefix < x.count, prefix < y.count, x[prefix] == y[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < x.count - prefix, suffix < y.count - prefix, x[x.count - 1 - suffix] == y[y.count - 1 - suffix] { suffix += 1 }
        var ops: [Op] = (0..<prefix).map { .same($0, $0) }
        let mx = Array(x[prefix..<(x.count - suffix)]), my = Array(y[prefix..<(y.count - suffix)])
        if let middle = myers(mx, my) {
            for op in middle {
                switch op {
                case .same(let i, let j): ops.append(.same(i + prefix, j + prefix))
                case .removed(let i): ops.append(.removed(i + prefix))
                case .added(let j): ops.append(.added(j + prefix))
                }
            }
        } else {
            ops += (0..<mx.count).map { .removed($0 + prefix) }
            ops += (0..<my.count).map { .added($0 + prefix) }
        }
        ops += (0..<suffix).map { .same(x.count - suffix + $0, y.count - suffix + $0) }
        return ops
    }

    private static func myers(_ a: [String], _ b: [String]) -> [Op]? {
        let n = a.count, m = b.count
        if n == 0 { return (0..<m).map { .added($0) } }
        if m == 0 { return (0..<n).map { .removed($0) } }
        let limit = min(n + m, maxEdits)
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []  // v[-d...d] after each d
        var found = false
        search: for d in 0...limit {
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n, y >= m {
                    trace.append(Array(v[(offset - d)...(offset + d)]))
                    found = true
                    break search
                }
            }
            trace.append(Array(v[(offset - d)...(offset + d)]))
        }
        guard found else { return nil }
        // Walk back from (n, m) through the saved frontiers.
        var ops: [Op] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, to: 0, by: -1) {
            let prev = trace[d - 1]
            func pv(_ k: Int) -> Int { prev[k + (d - 1)] }
            let k = x - y
            let prevK = (k == -d || (k != d && pv(k - 1) < pv(k + 1))) ? k + 1 : k - 1
            let prevX = pv(prevK), prevY = prevX - prevK
            while x > prevX, y > prevY { x -= 1; y -= 1; ops.append(.same(x, y)) }
            if x == prevX { y -= 1; ops.append(.added(y)) } else { x -= 1; ops.append(.removed(x)) }
        }
        while x > 0, y > 0 { x -= 1; y -= 1; ops.append(.same(x, y)) }
        return ops.reversed()
    }
}
