import Trace
import XCTest

final class TraceDiffTests: XCTestCase {
    let base = """
    === test_a
    db syscall syscall.openat decision=allow syscall=openat
    db syscall syscall.write decision=allow syscall=write
    db syscall syscall.fsync decision=allow syscall=fsync
    api step_recv step_recv.api status=200
    === test_b
    db lifecycle lifecycle.started phase=started

    """

    func testIdenticalFiles() throws {
        let r = try TraceDiff.compare(a: base, b: base)
        XCTAssertTrue(r.identical)
        XCTAssertEqual(r.compared, 2)
        XCTAssertEqual(r.render(), "traces are identical (2 tests)\n")
        // Test order does not matter.
        let swapped = """
        === test_b
        db lifecycle lifecycle.started phase=started
        === test_a
        db syscall syscall.openat decision=allow syscall=openat
        db syscall syscall.write decision=allow syscall=write
        db syscall syscall.fsync decision=allow syscall=fsync
        api step_recv step_recv.api status=200
        """
        XCTAssertTrue(try TraceDiff.compare(a: base, b: swapped).identical)
    }

    func testDifferenceWithContextAndLineNumbers() throws {
        let changed = base.replacingOccurrences(of: "syscall.write decision=allow", with: "syscall.write decision=deny(EIO)")
            .replacingOccurrences(of: "status=200", with: "status=500\napi step_recv step_recv.api status=503")
        let r = try TraceDiff.compare(a: base, b: changed, nameA: "run1.norm", nameB: "run2.norm", context: 1)
        XCTAssertFalse(r.identical)
        XCTAssertEqual(r.differing.map(\.name), ["test_a"])
        XCTAssertEqual(r.render(nameA: "run1.norm", nameB: "run2.norm"), """
        --- run1.norm
        +++ run2.norm
        === test_a
        @@ -2,4 +2,5 @@
         db syscall syscall.openat decision=allow syscall=openat
        -db syscall syscall.write decision=allow syscall=write
        +db syscall syscall.write decision=deny(EIO) syscall=write
         db syscall syscall.fsync decision=allow syscall=fsync
        -api step_recv step_recv.api status=200
        +api step_recv step_recv.api status=500
        +api step_recv step_recv.api status=503
        1 of 2 tests differ

        """)
    }

    func testSeparateHunksAndTestsOnlyInOneFile() throws {
        let lines = (1...40).map { "svc syscall syscall.write n=\($0)" }
        var other = lines
        other[2] = "svc syscall syscall.write n=changed"
        other.remove(at: 30)
        let a = "=== t\n" + lines.joined(separator: "\n") + "\n=== gone\n"
        let b = "=== t\n" + other.joined(separator: "\n") + "\n=== new\nsvc stdout stdout line=x\n"
        let r = try TraceDiff.compare(a: a, b: b, context: 2)
        XCTAssertEqual(r.onlyInA, ["gone"])
        XCTAssertEqual(r.onlyInB, ["new"])
        let hunks = try XCTUnwrap(r.differing.first?.hunks)
        XCTAssertEqual(hunks.count, 2)
        XCTAssertEqual([hunks[0].aStart, hunks[0].aCount, hunks[0].bStart, hunks[0].bCount], [2, 5, 2, 5])
        XCTAssertEqual(hunks[1].lines.filter { $0.change == .removed }.map(\.text), ["svc syscall syscall.write n=31"])
        XCTAssertEqual([hunks[1].aStart, hunks[1].bStart], [30, 30])
        let text = r.render()
        XCTAssertTrue(text.hasPrefix("only in a: gone\nonly in b: new\n"))
        XCTAssertTrue(text.hasSuffix("3 of 3 tests differ\n"))
    }

    func testTotallyDifferentLongTracesStayFast() throws {
        let a = "=== t\n" + (0..<20_000).map { "s syscall syscall.write n=\($0)" }.joined(separator: "\n")
        let b = "=== t\n" + (0..<20_000).map { "s syscall syscall.read n=\($0)" }.joined(separator: "\n")
        let r = try TraceDiff.compare(a: a, b: b)
        XCTAssertEqual(r.differing.first?.hunks.count, 1)
        XCTAssertTrue(r.render(maxLinesPerHunk: 5).contains("more lines in this hunk"))
    }

    func testMalformedFilesNameTheLine() {
        func error(_ text: String) -> TraceDiffError? {
            do { _ = try TraceDiff.compare(a: base, b: text, nameB: "b.norm"); return nil } catch { return error }
        }
        XCTAssertEqual(error(#"{"version": 1}"#)?.description, #"b.norm:1: expected a test header "=== name"; is this a file written by --normalize?"#)
        XCTAssertEqual(error("=== t\nonly two")?.line, 2)
        XCTAssertEqual(error("=== t\n=== u\n=== t\n")?.description, #"b.norm:3: test "t" appears twice (first at line 1)"#)
        XCTAssertNil(error(""))  // no tests at all is a valid (empty) run
    }
}
