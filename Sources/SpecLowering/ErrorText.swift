import StarlarkVM

/// How a Starlark error reads in faultbox's messages (spec loading, a failing test): the
/// position and the message once, then the call stack only when it says more than that.
/// The VM's own format repeats the message (`file:l:c: msg`, a traceback, `Error: msg`),
/// which a one-frame error turns into three copies of the same line.
public enum StarlarkErrorText {
    public static func describe(_ error: Error) -> String {
        guard let e = error as? EvalError, let location = e.location else { return "\(error)" }
        let head = "\(location): \(e.message)"
        if e.backtrace.count <= 1 { return head }
        var trace = e.traceback
        let tail = "\nError: \(e.message)"
        if trace.hasSuffix(tail) { trace.removeLast(tail.count) }
        return head + "\n" + trace
    }
}
