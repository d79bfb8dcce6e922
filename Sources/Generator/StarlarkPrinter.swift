import StarlarkSyntax

/// Prints a `FileModel` as Starlark in the seed's layout: four-space indentation, one
/// blank line between definitions and around section comments, keyword arguments
/// written `name = value` as in the seed, a trailing comma on every argument line.
enum StarlarkPrinter {
    static let indent = "    "
    /// A `faults = [...]` line longer than this is broken one fault per line.
    static let maxLineWidth = 100

    static func assumption(_ a: GeneratedAssumption, targetVariable: String) -> FileModel.Definition {
        let action: String
        switch a.fault.action {
        case .deny(let errno): action = "deny(\(StarlarkQuote.quoted(errno)))"
        case .delay(let duration): action = "delay(\(StarlarkQuote.quoted(duration)))"
        }
        let text = """
            \(a.name) = fault_assumption(\(StarlarkQuote.quoted(a.name)),
            \(indent)target = \(targetVariable),
            \(indent)\(a.fault.syscall) = \(action),
            )
            """
        return FileModel.Definition(name: a.name, text: text)
    }

    static func partition(scenario: String, testName: String, consumer: String,
                          dependency: String) -> FileModel.Definition {
        let text = """
            def \(testName)():
            \(indent)\"\"\"\(scenario) with network partition between \(consumer) and \(dependency).\"\"\"
            \(indent)partition(\(consumer), \(dependency), run=\(scenario))
            """
        return FileModel.Definition(name: testName, text: text)
    }

    /// The body: everything below the header. Sections with nothing in them are left out.
    static func body(_ m: FileModel) -> String {
        var blocks: [String] = []
        blocks.append(m.loads.map { l in
            "load(" + ([StarlarkQuote.quoted(l.module)] + l.items).joined(separator: ", ") + ")"
        }.joined(separator: "\n"))

        if !m.networkAssumptions.isEmpty || !m.diskAssumptions.isEmpty {
            blocks.append("# --- Fault Assumptions ---")
            if !m.networkAssumptions.isEmpty {
                blocks.append("# network faults\n" + m.networkAssumptions.map(\.text).joined(separator: "\n\n"))
            }
            if !m.diskAssumptions.isEmpty {
                blocks.append("# disk faults\n" + m.diskAssumptions.map(\.text).joined(separator: "\n\n"))
            }
        }
        if !m.carried.isEmpty {
            blocks.append(carriedHeading)
            blocks.append(contentsOf: m.carried)
        }
        if !m.matrixFaults.isEmpty {
            blocks.append("# --- Fault Matrix ---")
            blocks.append(matrix(m))
        }
        if !m.partitions.isEmpty {
            blocks.append("# --- Network Partitions ---")
            blocks.append(m.partitions.map(\.text).joined(separator: "\n\n"))
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    static let carriedHeading = "# --- Your definitions (carried over by faultbox generate) ---"

    private static func matrix(_ m: FileModel) -> String {
        var lines = ["fault_matrix("]
        lines.append(list("scenarios", m.matrixScenarios))
        lines.append(list("faults", m.matrixFaults))
        for (key, value) in m.matrixExtras { lines.append("\(indent)\(key) = \(value),") }
        lines.append(")")
        return lines.joined(separator: "\n")
    }

    private static func list(_ key: String, _ items: [String]) -> String {
        let oneLine = "\(indent)\(key) = [\(items.joined(separator: ", "))],"
        if oneLine.utf8.count <= maxLineWidth { return oneLine }
        return (["\(indent)\(key) = ["] + items.map { "\(indent)\(indent)\($0)," } + ["\(indent)],"])
            .joined(separator: "\n")
    }

}
