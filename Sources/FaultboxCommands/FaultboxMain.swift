import ArgumentParser
import Runner
#if canImport(Glibc)
import Glibc
#endif

/// The `faultbox` command line. Each subcommand lives in its own file.
public struct FaultboxCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "faultbox",
        abstract: "Fault-injection testing for multi-service systems.",
        version: VersionCommand.line,
        subcommands: [EvalCommand.self, CompileCommand.self, TestCommand.self,
                      GenerateCommand.self, RunCommand.self, InitCommand.self, DiffCommand.self,
                      VersionCommand.self])
    public init() {}
}

/// Exit statuses shared by every subcommand.
public enum ExitStatus {
    public static let ok: Int32 = 0
    /// A spec, usage or flag error.
    public static let usage: Int32 = 1
    /// A test failed.
    public static let testFailed: Int32 = 2
    /// Interrupted by Ctrl-C.
    public static let interrupted: Int32 = 130
}

/// Thrown by a subcommand to exit with a specific status after printing its own messages.
public struct ExitWith: Error {
    public let status: Int32
    public init(_ status: Int32) { self.status = status }
}

public enum FaultboxMain {
    /// Parses the arguments and runs the subcommand. Usage errors exit 1 (not
    /// ArgumentParser's 64) so that scripts see one status for "you asked wrongly".
    public static func main(_ arguments: [String]? = nil) -> Never {
        let given = arguments ?? Array(CommandLine.arguments.dropFirst())
        // `--jobs` workers (CellWorker): internal, not a subcommand users see.
        if given.first == "__cell" { exit(CellWorker.main(Array(given.dropFirst()))) }
        let names = FaultboxCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        // "Unexpected argument 'tset'" does not say that a subcommand was expected.
        if let first = given.first, !first.hasPrefix("-"), first != "help", !names.contains(first) {
            if let refused = ReferenceCLI.commandRefusal(first) {
                FileHandleStderr.write(refused + "\n")
                exit(ExitStatus.usage)
            }
            FileHandleStderr.write("faultbox: unknown subcommand '\(first)'; expected one of: "
                + "\(names.joined(separator: ", ")) (faultbox --help lists them)\n")
            exit(ExitStatus.usage)
        }
        // A flag of the reference tool that the subcommand does not declare: say so plainly.
        if let refused = ReferenceCLI.flagRefusal(given, declares: ReferenceCLI.declared) {
            FileHandleStderr.write(refused + "\n")
            exit(ExitStatus.usage)
        }
        do {
            var command = try FaultboxCommand.parseAsRoot(arguments)
            try command.run()
            exit(ExitStatus.ok)
        } catch let e as ExitWith {
            exit(e.status)
        } catch {
            let code = FaultboxCommand.exitCode(for: error)
            if code == .success {
                FaultboxCommand.exit(withError: error)  // --help, --version
            }
            let message = FaultboxCommand.fullMessage(for: error)
            FileHandleStderr.write("faultbox: " + message + "\n")
            exit(ExitStatus.usage)
        }
    }
}

enum FileHandleStderr {
    static func write(_ s: String) {
        var bytes = Array(s.utf8)
        _ = bytes.withUnsafeMutableBytes { fputs_bytes($0) }
    }
    private static func fputs_bytes(_ buf: UnsafeMutableRawBufferPointer) -> Int {
        Glibc.write(2, buf.baseAddress, buf.count)
    }
}
