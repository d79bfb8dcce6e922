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

    init(onEvent: @escaping @Sendable (SyscallEvent) -> Void) {
        self.onEvent = onEvent
        let thread = Thread { [self] in self.deliverLoop() }
        thread.name = "faultbox-events"
        thread.start()
    }

    func post(_ event: SyscallEvent) {
        condition.lock()
        queue.append(event)
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

    private func deliverLoop() {
        condition.lock()
        deliveryThread = pthread_self()
        condition.unlock()
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let done = stopping && batch.isEmpty
            if done {
                stopped = true
                condition.broadcast()
            }
            condition.unlock()
            if done { return }
            for event in batch { onEvent(event) }
        }
    }
}
