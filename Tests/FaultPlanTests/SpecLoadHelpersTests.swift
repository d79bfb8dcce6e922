#if canImport(Glibc)
import Glibc
#endif
import FaultPlan
import Foundation
import SpecLowering
import StarlarkVM
import XCTest

/// `load_file`, `load_json`, `load_yaml`, `duration`, `sleep` and `struct`: what a spec
/// author sees, values and error messages alike.
final class SpecLoadHelpersTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try Fixtures.tempDirectory(self)
    }

    func write(_ name: String, _ text: String) throws {
        try write(name, Array(text.utf8))
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        let path = dir + "/" + name
        if let slash = path.lastIndex(of: "/") {
            try FileManager.default.createDirectory(atPath: String(path[..<slash]), withIntermediateDirectories: true)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Loads `spec` (written to spec.star unless `path` names another file) and returns the
    /// lines it printed, or throws the load error.
    @discardableResult
    func load(_ spec: String, path: String = "spec.star") throws -> [String] {
        try write(path, spec)
        let printed = PrintedLines()
        var options = Fixtures.options(dir)
        options.print = { printed.append($0) }
        _ = try loadSpec(path: path, options: options)
        return printed.lines
    }

    /// The error text of loading `spec`, or a failure when it loads.
    func loadError(_ spec: String, path: String = "spec.star", file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try load(spec, path: path)
            XCTFail("expected the spec to fail to load", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    final class PrintedLines: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ s: String) { lock.lock(); stored.append(s); lock.unlock() }
        var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
    }

    // MARK: load_file

    func testLoadFileReturnsTheBytesAsWritten() throws {
        try write("data/seed.sql", [0x49, 0x4e, 0xc3, 0xa9, 0x0a, 0x00, 0xff])
        let out = try load("""
            s = load_file("data/seed.sql")
            print(len(s), repr(s[-3:]), s.startswith("IN"))
            """)
        XCTAssertEqual(out, ["7 \"\\n\\x00\\xff\" True"])
    }

    func testPathsAreRelativeToTheFolderOfTheCallingSpecFile() throws {
        try write("specs/lib/fixture.json", "{\"from\": \"lib\"}")
        try write("specs/fixture.json", "{\"from\": \"specs\"}")
        try write("specs/lib/helpers.star", """
            def read_fixture():
                return load_json("fixture.json")["from"]
            at_load = load_json("fixture.json")["from"]
            """)
        let out = try load("""
            load("lib/helpers.star", "read_fixture", "at_load")
            print(at_load, read_fixture(), load_json("fixture.json")["from"])
            """, path: "specs/root.star")
        // A function keeps reading relative to the file that defines it.
        XCTAssertEqual(out, ["lib lib specs"])
    }

    func testMissingFileNamesTheCallTheResolvedPathAndAFix() throws {
        let text = loadError("\n\ncfg = load_yaml(\"fixtures/users.yaml\")\n")
        XCTAssertTrue(text.hasPrefix("spec.star:3:16: load_yaml: cannot read \"fixtures/users.yaml\" (resolved to \(dir)/fixtures/users.yaml): No such file or directory"), text)
        XCTAssertTrue(text.contains("\n    fix: relative paths start at the folder of the spec file that calls load_yaml (\(dir))"), text)
    }

    func testDirectoriesURLsEmptyPathsAndWrongTypesAreRefused() throws {
        try FileManager.default.createDirectory(atPath: dir + "/fixtures", withIntermediateDirectories: true)
        var text = loadError("x = load_file(\"fixtures\")")
        XCTAssertTrue(text.contains("spec.star:1:14: load_file: \"fixtures\" (resolved to \(dir)/fixtures) is a directory, not a file"), text)
        XCTAssertTrue(text.contains("fix: name a file inside it"), text)
        for url in ["https://example.com/users.json", "http://localhost/x", "s3://bucket/key", "file://host/etc/passwd"] {
            text = loadError("x = load_json(\"\(url)\")")
            XCTAssertTrue(text.contains("load_json: \"\(url)\" is a "), text)
            XCTAssertTrue(text.contains("reads local files only"), text)
            XCTAssertTrue(text.contains("fix: download the file next to the spec"), text)
        }
        text = loadError("x = load_file(\"\")")
        XCTAssertTrue(text.contains("load_file: the path is empty"), text)
        text = loadError("x = load_file(42)")
        XCTAssertTrue(text.contains("spec.star:1:14: load_file: for parameter path: got int, want string"), text)
        text = loadError("x = load_file()")
        XCTAssertTrue(text.contains("load_file: missing argument for path"), text)
        text = loadError("x = load_file(\"a\", \"b\")")
        XCTAssertTrue(text.contains("load_file: got 2 positional arguments, want at most 1"), text)
    }

    func testSizeLimitAndItsVariable() throws {
        try write("big.txt", String(repeating: "x", count: 2000))
        setenv("FAULTBOX_LOAD_FILE_MAX_BYTES", "1000", 1)
        defer { unsetenv("FAULTBOX_LOAD_FILE_MAX_BYTES") }
        var text = loadError("x = load_file(\"big.txt\")")
        XCTAssertTrue(text.contains("load_file: \"big.txt\" (resolved to \(dir)/big.txt) is 2000 bytes (0.0 MB), over the limit of 1000 bytes"), text)
        XCTAssertTrue(text.contains("fix: load a smaller file, or raise the limit: FAULTBOX_LOAD_FILE_MAX_BYTES=2000"), text)
        setenv("FAULTBOX_LOAD_FILE_MAX_BYTES", "2000", 1)
        XCTAssertEqual(try load("print(len(load_file(\"big.txt\")))"), ["2000"])
        setenv("FAULTBOX_LOAD_FILE_MAX_BYTES", "lots", 1)
        text = loadError("x = load_file(\"big.txt\")")
        XCTAssertTrue(text.contains("FAULTBOX_LOAD_FILE_MAX_BYTES=\"lots\" is not a number of bytes"), text)
        unsetenv("FAULTBOX_LOAD_FILE_MAX_BYTES")
        XCTAssertEqual(try load("print(len(load_file(\"big.txt\")))"), ["2000"], "the default limit is 50 MB")
    }

    // MARK: load_json

    func testLoadJSONKeepsIntsOrderAndTypes() throws {
        try write("rates.json", """
            {"zeta": 1, "alpha": [1.5, 2, -3, null, true, false, "s"],
             "big": 123456789012345678901234567890, "float": 1.0, "exp": 1e3, "nested": {"b": {}, "a": []}}
            """)
        let out = try load("""
            r = load_json("rates.json")
            print(list(r.keys()))
            print([type(v) for v in r["alpha"]])
            print(r["big"] + 1, type(r["big"]), type(r["float"]), r["exp"], r["nested"])
            """)
        XCTAssertEqual(out, [
            "[\"zeta\", \"alpha\", \"big\", \"float\", \"exp\", \"nested\"]",
            "[\"float\", \"int\", \"int\", \"NoneType\", \"bool\", \"bool\", \"string\"]",
            "123456789012345678901234567891 int float 1000.0 {\"b\": {}, \"a\": []}",
        ])
    }

    func testBadJSONNamesTheDataFilesLineAndColumn() throws {
        try write("conf/bad.json", "{\n  \"a\": 1,\n  \"b\": }\n")
        var text = loadError("x = load_json(\"conf/bad.json\")")
        XCTAssertTrue(text.contains("spec.star:1:14: load_json: conf/bad.json:3:8: invalid JSON: unexpected character '}'"), text)
        XCTAssertTrue(text.contains("\n    fix: correct the JSON at that position"), text)
        try write("empty.json", "")
        text = loadError("x = load_json(\"empty.json\")")
        XCTAssertTrue(text.contains("load_json: empty.json:1:1: invalid JSON: unexpected end of file"), text)
        XCTAssertTrue(text.contains("fix: the file is empty"), text)
    }

    // MARK: load_yaml

    func testLoadYAMLValues() throws {
        try write("fixtures/users.yaml", """
            # users
            users:
              - name: alice
                email: alice@example.com
                age: 30
                admin: true
              - {name: bob, email: bob@example.com, age: 41, admin: false}
            ratio: 0.25
            nothing: ~
            empty:
            answers: [yes, no, on, off]
            octal: 0o17
            hex: 0xff
            leading_zero: 010
            big: 123456789012345678901234567890
            date: 2001-12-14
            quoted: "12"
            explicit: !!str 12
            forced_int: !!int "7"
            inf: .inf
            defaults: &defaults {retries: 3, timeout: 5s}
            service:
              <<: *defaults
              timeout: 10s
            """)
        let out = try load("""
            f = load_yaml("fixtures/users.yaml")
            for u in f["users"]:
                print(u["name"], u["email"], u["age"] + 1, u["admin"])
            print(list(f.keys())[:3])
            print(f["ratio"], f["nothing"], f["empty"], f["answers"])
            print(f["octal"], f["hex"], f["leading_zero"], f["big"] * 10, f["date"])
            print(repr(f["quoted"]), repr(f["explicit"]), f["forced_int"] + 1, f["inf"])
            print(f["service"])
            """)
        XCTAssertEqual(out, [
            "alice alice@example.com 31 True",
            "bob bob@example.com 42 False",
            "[\"users\", \"ratio\", \"nothing\"]",
            "0.25 None None [\"yes\", \"no\", \"on\", \"off\"]",
            "15 255 10 1234567890123456789012345678900 2001-12-14",
            "\"12\" \"12\" 8 +inf",
            "{\"retries\": 3, \"timeout\": \"10s\"}",
        ])
    }

    func testEmptyYAMLIsNone() throws {
        try write("empty.yaml", "# nothing here\n")
        XCTAssertEqual(try load("print(load_yaml(\"empty.yaml\"))"), ["None"])
    }

    func testYAMLErrorsNameTheDataFilesLineAndColumn() throws {
        try write("keys.yaml", "ok: 1\nports:\n  8080: web\n")
        var text = loadError("x = load_yaml(\"keys.yaml\")")
        XCTAssertTrue(text.contains("spec.star:1:14: load_yaml: keys.yaml:3:3: mapping key 8080 is an int, not a string"), text)
        XCTAssertTrue(text.contains("fix: quote the key"), text)

        try write("boolkey.yaml", "true: x\n")
        text = loadError("x = load_yaml(\"boolkey.yaml\")")
        XCTAssertTrue(text.contains("boolkey.yaml:1:1: mapping key true is a bool, not a string"), text)

        try write("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n")
        text = loadError("x = load_yaml(\"bad.yaml\")")
        XCTAssertTrue(text.contains("load_yaml: bad.yaml:3:2: invalid YAML: did not find expected ',' or ']'"), text)
        XCTAssertTrue(text.contains("\n    fix: correct the YAML at that position"), text)

        try write("tabs.yaml", "a:\n\tb: 1\n")
        text = loadError("x = load_yaml(\"tabs.yaml\")")
        XCTAssertTrue(text.contains("load_yaml: tabs.yaml:2:"), text)
        XCTAssertTrue(text.contains("invalid YAML"), text)

        try write("dup.yaml", "a: 1\nb: 2\na: 3\n")
        text = loadError("x = load_yaml(\"dup.yaml\")")
        XCTAssertTrue(text.contains("load_yaml: dup.yaml:1:1: key \"a\" appears more than once in one mapping"), text)

        try write("two.yaml", "a: 1\n---\nb: 2\n")
        text = loadError("x = load_yaml(\"two.yaml\")")
        XCTAssertTrue(text.contains("load_yaml: two.yaml:2:1: invalid YAML: but found another document"), text)

        try write("latin1.yaml", [0x61, 0x3a, 0x20, 0xe9, 0x0a])
        text = loadError("x = load_yaml(\"latin1.yaml\")")
        XCTAssertTrue(text.contains("load_yaml: latin1.yaml:1:4: the file is not UTF-8 text"), text)
    }

    func testHostileYAMLIsRefusedNotFatal() throws {
        try write("deep.yaml", String(repeating: "[", count: 100_000))
        var text = loadError("x = load_yaml(\"deep.yaml\")")
        XCTAssertTrue(text.contains("is nested more than 1000 levels deep"), text)
        // Aliases of aliases: 10 * 10^11 strings from a few hundred bytes.
        var laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...11 {
            laughs += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        try write("laughs.yaml", laughs)
        text = loadError("x = load_yaml(\"laughs.yaml\")")
        XCTAssertTrue(text.contains("the document expands to too many values"), text)
    }

    // MARK: at run time

    func testHelpersWorkInsideATest() throws {
        try write("specs/expected.json", "{\"status\": 201}")
        try write("specs/t.star", """
            def test_reads_at_run_time():
                return load_json("expected.json")["status"] + len(load_file("expected.json"))
            """)
        let loaded = try loadSpec(path: "specs/t.star", options: Fixtures.options(dir))
        let test = try XCTUnwrap(loaded.plan.test(named: "test_reads_at_run_time"))
        let thread = loaded.makeThread(name: test.name)
        let result = try thread.call(try XCTUnwrap(loaded.callable(test.body)), Arguments())
        guard case .int(let n) = result else { return XCTFail("\(result)") }
        XCTAssertEqual(n, 201 + 15)
    }

    // MARK: duration, sleep, struct

    func testDurationIsIntegerNanoseconds() throws {
        let out = try load("""
            print(duration("1.5s"), duration("200ms"), duration("2m"), duration("1h2m3.5s"))
            print(duration("-1.5s"), duration("0"), duration("1us") == 1000, duration("+3ns"), type(duration("1s")))
            print(duration("300ms") < duration("1s"))
            """)
        XCTAssertEqual(out, [
            "1500000000 200000000 120000000000 3723500000000",
            "-1500000000 0 True 3 int",
            "True",
        ])
        var text = loadError("\nx = duration(\"1.5x\")")
        XCTAssertTrue(text.contains("spec.star:2:13: duration: \"1.5x\" is not a duration: unknown unit \"x\""), text)
        XCTAssertTrue(text.contains("fix: write a Go duration such as \"200ms\""), text)
        text = loadError("x = duration(\"10\")")
        XCTAssertTrue(text.contains("missing unit after \"10\""), text)
        text = loadError("x = duration(5)")
        XCTAssertTrue(text.contains("duration: for parameter s: got int, want a Go duration"), text)
        text = loadError("x = duration(\"\")")
        XCTAssertTrue(text.contains("empty duration"), text)
    }

    func testSleepBelongsInTests() throws {
        var text = loadError("sleep(\"10ms\")")
        XCTAssertTrue(text.contains("spec.star:1:6: sleep() is only valid inside a test body"), text)
        XCTAssertTrue(text.contains("fix: move the sleep into the test that needs the pause"), text)
        text = loadError("sleep(\"-1s\")")
        XCTAssertTrue(text.contains("sleep: \"-1s\" is negative"), text)
        text = loadError("sleep(\"1s\", clock = \"virtual\")")
        XCTAssertTrue(text.contains("sleep: clock=\"virtual\" is not supported; only \"wall\""), text)
        text = loadError("sleep(2)")
        XCTAssertTrue(text.contains("sleep: for parameter duration: got int, want a Go duration"), text)
    }

    func testSleepInATestWaitsAndStopsWhenCancelled() throws {
        try write("s.star", """
            def test_short():
                sleep("0ms")
                sleep("30ms", clock = "wall")
            def test_long():
                sleep("10m")
            """)
        let loaded = try loadSpec(path: "s.star", options: Fixtures.options(dir))
        func run(_ name: String, cancelAfter: Double?) throws -> (Error?, Double) {
            let test = try XCTUnwrap(loaded.plan.test(named: name))
            let thread = loaded.makeThread(name: name)
            SpecRuntimeSlot.install(RuntimeTests.RecordingRuntime(), on: thread)
            if let cancelAfter {
                let flag = thread.cancellation
                DispatchQueue.global().asyncAfter(deadline: .now() + cancelAfter) { flag.cancel("test timed out after 1s") }
            }
            // sleep() waits on CLOCK_MONOTONIC (nanosleep); SuspendingClock reads the same
            // clock, so the full 30 ms must show, without slack.
            let start = SuspendingClock.now
            var error: Error?
            do { _ = try thread.call(try XCTUnwrap(loaded.callable(test.body)), Arguments()) } catch let e { error = e }
            return (error, (SuspendingClock.now - start) / .seconds(1))
        }
        let (none, elapsed) = try run("test_short", cancelAfter: nil)
        XCTAssertNil(none)
        XCTAssertGreaterThanOrEqual(elapsed, 0.03)
        let (stopped, _) = try run("test_long", cancelAfter: 0.05)
        XCTAssertTrue("\(stopped.map { "\($0)" } ?? "no error")".contains("Starlark computation cancelled: test timed out after 1s"),
                      "\(String(describing: stopped))")
    }

    func testStructIsTheReferenceNamespaceObject() throws {
        let out = try load("""
            cfg = struct(host = "localhost", port = 5432, tags = ["a"])
            print(cfg)
            print(cfg.port + 1, hasattr(cfg, "host"), hasattr(cfg, "user"), sorted(dir(cfg)))
            print(cfg == struct(port = 5432, host = "localhost", tags = ["a"]), type(cfg))
            ns = struct(disk_full = lambda: "ENOSPC")
            print(ns.disk_full())
            """)
        XCTAssertEqual(out, [
            "struct(host = \"localhost\", port = 5432, tags = [\"a\"])",
            "5433 True False [\"host\", \"port\", \"tags\"]",
            "True struct",
            "ENOSPC",
        ])
        var text = loadError("cfg = struct(port = 1)\nx = cfg.prot")
        XCTAssertTrue(text.contains("spec.star:2:8: struct has no .prot attribute"), text)
        text = loadError("x = struct(1)")
        XCTAssertTrue(text.contains("struct: unexpected positional arguments"), text)
        text = loadError("cfg = struct(port = 1)\ncfg.port = 2")
        XCTAssertTrue(text.contains("spec.star:2:"), text)
    }
}
