import Foundation

// `--normalize FILE`: each test's trace with what changes from run to run taken out, so
// that two runs of the same spec, seed and binaries give byte-identical files and
// `faultbox diff` shows only real differences (docs/trace.md, "Normalised trace").
//
//     === test_happy_path
//     inventory syscall syscall.openat decision=allow path=<run>/inventory.wal syscall=openat
//     test step_send step_send.orders method=POST path=/orders
//
// Left out: seq, times, and the fields pid, tid, fd, latency_ns, duration_ms (and any
// time/timestamp field). Rewritten in every value: the run directory (`<run>`), kernel
// object numbers (`socket:[8812]` -> `socket:[*]`), `/proc/<pid>/`, ISO-8601 times
// (`<time>`), and ports the OS chose (`127.0.0.1:<port>`).
//
// Events are grouped by lane, lanes sorted by name, seq order kept within a lane: a lane is
// one service's syscalls, life cycle and faults, one service's stdout (or stderr), or the
// spec's own calls (`test`). Within a lane the order is the program's own; between lanes it
// depends on scheduling (two services working at once, a log line read when the spec next
// looks), so interleaving lanes would make identical runs differ. The vector clocks of the
// JSON and ShiViz outputs carry the causal order between lanes.

public struct TraceNormalizer: Sendable {
    /// Fields whose values differ between runs by nature.
    public static let omittedFields: Set<String> = [
        "pid", "tid", "fd", "latency_ns", "duration_ms", "time", "time_ns", "timestamp",
    ]

    public var runDirectory: String?
    /// The ports the spec's services listen on; any other port is the OS's choice. nil:
    /// ports from Linux's ephemeral range (32768 and above) are the OS's.
    public var knownPorts: Set<Int>?

    public init(runDirectory: String? = nil, knownPorts: Set<Int>? = nil) {
        var dir = runDirectory
        while let d = dir, d.count > 1, d.hasSuffix("/") { dir = String(d.dropLast()) }
        self.runDirectory = dir?.isEmpty == true ? nil : dir
        self.knownPorts = knownPorts
    }

    /// One test: its header line and one line per event, each ending in a newline.
    public static func normalize(test name: String, events: [TraceEvent], runDirectory: String?,
                                 knownPorts: Set<Int>?) -> String {
        TraceNormalizer(runDirectory: runDirectory, knownPorts: knownPorts).normalize(test: name, events: events)
    }

    public func normalize(test name: String, events: [TraceEvent]) -> String {
        var out = TraceNormalizer.header(name) + "\n"
        var lanes: [String: [TraceEvent]] = [:]
        for e in events { lanes[TraceNormalizer.lane(of: e), default: []].append(e) }
        for key in lanes.keys.sorted() {
            for e in lanes[key] ?? [] { out += line(e) + "\n" }
        }
        return out
    }

    /// `db`, `db stdout`, `db stderr`, `test`.
    public static func lane(of e: TraceEvent) -> String {
        e.kind == .stdout || e.kind == .stderr ? e.service + " " + e.type : e.service
    }

    /// `=== name` (a newline in the name would split the header).
    public static func header(_ name: String) -> String {
        "=== " + String(name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }

    /// `service type event_type key=value ...`, fields sorted by key.
    public func line(_ e: TraceEvent) -> String {
        var parts = [TraceNormalizer.token(e.service), e.type, TraceNormalizer.token(e.eventType)]
        let kept = e.fields.filter { !TraceNormalizer.omittedFields.contains($0.key) }
        // A stable sort: a repeated key keeps its order.
        let sorted = kept.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
        for f in sorted { parts.append(TraceNormalizer.token(f.key) + "=" + TraceNormalizer.quoted(value(f.value))) }
        return parts.joined(separator: " ")
    }

    /// A value with the run-dependent parts replaced.
    public func value(_ v: String) -> String {
        var s = v
        if let dir = runDirectory, s.contains(dir) { s = s.replacingOccurrences(of: dir, with: "<run>") }
        s = TraceNormalizer.replace(TraceNormalizer.kernelObject, in: s, with: ":[*]")
        s = TraceNormalizer.replace(TraceNormalizer.procPid, in: s, with: "/proc/<pid>/")
        s = TraceNormalizer.replace(TraceNormalizer.isoTime, in: s, with: "<time>")
        return replacePorts(s)
    }

    // MARK: - Patterns

    private static func regex(_ p: String) -> NSRegularExpression {
        try! NSRegularExpression(pattern: p)  // fixed patterns, checked by the tests
    }

    static let kernelObject = regex(#":\[[0-9]+\]"#)
    static let procPid = regex(#"/proc/[0-9]+/"#)
    static let isoTime = regex(#"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?"#)
    /// An IPv4 address, a bracketed IPv6 address or `localhost`, then `:port`.
    static let hostPort = regex(#"((?<![0-9.])[0-9]{1,3}(\.[0-9]{1,3}){3}|\[[0-9A-Fa-f:.]*\]|localhost):([0-9]{1,5})(?![0-9])"#)

    private static func replace(_ re: NSRegularExpression, in s: String, with template: String) -> String {
        let ns = s as NSString
        let range = NSRange(location: 0, length: ns.length)
        guard re.firstMatch(in: s, range: range) != nil else { return s }
        return re.stringByReplacingMatches(in: s, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: template))
    }

    private func replacePorts(_ s: String) -> String {
        let ns = s as NSString
        let matches = TraceNormalizer.hostPort.matches(in: s, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return s }
        let out = NSMutableString(string: s)
        for m in matches.reversed() {
            let portRange = m.range(at: 3)
            guard let port = Int(ns.substring(with: portRange)), isOSChosen(port) else { continue }
            out.replaceCharacters(in: portRange, with: "<port>")
        }
        return out as String
    }

    private func isOSChosen(_ port: Int) -> Bool {
        if let knownPorts { return !knownPorts.contains(port) }
        return port >= 32768
    }

    // MARK: - Quoting

    /// A name without spaces (a space would shift the columns).
    static func token(_ s: String) -> String {
        s.isEmpty ? "_" : String(s.unicodeScalars.map { $0.properties.isWhitespace || $0.value < 0x20 ? "_" : Character($0) })
    }

    /// A value as is when it is one plain word, else in double quotes with `\" \\ \n \r
    /// \t` and `\xHH` for other control characters, so each event stays one line.
    static func quoted(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value != 0x7F && $0 != "\"" && $0 != "\\" && $0 != "=" && !$0.properties.isWhitespace
        }
        if plain { return s }
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    let hex = String(c.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" : "") + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
