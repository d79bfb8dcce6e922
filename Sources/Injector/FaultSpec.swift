import Durations

/// The `--fault SPEC` syntax of `faultbox run`:
///
///     SYSCALL=ACTION[:OPTION]...
///     ACTION  = ERRNO | delay:DURATION
///     OPTION  = N%  |  path=GLOB  |  dest=ADDRESS  |  label=TEXT  |  /GLOB
///
/// SYSCALL is a syscall of this machine or a family (write, read, open, fsync, sendto,
/// recvfrom); several may be joined with commas. The reference tool's forms are the same
/// grammar: `write=EIO:30%`, `openat=ENOENT:100%:/data/*` (a bare option starting with `/`
/// or `*` is the path glob), `write=delay:500ms:100%`. Its triggers (`nth=N`, `after=N`)
/// are refused with a message.
public enum FaultSpec {
    public static let usage = """
        accepted forms:
          --fault connect=ECONNREFUSED
          --fault write=EIO:30%
          --fault openat=ENOENT:100%:/data/*
          --fault write=delay:500ms:100%
          --fault write=EIO:path=/var/lib/x/*
          --fault connect=delay:200ms:50%
          --fault connect=ECONNREFUSED:dest=127.0.0.1:5432
        SYSCALL=ACTION[:OPTION]...  ACTION is an errno name (ECONNREFUSED, ENOSPC, EIO, ...)
        or delay:DURATION (Go syntax: 500us, 200ms, 1.5s, 1m30s); OPTIONs are N% (probability),
        path=GLOB or a bare GLOB starting with / or * (path glob), dest=ADDRESS (127.0.0.1:5432,
        [::1]:80, 5432 = any loopback, /unix/path), label=TEXT. SYSCALL may be a family (write,
        read, open, fsync, sendto, recvfrom) or several names joined with commas.
        """

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let spec: String
        public let problem: String
        public var description: String { "bad --fault '\(spec)': \(problem)\n\(FaultSpec.usage)" }
    }

    public static func parse(_ spec: String, id: Int) throws -> FaultRule {
        func fail(_ problem: String) -> ParseError { ParseError(spec: spec, problem: problem) }
        guard let eq = spec.firstIndex(of: "=") else { throw fail("expected SYSCALL=ACTION") }
        let syscallPart = spec[..<eq]
        var names: [String] = []
        for raw in syscallPart.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(raw)
            guard let expanded = Syscalls.expand(name) else {
                throw fail(name.isEmpty ? "missing syscall name before '='" : "unknown syscall '\(name)' on this machine")
            }
            names.append(contentsOf: expanded)
        }
        let actionPart = spec[spec.index(after: eq)...]
        var tokens = mergeValueTokens(actionPart.split(separator: ":", omittingEmptySubsequences: false).map(String.init))
        guard let first = tokens.first, !first.isEmpty else { throw fail("missing ACTION after '='") }
        tokens.removeFirst()
        var rule = FaultRule(id: id, syscalls: names, action: .allow)
        if first == "delay" {
            guard !tokens.isEmpty else { throw fail("delay needs a duration, e.g. delay:200ms") }
            let text = tokens.removeFirst()
            switch GoDuration.parse(text) {
            case .success(let nanos): rule.action = .delay(nanoseconds: nanos)
            case .failure(let error):
                throw fail("'\(text)' is not a duration: \(error.reason) (Go syntax: 500us, 200ms, 1.5s, 1m30s)")
            }
        } else if let errno = Errno.value(named: first.uppercased()) {
            rule.action = .deny(errno: errno)
        } else {
            throw fail("'\(first)' is neither an errno name nor delay:DURATION")
        }
        for option in tokens {
            if option.hasSuffix("%") && !isBareGlob(option) {
                guard let percent = Double(option.dropLast()), (0...100).contains(percent) else {
                    throw fail("'\(option)' is not a percentage between 0% and 100%")
                }
                rule.probability = percent / 100
            } else if option.hasPrefix("path=") {
                let glob = String(option.dropFirst(5))
                guard !glob.isEmpty else { throw fail("path= needs a glob, e.g. path=/var/lib/x/*") }
                rule.pathGlob = glob
            } else if option.hasPrefix("dest=") {
                let dest = String(option.dropFirst(5))
                guard DestinationPattern.parse(dest) != nil else {
                    throw fail("'\(dest)' is not a destination (127.0.0.1:5432, [::1]:80, 5432, /unix/path)")
                }
                rule.destination = dest
            } else if option.hasPrefix("label=") {
                rule.label = String(option.dropFirst(6))
            } else if isBareGlob(option) {
                guard rule.pathGlob == nil else { throw fail("two path globs ('\(rule.pathGlob ?? "")' and '\(option)'); give one") }
                rule.pathGlob = option
            } else if option.hasPrefix("nth=") || option.hasPrefix("after=") {
                throw fail("'\(option)': triggers (nth=N, after=N) are not supported here yet; "
                           + "use a probability (N%) or arm the fault from a spec with fault_start/fault_stop")
            } else if option.isEmpty {
                throw fail("empty option (two ':' in a row?)")
            } else if Double(option) != nil {
                throw fail("'\(option)' is not an option; a probability needs %, e.g. \(option)%")
            } else {
                throw fail("unknown option '\(option)' (a path glob must start with / or *)")
            }
        }
        return rule
    }

    /// A bare path glob (the reference tool's trailing `:/data/*`).
    private static func isBareGlob(_ token: String) -> Bool {
        token.hasPrefix("/") || token.hasPrefix("*")
    }

    /// Re-joins values that contain ':' (`dest=127.0.0.1:5432`, `dest=[::1]:80`, paths):
    /// a token that does not start a new option belongs to the previous `key=` value or
    /// bare glob.
    private static func mergeValueTokens(_ tokens: [String]) -> [String] {
        var out: [String] = []
        for (i, token) in tokens.enumerated() {
            let startsOption = token.hasSuffix("%") || token.hasPrefix("path=") || token.hasPrefix("dest=")
                || token.hasPrefix("label=") || token.hasPrefix("nth=") || token.hasPrefix("after=")
                || isBareGlob(token)
            // The first token is the action (an errno, or `delay` then its duration).
            let isAction = i == 0 || (i == 1 && tokens[0] == "delay")
            if !startsOption, !isAction, let last = out.last,
               last.hasPrefix("dest=") || last.hasPrefix("path=") || isBareGlob(last) {
                out[out.count - 1] = last + ":" + token
            } else {
                out.append(token)
            }
        }
        return out
    }
}
