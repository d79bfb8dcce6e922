/// Releases nested containers iteratively. Without this, dropping a list nested a million
/// levels deep (`x = [x]` in a loop) recurses once per level inside ARC and overflows the
/// stack. A deinit hands its elements to `dismantle`, which takes apart every uniquely
/// referenced list/tuple/dict it finds with an explicit worklist instead.
enum ReleaseChain {
    /// Containers with few elements and no nested containers take the fast exit.
    static func dismantle(_ elements: inout [Value]) {
        var hasContainer = false
        for e in elements {
            switch e {
            case .list, .tuple, .dict: hasContainer = true
            default: break
            }
            if hasContainer { break }
        }
        if !hasContainer { return }
        var work: [Value] = []
        swap(&work, &elements)
        while var v = work.popLast() {
            // The payload is moved out of `v` in a helper, so that no temporary copy of the
            // enum keeps a second reference alive during the uniqueness check.
            if var l = takeList(&v) {
                if isKnownUniquelyReferenced(&l) && l.iterators == 0 {
                    work.append(contentsOf: l.elements)
                    l.elements.removeAll()
                }
            } else if var t = takeTuple(&v) {
                if isKnownUniquelyReferenced(&t) {
                    work.append(contentsOf: t.elements)
                    t.elements = []
                }
            } else if var d = takeDict(&v) {
                if isKnownUniquelyReferenced(&d) && d.iterators == 0 {
                    work.append(contentsOf: d.core.keys)
                    work.append(contentsOf: d.core.vals)
                    d.core.removeAll()
                }
            }
        }
    }

    private static func takeList(_ v: inout Value) -> StarList? {
        guard case .list(let l) = v else { return nil }
        v = .none
        return l
    }

    private static func takeTuple(_ v: inout Value) -> StarTuple? {
        guard case .tuple(let t) = v else { return nil }
        v = .none
        return t
    }

    private static func takeDict(_ v: inout Value) -> StarDict? {
        guard case .dict(let d) = v else { return nil }
        v = .none
        return d
    }
}
