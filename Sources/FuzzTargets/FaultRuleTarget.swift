// Fuzz target (c): bytes -> `--fault` rule strings and Go durations (the one parser that
// `--fault`, `fault(delay=...)` and `--timeout` share). A parse either succeeds with a rule
// that makes sense or fails with a message; a parsed duration formats and parses back.
import Durations
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
        switch GoDuration.parse(text) {
        case .success(let nanoseconds):
            precondition(GoDuration.parse(GoDuration.format(nanoseconds)) == .success(nanoseconds),
                         "duration '\(text)' does not survive format and parse")
        case .failure(let error): _ = error.description
        }
    }
}
