/// Finds, in a spec's source text, the top-level names the generated file must load:
/// the variable a `service(...)` call is assigned to, and whether a scenario function is
/// a top-level `def`. Used when the plan does not record them; reading the text the user
/// wrote is exact for the common forms (`db = service("db", ...)`), and anything else
/// yields nil, which the generator turns into a message saying how to bind the service.
public enum SourceBindings {
    /// The variable bound to the `service(...)` call at `line` (1-based), looking at that
    /// line and the two above it (a call may be positioned at its arguments), then, as a
    /// fallback, at any top-level `NAME = service("<serviceName>"` in the file.
    public static func serviceVariable(in text: String, line: Int, serviceName: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if line >= 1 && line <= lines.count {
            for l in stride(from: line - 1, through: max(0, line - 3), by: -1) {
                if let name = assignedServiceCall(lines[l]) { return name }
            }
        }
        let quoted = ["\"\(serviceName)\"", "'\(serviceName)'"]
        let matches = lines.compactMap { l -> String? in
            guard let name = assignedServiceCall(l) else { return nil }
            let rest = l.drop { $0 != "(" }.dropFirst().drop { $0 == " " }
            return quoted.contains { rest.hasPrefix($0) } ? name : nil
        }
        return matches.count == 1 ? matches[0] : nil
    }

    /// `NAME = service(` at column 0 -> NAME.
    static func assignedServiceCall(_ line: String) -> String? {
        let name = line.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard let first = name.first, !first.isNumber else { return nil }
        var rest = line.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
        guard rest.hasPrefix("="), !rest.hasPrefix("==") else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        guard rest.hasPrefix("service") else { return nil }
        rest = rest.dropFirst("service".count).drop { $0 == " " || $0 == "\t" }
        return rest.hasPrefix("(") ? String(name) : nil
    }

    /// True when `text` has `def <name>(` at column 0 (a top-level function that a
    /// `load()` can import).
    public static func definesTopLevelFunction(_ name: String, in text: String) -> Bool {
        text.split(separator: "\n", omittingEmptySubsequences: false).contains { l in
            guard l.hasPrefix("def ") else { return false }
            let rest = l.dropFirst(4).drop { $0 == " " }
            return rest.hasPrefix(name) && rest.dropFirst(name.count).drop { $0 == " " }.hasPrefix("(")
        }
    }
}
