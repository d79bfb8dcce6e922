import Foundation
import XCTest

/// `faultbox test | head -1`: the reader goes away after the first line. faultbox must stop
/// like an interrupt (services torn down, mock-db's temporary folder removed, JUnit written
/// for what finished) and exit 141 as a pipeline expects, instead of dying of SIGPIPE with
/// nothing written. Ports 26xxx keep this spec apart from the others.
final class BrokenPipeTests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws {
        harness = try FaultboxHarness.make()
        try harness.write("topology.star", FailureTests.topology
            .replacingOccurrences(of: "25432", with: "26432")
            .replacingOccurrences(of: "28080", with: "26080"))
    }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }

    func testClosedStdoutStopsRunWritesJUnitAndExits141() throws {
        // Enough quick cells that the run is still going when the reader leaves.
        var spec = "load(\"topology.star\", \"api\", \"db\", \"order_flow\")\n"
        for i in 1...8 { spec += "def test_flow_\(i)():\n    order_flow()\n" }
        try harness.write("many.star", spec)
        let tmp = harness.path("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let junit = harness.path("pipe.xml")
        let (process, out, err) = try harness.start(["test", "many.star", "--junit", junit],
                                                    environment: ["TMPDIR": tmp])
        // The reader: one line, then it closes its end (what `head -1` does).
        let reader = out.fileHandleForReading
        let firstLine = Self.readFirstLine(reader)
        try reader.close()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        XCTAssertTrue(String(decoding: firstLine, as: UTF8.self).contains("PASS: test_flow_1"),
                      String(decoding: firstLine, as: UTF8.self))
        XCTAssertEqual(process.terminationReason, .exit, "faultbox died of a signal: \(stderr)")
        XCTAssertEqual(process.terminationStatus, 141, stderr)
        XCTAssertTrue(stderr.contains("broken pipe"), stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: junit), "JUnit written: \(stderr)")
        try XMLSchema.validate(junit)
        let xml = (try? String(contentsOfFile: junit, encoding: .utf8)) ?? ""
        XCTAssertTrue(xml.contains("test_flow_1"), xml)
        // That, not a time bound, shows there was no stall: the last cells never ran.
        XCTAssertFalse(xml.contains("test_flow_8"), "the run stopped early: \(xml)")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []
        XCTAssertEqual(leftovers.filter { $0.hasPrefix("mock-db-") }, [], "mock-db's data folder left behind")
    }

    /// The reader leaves while a slow cell runs and nothing is being printed: the run must
    /// stop then, not when the cell's delayed connect is over (an hour; the spec's call
    /// gives up after its 30 s timeout).
    func testReaderLeavingDuringASilentSlowCellStopsTheRunAtOnce() throws {
        try harness.write("slow.star", """
            load("topology.star", "api", "db", "order_flow")
            def test_quick():
                order_flow()
            def test_slow():
                fault(api, connect = delay("1h"), run = order_flow)
            """)
        let (process, out, err) = try harness.start(["test", "slow.star"])
        let reader = out.fileHandleForReading
        let firstLine = Self.readFirstLine(reader)
        // test_slow has just started; give it time to be inside its first delayed connect.
        Thread.sleep(forTimeInterval: 0.5)
        let closed = ContinuousClock.now
        try reader.close()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let afterClose = ContinuousClock.now - closed
        XCTAssertTrue(String(decoding: firstLine, as: UTF8.self).contains("PASS: test_quick"),
                      String(decoding: firstLine, as: UTF8.self))
        XCTAssertEqual(process.terminationStatus, 141, stderr)
        XCTAssertTrue(stderr.contains("broken pipe"), stderr)
        // Well inside the 30 s the held call would last: the run noticed the reader leave.
        XCTAssertLessThan(afterClose, .seconds(20), "stopped \(afterClose) after the reader left: \(stderr)")
    }

    /// What `head -1` reads before it closes its end: up to the first newline.
    private static func readFirstLine(_ reader: FileHandle) -> Data {
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        return line
    }
}
