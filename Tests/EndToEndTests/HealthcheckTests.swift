import Foundation
import XCTest

/// Healthchecks that mean ready, against real programs: a line server that answers
/// `-LOADING` for a while before `+PONG` (as Redis does while it loads its data set), an
/// HTTP server that answers 503 before 200, and a function healthcheck in the VM.
final class HealthcheckTests: XCTestCase {
    var harness: FaultboxHarness!

    /// A Redis-like line server: `-LOADING ...` until LOADING_MS after start, then `+PONG`.
    static let lineServer = """
        import os, socketserver, sys, time
        start = time.monotonic()
        loading = int(os.environ.get("LOADING_MS", "300")) / 1000
        class H(socketserver.StreamRequestHandler):
            def handle(self):
                for line in self.rfile:
                    if time.monotonic() - start < loading:
                        self.wfile.write(b"-LOADING Redis is loading the dataset in memory\\r\\n")
                    else:
                        self.wfile.write(b"+PONG\\r\\n")
                    self.wfile.flush()
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        server = socketserver.ThreadingTCPServer(("127.0.0.1", int(sys.argv[1])), H)
        print("loading the data set", file=sys.stderr, flush=True)
        server.serve_forever()

        """

    /// 503 "warming up" until WARM_MS after start, then 200 "status: ready".
    static let httpServer = """
        import http.server, os, sys, time
        start = time.monotonic()
        warm = int(os.environ.get("WARM_MS", "300")) / 1000
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                ready = time.monotonic() - start >= warm
                body = b"status: ready" if ready else b"warming up"
                self.send_response(200 if ready else 503)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *a):
                pass
        http.server.ThreadingHTTPServer.allow_reuse_address = True
        print("warming the cache", file=sys.stderr, flush=True)
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()

        """

