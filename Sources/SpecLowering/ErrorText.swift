import StarlarkVM

/// How a Starlark error reads in faultbox's messages (spec loading, a failing test): the
/// position and the message once, then the call stack only when it says more than that.
/// The VM's own format repeats the message (`file:l:c: msg`, a traceback, `Error: msg`),
/// which a one-frame error turns into three copies of the same line.
public enum StarlarkErrorText {
    public static func describe(_ error: Error) -> String {
        guard let e = error as? EvalError, let location = e.location else { return "\(error)" }
        let head = "\(location): \(e.message)"
        // The frames a traceback lists (the raising builtin's own frame is not one of them).
        if e.backtrace.count - (e.builtin == nil ? 0 : 1) <= 1 { return head }
        // The traceback without its last line (`Error: msg` or `Error in fn: msg`), which
        // repeats the head.
        var trace = e.traceback
        if let cut = trace.range(of: "\nError", options: .backwards) { trace = String(trace[..<cut.lowerBound]) }
        return head + "\n" + trace
    }
}
