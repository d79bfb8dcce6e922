// The one way a test skips. On a developer machine a missing tool skips the test; in CI
// (`.ci/run` sets FAULTBOX_CI_NO_SKIP=1) the same skip is a failure, so a green CI run
// means every test ran (issue 12, section 1).
import Foundation
import XCTest

/// Set by `.ci/run`: a test that would skip fails instead.
public let skipsFailInCI = ProcessInfo.processInfo.environment["FAULTBOX_CI_NO_SKIP"] == "1"

/// What a test throws when it cannot run here: an XCTSkip, or under FAULTBOX_CI_NO_SKIP=1
/// an error XCTest records as a failure. `reason` says what is missing, `fix` how to get it.
public func cannotRun(_ reason: String, fix: String) -> Error {
    if skipsFailInCI { return SkipInCI(description: "skip in CI: \(reason); \(fix)") }
    return XCTSkip("\(reason); \(fix)")
}

/// `throw cannotRun(...)` unless `condition` holds.
public func requireOrSkip(_ condition: Bool, _ reason: @autoclosure () -> String, fix: @autoclosure () -> String) throws {
    if !condition { throw cannotRun(reason(), fix: fix()) }
}

/// A skip turned into a failure (FAULTBOX_CI_NO_SKIP=1).
public struct SkipInCI: Error, CustomStringConvertible {
    public let description: String
}
