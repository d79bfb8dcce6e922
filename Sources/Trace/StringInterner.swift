// One copy of each distinct string the store holds (service names, syscall names,
// decisions, paths): a syscall event then costs a few 32-bit ids instead of several
// String values, and materialised events share the interned storage.

struct StringInterner {
    private(set) var strings: [String] = [""]
    private var ids: [String: UInt32] = ["": 0]

    /// The id of `s`, adding it if new. Id 0 is the empty string.
    mutating func intern(_ s: String) -> UInt32 {
        if let id = ids[s] { return id }
        let id = UInt32(strings.count)
        strings.append(s)
        ids[s] = id
        return id
    }

    /// The id of `s` if it was ever interned (a query for a string the store never saw
    /// matches nothing without scanning).
    func id(of s: String) -> UInt32? { ids[s] }

    subscript(id: UInt32) -> String { strings[Int(id)] }
}
