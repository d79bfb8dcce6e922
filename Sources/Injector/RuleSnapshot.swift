#if canImport(Glibc)
import Glibc
#endif

/// A rule prepared for the tracer: syscall numbers resolved, destination parsed.
struct CompiledRule: Sendable {
    let id: Int
    let action: FaultAction
    let probability: Double
    let label: String
    let op: String?
    let pathGlob: String?
    let destination: DestinationPattern?
    /// A destination that did not parse: the rule can never match (validated earlier by
    /// `FaultRule.validationError`, so this only guards against unchecked callers).
    let unmatchable: Bool
}

/// The armed rules, immutable once built; the session swaps whole snapshots atomically so
/// the tracer never sees half an update.
///
/// Precedence: for one call, the service's explicit `allow` rules are tried first, then its
/// deny/delay rules, each group in the caller's order; the first rule whose conditions
/// (path, destination, probability draw) hold decides. So an allow rule carves the calls
/// it matches out of any broader deny or delay, whichever was armed first.
final class RuleSnapshot: Sendable {
    /// service -> syscall number -> rules (allow rules first, then the caller's order).
    private let table: [String: [Int64: [CompiledRule]]]

    init(_ rules: [String: [FaultRule]]) {
        var table: [String: [Int64: [CompiledRule]]] = [:]
        for (service, serviceRules) in rules {
            var bySyscall: [Int64: [CompiledRule]] = [:]
            for rule in serviceRules {
                let destination = rule.destination.flatMap(DestinationPattern.parse)
                let compiled = CompiledRule(
                    id: rule.id, action: rule.action,
                    probability: rule.probability.isNaN ? 0 : min(max(rule.probability, 0), 1),
                    label: rule.label, op: rule.op, pathGlob: rule.pathGlob, destination: destination,
                    unmatchable: rule.destination != nil && destination == nil)
                for name in rule.syscalls {
                    guard let nr = Syscalls.number(of: name) else { continue }
                    bySyscall[Int64(nr), default: []].append(compiled)
                }
            }
            for (nr, list) in bySyscall where list.contains(where: { $0.action == .allow }) {
                bySyscall[nr] = list.filter { $0.action == .allow } + list.filter { $0.action != .allow }
            }
            table[service] = bySyscall
        }
        self.table = table
    }

    /// Every rule of `service`, by syscall number.
    func rules(service: String) -> [Int64: [CompiledRule]] {
        table[service] ?? [:]
    }
}

extension FaultRule {
    /// nil when the rule is usable; otherwise what is wrong and how to fix it.
    public func validationError() -> String? {
        for name in syscalls where Syscalls.number(of: name) == nil {
            return "unknown syscall '\(name)' (expand families with Syscalls.expand first)"
        }
        if !(0...1).contains(probability) {
            return "probability \(probability) is outside 0...1"
        }
        if case .deny(let errno) = action, errno <= 0 || errno > 4095 {
            return "errno \(errno) is not a valid error number"
        }
        if let destination, DestinationPattern.parse(destination) == nil {
            return "destination '\(destination)' is not an address; use 127.0.0.1:5432, [::1]:80, 5432 (any loopback), or /path/to.sock"
        }
        return nil
    }
}

/// Deterministic draws: the n-th evaluation of rule `id` under `seed` always gives the same
/// number, whatever other rules or threads do in between.
enum SeededDraw {
    static func unit(seed: UInt64, ruleID: Int, counter: UInt64) -> Double {
        var x = seed ^ (UInt64(bitPattern: Int64(ruleID)) &* 0x9E37_79B9_7F4A_7C15) ^ (counter &* 0xD1B5_4A32_D192_ED03)
        // splitmix64 finaliser
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        x ^= x >> 31
        return Double(x >> 11) / Double(UInt64(1) << 53)
    }
}

enum Glob {
    /// Shell glob as fnmatch(3) without FNM_PATHNAME: `*` also crosses `/`.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        fnmatch(pattern, path, 0) == 0
    }
}
