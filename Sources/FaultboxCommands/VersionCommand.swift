import ArgumentParser
import FaultboxVersion

/// `faultbox version`: the same line as `faultbox --version`, for those who type it as a word.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the faultbox version (the same as faultbox --version).")

    /// `faultbox 0.1.0`, the line both spellings print.
    static var line: String { "faultbox " + FaultboxVersion.current }

    func run() throws {
        print(Self.line)
    }
}
