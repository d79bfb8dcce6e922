import StarlarkSyntax

/// Dialect options, as in go.starlark.net's resolver flags. Spec files run with all on.
public struct DialectOptions: Sendable, Equatable {
    /// The `set` builtin.
    public var set: Bool
    /// `while` loops and recursive calls.
    public var recursion: Bool
    /// Rebinding top-level names; `if`/`for`/`while` at top level.
    public var globalreassign: Bool
    /// `load` binds globals instead of file-local names.
    public var loadBindsGlobally: Bool

    public init(set: Bool = false, recursion: Bool = false, globalreassign: Bool = false,
                loadBindsGlobally: Bool = false) {
        self.set = set
        self.recursion = recursion
        self.globalreassign = globalreassign
        self.loadBindsGlobally = loadBindsGlobally
    }

    /// Everything on: how faultbox spec files run.
    public static let all = DialectOptions(set: true, recursion: true, globalreassign: true,
                                           loadBindsGlobally: false)

    /// Parses a comma list such as `set,recursion`; unknown names are returned as errors.
    public static func parse(_ list: String) -> (DialectOptions, unknown: [String]) {
        var o = DialectOptions()
        var unknown: [String] = []
        for raw in list.split(separator: ",") {
            switch raw.filter({ $0 != " " && $0 != "\t" }).lowercased() {
            case "set": o.set = true
            case "recursion": o.recursion = true
            case "globalreassign": o.globalreassign = true
            case "loadbindsglobally": o.loadBindsGlobally = true
            case "": break
            default: unknown.append(String(raw))
            }
        }
        return (o, unknown)
    }
}

/// Where a name lives at run time.
public enum Scope: String, Sendable {
    case undefined, local, cell, free, global, predeclared, universal
}

/// The resolution of one identifier occurrence. `index` is the slot in the function's
/// locals (local, cell), its free-variable list (free) or the module's globals (global);
/// for predeclared/universal names it is unused (the name is the key).
public struct ResolvedBinding: Sendable, Equatable {
    public var scope: Scope
    public var index: Int
    public init(scope: Scope, index: Int) {
        self.scope = scope
        self.index = index
    }
}

/// Per-function facts the compiler needs (`def`, `lambda`, and the top level, whose
/// locals hold file-local loads and top-level comprehension variables).
public struct FunctionInfo: Sendable {
    /// Names of the locals in slot order; parameters come first, in declaration order.
    public var localNames: [String]
    /// Slots among `localNames` that are captured by a nested function (cells).
    public var cellSlots: [Int]
    /// For each free variable: its name and how the enclosing function reaches it
    /// (a cell slot of the parent's locals, or one of the parent's free variables).
    public var freeVars: [(name: String, outer: ResolvedBinding)]
    public var numParams: Int
    public var numKwonlyParams: Int
    public var hasVarargs: Bool
    public var hasKwargs: Bool
    public init() {
        localNames = []; cellSlots = []; freeVars = []; numParams = 0; numKwonlyParams = 0
        hasVarargs = false; hasKwargs = false
    }
}

/// The resolver's answer: side tables keyed by node ids, plus every error found.
public struct ResolvedFile: Sendable {
    public let file: FileNode
    /// Indexed by `Ident.id`; nil for identifiers that are not uses or bindings
    /// (attribute names, keyword-argument names, load's original names).
    public var bindings: [ResolvedBinding?]
    /// Indexed by `FunctionNode.id`.
    public var functions: [FunctionInfo]
    /// The top level.
    public var toplevel: FunctionInfo
    /// Module globals in slot order.
    public var globalNames: [String]
    /// All errors, in source order of discovery.
    public var errors: [SyntaxError]

    public func binding(_ id: Ident) -> ResolvedBinding {
        if id.id >= 0 && id.id < bindings.count, let b = bindings[id.id] { return b }
        return ResolvedBinding(scope: .undefined, index: 0)
    }
}

/// The resolver's errors as one thrown error; `description` has one diagnostic per line.
public struct ResolveErrors: Error, Sendable, CustomStringConvertible {
    public let errors: [SyntaxError]
    public init(_ errors: [SyntaxError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
