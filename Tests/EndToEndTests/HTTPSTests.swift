import Foundation
import TestSupport
import XCTest

/// HTTPS interfaces and healthchecks against a real TLS server (CPython's `ssl` over
/// `http.server`) with certificates made by the `openssl` command for each run: verified
/// against a CA, accepted as self-signed with `insecure=True`, mutual TLS; and the failures
/// a user meets (untrusted certificate, plain HTTP on an https interface, a missing client
/// certificate, bad TLS material at load) named with their fix.
final class HTTPSTests: XCTestCase {
    var harness: FaultboxHarness!

    static let server = """
        import http.server, ssl, sys
        port, mode = int(sys.argv[1]), sys.argv[2]
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                peer = self.connection.getpeercert() if mode == "mtls" else None
                who = " from " + dict(x[0] for x in peer["subject"])["commonName"] if peer else ""
                body = ("hello over tls" + who).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *a):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
        if mode != "plain":
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain("certs/server.pem", "certs/server.key")
            if mode == "mtls":
                context.verify_mode = ssl.CERT_REQUIRED
                context.load_verify_locations("certs/ca.pem")
            server.socket = context.wrap_socket(server.socket, server_side=True)
        server.serve_forever()

        """

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            throw cannotRun("openssl is not installed", fix: "make deps installs it")
        }
        harness = try FaultboxHarness.make()
        try harness.write("tls_server.py", Self.server)
        try makeCertificates()
    }

    override func tearDown() {
        if let harness {
            XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
            harness.cleanUp()
        }
    }

    /// A service on a free port running the server in `mode` (tls, mtls or plain).
    private func service(_ name: String, _ proto: String, _ port: Int, _ mode: String, tls: String? = nil,
                         healthcheck: String) -> String {
        """
        \(name) = service("\(name)", "/usr/bin/python3",
            interface("public", "\(proto)", \(port)\(tls.map { ", tls = " + $0 } ?? "")),
            args = ["tls_server.py", "\(port)", "\(mode)"], healthcheck = \(healthcheck))

        """
    }

    func testVerifiedSelfSignedAndMutualTLS() throws {
        let (a, b, c) = (kernelFreePort(), kernelFreePort(), kernelFreePort())
        try harness.write("https.star", service("verified", "https", a, "tls", tls: #"tls_cert(ca = "certs/ca.pem")"#,
                                                healthcheck: "http(\"localhost:\(a)/\")")
            + service("selfsigned", "https", b, "tls", tls: "tls_cert(insecure = True)",
                      healthcheck: "http(\"https://localhost:\(b)/\", status = 200)")
            + service("mutual", "http", c, "mtls",
                      tls: #"tls_cert(ca = "certs/ca.pem", client_cert = "certs/client.pem", client_key = "certs/client.key")"#,
                      healthcheck: "http(\"localhost:\(c)/\")")
            + """
            def test_verified():
                r = verified.get(path = "/")
                assert_eq(r.status, 200)
                assert_eq(r.body, "hello over tls")

            def test_self_signed():
                assert_eq(selfsigned.public.get().body, "hello over tls")

            def test_mutual():
                assert_eq(mutual.public.get().body, "hello over tls from faultbox client")

            """)
        let r = try harness.run(["test", "https.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("3 passed, 0 failed"), r.all)

        // The plan shows which interfaces speak TLS, with the spec's relative paths.
        let plan = try harness.run(["compile", "https.star"])
        XCTAssertEqual(plan.status, 0, plan.all)
        XCTAssertTrue(plan.stdout.contains("interface   public http localhost:\(a) tls_cert(ca=\"certs/ca.pem\")"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("healthcheck http(\"https://localhost:\(b)/\", status=200, tls=tls_cert(insecure=True))"),
                      plan.stdout)
    }

    func testTLSFailuresNameTheCauseAndTheFix() throws {
        let (a, b, c) = (kernelFreePort(), kernelFreePort(), kernelFreePort())
        try harness.write("fail.star", service("untrusted", "https", a, "tls", healthcheck: "tcp(\"localhost:\(a)\")")
            + service("plain", "https", b, "plain", tls: "tls_cert(insecure = True)", healthcheck: "tcp(\"localhost:\(b)\")")
            + service("mutual", "https", c, "mtls", tls: #"tls_cert(ca = "certs/ca.pem")"#,
                      healthcheck: "tcp(\"localhost:\(c)\")")
            + """
            def test_untrusted():
                r = untrusted.public.get()
                assert_true(r.ok, r.error)

            def test_plain():
                r = plain.public.get()
                assert_true(r.ok, r.error)

            def test_no_client_certificate():
                r = mutual.public.get()
                assert_true(r.ok, r.error)

            """)
        let r = try harness.run(["test", "fail.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("0 passed, 3 failed"), r.all)
        for needle in [
            "TLS: the service's certificate is not trusted (certificate verify failed); trust its CA with "
                + #"tls = tls_cert(ca = "ca.pem"), or accept a self-signed one with tls = tls_cert(insecure = True) (https://localhost:\#(a)/)"#,
            #"TLS handshake failed: the service did not answer with TLS (is it plain HTTP? then declare the interface "http" without tls=)"#,
            "TLS handshake failed: the service refused the client (does it require a client certificate?",
        ] {
            XCTAssertTrue(r.all.contains(needle), "missing \(needle) in\n\(r.all)")
        }
        // An untrusted certificate is an answer, not something to retry until the deadline.
        XCTAssertFalse(r.all.contains("timed out"), r.all)
    }

    func testBadTLSMaterialFailsAtLoadWithTheFix() throws {
        try harness.write("certs/garbage.pem", "not a certificate\n")
        let cases: [(String, String)] = [
            (#"tls_cert(ca = "certs/missing.pem")"#, #"tls_cert: ca="certs/missing.pem" (resolved to "#),
            (#"tls_cert(ca = "certs/garbage.pem")"#, #"tls_cert: ca="certs/garbage.pem" (resolved to "#),
            (#"tls_cert(client_key = "certs/ca.pem", client_cert = "certs/client.pem")"#, "it is not a PEM private key"),
            (#"tls_cert(client_cert = "certs/client.pem")"#, "client_cert= and client_key= go together (mutual TLS); add client_key="),
            (#"tls_cert(insecure = True, ca = "certs/ca.pem")"#, "insecure=True and ca= contradict each other"),
            (#"tls_cert("certs/ca.pem")"#, "tls_cert: takes keyword arguments only"),
            (#"tls_cert(proxy_cert = "certs/server.pem")"#, "faultbox has no proxy"),
            (#"tls_cert(insecure = "yes")"#, "tls_cert: for parameter insecure: got string, want bool"),
            (#""certs/ca.pem""#, "interface: for parameter tls: got string, want tls_cert(...)"),
        ]
        for (tls, message) in cases {
            try harness.write("bad.star", """
                api = service("api", "/bin/true",
                    interface("public", "https", 8443, tls = \(tls)))

                def test_x():
                    pass

                """)
            let r = try harness.run(["compile", "bad.star"])
            XCTAssertEqual(r.status, 1, "\(tls): \(r.all)")
            XCTAssertTrue(r.stderr.hasPrefix("bad.star:2:"), "\(tls): the error names the line: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(tls): missing \(message) in \(r.stderr)")
        }
        try harness.write("tcp.star", """
            db = service("db", "/bin/true", interface("main", "tcp", 5432, tls = tls_cert(insecure = True)))
            api = service("api", "/bin/true", interface("public", "https", 8443),
                healthcheck = http("http://localhost:8443/", tls = tls_cert(insecure = True)))

            def test_x():
                pass

            """)
        let r = try harness.run(["compile", "tcp.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("tcp.star:1:33: interface \"main\" of service \"db\": tls= is offered on http interfaces only"),
                      r.stderr)
        XCTAssertTrue(r.stderr.contains("healthcheck of service \"api\": tls= with an http:// URL\n"
                                        + "    fix: write the URL as https://localhost:8443/, or drop tls="), r.stderr)
    }

    /// A CA, a server certificate for localhost and 127.0.0.1 signed by it, and a client
    /// certificate (CN "faultbox client") signed by it, in certs/.
    private func makeCertificates() throws {
        let dir = harness.path("certs")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: dir + "/san.ext", atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=faultbox test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "san.ext"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=faultbox client"],
            ["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "client.pem", "-days", "2"],
        ]
        for step in steps {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = step
            p.currentDirectoryURL = URL(fileURLWithPath: dir)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, "openssl \(step.joined(separator: " "))")
        }
    }
}
