import Foundation

/// `faultbox test` from parsed options to exit status: load the spec, select the tests,
/// run each one (services, faults, scenario, oracle, teardown), print and write reports.
public enum TestRun {
    public enum Format: Sendable { case text, json }

    /// The output side of the command line.
    public struct Request: Sendable {
        public var junitPath: String?
        public var format: Format
        /// Whether `--format` was given explicitly (`--output` alone writes JSON).
        public var formatGiven: Bool
        public var outputPath: String?
        public var dryRun: Bool
        public init(junitPath: String?, format: Format, formatGiven: Bool, outputPath: String?, dryRun: Bool) {
            self.junitPath = junitPath; self.format = format; self.formatGiven = formatGiven
            self.outputPath = outputPath; self.dryRun = dryRun
        }
    }

    /// Runs everything and returns the exit status (0 passed, 1 usage/spec error, 2 a
    /// test failed, 130 interrupted).
    public static func main(options: RunOptions, request: Request) -> Int32 {
        FileHandle.standardError.write(Data("faultbox test: spec loading is not wired yet\n".utf8))
        return 1
    }
}
