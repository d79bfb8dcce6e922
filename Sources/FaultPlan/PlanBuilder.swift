#if canImport(Glibc)
import Glibc
#endif
import DidYouMean

/// Validates `SpecDeclarations` and expands them into a `FaultPlan`: every error is
/// collected (each with its position and a fix) before anything is thrown.
public struct PlanBuilder {
    public struct Options: Sendable {
        /// Relative binary paths resolve against this directory.
        public var workingDirectory: String
        /// `PATH`, searched for bare binary names.
        public var searchPath: String
        public init(workingDirectory: String, searchPath: String) {
            self.workingDirectory = workingDirectory
            self.searchPath = searchPath
        }
    }

    /// The keywords whose expansion is "the whole faultable set" of a service: what a
    /// `fault()` whose keywords are only known at run time could possibly arm.
    public static let faultableKeywords = [
        "write", "read", "open", "fsync", "sendto", "recvfrom", "connect", "accept", "accept4",
        "close", "socket", "bind", "listen", "unlink", "unlinkat", "rename", "renameat",
        "mkdir", "mkdirat", "ftruncate",
    ]
    public static let familyNames = ["write", "read", "open", "fsync", "sendto", "recvfrom"]

    let declarations: SpecDeclarations
    let vocabulary: SyscallVocabulary
    let options: Options
    var errors: [PlanError] = []
    /// Every service's named operations, in declaration order (set once services are built).
    var serviceOps: [(service: String, ops: [NamedOp])] = []

    public static func build(_ declarations: SpecDeclarations, vocabulary: SyscallVocabulary,
                             options: Options) throws(PlanErrors) -> FaultPlan {
        var builder = PlanBuilder(declarations: declarations, vocabulary: vocabulary, options: options)
        builder.errors = declarations.recordedErrors
        let plan = builder.run()
        if !builder.errors.isEmpty {
            var seen = Set<PlanError>()
            let unique = builder.errors.filter { seen.insert($0).inserted }
            throw PlanErrors(unique.sorted { $0.position < $1.position })
        }
        return plan
    }

    init(declarations: SpecDeclarations, vocabulary: SyscallVocabulary, options: Options) {
        self.declarations = declarations
        self.vocabulary = vocabulary
        self.options = options
    }

    mutating func error(_ position: SourcePosition, _ message: String, fix: String) {
        errors.append(PlanError(position, message, fix: fix))
    }

    mutating func run() -> FaultPlan {
        let services = buildServices()
        serviceOps = services.map { ($0.name, $0.ops) }
        let startOrder = computeStartOrder(services)
        let serviceNames = services.map(\.name)
        let monitors = buildMonitors(serviceNames: serviceNames)
        let assumptions = buildAssumptions(serviceNames: serviceNames, monitorCount: monitors.count)
        let faultable = expandFaultable()
        var expansion = TestExpansion(declarations: declarations, assumptions: assumptions,
                                      monitors: monitors, startOrder: startOrder,
                                      faultable: faultable, vocabulary: vocabulary)
        for (service, ops) in serviceOps where !ops.isEmpty { expansion.serviceOps[service] = ops }
        expansion.run()
        errors.append(contentsOf: expansion.errors)
        return FaultPlan(
            specPath: declarations.specPath, files: declarations.files, services: services,
            startOrder: startOrder, assumptions: assumptions, monitors: monitors,
            scenarios: expansion.scenarios, faultScenarios: expansion.faultScenarios,
            matrices: expansion.matrices,
            testFunctions: declarations.testFunctions.map { TestFunction(callable: $0.callable) },
            tests: expansion.tests, faultableSyscalls: faultable)
    }

    func expandFaultable() -> [String] {
        var all = Set<String>()
        for k in Self.faultableKeywords { if let names = vocabulary.expand(k) { all.formUnion(names) } }
        return all.sorted()
    }

    /// Expands a syscall keyword or records an "unknown syscall" error.
    mutating func expandKeyword(_ keyword: String, at position: SourcePosition, context: String) -> [String]? {
        if let names = vocabulary.expand(keyword), !names.isEmpty { return names }
        let candidates = Self.familyNames + vocabulary.syscallNames
        let suggestion = Spelling.suggest(keyword, among: candidates)
        error(position, "unknown syscall \"\(keyword)\" in \(context): not a family and not a syscall of this machine",
              fix: (suggestion.map { "did you mean \($0)? " } ?? "")
                + "use a syscall name of this machine (see `ausyscall --dump`) or one of the families: "
                + Self.familyNames.joined(separator: ", "))
        return nil
    }
}

/// Resolution of a service's binary to an executable path.
enum BinaryResolution {
    static func resolve(_ binary: String, options: PlanBuilder.Options) -> String {
        if binary.hasPrefix("/") { return binary }
        if binary.contains("/") { return join(options.workingDirectory, binary) }
        for dir in options.searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = join(String(dir), binary)
            if isExecutable(candidate) { return candidate }
        }
        return binary
    }

    static func join(_ dir: String, _ rel: String) -> String {
        var r = Substring(rel)
        while r.hasPrefix("./") { r = r.dropFirst(2) }
        if dir.isEmpty { return String(r) }
        return dir.hasSuffix("/") ? dir + r : dir + "/" + r
    }

    static func isExecutable(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}
