import Foundation
import JSONText

// `--shiviz FILE`: the traces in ShiViz's log format, for its space-time diagram
// (https://bestchai.bitbucket.io/shiviz/). A ShiViz file is: the parser regex on line 1,
// the regex that separates executions on line 2, then the log. Each event is two lines,
// `host {"host": n, ...}` and a description; each test is one execution, introduced by a
// delimiter line that names it.

/// One test's trace as a ShiViz execution.
public struct ShiVizExecution: Sendable {
    public var name: String
    public var events: [TraceEvent]
    /// Ports the services listen on (VectorClocks.compute).
    public var portOwners: [Int: String]

    public init(name: String, events: [TraceEvent], portOwners: [Int: String] = [:]) {
        self.name = name
        self.events = events
        self.portOwners = portOwners
    }
}

public enum ShiVizEncoder {
    /// The reference tool writes only `(?<host>\S+) (?<clock>\{.*\})`; ShiViz requires an
    /// `event` group too, which takes the description line that follows.
    public static let parserRegex = #"(?<host>\S+) (?<clock>\{.*\})\n(?<event>.*)"#
    /// ShiViz names each execution after the `trace` group of the delimiter.
    public static let delimiterRegex = #"=== test: (?<trace>.*) ==="#
    static let descriptionLimit = 200

    public static func encode(tests: [ShiVizExecution]) -> String {
        var out = parserRegex + "\n" + delimiterRegex + "\n"
        for test in tests {
            out += "=== test: " + oneLine(test.name, limit: 500) + " ===\n"
            let clocks = VectorClocks.compute(events: test.events, portOwners: test.portOwners)
            for (e, clock) in zip(test.events, clocks) {
                out += host(VectorClocks.lane(of: e)) + " " + clockJSON(clock) + "\n"
                out += describe(e) + "\n"
            }
        }
        return out
    }

    /// `{"api": 3, "test": 2}`, keys sorted.
    static func clockJSON(_ clock: [String: Int]) -> String {
        var s = "{"
        for (i, k) in clock.keys.sorted().enumerated() {
            if i > 0 { s += ", " }
            JSONText.appendString(host(k), to: &s)
            s += ": " + String(clock[k]!)
        }
        return s + "}"
    }

    /// The host field is `\S+`: whitespace in a service name would break the parse.
    static func host(_ name: String) -> String {
        let h = String(name.unicodeScalars.map { $0.properties.isWhitespace || $0.value < 0x20 ? "_" : Character($0) })
        return h.isEmpty ? "_" : h
    }

    /// The description line: the event type and what tells the event apart, e.g.
    /// `syscall.write /tmp/x.wal allow`, `step_send.api POST /data/k`,
    /// `step_recv.api 500`, `lifecycle.exited status=1`, `stdout {"level":"ERROR"}`.
    public static func describe(_ e: TraceEvent) -> String {
        var parts = [e.eventType]
        func add(_ key: String, prefix: String = "") {
            if let v = e.fields.first(where: { $0.key == key })?.value, !v.isEmpty { parts.append(prefix + v) }
        }
        switch e.kind {
        case .syscall:
            add("path"); add("addr"); add("decision")
            if let label = e.fields.first(where: { $0.key == "label" })?.value, !label.isEmpty { parts.append("[\(label)]") }
        case .stepSend:
            add("method"); add("path"); add("command")
        case .stepRecv:
            add("status"); add("error")
        case .lifecycle:
            add("status", prefix: "status="); add("signal", prefix: "signal=")
        case .faultApplied, .faultRemoved:
            add("rules")
        case .stdout, .stderr:
            add("line")
        case .violation:
            add("monitor"); add("message")
        }
        return oneLine(parts.joined(separator: " "), limit: descriptionLimit)
    }

    /// One line, at most `limit` characters: control characters become spaces (a newline
    /// would end the ShiViz record), and a line that could be read as a delimiter is
    /// changed so it cannot.
    static func oneLine(_ s: String, limit: Int) -> String {
        var t = String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        if t.count > limit { t = String(t.prefix(limit)) + "..." }
        return t.replacingOccurrences(of: "=== test:", with: "== test:")
    }
}
