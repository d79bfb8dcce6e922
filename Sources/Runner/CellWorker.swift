import Foundation
import Injector
import Reports
import StarlarkVM

/// `faultbox __cell`: one test (all its `--runs`) in a `--jobs` worker, started by the
/// parent inside fresh network and PID namespaces (ParallelRun.swift). It is the ordinary
/// `CellProgram`, so services, the injector, healthchecks and the spec's own HTTP/TCP
/// clients all live in the worker's namespaces; only the outcomes travel, as JSON on stdout.
public enum CellWorker {
    /// What the parent sends on stdin.
    struct Request: Codable {
        var spec: String
        var test: Int
        var testOffset: Int
        var matrixOffset: Int
        var seed: String
        var runs: Int
        var timeoutMs: Int64
        var graceMs: Int64
        var debug: Bool
        var runDirectory: String
        /// The command's budgets (`--max-steps`, `--max-depth`, `--max-memory`).
        var maxSteps: UInt64
        var maxDepth: Int
        var maxMemory: Int
    }

    public static func main(_ arguments: [String]) -> Int32 {
        if arguments.first == "--measure-namespaces" { return measure(arguments.dropFirst().first.flatMap(Int.init) ?? 200) }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let request = try? JSONDecoder().decode(Request.self, from: input), let seed = UInt64(request.seed) else {
            ConsoleWrite.write(ConsoleWrite.stderr, "faultbox __cell: internal command of faultbox test --jobs; it reads its request on stdin\n")
            return 1
        }
        let bridge: SpecBridge
        let limits = ExecutionLimits(maxSteps: request.maxSteps, maxCallDepth: request.maxDepth, maxMemoryBytes: request.maxMemory)
        switch SpecBridge.load(path: request.spec, limits: limits) {
        case .success(let loaded): bridge = loaded
        case .failure(let error):
            ConsoleWrite.write(ConsoleWrite.stderr, error.description + "\n")
            return 1
        }
        let plan = bridge.plan
        guard plan.tests.indices.contains(request.test) else {
            ConsoleWrite.write(ConsoleWrite.stderr, "faultbox __cell: \(request.spec) has no test #\(request.test)\n")
            return 1
        }
        var options = RunOptions(specPath: request.spec)
        options.seed = seed
        options.runs = request.runs
        options.timeout = .milliseconds(request.timeoutMs)
        options.grace = .milliseconds(request.graceMs)
        options.debug = request.debug
        var program = CellProgram(options: options, runDirectory: RunDirectory(path: request.runDirectory),
                                  current: Locked<CellCancellation?>(nil))
        let vacuity = VacuityTracker()
        program.vacuity = vacuity
        var cell = TestRun.makeCell(plan, plan.tests[request.test], services: PlanAdapter.services(plan), spec: bridge)
        cell.matrixID = cell.matrixID.map { $0 + request.matrixOffset }
        // The serial loop's rule: run i uses seed+i, the first failing run ends the test's runs.
        var outcomes: [TestOutcome] = []
        for run in 0..<request.runs {
            let outcome = program.run(cell, index: request.testOffset + request.test + 1, runNumber: run + 1, seed: seed &+ UInt64(run))
            outcomes.append(outcome)
            if !outcome.passed { break }
        }
        let facts = vacuity.snapshot()
        let reply: [String: Any] = ["outcomes": outcomes.map(OutcomeWire.encode),
                                    "stepped": facts.stepped, "confirmed": facts.confirmed]
        guard let data = try? JSONSerialization.data(withJSONObject: reply) else {
            ConsoleWrite.write(ConsoleWrite.stderr, "faultbox __cell: cannot encode the outcome of \(cell.name)\n")
            return 1
        }
        ConsoleWrite.write(ConsoleWrite.stdout, String(decoding: data, as: UTF8.self))
        return 0
    }

    /// bench/cells.sh: the namespace set-up alone, without any cell.
    static func measure(_ count: Int) -> Int32 {
        guard case .success(let mode) = CellNamespaces.probe(), let t = CellNamespaces.measure(mode: mode, count: count) else {
            ConsoleWrite.write(ConsoleWrite.stderr, "faultbox __cell: no namespaces can be made here\n")
            return 1
        }
        let ms = { (x: Double) in String(format: "%.3f", x) }
        ConsoleWrite.write(ConsoleWrite.stdout, "namespace set-up (\(mode.description), lo up): \(ms(t.namespace)) ms per cell; "
            + "a plain fork: \(ms(t.fork)) ms; difference \(ms(t.namespace - t.fork)) ms (\(count) each)\n")
        return 0
    }
}
