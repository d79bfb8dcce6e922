import FaultPlan
import Foundation
import SpecLowering
import StarlarkVM
import XCTest

/// A spec builtin called with a wrong-typed argument: the error names the spec line, the
/// builtin, the parameter and both types (`service: for parameter env: got list, want dict`).
final class SpecBuiltinErrorTests: XCTestCase {
    /// Loads a spec whose line 2 is `line` (line 1 declares `db`) and returns the error text.
    func loadError(_ line: String, file: StaticString = #filePath, lineNumber: UInt = #line) throws -> String {
        let dir = try Fixtures.tempDirectory(self)
        let spec = "db = service(\"db\", \"/bin/true\", interface(\"main\", \"tcp\", 5432))\n\(line)\n"
        try spec.write(toFile: dir + "/spec.star", atomically: true, encoding: .utf8)
        do {
            _ = try loadSpec(path: "spec.star", options: Fixtures.options(dir))
            XCTFail("no error from: \(line)", file: file, line: lineNumber)
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testAWrongArgumentTypeNamesTheBuiltinTheParameterAndBothTypes() throws {
        let cases: [(code: String, fn: String, param: String, got: String, want: String)] = [
            ("service(1, \"/bin/true\")", "service", "name", "int", "string"),
            ("service(\"x\", 2)", "service", "binary", "int", "string"),
            ("service(\"x\", \"/bin/true\", 3)", "service", "interfaces", "int", "interface(...)"),
            ("service(\"x\", \"/bin/true\", env = [])", "service", "env", "list", "dict"),
            ("service(\"x\", \"/bin/true\", depends_on = 1)", "service", "depends_on", "int", "list"),
            ("interface(1, \"tcp\", 1)", "interface", "name", "int", "string"),
            ("interface(\"main\", \"tcp\", \"x\")", "interface", "port", "string", "int"),
            ("deny(1)", "deny", "errno", "int", "string"),
            ("deny(\"EIO\", probability = [])", "deny", "probability", "list", "float"),
            ("deny(\"EIO\", path = 1)", "deny", "path", "int", "string"),
            ("delay([])", "delay", "duration", "list", ""),
            ("allow(path = 1)", "allow", "path", "int", "string"),
            ("op(syscalls = 1)", "op", "syscalls", "int", "list"),
            ("fault_assumption(1, target = db)", "fault_assumption", "name", "int", "string"),
            ("fault_assumption(\"a\", target = db, write = \"EIO\")", "fault_assumption", "write (a syscall)", "string", "deny(...)"),
            ("fault_assumption(\"a\", target = db, monitors = 1)", "fault_assumption", "monitors", "int", "list"),
            ("scenario(1)", "scenario", "fn", "int", "function"),
            ("fault_scenario(\"s\", scenario = 1, faults = [])", "fault_scenario", "scenario", "int", "function"),
            ("fault_matrix(scenarios = 1, faults = [])", "fault_matrix", "scenarios", "int", "list"),
            ("monitor(1)", "monitor", "fn", "int", "function"),
            ("duration(1)", "duration", "s", "int", "a Go duration"),
            ("load_file(1)", "load_file", "path", "int", "string"),
            ("load_json(1)", "load_json", "path", "int", "string"),
            ("decoder(1)", "decoder", "name", "int", "string"),
            ("observe.stdout(decoder = 1)", "observe.stdout", "decoder", "int", "decoder"),
            ("match.event(type = [])", "match.event", "type", "list", "string"),
            ("match.any(1)", "match.any", "matchers", "int", "match.event(...)"),
            ("expect_error_within(\"a\")", "expect_error_within", "ms", "string", "int"),
            ("fault_scenario(\"s\", scenario = lambda: 1, faults = [], timeout = 5)", "fault_scenario", "timeout", "int", "string"),
        ]
        for c in cases {
            let text = try loadError(c.code)
            XCTAssertTrue(text.hasPrefix("spec.star:2:"), "\(c.code): the call's line: \(text)")
            XCTAssertTrue(text.contains("\(c.fn): for parameter \(c.param): got \(c.got)"), "\(c.code): \(text)")
            XCTAssertTrue(text.contains("want \(c.want)"), "\(c.code): \(text)")
        }
    }
}
