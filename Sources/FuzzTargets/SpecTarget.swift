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
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            preconditionFailure("cannot write \(path)")
        }
        for (format, emit) in [("text", "plan"), ("json", "cells")] {
            switch CompileOutput.render(specPath: path, format: format, emit: emit, limits: limits) {
            case .success(let text): _ = text
            case .failure(let errors): _ = errors.description
            }
        }
    }
}
