import ArgumentParser
import StarlarkVM
import Foundation
import Injector
import Reports
import Runner

/// `faultbox test`: runs a spec's tests and matrix cells against the real services.
/// Parsing and checking of flags only; the work is `TestRun` in the Runner target.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a spec's tests and fault-matrix cells against the real services.",
        discussion: """
            Exit status: 0 all passed, 1 spec, usage or report-writing error, 2 a test failed, 130 interrupted \
            (SIGINT, SIGTERM, SIGHUP), 141 stdout or stderr closed by its reader (faultbox test | head): reports are still written.

            --test accepts an exact name (test_order_flow), the name without test_ (order_flow), a glob ('*db_down*'), \
            ~REGEX, or a collapsed matrix row (test_matrix_order_flow).
            """)

    @Argument(help: ArgumentHelp("The spec file(s), run in order (default: faultbox.star here, else the only *.star "
        + "file here).", valueName: "spec"))
    var specs: [String] = []

    @Option(name: .customLong("test"), help: ArgumentHelp("Run only matching tests (repeatable).", valueName: "PATTERN"))
    var tests: [String] = []

    // A string, so that `--seed -1` gets our message instead of "missing value".
    @Option(parsing: .unconditional, help: ArgumentHelp("Seed for probabilistic faults; with --runs, run i uses seed+i.", valueName: "N"))
    var seed: String = "0"

    @Option(parsing: .unconditional, help: ArgumentHelp("Run each selected test up to N times (seeds seed..seed+N-1); "
        + "a test stops at its first failing run.", valueName: "N"))
    var runs: String = "1"

    @Option(parsing: .unconditional, help: ArgumentHelp("Per-test timeout (Go duration: 90s, 2m, 500ms); "
        + "fault_scenario(timeout=) overrides it for its test.", valueName: "D"))
    var timeout: String = "60s"

    @Option(help: ArgumentHelp("Write a JUnit XML report (also when interrupted).", valueName: "FILE"))
    var junit: String?

    @Option(help: ArgumentHelp("Results format: text (console) or json.", valueName: "text|json"))
    var format: String = "text"

    @Option(help: ArgumentHelp("Also write the results (in --format; json if --format is not given) to FILE.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report (grid, details, service output; also when "
        + "interrupted or when the spec does not load).", valueName: "FILE"))
    var html: String?

    @Option(help: ArgumentHelp("Write each test's event trace, normalised (no times, pids, fds, OS-chosen ports), to "
        + "FILE for faultbox diff.", valueName: "FILE"))
    var normalize: String?

    @Option(help: ArgumentHelp("Write the event traces in ShiViz's log format (vector clocks) to FILE.", valueName: "FILE"))
    var shiviz: String?

    @OptionGroup var limitFlags: LimitFlags

    @Flag(name: .customLong("dry-run"), help: "List the tests and cells that would run; start nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("all: also print passed tests' service output; fail: print only tests that did not pass "
        + "(default: every test's line, service output under failures).", valueName: "all|fail"))
    var show: String?

    @Option(help: ArgumentHelp("Run up to N tests at once, each in its own network and PID namespaces (auto: one per "
        + "CPU). Default 1: in-process, on the host network, no namespaces needed.", valueName: "N|auto"))
    var jobs: String = "1"

    @Option(help: ArgumentHelp("Run only shard K of N (1-based; every cell is in exactly one shard, the same on every "
        + "machine). Without it, GitLab CI_NODE_INDEX/CI_NODE_TOTAL, CircleCI CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL or "
            + "Buildkite BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT pick it.", valueName: "K/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Balance the shards by the test times in FILE, the JSON report of an earlier run "
        + "(--output).", valueName: "FILE"))
    var durations: String?

    @Flag(help: "Print the run directory, start-up timings and every injector event.")
    var debug = false

    @Option(help: ArgumentHelp("Syscall injector: notify (seccomp user notification), ptrace, or auto "
        + "(FAULTBOX_INJECTOR if set, else notify where the kernel offers it).", valueName: "auto|notify|ptrace"))
    var injector: String = "auto"

    func run() throws {
        let options = try makeOptions()
        let status = TestRun.main(options: options, request: makeRequest())
        throw ExitWith(status)
    }

    private func usage(_ message: String) -> ExitWith {
        FileHandleStderr.write("faultbox test: \(message)\n")
        return ExitWith(ExitStatus.usage)
    }

    private func makeOptions() throws -> RunOptions {
        let paths = try resolveSpecs()
        var options = RunOptions(specPath: paths[0], more: Array(paths.dropFirst()))
        options.patterns = tests
        options.limits = try limitFlags.limits(command: "test")
        guard let seedValue = UInt64(seed) else {
            throw usage("--seed \(seed): expected a whole number from 0 to \(UInt64.max)")
        }
        options.seed = seedValue
        guard let runCount = Int(runs), runCount >= 1, runCount <= 100_000 else {
            throw usage("--runs \(runs): expected a whole number from 1 to 100000")
        }
        options.runs = runCount
        do { options.timeout = try DurationFlag.parse(timeout, flag: "--timeout") } catch { throw usage(error.description) }
        if let show {
            guard let showOutput = ShowOutput(rawValue: show) else {
                throw usage("--show \(show): expected all (every test, with passed tests' service output) or fail "
                    + "(only tests that did not pass)")
            }
            options.showOutput = showOutput
        }
        for (flag, path, example) in [("--junit", junit, "results.xml"), ("--output", output, "results.json"),
                                      ("--html", html, "report.html"),
                                      ("--normalize", normalize, "trace.norm"), ("--shiviz", shiviz, "trace.shiviz")] {
            if let path, let problem = ReportPath.problem(path, example: example) {
                throw usage("\(flag) \(path): \(problem)")
            }
        }
        try applyShard(&options)
        if jobs == "auto" {
            options.jobs = max(1, ProcessInfo.processInfo.activeProcessorCount)
        } else if let n = Int(jobs), n >= 1, n <= 1024 {
            options.jobs = n
        } else {
            throw usage("--jobs \(jobs): expected a whole number from 1 to 1024, or auto (one per CPU)")
        }
        options.debug = debug
        options.injector = try InjectorChoice.resolve(injector, command: "test", verbose: debug)
        let terminal = isatty(1) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        options.color = ConsoleReport.shouldColor()
        options.statusLine = terminal && format == "text"
        return options
    }

    /// `--shard` wins over the CI's variables; the line saying which variables were used
    /// goes to stderr so that JSON on stdout stays clean.
    private func applyShard(_ options: inout RunOptions) throws {
        if let shard {
            switch Shard.parse(shard) {
            case .success(let parsed): options.shard = parsed
            case .failure(let error): throw usage(error.description)
            }
        } else {
            switch CIShard.detect(ProcessInfo.processInfo.environment) {
            case .none: break
            case .shard(let parsed, let note):
                options.shard = parsed
                FileHandleStderr.write(note)
            case .invalid(let message):
                FileHandleStderr.write(message + "\n")
                throw ExitWith(ExitStatus.usage)
            }
        }
        guard let durations else { return }
        guard options.shard != nil else {
            throw usage("--durations \(durations): only balances shards; add --shard K/N (or run under CI parallelism)")
        }
        switch Sharding.loadDurations(path: durations) {
        case .success(let table): options.durations = table
        case .failure(let error): throw usage(error.description)
        }
    }

    private func makeRequest() -> TestRun.Request {
        TestRun.Request(junitPath: junit, format: format == "json" ? .json : .text,
                        formatGiven: format != "text", outputPath: output, dryRun: dryRun,
                        normalizePath: normalize, shivizPath: shiviz, htmlPath: html,
                        commandLine: ["faultbox"] + CommandLine.arguments.dropFirst())
    }

    static let defaultSpec = "faultbox.star"

    private func resolveSpecs() throws -> [String] {
        guard format == "text" || format == "json" else { throw usage("--format \(format): expected text or json") }
        if let refused = specs.lazy.compactMap(ReferenceCLI.yamlSpecRefusal).first { throw usage(refused) }
        if !specs.isEmpty { return specs }
        // Like `make` and its Makefile: a project keeps its entry spec as faultbox.star.
        if FileManager.default.fileExists(atPath: Self.defaultSpec) { return [Self.defaultSpec] }
        let here = (try? FileManager.default.contentsOfDirectory(atPath: ".")) ?? []
        let stars = here.filter { $0.hasSuffix(".star") }.sorted()
        if stars.count == 1 { return stars }
        throw usage(stars.isEmpty
            ? "no spec given, no \(Self.defaultSpec) and no *.star file in the current directory; run: faultbox test SPEC.star"
            : "no spec given, no \(Self.defaultSpec) and several *.star files here (\(stars.joined(separator: ", "))); "
                + "name one: faultbox test SPEC.star")
    }
}
