import FaultPlan
import Foundation
import ServiceClients
import StarlarkVM

/// `tls_cert(ca=, insecure=, client_cert=, client_key=)`: how faultbox's client speaks TLS
/// to an interface (`interface(..., tls = tls_cert(...))`) or in an `http()` healthcheck.
/// Checked here, at spec load: keywords only (a swapped positional pair would be a silent
/// mistake), pairs complete, files that exist and parse, no `insecure` with `ca`. Paths are
/// relative to the calling spec's folder, as `load_file`'s are.
enum TLSBuiltins {
    static func all() -> [String: Value] {
        ["tls_cert": .builtin(Builtin(name: "tls_cert", impl: tlsCert))]
    }

    /// The reference tool configures its protocol proxy with these; there is no proxy here.
    static let proxyOnly = ["proxy_cert", "proxy_key"]

    static func tlsCert(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        if !args.positional.isEmpty {
            throw StarlarkError("tls_cert: takes keyword arguments only (ca=, insecure=, client_cert=, client_key=), "
                                + "so that certificate and key cannot be swapped by position")
        }
        if let proxy = args.named.first(where: { proxyOnly.contains($0.0) }) {
            throw StarlarkError("tls_cert: \(proxy.0)= configures the reference tool's protocol proxy, and faultbox has no "
                                + "proxy: the service terminates TLS itself and faultbox's client talks to it directly; "
                                + "drop proxy_cert/proxy_key (see docs/spec-reference.md, TLS)")
        }
        let a = try BoundArgs(args, fn: "tls_cert", params: ["ca?", "insecure?", "client_cert?", "client_key?"], positional: 0)
        var settings = TLSSettings()
        switch a.values["insecure"] {
        case nil, .none?: break
        case .bool(let b)?: settings.insecure = b
        case let v?: throw a.typeError("insecure", v, "bool")
        }
        let folder = SpecDirectorySlot.callerFolder(thread).absolute
        func file(_ keyword: String, _ problem: (String) -> String?) throws -> String? {
            guard let path = try a.string(keyword) else { return nil }
            guard !path.isEmpty else { throw StarlarkError("tls_cert: \(keyword)= is empty; give the PEM file's path") }
            let resolved = ModuleLoader.path(of: path, from: folder)
            let shown = resolved == path ? "\"\(path)\"" : "\"\(path)\" (resolved to \(resolved))"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw StarlarkError("tls_cert: \(keyword)=\(shown) does not exist; paths are relative to the spec's folder")
            }
            if let why = problem(resolved) { throw StarlarkError("tls_cert: \(keyword)=\(shown): \(why)") }
            return resolved
        }
        settings.ca = try file("ca", ClientTLS.certificateProblem)
        settings.clientCert = try file("client_cert", ClientTLS.certificateProblem)
        settings.clientKey = try file("client_key", ClientTLS.privateKeyProblem)
        if settings.insecure && settings.ca != nil {
            throw StarlarkError("tls_cert: insecure=True and ca= contradict each other (accept any certificate, or only "
                                + "those signed by the CA); keep ca= to verify, or drop it")
        }
        if (settings.clientCert == nil) != (settings.clientKey == nil) {
            let missing = settings.clientCert == nil ? "client_cert" : "client_key"
            throw StarlarkError("tls_cert: client_cert= and client_key= go together (mutual TLS); add \(missing)=")
        }
        return .object(TLSCertValue(settings))
    }
}

/// The value of `tls_cert(...)`.
final class TLSCertValue: StarObject {
    let settings: TLSSettings
    init(_ settings: TLSSettings) { self.settings = settings }
    override var typeName: String { "tls_cert" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array(settings.written().utf8)
    }
    override func attr(_ attr: String, thread: StarThread) throws -> Value? {
        switch attr {
        case "ca": return settings.ca.map { .str($0) } ?? Value.none
        case "insecure": return .bool(settings.insecure)
        case "client_cert": return settings.clientCert.map { .str($0) } ?? Value.none
        case "client_key": return settings.clientKey.map { .str($0) } ?? Value.none
        default: return nil
        }
    }
    override var attrNames: [String] { ["ca", "client_cert", "client_key", "insecure"] }
}

extension BoundArgs {
    /// `tls=`: a `tls_cert(...)` value or None.
    func tls(_ name: String = "tls") throws -> TLSSettings? {
        switch values[name] {
        case nil, .none?: return nil
        case .object(let o as TLSCertValue)?: return o.settings
        case let v?: throw typeError(name, v, "tls_cert(...)")
        }
    }
}
