import StarlarkCompile

extension StarThread {
    /// `s = s + t` / `s += t` on strings, where the next instruction stores the result back
    /// into the variable that held `s`: when that variable and the operand stack hold the
    /// only references, the bytes are appended in place instead of copied, so building a
    /// string in a loop is linear rather than quadratic (CPython does the same).
    /// Returns false (stack untouched) when the shape does not apply.
    @inline(__always)
    func appendStringInPlace(_ sp: inout UnsafeMutablePointer<Value>, _ insns: UnsafeMutablePointer<Instruction>,
                             _ pc: Int, _ count: Int,
                             _ base: UnsafeMutablePointer<Value>, _ globals: UnsafeMutablePointer<Value>) throws -> Bool {
        guard pc < count else { return false }
        let next = insns[pc]
        let variable: UnsafeMutablePointer<Value>
        switch next.op {
        case .setLocal: variable = base + Int(next.arg)
        case .setGlobal: variable = globals + Int(next.arg)
        default: return false
        }
        let tail: [UInt8]
        do {  // a scope, so that no binding below outlives the checks and spoils uniqueness
            guard case .string(let left) = (sp - 2).pointee, case .string(let right) = (sp - 1).pointee,
                  case .string(let held) = variable.pointee, held === left else { return false }
            let n = left.bytes.count + right.bytes.count
            if n > Ops.maxAlloc { throw Ops.tooLarge("string", n, Ops.maxAlloc) }
            try memory.reserve(right.bytes.count)
            tail = right.bytes
        }
        // Drop the variable's reference (the store that follows overwrites it anyway) and
        // the right operand; the left operand then holds the string alone if no one else does.
        variable.pointee = .none
        sp -= 1
        _ = sp.move()
        return appendIfUnique(sp - 1, tail)
    }

    /// Appends `tail` to the string at `slot`, in place when the slot holds the only
    /// reference, else as a new string. Always succeeds.
    @inline(never)
    private func appendIfUnique(_ slot: UnsafeMutablePointer<Value>, _ tail: [UInt8]) -> Bool {
        var s: StarString? = Self.takeString(slot.move())
        var bytes: [UInt8]
        if isKnownUniquelyReferenced(&s) {
            // Keep the byte buffer, drop the string object: the buffer is then unique too,
            // and append grows it in place (amortised doubling). `bytes` stays a `let` of
            // StarString, so reads of it elsewhere need no exclusivity checks.
            bytes = s?.bytes ?? []
            s = nil
            bytes.append(contentsOf: tail)
        } else {
            let old = s?.bytes ?? []
            bytes = []
            bytes.reserveCapacity(old.count + tail.count)
            bytes.append(contentsOf: old)
            bytes.append(contentsOf: tail)
        }
        slot.initialize(to: .string(StarString(bytes)))
        return true
    }

    /// The payload of a value known to be a string, moved out without an extra reference.
    @inline(__always)
    private static func takeString(_ v: consuming Value) -> StarString {
        switch consume v {
        case .string(let s): return s
        default: return StarString([])  // unreachable: callers checked the case
        }
    }
}
