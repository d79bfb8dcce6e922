import StarlarkSyntax
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of one execution: output hook, step budget, cancellation, the loader, the
/// value stack shared by all frames, and slots where embedders keep their own state.
/// A thread is used by one OS thread at a time (only `cancel` may be called from others).
public final class StarThread {
    public var name: String
    /// Where `print` goes.
    public var print: (String) -> Void = { Swift.print($0) }
    /// Loads a module for `load()`; set by the embedder (see `ModuleLoader` for the
    /// file-based one with caching and cycle detection).
    public var load: ((_ thread: StarThread, _ module: String) throws -> StarModule)?
    /// Embedder state (faultbox keeps its spec recorder here), keyed by a name.
    public var local: [String: AnyObject] = [:]

    /// Budget of execution steps (loop iterations and calls); exceeding it is an error.
    public var maxSteps: UInt64 = .max
    /// Steps taken so far.
    public var steps: UInt64 { exec.pointee.steps }
    /// Nesting limit of Starlark calls; exceeding it raises an error, not a crash.
    public var maxCallDepth = 1000 {
        didSet {
            if frameRecords != nil { exec.pointee.depthLimit = min(maxCallDepth, frameRecordCapacity) }
        }
    }
    /// The deepest a raised `maxCallDepth` can take effect once the thread has run (the
    /// native stack usually ends recursion before that).
    public static let depthCeiling = 1 << 16
    /// The memory budget (see `ExecutionLimits.maxMemoryBytes`, `MemoryBudget`).
    let memory = MemoryBudget()
    /// Budget polls so far; every 16th also reads the memory in use.
    var budgetPolls: UInt = 0
    /// Set from any OS thread to stop the computation at the next loop iteration or call.
    public let cancellation = CancellationFlag()

    /// Counters the dispatch loop touches on every call and loop iteration. They live
    /// behind a pointer so that no dynamic exclusivity check guards each access (class
    /// stored properties would get one).
    let exec: UnsafeMutablePointer<ExecState>
    /// Functions being executed, innermost last (kept only when recursion is forbidden).
    var activeCode: [ObjectIdentifier] = []

    /// One record per active Starlark frame (index = depth), for `callStack()`; the pc
    /// is stored only when the frame calls out, which is when anyone can look.
    var frameRecords: UnsafeMutablePointer<FrameRecord>?
    var frameRecordCapacity = 0

    /// The value stack: frames (locals + operands) are carved from it in call order.
    var stackBase: UnsafeMutablePointer<Value>?
    var stackCapacity = 0
    /// Slots of the value stack (each frame needs locals + operand slots).
    public var valueStackSlots = 1 << 20

    public init(name: String = "main") {
        self.name = name
        exec = .allocate(capacity: 1)
        exec.initialize(to: ExecState())
    }

    deinit {
        stackBase?.deallocate(); frameRecords?.deallocate()
        exec.deinitialize(count: 1); exec.deallocate()
    }

    var callDepth: Int { exec.pointee.callDepth }

    /// Calls any callable value.
    public func call(_ callee: Value, _ args: Arguments) throws -> Value {
        try callValue(callee, args)
    }

    /// Zeroes the step count and clears a cancellation request, before reusing the thread
    /// for another computation with its own budget.
    public func resetBudget() {
        exec.pointee.steps = 0
        exec.pointee.nextCheck = 0
        cancellation.reset()
    }

    /// Requests cancellation (thread-safe); the running computation fails with
    /// "Starlark computation cancelled: reason".
    public func cancel(_ reason: String) { cancellation.cancel(reason) }

    func ensureStack() {
        if stackBase == nil {
            stackCapacity = max(valueStackSlots, 1024)
            stackBase = .allocate(capacity: stackCapacity)
            exec.pointee.stackTop = stackBase
            // Room for a depth raised later (limits(max_depth=) while running): the pages
            // of records never reached are never touched.
            frameRecordCapacity = max(maxCallDepth, StarThread.depthCeiling) + 2
            frameRecords = .allocate(capacity: frameRecordCapacity)
            exec.pointee.stackEnd = stackBase.map { $0 + stackCapacity }
            exec.pointee.records = frameRecords
        }
        if exec.pointee.depthLimit != min(maxCallDepth, frameRecordCapacity) {
            exec.pointee.depthLimit = min(maxCallDepth, frameRecordCapacity)
        }
    }

