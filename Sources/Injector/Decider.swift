import CInjector

/// Rule matching for one trapped call, shared by both backends (ptrace stops and seccomp
/// notifications) so that decisions, probability draws and events are the same whichever
/// mechanism trapped the call. Confined to the one thread that decides for a session.
struct Decider {
    let store: RuleStore
    let selection: EventSelection
    let seed: UInt64
    /// Rule id -> evaluations so far: the n-th draws splitmix64(seed, id, n).
    private var ruleCounters: [Int: UInt64] = [:]
    private var seq = 0
    /// The last (snapshot, service) looked up and its rules by syscall: consecutive calls
    /// mostly come from one service under one snapshot, so the service name is not hashed
    /// per call.
    private var cachedSnapshot: RuleSnapshot?
    private var cachedService = ""
    private var cachedRules: [Int64: [CompiledRule]] = [:]

    init(store: RuleStore, selection: EventSelection, seed: UInt64) {
        self.store = store
        self.selection = selection
        self.seed = seed
    }

    /// The first matching rule's action (allow rules are tried first, see RuleSnapshot),
    /// and the event to report (latency not filled in yet), if the selection wants one.
    /// `pid` (the caller's thread group) is asked for only when an event is built.
    mutating func decide(snapshot: RuleSnapshot, service: String, pid: () -> Int32, tid: Int32,
                         target: inout LazyTarget) -> (FaultAction, SyscallEvent?) {
        let call = target.syscall
        var decision = FaultAction.allow
        var fired: CompiledRule?
        if cachedSnapshot !== snapshot || cachedService != service {
            cachedSnapshot = snapshot
            cachedService = service
            cachedRules = snapshot.rules(service: service)
        }
        for rule in cachedRules[call.nr] ?? [] where !rule.unmatchable {
            if let glob = rule.pathGlob {
                guard let path = target.path(), Glob.matches(glob, path) else { continue }
            }
            if let destination = rule.destination {
                guard let address = target.address(), destination.matches(address) else { continue }
            }
            if rule.probability < 1 {
                let n = ruleCounters[rule.id, default: 0]
                ruleCounters[rule.id] = n &+ 1
                guard SeededDraw.unit(seed: seed, ruleID: rule.id, counter: n) < rule.probability else { continue }
            }
            fired = rule
            decision = rule.action
            break
        }
        if let fired { store.hits.withLock { $0[fired.id, default: 0] += 1 } }

        let wantEvent: Bool
        switch selection {
        case .all: wantEvent = true
        case .faultsOnly: wantEvent = decision != .allow
        case .none: wantEvent = false
        }
        guard wantEvent else { return (decision, nil) }
        seq += 1
        let name = Syscalls.name(of: call.nr)
        var event = SyscallEvent(
            seq: seq, service: service, pid: pid(), tid: tid,
            syscall: name, path: target.path(),
            address: target.address()?.display, decision: decision, ruleID: fired?.id,
            label: fired?.label ?? "", latencyNanoseconds: 0, op: fired?.op)
        event.size = TargetDecoder.size(syscall: call, name: name)
        return (decision, event)
    }
}
