import FaultPlan
import SpecLowering
import StarlarkVM
import XCTest

/// The run-time half of the builtins: what spec code hands to the runner's `SpecRuntime`
/// and how results come back (response objects, `fault()` validation and nesting).
final class RuntimeTests: XCTestCase {
    /// Records calls and answers HTTP with a fixed JSON body (a stand-in for the runner,
    /// which is not what these tests are about).
    final class RecordingRuntime: SpecRuntime {
        var calls: [String] = []
        func http(service: String, interface: String, address: String, method: String, path: String,
                  body: [UInt8]?, headers: [(String, String)], tls: TLSSettings?) -> SpecHTTPResult {
            calls.append("\(method) \(service).\(interface) \(address)\(path) body=\(String(decoding: body ?? [], as: UTF8.self)) headers=\(headers.map { "\($0.0):\($0.1)" })")
            if path == "/missing" || path == "/moved" {
                return SpecHTTPResult(status: path == "/moved" ? 302 : 404, body: Array("no".utf8), headers: [],
                                      durationMilliseconds: 1, error: nil)
            }
            if path == "/down" {
                return SpecHTTPResult(status: 0, body: [], headers: [], durationMilliseconds: 1.5, error: "connection refused")
            }
            return SpecHTTPResult(status: 201, body: Array("{\"id\": 7, \"tags\": [\"a\"]}".utf8),
                                  headers: [("Content-Type", "application/json")], durationMilliseconds: 12.5, error: nil)
        }
        func tcpSend(service: String, interface: String, address: String, data: [UInt8]) throws -> [UInt8] {
            calls.append("SEND \(service).\(interface) \(String(decoding: data, as: UTF8.self))")
            return Array("OK".utf8)
        }
        func withFaults(target: String, rules: [SyscallRule], body: () throws -> Value) throws -> Value {
            calls.append("FAULT \(target) " + rules.map { "\($0.keyword)=\($0.syscalls.joined(separator: ","))" }.joined(separator: " "))
            defer { calls.append("DISARM \(target)") }
            return try body()
        }
        func partition(a: String, b: String, body: () throws -> Value) throws -> Value {
            calls.append("PARTITION \(a) \(b)")
            return try body()
        }
    }

    func run(_ spec: String, test: String) throws -> (Value?, Error?, RecordingRuntime) {
        let dir = try Fixtures.tempDirectory(self)
        try spec.write(toFile: dir + "/r.star", atomically: true, encoding: .utf8)
        let loaded = try loadSpec(path: "r.star", options: Fixtures.options(dir))
        let t = try XCTUnwrap(loaded.plan.test(named: test))
        let thread = loaded.makeThread(name: test)
        let runtime = RecordingRuntime()
        SpecRuntimeSlot.install(runtime, on: thread)
        let body = try XCTUnwrap(loaded.callable(t.body))
        do { return (try thread.call(body, Arguments()), nil, runtime) } catch { return (nil, error, runtime) }
    }

    let topology = """
        db = service("db", "bin/mock-db", interface("main", "tcp", 5432))
        api = service("api", "bin/mock-api", interface("public", "http", 8080), depends_on = [db])

        """

    func testResponsesAndClientCalls() throws {
        let (result, error, rt) = try run(topology + """
            def test_calls():
                r = api.post(path = "/data/k", body = "v", headers = {"X-A": "1"})
                assert_eq(r.status, 201)
                assert_true(r.ok)
                assert_eq(r.data["id"], 7)
                assert_eq(r.headers["content-type"], "application/json")
                assert_eq(r.duration_ms, 12.5)
                assert_eq(r.error, None)
                down = api.public.get(path = "/down")
                assert_eq(down.status, 0)
                assert_true(not down.ok)
                assert_eq(down.error, "connection refused")
                assert_true(not api.get(path = "/missing").ok)
                assert_eq(api.get(path = "/missing").data, None)
                assert_true(api.get(path = "/moved").ok)
                return db.main.send(data = "PING")
            """, test: "test_calls")
        XCTAssertNil(error)
        if case .string(let s)? = result { XCTAssertEqual(s.string, "OK") } else { XCTFail("\(String(describing: result))") }
        XCTAssertEqual(rt.calls, [
            "POST api.public localhost:8080/data/k body=v headers=[\"X-A:1\"]",
            "GET api.public localhost:8080/down body= headers=[]",
            "GET api.public localhost:8080/missing body= headers=[]",
            "GET api.public localhost:8080/missing body= headers=[]",
            "GET api.public localhost:8080/moved body= headers=[]",
            "SEND db.main PING",
        ])
    }

    func testFaultAndPartitionReachTheRuntimeValidatedAndNested() throws {
        let (result, error, rt) = try run(topology + """
            def inner():
                return partition(api, db, run = lambda: 42)
            def test_nested():
                return fault(db, write = deny("EIO"), fsync = delay("10ms"), run = inner)
            """, test: "test_nested")
        XCTAssertNil(error)
        if case .int(let i)? = result { XCTAssertEqual(i, 42) } else { XCTFail("\(String(describing: result))") }
        XCTAssertEqual(rt.calls, ["FAULT db write=write,writev,pwrite64,pwritev,pwritev2 fsync=fsync,fdatasync",
                                  "PARTITION api db", "DISARM db"])
    }

    func testFaultRulesAreValidatedAtRunTime() throws {
        let (_, error, rt) = try run(topology + """
            def test_bad():
                fault(db, write = deny("EIOO"), run = lambda: None)
            """, test: "test_bad")
        let text = "\(error.map { "\($0)" } ?? "no error")"
        XCTAssertTrue(text.contains("unknown errno \"EIOO\" in deny()"), text)
        XCTAssertTrue(text.contains("did you mean EIO?"), text)
        XCTAssertTrue(text.contains("r.star:4:"), text)
        XCTAssertEqual(rt.calls, [])
    }

    func testOracleFailureMessages() throws {
        let (_, error, _) = try run(topology + """
            def test_status():
                r = api.get(path = "/x")
                assert_eq(r.status, 200, msg = "wrong status")
            """, test: "test_status")
        XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("assert_eq: wrong status: 201 != 200"))
    }

    func testMonitorEventObject() throws {
        let thread = StarThread()
        let event = SpecValues.event(service: "db", syscall: "read", pid: 12, decision: "allow", path: nil, addr: "127.0.0.1:5432")
        let check = try thread.call(.builtin(Builtin(name: "check") { t, _, a in
            let e = a.positional[0]
            return .str(Ops.str(try Ops.getAttr(e, "service", thread: t)) + " " + Ops.str(try Ops.getAttr(e, "addr", thread: t))
                        + " " + Ops.str(try Ops.getAttr(e, "path", thread: t)))
        }), Arguments([event]))
        if case .string(let s) = check { XCTAssertEqual(s.string, "db 127.0.0.1:5432 None") } else { XCTFail() }
    }
}
