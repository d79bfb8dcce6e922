/// The three budgets that make a Starlark computation end with an error instead of a hang,
/// a native stack overflow or an OOM kill (docs/vm.md, "Budgets").
public struct ExecutionLimits: Sendable, Equatable {
    /// Loop iterations and calls.
    public var maxSteps: UInt64
    /// Nesting of Starlark calls.
    public var maxCallDepth: Int
    /// How much the process's resident memory may grow while the computation runs, in bytes.
    public var maxMemoryBytes: Int

    public init(maxSteps: UInt64 = ExecutionLimits.standard.maxSteps,
                maxCallDepth: Int = ExecutionLimits.standard.maxCallDepth,
                maxMemoryBytes: Int = ExecutionLimits.standard.maxMemoryBytes) {
        self.maxSteps = maxSteps
        self.maxCallDepth = maxCallDepth
        self.maxMemoryBytes = maxMemoryBytes
    }

    /// What `eval`, `compile` and `test` use unless a flag or the spec's `limits()` says
    /// otherwise: 100 million steps is seconds of work (a spec's top level needs thousands);
    /// 1000 frames is go.starlark.net's Python-like depth; 2 GiB of growth is far beyond
    /// what a spec builds and far below what a CI machine can give.
    public static let standard = ExecutionLimits(maxSteps: 100_000_000, maxCallDepth: 1000, maxMemoryBytes: 2 << 30)
}

extension StarThread {
    /// The thread's current budgets.
    public var limits: ExecutionLimits {
        get { ExecutionLimits(maxSteps: maxSteps, maxCallDepth: maxCallDepth, maxMemoryBytes: memory.limit) }
        set {
            maxSteps = newValue.maxSteps
            maxCallDepth = newValue.maxCallDepth
            memory.limit = newValue.maxMemoryBytes
            // The next step re-reads maxSteps (a running loop sees a raised budget at once).
            exec.pointee.nextCheck = min(exec.pointee.nextCheck, exec.pointee.steps)
        }
    }
}

extension ExecutionLimits {
    /// `512MB`, `2GiB`, `1g`, `65536` (bytes): K/M/G/T with or without B or iB, all binary
    /// (1 MB = 2^20 bytes, as a budget needs no decimal precision). Nil when not a size.
    public static func parseSize(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        var unit = String(text.dropFirst(digits.count).filter { $0 != " " }).lowercased()
        if unit.hasSuffix("ib") { unit.removeLast(2) } else if unit.hasSuffix("b") { unit.removeLast() }
        let shifts: [String: Int] = ["": 0, "k": 10, "m": 20, "g": 30, "t": 40]
        guard let shift = shifts[unit] else { return nil }
        let (value, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : value
    }

    static let sizeSyntax = "a size such as \"512MB\", \"2GiB\" or a number of bytes"
}

/// `limits(max_steps = N, max_depth = N, max_memory = "2GiB")`: sets the running thread's
/// budgets from inside a spec (or an `eval` file); the ones not given stay. In a spec, the
/// budgets in force when it finishes loading are also those of every test cell.
public enum LimitsBuiltin {
    public static var value: Value { .builtin(Builtin(name: "limits", impl: call)) }

    static func call(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        if !args.positional.isEmpty {
            throw StarlarkError("limits: takes keyword arguments only (max_steps, max_depth, max_memory), "
                                + "got \(args.positional.count) positional")
        }
        var limits = thread.limits
        for (name, value) in args.named {
            switch name {
            case "max_steps":
                guard case .int(let n) = value, n > 0 else {
                    throw StarlarkError("limits: for parameter max_steps: got \(Ops.repr(value)), "
                                        + "want a positive int (loop iterations and calls)")
                }
                limits.maxSteps = UInt64(n)
            case "max_depth":
                guard case .int(let n) = value, n > 0, n <= Int64(StarThread.depthCeiling) else {
                    throw StarlarkError("limits: for parameter max_depth: got \(Ops.repr(value)), "
                                        + "want an int from 1 to \(StarThread.depthCeiling)")
                }
                limits.maxCallDepth = Int(n)
            case "max_memory":
                var bytes: Int?
                switch value {
                case .int(let n) where n > 0: bytes = Int(n)
                case .string(let s): bytes = ExecutionLimits.parseSize(s.string).flatMap { $0 > 0 ? $0 : nil }
                default: bytes = nil
                }
                guard let bytes else {
                    throw StarlarkError("limits: for parameter max_memory: got \(Ops.repr(value)), want \(ExecutionLimits.sizeSyntax)")
                }
                limits.maxMemoryBytes = bytes
            default:
                throw StarlarkError("limits: unexpected keyword argument \(name) (want max_steps, max_depth or max_memory)")
            }
        }
        thread.limits = limits
        return .none
    }
}
