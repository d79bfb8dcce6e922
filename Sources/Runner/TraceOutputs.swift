import Foundation
import Reports
import Trace

/// The trace files of `faultbox test`: `--normalize` (each test's trace without times,
/// pids, fds, OS-chosen ports or the run directory: the same spec, seed and binaries give
/// the same bytes, so `faultbox diff` can compare runs) and `--shiviz` (vector clocks for
/// ShiViz's space-time diagram). Written like the other reports: atomically, also when
/// the run was interrupted, with what finished.
enum TraceOutputs {
    static func normalized(_ outcomes: [TestOutcome], runDirectory: String, knownPorts: Set<Int>) -> String {
        let normalizer = TraceNormalizer(runDirectory: runDirectory, knownPorts: knownPorts)
        let text = outcomes.map { normalizer.normalize(test: $0.name, events: $0.trace) }.joined()
        return randomTempNames.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                         withTemplate: "$1$2XXXXXX")
    }

    /// Names that mkstemp/mkdtemp made up (six random letters and digits after `-`, `_` or
    /// `.`) inside a service's own TMPDIR (`<run>/NNN-test/<service>.tmp/`): they differ on
    /// every run, so they would make every trace differ.
    static let randomTempNames = try! NSRegularExpression(
        pattern: #"(<run>/[^\s"]*\.tmp/(?:[^/\s"]*/)*[^/\s"]*?)([-_.])([A-Za-z0-9]{6})(?=[/\s"]|$)"#,
        options: [.anchorsMatchLines])

    static func shiviz(_ outcomes: [TestOutcome], portOwners: [Int: String]) -> String {
        ShiVizEncoder.encode(tests: outcomes.map { ShiVizExecution(name: $0.name, events: $0.trace, portOwners: portOwners) })
    }

    /// Writes `text` to `path` atomically; the error names the flag.
    static func write(_ text: String, to path: String, flag: String) -> String? {
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            return "faultbox test: \(flag) \(path): \(error.localizedDescription)\n"
        }
        return nil
    }
}
