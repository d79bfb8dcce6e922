import FaultPlan
import Injector
import SpecLowering
import StarlarkVM

/// `fault_start` / `fault_stop` / `fault_all` in a running cell (`SpecFaultControl`).
///
/// `fault_start(svc, ...)` pushes a pinned layer on the cell's `ArmedRules`: it stays
/// armed when the function that started it returns, until `fault_stop(svc)` or the end
/// of the test (the cell's disarm), which then adds a warning naming the `fault_start`
/// position. `fault_all([a, b], run=fn)` is one layer holding every service's rules, armed
/// in one re-arm before `fn` and removed after it, also when `fn` raises.
extension CellRuntime: SpecFaultControl {
    func faultStart(target: String, rules: [SyscallRule], position: SourcePosition) throws {
        try runMonitorsOrThrow()
        let origin = "fault_start(\(target))"
        let layer = [target: injectorRules(rules, target: target, origin: origin)]
        let sink = context.warnings
        let warning = "\(position): fault_start(\(target)) was never stopped: its rules stayed armed until the end of "
            + "the test and were stopped there; call fault_stop(\(target)) when the fault should end, "
            + "or use fault(\(target), ..., run = fn), which stops them itself"
        context.rules.push(layer, pin: .init(key: target, leftOpen: { sink.withLock { $0.append(warning) } }))
    }

    @discardableResult
    func faultStop(target: String, position: SourcePosition) throws -> Bool {
        try runMonitorsOrThrow()
        if context.rules.unpin(target) { return true }
        // The reference tool treats this as a no-op; a warning keeps the test running and
        // still shows a stop that names the wrong service or comes twice.
        warnings.append("\(position): fault_stop(\(target)): no fault_start(\(target)) was active, so there was "
                        + "nothing to stop (rules of fault(...) and fault_all(...) end when their run= function returns)")
        return false
    }

    func withFaults(all: [(target: String, rules: [SyscallRule])], body: () throws -> Value) throws -> Value {
        let names = "fault_all([" + all.map(\.target).joined(separator: ", ") + "])"
        var layer: [String: [FaultRule]] = [:]
        for entry in all {
            // One origin per service, so that "never fired" says which service saw no call.
            layer[entry.target, default: []] += injectorRules(entry.rules, target: entry.target,
                                                              origin: "\(names) on \(entry.target)")
        }
        return try withLayer(layer, body)
    }

    /// Injector rules with fresh ids for `origin`; warns about syscalls the cell does not
    /// trap in `target` (such a rule cannot fire).
    private func injectorRules(_ rules: [SyscallRule], target: String, origin: String) -> [FaultRule] {
        rules.map { r in
            let id = context.rules.newRuleID(origin: .init(name: origin, warnIfUnused: true))
            let untrapped = r.syscalls.filter { !(trapSets[target]?.contains($0) ?? false) }
            if !untrapped.isEmpty {
                warnings.append("\(r.position): \(origin) \(r.keyword): \(untrapped.joined(separator: ", ")) "
                                + "not trapped in \(target) for this test, so it cannot fire")
            }
            return PlanAdapter.rule(r, id: id, defaultLabel: "")
        }
    }
}
