import StarlarkSyntax

/// A run-time error with the position where it happened and the call stack.
/// `description` is `FILE:LINE:COL: message` followed by the traceback.
public struct EvalError: Error, CustomStringConvertible {
    /// One active call: a Starlark function at its current position, or a builtin (which
    /// has no position; go.starlark.net shows it as `<builtin>`).
    public struct Frame: Sendable {
        public let function: String
        public let location: SourceLocation
        public let isBuiltin: Bool

        public init(function: String, location: SourceLocation) {
            self.function = function; self.location = location; isBuiltin = false
        }

        /// The frame of a builtin function or method (`sorted`, `join`, `service`).
        public static func builtin(_ name: String) -> Frame { Frame(builtin: name) }

        private init(builtin name: String) {
            function = name; location = SourceLocation(file: "<builtin>", line: 0, column: 0); isBuiltin = true
        }

        /// `file:line:col: in fn`, or `<builtin>: in fn`.
        var tracebackLine: String {
            "  \(isBuiltin ? location.file : location.description): in \(function)\n"
        }
    }
    public let message: String
    /// Outermost first; the last frame is where the error happened (a builtin's frame when
    /// a builtin raised it).
    public internal(set) var backtrace: [Frame]

    public init(message: String, backtrace: [Frame] = []) {
        self.message = message
        self.backtrace = backtrace
    }

    /// Where the error happened in Starlark code (the innermost Starlark frame: for an
    /// error raised by a builtin, the call of that builtin), if known.
    public var location: SourceLocation? { backtrace.last(where: { !$0.isBuiltin })?.location }

    /// The builtin that raised the error (`sorted` for `sorted(1)`), nil when it was
    /// raised by Starlark code itself (an operator, an index, a call binding).
    public var builtin: String? {
        guard let last = backtrace.last, last.isBuiltin else { return nil }
        return last.function
    }

    /// go.starlark.net's backtrace: `Traceback (most recent call last):`, one
    /// `file:line:col: in fn` line per frame (`<builtin>: in fn` for a builtin that called
    /// back into Starlark), then `Error in fn: message` when the builtin `fn` raised the
    /// error (its own frame is not listed) or `Error: message`.
    public var traceback: String {
        var frames = backtrace[...]
        if builtin != nil { frames = frames.dropLast() }
        // Identical consecutive frames (deep recursion) are shown once, as Python does.
        var s = "Traceback (most recent call last):\n"
        var previous = ""
        var repeats = 0
        func flushRepeats() {
            if repeats > 0 { s += "  [Previous line repeated \(repeats) more time\(repeats == 1 ? "" : "s")]\n" }
            repeats = 0
        }
        for f in frames {
            let line = f.tracebackLine
            if line == previous { repeats += 1; continue }
            flushRepeats()
            s += line
            previous = line
        }
        flushRepeats()
        s += "Error\(builtin.map { " in \($0)" } ?? ""): \(message)"
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

    /// What a call of the builtin `name` throws when its implementation failed with
    /// `error`: the builtin's frame goes on the stack, innermost (go.starlark.net pushes a
    /// frame for every call, builtin or not). Errors of any type become an `EvalError`
    /// here, as they would one frame up.
    static func raised(in name: String, _ error: Error) -> EvalError {
        switch error {
        case var e as EvalError:
            e.prepend(.builtin(name))
            return e
        case let e as StarlarkError:
            return EvalError(message: e.message, backtrace: [.builtin(name)])
        case let e as ResolveErrorsCarrier:
            return EvalError(message: e.message, backtrace: [.builtin(name)])
        default:
            return EvalError(message: "\(error)", backtrace: [.builtin(name)])
        }
    }
}
