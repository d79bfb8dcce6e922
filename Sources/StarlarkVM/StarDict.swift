/// An insertion-ordered hash dict. (Stub written at project start; the values' owner
/// replaces the body with an open-addressing table. The API below is the contract.)
public final class StarDict {
    public var frozen = false
    public var iterators = 0
    private var keysStore: [Value] = []
    private var valuesStore: [Value] = []
    public init() {}
    public var count: Int { keysStore.count }
    /// Entries in insertion order.
    public var keys: [Value] { keysStore }
    public var values: [Value] { valuesStore }
    /// Lookup; throws "unhashable type: T" for unhashable keys.
    public func get(_ key: Value) throws -> Value? { fatalError("StarDict.get: stub") }
    /// Insert or replace; throws if frozen or iterating or the key is unhashable.
    public func set(_ key: Value, _ value: Value) throws { fatalError("StarDict.set: stub") }
    /// Remove; returns the old value.
    public func remove(_ key: Value) throws -> Value? { fatalError("StarDict.remove: stub") }
}

/// A set (the `set` dialect option). Same contract as StarDict without values.
public final class StarSet {
    public var frozen = false
    public var iterators = 0
    public init() {}
    public var count: Int { 0 }
    public var elements: [Value] { [] }
    public func contains(_ v: Value) throws -> Bool { fatalError("StarSet.contains: stub") }
    public func insert(_ v: Value) throws { fatalError("StarSet.insert: stub") }
}
