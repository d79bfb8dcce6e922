import Foundation
import XCTest

/// Assertions over what happened (issue 17): the event trace of real trapped calls on the
/// demo services, the trace builtins passing and failing with their messages, the rule
/// that a filter over an untraced syscall is an error, and the trace outputs.
final class TraceTests: TopologyTestCase {
    override class var topology: String { observedDemo(dbPort: 26432, apiPort: 26080) }

    func testAssertionsOverRealCallsPass() throws {
        try harness.write("ok.star", """
            load("topology.star", "api", "db")
            def test_durable():
                assert_eq(api.post(path = "/data/k", body = "v").status, 200)
                assert_eventually(service = "db", syscall = "write", path = "*mock-db.data")
                assert_eventually(service = "db", syscall = "fsync", decision = "allow")
                assert_before(first = {"service": "db", "syscall": "write", "path": "*mock-db.data"},
                              then = {"service": "db", "syscall": "fsync"})
                assert_eventually(type = "stdout", service = "db", where = lambda e: e.data.get("verb") == "SET")
                assert_eventually(type = "step_recv", where = lambda e: e.status == 200)
            def test_refused():
                def scenario():
                    assert_true(api.post(path = "/data/k", body = "v").status >= 500)
                    assert_eventually(service = "api", syscall = "connect", decision = "deny*")
                    assert_never(service = "db", syscall = "fsync")
                fault(api, connect = deny("ECONNREFUSED"), run = scenario)
            def test_events():
                api.post(path = "/data/a", body = "1")
                api.get(path = "/data/a")
                dials = events(service = "api", syscall = "connect")
                assert_eq(len(dials), 2)
                assert_eq(dials[0].type, "syscall")
                assert_eq(dials[0].event_type, "syscall.connect")
                assert_true(dials[0].pid > 0)
                assert_true(dials[0].addr.endswith(":26432"), dials[0].addr)
                assert_eq(dials[0].fields["decision"], "allow")
                assert_true(dials[0].seq < dials[1].seq)
            def test_trace_window():
                trace_start(db, syscalls = ["openat"])
                api.post(path = "/data/b", body = "2")
                trace_stop(db)
                r = trace(db, syscalls = ["fsync"], run = lambda: api.post(path = "/data/c", body = "3"))
                assert_eq(r.status, 200)

            """)
        let r = try harness.run(["test", "ok.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.hasSuffix("4 passed, 0 failed\n"), r.all)
    }

    func testSizesAndNamedOpsInTheTrace() throws {
        try harness.write("ops.star", """
            store = service("store", "bin/mock-db", interface("main", "tcp", 26433), env = {"PORT": "26433"},
                healthcheck = tcp("localhost:26433"),
                ops = {"persist": op(syscalls = ["write", "fsync"], path = "*mock-db.data")})
            def test_sizes():
                assert_eq(store.main.send(data = "SET k v"), "OK")
                writes = events(service = "store", syscall = "write", path = "*mock-db.data")
                assert_eq(len(writes), 1)
                assert_eq(writes[0].size, 4)   # "k v\\n"
            def test_op_trace():
                trace(store, syscalls = ["persist"], run = lambda: store.main.send(data = "SET a b"))
                assert_eventually(service = "store", syscall = "fsync")
            def test_unknown_op():
                trace_start(store, syscalls = ["persits"])

            """)
        let r = try harness.run(["test", "ops.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_sizes"), r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_op_trace"), r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_unknown_op"), r.all)
        XCTAssertTrue(r.stdout.contains("persist"), r.all)
    }

    func testFailuresNameTheFilterAndShowTheNearestEvents() throws {
        try harness.write("bad.star", """
            load("topology.star", "api", "db")
            def test_eventually():
                api.post(path = "/data/k", body = "v")
                assert_eventually(service = "db", syscall = "write", path = "*.wal")
            def test_never():
                api.post(path = "/data/k", body = "v")
                assert_never(service = "db", syscall = "fsync")
            def test_before():
                api.post(path = "/data/k", body = "v")
                assert_before(first = {"service": "db", "syscall": "fsync"}, then = {"service": "db", "syscall": "write"})

            """)
        let r = try harness.run(["test", "bad.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("assert_eventually: no event matched service=db syscall=write path=*.wal"), r.all)
        XCTAssertTrue(r.stdout.contains("bad.star:4:"), r.all)
        XCTAssertTrue(r.stdout.contains("db write events in this test:"), r.all)
        XCTAssertTrue(r.stdout.contains("mock-db.data"), r.all)
        XCTAssertTrue(r.stdout.contains("assert_never: 1 event matched service=db syscall=fsync"), r.all)
        XCTAssertTrue(r.stdout.contains("assert_before: the first event matching then={service=db syscall=write}"), r.all)
        XCTAssertTrue(r.stdout.contains("syscall trace ("), r.all)
        XCTAssertTrue(r.stdout.hasSuffix("0 passed, 3 failed\n"), r.all)
    }

    func testAFilterOverAnUntracedSyscallIsAnErrorNotAPass() throws {
        try harness.write("vacuous.star", """
            load("topology.star", "api", "db")
            def test_dynamic_filter():
                name = "open" + "at"   # built at run time: nothing traces it
                api.post(path = "/data/k", body = "v")
                assert_never(service = "db", syscall = name)

            """)
        let r = try harness.run(["test", "vacuous.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("assert_never: openat is not traced in db during this test"), r.all)
        XCTAssertTrue(r.stdout.contains("trace_start(db, syscalls=[\"openat\"])"), r.all)

        // Literal filters are traced: compile says so, and the same assertion then passes.
        try harness.write("literal.star", """
            load("topology.star", "api", "db")
            def test_literal_filter():
                api.post(path = "/data/k", body = "v")
                assert_never(service = "db", syscall = "openat", path = "/etc/*")

            """)
        let plan = try harness.run(["compile", "literal.star"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("assert_never at "), plan.all)
        let ok = try harness.run(["test", "literal.star"])
        XCTAssertEqual(ok.status, 0, ok.all)
    }

    func testStatefulMonitorsScopeAndVerdicts() throws {
        try harness.write("monitors.star", """
            load("topology.star", "api", "db")
            # Spec-wide: at most two fsyncs per test.
            monitor("few_fsyncs",
                on = match.event(type = "syscall", service = "db", syscall = "fsync"),
                state_init = {"n": 0},
                update = lambda e, s: {"n": s["n"] + 1},
                check = lambda e, s: s["n"] <= 2,
            )
            # Claimed by the fault_scenario below: watches only there.
            no_db_writes = monitor("no_db_writes",
                on = match.event(service = "db", syscall = "write", path = "*mock-db.data"),
                check = lambda e, s: False,
            )
            down = fault_assumption("down", target = api, connect = deny("ECONNREFUSED"))
            def store():
                return api.post(path = "/data/k", body = "v")
            fault_scenario("down_writes_nothing", scenario = store, faults = down, monitors = [no_db_writes],
                           expect = lambda r: assert_true(r.status >= 500))
            def test_two_stores():
                store()
                store()
            def test_three_stores():
                store()
                store()
                store()

            """)
        let r = try harness.run(["test", "monitors.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_down_writes_nothing"), r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_two_stores"), r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_three_stores"), r.all)
        XCTAssertTrue(r.stdout.contains("monitor few_fsyncs violated at event #"), r.all)
    }

    func testMonitorSandboxRefusesActions() throws {
        try harness.write("sandbox.star", """
            load("topology.star", "api", "db")
            monitor("acts", on = match.event(type = "syscall"), check = lambda e, s: assert_true(False))
            def test_x():
                pass

            """)
        let r = try harness.run(["test", "sandbox.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("sandbox.star:2:"), r.all)
        XCTAssertTrue(r.stderr.contains("monitor acts: lambda calls assert_true(), which a monitor's update/check may not call"), r.all)

        // Reached through a value the load-time scan cannot follow: refused when it runs.
        try harness.write("sandbox2.star", """
            load("topology.star", "api", "db")
            helpers = {"check": lambda: events(service = "db")}
            monitor("acts", on = match.event(type = "step_send"), check = lambda e, s: helpers["check"]())
            def test_x():
                api.get(path = "/health")

            """)
        let r2 = try harness.run(["test", "sandbox2.star"])
        XCTAssertEqual(r2.status, 2, r2.all)
        XCTAssertTrue(r2.stdout.contains("events() cannot be called from monitor acts's update or check"), r2.all)
    }

    func testObservedOutputDecodersOnHostileLines() throws {
        try harness.write("printer.py", #"""
            import json, socket, sys
            port = int(sys.argv[1])
            out = sys.stdout.buffer
            out.write(b'{"level":"INFO","msg":"started","n":3,"nested":{"k":[1,2.5]}}\n')
            out.write(b'level=WARN msg="disk slow" took=12ms\n')
            out.write(b'not json at all \xff\xfe with invalid utf-8 and a NUL \x00 here\n')
            out.write(b'{"level":"ERROR","msg":"' + b'x' * (1 << 20) + b'"}\n')
            out.write(b'{"level":"INFO","msg":"ready"}\n')
            out.flush()
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port)); s.listen(8)
            while True:
                c, _ = s.accept()
                c.recv(100); c.sendall(b"PONG\n"); c.close()
            """#)
        try harness.write("decoders.star", """
            json_svc = service("printer", "/usr/bin/python3", interface("main", "tcp", 26500),
                args = ["printer.py", "26500"], healthcheck = tcp("localhost:26500"),
                observe = [observe.stdout(decoder = decoder("json"))])
            def test_json():
                lines = events(type = "stdout", service = "printer")
                assert_eq(len(lines), 5)
                assert_eq(lines[0].data["level"], "INFO")
                assert_eq(lines[0].data["n"], 3)
                assert_eq(type(lines[0].data["n"]), "int")
                assert_eq(lines[0].data["nested"]["k"], [1, 2.5])
                assert_eq(lines[1].data, {})   # not JSON: raw line kept, no data
                assert_true("disk slow" in lines[1].fields["line"])
                assert_eq(lines[2].data, {})
                assert_eventually(type = "stdout", service = "printer", where = lambda e: e.data.get("level") == "INFO")
                assert_eventually(type = "stdout", where = lambda e: e.data.get("msg") == "ready")

            """)
        let r = try harness.run(["test", "decoders.star"])
        XCTAssertEqual(r.status, 0, String(r.all.prefix(4000)))
    }

    func testRemovedAndUnknownDecodersNameTheFix() throws {
        try harness.write("old.star", """
            db = service("db", "bin/mock-db", interface("main", "tcp", 26432), observe = [stdout(decoder = json_decoder())])
            """)
        let r = try harness.run(["compile", "old.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("was removed from the reference tool in v0.17.0; use observe.stdout(decoder=...)"), r.all)
        XCTAssertTrue(r.stderr.contains("old.star:1:"), r.all)
        try harness.write("unknown.star", """
            d = decoder("jsn")
            """)
        let u = try harness.run(["compile", "unknown.star"])
        XCTAssertEqual(u.status, 1, u.all)
        XCTAssertTrue(u.stderr.contains("unknown decoder \"jsn\" (did you mean \"json\"?)"), u.all)
    }

    func testNormalizedTracesAreReproducibleAndDiffable() throws {
        let spec = """
            load("topology.star", "api", "db")
            def test_flow():
                api.post(path = "/data/k", body = "v")
                assert_eventually(service = "db", syscall = "fsync")
                assert_eq(api.get(path = "/data/k").body, "v")

            """
        try harness.write("flow.star", spec)
        let a = try harness.run(["test", "flow.star", "--normalize", "a.norm", "--output", "out.json", "--shiviz", "t.shiviz"])
        XCTAssertEqual(a.status, 0, a.all)
        let b = try harness.run(["test", "flow.star", "--normalize", "b.norm"])
        XCTAssertEqual(b.status, 0, b.all)
        let same = try harness.run(["diff", "a.norm", "b.norm"])
        XCTAssertEqual(same.status, 0, same.all)
        XCTAssertEqual(same.stdout, "traces are identical\n")
        let norm = try String(contentsOfFile: harness.path("a.norm"), encoding: .utf8)
        XCTAssertFalse(norm.contains(harness.workDirectory), "run directory left in the normalised trace")
        XCTAssertTrue(norm.contains("syscall.fsync"), norm)

        try harness.write("flow.star", spec.replacingOccurrences(of: "\"/data/k\", body = \"v\"", with: "\"/data/k\", body = \"w\""))
        _ = try harness.run(["test", "flow.star", "--normalize", "c.norm"])
        let differ = try harness.run(["diff", "a.norm", "c.norm"])
        XCTAssertEqual(differ.status, 2, differ.all)
        XCTAssertTrue(differ.stdout.contains("test_flow"), differ.all)
        let missing = try harness.run(["diff", "a.norm", "nope.norm"])
        XCTAssertEqual(missing.status, 1, missing.all)
        XCTAssertTrue(missing.stderr.contains("nope.norm does not exist"), missing.all)
        try harness.write("junk.norm", "hello\n")
        XCTAssertEqual(try harness.run(["diff", "a.norm", "junk.norm"]).status, 1)

        // JSON events: every kind of event, with the documented fields.
        let data = try Data(contentsOf: URL(fileURLWithPath: harness.path("out.json")))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let test = try XCTUnwrap((json["tests"] as? [[String: Any]])?.first)
        let events = try XCTUnwrap(test["events"] as? [[String: Any]])
        let types = Set(events.compactMap { $0["event_type"] as? String })
        for expected in ["lifecycle.started", "lifecycle.ready", "syscall.fsync", "step_send.api", "step_recv.api", "stdout",
                         "lifecycle.stopped"] {
            XCTAssertTrue(types.contains(expected), "\(expected) missing from \(types.sorted())")
        }
        let fsync = try XCTUnwrap(events.first { $0["event_type"] as? String == "syscall.fsync" })
        let fields = try XCTUnwrap(fsync["fields"] as? [String: String])
        XCTAssertEqual(fields["decision"], "allow")
        XCTAssertNotNil(fields["pid"])
        XCTAssertNotNil(fsync["vector_clock"])

        let shiviz = try String(contentsOfFile: harness.path("t.shiviz"), encoding: .utf8)
        XCTAssertTrue(shiviz.hasPrefix("(?<host>"), shiviz)
        XCTAssertTrue(shiviz.contains("\ntest {"), shiviz)
    }

    func testTheExampleSpecPasses() throws {
        let example = FaultboxHarness.packageRoot() + "/examples/trace.star"
        try harness.write("trace.star", try String(contentsOfFile: example, encoding: .utf8))
        let r = try harness.run(["test", "trace.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.hasSuffix("3 passed, 0 failed\n"), r.all)
    }
}
