/// Set operations shared by the `| & ^` operators and the set methods.
enum SetAlgebra {
    static func union(_ a: StarSet, _ others: [Value]) throws -> StarSet {
        let r = a.copy()
        for v in others { try r.insert(v) }
        return r
    }

    static func intersection(_ a: StarSet, _ others: [Value]) throws -> StarSet {
        let other = try StarSet(others)
        let r = StarSet()
        for v in a.elements where try other.contains(v) { try r.insert(v) }
        return r
    }

    static func difference(_ a: StarSet, _ others: [Value]) throws -> StarSet {
        let other = try StarSet(others)
        let r = StarSet()
        for v in a.elements where !(try other.contains(v)) { try r.insert(v) }
        return r
    }

    static func symmetricDifference(_ a: StarSet, _ others: [Value]) throws -> StarSet {
        let other = try StarSet(others)
        let r = StarSet()
        for v in a.elements where !(try other.contains(v)) { try r.insert(v) }
        for v in other.elements where !(try a.contains(v)) { try r.insert(v) }
        return r
    }
}
