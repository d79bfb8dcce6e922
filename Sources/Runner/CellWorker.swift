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
        /// Whether the parent writes a report that needs the event trace (`--output`,
        /// `--junit`, ...); without one the reply leaves it out, as a serial run drops it
        /// (absent: true).
        var details: Bool?
    }

    public static func main(_ arguments: [String]) -> Int32 {
        if arguments.first == "--measure-namespaces" { return measure(arguments.dropFirst().first.flatMap(Int.init) ?? 200) }
        guard let preload = Preload(arguments) else {
            ConsoleWrite.write(ConsoleWrite.stderr, "faultbox __cell: internal command of faultbox test --jobs; "
                + "expected --limits STEPS DEPTH MEMORY and spec paths, got \(arguments.joined(separator: " "))\n")
            return 1
        }
        var specs = SpecCache()
        // The parent is loading the same specs meanwhile: by the time the first request
        // comes, they are ready here too. One that fails is left to the request that names
        // it (the parent has reported the error by then and will not send one).
        for path in preload.specs { _ = specs.load(path, limits: preload.limits) }
        var input = LineInput(fd: 0)
        while let line = input.next() {
            guard let request = try? JSONDecoder().decode(Request.self, from: Data(line)), let seed = UInt64(request.seed),
                  let injector = InjectorBackend(rawValue: request.injector) else {
                ConsoleWrite.write(ConsoleWrite.stderr, "faultbox __cell: internal command of faultbox test --jobs; it "
                    + "reads its requests on stdin\n")
                return 1
            }
            let limits = ExecutionLimits(maxSteps: request.maxSteps, maxCallDepth: request.maxDepth, maxMemoryBytes: request.maxMemory)
            let bridge: SpecBridge
            switch specs.load(request.spec, limits: limits) {
            case .success(let loaded): bridge = loaded
            case .failure(let error):
                ConsoleWrite.write(ConsoleWrite.stderr, error.description + "\n")
                return 1
            }
            guard let reply = run(request, seed: seed, injector: injector, bridge: bridge) else { return 1 }
            // Nothing of this test may reach the next one (a daemonised grandchild, say).
            CellNamespaces.sweep()
            ConsoleWrite.write(ConsoleWrite.stdout, reply + "\n")
        }
        return 0
    }

    /// `--limits STEPS DEPTH MEMORY SPEC...`: what the parent will ask for, so that the
    /// worker loads it while the parent does (CellWorkerPool).
    struct Preload {
        var limits: ExecutionLimits
        var specs: [String]

        init?(_ arguments: [String]) {
            if arguments.isEmpty {  // bench/cells.sh drives a worker with requests alone
                limits = .standard
                specs = []
                return
            }
            guard arguments.count >= 4, arguments[0] == "--limits", let steps = UInt64(arguments[1]),
                  let depth = Int(arguments[2]), let memory = Int(arguments[3]) else { return nil }
            limits = ExecutionLimits(maxSteps: steps, maxCallDepth: depth, maxMemoryBytes: memory)
            specs = Array(arguments.dropFirst(4))
        }
    }

    static func preloadArguments(specs: [String], limits: ExecutionLimits) -> [String] {
        ["--limits", String(limits.maxSteps), String(limits.maxCallDepth), String(limits.maxMemoryBytes)] + specs
    }

    /// Specs loaded once per worker, by path and budgets.
    struct SpecCache {
        private var loaded: [String: (limits: ExecutionLimits, bridge: SpecBridge)] = [:]

        mutating func load(_ path: String, limits: ExecutionLimits) -> Result<SpecBridge, SpecBridge.LoadFailure> {
            if let hit = loaded[path], hit.limits == limits { return .success(hit.bridge) }
            // Silent: a top-level print() is the parent's to show, once, as in a serial run.
            let result = SpecBridge.load(path: path, limits: limits, print: { _ in })
            if case .success(let bridge) = result { loaded[path] = (limits, bridge) }
            return result
        }
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
        // The console needs the counts and the services' output, not the events themselves.
        let sent = request.details ?? true ? outcomes : outcomes.map { var o = $0; o.traceStore = nil; return o }
        let reply: [String: Any] = ["outcomes": sent.map(OutcomeWire.encode),
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
