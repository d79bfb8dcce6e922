// Fuzz target (c): bytes -> `--fault` rule strings and Go durations (both parsers: the
// injector's for the command line, the plan's for `fault(delay=...)` in specs). A parse
// either succeeds with a rule that makes sense or fails with a message.
import Injector

public enum FaultRuleTarget {
    public static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            let rule = try FaultSpec.parse(text, id: 1)
            // What the decider relies on; a rule breaking it would misfire silently.
            precondition(!rule.syscalls.isEmpty, "parsed --fault '\(text)' has no syscall")
            precondition(rule.probability >= 0 && rule.probability <= 1,
                         "parsed --fault '\(text)' has probability \(rule.probability)")
        } catch let error as FaultSpec.ParseError {
            _ = error.description
        } catch {
            preconditionFailure("FaultSpec.parse threw \(type(of: error)), not a ParseError")
        }
        _ = GoDuration.nanoseconds(text)
        PlanDuration.parse(text)
    }
}
