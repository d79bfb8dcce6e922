import Foundation
import XCTest

/// docs/compat.md against the real binary (CLI side; the spec side is FaultPlanTests'
/// CompatTableTests): every subcommand and flag row is either accepted (`implemented`,
/// `different`) or refused with one line that names it, says "not supported here yet" (or
/// what to run instead) and points at docs/compat.md#cli, exit status 1, never ArgumentParser's
/// "Unknown option" or our "unknown subcommand".
final class CompatCLITests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws { harness = try FaultboxHarness.make() }
    override func tearDown() { harness.cleanUp() }

    struct Row {
        let kind: String
        let subject: String
        let status: String
        var name: String { "\(kind):\(subject)" }
        var usable: Bool { status == "implemented" || status == "different" }
    }

    static func rows() throws -> [Row] {
        let text = try String(contentsOfFile: FaultboxHarness.packageRoot() + "/docs/compat.md", encoding: .utf8)
        var out: [Row] = []
        for line in text.split(separator: "\n") where line.hasPrefix("| `cmd:") || line.hasPrefix("| `flag:") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let colon = name.firstIndex(of: ":")!
            out.append(Row(kind: String(name[..<colon]), subject: String(name[name.index(after: colon)...]), status: cells[2]))
        }
        return out
    }

    /// Subcommands this build has.
    static let commands = ["eval", "compile", "test", "generate", "run", "init", "diff", "version"]

    /// Whether `help` lists `flag` as a whole word.
    func lists(_ help: String, _ flag: String) -> Bool {
        help.range(of: "\(flag)(?![A-Za-z0-9-])", options: .regularExpression) != nil
    }

    func assertRefusal(_ r: FaultboxHarness.Result, _ row: Row, names: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, "\(row.name): \(r.all)", file: file, line: line)
        let lines = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning: direct reference") }
        XCTAssertEqual(lines.count, 1, "\(row.name): one line: \(r.stderr)", file: file, line: line)
        let text = lines.first.map(String.init) ?? ""
        XCTAssertTrue(text.contains(names), "\(row.name): \(text)", file: file, line: line)
        XCTAssertTrue(text.contains("docs/compat.md#cli"), "\(row.name): \(text)", file: file, line: line)
        XCTAssertFalse(text.contains("Unknown option") || text.contains("unknown subcommand"), "\(row.name): \(text)", file: file, line: line)
        XCTAssertEqual(r.stdout, "", "\(row.name)", file: file, line: line)
    }

    func testCommandRows() throws {
        for row in try Self.rows() where row.kind == "cmd" {
            let r = try harness.run([row.subject, "--help"])
            if Self.commands.contains(row.subject) {
                XCTAssertTrue(row.usable, "\(row.name) exists here but is marked \(row.status)")
                XCTAssertEqual(r.status, 0, "\(row.name): \(r.all)")
                continue
            }
            assertRefusal(r, row, names: "faultbox \(row.subject):")
            if row.status == "not supported yet" {
                XCTAssertTrue(r.stderr.contains("not supported here yet"), r.stderr)
            } else {
                XCTAssertTrue(r.stderr.contains("faultbox compile"), "\(row.name) says what to run instead: \(r.stderr)")
            }
        }
    }

    func testFlagRows() throws {
        var helps: [String: String] = [:]
        for row in try Self.rows() where row.kind == "flag" {
            let parts = row.subject.split(separator: " ").map(String.init)
            let (command, flag) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts[0])
            guard command.isEmpty || Self.commands.contains(command) else {
                // A flag of a command this build does not have: the command's line.
                assertRefusal(try harness.run([command, flag]), row, names: "faultbox \(command):")
                continue
            }
            let help = try helps[command] ?? {
                let h = try harness.run(command.isEmpty ? ["--help"] : [command, "--help"])
                XCTAssertEqual(h.status, 0, h.all)
                return h.all
            }()
            helps[command] = help
            if row.usable {
                XCTAssertTrue(lists(help, flag), "\(row.name) is marked \(row.status) but faultbox \(command) --help does not list it")
                continue
            }
            XCTAssertFalse(lists(help, flag), "\(row.name) is marked not supported but \(command) declares it")
            var args = command.isEmpty ? [flag] : [command, flag]
            if command == "run" { args += ["X=1", "--", "/bin/true"] } else if !command.isEmpty { args.append("spec.star") }
            let r = try harness.run(args)
            assertRefusal(r, row, names: flag)
            XCTAssertTrue(r.stderr.contains("not supported here yet"), r.stderr)
            // The same with --flag=value.
            assertRefusal(try harness.run(command.isEmpty ? ["\(flag)=x"] : [command, "\(flag)=x", "spec.star"]), row, names: flag)
        }
    }

    /// The reference tool's `test` also runs its YAML format (`faultbox test faultbox.yaml
    /// spec.yaml`): a YAML file is named as such, not parsed as Starlark ("got ':'").
    func testYAMLSpecsAreNamedNotParsed() throws {
        try harness.write("faultbox.yaml", "services:\n  db:\n    binary: /bin/true\n")
        for args in [["test", "faultbox.yaml", "spec.yaml"], ["test", "x.star", "tests.yml"]] {
            let r = try harness.run(args)
            XCTAssertEqual(r.status, 1, r.all)
            XCTAssertEqual(r.stdout, "", r.all)
            let yaml = args.first { $0.hasSuffix("yaml") || $0.hasSuffix("yml") }!
            XCTAssertEqual(r.stderr, "faultbox test: \(yaml) is a YAML spec (the reference tool's faultbox.yaml/spec.yaml format); "
                + "not supported here yet, see docs/compat.md#cli; write the topology and tests in a .star spec "
                + "(faultbox init BINARY starts one)\n", r.all)
        }
    }

    func testPassthroughArgumentsOfRunAreNotFlags() throws {
        // After the program name, --debug belongs to the program.
        let r = try harness.run(["run", "/bin/echo", "--debug"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout, "--debug\n", r.all)
        let after = try harness.run(["run", "--", "/bin/echo", "--env"])
        XCTAssertEqual(after.status, 0, after.all)
        XCTAssertEqual(after.stdout, "--env\n", after.all)
    }
}
