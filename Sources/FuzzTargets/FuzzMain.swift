// The entry point every fuzz executable shares. Built with -sanitize=fuzzer and -DFUZZING
// it hands the target to libFuzzer; in an ordinary build it replays the files and
// directories given as arguments, so `fuzz/regressions/<target>` stays a test (docs/fuzzing.md).
import CFuzzerDriver
import Foundation

/// One input of a fuzz target: the bytes libFuzzer hands over.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

public enum FuzzMain {
    public static func run(name: String, _ callback: FuzzCallback) -> Never {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
        #else
        exit(Replayer(name: name, callback: callback).replay(Array(CommandLine.arguments.dropFirst())))
        #endif
    }

    /// The input as an array (an empty input may come with a null pointer).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}
