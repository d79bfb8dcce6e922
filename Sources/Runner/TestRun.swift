import FaultPlan
import Foundation
import Injector
import Reports

/// `faultbox test` from parsed options to exit status: load the spec, select the tests,
/// run each one (services, faults, scenario, oracle, teardown), print and write reports.
public enum TestRun {
    public enum Format: Sendable { case text, json }

    /// The output side of the command line.
    public struct Request: Sendable {
        public var junitPath: String?
        public var format: Format
        /// Whether `--format` was given explicitly (`--output` alone writes JSON).
        public var formatGiven: Bool
        public var outputPath: String?
        public var dryRun: Bool
        /// `--normalize FILE` and `--shiviz FILE`: the trace files.
        public var normalizePath: String?
        public var shivizPath: String?
        /// `--html FILE`: the self-contained page (HTMLReport).
        public var htmlPath: String?
        /// The invocation, recorded in the JSON and HTML reports.
        public var commandLine: [String]
        public init(junitPath: String?, format: Format, formatGiven: Bool, outputPath: String?, dryRun: Bool,
                    normalizePath: String? = nil, shivizPath: String? = nil, htmlPath: String? = nil,
                    commandLine: [String] = []) {
            self.junitPath = junitPath
            self.format = format
            self.formatGiven = formatGiven
            self.outputPath = outputPath
            self.dryRun = dryRun
            self.normalizePath = normalizePath
            self.shivizPath = shivizPath
            self.htmlPath = htmlPath
            self.commandLine = commandLine
        }
    }

