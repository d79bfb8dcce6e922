import FaultPlan
import SpecLowering
import XCTest

/// `load()` for specs: relative to the loading file, each file once, cycles named.
final class LoaderTests: XCTestCase {
    func write(_ files: [String: String]) throws -> String {
        let dir = try Fixtures.tempDirectory(self)
        for (name, text) in files {
            let path = dir + "/" + name
            if let slash = path.lastIndex(of: "/") {
                try FileManager.default.createDirectory(atPath: String(path[..<slash]), withIntermediateDirectories: true)
            }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return dir
    }

    func testLoadIsRelativeToTheLoadingFileAndRunsEachFileOnce() throws {
        let dir = try write([
            "specs/root.star": """
                load("lib/topology.star", "db")
                load("lib/scenarios.star", "flow")
                a = fault_assumption("a", target = db, write = deny("EIO"))
                fault_matrix(scenarios = [flow], faults = [a])
                """,
            "specs/lib/topology.star": """
                db = service("db", "bin/mock-db", interface("main", "tcp", 5432))
                """,
            // Loads topology.star again, relative to lib/: it must not run twice
            // (a second run would declare "db" twice).
            "specs/lib/scenarios.star": """
                load("topology.star", "db")
                def flow():
                    return db.main.addr
                scenario(flow)
                """,
        ])
        let plan = try loadSpec(path: "specs/root.star", options: Fixtures.options(dir)).plan
        XCTAssertEqual(plan.services.map(\.name), ["db"])
        XCTAssertEqual(plan.tests.map(\.name), ["test_flow", "test_matrix_flow_a"])
        XCTAssertEqual(plan.files, [dir + "/specs/root.star", dir + "/specs/lib/topology.star", dir + "/specs/lib/scenarios.star"])
        XCTAssertEqual(plan.services[0].definedIn, dir + "/specs/lib/topology.star")
        XCTAssertEqual(plan.services[0].variable, "db")
        XCTAssertEqual(plan.scenarios.first?.callable.position.file, "specs/lib/scenarios.star")
    }

    func testLoadCycleIsNamed() throws {
        let dir = try write([
            "a.star": "load(\"b.star\", \"x\")\n",
            "b.star": "load(\"a.star\", \"y\")\nx = 1\n",
        ])
        XCTAssertThrowsError(try loadSpec(path: "a.star", options: Fixtures.options(dir))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cycle in load graph: a.star -> b.star -> a.star"), text)
            XCTAssertTrue(text.hasPrefix("a.star:1:"), text)
        }
    }

    func testMissingLoadedFileAndUnknownName() throws {
        let dir = try write(["a.star": "load(\"nope.star\", \"x\")\n", "b.star": "load(\"c.star\", \"flwo\")\n",
                             "c.star": "def flow():\n    pass\n"])
        XCTAssertThrowsError(try loadSpec(path: "a.star", options: Fixtures.options(dir))) { error in
            XCTAssertTrue("\(error)".contains("cannot read spec file nope.star"), "\(error)")
        }
        XCTAssertThrowsError(try loadSpec(path: "b.star", options: Fixtures.options(dir))) { error in
            XCTAssertTrue("\(error)".contains("name flwo not found in module c.star"), "\(error)")
        }
    }

    func testSyntaxErrorsCarryTheirPosition() throws {
        let dir = try write(["a.star": "db = service(\"db\",\n  \"x\"\n  interface()\n"])
        XCTAssertThrowsError(try loadSpec(path: "a.star", options: Fixtures.options(dir))) { error in
            let e = error as? SpecErrors
            XCTAssertEqual(e?.starlarkDiagnostics.first?.position.file, "a.star")
            XCTAssertEqual(e?.starlarkDiagnostics.first?.position.line, 3)
        }
    }

    func testTestsComeInDeclarationOrderAcrossKinds() throws {
        let dir = try write(["t.star": """
            db = service("db", "bin/mock-db", interface("main", "tcp", 5432))
            a = fault_assumption("a", target = db, write = deny("EIO"))
            def test_first():
                pass
            def flow():
                pass
            scenario(flow)
            def test_middle():
                pass
            fault_scenario("custom", scenario = flow, faults = [a])
            fault_matrix(scenarios = [flow], faults = [a])
            def test_last():
                pass
            """])
        let plan = try loadSpec(path: "t.star", options: Fixtures.options(dir)).plan
        XCTAssertEqual(plan.tests.map(\.name), ["test_first", "test_flow", "test_middle", "test_custom",
                                                "test_matrix_flow_a", "test_last"])
    }
}
