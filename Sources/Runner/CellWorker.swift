import Foundation
import Injector
import Reports
import StarlarkVM

/// `faultbox __cell`: a `--jobs` worker, started by the parent inside fresh network and PID
/// namespaces (ParallelRun.swift). It runs one test (all its `--runs`) per request, one
/// request after another, until its stdin ends or the parent kills it: a spec is loaded once
/// per worker, and from the second test on the process is warm (a fresh process pays
/// ~50-110 ms for its first cell against ~20 ms warm: the runtime's first conformance
/// look-ups, NIO's threads, the HTTP client; docs/runner.md). Each test
/// is the ordinary `CellProgram`, so services, the injector, healthchecks and the spec's
/// own HTTP/TCP clients all live in the worker's namespaces; between two tests the worker,
/// PID 1 of its namespace, kills whatever the test left behind. Only outcomes travel: one
/// line of JSON per request on stdout.
public enum CellWorker {
    /// What the parent sends, one JSON object per line on stdin.
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
        /// The backend the parent resolved (`--injector`, FAULTBOX_INJECTOR, auto).
        var injector: String
        /// The command's budgets (`--max-steps`, `--max-depth`, `--max-memory`).
        var maxSteps: UInt64
        var maxDepth: Int
        var maxMemory: Int
    }

    public static func main(_ arguments: [String]) -> Int32 {
        if arguments.first == "--measure-namespaces" { return measure(arguments.dropFirst().first.flatMap(Int.init) ?? 200) }
        var specs: [String: SpecBridge] = [:]
        var input = LineInput(fd: 0)
        while let line = input.next() {
            guard let request = try? JSONDecoder().decode(Request.self, from: Data(line)), let seed = UInt64(request.seed),
                  let injector = InjectorBackend(rawValue: request.injector) else {
                ConsoleWrite.write(ConsoleWrite.stderr, "faultbox __cell: internal command of faultbox test --jobs; it "
                    + "reads its requests on stdin\n")
                return 1
            }
            let bridge: SpecBridge
            if let loaded = specs[request.spec] { bridge = loaded } else {
                let limits = ExecutionLimits(maxSteps: request.maxSteps, maxCallDepth: request.maxDepth,
                                             maxMemoryBytes: request.maxMemory)
                switch SpecBridge.load(path: request.spec, limits: limits) {
                case .success(let loaded): bridge = loaded
                case .failure(let error):
                    ConsoleWrite.write(ConsoleWrite.stderr, error.description + "\n")
                    return 1
                }
                specs[request.spec] = bridge
            }
            guard let reply = run(request, seed: seed, injector: injector, bridge: bridge) else { return 1 }
            // Nothing of this test may reach the next one (a daemonised grandchild, say).
            CellNamespaces.sweep()
            ConsoleWrite.write(ConsoleWrite.stdout, reply + "\n")
        }
        return 0
    }

    /// One test, all its runs, as the reply line (nil after saying why on stderr).
    private static func run(_ request: Request, seed: UInt64, injector: InjectorBackend, bridge: SpecBridge) -> String? {
        let plan = bridge.plan
        guard plan.tests.indices.contains(request.test) else {
            ConsoleWrite.write(ConsoleWrite.stderr, "faultbox __cell: \(request.spec) has no test #\(request.test)\n")
            return nil
        }
        var options = RunOptions(specPath: request.spec)
        options.seed = seed
        options.runs = request.runs
        options.timeout = .milliseconds(request.timeoutMs)
        options.grace = .milliseconds(request.graceMs)
        options.debug = request.debug
        options.injector = injector
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
            return nil
        }
        // JSONSerialization escapes control characters inside strings: the reply is one line.
        return String(decoding: data, as: UTF8.self)
    }

    /// bench/cells.sh: the namespace set-up alone, without any cell.
    static func measure(_ count: Int) -> Int32 {
        guard case .success(let mode) = CellNamespaces.probe(), let t = CellNamespaces.measure(mode: mode, count: count) else {
            ConsoleWrite.write(ConsoleWrite.stderr, "faultbox __cell: no namespaces can be made here\n")
            return 1
        }
        let ms = { (x: Double) in String(format: "%.3f", x) }
        ConsoleWrite.write(ConsoleWrite.stdout, "namespace set-up (\(mode.description), lo up): \(ms(t.namespace)) ms each; "
            + "a plain fork: \(ms(t.fork)) ms; difference \(ms(t.namespace - t.fork)) ms (\(count) each; --jobs pays it once per worker)\n")
        return 0
    }
}

/// Lines from a file descriptor, read without Foundation's buffering (the worker must see a
/// request as soon as its line is complete, and the end of input when the parent closes).
struct LineInput {
    let fd: Int32
    private var pending: [UInt8] = []
    init(fd: Int32) { self.fd = fd }

    mutating func next() -> [UInt8]? {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<end])
                pending.removeSubrange(...end)
                return line
            }
            var buffer = [UInt8](repeating: 0, count: 1 << 14)
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            pending += buffer[0..<n]
        }
    }
}
