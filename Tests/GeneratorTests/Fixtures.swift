import FaultPlan
import Generator
import XCTest

/// Topologies used by the tests, written as the spec would declare them.
enum Fixtures {
    static let dir = "/specs"
    static let spec = "/specs/scenario-test.star"

    static func at(_ line: Int) -> SourcePosition { SourcePosition(file: spec, line: line, column: 6) }

    static func service(_ name: String, variable: String? = nil, port: Int, proto: String = "tcp",
                        iface: String = "main", dependsOn: [String] = [], env: [(String, String)] = [],
                        line: Int = 1, file: String = spec) -> ServiceInfo {
        ServiceInfo(name: name, variable: variable ?? name, definedIn: file, location: at(line),
                    interfaces: [InterfaceInfo(name: iface, proto: proto, port: port)],
                    dependsOn: dependsOn, env: env.map { EnvEntry(key: $0.0, value: $0.1) })
    }

    static func scenario(_ name: String, file: String = spec) -> ScenarioInfo {
        ScenarioInfo(function: name, definedIn: file, location: at(20))
    }

    /// The seed's scenario-test.star.
    static let seed = GeneratorInput(
        specPath: spec,
        services: [
            service("db", port: 5432, line: 4),
            service("api", port: 8080, proto: "http", iface: "public", dependsOn: ["db"],
                    env: [("PORT", "8080"), ("DB_ADDR", "localhost:5432")], line: 8),
        ],
        scenarios: [scenario("order_flow")])

    /// web -> api -> db, wired by depends_on.
    static let chain = GeneratorInput(
        specPath: spec,
        services: [
            service("db", port: 5432),
            service("api", port: 8080, proto: "http", iface: "public", dependsOn: ["db"]),
            service("web", port: 3000, proto: "http", iface: "public", dependsOn: ["api"]),
        ],
        scenarios: [scenario("checkout")])

    static func generate(_ input: GeneratorInput, _ selection: Selection = Selection(),
                         outputDirectory: String = dir) throws -> [GeneratedFile] {
        let proposals = try FaultGenerator.proposals(for: input, selection: selection)
        return try FaultGenerator.files(for: proposals, input: input, outputDirectory: outputDirectory)
    }

    /// The text below the header comment (the part the seed shows after its first line).
    static func body(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var rest = lines.drop { $0.hasPrefix("#") }  // the header comment
        if rest.first == "" { rest = rest.dropFirst() }  // and the blank line after it
        return rest.joined(separator: "\n")
    }
}

/// Golden files under golden/generate/. `FAULTBOX_RECORD=1` rewrites them, and that run
/// fails so a recording is never mistaken for a pass.
enum Golden {
    static let root: String = {
        var parts = #filePath.split(separator: "/").map(String.init)
        parts.removeLast(3)  // Tests/GeneratorTests/Fixtures.swift
        return "/" + parts.joined(separator: "/") + "/golden/generate/"
    }()

    static func check(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let path = root + name
        if ProcessInfo.processInfo.environment["FAULTBOX_RECORD"] == "1" {
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            XCTFail("recorded \(path); re-run without FAULTBOX_RECORD", file: file, line: line)
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            XCTFail("missing golden file \(path); record it with FAULTBOX_RECORD=1", file: file, line: line)
            return
        }
        XCTAssertEqual(actual, expected, "differs from \(path)", file: file, line: line)
    }
}
