import DidYouMean
import Durations
import StarlarkSyntax

/// Services: names, interfaces, ports, healthchecks, dependencies and start order.
extension PlanBuilder {
    mutating func buildServices() -> [Service] {
        var firstByName: [String: SourcePosition] = [:]
        var portOwner: [Int: (String, SourcePosition)] = [:]
        var services: [Service] = []
        for decl in declarations.services {
            if let first = firstByName[decl.name] {
                error(decl.position, "duplicate service name \"\(decl.name)\" (first declared at \(first))",
                      fix: "give each service a unique name")
                continue
            }
            firstByName[decl.name] = decl.position
            var interfaces: [Interface] = []
            for i in decl.interfaces {
                // "https" is HTTP over TLS: the http kind with default TLS settings.
                guard let kind = i.proto == "https" ? .http : Interface.Kind(rawValue: i.proto) else {
                    error(i.position, "interface \"\(i.name)\" of service \"\(decl.name)\": unknown protocol \"\(i.proto)\""
                          + ReferenceProtocols.note(i.proto),
                          fix: "use \"tcp\", \"http\" or \"https\"" + Spelling.hint(i.proto, among: ["tcp", "http", "https"]))
                    continue
                }
                if kind == .tcp, i.tls != nil {
                    error(i.position, "interface \"\(i.name)\" of service \"\(decl.name)\": tls= is offered on http interfaces only "
                          + "(a tcp send over TLS is not supported yet)",
                          fix: "drop tls=, or declare the interface as \"https\" if the service speaks HTTP over TLS")
                    continue
                }
                guard i.port >= 1 && i.port <= 65535 else {
                    error(i.position, "interface \"\(i.name)\" of service \"\(decl.name)\": port \(i.port) is outside 1..65535",
                          fix: "use a TCP port number between 1 and 65535")
                    continue
                }
                if interfaces.contains(where: { $0.name == i.name }) {
                    error(i.position, "service \"\(decl.name)\" has two interfaces named \"\(i.name)\"",
                          fix: "give each interface of a service a unique name")
                    continue
                }
                let port = Int(i.port)
                let label = "\(decl.name).\(i.name)"
                if let (owner, pos) = portOwner[port] {
                    error(i.position, "port \(port) of \(label) is already used by \(owner) (\(pos))",
                          fix: "give each interface its own port")
                } else {
                    portOwner[port] = (label, i.position)
                }
                let tls = i.tls ?? (i.proto == "https" ? TLSSettings() : nil)
                interfaces.append(Interface(name: i.name, proto: kind, port: port, position: i.position, tls: tls))
            }
            let healthcheck = decl.healthcheck.flatMap { buildHealthCheck($0, service: decl.name, interfaces: interfaces) }
            services.append(Service(
                name: decl.name, binary: decl.binary,
                executable: BinaryResolution.resolve(decl.binary, options: options),
                args: decl.args, env: decl.env, interfaces: interfaces, healthcheck: healthcheck,
                dependsOn: decl.dependsOn.map(\.name), position: decl.position,
                variable: decl.variable, definedIn: decl.definedIn, ops: buildOps(decl)))
            services[services.count - 1].observe = decl.observe
        }
        checkDependencies(services)
        return addGeneratedEnv(services)
    }

