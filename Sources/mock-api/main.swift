// mock-api: the demo HTTP service of the tutorial, in front of mock-db.
//   GET /health -> 200 ok
//   POST /data/<key> (body = value) -> 200 "stored: k=v" | 500 "db error: ..."
//   GET /data/<key> -> 200 value | 404 | 500 "db error: ..."
// Environment: PORT (default 8080), DB_ADDR (host:port, default localhost:5432).
import DemoNet
import Glibc

let programName = "mock-api"

func fail(_ message: String, status: Int32) -> Never {
    writeLine(2, "\(programName): \(message)")
    exit(status)
}

func environment(_ name: String) -> String? {
    guard let raw = getenv(name), raw.pointee != 0 else { return nil }
    return String(cString: raw)
}

/// A key is one path segment of printable ASCII without spaces (it travels in a text line).
func validKey(_ key: Substring) -> Bool {
    !key.isEmpty && key.utf8.count <= 256 && key.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "/") }
}

func route(_ request: HTTPRequest, db: DBClient) -> HTTPResponse {
    let path = request.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    if path == "/health" {
        return request.method == "GET" ? HTTPResponse(status: 200, body: "ok")
                                       : HTTPResponse(status: 405, body: "use GET /health")
    }
    guard path.hasPrefix("/data/") else {
        return HTTPResponse(status: 404, body: "no route for \(path) (routes: GET /health, GET|POST /data/<key>)")
    }
    let key = path.dropFirst("/data/".count)
    guard validKey(key) else {
        return HTTPResponse(status: 400, body: "key must be 1-256 printable ASCII characters without spaces or '/'")
    }
    switch request.method {
    case "POST", "PUT":
        let value = String(decoding: request.body, as: UTF8.self)
        guard !value.isEmpty, !value.utf8.contains(10), !value.utf8.contains(13) else {
            return HTTPResponse(status: 400, body: "body must be a non-empty single line (the value to store)")
        }
        switch db.exchange("SET \(key) \(value)") {
        case .failure(let failure): return HTTPResponse(status: 500, body: "db error: \(failure.message)")
        case .success("OK"): return HTTPResponse(status: 200, body: "stored: \(key)=\(value)")
        case .success(let reply): return HTTPResponse(status: 500, body: "db error: \(dbReason(reply))")
        }
    case "GET":
        switch db.exchange("GET \(key)") {
        case .failure(let failure): return HTTPResponse(status: 500, body: "db error: \(failure.message)")
        case .success("NOT_FOUND"): return HTTPResponse(status: 404, body: "not found: \(key)")
        case .success(let reply) where reply.hasPrefix("ERR"): return HTTPResponse(status: 500, body: "db error: \(dbReason(reply))")
        case .success(let value): return HTTPResponse(status: 200, body: value)
        }
    default:
        return HTTPResponse(status: 405, body: "use GET or POST on /data/<key>")
    }
}

/// "ERR fsync: Input/output error" -> "fsync: Input/output error".
func dbReason(_ reply: String) -> String {
    reply.hasPrefix("ERR ") ? String(reply.dropFirst(4)) : "unexpected reply '\(reply.prefix(200))'"
}

func serve(connection fd: Int32, db: DBClient) {
    defer { close(fd) }
    // Idle keep-alive connections are dropped after 30 s so threads do not pile up.
    var idle = timeval(tv_sec: 30, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, socklen_t(MemoryLayout<timeval>.size))
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    var reader = RequestReader(fd: fd)
    while true {
        switch reader.next() {
        case .closed:
            return
        case .bad(let response):
            writeLine(2, "\(programName): bad request: \(response.status) \(response.body)")
            _ = sendResponse(fd, response, keepAlive: false)
            return
        case .request(let request):
            let started = nowMs()
            let response = route(request, db: db)
            let keepAlive = request.keepAlive
            let elapsed = (nowMs() - started) * 10
            writeLine(1, "\(programName): \(request.method) \(request.path.prefix(200)) -> \(response.status) "
                + "(\(Double(Int(elapsed)) / 10)ms)")
            if response.status >= 500 { writeLine(2, "\(programName): \(response.body)") }
            if !sendResponse(fd, response, keepAlive: keepAlive) || !keepAlive { return }
        }
    }
}

let blocked = blockStopSignals()

let port: Int
if let text = environment("PORT") {
    guard let number = Int(text), (1...65535).contains(number) else {
        fail("PORT must be a number from 1 to 65535, got '\(text)'", status: 2)
    }
    port = number
} else {
    port = 8080
}
let db: DBClient
switch DBClient.resolve(environment("DB_ADDR") ?? "localhost:5432") {
case .success(let client): db = client
case .failure(let failure): fail(failure.message, status: 2)
}

let listener: Int32
switch listenTCP(port: port) {
case .success(let fd): listener = fd
case .failure(let reason): fail("cannot listen on port \(port): \(reason)", status: 1)
}
writeLine(1, "\(programName): listening on port \(port), db at \(db.display)")

stopOnSignal(blocked, programName: programName)
serveForever(listener, programName: programName) { serve(connection: $0, db: db) }
