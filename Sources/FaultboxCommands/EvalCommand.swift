import ArgumentParser

/// `faultbox eval` (stub; its owner replaces this file).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Not built yet.")
    @Argument(parsing: .captureForPassthrough) var rest: [String] = []
    func run() throws {
        FileHandleStderr.write("faultbox eval: not built yet\n")
        throw ExitWith(ExitStatus.usage)
    }
}