    mutating func buildHealthCheck(_ decl: HealthCheckDecl, service: String, interfaces: [Interface] = []) -> HealthCheck? {
        var timeout = PlanDuration(nanoseconds: 10_000_000_000, text: decl.timeout)
        var good = true
        let what = decl.kind == .function ? "healthcheck_timeout of service \"\(service)\"" : "timeout of \(decl.kind.rawValue)()"
        switch GoDuration.parse(decl.timeout) {
        case .success(let ns) where ns == 0:
            error(decl.position(of: decl.kind == .function ? "healthcheck_timeout" : "timeout"),
                  "\(what) is 0: the healthcheck could never pass", fix: "give the service time to start, e.g. \"10s\"")
            good = false
        case .success(let ns): timeout.nanoseconds = ns
        case .failure(let e):
            error(decl.position(of: decl.kind == .function ? "healthcheck_timeout" : "timeout"),
                  "malformed duration \"\(decl.timeout)\" for \(what): \(e.reason)",
                  fix: "write a positive Go duration such as \"500ms\", \"10s\" or \"1m30s\"")
            good = false
        }
        if decl.kind == .function {
            var check = HealthCheck(kind: .function, host: "", port: 0, path: "", timeout: timeout, position: decl.position)
            check.function = decl.function
            return good ? check : nil
        }
        var text = Substring(decl.target)
        var scheme: String?
        if decl.kind == .http {
            for prefix in ["http://", "https://"] where text.hasPrefix(prefix) {
                scheme = String(prefix.dropLast(3))
                text = text.dropFirst(prefix.count)
            }
        }
        let hostPort = text.prefix { $0 != "/" }
        let path = String(text.dropFirst(hostPort.count))
        let example = decl.kind == .tcp ? "\"localhost:5432\"" : "\"localhost:8080/health\""
        guard let colon = hostPort.lastIndex(of: ":"), !hostPort[..<colon].isEmpty,
              let port = Int(hostPort[hostPort.index(after: colon)...]), port >= 1, port <= 65535 else {
            error(decl.position, "healthcheck of service \"\(service)\": \"\(decl.target)\" is not "
                + "host:port\(decl.kind == .http ? "/path" : "")",
                  fix: "write the address as \(example)")
            return nil
        }
        if decl.kind == .tcp && !path.isEmpty {
            error(decl.position, "tcp healthcheck of service \"\(service)\" has a path \"\(path)\"",
                  fix: "use http(\"\(decl.target)\") for an HTTP check, or drop the path")
            return nil
        }
        var check = HealthCheck(kind: decl.kind, host: String(hostPort[..<colon]), port: port,
                                path: decl.kind == .http ? (path.isEmpty ? "/" : path) : "",
                                timeout: timeout, position: decl.position)
        if decl.kind == .http {
            // https:// or tls= means TLS; no scheme follows the interface on that port, so
            // http("localhost:8443/health") on an https interface needs nothing more.
            let probed = interfaces.first { $0.port == port }?.tls
            switch scheme {
            case "http"? where decl.tls != nil:
                error(decl.position(of: "tls"), "healthcheck of service \"\(service)\": tls= with an http:// URL",
                      fix: "write the URL as https://\(decl.target.dropFirst(7)), or drop tls=")
                good = false
            case "http"?: check.tls = nil
            case "https"?: check.tls = decl.tls ?? probed ?? TLSSettings()
            default: check.tls = decl.tls ?? probed
            }
        }
        return buildHealthMatch(decl, service: service, into: &check) && good ? check : nil
    }

    /// send/expect/expect_regex (tcp), status/body (http): checked here, at load.
    private mutating func buildHealthMatch(_ decl: HealthCheckDecl, service: String, into check: inout HealthCheck) -> Bool {
        var good = true
        let owner = "healthcheck of service \"\(service)\""
        if decl.expect != nil && decl.expectRegex != nil {
            error(decl.position(of: "expect_regex"), "\(owner) gives both expect= and expect_regex=",
                  fix: "keep one: expect= for the whole reply line, expect_regex= for a pattern (\"^\\\\+PONG\" for a prefix)")
            good = false
        }
        if let send = decl.send {
            if send.isEmpty || send.contains("\n") || send.contains("\r") {
                error(decl.position(of: "send"), "\(owner): send=\(StarlarkQuote.quoted(send)) must be one non-empty line",
                      fix: "send one command without line breaks, e.g. send=\"PING\" (faultbox adds the newline)")
                good = false
            }
            check.send = send
        } else if decl.expect != nil || decl.expectRegex != nil {
            let keyword = decl.expect != nil ? "expect" : "expect_regex"
            error(decl.position(of: keyword), "\(owner): \(keyword)= needs send= (a reply comes only after a request)",
                  fix: "add the command that gets the reply, e.g. send=\"PING\", expect=\"+PONG\"")
            good = false
        }
        if let e = decl.expect { check.expect = .equals(e) }
        if let r = decl.expectRegex {
            if let problem = ReplyMatch.regexProblem(r) {
                error(decl.position(of: "expect_regex"), "\(owner): expect_regex=\(StarlarkQuote.quoted(r)) is not a "
                    + "regular expression: \(problem)",
                      fix: "fix the pattern (Swift Regex syntax; escape a literal + as \"\\\\+\"), or use expect= for an exact line")
                good = false
            }
            check.expect = .regex(r)
        }
        if let status = decl.status {
            if status < 100 || status > 599 {
                error(decl.position(of: "status"), "\(owner): status=\(status) is not an HTTP status",
                      fix: "use a status from 100 to 599, e.g. status=200; leave it out to accept any of 200-399")
                good = false
            } else {
                check.status = Int(status)
            }
        }
        check.body = decl.body
        return good
    }

