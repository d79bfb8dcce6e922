import FaultPlan
import StarlarkVM

/// `expect_success()`, `expect_error_within(ms=N)`, `expect_hang()`: values that stand
/// where an oracle function can (`fault_scenario(expect=)`, `fault_matrix(default_expect=,
/// overrides=)`). The runner judges them (docs/runner.md, "Expectations").
/// Also the spec's `fail`, which is the universe's `fail` counted as an assertion.
enum ExpectationBuiltins {
    static func all() -> [String: Value] {
        [
            "expect_success": .builtin(Builtin(name: "expect_success", impl: expectSuccess)),
            "expect_error_within": .builtin(Builtin(name: "expect_error_within", impl: expectErrorWithin)),
            "expect_hang": .builtin(Builtin(name: "expect_hang", impl: expectHang)),
            "fail": .builtin(Builtin(name: "fail", impl: countedFail)),
        ]
    }

    static let example = "expect_success(), expect_error_within(ms=500) or expect_hang()"

    static func expectSuccess(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        _ = try BoundArgs(args, fn: "expect_success", params: [])
        return .object(ExpectationValue(.success))
    }

    static func expectHang(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        _ = try BoundArgs(args, fn: "expect_hang", params: [])
        return .object(ExpectationValue(.hang))
    }

    static func expectErrorWithin(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let fix = "give the budget in whole milliseconds, e.g. expect_error_within(ms=500)"
        let a: BoundArgs
        do { a = try BoundArgs(args, fn: "expect_error_within", params: ["ms"]) } catch let e as StarlarkError {
            throw StarlarkError(e.message + "\n    fix: " + fix)
        }
        let ms: Int64
        switch a.values["ms"] ?? .none {
        case .int(let i): ms = i
        case .bigInt: throw StarlarkError("expect_error_within: for parameter ms: integer out of range\n    fix: \(fix)")
        case let v: throw StarlarkError("expect_error_within: for parameter ms: got \(v.typeName) \(Ops.repr(v)), want "
            + "int (milliseconds)\n    fix: \(fix)")
        }
        if ms <= 0 {
            let message = "expect_error_within: ms must be at least 1, got \(ms): no error can arrive within \(ms) ms"
            // While a spec loads, record it with the others (all errors in one run); at
            // run time there is no one to collect it, so raise.
            if let r = thread.local[SpecRecorder.key] as? SpecRecorder {
                let here = r.callSite(thread)
                r.recordError(r.keywordPosition("ms", in: here), message, fix: fix)
            } else {
                throw StarlarkError(message + "\n    fix: " + fix)
            }
        }
        return .object(ExpectationValue(.errorWithin(ms: ms)))
    }

    /// The universe's `fail`, counted as a failed assertion (the test is then `failed`,
    /// not `errored`).
    static func countedFail(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        AssertionCounter.note(thread)
        guard case .builtin(let fail)? = Universe.builtins["fail"] else { throw StarlarkError("fail: unavailable") }
        do { return try fail.impl(thread, recv, args) } catch let e as StarlarkError {
            throw AssertionCounter.failure(thread, e)
        }
    }
}

/// The value of `expect_success()` and its siblings: `type()` is "expectation", `str()`
/// is the call as written.
final class ExpectationValue: StarObject {
    let expectation: ExpectedOutcome
    init(_ expectation: ExpectedOutcome) { self.expectation = expectation }
    override var typeName: String { "expectation" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array(expectation.text.utf8)
    }
    override func equals(_ other: StarObject) throws -> Bool {
        (other as? ExpectationValue)?.expectation == expectation
    }
}

extension SpecRecorder {
    /// A handle for an oracle value: a function, or a built-in expectation (remembered in
    /// `declarations.expectations` under the handle's id, named as written).
    func oracle(_ v: Value, at site: SourcePosition) -> CallableRef {
        var ref = callable(v, at: site)
        if case .object(let o as ExpectationValue) = v {
            ref.name = o.expectation.text
            ref.position = site
            declarations.expectations[ref.id] = o.expectation
        }
        return ref
    }
}

extension BoundArgs {
    /// An oracle parameter: a function or an expectation value; nil when absent or None.
    func oracle(_ name: String) throws -> Value? {
        guard let v = values[name] else { return nil }
        switch v {
        case .none: return nil
        case .function, .builtin: return v
        case .object(let o) where o is ExpectationValue: return v
        default:
            throw StarlarkError("\(fn): for parameter \(name): got \(v.typeName), want a function (the oracle) or "
                                + ExpectationBuiltins.example)
        }
    }
}
