/// "Did you mean" suggestions: the candidate nearest to `name` by edit distance, ignoring
/// case and underscores, if it is within half the name's length.
public func nearestName(_ name: String, _ candidates: [String]) -> String? {
    func fold(_ s: String) -> [UInt8] { Array(s.lowercased().utf8.filter { $0 != UInt8(ascii: "_") }) }
    let x = fold(name)
    var best: String?
    var bestDistance = (x.count + 1) / 2
    for c in candidates.sorted() {
        let d = editDistance(x, fold(c), limit: bestDistance)
        if d < bestDistance { bestDistance = d; best = c }
    }
    return best
}

/// Levenshtein distance, giving up (returning a value >= limit) once it cannot be small.
func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
    if abs(a.count - b.count) >= limit { return abs(a.count - b.count) }
    if a.isEmpty { return b.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
        var prevDiagonal = row[0]
        row[0] = i
        for j in 1...max(b.count, 1) where j <= b.count {
            let saved = row[j]
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            row[j] = min(row[j] + 1, row[j - 1] + 1, prevDiagonal + cost)
            prevDiagonal = saved
        }
    }
    return row[b.count]
}
