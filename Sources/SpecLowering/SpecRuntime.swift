import FaultPlan
import StarlarkVM

/// What `faultbox test` provides so that spec code can talk to services and arm faults
/// while a test runs. The runner installs one per cell thread with `SpecRuntimeSlot`; with
/// none installed (compile, generate) the calls fail with "only available while a test runs".
public protocol SpecRuntime: AnyObject {
    /// One HTTP request to `service`'s `interface`. Transport errors are returned in
    /// `SpecHTTPResult.error`, never thrown (the spec sees `ok=False, status=0`).
    /// `tls` is set for an "https" interface or one with `tls=` (the call then uses https://).
    func http(service: String, interface: String, address: String, method: String, path: String,
              body: [UInt8]?, headers: [(String, String)], tls: TLSSettings?) -> SpecHTTPResult
    /// Writes `data` plus a newline to a TCP interface and returns the reply line.
    func tcpSend(service: String, interface: String, address: String, data: [UInt8]) throws -> [UInt8]
    /// Arms `rules` on `target` while `body` runs (rules are validated and expanded).
    func withFaults(target: String, rules: [SyscallRule], body: () throws -> Value) throws -> Value
    /// Refuses `connect` between `a` and `b` (both directions) while `body` runs.
    func partition(a: String, b: String, body: () throws -> Value) throws -> Value
}

/// A finished HTTP exchange in plain Swift values; `SpecValues.response` turns it into
/// the Starlark response object.
public struct SpecHTTPResult: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var headers: [(String, String)]
    public var durationMilliseconds: Double
    /// A transport error (connection refused, timeout...); nil when a response arrived.
    public var error: String?
    public init(status: Int, body: [UInt8], headers: [(String, String)], durationMilliseconds: Double, error: String?) {
        self.status = status
        self.body = body
        self.headers = headers
        self.durationMilliseconds = durationMilliseconds
        self.error = error
    }
}

/// Where a thread keeps its runtime and the spec's vocabulary.
public enum SpecRuntimeSlot {
    static let key = "faultbox.runtime"
    /// Installs (or with nil removes) the runtime of `thread`.
    public static func install(_ runtime: SpecRuntime?, on thread: StarThread) {
        thread.local[key] = runtime.map { RuntimeBox($0) }
    }
    static func runtime(_ thread: StarThread) -> SpecRuntime? {
        (thread.local[key] as? RuntimeBox)?.runtime
    }
}

final class RuntimeBox {
    let runtime: SpecRuntime
    init(_ runtime: SpecRuntime) { self.runtime = runtime }
}

/// Error raised when a runtime-only builtin is called while no test runs.
func onlyWhileTesting(_ what: String) -> StarlarkError {
    StarlarkError("\(what) is only available while a test runs (faultbox test); at the top level of a spec, "
                  + "call it inside a scenario or def test_* function")
}
