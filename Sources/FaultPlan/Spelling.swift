/// Did-you-mean suggestions for names (keywords, errno names, syscalls, services).
public enum Spelling {
    /// The candidate closest to `name` by edit distance, if it is close enough to be a
    /// plausible typo (two edits for names of four letters or more, a third of the length for long ones).
    /// Case is ignored so that `econnrefused` suggests `ECONNREFUSED`.
    public static func suggest(_ name: String, among candidates: [String]) -> String? {
        let target = Array(name.lowercased().utf8)
        guard !target.isEmpty, target.count <= 64 else { return nil }
        var best: (String, Int)?
        for candidate in candidates {
            let c = Array(candidate.lowercased().utf8)
            if c.count > 64 || abs(c.count - target.count) > 3 { continue }
            let d = distance(target, c)
            if d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        guard let (word, d) = best else { return nil }
        let allowed = target.count >= 4 ? max(2, target.count / 3) : 1
        return d <= allowed ? word : nil
    }

    /// " (did you mean X?)" or "".
    public static func hint(_ name: String, among candidates: [String]) -> String {
        suggest(name, among: candidates).map { " (did you mean \($0)?)" } ?? ""
    }

    /// Levenshtein distance over bytes; both inputs are bounded by the caller.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
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
