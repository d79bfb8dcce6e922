/// The open-addressing, insertion-ordered table behind `StarDict` and `StarSet`.
///
/// Entries live in parallel arrays in insertion order; `slots` maps a probe position to an
/// entry index (linear probing). Deleted entries leave a tombstone in both places until the
/// next rebuild, so iteration order is preserved without shifting arrays on every delete.
struct HashCore {
    /// The guard every dict and set mutation passes: go.starlark.net's wording for a frozen
    /// table and for one being iterated.
    static func checkMutable(_ verb: String, frozen: Bool, iterators: Int) throws {
        if frozen { throw StarlarkError("cannot \(verb) frozen hash table") }
        if iterators > 0 { throw StarlarkError("cannot \(verb) hash table during iteration") }
    }

    static let emptySlot: Int32 = -1
    static let deletedSlot: Int32 = -2

    var keys: [Value] = []
    var vals: [Value] = []
    var hashes: [UInt32] = []
    var alive: [Bool] = []
    var slots: [Int32] = []
    var count = 0
    var hasValues: Bool

    init(hasValues: Bool) { self.hasValues = hasValues }

    /// Number of dead entries still occupying the entry arrays.
    var deadEntries: Int { keys.count - count }

    /// Finds the entry index of `key` whose hash is `h`.
    @inline(__always)
    func find(_ key: Value, _ h: UInt32) throws -> Int? {
        if slots.isEmpty { return nil }
        let mask = slots.count - 1
        var i = Int(h) & mask
        while true {
            let s = slots[i]
            if s == HashCore.emptySlot { return nil }
            if s >= 0 {
                let e = Int(s)
                if hashes[e] == h, try HashCore.keysEqual(keys[e], key) { return e }
            }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    static func keysEqual(_ a: Value, _ b: Value) throws -> Bool {
        if case .string(let x) = a, case .string(let y) = b {
            return x === y || x.bytes == y.bytes
        }
        if case .int(let x) = a, case .int(let y) = b { return x == y }
        return try Ops.equal(a, b)
    }

    /// Inserts or replaces; returns true when a new entry was added.
    @discardableResult
    mutating func insert(_ key: Value, _ value: Value, _ h: UInt32) throws -> Bool {
        if let e = try find(key, h) {
            if hasValues { vals[e] = value }
            return false
        }
        if (keys.count + 1) * 4 > slots.count * 3 { rebuild(minimum: count + 1) }
        let e = keys.count
        keys.append(key)
        if hasValues { vals.append(value) }
        hashes.append(h)
        alive.append(true)
        count += 1
        let mask = slots.count - 1
        var i = Int(h) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = Int32(e)
        return true
    }

    /// Removes `key`; returns its value (or the key itself for sets) if present.
    mutating func remove(_ key: Value, _ h: UInt32) throws -> Value? {
        if slots.isEmpty { return nil }
        let mask = slots.count - 1
        var i = Int(h) & mask
        while true {
            let s = slots[i]
            if s == HashCore.emptySlot { return nil }
            if s >= 0 {
                let e = Int(s)
                if hashes[e] == h, try HashCore.keysEqual(keys[e], key) {
                    slots[i] = HashCore.deletedSlot
                    let old = hasValues ? vals[e] : keys[e]
                    alive[e] = false
                    keys[e] = .none
                    if hasValues { vals[e] = .none }
                    count -= 1
                    if count == 0 {
                        removeAll()
                    } else if deadEntries > 16 && deadEntries > count {
                        rebuild(minimum: count)
                    }
                    return old
                }
            }
            i = (i + 1) & mask
        }
    }

    mutating func removeAll() {
        keys.removeAll(); vals.removeAll(); hashes.removeAll(); alive.removeAll()
        slots.removeAll(); count = 0
    }

    /// Compacts the entries and re-creates the slot array with room for `minimum` entries.
    mutating func rebuild(minimum: Int) {
        if deadEntries > 0 {
            var k: [Value] = [], v: [Value] = [], hs: [UInt32] = []
            k.reserveCapacity(count); hs.reserveCapacity(count)
            if hasValues { v.reserveCapacity(count) }
            for e in 0..<keys.count where alive[e] {
                k.append(keys[e]); hs.append(hashes[e])
                if hasValues { v.append(vals[e]) }
            }
            keys = k; vals = v; hashes = hs
            alive = [Bool](repeating: true, count: k.count)
        }
        var size = 8
        while size * 3 < minimum * 4 + 4 { size <<= 1 }
        if size < slots.count && minimum * 4 > slots.count { size = slots.count }
        var newSlots = [Int32](repeating: HashCore.emptySlot, count: size)
        let mask = size - 1
        for e in 0..<hashes.count {
            var i = Int(hashes[e]) & mask
            while newSlots[i] >= 0 { i = (i + 1) & mask }
            newSlots[i] = Int32(e)
        }
        slots = newSlots
    }

    /// Live keys in insertion order.
    var liveKeys: [Value] {
        if deadEntries == 0 { return keys }
        var out: [Value] = []
        out.reserveCapacity(count)
        for e in 0..<keys.count where alive[e] { out.append(keys[e]) }
        return out
    }

    var liveValues: [Value] {
        if deadEntries == 0 { return vals }
        var out: [Value] = []
        out.reserveCapacity(count)
        for e in 0..<vals.count where alive[e] { out.append(vals[e]) }
        return out
    }
}
