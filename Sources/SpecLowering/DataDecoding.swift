import Foundation
import StarlarkVM
import Yams

/// JSON and YAML text -> Starlark values for `load_json` / `load_yaml`: objects and
/// mappings become dicts in the order written, arrays and sequences lists, integers ints
/// (of any size), other numbers floats, `null` None. Errors name the data file with the
/// line and column of the problem.
enum DataDecoding {
    // MARK: JSON

    /// Through the universe's `json.decode` (one JSON parser in the project); its byte
    /// offsets become line:column here.
    static func json(_ input: [UInt8], name: String, thread: StarThread) throws -> Value {
        let bytes = withoutBOM(input)
        let decode: Value
        do {
            guard let module = Universe.builtins["json"] else { throw StarlarkError("no json module") }
            decode = try Ops.getAttr(module, "decode", thread: thread)
        } catch {
            throw StarlarkError("load_json: internal error: json.decode is not available (\(error))")
        }
        do {
            return try thread.call(decode, Arguments([.string(StarString(bytes))]))
        } catch {
            let message = (error as? StarlarkError)?.message ?? (error as? EvalError)?.message ?? "\(error)"
            var detail = message
            var offset = 0
            // "json.decode: at offset N, what"
            if let r = message.range(of: "at offset ") {
                let rest = message[r.upperBound...]
                let digits = rest.prefix { ("0"..."9").contains($0) }
                if let n = Int(digits) {
                    offset = n
                    detail = String(rest.dropFirst(digits.count))
                    if detail.hasPrefix(", ") { detail.removeFirst(2) }
                }
            } else if message.hasPrefix("json.decode: ") {
                detail = String(message.dropFirst("json.decode: ".count))
            }
            let (line, column) = lineColumn(bytes, offset)
            let fix = bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 })
                ? "the file is empty; write a JSON value into it (e.g. {} or [])"
                : "correct the JSON at that position (python3 -m json.tool \(name) reports the same place)"
            throw StarlarkError("load_json: \(name):\(line):\(column): invalid JSON: \(detail)\n    fix: \(fix)")
        }
    }

    // MARK: YAML

    /// The YAML 1.2 core schema (as the reference tool's YAML library reads documents into
    /// untyped values): only true/false are booleans (yes, no, on, off are strings),
    /// integers are decimal, 0o octal or 0x hex, and dates stay strings.
    static let resolver: Resolver = {
        let rules: [Resolver.Rule] = [
            try! Resolver.Rule(.null, "^(?:~|null|Null|NULL|)$"),
            try! Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$"),
            try! Resolver.Rule(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
            try! Resolver.Rule(.float, "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                               + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"),
            try! Resolver.Rule(.merge, "^<<$"),
        ]
        return rules.reduce(Resolver.basic) { $0.appending($1) }
    }()

    /// Deeper nesting is refused (libyaml's own limit is the same): the YAML library
    /// recurses once per level.
    static let maxYAMLNesting = 1000

    static func yaml(_ input: [UInt8], name: String, thread: StarThread) throws -> Value {
        let bytes = withoutBOM(input)
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            let bad = firstInvalidUTF8(bytes)
            let (line, column) = lineColumn(bytes, bad)
            throw StarlarkError("load_yaml: \(name):\(line):\(column): the file is not UTF-8 text\n"
                                + "    fix: save it as UTF-8 (YAML files are text)")
        }
        // Parsing and conversion recurse once per nesting level: run them on a thread with a
        // stack that fits the deepest document allowed above, whatever thread the spec runs on.
        let box = ResultBox()
        let worker = Thread {
            box.result = Result { try convertYAML(text, bytes: bytes.count, name: name) }
            box.done.signal()
        }
        worker.stackSize = 32 << 20
        worker.start()
        box.done.wait()
        return try box.result!.get().value
    }

    final class ResultBox: @unchecked Sendable {
        var result: Result<ValueBox, Error>?
        let done = DispatchSemaphore(value: 0)
    }

    /// Carries a converted value from the worker thread.
    final class ValueBox: @unchecked Sendable {
        let value: Value
        init(_ v: Value) { value = v }
    }

    static func convertYAML(_ text: String, bytes: Int, name: String) throws -> ValueBox {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, resolver)
        } catch let e as YamlError {
            throw yamlError(e, name: name, text: text)
        }
        guard let node else { return ValueBox(.none) }
        var converter = YAMLConverter(name: name, budget: 10 * bytes + 100_000)
        return ValueBox(try converter.value(node, depth: 0))
    }

    static func yamlError(_ e: YamlError, name: String, text: String) -> StarlarkError {
        func at(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> StarlarkError {
            if problem.hasPrefix("Maximum nesting level") {
                return StarlarkError("load_yaml: \(name):\(mark.line):\(mark.column): the document is nested more than "
                                     + "\(maxYAMLNesting) levels deep\n    fix: flatten the data")
            }
            var what = problem
            if let c = context {
                let ctx = c.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !ctx.isEmpty, ctx.count < 200 { what += " (\(ctx) at line \(c.mark.line), column \(c.mark.column))" }
            }
            return StarlarkError("load_yaml: \(name):\(mark.line):\(mark.column): invalid YAML: \(what)\n"
                                 + "    fix: correct the YAML at that position (indentation uses spaces; quote values "
                                     + "that contain ': ' or start with special characters)")
        }
        switch e {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return at(mark, problem, context)
        case .reader(let problem, let offset, _, _):
            // The offset counts characters.
            var line = 1, column = 1
            for ch in text.prefix(max(offset ?? 0, 0)) {
                if ch == "\n" { line += 1; column = 1 } else { column += 1 }
            }
            return StarlarkError("load_yaml: \(name):\(line):\(column): invalid YAML: \(problem)\n    fix: save the file as UTF-8 text")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return StarlarkError("load_yaml: \(name):\(context.mark.line):\(context.mark.column): key \(keys) appears "
                + "more than once in one mapping "
                                 + "(the first at line \(context.mark.line))\n"
                                 + "    fix: keep one entry per key")
        default:
            return StarlarkError("load_yaml: \(name): invalid YAML: \(e)\n    fix: correct the YAML")
        }
    }

    /// Converts a composed document. Aliases were resolved to their anchors by the parser;
    /// `budget` bounds the number of values so that nested aliases cannot expand a small
    /// file into an enormous value.
    struct YAMLConverter {
        let name: String
        var budget: Int
        /// For big integers (outside Int64): the universe's `int("...")`.
        lazy var scratch = StarThread(name: "load_yaml")

        init(name: String, budget: Int) {
            self.name = name
            self.budget = budget
        }

        func error(_ node: Node, _ what: String, fix: String) -> StarlarkError {
            let mark = node.mark.map { "\($0.line):\($0.column)" } ?? "1:1"
            return StarlarkError("load_yaml: \(name):\(mark): \(what)\n    fix: \(fix)")
        }

        static func tagName(_ node: Node) -> Tag.Name {
            Tag.Name(rawValue: node.tag.description)
        }

        mutating func value(_ node: Node, depth: Int) throws -> Value {
            budget -= 1
            if budget < 0 {
                throw error(node, "the document expands to too many values (aliases of aliases?)",
                            fix: "write the data out instead of nesting aliases")
            }
            if depth > DataDecoding.maxYAMLNesting {
                throw error(node, "the document is nested more than \(DataDecoding.maxYAMLNesting) levels deep", fix: "flatten the data")
            }
            switch node {
            case .scalar(let s): return try scalar(node, s)
            case .sequence(let seq):
                var items: [Value] = []
                items.reserveCapacity(seq.count)
                for item in seq { items.append(try value(item, depth: depth + 1)) }
                return .list(StarList(items))
            case .mapping(let mapping): return try self.mapping(node, mapping, depth: depth)
            case .alias:
                throw error(node, "unresolved alias", fix: "define the anchor (&name) before using it (*name)")
            }
        }

        mutating func mapping(_ node: Node, _ mapping: Node.Mapping, depth: Int) throws -> Value {
            let dict = StarDict()
            var explicit: [String: Mark?] = [:]
            // Keys written in this mapping win over keys brought in by `<<` merges.
            for (k, _) in mapping where Self.tagName(k) != .merge {
                let key = try keyString(k)
                if let first = explicit[key] {
                    let line = first.map { " (first at line \($0.line))" } ?? ""
                    throw error(k, "key \"\(key)\" appears more than once in one mapping\(line)", fix: "keep one entry per key")
                }
                explicit[key] = k.mark
            }
            for (k, v) in mapping {
                if Self.tagName(k) == .merge {
                    let sources: [Node]
                    switch v {
                    case .mapping: sources = [v]
                    case .sequence(let seq): sources = Array(seq)
                    default:
                        throw error(v, "a merge key (<<) needs a mapping or a list of mappings", fix: "write <<: "
                            + "*anchor where &anchor names a mapping")
                    }
                    for source in sources {
                        guard case .mapping(let m) = source else {
                            throw error(source, "a merge key (<<) needs a mapping or a list of mappings", fix: "write "
                                + "<<: *anchor where &anchor names a mapping")
                        }
                        for (mk, mv) in m {
                            if Self.tagName(mk) == .merge { continue }
                            let key = try keyString(mk)
                            if explicit[key] != nil { continue }
                            let keyValue = Value.str(key)
                            if try dict.get(keyValue) != nil { continue }  // an earlier merge source wins
                            try dict.set(keyValue, try value(mv, depth: depth + 1))
                        }
                    }
                    continue
                }
                try dict.set(.str(try keyString(k)), try value(v, depth: depth + 1))
            }
            return .dict(dict)
        }

        func keyString(_ k: Node) throws -> String {
            let fix = "quote the key (write \"key\": value); Starlark dicts loaded from YAML have string keys"
            switch k {
            case .scalar(let s):
                let tag = Self.tagName(k)
                if tag == .str || tag == .nonSpecific || !tag.rawValue.hasPrefix("tag:yaml.org,2002:") { return s.string }
                let kind: String
                switch tag {
                case .int: kind = "an int"
                case .float: kind = "a float"
                case .bool: kind = "a bool"
                case .null: kind = "null"
                default: kind = "a \(tag.rawValue.replacingOccurrences(of: "tag:yaml.org,2002:", with: ""))"
                }
                let shown = s.string.isEmpty ? "(empty)" : s.string
                throw error(k, "mapping key \(shown) is \(kind), not a string", fix: fix)
            case .mapping:
                throw error(k, "a mapping key is itself a mapping", fix: fix)
            case .sequence:
                throw error(k, "a mapping key is a list", fix: fix)
            case .alias:
                throw error(k, "a mapping key is an unresolved alias", fix: fix)
            }
        }

        mutating func scalar(_ node: Node, _ s: Node.Scalar) throws -> Value {
            let text = s.string
            switch Self.tagName(node) {
            case .null:
                return .none
            case .bool:
                switch text {
                case "true", "True", "TRUE": return .bool(true)
                case "false", "False", "FALSE": return .bool(false)
                default: throw error(node, "\(text) is tagged !!bool but is not true or false", fix: "write true or false")
                }
            case .int:
                if let v = try integer(text) { return v }
                throw error(node, "\(text) is tagged !!int but is not an integer", fix: "write a decimal, 0o octal or 0x hex integer")
            case .float:
                if let v = Self.float(text) { return .float(v) }
                throw error(node, "\(text) is tagged !!float but is not a number", fix: "write a number such as 1.5, 2e3 or .inf")
            default:
                return .str(text)
            }
        }

        mutating func integer(_ raw: String) throws -> Value? {
            var text = Substring(raw)
            var negative = false
            if let c = text.first, c == "-" || c == "+" { negative = c == "-"; text = text.dropFirst() }
            var radix = 10
            if text.hasPrefix("0o") {
                radix = 8
                text = text.dropFirst(2)
            } else if text.hasPrefix("0x") {
                radix = 16
                text = text.dropFirst(2)
            }
            let allowed: Set<Character> = Set(radix == 16 ? "0123456789abcdefABCDEF" : radix == 8 ? "01234567" : "0123456789")
            guard !text.isEmpty, text.allSatisfy({ allowed.contains($0) }) else { return nil }
            if let v = Int64((negative ? "-" : "") + text, radix: radix) { return .int(v) }
            // Beyond Int64: the universe's int() makes the big integer.
            guard let int = Universe.builtins["int"] else { return nil }
            let digits = (negative ? "-" : "") + String(text)
            return try scratch.call(int, Arguments([.str(digits), .int(Int64(radix))]))
        }

        static func float(_ text: String) -> Double? {
            switch text {
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
            case "-.inf", "-.Inf", "-.INF": return -.infinity
            case ".nan", ".NaN", ".NAN": return .nan
            default:
                var t = text
                if t.hasPrefix("+") { t.removeFirst() }
                if t.hasPrefix(".") { t = "0" + t } else if t.hasPrefix("-.") { t = "-0" + t.dropFirst() }
                return Double(t)
            }
        }
    }

    // MARK: helpers

    static func withoutBOM(_ b: [UInt8]) -> [UInt8] {
        b.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(b.dropFirst(3)) : b
    }

    /// 1-based line and column (in characters) of a byte offset.
    static func lineColumn(_ b: [UInt8], _ offset: Int) -> (Int, Int) {
        var line = 1, column = 1
        var i = 0
        let end = min(max(offset, 0), b.count)
        while i < end {
            if b[i] == 0x0a { line += 1; column = 1 } else if b[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (line, column)
    }

    static func firstInvalidUTF8(_ b: [UInt8]) -> Int {
        var i = 0
        while i < b.count {
            let c = b[i]
            let n = c < 0x80 ? 1 : c >> 5 == 0b110 ? 2 : c >> 4 == 0b1110 ? 3 : c >> 3 == 0b11110 ? 4 : 0
            if n == 0 || i + n > b.count { return i }
            for k in 1..<n where b[i + k] & 0xC0 != 0x80 { return i }
            i += n
        }
        return b.count
    }
}
