import FaultPlan

/// What the generator needs to know about a spec: the topology and the registered
/// scenarios, with the names the spec's own code uses for them. It is filled from the
/// fault plan in `PlanMapping.swift` (the only file that knows the IR), so the analysis
/// and the printer can be tested from plain values.
public struct GeneratorInput: Sendable, Equatable {
    /// Absolute path of the spec file the user passed to `faultbox generate`.
    public var specPath: String
    /// Services in declaration order.
    public var services: [ServiceInfo]
    /// Registered `scenario(fn)` probes in registration order.
    public var scenarios: [ScenarioInfo]

    public init(specPath: String, services: [ServiceInfo], scenarios: [ScenarioInfo]) {
        self.specPath = specPath
        self.services = services
        self.scenarios = scenarios
    }
}

public struct ServiceInfo: Sendable, Equatable {
    /// The name given to `service(name, ...)`; used in messages and `--service`.
    public var name: String
    /// The top-level variable the service is bound to in `definedIn` (e.g. `db`), which
    /// is what generated code loads and refers to. Nil when the service is not bound to
    /// a top-level variable (the generator then explains how to fix the spec).
    public var variable: String?
    /// Absolute path of the file whose top level binds `variable`.
    public var definedIn: String
    public var location: SourcePosition
    public var interfaces: [InterfaceInfo]
    /// Names of the services listed in `depends_on`, in the order written.
    public var dependsOn: [String]
    /// Environment entries in the order written, values as resolved strings
    /// (`db.main.addr` arrives as `"localhost:5432"`).
    public var env: [EnvEntry]
    /// Named operations (`ops = {...}`): name -> concrete syscalls, in the order written.
    /// Carried for the analysis; the generator does not write op faults (yet).
    public var ops: [OpInfo]

    public init(name: String, variable: String?, definedIn: String, location: SourcePosition,
                interfaces: [InterfaceInfo], dependsOn: [String], env: [EnvEntry], ops: [OpInfo] = []) {
        self.ops = ops
        self.name = name
        self.variable = variable
        self.definedIn = definedIn
        self.location = location
        self.interfaces = interfaces
        self.dependsOn = dependsOn
        self.env = env
    }
}

public struct OpInfo: Sendable, Equatable {
    public var name: String
    public var syscalls: [String]
    public var pathGlob: String?
    public init(name: String, syscalls: [String], pathGlob: String?) {
        self.name = name
        self.syscalls = syscalls
        self.pathGlob = pathGlob
    }
}

public struct InterfaceInfo: Sendable, Equatable {
    public var name: String
    public var proto: String
    public var host: String
    public var port: Int

    public init(name: String, proto: String, host: String = "localhost", port: Int) {
        self.name = name
        self.proto = proto
        self.host = host
        self.port = port
    }
}

public struct EnvEntry: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

public struct ScenarioInfo: Sendable, Equatable {
    /// The probe function's name (`order_flow`), also its top-level name in `definedIn`.
    public var function: String
    /// Absolute path of the file that defines the function.
    public var definedIn: String
    public var location: SourcePosition

    public init(function: String, definedIn: String, location: SourcePosition) {
        self.function = function
        self.definedIn = definedIn
        self.location = location
    }
}
