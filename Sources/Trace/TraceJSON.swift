// Events as JSON for the report's `tests[].events` (docs/trace.md, "JSON"). Written by hand
// like the rest of the report so the key order is the documented one, with the report's
// layout (2-space indentation) so the Reports target can splice the text into its own.

public enum TraceJSON {
    /// `events` as a JSON array. `clocks`, when given, has one vector clock per event
    /// (VectorClocks.compute). The text starts with `[` and ends with `]` at `indent`
    /// levels, ready to follow `"events": ` in a document at that depth.
    public static func encode(events: [TraceEvent], clocks: [[String: Int]]? = nil, indent: Int = 0) -> String {
        precondition(clocks == nil || clocks!.count == events.count, "one clock per event")
        if events.isEmpty { return "[]" }
        var out = "["
        for (i, e) in events.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            pad(&out, indent + 1)
            appendEvent(e, clock: clocks?[i], to: &out, indent: indent + 1)
        }
        out += "\n"
        pad(&out, indent)
        out += "]"
        return out
    }

    /// One event as a JSON object, keys in this order: `seq`, `time_ns` (nanoseconds since
    /// the test started), `type`, `event_type`, `partition_key` (the service, as the
    /// reference tool names it for PObserve), `service`, `fields` (strings), `data` (when
    /// decoded), `vector_clock` (when given). Starts with `{`; the closing `}` is indented
    /// at `indent` levels.
    public static func appendEvent(_ e: TraceEvent, clock: [String: Int]?, to out: inout String, indent: Int) {
        out += "{"
        var first = true
        func key(_ k: String) {
            out += first ? "\n" : ",\n"
            first = false
            pad(&out, indent + 1)
            appendString(k, to: &out)
            out += ": "
        }
        key("seq"); out += String(e.seq)
        key("time_ns"); out += String(e.timeNanos)
        key("type"); appendString(e.type, to: &out)
        key("event_type"); appendString(e.eventType, to: &out)
        key("partition_key"); appendString(e.service, to: &out)
        key("service"); appendString(e.service, to: &out)
        key("fields")
        appendObject(e.fields.map { ($0.key, TraceData.string($0.value)) }, to: &out, indent: indent + 1)
        if let data = e.data {
            key("data"); appendData(data, to: &out, indent: indent + 1)
        }
        if let clock {
            key("vector_clock")
            appendObject(clock.sorted { $0.key < $1.key }.map { ($0.key, TraceData.int(Int64($0.value))) }, to: &out, indent: indent + 1)
        }
        out += "\n"
        pad(&out, indent)
        out += "}"
    }

    /// A decoded value; objects keep their key order. Non-finite doubles (which JSON cannot
    /// spell) are written as null.
    public static func appendData(_ d: TraceData, to out: inout String, indent: Int) {
        switch d {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let x): out += x.isFinite ? "\(x)" : "null"
        case .string(let s): appendString(s, to: &out)
        case .list(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                out += i == 0 ? "\n" : ",\n"
                pad(&out, indent + 1)
                appendData(item, to: &out, indent: indent + 1)
            }
            out += "\n"
            pad(&out, indent)
            out += "]"
        case .object(let entries):
            appendObject(entries, to: &out, indent: indent)
        }
    }

    /// A JSON string literal. Control characters, DEL and the JavaScript line separators
    /// are escaped; invalid UTF-8 was already replaced when the String was made.
    public static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func appendObject(_ entries: [(key: String, value: TraceData)], to out: inout String, indent: Int) {
        if entries.isEmpty { out += "{}"; return }
        out += "{"
        for (i, entry) in entries.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            pad(&out, indent + 1)
            appendString(entry.key, to: &out)
            out += ": "
            appendData(entry.value, to: &out, indent: indent + 1)
        }
        out += "\n"
        pad(&out, indent)
        out += "}"
    }

    private static func pad(_ out: inout String, _ level: Int) {
        for _ in 0..<level { out += "  " }
    }
}
