#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SpecLowering
import enum StarlarkSyntax.StarlarkQuote
import StarlarkVM

/// `faultbox init [--name N] [--port P] [--protocol http|tcp] [--output F] [--force] BINARY`:
/// writes a starter spec for one service: the service with one interface and a matching
/// healthcheck, and a `scenario()` happy path that calls it. The spec is loaded before it is
/// written, so `faultbox compile` accepts what `init` writes.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter spec for one service binary.",
        discussion: """
            Defaults: the service is named after the binary's file name; --protocol http listens on port 8080 with the \
            healthcheck http("localhost:8080/health") and a happy path GET /health that expects 200; --protocol tcp \
            listens on port 5432 with tcp("localhost:5432") and a happy path that sends one line (PING) and expects a \
            reply line. The service gets PORT=<port> in its environment. The spec goes to faultbox.star (--output - \
            prints it); an existing file is kept unless --force is given.

            Example: faultbox init --protocol tcp bin/mock-db && faultbox test faultbox.star
            """)

    @Option(help: ArgumentHelp("Service name (default: the binary's file name).", valueName: "NAME"))
    var name: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Port of the service's interface (default: 8080 for http, 5432 "
        + "for tcp).", valueName: "PORT"))
    var port: String?

    @Option(name: .customLong("protocol"), help: ArgumentHelp("Protocol of the interface: http or tcp.", valueName: "http|tcp"))
    var proto: String = "http"

    @Option(help: ArgumentHelp("Where to write the spec (- for standard output).", valueName: "FILE"))
    var output: String = "faultbox.star"

    @Flag(help: "Overwrite --output if it exists.")
    var force = false

    @Argument(help: ArgumentHelp("The service's executable (a path with / is relative to the directory faultbox runs "
        + "in; a bare name is looked up in PATH).", valueName: "BINARY"))
    var binary: String?

    func run() throws {
        let options = try validated()
        let text = StarterSpec.text(options)
        if output == "-" {
            print(text, terminator: "")
            return
        }
        try refuseOverwrite()
        guard writeFile(output, text) else {
            throw usage("cannot write \(output): \(String(cString: strerror(errno)))")
        }
        // What init writes must load: check it as compile would.
        if case .failure(let errors) = CompileOutput.render(specPath: output, format: "text", emit: "cells") {
            FileHandleStderr.write(errors.description + "\n")
            throw usage("the spec written to \(output) does not load (a bug in faultbox init; please report it)")
        }
        var note = ""
        if options.binary.contains("/") && access(options.binary, X_OK) != 0 {
            note = "\n  note: \(options.binary) is not an executable file yet; build it before running the test"
        }
        FileHandleStderr.write("""
            faultbox init: wrote \(output): service \(options.name) (\(options.proto) port \(options.port)) and the \
            test test_happy_path\(note)
              run it:    faultbox test \(output)
              its plan:  faultbox compile \(output)

            """)
    }

    struct Options {
        var name: String
        var variable: String
        var binary: String
        var proto: String
        var port: Int
    }

    private func usage(_ message: String) -> ExitWith {
        FileHandleStderr.write("faultbox init: \(message)\n")
        return ExitWith(ExitStatus.usage)
    }

    private func validated() throws -> Options {
        guard let binary, !binary.isEmpty else {
            throw usage("missing BINARY; usage: faultbox init [--name NAME] [--port PORT] [--protocol http|tcp] [--output FILE] BINARY")
        }
        guard proto == "http" || proto == "tcp" else {
            throw usage("--protocol \(proto): expected http or tcp")
        }
        var portNumber = proto == "http" ? 8080 : 5432
        if let port {
            guard let p = Int(port), p >= 1, p <= 65535 else {
                throw usage("--port \(port): expected a TCP port number from 1 to 65535")
            }
            portNumber = p
        }
        let serviceName: String
        if let name {
            guard StarterSpec.isValidName(name) else {
                throw usage("--name \(name): expected letters, digits, '-' or '_', starting with a letter (e.g. --name orders)")
            }
            serviceName = name
        } else {
            serviceName = StarterSpec.name(fromBinary: binary)
        }
        if output.isEmpty { throw usage("--output: expected a file name (or - for standard output)") }
        return Options(name: serviceName, variable: StarterSpec.variable(for: serviceName), binary: binary,
                       proto: proto, port: portNumber)
    }

    private func refuseOverwrite() throws {
        var st = stat()
        guard stat(output, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR {
            throw usage("--output \(output) is a directory; name a file, e.g. --output \(output)/faultbox.star")
        }
        if !force {
            throw usage("\(output) already exists; pass --force to overwrite it, or write elsewhere with --output FILE")
        }
    }

    private func writeFile(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return false }
            done += n
        }
        return true
    }
}

