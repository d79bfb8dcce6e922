// Replays a corpus through a fuzz target without libFuzzer: each file given, and each file
// of each directory given (sorted, not recursive). libFuzzer's own options (-runs=10, ...)
// are ignored, so a fuzzing command line also works against an ordinary build.
import Foundation

struct Replayer {
    let name: String
    let callback: FuzzCallback

    /// Exit status: 0 when every input ran through (a crash never returns here), 2 for a
    /// missing file or no input at all.
    func replay(_ arguments: [String]) -> Int32 {
        let paths = arguments.filter { !$0.hasPrefix("-") }
        if paths.isEmpty {
            FileHandle.standardError.write(Data("usage: \(name) FILE|DIR... (replays each input; see docs/fuzzing.md)\n".utf8))
            return 2
        }
        var count = 0
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("\(name): no such file or directory: \(path)\n".utf8))
                return 2
            }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                FileHandle.standardOutput.write(Data("\(name): \(file)\n".utf8))
                let bytes = [UInt8](data)
                _ = bytes.withUnsafeBufferPointer { callback($0.baseAddress, $0.count) }
                count += 1
            }
        }
        FileHandle.standardOutput.write(Data("\(name): \(count) input\(count == 1 ? "" : "s") replayed, none crashed\n".utf8))
        return 0
    }
}
