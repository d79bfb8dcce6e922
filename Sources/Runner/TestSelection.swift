#if canImport(Glibc)
import Glibc
#endif

/// What `--test PATTERN` can match against: a test's final name and, for matrix cells,
/// the row it belongs to (so `test_matrix_order_flow` selects the whole row).
public struct SelectableTest: Sendable, Equatable {
    public var name: String
    /// The collapsed row name of a matrix cell: `test_matrix_<scenario>`; nil otherwise.
    public var matrixRow: String?
    public init(name: String, matrixRow: String? = nil) {
        self.name = name
        self.matrixRow = matrixRow
    }
}

/// A `--test` pattern that is malformed or selects nothing. The message names the flag and
/// lists what could have been meant, so the user can fix the command line directly.
public struct SelectionError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// `--test PATTERN` matching. A pattern selects a test when it is
/// - the exact name (`test_order_flow`) or the name without `test_` (`order_flow`);
/// - a glob (`*`, `?`, `[...]`) matching the name or the name without `test_`;
/// - `~REGEX`, searched anywhere in the name (anchor it with ^...$ if needed);
/// - a collapsed matrix row (`test_matrix_order_flow` or `matrix_order_flow`): every cell
///   of that row.
/// Several patterns select the union, in declaration order. A pattern that selects nothing
/// is an error (a typo should not silently run zero tests).
public enum TestSelection {
    public static func select(_ tests: [SelectableTest], patterns: [String]) throws(SelectionError) -> [Int] {
        if patterns.isEmpty { return Array(tests.indices) }
        var chosen = [Bool](repeating: false, count: tests.count)
        for pattern in patterns {
            let matcher = try makeMatcher(pattern)
            var any = false
            for (i, t) in tests.enumerated() where matcher(t) {
                chosen[i] = true
                any = true
            }
            if !any {
                throw SelectionError(description: noMatchMessage(pattern, tests))
            }
        }
        return tests.indices.filter { chosen[$0] }
    }

    private static func makeMatcher(_ pattern: String) throws(SelectionError) -> (SelectableTest) -> Bool {
        if pattern.isEmpty {
            throw SelectionError(description: "--test: empty pattern; give a test name, a glob such as 'test_matrix_*', or ~REGEX")
        }
        if pattern.hasPrefix("~") {
            let source = String(pattern.dropFirst())
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(source) } catch {
                throw SelectionError(description: "--test \(pattern): invalid regular expression: \(error); write it "
                    + "as ~REGEX, e.g. --test '~db_(down|slow)$'")
            }
            return { t in t.name.contains(regex) }
        }
        let isGlob = pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" })
        if isGlob {
            return { t in globMatches(pattern, t.name) || globMatches(pattern, shortName(t.name)) }
        }
        return { t in
            t.name == pattern || shortName(t.name) == pattern
                || (t.matrixRow != nil && (t.matrixRow == pattern || shortName(t.matrixRow ?? "") == pattern))
        }
    }

    static func shortName(_ name: String) -> String {
        name.hasPrefix("test_") ? String(name.dropFirst(5)) : name
    }

    static func globMatches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }

    private static func noMatchMessage(_ pattern: String, _ tests: [SelectableTest]) -> String {
        var lines = ["--test \(pattern): no test matches; the spec has \(tests.count) test\(tests.count == 1 ? "" : "s"):"]
        var rowsShown = Set<String>()
        for t in tests {
            if let row = t.matrixRow, rowsShown.insert(row).inserted {
                lines.append("  \(row)   (matrix row: selects its cells)")
            }
            lines.append("  \(t.name)")
        }
        lines.append("Patterns: an exact name, the name without test_, a glob ('*db*'), ~REGEX, or a matrix row.")
        // A fault or scenario name alone (`db_down`) is the commonest near miss: point at the
        // glob that selects every cell with it.
        let glob = "*\(pattern)*"
        if !pattern.contains(where: { "*?[~".contains($0) }), tests.contains(where: { globMatches(glob, $0.name) }) {
            lines.append("Did you mean --test '\(glob)'? It selects every test whose name contains \(pattern).")
        }
        return lines.joined(separator: "\n")
    }
}
