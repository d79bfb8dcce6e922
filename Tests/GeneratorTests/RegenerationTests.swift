@testable import Generator
import XCTest

/// Regeneration never silently destroys curated work.
final class RegenerationTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "faultbox-gen-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func seedFiles(_ input: GeneratorInput = Fixtures.seed) throws -> [GeneratedFile] {
        var i = input
        i.specPath = dir + "/scenario-test.star"
        for k in i.services.indices { i.services[k].definedIn = i.specPath }
        for k in i.scenarios.indices { i.scenarios[k].definedIn = i.specPath }
        return try Fixtures.generate(i, outputDirectory: dir)
    }

    private func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func testUneditedFileIsRegeneratedQuietly() throws {
        let files = try seedFiles()
        XCTAssertEqual(try GeneratedFileWriter.write(files, force: false), [.wrote(path: files[0].path)])
        XCTAssertEqual(try GeneratedFileWriter.write(files, force: false), [.wrote(path: files[0].path)])
        XCTAssertEqual(try read(files[0].path), files[0].text)
    }

    func testEditedFileIsRefusedWithoutForce() throws {
        let files = try seedFiles()
        _ = try GeneratedFileWriter.write(files, force: false)
        let edited = files[0].text.replacingOccurrences(
            of: "faults = [db_down,", with: "overrides = {},\n    faults = [db_down,")
        try edited.write(toFile: files[0].path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try GeneratedFileWriter.write(files, force: false)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(files[0].path + " was edited since"), text)
            XCTAssertTrue(text.contains("--force"), text)
        }
        XCTAssertEqual(try read(files[0].path), edited, "a refusal must leave the file as it was")
        XCTAssertFalse(FileManager.default.fileExists(atPath: files[0].path + ".bak"))
    }

    func testHandWrittenFileOfTheSameNameIsRefused() throws {
        let files = try seedFiles()
        try "# mine\nx = 1\n".write(toFile: files[0].path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try GeneratedFileWriter.write(files, force: false))
    }

    /// The seed's curated variant: overrides, an exclude with a comment, and
    /// db_connection_reset taken out of the matrix; plus a hand-written assumption used
    /// in the matrix, a fault_scenario, and an edited db_slow.
    static let curation: [(String, String)] = [
        ("""
            db_slow = fault_assumption("db_slow",
                target = api,
                connect = delay("5s"),
            )
            """, """
            db_slow = fault_assumption("db_slow",
                target = api,
                connect = delay("2s"),  # our timeout is 3s
            )
            """),
        ("""
            # --- Fault Matrix ---
            """, """
            # Our own: the API's log disk.
            api_log_full = fault_assumption("api_log_full",
                target = api,
                write = deny("ENOSPC"),
            )

            fault_scenario("order_custom_failure",
                scenario = order_flow,
                faults = db_down,
                expect = lambda r: assert_true(r.status >= 500, "should fail when DB is down"),
            )

            # --- Fault Matrix ---
            """),
        ("""
                faults = [db_down, db_slow, db_connection_reset, disk_io_error, disk_full, fsync_failure],
            )
            """, """
                faults = [db_down, db_slow, disk_io_error, disk_full, fsync_failure, api_log_full],
                overrides = {
                    (order_flow, db_down): lambda r: assert_true(r.status >= 500),
                    (order_flow, db_slow): lambda r: assert_true(r.duration_ms > 4000),
                },
                exclude = [
                    (order_flow, fsync_failure), # service doesn't use fsync
                ],
            )
            """),
    ]

    func testForceCarriesCuratedWorkOverAndKeepsABackup() throws {
        let files = try seedFiles()
        _ = try GeneratedFileWriter.write(files, force: false)
        var edited = files[0].text
        for (from, to) in Self.curation {
            XCTAssertTrue(edited.contains(from), "fixture out of date: \(from)")
            edited = edited.replacingOccurrences(of: from, with: to)
        }
        try edited.write(toFile: files[0].path, atomically: true, encoding: .utf8)

        // The topology changed: db's disk faults are no longer wanted (category network).
        let input = Fixtures.seed
        var regenerated = try seedFiles(input)
        regenerated[0] = try {
            var i = input
            i.specPath = dir + "/scenario-test.star"
            for k in i.services.indices { i.services[k].definedIn = i.specPath }
            for k in i.scenarios.indices { i.scenarios[k].definedIn = i.specPath }
            let p = try FaultGenerator.proposals(for: i, selection: Selection(category: .network))
            return try FaultGenerator.files(for: p, input: i, outputDirectory: dir)[0]
        }()
        let outcomes = try GeneratedFileWriter.write(regenerated, force: true)
        guard case .carriedOver(let path, let backup, let notes) = outcomes.first else {
            return XCTFail("expected a carry-over, got \(outcomes)")
        }
        XCTAssertEqual(try read(try XCTUnwrap(backup)), edited, "the old file is kept byte for byte")
        let merged = try read(path)
        Golden.check(Fixtures.body(merged), "carried-over.body.star")
        XCTAssertTrue(merged.contains("connect = delay(\"2s\"),  # our timeout is 3s"))
        XCTAssertTrue(merged.contains("faults = [db_down, db_slow, api_log_full],"), merged)
        XCTAssertTrue(merged.contains("(order_flow, db_down): lambda r: assert_true(r.status >= 500),"))
        XCTAssertTrue(merged.contains("# no longer in the matrix (faultbox generate):\n        # (order_flow, fsync_failure)"), merged)
        XCTAssertTrue(merged.contains("fault_scenario(\"order_custom_failure\","))
        XCTAssertFalse(merged.contains("disk_io_error = fault_assumption"))
        XCTAssertTrue(notes.contains("kept your edited db_slow"), "\(notes)")
        XCTAssertTrue(notes.contains("left db_connection_reset out of the matrix, as in your version"), "\(notes)")
        // The merged file is the generator's again: the next run needs no --force, and it
        // must not lose what was carried over (the user's db_slow is still an edit).
        XCTAssertEqual(GeneratedHeader.parse(merged)?.unedited, true)
        let again = try GeneratedFileWriter.write(regenerated, force: false)
        guard case .carriedOver(_, nil, _) = again.first else { return XCTFail("expected a quiet merge: \(again)") }
        XCTAssertEqual(try read(path), merged, "regenerating a merged file changes nothing")
    }

    func testLoadsFollowTheTopologyAndKeepWhatTheUserUses() throws {
        let files = try seedFiles()
        _ = try GeneratedFileWriter.write(files, force: false)
        let edited = files[0].text
            .replacingOccurrences(of: "\"order_flow\")", with: "\"order_flow\", \"health_check\")")
            .replacingOccurrences(of: "scenarios = [order_flow]", with: "scenarios = [order_flow, health_check]")
        try edited.write(toFile: files[0].path, atomically: true, encoding: .utf8)
        var renamed = Fixtures.seed
        renamed.services[0].variable = "database"
        let outcomes = try GeneratedFileWriter.write(try seedFiles(renamed), force: true)
        XCTAssertEqual(outcomes.count, 1)
        let merged = try read(files[0].path)
        XCTAssertTrue(merged.contains(
            "load(\"scenario-test.star\", \"api\", \"database\", \"order_flow\", \"health_check\")"), merged)
        XCTAssertTrue(merged.contains("scenarios = [order_flow, health_check],"), merged)
        XCTAssertFalse(merged.contains("target = db,"), merged)
    }

    func testCommentsTheUserWroteSurvive() throws {
        let files = try seedFiles()
        _ = try GeneratedFileWriter.write(files, force: false)
        let edited = files[0].text
            .replacingOccurrences(of: "db_down = fault_assumption(", with: "# flaky in CI, see #42\ndb_down = fault_assumption(")
            + "# TODO: a test for the cache\n"
        try edited.write(toFile: files[0].path, atomically: true, encoding: .utf8)
        _ = try GeneratedFileWriter.write(files, force: true)
        let merged = try read(files[0].path)
        XCTAssertTrue(merged.contains("# network faults\n# flaky in CI, see #42\ndb_down = fault_assumption("), merged)
        XCTAssertTrue(merged.contains("# TODO: a test for the cache\n"), merged)
        XCTAssertEqual(merged.components(separatedBy: "(generated)").count, 2, "one header only")
        _ = try GeneratedFileWriter.write(files, force: false)
        XCTAssertEqual(try read(files[0].path), merged, "stable on the next run")
    }

    /// Whatever is on disk, --force never traps: a file that is Starlark merges and keeps
    /// the new definitions; one that is not is refused with the parser's file:line:col,
    /// and nothing is written over it.
    func testOddOldFilesMergeOrAreRefusedWithAPosition() throws {
        let fresh = try seedFiles()[0]
        let valid = [
            "", "\n\n", "#", "a = 1\r\nb = 2\r\n", "x = r'#'  # not ) a bracket\n",
            "fault_matrix(overrides = {(order_flow,): 1, 2: 3}, exclude = [(), (order_flow, nope)])",
        ]
        for text in valid {
            try text.write(toFile: fresh.path, atomically: true, encoding: .utf8)
            _ = try GeneratedFileWriter.write([fresh], force: true)
            let merged = try read(fresh.path)
            for name in ["db_down", "fsync_failure", "test_order_flow_db_partition"] {
                XCTAssertTrue(merged.contains(name), "lost \(name) merging \(text.debugDescription)")
            }
        }
        let invalid = ["x = (", "def f(:\n  \'\'\'", "fault_matrix(", "fault_matrix(faults = [a, (b,", "load(",
                       "load(\"x.star\", y = )", "\"\"\"unterminated", ")]}", fresh.text + "\n)))\n"]
        for text in invalid {
            try text.write(toFile: fresh.path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try GeneratedFileWriter.write([fresh], force: true), text.debugDescription) { error in
                XCTAssertTrue("\(error)".hasPrefix(fresh.path + ":"), "\(error)")
                XCTAssertTrue("\(error)".contains("fix: "), "\(error)")
            }
            XCTAssertEqual(try read(fresh.path), text, "nothing is written over a file that does not parse")
        }
    }

    func testCuratedFileKeepsDefBodiesAndComments() throws {
        let text = """
            # lead
            x = [1,
            2]  # tail

            def f():
                a = 1

                # inside
                return \'\'\'not
            a statement\'\'\'
            y = f(")(", z = {"k": [1, 2]})
            """
        let file = try CuratedFile(path: "t.star", text: text)
        let s = file.statements
        XCTAssertEqual(s.map(\.kind), [.assignment(name: "x"), .def(name: "f"), .assignment(name: "y")])
        XCTAssertEqual(s[0].leadingComments, ["# lead"])
        XCTAssertEqual(s[0].text, "x = [1,\n2]  # tail")
        XCTAssertTrue(s[1].text.hasSuffix("a statement\'\'\'"))
        XCTAssertTrue(s[1].text.contains("# inside"))
        guard case .assign(_, _, _, let rhs) = s[2].stmts[0] else { return XCTFail("\(s[2].stmts)") }
        let args = CuratedFile.callArguments(.expr(rhs))
        XCTAssertEqual(args.map(\.keyword), [nil, "z"])
        XCTAssertEqual(args.map { file.text(of: $0.value) }, ["\")(\"", "{\"k\": [1, 2]}"])
    }

    /// What the old text scanner misread: `#` inside a string is not a comment, an escaped
    /// quote does not end a string, a raw string keeps its backslashes. Such a curated file
    /// now round-trips: its own statements carried over byte for byte, and the overrides
    /// and loads understood as `faultbox test` reads them.
    func testStringsWithHashesEscapesAndRawStringsRoundTrip() throws {
        let files = try seedFiles()
        _ = try GeneratedFileWriter.write(files, force: false)
        let mine = """
            # notes: "#" in a string is no comment
            note = "a # b"
            path = r"C:\\data\\#1"
            quoted = "say \\"hi\\" (and #2)"
            mixed = fault_assumption("mixed # one",
                target = api,
                connect = delay("1s"),  # a real comment
            )
            """
        let edited = files[0].text
            .replacingOccurrences(of: "# --- Fault Matrix ---", with: mine + "\n\n# --- Fault Matrix ---")
            .replacingOccurrences(of: "\"order_flow\")", with: "r\"order_flow\")")
            .replacingOccurrences(of: "fsync_failure],\n)", with: "fsync_failure, mixed],\n"
                + "    exclude = [(order_flow, disk_full), # \")\" in a comment\n    ],\n)")
        try edited.write(toFile: files[0].path, atomically: true, encoding: .utf8)
        let outcomes = try GeneratedFileWriter.write(files, force: true)
        guard case .carriedOver = outcomes.first else { return XCTFail("expected a carry-over, got \(outcomes)") }
        let merged = try read(files[0].path)
        for statement in mine.components(separatedBy: "\npath").first.map({ [$0] })! + [
            "path = r\"C:\\data\\#1\"", "quoted = \"say \\\"hi\\\" (and #2)\"",
            "connect = delay(\"1s\"),  # a real comment\n)",
        ] {
            XCTAssertTrue(merged.contains(statement), "lost \(statement) in \(merged)")
        }
        XCTAssertTrue(merged.contains("        fsync_failure,\n        mixed,\n    ],"), merged)
        XCTAssertTrue(merged.contains("exclude = [(order_flow, disk_full), # \")\" in a comment\n    ],"), merged)
        XCTAssertEqual(merged.components(separatedBy: "load(").count, 2, "the r\"...\" load is the same module: \(merged)")
        let again = try CuratedFile(path: files[0].path, text: merged)
        XCTAssertTrue(again.statements.contains { $0.kind == .assignment(name: "quoted") })
    }
}
