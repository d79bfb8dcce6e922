import Foundation
import XCTest

/// `faultbox init`: the starter spec compiles and, on the demo services, its happy path
/// passes; files are not overwritten by accident; bad flags name the flag. Ports 27xxx keep
/// the runs apart from other suites.
final class InitCommandTests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws { harness = try FaultboxHarness.make() }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }

    func testTCPStarterPassesOnMockDB() throws {
        let r = try harness.run(["init", "--protocol", "tcp", "--port", "27432", "bin/mock-db"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stderr.contains("faultbox init: wrote faultbox.star: service mock-db (tcp port 27432) and the test test_happy_path"), r.all)
        let spec = try String(contentsOfFile: harness.path("faultbox.star"), encoding: .utf8)
        XCTAssertTrue(spec.contains("mock_db = service(\"mock-db\", \"bin/mock-db\","), spec)
        XCTAssertTrue(spec.contains("healthcheck = tcp(\"localhost:27432\")"), spec)
        XCTAssertTrue(spec.contains("mock_db.main.send(data = \"PING\")"), spec)
        XCTAssertTrue(spec.contains("scenario(happy_path)"), spec)

        let compiled = try harness.run(["compile", "--emit", "cells", "faultbox.star"])
        XCTAssertEqual(compiled.status, 0, compiled.all)
        XCTAssertTrue(compiled.stdout.contains("test_happy_path"), compiled.all)

        // With no spec named, faultbox test takes faultbox.star.
        let tested = try harness.run(["test"])
        XCTAssertEqual(tested.status, 0, tested.all)
        XCTAssertTrue(tested.stdout.contains("--- PASS: test_happy_path"), tested.all)
        XCTAssertEqual(tested.stdout.split(separator: "\n").last.map(String.init), "1 passed, 0 failed", tested.all)
    }

    func testHTTPStarterPassesOnMockAPI() throws {
        let r = try harness.run(["init", "--name", "api", "--port", "27080", "--output", "api.star", "bin/mock-api"])
        XCTAssertEqual(r.status, 0, r.all)
        let spec = try String(contentsOfFile: harness.path("api.star"), encoding: .utf8)
        XCTAssertTrue(spec.contains("api = service(\"api\", \"bin/mock-api\","), spec)
        XCTAssertTrue(spec.contains("interface(\"public\", \"http\", 27080)"), spec)
        XCTAssertTrue(spec.contains("healthcheck = http(\"localhost:27080/health\")"), spec)
        XCTAssertTrue(spec.contains("resp = api.public.get(path = \"/health\")"), spec)
        XCTAssertTrue(spec.contains("assert_eq(resp.status, 200"), spec)
        let tested = try harness.run(["test", "api.star"])
        XCTAssertEqual(tested.status, 0, tested.all)
        XCTAssertEqual(tested.stdout.split(separator: "\n").last.map(String.init), "1 passed, 0 failed", tested.all)
    }

    func testDefaultsAndStandardOutput() throws {
        let http = try harness.run(["init", "--output", "-", "./build/order-svc"])
        XCTAssertEqual(http.status, 0, http.all)
        XCTAssertTrue(http.stdout.contains("order_svc = service(\"order-svc\", \"./build/order-svc\","), http.stdout)
        XCTAssertTrue(http.stdout.contains("interface(\"public\", \"http\", 8080)"), http.stdout)
        XCTAssertTrue(http.stdout.contains("env = {\"PORT\": \"8080\"}"), http.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.path("faultbox.star")))
        let tcp = try harness.run(["init", "--protocol", "tcp", "--output", "-", "db"])
        XCTAssertTrue(tcp.stdout.contains("db = service(\"db\", \"db\","), tcp.stdout)
        XCTAssertTrue(tcp.stdout.contains("interface(\"main\", \"tcp\", 5432)"), tcp.stdout)
        // A name that is also a builtin gets a variable that does not shadow it.
        let shadow = try harness.run(["init", "--name", "http", "--output", "-", "bin/mock-api"])
        XCTAssertTrue(shadow.stdout.contains("http_svc = service(\"http\", \"bin/mock-api\","), shadow.stdout)
        XCTAssertTrue(shadow.stdout.contains("healthcheck = http(\"localhost:8080/health\")"), shadow.stdout)
    }

    func testExistingFileIsKeptWithoutForce() throws {
        try harness.write("faultbox.star", "# mine\n")
        let r = try harness.run(["init", "bin/mock-api"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("faultbox init: faultbox.star already exists; pass --force to overwrite it"), r.all)
        XCTAssertEqual(try String(contentsOfFile: harness.path("faultbox.star"), encoding: .utf8), "# mine\n")
        let forced = try harness.run(["init", "--force", "bin/mock-api"])
        XCTAssertEqual(forced.status, 0, forced.all)
        XCTAssertTrue(try String(contentsOfFile: harness.path("faultbox.star"), encoding: .utf8).contains("scenario(happy_path)"))
    }

    func testBadFlagsNameTheFlag() throws {
        for (args, expected) in [
            (["init"], "faultbox init: missing BINARY; usage: faultbox init"),
            (["init", "--protocol", "udp", "x"], "faultbox init: --protocol udp: expected http or tcp"),
            (["init", "--port", "0", "x"], "faultbox init: --port 0: expected a TCP port number from 1 to 65535"),
            (["init", "--port", "http", "x"], "faultbox init: --port http: expected a TCP port number"),
            (["init", "--name", "9lives", "x"], "faultbox init: --name 9lives: expected letters, digits"),
            (["init", "--output", "", "x"], "faultbox init: --output: expected a file name"),
            (["init", "--from-compose", "x"], "faultbox init: --from-compose generates a spec from a docker-compose file"),
        ] {
            let r = try harness.run(args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.all)")
            XCTAssertTrue(r.stderr.contains(expected), "\(args): \(r.stderr)")
            XCTAssertFalse(r.all.contains("Fatal error"), r.all)
        }
    }
}
