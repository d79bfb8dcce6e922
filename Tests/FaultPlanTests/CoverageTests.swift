import FaultPlan
import SpecLowering
import XCTest

/// `faultbox compile --coverage`: which depends_on edges a fault test targets.
final class CoverageTests: XCTestCase {
    func coverage(_ spec: String) throws -> EdgeCoverage {
        let dir = try Fixtures.tempDirectory(self)
        try spec.write(toFile: dir + "/c.star", atomically: true, encoding: .utf8)
        let plan = try loadSpec(path: "c.star", options: Fixtures.options(dir)).plan
        return EdgeCoverage.analyze(plan, vocabulary: TestVocabulary.vocabulary)
    }

    let topology = """
        db = service("db", "bin/mock-db", interface("main", "tcp", 5432))
        cache = service("cache", "bin/mock-db", interface("main", "tcp", 6379))
        api = service("api", "bin/mock-api", interface("public", "http", 8080), depends_on = [db, cache])
        worker = service("worker", "bin/mock-api", interface("public", "http", 8081), depends_on = [db])
        def flow():
            return api.get(path = "/")

        """

    func testEachWayOfTargetingAnEdge() throws {
        let c = try coverage(topology + """
            db_down = fault_assumption("db_down", target = api, connect = deny("ECONNREFUSED"))
            disk = fault_assumption("disk", target = db, fsync = deny("EIO"))
            fault_matrix(scenarios = [flow], faults = [db_down, disk])
            def test_cut():
                partition(worker, db, run = flow)
            def test_cache_reads():
                fault(api, recvfrom = delay("10ms"), run = flow)
            def test_unrelated():
                fault(api, mkdir = deny("EACCES"), run = flow)
            """)
        XCTAssertEqual(c.edges.map { "\($0.consumer)->\($0.dependency)" }, ["api->db", "api->cache", "worker->db"])
        let byEdge = Dictionary(uniqueKeysWithValues: c.edges.map { ("\($0.consumer)->\($0.dependency)", $0.targets) })
        XCTAssertEqual(byEdge["api->db"]?.map(\.test), ["test_matrix_flow_db_down", "test_matrix_flow_disk", "test_cache_reads"])
        XCTAssertEqual(byEdge["api->db"]?.first?.how, "assumption db_down: connect on api, network")
        XCTAssertEqual(byEdge["api->db"]?[1].how, "assumption disk: fsync on db, disk")
        // A fault on the consumer's network reaches every dependency.
        XCTAssertEqual(byEdge["api->cache"]?.map(\.test), ["test_matrix_flow_db_down", "test_cache_reads"])
        XCTAssertEqual(byEdge["worker->db"]?.map(\.test), ["test_matrix_flow_disk", "test_cut"])
        XCTAssertTrue(byEdge["worker->db"]?[1].how.hasPrefix("partition(worker, db) at c.star:") == true)
        XCTAssertEqual(c.coveredCount, 3)
    }

    func testUncoveredEdgesAndTheSummary() throws {
        let c = try coverage(topology + """
            def test_smoke():
                flow()
            def test_only_cache_disk():
                fault(cache, write = deny("ENOSPC"), run = flow)
            """)
        XCTAssertEqual(CoverageDump.text(c), """
            depends_on edges and the fault tests that target them:
              NOT COVERED  api -> db     no fault test targets this edge
              covered      api -> cache  1 test
                  test_only_cache_disk  (fault(cache, write=...) at c.star:10:10, disk)
              NOT COVERED  worker -> db  no fault test targets this edge
            coverage: 1 of 3 edges targeted by a fault test; not targeted: api -> db, worker -> db

            """)
        let json = CoverageDump.json(c, specPath: "c.star").render()
        XCTAssertTrue(json.contains("\"summary\": {\"edges\": 3, \"covered\": 1, \"not_covered\": 2}"), json)
        XCTAssertTrue(json.contains("\"consumer\": \"worker\""), json)
    }

    func testNoEdges() throws {
        let c = try coverage("db = service(\"db\", \"bin/mock-db\", interface(\"main\", \"tcp\", 5432))\n")
        XCTAssertEqual(CoverageDump.text(c), "coverage: the spec declares no depends_on edges (nothing to cover)\n")
    }
}
