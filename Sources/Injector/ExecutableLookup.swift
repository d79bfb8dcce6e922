import Foundation

/// Resolves a LaunchSpec's executable before fork, so that "not found" and "not executable"
/// come back as clear errors instead of a child's exit status.
enum ExecutableLookup {
    static func resolve(_ spec: LaunchSpec) throws -> String {
        let name = spec.executable
        func fail(_ reason: String) -> InjectorError { .launchFailed(service: spec.service, reason: reason) }
        guard !name.isEmpty else { throw fail("empty executable name") }
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : FileManager.default.currentDirectoryPath + "/" + name
            try check(path, original: name, fail: fail)
            return path
        }
        let searchPath = spec.environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = String(directory) + (directory.hasSuffix("/") ? "" : "/") + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               access(candidate, X_OK) == 0 {
                return candidate.hasPrefix("/") ? candidate : FileManager.default.currentDirectoryPath + "/" + candidate
            }
        }
        throw fail("binary '\(name)' not found in PATH (\(searchPath)); give a path or install it")
    }

    private static func check(_ path: String, original: String, fail: (String) -> InjectorError) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("binary '\(original)' does not exist (looked at \(path))")
        }
        if isDirectory.boolValue { throw fail("'\(original)' is a directory, not a program") }
        if access(path, X_OK) != 0 { throw fail("'\(original)' is not executable (chmod +x \(original))") }
    }
}
