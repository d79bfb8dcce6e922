import XCTest
import StarlarkSyntax
import StarlarkResolve
import StarlarkCompile
@testable import StarlarkVM

/// Focused behaviour of the interpreter (the suite covers the language broadly).
final class InterpreterTests: XCTestCase {
    func run(_ text: String, options: DialectOptions = .all, thread: StarThread = StarThread()) throws -> StarModule {
        var printed: [String] = []
        thread.print = { printed.append($0) }
        return try execFile(thread: thread, source: SourceFile(name: "t.star", text: text),
                            predeclared: [:], options: options)
    }

    func global(_ m: StarModule, _ name: String) -> String {
        m.global(name).map { Ops.repr($0) } ?? "<unbound>"
    }

    func testClosuresShareCells() throws {
        let m = try run("""
            def make():
                n = [0]
                k = 10
                def inc():
                    n[0] += 1
                    return n[0] + k
                return inc
            f = make()
            a = f()
            b = f()
            """)
        XCTAssertEqual(global(m, "a"), "11")
        XCTAssertEqual(global(m, "b"), "12")
    }

    /// A container used by the code that works on it (a key function reading the list it
    /// sorts, self-extension, self-update). Release builds drop exclusivity checks
    /// (Package.swift); this debug-built test is where an overlapping access would trap.
    func testContainersUsedWhileTheyAreWorkedOn() throws {
        let m = try run("""
            l = [3, 1, 2]
            def k(x):
                return len(l) + l[0] - x
            a = sorted(l, key=k)
            def grow(x):
                l.append(x)
                return x
            b = sorted(l, key=grow)
            c = max(l, key=lambda x: l.index(x))
            l2 = [1, 2]
            l2 += l2
            l2.extend(l2)
            d = {1: 2}
            d.update(d)
            d.update(**{"k": len(d)})
            s = set([1, 2])
            s2 = s.union(s)
            t = (1, 2)
            t2 = t + t
            """)
        XCTAssertEqual(global(m, "a"), "[3, 2, 1]")
        XCTAssertEqual(global(m, "b"), "[1, 2, 3]")
        XCTAssertEqual(global(m, "l"), "[3, 1, 2, 3, 1, 2]")
        XCTAssertEqual(global(m, "c"), "2")
        XCTAssertEqual(global(m, "l2"), "[1, 2, 1, 2, 1, 2, 1, 2]")
        XCTAssertEqual(global(m, "d"), "{1: 2, \"k\": 1}")
        XCTAssertEqual(global(m, "s2"), "set([1, 2])")
        XCTAssertEqual(global(m, "t2"), "(1, 2, 1, 2)")
        XCTAssertThrowsError(try run("l = [1]\nfor x in l:\n    l.append(x)")) { e in
            XCTAssertEqual((e as? EvalError)?.message, "append: cannot append to list during iteration")
        }
        XCTAssertThrowsError(try run("d = {1: 1}\nfor k in d:\n    d[k + 1] = 1")) { e in
            XCTAssertEqual((e as? EvalError)?.message.contains("during iteration"), true, "\(e)")
        }
    }

    func testArgumentBindingMessages() throws {
        XCTAssertThrowsError(try run("def f(x, y): pass\nf(1)")) { e in
            XCTAssertEqual((e as? EvalError)?.message, "function f missing 1 argument (y)")
            XCTAssertEqual((e as? EvalError)?.backtrace.first?.location.description, "t.star:2:2")
        }
        XCTAssertThrowsError(try run("def f(x): pass\nf(1, z=2)")) { e in
            XCTAssertEqual((e as? EvalError)?.message, "function f got an unexpected keyword argument \"z\"")
        }
        XCTAssertThrowsError(try run("def f(x): pass\nf(1, 2)")) { e in
            XCTAssertEqual((e as? EvalError)?.message, "function f accepts 1 positional argument (2 given)")
        }
        let m = try run("def f(a, b=2, *args, c, **kw): return (a, b, args, c, kw)\nr = f(1, 3, 4, c=5, d=6)")
        XCTAssertEqual(global(m, "r"), "(1, 3, (4,), 5, {\"d\": 6})")
    }

    func testStepBudgetStopsInfiniteLoop() throws {
        let t = StarThread()
        t.maxSteps = 10_000
        XCTAssertThrowsError(try run("def f():\n    while True:\n        pass\nf()", thread: t)) { e in
            XCTAssertEqual((e as? EvalError)?.message, "Starlark computation cancelled: too many steps (the budget is 10000 loop iterations "
                           + "and calls; raise it with --max-steps N or limits(max_steps = N) in the spec)")
        }
    }

