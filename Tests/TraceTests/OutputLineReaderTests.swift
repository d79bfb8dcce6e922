import Foundation
import Trace
import XCTest

final class OutputLineReaderTests: XCTestCase {
    var path = ""

    override func setUpWithError() throws {
        path = NSTemporaryDirectory() + "trace-reader-\(UUID().uuidString).log"
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: path) }

    func write(_ bytes: [UInt8]) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile()
        h.write(Data(bytes))
        h.closeFile()
    }
    func write(_ s: String) throws { try write(Array(s.utf8)) }
    func texts(_ lines: [OutputLine]) -> [String] { lines.map { String(decoding: $0.bytes, as: UTF8.self) } }

    func testMissingFileHasNoLinesYet() throws {
        let r = OutputLineReader(path: path)
        XCTAssertEqual(try r.drain(), [])
        try write("up\n")
        XCTAssertEqual(texts(try r.drain()), ["up"])
    }

    func testPartialLinesWaitAcrossDrains() throws {
        let r = OutputLineReader(path: path)
        try write("first\nsec")
        XCTAssertEqual(texts(try r.drain()), ["first"])
        XCTAssertEqual(try r.drain(), [])
        try write("ond\r\nthird\n\nfou")
        XCTAssertEqual(texts(try r.drain()), ["second", "third", ""])
        XCTAssertEqual(r.bytesRead, 24)  // "fou" is read but waits
        // finish() hands over the last line without a newline.
        XCTAssertEqual(texts(try r.finish()), ["fou"])
        XCTAssertEqual(try r.finish(), [])
    }

    func testHugeLineIsCutAndTheRestSkipped() throws {
        let r = OutputLineReader(path: path, maxLineBytes: 1000)
        try write([UInt8](repeating: UInt8(ascii: "a"), count: 300_000))
        XCTAssertEqual(try r.drain(), [])
        try write([UInt8](repeating: UInt8(ascii: "b"), count: 300_000) + Array("\nnext\n".utf8))
        let lines = try r.drain()
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0].bytes, [UInt8](repeating: UInt8(ascii: "a"), count: 1000))
        XCTAssertEqual(lines[0].length, 600_000)
        XCTAssertTrue(lines[0].isTruncated)
        XCTAssertEqual(texts([lines[1]]), ["next"])
        XCTAssertFalse(lines[1].isTruncated)
    }

    func testCutDoesNotSplitACharacter() throws {
        let r = OutputLineReader(path: path, maxLineBytes: 4)
        try write(Array("abcé and more\n".utf8))  // é is bytes 4-5: the cut at 4 would split it
        let line = try XCTUnwrap(r.drain().first)
        XCTAssertEqual(texts([line]), ["abc"])
        XCTAssertEqual(line.length, 14)
    }

    func testStartOffsetAndStreamingCallback() throws {
        try write("old\nnew1\nnew2\n")
        let r = OutputLineReader(path: path, offset: 4)
        var seen: [String] = []
        try r.drain { seen.append(String(decoding: $0.bytes, as: UTF8.self)) }
        XCTAssertEqual(seen, ["new1", "new2"])
    }

    func testOutputLinesBecomeEvents() throws {
        let r = OutputLineReader(path: path)
        try write(#"{"level":"ERROR"}"# + "\n" + "\u{0}bin\u{1}ary\n")
        let events = try r.drain().map { OutputEvents.event(service: "db", stream: .stderr, line: $0, decoder: .json) }
        XCTAssertEqual(events.map { $0.field("level") }, ["ERROR", nil])
        XCTAssertEqual(events[1].field("line"), "\u{0}bin\u{1}ary")
    }
}
