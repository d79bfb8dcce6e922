/// Why the generator believes one service depends on another.
public enum EdgeReason: Sendable, Equatable {
    /// Listed in `depends_on`.
    case dependsOn
    /// An env value mentions the dependency's interface (`DB_ADDR = db.main.addr`).
    case env(key: String, interface: String)
}

/// `consumer -> dependency`: the consumer talks to the dependency over the network, so its
/// connects and reads can fail, and the dependency's disk is on the consumer's path.
public struct DependencyEdge: Sendable, Equatable {
    /// Indices into `GeneratorInput.services`.
    public var consumer: Int
    public var dependency: Int
    public var reasons: [EdgeReason]
}

public enum DependencyAnalysis {
    /// Every edge of the topology, ordered by consumer (declaration order), then by the
    /// dependency's first mention (depends_on first, then env in the order written).
    public static func edges(of input: GeneratorInput) throws(GenerateError) -> [DependencyEdge] {
        var indexByName: [String: Int] = [:]
        for (i, s) in input.services.enumerated() { indexByName[s.name] = i }

        var edges: [DependencyEdge] = []
        for (ci, consumer) in input.services.enumerated() {
            var order: [Int] = []
            var reasons: [Int: [EdgeReason]] = [:]
            func add(_ dep: Int, _ reason: EdgeReason) {
                if reasons[dep] == nil { order.append(dep) }
                if reasons[dep]?.contains(reason) != true { reasons[dep, default: []].append(reason) }
            }
            for name in consumer.dependsOn {
                guard let di = indexByName[name] else {
                    throw GenerateError(
                        "\(consumer.location): service \"\(consumer.name)\" depends on unknown service \"\(name)\"",
                        fix: "declare a service named \"\(name)\" or remove it from depends_on")
                }
                if di != ci { add(di, .dependsOn) }
            }
            for entry in consumer.env {
                for (di, dep) in input.services.enumerated() where di != ci {
                    for iface in dep.interfaces where refers(entry.value, to: iface, of: dep) {
                        add(di, .env(key: entry.key, interface: iface.name))
                    }
                }
            }
            for di in order {
                edges.append(DependencyEdge(consumer: ci, dependency: di, reasons: reasons[di] ?? []))
            }
        }
        return edges
    }

    /// True when an env value names the interface: exactly its port (`"5432"`), or a
    /// `host:port` with a loopback host or the service's name anywhere in the value
    /// (`localhost:5432`, `postgres://127.0.0.1:5432/app`). The port must end there, so
    /// `localhost:54321` does not match 5432.
    static func refers(_ value: String, to iface: InterfaceInfo, of service: ServiceInfo) -> Bool {
        let port = String(iface.port)
        if value == port { return true }
        let hosts = Set([iface.host, "localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1", service.name])
        let bytes = Array(value.utf8)
        let needle = Array((":" + port).utf8)
        var start = 0
        while let at = find(needle, in: bytes, from: start) {
            start = at + 1
            let after = at + needle.count
            if after < bytes.count, isDigit(bytes[after]) { continue }
            // The host is the run of host characters just before the colon.
            var h = at
            while h > 0, isHostByte(bytes[h - 1]) { h -= 1 }
            let host = String(decoding: bytes[h..<at], as: UTF8.self)
            if hosts.contains(host) { return true }
        }
        return false
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    private static func isHostByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"),
             UInt8(ascii: "_"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }
}
