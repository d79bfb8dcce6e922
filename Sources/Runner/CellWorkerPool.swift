import Foundation
import Injector
import StarlarkVM

/// The `--jobs` workers of one run, started before the parent loads the specs: a worker's
/// exec and its own load of the specs (named on its command line) then overlap the
/// parent's load and planning instead of following them (docs/runner.md, "Parallel
/// cells"). The first worker is also the probe: the namespace modes are tried in order
/// until one starts a worker; when none does, the run is serial. Only the first worker's
/// start is waited for, after every worker has been cloned.
final class CellWorkerPool {
    let mode: CellNamespaces.Mode
    /// Started and not yet handed to the run; the first one has exec'd, the others may not
    /// have yet (`CellWorkerLink.waitStarted`).
    private(set) var workers: [CellWorkerLink]
    private let executable: String
    private let environment: [String: String]
    private let arguments: [String]

    private init(mode: CellNamespaces.Mode, first: CellWorkerLink, executable: String, environment: [String: String],
                 arguments: [String]) {
        self.mode = mode
        self.workers = [first]
        self.executable = executable
        self.environment = environment
        self.arguments = arguments
    }

    /// `count` workers that preload `specs` with `limits`, or why namespaces cannot be made
    /// here (every mode's reason).
    static func start(count: Int, specs: [String], limits: ExecutionLimits) -> Result<CellWorkerPool, NamespaceError> {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let environment = ProcessInfo.processInfo.environment
        let arguments = CellWorker.preloadArguments(specs: specs, limits: limits)
        var reasons: [String] = []
        for mode in CellNamespaces.modesToTry {
            let label = mode == .root ? "as root: " : "user namespace: "
            switch CellWorkerLink.spawn(executable: executable, arguments: arguments, environment: environment, mode: mode) {
            case .failure(let error): reasons.append(label + error.description)
            case .success(let first):
                // The others are cloned before the first is waited for: each one's set-up and
                // exec take a few ms, and they would otherwise follow each other.
                let pool = CellWorkerPool(mode: mode, first: first, executable: executable, environment: environment,
                                          arguments: arguments)
                for _ in 1..<max(count, 1) {
                    guard case .success(let w) = pool.spawn(wait: false) else { break }
                    pool.workers.append(w)
                }
                if let error = first.waitStarted() {
                    reasons.append(label + error.description)
                    pool.workers.removeFirst()  // reaped already
                    pool.shutDown()
                    continue
                }
                return .success(pool)
            }
        }
        return .failure(NamespaceError(reasons.joined(separator: "; ")))
    }

    /// Another worker in the pool's mode; with `wait`, only once it has exec'd.
    func spawn(wait: Bool = true) -> Result<CellWorkerLink, NamespaceError> {
        let spawned = CellWorkerLink.spawn(executable: executable, arguments: arguments, environment: environment, mode: mode)
        guard wait, case .success(let w) = spawned else { return spawned }
        if let error = w.waitStarted() { return .failure(error) }
        return .success(w)
    }

    /// Keeps at most `count` workers (a run with fewer tests than workers), stopping the rest.
    func trim(to count: Int) {
        while workers.count > max(count, 0) { workers.removeLast().stop() }
    }

    /// The workers, for the run to use; the pool no longer owns them.
    func take() -> [CellWorkerLink] {
        defer { workers = [] }
        return workers
    }

    /// Kills and reaps the workers still here (a run that ended before it used them).
    func shutDown() {
        for w in workers { kill(w.pid, SIGKILL) }
        for w in take() { w.stop() }
    }
}
