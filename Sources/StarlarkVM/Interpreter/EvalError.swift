import StarlarkSyntax

/// A run-time error with the position where it happened and the Starlark call stack.
/// `description` is `FILE:LINE:COL: message` followed by the traceback.
public struct EvalError: Error, CustomStringConvertible {
    public struct Frame: Sendable {
        public let function: String
        public let location: SourceLocation
    }
    public let message: String
    /// Outermost first; the last frame is where the error happened.
    public internal(set) var backtrace: [Frame]

    public init(message: String, backtrace: [Frame] = []) {
        self.message = message
        self.backtrace = backtrace
    }

    /// Where the error happened (the innermost Starlark frame), if known.
    public var location: SourceLocation? { backtrace.last?.location }

    /// `Traceback (most recent call last):` and one `file:line:col: in fn` line per frame.
    public var traceback: String {
        // Identical consecutive frames (deep recursion) are shown once, as Python does.
        var s = "Traceback (most recent call last):\n"
        var previous = ""
        var repeats = 0
        func flushRepeats() {
            if repeats > 0 { s += "  [Previous line repeated \(repeats) more time\(repeats == 1 ? "" : "s")]\n" }
            repeats = 0
        }
        for f in backtrace {
            let line = "  \(f.location): in \(f.function)\n"
            if line == previous { repeats += 1; continue }
            flushRepeats()
            s += line
            previous = line
        }
        flushRepeats()
        s += "Error: \(message)"
        return s
    }

    public var description: String {
        guard let loc = location else { return message }
        return "\(loc): \(message)\n\(traceback)"
    }
}

/// Internal: an error unwinding through frames collects one frame per level.
extension EvalError {
    mutating func prepend(_ frame: Frame) { backtrace.insert(frame, at: 0) }
}
