import ArgumentParser

/// Subcommands and flags of the reference tool's CLI (Faultbox v0.18) that this project does
/// not have: instead of ArgumentParser's "Unknown option" or "unknown subcommand", one line
/// says what it is, that it is not supported here yet (or what to run instead), and where
/// to read more. A flag is refused only when its subcommand does not declare it, so a flag
/// implemented later needs no change here. docs/compat.md lists every name.
enum ReferenceCLI {
    /// Subcommands of the reference tool with no counterpart here.
    static let commands: [String: String] = [
        "inspect": "examines a .fb run bundle",
        "replay": "re-runs a .fb run bundle",
        "lock": "pins container image digests",
        "report": "builds an HTML report from a .fb run bundle",
        "diff": "compares two normalized traces",
        "setup-trace": "registers gVisor trace points for watch()",
        "mcp": "serves faultbox to LLM agents over the Model Context Protocol",
        "self-update": "downloads the latest release",
        "recipes": "browses the embedded recipe library",
    ]

    /// Subcommands of the reference tool whose job another subcommand does here.
    static let renamed: [String: String] = [
        "plan": "faultbox compile SPEC prints the plan, faultbox compile --coverage SPEC the edge coverage",
        "check": "faultbox compile SPEC validates a spec without running it",
    ]

    /// Flags of the reference tool per subcommand ("" for the root command).
    static let flags: [String: [String: String]] = [
        "": [
            "--version": "prints the release version",
        ],
        "test": [
            "--bundle": "names the .fb run bundle",
            "--no-bundle": "skips the .fb run bundle",
            "--shiviz": "writes a ShiViz visualization trace",
            "--normalize": "writes a normalized trace for determinism comparison",
            "--explore": "explores interleavings of parallel() branches",
            "--virtual-time": "makes fault delays advance a virtual clock instead of sleeping",
            "--log-format": "chooses console or JSON log lines",
            "--strict-determinism": "overrides the spec's determinism strictness",
            "--no-strict-determinism": "overrides the spec's determinism strictness",
            "--no-plan": "skips the plan tree in the run bundle",
            "--config": "names the faultbox.yaml topology of the reference tool's YAML spec format",
            "--spec": "names the spec.yaml tests of the reference tool's YAML spec format",
        ],
        "init": [
            "--from-compose": "generates a spec from a docker-compose file",
            "--claude": "sets up Claude Code integration",
            "--vscode": "writes VS Code autocomplete stubs",
        ],
        "run": [
            "--env": "sets an environment variable of the program (here: env VAR=value faultbox run ...)",
            "--fs-fault": "faults filesystem operations by name (here: --fault with the syscall or family)",
            "--debug": "logs every intercepted syscall (here: --trace SYSCALLS)",
            "--log-format": "chooses console or JSON log lines",
        ],
    ]

    /// Options of the reference tool's `run` that take a separate value (so that scanning
    /// for flags stops at the program name, not at a flag's value).
    static let valueOptions: Set<String> = ["--fault", "--trace", "--seed", "--env", "--fs-fault", "--log-format"]

    /// The reference tool's `test` also takes its older YAML format (`faultbox test
    /// faultbox.yaml spec.yaml`): a spec path ending in .yaml or .yml is that format, not
    /// Starlark, so say so instead of reporting YAML as a Starlark syntax error.
    static func yamlSpecRefusal(_ spec: String) -> String? {
        guard spec.hasSuffix(".yaml") || spec.hasSuffix(".yml") else { return nil }
        return "\(spec) is a YAML spec (the reference tool's faultbox.yaml/spec.yaml format); not supported here yet, "
            + "see docs/compat.md#cli; write the topology and tests in a .star spec (faultbox init BINARY starts one)"
    }

    static func commandRefusal(_ name: String) -> String? {
        if let what = commands[name] {
            return "faultbox \(name): \(what) (a command of the reference tool); not supported here yet, see docs/compat.md#cli"
        }
        if let instead = renamed[name] {
            return "faultbox \(name): not a command here: \(instead) (see docs/compat.md#cli)"
        }
        return nil
    }

    /// The refusal for the first reference-only flag in `arguments` that its subcommand does
    /// not declare (`declares(subcommand, flag)`), or nil.
    static func flagRefusal(_ arguments: [String], declares: (String, String) -> Bool) -> String? {
        var subcommand = ""
        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            subcommand = first
            rest = rest.dropFirst()
        }
        guard let table = flags[subcommand] else { return nil }
        var previousTakesValue = false
        for token in rest {
            if token == "--" { break }
            if !token.hasPrefix("-") {
                // `run`: the first positional is the program; what follows is its own.
                if subcommand == "run" && !previousTakesValue { break }
                previousTakesValue = false
                continue
            }
            let flag = token.split(separator: "=", maxSplits: 1).first.map(String.init) ?? token
            previousTakesValue = valueOptions.contains(flag) && !token.contains("=")
            if let what = table[flag], !declares(subcommand, flag) {
                let command = subcommand.isEmpty ? "faultbox" : "faultbox \(subcommand)"
                return "\(command): \(flag) \(what) (a flag of the reference tool); not supported here yet, see docs/compat.md#cli"
            }
        }
        return nil
    }

    /// Whether the help of `subcommand` lists `flag` (so ArgumentParser accepts it).
    static func declared(_ subcommand: String, _ flag: String) -> Bool {
        let help: String
        if subcommand.isEmpty {
            help = FaultboxCommand.helpMessage(columns: 400)
        } else {
            guard let type = FaultboxCommand.configuration.subcommands.first(where: {
                $0.configuration.commandName == subcommand
            }) else { return false }
            help = FaultboxCommand.helpMessage(for: type, includeHidden: true, columns: 400)
        }
        var search = help[...]
        while let r = search.range(of: flag) {
            let after = search[r.upperBound...].first
            let wordCharacters: Set<Character> = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
            if after.map({ !wordCharacters.contains($0) }) ?? true { return true }
            search = search[r.upperBound...]
        }
        return false
    }
}