    /// OS thread whose native stack bounds `exec.nativeStackLimit` describes.
    private var boundsThread: pthread_t?

    /// Before an outermost call: learns the current OS thread's native stack bounds so that
    /// frames stop with an error, not a crash, on small stacks (Swift concurrency's cooperative
    /// threads have 512 KiB). A margin of a quarter of the stack (at most 256 KiB) is kept
    /// for builtins and for the unwinding itself.
    func refreshNativeStackLimit() {
        #if os(Linux)
        let me = pthread_self()
        if let t = boundsThread, pthread_equal(t, me) != 0 { return }
        boundsThread = me
        // pthread_getattr_np is a GNU extension the Glibc module does not import.
        typealias GetAttr = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else {
            exec.pointee.nativeStackLimit = 0
            return
        }
        let getattr = unsafeBitCast(symbol, to: GetAttr.self)
        var attr = pthread_attr_t()
        guard getattr(me, &attr) == 0 else { exec.pointee.nativeStackLimit = 0; return }
        defer { pthread_attr_destroy(&attr) }
        var address: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attr, &address, &size) == 0, let low = address else {
            exec.pointee.nativeStackLimit = 0
            return
        }
        exec.pointee.nativeStackLimit = UInt(bitPattern: low) + UInt(min(size / 4, 256 << 10))
        #endif
    }

    /// The active Starlark frames, outermost first, each at its current call site.
    public func callStack() -> [EvalError.Frame] {
        guard let records = frameRecords else { return [] }
        var out: [EvalError.Frame] = []
        for d in 0..<min(callDepth, frameRecordCapacity) {
            let r = records[d]
            let fn = r.function.takeUnretainedValue()
            let positions = fn.code.positions
            let offset = r.pc >= 0 && r.pc < positions.count ? Int(positions[r.pc]) : fn.code.pos
            out.append(EvalError.Frame(function: fn.name,
                                       location: SourceLocation(fn.module.program.source, offset)))
        }
        return out
    }
}

/// A cancellation request that another OS thread may set while the interpreter runs.
/// The interpreter polls `isCancelled` every few thousand steps; a plain byte read is
/// enough here because a late observation only delays the stop by one poll.
public final class CancellationFlag: @unchecked Sendable {
    private let flag: UnsafeMutablePointer<UInt8>
    private var storedReason = ""
    init() { flag = .allocate(capacity: 1); flag.initialize(to: 0) }
    deinit { flag.deallocate() }
    public func cancel(_ reason: String) { storedReason = reason; flag.pointee = 1 }
    public var isCancelled: Bool { flag.pointee != 0 }
    public var reason: String { storedReason }
    /// Clears a previous request (before reusing the thread).
    public func reset() { flag.pointee = 0 }
}

/// A module: its name and its globals (frozen once it has run).
public final class StarModule {
    public let name: String
    public var globals: [(String, Value)]
    public init(name: String, globals: [(String, Value)]) {
        self.name = name
        self.globals = globals
    }

    public func global(_ name: String) -> Value? {
        for (n, v) in globals where n == name { return v }
        return nil
    }
}

/// An active frame: its function (kept alive by the frame itself) and its call-site pc.
struct FrameRecord {
    var function: Unmanaged<StarFunction>
    var pc: Int
}

/// See `StarThread.exec`.
struct ExecState {
    var steps: UInt64 = 0
    /// Steps at which the next budget/cancellation check happens.
    var nextCheck: UInt64 = 0
    var callDepth = 0
    /// First free slot of the value stack.
    var stackTop: UnsafeMutablePointer<Value>?
    /// One past the last slot of the value stack.
    var stackEnd: UnsafeMutablePointer<Value>?
    /// min(maxCallDepth, frame record capacity), fixed when the stack is allocated.
    var depthLimit = 0
    var records: UnsafeMutablePointer<FrameRecord>?
    /// Lowest native stack address a frame may start at (0: unknown, unchecked).
    var nativeStackLimit: UInt = 0
    /// A spare array for the positional arguments of builtin calls: taken by
    /// `collectArguments`, handed back by `recycleArguments` when the callee kept no
    /// reference. Saves an allocation (and a generic metadata lookup) per builtin call.
    var spareArgs: [Value] = []
}
