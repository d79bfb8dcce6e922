import XCTest
import StarlarkSyntax
@testable import StarlarkVM

/// Small helpers shared by the Values*Tests files.
enum V {
    static func s(_ x: String) -> Value { .str(x) }
    static func i(_ x: Int64) -> Value { .int(x) }
    static func list(_ xs: [Value]) -> Value { .list(StarList(xs)) }
    static func tuple(_ xs: [Value]) -> Value { .tuple(StarTuple(xs)) }
    static func dict(_ pairs: [(Value, Value)]) throws -> Value {
        let d = StarDict()
        for (k, v) in pairs { try d.set(k, v) }
        return .dict(d)
    }
}

extension XCTestCase {
    /// Calls a universal builtin by name.
    func call(_ name: String, _ args: [Value], _ named: [(String, Value)] = [], thread: StarThread = StarThread()) throws -> Value {
        guard let f = Universe.builtins[name] else { XCTFail("no builtin \(name)"); return .none }
        return try thread.call(f, Arguments(args, named: named))
    }

    /// Calls a method of a value by name.
    func method(_ x: Value, _ name: String, _ args: [Value] = [], _ named: [(String, Value)] = []) throws -> Value {
        let t = StarThread()
        guard let r = try Ops.callMethod(x, name, Arguments(args, named: named), thread: t) else {
            XCTFail("\(x.typeName) has no method \(name)")
            return .none
        }
        return r
    }

    func bin(_ op: BinaryOp, _ x: Value, _ y: Value) throws -> Value {
        try Ops.binary(op, x, y, thread: StarThread())
    }

    /// Asserts that `body` throws a StarlarkError (or, from a call through the thread, the
    /// EvalError naming the builtin) whose message contains `fragment`.
    func assertFails(_ fragment: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        do {
            let v = try body()
            XCTFail("expected error containing \"\(fragment)\", got value \(v)", file: file, line: line)
        } catch let e as StarlarkError {
            XCTAssertTrue(e.message.contains(fragment), "error \"\(e.message)\" does not contain \"\(fragment)\"", file: file, line: line)
        } catch let e as EvalError {
            XCTAssertTrue(e.message.contains(fragment), "error \"\(e.message)\" does not contain \"\(fragment)\"", file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func assertRepr(_ v: Value, _ want: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Ops.repr(v), want, file: file, line: line)
    }
}
