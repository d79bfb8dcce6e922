import ArgumentParser

/// `faultbox test` (stub; its owner replaces this file).
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Not built yet.")
    @Argument(parsing: .captureForPassthrough) var rest: [String] = []
    func run() throws {
        FileHandleStderr.write("faultbox test: not built yet\n")
        throw ExitWith(ExitStatus.usage)
    }
}
