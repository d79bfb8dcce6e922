// Fuzz executable for target (b), see FuzzTargets/SpecTarget.swift and docs/fuzzing.md.
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    SpecTarget.run(FuzzMain.bytes(data, size))
    return 0
}

@main enum FuzzSpecMain {
    static func main() { FuzzMain.run(name: "fuzz-spec", fuzzSpec) }
}