    /// Runs everything and returns the exit status (0 passed, 1 usage/spec error, 2 a
    /// test failed, 130 interrupted, 141 stdout/stderr reader gone).
    public static func main(options given: RunOptions, request: Request) -> Int32 {
        let startedAt = Date()
        // `--jobs N`: isolated workers where namespaces can be made, else (one line) serial,
        // decided before the preflight so that a serial run still checks the host's ports.
        // The workers start now, one per CPU at most, and load the specs while this process
        // does (CellWorkerPool); the first one's start is the probe.
        var options = given
        var pool: CellWorkerPool?
        var jobsNote: String?
        if options.jobs > 1 && !request.dryRun {
            let early = min(options.jobs, ProcessInfo.processInfo.activeProcessorCount)
            switch CellWorkerPool.start(count: early, specs: options.specPaths, limits: options.limits) {
            case .success(let started): pool = started
            case .failure(let why):
                jobsNote = "faultbox test: --jobs \(options.jobs): cannot create network and PID namespaces here "
                    + "(\(why)); running the tests one at a time on the host network\n"
                options.jobs = 1
            }
        }
        // A run that stops before its tests (a spec error, no run directory) leaves no worker.
        defer { pool?.shutDown() }
        var specs: [SpecToRun]
        switch prepare(options: options, checkBinaries: !request.dryRun) {
        case .success(let prepared): specs = prepared
        case .failure(let message):
            writeStderr(message)
            // A CI job that publishes the page should show why nothing ran, not a stale file.
            if let path = request.htmlPath, !request.dryRun {
                var report = RunReport(specFiles: options.specPaths, outcomes: [], startedAt: startedAt)
                report.commandLine = request.commandLine
                report.loadError = message.hasSuffix("\n") ? String(message.dropLast()) : message
                if let problem = writeHTML(report, to: path) { writeStderr(problem) }
            }
            return 1
        }
        let unsharded = specs.reduce(0) { $0 + $1.selected.count }
        specs = applyShard(specs, options: options)
        let shardNote = options.shard.map { shardLine($0, kept: specs.reduce(0) { $0 + $1.selected.count }, of: unsharded) }
        if request.dryRun {
            if let shardNote { ConsoleWrite.write(ConsoleWrite.stdout, shardNote) }
            for spec in specs where !spec.selected.isEmpty {
                if options.specPaths.count > 1 { ConsoleWrite.write(ConsoleWrite.stdout, "\(spec.options.specPath):\n") }
                ConsoleWrite.write(ConsoleWrite.stdout, dryRunListing(spec.plan, selected: spec.selected))
            }
            return 0
        }
        let runDirectory: RunDirectory
        do { runDirectory = try RunDirectory.create() } catch {
            writeStderr("faultbox test: cannot create a run directory: \(error); set FAULTBOX_RUN_DIR to a writable directory\n")
            return 1
        }

        let interrupts = InterruptWatcher()
        let current = Locked<CellCancellation?>(nil)
        interrupts.onInterrupt { current.current?.stop(.interrupted) }
        interrupts.install()

        // JSON on stdout keeps stdout clean for tools: the live lines go to stderr then.
        let jsonOnStdout = request.format == .json && request.outputPath == nil
        let progress = Progress(out: jsonOnStdout ? ConsoleWrite.stderr : ConsoleWrite.stdout,
                                statusLine: options.statusLine && !jsonOnStdout, color: options.color)
        if options.debug { progress.print("run directory: \(runDirectory.path)\n") }
        if let shardNote { progress.print(shardNote) }

        var outcomes: [TestOutcome] = []
        let total = specs.reduce(0) { $0 + $1.selected.count } * options.runs
        var position = 0
        let vacuity = VacuityTracker()
        // `--show fail`: only what did not plainly pass is printed as it finishes.
        let hidePasses = options.showOutput == .fail
        // Only the report files read a finished test's trace and service output; the
        // console prints them as the test finishes. Without such a file the run keeps the
        // rest only, so a long run's memory does not grow with every cell's trace.
        let reportsNeedDetails = request.junitPath != nil || request.normalizePath != nil || request.shivizPath != nil
            || request.htmlPath != nil || request.outputPath != nil || jsonOnStdout
        if let jobsNote { progress.print(jobsNote) }
        if let pool {
            outcomes = runParallel(specs, options: options, jobs: options.jobs, pool: pool, details: reportsNeedDetails,
                                   runDirectory: runDirectory, progress: progress, interrupts: interrupts,
                                   vacuity: vacuity) { runs in
                printTestLines(runs, options: options, progress: progress)
            }
        }
        tests: for spec in specs where pool == nil {
            var program = CellProgram(options: spec.options, runDirectory: runDirectory, current: current)
            program.vacuity = vacuity
            let services = PlanAdapter.services(spec.plan)
            for index in spec.selected {
                let test = spec.plan.tests[index]
                var cell = makeCell(spec.plan, test, services: services, spec: spec.bridge)
                cell.matrixID = cell.matrixID.map { $0 + spec.matrixOffset }
                // `--runs N`: run i uses seed+i; the first failing run ends the test's runs.
                var runs: [TestOutcome] = []
                for run in 0..<options.runs {
                    if interrupts.interrupted { break tests }
                    position += 1
                    let seed = options.seed &+ UInt64(run)  // --seed 18446744073709551615 --runs 2 wraps to 0
                    progress.started(test.name, index: position, total: total)
                    let outcome = program.run(cell, index: spec.testOffset + index + 1, runNumber: run + 1, seed: seed)
                    // A test stopped by Ctrl-C did not finish: the reports hold what did.
                    if interrupts.interrupted { break tests }
                    outcomes.append(reportsNeedDetails ? outcome : outcome.withoutDetails())
                    runs.append(outcome)
                    ResourceSample.afterCell(position)
                    if options.runs == 1 {
                        progress.finished(outcome, showOutput: options.showOutput == .all,
                                          hide: hidePasses && outcome.outcome == .passed)
                    } else if !outcome.passed {
                        progress.finished(outcome, showOutput: false, hide: false,
                                          after: ConsoleReport.runsFailLine(outcome, run: run + 1, of: options.runs))
                        break
                    } else {
                        progress.finished(outcome, showOutput: false, hide: true)
                    }
                }
                if options.runs > 1, runs.count == options.runs, runs.allSatisfy(\.passed),
                   !(hidePasses && runs.allSatisfy { $0.outcome == .passed }) {
                    progress.print(ConsoleReport.runsPassLine(runs, of: options.runs, color: options.color))
                }
            }
        }

        let layouts = specs.flatMap { spec in
            PlanAdapter.matrixLayouts(spec.plan).map { layout -> MatrixLayout in
                var shifted = layout
                shifted.id += spec.matrixOffset
                return shifted
            }
        }
        var portOwners: [Int: String] = [:]
        for spec in specs { for s in spec.plan.services { for i in s.interfaces { portOwners[i.port] = s.name } } }
        var report = RunReport(specFiles: options.specPaths, outcomes: outcomes,
                               matrices: layouts, startedAt: startedAt,
                               interrupted: interrupts.interrupted)
        // A partial run cannot say what the whole suite never checks.
        // Nor can one shard of it.
        if !report.interrupted && (options.shard?.total ?? 1) == 1 { report.diagnostics = vacuity.diagnostics() }
        report.portOwners = portOwners
        report.commandLine = request.commandLine
        report.shard = options.shard?.description
        progress.stop()
        var text = ""
        for layout in report.matrices where outcomes.contains(where: { $0.matrixID == layout.id }) {
            text += "\n" + ConsoleReport.matrixTable(layout, outcomes: outcomes)
        }
        if report.interrupted { text += "interrupted: \(outcomes.count) of \(total) tests finished\n" }
        text += ConsoleReport.summary(report, color: options.color)
        progress.print(text)

        // Only failed tests left files; an all-passed run leaves no directory behind.
        _ = rmdir(runDirectory.path)
        var status: Int32 = report.interrupted ? interrupts.stopStatus : (report.failedCount > 0 ? 2 : 0)
        if let path = request.junitPath {
            do { try JUnitReport.write(report, to: path) } catch {
                writeStderr("faultbox test: --junit \(path): \(error)\n")
                if status == 0 { status = 1 }
            }
        }
        if let path = request.normalizePath {
            let text = TraceOutputs.normalized(outcomes, runDirectory: runDirectory.path, knownPorts: Set(portOwners.keys))
            if let problem = TraceOutputs.write(text, to: path, flag: "--normalize") {
                writeStderr(problem)
                if status == 0 { status = 1 }
            }
        }
        if let path = request.shivizPath {
            if let problem = TraceOutputs.write(TraceOutputs.shiviz(outcomes, portOwners: portOwners), to: path, flag: "--shiviz") {
                writeStderr(problem)
                if status == 0 { status = 1 }
            }
        }
        if let path = request.htmlPath, let problem = writeHTML(report, to: path) {
            writeStderr(problem)
            if status == 0 { status = 1 }
        }
        let json = request.format == .json || (request.outputPath != nil && !request.formatGiven)
        let resultText = json ? JSONReport.encode(report) : text
        if let path = request.outputPath {
            do { try Data(resultText.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                writeStderr("faultbox test: --output \(path): \(error.localizedDescription)\n")
                if status == 0 { status = 1 }
            }
        } else if jsonOnStdout {
            ConsoleWrite.write(ConsoleWrite.stdout, resultText)
        }
        return status
    }

    /// The console lines of one test's finished runs, as the serial loop prints them.
    static func printTestLines(_ runs: [TestOutcome], options: RunOptions, progress: Progress) {
        let hidePasses = options.showOutput == .fail
        if options.runs == 1, let outcome = runs.first {
            progress.finished(outcome, showOutput: options.showOutput == .all, hide: hidePasses && outcome.outcome == .passed)
            return
        }
        for (run, outcome) in runs.enumerated() {
            if !outcome.passed {
                progress.finished(outcome, showOutput: false, hide: false,
                                  after: ConsoleReport.runsFailLine(outcome, run: run + 1, of: options.runs))
            } else {
                progress.finished(outcome, showOutput: false, hide: true)
            }
        }
        if runs.count == options.runs, runs.allSatisfy(\.passed), !(hidePasses && runs.allSatisfy { $0.outcome == .passed }) {
            progress.print(ConsoleReport.runsPassLine(runs, of: options.runs, color: options.color))
        }
    }

    static func makeCell(_ plan: FaultPlan, _ test: PlanTest, services: [ServiceLaunch], spec: SpecBridge) -> CellDefinition {
        let traps = PlanAdapter.trapSets(test)
        let id = PlanAdapter.identity(plan, test)
        return CellDefinition(
            name: test.name, scenario: id.scenario, fault: id.fault, matrixID: id.matrixID, matrixRow: id.row,
            services: services, trapSets: traps,
            assumptionRules: PlanAdapter.assumptionRules(plan, test),
            body: spec.cellBody(for: test), healthFunction: spec.healthFunction(for: test), judging: CellJudging.make(test))
    }

    /// `--dry-run`: the selected tests in run order and the counts (the plan's listing,
    /// restricted to the selection); nothing starts.
    static func dryRunListing(_ plan: FaultPlan, selected: [Int]) -> String {
        var shown = plan
        shown.tests = selected.map { plan.tests[$0] }
        let names = Set(shown.tests.map(\.name))
        for i in shown.matrices.indices {
            shown.matrices[i].cells = shown.matrices[i].cells.filter(names.contains)
        }
        shown.matrices = shown.matrices.filter { !$0.cells.isEmpty }
        return PlanText.dryRun(shown)
    }

    /// Writes `--html`; returns the line to print when it cannot.
    static func writeHTML(_ report: RunReport, to path: String) -> String? {
        do { try HTMLReport.write(report, to: path) } catch {
            return "faultbox test: --html \(path): \(error)\n"
        }
        return nil
    }

    static func writeStderr(_ s: String) {
        ConsoleWrite.write(ConsoleWrite.stderr, s)
    }
}
