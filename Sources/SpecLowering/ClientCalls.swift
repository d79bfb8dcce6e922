import FaultPlan
import StarlarkVM

/// The interface methods (`api.get(path=...)`, `db.main.send(data=...)`): type-checked
/// here, carried out by the runner's `SpecRuntime`.
enum ClientCalls {
    static func http(_ iface: InterfaceValue, method: String, label: String, thread: StarThread,
                     args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: label, params: ["path?", "body?", "headers?"])
        let path = try a.string("path", default: "/") ?? "/"
        var body: [UInt8]?
        if let v = a.values["body"] {
            switch v {
            case .none: body = nil
            case .string(let s): body = s.bytes
            case .bytes(let b): body = b.bytes
            default: throw a.typeError("body", v, "string or bytes")
            }
        }
        var headers: [(String, String)] = []
        if let v = a.values["headers"] {
            switch v {
            case .none: break
            case .dict(let d):
                for (k, val) in d.items {
                    guard case .string(let ks) = k, case .string(let vs) = val else {
                        throw StarlarkError("\(label): for parameter headers: want dict of string to string, got "
                            + "\(k.typeName): \(val.typeName)")
                    }
                    headers.append((ks.string, vs.string))
                }
            default: throw a.typeError("headers", v, "dict")
            }
        }
        guard let runtime = SpecRuntimeSlot.runtime(thread) else { throw onlyWhileTesting("\(label)()") }
        let result = runtime.http(service: iface.service ?? "", interface: iface.name, address: iface.address,
                                  method: method.uppercased(), path: path.hasPrefix("/") ? path : "/" + path,
                                  body: body, headers: headers, tls: iface.clientTLS)
        AssertionCounter.noteStep(thread, service: iface.service ?? "", interface: iface.name,
                                  succeeded: result.error == nil && (200..<400).contains(result.status))
        return SpecValues.response(result, thread: thread)
    }

    static func send(_ iface: InterfaceValue, label: String, thread: StarThread, args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: label, params: ["data"])
        let data: [UInt8]
        switch a.values["data"] ?? .none {
        case .string(let s): data = s.bytes
        case .bytes(let b): data = b.bytes
        case let v: throw a.typeError("data", v, "string or bytes")
        }
        guard let runtime = SpecRuntimeSlot.runtime(thread) else { throw onlyWhileTesting("\(label)()") }
        let reply: [UInt8]
        do {
            reply = try runtime.tcpSend(service: iface.service ?? "", interface: iface.name, address: iface.address, data: data)
        } catch {
            AssertionCounter.noteStep(thread, service: iface.service ?? "", interface: iface.name, succeeded: false)
            throw error
        }
        AssertionCounter.noteStep(thread, service: iface.service ?? "", interface: iface.name, succeeded: true)
        return .str(reply)
    }
}
