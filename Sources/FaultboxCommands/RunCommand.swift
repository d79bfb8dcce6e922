import ArgumentParser

/// `faultbox run` (stub; its owner replaces this file).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Not built yet.")
    @Argument(parsing: .captureForPassthrough) var rest: [String] = []
    func run() throws {
        FileHandleStderr.write("faultbox run: not built yet\n")
        throw ExitWith(ExitStatus.usage)
    }
}
