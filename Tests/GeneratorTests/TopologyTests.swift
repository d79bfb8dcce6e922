@testable import Generator
import XCTest

/// Dependency detection and naming beyond the seed's two services.
final class TopologyTests: XCTestCase {
    func testChainGivesDistinctNamesAndOnePartitionPerEdge() throws {
        let files = try Fixtures.generate(Fixtures.chain)
        XCTAssertEqual(files.count, 1)
        Golden.check(files[0].text, "chain-checkout.faults.star")
        let model = files[0].model
        let names = model.generatedDefinitions.map(\.name)
        XCTAssertEqual(Set(names).count, names.count, "names must be unique: \(names)")
        XCTAssertEqual(model.partitions.map(\.name),
                       ["test_checkout_db_partition", "test_checkout_api_partition"])
        XCTAssertTrue(names.contains("db_disk_full") && names.contains("api_disk_full"))
        XCTAssertTrue(files[0].text.contains("partition(api, db, run=checkout)"))
        XCTAssertTrue(files[0].text.contains("partition(web, api, run=checkout)"))
        let summary = FaultGenerator.dryRunSummary(try FaultGenerator.proposals(for: Fixtures.chain),
                                                   input: Fixtures.chain)
        XCTAssertEqual(summary, """
            checkout × api: 7 mutations
            checkout × web: 4 mutations
            checkout × db: 3 mutations
            Total: 14 mutations

            """)
    }

    func testEnvOnlyWiringIsDetected() throws {
        let input = GeneratorInput(
            specPath: Fixtures.spec,
            services: [
                Fixtures.service("db", port: 5432),
                Fixtures.service("cache", port: 6379),
                Fixtures.service("api", port: 8080, proto: "http", iface: "public",
                                 env: [("PORT", "8080"), ("DATABASE_URL", "postgres://127.0.0.1:5432/app"),
                                       ("CACHE_PORT", "6379"), ("UNRELATED", "localhost:54321")]),
            ],
            scenarios: [Fixtures.scenario("order_flow")])
        let edges = try DependencyAnalysis.edges(of: input)
        XCTAssertEqual(edges.map { [$0.consumer, $0.dependency] }, [[2, 0], [2, 1]])
        XCTAssertEqual(edges[0].reasons, [.env(key: "DATABASE_URL", interface: "main")])
        let text = try Fixtures.generate(input)[0].text
        XCTAssertTrue(text.contains("db_down = fault_assumption(\"db_down\",\n    target = api,"))
        XCTAssertTrue(text.contains("cache_disk_full = fault_assumption"))
    }

    func testSeedEnvAloneGivesTheSameFileAsDependsOn() throws {
        var envOnly = Fixtures.seed
        envOnly.services[1].dependsOn = []
        XCTAssertEqual(try Fixtures.generate(envOnly)[0].text, try Fixtures.generate(Fixtures.seed)[0].text)
    }

    func testServiceVariableDiffersFromItsName() throws {
        let input = GeneratorInput(
            specPath: Fixtures.spec,
            services: [
                Fixtures.service("orders-db", variable: "database", port: 5432),
                Fixtures.service("orders-api", variable: "frontend", port: 8080, proto: "http",
                                 iface: "public", dependsOn: ["orders-db"]),
            ],
            scenarios: [Fixtures.scenario("order_flow")])
        let text = try Fixtures.generate(input)[0].text
        XCTAssertTrue(text.contains("load(\"scenario-test.star\", \"database\", \"frontend\", \"order_flow\")"))
        XCTAssertTrue(text.contains("database_down = fault_assumption(\"database_down\",\n    target = frontend,"))
        XCTAssertTrue(text.contains("partition(frontend, database, run=order_flow)"))
        XCTAssertFalse(text.contains("orders-"))
        // The dry run speaks in service names, as faultbox test reports do.
        let summary = FaultGenerator.dryRunSummary(try FaultGenerator.proposals(for: input), input: input)
        XCTAssertTrue(summary.hasPrefix("order_flow × orders-api: 4 mutations\n"))
    }

