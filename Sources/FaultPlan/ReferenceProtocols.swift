/// Interface protocols of the reference tool (Faultbox v0.18) besides http and tcp, each
/// served there by a protocol plugin. Here they are validation errors that say so and point
/// at docs/compat.md, instead of a bare "unknown protocol".
public enum ReferenceProtocols {
    public static let descriptions: [String: String] = [
        "http2": "HTTP/2 (h2c) steps", "udp": "UDP datagram steps",
        "postgres": "SQL query/exec steps", "mysql": "SQL query/exec steps", "redis": "Redis command steps",
        "kafka": "publish/consume steps", "nats": "publish/request/subscribe steps", "grpc": "gRPC call steps",
        "mongodb": "MongoDB document steps", "cassandra": "CQL query/exec steps", "clickhouse": "SQL steps over HTTP",
        "amqp": "AMQP publish steps", "memcached": "memcached command steps",
    ]

    /// `" (...not supported here yet, see docs/compat.md#protocols)"` for a reference
    /// protocol, "" for any other name.
    public static func note(_ proto: String) -> String {
        guard let what = descriptions[proto] else { return "" }
        return " (the reference tool's \(proto) plugin: \(what); not supported here yet, see docs/compat.md#protocols)"
    }
}
