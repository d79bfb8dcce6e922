import Foundation

/// Runs a program to its end and returns its exit status and what it wrote: standard
/// output, with standard error mixed in unless `stderrToo` is false (it then goes where
/// the test's own stderr goes). For the tools tests drive: curl, the fuzz replayers, the
/// browser check.
public func runProgram(_ executable: String, _ arguments: [String], directory: String? = nil,
                       environment: [String: String]? = nil, stderrToo: Bool = true) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    if stderrToo { process.standardError = pipe }
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
