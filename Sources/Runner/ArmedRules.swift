import Foundation
import Injector

/// The rules armed in one cell, as a stack of layers: the cell's fault assumptions (armed
/// once every service is ready, for the whole scenario), then one layer per active
/// `fault(target, run=fn)` or `partition(a, b, run=fn)` call (armed only while `fn` runs;
/// calls nest). Every change re-arms the union atomically in the injector.
///
/// Rule ids are unique within the cell so that hits and events can be traced back to the
/// assumption or call that armed them ("fault db_down never fired").
///
/// Used from the cell's VM thread; the report reads it after the thread finished (or was
/// abandoned at a timeout), so the state sits behind a lock.
final class ArmedRules: @unchecked Sendable {
    struct Origin {
        /// What the user calls it: the assumption name, `fault(api)`, `partition(api, db)`.
        var name: String
        /// Whether a rule that never fires deserves a warning (a partition that no one
        /// tried to cross is not suspicious, a named fault assumption is).
        var warnIfUnused: Bool
    }

    private let session: InjectorSession
    /// `fault_applied` / `fault_removed` events go here.
    private let trace: CellTrace?
    private let lock = NSRecursiveLock()
    private var layers: [(token: Int, rules: [String: [FaultRule]])] = []
    private var nextToken = 0
    private var nextRuleID = 1
    private var origins: [Int: Origin] = [:]
    private var everArmed: [Int] = []
    /// Rules with a probability below 1: not firing can be the draw, not a wrong rule.
    private var probabilistic: Set<Int> = []
    private var isArmed = false

    init(session: InjectorSession, trace: CellTrace? = nil) { self.session = session; self.trace = trace }

    /// Allocates an id for a new rule and remembers where it came from.
    func newRuleID(origin: Origin) -> Int {
        lock.lock(); defer { lock.unlock() }
        let id = nextRuleID
        nextRuleID += 1
        origins[id] = origin
        return id
    }

    /// Pushes a layer and re-arms; returns a token for `pop`.
    @discardableResult
    func push(_ rules: [String: [FaultRule]]) -> Int {
        lock.lock(); defer { lock.unlock() }
        nextToken += 1
        layers.append((nextToken, rules))
        note(applied: true, rules)
        for list in rules.values {
            everArmed.append(contentsOf: list.map(\.id))
            probabilistic.formUnion(list.filter { $0.probability < 1 }.map(\.id))
        }
        rearm()
        return nextToken
    }

    /// Removes the layer with `token` (and anything pushed after it that was not popped,
    /// which only happens when a body raised) and re-arms.
    func pop(_ token: Int) {
        lock.lock(); defer { lock.unlock() }
        if let i = layers.firstIndex(where: { $0.token == token }) {
            for layer in layers[i...].reversed() { note(applied: false, layer.rules) }
            layers.removeSubrange(i...)
        }
        rearm()
    }

    /// One trace event per service whose rules changed, naming where they came from.
    private func note(applied: Bool, _ rules: [String: [FaultRule]]) {
        guard let trace else { return }
        for service in rules.keys.sorted() {
            let list = rules[service] ?? []
            guard !list.isEmpty else { continue }
            let names = Array(Set(list.compactMap { origins[$0.id]?.name })).sorted()
            trace.faults(applied: applied, service: service, origin: names.joined(separator: ", "),
                         rules: list.map(Self.describe))
        }
    }

    /// `connect deny(ECONNREFUSED) [db_down]`.
    static func describe(_ r: FaultRule) -> String {
        var text = r.syscalls.joined(separator: ",") + " " + EventLog.describe(r.action)
        if r.probability < 1 { text += " p=\(r.probability)" }
        if let glob = r.pathGlob { text += " path=\(glob)" }
        if let dest = r.destination { text += " dest=\(dest)" }
        if !r.label.isEmpty { text += " [\(r.label)]" }
        return text
    }

    /// Starts the armed window even with no rules, so monitors see events.
    func armWindow() {
        lock.lock(); defer { lock.unlock() }
        isArmed = true
        rearm()
    }

    func disarmAll() {
        lock.lock(); defer { lock.unlock() }
        for layer in layers.reversed() { note(applied: false, layer.rules) }
        layers = []
        isArmed = false
        session.disarm()
    }

    private func rearm() {
        lock.lock(); defer { lock.unlock() }
        guard isArmed else { return }
        var union: [String: [FaultRule]] = [:]
        for layer in layers {
            for (service, rules) in layer.rules { union[service, default: []].append(contentsOf: rules) }
        }
        session.arm(union)
    }

    /// Armed origins whose rules never fired, in the order they were armed, each with
    /// whether one of its rules has a probability below 1.
    func unusedOrigins(hits: [Int: Int]) -> [(name: String, probabilistic: Bool)] {
        lock.lock(); defer { lock.unlock() }
        var fired = Set<String>(), chancy = Set<String>(), seen = Set<String>(), order: [String] = []
        for id in everArmed {
            guard let origin = origins[id], origin.warnIfUnused else { continue }
            if (hits[id] ?? 0) > 0 { fired.insert(origin.name) }
            if probabilistic.contains(id) { chancy.insert(origin.name) }
            if seen.insert(origin.name).inserted { order.append(origin.name) }
        }
        return order.filter { !fired.contains($0) }.map { ($0, chancy.contains($0)) }
    }
}
