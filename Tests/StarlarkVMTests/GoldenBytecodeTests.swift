import XCTest
import StarlarkSyntax
import StarlarkResolve
import StarlarkCompile

/// Disassembly snapshots: `golden/bytecode/NAME.star` must compile to the listing in
/// `NAME.bytecode`. Re-record with FAULTBOX_RECORD=1 (a recording run fails on purpose).
final class GoldenBytecodeTests: XCTestCase {
    static var goldenDir: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/golden/bytecode"
    }

    func testDisassemblySnapshots() throws {
        let dir = Self.goldenDir
        let record = ProcessInfo.processInfo.environment["FAULTBOX_RECORD"] == "1"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".star") }.sorted()
        XCTAssertFalse(files.isEmpty, "no golden programs in \(dir)")
        for name in files {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            let file = try parse(SourceFile(name: name, text: text))
            let resolved = resolve(file, options: .all, isPredeclared: { _ in false },
                                   isUniversal: { ["None", "True", "False", "len", "range", "print", "str", "list"].contains($0) })
            XCTAssertEqual(resolved.errors.map(\.description), [], name)
            let listing = disassemble(compile(resolved))
            let expectedPath = dir + "/" + name.replacingOccurrences(of: ".star", with: ".bytecode")
            if record {
                try listing.write(toFile: expectedPath, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
            XCTAssertEqual(listing, expected, "\(name): disassembly changed (FAULTBOX_RECORD=1 to re-record)")
        }
        if record { XCTFail("recorded golden files; run again without FAULTBOX_RECORD") }
    }
}
