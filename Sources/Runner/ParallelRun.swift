import Foundation
import Injector
import Reports

/// `--jobs N > 1`: up to N tests at once, on N `faultbox __cell` workers, each the first
/// process of its own network and PID namespaces (CellWorker.swift, cellns.c). A worker runs
/// one test per request and stays for the next, so a spec is loaded once per worker and its
/// cells run warm; cells of one worker follow each other in its namespaces as serial cells
/// do on the host, and the worker kills what a test left behind before the next one. The
/// parent starts nothing else: no service, no client. It collects the outcomes and hands
/// them to the same report code in declaration order, and prints the console lines in
/// declaration order too (a line waits until every earlier test has finished), so the
/// output equals a `--jobs 1` run's except for times. A worker silent past its test's
/// timeout, the grace and a margin is killed (with everything in its namespaces) and
/// replaced: the test is reported as timed out and the run goes on. Workers are spawned
/// from the main thread: PDEATHSIG fires when the spawning *thread* ends, and the main
/// thread lives until faultbox exits.
extension TestRun {
    struct ParallelJob {
        let spec: SpecToRun
        let test: Int
        var name: String { spec.plan.tests[test].name }
    }

    /// What a worker may take beyond a test's own limits before the watchdog kills it: a
    /// timed-out cell waits up to 5 s for its VM thread, stops its services (the grace), then
    /// waits up to 5 s for their ports; twice that, so that a slow but live worker is never shot.
    static let watchdogMargin: Duration = .seconds(20)

    /// The outcomes of the tests that finished (all of them unless interrupted), in
    /// declaration order; the console lines are printed as they become releasable.
    /// `pool`: the workers started before the specs were loaded (CellWorkerPool); more are
    /// spawned up to `jobs`. `details`: whether a report needs the outcomes' event traces.
    static func runParallel(_ specs: [SpecToRun], options: RunOptions, jobs: Int, pool: CellWorkerPool, details: Bool,
                            runDirectory: RunDirectory, progress: Progress, interrupts: InterruptWatcher,
                            vacuity: VacuityTracker, printTest: ([TestOutcome]) -> Void) -> [TestOutcome] {
        let work = specs.flatMap { spec in spec.selected.map { ParallelJob(spec: spec, test: $0) } }
        var results = [[TestOutcome]?](repeating: nil, count: work.count)
        var facts = [(stepped: [String], confirmed: [String])?](repeating: nil, count: work.count)
        var next = 0, released = 0
        pool.trim(to: min(jobs, work.count))
        // The pool's workers have had the parent's load to exec; one that could not is dropped.
        var workers = pool.take().filter { $0.waitStarted() == nil }
        /// Killed because no test was left for them; reaped at the end.
        var finished: [CellWorkerLink] = []
        var slots = jobs
        let clock = ContinuousClock()

        func release() {
            while released < work.count, let done = results[released] {
                if let f = facts[released] { vacuity.merge(stepped: f.stepped, confirmed: f.confirmed) }
                printTest(done)
                released += 1
            }
            progress.counts(done: results.lazy.filter { $0 != nil }.count, running: workers.filter { $0.job != nil }.count,
                            left: work.count - next)
        }
        /// A worker that ended, failed or hung: stopped and gone from the pool; its test gets
        /// `reason` (given how the worker ended). The next test takes a new worker.
        func retire(_ w: CellWorkerLink, reason: (String) -> TestOutcome) {
            workers.removeAll { $0 === w }
            let status = w.stop()
            if let job = w.job, results[job] == nil { results[job] = [reason(status)] }
        }

        while released < work.count {
            if interrupts.interrupted { break }
            // Hand out tests in declaration order: idle workers first, then new ones.
            while next < work.count {
                var worker = workers.first { $0.job == nil }
                if worker == nil && workers.count < slots {
                    switch pool.spawn() {
                    case .success(let w): workers.append(w); worker = w
                    case .failure(let error) where workers.isEmpty:
                        results[next] = [failedStart(work[next], options: options,
                                                     reason: "cannot start the cell's worker in its namespaces: \(error)")]
                        next += 1
                        continue
                    case .failure:
                        slots = workers.count  // carry on with the workers there are
                    }
                }
                guard let w = worker else { break }
                let job = next
                next += 1
                w.job = job
                w.started = clock.now
                w.budget = budget(work[job], options: options)
                if !w.send(request(work[job], options: options, details: details, runDirectory: runDirectory)) {
                    // A worker that died idle, after its last reply, costs its next test
                    // nothing: the test goes to a new worker. One that never answered fails it.
                    if w.served > 0 {
                        w.job = nil
                        next = job
                    }
                    retire(w) {
                        failedStart(work[job], options: options,
                                    reason: "cannot send the test to its worker (\($0)); its stderr is above")
                    }
                }
            }
            // Every test handed out: an idle worker has nothing left to do. Killed now, its
            // exit (its namespaces, its mappings) overlaps the cells still running.
            if next == work.count {
                for w in workers where w.job == nil { kill(w.pid, SIGKILL) }
                finished += workers.filter { $0.job == nil }
                workers.removeAll { $0.job == nil }
            }
            release()
            let busy = workers.filter { $0.job != nil }
            if busy.isEmpty { continue }
            var fds = busy.map { pollfd(fd: $0.output, events: Int16(POLLIN), revents: 0) }
            // A bounded wait, so that Ctrl-C and the watchdog act within 100 ms.
            _ = poll(&fds, nfds_t(fds.count), 100)
            for (i, p) in fds.enumerated() where p.revents != 0 {
                let w = busy[i]
                guard let job = w.job else { continue }
                switch w.read() {
                case .partial: break
                case .ended:
                    retire(w) {
                        failedStart(work[job], options: options,
                                    reason: "the cell's worker ended without an outcome (\($0)); its stderr is above")
                    }
                case .reply(let line):
                    if let decoded = CellWorkerLink.decode(line) {
                        results[job] = decoded.outcomes
                        facts[job] = (decoded.stepped, decoded.confirmed)
                        w.job = nil
                        w.served += 1
                    } else {
                        retire(w) { _ in
                            failedStart(work[job], options: options, reason: "the cell's worker sent an outcome that cannot be read")
                        }
                    }
                }
            }
            // The watchdog: a worker silent past its test's budget is killed, with its namespaces.
            for w in workers where w.job != nil && clock.now - w.started > w.budget {
                let waited = clock.now - w.started, budget = w.budget, job = w.job ?? 0
                retire(w) { _ in watchdogOutcome(work[job], options: options, waited: waited, budget: budget) }
            }
            release()
        }
        // Done, or Ctrl-C: the workers are killed; each is its PID namespace's init, so the
        // kernel then kills every service it started. The reports keep what had finished.
        for w in workers { kill(w.pid, SIGKILL) }
        for w in workers + finished { w.stop() }
        // Tests that finished after one still running are reported too, in their order.
        for index in released..<work.count {
            guard let done = results[index] else { continue }
            if let f = facts[index] { vacuity.merge(stepped: f.stepped, confirmed: f.confirmed) }
            printTest(done)
        }
        return results.flatMap { $0 ?? [] }
    }

