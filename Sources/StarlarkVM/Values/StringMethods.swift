/// Methods of `string`, by name (go.starlark.net's set plus removeprefix/removesuffix).
extension Methods {
    static let string = MethodTable([
        "capitalize": { _, r, a in
            _ = try a.unpackPositional(fn: "capitalize", min: 0, max: 0)
            return .str(Runes.map(try recvBytes(r)) { s, k in k == 0 ? Runes.toTitle(s) : Runes.toLower(s) })
        },
        "codepoint_ords": { _, r, a in
            _ = try a.unpackPositional(fn: "codepoint_ords", min: 0, max: 0)
            return .object(StringView(try recvBytes(r), .codepointOrds))
        },
        "codepoints": { _, r, a in
            _ = try a.unpackPositional(fn: "codepoints", min: 0, max: 0)
            return .object(StringView(try recvBytes(r), .codepoints))
        },
        "count": { _, r, a in
            let s = try recvBytes(r)
            let p = try a.unpackPositional(fn: "count", min: 1, max: 3)
            let sub = try Unpack.string(p[0], "count", "sub")
            let (st, en) = try Ops.indices(p.count > 1 ? p[1] : nil, p.count > 2 ? p[2] : nil, s.count, fn: "count")
            if st >= en { return .int(sub.isEmpty ? 1 : 0) }
            let slice = Array(s[st..<en])
            if sub.isEmpty { return .integer(Runes.count(slice) + 1) }
            var n = 0, i = 0
            while let j = ByteSearch.find(slice, sub, from: i, to: slice.count) { n += 1; i = j + sub.count }
            return .integer(n)
        },
        "elem_ords": { _, r, a in
            _ = try a.unpackPositional(fn: "elem_ords", min: 0, max: 0)
            return .object(StringView(try recvBytes(r), .elemOrds))
        },
        "elems": { _, r, a in
            _ = try a.unpackPositional(fn: "elems", min: 0, max: 0)
            return .object(StringView(try recvBytes(r), .elems))
        },
        "endswith": { _, r, a in try StringOps.affix(r, a, "endswith", suffix: true) },
        "find": { _, r, a in try StringOps.find(r, a, "find", last: false, allowMissing: true) },
        "format": { _, r, a in .str(try StrFormat.format(try recvBytes(r), a)) },
        "index": { _, r, a in try StringOps.find(r, a, "index", last: false, allowMissing: false) },
        "isalnum": { _, r, a in try StringOps.all(r, a, "isalnum") { Runes.isLetter($0) || Runes.isDigit($0) } },
        "isalpha": { _, r, a in try StringOps.all(r, a, "isalpha") { Runes.isLetter($0) } },
        "isdigit": { _, r, a in try StringOps.all(r, a, "isdigit") { Runes.isDigit($0) } },
        "islower": { _, r, a in
            _ = try a.unpackPositional(fn: "islower", min: 0, max: 0)
            let s = try recvBytes(r)
            return .bool(StringOps.isCased(s) && Runes.map(s) { c, _ in Runes.toLower(c) } == s)
        },
        "isspace": { _, r, a in try StringOps.all(r, a, "isspace") { Runes.isSpace($0) } },
        "istitle": { _, r, a in
            _ = try a.unpackPositional(fn: "istitle", min: 0, max: 0)
            return .bool(StringOps.isTitle(try recvBytes(r)))
        },
        "isupper": { _, r, a in
            _ = try a.unpackPositional(fn: "isupper", min: 0, max: 0)
            let s = try recvBytes(r)
            return .bool(StringOps.isCased(s) && Runes.map(s) { c, _ in Runes.toUpper(c) } == s)
        },
        "join": { _, r, a in try StringOps.join(r, a) },
        "lower": { _, r, a in
            _ = try a.unpackPositional(fn: "lower", min: 0, max: 0)
            let b = try recvBytes(r)
            if let ascii = Runes.asciiMap(b, from: 65, to: 90, delta: 32) { return .str(ascii) }
            return .str(Runes.map(b) { s, _ in Runes.toLower(s) })
        },
        "lstrip": { _, r, a in try StringOps.strip(r, a, "lstrip", left: true, right: false) },
        "partition": { _, r, a in try StringOps.partition(r, a, "partition", last: false) },
        "removeprefix": { _, r, a in
            let s = try recvBytes(r)
            let p = try Unpack.string(try a.unpackPositional(fn: "removeprefix", min: 1, max: 1)[0], "removeprefix", "prefix")
            return s.starts(with: p) ? .str(Array(s[p.count...])) : r
        },
        "removesuffix": { _, r, a in
            let s = try recvBytes(r)
            let p = try Unpack.string(try a.unpackPositional(fn: "removesuffix", min: 1, max: 1)[0], "removesuffix", "suffix")
            return s.count >= p.count && Array(s[(s.count - p.count)...]) == p ? .str(Array(s[..<(s.count - p.count)])) : r
        },
        "replace": { _, r, a in try StringOps.replace(r, a) },
        "rfind": { _, r, a in try StringOps.find(r, a, "rfind", last: true, allowMissing: true) },
        "rindex": { _, r, a in try StringOps.find(r, a, "rindex", last: true, allowMissing: false) },
        "rpartition": { _, r, a in try StringOps.partition(r, a, "rpartition", last: true) },
        "rsplit": { _, r, a in try StringOps.split(r, a, "rsplit") },
        "rstrip": { _, r, a in try StringOps.strip(r, a, "rstrip", left: false, right: true) },
        "split": { _, r, a in try StringOps.split(r, a, "split") },
        "splitlines": { _, r, a in try StringOps.splitlines(r, a) },
        "startswith": { _, r, a in try StringOps.affix(r, a, "startswith", suffix: false) },
        "strip": { _, r, a in try StringOps.strip(r, a, "strip", left: true, right: true) },
        "title": { _, r, a in
            _ = try a.unpackPositional(fn: "title", min: 0, max: 0)
            var prevCased = false
            return .str(Runes.map(try recvBytes(r)) { s, _ in
                let m = prevCased ? Runes.toLower(s) : Runes.toTitle(s)
                prevCased = Runes.isCased(m)
                return m
            })
        },
        "upper": { _, r, a in
            _ = try a.unpackPositional(fn: "upper", min: 0, max: 0)
            let b = try recvBytes(r)
            if let ascii = Runes.asciiMap(b, from: 97, to: 122, delta: -32) { return .str(ascii) }
            return .str(Runes.map(b) { s, _ in Runes.toUpper(s) })
        },
    ])

    static let bytes = MethodTable([
        "elems": { _, r, a in
            _ = try a.unpackPositional(fn: "elems", min: 0, max: 0)
            guard case .bytes(let b) = r else { throw StarlarkError("elems: bad receiver") }
            return .object(StringView(b.bytes, .elemOrds))
        },
    ])

    static func recvBytes(_ r: Value) throws -> [UInt8] {
        guard case .string(let s) = r else { throw StarlarkError("got \(r.typeName), want string") }
        return s.bytes
    }
}

/// Namespace for the built-in method tables.
enum Methods {}
