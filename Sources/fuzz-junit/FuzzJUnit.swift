// Fuzz executable for target (d), see FuzzTargets/JUnitTarget.swift and docs/fuzzing.md.
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJUnit(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    JUnitTarget.run(FuzzMain.bytes(data, size))
    return 0
}

@main enum FuzzJUnitMain {
    static func main() { FuzzMain.run(name: "fuzz-junit", fuzzJUnit) }
}
