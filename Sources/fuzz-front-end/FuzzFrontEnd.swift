// Fuzz executable for target (a), see FuzzTargets/FrontEndTarget.swift and docs/fuzzing.md.
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontEnd(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FrontEndTarget.run(FuzzMain.bytes(data, size))
    return 0
}

@main enum FuzzFrontEndMain {
    static func main() { FuzzMain.run(name: "fuzz-front-end", fuzzFrontEnd) }
}
