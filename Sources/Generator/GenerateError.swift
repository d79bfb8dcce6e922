/// A problem that stops `faultbox generate`: what is wrong, where (a file or a flag), and
/// how to fix it. Printed as one paragraph; the command exits 1.
public struct GenerateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var fix: String?

    public init(_ message: String, fix: String? = nil) {
        self.message = message
        self.fix = fix
    }

    public var description: String {
        guard let fix else { return message }
        return message + "\n  fix: " + fix
    }
}
