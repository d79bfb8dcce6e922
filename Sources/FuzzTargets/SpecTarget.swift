// Fuzz target (b): bytes -> a spec file -> `faultbox compile` (spec evaluation, lowering,
// validation, the plan as text and the cells as JSON), starting nothing. Under a step
// budget and a small memory budget so that runaway specs end quickly.
import FaultboxCommands
import Foundation
import StarlarkVM

public enum SpecTarget {
    static let limits = ExecutionLimits(maxSteps: 20_000, maxCallDepth: 200, maxMemoryBytes: 64 << 20)
    /// One file per process (libFuzzer's -fork and -jobs run several processes).
    static let path: String = {
        let dir = NSTemporaryDirectory() + "faultbox-fuzz-spec-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/fuzz.star"
    }()

    public static func run(_ bytes: [UInt8]) {
        guard FileManager.default.createFile(atPath: path, contents: Data(withoutLimits(bytes))) else {
            preconditionFailure("cannot write \(path)")
        }
        for (format, emit) in [("text", "plan"), ("json", "cells")] {
            switch CompileOutput.render(specPath: path, format: format, emit: emit, limits: limits) {
            case .success(let text): _ = text
            case .failure(let errors): _ = errors.description
            }
        }
    }

    /// A spec may raise its own budgets with `limits(...)`; a fuzzed one that did would
    /// loop for hours and be reported as a hang. The name is spelled differently, so the
    /// call is an undefined name (still exercising the resolver's error path).
    static func withoutLimits(_ bytes: [UInt8]) -> [UInt8] {
        let name = Array("limits".utf8)
        var out = bytes
        var i = 0
        while i + name.count <= out.count {
            if out[i..<(i + name.count)].elementsEqual(name) { out[i + name.count - 1] = UInt8(ascii: "z") }
            i += 1
        }
        return out
    }
}
