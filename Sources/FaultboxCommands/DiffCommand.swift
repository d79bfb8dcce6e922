import ArgumentParser
import Foundation
import Trace

/// `faultbox diff A B`: compares two normalised trace files (`faultbox test --normalize`).
/// Exit 0 "traces are identical"; 2 with each differing test and its lines in context;
/// 1 for a missing or malformed file.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two normalised traces (faultbox test --normalize FILE).",
        discussion: "Exit status: 0 identical, 1 a file is missing or not a normalised trace, 2 the traces differ.")

    @Argument(help: ArgumentHelp("The first normalised trace.", valueName: "a"))
    var first: String

    @Argument(help: ArgumentHelp("The second normalised trace.", valueName: "b"))
    var second: String

    func run() throws {
        var texts: [String] = []
        for path in [first, second] {
            guard let data = FileManager.default.contents(atPath: path) else {
                var isDir: ObjCBool = false
                let why = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
                    ? (isDir.boolValue ? "is a directory" : "cannot be read") : "does not exist"
                FileHandleStderr.write("faultbox diff: \(path) \(why); write one with faultbox test SPEC --normalize \(path)\n")
                throw ExitWith(ExitStatus.usage)
            }
            texts.append(String(decoding: data, as: UTF8.self))
        }
        let result: TraceDiffResult
        do { result = try TraceDiff.compare(a: texts[0], b: texts[1], nameA: first, nameB: second) } catch {
            FileHandleStderr.write("faultbox diff: \(error); both files must come from faultbox test --normalize\n")
            throw ExitWith(ExitStatus.usage)
        }
        if result.identical {
            print("traces are identical")
            return
        }
        print(result.render(nameA: first, nameB: second), terminator: "")
        throw ExitWith(ExitStatus.testFailed)
    }
}
