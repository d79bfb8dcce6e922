import FaultPlan
import SpecLowering
import StarlarkVM
import XCTest

/// `fault_start`/`fault_stop`/`fault_all`, `allow()` and named operations below the runner:
/// what static analysis traps for them, what reaches the runtime (validated, ops resolved),
/// the errors a test body gets, and how `compile` shows ops.
final class FaultParityPlanTests: XCTestCase {
    let topology = """
        db = service("db", "bin/mock-db", interface("main", "tcp", 5432),
            ops = {
                "persist": op(syscalls = ["write", "fsync"], path = "/tmp/*.data"),
                "dial": op(syscalls = ["connect"]),
            })
        api = service("api", "bin/mock-api", interface("public", "http", 8080), depends_on = [db],
            ops = {"dial": op(syscalls = ["connect"])})
        def call():
            return api.get(path = "/")

        """

    func plan(_ body: String) throws -> FaultPlan {
        let dir = try Fixtures.tempDirectory(self)
        try (topology + body).write(toFile: dir + "/s.star", atomically: true, encoding: .utf8)
        return try loadSpec(path: "s.star", options: Fixtures.options(dir)).plan
    }

    // MARK: static analysis (trap sets)

    func testFaultStartAndFaultAllKeywordsAreTrapped() throws {
        let p = try plan("""
            def test_start():
                fault_start(db, fsync = deny("EIO"))
                call()
                fault_stop(db)
            def test_all():
                fault_all([db, api], connect = deny("ECONNREFUSED"), run = call)
            def helper(services):
                fault_all(services, read = deny("EIO"), run = call)
            def test_all_dynamic_list():
                helper([db])
            def test_start_by_keyword():
                fault_start(service = api, sendto = delay("1s"))
            """)
        let start = try XCTUnwrap(p.test(named: "test_start"))
        XCTAssertEqual(start.traps(for: "db")?.syscalls, ["fdatasync", "fsync"])
        XCTAssertEqual(start.traps(for: "api")?.syscalls, [])
        XCTAssertEqual(start.dynamic.faults.map(\.builtin), ["fault_start"])
        let all = try XCTUnwrap(p.test(named: "test_all"))
        XCTAssertEqual(all.dynamic.faults.map(\.target), ["db", "api"])
        XCTAssertEqual(all.traps(for: "db")?.syscalls, ["connect"])
        XCTAssertEqual(all.traps(for: "api")?.syscalls, ["connect"])
        // A list that is not a literal of services: every service.
        let dynamicList = try XCTUnwrap(p.test(named: "test_all_dynamic_list"))
        XCTAssertEqual(dynamicList.dynamic.faults.first?.target, nil)
        XCTAssertEqual(dynamicList.traps.map(\.syscalls), [["pread64", "preadv", "preadv2", "read", "readv"],
                                                          ["pread64", "preadv", "preadv2", "read", "readv"]])
        let byKeyword = try XCTUnwrap(p.test(named: "test_start_by_keyword"))
        XCTAssertEqual(byKeyword.traps(for: "api")?.syscalls, ["sendmmsg", "sendmsg", "sendto"])
        let text = PlanText.cells(p)
        XCTAssertTrue(text.contains("fault_start() target=db fsync at s.star:11:16"), text)
        XCTAssertTrue(text.contains("[fault_start(db) at s.star:11:16: fsync]"), text)
        XCTAssertTrue(text.contains("fault_all() target=api connect at s.star:15:14"), text)
        let json = PlanJSON.cells(p, paths: PathDisplay(relativeTo: nil)).render(pretty: false)
        XCTAssertTrue(json.contains("\"builtin\":\"fault_start\"") || json.contains("\"builtin\": \"fault_start\""), json)
    }

