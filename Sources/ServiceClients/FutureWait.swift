// Waiting for an event-loop future from the VM's thread. `EventLoopFuture.wait()` blocks on
// a condition at once, so every call pays a wake-up of the VM thread after the loop thread
// fulfils the promise; on an idle machine that wake-up (from a deep CPU idle state) was the
// largest part of a kept-connection GET (docs/clients.md). A reply on loopback usually comes
// within tens of microseconds, so the waiter first spins briefly, then blocks.
import Dispatch
import NIOCore
import Synchronization

enum FutureWait {
    /// How long to spin before blocking: a kept-connection GET on loopback answers within
    /// this in the common case; longer calls (delays, timeouts) block as before.
    static let spinNanoseconds: UInt64 = 150_000

    static func result<T: Sendable>(of future: EventLoopFuture<T>) throws -> T {
        let box = Box<T>()
        future.whenComplete { result in
            box.result.withLock { $0 = result }
            box.done.store(true, ordering: .releasing)
            box.signal.signal()
        }
        let start = DispatchTime.now().uptimeNanoseconds
        while !box.done.load(ordering: .acquiring) {
            if DispatchTime.now().uptimeNanoseconds &- start > spinNanoseconds {
                box.signal.wait()
                break
            }
        }
        // Set before `done` and the signal, so it is there; a ChannelError rather than a trap
        // if that ever stopped being true.
        guard let result = box.result.withLock({ $0 }) else { throw ChannelError.ioOnClosedChannel }
        return try result.get()
    }

    private final class Box<T: Sendable>: Sendable {
        let done = Atomic(false)
        let result = Mutex<Result<T, Error>?>(nil)
        let signal = DispatchSemaphore(value: 0)
    }
}
