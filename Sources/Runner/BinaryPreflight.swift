#if canImport(Glibc)
import Glibc
#endif
import FaultPlan

/// Checks every service binary before the first test: a missing or non-executable binary
/// would otherwise fail each test of the matrix in turn with the same message. One error
/// per service, at the `service(...)` call, and the run does not start (exit 1).
enum BinaryPreflight {
    static func problems(_ plan: FaultPlan, workingDirectory: String) -> [PlanError] {
        plan.services.compactMap { service in
            let path = service.executable
            var st = stat()
            let what = "service \(service.name): binary \"\(service.binary)\""
            if !path.contains("/") {
                return PlanError(service.position, "\(what) is not on PATH",
                                 fix: "install it, add its folder to PATH, or give its path (e.g. \"bin/\(service.binary)\")")
            }
            guard stat(path, &st) == 0 else {
                return PlanError(service.position, "\(what) does not exist (looked at \(path))",
                                 fix: "build it, or fix the path; a relative path is read from the folder faultbox runs in (\(workingDirectory))")
            }
            if (st.st_mode & S_IFMT) != S_IFREG {
                return PlanError(service.position, "\(what) is not a file (\(path))", fix: "name the program file itself")
            }
            if access(path, X_OK) != 0 {
                return PlanError(service.position, "\(what) is not executable (\(path))", fix: "chmod +x \(path)")
            }
            return nil
        }
    }
}