    override func setUpWithError() throws {
        harness = try FaultboxHarness.make()
        try harness.write("line_server.py", Self.lineServer)
        try harness.write("http_server.py", Self.httpServer)
    }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }

    /// A spec with one line server `db` on 28411 (healthcheck as given) whose test sends PING.
    private func lineSpec(_ healthcheck: String, loadingMs: Int, extra: String = "") -> String {
        """
        \(extra)
        db = service("db", "/usr/bin/python3", interface("main", "tcp", 28411),
            args = ["line_server.py", "28411"], env = {"LOADING_MS": "\(loadingMs)"},
            \(healthcheck))

        def test_ping():
            assert_eq(db.main.send(data = "PING"), "+PONG")

        """
    }

    func testSendExpectWaitsUntilLoadedWherePlainTCPPassesTooEarly() throws {
        try harness.write("ready.star", lineSpec(#"healthcheck = tcp("localhost:28411", send = "PING", expect = "+PONG")"#,
                                                 loadingMs: 1000))
        let r = try harness.run(["test", "ready.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("1 passed, 0 failed"), r.all)
        XCTAssertGreaterThanOrEqual(r.durationMs, 1000, "the healthcheck waited for the load to end")

        // A connect is not readiness: the plain check passes while the server still loads.
        try harness.write("early.star", lineSpec(#"healthcheck = tcp("localhost:28411")"#, loadingMs: 5000))
        let early = try harness.run(["test", "early.star"])
        XCTAssertEqual(early.status, 2, early.all)
        XCTAssertTrue(early.all.contains("-LOADING Redis is loading the dataset in memory"), early.all)
    }

    func testExpectRegexMatchesAPrefix() throws {
        try harness.write("re.star", lineSpec(#"healthcheck = tcp("localhost:28411", send = "PING", expect_regex = "^\\+PO")"#,
                                              loadingMs: 300))
        let r = try harness.run(["test", "re.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertGreaterThanOrEqual(r.durationMs, 300)
    }

    // The timeout tests below check what the probe last saw, so the service must be up
    // (answering "loading" for a minute) before the healthcheck gives up: 5 s leaves a
    // Python server room to start on a loaded machine (400 ms did not, under a CPU hog).
    func testSendExpectTimeoutNamesServiceProbeLastReplyAndStderr() throws {
        try harness.write("slow.star", lineSpec(
            #"healthcheck = tcp("localhost:28411", send = "PING", expect = "+PONG", timeout = "5s")"#, loadingMs: 60000))
        let r = try harness.run(["test", "slow.star"])
        XCTAssertEqual(r.status, 2, r.all)
        for needle in [#"service db not ready: healthcheck tcp("localhost:28411", send="PING", expect="+PONG") did not pass within 5s"#,
                       #"waited for: the reply line "+PONG""#,
                       #"last seen: reply "-LOADING Redis is loading the dataset in memory""#,
                       "last lines of db stderr:", "loading the data set"] {
            XCTAssertTrue(r.all.contains(needle), "missing \(needle) in\n\(r.all)")
        }
    }

    private func httpSpec(_ healthcheck: String, warmMs: Int) -> String {
        """
        api = service("api", "/usr/bin/python3", interface("public", "http", 28412),
            args = ["http_server.py", "28412"], env = {"WARM_MS": "\(warmMs)"},
            \(healthcheck))

        def test_get():
            r = api.get(path = "/health")
            assert_eq(r.status, 200)
            assert_eq(r.body, "status: ready")

        """
    }

    func testHTTPStatusAndBodyWaitForTheServiceToWarmUp() throws {
        try harness.write("http.star", httpSpec(#"healthcheck = http("localhost:28412/health", status = 200, body = "ready")"#,
                                                warmMs: 600))
        let r = try harness.run(["test", "http.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertGreaterThanOrEqual(r.durationMs, 600)
        // The default (any of 200-399) waits through the 503s too.
        try harness.write("plain.star", httpSpec(#"healthcheck = http("localhost:28412/health")"#, warmMs: 600))
        let plain = try harness.run(["test", "plain.star"])
        XCTAssertEqual(plain.status, 0, plain.all)
    }

    func testHTTPTimeoutShowsTheLastStatusAndBody() throws {
        try harness.write("cold.star", httpSpec(#"healthcheck = http("localhost:28412/health", body = "ready", timeout = "5s")"#,
                                                warmMs: 60000))
        let r = try harness.run(["test", "cold.star"])
        XCTAssertEqual(r.status, 2, r.all)
        for needle in [#"service api not ready: healthcheck http("localhost:28412/health", body="ready") did not pass within 5s"#,
                       #"waited for: a status of 200-399 with "ready" in the body"#,
                       #"last seen: status 503, body "warming up""#, "warming the cache"] {
            XCTAssertTrue(r.all.contains(needle), "missing \(needle) in\n\(r.all)")
        }
    }

    func testFunctionHealthcheckRunsInTheVMWithTheCellRuntime() throws {
        try harness.write("fn.star", lineSpec("healthcheck = ready", loadingMs: 500, extra: """
            def ready():
                return db.main.send(data = "PING") == "+PONG"
            """))
        let r = try harness.run(["test", "fn.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertGreaterThanOrEqual(r.durationMs, 500)
    }

    func testFunctionHealthcheckTimeoutShowsTheLastException() throws {
        try harness.write("fnslow.star", lineSpec(#"healthcheck = ready, healthcheck_timeout = "5s""#, loadingMs: 60000, extra: """
            def ready():
                reply = db.main.send(data = "PING")
                if reply != "+PONG":
                    fail("still " + reply)
                return True
            """))
        let r = try harness.run(["test", "fnslow.star"])
        XCTAssertEqual(r.status, 2, r.all)
        for needle in ["service db not ready: healthcheck ready() did not pass within 5s",
                       "waited for: ready() to return True", "last seen: ready() raised an error:",
                       "still -LOADING Redis is loading", "loading the data set"] {
            XCTAssertTrue(r.all.contains(needle), "missing \(needle) in\n\(r.all)")
        }
    }

    func testBadValuesAreRefusedAtLoadWithPositionAndFix() throws {
        try harness.write("bad.star", """
            a = service("a", "/bin/true", interface("m", "tcp", 28421),
                healthcheck = tcp("localhost:28421", send = "PING", expect_regex = "(+PONG"))
            b = service("b", "/bin/true", interface("m", "http", 28422),
                healthcheck = http("localhost:28422/", status = 700))
            c = service("c", "/bin/true", interface("m", "tcp", 28423),
                healthcheck = tcp("localhost:28423", expect = "+PONG", timeout = "-1s"))

            def test_x():
                pass

            """)
        let r = try harness.run(["compile", "bad.star"])
        XCTAssertEqual(r.status, 1, r.all)
        for needle in ["bad.star:2:57: healthcheck of service \"a\": expect_regex=\"(+PONG\" is not a regular expression",
                       "bad.star:4:44: healthcheck of service \"b\": status=700 is not an HTTP status",
                       "use a status from 100 to 599",
                       "bad.star:6:60: malformed duration \"-1s\" for timeout of tcp(): negative duration",
                       "bad.star:6:42: healthcheck of service \"c\": expect= needs send="] {
            XCTAssertTrue(r.all.contains(needle), "missing \(needle) in\n\(r.all)")
        }
        try harness.write("type.star", """
            a = service("a", "/bin/true", interface("m", "tcp", 28421), healthcheck = tcp("localhost:28421", send = 1))

            """)
        let t = try harness.run(["compile", "type.star"])
        XCTAssertEqual(t.status, 1, t.all)
        XCTAssertTrue(t.all.contains("type.star:1:"), t.all)
        XCTAssertTrue(t.all.contains("send"), t.all)
    }

    /// `faultbox generate` loads the services from the user's file, so every healthcheck
    /// (new keywords and functions included) reaches the generated file's plan unchanged.
    func testGenerateCarriesHealthchecksOver() throws {
        try harness.write("topo.star", """
            def ready():
                return api.get(path = "/health").status == 200
            db = service("db", "/usr/bin/python3", interface("main", "tcp", 28411),
                args = ["line_server.py", "28411"],
                healthcheck = tcp("localhost:28411", send = "PING", expect_regex = "^\\\\+PONG", timeout = "5s"))
            api = service("api", "/usr/bin/python3", interface("public", "http", 28412),
                args = ["http_server.py", "28412"], depends_on = [db],
                env = {"DB": "localhost:28411"}, healthcheck = ready, healthcheck_timeout = "7s")
            web = service("web", "/usr/bin/python3", interface("public", "http", 28413),
                args = ["http_server.py", "28413"], env = {"API": "localhost:28412"},
                healthcheck = http("localhost:28413/health", status = 200, body = "ready"))
            def flow():
                return web.get(path = "/health")
            scenario(flow)

            """)
        let g = try harness.run(["generate", "topo.star"])
        XCTAssertEqual(g.status, 0, g.all)
        let files = try FileManager.default.contentsOfDirectory(atPath: harness.workDirectory).filter { $0.hasSuffix(".faults.star") }
        XCTAssertEqual(files.count, 1, g.all)
        let original = try harness.run(["compile", "topo.star", "--format", "json"])
        let generated = try harness.run(["compile", files[0], "--format", "json"])
        XCTAssertEqual(original.status, 0, original.all)
        XCTAssertEqual(generated.status, 0, generated.all)
        func healthchecks(_ json: String) throws -> [String] {
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let services = object?["services"] as? [[String: Any]] ?? []
            return try services.map { s in
                let data = try JSONSerialization.data(withJSONObject: s["healthcheck"] ?? NSNull(), options: [.sortedKeys])
                return String(decoding: data, as: UTF8.self)
            }
        }
        let before = try healthchecks(original.stdout), after = try healthchecks(generated.stdout)
        XCTAssertEqual(before.count, 3, original.stdout)
        XCTAssertEqual(before, after)
        XCTAssertTrue(before.joined().contains("\"expect_regex\":\"^\\\\+PONG\""), before.joined())
        XCTAssertTrue(before.joined().contains("\"function\":\"ready\""), before.joined())
        XCTAssertTrue(before.joined().contains("\"body\":\"ready\""), before.joined())
    }
}
