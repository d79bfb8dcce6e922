import FaultPlan
import Foundation
import SpecLowering
import XCTest

/// docs/compat.md against the build (spec side; the CLI rows are EndToEndTests'
/// CompatCLITests): every builtin, keyword, attribute, protocol and standard-library row is
/// either usable (`implemented`, `different`) or refused at load with the one-line message
/// that names it, says "not supported here yet" and points into docs/compat.md, never with
/// "undefined:" or "unexpected keyword argument".
final class CompatTableTests: XCTestCase {
    struct Row {
        let kind: String
        let subject: String
        let status: String
        var name: String { "\(kind):\(subject)" }
        var usable: Bool { status == "implemented" || status == "different" }
    }

    static let compatPath = Fixtures.repository + "/docs/compat.md"

    static func document() throws -> String { try String(contentsOfFile: compatPath, encoding: .utf8) }

    /// Table rows: `| \`kind:subject\` | status | notes |`.
    static func rows() throws -> [Row] {
        var out: [Row] = []
        for line in try document().split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            guard let colon = name.firstIndex(of: ":") else { continue }
            out.append(Row(kind: String(name[..<colon]), subject: String(name[name.index(after: colon)...]), status: cells[2]))
        }
        return out
    }

    var dir = ""

    override func setUpWithError() throws { dir = try Fixtures.tempDirectory(self) }

    /// The load error of `spec` (nil when it loads).
    func loadError(_ spec: String, files: [String: String] = [:]) throws -> String? {
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        try spec.write(toFile: dir + "/spec.star", atomically: true, encoding: .utf8)
        do {
            _ = try loadSpec(path: "spec.star", options: Fixtures.options(dir))
            return nil
        } catch {
            return "\(error)"
        }
    }

    func checkRefusal(_ error: String?, names name: String, anchor: String? = nil, _ row: Row,
                      file: StaticString = #filePath, line: UInt = #line) {
        guard let error else { return XCTFail("\(row.name): expected a refusal, but the spec loads", file: file, line: line) }
        XCTAssertTrue(error.contains(name), "\(row.name): the message should name \(name): \(error)", file: file, line: line)
        XCTAssertTrue(error.contains("not supported here yet"), "\(row.name): \(error)", file: file, line: line)
        XCTAssertTrue(error.contains("docs/compat.md#\(anchor ?? "")"), "\(row.name): \(error)", file: file, line: line)
        XCTAssertFalse(error.contains("undefined:"), "\(row.name): \(error)", file: file, line: line)
        XCTAssertFalse(error.contains("unexpected keyword argument"), "\(row.name): \(error)", file: file, line: line)
        XCTAssertEqual(error.split(separator: "\n").count, 1, "\(row.name): one line: \(error)", file: file, line: line)
    }

    func testTheTableIsComplete() throws {
        let rows = try Self.rows()
        let names = Set(rows.map(\.name))
        XCTAssertGreaterThan(rows.count, 250)
        XCTAssertEqual(rows.count, names.count, "duplicate rows")
        for row in rows {
            XCTAssertTrue(["implemented", "not supported yet", "different"].contains(row.status), "\(row.name): status \(row.status)")
            XCTAssertTrue(["builtin", "stmt", "kw", "attr", "method", "proto", "stdlib", "cmd", "flag"].contains(row.kind), row.name)
        }
        // Every refusal this build has is listed as not supported, and its anchor exists.
        let notSupported = Set(rows.filter { $0.status == "not supported yet" }.map(\.name))
        let headings = Set(try Self.document().split(separator: "\n").filter { $0.hasPrefix("#") }.map { line in
            line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
                .replacingOccurrences(of: " ", with: "-").filter { $0.isLetter || $0.isNumber || $0 == "-" }
        })
        var anchors: Set<String> = ["protocols", "standard-library", "cli"]
        for (name, feature) in ReferenceOnly.builtins {
            XCTAssertTrue(notSupported.contains("builtin:\(name)"), "ReferenceOnly.builtins has \(name) but compat.md has no such row")
            anchors.insert(feature.anchor)
        }
        for (fn, table) in ReferenceOnly.keywords {
            for (kw, feature) in table {
                XCTAssertTrue(notSupported.contains("kw:\(fn).\(kw)"), "ReferenceOnly.keywords has \(fn).\(kw) but compat.md has no such row")
                anchors.insert(feature.anchor)
            }
        }
        for (attr, feature) in ReferenceOnly.interfaceAttributes {
            XCTAssertTrue(notSupported.contains("attr:interface.\(attr)"), attr)
            anchors.insert(feature.anchor)
        }
        for proto in ReferenceProtocols.descriptions.keys {
            XCTAssertTrue(notSupported.contains("proto:\(proto)"), proto)
        }
        for anchor in anchors {
            XCTAssertTrue(headings.contains(anchor), "docs/compat.md has no section #\(anchor)")
        }
        // The builtins of the spec language are all in the table, one way or the other.
        for name in SpecBuiltins.names {
            XCTAssertTrue(names.contains("builtin:\(name)"), "builtin \(name) of this build is not in docs/compat.md")
        }
    }

    func testBuiltinRows() throws {
        for row in try Self.rows() where row.kind == "builtin" {
            if row.usable {
                // Named in a function body: resolves, and is not refused.
                guard let error = try loadError("def _probe():\n    return \(row.subject)\n") else { continue }
                XCTFail("\(row.name) is marked \(row.status) but a spec naming it does not load: \(error)")
            } else {
                // Refused at load even where it would only run in a test, at the use.
                let error = try loadError("def test_probe():\n    \(row.subject)()\n")
                checkRefusal(error, names: row.subject, row)
                XCTAssertTrue(error?.hasPrefix("spec.star:2:5: \(row.subject):") == true, "\(row.name): \(error ?? "")")
                // And at the top level.
                checkRefusal(try loadError("x = 1\nv = \(row.subject)(1, k = 2)\n"), names: row.subject, row)
            }
        }
    }

    func testALocalOrGlobalOfTheSameNameIsNotAUse() throws {
        XCTAssertNil(try loadError("""
            def error(msg):
                return msg
            def test_probe(parallel = None):
                drop = [1]
                return error(parallel) or drop
            """))
        XCTAssertNil(try loadError("load(\"helpers.star\", \"response\")\nx = response\n",
                                   files: ["helpers.star": "def response():\n    return 1\n"]))
    }

    func testLoadStatementRow() throws {
        let rows = try Self.rows().filter { $0.kind == "stmt" }
        XCTAssertEqual(rows.map(\.name), ["stmt:load"])
        XCTAssertNil(try loadError("load(\"lib.star\", \"x\")\ny = x + 1\n", files: ["lib.star": "x = 1\n"]))
    }

    func testKeywordRows() throws {
        for row in try Self.rows() where row.kind == "kw" {
            let parts = row.subject.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { XCTFail("bad row \(row.name)"); continue }
            let (fn, kw) = (parts[0], parts[1])
            // Any other complaint (missing arguments, types) is fine: the keyword itself bound.
            let error = try loadError("x = \(fn)(\(kw) = None)\n")
            if row.usable {
                guard let error else { continue }
                XCTAssertFalse(error.contains("unexpected keyword argument \(kw)"), "\(row.name): \(error)")
                XCTAssertFalse(error.contains("undefined:"), "\(row.name): \(error)")
                XCTAssertFalse(error.contains("not supported here yet"), "\(row.name): \(error)")
            } else {
                checkRefusal(error, names: "\(fn): \(kw)=", row)
            }
        }
    }

    func testAttributeRows() throws {
        for row in try Self.rows() where row.kind == "attr" {
            let parts = row.subject.split(separator: ".").map(String.init)
            let owner = parts[0] == "service" ? "s" : "s.m"
            let error = try loadError("""
                s = service("s", "/bin/true", interface("m", "tcp", 4321))
                v = \(owner).\(parts[1])
                """)
            if row.usable {
                XCTAssertNil(error, row.name)
            } else {
                checkRefusal(error, names: parts[1], row)
            }
        }
        XCTAssertNil(try loadError("""
            s = service("s", "/bin/true", interface("m", "tcp", 4321))
            if s.m.internal_addr != s.m.addr or s.internal_addr != "localhost:4321":
                fail("internal_addr")
            """))
    }

    /// `match.*` is a namespace here as there. The trace API and `client.call` exist only
    /// inside a temporal predicate or on a client: the spec that reaches one is refused at
    /// load, naming the builtin it goes through.
    func testMethodRows() throws {
        let rows = try Self.rows().filter { $0.kind == "method" }
        XCTAssertEqual(rows.filter(\.usable).map(\.name), ["method:match.event", "method:match.any", "method:match.all", "method:match.never"])
        for row in rows {
            let parts = row.subject.split(separator: ".").map(String.init)
            guard parts.count == 2 else { XCTFail("bad row \(row.name)"); continue }
            if row.usable {
                XCTAssertNil(try loadError("m = \(row.subject)\n"), row.name)
                continue
            }
            let (entry, use): (String, String)
            switch parts[0] {
            case "trace": (entry, use) = ("eventually", "eventually(lambda t: t.\(parts[1])())")
            case "event": (entry, use) = ("always", "always(lambda t: t.last().\(parts[1])(t.first()))")
            case "events": (entry, use) = ("await_event", "await_event(lambda t: t.events().\(parts[1])(len))")
            case "client": (entry, use) = ("client", "client(\"api\").\(parts[1])(\"op\")")
            default: XCTFail("no entry point for \(row.name)"); continue
            }
            let error = try loadError("def test_probe():\n    \(use)\n")
            checkRefusal(error, names: entry, row)
            XCTAssertTrue(error?.hasPrefix("spec.star:2:5: \(entry):") == true, "\(row.name): \(error ?? "")")
        }
    }

    func testProtocolRows() throws {
        for row in try Self.rows() where row.kind == "proto" {
            let error = try loadError("s = service(\"s\", \"/bin/true\", interface(\"m\", \"\(row.subject)\", 4321))\n")
            if row.usable {
                XCTAssertNil(error, row.name)
            } else {
                checkRefusal(error?.components(separatedBy: "\n").first, names: "\"\(row.subject)\"", anchor: "protocols", row)
                XCTAssertTrue(error?.contains("spec.star:1:31: interface \"m\" of service \"s\": unknown protocol") == true, error ?? "")
            }
        }
    }

    func testStandardLibraryRows() throws {
        for row in try Self.rows() where row.kind == "stdlib" {
            let error = try loadError("load(\"\(row.subject)\", \"x\")\n")
            checkRefusal(error, names: row.subject, anchor: "standard-library", row)
            XCTAssertTrue(error?.hasPrefix("spec.star:1:") == true, error ?? "")
        }
    }

    func testBinaryByKeywordAfterTheInterfaces() throws {
        try """
            api = service("api", interface("http", "http", 4322), interface("admin", "tcp", 4323),
                binary = "/bin/true", env = {"A": "1"})
            """.write(toFile: dir + "/spec.star", atomically: true, encoding: .utf8)
        let plan = try loadSpec(path: "spec.star", options: Fixtures.options(dir)).plan
        XCTAssertEqual(plan.services.first?.binary, "/bin/true")
        XCTAssertEqual(plan.services.first?.interfaces.map(\.name), ["http", "admin"])
        let error = try loadError("s = service(\"s\", interface(\"m\", \"tcp\", 1), 42, binary = \"/bin/true\")\n")
        XCTAssertTrue(error?.contains("service: for parameter interfaces: got int, want interface(...) (argument 3;") == true, error ?? "")
    }

    func testReferenceSpellingsAndPercentages() throws {
        XCTAssertNil(try loadError("""
            assert_true(True, message = "fine")
            assert_eq(1, 1, message = "fine")
            s = service("s", "/bin/true", interface("m", "tcp", 4321))
            a = fault_assumption("a", target = s, write = deny("EIO", probability = "10%"), fsync = delay("1ms", probability = 0.5))
            """))
        let error = try loadError("assert_true(False, message = \"the reason\")\n")
        XCTAssertTrue(error?.contains("assert_true: the reason") == true, error ?? "")
        let bad = try loadError("x = deny(\"EIO\", probability = \"often\")\n")
        XCTAssertTrue(bad?.contains("deny: for parameter probability: got string \"often\", want a number from 0.0 to 1.0 or a percentage such as \"50%\"") == true, bad ?? "")
    }
}
