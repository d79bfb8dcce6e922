import DidYouMean
import StarlarkResolve
import StarlarkSyntax

/// An immutable record with named fields (go.starlark.net's starlarkstruct): `struct(**kw)`.
/// Fields are kept sorted by name. `constructor` is the value that made it (the `struct`
/// builtin by default; embedders may pass their own, e.g. a gensym'd symbol), and two
/// structs are equal only if their constructors are.
public final class StructValue: StarObject, ReprFieldsProvider {
    public let constructor: Value
    public let fields: [(name: String, value: Value)]

    public init(constructor: Value, fields: [(String, Value)]) {
        self.constructor = constructor
        self.fields = fields.sorted { $0.0 < $1.0 }.map { (name: $0.0, value: $0.1) }
    }

    /// The `struct` builtin.
    static func constructor(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        if !a.positional.isEmpty { throw StarlarkError("struct: unexpected positional arguments") }
        let ctor = Universe.builtins["struct"] ?? .none
        return .object(StructValue(constructor: ctor, fields: a.named))
    }

    public func field(_ name: String) -> Value? {
        // Binary search over the sorted names.
        var lo = 0, hi = fields.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if fields[mid].name < name { lo = mid + 1 } else { hi = mid }
        }
        return lo < fields.count && fields[lo].name == name ? fields[lo].value : nil
    }

    private var isDefaultConstructor: Bool {
        if case .builtin(let b) = constructor, b.name == "struct", b.receiver == nil { return true }
        return false
    }

    public override var typeName: String { "struct" }

    public override func attr(_ name: String, thread: StarThread) throws -> Value? {
        if let v = field(name) { return v }
        let ctor = isDefaultConstructor ? "" : Ops.str(constructor) + " "
        var msg = "\(ctor)struct has no .\(name) attribute"
        if let near = Spelling.suggest(name, among: attrNames) { msg += " (did you mean .\(near)?)" }
        throw StarlarkError(msg)
    }

    public override var attrNames: [String] { fields.map { $0.name } }

    public func writeRepr(into out: inout [UInt8], value: (Value, inout [UInt8]) -> Void) {
        if isDefaultConstructor { out.append(contentsOf: "struct".utf8) } else {
            Ops.strBytes(constructor, into: &out)
        }
        out.append(UInt8(ascii: "("))
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(contentsOf: ", ".utf8) }
            out.append(contentsOf: f.name.utf8)
            out.append(contentsOf: " = ".utf8)
            value(f.value, &out)
        }
        out.append(UInt8(ascii: ")"))
    }

    public override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        writeRepr(into: &out) { v, buf in Ops.reprBytes(v, into: &buf) }
    }

    public override func hash() throws -> UInt32 {
        var x: UInt32 = 8731, m: UInt32 = 9839
        for f in fields {
            x ^= 3 &* Ops.stringHash(Array(f.name.utf8))
            x ^= (try Ops.hash(f.value)) &* m
            m &+= 7349
        }
        return x
    }

    public override func compare(_ op: BinaryOp, _ other: StarObject, depth: Int) throws -> Bool? {
        guard let y = other as? StructValue else { return nil }
        guard op == .eq || op == .ne else {
            throw StarlarkError("struct \(op.rawValue) struct not implemented")
        }
        let sameCtor = try Ops.compareDepth(.eq, constructor, y.constructor, depth)
        var eq = sameCtor && fields.count == y.fields.count
        if eq {
            for (a, b) in zip(fields, y.fields) {
                if a.name != b.name { eq = false; break }
                if !(try Ops.compareDepth(.eq, a.value, b.value, depth)) { eq = false; break }
            }
        }
        return op == .eq ? eq : !eq
    }

    public override func binary(_ op: BinaryOp, _ other: Value, isLeft: Bool) throws -> Value? {
        guard op == .add, case .object(let o) = other, let y = o as? StructValue else { return nil }
        let (l, r) = isLeft ? (self, y) : (y, self)
        if !(try Ops.equal(l.constructor, r.constructor)) {
            throw StarlarkError("cannot add structs of different constructors: \(Ops.str(l.constructor)) + \(Ops.str(r.constructor))")
        }
        var merged: [String: Value] = [:]
        for f in l.fields { merged[f.name] = f.value }
        for f in r.fields { merged[f.name] = f.value }
        return .object(StructValue(constructor: l.constructor, fields: merged.map { ($0.key, $0.value) }))
    }

    public override func freeze() {
        for f in fields { f.value.freeze() }
    }
}

/// A named group of values (`json`, loaded modules as values): `module.name` access.
public final class ModuleValue: StarObject, ReprFieldsProvider {
    public let name: String
    public let members: [String: Value]

    public init(name: String, members: [String: Value]) {
        self.name = name
        self.members = members
    }

    public override var typeName: String { "module" }
    public override func attr(_ n: String, thread: StarThread) throws -> Value? { members[n] }
    public override var attrNames: [String] { members.keys.sorted() }

    public func writeRepr(into out: inout [UInt8], value: (Value, inout [UInt8]) -> Void) {
        out.append(contentsOf: "<module \"\(name)\">".utf8)
    }

    public override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        writeRepr(into: &out) { _, _ in }
    }

    public override func hash() throws -> UInt32 { throw StarlarkError("unhashable: module") }

    public override func freeze() {
        for v in members.values { v.freeze() }
    }
}
