import Foundation
import Runner
import XCTest

/// `--shard K/N`: the assignment itself (no processes), then the real binary: compile
/// --shard, CI variables, and sharded runs whose JUnit reports add up to the full run.
final class ShardAssignmentTests: XCTestCase {
    /// 4 scenarios x 5 faults in two spec files, like a small real suite.
    let cells: [ShardCell] = ["a.faults.star", "b.faults.star"].flatMap { spec in
        ["order_flow", "health", "read", "write"].flatMap { s in
            ["db_down", "db_reset", "disk_io", "disk_full", "fsync"].map { ShardCell(specPath: "examples/" + spec, name: "test_matrix_\(s)_\($0)") }
        }
    }

    func testShardsOneToSevenAreDisjointCoverTheFullPlanAndBalanceByCount() {
        for total in 1...7 {
            let assigned = Sharding.assign(cells, total: total)
            var members: [[String]] = Array(repeating: [], count: total)
            for (cell, shard) in zip(cells, assigned) {
                XCTAssert((1...total).contains(shard), "N=\(total): shard \(shard)")
                members[shard - 1].append(cell.key)
            }
            let union = members.flatMap { $0 }
            XCTAssertEqual(union.count, Set(union).count, "N=\(total): a cell in two shards")
            XCTAssertEqual(Set(union), Set(cells.map(\.key)), "N=\(total)")
            let sizes = members.map(\.count)
            XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "N=\(total): \(sizes)")
        }
    }

    func testMembershipIgnoresSpecOrderAndDirectory() {
        let moved = cells.reversed().map { ShardCell(specPath: "/elsewhere/ci/checkout/" + $0.specPath.split(separator: "/").last!, name: $0.name) }
        for total in 2...7 {
            let a = Dictionary(uniqueKeysWithValues: zip(cells.map(\.key), Sharding.assign(cells, total: total)))
            let b = Dictionary(uniqueKeysWithValues: zip(moved.map(\.key), Sharding.assign(moved, total: total)))
            XCTAssertEqual(a, b, "N=\(total)")
        }
    }

    func testDurationsBalanceByTime() {
        // One slow cell (5 s, like db_slow) and nineteen quick ones: the slow cell gets a
        // shard nearly to itself instead of a count-balanced share.
        var durations: [String: Double] = [:]
        for (i, cell) in cells.prefix(20).enumerated() { durations[cell.key] = i == 7 ? 5000 : 50 }
        let subset = Array(cells.prefix(20))
        let assigned = Sharding.assign(subset, total: 2, durations: durations)
        let slowShard = assigned[7]
        let load = (1...2).map { s in zip(subset, assigned).filter { $0.1 == s }.reduce(0.0) { $0 + durations[$1.0.key]! } }
        XCTAssertEqual(zip(subset, assigned).filter { $0.1 == slowShard }.count, 1, "\(assigned)")
        XCTAssertEqual(load.max()!, 5000, "\(load)")
        // Unknown cells count as the mean; the result is still a partition.
        let partial = Sharding.assign(cells, total: 3, durations: durations)
        XCTAssertEqual(partial.count, cells.count)
    }

    func testShardFlagParsing() {
        XCTAssertEqual(try Shard.parse("2/4").get(), Shard(index: 2, total: 4))
        for bad in ["0/4", "5/4", "2", "2/0", "a/b", "-1/3", "1/4/5", ""] {
            guard case .failure(let error) = Shard.parse(bad) else { XCTFail(bad); continue }
            XCTAssertTrue(error.description.hasPrefix("--shard \(bad): expected K/N"), error.description)
        }
    }

    func testCIVariables() {
        XCTAssertEqual(CIShard.detect([:]), .none)
        guard case .shard(let gitlab, let note) = CIShard.detect(["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "4"]) else { return XCTFail() }
        XCTAssertEqual(gitlab, Shard(index: 2, total: 4))
        XCTAssertTrue(note.contains("GitLab CI (CI_NODE_INDEX=2 CI_NODE_TOTAL=4)"), note)
        guard case .shard(let circle, _) = CIShard.detect(["CIRCLE_NODE_INDEX": "0", "CIRCLE_NODE_TOTAL": "3"]) else { return XCTFail() }
        XCTAssertEqual(circle, Shard(index: 1, total: 3))
        guard case .shard(let kite, _) = CIShard.detect(["BUILDKITE_PARALLEL_JOB": "4", "BUILDKITE_PARALLEL_JOB_COUNT": "5"]) else { return XCTFail() }
        XCTAssertEqual(kite, Shard(index: 5, total: 5))
        guard case .invalid(let message) = CIShard.detect(["CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "4"]) else { return XCTFail() }
        XCTAssertTrue(message.contains("CI_NODE_INDEX counts from 1"), message)
        // Only one of the pair set (GitLab sets neither without parallel:): not a shard.
        XCTAssertEqual(CIShard.detect(["CI_NODE_TOTAL": "4"]), .none)
    }
}

final class ShardRunTests: MatrixTestCase {
    func testCompileShardListsAPartitionOfTheCells() throws {
        let all = try harness.run(["compile", "matrix20.star", "--emit", "cells", "--format", "json"])
        XCTAssertEqual(all.status, 0, all.all)
        let names = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any]
        let full = ((names?["tests"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        XCTAssertEqual(full.count, 24, all.stdout)  // 4 scenario() tests + 20 cells
        for total in 1...7 {
            var union: [String] = []
            for k in 1...total {
                let r = try harness.run(["compile", "--shard", "\(k)/\(total)", "matrix20.star"])
                XCTAssertEqual(r.status, 0, r.all)
                let lines = r.stdout.split(separator: "\n").map(String.init)
                XCTAssertTrue(lines.first?.hasPrefix("shard \(k)/\(total): ") ?? false, r.stdout)
                union += lines.dropFirst()
            }
            XCTAssertEqual(union.sorted(), full.sorted(), "N=\(total)")
        }
        let bad = try harness.run(["compile", "--shard", "3/2", "matrix20.star"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("--shard 3/2: expected K/N"), bad.all)
    }

    /// The CI examples' promise: the shards' JUnit cases together are the full run's, none
    /// twice, and each shard's suites have their own names and hostnames. The seed's
    /// outcomes do not change with the shard.
    func testShardedJUnitUnionEqualsTheFullRun() throws {
        let fullXML = harness.path("full.xml"), fullJSON = harness.path("full.json")
        let full = try harness.run(["test", "matrix20.star", "--seed", "7", "--junit", fullXML, "--output", fullJSON])
        XCTAssertLessThanOrEqual(full.status, 2, full.all)
        let fullCases = try junitCases(fullXML)
        XCTAssertEqual(fullCases.count, 24)
        let fullOutcomes = try outcomes(fullJSON)
        var union: [String] = [], suites: Set<String> = [], hosts: Set<String> = []
        for k in 1...3 {
            let xml = harness.path("shard\(k).xml"), json = harness.path("shard\(k).json")
            // Shard 2 through GitLab's variables, the others through the flag.
            let args = ["test", "matrix20.star", "--seed", "7", "--junit", xml, "--output", json]
            let r = k == 2 ? try harness.run(args, environment: ["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"])
                           : try harness.run(args + ["--shard", "\(k)/3"])
            XCTAssertLessThanOrEqual(r.status, 2, r.all)
            if k == 2 { XCTAssertTrue(r.stderr.contains("shard 2/3 from GitLab CI"), r.all) }
            XCTAssertTrue(r.stdout.contains("shard \(k)/3: "), r.all)
            try XMLSchema.validate(xml)
            union += try junitCases(xml)
            for suite in try elements("testsuite", in: xml) {
                suites.insert(suite["name"] ?? "")
                hosts.insert(suite["hostname"] ?? "")
            }
            // Each test's outcome in its shard is its outcome in the full run. Not the
            // decisions that fired: which of a service's own calls meet an armed rule
            // follows its timing (mock-db logs the healthcheck's connection, and on a loaded
            // machine that log write can land after the faults are armed), not faultbox's.
            for (name, outcome) in try outcomes(json) {
                XCTAssertEqual(outcome, fullOutcomes[name], name)
            }
        }
        XCTAssertEqual(union.count, Set(union).count, "a case in two shards")
        XCTAssertEqual(Set(union), Set(fullCases))
        XCTAssertEqual(suites.count, 3, "\(suites)")
        XCTAssertEqual(hosts.count, 3, "\(hosts)")
    }

    private func junitCases(_ path: String) throws -> [String] {
        try elements("testcase", in: path).map { ($0["classname"] ?? "") + "/" + ($0["name"] ?? "") }
    }

    /// The attributes of every `<tag ...>` (faultbox writes one element start per line, and
    /// xmllint has checked the file is well formed).
    private func elements(_ tag: String, in path: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let start = try Regex("<" + tag + "\\s([^>]*)>")
        let attribute = try Regex("([a-z]+)=\"([^\"]*)\"")
        return text.matches(of: start).map { match in
            var table: [String: String] = [:]
            let inner = String(match.output[1].substring ?? "")
            for a in inner.matches(of: attribute) {
                table[String(a.output[1].substring ?? "")] = String(a.output[2].substring ?? "")
            }
            return table
        }
    }

    /// Each test's outcome (passed, failed, expectation_violated, ...) by name.
    private func outcomes(_ path: String) throws -> [String: String] {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        var table: [String: String] = [:]
        for test in (root?["tests"] as? [[String: Any]]) ?? [] {
            if let name = test["name"] as? String { table[name] = test["outcome"] as? String ?? "" }
        }
        return table
    }
}