    func testUnboundServiceIsAClearError() throws {
        var input = Fixtures.seed
        input.services[0].variable = nil
        XCTAssertThrowsError(try Fixtures.generate(input)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("/specs/scenario-test.star:4:6: service \"db\" is not bound"), text)
            XCTAssertTrue(text.contains("db = service(\"db\", ...)"), text)
        }
    }

    func testTwoScenariosGiveTwoFiles() throws {
        var input = Fixtures.seed
        input.scenarios.append(Fixtures.scenario("health_check"))
        let files = try Fixtures.generate(input)
        XCTAssertEqual(files.map(\.fileName), ["order_flow.faults.star", "health_check.faults.star"])
        XCTAssertTrue(files[1].text.contains("load(\"scenario-test.star\", \"api\", \"db\", \"health_check\")"))
        XCTAssertTrue(files[1].text.contains("def test_health_check_db_partition():"))
        let summary = FaultGenerator.dryRunSummary(try FaultGenerator.proposals(for: input), input: input)
        XCTAssertTrue(summary.hasSuffix("health_check × db: 3 mutations\nTotal: 14 mutations\n"), summary)
    }

    func testSeveralConsumersOfOneDependencyArePrefixed() throws {
        let input = GeneratorInput(
            specPath: Fixtures.spec,
            services: [
                Fixtures.service("db", port: 5432),
                Fixtures.service("api", port: 8080, dependsOn: ["db"]),
                Fixtures.service("worker", port: 9090, dependsOn: ["db"]),
            ],
            scenarios: [Fixtures.scenario("s")])
        let names = try Fixtures.generate(input)[0].model.generatedDefinitions.map(\.name)
        XCTAssertEqual(names, [
            "api_db_down", "api_db_slow", "api_db_connection_reset",
            "worker_db_down", "worker_db_slow", "worker_db_connection_reset",
            "disk_io_error", "disk_full", "fsync_failure",
            "test_s_api_db_partition", "test_s_worker_db_partition",
        ])
    }

    func testScenariosAndServicesFromOtherFilesAreLoadedFromThere() throws {
        var input = Fixtures.seed
        input.services[0].definedIn = "/specs/topology/services.star"
        input.services[1].definedIn = "/specs/topology/services.star"
        input.scenarios = [Fixtures.scenario("order_flow", file: "/specs/scenario-test.star")]
        let text = try Fixtures.generate(input, outputDirectory: "/out/gen")[0].text
        XCTAssertTrue(text.contains("""
            load("../../specs/scenario-test.star", "order_flow")
            load("../../specs/topology/services.star", "api", "db")
            """), text)
    }

    func testFiltersSelectByServiceAndCategory() throws {
        let onlyDisk = try FaultGenerator.proposals(for: Fixtures.seed, selection: Selection(category: .disk))
        XCTAssertEqual(onlyDisk[0].assumptions.map(\.name), ["disk_io_error", "disk_full", "fsync_failure"])
        XCTAssertTrue(onlyDisk[0].partitions.isEmpty)
        let text = try FaultGenerator.files(for: onlyDisk, input: Fixtures.seed, outputDirectory: "/specs")[0].text
        XCTAssertFalse(text.contains("# network faults"))
        XCTAssertFalse(text.contains("# --- Network Partitions ---"))
        XCTAssertTrue(text.contains("load(\"scenario-test.star\", \"db\", \"order_flow\")"))

        let onApi = try FaultGenerator.proposals(for: Fixtures.seed, selection: Selection(service: "api"))
        XCTAssertEqual(onApi[0].assumptions.count + onApi[0].partitions.count, 4)

        XCTAssertThrowsError(try FaultGenerator.proposals(
            for: Fixtures.seed, selection: Selection(service: "db", category: .network))) { error in
            XCTAssertTrue("\(error)".contains("--service db --category network selects none"), "\(error)")
        }
        XCTAssertThrowsError(try FaultGenerator.proposals(
            for: Fixtures.seed, selection: Selection(service: "dbb"))) { error in
            XCTAssertTrue("\(error)".contains("did you mean db?"), "\(error)")
        }
        XCTAssertThrowsError(try FaultGenerator.proposals(
            for: Fixtures.seed, selection: Selection(scenario: "order_flw"))) { error in
            XCTAssertTrue("\(error)".contains("did you mean order_flow?"), "\(error)")
        }
        // The same rule as the resolver's: case is no typo distance.
        XCTAssertThrowsError(try FaultGenerator.proposals(
            for: Fixtures.seed, selection: Selection(scenario: "ORDER_FLOW"))) { error in
            XCTAssertTrue("\(error)".contains("did you mean order_flow?"), "\(error)")
        }
    }

    func testNoScenarioSaysHowToRegisterOne() {
        var input = Fixtures.seed
        input.scenarios = []
        XCTAssertThrowsError(try FaultGenerator.proposals(for: input)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("scenario-test.star registers no scenario"), text)
            XCTAssertTrue(text.contains("scenario(order_flow)"), text)
        }
    }

    func testNoDependencyIsExplained() {
        var input = Fixtures.seed
        input.services[1].dependsOn = []
        input.services[1].env = []
        XCTAssertThrowsError(try FaultGenerator.proposals(for: input)) { error in
            XCTAssertTrue("\(error)".contains("depends_on = [db]"), "\(error)")
        }
    }

    func testSHA256KnownAnswers() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testRelativeLoadPaths() {
        XCTAssertEqual(PathUtil.relative(from: "/a/b", to: "/a/b/spec.star"), "spec.star")
        XCTAssertEqual(PathUtil.relative(from: "/a/b/out", to: "/a/b/spec.star"), "../spec.star")
        XCTAssertEqual(PathUtil.relative(from: "/x", to: "/a/spec.star"), "../a/spec.star")
    }
}
