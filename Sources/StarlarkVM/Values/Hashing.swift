import BigInt

// Internal hashes used by dicts and sets. They only need to be consistent with equality
// (equal int and float values hash alike); the user-visible `hash()` builtin is separate.

extension Ops {
    /// The hash of a hashable value; throws "unhashable type: T" otherwise.
    public static func hash(_ x: Value) throws -> UInt32 {
        try hash(x, depth: 0)
    }

    /// Tuples nest without cycles but without bound either; the depth limit keeps hashing
    /// a pathological nesting from overflowing the stack.
    static func hash(_ x: Value, depth: Int) throws -> UInt32 {
        switch x {
        case .string(let s): return s.hashValue32
        case .int(let i): return hashInt64(i)
        case .none: return 0x9e37_79b9
        case .bool(let b): return b ? 0x1234_5679 : 0x8765_4321
        case .bigInt(let b): return hashBig(b.value)
        case .float(let f): return hashFloat(f)
        case .bytes(let b): return b.hashValue32
        case .tuple(let t):
            if depth > 1000 { throw StarlarkError("hash: tuple nested too deeply") }
            var h: UInt32 = 0x0345_6789
            for e in t.elements {
                h = (h ^ (try hash(e, depth: depth + 1))) &* 16_777_619
            }
            return h
        case .function(let f): return UInt32(truncatingIfNeeded: ObjectIdentifier(f).hashValue)
        case .builtin(let b):
            // Builtins (bound methods too) compare by identity, so they hash by identity.
            return UInt32(truncatingIfNeeded: ObjectIdentifier(b).hashValue)
        case .list: throw StarlarkError("unhashable type: list")
        case .dict: throw StarlarkError("unhashable type: dict")
        case .set: throw StarlarkError("unhashable type: set")
        case .object(let o): return try o.hash()
        }
    }

    @inline(__always)
    static func hashInt64(_ i: Int64) -> UInt32 {
        var z = UInt64(bitPattern: i) &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return UInt32(truncatingIfNeeded: z ^ (z >> 32))
    }

    static func hashBig(_ b: BigInt) -> UInt32 {
        var h: UInt32 = b.signum() < 0 ? 0x5bd1_e995 : 0x2717_2717
        for w in b.magnitude.words {
            h = (h ^ hashInt64(Int64(bitPattern: UInt64(w)))) &* 16_777_619
        }
        return h
    }

    static func hashFloat(_ f: Double) -> UInt32 {
        if f.isFinite && f == f.rounded(.towardZero) {
            if let i = Int64(exactly: f) { return hashInt64(i) }
            return hashBig(BigInt(f))
        }
        if f.isNaN { return 0x7ff8_0000 }
        return hashInt64(Int64(bitPattern: f.bitPattern))
    }

    /// FNV-1a over bytes; 0 is remapped so that 0 can mean "not cached".
    @inline(__always)
    static func stringHash(_ bytes: [UInt8]) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        bytes.withUnsafeBufferPointer { buf in
            for b in buf {
                h ^= UInt32(b)
                h = h &* 16_777_619
            }
        }
        return h == 0 ? 1 : h
    }
}

extension StarString {
    /// The cached internal hash of the bytes.
    @inline(__always)
    public var hashValue32: UInt32 {
        if cachedHash != 0 { return cachedHash }
        let h = Ops.stringHash(bytes)
        cachedHash = h
        return h
    }
}

extension StarBytes {
    @inline(__always)
    public var hashValue32: UInt32 {
        if cachedHash != 0 { return cachedHash }
        let h = Ops.stringHash(bytes) ^ 0x5555_5555
        cachedHash = h == 0 ? 1 : h
        return cachedHash
    }
}
