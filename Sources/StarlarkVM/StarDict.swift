/// An insertion-ordered hash dict over an open-addressing table (see `HashCore`).
/// Mutation is refused once frozen or while an iteration is active (`iterators > 0`).
public final class StarDict {
    public var frozen = false
    public var iterators = 0
    var core = HashCore(hasValues: true)

    public init() {}

    deinit {
        // Deeply nested dicts are released iteratively (see ReleaseChain).
        if core.count > 0 {
            ReleaseChain.dismantle(&core.vals)
            ReleaseChain.dismantle(&core.keys)
        }
    }

    public var count: Int { core.count }
    /// Keys in insertion order.
    public var keys: [Value] { core.liveKeys }
    /// Values in insertion order (parallel to `keys`).
    public var values: [Value] { core.liveValues }
    /// (key, value) pairs in insertion order.
    public var items: [(Value, Value)] { Array(zip(core.liveKeys, core.liveValues)) }

    /// Lookup; throws "unhashable type: T" for unhashable keys.
    @inline(__always)
    public func get(_ key: Value) throws -> Value? {
        if core.count == 0 {
            _ = try Ops.hash(key)  // still reject unhashable keys
            return nil
        }
        guard let e = try core.find(key, try Ops.hash(key)) else { return nil }
        return core.vals[e]
    }

    /// Insert or replace; throws if frozen or iterating or the key is unhashable.
    public func set(_ key: Value, _ value: Value) throws {
        try checkMutable("insert into")
        try core.insert(key, value, try Ops.hash(key))
    }

    /// Remove; returns the old value.
    public func remove(_ key: Value) throws -> Value? {
        try checkMutable("delete from")
        if core.slots.isEmpty { return nil }  // as Go: an empty table never hashes the key
        return try core.remove(key, try Ops.hash(key))
    }

    public func clear() throws {
        try checkMutable("clear")
        core.removeAll()
    }

    func checkMutable(_ verb: String) throws {
        try HashCore.checkMutable(verb, frozen: frozen, iterators: iterators)
    }

    /// Number of entry positions (live or dead) for positional iteration.
    var entryCapacity: Int { core.keys.count }
    @inline(__always) func isLive(_ e: Int) -> Bool { core.alive[e] }
    @inline(__always) func key(at e: Int) -> Value { core.keys[e] }
    @inline(__always) func value(at e: Int) -> Value { core.vals[e] }

    /// A shallow copy (not frozen).
    public func copy() -> StarDict {
        let d = StarDict()
        d.core = core
        return d
    }
}

/// A set (the `set` dialect option). Same table as StarDict without values.
public final class StarSet {
    public var frozen = false
    public var iterators = 0
    var core = HashCore(hasValues: false)

    public init() {}

    deinit { if core.count > 0 { ReleaseChain.dismantle(&core.keys) } }

    public var count: Int { core.count }
    /// Elements in insertion order.
    public var elements: [Value] { core.liveKeys }

    public func contains(_ v: Value) throws -> Bool {
        let h = try Ops.hash(v)
        return try core.find(v, h) != nil
    }

    public func insert(_ v: Value) throws {
        try checkMutable("insert into")
        try core.insert(v, .none, try Ops.hash(v))
    }

    /// Removes `v`; returns whether it was present.
    @discardableResult
    public func remove(_ v: Value) throws -> Bool {
        try checkMutable("delete from")
        return try core.remove(v, try Ops.hash(v)) != nil
    }

    public func clear() throws {
        try checkMutable("clear")
        core.removeAll()
    }

    func checkMutable(_ verb: String) throws {
        try HashCore.checkMutable(verb, frozen: frozen, iterators: iterators)
    }

    var entryCapacity: Int { core.keys.count }
    @inline(__always) func isLive(_ e: Int) -> Bool { core.alive[e] }
    @inline(__always) func key(at e: Int) -> Value { core.keys[e] }

    public func copy() -> StarSet {
        let s = StarSet()
        s.core = core
        return s
    }

    /// Builds a set from values (throws on unhashable elements).
    public convenience init(_ values: [Value]) throws {
        self.init()
        for v in values { try core.insert(v, .none, try Ops.hash(v)) }
    }
}
