/// Regenerating over a curated file (`--force`): the new topology's definitions, with
/// what the user added carried into them. A three-way decision per definition, using
/// the per-definition fingerprints of the old header:
/// - a generated definition the user did not touch is replaced by the new one (or
///   dropped when the topology no longer proposes it);
/// - a generated definition the user edited keeps the user's text;
/// - anything else the user wrote (assumptions, monitors, fault_scenario calls...) is
///   carried over verbatim, in order, between the assumptions and the matrix;
/// - the matrix keeps the user's extra keywords (overrides, exclude, default_expect),
///   faults and scenarios the user added, and stays without those the user removed;
///   override and exclude entries naming a fault that no longer exists are commented out.
import StarlarkSyntax

/// The old file is read with StarlarkSyntax (`CuratedFile`), so what the user wrote is
/// understood exactly as `faultbox test` understands it (raw strings, escapes, `#` in
/// strings); a file that does not parse is refused with the parser's message.
enum CarryOver {
    struct Result {
        var model: FileModel
        /// One line per decision worth telling the user about.
        var notes: [String]
    }

    static func merge(old oldText: String, path: String, into fresh: FileModel) throws(GenerateError) -> Result {
        let old = try CuratedFile(path: path, text: oldText)
        let header = GeneratedHeader.parse(oldText)
        var oldHashes: [String: String] = [:]
        for d in header?.definitions ?? [] { oldHashes[d.name] = d.hash }
        var model = fresh
        var notes: [String] = []
        let freshNames = Set(fresh.generatedDefinitions.map(\.name))
        var carriedNames: Set<String> = []
        var oldMatrix: [(keyword: String?, value: Expr)]?
        var oldLoads: [(module: String, item: String, binds: String)] = []

        for (index, parsed) in old.statements.enumerated() {
            var statement = parsed
            // The comments at the top are the old header.
            if index == 0 && header != nil {
                if statement.isComment { continue }
                statement.leadingComments = []
            }
            if statement.isComment {
                let kept = statement.text.split(separator: "\n").map(String.init).filter { !isOwnComment($0) }
                if !kept.isEmpty { model.carried.append(kept.joined(separator: "\n")) }
                continue
            }
            switch statement.kind {
            case .load:
                oldLoads.append(contentsOf: loadItems(statement.stmts[0]))
            case .call(function: "fault_matrix") where oldMatrix == nil:
                oldMatrix = CuratedFile.callArguments(statement.stmts[0])
            case .assignment(let name), .def(let name):
                let untouched = oldHashes[name] == GeneratedHeader.shortHash(statement.text)
                if untouched {
                    // The generator's own definition, but comments the user put above it stay.
                    let comments = userComments(statement)
                    if !comments.isEmpty { prependComments(comments, to: name, in: &model) }
                    continue
                }
                if freshNames.contains(name) {
                    if replace(name, with: withComments(statement), in: &model) {
                        notes.append("kept your edited \(name)")
                    }
                    continue
                }
                if oldHashes[name] != nil {
                    notes.append("kept your edited \(name), which the topology no longer proposes")
                }
                carriedNames.insert(name)
                model.carried.append(withComments(statement))
            default:
                model.carried.append(withComments(statement))
            }
        }
        if let args = oldMatrix {
            mergeMatrix(args, old, oldGenerated: Set(oldHashes.keys),
                        defined: carriedNames.union(oldLoads.map(\.binds)), into: &model, notes: &notes)
        }
        keepUsedLoads(oldLoads, into: &model)
        if !model.carried.isEmpty {
            notes.append("carried over \(model.carried.count) definition\(model.carried.count == 1 ? "" : "s") you wrote")
        }
        return Result(model: model, notes: notes)
    }

    /// The statement with its comments, minus the generator's own section comments.
    private static func withComments(_ s: CuratedFile.Statement) -> String {
        (userComments(s) + [s.text]).joined(separator: "\n")
    }

    private static func userComments(_ s: CuratedFile.Statement) -> [String] {
        s.leadingComments.filter { !isOwnComment($0) }
    }

    /// The generator's section comments (`# --- Fault Matrix ---`, `# disk faults`).
    private static func isOwnComment(_ c: String) -> Bool {
        c == "# network faults" || c == "# disk faults" || (c.hasPrefix("# --- ") && c.hasSuffix(" ---"))
    }

    private static func prependComments(_ comments: [String], to name: String, in model: inout FileModel) {
        for keyPath in [\FileModel.networkAssumptions, \FileModel.diskAssumptions, \FileModel.partitions] {
            if let i = model[keyPath: keyPath].firstIndex(where: { $0.name == name }) {
                model[keyPath: keyPath][i].text = (comments + [model[keyPath: keyPath][i].text]).joined(separator: "\n")
            }
        }
    }

    private static func replace(_ name: String, with text: String, in model: inout FileModel) -> Bool {
        for keyPath in [\FileModel.networkAssumptions, \FileModel.diskAssumptions, \FileModel.partitions] {
            if let i = model[keyPath: keyPath].firstIndex(where: { $0.name == name }) {
                if model[keyPath: keyPath][i].text == text { return false }
                model[keyPath: keyPath][i].text = text
                return true
            }
        }
        return false
    }

