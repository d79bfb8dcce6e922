import FaultPlan
import StarlarkVM

/// The imperative and multi-service fault builtins (`fault_start`, `fault_stop`,
/// `fault_all`), carried out by the runner. A separate protocol from `SpecRuntime` so that
/// runtimes without them keep compiling; the builtins raise a clear error when the
/// installed runtime does not conform.
public protocol SpecFaultControl: AnyObject {
    /// `fault_start(service, **faults)`: arms `rules` on `target` until `faultStop` or the
    /// end of the test (then stopped with a warning naming `position`). A second
    /// `fault_start` on the same service replaces what the first one armed.
    func faultStart(target: String, rules: [SyscallRule], position: SourcePosition) throws
    /// `fault_stop(service)`: disarms what `fault_start` armed on `target`. Returns false
    /// (and notes a warning) when nothing was started there; rules of an enclosing
    /// `fault(...)`, `fault_all(...)` or assumption are not touched.
    @discardableResult
    func faultStop(target: String, position: SourcePosition) throws -> Bool
    /// `fault_all([services], run=fn, **faults)`: arms every service's rules at once (one
    /// re-arm) while `body` runs and disarms them after, also when `body` raises.
    func withFaults(all: [(target: String, rules: [SyscallRule])], body: () throws -> Value) throws -> Value
}
