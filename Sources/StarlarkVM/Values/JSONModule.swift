import BigInt

/// The `json` module: `encode`, `decode`, `indent`, with go.starlark.net's starlarkjson
/// behaviour (sorted object keys, `%g`-style floats, UTF-16 escapes, offset-based errors).
enum JSONModule {
    static func make() -> Value {
        let members: [String: Value] = [
            "encode": .builtin(Builtin(name: "json.encode", impl: encode)),
            "decode": .builtin(Builtin(name: "json.decode", impl: decode)),
            "indent": .builtin(Builtin(name: "json.indent", impl: indent)),
        ]
        return .object(ModuleValue(name: "json", members: members))
    }

    // MARK: encode

    static func encode(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "json.encode", min: 1, max: 1)
        var out: [UInt8] = []
        var depth = 0
        do { try emit(p[0], &out, &depth, t) } catch let e as StarlarkError {
            throw StarlarkError("json.encode: \(e.message)")
        } catch let e as JSONNestingError {
            throw StarlarkError("json.encode: \(e.message)")
        }
        return .str(out)
    }

    /// Too deep or cyclic: reported once, not wrapped in one "at list index" per level.
    struct JSONNestingError: Error { let message: String }

    private static func emit(_ x: Value, _ out: inout [UInt8], _ depth: inout Int, _ t: StarThread) throws {
        depth += 1
        defer { depth -= 1 }
        // Cyclic values would recurse forever; Go overflows its stack, we report instead.
        if depth > 1000 { throw JSONNestingError(message: "nesting depth limit exceeded (cyclic value?)") }
        switch x {
        case .none: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .bigInt(let b): out.append(contentsOf: b.value.description.utf8)
        case .float(let f):
            if !f.isFinite { throw StarlarkError("cannot encode non-finite float \(FloatFormat.shortest(f))") }
            // Go's fmt %g: shortest digits, no forced ".0" (json.encode(2.0) == "2").
            FloatFormat.writeShortest(f, pointZero: false, into: &out)
        case .string(let s): quote(s.bytes, &out)
        case .dict(let d):
            var items: [([UInt8], Value, Value)] = []
            for e in 0..<d.entryCapacity where d.isLive(e) {
                guard case .string(let k) = d.key(at: e) else {
                    throw StarlarkError("dict has \(d.key(at: e).typeName) key, want string")
                }
                items.append((k.bytes, d.key(at: e), d.value(at: e)))
            }
            items.sort { Ops.compareBytes($0.0, $1.0) < 0 }
            out.append(UInt8(ascii: "{"))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                quote(item.0, &out)
                out.append(UInt8(ascii: ":"))
                do { try emit(item.2, &out, &depth, t) } catch let e as StarlarkError {
                    throw StarlarkError("in dict key \(Ops.repr(item.1)): \(e.message)")
                }
            }
            out.append(UInt8(ascii: "}"))
        case .list, .tuple, .set:
            try emitArray(x, &out, &depth, t)
        case .object(let o):
            if o is StructValue || o is ModuleValue {
                out.append(UInt8(ascii: "{"))
                for (i, name) in o.attrNames.sorted().enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    quote(Array(name.utf8), &out)
                    out.append(UInt8(ascii: ":"))
                    let v = try o.attr(name, thread: t) ?? .none
                    do { try emit(v, &out, &depth, t) } catch let e as StarlarkError {
                        throw StarlarkError("in field .\(name): \(e.message)")
                    }
                }
                out.append(UInt8(ascii: "}"))
            } else if Ops.isIterable(x) {
                try emitArray(x, &out, &depth, t)
            } else {
                throw StarlarkError("cannot encode \(x.typeName) as JSON")
            }
        default:
            throw StarlarkError("cannot encode \(x.typeName) as JSON")
        }
    }

    private static func emitArray(_ x: Value, _ out: inout [UInt8], _ depth: inout Int, _ t: StarThread) throws {
        out.append(UInt8(ascii: "["))
        for (i, v) in try Ops.collect(x).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            do { try emit(v, &out, &depth, t) } catch let e as StarlarkError {
                throw StarlarkError("at \(x.typeName) index \(i): \(e.message)")
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Printable ASCII is quoted Go-style; anything else as Go's encoding/json does
    /// (HTML-safe escapes, \u00XX controls, U+FFFD for invalid UTF-8, \u2028/\u2029).
    static func quote(_ s: [UInt8], _ out: inout [UInt8]) {
        let printable = s.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != 0x7f }
        out.append(UInt8(ascii: "\""))
        if printable {
            for c in s {
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(c)
            }
            out.append(UInt8(ascii: "\""))
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        Runes.forEach(s) { sc, st, w in
            guard let r = sc else {
                out.append(contentsOf: "\\ufffd".utf8)
                return
            }
            switch r.value {
            case 0x22: out.append(contentsOf: "\\\"".utf8)
            case 0x5c: out.append(contentsOf: "\\\\".utf8)
            case 0x0a: out.append(contentsOf: "\\n".utf8)
            case 0x0d: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x3c, 0x3e, 0x26, 0x00...0x1f:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(r.value >> 4)])
                out.append(hex[Int(r.value & 0xf)])
            case 0x2028: out.append(contentsOf: "\\u2028".utf8)
            case 0x2029: out.append(contentsOf: "\\u2029".utf8)
            default: out.append(contentsOf: s[st..<(st + w)])
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: indent

    static let indentParams = Params("json.indent", ["prefix?", "indent?"])

    static func indent(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let kw = try Arguments([], named: a.named).unpack(indentParams)
        let prefix = try kw[0].map { try Unpack.string($0, "json.indent", "\"prefix\"") } ?? []
        let unit = try kw[1].map { try Unpack.string($0, "json.indent", "\"indent\"") } ?? [9]
        let p = try Arguments(a.positional).unpackPositional(fn: "json.indent", min: 1, max: 1)
        let src = try Unpack.string(p[0], "json.indent", "str")
        do {
            return .str(try JSONIndent.indent(src, prefix: prefix, unit: unit))
        } catch let e as StarlarkError {
            throw StarlarkError("json.indent: \(e.message)")
        }
    }
}
