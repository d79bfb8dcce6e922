import Foundation
import StarlarkSyntax
import StarlarkResolve
import StarlarkCompile
import StarlarkTestSupport
import StarlarkVM

/// One program of a go.starlark.net "chunked" test file: split at lines `---`, padded so
/// line numbers match the file, `### "regexp"` expectations, `option:NAME` options
/// (the rules of /work/shared/conformance/chunks.py).
struct Chunk {
    var index: Int
    var source: String
    var expectations: [(line: Int, pattern: String)]
    var options: DialectOptions
}

enum Chunks {
    static func read(_ path: String) throws -> [Chunk] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var chunks: [Chunk] = []
        var lineNumber = 1
        for (i, part) in text.components(separatedBy: "\n---\n").enumerated() {
            var expectations: [(Int, String)] = []
            var stripped: [String] = []
            for line in part.components(separatedBy: "\n") {
                if let r = line.range(of: "###") {
                    let rest = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
                    if let p = goUnquote(rest) { expectations.append((lineNumber, p)) }
                    stripped.append(String(line[..<r.lowerBound]))
                } else {
                    stripped.append(line)
                }
                lineNumber += 1
            }
            let padding = String(repeating: "\n", count: lineNumber - 1 - stripped.count)
            lineNumber += 1
            var o = DialectOptions()
            o.set = part.contains("option:set")
            o.recursion = part.contains("option:recursion")
            o.globalreassign = part.contains("option:globalreassign")
            o.loadBindsGlobally = part.contains("option:loadbindsglobally")
            chunks.append(Chunk(index: i, source: padding + stripped.joined(separator: "\n"),
                                expectations: expectations, options: o))
        }
        return chunks
    }

    /// Go string literal ("..." with escapes, or `...`) to its text.
    static func goUnquote(_ s: String) -> String? {
        if s.count >= 2, s.hasPrefix("`"), s.hasSuffix("`") { return String(s.dropFirst().dropLast()) }
        guard s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") else { return nil }
        var out = ""
        var it = s.dropFirst().dropLast().makeIterator()
        while let c = it.next() {
            if c != "\\" { out.append(c); continue }
            guard let e = it.next() else { return nil }
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "\\": out.append("\\")
            case "\"": out.append("\"")
            case "'": out.append("'")
            default: out.append("\\"); out.append(e)
            }
        }
        return out
    }
}

/// The outcome of running one chunk in-process, as `faultbox eval` would.
struct ChunkOutcome {
    /// 0 ok, 1 error, 2 assertion failures only, 3 both.
    var status: Int
    /// (line, message) of every diagnostic.
    var diagnostics: [(line: Int, message: String)]
    var assertFailures: [String]
}

enum ChunkRunner {
    static let assertStar = "/usr/share/gocode/src/go.starlark.net/starlarktest/assert.star"

    /// Runs `source` named `name` (in `dir`, where `assert.star` is found) in `mode`, on a
    /// thread with a large stack as `faultbox eval` does (debug frames are big).
    static func run(source: String, name: String, dir: String, mode: String,
                    options: DialectOptions, maxSteps: UInt64 = .max) -> ChunkOutcome {
        final class Box: @unchecked Sendable { var outcome: ChunkOutcome? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.outcome = runHere(source: source, name: name, dir: dir, mode: mode,
                                  options: options, maxSteps: maxSteps)
            done.signal()
        }
        thread.stackSize = 512 << 20
        thread.start()
        done.wait()
        return box.outcome ?? ChunkOutcome(status: 1, diagnostics: [(0, "no outcome")], assertFailures: [])
    }

    static func runHere(source: String, name: String, dir: String, mode: String,
                        options: DialectOptions, maxSteps: UInt64) -> ChunkOutcome {
        let asserts = AssertNatives(report: { _ in })
        // As in go.starlark.net's tests: the natives are visible to assert.star only.
        var predeclared = TestFixtures.predeclared
        if mode == "resolve" { predeclared["M"] = Value.none; predeclared["U"] = Value.none }
        let assertPredeclared = asserts.predeclared
        let file = SourceFile(name: dir + "/" + name, text: source)
        var diagnostics: [(Int, String)] = []
        var failed = false
        do {
            switch mode {
            case "parse": _ = try parse(file)
            case "resolve": _ = try compileFile(source: file, predeclared: predeclared, options: options)
            default:
                let thread = StarThread()
                thread.print = { _ in }
                thread.maxSteps = maxSteps
                let loader = ModuleLoader(rootFile: file.name, predeclared: assertPredeclared, options: options)
                if let json = Universe.builtins["json"] {
                    loader.builtinModules["json.star"] = StarModule(name: "json.star", globals: [("json", json)])
                }
                loader.builtinModules["assert.star"] = try assertModule(predeclared: assertPredeclared, options: options, thread: thread)
                loader.install(on: thread)
                _ = try execFile(thread: thread, source: file, predeclared: predeclared, options: options)
            }
        } catch let e as SyntaxError {
            failed = true
            diagnostics.append((e.location.line, e.message))
        } catch let e as ResolveErrors {
            failed = true
            for x in e.errors { diagnostics.append((x.location.line, x.message)) }
        } catch let e as EvalError {
            failed = true
            let line = e.backtrace.last(where: { $0.location.file == file.name })?.location.line ?? e.location?.line
            diagnostics.append((line ?? 0, e.message))
        } catch {
            failed = true
            diagnostics.append((0, "\(error)"))
        }
        let status = (failed ? 1 : 0) + (asserts.failures.isEmpty ? 0 : 2)
        return ChunkOutcome(status: status, diagnostics: diagnostics, assertFailures: asserts.failures)
    }

    /// assert.star runs once per chunk from the installed copy (go.starlark.net's own).
    static func assertModule(predeclared: [String: Value], options: DialectOptions, thread: StarThread) throws -> StarModule {
        let text = try String(contentsOfFile: assertStar, encoding: .utf8)
        return try execFile(thread: thread, source: SourceFile(name: "assert.star", text: text),
                            predeclared: predeclared, options: options)
    }

    /// Whether an outcome satisfies the chunk's expectations (the runner's rules, with
    /// strict lines).
    static func judge(_ outcome: ChunkOutcome, _ chunk: Chunk) -> String? {
        if chunk.expectations.isEmpty {
            if outcome.status == 0 { return nil }
            return "status \(outcome.status): \(outcome.diagnostics.map { "\($0.line): \($0.message)" }) \(outcome.assertFailures)"
        }
        if outcome.status != 1 { return "status \(outcome.status), expected an error; asserts: \(outcome.assertFailures)" }
        for (line, pattern) in chunk.expectations {
            guard let rx = try? Regex(pattern) else { return "bad pattern \(pattern)" }
            if !outcome.diagnostics.contains(where: { $0.line == line && $0.message.contains(rx) }) {
                return "line \(line): no error matching \(pattern); got \(outcome.diagnostics.map { "\($0.line): \($0.message)" })"
            }
        }
        return nil
    }
}
