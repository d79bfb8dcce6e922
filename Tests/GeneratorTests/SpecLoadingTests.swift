import FaultPlan
import Generator
import SpecLowering
import XCTest

/// Real specs through the real Starlark interpreter and lowering: the generator's input
/// comes from `loadSpec`, and every generated file must itself load and compile.
final class SpecLoadingTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "faultbox-genspec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/spec", withIntermediateDirectories: true)
        dir = try XCTUnwrap(URL(fileURLWithPath: dir).resolvingSymlinksInPath().path)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// The syscall families and errnos the generated files use (the real tables live in
    /// the injector, which this test target does not link).
    static let vocabulary = SyscallVocabulary(
        expand: { name in
            ["write": ["write", "writev", "pwrite64", "pwritev", "pwritev2"],
             "read": ["read", "readv", "pread64", "preadv", "preadv2"],
             "fsync": ["fsync", "fdatasync"], "connect": ["connect"]][name]
        },
        errnoValue: { ["ECONNREFUSED": 111, "ECONNRESET": 104, "EIO": 5, "ENOSPC": 28][$0] },
        errnoNames: ["ECONNREFUSED", "ECONNRESET", "EIO", "ENOSPC"],
        syscallNames: ["connect", "read", "write", "fsync"])

    static let seedSpec = """
        BIN = "bin"
        db = service("db", BIN + "/mock-db",
            interface("main", "tcp", 5432),
            healthcheck = tcp("localhost:5432"),
        )
        api = service("api", BIN + "/mock-api",
            interface("public", "http", 8080),
            env = {"PORT": "8080", "DB_ADDR": db.main.addr},
            depends_on = [db],
            healthcheck = http("localhost:8080/health"),
        )
        def order_flow():
            \"\"\"Write data through the API, read it back.\"\"\"
            api.post(path="/data/mykey", body="myvalue")
            return api.get(path="/data/mykey")
        scenario(order_flow)

        """

    private func load(_ path: String) throws -> FaultPlan {
        do {
            return try loadSpec(path: path, options: SpecOptions(vocabulary: Self.vocabulary, workingDirectory: dir))
                .plan
        } catch {
            XCTFail("\(path) does not load:\n\(error.description)")
            throw error
        }
    }

    /// spec text -> loadSpec -> generate -> write -> each generated file through loadSpec.
    private func generate(_ spec: String, outputDirectory: String? = nil,
                          selection: Selection = Selection()) throws -> (GeneratorInput, [GeneratedFile], [FaultPlan]) {
        let specPath = dir + "/spec/spec.star"
        try spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        let input = try GeneratorInput(plan: try load(specPath)) { $0.hasPrefix("/") ? $0 : self.dir + "/" + $0 }
        let out = outputDirectory ?? dir + "/spec"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let files = try FaultGenerator.files(
            for: try FaultGenerator.proposals(for: input, selection: selection), input: input, outputDirectory: out)
        _ = try GeneratedFileWriter.write(files, force: false)
        return (input, files, try files.map { try load($0.path) })
    }

    func testSeedSpecGeneratesTheGoldenFileWhichCompilesInto6Cells() throws {
        let (input, files, plans) = try generate(Self.seedSpec)
        XCTAssertEqual(input.services.map(\.variable), ["db", "api"])
        XCTAssertEqual(Fixtures.body(files[0].text), SeedTests.seedBody.replacingOccurrences(
            of: "load(\"scenario-test.star\"", with: "load(\"spec.star\""))
        XCTAssertEqual(plans[0].cellCount, 6)
        XCTAssertEqual(plans[0].matrices.first?.cells, [
            "test_matrix_order_flow_db_down", "test_matrix_order_flow_db_slow",
            "test_matrix_order_flow_db_connection_reset", "test_matrix_order_flow_disk_io_error",
            "test_matrix_order_flow_disk_full", "test_matrix_order_flow_fsync_failure",
        ])
        XCTAssertNotNil(plans[0].test(named: "test_order_flow_db_partition"))
        XCTAssertEqual(FaultGenerator.dryRunSummary(try FaultGenerator.proposals(for: input), input: input),
                       "order_flow × api: 4 mutations\norder_flow × db: 3 mutations\nTotal: 7 mutations\n")
    }

    func testVariableNamesDifferentFromServiceNamesAndEnvOnlyWiring() throws {
        let spec = """
            database = service("orders-db", "bin/mock-db", interface("main", "tcp", 5432))
            frontend = service("orders-api", "bin/mock-api", interface("public", "http", 8080),
                env = {"DB_ADDR": database.main.addr})
            def order_flow():
                return frontend.get(path="/")
            scenario(order_flow)
            """
        let (_, files, plans) = try generate(spec)
        XCTAssertTrue(files[0].text.contains("load(\"spec.star\", \"database\", \"frontend\", \"order_flow\")"))
        XCTAssertEqual(plans[0].cellCount, 6)
        XCTAssertEqual(plans[0].assumptions.first.map { ($0.name, $0.target) }.map { "\($0) \($1)" },
                       "database_down orders-api")
    }

    func testChainAndTwoScenariosAndAnotherOutputDirectory() throws {
        let spec = """
            db = service("db", "bin/mock-db", interface("main", "tcp", 5432))
            api = service("api", "bin/mock-api", interface("public", "http", 8080), depends_on = [db])
            web = service("web", "bin/mock-api", interface("public", "http", 3000),
                env = {"API_URL": "http://localhost:8080/v1"})
            def checkout():
                return web.get(path="/")
            def browse():
                return web.get(path="/items")
            scenario(checkout)
            scenario(browse)
            """
        let (_, files, plans) = try generate(spec, outputDirectory: dir + "/generated")
        XCTAssertEqual(files.map(\.fileName), ["checkout.faults.star", "browse.faults.star"])
        XCTAssertTrue(files[0].text.contains("load(\"../spec/spec.star\", "), files[0].text)
        for plan in plans {
            XCTAssertEqual(plan.cellCount, 12)
            XCTAssertEqual(plan.tests.filter { $0.name.hasSuffix("_partition") }.count, 2)
        }
        XCTAssertNotNil(plans[1].test(named: "test_browse_api_partition"))
    }

    func testCarriedOverFileStillCompiles() throws {
        let (_, files, _) = try generate(Self.seedSpec)
        var edited = files[0].text
        for (from, to) in RegenerationTests.curation { edited = edited.replacingOccurrences(of: from, with: to) }
        try edited.write(toFile: files[0].path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try GeneratedFileWriter.write(files, force: false))
        _ = try GeneratedFileWriter.write(files, force: true)
        let plan = try load(files[0].path)
        // db_connection_reset stays out; api_log_full is added; fsync_failure excluded.
        XCTAssertEqual(plan.cellCount, 5)
        XCTAssertNotNil(plan.test(named: "test_order_custom_failure"))
    }
}
