import StarlarkVM

/// An HTTP response as spec code sees it: `status`, `body`, `headers` (names lower case),
/// `duration_ms`, `ok` (a response with status 200-399), `error` (transport error or None),
/// `data` (the body parsed as JSON when it is JSON, else None). `body` is trimmed of leading
/// and trailing white space, as the reference tool does: its specs compare a Go service's
/// `fmt.Fprintln` reply with `assert_eq(resp.body, "hello")`.
final class ResponseValue: StarObject {
    let fields: [(String, Value)]
    init(fields: [(String, Value)]) { self.fields = fields }
    override var typeName: String { "response" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        let status = fields.first { $0.0 == "status" }.map { Ops.repr($0.1) } ?? "?"
        out += Array("<response status=\(status)>".utf8)
    }
    override func attr(_ name: String, thread: StarThread) throws -> Value? {
        fields.first { $0.0 == name }?.1
    }
    override var attrNames: [String] { fields.map(\.0).sorted() }
}

/// A syscall event given to monitors: `service`, `syscall`, `pid`, `decision`, `path`, `addr`.
final class EventValue: StarObject {
    let fields: [(String, Value)]
    init(fields: [(String, Value)]) { self.fields = fields }
    override var typeName: String { "syscall_event" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array("<event".utf8)
        for (k, v) in fields { out += Array(" \(k)=\(Ops.repr(v))".utf8) }
        out += Array(">".utf8)
    }
    override func attr(_ name: String, thread: StarThread) throws -> Value? {
        fields.first { $0.0 == name }?.1
    }
    override var attrNames: [String] { fields.map(\.0).sorted() }
}

extension SpecValues {
    /// Builds the response object; `data` decodes the body with the universe's `json`
    /// when the body parses as JSON.
    public static func response(_ r: SpecHTTPResult, thread: StarThread) -> Value {
        let headers = StarDict()
        for (k, v) in r.headers { try? headers.set(.str(k.lowercased()), .str(v)) }
        let body = trimmingWhiteSpace(r.body)
        var data: Value = .none
        if r.error == nil, !body.isEmpty, let decode = jsonDecode(thread) {
            data = (try? thread.call(decode, Arguments([.str(body)]))) ?? .none
        }
        return .object(ResponseValue(fields: [
            ("status", .int(Int64(r.status))),
            ("body", .str(body)),
            ("headers", .dict(headers)),
            ("duration_ms", .float(r.durationMilliseconds)),
            // Like ServiceClients and the healthchecks: 200-399 is ok (requests' `ok` too).
            ("ok", .bool(r.error == nil && r.status >= 200 && r.status < 400)),
            ("error", r.error.map { .str($0) } ?? .none),
            ("data", data),
        ]))
    }

    /// The event object given to a monitor callback.
    public static func event(service: String, syscall: String, pid: Int32, decision: String,
                             path: String?, addr: String?) -> Value {
        .object(EventValue(fields: [
            ("service", .str(service)), ("syscall", .str(syscall)), ("pid", .int(Int64(pid))),
            ("decision", .str(decision)), ("path", path.map { .str($0) } ?? .none),
            ("addr", addr.map { .str($0) } ?? .none),
        ]))
    }

    /// `bytes` without leading and trailing white space (Unicode White_Space, as Go's
    /// strings.TrimSpace); a body that is not UTF-8 loses only its ASCII white space.
    static func trimmingWhiteSpace(_ bytes: [UInt8]) -> [UInt8] {
        // Most bodies start and end with a visible ASCII byte: nothing to trim, no decoding.
        guard let head = bytes.first, let tail = bytes.last else { return bytes }
        if head < 0x80, tail < 0x80, !isASCIISpace(head), !isASCIISpace(tail) { return bytes }
        if let text = String(validating: bytes, as: UTF8.self) {
            let scalars = text.unicodeScalars
            guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
                  let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return [] }
            return Array(String(scalars[first...last]).utf8)
        }
        guard let first = bytes.firstIndex(where: { !isASCIISpace($0) }),
              let last = bytes.lastIndex(where: { !isASCIISpace($0) }) else { return [] }
        return Array(bytes[first...last])
    }

    /// Space, tab, LF, VT, FF, CR.
    private static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    static func jsonDecode(_ thread: StarThread) -> Value? {
        guard let json = Universe.builtins["json"] else { return nil }
        return try? Ops.getAttr(json, "decode", thread: thread)
    }
}
