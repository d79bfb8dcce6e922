/// The header comment of a generated file. It starts with the seed's first line and
/// records fingerprints: one of the whole file (to refuse overwriting a hand-edited
/// file) and one per generated definition (to tell, when carrying a curated file over,
/// which definitions the user changed and which are the generator's own).
enum GeneratedHeader {
    static let hashPrefix = "# faultbox-generate: sha256="
    static let defsPrefix = "# faultbox-defs:"

    /// The complete file text for a model.
    static func render(_ m: FileModel) -> String {
        var lines = [
            "# \(m.fileName) (generated)",
            "# Proposed by `faultbox generate` from \(m.specDisplayName): review it, then add overrides,",
            "# exclude or default_expect to fault_matrix. Regenerating will not overwrite an edited",
            "# file unless --force, which carries your additions over and keeps the old file as .bak.",
        ]
        lines += defsLines(m.generatedDefinitions)
        let unhashed = lines.joined(separator: "\n") + "\n\n" + StarlarkPrinter.body(m)
        let hash = SHA256.hex(unhashed)
        var withHash = lines
        withHash.insert(hashPrefix + hash, at: 4)
        return withHash.joined(separator: "\n") + "\n\n" + StarlarkPrinter.body(m)
    }

    /// `# faultbox-defs: db_down=1a2b3c4d ...`, wrapped so no line passes 100 columns.
    private static func defsLines(_ defs: [FileModel.Definition]) -> [String] {
        var lines: [String] = []
        var current = defsPrefix
        for d in defs {
            let item = " \(d.name)=\(shortHash(d.generated))"
            if current.utf8.count + item.utf8.count > 100, current != defsPrefix {
                lines.append(current)
                current = defsPrefix
            }
            current += item
        }
        lines.append(current)
        return lines
    }

    static func shortHash(_ text: String) -> String { String(SHA256.hex(text).prefix(8)) }

    /// What the header of a file on disk says about it.
    struct Parsed: Sendable, Equatable {
        /// The file is byte for byte what the generator wrote.
        var unedited: Bool
        /// Generated definitions and their fingerprints, in order.
        var definitions: [(name: String, hash: String)]

        static func == (a: Parsed, b: Parsed) -> Bool {
            a.unedited == b.unedited && a.definitions.map(\.name) == b.definitions.map(\.name)
                && a.definitions.map(\.hash) == b.definitions.map(\.hash)
        }
    }

    /// Nil when the text has no generator header (a hand-written file, or a header the
    /// user removed): such a file is treated as entirely the user's.
    static func parse(_ text: String) -> Parsed? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let hashIndex = lines.prefix(while: { $0.hasPrefix("#") })
            .firstIndex(where: { $0.hasPrefix(hashPrefix) }) else { return nil }
        let recorded = String(lines[hashIndex].dropFirst(hashPrefix.utf8.count))
        lines.remove(at: hashIndex)
        let unedited = SHA256.hex(lines.joined(separator: "\n")) == recorded
        var defs: [(String, String)] = []
        for line in lines.prefix(while: { $0.hasPrefix("#") }) where line.hasPrefix(defsPrefix) {
            for item in line.dropFirst(defsPrefix.utf8.count).split(separator: " ") {
                let parts = item.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { defs.append((String(parts[0]), String(parts[1]))) }
            }
        }
        return Parsed(unedited: unedited, definitions: defs)
    }
}
