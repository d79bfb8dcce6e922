import Foundation
import Trace
import XCTest

final class EncoderTests: XCTestCase {
    func testJSONEventShapeAndKeyOrder() throws {
        let e = TraceEvent(seq: 7, timeNanos: 1500, kind: .stdout, eventType: "stdout", service: "api",
                           fields: [("line", "a\"b\u{1}\n")], data: .object([("z", .int(1)), ("a", .list([.double(0.5), .null]))]))
        let out = TraceJSON.value(e, clock: ["test": 2, "api": 5]).renderExpanded()
        XCTAssertEqual(out, """
        {
          "seq": 7,
          "time_ns": 1500,
          "type": "stdout",
          "event_type": "stdout",
          "partition_key": "api",
          "service": "api",
          "fields": {
            "line": "a\\"b\\u0001\\n"
          },
          "data": {
            "z": 1,
            "a": [
              0.5,
              null
            ]
          },
          "vector_clock": {
            "api": 5,
            "test": 2
          }
        }
        """)
    }

    func testJSONArrayParsesBackWithFoundation() throws {
        let events = SampleTrace.events
        let clocks = VectorClocks.compute(events: events, portOwners: SampleTrace.ports)
        let text = TraceJSON.encode(events: events, clocks: clocks, indent: 2)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        XCTAssertEqual(parsed.count, events.count)
        XCTAssertEqual(parsed[6]["event_type"] as? String, "syscall.accept")
        XCTAssertEqual((parsed[6]["vector_clock"] as? [String: Int])?["api"], 3)
        XCTAssertEqual((parsed[4]["fields"] as? [String: String])?["addr"], "127.0.0.1:5432")
        XCTAssertNil(parsed[0]["data"])
        // Indented for splicing at depth 2: elements at three levels, the bracket at two.
        XCTAssertTrue(text.hasSuffix("\n      }\n    ]"))
        XCTAssertEqual(TraceJSON.encode(events: []), "[]")
    }

    func testShiVizShape() {
        let text = ShiVizEncoder.encode(tests: [
            ShiVizExecution(name: "test_one", events: SampleTrace.events, portOwners: SampleTrace.ports),
            ShiVizExecution(name: "test_two", events: [SampleTrace.events[0]]),
        ])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], #"(?<host>\S+) (?<clock>\{.*\})\n(?<event>.*)"#)
        XCTAssertEqual(lines[1], "=== test: (?<trace>.*) ===")
        XCTAssertEqual(lines[2], "=== test: test_one ===")
        XCTAssertEqual(Array(lines[3...8]), [
            #"db {"db": 1}"#, "lifecycle.started",
            #"api {"api": 1}"#, "lifecycle.started",
            #"test {"test": 1}"#, "step_send.api POST /data/k",
        ])
        XCTAssertEqual(lines[15], #"db {"api": 3, "db": 3, "test": 1}"#)
        XCTAssertEqual(lines[16], "syscall.accept allow")
        XCTAssertEqual(lines[14], "syscall.write /tmp/x.wal allow")
        XCTAssertEqual(lines[20], "syscall.connect 127.0.0.1:5432 deny(ECONNREFUSED)")
        XCTAssertEqual(lines[26], "step_recv.api 200")
        XCTAssertEqual(Array(lines[27...]), ["=== test: test_two ===", #"db {"db": 1}"#, "lifecycle.started", ""])
        // Every event line pair matches the parser regex, so ShiViz reads them all.
        let re = try! NSRegularExpression(pattern: #"(?<host>\S+) (?<clock>\{.*\})\n(?<event>.*)"#)
        let body = lines[3...].joined(separator: "\n")
        XCTAssertEqual(re.numberOfMatches(in: body, range: NSRange(body.startIndex..., in: body)), SampleTrace.events.count + 1)
    }

    func testShiVizDescriptionsStayOneLine() {
        let e = TraceEvent(timeNanos: 1, kind: .stdout, eventType: "stdout", service: "my svc",
                           fields: [("line", "=== test: x ===\nsecond line" + String(repeating: "y", count: 500))])
        let d = ShiVizEncoder.describe(e)
        XCTAssertFalse(d.contains("\n"))
        XCTAssertFalse(d.contains("=== test:"))
        XCTAssertLessThanOrEqual(d.count, 203)
        let text = ShiVizEncoder.encode(tests: [ShiVizExecution(name: "t", events: [e])])
        XCTAssertTrue(text.contains("\nmy_svc {\"my_svc\": 1}\n"))
    }
}
