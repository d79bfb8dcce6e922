// mock-db: the demo database of the tutorial. A line-oriented TCP server:
//   PING -> PONG, SET k v -> OK, GET k -> v | NOT_FOUND, QUIT closes; errors are `ERR reason`.
// Environment: PORT (default 5432), DATA_DIR (default: a fresh directory under $TMPDIR).
import DemoNet
import Glibc

let programName = "mock-db"

func fail(_ message: String, status: Int32) -> Never {
    writeLine(2, "\(programName): \(message)")
    exit(status)
}

func portFromEnvironment(default fallback: Int) -> Int {
    guard let raw = getenv("PORT") else { return fallback }
    let text = String(cString: raw)
    guard let port = Int(text), (1...65535).contains(port) else {
        fail("PORT must be a number from 1 to 65535, got '\(text)'", status: 2)
    }
    return port
}

/// DATA_DIR if set (created if missing), else a fresh temporary directory we remove at exit.
func dataDirectory() -> (path: String, isTemporary: Bool) {
    if let raw = getenv("DATA_DIR"), raw.pointee != 0 {
        let path = String(cString: raw)
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            fail("cannot create DATA_DIR '\(path)': \(errnoText(errno))", status: 2)
        }
        return (path, false)
    }
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((base + "/mock-db-XXXXXX").utf8CString)
    guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
        fail("cannot create a temporary data directory in \(base): \(errnoText(errno))", status: 1)
    }
    let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return (path, true)
}

/// Answers one command line; nil means "close the connection".
func answer(_ line: String, store: Store) -> String? {
    let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
    guard let verb = parts.first?.uppercased() else { return "ERR empty command" }
    switch verb {
    case "PING": return "PONG"
    case "QUIT": return nil
    case "GET":
        guard parts.count == 2 else { return "ERR usage: GET key" }
        return store.get(String(parts[1])) ?? "NOT_FOUND"
    case "SET":
        guard parts.count == 3 else { return "ERR usage: SET key value" }
        if let failure = store.set(String(parts[1]), String(parts[2])) { return "ERR \(failure)" }
        return "OK"
    default:
        return "ERR unknown command '\(verb)' (expected PING, SET, GET or QUIT)"
    }
}

func serve(connection fd: Int32, store: Store) {
    defer { close(fd) }
    var reader = LineReader(fd: fd)
    while true {
        switch reader.next() {
        case .line(let line):
            let verb = line.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            guard let reply = answer(line, store: store) else {
                writeLine(1, "\(programName): QUIT")
                return
            }
            writeLine(1, "\(programName): \(verb.uppercased()) -> \(reply.hasPrefix("ERR") ? reply : String(reply.prefix(40)))")
            if !sendAll(fd, Array((reply + "\n").utf8)) { return }
        case .tooLong:
            _ = sendAll(fd, Array("ERR line too long (limit 1 MiB)\n".utf8))
            return
        case .closed:
            return
        case .failed(let code):
            writeLine(2, "\(programName): read: \(errnoText(code))")
            return
        }
    }
}

// SIGTERM/SIGINT are blocked in every thread and taken by one waiter thread, which removes a
// temporary data directory and exits 0: a clean stop without async-signal-unsafe handlers.
let blocked = blockStopSignals()

let port = portFromEnvironment(default: 5432)
// Listen before making the data folder, so that a taken port leaves no temporary folder.
let listener: Int32
switch listenTCP(port: port) {
case .success(let fd): listener = fd
case .failure(let reason): fail("cannot listen on port \(port): \(reason)", status: 1)
}
let directory = dataDirectory()
let store: Store
do { store = try Store(directory: directory.path) } catch {
    if directory.isTemporary { rmdir(directory.path) }
    fail(error.message, status: 1)
}
writeLine(1, "\(programName): listening on port \(port), data in \(store.path)")

stopOnSignal(blocked, programName: programName) {
    if directory.isTemporary {
        unlink(store.path)
        rmdir(directory.path)
    }
}
serveForever(listener, programName: programName) { serve(connection: $0, store: store) }
