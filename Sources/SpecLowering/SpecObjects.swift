import FaultPlan
import StarlarkVM

/// `service(...)`: a handle whose interfaces are attributes (`db.main`); a service with
/// one interface also answers that interface's attributes and methods directly.
final class ServiceValue: StarObject {
    let name: String
    let interfaces: [InterfaceValue]
    /// Index in the recorder's services.
    let index: Int
    /// `ops = {...}` as written (validated by the plan when the spec loads).
    let ops: [OpDecl]
    /// Every service's ops of this spec, for "persist is an op of db, not api".
    let catalog: OpCatalog?
    init(name: String, interfaces: [InterfaceValue], index: Int, ops: [OpDecl] = [], catalog: OpCatalog? = nil) {
        self.name = name
        self.interfaces = interfaces
        self.index = index
        self.ops = ops
        self.catalog = catalog
    }
    override var typeName: String { "service" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array("<service \(name)>".utf8)
    }
    override func hash() throws -> UInt32 { SpecValues.hashString("service:" + name) }
    override func attr(_ name: String, thread: StarThread) throws -> Value? {
        if name == "name" { return .str(self.name) }
        if let i = interfaces.first(where: { $0.name == name }) { return .object(i) }
        if interfaces.count == 1 { return try interfaces[0].attr(name, thread: thread) }
        return nil
    }
    override var attrNames: [String] {
        var names = ["name"] + interfaces.map(\.name)
        if interfaces.count == 1 { names += interfaces[0].attrNames.filter { $0 != "name" } }
        return names.sorted()
    }
}

/// `interface(name, protocol, port)`; once adopted by a service it knows its owner and
/// offers the protocol's methods.
final class InterfaceValue: StarObject {
    let name: String
    let proto: String
    let port: Int64
    let position: SourcePosition
    /// Nil until `service(...)` adopts a copy.
    let service: String?
    /// `tls = tls_cert(...)`; an "https" interface without it uses the defaults.
    let tls: TLSSettings?
    init(name: String, proto: String, port: Int64, position: SourcePosition, service: String?, tls: TLSSettings? = nil) {
        self.name = name
        self.proto = proto
        self.port = port
        self.position = position
        self.service = service
        self.tls = tls
    }
    func adopted(by service: String) -> InterfaceValue {
        InterfaceValue(name: name, proto: proto, port: port, position: position, service: service, tls: tls)
    }
    /// The TLS settings calls use: tls= if given, the defaults for "https", none otherwise.
    var clientTLS: TLSSettings? { tls ?? (proto == "https" ? TLSSettings() : nil) }
    var isHTTP: Bool { proto == "http" || proto == "https" }
    var host: String { "localhost" }
    var address: String { "\(host):\(port)" }
    static let httpMethods = ["get", "post", "put", "delete", "patch"]
    var methods: [String] { isHTTP ? Self.httpMethods : proto == "tcp" ? ["send"] : [] }

    override var typeName: String { "interface" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array("<interface \(service.map { $0 + "." } ?? "")\(name) \(proto) \(address)>".utf8)
    }
    override func hash() throws -> UInt32 { SpecValues.hashString("iface:\(service ?? ""):\(name)") }
    override func attr(_ attr: String, thread: StarThread) throws -> Value? {
        switch attr {
        case "name": return .str(name)
        case "protocol": return .str(proto)
        case "host": return .str(host)
        case "port": return .int(port)
        case "addr": return .str(address)
        // A binary reaches another service on loopback, as the reference tool's binary mode does.
        case "internal_addr": return .str(address)
        default:
            if let refused = ReferenceOnly.attributeMessage(attr) { throw StarlarkError(refused) }
            guard methods.contains(attr) else { return nil }
            let owner = service ?? "?"
            let label = "\(owner).\(name).\(attr)"
            return .builtin(Builtin(name: attr, receiver: .object(self)) { [self] thread, _, args in
                if isHTTP {
                    return try ClientCalls.http(self, method: attr, label: label, thread: thread, args: args)
                }
                return try ClientCalls.send(self, label: label, thread: thread, args: args)
            })
        }
    }
    override var attrNames: [String] { (["name", "protocol", "host", "port", "addr", "internal_addr"] + methods).sorted() }
}

/// `tcp(...)` / `http(...)` healthchecks.
final class HealthCheckValue: StarObject {
    let decl: HealthCheckDecl
    init(_ decl: HealthCheckDecl) { self.decl = decl }
    override var typeName: String { "healthcheck" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array("<healthcheck \(decl.kind.rawValue) \(decl.target)>".utf8)
    }
}

/// `deny(...)` / `delay(...)` / `allow(...)`: an action waiting for its syscall keyword.
final class FaultActionValue: StarObject {
    let action: RuleDecl.Action
    let probability: Double
    let label: String
    let path: String?
    let position: SourcePosition
    init(action: RuleDecl.Action, probability: Double, label: String, path: String?, position: SourcePosition) {
        self.action = action
        self.probability = probability
        self.label = label
        self.path = path
        self.position = position
    }
    override var typeName: String { "fault_action" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        switch action {
        case .deny(let e): out += Array("deny(\"\(e)\")".utf8)
        case .delay(let d): out += Array("delay(\"\(d)\")".utf8)
        case .allow: out += Array("allow()".utf8)
        }
    }
    func rule(keyword: String, keywordPosition: SourcePosition) -> RuleDecl {
        RuleDecl(keyword: keyword, action: action, probability: probability, label: label, path: path,
                 keywordPosition: keywordPosition, actionPosition: position)
    }
}

/// `fault_assumption(...)`.
final class AssumptionValue: StarObject {
    let name: String
    let index: Int
    init(name: String, index: Int) {
        self.name = name
        self.index = index
    }
    override var typeName: String { "fault_assumption" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array("<fault_assumption \(name)>".utf8)
    }
    override func hash() throws -> UInt32 { SpecValues.hashString("assumption:\(index)") }
    override func attr(_ attr: String, thread: StarThread) throws -> Value? { attr == "name" ? .str(name) : nil }
    override var attrNames: [String] { ["name"] }
}

/// `monitor(...)`.
final class MonitorValue: StarObject {
    let index: Int
    let function: String
    init(index: Int, function: String) {
        self.index = index
        self.function = function
    }
    override var typeName: String { "monitor" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array("<monitor \(function)>".utf8)
    }
}

public enum SpecValues {
    /// FNV-1a, for hashing handles used as dict keys (`overrides={(s, f): ...}`).
    static func hashString(_ s: String) -> UInt32 {
        var h: UInt32 = 2166136261
        for b in s.utf8 { h = (h ^ UInt32(b)) &* 16777619 }
        return h
    }
}
