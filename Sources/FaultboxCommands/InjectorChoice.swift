import Injector

/// `--injector auto|notify|ptrace` of `run` and `test`: checked and resolved once, before
/// anything starts, so that `notify` on a kernel without it is a clear error up front and
/// an auto fallback is said in one line.
enum InjectorChoice {
    static func resolve(_ value: String, command: String, verbose: Bool) throws -> InjectorBackend {
        guard let requested = InjectorBackend(rawValue: value) else {
            FileHandleStderr.write("faultbox \(command): --injector \(value): expected auto, notify or ptrace\n")
            throw ExitWith(ExitStatus.usage)
        }
        do {
            let (backend, note) = try InjectorBackend.resolve(requested)
            if let note { FileHandleStderr.write(note + "\n") }
            if verbose { FileHandleStderr.write("faultbox: injector backend: \(backend.rawValue)\n") }
            return backend
        } catch {
            FileHandleStderr.write("faultbox \(command): \(error)\n")
            throw ExitWith(ExitStatus.usage)
        }
    }
}
