#if canImport(Glibc)
import Glibc
#endif
import FaultPlan

/// Checks made once before the first test, for what would otherwise fail every test of a
/// matrix in turn with the same message: a missing or non-executable binary, a port that
/// another process holds. One error per service, at the `service(...)` call or the
/// interface, and the run does not start (exit 1).
enum Preflight {
    /// Ports of the spec's interfaces that something is listening on already (a service
    /// left over from another run, a local database). Each cell checks again, since a port
    /// can be taken between cells.
    static func busyPorts(_ plan: FaultPlan) -> [PlanError] {
        let listening = PortCheck.listeners()
        var errors: [PlanError] = []
        for service in plan.services {
            for interface in service.interfaces where listening[interface.port] != nil {
                let who = PortCheck.owner(of: interface.port).map { " by \($0)" } ?? " by another process"
                errors.append(PlanError(interface.position,
                    "port \(interface.port) (\(service.name).\(interface.name)) is already in use\(who)",
                    fix: "stop that process, or change the interface's port in the spec"))
            }
        }
        return errors
    }

    static func binaryProblems(_ plan: FaultPlan, workingDirectory: String) -> [PlanError] {
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
                                 fix: "build it, or fix the path; a relative path is read from the folder faultbox "
                                     + "runs in (\(workingDirectory))")
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
