import FaultPlan
import StarlarkVM

/// `op(syscalls=[...], path=)`: a named operation waiting for its name in `service(ops=)`.
final class OpValue: StarObject {
    let syscalls: [String]
    let path: String?
    let position: SourcePosition
    let syscallPositions: [SourcePosition]
    init(syscalls: [String], path: String?, position: SourcePosition, syscallPositions: [SourcePosition]) {
        self.syscalls = syscalls
        self.path = path
        self.position = position
        self.syscallPositions = syscallPositions
    }
    override var typeName: String { "op" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        var text = "op(syscalls = [" + syscalls.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        if let path { text += ", path = \"\(path)\"" }
        out += Array((text + ")").utf8)
    }
    override func attr(_ name: String, thread: StarThread) throws -> Value? {
        switch name {
        case "syscalls": return .list(StarList(syscalls.map { .str($0) }))
        case "path": return path.map { .str($0) } ?? Value.none
        default: return nil
        }
    }
    override var attrNames: [String] { ["path", "syscalls"] }

    func decl(name: String, namePosition: SourcePosition) -> OpDecl {
        OpDecl(name: name, syscalls: syscalls, path: path, namePosition: namePosition, position: position,
               syscallPositions: syscallPositions)
    }
}

/// Every service's ops in one spec (shared by its `ServiceValue`s), so that a fault on one
/// service naming another's op can say whose op it is.
final class OpCatalog {
    static let key = "faultbox.ops"
    private(set) var services: [(service: String, ops: [OpDecl])] = []

    /// The catalog of the thread that loads the spec (created on first use).
    static func of(_ thread: StarThread) -> OpCatalog {
        if let c = thread.local[key] as? OpCatalog { return c }
        let c = OpCatalog()
        thread.local[key] = c
        return c
    }

    func add(service: String, ops: [OpDecl]) { services.append((service, ops)) }
}

/// What a syscall keyword means for one service while a test runs: the one entry point for
/// the fault builtins and for `trace(svc, syscalls=[...])`.
enum SpecKeywords {
    /// The service's ops, expanded with the thread's vocabulary.
    static func ops(of service: ServiceValue, thread: StarThread) -> [NamedOp] {
        FaultKeywords.ops(service.ops, vocabulary: VocabularySlot.vocabulary(thread))
    }

    /// Every service of the spec with its ops (for messages about another service's op).
    static func allOps(_ service: ServiceValue, thread: StarThread) -> [(service: String, ops: [NamedOp])] {
        let vocabulary = VocabularySlot.vocabulary(thread)
        return (service.catalog?.services ?? []).map { ($0.service, FaultKeywords.ops($0.ops, vocabulary: vocabulary)) }
    }

    /// `name` (a syscall, a family or an op of `service`) -> concrete syscalls, the op's
    /// name and path glob. For `trace(db, syscalls=["persist"])`: an unknown name raises
    /// "fn: unknown syscall ..." with a did-you-mean among the service's ops and syscalls.
    static func resolve(_ name: String, service: ServiceValue, fn: String, thread: StarThread) throws -> ResolvedKeyword {
        let vocabulary = VocabularySlot.vocabulary(thread)
        let ops = ops(of: service, thread: thread)
        if let r = FaultKeywords.resolve(name, ops: ops, vocabulary: vocabulary) { return r }
        let others = allOps(service, thread: thread).map { (service: $0.service, ops: $0.ops.map(\.name)) }
        let (message, fix) = FaultKeywords.unknown(name, service: service.name, context: "\(fn)(\(service.name))",
                                                   ops: ops, otherServices: others, vocabulary: vocabulary)
        throw StarlarkError("\(message) (fix: \(fix))")
    }
}
