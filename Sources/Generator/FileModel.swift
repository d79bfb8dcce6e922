/// The content of one generated file, as parts the printer lays out in the seed's order.
/// Both fresh generation and carry-over (which splices in parts of the previous file)
/// build one of these, so there is a single place that decides the layout.
struct FileModel: Sendable, Equatable {
    /// A top-level definition the generator owns (an assumption or a partition test):
    /// its name and its full statement text, without a trailing newline.
    struct Definition: Sendable, Equatable {
        var name: String
        /// What is printed: the generator's text, or the user's edit of it.
        var text: String
        /// The generator's own text, whose fingerprint the header records even when
        /// `text` is the user's, so that the edit is still recognised as one next time.
        var generated: String

        init(name: String, text: String) {
            self.name = name
            self.text = text
            self.generated = text
        }
    }

    /// `load("<module>", <items>)`; items are printed as given (`"api"` or `x = "y"`).
    struct Load: Sendable, Equatable {
        var module: String
        var items: [String]
    }

    var fileName: String
    var specDisplayName: String
    var loads: [Load]
    var networkAssumptions: [Definition]
    var diskAssumptions: [Definition]
    /// Statements the user wrote in the previous version (with their leading comments).
    var carried: [String] = []
    var matrixScenarios: [String]
    var matrixFaults: [String]
    /// Other `fault_matrix` keywords carried over verbatim: (keyword, value source text).
    var matrixExtras: [(String, String)] = []
    var partitions: [Definition]

    var generatedDefinitions: [Definition] { networkAssumptions + diskAssumptions + partitions }

    static func == (a: FileModel, b: FileModel) -> Bool {
        a.fileName == b.fileName && a.specDisplayName == b.specDisplayName && a.loads == b.loads
            && a.networkAssumptions == b.networkAssumptions && a.diskAssumptions == b.diskAssumptions
            && a.carried == b.carried && a.matrixScenarios == b.matrixScenarios
            && a.matrixFaults == b.matrixFaults && a.partitions == b.partitions
            && a.matrixExtras.map(\.0) == b.matrixExtras.map(\.0)
            && a.matrixExtras.map(\.1) == b.matrixExtras.map(\.1)
    }
}

/// The generated text: header plus body, and the fingerprints the header records.
public struct GeneratedFile: Sendable, Equatable {
    /// `order_flow.faults.star`.
    public var fileName: String
    /// Absolute path the file is (or would be) written to.
    public var path: String
    /// The scenario it exercises.
    public var scenario: String
    /// Header and body, the exact bytes to write.
    public var text: String
    /// The parts `text` was printed from, for carrying a curated file over.
    var model: FileModel
}
