import StarlarkVM

/// A stateful monitor's `update` and `check` only observe: they run while a test runs,
/// between the test's own steps, and a fault armed or an assertion raised from there would
/// act at an arbitrary point of the test. The runner runs them inside `run(...)`; the
/// builtins that act call `refuse` first. Calls that can be seen statically are refused
/// at load (LoadSpec).
public enum MonitorSandbox {
    static let key = "faultbox.monitor-sandbox"
    final class Box { let monitor: String; init(_ m: String) { monitor = m } }

    /// Builtins a monitor's update/check may not call.
    public static let forbidden: Set<String> = [
        "fault", "fault_start", "fault_stop", "fault_all", "partition", "trace", "trace_start", "trace_stop",
        "assert_true", "assert_eq", "assert_eventually", "assert_never", "assert_before", "events",
        "service", "monitor", "scenario", "fault_assumption", "fault_scenario", "fault_matrix", "sleep",
    ]

    /// Runs `body` with calls to the forbidden builtins refused, naming `monitor`.
    public static func run<T>(monitor: String, on thread: StarThread, _ body: () throws -> T) rethrows -> T {
        let previous = thread.local[key]
        thread.local[key] = Box(monitor)
        defer { thread.local[key] = previous }
        return try body()
    }

    /// Throws when called from a monitor's update/check.
    static func refuse(_ builtin: String, _ thread: StarThread) throws {
        guard let box = thread.local[key] as? Box else { return }
        throw StarlarkError("\(builtin)() cannot be called from monitor \(box.monitor)'s update or check: "
                            + "monitors only observe; compute the new state and return True/False, and assert in the test body")
    }
}
