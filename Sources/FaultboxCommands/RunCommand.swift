import ArgumentParser
import Injector
#if canImport(Glibc)
import Glibc
#endif

/// `faultbox run [--fault SPEC]... [--trace SYSCALLS] [--seed N] [--injector B] [-v] -- PROGRAM ARGS...`:
/// runs one program under the injector with the faults armed from the start, and exits
/// with the program's status.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one program with syscall faults active from the start.",
        discussion: """
            SPEC is SYSCALL=ACTION[:OPTION]... where ACTION is an errno name (ECONNREFUSED, ENOSPC, EIO, ...) or \
            delay:DURATION (Go syntax: 500us, 200ms, 1.5s, 1m30s), and each OPTION is N% (probability), path=GLOB or a \
            bare GLOB starting with / or * (path glob), dest=ADDRESS (127.0.0.1:5432, [::1]:80, 5432 for any loopback \
            address, /unix/path) or label=TEXT. SYSCALL is a syscall of this machine or a family (write, read, open, \
            fsync, sendto, recvfrom); several may be joined with commas. The reference tool's forms are accepted as \
            they are: write=EIO:30%, openat=ENOENT:100%:/data/*, write=delay:500ms:100%.

            Examples: --fault connect=ECONNREFUSED, --fault write=EIO:30%, --fault openat=ENOENT:100%:/data/*, --fault \
            write=EIO:path=/var/lib/x/*, --fault connect=delay:200ms:50%, --fault connect=ECONNREFUSED:dest=127.0.0.1:5432.

            --trace SYSCALLS traps these syscalls too (comma-separated names or families) and prints every decision on \
            them; with --trace, every deny and delay is printed. --trace faults prints only denies and delays.

            The exit status is the program's (128+N if a signal N killed it). Processes the program leaves behind are \
            terminated when it exits.
            """)

    @Option(name: .customLong("fault"), help: ArgumentHelp("A fault to apply (repeatable).", valueName: "SPEC"))
    var faults: [String] = []

    @Option(name: .customLong("trace"), help: ArgumentHelp("Print decisions (see below).", valueName: "SYSCALLS"))
    var trace: String?

    @Option(name: .customLong("seed"), help: "Seed of the probability draws.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Syscall injector: notify (seccomp user notification), ptrace, or auto "
        + "(FAULTBOX_INJECTOR if set, else notify where the kernel offers it).", valueName: "auto|notify|ptrace"))
    var injector: String = "auto"

    @Flag(name: .shortAndLong, help: "Print which injector backend runs the program.")
    var verbose = false

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("-- PROGRAM ARGS...", valueName: "PROGRAM"))
    var command: [String] = []

    func run() throws {
        var program = command
        if program.first == "-h" || program.first == "--help" { throw CleanExit.helpRequest(self) }
        // An option before the program that `run` does not know (`faultbox run -x -- /bin/true`)
        // is a usage error, not a program named "-x". After `--` everything is the program's.
        if let first = program.first, first != "--", first.hasPrefix("-") {
            FileHandleStderr.write("faultbox run: unknown option '\(first)'; options: --fault SPEC, --trace SYSCALLS, --seed N, "
                                   + "--injector auto|notify|ptrace, -v, --help; then -- PROGRAM ARGS... (faultbox run --help)\n")
            throw ExitWith(ExitStatus.usage)
        }
        if program.first == "--" { program.removeFirst() }
        guard let executable = program.first else {
            FileHandleStderr.write("faultbox run: missing program; usage: faultbox run [--fault SPEC]... -- PROGRAM ARGS...\n")
            throw ExitWith(ExitStatus.usage)
        }
        var rules: [FaultRule] = []
        for (index, spec) in faults.enumerated() {
            do { rules.append(try FaultSpec.parse(spec, id: index + 1)) } catch let error as FaultSpec.ParseError {
                FileHandleStderr.write("faultbox run: \(error.description)\n")
                throw ExitWith(ExitStatus.usage)
            }
        }
        var traced: Set<String> = []
        if let trace, trace != "faults" {
            for name in trace.split(separator: ",").map(String.init) {
                guard let members = Syscalls.expand(name) else {
                    FileHandleStderr.write("faultbox run: --trace: unknown syscall '\(name)'; give syscall names or "
                        + "families (write, read, open, fsync, sendto, recvfrom), comma-separated, or 'faults'\n")
                    throw ExitWith(ExitStatus.usage)
                }
                traced.formUnion(members)
            }
        }
        let backend = try InjectorChoice.resolve(injector, command: "run", verbose: verbose)
        let trapSet = rules.reduce(into: traced) { $0.formUnion($1.syscalls) }
        let specs = faults
        let tracedNames = traced
        // Decoding every allowed call costs a /proc lookup: only `--trace SYSCALLS` needs them.
        let selection: EventSelection = trace == nil ? .none : (traced.isEmpty ? .faultsOnly : .all)
        let session = InjectorSession(seed: seed, events: selection, backend: backend) { event in
            guard event.decision != .allow || tracedNames.contains(event.syscall) else { return }
            FileHandleStderr.write(RunCommand.describe(event, specs: specs) + "\n")
        }
        session.arm(["run": rules])
        let process: TracedProcess
        do {
            process = try session.launch(LaunchSpec(
                service: "run", executable: executable, arguments: Array(program.dropFirst()),
                trapSyscalls: trapSet, newProcessGroup: false))
        } catch {
            FileHandleStderr.write("faultbox run: \(error)\n")
            session.shutdown(grace: .zero)
            throw ExitWith(127)
        }
        ForegroundProgram.forwardSignals(to: process.pid)
        var exit: ProcessExit?
        while exit == nil { exit = process.waitForExit(timeout: .seconds(3600)) }
        // Whatever the program left behind (daemons, background jobs) goes with it.
        session.shutdown(grace: .seconds(2))
        FileHandleStderr.write(RunCommand.summary(exit: exit, rules: rules, specs: specs, hits: session.ruleHits()))
        switch exit {
        case .exited(let code)?: throw ExitWith(code)
        case .signaled(let signal)?: throw ExitWith(128 + signal)
        case nil: throw ExitWith(ExitStatus.usage)
        }
    }

    static func describe(_ event: SyscallEvent, specs: [String]) -> String {
        let target = event.address ?? event.path.map { "\"\($0)\"" } ?? ""
        let outcome: String
        switch event.decision {
        case .allow: outcome = "allowed"
        case .deny(let errno): outcome = "denied \(Errno.name(of: errno))"
        case .delay: outcome = "delayed \(formatNanos(event.latencyNanoseconds))"
        }
        let rule = event.ruleID.flatMap { id in specs.indices.contains(id - 1) ? " [\(specs[id - 1])]" : nil } ?? ""
        return "faultbox: pid \(event.pid) tid \(event.tid) \(event.syscall)(\(target)) \(outcome)\(rule)"
    }

    static func summary(exit: ProcessExit?, rules: [FaultRule], specs: [String], hits: [Int: Int]) -> String {
        var out = "faultbox run: program "
        switch exit {
        case .exited(let code)?: out += "exited with status \(code)\n"
        case .signaled(let signal)?: out += "was killed by signal \(signal)\n"
        case nil: out += "did not finish\n"
        }
        for rule in rules {
            let count = hits[rule.id] ?? 0
            let spec = specs.indices.contains(rule.id - 1) ? specs[rule.id - 1] : "rule \(rule.id)"
            out += "  --fault \(spec): fired \(count) time\(count == 1 ? "" : "s")"
            out += count == 0 ? " (never fired: check the syscall name and conditions)\n" : "\n"
        }
        return out
    }

    static func formatNanos(_ ns: UInt64) -> String {
        ns >= 1_000_000 ? "\(ns / 1_000_000)ms" : "\(ns / 1_000)us"
    }
}
