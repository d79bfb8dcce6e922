import Foundation

/// `--shard K/N`: which cells of the full plan this runner takes (docs/runner.md, "Shards").
///
/// Every runner of a CI job computes the same assignment from the same plan, with no
/// coordination, so membership may depend only on what every runner sees alike: each
/// cell's key (spec file *name* + test name; not the directory, which differs between
/// machines, and not the order of spec arguments) and, with `--durations`, the recorded
/// times. `--jobs` plays no part.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let total: Int
    public init(index: Int, total: Int) {
        self.index = index
        self.total = total
    }
    public var description: String { "\(index)/\(total)" }

    static let maxTotal = 10_000

    /// `K/N` with 1 <= K <= N; the error text names the flag.
    public static func parse(_ text: String, flag: String = "--shard") -> Result<Shard, ShardError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= maxTotal, k >= 1, k <= n else {
            return .failure(ShardError("\(flag) \(text): expected K/N with 1 <= K <= N <= \(maxTotal), e.g. \(flag) "
                + "2/4 (the second of four shards)"))
        }
        return .success(Shard(index: k, total: n))
    }
}

public struct ShardError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One cell as sharding sees it.
public struct ShardCell: Sendable, Equatable {
    /// The spec file as given (only its last path component counts).
    public var specPath: String
    public var name: String
    public init(specPath: String, name: String) {
        self.specPath = specPath
        self.name = name
    }

    /// What every machine agrees on: `order_flow.faults.star/test_matrix_x_y`.
    public var key: String { Sharding.fileName(specPath) + "/" + name }
}

public enum Sharding {
    /// For each cell (same order as `cells`), the 1-based shard that runs it.
    ///
    /// Without durations: cells sorted by a hash of their key are dealt round-robin, so the
    /// shard sizes differ by at most one and the neighbouring cells of one matrix row (which
    /// tend to cost alike) spread over the shards. With durations: longest first onto the
    /// least-loaded shard (LPT, within 4/3 of the best balance); a cell the file does not
    /// know counts as the mean of those it does.
    public static func assign(_ cells: [ShardCell], total: Int, durations: [String: Double] = [:]) -> [Int] {
        guard total > 1 else { return cells.map { _ in 1 } }
        let keys = cells.map(\.key)
        // Ties of equal keys (two specs with the same file name and test) fall back to the
        // path as given, then to position: rare, and still deterministic for one command line.
        let order = cells.indices.sorted { a, b in
            let ha = fnv1a(keys[a]), hb = fnv1a(keys[b])
            if ha != hb { return ha < hb }
            if keys[a] != keys[b] { return keys[a] < keys[b] }
            if cells[a].specPath != cells[b].specPath { return cells[a].specPath < cells[b].specPath }
            return a < b
        }
        var shardOf = [Int](repeating: 1, count: cells.count)
        let known = keys.compactMap { durations[$0] }.filter { $0.isFinite && $0 >= 0 }
        if known.isEmpty {
            for (rank, i) in order.enumerated() { shardOf[i] = rank % total + 1 }
            return shardOf
        }
        let fallback = known.reduce(0, +) / Double(known.count)
        let cost = keys.map { key -> Double in
            if let d = durations[key], d.isFinite, d >= 0 { return d }
            return fallback
        }
        // Stable sort by cost, longest first; the hash order breaks ties.
        let byCost = order.enumerated().sorted { x, y in
            cost[x.element] != cost[y.element] ? cost[x.element] > cost[y.element] : x.offset < y.offset
        }.map(\.element)
        var load = [Double](repeating: 0, count: total)
        var count = [Int](repeating: 0, count: total)
        for i in byCost {
            var best = 0
            for s in 1..<total where load[s] < load[best] || (load[s] == load[best] && count[s] < count[best]) { best = s }
            load[best] += cost[i]
            count[best] += 1
            shardOf[i] = best + 1
        }
        return shardOf
    }

    /// Recorded times from a JSON report (`--output results.json` of an earlier run), keyed
    /// like `ShardCell.key`; several runs of one test (`--runs`) average.
    public static func loadDurations(path: String, flag: String = "--durations") -> Result<[String: Double], ShardError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ShardError("\(flag) \(path): cannot read the file; give the JSON report of an earlier run "
                + "(faultbox test --output results.json)"))
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let tests = root["tests"] as? [[String: Any]] else {
            return .failure(ShardError("\(flag) \(path): not a faultbox JSON report (no \"tests\" array); write one "
                + "with faultbox test --output results.json"))
        }
        var sums: [String: (Double, Int)] = [:]
        for test in tests {
            guard let name = test["name"] as? String, let spec = test["spec_file"] as? String,
                  let ms = (test["duration_ms"] as? NSNumber)?.doubleValue, ms.isFinite, ms >= 0 else { continue }
            let key = ShardCell(specPath: spec, name: name).key
            let (sum, n) = sums[key] ?? (0, 0)
            sums[key] = (sum + ms, n + 1)
        }
        return .success(sums.mapValues { $0.0 / Double($0.1) })
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// FNV-1a 64: stable across machines and releases (Swift's Hasher is seeded per process).
    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in s.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
