/// An active iteration over a value. Iterating a list, dict or set increments its
/// `iterators` count so that mutation meanwhile fails; `done()` releases it and must be
/// called exactly once when the loop ends (normally or by an error).
public struct ValueIterator {
    enum Source {
        case list(StarList)
        case tuple(StarTuple)
        case dict(StarDict)
        case set(StarSet)
        case range(start: Int64, step: Int64, count: Int)
        case values([Value])
        case object(AnyIterator<Value>)
    }

    let source: Source
    var position = 0

    init(_ source: Source) {
        self.source = source
        switch source {
        case .list(let l): l.iterators += 1
        case .dict(let d): d.iterators += 1
        case .set(let s): s.iterators += 1
        default: break
        }
    }

    public mutating func next() -> Value? {
        switch source {
        case .list(let l):
            guard position < l.elements.count else { return nil }
            position += 1
            return l.elements[position - 1]
        case .tuple(let t):
            guard position < t.elements.count else { return nil }
            position += 1
            return t.elements[position - 1]
        case .dict(let d):
            while position < d.entryCapacity {
                let e = position
                position += 1
                if d.isLive(e) { return d.key(at: e) }
            }
            return nil
        case .set(let s):
            while position < s.entryCapacity {
                let e = position
                position += 1
                if s.isLive(e) { return s.key(at: e) }
            }
            return nil
        case .range(let start, let step, let count):
            guard position < count else { return nil }
            position += 1
            // start + (position-1)*step stays within the range's bounds, which are Int64.
            return .int(start &+ Int64(position - 1) &* step)
        case .values(let vs):
            guard position < vs.count else { return nil }
            position += 1
            return vs[position - 1]
        case .object(let it):
            return it.next()
        }
    }

    public func done() {
        switch source {
        case .list(let l): l.iterators -= 1
        case .dict(let d): d.iterators -= 1
        case .set(let s): s.iterators -= 1
        default: break
        }
    }
}

extension Ops {
    /// Starts iterating `x`; throws "T value is not iterable" for non-iterables.
    public static func iterate(_ x: Value) throws -> ValueIterator {
        switch x {
        case .list(let l): return ValueIterator(.list(l))
        case .tuple(let t): return ValueIterator(.tuple(t))
        case .dict(let d): return ValueIterator(.dict(d))
        case .set(let s): return ValueIterator(.set(s))
        case .object(let o):
            if let r = o as? RangeObject {
                return ValueIterator(.range(start: r.start, step: r.step, count: r.count))
            }
            if let it = o.makeIterator() { return ValueIterator(.object(it)) }
        default: break
        }
        throw StarlarkError("\(x.typeName) value is not iterable")
    }

    /// Whether `x` can be iterated.
    public static func isIterable(_ x: Value) -> Bool {
        switch x {
        case .list, .tuple, .dict, .set: return true
        case .object(let o): return o is RangeObject || o.makeIterator() != nil
        default: return false
        }
    }

    /// All elements of an iterable (a copy), releasing the iteration guard afterwards.
    public static func collect(_ x: Value) throws -> [Value] {
        switch x {
        case .list(let l): return l.elements
        case .tuple(let t): return t.elements
        case .dict(let d): return d.keys
        case .set(let s): return s.elements
        default:
            var it = try iterate(x)
            defer { it.done() }
            var out: [Value] = []
            if let n = length(x) {
                // range(1 << 40) has a length but no room in memory: refuse it up front.
                if n > maxElements { throw tooLarge("list", n, maxElements) }
                try MemoryBudget.reserve(n * MemoryLayout<Value>.stride)
                out.reserveCapacity(n)
            }
            while let v = it.next() {
                if out.count >= maxElements { throw tooLarge("list", out.count + 1, maxElements) }
                // Charged as the array doubles (unbounded iterables have no length to check first).
                if out.count == out.capacity { try MemoryBudget.reserve(out.count * MemoryLayout<Value>.stride) }
                out.append(v)
            }
            return out
        }
    }

    /// `len(x)`, or nil when x has no length.
    public static func length(_ x: Value) -> Int? {
        switch x {
        case .string(let s): return s.bytes.count
        case .bytes(let b): return b.bytes.count
        case .list(let l): return l.elements.count
        case .tuple(let t): return t.elements.count
        case .dict(let d): return d.count
        case .set(let s): return s.count
        case .object(let o): return o.length
        default: return nil
        }
    }
}
