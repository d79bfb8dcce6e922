import XCTest
import BigInt
import StarlarkSyntax
@testable import StarlarkVM

final class ValuesOpsTests: XCTestCase {
    func testIntArithmeticOverflowsIntoBigInt() throws {
        let big = try bin(.add, .int(Int64.max), .int(1))
        assertRepr(big, "9223372036854775808")
        guard case .bigInt = big else { return XCTFail("expected bigInt") }
        // Back into range normalises to .int.
        let back = try bin(.sub, big, .int(1))
        guard case .int(Int64.max) = back else { return XCTFail("expected .int, got \(back)") }
        assertRepr(try bin(.mul, .int(12345 * 12345 * 12345), .int(12345 * 12345 * 12345)), "3539537889086624823140625")
        assertRepr(try Ops.unary(.minus, .int(Int64.min)), "9223372036854775808")
    }

    func testFloorDivisionAndModulo() throws {
        assertRepr(try bin(.floorDiv, .int(-7), .int(2)), "-4")
        assertRepr(try bin(.mod, .int(-7), .int(2)), "1")
        assertRepr(try bin(.mod, .int(7), .int(-2)), "-1")
        assertRepr(try bin(.floorDiv, .float(7), .int(-2)), "-4.0")
        assertRepr(try bin(.mod, .float(-7.5), .int(2)), "0.5")
        assertRepr(try bin(.div, .int(1), .int(4)), "0.25")
        assertFails("floored division by zero") { try self.bin(.floorDiv, .int(1), .int(0)) }
        assertFails("integer modulo by zero") { try self.bin(.mod, .int(1), .int(0)) }
        assertFails("floating-point division by zero") { try self.bin(.div, .int(1), .int(0)) }
        assertRepr(try bin(.floorDiv, .int(Int64.min), .int(-1)), "9223372036854775808")
    }

    func testBitwiseAndShifts() throws {
        assertRepr(try bin(.shl, .int(1), .int(100)), "1267650600228229401496703205376")
        assertRepr(try bin(.shr, .int(-5), .int(1)), "-3")
        let big = try bin(.shl, .int(-5), .int(70))
        assertRepr(try bin(.shr, big, .int(71)), "-3")
        assertRepr(try bin(.bitAnd, big, .int(-1)), Ops.repr(big))
        assertRepr(try bin(.bitOr, try bin(.shl, .int(1), .int(64)), .int(1)), "18446744073709551617")
        assertRepr(try bin(.bitXor, .int(-1), try bin(.shl, .int(1), .int(64))), "-18446744073709551617")
        assertRepr(try Ops.unary(.invert, big), "5902958103587056517119")
        assertFails("negative shift count: -1") { try self.bin(.shl, .int(1), .int(-1)) }
        assertFails("shift count too large: 512") { try self.bin(.shl, .int(1), .int(512)) }
    }

    func testMixedIntFloatComparisonIsExact() throws {
        // 2^53 + 1 is not representable as a double; the comparison must still be exact.
        let n = Value.int((1 << 53) + 1)
        XCTAssertTrue(try Ops.compare(.gt, n, .float(9007199254740992.0)))
        XCTAssertFalse(try Ops.equal(n, .float(9007199254740992.0)))
        XCTAssertTrue(try Ops.equal(.int(3), .float(3.0)))
        XCTAssertTrue(try Ops.compare(.lt, .float(.infinity), .float(.nan)))
        XCTAssertTrue(try Ops.equal(.float(.nan), .float(.nan)))
        // Equal int and float hash alike (dict keys).
        XCTAssertEqual(try Ops.hash(.int(1 << 40)), try Ops.hash(.float(Double(1 << 40))))
    }

    func testSequenceComparisons() throws {
        XCTAssertTrue(try Ops.compare(.lt, V.list([.int(1), .int(2)]), V.list([.int(1), .int(3)])))
        XCTAssertTrue(try Ops.compare(.lt, V.tuple([.int(1)]), V.tuple([.int(1), .int(0)])))
        XCTAssertTrue(try Ops.compare(.lt, V.s("abc"), V.s("abd")))
        assertFails("int < NoneType not implemented") { try Ops.compare(.lt, .int(1), .none) }
        assertFails("dict < dict not implemented") { try Ops.compare(.lt, try V.dict([]), try V.dict([])) }
        // Cyclic lists hit the depth limit instead of recursing forever.
        let a = StarList([]), b = StarList([])
        a.elements.append(.list(a)); b.elements.append(.list(b))
        assertFails("comparison exceeded maximum recursion depth") { try Ops.equal(.list(a), .list(b)) }
    }

    func testRepetitionAndConcatenation() throws {
        assertRepr(try bin(.mul, V.s("ab"), .int(3)), "\"ababab\"")
        assertRepr(try bin(.mul, .int(2), V.list([.int(1)])), "[1, 1]")
        assertRepr(try bin(.mul, V.tuple([.int(1)]), .int(-1)), "()")
        assertRepr(try bin(.add, V.tuple([.int(1)]), V.tuple([.int(2)])), "(1, 2)")
        assertFails("unknown binary op: string + int") { try self.bin(.add, V.s("a"), .int(1)) }
        assertFails("unknown binary op: dict + dict") { try self.bin(.add, try V.dict([]), try V.dict([])) }
        assertFails("repeat count 1099511627776 too large") { try self.bin(.mul, V.s("ab"), .int(1 << 40)) }
        assertFails("excessive repeat (2 * 1073741824 elements)") { try self.bin(.mul, V.s("ab"), .int(1 << 30)) }
    }

