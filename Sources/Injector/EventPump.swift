import Foundation

/// Hands events from the tracer to the consumer on its own thread, so a slow consumer
/// never holds a traced thread. The queue is unbounded by design: dropping events would
/// make monitors miss decisions.
final class EventPump: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [SyscallEvent] = []
    private var stopping = false
    private var stopped = false
    private let onEvent: @Sendable (SyscallEvent) -> Void
    private var deliveryThread: pthread_t?
    /// Events posted and events handed to `onEvent`, for `flush`.
    private var posted = 0
    private var delivered = 0

    init(onEvent: @escaping @Sendable (SyscallEvent) -> Void) {
        self.onEvent = onEvent
        let thread = Thread { [self] in self.deliverLoop() }
        thread.name = "faultbox-events"
        thread.start()
    }

    func post(_ event: SyscallEvent) {
        condition.lock()
        queue.append(event)
        posted += 1
        if queue.count == 1 { condition.signal() }
        condition.unlock()
    }

    /// Delivers what is queued, then ends the delivery thread; returns when it has ended.
    /// Called from the consumer itself (an onEvent that shuts the session down), it only
    /// asks the thread to stop: waiting for itself would deadlock.
    func drainAndStop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        let onDeliveryThread = deliveryThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
        while !stopped && !onDeliveryThread { condition.wait() }
        condition.unlock()
    }

    /// Returns once every event posted before the call has been handed to the consumer, so
    /// a query that follows sees every decision the tracer has taken so far. Returns at once
    /// on the delivery thread itself or once the pump stopped.
    func flush() {
        condition.lock()
        defer { condition.unlock() }
        if let t = deliveryThread, pthread_equal(t, pthread_self()) != 0 { return }
        let target = posted
        while delivered < target && !stopped { condition.wait() }
    }

    private func deliverLoop() {
        condition.lock()
        deliveryThread = pthread_self()
        condition.unlock()
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            // Taken whole, not copied: `removeAll(keepingCapacity:)` on a shared buffer would
            // allocate a second buffer as large as the backlog while this one is delivered.
            var batch: [SyscallEvent] = []
            swap(&batch, &queue)
            let done = stopping && batch.isEmpty
            if done {
                stopped = true
                condition.broadcast()
            }
            condition.unlock()
            if done { return }
            for event in batch { onEvent(event) }
            if !batch.isEmpty {
                condition.lock()
                delivered += batch.count
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
