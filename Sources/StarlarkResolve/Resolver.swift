import DidYouMean
import StarlarkSyntax

/// Resolves every identifier of `file` to a scope and slot (see docs/vm.md), collecting
/// all errors. Mirrors go.starlark.net's resolver: uses inside a function are resolved
/// after the whole function body (so a use may precede its binding), uses in nested
/// functions after the whole file.
public func resolve(_ file: FileNode, options: DialectOptions,
                    isPredeclared: (String) -> Bool, isUniversal: (String) -> Bool) -> ResolvedFile {
    withoutActuallyEscaping(isPredeclared) { isPredeclared in
        withoutActuallyEscaping(isUniversal) { isUniversal in
            let r = Resolver(file: file, options: options, isPredeclared: isPredeclared,
                             isUniversal: isUniversal)
            r.stmts(file.stmts)
            r.resolveLocalUses(r.fileBlock)
            r.resolveNonLocalUses(r.fileBlock)
            return r.finish()
        }
    }
}

/// A binding under construction; `scope` changes from local to cell when a nested
/// function captures it, so it is a class shared by all uses.
final class Binding {
    let first: Ident?
    var scope: Scope
    let index: Int
    /// For free variables: the binding in the enclosing function it refers to.
    var outer: Binding?
    init(first: Ident?, scope: Scope, index: Int) {
        self.first = first
        self.scope = scope
        self.index = index
    }
}

/// Locals and free variables of one function (or of the top level).
final class FunctionState {
    var info = FunctionInfo()
    var locals: [Binding] = []
    var freeVars: [Binding] = []
}

final class Block {
    let parent: Block?
    /// Non-nil for a function block (and the file block); nil for a comprehension block.
    let function: FunctionState?
    var bindings: [String: Binding] = [:]
    var children: [Block] = []
    var uses: [(Ident, Block)] = []
    init(parent: Block?, function: FunctionState?) {
        self.parent = parent
        self.function = function
    }
}

final class Resolver {
    let file: FileNode
    let options: DialectOptions
    let isPredeclared: (String) -> Bool
    let isUniversal: (String) -> Bool
    let fileBlock: Block
    let toplevel = FunctionState()
    var env: Block
    var functions: [FunctionState?]
    var globals: [String: Binding] = [:]
    var globalOrder: [Binding] = []
    var predeclared: [String: Binding] = [:]
    var identBindings: [Binding?]
    var loops = 0
    var ifStmts = 0
    var errors: [SyntaxError] = []

    init(file: FileNode, options: DialectOptions, isPredeclared: @escaping (String) -> Bool,
         isUniversal: @escaping (String) -> Bool) {
        self.file = file
        self.options = options
        self.isPredeclared = isPredeclared
        self.isUniversal = isUniversal
        fileBlock = Block(parent: nil, function: toplevel)
        env = fileBlock
        functions = Array(repeating: nil, count: max(file.functionCount, 0))
        identBindings = Array(repeating: nil, count: max(file.identCount, 0))
    }

    func error(_ pos: Int, _ message: String) {
        errors.append(SyntaxError(SourceLocation(file.source, pos), message))
    }

    func record(_ id: Ident, _ b: Binding) {
        if id.id >= identBindings.count { identBindings.append(contentsOf: Array(repeating: nil, count: id.id + 1 - identBindings.count)) }
        if id.id >= 0 { identBindings[id.id] = b }
    }

    /// The innermost function block (or the file block) enclosing the current block.
    var container: Block {
        var b = env
        while b.function == nil, let p = b.parent { b = p }
        return b
    }
    var inFunction: Bool { container !== fileBlock }

    func push(_ b: Block) { env.children.append(b); env = b }
    func pop() { if let p = env.parent { env = p } }

    // MARK: bindings

    /// Binds `id` in the current block; returns true if it was already bound there.
    @discardableResult
    func bind(_ id: Ident) -> Bool {
        if env === fileBlock {
            var existing = fileBlock.bindings[id.name] ?? globals[id.name]
            let wasBound = existing != nil
            if existing == nil {
                let b = Binding(first: id, scope: .global, index: globalOrder.count)
                globals[id.name] = b
                globalOrder.append(b)
                existing = b
            }
            if wasBound, !options.globalreassign, let prev = existing {
                let scopeWord = prev.scope == .global ? "global" : "local"
                let at = prev.first.map { SourceLocation(file.source, $0.pos).description } ?? "?"
                error(id.pos, "cannot reassign \(scopeWord) \(id.name) declared at \(at)")
            }
            if let b = existing { record(id, b) }
            return wasBound
        }
        return bindLocal(id)
    }

