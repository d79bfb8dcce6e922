import FaultPlan
@testable import Generator
import XCTest

/// The IR -> generator input mapping, on a plan built by hand like the seed's.
final class PlanMappingTests: XCTestCase {
    static func pos(_ line: Int, _ file: String = "scenario-test.star") -> SourcePosition {
        SourcePosition(file: file, line: line, column: 6)
    }

    static func seedPlan(dbVariable: String = "db") -> FaultPlan {
        let db = Service(
            name: "db", binary: "bin/mock-db", executable: "/specs/bin/mock-db", args: [],
            env: [EnvVar(key: "FAULTBOX_API_PUBLIC_ADDR", value: "localhost:8080", generated: true)],
            interfaces: [Interface(name: "main", proto: .tcp, port: 5432, position: pos(5))],
            healthcheck: nil, dependsOn: [], position: pos(4), variable: dbVariable,
            definedIn: "/specs/scenario-test.star")
        let api = Service(
            name: "api", binary: "bin/mock-api", executable: "/specs/bin/mock-api", args: [],
            env: [EnvVar(key: "PORT", value: "8080"), EnvVar(key: "DB_ADDR", value: "localhost:5432"),
                  EnvVar(key: "FAULTBOX_DB_MAIN_ADDR", value: "localhost:5432", generated: true)],
            interfaces: [Interface(name: "public", proto: .http, port: 8080, position: pos(9))],
            healthcheck: nil, dependsOn: [], position: pos(8), variable: "api",
            definedIn: "/specs/scenario-test.star")
        let flow = CallableRef(id: 0, name: "order_flow", position: pos(14))
        return FaultPlan(
            specPath: "scenario-test.star", files: ["/specs/scenario-test.star"], services: [db, api],
            startOrder: ["db", "api"], assumptions: [], monitors: [],
            scenarios: [Scenario(name: "order_flow", callable: flow, position: pos(18))],
            faultScenarios: [], matrices: [], testFunctions: [], tests: [], faultableSyscalls: [])
    }

    let resolve: (String) -> String = { $0.hasPrefix("/") ? $0 : "/specs/" + $0 }

    func testSeedPlanGivesTheSeedFile() throws {
        let input = try GeneratorInput(plan: Self.seedPlan(), resolvePath: resolve)
        XCTAssertEqual(input.specPath, "/specs/scenario-test.star")
        XCTAssertEqual(input.scenarios.map(\.definedIn), ["/specs/scenario-test.star"])
        // Only the user's env counts: FAULTBOX_* variables would wire everything to everything.
        XCTAssertEqual(input.services[0].env, [])
        // Env-only wiring (no depends_on), as the plan above declares it.
        XCTAssertEqual(try Fixtures.generate(input)[0].text, try Fixtures.generate(Fixtures.seed)[0].text)
    }

    func testVariableFromThePlanIsUsed() throws {
        let input = try GeneratorInput(plan: Self.seedPlan(dbVariable: "database"), resolvePath: resolve)
        let text = try Fixtures.generate(input)[0].text
        XCTAssertTrue(text.contains("load(\"scenario-test.star\", \"api\", \"database\", \"order_flow\")"))
        XCTAssertTrue(text.contains("partition(api, database, run=order_flow)"))
    }

    func testLambdaScenarioIsRejected() {
        var plan = Self.seedPlan()
        plan.scenarios = [Scenario(name: "lambda", callable: CallableRef(id: 1, name: "lambda", position: Self.pos(3)),
                                   position: Self.pos(3))]
        XCTAssertThrowsError(try GeneratorInput(plan: plan, resolvePath: resolve)) { error in
            XCTAssertTrue("\(error)".contains("scenario-test.star:3:6: scenario() was given a lambda"), "\(error)")
        }
    }
}