/// The text `faultbox init` writes.
enum StarterSpec {
    static func isValidName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIILetter else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    /// The binary's file name, made a valid service name.
    static func name(fromBinary binary: String) -> String {
        var base = binary.split(separator: "/").last.map(String.init) ?? binary
        if let dot = base.firstIndex(of: "."), dot != base.startIndex { base = String(base[..<dot]) }
        var out = String(base.unicodeScalars.map { c in
            c.isASCIILetter || ("0"..."9").contains(c) || c == "-" || c == "_" ? Character(c) : "-"
        })
        if out.unicodeScalars.first.map({ !$0.isASCIILetter }) ?? true { out = "svc-" + out }
        return out == "svc-" ? "service" : out
    }

    /// A Starlark identifier for the service's variable that shadows no builtin.
    static func variable(for name: String) -> String {
        var v = String(name.unicodeScalars.map { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" ? Character($0) : "_" })
        let keywords: Set<String> = ["and", "break", "continue", "def", "elif", "else", "for", "if", "in", "lambda",
                                     "load", "not", "or", "pass", "return", "while", "as", "assert", "async", "await",
                                     "class", "del", "except", "finally", "from", "global", "import", "is",
                                     "nonlocal", "raise", "try", "with", "yield", "True", "False", "None"]
        if keywords.contains(v) || SpecBuiltins.names.contains(v) || Universe.builtins[v] != nil || v == "happy_path" {
            v += "_svc"
        }
        return v
    }


    static func text(_ o: InitCommand.Options) -> String {
        let iface = o.proto == "http" ? "public" : "main"
        let health = o.proto == "http" ? "http(\"localhost:\(o.port)/health\")" : "tcp(\"localhost:\(o.port)\")"
        var s = """
            # A starter spec written by `faultbox init` for \(o.binary).
            #   faultbox test FILE      starts the service and runs the tests below
            #   faultbox compile FILE   prints the plan without starting anything
            # Next steps: declare the services this one depends on (depends_on = [...]) and
            # add fault tests; docs/spec-reference.md describes every builtin.

            \(o.variable) = service(\(StarlarkQuote.quoted(o.name)), \(StarlarkQuote.quoted(o.binary)),
                interface("\(iface)", "\(o.proto)", \(o.port)),
                # Most services read their port from the environment; drop this if yours does not.
                env = {"PORT": "\(o.port)"},
                healthcheck = \(health),
            )


            """
        if o.proto == "http" {
            s += """
                def happy_path():
                    \"\"\"The happy path: one request that must succeed (change the path to one of your endpoints).\"\"\"
                    resp = \(o.variable).\(iface).get(path = "/health")
                    assert_eq(resp.status, 200, "GET /health of \(o.name)")
                    return resp

                """
        } else {
            s += """
                def happy_path():
                    \"\"\"The happy path: one request line must get a reply line.\"\"\"
                    # send() writes one line and returns the reply line. Send a request of your
                    # protocol and check its exact reply (mock-db answers PING with PONG).
                    reply = \(o.variable).\(iface).send(data = "PING")
                    assert_true(len(reply) > 0, "expected a reply line from \(o.name)")
                    return reply

                """
        }
        s += "\n# Runs as test_happy_path, and can be used in fault_scenario() and fault_matrix().\nscenario(happy_path)\n"
        return s
    }
}

private extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
