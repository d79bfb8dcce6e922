import Foundation
import Injector
import Reports

/// The parent's end of one `faultbox __cell` worker (CellWorker.swift): its pid, the pipe
/// that carries requests (one JSON line each) and the pipe that carries replies (one JSON
/// line each). Used only by the parent's loop in ParallelRun.swift, on the main thread.
final class CellWorkerLink {
    let pid: pid_t
    private let input: Int32
    let output: Int32
    private var pending: [UInt8] = []
    /// The test it runs, when it started and how long it may take; nil when idle.
    var job: Int?
    var started = ContinuousClock.now
    var budget: Duration = .zero
    /// How many tests it has answered.
    var served = 0

    /// The pipe that says whether the worker's set-up and exec succeeded, until read.
    private var startedPipe: Int32?

    private init(pid: pid_t, input: Int32, output: Int32, started: Int32) {
        self.pid = pid; self.input = input; self.output = output; self.startedPipe = started
    }

    /// A new worker, the first process of fresh namespaces: `faultbox __cell ARGUMENTS`.
    /// Returns after the clone, while the worker sets up and execs (`waitStarted` says how
    /// that went); it then reads its requests.
    static func spawn(executable: String, arguments: [String], environment: [String: String],
                      mode: CellNamespaces.Mode) -> Result<CellWorkerLink, NamespaceError> {
        guard let input = CellNamespaces.pipe() else { return .failure(NamespaceError("pipe: \(String(cString: strerror(errno)))")) }
        guard let output = CellNamespaces.pipe() else {
            close(input.read); close(input.write)
            return .failure(NamespaceError("pipe: \(String(cString: strerror(errno)))"))
        }
        let spawned = CellNamespaces.spawnWorker(path: executable, arguments: ["faultbox", "__cell"] + arguments,
                                                 environment: environment, stdin: input.read, stdout: output.write, mode: mode)
        close(input.read); close(output.write)
        switch spawned {
        case .success(let child):
            return .success(CellWorkerLink(pid: child.pid, input: input.write, output: output.read, started: child.started))
        case .failure(let e):
            close(input.write); close(output.read)
            return .failure(e)
        }
    }

    /// Nil once the worker has exec'd (it blocks until then, the first time), else why it
    /// could not start; such a worker is already reaped, and only its pipes are left to close.
    func waitStarted() -> NamespaceError? {
        guard let fd = startedPipe else { return nil }
        startedPipe = nil
        guard let error = CellNamespaces.waitStarted(pid: pid, started: fd) else { return nil }
        close(input); close(output)
        return error
    }

    /// One request line. A worker is sent a request only when idle and reads it at once: a
    /// few hundred bytes in an empty pipe, so this never blocks. False if the worker is gone.
    func send(_ request: CellWorker.Request) -> Bool {
        guard var body = try? JSONEncoder().encode(request) else { return false }
        body.append(UInt8(ascii: "\n"))
        let written = body.withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
        return written == body.count
    }

    enum Readable {
        /// Part of a reply, or nothing yet.
        case partial
        /// A whole reply line.
        case reply([UInt8])
        /// End of file or an error: the worker is gone or going.
        case ended
    }

    /// What one read (after poll said the reply pipe is readable) brought.
    func read() -> Readable {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let n = Glibc.read(output, &buffer, buffer.count)
        if n < 0 && (errno == EINTR || errno == EAGAIN) { return .partial }
        if n <= 0 { return .ended }
        pending += buffer[0..<n]
        guard let end = pending.firstIndex(of: UInt8(ascii: "\n")) else { return .partial }
        let line = Array(pending[..<end])
        pending.removeSubrange(...end)
        return .reply(line)
    }

    /// SIGKILL (the kernel then kills everything in its namespaces), close, reap. How it
    /// ended, for the report: a worker that had already exited keeps its own status.
    @discardableResult
    func stop() -> String {
        kill(pid, SIGKILL)
        if let fd = startedPipe { close(fd); startedPipe = nil }
        close(input); close(output)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? "exit status \((status >> 8) & 0xff)" : "killed by signal \(signal)"
    }

    /// A reply line: the outcomes of the test's runs and its `NO_POSITIVE_CONTROL` facts.
    static func decode(_ line: [UInt8]) -> (outcomes: [TestOutcome], stepped: [String], confirmed: [String])? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let list = root["outcomes"] as? [[String: Any]] else { return nil }
        let outcomes = list.compactMap(OutcomeWire.decode)
        guard outcomes.count == list.count, !outcomes.isEmpty else { return nil }
        return (outcomes, root["stepped"] as? [String] ?? [], root["confirmed"] as? [String] ?? [])
    }
}
