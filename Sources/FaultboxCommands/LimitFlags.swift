import ArgumentParser
import StarlarkVM

/// `--max-steps`, `--max-depth`, `--max-memory`: the budgets of the Starlark computation,
/// shared by eval, compile and test (docs/vm.md, "Budgets"). A spec may change them with
/// `limits(max_steps=, max_depth=, max_memory=)`.
struct LimitFlags: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Stop with an error after this many steps (loop "
                                             + "iterations and calls; default 100000000).", valueName: "N"))
    var maxSteps: UInt64?

    @Option(name: .long, help: ArgumentHelp("Stop with an error when calls nest deeper than "
                                             + "this (default 1000, at most 65536).", valueName: "N"))
    var maxDepth: Int?

    @Option(name: .long, help: ArgumentHelp("Stop with an error when the computation grows faultbox's memory by "
                                             + "more than this (512MB, 2GiB, 4G; default 2GiB).", valueName: "SIZE"))
    var maxMemory: String?

    /// The budgets, or a usage error naming the flag.
    func limits(command: String) throws -> ExecutionLimits {
        var limits = ExecutionLimits.standard
        if let n = maxSteps {
            guard n > 0 else { throw usage(command, "--max-steps: want a positive number of steps, got 0") }
            limits.maxSteps = n
        }
        if let n = maxDepth {
            guard n > 0, n <= StarThread.depthCeiling else {
                throw usage(command, "--max-depth: want a depth from 1 to \(StarThread.depthCeiling), got \(n)")
            }
            limits.maxCallDepth = n
        }
        if let text = maxMemory {
            guard let bytes = ExecutionLimits.parseSize(text), bytes > 0 else {
                throw usage(command, "--max-memory: \"\(text)\" is not a size; write e.g. 512MB, 2GiB or 4G")
            }
            limits.maxMemoryBytes = bytes
        }
        return limits
    }

    private func usage(_ command: String, _ message: String) -> ExitWith {
        FileHandleStderr.write("faultbox \(command): \(message)\n")
        return ExitWith(ExitStatus.usage)
    }
}