    mutating func checkDependencies(_ services: [Service]) {
        let names = services.map(\.name)
        for decl in declarations.services {
            for dep in decl.dependsOn where !names.contains(dep.name) {
                error(dep.position, "depends_on of service \"\(decl.name)\" names unknown service \"\(dep.name)\"",
                      fix: (Spelling.suggest(dep.name, among: names).map { "did you mean \"\($0)\"? " } ?? "")
                        + "declared services: " + names.joined(separator: ", "))
            }
            if decl.dependsOn.contains(where: { $0.name == decl.name }),
               let me = decl.dependsOn.first(where: { $0.name == decl.name }) {
                error(me.position, "dependency cycle: \(decl.name) -> \(decl.name)",
                      fix: "a service cannot depend on itself; remove it from its depends_on")
            }
        }
        // Cycles longer than one: depth-first search in declaration order, reported once each.
        var state: [String: Int] = [:]   // 1 = on the stack, 2 = done
        var reported = Set<String>()
        let byName = Dictionary(services.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for s in services where state[s.name] == nil {
            // Iterative DFS (a spec's dependency chain is user input: no recursion).
            var stack: [(String, Int)] = [(s.name, 0)]
            var path: [String] = [s.name]
            state[s.name] = 1
            while let (name, next) = stack.last {
                let deps = byName[name]?.dependsOn ?? []
                if next >= deps.count {
                    stack.removeLast(); path.removeLast(); state[name] = 2
                    continue
                }
                stack[stack.count - 1].1 = next + 1
                let dep = deps[next]
                guard byName[dep] != nil, dep != name else { continue }
                if state[dep] == 1 {
                    let start = path.firstIndex(of: dep) ?? 0
                    let cycle = Array(path[start...]) + [dep]
                    let key = cycle.dropLast().sorted().joined(separator: ",")
                    if reported.insert(key).inserted, let svc = byName[name] {
                        let at = declarations.services.first { $0.name == name }?
                            .dependsOn.first { $0.name == dep }?.position ?? svc.position
                        error(at, "dependency cycle: " + cycle.joined(separator: " -> "),
                              fix: "remove one of these depends_on entries so the services can start in order")
                    }
                } else if state[dep] == nil {
                    state[dep] = 1
                    stack.append((dep, 0)); path.append(dep)
                }
            }
        }
    }

    /// Dependencies first; among services that are ready to start, declaration order.
    func computeStartOrder(_ services: [Service]) -> [String] {
        var started: [String] = []
        var done = Set<String>()
        let known = Set(services.map(\.name))
        var remaining = services
        while !remaining.isEmpty {
            let index = remaining.firstIndex { s in
                s.dependsOn.allSatisfy { done.contains($0) || !known.contains($0) || $0 == s.name }
            } ?? 0   // a cycle (already reported): break it in declaration order
            let s = remaining.remove(at: index)
            started.append(s.name); done.insert(s.name)
        }
        return started
    }

    /// Every service learns every interface's address: FAULTBOX_<SVC>_<IFACE>_{HOST,PORT,ADDR}.
    func addGeneratedEnv(_ services: [Service]) -> [Service] {
        var generated: [EnvVar] = []
        for s in services {
            for i in s.interfaces {
                let prefix = "FAULTBOX_\(Self.envName(s.name))_\(Self.envName(i.name))_"
                generated.append(EnvVar(key: prefix + "HOST", value: i.host, generated: true))
                generated.append(EnvVar(key: prefix + "PORT", value: String(i.port), generated: true))
                generated.append(EnvVar(key: prefix + "ADDR", value: i.address, generated: true))
            }
        }
        return services.map { s in
            var s = s
            let userKeys = Set(s.env.map(\.key))
            s.env += generated.filter { !userKeys.contains($0.key) }
            return s
        }
    }

    /// Upper case, anything but letters and digits becomes `_`.
    static func envName(_ name: String) -> String {
        String(name.uppercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
    }
}