    func testOpKeywordsTrapTheOpsSyscallsOfTheirService() throws {
        let p = try plan("""
            def test_op():
                fault(db, persist = deny("EIO"), run = call)
            def test_op_per_service():
                fault_all([db, api], dial = deny("ECONNREFUSED"), run = call)
            def helper(svc):
                fault_start(svc, dial = deny("ECONNREFUSED"))
            def test_op_unknown_target():
                helper(api)
            """)
        let op = try XCTUnwrap(p.test(named: "test_op"))
        XCTAssertEqual(op.traps(for: "db")?.syscalls,
                       ["fdatasync", "fsync", "pwrite64", "pwritev", "pwritev2", "write", "writev"])
        XCTAssertEqual(op.traps(for: "api")?.syscalls, [])
        let perService = try XCTUnwrap(p.test(named: "test_op_per_service"))
        XCTAssertEqual(perService.traps.map(\.syscalls), [["connect"], ["connect"]])
        // Target unknown statically: every service declaring the op traps its syscalls.
        let unknown = try XCTUnwrap(p.test(named: "test_op_unknown_target"))
        XCTAssertEqual(unknown.traps.map(\.syscalls), [["connect"], ["connect"]])
    }

    func testFaultStartUsedAsAValueIsUnknown() throws {
        let p = try plan("""
            def test_indirect():
                f = fault_start
                f(db, write = deny("EIO"))
            """)
        let t = try XCTUnwrap(p.test(named: "test_indirect"))
        XCTAssertTrue(t.dynamic.unknowns.contains { $0.hasPrefix("fault_start used as a value") }, "\(t.dynamic.unknowns)")
        XCTAssertTrue(t.traps(for: "db")?.wholeFaultableSet ?? false)
    }

    // MARK: the plan: ops, allow, dumps, the resolution function for trace()

    func testOpsInThePlanAndItsDumps() throws {
        let p = try plan("""
            a = fault_assumption("a", target = db, persist = deny("EIO", label = "disk"), write = allow(path = "/var/log/*"))
            """)
        let db = try XCTUnwrap(p.service(named: "db"))
        XCTAssertEqual(db.ops.map(\.name), ["persist", "dial"])
        XCTAssertEqual(db.ops[0].syscalls, ["write", "writev", "pwrite64", "pwritev", "pwritev2", "fsync", "fdatasync"])
        XCTAssertEqual(db.ops[0].pathGlob, "/tmp/*.data")
        let rules = p.assumptions[0].rules
        XCTAssertEqual(rules.map(\.op), ["persist", nil])
        XCTAssertEqual(rules.map(\.pathGlob), ["/tmp/*.data", "/var/log/*"])
        XCTAssertEqual(rules[1].action, .allow)
        let text = PlanText.plan(p, paths: PathDisplay(relativeTo: nil))
        XCTAssertTrue(text.contains("op          persist = write, fsync path \"/tmp/*.data\" -> write, writev, pwrite64, pwritev, pwritev2, fsync, fdatasync"), text)
        XCTAssertTrue(text.contains("persist = deny(EIO, label=\"disk\") -> op persist path \"/tmp/*.data\": write,"), text)
        XCTAssertTrue(text.contains("write = allow(path=\"/var/log/*\") -> write, writev"), text)
        let json = PlanJSON.plan(p, paths: PathDisplay(relativeTo: nil)).render(pretty: false)
        XCTAssertTrue(json.contains("\"op\":\"persist\"") || json.contains("\"op\": \"persist\""), json)
        XCTAssertTrue(json.contains("\"action\":\"allow\"") || json.contains("\"action\": \"allow\""), json)
    }

    /// The function `trace(svc, syscalls=[...])` uses: a syscall, family or op -> syscalls + glob.
    func testKeywordResolutionForTrace() throws {
        let p = try plan("")
        let db = try XCTUnwrap(p.service(named: "db"))
        let v = TestVocabulary.vocabulary
        XCTAssertEqual(db.resolve("persist", vocabulary: v),
                       ResolvedKeyword(keyword: "persist", op: "persist",
                                       syscalls: ["write", "writev", "pwrite64", "pwritev", "pwritev2", "fsync", "fdatasync"],
                                       pathGlob: "/tmp/*.data"))
        XCTAssertEqual(db.resolve("fsync", vocabulary: v),
                       ResolvedKeyword(keyword: "fsync", op: nil, syscalls: ["fsync", "fdatasync"], pathGlob: nil))
        XCTAssertNil(db.resolve("persit", vocabulary: v))
        let (message, fix) = FaultKeywords.unknown("persit", service: "db", context: "trace(db)", ops: db.ops,
                                                   otherServices: [], vocabulary: v)
        XCTAssertEqual(message, "unknown syscall \"persit\" in trace(db): not a family, not a syscall of this machine and not an op of service db")
        XCTAssertTrue(fix.hasPrefix("did you mean persist? ops of db: persist, dial;"), fix)
    }

