#if canImport(Glibc)
import Glibc
#endif
import Durations
import FaultPlan
import StarlarkVM

/// `duration("1.5s")` (integer nanoseconds) and `sleep("200ms")` (inside a test body).
enum TimeBuiltins {
    static func all() -> [String: Value] {
        [
            "duration": .builtin(Builtin(name: "duration", impl: duration)),
            "sleep": .builtin(Builtin(name: "sleep", impl: sleep)),
        ]
    }

    static let syntax = "a Go duration such as \"200ms\", \"1.5s\", \"1m30s\" or \"2h\" (units ns, us, ms, s, m, h)"

    /// Go's `time.ParseDuration`, signed: nanoseconds or the reason the text is not one.
    struct Invalid: Error { let reason: String }

    static func nanoseconds(_ text: String) -> Result<Int64, Invalid> {
        var body = Substring(text)
        var negative = false
        if let c = body.first, c == "-" || c == "+" {
            negative = c == "-"
            body = body.dropFirst()
            if body.isEmpty { return .failure(Invalid(reason: "missing number after the sign")) }
        }
        switch GoDuration.parse(String(body)) {
        case .failure(let e): return .failure(Invalid(reason: e.reason))
        case .success(let ns):
            guard ns <= UInt64(Int64.max) else { return .failure(Invalid(reason: "duration too large")) }
            return .success(negative ? -Int64(ns) : Int64(ns))
        }
    }

    static func durationText(_ a: BoundArgs, _ param: String) throws -> String {
        guard let v = a.values[param] else { throw StarlarkError("\(a.fn): missing argument for \(param)") }
        guard case .string(let s) = v else {
            throw StarlarkError("\(a.fn): for parameter \(param): got \(v.typeName), want \(syntax)")
        }
        return s.string
    }

    static func parseError(_ fn: String, _ text: String, _ e: Invalid) -> StarlarkError {
        StarlarkError("\(fn): \(Ops.repr(.str(text))) is not a duration: \(e.reason)\n    fix: write \(syntax)")
    }

    /// `duration(s)`: integer nanoseconds, comparable with `event.duration_since(...)`.
    static func duration(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "duration", params: ["s"])
        let text = try durationText(a, "s")
        switch nanoseconds(text) {
        case .success(let ns): return .int(ns)
        case .failure(let e): throw parseError("duration", text, e)
        }
    }

    /// `sleep(duration, clock="wall")`: blocks the test body for wall-clock time. Only inside
    /// a test (at spec load it would only slow every command down). A stopped test (timeout,
    /// Ctrl-C) ends the sleep within one slice.
    static func sleep(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "sleep", params: ["duration", "clock?"])
        let text = try durationText(a, "duration")
        if let clock = try a.string("clock"), clock != "wall" {
            throw StarlarkError("sleep: clock=\(Ops.repr(.str(clock))) is not supported; only \"wall\" (real time) is\n"
                                + "    fix: drop clock= or write clock=\"wall\"")
        }
        let ns: Int64
        switch nanoseconds(text) {
        case .success(let v): ns = v
        case .failure(let e): throw parseError("sleep", text, e)
        }
        if ns < 0 {
            throw StarlarkError("sleep: \(Ops.repr(.str(text))) is negative\n    fix: sleep for zero or more time, e.g. sleep(\"200ms\")")
        }
        guard SpecRuntimeSlot.runtime(thread) != nil else {
            throw StarlarkError("sleep() is only valid inside a test body (a def test_*, a scenario or an oracle), "
                                + "not while the spec loads\n    fix: move the sleep into the test that needs the pause")
        }
        if ns == 0 { return .none }
        try pause(nanoseconds: UInt64(ns), cancellation: thread.cancellation)
        return .none
    }

    /// Sleeps in slices of at most 10 ms, checking the thread's cancellation between them.
    static func pause(nanoseconds total: UInt64, cancellation: CancellationFlag) throws {
        let slice: UInt64 = 10_000_000
        let deadline = monotonic() &+ total
        while true {
            if cancellation.isCancelled {
                throw StarlarkError("Starlark computation cancelled: \(cancellation.reason)")
            }
            let now = monotonic()
            if now >= deadline { return }
            let step = min(slice, deadline - now)
            var request = timespec(tv_sec: Int(step / 1_000_000_000), tv_nsec: Int(step % 1_000_000_000))
            var remaining = timespec()
            _ = nanosleep(&request, &remaining)
        }
    }

    static func monotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
