import ArgumentParser

/// `faultbox compile` (stub; its owner replaces this file).
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compile", abstract: "Not built yet.")
    @Argument(parsing: .captureForPassthrough) var rest: [String] = []
    func run() throws {
        FileHandleStderr.write("faultbox compile: not built yet\n")
        throw ExitWith(ExitStatus.usage)
    }
}