    /// The items of a `load()` statement: module, item as printed, name it binds.
    private static func loadItems(_ stmt: Stmt) -> [(module: String, item: String, binds: String)] {
        guard case .load(_, let module, let names, _) = stmt else { return [] }
        return names.map { local, original in
            // A keyword item (`x = "y"`) has its name before the string; a plain one inside it.
            let quoted = StarlarkQuote.quoted(original.0)
            return (module.0, local.pos < original.1 ? "\(local.name) = \(quoted)" : quoted, local.name)
        }
    }

    /// A symbol the old file loaded and the new one does not stays loaded when what the
    /// user wrote uses it (`health_check` added to the matrix); a symbol only the old
    /// topology needed is dropped, since loading a name that no longer exists fails.
    private static func keepUsedLoads(_ old: [(module: String, item: String, binds: String)],
                                      into model: inout FileModel) {
        let userText = (model.carried + model.matrixExtras.map(\.1) + model.matrixFaults + model.matrixScenarios
            + model.generatedDefinitions.filter { $0.text != $0.generated }.map(\.text)).joined(separator: "\n")
        let used = identifiers(in: userText)
        for entry in old where used.contains(entry.binds) {
            if let i = model.loads.firstIndex(where: { $0.module == entry.module }) {
                let bound = Set(model.loads[i].items.compactMap(StarlarkQuote.unquoted))
                if !bound.contains(entry.binds) && !model.loads[i].items.contains(entry.item) {
                    model.loads[i].items.append(entry.item)
                }
            } else {
                model.loads.append(FileModel.Load(module: entry.module, items: [entry.item]))
            }
        }
    }

    private static func identifiers(in text: String) -> Set<String> {
        var out: Set<String> = []
        var current = ""
        for c in text {
            if c.isLetter || c.isNumber || c == "_" { current.append(c) } else if !current.isEmpty {
                out.insert(current)
                current = ""
            }
        }
        if !current.isEmpty { out.insert(current) }
        return out
    }

    private static func mergeMatrix(_ args: [(keyword: String?, value: Expr)], _ old: CuratedFile,
                                    oldGenerated: Set<String>, defined: Set<String>, into model: inout FileModel,
                                    notes: inout [String]) {
        var oldFaults: [String] = []
        var oldScenarios: [String] = []
        for a in args {
            switch a.keyword {
            case "faults": oldFaults = items(a.value).map(old.text(of:))
            case "scenarios": oldScenarios = items(a.value).map(old.text(of:))
            default: break
            }
        }
        // Faults: the generator's, minus those the user took out, plus those the user added.
        var faults = model.matrixFaults.filter { name in
            let removed = oldGenerated.contains(name) && !oldFaults.contains(name)
            if removed { notes.append("left \(name) out of the matrix, as in your version") }
            return !removed
        }
        for name in oldFaults where !faults.contains(name) && defined.contains(name) { faults.append(name) }
        for name in oldScenarios where !model.matrixScenarios.contains(name) && defined.contains(name) {
            model.matrixScenarios.append(name)
        }
        model.matrixFaults = faults
        let scenarios = Set(model.matrixScenarios)
        for a in args {
            guard let key = a.keyword, key != "faults", key != "scenarios" else { continue }
            switch key {
            case "overrides", "exclude":
                model.matrixExtras.append((key, filterPairs(a.value, old, scenarios, Set(faults), &notes)))
            default: model.matrixExtras.append((key, old.text(of: a.value)))
            }
        }
    }

    /// The elements of a list or tuple literal (a dict's entries as `key: value`).
    private static func items(_ e: Expr) -> [Expr] {
        switch e {
        case .list(_, let elems, _), .tuple(_, let elems, _): return elems
        case .paren(_, let inner, _): return items(inner)
        case .dict(_, let entries, _): return entries.map { .dictEntryExpr($0) }
        default: return []
        }
    }

    /// Keeps the `(scenario, fault)` entries of an overrides dict or exclude list whose
    /// pair is still in the matrix (the plan rejects any other), commenting out the rest.
    private static func filterPairs(_ value: Expr, _ old: CuratedFile, _ scenarios: Set<String>, _ faults: Set<String>,
                                    _ notes: inout [String]) -> String {
        let isDict: Bool
        switch value {
        case .dict: isDict = true
        case .list, .tuple: isDict = false
        default: return old.text(of: value)
        }
        var kept: [String] = []
        var dropped: [String] = []
        for entry in items(value) {
            let pairExpr: Expr
            if case .dictEntryExpr(let e) = entry { pairExpr = e.key } else { pairExpr = entry }
            let pair = items(pairExpr).map(old.text(of:))
            let line = "\(old.text(of: entry)),"
                + (old.trailingComment(after: entry.end).map { "  \($0)" } ?? "")
            if case .tuple = pairExpr, pair.count >= 2, !scenarios.contains(pair[0]) || !faults.contains(pair[1]) {
                notes.append("commented out the \(isDict ? "override" : "exclude") for (\(pair[0]), \(pair[1])): "
                    + "that pair is no longer in the matrix")
                dropped.append(line)
            } else {
                kept.append(line)
            }
        }
        if dropped.isEmpty { return old.text(of: value) }
        let ind = StarlarkPrinter.indent
        var lines = [isDict ? "{" : "["]
        lines += kept.map { "\(ind)\(ind)\($0)" }
        for line in dropped {
            lines.append("\(ind)\(ind)# no longer in the matrix (faultbox generate):")
            lines += line.split(separator: "\n", omittingEmptySubsequences: false).map { "\(ind)\(ind)# \($0)" }
        }
        lines.append(ind + (isDict ? "}" : "]"))
        return lines.joined(separator: "\n")
    }
}
