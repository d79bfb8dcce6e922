/// A thread held by a delay rule: released (PTRACE_CONT) at `deadline`.
struct Hold {
    var deadline: UInt64
    var tid: Int32
    var start: UInt64
    /// The event to emit on release (with the measured latency), if events are wanted.
    var event: SyscallEvent?
    /// Notify backend: the listener and notification id answered on release (-1 = ptrace).
    var listener: Int32 = -1
    var notification: UInt64 = 0
}

/// Min-heap of holds by deadline; the tracer loop never blocks on one tracee.
struct TimerHeap {
    private var items: [Hold] = []

    var isEmpty: Bool { items.isEmpty }
    var earliest: UInt64? { items.first?.deadline }

    mutating func push(_ hold: Hold) {
        items.append(hold)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].deadline < items[parent].deadline else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest hold if it is due at `now`.
    mutating func popDue(now: UInt64) -> Hold? {
        guard let first = items.first, first.deadline <= now else { return nil }
        return popFirst()
    }

    mutating func popFirst() -> Hold? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let first = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count && items[left].deadline < items[smallest].deadline { smallest = left }
            if right < items.count && items[right].deadline < items[smallest].deadline { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }

    /// Drops the holds of a thread that died while held.
    mutating func remove(tid: Int32) {
        remove { $0.tid == tid }
    }

    /// Drops the holds answered through a listener that is being closed.
    mutating func remove(listener: Int32) {
        remove { $0.listener == listener }
    }

    private mutating func remove(where drop: (Hold) -> Bool) {
        guard items.contains(where: drop) else { return }
        let kept = items.filter { !drop($0) }
        items = []
        for hold in kept { push(hold) }
    }
}