    // MARK: what reaches the runtime

    final class Recorder: SpecRuntime, SpecFaultControl {
        var calls: [String] = []
        func http(service: String, interface: String, address: String, method: String, path: String,
                  body: [UInt8]?, headers: [(String, String)], tls: TLSSettings?) -> SpecHTTPResult {
            calls.append("\(method) \(service)\(path)")
            return SpecHTTPResult(status: 200, body: [], headers: [], durationMilliseconds: 1, error: nil)
        }
        func tcpSend(service: String, interface: String, address: String, data: [UInt8]) throws -> [UInt8] { [] }
        func withFaults(target: String, rules: [SyscallRule], body: () throws -> Value) throws -> Value {
            calls.append("FAULT \(target) " + rules.map(Self.describe).joined(separator: " "))
            defer { calls.append("DISARM \(target)") }
            return try body()
        }
        func partition(a: String, b: String, body: () throws -> Value) throws -> Value { try body() }
        func faultStart(target: String, rules: [SyscallRule], position: SourcePosition) throws {
            calls.append("START \(target) " + rules.map(Self.describe).joined(separator: " ") + " at \(position)")
        }
        func faultStop(target: String, position: SourcePosition) throws -> Bool {
            calls.append("STOP \(target)")
            return true
        }
        func withFaults(all: [(target: String, rules: [SyscallRule])], body: () throws -> Value) throws -> Value {
            calls.append("ALL " + all.map { "\($0.target): " + $0.rules.map(Self.describe).joined(separator: " ") }
                .joined(separator: "; "))
            defer { calls.append("DISARM ALL") }
            return try body()
        }
        static func describe(_ r: SyscallRule) -> String {
            var action: String
            switch r.action {
            case .deny(let e, _): action = "deny(\(e))"
            case .delay(let d): action = "delay(\(d.text))"
            case .allow: action = "allow"
            }
            return "\(r.keyword)=\(action)" + (r.op.map { "[op \($0)]" } ?? "") + (r.pathGlob.map { "@\($0)" } ?? "")
                + ":" + r.syscalls.joined(separator: ",")
        }
    }

    func run(_ body: String, test: String) throws -> (Value?, String?, Recorder) {
        let dir = try Fixtures.tempDirectory(self)
        try (topology + body).write(toFile: dir + "/r.star", atomically: true, encoding: .utf8)
        let loaded = try loadSpec(path: "r.star", options: Fixtures.options(dir))
        let t = try XCTUnwrap(loaded.plan.test(named: test))
        let thread = loaded.makeThread(name: test)
        let runtime = Recorder()
        SpecRuntimeSlot.install(runtime, on: thread)
        let fn = try XCTUnwrap(loaded.callable(t.body))
        do { return (try thread.call(fn, Arguments()), nil, runtime) } catch {
            return (nil, StarlarkErrorText.describe(error), runtime)
        }
    }

    func testStartStopAndAllReachTheRuntimeWithOpsResolved() throws {
        let (result, error, rt) = try run("""
            def test_it():
                fault_start(db, persist = deny("EIO"), connect = delay("10ms"))
                call()
                fault_stop(db)
                return fault_all([db, api], dial = deny("ECONNREFUSED"), write = allow(), run = lambda: 7)
            """, test: "test_it")
        XCTAssertNil(error)
        if case .int(let i)? = result { XCTAssertEqual(i, 7) } else { XCTFail("\(String(describing: result))") }
        XCTAssertEqual(rt.calls, [
            "START db persist=deny(EIO)[op persist]@/tmp/*.data:write,writev,pwrite64,pwritev,pwritev2,fsync,fdatasync "
                + "connect=delay(10ms):connect at r.star:11:16",
            "GET api/",
            "STOP db",
            "ALL db: dial=deny(ECONNREFUSED)[op dial]:connect write=allow:write,writev,pwrite64,pwritev,pwritev2; "
                + "api: dial=deny(ECONNREFUSED)[op dial]:connect write=allow:write,writev,pwrite64,pwritev,pwritev2",
            "DISARM ALL",
        ])
    }

