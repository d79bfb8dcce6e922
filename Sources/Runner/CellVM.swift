import FaultPlan
import Foundation
import SpecLowering
import StarlarkVM

/// A cell's Starlark thread with its runtime installed (`api.get`, `db.main.send`...),
/// made on the VM thread at its first use: a function healthcheck while the services start,
/// else the cell's body. Both use the same thread, so a healthcheck function sees what the
/// scenario sees.
final class CellVM {
    let thread: StarThread
    let runtime: CellRuntime
    let monitors: MonitorRunner

    private init(thread: StarThread, runtime: CellRuntime, monitors: MonitorRunner) {
        self.thread = thread
        self.runtime = runtime
        self.monitors = monitors
    }

    /// The context's VM, made now when it has none.
    static func of(_ box: LoadedSpecBox, _ test: PlanTest, _ context: CellContext) -> CellVM {
        if let vm = context.vm { return vm }
        let plan = box.spec.plan
        let thread = box.spec.makeThread(name: test.name)
        thread.print = { line in context.printed.withLock { $0.append(line) } }
        let flag = thread.cancellation
        context.cancellation.onStop { reason in
            switch reason {
            case .timeout(let d): flag.cancel("test timed out after \(DurationFlag.format(d))")
            case .interrupted: flag.cancel("interrupted")
            }
        }
        var ports: [String: [Int]] = [:]
        for s in plan.services { ports[s.name] = s.interfaces.map(\.port) }
        let monitors = MonitorRunner(test.monitors.compactMap { id in
            plan.monitors.indices.contains(id) ? CellBodies.watch(plan.monitors[id], box.spec) : nil
        })
        let runtime = CellRuntime(context: context, thread: thread, monitors: monitors,
                                  serviceNames: plan.servicesInStartOrder.map(\.name), ports: ports,
                                  trapSets: PlanAdapter.trapSets(test))
        SpecRuntimeSlot.install(runtime, on: thread)
        let vm = CellVM(thread: thread, runtime: runtime, monitors: monitors)
        context.vm = vm
        return vm
    }
}

/// `healthcheck = fn`: one call of `fn` on the cell's VM thread with the cell's runtime.
/// Ready when it returns True; False, None or anything else is "not yet", and so is an
/// exception (the last one is shown when the healthcheck times out). While it runs, the
/// runtime is `starting`: its calls are bounded by what is left of the healthcheck's
/// timeout, and neither recorded as trace steps nor shown to monitors (start-up traffic,
/// like the other healthchecks').
enum HealthFunction {
    static func make(_ box: LoadedSpecBox, _ test: PlanTest) -> @Sendable (CellContext, CallableRef, Duration) -> HealthcheckAttempt {
        { context, ref, timeout in call(box, test, context, ref, timeout) }
    }

    private static func call(_ box: LoadedSpecBox, _ test: PlanTest, _ context: CellContext,
                             _ ref: CallableRef, _ timeout: Duration) -> HealthcheckAttempt {
        guard let fn = box.spec.callable(ref) else {
            return HealthcheckAttempt(ready: false, seen: "internal error: no function for \(ref.name) (\(ref.position))")
        }
        let vm = CellVM.of(box, test, context)
        vm.runtime.starting = true
        vm.runtime.callTimeout = timeout
        defer { vm.runtime.callTimeout = CellRuntime.requestTimeout }
        do {
            let v = try vm.thread.call(fn, Arguments())
            if case .bool(true) = v { return HealthcheckAttempt(ready: true, seen: "True") }
            return HealthcheckAttempt(ready: false, seen: "\(ref.name)() returned \(CellBodies.repr(v))")
        } catch {
            return HealthcheckAttempt(ready: false, seen: "\(ref.name)() raised an "
                + "error:\n" + CellRuntime.indent(CellBodies.describe(error)))
        }
    }
}
