extension Value {
    /// `type(x)`.
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "string"
        case .bytes: return "bytes"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .set: return "set"
        case .function: return "function"
        case .builtin: return "builtin_function_or_method"
        case .object(let o): return o.typeName
        }
    }

    /// `bool(x)`.
    public var truth: Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .bigInt: return true
        case .float(let f): return f != 0
        case .string(let s): return !s.bytes.isEmpty
        case .bytes(let b): return !b.bytes.isEmpty
        case .list(let l): return !l.elements.isEmpty
        case .tuple(let t): return !t.elements.isEmpty
        case .dict(let d): return d.count > 0
        case .set(let s): return s.count > 0
        case .function, .builtin: return true
        case .object(let o): return o.truth
        }
    }

    /// Deep freeze: makes lists, dicts, sets and objects reachable from this value immutable.
    /// Already-frozen containers stop the walk (cycles); an explicit worklist instead of
    /// recursion keeps deeply nested values from exhausting the stack.
    public func freeze() {
        var work: [Value] = [self]
        while let v = work.popLast() {
            switch v {
            case .list(let l):
                if l.frozen { continue }
                l.frozen = true
                work.append(contentsOf: l.elements)
            case .tuple(let t):
                work.append(contentsOf: t.elements)
            case .dict(let d):
                if d.frozen { continue }
                d.frozen = true
                for e in 0..<d.entryCapacity where d.isLive(e) {
                    work.append(d.key(at: e))
                    work.append(d.value(at: e))
                }
            case .set(let s):
                if s.frozen { continue }
                s.frozen = true
                for e in 0..<s.entryCapacity where s.isLive(e) { work.append(s.key(at: e)) }
            case .function: continue  // the interpreter freezes defaults and captured cells itself
            case .builtin(let b):
                if let r = b.receiver { work.append(r) }
            case .object(let o): o.freeze()
            default: continue
            }
        }
    }

    /// Convenience constructor for a string value.
    public static func str(_ s: String) -> Value { .string(StarString(s)) }
    /// Convenience constructor for a string value from bytes.
    public static func str(_ bytes: [UInt8]) -> Value { .string(StarString(bytes)) }
}
