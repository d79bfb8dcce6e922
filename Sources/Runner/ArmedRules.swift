import Foundation
import Injector

/// The rules armed in one cell, as a stack of layers: the cell's fault assumptions (armed
/// once every service is ready, for the whole scenario), then one layer per active
/// `fault(target, run=fn)`, `fault_all([...], run=fn)` or `partition(a, b, run=fn)` call
/// (armed only while `fn` runs; calls nest), and pinned layers of `fault_start(service)`
/// (armed until `fault_stop(service)` or the end of the test, whatever scope they were
/// started in). Every change re-arms the union atomically in the injector.
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

    /// A layer armed by `fault_start`: it outlives the scope that pushed it, until
    /// `unpin(key)` or the end of the test (`disarmAll`, which calls `leftOpen`).
    struct Pin {
        /// The service whose `fault_start` armed the layer.
        var key: String
        /// Called by `disarmAll` when the layer is still armed at the end of the test.
        var leftOpen: () -> Void
    }

    private let session: InjectorSession
    /// `fault_applied` / `fault_removed` events go here.
    private let trace: CellTrace?
    private let lock = NSRecursiveLock()
    private var layers: [(token: Int, rules: [String: [FaultRule]], pin: Pin?)] = []
    private var nextToken = 0
    private var nextRuleID = 1
    private var origins: [Int: Origin] = [:]
    private var everArmed: [Int] = []
    /// Rules with a probability below 1: not firing can be the draw, not a wrong rule.
    private var probabilistic: Set<Int> = []
    private var isArmed = false

    init(session: InjectorSession, trace: CellTrace? = nil) {
        self.session = session
        self.trace = trace
    }

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
    func push(_ rules: [String: [FaultRule]], pin: Pin? = nil) -> Int {
        lock.lock(); defer { lock.unlock() }
        nextToken += 1
        // A second fault_start on a service replaces the first (one re-arm, no gap).
        if let key = pin?.key {
            for layer in layers where layer.pin?.key == key { note(applied: false, layer.rules) }
            layers.removeAll { $0.pin?.key == key }
        }
        layers.append((nextToken, rules, pin))
        note(applied: true, rules)
        for list in rules.values {
            everArmed.append(contentsOf: list.map(\.id))
            probabilistic.formUnion(list.filter { $0.probability < 1 }.map(\.id))
        }
        rearm()
        return nextToken
    }

    /// Removes the layer with `token` (and anything pushed after it that was not popped,
    /// which only happens when a body raised; pinned `fault_start` layers stay) and re-arms.
    func pop(_ token: Int) {
        lock.lock(); defer { lock.unlock() }
        if let i = layers.firstIndex(where: { $0.token == token }) {
            let kept = layers[(i + 1)...].filter { $0.pin != nil }
            for layer in layers[i...].reversed() where layer.pin == nil { note(applied: false, layer.rules) }
            layers.removeSubrange(i...)
            layers.append(contentsOf: kept)
        }
        rearm()
    }

    /// Removes the pinned layer of `key` and re-arms; false when there is none.
    @discardableResult
    func unpin(_ key: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let i = layers.firstIndex(where: { $0.pin?.key == key }) else { return false }
        note(applied: false, layers[i].rules)
        layers.remove(at: i)
        rearm()
        return true
    }

    func isPinned(_ key: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return layers.contains { $0.pin?.key == key }
    }

    /// Starts the armed window even with no rules, so monitors see events.
    func armWindow() {
        lock.lock(); defer { lock.unlock() }
        isArmed = true
        rearm()
    }

    func disarmAll() {
        lock.lock(); defer { lock.unlock() }
        for layer in layers { layer.pin?.leftOpen() }
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

    /// `write deny(EIO) path=/data/* [disk]`, `persist(write,fsync) ...` for an op.
    static func describe(_ r: FaultRule) -> String {
        let calls = r.syscalls.joined(separator: ",")
        var text = (r.op.map { "\($0)(\(calls))" } ?? calls) + " " + EventLog.describe(r.action)
        if r.probability < 1 { text += " p=\(r.probability)" }
        if let glob = r.pathGlob { text += " path=\(glob)" }
        if let dest = r.destination { text += " dest=\(dest)" }
        if !r.label.isEmpty { text += " [\(r.label)]" }
        return text
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
