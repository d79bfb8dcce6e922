/// Did-you-mean suggestions for every name a user can mistype: Starlark identifiers and
/// attributes, spec keywords, errno and syscall names, services, `generate --scenario`.
/// One rule everywhere, go.starlark.net's: the candidate nearest by edit distance, ignoring
/// case and underscores, if fewer edits than half the name's length. Ties go to the
/// alphabetically first candidate, so the hint does not depend on declaration order.
public enum Spelling {
    /// Names longer than this get no suggestion: the distance is quadratic in the length.
    static let longestName = 256

    public static func suggest(_ name: String, among candidates: [String]) -> String? {
        let target = fold(name)
        guard !target.isEmpty, target.count <= longestName else { return nil }
        var best: String?
        var bestDistance = (target.count + 1) / 2
        for candidate in candidates.sorted() {
            let c = fold(candidate)
            if c.count > longestName { continue }
            let d = distance(target, c, limit: bestDistance)
            if d < bestDistance { bestDistance = d; best = candidate }
        }
        return best
    }

    /// " (did you mean X?)" or "".
    public static func hint(_ name: String, among candidates: [String]) -> String {
        suggest(name, among: candidates).map { " (did you mean \($0)?)" } ?? ""
    }

    static func fold(_ s: String) -> [UInt8] { Array(s.lowercased().utf8.filter { $0 != UInt8(ascii: "_") }) }

    /// Levenshtein distance over bytes. A length difference of `limit` or more already
    /// puts the pair out of reach, so that is returned without filling the table.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int = .max) -> Int {
        let gap = abs(a.count - b.count)
        if gap >= limit || a.isEmpty || b.isEmpty { return max(gap, a.isEmpty ? b.count : a.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