    func testUnknownOpAtRunTimeNamesThePositionAndSuggests() throws {
        let (_, error, rt) = try run("""
            def test_typo():
                fault(db, persit = deny("EIO"), run = call)
            """, test: "test_typo")
        let text = try XCTUnwrap(error)
        XCTAssertTrue(text.hasPrefix("r.star:11:10: unknown syscall \"persit\" in fault(db)"), text)
        XCTAssertTrue(text.contains("did you mean persist?"), text)
        XCTAssertTrue(text.contains("ops of db: persist, dial"), text)
        XCTAssertEqual(rt.calls, [])
    }

    func testOpOfAnotherServiceAtRunTime() throws {
        let (_, error, rt) = try run("""
            def test_wrong_service():
                fault_start(api, persist = deny("EIO"))
            """, test: "test_wrong_service")
        let text = try XCTUnwrap(error)
        XCTAssertTrue(text.hasPrefix("r.star:11:16: unknown syscall \"persist\" in fault_start(api)"), text)
        XCTAssertTrue(text.contains("\"persist\" is an op of service db, not of api"), text)
        XCTAssertEqual(rt.calls, [])
    }

    func testFaultAllNeedsTheOpOnEveryService() throws {
        let (_, error, rt) = try run("""
            def test_partial():
                fault_all([db, api], persist = deny("EIO"), run = call)
            """, test: "test_partial")
        let text = try XCTUnwrap(error)
        XCTAssertTrue(text.contains("unknown syscall \"persist\" in fault_all([db, api])"), text)
        XCTAssertTrue(text.contains("not an op of service api"), text)
        XCTAssertEqual(rt.calls, [])
    }

    func testBadValuesAtRunTime() throws {
        let cases: [(String, String)] = [
            ("fault_start(db, write = deny(\"EIOO\"))", "unknown errno \"EIOO\" in deny() (fix: did you mean EIO?"),
            ("fault_start(db, persist = deny(\"EIO\", path = \"/x\"))", "op persist already restricts its calls to path"),
            ("fault_all([db], write = delay(\"soon\"), run = call)", "malformed duration \"soon\" in delay()"),
            ("fault_all([db], write = deny(\"EIO\"), run = 3)", "fault_all: for parameter run: got int, want function"),
            ("fault_stop(\"db\")", "fault_stop: for parameter service: got string \"db\", want a service"),
        ]
        for (line, expected) in cases {
            let (_, error, rt) = try run("def test_bad():\n    " + line + "\n", test: "test_bad")
            let text = error ?? "no error"
            XCTAssertTrue(text.contains(expected), "\(line): \(text)")
            XCTAssertTrue(text.hasPrefix("r.star:11:"), "\(line): \(text)")
            XCTAssertEqual(rt.calls, [], line)
        }
    }

    /// A runtime without the fault-control protocol refuses clearly.
    func testRuntimeWithoutFaultControl() throws {
        final class Plain: SpecRuntime {
            func http(service: String, interface: String, address: String, method: String, path: String,
                      body: [UInt8]?, headers: [(String, String)], tls: TLSSettings?) -> SpecHTTPResult {
                SpecHTTPResult(status: 200, body: [], headers: [], durationMilliseconds: 0, error: nil)
            }
            func tcpSend(service: String, interface: String, address: String, data: [UInt8]) throws -> [UInt8] { [] }
            func withFaults(target: String, rules: [SyscallRule], body: () throws -> Value) throws -> Value { try body() }
            func partition(a: String, b: String, body: () throws -> Value) throws -> Value { try body() }
        }
        let dir = try Fixtures.tempDirectory(self)
        try (topology + "def test_x():\n    fault_stop(db)\n").write(toFile: dir + "/p.star", atomically: true, encoding: .utf8)
        let loaded = try loadSpec(path: "p.star", options: Fixtures.options(dir))
        let thread = loaded.makeThread(name: "test_x")
        SpecRuntimeSlot.install(Plain(), on: thread)
        let fn = try XCTUnwrap(loaded.callable(try XCTUnwrap(loaded.plan.test(named: "test_x")).body))
        XCTAssertThrowsError(try thread.call(fn, Arguments())) { error in
            XCTAssertTrue("\(error)".contains("fault_stop() is not available in this runtime"), "\(error)")
        }
    }
}
