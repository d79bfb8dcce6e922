// Fuzz executable for target (c), see FuzzTargets/FaultRuleTarget.swift and docs/fuzzing.md.
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFaultRule(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FaultRuleTarget.run(FuzzMain.bytes(data, size))
    return 0
}

@main enum FuzzFaultRuleMain {
    static func main() { FuzzMain.run(name: "fuzz-fault-rule", fuzzFaultRule) }
}
