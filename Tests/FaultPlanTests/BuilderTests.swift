import FaultPlan
import XCTest

/// Plan building from declarations directly (no Starlark): start order, binaries.
final class BuilderTests: XCTestCase {
    func pos(_ line: Int) -> SourcePosition { SourcePosition(file: "t.star", line: line, column: 1) }

    func service(_ name: String, port: Int64, deps: [String] = [], binary: String = "bin/x", line: Int) -> ServiceDecl {
        ServiceDecl(name: name, binary: binary, args: [], env: [],
                    interfaces: [InterfaceDecl(name: "main", proto: "tcp", port: port, position: pos(line))],
                    dependsOn: deps.map { NameRef($0, pos(line)) }, healthcheck: nil, position: pos(line),
                    variable: nil, definedIn: "/w/t.star")
    }

    func testStartOrderDependenciesFirstThenDeclarationOrder() throws {
        var d = SpecDeclarations(specPath: "/w/t.star", files: ["/w/t.star"])
        d.services = [service("web", port: 1, deps: ["api"], line: 1), service("cache", port: 2, line: 2),
                      service("api", port: 3, deps: ["db", "cache"], line: 3), service("db", port: 4, line: 4)]
        let plan = try PlanBuilder.build(d, vocabulary: TestVocabulary.vocabulary,
                                         options: .init(workingDirectory: "/w", searchPath: "/usr/bin:/bin"))
        XCTAssertEqual(plan.startOrder, ["cache", "db", "api", "web"])
    }

    func testBinaryResolution() throws {
        var d = SpecDeclarations(specPath: "/w/t.star", files: ["/w/t.star"])
        d.services = [service("a", port: 1, binary: "./bin/a", line: 1), service("b", port: 2, binary: "sh", line: 2),
                      service("c", port: 3, binary: "/opt/c", line: 3),
                      service("d", port: 4, binary: "no-such-binary-anywhere", line: 4)]
        let plan = try PlanBuilder.build(d, vocabulary: TestVocabulary.vocabulary,
                                         options: .init(workingDirectory: "/w", searchPath: "/nonexistent:/bin"))
        XCTAssertEqual(plan.services.map(\.executable), ["/w/bin/a", "/bin/sh", "/opt/c", "no-such-binary-anywhere"])
    }

    func testAllErrorsAreCollectedAndSorted() {
        var d = SpecDeclarations(specPath: "/w/t.star", files: ["/w/t.star"])
        d.services = [service("a", port: 1, line: 5), service("a", port: 1, line: 2), service("b", port: 7, deps: ["zz"], line: 9)]
        XCTAssertThrowsError(try PlanBuilder.build(d, vocabulary: TestVocabulary.vocabulary,
                                                   options: .init(workingDirectory: "/w", searchPath: ""))) { error in
            let errors = (error as? PlanErrors)?.errors ?? []
            XCTAssertEqual(errors.map(\.position.line), [2, 9])
            XCTAssertTrue(errors[0].message.contains("duplicate service name \"a\""))
            XCTAssertTrue(errors[1].message.contains("unknown service \"zz\""))
            XCTAssertFalse(errors[1].fix.isEmpty)
        }
    }
}