    func testMembership() throws {
        XCTAssertTrue(try bin(.in, V.s("oo"), V.s("food")).truth)
        XCTAssertTrue(try bin(.in, V.s(""), V.s("")).truth)
        assertFails("'in <string>' requires string as left operand, not int") { try self.bin(.in, .int(1), V.s("")) }
        assertFails("unknown binary op: string in int") { try self.bin(.in, V.s(""), .int(1)) }
        let r = try call("range", [.int(0), .int(10), .int(3)])
        XCTAssertTrue(try bin(.in, .int(9), r).truth)
        XCTAssertFalse(try bin(.in, .int(8), r).truth)
        XCTAssertTrue(try bin(.notIn, .int(5), V.list([.int(1)])).truth)
    }

    func testIndexingAndSlicing() throws {
        let t = StarThread()
        let s = V.s("Hello, 世界!")
        assertRepr(try Ops.getIndex(s, .int(7), thread: t), "\"\\xe4\"")
        assertRepr(try Ops.slice(V.s("banana"), .int(7), .none, .int(-2)), "\"aaa\"")
        assertRepr(try Ops.slice(V.s("abcd"), .int(4), .int(0), .int(-1)), "\"dcb\"")
        assertFails("invalid start index: got float, want int") { try Ops.slice(V.s("b"), .float(1), .none, .none) }
        assertFails("zero is not a valid slice step") { try Ops.slice(V.s("b"), .none, .none, .int(0)) }
        assertFails("list index 5 out of range [-2:1]") { try Ops.getIndex(V.list([.int(1), .int(2)]), .int(5), thread: t) }
        assertFails("index 0 out of range: empty list") { try Ops.getIndex(V.list([]), .int(0), thread: t) }
        assertFails("string value does not support item assignment") { try Ops.setIndex(V.s("a"), .int(0), V.s("b")) }
        let r = try call("range", [.int(10)])
        assertRepr(try Ops.slice(r, .int(2), .int(5), .none), "range(2, 5)")
        assertRepr(try Ops.slice(r, .none, .none, .int(-2)), "range(9, -1, -2)")
        assertRepr(try Ops.getIndex(r, .int(-1), thread: t), "9")
    }

    func testFrozenAndIteratingContainersRefuseMutation() throws {
        let l = StarList([.int(1)])
        var it = try Ops.iterate(.list(l))
        assertFails("append: cannot append to list during iteration") { try self.method(.list(l), "append", [.int(2)]) }
        it.done()
        _ = try method(.list(l), "append", [.int(2)])
        Value.list(l).freeze()
        assertFails("append: cannot append to frozen list") { try self.method(.list(l), "append", [.int(3)]) }
        assertFails("cannot assign to element of frozen list") { try Ops.setIndex(.list(l), .int(0), .none) }
        let d = try V.dict([(V.s("a"), .int(1))])
        var dit = try Ops.iterate(d)
        assertFails("cannot insert into hash table during iteration") { try Ops.setIndex(d, V.s("b"), .none) }
        dit.done()
        d.freeze()
        assertFails("cannot insert into frozen hash table") { try Ops.setIndex(d, V.s("b"), .none) }
        assertFails("unhashable type: list") { try Ops.setIndex(try V.dict([]), V.list([]), .none) }
    }

    func testRecursiveRepr() throws {
        let l = StarList([.int(1)])
        l.elements.append(.list(l))
        l.elements.append(.int(3))
        assertRepr(.list(l), "[1, [...], 3]")
        let d = StarDict()
        try d.set(V.s("x"), .dict(d))
        assertRepr(.dict(d), "{\"x\": {...}}")
    }

    func testAttributes() throws {
        let t = StarThread()
        assertFails("string has no .starts_with field or method (did you mean .startswith?)") {
            try Ops.getAttr(V.s(""), "starts_with", thread: t)
        }
        let bound = try Ops.getAttr(V.list([]), "append", thread: t)
        assertRepr(bound, "<built-in method append of list value>")
        XCTAssertNil(try Ops.callMethod(.int(1), "append", Arguments(), thread: t))
        assertFails("can't assign to .x field of list") { try Ops.setField(V.list([]), "x", .none) }
    }

    func testDeeplyNestedValuesDoNotExhaustTheStack() throws {
        var t = V.tuple([])
        var l = V.list([])
        for _ in 0..<1_000_000 {
            t = V.tuple([t])
            l = V.list([l])
        }
        assertFails("hash: tuple nested too deeply") { try Ops.hash(t) }
        let text = Ops.repr(l)
        XCTAssertTrue(text.hasPrefix("[[[") && text.hasSuffix("]]]") && text.contains("[...]"))
        XCTAssertEqual(text.count, 2 * 1001 + 3)
        l.freeze()
        guard case .list(let outer) = l else { return XCTFail() }
        assertFails("cannot append to frozen list") { try self.method(.list(outer), "append", [.none]) }
    }

    func testReleasingDeepDictChainsIsIterative() throws {
        // Without ReleaseChain, ARC would recurse 200,000 levels when `d` goes away.
        var d = try V.dict([])
        for _ in 0..<200_000 { d = try V.dict([(V.s("k"), d)]) }
        XCTAssertEqual(Ops.length(d), 1)
        d = .none
        XCTAssertEqual(Ops.repr(d), "None")
    }
}