    private static func request(_ job: ParallelJob, options: RunOptions, details: Bool,
                                runDirectory: RunDirectory) -> CellWorker.Request {
        CellWorker.Request(
            spec: job.spec.options.specPath, test: job.test, testOffset: job.spec.testOffset, matrixOffset: job.spec.matrixOffset,
            seed: String(options.seed), runs: options.runs, timeoutMs: milliseconds(options.timeout),
            graceMs: milliseconds(options.grace), debug: options.debug, runDirectory: runDirectory.path,
            injector: options.injector.rawValue,
            maxSteps: options.limits.maxSteps, maxDepth: options.limits.maxCallDepth, maxMemory: options.limits.maxMemoryBytes,
            details: details)
    }

    /// How long a test's worker may stay silent: per run, the test's timeout (its own or
    /// `--timeout`), the services' grace and `watchdogMargin`.
    static func budget(_ job: ParallelJob, options: RunOptions) -> Duration {
        let limit = CellJudging.make(job.spec.plan.tests[job.test]).timeout ?? options.timeout
        return (limit + options.grace + watchdogMargin) * options.runs
    }

    private static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    /// A test whose worker stopped answering: reported as timed out, with what was done.
    private static func watchdogOutcome(_ job: ParallelJob, options: RunOptions, waited: Duration, budget: Duration) -> TestOutcome {
        var o = failedStart(job, options: options, reason: "timed out: its worker gave no outcome for \(DurationFlag.format(waited)) "
            + "(its budget: the test's timeout and grace plus \(DurationFlag.format(watchdogMargin)) per run, "
            + "\(DurationFlag.format(budget))); "
            + "faultbox killed the worker and everything the test had started, and went on with the other tests")
        o.durationMs = Double(waited.milliseconds)
        o.failureType = "timeout"
        return o
    }

    /// An errored outcome for a test whose worker could not report (it is still listed, so
    /// no test silently disappears from the reports).
    private static func failedStart(_ job: ParallelJob, options: RunOptions, reason: String) -> TestOutcome {
        let plan = job.spec.plan
        let id = PlanAdapter.identity(plan, plan.tests[job.test])
        var o = TestOutcome(name: job.name, specFile: job.spec.options.specPath, scenario: id.scenario, fault: id.fault,
                            matrixID: id.matrixID.map { $0 + job.spec.matrixOffset }, passed: false, durationMs: 0,
                            seed: options.seed, reason: reason,
                            replay: "faultbox test \(ShellQuote.quote(job.spec.options.specPath)) --test \(job.name) "
                                + "--seed \(options.seed)")
        o.outcome = .errored
        o.failureType = "error"
        return o
    }
}