    func testCancellationFlag() throws {
        let t = StarThread()
        t.cancel("interrupted")
        XCTAssertThrowsError(try run("x = 1", thread: t)) { e in
            XCTAssertEqual((e as? EvalError)?.message, "Starlark computation cancelled: interrupted")
        }
    }

    func testDeepRecursionIsAnError() throws {
        let t = StarThread()
        t.maxCallDepth = 200
        XCTAssertThrowsError(try run("def f(n): return f(n + 1)\nf(0)", thread: t)) { e in
            XCTAssertTrue((e as? EvalError)?.message.contains("call stack depth exceeded") ?? false, "\(e)")
            XCTAssertTrue(String(describing: e).contains("Traceback (most recent call last):"))
        }
    }

    func testRecursionForbiddenWithoutOption() throws {
        XCTAssertThrowsError(try run("def f(n): return f(n - 1) if n else 0\nf(3)", options: DialectOptions())) { e in
            XCTAssertEqual((e as? EvalError)?.message, "function f called recursively")
        }
    }

    func testErrorPositionAtOperator() throws {
        XCTAssertThrowsError(try run("x = 1\ny = x + \"a\"")) { e in
            XCTAssertEqual((e as? EvalError)?.location?.description, "t.star:2:7")
        }
    }

    func testResolverCollectsAllErrorsWithSuggestion() throws {
        let file = try parse(SourceFile(name: "r.star", text: "lenght = 1\nprint(lengt)\nprint(undefined_name)\n"))
        let r = resolve(file, options: DialectOptions(), isPredeclared: { _ in false }, isUniversal: { $0 == "print" })
        XCTAssertEqual(r.errors.map(\.description), [
            "r.star:2:7: undefined: lengt (did you mean lenght?)",
            "r.star:3:7: undefined: undefined_name",
        ])
    }

