import Foundation
import XCTest

/// The trace as specs written for the reference tool use it (issue 17): `where=` lambdas
/// that read a field every event does not have, filters on any event field or decoded key,
/// the reference's `status_code` and `"true"`/`"false"` spellings; a service that dies is in
/// the trace as soon as the test looks; the JSON report's bound on a long trace.
final class TraceCompatTests: TopologyTestCase {
    override class var topology: String { observedDemo(dbPort: 26632, apiPort: 26680) }

    func testReferenceToolSpellingsOfFiltersAndFields() throws {
        try harness.write("compat.star", """
            load("topology.star", "api", "db")
            def test_where_over_every_event():
                api.post(path = "/data/k", body = "v")
                # The reference tool's own example: lifecycle and call events have no decision.
                assert_never(where = lambda e: e.decision.startswith("deny") and e.label == "critical path")
                assert_eventually(service = "db", syscall = "write", where = lambda e: e.path.endswith("mock-db.data"))
            def test_call_fields():
                assert_eq(api.get(path = "/data/missing").status, 404)
                assert_eventually(type = "step_recv", status_code = "404", success = "false")
                assert_eventually(type = "step_recv", where = lambda e: e.status_code == "404" and e.status == 404)
                assert_never(type = "step_recv", success = "true")
                assert_eq(len(events(type = "step_recv", method = "GET", path = "/data/missing")), 1)
            def test_decoded_keys_filter():
                api.post(path = "/data/k", body = "v")
                assert_eventually(type = "stdout", service = "db", verb = "SET", reply = "OK")
                assert_never(type = "stdout", service = "db", verb = "DEL")
                assert_eq(len(events(type = "stdout", verb = "S*")), 1)

            """)
        let r = try harness.run(["test", "compat.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.hasSuffix("3 passed, 0 failed\n"), r.all)

        // A monitor's matcher takes the reference tool's name of the status too.
        try harness.write("monitor.star", """
            load("topology.star", "api", "db")
            monitor("no_404", on = match.event(type = "step_recv", status_code = "404"), check = lambda e, s: False)
            # State starts afresh in every test: each test makes one call, so n never passes 1.
            monitor("one_call", on = match.event(type = "step_send"), state_init = {"n": 0},
                update = lambda e, s: {"n": s["n"] + 1}, check = lambda e, s: s["n"] <= 1)
            def test_found():
                assert_eq(api.get(path = "/health").status, 200)
            def test_found_again():
                assert_eq(api.get(path = "/health").status, 200)
            def test_missing():
                api.get(path = "/data/missing")

            """)
        let m = try harness.run(["test", "monitor.star"])
        XCTAssertTrue(m.stdout.contains("--- PASS: test_found "), m.all)
        XCTAssertTrue(m.stdout.contains("--- PASS: test_found_again"), m.all)
        XCTAssertFalse(m.stdout.contains("monitor one_call violated"), m.all)
        XCTAssertTrue(m.stdout.contains("--- FAIL: test_missing"), m.all)
        XCTAssertTrue(m.stdout.contains("monitor no_404 violated at event #"), m.all)

        // A key no event has is a typo or undecoded output: an error, never a vacuous pass.
        try harness.write("typo.star", """
            load("topology.star", "api", "db")
            def test_typo():
                api.post(path = "/data/k", body = "v")
                assert_never(type = "stdout", service = "db", vreb = "DEL")

            """)
        let t = try harness.run(["test", "typo.star"])
        XCTAssertEqual(t.status, 2, t.all)
        XCTAssertTrue(t.stdout.contains("typo.star:4:"), t.all)
        XCTAssertTrue(t.stdout.contains("assert_never: no event in this test has a field or decoded key vreb"), t.all)
    }

    func testAServiceThatDiesIsInTheTraceWhenTheTestLooks() throws {
        try harness.write("dies.py", #"""
            import os, socket, sys
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
            while True:
                c, _ = s.accept()
                if c.recv(100).startswith(b"DIE"):
                    c.sendall(b"BYE\n"); c.close(); os._exit(3)
                try:
                    c.sendall(b"PONG\n")   # the healthcheck may have gone already
                except OSError:
                    pass
                c.close()
            """#)
        try harness.write("dies.star", """
            svc = service("svc", "/usr/bin/python3", interface("main", "tcp", 26700), args = ["dies.py", "26700"],
                healthcheck = tcp("localhost:26700"))
            def test_dies():
                assert_eq(svc.main.send(data = "DIE"), "BYE")
                # The exit is reaped shortly after the answer: look until it is there.
                for i in range(250):
                    if events(type = "lifecycle", event_type = "lifecycle.exited"):
                        break
                    sleep("20ms")
                assert_eventually(type = "lifecycle", service = "svc", phase = "exited", status = "3")

            """)
        let r = try harness.run(["test", "dies.star", "--output", "dies.json"])
        XCTAssertTrue(r.stdout.contains("--- PASS: test_dies"), r.all)
        let data = try Data(contentsOf: URL(fileURLWithPath: harness.path("dies.json")))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let test = try XCTUnwrap((json["tests"] as? [[String: Any]])?.first)
        let phases = try XCTUnwrap(test["events"] as? [[String: Any]])
            .filter { $0["type"] as? String == "lifecycle" }.compactMap { $0["event_type"] as? String }
        XCTAssertEqual(phases, ["lifecycle.started", "lifecycle.ready", "lifecycle.exited"], "exited once, never stopped")
    }

    func testTheJSONReportKeepsTheBoundedTrace() throws {
        try harness.write("burner.py", #"""
            import os, socket, sys
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
            while True:
                c, _ = s.accept()
                for line in c.makefile("rb"):   # the healthcheck's connection sends nothing
                    for _ in range(int(line.split()[1])):
                        os.getppid()
                    c.sendall(b"DONE\n")
                c.close()
            """#)
        try harness.write("long.star", """
            burner = service("burner", "/usr/bin/python3", interface("main", "tcp", 26701), args = ["burner.py", "26701"],
                healthcheck = tcp("localhost:26701"))
            def test_long():
                fault_start(burner, getppid = deny("EPERM", probability = 0.01))
                assert_eq(burner.main.send(data = "BURN 60000"), "DONE")
                assert_eq(burner.main.send(data = "BURN 60000"), "DONE")
                fault_stop(burner)
                assert_eventually(service = "burner", syscall = "getppid", decision = "deny*")

            """)
        let r = try harness.run(["test", "long.star", "--output", "long.json"])
        XCTAssertEqual(r.status, 0, r.all)
        let data = try Data(contentsOf: URL(fileURLWithPath: harness.path("long.json")))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let test = try XCTUnwrap((json["tests"] as? [[String: Any]])?.first)
        let events = try XCTUnwrap(test["events"] as? [[String: Any]])
        let dropped = try XCTUnwrap(test["events_dropped"] as? Int)
        let seqs = events.compactMap { $0["seq"] as? Int }
        let recorded = try XCTUnwrap(seqs.last)
        XCTAssertGreaterThan(recorded, 120_000, "every getppid is recorded")
        XCTAssertEqual(events.count + dropped, recorded, "what is not in the report is counted")
        XCTAssertEqual(Array(seqs.prefix(10_000)), Array(1...10_000), "the first 10,000 are kept")
        XCTAssertEqual(Array(seqs.suffix(10_000)), Array((recorded - 9_999)...recorded), "the last 10,000 are kept")
        let middle = events.filter { ($0["seq"] as? Int).map { $0 > 10_000 && $0 <= recorded - 10_000 } ?? false }
        let allowedInMiddle = middle.filter {
            $0["type"] as? String == "syscall" && ($0["fields"] as? [String: String])?["decision"] == "allow"
        }
        XCTAssertEqual(allowedInMiddle.count, 0, "only denied calls and other kinds are kept in between")
        XCTAssertGreaterThan(middle.filter { ($0["fields"] as? [String: String])?["decision"] == "deny(EPERM)" }.count, 100)
        let phases = events.filter { $0["type"] as? String == "lifecycle" }.compactMap { $0["event_type"] as? String }
        XCTAssertEqual(phases, ["lifecycle.started", "lifecycle.ready", "lifecycle.stopped"], "stopped by the teardown, not exited")
        let calls = middle.compactMap { $0["event_type"] as? String }.filter { $0.hasPrefix("step_") }
        XCTAssertEqual(calls, ["step_recv.burner", "step_send.burner"], "the calls between the burns are kept")
    }
}
