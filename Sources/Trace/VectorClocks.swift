// Vector clocks over a test's trace, for the report's `vector_clock` and for ShiViz. The
// trace records no messages, so the clocks model the two kinds of communication it can
// see (docs/trace.md, "Vector clocks"):
// - the spec's own client calls: `step_send.<svc>` is a message from the test lane to the
//   service, merged into the service's next event; `step_recv.<svc>` merges the service's
//   clock into the test lane (the answer comes from everything the service did so far);
// - a traced `connect` of service A to a port that service B listens on is a message from
//   A to B, merged into B's next traced `accept`/`accept4` (first connect, first accept).
// Every event increments its own lane's component, so the clocks form the strictly
// increasing per-host sequence ShiViz requires.

public enum VectorClocks {
    /// The lane of the spec's own events.
    public static let testLane = "test"

    /// The lane an event belongs to: the test lane for client calls, else its service.
    public static func lane(of e: TraceEvent) -> String {
        e.kind == .stepSend || e.kind == .stepRecv ? testLane : e.service
    }

    /// The service a `step_send`/`step_recv` event talks to: its `service`, or the
    /// event_type's suffix when the producer put the call on the test lane.
    public static func stepTarget(of e: TraceEvent) -> String? {
        guard e.kind == .stepSend || e.kind == .stepRecv else { return nil }
        if e.service != testLane, !e.service.isEmpty { return e.service }
        guard let dot = e.eventType.firstIndex(of: ".") else { return nil }
        let target = String(e.eventType[e.eventType.index(after: dot)...])
        return target.isEmpty ? nil : target
    }

    /// One clock per event, in the order given (seq order). `portOwners` maps the ports the
    /// services listen on to their names (connects to other ports are not messages).
    public static func compute(events: [TraceEvent], portOwners: [Int: String] = [:]) -> [[String: Int]] {
        var clocks: [String: [String: Int]] = [:]
        /// The test lane's clock at its latest call to each service, not yet received.
        var pendingCalls: [String: [String: Int]] = [:]
        /// Clocks at each service's unmatched incoming connects, oldest first.
        var pendingConnects: [String: [[String: Int]]] = [:]
        var out: [[String: Int]] = []
        out.reserveCapacity(events.count)

        for e in events {
            let lane = lane(of: e)
            var c = clocks[lane] ?? [:]
            let target = stepTarget(of: e)
            if e.kind == .stepRecv, let target, let theirs = clocks[target] { merge(&c, theirs) }
            if let sent = pendingCalls.removeValue(forKey: lane) { merge(&c, sent) }
            if e.kind == .syscall, let sc = e.field("syscall"), sc == "accept" || sc == "accept4",
               var queue = pendingConnects[lane], !queue.isEmpty {
                merge(&c, queue.removeFirst())
                pendingConnects[lane] = queue
            }
            c[lane, default: 0] += 1
            clocks[lane] = c
            out.append(c)

            if e.kind == .stepSend, let target, target != testLane { pendingCalls[target] = c }
            if e.kind == .syscall, e.field("syscall") == "connect",
               !(e.field("decision") ?? "allow").hasPrefix("deny"),  // a refused connect reaches nobody
               let addr = e.field("addr"), let port = port(of: addr), let owner = portOwners[port] {
                pendingConnects[owner, default: []].append(c)
            }
        }
        return out
    }

    /// The port of `127.0.0.1:5432`, `[::1]:5432`, `localhost:5432`; nil for a Unix socket
    /// path or an address without one.
    public static func port(of addr: String) -> Int? {
        guard let colon = addr.lastIndex(of: ":") else { return nil }
        let digits = addr[addr.index(after: colon)...]
        guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let p = Int(digits), p > 0, p < 65536 else { return nil }
        return p
    }

    private static func merge(_ c: inout [String: Int], _ other: [String: Int]) {
        for (k, v) in other where v > c[k, default: 0] { c[k] = v }
    }
}
