import Foundation
import Injector
import Reports

/// `--jobs N > 1`: up to N tests at once, each in a `faultbox __cell` worker inside its own
/// network and PID namespaces (CellWorker.swift, cellns.c). The parent starts nothing
/// else: no service, no client. It collects the outcomes and hands them to the same report
/// code in declaration order, and prints the console lines in declaration order too (a
/// line waits until every earlier test has finished), so the output equals a `--jobs 1`
/// run's except for times. Workers are spawned from the main thread: PDEATHSIG fires when
/// the spawning *thread* ends, and the main thread lives until faultbox exits.
extension TestRun {
    struct ParallelJob {
        let spec: SpecToRun
        let test: Int
        var name: String { spec.plan.tests[test].name }
    }

    private final class Running {
        let job: Int
        let pid: pid_t
        let fd: Int32
        var bytes: [UInt8] = []
        init(job: Int, pid: pid_t, fd: Int32) { self.job = job; self.pid = pid; self.fd = fd }
    }

    /// The outcomes of the tests that finished (all of them unless interrupted), in
    /// declaration order; the console lines are printed as they become releasable.
    static func runParallel(_ specs: [SpecToRun], options: RunOptions, jobs: Int, mode: CellNamespaces.Mode,
                            runDirectory: RunDirectory, progress: Progress, interrupts: InterruptWatcher,
                            vacuity: VacuityTracker, printTest: ([TestOutcome]) -> Void) -> [TestOutcome] {
        let work = specs.flatMap { spec in spec.selected.map { ParallelJob(spec: spec, test: $0) } }
        var results = [[TestOutcome]?](repeating: nil, count: work.count)
        var facts = [(stepped: [String], confirmed: [String])?](repeating: nil, count: work.count)
        var next = 0, released = 0
        var running: [Running] = []
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let environment = ProcessInfo.processInfo.environment

        func release() {
            while released < work.count, let done = results[released] {
                if let f = facts[released] { vacuity.merge(stepped: f.stepped, confirmed: f.confirmed) }
                printTest(done)
                released += 1
            }
            progress.counts(done: results.lazy.filter { $0 != nil }.count, running: running.count, left: work.count - next)
        }

        while released < work.count {
            if interrupts.interrupted { break }
            while running.count < jobs && next < work.count {
                let index = next
                next += 1
                switch start(work[index], options: options, runDirectory: runDirectory, executable: executable,
                             environment: environment, mode: mode) {
                case .success(let (pid, fd)): running.append(Running(job: index, pid: pid, fd: fd))
                case .failure(let error):
                    results[index] = [failedStart(work[index], options: options, reason: "cannot start the cell's worker in its namespaces: \(error)")]
                }
                release()
            }
            if running.isEmpty { release(); continue }
            var fds = running.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            // A bounded wait, so that Ctrl-C is seen within 100 ms.
            if poll(&fds, nfds_t(fds.count), 100) <= 0 { continue }
            var finished: [Int] = []
            for (i, p) in fds.enumerated() where p.revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                let n = read(p.fd, &buffer, buffer.count)
                if n > 0 { running[i].bytes += buffer[0..<n] } else if n == 0 || (errno != EINTR && errno != EAGAIN) { finished.append(i) }
            }
            for i in finished.reversed() {
                let r = running.remove(at: i)
                close(r.fd)
                let status = reap(r.pid)
                let decoded = decodeReply(r.bytes)
                if let decoded {
                    results[r.job] = decoded.outcomes
                    facts[r.job] = (decoded.stepped, decoded.confirmed)
                } else {
                    results[r.job] = [failedStart(work[r.job], options: options,
                                                  reason: "the cell's worker ended without an outcome (\(status)); its stderr is above")]
                }
            }
            release()
        }
        // Ctrl-C: the workers are killed; each is its PID namespace's init, so the kernel
        // then kills every service it started. The reports keep what had finished.
        for r in running { kill(r.pid, SIGKILL) }
        for r in running { close(r.fd); _ = reap(r.pid) }
        // Tests that finished after one still running are reported too, in their order.
        for index in released..<work.count {
            guard let done = results[index] else { continue }
            if let f = facts[index] { vacuity.merge(stepped: f.stepped, confirmed: f.confirmed) }
            printTest(done)
        }
        return results.flatMap { $0 ?? [] }
    }

    private static func start(_ job: ParallelJob, options: RunOptions, runDirectory: RunDirectory, executable: String,
                              environment: [String: String], mode: CellNamespaces.Mode) -> Result<(pid_t, Int32), NamespaceError> {
        let request = CellWorker.Request(
            spec: job.spec.options.specPath, test: job.test, testOffset: job.spec.testOffset, matrixOffset: job.spec.matrixOffset,
            seed: String(options.seed), runs: options.runs,
            timeoutMs: Int64(options.timeout.components.seconds * 1000 + options.timeout.components.attoseconds / 1_000_000_000_000_000),
            graceMs: Int64(options.grace.components.seconds * 1000 + options.grace.components.attoseconds / 1_000_000_000_000_000),
            debug: options.debug, runDirectory: runDirectory.path,
            maxSteps: options.limits.maxSteps, maxDepth: options.limits.maxCallDepth, maxMemory: options.limits.maxMemoryBytes)
        guard let body = try? JSONEncoder().encode(request) else { return .failure(NamespaceError("cannot encode the request")) }
        guard let input = CellNamespaces.pipe() else { return .failure(NamespaceError("pipe: \(String(cString: strerror(errno)))")) }
        guard let output = CellNamespaces.pipe() else {
            close(input.read); close(input.write)
            return .failure(NamespaceError("pipe: \(String(cString: strerror(errno)))"))
        }
        let spawned = CellNamespaces.spawnWorker(path: executable, arguments: ["faultbox", "__cell"], environment: environment,
                                                 stdin: input.read, stdout: output.write, mode: mode)
        close(input.read); close(output.write)
        guard case .success(let pid) = spawned else {
            close(input.write); close(output.read)
            if case .failure(let e) = spawned { return .failure(e) }
            return .failure(NamespaceError("spawn failed"))
        }
        // The request is a few hundred bytes: it fits the pipe, so this never blocks.
        _ = body.withUnsafeBytes { write(input.write, $0.baseAddress, $0.count) }
        close(input.write)
        return .success((pid, output.read))
    }

    private static func reap(_ pid: pid_t) -> String {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? "exit status \((status >> 8) & 0xff)" : "killed by signal \(signal)"
    }

    private static func decodeReply(_ bytes: [UInt8]) -> (outcomes: [TestOutcome], stepped: [String], confirmed: [String])? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let list = root["outcomes"] as? [[String: Any]] else { return nil }
        let outcomes = list.compactMap(OutcomeWire.decode)
        guard outcomes.count == list.count, !outcomes.isEmpty else { return nil }
        return (outcomes, root["stepped"] as? [String] ?? [], root["confirmed"] as? [String] ?? [])
    }

    /// An errored outcome for a test whose worker could not report (it is still listed, so
    /// no test silently disappears from the reports).
    private static func failedStart(_ job: ParallelJob, options: RunOptions, reason: String) -> TestOutcome {
        let plan = job.spec.plan
        let id = PlanAdapter.identity(plan, plan.tests[job.test])
        var o = TestOutcome(name: job.name, specFile: job.spec.options.specPath, scenario: id.scenario, fault: id.fault,
                            matrixID: id.matrixID.map { $0 + job.spec.matrixOffset }, passed: false, durationMs: 0,
                            seed: options.seed, reason: reason,
                            replay: "faultbox test \(ShellQuote.quote(job.spec.options.specPath)) --test \(job.name) --seed \(options.seed)")
        o.outcome = .errored
        o.failureType = "error"
        return o
    }
}
