import StarlarkSyntax

/// `str` and `repr`, written as bytes into a buffer. Containers being printed are tracked
/// on a path so that a cyclic list prints as `[...]` and a cyclic dict as `{...}`.
extension Ops {
    /// `str(x)`: strings print raw, everything else as `repr`.
    public static func str(_ x: Value) -> String {
        if case .string(let s) = x { return s.string }
        return repr(x)
    }

    /// `repr(x)`.
    public static func repr(_ x: Value) -> String {
        var out: [UInt8] = []
        reprBytes(x, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `str(x)` as bytes (strings are not quoted).
    public static func strBytes(_ x: Value, into out: inout [UInt8]) {
        if case .string(let s) = x {
            out.append(contentsOf: s.bytes)
            return
        }
        reprBytes(x, into: &out)
    }

    /// `repr(x)` as bytes.
    public static func reprBytes(_ x: Value, into out: inout [UInt8]) {
        var path: [ObjectIdentifier] = []
        writeValue(x, &out, &path)
    }

    /// The string value's bytes, or `str(x)` bytes for other values.
    static func strValueBytes(_ x: Value) -> [UInt8] {
        if case .string(let s) = x { return s.bytes }
        var out: [UInt8] = []
        reprBytes(x, into: &out)
        return out
    }

    /// Nesting beyond this prints as `...`: repr must not overflow the stack on a
    /// pathologically deep (acyclic) value.
    static let maxReprDepth = 1000

    private static func writeValue(_ x: Value, _ out: inout [UInt8], _ path: inout [ObjectIdentifier], _ depth: Int = 0) {
        if depth > maxReprDepth { out.append(contentsOf: "...".utf8); return }
        switch x {
        case .none: out.append(contentsOf: "None".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "True" : "False").utf8)
        case .int(let i): IntText.append(i, to: &out)
        case .bigInt(let b): out.append(contentsOf: b.value.description.utf8)
        case .float(let f): FloatFormat.writeShortest(f, into: &out)
        case .string(let s): StarlarkQuote.append(s.bytes, to: &out)
        case .bytes(let b):
            out.append(UInt8(ascii: "b"))
            StarlarkQuote.append(b.bytes, to: &out)
        case .list(let l):
            let id = ObjectIdentifier(l)
            if path.contains(id) { out.append(contentsOf: "[...]".utf8); return }
            path.append(id)
            out.append(UInt8(ascii: "["))
            for (i, e) in l.elements.enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                writeValue(e, &out, &path, depth + 1)
            }
            out.append(UInt8(ascii: "]"))
            path.removeLast()
        case .tuple(let t):
            out.append(UInt8(ascii: "("))
            for (i, e) in t.elements.enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                writeValue(e, &out, &path, depth + 1)
            }
            if t.elements.count == 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: ")"))
        case .dict(let d):
            let id = ObjectIdentifier(d)
            if path.contains(id) { out.append(contentsOf: "{...}".utf8); return }
            path.append(id)
            out.append(UInt8(ascii: "{"))
            var first = true
            for e in 0..<d.entryCapacity where d.isLive(e) {
                if !first { out.append(contentsOf: ", ".utf8) }
                first = false
                writeValue(d.key(at: e), &out, &path, depth + 1)
                out.append(contentsOf: ": ".utf8)
                writeValue(d.value(at: e), &out, &path, depth + 1)
            }
            out.append(UInt8(ascii: "}"))
            path.removeLast()
        case .set(let s):
            out.append(contentsOf: "set([".utf8)
            var first = true
            for e in 0..<s.entryCapacity where s.isLive(e) {
                if !first { out.append(contentsOf: ", ".utf8) }
                first = false
                writeValue(s.key(at: e), &out, &path, depth + 1)
            }
            out.append(contentsOf: "])".utf8)
        case .function(let f):
            out.append(contentsOf: "<function \(f.name)>".utf8)
        case .builtin(let b):
            if let r = b.receiver {
                out.append(contentsOf: "<built-in method \(b.name) of \(r.typeName) value>".utf8)
            } else {
                out.append(contentsOf: "<built-in function \(b.name)>".utf8)
            }
        case .object(let o):
            let id = ObjectIdentifier(o)
            if path.contains(id) { out.append(contentsOf: "...".utf8); return }
            path.append(id)
            // Objects print their fields through the same path so cycles through them stop.
            if let fields = o as? ReprFieldsProvider {
                fields.writeRepr(into: &out) { v, buf in writeValue(v, &buf, &path, depth + 1) }
            } else {
                try? o.repr(into: &out, thread: nil)
            }
            path.removeLast()
        }
    }
}

/// Objects whose repr contains other values (struct, module) implement this so that their
/// nested values print through the cycle-aware printer.
public protocol ReprFieldsProvider: AnyObject {
    func writeRepr(into out: inout [UInt8], value: (Value, inout [UInt8]) -> Void)
}
