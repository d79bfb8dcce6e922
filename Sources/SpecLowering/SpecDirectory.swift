import StarlarkVM

/// The directory relative spec paths are read from (`SpecOptions.workingDirectory`), kept in
/// the thread so that builtins that read files (`load_file`, `load_yaml`, `load_json`) find
/// them at spec load and inside tests alike. File names in call frames are as the loader
/// wrote them (relative to this directory unless absolute).
public enum SpecDirectorySlot {
    static let key = "faultbox.specdir"
    final class Box { let path: String; init(_ path: String) { self.path = path } }

    public static func install(_ directory: String, on thread: StarThread) { thread.local[key] = Box(directory) }

    static func directory(_ thread: StarThread) -> String {
        (thread.local[key] as? Box)?.path ?? SpecOptions.currentDirectory()
    }

    /// The folder of the spec file whose code is running (the innermost Starlark frame),
    /// as written (`specs`, `.`, or absolute) and as an absolute path.
    static func callerFolder(_ thread: StarThread) -> (written: String, absolute: String) {
        let base = directory(thread)
        let file = thread.callStack().last?.location.file ?? "."
        let written = ModuleLoader.directory(of: file)
        let absolute = written.hasPrefix("/") ? written : ModuleLoader.join(base, written)
        return (written, ModuleLoader.normalize(absolute))
    }
}
