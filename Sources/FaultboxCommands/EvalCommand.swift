import ArgumentParser
import StarlarkSyntax
import StarlarkResolve
import StarlarkCompile
import StarlarkTestSupport
import StarlarkVM
import SpecLowering
#if canImport(Glibc)
import Glibc
#endif

/// `faultbox eval`: runs a plain Starlark file (the universe plus `struct` and `json`).
/// Exit status: 0 ok, 1 error (syntax, resolve, run time), 2 `assert` failures only, 3 both.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run a plain Starlark file.",
        discussion: """
            Errors go to stderr as FILE:LINE:COL: message, followed by a traceback. \
            `load("assert.star", ...)` runs the assert.star found next to FILE with the \
            natives error, catch, matches, module and _freeze. Exit status: 0 ok, 1 error, \
            2 assertion failures only, 3 both.
            """)

    @Option(name: .long, help: "exec (run), resolve (parse and resolve only) or parse.")
    var mode: String = "exec"

    @Option(name: .long, help: ArgumentHelp("Dialect options: a comma list of set, recursion, globalreassign, loadbindsglobally "
        + "(default: set,recursion,globalreassign, as spec files run; --opts \"\" for none)."))
    var opts: String?

    @OptionGroup var limitFlags: LimitFlags

    @Flag(name: .long, help: .hidden)
    var testNatives = false

    @ArgumentParser.Argument(help: "The Starlark file.")
    var file: String

    func run() throws {
        var (options, unknown) = DialectOptions.parse(opts ?? "")
        if opts == nil { options = .all }
        if !unknown.isEmpty {
            FileHandleStderr.write("faultbox eval: --opts: unknown option \(unknown.joined(separator: ", ")) (expected "
                + "a comma list of set, recursion, globalreassign, loadbindsglobally)\n")
            throw ExitWith(ExitStatus.usage)
        }
        guard ["exec", "resolve", "parse"].contains(mode) else {
            FileHandleStderr.write("faultbox eval: --mode: unknown mode \"\(mode)\" (expected exec, resolve or parse)\n")
            throw ExitWith(ExitStatus.usage)
        }
        guard let bytes = SourceFileReader.read(file) else {
            FileHandleStderr.write("faultbox eval: cannot read \(file): \(String(cString: strerror(errno)))\n")
            throw ExitWith(ExitStatus.usage)
        }
        let source = SourceFile(name: file, bytes: bytes)
        // go.starlark.net's test fixtures, for its suite only (see docs/vm.md).
        let underTestRunner = getenv("STARLARK_TEST_MODE") != nil
        let limits = try limitFlags.limits(command: "eval")
        let runner = EvalRunner(source: source, mode: mode, options: options, limits: limits,
                                testFixtures: testNatives || underTestRunner)
        let status = runOnLargeStack { runner.run() }
        if status != 0 { throw ExitWith(status) }
    }
}

/// The work of `faultbox eval`, separate from flag parsing.
struct EvalRunner {
    let source: SourceFile
    let mode: String
    let options: DialectOptions
    let limits: ExecutionLimits
    let testFixtures: Bool

    func run() -> Int32 {
        let out = StdoutBuffer()
        defer { out.flush() }
        let asserts = AssertNatives(report: { out.flush(); FileHandleStderr.write($0 + "\n") })
        // As in go.starlark.net's tests: the natives are visible to loaded files
        // (assert.star) only; the file itself sees the universe.
        var predeclared: [String: Value] = [:]
        let loadedPredeclared = asserts.predeclared
        if testFixtures {
            predeclared = TestFixtures.predeclared
            // The resolver suite's predeclared and universal names (resolve_test.go).
            if mode == "resolve" { predeclared["M"] = Value.none; predeclared["U"] = Value.none }
        } else {
            predeclared["limits"] = LimitsBuiltin.value
        }
        do {
            switch mode {
            case "parse":
                _ = try parse(source)
            case "resolve":
                _ = try compileFile(source: source, predeclared: predeclared, options: options)
            default:
                let thread = StarThread(name: "main")
                thread.print = { out.write($0 + "\n") }
                thread.limits = limits
                let loader = ModuleLoader(rootFile: source.name, predeclared: loadedPredeclared, options: options)
                if let json = Universe.builtins["json"] {
                    loader.builtinModules["json.star"] = StarModule(name: "json.star", globals: [("json", json)])
                }
                loader.install(on: thread)
                _ = try execFile(thread: thread, source: source, predeclared: predeclared, options: options)
            }
        } catch let e as SyntaxError {
            out.flush()
            FileHandleStderr.write("\(e)\n")
            return asserts.failures.isEmpty ? 1 : 3
        } catch let e as ResolveErrors {
            out.flush()
            FileHandleStderr.write("\(e)\n")
            return asserts.failures.isEmpty ? 1 : 3
        } catch let e as EvalError {
            out.flush()
            FileHandleStderr.write("\(e)\n")
            return asserts.failures.isEmpty ? 1 : 3
        } catch {
            out.flush()
            FileHandleStderr.write("\(source.name): \(error)\n")
            return asserts.failures.isEmpty ? 1 : 3
        }
        return asserts.failures.isEmpty ? 0 : 2
    }
}

/// Buffers `print` output (flushed before anything goes to stderr, and at exit).
final class StdoutBuffer {
    private var bytes: [UInt8] = []
    func write(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        if bytes.count > 1 << 16 { flush() }
    }
    func flush() {
        var off = 0
        bytes.withUnsafeBytes { buf in
            guard let base = buf.baseAddress else { return }
            while off < buf.count {
                let n = Glibc.write(1, base + off, buf.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Runs `body` on a thread with a 256 MiB stack (reserved, touched only as used), so the
/// interpreter's call-depth limit, not the 8 MiB main stack, bounds deep recursion, in
/// debug builds too. Falls back to the current thread if the thread cannot be made.
func runOnLargeStack(_ body: @escaping () -> Int32) -> Int32 {
    final class Box { let body: () -> Int32; var result: Int32 = 1; init(_ b: @escaping () -> Int32) { body = b } }
    let box = Box(body)
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    defer { pthread_attr_destroy(&attr) }
    pthread_attr_setstacksize(&attr, 256 << 20)
    var thread = pthread_t()
    let context = Unmanaged.passRetained(box).toOpaque()
    let rc = pthread_create(&thread, &attr, { raw in
        guard let raw else { return nil }
        let box = Unmanaged<AnyObject>.fromOpaque(raw).takeRetainedValue()
        if let b = box as? Box { b.result = b.body() }
        return nil
    }, context)
    if rc != 0 {
        Unmanaged<Box>.fromOpaque(context).release()
        return body()
    }
    pthread_join(thread, nil)
    return box.result
}
