/// Named operations of a service (`ops = {"persist": op(...)}`): names and syscalls.
extension PlanBuilder {
    /// Parameters of the fault builtins that take syscall keywords: an op with one of
    /// these names could never be written as a fault keyword.
    static let reservedKeywords = ["target", "run", "name", "monitors", "service", "services"]

    mutating func buildOps(_ decl: ServiceDecl) -> [NamedOp] {
        var ops: [NamedOp] = []
        for d in decl.ops {
            let context = "op \"\(d.name)\" of service \"\(decl.name)\""
            if !Self.isIdentifier(d.name) {
                error(d.namePosition, "\(context): the name is not an identifier, so it cannot be written as a fault keyword",
                      fix: "use letters, digits and _ (not starting with a digit), e.g. \"persist\" or \"wal_write\"")
            } else if let names = vocabulary.expand(d.name), !names.isEmpty {
                let what = Self.familyNames.contains(d.name) ? "a syscall family" : "a syscall of this machine"
                error(d.namePosition, "\(context): the name is also \(what), so \(d.name) = ... in fault() would be ambiguous",
                      fix: "rename the op, e.g. \"\(d.name)_op\" or a name for what the service does (\"persist\", \"wal_write\")")
            } else if Self.reservedKeywords.contains(d.name) {
                error(d.namePosition, "\(context): the name is a parameter of the fault builtins (\(d.name)=)",
                      fix: "rename the op, e.g. \"\(d.name)_op\"")
            }
            if d.syscalls.isEmpty {
                error(d.position, "\(context) lists no syscalls",
                      fix: "name at least one syscall or family, e.g. op(syscalls = [\"write\", \"fsync\"])")
            }
            if let p = d.path, p.isEmpty {
                error(d.position, "\(context): path is empty",
                      fix: "give a glob such as \"/tmp/*.wal\", or leave path= out to match every path")
            }
            var syscalls: [String] = []
            for (i, k) in d.syscalls.enumerated() {
                let at = i < d.syscallPositions.count ? d.syscallPositions[i] : d.position
                guard let names = expandKeyword(k, at: at, context: context) else { continue }
                for n in names where !syscalls.contains(n) { syscalls.append(n) }
            }
            // Kept even when invalid (the plan fails anyway): rules naming it then get no
            // second, misleading "unknown op" error.
            ops.append(NamedOp(name: d.name, keywords: d.syscalls, syscalls: syscalls, pathGlob: d.path,
                               position: d.position))
        }
        return ops
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(48...57).contains(first) else { return false }
        return s.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }
}
