import Trace
import XCTest

final class DecoderTests: XCTestCase {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    // MARK: JSON

    func testJSONObjectKeepsKeyOrderAndIntegers() throws {
        let d = TraceDecoder.json.decode(line: bytes(#"{"level":"ERROR","code":500,"ratio":0.25,"whole":2.0,"ok":true,"n":null,"tags":["a",1],"ctx":{"z":1,"a":2}}"#))
        XCTAssertEqual(d, .object([
            ("level", .string("ERROR")), ("code", .int(500)), ("ratio", .double(0.25)), ("whole", .int(2)),
            ("ok", .bool(true)), ("n", .null), ("tags", .list([.string("a"), .int(1)])),
            ("ctx", .object([("z", .int(1)), ("a", .int(2))])),
        ]))
    }

    func testJSONNumbersAtTheEdges() {
        XCTAssertEqual(TraceDecoder.json.decode(line: bytes(#"{"a":-9223372036854775808,"b":9223372036854775808,"c":1e3,"d":-0.5e-1}"#)),
                       .object([("a", .int(.min)), ("b", .double(9223372036854775808)), ("c", .int(1000)), ("d", .double(-0.05))]))
        for bad in [#"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":1e}"#, #"{"a":-}"#] {
            XCTAssertNil(TraceDecoder.json.decode(line: bytes(bad)), bad)
        }
    }

    func testJSONStringEscapes() {
        let d = TraceDecoder.json.decode(line: bytes(#"{"s":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00\ud800x"}"#))
        XCTAssertEqual(d?.member("s"), .string("a\"b\\c/d\n\té😀\u{FFFD}x"))
    }

    func testJSONRejectsWhatIsNotOneObject() {
        for line in ["", "   ", "plain text", "[1,2]", "42", #""s""#, #"{"a":1} trailing"#, #"{"a":1}{"b":2}"#,
                     #"{"a":1,}"#, #"{"a" 1}"#, #"{a:1}"#, #"{"a":tru}"#, #"{"a":[1,2}"#, "{"] {
            XCTAssertNil(TraceDecoder.json.decode(line: bytes(line)), line)
        }
        // Surrounding whitespace and a CR are fine.
        XCTAssertEqual(TraceDecoder.json.decode(line: bytes(" {\"a\":1}\r")), .object([("a", .int(1))]))
    }

    func testJSONUnterminatedStringsAreNotParsed() {
        XCTAssertNil(TraceDecoder.json.decode(line: bytes(#"{"msg":"never closed"#)))
        XCTAssertNil(TraceDecoder.json.decode(line: bytes(#"{"msg":"ends in escape\"#)))
        XCTAssertNil(TraceDecoder.json.decode(line: bytes(#"{"msg":"bad escape \q"}"#)))
        XCTAssertNil(TraceDecoder.json.decode(line: bytes(#"{"msg":"short \u12"}"#)))
    }

    func testJSONDeepNestingIsRefusedWithoutCrashing() {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        XCTAssertNil(TraceDecoder.json.decode(line: deep))
        let deepObject = bytes(String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000))
        XCTAssertNil(TraceDecoder.json.decode(line: deepObject))
        // Within the limit nesting works.
        let ok = bytes(String(repeating: #"{"a":"#, count: 200) + "1" + String(repeating: "}", count: 200))
        XCTAssertNotNil(TraceDecoder.json.decode(line: ok))
    }

    func testJSONToleratesInvalidUTF8AndNUL() {
        var line = bytes(#"{"msg":"caf"#)
        line += [0xC3, 0x28, 0xFF, 0x00]
        line += bytes(#"","k":"v"}"#)
        let d = TraceDecoder.json.decode(line: line)
        XCTAssertEqual(d?.member("msg"), .string("caf\u{FFFD}(\u{FFFD}\u{0}"))
        XCTAssertEqual(d?.member("k"), .string("v"))
    }

    func testJSONRepeatedKeyKeepsFirstPositionLastValue() {
        XCTAssertEqual(TraceDecoder.json.decode(line: bytes(#"{"a":1,"b":2,"a":3}"#)), .object([("a", .int(3)), ("b", .int(2))]))
        // A line with thousands of keys stays linear (and correct).
        let many = "{" + (0..<5000).map { "\"k\($0 % 2500)\":\($0)" }.joined(separator: ",") + "}"
        guard case .object(let entries)? = TraceDecoder.json.decode(line: bytes(many)) else { return XCTFail() }
        XCTAssertEqual(entries.count, 2500)
        XCTAssertEqual(entries.first?.value, .int(2500))
    }

    // MARK: logfmt

    func testLogfmtPairsQuotesAndFlags() {
        let d = TraceDecoder.logfmt.decode(line: bytes(#"level=info msg="started server" port=8080 debug empty= path=/a=b"#))
        XCTAssertEqual(d, .object([("level", .string("info")), ("msg", .string("started server")), ("port", .string("8080")),
                                   ("debug", .string("true")), ("empty", .string("")), ("path", .string("/a=b"))]))
    }

    func testLogfmtEscapes() {
        let d = TraceDecoder.logfmt.decode(line: bytes(#"msg="say \"hi\"\n\tto C:\\dir \u00e9 \q" n=1"#))
        XCTAssertEqual(d?.member("msg"), .string("say \"hi\"\n\tto C:\\dir é \\q"))
        XCTAssertEqual(d?.member("n"), .string("1"))
    }

    func testLogfmtRejectsWhatIsNotLogfmt() {
        for line in ["", "Starting server on port 8080", #"msg="never closed"#, "=value", #"a="x"y"#, #"a"b=1"#] {
            XCTAssertNil(TraceDecoder.logfmt.decode(line: bytes(line)), line)
        }
    }

    func testLogfmtToleratesInvalidUTF8AndNUL() {
        let d = TraceDecoder.logfmt.decode(line: bytes("a=") + [0xFF, 0x00] + bytes(" b=2"))
        XCTAssertEqual(d, .object([("a", .string("\u{FFFD}\u{0}")), ("b", .string("2"))]))
    }

    // MARK: regex

    func testRegexPythonNamedGroups() throws {
        let dec = try TraceDecoder.regex(#"WAL: (?P<action>\w+) (?P<path>.+)"#)
        XCTAssertEqual(dec.groupNames, ["action", "path"])
        XCTAssertEqual(dec.decode(line: bytes("2024 WAL: fsync /data/wal/001")),
                       .object([("action", .string("fsync")), ("path", .string("/data/wal/001"))]))
        XCTAssertNil(dec.decode(line: bytes("nothing here")))
    }

    func testRegexGroupNamesICUWouldRefuseAndUnnamedGroups() throws {
        // Underscores, unnamed groups before named ones, back-references by name.
        let dec = try TraceDecoder.regex(#"(GET|POST) (?P<req_path>\S+) -> (?<status_code>\d+)(?: (?P<opt>x))? (?P<word>\w)(?P=word)"#)
        XCTAssertEqual(dec.decode(line: bytes("POST /a -> 503 zz")),
                       .object([("req_path", .string("/a")), ("status_code", .string("503")), ("opt", .string("")), ("word", .string("z"))]))
        XCTAssertNil(dec.decode(line: bytes("POST /a -> 503 zy")))
        // Brackets and escapes are not groups.
        let cls = try TraceDecoder.regex(#"[(]\((?P<n>[^)(]+)\)"#)
        XCTAssertEqual(cls.decode(line: bytes("((inner)")), .object([("n", .string("inner"))]))
    }

    func testRegexOnHostileLines() throws {
        let dec = try TraceDecoder.regex(#"level=(?P<level>\w+)"#)
        XCTAssertEqual(dec.decode(line: [0xFF, 0x00] + bytes(" level=warn")), .object([("level", .string("warn"))]))
    }

    func testBadRegexIsASpecErrorWithAMessage() {
        func message(_ p: String) -> String {
            do { _ = try TraceDecoder.regex(p); return "no error" } catch { return error.message }
        }
        XCTAssertTrue(message("(?P<a>x").contains("missing ')'"), message("(?P<a>x"))
        XCTAssertTrue(message("a)").contains("unbalanced ')'"))
        XCTAssertTrue(message("[abc").contains("unterminated character class"))
        XCTAssertTrue(message("(?P<a>x)(?P<a>y)").contains("used twice"))
        XCTAssertTrue(message("(?P<1a>x)").contains("group name"))
        XCTAssertTrue(message("(?P=nope)").contains("unknown group"))
        XCTAssertTrue(message("a**").hasPrefix("decoder(\"regex\"): invalid pattern \"a**\""), message("a**"))
    }

    func testDecoderByName() throws {
        XCTAssertEqual(try TraceDecoder.named("json").format, .json)
        XCTAssertEqual(try TraceDecoder.named("regex", pattern: "(?P<x>.)").description, #"decoder("regex", pattern="(?P<x>.)")"#)
        XCTAssertThrowsError(try TraceDecoder.named("xml")) { XCTAssertEqual(($0 as? TraceDecoderError)?.message, #"unknown decoder "xml" (decoders: "json", "logfmt", "regex")"#) }
        XCTAssertThrowsError(try TraceDecoder.named("regex"))
        XCTAssertThrowsError(try TraceDecoder.named("json", pattern: "x"))
    }

    // MARK: output events

    func testOutputEventKeepsRawLineAndDecodes() {
        let e = OutputEvents.event(service: "api", stream: .stdout, line: OutputLine(bytes: bytes(#"{"level":"ERROR","code":7}"#)), decoder: .json)
        XCTAssertEqual(e.type, "stdout")
        XCTAssertEqual(e.field("line"), #"{"level":"ERROR","code":7}"#)
        XCTAssertEqual(e.field("level"), "ERROR")
        XCTAssertEqual(e.field("code"), "7")
        XCTAssertTrue(EventFilter([("type", "stdout"), ("level", "ERR*")]).matches(e))

        let raw = OutputEvents.event(service: "api", stream: .stderr, line: OutputLine(bytes: bytes("panic: boom")), decoder: .json)
        XCTAssertEqual(raw.field("line"), "panic: boom")
        XCTAssertNil(raw.data)
    }

    func testMegabyteLineIsCappedAndMarked() {
        var big = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        big[65535] = 0xC3; big[65536] = 0xA9  // é across the cap
        let e = OutputEvents.event(service: "api", stream: .stdout, line: OutputLine(bytes: big), decoder: .json)
        XCTAssertEqual(e.field("line")?.utf8.count, 65535)
        XCTAssertEqual(e.field("truncated"), "true")
        XCTAssertEqual(e.field("line_bytes"), "1048576")
        XCTAssertNil(e.data)
    }
}
