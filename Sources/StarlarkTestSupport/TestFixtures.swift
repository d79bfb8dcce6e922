import DidYouMean
import StarlarkSyntax
import StarlarkVM

/// Values that go.starlark.net's own test harness predeclares (`hasfields`, `fibonacci`),
/// so its suite can run unchanged. `faultbox eval` offers them only under the conformance
/// runner (`STARLARK_TEST_MODE` set) or the hidden `--test-natives` flag.
public enum TestFixtures {
    public static var predeclared: [String: Value] {
        [
            "hasfields": .builtin(Builtin(name: "hasfields") { _, _, args in
                guard args.positional.isEmpty, args.named.isEmpty else {
                    throw StarlarkError("hasfields: unexpected arguments")
                }
                return .object(HasFields())
            }),
            "fibonacci": .object(Fibonacci()),
            "gensym": .builtin(Builtin(name: "gensym") { _, _, args in
                guard args.positional.isEmpty, args.named.count == 1, args.named[0].0 == "name",
                      case .string(let name) = args.named[0].1 else {
                    throw StarlarkError("gensym: want one keyword argument name=string")
                }
                return .object(Symbol(name: name.string))
            }),
        ]
    }
}

/// An object with arbitrary settable fields (go.starlark.net's test type of that name).
final class HasFields: StarObject, BinaryOperand {
    /// `list + hasfields` is 42 (the fixture's one operator).
    func binary(_ op: BinaryOp, _ other: Value, selfIsLeft: Bool) throws -> Value? {
        if op == .add, case .list = other { return .int(42) }
        return nil
    }

    var fields: [(String, Value)] = []
    var frozen = false
    override var typeName: String { "hasfields" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out.append(contentsOf: Array("hasfields".utf8))
    }
    override func hash() throws -> UInt32 { 42 }
    override func attr(_ name: String, thread: StarThread) throws -> Value? {
        for (k, v) in fields where k == name { return v }
        return nil
    }
    override var attrNames: [String] { fields.map { $0.0 }.sorted() }
    override func setAttr(_ name: String, _ value: Value) throws {
        if frozen { throw StarlarkError("cannot set field on a frozen hasfields") }
        if name.hasPrefix("no") {
            let hint = Spelling.suggest(name, among: attrNames).map { " (did you mean .\($0)?)" } ?? ""
            throw StarlarkError("no .\(name) field\(hint)")
        }
        if let i = fields.firstIndex(where: { $0.0 == name }) { fields[i].1 = value } else { fields.append((name, value)) }
    }
    override func freeze() {
        if frozen { return }
        frozen = true
        for (_, v) in fields { v.freeze() }
    }
}

/// A distinct callable that makes "branded" structs (go.starlark.net's struct test).
final class Symbol: StarObject {
    let name: String
    init(name: String) { self.name = name }
    override var typeName: String { "symbol" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out.append(contentsOf: Array(name.utf8))
    }
    override func call(thread: StarThread, args: Arguments) throws -> Value? {
        if !args.positional.isEmpty { throw StarlarkError("\(name): unexpected positional arguments") }
        return .object(StructValue(constructor: .object(self), fields: args.named))
    }
}

/// The infinite Fibonacci sequence as an iterable (loops over it must `break`).
final class Fibonacci: StarObject {
    override var typeName: String { "fib" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out.append(contentsOf: Array("fib".utf8))
    }
    override func makeIterator() -> AnyIterator<Value>? {
        var x: Int64 = 0, y: Int64 = 1
        return AnyIterator {
            let r = x
            let (s, o) = x.addingReportingOverflow(y)
            if o { return nil }
            x = y; y = s
            return .int(r)
        }
    }
}
