import DidYouMean

/// Named operations: `service(..., ops = {"persist": op(syscalls = ["write", "fsync"],
/// path = "/tmp/*.wal")})`. An op name is a fault keyword of its service, like a syscall
/// or a family: `fault(db, persist = deny("EIO"))` arms one rule on the op's syscalls with
/// the op's path glob, and its decisions print as `persist(write) deny(EIO)`.

/// `op(syscalls=[...], path=)` as written, under the name it has in `ops=`.
public struct OpDecl: Sendable, Hashable {
    public var name: String
    /// Syscall names or families as written.
    public var syscalls: [String]
    public var path: String?
    /// Where the `ops=` key was written (errors about the name point here).
    public var namePosition: SourcePosition
    /// Where `op(...)` was called.
    public var position: SourcePosition
    /// Where each element of `syscalls = [...]` was written (empty when not a literal).
    public var syscallPositions: [SourcePosition]
    public init(name: String, syscalls: [String], path: String?, namePosition: SourcePosition,
                position: SourcePosition, syscallPositions: [SourcePosition] = []) {
        self.name = name
        self.syscalls = syscalls
        self.path = path
        self.namePosition = namePosition
        self.position = position
        self.syscallPositions = syscallPositions
    }
}

/// A validated named operation of a service.
public struct NamedOp: Sendable, Hashable {
    public var name: String
    /// The keywords as written (`write`, `fsync`).
    public var keywords: [String]
    /// Concrete syscall names, families expanded, duplicates removed, in the order written.
    public var syscalls: [String]
    public var pathGlob: String?
    public var position: SourcePosition
    public init(name: String, keywords: [String], syscalls: [String], pathGlob: String?, position: SourcePosition) {
        self.name = name
        self.keywords = keywords
        self.syscalls = syscalls
        self.pathGlob = pathGlob
        self.position = position
    }
}

/// What a fault keyword (or a `trace(..., syscalls=[...])` entry) means for one service.
public struct ResolvedKeyword: Sendable, Hashable {
    /// As written.
    public var keyword: String
    /// The op's name when the keyword names an op of the service, else nil.
    public var op: String?
    /// Concrete syscall names.
    public var syscalls: [String]
    /// The op's path glob (nil for syscalls, families and ops without `path=`).
    public var pathGlob: String?
    public init(keyword: String, op: String?, syscalls: [String], pathGlob: String?) {
        self.keyword = keyword
        self.op = op
        self.syscalls = syscalls
        self.pathGlob = pathGlob
    }
}

/// The one place that says what a fault keyword means for a service: a syscall of the
/// machine, a family, or one of the service's ops (names cannot collide: see
/// `PlanBuilder.buildOps`).
public enum FaultKeywords {
    /// Keyword -> syscalls (+ the op's name and path glob); nil when it is none of them.
    public static func resolve(_ keyword: String, ops: [NamedOp], vocabulary: SyscallVocabulary) -> ResolvedKeyword? {
        if let names = vocabulary.expand(keyword), !names.isEmpty {
            return ResolvedKeyword(keyword: keyword, op: nil, syscalls: names, pathGlob: nil)
        }
        if let op = ops.first(where: { $0.name == keyword }) {
            return ResolvedKeyword(keyword: keyword, op: op.name, syscalls: op.syscalls, pathGlob: op.pathGlob)
        }
        return nil
    }

    /// The ops of declarations that `service()` recorded, expanded without validation (the
    /// plan validated them when the spec loaded; an invalid one never reaches a test run).
    public static func ops(_ decls: [OpDecl], vocabulary: SyscallVocabulary) -> [NamedOp] {
        decls.map { d in
            var names: [String] = []
            for k in d.syscalls { for n in vocabulary.expand(k) ?? [] where !names.contains(n) { names.append(n) } }
            return NamedOp(name: d.name, keywords: d.syscalls, syscalls: names, pathGlob: d.path, position: d.position)
        }
    }

    /// Message and fix for a keyword that is neither a syscall, a family nor an op of
    /// `service`: did-you-mean among the service's ops, the families and the machine's
    /// syscalls, and a note when another service has an op of that name.
    public static func unknown(_ keyword: String, service: String, context: String, ops: [NamedOp],
                               otherServices: [(service: String, ops: [String])],
                               vocabulary: SyscallVocabulary) -> (message: String, fix: String) {
        let opNames = ops.map(\.name)
        let message = "unknown syscall \"\(keyword)\" in \(context): not a family, not a syscall of this machine"
            + (service.isEmpty ? "" : opNames.isEmpty ? " and service \(service) declares no ops"
                                                      : " and not an op of service \(service)")
        var fix = ""
        if let owner = otherServices.first(where: { $0.service != service && $0.ops.contains(keyword) }) {
            fix = "\"\(keyword)\" is an op of service \(owner.service), not of \(service): fault \(owner.service) "
                + "instead, or declare the op on \(service) too (ops = {\"\(keyword)\": op(syscalls = [...])}); "
        }
        let candidates = opNames + PlanBuilder.familyNames + vocabulary.syscallNames
        if let s = Spelling.suggest(keyword, among: candidates) { fix += "did you mean \(s)? " }
        if !opNames.isEmpty { fix += "ops of \(service): " + opNames.joined(separator: ", ") + "; " }
        fix += "syscall families: " + PlanBuilder.familyNames.joined(separator: ", ")
            + "; or any syscall name of this machine (see `ausyscall --dump`)"
        return (message, fix)
    }
}
