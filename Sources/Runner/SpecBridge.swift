import FaultPlan
import Injector
import SpecLowering
import StarlarkVM

/// The VM side of a run: loads the spec (SpecLowering, with the injector's syscall and
/// errno tables) and builds each cell's body, which calls the scenario and the oracle in
/// a fresh Starlark thread.
struct SpecBridge: Sendable {
    let box: LoadedSpecBox
    var plan: FaultPlan { box.spec.plan }

    struct LoadFailure: Error, CustomStringConvertible { let description: String }

    /// `print`: where a top-level `print()` goes (standard error unless told otherwise).
    static func load(path: String, limits: ExecutionLimits,
                     print: @escaping @Sendable (String) -> Void = SpecOptions.printToStderr) -> Result<SpecBridge, LoadFailure> {
        do {
            let spec = try loadSpec(path: path, options: SpecOptions(vocabulary: vocabulary, limits: limits, print: print))
            return .success(SpecBridge(box: LoadedSpecBox(spec)))
        } catch {
            let n = error.count
            let summary = n > 1 ? "\n\(n) errors in \(path)" : ""
            return .failure(LoadFailure(description: error.description + summary))
        }
    }

    static var vocabulary: SyscallVocabulary {
        SyscallVocabulary(expand: { Syscalls.expand($0) }, errnoValue: { Errno.value(named: $0) },
                          errnoNames: Errno.allNames, syscallNames: Syscalls.allNames)
    }

    func cellBody(for test: PlanTest) -> @Sendable (CellContext) -> String? {
        CellBodies.make(box, test)
    }

    func healthFunction(for test: PlanTest) -> @Sendable (CellContext, CallableRef, Duration) -> HealthcheckAttempt {
        HealthFunction.make(box, test)
    }
}
