// The plan's duration parser (`fault(delay="...")` in specs). In a file of its own because
// the module FaultPlan has a type of the same name, and Injector a GoDuration of its own.
import FaultPlan

enum PlanDuration {
    static func parse(_ text: String) {
        switch GoDuration.parse(text) {
        case .success(let nanoseconds): _ = nanoseconds
        case .failure(let error): _ = error.description
        }
    }
}
