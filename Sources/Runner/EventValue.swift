import Injector
import StarlarkVM

/// The `event` a monitor function receives: one injector decision, read-only.
/// Fields: service, syscall, pid, tid, decision ("allow", "deny(ECONNREFUSED)",
/// "delay(5s)"), label, seq, path and addr (None when unknown), op (the named operation of
/// the deciding rule, None otherwise).
final class EventValue: StarObject {
    let event: SyscallEvent

    init(_ event: SyscallEvent) { self.event = event }

    override var typeName: String { "event" }

    override var attrNames: [String] {
        ["addr", "decision", "label", "op", "path", "pid", "seq", "service", "syscall", "tid"]
    }

    override func attr(_ name: String, thread: StarThread) throws -> Value? {
        switch name {
        case "service": return .string(StarString(event.service))
        case "syscall": return .string(StarString(event.syscall))
        case "pid": return .int(Int64(event.pid))
        case "tid": return .int(Int64(event.tid))
        case "seq": return .int(Int64(event.seq))
        case "decision": return .string(StarString(EventLog.describe(event.decision)))
        case "label": return .string(StarString(event.label))
        case "path": return event.path.map { .string(StarString($0)) } ?? Value.none
        case "addr": return event.address.map { .string(StarString($0)) } ?? Value.none
        case "op": return event.op.map { .string(StarString($0)) } ?? Value.none
        default: return nil
        }
    }

    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out.append(contentsOf: Array("event(\(EventLog.describe(event)))".utf8))
    }
}