    @discardableResult
    func bindLocal(_ id: Ident) -> Bool {
        let wasBound = env.bindings[id.name] != nil
        if !wasBound {
            let fn = container.function ?? toplevel
            let b = Binding(first: id, scope: .local, index: fn.locals.count)
            fn.locals.append(b)
            fn.info.localNames.append(id.name)
            env.bindings[id.name] = b
        }
        use(id)
        return wasBound
    }

    func use(_ id: Ident) {
        if options.globalreassign && env === fileBlock {
            _ = useToplevel(id, env)
            return
        }
        container.uses.append((id, env))
    }

    @discardableResult
    func useToplevel(_ id: Ident, _ from: Block) -> Binding {
        let b: Binding
        if let prev = fileBlock.bindings[id.name] {
            b = prev
        } else if let prev = globals[id.name] {
            b = prev
        } else if let prev = predeclared[id.name] {
            b = prev
        } else if isPredeclared(id.name) {
            b = Binding(first: nil, scope: .predeclared, index: 0)
            predeclared[id.name] = b
        } else if isUniversal(id.name) {
            if !options.set && id.name == "set" {
                error(id.pos, "dialect does not support sets")
            }
            b = Binding(first: nil, scope: .universal, index: 0)
            predeclared[id.name] = b
        } else {
            b = Binding(first: nil, scope: .undefined, index: 0)
            var names: [String] = []
            var blk: Block? = from
            while let x = blk { names.append(contentsOf: x.bindings.keys); blk = x.parent }
            names.append(contentsOf: globalOrder.compactMap { $0.first?.name })
            let hint = Spelling.suggest(id.name, among: names).map { " (did you mean \($0)?)" } ?? ""
            error(id.pos, "undefined: \(id.name)\(hint)")
        }
        record(id, b)
        return b
    }

    func resolveLocalUses(_ b: Block) {
        var unresolved: [(Ident, Block)] = []
        for (id, from) in b.uses {
            if let found = lookupLocal(id.name, from), found.scope == .local || found.scope == .cell {
                record(id, found)
            } else {
                unresolved.append((id, from))
            }
        }
        b.uses = unresolved
    }

    func lookupLocal(_ name: String, _ start: Block) -> Binding? {
        var blk: Block? = start
        while let b = blk {
            if let found = b.bindings[name] { return found }
            if b.function != nil { break }
            blk = b.parent
        }
        return nil
    }

    func resolveNonLocalUses(_ b: Block) {
        for child in b.children { resolveNonLocalUses(child) }
        for (id, from) in b.uses { record(id, lookupLexical(id, from, useSite: from)) }
    }

    /// Finds `id` walking outwards from `env`; crossing a function boundary turns a local
    /// of the outer function into a cell and adds a free variable to each function crossed.
    func lookupLexical(_ id: Ident, _ env: Block, useSite: Block) -> Binding {
        if env === fileBlock { return useToplevel(id, useSite) }
        if let found = env.bindings[id.name] { return found }
        var b = lookupLexical(id, env.parent ?? fileBlock, useSite: useSite)
        if let fn = env.function, b.scope == .local || b.scope == .free || b.scope == .cell {
            if b.scope == .local { b.scope = .cell }
            let free = Binding(first: b.first, scope: .free, index: fn.freeVars.count)
            free.outer = b
            fn.freeVars.append(b)
            b = free
        }
        env.bindings[id.name] = b
        return b
    }

    // MARK: output

    func finish() -> ResolvedFile {
        func convert(_ b: Binding) -> ResolvedBinding { ResolvedBinding(scope: b.scope, index: b.index) }
        func info(_ fs: FunctionState) -> FunctionInfo {
            var i = fs.info
            i.cellSlots = fs.locals.enumerated().filter { $0.element.scope == .cell }.map { $0.offset }
            i.freeVars = fs.freeVars.map { (name: $0.first?.name ?? "?", outer: convert($0)) }
            return i
        }
        return ResolvedFile(
            file: file,
            bindings: identBindings.map { $0.map(convert) },
            functions: functions.map { $0.map(info) ?? FunctionInfo() },
            toplevel: info(toplevel),
            globalNames: globalOrder.map { $0.first?.name ?? "?" },
            errors: errors)
    }
}
