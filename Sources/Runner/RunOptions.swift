import StarlarkVM
import Injector
/// Everything `faultbox test` was asked to do, after the flags are parsed and checked.
public struct RunOptions: Sendable {
    /// The spec file as the user gave it (shown in replay commands and reports).
    public var specPath: String
    /// Every spec to run, in order (`faultbox test *.faults.star`); the first is `specPath`.
    public var specPaths: [String]
    /// `--test` patterns (empty: every test).
    public var patterns: [String] = []
    /// `--seed`: the first run's seed; run `i` (0-based) of `--runs` uses `seed + i`.
    public var seed: UInt64 = 0
    /// `--runs`: how many times each selected test runs.
    public var runs: Int = 1
    /// `--timeout`: per test, from the first service start to the end of the teardown.
    public var timeout: Duration = .seconds(60)
    /// `--show`: nil (the default) prints every test's line and service output under
    /// failures; `.all` adds passed tests' service output; `.fail` prints only the tests that
    /// did not plainly pass (the summary, tables and reports stay complete).
    public var showOutput: ShowOutput?
    /// `--debug`: print the run directory, start-up timings and every injector event.
    public var debug = false
    /// Colour in console output (only on a terminal and without NO_COLOR).
    public var color = false
    /// A status line on the terminal while a test runs.
    public var statusLine = false
    /// How long services get between SIGTERM and SIGKILL at teardown.
    public var grace: Duration = .seconds(2)
    /// `--injector`: which mechanism decides trapped calls (resolved by the command).
    public var injector: InjectorBackend = .auto
    /// `--jobs`: tests at once, each in its own network and PID namespaces when > 1.
    public var jobs: Int = 1
    /// `--shard K/N` (or the CI's variables): run only this shard's cells of the selection.
    public var shard: Shard?
    /// `--durations FILE`: recorded ms per cell key (`ShardCell.key`) that balance the shards.
    public var durations: [String: Double] = [:]
    /// `--max-steps`, `--max-depth`, `--max-memory`: budgets of the spec's evaluation and of
    /// each test body (the spec's `limits()` may change them).
    public var limits = ExecutionLimits.standard

    public init(specPath: String, more: [String] = []) {
        self.specPath = specPath
        self.specPaths = [specPath] + more
    }
}

public enum ShowOutput: String, Sendable, CaseIterable {
    case all, fail
}