    func testLoadCycleAndCaching() throws {
        let dir = NSTemporaryDirectory() + "fbvm-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "load(\"b.star\", \"y\")\nx = 1".write(toFile: dir + "/a.star", atomically: true, encoding: .utf8)
        try "load(\"a.star\", \"x\")\ny = 2".write(toFile: dir + "/b.star", atomically: true, encoding: .utf8)
        try "load(\"c.star\", \"z\")\nload(\"d.star\", \"w\")\n".write(toFile: dir + "/main.star", atomically: true, encoding: .utf8)
        try "n = [0]\nz = 3".write(toFile: dir + "/c.star", atomically: true, encoding: .utf8)
        try "load(\"c.star\", \"n\")\nw = n".write(toFile: dir + "/d.star", atomically: true, encoding: .utf8)
        let t = StarThread()
        let loader = ModuleLoader(rootFile: dir + "/a.star", predeclared: [:], options: .all)
        loader.install(on: t)
        XCTAssertThrowsError(try loader.load(t, "a.star")) { e in
            XCTAssertTrue("\(e)".contains("cycle in load graph"), "\(e)")
        }
        let t2 = StarThread()
        let loader2 = ModuleLoader(rootFile: dir + "/main.star", predeclared: [:], options: .all)
        loader2.install(on: t2)
        XCTAssertNoThrow(try loader2.load(t2, "main.star"))
    }

    /// Where eval's loader and the spec loader disagreed: eval did not normalise paths, so
    /// `./lib.star` and `sub/../lib.star` were two modules and the file ran twice; and its
    /// cycle error did not say which files formed the cycle.
    func testLoadPathsAreNormalisedAndCyclesNamed() throws {
        let dir = NSTemporaryDirectory() + "fbvm-norm-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try "print(\"lib ran\")\nv = 1\n".write(toFile: dir + "/lib.star", atomically: true, encoding: .utf8)
        try "load(\"./lib.star\", \"v\")\nload(\"sub/../lib.star\", w = \"v\")\nload(\"lib.star\", u = \"v\")\n"
            .write(toFile: dir + "/main.star", atomically: true, encoding: .utf8)
        try "load(\"../x.star\", \"a\")\nb = 1\n".write(toFile: dir + "/sub/y.star", atomically: true, encoding: .utf8)
        try "load(\"sub/y.star\", \"b\")\na = 1\n".write(toFile: dir + "/x.star", atomically: true, encoding: .utf8)
        var printed: [String] = []
        let t = StarThread()
        t.print = { printed.append($0) }
        let loader = ModuleLoader(rootFile: dir + "/main.star", predeclared: [:], options: .all)
        loader.install(on: t)
        XCTAssertNoThrow(try loader.load(t, "main.star"))
        XCTAssertEqual(printed, ["lib ran"])
        XCTAssertThrowsError(try loader.load(t, "x.star")) { e in
            XCTAssertTrue("\(e)".contains("cycle in load graph: \(dir)/x.star -> \(dir)/sub/y.star -> \(dir)/x.star"), "\(e)")
        }
    }

    func testTracebackCompressesRepeatedFrames() throws {
        let t = StarThread()
        t.maxCallDepth = 50
        XCTAssertThrowsError(try run("def f(n):\n    return f(n + 1)\nf(0)", thread: t)) { e in
            let text = String(describing: e)
            XCTAssertTrue(text.hasPrefix("t.star:2:12: call stack depth exceeded"), text)
            XCTAssertTrue(text.contains("[Previous line repeated 48 more times]"), text)
        }
    }

    func testLoadIsRelativeToTheLoadingFile() throws {
        let dir = NSTemporaryDirectory() + "fbvm-rel-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/lib", withIntermediateDirectories: true)
        try "load(\"lib/a.star\", \"a\")\nresult = a".write(toFile: dir + "/main.star", atomically: true, encoding: .utf8)
        try "load(\"b.star\", \"b\")\na = b + 1".write(toFile: dir + "/lib/a.star", atomically: true, encoding: .utf8)
        try "b = 41".write(toFile: dir + "/lib/b.star", atomically: true, encoding: .utf8)
        let t = StarThread()
        let loader = ModuleLoader(rootFile: dir + "/main.star", predeclared: [:], options: .all)
        loader.install(on: t)
        let text = try String(contentsOfFile: dir + "/main.star", encoding: .utf8)
        let m = try execFile(thread: t, source: SourceFile(name: dir + "/main.star", text: text),
                             predeclared: [:], options: .all)
        XCTAssertEqual(global(m, "result"), "42")
    }

    func testCallFromEmbedderAndFrozenGlobals() throws {
        let t = StarThread()
        let m = try run("items = []\ndef add(x):\n    items.append(x)\n    return len(items)\n", thread: t)
        guard let add = m.global("add") else { return XCTFail("no add") }
        XCTAssertThrowsError(try t.call(add, Arguments([.int(1)]))) { e in
            XCTAssertTrue("\(e)".contains("frozen"), "\(e)")
        }
    }

    func testSmallNativeStackStopsWithAnErrorNotACrash() throws {
        final class Box: @unchecked Sendable { var message = "" }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let worker = Thread {
            let t = StarThread()
            t.maxCallDepth = 1_000_000
            t.valueStackSlots = 1 << 22
            do {
                _ = try execFile(thread: t, source: SourceFile(name: "s.star", text: "def f(n):\n    return f(n + 1)\nf(0)"),
                                 predeclared: [:], options: .all)
            } catch let e as EvalError {
                box.message = e.message
            } catch {
                box.message = "\(error)"
            }
            done.signal()
        }
        worker.stackSize = 512 << 10  // as small as Swift concurrency's cooperative threads
        worker.start()
        done.wait()
        XCTAssertTrue(box.message.contains("native stack is nearly full"), box.message)
    }

    func testFusedComparisonBranches() throws {
        let m = try run("""
            def pick(a, b):
                if a < b:
                    return "lt"
                elif a == b:
                    return "eq"
                return "gt"
            r = [pick(1, 2), pick(2, 2), pick(3, 2), pick("a", "b"), pick(1.5, 1), pick(1 << 70, 1 << 70)]
            n = 0
            def count():
                i = 0
                while i != 5:
                    i += 1
                return i
            c = count()
            """)
        XCTAssertEqual(global(m, "r"), "[\"lt\", \"eq\", \"gt\", \"lt\", \"gt\", \"eq\"]")
        XCTAssertEqual(global(m, "c"), "5")
        XCTAssertThrowsError(try run("def f():\n    if 1 < \"a\":\n        pass\nf()")) { e in
            XCTAssertEqual((e as? EvalError)?.location?.description, "t.star:2:10")
        }
    }
}
