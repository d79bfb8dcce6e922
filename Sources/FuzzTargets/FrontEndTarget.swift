// Fuzz target (a): bytes -> lexer, parser, resolver, compiler, VM, as `faultbox eval` runs a
// file (spec dialect: set, recursion, globalreassign), under a step budget so that loops end.
// Every error must come back as a value with a message; a trap or sanitizer report is a bug.
import StarlarkCompile
import StarlarkSyntax
import StarlarkVM

public enum FrontEndTarget {
    /// Enough steps for the conformance chunks, few enough that `while True` ends in
    /// milliseconds under the address sanitizer; memory far below libFuzzer's RSS limit.
    static let limits = ExecutionLimits(maxSteps: 20_000, maxCallDepth: 1000, maxMemoryBytes: 256 << 20)

    public static func run(_ bytes: [UInt8]) {
        let source = SourceFile(name: "fuzz.star", bytes: bytes)
        let thread = StarThread(name: "fuzz")
        thread.print = { _ in }
        thread.limits = limits
        do {
            let program = try compileFile(source: source, predeclared: [:], options: .all)
            _ = disassemble(program)
            _ = try execProgram(thread: thread, program: program, predeclared: [:], options: .all)
        } catch {
            // The messages are what a user reads: building them must not trap either.
            _ = "\(error)"
        }
    }
}
