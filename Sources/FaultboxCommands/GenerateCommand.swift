import ArgumentParser

/// `faultbox generate` (stub; its owner replaces this file).
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Not built yet.")
    @Argument(parsing: .captureForPassthrough) var rest: [String] = []
    func run() throws {
        FileHandleStderr.write("faultbox generate: not built yet\n")
        throw ExitWith(ExitStatus.usage)
    }
}
